/*
 * store_escalations.c: escalations to the operators' back offices, their
 * events and documents' rows, and the départements of the referents
 * (sql/016_escalations.sql, store_escalations.h).
 *
 * A move is one conditional UPDATE (… WHERE status = ? AND info_requested
 * = ?) checked by the rows it touched, then its event, in one transaction:
 * two people moving the same escalation at the same instant cannot both
 * succeed, on either engine. Lists of sites and départements are passed as
 * one text (",1,2,") matched with LIKE, so that no statement grows with
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_escalations.h"

#define ESC_COLS                                                                                             \
	"e.id, e.demand_id, e.visit_id, e.site_id, e.departement, e.operator_code, e.status, "               \
	"e.info_requested, e.question, e.consent_at, e.created_by, e.created_at, e.sent_at, e.due_at, "      \
	"e.answered_at, e.closed_at, e.updated_at, e.told_by, e.useful, e.wiped_at, "                        \
	"COALESCE(s.name, ''), COALESCE(o.name, e.operator_code)"
#define ESC_FROM                                                                                             \
	" FROM escalations e LEFT JOIN sites s ON s.id = e.site_id LEFT JOIN operators o ON o.code = "       \
	"e.operator_code"

static int read_escalation(db_stmt *st, arena *a, void *row)
{
	store_escalation *e = row;
	int oom = 0, c = 0;
	memset(e, 0, sizeof *e);
	e->id = db_col_int(st, c++);
	e->demand_id = db_col_int(st, c++);
	e->visit_id = db_col_int(st, c++);
	e->site_id = db_col_int(st, c++);
	e->departement = store_col_dup(a, st, c++, &oom);
	e->operator_code = store_col_dup(a, st, c++, &oom);
	e->status = store_col_dup(a, st, c++, &oom);
	e->info_requested = (int)db_col_int(st, c++);
	e->question = store_col_dup(a, st, c++, &oom);
	e->consent_at = db_col_int(st, c++);
	e->created_by = db_col_int(st, c++);
	e->created_at = db_col_int(st, c++);
	e->sent_at = db_col_int(st, c++);
	e->due_at = db_col_int(st, c++);
	e->answered_at = db_col_int(st, c++);
	e->closed_at = db_col_int(st, c++);
	e->updated_at = db_col_int(st, c++);
	e->told_by = store_col_dup(a, st, c++, &oom);
	e->useful = store_col_dup(a, st, c++, &oom);
	e->wiped_at = db_col_int(st, c++);
	e->site_name = store_col_dup(a, st, c++, &oom);
	e->operator_name = store_col_dup(a, st, c, &oom);
	return oom ? -1 : 0;
}

static int read_event(db_stmt *st, arena *a, void *row)
{
	store_escalation_event *ev = row;
	int oom = 0, c = 0;
	memset(ev, 0, sizeof *ev);
	ev->id = db_col_int(st, c++);
	ev->escalation_id = db_col_int(st, c++);
	ev->at = db_col_int(st, c++);
	ev->user_id = db_col_int(st, c++);
	ev->user_name = store_col_dup(a, st, c++, &oom);
	ev->action = store_col_dup(a, st, c++, &oom);
	ev->status = store_col_dup(a, st, c++, &oom);
	ev->body = store_col_dup(a, st, c++, &oom);
	ev->internal = (int)db_col_int(st, c++);
	ev->detail = store_col_dup(a, st, c, &oom);
	return oom ? -1 : 0;
}

static int read_file(db_stmt *st, arena *a, void *row)
{
	store_escalation_file *f = row;
	int oom = 0, c = 0;
	memset(f, 0, sizeof *f);
	f->id = db_col_int(st, c++);
	f->escalation_id = db_col_int(st, c++);
	snprintf(f->sha256, sizeof f->sha256, "%s", db_col_text(st, c++));
	f->mime = store_col_dup(a, st, c++, &oom);
	f->size = db_col_int(st, c++);
	f->name = store_col_dup(a, st, c++, &oom);
	f->added_by = db_col_int(st, c++);
	f->added_at = db_col_int(st, c);
	return oom ? -1 : 0;
}

static int read_text(db_stmt *st, arena *a, void *row)
{
	int oom = 0;
	*(char **)row = store_col_dup(a, st, 0, &oom);
	return oom ? -1 : 0;
}

static int add_event(store *s, db_conn *c, const char *op, int64_t id, int64_t at, int64_t user_id,
                     const char *action, const char *status, const char *body, int internal,
                     const char *detail)
{
	return store_run(s, c, op,
	                 "INSERT INTO escalation_events (escalation_id, at, user_id, action, status, body, "
	                 "internal, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                 PARAMS(P_INT(id), P_INT(at), P_INT(user_id), P_TEXT(action), P_TEXT(status),
	                        P_TEXT(body), P_INT(internal), P_TEXT(detail)),
	                 NULL);
}

static int add_files(store *s, db_conn *c, const char *op, int64_t id, const store_escalation_file *f,
                     size_t n, int64_t user_id, int64_t now)
{
	int rc = STORE_OK;
	for (size_t i = 0; rc >= 0 && i < n; i++)
		rc = store_run(
		    s, c, op,
		    "INSERT INTO escalation_files (escalation_id, sha256, mime, size, name, added_by, "
		    "added_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    PARAMS(P_INT(id), P_TEXT(f[i].sha256), P_TEXT(f[i].mime), P_INT(f[i].size),
		           P_TEXT(f[i].name), P_INT(user_id), P_INT(now)),
		    NULL);
	return rc;
}

int store_escalation_insert(store *s, store_escalation *e, int64_t deadline_days,
                            const store_escalation_file *files, size_t nfiles, int64_t now)
{
	const char *op = "escalation_insert";
	int sent = str_eq(e->status, "envoyee");
	int64_t id = 0, due = now + deadline_days * 86400;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "INSERT INTO escalations (demand_id, visit_id, site_id, departement, operator_code, "
		    "status, "
		    "question, consent_at, created_by, created_at, sent_at, due_at, updated_at) "
		    "SELECT d.id, d.visit_id, d.site_id, si.departement, d.operator_code, ?, ?, ?, ?, ?, ?, "
		    "?, ? "
		    "FROM demands d JOIN visits v ON v.id = d.visit_id JOIN sites si ON si.id = d.site_id "
		    "WHERE d.id = ? AND v.deleted_at = 0 AND d.outcome = 'escalade' AND d.escalation_id = 0 "
		    "RETURNING id",
		    PARAMS(P_TEXT(e->status), P_TEXT(e->question), P_INT(e->consent_at), P_INT(e->created_by),
		           P_INT(now), P_INT(sent ? now : 0), P_INT(due), P_INT(now), P_INT(e->demand_id)),
		    &id);
		if (rc == 0) {
			/* Why not: a missing demand, or one that may not be escalated. */
			int64_t live = 0;
			rc = store_run(s, c, op,
			               "SELECT COUNT(*) FROM demands d JOIN visits v ON v.id = d.visit_id "
			               "WHERE d.id = ? AND v.deleted_at = 0",
			               PARAMS(P_INT(e->demand_id)), &live);
			if (rc >= 0)
				rc = live ? STORE_CONFLICT : STORE_NOT_FOUND;
		}
		if (rc > 0)
			rc = store_run(
			    s, c, op,
			    "UPDATE demands SET escalation_id = ? WHERE id = ? AND escalation_id = 0 "
			    "RETURNING id",
			    PARAMS(P_INT(id), P_INT(e->demand_id)), NULL);
		if (rc == 0)
			rc = STORE_CONFLICT;
		if (rc > 0)
			rc = add_event(s, c, op, id, now, e->created_by, "creation", "nouvelle", e->question,
			               0, "");
		if (rc >= 0 && sent)
			rc = add_event(s, c, op, id, now, e->created_by, "envoi", "envoyee", "", 0, "");
		if (rc >= 0)
			rc = add_files(s, c, op, id, files, nfiles, e->created_by, now);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (rc != STORE_OK)
		return rc;
	store_site_changed(s, 0); /* the demand's escalation, in kept pages of visits */
	arena *a = arena_new((size_t)64 * 1024);
	store_escalation got;
	rc = store_escalation_get(s, a, id, &got);
	if (rc == STORE_OK) {
		/* The strings the caller gave stay theirs; the rest is read back. */
		e->id = id;
		e->visit_id = got.visit_id;
		e->site_id = got.site_id;
		e->created_at = e->updated_at = now;
		e->sent_at = got.sent_at;
		e->due_at = got.due_at;
	}
	arena_free(a);
	return rc;
}

int store_escalation_apply(store *s, const store_escalation_move *m, int64_t now)
{
	const char *op = "escalation_apply";
	const store_escalation *x = m->after;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "UPDATE escalations SET status = ?, info_requested = ?, operator_code = ?, "
		    "sent_at = ?, due_at = ?, answered_at = ?, closed_at = ?, told_by = ?, useful = ?, "
		    "updated_at = ? WHERE id = ? AND status = ? AND info_requested = ? RETURNING id",
		    PARAMS(P_TEXT(x->status), P_INT(x->info_requested), P_TEXT(x->operator_code),
		           P_INT(x->sent_at), P_INT(x->due_at), P_INT(x->answered_at), P_INT(x->closed_at),
		           P_TEXT(x->told_by), P_TEXT(x->useful), P_INT(now), P_INT(m->id), P_TEXT(m->from),
		           P_INT(m->from_info)),
		    NULL);
		if (rc == 0) {
			int64_t there = 0;
			rc = store_run(s, c, op, "SELECT COUNT(*) FROM escalations WHERE id = ?",
			               PARAMS(P_INT(m->id)), &there);
			if (rc >= 0)
				rc = there ? STORE_CONFLICT : STORE_NOT_FOUND;
		}
		if (rc > 0)
			rc = add_event(s, c, op, m->id, now, m->user_id, m->action, x->status,
			               m->body ? m->body : "", m->internal, m->detail ? m->detail : "");
		if (rc >= 0)
			rc = add_files(s, c, op, m->id, m->files, m->nfiles, m->user_id, now);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}

int store_escalation_demand_visit(store *s, int64_t demand_id, int64_t *visit_id)
{
	*visit_id = 0;
	return store_once(
	    s, "escalation_demand_visit",
	    "SELECT d.visit_id FROM demands d JOIN visits v ON v.id = d.visit_id WHERE d.id = ? "
	    "AND v.deleted_at = 0",
	    PARAMS(P_INT(demand_id)), visit_id, 1);
}

int store_escalation_get(store *s, arena *a, int64_t id, store_escalation *out)
{
	memset(out, 0, sizeof *out);
	return store_row_one(s, "escalation_get", "SELECT " ESC_COLS ESC_FROM " WHERE e.id = ?",
	                     PARAMS(P_INT(id)), a, sizeof *out, read_escalation, out);
}

int store_escalation_of_demand(store *s, arena *a, int64_t demand_id, store_escalation *out)
{
	memset(out, 0, sizeof *out);
	return store_row_one(s, "escalation_of_demand",
	                     "SELECT " ESC_COLS ESC_FROM " WHERE e.demand_id = ? ORDER BY e.id DESC LIMIT 1",
	                     PARAMS(P_INT(demand_id)), a, sizeof *out, read_escalation, out);
}

int store_escalation_events(store *s, arena *a, int64_t id, int with_internal, store_escalation_event **out,
                            size_t *n)
{
	const char *op = "escalation_events";
	db_conn *c = db_acquire(s->db);
	void *rows = NULL;
	int rc = store_rows_collect(
	    s, c, op,
	    store_prep(s, c, op,
	               "SELECT ev.id, ev.escalation_id, ev.at, ev.user_id, COALESCE(u.name, ''), "
	               "ev.action, ev.status, ev.body, ev.internal, ev.detail FROM "
	               "escalation_events ev LEFT JOIN users u ON u.id = ev.user_id WHERE "
	               "ev.escalation_id = ? AND (ev.internal = 0 OR ? = 1) ORDER BY ev.id LIMIT ?",
	               PARAMS(P_INT(id), P_INT(with_internal ? 1 : 0), P_INT(LIMIT_PAGE_ROWS))),
	    a, sizeof **out, read_event, &rows, n);
	db_release(s->db, c);
	*out = rows;
	return rc;
}

#define FILE_COLS "id, escalation_id, sha256, mime, size, name, added_by, added_at"

int store_escalation_files(store *s, arena *a, int64_t id, store_escalation_file **out, size_t *n)
{
	const char *op = "escalation_files";
	db_conn *c = db_acquire(s->db);
	void *rows = NULL;
	int rc = store_rows_collect(s, c, op,
	                            store_prep(s, c, op,
	                                       "SELECT " FILE_COLS
	                                       " FROM escalation_files WHERE escalation_id = ? "
	                                       "ORDER BY id LIMIT ?",
	                                       PARAMS(P_INT(id), P_INT(LIMIT_PAGE_ROWS))),
	                            a, sizeof **out, read_file, &rows, n);
	db_release(s->db, c);
	*out = rows;
	return rc;
}

int store_escalation_file_get(store *s, arena *a, int64_t file_id, store_escalation_file *out)
{
	memset(out, 0, sizeof *out);
	return store_row_one(s, "escalation_file_get",
	                     "SELECT " FILE_COLS " FROM escalation_files WHERE id = ?",
	                     PARAMS(P_INT(file_id)), a, sizeof *out, read_file, out);
}

/* ",a,b," from the arena, for a LIKE '%,' || column || ',%' match. */
static char *comma_list(arena *a, const int64_t *ids, char *const *codes, size_t n)
{
	buf b;
	buf_init(&b, 64 * (n + 1));
	buf_putc(&b, ',');
	for (size_t i = 0; i < n; i++) {
		if (ids)
			buf_printf(&b, "%lld,", (long long)ids[i]);
		else
			buf_printf(&b, "%s,", codes[i]);
	}
	char *out = arena_strndup(a, b.data ? b.data : ",", b.data ? b.len : 1);
	buf_free(&b);
	return out;
}

int store_escalation_list(store *s, arena *a, const store_escalation_filter *f, store_escalation **out,
                          size_t *n)
{
	const char *op = "escalation_list";
	*out = NULL;
	*n = 0;
	/* Which part of the filter applies; the others match everything. */
	const char *sites = "", *deps = "", *operator_code = "", *dep = "";
	int by_site = 0, by_operator = 0, by_dep = 0;
	if (f->site_ids) {
		by_site = 1;
		sites = comma_list(a, f->site_ids, NULL, f->nsites);
	} else if (f->operator_code) {
		by_operator = 1;
		operator_code = f->operator_code;
		deps = comma_list(a, NULL, f->departements, f->ndepartements);
	} else if (f->departement) {
		by_dep = 1;
		dep = f->departement;
	} else if (!f->all) {
		return STORE_OK;
	}
	if (!sites || !deps)
		return store_fail(s, op, DB_ERROR, "arena full");
	db_conn *c = db_acquire(s->db);
	void *rows = NULL;
	int rc = store_rows_collect(
	    s, c, op,
	    store_prep(s, c, op,
	               "SELECT " ESC_COLS ESC_FROM
	               " WHERE (? = 0 OR ? LIKE '%,' || CAST(e.site_id AS TEXT) || ',%') "
	               "AND (? = 0 OR (e.operator_code = ? AND ? LIKE '%,' || e.departement || ',%')) "
	               "AND (? = 0 OR e.departement = ?) AND (? = 0 OR e.status <> 'cloturee') "
	               "ORDER BY CASE WHEN e.status = 'cloturee' THEN 1 ELSE 0 END, "
	               "CASE WHEN e.status = 'cloturee' THEN -e.closed_at ELSE e.due_at END, e.id LIMIT ?",
	               PARAMS(P_INT(by_site), P_TEXT(sites), P_INT(by_operator), P_TEXT(operator_code),
	                      P_TEXT(deps), P_INT(by_dep), P_TEXT(dep), P_INT(f->open_only ? 1 : 0),
	                      P_INT(LIMIT_PAGE_ROWS))),
	    a, sizeof **out, read_escalation, &rows, n);
	db_release(s->db, c);
	*out = rows;
	return rc;
}

int store_referent_departements(store *s, arena *a, int64_t user_id, char ***out, size_t *n)
{
	const char *op = "referent_departements";
	db_conn *c = db_acquire(s->db);
	void *rows = NULL;
	int rc = store_rows_collect(s, c, op,
	                            store_prep(s, c, op,
	                                       "SELECT departement FROM operator_referents WHERE user_id = ? "
	                                       "ORDER BY departement LIMIT ?",
	                                       PARAMS(P_INT(user_id), P_INT(LIMIT_PAGE_ROWS))),
	                            a, sizeof(char *), read_text, &rows, n);
	db_release(s->db, c);
	*out = rows;
	return rc;
}

int store_referent_set(store *s, int64_t user_id, char *const *departements, size_t n)
{
	const char *op = "referent_set";
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		int64_t there = 0;
		rc = store_run(s, c, op, "SELECT COUNT(*) FROM users WHERE id = ?", PARAMS(P_INT(user_id)),
		               &there);
		if (rc >= 0 && !there)
			rc = STORE_NOT_FOUND;
		if (rc >= 0)
			rc = store_run(s, c, op, "DELETE FROM operator_referents WHERE user_id = ?",
			               PARAMS(P_INT(user_id)), NULL);
		for (size_t i = 0; rc >= 0 && i < n; i++)
			rc = store_run(s, c, op,
			               "INSERT INTO operator_referents (user_id, departement) VALUES (?, ?) "
			               "ON CONFLICT DO NOTHING",
			               PARAMS(P_INT(user_id), P_TEXT(departements[i])), NULL);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}

int store_referent_count(store *s, const char *operator_code, const char *departement, int64_t *n)
{
	*n = 0;
	return store_once(
	    s, "referent_count",
	    "SELECT COUNT(*) FROM operator_referents r JOIN users u ON u.id = r.user_id WHERE "
	    "u.role = 'operator' AND u.active = 1 AND u.operator_code = ? AND r.departement = ?",
	    PARAMS(P_TEXT(operator_code), P_TEXT(departement)), n, 1);
}

int store_purge_escalations(store *s, arena *a, int64_t before, int64_t now, int dry_run, int64_t *n,
                            char ***hashes, size_t *nhashes)
{
	const char *op = "purge_escalations";
	*n = 0;
	*hashes = NULL;
	*nhashes = 0;
	if (dry_run)
		return store_once(
		    s, op,
		    "SELECT COUNT(*) FROM escalations WHERE status = 'cloturee' AND closed_at < ? "
		    "AND wiped_at = 0",
		    PARAMS(P_INT(before)), n, 1);
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	void *rows = NULL;
	if (rc == STORE_OK) {
		/* The documents of those escalations that no other row names: the
		 * caller removes their files once this is committed. */
		rc = store_rows_collect(
		    s, c, op,
		    store_prep(s, c, op,
		               "SELECT DISTINCT f.sha256 FROM escalation_files f JOIN escalations e ON "
		               "e.id = f.escalation_id WHERE e.status = 'cloturee' AND e.closed_at < ? "
		               "AND e.wiped_at = 0 AND NOT EXISTS (SELECT 1 FROM escalation_files g "
		               "JOIN escalations x ON x.id = g.escalation_id WHERE g.sha256 = f.sha256 "
		               "AND NOT (x.status = 'cloturee' AND x.closed_at < ? AND x.wiped_at = 0))",
		               PARAMS(P_INT(before), P_INT(before))),
		    a, sizeof(char *), read_text, &rows, nhashes);
		if (rc >= 0)
			rc = store_run(s, c, op,
			               "DELETE FROM escalation_files WHERE escalation_id IN (SELECT id FROM "
			               "escalations WHERE status = 'cloturee' AND closed_at < ? AND "
			               "wiped_at = 0)",
			               PARAMS(P_INT(before)), NULL);
		if (rc >= 0)
			rc = store_run(
			    s, c, op,
			    "UPDATE escalation_events SET body = '' WHERE escalation_id IN (SELECT id FROM "
			    "escalations WHERE status = 'cloturee' AND closed_at < ? AND wiped_at = 0)",
			    PARAMS(P_INT(before)), NULL);
		if (rc >= 0)
			rc = store_run(
			    s, c, op,
			    "UPDATE escalations SET question = '', wiped_at = ? WHERE status = 'cloturee' "
			    "AND closed_at < ? AND wiped_at = 0 RETURNING id",
			    PARAMS(P_INT(now), P_INT(before)), NULL);
		if (rc >= 0)
			*n = rc;
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (rc != STORE_OK) {
		*n = 0;
		*nhashes = 0;
		rows = NULL;
	}
	*hashes = rows;
	return rc;
}

static int read_id(db_stmt *st, arena *a, void *row)
{
	(void)a;
	*(int64_t *)row = db_col_int(st, 0);
	return 0;
}

int store_escalation_recipients(store *s, arena *a, const store_escalation *e, int side, int64_t **ids,
                                size_t *n)
{
	const char *op = "escalation_recipients";
	db_conn *c = db_acquire(s->db);
	void *rows = NULL;
	db_stmt *st;
	if (side == 0)
		st = store_prep(
		    s, c, op,
		    "SELECT u.id FROM operator_referents r JOIN users u ON u.id = r.user_id WHERE "
		    "u.role = 'operator' AND u.active = 1 AND u.operator_code = ? AND "
		    "r.departement = ? ORDER BY u.id LIMIT ?",
		    PARAMS(P_TEXT(e->operator_code), P_TEXT(e->departement), P_INT(LIMIT_PAGE_ROWS)));
	else
		/* The adviser who wrote it, while still at the site; else
		 * whoever manages the site. */
		st = store_prep(s, c, op,
		                "SELECT u.id FROM users u JOIN user_sites us ON us.user_id = u.id AND "
		                "us.site_id = ? WHERE u.active = 1 AND (u.id = ? OR (u.role = 'manager' AND "
		                "NOT EXISTS (SELECT 1 FROM users w JOIN user_sites ws ON ws.user_id = w.id "
		                "AND ws.site_id = ? WHERE w.id = ? AND w.active = 1))) ORDER BY u.id LIMIT ?",
		                PARAMS(P_INT(e->site_id), P_INT(e->created_by), P_INT(e->site_id),
		                       P_INT(e->created_by), P_INT(LIMIT_PAGE_ROWS)));
	int rc = store_rows_collect(s, c, op, st, a, sizeof(int64_t), read_id, &rows, n);
	db_release(s->db, c);
	*ids = rows;
	return rc;
}

int store_escalation_overdue_list(store *s, int64_t now, int64_t *ids, size_t max, size_t *n)
{
	const char *op = "escalation_overdue_list";
	*n = 0;
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, op,
	                         "SELECT id FROM escalations WHERE status IN ('envoyee', 'en_cours') AND "
	                         "due_at > 0 AND due_at < ? AND overdue_notified_at < due_at ORDER BY "
	                         "due_at, id LIMIT ?",
	                         PARAMS(P_INT(now), P_INT((int64_t)max)));
	if (!st) {
		db_release(s->db, c);
		return STORE_ERROR;
	}
	int step;
	while ((step = db_step(st)) == DB_ROW && *n < max)
		ids[(*n)++] = db_col_int(st, 0);
	db_done(st);
	int rc = step == DB_ROW || step == DB_DONE ? STORE_OK : store_fail(s, op, step, db_errmsg(c));
	db_release(s->db, c);
	return rc;
}

int store_escalation_overdue_mark(store *s, int64_t id, int64_t now)
{
	int64_t first = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_run(s, c, "escalation_overdue_mark",
	                   "UPDATE escalations SET overdue_notified_at = ? WHERE id = ? AND status IN "
	                   "('envoyee', 'en_cours') AND due_at > 0 AND due_at < ? AND overdue_notified_at "
	                   "< due_at RETURNING id",
	                   PARAMS(P_INT(now), P_INT(id), P_INT(now)), &first);
	db_release(s->db, c);
	if (rc < 0)
		return rc;
	return rc > 0 ? STORE_OK : STORE_CONFLICT;
}
