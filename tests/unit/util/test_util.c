/* test_util.c: the arena, the bounded buffer, UTF-8, integers, text helpers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"

#include "util/util.h"

static void test_arena_limit(void **state)
{
	(void)state;
	arena *a = arena_new(1000);
	void *p = arena_alloc(a, 100);
	assert_non_null(p);
	assert_true(arena_used(a) >= 100);
	/* Past the limit: NULL, and the arena still works below it. */
	assert_null(arena_alloc(a, 1000));
	assert_non_null(arena_alloc(a, 10));
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX - 8));
	arena_free(a);
}

static void test_arena_zeroed_and_aligned(void **state)
{
	(void)state;
	arena *a = arena_new(1u << 24);
	for (int i = 0; i < 1000; i++) {
		size_t n = (size_t)(i * 37 % 5000) + 1;
		unsigned char *p = arena_alloc(a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0xAB, n);
	}
	/* A large allocation gets its own chunk. */
	char *big = arena_alloc(a, 300000);
	assert_non_null(big);
	memset(big, 1, 300000);
	assert_non_null(arena_alloc(a, 16));
	arena_free(a);
	arena_free(NULL);
}

static void test_arena_strings(void **state)
{
	(void)state;
	arena *a = arena_new(4096);
	assert_string_equal(arena_strdup(a, "bonjour"), "bonjour");
	assert_string_equal(arena_strndup(a, "bonjour", 3), "bon");
	assert_null(arena_strdup(a, NULL));
	assert_string_equal(arena_printf(a, "%d-%s", 42, "x"), "42-x");
	/* Numbers without printf, to both ends of the range. */
	assert_string_equal(arena_int(a, 0), "0");
	assert_string_equal(arena_int(a, 7), "7");
	assert_string_equal(arena_int(a, -12), "-12");
	assert_string_equal(arena_int(a, 1234567890123), "1234567890123");
	assert_string_equal(arena_int(a, INT64_MAX), "9223372036854775807");
	assert_string_equal(arena_int(a, INT64_MIN), "-9223372036854775808");
	/* A formatted string past the limit is NULL, not truncated. */
	assert_null(arena_printf(a, "%5000d", 1));
	/* A copy of bytes, NULs included; past the limit, NULL. */
	const char bytes[] = {'a', '\0', 'b', '\xff'};
	char *copy = arena_memdup(a, bytes, sizeof bytes);
	assert_non_null(copy);
	assert_memory_equal(copy, bytes, sizeof bytes);
	assert_int_equal((uintptr_t)copy % 16, 0);
	assert_non_null(arena_memdup(a, bytes, 0));
	assert_null(arena_memdup(a, bytes, 5000));
	arena_free(a);

	/* Numbers appended to a buffer, the same digits. */
	buf b;
	buf_init(&b, 0);
	const int64_t v[] = {0, 7, -12, 1234567890123, INT64_MAX, INT64_MIN};
	for (size_t i = 0; i < COUNT(v); i++) {
		buf_int(&b, v[i]);
		buf_putc(&b, ',');
	}
	assert_string_equal(b.data, "0,7,-12,1234567890123,9223372036854775807,-9223372036854775808,");
	buf_free(&b);
}

static void test_buf_overflow(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_printf(&b, "%d", 6789), 0);
	assert_string_equal(b.data, "123456789");
	assert_int_equal(buf_putc(&b, '0'), 0);
	assert_int_equal(b.len, 10);
	assert_false(b.overflow);
	assert_int_equal(buf_putc(&b, 'x'), -1);
	assert_true(b.overflow);
	/* Once overflowed, later appends are ignored even if they would fit. */
	buf_reset(&b);
	assert_false(b.overflow);
	assert_int_equal(buf_printf(&b, "%s", "far too long for ten"), -1);
	assert_true(b.overflow);
	assert_int_equal(buf_puts(&b, "a"), -1);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_free(&b);
	/* Room already there (the inline path) still stops at the maximum:
	 * 300 bytes allowed, 256 of room after the first append. */
	buf_init(&b, 300);
	assert_int_equal(buf_putc(&b, 'a'), 0);
	for (int i = 1; i < 300; i++)
		assert_int_equal(buf_append(&b, "b", 1), 0);
	assert_int_equal(b.len, 300);
	assert_false(b.overflow);
	assert_int_equal(buf_append(&b, "c", 1), -1);
	assert_true(b.overflow);
	assert_int_equal(b.len, 300);
	assert_int_equal(b.data[300], '\0');
	buf_free(&b);
}

static void test_buf_growth_and_detach(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, 1u << 20);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_puts(&b, "abcdefgh"), 0);
	assert_int_equal(b.len, 80000);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(buf_append(&b, "\0z", 2), 0);
	size_t len;
	char *p = buf_detach(&b, &len);
	assert_int_equal(len, 80002);
	assert_int_equal(p[80001], 'z');
	free(p);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	/* Detaching an empty buffer gives an empty string, never NULL. */
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	buf_free(&b);
}

/* Reserved room: appends up to it move nothing; past it the buffer grows
 * as before; a reservation over the max is ignored. */
static void test_buf_reserve(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, 1000);
	buf_reserve(&b, 500);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	const char *room = b.data;
	for (int i = 0; i < 50; i++)
		assert_int_equal(buf_puts(&b, "0123456789"), 0);
	assert_ptr_equal(b.data, room);
	assert_int_equal(b.len, 500);
	assert_int_equal(b.data[500], '\0');
	buf_reserve(&b, 100); /* less than there is: nothing changes */
	assert_int_equal(b.len, 500);
	assert_int_equal(buf_puts(&b, "x"), 0);
	assert_int_equal(b.len, 501);
	assert_memory_equal(b.data + 490, "0123456789x", 12);
	buf_reserve(&b, 5000); /* over the max */
	assert_true(b.cap <= 1001);
	assert_false(b.overflow);
	buf_free(&b);

	/* Reserved, then kept: what is there survives the move. */
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, "abc"), 0);
	buf_reserve(&b, 100000);
	assert_string_equal(b.data, "abc");
	size_t len;
	char *p = buf_detach(&b, &len);
	assert_int_equal(len, 3);
	free(p);
	buf_free(&b);
}

static void test_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
	    {"", 1},
	    {"plain ascii", 1},
	    {"\xc3\xa9t\xc3\xa9", 1}, /* été */
	    {"\xe2\x82\xac", 1},      /* € */
	    {"\xf0\x9f\x98\x80", 1},  /* U+1F600 */
	    {"\xf4\x8f\xbf\xbf", 1},  /* U+10FFFF */
	    {"\xed\x9f\xbf", 1},      /* U+D7FF */
	    {"\xee\x80\x80", 1},      /* U+E000 */
	    {"\xc0\xaf", 0},          /* overlong '/' */
	    {"\xc1\xbf", 0},          /* overlong */
	    {"\xe0\x80\xaf", 0},      /* overlong, 3 bytes */
	    {"\xe0\x9f\xbf", 0},      /* overlong U+07FF */
	    {"\xf0\x80\x80\xaf", 0},  /* overlong, 4 bytes */
	    {"\xf0\x8f\xbf\xbf", 0},  /* overlong U+FFFF */
	    {"\xed\xa0\x80", 0},      /* U+D800 surrogate */
	    {"\xed\xbf\xbf", 0},      /* U+DFFF surrogate */
	    {"\xf4\x90\x80\x80", 0},  /* U+110000 */
	    {"\xf5\x80\x80\x80", 0},
	    {"\xff", 0},
	    {"\x80", 0},     /* lone continuation */
	    {"\xc3", 0},     /* truncated */
	    {"\xe2\x82", 0}, /* truncated */
	    {"\xc3\x28", 0}, /* bad continuation */
	    {"\xe2\x28\xa1", 0},
	    {"\xf0\x9f\x98", 0},
	};
	for (size_t i = 0; i < COUNT(cases); i++)
		assert_int_equal(utf8_valid(cases[i].s, strlen(cases[i].s)), cases[i].ok);
	/* The length, not a NUL, ends the text. */
	assert_true(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("\xc3\xa9", 1));
}

static void test_text_has_controls(void **state)
{
	(void)state;
	assert_false(text_has_controls("Bonjour,\tmonde\r\n"));
	assert_false(text_has_controls("\xc3\xa9t\xc3\xa9"));
	assert_false(text_has_controls(NULL));
	assert_true(text_has_controls("a\x01"));
	assert_true(text_has_controls("\x1b[31m"));
	assert_true(text_has_controls("del\x7f"));
	assert_true(text_has_controls("c1 \xc2\x85"));
}

static void test_parse_int64(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(parse_int64("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_int64("-42", -100, 100, &v), 0);
	assert_int_equal(v, -42);
	assert_int_equal(parse_int64("9223372036854775807", INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(parse_int64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(parse_int64("9223372036854775808", INT64_MIN, INT64_MAX, &v), -1);
	assert_int_equal(parse_int64("-9223372036854775809", INT64_MIN, INT64_MAX, &v), -1);
	assert_int_equal(parse_int64("99999999999999999999999", INT64_MIN, INT64_MAX, &v), -1);
	static const char *bad[] = {"", "-", "+1", " 1", "1 ", "1a", "0x10", "1.5", "--1", "1e3"};
	for (size_t i = 0; i < COUNT(bad); i++)
		assert_int_equal(parse_int64(bad[i], INT64_MIN, INT64_MAX, &v), -1);
	assert_int_equal(parse_int64(NULL, 0, 1, &v), -1);
	assert_int_equal(parse_int64("11", 0, 10, &v), -1);
	assert_int_equal(parse_int64("-1", 0, 10, &v), -1);
	assert_int_equal(parse_int64("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
}

static void test_strings(void **state)
{
	(void)state;
	assert_true(str_eq("a", "a"));
	assert_false(str_eq("a", "b"));
	assert_false(str_eq("a", NULL));
	assert_true(str_eq(NULL, NULL));
	assert_true(str_starts("/static/x", "/static/"));
	assert_false(str_starts("/stat", "/static/"));
	assert_false(str_starts(NULL, "x"));
	char s1[] = "  \t padded \r\n";
	assert_string_equal(str_trim(s1), "padded");
	char s2[] = "   ";
	assert_string_equal(str_trim(s2), "");
	char s3[] = "x";
	assert_string_equal(str_trim(s3), "x");

	/* The quick hash: equal bytes at different addresses hash alike;
	 * the length counts, trailing zero bytes included; a change in any
	 * byte of the tail after the last eight-byte step is seen. */
	const char text[] = "SELECT id FROM visits WHERE site_id = ? ORDER BY id";
	char copy[sizeof text];
	memcpy(copy, text, sizeof text);
	assert_true(hash_bytes(text, sizeof text - 1) == hash_bytes(copy, sizeof text - 1));
	assert_true(hash_bytes("a", 1) != hash_bytes("a\0", 2));
	assert_true(hash_bytes("", 0) != hash_bytes("\0", 1));
	for (size_t n = 1; n < sizeof text; n++) {
		copy[n - 1] ^= 1;
		assert_true(hash_bytes(text, n) != hash_bytes(copy, n));
		copy[n - 1] ^= 1;
	}
}

static void test_field_errors(void **state)
{
	(void)state;
	field_errors e = {0};
	field_error_add(&e, "email", "Adresse invalide.");
	field_error_add(&e, "email", "Second message.");
	field_error_add(&e, NULL, "Erreur générale.");
	assert_int_equal(e.n, 2);
	assert_string_equal(field_error_for(&e, "email"), "Adresse invalide.");
	assert_string_equal(field_error_for(&e, NULL), "Erreur générale.");
	assert_null(field_error_for(&e, "name"));
	/* Full: further errors are ignored, not written past the array. */
	char names[40][16];
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "f%d", i);
		field_error_add(&e, names[i], "x");
	}
	assert_int_equal(e.n, COUNT(e.v));
	assert_null(field_error_for(&e, "f39"));
}

static void test_time(void **state)
{
	(void)state;
	char out[21];
	time_iso(0, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	time_iso(1795705200, out);
	assert_string_equal(out, "2026-11-26T15:00:00Z");
	time_iso(INT64_MAX, out);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
	time_iso(-5, out);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	assert_true(now_s() > 1700000000);
	int64_t a = mono_us(), b = mono_us();
	assert_true(b >= a);
}

/* The local date and time, computed from an offset kept per UTC day,
 * agree with localtime_r every 4,001 seconds over three years in zones with
 * daylight saving time, half-hour and three-quarter-hour offsets, and a
 * half-hour daylight shift (each zone on a new thread, so that the kept
 * offsets start empty). */
static void *compare_local_time(void *arg)
{
	int *mismatches = arg;
	for (int64_t t = 1667260800; t < 1667260800 + 3 * 366 * 86400LL; t += 4001) {
		char date[11], hm[6], want_date[11], want_hm[6];
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		strftime(want_date, sizeof want_date, "%Y-%m-%d", &tm);
		strftime(want_hm, sizeof want_hm, "%H:%M", &tm);
		time_local_date(t, date);
		time_local_hm(t, hm);
		if (strcmp(date, want_date) != 0 || strcmp(hm, want_hm) != 0) {
			if (*mismatches < 5)
				fprintf(stderr, "t=%lld: %s %s, localtime_r %s %s\n", (long long)t, date, hm,
				        want_date, want_hm);
			++*mismatches;
		}
		if (t % 40 == 0) {
			tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
			tm.tm_isdst = -1;
			if (time_local_midnight(t) != (int64_t)mktime(&tm))
				++*mismatches;
		}
	}
	return NULL;
}

static void test_local_time(void **state)
{
	(void)state;
	static const char *const zones[] = {"Europe/Paris",    "America/St_Johns",    "Asia/Kathmandu",
	                                    "Pacific/Chatham", "Australia/Lord_Howe", "UTC"};
	const char *was = getenv("TZ");
	char *saved = was ? strdup(was) : NULL;
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		setenv("TZ", zones[i], 1);
		tzset();
		int mismatches = 0;
		pthread_t th;
		assert_int_equal(pthread_create(&th, NULL, compare_local_time, &mismatches), 0);
		pthread_join(th, NULL);
		if (mismatches)
			fprintf(stderr, "%s: %d mismatches\n", zones[i], mismatches);
		assert_int_equal(mismatches, 0);
	}
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_arena_limit),
	    cmocka_unit_test(test_arena_zeroed_and_aligned),
	    cmocka_unit_test(test_arena_strings),
	    cmocka_unit_test(test_buf_overflow),
	    cmocka_unit_test(test_buf_growth_and_detach),
	    cmocka_unit_test(test_buf_reserve),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_text_has_controls),
	    cmocka_unit_test(test_parse_int64),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_field_errors),
	    cmocka_unit_test(test_time),
	    cmocka_unit_test(test_local_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
