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

/* Deadlines and limits against slow and numerous clients (http_guard.c). */
typedef struct http_guard http_guard;

/* Where a connection is in the life of a request, each with its deadline. */
enum http_guard_phase {
	HTTP_GUARD_HEAD,    /* request line received: the rest of the head */
	HTTP_GUARD_BODY,    /* head complete: a body of that many bytes at most */
	HTTP_GUARD_HANDLER, /* the handler runs: no deadline */
	HTTP_GUARD_ANSWER,  /* an answer of that many bytes is being sent */
	HTTP_GUARD_IDLE,    /* between two requests of a kept-alive connection */
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

struct http_server {
	struct MHD_Daemon *daemon;
	http_guard *guard;
	http_config cfg;
	unsigned port;
	atomic_int stopping;
	atomic_long inflight; /* requests between their request line and their end */
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
	int head;
	int begun;
	int too_large;
	int queued;
};

/* Completes the response of q (default headers, gzip, security headers),
 * logs and counts it, and queues it on its connection. early is set for a
 * refusal sent before the body was read: the connection is then closed. */
enum MHD_Result http_request_send(struct request *q, int early);

#endif
