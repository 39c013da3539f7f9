/*
 * server.h: what http.c and http_response.c share, private to the HTTP
 * layer. Only http*.c include it, since it brings in microhttpd.h: the rest
 * of Guichet sees the req of http.h.
 */
#ifndef GUICHET_HTTP_SERVER_H
#define GUICHET_HTTP_SERVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "http/http.h"

/* The most trusted proxies a server takes (http_config.trusted_proxies). */
#define HTTP_PROXIES_MAX 16

/* Deadlines and limits against slow and numerous clients (http_guard.c). */
typedef struct http_guard http_guard;

/* Where a connection is in the life of a request, each with its deadline. */
enum http_guard_phase {
	HTTP_GUARD_HEAD,    /* request line received: the rest of the head */
	HTTP_GUARD_BODY,    /* head complete: a body of that many bytes at most */
	HTTP_GUARD_HANDLER, /* the handler runs: no deadline */
	HTTP_GUARD_ANSWER,  /* an answer of that many bytes is being sent */
	HTTP_GUARD_IDLE,    /* between two requests of a kept-alive connection */
	HTTP_GUARD_STREAM,  /* a streamed answer (events): no deadline, its keep-alives find a dead peer */
};

/* Starts the watchdog; NULL when its thread cannot start. */
http_guard *http_guard_new(unsigned head_timeout_s, unsigned per_address);
/* Stops the watchdog; after MHD_stop_daemon, once no connection is left. */
void http_guard_free(http_guard *g);
/* From MHD's connection notification: records the connection's socket with
 * the head's deadline, then forgets it. */
void http_guard_opened(http_guard *g, struct MHD_Connection *conn, void **socket_context);
void http_guard_closed(http_guard *g, void **socket_context);
/* Sets the connection's deadline for its new phase. */
void http_guard_phase(http_guard *g, struct MHD_Connection *conn, enum http_guard_phase phase,
                      uint64_t bytes);
/* Counts a request in flight from address: -1 when the address already has
 * its share, and the request is not counted. Each 0 needs its leave. */
int http_guard_enter(http_guard *g, const char *address);
void http_guard_leave(http_guard *g, const char *address);
/* The connections the open-files limit allows of wanted, after raising the
 * soft limit as far as the hard one when needed; note says why when fewer. */
unsigned http_guard_descriptors(unsigned wanted, char *note, size_t notelen);

/* The streamed answers of a server (http_stream.c): each sleeps on a
 * suspended connection until its source has something, holding no
 * thread; a thread of their own sends the keep-alives and finds the peers
 * that left while their connection slept. */
typedef struct http_streams http_streams;
/* NULL when the thread cannot start. */
http_streams *http_streams_new(unsigned max);
/* Ends every stream (the server stops): each connection wakes and its
 * answer ends; no new stream begins. */
void http_streams_end(http_streams *ss);
/* After MHD_stop_daemon. */
void http_streams_free(http_streams *ss);
/* The MHD response of a stream that a handler began; NULL when MHD cannot
 * make one, the stream then being ended (its source's done called). */
struct MHD_Response *http_stream_response(http_stream *st);
/* Ends a stream begun by a handler whose answer is not a stream after all. */
void http_stream_cancel(http_stream *st);

struct http_server {
	struct MHD_Daemon *daemon;
	http_guard *guard;
	http_streams *streams;
	http_config cfg;
	/* The trusted proxies' addresses, as 16 bytes (IPv4 mapped into IPv6). */
	unsigned char proxies[HTTP_PROXIES_MAX][16];
	size_t nproxies;
	unsigned port;
	atomic_int stopping;
	atomic_long inflight; /* requests between their request line and their end */
	/* For each route, the length of its last answer and an eighth more:
	 * the room its next answer is given at once, rather than growing from
	 * a few hundred bytes by doubling (http_request_send). */
	_Atomic size_t *size_hint;
};

/* Everything about one request; allocated from its own arena. */
struct request {
	req r;
	http_server *srv;
	struct MHD_Connection *conn;
	const char *raw_uri;
	const char *method_name; /* for the log: a known method or "OTHER" */
	const http_route *route; /* the route that will handle it, if any */
	unsigned allowed;        /* methods of the routes whose pattern matched */
	size_t body_limit;
	buf body;
	uint64_t discarded;  /* body bytes dropped after the limit was reached */
	const char *counted; /* the forwarded address whose in-flight count it holds */
	http_stream *stream; /* when the handler answered with a stream */
	int head;
	int begun;
	int too_large;
	int queued;
};

/* Completes the response of q (default headers, gzip, security headers),
 * logs and counts it, and queues it on its connection. early is set for a
 * refusal sent before the body was read: the connection is then closed. */
enum MHD_Result http_request_send(struct request *q, int early);

/* The size hint of q's route (struct http_server); q must have a route. */
static inline _Atomic size_t *http_route_size_hint(const struct request *q)
{
	return &q->srv->size_hint[q->route - q->srv->cfg.routes];
}

#endif
