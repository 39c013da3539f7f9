/*
 * test_store_escalation_notify.c: whom the store names for an
 * escalation's e-mails, on SQLite and (under scripts/check-pg) PostgreSQL:
 * the active referents of its operator and département only; the adviser
 * who created it while still an active account of its site, else the
 * site's active managers; and the sweep of late escalations: listed once
 * past their due date, marked once (a second mark, as by another server,
 * is refused), listed again only after a new due date.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "store/store.h"
#include "store/store_escalations.h"

#define D 86400

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t site35, agent, manager, caf, caf_off, caf29, dgfip;
};

static int64_t user(struct fixture *f, const char *email, const char *role, const char *op, int64_t *site,
                    int active)
{
	store_user u = {.email = (char *)email,
	                .name = "X",
	                .role = (char *)role,
	                .operator_code = (char *)op,
	                .active = active,
	                .site_ids = site,
	                .nsites = site ? 1 : 0};
	int64_t id = 0;
	assert_int_equal(store_user_insert(f->s, &u, &id), STORE_OK);
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-escnot-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(8 << 20);
	store_site a = {.name = "Rennes", .type = "france_services", .departement = "35"};
	if (store_site_insert(f->s, &a, &f->site35) != STORE_OK)
		return -1;
	f->agent = user(f, "agent@example.org", "agent", "", &f->site35, 1);
	f->manager = user(f, "manager@example.org", "manager", "", &f->site35, 1);
	f->caf = user(f, "caf@example.org", "operator", "cnaf", NULL, 1);
	f->caf_off = user(f, "caf.off@example.org", "operator", "cnaf", NULL, 0);
	f->caf29 = user(f, "caf29@example.org", "operator", "cnaf", NULL, 1);
	f->dgfip = user(f, "dgfip@example.org", "operator", "dgfip", NULL, 1);
	char *d35[] = {"35"}, *d29[] = {"29"};
	if (store_referent_set(f->s, f->caf, d35, 1) != STORE_OK ||
	    store_referent_set(f->s, f->caf_off, d35, 1) != STORE_OK ||
	    store_referent_set(f->s, f->caf29, d29, 1) != STORE_OK ||
	    store_referent_set(f->s, f->dgfip, d35, 1) != STORE_OK)
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

/* An escalation to the CAF from Rennes, sent at now; its id. */
static int64_t escalate(struct fixture *f, int64_t now)
{
	store_demand d = {.operator_code = "cnaf",
	                  .theme_code = "social_sante",
	                  .level = "fait_avec",
	                  .outcome = "escalade"};
	store_visit v = {
	    .site_id = f->site35, .agent_id = f->agent, .started_at = now, .channel = "guichet_spontane"};
	v.visitor = (store_visitor){.age_bracket = "60_69", .gender = "feminin"};
	v.demands = &d;
	v.ndemands = 1;
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	store_escalation e = {.demand_id = d.id,
	                      .status = "envoyee",
	                      .question = "Bloqué.",
	                      .consent_at = now,
	                      .created_by = f->agent};
	assert_int_equal(store_escalation_insert(f->s, &e, 15, NULL, 0, now), STORE_OK);
	return e.id;
}

static void test_recipients(void **state)
{
	struct fixture *f = *state;
	int64_t id = escalate(f, 1000000);
	store_escalation e;
	assert_int_equal(store_escalation_get(f->s, f->a, id, &e), STORE_OK);
	int64_t *ids;
	size_t n;
	/* Referents: the active CAF referent of 35 only. */
	assert_int_equal(store_escalation_recipients(f->s, f->a, &e, 0, &ids, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], f->caf);
	/* The adviser's side: the adviser who created it, not the manager. */
	assert_int_equal(store_escalation_recipients(f->s, f->a, &e, 1, &ids, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], f->agent);
	/* The adviser disabled: the site's managers instead. */
	store_user u;
	assert_int_equal(store_user_get(f->s, f->a, f->agent, &u), STORE_OK);
	u.active = 0;
	u.password_hash = NULL;
	assert_int_equal(store_user_update(f->s, &u), STORE_OK);
	assert_int_equal(store_escalation_recipients(f->s, f->a, &e, 1, &ids, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], f->manager);
}

static void test_overdue(void **state)
{
	struct fixture *f = *state;
	int64_t t0 = 1000000;
	int64_t id = escalate(f, t0);
	int64_t ids[8];
	size_t n;
	/* On its due date, not late yet. */
	assert_int_equal(store_escalation_overdue_list(f->s, t0 + 15 * D, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 0);
	int64_t late = t0 + 15 * D + 1;
	assert_int_equal(store_escalation_overdue_list(f->s, late, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], id);
	assert_int_equal(store_escalation_overdue_mark(f->s, id, late), STORE_OK);
	/* Another server, or the next pass: nothing more. */
	assert_int_equal(store_escalation_overdue_mark(f->s, id, late + 1), STORE_CONFLICT);
	assert_int_equal(store_escalation_overdue_list(f->s, late + 60 * D, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 0);
	/* A redirection's new due date, past: announced again, once. */
	store_escalation before, after;
	assert_int_equal(store_escalation_get(f->s, f->a, id, &before), STORE_OK);
	after = before;
	after.sent_at = late + D;
	after.due_at = late + 16 * D;
	store_escalation_move m = {.id = id,
	                           .from = before.status,
	                           .from_info = before.info_requested,
	                           .after = &after,
	                           .action = "redirection",
	                           .user_id = f->agent};
	assert_int_equal(store_escalation_apply(f->s, &m, late + D), STORE_OK);
	assert_int_equal(store_escalation_overdue_list(f->s, late + 2 * D, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_escalation_overdue_list(f->s, late + 17 * D, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_escalation_overdue_mark(f->s, id, late + 17 * D), STORE_OK);
	/* An answered escalation is never late. */
	int64_t other = escalate(f, t0);
	assert_int_equal(store_escalation_get(f->s, f->a, other, &before), STORE_OK);
	after = before;
	after.status = "traitee";
	after.answered_at = t0 + D;
	m = (store_escalation_move){.id = other,
	                            .from = before.status,
	                            .from_info = before.info_requested,
	                            .after = &after,
	                            .action = "reponse",
	                            .user_id = f->caf};
	assert_int_equal(store_escalation_apply(f->s, &m, t0 + D), STORE_OK);
	assert_int_equal(store_escalation_overdue_list(f->s, late + 60 * D, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_escalation_overdue_mark(f->s, other, late), STORE_CONFLICT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_recipients, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overdue, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
