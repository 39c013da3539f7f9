/*
 * store_totp.c: what the second factor keeps: each account's sealed TOTP
 * secret, the last time step used (against replays), and the hashes of its
 * recovery codes. The secret arrives sealed by auth/totp.c and the codes
 * hashed: this file never sees either in clear.
 */
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"

int store_totp_get(store *s, arena *a, int64_t user_id, store_totp *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "totp_get",
	                         "SELECT secret, enabled_at, last_step, (SELECT count(*) FROM "
	                         "user_totp_recovery r WHERE r.user_id = t.user_id AND r.used_at = 0) "
	                         "FROM user_totp t WHERE t.user_id = ?",
	                         PARAMS(P_INT(user_id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			int oom = 0;
			out->secret = store_col_dup(a, st, 0, &oom);
			out->enabled_at = db_col_int(st, 1);
			out->last_step = db_col_int(st, 2);
			out->recovery_left = db_col_int(st, 3);
			rc = oom ? store_fail(s, "totp_get", DB_ERROR, "arena full") : STORE_OK;
		} else {
			rc =
			    step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, "totp_get", step, db_errmsg(c));
		}
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_totp_begin(store *s, int64_t user_id, const char *secret, int64_t now)
{
	/* The WHERE of the upsert keeps an enabled secret: an enrolment can
	 * only replace another enrolment under way. */
	int rc =
	    store_once(s, "totp_begin",
	               "INSERT INTO user_totp (user_id, secret, enabled_at, last_step, created_at) "
	               "VALUES (?, ?, 0, 0, ?) ON CONFLICT (user_id) DO UPDATE SET secret = "
	               "excluded.secret, created_at = excluded.created_at WHERE user_totp.enabled_at = 0 "
	               "RETURNING user_id",
	               PARAMS(P_INT(user_id), P_TEXT(secret), P_INT(now)), NULL, 1);
	return rc == STORE_NOT_FOUND ? STORE_CONFLICT : rc;
}

int store_totp_enable(store *s, int64_t user_id, int64_t step, int64_t now, const char *const *hashes,
                      size_t n)
{
	const char *op = "totp_enable";
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(s, c, op,
		               "UPDATE user_totp SET enabled_at = ?, last_step = ? WHERE user_id = ? AND "
		               "enabled_at = 0 RETURNING user_id",
		               PARAMS(P_INT(now), P_INT(step), P_INT(user_id)), NULL);
		if (rc == 0)
			rc = STORE_NOT_FOUND;
		if (rc > 0)
			rc = store_run(s, c, op, "DELETE FROM user_totp_recovery WHERE user_id = ?",
			               PARAMS(P_INT(user_id)), NULL);
		for (size_t i = 0; rc >= 0 && i < n; i++)
			rc = store_run(s, c, op,
			               "INSERT INTO user_totp_recovery (user_id, code_hash) VALUES (?, ?)",
			               PARAMS(P_INT(user_id), P_TEXT(hashes[i])), NULL);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}

int store_totp_use_step(store *s, int64_t user_id, int64_t step)
{
	/* One statement compares and sets, so that two requests carrying the
	 * same code cannot both see the older step. */
	return store_once(s, "totp_use_step",
	                  "UPDATE user_totp SET last_step = ? WHERE user_id = ? AND enabled_at > 0 AND "
	                  "last_step < ? RETURNING user_id",
	                  PARAMS(P_INT(step), P_INT(user_id), P_INT(step)), NULL, 1);
}

int store_totp_use_recovery(store *s, int64_t user_id, const char *hash, int64_t now)
{
	return store_once(s, "totp_use_recovery",
	                  "UPDATE user_totp_recovery SET used_at = ? WHERE user_id = ? AND code_hash = ? "
	                  "AND used_at = 0 AND EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = ? AND "
	                  "t.enabled_at > 0) RETURNING id",
	                  PARAMS(P_INT(now), P_INT(user_id), P_TEXT(hash), P_INT(user_id)), NULL, 1);
}

int store_totp_disable(store *s, int64_t user_id)
{
	const char *op = "totp_disable";
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(s, c, op, "DELETE FROM user_totp_recovery WHERE user_id = ?",
		               PARAMS(P_INT(user_id)), NULL);
		if (rc >= 0)
			rc = store_run(s, c, op, "DELETE FROM user_totp WHERE user_id = ?",
			               PARAMS(P_INT(user_id)), NULL);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}
