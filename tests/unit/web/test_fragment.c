/* test_fragment.c: pieces of pages kept between requests (web/fragment.h). */
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "web/fragment.h"

static int teardown(void **state)
{
	(void)state;
	web_fragment_clear();
	return 0;
}

/* A key made of the given parts, in a buffer the caller frees. */
static buf key_of(const char *a, const char *b)
{
	buf k;
	buf_init(&k, LIMIT_FRAGMENT_KEY_BYTES);
	web_fragment_key_add(&k, a);
	web_fragment_key_add(&k, b);
	return k;
}

/* What is kept under k, with `with` at its placeholders; NULL when none. */
static char *copy_of(const buf *k, const char *with)
{
	buf out;
	buf_init(&out, LIMIT_RESPONSE_BYTES);
	buf_puts(&out, "[");
	if (web_fragment_copy(k->data, k->len, with, &out) != 0) {
		buf_free(&out);
		return NULL;
	}
	buf_puts(&out, "]");
	return out.data;
}

static void test_keep_and_copy(void **state)
{
	(void)state;
	buf k = key_of("demand", "fr");
	assert_null(copy_of(&k, "1"));
	const char html[] = "<p id=\"d__N___x\">__N__</p>";
	web_fragment_keep(k.data, k.len, html, strlen(html), "__N__");
	char *s = copy_of(&k, "__N__");
	assert_string_equal(s, "[<p id=\"d__N___x\">__N__</p>]");
	free(s);
	s = copy_of(&k, "12");
	assert_string_equal(s, "[<p id=\"d12_x\">12</p>]");
	free(s);
	s = copy_of(&k, NULL);
	assert_string_equal(s, "[<p id=\"d_x\"></p>]");
	free(s);
	/* A placeholder at both ends; a piece kept without one. */
	buf k2 = key_of("ends", "");
	web_fragment_keep(k2.data, k2.len, "__N__a__N__", 11, "__N__");
	s = copy_of(&k2, "");
	assert_string_equal(s, "[a]");
	free(s);
	buf k3 = key_of("none", "");
	web_fragment_keep(k3.data, k3.len, "__N__a__N__", 11, NULL);
	s = copy_of(&k3, "y");
	assert_string_equal(s, "[__N__a__N__]");
	free(s);
	/* An empty piece is a piece. */
	buf k4 = key_of("empty", "");
	web_fragment_keep(k4.data, k4.len, "", 0, "__N__");
	s = copy_of(&k4, "y");
	assert_string_equal(s, "[]");
	free(s);
	buf_free(&k);
	buf_free(&k2);
	buf_free(&k3);
	buf_free(&k4);
}

/* The key is compared whole: parts do not run into each other, and a key
 * differing in its last byte finds nothing. */
static void test_exact_key(void **state)
{
	(void)state;
	buf ab = key_of("ab", "c"), a_bc = key_of("a", "bc"), abd = key_of("ab", "d");
	web_fragment_keep(ab.data, ab.len, "one", 3, NULL);
	assert_null(copy_of(&a_bc, NULL));
	assert_null(copy_of(&abd, NULL));
	web_fragment_keep(a_bc.data, a_bc.len, "two", 3, NULL);
	char *s = copy_of(&ab, NULL), *t = copy_of(&a_bc, NULL);
	assert_string_equal(s, "[one]");
	assert_string_equal(t, "[two]");
	free(s);
	free(t);
	/* Kept twice (two threads rendering at once): the first stays. */
	web_fragment_keep(ab.data, ab.len, "again", 5, NULL);
	s = copy_of(&ab, NULL);
	assert_string_equal(s, "[one]");
	free(s);
	buf_free(&ab);
	buf_free(&a_bc);
	buf_free(&abd);
}

/* The table holds LIMIT_FRAGMENTS pieces: one more replaces the oldest;
 * a piece or a key over its limit is not kept. */
static void test_bounds(void **state)
{
	(void)state;
	char name[32];
	for (unsigned i = 0; i <= LIMIT_FRAGMENTS; i++) {
		snprintf(name, sizeof name, "piece %u", i);
		buf k = key_of(name, "");
		web_fragment_keep(k.data, k.len, name, strlen(name), NULL);
		buf_free(&k);
	}
	buf first = key_of("piece 0", ""), second = key_of("piece 1", "");
	snprintf(name, sizeof name, "piece %u", LIMIT_FRAGMENTS);
	buf last = key_of(name, "");
	assert_null(copy_of(&first, NULL));
	char *s = copy_of(&second, NULL), *t = copy_of(&last, NULL);
	assert_string_equal(s, "[piece 1]");
	assert_non_null(t);
	free(s);
	free(t);

	char *big = calloc(1, LIMIT_FRAGMENT_BYTES + 2);
	assert_non_null(big);
	memset(big, 'x', LIMIT_FRAGMENT_BYTES + 1);
	buf k = key_of("big", "");
	web_fragment_keep(k.data, k.len, big, LIMIT_FRAGMENT_BYTES + 1, NULL);
	assert_null(copy_of(&k, NULL));
	web_fragment_keep(k.data, k.len, big, LIMIT_FRAGMENT_BYTES, NULL);
	s = copy_of(&k, NULL);
	assert_non_null(s);
	assert_int_equal(strlen(s), LIMIT_FRAGMENT_BYTES + 2);
	free(s);
	web_fragment_keep(big, LIMIT_FRAGMENT_KEY_BYTES + 1, "y", 1, NULL);
	assert_int_equal(web_fragment_copy(big, LIMIT_FRAGMENT_KEY_BYTES + 1, NULL, &k), -1);
	free(big);
	buf_free(&k);
	buf_free(&first);
	buf_free(&second);
	buf_free(&last);
}

/* Four threads keeping and copying the same pieces at once, more pieces
 * than the table holds: every copy is a whole piece, the right one. */
static void *worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	char name[16], html[64];
	for (unsigned i = 0; i < 2000; i++) {
		unsigned n = (seed + i * 7) % (LIMIT_FRAGMENTS + 8);
		snprintf(name, sizeof name, "k%u", n);
		int len = snprintf(html, sizeof html, "<p>%u</p>", n);
		buf k = key_of(name, "");
		buf out;
		buf_init(&out, 1024);
		int bad = 0;
		if (web_fragment_copy(k.data, k.len, NULL, &out) == 0)
			bad = out.len != (size_t)len || memcmp(out.data, html, out.len) != 0;
		else
			web_fragment_keep(k.data, k.len, html, (size_t)len, NULL);
		buf_free(&out);
		buf_free(&k);
		if (bad)
			return (void *)1;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (uintptr_t i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)i), 0);
	for (int i = 0; i < 4; i++) {
		void *res;
		assert_int_equal(pthread_join(t[i], &res), 0);
		assert_null(res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_keep_and_copy, teardown),
	    cmocka_unit_test_teardown(test_exact_key, teardown),
	    cmocka_unit_test_teardown(test_bounds, teardown),
	    cmocka_unit_test_teardown(test_threads, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
