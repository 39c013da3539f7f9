/*
 * totp.c: the second factor (see totp.h): codes through liboath, the key
 * sealed under the server's secret, recovery codes, enrolment, the code's
 * step of a login, and the roles that must have one.
 */
#include "auth/totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "auth/throttle.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"

#define SETTING_ROLES "totp_required_roles"
#define SEALED_BYTES (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + TOTP_KEY_BYTES)
/* The longest code worth reading once spaces and dashes are gone. */
#define CODE_MAX 32

/* Letters and digits that cannot be mistaken for one another when read
 * aloud or copied by hand: no 0/O, 1/I/L, nor U. */
static const char recovery_alphabet[] = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;

static void oath_start(void)
{
	if (oath_init() != OATH_OK)
		fatal("cannot initialise liboath");
}

int totp_code(const unsigned char *key, size_t keylen, int64_t t, unsigned digits, char *out)
{
	pthread_once(&oath_once, oath_start);
	if (t < 0 || digits < 6 || digits > 8)
		return -1;
	return oath_totp_generate((const char *)key, keylen, (time_t)t, TOTP_STEP_S, 0, digits, out) ==
	               OATH_OK
	           ? 0
	           : -1;
}

int64_t totp_match(const unsigned char *key, size_t keylen, const char *code, int64_t now, int64_t after)
{
	if (strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return -1;
	int64_t current = now / TOTP_STEP_S;
	for (int64_t step = current - 1; step <= current + 1; step++) {
		char expected[TOTP_DIGITS + 1];
		if (step <= after || totp_code(key, keylen, step * TOTP_STEP_S, TOTP_DIGITS, expected) != 0)
			continue;
		if (sodium_memcmp(expected, code, TOTP_DIGITS) == 0)
			return step;
	}
	return -1;
}

/* What was typed, without spaces and dashes and in capitals: 0, or -1 when
 * it is too long to be a code. */
static int code_normalise(const char *in, char out[CODE_MAX + 1])
{
	size_t n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-')
			continue;
		if (n == CODE_MAX)
			return -1;
		out[n++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
	}
	out[n] = '\0';
	return 0;
}

/* ---- The key, sealed under a key derived from the server's secret. */

static void seal_key(req *r, unsigned char k[crypto_secretbox_KEYBYTES])
{
	static const char context[] = "guichet totp secret v1";
	crypto_generichash(k, crypto_secretbox_KEYBYTES, (const unsigned char *)context, sizeof context - 1,
	                   r->app->secret, sizeof r->app->secret);
}

static void seal(req *r, const unsigned char key[TOTP_KEY_BYTES], char out[SEALED_BYTES * 2 + 1])
{
	unsigned char k[crypto_secretbox_KEYBYTES], box[SEALED_BYTES];
	seal_key(r, k);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, key, TOTP_KEY_BYTES, box, k);
	sodium_bin2hex(out, SEALED_BYTES * 2 + 1, box, sizeof box);
	sodium_memzero(k, sizeof k);
}

static int unseal(req *r, const char *sealed, unsigned char key[TOTP_KEY_BYTES])
{
	unsigned char k[crypto_secretbox_KEYBYTES], box[SEALED_BYTES];
	size_t len = 0;
	if (!sealed || sodium_hex2bin(box, sizeof box, sealed, strlen(sealed), NULL, &len, NULL) != 0 ||
	    len != sizeof box)
		return -1;
	seal_key(r, k);
	int rc = crypto_secretbox_open_easy(key, box + crypto_secretbox_NONCEBYTES,
	                                    sizeof box - crypto_secretbox_NONCEBYTES, box, k);
	sodium_memzero(k, sizeof k);
	return rc == 0 ? 0 : -1;
}

/* ---- The roles that must have a second factor. */

int totp_required_roles(req *r)
{
	char *v = NULL;
	int rc = store_setting_get(r->app->store, r->arena, SETTING_ROLES, &v);
	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc != STORE_OK)
		return -1;
	unsigned roles = 0;
	for (char *save = NULL, *name = strtok_r(v, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		enum auth_role role = auth_role_parse(name);
		if (role != ROLE_NONE)
			roles |= 1u << role;
	}
	return (int)roles;
}

int totp_required_roles_set(req *r, unsigned roles)
{
	buf b;
	buf_init(&b, 256);
	for (int role = ROLE_AGENT; role <= ROLE_ADMIN; role++)
		if (roles & (1u << role)) {
			if (b.len)
				buf_putc(&b, ',');
			buf_puts(&b, auth_role_name((enum auth_role)role));
		}
	int rc = store_setting_put(r->app->store, SETTING_ROLES, b.len ? b.data : "");
	buf_free(&b);
	return rc == STORE_OK ? 0 : -1;
}

int totp_enrolment_due(req *r)
{
	if (!r->session)
		return 0;
	int roles = totp_required_roles(r);
	if (roles >= 0 && !(roles & (1 << r->session->role)))
		return 0;
	/* When the store cannot tell, the enrolment page (which answers the
	 * error) is safer than letting the session through. */
	int64_t enabled_at = 0, left = 0;
	return totp_status(r, &enabled_at, &left) != 1;
}

/* ---- Enrolment. */

static const char *otpauth_uri(req *r, const char *b32)
{
	buf b;
	buf_init(&b, 1024);
	buf_puts(&b, "otpauth://totp/Guichet:");
	html_url_arg(&b, r->session->user.email);
	buf_printf(&b, "?secret=%s&issuer=Guichet&algorithm=SHA1&digits=%d&period=%d", b32, TOTP_DIGITS,
	           TOTP_STEP_S);
	const char *uri = b.overflow ? NULL : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return uri;
}

static int base32(const unsigned char key[TOTP_KEY_BYTES], char out[TOTP_BASE32_SIZE])
{
	char *text = NULL;
	size_t len = 0;
	if (oath_base32_encode((const char *)key, TOTP_KEY_BYTES, &text, &len) != OATH_OK ||
	    len >= TOTP_BASE32_SIZE) {
		free(text);
		return -1;
	}
	memcpy(out, text, len);
	out[len] = '\0';
	free(text);
	return 0;
}

int totp_enrol_key(req *r, char b32[TOTP_BASE32_SIZE], const char **uri)
{
	pthread_once(&oath_once, oath_start);
	store *st = r->app->store;
	int64_t uid = r->session->user.id;
	unsigned char key[TOTP_KEY_BYTES];
	store_totp t;
	int rc = store_totp_get(st, r->arena, uid, &t);
	if (rc == STORE_OK && t.enabled_at)
		return TOTP_ENABLED;
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return TOTP_ERROR;
	/* A reload of the page shows the same key, so that a code scanned
	 * before it still confirms the enrolment. */
	if (rc == STORE_NOT_FOUND || unseal(r, t.secret, key) != 0) {
		char sealed[SEALED_BYTES * 2 + 1];
		randombytes_buf(key, sizeof key);
		seal(r, key, sealed);
		rc = store_totp_begin(st, uid, sealed, now_s());
		if (rc != STORE_OK) {
			sodium_memzero(key, sizeof key);
			return rc == STORE_CONFLICT ? TOTP_ENABLED : TOTP_ERROR;
		}
	}
	rc = base32(key, b32);
	sodium_memzero(key, sizeof key);
	if (rc != 0 || !(*uri = otpauth_uri(r, b32)))
		return TOTP_ERROR;
	return TOTP_OK;
}

static void recovery_new(char shown[TOTP_RECOVERY_SIZE], char hash[65])
{
	char plain[TOTP_RECOVERY_CHARS + 1];
	size_t k = 0;
	for (size_t i = 0; i < TOTP_RECOVERY_CHARS; i++) {
		plain[i] = recovery_alphabet[randombytes_uniform(sizeof recovery_alphabet - 1)];
		if (i && i % 4 == 0)
			shown[k++] = '-';
		shown[k++] = plain[i];
	}
	plain[TOTP_RECOVERY_CHARS] = '\0';
	shown[k] = '\0';
	auth_hash_secret(plain, hash);
	sodium_memzero(plain, sizeof plain);
}

int totp_enrol_confirm(req *r, const char *code, char codes[][TOTP_RECOVERY_SIZE], size_t n)
{
	store *st = r->app->store;
	int64_t uid = r->session->user.id;
	store_totp t;
	int rc = store_totp_get(st, r->arena, uid, &t);
	if (rc == STORE_OK && t.enabled_at)
		return TOTP_ENABLED;
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? TOTP_WRONG : TOTP_ERROR;
	unsigned char key[TOTP_KEY_BYTES];
	char typed[CODE_MAX + 1];
	if (unseal(r, t.secret, key) != 0)
		return TOTP_ERROR;
	int64_t step = code_normalise(code, typed) == 0 ? totp_match(key, sizeof key, typed, now_s(), 0) : -1;
	sodium_memzero(key, sizeof key);
	if (step < 0)
		return TOTP_WRONG;
	char(*hashes)[65] = arena_alloc(r->arena, n * sizeof *hashes);
	const char **list = arena_alloc(r->arena, n * sizeof *list);
	if (!hashes || !list)
		return TOTP_ERROR;
	for (size_t i = 0; i < n; i++) {
		recovery_new(codes[i], hashes[i]);
		list[i] = hashes[i];
	}
	rc = store_totp_enable(st, uid, step, now_s(), list, n);
	if (rc == STORE_NOT_FOUND)
		return TOTP_ENABLED;
	return rc == STORE_OK ? TOTP_OK : TOTP_ERROR;
}

int totp_check(req *r, int64_t user_id, const char *code, int *recovery)
{
	store *st = r->app->store;
	char typed[CODE_MAX + 1];
	*recovery = 0;
	if (code_normalise(code, typed) != 0)
		return TOTP_WRONG;
	size_t n = strlen(typed);
	if (n == TOTP_RECOVERY_CHARS) {
		char hash[65];
		auth_hash_secret(typed, hash);
		int rc = store_totp_use_recovery(st, user_id, hash, now_s());
		if (rc == STORE_OK)
			*recovery = 1;
		return rc == STORE_OK ? TOTP_OK : rc == STORE_NOT_FOUND ? TOTP_WRONG : TOTP_ERROR;
	}
	if (n != TOTP_DIGITS)
		return TOTP_WRONG;
	store_totp t;
	int rc = store_totp_get(st, r->arena, user_id, &t);
	if (rc != STORE_OK || !t.enabled_at)
		return rc == STORE_OK || rc == STORE_NOT_FOUND ? TOTP_WRONG : TOTP_ERROR;
	unsigned char key[TOTP_KEY_BYTES];
	if (unseal(r, t.secret, key) != 0)
		return TOTP_ERROR;
	int64_t step = totp_match(key, sizeof key, typed, now_s(), t.last_step);
	sodium_memzero(key, sizeof key);
	if (step < 0)
		return TOTP_WRONG;
	/* The store takes the step only if no other request took it first. */
	rc = store_totp_use_step(st, user_id, step);
	return rc == STORE_OK ? TOTP_OK : rc == STORE_NOT_FOUND ? TOTP_WRONG : TOTP_ERROR;
}

int totp_status(req *r, int64_t *enabled_at, int64_t *recovery_left)
{
	store_totp t;
	int rc = store_totp_get(r->app->store, r->arena, r->session->user.id, &t);
	*enabled_at = rc == STORE_OK ? t.enabled_at : 0;
	*recovery_left = rc == STORE_OK ? t.recovery_left : 0;
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return -1;
	return *enabled_at ? 1 : 0;
}

int totp_disable(req *r)
{
	return store_totp_disable(r->app->store, r->session->user.id) == STORE_OK ? 0 : -1;
}

/* ---- The code's step of a login. */

/* The signature of a pending login: the account, its expiry, the browser's
 * pre-session and the account's password hash, under the server's secret. */
static int pending_mac(req *r, int64_t uid, int64_t expires, const char *pre, const char *password_hash,
                       char out[crypto_auth_BYTES * 2 + 1])
{
	char *msg = arena_printf(r->arena, "totp-pending:%lld:%lld:%s:%s", (long long)uid, (long long)expires,
	                         pre, password_hash ? password_hash : "");
	if (!msg)
		return -1;
	unsigned char mac[crypto_auth_BYTES];
	crypto_auth(mac, (const unsigned char *)msg, strlen(msg), r->app->secret);
	sodium_bin2hex(out, crypto_auth_BYTES * 2 + 1, mac, sizeof mac);
	return 0;
}

static const char *pre_session(req *r)
{
	const char *pre = http_cookie(r, AUTH_COOKIE_PRE);
	return pre && strlen(pre) == 64 ? pre : NULL;
}

int totp_login_step(req *r, const store_user *u, const char **why, int *status)
{
	store_totp t;
	int rc = store_totp_get(r->app->store, r->arena, u->id, &t);
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && !t.enabled_at))
		return 0;
	const char *pre = pre_session(r);
	char *pre_new = NULL;
	if (!pre) {
		/* A browser already logged in posts the login form with its
		 * session's token: the pending login still needs a pre-session. */
		unsigned char b[32];
		randombytes_buf(b, sizeof b);
		pre = pre_new = arena_alloc(r->arena, 65);
		if (pre_new)
			sodium_bin2hex(pre_new, 65, b, sizeof b);
	}
	int64_t expires = now_s() + LIMIT_TOTP_PENDING_S;
	char mac[crypto_auth_BYTES * 2 + 1];
	char *value = NULL;
	if (rc == STORE_OK && pre && pending_mac(r, u->id, expires, pre, u->password_hash, mac) == 0)
		value = arena_printf(r->arena, "%lld.%lld.%s", (long long)u->id, (long long)expires, mac);
	if (!value) {
		*why = N_("Erreur du serveur.");
		*status = 500;
		return -1;
	}
	if (pre_new)
		http_set_cookie(r, AUTH_COOKIE_PRE, pre_new, -1);
	http_set_cookie(r, TOTP_COOKIE_PENDING, value, LIMIT_TOTP_PENDING_S);
	auth_audit(r, "login_step", "user", u->id, 0, "password");
	return AUTH_SECOND_FACTOR;
}

int totp_login_pending(req *r, store_user *u)
{
	const char *v = http_cookie(r, TOTP_COOKIE_PENDING);
	const char *pre = pre_session(r);
	if (!v || !pre)
		return -1;
	char *end = NULL;
	long long uid = strtoll(v, &end, 10);
	if (end == v || *end != '.' || uid <= 0)
		return -1;
	const char *p = end + 1;
	long long expires = strtoll(p, &end, 10);
	if (end == p || *end != '.')
		return -1;
	const char *given = end + 1;
	int64_t now = now_s();
	if (expires <= now || expires > now + LIMIT_TOTP_PENDING_S)
		return -1;
	if (store_user_get(r->app->store, r->arena, uid, u) != STORE_OK || !u->active)
		return -1;
	char mac[crypto_auth_BYTES * 2 + 1];
	if (pending_mac(r, uid, expires, pre, u->password_hash, mac) != 0 || strlen(given) != strlen(mac) ||
	    sodium_memcmp(given, mac, strlen(mac)) != 0)
		return -1;
	return 0;
}

int totp_login_finish(req *r, const char *code, const char **why, int *status)
{
	store_user u;
	if (totp_login_pending(r, &u) != 0) {
		*why = N_("La vérification a expiré. Connectez-vous de nouveau.");
		*status = 401;
		return -1;
	}
	/* A wrong code counts like a wrong password, against the same keys
	 * (the store keeps e-mails in lower case, as auth_login counts them). */
	const char *account = u.email;
	throttle_attempt attempt;
	int64_t wait = throttle_login_begin(r, account, &attempt);
	if (wait > 0) {
		char *after = arena_printf(r->arena, "%lld", (long long)wait);
		if (after)
			http_set_header(r, "Retry-After", after);
		auth_audit(r, "login_throttled", "user", u.id, 0, "second factor");
		*why =
		    N_("Trop de tentatives de connexion. Par sécurité, patientez quelques minutes avant de "
		       "réessayer.");
		*status = 429;
		return -1;
	}
	int recovery = 0;
	int rc = totp_check(r, u.id, code, &recovery);
	if (rc == TOTP_WRONG) {
		throttle_login_end(&attempt, THROTTLE_FAILED);
		auth_audit(r, "login_failed", "user", u.id, 0, "second factor");
		*why =
		    N_("Ce code n'est pas valable. Entrez le code que votre application affiche maintenant, "
		       "ou un code de secours.");
		*status = 401;
		return -1;
	}
	if (rc != TOTP_OK || auth_session_start(r, &u) != 0) {
		throttle_login_end(&attempt, THROTTLE_ABANDONED);
		*why = N_("Erreur du serveur.");
		*status = 500;
		return -1;
	}
	throttle_login_end(&attempt, THROTTLE_PASSED);
	throttle_device_remember(r, account);
	http_set_cookie(r, TOTP_COOKIE_PENDING, "", 0);
	auth_audit(r, "login", "user", u.id, 0, recovery ? "recovery code" : "second factor");
	return 0;
}
