/*
 * store_privacy.c: the retention of personal data and the rights of an
 * identified person (docs/privacy.md), as SQL: the purge of each kind of
 * personal data past its period, counted first so that a dry run tells
 * what a real one would do; the erasure of one person's identity; and the
 * reads of everything held about her for the export.
 *
 * Removing an identity never touches what the statistics count: the
 * visitor row keeps identified = 1, its consent reason (a code) and its
 * profile, so that her visits stay one person's anonymous visits. Only
 * the name, the phone, the e-mail, the consent date, and the free texts of
 * her demands that may name her (note, mandate reference) are emptied. An
 * identified row whose four identity columns are empty is an erased one.
 */
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_sync_impl.h"
#include "store/store_visits_impl.h"

/* The identified visitors whose identity is still there. */
#define HOLDS_IDENTITY                                                                                       \
	"p.identified = 1 AND (p.full_name <> '' OR p.phone <> '' OR p.email <> '' OR p.consent_at <> 0)"

/* Identified visitors neither identified nor seen (a live visit) since
 * the cutoff: the two parameters are the cutoff twice. */
#define STALE_VISITORS                                                                                       \
	"SELECT p.id FROM visitors p WHERE " HOLDS_IDENTITY " AND p.consent_at < ? AND NOT EXISTS "          \
	"(SELECT 1 FROM visits x WHERE x.visitor_id = p.id AND x.deleted_at = 0 AND x.started_at >= ?)"

/* Runs count, then (unless dry_run) each write, in one transaction so that
 * the count is what the writes touch. Every statement takes the same
 * parameters except the writes' first one, now (their updated_at), when
 * with_now is set. */
typedef struct purge_job {
	const char *op;
	const char *count;
	const char *writes[2];
	int with_now;
	int of_visits; /* writes what pages of visits show (store_count_cache.c) */
} purge_job;

static int purge(store *s, const purge_job *j, const int64_t *args, size_t nargs, int64_t now, int dry_run,
                 int64_t *n)
{
	store_param p[4];
	size_t np = 0;
	*n = 0;
	p[np++] = P_INT(now);
	for (size_t i = 0; i < nargs && np < COUNT(p); i++)
		p[np++] = P_INT(args[i]);
	db_conn *c = db_acquire(s->db);
	int rc = dry_run ? STORE_OK : store_tx_begin(s, c, j->op);
	if (rc == STORE_OK)
		rc = store_run(s, c, j->op, j->count, p + 1, np - 1, n) < 0 ? STORE_ERROR : STORE_OK;
	for (size_t i = 0; !dry_run && rc == STORE_OK && *n > 0 && i < COUNT(j->writes) && j->writes[i]; i++)
		if (store_run(s, c, j->op, j->writes[i], j->with_now ? p : p + 1, j->with_now ? np : np - 1,
		              NULL) < 0)
			rc = STORE_ERROR;
	if (!dry_run)
		rc = store_tx_end(s, c, j->op, rc);
	db_release(s->db, c);
	if (rc != STORE_OK)
		*n = 0;
	else if (!dry_run && *n > 0 && j->of_visits)
		store_site_changed(s, 0);
	return rc;
}

int store_purge_visitors(store *s, int64_t before, int64_t now, int dry_run, int64_t *n)
{
	/* The demands first: once the visitors are emptied they no longer
	 * match the selection. */
	static const purge_job j = {
	    "purge_visitors",
	    "SELECT COUNT(*) FROM (" STALE_VISITORS ") t",
	    {"UPDATE demands SET note = '', mandate_ref = '', updated_at = ? WHERE (note <> '' OR "
	     "mandate_ref <> '') AND visit_id IN (SELECT v.id FROM visits v WHERE v.visitor_id IN "
	     "(" STALE_VISITORS "))",
	     "UPDATE visitors SET full_name = '', phone = '', email = '', consent_at = 0, updated_at = ? "
	     "WHERE id IN (" STALE_VISITORS ")"},
	    1,
	    1,
	};
	int64_t args[] = {before, before};
	return purge(s, &j, args, COUNT(args), now, dry_run, n);
}

int store_purge_comments(store *s, int64_t before, int64_t now, int dry_run, int64_t *n)
{
	static const purge_job j = {
	    "purge_comments",
	    "SELECT COUNT(*) FROM satisfaction WHERE comment <> '' AND answered_at < ?",
	    {"UPDATE satisfaction SET comment = '', updated_at = ? WHERE comment <> '' AND answered_at < ?",
	     NULL},
	    1,
	    0,
	};
	int64_t args[] = {before};
	return purge(s, &j, args, COUNT(args), now, dry_run, n);
}

int store_purge_sessions(store *s, int64_t idle_before, int64_t created_before, int dry_run, int64_t *n)
{
	static const purge_job j = {
	    "purge_sessions",
	    "SELECT COUNT(*) FROM sessions WHERE last_seen < ? OR created_at < ?",
	    {"DELETE FROM sessions WHERE last_seen < ? OR created_at < ?", NULL},
	    0,
	    0,
	};
	int64_t args[] = {idle_before, created_before};
	return purge(s, &j, args, COUNT(args), 0, dry_run, n);
}

int store_purge_login_failures(store *s, int64_t before, int dry_run, int64_t *n)
{
	static const purge_job j = {
	    "purge_login_failures",
	    "SELECT COUNT(*) FROM login_failures WHERE at < ?",
	    {"DELETE FROM login_failures WHERE at < ?", NULL},
	    0,
	    0,
	};
	int64_t args[] = {before};
	return purge(s, &j, args, COUNT(args), 0, dry_run, n);
}

int store_purge_audit(store *s, int64_t before, int dry_run, int64_t *n)
{
	static const purge_job j = {
	    "purge_audit",
	    "SELECT COUNT(*) FROM audit WHERE at < ?",
	    {"DELETE FROM audit WHERE at < ?", NULL},
	    0,
	    0,
	};
	int64_t args[] = {before};
	return purge(s, &j, args, COUNT(args), 0, dry_run, n);
}

/* ---- The rights of one identified person. */

int store_visitor_erase(store *s, int64_t visitor_id, int64_t now)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "visitor_erase");
	int began = rc == STORE_OK;
	if (began)
		rc = store_sync_lock(s, c);
	if (rc == STORE_OK) {
		int rows = store_run(s, c, "visitor_erase",
		                     "SELECT p.id FROM visitors p WHERE p.id = ? AND " HOLDS_IDENTITY,
		                     PARAMS(P_INT(visitor_id)), NULL);
		rc = rows < 0 ? STORE_ERROR : rows == 0 ? STORE_NOT_FOUND : STORE_OK;
	}
	if (rc == STORE_OK &&
	    store_run(s, c, "visitor_erase",
	              "UPDATE demands SET note = '', mandate_ref = '', updated_at = ? WHERE (note <> '' OR "
	              "mandate_ref <> '') AND visit_id IN (SELECT id FROM visits WHERE visitor_id = ?)",
	              PARAMS(P_INT(now), P_INT(visitor_id)), NULL) < 0)
		rc = STORE_ERROR;
	if (rc == STORE_OK &&
	    store_run(s, c, "visitor_erase",
	              "UPDATE visitors SET full_name = '', phone = '', email = '', consent_at = 0, "
	              "updated_at = ? WHERE id = ?",
	              PARAMS(P_INT(now), P_INT(visitor_id)), NULL) < 0)
		rc = STORE_ERROR;
	/* The erasure travels to the centre with each visit (docs/sync.md). */
	if (rc == STORE_OK)
		rc = store_sync_capture_visitor(s, c, visitor_id, now);
	if (began)
		rc = store_tx_end(s, c, "visitor_erase", rc);
	db_release(s->db, c);
	if (rc == STORE_OK)
		store_site_changed(s, 0); /* kept pages of visits hold the visitor */
	return rc;
}

int store_visitor_visits(store *s, arena *a, int64_t visitor_id, size_t limit, store_visit **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec vec = {.size = sizeof(store_visit)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "visitor_visits",
	                         "SELECT " SV_VISIT_COLS ", " SV_VISITOR_COLS SV_VISIT_FROM
	                         " WHERE v.visitor_id = ? ORDER BY v.started_at, v.id LIMIT ?",
	                         PARAMS(P_INT(visitor_id), P_INT((int64_t)limit)));
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE;
	while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		store_visit *v = store_vec_push(&vec);
		memset(v, 0, sizeof *v);
		if (sv_read_visit(st, 0, a, v) != 0 || sv_read_visitor(st, SV_NVISIT, a, &v->visitor) != 0)
			rc = store_fail(s, "visitor_visits", DB_ERROR, "arena full");
	}
	if (st && rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "visitor_visits", step, db_errmsg(c));
	if (st)
		db_done(st);
	/* The demands after the visits: one statement at a time per connection. */
	store_visit *v = vec.v;
	for (size_t i = 0; rc == STORE_OK && i < vec.n; i++)
		rc = sv_load_demands(s, c, a, &v[i]);
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&vec, a, (void **)out, n) != 0)
		rc = store_fail(s, "visitor_visits", DB_ERROR, "arena full");
	store_vec_free(&vec);
	return rc;
}

int store_audit_about_visitor(store *s, arena *a, int64_t visitor_id, size_t limit, store_audit **out,
                              size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = sizeof(store_audit)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(
	    s, c, "audit_about_visitor",
	    "SELECT id, at, user_id, action, object, object_id, site_id, address, detail FROM audit "
	    "WHERE (object = 'visitor' AND object_id = ?) OR (object = 'visit' AND object_id IN "
	    "(SELECT id FROM visits WHERE visitor_id = ?)) ORDER BY at, id LIMIT ?",
	    PARAMS(P_INT(visitor_id), P_INT(visitor_id), P_INT((int64_t)limit)));
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE;
	while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		int oom = 0;
		store_audit_row(a, st, store_vec_push(&v), &oom);
		if (oom)
			rc = store_fail(s, "audit_about_visitor", DB_ERROR, "arena full");
	}
	if (st && rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "audit_about_visitor", step, db_errmsg(c));
	if (st)
		db_done(st);
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "audit_about_visitor", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

int store_visitor_erased(const store_visitor *p)
{
	return p->identified && !*p->full_name && !*p->phone && !*p->email && p->consent_at == 0;
}
