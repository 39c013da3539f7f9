/*
 * store_callbacks.c: a site's callbacks and their calls
 * (sql/019_callbacks.sql, store_callbacks.h).
 *
 * A move is one conditional UPDATE (… WHERE status = ? AND taken_by = ?
 * AND attempts = ?) checked by the rows it touched, then the call's row
 * when there is one, in one transaction: of two advisers taking the same
 * callback at the same instant exactly one succeeds, on either engine.
 */
#include <stdio.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_callbacks.h"

/* "Done within a day", in seconds (CALLBACK_WITHIN_S of domain/callback.h,
 * which the store may not include). */
#define WITHIN_S 86400

#define CB_COLS                                                                                              \
	"c.id, c.site_id, c.status, c.origin, c.name, c.phone, c.lang, c.slot_day, c.slot_part, "            \
	"c.slot_from, c.slot_to, c.starts_at, c.ends_at, c.reason, c.operator_code, c.taken_by, "            \
	"c.taken_at, c.attempts, c.created_by, c.created_at, c.closed_by, c.closed_at, c.updated_at, "       \
	"c.visit_id, c.wiped_at, COALESCE(u.name, ''), COALESCE((SELECT a.result FROM callback_attempts a "  \
	"WHERE a.callback_id = c.id ORDER BY a.id DESC LIMIT 1), ''), COALESCE(o.name, c.operator_code)"
#define CB_FROM                                                                                              \
	" FROM callbacks c LEFT JOIN users u ON u.id = c.taken_by LEFT JOIN operators o ON o.code = "        \
	"c.operator_code"

static int read_callback(db_stmt *st, arena *a, void *row)
{
	store_callback *x = row;
	int oom = 0, c = 0;
	memset(x, 0, sizeof *x);
	x->id = db_col_int(st, c++);
	x->site_id = db_col_int(st, c++);
	x->status = store_col_dup(a, st, c++, &oom);
	x->origin = store_col_dup(a, st, c++, &oom);
	x->name = store_col_dup(a, st, c++, &oom);
	x->phone = store_col_dup(a, st, c++, &oom);
	x->lang = store_col_dup(a, st, c++, &oom);
	x->slot_day = store_col_dup(a, st, c++, &oom);
	x->slot_part = store_col_dup(a, st, c++, &oom);
	x->slot_from = (int)db_col_int(st, c++);
	x->slot_to = (int)db_col_int(st, c++);
	x->starts_at = db_col_int(st, c++);
	x->ends_at = db_col_int(st, c++);
	x->reason = store_col_dup(a, st, c++, &oom);
	x->operator_code = store_col_dup(a, st, c++, &oom);
	x->taken_by = db_col_int(st, c++);
	x->taken_at = db_col_int(st, c++);
	x->attempts = (int)db_col_int(st, c++);
	x->created_by = db_col_int(st, c++);
	x->created_at = db_col_int(st, c++);
	x->closed_by = db_col_int(st, c++);
	x->closed_at = db_col_int(st, c++);
	x->updated_at = db_col_int(st, c++);
	x->visit_id = db_col_int(st, c++);
	x->wiped_at = db_col_int(st, c++);
	x->taken_by_name = store_col_dup(a, st, c++, &oom);
	x->last_result = store_col_dup(a, st, c++, &oom);
	x->operator_name = store_col_dup(a, st, c, &oom);
	return oom ? -1 : 0;
}

static int read_attempt(db_stmt *st, arena *a, void *row)
{
	store_callback_attempt *x = row;
	int oom = 0, c = 0;
	memset(x, 0, sizeof *x);
	x->id = db_col_int(st, c++);
	x->callback_id = db_col_int(st, c++);
	x->at = db_col_int(st, c++);
	x->user_id = db_col_int(st, c++);
	x->user_name = store_col_dup(a, st, c++, &oom);
	x->result = store_col_dup(a, st, c, &oom);
	return oom ? -1 : 0;
}

int store_callback_insert(store *s, store_callback *c, int64_t now)
{
	int64_t id = 0;
	int rc = store_once(
	    s, "callback_insert",
	    "INSERT INTO callbacks (site_id, status, origin, name, phone, lang, slot_day, slot_part, "
	    "slot_from, slot_to, starts_at, ends_at, reason, operator_code, created_by, created_at, "
	    "updated_at) VALUES (?, 'a_rappeler', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    PARAMS(P_INT(c->site_id), P_TEXT(c->origin), P_TEXT(c->name), P_TEXT(c->phone), P_TEXT(c->lang),
	           P_TEXT(c->slot_day), P_TEXT(c->slot_part), P_INT(c->slot_from), P_INT(c->slot_to),
	           P_INT(c->starts_at), P_INT(c->ends_at), P_TEXT(c->reason), P_TEXT(c->operator_code),
	           P_INT(c->created_by), P_INT(now), P_INT(now)),
	    &id, 1);
	if (rc == STORE_OK) {
		c->id = id;
		c->status = "a_rappeler";
		c->created_at = c->updated_at = now;
	}
	return rc;
}

int store_callback_get(store *s, arena *a, int64_t id, store_callback *out)
{
	void *rows = NULL;
	size_t n = 0;
	memset(out, 0, sizeof *out);
	int rc = store_rows(s, "callback_get", "SELECT " CB_COLS CB_FROM " WHERE c.id = ?", PARAMS(P_INT(id)),
	                    a, sizeof *out, read_callback, &rows, &n);
	if (rc == STORE_OK && n == 0)
		rc = STORE_NOT_FOUND;
	if (rc == STORE_OK)
		memcpy(out, rows, sizeof *out);
	return rc;
}

int store_callback_apply(store *s, const store_callback *before, const store_callback *after,
                         const char *result, int64_t user_id, int64_t now)
{
	const char *op = "callback_apply";
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc =
		    store_run(s, c, op,
		              "UPDATE callbacks SET status = ?, taken_by = ?, taken_at = ?, attempts = ?, "
		              "closed_by = ?, closed_at = ?, updated_at = ? WHERE id = ? AND status = ? AND "
		              "taken_by = ? AND attempts = ? RETURNING id",
		              PARAMS(P_TEXT(after->status), P_INT(after->taken_by), P_INT(after->taken_at),
		                     P_INT(after->attempts), P_INT(after->closed_by), P_INT(after->closed_at),
		                     P_INT(now), P_INT(before->id), P_TEXT(before->status),
		                     P_INT(before->taken_by), P_INT(before->attempts)),
		              NULL);
		if (rc == 0) {
			int64_t there = 0;
			rc = store_run(s, c, op, "SELECT COUNT(*) FROM callbacks WHERE id = ?",
			               PARAMS(P_INT(before->id)), &there);
			if (rc >= 0)
				rc = there ? STORE_CONFLICT : STORE_NOT_FOUND;
		}
		if (rc > 0 && result)
			rc = store_run(s, c, op,
			               "INSERT INTO callback_attempts (callback_id, at, user_id, result) "
			               "VALUES (?, ?, ?, ?)",
			               PARAMS(P_INT(before->id), P_INT(now), P_INT(user_id), P_TEXT(result)),
			               NULL);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}

int store_callback_set_visit(store *s, int64_t id, int64_t visit_id)
{
	int64_t got = 0;
	int rc = store_once(s, "callback_set_visit",
	                    "UPDATE callbacks SET visit_id = ? WHERE id = ? AND status = 'fait' AND "
	                    "visit_id = 0 RETURNING id",
	                    PARAMS(P_INT(visit_id), P_INT(id)), &got, 1);
	return rc == STORE_NOT_FOUND ? STORE_CONFLICT : rc;
}

int store_callback_attempts(store *s, arena *a, int64_t id, store_callback_attempt **out, size_t *n)
{
	void *rows = NULL;
	int rc =
	    store_rows(s, "callback_attempts",
	               "SELECT a.id, a.callback_id, a.at, a.user_id, COALESCE(u.name, ''), a.result FROM "
	               "callback_attempts a LEFT JOIN users u ON u.id = a.user_id WHERE a.callback_id = ? "
	               "ORDER BY a.id LIMIT ?",
	               PARAMS(P_INT(id), P_INT(LIMIT_PAGE_ROWS)), a, sizeof **out, read_attempt, &rows, n);
	*out = rows;
	return rc;
}

int store_callback_list(store *s, arena *a, int64_t site_id, int closed, int64_t closed_since,
                        store_callback **out, size_t *n)
{
	void *rows = NULL;
	int rc;
	if (closed)
		rc = store_rows(
		    s, "callback_list",
		    "SELECT " CB_COLS CB_FROM " WHERE c.site_id = ? AND c.status IN ('fait', "
		    "'injoignable', 'annule') AND c.closed_at >= ? ORDER BY c.closed_at DESC, c.id DESC "
		    "LIMIT ?",
		    PARAMS(P_INT(site_id), P_INT(closed_since), P_INT(LIMIT_PAGE_ROWS)), a, sizeof **out,
		    read_callback, &rows, n);
	else
		rc = store_rows(
		    s, "callback_list",
		    "SELECT " CB_COLS CB_FROM " WHERE c.site_id = ? AND c.status IN ('a_rappeler', "
		    "'pris') ORDER BY c.starts_at, c.ends_at, c.id LIMIT ?",
		    PARAMS(P_INT(site_id), P_INT(LIMIT_PAGE_ROWS)), a, sizeof **out, read_callback, &rows, n);
	*out = rows;
	return rc;
}

int store_callback_measure_get(store *s, int64_t site_id, int64_t from, int64_t to, int64_t now,
                               store_callback_measure *out)
{
	memset(out, 0, sizeof *out);
	const char *op = "callback_measure";
	/* Three counts over the same rows: (? = 0 OR site_id = ?) lets 0 mean
	 * every site without a second statement. */
	const char *where = " FROM callbacks WHERE (? = 0 OR site_id = ?) AND created_at >= ? AND "
	                    "created_at < ? AND status <> 'annule'";
	char sql[512];
	int rc = STORE_OK;
	const char *extra[3] = {
	    "",
	    " AND status = 'fait' AND closed_at - created_at <= 86400",
	    " AND status IN ('a_rappeler', 'pris') AND created_at > ?",
	};
	int64_t *dst[3] = {&out->created, &out->done_in_day, &out->pending};
	_Static_assert(WITHIN_S == 86400, "the SQL above says 86400");
	for (int i = 0; rc == STORE_OK && i < 3; i++) {
		snprintf(sql, sizeof sql, "SELECT COUNT(*)%s%s", where, extra[i]);
		if (i == 2)
			rc = store_once(s, op, sql,
			                PARAMS(P_INT(site_id), P_INT(site_id), P_INT(from), P_INT(to),
			                       P_INT(now - WITHIN_S)),
			                dst[i], 1);
		else
			rc = store_once(s, op, sql,
			                PARAMS(P_INT(site_id), P_INT(site_id), P_INT(from), P_INT(to)),
			                dst[i], 1);
	}
	if (rc != STORE_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

int store_purge_callbacks(store *s, int64_t before, int64_t now, int dry_run, int64_t *n)
{
	*n = 0;
	if (dry_run)
		return store_once(s, "purge_callbacks",
		                  "SELECT COUNT(*) FROM callbacks WHERE status IN ('fait', 'injoignable', "
		                  "'annule') AND closed_at < ? AND wiped_at = 0",
		                  PARAMS(P_INT(before)), n, 1);
	db_conn *c = db_acquire(s->db);
	int rc = store_run(s, c, "purge_callbacks",
	                   "UPDATE callbacks SET name = '', phone = '', reason = '', wiped_at = ? WHERE "
	                   "status IN ('fait', 'injoignable', 'annule') AND closed_at < ? AND wiped_at = 0 "
	                   "RETURNING id",
	                   PARAMS(P_INT(now), P_INT(before)), NULL);
	db_release(s->db, c);
	if (rc < 0)
		return rc;
	*n = rc;
	return STORE_OK;
}
