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
 *
 * The pages of visits that the journal and the search page show
 * (store_visit_list with f->cached) are kept the same way, keyed by the
 * filter and the page, for LIST_TTL_S seconds at most. What a page holds
 * besides the visits themselves moves the generation on too: a visitor's
 * identity erased or purged, an adviser renamed, a demand escalated
 * (store_privacy.c, store_users.c, store_escalations.c).
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
/* Pages of visits: fewer slots, each at most LIST_BYTES_MAX (a page is
 * 50 to 200 visits, 20 to 100 KB), and a short life: a visit recorded by
 * another process (a second server on the same PostgreSQL, an import on
 * the command line) shows in the journal within LIST_TTL_S seconds. */
#define LIST_SLOTS 64
#define LIST_TTL_S 5
#define LIST_BYTES_MAX ((size_t)1 << 20)

typedef struct count_entry {
	char *key; /* NULL: empty */
	uint64_t gen;
	int64_t at; /* when counted */
	int64_t visits, demands;
} count_entry;

typedef struct list_entry {
	char *key;   /* NULL: empty */
	char *block; /* the page packed (pack_page), malloc'd */
	size_t size;
	uint64_t gen;
	int64_t at;
	size_t n;
	int64_t last_id; /* of the page's last visit; 0 when empty */
	uint64_t stamp;
} list_entry;

/* The stamps of kept pages, for every store of the process: a page's
 * stamp names its exact content (a page that other pieces of a page were
 * built from, web/fragment.c). */
static _Atomic uint64_t list_stamps;

struct store_count_cache {
	pthread_mutex_t mu;
	count_entry e[COUNT_SLOTS];
	list_entry l[LIST_SLOTS];
};

void store_count_cache_free(struct store_count_cache *cc)
{
	if (!cc)
		return;
	for (size_t i = 0; i < COUNT_SLOTS; i++)
		free(cc->e[i].key);
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		free(cc->l[i].key);
		free(cc->l[i].block);
	}
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

/* The key is written by hand: every view of the search page and the
 * journal makes one or two, and printf parses its format every time. */
static void key_int(buf *k, char tag, int64_t v)
{
	buf_putc(k, tag);
	buf_int(k, v);
	buf_putc(k, ';');
}

/* A text, its length first: no value can be mistaken for the next. */
static void key_text(buf *k, char tag, const char *t)
{
	size_t n = t ? strlen(t) : 0;
	buf_putc(k, tag);
	buf_int(k, (int64_t)n);
	buf_putc(k, ':');
	if (n)
		buf_append(k, t, n);
}

char *store_count_key(const store_visit_filter *f, int page)
{
	buf k;
	buf_init(&k, COUNT_KEY_MAX);
	key_int(&k, 'f', f->from);
	key_int(&k, 't', f->to);
	key_int(&k, 'a', f->agent_id);
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
			if (i == 0 || ids[i] != ids[i - 1]) {
				buf_int(&k, ids[i]);
				buf_putc(&k, ',');
			}
		free(ids);
	}
	if (page) {
		key_int(&k, 'p', f->after_id);
		key_int(&k, 'l', (int64_t)f->limit);
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

/* ---- Pages of visits ---------------------------------------------------- */

/* The string fields of a visit, its visitor and a demand, by offset: a
 * copy must leave no pointer into the arena it was read into. */
static const size_t visit_strs[] = {offsetof(store_visit, channel), offsetof(store_visit, place),
                                    offsetof(store_visit, agent_name)};
static const size_t visitor_strs[] = {
    offsetof(store_visitor, age_bracket),   offsetof(store_visitor, gender),
    offsetof(store_visitor, social_status), offsetof(store_visitor, commune_insee),
    offsetof(store_visitor, languages),     offsetof(store_visitor, disabilities),
    offsetof(store_visitor, full_name),     offsetof(store_visitor, phone),
    offsetof(store_visitor, email),         offsetof(store_visitor, consent_reason),
    offsetof(store_visitor, phone_kind)};
static const size_t demand_strs[] = {
    offsetof(store_demand, operator_code),     offsetof(store_demand, theme_code),
    offsetof(store_demand, procedure_text),    offsetof(store_demand, level),
    offsetof(store_demand, mandate_type),      offsetof(store_demand, mandate_ref),
    offsetof(store_demand, equipment),         offsetof(store_demand, interpreting),
    offsetof(store_demand, interpreting_lang), offsetof(store_demand, outcome),
    offsetof(store_demand, referral_type),     offsetof(store_demand, note)};

/* A page of visits is kept packed in one block: the visits, then all
 * their demands, then every string, each pointer pointing inside the
 * block. A view copies it with one memcpy and moves its pointers. */
#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

static size_t strs_size(const void *rec, const size_t *offsets, size_t n)
{
	size_t size = 0;
	for (size_t i = 0; i < n; i++) {
		const char *t = *(char *const *)((const char *)rec + offsets[i]);
		if (t)
			size += strlen(t) + 1;
	}
	return size;
}

/* Copies each string field of rec (at the offsets) to *at and points the
 * field there. */
static void pack_strs(void *rec, const size_t *offsets, size_t n, char **at)
{
	for (size_t i = 0; i < n; i++) {
		char **field = (char **)((char *)rec + offsets[i]);
		if (!*field)
			continue;
		size_t len = strlen(*field) + 1;
		memcpy(*at, *field, len);
		*field = *at;
		*at += len;
	}
}

/* The page packed into a new block of *size bytes (malloc'd), NULL when
 * larger than LIST_BYTES_MAX or out of memory. */
static char *pack_page(const store_visit *v, size_t n, size_t *size)
{
	size_t nd = 0, strs = 0;
	for (size_t i = 0; i < n; i++) {
		nd += v[i].ndemands;
		strs += strs_size(&v[i], visit_strs, COUNT(visit_strs)) +
		        strs_size(&v[i].visitor, visitor_strs, COUNT(visitor_strs));
		for (size_t k = 0; k < v[i].ndemands; k++)
			strs += strs_size(&v[i].demands[k], demand_strs, COUNT(demand_strs));
	}
	size_t head = ALIGN8((n + 1) * sizeof *v) + ALIGN8(nd * sizeof *v->demands);
	if (nd > LIST_BYTES_MAX || strs > LIST_BYTES_MAX || head + strs > LIST_BYTES_MAX)
		return NULL;
	char *block = calloc(1, head + strs);
	if (!block)
		return NULL;
	store_visit *pv = (store_visit *)block;
	store_demand *pd = (store_demand *)(block + ALIGN8((n + 1) * sizeof *v));
	char *at = block + head;
	if (n)
		memcpy(pv, v, n * sizeof *v);
	for (size_t i = 0; i < n; i++) {
		pack_strs(&pv[i], visit_strs, COUNT(visit_strs), &at);
		pack_strs(&pv[i].visitor, visitor_strs, COUNT(visitor_strs), &at);
		if (!pv[i].ndemands) {
			pv[i].demands = NULL;
			continue;
		}
		memcpy(pd, v[i].demands, pv[i].ndemands * sizeof *pd);
		pv[i].demands = pd;
		for (size_t k = 0; k < pv[i].ndemands; k++)
			pack_strs(&pd[k], demand_strs, COUNT(demand_strs), &at);
		pd += pv[i].ndemands;
	}
	*size = head + strs;
	return block;
}

/* Moves each non-NULL pointer field of rec from the block at from to the
 * copy at to. */
static void move_ptrs(void *rec, const size_t *offsets, size_t n, const char *from, char *to)
{
	for (size_t i = 0; i < n; i++) {
		char **field = (char **)((char *)rec + offsets[i]);
		if (*field)
			*field = to + (*field - from);
	}
}

/* A copy of a packed page in a: NULL when the arena is full. */
static store_visit *unpack_page(arena *a, const char *block, size_t size, size_t n)
{
	char *copy = arena_memdup(a, block, size);
	if (!copy)
		return NULL;
	store_visit *v = (store_visit *)copy;
	for (size_t i = 0; i < n; i++) {
		move_ptrs(&v[i], visit_strs, COUNT(visit_strs), block, copy);
		move_ptrs(&v[i].visitor, visitor_strs, COUNT(visitor_strs), block, copy);
		if (!v[i].demands)
			continue;
		v[i].demands = (store_demand *)(copy + ((const char *)v[i].demands - block));
		for (size_t k = 0; k < v[i].ndemands; k++)
			move_ptrs(&v[i].demands[k], demand_strs, COUNT(demand_strs), block, copy);
	}
	return v;
}

/* The entry kept under key while it is valid, or NULL (under cc->mu). */
static const list_entry *list_find(struct store_count_cache *cc, const char *key, uint64_t gen, int64_t now)
{
	const list_entry *e = &cc->l[key_hash(key) % LIST_SLOTS];
	if (e->key && e->gen == gen && now >= e->at && now - e->at < LIST_TTL_S && strcmp(e->key, key) == 0)
		return e;
	return NULL;
}

int store_list_peek(store *s, const char *key, uint64_t gen, int64_t now, size_t *n, int64_t *last_id,
                    uint64_t *stamp)
{
	struct store_count_cache *cc = s->counts;
	if (!cc || !key)
		return 0;
	pthread_mutex_lock(&cc->mu);
	const list_entry *e = list_find(cc, key, gen, now);
	if (e) {
		*n = e->n;
		*last_id = e->last_id;
		*stamp = e->stamp;
	}
	pthread_mutex_unlock(&cc->mu);
	return e != NULL;
}

int store_list_get(store *s, arena *a, const char *key, uint64_t gen, int64_t now, store_visit **out,
                   size_t *n, uint64_t *stamp)
{
	struct store_count_cache *cc = s->counts;
	if (!cc || !key)
		return 0;
	int found = 0;
	pthread_mutex_lock(&cc->mu);
	const list_entry *e = list_find(cc, key, gen, now);
	if (e) {
		store_visit *copy = unpack_page(a, e->block, e->size, e->n);
		if (copy) {
			*out = copy;
			*n = e->n;
			*stamp = e->stamp;
			found = 1;
		}
	}
	pthread_mutex_unlock(&cc->mu);
	return found;
}

uint64_t store_list_put(store *s, const char *key, uint64_t gen, int64_t now, const store_visit *v, size_t n)
{
	struct store_count_cache *cc = s->counts;
	if (!cc || !key)
		return 0;
	size_t size = 0;
	char *k = strdup(key);
	char *block = k ? pack_page(v, n, &size) : NULL;
	if (!block) {
		free(k);
		return 0;
	}
	uint64_t stamp = atomic_fetch_add(&list_stamps, 1) + 1;
	pthread_mutex_lock(&cc->mu);
	list_entry *e = &cc->l[key_hash(key) % LIST_SLOTS];
	list_entry old = *e;
	*e = (list_entry){.key = k,
	                  .block = block,
	                  .size = size,
	                  .gen = gen,
	                  .at = now,
	                  .n = n,
	                  .last_id = n ? v[n - 1].id : 0,
	                  .stamp = stamp};
	pthread_mutex_unlock(&cc->mu);
	free(old.key);
	free(old.block);
	return stamp;
}
