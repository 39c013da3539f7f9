/*
 * queue_json.h: the bodies of the queue's API (api_queue.c) read with
 * jansson into plain strings, so that the handlers write JSON through
 * util/json.h only.
 */
#ifndef GUICHET_QUEUE_JSON_H
#define GUICHET_QUEUE_JSON_H

#include <stddef.h>

#include "util/util.h"

/* Every member as text from the arena, NULL when absent or null. service
 * may be given as a number: its digits. */
typedef struct queue_body {
	const char *service, *language, *priority, *channel, *name, *desk;
	const char **needs; /* nneeds strings */
	size_t nneeds;
} queue_body;

enum { QUEUE_JSON_OK = 0, QUEUE_JSON_MALFORMED = -1, QUEUE_JSON_NOT_OBJECT = -2, QUEUE_JSON_BAD_FIELD = -3 };

/* An empty body is an empty object. QUEUE_JSON_BAD_FIELD names the member
 * of the wrong type in *field (a string where text is expected, a list of
 * strings for needs). */
int queue_json_read(arena *a, const char *body, size_t len, queue_body *out, const char **field);

#endif
