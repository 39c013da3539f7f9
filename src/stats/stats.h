/*
 * stats.h: the steering indicators (docs/stats.md) for any period, scope
 * and filters, answered two ways with the same result:
 *
 *  - stats_engine: an in-memory column store of every live demand, grouped
 *    by site and sorted by day, so that a scope and a period select a few
 *    ranges and every breakdown is counted in one pass (optionally split
 *    over two threads). It is loaded once and kept up to date by
 *    stats_engine_refresh (rows changed since the last refresh).
 *  - store_stats_sql (store/store_stats.h): plain GROUP BY queries on the
 *    store, the reference the engine is checked against, and the baseline
 *    of the bench.
 *
 * Both fill a stats_result, which stats_result_json/csv/text write, so the
 * report pages and exports of later work build on one structure.
 */
#ifndef GUICHET_STATS_H
#define GUICHET_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* A day as a number: days since 1970-01-01 of the local calendar. */
int stats_day_parse(const char *ymd, int32_t *day); /* "YYYY-MM-DD"; 0 or -1 */
void stats_day_format(int32_t day, char out[11]);
int32_t stats_day_of_time(int64_t t); /* local day of a Unix time */
/* The same day one year earlier (29 February gives 28 February). */
int32_t stats_day_year_before(int32_t day);

typedef struct stats_query {
	int32_t from_day, to_day; /* inclusive */
	/* Scope: at most one of these; none for the nation. */
	const int64_t *site_ids;
	size_t nsites;
	const char *departement;
	const char *region;
	/* Filters; NULL or "" when not set. */
	const char *operator_code;
	const char *theme_code;
	const char *channel;
	const char *public_code; /* a STATS_PUBLICS code */
	int64_t agent_id;        /* 0 when not set */
} stats_query;

/* The periods compared in growth: the same number of days just before,
 * and the same dates a year before ({from, to} each). */
void stats_periods(const stats_query *q, int32_t prev[2], int32_t yago[2]);

/* The codes of autonomy_progression, in its order. */
extern const char *const STATS_PROGRESSION[3]; /* progresse, stable, recule */

/* The particular publics, in output order, and whether a code is one. */
extern const char *const STATS_PUBLICS[8];
int stats_public_valid(const char *code);

/* The breakdowns: each an object code → count in the JSON. The unit says
 * what is counted: demands, or visits (each visit once, its visitor's
 * profile as it is now). */
enum stats_bd {
	BD_OPERATOR, /* demands */
	BD_THEME,
	BD_PROCEDURE,
	BD_LEVEL,
	BD_OUTCOME,
	BD_REFERRAL,
	BD_AUTONOMY,
	BD_EQUIPMENT,
	BD_INTERPRETING,
	BD_INTERPRETING_LANG,
	BD_CHANNEL, /* visits from here on */
	BD_AGE,
	BD_GENDER,
	BD_STATUS,
	BD_COMMUNE,
	BD_PUBLIC,
	BD_LANGUAGE,
	BD_DURATION,
	BD_WEEKDAY,
	BD_HOUR,
	BD_COUNT
};
#define STATS_FIRST_VISIT_BD BD_CHANNEL

/* The JSON key of a breakdown ("by_operator"…). */
const char *stats_bd_name(enum stats_bd bd);

typedef struct stats_count {
	const char *code;
	int64_t n;
} stats_count;

typedef struct stats_breakdown {
	stats_count *v; /* sorted by code, no zero counts */
	size_t n, cap;
} stats_breakdown;

/* yes / no / unknown for the evaluation's age cuts. */
enum { CUT_YES, CUT_NO, CUT_UNKNOWN };

typedef struct stats_result {
	stats_query q; /* as asked (strings not owned) */
	int64_t visits, demands, solved;
	int64_t identified_distinct, anonymous_visits;
	int64_t prev_visits, prev_demands; /* the period just before, same length */
	int64_t yago_visits, yago_demands; /* the same dates a year before */
	int64_t over_55[3], under_26[3];
	int64_t workshops, participants;
	/* Identified people with two visits or more where digital autonomy was
	 * evaluated: the last level against the first, higher / the same /
	 * lower (STATS_PROGRESSION codes). */
	int64_t autonomy_progression[3];
	/* Satisfaction answers in scope and period (they have a site and a
	 * time only: 0 as soon as an operator, theme, channel, public or
	 * adviser filter is given): overall [0] pas bien, [1] moyen, [2] très
	 * bien; clarity [0] not answered, [1..5] the level. */
	int64_t satisfaction[3];
	int64_t clarity[6];
	stats_breakdown bd[BD_COUNT];
	arena *a; /* codes */
} stats_result;

/* A result with its own arena; stats_result_free releases it. */
stats_result *stats_result_new(const stats_query *q);
void stats_result_free(stats_result *r);
/* Adds n to code in a breakdown (any order; n 0 is ignored). */
int stats_result_add(stats_result *r, enum stats_bd bd, const char *code, int64_t n);
/* Makes room in bd for n more codes at once. */
void stats_result_reserve(stats_result *r, enum stats_bd bd, size_t n);
/* Sorts every breakdown by code: call once all counts are in. */
void stats_result_finish(stats_result *r);

/* Writers: JSON (docs/stats.md), CSV (section,code,count) and text. */
int stats_result_json(const stats_result *r, buf *b);
int stats_result_csv(const stats_result *r, buf *b);
int stats_result_text(const stats_result *r, buf *b);

/* Codes used by both implementations for the values they derive. */
#define STATS_NOT_GIVEN "non_renseigne"
const char *stats_duration_class(int64_t minutes); /* moins_30, 30_60, 60_120, 120_plus, non_renseigne */
/* The age cuts of one visit (CUT_*): from the birth year when known, else
 * from the bracket when it lies wholly on one side. */
int stats_cut_over_55(int64_t birth_year, int year, const char *bracket);
int stats_cut_under_26(int64_t birth_year, int year, const char *bracket);

/* ------------------------------------------------------------------ */
/* The engine. */

typedef struct stats_engine stats_engine;

/* ------------------------------------------------------------------ */
/* What the engine reads: rows handed to callbacks by a source. The store
 * gives one (store_stats_source in store/store_stats.h); the engine never
 * calls the store itself, so the data flows from the store up to it. */
/* One demand joined with its visit and visitor, as the engine loads it.
 * Texts are valid during the callback only. A deleted or demand-less visit
 * comes as one row with demand_id 0 (refresh only). */
typedef struct stats_row {
	int64_t visit_id, site_id, agent_id, started_at, visit_duration, deleted_at;
	const char *channel;
	int64_t visitor_id, identified, birth_year;
	const char *age_bracket, *gender, *social_status, *commune, *disabilities, *languages;
	int no_phone, no_email, no_device, no_internet, allophone, illiteracy, very_precarious;
	int64_t demand_id, procedure_id, autonomy, demand_duration;
	const char *operator_code, *theme_code, *level, *equipment, *interpreting, *interpreting_lang,
	    *outcome, *referral;
} stats_row;
typedef int (*stats_row_fn)(void *ctx, const stats_row *r);


typedef struct stats_site_row {
	int64_t id;
	const char *departement, *region;
} stats_site_row;
typedef int (*stats_site_fn)(void *ctx, const stats_site_row *r);

typedef struct stats_workshop_row {
	int64_t site_id, agent_id, held_at, participants;
} stats_workshop_row;
typedef int (*stats_workshop_fn)(void *ctx, const stats_workshop_row *r);

/* Satisfaction answers as the engine loads them. since < 0: every live
 * answer; since >= 0: every answer (deleted too) whose row changed at or
 * after since. Ordered by id. */
typedef struct stats_satisfaction_row {
	int64_t id, site_id, answered_at, deleted_at;
	int overall, clarity;
} stats_satisfaction_row;
typedef int (*stats_satisfaction_fn)(void *ctx, const stats_satisfaction_row *r);


typedef struct stats_source {
	void *ctx;
	int (*sites)(void *ctx, stats_site_fn fn, void *fctx);
	/* since < 0: every live visit. since >= 0: every visit (deleted too)
	 * whose row or visitor changed at or after since. Ordered by visit,
	 * then demand. */
	int (*rows)(void *ctx, int64_t since, stats_row_fn fn, void *fctx);
	int (*workshops)(void *ctx, stats_workshop_fn fn, void *fctx);
	/* since < 0: every live answer; since >= 0: every answer (deleted too)
	 * whose row changed at or after since. Ordered by id. */
	int (*satisfaction)(void *ctx, int64_t since, stats_satisfaction_fn fn, void *fctx);
	/* One visit's site and start time, deleted or not: 1, 0 when there
	 * is no such visit, -1 on error. What a snapshot is checked with. */
	int (*visit)(void *ctx, int64_t id, int64_t *site_id, int64_t *started_at);
} stats_source;

typedef struct stats_engine_info {
	size_t visits, demands; /* live rows held */
	size_t delta_visits;    /* rows added by refreshes, not yet merged */
	size_t bytes;           /* memory of the columns and indexes */
	int64_t load_us, last_refresh_us;
	int from_snapshot; /* loaded from a snapshot, then caught up */
	uint64_t changes;  /* rows applied by refreshes since the load */
} stats_engine_info;

/* Loads every live demand that src gives; the engine keeps a copy of src
 * for its refreshes. threads: 1 or 2. NULL on error. */
stats_engine *stats_engine_load(const stats_source *src, int threads);
void stats_engine_free(stats_engine *e);
/* Reads what changed since the last load or refresh (visits created,
 * edited or deleted, visitors edited, sites moved, workshops) and applies
 * it. Safe against concurrent queries: it takes the engine's lock for the
 * short time of applying. */
int stats_engine_refresh(stats_engine *e);
void stats_engine_info_get(stats_engine *e, stats_engine_info *out);
/* The visits and demands of q (scope and filters; its own period is not
 * used) over each of n periods {from, to}, counted like the totals of
 * stats_engine_query but without any breakdown: what a time series or a
 * table by site needs, at a fraction of a question's cost. 0, or -1 for a
 * period with from after to. */
int stats_engine_counts(stats_engine *e, const stats_query *q, size_t n, const int32_t (*periods)[2],
                        int64_t *visits, int64_t *demands);
/* The snapshot (stats_snapshot.c): the engine's columns in a file beside
 * the store, written whole (a new file renamed over the old) and mapped
 * when opened. identity names the store (a snapshot of another store is
 * refused). 0, or -1 (logged). */
int stats_engine_save(stats_engine *e, const char *identity, const char *path);
/* An engine from the snapshot at path, checked (format, checksum,
 * vocabularies, identity, one visit found again in the store) and caught
 * up with the store by a refresh. NULL when there is none or it cannot be
 * trusted, *why saying which ("absent", "damaged", "stale"…): the caller
 * then loads from the store. */
stats_engine *stats_engine_open(const stats_source *src, const char *identity, const char *path, int threads,
                                const char **why);
/* Answers q into a new result; NULL on error. */
stats_result *stats_engine_query(stats_engine *e, const stats_query *q);

#endif
