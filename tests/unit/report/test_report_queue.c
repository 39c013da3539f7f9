/*
 * test_report_queue.c: the queue measures of a report from tickets'
 * facts: the median and 90th percentile waits on known data, the share
 * called within 15 minutes, the no-show rate, counts per language and
 * need, no section without tickets, and masking that hides the waits of
 * fewer than 5 people.
 */
#include "unit.h"

#include <math.h>
#include <time.h>

#include "util/i18n.h"
#include "report/report.h"
#include "report/report_queue.h"
#include "stats/stats.h"

static stats_query year_2025(void)
{
	stats_query q = {0};
	assert_int_equal(stats_day_parse("2025-01-01", &q.from_day), 0);
	assert_int_equal(stats_day_parse("2025-12-31", &q.to_day), 0);
	return q;
}

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

static void test_wait_stats(void **state)
{
	(void)state;
	int64_t m, p;
	/* 1..10 minutes: median 5.5 min (rounded up to 6), p90 the 9th. */
	int64_t w[10] = {600, 60, 120, 180, 240, 300, 360, 420, 480, 540};
	report_queue_wait_stats(w, 10, &m, &p);
	assert_int_equal(m, 6);
	assert_int_equal(p, 9);
	int64_t odd[5] = {3000, 0, 90, 600, 1200};
	report_queue_wait_stats(odd, 5, &m, &p);
	assert_int_equal(m, 10); /* 600 s */
	assert_int_equal(p, 50); /* the 5th of 5 */
	int64_t one[1] = {89};
	report_queue_wait_stats(one, 1, &m, &p);
	assert_int_equal(m, 1);
	assert_int_equal(p, 1);
	report_queue_wait_stats(NULL, 0, &m, &p);
	assert_int_equal(m, 0);
	assert_int_equal(p, 0);
}

static report *empty_report(arena *a, stats_result **x)
{
	stats_query q = year_2025();
	*x = stats_result_new(&q);
	report *r = report_build(a, i18n_default(), *x, NULL, NULL);
	assert_non_null(r);
	return r;
}

static void test_sections(void **state)
{
	(void)state;
	arena *a = arena_new(1 << 20);
	stats_result *x;
	report *r = empty_report(a, &x);
	size_t before = r->n;
	report_queue *q = report_queue_new();
	assert_int_equal(report_queue_sections(r, q, NULL, NULL), 0);
	assert_int_equal(r->n, before); /* no ticket, no section */

	/* 12 tickets: 10 called at 9 h (waits 1..10 min, two absent), 2 never
	 * called at 14 h. */
	for (int i = 0; i < 12; i++) {
		store_queue_fact f = {
		    .wait = i < 10 ? (i + 1) * 60 : -1,
		    .hour = i < 10 ? 9 : 14,
		    .service = i % 2 ? "Aide générale" : "Impôts",
		    .status = i == 3 || i == 7 ? QUEUE_ABSENT
		              : i < 10         ? QUEUE_TERMINE
		                               : QUEUE_EMIS,
		    .lang = i < 9 ? "fr" : "ar",
		    .needs = i == 0   ? (QUEUE_NEED_INTERPRETER | QUEUE_NEED_READING)
		             : i == 1 ? QUEUE_NEED_INTERPRETER
		                      : 0,
		};
		assert_int_equal(report_queue_add(q, &f), 0);
	}
	/* One more called after 20 minutes: 11 called, 10 within 15 minutes. */
	store_queue_fact late = {
	    .wait = 1200, .hour = 9, .service = "Impôts", .status = QUEUE_TERMINE, .lang = "fr"};
	assert_int_equal(report_queue_add(q, &late), 0);
	assert_int_equal(report_queue_sections(r, q, NULL, NULL), 0);
	report_queue_free(q);

	assert_int_equal(row(r, "queue", "tickets")->n, 13);
	assert_int_equal(row(r, "queue", "called")->n, 11);
	const report_row *quick = row(r, "queue", "within_15_min_rate");
	assert_int_equal(quick->has_share, 1);
	assert_true(fabs(quick->share - 10.0 / 11.0) < 1e-9);
	const report_row *noshow = row(r, "queue", "no_show_rate");
	assert_true(fabs(noshow->share - 2.0 / 11.0) < 1e-9);
	/* Waits 1..10 and 20 minutes: median the 6th, p90 the 10th of 11. */
	assert_int_equal(row(r, "queue", "wait_median")->kind, REPORT_MINUTES);
	assert_int_equal(row(r, "queue", "wait_median")->n, 6);
	assert_int_equal(row(r, "queue", "wait_p90")->n, 10);

	/* By hour: only 9 h has someone called. */
	const report_section *h = report_section_find(r, "queue_wait_by_hour");
	assert_int_equal(h->n, 1);
	assert_string_equal(h->rows[0].code, "09");
	assert_int_equal(h->rows[0].n, 6);
	assert_int_equal(h->rows[0].n2, 10);

	/* By service: "Impôts" has 7 tickets, 6 called (1, 3, 5, 7, 9, 20 min). */
	const report_section *sv = report_section_find(r, "queue_wait_by_service");
	assert_int_equal(sv->n, 2);
	assert_string_equal(sv->rows[0].code, "Impôts");
	assert_int_equal(sv->rows[0].base, 6);
	assert_int_equal(sv->rows[0].n, 6); /* (5 + 7) / 2 */
	assert_int_equal(sv->rows[0].n2, 20);

	assert_int_equal(row(r, "queue_by_language", "fr")->n, 10);
	assert_int_equal(row(r, "queue_by_language", "ar")->n, 3);
	assert_int_equal(report_section_find(r, "queue_by_language")->total, 13);
	assert_int_equal(row(r, "queue_by_need", "interprete")->n, 2);
	assert_int_equal(row(r, "queue_by_need", "aide_lecture")->n, 1);
	assert_int_equal(row(r, "queue_by_need", "audition")->n, 0);

	/* Published: "Aide générale" has 5 called, "Impôts" 6: both shown;
	 * the language "ar" (3) is below 5. */
	report_mask(r);
	assert_int_equal(row(r, "queue", "wait_median")->cell, REPORT_SHOWN);
	assert_int_equal(sv->rows[0].cell, REPORT_SHOWN);
	assert_int_equal(row(r, "queue_by_language", "ar")->cell, REPORT_SMALL);
	assert_int_equal(row(r, "queue_by_need", "aide_lecture")->cell, REPORT_SMALL);
	stats_result_free(x);
	arena_free(a);
}

static void test_few_hidden(void **state)
{
	(void)state;
	arena *a = arena_new(1 << 20);
	stats_result *x;
	report *r = empty_report(a, &x);
	report_queue *q = report_queue_new();
	for (int i = 0; i < 4; i++) {
		store_queue_fact f = {.wait = 60 * i,
		                      .hour = 10,
		                      .service = "Aide générale",
		                      .status = i == 0 ? QUEUE_ABSENT : QUEUE_TERMINE,
		                      .lang = "fr"};
		assert_int_equal(report_queue_add(q, &f), 0);
	}
	assert_int_equal(report_queue_sections(r, q, NULL, NULL), 0);
	report_queue_free(q);
	/* Unmasked, the waits of 4 people are shown... */
	assert_int_equal(row(r, "queue", "wait_median")->cell, REPORT_SHOWN);
	assert_int_equal(row(r, "queue", "wait_median")->n, 2); /* (60 + 120) / 2 s, rounded */
	assert_int_equal(row(r, "queue", "no_show_rate")->has_share, 1);
	/* ...published, they are hidden, and so are rates over 4 people. */
	report_mask(r);
	assert_int_equal(row(r, "queue", "tickets")->cell, REPORT_SMALL);
	assert_int_equal(row(r, "queue", "wait_median")->cell, REPORT_SECRET);
	assert_int_equal(row(r, "queue", "wait_p90")->cell, REPORT_SECRET);
	assert_int_equal(row(r, "queue_wait_by_hour", "10")->cell, REPORT_SECRET);
	assert_int_equal(row(r, "queue_wait_by_hour", "10")->cell2, REPORT_SECRET);
	assert_int_equal(row(r, "queue", "no_show_rate")->has_share, 0);
	assert_int_equal(row(r, "queue", "within_15_min_rate")->has_share, 0);
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
	    cmocka_unit_test(test_wait_stats),
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_few_hidden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
