/* test_totp.c: the TOTP computation against the test vectors of RFC 6238
 * (appendix B, HMAC-SHA-1), their 6-digit truncation, and the window of
 * steps a code is accepted in, with the refusal of a step already used. */
#include "unit.h"

#include "auth/totp.h"

/* The RFC's SHA-1 seed: the ASCII digits 1 to 0, twice. */
static const unsigned char seed[] = "12345678901234567890";
#define SEED_LEN 20

static const struct {
	int64_t t;
	const char *code8;
} vectors[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000LL, "65353130"},
};

static void test_rfc6238_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		char out[9];
		assert_int_equal(totp_code(seed, SEED_LEN, vectors[i].t, 8, out), 0);
		assert_string_equal(out, vectors[i].code8);
	}
}

/* Six digits are the same number modulo 10^6: the last six of the eight. */
static void test_six_digit_truncation(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		char out[7];
		assert_int_equal(totp_code(seed, SEED_LEN, vectors[i].t, 6, out), 0);
		assert_string_equal(out, vectors[i].code8 + 2);
	}
}

static void test_bad_arguments(void **state)
{
	(void)state;
	char out[10];
	assert_int_equal(totp_code(seed, SEED_LEN, 59, 5, out), -1);
	assert_int_equal(totp_code(seed, SEED_LEN, 59, 9, out), -1);
	assert_int_equal(totp_code(seed, SEED_LEN, -1, 6, out), -1);
}

/* "287082" is the code of step 1 (t = 30 … 59). */
static void test_window_of_one_step(void **state)
{
	(void)state;
	assert_int_equal(totp_match(seed, SEED_LEN, "287082", 59, 0), 1);
	/* The step before now's and the one after are accepted too. */
	assert_int_equal(totp_match(seed, SEED_LEN, "287082", 89, 0), 1);
	assert_int_equal(totp_match(seed, SEED_LEN, "287082", 29, 0), 1);
	/* Two steps away, no more. */
	assert_int_equal(totp_match(seed, SEED_LEN, "287082", 90, 0), -1);
	assert_int_equal(totp_match(seed, SEED_LEN, "287082", 1111111109, 0), -1);
}

static void test_used_step_refused(void **state)
{
	(void)state;
	assert_int_equal(totp_match(seed, SEED_LEN, "287082", 59, 1), -1);
	assert_int_equal(totp_match(seed, SEED_LEN, "287082", 59, 2), -1);
	/* The next step's code is still good after step 1 was used. */
	char next[7];
	assert_int_equal(totp_code(seed, SEED_LEN, 60, 6, next), 0);
	assert_int_equal(totp_match(seed, SEED_LEN, next, 59, 1), 2);
}

static void test_malformed_codes(void **state)
{
	(void)state;
	const char *bad[] = {"", "28708", "2870820", "28708a", " 287082", "287082 ", "+28708", "-28708"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(totp_match(seed, SEED_LEN, bad[i], 59, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc6238_vectors),   cmocka_unit_test(test_six_digit_truncation),
	    cmocka_unit_test(test_bad_arguments),     cmocka_unit_test(test_window_of_one_step),
	    cmocka_unit_test(test_used_step_refused), cmocka_unit_test(test_malformed_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
