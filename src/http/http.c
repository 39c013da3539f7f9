/*
 * http.c: the HTTP server, on top of libmicrohttpd: the daemon, the
 * request's life from its request line to its end, limits, routing and
 * dispatch to the handlers. The answer itself (headers, cookies, redirects,
 * security headers, gzip, the MHD response, the log line) is built in
 * http_response.c; the pure parsers are in http_parse.c. Only these http*.c
 * files (and their private http_impl.h) include microhttpd.h; everything
 * else sees the req of http.h.
 *
 * The life of a request:
 *  - MHD parses the request line and calls uri_logged(), which creates the
 *    request's arena and our struct request with the raw URI;
 *  - the first call to on_request() has the headers: the path, query and
 *    cookies are parsed, the route chosen, and size limits checked, so that
 *    most refusals are sent before reading a body;
 *  - following calls bring the body, kept up to the route's limit;
 *  - the last call parses the form, runs the handler and queues the answer
 *    with the security headers, after gzip when it helps;
 *  - request_done() frees everything, whatever happened to the connection.
 * Handlers run on MHD's pool threads: each request is only ever touched by
 * the thread of its connection, and shared state (metrics) has its own lock.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "app/app.h"
#include "http/http.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "http/server.h"
#include "app/metrics.h"

/* MHD's per-connection pool holds the request line and headers, the read
 * buffer and the response headers: room for LIMIT_HEADER_BYTES of request
 * headers with as much again for the rest. */
#define CONNECTION_POOL_BYTES (2u * LIMIT_HEADER_BYTES + 4096u)
/* How often http_stop looks whether requests in flight are done. */
#define STOP_POLL_NS 10000000L

static const char MSG_TOO_LARGE[] = N_("La requête est trop volumineuse.");
static const char MSG_HEADERS_LARGE[] = N_("Les en-têtes de la requête sont trop volumineux.");
static const char MSG_URL_LONG[] = N_("L'adresse demandée est trop longue.");
static const char MSG_URL_BAD[] = N_("L'adresse demandée est invalide.");
static const char MSG_METHOD[] = N_("Cette méthode n'est pas autorisée pour cette adresse.");
static const char MSG_NOT_FOUND[] = N_("La page demandée n'existe pas.");
static const char MSG_INTERNAL[] = N_("Une erreur interne est survenue.");
static const char MSG_FRAMING[] = N_("La longueur de la requête est ambiguë.");
static const char MSG_BUSY_ADDRESS[] =
    N_("Trop de requêtes sont en cours depuis votre adresse. Réessayez dans un instant.");

/* ---- request parsing, on the first call with the headers ---- */

static enum http_method method_parse(const char *m, const char **name)
{
	static const struct {
		const char *name;
		enum http_method m;
	} known[] = {{"GET", HTTP_GET}, {"HEAD", HTTP_HEAD},   {"POST", HTTP_POST},
	             {"PUT", HTTP_PUT}, {"PATCH", HTTP_PATCH}, {"DELETE", HTTP_DELETE}};
	for (size_t i = 0; i < COUNT(known); i++) {
		if (strcmp(m, known[i].name) == 0) {
			*name = known[i].name;
			return known[i].m;
		}
	}
	*name = "OTHER";
	return 0;
}

struct header_scan {
	const char *name;
	const char *last; /* value of the last header of that name */
	buf *join;        /* when set, every value joined with "; " */
	size_t total;     /* bytes of all the headers, as sent */
};

static enum MHD_Result header_scan_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct header_scan *h = cls;
	(void)kind;
	if (!key || !value)
		return MHD_YES;
	h->total += strlen(key) + strlen(value) + 4; /* ": " and CRLF */
	if (strcasecmp(key, h->name) != 0)
		return MHD_YES;
	h->last = value;
	if (h->join) {
		if (h->join->len)
			buf_puts(h->join, "; ");
		buf_puts(h->join, value);
	}
	return MHD_YES;
}

/* The last comma-separated item of the last header of that name: with a
 * reverse proxy in front, it is the one the proxy itself added, the only
 * one not under the client's control. */
static const char *header_last_item(struct request *q, const char *name)
{
	struct header_scan h = {name, NULL, NULL, 0};
	MHD_get_connection_values(q->conn, MHD_HEADER_KIND, header_scan_one, &h);
	if (!h.last)
		return NULL;
	const char *comma = strrchr(h.last, ',');
	char *item = arena_strdup(q->r.arena, comma ? comma + 1 : h.last);
	return item ? str_trim(item) : NULL;
}

/* addr as 16 bytes, an IPv4 address mapped into IPv6 (::ffff:a.b.c.d). */
static int addr16(const char *text, unsigned char out[16])
{
	unsigned char v4[4];
	if (inet_pton(AF_INET, text, v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, text, out) == 1 ? 0 : -1;
}

/* Reads the list of trusted proxies into s; -1 with err on a bad one. */
static int parse_proxies(http_server *s, const char *list, char *err, size_t errlen)
{
	const char *p = list ? list : "127.0.0.1,::1";
	s->nproxies = 0;
	while (*p) {
		size_t n = strcspn(p, ", ");
		if (n) {
			char one[INET6_ADDRSTRLEN + 1];
			if (n >= sizeof one || s->nproxies == HTTP_PROXIES_MAX) {
				snprintf(err, errlen, "trusted proxies: at most %d addresses, each an IP address",
				         HTTP_PROXIES_MAX);
				return -1;
			}
			memcpy(one, p, n);
			one[n] = '\0';
			if (addr16(one, s->proxies[s->nproxies]) != 0) {
				snprintf(err, errlen, "trusted proxies: \"%s\" is not an IP address", one);
				return -1;
			}
			s->nproxies++;
		}
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

/* Whether the connection's peer is one of the trusted proxies. */
static int peer_trusted(const http_server *s, const struct sockaddr *sa)
{
	unsigned char a[16];
	if (!sa)
		return 0;
	if (sa->sa_family == AF_INET) {
		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		memcpy(a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
	} else {
		return 0;
	}
	for (size_t i = 0; i < s->nproxies; i++)
		if (memcmp(a, s->proxies[i], 16) == 0)
			return 1;
	return 0;
}

static void client_address(struct request *q)
{
	req *r = &q->r;
	char text[INET6_ADDRSTRLEN] = "";
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(q->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, text,
			          sizeof(text));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, text,
			          sizeof(text));
	}
	r->client_ip = arena_strdup(r->arena, text);
	if (!q->srv->cfg.trust_proxy || !peer_trusted(q->srv, ci ? ci->client_addr : NULL))
		return;

	const char *fwd = header_last_item(q, "X-Forwarded-For");
	unsigned char addr[sizeof(struct in6_addr)];
	if (fwd && (inet_pton(AF_INET, fwd, addr) == 1 || inet_pton(AF_INET6, fwd, addr) == 1))
		r->client_ip = fwd;
	const char *proto = header_last_item(q, "X-Forwarded-Proto");
	if (proto && strcasecmp(proto, "https") == 0)
		r->secure = 1;
}

/* What a request says of its body's length must mean one thing only: two
 * Content-Length that differ, Content-Length beside Transfer-Encoding, a
 * coding other than chunked, or a header name with white space (which a
 * proxy in front may read otherwise) would let a proxy and Guichet see
 * different requests in the same bytes. */
struct framing {
	const char *length;
	int lengths;
	int codings;
	int ambiguous;
};

static enum MHD_Result framing_one(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct framing *f = cls;
	(void)kind;
	if (!key || !value)
		return MHD_YES;
	if (key[strcspn(key, " \t")] != '\0')
		f->ambiguous = 1;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (f->lengths++ && strcmp(f->length, value) != 0)
			f->ambiguous = 1;
		f->length = value;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		if (f->codings++ || strcasecmp(value, "chunked") != 0)
			f->ambiguous = 1;
	}
	return MHD_YES;
}

static int framing_ambiguous(struct request *q)
{
	struct framing f = {NULL, 0, 0, 0};
	MHD_get_connection_values(q->conn, MHD_HEADER_KIND, framing_one, &f);
	return f.ambiguous || (f.lengths && f.codings);
}

/* Picks the first route whose pattern matches and that takes the method;
 * the methods of the other matching patterns make the 405's Allow header. */
static void route_choose(struct request *q)
{
	req *r = &q->r;
	const http_config *cfg = &q->srv->cfg;
	unsigned want = q->head ? (HTTP_GET | HTTP_HEAD) : (unsigned)r->method;

	for (size_t i = 0; i < cfg->nroutes; i++) {
		const http_route *rt = &cfg->routes[i];
		if (!http_route_match(rt->pattern, r->path, r->arena, r->params))
			continue;
		if (want && (rt->methods & want)) {
			q->route = rt;
			r->route = rt->pattern;
			return;
		}
		q->allowed |= rt->methods;
		if (!r->route)
			r->route = rt->pattern;
	}
	for (size_t i = 0; i < COUNT(r->params); i++)
		r->params[i] = NULL;
}

/* A parser's message, kept for the error page beyond the local buffer. */
static const char *reason(req *r, const char *err)
{
	const char *why = arena_strdup(r->arena, err);
	return why ? why : MSG_TOO_LARGE;
}

/* Returns 0, or an HTTP status with the reason in *why. */
static int request_begin(struct request *q, const char *method, const char **why)
{
	req *r = &q->r;
	char err[160];

	r->method = method_parse(method, &q->method_name);
	if (r->method == HTTP_HEAD) {
		q->head = 1;
		r->method = HTTP_GET;
	}
	client_address(q);
	r->path = "/";
	if (framing_ambiguous(q)) {
		*why = MSG_FRAMING;
		return 400;
	}
	/* Behind the proxy, the limit per client address is on its requests
	 * in flight, since all connections come from the proxy. */
	if (q->srv->cfg.trust_proxy) {
		if (http_guard_enter(q->srv->guard, r->client_ip) < 0) {
			*why = MSG_BUSY_ADDRESS;
			return 429;
		}
		q->counted = r->client_ip;
	}

	/* Cookies first: even an error page may need the session and the
	 * language the visitor chose. */
	buf cookies;
	buf_init(&cookies, LIMIT_HEADER_BYTES);
	struct header_scan h = {"Cookie", NULL, &cookies, 0};
	MHD_get_connection_values(q->conn, MHD_HEADER_KIND, header_scan_one, &h);
	/* MHD's connection pool is larger than the limit, since it holds more
	 * than the headers: the limit itself is checked here. */
	if (h.total > LIMIT_HEADER_BYTES) {
		buf_free(&cookies);
		*why = MSG_HEADERS_LARGE;
		return 431;
	}
	int rc = http_parse_cookies(r->arena, cookies.data, &r->cookies, err, sizeof(err));
	buf_free(&cookies);
	if (rc < 0) {
		*why = MSG_TOO_LARGE;
		return 413;
	}

	const char *uri = q->raw_uri;
	if (!uri) {
		*why = MSG_URL_BAD;
		return 400;
	}
	size_t ulen = strlen(uri);
	if (ulen > LIMIT_URL_BYTES) {
		*why = MSG_URL_LONG;
		return 414;
	}
	const char *qmark = strchr(uri, '?');
	size_t plen = qmark ? (size_t)(qmark - uri) : ulen;
	const char *path;
	if (http_parse_path(r->arena, uri, plen, &path, err, sizeof(err)) < 0) {
		*why = reason(r, err);
		return 400;
	}
	r->path = path;
	if (qmark &&
	    http_parse_urlencoded(r->arena, qmark + 1, ulen - plen - 1, &r->query, err, sizeof(err)) < 0) {
		*why = reason(r, err);
		return 400;
	}

	route_choose(q);
	q->body_limit = (q->route && q->route->body_limit) ? q->route->body_limit : LIMIT_BODY_BYTES;
	buf_init(&q->body, q->body_limit);

	/* A declared length over the limit is refused before the body is sent
	 * (no 100 Continue), and MHD then closes the connection. */
	const char *cl =
	    MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	int64_t declared;
	if (cl && parse_int64(cl, 0, INT64_MAX, &declared) == 0 && (uint64_t)declared > q->body_limit) {
		*why = MSG_TOO_LARGE;
		return 413;
	}
	return 0;
}

/* Parses the body as a form when its type says it is one. */
static int request_form(struct request *q, const char **why)
{
	req *r = &q->r;
	char err[160];

	r->body = q->body.data ? q->body.data : "";
	r->body_len = q->body.len;
	const char *ct = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct)
		return 0;
	size_t tl = strcspn(ct, ";");
	char *type = arena_strndup(r->arena, ct, tl);
	if (!type) {
		*why = MSG_TOO_LARGE;
		return 413;
	}
	for (char *c = type; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	r->content_type = str_trim(type);

	int rc = 0;
	if (strcmp(r->content_type, "application/x-www-form-urlencoded") == 0)
		rc = http_parse_urlencoded(r->arena, r->body, r->body_len, &r->form, err, sizeof(err));
	else if (strcmp(r->content_type, "multipart/form-data") == 0 && r->body_len > 0)
		rc = http_parse_multipart(r->arena, r->body, r->body_len, ct, &r->form, err, sizeof(err));
	if (rc < 0) {
		*why = reason(r, err);
		return 400;
	}
	return 0;
}

/* ---- dispatch ---- */

/* Runs the error page for status; falls back to plain text when there is no
 * error handler or it wrote nothing. */
static void render_error(struct request *q, int status, const char *why)
{
	req *r = &q->r;
	const http_config *cfg = &q->srv->cfg;

	buf_reset(&r->out);
	r->headers = NULL;
	r->status = status;
	r->error_message = why;
	int rc = cfg->error ? cfg->error(r) : -1;
	if (rc < 0 || r->out.len == 0 || r->out.overflow) {
		buf_reset(&r->out);
		r->headers = NULL;
		r->status = status;
		http_content_type(r, "text/plain; charset=utf-8");
		buf_printf(&r->out, "%d %s\n", status, why ? why : "");
	}
}

static void dispatch(struct request *q)
{
	req *r = &q->r;
	const http_config *cfg = &q->srv->cfg;

	if (q->route) {
		r->route = q->route->pattern;
		buf_reserve(&r->out, atomic_load_explicit(http_route_size_hint(q), memory_order_relaxed));
		if (cfg->handler_begin)
			cfg->handler_begin(r);
		int rc = q->route->handler(r);
		if (cfg->handler_end)
			cfg->handler_end(r);
		/* A stream begun by a handler that then failed is no answer. */
		if (q->stream && (rc < 0 || r->status != 200 || r->out.overflow)) {
			http_stream_cancel(q->stream);
			q->stream = NULL;
		}
		if (rc < 0 && r->out.len == 0)
			render_error(q, 500, MSG_INTERNAL);
	} else if (q->allowed) {
		char allow[64] = "";
		static const struct {
			unsigned m;
			const char *name;
		} names[] = {{HTTP_GET, "GET, HEAD"},
		             {HTTP_POST, "POST"},
		             {HTTP_PUT, "PUT"},
		             {HTTP_PATCH, "PATCH"},
		             {HTTP_DELETE, "DELETE"}};
		unsigned allowed = q->allowed;
		if (allowed & HTTP_HEAD)
			allowed |= HTTP_GET;
		for (size_t i = 0; i < COUNT(names); i++) {
			if (!(allowed & names[i].m))
				continue;
			if (allow[0])
				strcat(allow, ", ");
			strcat(allow, names[i].name);
		}
		render_error(q, 405, MSG_METHOD);
		http_set_header(r, "Allow", allow);
	} else {
		r->route = "unmatched";
		r->status = 404;
		r->error_message = MSG_NOT_FOUND;
		int rc = cfg->not_found ? cfg->not_found(r) : -1;
		if (rc < 0 && r->out.len == 0)
			render_error(q, 404, MSG_NOT_FOUND);
	}
	if (r->out.overflow) {
		fprintf(stderr, "level=error msg=\"response larger than the limit\" route=\"%s\"\n",
		        r->route);
		render_error(q, 500, MSG_INTERNAL);
	}
	if (r->status < 100 || r->status > 599)
		render_error(q, 500, MSG_INTERNAL);
}

/* ---- libmicrohttpd callbacks ---- */

static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *conn)
{
	http_server *s = cls;
	arena *a = arena_new(LIMIT_ARENA_BYTES);
	/* Cannot fail: the arena's limit is far above one struct request. */
	struct request *q = arena_alloc(a, sizeof(*q));

	q->r.arena = a;
	q->r.priv = q;
	q->r.app = s->cfg.app;
	q->r.started_us = mono_us();
	q->r.status = 200;
	buf_init(&q->r.out, LIMIT_RESPONSE_BYTES);
	buf_init(&q->body, LIMIT_BODY_BYTES);
	q->srv = s;
	q->conn = conn;
	q->method_name = "OTHER";
	/* Keep one byte more than allowed, so that "too long" can be told. */
	if (uri)
		q->raw_uri = arena_strndup(a, uri, strnlen(uri, LIMIT_URL_BYTES + 1));
	atomic_fetch_add(&s->inflight, 1);
	http_guard_phase(s->guard, conn, HTTP_GUARD_HEAD, 0);
	return q;
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	http_server *s = cls;
	struct request *q = *con_cls;
	(void)toe;
	if (!q)
		return;
	*con_cls = NULL;
	if (q->counted)
		http_guard_leave(s->guard, q->counted);
	http_guard_phase(s->guard, conn, HTTP_GUARD_IDLE, 0);
	buf_free(&q->body);
	buf_free(&q->r.out);
	arena_free(q->r.arena);
	atomic_fetch_sub(&s->inflight, 1);
}

static void connection_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                              enum MHD_ConnectionNotificationCode toe)
{
	http_server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		http_guard_opened(s->guard, conn, socket_context);
	else
		http_guard_closed(s->guard, socket_context);
	if (!s->cfg.app)
		return;
	metrics_connection(s->cfg.app->metrics, toe == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

/* The most body bytes the request may still send: its declared length, or
 * the route's limit for a chunked body; none for a request without one. */
static uint64_t body_expected(struct request *q)
{
	const char *cl =
	    MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	int64_t declared;
	if (cl && parse_int64(cl, 0, INT64_MAX, &declared) == 0)
		return (uint64_t)declared;
	if (MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return q->body_limit;
	return 0;
}

/* Appends a piece of body. A body without a declared length can only be
 * found too large while it arrives, when MHD no longer lets us answer: the
 * rest is read and dropped so that the client gets its 413, up to
 * LIMIT_BODY_BYTES more, after which the connection is cut. */
static enum MHD_Result body_receive(struct request *q, const char *data, size_t n)
{
	if (!q->too_large && buf_append(&q->body, data, n) == 0)
		return MHD_YES;
	q->too_large = 1;
	q->discarded += n;
	return q->discarded > LIMIT_BODY_BYTES ? MHD_NO : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	struct request *q = *con_cls;
	(void)cls;
	(void)url;
	(void)version;
	if (!q)
		return MHD_NO;
	if (q->queued)
		return MHD_YES;

	if (!q->begun) {
		q->begun = 1;
		const char *why = NULL;
		int status = request_begin(q, method, &why);
		if (status) {
			render_error(q, status, why);
			if (status == 429)
				http_set_header(&q->r, "Retry-After", "1");
			http_guard_phase(q->srv->guard, conn, HTTP_GUARD_ANSWER, q->r.out.len);
			return http_request_send(q, 1);
		}
		http_guard_phase(q->srv->guard, conn, HTTP_GUARD_BODY, body_expected(q));
		return MHD_YES;
	}
	if (*upload_data_size) {
		enum MHD_Result rc = body_receive(q, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return rc;
	}

	http_guard_phase(q->srv->guard, conn, HTTP_GUARD_HANDLER, 0);
	const char *why = NULL;
	int status = q->too_large ? 413 : 0;
	if (status)
		why = MSG_TOO_LARGE;
	else
		status = request_form(q, &why);
	if (status)
		render_error(q, status, why);
	else
		dispatch(q);
	/* A stream has no deadline: it lasts as long as its client. */
	http_guard_phase(q->srv->guard, conn, q->stream ? HTTP_GUARD_STREAM : HTTP_GUARD_ANSWER, q->r.out.len);
	return http_request_send(q, q->too_large);
}

ATTR_PRINTF(2, 0) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *c = msg; *c; c++)
		if (*c == '"' || *c == '\n' || *c == '\r' || *c == '\\')
			*c = ' ';
	fprintf(stderr, "level=warn component=mhd msg=\"%s\"\n", str_trim(msg));
}

/* ---- server ---- */

/* Fills sa from a literal address, with or without brackets; -1 when the
 * host is not an IPv4 or IPv6 literal. */
static int bind_address(const char *host, unsigned port, struct sockaddr_storage *sa, int *v6)
{
	char lit[INET6_ADDRSTRLEN + 2];
	memset(sa, 0, sizeof(*sa));
	if (!host || !*host)
		host = "0.0.0.0";
	size_t n = strlen(host);
	if (n >= sizeof(lit))
		return -1;
	if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
		memcpy(lit, host + 1, n - 2);
		lit[n - 2] = '\0';
	} else {
		memcpy(lit, host, n + 1);
	}
	struct sockaddr_in *in4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
	if (inet_pton(AF_INET, lit, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, lit, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*v6 = 1;
		return 0;
	}
	return -1;
}

http_server *http_start(const http_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_storage sa;
	int v6;

	if (cfg->port > 65535 || bind_address(cfg->host, cfg->port, &sa, &v6) < 0) {
		snprintf(err, errlen, "cannot listen on %s:%u: the host must be an IPv4 or IPv6 address",
		         cfg->host ? cfg->host : "", cfg->port);
		return NULL;
	}
	http_server *s = xcalloc(1, sizeof(*s));
	s->cfg = *cfg;
	if (parse_proxies(s, cfg->trusted_proxies, err, errlen) != 0) {
		free(s);
		return NULL;
	}
	atomic_init(&s->stopping, 0);
	atomic_init(&s->inflight, 0);
	s->guard = http_guard_new(cfg->head_timeout_s, cfg->max_per_address);
	if (!s->guard) {
		snprintf(err, errlen, "cannot start the connections' watchdog thread");
		free(s);
		return NULL;
	}
	char note[200];
	unsigned budget = http_guard_descriptors(
	    cfg->max_connections ? cfg->max_connections : LIMIT_CONNECTIONS, note, sizeof(note));
	if (note[0])
		fprintf(stderr, "level=warn msg=\"%s\"\n", note);
	/* Behind a proxy, the proxy is the only peer: the limit per address
	 * is then taken per forwarded address, on requests (request_begin). */
	unsigned per_ip =
	    cfg->trust_proxy ? 0 : (cfg->max_per_address ? cfg->max_per_address : LIMIT_CONNECTIONS_PER_IP);

	s->streams = http_streams_new(LIMIT_EVENT_STREAMS);
	if (!s->streams) {
		snprintf(err, errlen, "cannot start the event streams' thread");
		http_guard_free(s->guard);
		free(s);
		return NULL;
	}
	/* Streamed answers (http_stream.c) sleep on suspended connections.
	 *
	 * poll(), not epoll. With epoll, MHD_quiesce_daemon (http_stop) takes
	 * the listening socket out of the epoll set from our thread, and the
	 * polling thread, in MHD_epoll, takes it out too on seeing the daemon
	 * quiesced. Neither holds a lock, and each clears its "in the set" flag
	 * only after its own epoll_ctl(EPOLL_CTL_DEL): when the polling thread
	 * tests the flags just before quiescing and removes just after us, its
	 * removal fails with ENOENT and MHD aborts the process ("Failed to
	 * remove listen FD from epoll set", daemon.c:4976 in 0.9.75); with a
	 * pool of threads, the loop of MHD_quiesce_daemon over the workers
	 * aborts the same way when a worker removes first. With poll() the
	 * listening socket is in no kernel set: quiescing only raises a flag
	 * and wakes the threads, and there is nothing left to race on. poll()
	 * walks the active connections at each wake-up, but a stream waiting
	 * for its next event is suspended and not among them: with a thousand
	 * screens, bench/queue.mjs measures the same delays as with epoll. */
	if (MHD_is_feature_supported(MHD_FEATURE_POLL) != MHD_YES) {
		snprintf(err, errlen, "this libmicrohttpd cannot poll(): it is built without poll support");
		http_streams_free(s->streams);
		http_guard_free(s->guard);
		free(s);
		return NULL;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_POLL;
	if (v6)
		flags |= MHD_USE_IPv6;
	unsigned threads = cfg->threads ? cfg->threads : 1;
	s->size_hint = xcalloc(cfg->nroutes ? cfg->nroutes : 1, sizeof *s->size_hint);

	/* The logger comes first so that MHD never uses its own. A pool of one
	 * thread is no pool and MHD wants the option left out: the list then
	 * ends just before it. */
	s->daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, budget,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)LIMIT_CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)CONNECTION_POOL_BYTES, MHD_OPTION_URI_LOG_CALLBACK, uri_logged, s,
	    MHD_OPTION_NOTIFY_COMPLETED, request_done, s, MHD_OPTION_NOTIFY_CONNECTION, connection_notify, s,
	    MHD_OPTION_STRICT_FOR_CLIENT, 1, threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
	    threads, MHD_OPTION_END);
	if (!s->daemon) {
		snprintf(err, errlen, "cannot listen on %s:%u (address in use or not available?)",
		         cfg->host ? cfg->host : "", cfg->port);
		http_streams_free(s->streams);
		http_guard_free(s->guard);
		free(s->size_hint);
		free(s);
		return NULL;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : cfg->port;
	return s;
}

unsigned http_port(const http_server *s)
{
	return s ? s->port : 0;
}

/* Stops accepting, then lets the requests in flight finish: idle keep-alive
 * connections are not waited for, since their next request would find the
 * server gone anyway and clients retry those. */
void http_stop(http_server *s)
{
	if (!s)
		return;
	atomic_store(&s->stopping, 1);
	/* Safe from this thread only because the daemon polls with poll()
	 * (see http_start): under epoll this call can abort the process. */
	MHD_socket listener = MHD_quiesce_daemon(s->daemon);
	/* MHD no longer accepts, but the kernel would still complete
	 * handshakes into the backlog; shutting the socket down makes new
	 * clients get a refusal at once, and try elsewhere. */
	if (listener != MHD_INVALID_SOCKET)
		shutdown(listener, SHUT_RDWR);
	/* Event streams last as long as their client: they end now, and no
	 * connection stays suspended, which MHD_stop_daemon does not allow. */
	http_streams_end(s->streams);
	int64_t deadline = mono_us() + (int64_t)LIMIT_SHUTDOWN_GRACE_S * 1000000;
	while (mono_us() < deadline) {
		const union MHD_DaemonInfo *info =
		    MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || info->num_connections == 0 || atomic_load(&s->inflight) == 0)
			break;
		struct timespec ts = {0, STOP_POLL_NS};
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(s->daemon);
	/* The quiesced socket is ours to close, once no MHD thread uses it. */
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	http_streams_free(s->streams);
	http_guard_free(s->guard);
	free(s->size_hint);
	free(s);
}
