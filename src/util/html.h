/*
 * html.h: writers that escape by construction. Every dynamic string that
 * reaches an HTML page goes through html_txt, html_attr or html_url_arg;
 * html_raw_trusted is only for markup written in the source code.
 */
#ifndef GUICHET_HTML_H
#define GUICHET_HTML_H

#include <stdint.h>

#include "util/util.h"

/* Text content: escapes & < > " ' and neutralises bidirectional override
 * characters (U+202A–U+202E, U+2066–U+2069) so they cannot reorder the page
 * around them. */
void html_txt(buf *b, const char *s);
/* The same for the first n bytes of s (a part of a translated sentence). */
void html_txt_n(buf *b, const char *s, size_t n);
/* Inside a double-quoted attribute value: the same escaping. */
void html_attr(buf *b, const char *s);
/* A query-string component: percent-encodes everything but unreserved. */
void html_url_arg(buf *b, const char *s);
void html_int(buf *b, int64_t v);
/* Markup from the source code only, never data. */
static inline void html_raw_trusted(buf *b, const char *s)
{
	if (s)
		buf_puts(b, s);
}
void html_rawf_trusted(buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);

#endif
