/*
 * html.c: the escaping writers. Every byte of data that reaches a page goes
 * through one of them, so a page author cannot forget to escape.
 *
 * Text and attribute values get the same treatment: the five characters that
 * can end a text run or an attribute (& < > " ') become references; bytes that
 * are not valid UTF-8 become U+FFFD, because a browser guessing at a broken
 * sequence could swallow the markup that follows; control characters become
 * U+FFFD, because HTML forbids them and they confuse screen readers; and the
 * bidirectional embedding, override and isolate controls become U+FFFD, because
 * a single U+202E in a visitor's name would otherwise mirror everything after
 * it on the adviser's screen (the "Trojan Source" trick applied to a page).
 */
#include <inttypes.h>
#include <string.h>

#include "util/html.h"

/* The replacement character, U+FFFD, in UTF-8. */
static const char replacement[] = "\xEF\xBF\xBD";

/* Decodes one UTF-8 sequence from s (n > 0 bytes available). Returns the
 * number of bytes consumed (at least 1) and the code point in *cp, or
 * UINT32_MAX in *cp when the sequence is invalid: overlong forms, surrogates,
 * values above U+10FFFF, truncated and stray continuation bytes are all
 * refused, so each bad byte costs exactly one replacement character. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
		min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
		min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		*cp = UINT32_MAX;
		return 1;
	}
	if (len > n) {
		*cp = UINT32_MAX;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = UINT32_MAX;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = UINT32_MAX;
		return 1;
	}
	*cp = v;
	return len;
}

/* Code points that must not reach a page as themselves. */
static int must_replace(uint32_t cp)
{
	if (cp == UINT32_MAX)
		return 1; /* invalid UTF-8 */
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	if (cp >= 0x7F && cp <= 0x9F)
		return 1; /* DEL and the C1 controls */
	if (cp >= 0x202A && cp <= 0x202E)
		return 1; /* LRE, RLE, PDF, LRO, RLO */
	if (cp >= 0x2066 && cp <= 0x2069)
		return 1; /* LRI, RLI, FSI, PDI */
	return 0;
}

/* Printable ASCII that a page takes as it is: not a control, not one of
 * & < > " ' (escaped) and not DEL. */
static const unsigned char plain_ascii[256] = {
    /* 0x00-0x1F: controls */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20-0x2F:  ! " # $ % & ' ( ) * + , - . / */
    1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x30-0x3F: 0-9 : ; < = > ? */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
    /* 0x40-0x7E, then DEL */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
    /* 0x80-0xFF: UTF-8, decoded */
};

void html_txt_n(buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0; /* start of the bytes copied as they are */
	size_t i = 0;

	if (!s)
		return;
	while (i < n) {
		const char *ref = NULL;
		uint32_t cp;
		size_t len;

		/* Most text is printable ASCII with nothing to escape: skip it
		 * a byte at a time without decoding, and copy it in one run. */
		while (i < n && plain_ascii[p[i]])
			i++;
		if (i >= n)
			break;
		/* So are two-byte letters (é, à, ç, Arabic): U+00A0 to U+07FF,
		 * none of which is replaced (the C1 controls are C2 80 to C2 9F). */
		if (i + 1 < n && p[i] >= 0xC2 && p[i] <= 0xDF && (p[i + 1] & 0xC0) == 0x80 &&
		    (p[i] != 0xC2 || p[i + 1] >= 0xA0)) {
			i += 2;
			continue;
		}
		switch (p[i]) {
		case '&':
			ref = "&amp;";
			break;
		case '<':
			ref = "&lt;";
			break;
		case '>':
			ref = "&gt;";
			break;
		case '"':
			ref = "&quot;";
			break;
		case '\'':
			ref = "&#39;";
			break;
		}
		if (ref) {
			buf_append(b, s + run, i - run);
			buf_puts(b, ref);
			run = ++i;
			continue;
		}
		len = utf8_decode(p + i, n - i, &cp);
		if (must_replace(cp)) {
			buf_append(b, s + run, i - run);
			buf_puts(b, replacement);
			i += len;
			run = i;
			continue;
		}
		i += len;
	}
	buf_append(b, s + run, i - run);
}

void html_txt(buf *b, const char *s)
{
	if (s)
		html_txt_n(b, s, strlen(s));
}

void html_attr(buf *b, const char *s)
{
	/* Attribute values are always written double-quoted, and the text
	 * escaping already covers both quotes, so one function serves both. The
	 * separate name keeps the call sites saying which context they are in. */
	html_txt(b, s);
}

static int unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '.' || c == '_' || c == '~';
}

static void percent_byte(buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = {'%', hex[c >> 4], hex[c & 15]};

	buf_append(b, e, sizeof(e));
}

void html_url_arg(buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0;

	if (!s)
		return;
	n = strlen(s);
	/* The output is plain ASCII and safe in an attribute as it is; invalid
	 * UTF-8 is still replaced so that the server, which refuses it when the
	 * link comes back, sees a valid argument. */
	while (i < n) {
		uint32_t cp;
		size_t len;

		if (unreserved(p[i])) {
			buf_putc(b, (char)p[i]);
			i++;
			continue;
		}
		len = utf8_decode(p + i, n - i, &cp);
		if (cp == UINT32_MAX) {
			for (size_t k = 0; k < 3; k++)
				percent_byte(b, (unsigned char)replacement[k]);
		} else {
			for (size_t k = 0; k < len; k++)
				percent_byte(b, p[i + k]);
		}
		i += len;
	}
}

void html_int(buf *b, int64_t v)
{
	/* Written by hand: pages write ids and counts by the hundred, and
	 * printf parses its format every time. */
	buf_int(b, v);
}

void html_rawf_trusted(buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}
