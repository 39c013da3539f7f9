/*
 * sse.h: a site's live events (app/events.h) as Server-Sent Events, for
 * the public screen, the phone pages and the advisers' queue page.
 *
 * The stream starts after the reader's last event: the Last-Event-ID
 * header that a reconnecting EventSource sends, else ?last= (the page puts
 * there the id it was rendered at, so nothing published between the page
 * and its stream is lost), else the site's newest event. Each event goes as
 * "id:", "event:" (the kind) and "data:" (one JSON object) lines; a first
 * "retry:" line sets the reconnection delay; a silent stream sends a
 * ": keep-alive" comment every LIMIT_STREAM_KEEPALIVE_S. When events after
 * the reader's last were already dropped (or its id is from before a
 * restart), the stream starts with an event "reset" instead of them: the
 * reader reloads its state (the page) rather than trust the stream.
 */
#ifndef GUICHET_WEB_SSE_H
#define GUICHET_WEB_SSE_H

#include <stddef.h>
#include <stdint.h>

#include "app/events.h"
#include "http/http.h"
#include "util/util.h"

/* Whether event e goes to this reader, and with what data: the filter may
 * write the data to send (one JSON object, no newline) into data, or leave
 * it empty to send e->data unchanged; it returns 0 to skip the event. It
 * runs on a server thread, after the request is gone: arg is web_sse's own
 * copy of what the page gave, so it must not point into the request's
 * arena (pointers to static data, such as a struct lang, are fine). */
typedef int (*web_sse_filter)(const event *e, void *arg, buf *data);

/* Answers r with the event stream of site_id, each event passed through
 * filter (NULL: every event as it is); arg_len bytes at arg are copied for
 * the filter. 0, or -1 when the stream cannot open: 503 has then been
 * answered (the server has LIMIT_EVENT_STREAMS open, or is stopping). */
int web_sse(req *r, int64_t site_id, web_sse_filter filter, const void *arg, size_t arg_len);

/* The reconnection delay the streams ask for, in milliseconds. */
#define WEB_SSE_RETRY_MS 3000

#endif
