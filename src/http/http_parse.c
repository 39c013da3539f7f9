/*
 * http_parse.c: the parsers of what a client sends: percent-encoding, paths,
 * query strings and urlencoded forms, cookie headers, multipart/form-data
 * bodies, the matching of a path against a route pattern, and the lookups
 * over the parsed fields that handlers use.
 *
 * They are pure functions over bytes: no libmicrohttpd, no global state,
 * every allocation from the caller's arena. That keeps them easy to test and
 * to fuzz (fuzz/fuzz_*.c). Each one enforces the limits of guichet_limits.h where the
 * input enters, and a refusal comes with a French msgid that tells the user
 * what was wrong with what they sent.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"

/* xgettext:no-c-format */
static const char MSG_ENCODING[] = N_("Le formulaire contient un encodage invalide (%XX).");
static const char MSG_UTF8[] = N_("Le texte envoyé n'est pas de l'UTF-8 valide.");
static const char MSG_NUL[] = N_("Le texte envoyé contient un caractère nul.");
static const char MSG_TOO_MANY[] = N_("Le formulaire contient trop de champs.");
static const char MSG_NAME_LONG[] = N_("Le nom d'un champ du formulaire est trop long.");
static const char MSG_VALUE_LONG[] = N_("Un champ du formulaire est trop long.");
static const char MSG_TOO_BIG[] = N_("La requête est trop volumineuse.");
static const char MSG_NO_BOUNDARY[] = N_("Le formulaire envoyé est mal formé : séparateur multipart absent.");
static const char MSG_UNTERMINATED[] =
    N_("Le formulaire envoyé est incomplet : une partie n'est pas terminée.");
/* xgettext:no-c-format */
static const char MSG_URL_ENCODING[] = N_("L'adresse demandée contient un encodage invalide (%XX).");
static const char MSG_URL_UTF8[] = N_("L'adresse demandée n'est pas de l'UTF-8 valide.");
static const char MSG_URL_BAD[] = N_("L'adresse demandée est invalide.");
static const char MSG_BAD_PART[] = N_("Le formulaire envoyé est mal formé : en-tête de partie invalide.");

/* The limits as size_t, so that comparisons never mix widths. */
#define NAME_MAX_BYTES ((size_t)LIMIT_FIELD_NAME_BYTES)
#define VALUE_MAX_BYTES ((size_t)LIMIT_FIELD_VALUE_BYTES)

/* Part headers are bounded like request headers: they are headers too. */
#define MULTIPART_HEADER_BYTES ((size_t)LIMIT_HEADER_BYTES)
/* RFC 2046 limits a boundary to 70 characters. */
#define MULTIPART_BOUNDARY_BYTES 70

static int fail(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return -1;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes in place; s[*len] must be writable, as it is for any C string,
 * because the result is NUL-terminated there or earlier. */
int http_percent_decode(char *s, size_t *len, int plus_is_space)
{
	size_t n = *len, r = 0, w = 0;

	while (r < n) {
		char c = s[r];
		if (c == '%') {
			if (n - r < 3)
				return -1;
			int hi = hex_value((unsigned char)s[r + 1]);
			int lo = hex_value((unsigned char)s[r + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			s[w++] = (char)(hi * 16 + lo);
			r += 3;
		} else {
			s[w++] = (plus_is_space && c == '+') ? ' ' : c;
			r++;
		}
	}
	s[w] = '\0';
	*len = w;
	return 0;
}

/* The checks every decoded name and value goes through. */
static const char *text_problem(const char *s, size_t n)
{
	if (memchr(s, '\0', n))
		return MSG_NUL;
	if (!utf8_valid(s, n))
		return MSG_UTF8;
	return NULL;
}

/* Copies and decodes one component of a urlencoded string. */
static const char *decode_component(arena *a, const char *s, size_t n, size_t max, const char *too_long,
                                    char **out, size_t *outlen)
{
	/* Every escape shrinks three bytes into one: more than 3 * max raw
	 * bytes cannot decode to max, so the copy stays bounded. */
	if (n / 3 > max)
		return too_long;
	char *p = arena_strndup(a, s, n);
	if (!p)
		return MSG_TOO_BIG;
	size_t len = n;
	if (http_percent_decode(p, &len, 1) < 0)
		return MSG_ENCODING;
	if (len > max)
		return too_long;
	const char *why = text_problem(p, len);
	if (why)
		return why;
	*out = p;
	*outlen = len;
	return NULL;
}

int http_parse_urlencoded(arena *a, const char *s, size_t n, http_fields *out, char *err, size_t errlen)
{
	out->v = NULL;
	out->n = 0;
	if (!s || n == 0)
		return 0;

	/* Count the pairs first so the array is allocated once, and so that a
	 * request with too many fields is refused before any decoding. */
	size_t pairs = 0;
	for (size_t i = 0; i < n;) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		if (end > i)
			pairs++;
		i = end + 1;
	}
	if (pairs > LIMIT_FIELDS)
		return fail(err, errlen, MSG_TOO_MANY);
	if (pairs == 0)
		return 0;
	http_field *v = arena_alloc(a, pairs * sizeof(*v));
	if (!v)
		return fail(err, errlen, MSG_TOO_BIG);

	size_t k = 0;
	for (size_t i = 0; i < n;) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		const char *p = s + i;
		size_t plen = end - i;
		i = end + 1;
		if (plen == 0)
			continue;
		const char *eq = memchr(p, '=', plen);
		size_t nlen = eq ? (size_t)(eq - p) : plen;
		const char *val = eq ? eq + 1 : p + plen;
		size_t vlen = eq ? plen - nlen - 1 : 0;

		char *name, *value;
		size_t name_len, value_len;
		const char *why =
		    decode_component(a, p, nlen, NAME_MAX_BYTES, MSG_NAME_LONG, &name, &name_len);
		if (!why)
			why = decode_component(a, val, vlen, VALUE_MAX_BYTES, MSG_VALUE_LONG, &value,
			                       &value_len);
		if (why)
			return fail(err, errlen, why);
		/* A field without a name cannot be asked for: skip it. */
		if (name_len == 0)
			continue;
		v[k].name = name;
		v[k].value = value;
		v[k].value_len = value_len;
		k++;
	}
	out->v = v;
	out->n = k;
	return 0;
}

static int is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* A cookie name is an RFC 6265 token; its value may not hold controls,
 * spaces, quotes, commas, semicolons or backslashes. Anything else is some
 * other site's or a hostile client's doing and is ignored. */
static int cookie_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > NAME_MAX_BYTES)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7F || strchr("()<>@,;:\\\"/[]?={}", c))
			return 0;
	}
	return 1;
}

static int cookie_value_ok(const char *s, size_t n)
{
	if (n > VALUE_MAX_BYTES)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7F || c == '"' || c == ',' || c == ';' || c == '\\')
			return 0;
	}
	return utf8_valid(s, n);
}

/* Browsers send one Cookie header of "a=b; c=d". Malformed pairs are skipped
 * rather than refused: a stray cookie set by another application on the same
 * host must not lock users out of Guichet. Only running out of memory fails. */
int http_parse_cookies(arena *a, const char *s, http_fields *out, char *err, size_t errlen)
{
	out->v = NULL;
	out->n = 0;
	if (!s || !*s)
		return 0;
	http_field *v = arena_alloc(a, LIMIT_COOKIES * sizeof(*v));
	if (!v)
		return fail(err, errlen, MSG_TOO_BIG);

	size_t k = 0;
	const char *p = s;
	while (*p && k < LIMIT_COOKIES) {
		const char *semi = strchr(p, ';');
		const char *end = semi ? semi : p + strlen(p);
		const char *next = semi ? semi + 1 : end;

		while (p < end && is_ows(*p))
			p++;
		const char *e = end;
		while (e > p && is_ows(e[-1]))
			e--;
		const char *eq = memchr(p, '=', (size_t)(e - p));
		if (eq) {
			const char *name = p, *name_end = eq;
			while (name_end > name && is_ows(name_end[-1]))
				name_end--;
			const char *val = eq + 1;
			while (val < e && is_ows(*val))
				val++;
			const char *val_end = e;
			if (val_end - val >= 2 && *val == '"' && val_end[-1] == '"') {
				val++;
				val_end--;
			}
			size_t nlen = (size_t)(name_end - name), vlen = (size_t)(val_end - val);
			if (cookie_name_ok(name, nlen) && cookie_value_ok(val, vlen)) {
				v[k].name = arena_strndup(a, name, nlen);
				v[k].value = arena_strndup(a, val, vlen);
				if (!v[k].name || !v[k].value)
					return fail(err, errlen, MSG_TOO_BIG);
				v[k].value_len = vlen;
				k++;
			}
		}
		p = next;
	}
	out->v = v;
	out->n = k;
	return 0;
}

/* ---- multipart/form-data (RFC 7578) ---- */

static int ascii_ieq(const char *a, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	if (n != m)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != lit[i])
			return 0;
	}
	return 1;
}

/*
 * Finds parameter `name` in a header value of the form
 * "type; a=b; c=\"d\"", starting after the first ';'. Quoted values run to the
 * next quote: browsers percent-encode quotes in names and filenames rather
 * than escaping them, so backslashes are taken literally (a Windows path in a
 * filename keeps its separators). Returns 1 and the value's bounds when found.
 */
static int header_param(const char *h, size_t n, const char *name, const char **val, size_t *vlen)
{
	size_t i = 0;
	while (i < n && h[i] != ';')
		i++;
	while (i < n) {
		i++; /* the ';' */
		while (i < n && is_ows(h[i]))
			i++;
		size_t ks = i;
		while (i < n && h[i] != '=' && h[i] != ';' && !is_ows(h[i]))
			i++;
		size_t ke = i;
		while (i < n && is_ows(h[i]))
			i++;
		if (i >= n || h[i] != '=') {
			while (i < n && h[i] != ';')
				i++;
			continue;
		}
		i++;
		while (i < n && is_ows(h[i]))
			i++;
		size_t vs, ve;
		if (i < n && h[i] == '"') {
			vs = ++i;
			while (i < n && h[i] != '"')
				i++;
			if (i >= n)
				return 0; /* unterminated quote */
			ve = i++;
		} else {
			vs = i;
			while (i < n && h[i] != ';' && !is_ows(h[i]))
				i++;
			ve = i;
		}
		while (i < n && h[i] != ';')
			i++;
		if (ascii_ieq(h + ks, ke - ks, name)) {
			*val = h + vs;
			*vlen = ve - vs;
			return 1;
		}
	}
	return 0;
}

/* Strips the directories some browsers still send with a filename. */
static void filename_base(const char **s, size_t *n)
{
	for (size_t i = *n; i > 0; i--) {
		if ((*s)[i - 1] == '/' || (*s)[i - 1] == '\\') {
			*s += i;
			*n -= i;
			return;
		}
	}
}

struct part {
	const char *name, *filename, *ctype;
	size_t name_len, filename_len, ctype_len;
	int has_filename;
};

/* Parses the header block of one part (CRLF-separated lines, without the
 * final empty line). Only Content-Disposition and Content-Type matter. */
static const char *part_headers(const char *h, size_t n, struct part *p)
{
	memset(p, 0, sizeof(*p));
	int disposition = 0;
	size_t i = 0;
	while (i < n) {
		const char *line = h + i;
		const char *crlf = memmem(line, n - i, "\r\n", 2);
		size_t len = crlf ? (size_t)(crlf - line) : n - i;
		i += len + (crlf ? 2 : 0);
		const char *colon = memchr(line, ':', len);
		if (!colon)
			return MSG_BAD_PART;
		size_t klen = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t vlen = len - klen - 1;
		while (vlen && is_ows(*v)) {
			v++;
			vlen--;
		}
		while (vlen && is_ows(v[vlen - 1]))
			vlen--;
		if (ascii_ieq(line, klen, "content-disposition")) {
			size_t tl = 0;
			while (tl < vlen && v[tl] != ';' && !is_ows(v[tl]))
				tl++;
			if (!ascii_ieq(v, tl, "form-data"))
				return MSG_BAD_PART;
			disposition = 1;
			if (!header_param(v, vlen, "name", &p->name, &p->name_len))
				return MSG_BAD_PART;
			p->has_filename = header_param(v, vlen, "filename", &p->filename, &p->filename_len);
		} else if (ascii_ieq(line, klen, "content-type")) {
			p->ctype = v;
			p->ctype_len = vlen;
		}
	}
	return disposition ? NULL : MSG_BAD_PART;
}

/* Copies a header-borne string (name, filename, type) after checking it. */
static const char *part_text(arena *a, const char *s, size_t n, size_t max, const char *too_long,
                             const char **out)
{
	if (n > max)
		return too_long;
	const char *why = text_problem(s, n);
	if (why)
		return why;
	*out = arena_strndup(a, s, n);
	return *out ? NULL : MSG_TOO_BIG;
}

static const char *part_field(arena *a, const struct part *p, const char *data, size_t len, http_field *f)
{
	const char *why = part_text(a, p->name, p->name_len, NAME_MAX_BYTES, MSG_NAME_LONG, &f->name);
	if (why)
		return why;
	if (p->has_filename) {
		/* A file keeps its bytes as they are, whatever they are; the
		 * body limit of the route bounds its size. */
		const char *fn = p->filename;
		size_t fnlen = p->filename_len;
		filename_base(&fn, &fnlen);
		why = part_text(a, fn, fnlen, VALUE_MAX_BYTES, MSG_VALUE_LONG, &f->filename);
		if (!why)
			why = part_text(a, p->ctype ? p->ctype : "application/octet-stream",
			                p->ctype ? p->ctype_len : strlen("application/octet-stream"),
			                VALUE_MAX_BYTES, MSG_VALUE_LONG, &f->content_type);
		if (why)
			return why;
	} else {
		if (len > VALUE_MAX_BYTES)
			return MSG_VALUE_LONG;
		why = text_problem(data, len);
		if (why)
			return why;
	}
	f->value = arena_strndup(a, data, len);
	if (!f->value)
		return MSG_TOO_BIG;
	f->value_len = len;
	return NULL;
}

/* Reads the boundary parameter of a multipart/form-data Content-Type. */
static int multipart_boundary(const char *ct, const char **b, size_t *blen)
{
	if (!ct)
		return -1;
	size_t n = strlen(ct), tl = 0;
	while (tl < n && ct[tl] != ';' && !is_ows(ct[tl]))
		tl++;
	if (!ascii_ieq(ct, tl, "multipart/form-data"))
		return -1;
	if (!header_param(ct, n, "boundary", b, blen))
		return -1;
	if (*blen == 0 || *blen > MULTIPART_BOUNDARY_BYTES)
		return -1;
	return 0;
}

/* A delimiter is "--boundary" followed by "--" (the last one) or by
 * optional white space and a line break; the same bytes followed by anything
 * else are content. */
static int delimiter_at(const char *body, size_t n, size_t at, const char *delim, size_t dlen)
{
	if (n - at < dlen || memcmp(body + at, delim, dlen) != 0)
		return 0;
	size_t i = at + dlen;
	if (n - i >= 2 && body[i] == '-' && body[i + 1] == '-')
		return 1;
	while (i < n && is_ows(body[i]))
		i++;
	return n - i >= 2 && body[i] == '\r' && body[i + 1] == '\n';
}

/* The offset of the next delimiter at or after `from`, SIZE_MAX if none. */
static size_t delimiter_find(const char *body, size_t n, size_t from, const char *delim, size_t dlen)
{
	while (from < n) {
		const char *d = memmem(body + from, n - from, delim, dlen);
		if (!d)
			return SIZE_MAX;
		size_t at = (size_t)(d - body);
		if (delimiter_at(body, n, at, delim, dlen))
			return at;
		from = at + 1;
	}
	return SIZE_MAX;
}

/*
 * The body is: an ignored preamble, then "--boundary" and parts, each part
 * being headers, an empty line and the content, every part ending at
 * "\r\n--boundary", the last one followed by "--". Anything after the final
 * delimiter is an epilogue and is ignored.
 */
int http_parse_multipart(arena *a, const char *body, size_t n, const char *content_type_header,
                         http_fields *out, char *err, size_t errlen)
{
	out->v = NULL;
	out->n = 0;

	const char *bnd;
	size_t blen;
	if (multipart_boundary(content_type_header, &bnd, &blen) < 0)
		return fail(err, errlen, MSG_NO_BOUNDARY);
	char delim[MULTIPART_BOUNDARY_BYTES + 5];
	size_t dlen = blen + 4;
	snprintf(delim, sizeof(delim), "\r\n--%.*s", (int)blen, bnd);

	if (!body)
		return fail(err, errlen, MSG_UNTERMINATED);
	/* The first delimiter may open the body, without the CRLF before it. */
	size_t pos;
	if (delimiter_at(body, n, 0, delim + 2, dlen - 2))
		pos = dlen - 2;
	else if ((pos = delimiter_find(body, n, 0, delim, dlen)) != SIZE_MAX)
		pos += dlen;
	else
		return fail(err, errlen, MSG_UNTERMINATED);

	http_field *v = NULL;
	size_t k = 0, cap = 0;
	for (;;) {
		/* After a delimiter: "--" ends the body, else a line break. */
		if (n - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
			break;
		while (pos < n && is_ows(body[pos]))
			pos++;
		if (n - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
			return fail(err, errlen, MSG_UNTERMINATED);
		pos += 2;

		const char *hs = body + pos;
		const char *he = memmem(hs, n - pos, "\r\n\r\n", 4);
		size_t hlen;
		if (n - pos >= 2 && hs[0] == '\r' && hs[1] == '\n') {
			hlen = 0; /* a part without headers: refused below */
			pos += 2;
		} else if (he) {
			hlen = (size_t)(he - hs);
			pos += hlen + 4;
		} else {
			return fail(err, errlen, MSG_UNTERMINATED);
		}
		if (hlen > MULTIPART_HEADER_BYTES)
			return fail(err, errlen, MSG_BAD_PART);

		size_t d = delimiter_find(body, n, pos, delim, dlen);
		if (d == SIZE_MAX)
			return fail(err, errlen, MSG_UNTERMINATED);
		size_t clen = d - pos;

		struct part p;
		const char *why = part_headers(hs, hlen, &p);
		if (why)
			return fail(err, errlen, why);
		if (k == LIMIT_FIELDS)
			return fail(err, errlen, MSG_TOO_MANY);
		if (k == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			if (ncap > LIMIT_FIELDS)
				ncap = LIMIT_FIELDS;
			http_field *nv = arena_alloc(a, ncap * sizeof(*nv));
			if (!nv)
				return fail(err, errlen, MSG_TOO_BIG);
			if (k)
				memcpy(nv, v, k * sizeof(*nv));
			v = nv;
			cap = ncap;
		}
		why = part_field(a, &p, body + pos, clen, &v[k]);
		if (why)
			return fail(err, errlen, why);
		k++;
		pos += clen + dlen;
	}
	out->v = v;
	out->n = k;
	return 0;
}

/* ---- routes ---- */

/* Patterns and paths are compared segment by segment. "{}" stands for one
 * whole, non-empty segment, copied into params; everything else is literal.
 * The params are written only on a match, so a failed attempt leaves the
 * caller's array as it was. Every request tries the routes in turn, so a
 * literal segment is compared as it is walked: most patterns differ at
 * their first letter. */
static int segment_end(char c)
{
	return c == '/' || c == '\0';
}

int http_route_match(const char *pattern, const char *path, arena *a, const char *params[4])
{
	const char *got[4] = {NULL, NULL, NULL, NULL};
	size_t ngot = 0;
	const char *p = pattern, *s = path;

	if (!p || !s || *p != '/' || *s != '/')
		return 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		if (p[0] == '{' && p[1] == '}' && segment_end(p[2])) {
			size_t sl = strcspn(s, "/");
			if (sl == 0 || ngot == COUNT(got))
				return 0;
			if (a && params) {
				got[ngot] = arena_strndup(a, s, sl);
				if (!got[ngot])
					return 0;
			}
			ngot++;
			p += 2;
			s += sl;
			continue;
		}
		while (!segment_end(*p) && *p == *s) {
			p++;
			s++;
		}
		if (!segment_end(*p) || !segment_end(*s))
			return 0;
	}
	if (*p || *s)
		return 0;
	if (params)
		for (size_t i = 0; i < COUNT(got); i++)
			params[i] = got[i];
	return 1;
}

int http_parse_path(arena *a, const char *raw, size_t n, const char **out, char *err, size_t errlen)
{
	/* Origin form only: "/…", checked before decoding ("%2F…" is not). */
	if (!raw || n == 0 || raw[0] != '/')
		return fail(err, errlen, MSG_URL_BAD);
	char *p = arena_strndup(a, raw, n);
	if (!p)
		return fail(err, errlen, MSG_TOO_BIG);
	size_t len = n;
	if (http_percent_decode(p, &len, 0) < 0)
		return fail(err, errlen, MSG_URL_ENCODING);
	if (!utf8_valid(p, len))
		return fail(err, errlen, MSG_URL_UTF8);
	if (memchr(p, '\0', len))
		return fail(err, errlen, MSG_URL_BAD);
	/* A ".." segment means nothing to our routes and everything to an
	 * attacker looking for files. */
	for (const char *s = p; (s = strstr(s, "/..")) != NULL; s += 3)
		if (s[3] == '/' || s[3] == '\0')
			return fail(err, errlen, MSG_URL_BAD);
	*out = p;
	return 0;
}

/* ---- accessors over the parsed request ---- */

static const http_field *field_find(const http_fields *f, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return &f->v[i];
	return NULL;
}

const char *http_query(const req *r, const char *name)
{
	const http_field *f = field_find(&r->query, name);
	return f ? f->value : NULL;
}

const char *http_form(const req *r, const char *name)
{
	const http_field *f = field_find(&r->form, name);
	return f ? f->value : NULL;
}

const http_field *http_form_field(const req *r, const char *name)
{
	return field_find(&r->form, name);
}

const char *http_cookie(const req *r, const char *name)
{
	const http_field *f = field_find(&r->cookies, name);
	return f ? f->value : NULL;
}

const char *http_param(const req *r, int i)
{
	if (i < 0 || i >= (int)COUNT(r->params))
		return NULL;
	return r->params[i];
}
