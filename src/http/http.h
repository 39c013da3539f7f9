/*
 * http.h: Guichet's own small HTTP API. http.c is the only file that knows
 * libmicrohttpd; pages and API endpoints see only what is declared here.
 *
 * A request is handled by one function from the route table. It reads the
 * parsed request (method, path, query, form, cookies, headers), allocates from
 * the request's arena, and writes its answer with the http_* response calls.
 * The layer adds the security headers, gzip, logging and metrics.
 */
#ifndef GUICHET_HTTP_H
#define GUICHET_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "http/request.h"
#include "util/util.h"

/* Starts listening; returns NULL with a message in err. */
http_server *http_start(const http_config *cfg, char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
unsigned http_port(const http_server *s);
/* Stops accepting, waits for requests in flight, then frees everything. */
void http_stop(http_server *s);

/* Request accessors: NULL when absent. */
const char *http_query(const req *r, const char *name);
const char *http_form(const req *r, const char *name);
const http_field *http_form_field(const req *r, const char *name);
const char *http_cookie(const req *r, const char *name);
const char *http_header(const req *r, const char *name);
const char *http_param(const req *r, int i);

/* Response */
void http_status(req *r, int status);
void http_set_header(req *r, const char *name, const char *value);
void http_content_type(req *r, const char *type);
/* Redirects with 303 See Other to a local path (never to another host). */
void http_redirect(req *r, const char *local_path);
/* Answers len bytes of data (copied) as mime, for media players: with
 * Accept-Ranges: bytes, the ETag when one is given (and 304 Not Modified
 * when If-None-Match lists it), no gzip, and Cache-Control "public,
 * max-age=86400" unless the handler set one. A request with one byte range
 * (Range: bytes=A-B, A- or -N; If-Range honoured) gets 206 Partial Content
 * with Content-Range and only those bytes; an unsatisfiable range gets 416
 * with "Content-Range: bytes *\/LEN"; several ranges or a malformed header
 * get the whole answer (200). HEAD gets the same status and headers,
 * Content-Length included, without the body. */
void http_send_bytes_ranged(req *r, const char *mime, const void *data, size_t len, const char *etag);
/* The range a Range header asks of a body of len bytes: 1 with [*first,
 * *last] set, 0 when the header is absent, malformed or asks several
 * ranges (send the whole body), -1 when it cannot be satisfied (416).
 * Exposed for unit tests. */
int http_parse_range(const char *header, size_t len, size_t *first, size_t *last);
/* Sets a cookie: HttpOnly and SameSite=Lax always, Secure when r->secure.
 * max_age < 0 makes a session cookie, 0 deletes it. */
void http_set_cookie(req *r, const char *name, const char *value, long max_age);

/* Streamed answers (Server-Sent Events). A handler may answer with a
 * stream instead of a body: the status and headers it set are sent, then
 * whatever the source gives, for as long as the client stays. While its
 * source has nothing, the connection sleeps and holds no server thread;
 * http_stream_wake wakes it. */
typedef struct http_stream http_stream;
typedef struct http_stream_source {
	/* Writes what is ready into out, at most max bytes: the count; 0 when
	 * nothing is ready (the connection then sleeps until woken); -1 to end
	 * the answer. Runs on the connection's thread, never two at once. */
	long (*read)(void *arg, char *out, size_t max);
	/* Called once when the answer is over, whatever the reason (the client
	 * left, the server stops): the source must then stop waking the stream
	 * (unwatch) before returning, and may free arg. */
	void (*done)(void *arg);
	/* Sent when the stream has been silent for LIMIT_STREAM_KEEPALIVE_S
	 * (an SSE comment), so that proxies keep it and a dead peer is found. */
	const char *keepalive;
} http_stream_source;

/* Answers r with a stream from src; the handler then returns 0. NULL when
 * the server already has LIMIT_EVENT_STREAMS open or is stopping (done is
 * then not called): the caller answers 503. */
http_stream *http_stream_begin(req *r, const http_stream_source *src, void *arg);
/* Tells the stream that its source has something: from any thread, until
 * the source's done returned. Cheap when the connection is awake. */
void http_stream_wake(http_stream *st);

/* Parsers, exposed for unit tests and fuzzing. Each returns 0, or -1 with a
 * message for the user in err. Names and values are decoded, must be valid
 * UTF-8 and must not contain NUL. */
int http_parse_urlencoded(arena *a, const char *s, size_t n, http_fields *out, char *err, size_t errlen);
int http_parse_cookies(arena *a, const char *s, http_fields *out, char *err, size_t errlen);
int http_parse_multipart(arena *a, const char *body, size_t n, const char *content_type_header, http_fields *out,
                         char *err, size_t errlen);
/* Decodes a request path (no '+' rule); refuses bad escapes, invalid UTF-8,
 * NUL, a path not starting with '/' and any ".." segment. */
int http_parse_path(arena *a, const char *raw, size_t n, const char **out, char *err, size_t errlen);
/* Decodes %XX and '+' (when plus_is_space); -1 on a bad escape. */
int http_percent_decode(char *s, size_t *len, int plus_is_space);
/* Matches a path against a route pattern, filling params; 1 on match. */
int http_route_match(const char *pattern, const char *path, arena *a, const char *params[4]);

#endif
