/*
 * store_stats.c: the statistics in the store. Two parts:
 *
 *  - the streams the engine loads from (store_stats_rows, _sites,
 *    _workshops, _satisfaction), in SQL both engines accept;
 *  - store_stats_sql, the same indicators as plain GROUP BY queries: the
 *    reference the engine is tested against and the baseline of the bench.
 *    Its local dates use SQLite's strftime(…, 'localtime'), so it runs on
 *    SQLite only (PostgreSQL deployments use the engine).
 *
 * Values always go as '?' parameters; the SQL text is built from fixed
 * fragments chosen by which filters are set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_stats.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_sync.h"

#define ROW_COLS                                                                                             \
	"v.id, v.site_id, COALESCE(v.agent_id, 0), v.started_at, v.duration_min, v.deleted_at, v.channel, "  \
	"p.id, p.identified, p.birth_year, p.age_bracket, p.gender, p.social_status, p.commune_insee, "      \
	"p.disabilities, p.languages, p.no_phone, p.no_email, p.no_device, p.no_internet, p.allophone, "     \
	"p.illiteracy, p.very_precarious, COALESCE(d.id, 0), COALESCE(d.procedure_id, 0), "                  \
	"COALESCE(d.autonomy, 0), COALESCE(d.duration_min, 0), d.operator_code, d.theme_code, d.level, "     \
	"d.equipment, d.interpreting, d.interpreting_lang, d.outcome, d.referral_type "                      \
	"FROM visits v JOIN visitors p ON p.id = v.visitor_id LEFT JOIN demands d ON d.visit_id = v.id "

static const char *const sql_rows_all = "SELECT " ROW_COLS "WHERE v.deleted_at = 0 ORDER BY v.id";
/* Changed visits, deleted ones included, and every visit of a visitor
 * whose profile changed (the indexes of sql/004_stats.sql serve both). */
static const char *const sql_rows_since =
    "SELECT " ROW_COLS "WHERE v.id IN (SELECT id FROM visits WHERE updated_at >= ? UNION "
    "SELECT x.id FROM visitors y JOIN visits x ON x.visitor_id = y.id WHERE y.updated_at >= ?) ORDER BY v.id";

int store_stats_rows(store *s, int64_t since, stats_row_fn fn, void *ctx)
{
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    since < 0 ? store_prep(s, c, "stats_rows", sql_rows_all, NO_PARAMS)
	              : store_prep(s, c, "stats_rows", sql_rows_since, PARAMS(P_INT(since), P_INT(since)));
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE;
	while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		stats_row r = {
		    .visit_id = db_col_int(st, 0),
		    .site_id = db_col_int(st, 1),
		    .agent_id = db_col_int(st, 2),
		    .started_at = db_col_int(st, 3),
		    .visit_duration = db_col_int(st, 4),
		    .deleted_at = db_col_int(st, 5),
		    .channel = db_col_text(st, 6),
		    .visitor_id = db_col_int(st, 7),
		    .identified = db_col_int(st, 8),
		    .birth_year = db_col_int(st, 9),
		    .age_bracket = db_col_text(st, 10),
		    .gender = db_col_text(st, 11),
		    .social_status = db_col_text(st, 12),
		    .commune = db_col_text(st, 13),
		    .disabilities = db_col_text(st, 14),
		    .languages = db_col_text(st, 15),
		    .no_phone = (int)db_col_int(st, 16),
		    .no_email = (int)db_col_int(st, 17),
		    .no_device = (int)db_col_int(st, 18),
		    .no_internet = (int)db_col_int(st, 19),
		    .allophone = (int)db_col_int(st, 20),
		    .illiteracy = (int)db_col_int(st, 21),
		    .very_precarious = (int)db_col_int(st, 22),
		    .demand_id = db_col_int(st, 23),
		    .procedure_id = db_col_int(st, 24),
		    .autonomy = db_col_int(st, 25),
		    .demand_duration = db_col_int(st, 26),
		    .operator_code = db_col_text(st, 27),
		    .theme_code = db_col_text(st, 28),
		    .level = db_col_text(st, 29),
		    .equipment = db_col_text(st, 30),
		    .interpreting = db_col_text(st, 31),
		    .interpreting_lang = db_col_text(st, 32),
		    .outcome = db_col_text(st, 33),
		    .referral = db_col_text(st, 34),
		};
		if (fn(ctx, &r) != 0)
			rc = STORE_ERROR;
	}
	if (st && rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "stats_rows", step, db_errmsg(c));
	if (st)
		db_done(st);
	db_release(s->db, c);
	return rc;
}

int store_stats_sites(store *s, stats_site_fn fn, void *ctx)
{
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "stats_sites",
	                         "SELECT s.id, s.departement, COALESCE(dp.region_code, '') FROM sites s "
	                         "LEFT JOIN departements dp ON dp.code = s.departement ORDER BY s.id",
	                         NO_PARAMS);
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE;
	while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		stats_site_row r = {db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2)};
		if (fn(ctx, &r) != 0)
			rc = STORE_ERROR;
	}
	if (st && rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "stats_sites", step, db_errmsg(c));
	if (st)
		db_done(st);
	db_release(s->db, c);
	return rc;
}

int store_stats_workshops(store *s, stats_workshop_fn fn, void *ctx)
{
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "stats_workshops",
	               "SELECT site_id, COALESCE(agent_id, 0), held_at, participants FROM workshops "
	               "WHERE deleted_at = 0",
	               NO_PARAMS);
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE;
	while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		stats_workshop_row r = {db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 2),
		                        db_col_int(st, 3)};
		if (fn(ctx, &r) != 0)
			rc = STORE_ERROR;
	}
	if (st && rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "stats_workshops", step, db_errmsg(c));
	if (st)
		db_done(st);
	db_release(s->db, c);
	return rc;
}

/* Answers are read by id so that a refresh can apply them in one pass;
 * the changed ones come by the index on updated_at (sql/006_satisfaction.sql). */
int store_stats_satisfaction(store *s, int64_t since, stats_satisfaction_fn fn, void *ctx)
{
	db_conn *c = db_acquire(s->db);
	db_stmt *st = since < 0 ? store_prep(s, c, "stats_satisfaction",
	                                     "SELECT id, site_id, answered_at, deleted_at, overall, clarity "
	                                     "FROM satisfaction WHERE deleted_at = 0 ORDER BY id",
	                                     NO_PARAMS)
	                        : store_prep(s, c, "stats_satisfaction",
	                                     "SELECT id, site_id, answered_at, deleted_at, overall, clarity "
	                                     "FROM satisfaction WHERE updated_at >= ? ORDER BY id",
	                                     PARAMS(P_INT(since)));
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE;
	while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		stats_satisfaction_row r = {
		    .id = db_col_int(st, 0),
		    .site_id = db_col_int(st, 1),
		    .answered_at = db_col_int(st, 2),
		    .deleted_at = db_col_int(st, 3),
		    .overall = (int)db_col_int(st, 4),
		    .clarity = (int)db_col_int(st, 5),
		};
		if (fn(ctx, &r) != 0)
			rc = STORE_ERROR;
	}
	if (st && rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "stats_satisfaction", step, db_errmsg(c));
	if (st)
		db_done(st);
	db_release(s->db, c);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The baseline. */

/* A site list longer than this is refused by the baseline (the engine
 * takes any). */
#define SQL_MAX_SITES 512
#define SQL_MAX_PARAMS (SQL_MAX_SITES + 16)
#define SQL_BYTES ((size_t)8 * 1024)

typedef struct sq {
	store *s;
	db_conn *c;
	const stats_query *q;
	int64_t from, to; /* Unix seconds, [from, to) */
	int rc;
} sq;

typedef struct frag {
	buf sql;
	store_param p[SQL_MAX_PARAMS];
	size_t n;
} frag;

static int set(const char *s)
{
	return s && *s;
}

static void param(frag *f, store_param p)
{
	if (f->n < SQL_MAX_PARAMS)
		f->p[f->n++] = p;
}

/* The scope of q on a table aliased t joined with sites s and
 * departements dp (visits, workshops, satisfaction answers). */
static void scope(frag *f, const stats_query *q, const char *t)
{
	if (q->site_ids) {
		buf_printf(&f->sql, " AND %s.site_id IN (0", t);
		for (size_t i = 0; i < q->nsites; i++) {
			buf_puts(&f->sql, ", ?");
			param(f, P_INT(q->site_ids[i]));
		}
		buf_puts(&f->sql, ")");
	} else if (set(q->departement)) {
		buf_puts(&f->sql, " AND s.departement = ?");
		param(f, P_TEXT(q->departement));
	} else if (set(q->region)) {
		buf_puts(&f->sql, " AND dp.region_code = ?");
		param(f, P_TEXT(q->region));
	}
}

/* FROM and WHERE of a question, for demands (visit_level 0) or visits. */
static void from_where(const sq *x, frag *f, int visit_level)
{
	const stats_query *q = x->q;
	buf_puts(&f->sql,
	         visit_level ? " FROM visits v" : " FROM demands d JOIN visits v ON v.id = d.visit_id");
	buf_puts(&f->sql, " JOIN visitors p ON p.id = v.visitor_id JOIN sites s ON s.id = v.site_id"
	                  " LEFT JOIN departements dp ON dp.code = s.departement"
	                  " WHERE v.deleted_at = 0 AND v.started_at >= ? AND v.started_at < ?");
	param(f, P_INT(x->from));
	param(f, P_INT(x->to));
	scope(f, q, "v");
	if (set(q->channel)) {
		buf_puts(&f->sql, " AND v.channel = ?");
		param(f, P_TEXT(q->channel));
	}
	if (q->agent_id) {
		buf_puts(&f->sql, " AND v.agent_id = ?");
		param(f, P_INT(q->agent_id));
	}
	if (set(q->public_code)) {
		static const char *const cond[8] = {
		    "p.allophone = 1", "p.illiteracy = 1",  "p.disabilities <> ''", "p.very_precarious = 1",
		    "p.no_device = 1", "p.no_internet = 1", "p.no_phone = 1",       "p.no_email = 1"};
		size_t i = 0;
		while (i < 8 && strcmp(STATS_PUBLICS[i], q->public_code) != 0)
			i++;
		buf_printf(&f->sql, " AND %s", i < 8 ? cond[i] : "1 = 0");
	}
	buf_puts(&f->sql, visit_level ? " AND EXISTS (SELECT 1 FROM demands d WHERE d.visit_id = v.id" : "");
	if (set(q->operator_code)) {
		buf_puts(&f->sql, " AND d.operator_code = ?");
		param(f, P_TEXT(q->operator_code));
	}
	if (set(q->theme_code)) {
		buf_puts(&f->sql, " AND d.theme_code = ?");
		param(f, P_TEXT(q->theme_code));
	}
	buf_puts(&f->sql, visit_level ? ")" : "");
}

/* The satisfaction answers of the question (docs/stats.md): a site and a
 * time only, so any filter but the scope leaves them all out. */
static void satisfaction(sq *x, stats_result *r)
{
	const stats_query *q = x->q;
	if (x->rc != STORE_OK || set(q->operator_code) || set(q->theme_code) || set(q->channel) ||
	    set(q->public_code) || q->agent_id)
		return;
	frag f = {.n = 0};
	buf_init(&f.sql, SQL_BYTES);
	buf_puts(&f.sql,
	         "SELECT a.overall, a.clarity, COUNT(*) FROM satisfaction a "
	         "JOIN sites s ON s.id = a.site_id LEFT JOIN departements dp ON dp.code = s.departement "
	         "WHERE a.deleted_at = 0 AND a.answered_at >= ? AND a.answered_at < ?");
	param(&f, P_INT(x->from));
	param(&f, P_INT(x->to));
	scope(&f, q, "a");
	buf_puts(&f.sql, " GROUP BY a.overall, a.clarity");
	db_stmt *st = f.sql.overflow ? NULL : store_prep(x->s, x->c, "stats_sql", f.sql.data, f.p, f.n);
	int step = DB_DONE;
	if (!st)
		x->rc = STORE_ERROR;
	while (st && (step = db_step(st)) == DB_ROW) {
		int64_t overall = db_col_int(st, 0), clarity = db_col_int(st, 1), n = db_col_int(st, 2);
		if (overall >= 1 && overall <= 3)
			r->satisfaction[overall - 1] += n;
		if (clarity >= 0 && clarity <= 5)
			r->clarity[clarity] += n;
	}
	if (st && step != DB_DONE)
		x->rc = store_fail(x->s, "stats_sql", step, db_errmsg(x->c));
	if (st)
		db_done(st);
	buf_free(&f.sql);
}

enum { M_PLAIN, M_NOT_GIVEN, M_SKIP_EMPTY, M_LIST };

static void add_list(stats_result *r, enum stats_bd bd, const char *list, int64_t n)
{
	char code[64];
	while (*list) {
		size_t len = strcspn(list, ",");
		if (len && len < sizeof code) {
			memcpy(code, list, len);
			code[len] = 0;
			stats_result_add(r, bd, code, n);
		}
		list += len + (list[len] == ',');
	}
}

/* SELECT expr, COUNT(*) … GROUP BY 1 into a breakdown. */
static void group(sq *x, stats_result *r, enum stats_bd bd, const char *expr, int mode)
{
	if (x->rc != STORE_OK)
		return;
	frag f = {.n = 0};
	buf_init(&f.sql, SQL_BYTES);
	buf_printf(&f.sql, "SELECT %s, COUNT(*)", expr);
	from_where(x, &f, bd >= STATS_FIRST_VISIT_BD);
	buf_puts(&f.sql, " GROUP BY 1");
	db_stmt *st = f.sql.overflow ? NULL : store_prep(x->s, x->c, "stats_sql", f.sql.data, f.p, f.n);
	int step = DB_DONE;
	if (!st)
		x->rc = STORE_ERROR;
	while (st && (step = db_step(st)) == DB_ROW) {
		const char *code = db_col_text(st, 0);
		int64_t n = db_col_int(st, 1);
		if (mode == M_LIST)
			add_list(r, bd, code, n);
		else if (*code || mode == M_PLAIN)
			stats_result_add(r, bd, code, n);
		else if (mode == M_NOT_GIVEN)
			stats_result_add(r, bd, STATS_NOT_GIVEN, n);
	}
	if (st && step != DB_DONE)
		x->rc = store_fail(x->s, "stats_sql", step, db_errmsg(x->c));
	if (st)
		db_done(st);
	buf_free(&f.sql);
}

/* One row of integers from "SELECT <cols>" over the question. */
static void row(sq *x, const char *cols, int visit_level, int64_t *out, int n)
{
	if (x->rc != STORE_OK)
		return;
	frag f = {.n = 0};
	buf_init(&f.sql, SQL_BYTES);
	buf_printf(&f.sql, "SELECT %s", cols);
	from_where(x, &f, visit_level);
	db_stmt *st = f.sql.overflow ? NULL : store_prep(x->s, x->c, "stats_sql", f.sql.data, f.p, f.n);
	if (!st)
		x->rc = STORE_ERROR;
	else if (db_step(st) == DB_ROW)
		for (int i = 0; i < n; i++)
			out[i] = db_col_int(st, i);
	else
		x->rc = store_fail(x->s, "stats_sql", DB_ERROR, db_errmsg(x->c));
	if (st)
		db_done(st);
	buf_free(&f.sql);
}

#define LOCAL(fmt) "strftime('" fmt "', v.started_at, 'unixepoch', 'localtime')"
#define YEAR "CAST(" LOCAL("%Y") " AS INTEGER)"

/* The progression of digital autonomy (docs/stats.md): per identified
 * person with two visits or more where it was evaluated, the highest level
 * of the last such visit against the first, visits in the order of their
 * local day, then of their id. */
static void progression(sq *x, stats_result *r)
{
	if (x->rc != STORE_OK)
		return;
	frag f = {.n = 0};
	buf_init(&f.sql, SQL_BYTES);
	buf_puts(
	    &f.sql,
	    "SELECT COALESCE(SUM(l > f), 0), COALESCE(SUM(l = f), 0), COALESCE(SUM(l < f), 0) FROM ("
	    "SELECT MAX(CASE WHEN rn = 1 THEN a END) AS f, MAX(CASE WHEN rn = cnt THEN a END) AS l FROM ("
	    "SELECT person, a, ROW_NUMBER() OVER (PARTITION BY person ORDER BY day, vid) AS rn, "
	    "COUNT(*) OVER (PARTITION BY person) AS cnt FROM ("
	    "SELECT p.id AS person, " LOCAL("%Y-%m-%d") " AS day, v.id AS vid, MAX(d.autonomy) AS a");
	from_where(x, &f, 0);
	buf_puts(&f.sql,
	         " AND p.identified = 1 GROUP BY v.id HAVING MAX(d.autonomy) > 0)) WHERE cnt >= 2 GROUP BY "
	         "person)");
	db_stmt *st = f.sql.overflow ? NULL : store_prep(x->s, x->c, "stats_sql", f.sql.data, f.p, f.n);
	if (!st)
		x->rc = STORE_ERROR;
	else if (db_step(st) == DB_ROW)
		for (int i = 0; i < 3; i++)
			r->autonomy_progression[i] = db_col_int(st, i);
	else
		x->rc = store_fail(x->s, "stats_sql", DB_ERROR, db_errmsg(x->c));
	if (st)
		db_done(st);
	buf_free(&f.sql);
}

int store_period_seconds(int32_t from_day, int32_t to_day, int64_t *from, int64_t *to)
{
	char d[11];
	stats_day_format(from_day, d);
	if (time_parse_local(d, NULL, from) != 0)
		return -1;
	stats_day_format(to_day + 1, d);
	return time_parse_local(d, NULL, to);
}

stats_result *store_stats_sql(store *s, const stats_query *q)
{
	if (q->from_day > q->to_day || q->from_day < 0 || (q->site_ids && q->nsites > SQL_MAX_SITES))
		return NULL;
	stats_result *r = stats_result_new(q);
	sq x = {.s = s, .q = q, .rc = STORE_OK};
	if (store_period_seconds(q->from_day, q->to_day, &x.from, &x.to) != 0) {
		stats_result_free(r);
		return NULL;
	}
	x.c = db_acquire(s->db);
	group(&x, r, BD_OPERATOR, "d.operator_code", M_PLAIN);
	group(&x, r, BD_THEME, "d.theme_code", M_PLAIN);
	group(&x, r, BD_PROCEDURE,
	      "CASE WHEN d.procedure_id IS NULL THEN 'texte_libre' ELSE CAST(d.procedure_id AS TEXT) END",
	      M_PLAIN);
	group(&x, r, BD_LEVEL, "d.level", M_PLAIN);
	group(&x, r, BD_OUTCOME, "d.outcome", M_PLAIN);
	group(&x, r, BD_REFERRAL, "d.referral_type", M_SKIP_EMPTY);
	group(&x, r, BD_AUTONOMY,
	      "CASE WHEN d.autonomy = 0 THEN 'non_evalue' ELSE CAST(d.autonomy AS TEXT) END", M_PLAIN);
	group(&x, r, BD_EQUIPMENT, "d.equipment", M_LIST);
	group(&x, r, BD_INTERPRETING, "d.interpreting", M_SKIP_EMPTY);
	group(&x, r, BD_INTERPRETING_LANG, "d.interpreting_lang", M_SKIP_EMPTY);
	group(&x, r, BD_CHANNEL, "v.channel", M_PLAIN);
	group(&x, r, BD_AGE, "p.age_bracket", M_NOT_GIVEN);
	group(&x, r, BD_GENDER, "p.gender", M_NOT_GIVEN);
	group(&x, r, BD_STATUS, "p.social_status", M_NOT_GIVEN);
	group(&x, r, BD_COMMUNE, "p.commune_insee", M_NOT_GIVEN);
	group(&x, r, BD_LANGUAGE, "p.languages", M_LIST);
	group(&x, r, BD_DURATION,
	      "CASE WHEN v.duration_min <= 0 THEN 'non_renseigne' WHEN v.duration_min < 30 THEN 'moins_30' "
	      "WHEN v.duration_min < 60 THEN '30_60' WHEN v.duration_min < 120 THEN '60_120' ELSE '120_plus' "
	      "END",
	      M_PLAIN);
	group(&x, r, BD_WEEKDAY, "CAST((CAST(" LOCAL("%w") " AS INTEGER) + 6) % 7 + 1 AS TEXT)", M_PLAIN);
	group(&x, r, BD_HOUR, LOCAL("%H"), M_PLAIN);

	int64_t dv[2] = {0};
	row(&x, "COUNT(*), COALESCE(SUM(d.outcome = 'resolu'), 0)", 0, dv, 2);
	r->demands = dv[0];
	r->solved = dv[1];
	int64_t v[11] = {0};
	row(&x,
	    "COUNT(*), COALESCE(SUM(p.identified = 0), 0), COUNT(DISTINCT CASE WHEN p.identified = 1 THEN "
	    "p.id END), "
	    "COALESCE(SUM(p.allophone), 0), COALESCE(SUM(p.illiteracy), 0), COALESCE(SUM(p.disabilities <> "
	    "''), 0), "
	    "COALESCE(SUM(p.very_precarious), 0), COALESCE(SUM(p.no_device), 0), "
	    "COALESCE(SUM(p.no_internet), 0), "
	    "COALESCE(SUM(p.no_phone), 0), COALESCE(SUM(p.no_email), 0)",
	    1, v, 11);
	r->visits = v[0];
	r->anonymous_visits = v[1];
	r->identified_distinct = v[2];
	for (int i = 0; i < 8; i++)
		stats_result_add(r, BD_PUBLIC, STATS_PUBLICS[i], v[3 + i]);

	/* The age cuts (docs/stats.md): yes 0, no 1, unknown 2. */
	int64_t cut[6] = {0};
	row(&x,
	    "COALESCE(SUM(CASE WHEN p.birth_year > 0 THEN " YEAR " - p.birth_year >= 55 ELSE "
	    "p.age_bracket IN ('60_69', '70_plus') END), 0), "
	    "COALESCE(SUM(CASE WHEN p.birth_year > 0 THEN " YEAR " - p.birth_year < 55 ELSE "
	    "p.age_bracket IN ('moins_de_12', '12_17', '18_24', '25_39') END), 0), "
	    "COALESCE(SUM(p.birth_year = 0 AND p.age_bracket NOT IN ('60_69', '70_plus', 'moins_de_12', "
	    "'12_17', "
	    "'18_24', '25_39')), 0), "
	    "COALESCE(SUM(CASE WHEN p.birth_year > 0 THEN " YEAR " - p.birth_year < 26 ELSE "
	    "p.age_bracket IN ('moins_de_12', '12_17', '18_24') END), 0), "
	    "COALESCE(SUM(CASE WHEN p.birth_year > 0 THEN " YEAR " - p.birth_year >= 26 ELSE "
	    "p.age_bracket IN ('40_59', '60_69', '70_plus') END), 0), "
	    "COALESCE(SUM(p.birth_year = 0 AND p.age_bracket NOT IN ('moins_de_12', '12_17', '18_24', "
	    "'40_59', "
	    "'60_69', '70_plus')), 0)",
	    1, cut, 6);
	for (int i = 0; i < 3; i++) {
		r->over_55[i] = cut[i];
		r->under_26[i] = cut[3 + i];
	}

	progression(&x, r);
	satisfaction(&x, r);

	int32_t per[2][2];
	stats_periods(q, per[0], per[1]);
	for (int p = 0; p < 2; p++) {
		int64_t n[2] = {0};
		sq y = x;
		if (per[p][0] < 0)
			per[p][0] = 0;
		if (per[p][1] >= per[p][0] && store_period_seconds(per[p][0], per[p][1], &y.from, &y.to) == 0)
			row(&y, "COUNT(DISTINCT v.id), COUNT(*)", 0, n, 2);
		x.rc = y.rc;
		*(p ? &r->yago_visits : &r->prev_visits) = n[0];
		*(p ? &r->yago_demands : &r->prev_demands) = n[1];
	}

	if (x.rc == STORE_OK && !set(q->operator_code) && !set(q->theme_code) && !set(q->channel) &&
	    !set(q->public_code)) {
		frag f = {.n = 0};
		buf_init(&f.sql, SQL_BYTES);
		buf_puts(
		    &f.sql,
		    "SELECT COUNT(*), COALESCE(SUM(w.participants), 0) FROM workshops w "
		    "JOIN sites s ON s.id = w.site_id LEFT JOIN departements dp ON dp.code = s.departement "
		    "WHERE w.deleted_at = 0 AND w.held_at >= ? AND w.held_at < ?");
		param(&f, P_INT(x.from));
		param(&f, P_INT(x.to));
		scope(&f, q, "w");
		if (q->agent_id) {
			buf_puts(&f.sql, " AND w.agent_id = ?");
			param(&f, P_INT(q->agent_id));
		}
		int64_t w[2] = {0};
		db_stmt *st = f.sql.overflow ? NULL : store_prep(s, x.c, "stats_sql", f.sql.data, f.p, f.n);
		x.rc = STORE_ERROR;
		if (st && db_step(st) == DB_ROW) {
			w[0] = db_col_int(st, 0);
			w[1] = db_col_int(st, 1);
			x.rc = STORE_OK;
		}
		if (st)
			db_done(st);
		r->workshops = w[0];
		r->participants = w[1];
		buf_free(&f.sql);
	}
	db_release(s->db, x.c);
	if (x.rc != STORE_OK) {
		stats_result_free(r);
		return NULL;
	}
	stats_result_finish(r);
	return r;
}

/* The source's callbacks: the store functions above with the store as
 * their context. */
static int src_sites(void *ctx, stats_site_fn fn, void *fctx)
{
	return store_stats_sites(ctx, fn, fctx);
}

static int src_rows(void *ctx, int64_t since, stats_row_fn fn, void *fctx)
{
	return store_stats_rows(ctx, since, fn, fctx);
}

static int src_workshops(void *ctx, stats_workshop_fn fn, void *fctx)
{
	return store_stats_workshops(ctx, fn, fctx);
}

static int src_satisfaction(void *ctx, int64_t since, stats_satisfaction_fn fn, void *fctx)
{
	return store_stats_satisfaction(ctx, since, fn, fctx);
}

static int src_visit(void *ctx, int64_t id, int64_t *site_id, int64_t *started_at)
{
	store *s = ctx;
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "stats_visit", "SELECT site_id, started_at FROM visits WHERE id = ?",
	                         PARAMS(P_INT(id)));
	int found = -1;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			*site_id = db_col_int(st, 0);
			*started_at = db_col_int(st, 1);
			found = 1;
		} else if (step == DB_DONE) {
			found = 0;
		}
		db_done(st);
	}
	db_release(s->db, c);
	return found;
}

stats_source store_stats_source(store *s)
{
	return (stats_source){.ctx = s,
	                      .sites = src_sites,
	                      .rows = src_rows,
	                      .workshops = src_workshops,
	                      .satisfaction = src_satisfaction,
	                      .visit = src_visit};
}

stats_engine *store_stats_load(store *s, int threads)
{
	stats_source src = store_stats_source(s);
	return stats_engine_load(&src, threads);
}

int store_stats_identity(store *s, char *out, size_t n)
{
	arena *a = arena_new(256);
	char *origin = NULL;
	int rc = store_sync_origin(s, a, &origin);
	if (rc == STORE_OK)
		snprintf(out, n, "guichet-store %s", origin);
	arena_free(a);
	return rc;
}

int store_stats_save(store *s, stats_engine *e, const char *snapshot)
{
	char identity[96];
	if (store_stats_identity(s, identity, sizeof identity) != STORE_OK)
		return -1;
	return stats_engine_save(e, identity, snapshot);
}

stats_engine *store_stats_open(store *s, int threads, const char *snapshot)
{
	if (!snapshot)
		return store_stats_load(s, threads);
	char identity[96];
	if (store_stats_identity(s, identity, sizeof identity) != STORE_OK)
		return store_stats_load(s, threads);
	stats_source src = store_stats_source(s);
	const char *why = NULL;
	stats_engine *e = stats_engine_open(&src, identity, snapshot, threads, &why);
	if (e)
		return e;
	if (strcmp(why, "absent") != 0)
		fprintf(stderr,
		        "level=warn msg=\"statistics snapshot not used, loading from the store\" path=\"%s\" "
		        "reason=\"%s\"\n",
		        snapshot, why);
	e = stats_engine_load(&src, threads);
	if (e)
		stats_engine_save(e, identity, snapshot);
	return e;
}
