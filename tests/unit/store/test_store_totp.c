/*
 * test_store_totp.c: what the store keeps of a second factor: an enrolment
 * under way that a new one replaces but an enabled one does not, the steps
 * used (a step no later than the last is refused), recovery codes good once,
 * and disabling that removes everything.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t user, other;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-totp-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(1 << 20);
	store_user u = {.email = "a@example.org", .name = "A", .role = "manager", .active = 1};
	store_user v = {.email = "b@example.org", .name = "B", .role = "admin", .active = 1};
	if (store_user_insert(f->s, &u, &f->user) != STORE_OK ||
	    store_user_insert(f->s, &v, &f->other) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_store_close(f->s, f->a, f->dir);
	free(f);
	return 0;
}

static const char *const hashes[] = {"h1", "h2", "h3"};

static void test_enrolment(void **state)
{
	struct fixture *f = *state;
	store_totp t;
	assert_int_equal(store_totp_get(f->s, f->a, f->user, &t), STORE_NOT_FOUND);
	assert_int_equal(store_totp_begin(f->s, f->user, "sealed-1", 100), STORE_OK);
	assert_int_equal(store_totp_begin(f->s, f->user, "sealed-2", 110), STORE_OK);
	assert_int_equal(store_totp_get(f->s, f->a, f->user, &t), STORE_OK);
	assert_string_equal(t.secret, "sealed-2");
	assert_int_equal(t.enabled_at, 0);
	/* Nothing to use before the enrolment is confirmed. */
	assert_int_equal(store_totp_use_step(f->s, f->user, 5), STORE_NOT_FOUND);
	assert_int_equal(store_totp_use_recovery(f->s, f->user, "h1", 120), STORE_NOT_FOUND);

	assert_int_equal(store_totp_enable(f->s, f->user, 4, 130, hashes, 3), STORE_OK);
	assert_int_equal(store_totp_get(f->s, f->a, f->user, &t), STORE_OK);
	assert_int_equal(t.enabled_at, 130);
	assert_int_equal(t.last_step, 4);
	assert_int_equal(t.recovery_left, 3);
	/* An enabled key is never replaced by a new enrolment, nor enabled twice. */
	assert_int_equal(store_totp_begin(f->s, f->user, "sealed-3", 140), STORE_CONFLICT);
	assert_int_equal(store_totp_enable(f->s, f->user, 9, 140, hashes, 3), STORE_NOT_FOUND);
	assert_int_equal(store_totp_get(f->s, f->a, f->user, &t), STORE_OK);
	assert_string_equal(t.secret, "sealed-2");
	assert_int_equal(t.last_step, 4);
}

static void test_steps_and_recovery(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(store_totp_begin(f->s, f->user, "sealed", 100), STORE_OK);
	assert_int_equal(store_totp_enable(f->s, f->user, 10, 100, hashes, 3), STORE_OK);
	assert_int_equal(store_totp_use_step(f->s, f->user, 10), STORE_NOT_FOUND);
	assert_int_equal(store_totp_use_step(f->s, f->user, 9), STORE_NOT_FOUND);
	assert_int_equal(store_totp_use_step(f->s, f->user, 11), STORE_OK);
	assert_int_equal(store_totp_use_step(f->s, f->user, 11), STORE_NOT_FOUND);

	assert_int_equal(store_totp_use_recovery(f->s, f->user, "h2", 200), STORE_OK);
	assert_int_equal(store_totp_use_recovery(f->s, f->user, "h2", 201), STORE_NOT_FOUND);
	assert_int_equal(store_totp_use_recovery(f->s, f->user, "nope", 201), STORE_NOT_FOUND);
	/* Another account's code is not this one's. */
	assert_int_equal(store_totp_use_recovery(f->s, f->other, "h1", 201), STORE_NOT_FOUND);
	store_totp t;
	assert_int_equal(store_totp_get(f->s, f->a, f->user, &t), STORE_OK);
	assert_int_equal(t.recovery_left, 2);

	assert_int_equal(store_totp_disable(f->s, f->user), STORE_OK);
	assert_int_equal(store_totp_get(f->s, f->a, f->user, &t), STORE_NOT_FOUND);
	assert_int_equal(store_totp_use_recovery(f->s, f->user, "h1", 202), STORE_NOT_FOUND);
	/* A new enrolment starts afresh, with new codes replacing the old. */
	assert_int_equal(store_totp_begin(f->s, f->user, "sealed-new", 300), STORE_OK);
	assert_int_equal(store_totp_enable(f->s, f->user, 20, 300, hashes, 1), STORE_OK);
	assert_int_equal(store_totp_get(f->s, f->a, f->user, &t), STORE_OK);
	assert_int_equal(t.recovery_left, 1);
	assert_int_equal(t.last_step, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_enrolment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_steps_and_recovery, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
