/*
 * report_series.c: the time series of a report (report_add_series): the
 * visits and demands of each day, week or month of the period, counted by
 * the engine without breakdowns, with their labels in the reader's
 * language.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "report/report.h"

#define SERIES_MAX 36

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

int report_add_series(report *r, stats_engine *e, const stats_query *q)
{
	if (q->from_day > q->to_day)
		return -1;
	int32_t len = q->to_day - q->from_day + 1;
	enum { BY_DAY, BY_WEEK, BY_MONTH } step = len <= 14 ? BY_DAY : len <= 62 ? BY_WEEK : BY_MONTH;
	int32_t from[SERIES_MAX], to[SERIES_MAX];
	size_t n = 0;
	int cut = 0;
	int32_t start = q->from_day;
	if (step == BY_MONTH) {
		int y1, m1, y2, m2, d;
		ymd(q->from_day, &y1, &m1, &d);
		ymd(q->to_day, &y2, &m2, &d);
		int months = (y2 * 12 + m2) - (y1 * 12 + m1) + 1;
		if (months > SERIES_MAX) {
			/* Keep the latest months: the ones a committee discusses. */
			int k = y1 * 12 + (m1 - 1) + months - SERIES_MAX;
			start = month_start(k / 12, k % 12 + 1);
			cut = 1;
		}
	}
	while (start <= q->to_day && n < SERIES_MAX) {
		int32_t end = start;
		if (step == BY_WEEK)
			end = start + 6 - weekday(start);
		else if (step == BY_MONTH) {
			int y, m, d;
			ymd(start, &y, &m, &d);
			end = month_start(y, m + 1) - 1;
		}
		from[n] = start;
		to[n] = end < q->to_day ? end : q->to_day;
		start = to[n++] + 1;
	}
	static const char *const what[3] = {
	    N_("Visites et demandes de chaque jour de la période."),
	    N_("Visites et demandes de chaque semaine de la période, du lundi au dimanche."),
	    N_("Visites et demandes de chaque mois de la période."),
	};
	const char *desc = _(r, what[step]);
	if (cut)
		desc = arena_printf(r->a, "%s %s", desc, _(r, "Seuls les 36 derniers mois sont montrés."));
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
	int32_t (*per)[2] = arena_alloc(r->a, n * sizeof *per);
	int64_t *nv = arena_alloc(r->a, n * sizeof *nv), *nd = arena_alloc(r->a, n * sizeof *nd);
	if (!per || !nv || !nd)
		return -1;
	for (size_t i = 0; i < n; i++) {
		per[i][0] = from[i];
		per[i][1] = to[i];
	}
	if (stats_engine_counts(e, q, n, (const int32_t(*)[2])per, nv, nd) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		report_row *w = &s->rows[i];
		w->n = nv[i];
		w->n2 = nd[i];
		s->total += nv[i];
		int y, m, d;
		ymd(from[i], &y, &m, &d);
		/* Codes as in ISO 8601: "2025-03" for a month, else the first day. */
		if (step == BY_MONTH)
			w->code = arena_printf(r->a, "%04d-%02d", y, m);
		else
			w->code = arena_printf(r->a, "%04d-%02d-%02d", y, m, d);
		if (step == BY_MONTH)
			w->label = arena_printf(r->a, "%s %d", _(r, MONTHS[m - 1]), y);
		else if (step == BY_WEEK)
			w->label = arena_printf(r->a, "%s %d %s", _(r, "semaine du"), d, _(r, MONTHS[m - 1]));
		else
			w->label = arena_printf(r->a, "%s %d %s", _(r, DAYS[weekday(from[i])]), d,
			                        _(r, MONTHS[m - 1]));
		if (!w->code || !w->label)
			return -1;
	}
	report_section_set_shares(s);
	return 0;
}
