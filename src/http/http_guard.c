/*
 * http_guard.c: connection handling that holds against slow and numerous
 * clients.
 *
 * libmicrohttpd's own timeout starts again with every byte received, so a
 * client that sends its request head one byte at a time keeps its
 * connection as long as it likes, and a thousand such clients fill the
 * server. Here every connection carries a deadline that trickled bytes
 * cannot push back: its whole request head, then its body in a time scaled
 * to its size, then its answer, then the wait for the next request. A
 * watchdog thread shuts down the socket of a connection past its deadline;
 * libmicrohttpd then sees the connection end as if the client had left, and
 * closes it on its own thread. The record of a connection leaves the list
 * (under the lock the watchdog holds while it shuts sockets down) when
 * libmicrohttpd reports it closed, which it does before closing the socket:
 * the watchdog can never shut down a descriptor already given to another
 * connection.
 *
 * Behind a trusted reverse proxy every connection comes from the proxy, so
 * the limit per client address is taken on requests instead: the requests
 * in flight per forwarded address.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "http/server.h"
#include "util/guichet_limits.h"

/* Descriptors kept for what is not a client connection: the store's pool,
 * the listening sockets, the log, files read and written. */
#define GUARD_FD_RESERVE 256u
#define GUARD_BUCKETS 1024u
#define GUARD_ADDRESS_BYTES 48u /* an IPv6 address in text, with its NUL */

struct guard_conn {
	struct guard_conn *prev, *next;
	MHD_socket fd;
	int cut;                     /* shut down already (under the lock) */
	int served;                  /* a request ended on it (only its connection's thread) */
	_Atomic int64_t deadline_us; /* monotonic; 0 for none */
};

struct guard_address {
	struct guard_address *next;
	unsigned inflight;
	char text[GUARD_ADDRESS_BYTES];
};

struct http_guard {
	pthread_mutex_t lock; /* the list, cut, stopping */
	pthread_cond_t wake;
	struct guard_conn list; /* sentinel of a circular list */
	int stopping;
	int started;
	pthread_t thread;
	int64_t head_us;
	unsigned per_address;

	pthread_mutex_t addr_lock;
	struct guard_address *buckets[GUARD_BUCKETS];
};

/* ---- the watchdog ---- */

static void *watchdog(void *arg)
{
	http_guard *g = arg;
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		int64_t now = mono_us();
		unsigned cut = 0;
		for (struct guard_conn *c = g->list.next; c != &g->list; c = c->next) {
			int64_t deadline = atomic_load(&c->deadline_us);
			if (c->cut || deadline == 0 || now < deadline)
				continue;
			/* Both ways: the client gets an end of stream, and
			 * libmicrohttpd's poll wakes up to a socket that reads as
			 * closed. */
			shutdown(c->fd, SHUT_RDWR);
			c->cut = 1;
			cut++;
		}
		/* One line per tick, not one per connection: an attack must not
		 * flood the log. */
		if (cut)
			fprintf(stderr, "level=warn msg=\"connections closed at their deadline\" count=%u\n",
			        cut);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += (long)LIMIT_GUARD_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->wake, &g->lock, &ts);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

http_guard *http_guard_new(unsigned head_timeout_s, unsigned per_address)
{
	http_guard *g = xcalloc(1, sizeof(*g));
	g->head_us = (int64_t)(head_timeout_s ? head_timeout_s : LIMIT_HEAD_TIMEOUT_S) * 1000000;
	g->per_address = per_address ? per_address : LIMIT_CONNECTIONS_PER_IP;
	g->list.next = g->list.prev = &g->list;
	pthread_mutex_init(&g->lock, NULL);
	pthread_mutex_init(&g->addr_lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&g->thread, NULL, watchdog, g) != 0) {
		http_guard_free(g);
		return NULL;
	}
	g->started = 1;
	return g;
}

void http_guard_free(http_guard *g)
{
	if (!g)
		return;
	if (g->started) {
		pthread_mutex_lock(&g->lock);
		g->stopping = 1;
		pthread_cond_signal(&g->wake);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->thread, NULL);
	}
	for (size_t i = 0; i < GUARD_BUCKETS; i++) {
		struct guard_address *a = g->buckets[i];
		while (a) {
			struct guard_address *next = a->next;
			free(a);
			a = next;
		}
	}
	pthread_cond_destroy(&g->wake);
	pthread_mutex_destroy(&g->addr_lock);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* ---- the life of a connection ---- */

void http_guard_opened(http_guard *g, struct MHD_Connection *conn, void **socket_context)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	*socket_context = NULL;
	if (!ci)
		return;
	struct guard_conn *c = xcalloc(1, sizeof(*c));
	c->fd = ci->connect_fd;
	atomic_init(&c->deadline_us, mono_us() + g->head_us);
	pthread_mutex_lock(&g->lock);
	c->next = g->list.next;
	c->prev = &g->list;
	g->list.next->prev = c;
	g->list.next = c;
	pthread_mutex_unlock(&g->lock);
	*socket_context = c;
}

void http_guard_closed(http_guard *g, void **socket_context)
{
	struct guard_conn *c = *socket_context;
	if (!c)
		return;
	pthread_mutex_lock(&g->lock);
	c->prev->next = c->next;
	c->next->prev = c->prev;
	pthread_mutex_unlock(&g->lock);
	*socket_context = NULL;
	free(c);
}

/* Microseconds to move bytes at the minimum rate, without overflow. */
static int64_t transfer_us(uint64_t bytes)
{
	uint64_t s = bytes / LIMIT_BODY_MIN_RATE + 1;
	return s > (uint64_t)INT32_MAX ? (int64_t)INT32_MAX * 1000000 : (int64_t)s * 1000000;
}

void http_guard_phase(http_guard *g, struct MHD_Connection *conn, enum http_guard_phase phase, uint64_t bytes)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct guard_conn *c = ci ? ci->socket_context : NULL;
	if (!c)
		return;
	int64_t now = mono_us(), deadline = 0;
	switch (phase) {
	case HTTP_GUARD_HEAD:
		/* The first head counts from the connection's opening, which
		 * set the deadline; a later one from its request line, the
		 * wait before it being the idle phase's. */
		if (!c->served)
			return;
		deadline = now + g->head_us;
		break;
	case HTTP_GUARD_BODY:
		deadline = now + g->head_us + transfer_us(bytes);
		break;
	case HTTP_GUARD_HANDLER:
	case HTTP_GUARD_STREAM:
		deadline = 0;
		break;
	case HTTP_GUARD_ANSWER:
		deadline = now + (int64_t)LIMIT_CONNECTION_TIMEOUT_S * 1000000 + transfer_us(bytes);
		break;
	case HTTP_GUARD_IDLE:
		c->served = 1;
		deadline = now + (int64_t)LIMIT_CONNECTION_TIMEOUT_S * 1000000;
		break;
	}
	atomic_store(&c->deadline_us, deadline);
}

/* ---- requests in flight per forwarded address ---- */

static struct guard_address **address_slot(http_guard *g, const char *text)
{
	uint32_t h = 2166136261u;
	for (const char *p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	struct guard_address **slot = &g->buckets[h % GUARD_BUCKETS];
	while (*slot && strcmp((*slot)->text, text) != 0)
		slot = &(*slot)->next;
	return slot;
}

int http_guard_enter(http_guard *g, const char *address)
{
	if (!address || strlen(address) >= GUARD_ADDRESS_BYTES)
		return -1;
	int rc = 0;
	pthread_mutex_lock(&g->addr_lock);
	struct guard_address **slot = address_slot(g, address);
	if (!*slot) {
		*slot = xcalloc(1, sizeof(**slot));
		memcpy((*slot)->text, address, strlen(address) + 1);
	}
	if ((*slot)->inflight >= g->per_address)
		rc = -1;
	else
		(*slot)->inflight++;
	pthread_mutex_unlock(&g->addr_lock);
	return rc;
}

void http_guard_leave(http_guard *g, const char *address)
{
	pthread_mutex_lock(&g->addr_lock);
	struct guard_address **slot = address_slot(g, address);
	struct guard_address *a = *slot;
	if (a && a->inflight > 0 && --a->inflight == 0) {
		*slot = a->next;
		free(a);
	}
	pthread_mutex_unlock(&g->addr_lock);
}

/* ---- descriptors ---- */

unsigned http_guard_descriptors(unsigned wanted, char *note, size_t notelen)
{
	struct rlimit rl;
	note[0] = '\0';
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return wanted;
	rlim_t need = (rlim_t)wanted + GUARD_FD_RESERVE;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		/* The soft limit is often 1024 while the hard one is far higher:
		 * a server may raise its own soft limit up to the hard one. */
		rlim_t old = rl.rlim_cur;
		rl.rlim_cur = (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) ? need : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			rl.rlim_cur = old;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return wanted;
	unsigned can = rl.rlim_cur > (rlim_t)2 * GUARD_FD_RESERVE ? (unsigned)(rl.rlim_cur - GUARD_FD_RESERVE)
	                                                          : (unsigned)(rl.rlim_cur / 2);
	snprintf(note, notelen,
	         "max-connections lowered from %u to %u: the open-files limit is %llu (raise LimitNOFILE or "
	         "ulimit -n)",
	         wanted, can, (unsigned long long)rl.rlim_cur);
	return can ? can : 1;
}
