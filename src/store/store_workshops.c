/*
 * store_workshops.c: the collective workshops (table workshops), recorded
 * with anonymous counts only.
 */
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_sync_impl.h"

#define WORKSHOP_COLS                                                                                        \
	"id, site_id, COALESCE(agent_id, 0), topic_code, level, held_at, duration_min, participants, "       \
	"g_feminin, g_masculin, g_non_communique, a_moins_de_12, a_12_17, a_18_24, a_25_39, a_40_59, "       \
	"a_60_69, a_70_plus, a_non_communique, note, created_at, deleted_at"

_Static_assert(sizeof(((store_workshop *)0)->by_gender) / sizeof(int64_t) == 3, "three gender columns");
_Static_assert(sizeof(((store_workshop *)0)->by_age) / sizeof(int64_t) == 8, "eight age columns");

static int read_workshop(db_stmt *st, arena *a, store_workshop *w)
{
	int oom = 0, c = 0;
	w->id = db_col_int(st, c++);
	w->site_id = db_col_int(st, c++);
	w->agent_id = db_col_int(st, c++);
	w->topic_code = store_col_dup(a, st, c++, &oom);
	w->level = store_col_dup(a, st, c++, &oom);
	w->held_at = db_col_int(st, c++);
	w->duration_min = db_col_int(st, c++);
	w->participants = db_col_int(st, c++);
	for (size_t i = 0; i < 3; i++)
		w->by_gender[i] = db_col_int(st, c++);
	for (size_t i = 0; i < 8; i++)
		w->by_age[i] = db_col_int(st, c++);
	w->note = store_col_dup(a, st, c++, &oom);
	w->created_at = db_col_int(st, c++);
	w->deleted_at = db_col_int(st, c);
	return oom ? -1 : 0;
}

int store_workshop_insert(store *s, store_workshop *w)
{
	int64_t now = now_s(), id = 0;
	int64_t created = w->created_at ? w->created_at : now;
	const int64_t *g = w->by_gender, *ag = w->by_age;
	int rc = store_once_logged(
	    s, "workshop_insert",
	    "INSERT INTO workshops (site_id, agent_id, topic_code, level, held_at, duration_min, "
	    "participants, "
	    "g_feminin, g_masculin, g_non_communique, a_moins_de_12, a_12_17, a_18_24, a_25_39, a_40_59, "
	    "a_60_69, a_70_plus, a_non_communique, note, created_at, updated_at) "
	    "SELECT ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
	    "WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) RETURNING id",
	    PARAMS(P_INT(w->site_id), P_INT(w->agent_id), P_TEXT(w->topic_code), P_TEXT(w->level),
	           P_INT(w->held_at), P_INT(w->duration_min), P_INT(w->participants), P_INT(g[0]),
	           P_INT(g[1]), P_INT(g[2]), P_INT(ag[0]), P_INT(ag[1]), P_INT(ag[2]), P_INT(ag[3]),
	           P_INT(ag[4]), P_INT(ag[5]), P_INT(ag[6]), P_INT(ag[7]), P_TEXT(w->note), P_INT(created),
	           P_INT(now), P_INT(w->site_id)),
	    &id, "workshop");
	if (rc == STORE_OK) {
		w->id = id;
		w->created_at = created;
		w->deleted_at = 0;
	}
	return rc;
}

/* The site and the adviser stay those of the creation. */
int store_workshop_update(store *s, const store_workshop *w)
{
	const int64_t *g = w->by_gender, *ag = w->by_age;
	return store_once_logged(
	    s, "workshop_update",
	    "UPDATE workshops SET topic_code = ?, level = ?, held_at = ?, duration_min = ?, participants = "
	    "?, "
	    "g_feminin = ?, g_masculin = ?, g_non_communique = ?, a_moins_de_12 = ?, a_12_17 = ?, a_18_24 = "
	    "?, "
	    "a_25_39 = ?, a_40_59 = ?, a_60_69 = ?, a_70_plus = ?, a_non_communique = ?, note = ?, "
	    "updated_at = ? WHERE id = ? AND deleted_at = 0 RETURNING id",
	    PARAMS(P_TEXT(w->topic_code), P_TEXT(w->level), P_INT(w->held_at), P_INT(w->duration_min),
	           P_INT(w->participants), P_INT(g[0]), P_INT(g[1]), P_INT(g[2]), P_INT(ag[0]), P_INT(ag[1]),
	           P_INT(ag[2]), P_INT(ag[3]), P_INT(ag[4]), P_INT(ag[5]), P_INT(ag[6]), P_INT(ag[7]),
	           P_TEXT(w->note), P_INT(now_s()), P_INT(w->id)),
	    NULL, "workshop");
}

int store_workshop_delete(store *s, int64_t id, int64_t when)
{
	return store_once_logged(
	    s, "workshop_delete",
	    "UPDATE workshops SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at = 0 "
	    "RETURNING id",
	    PARAMS(P_INT(when ? when : now_s()), P_INT(now_s()), P_INT(id)), NULL, "workshop");
}

int store_workshop_get(store *s, arena *a, int64_t id, store_workshop *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "workshop_get",
	                         "SELECT " WORKSHOP_COLS " FROM workshops WHERE id = ? AND deleted_at = 0",
	                         PARAMS(P_INT(id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = read_workshop(st, a, out) == 0
			         ? STORE_OK
			         : store_fail(s, "workshop_get", DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "workshop_get", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

/* Sites are matched one statement per site: a scope holds few sites for
 * workshops, which are rare next to visits. site_ids NULL: every site. */
static int list_site(store *s, db_conn *c, arena *a, int all, int64_t site_id, int64_t from, int64_t to,
                     store_vec *v)
{
	db_stmt *st = store_prep(s, c, "workshop_list",
	                         "SELECT " WORKSHOP_COLS
	                         " FROM workshops WHERE deleted_at = 0 AND (? = 1 OR site_id = ?) "
	                         "AND held_at >= ? AND held_at < ? ORDER BY held_at DESC, id DESC",
	                         PARAMS(P_INT(all), P_INT(site_id), P_INT(from), P_INT(to ? to : INT64_MAX)));
	if (!st)
		return STORE_ERROR;
	int step = DB_DONE, rc = STORE_OK;
	while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
		if (read_workshop(st, a, store_vec_push(v)) != 0)
			rc = store_fail(s, "workshop_list", DB_ERROR, "arena full");
	if (rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "workshop_list", step, db_errmsg(c));
	db_done(st);
	return rc;
}

static int newest_first(const void *x, const void *y)
{
	const store_workshop *a = x, *b = y;
	if (a->held_at != b->held_at)
		return a->held_at < b->held_at ? 1 : -1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

int store_workshop_list(store *s, arena *a, const int64_t *site_ids, size_t nsites, int64_t from, int64_t to,
                        store_workshop **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = sizeof(store_workshop)};
	db_conn *c = db_acquire(s->db);
	int rc = STORE_OK;
	if (!site_ids)
		rc = list_site(s, c, a, 1, 0, from, to, &v);
	for (size_t i = 0; site_ids && rc == STORE_OK && i < nsites; i++)
		rc = list_site(s, c, a, 0, site_ids[i], from, to, &v);
	db_release(s->db, c);
	if (rc == STORE_OK && site_ids && v.n > 1)
		qsort(v.v, v.n, v.size, newest_first);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "workshop_list", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}
