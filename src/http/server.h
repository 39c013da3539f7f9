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

struct http_server {
	struct MHD_Daemon *daemon;
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
	uint64_t discarded; /* body bytes dropped after the limit was reached */
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
