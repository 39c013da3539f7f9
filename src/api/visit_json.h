/*
 * visit_json.h: the JSON body of a visit (docs/api.md) read into a
 * store_visit with jansson, for the API. Type problems (a number where a
 * string is expected, an unknown key…) are collected with the JSON path of
 * each field; the rules of the record are visit_validate's. No HTTP: the
 * strings of the visit come from the caller's arena.
 */
#ifndef GUICHET_VISIT_JSON_H
#define GUICHET_VISIT_JSON_H

#include <stddef.h>

#include "store/store.h"
#include "util/util.h"

#define VISIT_JSON_MAX_ERRORS 64

typedef struct visit_json_errors {
	struct {
		const char *field;  /* JSON path: "channel", "visitor.gender", "demands[0].outcome" */
		const char *reason; /* French msgid */
	} v[VISIT_JSON_MAX_ERRORS];
	size_t n;
} visit_json_errors;

void visit_json_error_add(visit_json_errors *e, const char *field, const char *msgid);
/* Adds visit_validate's errors, their field names ("d2_outcome", "gender")
 * turned into JSON paths ("demands[1].outcome", "visitor.gender"). */
void visit_json_errors_from(visit_json_errors *e, arena *a, const field_errors *fe);

/* Where the body stopped being JSON. */
typedef struct visit_json_syntax {
	int line, column, position;
	char text[160]; /* jansson's reason, in English */
} visit_json_syntax;

enum { VISIT_JSON_OK = 0, VISIT_JSON_MALFORMED = -1, VISIT_JSON_NOT_OBJECT = -2 };

/* Reads body into v: VISIT_JSON_OK (the field problems, if any, in e),
 * VISIT_JSON_MALFORMED (where in syn), or VISIT_JSON_NOT_OBJECT. old is the
 * visit being corrected, NULL for a new one; with patch, what the body does
 * not mention keeps old's value (v must start as a copy of old), and a
 * demand named by its id starts from the old demand. */
int visit_json_read(arena *a, const char *body, size_t len, store_visit *v, const store_visit *old, int patch,
                    visit_json_errors *e, visit_json_syntax *syn);
/* RFC 3339 date and time ("2024-03-04T10:15:00+01:00") to Unix seconds. */
int visit_json_parse_instant(const char *s, int64_t *out);

#endif
