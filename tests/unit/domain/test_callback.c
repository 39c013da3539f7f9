/*
 * test_callback.c: the rules of a site's callbacks (domain/callback.h):
 * who sees a site's list, every move of the rule table allowed from the
 * right status and by the right person only, what each move leaves, a new
 * callback's checks and its slot, "overdue", and the share of the measure.
 */
#include "unit.h"

#include <string.h>

#include "domain/callback.h"

static int64_t rennes[] = {1};
static int64_t brest[] = {2};

static const store_user agent = {.id = 1, .role = "agent", .active = 1, .site_ids = rennes, .nsites = 1};
static const store_user agent2 = {.id = 2, .role = "agent", .active = 1, .site_ids = rennes, .nsites = 1};
static const store_user agent_brest = {.id = 3, .role = "agent", .active = 1, .site_ids = brest, .nsites = 1};
static const store_user manager = {.id = 4, .role = "manager", .active = 1, .site_ids = rennes, .nsites = 1};
static const store_user admin = {.id = 5, .role = "admin", .active = 1};
static const store_user coord = {.id = 6, .role = "coordinator", .departement = "35", .active = 1};
static const store_user caf = {.id = 7, .role = "operator", .operator_code = "cnaf", .active = 1};
static const store_user off = {.id = 8, .role = "agent", .active = 0, .site_ids = rennes, .nsites = 1};

static store_callback cb(const char *status, int64_t taken_by, int attempts, const char *last)
{
	store_callback c = {.id = 10,
	                    .site_id = 1,
	                    .status = (char *)status,
	                    .taken_by = taken_by,
	                    .attempts = attempts,
	                    .last_result = (char *)last};
	return c;
}

static void test_who_sees(void **state)
{
	(void)state;
	assert_true(callback_may_see(&agent, 1));
	assert_true(callback_may_see(&manager, 1));
	assert_true(callback_may_see(&admin, 1));
	assert_true(callback_may_see(&admin, 2));
	assert_false(callback_may_see(&agent_brest, 1));
	assert_false(callback_may_see(&coord, 1));
	assert_false(callback_may_see(&caf, 1));
	assert_false(callback_may_see(&off, 1));
	assert_false(callback_may_see(NULL, 1));
	assert_false(callback_may_see(&agent, 0));
}

/* The moves a person may make, as a string of action codes. */
static const char *moves(const store_user *u, const store_callback *c, char *out, size_t len)
{
	out[0] = '\0';
	for (int a = 0; a < CB_NACTIONS; a++)
		if (callback_may(u, c, (callback_action)a)) {
			if (*out)
				strncat(out, " ", len - strlen(out) - 1);
			strncat(out, callback_action_code((callback_action)a), len - strlen(out) - 1);
		}
	return out;
}

static void test_rule_table(void **state)
{
	(void)state;
	char m[128];
	store_callback c = cb("a_rappeler", 0, 0, "");
	assert_string_equal(moves(&agent, &c, m, sizeof m), "prendre annuler");
	assert_string_equal(moves(&manager, &c, m, sizeof m), "prendre annuler");
	assert_string_equal(moves(&agent_brest, &c, m, sizeof m), "");
	assert_string_equal(moves(&coord, &c, m, sizeof m), "");

	/* Taken by agent: only agent calls; a manager may put it back or cancel. */
	c = cb("pris", agent.id, 0, "");
	assert_string_equal(moves(&agent, &c, m, sizeof m), "liberer tentative fait annuler");
	assert_string_equal(moves(&agent2, &c, m, sizeof m), "");
	assert_string_equal(moves(&manager, &c, m, sizeof m), "liberer annuler");
	assert_string_equal(moves(&admin, &c, m, sizeof m), "liberer annuler");

	/* Unreachable after enough calls, or at once after a wrong number. */
	c = cb("pris", agent.id, CALLBACK_UNREACHABLE_ATTEMPTS - 1, "pas_de_reponse");
	assert_false(callback_may(&agent, &c, CB_UNREACHABLE));
	c = cb("pris", agent.id, CALLBACK_UNREACHABLE_ATTEMPTS, "messagerie");
	assert_true(callback_may(&agent, &c, CB_UNREACHABLE));
	assert_false(callback_may(&agent2, &c, CB_UNREACHABLE));
	c = cb("pris", agent.id, 1, "mauvais_numero");
	assert_true(callback_may(&agent, &c, CB_UNREACHABLE));
	c = cb("pris", agent.id, CALLBACK_MAX_ATTEMPTS, "pas_de_reponse");
	assert_false(callback_may(&agent, &c, CB_ATTEMPT));

	/* Closed: nothing moves. */
	const char *closed[] = {"fait", "injoignable", "annule", "bogus"};
	for (size_t i = 0; i < 4; i++) {
		c = cb(closed[i], agent.id, 3, "");
		assert_string_equal(moves(&agent, &c, m, sizeof m), "");
		assert_string_equal(moves(&admin, &c, m, sizeof m), "");
	}
	assert_int_equal(callback_action_parse("prendre"), CB_TAKE);
	assert_int_equal(callback_action_parse("annuler"), CB_CANCEL);
	assert_int_equal(callback_action_parse("voler"), -1);
	assert_int_equal(callback_action_parse(NULL), -1);
}

static void test_prepare(void **state)
{
	(void)state;
	field_errors e = {0};
	store_callback before = cb("a_rappeler", 0, 0, ""), after;
	assert_int_equal(callback_prepare(&agent, &before, CB_TAKE, NULL, 1000, &after, &e), 0);
	assert_string_equal(after.status, "pris");
	assert_int_equal(after.taken_by, agent.id);
	assert_int_equal(after.taken_at, 1000);
	assert_int_equal(after.closed_at, 0);

	before = after;
	assert_int_equal(callback_prepare(&agent, &before, CB_ATTEMPT, "bogus", 1100, &after, &e), -1);
	assert_string_equal(field_error_for(&e, "result"), "Choisissez le résultat de l'appel.");
	e.n = 0;
	assert_int_equal(callback_prepare(&agent, &before, CB_ATTEMPT, "messagerie", 1100, &after, &e), 0);
	assert_string_equal(after.status, "pris");
	assert_int_equal(after.attempts, 1);

	before = after;
	assert_int_equal(callback_prepare(&agent2, &before, CB_DONE, NULL, 1200, &after, &e), -1);
	assert_non_null(field_error_for(&e, "action"));
	e.n = 0;
	assert_int_equal(callback_prepare(&agent, &before, CB_DONE, NULL, 1200, &after, &e), 0);
	assert_string_equal(after.status, "fait");
	assert_int_equal(after.closed_by, agent.id);
	assert_int_equal(after.closed_at, 1200);

	before = cb("pris", agent.id, 0, "");
	assert_int_equal(callback_prepare(&manager, &before, CB_RELEASE, NULL, 1300, &after, &e), 0);
	assert_string_equal(after.status, "a_rappeler");
	assert_int_equal(after.taken_by, 0);
	assert_int_equal(callback_prepare(&manager, &before, CB_CANCEL, NULL, 1300, &after, &e), 0);
	assert_string_equal(after.status, "annule");
	assert_int_equal(after.closed_at, 1300);
}

static callback_input input(char *name, char *phone, char *reason, const char *day, const char *part)
{
	callback_input in = {.name = name,
	                     .phone = phone,
	                     .reason = reason,
	                     .lang = "ar",
	                     .origin = "telephone",
	                     .day = day,
	                     .part = part,
	                     .from = "",
	                     .to = "",
	                     .operator_code = ""};
	return in;
}

static void test_new(void **state)
{
	(void)state;
	int64_t now = 0;
	assert_int_equal(time_parse_local("2026-03-10", "10:00", &now), 0);
	char name[] = "  Mme Haddad ", phone[] = "06 12.34-56 78", reason[] = " Dossier CAF ";
	callback_input in = input(name, phone, reason, "2026-03-10", "apres_midi");
	store_callback c = {0};
	field_errors e = {0};
	assert_int_equal(callback_validate_new(&in, now, &c, &e), 0);
	assert_string_equal(c.name, "Mme Haddad");
	assert_string_equal(c.phone, "0612345678");
	assert_string_equal(c.reason, "Dossier CAF");
	assert_string_equal(c.status, "a_rappeler");
	assert_int_equal(c.slot_from, 13 * 60 + 30);
	assert_int_equal(c.slot_to, 17 * 60 + 30);
	assert_int_equal(c.ends_at - c.starts_at, 4 * 3600);
	assert_false(callback_overdue(&c, now));
	assert_true(callback_overdue(&c, c.ends_at + 1));
	c.status = "fait";
	assert_false(callback_overdue(&c, c.ends_at + 1));

	/* A range typed. */
	char n2[] = "Paul", p2[] = "+33 6 12 34 56 78", r2[] = "Retraite";
	in = input(n2, p2, r2, "2026-03-11", "plage");
	in.from = "08:15";
	in.to = "09:00";
	e.n = 0;
	assert_int_equal(callback_validate_new(&in, now, &c, &e), 0);
	assert_string_equal(c.phone, "+33612345678");
	assert_int_equal(c.slot_from, 8 * 60 + 15);
	assert_int_equal(c.ends_at - c.starts_at, 45 * 60);

	/* Everything wrong at once: one error per field. */
	char n3[] = "   ", p3[] = "abc", r3[] = "";
	in = input(n3, p3, r3, "2026-02-30", "nuit");
	in.lang = "Arabic";
	in.origin = "pigeon";
	e.n = 0;
	assert_int_equal(callback_validate_new(&in, now, &c, &e), -1);
	const char *fields[] = {"name", "phone", "reason", "lang", "origin", "day", "part"};
	for (size_t i = 0; i < COUNT(fields); i++)
		assert_non_null(field_error_for(&e, fields[i]));

	/* A day past, too far, a range backwards or already over. */
	char n4[] = "A", p4[] = "0612345678", r4[] = "x";
	in = input(n4, p4, r4, "2026-03-09", "matin");
	e.n = 0;
	assert_int_equal(callback_validate_new(&in, now, &c, &e), -1);
	assert_non_null(field_error_for(&e, "day"));
	in = input(n4, p4, r4, "2026-08-01", "matin");
	e.n = 0;
	assert_int_equal(callback_validate_new(&in, now, &c, &e), -1);
	assert_non_null(field_error_for(&e, "day"));
	in = input(n4, p4, r4, "2026-03-10", "plage");
	in.from = "11:00";
	in.to = "10:30";
	e.n = 0;
	assert_int_equal(callback_validate_new(&in, now, &c, &e), -1);
	assert_non_null(field_error_for(&e, "to"));
	in.from = "08:00";
	in.to = "09:00";
	e.n = 0;
	assert_int_equal(callback_validate_new(&in, now, &c, &e), -1);
	assert_non_null(field_error_for(&e, "to"));
	in.from = "25:00";
	in.to = "9:00";
	e.n = 0;
	assert_int_equal(callback_validate_new(&in, now, &c, &e), -1);
	assert_non_null(field_error_for(&e, "from"));
	assert_non_null(field_error_for(&e, "to"));
	/* A phone number too short, a name too long, a control character. */
	char n5[120], p5[] = "12345", r5[] = "a\x01";
	memset(n5, 'x', sizeof n5 - 1);
	n5[sizeof n5 - 1] = '\0';
	in = input(n5, p5, r5, "2026-03-10", "journee");
	e.n = 0;
	assert_int_equal(callback_validate_new(&in, now, &c, &e), -1);
	assert_non_null(field_error_for(&e, "name"));
	assert_non_null(field_error_for(&e, "phone"));
	assert_non_null(field_error_for(&e, "reason"));
}

static void test_share(void **state)
{
	(void)state;
	store_callback_measure m = {.created = 0};
	assert_int_equal(callback_done_share(&m), -1);
	assert_int_equal(callback_done_share(NULL), -1);
	m = (store_callback_measure){.created = 3, .done_in_day = 2, .pending = 0};
	assert_int_equal(callback_done_share(&m), 67);
	m = (store_callback_measure){.created = 5, .done_in_day = 1, .pending = 3};
	assert_int_equal(callback_done_share(&m), 50);
	m = (store_callback_measure){.created = 2, .done_in_day = 0, .pending = 2};
	assert_int_equal(callback_done_share(&m), -1);
	size_t n;
	const callback_choice *v = callback_parts(&n);
	assert_non_null(callback_label(v, n, "plage"));
	v = callback_results(&n);
	assert_null(callback_label(v, n, "plage"));
	assert_non_null(callback_label(v, n, "mauvais_numero"));
	v = callback_statuses(&n);
	assert_non_null(callback_label(v, n, "injoignable"));
	v = callback_origins(&n);
	assert_non_null(callback_label(v, n, "guichet"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_who_sees), cmocka_unit_test(test_rule_table),
	    cmocka_unit_test(test_prepare),  cmocka_unit_test(test_new),
	    cmocka_unit_test(test_share),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
