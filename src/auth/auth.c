/*
 * auth.c: passwords (Argon2id), sessions, CSRF tokens, login throttling,
 * bearer tokens, the access rules of roles and sites, and the audit journal.
 *
 * Secrets given to browsers and API clients are never stored: the store
 * keeps their BLAKE2b hash, so a copy of the database does not let anyone in.
 */
#include "auth/auth.h"
#include "util/i18n.h"

#include <pthread.h>
#include <sodium.h>
#include <strings.h>
#include <string.h>

#include "app/app.h"
#include "auth/throttle.h"
#include "util/guichet_limits.h"

/* Touching a session on every request would write on every page view; a
 * minute of slack on the idle expiry is enough precision. */
#define TOUCH_INTERVAL_S 60

int auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

static const char *const role_names[] = {"", "agent", "manager", "coordinator", "operator", "admin"};

enum auth_role auth_role_parse(const char *s)
{
	for (size_t i = 1; s && i < COUNT(role_names); i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum auth_role)i;
	return ROLE_NONE;
}

const char *auth_role_name(enum auth_role r)
{
	return (size_t)r < COUNT(role_names) ? role_names[r] : "";
}

int auth_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return -1; /* out of memory */
	return 0;
}

int auth_password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash)
		return -1;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -1;
}

int auth_password_acceptable(const char *password, const char **why)
{
	size_t n = password ? strlen(password) : 0;
	if (n < LIMIT_PASSWORD_MIN) {
		*why = N_("Le mot de passe doit compter au moins 12 caractères.");
		return -1;
	}
	if (n > LIMIT_PASSWORD_MAX) {
		*why = N_("Le mot de passe doit compter au plus 256 caractères.");
		return -1;
	}
	if (!utf8_valid(password, n) || text_has_controls(password)) {
		*why = N_("Le mot de passe contient des caractères non autorisés.");
		return -1;
	}
	return 0;
}

static void hex(const unsigned char *p, size_t n, char *out)
{
	sodium_bin2hex(out, n * 2 + 1, p, n);
}

void auth_hash_secret(const char *secret, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), NULL, 0);
	hex(h, sizeof h, out);
}

static void random_hex(char out[65])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	hex(b, sizeof b, out);
}

int auth_token_new(char token[65], char hash[65])
{
	random_hex(token);
	auth_hash_secret(token, hash);
	return 0;
}

/* The CSRF token of a form: a MAC of the session's key under the server's
 * secret, so that it cannot be computed without both. Keyed BLAKE2b: a
 * third of HMAC-SHA-512's time on every page (0.5 against 1.5 µs), and
 * apart from the HMACs the same secret makes for other tokens
 * (throttle.c, totp.c). */
static char *csrf_for(req *r, const char *key)
{
	unsigned char mac[32];
	_Static_assert(sizeof r->app->secret >= crypto_generichash_KEYBYTES_MIN &&
	                   sizeof r->app->secret <= crypto_generichash_KEYBYTES_MAX,
	               "the server's secret is a BLAKE2b key");
	crypto_generichash(mac, sizeof mac, (const unsigned char *)key, strlen(key), r->app->secret,
	                   sizeof r->app->secret);
	char *out = arena_alloc(r->arena, sizeof mac * 2 + 1);
	if (out)
		hex(mac, sizeof mac, out);
	return out;
}

void auth_load(req *r)
{
	r->session = NULL;
	r->csrf = NULL;
	const char *pre = http_cookie(r, AUTH_COOKIE_PRE);
	if (pre && strlen(pre) == 64) {
		char *key = arena_printf(r->arena, "pre:%s", pre);
		if (key)
			r->csrf = csrf_for(r, key);
	}
	const char *sid = http_cookie(r, AUTH_COOKIE_SESSION);
	if (!sid || strlen(sid) != 64)
		return;
	struct session *s = arena_alloc(r->arena, sizeof *s);
	if (!s)
		return;
	auth_hash_secret(sid, s->id_hash);
	store_session row;
	if (store_session_user_get(r->app->store, r->arena, s->id_hash, &row, &s->user) != STORE_OK)
		return;
	int64_t now = now_s();
	const config *cfg = r->app->cfg;
	if (now - row.last_seen > cfg->session_idle || now - row.created_at > cfg->session_absolute) {
		store_session_delete(r->app->store, s->id_hash);
		return;
	}
	if (s->user.id == 0 || !s->user.active || (s->role = auth_role_parse(s->user.role)) == ROLE_NONE)
		return;
	int64_t interval =
	    cfg->session_idle / 4 < TOUCH_INTERVAL_S ? cfg->session_idle / 4 : TOUCH_INTERVAL_S;
	if (now - row.last_seen >= interval)
		store_session_touch(r->app->store, s->id_hash, now);
	r->session = s;
	r->csrf = csrf_for(r, row.csrf_key);
}

void auth_pre_session(req *r)
{
	if (r->csrf)
		return;
	char pre[65];
	random_hex(pre);
	http_set_cookie(r, AUTH_COOKIE_PRE, pre, -1);
	char *key = arena_printf(r->arena, "pre:%s", pre);
	if (key)
		r->csrf = csrf_for(r, key);
}

int auth_csrf_ok(req *r)
{
	const char *given = http_form(r, AUTH_CSRF_FIELD);
	if (!given || !r->csrf)
		return 0;
	size_t n = strlen(r->csrf);
	return strlen(given) == n && sodium_memcmp(given, r->csrf, n) == 0;
}

int auth_session_start(req *r, const store_user *u)
{
	/* A new session id at every login: an id planted before login is useless. */
	auth_logout(r);
	char sid[65], sid_hash[65], csrf_key[65];
	random_hex(sid);
	random_hex(csrf_key);
	auth_hash_secret(sid, sid_hash);
	if (store_session_insert(r->app->store, sid_hash, u->id, csrf_key, now_s()) != STORE_OK)
		return -1;
	http_set_cookie(r, AUTH_COOKIE_SESSION, sid, -1);
	http_set_cookie(r, AUTH_COOKIE_PRE, "", 0);
	struct session *s = arena_alloc(r->arena, sizeof *s);
	if (s) {
		s->user = *u;
		s->role = auth_role_parse(u->role);
		memcpy(s->id_hash, sid_hash, sizeof s->id_hash);
		r->session = s;
		r->csrf = csrf_for(r, csrf_key);
	}
	return 0;
}

void auth_logout(req *r)
{
	if (r->session) {
		store_session_delete(r->app->store, r->session->id_hash);
		auth_audit(r, "logout", "user", r->session->user.id, 0, NULL);
		r->session = NULL;
	}
	http_set_cookie(r, AUTH_COOKIE_SESSION, "", 0);
}

int auth_bearer(req *r)
{
	const char *h = http_header(r, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return AUTH_BAD_TOKEN;
	const char *token = h + 7;
	while (*token == ' ')
		token++;
	if (strlen(token) != 64)
		return AUTH_BAD_TOKEN;
	char hash[65];
	int64_t user_id;
	auth_hash_secret(token, hash);
	int rc = store_token_user(r->app->store, hash, &user_id);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? AUTH_BAD_TOKEN : AUTH_UNAVAILABLE;
	struct session *s = arena_alloc(r->arena, sizeof *s);
	if (!s)
		return AUTH_UNAVAILABLE;
	rc = store_user_get(r->app->store, r->arena, user_id, &s->user);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? AUTH_BAD_TOKEN : AUTH_UNAVAILABLE;
	s->role = auth_role_parse(s->user.role);
	if (!s->user.active || s->role == ROLE_NONE)
		return AUTH_BAD_TOKEN;
	r->session = s;
	return 0;
}

int auth_is(const req *r, enum auth_role role)
{
	return r->session && r->session->role == role;
}

int auth_user_has_site(const store_user *u, int64_t site_id)
{
	for (size_t i = 0; i < u->nsites; i++)
		if (u->site_ids[i] == site_id)
			return 1;
	return 0;
}

int auth_site_visible(const req *r, const store_site *site)
{
	if (!r->session)
		return 0;
	const struct session *s = r->session;
	switch (s->role) {
	case ROLE_ADMIN:
		return 1;
	case ROLE_COORDINATOR:
		return s->user.departement && *s->user.departement && site->departement &&
		       strcmp(s->user.departement, site->departement) == 0;
	case ROLE_AGENT:
	case ROLE_MANAGER:
		return auth_user_has_site(&s->user, site->id);
	default:
		return 0;
	}
}

void auth_audit(req *r, const char *action, const char *object, int64_t object_id, int64_t site_id,
                const char *detail)
{
	store_audit e = {0};
	e.at = now_s();
	e.user_id = r->session ? r->session->user.id : 0;
	e.action = (char *)action;
	e.object = (char *)object;
	e.object_id = object_id;
	e.site_id = site_id;
	e.address = (char *)(r->client_ip ? r->client_ip : "");
	e.detail = (char *)(detail ? detail : "");
	store_audit_add(r->app->store, &e);
}
