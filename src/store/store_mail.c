/*
 * store_mail.c: the e-mail notifications (tables mail_prefs, mail_choices,
 * mail_items and mail_outbox, sql/017_mail.sql). Every move of a message is
 * one conditional statement on its status, so that two workers of two
 * servers sharing a store never send the same message twice.
 */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_mail.h"

#define MESSAGE_COLS                                                                                         \
	"id, user_id, kind, status, attempts, created_at, next_at, claimed_at, handed_at, sent_at, "         \
	"last_error"

/* Runs a query on c and calls row for each row with the arena; a row that
 * fails (arena full) stops it. STORE_OK or STORE_ERROR. */
typedef int (*row_fn)(db_stmt *st, arena *a, void *dst);

static int collect(store *s, db_conn *c, arena *a, const char *op, const char *sql, const store_param *p,
                   size_t np, size_t size, row_fn row, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *st = store_prep(s, c, op, sql, p, np);
	if (!st)
		return STORE_ERROR;
	store_vec v = {.size = size};
	int step, bad = 0;
	while ((step = db_step(st)) == DB_ROW) {
		void *dst = store_vec_push(&v);
		if (!dst || row(st, a, dst) != 0) {
			bad = 1;
			break;
		}
	}
	db_done(st);
	int rc = STORE_OK;
	if (bad)
		rc = store_fail(s, op, DB_ERROR, "arena full");
	else if (step != DB_DONE)
		rc = store_fail(s, op, step, db_errmsg(c));
	else if (store_vec_finish(&v, a, out, n) != 0)
		rc = store_fail(s, op, DB_ERROR, "arena full");
	if (rc != STORE_OK) {
		store_vec_free(&v);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

static int read_choice(db_stmt *st, arena *a, void *dst)
{
	store_mail_choice *ch = dst;
	int oom = 0;
	ch->event = store_col_dup(a, st, 0, &oom);
	ch->delivery = store_col_dup(a, st, 1, &oom);
	return oom ? -1 : 0;
}

/* Copies a text column into a fixed buffer; "" when it does not fit. */
static void copy_col(db_stmt *st, int col, char *dst, size_t len)
{
	const char *v = db_col_text(st, col);
	if (strlen(v) < len)
		memcpy(dst, v, strlen(v) + 1);
	else if (len)
		dst[0] = '\0';
}

int store_mail_prefs_get(store *s, arena *a, int64_t user_id, char *lang, size_t langlen,
                         store_mail_choice **out, size_t *n)
{
	const char *op = "mail_prefs_get";
	snprintf(lang, langlen, "fr");
	db_conn *c = db_acquire(s->db);
	int rc = STORE_ERROR;
	db_stmt *st =
	    store_prep(s, c, op, "SELECT lang FROM mail_prefs WHERE user_id = ?", PARAMS(P_INT(user_id)));
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			copy_col(st, 0, lang, langlen);
		rc = step == DB_ROW || step == DB_DONE ? STORE_OK : store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	if (rc == STORE_OK) {
		void *v = NULL;
		rc = collect(s, c, a, op,
		             "SELECT event, delivery FROM mail_choices WHERE user_id = ? ORDER BY event",
		             PARAMS(P_INT(user_id)), sizeof(store_mail_choice), read_choice, &v, n);
		*out = v;
	}
	db_release(s->db, c);
	return rc;
}

int store_mail_prefs_save(store *s, int64_t user_id, const char *lang, const store_mail_choice *v, size_t n,
                          int64_t now)
{
	const char *op = "mail_prefs_save";
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "INSERT INTO mail_prefs (user_id, lang, updated_at) SELECT ?, ?, ? WHERE EXISTS "
		    "(SELECT 1 FROM users WHERE id = ?) ON CONFLICT (user_id) DO UPDATE SET lang = "
		    "excluded.lang, updated_at = excluded.updated_at RETURNING user_id",
		    PARAMS(P_INT(user_id), P_TEXT(lang), P_INT(now), P_INT(user_id)), NULL);
		if (rc == 0)
			rc = STORE_NOT_FOUND;
		if (rc > 0)
			rc = store_run(s, c, op, "DELETE FROM mail_choices WHERE user_id = ?",
			               PARAMS(P_INT(user_id)), NULL);
		for (size_t i = 0; rc >= 0 && i < n; i++)
			rc = store_run(
			    s, c, op, "INSERT INTO mail_choices (user_id, event, delivery) VALUES (?, ?, ?)",
			    PARAMS(P_INT(user_id), P_TEXT(v[i].event), P_TEXT(v[i].delivery)), NULL);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}

int store_mail_choice_get(store *s, int64_t user_id, const char *event, char *delivery, size_t len)
{
	const char *op = "mail_choice_get";
	db_conn *c = db_acquire(s->db);
	int rc = STORE_ERROR;
	db_stmt *st =
	    store_prep(s, c, op, "SELECT delivery FROM mail_choices WHERE user_id = ? AND event = ?",
	               PARAMS(P_INT(user_id), P_TEXT(event)));
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			copy_col(st, 0, delivery, len);
			rc = STORE_OK;
		} else {
			rc = step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, op, step, db_errmsg(c));
		}
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_mail_enqueue(store *s, int64_t user_id, const char *event, const char *link, int64_t now,
                       int64_t due_at, int64_t *message_id)
{
	const char *op = "mail_enqueue";
	int64_t id = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = 1;
		if (due_at == 0) {
			rc = store_run(
			    s, c, op,
			    "INSERT INTO mail_outbox (user_id, kind, status, created_at, next_at) SELECT ?, "
			    "?, 'waiting', ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?) RETURNING id",
			    PARAMS(P_INT(user_id), P_TEXT(event), P_INT(now), P_INT(now), P_INT(user_id)),
			    &id);
			if (rc == 0)
				rc = STORE_NOT_FOUND;
		}
		if (rc > 0)
			rc = store_run(
			    s, c, op,
			    "INSERT INTO mail_items (user_id, event, link, created_at, due_at, message_id) "
			    "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE id = ?) "
			    "RETURNING id",
			    PARAMS(P_INT(user_id), P_TEXT(event), P_TEXT(link), P_INT(now),
			           P_INT(due_at ? due_at : now), P_INT(id), P_INT(user_id)),
			    NULL);
		if (rc == 0)
			rc = STORE_NOT_FOUND;
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (message_id)
		*message_id = rc == STORE_OK ? id : 0;
	return rc;
}

int store_mail_digest_users(store *s, int64_t before, int64_t *ids, size_t max, size_t *n)
{
	const char *op = "mail_digest_users";
	*n = 0;
	db_conn *c = db_acquire(s->db);
	int rc = STORE_ERROR;
	db_stmt *st =
	    store_prep(s, c, op,
	               "SELECT DISTINCT user_id FROM mail_items WHERE message_id = 0 AND due_at <= ? "
	               "ORDER BY user_id LIMIT ?",
	               PARAMS(P_INT(before), P_INT((int64_t)max)));
	if (st) {
		int step;
		while ((step = db_step(st)) == DB_ROW && *n < max)
			ids[(*n)++] = db_col_int(st, 0);
		rc = step == DB_DONE || step == DB_ROW ? STORE_OK : store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_mail_gather(store *s, int64_t user_id, int64_t before, int64_t now, int64_t *message_id)
{
	const char *op = "mail_gather";
	int64_t id = 0;
	*message_id = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "INSERT INTO mail_outbox (user_id, kind, status, created_at, next_at) VALUES (?, "
		    "'digest', 'waiting', ?, ?) RETURNING id",
		    PARAMS(P_INT(user_id), P_INT(now), P_INT(now)), &id);
		if (rc > 0)
			rc = store_run(
			    s, c, op,
			    "UPDATE mail_items SET message_id = ? WHERE user_id = ? AND message_id = 0 AND "
			    "due_at <= ? RETURNING id",
			    PARAMS(P_INT(id), P_INT(user_id), P_INT(before)), NULL);
		/* Nothing left to gather: another server did it; no empty message. */
		int empty = rc == 0;
		rc = store_tx_end(s, c, op, rc > 0 ? STORE_OK : rc == 0 ? STORE_NOT_FOUND : rc);
		if (empty)
			rc = STORE_OK, id = 0;
	}
	db_release(s->db, c);
	if (rc == STORE_OK)
		*message_id = id;
	return rc;
}

int store_mail_claim(store *s, int64_t now, int64_t *id)
{
	const char *op = "mail_claim";
	/* Another worker may claim the one found first: look again, a few
	 * times, before leaving it to the next pass. */
	for (int tries = 0; tries < 8; tries++) {
		int64_t found = 0;
		int rc = store_once(
		    s, op,
		    "SELECT id FROM mail_outbox WHERE status = 'waiting' AND next_at <= ? ORDER BY "
		    "next_at, id LIMIT 1",
		    PARAMS(P_INT(now)), &found, 1);
		if (rc != STORE_OK)
			return rc;
		int64_t got = 0;
		rc = store_once(
		    s, op,
		    "UPDATE mail_outbox SET status = 'sending', claimed_at = ?, handed_at = 0, attempts "
		    "= attempts + 1 WHERE id = ? AND status = 'waiting' RETURNING id",
		    PARAMS(P_INT(now), P_INT(found)), &got, 1);
		if (rc == STORE_OK) {
			*id = got;
			return STORE_OK;
		}
		if (rc != STORE_NOT_FOUND)
			return rc;
	}
	return STORE_NOT_FOUND;
}

static int read_message(db_stmt *st, arena *a, void *dst)
{
	store_mail_message *m = dst;
	int oom = 0, c = 0;
	memset(m, 0, sizeof *m);
	m->id = db_col_int(st, c++);
	m->user_id = db_col_int(st, c++);
	m->kind = store_col_dup(a, st, c++, &oom);
	m->status = store_col_dup(a, st, c++, &oom);
	m->attempts = db_col_int(st, c++);
	m->created_at = db_col_int(st, c++);
	m->next_at = db_col_int(st, c++);
	m->claimed_at = db_col_int(st, c++);
	m->handed_at = db_col_int(st, c++);
	m->sent_at = db_col_int(st, c++);
	m->last_error = store_col_dup(a, st, c, &oom);
	return oom ? -1 : 0;
}

static int read_item(db_stmt *st, arena *a, void *dst)
{
	store_mail_item *it = dst;
	int oom = 0;
	it->event = store_col_dup(a, st, 0, &oom);
	it->link = store_col_dup(a, st, 1, &oom);
	it->created_at = db_col_int(st, 2);
	return oom ? -1 : 0;
}

int store_mail_message_get(store *s, arena *a, int64_t id, store_mail_message *out)
{
	const char *op = "mail_message_get";
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	int rc = STORE_ERROR;
	db_stmt *st =
	    store_prep(s, c, op,
	               "SELECT o.id, o.user_id, o.kind, o.status, o.attempts, o.created_at, o.next_at, "
	               "o.claimed_at, o.handed_at, o.sent_at, o.last_error, u.email, u.active, "
	               "COALESCE(p.lang, 'fr') FROM mail_outbox o JOIN users u ON u.id = o.user_id "
	               "LEFT JOIN mail_prefs p ON p.user_id = o.user_id WHERE o.id = ?",
	               PARAMS(P_INT(id)));
	if (st) {
		int step = db_step(st), oom = 0;
		if (step == DB_ROW) {
			oom = read_message(st, a, out) != 0;
			out->email = store_col_dup(a, st, 11, &oom);
			out->active = (int)db_col_int(st, 12);
			out->lang = store_col_dup(a, st, 13, &oom);
			rc = oom ? store_fail(s, op, DB_ERROR, "arena full") : STORE_OK;
		} else {
			rc = step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, op, step, db_errmsg(c));
		}
		db_done(st);
	}
	if (rc == STORE_OK) {
		void *v = NULL;
		rc = collect(s, c, a, op,
		             "SELECT event, link, created_at FROM mail_items WHERE message_id = ? ORDER BY "
		             "created_at, id",
		             PARAMS(P_INT(id)), sizeof(store_mail_item), read_item, &v, &out->nitems);
		out->items = v;
	}
	db_release(s->db, c);
	return rc;
}

int store_mail_handed(store *s, int64_t id, int64_t now)
{
	return store_once(
	    s, "mail_handed",
	    "UPDATE mail_outbox SET handed_at = ? WHERE id = ? AND status = 'sending' RETURNING id",
	    PARAMS(P_INT(now), P_INT(id)), NULL, 1);
}

int store_mail_sent(store *s, int64_t id, int64_t now)
{
	return store_once(
	    s, "mail_sent",
	    "UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ? AND "
	    "status = 'sending' RETURNING id",
	    PARAMS(P_INT(now), P_INT(id)), NULL, 1);
}

int store_mail_retry(store *s, int64_t id, int64_t next_at, const char *error)
{
	return store_once(
	    s, "mail_retry",
	    "UPDATE mail_outbox SET status = 'waiting', next_at = ?, claimed_at = 0, handed_at = 0, "
	    "last_error = ? WHERE id = ? AND status = 'sending' RETURNING id",
	    PARAMS(P_INT(next_at), P_TEXT(error), P_INT(id)), NULL, 1);
}

int store_mail_give_up(store *s, int64_t id, const char *status, const char *error)
{
	return store_once(
	    s, "mail_give_up",
	    "UPDATE mail_outbox SET status = ?, last_error = ? WHERE id = ? AND status = 'sending' "
	    "RETURNING id",
	    PARAMS(P_TEXT(status), P_TEXT(error), P_INT(id)), NULL, 1);
}

int store_mail_recover(store *s, int64_t stale_before, int64_t *requeued, int64_t *unknown)
{
	const char *op = "mail_recover";
	*requeued = *unknown = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "UPDATE mail_outbox SET status = 'waiting', claimed_at = 0, last_error = 'interrupted' "
		    "WHERE status = 'sending' AND claimed_at < ? AND handed_at = 0 RETURNING id",
		    PARAMS(P_INT(stale_before)), NULL);
		if (rc >= 0)
			*requeued = rc;
		if (rc >= 0)
			rc = store_run(
			    s, c, op,
			    "UPDATE mail_outbox SET status = 'unknown', last_error = 'no answer after the "
			    "text was handed over' WHERE status = 'sending' AND claimed_at < ? AND handed_at "
			    "> 0 RETURNING id",
			    PARAMS(P_INT(stale_before)), NULL);
		if (rc >= 0)
			*unknown = rc;
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (rc != STORE_OK)
		*requeued = *unknown = 0;
	return rc;
}

int store_mail_next_due(store *s, int64_t stale_s, int64_t *at)
{
	int64_t t[3] = {0, 0, 0};
	*at = 0;
	int rc =
	    store_once(s, "mail_next_due", "SELECT MIN(next_at) FROM mail_outbox WHERE status = 'waiting'",
	               NO_PARAMS, &t[0], 0);
	if (rc == STORE_OK)
		rc = store_once(s, "mail_next_due", "SELECT MIN(due_at) FROM mail_items WHERE message_id = 0",
		                NO_PARAMS, &t[1], 0);
	if (rc == STORE_OK)
		rc = store_once(s, "mail_next_due",
		                "SELECT MIN(claimed_at) FROM mail_outbox WHERE status = 'sending'", NO_PARAMS,
		                &t[2], 0);
	if (t[2])
		t[2] += stale_s + 1;
	for (size_t i = 0; rc == STORE_OK && i < COUNT(t); i++)
		if (t[i] && (!*at || t[i] < *at))
			*at = t[i];
	return rc;
}

int store_mail_count(store *s, store_mail_counts *out)
{
	const char *op = "mail_count";
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	int rc = STORE_ERROR;
	db_stmt *st =
	    store_prep(s, c, op, "SELECT status, COUNT(*) FROM mail_outbox GROUP BY status", NO_PARAMS);
	if (st) {
		int step;
		while ((step = db_step(st)) == DB_ROW) {
			const char *status = db_col_text(st, 0);
			int64_t n = db_col_int(st, 1);
			if (strcmp(status, STORE_MAIL_WAITING) == 0 ||
			    strcmp(status, STORE_MAIL_SENDING) == 0)
				out->waiting += n;
			else if (strcmp(status, STORE_MAIL_SENT) == 0)
				out->sent += n;
			else
				out->failed += n;
		}
		rc = step == DB_DONE ? STORE_OK : store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	if (rc == STORE_OK)
		rc = store_run(s, c, op, "SELECT COUNT(*) FROM mail_items WHERE message_id = 0", NO_PARAMS,
		               &out->digest_items) < 0
		         ? STORE_ERROR
		         : STORE_OK;
	db_release(s->db, c);
	return rc;
}

int store_mail_list(store *s, arena *a, size_t limit, store_mail_message **out, size_t *n)
{
	db_conn *c = db_acquire(s->db);
	void *v = NULL;
	int rc =
	    collect(s, c, a, "mail_list", "SELECT " MESSAGE_COLS " FROM mail_outbox ORDER BY id DESC LIMIT ?",
	            PARAMS(P_INT((int64_t)limit)), sizeof(store_mail_message), read_message, &v, n);
	db_release(s->db, c);
	*out = v;
	return rc;
}

int store_mail_purge(store *s, int64_t before, int64_t *n)
{
	const char *op = "mail_purge";
	*n = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "DELETE FROM mail_items WHERE message_id IN (SELECT id FROM mail_outbox WHERE status "
		    "IN ('sent', 'failed', 'unknown') AND created_at < ?)",
		    PARAMS(P_INT(before)), NULL);
		if (rc >= 0)
			rc = store_run(
			    s, c, op,
			    "DELETE FROM mail_outbox WHERE status IN ('sent', 'failed', 'unknown') AND "
			    "created_at < ? RETURNING id",
			    PARAMS(P_INT(before)), NULL);
		if (rc >= 0)
			*n = rc;
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}
