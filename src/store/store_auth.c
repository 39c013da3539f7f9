/*
 * store_auth.c: what authentication keeps: sessions, API tokens, login
 * failures, and the audit journal. Secrets are stored only as hashes made by
 * auth.c; this file never sees a session id or a token in clear.
 */
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"

/* Sessions */

int store_session_insert(store *s, const char *id_hash, int64_t user_id, const char *csrf_key, int64_t now)
{
	return store_once(s, "session_insert",
	                  "INSERT INTO sessions (id_hash, user_id, csrf_key, created_at, last_seen) "
	                  "VALUES (?, ?, ?, ?, ?)",
	                  PARAMS(P_TEXT(id_hash), P_INT(user_id), P_TEXT(csrf_key), P_INT(now), P_INT(now)),
	                  NULL, 0);
}

int store_session_get(store *s, arena *a, const char *id_hash, store_session *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "session_get",
	               "SELECT user_id, created_at, last_seen, csrf_key FROM sessions WHERE id_hash = ?",
	               PARAMS(P_TEXT(id_hash)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			int oom = 0;
			out->user_id = db_col_int(st, 0);
			out->created_at = db_col_int(st, 1);
			out->last_seen = db_col_int(st, 2);
			out->csrf_key = store_col_dup(a, st, 3, &oom);
			rc = oom ? store_fail(s, "session_get", DB_ERROR, "arena full") : STORE_OK;
		} else {
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "session_get", step, db_errmsg(c));
		}
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_session_touch(store *s, const char *id_hash, int64_t now)
{
	return store_once(s, "session_touch",
	                  "UPDATE sessions SET last_seen = ? WHERE id_hash = ? RETURNING user_id",
	                  PARAMS(P_INT(now), P_TEXT(id_hash)), NULL, 1);
}

int store_session_delete(store *s, const char *id_hash)
{
	return store_once(s, "session_delete", "DELETE FROM sessions WHERE id_hash = ? RETURNING user_id",
	                  PARAMS(P_TEXT(id_hash)), NULL, 1);
}

int store_session_delete_user(store *s, int64_t user_id)
{
	return store_once(s, "session_delete_user", "DELETE FROM sessions WHERE user_id = ?",
	                  PARAMS(P_INT(user_id)), NULL, 0);
}

int store_session_purge(store *s, int64_t idle_before, int64_t created_before)
{
	return store_once(s, "session_purge", "DELETE FROM sessions WHERE last_seen < ? OR created_at < ?",
	                  PARAMS(P_INT(idle_before), P_INT(created_before)), NULL, 0);
}

/* API tokens */

int store_token_insert(store *s, const char *token_hash, int64_t user_id, const char *label, int64_t now,
                       int64_t expires_at, int64_t *id)
{
	int64_t tid = 0;
	int rc = store_once(
	    s, "token_insert",
	    "INSERT INTO api_tokens (token_hash, user_id, label, created_at, last_used_at, "
	    "expires_at) VALUES (?, ?, ?, ?, 0, ?) RETURNING id",
	    PARAMS(P_TEXT(token_hash), P_INT(user_id), P_TEXT(label), P_INT(now), P_INT(expires_at)), &tid,
	    1);
	if (rc == STORE_OK && id)
		*id = tid;
	return rc;
}

/* last_used_at is written at most once a minute: every API call would
 * otherwise be a write, and SQLite has one writer at a time. */
#define TOKEN_TOUCH_S 60

int store_token_user(store *s, const char *token_hash, int64_t *user_id)
{
	*user_id = 0;
	int64_t last_used = 0, now = now_s();
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "token_user",
	                         "SELECT user_id, last_used_at FROM api_tokens WHERE token_hash = ? "
	                         "AND expires_at > ?",
	                         PARAMS(P_TEXT(token_hash), P_INT(now)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			*user_id = db_col_int(st, 0);
			last_used = db_col_int(st, 1);
			rc = STORE_OK;
		} else {
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "token_user", step, db_errmsg(c));
		}
		db_done(st);
	}
	/* The token is good even if the time of use cannot be written. */
	if (rc == STORE_OK && now - last_used >= TOKEN_TOUCH_S)
		store_run(s, c, "token_user", "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?",
		          PARAMS(P_INT(now), P_TEXT(token_hash)), NULL);
	db_release(s->db, c);
	return rc;
}

int store_token_list(store *s, arena *a, int64_t user_id, store_token **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = sizeof(store_token)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "token_list",
	               "SELECT t.id, t.user_id, u.email, t.label, t.created_at, t.expires_at, t.last_used_at "
	               "FROM api_tokens t JOIN users u ON u.id = t.user_id "
	               "WHERE CAST(? AS BIGINT) = 0 OR t.user_id = ? ORDER BY t.created_at DESC, t.id DESC",
	               PARAMS(P_INT(user_id), P_INT(user_id)));
	int rc = STORE_ERROR, step = DB_DONE;
	if (st) {
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
			store_token *t = store_vec_push(&v);
			int oom = 0;
			t->id = db_col_int(st, 0);
			t->user_id = db_col_int(st, 1);
			t->email = store_col_dup(a, st, 2, &oom);
			t->label = store_col_dup(a, st, 3, &oom);
			t->created_at = db_col_int(st, 4);
			t->expires_at = db_col_int(st, 5);
			t->last_used_at = db_col_int(st, 6);
			if (oom)
				rc = store_fail(s, "token_list", DB_ERROR, "arena full");
		}
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "token_list", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "token_list", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

int store_token_revoke(store *s, int64_t id, int64_t user_id, int64_t *owner)
{
	int64_t who = 0;
	int rc = store_once(s, "token_revoke",
	                    "DELETE FROM api_tokens WHERE id = ? AND (CAST(? AS BIGINT) = 0 OR user_id = ?) "
	                    "RETURNING user_id",
	                    PARAMS(P_INT(id), P_INT(user_id), P_INT(user_id)), &who, 1);
	if (rc == STORE_OK && owner)
		*owner = who;
	return rc;
}

/* Login throttling */

int store_login_failure_add(store *s, const char *key, int64_t now)
{
	return store_once(s, "login_failure_add", "INSERT INTO login_failures (key, at) VALUES (?, ?)",
	                  PARAMS(P_TEXT(key), P_INT(now)), NULL, 0);
}

int store_login_failure_count(store *s, const char *key, int64_t since, int64_t *n)
{
	*n = 0;
	return store_once(s, "login_failure_count",
	                  "SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?",
	                  PARAMS(P_TEXT(key), P_INT(since)), n, 0);
}

int store_login_failure_clear(store *s, const char *key)
{
	return store_once(s, "login_failure_clear", "DELETE FROM login_failures WHERE key = ?",
	                  PARAMS(P_TEXT(key)), NULL, 0);
}

int store_login_failure_purge(store *s, int64_t before)
{
	return store_once(s, "login_failure_purge", "DELETE FROM login_failures WHERE at < ?",
	                  PARAMS(P_INT(before)), NULL, 0);
}

/* Audit journal */

int store_audit_add(store *s, const store_audit *e)
{
	return store_once(
	    s, "audit_add",
	    "INSERT INTO audit (at, user_id, action, object, object_id, site_id, address, detail) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    PARAMS(P_INT(e->at ? e->at : now_s()), P_INT(e->user_id), P_TEXT(e->action), P_TEXT(e->object),
	           P_INT(e->object_id), P_INT(e->site_id), P_TEXT(e->address), P_TEXT(e->detail)),
	    NULL, 0);
}

/* Reads an audit row of the columns id, at, user_id, action, object,
 * object_id, site_id, address, detail (in that order). */
void store_audit_row(arena *a, db_stmt *st, store_audit *e, int *oom)
{
	e->id = db_col_int(st, 0);
	e->at = db_col_int(st, 1);
	e->user_id = db_col_int(st, 2);
	e->action = store_col_dup(a, st, 3, oom);
	e->object = store_col_dup(a, st, 4, oom);
	e->object_id = db_col_int(st, 5);
	e->site_id = db_col_int(st, 6);
	e->address = store_col_dup(a, st, 7, oom);
	e->detail = store_col_dup(a, st, 8, oom);
}

int store_audit_list(store *s, arena *a, int64_t since, size_t limit, store_audit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (limit == 0 || limit > LIMIT_PAGE_ROWS)
		limit = LIMIT_PAGE_ROWS;
	store_vec v = {.size = sizeof(store_audit)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "audit_list",
	               "SELECT id, at, user_id, action, object, object_id, site_id, address, detail "
	               "FROM audit WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?",
	               PARAMS(P_INT(since), P_INT((int64_t)limit)));
	int rc = STORE_ERROR, step = DB_DONE;
	if (st) {
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
			int oom = 0;
			store_audit_row(a, st, store_vec_push(&v), &oom);
			if (oom)
				rc = store_fail(s, "audit_list", DB_ERROR, "arena full");
		}
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "audit_list", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "audit_list", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}
