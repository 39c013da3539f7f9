/*
 * auth.h: passwords, sessions, CSRF tokens, login throttling, roles and the
 * audit journal of accesses.
 *
 * A session id is 32 random bytes given to the browser in an HttpOnly cookie;
 * the store keeps only its BLAKE2b hash. The CSRF token of a form is a MAC of
 * the session (or, before login, of a pre-session cookie) under the server's
 * secret, compared in constant time.
 */
#ifndef GUICHET_AUTH_H
#define GUICHET_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "store/store.h"

#define AUTH_COOKIE_SESSION "guichet_session"
#define AUTH_COOKIE_PRE "guichet_pre"
#define AUTH_CSRF_FIELD "csrf"

enum auth_role { ROLE_NONE = 0, ROLE_AGENT, ROLE_MANAGER, ROLE_COORDINATOR, ROLE_OPERATOR, ROLE_ADMIN };

struct session {
	store_user user;
	enum auth_role role;
	char id_hash[65];
};

int auth_init(void); /* sodium_init */
enum auth_role auth_role_parse(const char *s);
const char *auth_role_name(enum auth_role r);

/* Argon2id (libsodium's interactive limits); out holds crypto_pwhash_STRBYTES. */
int auth_password_hash(const char *password, char *out, size_t outlen);
int auth_password_verify(const char *hash, const char *password);
/* Length and content rules; the reason (French msgid) in *why. */
int auth_password_acceptable(const char *password, const char **why);

/* Reads the session cookie, checks expiry, fills r->session (or leaves it
 * NULL) and r->csrf. Called for every page request. */
void auth_load(req *r);
/* Before login: makes sure the browser has a pre-session cookie and sets
 * r->csrf from it, so that the login form is protected too. */
void auth_pre_session(req *r);
/* Verifies the CSRF field of a POST; 0 when it is right. */
int auth_csrf_ok(req *r);
/* Checks email and password with throttling; on success creates the session
 * and sets the cookie. Returns 0, or -1 with a French msgid in *why and the
 * HTTP status (401, 429) in *status. */
int auth_login(req *r, const char *email, const char *password, const char **why, int *status);
/* What auth_login returns when the password was right but the account has a
 * second factor: no session yet, the code's step is pending (auth/totp.h). */
#define AUTH_SECOND_FACTOR 1
/* Starts a session for u (a new id, its cookie, r->session and r->csrf) and
 * ends any earlier one of this browser: 0, or -1 when it cannot be stored. */
int auth_session_start(req *r, const store_user *u);
void auth_logout(req *r);
/* Bearer token of the JSON API: fills r->session. Returns 0, AUTH_BAD_TOKEN
 * when the token is missing, wrong or its account disabled, or
 * AUTH_UNAVAILABLE when the store could not be asked: a client must not drop
 * a good token because the database was restarting. */
enum { AUTH_BAD_TOKEN = -1, AUTH_UNAVAILABLE = -2 };
int auth_bearer(req *r);
/* A new random API token (printable) and its stored hash. */
int auth_token_new(char token[65], char hash[65]);
/* Hex BLAKE2b-256 of a secret, as stored. */
void auth_hash_secret(const char *secret, char out[65]);

/* Access rules */
int auth_is(const req *r, enum auth_role min_role_exact);
/* The user may read records of this site (their sites, their département, or
 * every site for an admin). */
int auth_site_visible(const req *r, const store_site *site);
int auth_user_has_site(const store_user *u, int64_t site_id);

/* Journal one access; object_id and site_id may be 0. */
void auth_audit(req *r, const char *action, const char *object, int64_t object_id, int64_t site_id,
                const char *detail);

#endif
