/*
 * queue_json.c: the bodies of the queue's API with jansson (queue_json.h).
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/queue_json.h"

/* A member as text into *out: 0, or -1 when it has another type. */
static int text(arena *a, json_t *o, const char *key, int number_ok, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		*out = arena_strdup(a, json_string_value(v));
	else if (number_ok && json_is_integer(v))
		*out = arena_printf(a, "%" PRId64, (int64_t)json_integer_value(v));
	else
		return -1;
	return *out ? 0 : -1;
}

int queue_json_read(arena *a, const char *body, size_t len, queue_body *out, const char **field)
{
	memset(out, 0, sizeof *out);
	*field = NULL;
	if (len == 0)
		return QUEUE_JSON_OK;
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return QUEUE_JSON_MALFORMED;
	int rc = QUEUE_JSON_OK;
	if (!json_is_object(o)) {
		json_decref(o);
		return QUEUE_JSON_NOT_OBJECT;
	}
	static const char *const keys[] = {"service", "language", "priority", "channel", "name", "desk"};
	const char **slots[] = {&out->service, &out->language, &out->priority,
	                        &out->channel, &out->name,     &out->desk};
	for (size_t i = 0; rc == QUEUE_JSON_OK && i < sizeof keys / sizeof *keys; i++)
		if (text(a, o, keys[i], i == 0, slots[i]) != 0) {
			*field = keys[i];
			rc = QUEUE_JSON_BAD_FIELD;
		}
	json_t *needs = json_object_get(o, "needs");
	if (rc == QUEUE_JSON_OK && needs && !json_is_null(needs)) {
		size_t n = json_is_array(needs) ? json_array_size(needs) : 0;
		out->needs = n ? arena_alloc(a, n * sizeof *out->needs) : NULL;
		if (!json_is_array(needs) || n > 16 || (n && !out->needs))
			rc = QUEUE_JSON_BAD_FIELD;
		for (size_t i = 0; rc == QUEUE_JSON_OK && i < n; i++) {
			json_t *v = json_array_get(needs, i);
			const char *s = json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
			if (!s)
				rc = QUEUE_JSON_BAD_FIELD;
			else
				out->needs[out->nneeds++] = s;
		}
		if (rc != QUEUE_JSON_OK)
			*field = "needs";
	}
	json_decref(o);
	return rc;
}
