/*
 * throttle.c: the login throttle (see throttle.h): a fixed table of counters
 * in memory under one mutex, and the known-device cookie.
 *
 * Keys are hashed with a key drawn at start, so that nobody outside can
 * choose texts that fall on the same slots and push an account's counter out
 * of the table. A full neighbourhood of slots gives up its stalest entry that
 * has no attempt in flight.
 */
#include "auth/throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "util/guichet_limits.h"
#include "util/util.h"

/* Slots looked at from a key's home slot before giving one up. */
#define PROBE 16

struct slot {
	unsigned char id[THROTTLE_ID_BYTES];
	int used;
	uint32_t fails;   /* failures since the last success or forgetting */
	uint32_t pending; /* attempts reserved and not yet ended */
	int64_t last;     /* last failure, or the slot's creation */
	int64_t next_at;  /* no attempt before this time once past the free ones */
};

static struct slot slots[LIMIT_LOGIN_THROTTLE_KEYS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char hash_key[crypto_generichash_KEYBYTES];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void draw_key(void)
{
	randombytes_buf(hash_key, sizeof hash_key);
}

void throttle_attempt_add(throttle_attempt *t, const char *key, unsigned free, int cleared)
{
	if (t->n >= THROTTLE_MAX_KEYS)
		fatal("throttle: too many keys for one attempt");
	pthread_once(&key_once, draw_key);
	crypto_generichash(t->keys[t->n].id, THROTTLE_ID_BYTES, (const unsigned char *)key, strlen(key),
	                   hash_key, sizeof hash_key);
	t->keys[t->n].free = free;
	t->keys[t->n].cleared = cleared;
	t->n++;
}

static int stale(const struct slot *s, int64_t now)
{
	return s->pending == 0 && now - s->last > LIMIT_LOGIN_FORGET_S;
}

/* The slot of id, or with create a new one; NULL when the key is unknown
 * (or, with create, when every slot nearby has an attempt in flight).
 * Called with the lock held. */
static struct slot *find(const unsigned char *id, int64_t now, int create)
{
	uint32_t home;
	memcpy(&home, id, sizeof home);
	struct slot *spare = NULL;
	for (size_t i = 0; i < PROBE; i++) {
		struct slot *s = &slots[(home + i) % LIMIT_LOGIN_THROTTLE_KEYS];
		if (s->used && memcmp(s->id, id, THROTTLE_ID_BYTES) == 0) {
			if (stale(s, now)) {
				s->fails = 0;
				s->next_at = 0;
			}
			return s;
		}
		if (!s->used || stale(s, now)) {
			if (!spare || spare->used)
				spare = s;
		} else if (s->pending == 0 && (!spare || (spare->used && s->last < spare->last))) {
			spare = s;
		}
	}
	if (!create || !spare)
		return NULL;
	memset(spare, 0, sizeof *spare);
	memcpy(spare->id, id, THROTTLE_ID_BYTES);
	spare->used = 1;
	spare->last = now;
	return spare;
}

/* The delay after fails failures on a key that allows free of them. */
static int64_t delay_after(uint32_t fails, unsigned free)
{
	uint32_t k = fails - free;
	if (k >= 30)
		return LIMIT_LOGIN_DELAY_MAX_S;
	int64_t d = (int64_t)LIMIT_LOGIN_DELAY_BASE_S << k;
	return d > LIMIT_LOGIN_DELAY_MAX_S ? LIMIT_LOGIN_DELAY_MAX_S : d;
}

/* Seconds before a new attempt on s may start; 0 when it may now. */
static int64_t wait_for(const struct slot *s, unsigned free, int64_t now)
{
	if (s->fails + s->pending < free)
		return 0;
	/* An attempt past the free ones is being checked: its outcome decides
	 * the delay, so the next one cannot start before it ends. */
	if (s->pending > 0)
		return LIMIT_LOGIN_DELAY_BASE_S;
	return s->next_at > now ? s->next_at - now : 0;
}

int64_t throttle_begin(throttle_attempt *t, int64_t now)
{
	struct slot *found[THROTTLE_MAX_KEYS];
	int64_t wait = 0;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < t->n; i++) {
		found[i] = find(t->keys[i].id, now, 1);
		int64_t w = found[i] ? wait_for(found[i], t->keys[i].free, now) : LIMIT_LOGIN_DELAY_BASE_S;
		if (w > wait)
			wait = w;
	}
	if (wait == 0)
		for (size_t i = 0; i < t->n; i++)
			found[i]->pending++;
	pthread_mutex_unlock(&lock);
	return wait;
}

void throttle_end(const throttle_attempt *t, enum throttle_outcome outcome, int64_t now)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < t->n; i++) {
		/* A slot with an attempt in flight is never given up, so the
		 * reserved one is still there. */
		struct slot *s = find(t->keys[i].id, now, 0);
		if (!s || s->pending == 0)
			continue;
		s->pending--;
		if (outcome == THROTTLE_FAILED) {
			s->fails++;
			s->last = now;
			if (s->fails >= t->keys[i].free)
				s->next_at = now + delay_after(s->fails, t->keys[i].free);
		} else if (outcome == THROTTLE_PASSED && t->keys[i].cleared) {
			s->fails = 0;
			s->next_at = 0;
		}
	}
	pthread_mutex_unlock(&lock);
}

/* Known devices. The cookie is "ISSUED.NONCE.MAC": the MAC under the
 * server's secret binds the nonce and the time to one account, so that the
 * cookie of one account does not exempt another, and none can be forged. */

#define NONCE_HEX 32

static void device_mac(req *r, const char *account, long long issued, const char *nonce,
                       char out[crypto_auth_BYTES * 2 + 1])
{
	unsigned char mac[crypto_auth_BYTES];
	char *msg = arena_printf(r->arena, "device:%s:%lld:%s", account, issued, nonce);
	if (!msg) {
		out[0] = '\0';
		return;
	}
	crypto_auth(mac, (const unsigned char *)msg, strlen(msg), r->app->secret);
	sodium_bin2hex(out, crypto_auth_BYTES * 2 + 1, mac, sizeof mac);
}

/* The nonce of the request's device cookie when it is valid for account. */
static const char *device_nonce(req *r, const char *account)
{
	const char *c = http_cookie(r, THROTTLE_COOKIE_DEVICE);
	if (!c)
		return NULL;
	char *copy = arena_strdup(r->arena, c);
	char *dot1 = copy ? strchr(copy, '.') : NULL;
	char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot2)
		return NULL;
	*dot1 = *dot2 = '\0';
	const char *nonce = dot1 + 1, *given = dot2 + 1;
	char *end;
	long long issued = strtoll(copy, &end, 10);
	int64_t now = now_s();
	if (*end || end == copy || issued > now || now - issued > LIMIT_DEVICE_COOKIE_S ||
	    strlen(nonce) != NONCE_HEX)
		return NULL;
	char want[crypto_auth_BYTES * 2 + 1];
	device_mac(r, account, issued, nonce, want);
	size_t n = strlen(want);
	if (n == 0 || strlen(given) != n || sodium_memcmp(given, want, n) != 0)
		return NULL;
	return nonce;
}

int64_t throttle_login_begin(req *r, const char *account, throttle_attempt *t)
{
	memset(t, 0, sizeof *t);
	const char *nonce = device_nonce(r, account);
	char *key;
	if (nonce) {
		/* Failures made elsewhere do not slow the owner's own browser;
		 * the guesses of someone at that browser still do. */
		key = arena_printf(r->arena, "device:%s:%s", nonce, account);
		if (!key)
			return LIMIT_LOGIN_DELAY_BASE_S;
		throttle_attempt_add(t, key, LIMIT_LOGIN_FAILS_DEVICE, 1);
	} else {
		key = arena_printf(r->arena, "account:%s", account);
		char *addr = arena_printf(r->arena, "address:%s", r->client_ip ? r->client_ip : "");
		if (!key || !addr)
			return LIMIT_LOGIN_DELAY_BASE_S;
		throttle_attempt_add(t, key, LIMIT_LOGIN_FAILS_ACCOUNT, 1);
		throttle_attempt_add(t, addr, LIMIT_LOGIN_FAILS_ADDRESS, 0);
	}
	return throttle_begin(t, now_s());
}

void throttle_login_end(const throttle_attempt *t, enum throttle_outcome outcome)
{
	throttle_end(t, outcome, now_s());
}

void throttle_device_remember(req *r, const char *account)
{
	unsigned char raw[NONCE_HEX / 2];
	char nonce[NONCE_HEX + 1], mac[crypto_auth_BYTES * 2 + 1];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(nonce, sizeof nonce, raw, sizeof raw);
	long long issued = (long long)now_s();
	device_mac(r, account, issued, nonce, mac);
	char *value = arena_printf(r->arena, "%lld.%s.%s", issued, nonce, mac);
	if (value && *mac)
		http_set_cookie(r, THROTTLE_COOKIE_DEVICE, value, LIMIT_DEVICE_COOKIE_S);
}
