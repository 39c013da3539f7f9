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
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fragment table[LIMIT_FRAGMENTS];
static size_t oldest; /* the slot that the next new piece takes */

/* FNV-1a: a quick first comparison, never trusted alone. */
static uint64_t key_hash(const char *key, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)key[i];
		h *= 1099511628211ULL;
	}
	return h;
}

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

static void append_replacing(buf *out, const char *s, size_t n, const char *from, const char *to)
{
	size_t flen = from ? strlen(from) : 0;
	if (flen == 0) {
		buf_append(out, s, n);
		return;
	}
	size_t tlen = strlen(to);
	const char *end = s + n, *hit;
	while ((hit = memmem(s, (size_t)(end - s), from, flen))) {
		buf_append(out, s, (size_t)(hit - s));
		buf_append(out, to, tlen);
		s = hit + flen;
	}
	buf_append(out, s, (size_t)(end - s));
}

int web_fragment_copy(const char *key, size_t keylen, const char *placeholder, const char *with, buf *out)
{
	uint64_t h = key_hash(key, keylen);
	pthread_mutex_lock(&lock);
	struct fragment *f = find(h, key, keylen);
	if (f)
		append_replacing(out, f->html, f->len, placeholder, with ? with : "");
	pthread_mutex_unlock(&lock);
	return f ? 0 : -1;
}

void web_fragment_keep(const char *key, size_t keylen, const char *html, size_t len)
{
	if (keylen > LIMIT_FRAGMENT_KEY_BYTES || len > LIMIT_FRAGMENT_BYTES)
		return;
	char *k = malloc(keylen ? keylen : 1);
	char *t = malloc(len ? len : 1);
	if (!k || !t) {
		free(k);
		free(t);
		return;
	}
	memcpy(k, key, keylen);
	memcpy(t, html, len);
	uint64_t h = key_hash(key, keylen);
	pthread_mutex_lock(&lock);
	if (find(h, key, keylen)) {
		/* Another thread rendered the same piece meanwhile. */
		pthread_mutex_unlock(&lock);
		free(k);
		free(t);
		return;
	}
	struct fragment *f = &table[oldest];
	oldest = (oldest + 1) % LIMIT_FRAGMENTS;
	free(f->key);
	free(f->html);
	*f = (struct fragment){.hash = h, .key = k, .keylen = keylen, .html = t, .len = len};
	pthread_mutex_unlock(&lock);
}

void web_fragment_clear(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < LIMIT_FRAGMENTS; i++) {
		free(table[i].key);
		free(table[i].html);
	}
	memset(table, 0, sizeof table);
	oldest = 0;
	pthread_mutex_unlock(&lock);
}
