/*
 * login.c: a login with e-mail and password: throttled before the password
 * is checked (throttle.c), compared in constant work whether the account
 * exists or not, then handed to the second factor's step (totp.c) when the
 * account has one, else a session is started (auth.c).
 */
#include "auth/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "app/app.h"
#include "auth/throttle.h"
#include "auth/totp.h"
#include "util/guichet_limits.h"
#include "util/i18n.h"

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void make_dummy_hash(void)
{
	unsigned char raw[32];
	char pw[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	if (auth_password_hash(pw, dummy_hash, sizeof dummy_hash) != 0)
		fatal("out of memory hashing a password");
}

/* Answers an attempt the throttle refused: 429 with the delay in
 * Retry-After, journaled. */
static int throttled(req *r, int64_t wait, const char **why, int *status)
{
	char *after = arena_printf(r->arena, "%lld", (long long)wait);
	if (after)
		http_set_header(r, "Retry-After", after);
	auth_audit(r, "login_throttled", "user", 0, 0, NULL);
	*why = N_("Trop de tentatives de connexion. Par sécurité, patientez quelques minutes avant de "
	          "réessayer.");
	*status = 429;
	return -1;
}

int auth_login(req *r, const char *email, const char *password, const char **why, int *status)
{
	store *st = r->app->store;
	char *lower = arena_strdup(r->arena, email ? email : "");
	if (!lower) {
		*why = N_("Erreur du serveur.");
		*status = 500;
		return -1;
	}
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');

	/* The attempt is reserved before the password is checked, so that
	 * concurrent guesses cannot pass the count. */
	throttle_attempt attempt;
	int64_t wait = throttle_login_begin(r, lower, &attempt);
	if (wait > 0)
		return throttled(r, wait, why, status);

	store_user u;
	int found = store_user_by_email(st, r->arena, lower, &u) == STORE_OK;
	/* An unknown address costs the same time as a wrong password, so that
	 * the answer's delay does not tell which accounts exist. */
	pthread_once(&dummy_once, make_dummy_hash);
	int ok = auth_password_verify(found ? u.password_hash : dummy_hash, password ? password : "") == 0;
	if (!found || !ok || !u.active) {
		throttle_login_end(&attempt, THROTTLE_FAILED);
		auth_audit(r, "login_failed", "user", found ? u.id : 0, 0, NULL);
		*why = N_("Adresse e-mail ou mot de passe incorrect.");
		*status = 401;
		return -1;
	}
	/* With a second factor the password alone opens nothing: the code's
	 * step (totp.c) counts its own attempts and starts the session. */
	int second = totp_login_step(r, &u, why, status);
	if (second != 0) {
		throttle_login_end(&attempt, THROTTLE_ABANDONED);
		return second;
	}
	if (auth_session_start(r, &u) != 0) {
		throttle_login_end(&attempt, THROTTLE_ABANDONED);
		*why = N_("Erreur du serveur.");
		*status = 500;
		return -1;
	}
	throttle_login_end(&attempt, THROTTLE_PASSED);
	throttle_device_remember(r, lower);
	auth_audit(r, "login", "user", u.id, 0, NULL);
	return 0;
}
