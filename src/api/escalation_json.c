/*
 * escalation_json.c: the bodies of the escalations' API with jansson
 * (escalation_json.h).
 */
#include "api/escalation_json.h"

#include <jansson.h>
#include <string.h>

static int text_member(arena *a, json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = arena_strndup(a, json_string_value(v), json_string_length(v));
	/* A NUL inside the string would cut it short: refused. */
	return *out && strlen(*out) == json_string_length(v) ? 0 : -1;
}

int escalation_json_read(arena *a, const char *body, size_t len, escalation_body *out, const char **field)
{
	memset(out, 0, sizeof *out);
	*field = NULL;
	if (len == 0)
		return ESC_JSON_OK;
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return ESC_JSON_MALFORMED;
	int rc = ESC_JSON_OK;
	if (!json_is_object(o)) {
		json_decref(o);
		return ESC_JSON_NOT_OBJECT;
	}
	static const char *const keys[] = {"question", "text", "operator", "told_by", "useful"};
	const char **slots[] = {&out->question, &out->text, &out->operator_code, &out->told_by, &out->useful};
	for (size_t i = 0; rc == ESC_JSON_OK && i < sizeof keys / sizeof keys[0]; i++)
		if (text_member(a, o, keys[i], slots[i]) != 0) {
			*field = keys[i];
			rc = ESC_JSON_BAD_FIELD;
		}
	json_t *c = json_object_get(o, "consent");
	if (rc == ESC_JSON_OK && c && !json_is_boolean(c) && !json_is_null(c)) {
		*field = "consent";
		rc = ESC_JSON_BAD_FIELD;
	}
	out->consent = c && json_is_true(c);
	json_decref(o);
	return rc;
}
