/*
 * store_catalog.c: the reference data that administrators edit (tables
 * operators, themes, procedures, skill_topics), the frequencies that put a
 * site's usual operators and procedures first, and the correction window of
 * a site.
 */
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"

/* Runs a listing query and reads each row with read into a vector of
 * records of size bytes, moved into the arena at the end. */
typedef int (*row_reader)(db_stmt *st, arena *a, void *out);

static int list_rows(store *s, arena *a, const char *op, const char *sql, const store_param *p, size_t np,
                     row_reader read, size_t size, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = size};
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, op, sql, p, np);
	int rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE;
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
			if (read(st, a, store_vec_push(&v)) != 0)
				rc = store_fail(s, op, DB_ERROR, "arena full");
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, out, n) != 0)
		rc = store_fail(s, op, DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

/* The same for a query that gives at most one row: STORE_NOT_FOUND without. */
static int get_row(store *s, arena *a, const char *op, const char *sql, const store_param *p, size_t np,
                   row_reader read, void *out)
{
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, op, sql, p, np);
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = read(st, a, out) == 0 ? STORE_OK : store_fail(s, op, DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

/* A list of the catalog, from memory when store_catalog_cache.c holds it
 * for the current generation. */
static int catalog_rows(store *s, arena *a, int kind, int active_only, const char *op, const char *sql,
                        const store_param *p, size_t np, row_reader read, size_t size, void **out, size_t *n)
{
	uint64_t gen = store_catalog_version(s);
	int64_t now = now_s();
	if (store_catalog_get(s, a, kind, active_only, gen, now, out, n))
		return STORE_OK;
	int rc = list_rows(s, a, op, sql, p, np, read, size, out, n);
	if (rc == STORE_OK)
		store_catalog_put(s, kind, active_only, gen, now, *out, *n);
	return rc;
}

/* One row of the catalog from the kept list of all rows of kind; when
 * none is kept, the list is read (and kept) and the row looked for in it. */
static int catalog_row(store *s, arena *a, int kind, int64_t id, const char *code, void *out,
                       int (*list)(store *, arena *, int, void **, size_t *), size_t size)
{
	memset(out, 0, size);
	int found = store_catalog_find(s, a, kind, store_catalog_version(s), now_s(), id, code, out);
	if (found >= 0)
		return found ? STORE_OK : STORE_NOT_FOUND;
	void *rows = NULL;
	size_t n = 0;
	int rc = list(s, a, 0, &rows, &n);
	if (rc != STORE_OK)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *row = (const char *)rows + i * size;
		if (kind == CATALOG_PROCEDURES ? ((const store_procedure *)row)->id == id
		                               : str_eq(*(char *const *)row, code)) {
			memcpy(out, row, size);
			return STORE_OK;
		}
	}
	return STORE_NOT_FOUND;
}

/* A write of the catalog: what it answers, and the lists kept in memory
 * left behind once it has committed. */
static int catalog_written(store *s, int rc)
{
	if (rc == STORE_OK)
		store_catalog_changed(s);
	return rc;
}

/* Operators */

#define OPERATOR_COLS "code, name, national, deadline_days, active, sort"

static int read_operator(db_stmt *st, arena *a, void *out)
{
	store_operator *o = out;
	int oom = 0;
	o->code = store_col_dup(a, st, 0, &oom);
	o->name = store_col_dup(a, st, 1, &oom);
	o->national = db_col_int(st, 2) != 0;
	o->deadline_days = db_col_int(st, 3);
	o->active = db_col_int(st, 4) != 0;
	o->sort = db_col_int(st, 5);
	return oom ? -1 : 0;
}

int store_operator_list(store *s, arena *a, int active_only, store_operator **out, size_t *n)
{
	return catalog_rows(s, a, CATALOG_OPERATORS, active_only, "operator_list",
	                    "SELECT " OPERATOR_COLS
	                    " FROM operators WHERE active = 1 OR CAST(? AS BIGINT) = 0 ORDER BY sort, name",
	                    PARAMS(P_INT(active_only ? 1 : 0)), read_operator, sizeof(store_operator),
	                    (void **)out, n);
}

int store_operator_get(store *s, arena *a, const char *code, store_operator *out)
{
	memset(out, 0, sizeof *out);
	return get_row(s, a, "operator_get", "SELECT " OPERATOR_COLS " FROM operators WHERE code = ?",
	               PARAMS(P_TEXT(code)), read_operator, out);
}

static int operator_rows(store *s, arena *a, int active_only, void **out, size_t *n)
{
	return store_operator_list(s, a, active_only, (store_operator **)out, n);
}

int store_operator_get_kept(store *s, arena *a, const char *code, store_operator *out)
{
	return catalog_row(s, a, CATALOG_OPERATORS, 0, code ? code : "", out, operator_rows, sizeof *out);
}

int store_operator_insert(store *s, const store_operator *o)
{
	return catalog_written(
	    s, store_once(s, "operator_insert",
	                  "INSERT INTO operators (code, name, national, deadline_days, active, sort) "
	                  "VALUES (?, ?, ?, ?, ?, ?)",
	                  PARAMS(P_TEXT(o->code), P_TEXT(o->name), P_INT(o->national ? 1 : 0),
	                         P_INT(o->deadline_days), P_INT(o->active ? 1 : 0), P_INT(o->sort)),
	                  NULL, 0));
}

int store_operator_update(store *s, const store_operator *o)
{
	return catalog_written(
	    s,
	    store_once(s, "operator_update",
	               "UPDATE operators SET name = ?, national = ?, deadline_days = ?, active = ?, sort = ? "
	               "WHERE code = ? RETURNING code",
	               PARAMS(P_TEXT(o->name), P_INT(o->national ? 1 : 0), P_INT(o->deadline_days),
	                      P_INT(o->active ? 1 : 0), P_INT(o->sort), P_TEXT(o->code)),
	               NULL, 1));
}

/* Themes and topics: two columns, code and label. */

static int read_theme(db_stmt *st, arena *a, void *out)
{
	store_theme *t = out;
	int oom = 0;
	t->code = store_col_dup(a, st, 0, &oom);
	t->label = store_col_dup(a, st, 1, &oom);
	return oom ? -1 : 0;
}

int store_theme_list(store *s, arena *a, store_theme **out, size_t *n)
{
	/* sort keeps the order of service-public.fr. */
	return catalog_rows(s, a, CATALOG_THEMES, 0, "theme_list",
	                    "SELECT code, label FROM themes ORDER BY sort, code", NO_PARAMS, read_theme,
	                    sizeof(store_theme), (void **)out, n);
}

/* The topics' active flag came with sql/005_catalog_edit.sql. */
#define TOPIC_COLS "code, label, active"

static int read_topic(db_stmt *st, arena *a, void *out)
{
	store_topic *t = out;
	int oom = 0;
	t->code = store_col_dup(a, st, 0, &oom);
	t->label = store_col_dup(a, st, 1, &oom);
	t->active = db_col_int(st, 2) != 0;
	return oom ? -1 : 0;
}

int store_topic_list(store *s, arena *a, int active_only, store_topic **out, size_t *n)
{
	return list_rows(s, a, "topic_list",
	                 "SELECT " TOPIC_COLS
	                 " FROM skill_topics WHERE active = 1 OR CAST(? AS BIGINT) = 0 ORDER BY sort, code",
	                 PARAMS(P_INT(active_only ? 1 : 0)), read_topic, sizeof(store_topic), (void **)out,
	                 n);
}

int store_theme_get(store *s, arena *a, const char *code, store_theme *out)
{
	memset(out, 0, sizeof *out);
	return get_row(s, a, "theme_get", "SELECT code, label FROM themes WHERE code = ?",
	               PARAMS(P_TEXT(code)), read_theme, out);
}

int store_theme_update(store *s, const store_theme *t)
{
	return catalog_written(s, store_once(s, "theme_update",
	                                     "UPDATE themes SET label = ? WHERE code = ? RETURNING code",
	                                     PARAMS(P_TEXT(t->label), P_TEXT(t->code)), NULL, 1));
}

int store_topic_get(store *s, arena *a, const char *code, store_topic *out)
{
	memset(out, 0, sizeof *out);
	return get_row(s, a, "topic_get", "SELECT " TOPIC_COLS " FROM skill_topics WHERE code = ?",
	               PARAMS(P_TEXT(code)), read_topic, out);
}

int store_topic_insert(store *s, const store_topic *t)
{
	/* After the seeded ones, which keep the order of the national list. */
	return store_once(s, "topic_insert",
	                  "INSERT INTO skill_topics (code, label, active, sort) "
	                  "SELECT ?, ?, 1, COALESCE(MAX(sort), 0) + 1 FROM skill_topics",
	                  PARAMS(P_TEXT(t->code), P_TEXT(t->label)), NULL, 0);
}

int store_topic_update(store *s, const store_topic *t)
{
	return store_once(s, "topic_update",
	                  "UPDATE skill_topics SET label = ?, active = ? WHERE code = ? RETURNING code",
	                  PARAMS(P_TEXT(t->label), P_INT(t->active ? 1 : 0), P_TEXT(t->code)), NULL, 1);
}

/* Procedures */

#define PROCEDURE_COLS "id, label, theme_code, operator_code, url, documents, active"

static int read_procedure(db_stmt *st, arena *a, void *out)
{
	store_procedure *p = out;
	int oom = 0;
	p->id = db_col_int(st, 0);
	p->label = store_col_dup(a, st, 1, &oom);
	p->theme_code = store_col_dup(a, st, 2, &oom);
	p->operator_code = store_col_dup(a, st, 3, &oom);
	p->url = store_col_dup(a, st, 4, &oom);
	p->documents = store_col_dup(a, st, 5, &oom);
	p->active = db_col_int(st, 6) != 0;
	return oom ? -1 : 0;
}

int store_procedure_list(store *s, arena *a, int active_only, store_procedure **out, size_t *n)
{
	return catalog_rows(s, a, CATALOG_PROCEDURES, active_only, "procedure_list",
	                    "SELECT " PROCEDURE_COLS
	                    " FROM procedures WHERE active = 1 OR CAST(? AS BIGINT) = 0 ORDER BY label, id",
	                    PARAMS(P_INT(active_only ? 1 : 0)), read_procedure, sizeof(store_procedure),
	                    (void **)out, n);
}

int store_procedure_get(store *s, arena *a, int64_t id, store_procedure *out)
{
	memset(out, 0, sizeof *out);
	return get_row(s, a, "procedure_get", "SELECT " PROCEDURE_COLS " FROM procedures WHERE id = ?",
	               PARAMS(P_INT(id)), read_procedure, out);
}

static int procedure_rows(store *s, arena *a, int active_only, void **out, size_t *n)
{
	return store_procedure_list(s, a, active_only, (store_procedure **)out, n);
}

int store_procedure_get_kept(store *s, arena *a, int64_t id, store_procedure *out)
{
	return catalog_row(s, a, CATALOG_PROCEDURES, id, NULL, out, procedure_rows, sizeof *out);
}

int store_procedure_insert(store *s, const store_procedure *p, int64_t *id)
{
	int64_t row_id = 0;
	int rc =
	    store_once(s, "procedure_insert",
	               "INSERT INTO procedures (label, theme_code, operator_code, url, documents, active) "
	               "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	               PARAMS(P_TEXT(p->label), P_TEXT(p->theme_code), P_TEXT(p->operator_code),
	                      P_TEXT(p->url), P_TEXT(p->documents), P_INT(p->active ? 1 : 0)),
	               &row_id, 1);
	if (rc == STORE_NOT_FOUND)
		rc = store_fail(s, "procedure_insert", DB_ERROR, "insert returned no id");
	if (rc == STORE_OK && id)
		*id = row_id;
	return catalog_written(s, rc);
}

int store_procedure_update(store *s, const store_procedure *p)
{
	return catalog_written(
	    s,
	    store_once(s, "procedure_update",
	               "UPDATE procedures SET label = ?, theme_code = ?, operator_code = ?, url = ?, "
	               "documents = ?, active = ? WHERE id = ? RETURNING id",
	               PARAMS(P_TEXT(p->label), P_TEXT(p->theme_code), P_TEXT(p->operator_code),
	                      P_TEXT(p->url), P_TEXT(p->documents), P_INT(p->active ? 1 : 0), P_INT(p->id)),
	               NULL, 1));
}

/* Frequencies. Demands of deleted visits do not count: a record deleted as
 * a mistake should not keep pushing its operator up. */

static size_t frequent_limit(size_t limit)
{
	return limit == 0 || limit > LIMIT_PAGE_ROWS ? LIMIT_PAGE_ROWS : limit;
}

static int read_code(db_stmt *st, arena *a, void *out)
{
	int oom = 0;
	*(char **)out = store_col_dup(a, st, 0, &oom);
	return oom ? -1 : 0;
}

static int read_id(db_stmt *st, arena *a, void *out)
{
	*(int64_t *)out = db_col_int(st, 0);
	return 0;
}

/* The recording form asks for these on every view: a GROUP BY over the
 * site's demands of the last 90 days, kept in memory by store_freq.c. */

int store_frequent_operators(store *s, arena *a, int64_t site_id, int64_t since, size_t limit, char ***codes,
                             size_t *n)
{
	uint64_t gen = store_site_generation(s, site_id);
	if (store_freq_get(s, a, FREQ_OPERATORS, site_id, since, limit, gen, (void **)codes, n))
		return STORE_OK;
	int rc = list_rows(s, a, "frequent_operators",
	                   "SELECT d.operator_code FROM demands d JOIN visits v ON v.id = d.visit_id "
	                   "WHERE d.site_id = ? AND d.created_at >= ? AND v.deleted_at = 0 "
	                   "GROUP BY d.operator_code ORDER BY COUNT(*) DESC, d.operator_code LIMIT ?",
	                   PARAMS(P_INT(site_id), P_INT(since), P_INT((int64_t)frequent_limit(limit))),
	                   read_code, sizeof(char *), (void **)codes, n);
	if (rc == STORE_OK)
		store_freq_put(s, FREQ_OPERATORS, site_id, since, limit, gen, *codes, *n);
	return rc;
}

int store_frequent_procedures(store *s, arena *a, int64_t site_id, int64_t since, size_t limit, int64_t **ids,
                              size_t *n)
{
	uint64_t gen = store_site_generation(s, site_id);
	if (store_freq_get(s, a, FREQ_PROCEDURES, site_id, since, limit, gen, (void **)ids, n))
		return STORE_OK;
	int rc = list_rows(s, a, "frequent_procedures",
	                   "SELECT d.procedure_id FROM demands d JOIN visits v ON v.id = d.visit_id "
	                   "WHERE d.site_id = ? AND d.created_at >= ? AND v.deleted_at = 0 "
	                   "AND d.procedure_id IS NOT NULL "
	                   "GROUP BY d.procedure_id ORDER BY COUNT(*) DESC, d.procedure_id LIMIT ?",
	                   PARAMS(P_INT(site_id), P_INT(since), P_INT((int64_t)frequent_limit(limit))),
	                   read_id, sizeof(int64_t), (void **)ids, n);
	if (rc == STORE_OK)
		store_freq_put(s, FREQ_PROCEDURES, site_id, since, limit, gen, *ids, *n);
	return rc;
}

/* The correction window */

int store_site_correction_days(store *s, int64_t site_id, int64_t *days)
{
	*days = 0;
	return store_once(s, "site_correction_days", "SELECT correction_days FROM sites WHERE id = ?",
	                  PARAMS(P_INT(site_id)), days, 1);
}

int store_site_set_correction_days(store *s, int64_t site_id, int64_t days)
{
	return store_once(s, "site_set_correction_days",
	                  "UPDATE sites SET correction_days = ?, updated_at = ? WHERE id = ? RETURNING id",
	                  PARAMS(P_INT(days), P_INT(now_s()), P_INT(site_id)), NULL, 1);
}
