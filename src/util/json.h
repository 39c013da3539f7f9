/*
 * json.h: a JSON writer that escapes by construction. Output only; JSON
 * input is parsed with jansson where the API accepts it.
 *
 * The writer tracks commas itself: json_key writes the separator when
 * needed, so callers write keys and values in order and never punctuation.
 */
#ifndef GUICHET_JSON_H
#define GUICHET_JSON_H

#include <stdint.h>

#include "util/util.h"

/* A string literal with every character that JSON requires escaped, and
 * U+2028/U+2029 escaped too so the text is also safe inside a script. */
void json_quote(buf *b, const char *s);

typedef struct json_writer {
	buf *b;
	int depth;
	unsigned char need_comma[32];
} json_writer;

void json_begin(json_writer *w, buf *b);
void json_object_open(json_writer *w);
void json_object_close(json_writer *w);
void json_array_open(json_writer *w);
void json_array_close(json_writer *w);
/* The name of the next member of an object. */
void json_key(json_writer *w, const char *key);
void json_str(json_writer *w, const char *s); /* NULL writes null */
void json_int(json_writer *w, int64_t v);
void json_num(json_writer *w, double v);
void json_bool(json_writer *w, int v);
void json_put_null(json_writer *w);

#endif
