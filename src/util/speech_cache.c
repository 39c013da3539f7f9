/*
 * speech_cache.c: speech made once and reused. An entry is keyed by a hash
 * of the voice and the cleaned text; memory holds the most recently used
 * WAVs within a byte budget, and a configured directory holds every one
 * made, so that a restarted server does not make them again.
 *
 * One lock guards the table. A text being made has an entry in the
 * "making" state: other requests for it wait on the condition variable
 * instead of starting espeak-ng a second time. espeak-ng itself runs
 * without the lock held, so that different texts are made in parallel.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/speech.h"

#define KEY_BYTES 16
#define KEY_HEX (2 * KEY_BYTES + 1)
/* The entries kept at most, whatever their size. */
#define CACHE_ENTRIES_MAX 4096

typedef struct cache_entry {
	char key[KEY_HEX];
	int making;         /* espeak-ng runs for it; no bytes yet */
	unsigned char *wav; /* NULL while making */
	size_t len;
	char etag[SPEECH_ETAG_BYTES];
	unsigned long long used; /* the clock of the last use, for eviction */
} cache_entry;

static struct {
	pthread_mutex_t lock;
	pthread_cond_t made;
	cache_entry *v[CACHE_ENTRIES_MAX];
	size_t n;
	size_t bytes, max_bytes;
	char *dir;
	unsigned long long clock;
	unsigned long long runs, memory_hits, disk_hits;
} cache = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .made = PTHREAD_COND_INITIALIZER,
    .max_bytes = SPEECH_CACHE_DEFAULT_BYTES,
};

static void hex(const unsigned char *h, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[2 * n] = '\0';
}

void speech_etag(const unsigned char *data, size_t len, char out[SPEECH_ETAG_BYTES])
{
	unsigned char h[KEY_BYTES];
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	out[0] = '"';
	hex(h, sizeof(h), out + 1);
	out[1 + 2 * KEY_BYTES] = '"';
	out[2 + 2 * KEY_BYTES] = '\0';
}

static void key_of(const char *voice, const char *text, char out[KEY_HEX])
{
	unsigned char h[KEY_BYTES];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)voice, strlen(voice) + 1);
	crypto_generichash_update(&st, (const unsigned char *)text, strlen(text));
	crypto_generichash_final(&st, h, sizeof(h));
	hex(h, sizeof(h), out);
}

void speech_cache_configure(size_t max_bytes, const char *dir)
{
	pthread_mutex_lock(&cache.lock);
	cache.max_bytes = max_bytes;
	free(cache.dir);
	cache.dir = dir && *dir ? xstrdup(dir) : NULL;
	pthread_mutex_unlock(&cache.lock);
}

void speech_cache_stats(unsigned long long *runs, unsigned long long *memory_hits,
                        unsigned long long *disk_hits)
{
	pthread_mutex_lock(&cache.lock);
	if (runs)
		*runs = cache.runs;
	if (memory_hits)
		*memory_hits = cache.memory_hits;
	if (disk_hits)
		*disk_hits = cache.disk_hits;
	pthread_mutex_unlock(&cache.lock);
}

/* Removes entry i (the lock held; never one being made). */
static void entry_drop(size_t i)
{
	cache_entry *e = cache.v[i];
	cache.bytes -= e->len;
	free(e->wav);
	free(e);
	cache.v[i] = cache.v[--cache.n];
}

void speech_cache_clear(void)
{
	pthread_mutex_lock(&cache.lock);
	for (size_t i = cache.n; i-- > 0;)
		if (!cache.v[i]->making)
			entry_drop(i);
	cache.runs = cache.memory_hits = cache.disk_hits = 0;
	pthread_mutex_unlock(&cache.lock);
}

static cache_entry *entry_find(const char *key)
{
	for (size_t i = 0; i < cache.n; i++)
		if (strcmp(cache.v[i]->key, key) == 0)
			return cache.v[i];
	return NULL;
}

/* Evicts the least recently used entries until extra more bytes fit in the
 * budget (the lock held). */
static void make_room(size_t extra)
{
	while (cache.n > 0 && cache.bytes + extra > cache.max_bytes) {
		size_t oldest = cache.n;
		for (size_t i = 0; i < cache.n; i++)
			if (!cache.v[i]->making &&
			    (oldest == cache.n || cache.v[i]->used < cache.v[oldest]->used))
				oldest = i;
		if (oldest == cache.n)
			return;
		entry_drop(oldest);
	}
}

/* ---- Disk. */

/* The file of a key, into path; -1 without a directory. */
static int disk_path(const char *dir, const char *key, const char *suffix, char *path, size_t n)
{
	if (!dir)
		return -1;
	int w = snprintf(path, n, "%s/%s.wav%s", dir, key, suffix);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

/* Reads a kept WAV into out; 0, or -1 when there is none (or it is bad). */
static int disk_read(const char *dir, const char *key, buf *out)
{
	char path[4096];
	if (disk_path(dir, key, "", path, sizeof(path)) != 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	size_t start = out->len;
	int rc = -1;
	if (fstat(fd, &st) == 0 && st.st_size >= 44 && (unsigned long)st.st_size <= SPEECH_WAV_MAX_BYTES) {
		char chunk[16384];
		ssize_t n;
		rc = 0;
		while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 || out->len - start + (size_t)n > SPEECH_WAV_MAX_BYTES ||
			    buf_append(out, chunk, (size_t)n) != 0 || out->overflow) {
				rc = -1;
				break;
			}
		}
		if (rc == 0 &&
		    speech_wav_fix_sizes((unsigned char *)out->data + start, out->len - start) != 0)
			rc = -1;
	}
	close(fd);
	if (rc != 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	}
	return rc;
}

/* Writes a made WAV beside the others: a temporary file renamed into
 * place, so that a reader never sees half a file. Failing to write is not
 * an error: the speech is still served from memory. */
static void disk_write(const char *dir, const char *key, const unsigned char *wav, size_t len)
{
	char tmp[4096], path[4096], suffix[64];
	snprintf(suffix, sizeof(suffix), ".%ld.%p.tmp", (long)getpid(), (const void *)wav);
	if (disk_path(dir, key, suffix, tmp, sizeof(tmp)) != 0 ||
	    disk_path(dir, key, "", path, sizeof(path)) != 0)
		return;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "level=warn msg=\"speech cache not written\" error=\"%s\"\n",
		        strerror(errno));
		return;
	}
	int written = fd_write_all(fd, wav, len) == 0;
	if (close(fd) != 0 || !written || rename(tmp, path) != 0)
		unlink(tmp);
}

/* ---- Lookups. */

int speech_cached(const char *lang, const char *text, buf *out, char etag[SPEECH_ETAG_BYTES], char *err,
                  size_t errlen)
{
	const char *voice = speech_voice(lang);
	if (!voice) {
		snprintf(err, errlen, "no voice for this language");
		return -1;
	}
	char clean[SPEECH_TEXT_MAX_BYTES + 1];
	if (!speech_clean_text(text, text ? strlen(text) : 0, clean, sizeof(clean))) {
		snprintf(err, errlen, "nothing to say");
		return -1;
	}
	char key[KEY_HEX];
	key_of(voice, clean, key);

	pthread_mutex_lock(&cache.lock);
	cache_entry *e;
	while ((e = entry_find(key)) && e->making)
		pthread_cond_wait(&cache.made, &cache.lock);
	if (e) {
		e->used = ++cache.clock;
		cache.memory_hits++;
		int rc = buf_append(out, e->wav, e->len) == 0 && !out->overflow ? 0 : -1;
		if (rc == 0 && etag)
			memcpy(etag, e->etag, SPEECH_ETAG_BYTES);
		pthread_mutex_unlock(&cache.lock);
		if (rc != 0)
			snprintf(err, errlen, "the output buffer is full");
		return rc;
	}
	/* Nobody has it: this request makes it, the others wait. */
	e = NULL;
	if (cache.n < CACHE_ENTRIES_MAX) {
		e = xcalloc(1, sizeof(*e));
		memcpy(e->key, key, sizeof(key));
		e->making = 1;
		cache.v[cache.n++] = e;
	}
	char *dir = cache.dir ? xstrdup(cache.dir) : NULL;
	pthread_mutex_unlock(&cache.lock);

	buf b;
	buf_init(&b, SPEECH_WAV_MAX_BYTES + 1);
	int from_disk = disk_read(dir, key, &b) == 0;
	int rc = from_disk ? 0 : speech_wav(lang, clean, &b, err, errlen);
	if (rc == 0 && !from_disk)
		disk_write(dir, key, (const unsigned char *)b.data, b.len);
	free(dir);
	char tag[SPEECH_ETAG_BYTES] = "";
	if (rc == 0) {
		speech_etag((const unsigned char *)b.data, b.len, tag);
		if (buf_append(out, b.data, b.len) != 0 || out->overflow) {
			snprintf(err, errlen, "the output buffer is full");
			rc = -1;
		} else if (etag) {
			memcpy(etag, tag, SPEECH_ETAG_BYTES);
		}
	}

	pthread_mutex_lock(&cache.lock);
	if (from_disk)
		cache.disk_hits++;
	else
		cache.runs++;
	if (e) {
		size_t i = 0;
		while (cache.v[i] != e)
			i++;
		cache.v[i] = cache.v[--cache.n];
		if (rc == 0 && b.len <= cache.max_bytes) {
			make_room(b.len);
			e->wav = (unsigned char *)buf_detach(&b, &e->len);
			memcpy(e->etag, tag, SPEECH_ETAG_BYTES);
			e->making = 0;
			e->used = ++cache.clock;
			cache.bytes += e->len;
			cache.v[cache.n++] = e;
		} else {
			/* A failure is not kept: the next request tries again. */
			free(e);
		}
		pthread_cond_broadcast(&cache.made);
	}
	pthread_mutex_unlock(&cache.lock);
	buf_free(&b);
	return rc;
}
