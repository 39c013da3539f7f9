/*
 * test_queue.c: the rules of the waiting queue (queue.c): every move of a
 * ticket allowed or refused from every status, the codes read and written
 * back, the serving order with priority weights as head starts, the
 * estimated wait, the labels and the keys of a site's public addresses.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "domain/access.h"
#include "domain/queue.h"

/* The whole transition table: what each action allows, from where. */
static void test_transitions(void **state)
{
	(void)state;
	static const struct {
		queue_action action;
		int allowed[QUEUE_STATUS_COUNT];
		queue_status to;
	} table[] = {
	    /*                    emis appele en_cours termine absent annule redirige */
	    {QUEUE_CALL, {1, 0, 0, 0, 0, 0, 0}, QUEUE_APPELE},
	    {QUEUE_RECALL, {0, 1, 0, 0, 0, 0, 0}, QUEUE_APPELE},
	    {QUEUE_START, {0, 1, 0, 0, 0, 0, 0}, QUEUE_EN_COURS},
	    {QUEUE_FINISH, {0, 0, 1, 0, 0, 0, 0}, QUEUE_TERMINE},
	    {QUEUE_ABSENT_, {0, 1, 0, 0, 0, 0, 0}, QUEUE_ABSENT},
	    {QUEUE_CANCEL, {1, 1, 0, 0, 0, 0, 0}, QUEUE_ANNULE},
	    {QUEUE_REDIRECT, {1, 1, 1, 0, 0, 0, 0}, QUEUE_REDIRIGE},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		for (int from = 0; from < QUEUE_STATUS_COUNT; from++) {
			queue_status to = QUEUE_STATUS_COUNT;
			int ok = queue_transition((queue_status)from, table[i].action, &to);
			if (ok != table[i].allowed[from])
				fail_msg("action %d from %s: %d", (int)table[i].action,
				         queue_status_code((queue_status)from), ok);
			if (ok)
				assert_int_equal(to, table[i].to);
			else
				assert_int_equal(to, QUEUE_STATUS_COUNT); /* untouched */
		}
	/* A final status accepts nothing. */
	for (int a = QUEUE_CALL; a <= QUEUE_REDIRECT; a++) {
		assert_false(queue_transition(QUEUE_TERMINE, (queue_action)a, NULL));
		assert_false(queue_transition(QUEUE_ANNULE, (queue_action)a, NULL));
	}
	assert_false(queue_transition(QUEUE_EMIS, (queue_action)99, NULL));
}

static void test_codes(void **state)
{
	(void)state;
	for (int i = 0; i < QUEUE_STATUS_COUNT; i++)
		assert_int_equal(queue_status_parse(queue_status_code((queue_status)i)), i);
	assert_string_equal(queue_status_code(QUEUE_EN_COURS), "en_cours");
	assert_int_equal(queue_status_parse("waiting"), -1);
	assert_int_equal(queue_status_parse(NULL), -1);
	assert_null(queue_status_code(QUEUE_STATUS_COUNT));

	for (int i = 0; i < QUEUE_PRIORITY_COUNT; i++)
		assert_int_equal(queue_priority_parse(queue_priority_code((queue_priority)i)), i);
	assert_int_equal(queue_priority_parse("rendez_vous"), QUEUE_PRIO_APPOINTMENT);
	assert_int_equal(queue_priority_parse(""), QUEUE_PRIO_NONE);
	assert_int_equal(queue_priority_parse("vip"), -1);
	assert_int_equal(queue_priority_weight(QUEUE_PRIO_NONE), 0);
	assert_true(queue_priority_weight(QUEUE_PRIO_APPOINTMENT) > 0);
	assert_int_equal(queue_priority_weight((queue_priority)42), 0);

	unsigned m = 99;
	assert_int_equal(queue_needs_parse("interprete,aide_lecture", &m), 0);
	assert_int_equal(m, QUEUE_NEED_INTERPRETER | QUEUE_NEED_READING);
	assert_int_equal(queue_needs_parse("", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(queue_needs_parse(NULL, &m), 0);
	assert_int_equal(queue_needs_parse("audition,mobilite_reduite,", &m), 0);
	assert_int_equal(m, QUEUE_NEED_HEARING | QUEUE_NEED_MOBILITY);
	assert_int_equal(queue_needs_parse("audition,chien", &m), -1);
	assert_int_equal(m, 0);
	assert_int_equal(queue_needs_parse("interpret", &m), -1);
	assert_string_equal(queue_need_code(QUEUE_NEED_HEARING), "audition");
	assert_null(queue_need_code(3));
	assert_null(queue_need_code(1u << 4));
}

/* A weight is a head start: an appointment holder who arrives 10 minutes
 * after someone is served first, but not one who arrives an hour later. */
static void test_order(void **state)
{
	(void)state;
	int64_t t = 1767225600;
	assert_true(queue_order_key(t, QUEUE_PRIO_NONE) < queue_order_key(t + 1, QUEUE_PRIO_NONE));
	assert_true(queue_order_key(t + 600, QUEUE_PRIO_APPOINTMENT) < queue_order_key(t, QUEUE_PRIO_NONE));
	assert_true(queue_order_key(t + 3600, QUEUE_PRIO_APPOINTMENT) > queue_order_key(t, QUEUE_PRIO_NONE));
	assert_int_equal(queue_order_key(t, QUEUE_PRIO_AGE), t - 60 * queue_priority_weight(QUEUE_PRIO_AGE));
}

static void test_estimate(void **state)
{
	(void)state;
	/* Nobody ahead: no wait. */
	assert_int_equal(queue_estimate_wait(0, NULL, 0, 1), 0);
	/* No history: 10 minutes a person, shared among the desks. */
	assert_int_equal(queue_estimate_wait(3, NULL, 0, 1), 1800);
	assert_int_equal(queue_estimate_wait(3, NULL, 0, 3), 600);
	assert_int_equal(queue_estimate_wait(3, NULL, 0, 0), 1800); /* no desk counted: one */
	/* The median of the recent services: one long case does not count. */
	int64_t recent[] = {300, 600, 900, 7200, 600};
	assert_int_equal(queue_estimate_wait(2, recent, 5, 1), 1200);
	assert_int_equal(queue_estimate_wait(2, recent, 5, 2), 600);
	int64_t even[] = {300, 900};
	assert_int_equal(queue_estimate_wait(1, even, 2, 1), 600);
	/* Nonsense durations are left out; only those: the default. */
	int64_t odd[] = {5, 86400};
	assert_int_equal(queue_estimate_wait(1, odd, 2, 1), 600);
	/* Rounded up: 1 person, 2 desks, 601 s. */
	int64_t one[] = {601};
	assert_int_equal(queue_estimate_wait(1, one, 1, 2), 301);
}

static void test_label_and_key(void **state)
{
	(void)state;
	char l[8];
	queue_ticket_label('A', 12, l);
	assert_string_equal(l, "A012");
	queue_ticket_label('C', 1, l);
	assert_string_equal(l, "C001");
	queue_ticket_label('B', 1234, l);
	assert_string_equal(l, "B1234");
	queue_ticket_label('B', 123456, l);
	assert_string_equal(l, "B9999");
	queue_ticket_label('a', -3, l);
	assert_string_equal(l, "?000");

	unsigned char s1[32] = {1}, s2[32] = {2};
	char k1[33], k2[33], k3[33], k4[33], again[33];
	queue_public_key(s1, 7, "kiosk", k1);
	queue_public_key(s1, 7, "screen", k2);
	queue_public_key(s1, 8, "kiosk", k3);
	queue_public_key(s2, 7, "kiosk", k4);
	queue_public_key(s1, 7, "kiosk", again);
	assert_int_equal(strlen(k1), 32);
	assert_string_equal(k1, again);
	assert_string_not_equal(k1, k2);
	assert_string_not_equal(k1, k3);
	assert_string_not_equal(k1, k4);
	for (const char *p = k1; *p; p++)
		assert_non_null(strchr("0123456789abcdef", *p));
}

/* Who serves a site's queue and who changes its settings. */
static void test_access(void **state)
{
	(void)state;
	int64_t rennes[] = {7}, none[] = {0};
	store_user agent = {.role = "agent", .active = 1, .site_ids = rennes, .nsites = 1};
	store_user manager = {.role = "manager", .active = 1, .site_ids = rennes, .nsites = 1};
	store_user admin = {.role = "admin", .active = 1, .site_ids = none, .nsites = 0};
	store_user coordinator = {.role = "coordinator", .active = 1, .departement = "35"};
	store_user disabled = {.role = "manager", .active = 0, .site_ids = rennes, .nsites = 1};
	assert_true(access_may_serve_queue(&agent, 7));
	assert_false(access_may_serve_queue(&agent, 8));
	assert_true(access_may_serve_queue(&manager, 7));
	assert_false(access_may_serve_queue(&coordinator, 7));
	assert_false(access_may_serve_queue(NULL, 7));
	assert_false(access_may_configure_queue(&agent, 7));
	assert_true(access_may_configure_queue(&manager, 7));
	assert_false(access_may_configure_queue(&manager, 8));
	assert_true(access_may_configure_queue(&admin, 8));
	assert_false(access_may_configure_queue(&coordinator, 7));
	assert_false(access_may_configure_queue(&disabled, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transitions),   cmocka_unit_test(test_codes),
	    cmocka_unit_test(test_order),         cmocka_unit_test(test_estimate),
	    cmocka_unit_test(test_label_and_key), cmocka_unit_test(test_access),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
