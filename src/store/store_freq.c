/*
 * store_freq.c: what the store keeps in memory about a site's visits: the
 * counters of committed writes per site (store_site_changed,
 * store_site_generation) and the recording form's frequent choices that
 * are kept against them (store_catalog.c asks, this file keeps).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"

static size_t site_slot(int64_t site_id)
{
	return (size_t)((uint64_t)site_id % STORE_SITE_GENS);
}

void store_site_changed(store *s, int64_t site_id)
{
	if (site_id > 0)
		atomic_fetch_add(&s->site_gen[site_slot(site_id)], 1);
	else
		atomic_fetch_add(&s->all_gen, 1);
}

uint64_t store_site_generation(store *s, int64_t site_id)
{
	return atomic_load(&s->site_gen[site_slot(site_id)]) + atomic_load(&s->all_gen);
}

/* The recording form asks for these on every view: a GROUP BY over the
 * site's demands of the last 90 days. The answer is kept per site, valid
 * while the site's write generation (store_site_changed) holds, so a visit
 * recorded, corrected or deleted by this process shows at the next view;
 * and for at most FREQ_TTL_S of the window's slide, so that writes of
 * another process (an import, a second server on PostgreSQL) show within
 * that time. The generation is read before the query: a write committed
 * while it runs leaves the entry behind. */
#define FREQ_SLOTS 512
#define FREQ_TTL_S 60

typedef struct freq_entry {
	int64_t site_id; /* 0: empty */
	int kind;
	uint64_t gen;
	int64_t since;
	size_t limit, n;
	char **codes; /* FREQ_OPERATORS, each string malloc'd */
	int64_t *ids; /* FREQ_PROCEDURES */
} freq_entry;

struct store_freq_cache {
	pthread_mutex_t mu;
	freq_entry e[FREQ_SLOTS];
};

static void freq_entry_clear(freq_entry *e)
{
	if (e->codes)
		for (size_t i = 0; i < e->n; i++)
			free(e->codes[i]);
	free(e->codes);
	free(e->ids);
	*e = (freq_entry){0};
}

void store_freq_cache_free(struct store_freq_cache *fc)
{
	if (!fc)
		return;
	for (size_t i = 0; i < FREQ_SLOTS; i++)
		freq_entry_clear(&fc->e[i]);
	pthread_mutex_destroy(&fc->mu);
	free(fc);
}

struct store_freq_cache *store_freq_cache_new(void)
{
	struct store_freq_cache *made = xcalloc(1, sizeof *made);
	pthread_mutex_init(&made->mu, NULL);
	return made;
}

static freq_entry *freq_slot(struct store_freq_cache *fc, int kind, int64_t site_id)
{
	return &fc->e[((uint64_t)site_id * 2 + (uint64_t)kind) % FREQ_SLOTS];
}

/* Copies a valid entry into the arena: 1 when found, 0 when it must be
 * computed (or on a full arena, which the query then reports). */
int store_freq_get(store *s, arena *a, int kind, int64_t site_id, int64_t since, size_t limit, uint64_t gen,
                   void **out, size_t *n)
{
	struct store_freq_cache *fc = s->freq;
	int found = 0;
	pthread_mutex_lock(&fc->mu);
	const freq_entry *e = freq_slot(fc, kind, site_id);
	if (e->site_id == site_id && e->kind == kind && e->gen == gen && e->limit == limit &&
	    since >= e->since && since - e->since < FREQ_TTL_S) {
		size_t size = kind == FREQ_OPERATORS ? sizeof(char *) : sizeof(int64_t);
		void *copy = arena_alloc(a, (e->n + 1) * size);
		found = copy != NULL;
		for (size_t i = 0; found && i < e->n; i++) {
			if (kind == FREQ_PROCEDURES) {
				((int64_t *)copy)[i] = e->ids[i];
			} else if (!(((char **)copy)[i] = arena_strdup(a, e->codes[i]))) {
				found = 0;
			}
		}
		if (found) {
			*out = copy;
			*n = e->n;
		}
	}
	pthread_mutex_unlock(&fc->mu);
	return found;
}

void store_freq_put(store *s, int kind, int64_t site_id, int64_t since, size_t limit, uint64_t gen,
                    const void *rows, size_t n)
{
	struct store_freq_cache *fc = s->freq;
	freq_entry fresh = {
	    .site_id = site_id, .kind = kind, .gen = gen, .since = since, .limit = limit, .n = n};
	int ok = 1;
	if (kind == FREQ_PROCEDURES) {
		ok = (fresh.ids = malloc((n + 1) * sizeof *fresh.ids)) != NULL;
		if (ok && n)
			memcpy(fresh.ids, rows, n * sizeof *fresh.ids);
	} else {
		ok = (fresh.codes = calloc(n + 1, sizeof *fresh.codes)) != NULL;
		for (size_t i = 0; ok && i < n; i++)
			ok = (fresh.codes[i] = strdup(((char *const *)rows)[i])) != NULL;
	}
	if (!ok) {
		freq_entry_clear(&fresh);
		return;
	}
	pthread_mutex_lock(&fc->mu);
	freq_entry *e = freq_slot(fc, kind, site_id);
	freq_entry_clear(e);
	*e = fresh;
	pthread_mutex_unlock(&fc->mu);
}
