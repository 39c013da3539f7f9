/*
 * test_http.c: the request parsers with hostile inputs, route matching, and
 * an in-process server spoken to over plain sockets: security headers,
 * limits, errors, gzip, static files, proxies, logging and a graceful stop.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

#include "unit.h"

#include "app/app.h"
#include "http/http.h"
#include "util/guichet_limits.h"
#include "app/metrics.h"
#include "pages/page_static.h"

/* ---- parsers ---- */

static arena *A;
static char err[256];

static int setup_arena(void **state)
{
	(void)state;
	A = arena_new(LIMIT_ARENA_BYTES);
	err[0] = '\0';
	return 0;
}

static int teardown_arena(void **state)
{
	(void)state;
	arena_free(A);
	A = NULL;
	return 0;
}

static int urlenc(const char *s, http_fields *f)
{
	return http_parse_urlencoded(A, s, strlen(s), f, err, sizeof(err));
}

static void test_percent_decode(void **state)
{
	(void)state;
	char s1[] = "a%20b+c%2Bd%c3%A9";
	size_t n = strlen(s1);
	assert_int_equal(http_percent_decode(s1, &n, 1), 0);
	assert_string_equal(s1, "a b c+d\xc3\xa9");
	assert_int_equal(n, strlen("a b c+d\xc3\xa9"));

	char s2[] = "a+b";
	n = strlen(s2);
	assert_int_equal(http_percent_decode(s2, &n, 0), 0);
	assert_string_equal(s2, "a+b");

	static const char *bad[] = {"%", "%4", "%G0", "%0G", "abc%", "%%41", "%-1", "% 1"};
	for (size_t i = 0; i < COUNT(bad); i++) {
		char t[16];
		strcpy(t, bad[i]);
		n = strlen(t);
		assert_int_equal(http_percent_decode(t, &n, 1), -1);
	}
	char s3[] = "x%00y";
	n = strlen(s3);
	assert_int_equal(http_percent_decode(s3, &n, 0), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(s3, "x\0y", 3);
}

static void test_urlencoded_basic(void **state)
{
	(void)state;
	http_fields f;
	assert_int_equal(urlenc("a=1&b=hello+world&c=%C3%A9t%C3%A9&d=&e", &f), 0);
	assert_int_equal(f.n, 5);
	assert_string_equal(f.v[0].name, "a");
	assert_string_equal(f.v[0].value, "1");
	assert_string_equal(f.v[1].value, "hello world");
	assert_string_equal(f.v[2].value, "\xc3\xa9t\xc3\xa9");
	assert_int_equal(f.v[2].value_len, 5);
	assert_string_equal(f.v[3].value, "");
	assert_string_equal(f.v[4].name, "e");
	assert_string_equal(f.v[4].value, "");
	assert_null(f.v[0].filename);

	assert_int_equal(urlenc("", &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(http_parse_urlencoded(A, NULL, 0, &f, err, sizeof(err)), 0);
	assert_int_equal(f.n, 0);
	/* Empty pairs and nameless fields are skipped; '=' in a value stays. */
	assert_int_equal(urlenc("&&x=1&&=nameless&y=a=b&", &f), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[0].name, "x");
	assert_string_equal(f.v[1].value, "a=b");
	/* Encoded separators do not separate. */
	assert_int_equal(urlenc("k%3D=v%26w", &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].name, "k=");
	assert_string_equal(f.v[0].value, "v&w");
	/* The length bounds the input, not a NUL. */
	assert_int_equal(http_parse_urlencoded(A, "a=1&b=2", 3, &f, err, sizeof(err)), 0);
	assert_int_equal(f.n, 1);
}

static void test_urlencoded_hostile(void **state)
{
	(void)state;
	http_fields f;
	assert_int_equal(urlenc("a=%G1", &f), -1);
	assert_string_equal(err, "Le formulaire contient un encodage invalide (%XX).");
	assert_int_equal(urlenc("a=%4", &f), -1);
	assert_int_equal(urlenc("a%=1", &f), -1);
	assert_int_equal(urlenc("a=x%00y", &f), -1);
	assert_string_equal(err, "Le texte envoyé contient un caractère nul.");
	assert_int_equal(urlenc("a%00=x", &f), -1);
	assert_int_equal(urlenc("a=%C0%AF", &f), -1);
	assert_string_equal(err, "Le texte envoyé n'est pas de l'UTF-8 valide.");
	assert_int_equal(urlenc("a=%ED%A0%80", &f), -1);
	assert_int_equal(urlenc("a=\xff", &f), -1);
	assert_int_equal(urlenc("a=%F4%90%80%80", &f), -1);
	/* A raw NUL inside the given length. */
	assert_int_equal(http_parse_urlencoded(A, "a=b\0c", 5, &f, err, sizeof(err)), -1);
	/* No message buffer is fine too. */
	assert_int_equal(http_parse_urlencoded(A, "a=%", 3, &f, NULL, 0), -1);
}

static void test_urlencoded_limits(void **state)
{
	(void)state;
	http_fields f;
	buf b;
	buf_init(&b, 1u << 24);
	for (unsigned i = 0; i < LIMIT_FIELDS; i++)
		buf_printf(&b, "%sf%u=%u", i ? "&" : "", i, i);
	assert_int_equal(urlenc(b.data, &f), 0);
	assert_int_equal(f.n, LIMIT_FIELDS);
	buf_puts(&b, "&one=more");
	assert_int_equal(urlenc(b.data, &f), -1);
	assert_string_equal(err, "Le formulaire contient trop de champs.");

	/* Names: LIMIT_FIELD_NAME_BYTES decoded bytes pass, one more fails. */
	buf_reset(&b);
	for (unsigned i = 0; i < LIMIT_FIELD_NAME_BYTES; i++)
		buf_puts(&b, "%41");
	buf_puts(&b, "=v");
	assert_int_equal(urlenc(b.data, &f), 0);
	assert_int_equal(strlen(f.v[0].name), LIMIT_FIELD_NAME_BYTES);
	buf_reset(&b);
	for (unsigned i = 0; i <= LIMIT_FIELD_NAME_BYTES; i++)
		buf_putc(&b, 'n');
	buf_puts(&b, "=v");
	assert_int_equal(urlenc(b.data, &f), -1);
	assert_string_equal(err, "Le nom d'un champ du formulaire est trop long.");

	/* Values: the same at LIMIT_FIELD_VALUE_BYTES. */
	buf_reset(&b);
	buf_puts(&b, "v=");
	for (unsigned i = 0; i < LIMIT_FIELD_VALUE_BYTES; i++)
		buf_puts(&b, "%7A");
	assert_int_equal(urlenc(b.data, &f), 0);
	assert_int_equal(f.v[0].value_len, LIMIT_FIELD_VALUE_BYTES);
	buf_putc(&b, 'z');
	assert_int_equal(urlenc(b.data, &f), -1);
	assert_string_equal(err, "Un champ du formulaire est trop long.");
	/* A huge value is refused without being copied whole. */
	buf_reset(&b);
	buf_puts(&b, "v=");
	for (unsigned i = 0; i < 8u * 1024 * 1024; i++)
		buf_putc(&b, 'x');
	size_t before = arena_used(A);
	assert_int_equal(urlenc(b.data, &f), -1);
	assert_true(arena_used(A) - before < 1024);
	buf_free(&b);
}

static int cookies(const char *s, http_fields *f)
{
	return http_parse_cookies(A, s, f, err, sizeof(err));
}

static void test_cookies(void **state)
{
	(void)state;
	http_fields f;
	assert_int_equal(cookies("a=b; c=d", &f), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[0].name, "a");
	assert_string_equal(f.v[1].value, "d");

	assert_int_equal(cookies("  sid = abc ;lang=fr;;  theme=\"dark\"  ", &f), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[0].name, "sid");
	assert_string_equal(f.v[0].value, "abc");
	assert_string_equal(f.v[1].value, "fr");
	assert_string_equal(f.v[2].value, "dark");

	/* Malformed pairs are skipped, the good ones kept. */
	assert_int_equal(
	    cookies("noequals; =novalue; bad name=1; ok=1; q=\"x; ctl=a\x01z; e=; utf=\xc3\x28; v=a\"b", &f),
	    0);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.v[0].name, "ok");
	assert_string_equal(f.v[1].name, "e");
	assert_string_equal(f.v[1].value, "");

	assert_int_equal(cookies(NULL, &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(cookies("", &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(cookies(";;;", &f), 0);
	assert_int_equal(f.n, 0);

	/* No more than LIMIT_COOKIES are kept. */
	buf b;
	buf_init(&b, 1u << 16);
	for (int i = 0; i < 100; i++)
		buf_printf(&b, "c%d=%d; ", i, i);
	assert_int_equal(cookies(b.data, &f), 0);
	assert_int_equal(f.n, LIMIT_COOKIES);
	assert_string_equal(f.v[LIMIT_COOKIES - 1].name, "c31");
	buf_free(&b);
}

static int multipart(const char *body, size_t n, const char *ct, http_fields *f)
{
	return http_parse_multipart(A, body, n, ct, f, err, sizeof(err));
}

#define CT "multipart/form-data; boundary=XyZ"

static void test_multipart_basic(void **state)
{
	(void)state;
	static const char body[] =
	    "preamble to ignore\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n"
	    "\r\n"
	    "Bonjour \xc3\xa9t\xc3\xa9\r\n"
	    "--XyZ\r\n"
	    "content-disposition: form-data; name=\"upload\"; filename=\"C:\\\\dir\\\\a;b.csv\"\r\n"
	    "Content-Type: text/csv\r\n"
	    "\r\n"
	    "x\0y\r\n--XyZa\xff\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=empty\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ--\r\n"
	    "epilogue --XyZ garbage";
	http_fields f;
	assert_int_equal(multipart(body, sizeof(body) - 1, CT, &f), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[0].name, "title");
	assert_string_equal(f.v[0].value, "Bonjour \xc3\xa9t\xc3\xa9");
	assert_null(f.v[0].filename);
	assert_null(f.v[0].content_type);
	assert_string_equal(f.v[1].name, "upload");
	assert_string_equal(f.v[1].filename, "a;b.csv");
	assert_string_equal(f.v[1].content_type, "text/csv");
	assert_int_equal(f.v[1].value_len, 12);
	assert_memory_equal(f.v[1].value, "x\0y\r\n--XyZa\xff", 12);
	assert_int_equal(f.v[1].value[12], '\0');
	assert_string_equal(f.v[2].name, "empty");
	assert_string_equal(f.v[2].value, "");

	/* Quoted boundary, no preamble, upper-case type, nothing but the end. */
	static const char b2[] = "--a b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--a b--";
	assert_int_equal(
	    multipart(b2, sizeof(b2) - 1, "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"", &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].value, "1");
	assert_int_equal(multipart("--XyZ--", 7, CT, &f), 0);
	assert_int_equal(f.n, 0);
}

static void test_multipart_files(void **state)
{
	(void)state;
	/* Binary content of every byte value, and a file without a name or type. */
	buf b;
	buf_init(&b, 1u << 16);
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"bin\"; filename=\"data.bin\"\r\n\r\n");
	for (int i = 0; i < 256; i++)
		buf_putc(&b, (char)i);
	buf_puts(&b, "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"none\"; filename=\"\"\r\n\r\n");
	buf_puts(&b, "\r\n--XyZ--\r\n");
	http_fields f;
	assert_int_equal(multipart(b.data, b.len, CT, &f), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.v[0].value_len, 256);
	for (int i = 0; i < 256; i++)
		assert_int_equal((unsigned char)f.v[0].value[i], i);
	assert_string_equal(f.v[0].content_type, "application/octet-stream");
	assert_string_equal(f.v[1].filename, "");
	assert_int_equal(f.v[1].value_len, 0);
	buf_free(&b);
}

static void test_multipart_hostile(void **state)
{
	(void)state;
	http_fields f;
	static const char ok[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XyZ--\r\n";
	const size_t okn = sizeof(ok) - 1;

	/* The boundary: missing, empty, too long, or not form-data at all. */
	static const char *bad_ct[] = {
	    NULL,
	    "multipart/form-data",
	    "multipart/form-data; boundary=",
	    "multipart/form-data; boundary=\"\"",
	    "multipart/form-data; boundary=\"XyZ",
	    "multipart/mixed; boundary=XyZ",
	    "application/x-www-form-urlencoded; boundary=XyZ",
	    "multipart/form-data; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	for (size_t i = 0; i < COUNT(bad_ct); i++) {
		assert_int_equal(multipart(ok, okn, bad_ct[i], &f), -1);
		assert_string_equal(err, "Le formulaire envoyé est mal formé : séparateur multipart absent.");
	}
	assert_int_equal(multipart(ok, okn, CT, &f), 0);

	/* Cut anywhere before the final delimiter: refused as unterminated. */
	for (size_t cut = 0; cut < okn - 4; cut++) {
		int rc = multipart(ok, cut, CT, &f);
		assert_int_equal(rc, -1);
	}
	static const struct {
		const char *body;
		const char *msg;
	} bad[] = {
	    {"no delimiter at all", "Le formulaire envoyé est incomplet : une partie n'est pas terminée."},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv",
	     "Le formulaire envoyé est incomplet : une partie n'est pas terminée."},
	    {"--XyZ\nContent-Disposition: form-data; name=\"a\"\n\nv\n--XyZ--",
	     "Le formulaire envoyé est incomplet : une partie n'est pas terminée."},
	    {"--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--",
	     "Le formulaire envoyé est mal formé : en-tête de partie invalide."},
	    {"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--XyZ--",
	     "Le formulaire envoyé est mal formé : en-tête de partie invalide."},
	    {"--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--",
	     "Le formulaire envoyé est mal formé : en-tête de partie invalide."},
	    {"--XyZ\r\n\r\nv\r\n--XyZ--", "Le formulaire envoyé est mal formé : en-tête de partie invalide."},
	    {"--XyZ\r\nno colon here\r\n\r\nv\r\n--XyZ--",
	     "Le formulaire envoyé est mal formé : en-tête de partie invalide."},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--",
	     "Le formulaire envoyé est mal formé : en-tête de partie invalide."},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xc0\xaf\r\n--XyZ--",
	     "Le texte envoyé n'est pas de l'UTF-8 valide."},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"\xed\xa0\x80\"\r\n\r\nv\r\n--XyZ--",
	     "Le texte envoyé n'est pas de l'UTF-8 valide."},
	    {"--XyZ\r\nContent-Disposition: form-data; name=\"a\"; filename=\"\xff.txt\"\r\n\r\nv\r\n--XyZ--",
	     "Le texte envoyé n'est pas de l'UTF-8 valide."},
	    {"--XyZgarbage\r\n", "Le formulaire envoyé est incomplet : une partie n'est pas terminée."},
	};
	for (size_t i = 0; i < COUNT(bad); i++) {
		assert_int_equal(multipart(bad[i].body, strlen(bad[i].body), CT, &f), -1);
		assert_string_equal(err, bad[i].msg);
	}
	/* A NUL in a text part. */
	static const char nul[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\0w\r\n--XyZ--";
	assert_int_equal(multipart(nul, sizeof(nul) - 1, CT, &f), -1);
	assert_string_equal(err, "Le texte envoyé contient un caractère nul.");

	/* Too many parts, too long a text value, a name too long. */
	buf b;
	buf_init(&b, 1u << 24);
	for (unsigned i = 0; i <= LIMIT_FIELDS; i++)
		buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%u\"\r\n\r\n%u\r\n", i, i);
	buf_puts(&b, "--XyZ--");
	assert_int_equal(multipart(b.data, b.len, CT, &f), -1);
	assert_string_equal(err, "Le formulaire contient trop de champs.");
	buf_reset(&b);
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n");
	for (unsigned i = 0; i <= LIMIT_FIELD_VALUE_BYTES; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\r\n--XyZ--");
	assert_int_equal(multipart(b.data, b.len, CT, &f), -1);
	assert_string_equal(err, "Un champ du formulaire est trop long.");
	/* ...while a file part of the same size is fine. */
	buf_reset(&b);
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"t\"; filename=\"big.csv\"\r\n\r\n");
	for (unsigned i = 0; i <= LIMIT_FIELD_VALUE_BYTES; i++)
		buf_putc(&b, 'x');
	buf_puts(&b, "\r\n--XyZ--");
	assert_int_equal(multipart(b.data, b.len, CT, &f), 0);
	assert_int_equal(f.v[0].value_len, LIMIT_FIELD_VALUE_BYTES + 1);
	buf_reset(&b);
	buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"");
	for (unsigned i = 0; i <= LIMIT_FIELD_NAME_BYTES; i++)
		buf_putc(&b, 'n');
	buf_puts(&b, "\"\r\n\r\nv\r\n--XyZ--");
	assert_int_equal(multipart(b.data, b.len, CT, &f), -1);
	assert_string_equal(err, "Le nom d'un champ du formulaire est trop long.");
	buf_free(&b);
}

static void test_parse_path(void **state)
{
	(void)state;
	const char *p = NULL;
	assert_int_equal(http_parse_path(A, "/", 1, &p, err, sizeof(err)), 0);
	assert_string_equal(p, "/");
	assert_int_equal(http_parse_path(A, "/a%20b/c+d/%C3%A9", 17, &p, err, sizeof(err)), 0);
	assert_string_equal(p, "/a b/c+d/\xc3\xa9");
	assert_int_equal(http_parse_path(A, "/a..b/.x/...", 12, &p, err, sizeof(err)), 0);
	/* Only the given length counts. */
	assert_int_equal(http_parse_path(A, "/ok?q", 3, &p, err, sizeof(err)), 0);
	assert_string_equal(p, "/ok");

	static const struct {
		const char *raw, *msg;
	} bad[] = {
	    {"/%4", "L'adresse demandée contient un encodage invalide (%XX)."},
	    {"/%zz", "L'adresse demandée contient un encodage invalide (%XX)."},
	    {"/%C0%AF", "L'adresse demandée n'est pas de l'UTF-8 valide."},
	    {"/\xff", "L'adresse demandée n'est pas de l'UTF-8 valide."},
	    {"/a%00b", "L'adresse demandée est invalide."},
	    {"", "L'adresse demandée est invalide."},
	    {"a/b", "L'adresse demandée est invalide."},
	    {"%2Fa", "L'adresse demandée est invalide."},
	    {"/..", "L'adresse demandée est invalide."},
	    {"/a/../b", "L'adresse demandée est invalide."},
	    {"/a/%2E%2E/b", "L'adresse demandée est invalide."},
	    {"/a%2F..%2Fb", "L'adresse demandée est invalide."},
	};
	for (size_t i = 0; i < COUNT(bad); i++) {
		assert_int_equal(http_parse_path(A, bad[i].raw, strlen(bad[i].raw), &p, err, sizeof(err)),
		                 -1);
		assert_string_equal(err, bad[i].msg);
	}
}

/* A req built by hand, as the tests of pages do: the accessors and the
 * response calls work without a server behind it. */
static void test_accessors_without_server(void **state)
{
	(void)state;
	req r;
	memset(&r, 0, sizeof(r));
	r.arena = A;
	buf_init(&r.out, 1024);
	assert_int_equal(urlenc("a=1&b=2&a=3", &r.query), 0);
	assert_int_equal(urlenc("name=x&f=", &r.form), 0);
	assert_int_equal(http_parse_cookies(A, "sid=abc", &r.cookies, err, sizeof(err)), 0);
	assert_string_equal(http_query(&r, "a"), "1"); /* the first of repeated fields */
	assert_null(http_query(&r, "zz"));
	assert_null(http_query(&r, NULL));
	assert_string_equal(http_form(&r, "name"), "x");
	assert_string_equal(http_form_field(&r, "f")->value, "");
	assert_null(http_form_field(&r, "nope"));
	assert_string_equal(http_cookie(&r, "sid"), "abc");
	assert_null(http_cookie(&r, "other"));
	assert_null(http_header(&r, "Host"));
	r.params[0] = "12";
	assert_string_equal(http_param(&r, 0), "12");
	assert_null(http_param(&r, 3));
	assert_null(http_param(&r, 9));

	http_status(&r, 201);
	assert_int_equal(r.status, 201);
	http_redirect(&r, "//evil.example");
	assert_int_equal(r.status, 303);
	http_set_cookie(&r, "sid", "v", 60);
	http_content_type(&r, "text/plain");
	assert_non_null(r.headers);
	buf_free(&r.out);
}

/* ---- routes ---- */

static void test_route_match(void **state)
{
	(void)state;
	const char *p[4] = {"keep", "keep", "keep", "keep"};
	assert_true(http_route_match("/", "/", A, p));
	assert_null(p[0]);
	assert_false(http_route_match("/", "/x", A, p));
	assert_true(http_route_match("/sites/{}", "/sites/12", A, p));
	assert_string_equal(p[0], "12");
	assert_null(p[1]);
	assert_true(http_route_match("/sites/{}/edit", "/sites/\xc3\xa9/edit", A, p));
	assert_string_equal(p[0], "\xc3\xa9");

	p[0] = "keep";
	assert_false(http_route_match("/sites/{}", "/sites/", A, p));
	assert_string_equal(p[0], "keep"); /* untouched on failure */
	static const struct {
		const char *pattern, *path;
	} refused[] = {
	    {"/sites/{}", "/sites"},
	    {"/sites/{}", "/sites/1/"},
	    {"/sites/{}", "/sites/1/edit"},
	    {"/sites/{}/edit", "/sites//edit"},
	    {"/sites", "/sites/"},
	    {"/a/{}", "a/b"},
	    {"/{}/{}/{}/{}/{}", "/a/b/c/d/e"},
	    /* "{}" only as a whole segment; elsewhere it is literal. */
	    {"/x{}", "/xa"},
	    {"/{}x", "/ax"},
	    /* A segment that is the start of the other's, either way. */
	    {"/sites", "/site"},
	    {"/site", "/sites"},
	    {"/visits/new", "/visits/newer"},
	    {"/visits/newer", "/visits/new"},
	    {"/visits/new/x", "/visits/new"},
	    {"/visits/{}", "/visits/new/x"},
	};
	for (size_t i = 0; i < COUNT(refused); i++)
		if (http_route_match(refused[i].pattern, refused[i].path, A, p))
			fail_msg("%s matched %s", refused[i].pattern, refused[i].path);

	assert_true(http_route_match("/{}/{}/{}/{}", "/a/b/c/d", A, p));
	assert_string_equal(p[3], "d");
	assert_true(http_route_match("/x{}", "/x{}", A, p));
	assert_true(http_route_match("/{}x/{}", "/{}x/7", A, p));
	assert_string_equal(p[0], "7");
	assert_true(http_route_match("/visits/{}/edit", "/visits/new/edit", A, p));
	assert_string_equal(p[0], "new");
	/* Matching without wanting the parameters. */
	assert_true(http_route_match("/sites/{}", "/sites/3", NULL, NULL));
}

/* ---- the server ---- */

struct reply {
	int status;
	char *head; /* status line and headers */
	char *body;
	size_t body_len;
	int closed_early; /* nothing came back */
};

static void reply_free(struct reply *rp)
{
	free(rp->head);
	free(rp->body);
	memset(rp, 0, sizeof(*rp));
}

/* The value of a response header, in a static buffer; NULL when absent. */
static const char *reply_header(const struct reply *rp, const char *name)
{
	static __thread char value[1024];
	size_t n = strlen(name);
	for (const char *line = strstr(rp->head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
		const char *l = line + 2;
		if (strncasecmp(l, name, n) == 0 && l[n] == ':') {
			l += n + 1;
			while (*l == ' ')
				l++;
			size_t len = strcspn(l, "\r");
			if (len >= sizeof(value))
				len = sizeof(value) - 1;
			memcpy(value, l, len);
			value[len] = '\0';
			return value;
		}
	}
	return NULL;
}

static int header_count(const struct reply *rp, const char *name)
{
	int count = 0;
	size_t n = strlen(name);
	for (const char *line = strstr(rp->head, "\r\n"); line; line = strstr(line + 2, "\r\n"))
		if (strncasecmp(line + 2, name, n) == 0 && line[2 + n] == ':')
			count++;
	return count;
}

static int dial(unsigned port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Sends raw bytes (errors ignored: the server may refuse early and close)
 * and reads the answer until the server closes. */
static void exchange(unsigned port, const char *raw, size_t n, struct reply *rp)
{
	memset(rp, 0, sizeof(*rp));
	int fd = dial(port);
	size_t off = 0;
	while (off < n) {
		ssize_t w = send(fd, raw + off, n - off, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	buf in;
	buf_init(&in, 1u << 24);
	char chunk[4096];
	for (;;) {
		ssize_t got = recv(fd, chunk, sizeof(chunk), 0);
		if (got <= 0)
			break;
		buf_append(&in, chunk, (size_t)got);
	}
	close(fd);
	const char *end = in.data ? memmem(in.data, in.len, "\r\n\r\n", 4) : NULL;
	if (!end) {
		rp->closed_early = 1;
		rp->head = strdup("");
		rp->body = strdup("");
		buf_free(&in);
		return;
	}
	size_t hlen = (size_t)(end - in.data);
	rp->head = strndup(in.data, hlen + 2);
	rp->body_len = in.len - hlen - 4;
	rp->body = malloc(rp->body_len + 1);
	memcpy(rp->body, end + 4, rp->body_len);
	rp->body[rp->body_len] = '\0';
	sscanf(rp->head, "HTTP/1.%*d %d", &rp->status);
	buf_free(&in);
}

static void request(unsigned port, const char *raw, struct reply *rp)
{
	exchange(port, raw, strlen(raw), rp);
}

static void get(unsigned port, const char *target, struct reply *rp)
{
	char raw[8192];
	snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", target);
	request(port, raw, rp);
}

/* Handlers of the test server. */

static int h_hello(req *r)
{
	buf_puts(&r->out, "hello");
	return 0;
}

static int h_big(req *r)
{
	http_content_type(r, "text/plain; charset=utf-8");
	for (int i = 0; i < 500; i++)
		buf_printf(&r->out, "line %d of a long and repetitive text\n", i);
	return 0;
}

static int h_big_nogzip(req *r)
{
	h_big(r);
	r->no_gzip = 1;
	return 0;
}

static int h_echo(req *r)
{
	http_content_type(r, "text/plain; charset=utf-8");
	buf_printf(&r->out, "type=%s len=%zu\n", r->content_type ? r->content_type : "-", r->body_len);
	for (size_t i = 0; i < r->form.n; i++) {
		const http_field *f = &r->form.v[i];
		buf_printf(&r->out, "%s=%zu:", f->name, f->value_len);
		buf_append(&r->out, f->value, f->value_len);
		if (f->filename)
			buf_printf(&r->out, " file=%s type=%s", f->filename, f->content_type);
		buf_putc(&r->out, '\n');
	}
	for (size_t i = 0; i < r->query.n; i++)
		buf_printf(&r->out, "q:%s=%s\n", r->query.v[i].name, r->query.v[i].value);
	for (size_t i = 0; i < r->cookies.n; i++)
		buf_printf(&r->out, "c:%s=%s\n", r->cookies.v[i].name, r->cookies.v[i].value);
	return 0;
}

static int h_item(req *r)
{
	/* No cmocka assertions here: this runs on a server thread. */
	buf_printf(&r->out, "item %s path %s", http_param(r, 0), r->path);
	if (http_param(r, 1) || http_param(r, 4) || http_param(r, -1))
		buf_puts(&r->out, " unexpected parameters");
	return 0;
}

static int h_fail(req *r)
{
	http_set_header(r, "X-Lost", "yes");
	return -1;
}

static int h_redirect(req *r)
{
	http_redirect(r, http_query(r, "to"));
	return 0;
}

static int h_cookie(req *r)
{
	http_set_cookie(r, "session", "abc123", -1);
	http_set_cookie(r, "lang", "fr", 3600);
	http_set_cookie(r, "old", "", 0);
	http_set_cookie(r, "evil", "a;b", 10); /* refused */
	http_set_header(r, "X-Test", "one");
	http_set_header(r, "x-test", "two"); /* replaces */
	http_set_header(r, "X-Bad", "a\r\nInjected: 1");
	buf_printf(&r->out, "ip=%s secure=%d cookie=%s ua=%s", r->client_ip, r->secure,
	           http_cookie(r, "sid") ? http_cookie(r, "sid") : "-",
	           http_header(r, "User-Agent") ? http_header(r, "user-agent") : "-");
	return 0;
}

static const unsigned char asset_data[] = "body { color: #123; }\n";
static const struct embedded_file asset = {"static/test.css", asset_data, sizeof(asset_data) - 1};

static int h_asset(req *r)
{
	return page_static_serve(r, &asset);
}

static int h_metrics(req *r)
{
	http_content_type(r, "text/plain; version=0.0.4");
	metrics_render(r->app->metrics, &r->out, 3);
	return 0;
}

static int h_huge(req *r)
{
	/* More than the response limit: the layer answers 500 instead. */
	static char chunk[1u << 20];
	for (unsigned i = 0; i <= LIMIT_RESPONSE_BYTES / sizeof(chunk); i++)
		buf_append(&r->out, chunk, sizeof(chunk));
	return 0;
}

/* A handler that waits until the test lets it finish. */
static pthread_mutex_t block_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t block_cond = PTHREAD_COND_INITIALIZER;
static int block_entered, block_released;

static int h_block(req *r)
{
	pthread_mutex_lock(&block_lock);
	block_entered = 1;
	pthread_cond_broadcast(&block_cond);
	while (!block_released)
		pthread_cond_wait(&block_cond, &block_lock);
	pthread_mutex_unlock(&block_lock);
	for (int i = 0; i < 2000; i++)
		buf_printf(&r->out, "%04d\n", i);
	return 0;
}

static int h_not_found(req *r)
{
	http_content_type(r, "text/plain; charset=utf-8");
	buf_printf(&r->out, "NF %d %s", r->status, r->route);
	return 0;
}

static int h_error(req *r)
{
	http_content_type(r, "text/plain; charset=utf-8");
	buf_printf(&r->out, "E%d %s", r->status, r->error_message ? r->error_message : "-");
	return 0;
}

static const http_route routes[] = {
    {HTTP_GET, "/", h_hello, 0},
    {HTTP_GET, "/big", h_big, 0},
    {HTTP_GET, "/big-nogzip", h_big_nogzip, 0},
    {HTTP_POST | HTTP_PUT, "/form", h_echo, 0},
    {HTTP_GET, "/echo", h_echo, 0},
    {HTTP_POST, "/small", h_echo, 100},
    {HTTP_GET, "/items/{}", h_item, 0},
    {HTTP_DELETE, "/items/{}", h_item, 0},
    {HTTP_GET, "/fail", h_fail, 0},
    {HTTP_GET, "/redirect", h_redirect, 0},
    {HTTP_GET, "/cookie", h_cookie, 0},
    {HTTP_GET, "/static/{}", page_static, 0},
    {HTTP_GET, "/static/fonts/{}", page_static_font, 0},
    {HTTP_GET, "/static/picto/{}", page_static_picto, 0},
    {HTTP_GET, "/asset", h_asset, 0},
    {HTTP_GET, "/metrics", h_metrics, 0},
    {HTTP_GET, "/huge", h_huge, 0},
    {HTTP_GET, "/block", h_block, 0},
};

static struct app test_app;
static http_server *srv;
static unsigned port;

static http_server *start(int trust_proxy, unsigned *p)
{
	http_config cfg = {0};
	cfg.host = "127.0.0.1";
	cfg.port = 0;
	cfg.threads = 4;
	cfg.trust_proxy = trust_proxy;
	cfg.routes = routes;
	cfg.nroutes = COUNT(routes);
	cfg.not_found = h_not_found;
	cfg.error = h_error;
	cfg.app = &test_app;
	char e[256];
	http_server *s = http_start(&cfg, e, sizeof(e));
	if (!s)
		fprintf(stderr, "http_start: %s\n", e);
	assert_non_null(s);
	*p = http_port(s);
	assert_true(*p > 0);
	return s;
}

static int setup_server(void **state)
{
	(void)state;
	test_app.metrics = metrics_new();
	http_config cfg = {0};
	cfg.host = "127.0.0.1";
	cfg.routes = routes;
	cfg.nroutes = COUNT(routes);
	cfg.threads = 4;
	cfg.not_found = h_not_found;
	cfg.error = h_error;
	cfg.app = &test_app;
	char e[256];
	srv = http_start(&cfg, e, sizeof(e));
	if (!srv) {
		fprintf(stderr, "http_start: %s\n", e);
		return -1;
	}
	port = http_port(srv);
	return 0;
}

static int teardown_server(void **state)
{
	(void)state;
	http_stop(srv);
	srv = NULL;
	metrics_free(test_app.metrics);
	test_app.metrics = NULL;
	return 0;
}

static void assert_security_headers(const struct reply *rp)
{
	assert_non_null(reply_header(rp, "Content-Security-Policy"));
	assert_string_equal(reply_header(rp, "Content-Security-Policy"),
	                    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	                    "media-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; "
	                    "frame-ancestors 'none'; base-uri 'none'");
	assert_string_equal(reply_header(rp, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(reply_header(rp, "Referrer-Policy"), "same-origin");
	assert_string_equal(reply_header(rp, "X-Frame-Options"), "DENY");
	assert_string_equal(reply_header(rp, "Permissions-Policy"),
	                    "camera=(), microphone=(), geolocation=()");
	assert_string_equal(reply_header(rp, "Cross-Origin-Opener-Policy"), "same-origin");
}

static void test_server_get(void **state)
{
	(void)state;
	struct reply rp;
	get(port, "/", &rp);
	assert_int_equal(rp.status, 200);
	assert_string_equal(rp.body, "hello");
	assert_security_headers(&rp);
	assert_string_equal(reply_header(&rp, "Content-Type"), "text/html; charset=utf-8");
	assert_string_equal(reply_header(&rp, "Cache-Control"), "no-store");
	assert_null(reply_header(&rp, "Strict-Transport-Security"));
	assert_null(reply_header(&rp, "Vary"));
	reply_free(&rp);

	get(port, "/items/%C3%A9t%C3%A9%20x?ignored=1", &rp);
	assert_int_equal(rp.status, 200);
	assert_string_equal(rp.body, "item \xc3\xa9t\xc3\xa9 x path /items/\xc3\xa9t\xc3\xa9 x");
	reply_free(&rp);

	get(port, "/echo?a=1&b=deux+mots&c=%26", &rp);
	assert_int_equal(rp.status, 200);
	assert_non_null(strstr(rp.body, "q:a=1\nq:b=deux mots\nq:c=&\n"));
	reply_free(&rp);
}

static void test_server_head(void **state)
{
	(void)state;
	struct reply rp;
	request(port, "HEAD / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &rp);
	assert_int_equal(rp.status, 200);
	assert_int_equal(rp.body_len, 0);
	assert_string_equal(reply_header(&rp, "Content-Length"), "5");
	assert_security_headers(&rp);
	reply_free(&rp);
}

static void test_server_post_forms(void **state)
{
	(void)state;
	struct reply rp;
	static const char form[] = "name=Ren%C3%A9e+Dupont&note=a%26b&empty=";
	char raw[1024];
	snprintf(
	    raw, sizeof(raw),
	    "POST /form HTTP/1.1\r\nHost: t\r\nConnection: close\r\nCookie: sid=s1; lang=fr\r\n"
	    "Content-Type: Application/X-WWW-Form-Urlencoded; charset=UTF-8\r\nContent-Length: %zu\r\n\r\n%s",
	    strlen(form), form);
	request(port, raw, &rp);
	assert_int_equal(rp.status, 200);
	assert_string_equal(rp.body, "type=application/x-www-form-urlencoded len=40\n"
	                             "name=13:Ren\xc3\xa9"
	                             "e Dupont\nnote=3:a&b\nempty=0:\n"
	                             "c:sid=s1\nc:lang=fr\n");
	reply_free(&rp);

	/* Multipart with a binary file part. */
	static const char mp[] =
	    "--B0und\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\nv\r\n"
	    "--B0und\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.bin\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n\x01\x02\x03\r\n--B0und--\r\n";
	buf b;
	buf_init(&b, 4096);
	buf_printf(&b,
	           "PUT /form HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
	           "Content-Type: multipart/form-data; boundary=B0und\r\nContent-Length: %zu\r\n\r\n",
	           sizeof(mp) - 1);
	buf_append(&b, mp, sizeof(mp) - 1);
	exchange(port, b.data, b.len, &rp);
	assert_int_equal(rp.status, 200);
	assert_non_null(strstr(rp.body, "type=multipart/form-data"));
	assert_non_null(strstr(rp.body, "t=1:v\n"));
	assert_non_null(strstr(rp.body, "f=3:\x01\x02\x03 file=x.bin type=application/octet-stream\n"));
	reply_free(&rp);

	/* Broken multipart: 400 with the parser's reason. */
	buf_reset(&b);
	buf_puts(&b, "POST /form HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
	             "Content-Type: multipart/form-data\r\nContent-Length: 5\r\n\r\nhello");
	exchange(port, b.data, b.len, &rp);
	assert_int_equal(rp.status, 400);
	assert_string_equal(rp.body,
	                    "E400 Le formulaire envoyé est mal formé : séparateur multipart absent.");
	assert_security_headers(&rp);
	reply_free(&rp);

	/* Chunked request bodies are accepted. */
	request(port,
	        "POST /form HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
	        "Content-Type: application/x-www-form-urlencoded\r\n\r\n3\r\na=1\r\n4\r\n&b=2\r\n0\r\n\r\n",
	        &rp);
	assert_int_equal(rp.status, 200);
	assert_non_null(strstr(rp.body, "a=1:1\nb=1:2\n"));
	reply_free(&rp);
	buf_free(&b);
}

static void test_server_too_large(void **state)
{
	(void)state;
	struct reply rp;
	char raw[1024];
	char body[201];
	memset(body, 'x', 200);
	body[200] = '\0';

	/* Declared too large: refused before the body (which is never sent). */
	request(port,
	        "POST /small HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 200\r\n"
	        "Expect: 100-continue\r\n\r\n",
	        &rp);
	assert_int_equal(rp.status, 413);
	assert_string_equal(rp.body, "E413 La requête est trop volumineuse.");
	assert_security_headers(&rp);
	reply_free(&rp);

	/* The default limit applies to routes without their own. */
	snprintf(raw, sizeof(raw), "POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: %lu\r\n\r\n",
	         LIMIT_BODY_BYTES + 1);
	request(port, raw, &rp);
	assert_int_equal(rp.status, 413);
	reply_free(&rp);

	/* At the limit exactly, accepted. */
	memset(body, 'y', 100);
	body[100] = '\0';
	snprintf(raw, sizeof(raw),
	         "POST /small HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 100\r\n\r\n%s",
	         body);
	request(port, raw, &rp);
	assert_int_equal(rp.status, 200);
	assert_string_equal(rp.body, "type=- len=100\n");
	reply_free(&rp);

	/* Chunked, with no length announced: refused once read. */
	memset(body, 'z', 150);
	body[150] = '\0';
	snprintf(raw, sizeof(raw),
	         "POST /small HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
	         "96\r\n%s\r\n0\r\n\r\n",
	         body);
	request(port, raw, &rp);
	assert_int_equal(rp.status, 413);
	assert_security_headers(&rp);
	reply_free(&rp);
}

static void test_server_bad_requests(void **state)
{
	(void)state;
	struct reply rp;
	get(port, "/echo?a=%G1", &rp);
	assert_int_equal(rp.status, 400);
	assert_string_equal(rp.body, "E400 Le formulaire contient un encodage invalide (%XX).");
	assert_security_headers(&rp);
	reply_free(&rp);

	get(port, "/echo?a=%C0%AF", &rp);
	assert_int_equal(rp.status, 400);
	assert_string_equal(rp.body, "E400 Le texte envoyé n'est pas de l'UTF-8 valide.");
	reply_free(&rp);

	static const char *bad_paths[] = {"/items/%ZZ", "/items/%00",  "/items/%C0%AF", "/a/../items/1",
	                                  "/items/..",  "/%2e%2e/etc", "/items/%2E%2E"};
	for (size_t i = 0; i < COUNT(bad_paths); i++) {
		get(port, bad_paths[i], &rp);
		assert_int_equal(rp.status, 400);
		assert_security_headers(&rp);
		reply_free(&rp);
	}
	/* Dots that are not a ".." segment are fine. */
	get(port, "/items/a..b", &rp);
	assert_int_equal(rp.status, 200);
	reply_free(&rp);

	char target[LIMIT_URL_BYTES + 100];
	memset(target, 'a', sizeof(target) - 1);
	target[0] = '/';
	target[sizeof(target) - 1] = '\0';
	get(port, target, &rp);
	assert_int_equal(rp.status, 414);
	assert_string_equal(rp.body, "E414 L'adresse demandée est trop longue.");
	reply_free(&rp);

	buf b;
	buf_init(&b, 1u << 16);
	buf_puts(&b, "/echo?");
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "%sa=1", i ? "&" : "");
	get(port, b.data, &rp);
	assert_int_equal(rp.status, 400);
	assert_string_equal(rp.body, "E400 Le formulaire contient trop de champs.");
	reply_free(&rp);
	buf_free(&b);
}

/* Requests MHD refuses itself, or that end half-way: nothing may leak (the
 * sanitizer checks at exit) and the server must keep serving. */
static void test_server_broken_requests(void **state)
{
	(void)state;
	struct reply rp;
	buf b;
	buf_init(&b, 1u << 20);

	/* Headers over LIMIT_HEADER_BYTES but within MHD's pool: 431 from us. */
	buf_puts(&b, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
	for (int i = 0; i < 20; i++) {
		buf_printf(&b, "X-Filler-%d: ", i);
		for (int k = 0; k < 1000; k++)
			buf_putc(&b, 'f');
		buf_puts(&b, "\r\n");
	}
	buf_puts(&b, "\r\n");
	exchange(port, b.data, b.len, &rp);
	assert_int_equal(rp.status, 431);
	assert_string_equal(rp.body, "E431 Les en-têtes de la requête sont trop volumineux.");
	assert_security_headers(&rp);
	reply_free(&rp);

	/* Far more than MHD's pool: MHD answers or closes on its own. */
	buf_reset(&b);
	buf_puts(&b, "GET / HTTP/1.1\r\nHost: t\r\nX-Huge: ");
	for (int k = 0; k < 100000; k++)
		buf_putc(&b, 'h');
	buf_puts(&b, "\r\n\r\n");
	exchange(port, b.data, b.len, &rp);
	assert_true(rp.closed_early || rp.status >= 400);
	reply_free(&rp);

	/* A header line without a colon, and a request line then silence. */
	request(port, "GET / HTTP/1.1\r\nHost: t\r\nno colon\r\n\r\n", &rp);
	assert_true(rp.closed_early || rp.status == 400);
	reply_free(&rp);
	int fd = dial(port);
	static const char partial1[] = "GET /items/1 HTTP/1.1\r\nHost: t\r\n";
	send(fd, partial1, sizeof(partial1) - 1, MSG_NOSIGNAL);
	close(fd);
	fd = dial(port);
	static const char partial2[] = "POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nname=";
	send(fd, partial2, sizeof(partial2) - 1, MSG_NOSIGNAL);
	close(fd);

	get(port, "/", &rp);
	assert_int_equal(rp.status, 200);
	reply_free(&rp);
	buf_free(&b);
}

static void test_server_methods(void **state)
{
	(void)state;
	struct reply rp;
	request(port, "POST / HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", &rp);
	assert_int_equal(rp.status, 405);
	assert_string_equal(reply_header(&rp, "Allow"), "GET, HEAD");
	assert_string_equal(rp.body, "E405 Cette méthode n'est pas autorisée pour cette adresse.");
	assert_security_headers(&rp);
	reply_free(&rp);

	/* Two routes share the pattern: Allow lists both. */
	request(port, "PUT /items/3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
	        &rp);
	assert_int_equal(rp.status, 405);
	assert_string_equal(reply_header(&rp, "Allow"), "GET, HEAD, DELETE");
	reply_free(&rp);
	request(port, "DELETE /items/3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &rp);
	assert_int_equal(rp.status, 200);
	reply_free(&rp);
	request(port, "OPTIONS /items/3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &rp);
	assert_int_equal(rp.status, 405);
	reply_free(&rp);

	get(port, "/nowhere", &rp);
	assert_int_equal(rp.status, 404);
	assert_string_equal(rp.body, "NF 404 unmatched");
	assert_security_headers(&rp);
	reply_free(&rp);

	get(port, "/fail", &rp);
	assert_int_equal(rp.status, 500);
	assert_string_equal(rp.body, "E500 Une erreur interne est survenue.");
	assert_null(reply_header(&rp, "X-Lost"));
	assert_security_headers(&rp);
	reply_free(&rp);

	get(port, "/huge", &rp);
	assert_int_equal(rp.status, 500);
	reply_free(&rp);
}

static void test_server_redirect_and_cookies(void **state)
{
	(void)state;
	static const struct {
		const char *to, *want;
	} cases[] = {
	    {"/sites/3", "/sites/3"},
	    {"%2F%2Fevil.example", "/"},
	    {"/%5Cevil.example", "/"},
	    {"https%3A%2F%2Fevil", "/"},
	    {"", "/"},
	    {"/a?b=c", "/a?b=c"},
	    {"/x%0D%0ASet-Cookie:%20a=b", "/"},
	};
	struct reply rp;
	for (size_t i = 0; i < COUNT(cases); i++) {
		char target[256];
		snprintf(target, sizeof(target), "/redirect?to=%s", cases[i].to);
		get(port, target, &rp);
		assert_int_equal(rp.status, 303);
		assert_string_equal(reply_header(&rp, "Location"), cases[i].want);
		assert_security_headers(&rp);
		reply_free(&rp);
	}
	get(port, "/redirect", &rp);
	assert_string_equal(reply_header(&rp, "Location"), "/");
	reply_free(&rp);

	request(
	    port,
	    "GET /cookie HTTP/1.1\r\nHost: t\r\nConnection: close\r\nUser-Agent: ua\r\nCookie: sid=S\r\n\r\n",
	    &rp);
	assert_int_equal(rp.status, 200);
	assert_string_equal(rp.body, "ip=127.0.0.1 secure=0 cookie=S ua=ua");
	assert_int_equal(header_count(&rp, "Set-Cookie"), 3);
	assert_non_null(strstr(rp.head, "Set-Cookie: session=abc123; Path=/; HttpOnly; SameSite=Lax\r\n"));
	assert_non_null(
	    strstr(rp.head, "Set-Cookie: lang=fr; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax\r\n"));
	assert_non_null(strstr(rp.head, "Set-Cookie: old=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax\r\n"));
	assert_int_equal(header_count(&rp, "X-Test"), 1);
	assert_string_equal(reply_header(&rp, "X-Test"), "two");
	assert_null(reply_header(&rp, "X-Bad"));
	assert_null(reply_header(&rp, "Injected"));
	assert_null(reply_header(&rp, "Strict-Transport-Security"));
	reply_free(&rp);
}

static char *gunzip(const char *in, size_t n, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	size_t cap = 1u << 20;
	char *out = malloc(cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = z.total_out;
	inflateEnd(&z);
	return out;
}

static void test_server_gzip(void **state)
{
	(void)state;
	struct reply plain, zipped, rp;
	get(port, "/big", &plain);
	assert_int_equal(plain.status, 200);
	assert_true(plain.body_len > 10000);
	assert_null(reply_header(&plain, "Content-Encoding"));
	assert_string_equal(reply_header(&plain, "Vary"), "Accept-Encoding");

	request(
	    port,
	    "GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAccept-Encoding: br, gzip;q=0.8\r\n\r\n",
	    &zipped);
	assert_int_equal(zipped.status, 200);
	assert_string_equal(reply_header(&zipped, "Content-Encoding"), "gzip");
	assert_string_equal(reply_header(&zipped, "Vary"), "Accept-Encoding");
	assert_security_headers(&zipped);
	assert_true(zipped.body_len < plain.body_len / 4);
	size_t n;
	char *out = gunzip(zipped.body, zipped.body_len, &n);
	assert_int_equal(n, plain.body_len);
	assert_memory_equal(out, plain.body, n);
	free(out);
	reply_free(&plain);
	reply_free(&zipped);

	/* q=0 refuses; small bodies and no_gzip are never compressed. */
	request(port,
	        "GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAccept-Encoding: gzip;q=0\r\n\r\n",
	        &rp);
	assert_null(reply_header(&rp, "Content-Encoding"));
	reply_free(&rp);
	request(port, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAccept-Encoding: gzip\r\n\r\n", &rp);
	assert_null(reply_header(&rp, "Content-Encoding"));
	assert_string_equal(rp.body, "hello");
	reply_free(&rp);
	request(port,
	        "GET /big-nogzip HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAccept-Encoding: gzip\r\n\r\n",
	        &rp);
	assert_null(reply_header(&rp, "Content-Encoding"));
	reply_free(&rp);
}

static void test_server_static(void **state)
{
	(void)state;
	struct reply rp;
	static const char *missing[] = {"/static/none.css", "/static/.hidden", "/static/..x",
	                                "/static/a%5Cb.css", "/static/%2Eenv"};
	for (size_t i = 0; i < COUNT(missing); i++) {
		get(port, missing[i], &rp);
		assert_int_equal(rp.status, 404);
		assert_string_equal(rp.body, "404 Fichier introuvable.\n");
		assert_string_equal(reply_header(&rp, "Cache-Control"), "no-store");
		assert_security_headers(&rp);
		reply_free(&rp);
	}
	/* An encoded slash makes two segments: no longer the static route. */
	get(port, "/static/a%2Fb.css", &rp);
	assert_int_equal(rp.status, 404);
	assert_string_equal(rp.body, "NF 404 unmatched");
	reply_free(&rp);

	/* Any real asset the build embedded is served with its ETag. */
	for (size_t i = 0; i < embedded_count; i++) {
		if (strncmp(embedded_files[i].name, "static/", 7) != 0)
			continue;
		char target[256];
		snprintf(target, sizeof(target), "/%s", embedded_files[i].name);
		get(port, target, &rp);
		assert_int_equal(rp.status, 200);
		assert_non_null(reply_header(&rp, "ETag"));
		reply_free(&rp);
	}

	get(port, "/asset", &rp);
	assert_int_equal(rp.status, 200);
	assert_string_equal(rp.body, (const char *)asset_data);
	assert_string_equal(reply_header(&rp, "Content-Type"), "text/css; charset=utf-8");
	assert_string_equal(reply_header(&rp, "Cache-Control"), "public, max-age=86400");
	char etag[PAGE_STATIC_ETAG_BYTES];
	page_static_etag(asset.data, asset.len, etag);
	assert_string_equal(reply_header(&rp, "ETag"), etag);
	assert_int_equal(strlen(etag), 34);
	assert_int_equal(etag[0], '"');
	reply_free(&rp);

	char raw[512];
	snprintf(raw, sizeof(raw),
	         "GET /asset HTTP/1.1\r\nHost: t\r\nConnection: close\r\nIf-None-Match: \"x\", %s\r\n\r\n",
	         etag);
	request(port, raw, &rp);
	assert_int_equal(rp.status, 304);
	assert_int_equal(rp.body_len, 0);
	assert_string_equal(reply_header(&rp, "ETag"), etag);
	assert_security_headers(&rp);
	reply_free(&rp);

	request(port,
	        "GET /asset HTTP/1.1\r\nHost: t\r\nConnection: close\r\nIf-None-Match: \"other\"\r\n\r\n",
	        &rp);
	assert_int_equal(rp.status, 200);
	reply_free(&rp);
}

static void test_static_helpers(void **state)
{
	(void)state;
	assert_string_equal(page_static_type("a.css"), "text/css; charset=utf-8");
	assert_string_equal(page_static_type("a.min.JS"), "text/javascript; charset=utf-8");
	assert_string_equal(page_static_type("logo.svg"), "image/svg+xml");
	assert_string_equal(page_static_type("x.png"), "image/png");
	assert_string_equal(page_static_type("favicon.ico"), "image/x-icon");
	assert_string_equal(page_static_type("f.woff2"), "font/woff2");
	assert_string_equal(page_static_type("m.json"), "application/json");
	assert_string_equal(page_static_type("s.mp3"), "audio/mpeg");
	assert_string_equal(page_static_type("s.ogg"), "audio/ogg");
	assert_string_equal(page_static_type("s.wav"), "audio/wav");
	assert_string_equal(page_static_type("noext"), "application/octet-stream");
	assert_string_equal(page_static_type("x.exe"), "application/octet-stream");

	char e1[PAGE_STATIC_ETAG_BYTES], e2[PAGE_STATIC_ETAG_BYTES];
	page_static_etag((const unsigned char *)"a", 1, e1);
	page_static_etag((const unsigned char *)"b", 1, e2);
	assert_string_not_equal(e1, e2);
	page_static_etag((const unsigned char *)"a", 1, e2);
	assert_string_equal(e1, e2);

	assert_true(page_static_etag_matches("\"abc\"", "\"abc\""));
	assert_true(page_static_etag_matches("W/\"abc\"", "\"abc\""));
	assert_true(page_static_etag_matches("\"x\" ,  \"abc\"  ", "\"abc\""));
	assert_true(page_static_etag_matches("*", "\"abc\""));
	assert_false(page_static_etag_matches("\"abcd\"", "\"abc\""));
	assert_false(page_static_etag_matches("abc", "\"abc\""));
	assert_false(page_static_etag_matches("", "\"abc\""));
	assert_false(page_static_etag_matches(NULL, "\"abc\""));
	assert_false(page_static_etag_matches(",,,", "\"abc\""));
}

static void test_server_metrics(void **state)
{
	(void)state;
	struct reply rp;
	get(port, "/items/1", &rp);
	reply_free(&rp);
	get(port, "/metrics", &rp);
	assert_int_equal(rp.status, 200);
	assert_non_null(strstr(rp.body, "guichet_http_requests_total{route=\"/items/{}\",status=\"200\"}"));
	assert_non_null(strstr(rp.body, "route=\"unmatched\",status=\"404\"}"));
	/* This very connection is open; earlier ones may still be closing. */
	const char *open = strstr(rp.body, "\nguichet_http_open_connections ");
	assert_non_null(open);
	assert_true(atoi(open + strlen("\nguichet_http_open_connections ")) >= 1);
	assert_non_null(strstr(rp.body, "guichet_store_errors_total 3\n"));
	reply_free(&rp);
}

/* Captures what the server writes on stderr during one request. */
static void test_server_log(void **state)
{
	(void)state;
	char path[] = "/tmp/guichet-test-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	struct reply rp;
	get(port, "/items/secret-value?q=private", &rp);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(rp.status, 200);
	reply_free(&rp);

	char text[2048] = "";
	lseek(fd, 0, SEEK_SET);
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	text[n] = '\0';
	assert_non_null(strstr(text, "level=info method=GET route=\"/items/{}\" status=200 dur_ms="));
	assert_true(strncmp(text, "ts=20", 5) == 0);
	assert_non_null(strstr(text, " bytes="));
	assert_null(strstr(text, "secret"));
	assert_null(strstr(text, "private"));
	assert_null(strstr(text, "127.0.0.1"));
}

static void test_server_keepalive(void **state)
{
	(void)state;
	/* Two requests on one connection, the second closing it. */
	int fd = dial(port);
	static const char two[] =
	    "GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
	assert_int_equal(send(fd, two, sizeof(two) - 1, MSG_NOSIGNAL), (ssize_t)(sizeof(two) - 1));
	char in[8192];
	size_t len = 0;
	for (;;) {
		ssize_t got = recv(fd, in + len, sizeof(in) - 1 - len, 0);
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	in[len] = '\0';
	close(fd);
	assert_non_null(strstr(in, "\r\n\r\nhello"));
	assert_non_null(strstr(in, "item 2 path /items/2"));
}

struct client_arg {
	unsigned port;
	const char *target;
	struct reply rp;
};

static void *client_thread(void *p)
{
	struct client_arg *c = p;
	get(c->port, c->target, &c->rp);
	return NULL;
}

static void test_server_concurrent(void **state)
{
	(void)state;
	enum { N = 32 };
	struct client_arg c[N];
	pthread_t t[N];
	for (int i = 0; i < N; i++) {
		c[i].port = port;
		c[i].target = i % 2 ? "/big" : "/items/7";
		assert_int_equal(pthread_create(&t[i], NULL, client_thread, &c[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(c[i].rp.status, 200);
		reply_free(&c[i].rp);
	}
}

static void test_proxy(void **state)
{
	(void)state;
	unsigned p;
	http_server *s = start(1, &p);
	struct reply rp;
	request(p,
	        "GET /cookie HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
	        "X-Forwarded-For: 203.0.113.9, 10.0.0.1\r\nX-Forwarded-For: 198.51.100.7 \r\n"
	        "X-Forwarded-Proto: https\r\n\r\n",
	        &rp);
	assert_int_equal(rp.status, 200);
	assert_non_null(strstr(rp.body, "ip=198.51.100.7 secure=1"));
	assert_string_equal(reply_header(&rp, "Strict-Transport-Security"), "max-age=31536000");
	assert_non_null(
	    strstr(rp.head, "Set-Cookie: session=abc123; Path=/; HttpOnly; SameSite=Lax; Secure\r\n"));
	reply_free(&rp);

	/* A forwarded address that is not one is ignored. */
	request(p,
	        "GET /cookie HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Forwarded-For: <script>\r\n\r\n",
	        &rp);
	assert_non_null(strstr(rp.body, "ip=127.0.0.1 secure=0"));
	assert_null(reply_header(&rp, "Strict-Transport-Security"));
	reply_free(&rp);
	http_stop(s);

	/* Without trust, the headers change nothing. */
	request(port,
	        "GET /cookie HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Forwarded-For: 198.51.100.7\r\n"
	        "X-Forwarded-Proto: https\r\n\r\n",
	        &rp);
	assert_non_null(strstr(rp.body, "ip=127.0.0.1 secure=0"));
	assert_null(reply_header(&rp, "Strict-Transport-Security"));
	reply_free(&rp);
}

static void test_start_errors(void **state)
{
	(void)state;
	http_config cfg = {0};
	cfg.host = "localhost";
	cfg.routes = routes;
	cfg.nroutes = COUNT(routes);
	char e[256] = "";
	assert_null(http_start(&cfg, e, sizeof(e)));
	assert_non_null(strstr(e, "IPv4 or IPv6"));
	cfg.host = "127.0.0.1";
	cfg.port = 70000;
	assert_null(http_start(&cfg, e, sizeof(e)));
	/* The port of a running server is taken. */
	cfg.port = port;
	assert_null(http_start(&cfg, e, sizeof(e)));
	assert_non_null(strstr(e, "cannot listen"));

	/* IPv6 loopback, when the machine has it. */
	cfg.host = "[::1]";
	cfg.port = 0;
	http_server *s = http_start(&cfg, e, sizeof(e));
	if (s) {
		assert_true(http_port(s) > 0);
		http_stop(s);
	}
	http_stop(NULL);
}

struct stopper {
	http_server *s;
	int done;
	pthread_mutex_t lock;
};

static void *stop_thread(void *p)
{
	struct stopper *st = p;
	http_stop(st->s);
	pthread_mutex_lock(&st->lock);
	st->done = 1;
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

static void test_stop_finishes_inflight(void **state)
{
	(void)state;
	unsigned p;
	http_server *s = start(0, &p);
	block_entered = block_released = 0;

	struct client_arg c = {p, "/block", {0}};
	pthread_t client;
	assert_int_equal(pthread_create(&client, NULL, client_thread, &c), 0);
	pthread_mutex_lock(&block_lock);
	while (!block_entered)
		pthread_cond_wait(&block_cond, &block_lock);
	pthread_mutex_unlock(&block_lock);

	struct stopper st = {s, 0, PTHREAD_MUTEX_INITIALIZER};
	pthread_t stopper;
	assert_int_equal(pthread_create(&stopper, NULL, stop_thread, &st), 0);
	usleep(200000);
	pthread_mutex_lock(&st.lock);
	assert_int_equal(st.done, 0); /* still waiting for the request */
	pthread_mutex_unlock(&st.lock);

	/* The listening socket is closed to new clients by now. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)p);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_not_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);

	pthread_mutex_lock(&block_lock);
	block_released = 1;
	pthread_cond_broadcast(&block_cond);
	pthread_mutex_unlock(&block_lock);

	pthread_join(client, NULL);
	pthread_join(stopper, NULL);
	assert_int_equal(c.rp.status, 200);
	assert_int_equal(c.rp.body_len, 2000 * 5);
	assert_non_null(strstr(c.rp.body, "1999\n"));
	assert_string_equal(reply_header(&c.rp, "Connection"), "close");
	reply_free(&c.rp);
}

int main(void)
{
	const struct CMUnitTest parsers[] = {
	    cmocka_unit_test_setup_teardown(test_percent_decode, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_urlencoded_basic, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_urlencoded_hostile, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_urlencoded_limits, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_cookies, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_multipart_basic, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_multipart_files, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_multipart_hostile, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_parse_path, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_accessors_without_server, setup_arena, teardown_arena),
	    cmocka_unit_test_setup_teardown(test_route_match, setup_arena, teardown_arena),
	    cmocka_unit_test(test_static_helpers),
	};
	const struct CMUnitTest server[] = {
	    cmocka_unit_test(test_server_get),
	    cmocka_unit_test(test_server_head),
	    cmocka_unit_test(test_server_post_forms),
	    cmocka_unit_test(test_server_too_large),
	    cmocka_unit_test(test_server_bad_requests),
	    cmocka_unit_test(test_server_broken_requests),
	    cmocka_unit_test(test_server_methods),
	    cmocka_unit_test(test_server_redirect_and_cookies),
	    cmocka_unit_test(test_server_gzip),
	    cmocka_unit_test(test_server_static),
	    cmocka_unit_test(test_server_metrics),
	    cmocka_unit_test(test_server_log),
	    cmocka_unit_test(test_server_keepalive),
	    cmocka_unit_test(test_server_concurrent),
	    cmocka_unit_test(test_proxy),
	    cmocka_unit_test(test_start_errors),
	    cmocka_unit_test(test_stop_finishes_inflight),
	};
	int failed = cmocka_run_group_tests_name("parsers", parsers, NULL, NULL);
	failed += cmocka_run_group_tests_name("server", server, setup_server, teardown_server);
	return failed;
}
