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
/* Sets a cookie: HttpOnly and SameSite=Lax always, Secure when r->secure.
 * max_age < 0 makes a session cookie, 0 deletes it. */
void http_set_cookie(req *r, const char *name, const char *value, long max_age);

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
