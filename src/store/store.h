/*
 * store.h: the persistence interface of Guichet. Every read and write of the
 * database goes through these functions; they hold the SQL (store*.c) and
 * talk to the engine through db.h only, so they serve SQLite and PostgreSQL.
 *
 * Conventions: functions return 0 on success, STORE_NOT_FOUND when the
 * record does not exist, STORE_CONFLICT on a uniqueness conflict, and
 * STORE_ERROR otherwise (logged, counted). Strings of returned records are
 * allocated from the caller's arena. Access rules are not checked here: the
 * domain modules decide who may ask, and pass the scope down.
 */
#ifndef GUICHET_STORE_H
#define GUICHET_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

enum { STORE_OK = 0, STORE_ERROR = -1, STORE_NOT_FOUND = -2, STORE_CONFLICT = -3 };

typedef struct store store;

int store_open(store **out, const char *url, unsigned pool_size, char *err, size_t errlen);
void store_close(store *s);
/* Whether the store at url exists already (added): see db_exists. */
int store_exists(const char *url);
/* Applies the numbered migrations not yet recorded; *applied counts them. */
int store_migrate(store *s, int *applied, char *err, size_t errlen);
/* Current schema version (highest migration applied), -1 on error. */
int store_schema_version(store *s);
/* Highest migration compiled into this binary: a store below it needs
 * "guichet init" (added). */
int store_schema_latest(void);

/* Backups of a SQLite store (store_backup.c). store_backup copies the store
 * at url, in use or not, into the new file to: a consistent snapshot.
 * store_restore checks the backup from (SQLite's integrity check, a schema
 * this binary knows), brings it up to date and puts it in place of the
 * store at url, which must not exist unless replace is set (the server
 * stopped); *version is the backup's schema version. A PostgreSQL url is
 * refused with a message naming pg_dump. STORE_OK or STORE_ERROR with err. */
int store_backup(const char *url, const char *to, char *err, size_t errlen);
int store_restore(const char *from, const char *url, int replace, int *version, char *err, size_t errlen);
uint64_t store_error_count(const store *s);
/* The Prometheus histogram guichet_store_operation_seconds: how long each
 * store operation held its database connection (docs/operations.md). */
void store_latency_metrics(store *s, buf *out);
const char *store_kind_name(const store *s); /* "sqlite" or "postgresql" */
/* The store calls of this thread between begin and end read one snapshot
 * (db_scope_begin): for a page shown by GET, which makes many small reads.
 * A write in between still commits at once and is seen by what follows. */
void store_read_scope_begin(store *s);
void store_read_scope_end(store *s);

/* Settings: a small key/value table (the server's secret key lives here). */
int store_setting_get(store *s, arena *a, const char *key, char **value);
int store_setting_put(store *s, const char *key, const char *value);

/* Sites */
typedef struct store_site {
	int64_t id;
	char *name;
	char *type;          /* site_type code, see domain.h */
	char *commune_insee; /* 5 characters, "" when unknown */
	char *departement;   /* derived from the commune */
	char *address;
	char *opening_hours;
	char *languages;     /* ISO 639-1 codes separated by commas */
	char *accessibility; /* accessibility codes separated by commas */
	char *accessibility_note;
	int64_t created_at;
	int64_t updated_at;
	char *phone; /* for the public, compact ("0299000000"); "" or NULL: none */
} store_site;

int store_site_insert(store *s, const store_site *site, int64_t *id);
int store_site_update(store *s, const store_site *site);
int store_site_get(store *s, arena *a, int64_t id, store_site *out);
/* All sites in name order; departement NULL for every département. */
int store_site_list(store *s, arena *a, const char *departement, store_site **out, size_t *n);
int store_site_count(store *s, int64_t *n); /* added */

/* Users. Writes that name a site that does not exist answer STORE_NOT_FOUND;
 * a duplicate e-mail answers STORE_CONFLICT. */
typedef struct store_user {
	int64_t id;
	char *email; /* stored lower case */
	char *name;
	char *role;  /* agent, manager, coordinator, operator, admin */
	char *departement;   /* coordinators */
	char *operator_code; /* operators */
	char *password_hash; /* Argon2id encoded string */
	int active;
	int64_t created_at;
	int64_t *site_ids;
	size_t nsites;
} store_user;

int store_user_insert(store *s, const store_user *u, int64_t *id);
/* Updates e-mail, name, role, departement, operator_code, active, the sites
 * and, when password_hash is not NULL, the password, in one transaction:
 * a failure leaves the account as it was. Disabling an account or setting
 * its password also ends its sessions and API tokens. STORE_CONFLICT when
 * the e-mail belongs to another account. */
int store_user_update(store *s, const store_user *u);
/* Sets the password and ends every session and API token of the account,
 * in one transaction. */
int store_user_set_password(store *s, int64_t user_id, const char *hash);
int store_user_get(store *s, arena *a, int64_t id, store_user *out);
int store_user_by_email(store *s, arena *a, const char *email, store_user *out);
/* Users, in name order; site_id 0 for every site. */
int store_user_list(store *s, arena *a, int64_t site_id, store_user **out, size_t *n);
/* The accounts linked to one site, inactive ones too, in name order: only
 * the id and the name (the choices of a filter by adviser). */
typedef struct store_user_name {
	int64_t id;
	char *name;
} store_user_name;
int store_site_user_names(store *s, arena *a, int64_t site_id, store_user_name **out, size_t *n);
int store_user_count(store *s, int64_t *n);

/* Sessions: only a hash of the session id is kept. */
typedef struct store_session {
	int64_t user_id;
	int64_t created_at;
	int64_t last_seen;
	char *csrf_key; /* random per session, hex */
} store_session;

int store_session_insert(store *s, const char *id_hash, int64_t user_id, const char *csrf_key, int64_t now);
int store_session_get(store *s, arena *a, const char *id_hash, store_session *out);
/* The session and its account (user->id 0 if the account is gone), with the
 * account's sites; STORE_NOT_FOUND if there is no such session. */
int store_session_user_get(store *s, arena *a, const char *id_hash, store_session *sess, store_user *user);
int store_session_touch(store *s, const char *id_hash, int64_t now);
int store_session_delete(store *s, const char *id_hash);
int store_session_delete_user(store *s, int64_t user_id);
int store_session_purge(store *s, int64_t idle_before, int64_t created_before);

/* API tokens: only a hash is kept. A token is good until expires_at; a
 * revoked one is deleted. Changing an account's password or disabling it
 * deletes its tokens (store_user_update, store_user_set_password). */
typedef struct store_token {
	int64_t id, user_id;
	char *email; /* of the account, for the command line's list */
	char *label; /* the token's name */
	int64_t created_at, expires_at, last_used_at; /* last_used_at 0: never */
} store_token;

int store_token_insert(store *s, const char *token_hash, int64_t user_id, const char *label, int64_t now,
                       int64_t expires_at, int64_t *id);
/* The account of a token that has not expired; STORE_NOT_FOUND otherwise. */
int store_token_user(store *s, const char *token_hash, int64_t *user_id);
/* Tokens, newest first; user_id 0 for every account. Never the secret. */
int store_token_list(store *s, arena *a, int64_t user_id, store_token **out, size_t *n);
/* Deletes token id; with user_id not 0, only if it is that account's
 * (STORE_NOT_FOUND otherwise). *owner receives the account when not NULL. */
int store_token_revoke(store *s, int64_t id, int64_t user_id, int64_t *owner);

/* Login throttling: failures per key ("account:…" or "address:…", hashed). */
int store_login_failure_add(store *s, const char *key, int64_t now);
int store_login_failure_count(store *s, const char *key, int64_t since, int64_t *n);
int store_login_failure_clear(store *s, const char *key);
/* Forgets failures older than before (added). */
int store_login_failure_purge(store *s, int64_t before);

/* The audit journal: who, when, what, from where. Never personal data in
 * `detail`: identifiers and field names only. */
typedef struct store_audit {
	int64_t id;
	int64_t at;
	int64_t user_id; /* 0 when nobody is logged in */
	char *action;    /* login, login_failed, logout, read, create, update, delete… */
	char *object;    /* "user", "site", "visitor"… */
	int64_t object_id;
	int64_t site_id;
	char *address;
	char *detail;
} store_audit;

int store_audit_add(store *s, const store_audit *e);
/* Entries at or after since, newest first, at most limit (0 or more than
 * LIMIT_PAGE_ROWS means LIMIT_PAGE_ROWS). at 0 in store_audit_add means now. */
int store_audit_list(store *s, arena *a, int64_t since, size_t limit, store_audit **out, size_t *n);

/* The second factor of an account (store_totp.c). secret is sealed by
 * auth/totp.c, never in clear here. A row with enabled_at 0 is an enrolment
 * under way. */
typedef struct store_totp {
	char *secret;
	int64_t enabled_at; /* 0: not yet confirmed */
	int64_t last_step;  /* the last time step whose code was accepted */
	int64_t recovery_left;
} store_totp;

/* STORE_NOT_FOUND when the account has no second factor, even pending. */
int store_totp_get(store *s, arena *a, int64_t user_id, store_totp *out);
/* Starts (or restarts) an enrolment with a new sealed secret; an enabled
 * second factor is left as it is (STORE_CONFLICT). */
int store_totp_begin(store *s, int64_t user_id, const char *secret, int64_t now);
/* Confirms the enrolment: enabled from now, step used, and the recovery
 * codes' hashes replacing any older ones, in one transaction. */
int store_totp_enable(store *s, int64_t user_id, int64_t step, int64_t now, const char *const *hashes,
                      size_t n);
/* Records that the code of step was used, if step is later than the last
 * one used: STORE_NOT_FOUND otherwise (a replay, or no second factor). Two
 * requests with the same code cannot both pass. */
int store_totp_use_step(store *s, int64_t user_id, int64_t step);
/* Marks an unused recovery code of the account as used: STORE_NOT_FOUND
 * when there is none with that hash. */
int store_totp_use_recovery(store *s, int64_t user_id, const char *hash, int64_t now);
/* Removes the second factor and its recovery codes. */
int store_totp_disable(store *s, int64_t user_id);

/* ------------------------------------------------------------------ */
/* Reference data: partner operators, themes, procedures, digital-skills
 * topics, and the official geography. Seeded by the migrations; editable
 * by administrators (operators and procedures change every year). */

typedef struct store_operator {
	char *code; /* "cnaf", "dgfip", "ants"… or a local code */
	char *name;
	int national; /* 1 for the national partners of the programme */
	int64_t deadline_days; /* back-office answer deadline; 0 = not set */
	int active;
	int64_t sort; /* display order */
} store_operator;

int store_operator_list(store *s, arena *a, int active_only, store_operator **out, size_t *n);
int store_operator_get(store *s, arena *a, const char *code, store_operator *out);
/* The same from the catalog's lists kept in memory (store_catalog_cache.c:
 * exact after every write through this store, at most a minute late for
 * another process's), for pages that show a name; checks before a write
 * use store_operator_get. */
int store_operator_get_kept(store *s, arena *a, const char *code, store_operator *out);
/* The catalog's write generation in this process: it moves on after every
 * write of operators, themes or procedures through this store. */
uint64_t store_catalog_version(store *s);
/* The catalog's lists as the store keeps them in memory, for
 * store_catalog_stamps. */
typedef enum store_catalog_list {
	STORE_LIST_OPERATORS,        /* store_operator_list, every one */
	STORE_LIST_OPERATORS_ACTIVE, /* store_operator_list, active only */
	STORE_LIST_THEMES,           /* store_theme_list */
	STORE_LIST_PROCEDURES_ACTIVE /* store_procedure_list, active only */
} store_catalog_list;
/* The stamps of the n lists named in which, kept in memory, in that order.
 * A stamp names a list's exact content (a list read again gets another),
 * for pieces of pages built from it (web/fragment.c). -1 when one of them
 * is not kept or out of date (its stamp 0): read the lists first. */
int store_catalog_stamps(store *s, const store_catalog_list *which, size_t n, uint64_t *stamps);
int store_operator_insert(store *s, const store_operator *o); /* STORE_CONFLICT on a used code */
int store_operator_update(store *s, const store_operator *o);

typedef struct store_theme {
	char *code; /* the 11 service-public themes */
	char *label;
} store_theme;

int store_theme_list(store *s, arena *a, store_theme **out, size_t *n);

typedef struct store_procedure {
	int64_t id;
	char *label;
	char *theme_code;
	char *operator_code; /* default operator, "" when none */
	char *url;           /* official link */
	char *documents;     /* supporting documents to bring, one per line */
	int active;
} store_procedure;

int store_procedure_list(store *s, arena *a, int active_only, store_procedure **out, size_t *n);
int store_procedure_get(store *s, arena *a, int64_t id, store_procedure *out);
/* From the lists kept in memory, as store_operator_get_kept. */
int store_procedure_get_kept(store *s, arena *a, int64_t id, store_procedure *out);
int store_procedure_insert(store *s, const store_procedure *p, int64_t *id);
int store_procedure_update(store *s, const store_procedure *p);

typedef struct store_topic {
	char *code;
	char *label;
	int active; /* offered in the workshop form (sql/005_catalog_edit.sql) */
} store_topic;

/* All topics, or only the active ones (the workshop form) when active_only. */
int store_topic_list(store *s, arena *a, int active_only, store_topic **out, size_t *n);

/* A number that changes after every committed write to the visits of
 * site_id made through this store (store_impl.h): what is derived from a
 * site's visits can be kept while it holds. */
uint64_t store_site_generation(store *s, int64_t site_id);

/* Frequencies at one site over the last days, most used first: the
 * recording page puts these first. Kept in memory while the site's
 * generation holds, at most a minute (store_catalog.c). */
int store_frequent_operators(store *s, arena *a, int64_t site_id, int64_t since, size_t limit, char ***codes,
                             size_t *n);
int store_frequent_procedures(store *s, arena *a, int64_t site_id, int64_t since, size_t limit, int64_t **ids,
                              size_t *n);

typedef struct store_commune {
	char *code; /* INSEE code */
	char *name;
	char *departement;
	char *region;
	char *postcodes; /* space-separated */
	int64_t population;
} store_commune;

/* Loads the official geography in one transaction, replacing what was
 * there (guichet geo load). */
typedef struct store_geo_loader store_geo_loader;
int store_geo_begin(store *s, store_geo_loader **out);
int store_geo_region(store_geo_loader *g, const char *code, const char *name);
int store_geo_departement(store_geo_loader *g, const char *code, const char *name, const char *region);
int store_geo_commune(store_geo_loader *g, const store_commune *c);
/* Commits when ok is 1, otherwise rolls back; frees the loader. */
int store_geo_end(store_geo_loader *g, int ok);

int store_commune_get(store *s, arena *a, const char *code, store_commune *out);
/* Communes whose name starts with q (accents and case ignored) or whose
 * postcode is q, largest population first. */
int store_commune_search(store *s, arena *a, const char *q, size_t limit, store_commune **out, size_t *n);
int store_commune_count(store *s, int64_t *n);
int store_departement_name(store *s, arena *a, const char *code, char **name);

/* ------------------------------------------------------------------ */
/* The accompaniment record: visitor (who), visit (when, where, how),
 * demands (what, how, outcome), and workshops. Text columns use "" for
 * "not given"; lists of codes are comma-separated. */

typedef struct store_visitor {
	int64_t id;
	int64_t site_id;
	char *age_bracket;
	int64_t birth_year; /* 0 when not given */
	char *gender;
	char *social_status;
	char *commune_insee;
	int no_phone, no_email, no_device, no_internet;
	int allophone;
	char *languages; /* ISO 639-1 codes */
	int illiteracy;
	char *disabilities; /* ENUM_DISABILITY codes */
	int very_precarious;
	/* Identification: only with consent and a reason. */
	int identified;
	char *full_name;
	char *phone;
	char *email;
	char *consent_reason; /* ENUM_CONSENT */
	int64_t consent_at;
	int64_t created_at;
	int64_t updated_at;
	/* The person's telephone (ENUM_PHONE, sql/014_visit_facts.sql): "" not
	 * asked; no_phone is kept equal to "aucun". NULL reads as "". */
	char *phone_kind;
} store_visitor;

typedef struct store_demand {
	int64_t id;
	int64_t visit_id;
	int64_t site_id;
	char *operator_code;
	char *theme_code;
	int64_t procedure_id; /* 0 when free text */
	char *procedure_text;
	char *level;        /* ENUM_LEVEL */
	char *mandate_type; /* ENUM_MANDATE when level is fait_pour */
	char *mandate_ref;
	int64_t autonomy;   /* 1–3, 0 when not assessed */
	char *equipment;    /* ENUM_EQUIPMENT codes */
	char *interpreting; /* ENUM_INTERPRETING */
	char *interpreting_lang;
	char *outcome;       /* ENUM_OUTCOME */
	char *referral_type; /* ENUM_REFERRAL when outcome is oriente */
	int64_t escalation_id; /* reserved for the back-office issue; 0 */
	int64_t duration_min;
	char *note;
	int64_t created_at;
	int64_t updated_at;
} store_demand;

typedef struct store_visit {
	int64_t id;
	int64_t site_id;
	int64_t agent_id;
	int64_t visitor_id;
	int64_t started_at; /* Unix seconds */
	char *channel;      /* ENUM_CHANNEL */
	char *place;        /* itinerant stop or home visit place */
	int64_t duration_min;
	int64_t created_at;
	int64_t updated_at;
	int64_t deleted_at; /* 0 when live */
	/* Filled by reads: */
	store_visitor visitor;
	store_demand *demands;
	size_t ndemands;
	char *agent_name;
} store_visit;

/* Inserts the visitor (unless visit->visitor_id names an existing one of
 * the same site), the visit and its demands in one transaction; ids are
 * written back into the records. */
int store_visit_insert(store *s, store_visit *v);
/* Replaces the visit's fields, its visitor's profile and its demands in
 * one transaction (demands with id 0 are added, missing ones removed). */
int store_visit_update(store *s, store_visit *v);
/* Soft delete: sets deleted_at; the rows stay for the journal. */
int store_visit_delete(store *s, int64_t id, int64_t when);
/* A live visit with its visitor and demands. */
int store_visit_get(store *s, arena *a, int64_t id, store_visit *out);

typedef struct store_visit_filter {
	const int64_t *site_ids; /* NULL: every site */
	size_t nsites;
	int64_t from, to; /* started_at in [from, to); 0 = open */
	const char *operator_code;
	const char *theme_code;
	const char *outcome;
	const char *channel;
	int64_t agent_id;
	int64_t after_id; /* keyset pagination: visits with id < after_id; 0 = first page */
	size_t limit;
	/* store_visit_list may answer from memory (store_count_cache.c): exact
	 * after every write through this store, at most a few seconds late
	 * for the writes of another process. For the journal and the search
	 * page, which a busy site views many times a minute. */
	int cached;
} store_visit_filter;

/* Live visits, newest first, with visitor and demands. */
int store_visit_list(store *s, arena *a, const store_visit_filter *f, store_visit **out, size_t *n);
/* The same, and with f->cached the stamp of the page it answered: the same
 * stamp, the same visits byte for byte, for what a page builds from them
 * and keeps (web/fragment.c). A page read again from the database gets a
 * new stamp; 0 when the page is not kept. */
int store_visit_list_stamped(store *s, arena *a, const store_visit_filter *f, store_visit **out, size_t *n,
                             uint64_t *stamp);
/* Whether that page is kept (f->cached), without reading it: then 1, with
 * the number of its visits, the id of the last (0 when none) and its stamp,
 * as store_visit_list_stamped would give them at this instant. A page that
 * kept what it built from those visits under their stamp needs them only
 * when that piece is gone; 0 when the page is not kept. */
int store_visit_list_peek(store *s, const store_visit_filter *f, size_t *n, int64_t *last_id,
                          uint64_t *stamp);
int store_visit_count(store *s, const store_visit_filter *f, int64_t *visits, int64_t *demands);

int store_visitor_get(store *s, arena *a, int64_t id, store_visitor *out);
/* Identified visitors of a site whose name, phone or e-mail contains q. */
int store_visitor_search(store *s, arena *a, int64_t site_id, const char *q, size_t limit, store_visitor **out,
                         size_t *n);

/* Calls fn for every live demand in the filter, joined with its visit and
 * visitor, oldest first (CSV export, streaming without holding them all). */
typedef int (*store_demand_row_fn)(void *ctx, const store_visit *v, const store_demand *d);
int store_demand_each(store *s, const store_visit_filter *f, store_demand_row_fn fn, void *ctx);

/* Bulk import: every visit in one transaction, all or nothing. */
typedef struct store_import store_import;
int store_import_begin(store *s, store_import **out);
int store_import_visit(store_import *im, store_visit *v);
int store_import_end(store_import *im, int ok);

typedef struct store_workshop {
	int64_t id;
	int64_t site_id;
	int64_t agent_id;
	char *topic_code;
	char *level; /* ENUM_WORKSHOP_LEVEL */
	int64_t held_at;
	int64_t duration_min;
	int64_t participants;
	/* Anonymous profile counts: by gender and by age bracket (ENUM order). */
	int64_t by_gender[3];
	int64_t by_age[8];
	char *note;
	int64_t created_at;
	int64_t deleted_at;
} store_workshop;

int store_workshop_insert(store *s, store_workshop *w);
int store_workshop_update(store *s, const store_workshop *w);
int store_workshop_delete(store *s, int64_t id, int64_t when);
int store_workshop_get(store *s, arena *a, int64_t id, store_workshop *out);
int store_workshop_list(store *s, arena *a, const int64_t *site_ids, size_t nsites, int64_t from, int64_t to,
                        store_workshop **out, size_t *n);

/* Answers to the State's satisfaction survey (REFERENCE.md section 6,
 * sql/006_satisfaction.sql): anonymous, linked to a site and a time only.
 * Given on the public page of a site (a kiosk at the desk, or a QR code),
 * or on paper and typed by an adviser. */
typedef struct store_satisfaction {
	int64_t id;
	int64_t site_id;
	int64_t answered_at; /* Unix time; a paper answer: noon (local) of the day it was given */
	int overall;         /* 1 pas bien, 2 moyen, 3 très bien */
	int clarity;         /* 1 (pas clair du tout) … 5 (très clair); 0 when not answered */
	char *comment;       /* free text, "" when none (SATISFACTION_COMMENT_BYTES at most) */
	char *source;        /* borne, qr, papier */
	int64_t recorded_by; /* the adviser who typed a paper answer; 0 for the public */
	int64_t created_at;
	int64_t updated_at;
	int64_t deleted_at; /* 0 while live */
} store_satisfaction;

/* Sets a->id, created_at and updated_at. STORE_NOT_FOUND for a site that
 * does not exist. */
int store_satisfaction_insert(store *s, store_satisfaction *a);
/* The same for an answer given by the public, refused with STORE_CONFLICT
 * (nothing written) when the site already has cap answers from the kiosk
 * or the QR code answered at or after since. */
int store_satisfaction_insert_capped(store *s, store_satisfaction *a, int64_t since, int64_t cap);
/* The generation of the site's public key: 0 until it is first changed
 * (sql/009_satisfaction_keys.sql). */
int store_satisfaction_key_generation(store *s, int64_t site_id, int64_t *generation);
/* Moves the site's key to its next generation, given in *generation; by is
 * the account. STORE_NOT_FOUND for a site that does not exist. */
int store_satisfaction_key_rotate(store *s, int64_t site_id, int64_t by, int64_t *generation);
/* Soft delete (a mistyped paper answer); STORE_NOT_FOUND when not live. */
int store_satisfaction_delete(store *s, int64_t id, int64_t when);
int store_satisfaction_get(store *s, arena *a, int64_t id, store_satisfaction *out);
/* Live answers of the sites (all sites when site_ids is NULL) with
 * answered_at in [from, to), newest first, at most limit. */
int store_satisfaction_list(store *s, arena *a, const int64_t *site_ids, size_t nsites, int64_t from, int64_t to,
                            size_t limit, store_satisfaction **out, size_t *n);

/* The correction window of a site, in days (editing and deleting records). */
int store_site_correction_days(store *s, int64_t site_id, int64_t *days);
int store_site_set_correction_days(store *s, int64_t site_id, int64_t days);

/* ---- migrate-data (store_migrate.c; added by the PostgreSQL issue) ----
 * Copies a site's SQLite store into another store (a central PostgreSQL
 * one) in one transaction of the target, with new ids kept unique and the
 * old → new pairs recorded in the target's table migrated_ids, so that a
 * second run writes nothing. Returns STORE_OK (committed, or rolled back
 * when dry_run), STORE_CONFLICT (rows that would overwrite different data,
 * listed in the report; nothing written) or STORE_ERROR (message in err;
 * nothing written). */
#define STORE_MIGRATE_TABLES 28
#define STORE_MIGRATE_MAX_CONFLICTS 100 /* listed; the rest are counted */

typedef struct store_migrate_count {
	const char *table;
	int64_t source;  /* rows read from the source */
	int64_t added;   /* rows written to the target */
	int64_t already; /* copied by an earlier run */
	int64_t matched; /* identical rows found in the target and reused */
} store_migrate_count;

typedef struct store_migrate_report {
	char source_uid[40];
	int new_uid; /* the source had no uid yet (first run) */
	store_migrate_count counts[STORE_MIGRATE_TABLES];
	char **conflicts; /* in the arena, nconflicts of them */
	size_t nconflicts;
	size_t total_conflicts;
} store_migrate_report;

int store_migrate_data(store *from, store *to, int dry_run, arena *a, store_migrate_report *r, char *err,
                       size_t errlen);

/* ------------------------------------------------------------------ */
/* Editing the themes and the digital-skills topics (page_catalog.c).
 * The 11 theme codes are the national vocabulary: only their labels
 * change. Topics gain local codes and are deactivated, never deleted. */

int store_theme_get(store *s, arena *a, const char *code, store_theme *out); /* STORE_NOT_FOUND */
int store_theme_update(store *s, const store_theme *t); /* label only; STORE_NOT_FOUND */
int store_topic_get(store *s, arena *a, const char *code, store_topic *out); /* STORE_NOT_FOUND */
/* A new topic, active, after the others; STORE_CONFLICT on a used code. */
int store_topic_insert(store *s, const store_topic *t);
int store_topic_update(store *s, const store_topic *t); /* label and active; STORE_NOT_FOUND */

/* ------------------------------------------------------------------ */
/* Retention and the rights of an identified person (store_privacy.c,
 * docs/privacy.md). Each purge counts the rows past their period into *n
 * and, unless dry_run, removes them in the same transaction. */

/* Empties the name, phone, e-mail and consent date of identified visitors
 * neither identified nor seen since before (and the notes and mandate
 * references of their demands); identified, the consent reason and the
 * profile stay, so the statistics do not change. */
int store_purge_visitors(store *s, int64_t before, int64_t now, int dry_run, int64_t *n);
/* Empties the comments of satisfaction answers given before; the answers stay. */
int store_purge_comments(store *s, int64_t before, int64_t now, int dry_run, int64_t *n);
int store_purge_sessions(store *s, int64_t idle_before, int64_t created_before, int dry_run, int64_t *n);
int store_purge_login_failures(store *s, int64_t before, int dry_run, int64_t *n);
int store_purge_audit(store *s, int64_t before, int dry_run, int64_t *n);
/* The same erasure for one identified visitor: STORE_NOT_FOUND when the
 * visitor is anonymous, erased already, or missing. */
int store_visitor_erase(store *s, int64_t visitor_id, int64_t now);
/* 1 for an identified visitor whose identity was erased. */
int store_visitor_erased(const store_visitor *p);
/* Every visit of a visitor, deleted ones included (deleted_at set), oldest
 * first, with their demands; at most limit. */
int store_visitor_visits(store *s, arena *a, int64_t visitor_id, size_t limit, store_visit **out, size_t *n);
/* The audit rows about a visitor and her visits, oldest first, at most limit. */
int store_audit_about_visitor(store *s, arena *a, int64_t visitor_id, size_t limit, store_audit **out,
                              size_t *n);

#endif
