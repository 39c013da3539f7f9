/*
 * store_notices.c: the notices of a site and their translations (tables
 * notices, notice_texts and notice_changes, sql/011_notices.sql). Every
 * write also moves the site's notice_changes row in the same transaction,
 * so that the public feed's Last-Modified never goes back in time when a
 * notice is deleted.
 */
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_notices.h"

#define NOTICE_COLS                                                                                          \
	"id, site_id, kind, title, body, picto, starts_at, ends_at, created_by, updated_by, created_at, "    \
	"updated_at"

static int read_notice(db_stmt *st, arena *a, store_notice *n)
{
	int oom = 0, c = 0;
	memset(n, 0, sizeof *n);
	n->id = db_col_int(st, c++);
	n->site_id = db_col_int(st, c++);
	n->kind = store_col_dup(a, st, c++, &oom);
	n->title = store_col_dup(a, st, c++, &oom);
	n->body = store_col_dup(a, st, c++, &oom);
	n->picto = store_col_dup(a, st, c++, &oom);
	n->starts_at = db_col_int(st, c++);
	n->ends_at = db_col_int(st, c++);
	n->created_by = db_col_int(st, c++);
	n->updated_by = db_col_int(st, c++);
	n->created_at = db_col_int(st, c++);
	n->updated_at = db_col_int(st, c);
	return oom ? -1 : 0;
}

/* Writes the translations of n (already emptied) and the site's change
 * time, inside the caller's transaction. */
static int write_texts(store *s, db_conn *c, const char *op, const store_notice *n)
{
	int rc = STORE_OK;
	for (size_t i = 0; rc >= 0 && i < n->ntexts; i++)
		rc = store_run(s, c, op,
		               "INSERT INTO notice_texts (notice_id, lang, title, body) VALUES (?, ?, ?, ?)",
		               PARAMS(P_INT(n->id), P_TEXT(n->texts[i].lang), P_TEXT(n->texts[i].title),
		                      P_TEXT(n->texts[i].body)),
		               NULL);
	return rc;
}

static int touch_site(store *s, db_conn *c, const char *op, int64_t site_id, int64_t now)
{
	return store_run(
	    s, c, op,
	    "INSERT INTO notice_changes (site_id, changed_at) VALUES (?, ?) ON CONFLICT (site_id) "
	    "DO UPDATE SET changed_at = CASE WHEN excluded.changed_at > notice_changes.changed_at "
	    "THEN excluded.changed_at ELSE notice_changes.changed_at + 1 END",
	    PARAMS(P_INT(site_id), P_INT(now)), NULL);
}

int store_notice_insert(store *s, store_notice *n, int64_t now)
{
	const char *op = "notice_insert";
	db_conn *c = db_acquire(s->db);
	int64_t id = 0;
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "INSERT INTO notices (site_id, kind, title, body, picto, starts_at, ends_at, "
		    "created_by, updated_by, created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
		    "WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) RETURNING id",
		    PARAMS(P_INT(n->site_id), P_TEXT(n->kind), P_TEXT(n->title), P_TEXT(n->body),
		           P_TEXT(n->picto), P_INT(n->starts_at), P_INT(n->ends_at), P_INT(n->created_by),
		           P_INT(n->created_by), P_INT(now), P_INT(now), P_INT(n->site_id)),
		    &id);
		if (rc == 0)
			rc = STORE_NOT_FOUND;
		if (rc > 0) {
			n->id = id;
			rc = write_texts(s, c, op, n);
		}
		if (rc >= 0)
			rc = touch_site(s, c, op, n->site_id, now);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (rc == STORE_OK) {
		n->created_at = n->updated_at = now;
		n->updated_by = n->created_by;
	} else {
		n->id = 0;
	}
	return rc;
}

int store_notice_update(store *s, const store_notice *n, int64_t now)
{
	const char *op = "notice_update";
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(s, c, op,
		               "UPDATE notices SET kind = ?, title = ?, body = ?, picto = ?, starts_at = ?, "
		               "ends_at = ?, "
		               "updated_by = ?, updated_at = ? WHERE id = ? AND site_id = ? RETURNING id",
		               PARAMS(P_TEXT(n->kind), P_TEXT(n->title), P_TEXT(n->body), P_TEXT(n->picto),
		                      P_INT(n->starts_at), P_INT(n->ends_at), P_INT(n->updated_by),
		                      P_INT(now), P_INT(n->id), P_INT(n->site_id)),
		               NULL);
		if (rc == 0)
			rc = STORE_NOT_FOUND;
		if (rc > 0)
			rc = store_run(s, c, op, "DELETE FROM notice_texts WHERE notice_id = ?",
			               PARAMS(P_INT(n->id)), NULL);
		if (rc >= 0)
			rc = write_texts(s, c, op, n);
		if (rc >= 0)
			rc = touch_site(s, c, op, n->site_id, now);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}

int store_notice_delete(store *s, int64_t site_id, int64_t id, int64_t now)
{
	const char *op = "notice_delete";
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(s, c, op,
		               "DELETE FROM notice_texts WHERE notice_id IN (SELECT id FROM notices WHERE "
		               "id = ? AND site_id = ?)",
		               PARAMS(P_INT(id), P_INT(site_id)), NULL);
		if (rc >= 0)
			rc = store_run(s, c, op,
			               "DELETE FROM notices WHERE id = ? AND site_id = ? RETURNING id",
			               PARAMS(P_INT(id), P_INT(site_id)), NULL);
		if (rc == 0)
			rc = STORE_NOT_FOUND;
		if (rc > 0)
			rc = touch_site(s, c, op, site_id, now);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}

/* Reads the translations of the notices v[0..n) (ids in any order) in one
 * statement per notice; at most a few dozen notices are ever read at once. */
static int read_texts(store *s, db_conn *c, arena *a, store_notice *v, size_t n)
{
	const char *op = "notice_texts";
	for (size_t i = 0; i < n; i++) {
		db_stmt *st = store_prep(
		    s, c, op, "SELECT lang, title, body FROM notice_texts WHERE notice_id = ? ORDER BY lang",
		    PARAMS(P_INT(v[i].id)));
		if (!st)
			return STORE_ERROR;
		store_vec tv = {.size = sizeof(store_notice_text)};
		int step, oom = 0;
		while ((step = db_step(st)) == DB_ROW) {
			store_notice_text *t = store_vec_push(&tv);
			if (!t) {
				oom = 1;
				break;
			}
			t->lang = store_col_dup(a, st, 0, &oom);
			t->title = store_col_dup(a, st, 1, &oom);
			t->body = store_col_dup(a, st, 2, &oom);
		}
		db_done(st);
		if (oom || (step != DB_DONE && step != DB_ROW)) {
			store_vec_free(&tv);
			return store_fail(s, op, oom ? DB_ERROR : step, oom ? "arena full" : db_errmsg(c));
		}
		void *out = NULL;
		if (store_vec_finish(&tv, a, &out, &v[i].ntexts) != 0)
			return store_fail(s, op, DB_ERROR, "arena full");
		v[i].texts = out;
	}
	return STORE_OK;
}

int store_notice_get(store *s, arena *a, int64_t id, store_notice *out)
{
	const char *op = "notice_get";
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, op, "SELECT " NOTICE_COLS " FROM notices WHERE id = ?", PARAMS(P_INT(id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = read_notice(st, a, out) == 0 ? STORE_OK
			                                  : store_fail(s, op, DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	if (rc == STORE_OK)
		rc = read_texts(s, c, a, out, 1);
	db_release(s->db, c);
	return rc;
}

int store_notice_list(store *s, arena *a, int64_t site_id, int64_t now, int which, store_notice **out,
                      size_t *n)
{
	const char *op = "notice_list";
	*out = NULL;
	*n = 0;
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    which == STORE_NOTICES_CURRENT
	        ? store_prep(s, c, op,
	                     "SELECT " NOTICE_COLS " FROM notices WHERE site_id = ? AND starts_at <= ? AND "
	                     "ends_at > ? ORDER BY starts_at, id LIMIT ?",
	                     PARAMS(P_INT(site_id), P_INT(now), P_INT(now), P_INT(LIMIT_PAGE_ROWS)))
	        : store_prep(s, c, op,
	                     "SELECT " NOTICE_COLS
	                     " FROM notices WHERE site_id = ? ORDER BY starts_at DESC, id DESC LIMIT ?",
	                     PARAMS(P_INT(site_id), P_INT(LIMIT_PAGE_ROWS)));
	int rc = STORE_ERROR;
	if (st) {
		store_vec v = {.size = sizeof(store_notice)};
		int step, bad = 0;
		while ((step = db_step(st)) == DB_ROW) {
			store_notice *row = store_vec_push(&v);
			if (!row || read_notice(st, a, row) != 0) {
				bad = 1;
				break;
			}
		}
		db_done(st);
		if (bad)
			rc = store_fail(s, op, DB_ERROR, "arena full");
		else if (step != DB_DONE)
			rc = store_fail(s, op, step, db_errmsg(c));
		else {
			void *p = NULL;
			rc = store_vec_finish(&v, a, &p, n) == 0 ? STORE_OK
			                                         : store_fail(s, op, DB_ERROR, "arena full");
			*out = p;
		}
		if (rc != STORE_OK) {
			store_vec_free(&v);
			*n = 0;
			*out = NULL;
		}
	}
	if (rc == STORE_OK)
		rc = read_texts(s, c, a, *out, *n);
	db_release(s->db, c);
	if (rc != STORE_OK) {
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int store_notice_changed_at(store *s, int64_t site_id, int64_t now, int64_t *at)
{
	*at = 0;
	return store_once(
	    s, "notice_changed_at",
	    "SELECT COALESCE(MAX(t), 0) FROM (SELECT changed_at AS t FROM notice_changes WHERE "
	    "site_id = ? UNION ALL SELECT starts_at FROM notices WHERE site_id = ? AND starts_at <= "
	    "? UNION ALL SELECT ends_at FROM notices WHERE site_id = ? AND ends_at <= ?) x",
	    PARAMS(P_INT(site_id), P_INT(site_id), P_INT(now), P_INT(site_id), P_INT(now)), at, 1);
}

int store_purge_notices(store *s, int64_t before, int dry_run, int64_t *n)
{
	const char *op = "purge_notices";
	*n = 0;
	if (dry_run)
		return store_once(s, op, "SELECT COUNT(*) FROM notices WHERE ends_at < ?",
		                  PARAMS(P_INT(before)), n, 1);
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "DELETE FROM notice_texts WHERE notice_id IN (SELECT id FROM notices WHERE ends_at < ?)",
		    PARAMS(P_INT(before)), NULL);
		if (rc >= 0)
			rc = store_run(s, c, op, "DELETE FROM notices WHERE ends_at < ? RETURNING id",
			               PARAMS(P_INT(before)), NULL);
		if (rc >= 0)
			*n = rc;
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (rc != STORE_OK)
		*n = 0;
	return rc;
}
