/*
 * page_static.c: serves the files of static/ that the build compiled into
 * the binary (tools/embed.c), so that a server is one file to deploy.
 *
 * The files never change while the server runs, so each one's ETag is
 * computed once, on the first request for any of them, and kept for the life
 * of the process. Browsers revalidate with If-None-Match and get a 304
 * without the body; the lead's ?v= cache busting will later allow a longer
 * lifetime than one day.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pages/page_static.h"
#include "util/util.h"

#define STATIC_PREFIX "static/"
#define STATIC_NAME_BYTES 128
#define STATIC_FOLDER_BYTES 8     /* "fonts/", "picto/" */
#define STATIC_ETAG_HASH_BYTES 16 /* BLAKE2b-128: plenty to tell versions apart */

static const struct {
	const char *ext;
	const char *type;
} types[] = {
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"json", "application/json"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
};

const char *page_static_type(const char *name)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	if (dot)
		for (size_t i = 0; i < COUNT(types); i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

void page_static_etag(const unsigned char *data, size_t len, char out[PAGE_STATIC_ETAG_BYTES])
{
	unsigned char h[STATIC_ETAG_HASH_BYTES];
	static const char hex[] = "0123456789abcdef";

	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	out[0] = '"';
	for (size_t i = 0; i < sizeof(h); i++) {
		out[1 + 2 * i] = hex[h[i] >> 4];
		out[2 + 2 * i] = hex[h[i] & 15];
	}
	out[1 + 2 * sizeof(h)] = '"';
	out[2 + 2 * sizeof(h)] = '\0';
}

/* If-None-Match uses the weak comparison: a W/ prefix is ignored. */
int page_static_etag_matches(const char *inm, const char *etag)
{
	if (!inm || !etag)
		return 0;
	size_t elen = strlen(etag);
	const char *p = inm;
	while (*p) {
		p += strspn(p, " \t,");
		if (!*p)
			break;
		size_t n = strcspn(p, ",");
		size_t end = n;
		while (end && (p[end - 1] == ' ' || p[end - 1] == '\t'))
			end--;
		const char *tag = p;
		if (end == 1 && *tag == '*')
			return 1;
		if (end >= 2 && tag[0] == 'W' && tag[1] == '/') {
			tag += 2;
			end -= 2;
		}
		if (end == elen && memcmp(tag, etag, elen) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* ETags of the embedded files, indexed like embedded_files. */
static char (*etags)[PAGE_STATIC_ETAG_BYTES];
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

static void etags_compute(void)
{
	/* sodium_init is idempotent and thread-safe; it only picks the fastest
	 * implementation, but libsodium asks for it before any other call. */
	if (sodium_init() < 0)
		fatal("sodium_init failed");
	etags = xcalloc(embedded_count ? embedded_count : 1, sizeof(*etags));
	for (size_t i = 0; i < embedded_count; i++)
		if (str_starts(embedded_files[i].name, STATIC_PREFIX))
			page_static_etag(embedded_files[i].data, embedded_files[i].len, etags[i]);
}

static void file_etag(const struct embedded_file *f, char out[PAGE_STATIC_ETAG_BYTES])
{
	pthread_once(&etags_once, etags_compute);
	if (f >= embedded_files && f < embedded_files + embedded_count && etags[f - embedded_files][0]) {
		memcpy(out, etags[f - embedded_files], PAGE_STATIC_ETAG_BYTES);
		return;
	}
	/* A file from outside the table (the tests build their own). */
	page_static_etag(f->data, f->len, out);
}

static int serve_cached(req *r, const struct embedded_file *f, const char *cache_control)
{
	char etag[PAGE_STATIC_ETAG_BYTES];

	file_etag(f, etag);
	http_set_header(r, "ETag", etag);
	http_set_header(r, "Cache-Control", cache_control);
	http_content_type(r, page_static_type(f->name));
	if (page_static_etag_matches(http_header(r, "If-None-Match"), etag)) {
		r->status = 304;
		return 0;
	}
	r->status = 200;
	if (buf_append(&r->out, f->data, f->len) < 0)
		return -1;
	return 0;
}

int page_static_serve(req *r, const struct embedded_file *f)
{
	return serve_cached(r, f, "public, max-age=86400");
}

/* The name is one path segment; anything that could climb out of static/
 * or reach a hidden file is answered like a missing file. */
static int name_ok(const char *name)
{
	return name && *name && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\') &&
	       strlen(name) < STATIC_NAME_BYTES;
}

/* The embedded file folder + param 0, NULL when there is none. */
static const struct embedded_file *find_in(req *r, const char *folder)
{
	const char *name = http_param(r, 0);
	char path[sizeof(STATIC_PREFIX) + STATIC_FOLDER_BYTES + STATIC_NAME_BYTES];

	if (!name_ok(name))
		return NULL;
	snprintf(path, sizeof(path), "%s%s%s", STATIC_PREFIX, folder, name);
	return embedded_find(path);
}

static int not_found(req *r)
{
	r->status = 404;
	http_content_type(r, "text/plain; charset=utf-8");
	http_set_header(r, "Cache-Control", "no-store");
	buf_puts(&r->out, "404 Fichier introuvable.\n");
	return 0;
}

int page_static(req *r)
{
	const struct embedded_file *f = find_in(r, "");

	return f ? page_static_serve(r, f) : not_found(r);
}

/* The fonts are addressed with ?v= and the hash of their content
 * (static/fonts.css, written by tools/fonts.py): a new version has a new
 * address, so that a browser may keep one for a year without asking. */
int page_static_font(req *r)
{
	const struct embedded_file *f = find_in(r, "fonts/");

	return f ? serve_cached(r, f, "public, max-age=31536000, immutable") : not_found(r);
}

/* The pictograms keep their address from one version to the next (pages
 * and stored notices name them by code point): a month, then revalidated. */
int page_static_picto(req *r)
{
	const struct embedded_file *f = find_in(r, "picto/");

	return f ? serve_cached(r, f, "public, max-age=2592000") : not_found(r);
}
