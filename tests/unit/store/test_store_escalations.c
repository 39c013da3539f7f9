/*
 * test_store_escalations.c: what the store keeps of escalations, on SQLite
 * and (under scripts/check-pg) PostgreSQL: created only from a live demand
 * whose outcome is "escalade", once; a move applied only from the state it
 * was decided on (nothing written otherwise); the back office's notes left
 * out for the advisers; the lists by site, by referent and by département;
 * the referents' départements; and the retention purge, which wipes the
 * texts and documents of escalations closed long ago and keeps their facts.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "store/store.h"
#include "store/store_escalations.h"

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t site35, site29, agent, referent;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-escal-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(8 << 20);
	store_site a = {.name = "Rennes", .type = "france_services", .departement = "35"};
	store_site b = {.name = "Brest", .type = "mediatheque", .departement = "29"};
	store_user u = {.email = "agent@example.org", .name = "Anne Agent", .role = "agent", .active = 1};
	store_user o = {.email = "caf@example.org",
	                .name = "Camille CAF",
	                .role = "operator",
	                .operator_code = "cnaf",
	                .active = 1};
	if (store_site_insert(f->s, &a, &f->site35) != STORE_OK ||
	    store_site_insert(f->s, &b, &f->site29) != STORE_OK ||
	    store_user_insert(f->s, &u, &f->agent) != STORE_OK ||
	    store_user_insert(f->s, &o, &f->referent) != STORE_OK)
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

/* A visit of site with one demand to operator; the demand's id. */
static int64_t demand(struct fixture *f, int64_t site, const char *op, const char *outcome)
{
	store_demand d = {.operator_code = (char *)op,
	                  .theme_code = "social_sante",
	                  .level = "fait_avec",
	                  .outcome = (char *)outcome};
	store_visit v = {
	    .site_id = site, .agent_id = f->agent, .started_at = 1700000000, .channel = "guichet_spontane"};
	v.visitor = (store_visitor){.age_bracket = "60_69", .gender = "feminin"};
	v.demands = &d;
	v.ndemands = 1;
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	return d.id;
}

static int64_t escalate(struct fixture *f, int64_t demand_id, const char *status, int64_t now)
{
	store_escalation e = {.demand_id = demand_id,
	                      .status = (char *)status,
	                      .question = "Bloqué.",
	                      .consent_at = now,
	                      .created_by = f->agent};
	store_escalation_file doc = {.mime = "application/pdf", .size = 10, .name = "avis.pdf"};
	memset(doc.sha256, 'a', 64);
	assert_int_equal(store_escalation_insert(f->s, &e, 15, &doc, 1, now), STORE_OK);
	assert_true(e.id > 0);
	return e.id;
}

static void test_insert(void **state)
{
	struct fixture *f = *state;
	int64_t d = demand(f, f->site35, "cnaf", "escalade");
	int64_t id = escalate(f, d, "envoyee", 1000);
	store_escalation e;
	assert_int_equal(store_escalation_get(f->s, f->a, id, &e), STORE_OK);
	assert_string_equal(e.status, "envoyee");
	assert_string_equal(e.departement, "35");
	assert_string_equal(e.operator_code, "cnaf");
	assert_string_equal(e.site_name, "Rennes");
	assert_int_equal(e.sent_at, 1000);
	assert_int_equal(e.due_at, 1000 + 15 * 86400);
	assert_int_equal(e.demand_id, d);
	store_escalation of;
	assert_int_equal(store_escalation_of_demand(f->s, f->a, d, &of), STORE_OK);
	assert_int_equal(of.id, id);
	store_escalation_event *ev;
	size_t n;
	assert_int_equal(store_escalation_events(f->s, f->a, id, 1, &ev, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].action, "creation");
	assert_string_equal(ev[0].user_name, "Anne Agent");
	assert_string_equal(ev[1].action, "envoi");
	store_escalation_file *files;
	assert_int_equal(store_escalation_files(f->s, f->a, id, &files, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(files[0].name, "avis.pdf");
	store_escalation_file one;
	assert_int_equal(store_escalation_file_get(f->s, f->a, files[0].id, &one), STORE_OK);
	assert_int_equal(one.escalation_id, id);

	/* Twice, a demand not to escalate, a missing one: refused, nothing written. */
	store_escalation again = {.demand_id = d, .status = "envoyee", .question = "Q", .consent_at = 1};
	assert_int_equal(store_escalation_insert(f->s, &again, 15, NULL, 0, 1000), STORE_CONFLICT);
	store_escalation solved = {.demand_id = demand(f, f->site35, "cnaf", "resolu"),
	                           .status = "envoyee",
	                           .question = "Q",
	                           .consent_at = 1};
	assert_int_equal(store_escalation_insert(f->s, &solved, 15, NULL, 0, 1000), STORE_CONFLICT);
	store_escalation missing = {
	    .demand_id = 999999, .status = "envoyee", .question = "Q", .consent_at = 1};
	assert_int_equal(store_escalation_insert(f->s, &missing, 15, NULL, 0, 1000), STORE_NOT_FOUND);
	store_escalation *all;
	store_escalation_filter everything = {.all = 1};
	assert_int_equal(store_escalation_list(f->s, f->a, &everything, &all, &n), STORE_OK);
	assert_int_equal(n, 1);
	int64_t visit_id;
	assert_int_equal(store_escalation_demand_visit(f->s, d, &visit_id), STORE_OK);
	assert_int_equal(store_escalation_demand_visit(f->s, 999999, &visit_id), STORE_NOT_FOUND);
}

static void test_apply(void **state)
{
	struct fixture *f = *state;
	int64_t id = escalate(f, demand(f, f->site35, "cnaf", "escalade"), "envoyee", 1000);
	store_escalation e, after;
	assert_int_equal(store_escalation_get(f->s, f->a, id, &e), STORE_OK);
	after = e;
	after.status = "traitee";
	after.answered_at = 2000;
	store_escalation_move m = {.id = id,
	                           .from = "envoyee",
	                           .from_info = 0,
	                           .after = &after,
	                           .action = "reponse",
	                           .body = "Débloqué.",
	                           .user_id = f->referent};
	assert_int_equal(store_escalation_apply(f->s, &m, 2000), STORE_OK);
	/* The same move again: the escalation is no longer where it was decided. */
	assert_int_equal(store_escalation_apply(f->s, &m, 2001), STORE_CONFLICT);
	m.id = 999999;
	assert_int_equal(store_escalation_apply(f->s, &m, 2001), STORE_NOT_FOUND);
	/* A note of the back office. */
	store_escalation now;
	assert_int_equal(store_escalation_get(f->s, f->a, id, &now), STORE_OK);
	assert_string_equal(now.status, "traitee");
	assert_int_equal(now.answered_at, 2000);
	store_escalation_move note = {.id = id,
	                              .from = "traitee",
	                              .after = &now,
	                              .action = "note",
	                              .body = "Vu.",
	                              .internal = 1,
	                              .user_id = f->referent};
	assert_int_equal(store_escalation_apply(f->s, &note, 2100), STORE_OK);
	store_escalation_event *ev;
	size_t n, nall;
	assert_int_equal(store_escalation_events(f->s, f->a, id, 0, &ev, &n), STORE_OK);
	assert_int_equal(store_escalation_events(f->s, f->a, id, 1, &ev, &nall), STORE_OK);
	assert_int_equal(nall, n + 1);
	assert_string_equal(ev[nall - 1].action, "note");
	assert_true(ev[nall - 1].internal);
}

static void test_lists_and_referents(void **state)
{
	struct fixture *f = *state;
	int64_t r35 = escalate(f, demand(f, f->site35, "cnaf", "escalade"), "envoyee", 1000);
	int64_t b29 = escalate(f, demand(f, f->site29, "cnaf", "escalade"), "envoyee", 500);
	int64_t tax = escalate(f, demand(f, f->site35, "dgfip", "escalade"), "envoyee", 100);
	store_escalation *v;
	size_t n;
	char *deps35[] = {"35"}, *both[] = {"29", "35"};
	store_escalation_filter caf35 = {.operator_code = "cnaf", .departements = deps35, .ndepartements = 1};
	assert_int_equal(store_escalation_list(f->s, f->a, &caf35, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, r35);
	store_escalation_filter caf_both = {
	    .operator_code = "cnaf", .departements = both, .ndepartements = 2};
	assert_int_equal(store_escalation_list(f->s, f->a, &caf_both, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, b29); /* the earliest due first */
	store_escalation_filter none = {.operator_code = "cnaf", .departements = NULL, .ndepartements = 0};
	assert_int_equal(store_escalation_list(f->s, f->a, &none, &v, &n), STORE_OK);
	assert_int_equal(n, 0);
	int64_t sites[] = {f->site35};
	store_escalation_filter rennes = {.site_ids = sites, .nsites = 1};
	assert_int_equal(store_escalation_list(f->s, f->a, &rennes, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, tax);
	store_escalation_filter dep29 = {.departement = "29"};
	assert_int_equal(store_escalation_list(f->s, f->a, &dep29, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	store_escalation_filter nothing = {0};
	assert_int_equal(store_escalation_list(f->s, f->a, &nothing, &v, &n), STORE_OK);
	assert_int_equal(n, 0);

	int64_t count = -1;
	assert_int_equal(store_referent_count(f->s, "cnaf", "35", &count), STORE_OK);
	assert_int_equal(count, 0);
	assert_int_equal(store_referent_set(f->s, f->referent, both, 2), STORE_OK);
	assert_int_equal(store_referent_count(f->s, "cnaf", "35", &count), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(store_referent_count(f->s, "dgfip", "35", &count), STORE_OK);
	assert_int_equal(count, 0);
	char **deps;
	assert_int_equal(store_referent_departements(f->s, f->a, f->referent, &deps, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(deps[0], "29");
	assert_int_equal(store_referent_set(f->s, f->referent, deps35, 1), STORE_OK);
	assert_int_equal(store_referent_departements(f->s, f->a, f->referent, &deps, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_referent_set(f->s, 999999, deps35, 1), STORE_NOT_FOUND);
}

static void test_purge(void **state)
{
	struct fixture *f = *state;
	int64_t old = escalate(f, demand(f, f->site35, "cnaf", "escalade"), "envoyee", 1000);
	int64_t open = escalate(f, demand(f, f->site35, "cnaf", "escalade"), "envoyee", 1000);
	store_escalation e, after;
	assert_int_equal(store_escalation_get(f->s, f->a, old, &e), STORE_OK);
	after = e;
	after.status = "cloturee";
	after.closed_at = 5000;
	after.useful = "oui";
	store_escalation_move m = {.id = old,
	                           .from = "envoyee",
	                           .after = &after,
	                           .action = "cloture",
	                           .body = "Merci.",
	                           .user_id = f->agent};
	assert_int_equal(store_escalation_apply(f->s, &m, 5000), STORE_OK);
	int64_t n;
	char **hashes;
	size_t nh;
	assert_int_equal(store_purge_escalations(f->s, f->a, 5000, 9000, 1, &n, &hashes, &nh), STORE_OK);
	assert_int_equal(n, 0); /* closed at the cutoff: kept */
	assert_int_equal(store_purge_escalations(f->s, f->a, 6000, 9000, 1, &n, &hashes, &nh), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_escalation_get(f->s, f->a, old, &e), STORE_OK);
	assert_string_equal(e.question, "Bloqué."); /* a dry run writes nothing */
	/* The open escalation shares the document: its file stays. */
	assert_int_equal(store_purge_escalations(f->s, f->a, 6000, 9000, 0, &n, &hashes, &nh), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(nh, 0);
	assert_int_equal(store_escalation_get(f->s, f->a, old, &e), STORE_OK);
	assert_string_equal(e.question, "");
	assert_int_equal(e.wiped_at, 9000);
	assert_string_equal(e.status, "cloturee");
	assert_string_equal(e.useful, "oui");
	assert_string_equal(e.operator_code, "cnaf");
	store_escalation_event *ev;
	size_t ne;
	assert_int_equal(store_escalation_events(f->s, f->a, old, 1, &ev, &ne), STORE_OK);
	for (size_t i = 0; i < ne; i++)
		assert_string_equal(ev[i].body, "");
	store_escalation_file *files;
	assert_int_equal(store_escalation_files(f->s, f->a, old, &files, &ne), STORE_OK);
	assert_int_equal(ne, 0);
	assert_int_equal(store_escalation_get(f->s, f->a, open, &e), STORE_OK);
	assert_string_equal(e.question, "Bloqué.");
	/* Idempotent: a second purge finds nothing. */
	assert_int_equal(store_purge_escalations(f->s, f->a, 6000, 9000, 0, &n, &hashes, &nh), STORE_OK);
	assert_int_equal(n, 0);

	/* Once no row names the document, its hash is given for removal. */
	assert_int_equal(store_escalation_get(f->s, f->a, open, &e), STORE_OK);
	after = e;
	after.status = "cloturee";
	after.closed_at = 5000;
	store_escalation_move m2 = {.id = open, .from = "envoyee", .after = &after, .action = "cloture"};
	assert_int_equal(store_escalation_apply(f->s, &m2, 5000), STORE_OK);
	assert_int_equal(store_purge_escalations(f->s, f->a, 6000, 9000, 0, &n, &hashes, &nh), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(nh, 1);
	assert_int_equal(strlen(hashes[0]), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_insert, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lists_and_referents, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
