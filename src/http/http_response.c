/*
 * http_response.c: building the answer to a request. Handlers set the
 * status, headers and cookies through http.h; http_request_send() then adds
 * the defaults and the security headers, compresses with gzip when it helps,
 * logs and counts the request and hands the MHD response to libmicrohttpd.
 * With http.c and http_parse.c, one of the only files that know
 * libmicrohttpd.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <zlib.h>

#include "app/app.h"
#include "http/http.h"
#include "http/server.h"
#include "util/guichet_limits.h"
#include "app/metrics.h"

/* Every response carries these. The policy allows only our own resources:
 * Guichet has no inline scripts or styles, and no third-party content. */
static const char CSP[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                          "media-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
                          "frame-ancestors 'none'; base-uri 'none'";
static const struct {
	const char *name, *value;
} security_headers[] = {
    {"Content-Security-Policy", CSP},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
    {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};
static const char HSTS[] = "max-age=31536000";

/* Bodies smaller than this gain little from gzip and cost a deflate state. */
#define GZIP_MIN_BYTES 1024u
/* The most room a route's next answer is given before it is written. */
#define SIZE_HINT_MAX ((size_t)1 << 20)

/* ---- response ---- */

/* Response headers, in the order they were set; from the request's arena. */
struct http_header {
	struct http_header *next;
	const char *name;
	const char *value;
};

static const char *response_header(const req *r, const char *name)
{
	for (const struct http_header *h = r->headers; h; h = h->next)
		if (strcasecmp(h->name, name) == 0)
			return h->value;
	return NULL;
}

/* An RFC 9110 token: what header and cookie names are made of. */
static int token_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= 0x20 || *c >= 0x7F || strchr("()<>@,;:\\\"/[]?={}", *c))
			return 0;
	return 1;
}

/* A header value may hold anything printable and tabs, never a line break
 * that would let it forge another header. */
static int header_ok(const char *name, const char *value)
{
	if (!token_ok(name) || !value)
		return 0;
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7F)
			return 0;
	return 1;
}

void http_status(req *r, int status)
{
	r->status = status;
}

/* Replaces a header of the same name, except Set-Cookie, which may appear
 * once per cookie. A header that would be unsafe to send is dropped. */
void http_set_header(req *r, const char *name, const char *value)
{
	if (!header_ok(name, value)) {
		fprintf(stderr, "level=warn msg=\"response header refused\"\n");
		return;
	}
	struct http_header **tail = &r->headers;
	int multiple = strcasecmp(name, "Set-Cookie") == 0;
	for (struct http_header *h = r->headers; h; h = h->next) {
		if (!multiple && strcasecmp(h->name, name) == 0) {
			const char *v = arena_strdup(r->arena, value);
			if (v)
				h->value = v;
			return;
		}
		tail = &h->next;
	}
	struct http_header *h = arena_alloc(r->arena, sizeof(*h));
	if (!h)
		return;
	h->name = arena_strdup(r->arena, name);
	h->value = arena_strdup(r->arena, value);
	if (!h->name || !h->value)
		return;
	*tail = h;
}

void http_content_type(req *r, const char *type)
{
	http_set_header(r, "Content-Type", type);
}

/* Only a path on this site: "//host" and "/\\host" are read by browsers as
 * another host, which would make Guichet an open redirector. */
void http_redirect(req *r, const char *local_path)
{
	int ok = local_path && local_path[0] == '/' && local_path[1] != '/' && local_path[1] != '\\';
	for (const unsigned char *c = (const unsigned char *)local_path; ok && *c; c++)
		if (*c < 0x20 || *c == 0x7F)
			ok = 0;
	r->status = 303;
	http_set_header(r, "Location", ok ? local_path : "/");
}

/* The value is written as given: callers pass tokens (ids, codes), and
 * anything that could end the cookie early or add an attribute is refused. */
void http_set_cookie(req *r, const char *name, const char *value, long max_age)
{
	if (!value)
		value = "";
	if (!token_ok(name) || strpbrk(value, ";, \"\\")) {
		fprintf(stderr, "level=warn msg=\"cookie refused\"\n");
		return;
	}
	buf c;
	buf_init(&c, LIMIT_HEADER_BYTES);
	buf_printf(&c, "%s=%s; Path=/", name, value);
	if (max_age >= 0)
		buf_printf(&c, "; Max-Age=%ld", max_age);
	buf_puts(&c, "; HttpOnly; SameSite=Lax");
	if (r->secure)
		buf_puts(&c, "; Secure");
	if (!c.overflow)
		http_set_header(r, "Set-Cookie", c.data);
	buf_free(&c);
}

/* ---- byte ranges (RFC 9110 section 14) ---- */

/* A decimal number of at most 18 digits at *p, moving p past it; -1 when
 * there is none. */
static long long range_number(const char **p)
{
	long long v = 0;
	int digits = 0;
	while (**p >= '0' && **p <= '9') {
		if (++digits > 18)
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return digits ? v : -1;
}

int http_parse_range(const char *h, size_t len, size_t *first, size_t *last)
{
	if (!h)
		return 0;
	h += strspn(h, " \t");
	if (strncasecmp(h, "bytes=", 6) != 0)
		return 0;
	const char *p = h + 6;
	p += strspn(p, " \t");
	long long a = -1, b = -1;
	if (*p == '-') {
		p++;
		b = range_number(&p); /* a suffix: the last b bytes */
		if (b < 0)
			return 0;
	} else {
		a = range_number(&p);
		if (a < 0 || *p != '-')
			return 0;
		p++;
		if (*p >= '0' && *p <= '9') {
			b = range_number(&p);
			if (b < 0 || b < a)
				return 0;
		}
	}
	p += strspn(p, " \t");
	if (*p)
		return 0; /* several ranges, or trailing bytes: the whole body */
	if (a < 0) {
		if (b == 0 || len == 0)
			return -1;
		*first = (size_t)b >= len ? 0 : len - (size_t)b;
		*last = len - 1;
		return 1;
	}
	if ((unsigned long long)a >= len)
		return -1;
	*first = (size_t)a;
	*last = b < 0 || (unsigned long long)b >= len ? len - 1 : (size_t)b;
	return 1;
}

/* True when an If-None-Match or If-Range value lists etag; the weak
 * comparison (a W/ prefix is ignored) unless strong is set. */
static int etag_listed(const char *list, const char *etag, int strong)
{
	if (!list || !etag)
		return 0;
	size_t elen = strlen(etag);
	for (const char *p = list; *p;) {
		p += strspn(p, " \t,");
		if (!*p)
			break;
		size_t n = strcspn(p, ","), end = n;
		while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
			end--;
		const char *tag = p;
		if (end == 1 && *tag == '*')
			return 1;
		if (end >= 2 && tag[0] == 'W' && tag[1] == '/') {
			if (strong)
				return 0;
			tag += 2;
			end -= 2;
		}
		if (end == elen && memcmp(tag, etag, elen) == 0)
			return 1;
		p += n;
	}
	return 0;
}

void http_send_bytes_ranged(req *r, const char *mime, const void *data, size_t len, const char *etag)
{
	r->no_gzip = 1;
	buf_reset(&r->out);
	http_set_header(r, "Accept-Ranges", "bytes");
	if (!response_header(r, "Cache-Control"))
		http_set_header(r, "Cache-Control", "public, max-age=86400");
	if (etag)
		http_set_header(r, "ETag", etag);
	if (etag && etag_listed(http_header(r, "If-None-Match"), etag, 0)) {
		r->status = 304;
		return;
	}
	http_content_type(r, mime);
	size_t first = 0, last = 0;
	int ranged = http_parse_range(http_header(r, "Range"), len, &first, &last);
	/* If-Range: the range holds only for the copy the client has; an
	 * older copy gets the whole body. */
	const char *if_range = http_header(r, "If-Range");
	if (ranged != 0 && if_range && !etag_listed(if_range, etag, 1))
		ranged = 0;
	if (ranged < 0) {
		r->status = 416;
		http_set_header(r, "Content-Range", arena_printf(r->arena, "bytes */%zu", len));
		return;
	}
	if (ranged > 0) {
		r->status = 206;
		http_set_header(r, "Content-Range",
		                arena_printf(r->arena, "bytes %zu-%zu/%zu", first, last, len));
		buf_append(&r->out, (const char *)data + first, last - first + 1);
		return;
	}
	r->status = 200;
	buf_append(&r->out, data, len);
}

/* Text, JSON and SVG compress well; images and fonts already are. */
static int type_compressible(const char *type)
{
	if (!type)
		return 0;
	size_t n = strcspn(type, "; ");
	if (n > 5 && strncasecmp(type, "text/", 5) == 0)
		return 1;
	return (n == 16 && strncasecmp(type, "application/json", 16) == 0) ||
	       (n == 13 && strncasecmp(type, "image/svg+xml", 13) == 0);
}

/* True when Accept-Encoding lists gzip (or *) without q=0. */
static int accepts_gzip(const char *ae)
{
	while (ae && *ae) {
		ae += strspn(ae, " \t,");
		size_t n = strcspn(ae, ";, \t");
		int match = (n == 4 && strncasecmp(ae, "gzip", 4) == 0) ||
		            (n == 6 && strncasecmp(ae, "x-gzip", 6) == 0) || (n == 1 && *ae == '*');
		const char *end = ae + strcspn(ae, ",");
		if (match) {
			const char *q = ae + n;
			while (q < end && (*q == ' ' || *q == '\t' || *q == ';'))
				q++;
			if (q + 2 > end || (q[0] != 'q' && q[0] != 'Q') || q[1] != '=')
				return 1;
			/* q is 0 unless a digit other than 0 appears (strtod would
			 * depend on the locale's decimal point). */
			for (q += 2; q < end && *q != ';'; q++)
				if (*q >= '1' && *q <= '9')
					return 1;
			return 0;
		}
		ae = end;
	}
	return 0;
}

/* Compresses into a new malloc()ed buffer; NULL when it does not help. */
static char *gzip_body(const char *in, size_t n, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* 15 window bits, plus 16 for the gzip wrapper instead of zlib's. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	uLong cap = deflateBound(&z, (uLong)n);
	char *out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *outlen >= n) {
		free(out);
		return NULL;
	}
	return out;
}

/* ---- sending ---- */

static void log_request(const struct request *q, int status, size_t bytes)
{
	char ts[21];
	time_iso(now_s(), ts);
	int64_t us = mono_us() - q->r.started_us;
	/* One write(2) per line: stderr is unbuffered, and fprintf would lock
	 * the stream and write it in pieces under every worker's load. */
	char line[512];
	int len =
	    snprintf(line, sizeof line,
	             "ts=%s level=%s method=%s route=\"%s\" status=%d dur_ms=%lld.%02lld bytes=%zu\n", ts,
	             status >= 500 ? "error" : "info", q->method_name, q->r.route ? q->r.route : "unmatched",
	             status, (long long)(us / 1000), (long long)(us % 1000 / 10), bytes);
	if (len > 0)
		(void)fd_write_all(STDERR_FILENO, line,
		                   (size_t)len < sizeof line ? (size_t)len : sizeof line - 1);
}

static void add_header(struct MHD_Response *resp, const char *name, const char *value)
{
	/* MHD refuses headers it manages itself and values with line breaks;
	 * http_set_header already keeps the latter out. */
	(void)MHD_add_response_header(resp, name, value);
}

static void add_security_headers(struct MHD_Response *resp, const req *r)
{
	for (size_t i = 0; i < COUNT(security_headers); i++)
		add_header(resp, security_headers[i].name, security_headers[i].value);
	if (r->secure)
		add_header(resp, "Strict-Transport-Security", HSTS);
}

/* A streamed answer (http_stream.c): the handler's headers, then the body
 * its source gives, never compressed (gzip would hold events back). */
static enum MHD_Result stream_send(struct request *q, struct metrics *m)
{
	req *r = &q->r;
	http_stream *st = q->stream;
	q->stream = NULL; /* from now on MHD's response owns it */
	struct MHD_Response *resp = http_stream_response(st);
	if (!resp)
		return MHD_NO;
	for (const struct http_header *h = r->headers; h; h = h->next)
		add_header(resp, h->name, h->value);
	add_security_headers(resp, r);
	log_request(q, r->status, 0);
	metrics_request(m, r->route ? r->route : "unmatched", r->status, mono_us() - r->started_us);
	enum MHD_Result rc = MHD_queue_response(q->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	q->queued = 1;
	return rc;
}

enum MHD_Result http_request_send(struct request *q, int early)
{
	req *r = &q->r;
	struct metrics *m = q->srv->cfg.app ? q->srv->cfg.app->metrics : NULL;

	if (!response_header(r, "Content-Type"))
		http_content_type(r, "text/html; charset=utf-8");
	if (!response_header(r, "Cache-Control"))
		http_set_header(r, "Cache-Control", "no-store");
	if (q->stream)
		return stream_send(q, m);

	size_t len;
	char *body = buf_detach(&r->out, &len);
	if (q->route) {
		size_t hint = len < SIZE_HINT_MAX ? len + len / 8 : SIZE_HINT_MAX;
		atomic_store_explicit(http_route_size_hint(q), hint, memory_order_relaxed);
	}
	int vary = 0;
	if (!r->no_gzip && len > GZIP_MIN_BYTES && r->status != 204 && r->status != 304 &&
	    type_compressible(response_header(r, "Content-Type")) &&
	    !response_header(r, "Content-Encoding")) {
		vary = 1;
		if (accepts_gzip(http_header(r, "Accept-Encoding"))) {
			size_t zlen;
			char *z = gzip_body(body, len, &zlen);
			if (z) {
				free(body);
				body = z;
				len = zlen;
				http_set_header(r, "Content-Encoding", "gzip");
			}
		}
	}
	if (vary) {
		const char *old = response_header(r, "Vary");
		http_set_header(r, "Vary",
		                old ? arena_printf(r->arena, "%s, Accept-Encoding", old) : "Accept-Encoding");
	}

	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	for (const struct http_header *h = r->headers; h; h = h->next)
		add_header(resp, h->name, h->value);
	for (size_t i = 0; i < COUNT(security_headers); i++)
		add_header(resp, security_headers[i].name, security_headers[i].value);
	if (r->secure)
		add_header(resp, "Strict-Transport-Security", HSTS);
	/* A refusal sent before the body was read, or a server on its way out,
	 * must not keep the connection for another request. */
	if (early || atomic_load(&q->srv->stopping))
		add_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");

	/* Logged and counted before queueing, so that both are done by the
	 * time the client can read the answer. */
	log_request(q, r->status, len);
	metrics_request(m, r->route ? r->route : "unmatched", r->status, mono_us() - r->started_us);
	enum MHD_Result rc = MHD_queue_response(q->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	q->queued = 1;
	return rc;
}
