/*
 * store_stats.h: the store side of the statistics: the rows the engine
 * loads (as a stats_source) and the same indicators in plain SQL, the
 * reference the engine is checked against and the baseline of the bench.
 */
#ifndef GUICHET_STORE_STATS_H
#define GUICHET_STORE_STATS_H

#include "stats/stats.h"
#include "store/store.h"

/* since < 0: every live visit. since >= 0: every visit (deleted too) whose
 * row or visitor changed at or after since. Ordered by visit, then demand. */
int store_stats_rows(store *s, int64_t since, stats_row_fn fn, void *ctx);
int store_stats_sites(store *s, stats_site_fn fn, void *ctx);
int store_stats_workshops(store *s, stats_workshop_fn fn, void *ctx);
int store_stats_satisfaction(store *s, int64_t since, stats_satisfaction_fn fn, void *ctx);

/* The baseline: the same result from GROUP BY queries on the store. */
stats_result *store_stats_sql(store *s, const stats_query *q);

/* A source reading s, for stats_engine_load. */
stats_source store_stats_source(store *s);
/* stats_engine_load on store_stats_source(s). */
stats_engine *store_stats_load(store *s, int threads);
/* The store's identity as a snapshot names it. */
int store_stats_identity(store *s, char *out, size_t n);
/* Writes e's snapshot to path, named with s's identity: 0 or -1. */
int store_stats_save(store *s, stats_engine *e, const char *snapshot);
/* The engine from the snapshot at path when it can be trusted (caught up
 * with the store), else loaded from the store and the snapshot written
 * again; path NULL: loaded from the store, no snapshot. */
stats_engine *store_stats_open(store *s, int threads, const char *snapshot);

#endif
