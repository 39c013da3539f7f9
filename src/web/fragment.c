/*
 * fragment.c: pieces of pages kept between requests (fragment.h).
 *
 * A fixed table under one mutex: a page looks up a handful of pieces, the
 * table holds at most LIMIT_FRAGMENTS, and a copy of a few kilobytes under
 * the lock is shorter than any scheme to share the piece outside it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "web/fragment.h"

struct fragment {
	uint64_t hash;
	char *key;
	size_t keylen;
	char *html;
	size_t len;
	size_t *at; /* where the placeholder stands, in order */
	size_t nat, placeholder_len;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fragment table[LIMIT_FRAGMENTS];
static size_t oldest; /* the slot that the next new piece takes */

/* Under the lock. */
static struct fragment *find(uint64_t h, const char *key, size_t n)
{
	for (size_t i = 0; i < LIMIT_FRAGMENTS; i++) {
		struct fragment *f = &table[i];
		if (f->html && f->hash == h && f->keylen == n && memcmp(f->key, key, n) == 0)
			return f;
	}
	return NULL;
}

void web_fragment_key_add(buf *k, const char *s)
{
	if (!s)
		s = "";
	buf_append(k, s, strlen(s) + 1);
}

int web_fragment_copy(const char *key, size_t keylen, const char *with, buf *out)
{
	uint64_t h = hash_bytes(key, keylen);
	if (!with)
		with = "";
	size_t wlen = strlen(with);
	pthread_mutex_lock(&lock);
	struct fragment *f = find(h, key, keylen);
	if (f) {
		size_t from = 0;
		for (size_t i = 0; i < f->nat; i++) {
			buf_append(out, f->html + from, f->at[i] - from);
			buf_append(out, with, wlen);
			from = f->at[i] + f->placeholder_len;
		}
		buf_append(out, f->html + from, f->len - from);
	}
	pthread_mutex_unlock(&lock);
	return f ? 0 : -1;
}

/* Where placeholder stands in html, found once here rather than at each
 * copy. */
static size_t *placeholders(const char *html, size_t len, const char *placeholder, size_t *n)
{
	size_t plen = placeholder ? strlen(placeholder) : 0, cap = 0;
	size_t *at = NULL;
	*n = 0;
	if (plen == 0)
		return NULL;
	const char *end = html + len;
	for (const char *p = html, *hit; (hit = memmem(p, (size_t)(end - p), placeholder, plen));
	     p = hit + plen) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			size_t *more = realloc(at, cap * sizeof *at);
			if (!more) {
				free(at);
				*n = SIZE_MAX;
				return NULL;
			}
			at = more;
		}
		at[(*n)++] = (size_t)(hit - html);
	}
	return at;
}

void web_fragment_keep(const char *key, size_t keylen, const char *html, size_t len, const char *placeholder)
{
	if (keylen > LIMIT_FRAGMENT_KEY_BYTES || len > LIMIT_FRAGMENT_BYTES)
		return;
	size_t nat;
	size_t *at = placeholders(html, len, placeholder, &nat);
	char *k = malloc(keylen ? keylen : 1);
	char *t = malloc(len ? len : 1);
	if (!k || !t || nat == SIZE_MAX) {
		free(k);
		free(t);
		free(at);
		return;
	}
	memcpy(k, key, keylen);
	memcpy(t, html, len);
	uint64_t h = hash_bytes(key, keylen);
	pthread_mutex_lock(&lock);
	if (find(h, key, keylen)) {
		/* Another thread rendered the same piece meanwhile. */
		pthread_mutex_unlock(&lock);
		free(k);
		free(t);
		free(at);
		return;
	}
	struct fragment *f = &table[oldest];
	oldest = (oldest + 1) % LIMIT_FRAGMENTS;
	free(f->key);
	free(f->html);
	free(f->at);
	*f = (struct fragment){.hash = h,
	                       .key = k,
	                       .keylen = keylen,
	                       .html = t,
	                       .len = len,
	                       .at = at,
	                       .nat = nat,
	                       .placeholder_len = placeholder ? strlen(placeholder) : 0};
	pthread_mutex_unlock(&lock);
}

void web_fragment_clear(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < LIMIT_FRAGMENTS; i++) {
		free(table[i].key);
		free(table[i].html);
		free(table[i].at);
	}
	memset(table, 0, sizeof table);
	oldest = 0;
	pthread_mutex_unlock(&lock);
}

int web_fragment_write(req *r, const char *key, size_t keylen, const char *with, const char *placeholder,
                       int (*render)(req *r, void *arg), void *arg)
{
	buf *o = &r->out;
	if (web_fragment_copy(key, keylen, with, o) == 0)
		return 0;
	size_t at = o->len;
	if (render(r, arg) != 0) {
		if (o->data) {
			o->len = at;
			o->data[at] = '\0';
		}
		return -1;
	}
	if (o->overflow || !o->data)
		return 0;
	web_fragment_keep(key, keylen, o->data + at, o->len - at, placeholder);
	if (!placeholder)
		return 0;
	o->len = at;
	o->data[at] = '\0';
	return web_fragment_copy(key, keylen, with, o);
}
