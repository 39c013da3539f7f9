/*
 * throttle.h: slowing down password guessing without locking the owner out.
 *
 * Every login attempt counts against keys: the account and the client
 * address, or, on a browser where the account already logged in (a "known
 * device", remembered by a signed cookie), that account on that device only.
 * Past a number of failures per key, each further attempt must wait a delay
 * that doubles with every failure, up to a cap (src/util/guichet_limits.h).
 *
 * An attempt is reserved before its password is checked, under one mutex, so
 * that concurrent guesses cannot pass the count: while an attempt beyond the
 * free ones is being checked, the next waits for its outcome. The counters
 * live in memory; a restart forgets them, which an attacker cannot cause.
 */
#ifndef GUICHET_THROTTLE_H
#define GUICHET_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

#define THROTTLE_COOKIE_DEVICE "guichet_device"
#define THROTTLE_ID_BYTES 16
#define THROTTLE_MAX_KEYS 2

/* The keys one attempt counts against. */
typedef struct throttle_attempt {
	size_t n;
	struct {
		unsigned char id[THROTTLE_ID_BYTES];
		unsigned free; /* failures allowed before any delay */
		int cleared;   /* a success forgets the failures of this key */
	} keys[THROTTLE_MAX_KEYS];
} throttle_attempt;

enum throttle_outcome { THROTTLE_FAILED, THROTTLE_PASSED, THROTTLE_ABANDONED };

/* Reserves a login attempt at account (lower-cased e-mail) from the request's
 * browser and address. Returns 0 when the password may be checked, otherwise
 * the seconds to wait (nothing is reserved then). */
int64_t throttle_login_begin(req *r, const char *account, throttle_attempt *t);
/* Ends a reserved attempt: a failure counts and may start or lengthen the
 * delay; a success forgets the failures of the account (or of the device),
 * never those of the address; an abandoned attempt (a server error) counts
 * for nothing. */
void throttle_login_end(const throttle_attempt *t, enum throttle_outcome outcome);
/* After a successful login: remembers this browser as a known device of
 * account with a long-lived cookie signed under the server's secret. */
void throttle_device_remember(req *r, const char *account);

/* The table itself, for tests: key is any text. */
void throttle_attempt_add(throttle_attempt *t, const char *key, unsigned free, int cleared);
int64_t throttle_begin(throttle_attempt *t, int64_t now);
void throttle_end(const throttle_attempt *t, enum throttle_outcome outcome, int64_t now);

#endif
