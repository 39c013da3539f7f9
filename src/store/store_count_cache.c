/*
 * store_count_cache.c: the search page's counts (store_visit_count) kept
 * in memory. Counting the visits and the demands of a whole scope is two
 * COUNTs over its history on every view of the page; the answer only
 * changes when a visit of one of its sites is written, which the store
 * knows (store_site_changed, store_freq.c).
 *
 * An entry is keyed by the canonical filter: every field that the counts
 * use (period, adviser, channel, operator, theme, outcome) and the sorted
 * list of the sites in scope. It is valid while the scope's generation
 * (store_scope_generation) holds, so a visit recorded, corrected, deleted,
 * imported or synchronised by this process shows at the next view; and
 * for at most COUNT_TTL_S seconds, so that writes of another process (a
 * command-line import, a second server on PostgreSQL) show within that
 * time, as for the recording form's frequent choices. The generation is
 * read before the counts: a write committed while they run leaves the
 * entry behind.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"

#define COUNT_SLOTS 256
#define COUNT_TTL_S 60
/* A longer key (hundreds of sites named one by one) is counted every
 * time: the cache's memory stays under COUNT_SLOTS × COUNT_KEY_MAX. */
#define COUNT_KEY_MAX ((size_t)8192)

typedef struct count_entry {
	char *key; /* NULL: empty */
	uint64_t gen;
	int64_t at; /* when counted */
	int64_t visits, demands;
} count_entry;

struct store_count_cache {
	pthread_mutex_t mu;
	count_entry e[COUNT_SLOTS];
};

void store_count_cache_free(struct store_count_cache *cc)
{
	if (!cc)
		return;
	for (size_t i = 0; i < COUNT_SLOTS; i++)
		free(cc->e[i].key);
	pthread_mutex_destroy(&cc->mu);
	free(cc);
}

struct store_count_cache *store_count_cache_new(void)
{
	struct store_count_cache *made = xcalloc(1, sizeof *made);
	pthread_mutex_init(&made->mu, NULL);
	return made;
}

/* Every counter only grows, so their sum grows with any one of them: a
 * sum over the scope's slots (and the counter of writes whose site is not
 * known) changes after any committed write to a site of the scope. For
 * every site (an administrator's whole country, NULL) the sum of all the
 * slots is a global generation, as exact and as cheap (256 reads). */
uint64_t store_scope_generation(store *s, const int64_t *site_ids, size_t nsites)
{
	uint64_t g = atomic_load(&s->all_gen);
	if (!site_ids || nsites >= STORE_SITE_GENS) {
		for (size_t i = 0; i < STORE_SITE_GENS; i++)
			g += atomic_load(&s->site_gen[i]);
		return g;
	}
	for (size_t i = 0; i < nsites; i++)
		g += atomic_load(&s->site_gen[(uint64_t)site_ids[i] % STORE_SITE_GENS]);
	return g;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* A text, its length first: no value can be mistaken for the next. */
static void key_text(buf *k, char tag, const char *t)
{
	size_t n = t ? strlen(t) : 0;
	buf_printf(k, "%c%zu:", tag, n);
	if (n)
		buf_append(k, t, n);
}

char *store_count_key(const store_visit_filter *f)
{
	buf k;
	buf_init(&k, COUNT_KEY_MAX);
	buf_printf(&k, "f%lld;t%lld;a%lld;", (long long)f->from, (long long)f->to, (long long)f->agent_id);
	key_text(&k, 'c', f->channel);
	key_text(&k, 'o', f->operator_code);
	key_text(&k, 'h', f->theme_code);
	key_text(&k, 'r', f->outcome);
	if (!f->site_ids) {
		buf_puts(&k, "s*");
	} else {
		int64_t *ids = malloc((f->nsites + 1) * sizeof *ids);
		if (!ids) {
			buf_free(&k);
			return NULL;
		}
		if (f->nsites)
			memcpy(ids, f->site_ids, f->nsites * sizeof *ids);
		qsort(ids, f->nsites, sizeof *ids, cmp_id);
		buf_puts(&k, "s");
		for (size_t i = 0; i < f->nsites; i++)
			if (i == 0 || ids[i] != ids[i - 1])
				buf_printf(&k, "%lld,", (long long)ids[i]);
		free(ids);
	}
	if (k.overflow || !k.data) {
		buf_free(&k);
		return NULL;
	}
	return buf_detach(&k, NULL);
}

static uint64_t key_hash(const char *key)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

int store_count_get(store *s, const char *key, uint64_t gen, int64_t now, int64_t *visits, int64_t *demands)
{
	struct store_count_cache *cc = s->counts;
	if (!cc || !key)
		return 0;
	int found = 0;
	pthread_mutex_lock(&cc->mu);
	const count_entry *e = &cc->e[key_hash(key) % COUNT_SLOTS];
	if (e->key && e->gen == gen && now >= e->at && now - e->at < COUNT_TTL_S &&
	    strcmp(e->key, key) == 0) {
		*visits = e->visits;
		*demands = e->demands;
		found = 1;
	}
	pthread_mutex_unlock(&cc->mu);
	return found;
}

void store_count_put(store *s, const char *key, uint64_t gen, int64_t now, int64_t visits, int64_t demands)
{
	struct store_count_cache *cc = s->counts;
	if (!cc || !key)
		return;
	char *copy = strdup(key);
	if (!copy)
		return;
	pthread_mutex_lock(&cc->mu);
	count_entry *e = &cc->e[key_hash(key) % COUNT_SLOTS];
	char *old = e->key;
	*e = (count_entry){.key = copy, .gen = gen, .at = now, .visits = visits, .demands = demands};
	pthread_mutex_unlock(&cc->mu);
	free(old);
}
