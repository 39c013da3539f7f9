/*
 * store_impl.h: what the store*.c files share and nobody else sees: the
 * store itself and the few helpers that run one statement, so that each
 * function of store.h reads as its SQL plus its parameters.
 */
#ifndef GUICHET_STORE_IMPL_H
#define GUICHET_STORE_IMPL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "stats/stats.h"
#include "store/store.h"
#include "util/util.h"

/* Counters of committed writes to a site's visits, shared by sites whose
 * ids fall in the same slot (a write to one then also refreshes what is
 * cached for the other, never the reverse). */
#define STORE_SITE_GENS 256

struct store_freq_cache;
struct store_count_cache;
struct store_catalog_cache;

struct store {
	db *db;
	_Atomic uint64_t errors; /* STORE_ERROR results, for /metrics */
	/* Bumped AFTER each committed write of a site's visits (recorded,
	 * corrected, deleted, imported, synchronised): a value computed from
	 * the store while a slot held g stays right as long as it holds g. */
	_Atomic uint64_t site_gen[STORE_SITE_GENS];
	_Atomic uint64_t all_gen;      /* writes whose site is not known: every site */
	struct store_freq_cache *freq; /* the recording form's frequent choices (store_catalog.c) */
	/* The search page's counts, the journal's and search's pages of
	 * visits (store_count_cache.c). */
	struct store_count_cache *counts;
	/* Bumped AFTER each committed write of the catalog (store_catalog.c,
	 * a synchronised table): its lists are kept against it. */
	_Atomic uint64_t catalog_gen;
	struct store_catalog_cache *catalog; /* the catalog's lists (store_catalog_cache.c) */
};

/* Called after a write to site_id's visits has committed; 0 for a write
 * that may touch any site. */
void store_site_changed(store *s, int64_t site_id);
/* The recording form's frequent choices kept per site (store_freq.c):
 * store_freq_get copies a valid entry into the arena (1 when found, 0 when
 * it must be computed); store_freq_put keeps what was computed while the
 * site's generation was gen; store_freq_cache_free at store_close. */
enum { FREQ_OPERATORS, FREQ_PROCEDURES };
int store_freq_get(store *s, arena *a, int kind, int64_t site_id, int64_t since, size_t limit, uint64_t gen,
                   void **out, size_t *n);
void store_freq_put(store *s, int kind, int64_t site_id, int64_t since, size_t limit, uint64_t gen,
                    const void *rows, size_t n);
struct store_freq_cache *store_freq_cache_new(void);
void store_freq_cache_free(struct store_freq_cache *fc);
/* The search page's counts kept per filter (store_count_cache.c): the
 * generation of a scope (NULL: every site), the canonical key of a filter
 * (malloc'd; NULL when too long to keep; with page, of its page of
 * visits: after_id and limit too), and get/put like store_freq. */
uint64_t store_scope_generation(store *s, const int64_t *site_ids, size_t nsites);
char *store_count_key(const store_visit_filter *f, int page);
int store_count_get(store *s, const char *key, uint64_t gen, int64_t now, int64_t *visits, int64_t *demands);
void store_count_put(store *s, const char *key, uint64_t gen, int64_t now, int64_t visits, int64_t demands);
/* A page of visits (store_visit_list with f->cached) kept the same way:
 * get copies a valid one into the arena, visitors, demands and strings
 * with it (1 when found); put keeps a copy of what was read. Each page
 * kept gets a stamp of its own, unique in the process, that get gives
 * back with it (put: its stamp, 0 when it could not be kept). */
int store_list_get(store *s, arena *a, const char *key, uint64_t gen, int64_t now, store_visit **out,
                   size_t *n, uint64_t *stamp);
/* What get would give of a valid page, without copying it: its length,
 * the id of its last visit (0 when empty) and its stamp (1 when found). */
int store_list_peek(store *s, const char *key, uint64_t gen, int64_t now, size_t *n, int64_t *last_id,
                    uint64_t *stamp);
uint64_t store_list_put(store *s, const char *key, uint64_t gen, int64_t now, const store_visit *v, size_t n);
struct store_count_cache *store_count_cache_new(void);
void store_count_cache_free(struct store_count_cache *cc);
/* The catalog's lists kept in memory (store_catalog_cache.c): a list of
 * kind, all rows or the active ones, as read while the catalog's
 * generation was gen; get copies a valid one into the arena (1 when
 * found, 0 when it must be read), put keeps what was read. */
enum { CATALOG_OPERATORS, CATALOG_THEMES, CATALOG_PROCEDURES, CATALOG_KINDS };
void store_catalog_changed(store *s);
int store_catalog_get(store *s, arena *a, int kind, int active_only, uint64_t gen, int64_t now, void **out,
                      size_t *n);
void store_catalog_put(store *s, int kind, int active_only, uint64_t gen, int64_t now, const void *rows,
                       size_t n);
/* One row of the kept list of all rows of kind, by id (procedures) or code
 * (operators, themes), copied into out with its strings in a: 1 when
 * copied, 0 when the valid list has no such row, -1 when no valid list is
 * kept (or a is full) and the row must be read. */
int store_catalog_find(store *s, arena *a, int kind, uint64_t gen, int64_t now, int64_t id, const char *code,
                       void *out);
struct store_catalog_cache *store_catalog_cache_new(void);
void store_catalog_cache_free(struct store_catalog_cache *cc);

/* One parameter of a statement. Built with P_INT and P_TEXT so that the
 * compiler checks the type of every value (a variadic list would not). */
typedef struct store_param {
	char type; /* 'i' or 't' */
	int64_t i;
	const char *t; /* NULL binds '' (text columns are NOT NULL) */
} store_param;

#define P_INT(v) ((store_param){.type = 'i', .i = (v)})
#define P_TEXT(v) ((store_param){.type = 't', .t = (v)})
/* Expands to "array, count" for the helpers' (p, n) arguments. */
#define PARAMS(...) (store_param[]){__VA_ARGS__}, COUNT(((store_param[]){__VA_ARGS__}))
#define NO_PARAMS NULL, 0

/* Logs a failure of operation op without personal data, counts it and
 * returns STORE_ERROR; a constraint violation is an expected answer and only
 * returns STORE_CONFLICT. */
int store_fail(store *s, const char *op, int db_rc, const char *msg);
/* Prepares sql and binds p; NULL after logging the failure. */
db_stmt *store_prep(store *s, db_conn *c, const char *op, const char *sql, const store_param *p, size_t n);
/* Runs one statement to its end on c: returns the number of rows it gave
 * (the first column of the first row in *first when non-NULL), or a STORE_*
 * error. */
int store_run(store *s, db_conn *c, const char *op, const char *sql, const store_param *p, size_t n,
              int64_t *first);
/* The same on a connection of its own, outside any transaction. With
 * need_row, a statement that gives no row answers STORE_NOT_FOUND. */
int store_once(store *s, const char *op, const char *sql, const store_param *p, size_t n, int64_t *first,
               int need_row);
/* A write transaction: begin, then end with the result of the work, which
 * commits on STORE_OK and rolls back on anything else. */
int store_tx_begin(store *s, db_conn *c, const char *op);
int store_tx_end(store *s, db_conn *c, const char *op, int rc);

/* Copies a column into the arena; NULL when the arena is full (*oom set). */
char *store_col_dup(arena *a, db_stmt *st, int col, int *oom);
/* Lower-cases ASCII letters into a new malloc'd string (e-mail addresses). */
char *store_lower(const char *s);

/* A growable array of records collected from rows, copied into the caller's
 * arena at the end (the arena cannot grow an allocation in place). */
typedef struct store_vec {
	void *v;
	size_t n, cap, size;
} store_vec;

void *store_vec_push(store_vec *v);
/* [from, to) in Unix seconds of the local days [from_day, to_day] of a
 * statistics question (store_stats.c). */
int store_period_seconds(int32_t from_day, int32_t to_day, int64_t *from, int64_t *to);
/* One row of the audit journal, columns id, at, user_id, action, object,
 * object_id, site_id, address, detail (store_auth.c). */
void store_audit_row(arena *a, db_stmt *st, store_audit *e, int *oom);
/* Moves the records into the arena and frees the vector. */
int store_vec_finish(store_vec *v, arena *a, void **out, size_t *n);
void store_vec_free(store_vec *v);

/* Appends to sql the scope of a report's question q (its sites, else its
 * département, else its région) and its operator, with their values in
 * p[*np…]: the query reads sites as s, joined to their départements as dp;
 * site_col names the row's site, op_col its operator (NULL when the
 * operator filter does not apply). p has room for q->nsites + 2 more. */
void store_report_scope_sql(buf *sql, store_param *p, size_t *np, const stats_query *q, const char *site_col,
                            const char *op_col);

/* Reads one row of a statement into a record of the vector; non-zero when
 * the arena is full. */
typedef int (*store_row_fn)(db_stmt *st, arena *a, void *row);
/* Every row of st (prepared on c; NULL gives STORE_ERROR) as records of
 * size bytes read by fn, in the arena: *out and *n, both empty on failure.
 * st is finished. */
int store_rows_collect(store *s, db_conn *c, const char *op, db_stmt *st, arena *a, size_t size,
                       store_row_fn fn, void **out, size_t *n);
/* The same for a whole query on a connection of its own. */
int store_rows(store *s, const char *op, const char *sql, const store_param *p, size_t np, arena *a,
               size_t size, store_row_fn fn, void **out, size_t *n);
/* Its first row into out, or STORE_NOT_FOUND. */
int store_row_one(store *s, const char *op, const char *sql, const store_param *p, size_t np, arena *a,
                  size_t size, store_row_fn fn, void *out);

#endif
