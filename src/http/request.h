/*
 * request.h: the request a handler reads and answers (req), the route table's
 * entries and the server's configuration: the types of http.h, apart from
 * the functions, so that every file of the layer can share them.
 */
#ifndef GUICHET_HTTP_REQUEST_H
#define GUICHET_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct app; /* the server's shared state, defined in app.h */

enum http_method { HTTP_GET = 1, HTTP_HEAD = 2, HTTP_POST = 4, HTTP_PUT = 8, HTTP_PATCH = 16, HTTP_DELETE = 32 };

/* One name=value pair from a query string, a form or a cookie header. */
typedef struct http_field {
	const char *name;
	const char *value;
	size_t value_len;
	const char *filename;     /* multipart file parts only */
	const char *content_type; /* multipart file parts only */
} http_field;

typedef struct http_fields {
	http_field *v;
	size_t n;
} http_fields;

typedef struct req {
	struct app *app;
	arena *arena;
	enum http_method method;
	const char *path;      /* decoded, never contains NUL; starts with '/' */
	const char *client_ip; /* textual address of the peer */
	int secure;            /* served over TLS or behind a proxy saying so */
	http_fields query;
	http_fields form; /* urlencoded or multipart body */
	http_fields cookies;
	const char *body; /* raw body, NUL-terminated */
	size_t body_len;
	const char *content_type; /* without parameters, lower case */
	const char *route;        /* the route pattern, for metrics */
	const char *params[4];    /* path parameters matched by {…} in the route */
	int64_t started_us;
	const char *error_message; /* why the layer refused the request (French msgid) */
	void *priv;                /* http.c's own state; NULL in a req built by a test */

	/* Set by the page layer (auth.c, i18n.c) once per request. */
	struct session *session;
	const struct lang *lang;
	const struct i18n_fixes *fixes; /* a public page's site wording (P_), or NULL */
	const char *csrf;               /* token to put in forms */

	/* Response under construction. */
	int status;
	buf out;
	struct http_header *headers;
	int no_gzip;
} req;

typedef int (*http_handler)(req *r);

typedef struct http_route {
	unsigned methods;    /* bit set of enum http_method */
	const char *pattern; /* "/admin/sites/{}" : {} matches one segment */
	http_handler handler;
	size_t body_limit; /* 0 means LIMIT_BODY_BYTES */
} http_route;

typedef struct http_server http_server;

typedef struct http_config {
	const char *host; /* literal address to bind */
	unsigned port;    /* 0 chooses a free port */
	unsigned threads;
	int trust_proxy; /* honour X-Forwarded-Proto and X-Forwarded-For … */
	/* … from these peers only: addresses separated by commas or spaces
	 * (NULL: 127.0.0.1 and ::1). Any other peer's headers are ignored. */
	const char *trusted_proxies;
	/* Against slow and numerous clients (0 takes the default of
	 * guichet_limits.h): seconds to send a request head, connections in
	 * all, and per client address. With trust_proxy every connection comes
	 * from the proxy: the per-address limit then counts the requests in
	 * flight per forwarded address instead. */
	unsigned head_timeout_s;
	unsigned max_connections;
	unsigned max_per_address;
	const http_route *routes;
	size_t nroutes;
	http_handler not_found; /* renders 404 */
	http_handler error;     /* renders r->status with the message in r->out */
	/* Called around every routed handler, on its thread (may be NULL). */
	void (*handler_begin)(req *r);
	void (*handler_end)(req *r);
	struct app *app;
} http_config;

#endif
