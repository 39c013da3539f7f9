/*
 * sse.c: Server-Sent Events of a site's live events (sse.h), on top of the
 * HTTP layer's streamed answers (http_stream_begin).
 *
 * Each stream owns a small state, allocated with malloc since it outlives
 * the request: the last id sent, the watcher that wakes the stream when the
 * site publishes, and the bytes formatted but not yet taken by the
 * connection. The stream's read (on a server thread) formats the events
 * published since the last id; the watcher (on the publishing thread) only
 * wakes the connection. When the client leaves, the HTTP layer calls done,
 * which unwatches (waiting for a wake in progress) and frees the state.
 */
#include <stdlib.h>
#include <string.h>

#include "app/events.h"
#include "util/guichet_limits.h"
#include "util/i18n.h"
#include "web/sse.h"

/* Events formatted per read; the next read takes the rest. */
#define SSE_BATCH 16
/* The formatted bytes of one batch at most. */
#define SSE_PENDING_BYTES ((size_t)SSE_BATCH * (EVENTS_DATA_MAX * 2 + 128))

static const char KEEPALIVE[] = ": keep-alive\n\n";

struct sse {
	int64_t site_id;
	uint64_t last_id; /* the newest event given to the reader (or skipped) */
	int check_missed; /* the first read tells whether the reader missed some */
	events_watcher *watcher;
	http_stream *stream;
	web_sse_filter filter;
	buf pending; /* formatted, from offset `given` on not yet taken */
	size_t given;
	buf data;    /* the filter's output */
	event batch[SSE_BATCH];
	unsigned char arg[]; /* the page's copy for the filter */
};

static void sse_wake(void *arg)
{
	struct sse *s = arg;
	http_stream_wake(s->stream);
}

/* Formats the events after last_id into pending; 0 when there were none. */
static size_t sse_fill(struct sse *s)
{
	int missed = 0;
	size_t n = events_since(s->site_id, s->last_id, s->batch, SSE_BATCH, &missed);
	if (s->check_missed) {
		s->check_missed = 0;
		if (missed) {
			/* What the reader holds cannot be trusted: it reloads, and
			 * the stream goes on from the newest event. */
			s->last_id = events_last_id(s->site_id);
			buf_printf(&s->pending, "id: %llu\nevent: reset\ndata: {}\n\n", (unsigned long long)s->last_id);
			return 1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const event *e = &s->batch[i];
		s->last_id = e->id;
		buf_reset(&s->data);
		const char *data = e->data;
		if (s->filter) {
			if (!s->filter(e, s->arg, &s->data))
				continue;
			if (s->data.len) {
				if (s->data.overflow || memchr(s->data.data, '\n', s->data.len) ||
				    memchr(s->data.data, '\r', s->data.len))
					continue;
				data = s->data.data;
			}
		}
		buf_printf(&s->pending, "id: %llu\nevent: %s\ndata: %s\n\n", (unsigned long long)e->id, e->kind,
		           data);
	}
	return n;
}

static long sse_read(void *arg, char *out, size_t max)
{
	struct sse *s = arg;
	while (s->given >= s->pending.len) {
		buf_reset(&s->pending);
		s->given = 0;
		if (sse_fill(s) == 0)
			return 0;
		if (s->pending.overflow)
			return -1; /* cannot happen with the sizes above; end rather than send half */
	}
	size_t n = s->pending.len - s->given;
	if (n > max)
		n = max;
	memcpy(out, s->pending.data + s->given, n);
	s->given += n;
	return (long)n;
}

static void sse_done(void *arg)
{
	struct sse *s = arg;
	events_unwatch(s->watcher);
	buf_free(&s->pending);
	buf_free(&s->data);
	free(s);
}

/* The reader's last id: the header a reconnecting EventSource sends, then
 * the page's ?last=. -1 when neither is there. */
static int last_event_id(req *r, uint64_t *out)
{
	const char *v = http_header(r, "Last-Event-ID");
	if (!v || !*v)
		v = http_query(r, "last");
	int64_t id;
	if (!v || !*v || parse_int64(v, 0, INT64_MAX, &id) != 0)
		return -1;
	*out = (uint64_t)id;
	return 0;
}

int web_sse(req *r, int64_t site_id, web_sse_filter filter, const void *arg, size_t arg_len)
{
	struct sse *s = xcalloc(1, sizeof(*s) + arg_len);
	s->site_id = site_id;
	s->filter = filter;
	if (arg_len)
		memcpy(s->arg, arg, arg_len);
	buf_init(&s->pending, SSE_PENDING_BYTES);
	buf_init(&s->data, EVENTS_DATA_MAX * 2);
	if (last_event_id(r, &s->last_id) == 0)
		s->check_missed = 1;
	else
		s->last_id = events_last_id(site_id);
	buf_printf(&s->pending, "retry: %d\n\n", WEB_SSE_RETRY_MS);

	static const http_stream_source source = {sse_read, sse_done, KEEPALIVE};
	s->stream = http_stream_begin(r, &source, s);
	if (!s->stream) {
		buf_free(&s->pending);
		buf_free(&s->data);
		free(s);
		http_status(r, 503);
		http_set_header(r, "Retry-After", "10");
		http_content_type(r, "text/plain; charset=utf-8");
		buf_puts(&r->out, _(r, "Trop d'écrans sont connectés. Réessayez dans un instant."));
		buf_putc(&r->out, '\n');
		return 0;
	}
	s->watcher = events_watch(site_id, sse_wake, s);
	http_status(r, 200);
	http_content_type(r, "text/event-stream; charset=utf-8");
	http_set_header(r, "Cache-Control", "no-store");
	/* nginx would otherwise hold the events in its buffer. */
	http_set_header(r, "X-Accel-Buffering", "no");
	return 0;
}
