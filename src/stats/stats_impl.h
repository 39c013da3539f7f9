/*
 * stats_impl.h: the engine's inside, shared by stats.c (queries) and
 * stats_load.c (loading, refresh, merge). See docs/stats.md for the layout.
 */
#ifndef GUICHET_STATS_IMPL_H
#define GUICHET_STATS_IMPL_H

#include <pthread.h>
#include <stdint.h>

#include "stats/stats.h"

/* A refresh reads the changes stamped at or after the start of the
 * previous one minus this margin: a write whose clock was read just before
 * the previous refresh but committed after it is not missed. Reading a
 * change twice does no harm (its old version dies either way). */
#define STATS_REFRESH_MARGIN_S 5

/* Strings to small integers, one dictionary per dimension. */
typedef struct dict {
	char **s;
	uint32_t n, cap, max; /* max: the largest count the column can hold */
	uint32_t *slots;      /* index + 1; 0 for empty */
	uint32_t nslots;
	uint32_t *order; /* indexes in the order of their codes ("" as STATS_NOT_GIVEN) */
	uint32_t norder; /* entries of order: n when up to date */
} dict;

void dict_init(dict *d, uint32_t max);
void dict_free(dict *d);
/* The index of s, added when new; -1 when the dictionary is full. */
int64_t dict_id(dict *d, const char *s);
/* The index of s, or -1 when absent. */
int64_t dict_find(const dict *d, const char *s);
/* Brings d->order up to date (under the engine's write lock), so that
 * queries add codes in order and the result needs no sort. */
void dict_sort(dict *d);

/* Fixed-radix codes of the small vocabularies: index in the ENUM + 1, 0
 * for "". A visit's profile and a demand's handling each pack into one
 * 16-bit key, so that counting them is one increment. */
#define R_CHANNEL 9
#define R_AGE 9
#define R_GENDER 4
#define R_STATUS 6
#define R_CUTS 9
#define R_FLAGS 256
#define R_DISAB 2
#define R_DUR 5
#define R_LEVEL 4
#define R_AUTONOMY 4
#define R_INTERP 6
#define R_OUTCOME 6
#define R_REFERRAL 8
#define N_VK1 (R_CHANNEL * R_AGE * R_GENDER * R_STATUS * R_CUTS)
#define N_VK2 (R_FLAGS * R_DISAB * R_DUR)
#define N_DK (R_LEVEL * R_AUTONOMY * R_INTERP * R_OUTCOME * R_REFERRAL)

/* Visitor flags (vk2 low byte). */
enum {
	F_NO_PHONE = 1,
	F_NO_EMAIL = 2,
	F_NO_DEVICE = 4,
	F_NO_INTERNET = 8,
	F_ALLOPHONE = 16,
	F_ILLITERACY = 32,
	F_PRECARIOUS = 64,
	F_IDENTIFIED = 128
};

/* The columns of a segment: one entry per visit, and per demand. */
#define VISIT_COLS(X)                                                                                        \
	X(uint32_t, vid)                                                                                     \
	X(uint32_t, visitor)                                                                                 \
	X(uint32_t, dfirst)                                                                                  \
	X(uint16_t, site)                                                                                    \
	X(uint16_t, day)                                                                                     \
	X(uint16_t, vk1)                                                                                     \
	X(uint16_t, vk2)                                                                                     \
	X(uint16_t, commune)                                                                                 \
	X(uint16_t, langs)                                                                                   \
	X(uint16_t, agent)                                                                                   \
	X(uint8_t, dn)                                                                                       \
	X(uint8_t, hour)                                                                                     \
	X(uint8_t, dead)
#define DEMAND_COLS(X)                                                                                       \
	X(uint16_t, op)                                                                                      \
	X(uint16_t, proc)                                                                                    \
	X(uint16_t, dk)                                                                                      \
	X(uint16_t, equip)                                                                                   \
	X(uint8_t, theme)                                                                                    \
	X(uint8_t, ilang)

typedef struct seg {
	size_t nv, capv, nd, capd;
#define X(t, n) t *n;
	VISIT_COLS(X)
	DEMAND_COLS(X)
#undef X
} seg;

void seg_free(seg *g);
/* Room for one more visit and for nd more demands. */
void seg_reserve(seg *g, size_t nv, size_t nd);
size_t seg_bytes(const seg *g);

typedef struct wshop {
	uint16_t site;
	uint16_t day;
	int64_t agent_id, participants;
} wshop;

/* A satisfaction answer: 8 bytes of data (12 with alignment) for answers
 * that may number millions a year. oc packs the overall answer and the
 * clarity as overall * 8 + clarity; 0 marks an answer deleted since the
 * load, dropped at the next compaction. Held sorted by id, so that a
 * refresh finds the version it replaces by binary search. */
typedef struct sanswer {
	uint32_t id;
	uint16_t site;
	uint16_t day;
	uint8_t oc;
} sanswer;
#define SA_OC(overall, clarity) ((uint8_t)((overall) * 8 + (clarity)))
#define SA_OVERALL(oc) ((oc) >> 3)
#define SA_CLARITY(oc) ((oc) & 7)

enum { D_OP, D_PROC, D_COMMUNE, D_LANGS, D_EQUIP, D_THEME, D_ILANG, D_AGENT, D_SITE, D_COUNT };

struct stats_engine {
	stats_source src; /* where rows come from (a copy of the caller's) */
	int threads;
	pthread_rwlock_t lock;      /* queries read, applying a refresh writes */
	pthread_mutex_t refresh_mu; /* one refresh at a time */
	dict d[D_COUNT];
	/* Sites by index (D_SITE holds the ids as text). */
	char **site_dep, **site_reg;
	int64_t *site_id;
	size_t site_cap;
	/* main: sorted by site, day, visit id; site_off has nsites_main + 1
	 * entries. delta: visits added by refreshes, in arrival order. */
	seg main, delta;
	uint32_t *site_off;
	size_t nsites_main;
	uint32_t *byid; /* main indexes in visit id order */
	wshop *w;
	size_t nw;
	/* Satisfaction answers, refreshed incrementally like the visits. */
	sanswer *sa;
	size_t nsa, capsa, sa_dead;
	int64_t since; /* next refresh reads changes at or after this */
	int64_t load_us, refresh_us;
};

/* Merges the delta into the main segment, sorted again, dropping dead
 * visits (caller holds the write lock; tests call it directly). */
void engine_merge(stats_engine *e);

/* Site index of a site id, added (with no département yet) when new. */
int64_t engine_site(stats_engine *e, int64_t id);

#endif
