/*
 * test_report.c: the report model on a stats_result written by hand: the
 * order of the sections, closed vocabularies listed in full, totals,
 * shares and sums, the key figures and their rates, labels in French and
 * in English, masking for publication (no count below 5 shown, additive
 * groups protected, counts shown in two places masked alike), the CSV of a
 * section in both variants, the satisfaction survey's sections, and a time
 * series asked of a real engine.
 */
#include "unit.h"

#include <math.h>
#include <time.h>

#include "vocab/enums.h"
#include "util/i18n.h"
#include "report/report.h"
#include "report/smallcount.h"
#include "stats/stats.h"
#include "store/store_stats.h"
#include "store/store.h"

static stats_query year_2025(void)
{
	stats_query q = {0};
	assert_int_equal(stats_day_parse("2025-01-01", &q.from_day), 0);
	assert_int_equal(stats_day_parse("2025-12-31", &q.to_day), 0);
	return q;
}

static void add(stats_result *x, enum stats_bd bd, const char *code, int64_t n)
{
	assert_int_equal(stats_result_add(x, bd, code, n), 0);
}

/* 40 visits, 50 demands; the comments say what each breakdown tests. */
static stats_result *sample(void)
{
	stats_query q = year_2025();
	stats_result *x = stats_result_new(&q);
	x->visits = 40;
	x->demands = 50;
	x->solved = 30;
	x->identified_distinct = 7;
	x->anonymous_visits = 30;
	x->prev_visits = 20; /* growth +100 % */
	x->prev_demands = 0; /* growth undefined */
	x->yago_visits = 50; /* growth -20 % */
	x->yago_demands = 3; /* a small count behind a rate */
	x->over_55[CUT_YES] = 20;
	x->over_55[CUT_NO] = 12;
	x->over_55[CUT_UNKNOWN] = 8;
	x->under_26[CUT_YES] = 2;
	x->under_26[CUT_NO] = 30;
	x->under_26[CUT_UNKNOWN] = 8;
	x->workshops = 3;
	x->participants = 25;
	x->autonomy_progression[0] = 6;
	x->autonomy_progression[1] = 2;
	x->autonomy_progression[2] = 1;
	/* A tie (cnaf, dgfip) broken by label. */
	add(x, BD_OPERATOR, "msa", 3);
	add(x, BD_OPERATOR, "dgfip", 20);
	add(x, BD_OPERATOR, "cnaf", 20);
	add(x, BD_OPERATOR, "ants", 7);
	add(x, BD_THEME, "social_sante", 30);
	add(x, BD_THEME, "logement", 20);
	add(x, BD_PROCEDURE, "12", 25);
	add(x, BD_PROCEDURE, "texte_libre", 25);
	add(x, BD_LEVEL, "information", 10);
	add(x, BD_LEVEL, "fait_avec", 38);
	add(x, BD_LEVEL, "fait_pour", 2);
	add(x, BD_OUTCOME, "resolu", 30);
	add(x, BD_OUTCOME, "oriente", 12);
	add(x, BD_OUTCOME, "doit_revenir", 8);
	/* 9 of the 12 oriented demands say where: 3 "not given". */
	add(x, BD_REFERRAL, "administration", 6);
	add(x, BD_REFERRAL, "aide_sociale", 3);
	add(x, BD_AUTONOMY, "1", 10);
	add(x, BD_AUTONOMY, "2", 20);
	add(x, BD_AUTONOMY, "3", 15);
	add(x, BD_AUTONOMY, "non_evalue", 5);
	add(x, BD_EQUIPMENT, "ordinateur", 30);
	add(x, BD_EQUIPMENT, "telephone", 25);
	add(x, BD_INTERPRETING, "aucun", 4);
	add(x, BD_INTERPRETING, "telephone", 2);
	add(x, BD_INTERPRETING_LANG, "ar", 2);
	add(x, BD_CHANNEL, "guichet_spontane", 30);
	add(x, BD_CHANNEL, "telephone", 10);
	add(x, BD_AGE, "60_69", 20);
	add(x, BD_AGE, "25_39", 12);
	add(x, BD_AGE, "non_renseigne", 8);
	add(x, BD_GENDER, "feminin", 25);
	add(x, BD_GENDER, "masculin", 12);
	add(x, BD_GENDER, "non_communique", 3);
	add(x, BD_STATUS, "retraite", 40);
	add(x, BD_COMMUNE, "35236", 30);
	add(x, BD_COMMUNE, "non_renseigne", 4);
	add(x, BD_COMMUNE, "35001", 6);
	add(x, BD_PUBLIC, "allophone", 6);
	add(x, BD_PUBLIC, "handicap", 2);
	add(x, BD_LANGUAGE, "fr", 38);
	add(x, BD_LANGUAGE, "ar", 6);
	add(x, BD_DURATION, "moins_30", 20);
	add(x, BD_DURATION, "30_60", 18);
	add(x, BD_DURATION, "non_renseigne", 2);
	add(x, BD_WEEKDAY, "1", 20);
	add(x, BD_WEEKDAY, "2", 20);
	add(x, BD_HOUR, "09", 25);
	add(x, BD_HOUR, "14", 15);
	stats_result_finish(x);
	return x;
}

/* Operator names as the catalog would give them. */
static const char *names(void *ctx, enum stats_bd bd, const char *code)
{
	(void)ctx;
	if (bd != BD_OPERATOR)
		return NULL;
	if (!strcmp(code, "cnaf"))
		return "CAF";
	if (!strcmp(code, "dgfip"))
		return "DGFiP";
	return NULL;
}

static const report_row *row(const report *r, const char *id, const char *code)
{
	const report_section *s = report_section_find(r, id);
	if (!s)
		fail_msg("no section %s", id);
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->rows[i].code, code))
			return &s->rows[i];
	fail_msg("no row %s in %s", code, id);
	return NULL;
}

static void assert_near(double a, double b)
{
	if (fabs(a - b) > 1e-9)
		fail_msg("%.10f != %.10f", a, b);
}

static void test_sections(void **state)
{
	(void)state;
	stats_result *x = sample();
	arena *a = arena_new(1 << 20);
	report *r = report_build(a, i18n_default(), x, names, NULL);
	assert_non_null(r);
	const char *ids[] = {"key_figures",
	                     "by_operator",
	                     "by_theme",
	                     "by_procedure",
	                     "by_level",
	                     "by_outcome",
	                     "by_referral",
	                     "autonomy",
	                     "equipment",
	                     "interpreting",
	                     "interpreting_languages",
	                     "by_channel",
	                     "by_age_bracket",
	                     "by_gender",
	                     "by_status",
	                     "by_commune",
	                     "particular_publics",
	                     "languages",
	                     "duration_ranges",
	                     "by_weekday",
	                     "by_hour",
	                     "over_55",
	                     "under_26",
	                     "autonomy_progression"};
	assert_int_equal(r->n, COUNT(ids));
	for (size_t i = 0; i < COUNT(ids); i++) {
		assert_string_equal(r->s[i].id, ids[i]);
		assert_true(strlen(r->s[i].id) <= 31);
		assert_true(*r->s[i].title && *r->s[i].description && *r->s[i].unit);
		for (size_t k = 0; k < r->s[i].n; k++)
			assert_non_null(r->s[i].rows[k].label);
	}
	/* No survey answers: no satisfaction section, no satisfied rate. */
	assert_null(report_section_find(r, "satisfaction"));
	assert_string_equal(report_section_find(r, "by_operator")->title, "Demandes par opérateur");
	assert_int_equal(report_section_find(r, "by_procedure")->chart, REPORT_CHART_NONE);
	assert_int_equal(report_section_find(r, "by_gender")->chart, REPORT_CHART_STACKED);
	assert_int_equal(report_section_find(r, "by_hour")->chart, REPORT_CHART_COLUMNS);
	assert_int_equal(report_section_find(r, "by_channel")->chart, REPORT_CHART_BARS);
	arena_free(a);
	stats_result_free(x);
}

/* Every code of a closed vocabulary, in its order, zeros included. */
static void check_vocabulary(const report *r, const char *id, const enum_def *d, const char *const *codes,
                             size_t n, int not_given)
{
	const report_section *s = report_section_find(r, id);
	assert_non_null(s);
	assert_int_equal(s->n, n + (size_t)not_given);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(s->rows[i].code, d ? d->items[i].code : codes[i]);
	if (not_given)
		assert_string_equal(s->rows[n].code, "non_renseigne");
}

static void test_vocabularies(void **state)
{
	(void)state;
	stats_result *x = sample();
	arena *a = arena_new(1 << 20);
	report *r = report_build(a, i18n_default(), x, NULL, NULL);
	assert_non_null(r);
	check_vocabulary(r, "by_level", &ENUM_LEVEL, NULL, ENUM_LEVEL.n, 0);
	check_vocabulary(r, "by_outcome", &ENUM_OUTCOME, NULL, ENUM_OUTCOME.n, 0);
	check_vocabulary(r, "by_referral", &ENUM_REFERRAL, NULL, ENUM_REFERRAL.n, 1);
	check_vocabulary(r, "equipment", &ENUM_EQUIPMENT, NULL, ENUM_EQUIPMENT.n, 0);
	check_vocabulary(r, "interpreting", &ENUM_INTERPRETING, NULL, ENUM_INTERPRETING.n, 0);
	check_vocabulary(r, "by_channel", &ENUM_CHANNEL, NULL, ENUM_CHANNEL.n, 0);
	check_vocabulary(r, "by_age_bracket", &ENUM_AGE, NULL, ENUM_AGE.n, 1);
	check_vocabulary(r, "by_gender", &ENUM_GENDER, NULL, ENUM_GENDER.n, 0);
	check_vocabulary(r, "by_status", &ENUM_STATUS, NULL, ENUM_STATUS.n, 0);
	check_vocabulary(r, "particular_publics", NULL, STATS_PUBLICS, COUNT(STATS_PUBLICS), 0);
	const char *autonomy[] = {"1", "2", "3", "non_evalue"};
	check_vocabulary(r, "autonomy", NULL, autonomy, COUNT(autonomy), 0);
	const char *durations[] = {"moins_30", "30_60", "60_120", "120_plus"};
	check_vocabulary(r, "duration_ranges", NULL, durations, COUNT(durations), 1);
	const char *days[] = {"1", "2", "3", "4", "5", "6", "7"};
	check_vocabulary(r, "by_weekday", NULL, days, COUNT(days), 0);
	const char *hours[24];
	char hbuf[24][16];
	for (int h = 0; h < 24; h++) {
		snprintf(hbuf[h], sizeof hbuf[h], "%02d", h);
		hours[h] = hbuf[h];
	}
	check_vocabulary(r, "by_hour", NULL, hours, 24, 0);
	assert_int_equal(row(r, "by_hour", "03")->n, 0);
	assert_int_equal(row(r, "by_hour", "09")->n, 25);
	assert_string_equal(row(r, "by_hour", "09")->label, "09 h");
	/* Open vocabularies by count, then label; "not given" last. */
	const report_section *c = report_section_find(r, "by_commune");
	assert_int_equal(c->n, 3);
	assert_string_equal(c->rows[0].code, "35236");
	assert_string_equal(c->rows[1].code, "35001");
	assert_string_equal(c->rows[2].code, "non_renseigne");
	const report_section *p = report_section_find(r, "by_procedure");
	assert_string_equal(p->rows[0].code, "12");
	assert_string_equal(p->rows[1].label, "Texte libre");
	arena_free(a);
	stats_result_free(x);
}

static void test_totals(void **state)
{
	(void)state;
	stats_result *x = sample();
	arena *a = arena_new(1 << 20);
	report *r = report_build(a, i18n_default(), x, names, NULL);
	const report_section *op = report_section_find(r, "by_operator");
	assert_int_equal(op->total, 50);
	assert_true(op->additive && !op->multi);
	assert_string_equal(op->rows[0].label, "CAF");
	assert_string_equal(op->rows[1].label, "DGFiP");
	assert_string_equal(op->rows[2].code, "ants");
	assert_string_equal(op->rows[3].code, "msa");
	assert_near(op->rows[0].share, 0.4);
	assert_true(op->rows[0].has_share);
	/* Referral over the oriented demands, the missing ones "not given". */
	const report_section *rf = report_section_find(r, "by_referral");
	assert_int_equal(rf->total, 12);
	assert_int_equal(row(r, "by_referral", "non_renseigne")->n, 3);
	assert_near(row(r, "by_referral", "administration")->share, 0.5);
	/* Multi-valued and partial breakdowns are not additive. */
	const char *not_additive[] = {"equipment",          "interpreting", "interpreting_languages",
	                              "particular_publics", "languages",    "key_figures"};
	for (size_t i = 0; i < COUNT(not_additive); i++)
		assert_false(report_section_find(r, not_additive[i])->additive);
	assert_true(report_section_find(r, "equipment")->multi);
	assert_true(report_section_find(r, "particular_publics")->multi);
	assert_int_equal(report_section_find(r, "equipment")->total, 50);
	assert_int_equal(report_section_find(r, "languages")->total, 40);
	assert_near(row(r, "equipment", "ordinateur")->share, 0.6);
	/* Additive sections add up to their total: 50 demands, 40 visits. */
	for (size_t i = 0; i < r->n; i++) {
		const report_section *s = &r->s[i];
		if (!s->additive)
			continue;
		int64_t sum = 0;
		double shares = 0;
		for (size_t k = 0; k < s->n; k++) {
			sum += s->rows[k].n;
			shares += s->rows[k].share;
		}
		if (sum != s->total)
			fail_msg("%s: rows sum to %lld, total %lld", s->id, (long long)sum,
			         (long long)s->total);
		assert_near(shares, 1.0);
		if (strcmp(s->id, "by_referral") && strcmp(s->id, "autonomy_progression"))
			assert_int_equal(s->total, i < 11 ? 50 : 40);
	}
	/* Key figures: counts, then rates as docs/stats.md computes them. */
	const report_section *kf = report_section_find(r, "key_figures");
	const char *codes[] = {"visits",
	                       "demands",
	                       "solved_on_site",
	                       "solved_on_site_rate",
	                       "identified_distinct",
	                       "anonymous_visits",
	                       "visits_vs_previous",
	                       "demands_vs_previous",
	                       "visits_vs_year_before",
	                       "demands_vs_year_before",
	                       "over_55_rate",
	                       "under_26_rate",
	                       "workshops",
	                       "participants"};
	assert_int_equal(kf->n, COUNT(codes));
	for (size_t i = 0; i < COUNT(codes); i++)
		assert_string_equal(kf->rows[i].code, codes[i]);
	assert_int_equal(row(r, "key_figures", "visits")->n, 40);
	assert_int_equal(row(r, "key_figures", "visits")->kind, REPORT_COUNT);
	assert_false(row(r, "key_figures", "visits")->has_share);
	assert_int_equal(row(r, "key_figures", "participants")->n, 25);
	assert_int_equal(row(r, "key_figures", "solved_on_site_rate")->kind, REPORT_RATE);
	assert_near(row(r, "key_figures", "solved_on_site_rate")->share, 0.6);
	assert_near(row(r, "key_figures", "visits_vs_previous")->share, 1.0);
	assert_false(row(r, "key_figures", "demands_vs_previous")->has_share);
	assert_near(row(r, "key_figures", "visits_vs_year_before")->share, -0.2);
	assert_near(row(r, "key_figures", "demands_vs_year_before")->share, 47.0 / 3.0);
	assert_near(row(r, "key_figures", "over_55_rate")->share, 20.0 / 32.0);
	assert_near(row(r, "key_figures", "under_26_rate")->share, 2.0 / 32.0);
	assert_int_equal(row(r, "over_55", "unknown")->n, 8);
	assert_int_equal(report_section_find(r, "over_55")->total, 40);
	assert_int_equal(report_section_find(r, "autonomy_progression")->total, 9);
	arena_free(a);
	stats_result_free(x);
}

static void test_labels(void **state)
{
	(void)state;
	stats_result *x = sample();
	arena *a = arena_new(1 << 20);
	const lang *fr = i18n_default(), *en = i18n_find("en");
	assert_non_null(en);
	report *rf = report_build(a, fr, x, names, NULL);
	report *re = report_build(a, en, x, names, NULL);
	assert_string_equal(row(rf, "by_gender", "feminin")->label, "Femme");
	assert_string_equal(row(re, "by_gender", "feminin")->label, "Woman");
	assert_string_equal(row(re, "by_outcome", "resolu")->label, "Solved on site");
	assert_string_equal(row(rf, "by_age_bracket", "non_renseigne")->label, "Non renseigné");
	assert_string_equal(row(re, "by_age_bracket", "non_renseigne")->label, "Not provided");
	assert_string_equal(report_section_find(re, "by_channel")->unit, "Visits");
	assert_string_equal(report_section_find(re, "by_operator")->unit, "Requests");
	assert_string_equal(row(rf, "by_weekday", "1")->label, "Lundi");
	assert_string_equal(row(rf, "particular_publics", "allophone")->label, "Personnes allophones");
	assert_string_equal(row(rf, "particular_publics", "sans_email")->label, "Sans adresse e-mail");
	assert_string_equal(row(rf, "duration_ranges", "30_60")->label, "30 min à 1 h");
	assert_string_equal(row(rf, "autonomy", "non_evalue")->label, "Non évalué");
	assert_string_equal(row(rf, "interpreting_languages", "ar")->label, "ar");
	/* The two reports are one structure in two languages: every text of
	 * the English one is the translation of the French one. */
	assert_int_equal(rf->n, re->n);
	for (size_t i = 0; i < rf->n; i++) {
		assert_string_equal(re->s[i].title, i18n_text(en, rf->s[i].title));
		assert_string_equal(re->s[i].description, i18n_text(en, rf->s[i].description));
		assert_int_equal(re->s[i].n, rf->s[i].n);
		for (size_t k = 0; k < rf->s[i].n; k++)
			assert_string_equal(re->s[i].rows[k].label, i18n_text(en, rf->s[i].rows[k].label));
	}
	/* The defaults without a report. */
	assert_string_equal(report_label_default(fr, a, BD_COUNT, "tres_bien"), "Très bien");
	assert_string_equal(report_label_default(fr, a, BD_COUNT, "unknown"), "Inconnu");
	assert_string_equal(report_label_default(fr, a, BD_OPERATOR, "cnaf"), "cnaf");
	assert_string_equal(report_label_default(fr, a, BD_HOUR, "23"), "23 h");
	arena_free(a);
	stats_result_free(x);
}

/* The rule, checked on one column of a masked section. */
static void check_column(const report_section *s, int second)
{
	int64_t hidden = 0;
	size_t nhidden = 0;
	for (size_t k = 0; k < s->n; k++) {
		const report_row *w = &s->rows[k];
		if (w->kind != REPORT_COUNT)
			continue;
		int64_t n = second ? w->n2 : w->n;
		int cell = second ? w->cell2 : w->cell;
		if (cell == REPORT_SHOWN && n < SMALLCOUNT_MIN)
			fail_msg("%s/%s: %lld shown", s->id, w->code, (long long)n);
		if (cell != REPORT_SHOWN) {
			hidden += n;
			nhidden++;
			if (w->has_share && !second)
				fail_msg("%s/%s: share of a hidden count", s->id, w->code);
		}
	}
	if (s->additive && !second && s->total_cell == REPORT_SHOWN) {
		if (s->total < SMALLCOUNT_MIN)
			fail_msg("%s: total %lld shown", s->id, (long long)s->total);
		if (nhidden && hidden < SMALLCOUNT_MIN)
			fail_msg("%s: hidden sum %lld recoverable", s->id, (long long)hidden);
	}
}

static void check_masked(const report *r)
{
	assert_true(r->masked);
	for (size_t i = 0; i < r->n; i++) {
		check_column(&r->s[i], 0);
		if (r->s[i].unit2)
			check_column(&r->s[i], 1);
	}
}

static void test_mask(void **state)
{
	(void)state;
	stats_result *x = sample();
	arena *a = arena_new(1 << 20);
	report *r = report_build(a, i18n_default(), x, names, NULL);
	report_mask(r);
	check_masked(r);
	/* 3 alone would be 40 - 25 - 12: the 12 goes too. */
	assert_int_equal(row(r, "by_gender", "non_communique")->cell, REPORT_SMALL);
	assert_int_equal(row(r, "by_gender", "masculin")->cell, REPORT_SECRET);
	assert_int_equal(row(r, "by_gender", "feminin")->cell, REPORT_SHOWN);
	assert_true(row(r, "by_gender", "feminin")->has_share);
	/* Two zeros hide nothing: the 8 goes. */
	assert_int_equal(row(r, "by_outcome", "doit_revenir")->cell, REPORT_SECRET);
	/* Not additive: a small count alone, nothing more. */
	assert_int_equal(row(r, "particular_publics", "handicap")->cell, REPORT_SMALL);
	assert_int_equal(row(r, "particular_publics", "allophone")->cell, REPORT_SHOWN);
	/* Key figures: small counts hidden, rates that would reveal one dropped. */
	assert_int_equal(row(r, "key_figures", "workshops")->cell, REPORT_SMALL);
	assert_int_equal(row(r, "key_figures", "visits")->cell, REPORT_SHOWN);
	assert_false(row(r, "key_figures", "demands_vs_year_before")->has_share);
	assert_false(row(r, "key_figures", "under_26_rate")->has_share);
	assert_true(row(r, "key_figures", "visits_vs_previous")->has_share);
	assert_true(row(r, "key_figures", "over_55_rate")->has_share);
	assert_true(row(r, "key_figures", "solved_on_site_rate")->has_share);
	arena_free(a);
	stats_result_free(x);
}

/* The survey's sections come only with answers, after the other
 * sections; satisfied_rate is "très bien" over the answers, dropped when
 * masking hides what it would give back. */
static void test_satisfaction(void **state)
{
	(void)state;
	stats_result *x = sample();
	const int64_t overall[3] = {2, 11, 87}, clarity[6] = {30, 1, 2, 5, 20, 42};
	memcpy(x->satisfaction, overall, sizeof overall);
	memcpy(x->clarity, clarity, sizeof clarity);
	arena *a = arena_new(1 << 20);
	report *r = report_build(a, i18n_default(), x, names, NULL);
	assert_string_equal(r->s[r->n - 3].id, "autonomy_progression");
	const report_section *sat = &r->s[r->n - 2], *cl = &r->s[r->n - 1];
	assert_string_equal(sat->id, "satisfaction");
	assert_string_equal(cl->id, "clarity");
	assert_int_equal(sat->chart, REPORT_CHART_STACKED);
	assert_int_equal(cl->chart, REPORT_CHART_COLUMNS);
	assert_true(sat->additive && cl->additive);
	assert_int_equal(sat->total, 100);
	assert_int_equal(cl->total, 100);
	assert_string_equal(sat->unit, "Réponses");
	const char *codes[3] = {"pas_bien", "moyen", "tres_bien"};
	const char *labels[3] = {"Pas bien", "Moyen", "Très bien"};
	assert_int_equal(sat->n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(sat->rows[i].code, codes[i]);
		assert_string_equal(sat->rows[i].label, labels[i]);
		assert_int_equal(sat->rows[i].n, overall[i]);
		assert_near(sat->rows[i].share, (double)overall[i] / 100.0);
	}
	assert_int_equal(cl->n, 6);
	assert_string_equal(cl->rows[0].code, "1");
	assert_string_equal(cl->rows[4].code, "5");
	assert_string_equal(cl->rows[4].label, "5 – Très clair");
	assert_string_equal(cl->rows[5].code, "non_repondu");
	assert_int_equal(cl->rows[5].n, 30);
	assert_near(row(r, "clarity", "5")->share, 0.42);
	assert_int_equal(row(r, "key_figures", "satisfaction_answers")->n, 100);
	assert_int_equal(row(r, "key_figures", "satisfied_rate")->kind, REPORT_RATE);
	assert_near(row(r, "key_figures", "satisfied_rate")->share, 0.87);
	report_mask(r);
	check_masked(r);
	assert_int_equal(row(r, "satisfaction", "pas_bien")->cell, REPORT_SMALL);
	assert_int_equal(row(r, "satisfaction", "moyen")->cell, REPORT_SECRET);
	assert_int_equal(row(r, "satisfaction", "tres_bien")->cell, REPORT_SHOWN);
	assert_true(row(r, "key_figures", "satisfied_rate")->has_share);
	arena_free(a);

	/* Few answers: "très bien" is small, and the rate would give it back. */
	const int64_t few[3] = {1, 0, 3};
	memcpy(x->satisfaction, few, sizeof few);
	a = arena_new(1 << 20);
	r = report_build(a, i18n_default(), x, names, NULL);
	assert_near(row(r, "key_figures", "satisfied_rate")->share, 0.75);
	report_mask(r);
	assert_int_equal(row(r, "satisfaction", "tres_bien")->cell, REPORT_SMALL);
	assert_false(row(r, "key_figures", "satisfied_rate")->has_share);
	assert_int_not_equal(row(r, "key_figures", "satisfaction_answers")->cell, REPORT_SHOWN);
	arena_free(a);

	/* No answers: neither section nor key figure. */
	memset(x->satisfaction, 0, sizeof x->satisfaction);
	a = arena_new(1 << 20);
	r = report_build(a, i18n_default(), x, names, NULL);
	assert_null(report_section_find(r, "satisfaction"));
	assert_null(report_section_find(r, "clarity"));
	const report_section *kf = report_section_find(r, "key_figures");
	for (size_t i = 0; i < kf->n; i++)
		assert_string_not_equal(kf->rows[i].code, "satisfied_rate");
	arena_free(a);
	stats_result_free(x);
}

/* A count shown in two places is masked alike in both. */
static void test_mask_links(void **state)
{
	(void)state;
	stats_query q = year_2025();
	stats_result *x = stats_result_new(&q);
	x->visits = 9;
	x->demands = 50;
	x->solved = 40;
	add(x, BD_OUTCOME, "resolu", 40);
	add(x, BD_OUTCOME, "oriente", 6);
	add(x, BD_OUTCOME, "escalade", 4);
	add(x, BD_REFERRAL, "administration", 6);
	stats_result_finish(x);
	arena *a = arena_new(1 << 20);
	report *r = report_build(a, i18n_default(), x, NULL, NULL);
	report_mask(r);
	check_masked(r);
	/* "oriente" is hidden to protect "escalade"; by_referral's rows would
	 * add up to it, so its total and a row go as well. */
	assert_int_equal(row(r, "by_outcome", "oriente")->cell, REPORT_SECRET);
	const report_section *rf = report_section_find(r, "by_referral");
	assert_int_equal(rf->total_cell, REPORT_SECRET);
	for (size_t k = 0; k < rf->n; k++)
		assert_int_not_equal(rf->rows[k].cell, REPORT_SHOWN);
	stats_result_free(x);

	/* Solved on site hidden in by_outcome: hidden among the key figures. */
	x = stats_result_new(&q);
	x->visits = 9;
	x->demands = 9;
	x->solved = 6;
	add(x, BD_OUTCOME, "resolu", 6);
	add(x, BD_OUTCOME, "doit_revenir", 3);
	stats_result_finish(x);
	r = report_build(a, i18n_default(), x, NULL, NULL);
	report_mask(r);
	check_masked(r);
	assert_int_equal(row(r, "by_outcome", "resolu")->cell, REPORT_SECRET);
	assert_int_equal(row(r, "key_figures", "solved_on_site")->cell, REPORT_SECRET);
	assert_false(row(r, "key_figures", "solved_on_site_rate")->has_share);
	/* Visits below 5 in every visit section: all small. */
	assert_int_equal(report_section_find(r, "by_channel")->total_cell, REPORT_SHOWN);
	stats_result_free(x);

	x = stats_result_new(&q);
	x->visits = 3;
	x->demands = 3;
	add(x, BD_CHANNEL, "telephone", 3);
	stats_result_finish(x);
	r = report_build(a, i18n_default(), x, NULL, NULL);
	report_mask(r);
	check_masked(r);
	const report_section *ch = report_section_find(r, "by_channel");
	assert_int_equal(ch->total_cell, REPORT_SMALL);
	for (size_t k = 0; k < ch->n; k++) {
		assert_int_equal(ch->rows[k].cell, REPORT_SMALL);
		assert_false(ch->rows[k].has_share);
	}
	arena_free(a);
	stats_result_free(x);
}

static void test_csv(void **state)
{
	(void)state;
	stats_result *x = sample();
	arena *a = arena_new(1 << 20);
	report *r = report_build(a, i18n_default(), x, NULL, NULL);
	const report_section *g = report_section_find(r, "by_gender");
	buf b;
	buf_init(&b, 1 << 16);
	assert_int_equal(report_csv(r, g, 0, &b), 0);
	assert_string_equal(b.data, "Code,Libellé,Visites,Part\r\n"
	                            "feminin,Femme,25,0.6250\r\n"
	                            "masculin,Homme,12,0.3000\r\n"
	                            "non_communique,Non communiqué,3,0.0750\r\n");
	buf_reset(&b);
	assert_int_equal(report_csv(r, g, 1, &b), 0);
	assert_string_equal(b.data, "\xEF\xBB\xBF"
	                            "Code;Libellé;Visites;Part\r\n"
	                            "feminin;Femme;25;0,6250\r\n"
	                            "masculin;Homme;12;0,3000\r\n"
	                            "non_communique;Non communiqué;3;0,0750\r\n");
	/* A negative growth is a number, not text behind an apostrophe; a
	 * count has no share and a rate no count. */
	buf_reset(&b);
	assert_int_equal(report_csv(r, report_section_find(r, "key_figures"), 0, &b), 0);
	assert_non_null(strstr(b.data, "Code,Libellé,Valeur,Part\r\nvisits,Visites,40,\r\n"));
	assert_non_null(
	    strstr(b.data, "\r\nvisits_vs_year_before,Évolution des visites sur un an,,-0.2000\r\n"));
	assert_non_null(
	    strstr(b.data, "\r\ndemands_vs_previous,Évolution des demandes sur la période précédente,,\r\n"));
	/* Masked. */
	report_mask(r);
	buf_reset(&b);
	assert_int_equal(report_csv(r, g, 0, &b), 0);
	assert_string_equal(b.data, "Code,Libellé,Visites,Part\r\n"
	                            "feminin,Femme,25,0.6250\r\n"
	                            "masculin,Homme,s,\r\n"
	                            "non_communique,Non communiqué,<5,\r\n");
	char t[24];
	assert_string_equal(report_cell_text(t, 1234, REPORT_SHOWN), "1234");
	assert_string_equal(report_cell_text(t, 2, REPORT_SMALL), "<5");
	assert_string_equal(report_cell_text(t, 9, REPORT_SECRET), "s");
	buf_free(&b);
	arena_free(a);
	stats_result_free(x);
}

static void test_add_section(void **state)
{
	(void)state;
	stats_result *x = sample();
	arena *a = arena_new(1 << 20);
	report *r = report_build(a, i18n_default(), x, NULL, NULL);
	size_t n = r->n;
	report_section *s = report_add_section(r, 1, "by_site", "Par lieu", "Chaque visite…", "Visites",
	                                       REPORT_CHART_BARS, 2);
	assert_non_null(s);
	assert_int_equal(r->n, n + 1);
	assert_string_equal(r->s[0].id, "key_figures");
	assert_string_equal(r->s[1].id, "by_site");
	assert_string_equal(r->s[2].id, "by_operator");
	assert_int_equal(s->n, 2);
	assert_int_equal(s->rows[1].n, 0);
	assert_string_equal(s->rows[1].label, "");
	assert_ptr_equal(report_section_find(r, "by_site"), s);
	assert_null(report_section_find(r, "nothing"));
	/* Beyond the end: appended. */
	s = report_add_section(r, 999, "last", "Dernier", NULL, "Visites", REPORT_CHART_NONE, 0);
	assert_non_null(s);
	assert_string_equal(r->s[r->n - 1].id, "last");
	arena_free(a);
	stats_result_free(x);
}

/* ------------------------------------------------------------------ */
/* The time series, asked of an engine over a real store. */

struct fixture {
	char dir[64];
	store *s;
	int64_t site, agent;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-report-XXXXXX");
	char url[1024];
	if (unit_store_open(f->dir, url, sizeof url, &f->s) != 0)
		return -1;
	store_site site = {.name = "France Services Redon", .type = "france_services", .departement = "35"};
	store_user u = {.email = "agent@example.org", .name = "Anne Agent", .role = "agent", .active = 1};
	if (store_site_insert(f->s, &site, &f->site) != STORE_OK ||
	    store_user_insert(f->s, &u, &f->agent) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_store_close(f->s, NULL, f->dir);
	free(f);
	return 0;
}

/* A visit on date at 10:00 with ndemands demands. */
static void visit(struct fixture *f, const char *date, size_t ndemands)
{
	store_demand d[2] = {{.operator_code = "cnaf",
	                      .theme_code = "social_sante",
	                      .level = "fait_avec",
	                      .outcome = "resolu",
	                      .autonomy = 2,
	                      .equipment = "ordinateur",
	                      .duration_min = 15},
	                     {.operator_code = "dgfip",
	                      .theme_code = "argent_impots",
	                      .level = "information",
	                      .outcome = "resolu",
	                      .autonomy = 2,
	                      .equipment = "ordinateur",
	                      .duration_min = 15}};
	int64_t t;
	assert_int_equal(time_parse_local(date, "10:00", &t), 0);
	store_visit v = {.site_id = f->site,
	                 .agent_id = f->agent,
	                 .started_at = t,
	                 .channel = "guichet_spontane",
	                 .duration_min = 20,
	                 .demands = d,
	                 .ndemands = ndemands};
	v.visitor = (store_visitor){.age_bracket = "60_69", .gender = "feminin", .social_status = "retraite"};
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
}

static report *series(arena *a, stats_engine *e, const char *from, const char *to)
{
	stats_query q = {0};
	assert_int_equal(stats_day_parse(from, &q.from_day), 0);
	assert_int_equal(stats_day_parse(to, &q.to_day), 0);
	stats_result *x = stats_engine_query(e, &q);
	assert_non_null(x);
	report *r = report_build(a, i18n_default(), x, NULL, NULL);
	assert_non_null(r);
	assert_int_equal(report_add_series(r, e, &q), 0);
	/* The result is the caller's: the report only points at it. */
	r->res = NULL;
	stats_result_free(x);
	return r;
}

static void test_series(void **state)
{
	struct fixture *f = *state;
	visit(f, "2025-01-15", 1);
	visit(f, "2025-02-10", 2);
	visit(f, "2025-02-10", 1);
	visit(f, "2025-03-05", 1);
	stats_engine *e = store_stats_load(f->s, 1);
	assert_non_null(e);
	arena *a = arena_new(1 << 20);

	/* A quarter: by month, right after the key figures. */
	report *r = series(a, e, "2025-01-01", "2025-03-31");
	assert_string_equal(r->s[1].id, "series");
	const report_section *s = &r->s[1];
	assert_int_equal(s->chart, REPORT_CHART_LINE);
	assert_string_equal(s->unit2, "Demandes");
	assert_int_equal(s->n, 3);
	assert_string_equal(s->rows[0].code, "2025-01");
	assert_string_equal(s->rows[0].label, "janv. 2025");
	assert_string_equal(s->rows[1].label, "févr. 2025");
	assert_int_equal(s->rows[1].n, 2);
	assert_int_equal(s->rows[1].n2, 3);
	assert_int_equal(s->rows[2].n, 1);
	assert_int_equal(s->total, 4);

	/* February: by week, Monday to Sunday, the first one cut by the period. */
	r = series(a, e, "2025-02-01", "2025-02-28");
	s = report_section_find(r, "series");
	assert_int_equal(s->n, 5);
	assert_string_equal(s->rows[0].label, "semaine du 1 févr. (incomplet)");
	assert_string_equal(s->rows[1].code, "2025-02-03");
	assert_string_equal(s->rows[2].code, "2025-02-10");
	assert_int_equal(s->rows[2].n, 2);
	assert_string_equal(s->rows[4].code, "2025-02-24");

	/* Three days: by day. */
	r = series(a, e, "2025-02-09", "2025-02-11");
	s = report_section_find(r, "series");
	assert_int_equal(s->n, 3);
	assert_string_equal(s->rows[0].label, "dim. 9 févr.");
	assert_string_equal(s->rows[1].label, "lun. 10 févr.");
	assert_int_equal(s->rows[1].n2, 3);

	/* Over 36 months: by quarter, every day of the period counted, so
	 * that the series adds up to the key figures (a cut series let a
	 * masked report's hidden months be recovered by subtraction). */
	visit(f, "2020-02-01", 1);
	stats_engine_free(e);
	e = store_stats_load(f->s, 1);
	assert_non_null(e);
	r = series(a, e, "2020-01-15", "2025-03-31");
	s = report_section_find(r, "series");
	assert_int_equal(s->n, 21);
	assert_string_equal(s->rows[0].code, "2020-Q1");
	assert_string_equal(s->rows[0].label, "T1 2020 (incomplet)");
	assert_true(s->rows[0].partial);
	assert_int_equal(s->rows[0].n, 1);
	assert_string_equal(s->rows[1].label, "T2 2020");
	assert_false(s->rows[1].partial);
	assert_string_equal(s->rows[20].code, "2025-Q1");
	assert_int_equal(s->total, 5);
	assert_int_equal(s->total, report_section_find(r, "key_figures")->rows[0].n);

	/* Over 36 quarters: by year. */
	r = series(a, e, "2000-01-01", "2025-06-30");
	s = report_section_find(r, "series");
	assert_int_equal(s->n, 26);
	assert_string_equal(s->rows[0].code, "2000");
	assert_false(s->rows[0].partial);
	assert_string_equal(s->rows[25].label, "2025 (incomplet)");
	assert_int_equal(s->total, 5);

	/* A month cut by the period is marked; whole months are not. */
	r = series(a, e, "2025-01-01", "2025-03-15");
	s = report_section_find(r, "series");
	assert_false(s->rows[1].partial);
	assert_true(s->rows[2].partial);
	assert_string_equal(s->rows[2].label, "mars 2025 (incomplet)");

	/* Masking covers the second count too. */
	report_mask(r);
	check_masked(r);
	arena_free(a);
	stats_engine_free(e);
}

/* A growth against a period when the scope was not recording yet says so
 * ("+1995.6 %" after a few weeks of records is no growth). */
static void test_growth_partial(void **state)
{
	struct fixture *f = *state;
	visit(f, "2025-02-10", 1);
	visit(f, "2025-02-10", 1);
	visit(f, "2025-03-05", 1);
	visit(f, "2025-03-06", 1);
	arena *a = arena_new(1 << 20);
	for (int round = 0; round < 2; round++) {
		stats_engine *e = store_stats_load(f->s, 1);
		assert_non_null(e);
		stats_query q = {0};
		assert_int_equal(stats_day_parse("2025-03-01", &q.from_day), 0);
		assert_int_equal(stats_day_parse("2025-03-31", &q.to_day), 0);
		stats_result *x = stats_engine_query(e, &q);
		assert_non_null(x);
		report *r = report_build(a, i18n_default(), x, NULL, NULL);
		assert_non_null(r);
		assert_int_equal(report_mark_growth(r, e, &q), 0);
		const report_section *kf = report_section_find(r, "key_figures");
		const report_row *vp = NULL, *vy = NULL;
		for (size_t i = 0; i < kf->n; i++) {
			if (strcmp(kf->rows[i].code, "visits_vs_previous") == 0)
				vp = &kf->rows[i];
			if (strcmp(kf->rows[i].code, "visits_vs_year_before") == 0)
				vy = &kf->rows[i];
		}
		assert_non_null(vp);
		assert_true(vp->has_share);
		/* The year before holds nothing: undefined, not marked. */
		assert_false(vy->has_share);
		assert_false(vy->partial);
		if (round == 0) {
			/* Nothing recorded before the previous period began. */
			assert_true(vp->partial);
			assert_non_null(strstr(vp->label, "(période de comparaison incomplète)"));
			assert_non_null(strstr(kf->description, "période de comparaison incomplète"));
			visit(f, "2024-06-01", 1);
		} else {
			assert_false(vp->partial);
			assert_null(strstr(vp->label, "incomplète"));
		}
		stats_result_free(x);
		stats_engine_free(e);
	}
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
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_vocabularies),
	    cmocka_unit_test(test_totals),
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_mask),
	    cmocka_unit_test(test_mask_links),
	    cmocka_unit_test(test_satisfaction),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_add_section),
	    cmocka_unit_test_setup_teardown(test_series, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_growth_partial, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	i18n_free();
	return rc;
}
