/*
 * store_satisfaction.c: the answers to the satisfaction survey (table
 * satisfaction, sql/006_satisfaction.sql): anonymous, a site and a time
 * only. The statistics engine's stream of them is store_stats_satisfaction
 * in store_stats.c. Also the generation of each site's public key (table
 * satisfaction_keys, sql/009_satisfaction_keys.sql).
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_sync_impl.h"

#define SATISFACTION_COLS                                                                                    \
	"id, site_id, answered_at, overall, clarity, comment, source, recorded_by, created_at, updated_at, " \
	"deleted_at"

static int read_answer(db_stmt *st, arena *a, store_satisfaction *out)
{
	int oom = 0;
	out->id = db_col_int(st, 0);
	out->site_id = db_col_int(st, 1);
	out->answered_at = db_col_int(st, 2);
	out->overall = (int)db_col_int(st, 3);
	out->clarity = (int)db_col_int(st, 4);
	out->comment = store_col_dup(a, st, 5, &oom);
	out->source = store_col_dup(a, st, 6, &oom);
	out->recorded_by = db_col_int(st, 7);
	out->created_at = db_col_int(st, 8);
	out->updated_at = db_col_int(st, 9);
	out->deleted_at = db_col_int(st, 10);
	return oom ? -1 : 0;
}

/* The site is checked in the same statement, so that an answer posted to a
 * site deleted meanwhile is refused without a transaction. With a cap, the
 * public answers of the site since `since` are counted in the same
 * statement too: on SQLite the count and the insert are one write, and on
 * PostgreSQL concurrent answers may pass the cap by at most the number of
 * connections. */
static int insert_answer(store *s, store_satisfaction *a, int64_t since, int64_t cap)
{
	int64_t now = now_s(), id = 0;
	int64_t created = a->created_at ? a->created_at : now;
	int rc = store_once_logged(
	    s, "satisfaction_insert",
	    "INSERT INTO satisfaction (site_id, answered_at, overall, clarity, comment, source, "
	    "recorded_by, created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? "
	    "WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) AND (? = 0 OR (SELECT COUNT(*) "
	    "FROM satisfaction WHERE site_id = ? AND answered_at >= ? AND source <> 'papier') < ?) "
	    "RETURNING id",
	    PARAMS(P_INT(a->site_id), P_INT(a->answered_at), P_INT(a->overall), P_INT(a->clarity),
	           P_TEXT(a->comment), P_TEXT(a->source), P_INT(a->recorded_by), P_INT(created), P_INT(now),
	           P_INT(a->site_id), P_INT(cap), P_INT(a->site_id), P_INT(since), P_INT(cap)),
	    &id, "satisfaction");
	if (rc == STORE_OK) {
		a->id = id;
		a->created_at = created;
		a->updated_at = now;
		a->deleted_at = 0;
	}
	return rc;
}

int store_satisfaction_insert(store *s, store_satisfaction *a)
{
	return insert_answer(s, a, 0, 0);
}

int store_satisfaction_insert_capped(store *s, store_satisfaction *a, int64_t since, int64_t cap)
{
	int rc = insert_answer(s, a, since, cap < 1 ? 1 : cap);
	if (rc != STORE_NOT_FOUND)
		return rc;
	/* No row: the site is gone, or its cap is reached. */
	int64_t found = 0;
	rc = store_once(s, "satisfaction_insert", "SELECT COUNT(*) FROM sites WHERE id = ?",
	                PARAMS(P_INT(a->site_id)), &found, 1);
	if (rc != STORE_OK)
		return rc;
	return found ? STORE_CONFLICT : STORE_NOT_FOUND;
}

int store_satisfaction_key_generation(store *s, int64_t site_id, int64_t *generation)
{
	*generation = 0;
	int rc =
	    store_once(s, "satisfaction_key", "SELECT generation FROM satisfaction_keys WHERE site_id = ?",
	               PARAMS(P_INT(site_id)), generation, 1);
	return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

/* One statement: the first rotation inserts generation 1, the next ones
 * add one, so that two managers rotating at once get two generations. */
int store_satisfaction_key_rotate(store *s, int64_t site_id, int64_t by, int64_t *generation)
{
	*generation = 0;
	return store_once(
	    s, "satisfaction_key_rotate",
	    "INSERT INTO satisfaction_keys (site_id, generation, rotated_at, rotated_by) SELECT ?, 1, ?, ? "
	    "WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) ON CONFLICT (site_id) DO UPDATE SET generation "
	    "= "
	    "satisfaction_keys.generation + 1, rotated_at = excluded.rotated_at, rotated_by = "
	    "excluded.rotated_by RETURNING generation",
	    PARAMS(P_INT(site_id), P_INT(now_s()), P_INT(by), P_INT(site_id)), generation, 1);
}

/* updated_at moves with deleted_at: the statistics engine finds the
 * deletion among the rows changed since its last refresh. */
int store_satisfaction_delete(store *s, int64_t id, int64_t when)
{
	int64_t now = now_s();
	return store_once_logged(
	    s, "satisfaction_delete",
	    "UPDATE satisfaction SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at = 0 "
	    "RETURNING id",
	    PARAMS(P_INT(when ? when : now), P_INT(now), P_INT(id)), NULL, "satisfaction");
}

int store_satisfaction_get(store *s, arena *a, int64_t id, store_satisfaction *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "satisfaction_get",
	               "SELECT " SATISFACTION_COLS " FROM satisfaction WHERE id = ? AND deleted_at = 0",
	               PARAMS(P_INT(id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = read_answer(st, a, out) == 0
			         ? STORE_OK
			         : store_fail(s, "satisfaction_get", DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "satisfaction_get", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

/* One statement per site (the index on site_id, answered_at serves each),
 * each limited, then merged newest first and cut to the limit. */
static int list_site(store *s, db_conn *c, arena *a, int all, int64_t site_id, int64_t from, int64_t to,
                     size_t limit, store_vec *v)
{
	db_stmt *st = store_prep(s, c, "satisfaction_list",
	                         "SELECT " SATISFACTION_COLS " FROM satisfaction WHERE deleted_at = 0 "
	                         "AND (? = 1 OR site_id = ?) AND answered_at >= ? AND answered_at < ? "
	                         "ORDER BY answered_at DESC, id DESC LIMIT ?",
	                         PARAMS(P_INT(all), P_INT(site_id), P_INT(from), P_INT(to ? to : INT64_MAX),
	                                P_INT((int64_t)limit)));
	if (!st)
		return STORE_ERROR;
	int step = DB_DONE, rc = STORE_OK;
	while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
		if (read_answer(st, a, store_vec_push(v)) != 0)
			rc = store_fail(s, "satisfaction_list", DB_ERROR, "arena full");
	if (rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "satisfaction_list", step, db_errmsg(c));
	db_done(st);
	return rc;
}

static int newest_first(const void *x, const void *y)
{
	const store_satisfaction *a = x, *b = y;
	if (a->answered_at != b->answered_at)
		return a->answered_at < b->answered_at ? 1 : -1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

int store_satisfaction_list(store *s, arena *a, const int64_t *site_ids, size_t nsites, int64_t from,
                            int64_t to, size_t limit, store_satisfaction **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (limit == 0)
		return STORE_OK;
	if (limit > (size_t)INT64_MAX)
		limit = (size_t)INT64_MAX;
	store_vec v = {.size = sizeof(store_satisfaction)};
	db_conn *c = db_acquire(s->db);
	int rc = STORE_OK;
	if (!site_ids)
		rc = list_site(s, c, a, 1, 0, from, to, limit, &v);
	for (size_t i = 0; site_ids && rc == STORE_OK && i < nsites; i++)
		rc = list_site(s, c, a, 0, site_ids[i], from, to, limit, &v);
	db_release(s->db, c);
	if (rc == STORE_OK && site_ids && v.n > 1)
		qsort(v.v, v.n, v.size, newest_first);
	if (v.n > limit)
		v.n = limit;
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "satisfaction_list", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}
