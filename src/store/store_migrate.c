/*
 * store_migrate.c: `guichet migrate-data`, moving a site's database into a
 * central one (store_migrate_data in store.h).
 *
 * Every row gets a new id in the target; the old → new pairs are kept in the
 * target's table migrated_ids, keyed by a random uid that the source keeps
 * in its settings. A second run finds every row mapped already and writes
 * nothing, and two sites never collide. The whole copy is one transaction
 * of the target: a conflict or an error leaves it as it was.
 *
 * Rows without a natural key (sites, visitors, visits, demands, workshops,
 * satisfaction answers, escalations with their events and documents, the
 * audit journal) are always new. Users are matched by e-mail, API
 * tokens by their hash and procedures by label, theme and operator: an
 * identical row in the target is reused, a different one is a conflict
 * (never overwritten). The catalog's code tables (operators, themes, skill
 * topics, the address checklist's bodies) gain the codes they lack and keep
 * their own labels. Rows that only link others (a user's sites, a referent's
 * départements, the items of a visit's checklist, a site's wording of
 * public phrases, an account's e-mail choices) are added when the target
 * lacks their key. Sessions and login failures stay behind: they mean
 * nothing on another server.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "store/store.h"
#include "store/store_impl.h"

/* What an id column refers to: an index in kinds[], or NONE. */
enum kind {
	K_SITE,
	K_USER,
	K_TOKEN,
	K_PROCEDURE,
	K_VISITOR,
	K_VISIT,
	K_DEMAND,
	K_WORKSHOP,
	K_SATISFACTION,
	K_AUDIT,
	K_ESCALATION,
	K_ESCALATION_EVENT,
	K_ESCALATION_FILE,
	K_APPT_SLOT,
	K_APPOINTMENT,
	K_APPT_EVENT,
	K_CALLBACK,
	K_CALLBACK_ATTEMPT,
	NKINDS,
	NONE = -1
};

/* The names are those of the audit journal's objects. */
static const char *const kinds[NKINDS] = {
    "site",     "user",         "api_token", "procedure",  "visitor",          "visit",          "demand",
    "workshop", "satisfaction", "audit",     "escalation", "escalation_event", "escalation_file",
    "appointment_slot", "appointment", "appointment_event",
    "callback", "callback_attempt"};

typedef struct col {
	const char *name;
	char type;    /* 'i' integer, 't' text */
	int ref;      /* enum kind of the id it holds, NONE otherwise */
	int nullable; /* enum ref_rule for a reference, 0 otherwise */
	int compare;  /* 2: part of the natural key that finds the target's row; 1: compared with it */
} col;

/* What a reference with no counterpart means. */
enum ref_rule {
	REF_STRICT = 0, /* the row it points to must be copied first */
	REF_NONE_OK,    /* NULL or 0 means none (agent_id, procedure_id, recorded_by) */
	REF_FACT,       /* who did it, or a record that may be gone since: 0 when not copied */
	REF_LATER       /* a row copied later (a demand's escalation): 0, set by link_later */
};

/* How the rows of a table find their counterpart in the target. */
enum mode {
	M_NEW,  /* never: always a new row */
	M_KEY,  /* by the columns marked compare == 2, the rest compared */
	M_CODE, /* code tables: the code, inserted when missing */
	M_LINK, /* rows keyed by the columns marked compare == 2, inserted when missing */
	M_AUDIT /* like M_NEW, with ids that may point nowhere */
};

typedef struct table_def {
	const char *table;
	int kind; /* enum kind of its id, NONE for tables without one */
	enum mode mode;
	const col *cols;
	size_t ncols;
} table_def;

#define T(n)                                                                                                 \
	{                                                                                                    \
		n, 't', NONE, 0, 0                                                                           \
	}
#define I(n)                                                                                                 \
	{                                                                                                    \
		n, 'i', NONE, 0, 0                                                                           \
	}
#define TC(n)                                                                                                \
	{                                                                                                    \
		n, 't', NONE, 0, 1                                                                           \
	}
#define TK(n)                                                                                                \
	{                                                                                                    \
		n, 't', NONE, 0, 2                                                                           \
	}
#define R(n, k)                                                                                              \
	{                                                                                                    \
		n, 'i', k, 0, 0                                                                              \
	}
#define RN(n, k)                                                                                             \
	{                                                                                                    \
		n, 'i', k, REF_NONE_OK, 0                                                                    \
	}
#define RF(n, k)                                                                                             \
	{                                                                                                    \
		n, 'i', k, REF_FACT, 0                                                                       \
	}
#define RK(n, k)                                                                                             \
	{                                                                                                    \
		n, 'i', k, REF_STRICT, 2                                                                     \
	}

/* The columns of schema version 3 besides id. A migration that adds a
 * column must add it here: check_columns refuses to run otherwise, so that
 * nothing is silently left behind. */
static const col sites_cols[] = {T("name"),        T("type"),          T("commune_insee"),
                                 T("departement"), T("address"),       T("opening_hours"),
                                 T("languages"),   T("accessibility"), T("accessibility_note"),
                                 I("created_at"),  I("updated_at"),    I("correction_days"),
                                 T("phone")};
static const col users_cols[] = {TK("email"),       TC("name"),          TC("role"),
                                 TC("departement"), TC("operator_code"), T("password_hash"),
                                 I("active"),       I("created_at"),     I("updated_at")};
static const col user_sites_cols[] = {RK("user_id", K_USER), RK("site_id", K_SITE)};
static const col tokens_cols[] = {TK("token_hash"),  {"user_id", 'i', K_USER, 0, 1},
                                  T("label"),        I("created_at"),
                                  I("last_used_at"), I("expires_at")};
static const col operators_cols[] = {TK("code"),         T("name"),   I("national"),
                                     I("deadline_days"), I("active"), I("sort")};
static const col themes_cols[] = {TK("code"), T("label"), I("sort")};
static const col topics_cols[] = {TK("code"), T("label"), I("sort"), I("active")};
static const col procedures_cols[] = {TK("label"), TK("theme_code"), TK("operator_code"),
                                      T("url"),    T("documents"),   I("active")};
static const col visitors_cols[] = {
    R("site_id", K_SITE), T("age_bracket"), I("birth_year"), T("gender"),       T("social_status"),
    T("commune_insee"),   I("no_phone"),    I("no_email"),   I("no_device"),    I("no_internet"),
    I("allophone"),       T("languages"),   I("illiteracy"), T("disabilities"), I("very_precarious"),
    I("identified"),      T("full_name"),   T("phone"),      T("email"),        T("consent_reason"),
    I("consent_at"),      I("created_at"),  I("updated_at"), T("phone_kind"),
    /* sql/023_sync.sql: the global id and the last change travel as they are. */
    T("uid"),             I("changed_at"),  T("changed_origin")};
static const col visits_cols[] = {R("site_id", K_SITE), RN("agent_id", K_USER), R("visitor_id", K_VISITOR),
                                  I("started_at"),      T("channel"),           T("place"),
                                  I("duration_min"),    I("created_at"),        I("updated_at"),
                                  I("deleted_at"),      T("uid"),               I("changed_at"),
                                  T("changed_origin")};
static const col demands_cols[] = {R("visit_id", K_VISIT),
                                   R("site_id", K_SITE),
                                   T("operator_code"),
                                   T("theme_code"),
                                   RN("procedure_id", K_PROCEDURE),
                                   T("procedure_text"),
                                   T("level"),
                                   T("mandate_type"),
                                   T("mandate_ref"),
                                   I("autonomy"),
                                   T("equipment"),
                                   T("interpreting"),
                                   T("interpreting_lang"),
                                   T("outcome"),
                                   T("referral_type"),
                                   {"escalation_id", 'i', K_ESCALATION, REF_LATER, 0},
                                   I("duration_min"),
                                   T("note"),
                                   I("created_at"),
                                   I("updated_at")};
static const col workshops_cols[] = {
    R("site_id", K_SITE), RN("agent_id", K_USER), T("topic_code"),    T("level"),
    I("held_at"),         I("duration_min"),      I("participants"),  I("g_feminin"),
    I("g_masculin"),      I("g_non_communique"),  I("a_moins_de_12"), I("a_12_17"),
    I("a_18_24"),         I("a_25_39"),           I("a_40_59"),       I("a_60_69"),
    I("a_70_plus"),       I("a_non_communique"),  T("note"),          I("created_at"),
    I("updated_at"),      I("deleted_at"),        T("uid"),           I("changed_at"),
    T("changed_origin")};
/* recorded_by is 0 for an answer given by the public. */
static const col satisfaction_cols[] = {
    R("site_id", K_SITE), I("answered_at"),          I("overall"),    I("clarity"),    T("comment"),
    T("source"),          RN("recorded_by", K_USER), I("created_at"), I("updated_at"), I("deleted_at"),
    T("uid"),             I("changed_at"),           T("changed_origin")};
/* demand_id and visit_id have no foreign key (a corrected visit may drop
 * the demand: the escalation stays as a fact). */
static const col escalations_cols[] = {RF("demand_id", K_DEMAND),
                                       RF("visit_id", K_VISIT),
                                       R("site_id", K_SITE),
                                       T("departement"),
                                       T("operator_code"),
                                       T("status"),
                                       I("info_requested"),
                                       T("question"),
                                       I("consent_at"),
                                       RF("created_by", K_USER),
                                       I("created_at"),
                                       I("sent_at"),
                                       I("due_at"),
                                       I("answered_at"),
                                       I("closed_at"),
                                       I("updated_at"),
                                       T("told_by"),
                                       T("useful"),
                                       I("wiped_at"),
                                       I("overdue_notified_at")};
static const col escalation_events_cols[] = {R("escalation_id", K_ESCALATION),
                                             I("at"),
                                             RF("user_id", K_USER),
                                             T("action"),
                                             T("status"),
                                             T("body"),
                                             I("internal"),
                                             T("detail")};
/* The documents' bytes are files named by their hash: docs/operations.md
 * says how to copy them. */
static const col escalation_files_cols[] = {
    R("escalation_id", K_ESCALATION), T("sha256"),  T("mime"), I("size"), T("name"),
    RF("added_by", K_USER),           I("added_at")};
static const col referents_cols[] = {RK("user_id", K_USER), TK("departement")};
static const col checklist_cols[] = {TK("code"),        T("label"),  T("how"),
                                     I("with_adviser"), I("active"), I("sort")};
static const col visit_checklist_cols[] = {RK("visit_id", K_VISIT), TK("item_code"), I("done_at"),
                                           RF("done_by", K_USER)};
static const col phrase_fixes_cols[] = {
    RK("site_id", K_SITE),   TK("lang"), TK("phrase_id"), T("msgid"), T("text"), I("updated_at"),
    RF("updated_by", K_USER)};
static const col mail_prefs_cols[] = {RK("user_id", K_USER), T("lang"), I("updated_at")};
static const col mail_choices_cols[] = {RK("user_id", K_USER), TK("event"), T("delivery")};
/* The callbacks (sql/019_callbacks.sql): who took or closed one, and the
 * visit it became, are facts (0 when not copied). */
static const col callbacks_cols[] = {
    R("site_id", K_SITE), T("status"),   T("origin"),     T("name"),       T("phone"),
    T("lang"),            T("slot_day"), T("slot_part"),  I("slot_from"),  I("slot_to"),
    I("starts_at"),       I("ends_at"),  T("reason"),     T("operator_code"), RF("taken_by", K_USER),
    I("taken_at"),        I("attempts"), RF("created_by", K_USER), I("created_at"), RF("closed_by", K_USER),
    I("closed_at"),       I("updated_at"), RF("visit_id", K_VISIT), I("wiped_at")};
static const col callback_attempts_cols[] = {R("callback_id", K_CALLBACK), I("at"), RF("user_id", K_USER),
                                             T("result")};
/* The appointments (sql/020_appointments.sql): a demand, visit or account
 * gone is a fact, 0 on the target; a free seat is NULL and stays so. */
static const col appt_slots_cols[] = {R("site_id", K_SITE),      T("operator_code"),     T("mode"),
                                      I("starts_at"),            I("duration_min"),      I("capacity"),
                                      I("repeat_until"),         RF("referent_id", K_USER), T("place"),
                                      RF("created_by", K_USER),  I("created_at"),        I("cancelled_at")};
static const col appts_cols[] = {R("slot_id", K_APPT_SLOT), I("starts_at"),       I("seat"),
                                 R("site_id", K_SITE),      RF("demand_id", K_DEMAND), RF("visit_id", K_VISIT),
                                 T("status"),               T("phone"),           T("email"),
                                 T("lang"),                 T("to_bring"),        RF("booked_by", K_USER),
                                 I("booked_at"),            I("updated_at"),      I("reminded_at"),
                                 I("contact_wiped_at")};
static const col appt_events_cols[] = {R("appointment_id", K_APPOINTMENT), I("at"), RF("user_id", K_USER),
                                       T("status")};
/* user_id, object_id and site_id are resolved by hand (audit_ids). */
static const col audit_cols[] = {I("at"),        I("user_id"), T("action"),  T("object"),
                                 I("object_id"), I("site_id"), T("address"), T("detail")};

#define TABLE(t, k, m, c)                                                                                    \
	{                                                                                                    \
		t, k, m, c, COUNT(c)                                                                         \
	}
/* In an order where every reference is copied before the rows using it. */
static const table_def tables[] = {
    TABLE("operators", NONE, M_CODE, operators_cols),
    TABLE("themes", NONE, M_CODE, themes_cols),
    TABLE("skill_topics", NONE, M_CODE, topics_cols),
    TABLE("procedures", K_PROCEDURE, M_KEY, procedures_cols),
    TABLE("sites", K_SITE, M_NEW, sites_cols),
    TABLE("users", K_USER, M_KEY, users_cols),
    TABLE("user_sites", NONE, M_LINK, user_sites_cols),
    TABLE("api_tokens", K_TOKEN, M_KEY, tokens_cols),
    TABLE("visitors", K_VISITOR, M_NEW, visitors_cols),
    TABLE("visits", K_VISIT, M_NEW, visits_cols),
    TABLE("demands", K_DEMAND, M_NEW, demands_cols),
    TABLE("workshops", K_WORKSHOP, M_NEW, workshops_cols),
    TABLE("satisfaction", K_SATISFACTION, M_NEW, satisfaction_cols),
    TABLE("escalations", K_ESCALATION, M_NEW, escalations_cols),
    TABLE("escalation_events", K_ESCALATION_EVENT, M_NEW, escalation_events_cols),
    TABLE("escalation_files", K_ESCALATION_FILE, M_NEW, escalation_files_cols),
    TABLE("operator_referents", NONE, M_LINK, referents_cols),
    TABLE("address_checklist", NONE, M_CODE, checklist_cols),
    TABLE("visit_address_checklist", NONE, M_LINK, visit_checklist_cols),
    TABLE("phrase_fixes", NONE, M_LINK, phrase_fixes_cols),
    TABLE("mail_prefs", NONE, M_LINK, mail_prefs_cols),
    TABLE("mail_choices", NONE, M_LINK, mail_choices_cols),
    TABLE("appointment_slots", K_APPT_SLOT, M_NEW, appt_slots_cols),
    TABLE("appointments", K_APPOINTMENT, M_NEW, appts_cols),
    TABLE("appointment_events", K_APPT_EVENT, M_NEW, appt_events_cols),
    TABLE("callbacks", K_CALLBACK, M_NEW, callbacks_cols),
    TABLE("callback_attempts", K_CALLBACK_ATTEMPT, M_NEW, callback_attempts_cols),
    TABLE("audit", K_AUDIT, M_AUDIT, audit_cols),
};
_Static_assert(COUNT(tables) == STORE_MIGRATE_TABLES, "STORE_MIGRATE_TABLES in store.h");

#define SETTING_UID "migrate_source_uid"
#define MAX_COLS 32
/* The longest statement built here (an INSERT of 22 columns). */
#define SQL_MAX_BYTES ((size_t)4096)

/* old id → new id of every kind, in memory: an open-addressing hash table,
 * so that resolving a reference costs no query. */
typedef struct idmap {
	struct slot {
		int64_t old_id; /* 0: empty (ids start at 1) */
		int64_t new_id;
		int kind;
	} * v;
	size_t n, cap;
} idmap;

static size_t slot_of(const idmap *m, int kind, int64_t old_id)
{
	uint64_t h = (uint64_t)old_id * 0x9E3779B97F4A7C15u ^ (uint64_t)kind * 0xC2B2AE3D27D4EB4Fu;
	size_t i = (size_t)(h ^ (h >> 29)) & (m->cap - 1);
	while (m->v[i].old_id && (m->v[i].old_id != old_id || m->v[i].kind != kind))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void idmap_put(idmap *m, int kind, int64_t old_id, int64_t new_id)
{
	if ((m->n + 1) * 2 > m->cap) {
		idmap bigger = {.cap = m->cap ? m->cap * 2 : 1024};
		bigger.v = xcalloc(bigger.cap, sizeof *bigger.v);
		for (size_t i = 0; i < m->cap; i++)
			if (m->v[i].old_id)
				bigger.v[slot_of(&bigger, m->v[i].kind, m->v[i].old_id)] = m->v[i];
		bigger.n = m->n;
		free(m->v);
		*m = bigger;
	}
	size_t i = slot_of(m, kind, old_id);
	if (!m->v[i].old_id)
		m->n++;
	m->v[i] = (struct slot){old_id, new_id, kind};
}

/* 0 when old_id has no counterpart (yet). */
static int64_t idmap_get(const idmap *m, int kind, int64_t old_id)
{
	if (!m->cap || old_id <= 0)
		return 0;
	return m->v[slot_of(m, kind, old_id)].new_id;
}

/* One value read from the source, bound as it is to the target. */
typedef struct value {
	int null;
	int64_t i;
	char *t; /* malloc'd */
} value;

typedef struct run {
	store *from, *to;
	db_conn *src, *dst;
	arena *a;
	const char *uid;
	idmap map;
	store_migrate_report *r;
	char *err;
	size_t errlen;
} run;

static int fail(run *m, const char *what, const char *msg)
{
	snprintf(m->err, m->errlen, "%s: %s", what, msg && *msg ? msg : "database error");
	return STORE_ERROR;
}

static void conflict(run *m, const char *fmt, ...) ATTR_PRINTF(2, 3);
static void conflict(run *m, const char *fmt, ...)
{
	store_migrate_report *r = m->r;
	if (r->nconflicts < STORE_MIGRATE_MAX_CONFLICTS) {
		char line[512];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(line, sizeof line, fmt, ap);
		va_end(ap);
		r->conflicts[r->nconflicts] = arena_strdup(m->a, line);
		if (r->conflicts[r->nconflicts])
			r->nconflicts++;
	}
	r->total_conflicts++;
}

static int bind_values(db_stmt *st, const value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = v[i].null ? db_bind_null(st, (int)i + 1)
		         : v[i].t  ? db_bind_text(st, (int)i + 1, v[i].t)
		                   : db_bind_int(st, (int)i + 1, v[i].i);
		if (rc != DB_OK)
			return -1;
	}
	return 0;
}

/* Runs sql with the values on the target; the first column of its first
 * row in *first (0 when no row). Returns the rows seen or STORE_ERROR. */
static int target_run(run *m, const char *sql, const value *v, size_t n, int64_t *first)
{
	db_stmt *st = db_prepare(m->dst, sql);
	if (!st)
		return fail(m, "target", db_errmsg(m->dst));
	if (bind_values(st, v, n) != 0) {
		db_done(st);
		return fail(m, "target", db_errmsg(m->dst));
	}
	int rows = 0, rc;
	if (first)
		*first = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		if (rows++ == 0 && first)
			*first = db_col_int(st, 0);
	}
	if (rc != DB_DONE) {
		/* Copy before db_done: the message belongs to the connection. */
		fail(m, "target", db_errmsg(m->dst));
		db_done(st);
		return STORE_ERROR;
	}
	db_done(st);
	return rows;
}

/* The target's row matching the natural key of this row: its id (or 1 for
 * code tables) in *id, and whether its compared columns hold the same
 * content in *same. */
static int find_match(run *m, const table_def *t, const value *v, int64_t *id, int *same)
{
	buf sql;
	buf_init(&sql, SQL_MAX_BYTES);
	value keys[MAX_COLS + 1];
	size_t nk = 0;
	buf_printf(&sql, "SELECT %s", t->mode == M_CODE ? "1" : "id");
	/* The compared columns come back as one flag: 1 when all equal. */
	int ncmp = 0;
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].compare == 1)
			ncmp++;
	if (ncmp) {
		buf_puts(&sql, ", CASE WHEN ");
		int first = 1;
		for (size_t i = 0; i < t->ncols; i++) {
			if (t->cols[i].compare != 1)
				continue;
			buf_printf(&sql, "%s%s = ?", first ? "" : " AND ", t->cols[i].name);
			keys[nk++] = v[i];
			first = 0;
		}
		buf_puts(&sql, " THEN 1 ELSE 0 END");
	}
	buf_printf(&sql, " FROM %s WHERE ", t->table);
	int first = 1;
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].compare != 2)
			continue;
		buf_printf(&sql, "%s%s = ?", first ? "" : " AND ", t->cols[i].name);
		keys[nk++] = v[i];
		first = 0;
	}
	buf_puts(&sql, " ORDER BY 1 LIMIT 1");
	if (sql.overflow || !sql.data) {
		buf_free(&sql);
		return fail(m, t->table, "out of memory");
	}
	db_stmt *st = db_prepare(m->dst, sql.data);
	buf_free(&sql);
	if (!st)
		return fail(m, t->table, db_errmsg(m->dst));
	*id = 0;
	*same = 0;
	if (bind_values(st, keys, nk) != 0) {
		db_done(st);
		return fail(m, t->table, db_errmsg(m->dst));
	}
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*id = db_col_int(st, 0);
		*same = ncmp ? db_col_int(st, 1) == 1 : 1;
		rc = DB_DONE;
		while (db_step(st) == DB_ROW)
			;
	}
	if (rc != DB_DONE) {
		fail(m, t->table, db_errmsg(m->dst));
		db_done(st);
		return STORE_ERROR;
	}
	db_done(st);
	return STORE_OK;
}

/* The first text column, to name a row in a conflict without showing
 * personal data other than the natural key. */
static const char *key_text(const table_def *t, const value *v)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].compare == 2 && v[i].t)
			return v[i].t;
	return "";
}

/* Rewrites the audit row's ids: the journal outlives the records, so an id
 * with no counterpart becomes 0 rather than pointing at someone else. */
static void audit_ids(run *m, value *v)
{
	v[1].i = idmap_get(&m->map, K_USER, v[1].i);
	v[5].i = idmap_get(&m->map, K_SITE, v[5].i);
	int kind = NONE;
	for (int k = 0; k < NKINDS; k++)
		if (v[3].t && strcmp(v[3].t, kinds[k]) == 0)
			kind = k;
	if (kind != NONE)
		v[4].i = idmap_get(&m->map, kind, v[4].i);
}

static int record_mapping(run *m, int kind, int64_t old_id, int64_t new_id)
{
	value v[4] = {{.t = (char *)m->uid}, {.t = (char *)kinds[kind]}, {.i = old_id}, {.i = new_id}};
	int rc = target_run(
	    m, "INSERT INTO migrated_ids (source_uid, kind, old_id, new_id) VALUES (?, ?, ?, ?)", v, 4, NULL);
	if (rc < 0)
		return rc;
	idmap_put(&m->map, kind, old_id, new_id);
	return STORE_OK;
}

/* Whether the target has the row of a link table with this key: 1, 0 or
 * STORE_ERROR. */
static int link_present(run *m, const table_def *t, const value *v)
{
	buf sql;
	buf_init(&sql, SQL_MAX_BYTES);
	value keys[MAX_COLS];
	size_t nk = 0;
	buf_printf(&sql, "SELECT 1 FROM %s WHERE ", t->table);
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].compare != 2)
			continue;
		buf_printf(&sql, "%s%s = ?", nk ? " AND " : "", t->cols[i].name);
		keys[nk++] = v[i];
	}
	if (sql.overflow || !sql.data) {
		buf_free(&sql);
		return fail(m, t->table, "out of memory");
	}
	int rows = target_run(m, sql.data, keys, nk, NULL);
	buf_free(&sql);
	return rows;
}

/* Copies one row (v, with its old id) of table t. */
static int copy_row(run *m, const table_def *t, int64_t old_id, value *v, store_migrate_count *cnt)
{
	if (t->kind != NONE && idmap_get(&m->map, t->kind, old_id)) {
		cnt->already++;
		return STORE_OK;
	}
	/* References to rows of the source that have their new id. */
	for (size_t i = 0; i < t->ncols; i++) {
		const col *c = &t->cols[i];
		if (c->ref == NONE || v[i].null || (c->nullable != REF_STRICT && v[i].i == 0))
			continue;
		int64_t to = idmap_get(&m->map, c->ref, v[i].i);
		if (c->nullable == REF_LATER || (!to && c->nullable == REF_FACT)) {
			v[i].i = 0;
			continue;
		}
		if (!to) {
			/* After a conflict, the rows of the refused record follow
			 * it: one message is enough. */
			if (!m->r->total_conflicts)
				conflict(m, "%s %lld: %s %s %lld is missing from the source", t->table,
				         (long long)old_id, c->name, kinds[c->ref], (long long)v[i].i);
			return STORE_OK;
		}
		v[i].i = to;
	}
	if (t->mode == M_AUDIT)
		audit_ids(m, v);

	if (t->mode == M_KEY || t->mode == M_CODE) {
		int64_t id;
		int same;
		if (find_match(m, t, v, &id, &same) != STORE_OK)
			return STORE_ERROR;
		if (id && !same) {
			conflict(
			    m, "%s '%s' (id %lld in the source) exists in the target with different content",
			    t->table, key_text(t, v), (long long)old_id);
			return STORE_OK;
		}
		if (id) {
			cnt->matched++;
			return t->kind == NONE ? STORE_OK : record_mapping(m, t->kind, old_id, id);
		}
	}
	if (t->mode == M_LINK) {
		int rows = link_present(m, t, v);
		if (rows < 0)
			return rows;
		if (rows) {
			cnt->already++;
			return STORE_OK;
		}
	}

	buf sql;
	buf_init(&sql, SQL_MAX_BYTES);
	buf_printf(&sql, "INSERT INTO %s (", t->table);
	for (size_t i = 0; i < t->ncols; i++)
		buf_printf(&sql, "%s%s", i ? ", " : "", t->cols[i].name);
	buf_puts(&sql, ") VALUES (");
	for (size_t i = 0; i < t->ncols; i++)
		buf_puts(&sql, i ? ", ?" : "?");
	buf_puts(&sql, t->kind != NONE ? ") RETURNING id" : ")");
	if (sql.overflow || !sql.data) {
		buf_free(&sql);
		return fail(m, t->table, "out of memory");
	}
	int64_t new_id = 0;
	int rc = target_run(m, sql.data, v, t->ncols, &new_id);
	buf_free(&sql);
	if (rc < 0)
		return rc;
	cnt->added++;
	if (t->kind == NONE)
		return STORE_OK;
	if (!new_id)
		return fail(m, t->table, "the insert returned no id");
	return record_mapping(m, t->kind, old_id, new_id);
}

/* Points each copied demand at its copied escalation: the escalation is
 * copied after its demand (it names the demand), so the demand went in
 * with none. A demand already pointing at it is not written again. */
static int link_later(run *m)
{
	db_stmt *st = db_prepare(m->src, "SELECT id, escalation_id FROM demands WHERE escalation_id <> 0 "
	                                 "ORDER BY id");
	if (!st)
		return fail(m, "demands", db_errmsg(m->src));
	int rc = STORE_OK, step;
	while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		int64_t demand = idmap_get(&m->map, K_DEMAND, db_col_int(st, 0));
		int64_t escalation = idmap_get(&m->map, K_ESCALATION, db_col_int(st, 1));
		if (!demand || !escalation)
			continue;
		value v[3] = {{.i = escalation}, {.i = demand}, {.i = escalation}};
		int rows =
		    target_run(m, "UPDATE demands SET escalation_id = ? WHERE id = ? AND escalation_id <> ?",
		               v, 3, NULL);
		if (rows < 0)
			rc = rows;
	}
	if (rc == STORE_OK && step != DB_DONE)
		rc = fail(m, "demands", db_errmsg(m->src));
	db_done(st);
	return rc;
}

static void free_values(value *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].t);
}

static int copy_table(run *m, const table_def *t, store_migrate_count *cnt)
{
	buf sql;
	buf_init(&sql, SQL_MAX_BYTES);
	buf_printf(&sql, "SELECT %s", t->kind != NONE ? "id" : "0");
	for (size_t i = 0; i < t->ncols; i++)
		buf_printf(&sql, ", %s", t->cols[i].name);
	buf_printf(&sql, " FROM %s ORDER BY 1", t->table);
	for (size_t i = 0; t->mode == M_LINK && i < t->ncols; i++)
		if (t->cols[i].compare == 2)
			buf_printf(&sql, ", %s", t->cols[i].name);
	if (sql.overflow || !sql.data) {
		buf_free(&sql);
		return fail(m, t->table, "out of memory");
	}
	db_stmt *st = db_prepare(m->src, sql.data);
	buf_free(&sql);
	if (!st)
		return fail(m, t->table, db_errmsg(m->src));
	cnt->table = t->table;
	int rc = STORE_OK, step;
	while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		value v[MAX_COLS] = {0};
		int64_t old_id = db_col_int(st, 0);
		for (size_t i = 0; i < t->ncols; i++) {
			if (db_col_is_null(st, (int)i + 1))
				v[i].null = 1;
			else if (t->cols[i].type == 'i')
				v[i].i = db_col_int(st, (int)i + 1);
			else
				v[i].t = xstrdup(db_col_text(st, (int)i + 1));
		}
		cnt->source++;
		rc = copy_row(m, t, old_id, v, cnt);
		free_values(v, t->ncols);
	}
	if (rc == STORE_OK && step != DB_DONE)
		rc = fail(m, t->table, db_errmsg(m->src));
	db_done(st);
	return rc;
}

/* Tables deliberately left behind: the server's own (settings, sessions,
 * throttling, schema), the official geography (loaded on each server), the
 * mapping of a store that was itself a target, and the second factors,
 * sealed with the source server's secret (their owners enrol again on the
 * target), and the generations of the satisfaction keys, which are keyed
 * by that secret too (the target gives each site new addresses). The
 * waiting queue (sql/010_queue.sql) stays too for now: its services,
 * settings, tickets and pauses are not copied (docs/queue.md). Nor are
 * a site's notices to the public (sql/011_notices.sql): short-lived public
 * information, published again on the target (docs/notices.md). Nor
 * the recordings a site made of public phrases (sql/012_recorded_audio.sql),
 * uploaded again on the target (docs/speech.md). The communes' address
 * files (sql/015_addresses.sql) are reference data like the geography,
 * loaded again on the target (guichet address load-bal); the e-mail
 * outbox and the events waiting for a digest (sql/017_mail.sql) are the
 * source server's own work: their links name its pages. The secret
 * addresses of the referents' calendars (appointment_feeds) name the
 * source server too: each referent makes a new one on the target
 * (docs/appointments.md). */
static const char *const left_behind[] = {
    "schema_migrations", "settings",          "sessions",           "login_failures",
    "regions",           "departements",      "communes",           "commune_postcodes",
    "migrated_ids",      "user_totp",         "user_totp_recovery", "satisfaction_keys",
    "queue_services",    "queue_settings",    "queue_hours",        "tickets",
    "desk_pauses",       "notices",           "notice_texts",       "notice_changes",
    "recorded_audio",    "commune_delegates", "bal_addresses",      "bal_loads",
    "mail_outbox",       "mail_items",        "appointment_feeds",
    /* sql/023_sync.sql: a store's own outbox, attachment, sync history and
     * refused changes concern its link with its centre, not the records
     * (whose uids are copied). */
    "sync_log",          "sync_seq",          "sync_state",         "sync_runs",
    "sync_rejects"};

static int known_table(const char *name)
{
	for (size_t k = 0; k < COUNT(tables); k++)
		if (strcmp(tables[k].table, name) == 0)
			return 1;
	for (size_t k = 0; k < COUNT(left_behind); k++)
		if (strcmp(left_behind[k], name) == 0)
			return 1;
	return 0;
}

/* Refuses a source with a table this file does not know (a later
 * migration's), so that nothing is silently left behind. */
static int check_tables(run *m)
{
	db_stmt *st =
	    db_prepare(m->src, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
	                       "'sqlite_%' ORDER BY name");
	if (!st)
		return fail(m, "source", db_errmsg(m->src));
	int rc = STORE_OK, step;
	while ((step = db_step(st)) == DB_ROW) {
		const char *name = db_col_text(st, 0);
		if (rc == STORE_OK && !known_table(name)) {
			snprintf(m->err, m->errlen,
			         "the source has a table %s that migrate-data does not know: this guichet "
			         "cannot copy "
			         "it without losing data",
			         name);
			rc = STORE_ERROR;
		}
	}
	if (rc == STORE_OK && step != DB_DONE)
		rc = fail(m, "source", db_errmsg(m->src));
	db_done(st);
	return rc;
}

/* Refuses a source whose tables have columns this file does not copy. */
static int check_columns(run *m)
{
	if (check_tables(m) != STORE_OK)
		return STORE_ERROR;
	for (size_t k = 0; k < COUNT(tables); k++) {
		const table_def *t = &tables[k];
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s')", t->table);
		db_stmt *st = db_prepare(m->src, sql);
		if (!st)
			return fail(m, "source", db_errmsg(m->src));
		int64_t n = db_step(st) == DB_ROW ? db_col_int(st, 0) : -1;
		db_done(st);
		size_t want = t->ncols + (t->kind != NONE ? 1 : 0);
		if (n != (int64_t)want) {
			snprintf(m->err, m->errlen,
			         "table %s of the source has %lld columns where migrate-data knows %zu: this "
			         "guichet "
			         "cannot copy it without losing data",
			         t->table, (long long)n, want);
			return STORE_ERROR;
		}
	}
	return STORE_OK;
}

/* The source's uid, made (and kept unless dry_run) on the first run. */
static int source_uid(run *m, int dry_run, char **uid)
{
	if (store_setting_get(m->from, m->a, SETTING_UID, uid) == STORE_OK && *uid && **uid)
		return STORE_OK;
	unsigned char raw[16];
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
		return fail(m, "source", "no random bytes for the source uid");
	char hex[2 * sizeof raw + 1];
	for (size_t i = 0; i < sizeof raw; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	*uid = arena_strdup(m->a, hex);
	if (!*uid)
		return fail(m, "source", "out of memory");
	m->r->new_uid = 1;
	/* Kept before the copy: if the target commits and this write had
	 * failed, a second run would copy everything again. */
	if (!dry_run && store_setting_put(m->from, SETTING_UID, *uid) != STORE_OK)
		return fail(m, "source", "cannot record the source uid in its settings");
	return STORE_OK;
}

static int load_mappings(run *m)
{
	db_stmt *st =
	    db_prepare(m->dst, "SELECT kind, old_id, new_id FROM migrated_ids WHERE source_uid = ?");
	if (!st || db_bind_text(st, 1, m->uid) != DB_OK) {
		if (st)
			db_done(st);
		return fail(m, "target", db_errmsg(m->dst));
	}
	int step;
	while ((step = db_step(st)) == DB_ROW) {
		const char *kind = db_col_text(st, 0);
		for (int k = 0; k < NKINDS; k++)
			if (strcmp(kind, kinds[k]) == 0)
				idmap_put(&m->map, k, db_col_int(st, 1), db_col_int(st, 2));
	}
	int rc = step == DB_DONE ? STORE_OK : fail(m, "target", db_errmsg(m->dst));
	db_done(st);
	return rc;
}

static const char mapping_table[] = "CREATE TABLE IF NOT EXISTS migrated_ids (\n"
                                    "  source_uid TEXT NOT NULL,\n"
                                    "  kind TEXT NOT NULL,\n"
                                    "  old_id {{int}} NOT NULL,\n"
                                    "  new_id {{int}} NOT NULL,\n"
                                    "  PRIMARY KEY (source_uid, kind, old_id)\n"
                                    ") {{strict}};\n";

int store_migrate_data(store *from, store *to, int dry_run, arena *a, store_migrate_report *r, char *err,
                       size_t errlen)
{
	memset(r, 0, sizeof *r);
	snprintf(err, errlen, "unknown error");
	run m = {.from = from, .to = to, .a = a, .r = r, .err = err, .errlen = errlen};
	r->conflicts = arena_alloc(a, STORE_MIGRATE_MAX_CONFLICTS * sizeof *r->conflicts);
	if (!r->conflicts)
		return fail(&m, "migrate", "out of memory");
	if (db_kind_of(from->db) != DB_SQLITE)
		return fail(&m, "source", "the source must be a SQLite database");

	/* Before taking a connection: the setting functions take their own,
	 * and a command's pool may hold only one. */
	char *uid = NULL;
	int rc = source_uid(&m, dry_run, &uid);
	if (rc != STORE_OK)
		return rc;
	m.src = db_acquire(from->db);
	rc = check_columns(&m);
	if (rc != STORE_OK) {
		db_release(from->db, m.src);
		return rc;
	}
	m.uid = uid;
	snprintf(r->source_uid, sizeof r->source_uid, "%s", uid);

	/* The source is read in one transaction too, so that the copy is a
	 * consistent picture even if its server writes meanwhile. */
	m.dst = db_acquire(to->db);
	rc = db_exec_script(m.src, "BEGIN") == DB_OK ? STORE_OK : fail(&m, "source", db_errmsg(m.src));
	if (rc == STORE_OK) {
		rc = store_tx_begin(to, m.dst, "migrate_data");
		if (rc != STORE_OK)
			fail(&m, "target", db_errmsg(m.dst));
		else {
			if (db_exec_script(m.dst, mapping_table) != DB_OK)
				rc = fail(&m, "target", db_errmsg(m.dst));
			if (rc == STORE_OK)
				rc = load_mappings(&m);
			for (size_t k = 0; rc == STORE_OK && k < COUNT(tables); k++)
				rc = copy_table(&m, &tables[k], &r->counts[k]);
			if (rc == STORE_OK)
				rc = link_later(&m);
			if (rc == STORE_OK && (r->total_conflicts || dry_run))
				rc = r->total_conflicts ? STORE_CONFLICT : STORE_OK;
			/* A dry run and a conflict both end in a rollback. */
			int end = rc == STORE_OK && !dry_run ? STORE_OK : STORE_CONFLICT;
			int ended = store_tx_end(to, m.dst, "migrate_data", end);
			if (rc == STORE_OK && !dry_run && ended != STORE_OK)
				rc = fail(&m, "target", "the commit failed: nothing was written");
		}
		db_exec_script(m.src, "ROLLBACK");
	}
	free(m.map.v);
	db_release(to->db, m.dst);
	db_release(from->db, m.src);
	return rc;
}
