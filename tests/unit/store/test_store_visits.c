/*
 * test_store_visits.c: the accompaniment record in the store, on a real
 * database file: a visit with its visitor and demands written and read back,
 * the reuse of identified visitors within their site only, updates that
 * add, change and remove demands, soft delete, listing filters and keyset
 * pagination, pages kept in memory, counts, the export stream, the
 * all-or-nothing import, the visitor search and workshops. Every failing
 * write must leave the store as it was.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "store/store.h"

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t site1, site2, agent;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-visits-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(8 << 20);
	store_site site = {.name = "France Services Redon", .type = "france_services"};
	store_site site_b = {.name = "Mairie de Vitré", .type = "mairie"};
	store_user u = {.email = "agent@example.org", .name = "Anne Agent", .role = "agent", .active = 1};
	if (store_site_insert(f->s, &site, &f->site1) != STORE_OK ||
	    store_site_insert(f->s, &site_b, &f->site2) != STORE_OK ||
	    store_user_insert(f->s, &u, &f->agent) != STORE_OK)
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

/* Rows of a table, read behind the store's back to see what a failed write
 * left. */
static int64_t rows(struct fixture *f, const char *table)
{
	char err[256], sql[128];
	db *d;
	assert_int_equal(db_open(&d, f->path, 1, err, sizeof err), DB_OK);
	db_conn *c = db_acquire(d);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
	db_stmt *st = db_prepare(c, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	db_done(st);
	db_release(d, c);
	db_close(d);
	return n;
}

static store_demand demand(const char *op, const char *theme, const char *outcome)
{
	return (store_demand){.operator_code = (char *)op,
	                      .theme_code = (char *)theme,
	                      .level = "fait_avec",
	                      .outcome = (char *)outcome,
	                      .autonomy = 2,
	                      .equipment = "ordinateur,telephone",
	                      .duration_min = 15,
	                      .note = "ok"};
}

/* A visit of site at time t with the demands given (copied). */
static store_visit visit_at(struct fixture *f, int64_t site, int64_t t, store_demand *d, size_t nd)
{
	store_visit v = {
	    .site_id = site, .agent_id = f->agent, .started_at = t, .channel = "guichet_spontane"};
	v.visitor = (store_visitor){.age_bracket = "60_69",
	                            .gender = "feminin",
	                            .social_status = "retraite",
	                            .commune_insee = "35236"};
	v.demands = arena_alloc(f->a, nd * sizeof *d);
	memcpy(v.demands, d, nd * sizeof *d);
	v.ndemands = nd;
	return v;
}

static int64_t insert(struct fixture *f, int64_t site, int64_t t, const char *op, const char *outcome)
{
	store_demand d = demand(op, "social_sante", outcome);
	store_visit v = visit_at(f, site, t, &d, 1);
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	return v.id;
}

static void test_insert_get(void **state)
{
	struct fixture *f = *state;
	store_demand d[2] = {demand("cnaf", "social_sante", "resolu"),
	                     demand("ants", "papiers_citoyennete", "oriente")};
	d[0].procedure_id = 5;
	d[1].procedure_text = "Carte d'identité perdue";
	d[1].referral_type = "administration";
	d[1].level = "fait_pour";
	d[1].mandate_type = "aidants_connect";
	d[1].mandate_ref = "AC-42";
	store_visit v = visit_at(f, f->site1, 1700000000, d, 2);
	v.place = "Place du marché";
	v.duration_min = 30;
	v.visitor.languages = "ar,uk";
	v.visitor.allophone = 1;
	v.visitor.disabilities = "auditif";
	v.visitor.no_internet = 1;
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	assert_true(v.id > 0);
	assert_true(v.visitor_id > 0);
	assert_int_equal(v.visitor.id, v.visitor_id);
	assert_true(v.demands[0].id > 0 && v.demands[1].id > v.demands[0].id);
	assert_int_equal(v.demands[1].visit_id, v.id);
	assert_int_equal(v.demands[1].site_id, f->site1);

	store_visit g;
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &g), STORE_OK);
	assert_int_equal(g.site_id, f->site1);
	assert_int_equal(g.agent_id, f->agent);
	assert_string_equal(g.agent_name, "Anne Agent");
	assert_int_equal(g.started_at, 1700000000);
	assert_string_equal(g.channel, "guichet_spontane");
	assert_string_equal(g.place, "Place du marché");
	assert_int_equal(g.duration_min, 30);
	assert_int_equal(g.deleted_at, 0);
	assert_true(g.created_at > 0);
	assert_string_equal(g.visitor.age_bracket, "60_69");
	assert_string_equal(g.visitor.commune_insee, "35236");
	assert_string_equal(g.visitor.languages, "ar,uk");
	assert_string_equal(g.visitor.disabilities, "auditif");
	assert_int_equal(g.visitor.allophone, 1);
	assert_int_equal(g.visitor.no_internet, 1);
	assert_int_equal(g.visitor.no_phone, 0);
	assert_int_equal(g.visitor.identified, 0);
	assert_int_equal(g.ndemands, 2);
	assert_string_equal(g.demands[0].operator_code, "cnaf");
	assert_int_equal(g.demands[0].procedure_id, 5);
	assert_int_equal(g.demands[0].autonomy, 2);
	assert_string_equal(g.demands[0].equipment, "ordinateur,telephone");
	assert_string_equal(g.demands[1].procedure_text, "Carte d'identité perdue");
	assert_int_equal(g.demands[1].procedure_id, 0);
	assert_string_equal(g.demands[1].mandate_type, "aidants_connect");
	assert_string_equal(g.demands[1].mandate_ref, "AC-42");
	assert_string_equal(g.demands[1].referral_type, "administration");
	assert_int_equal(store_visit_get(f->s, f->a, v.id + 100, &g), STORE_NOT_FOUND);

	/* Each anonymous visit has a visitor of its own. */
	int64_t other = insert(f, f->site1, 1700000100, "cnam", "resolu");
	assert_int_equal(store_visit_get(f->s, f->a, other, &g), STORE_OK);
	assert_true(g.visitor_id != v.visitor_id);
	assert_int_equal(rows(f, "visitors"), 2);
	assert_int_equal(store_error_count(f->s), 0);
}

static void test_insert_refused(void **state)
{
	struct fixture *f = *state;
	store_demand d[2] = {demand("cnaf", "social_sante", "resolu"),
	                     demand("nobody", "social_sante", "resolu")};
	store_visit v = visit_at(f, f->site1, 1700000000, d, 2);
	/* The second demand names no operator: nothing of the visit stays. */
	assert_int_equal(store_visit_insert(f->s, &v), STORE_CONFLICT);
	v = visit_at(f, 999, 1700000000, d, 1);
	assert_int_equal(store_visit_insert(f->s, &v), STORE_NOT_FOUND);
	v = visit_at(f, f->site1, 1700000000, d, 1);
	v.agent_id = 999;
	assert_int_equal(store_visit_insert(f->s, &v), STORE_NOT_FOUND);
	/* The engine's last guard on the vocabularies. */
	v = visit_at(f, f->site1, 1700000000, d, 1);
	v.channel = "pigeon";
	assert_int_equal(store_visit_insert(f->s, &v), STORE_CONFLICT);
	v = visit_at(f, f->site1, 1700000000, d, 1);
	v.demands[0].mandate_type = "papier"; /* not fait_pour */
	assert_int_equal(store_visit_insert(f->s, &v), STORE_CONFLICT);
	assert_int_equal(rows(f, "visitors"), 0);
	assert_int_equal(rows(f, "visits"), 0);
	assert_int_equal(rows(f, "demands"), 0);
	/* An adviser may be unknown (imported history): agent_id 0. */
	v = visit_at(f, f->site1, 1700000000, d, 1);
	v.agent_id = 0;
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	store_visit g;
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &g), STORE_OK);
	assert_int_equal(g.agent_id, 0);
	assert_string_equal(g.agent_name, "");
}

static void test_identified_visitor(void **state)
{
	struct fixture *f = *state;
	store_demand d = demand("cnav", "social_sante", "doit_revenir");
	store_visit v = visit_at(f, f->site1, 1700000000, &d, 1);
	v.visitor.identified = 1;
	v.visitor.full_name = "Jeanne Martin";
	v.visitor.phone = "06 12 34 56 78";
	v.visitor.email = "jeanne@example.org";
	v.visitor.consent_reason = "suivi";
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	int64_t person = v.visitor_id;
	store_visitor p;
	assert_int_equal(store_visitor_get(f->s, f->a, person, &p), STORE_OK);
	assert_string_equal(p.full_name, "Jeanne Martin");
	assert_true(p.consent_at > 0);

	/* She comes back: same visitor, profile updated. */
	store_visit again = visit_at(f, f->site1, 1700090000, &d, 1);
	again.visitor_id = person;
	again.visitor.identified = 1;
	again.visitor.full_name = "Jeanne Martin";
	again.visitor.phone = "06 00 00 00 00";
	again.visitor.email = "jeanne@example.org";
	again.visitor.consent_reason = "suivi";
	again.visitor.consent_at = p.consent_at;
	again.visitor.age_bracket = "70_plus";
	assert_int_equal(store_visit_insert(f->s, &again), STORE_OK);
	assert_int_equal(again.visitor_id, person);
	assert_int_equal(rows(f, "visitors"), 1);
	assert_int_equal(store_visitor_get(f->s, f->a, person, &p), STORE_OK);
	assert_string_equal(p.phone, "06 00 00 00 00");
	assert_string_equal(p.age_bracket, "70_plus");

	/* Another site may not name her, and an anonymous row is nobody's to
	 * share: refused, nothing written. */
	store_visit elsewhere = visit_at(f, f->site2, 1700090000, &d, 1);
	elsewhere.visitor_id = person;
	elsewhere.visitor.identified = 1;
	elsewhere.visitor.full_name = "X";
	elsewhere.visitor.consent_reason = "suivi";
	assert_int_equal(store_visit_insert(f->s, &elsewhere), STORE_NOT_FOUND);
	int64_t anon = insert(f, f->site1, 1700000000, "cnaf", "resolu");
	store_visit g;
	assert_int_equal(store_visit_get(f->s, f->a, anon, &g), STORE_OK);
	store_visit share = visit_at(f, f->site1, 1700090000, &d, 1);
	share.visitor_id = g.visitor_id;
	assert_int_equal(store_visit_insert(f->s, &share), STORE_NOT_FOUND);
	assert_int_equal(rows(f, "visits"), 3);
	assert_int_equal(rows(f, "visitors"), 2);
	assert_int_equal(store_visitor_get(f->s, f->a, person, &p), STORE_OK);
	assert_string_equal(p.full_name, "Jeanne Martin");

	/* Contact details are never stored without identification. */
	store_visit leak = visit_at(f, f->site1, 1700000000, &d, 1);
	leak.visitor.full_name = "Should Not Stay";
	assert_int_equal(store_visit_insert(f->s, &leak), STORE_OK);
	assert_int_equal(store_visitor_get(f->s, f->a, leak.visitor_id, &p), STORE_OK);
	assert_string_equal(p.full_name, "");

	/* Search: identified visitors of the site only, by part of the name
	 * (any case), of the phone or of the e-mail; wildcards are literal. */
	store_visitor *found;
	size_t n;
	assert_int_equal(store_visitor_search(f->s, f->a, f->site1, "jeanne", 10, &found, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(found[0].id, person);
	assert_int_equal(store_visitor_search(f->s, f->a, f->site1, "00 00", 10, &found, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_visitor_search(f->s, f->a, f->site1, "EXAMPLE.ORG", 10, &found, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_visitor_search(f->s, f->a, f->site2, "jeanne", 10, &found, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_visitor_search(f->s, f->a, f->site1, "%", 10, &found, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_visitor_search(f->s, f->a, f->site1, "", 10, &found, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_visitor_search(f->s, f->a, f->site1, "Should", 10, &found, &n), STORE_OK);
	assert_int_equal(n, 0);
}

static void test_update(void **state)
{
	struct fixture *f = *state;
	store_demand d[2] = {demand("cnaf", "social_sante", "resolu"),
	                     demand("cnam", "social_sante", "resolu")};
	store_visit v = visit_at(f, f->site1, 1700000000, d, 2);
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	int64_t keep = v.demands[0].id, anon = v.visitor_id;

	store_visit g;
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &g), STORE_OK);
	store_demand nd[2] = {g.demands[0], demand("dgfip", "argent_impots", "escalade")};
	nd[0].outcome = "doit_revenir";
	g.demands = nd;
	g.ndemands = 2;
	g.channel = "telephone";
	g.started_at = 1700000600;
	g.visitor.gender = "masculin";
	g.site_id = f->site2; /* ignored: a visit stays at its site */
	assert_int_equal(store_visit_update(f->s, &g), STORE_OK);
	assert_int_equal(g.site_id, f->site1);
	assert_true(nd[1].id > 0 && nd[1].id != keep);

	store_visit r;
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &r), STORE_OK);
	assert_string_equal(r.channel, "telephone");
	assert_int_equal(r.started_at, 1700000600);
	assert_int_equal(r.site_id, f->site1);
	assert_string_equal(r.visitor.gender, "masculin");
	assert_int_equal(r.visitor_id, anon);
	assert_int_equal(r.ndemands, 2);
	assert_int_equal(r.demands[0].id, keep);
	assert_string_equal(r.demands[0].outcome, "doit_revenir");
	assert_string_equal(r.demands[1].operator_code, "dgfip");
	assert_int_equal(r.demands[1].site_id, f->site1);
	assert_int_equal(rows(f, "demands"), 2);

	/* A demand of another visit cannot be taken over: all rolled back. */
	int64_t other = insert(f, f->site1, 1700000000, "msa", "resolu");
	store_visit o;
	assert_int_equal(store_visit_get(f->s, f->a, other, &o), STORE_OK);
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &g), STORE_OK);
	store_demand steal[2] = {g.demands[0], o.demands[0]};
	steal[0].outcome = "oriente";
	steal[0].referral_type = "aide_sociale";
	g.demands = steal;
	g.ndemands = 2;
	g.channel = "visio";
	assert_int_equal(store_visit_update(f->s, &g), STORE_NOT_FOUND);
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &r), STORE_OK);
	assert_string_equal(r.channel, "telephone");
	assert_int_equal(r.ndemands, 2);
	assert_string_equal(r.demands[0].outcome, "doit_revenir");

	/* Linking the visit to an identified person drops its anonymous row. */
	store_demand pd = demand("cnav", "social_sante", "resolu");
	store_visit pv = visit_at(f, f->site1, 1700000000, &pd, 1);
	pv.visitor.identified = 1;
	pv.visitor.full_name = "Paul";
	pv.visitor.consent_reason = "rappel";
	assert_int_equal(store_visit_insert(f->s, &pv), STORE_OK);
	int64_t visitors = rows(f, "visitors");
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &g), STORE_OK);
	g.visitor_id = pv.visitor_id;
	g.visitor.identified = 1;
	g.visitor.full_name = "Paul";
	g.visitor.consent_reason = "rappel";
	assert_int_equal(store_visit_update(f->s, &g), STORE_OK);
	assert_int_equal(rows(f, "visitors"), visitors - 1);
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &r), STORE_OK);
	assert_int_equal(r.visitor_id, pv.visitor_id);
	assert_string_equal(r.visitor.full_name, "Paul");

	/* Deleted or missing visits are not updated. */
	assert_int_equal(store_visit_delete(f->s, other, 0), STORE_OK);
	o.channel = "visio";
	assert_int_equal(store_visit_update(f->s, &o), STORE_NOT_FOUND);
	o.id = 12345;
	assert_int_equal(store_visit_update(f->s, &o), STORE_NOT_FOUND);
	assert_int_equal(store_error_count(f->s), 0);
}

/* Collects what store_demand_each streams. */
struct seen {
	int64_t visit[64], demand[64];
	char op[64][16];
	size_t n;
	size_t stop_after; /* 0: never */
};

static int collect(void *ctx, const store_visit *v, const store_demand *d)
{
	struct seen *s = ctx;
	if (s->n < 64) {
		s->visit[s->n] = v->id;
		s->demand[s->n] = d->id;
		snprintf(s->op[s->n], sizeof s->op[0], "%s", d->operator_code);
		assert_int_equal(d->visit_id, v->id);
		assert_non_null(v->visitor.gender);
	}
	s->n++;
	return s->stop_after && s->n >= s->stop_after ? 7 : 0;
}

static size_t list(struct fixture *f, store_visit_filter *flt, store_visit **out)
{
	size_t n;
	assert_int_equal(store_visit_list(f->s, f->a, flt, out, &n), STORE_OK);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true((*out)[i].id < (*out)[i - 1].id);
		assert_true((*out)[i].ndemands > 0);
		for (size_t j = 0; j < (*out)[i].ndemands; j++)
			assert_int_equal((*out)[i].demands[j].visit_id, (*out)[i].id);
	}
	return n;
}

static void test_delete_list_count(void **state)
{
	struct fixture *f = *state;
	const int64_t t0 = 1700000000;
	/* Site 1: ten visits an hundred seconds apart, cnaf and ants in turn,
	 * doit_revenir every third; one more with two demands; site 2: two. */
	int64_t ids[10];
	for (int i = 0; i < 10; i++)
		ids[i] = insert(f, f->site1, t0 + i * 100, i % 2 ? "ants" : "cnaf",
		                i % 3 ? "resolu" : "doit_revenir");
	store_demand two[2] = {demand("cnaf", "social_sante", "resolu"),
	                       demand("ants", "papiers_citoyennete", "resolu")};
	store_visit multi = visit_at(f, f->site1, t0 + 5000, two, 2);
	assert_int_equal(store_visit_insert(f->s, &multi), STORE_OK);
	insert(f, f->site2, t0, "cnam", "resolu");
	store_demand vd = demand("cnam", "social_sante", "resolu");
	store_visit visio = visit_at(f, f->site2, t0, &vd, 1);
	visio.channel = "visio";
	assert_int_equal(store_visit_insert(f->s, &visio), STORE_OK);

	assert_int_equal(store_visit_delete(f->s, ids[4], t0 + 9999), STORE_OK);
	assert_int_equal(store_visit_delete(f->s, ids[4], 0), STORE_NOT_FOUND);
	assert_int_equal(store_visit_delete(f->s, 4242, 0), STORE_NOT_FOUND);
	store_visit g;
	assert_int_equal(store_visit_get(f->s, f->a, ids[4], &g), STORE_NOT_FOUND);

	store_visit *v;
	store_visit_filter all = {0};
	assert_int_equal(list(f, &all, &v), 12);
	const int64_t one[] = {f->site1};
	store_visit_filter s1 = {.site_ids = one, .nsites = 1};
	assert_int_equal(list(f, &s1, &v), 10);
	assert_int_equal(v[0].id, multi.id);
	assert_int_equal(v[0].ndemands, 2);
	assert_string_equal(v[0].agent_name, "Anne Agent");
	assert_string_equal(v[0].visitor.commune_insee, "35236");
	for (size_t i = 0; i < 10; i++)
		assert_true(v[i].id != ids[4]);
	store_visit_filter none = {.site_ids = one, .nsites = 0};
	assert_int_equal(list(f, &none, &v), 0);

	/* Keyset pagination: 4 + 4 + 2, no visit twice. */
	store_visit_filter page = s1;
	page.limit = 4;
	int64_t last = 0;
	size_t total = 0;
	for (int p = 0; p < 4; p++) {
		page.after_id = last;
		size_t n = list(f, &page, &v);
		assert_true(n <= 4);
		if (n == 0)
			break;
		if (last)
			assert_true(v[0].id < last);
		last = v[n - 1].id;
		total += n;
	}
	assert_int_equal(total, 10);

	store_visit_filter period = s1;
	period.from = t0 + 200;
	period.to = t0 + 600;
	assert_int_equal(list(f, &period, &v), 3); /* i = 2, 3, 5 */
	store_visit_filter ants = s1;
	ants.operator_code = "ants";
	assert_int_equal(list(f, &ants, &v), 6);
	assert_int_equal(v[0].id, multi.id);
	assert_int_equal(v[0].ndemands, 2); /* every demand of a matching visit */
	store_visit_filter theme = s1;
	theme.theme_code = "papiers_citoyennete";
	assert_int_equal(list(f, &theme, &v), 1);
	theme.theme_code = "logement";
	assert_int_equal(list(f, &theme, &v), 0);
	store_visit_filter outcome = s1;
	outcome.outcome = "doit_revenir";
	assert_int_equal(list(f, &outcome, &v), 4);
	store_visit_filter channel = all;
	channel.channel = "visio";
	assert_int_equal(list(f, &channel, &v), 1);
	assert_int_equal(v[0].id, visio.id);
	store_visit_filter agent = all;
	agent.agent_id = f->agent;
	assert_int_equal(list(f, &agent, &v), 12);
	agent.agent_id = 999;
	assert_int_equal(list(f, &agent, &v), 0);
	store_visit_filter empty_text = all;
	empty_text.operator_code = "";
	assert_int_equal(list(f, &empty_text, &v), 12);

	/* Several sites, and more sites than placeholders. */
	const int64_t three[] = {f->site2, 77, f->site1};
	store_visit_filter s3 = {.site_ids = three, .nsites = 3};
	assert_int_equal(list(f, &s3, &v), 12);
	int64_t many[600];
	for (size_t i = 0; i < 600; i++)
		many[i] = 1000 + (int64_t)i;
	many[17] = f->site2;
	store_visit_filter big = {.site_ids = many, .nsites = 600};
	assert_int_equal(list(f, &big, &v), 2);
	many[599] = f->site1;
	assert_int_equal(list(f, &big, &v), 12);

	int64_t nv, nd;
	assert_int_equal(store_visit_count(f->s, &s1, &nv, &nd), STORE_OK);
	assert_int_equal(nv, 10);
	assert_int_equal(nd, 11);
	assert_int_equal(store_visit_count(f->s, &ants, &nv, &nd), STORE_OK);
	assert_int_equal(nv, 6);
	assert_int_equal(nd, 6);
	assert_int_equal(store_visit_count(f->s, &big, &nv, &nd), STORE_OK);
	assert_int_equal(nv, 12);
	page.after_id = ids[9]; /* pagination does not limit a count */
	assert_int_equal(store_visit_count(f->s, &page, &nv, &nd), STORE_OK);
	assert_int_equal(nv, 10);

	/* The export stream: oldest first, every live demand once. */
	struct seen seen = {0};
	assert_int_equal(store_demand_each(f->s, &s1, collect, &seen), STORE_OK);
	assert_int_equal(seen.n, 11);
	assert_int_equal(seen.visit[0], ids[0]);
	assert_int_equal(seen.visit[9], multi.id);
	assert_int_equal(seen.visit[10], multi.id);
	assert_string_equal(seen.op[9], "cnaf");
	assert_string_equal(seen.op[10], "ants");
	for (size_t i = 0; i < seen.n; i++)
		assert_true(seen.visit[i] != ids[4]);
	memset(&seen, 0, sizeof seen);
	assert_int_equal(store_demand_each(f->s, &ants, collect, &seen), STORE_OK);
	assert_int_equal(seen.n, 6);
	memset(&seen, 0, sizeof seen);
	seen.stop_after = 3;
	assert_int_equal(store_demand_each(f->s, &all, collect, &seen), 7);
	assert_int_equal(seen.n, 3);
	assert_int_equal(store_error_count(f->s), 0);
}

/* Two texts the same, NULL read as "". */
static void same_text(const char *a, const char *b)
{
	assert_string_equal(a ? a : "", b ? b : "");
}

/* Two lists the same, field by field, and sharing no memory. */
static void same_visits(const store_visit *a, size_t na, const store_visit *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		const store_visit *x = &a[i], *y = &b[i];
		assert_int_equal(x->id, y->id);
		assert_int_equal(x->site_id, y->site_id);
		assert_int_equal(x->started_at, y->started_at);
		assert_int_equal(x->updated_at, y->updated_at);
		same_text(x->channel, y->channel);
		same_text(x->place, y->place);
		same_text(x->agent_name, y->agent_name);
		assert_int_equal(x->visitor.id, y->visitor.id);
		assert_int_equal(x->visitor.identified, y->visitor.identified);
		same_text(x->visitor.age_bracket, y->visitor.age_bracket);
		same_text(x->visitor.commune_insee, y->visitor.commune_insee);
		same_text(x->visitor.full_name, y->visitor.full_name);
		same_text(x->visitor.phone, y->visitor.phone);
		same_text(x->visitor.phone_kind, y->visitor.phone_kind);
		assert_int_equal(x->ndemands, y->ndemands);
		assert_ptr_not_equal(x->demands, y->demands);
		for (size_t k = 0; k < x->ndemands; k++) {
			const store_demand *d = &x->demands[k], *e = &y->demands[k];
			assert_int_equal(d->id, e->id);
			assert_int_equal(d->escalation_id, e->escalation_id);
			same_text(d->operator_code, e->operator_code);
			same_text(d->theme_code, e->theme_code);
			same_text(d->outcome, e->outcome);
			same_text(d->equipment, e->equipment);
			same_text(d->note, e->note);
			if (d->note && e->note)
				assert_ptr_not_equal(d->note, e->note);
		}
	}
}

/* A page of the list kept in memory (f->cached) is the page read from the
 * database, and stays so after every write through the store that
 * changes what it shows; a write behind the store's back shows only once
 * the page's few seconds are over (not waited for here). */
static void test_list_cached(void **state)
{
	struct fixture *f = *state;
	const int64_t t0 = 1700000000;
	int64_t first = insert(f, f->site1, t0, "cnaf", "resolu");
	store_demand two[2] = {demand("cnaf", "social_sante", "resolu"),
	                       demand("ants", "papiers_citoyennete", "oriente")};
	store_visit v = visit_at(f, f->site1, t0 + 100, two, 2);
	v.visitor.identified = 1;
	v.visitor.full_name = "Jeanne Martin";
	v.visitor.phone = "06 12 34 56 78";
	v.visitor.consent_reason = "suivi";
	v.place = "Place de la mairie";
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	insert(f, f->site2, t0 + 200, "cnam", "resolu");

	const int64_t one[] = {f->site1};
	store_visit_filter read = {.site_ids = one, .nsites = 1, .limit = 50};
	store_visit_filter kept = read;
	kept.cached = 1;
	store_visit *a, *b, *c;
	size_t na = list(f, &read, &a);
	assert_int_equal(na, 2);
	size_t nb = list(f, &kept, &b); /* read, then kept */
	same_visits(b, nb, a, na);
	size_t nc = list(f, &kept, &c); /* from memory */
	same_visits(c, nc, a, na);
	same_visits(c, nc, b, nb);
	/* A caller's copy is its own. */
	c[0].demands[0].operator_code[0] = 'X';
	c[0].channel = "visio";
	assert_int_equal(list(f, &kept, &c), 2);
	assert_string_equal(c[0].demands[0].operator_code, "cnaf");
	assert_string_equal(c[0].channel, "guichet_spontane");
	/* Another page, another filter: kept apart. */
	store_visit_filter next = kept;
	next.after_id = v.id;
	assert_int_equal(list(f, &next, &c), 1);
	assert_int_equal(c[0].id, first);
	/* Stamps: the same for the same kept page, another for another page or
	 * once read again, none for a page that is not kept. */
	uint64_t s1, s2, s3, s0;
	assert_int_equal(store_visit_list_stamped(f->s, f->a, &kept, &c, &nc, &s1), STORE_OK);
	assert_int_equal(store_visit_list_stamped(f->s, f->a, &kept, &c, &nc, &s2), STORE_OK);
	assert_int_equal(store_visit_list_stamped(f->s, f->a, &next, &c, &nc, &s3), STORE_OK);
	assert_int_equal(store_visit_list_stamped(f->s, f->a, &read, &c, &nc, &s0), STORE_OK);
	assert_true(s1 != 0 && s1 == s2 && s3 != 0 && s3 != s1);
	assert_int_equal(s0, 0);
	/* Peeked: what a kept page is without reading it; nothing for a page
	 * that is not kept. */
	size_t pn = 0;
	int64_t plast = -1;
	uint64_t ps = 0;
	assert_true(store_visit_list_peek(f->s, &kept, &pn, &plast, &ps));
	assert_int_equal(pn, 2);
	assert_int_equal(plast, first);
	assert_true(ps == s1);
	assert_true(store_visit_list_peek(f->s, &next, &pn, &plast, &ps));
	assert_int_equal(pn, 1);
	assert_int_equal(plast, first);
	assert_true(ps == s3);
	assert_false(store_visit_list_peek(f->s, &read, &pn, &plast, &ps));
	store_visit_filter empty = kept;
	empty.after_id = first;
	assert_false(store_visit_list_peek(f->s, &empty, &pn, &plast, &ps));
	assert_int_equal(list(f, &empty, &c), 0);
	assert_true(store_visit_list_peek(f->s, &empty, &pn, &plast, &ps));
	assert_int_equal(pn, 0);
	assert_int_equal(plast, 0);

	/* Behind the store's back (another process): the kept page stays. */
	char err[256];
	db *d;
	assert_int_equal(db_open(&d, f->path, 1, err, sizeof err), DB_OK);
	db_conn *conn = db_acquire(d);
	db_stmt *st = db_prepare(conn, "UPDATE visits SET place = 'ailleurs'");
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	db_release(d, conn);
	db_close(d);
	assert_int_equal(list(f, &kept, &c), 2);
	assert_string_equal(c[0].place, "Place de la mairie");
	assert_int_equal(list(f, &read, &a), 2);
	assert_string_equal(a[0].place, "ailleurs");

	/* Through the store: a correction, ... */
	store_visit got;
	assert_int_equal(store_visit_get(f->s, f->a, v.id, &got), STORE_OK);
	got.channel = "telephone";
	assert_int_equal(store_visit_update(f->s, &got), STORE_OK);
	assert_false(store_visit_list_peek(f->s, &kept, &pn, &plast, &ps));
	assert_int_equal(store_visit_list_stamped(f->s, f->a, &kept, &c, &nc, &s2), STORE_OK);
	assert_true(s2 != 0 && s2 != s1);
	assert_true(store_visit_list_peek(f->s, &kept, &pn, &plast, &ps));
	assert_true(ps == s2);
	assert_int_equal(list(f, &kept, &c), 2);
	assert_string_equal(c[0].channel, "telephone");
	assert_string_equal(c[0].place, "ailleurs");
	assert_int_equal(list(f, &read, &a), 2);
	same_visits(c, 2, a, 2);
	/* ... the adviser renamed, ... */
	store_user u;
	assert_int_equal(store_user_get(f->s, f->a, f->agent, &u), STORE_OK);
	u.name = "Anne Conseillère";
	u.password_hash = NULL;
	assert_int_equal(store_user_update(f->s, &u), STORE_OK);
	assert_int_equal(list(f, &kept, &c), 2);
	assert_string_equal(c[0].agent_name, "Anne Conseillère");
	/* ... the person's identity erased, ... */
	assert_int_equal(store_visitor_erase(f->s, got.visitor_id, t0 + 300), STORE_OK);
	assert_int_equal(list(f, &kept, &c), 2);
	assert_string_equal(c[0].visitor.full_name, "");
	assert_string_equal(c[0].visitor.phone, "");
	assert_int_equal(list(f, &read, &a), 2);
	same_visits(c, 2, a, 2);
	/* ... a visit recorded, and one deleted. */
	int64_t later = insert(f, f->site1, t0 + 400, "dgfip", "resolu");
	assert_int_equal(list(f, &kept, &c), 3);
	assert_int_equal(c[0].id, later);
	assert_int_equal(store_visit_delete(f->s, first, t0 + 500), STORE_OK);
	assert_int_equal(list(f, &kept, &c), 2);
	assert_int_equal(list(f, &next, &c), 0);
	assert_int_equal(store_error_count(f->s), 0);
}

static void test_import(void **state)
{
	struct fixture *f = *state;
	store_import *im;
	store_demand d = demand("cnaf", "social_sante", "resolu");

	/* A good file: every visit stored at the end. */
	assert_int_equal(store_import_begin(f->s, &im), STORE_OK);
	for (int i = 0; i < 3; i++) {
		store_visit v = visit_at(f, f->site1, 1600000000 + i, &d, 1);
		v.created_at = 1600000000;
		assert_int_equal(store_import_visit(im, &v), STORE_OK);
		assert_true(v.id > 0);
	}
	assert_int_equal(store_import_end(im, 1), STORE_OK);
	assert_int_equal(rows(f, "visits"), 3);
	store_visit_filter all = {0};
	store_visit *v;
	size_t n;
	assert_int_equal(store_visit_list(f->s, f->a, &all, &v, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].created_at, 1600000000);

	/* A bad row in the middle: nothing of the file stays, and nothing more
	 * is written after it. */
	assert_int_equal(store_import_begin(f->s, &im), STORE_OK);
	store_visit a = visit_at(f, f->site1, 1600000000, &d, 1);
	assert_int_equal(store_import_visit(im, &a), STORE_OK);
	store_demand bad = demand("cnaf", "no_such_theme", "resolu");
	store_visit b = visit_at(f, f->site1, 1600000000, &bad, 1);
	assert_int_equal(store_import_visit(im, &b), STORE_CONFLICT);
	store_visit c = visit_at(f, f->site1, 1600000000, &d, 1);
	assert_int_equal(store_import_visit(im, &c), STORE_ERROR);
	assert_int_equal(store_import_end(im, 1), STORE_ERROR);
	assert_int_equal(rows(f, "visits"), 3);
	assert_int_equal(rows(f, "visitors"), 3);
	assert_int_equal(rows(f, "demands"), 3);

	/* The caller may give up (a later row failed its validation). */
	assert_int_equal(store_import_begin(f->s, &im), STORE_OK);
	a = visit_at(f, f->site1, 1600000000, &d, 1);
	assert_int_equal(store_import_visit(im, &a), STORE_OK);
	assert_int_equal(store_import_end(im, 0), STORE_OK);
	assert_int_equal(rows(f, "visits"), 3);

	/* The store stays usable for everybody else afterwards. */
	insert(f, f->site1, 1700000000, "cnaf", "resolu");
	assert_int_equal(rows(f, "visits"), 4);
	assert_int_equal(store_import_visit(NULL, &a), STORE_ERROR);
	assert_int_equal(store_import_end(NULL, 1), STORE_ERROR);
}

/* Many rows in one import: reported as a figure, checked loosely (the
 * sanitizers slow everything several times). */
static void test_import_many(void **state)
{
	struct fixture *f = *state;
	enum { N = 20000 };
	store_demand d[2] = {demand("cnaf", "social_sante", "resolu"),
	                     demand("dgfip", "argent_impots", "resolu")};
	store_import *im;
	int64_t t = mono_us();
	assert_int_equal(store_import_begin(f->s, &im), STORE_OK);
	for (int i = 0; i < N; i++) {
		store_visit v = {.site_id = f->site1,
		                 .agent_id = f->agent,
		                 .started_at = 1600000000 + i,
		                 .channel = "guichet_rdv",
		                 .demands = d,
		                 .ndemands = 2};
		v.visitor.gender = "masculin";
		d[0].id = d[1].id = 0;
		assert_int_equal(store_import_visit(im, &v), STORE_OK);
	}
	assert_int_equal(store_import_end(im, 1), STORE_OK);
	t = mono_us() - t;
	fprintf(stderr, "# import: %d visits (2 demands each) in %.2f s, %.0f visits/s\n", N, (double)t / 1e6,
	        (double)N * 1e6 / (double)(t ? t : 1));
	assert_int_equal(rows(f, "visits"), N);
	assert_int_equal(rows(f, "demands"), 2 * N);
	assert_true(t < 60 * 1000000);
}

static void test_workshops(void **state)
{
	struct fixture *f = *state;
	store_workshop w = {.site_id = f->site1,
	                    .agent_id = f->agent,
	                    .topic_code = "email",
	                    .level = "debutant",
	                    .held_at = 1700000000,
	                    .duration_min = 90,
	                    .participants = 8,
	                    .by_gender = {5, 2, 1},
	                    .by_age = {0, 0, 1, 1, 2, 3, 1, 0},
	                    .note = "Créer son adresse"};
	assert_int_equal(store_workshop_insert(f->s, &w), STORE_OK);
	assert_true(w.id > 0);
	store_workshop g;
	assert_int_equal(store_workshop_get(f->s, f->a, w.id, &g), STORE_OK);
	assert_string_equal(g.topic_code, "email");
	assert_int_equal(g.participants, 8);
	assert_int_equal(g.by_gender[0], 5);
	assert_int_equal(g.by_gender[2], 1);
	assert_int_equal(g.by_age[5], 3);
	assert_int_equal(g.by_age[6], 1);
	assert_string_equal(g.note, "Créer son adresse");

	g.participants = 9;
	g.by_age[7] = 1;
	g.level = "avance";
	assert_int_equal(store_workshop_update(f->s, &g), STORE_OK);
	assert_int_equal(store_workshop_get(f->s, f->a, w.id, &g), STORE_OK);
	assert_int_equal(g.participants, 9);
	assert_int_equal(g.by_age[7], 1);
	assert_string_equal(g.level, "avance");

	store_workshop w2 = w, w3 = w;
	w2.held_at = 1700100000;
	w3.site_id = f->site2;
	assert_int_equal(store_workshop_insert(f->s, &w2), STORE_OK);
	assert_int_equal(store_workshop_insert(f->s, &w3), STORE_OK);
	store_workshop bad = w;
	bad.topic_code = "nope";
	assert_int_equal(store_workshop_insert(f->s, &bad), STORE_CONFLICT);
	bad = w;
	bad.site_id = 999;
	assert_int_equal(store_workshop_insert(f->s, &bad), STORE_NOT_FOUND);

	store_workshop *l;
	size_t n;
	assert_int_equal(store_workshop_list(f->s, f->a, NULL, 0, 0, 0, &l, &n), STORE_OK);
	assert_int_equal(n, 3);
	const int64_t s1[] = {f->site1}, both[] = {f->site2, f->site1};
	assert_int_equal(store_workshop_list(f->s, f->a, s1, 1, 0, 0, &l, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].id, w2.id); /* newest first */
	assert_int_equal(store_workshop_list(f->s, f->a, both, 2, 0, 1700050000, &l, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_workshop_list(f->s, f->a, s1, 0, 0, 0, &l, &n), STORE_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_workshop_delete(f->s, w.id, 0), STORE_OK);
	assert_int_equal(store_workshop_delete(f->s, w.id, 0), STORE_NOT_FOUND);
	assert_int_equal(store_workshop_get(f->s, f->a, w.id, &g), STORE_NOT_FOUND);
	assert_int_equal(store_workshop_update(f->s, &w), STORE_NOT_FOUND);
	assert_int_equal(store_workshop_list(f->s, f->a, s1, 1, 0, 0, &l, &n), STORE_OK);
	assert_int_equal(n, 1);
}

/* Arena exhaustion is a store error, never a crash or a half-read record. */
static void test_arena_full(void **state)
{
	struct fixture *f = *state;
	int64_t id = insert(f, f->site1, 1700000000, "cnaf", "resolu");
	arena *tiny = arena_new(64);
	store_visit g;
	assert_int_equal(store_visit_get(f->s, tiny, id, &g), STORE_ERROR);
	store_visit *v;
	size_t n;
	store_visit_filter all = {0};
	assert_int_equal(store_visit_list(f->s, tiny, &all, &v, &n), STORE_ERROR);
	assert_int_equal(n, 0);
	arena_free(tiny);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_insert_get, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_insert_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_identified_visitor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_delete_list_count, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_cached, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_import_many, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_workshops, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_arena_full, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
