/* test_throttle.c: the login throttle's table, with explicit times: free
 * failures, a delay that doubles up to its cap, attempts in flight that hold
 * the next one back, successes that clear or not, forgetting. */
#include "unit.h"

#include "auth/throttle.h"
#include "util/guichet_limits.h"

/* An attempt on one key, free failures allowed. */
static throttle_attempt one(const char *key, unsigned free, int cleared)
{
	throttle_attempt t = {0};
	throttle_attempt_add(&t, key, free, cleared);
	return t;
}

static void fail_at(throttle_attempt *t, int64_t now)
{
	assert_int_equal(throttle_begin(t, now), 0);
	throttle_end(t, THROTTLE_FAILED, now);
}

static void test_free_then_doubling(void **state)
{
	(void)state;
	throttle_attempt t = one("account:a@example.org", 3, 1);
	int64_t now = 1000000;
	for (int i = 0; i < 3; i++)
		fail_at(&t, now);
	assert_int_equal(throttle_begin(&t, now), LIMIT_LOGIN_DELAY_BASE_S);
	now += LIMIT_LOGIN_DELAY_BASE_S;
	fail_at(&t, now);
	assert_int_equal(throttle_begin(&t, now), 2 * LIMIT_LOGIN_DELAY_BASE_S);
	/* A refused attempt counts for nothing. */
	assert_int_equal(throttle_begin(&t, now + 1), 2 * LIMIT_LOGIN_DELAY_BASE_S - 1);
	for (int i = 0; i < 20; i++) {
		now += LIMIT_LOGIN_DELAY_MAX_S;
		fail_at(&t, now);
	}
	assert_int_equal(throttle_begin(&t, now), LIMIT_LOGIN_DELAY_MAX_S);
	/* A success clears an account's key. */
	now += LIMIT_LOGIN_DELAY_MAX_S;
	assert_int_equal(throttle_begin(&t, now), 0);
	throttle_end(&t, THROTTLE_PASSED, now);
	for (int i = 0; i < 3; i++)
		fail_at(&t, now);
	assert_true(throttle_begin(&t, now) > 0);
}

static void test_in_flight(void **state)
{
	(void)state;
	throttle_attempt t = one("account:b@example.org", 2, 1);
	int64_t now = 2000000;
	/* Two reservations may run at once; the third waits for their end. */
	assert_int_equal(throttle_begin(&t, now), 0);
	assert_int_equal(throttle_begin(&t, now), 0);
	assert_true(throttle_begin(&t, now) > 0);
	throttle_end(&t, THROTTLE_ABANDONED, now);
	assert_int_equal(throttle_begin(&t, now), 0);
	throttle_end(&t, THROTTLE_FAILED, now);
	throttle_end(&t, THROTTLE_FAILED, now);
	assert_true(throttle_begin(&t, now) > 0);
}

static void test_address_not_cleared_and_forgotten(void **state)
{
	(void)state;
	throttle_attempt t = one("address:192.0.2.1", 2, 0);
	int64_t now = 3000000;
	fail_at(&t, now);
	fail_at(&t, now);
	now += LIMIT_LOGIN_DELAY_BASE_S;
	assert_int_equal(throttle_begin(&t, now), 0);
	throttle_end(&t, THROTTLE_PASSED, now);
	/* The success did not clear the address: one more failure doubles. */
	fail_at(&t, now);
	assert_int_equal(throttle_begin(&t, now), 2 * LIMIT_LOGIN_DELAY_BASE_S);
	/* A key quiet long enough starts again from zero. */
	now += LIMIT_LOGIN_FORGET_S + 1;
	assert_int_equal(throttle_begin(&t, now), 0);
	throttle_end(&t, THROTTLE_FAILED, now);
	assert_int_equal(throttle_begin(&t, now), 0);
	throttle_end(&t, THROTTLE_ABANDONED, now);
}

static void test_keys_apart(void **state)
{
	(void)state;
	int64_t now = 4000000;
	throttle_attempt a = one("account:c@example.org", 1, 1);
	fail_at(&a, now);
	assert_true(throttle_begin(&a, now) > 0);
	throttle_attempt b = one("device:0123:c@example.org", 1, 1);
	assert_int_equal(throttle_begin(&b, now), 0);
	throttle_end(&b, THROTTLE_PASSED, now);
	/* Two keys: the attempt waits for the longer. */
	throttle_attempt both = {0};
	throttle_attempt_add(&both, "account:d@example.org", 5, 1);
	throttle_attempt_add(&both, "account:c@example.org", 1, 1);
	assert_true(throttle_begin(&both, now) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_free_then_doubling),
	    cmocka_unit_test(test_in_flight),
	    cmocka_unit_test(test_address_not_cleared_and_forgotten),
	    cmocka_unit_test(test_keys_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
