/*
 * util.c: allocation that cannot fail silently, the per-request arena, the
 * bounded byte buffer, and the small text and time helpers of util.h.
 *
 * Allocation failure is handled here and only here: the x* allocators end the
 * process, because a server that keeps running after malloc failed would only
 * fail later in a place nobody tested. The arena and the buffer are different:
 * their limits protect the server from its clients, so reaching them is an
 * ordinary error that the caller reports.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/guichet_limits.h"
#include "util/util.h"

void fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("level=fatal msg=\"", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\"\n", stderr);
	/* abort() rather than exit(): a broken invariant deserves a core dump,
	 * and exit() would run atexit handlers while other threads still work. */
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		fatal("out of memory (%zu bytes)", n);
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s);
	char *p = xmalloc(n + 1);

	memcpy(p, s, n + 1);
	return p;
}

/*
 * The arena is a list of chunks. Small allocations share a chunk; a large one
 * gets a chunk of its own so that it does not waste the tail of the current
 * one. The limit counts what callers asked for (rounded to the alignment), so
 * a request can never make the server hold more than about its limit.
 */
#define ARENA_CHUNK_BYTES ((size_t)64 * 1024)
#define ARENA_ALIGN 16u

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	size_t cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct arena_chunk *head; /* the chunk small allocations come from */
	size_t used;
	size_t limit;
};

arena *arena_new(size_t limit)
{
	arena *a = xcalloc(1, sizeof(*a));

	a->limit = limit;
	return a;
}

void arena_free(arena *a)
{
	if (!a)
		return;
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	free(a);
}

static struct arena_chunk *chunk_new(size_t cap)
{
	struct arena_chunk *c = xmalloc(sizeof(*c) + cap);

	c->next = NULL;
	c->used = 0;
	c->cap = cap;
	return c;
}

/* n bytes of the arena, as they are: callers write every byte. */
static void *arena_take(arena *a, size_t n)
{
	if (!a)
		return NULL;
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need > a->limit - a->used || a->used > a->limit)
		return NULL;

	void *p;
	if (a->head && a->head->cap - a->head->used >= need) {
		p = a->head->data + a->head->used;
		a->head->used += need;
	} else if (need > ARENA_CHUNK_BYTES / 4) {
		/* A dedicated chunk, linked behind the current one so that the
		 * current chunk keeps serving small allocations. */
		struct arena_chunk *c = chunk_new(need);
		c->used = need;
		if (a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			a->head = c;
		}
		p = c->data;
	} else {
		struct arena_chunk *c = chunk_new(ARENA_CHUNK_BYTES);
		c->next = a->head;
		a->head = c;
		c->used = need;
		p = c->data;
	}
	a->used += need;
	return p;
}

void *arena_alloc(arena *a, size_t n)
{
	void *p = arena_take(a, n);
	if (p)
		memset(p, 0, n ? n : 1);
	return p;
}

void *arena_memdup(arena *a, const void *src, size_t n)
{
	void *p = arena_take(a, n);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	if (!s || n == SIZE_MAX)
		return NULL;
	char *p = arena_take(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(arena *a, const char *s)
{
	if (!s)
		return NULL;
	return arena_strndup(a, s, strlen(s));
}

char *int_digits(int64_t v, char d[INT_DIGITS_BYTES])
{
	char *p = d + INT_DIGITS_BYTES;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return p;
}

uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	const uint64_t mul = 0xff51afd7ed558ccdULL;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * mul;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, b + i, n - i);
	h = (h ^ w) * mul;
	return h ^ (h >> 29);
}

char *arena_int(arena *a, int64_t v)
{
	char d[INT_DIGITS_BYTES];
	char *p = int_digits(v, d);
	return arena_strndup(a, p, (size_t)(d + INT_DIGITS_BYTES - p));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t arena_used(const arena *a)
{
	return a ? a->used : 0;
}

/*
 * buf: a maximum of 0 would make a buffer that can hold nothing, which is
 * never what the caller meant; it is taken as the response limit so that a
 * forgotten maximum is still a bound.
 */
void buf_init(buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : (size_t)LIMIT_RESPONSE_BYTES;
	b->overflow = 0;
}

void buf_free(buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->overflow = 0;
}

void buf_reset(buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Makes room for n more bytes and the terminating NUL; -1 past the maximum. */
static int buf_grow(buf *b, size_t n)
{
	if (b->overflow)
		return -1;
	if (n > b->max || b->len > b->max - n) {
		b->overflow = 1;
		return -1;
	}
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	/* Never hold much more than the maximum allows. */
	if (cap > b->max + 1 && need <= b->max + 1)
		cap = b->max + 1;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return 0;
}

void buf_int(buf *b, int64_t v)
{
	char d[INT_DIGITS_BYTES];
	char *p = int_digits(v, d);
	buf_append(b, p, (size_t)(d + INT_DIGITS_BYTES - p));
}

void buf_reserve(buf *b, size_t n)
{
	if (b->overflow || n < b->cap || n > b->max)
		return;
	b->data = xrealloc(b->data, n + 1);
	if (b->len == 0)
		b->data[0] = '\0';
	b->cap = n + 1;
}

int buf_append_slow(buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_vprintf(buf *b, const char *fmt, va_list ap)
{
	va_list copy;

	if (b->overflow)
		return -1;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return -1;
	if (buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *buf_detach(buf *b, size_t *len)
{
	char *p = b->data;

	if (len)
		*len = b->len;
	if (!p)
		p = xcalloc(1, 1);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->overflow = 0;
	return p;
}

/*
 * UTF-8 as RFC 3629 defines it: the shortest form only, no surrogate halves
 * (U+D800–U+DFFF), nothing above U+10FFFF. The second byte's allowed range
 * depends on the first byte, which is how overlongs and surrogates are caught
 * without decoding.
 */
int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0; /* overlong below U+0800 */
			else if (c == 0xED)
				hi = 0x9F; /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90; /* overlong below U+10000 */
			else if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		} else {
			return 0; /* continuation byte, C0, C1 or F5..FF */
		}
		if (n - i < len)
			return 0;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return 0;
		i += len;
	}
	return 1;
}

/* C0 controls but tab, CR and LF, DEL, and the C1 controls (U+0080–U+009F,
 * encoded C2 80–C2 9F), which terminals and some viewers still obey. */
int text_has_controls(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	if (!s)
		return 0;
	for (; *s; s++) {
		if (*s < 0x20 && *s != '\t' && *s != '\r' && *s != '\n')
			return 1;
		if (*s == 0x7F)
			return 1;
		if (*s == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
			return 1;
	}
	return 0;
}

int str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

int str_starts(const char *s, const char *prefix)
{
	if (!s || !prefix)
		return 0;
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Strict: an optional '-', then digits only; no spaces, no '+', no empty
 * string, no overflow. strtoll accepts too much to be used on input. */
int parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return -1;
	int neg = 0;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (!*s)
		return -1;
	/* Accumulate as a negative number: its range is one larger. */
	int64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		int d = *s - '0';
		if (v < (INT64_MIN + d) / 10)
			return -1;
		v = v * 10 - d;
	}
	if (!neg) {
		if (v == INT64_MIN)
			return -1;
		v = -v;
	}
	if (v < min || v > max)
		return -1;
	if (out)
		*out = v;
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

char *str_trim(char *s)
{
	if (!s)
		return s;
	size_t start = 0, end = strlen(s);
	while (start < end && is_space(s[start]))
		start++;
	while (end > start && is_space(s[end - 1]))
		end--;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

/* The first error of a field is kept: it is the one the user should fix
 * first, and a field shows a single message. */
void field_error_add(field_errors *e, const char *field, const char *msgid)
{
	if (e->n >= COUNT(e->v))
		return;
	if (field && field_error_for(e, field))
		return;
	e->v[e->n].field = field;
	e->v[e->n].msgid = msgid;
	e->n++;
}

const char *field_error_for(const field_errors *e, const char *field)
{
	for (size_t i = 0; i < e->n; i++)
		if (str_eq(e->v[i].field, field))
			return e->v[i].msgid;
	return NULL;
}

int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

int fd_write_all(int fd, const void *p, size_t n)
{
	const char *at = p;
	while (n > 0) {
		ssize_t w = write(fd, at, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		at += w;
		n -= (size_t)w;
	}
	return 0;
}

int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void mono_deadline(struct timespec *t, int64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

void time_iso(int64_t t, char out[21])
{
	/* Four-digit years only, so that the text always fits. */
	if (t < 0)
		t = 0;
	if (t > INT64_C(253402300799))
		t = INT64_C(253402300799);
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

/* Local time. The deployment's zone comes from TZ (main sets Europe/Paris
 * unless the environment says otherwise); mktime and localtime_r follow it,
 * including the days of 23 and 25 hours. */

/* Reads exactly n digits at s into *out. */
static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int time_parse_local(const char *date, const char *hhmm, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0;
	if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' || digits(date, 4, &y) != 0 ||
	    digits(date + 5, 2, &mo) != 0 || digits(date + 8, 2, &d) != 0)
		return -1;
	if (hhmm && *hhmm) {
		if (strlen(hhmm) != 5 || hhmm[2] != ':' || digits(hhmm, 2, &h) != 0 ||
		    digits(hhmm + 3, 2, &mi) != 0 || h > 23 || mi > 59)
			return -1;
	}
	if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_isdst = -1};
	time_t t = mktime(&tm);
	/* mktime moves 31 April to 1 May: such a date is refused. A time in
	 * the hour skipped in spring moves by an hour and is accepted. */
	if (t == (time_t)-1 || tm.tm_year != y - 1900 || tm.tm_mon != mo - 1 || tm.tm_mday != d)
		return -1;
	*out = (int64_t)t;
	return 0;
}

int32_t time_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void time_civil_from_days(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* localtime_r takes a process-wide lock and walks the zone's rules at every
 * call, and a page of visits converts a hundred times. The offset from UTC
 * is kept per UTC day and thread, for a day whose first and last second have
 * the same offset (every day but the two a year when the clocks change,
 * which ask localtime_r each time), and the local date and time computed
 * from it. The zone is set once, at start (cli/main.c). */
struct day_offset {
	int64_t day; /* UTC day number + 1; 0 for an empty slot */
	long offset; /* seconds east of UTC; LONG_MIN when it changes that day */
};
static _Thread_local struct day_offset day_offsets[64];

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static long day_offset(int64_t t)
{
	int64_t day = floor_div(t, 86400);
	struct day_offset *e = &day_offsets[(uint64_t)day % 64];
	if (e->day != day + 1) {
		time_t first = (time_t)(day * 86400), last = (time_t)(day * 86400 + 86399);
		struct tm a, b;
		e->offset = localtime_r(&first, &a) && localtime_r(&last, &b) && a.tm_gmtoff == b.tm_gmtoff
		                ? a.tm_gmtoff
		                : LONG_MIN;
		e->day = day + 1;
	}
	return e->offset;
}

static void local_tm(int64_t t, struct tm *tm)
{
	long offset = day_offset(t);
	time_t tt = (time_t)t;
	if (offset == LONG_MIN) {
		if (!localtime_r(&tt, tm))
			memset(tm, 0, sizeof *tm);
		return;
	}
	memset(tm, 0, sizeof *tm);
	int64_t local = t + offset;
	int64_t days = floor_div(local, 86400), secs = local - days * 86400;
	int y, m, d;
	time_civil_from_days((int32_t)days, &y, &m, &d);
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	tm->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	tm->tm_yday = (int)(days - time_days_from_civil(y, 1, 1));
	tm->tm_isdst = -1;
	tm->tm_gmtoff = offset;
}

/* Writes v as exactly width digits (the lowest ones). */
static void put_digits(char *out, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void time_local_date(int64_t t, char out[11])
{
	struct tm tm;
	local_tm(t, &tm);
	put_digits(out, (unsigned)(tm.tm_year + 1900) % 10000u, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)(tm.tm_mon + 1) % 100u, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)tm.tm_mday % 100u, 2);
	out[10] = '\0';
}

void time_local_hm(int64_t t, char out[6])
{
	/* The hour and minute need no date: from the offset alone when the
	 * day has one. */
	long offset = day_offset(t);
	int hour, min;
	if (offset == LONG_MIN) {
		struct tm tm;
		local_tm(t, &tm);
		hour = tm.tm_hour;
		min = tm.tm_min;
	} else {
		int64_t local = t + offset, secs = local - floor_div(local, 86400) * 86400;
		hour = (int)(secs / 3600);
		min = (int)(secs / 60 % 60);
	}
	put_digits(out, (unsigned)hour % 100u, 2);
	out[2] = ':';
	put_digits(out + 3, (unsigned)min % 100u, 2);
	out[5] = '\0';
}

int64_t time_local_midnight(int64_t t)
{
	struct tm tm;
	local_tm(t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}
