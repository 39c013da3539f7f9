/*
 * store_visit_query.c: the accompaniment record read many visits at a time:
 * the paginated listing (with the visitor and demands of each visit of the
 * page), the counts, and the stream of demands for the CSV export, all
 * under one filter (store_visit_filter).
 *
 * The statements are built from fixed fragments, one per filter that is
 * set, with '?' for every value: no value ever enters the SQL text, and the
 * few shapes that result are each prepared once per connection. The list of
 * sites takes a bucketed number of placeholders (padded with a repeated id)
 * for the same reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_visits_impl.h"

/* Placeholder counts for a list of sites; beyond the largest, the list
 * goes as one text matched with LIKE (slower, but no SQL grows with it). */
static const size_t site_buckets[] = {1, 8, 64, 512};
/* Placeholder counts for the visits of a page. */
static const size_t page_buckets[] = {1, 10, 50, LIMIT_PAGE_ROWS};

#define QUERY_MAX_PARAMS (512 + 16)
#define QUERY_SQL_BYTES ((size_t)16 * 1024)

typedef struct query {
	buf sql;
	store_param p[QUERY_MAX_PARAMS];
	size_t n;
	int overflow;
	char *site_list; /* ",1,2,3," for the LIKE form; freed by q_free */
} query;

static void q_init(query *q)
{
	memset(q, 0, sizeof *q);
	buf_init(&q->sql, QUERY_SQL_BYTES);
}

static void q_free(query *q)
{
	buf_free(&q->sql);
	free(q->site_list);
}

static void q_param(query *q, store_param p)
{
	if (q->n < QUERY_MAX_PARAMS)
		q->p[q->n++] = p;
	else
		q->overflow = 1;
}

static const char *set(const char *s)
{
	return s && *s ? s : NULL;
}

static size_t bucket(const size_t *b, size_t nb, size_t n)
{
	for (size_t i = 0; i < nb; i++)
		if (n <= b[i])
			return b[i];
	return 0;
}

/* "?, ?, ?" with n placeholders. */
static void q_placeholders(query *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_puts(&q->sql, i ? ", ?" : "?");
}

static void q_sites(query *q, const store_visit_filter *f)
{
	if (!f->site_ids)
		return;
	if (f->nsites == 0) {
		/* An empty scope sees nothing, not everything. */
		buf_puts(&q->sql, " AND 1 = 0");
		return;
	}
	size_t nb = bucket(site_buckets, COUNT(site_buckets), f->nsites);
	if (nb) {
		buf_puts(&q->sql, " AND v.site_id IN (");
		q_placeholders(q, nb);
		buf_puts(&q->sql, ")");
		for (size_t i = 0; i < nb; i++)
			q_param(q, P_INT(f->site_ids[i < f->nsites ? i : 0]));
		return;
	}
	buf list;
	buf_init(&list, (size_t)32 * f->nsites + 2);
	buf_putc(&list, ',');
	for (size_t i = 0; i < f->nsites; i++)
		buf_printf(&list, "%lld,", (long long)f->site_ids[i]);
	q->site_list = buf_detach(&list, NULL);
	buf_puts(&q->sql, " AND ? LIKE '%,' || v.site_id || ',%'");
	q_param(q, P_TEXT(q->site_list));
}

/* The conditions on the visit (alias v): live, in the period, in scope, by
 * channel and adviser, and past the page's key when paginate. */
static void q_visit_where(query *q, const store_visit_filter *f, int paginate)
{
	/* A bound is written only when given: an open range would lead the
	 * planner to the (site, started_at) index and a sort of every visit of
	 * the site, where (site, id) gives the newest first (sql/024). */
	buf_puts(&q->sql, " WHERE v.deleted_at = 0");
	if (f->from) {
		buf_puts(&q->sql, " AND v.started_at >= ?");
		q_param(q, P_INT(f->from));
	}
	if (f->to) {
		buf_puts(&q->sql, " AND v.started_at < ?");
		q_param(q, P_INT(f->to));
	}
	q_sites(q, f);
	if (f->agent_id) {
		buf_puts(&q->sql, " AND v.agent_id = ?");
		q_param(q, P_INT(f->agent_id));
	}
	if (set(f->channel)) {
		buf_puts(&q->sql, " AND v.channel = ?");
		q_param(q, P_TEXT(f->channel));
	}
	if (paginate && f->after_id) {
		buf_puts(&q->sql, " AND v.id < ?");
		q_param(q, P_INT(f->after_id));
	}
}

static int has_demand_filter(const store_visit_filter *f)
{
	return set(f->operator_code) || set(f->theme_code) || set(f->outcome);
}

/* The conditions on a demand (alias d). */
static void q_demand_where(query *q, const store_visit_filter *f)
{
	if (set(f->operator_code)) {
		buf_puts(&q->sql, " AND d.operator_code = ?");
		q_param(q, P_TEXT(f->operator_code));
	}
	if (set(f->theme_code)) {
		buf_puts(&q->sql, " AND d.theme_code = ?");
		q_param(q, P_TEXT(f->theme_code));
	}
	if (set(f->outcome)) {
		buf_puts(&q->sql, " AND d.outcome = ?");
		q_param(q, P_TEXT(f->outcome));
	}
}

/* A visit matches the demand filters when one of its demands does. */
static void q_visit_has_demand(query *q, const store_visit_filter *f)
{
	if (!has_demand_filter(f))
		return;
	buf_puts(&q->sql, " AND EXISTS (SELECT 1 FROM demands d WHERE d.visit_id = v.id");
	q_demand_where(q, f);
	buf_puts(&q->sql, ")");
}

static int q_ok(store *s, query *q, const char *op)
{
	if (q->overflow || q->sql.overflow || !q->sql.data)
		return store_fail(s, op, DB_ERROR, "query too large");
	return STORE_OK;
}

/* Reads the demands of the page's visits (sorted by id, newest first) with
 * one statement and hands each visit its own. The demands come in the
 * order of the index demands_visit (visit, then id): no sort. */
static int load_page_demands(store *s, db_conn *c, arena *a, store_visit *visits, size_t n)
{
	if (n == 0)
		return STORE_OK;
	size_t nb = bucket(page_buckets, COUNT(page_buckets), n);
	if (!nb)
		return store_fail(s, "visit_list", DB_ERROR, "page too large");
	query q;
	q_init(&q);
	buf_puts(&q.sql, "SELECT " SV_DEMAND_COLS " FROM demands d WHERE d.visit_id IN (");
	q_placeholders(&q, nb);
	buf_puts(&q.sql, ") ORDER BY d.visit_id, d.id");
	for (size_t i = 0; i < nb; i++)
		q_param(&q, P_INT(visits[i < n ? i : 0].id));
	int rc = q_ok(s, &q, "visit_list");
	store_vec vec = {.size = sizeof(store_demand)};
	db_stmt *st = rc == STORE_OK ? store_prep(s, c, "visit_list", q.sql.data, q.p, q.n) : NULL;
	if (rc == STORE_OK && !st)
		rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
			if (sv_read_demand(st, 0, a, store_vec_push(&vec)) != 0)
				rc = store_fail(s, "visit_list", DB_ERROR, "arena full");
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "visit_list", step, db_errmsg(c));
		db_done(st);
	}
	q_free(&q);
	store_demand *all = NULL;
	size_t nall = 0;
	if (rc == STORE_OK && store_vec_finish(&vec, a, (void **)&all, &nall) != 0)
		rc = store_fail(s, "visit_list", DB_ERROR, "arena full");
	store_vec_free(&vec);
	/* The visits run by id downwards, the demands upwards: one merge pass
	 * from the last visit. */
	for (size_t i = n, j = 0; rc == STORE_OK && i-- > 0;) {
		while (j < nall && all[j].visit_id < visits[i].id)
			j++;
		size_t first = j;
		while (j < nall && all[j].visit_id == visits[i].id)
			j++;
		visits[i].demands = j > first ? all + first : NULL;
		visits[i].ndemands = j - first;
	}
	return rc;
}

/* A few sites and no period: "v.site_id IN (...) ORDER BY v.id DESC"
 * would sort every visit of the scope. Instead, the newest visits of each
 * site (walked backwards in visits_site_id, at most a page each), and the
 * newest of those. */
#define FEW_SITES 8

static int few_sites(const store_visit_filter *f)
{
	return f->site_ids && f->nsites > 1 && f->nsites <= FEW_SITES && !f->from && !f->to;
}

static void q_newest_of_sites(query *q, const store_visit_filter *f, size_t limit)
{
	buf_puts(&q->sql, " WHERE v.id IN (");
	for (size_t i = 0; i < FEW_SITES; i++) {
		store_visit_filter one = *f;
		one.site_ids = &f->site_ids[i < f->nsites ? i : 0];
		one.nsites = 1;
		buf_puts(&q->sql, i ? " UNION ALL SELECT id FROM (SELECT v.id FROM visits v"
		                    : "SELECT id FROM (SELECT v.id FROM visits v");
		q_visit_where(q, &one, 1);
		q_visit_has_demand(q, &one);
		buf_puts(&q->sql, " ORDER BY v.id DESC LIMIT ?) AS s");
		q_param(q, P_INT((int64_t)limit));
	}
	buf_puts(&q->sql, ")");
}

static int list_rows(store *s, arena *a, const store_visit_filter *f, store_visit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t limit = f->limit == 0 || f->limit > LIMIT_PAGE_ROWS ? LIMIT_PAGE_ROWS : f->limit;
	query q;
	q_init(&q);
	buf_puts(&q.sql, "SELECT " SV_VISIT_COLS ", " SV_VISITOR_COLS SV_VISIT_FROM);
	if (few_sites(f)) {
		q_newest_of_sites(&q, f, limit);
	} else {
		q_visit_where(&q, f, 1);
		q_visit_has_demand(&q, f);
	}
	buf_puts(&q.sql, " ORDER BY v.id DESC LIMIT ?");
	q_param(&q, P_INT((int64_t)limit));
	int rc = q_ok(s, &q, "visit_list");

	store_vec vec = {.size = sizeof(store_visit)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st = rc == STORE_OK ? store_prep(s, c, "visit_list", q.sql.data, q.p, q.n) : NULL;
	if (rc == STORE_OK && !st)
		rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
			store_visit *v = store_vec_push(&vec);
			if (sv_read_visit(st, 0, a, v) != 0 ||
			    sv_read_visitor(st, SV_NVISIT, a, &v->visitor) != 0)
				rc = store_fail(s, "visit_list", DB_ERROR, "arena full");
		}
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "visit_list", step, db_errmsg(c));
		db_done(st);
	}
	q_free(&q);
	if (rc == STORE_OK && store_vec_finish(&vec, a, (void **)out, n) != 0)
		rc = store_fail(s, "visit_list", DB_ERROR, "arena full");
	store_vec_free(&vec);
	if (rc == STORE_OK)
		rc = load_page_demands(s, c, a, *out, *n);
	db_release(s->db, c);
	if (rc != STORE_OK) {
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* With f->cached, a page is kept per filter and page while no visit of
 * its scope is written (store_count_cache.c). The generation is read
 * before the rows: a write committed while they are read leaves the
 * entry behind. */
int store_visit_list_stamped(store *s, arena *a, const store_visit_filter *f, store_visit **out, size_t *n,
                             uint64_t *stamp)
{
	*stamp = 0;
	if (!f->cached)
		return list_rows(s, a, f, out, n);
	char *key = store_count_key(f, 1);
	uint64_t gen = store_scope_generation(s, f->site_ids, f->nsites);
	int64_t now = now_s();
	if (store_list_get(s, a, key, gen, now, out, n, stamp)) {
		free(key);
		return STORE_OK;
	}
	int rc = list_rows(s, a, f, out, n);
	if (rc == STORE_OK)
		*stamp = store_list_put(s, key, gen, now, *out, *n);
	free(key);
	return rc;
}

int store_visit_list_peek(store *s, const store_visit_filter *f, size_t *n, int64_t *last_id, uint64_t *stamp)
{
	if (!f->cached)
		return 0;
	char *key = store_count_key(f, 1);
	uint64_t gen = store_scope_generation(s, f->site_ids, f->nsites);
	int found = store_list_peek(s, key, gen, now_s(), n, last_id, stamp);
	free(key);
	return found;
}

int store_visit_list(store *s, arena *a, const store_visit_filter *f, store_visit **out, size_t *n)
{
	uint64_t stamp;
	return store_visit_list_stamped(s, a, f, out, n, &stamp);
}

static int count_rows(store *s, const store_visit_filter *f, int64_t *visits, int64_t *demands)
{
	query qv, qd;
	q_init(&qv);
	q_init(&qd);
	buf_puts(&qv.sql, "SELECT COUNT(*) FROM visits v");
	q_visit_where(&qv, f, 0);
	q_visit_has_demand(&qv, f);
	buf_puts(&qd.sql, "SELECT COUNT(*) FROM demands d JOIN visits v ON v.id = d.visit_id");
	q_visit_where(&qd, f, 0);
	q_demand_where(&qd, f);
	int rc = q_ok(s, &qv, "visit_count");
	if (rc == STORE_OK)
		rc = q_ok(s, &qd, "visit_count");
	if (rc == STORE_OK) {
		db_conn *c = db_acquire(s->db);
		int rows = store_run(s, c, "visit_count", qv.sql.data, qv.p, qv.n, visits);
		if (rows >= 0)
			rows = store_run(s, c, "visit_count", qd.sql.data, qd.p, qd.n, demands);
		db_release(s->db, c);
		rc = rows < 0 ? rows : STORE_OK;
	}
	q_free(&qv);
	q_free(&qd);
	return rc;
}

/* The counts are kept per filter while no visit of the scope is written
 * (store_count_cache.c): exact for this process, at most a minute late for
 * the writes of another. */
int store_visit_count(store *s, const store_visit_filter *f, int64_t *visits, int64_t *demands)
{
	*visits = *demands = 0;
	if (f->site_ids && f->nsites == 0)
		return STORE_OK; /* an empty scope sees nothing */
	char *key = store_count_key(f, 0);
	uint64_t gen = store_scope_generation(s, f->site_ids, f->nsites);
	int64_t now = now_s();
	if (store_count_get(s, key, gen, now, visits, demands)) {
		free(key);
		return STORE_OK;
	}
	int rc = count_rows(s, f, visits, demands);
	if (rc == STORE_OK)
		store_count_put(s, key, gen, now, *visits, *demands);
	free(key);
	return rc;
}

int store_demand_each(store *s, const store_visit_filter *f, store_demand_row_fn fn, void *ctx)
{
	query q;
	q_init(&q);
	buf_puts(&q.sql,
	         "SELECT " SV_VISIT_COLS ", " SV_VISITOR_COLS ", " SV_DEMAND_COLS
	         " FROM demands d JOIN visits v ON v.id = d.visit_id JOIN visitors p ON p.id = v.visitor_id"
	         " LEFT JOIN users u ON u.id = v.agent_id");
	q_visit_where(&q, f, 0);
	q_demand_where(&q, f);
	buf_puts(&q.sql, " ORDER BY v.started_at, v.id, d.id");
	int rc = q_ok(s, &q, "demand_each");
	db_conn *c = db_acquire(s->db);
	db_stmt *st = rc == STORE_OK ? store_prep(s, c, "demand_each", q.sql.data, q.p, q.n) : NULL;
	if (rc == STORE_OK && !st)
		rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
			/* The texts point into the row: nothing is copied, so an
			 * export of any size runs in constant memory. */
			store_visit v;
			store_demand d;
			memset(&v, 0, sizeof v);
			sv_read_visit(st, 0, NULL, &v);
			sv_read_visitor(st, SV_NVISIT, NULL, &v.visitor);
			sv_read_demand(st, SV_NVISIT + SV_NVISITOR, NULL, &d);
			rc = fn(ctx, &v, &d);
		}
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "demand_each", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	q_free(&q);
	return rc;
}
