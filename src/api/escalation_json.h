/*
 * escalation_json.h: the bodies of the escalations' API (api_escalations.c)
 * read with jansson into plain strings, so that the handler writes JSON
 * through util/json.h only.
 */
#ifndef GUICHET_ESCALATION_JSON_H
#define GUICHET_ESCALATION_JSON_H

#include <stddef.h>

#include "util/util.h"

/* Every member as text from the arena, NULL when absent or null; consent
 * is 1 only for true. */
typedef struct escalation_body {
	const char *question, *text, *operator_code, *told_by, *useful;
	int consent;
} escalation_body;

enum { ESC_JSON_OK = 0, ESC_JSON_MALFORMED = -1, ESC_JSON_NOT_OBJECT = -2, ESC_JSON_BAD_FIELD = -3 };

/* An empty body is an empty object. ESC_JSON_BAD_FIELD names the member of
 * the wrong type in *field. */
int escalation_json_read(arena *a, const char *body, size_t len, escalation_body *out, const char **field);

#endif
