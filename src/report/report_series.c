/*
 * report_series.c: the time series of a report (report_add_series): the
 * visits and demands of each day, week or month of the period, counted by
 * the engine without breakdowns, with their labels in the reader's
 * language.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/i18n.h"
#include "report/report.h"

#define SERIES_MAX 36

enum series_step { SERIES_DAY, SERIES_WEEK, SERIES_MONTH, SERIES_QUARTER, SERIES_YEAR };

static const char *const MONTHS[12] = {N_("janv."), N_("févr."), N_("mars"),  N_("avr."),
                                       N_("mai"),   N_("juin"),  N_("juil."), N_("août"),
                                       N_("sept."), N_("oct."),  N_("nov."),  N_("déc.")};
static const char *const DAYS[7] = {N_("lun."), N_("mar."), N_("mer."), N_("jeu."),
                                    N_("ven."), N_("sam."), N_("dim.")};

static void ymd(int32_t day, int *y, int *m, int *d)
{
	char s[11];
	stats_day_format(day, s);
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
}

/* The first day of month m (1–12, or 13 for January of the next year). */
static int32_t month_start(int y, int m)
{
	char s[32];
	int32_t day = 0;
	if (m > 12) {
		y++;
		m -= 12;
	}
	snprintf(s, sizeof s, "%04d-%02d-01", y, m);
	if (stats_day_parse(s, &day) != 0)
		day = 0;
	return day;
}

/* 0 for Monday: 1970-01-01 was a Thursday. */
static int weekday(int32_t day)
{
	return (int)(((day + 3) % 7 + 7) % 7);
}

/* The first day of the period that follows the one starting on day, for a
 * step of months months (1, 3 or 12). Periods of months start on the first
 * of a month, of quarters on January, April, July or October, of years on
 * 1 January, so that the first one may be cut by the period's start. */
static int32_t next_start(int32_t day, int months)
{
	int y, m, d;
	ymd(day, &y, &m, &d);
	int k = y * 12 + (m - 1);
	k = (k / months + 1) * months;
	return month_start(k / 12, k % 12 + 1);
}

/* The first and the last day of the day, week, month, quarter or year
 * that holds day. */
static int32_t unit_start(int32_t day, enum series_step step)
{
	int y, m, d;
	if (step == SERIES_DAY)
		return day;
	if (step == SERIES_WEEK)
		return day - weekday(day);
	ymd(day, &y, &m, &d);
	if (step == SERIES_QUARTER)
		m = (m - 1) / 3 * 3 + 1;
	else if (step == SERIES_YEAR)
		m = 1;
	return month_start(y, m);
}

static int32_t unit_end(int32_t day, enum series_step step)
{
	if (step == SERIES_DAY)
		return day;
	if (step == SERIES_WEEK)
		return day - weekday(day) + 6;
	return next_start(day, step == SERIES_MONTH ? 1 : step == SERIES_QUARTER ? 3 : 12) - 1;
}

int report_add_series(report *r, stats_engine *e, const stats_query *q)
{
	if (q->from_day > q->to_day)
		return -1;
	int32_t len = q->to_day - q->from_day + 1;
	enum series_step step = len <= 14 ? SERIES_DAY : len <= 62 ? SERIES_WEEK : SERIES_MONTH;
	if (step == SERIES_MONTH) {
		int y1, m1, y2, m2, d;
		ymd(q->from_day, &y1, &m1, &d);
		ymd(q->to_day, &y2, &m2, &d);
		/* Every day of the period is in one point of the series, so that
		 * its total is the key figures' one: a longer period is counted by
		 * quarter, then by year, never cut (a cut total would let a reader
		 * of a masked report recover the hidden months by subtraction). */
		int months = (y2 * 12 + m2) - (y1 * 12 + m1) + 1;
		int quarters = (y2 * 4 + (m2 - 1) / 3) - (y1 * 4 + (m1 - 1) / 3) + 1;
		if (months > SERIES_MAX)
			step = quarters > SERIES_MAX ? SERIES_YEAR : SERIES_QUARTER;
	}
	/* Days from 1970 to 2149: at most 180 years, the longest series. */
	size_t cap = step == SERIES_YEAR ? 200 : SERIES_MAX + 1;
	int32_t *from = arena_alloc(r->a, cap * sizeof *from), *to = arena_alloc(r->a, cap * sizeof *to);
	if (!from || !to)
		return -1;
	size_t n = 0;
	int32_t start = q->from_day;
	while (start <= q->to_day && n < cap) {
		int32_t end = start;
		if (step == SERIES_WEEK)
			end = start + 6 - weekday(start);
		else if (step != SERIES_DAY)
			end = next_start(start, step == SERIES_MONTH     ? 1
			                        : step == SERIES_QUARTER ? 3
			                                                 : 12) -
			      1;
		from[n] = start;
		if (end < start) /* past 2149, the engine's last year */
			end = q->to_day;
		to[n] = end < q->to_day ? end : q->to_day;
		start = to[n++] + 1;
	}
	if (start <= q->to_day)
		return -1;
	static const char *const what[5] = {
	    N_("Visites et demandes de chaque jour de la période."),
	    N_("Visites et demandes de chaque semaine de la période, du lundi au dimanche."),
	    N_("Visites et demandes de chaque mois de la période."),
	    N_("Visites et demandes de chaque trimestre de la période (plus de 36 mois)."),
	    N_("Visites et demandes de chaque année de la période (plus de 36 trimestres)."),
	};
	const char *desc = _(r, what[step]);
	report_section *kf = report_section_find(r, "key_figures");
	size_t pos = kf ? (size_t)(kf - r->s) + 1 : 0;
	report_section *s = report_add_section(r, pos, "series", _(r, "Évolution dans le temps"), desc,
	                                       _(r, "Visites"), REPORT_CHART_LINE, n);
	if (!s)
		return -1;
	s->unit2 = _(r, "Demandes");
	s->additive = 1;
	/* Only totals are needed: counted in one pass per point, without the
	 * breakdowns of a full question. */
	int32_t(*per)[2] = arena_alloc(r->a, n * sizeof *per);
	int64_t *nv = arena_alloc(r->a, n * sizeof *nv), *nd = arena_alloc(r->a, n * sizeof *nd);
	if (!per || !nv || !nd)
		return -1;
	for (size_t i = 0; i < n; i++) {
		per[i][0] = from[i];
		per[i][1] = to[i];
	}
	if (stats_engine_counts(e, q, n, (const int32_t(*)[2])per, nv, nd) != 0)
		return -1;
	int32_t today = stats_day_of_time((int64_t)time(NULL));
	int any_partial = 0;
	for (size_t i = 0; i < n; i++) {
		report_row *w = &s->rows[i];
		w->n = nv[i];
		w->n2 = nd[i];
		s->total += nv[i];
		int y, m, d;
		ymd(from[i], &y, &m, &d);
		/* Codes as in ISO 8601: "2025-03" for a month, "2025-Q1" for a
		 * quarter, "2025" for a year, else the first day. */
		if (step == SERIES_MONTH) {
			w->code = arena_printf(r->a, "%04d-%02d", y, m);
			w->label = arena_printf(r->a, "%s %d", _(r, MONTHS[m - 1]), y);
		} else if (step == SERIES_QUARTER) {
			w->code = arena_printf(r->a, "%04d-Q%d", y, (m - 1) / 3 + 1);
			/* TRANSLATORS: a quarter of a year, "T1 2025". */
			w->label = arena_printf(r->a, "%s%d %d", _(r, "T"), (m - 1) / 3 + 1, y);
		} else if (step == SERIES_YEAR) {
			w->code = arena_printf(r->a, "%04d", y);
			w->label = arena_printf(r->a, "%d", y);
		} else {
			w->code = arena_printf(r->a, "%04d-%02d-%02d", y, m, d);
			if (step == SERIES_WEEK)
				w->label = arena_printf(r->a, "%s %d %s", _(r, "semaine du"), d,
				                        _(r, MONTHS[m - 1]));
			else
				w->label = arena_printf(r->a, "%s %d %s", _(r, DAYS[weekday(from[i])]), d,
				                        _(r, MONTHS[m - 1]));
		}
		/* A point that the period cuts, or that has not ended yet, counts
		 * fewer days than the others: it is said so rather than read as a
		 * fall. */
		w->partial = from[i] != unit_start(from[i], step) || to[i] != unit_end(from[i], step) ||
		             to[i] >= today;
		if (w->partial && w->label) {
			w->label = arena_printf(r->a, "%s %s", w->label, _(r, "(incomplet)"));
			any_partial = 1;
		}
		if (!w->code || !w->label)
			return -1;
	}
	if (any_partial) {
		s->description = arena_printf(r->a, "%s %s", desc,
		                              _(r, "Une période marquée « incomplet » n’est couverte qu’en "
		                                   "partie par la période choisie ou n’est pas terminée."));
		if (!s->description)
			return -1;
	}
	report_section_set_shares(s);
	return 0;
}

/* Whether the scope of q (its filters set aside) holds no visit before
 * day: recording began on or after it. */
static int nothing_before(stats_engine *e, const stats_query *q, int32_t day)
{
	if (day <= 0)
		return 0;
	stats_query scope = {
	    .site_ids = q->site_ids, .nsites = q->nsites, .departement = q->departement, .region = q->region};
	int32_t per[1][2] = {{0, day - 1}};
	int64_t v = 0, d = 0;
	if (stats_engine_counts(e, &scope, 1, (const int32_t(*)[2])per, &v, &d) != 0)
		return 0;
	return v == 0;
}

int report_mark_growth(report *r, stats_engine *e, const stats_query *q)
{
	report_section *kf = report_section_find(r, "key_figures");
	if (!kf)
		return 0;
	int32_t prev[2], yago[2];
	stats_periods(q, prev, yago);
	static const struct {
		const char *code;
		int year;
	} growth[] = {{"visits_vs_previous", 0},
	              {"demands_vs_previous", 0},
	              {"visits_vs_year_before", 1},
	              {"demands_vs_year_before", 1}};
	int partial[2] = {nothing_before(e, q, prev[0]), nothing_before(e, q, yago[0])};
	int any = 0;
	for (size_t i = 0; i < sizeof growth / sizeof growth[0]; i++) {
		for (size_t k = 0; k < kf->n; k++) {
			report_row *w = &kf->rows[k];
			if (strcmp(w->code, growth[i].code) != 0 || !partial[growth[i].year] || !w->has_share)
				continue;
			w->partial = 1;
			w->label = arena_printf(r->a, "%s %s", w->label,
			                        _(r, "(période de comparaison incomplète)"));
			if (!w->label)
				return -1;
			any = 1;
		}
	}
	if (any) {
		kf->description = arena_printf(
		    r->a, "%s %s", kf->description,
		    _(r,
		      "Une évolution marquée « période de comparaison incomplète » compare à une période "
		      "où ce territoire n’enregistrait pas encore, ou pas depuis son début : elle ne mesure "
		      "pas une croissance de l’activité."));
		if (!kf->description)
			return -1;
	}
	return 0;
}
