/*
 * store_sync.c: the store's side of synchronisation (store_sync.h,
 * docs/sync.md): the origin, the capture of every write in sync_log, the
 * attachment, the history, the rejects, the generic rows of the bundle,
 * and the transactional apply of a batch with the conflict rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_sync.h"
#include "store/store_sync_impl.h"
#include "util/i18n.h"
#include "util/json.h"

#define SETTING_ORIGIN "sync_origin"
#define ORIGIN_BYTES 16
#define ORIGIN_HEX (2 * ORIGIN_BYTES + 1)
/* The longest statement built here (an INSERT of some 30 columns). */
#define SQL_BYTES ((size_t)4096)

/* ---- Columns that travel ---------------------------------------------- */

#define CI(n)                                                                                                \
	{                                                                                                    \
		n, 'i'                                                                                       \
	}
#define CT(n)                                                                                                \
	{                                                                                                    \
		n, 't'                                                                                       \
	}

static const store_sync_col sites_cols[] = {CI("id"),
                                            CT("name"),
                                            CT("type"),
                                            CT("commune_insee"),
                                            CT("departement"),
                                            CT("address"),
                                            CT("opening_hours"),
                                            CT("languages"),
                                            CT("accessibility"),
                                            CT("accessibility_note"),
                                            CI("created_at"),
                                            CI("updated_at"),
                                            CI("correction_days"),
                                            CT("phone")};
static const store_sync_col users_cols[] = {
    CI("id"),          CT("email"),         CT("name"),          CT("role"),
    CT("departement"), CT("operator_code"), CT("password_hash"), CI("active"),
    CI("created_at"),  CI("updated_at")};
static const store_sync_col user_sites_cols[] = {CI("user_id"), CI("site_id")};
static const store_sync_col operators_cols[] = {CT("code"),          CT("name"),   CI("national"),
                                                CI("deadline_days"), CI("active"), CI("sort")};
static const store_sync_col themes_cols[] = {CT("code"), CT("label"), CI("sort")};
static const store_sync_col topics_cols[] = {CT("code"), CT("label"), CI("sort"), CI("active")};
static const store_sync_col procedures_cols[] = {
    CI("id"), CT("label"), CT("theme_code"), CT("operator_code"), CT("url"), CT("documents"), CI("active")};
static const store_sync_col regions_cols[] = {CT("code"), CT("name")};
static const store_sync_col departements_cols[] = {CT("code"), CT("name"), CT("region_code")};
static const store_sync_col communes_cols[] = {CT("code"),        CT("name"),   CT("name_folded"),
                                               CT("departement"), CT("region"), CT("postcodes"),
                                               CI("population")};
static const store_sync_col postcodes_cols[] = {CT("postcode"), CT("code")};

/* The records: uid, changed_at and changed_origin first in each. */
static const store_sync_col visits_cols[] = {CT("uid"),        CI("changed_at"), CT("changed_origin"),
                                             CI("site_id"),    CI("agent_id"),   CI("started_at"),
                                             CT("channel"),    CT("place"),      CI("duration_min"),
                                             CI("created_at"), CI("deleted_at")};
static const store_sync_col visitors_cols[] = {
    CT("uid"),        CI("changed_at"),   CT("changed_origin"),  CI("site_id"),       CT("age_bracket"),
    CI("birth_year"), CT("gender"),       CT("social_status"),   CT("commune_insee"), CI("no_phone"),
    CI("no_email"),   CI("no_device"),    CI("no_internet"),     CI("allophone"),     CT("languages"),
    CI("illiteracy"), CT("disabilities"), CI("very_precarious"), CI("identified"),    CT("full_name"),
    CT("phone"),      CT("email"),        CT("consent_reason"),  CI("consent_at"),    CI("created_at"),
    CT("phone_kind")};
static const store_sync_col demands_cols[] = {
    CT("operator_code"),     CT("theme_code"),  CI("procedure_id"),  CT("procedure_text"), CT("level"),
    CT("mandate_type"),      CT("mandate_ref"), CI("autonomy"),      CT("equipment"),      CT("interpreting"),
    CT("interpreting_lang"), CT("outcome"),     CT("referral_type"), CI("duration_min"),   CT("note"),
    CI("created_at")};
static const store_sync_col workshops_cols[] = {CT("uid"),
                                                CI("changed_at"),
                                                CT("changed_origin"),
                                                CI("site_id"),
                                                CI("agent_id"),
                                                CT("topic_code"),
                                                CT("level"),
                                                CI("held_at"),
                                                CI("duration_min"),
                                                CI("participants"),
                                                CI("g_feminin"),
                                                CI("g_masculin"),
                                                CI("g_non_communique"),
                                                CI("a_moins_de_12"),
                                                CI("a_12_17"),
                                                CI("a_18_24"),
                                                CI("a_25_39"),
                                                CI("a_40_59"),
                                                CI("a_60_69"),
                                                CI("a_70_plus"),
                                                CI("a_non_communique"),
                                                CT("note"),
                                                CI("created_at"),
                                                CI("deleted_at")};
static const store_sync_col satisfaction_cols[] = {CT("uid"),         CI("changed_at"),  CT("changed_origin"),
                                                   CI("site_id"),     CI("answered_at"), CI("overall"),
                                                   CI("clarity"),     CT("comment"),     CT("source"),
                                                   CI("recorded_by"), CI("created_at"),  CI("deleted_at")};

typedef struct table_spec {
	const char *name;
	const store_sync_col *cols;
	size_t ncols;
	const char *key;   /* the conflict target of an upsert */
	const char *where; /* the rows of the bundle: NULL for all */
	const char *order;
} table_spec;

#define SPEC(n, c, k, w, o)                                                                                  \
	{                                                                                                    \
		n, c, COUNT(c), k, w, o                                                                      \
	}
static const table_spec specs[] = {
    SPEC("sites", sites_cols, "id", "id = ?", "id"),
    SPEC("users", users_cols, "id", "id IN (SELECT user_id FROM user_sites WHERE site_id = ?)", "id"),
    SPEC("user_sites", user_sites_cols, "user_id, site_id", "site_id = ?", "user_id"),
    SPEC("operators", operators_cols, "code", NULL, "code"),
    SPEC("themes", themes_cols, "code", NULL, "code"),
    SPEC("skill_topics", topics_cols, "code", NULL, "code"),
    SPEC("procedures", procedures_cols, "id", NULL, "id"),
    SPEC("regions", regions_cols, "code", NULL, "code"),
    SPEC("departements", departements_cols, "code", NULL, "code"),
    SPEC("communes", communes_cols, "code", "code > ?", "code"),
    SPEC("commune_postcodes", postcodes_cols, "postcode, code", "code > ?", "code, postcode"),
    SPEC("visits", visits_cols, "uid", NULL, NULL),
    SPEC("visitors", visitors_cols, "uid", NULL, NULL),
    SPEC("demands", demands_cols, NULL, NULL, NULL),
    SPEC("workshops", workshops_cols, "uid", NULL, NULL),
    SPEC("satisfaction", satisfaction_cols, "uid", NULL, NULL),
};

static const table_spec *spec_of(const char *table)
{
	for (size_t i = 0; table && i < COUNT(specs); i++)
		if (strcmp(specs[i].name, table) == 0)
			return &specs[i];
	return NULL;
}

const store_sync_col *store_sync_columns(const char *table, size_t *n)
{
	const table_spec *t = spec_of(table);
	*n = t ? t->ncols : 0;
	return t ? t->cols : NULL;
}

store_sync_val *store_sync_field(const char *table, const store_sync_row *r, const char *name)
{
	const table_spec *t = spec_of(table);
	for (size_t i = 0; t && r->v && i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

const char *store_sync_kind_table(const char *kind)
{
	if (!kind)
		return NULL;
	if (strcmp(kind, "visit") == 0)
		return "visits";
	if (strcmp(kind, "workshop") == 0)
		return "workshops";
	if (strcmp(kind, "satisfaction") == 0)
		return "satisfaction";
	return NULL;
}

/* The letter of a kind's uids (docs/sync.md). */
static char kind_letter(const char *table)
{
	return strcmp(table, "visits") == 0      ? 'v'
	       : strcmp(table, "visitors") == 0  ? 'p'
	       : strcmp(table, "workshops") == 0 ? 'w'
	                                         : 's';
}

/* A column that holds NULL for "none" and travels as 0. */
static int zero_is_null(const char *table, const char *col)
{
	return (strcmp(col, "agent_id") == 0 && strcmp(table, "satisfaction") != 0) ||
	       strcmp(col, "procedure_id") == 0;
}

static void select_list(buf *sql, const table_spec *t, const char *prefix)
{
	for (size_t i = 0; i < t->ncols; i++) {
		const char *c = t->cols[i].name;
		if (zero_is_null(t->name, c))
			buf_printf(sql, "%sCOALESCE(%s%s, 0)", i ? ", " : "", prefix, c);
		else
			buf_printf(sql, "%s%s%s", i ? ", " : "", prefix, c);
	}
}

/* Reads the columns of t from st starting at column first into a new row. */
static int read_row(db_stmt *st, int first, arena *a, const table_spec *t, store_sync_row *r)
{
	int oom = 0;
	r->v = arena_alloc(a, t->ncols * sizeof *r->v);
	if (!r->v)
		return -1;
	for (size_t i = 0; i < t->ncols; i++) {
		r->v[i].t = NULL;
		r->v[i].i = 0;
		if (t->cols[i].type == 'i')
			r->v[i].i = db_col_int(st, first + (int)i);
		else
			r->v[i].t = store_col_dup(a, st, first + (int)i, &oom);
	}
	return oom ? -1 : 0;
}

static store_param val_param(const table_spec *t, size_t i, const store_sync_val *v)
{
	return t->cols[i].type == 'i' ? P_INT(v->i) : P_TEXT(v->t ? v->t : "");
}

/* ---- The origin -------------------------------------------------------- */

/* The origin on c, made when missing. The existing rows keep uid '' until
 * their first logged change (docs/sync.md, "Global ids"). */
static int origin_on(store *s, db_conn *c, char out[ORIGIN_HEX])
{
	for (int tries = 0; tries < 2; tries++) {
		db_stmt *st = store_prep(s, c, "sync_origin", "SELECT value FROM settings WHERE key = ?",
		                         PARAMS(P_TEXT(SETTING_ORIGIN)));
		if (!st)
			return STORE_ERROR;
		int step = db_step(st), found = 0;
		if (step == DB_ROW) {
			const char *v = db_col_text(st, 0);
			if (v && strlen(v) == ORIGIN_HEX - 1) {
				memcpy(out, v, ORIGIN_HEX);
				found = 1;
			}
		}
		int rc = step == DB_ROW || step == DB_DONE ? STORE_OK
		                                           : store_fail(s, "sync_origin", step, db_errmsg(c));
		db_done(st);
		if (rc != STORE_OK || found)
			return rc;
		unsigned char raw[ORIGIN_BYTES];
		char hex[ORIGIN_HEX];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
		rc = store_run(s, c, "sync_origin",
		               "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
		               PARAMS(P_TEXT(SETTING_ORIGIN), P_TEXT(hex)), NULL);
		if (rc < 0)
			return rc;
	}
	return store_fail(s, "sync_origin", DB_ERROR, "origin not kept");
}

int store_sync_origin(store *s, arena *a, char **origin)
{
	char hex[ORIGIN_HEX];
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "sync_origin");
	if (rc == STORE_OK)
		rc = store_tx_end(s, c, "sync_origin", origin_on(s, c, hex));
	db_release(s->db, c);
	if (rc == STORE_OK) {
		*origin = arena_strdup(a, hex);
		if (!*origin)
			rc = store_fail(s, "sync_origin", DB_ERROR, "arena full");
	}
	return rc;
}

/* ---- The log ----------------------------------------------------------- */

static void new_change_id(const char *origin, char out[ORIGIN_HEX + 18])
{
	unsigned char raw[8];
	char hex[17];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	snprintf(out, ORIGIN_HEX + 18, "%s:%s", origin, hex);
}

static int log_append(store *s, db_conn *c, const char *own_origin, const char *kind, const char *uid,
                      int64_t site_id, const char *origin, int64_t now, int64_t pushed_at)
{
	char change_id[ORIGIN_HEX + 18];
	new_change_id(own_origin, change_id);
	/* The number in commit order (sql/023_sync.sql): the counter's row
	 * stays locked until this transaction ends. */
	int64_t seq = 0;
	/* On PostgreSQL the counter's row is locked with SELECT … FOR UPDATE
	 * (store_sync_lock) and the number read from the log: updating one row
	 * for every change of a long transaction (an import) would leave a
	 * chain of its versions that each update walks again. */
	int rows = db_kind_of(s->db) == DB_POSTGRES
	               ? store_run(s, c, "sync_log", "SELECT COALESCE(MAX(seq), 0) + 1 FROM sync_log",
	                           NO_PARAMS, &seq)
	               : store_run(s, c, "sync_log",
	                           "UPDATE sync_seq SET last = last + 1 WHERE id = 1 RETURNING last",
	                           NO_PARAMS, &seq);
	if (rows == 0)
		return store_fail(s, "sync_log", DB_ERROR, "no sync_seq row");
	if (rows > 0)
		rows =
		    store_run(s, c, "sync_log",
		              "INSERT INTO sync_log (seq, change_id, kind, uid, site_id, origin, created_at, "
		              "pushed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		              PARAMS(P_INT(seq), P_TEXT(change_id), P_TEXT(kind), P_TEXT(uid), P_INT(site_id),
		                     P_TEXT(origin), P_INT(now), P_INT(pushed_at)),
		              NULL);
	return rows < 0 ? rows : STORE_OK;
}

/* changed_at only grows: a change in the same second as the previous one
 * (or after a version from a server whose clock is ahead) gets the next
 * second, so that two successive states are never taken as one
 * (docs/sync.md). */
/* Gives the row its uid when it has none and marks it changed here now;
 * its uid and site in uid (ORIGIN_HEX + 24 bytes) and *site_id. */
static int mark_changed(store *s, db_conn *c, const char *table, const char *origin, int64_t id, int64_t now,
                        char *uid, size_t uidlen, int64_t *site_id)
{
	char sql[320], fresh[ORIGIN_HEX + 24];
	snprintf(fresh, sizeof fresh, "%s:%c%lld", origin, kind_letter(table), (long long)id);
	snprintf(sql, sizeof sql,
	         "UPDATE %s SET uid = CASE WHEN uid = '' THEN ? ELSE uid END, "
	         "changed_at = CASE WHEN changed_at >= ? THEN changed_at + 1 ELSE ? END, "
	         "changed_origin = ? WHERE id = ? RETURNING uid, site_id",
	         table);
	db_stmt *st = store_prep(s, c, "sync_capture", sql,
	                         PARAMS(P_TEXT(fresh), P_INT(now), P_INT(now), P_TEXT(origin), P_INT(id)));
	if (!st)
		return STORE_ERROR;
	int step = db_step(st), rc = STORE_OK;
	if (step == DB_ROW) {
		snprintf(uid, uidlen, "%s", db_col_text(st, 0) ? (const char *)db_col_text(st, 0) : "");
		*site_id = db_col_int(st, 1);
		while ((step = db_step(st)) == DB_ROW)
			;
	}
	if (step != DB_DONE)
		rc = *uid ? store_fail(s, "sync_capture", step, db_errmsg(c)) : STORE_NOT_FOUND;
	db_done(st);
	return rc;
}

int store_sync_capture(store *s, db_conn *c, const char *kind, int64_t id, int64_t now)
{
	const char *table = store_sync_kind_table(kind);
	if (!table)
		return store_fail(s, "sync_capture", DB_ERROR, "unknown kind");
	char origin[ORIGIN_HEX], uid[ORIGIN_HEX + 24] = "";
	int64_t site_id = 0;
	int rc = origin_on(s, c, origin);
	if (rc == STORE_OK)
		rc = mark_changed(s, c, table, origin, id, now, uid, sizeof uid, &site_id);
	if (rc == STORE_OK && strcmp(table, "visits") == 0) {
		/* The visitor travels inside its visit. */
		int64_t visitor_id = 0;
		int rows = store_run(s, c, "sync_capture", "SELECT visitor_id FROM visits WHERE id = ?",
		                     PARAMS(P_INT(id)), &visitor_id);
		char vuid[ORIGIN_HEX + 24] = "";
		int64_t vsite = 0;
		rc = rows < 0 ? rows
		     : rows == 0
		         ? STORE_NOT_FOUND
		         : mark_changed(s, c, "visitors", origin, visitor_id, now, vuid, sizeof vuid, &vsite);
	}
	if (rc == STORE_OK)
		rc = log_append(s, c, origin, kind, uid, site_id, origin, now, 0);
	return rc;
}

int store_sync_lock(store *s, db_conn *c)
{
	int rows = db_kind_of(s->db) == DB_POSTGRES
	               ? store_run(s, c, "sync_lock", "SELECT last FROM sync_seq WHERE id = 1 FOR UPDATE",
	                           NO_PARAMS, NULL)
	               : store_run(s, c, "sync_lock", "UPDATE sync_seq SET last = last WHERE id = 1",
	                           NO_PARAMS, NULL);
	return rows < 0 ? rows : STORE_OK;
}

int store_once_logged(store *s, const char *op, const char *sql, const store_param *p, size_t n,
                      int64_t *first, const char *kind)
{
	int64_t id = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK)
		rc = store_sync_lock(s, c);
	if (rc == STORE_OK) {
		int rows = store_run(s, c, op, sql, p, n, &id);
		rc = rows < 0    ? rows
		     : rows == 0 ? STORE_NOT_FOUND
		                 : store_sync_capture(s, c, kind, id, now_s());
		rc = store_tx_end(s, c, op, rc);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && first)
		*first = id;
	return rc;
}

int store_sync_capture_visitor(store *s, db_conn *c, int64_t visitor_id, int64_t now)
{
	store_vec ids = {.size = sizeof(int64_t)};
	db_stmt *st =
	    store_prep(s, c, "sync_capture", "SELECT id FROM visits WHERE visitor_id = ? ORDER BY id",
	               PARAMS(P_INT(visitor_id)));
	if (!st)
		return STORE_ERROR;
	int step, rc = STORE_OK;
	while ((step = db_step(st)) == DB_ROW)
		*(int64_t *)store_vec_push(&ids) = db_col_int(st, 0);
	if (step != DB_DONE)
		rc = store_fail(s, "sync_capture", step, db_errmsg(c));
	db_done(st);
	for (size_t i = 0; rc == STORE_OK && i < ids.n; i++)
		rc = store_sync_capture(s, c, "visit", ((int64_t *)ids.v)[i], now);
	store_vec_free(&ids);
	return rc;
}

/* ---- Attachment, pending, history, rejects ----------------------------- */

static int read_state(db_stmt *st, arena *a, void *row)
{
	store_sync_state *o = row;
	int oom = 0;
	o->server_url = store_col_dup(a, st, 0, &oom);
	o->token = store_col_dup(a, st, 1, &oom);
	o->site_id = db_col_int(st, 2);
	o->pull_cursor = db_col_int(st, 3);
	o->attached_at = db_col_int(st, 4);
	o->last_ok_at = db_col_int(st, 5);
	o->last_try_at = db_col_int(st, 6);
	o->last_error = store_col_dup(a, st, 7, &oom);
	return oom;
}

int store_sync_state_get(store *s, arena *a, store_sync_state *out)
{
	memset(out, 0, sizeof *out);
	return store_row_one(s, "sync_state",
	                     "SELECT server_url, token, site_id, pull_cursor, attached_at, last_ok_at, "
	                     "last_try_at, last_error FROM sync_state WHERE id = 1",
	                     NO_PARAMS, a, sizeof *out, read_state, out);
}

int store_sync_state_put(store *s, const store_sync_state *st)
{
	return store_once(
	    s, "sync_state",
	    "INSERT INTO sync_state (id, server_url, token, site_id, pull_cursor, attached_at, "
	    "last_ok_at, last_try_at, last_error) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url, token = excluded.token, "
	    "site_id = excluded.site_id, pull_cursor = excluded.pull_cursor, "
	    "attached_at = excluded.attached_at, last_ok_at = excluded.last_ok_at, "
	    "last_try_at = excluded.last_try_at, last_error = excluded.last_error",
	    PARAMS(P_TEXT(st->server_url), P_TEXT(st->token), P_INT(st->site_id), P_INT(st->pull_cursor),
	           P_INT(st->attached_at), P_INT(st->last_ok_at), P_INT(st->last_try_at),
	           P_TEXT(st->last_error)),
	    NULL, 0);
}

int store_sync_pending(store *s, int64_t *count, int64_t *oldest_at)
{
	*count = 0;
	*oldest_at = 0;
	db_conn *c = db_acquire(s->db);
	/* Only an attached store has an outbox: on a centre or a standalone
	 * store nothing waits for anyone. */
	db_stmt *st = store_prep(s, c, "sync_pending",
	                         "SELECT COUNT(*), COALESCE(MIN(created_at), 0) FROM sync_log "
	                         "WHERE pushed_at = 0 AND EXISTS (SELECT 1 FROM sync_state)",
	                         NO_PARAMS);
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			*count = db_col_int(st, 0);
			*oldest_at = db_col_int(st, 1);
			rc = STORE_OK;
		} else {
			rc = store_fail(s, "sync_pending", step, db_errmsg(c));
		}
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_sync_run_add(store *s, const store_sync_run *r)
{
	return store_once(
	    s, "sync_run",
	    "INSERT INTO sync_runs (started_at, ended_at, direction, sent, applied, refused, bytes, "
	    "error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    PARAMS(P_INT(r->started_at), P_INT(r->ended_at), P_TEXT(r->direction), P_INT(r->sent),
	           P_INT(r->applied), P_INT(r->refused), P_INT(r->bytes), P_TEXT(r->error)),
	    NULL, 0);
}

static int read_run(db_stmt *st, arena *a, void *row)
{
	store_sync_run *o = row;
	int oom = 0;
	o->id = db_col_int(st, 0);
	o->started_at = db_col_int(st, 1);
	o->ended_at = db_col_int(st, 2);
	o->direction = store_col_dup(a, st, 3, &oom);
	o->sent = db_col_int(st, 4);
	o->applied = db_col_int(st, 5);
	o->refused = db_col_int(st, 6);
	o->bytes = db_col_int(st, 7);
	o->error = store_col_dup(a, st, 8, &oom);
	return oom;
}

int store_sync_run_list(store *s, arena *a, size_t limit, store_sync_run **out, size_t *n)
{
	return store_rows(s, "sync_runs",
	                  "SELECT id, started_at, ended_at, direction, sent, applied, refused, bytes, error "
	                  "FROM sync_runs ORDER BY started_at DESC, id DESC LIMIT ?",
	                  PARAMS(P_INT((int64_t)limit)), a, sizeof **out, read_run, (void **)out, n);
}

static int reject_on(store *s, db_conn *c, const store_sync_reject *r)
{
	int rows = store_run(s, c, "sync_reject",
	                     "INSERT INTO sync_rejects (at, change_id, kind, uid, reason, side, detail) "
	                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
	                     PARAMS(P_INT(r->at ? r->at : now_s()), P_TEXT(r->change_id), P_TEXT(r->kind),
	                            P_TEXT(r->uid), P_TEXT(r->reason), P_TEXT(r->side ? r->side : "here"),
	                            P_TEXT(r->detail)),
	                     NULL);
	return rows < 0 ? rows : STORE_OK;
}

int store_sync_reject_add(store *s, const store_sync_reject *r)
{
	db_conn *c = db_acquire(s->db);
	int rc = reject_on(s, c, r);
	db_release(s->db, c);
	return rc;
}

static int read_reject(db_stmt *st, arena *a, void *row)
{
	store_sync_reject *o = row;
	int oom = 0;
	o->id = db_col_int(st, 0);
	o->at = db_col_int(st, 1);
	o->change_id = store_col_dup(a, st, 2, &oom);
	o->kind = store_col_dup(a, st, 3, &oom);
	o->uid = store_col_dup(a, st, 4, &oom);
	o->reason = store_col_dup(a, st, 5, &oom);
	o->side = store_col_dup(a, st, 6, &oom);
	o->detail = store_col_dup(a, st, 7, &oom);
	return oom;
}

int store_sync_reject_list(store *s, arena *a, size_t limit, store_sync_reject **out, size_t *n)
{
	return store_rows(s, "sync_rejects",
	                  "SELECT id, at, change_id, kind, uid, reason, side, detail FROM sync_rejects "
	                  "ORDER BY at DESC, id DESC LIMIT ?",
	                  PARAMS(P_INT((int64_t)limit)), a, sizeof **out, read_reject, (void **)out, n);
}

/* ---- The log read ------------------------------------------------------ */

static int read_change(db_stmt *st, arena *a, void *row)
{
	store_sync_change *o = row;
	int oom = 0;
	o->seq = db_col_int(st, 0);
	o->change_id = store_col_dup(a, st, 1, &oom);
	o->kind = store_col_dup(a, st, 2, &oom);
	o->uid = store_col_dup(a, st, 3, &oom);
	o->origin = store_col_dup(a, st, 4, &oom);
	o->site_id = db_col_int(st, 5);
	o->created_at = db_col_int(st, 6);
	return oom;
}

int store_sync_change_list(store *s, arena *a, size_t limit, store_sync_change **out, size_t *n)
{
	return store_rows(s, "sync_changes",
	                  "SELECT seq, change_id, kind, uid, origin, site_id, created_at FROM sync_log "
	                  "WHERE pushed_at = 0 ORDER BY seq LIMIT ?",
	                  PARAMS(P_INT((int64_t)limit)), a, sizeof **out, read_change, (void **)out, n);
}

int store_sync_changes_after(store *s, arena *a, int64_t site_id, int64_t seq, const char *origin,
                             size_t limit, store_sync_change **out, size_t *n, int64_t *last)
{
	*last = seq;
	int rc = store_rows(s, "sync_changes",
	                    "SELECT seq, change_id, kind, uid, origin, site_id, created_at FROM sync_log "
	                    "WHERE site_id = ? AND seq > ? ORDER BY seq LIMIT ?",
	                    PARAMS(P_INT(site_id), P_INT(seq), P_INT((int64_t)limit)), a, sizeof **out,
	                    read_change, (void **)out, n);
	if (rc != STORE_OK)
		return rc;
	/* The cursor moves past every line read, the puller's own included;
	 * only the last line of each uid is kept, and none of the puller's. */
	size_t k = 0;
	for (size_t i = 0; i < *n; i++) {
		store_sync_change *c = &(*out)[i];
		if (c->seq > *last)
			*last = c->seq;
		if (origin && strcmp(c->origin, origin) == 0)
			continue;
		int later = 0;
		for (size_t j = i + 1; !later && j < *n; j++)
			later = strcmp((*out)[j].uid, c->uid) == 0 &&
			        !(origin && strcmp((*out)[j].origin, origin) == 0);
		if (!later)
			(*out)[k++] = *c;
	}
	*n = k;
	return STORE_OK;
}

int store_sync_last_seq(store *s, int64_t *seq)
{
	*seq = 0;
	return store_once(s, "sync_last", "SELECT COALESCE(MAX(seq), 0) FROM sync_log", NO_PARAMS, seq, 0);
}

int store_sync_mark_pushed(store *s, char *const *change_ids, size_t n)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "sync_pushed");
	int64_t now = now_s();
	if (rc == STORE_OK) {
		for (size_t i = 0; rc == STORE_OK && i < n; i++) {
			int rows = store_run(
			    s, c, "sync_pushed",
			    "UPDATE sync_log SET pushed_at = ? WHERE change_id = ? AND pushed_at = 0",
			    PARAMS(P_INT(now), P_TEXT(change_ids[i])), NULL);
			rc = rows < 0 ? rows : STORE_OK;
		}
		rc = store_tx_end(s, c, "sync_pushed", rc);
	}
	db_release(s->db, c);
	return rc;
}

/* ---- Generic rows ------------------------------------------------------ */

int store_sync_table_rows(store *s, arena *a, const char *table, int64_t site_id, const char *after,
                          size_t limit, store_sync_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const table_spec *t = spec_of(table);
	if (!t || !t->order)
		return store_fail(s, "sync_rows", DB_ERROR, "unknown table");
	buf sql;
	buf_init(&sql, SQL_BYTES);
	buf_puts(&sql, "SELECT ");
	select_list(&sql, t, "");
	buf_printf(&sql, " FROM %s", t->name);
	store_param p[2];
	size_t np = 0;
	if (t->where) {
		buf_printf(&sql, " WHERE %s", t->where);
		p[np++] = strstr(t->where, "code > ?") ? P_TEXT(after ? after : "") : P_INT(site_id);
	}
	buf_printf(&sql, " ORDER BY %s", t->order);
	if (limit) {
		buf_puts(&sql, " LIMIT ?");
		p[np++] = P_INT((int64_t)limit);
	}
	if (sql.overflow || !sql.data) {
		buf_free(&sql);
		return store_fail(s, "sync_rows", DB_ERROR, "out of memory");
	}
	store_vec v = {.size = sizeof(store_sync_row)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "sync_rows", sql.data, p, np);
	buf_free(&sql);
	int rc = STORE_ERROR;
	if (st) {
		int step;
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
			if (read_row(st, 0, a, t, store_vec_push(&v)) != 0)
				rc = store_fail(s, "sync_rows", DB_ERROR, "arena full");
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "sync_rows", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "sync_rows", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

/* The placeholders of a row of t: zero-is-null columns wrapped. */
static void values_sql(buf *sql, const table_spec *t, size_t nextra)
{
	for (size_t i = 0; i < t->ncols; i++) {
		buf_puts(sql, i ? ", " : "");
		buf_puts(sql, zero_is_null(t->name, t->cols[i].name) ? "NULLIF(CAST(? AS BIGINT), 0)" : "?");
	}
	for (size_t i = 0; i < nextra; i++)
		buf_puts(sql, ", ?");
}

static void cols_sql(buf *sql, const table_spec *t, const char *extra)
{
	for (size_t i = 0; i < t->ncols; i++)
		buf_printf(sql, "%s%s", i ? ", " : "", t->cols[i].name);
	if (extra)
		buf_printf(sql, ", %s", extra);
}

int store_sync_table_put(store *s, const char *table, const store_sync_row *rows, size_t n)
{
	const table_spec *t = spec_of(table);
	if (!t || !t->key || !t->order)
		return store_fail(s, "sync_put", DB_ERROR, "unknown table");
	buf sql;
	buf_init(&sql, SQL_BYTES);
	buf_printf(&sql, "INSERT INTO %s (", t->name);
	cols_sql(&sql, t, NULL);
	buf_puts(&sql, ") VALUES (");
	values_sql(&sql, t, 0);
	buf_printf(&sql, ") ON CONFLICT (%s) DO ", t->key);
	int any = 0;
	for (size_t i = 0; i < t->ncols; i++) {
		if (strstr(t->key, t->cols[i].name))
			continue;
		buf_printf(&sql, "%s%s = excluded.%s", any ? ", " : "UPDATE SET ", t->cols[i].name,
		           t->cols[i].name);
		any = 1;
	}
	if (!any)
		buf_puts(&sql, "NOTHING");
	if (sql.overflow || !sql.data) {
		buf_free(&sql);
		return store_fail(s, "sync_put", DB_ERROR, "out of memory");
	}
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "sync_put");
	store_param p[32];
	if (rc == STORE_OK) {
		for (size_t r = 0; rc == STORE_OK && r < n; r++) {
			for (size_t i = 0; i < t->ncols && i < COUNT(p); i++)
				p[i] = val_param(t, i, &rows[r].v[i]);
			int k = store_run(s, c, "sync_put", sql.data, p, t->ncols, NULL);
			rc = k < 0 ? k : STORE_OK;
		}
		rc = store_tx_end(s, c, "sync_put", rc);
	}
	db_release(s->db, c);
	buf_free(&sql);
	/* The reference tables hold the catalog, kept in memory against its
	 * generation. */
	if (rc == STORE_OK)
		store_catalog_changed(s);
	return rc;
}

/* ---- Records by uid ---------------------------------------------------- */

/* The id, visitor id (visits) and row of the record uid of table t on c;
 * STORE_NOT_FOUND when absent. */
static int record_row(store *s, db_conn *c, arena *a, const table_spec *t, const char *uid, int64_t *id,
                      int64_t *visitor_id, store_sync_row *row)
{
	buf sql;
	buf_init(&sql, SQL_BYTES);
	buf_puts(&sql, "SELECT id, ");
	buf_puts(&sql, strcmp(t->name, "visits") == 0 ? "visitor_id, " : "0, ");
	select_list(&sql, t, "");
	buf_printf(&sql, " FROM %s WHERE uid = ?", t->name);
	db_stmt *st = sql.data ? store_prep(s, c, "sync_record", sql.data, PARAMS(P_TEXT(uid))) : NULL;
	buf_free(&sql);
	if (!st)
		return STORE_ERROR;
	int step = db_step(st), rc;
	if (step == DB_ROW) {
		*id = db_col_int(st, 0);
		if (visitor_id)
			*visitor_id = db_col_int(st, 1);
		rc = read_row(st, 2, a, t, row) == 0 ? STORE_OK
		                                     : store_fail(s, "sync_record", DB_ERROR, "arena full");
	} else {
		rc = step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, "sync_record", step, db_errmsg(c));
	}
	db_done(st);
	return rc;
}

static int record_by_id(store *s, db_conn *c, arena *a, const table_spec *t, const char *where, int64_t id,
                        store_sync_row **rows, size_t *n)
{
	buf sql;
	buf_init(&sql, SQL_BYTES);
	buf_puts(&sql, "SELECT ");
	select_list(&sql, t, "");
	buf_printf(&sql, " FROM %s WHERE %s", t->name, where);
	db_stmt *st = sql.data ? store_prep(s, c, "sync_record", sql.data, PARAMS(P_INT(id))) : NULL;
	buf_free(&sql);
	if (!st)
		return STORE_ERROR;
	store_vec v = {.size = sizeof(store_sync_row)};
	int step, rc = STORE_OK;
	while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
		if (read_row(st, 0, a, t, store_vec_push(&v)) != 0)
			rc = store_fail(s, "sync_record", DB_ERROR, "arena full");
	if (rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "sync_record", step, db_errmsg(c));
	db_done(st);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)rows, n) != 0)
		rc = store_fail(s, "sync_record", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

static int record_get_on(store *s, db_conn *c, arena *a, const char *kind, const char *uid,
                         store_sync_record *out)
{
	memset(out, 0, sizeof *out);
	const table_spec *t = spec_of(store_sync_kind_table(kind));
	if (!t)
		return STORE_NOT_FOUND;
	out->kind = t->name[0] == 'v' ? "visit" : t->name[0] == 'w' ? "workshop" : "satisfaction";
	out->uid = arena_strdup(a, uid);
	int64_t id = 0, visitor_id = 0;
	int rc = record_row(s, c, a, t, uid, &id, &visitor_id, &out->main);
	if (rc == STORE_OK && strcmp(t->name, "visits") == 0) {
		store_sync_row *v = NULL;
		size_t nv = 0;
		rc = record_by_id(s, c, a, spec_of("visitors"), "id = ?", visitor_id, &v, &nv);
		if (rc == STORE_OK && nv != 1)
			rc = store_fail(s, "sync_record", DB_ERROR, "visit without visitor");
		if (rc == STORE_OK)
			out->visitor = v[0];
		if (rc == STORE_OK)
			rc = record_by_id(s, c, a, spec_of("demands"), "visit_id = ? ORDER BY id", id,
			                  &out->demands, &out->ndemands);
	}
	return rc;
}

int store_sync_record_get(store *s, arena *a, const char *kind, const char *uid, store_sync_record *out)
{
	db_conn *c = db_acquire(s->db);
	int rc = record_get_on(s, c, a, kind, uid, out);
	db_release(s->db, c);
	return rc;
}

/* ---- The journal of a version not kept --------------------------------- */

static void row_json(json_writer *w, const table_spec *t, const store_sync_row *r)
{
	json_object_open(w);
	for (size_t i = 0; r->v && i < t->ncols; i++) {
		json_key(w, t->cols[i].name);
		if (t->cols[i].type == 'i')
			json_int(w, r->v[i].i);
		else
			json_str(w, r->v[i].t ? r->v[i].t : "");
	}
}

/* The record as it travels (docs/sync.md), in the arena; "" when it does
 * not fit. */
static char *record_json(arena *a, const store_sync_record *rec)
{
	buf b;
	buf_init(&b, (size_t)1 << 20);
	json_writer w;
	json_begin(&w, &b);
	const table_spec *t = spec_of(store_sync_kind_table(rec->kind));
	row_json(&w, t, &rec->main);
	if (strcmp(t->name, "visits") == 0) {
		json_key(&w, "visitor");
		row_json(&w, spec_of("visitors"), &rec->visitor);
		json_object_close(&w);
		json_key(&w, "demands");
		json_array_open(&w);
		for (size_t i = 0; i < rec->ndemands; i++) {
			row_json(&w, spec_of("demands"), &rec->demands[i]);
			json_object_close(&w);
		}
		json_array_close(&w);
	}
	json_object_close(&w);
	char *out = !b.overflow && b.data ? arena_strdup(a, b.data) : NULL;
	buf_free(&b);
	return out ? out : "";
}

/* ---- The conflict rules ------------------------------------------------ */

enum store_sync_action store_sync_decide(int exists, int64_t here_at, const char *here_origin,
                                         int64_t here_deleted, int64_t in_at, const char *in_origin,
                                         int64_t in_deleted)
{
	if (!exists)
		return SYNC_INSERT;
	if (here_at == in_at && strcmp(here_origin ? here_origin : "", in_origin ? in_origin : "") == 0)
		return SYNC_SAME;
	if (in_deleted)
		return here_deleted ? SYNC_SAME : SYNC_DELETE;
	if (here_deleted)
		return SYNC_KEEP_DELETED;
	int later = in_at > here_at || (in_at == here_at && strcmp(in_origin ? in_origin : "",
	                                                           here_origin ? here_origin : "") > 0);
	return later ? SYNC_OVERWRITE : SYNC_KEEP_HERE;
}

/* ---- Apply ------------------------------------------------------------- */

typedef struct apply_ctx {
	store *s;
	db_conn *c;
	arena *a;
	char origin[ORIGIN_HEX];
	int64_t now;
} apply_ctx;

static int64_t vint(const char *table, const store_sync_row *r, const char *name)
{
	store_sync_val *v = store_sync_field(table, r, name);
	return v ? v->i : 0;
}

static const char *vtext(const char *table, const store_sync_row *r, const char *name)
{
	store_sync_val *v = store_sync_field(table, r, name);
	return v && v->t ? v->t : "";
}

/* Writes the row of t: a new row (id 0: inserted, *id given back) or the
 * row id replaced; extra columns (visit_id, visitor_id, updated_at…) are
 * given by the caller as names and values. */
static int write_row(apply_ctx *x, const table_spec *t, const store_sync_row *r, int64_t *id,
                     const char *const *xn, const store_param *xv, size_t nx)
{
	buf sql;
	buf_init(&sql, SQL_BYTES);
	store_param p[48];
	size_t np = 0;
	if (*id == 0) {
		buf_printf(&sql, "INSERT INTO %s (", t->name);
		cols_sql(&sql, t, NULL);
		for (size_t i = 0; i < nx; i++)
			buf_printf(&sql, ", %s", xn[i]);
		buf_puts(&sql, ") VALUES (");
		values_sql(&sql, t, nx);
		buf_puts(&sql, ") RETURNING id");
	} else {
		buf_printf(&sql, "UPDATE %s SET ", t->name);
		for (size_t i = 0; i < t->ncols; i++)
			buf_printf(&sql, "%s%s = %s", i ? ", " : "", t->cols[i].name,
			           zero_is_null(t->name, t->cols[i].name) ? "NULLIF(CAST(? AS BIGINT), 0)"
			                                                  : "?");
		for (size_t i = 0; i < nx; i++)
			buf_printf(&sql, ", %s = ?", xn[i]);
		buf_puts(&sql, " WHERE id = ? RETURNING id");
	}
	for (size_t i = 0; i < t->ncols; i++)
		p[np++] = val_param(t, i, &r->v[i]);
	for (size_t i = 0; i < nx; i++)
		p[np++] = xv[i];
	if (*id)
		p[np++] = P_INT(*id);
	int64_t got = 0;
	int rows = sql.overflow || !sql.data ? STORE_ERROR
	                                     : store_run(x->s, x->c, "sync_apply", sql.data, p, np, &got);
	buf_free(&sql);
	if (rows < 0)
		return rows;
	if (rows == 0)
		return store_fail(x->s, "sync_apply", DB_ERROR, "row not written");
	*id = got;
	return STORE_OK;
}

/* The local id of the row uid of table, 0 when absent. */
static int local_id(apply_ctx *x, const char *table, const char *uid, int64_t *id, int64_t *site_id)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT id, site_id FROM %s WHERE uid = ?", table);
	*id = 0;
	*site_id = 0;
	db_stmt *st = store_prep(x->s, x->c, "sync_apply", sql, PARAMS(P_TEXT(uid)));
	if (!st)
		return STORE_ERROR;
	int step = db_step(st), rc = STORE_OK;
	if (step == DB_ROW) {
		*id = db_col_int(st, 0);
		*site_id = db_col_int(st, 1);
	} else if (step != DB_DONE) {
		rc = store_fail(x->s, "sync_apply", step, db_errmsg(x->c));
	}
	db_done(st);
	return rc;
}

/* Writes the whole state of a visit: its visitor (found by uid), the
 * visit, its demands replaced. */
static int write_visit(apply_ctx *x, const store_sync_record *r, int64_t *id)
{
	const table_spec *tv = spec_of("visits"), *tp = spec_of("visitors"), *td = spec_of("demands");
	int64_t visitor_id = 0, vsite = 0;
	int rc = local_id(x, "visitors", vtext("visitors", &r->visitor, "uid"), &visitor_id, &vsite);
	if (rc == STORE_OK && visitor_id && vsite != vint("visits", &r->main, "site_id"))
		return STORE_SYNC_OTHER_SITE;
	static const char *const upd[] = {"updated_at"};
	static const char *const ins[] = {"updated_at"};
	store_param now = P_INT(x->now);
	if (rc == STORE_OK)
		rc = write_row(x, tp, &r->visitor, &visitor_id, visitor_id ? upd : ins, &now, 1);
	static const char *const vx[] = {"visitor_id", "updated_at"};
	store_param vv[] = {P_INT(visitor_id), P_INT(x->now)};
	int64_t old = *id;
	if (rc == STORE_OK)
		rc = write_row(x, tv, &r->main, id, vx, vv, 2);
	if (rc == STORE_OK && old) {
		int k = store_run(x->s, x->c, "sync_apply", "DELETE FROM demands WHERE visit_id = ?",
		                  PARAMS(P_INT(*id)), NULL);
		rc = k < 0 ? k : STORE_OK;
	}
	static const char *const dx[] = {"visit_id", "site_id", "updated_at"};
	store_param dv[] = {P_INT(*id), P_INT(vint("visits", &r->main, "site_id")), P_INT(x->now)};
	for (size_t i = 0; rc == STORE_OK && i < r->ndemands; i++) {
		int64_t did = 0;
		rc = write_row(x, td, &r->demands[i], &did, dx, dv, 3);
	}
	return rc;
}

static int write_record(apply_ctx *x, const store_sync_record *r, int64_t *id)
{
	const char *table = store_sync_kind_table(r->kind);
	if (strcmp(table, "visits") == 0)
		return write_visit(x, r, id);
	static const char *const xn[] = {"updated_at"};
	store_param xv = P_INT(x->now);
	return write_row(x, spec_of(table), &r->main, id, xn, &xv, 1);
}

static int apply_one(apply_ctx *x, const store_sync_record *r, const char *change_id, int64_t site_id,
                     int log_pushed, store_sync_outcome *out)
{
	const char *table = store_sync_kind_table(r->kind);
	if (!table || !r->main.v)
		return STORE_INVALID;
	const char *uid = vtext(table, &r->main, "uid");
	int64_t in_site = vint(table, &r->main, "site_id");
	if (!*uid || (site_id > 0 && in_site != site_id))
		return !*uid ? STORE_INVALID : STORE_SYNC_OTHER_SITE;
	if (strcmp(table, "visits") == 0 &&
	    (!r->visitor.v || vint("visitors", &r->visitor, "site_id") != in_site ||
	     !*vtext("visitors", &r->visitor, "uid")))
		return r->visitor.v && *vtext("visitors", &r->visitor, "uid") ? STORE_SYNC_OTHER_SITE
		                                                              : STORE_INVALID;

	store_sync_row here = {0};
	int64_t id = 0;
	int rc = record_row(x->s, x->c, x->a, spec_of(table), uid, &id, NULL, &here);
	int exists = rc == STORE_OK;
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return rc;
	/* A record never changes site: a state naming another site than the
	 * record's here is refused with the whole batch. */
	if (exists && vint(table, &here, "site_id") != in_site)
		return STORE_SYNC_OTHER_SITE;
	int64_t in_at = vint(table, &r->main, "changed_at"), in_deleted = vint(table, &r->main, "deleted_at");
	const char *in_origin = vtext(table, &r->main, "changed_origin");
	enum store_sync_action act =
	    store_sync_decide(exists, exists ? vint(table, &here, "changed_at") : 0,
	                      exists ? vtext(table, &here, "changed_origin") : "",
	                      exists ? vint(table, &here, "deleted_at") : 0, in_at, in_origin, in_deleted);
	out->applied = 1;
	out->reason = NULL;
	int64_t pushed = log_pushed ? x->now : 0;
	store_sync_reject rej = {.at = x->now,
	                         .change_id = (char *)change_id,
	                         .kind = (char *)r->kind,
	                         .uid = (char *)uid,
	                         .side = "here"};
	rc = STORE_OK;
	switch (act) {
	case SYNC_SAME:
		return STORE_OK;
	case SYNC_KEEP_DELETED:
		out->applied = 0;
		out->reason = N_("correction d'un enregistrement supprimé");
		rej.reason = (char *)out->reason;
		rej.detail = record_json(x->a, r);
		return reject_on(x->s, x->c, &rej);
	case SYNC_KEEP_HERE:
		out->applied = 0;
		out->reason = N_("correction remplacée par une plus récente");
		rej.reason = (char *)out->reason;
		rej.detail = record_json(x->a, r);
		rc = reject_on(x->s, x->c, &rej);
		/* The sender must come to the version kept: logged again, with
		 * its own origin, so that a pull brings it. */
		if (rc == STORE_OK)
			rc = log_append(x->s, x->c, x->origin, r->kind, uid, in_site,
			                vtext(table, &here, "changed_origin"), x->now, pushed);
		return rc;
	case SYNC_DELETE: {
		char sql[200];
		snprintf(sql, sizeof sql,
		         "UPDATE %s SET deleted_at = ?, changed_at = ?, changed_origin = ?, updated_at = ? "
		         "WHERE id = ?",
		         table);
		int k = store_run(
		    x->s, x->c, "sync_apply", sql,
		    PARAMS(P_INT(in_deleted), P_INT(in_at), P_TEXT(in_origin), P_INT(x->now), P_INT(id)),
		    NULL);
		rc = k < 0 ? k : STORE_OK;
		break;
	}
	case SYNC_OVERWRITE: {
		/* The version replaced is journaled whole before it goes. */
		store_sync_record old;
		rc = record_get_on(x->s, x->c, x->a, r->kind, uid, &old);
		rej.reason = N_("correction remplacée par une plus récente");
		rej.change_id = "";
		rej.detail = rc == STORE_OK ? record_json(x->a, &old) : "";
		if (rc == STORE_OK)
			rc = reject_on(x->s, x->c, &rej);
		if (rc == STORE_OK)
			rc = write_record(x, r, &id);
		break;
	}
	case SYNC_INSERT:
		id = 0;
		rc = write_record(x, r, &id);
		break;
	}
	if (rc == STORE_OK)
		rc = log_append(x->s, x->c, x->origin, r->kind, uid, in_site, in_origin, x->now, pushed);
	return rc;
}

int store_sync_apply(store *s, const store_sync_record *recs, char *const *change_ids, size_t n,
                     int64_t site_id, int log_pushed, store_sync_outcome *out)
{
	arena *a = arena_new((size_t)64 << 20);
	if (!a)
		return store_fail(s, "sync_apply", DB_ERROR, "out of memory");
	apply_ctx x = {.s = s, .a = a, .now = now_s()};
	x.c = db_acquire(s->db);
	int rc = store_tx_begin(s, x.c, "sync_apply");
	if (rc == STORE_OK) {
		rc = store_sync_lock(s, x.c);
		if (rc == STORE_OK)
			rc = origin_on(s, x.c, x.origin);
		for (size_t i = 0; rc == STORE_OK && i < n; i++) {
			rc = apply_one(&x, &recs[i], change_ids ? change_ids[i] : "", site_id, log_pushed,
			               &out[i]);
		}
		rc = store_tx_end(s, x.c, "sync_apply", rc);
	}
	db_release(s->db, x.c);
	arena_free(a);
	/* What is kept from a site's visits (store_site_generation) follows. */
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		store_sync_val *site =
		    store_sync_field(store_sync_kind_table(recs[i].kind), &recs[i].main, "site_id");
		if (out[i].applied && site)
			store_site_changed(s, site->i);
	}
	return rc;
}
