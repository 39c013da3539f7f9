/*
 * stats.c: answering a question from the engine's columns (stats_load.c
 * fills them). The scope and the period become ranges of the main
 * segment (sites are contiguous, days sorted within a site), plus the
 * delta segment scanned in full; one pass over those visits and their
 * demands increments a histogram per column, and the histograms are turned
 * into the result's breakdowns at the end. With two threads the ranges
 * are cut into chunks that the threads take in turn, each counting into
 * its own histograms, which are then added.
 *
 * The packed keys (vk1, vk2, dk: see stats_impl.h) make one increment count
 * several breakdowns; the filters on channel and particular public become
 * a table of allowed keys computed once per question.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vocab/enums.h"
#include "stats/stats_impl.h"

typedef struct range {
	const seg *g;
	size_t a, b;
	int delta;
} range;

typedef struct qctx {
	const stats_engine *e;
	int32_t from, to;
	const uint8_t *site_sel;    /* by site index */
	const uint8_t *dok;         /* allowed demand codes (D_DC); NULL: all */
	int64_t agent;              /* dictionary index; -1 when not filtered */
	const uint8_t *v1ok, *v2ok; /* allowed vk1 / vk2 keys; NULL: all */
	/* When many identified visits of main are in scope: by rank, their
	 * autonomy level + 1 (each visit is in one thread's ranges only, so
	 * the threads write different bytes). NULL: they are listed. */
	uint8_t *mark;
	int count_only;
} qctx;

/* Whether a question tests its visits (channel, public, adviser). */
static int tests_visits(const qctx *q)
{
	return q->v1ok || q->v2ok || q->agent >= 0;
}

/* A visit of an identified visitor: counted once per person, and followed
 * for the progression of digital autonomy (aut: the highest level
 * evaluated in its demands, 0 when none was). */
struct idv {
	uint32_t visitor, vid;
	uint16_t day;
	uint8_t aut;
};

/* Four interleaved copies of a histogram (as hist4's) kept over the
 * blocks of a filtered question: quad_open (no copies for a column of
 * more than 4,096 values, or when not worth it: counted directly into
 * h), then the selected rows added block by block, quad_close adding the
 * copies into h. */
typedef struct quad {
	uint32_t *h, *t;
	size_t n;
} quad;

static void quad_open(quad *x, uint32_t *h, size_t n, int worth)
{
	*x = (quad){.h = h, .n = n, .t = worth && n <= 4096 ? xcalloc(4 * n + 4, sizeof(uint32_t)) : NULL};
}

/* col[sel[k]] for k < ns; sel of 32 or 16 bits. */
#define QUAD_ADD(x, col, sel, ns)                                                                            \
	do {                                                                                                 \
		size_t k_ = 0, n_ = (x)->n;                                                                  \
		uint32_t *t_ = (x)->t;                                                                       \
		if (!t_) {                                                                                   \
			for (; k_ < (ns); k_++)                                                              \
				(x)->h[(col)[(sel)[k_]]]++;                                                  \
			break;                                                                               \
		}                                                                                            \
		for (; k_ + 4 <= (ns); k_ += 4) {                                                            \
			t_[(col)[(sel)[k_]]]++;                                                              \
			t_[n_ + (col)[(sel)[k_ + 1]]]++;                                                     \
			t_[2 * n_ + (col)[(sel)[k_ + 2]]]++;                                                 \
			t_[3 * n_ + (col)[(sel)[k_ + 3]]]++;                                                 \
		}                                                                                            \
		for (; k_ < (ns); k_++)                                                                      \
			t_[(col)[(sel)[k_]]]++;                                                              \
	} while (0)

static void quad_close(quad *x)
{
	if (!x->t)
		return;
	for (size_t k = 0; k < x->n; k++)
		x->h[k] += x->t[k] + x->t[x->n + k] + x->t[2 * x->n + k] + x->t[3 * x->n + k];
	free(x->t);
}

typedef struct counts {
	uint64_t visits, demands;
	uint32_t *dc, *dk, *dx, *vk1, *vk2, *commune, *langs, *wh;
	/* Identified visits: of main, as their rank in the people's order
	 * (rank << 8 | aut); of the delta, whole. */
	uint64_t *mr;
	size_t nmr, capmr;
	uint8_t *mark; /* the question's marks (qctx), owned by the first thread's counts */
	struct idv *ids;
	size_t nids, capids;
	/* The filtered kernel's dominated columns (a filter's few codes, the
	 * demands' packed key, equipment and interpreting language, the
	 * languages spoken): counted directly, or into four copies once a
	 * range of quad_min visits comes (quads), added by counts_settle. */
	quad qdc, qdk, qdx, qlangs;
	int quads;
} counts;

static void counts_init(counts *c, const stats_engine *e, const qctx *q)
{
	memset(c, 0, sizeof *c);
	if (q->count_only)
		return;
	c->dc = xcalloc(e->d[D_DC].n + 1, sizeof *c->dc);
	c->dx = xcalloc(e->d[D_DX].n + 1, sizeof *c->dx);
	c->commune = xcalloc(e->d[D_COMMUNE].n + 1, sizeof *c->commune);
	c->langs = xcalloc(e->d[D_LANGS].n + 1, sizeof *c->langs);
	c->dk = xcalloc((size_t)N_DK, sizeof *c->dk);
	c->vk1 = xcalloc((size_t)N_VK1, sizeof *c->vk1);
	c->vk2 = xcalloc((size_t)N_VK2, sizeof *c->vk2);
	c->wh = xcalloc(N_WH, sizeof *c->wh);
	quad_open(&c->qdc, c->dc, e->d[D_DC].n, 0);
	quad_open(&c->qdk, c->dk, (size_t)N_DK, 0);
	quad_open(&c->qdx, c->dx, e->d[D_DX].n, 0);
	quad_open(&c->qlangs, c->langs, e->d[D_LANGS].n, 0);
}

/* The four copies taken (once for a thread's counts). */
static void counts_quads(counts *c, const stats_engine *e, const qctx *q)
{
	if (c->quads)
		return;
	c->quads = 1;
	quad_open(&c->qdc, c->dc, e->d[D_DC].n, q->dok != NULL);
	quad_open(&c->qdk, c->dk, (size_t)N_DK, 1);
	quad_open(&c->qdx, c->dx, e->d[D_DX].n, 1);
	quad_open(&c->qlangs, c->langs, e->d[D_LANGS].n, 1);
}

/* The copies added into the histograms, once a thread has counted all
 * it takes. */
static void counts_settle(counts *c)
{
	quad *x[] = {&c->qdc, &c->qdk, &c->qdx, &c->qlangs};
	for (size_t i = 0; i < COUNT(x); i++) {
		quad_close(x[i]);
		x[i]->t = NULL;
	}
	c->quads = 0;
}

static void counts_free(counts *c)
{
	uint32_t *p[] = {c->dc, c->dk, c->dx, c->vk1, c->vk2, c->commune, c->langs, c->wh};
	for (size_t i = 0; i < COUNT(p); i++)
		free(p[i]);
	free(c->mr);
	free(c->mark);
	free(c->ids);
	free(c->qdc.t);
	free(c->qdk.t);
	free(c->qdx.t);
	free(c->qlangs.t);
}

/* The highest autonomy level among the counted demands of a visit. */
static uint8_t visit_autonomy(const qctx *q, const seg *g, size_t d0, size_t d1)
{
	unsigned aut = 0;
	for (size_t d = d0; d < d1; d++)
		if ((!q->dok || q->dok[g->dc[d]]) && DK_AUTONOMY(g->dk[d]) > aut)
			aut = DK_AUTONOMY(g->dk[d]);
	return (uint8_t)aut;
}

/* An identified visit of main counted, by its rank in the people's order. */
static void note_main(const qctx *q, counts *c, uint32_t rank, uint8_t aut)
{
	if (q->mark) {
		q->mark[rank] = (uint8_t)(aut + 1);
		return;
	}
	if (c->nmr == c->capmr) {
		c->capmr = c->capmr ? c->capmr * 2 : 256;
		c->mr = xrealloc(c->mr, c->capmr * sizeof *c->mr);
	}
	c->mr[c->nmr++] = (uint64_t)rank << 8 | aut;
}

/* An identified visit of the delta counted: kept whole, to be merged
 * with those of main in the people's order. */
static void identified_delta(const qctx *q, const seg *g, size_t i, size_t d0, counts *c)
{
	uint8_t aut = visit_autonomy(q, g, d0, d0 + g->dn[i]);
	if (c->nids == c->capids) {
		c->capids = c->capids ? c->capids * 2 : 256;
		c->ids = xrealloc(c->ids, c->capids * sizeof *c->ids);
	}
	c->ids[c->nids++] = (struct idv){g->visitor[i], g->vid[i], g->day[i], aut};
}

/* The first identified visit of main at or after index a. */
static size_t first_identified(const stats_engine *e, size_t a)
{
	size_t lo = 0, hi = e->nid;
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		if (e->id_idx[m] < a)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/* Totals of a range with no filter: its visits and demands from its
 * ends, less the dead visits. */
static void count_range(const range *r, counts *c)
{
	const seg *g = r->g;
	uint64_t nv = r->b - r->a, nd = seg_dfirst(g, r->b - 1) + g->dn[r->b - 1] - seg_dfirst(g, r->a);
	for (size_t i = r->a; i < r->b; i++)
		if (SEG_DEAD(g, i)) {
			nv--;
			nd -= g->dn[i];
		}
	c->visits += nv;
	c->demands += nd;
}

/* Counts a column of a range into a histogram. */
static void hist(uint32_t *h, const uint16_t *col, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		h[col[i]]++;
}

/* The same into four interleaved copies, added at the end: for the
 * columns where one value dominates, so that an increment does not wait
 * for the previous one of the same value. */
static void hist4(uint32_t *h, size_t n, const uint16_t *col, size_t a, size_t b)
{
	if (n > 4096) {
		hist(h, col, a, b);
		return;
	}
	uint32_t *t = xcalloc(4 * n + 4, sizeof *t);
	size_t i = a;
	for (; i + 4 <= b; i += 4) {
		t[col[i]]++;
		t[n + col[i + 1]]++;
		t[2 * n + col[i + 2]]++;
		t[3 * n + col[i + 3]]++;
	}
	for (; i < b; i++)
		t[col[i]]++;
	for (size_t k = 0; k < n; k++)
		h[k] += t[k] + t[n + k] + t[2 * n + k] + t[3 * n + k];
	free(t);
}

/* Takes back what the column loops of scan_all counted for the dead
 * visits of a range (few: the versions replaced since the last merge). */
static void take_back_dead(const qctx *q, const range *r, counts *c)
{
	const seg *g = r->g;
	for (size_t w = r->a / 64; w * 64 < r->b; w++) {
		uint64_t bits = g->dead[w];
		while (bits) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (i < r->a || i >= r->b)
				continue;
			size_t d0 = seg_dfirst(g, i);
			for (size_t j = d0; j < d0 + g->dn[i]; j++) {
				c->dc[g->dc[j]]--;
				c->dk[g->dk[j]]--;
				c->dx[g->dx[j]]--;
			}
			c->vk1[g->vk1[i]]--;
			c->vk2[g->vk2[i]]--;
			c->commune[g->commune[i]]--;
			c->langs[g->langs[i]]--;
			c->wh[g->wh[i]]--;
		}
	}
}

/* Every breakdown of a range of main with no filter at all: the kernel of
 * the unfiltered questions. Each column is counted in its own tight loop
 * (sequential reads, a few registers), the range's demands being
 * contiguous; the identified visits come from their side table with the
 * autonomy level computed when main was built. */
static void scan_all(const qctx *q, const range *r, counts *c)
{
	const seg *g = r->g;
	const stats_engine *e = q->e;
	size_t d0 = seg_dfirst(g, r->a), d1 = seg_dfirst(g, r->b - 1) + g->dn[r->b - 1];
	hist(c->dc, g->dc, d0, d1);
	hist(c->dk, g->dk, d0, d1);
	hist4(c->dx, e->d[D_DX].n, g->dx, d0, d1);
	hist(c->vk1, g->vk1, r->a, r->b);
	hist(c->vk2, g->vk2, r->a, r->b);
	hist(c->commune, g->commune, r->a, r->b);
	hist4(c->langs, e->d[D_LANGS].n, g->langs, r->a, r->b);
	const uint8_t *wh = g->wh;
	uint32_t *h = c->wh;
	for (size_t i = r->a; i < r->b; i++)
		h[wh[i]]++;
	take_back_dead(q, r, c);
	count_range(r, c);
	for (size_t p = first_identified(e, r->a); p < e->nid && e->id_idx[p] < r->b; p++) {
		if (!SEG_DEAD(g, e->id_idx[p]))
			note_main(q, c, e->id_rank[p], e->id_aut[p]);
	}
}

/* Visits of a filtered range taken at a time (e->block, at most
 * STATS_BLOCK): their selection fits in a few kilobytes of the stack. */
#define SEL_BLOCK STATS_BLOCK
#define DEM_BLOCK (4 * SEL_BLOCK)
_Static_assert(DEM_BLOCK <= 65536, "a demand's place in its block is 16 bits");

/* A block's selection: sel lists the visits kept; by place in the block
 * (i - s), mv holds the demands of each that pass (0 for a visit not
 * kept) and rv the place of its first demand among the block's. jx and
 * pre serve a demand filter: the demands that pass, and their running
 * count; jl lists those of the visits kept. jx and jl have room for
 * four demands copied past their end. */
typedef struct block {
	uint32_t sel[SEL_BLOCK], rv[SEL_BLOCK];
	uint8_t mv[SEL_BLOCK];
	uint16_t jx[DEM_BLOCK + 4], pre[DEM_BLOCK + 1], jl[DEM_BLOCK + 4];
} block;

/* Whether a visit of [a, b) is dead (or one of its 64-visit neighbours:
 * then the caller looks at each). */
static int any_dead(const seg *g, size_t a, size_t b)
{
	uint64_t any = 0;
	for (size_t w = a >> 6; w <= (b - 1) >> 6; w++)
		any |= g->dead[w];
	return any != 0;
}

/* The demands of a block that pass, listed (jx) with their running count
 * (pre[j]: among the first j), in one pass without a branch, so that a
 * visit's count is one subtraction and its demands that pass lie
 * together in jx. Returns how many pass. */
static size_t demand_list(const uint8_t *dok, const uint16_t *dc, size_t nd, uint16_t *jx, uint16_t *pre)
{
	size_t nj = 0;
	pre[0] = 0;
	for (size_t j = 0; j < nd; j++) {
		jx[nj] = (uint16_t)j;
		nj += dok[dc[j]];
		pre[j + 1] = (uint16_t)nj;
	}
	memset(jx + nj, 0, 4 * sizeof *jx); /* what kept_demands copies past the end */
	return nj;
}

/* The demands that pass of a block's kept visits, listed in jl (places
 * in the block): each visit's lie together in jx, from pre[rv]. Four are
 * copied at a time without a branch, the visit's count then taken (a
 * loop over each visit's demands would mispredict its end at almost
 * every visit; more than four is rare). Returns the length of jl. */
static size_t kept_demands(block *b, size_t s, size_t ns)
{
	size_t n = 0;
	uint16_t *jl = b->jl;
	const uint16_t *jx = b->jx, *pre = b->pre;
	const uint32_t *sel = b->sel, *rv = b->rv;
	const uint8_t *mv = b->mv;
	for (size_t k = 0; k < ns; k++) {
		size_t i = sel[k] - s, m = mv[i];
		const uint16_t *from = jx + pre[rv[i]];
		if (m > 4) {
			memcpy(jl + n, from, m * sizeof *jl);
		} else {
			jl[n] = from[0];
			jl[n + 1] = from[1];
			jl[n + 2] = from[2];
			jl[n + 3] = from[3];
		}
		n += m;
	}
	return n;
}

/* The index of visit i's first demand, or the segment's demands for its
 * end. */
static size_t dfirst_or_end(const seg *g, size_t i)
{
	return i == g->nv ? g->nd : seg_dfirst(g, i);
}

/* A block of main with a demand filter alone: the demands that pass are
 * listed (jx) with their running count (pre), in one pass without a
 * branch; a visit is kept when the count moved over its demands. The
 * demand columns are then counted over the listed ones, and the demands
 * of the rare dead visits taken back. Returns the visits kept. */
static size_t select_flat(const qctx *q, const seg *g, size_t s, size_t end, size_t da, size_t db, block *b,
                          counts *c)
{
	const uint8_t *dok = q->dok;
	const uint16_t *dc = g->dc + da, *dk = g->dk + da, *dx = g->dx + da;
	const uint16_t *jx = b->jx, *pre = b->pre;
	size_t nj = demand_list(dok, dc, db - da, b->jx, b->pre), ns = 0, rel = 0;
	const int dead = any_dead(g, s, end);
	const uint8_t *dn = g->dn; /* in locals: the stores of mv could alias them */
	uint32_t *sel = b->sel, *rv = b->rv;
	uint8_t *mv = b->mv;
	for (size_t i = s; i < end; i++) {
		size_t r0 = rel;
		rel += dn[i];
		unsigned m = (unsigned)(pre[rel] - pre[r0]);
		sel[ns] = (uint32_t)i;
		rv[i - s] = (uint32_t)r0;
		mv[i - s] = (uint8_t)m;
		ns += m != 0;
	}
	c->demands += nj;
	if (!q->count_only) {
		QUAD_ADD(&c->qdc, dc, jx, nj);
		QUAD_ADD(&c->qdk, dk, jx, nj);
		QUAD_ADD(&c->qdx, dx, jx, nj);
	}
	if (!dead)
		return ns;
	/* Take the dead visits out of the selection, with what their demands
	 * added. */
	size_t kept = 0;
	for (size_t k = 0; k < ns; k++) {
		size_t i = b->sel[k];
		b->sel[kept] = (uint32_t)i;
		if (!SEG_DEAD(g, i)) {
			kept++;
			continue;
		}
		c->demands -= b->mv[i - s];
		b->mv[i - s] = 0;
		if (q->count_only)
			continue;
		for (size_t j = b->rv[i - s], e = j + g->dn[i]; j < e; j++)
			if (dok[dc[j]]) {
				c->dc[dc[j]]--;
				c->dk[dk[j]]--;
				c->dx[dx[j]]--;
			}
	}
	return kept;
}

/* A block with a filter on visits (which may keep few of them), or of
 * the delta, or with too many demands for select_flat: each visit
 * tested, then the demands of those kept counted. */
static size_t select_visits(const qctx *q, const range *r, size_t s, size_t end, size_t da, size_t db,
                            block *b, counts *c)
{
	/* In locals: the stores of a visit's byte (mv) could otherwise alias
	 * any of these, read again for every visit. */
	const seg *g = r->g;
	const uint8_t *dok = q->dok, *v1ok = q->v1ok, *v2ok = q->v2ok, *dn = g->dn;
	const uint16_t *vk1 = g->vk1, *vk2 = g->vk2, *agent = g->agent, *dc = g->dc, *pre = b->pre;
	const int64_t ag = q->agent;
	const int delta = r->delta, dead = any_dead(g, s, end);
	uint32_t *sel = b->sel, *rv = b->rv;
	uint8_t *mv = b->mv;
	/* With a demand filter, a visit's count of the demands that pass is
	 * one subtraction when the block's fit. */
	const int pref = dok && db - da <= DEM_BLOCK;
	if (pref)
		demand_list(dok, dc + da, db - da, b->jx, b->pre);
	size_t ns = 0, d = da;
	uint64_t demands = 0;
	for (size_t i = s; i < end; i++) {
		size_t d0 = d;
		unsigned m = dn[i];
		d += m;
		unsigned keep = dead ? !SEG_DEAD(g, i) : 1;
		if (delta)
			keep &= q->site_sel[g->site[i]] && g->day[i] >= q->from && g->day[i] <= q->to;
		if (v1ok)
			keep &= v1ok[vk1[i]];
		if (v2ok)
			keep &= v2ok[vk2[i]];
		if (ag >= 0)
			keep &= agent[i] == ag;
		/* No branch on keep, which the processor cannot foresee. */
		if (pref) {
			m = (unsigned)(pre[d - da] - pre[d0 - da]);
		} else if (dok) {
			m = 0;
			for (size_t j = d0; j < d; j++)
				m += dok[dc[j]];
		}
		keep &= m != 0;
		m &= -keep;
		sel[ns] = (uint32_t)i;
		rv[i - s] = (uint32_t)(d0 - da);
		mv[i - s] = (uint8_t)m;
		demands += m;
		ns += keep;
	}
	c->demands += demands;
	if (q->count_only)
		return ns;
	const uint16_t *dk = g->dk, *dx = g->dx;
	if (pref) {
		size_t n = kept_demands(b, s, ns);
		QUAD_ADD(&c->qdc, dc + da, b->jl, n);
		QUAD_ADD(&c->qdk, dk + da, b->jl, n);
		QUAD_ADD(&c->qdx, dx + da, b->jl, n);
		return ns;
	}
	uint32_t *hc = c->dc, *hk = c->dk, *hx = c->dx;
	for (size_t k = 0; k < ns; k++)
		for (size_t j = da + rv[sel[k] - s], e = j + dn[sel[k]]; j < e; j++) {
			uint32_t ok = dok ? dok[dc[j]] : 1;
			hc[dc[j]] += ok;
			hk[dk[j]] += ok;
			hx[dx[j]] += ok;
		}
	return ns;
}

/* The identified visits of main in a block that were kept, taken from
 * their side table (p: the first at or after the block) rather than by
 * testing every visit kept. A visit whose demands all pass has the level
 * computed when main was built. */
static size_t block_identified(const qctx *q, const seg *g, size_t s, size_t end, size_t da, const block *b,
                               size_t p, counts *c)
{
	const stats_engine *e = q->e;
	for (; p < e->nid && e->id_idx[p] < end; p++) {
		size_t i = e->id_idx[p];
		unsigned m = b->mv[i - s];
		if (!m)
			continue;
		uint8_t aut = e->id_aut[p];
		if (aut && m != g->dn[i]) {
			size_t d0 = da + b->rv[i - s];
			aut = visit_autonomy(q, g, d0, d0 + g->dn[i]);
		}
		note_main(q, c, e->id_rank[p], aut);
	}
	return p;
}

/* A range with filters (or the delta): block by block, first the visits
 * that pass with the number of their demands that pass, without a branch
 * per visit; then, over those alone, their demands and each visit column
 * in its own loop. */
static void scan(const qctx *q, const range *r, counts *c)
{
	const seg *g = r->g;
	const int visit_filter = tests_visits(q);
	if (r->a >= r->b)
		return;
	if (!r->delta && !q->dok && !visit_filter) {
		if (q->count_only)
			count_range(r, c);
		else
			scan_all(q, r, c);
		return;
	}
	const stats_engine *e = q->e;
	block blk, *b = &blk;
	size_t d = seg_dfirst(g, r->a), p = r->delta ? 0 : first_identified(e, r->a);
	const size_t bl = e->block && e->block < SEL_BLOCK ? e->block : SEL_BLOCK;
	/* The columns where a few values dominate (no equipment asked, no
	 * language but French; a filter's few operators), as in scan_all. */
	if (!q->count_only && r->b - r->a >= e->quad_min)
		counts_quads(c, e, q);
	const uint32_t *sel = b->sel;
	for (size_t s = r->a; s < r->b; s += bl) {
		size_t end = s + bl < r->b ? s + bl : r->b, ns;
		size_t da = d, db = dfirst_or_end(g, end);
		if (q->dok && !visit_filter && !r->delta && db - da <= DEM_BLOCK)
			ns = select_flat(q, g, s, end, da, db, b, c);
		else
			ns = select_visits(q, r, s, end, da, db, b, c);
		d = db;
		c->visits += ns;
		if (q->count_only)
			continue;
		/* The visit columns whose values spread, in one loop (one read
		 * of the selection, independent increments); the dominated one
		 * in four copies. */
		for (size_t k = 0; k < ns; k++) {
			size_t i = sel[k];
			c->vk1[g->vk1[i]]++;
			c->vk2[g->vk2[i]]++;
			c->commune[g->commune[i]]++;
			c->wh[g->wh[i]]++;
		}
		QUAD_ADD(&c->qlangs, g->langs, sel, ns);
		if (!r->delta) {
			p = block_identified(q, g, s, end, da, b, p, c);
			continue;
		}
		for (size_t k = 0; k < ns; k++)
			if (VK2_IDENTIFIED(g->vk2[sel[k]]))
				identified_delta(q, g, sel[k], da + b->rv[sel[k] - s], c);
	}
}

static void add_into(counts *to, const counts *from, const stats_engine *e, const qctx *q)
{
	to->visits += from->visits;
	to->demands += from->demands;
	if (q->count_only)
		return;
#define ADD(f, n)                                                                                            \
	for (size_t i = 0; i < (size_t)(n); i++)                                                             \
		to->f[i] += from->f[i];
	ADD(dc, e->d[D_DC].n)
	ADD(dx, e->d[D_DX].n)
	ADD(commune, e->d[D_COMMUNE].n)
	ADD(langs, e->d[D_LANGS].n)
	ADD(dk, N_DK)
	ADD(vk1, N_VK1)
	ADD(vk2, N_VK2)
	ADD(wh, N_WH)
#undef ADD
	if (from->nmr) {
		to->mr = xrealloc(to->mr, (to->nmr + from->nmr) * sizeof *to->mr);
		memcpy(to->mr + to->nmr, from->mr, from->nmr * sizeof *from->mr);
		to->nmr += from->nmr;
		to->capmr = to->nmr;
	}
	if (from->nids) {
		to->ids = xrealloc(to->ids, (to->nids + from->nids) * sizeof *to->ids);
		memcpy(to->ids + to->nids, from->ids, from->nids * sizeof *from->ids);
		to->nids += from->nids;
		to->capids = to->nids;
	}
}

/* A thread's share of a question: the chunks it takes in turn with the
 * other thread (next, shared), counted into its own counts. */
typedef struct job {
	const qctx *q;
	const range *r;
	size_t nr;
	size_t *next;
	counts c;
} job;

static void *run_job(void *arg)
{
	job *j = arg;
	for (;;) {
		size_t k = __atomic_fetch_add(j->next, 1, __ATOMIC_RELAXED);
		if (k >= j->nr)
			break;
		scan(j->q, &j->r[k], &j->c);
	}
	counts_settle(&j->c);
	return NULL;
}

/* The visits of site s of main in [from, to]: [*a, *b). A site whose
 * days all lie in the period, or none of them, needs no search: a
 * national year reads two days a site rather than searching twice. */
static void site_range(const stats_engine *e, size_t s, int32_t from, int32_t to, size_t *a, size_t *b)
{
	const uint16_t *day = e->main.day;
	size_t lo = e->site_off[s], end = e->site_off[s + 1], hi = end;
	if (lo == end || day[lo] > to || day[end - 1] < from) {
		*a = *b = lo;
		return;
	}
	if (day[lo] >= from && day[end - 1] <= to) {
		*a = lo;
		*b = end;
		return;
	}
	while (lo < hi) { /* first day >= from */
		size_t m = (lo + hi) / 2;
		if (day[m] < from)
			lo = m + 1;
		else
			hi = m;
	}
	*a = lo;
	hi = end;
	while (lo < hi) { /* first day > to */
		size_t m = (lo + hi) / 2;
		if (day[m] <= to)
			lo = m + 1;
		else
			hi = m;
	}
	*b = lo;
}

/* The ranges of the main segment in scope and period, then the delta. */
static range *make_ranges(const stats_engine *e, const qctx *q, size_t *nr, size_t *total)
{
	range *r = xmalloc((e->nsites_main + 1) * sizeof *r);
	size_t n = 0, t = 0;
	for (size_t s = 0; s < e->nsites_main; s++) {
		size_t a, b;
		if (!q->site_sel[s])
			continue;
		site_range(e, s, q->from, q->to, &a, &b);
		if (b > a) {
			/* Sites next to each other make one range. */
			if (n && !r[n - 1].delta && r[n - 1].b == a)
				r[n - 1].b = b;
			else
				r[n++] = (range){&e->main, a, b, 0};
			t += b - a;
		}
	}
	if (e->delta.nv) {
		r[n++] = (range){&e->delta, 0, e->delta.nv, 1};
		t += e->delta.nv;
	}
	*nr = n;
	*total = t;
	return r;
}

/* A small question's columns read ahead (PREFETCH_MAX bytes at most:
 * they then stay in the core's 1 MB cache). Its ranges are a few hundred short
 * runs of memory, one per site and column, on each of which the
 * hardware's prefetchers would ramp up again, leaving the counting loops
 * (a dependent increment per value) to wait on one miss at a time when
 * the question follows others that took the caches. One load per line
 * first, with nothing depending on it, lets the misses overlap: a
 * département's quarter after national questions, 0.28 → 0.11 ms of
 * counting for 0.06 ms of reading. Prefetch instructions would be
 * dropped once the few line buffers are taken; loads wait for them. A
 * filtered question reads ahead only the columns it tests: the others it
 * reads for the visits kept alone, often few. */
#define PREFETCH_MAX (600 << 10)

static unsigned prefetch_span(const void *p, size_t n)
{
	const unsigned char *c = p;
	unsigned acc = 0;
	for (size_t o = 0; o < n; o += 64)
		acc += c[o];
	return n ? acc + c[n - 1] : acc;
}

/* The bytes a question reads ahead for each visit (two demands a visit
 * counted). */
static size_t prefetch_width(const qctx *q)
{
	if (q->count_only)
		return 1 + 1;
	/* The demand counts and dead bits (2), then a filtered question's
	 * tested columns (2 a visit column, 4 for the demands' codes), or
	 * every column: 9 bytes of the visit's, 12 of its demands'. */
	if (q->dok || tests_visits(q))
		return 2 + (q->dok ? 4 : 0) + (q->v1ok ? 2 : 0) + (q->v2ok ? 2 : 0) + (q->agent >= 0 ? 2 : 0);
	return 2 + 9 + 12;
}

static void prefetch_ranges(const range *r, size_t nr, const qctx *q)
{
	unsigned acc = 0;
	for (size_t k = 0; k < nr; k++) {
		const seg *g = r[k].g;
		size_t a = r[k].a, n = r[k].b - a, da = seg_dfirst(g, a), nd = dfirst_or_end(g, r[k].b) - da;
		acc += prefetch_span(g->dn + a, n);
		acc += prefetch_span(g->dead + a / 64, (n + 63) / 64 * sizeof *g->dead);
		if (q->count_only)
			continue;
		if (q->dok || tests_visits(q)) {
			if (q->dok)
				acc += prefetch_span(g->dc + da, nd * sizeof *g->dc);
			if (q->v1ok)
				acc += prefetch_span(g->vk1 + a, n * sizeof *g->vk1);
			if (q->v2ok)
				acc += prefetch_span(g->vk2 + a, n * sizeof *g->vk2);
			if (q->agent >= 0)
				acc += prefetch_span(g->agent + a, n * sizeof *g->agent);
			continue;
		}
		acc += prefetch_span(g->vk1 + a, n * sizeof *g->vk1);
		acc += prefetch_span(g->vk2 + a, n * sizeof *g->vk2);
		acc += prefetch_span(g->commune + a, n * sizeof *g->commune);
		acc += prefetch_span(g->langs + a, n * sizeof *g->langs);
		acc += prefetch_span(g->wh + a, n);
		acc += prefetch_span(g->dc + da, nd * sizeof *g->dc);
		acc += prefetch_span(g->dk + da, nd * sizeof *g->dk);
		acc += prefetch_span(g->dx + da, nd * sizeof *g->dx);
	}
	/* Kept, so that the loads are not dropped as unused. */
	__asm__ volatile("" : : "r"(acc));
}

/* Counts one period with one or two threads. */
static void count_period(const stats_engine *e, const qctx *q0, counts *out)
{
	size_t nr, total;
	range *r = make_ranges(e, q0, &nr, &total);
	if (total * prefetch_width(q0) <= PREFETCH_MAX)
		prefetch_ranges(r, nr, q0);
	counts_init(out, e, q0);
	/* Many identified visits in scope: marked by rank rather than listed
	 * and sorted (one byte each for all of them, read in one pass). */
	qctx qm = *q0;
	const qctx *q = &qm;
	size_t candidates = 0;
	for (size_t i = 0; i < nr && !q0->count_only; i++)
		if (!r[i].delta)
			candidates += first_identified(e, r[i].b) - first_identified(e, r[i].a);
	if (candidates && candidates * 16 >= e->nid)
		out->mark = qm.mark = xcalloc(e->nid + 8, 1);
	if (e->threads < 2 || total < e->split_min) {
		for (size_t i = 0; i < nr; i++)
			scan(q, &r[i], out);
		counts_settle(out);
		free(r);
		return;
	}
	/* Two threads take chunks of the ranges in turn, so that neither
	 * waits for the other at the end when one started late (a sleeping
	 * processor takes a while to wake) or ran slower. */
	const size_t chunk = e->chunk ? e->chunk : STATS_CHUNK;
	size_t nc = 0;
	for (size_t i = 0; i < nr; i++)
		nc += (r[i].b - r[i].a + chunk - 1) / chunk;
	range *cr = xmalloc((nc ? nc : 1) * sizeof *cr);
	nc = 0;
	for (size_t i = 0; i < nr; i++)
		for (size_t a = r[i].a; a < r[i].b; a += chunk)
			cr[nc++] = (range){r[i].g, a, a + chunk < r[i].b ? a + chunk : r[i].b, r[i].delta};
	size_t next = 0;
	job j2 = {q, cr, nc, &next, {0}};
	counts_init(&j2.c, e, q);
	pthread_t t;
	int threaded = pthread_create(&t, NULL, run_job, &j2) == 0;
	job j1 = {q, cr, nc, &next, *out};
	run_job(&j1);
	*out = j1.c;
	if (threaded)
		pthread_join(t, NULL);
	else
		run_job(&j2);
	add_into(out, &j2.c, e, q);
	counts_free(&j2.c);
	free(r);
	free(cr);
}

/* By person, then in the order of their visits: day, then recording. */
static int idv_cmp(const void *x, const void *y)
{
	const struct idv *a = x, *b = y;
	if (a->visitor != b->visitor)
		return a->visitor < b->visitor ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return a->vid < b->vid ? -1 : a->vid > b->vid;
}

static int u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* People counted one visit at a time in their order: each person once,
 * and for those with two visits or more where autonomy was evaluated,
 * the first level against the last. */
typedef struct people {
	stats_result *r;
	uint32_t cur;
	int any, first, last, evaluated;
} people;

static void person_end(people *p)
{
	if (!p->any)
		return;
	p->r->identified_distinct++;
	if (p->evaluated >= 2)
		p->r->autonomy_progression[p->last > p->first ? 0 : p->last == p->first ? 1 : 2]++;
	p->any = 0;
}

static void person_visit(people *p, uint32_t visitor, uint8_t aut)
{
	if (!p->any || visitor != p->cur) {
		person_end(p);
		*p = (people){p->r, visitor, 1, 0, 0, 0};
	}
	if (aut) {
		if (!p->evaluated++)
			p->first = aut;
		p->last = aut;
	}
}

/* The next visit of main in the people's order: from the marks (skipping
 * empty words) or from the sorted list. */
typedef struct main_walk {
	const stats_engine *e;
	const counts *c;
	size_t at;
} main_walk;

static int main_next(main_walk *w, struct idv *out)
{
	const stats_engine *e = w->e;
	uint32_t rank;
	uint8_t aut;
	if (w->c->mark) {
		const uint8_t *mark = w->c->mark;
		while (w->at < e->nid) {
			uint64_t word;
			memcpy(&word, mark + (w->at & ~(size_t)7), 8);
			if (!word) {
				w->at = (w->at & ~(size_t)7) + 8;
				continue;
			}
			if (mark[w->at])
				break;
			w->at++;
		}
		if (w->at >= e->nid)
			return 0;
		rank = (uint32_t)w->at;
		aut = (uint8_t)(mark[w->at++] - 1);
	} else {
		if (w->at >= w->c->nmr)
			return 0;
		rank = (uint32_t)(w->c->mr[w->at] >> 8);
		aut = (uint8_t)(w->c->mr[w->at++] & 255);
	}
	if (!w->c->nids) {
		/* Nothing of the delta to merge with: the order is the rank's,
		 * and only the person (read in sequence) and her level count. */
		*out = (struct idv){.visitor = e->id_vr[rank], .aut = aut};
		return 1;
	}
	uint32_t pos = e->id_pos[rank], idx = e->id_idx[pos];
	*out = (struct idv){e->id_vis[pos], e->main.vid[idx], e->main.day[idx], aut};
	return 1;
}

static void count_people(const stats_engine *e, counts *c, stats_result *r)
{
	if (!c->mark && c->nmr)
		qsort(c->mr, c->nmr, sizeof *c->mr, u64_cmp);
	if (c->nids)
		qsort(c->ids, c->nids, sizeof *c->ids, idv_cmp);
	main_walk w = {e, c, 0};
	people p = {.r = r};
	struct idv m;
	int has = main_next(&w, &m);
	size_t b = 0;
	while (has || b < c->nids) {
		if (has && (b == c->nids || idv_cmp(&m, &c->ids[b]) <= 0)) {
			person_visit(&p, m.visitor, m.aut);
			has = main_next(&w, &m);
		} else {
			person_visit(&p, c->ids[b].visitor, c->ids[b].aut);
			b++;
		}
	}
	person_end(&p);
}

static const char *enum_code(const enum_def *d, int pos)
{
	return pos > 0 && (size_t)pos <= d->n ? d->items[pos - 1].code : "";
}

/* Adds each code of a comma-separated list. */
static void add_list(stats_result *r, enum stats_bd bd, const char *list, int64_t n)
{
	char code[64];
	while (*list) {
		size_t len = strcspn(list, ",");
		if (len && len < sizeof code) {
			memcpy(code, list, len);
			code[len] = 0;
			stats_result_add(r, bd, code, n);
		}
		list += len + (list[len] == ',');
	}
}

static const char *or_not_given(const char *s)
{
	return *s ? s : STATS_NOT_GIVEN;
}

/* Adds to bd the codes of d that v counts, in the order of the codes. A
 * large dictionary (tens of thousands of communes) is walked in its order
 * only when most of its codes are met: each step of that walk reads the
 * count of a code anywhere in v. A smaller scope's codes are listed in one
 * pass over v and sorted by their rank. */
static void add_met(stats_result *r, enum stats_bd bd, const dict *d, const uint32_t *v)
{
	uint64_t *met = xmalloc((d->n + 1) * sizeof *met);
	uint32_t k = 0;
	for (uint32_t i = 0; i < d->n; i++)
		if (v[i])
			met[k++] = (uint64_t)d->rank[i] << 32 | i;
	if (k > d->n / 8) {
		k = 0;
		for (uint32_t j = 0; j < d->n; j++)
			if (v[d->order[j]])
				met[k++] = (uint64_t)j << 32 | d->order[j];
	} else {
		qsort(met, k, sizeof *met, u64_cmp);
	}
	/* The codes from the dictionary's pool, in order: tens of thousands
	 * of names read one after the other, not each in its own place. */
	stats_result_reserve(r, bd, k);
	for (uint32_t j = 0; j < k; j++)
		stats_result_add(r, bd, d->pool + d->at[met[j] >> 32], v[met[j] & UINT32_MAX]);
	free(met);
}

static void expand(const stats_engine *e, const qctx *q, counts *c, stats_result *r)
{
	(void)q;
	r->visits = (int64_t)c->visits;
	r->demands = (int64_t)c->demands;
	char code[16];
	const dict *dd = e->d;
	/* The combined codes, first unfolded into one array per dimension. */
	int64_t *op = xcalloc(dd[D_OP].n + 1, sizeof *op), *proc = xcalloc(dd[D_PROC].n + 1, sizeof *proc),
	        *theme = xcalloc(dd[D_THEME].n + 1, sizeof *theme),
	        *equip = xcalloc(dd[D_EQUIP].n + 1, sizeof *equip),
	        *ilang = xcalloc(dd[D_ILANG].n + 1, sizeof *ilang);
	for (uint32_t i = 0; i < dd[D_DC].n; i++)
		if (c->dc[i]) {
			op[e->dcs[i].op] += c->dc[i];
			proc[e->dcs[i].proc] += c->dc[i];
			theme[e->dcs[i].theme] += c->dc[i];
		}
	for (uint32_t i = 0; i < dd[D_DX].n; i++)
		if (c->dx[i]) {
			equip[e->dxs[i].equip] += c->dx[i];
			ilang[e->dxs[i].ilang] += c->dx[i];
		}
		/* In the order of the codes, so that the result needs no sort. */
#define EACH(D) for (uint32_t j = 0, i; j < dd[D].n && (i = dd[D].order[j], 1); j++)
	EACH(D_OP) stats_result_add(r, BD_OPERATOR, dd[D_OP].s[i], op[i]);
	EACH(D_THEME) stats_result_add(r, BD_THEME, dd[D_THEME].s[i], theme[i]);
	EACH(D_PROC) stats_result_add(r, BD_PROCEDURE, dd[D_PROC].s[i], proc[i]);
	add_met(r, BD_COMMUNE, &dd[D_COMMUNE], c->commune);
	EACH(D_ILANG)
	if (*dd[D_ILANG].s[i])
		stats_result_add(r, BD_INTERPRETING_LANG, dd[D_ILANG].s[i], ilang[i]);
#undef EACH
	for (uint32_t i = 0; i < dd[D_EQUIP].n; i++)
		if (equip[i])
			add_list(r, BD_EQUIPMENT, dd[D_EQUIP].s[i], equip[i]);
	free(op);
	free(proc);
	free(theme);
	free(equip);
	free(ilang);
	for (uint32_t i = 0; i < dd[D_LANGS].n; i++)
		if (c->langs[i])
			add_list(r, BD_LANGUAGE, dd[D_LANGS].s[i], c->langs[i]);
	/* The packed keys, first folded into one small array per breakdown. */
	int64_t lv[R_LEVEL] = {0}, oc[R_OUTCOME] = {0}, rf[R_REFERRAL] = {0}, ip[R_INTERP] = {0},
	        au[R_AUTONOMY] = {0};
	for (int k = 0; k < N_DK; k++) {
		if (!c->dk[k])
			continue;
		int x = k;
		rf[x % R_REFERRAL] += c->dk[k];
		x /= R_REFERRAL;
		oc[x % R_OUTCOME] += c->dk[k];
		x /= R_OUTCOME;
		ip[x % R_INTERP] += c->dk[k];
		x /= R_INTERP;
		au[x % R_AUTONOMY] += c->dk[k];
		lv[x / R_AUTONOMY] += c->dk[k];
	}
	for (int i = 1; i < R_LEVEL; i++)
		stats_result_add(r, BD_LEVEL, enum_code(&ENUM_LEVEL, i), lv[i]);
	for (int i = 1; i < R_OUTCOME; i++)
		stats_result_add(r, BD_OUTCOME, enum_code(&ENUM_OUTCOME, i), oc[i]);
	r->solved = oc[1]; /* resolu */
	for (int i = 1; i < R_REFERRAL; i++)
		stats_result_add(r, BD_REFERRAL, enum_code(&ENUM_REFERRAL, i), rf[i]);
	for (int i = 1; i < R_INTERP; i++)
		stats_result_add(r, BD_INTERPRETING, enum_code(&ENUM_INTERPRETING, i), ip[i]);
	for (int i = 0; i < R_AUTONOMY; i++) {
		snprintf(code, sizeof code, "%d", i);
		stats_result_add(r, BD_AUTONOMY, i ? code : "non_evalue", au[i]);
	}
	int64_t ch[R_CHANNEL] = {0}, ag[R_AGE] = {0}, ge[R_GENDER] = {0}, st[R_STATUS] = {0};
	for (int k = 0; k < N_VK1; k++) {
		if (!c->vk1[k])
			continue;
		int x = k, cuts = x % R_CUTS;
		int64_t n = c->vk1[k];
		r->over_55[cuts / 3] += n;
		r->under_26[cuts % 3] += n;
		x /= R_CUTS;
		st[x % R_STATUS] += n;
		x /= R_STATUS;
		ge[x % R_GENDER] += n;
		x /= R_GENDER;
		ag[x % R_AGE] += n;
		ch[x / R_AGE] += n;
	}
	for (int i = 0; i < R_CHANNEL; i++)
		stats_result_add(r, BD_CHANNEL, enum_code(&ENUM_CHANNEL, i), ch[i]);
	for (int i = 0; i < R_AGE; i++)
		stats_result_add(r, BD_AGE, or_not_given(enum_code(&ENUM_AGE, i)), ag[i]);
	for (int i = 0; i < R_GENDER; i++)
		stats_result_add(r, BD_GENDER, or_not_given(enum_code(&ENUM_GENDER, i)), ge[i]);
	for (int i = 0; i < R_STATUS; i++)
		stats_result_add(r, BD_STATUS, or_not_given(enum_code(&ENUM_STATUS, i)), st[i]);
	int64_t pub[8] = {0}, du[R_DUR] = {0};
	for (int k = 0; k < N_VK2; k++) {
		if (!c->vk2[k])
			continue;
		int dur = k % R_DUR, disab = (k / R_DUR) % R_DISAB, flags = k / (R_DUR * R_DISAB);
		int64_t n = c->vk2[k];
		du[dur] += n;
		if (!(flags & F_IDENTIFIED))
			r->anonymous_visits += n;
		/* STATS_PUBLICS order */
		int has[8] = {flags & F_ALLOPHONE,  flags & F_ILLITERACY, disab,
		              flags & F_PRECARIOUS, flags & F_NO_DEVICE,  flags & F_NO_INTERNET,
		              flags & F_NO_PHONE,   flags & F_NO_EMAIL};
		for (int p = 0; p < 8; p++)
			if (has[p])
				pub[p] += n;
	}
	for (int p = 0; p < 8; p++)
		stats_result_add(r, BD_PUBLIC, STATS_PUBLICS[p], pub[p]);
	static const char *const dur_codes[R_DUR] = {STATS_NOT_GIVEN, "moins_30", "30_60", "60_120",
	                                             "120_plus"};
	for (int i = 0; i < R_DUR; i++)
		stats_result_add(r, BD_DURATION, dur_codes[i], du[i]);
	int64_t hours[24] = {0}, wd[7] = {0};
	for (int k = 0; k < N_WH; k++) {
		hours[k % 24] += c->wh[k];
		wd[k / 24] += c->wh[k];
	}
	for (int h = 0; h < 24; h++) {
		snprintf(code, sizeof code, "%02d", h);
		stats_result_add(r, BD_HOUR, code, hours[h]);
	}
	for (int w = 0; w < 7; w++) {
		snprintf(code, sizeof code, "%d", w + 1); /* ISO: 1 Monday … 7 Sunday */
		stats_result_add(r, BD_WEEKDAY, code, wd[w]);
	}
	count_people(e, c, r);
}

/* Which vk1 keys pass the channel filter, and vk2 keys the public one. */
static uint8_t *channel_table(int ch)
{
	uint8_t *t = xcalloc((size_t)N_VK1, 1);
	for (int k = 0; k < N_VK1; k++)
		t[k] = k / (R_CUTS * R_STATUS * R_GENDER * R_AGE) == ch;
	return t;
}

static uint8_t *public_table(const char *code)
{
	int p = 0;
	while (p < 8 && strcmp(STATS_PUBLICS[p], code) != 0)
		p++;
	static const unsigned bit[8] = {F_ALLOPHONE, F_ILLITERACY,  0,          F_PRECARIOUS,
	                                F_NO_DEVICE, F_NO_INTERNET, F_NO_PHONE, F_NO_EMAIL};
	uint8_t *t = xcalloc((size_t)N_VK2, 1);
	for (int k = 0; k < N_VK2; k++) {
		int disab = (k / R_DUR) % R_DISAB, flags = k / (R_DUR * R_DISAB);
		t[k] = p == 2 ? disab != 0 : p < 8 && (flags & (int)bit[p]) != 0;
	}
	return t;
}

static int set(const char *s)
{
	return s && *s;
}

/* What a question needs to scan: the sites in scope, the dictionary
 * indexes of its filters and the tables of allowed packed keys. A filter
 * on a code never seen selects no site. Called with the read lock held;
 * prepared_free releases it. */
typedef struct prepared {
	qctx c;
	uint8_t *sel, *v1, *v2, *dok;
	size_t ns;
	int none;
} prepared;

static void prepare(stats_engine *e, const stats_query *q, prepared *p)
{
	memset(p, 0, sizeof *p);
	size_t ns = p->ns = e->d[D_SITE].n;
	uint8_t *sel = p->sel = xcalloc(ns + 1, 1);
	/* A département's or a region's sites: their codes compared as words. */
	const char *area = set(q->departement) ? q->departement : set(q->region) ? q->region : NULL;
	char *const *codes = set(q->departement) ? e->site_dep : e->site_reg;
	const uint64_t *keys = set(q->departement) ? e->site_depk : e->site_regk;
	uint64_t key = stats_code_key(area);
	for (size_t i = 0; i < ns; i++) {
		if (!area)
			sel[i] = !q->site_ids;
		else if (key != UINT64_MAX)
			sel[i] = keys[i] == key;
		else
			sel[i] = codes[i] && strcmp(codes[i], area) == 0;
	}
	char id[24];
	for (size_t i = 0; q->site_ids && i < q->nsites; i++) {
		snprintf(id, sizeof id, "%lld", (long long)q->site_ids[i]);
		int64_t k = dict_find(&e->d[D_SITE], id);
		if (k >= 0)
			sel[k] = 1;
	}
	p->c = (qctx){.e = e, .from = q->from_day, .to = q->to_day, .site_sel = sel, .agent = -1};
	/* The operator and theme filters: which demand codes pass. */
	int64_t op = -1, theme = -1;
	if (set(q->operator_code) && (op = dict_find(&e->d[D_OP], q->operator_code)) < 0)
		p->none = 1;
	if (set(q->theme_code) && (theme = dict_find(&e->d[D_THEME], q->theme_code)) < 0)
		p->none = 1;
	if (set(q->operator_code) || set(q->theme_code)) {
		p->c.dok = p->dok = xcalloc(e->d[D_DC].n + 1, 1);
		for (uint32_t i = 0; i < e->d[D_DC].n; i++)
			p->dok[i] = (op < 0 || e->dcs[i].op == op) && (theme < 0 || e->dcs[i].theme == theme);
	}
	if (q->agent_id) {
		snprintf(id, sizeof id, "%lld", (long long)q->agent_id);
		if ((p->c.agent = dict_find(&e->d[D_AGENT], id)) < 0)
			p->none = 1;
	}
	if (set(q->channel)) {
		int ch = 0;
		for (size_t i = 0; i < ENUM_CHANNEL.n; i++)
			if (!strcmp(ENUM_CHANNEL.items[i].code, q->channel))
				ch = (int)i + 1;
		if (!ch)
			p->none = 1;
		p->c.v1ok = p->v1 = channel_table(ch);
	}
	if (set(q->public_code)) {
		if (!stats_public_valid(q->public_code))
			p->none = 1;
		p->c.v2ok = p->v2 = public_table(q->public_code);
	}
}

static void prepared_free(prepared *p)
{
	free(p->sel);
	free(p->v1);
	free(p->v2);
	free(p->dok);
}

/* Visits and demands of one period, without breakdowns. */
static void count_only(stats_engine *e, const qctx *c, int32_t from, int32_t to, int64_t *visits,
                       int64_t *demands)
{
	qctx cp = *c;
	cp.count_only = 1;
	cp.from = from < 0 ? 0 : from;
	cp.to = to;
	counts n = {0};
	if (cp.to >= cp.from) {
		count_period(e, &cp, &n);
		counts_free(&n);
	}
	*visits = (int64_t)n.visits;
	*demands = (int64_t)n.demands;
}

int stats_engine_counts(stats_engine *e, const stats_query *q, size_t n, const int32_t (*periods)[2],
                        int64_t *visits, int64_t *demands)
{
	for (size_t i = 0; i < n; i++)
		if (periods[i][0] > periods[i][1] || periods[i][0] < 0)
			return -1;
	pthread_rwlock_rdlock(&e->lock);
	prepared p;
	prepare(e, q, &p);
	if (p.none)
		memset(p.sel, 0, p.ns + 1);
	for (size_t i = 0; i < n; i++)
		count_only(e, &p.c, periods[i][0], periods[i][1], &visits[i], &demands[i]);
	pthread_rwlock_unlock(&e->lock);
	prepared_free(&p);
	return 0;
}

/* Answers are scanned in full, as workshops are: a year of a whole
 * country is a few million entries of 12 bytes, next to the visits. */
static void count_answers(const stats_engine *e, const stats_query *q, const uint8_t *sel, stats_result *r)
{
	for (size_t i = 0; i < e->nsa; i++) {
		const sanswer *a = &e->sa[i];
		if (a->oc && sel[a->site] && a->day >= q->from_day && a->day <= q->to_day) {
			r->satisfaction[SA_OVERALL(a->oc) - 1]++;
			r->clarity[SA_CLARITY(a->oc)]++;
		}
	}
}

stats_result *stats_engine_query(stats_engine *e, const stats_query *q)
{
	if (q->from_day > q->to_day || q->from_day < 0)
		return NULL;
	stats_result *r = stats_result_new(q);
	pthread_rwlock_rdlock(&e->lock);
	prepared p;
	prepare(e, q, &p);
	qctx c = p.c;
	uint8_t *sel = p.sel;
	size_t ns = p.ns;
	int none = p.none;
	/* Workshops have a scope, a day and an adviser, nothing else: any
	 * other filter leaves them out. */
	if (!set(q->operator_code) && !set(q->theme_code) && !set(q->channel) && !set(q->public_code))
		for (size_t i = 0; i < e->nw; i++) {
			const wshop *w = &e->w[i];
			if (sel[w->site] && w->day >= q->from_day && w->day <= q->to_day &&
			    (!q->agent_id || w->agent_id == q->agent_id)) {
				r->workshops++;
				r->participants += w->participants;
			}
		}
	/* Satisfaction answers have a scope and a day only: any filter,
	 * the adviser's too, leaves them out. */
	if (!set(q->operator_code) && !set(q->theme_code) && !set(q->channel) && !set(q->public_code) &&
	    !q->agent_id)
		count_answers(e, q, sel, r);
	if (none)
		memset(sel, 0, ns + 1);

	counts all;
	count_period(e, &c, &all);
	expand(e, &c, &all, r);
	counts_free(&all);

	int32_t prev[2], yago[2];
	stats_periods(q, prev, yago);
	count_only(e, &c, prev[0], prev[1], &r->prev_visits, &r->prev_demands);
	count_only(e, &c, yago[0], yago[1], &r->yago_visits, &r->yago_demands);
	pthread_rwlock_unlock(&e->lock);
	prepared_free(&p);
	stats_result_finish(r);
	return r;
}
