/*
 * stats_impl.h: the engine's inside, shared by stats.c (queries) and
 * stats_load.c (loading, refresh, merge). See docs/stats.md for the layout.
 */
#ifndef GUICHET_STATS_IMPL_H
#define GUICHET_STATS_IMPL_H

#include <pthread.h>
#include <stdint.h>
#include <string.h>

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
	uint32_t *rank;  /* its inverse: the place of each index in order */
	/* The codes as shown, in order, one after the other: the code of rank
	 * j at pool + at[j], so that codes taken in order are read in order. */
	char *pool;
	uint32_t *at;
	uint32_t norder; /* entries of order, rank and at: n when up to date */
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

/* The columns of a segment: one entry per visit, and per demand. A
 * demand's operator, procedure and theme are one code (D_DC: the triples
 * met), its equipment and language of interpreting another (D_DX), so that
 * a demand is 6 bytes and counting it three increments. */
#define VISIT_COLS(X)                                                                                        \
	X(uint32_t, vid)                                                                                     \
	X(uint16_t, day)                                                                                     \
	X(uint16_t, vk1)                                                                                     \
	X(uint16_t, vk2)                                                                                     \
	X(uint16_t, commune)                                                                                 \
	X(uint16_t, langs)                                                                                   \
	X(uint16_t, agent)                                                                                   \
	X(uint8_t, dn)                                                                                       \
	X(uint8_t, wh)
/* wh: the local weekday (0 Monday) times 24 plus the local hour, the key
 * of the weekday and hour breakdowns (N_WH values). */
#define N_WH (7 * 24)
#define WH_OF(day, hour) ((uint8_t)(((day) + 3) % 7 * 24 + (hour))) /* 1970-01-01 was a Thursday */
/* Held by the staging and delta segments only: in the main segment a
 * visit's site is its place (site_off), and the visitor of an identified
 * visit is in the engine's side table. */
#define FULL_COLS(X)                                                                                         \
	X(uint16_t, site)                                                                                    \
	X(uint32_t, visitor)
#define DEMAND_COLS(X)                                                                                       \
	X(uint16_t, dc)                                                                                      \
	X(uint16_t, dk)                                                                                      \
	X(uint16_t, dx)

/* A visit's first demand is kept for one visit in DBLK; the others add
 * the demand counts of the visits before them in their block. */
#define DBLK 64

typedef struct seg {
	size_t nv, capv, nd, capd;
	int full;   /* has FULL_COLS */
	int mapped; /* the columns lie in a snapshot's mapping: not freed */
#define X(t, n) t *n;
	VISIT_COLS(X)
	FULL_COLS(X)
	DEMAND_COLS(X)
#undef X
	uint64_t *dead; /* one bit per visit */
	uint32_t *dblk; /* first demand of visits 0, DBLK, 2 * DBLK… */
} seg;
#define SEG_DEAD(g, i) (((g)->dead[(i) >> 6] >> ((i)&63)) & 1)
#define SEG_KILL(g, i) ((g)->dead[(i) >> 6] |= (uint64_t)1 << ((i)&63))

void seg_free(seg *g);
/* Room for nv more visits and for nd more demands. */
void seg_reserve(seg *g, size_t nv, size_t nd);
size_t seg_bytes(const seg *g);
/* The index of visit i's first demand. */
static inline size_t seg_dfirst(const seg *g, size_t i)
{
	size_t d = g->dblk[i / DBLK];
	for (size_t k = i - i % DBLK; k < i; k++)
		d += g->dn[k];
	return d;
}
/* Appends one visit (its demands follow with seg_push_demand). */
void seg_push_visit(seg *g);
void seg_push_demand(seg *g);

/* The autonomy level of a demand's packed key (0: not evaluated). */
#define DK_AUTONOMY(k) (((k) / (R_REFERRAL * R_OUTCOME * R_INTERP)) % R_AUTONOMY)

/* The visitor flag in a packed vk2. */
#define VK2_IDENTIFIED(k) ((k) >= (uint16_t)(F_IDENTIFIED * R_DISAB * R_DUR))

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

enum { D_OP, D_PROC, D_COMMUNE, D_LANGS, D_EQUIP, D_THEME, D_ILANG, D_AGENT, D_SITE, D_DC, D_DX, D_COUNT };

/* What a demand's combined codes stand for (indexes in D_OP… D_ILANG),
 * by code. */
typedef struct dcode {
	uint16_t op, proc, theme;
} dcode;
typedef struct xcode {
	uint16_t equip, ilang;
} xcode;

/* A département's or region's code in one word, for a question to pick
 * its sites by comparing words in one array rather than strings each in
 * its own allocation: its bytes, zero-padded, when it has at most 7 of
 * them; UINT64_MAX (no such code) for NULL or a longer one, which is
 * compared as a string. */
static inline uint64_t stats_code_key(const char *s)
{
	uint64_t k = 0;
	size_t n = s ? strlen(s) : 8;
	if (n > 7)
		return UINT64_MAX;
	memcpy(&k, s, n);
	return k;
}

/* The kernel's sizes (stats.c): a question of fewer than split_min
 * visits runs on one thread, else two take chunks of chunk visits in
 * turn; a filtered range of quad_min visits or more counts its dominated
 * columns in four copies; the visits of a filtered range are selected
 * block visits at a time (at most STATS_BLOCK). engine_new sets the
 * defaults; tests make them small, so that a few visits take every
 * path. */
#define STATS_BLOCK 2048
#define STATS_SPLIT_MIN 100000
#define STATS_CHUNK 32768

struct stats_engine {
	stats_source src; /* where rows come from (a copy of the caller's) */
	int threads;
	size_t split_min, quad_min, block, chunk;
	pthread_rwlock_t lock;      /* queries read, applying a refresh writes */
	pthread_mutex_t refresh_mu; /* one refresh at a time */
	dict d[D_COUNT];
	/* Sites by index (D_SITE holds the ids as text). */
	char **site_dep, **site_reg;
	uint64_t *site_depk, *site_regk; /* the same codes packed (stats_code_key) */
	int64_t *site_id;
	size_t site_cap;
	dcode *dcs; /* by D_DC code */
	xcode *dxs; /* by D_DX code */
	size_t dcs_cap, dxs_cap;
	/* main: sorted by site, day, visit id; site_off has nsites_main + 1
	 * entries. delta: visits added by refreshes, in arrival order. */
	seg main, delta;
	uint32_t *site_off;
	size_t nsites_main;
	/* The identified visits of main, kept presorted for the count of
	 * people and the progression of autonomy: by position (main index
	 * order) their main index, visitor and rank in the order by visitor,
	 * day and visit id; by rank their position. */
	uint32_t *id_idx, *id_vis, *id_rank, *id_pos;
	uint8_t *id_aut; /* by position: the highest autonomy level of its demands */
	/* By rank, the visitor (id_vis in the people's order), so that a
	 * question walks its people in sequence; made from the tables above
	 * (engine_rank_visitors), never mapped from a snapshot. */
	uint32_t *id_vr;
	size_t nid;
	wshop *w;
	size_t nw;
	/* Satisfaction answers, refreshed incrementally like the visits. */
	sanswer *sa;
	size_t nsa, capsa, sa_dead;
	int64_t since; /* next refresh reads changes at or after this */
	int64_t load_us, refresh_us;
	/* A snapshot opened (stats_snapshot.c): main, site_off and the
	 * identified visits' tables point into its mapping until a merge
	 * builds them again. */
	void *map;
	size_t map_len;
	int main_mapped, from_snapshot;
	uint64_t changes; /* rows and answers applied by refreshes */
};

/* An empty engine reading from src (stats_engine_load fills it). */
stats_engine *engine_new(const stats_source *src, int threads);

/* Merges the delta into the main segment, sorted again, dropping dead
 * visits (caller holds the write lock; tests call it directly). */
void engine_merge(stats_engine *e);

/* Makes e->id_vr from the identified visits' tables (after main is
 * built or a snapshot opened). */
void engine_rank_visitors(stats_engine *e);

/* Site index of a site id, added (with no département yet) when new. */
int64_t engine_site(stats_engine *e, int64_t id);

#endif
