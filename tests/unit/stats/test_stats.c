/*
 * test_stats.c: the steering indicators on small hand-built records whose
 * answers are written out in each test: an empty period, a single demand,
 * soft-deleted visits, visits around midnight and the two daylight-saving
 * changes of Europe/Paris, a leap day, a site moved to another département,
 * the engine's refresh after new, edited and deleted visits, and the
 * satisfaction answers (scope, period, filters, refresh). Every
 * answer of the engine is also compared byte for byte with the SQL GROUP BY
 * baseline (on SQLite, where the baseline runs).
 */
#include "unit.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stats/stats.h"
#include "store/store_stats.h"
#include "stats/stats_impl.h"
#include "store/store.h"

struct fixture {
	char dir[64];
	store *s;
	arena *a;
	int64_t site1, site2, agent;
};

static int setup(void **state)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-stats-XXXXXX");
	char url[1024];
	if (unit_store_open(f->dir, url, sizeof url, &f->s) != 0)
		return -1;
	f->a = arena_new(8 << 20);
	store_site a = {.name = "France Services Redon", .type = "france_services", .departement = "35"};
	store_site b = {.name = "Mairie de Vannes", .type = "mairie", .departement = "56"};
	store_user u = {.email = "agent@example.org", .name = "Anne Agent", .role = "agent", .active = 1};
	if (store_site_insert(f->s, &a, &f->site1) != STORE_OK ||
	    store_site_insert(f->s, &b, &f->site2) != STORE_OK ||
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

static int64_t at(const char *date, const char *hm)
{
	int64_t t;
	assert_int_equal(time_parse_local(date, hm, &t), 0);
	return t;
}

/* A visit with one demand from a person of commune; returns its id. */
static int64_t visit_in(struct fixture *f, int64_t site, int64_t t, const char *op, const char *outcome,
                        const char *commune)
{
	store_demand d = {.operator_code = (char *)op,
	                  .theme_code = "social_sante",
	                  .level = "fait_avec",
	                  .outcome = (char *)outcome,
	                  .autonomy = 2,
	                  .equipment = "ordinateur,telephone",
	                  .duration_min = 15};
	store_visit v = {.site_id = site,
	                 .agent_id = f->agent,
	                 .started_at = t,
	                 .channel = "guichet_spontane",
	                 .duration_min = 20,
	                 .demands = &d,
	                 .ndemands = 1};
	v.visitor = (store_visitor){.age_bracket = "60_69",
	                            .gender = "feminin",
	                            .social_status = "retraite",
	                            .commune_insee = (char *)commune};
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	return v.id;
}

/* A visit with one demand; returns its id. */
static int64_t visit(struct fixture *f, int64_t site, int64_t t, const char *op, const char *outcome)
{
	return visit_in(f, site, t, op, outcome, "35236");
}

static stats_query period(const char *from, const char *to)
{
	stats_query q = {0};
	assert_int_equal(stats_day_parse(from, &q.from_day), 0);
	assert_int_equal(stats_day_parse(to, &q.to_day), 0);
	return q;
}

static int64_t bd(const stats_result *r, enum stats_bd b, const char *code)
{
	for (size_t i = 0; i < r->bd[b].n; i++)
		if (strcmp(r->bd[b].v[i].code, code) == 0)
			return r->bd[b].v[i].n;
	return 0;
}

/* The engine's answer, checked against the SQL baseline's JSON. The
 * caller frees it. */
static stats_result *ask(struct fixture *f, stats_engine *e, const stats_query *q)
{
	stats_result *r = stats_engine_query(e, q);
	assert_non_null(r);
	if (!unit_db_is_pg()) {
		stats_result *b = store_stats_sql(f->s, q);
		assert_non_null(b);
		buf x, y;
		buf_init(&x, 1 << 20);
		buf_init(&y, 1 << 20);
		assert_int_equal(stats_result_json(r, &x), 0);
		assert_int_equal(stats_result_json(b, &y), 0);
		if (x.len != y.len || memcmp(x.data, y.data, x.len) != 0)
			fail_msg("engine and SQL differ:\n%.*s\n%.*s", (int)x.len, x.data, (int)y.len,
			         y.data);
		buf_free(&x);
		buf_free(&y);
		stats_result_free(b);
	}
	return r;
}

static void test_days(void **state)
{
	(void)state;
	int32_t d;
	assert_int_equal(stats_day_parse("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(stats_day_parse("2024-02-29", &d), 0);
	assert_int_equal(stats_day_parse("2023-02-29", &d), -1);
	assert_int_equal(stats_day_parse("2024-04-31", &d), -1);
	assert_int_equal(stats_day_parse("2024-4-1", &d), -1);
	assert_int_equal(stats_day_parse("2024-02-29x", &d), -1);
	assert_int_equal(stats_day_parse(NULL, &d), -1);
	int32_t leap;
	stats_day_parse("2024-02-29", &leap);
	char out[11];
	stats_day_format(stats_day_year_before(leap), out);
	assert_string_equal(out, "2023-02-28");
	assert_int_equal(stats_day_of_time(at("2024-02-29", "23:59")), leap);
	assert_int_equal(stats_day_of_time(at("2024-03-01", "00:00")), leap + 1);
	assert_int_equal(stats_cut_over_55(1969, 2024, "40_59"), CUT_YES); /* 55 that year */
	assert_int_equal(stats_cut_over_55(1970, 2024, "40_59"), CUT_NO);
	assert_int_equal(stats_cut_over_55(0, 2024, "40_59"), CUT_UNKNOWN);
	assert_int_equal(stats_cut_over_55(0, 2024, "60_69"), CUT_YES);
	assert_int_equal(stats_cut_under_26(1999, 2024, ""), CUT_YES); /* 25 */
	assert_int_equal(stats_cut_under_26(1998, 2024, ""), CUT_NO);  /* 26 */
	assert_int_equal(stats_cut_under_26(0, 2024, "25_39"), CUT_UNKNOWN);
	assert_int_equal(stats_cut_under_26(0, 2024, "18_24"), CUT_YES);
}

/* The writers on a result built by hand: codes sorted, duplicates
 * merged, zeros left out, a stray separator quoted in CSV. */
static void test_writers(void **state)
{
	(void)state;
	stats_query q = period("2025-01-01", "2025-01-31");
	stats_result *r = stats_result_new(&q);
	r->visits = 3;
	r->demands = 4;
	r->solved = 1;
	stats_result_add(r, BD_OPERATOR, "dgfip", 1);
	stats_result_add(r, BD_OPERATOR, "cnaf", 2);
	stats_result_add(r, BD_OPERATOR, "cnaf", 1);
	stats_result_add(r, BD_OPERATOR, "ants", 0);
	stats_result_add(r, BD_COMMUNE, "a,\"b", 3);
	stats_result_finish(r);
	buf b;
	buf_init(&b, 1 << 20);
	assert_int_equal(stats_result_json(r, &b), 0);
	assert_non_null(strstr(b.data, "\"by_operator\":{\"cnaf\":3,\"dgfip\":1}"));
	assert_non_null(strstr(b.data, "\"solved_on_site_rate\":0.25"));
	assert_non_null(strstr(b.data, "\"by_commune\":{\"a,\\\"b\":3}"));
	buf_reset(&b);
	assert_int_equal(stats_result_csv(r, &b), 0);
	assert_non_null(strstr(b.data, "section,code,count\r\ntotal,visits,3\r\n"));
	assert_non_null(strstr(b.data, "by_operator,cnaf,3\r\nby_operator,dgfip,1\r\n"));
	assert_non_null(strstr(b.data, "by_commune,\"a,\"\"b\",3\r\n"));
	buf_reset(&b);
	assert_int_equal(stats_result_text(r, &b), 0);
	assert_non_null(strstr(b.data, "Period 2025-01-01 to 2025-01-31\n"));
	buf_free(&b);
	stats_result_free(r);
}

static void test_empty(void **state)
{
	struct fixture *f = *state;
	stats_engine *e = store_stats_load(f->s, 1);
	assert_non_null(e);
	stats_query q = period("2026-01-01", "2026-01-31");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 0);
	assert_int_equal(r->demands, 0);
	for (int i = 0; i < BD_COUNT; i++)
		assert_int_equal(r->bd[i].n, 0);
	buf b;
	buf_init(&b, 1 << 20);
	stats_result_json(r, &b);
	assert_non_null(strstr(b.data, "\"solved_on_site_rate\":null"));
	assert_non_null(strstr(b.data, "\"satisfied_rate\":null"));
	assert_non_null(strstr(b.data, "\"by_operator\":{}"));
	buf_free(&b);
	stats_result_free(r);
	stats_engine_free(e);
}

static void test_single(void **state)
{
	struct fixture *f = *state;
	visit(f, f->site1, at("2026-03-10", "10:15"), "cnaf", "resolu"); /* a Tuesday */
	stats_engine *e = store_stats_load(f->s, 2);
	stats_query q = period("2026-03-01", "2026-03-31");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	assert_int_equal(r->demands, 1);
	assert_int_equal(r->solved, 1);
	assert_int_equal(bd(r, BD_OPERATOR, "cnaf"), 1);
	assert_int_equal(r->bd[BD_OPERATOR].n, 1);
	assert_int_equal(bd(r, BD_HOUR, "10"), 1);
	assert_int_equal(bd(r, BD_WEEKDAY, "2"), 1);
	assert_int_equal(bd(r, BD_EQUIPMENT, "ordinateur"), 1);
	assert_int_equal(bd(r, BD_EQUIPMENT, "telephone"), 1);
	assert_int_equal(bd(r, BD_AGE, "60_69"), 1);
	assert_int_equal(bd(r, BD_AUTONOMY, "2"), 1);
	assert_int_equal(bd(r, BD_DURATION, "moins_30"), 1);
	assert_int_equal(bd(r, BD_COMMUNE, "35236"), 1);
	assert_int_equal(r->over_55[CUT_YES], 1);
	assert_int_equal(r->under_26[CUT_NO], 1);
	assert_int_equal(r->anonymous_visits, 1);
	assert_int_equal(r->identified_distinct, 0);
	assert_int_equal(r->bd[BD_PUBLIC].n, 0);
	stats_result_free(r);
	/* Filters that match and that do not. */
	q.operator_code = "ants";
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 0);
	stats_result_free(r);
	q.operator_code = "cnaf";
	q.channel = "guichet_spontane";
	q.departement = "35";
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	stats_result_free(r);
	q.public_code = "allophone";
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 0);
	stats_result_free(r);
	stats_engine_free(e);
}

static void test_deleted(void **state)
{
	struct fixture *f = *state;
	int64_t a = visit(f, f->site1, at("2026-04-01", "09:00"), "cnaf", "resolu");
	int64_t b = visit(f, f->site1, at("2026-04-02", "09:00"), "ants", "oriente");
	visit(f, f->site2, at("2026-04-03", "09:00"), "dgfip", "doit_revenir");
	assert_int_equal(store_visit_delete(f->s, a, now_s()), STORE_OK);
	stats_engine *e = store_stats_load(f->s, 1);
	stats_query q = period("2026-04-01", "2026-04-30");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 2);
	assert_int_equal(bd(r, BD_OPERATOR, "cnaf"), 0);
	assert_int_equal(r->solved, 0);
	stats_result_free(r);
	/* Deleted after the load: gone after a refresh. */
	assert_int_equal(store_visit_delete(f->s, b, now_s()), STORE_OK);
	assert_int_equal(stats_engine_refresh(e), 0);
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	assert_int_equal(bd(r, BD_OPERATOR, "dgfip"), 1);
	stats_result_free(r);
	/* April as the previous period of May: the dead visit left out. */
	q = period("2026-05-01", "2026-05-30");
	r = ask(f, e, &q);
	assert_int_equal(r->prev_visits, 1);
	assert_int_equal(r->prev_demands, 1);
	stats_result_free(r);
	stats_engine_free(e);
}

static void test_midnight(void **state)
{
	struct fixture *f = *state;
	visit(f, f->site1, at("2026-06-14", "23:50"), "cnaf", "resolu"); /* runs past midnight */
	visit(f, f->site1, at("2026-06-15", "00:05"), "ants", "resolu");
	stats_engine *e = store_stats_load(f->s, 1);
	stats_query q = period("2026-06-14", "2026-06-14");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	assert_int_equal(bd(r, BD_HOUR, "23"), 1);
	assert_int_equal(bd(r, BD_WEEKDAY, "7"), 1); /* a Sunday */
	stats_result_free(r);
	q = period("2026-06-15", "2026-06-15");
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	assert_int_equal(bd(r, BD_HOUR, "00"), 1);
	assert_int_equal(r->prev_visits, 1); /* the day before */
	stats_result_free(r);
	stats_engine_free(e);
}

static void test_dst(void **state)
{
	struct fixture *f = *state;
	/* 29 March 2026: 02:00 becomes 03:00 (a 23-hour day). */
	visit(f, f->site1, at("2026-03-29", "01:30"), "cnaf", "resolu");
	visit(f, f->site1, at("2026-03-29", "03:30"), "cnaf", "resolu");
	visit(f, f->site1, at("2026-03-29", "23:30"), "cnaf", "resolu");
	/* 25 October 2026: 03:00 becomes 02:00 (a 25-hour day; 02:30 twice). */
	int64_t m = at("2026-10-25", "00:00");
	visit(f, f->site2, m + 1800, "ants", "resolu");             /* 00:30 */
	visit(f, f->site2, m + 2 * 3600 + 1800, "ants", "resolu");  /* 02:30 summer time */
	visit(f, f->site2, m + 3 * 3600 + 1800, "ants", "resolu");  /* 02:30 winter time */
	visit(f, f->site2, m + 24 * 3600 + 1800, "ants", "resolu"); /* 23:30 */
	stats_engine *e = store_stats_load(f->s, 1);
	stats_query q = period("2026-03-29", "2026-03-29");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 3);
	assert_int_equal(bd(r, BD_HOUR, "03"), 1);
	assert_int_equal(bd(r, BD_HOUR, "02"), 0);
	stats_result_free(r);
	q = period("2026-03-30", "2026-10-24");
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 0);
	stats_result_free(r);
	q = period("2026-10-25", "2026-10-25");
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 4);
	assert_int_equal(bd(r, BD_HOUR, "02"), 2);
	assert_int_equal(bd(r, BD_HOUR, "23"), 1);
	stats_result_free(r);
	q = period("2026-10-26", "2026-10-26");
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 0);
	stats_result_free(r);
	stats_engine_free(e);
}

static void test_leap_day(void **state)
{
	struct fixture *f = *state;
	visit(f, f->site1, at("2023-02-28", "12:00"), "cnaf", "resolu");
	visit(f, f->site1, at("2024-02-29", "12:00"), "ants", "resolu");
	visit(f, f->site1, at("2025-02-28", "12:00"), "dgfip", "resolu");
	stats_engine *e = store_stats_load(f->s, 1);
	stats_query q = period("2024-02-29", "2024-02-29");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	assert_int_equal(bd(r, BD_OPERATOR, "ants"), 1);
	assert_int_equal(r->yago_visits, 1); /* 2023-02-28 */
	assert_int_equal(r->prev_visits, 0); /* 2024-02-28 */
	buf b;
	buf_init(&b, 1 << 20);
	stats_result_json(r, &b);
	assert_non_null(
	    strstr(b.data, "\"year_before\":{\"from\":\"2023-02-28\",\"to\":\"2023-02-28\",\"visits\":1"));
	buf_free(&b);
	stats_result_free(r);
	q = period("2025-02-28", "2025-02-28");
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	assert_int_equal(r->yago_visits, 0); /* 2024-02-28, not the leap day */
	stats_result_free(r);
	q = period("2024-02-01", "2024-03-01");
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	stats_result_free(r);
	stats_engine_free(e);
}

static void test_site_moved(void **state)
{
	struct fixture *f = *state;
	visit(f, f->site1, at("2026-05-04", "10:00"), "cnaf", "resolu");
	visit(f, f->site2, at("2026-05-05", "10:00"), "ants", "resolu");
	stats_engine *e = store_stats_load(f->s, 1);
	stats_query q = period("2026-05-01", "2026-05-31");
	q.departement = "56";
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 1);
	stats_result_free(r);
	store_site st;
	assert_int_equal(store_site_get(f->s, f->a, f->site1, &st), STORE_OK);
	st.departement = "56";
	assert_int_equal(store_site_update(f->s, &st), STORE_OK);
	assert_int_equal(stats_engine_refresh(e), 0);
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 2); /* the whole history moves with the site */
	stats_result_free(r);
	q.departement = "35";
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 0);
	stats_result_free(r);
	stats_engine_free(e);
}

static void test_refresh(void **state)
{
	struct fixture *f = *state;
	int64_t id = visit(f, f->site1, at("2026-07-01", "10:00"), "cnaf", "resolu");
	stats_engine *e = store_stats_load(f->s, 2);
	visit(f, f->site2, at("2026-07-02", "10:00"), "ants", "oriente");
	assert_int_equal(stats_engine_refresh(e), 0);
	stats_query q = period("2026-07-01", "2026-07-31");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 2);
	stats_result_free(r);
	/* An edit: another operator and a second demand. */
	store_visit v;
	assert_int_equal(store_visit_get(f->s, f->a, id, &v), STORE_OK);
	store_demand d[2] = {v.demands[0], v.demands[0]};
	d[0].operator_code = "msa";
	d[1].id = 0;
	d[1].operator_code = "dgfip";
	d[1].theme_code = "argent_impots";
	v.demands = d;
	v.ndemands = 2;
	v.visitor.gender = "masculin";
	assert_int_equal(store_visit_update(f->s, &v), STORE_OK);
	assert_int_equal(stats_engine_refresh(e), 0);
	assert_int_equal(stats_engine_refresh(e), 0); /* twice: idempotent */
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 2);
	assert_int_equal(r->demands, 3);
	assert_int_equal(bd(r, BD_OPERATOR, "cnaf"), 0);
	assert_int_equal(bd(r, BD_OPERATOR, "msa"), 1);
	assert_int_equal(bd(r, BD_GENDER, "masculin"), 1);
	stats_result_free(r);
	stats_engine_info info;
	stats_engine_info_get(e, &info);
	assert_int_equal(info.visits, 2);
	assert_int_equal(info.demands, 3);
	stats_engine_free(e);
}

/* The communes met, in the order of their codes whichever way they are
 * gathered: by walking the dictionary's order when a question meets most
 * of them, by sorting those met when it meets few (a site among many);
 * a commune first met in a refresh takes its place in that order. */
static void test_communes(void **state)
{
	struct fixture *f = *state;
	char code[16];
	/* Codes met in the reverse of their order; "not given" among them. */
	for (int i = 60; i > 16; i--) {
		snprintf(code, sizeof code, "35%03d", i);
		visit_in(f, f->site1, at("2026-05-04", "10:00"), "cnaf", "resolu", code);
	}
	visit_in(f, f->site1, at("2026-05-04", "11:00"), "cnaf", "resolu", "");
	visit_in(f, f->site2, at("2026-05-05", "10:00"), "cnaf", "resolu", "35038");
	visit_in(f, f->site2, at("2026-05-05", "11:00"), "cnaf", "resolu", "");
	visit_in(f, f->site2, at("2026-05-05", "12:00"), "cnaf", "resolu", "22050");
	stats_engine *e = store_stats_load(f->s, 2);
	stats_query q = period("2026-05-01", "2026-05-31");
	stats_result *r = ask(f, e, &q); /* 46 of 46 */
	assert_int_equal(r->bd[BD_COMMUNE].n, 46);
	assert_int_equal(bd(r, BD_COMMUNE, "35038"), 2);
	assert_int_equal(bd(r, BD_COMMUNE, STATS_NOT_GIVEN), 2);
	stats_result_free(r);
	int64_t one[] = {f->site2};
	q.site_ids = one;
	q.nsites = 1;
	r = ask(f, e, &q); /* 3 of 46 */
	assert_int_equal(r->bd[BD_COMMUNE].n, 3);
	for (size_t i = 1; i < r->bd[BD_COMMUNE].n; i++)
		assert_true(strcmp(r->bd[BD_COMMUNE].v[i - 1].code, r->bd[BD_COMMUNE].v[i].code) < 0);
	stats_result_free(r);
	/* New codes, one before and one after every other. */
	visit_in(f, f->site2, at("2026-05-06", "10:00"), "cnaf", "resolu", "01001");
	visit_in(f, f->site2, at("2026-05-06", "11:00"), "cnaf", "resolu", "97411");
	assert_int_equal(stats_engine_refresh(e), 0);
	r = ask(f, e, &q); /* 5 of 48 */
	assert_int_equal(r->bd[BD_COMMUNE].n, 5);
	assert_string_equal(r->bd[BD_COMMUNE].v[0].code, "01001");
	assert_string_equal(r->bd[BD_COMMUNE].v[3].code, "97411");
	assert_string_equal(r->bd[BD_COMMUNE].v[4].code, STATS_NOT_GIVEN);
	stats_result_free(r);
	q.site_ids = NULL;
	q.nsites = 0;
	r = ask(f, e, &q);
	assert_int_equal(r->bd[BD_COMMUNE].n, 48);
	stats_result_free(r);
	stats_engine_free(e);
}

/* A département's sites, by its code packed in a word or, longer than
 * seven bytes, compared as a string: never a prefix nor an extension. */
static void test_areas(void **state)
{
	struct fixture *f = *state;
	assert_true(stats_code_key("35") != stats_code_key("350"));
	assert_true(stats_code_key("35") != stats_code_key("3"));
	assert_true(stats_code_key("ABCDEFG") != UINT64_MAX);
	assert_true(stats_code_key("ABCDEFGH") == UINT64_MAX);
	assert_true(stats_code_key(NULL) == UINT64_MAX);
	store_site c = {.name = "Bureau d'essai", .type = "mairie", .departement = "ABCDEFGHIJ"};
	int64_t site3;
	assert_int_equal(store_site_insert(f->s, &c, &site3), STORE_OK);
	visit(f, f->site1, at("2026-06-01", "10:00"), "cnaf", "resolu");
	visit(f, f->site2, at("2026-06-01", "11:00"), "cnaf", "resolu");
	visit(f, f->site2, at("2026-06-02", "11:00"), "ants", "resolu");
	visit(f, site3, at("2026-06-03", "11:00"), "cnaf", "oriente");
	stats_engine *e = store_stats_load(f->s, 2);
	const struct {
		const char *code;
		int64_t visits;
	} cases[] = {{"35", 1}, {"56", 2},  {"ABCDEFGHIJ", 1}, {"ABCDEFGHI", 0},
	             {"3", 0},  {"350", 0}, {"ABCDEFG", 0}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		stats_query q = period("2026-06-01", "2026-06-30");
		q.departement = cases[i].code;
		stats_result *r = ask(f, e, &q);
		if (r->visits != cases[i].visits)
			fail_msg("département %s: %lld visits", cases[i].code, (long long)r->visits);
		stats_result_free(r);
	}
	stats_engine_free(e);
}

/* New and deleted visits in the delta, merged into the main segment:
 * the same answers before and after. */
static void test_merge(void **state)
{
	struct fixture *f = *state;
	visit(f, f->site1, at("2026-09-01", "10:00"), "cnaf", "resolu");
	int64_t gone = visit(f, f->site2, at("2026-09-02", "10:00"), "ants", "resolu");
	stats_engine *e = store_stats_load(f->s, 1);
	visit(f, f->site2, at("2026-09-03", "10:00"), "dgfip", "resolu");
	visit(f, f->site1, at("2026-08-31", "10:00"), "msa", "oriente");
	assert_int_equal(store_visit_delete(f->s, gone, now_s()), STORE_OK);
	assert_int_equal(stats_engine_refresh(e), 0);
	stats_query q = period("2026-09-01", "2026-09-30");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 2);
	assert_int_equal(r->prev_visits, 1);
	stats_result_free(r);
	/* A demand filter over the main segment while a dead visit lies in
	 * it, alone (the dead one's demands taken back) and with a filter on
	 * visits (a channel met and one not), as SQL. */
	const char *ops[] = {"ants", "cnaf", "dgfip"}, *channels[] = {NULL, "guichet_spontane", "telephone"};
	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < 3; k++) {
			stats_query o = q;
			o.operator_code = ops[i];
			o.channel = channels[k];
			stats_result_free(ask(f, e, &o));
		}
	engine_merge(e);
	assert_int_equal(e->delta.nv, 0);
	assert_int_equal(e->main.nv, 3);
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 2);
	assert_int_equal(bd(r, BD_OPERATOR, "dgfip"), 1);
	assert_int_equal(bd(r, BD_OPERATOR, "ants"), 0);
	stats_result_free(r);
	stats_engine_free(e);
}

struct race {
	stats_engine *e;
	int rounds;
};

static void *refresher(void *arg)
{
	struct race *x = arg;
	for (int i = 0; i < x->rounds; i++)
		stats_engine_refresh(x->e);
	return NULL;
}

/* Questions asked while another thread refreshes: the lock keeps every
 * answer whole. */
static void test_concurrent(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 20; i++)
		visit(f, i % 2 ? f->site1 : f->site2, at("2026-02-10", "09:00") + i * 60, "cnaf", "resolu");
	stats_engine *e = store_stats_load(f->s, 2);
	struct race x = {e, 30};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, refresher, &x), 0);
	stats_query q = period("2026-02-01", "2026-02-28");
	for (int i = 0; i < 30; i++) {
		stats_result *r = stats_engine_query(e, &q);
		assert_non_null(r);
		assert_int_equal(r->visits, 20);
		assert_int_equal(bd(r, BD_OPERATOR, "cnaf"), 20);
		stats_result_free(r);
	}
	pthread_join(t, NULL);
	stats_engine_free(e);
}

/* A visit of an identified person at a given autonomy level (0: not
 * evaluated); *person is the visitor's id, 0 for a new person. */
static void identified_visit(struct fixture *f, int64_t *person, const char *date, int autonomy)
{
	store_demand d = {.operator_code = "cnaf",
	                  .theme_code = "social_sante",
	                  .level = "fait_avec",
	                  .outcome = "resolu",
	                  .autonomy = autonomy};
	store_visit v = {.site_id = f->site1,
	                 .agent_id = f->agent,
	                 .started_at = at(date, "10:00"),
	                 .channel = "guichet_rdv",
	                 .visitor_id = *person,
	                 .demands = &d,
	                 .ndemands = 1};
	v.visitor = (store_visitor){.identified = 1,
	                            .full_name = "Personne Suivie",
	                            .consent_reason = "suivi",
	                            .consent_at = at(date, "10:00")};
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	*person = v.visitor_id;
}

/* Autonomy progression: the first evaluated level against the last, for
 * people with two evaluated visits or more; one evaluation, or none, leaves
 * a person out. The answer is written here by hand. */
static void test_progression(void **state)
{
	struct fixture *f = *state;
	int64_t up = 0, same = 0, down = 0, once = 0, gap = 0;
	identified_visit(f, &up, "2026-02-02", 1);
	identified_visit(f, &up, "2026-02-20", 0); /* not evaluated: skipped */
	identified_visit(f, &up, "2026-03-05", 3);
	identified_visit(f, &same, "2026-02-03", 2);
	identified_visit(f, &same, "2026-02-10", 3);
	identified_visit(f, &same, "2026-03-01", 2); /* back to where it began */
	identified_visit(f, &down, "2026-02-04", 3);
	identified_visit(f, &down, "2026-02-05", 2);
	identified_visit(f, &once, "2026-02-06", 2);
	identified_visit(f, &gap, "2026-02-07", 0);
	identified_visit(f, &gap, "2026-02-08", 1);
	visit(f, f->site1, at("2026-02-09", "09:00"), "cnaf", "resolu"); /* anonymous */
	stats_engine *e = store_stats_load(f->s, 2);
	stats_query q = period("2026-02-01", "2026-03-31");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->identified_distinct, 5);
	assert_int_equal(r->autonomy_progression[0], 1);
	assert_int_equal(r->autonomy_progression[1], 1);
	assert_int_equal(r->autonomy_progression[2], 1);
	stats_result_free(r);
	/* February only: "up" has one evaluation, "same" went 2 → 3. */
	q = period("2026-02-01", "2026-02-28");
	r = ask(f, e, &q);
	assert_int_equal(r->autonomy_progression[0], 1);
	assert_int_equal(r->autonomy_progression[1], 0);
	assert_int_equal(r->autonomy_progression[2], 1);
	stats_result_free(r);
	stats_engine_free(e);
}

/* The kernel's paths on a few visits: blocks of three visits, four
 * copies of the dominated columns, two threads taking chunks of seven
 * visits in turn, as SQL (ask) and as the
 * engine at its usual sizes. Visits of one to three demands of mixed
 * operators and autonomy levels, identified people among them, dead
 * visits in main and a delta. */
static void test_kernel_paths(void **state)
{
	struct fixture *f = *state;
	const char *ops[] = {"cnaf", "dgfip", "ants"}, *channels[] = {"guichet_spontane", "telephone"};
	int64_t people[4] = {0}, dead[4];
	size_t ndead = 0;
	for (int i = 0; i < 60; i++) {
		store_demand d[6];
		int nd = i % 10 == 4 ? 6 : 1 + i % 3; /* some of six: five that pass a theme */
		for (int k = 0; k < nd; k++)
			d[k] = (store_demand){.operator_code = (char *)ops[(i + k) % 3],
			                      .theme_code = k ? "logement" : "social_sante",
			                      .level = "fait_avec",
			                      .outcome = k == 2 ? "oriente" : "resolu",
			                      .referral_type = k == 2 ? "administration" : "",
			                      .autonomy = (i * 7 + k) % 4};
		char date[16];
		snprintf(date, sizeof date, "2026-%02d-%02d", 2 + i % 2, 1 + i % 27);
		int64_t *person = i % 3 ? &people[i % 4] : NULL; /* people of site1 */
		store_visit v = {.site_id = person || i % 5 ? f->site1 : f->site2,
		                 .agent_id = f->agent,
		                 .started_at = at(date, i % 2 ? "10:00" : "15:30"),
		                 .channel = (char *)channels[i % 2],
		                 .demands = d,
		                 .ndemands = (size_t)nd};
		v.visitor = (store_visitor){.allophone = i % 4 == 1, .languages = i % 4 == 1 ? "ar" : ""};
		if (person) {
			v.visitor_id = *person;
			v.visitor.identified = 1;
			v.visitor.full_name = "Personne Suivie";
			v.visitor.consent_reason = "suivi";
			v.visitor.consent_at = v.started_at;
		}
		assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
		if (person)
			*person = v.visitor_id;
		if (i % 17 == 3)
			dead[ndead++] = v.id;
	}
	/* One more person whose levels differ by operator: cnaf 1 then 2
	 * (progresses), dgfip 3 then 2 (falls back); both, 3 then 2. */
	int64_t mixed = 0;
	for (int k = 0; k < 2; k++) {
		store_demand d[2] = {{.operator_code = "cnaf",
		                      .theme_code = "social_sante",
		                      .level = "fait_avec",
		                      .outcome = "resolu",
		                      .autonomy = 1 + k},
		                     {.operator_code = "dgfip",
		                      .theme_code = "argent_impots",
		                      .level = "fait_avec",
		                      .outcome = "resolu",
		                      .autonomy = 3 - k}};
		store_visit v = {.site_id = f->site1,
		                 .agent_id = f->agent,
		                 .started_at = at(k ? "2026-02-14" : "2026-02-13", "09:00"),
		                 .channel = "guichet_rdv",
		                 .visitor_id = mixed,
		                 .demands = d,
		                 .ndemands = 2};
		v.visitor = (store_visitor){.identified = 1,
		                            .full_name = "Personne Suivie",
		                            .consent_reason = "suivi",
		                            .consent_at = v.started_at};
		assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
		mixed = v.visitor_id;
	}
	stats_engine *e = store_stats_load(f->s, 2);
	stats_query one = period("2026-02-13", "2026-02-14");
	one.operator_code = "cnaf";
	stats_result *r = ask(f, e, &one);
	assert_int_equal(r->autonomy_progression[0], 1);
	stats_result_free(r);
	for (size_t k = 0; k < ndead; k++)
		assert_int_equal(store_visit_delete(f->s, dead[k], now_s()), STORE_OK);
	visit(f, f->site1, at("2026-03-20", "11:00"), "cnaf", "resolu"); /* in the delta */
	identified_visit(f, &people[1], "2026-03-21", 3);
	assert_int_equal(stats_engine_refresh(e), 0);
	stats_query q = period("2026-02-01", "2026-03-31");
	const stats_query filters[] = {
	    {0},
	    {.operator_code = "cnaf"},
	    {.operator_code = "ants", .channel = "telephone"},
	    {.theme_code = "logement"},
	    {.theme_code = "logement", .channel = "guichet_spontane"},
	    {.public_code = "allophone"},
	    {.channel = "guichet_spontane"},
	    {.departement = "35", .operator_code = "dgfip"},
	};
	for (int tuned = 0; tuned < 2; tuned++) {
		if (tuned) {
			e->split_min = 1;
			e->quad_min = 0;
			e->block = 3;
			e->chunk = 7;
		}
		for (size_t k = 0; k < COUNT(filters); k++) {
			stats_query o = filters[k];
			o.from_day = q.from_day;
			o.to_day = q.to_day;
			stats_result_free(ask(f, e, &o));
		}
	}
	stats_engine_free(e);
}

/* Counts alone (time series, tables by site) equal the totals of full
 * questions over the same periods, filters included. */
static void test_counts(void **state)
{
	struct fixture *f = *state;
	visit(f, f->site1, at("2026-03-02", "09:00"), "cnaf", "resolu");
	visit(f, f->site1, at("2026-03-20", "15:00"), "ants", "oriente");
	visit(f, f->site2, at("2026-04-01", "10:00"), "cnaf", "resolu");
	int64_t gone = visit(f, f->site1, at("2026-04-03", "11:00"), "cnaf", "resolu");
	assert_int_equal(store_visit_delete(f->s, gone, at("2026-04-04", "09:00")), STORE_OK);
	stats_engine *e = store_stats_load(f->s, 2);
	const char *periods[][2] = {
	    {"2026-03-01", "2026-03-31"}, {"2026-04-01", "2026-04-30"}, {"2026-01-01", "2026-12-31"}};
	int32_t per[3][2];
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(stats_day_parse(periods[i][0], &per[i][0]), 0);
		assert_int_equal(stats_day_parse(periods[i][1], &per[i][1]), 0);
	}
	stats_query filters[3] = {{0}, {.operator_code = "cnaf"}, {.departement = "35"}};
	for (size_t k = 0; k < 3; k++) {
		int64_t v[3], d[3];
		assert_int_equal(stats_engine_counts(e, &filters[k], 3, (const int32_t(*)[2])per, v, d), 0);
		for (size_t i = 0; i < 3; i++) {
			stats_query q = filters[k];
			q.from_day = per[i][0];
			q.to_day = per[i][1];
			stats_result *r = stats_engine_query(e, &q);
			assert_int_equal(v[i], r->visits);
			assert_int_equal(d[i], r->demands);
			stats_result_free(r);
		}
	}
	int64_t v[1], d[1];
	int32_t bad[1][2] = {{per[1][0], per[0][0]}};
	assert_int_equal(stats_engine_counts(e, &filters[0], 1, (const int32_t(*)[2])bad, v, d), -1);
	stats_engine_free(e);
}

/* A satisfaction answer at t; returns its id. */
static int64_t answer(struct fixture *f, int64_t site, int64_t t, int overall, int clarity)
{
	store_satisfaction a = {.site_id = site,
	                        .answered_at = t,
	                        .overall = overall,
	                        .clarity = clarity,
	                        .comment = "",
	                        .source = "borne"};
	assert_int_equal(store_satisfaction_insert(f->s, &a), STORE_OK);
	return a.id;
}

static void assert_answers(const stats_result *r, int64_t pas_bien, int64_t moyen, int64_t tres_bien)
{
	assert_int_equal(r->satisfaction[0], pas_bien);
	assert_int_equal(r->satisfaction[1], moyen);
	assert_int_equal(r->satisfaction[2], tres_bien);
}

/* Answers by scope and period (the last minutes of the last day in, the
 * first minutes after out), deleted before the load and through a
 * refresh, new through a refresh; any filter but the scope leaves them
 * out. */
static void test_satisfaction(void **state)
{
	struct fixture *f = *state;
	visit(f, f->site1, at("2026-09-02", "10:00"), "cnaf", "resolu");
	int64_t first = answer(f, f->site1, at("2026-09-01", "10:00"), 3, 5);
	answer(f, f->site1, at("2026-09-30", "23:30"), 2, 0);
	answer(f, f->site2, at("2026-09-10", "11:00"), 1, 2);
	answer(f, f->site1, at("2026-10-01", "00:30"), 3, 4);
	int64_t gone = answer(f, f->site1, at("2026-09-05", "12:00"), 1, 1);
	assert_int_equal(store_satisfaction_delete(f->s, gone, 0), STORE_OK);
	stats_engine *e = store_stats_load(f->s, 1);
	assert_non_null(e);

	stats_query q = period("2026-09-01", "2026-09-30");
	stats_result *r = ask(f, e, &q);
	assert_answers(r, 1, 1, 1);
	assert_int_equal(r->clarity[0], 1);
	assert_int_equal(r->clarity[2], 1);
	assert_int_equal(r->clarity[5], 1);
	stats_result_free(r);
	q.departement = "35";
	r = ask(f, e, &q);
	assert_answers(r, 0, 1, 1);
	assert_int_equal(r->clarity[2], 0);
	stats_result_free(r);
	q.departement = NULL;
	q.site_ids = &f->site2;
	q.nsites = 1;
	r = ask(f, e, &q);
	assert_answers(r, 1, 0, 0);
	stats_result_free(r);
	q = period("2026-10-01", "2026-10-31");
	r = ask(f, e, &q);
	assert_answers(r, 0, 0, 1);
	assert_int_equal(r->clarity[4], 1);
	stats_result_free(r);

	/* Filters: an operator, a theme, a channel, a public, an adviser. */
	stats_query filters[5] = {{.operator_code = "cnaf"},
	                          {.theme_code = "social_sante"},
	                          {.channel = "guichet_spontane"},
	                          {.public_code = "allophone"},
	                          {.agent_id = f->agent}};
	for (size_t i = 0; i < 5; i++) {
		q = filters[i];
		assert_int_equal(stats_day_parse("2026-09-01", &q.from_day), 0);
		assert_int_equal(stats_day_parse("2026-09-30", &q.to_day), 0);
		r = ask(f, e, &q);
		assert_answers(r, 0, 0, 0);
		for (int c = 0; c < 6; c++)
			assert_int_equal(r->clarity[c], 0);
		stats_result_free(r);
	}

	/* Through a refresh: one deleted, one new; twice is the same. */
	assert_int_equal(store_satisfaction_delete(f->s, first, 0), STORE_OK);
	answer(f, f->site1, at("2026-09-15", "09:00"), 1, 3);
	assert_int_equal(stats_engine_refresh(e), 0);
	assert_int_equal(stats_engine_refresh(e), 0);
	q = period("2026-09-01", "2026-09-30");
	q.departement = "35";
	r = ask(f, e, &q);
	assert_answers(r, 1, 1, 0);
	assert_int_equal(r->clarity[0], 1);
	assert_int_equal(r->clarity[3], 1);
	assert_int_equal(r->clarity[5], 0);
	stats_result_free(r);

	/* The writers carry them. */
	q.departement = NULL;
	r = ask(f, e, &q);
	buf b;
	buf_init(&b, 1 << 20);
	assert_int_equal(stats_result_json(r, &b), 0);
	assert_non_null(strstr(b.data,
	                       "\"satisfaction\":{\"counts\":{\"pas_bien\":2,\"moyen\":1,\"tres_bien\":0},"
	                       "\"answers\":3,\"satisfied_rate\":0,\"clarity\":{\"1\":0,\"2\":1,\"3\":1,"
	                       "\"4\":0,\"5\":0,\"non_repondu\":1}}"));
	buf_free(&b);
	buf_init(&b, 1 << 20);
	assert_int_equal(stats_result_csv(r, &b), 0);
	assert_non_null(
	    strstr(b.data, "satisfaction,pas_bien,2\r\nsatisfaction,moyen,1\r\nsatisfaction,tres_bien,0\r\n"
	                   "clarity,1,0\r\n"));
	assert_non_null(strstr(b.data, "clarity,non_repondu,1\r\n"));
	buf_free(&b);
	stats_result_free(r);

	/* An answer committed late, with an id below one already held: here
	 * the engine is made to forget one, which the next refresh reads again
	 * (changed within the margin) and appends out of id order. The array
	 * is sorted again and the counts are unchanged. */
	q = period("2026-09-01", "2026-10-31");
	r = ask(f, e, &q);
	int64_t before[3];
	memcpy(before, r->satisfaction, sizeof before);
	stats_result_free(r);
	assert_true(e->nsa >= 3);
	memmove(&e->sa[0], &e->sa[1], (e->nsa - 1) * sizeof *e->sa);
	e->nsa--;
	assert_int_equal(stats_engine_refresh(e), 0);
	for (size_t i = 1; i < e->nsa; i++)
		assert_true(e->sa[i - 1].id < e->sa[i].id);
	r = ask(f, e, &q);
	assert_memory_equal(r->satisfaction, before, sizeof before);
	stats_result_free(r);

	/* The answers count in the engine's memory. */
	stats_engine_info info;
	stats_engine_info_get(e, &info);
	assert_true(info.bytes >= e->nsa * sizeof *e->sa);
	stats_engine_free(e);
}

/* Identified people on two sites: a question on the small site takes the
 * sorted path of the people's order, one on both the marked path; both
 * against the SQL baseline, before and after a merge with the delta. */
static void test_people_order(void **state)
{
	struct fixture *f = *state;
	int64_t people[20] = {0};
	for (int i = 0; i < 40; i++) {
		char date[16];
		snprintf(date, sizeof date, "2026-03-%02d", 1 + i % 28);
		identified_visit(f, &people[i % 20], date, 1 + i % 3);
	}
	int64_t one = 0, two = 0;
	store_demand d = {.operator_code = "cnaf",
	                  .theme_code = "social_sante",
	                  .level = "fait_avec",
	                  .outcome = "resolu",
	                  .autonomy = 1};
	for (int k = 0; k < 3; k++) {
		store_visit v = {.site_id = f->site2,
		                 .agent_id = f->agent,
		                 .started_at = at("2026-03-10", "10:00") + k * 86400,
		                 .channel = "guichet_rdv",
		                 .visitor_id = k < 2 ? one : two,
		                 .demands = &d,
		                 .ndemands = 1};
		v.visitor = (store_visitor){.identified = 1,
		                            .full_name = "Autre Personne",
		                            .consent_reason = "suivi",
		                            .consent_at = v.started_at};
		d.autonomy = 1 + k;
		assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
		*(k < 2 ? &one : &two) = v.visitor_id;
	}
	stats_engine *e = store_stats_load(f->s, 1);
	stats_query q = period("2026-03-01", "2026-03-31");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->identified_distinct, 22);
	stats_result_free(r);
	int64_t sites[] = {f->site2};
	q.site_ids = sites;
	q.nsites = 1;
	r = ask(f, e, &q);
	assert_int_equal(r->identified_distinct, 2);
	assert_int_equal(r->autonomy_progression[0], 1);
	stats_result_free(r);
	/* The same people seen again: in the delta, then merged. */
	identified_visit(f, &people[0], "2026-03-30", 3);
	identified_visit(f, &people[1], "2026-03-02", 1);
	assert_int_equal(stats_engine_refresh(e), 0);
	q.site_ids = NULL;
	q.nsites = 0;
	stats_result_free(ask(f, e, &q));
	engine_merge(e);
	stats_result_free(ask(f, e, &q));
	stats_engine_free(e);
}

/* The snapshot: written, opened again with the same answers, caught up
 * with visits recorded, corrected and deleted after it was written. */
static void test_snapshot(void **state)
{
	struct fixture *f = *state;
	char path[128], identity[96];
	snprintf(path, sizeof path, "%s/stats.snapshot", f->dir);
	assert_int_equal(store_stats_identity(f->s, identity, sizeof identity), STORE_OK);
	int64_t person = 0;
	identified_visit(f, &person, "2026-05-04", 1);
	int64_t gone = visit(f, f->site1, at("2026-05-05", "09:00"), "cnaf", "resolu");
	int64_t changed = visit(f, f->site2, at("2026-05-06", "09:00"), "ants", "oriente");
	visit(f, f->site2, at("2026-05-07", "14:00"), "dgfip", "resolu");
	stats_source src = store_stats_source(f->s);
	const char *why = NULL;
	assert_null(stats_engine_open(&src, identity, path, 1, &why));
	assert_string_equal(why, "absent");
	stats_engine *e = store_stats_load(f->s, 1);
	/* A delta held when it is written travels with it. */
	visit(f, f->site1, at("2026-05-08", "09:00"), "msa", "resolu");
	assert_int_equal(stats_engine_refresh(e), 0);
	assert_int_equal(stats_engine_save(e, identity, path), 0);
	stats_engine_free(e);

	e = stats_engine_open(&src, identity, path, 1, &why);
	assert_non_null(e);
	stats_engine_info info;
	stats_engine_info_get(e, &info);
	assert_int_equal(info.from_snapshot, 1);
	assert_int_equal(info.visits, 5);
	stats_query q = period("2026-05-01", "2026-05-31");
	stats_result *r = ask(f, e, &q);
	assert_int_equal(r->visits, 5);
	assert_int_equal(r->identified_distinct, 1);
	stats_result_free(r);
	stats_engine_free(e);

	/* Changes after the snapshot: caught up when it is opened. */
	assert_int_equal(store_visit_delete(f->s, gone, now_s()), STORE_OK);
	store_visit v;
	assert_int_equal(store_visit_get(f->s, f->a, changed, &v), STORE_OK);
	v.demands[0].operator_code = "msa";
	assert_int_equal(store_visit_update(f->s, &v), STORE_OK);
	identified_visit(f, &person, "2026-05-20", 3);
	e = stats_engine_open(&src, identity, path, 2, &why);
	assert_non_null(e);
	r = ask(f, e, &q);
	assert_int_equal(r->visits, 5);
	assert_int_equal(bd(r, BD_OPERATOR, "msa"), 2);
	assert_int_equal(bd(r, BD_OPERATOR, "ants"), 0);
	assert_int_equal(r->autonomy_progression[0], 1);
	stats_result_free(r);
	/* A merge replaces the mapped columns with its own. */
	engine_merge(e);
	stats_result_free(ask(f, e, &q));
	stats_engine_free(e);
	/* store_stats_open: the snapshot when it can be trusted. */
	e = store_stats_open(f->s, 1, path);
	assert_non_null(e);
	stats_engine_info_get(e, &info);
	assert_int_equal(info.from_snapshot, 1);
	stats_engine_free(e);
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	fclose(fp);
}

static unsigned char *read_file(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*n = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	unsigned char *p = malloc(*n);
	assert_int_equal(fread(p, 1, *n, fp), *n);
	fclose(fp);
	return p;
}

/* A snapshot that cannot be trusted is refused, saying why, and
 * store_stats_open loads from the store and writes it again. */
static void test_snapshot_refused(void **state)
{
	struct fixture *f = *state;
	char path[128], identity[96];
	snprintf(path, sizeof path, "%s/stats.snapshot", f->dir);
	assert_int_equal(store_stats_identity(f->s, identity, sizeof identity), STORE_OK);
	for (int i = 0; i < 30; i++)
		visit(f, i % 2 ? f->site1 : f->site2, at("2026-06-01", "09:00") + i * 3600, "cnaf", "resolu");
	stats_engine *e = store_stats_load(f->s, 1);
	assert_int_equal(stats_engine_save(e, identity, path), 0);
	stats_engine_free(e);
	size_t n;
	unsigned char *good = read_file(path, &n);
	stats_source src = store_stats_source(f->s);
	const char *why = NULL;

	/* Another store's name. */
	assert_null(stats_engine_open(&src, "guichet-store 00", path, 1, &why));
	assert_string_equal(why, "another store");
	/* One byte changed anywhere after the header, and at its end. */
	unsigned char *bad = malloc(n);
	size_t spots[] = {200, n / 2, n - 1};
	for (size_t k = 0; k < 3; k++) {
		memcpy(bad, good, n);
		bad[spots[k]] ^= 0x40;
		write_file(path, bad, n);
		assert_null(stats_engine_open(&src, identity, path, 1, &why));
		assert_string_equal(why, "damaged");
	}
	/* Cut short; not a snapshot at all; an unknown format version. */
	write_file(path, good, n - 100);
	assert_null(stats_engine_open(&src, identity, path, 1, &why));
	assert_string_equal(why, "truncated");
	write_file(path, (const unsigned char *)"visits,demands\n1,2\n", 19);
	assert_null(stats_engine_open(&src, identity, path, 1, &why));
	memcpy(bad, good, n);
	bad[8] ^= 0x7f; /* the version */
	write_file(path, bad, n);
	assert_null(stats_engine_open(&src, identity, path, 1, &why));
	assert_string_equal(why, "another version");

	/* Stale: the snapshot's last visit is not in the store (a store
	 * restored from an older backup). */
	write_file(path, good, n);
	struct fixture g = {0};
	strcpy(g.dir, "/tmp/guichet-stats2-XXXXXX");
	char url[1024];
	assert_int_equal(unit_store_open(g.dir, url, sizeof url, &g.s), 0);
	g.a = arena_new(1 << 20);
	stats_source other = store_stats_source(g.s);
	assert_null(stats_engine_open(&other, identity, path, 1, &why));
	assert_string_equal(why, "stale");
	unit_store_close(g.s, g.a, g.dir);

	/* store_stats_open rebuilds from the store and writes it again. */
	write_file(path, good, n / 3);
	e = store_stats_open(f->s, 1, path);
	assert_non_null(e);
	stats_engine_info info;
	stats_engine_info_get(e, &info);
	assert_int_equal(info.from_snapshot, 0);
	assert_int_equal(info.visits, 30);
	stats_engine_free(e);
	e = stats_engine_open(&src, identity, path, 1, &why);
	assert_non_null(e);
	stats_query q = period("2026-06-01", "2026-06-30");
	stats_result_free(ask(f, e, &q));
	stats_engine_free(e);
	free(bad);
	free(good);
}

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_days),
	    cmocka_unit_test(test_writers),
	    cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_single, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deleted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_midnight, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dst, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_leap_day, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_site_moved, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_communes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_areas, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_progression, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kernel_paths, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_satisfaction, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_people_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_snapshot_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
