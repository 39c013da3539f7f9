/*
 * store_catalog_cache.c: the catalog's lists (operators, themes,
 * procedures) kept in memory. The recording form, the day journal and the
 * search page read all three on every view, three statements for rows that
 * an administrator changes a few times a year.
 *
 * A list is kept as it was read (for each kind, all rows or the active
 * ones), valid while the catalog's generation holds: every write of the
 * catalog through this store (store_catalog.c, a synchronised table)
 * moves it on after committing, so an edit shows at the next view. Writes
 * of another process (a second server on the same PostgreSQL) show within
 * CATALOG_TTL_S seconds, as for the form's frequent choices. The
 * generation is read before the statement: an edit committed while it
 * runs leaves the entry behind.
 *
 * A caller gets its own copy in its arena (rows and strings): it may keep
 * or change it as if it had been read from the database.
 *
 * Each kept list has a stamp of its own, unique in the process
 * (store_catalog_stamps): the recording form keys its kept blank block with
 * the stamps of its three lists instead of their text.
 *
 * The list of all rows is also sorted by key when kept, so that a page
 * naming one operator or procedure (a visit's, each row of a table of
 * visits) finds it there instead of asking the database
 * (store_catalog_find, store_operator_get_kept).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"

#define CATALOG_TTL_S 60
/* A list larger than this is read every time (a catalog is a few hundred
 * rows and a few tens of KB). */
#define CATALOG_BYTES_MAX ((size_t)4 << 20)

/* The string fields of each kind's row, by offset. A row is found by its
 * id (procedures) or by its first string, its code (operators, themes). */
typedef struct catalog_kind {
	size_t size;
	size_t nstr;
	size_t str[6];
} catalog_kind;

static const catalog_kind kinds[CATALOG_KINDS] = {
    [CATALOG_OPERATORS] = {sizeof(store_operator),
                           2,
                           {offsetof(store_operator, code), offsetof(store_operator, name)}},
    [CATALOG_THEMES] = {sizeof(store_theme), 2, {offsetof(store_theme, code), offsetof(store_theme, label)}},
    [CATALOG_PROCEDURES] = {sizeof(store_procedure),
                            5,
                            {offsetof(store_procedure, label), offsetof(store_procedure, theme_code),
                             offsetof(store_procedure, operator_code), offsetof(store_procedure, url),
                             offsetof(store_procedure, documents)}},
};

typedef struct catalog_entry {
	arena *held; /* NULL: empty */
	uint64_t gen;
	int64_t at; /* when read */
	void *rows;
	size_t n;
	const void **by_key; /* the rows sorted by id or code, for lookups */
	uint64_t stamp;      /* this list's own, unique in the process */
} catalog_entry;

/* The stamps of kept lists, for every store of the process: a stamp names
 * a list's exact content (pieces of pages built from it, web/fragment.c). */
static _Atomic uint64_t catalog_stamps;

struct store_catalog_cache {
	pthread_mutex_t mu;
	catalog_entry e[CATALOG_KINDS][2]; /* [kind][active_only] */
};

void store_catalog_changed(store *s)
{
	atomic_fetch_add(&s->catalog_gen, 1);
}

uint64_t store_catalog_version(store *s)
{
	return atomic_load(&s->catalog_gen);
}

/* An entry holds a list read at generation gen, less than CATALOG_TTL_S
 * seconds before now. */
static int entry_valid(const catalog_entry *e, uint64_t gen, int64_t now)
{
	return e->held && e->gen == gen && now >= e->at && now - e->at < CATALOG_TTL_S;
}

int store_catalog_stamps(store *s, const store_catalog_list *which, size_t n, uint64_t *stamps)
{
	static const struct {
		int kind, active_only;
	} lists[] = {[STORE_LIST_OPERATORS] = {CATALOG_OPERATORS, 0},
	             [STORE_LIST_OPERATORS_ACTIVE] = {CATALOG_OPERATORS, 1},
	             [STORE_LIST_THEMES] = {CATALOG_THEMES, 0},
	             [STORE_LIST_PROCEDURES_ACTIVE] = {CATALOG_PROCEDURES, 1}};
	struct store_catalog_cache *cc = s->catalog;
	uint64_t gen = store_catalog_version(s);
	int64_t now = now_s();
	int rc = 0;
	pthread_mutex_lock(&cc->mu);
	for (size_t i = 0; i < n; i++) {
		const catalog_entry *e = &cc->e[lists[which[i]].kind][lists[which[i]].active_only];
		int valid = entry_valid(e, gen, now);
		stamps[i] = valid ? e->stamp : 0;
		if (!valid)
			rc = -1;
	}
	pthread_mutex_unlock(&cc->mu);
	return rc;
}

void store_catalog_cache_free(struct store_catalog_cache *cc)
{
	if (!cc)
		return;
	for (size_t k = 0; k < CATALOG_KINDS; k++)
		for (size_t i = 0; i < 2; i++)
			arena_free(cc->e[k][i].held);
	pthread_mutex_destroy(&cc->mu);
	free(cc);
}

struct store_catalog_cache *store_catalog_cache_new(void)
{
	struct store_catalog_cache *made = xcalloc(1, sizeof *made);
	pthread_mutex_init(&made->mu, NULL);
	return made;
}

/* Copies n rows of kind into a, their strings with them: NULL when the
 * arena is full. */
static void *copy_rows(arena *a, const catalog_kind *k, const void *rows, size_t n)
{
	char *copy = arena_alloc(a, (n + 1) * k->size);
	if (!copy)
		return NULL;
	if (n)
		memcpy(copy, rows, n * k->size);
	for (size_t i = 0; i < n; i++)
		for (size_t f = 0; f < k->nstr; f++) {
			char **field = (char **)(copy + i * k->size + k->str[f]);
			if (*field && !(*field = arena_strdup(a, *field)))
				return NULL;
		}
	return copy;
}

_Static_assert(offsetof(store_operator, code) == 0 && offsetof(store_theme, code) == 0,
               "operators and themes are found by their first field");

/* A row compared with a key: its id for procedures, its code (the first
 * string of operators and themes, at offset 0) otherwise. */
static int key_cmp(int kind, const void *row, int64_t id, const char *code)
{
	if (kind == CATALOG_PROCEDURES) {
		int64_t ri = ((const store_procedure *)row)->id;
		return ri < id ? -1 : ri > id;
	}
	const char *rc = *(char *const *)row;
	return strcmp(rc ? rc : "", code ? code : "");
}

static int by_id(const void *x, const void *y)
{
	const store_procedure *a = *(const void *const *)x, *b = *(const void *const *)y;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int by_code(const void *x, const void *y)
{
	const char *a = **(char *const *const *)x, *b = **(char *const *const *)y;
	return strcmp(a ? a : "", b ? b : "");
}

/* Pointers to the rows of a list in key order, in a. */
static const void **sort_by_key(arena *a, int kind, const void *rows, size_t n)
{
	const void **by = arena_alloc(a, (n + 1) * sizeof *by);
	if (!by)
		return NULL;
	for (size_t i = 0; i < n; i++)
		by[i] = (const char *)rows + i * kinds[kind].size;
	if (n > 1)
		qsort(by, n, sizeof *by, kind == CATALOG_PROCEDURES ? by_id : by_code);
	return by;
}

int store_catalog_find(store *s, arena *a, int kind, uint64_t gen, int64_t now, int64_t id, const char *code,
                       void *out)
{
	struct store_catalog_cache *cc = s->catalog;
	int found = -1;
	pthread_mutex_lock(&cc->mu);
	const catalog_entry *e = &cc->e[kind][0];
	if (entry_valid(e, gen, now) && e->by_key) {
		found = 0;
		size_t lo = 0, hi = e->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = key_cmp(kind, e->by_key[mid], id, code);
			if (c == 0) {
				void *copy = copy_rows(a, &kinds[kind], e->by_key[mid], 1);
				if (copy)
					memcpy(out, copy, kinds[kind].size);
				found = copy ? 1 : -1;
				break;
			}
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	pthread_mutex_unlock(&cc->mu);
	return found;
}

int store_catalog_get(store *s, arena *a, int kind, int active_only, uint64_t gen, int64_t now, void **out,
                      size_t *n)
{
	struct store_catalog_cache *cc = s->catalog;
	int found = 0;
	pthread_mutex_lock(&cc->mu);
	const catalog_entry *e = &cc->e[kind][active_only != 0];
	if (entry_valid(e, gen, now)) {
		void *copy = copy_rows(a, &kinds[kind], e->rows, e->n);
		if (copy) {
			*out = copy;
			*n = e->n;
			found = 1;
		}
	}
	pthread_mutex_unlock(&cc->mu);
	return found;
}

void store_catalog_put(store *s, int kind, int active_only, uint64_t gen, int64_t now, const void *rows,
                       size_t n)
{
	struct store_catalog_cache *cc = s->catalog;
	arena *held = arena_new(CATALOG_BYTES_MAX);
	void *copy = copy_rows(held, &kinds[kind], rows, n);
	const void **by_key = copy ? sort_by_key(held, kind, copy, n) : NULL;
	if (!by_key) {
		arena_free(held);
		return;
	}
	pthread_mutex_lock(&cc->mu);
	catalog_entry *e = &cc->e[kind][active_only != 0];
	arena *old = e->held;
	*e = (catalog_entry){.held = held,
	                     .gen = gen,
	                     .at = now,
	                     .rows = copy,
	                     .n = n,
	                     .by_key = by_key,
	                     .stamp = atomic_fetch_add(&catalog_stamps, 1) + 1};
	pthread_mutex_unlock(&cc->mu);
	arena_free(old);
}
