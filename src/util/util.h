/*
 * util.h: the small memory and text tools every module uses.
 *
 * arena: a per-request region; everything a request allocates comes from it
 * and is released at once when the request ends.
 * buf: a growable byte buffer with a hard maximum; exceeding it sets
 * `overflow` and later appends are ignored, so a writer can append freely and
 * the owner checks once.
 */
#ifndef GUICHET_UTIL_H
#define GUICHET_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Ends the process: only for broken invariants and out of memory. */
_Noreturn void fatal(const char *fmt, ...) ATTR_PRINTF(1, 2);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

typedef struct arena arena;

arena *arena_new(size_t limit);
void arena_free(arena *a);
/* Returns zeroed memory, or NULL once the arena's limit is reached. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
/* A copy of n bytes at src (not zeroed first: every byte is written). */
void *arena_memdup(arena *a, const void *src, size_t n);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* v in decimal ("-12", "0"), without printf: pages write numbers by the
 * hundred. */
char *arena_int(arena *a, int64_t v);
/* Writes v in decimal at the end of d[0..INT_DIGITS_BYTES) and returns where
 * it starts; not NUL-terminated, its length is d + INT_DIGITS_BYTES - start. */
#define INT_DIGITS_BYTES 20
char *int_digits(int64_t v, char d[INT_DIGITS_BYTES]);

size_t arena_used(const arena *a);

/* A quick 64-bit hash of n bytes, eight a step, for tables that then
 * compare the whole key (statements by their text, kept pieces of pages). */
uint64_t hash_bytes(const void *p, size_t n);

typedef struct buf {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t max;
	int overflow;
} buf;

void buf_init(buf *b, size_t max);
void buf_free(buf *b);
void buf_reset(buf *b);
/* Appends, growing the buffer (or marking it overflowed past its max). */
int buf_append_slow(buf *b, const void *p, size_t n);
/* Makes room for n bytes in all, so that appending up to them allocates
 * nothing more; does nothing past the buffer's max. Only an optimisation:
 * the buffer grows as needed either way. */
void buf_reserve(buf *b, size_t n);
/* A page is built from thousands of short pieces: when they fit in the room
 * already there, the copy is made inline, and the length of a literal is
 * known when compiling. */
static inline int buf_append(buf *b, const void *p, size_t n)
{
	if (!b->overflow && n < b->cap - b->len && n <= b->max - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return buf_append_slow(b, p, n);
}
static inline int buf_puts(buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}
static inline int buf_putc(buf *b, char c)
{
	return buf_append(b, &c, 1);
}
/* Appends v in decimal, without parsing a format. */
void buf_int(buf *b, int64_t v);
int buf_printf(buf *b, const char *fmt, ...) ATTR_PRINTF(2, 3);
int buf_vprintf(buf *b, const char *fmt, va_list ap) ATTR_PRINTF(2, 0);
/* Hands the storage to the caller (to free()); the buffer is left empty. */
char *buf_detach(buf *b, size_t *len);

/* Text helpers */
int utf8_valid(const char *s, size_t n);
/* True when s contains a control character other than tab, CR and LF. */
int text_has_controls(const char *s);
int str_eq(const char *a, const char *b);
int str_starts(const char *s, const char *prefix);
/* Parses a whole decimal integer in [min, max]; 0 on success. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* Trims ASCII white space in place and returns s. */
char *str_trim(char *s);

/* Errors of a form or a record, one per field. `msgid` is French source text
 * (translated when rendered); `field` is the input's name, NULL for the whole
 * record. The domain fills it; pages and the API render it. */
typedef struct field_error {
	const char *field;
	const char *msgid;
} field_error;

typedef struct field_errors {
	field_error v[32];
	size_t n;
} field_errors;

void field_error_add(field_errors *e, const char *field, const char *msgid);
const char *field_error_for(const field_errors *e, const char *field);

/* Writes all n bytes to fd, again after an interrupted or partial write:
 * 0, or -1 with errno set. */
int fd_write_all(int fd, const void *p, size_t n);

/* Wall clock in seconds and a monotonic clock in microseconds. */
int64_t now_s(void);
int64_t mono_us(void);
/* now + ms on the monotonic clock: the deadline of a pthread_cond_timedwait
 * on a condition set to CLOCK_MONOTONIC. */
struct timespec;
void mono_deadline(struct timespec *t, int64_t ms);
/* Local time of the deployment (TZ, Europe/Paris by default, set once at
 * start): "YYYY-MM-DD" and "HH:MM" to Unix seconds and back. */
int time_parse_local(const char *date, const char *hhmm, int64_t *out);
/* Days from 1970-01-01 of a proleptic Gregorian date, and back (H.
 * Hinnant's algorithms): day arithmetic that never meets a DST change. */
int32_t time_days_from_civil(int y, int m, int d);
void time_civil_from_days(int32_t z, int *y, int *m, int *d);
void time_local_date(int64_t t, char out[11]);
void time_local_hm(int64_t t, char out[6]);
/* Midnight local time of the day holding t (days may be 23 or 25 hours). */
int64_t time_local_midnight(int64_t t);
/* ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void time_iso(int64_t t, char out[21]);

#endif
