/*
 * json.c: the JSON writer of json.h.
 */
#include "util/json.h"

#include <math.h>
#include <string.h>

void json_quote(buf *b, const char *s)
{
	static const char hexd[] = "0123456789abcdef";
	buf_putc(b, '"');
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	for (; *p; p++) {
		unsigned char c = *p;
		switch (c) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		default:
			if (c < 0x20 || c == '<' || c == '>' || c == '&') {
				char e[7] = {'\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15], 0};
				buf_puts(b, e);
			} else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
				buf_puts(b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
				p += 2;
			} else {
				buf_putc(b, (char)c);
			}
		}
	}
	buf_putc(b, '"');
}

void json_begin(json_writer *w, buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
}

/* Writes the comma before a value in an array, or nothing after a key. */
static void before_value(json_writer *w)
{
	if (w->depth > 0 && w->depth < (int)sizeof w->need_comma) {
		/* 0: first element; 1: one before, so a comma; 2: after a key. */
		if (w->need_comma[w->depth] == 1)
			buf_putc(w->b, ',');
		w->need_comma[w->depth] = 1;
	}
}

static void open(json_writer *w, char c)
{
	before_value(w);
	buf_putc(w->b, c);
	w->depth++;
	if (w->depth < (int)sizeof w->need_comma)
		w->need_comma[w->depth] = 0;
}

static void close_(json_writer *w, char c)
{
	buf_putc(w->b, c);
	if (w->depth > 0)
		w->depth--;
}

void json_object_open(json_writer *w)
{
	open(w, '{');
}

void json_object_close(json_writer *w)
{
	close_(w, '}');
}

void json_array_open(json_writer *w)
{
	open(w, '[');
}

void json_array_close(json_writer *w)
{
	close_(w, ']');
}

void json_key(json_writer *w, const char *key)
{
	if (w->depth > 0 && w->depth < (int)sizeof w->need_comma) {
		if (w->need_comma[w->depth] == 1)
			buf_putc(w->b, ',');
		w->need_comma[w->depth] = 2;
	}
	json_quote(w->b, key);
	buf_putc(w->b, ':');
}

void json_str(json_writer *w, const char *s)
{
	before_value(w);
	if (s)
		json_quote(w->b, s);
	else
		buf_puts(w->b, "null");
}

void json_int(json_writer *w, int64_t v)
{
	before_value(w);
	buf_printf(w->b, "%lld", (long long)v);
}

void json_num(json_writer *w, double v)
{
	before_value(w);
	if (isfinite(v))
		buf_printf(w->b, "%.17g", v);
	else
		buf_puts(w->b, "null");
}

void json_bool(json_writer *w, int v)
{
	before_value(w);
	buf_puts(w->b, v ? "true" : "false");
}

void json_put_null(json_writer *w)
{
	before_value(w);
	buf_puts(w->b, "null");
}
