/*
 * test_report_escalations.c: the escalation measures of a report from the
 * escalations' facts: medians and 90th percentiles computed by hand on
 * known durations (odd and even counts, rounding to tenths of a day), the
 * share overdue, the usefulness counts, the groups by operator and
 * département, no section without escalations, masking that hides the
 * durations and rates of fewer than 5, and the CSV's days.
 */
#include "unit.h"

#include <math.h>
#include <time.h>

#include "util/i18n.h"
#include "report/report.h"
#include "report/report_escalations.h"
#include "stats/stats.h"

#define D 86400
#define T0 ((int64_t)1700000000)

static const report_row *row(const report *r, const char *section, const char *code)
{
	const report_section *s = report_section_find(r, section);
	assert_non_null(s);
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->rows[i].code, code) == 0)
			return &s->rows[i];
	fail_msg("no row %s in %s", code, section);
	return NULL;
}

static void test_days(void **state)
{
	(void)state;
	int64_t m, p;
	/* 1, 2, 3, 4 days: median (2 + 3) / 2 = 2.5 days; the 90th percentile
	 * is the ceil(0.9 * 4) = 4th: 4 days. In tenths of a day. */
	int64_t even[4] = {4 * D, 1 * D, 3 * D, 2 * D};
	report_escalations_days(even, 4, &m, &p);
	assert_int_equal(m, 25);
	assert_int_equal(p, 40);
	/* 0.5, 1, 1.5, 2, 3, 4, 20 days: median the 4th (2 days), the 90th
	 * percentile the ceil(6.3) = 7th (20 days). */
	int64_t odd[7] = {20 * D, D / 2, 3 * D, D, 4 * D, 3 * D / 2, 2 * D};
	report_escalations_days(odd, 7, &m, &p);
	assert_int_equal(m, 20);
	assert_int_equal(p, 200);
	/* 11 values 1..11 days: median the 6th, p90 the ceil(9.9) = 10th. */
	int64_t eleven[11];
	for (int i = 0; i < 11; i++)
		eleven[i] = (int64_t)(11 - i) * D;
	report_escalations_days(eleven, 11, &m, &p);
	assert_int_equal(m, 60);
	assert_int_equal(p, 100);
	/* Rounding to the nearest tenth: 3 hours is 0.125 day -> 0.1; 0.05 day
	 * (4320 s) rounds up, one second less rounds down. */
	int64_t three_h[1] = {3 * 3600};
	report_escalations_days(three_h, 1, &m, &p);
	assert_int_equal(m, 1);
	int64_t half[1] = {4320};
	report_escalations_days(half, 1, &m, &p);
	assert_int_equal(m, 1);
	int64_t below[1] = {4319};
	report_escalations_days(below, 1, &m, &p);
	assert_int_equal(m, 0);
	report_escalations_days(NULL, 0, &m, &p);
	assert_int_equal(m, 0);
	assert_int_equal(p, 0);
}

static void test_overdue(void **state)
{
	(void)state;
	store_escalation_fact f = {.sent_at = T0, .due_at = T0 + 15 * D};
	assert_false(report_escalations_overdue(&f, T0 + 15 * D)); /* on the due date itself */
	assert_true(report_escalations_overdue(&f, T0 + 15 * D + 1));
	f.answered_at = T0 + 14 * D; /* answered in time, whatever now */
	assert_false(report_escalations_overdue(&f, T0 + 30 * D));
	f.answered_at = T0 + 16 * D;
	assert_true(report_escalations_overdue(&f, T0 + 16 * D));
	f.answered_at = 0;
	f.closed_at = T0 + 2 * D; /* closed by the adviser before any answer, in time */
	assert_false(report_escalations_overdue(&f, T0 + 30 * D));
	f.closed_at = T0 + 20 * D;
	assert_true(report_escalations_overdue(&f, T0 + 30 * D));
	f.due_at = 0;
	assert_false(report_escalations_overdue(&f, T0 + 30 * D));
}

static report *empty_report(arena *a, stats_result **x)
{
	stats_query q = {0};
	assert_int_equal(stats_day_parse("2023-01-01", &q.from_day), 0);
	assert_int_equal(stats_day_parse("2023-12-31", &q.to_day), 0);
	*x = stats_result_new(&q);
	report *r = report_build(a, i18n_default(), *x, NULL, NULL);
	assert_non_null(r);
	return r;
}

/* One escalation: sent at T0 + sent days, answered and closed that many
 * days after (-1: not), a deadline of 15 days. */
static void add(report_escalations *q, const char *op, const char *name, const char *dep, double sent,
                double answered, double closed, const char *useful)
{
	int64_t at = T0 + (int64_t)(sent * D);
	store_escalation_fact f = {.operator_code = op,
	                           .operator_name = name,
	                           .departement = dep,
	                           .sent_at = at,
	                           .due_at = at + 15 * D,
	                           .answered_at = answered >= 0 ? at + (int64_t)(answered * D) : 0,
	                           .closed_at = closed >= 0 ? at + (int64_t)(closed * D) : 0,
	                           .useful = useful};
	assert_int_equal(report_escalations_add(q, &f), 0);
}

static void test_sections(void **state)
{
	(void)state;
	arena *a = arena_new(1 << 20);
	stats_result *x;
	report *r = empty_report(a, &x);
	size_t before = r->n;
	/* The report is made 16 days after T0. */
	report_escalations *q = report_escalations_new(T0 + 16 * D);
	assert_int_equal(report_escalations_sections(r, q), 0);
	assert_int_equal(r->n, before); /* no escalation, no section */
	store_escalation_fact never_sent = {.operator_code = "cnaf", .departement = "35"};
	assert_int_equal(report_escalations_add(q, &never_sent), -1);

	/* CAF, Ille-et-Vilaine: six escalations. */
	add(q, "cnaf", "CAF", "35", 0, 1, 2, "oui");
	add(q, "cnaf", "CAF", "35", 0, 2, 3, "oui");
	add(q, "cnaf", "CAF", "35", 0, 3, 5, "non");
	add(q, "cnaf", "CAF", "35", 0, 4, 4.5, "ne_sait_pas");
	add(q, "cnaf", "CAF", "35", 0, 20, 21, "oui"); /* answered late */
	add(q, "cnaf", "CAF", "35", 0, -1, -1, "");    /* open, past its due date */
	/* DGFiP, Finistère: four. */
	add(q, "dgfip", "DGFiP", "29", 0, 0.5, -1, "");
	add(q, "dgfip", "DGFiP", "29", 0, 1.5, 2, "oui");
	add(q, "dgfip", "DGFiP", "29", 0, -1, 1, "non"); /* closed without an answer, in time */
	add(q, "dgfip", "DGFiP", "29", 10, -1, -1, "");  /* open, due in 9 days */
	assert_int_equal(report_escalations_sections(r, q), 0);
	report_escalations_free(q);

	assert_int_equal(row(r, "escalations", "sent")->n, 10);
	assert_int_equal(row(r, "escalations", "answered")->n, 7);
	assert_int_equal(row(r, "escalations", "closed")->n, 7);
	/* Answers 0.5, 1, 1.5, 2, 3, 4, 20 days: median 2, p90 20. */
	const report_row *am = row(r, "escalations", "answer_median");
	assert_int_equal(am->kind, REPORT_DAYS);
	assert_int_equal(am->n, 20);
	assert_int_equal(am->base, 7);
	assert_int_equal(row(r, "escalations", "answer_p90")->n, 200);
	/* Closures 1, 2, 2, 3, 4.5, 5, 21 days: median 3, p90 21. */
	assert_int_equal(row(r, "escalations", "closure_median")->n, 30);
	assert_int_equal(row(r, "escalations", "closure_p90")->n, 210);
	const report_row *late = row(r, "escalations", "overdue_rate");
	assert_int_equal(late->has_share, 1);
	assert_true(fabs(late->share - 0.2) < 1e-9); /* 2 of 10 */

	const report_section *u = report_section_find(r, "escalations_useful");
	assert_int_equal(u->total, 7);
	assert_int_equal(row(r, "escalations_useful", "oui")->n, 4);
	assert_int_equal(row(r, "escalations_useful", "ne_sait_pas")->n, 1);
	assert_int_equal(row(r, "escalations_useful", "non")->n, 2);
	assert_true(fabs(row(r, "escalations_useful", "oui")->share - 4.0 / 7.0) < 1e-9);

	/* By operator, the largest first. CAF answers 1, 2, 3, 4, 20 days:
	 * median 3, p90 the 5th (20); DGFiP 0.5 and 1.5: median 1, p90 1.5. */
	const report_section *ba = report_section_find(r, "esc_answer_by_operator");
	assert_int_equal(ba->n, 2);
	assert_string_equal(ba->rows[0].code, "cnaf");
	assert_string_equal(ba->rows[0].label, "CAF");
	assert_int_equal(ba->rows[0].n, 30);
	assert_int_equal(ba->rows[0].n2, 200);
	assert_int_equal(ba->rows[0].base, 5);
	assert_int_equal(ba->rows[1].n, 10);
	assert_int_equal(ba->rows[1].n2, 15);
	/* CAF closes after 2, 3, 4.5, 5, 21 days; DGFiP after 1 and 2. */
	assert_int_equal(row(r, "esc_closure_by_operator", "cnaf")->n, 45);
	assert_int_equal(row(r, "esc_closure_by_operator", "cnaf")->n2, 210);
	assert_int_equal(row(r, "esc_closure_by_operator", "dgfip")->n, 15);
	assert_int_equal(row(r, "esc_closure_by_operator", "dgfip")->n2, 20);
	assert_true(fabs(row(r, "esc_overdue_by_operator", "cnaf")->share - 2.0 / 6.0) < 1e-9);
	assert_true(fabs(row(r, "esc_overdue_by_operator", "dgfip")->share) < 1e-9);
	assert_int_equal(row(r, "esc_answer_by_departement", "35")->n, 30);
	assert_int_equal(row(r, "esc_answer_by_departement", "29")->n2, 15);
	assert_int_equal(row(r, "esc_closure_by_departement", "29")->n, 15);
	assert_int_equal(row(r, "esc_overdue_by_departement", "29")->base, 4);

	/* The CSV writes days with one decimal. */
	buf b;
	buf_init(&b, 1 << 16);
	assert_int_equal(report_csv(r, ba, 0, &b), 0);
	assert_non_null(strstr(b.data, "cnaf,CAF,3.0,20.0,"));
	buf_reset(&b);
	assert_int_equal(report_csv(r, ba, 1, &b), 0);
	assert_non_null(strstr(b.data, "dgfip;DGFiP;1,0;1,5;"));
	buf_free(&b);

	/* Published: the durations of fewer than 5 escalations and the rates
	 * over fewer than 5 are hidden; 5 or more stay. */
	report_mask(r);
	assert_int_equal(row(r, "escalations", "answer_median")->cell, REPORT_SHOWN);
	assert_int_equal(row(r, "esc_answer_by_operator", "cnaf")->cell, REPORT_SHOWN);
	assert_int_equal(row(r, "esc_answer_by_operator", "dgfip")->cell, REPORT_SECRET);
	assert_int_equal(row(r, "esc_answer_by_operator", "dgfip")->cell2, REPORT_SECRET);
	assert_int_equal(row(r, "esc_closure_by_departement", "29")->cell, REPORT_SECRET);
	assert_int_equal(row(r, "esc_overdue_by_operator", "cnaf")->has_share, 1);
	assert_int_equal(row(r, "esc_overdue_by_operator", "dgfip")->has_share, 0);
	assert_int_equal(row(r, "escalations_useful", "ne_sait_pas")->cell, REPORT_SMALL);
	buf_init(&b, 1 << 16);
	assert_int_equal(report_csv(r, ba, 0, &b), 0);
	assert_non_null(strstr(b.data, "dgfip,DGFiP,s,s,"));
	buf_free(&b);
	stats_result_free(x);
	arena_free(a);
}

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	char err[256];
	if (i18n_init(err, sizeof err) != 0) {
		fprintf(stderr, "i18n_init: %s\n", err);
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_days),
	    cmocka_unit_test(test_overdue),
	    cmocka_unit_test(test_sections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
