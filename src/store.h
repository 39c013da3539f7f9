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

#include "util.h"

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
uint64_t store_error_count(const store *s);
const char *store_kind_name(const store *s); /* "sqlite" or "postgresql" */

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
/* Updates name, role, departement, operator_code, active and the sites, in
 * one transaction. Disabling an account also ends its sessions. */
int store_user_update(store *s, const store_user *u);
int store_user_set_password(store *s, int64_t user_id, const char *hash);
int store_user_get(store *s, arena *a, int64_t id, store_user *out);
int store_user_by_email(store *s, arena *a, const char *email, store_user *out);
/* Users, in name order; site_id 0 for every site. */
int store_user_list(store *s, arena *a, int64_t site_id, store_user **out, size_t *n);
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
int store_session_touch(store *s, const char *id_hash, int64_t now);
int store_session_delete(store *s, const char *id_hash);
int store_session_delete_user(store *s, int64_t user_id);
int store_session_purge(store *s, int64_t idle_before, int64_t created_before);

/* API tokens: only a hash is kept. */
int store_token_insert(store *s, const char *token_hash, int64_t user_id, const char *label, int64_t now);
int store_token_user(store *s, const char *token_hash, int64_t *user_id);

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

#endif
