/*
 * stats_load.c: filling the engine. The store streams every live demand
 * joined with its visit and visitor (the source's rows); each visit becomes
 * one entry of the visit columns with its demands next to each other in
 * the demand columns, its codes turned into small integers. The whole is
 * then sorted by site, day and visit id, so that a scope and a period are
 * a few ranges found by binary search.
 *
 * A refresh reads only what changed since the previous one: every version
 * of a changed visit already held is marked dead, and its new version (if
 * still live) is appended to a small unsorted delta segment that queries
 * scan in full. When the delta grows large, main and delta are merged
 * again in memory, without reading the store.
 *
 * Satisfaction answers (a site, a day, two small numbers) are held apart in
 * one array sorted by id, refreshed the same way: the answers changed since
 * the previous refresh replace or kill the versions held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vocab/enums.h"
#include "stats/stats_impl.h"

/* A delta beyond this share of the main segment (or this size) is merged. */
#define DELTA_MERGE_MIN 65536
#define DELTA_MERGE_SHARE 16

/* ---- segments ---- */

void seg_free(seg *g)
{
	if (!g->mapped) {
#define X(t, n) free(g->n);
		VISIT_COLS(X)
		FULL_COLS(X)
		DEMAND_COLS(X)
#undef X
		free(g->dead);
		free(g->dblk);
	}
	memset(g, 0, sizeof *g);
}

void seg_reserve(seg *g, size_t nv, size_t nd)
{
	if (g->nv + nv > g->capv) {
		size_t c = g->capv ? g->capv : (nv > 1024 ? nv : 1024); /* exact when built at once */
		while (c < g->nv + nv)
			c *= 2;
#define X(t, n) g->n = xrealloc(g->n, c * sizeof(t));
		VISIT_COLS(X)
#undef X
		if (g->full) {
#define X(t, n) g->n = xrealloc(g->n, c * sizeof(t));
			FULL_COLS(X)
#undef X
		}
		size_t words = (c + 63) / 64, old = (g->capv + 63) / 64;
		g->dead = xrealloc(g->dead, words * sizeof *g->dead);
		memset(g->dead + old, 0, (words - old) * sizeof *g->dead);
		g->dblk = xrealloc(g->dblk, (c / DBLK + 1) * sizeof *g->dblk);
		g->capv = c;
	}
	if (g->nd + nd > g->capd) {
		size_t c = g->capd ? g->capd : (nd > 2048 ? nd : 2048);
		while (c < g->nd + nd)
			c *= 2;
#define X(t, n) g->n = xrealloc(g->n, c * sizeof(t));
		DEMAND_COLS(X)
#undef X
		g->capd = c;
	}
}

size_t seg_bytes(const seg *g)
{
	size_t b = 0;
#define X(t, n) b += g->capv * sizeof(t);
	VISIT_COLS(X)
#undef X
	if (g->full) {
#define X(t, n) b += g->capv * sizeof(t);
		FULL_COLS(X)
#undef X
	}
#define X(t, n) b += g->capd * sizeof(t);
	DEMAND_COLS(X)
#undef X
	return b + (g->capv + 63) / 64 * sizeof *g->dead + (g->capv / DBLK + 1) * sizeof *g->dblk;
}

void seg_push_visit(seg *g)
{
	seg_reserve(g, 1, 0);
	if (g->nv % DBLK == 0)
		g->dblk[g->nv / DBLK] = (uint32_t)g->nd;
	g->dn[g->nv] = 0;
	g->dead[g->nv / 64] &= ~((uint64_t)1 << (g->nv % 64));
	g->nv++;
}

void seg_push_demand(seg *g)
{
	seg_reserve(g, 0, 1);
	g->nd++;
	g->dn[g->nv - 1]++;
}

/* ---- sites ---- */

int64_t engine_site(stats_engine *e, int64_t id)
{
	char key[24];
	snprintf(key, sizeof key, "%lld", (long long)id);
	int64_t i = dict_id(&e->d[D_SITE], key);
	if (i < 0)
		return -1;
	if ((size_t)i >= e->site_cap) {
		size_t c = e->site_cap ? e->site_cap * 2 : 256;
		e->site_dep = xrealloc(e->site_dep, c * sizeof *e->site_dep);
		e->site_reg = xrealloc(e->site_reg, c * sizeof *e->site_reg);
		e->site_depk = xrealloc(e->site_depk, c * sizeof *e->site_depk);
		e->site_regk = xrealloc(e->site_regk, c * sizeof *e->site_regk);
		e->site_id = xrealloc(e->site_id, c * sizeof *e->site_id);
		for (size_t k = e->site_cap; k < c; k++) {
			e->site_dep[k] = e->site_reg[k] = NULL;
			e->site_depk[k] = e->site_regk[k] = UINT64_MAX;
			e->site_id[k] = 0;
		}
		e->site_cap = c;
	}
	e->site_id[i] = id;
	return i;
}

static int site_row(void *ctx, const stats_site_row *r)
{
	stats_engine *e = ctx;
	int64_t i = engine_site(e, r->id);
	if (i < 0)
		return -1;
	/* A site may move to another département: the latest wins, and
	 * queries map sites to départements when they run. */
	free(e->site_dep[i]);
	free(e->site_reg[i]);
	e->site_dep[i] = xstrdup(r->departement);
	e->site_reg[i] = xstrdup(r->region);
	e->site_depk[i] = stats_code_key(e->site_dep[i]);
	e->site_regk[i] = stats_code_key(e->site_reg[i]);
	return 0;
}

/* ---- rows to columns ---- */

static int enum_pos(const enum_def *d, const char *code)
{
	if (!code || !*code)
		return 0;
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return (int)i + 1;
	return -1;
}

static int dur_pos(int64_t minutes)
{
	return minutes <= 0 ? 0 : minutes < 30 ? 1 : minutes < 60 ? 2 : minutes < 120 ? 3 : 4;
}

/* Local day, hour and year of a time, cached by hour (converting each
 * visit's time with localtime_r would dominate the load). */
typedef struct tcache {
	int64_t key[4096];
	int32_t day[4096];
	uint8_t hour[4096];
	int16_t year[4096];
} tcache;

static void local_of(tcache *c, int64_t t, int32_t *day, int *hour, int *year)
{
	int64_t k = t >= 0 ? t / 3600 : -1;
	size_t slot = (size_t)(k & 4095);
	if (k < 0 || c->key[slot] != k + 1) {
		time_t tt = (time_t)(k < 0 ? t : k * 3600);
		struct tm tm;
		localtime_r(&tt, &tm);
		c->key[slot] = k + 1;
		c->day[slot] = stats_day_of_time((int64_t)tt);
		c->hour[slot] = (uint8_t)tm.tm_hour;
		c->year[slot] = (int16_t)(tm.tm_year + 1900);
	}
	/* Offsets of Europe/Paris and every French zone are whole hours. */
	*day = c->day[slot];
	*hour = c->hour[slot];
	*year = c->year[slot];
}

typedef struct loader {
	stats_engine *e;
	seg *g;
	tcache tc;
	int64_t cur;    /* visit being read, 0 before the first */
	int cur_live;   /* whether it is appended to g */
	uint64_t *seen; /* refresh: every visit met, live or not: site index << 32 | id */
	size_t nseen, capseen;
	sanswer *sa; /* satisfaction answers read, in id order (oc 0: deleted) */
	size_t nsa, capsa;
	char err[160];
} loader;

static int fail(loader *l, const char *what)
{
	snprintf(l->err, sizeof l->err, "stats: %s", what);
	return -1;
}

static int id16(loader *l, int dim, const char *s, uint16_t *out)
{
	int64_t i = dict_id(&l->e->d[dim], s);
	if (i < 0)
		return fail(l, "too many distinct codes in one dimension");
	*out = (uint16_t)i;
	return 0;
}

/* A combined code's key in its dictionary: each index as three
 * printable characters of six bits. */
static void key_put(char *k, unsigned v)
{
	k[0] = (char)(0x40 + (v >> 12 & 63));
	k[1] = (char)(0x40 + (v >> 6 & 63));
	k[2] = (char)(0x40 + (v & 63));
}

static int combined(loader *l, int dim, const uint16_t *parts, size_t n, uint16_t *out)
{
	char k[16];
	for (size_t i = 0; i < n; i++)
		key_put(k + 3 * i, parts[i]);
	k[3 * n] = 0;
	stats_engine *e = l->e;
	uint32_t before = e->d[dim].n;
	int64_t c = dict_id(&e->d[dim], k);
	if (c < 0)
		return fail(l, "too many distinct codes in one dimension");
	if (e->d[dim].n != before) { /* new: what it stands for */
		if (dim == D_DC) {
			if ((size_t)c >= e->dcs_cap) {
				e->dcs_cap = e->dcs_cap ? e->dcs_cap * 2 : 256;
				e->dcs = xrealloc(e->dcs, e->dcs_cap * sizeof *e->dcs);
			}
			e->dcs[c] = (dcode){parts[0], parts[1], parts[2]};
		} else {
			if ((size_t)c >= e->dxs_cap) {
				e->dxs_cap = e->dxs_cap ? e->dxs_cap * 2 : 64;
				e->dxs = xrealloc(e->dxs, e->dxs_cap * sizeof *e->dxs);
			}
			e->dxs[c] = (xcode){parts[0], parts[1]};
		}
	}
	*out = (uint16_t)c;
	return 0;
}

static int start_visit(loader *l, const stats_row *r)
{
	seg *g = l->g;
	if (r->visit_id <= 0 || r->visit_id > UINT32_MAX || r->visitor_id > UINT32_MAX)
		return fail(l, "identifier out of range");
	int32_t day;
	int hour, year;
	local_of(&l->tc, r->started_at, &day, &hour, &year);
	if (day < 0 || day > UINT16_MAX)
		return fail(l, "date out of range");
	int64_t site = engine_site(l->e, r->site_id);
	int ch = enum_pos(&ENUM_CHANNEL, r->channel), age = enum_pos(&ENUM_AGE, r->age_bracket),
	    gender = enum_pos(&ENUM_GENDER, r->gender), status = enum_pos(&ENUM_STATUS, r->social_status);
	if (site < 0 || ch < 0 || age < 0 || gender < 0 || status < 0)
		return fail(l, "unexpected code in a visit");
	int cuts = stats_cut_over_55(r->birth_year, year, r->age_bracket) * 3 +
	           stats_cut_under_26(r->birth_year, year, r->age_bracket);
	unsigned flags = (r->no_phone ? F_NO_PHONE : 0) | (r->no_email ? F_NO_EMAIL : 0) |
	                 (r->no_device ? F_NO_DEVICE : 0) | (r->no_internet ? F_NO_INTERNET : 0) |
	                 (r->allophone ? F_ALLOPHONE : 0) | (r->illiteracy ? F_ILLITERACY : 0) |
	                 (r->very_precarious ? F_PRECARIOUS : 0) | (r->identified ? F_IDENTIFIED : 0);
	char agent[24] = "";
	if (r->agent_id)
		snprintf(agent, sizeof agent, "%lld", (long long)r->agent_id);
	seg_push_visit(g);
	size_t i = g->nv - 1;
	g->vid[i] = (uint32_t)r->visit_id;
	g->visitor[i] = r->identified ? (uint32_t)r->visitor_id : 0;
	g->site[i] = (uint16_t)site;
	g->day[i] = (uint16_t)day;
	g->vk1[i] =
	    (uint16_t)((((ch * R_AGE + age) * R_GENDER + gender) * R_STATUS + status) * R_CUTS + cuts);
	g->vk2[i] =
	    (uint16_t)((flags * R_DISAB + (r->disabilities[0] != 0)) * R_DUR + dur_pos(r->visit_duration));
	g->wh[i] = WH_OF(day, hour);
	if (id16(l, D_COMMUNE, r->commune, &g->commune[i]) || id16(l, D_LANGS, r->languages, &g->langs[i]) ||
	    id16(l, D_AGENT, agent, &g->agent[i]))
		return -1;
	return 0;
}

static int add_demand(loader *l, const stats_row *r)
{
	seg *g = l->g;
	if (g->dn[g->nv - 1] == UINT8_MAX)
		return fail(l, "too many demands in one visit");
	int level = enum_pos(&ENUM_LEVEL, r->level), interp = enum_pos(&ENUM_INTERPRETING, r->interpreting),
	    outcome = enum_pos(&ENUM_OUTCOME, r->outcome), referral = enum_pos(&ENUM_REFERRAL, r->referral);
	if (level < 0 || interp < 0 || outcome < 0 || referral < 0 || r->autonomy < 0 || r->autonomy > 3)
		return fail(l, "unexpected code in a demand");
	char proc[24] = "texte_libre";
	if (r->procedure_id)
		snprintf(proc, sizeof proc, "%lld", (long long)r->procedure_id);
	uint16_t p[3], x[2], dc, dx;
	if (id16(l, D_OP, r->operator_code, &p[0]) || id16(l, D_PROC, proc, &p[1]) ||
	    id16(l, D_THEME, r->theme_code, &p[2]) || id16(l, D_EQUIP, r->equipment, &x[0]) ||
	    id16(l, D_ILANG, r->interpreting_lang, &x[1]) || combined(l, D_DC, p, 3, &dc) ||
	    combined(l, D_DX, x, 2, &dx))
		return -1;
	seg_push_demand(g);
	size_t k = g->nd - 1;
	g->dk[k] =
	    (uint16_t)((((level * R_AUTONOMY + (int)r->autonomy) * R_INTERP + interp) * R_OUTCOME + outcome) *
	                   R_REFERRAL +
	               referral);
	g->dc[k] = dc;
	g->dx[k] = dx;
	return 0;
}

static int row_cb(void *ctx, const stats_row *r)
{
	loader *l = ctx;
	if (r->visit_id != l->cur) {
		l->cur = r->visit_id;
		if (l->seen) {
			if (l->nseen == l->capseen) {
				l->capseen *= 2;
				l->seen = xrealloc(l->seen, l->capseen * sizeof *l->seen);
			}
			int64_t site = engine_site(l->e, r->site_id);
			if (site < 0 || r->visit_id <= 0 || r->visit_id > UINT32_MAX)
				return fail(l, "identifier out of range");
			l->seen[l->nseen++] = (uint64_t)site << 32 | (uint64_t)r->visit_id;
		}
		l->cur_live = r->deleted_at == 0 && r->demand_id != 0;
		if (l->cur_live && start_visit(l, r) != 0)
			return -1;
	}
	return l->cur_live ? add_demand(l, r) : 0;
}

static int workshop_row(void *ctx, const stats_workshop_row *r)
{
	loader *l = ctx;
	stats_engine *e = l->e;
	int32_t day;
	int hour, year;
	local_of(&l->tc, r->held_at, &day, &hour, &year);
	int64_t site = engine_site(e, r->site_id);
	if (site < 0 || day < 0 || day > UINT16_MAX)
		return fail(l, "workshop out of range");
	if ((e->nw & (e->nw - 1)) == 0 && e->nw >= 64)
		e->w = xrealloc(e->w, e->nw * 2 * sizeof *e->w);
	else if (e->nw == 0)
		e->w = xrealloc(e->w, 64 * sizeof *e->w);
	e->w[e->nw++] = (wshop){(uint16_t)site, (uint16_t)day, r->agent_id, r->participants};
	return 0;
}

/* Workshops are few (a few per site and week): read again in full. */
static int load_workshops(stats_engine *e, loader *l)
{
	free(e->w);
	e->w = NULL;
	e->nw = 0;
	return e->src.workshops(e->src.ctx, workshop_row, l);
}

/* ---- satisfaction answers ---- */

static void sa_push(sanswer **v, size_t *n, size_t *cap, sanswer a)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	(*v)[(*n)++] = a;
}

static int answer_row(void *ctx, const stats_satisfaction_row *r)
{
	loader *l = ctx;
	if (r->id <= 0 || r->id > UINT32_MAX)
		return fail(l, "identifier out of range");
	if (r->overall < 1 || r->overall > 3 || r->clarity < 0 || r->clarity > 5)
		return fail(l, "unexpected code in a satisfaction answer");
	int32_t day;
	int hour, year;
	local_of(&l->tc, r->answered_at, &day, &hour, &year);
	int64_t site = engine_site(l->e, r->site_id);
	if (site < 0 || day < 0 || day > UINT16_MAX)
		return fail(l, "satisfaction answer out of range");
	sanswer a = {(uint32_t)r->id, (uint16_t)site, (uint16_t)day,
	             r->deleted_at ? 0 : SA_OC(r->overall, r->clarity)};
	sa_push(&l->sa, &l->nsa, &l->capsa, a);
	return 0;
}

static int sa_cmp(const void *x, const void *y)
{
	uint32_t a = ((const sanswer *)x)->id, b = ((const sanswer *)y)->id;
	return a < b ? -1 : a > b;
}

/* Applies the answers changed since the last refresh (l->sa, in id order):
 * the version held takes the new values in place, or dies; a new live
 * answer is appended, and the whole sorted again only when its id comes
 * before the last one held (a write committed late). Dead entries are
 * dropped once they are an eighth of the whole, so a refresh costs the
 * changes, not the answers held. */
static void apply_answers(stats_engine *e, const loader *l)
{
	size_t held = e->nsa;
	int unsorted = 0;
	for (size_t k = 0; k < l->nsa; k++) {
		const sanswer *c = &l->sa[k];
		sanswer *old = held ? bsearch(c, e->sa, held, sizeof *e->sa, sa_cmp) : NULL;
		if (old) {
			e->sa_dead += (old->oc && !c->oc) - (!old->oc && c->oc);
			*old = *c;
		} else if (c->oc) {
			unsorted |= e->nsa > 0 && e->sa[e->nsa - 1].id > c->id;
			sa_push(&e->sa, &e->nsa, &e->capsa, *c);
		}
	}
	if (unsorted)
		qsort(e->sa, e->nsa, sizeof *e->sa, sa_cmp);
	if (e->sa_dead > e->nsa / 8) {
		size_t n = 0;
		for (size_t i = 0; i < e->nsa; i++)
			if (e->sa[i].oc)
				e->sa[n++] = e->sa[i];
		e->nsa = n;
		e->sa_dead = 0;
	}
}

/* ---- sorting into the main segment ---- */

static const seg *sort_src;

static int visit_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	const seg *g = sort_src;
	if (g->site[a] != g->site[b])
		return g->site[a] < g->site[b] ? -1 : 1;
	if (g->day[a] != g->day[b])
		return g->day[a] < g->day[b] ? -1 : 1;
	return g->vid[a] < g->vid[b] ? -1 : g->vid[a] > g->vid[b];
}

static int u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Identified visits of main in the order of their people: visitor, then
 * day, then visit id (main is in site, day, id order, so a stable key of
 * visitor and main index does not do: two sites' visits interleave). */
static const stats_engine *rank_e;

static int rank_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	const stats_engine *e = rank_e;
	if (e->id_vis[a] != e->id_vis[b])
		return e->id_vis[a] < e->id_vis[b] ? -1 : 1;
	uint32_t ia = e->id_idx[a], ib = e->id_idx[b];
	if (e->main.day[ia] != e->main.day[ib])
		return e->main.day[ia] < e->main.day[ib] ? -1 : 1;
	return e->main.vid[ia] < e->main.vid[ib] ? -1 : e->main.vid[ia] > e->main.vid[ib];
}

/* Builds e->main, site_off and the identified visits' tables from the live
 * visits of src (a full segment, taken and freed). qsort's comparator has
 * no context argument: the engine's build runs under its write lock and
 * sort_src is guarded by build_mu. */
static pthread_mutex_t build_mu = PTHREAD_MUTEX_INITIALIZER;

static void free_main(stats_engine *e)
{
	seg_free(&e->main);
	if (!e->main_mapped) {
		free(e->site_off);
		free(e->id_idx);
		free(e->id_vis);
		free(e->id_rank);
		free(e->id_pos);
		free(e->id_aut);
	}
	free(e->id_vr);
	e->id_vr = NULL;
	if (e->map)
		munmap(e->map, e->map_len);
	e->map = NULL;
	e->main_mapped = 0;
	e->site_off = e->id_idx = e->id_vis = e->id_rank = e->id_pos = NULL;
	e->id_aut = NULL;
	e->nid = 0;
}

static void build_main(stats_engine *e, seg *src)
{
	size_t n = 0;
	uint32_t *perm = xmalloc((src->nv ? src->nv : 1) * sizeof *perm);
	uint32_t *first = xmalloc((src->nv ? src->nv : 1) * sizeof *first);
	for (size_t i = 0, d = 0; i < src->nv; d += src->dn[i], i++) {
		first[i] = (uint32_t)d;
		if (!SEG_DEAD(src, i))
			perm[n++] = (uint32_t)i;
	}
	pthread_mutex_lock(&build_mu);
	sort_src = src;
	qsort(perm, n, sizeof *perm, visit_cmp);
	sort_src = NULL;
	pthread_mutex_unlock(&build_mu);

	seg g = {0};
	size_t nd = 0, nid = 0;
	for (size_t k = 0; k < n; k++) {
		nd += src->dn[perm[k]];
		nid += VK2_IDENTIFIED(src->vk2[perm[k]]);
	}
	seg_reserve(&g, n ? n : 1, nd ? nd : 1);
	free_main(e);
	e->id_idx = xmalloc((nid ? nid : 1) * sizeof *e->id_idx);
	e->id_vis = xmalloc((nid ? nid : 1) * sizeof *e->id_vis);
	e->id_aut = xmalloc(nid ? nid : 1);
	for (size_t k = 0; k < n; k++) {
		uint32_t i = perm[k];
		seg_push_visit(&g);
#define X(t, c) g.c[k] = src->c[i];
		VISIT_COLS(X)
#undef X
		g.dn[k] = 0;
		for (uint32_t j = first[i]; j < first[i] + src->dn[i]; j++) {
			seg_push_demand(&g);
#define X(t, c) g.c[g.nd - 1] = src->c[j];
			DEMAND_COLS(X)
#undef X
		}
		if (VK2_IDENTIFIED(g.vk2[k])) {
			unsigned aut = 0;
			for (size_t j = g.nd - g.dn[k]; j < g.nd; j++)
				if (DK_AUTONOMY(g.dk[j]) > aut)
					aut = DK_AUTONOMY(g.dk[j]);
			e->id_idx[e->nid] = (uint32_t)k;
			e->id_aut[e->nid] = (uint8_t)aut;
			e->id_vis[e->nid++] = src->visitor[i];
		}
	}
	e->main = g;
	e->nsites_main = e->d[D_SITE].n;
	e->site_off = xcalloc(e->nsites_main + 1, sizeof *e->site_off);
	for (size_t k = 0; k < n; k++)
		e->site_off[src->site[perm[k]] + 1]++;
	for (size_t s = 0; s < e->nsites_main; s++)
		e->site_off[s + 1] += e->site_off[s];
	seg_free(src);

	e->id_pos = xmalloc((nid ? nid : 1) * sizeof *e->id_pos);
	e->id_rank = xmalloc((nid ? nid : 1) * sizeof *e->id_rank);
	for (size_t p = 0; p < nid; p++)
		e->id_pos[p] = (uint32_t)p;
	pthread_mutex_lock(&build_mu);
	rank_e = e;
	qsort(e->id_pos, nid, sizeof *e->id_pos, rank_cmp);
	rank_e = NULL;
	pthread_mutex_unlock(&build_mu);
	for (size_t r = 0; r < nid; r++)
		e->id_rank[e->id_pos[r]] = (uint32_t)r;
	engine_rank_visitors(e);
	free(perm);
	free(first);
}

void engine_rank_visitors(stats_engine *e)
{
	free(e->id_vr);
	e->id_vr = xmalloc((e->nid ? e->nid : 1) * sizeof *e->id_vr);
	for (size_t r = 0; r < e->nid; r++)
		e->id_vr[r] = e->id_vis[e->id_pos[r]];
}

/* Appends the visits of src to dst (a full segment), their demands with
 * them; main's sites and visitors come from their places and tables. */
static void seg_append(stats_engine *e, seg *dst, const seg *src)
{
	seg_reserve(dst, src->nv, src->nd);
	size_t site = 0, p = 0, d = 0;
	for (size_t i = 0; i < src->nv; i++) {
		seg_push_visit(dst);
		size_t k = dst->nv - 1;
#define X(t, c) dst->c[k] = src->c[i];
		VISIT_COLS(X)
#undef X
		dst->dn[k] = 0;
		if (src->full) {
			dst->site[k] = src->site[i];
			dst->visitor[k] = src->visitor[i];
		} else {
			while (e->site_off[site + 1] <= i)
				site++;
			dst->site[k] = (uint16_t)site;
			while (p < e->nid && e->id_idx[p] < i)
				p++;
			dst->visitor[k] = p < e->nid && e->id_idx[p] == i ? e->id_vis[p] : 0;
		}
		if (SEG_DEAD(src, i))
			SEG_KILL(dst, k);
		for (uint32_t j = 0; j < src->dn[i]; j++, d++) {
			seg_push_demand(dst);
#define X(t, c) dst->c[dst->nd - 1] = src->c[d];
			DEMAND_COLS(X)
#undef X
		}
	}
}

void engine_merge(stats_engine *e)
{
	seg all = {.full = 1};
	seg_append(e, &all, &e->main);
	seg_append(e, &all, &e->delta);
	seg_free(&e->delta);
	e->delta.full = 1;
	build_main(e, &all);
}

static void free_sites(stats_engine *e)
{
	for (size_t i = 0; i < e->site_cap; i++) {
		free(e->site_dep[i]);
		free(e->site_reg[i]);
	}
	free(e->site_dep);
	free(e->site_reg);
	free(e->site_depk);
	free(e->site_regk);
	free(e->site_id);
	e->site_dep = e->site_reg = NULL;
	e->site_depk = e->site_regk = NULL;
	e->site_id = NULL;
	e->site_cap = 0;
}

void stats_engine_free(stats_engine *e)
{
	if (!e)
		return;
	free_main(e);
	seg_free(&e->delta);
	for (int i = 0; i < D_COUNT; i++)
		dict_free(&e->d[i]);
	free_sites(e);
	free(e->dcs);
	free(e->dxs);
	free(e->w);
	free(e->sa);
	pthread_rwlock_destroy(&e->lock);
	pthread_mutex_destroy(&e->refresh_mu);
	free(e);
}

static loader *loader_new(stats_engine *e, seg *g)
{
	loader *l = xcalloc(1, sizeof *l);
	l->e = e;
	l->g = g;
	return l;
}

stats_engine *engine_new(const stats_source *src, int threads)
{
	static const uint32_t max[D_COUNT] = {
	    [D_OP] = UINT16_MAX,    [D_PROC] = UINT16_MAX,  [D_COMMUNE] = UINT16_MAX,
	    [D_LANGS] = UINT16_MAX, [D_EQUIP] = UINT16_MAX, [D_THEME] = UINT8_MAX,
	    [D_ILANG] = UINT8_MAX,  [D_AGENT] = UINT16_MAX, [D_SITE] = UINT16_MAX,
	    [D_DC] = UINT16_MAX,    [D_DX] = UINT16_MAX};
	stats_engine *e = xcalloc(1, sizeof *e);
	e->src = *src;
	e->threads = threads == 2 ? 2 : 1;
	e->split_min = STATS_SPLIT_MIN;
	e->quad_min = 4 * STATS_BLOCK;
	e->block = STATS_BLOCK;
	e->chunk = STATS_CHUNK;
	pthread_rwlock_init(&e->lock, NULL);
	pthread_mutex_init(&e->refresh_mu, NULL);
	for (int i = 0; i < D_COUNT; i++)
		dict_init(&e->d[i], max[i]);
	e->delta.full = 1;
	return e;
}

stats_engine *stats_engine_load(const stats_source *src, int threads)
{
	stats_engine *e = engine_new(src, threads);
	int64_t t0 = mono_us(), start = now_s();
	seg stage = {.full = 1};
	loader *l = loader_new(e, &stage);
	int rc = src->sites(src->ctx, site_row, e);
	if (rc == 0)
		rc = src->rows(src->ctx, -1, row_cb, l);
	if (rc == 0)
		rc = load_workshops(e, l);
	if (rc == 0)
		rc = src->satisfaction(src->ctx, -1, answer_row, l);
	if (rc != 0) {
		fprintf(stderr, "%s\n", l->err[0] ? l->err : "stats: cannot read the store");
		seg_free(&stage);
		free(l->sa);
		free(l);
		stats_engine_free(e);
		return NULL;
	}
	/* Live answers come in id order: they are the sorted array as is. */
	e->sa = l->sa;
	e->nsa = l->nsa;
	e->capsa = l->capsa;
	free(l);
	build_main(e, &stage);
	for (int i = 0; i < D_COUNT; i++)
		dict_sort(&e->d[i]);
	e->since = start - STATS_REFRESH_MARGIN_S;
	e->load_us = mono_us() - t0;
	return e;
}

int stats_engine_refresh(stats_engine *e)
{
	int64_t t0 = mono_us(), start = now_s();
	pthread_mutex_lock(&e->refresh_mu);
	/* The dictionaries and site tables grow while rows are read, and
	 * queries read them: the whole refresh holds the write lock. It reads
	 * the changes of the last seconds only, so it is short. */
	pthread_rwlock_wrlock(&e->lock);
	seg stage = {.full = 1};
	loader *l = loader_new(e, &stage);
	l->capseen = 1024;
	l->seen = xmalloc(l->capseen * sizeof *l->seen);
	int rc = e->src.sites(e->src.ctx, site_row, e);
	if (rc == 0)
		rc = e->src.rows(e->src.ctx, e->since, row_cb, l);
	if (rc == 0) {
		/* Every version of a changed visit already held dies; the
		 * live new one goes to the delta. A visit never changes site
		 * (store_visit_update keeps it), so its old version in main is
		 * looked for among its site's visits only. */
		qsort(l->seen, l->nseen, sizeof *l->seen, u64_cmp);
		for (size_t k = 0; k < l->nseen;) {
			size_t site = (size_t)(l->seen[k] >> 32), end = k;
			while (end < l->nseen && l->seen[end] >> 32 == site)
				end++;
			for (size_t i = site < e->nsites_main ? e->site_off[site] : 0;
			     site < e->nsites_main && i < e->site_off[site + 1]; i++) {
				uint64_t key = (uint64_t)site << 32 | e->main.vid[i];
				if (bsearch(&key, l->seen + k, end - k, sizeof *l->seen, u64_cmp))
					SEG_KILL(&e->main, i);
			}
			k = end;
		}
		for (size_t i = 0; i < e->delta.nv; i++) {
			uint64_t key = (uint64_t)e->delta.site[i] << 32 | e->delta.vid[i];
			if (bsearch(&key, l->seen, l->nseen, sizeof *l->seen, u64_cmp))
				SEG_KILL(&e->delta, i);
		}
		seg_append(e, &e->delta, &stage);
		rc = load_workshops(e, l);
	}
	/* Answers are applied only once all the changed ones are read: an
	 * error leaves them as they were, and the next refresh reads the same
	 * changes again. */
	if (rc == 0)
		rc = e->src.satisfaction(e->src.ctx, e->since, answer_row, l);
	if (rc == 0) {
		apply_answers(e, l);
		e->changes += l->nseen + l->nsa;
	}
	if (rc != 0)
		fprintf(stderr, "%s\n", l->err[0] ? l->err : "stats: cannot read the changes");
	else
		e->since = start - STATS_REFRESH_MARGIN_S;
	seg_free(&stage);
	free(l->seen);
	free(l->sa);
	free(l);
	for (int i = 0; i < D_COUNT; i++)
		dict_sort(&e->d[i]);
	size_t limit = e->main.nv / DELTA_MERGE_SHARE;
	if (rc == 0 && e->delta.nv > (limit > DELTA_MERGE_MIN ? limit : DELTA_MERGE_MIN))
		engine_merge(e);
	e->refresh_us = mono_us() - t0;
	pthread_rwlock_unlock(&e->lock);
	pthread_mutex_unlock(&e->refresh_mu);
	return rc == 0 ? 0 : -1;
}

void stats_engine_info_get(stats_engine *e, stats_engine_info *out)
{
	pthread_rwlock_rdlock(&e->lock);
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < e->main.nv; i++)
		if (!SEG_DEAD(&e->main, i)) {
			out->visits++;
			out->demands += e->main.dn[i];
		}
	for (size_t i = 0; i < e->delta.nv; i++)
		if (!SEG_DEAD(&e->delta, i)) {
			out->visits++;
			out->delta_visits++;
			out->demands += e->delta.dn[i];
		}
	out->bytes = seg_bytes(&e->main) + seg_bytes(&e->delta) + e->nid * (5 * sizeof *e->id_idx + 1) +
	             (e->nsites_main + 1) * sizeof *e->site_off + e->nw * sizeof *e->w +
	             e->capsa * sizeof *e->sa + e->dcs_cap * sizeof *e->dcs + e->dxs_cap * sizeof *e->dxs;
	out->load_us = e->load_us;
	out->last_refresh_us = e->refresh_us;
	out->from_snapshot = e->from_snapshot;
	out->changes = e->changes;
	pthread_rwlock_unlock(&e->lock);
}
