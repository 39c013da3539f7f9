/*
 * totp.h: the second factor of an account: time-based one-time codes
 * (RFC 6238, computed by liboath: HMAC-SHA-1, 30-second steps, 6 digits),
 * single-use recovery codes, enrolment, the code's step of a login, and the
 * administrators' choice of the roles that must have one.
 *
 * The TOTP key is 20 random bytes, shown once as base32 and as the QR code
 * of its otpauth:// address, and stored sealed (libsodium secretbox) under a
 * key derived from the server's secret. A code is good for the current time
 * step or the one before or after it (clocks of telephones drift), and only
 * for a step later than the last one accepted: a code cannot be used twice.
 *
 * Between a right password and its code, the browser holds a short-lived
 * pending cookie signed under the server's secret and bound to its
 * pre-session cookie and to the account's password hash; it is no session
 * and opens nothing but the code's form.
 */
#ifndef GUICHET_TOTP_H
#define GUICHET_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "http/http.h"

#define TOTP_COOKIE_PENDING "guichet_login_code"
#define TOTP_KEY_BYTES 20
#define TOTP_STEP_S 30
#define TOTP_DIGITS 6
/* Base32 of the key: 32 characters and the NUL. */
#define TOTP_BASE32_SIZE 33
/* A recovery code as shown: four groups of four and three dashes. */
#define TOTP_RECOVERY_CHARS 16
#define TOTP_RECOVERY_SIZE (TOTP_RECOVERY_CHARS + 3 + 1)

enum { TOTP_OK = 0, TOTP_ERROR = -1, TOTP_WRONG = -2, TOTP_ENABLED = -3 };

/* ---- The computation, without any state. */

/* The code of key at Unix time t with digits digits (6 to 8) into out,
 * which holds digits + 1 bytes: 0, or -1. */
int totp_code(const unsigned char *key, size_t keylen, int64_t t, unsigned digits, char *out);
/* The time step (t / TOTP_STEP_S) of the 6-digit code among now's step and
 * the steps just before and after it, and later than step after; -1 when
 * none matches. */
int64_t totp_match(const unsigned char *key, size_t keylen, const char *code, int64_t now, int64_t after);

/* ---- The roles that must have a second factor (the store's settings). */

/* A bit set of ROLE_BIT(role); -1 when the settings cannot be read. */
int totp_required_roles(req *r);
int totp_required_roles_set(req *r, unsigned roles);
/* 1 when the logged-in user's role requires a second factor that the
 * account has not yet enabled (or when that cannot be known): such a
 * session may open only the enrolment page. */
int totp_enrolment_due(req *r);

/* ---- Enrolment of the logged-in user. */

/* The key of the enrolment under way, or a new one: its base32 text and
 * its otpauth:// address (from the arena). TOTP_ENABLED when the account
 * has a second factor already (the key is never shown again). */
int totp_enrol_key(req *r, char b32[TOTP_BASE32_SIZE], const char **uri);
/* Confirms the enrolment with a current code: enables it and gives the
 * recovery codes, which are shown once. TOTP_WRONG for a wrong code. */
int totp_enrol_confirm(req *r, const char *code, char codes[][TOTP_RECOVERY_SIZE], size_t n);
/* Checks and uses up a code of the account: a current TOTP code not used
 * before, or an unused recovery code (*recovery set to 1). TOTP_OK,
 * TOTP_WRONG, or TOTP_ERROR. */
int totp_check(req *r, int64_t user_id, const char *code, int *recovery);
/* The state of the logged-in user's second factor: 1 enabled (with the
 * date and the recovery codes left), 0 not, -1 unknown. */
int totp_status(req *r, int64_t *enabled_at, int64_t *recovery_left);
int totp_disable(req *r);

/* ---- The code's step of a login. */

/* Called by auth_login once the password is right: 0 when the account has
 * no second factor (the session may start); AUTH_SECOND_FACTOR when it has
 * one, the pending cookie being set; -1 with a French msgid in *why and the
 * HTTP status in *status when the store cannot tell. */
int totp_login_step(req *r, const store_user *u, const char **why, int *status);
/* The account whose code is awaited by this browser: 0, or -1 when there
 * is none (never given, expired, forged, or the password changed since). */
int totp_login_pending(req *r, store_user *u);
/* Checks the code of the pending login (throttled like a password): on
 * success starts the session and returns 0; otherwise -1 with a French
 * msgid in *why and the status (401, 429, 500) in *status. */
int totp_login_finish(req *r, const char *code, const char **why, int *status);

#endif
