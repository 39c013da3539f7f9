/*
 * http_stream.c: streamed answers (Server-Sent Events) that hold no server
 * thread while they wait.
 *
 * A stream's answer is an MHD response whose body comes from a content
 * reader. When its source has nothing to send, the reader suspends the
 * connection and returns 0: libmicrohttpd then leaves the connection out of
 * its polling until http_stream_wake resumes it, so a thousand screens
 * waiting for the next call cost a thousand sockets and no thread.
 * (Returning 0 without suspending would make a pool thread call the reader
 * again at once, forever.)
 *
 * The suspended flag is set under the stream's lock in the same breath as
 * MHD_suspend_connection, and cleared with MHD_resume_connection under that
 * lock, so that a connection is resumed only when suspended, and once. A
 * wake that comes while the reader runs sets "pending", which the reader
 * looks at before it suspends: no event is lost between the two.
 *
 * libmicrohttpd notices neither a peer that left nor anything else while a
 * connection is suspended, and a suspended connection must not be left
 * when the daemon stops. A thread of the server's streams therefore looks
 * every LIMIT_STREAM_TICK_MS at the sleeping sockets: one whose peer hung
 * up is woken to end; one silent for LIMIT_STREAM_KEEPALIVE_S is woken to
 * send its keep-alive (which also ends a stream whose peer vanished
 * without a word, when the write fails). http_streams_end wakes them all
 * to end when the server stops.
 *
 * A stream lives from http_stream_begin to MHD's free callback of its
 * response (or http_stream_cancel). It leaves the server's list under the
 * list's lock before its source's done is called, and is freed after: the
 * thread and the wakes never see a freed stream.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/http.h"
#include "http/server.h"
#include "util/guichet_limits.h"

/* The block libmicrohttpd asks of a reader: an event is at most about
 * EVENTS_DATA_MAX bytes with its fields. */
#define STREAM_BLOCK_BYTES 16384u

struct http_stream {
	struct http_stream *prev, *next; /* in the server's list, under its lock */
	http_streams *ss;
	struct MHD_Connection *conn;
	MHD_socket fd;
	http_stream_source src;
	void *arg;
	pthread_mutex_t lock; /* the flags below */
	int suspended;        /* MHD_suspend_connection called, not yet resumed */
	int pending;          /* woken since the reader last looked */
	int ending;           /* the server stops */
	int gone;             /* the peer hung up */
	int keepalive_due;
	_Atomic int64_t last_us; /* monotonic time of the last bytes given */
};

struct http_streams {
	pthread_mutex_t lock; /* the list, count, ending, stopping */
	pthread_cond_t wake;
	struct http_stream list; /* sentinel */
	unsigned count, max;
	int ending;   /* no new stream; every stream ends */
	int stopping; /* the thread leaves */
	int started;
	pthread_t thread;
	struct pollfd *fds;
	http_stream **who;
	size_t cap;
};

/* Under the stream's lock. */
static void resume_locked(http_stream *st)
{
	if (st->suspended) {
		st->suspended = 0;
		MHD_resume_connection(st->conn);
	}
}

void http_stream_wake(http_stream *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	st->pending = 1;
	resume_locked(st);
	pthread_mutex_unlock(&st->lock);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	http_stream *st = cls;
	(void)pos;
	for (;;) {
		pthread_mutex_lock(&st->lock);
		int ending = st->ending, gone = st->gone, keepalive = st->keepalive_due;
		st->pending = 0;
		st->keepalive_due = 0;
		pthread_mutex_unlock(&st->lock);
		if (gone)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (ending)
			return MHD_CONTENT_READER_END_OF_STREAM;

		long n = st->src.read(st->arg, out, max);
		if (n < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (n == 0 && keepalive && st->src.keepalive) {
			size_t k = strlen(st->src.keepalive);
			n = (long)(k < max ? k : max);
			memcpy(out, st->src.keepalive, (size_t)n);
		}
		if (n > 0) {
			atomic_store(&st->last_us, mono_us());
			return (ssize_t)(n > (long)max ? (long)max : n);
		}

		/* Nothing: sleep, unless a wake came meanwhile. */
		pthread_mutex_lock(&st->lock);
		if (st->pending || st->ending || st->gone || st->keepalive_due) {
			pthread_mutex_unlock(&st->lock);
			continue;
		}
		st->suspended = 1;
		MHD_suspend_connection(st->conn);
		pthread_mutex_unlock(&st->lock);
		return 0;
	}
}

/* Takes the stream out of the list, lets its source finish, frees it. */
static void stream_free(void *cls)
{
	http_stream *st = cls;
	http_streams *ss = st->ss;
	pthread_mutex_lock(&ss->lock);
	st->prev->next = st->next;
	st->next->prev = st->prev;
	ss->count--;
	pthread_mutex_unlock(&ss->lock);
	if (st->src.done)
		st->src.done(st->arg);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

http_stream *http_stream_begin(req *r, const http_stream_source *src, void *arg)
{
	struct request *q = r ? r->priv : NULL;
	if (!q || !q->srv->streams || q->stream || !src || !src->read)
		return NULL;
	http_streams *ss = q->srv->streams;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (!ci)
		return NULL;

	http_stream *st = xcalloc(1, sizeof(*st));
	st->ss = ss;
	st->conn = q->conn;
	st->fd = ci->connect_fd;
	st->src = *src;
	st->arg = arg;
	pthread_mutex_init(&st->lock, NULL);
	atomic_init(&st->last_us, mono_us());

	pthread_mutex_lock(&ss->lock);
	if (ss->ending || ss->count >= ss->max) {
		pthread_mutex_unlock(&ss->lock);
		pthread_mutex_destroy(&st->lock);
		free(st);
		return NULL;
	}
	st->next = ss->list.next;
	st->prev = &ss->list;
	ss->list.next->prev = st;
	ss->list.next = st;
	ss->count++;
	pthread_mutex_unlock(&ss->lock);

	q->stream = st;
	r->no_gzip = 1;
	return st;
}

struct MHD_Response *http_stream_response(http_stream *st)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK_BYTES, stream_read, st, stream_free);
	if (!resp)
		stream_free(st);
	return resp;
}

void http_stream_cancel(http_stream *st)
{
	if (st)
		stream_free(st);
}

/* ---- the streams' thread ---- */

/* Under the list's lock: room for n sleeping sockets. */
static void room_for(http_streams *ss, size_t n)
{
	if (n <= ss->cap)
		return;
	size_t cap = ss->cap ? ss->cap : 64;
	while (cap < n)
		cap *= 2;
	free(ss->fds);
	free(ss->who);
	ss->fds = xmalloc(cap * sizeof(*ss->fds));
	ss->who = xmalloc(cap * sizeof(*ss->who));
	ss->cap = cap;
}

/* Under the list's lock: keep-alives due, and peers that hung up. */
static void look_at_streams(http_streams *ss)
{
	int64_t now = mono_us();
	int64_t quiet = (int64_t)LIMIT_STREAM_KEEPALIVE_S * 1000000;
	room_for(ss, ss->count);
	size_t n = 0;
	for (http_stream *st = ss->list.next; st != &ss->list; st = st->next) {
		pthread_mutex_lock(&st->lock);
		if (now - atomic_load(&st->last_us) >= quiet) {
			st->keepalive_due = 1;
			resume_locked(st);
		}
		if (st->suspended && n < ss->cap) {
			ss->fds[n].fd = st->fd;
			ss->fds[n].events = POLLRDHUP;
			ss->fds[n].revents = 0;
			ss->who[n++] = st;
		}
		pthread_mutex_unlock(&st->lock);
	}
	if (n == 0 || poll(ss->fds, n, 0) <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!(ss->fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
			continue;
		http_stream *st = ss->who[i];
		pthread_mutex_lock(&st->lock);
		st->gone = 1;
		resume_locked(st);
		pthread_mutex_unlock(&st->lock);
	}
}

static void *streams_thread(void *arg)
{
	http_streams *ss = arg;
	pthread_mutex_lock(&ss->lock);
	while (!ss->stopping) {
		look_at_streams(ss);
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += LIMIT_STREAM_TICK_MS / 1000;
		ts.tv_nsec += (long)(LIMIT_STREAM_TICK_MS % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ss->wake, &ss->lock, &ts);
	}
	pthread_mutex_unlock(&ss->lock);
	return NULL;
}

http_streams *http_streams_new(unsigned max)
{
	http_streams *ss = xcalloc(1, sizeof(*ss));
	ss->max = max;
	ss->list.next = ss->list.prev = &ss->list;
	pthread_mutex_init(&ss->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&ss->wake, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&ss->thread, NULL, streams_thread, ss) != 0) {
		http_streams_free(ss);
		return NULL;
	}
	ss->started = 1;
	return ss;
}

void http_streams_end(http_streams *ss)
{
	if (!ss)
		return;
	pthread_mutex_lock(&ss->lock);
	ss->ending = 1;
	for (http_stream *st = ss->list.next; st != &ss->list; st = st->next) {
		pthread_mutex_lock(&st->lock);
		st->ending = 1;
		resume_locked(st);
		pthread_mutex_unlock(&st->lock);
	}
	pthread_mutex_unlock(&ss->lock);
}

void http_streams_free(http_streams *ss)
{
	if (!ss)
		return;
	if (ss->started) {
		pthread_mutex_lock(&ss->lock);
		ss->stopping = 1;
		pthread_cond_signal(&ss->wake);
		pthread_mutex_unlock(&ss->lock);
		pthread_join(ss->thread, NULL);
	}
	free(ss->fds);
	free(ss->who);
	pthread_cond_destroy(&ss->wake);
	pthread_mutex_destroy(&ss->lock);
	free(ss);
}
