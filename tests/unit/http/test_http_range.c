/* test_http_range.c: the Range header of media requests (RFC 9110
 * section 14): one range is served, several or a malformed header get the
 * whole body, and a range past the end cannot be satisfied. */
#include "unit.h"

#include "http/http.h"

static void range_is(const char *h, size_t len, int want, size_t first, size_t last)
{
	size_t a = 12345, b = 12345;
	assert_int_equal(http_parse_range(h, len, &a, &b), want);
	if (want == 1) {
		assert_int_equal(a, first);
		assert_int_equal(b, last);
	}
}

static void test_ranges(void **state)
{
	(void)state;
	range_is("bytes=0-1", 100, 1, 0, 1);
	range_is("bytes=0-", 100, 1, 0, 99);
	range_is("bytes=10-20", 100, 1, 10, 20);
	range_is("bytes=90-200", 100, 1, 90, 99);
	range_is("bytes=-10", 100, 1, 90, 99);
	range_is("bytes=-1000", 100, 1, 0, 99);
	range_is("bytes=99-99", 100, 1, 99, 99);
	range_is("BYTES=1-2", 100, 1, 1, 2);
	/* Unsatisfiable. */
	range_is("bytes=100-", 100, -1, 0, 0);
	range_is("bytes=200-300", 100, -1, 0, 0);
	range_is("bytes=-0", 100, -1, 0, 0);
	range_is("bytes=0-", 0, -1, 0, 0);
	/* The whole body: absent, malformed, several ranges, other units. */
	range_is(NULL, 100, 0, 0, 0);
	range_is("", 100, 0, 0, 0);
	range_is("bytes=", 100, 0, 0, 0);
	range_is("bytes=5-1", 100, 0, 0, 0);
	range_is("bytes=0-1,5-6", 100, 0, 0, 0);
	range_is("bytes=a-b", 100, 0, 0, 0);
	range_is("bytes=--1", 100, 0, 0, 0);
	range_is("items=0-1", 100, 0, 0, 0);
	range_is("bytes=1-2x", 100, 0, 0, 0);
	range_is("bytes=99999999999999999999999-", 100, 0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
