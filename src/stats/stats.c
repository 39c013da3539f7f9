/*
 * stats.c: answering a question from the engine's columns (stats_load.c
 * fills them). The scope and the period become ranges of the main
 * segment (sites are contiguous, days sorted within a site), plus the
 * delta segment scanned in full; one pass over those visits and their
 * demands increments a histogram per column, and the histograms are turned
 * into the result's breakdowns at the end. With two threads the ranges
 * are cut in two halves of equal size, each counted into its own
 * histograms, which are then added.
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

/* Below this many visits a second thread costs more than it saves. */
#define SPLIT_MIN_VISITS 100000

typedef struct range {
	const seg *g;
	size_t a, b;
	int delta;
} range;

typedef struct qctx {
	const stats_engine *e;
	int32_t from, to;
	const uint8_t *site_sel;    /* by site index */
	int64_t op, theme, agent;   /* dictionary index; -1 when not filtered */
	const uint8_t *v1ok, *v2ok; /* allowed vk1 / vk2 keys; NULL: all */
	int count_only;
} qctx;

/* A visit of an identified visitor: counted once per person, and followed
 * for the progression of digital autonomy (aut: the highest level
 * evaluated in its demands, 0 when none was). */
struct idv {
	uint32_t visitor, vid;
	uint16_t day;
	uint8_t aut;
};

typedef struct counts {
	uint64_t visits, demands;
	uint32_t *op, *proc, *equip, *theme, *ilang, *dk, *vk1, *vk2, *commune, *langs, *hour, *day;
	struct idv *ids; /* visits of identified visitors */
	size_t nids, capids;
} counts;

static void counts_init(counts *c, const stats_engine *e, const qctx *q)
{
	memset(c, 0, sizeof *c);
	if (q->count_only)
		return;
	c->op = xcalloc(e->d[D_OP].n + 1, sizeof *c->op);
	c->proc = xcalloc(e->d[D_PROC].n + 1, sizeof *c->proc);
	c->equip = xcalloc(e->d[D_EQUIP].n + 1, sizeof *c->equip);
	c->theme = xcalloc(e->d[D_THEME].n + 1, sizeof *c->theme);
	c->ilang = xcalloc(e->d[D_ILANG].n + 1, sizeof *c->ilang);
	c->commune = xcalloc(e->d[D_COMMUNE].n + 1, sizeof *c->commune);
	c->langs = xcalloc(e->d[D_LANGS].n + 1, sizeof *c->langs);
	c->dk = xcalloc((size_t)N_DK, sizeof *c->dk);
	c->vk1 = xcalloc((size_t)N_VK1, sizeof *c->vk1);
	c->vk2 = xcalloc((size_t)N_VK2, sizeof *c->vk2);
	c->hour = xcalloc(24, sizeof *c->hour);
	c->day = xcalloc((size_t)q->to - (size_t)q->from + 1, sizeof *c->day);
}

static void counts_free(counts *c)
{
	uint32_t *p[] = {c->op,  c->proc,    c->equip, c->theme, c->ilang, c->dk,
	                 c->vk1, c->vk2, c->commune, c->langs, c->hour,  c->day};
	for (size_t i = 0; i < COUNT(p); i++)
		free(p[i]);
	free(c->ids);
}

/* The autonomy level of a demand's packed key (0: not evaluated). */
#define DK_AUTONOMY(k) (((k) / (R_REFERRAL * R_OUTCOME * R_INTERP)) % R_AUTONOMY)

static void scan(const qctx *q, const range *r, counts *c)
{
	const seg *g = r->g;
	const int filter_d = q->op >= 0 || q->theme >= 0;
	if (q->count_only && !filter_d && !q->v1ok && !q->v2ok && q->agent < 0 && !r->delta && r->a < r->b) {
		/* Growth periods without filters: a range's totals from its
		 * ends, less the dead visits. */
		uint64_t nv = r->b - r->a,
		         nd = (uint64_t)g->dfirst[r->b - 1] + g->dn[r->b - 1] - g->dfirst[r->a];
		for (size_t i = r->a; i < r->b; i++)
			if (g->dead[i]) {
				nv--;
				nd -= g->dn[i];
			}
		c->visits += nv;
		c->demands += nd;
		return;
	}
	/* The demands of consecutive visits are consecutive: one running
	 * index instead of reading each visit's first demand. */
	uint32_t next = r->a < r->b ? g->dfirst[r->a] : 0;
	for (size_t i = r->a; i < r->b; i++) {
		uint32_t d0 = next, d1 = d0 + g->dn[i], m = 0, aut = 0;
		next = d1;
		if (g->dead[i])
			continue;
		if (r->delta && (!q->site_sel[g->site[i]] || g->day[i] < q->from || g->day[i] > q->to))
			continue;
		if ((q->v1ok && !q->v1ok[g->vk1[i]]) || (q->v2ok && !q->v2ok[g->vk2[i]]) ||
		    (q->agent >= 0 && g->agent[i] != q->agent))
			continue;
		if (q->count_only && !filter_d) {
			m = g->dn[i];
		} else {
			for (uint32_t d = d0; d < d1; d++) {
				if ((q->op >= 0 && g->op[d] != q->op) ||
				    (q->theme >= 0 && g->theme[d] != q->theme))
					continue;
				m++;
				if (q->count_only)
					continue;
				c->op[g->op[d]]++;
				c->proc[g->proc[d]]++;
				c->dk[g->dk[d]]++;
				c->equip[g->equip[d]]++;
				c->theme[g->theme[d]]++;
				c->ilang[g->ilang[d]]++;
				if (DK_AUTONOMY(g->dk[d]) > aut)
					aut = DK_AUTONOMY(g->dk[d]);
			}
		}
		if (!m)
			continue;
		c->visits++;
		c->demands += m;
		if (q->count_only)
			continue;
		c->vk1[g->vk1[i]]++;
		c->vk2[g->vk2[i]]++;
		c->commune[g->commune[i]]++;
		c->langs[g->langs[i]]++;
		c->hour[g->hour[i]]++;
		c->day[g->day[i] - q->from]++;
		if (g->vk2[i] >= (uint16_t)(F_IDENTIFIED * R_DISAB * R_DUR)) {
			if (c->nids == c->capids) {
				c->capids = c->capids ? c->capids * 2 : 256;
				c->ids = xrealloc(c->ids, c->capids * sizeof *c->ids);
			}
			c->ids[c->nids++] = (struct idv){g->visitor[i], g->vid[i], g->day[i], (uint8_t)aut};
		}
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
	ADD(op, e->d[D_OP].n)
	ADD(proc, e->d[D_PROC].n)
	ADD(equip, e->d[D_EQUIP].n)
	ADD(theme, e->d[D_THEME].n)
	ADD(ilang, e->d[D_ILANG].n)
	ADD(commune, e->d[D_COMMUNE].n)
	ADD(langs, e->d[D_LANGS].n)
	ADD(dk, N_DK)
	ADD(vk1, N_VK1)
	ADD(vk2, N_VK2)
	ADD(hour, 24)
	ADD(day, q->to - q->from + 1)
#undef ADD
	if (from->nids) {
		to->ids = xrealloc(to->ids, (to->nids + from->nids) * sizeof *to->ids);
		memcpy(to->ids + to->nids, from->ids, from->nids * sizeof *from->ids);
		to->nids += from->nids;
		to->capids = to->nids;
	}
}

typedef struct job {
	const qctx *q;
	const range *r;
	size_t nr;
	counts c;
} job;

static void *run_job(void *arg)
{
	job *j = arg;
	for (size_t i = 0; i < j->nr; i++)
		scan(j->q, &j->r[i], &j->c);
	return NULL;
}

/* The ranges of the main segment in scope and period, then the delta. */
static range *make_ranges(const stats_engine *e, const qctx *q, size_t *nr, size_t *total)
{
	range *r = xmalloc((e->nsites_main + 1) * sizeof *r);
	size_t n = 0, t = 0;
	for (size_t s = 0; s < e->nsites_main; s++) {
		if (!q->site_sel[s])
			continue;
		size_t b = e->site_off[s + 1], lo = e->site_off[s], hi = b;
		while (lo < hi) { /* first day >= from */
			size_t m = (lo + hi) / 2;
			if (e->main.day[m] < q->from)
				lo = m + 1;
			else
				hi = m;
		}
		size_t first = lo;
		hi = b;
		while (lo < hi) { /* first day > to */
			size_t m = (lo + hi) / 2;
			if (e->main.day[m] <= q->to)
				lo = m + 1;
			else
				hi = m;
		}
		if (lo > first) {
			r[n++] = (range){&e->main, first, lo, 0};
			t += lo - first;
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

/* Counts one period with one or two threads. */
static void count_period(const stats_engine *e, const qctx *q, counts *out)
{
	size_t nr, total;
	range *r = make_ranges(e, q, &nr, &total);
	counts_init(out, e, q);
	if (e->threads < 2 || total < SPLIT_MIN_VISITS) {
		for (size_t i = 0; i < nr; i++)
			scan(q, &r[i], out);
		free(r);
		return;
	}
	/* Cut the list of ranges where half of the visits lie, splitting
	 * the range that straddles the middle. */
	range *r2 = xmalloc((nr + 1) * sizeof *r2);
	size_t half = total / 2, acc = 0, n1 = 0, n2 = 0;
	range *r1 = xmalloc((nr + 1) * sizeof *r1);
	for (size_t i = 0; i < nr; i++) {
		size_t len = r[i].b - r[i].a;
		if (acc >= half) {
			r2[n2++] = r[i];
		} else if (acc + len <= half) {
			r1[n1++] = r[i];
		} else {
			size_t cut = r[i].a + (half - acc);
			r1[n1++] = (range){r[i].g, r[i].a, cut, r[i].delta};
			r2[n2++] = (range){r[i].g, cut, r[i].b, r[i].delta};
		}
		acc += len;
	}
	job j2 = {q, r2, n2, {0}};
	counts_init(&j2.c, e, q);
	pthread_t t;
	int threaded = pthread_create(&t, NULL, run_job, &j2) == 0;
	job j1 = {q, r1, n1, *out};
	run_job(&j1);
	*out = j1.c;
	if (threaded)
		pthread_join(t, NULL);
	else
		run_job(&j2);
	add_into(out, &j2.c, e, q);
	counts_free(&j2.c);
	free(r);
	free(r1);
	free(r2);
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

static void expand(const stats_engine *e, const qctx *q, counts *c, stats_result *r)
{
	r->visits = (int64_t)c->visits;
	r->demands = (int64_t)c->demands;
	char code[16];
	/* In the order of the codes, so that the result needs no sort. */
	const dict *dd = e->d;
#define EACH(D) for (uint32_t j = 0, i; j < dd[D].n && (i = dd[D].order[j], 1); j++)
	EACH(D_OP) stats_result_add(r, BD_OPERATOR, dd[D_OP].s[i], c->op[i]);
	EACH(D_THEME) stats_result_add(r, BD_THEME, dd[D_THEME].s[i], c->theme[i]);
	EACH(D_PROC) stats_result_add(r, BD_PROCEDURE, dd[D_PROC].s[i], c->proc[i]);
	EACH(D_COMMUNE) stats_result_add(r, BD_COMMUNE, or_not_given(dd[D_COMMUNE].s[i]), c->commune[i]);
	EACH(D_ILANG)
	if (*dd[D_ILANG].s[i])
		stats_result_add(r, BD_INTERPRETING_LANG, dd[D_ILANG].s[i], c->ilang[i]);
#undef EACH
	for (uint32_t i = 0; i < dd[D_EQUIP].n; i++)
		if (c->equip[i])
			add_list(r, BD_EQUIPMENT, dd[D_EQUIP].s[i], c->equip[i]);
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
	for (int h = 0; h < 24; h++) {
		snprintf(code, sizeof code, "%02d", h);
		stats_result_add(r, BD_HOUR, code, c->hour[h]);
	}
	int64_t wd[7] = {0};
	for (int32_t d = q->from; d <= q->to; d++)
		wd[(d + 3) % 7] += c->day[d - q->from]; /* 1970-01-01 was a Thursday */
	for (int w = 0; w < 7; w++) {
		snprintf(code, sizeof code, "%d", w + 1); /* ISO: 1 Monday … 7 Sunday */
		stats_result_add(r, BD_WEEKDAY, code, wd[w]);
	}
	/* Each identified person once; and for those with two visits or more
	 * where autonomy was evaluated, the first level against the last. */
	if (c->nids)
		qsort(c->ids, c->nids, sizeof *c->ids, idv_cmp);
	for (size_t i = 0; i < c->nids;) {
		size_t j = i, evaluated = 0;
		int first = 0, last = 0;
		for (; j < c->nids && c->ids[j].visitor == c->ids[i].visitor; j++)
			if (c->ids[j].aut) {
				first = evaluated++ ? first : c->ids[j].aut;
				last = c->ids[j].aut;
			}
		r->identified_distinct++;
		if (evaluated >= 2)
			r->autonomy_progression[last > first ? 0 : last == first ? 1 : 2]++;
		i = j;
	}
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
	uint8_t *sel, *v1, *v2;
	size_t ns;
	int none;
} prepared;

static void prepare(stats_engine *e, const stats_query *q, prepared *p)
{
	memset(p, 0, sizeof *p);
	size_t ns = p->ns = e->d[D_SITE].n;
	uint8_t *sel = p->sel = xcalloc(ns + 1, 1);
	for (size_t i = 0; i < ns; i++) {
		if (set(q->departement))
			sel[i] = e->site_dep[i] && strcmp(e->site_dep[i], q->departement) == 0;
		else if (set(q->region))
			sel[i] = e->site_reg[i] && strcmp(e->site_reg[i], q->region) == 0;
		else
			sel[i] = !q->site_ids;
	}
	char key[24];
	for (size_t i = 0; q->site_ids && i < q->nsites; i++) {
		snprintf(key, sizeof key, "%lld", (long long)q->site_ids[i]);
		int64_t k = dict_find(&e->d[D_SITE], key);
		if (k >= 0)
			sel[k] = 1;
	}
	p->c = (qctx){.e = e, .from = q->from_day, .to = q->to_day, .site_sel = sel, .op = -1, .theme = -1, .agent = -1};
	if (set(q->operator_code) && (p->c.op = dict_find(&e->d[D_OP], q->operator_code)) < 0)
		p->none = 1;
	if (set(q->theme_code) && (p->c.theme = dict_find(&e->d[D_THEME], q->theme_code)) < 0)
		p->none = 1;
	if (q->agent_id) {
		snprintf(key, sizeof key, "%lld", (long long)q->agent_id);
		if ((p->c.agent = dict_find(&e->d[D_AGENT], key)) < 0)
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
}

/* Visits and demands of one period, without breakdowns. */
static void count_only(stats_engine *e, const qctx *c, int32_t from, int32_t to, int64_t *visits, int64_t *demands)
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
