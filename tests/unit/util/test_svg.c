/* test_svg.c: the SVG writers (svg.c) and the charts of a report
 * (report_chart.c) on reports built by hand. */
#include "unit.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "util/i18n.h"
#include "report/report.h"
#include "util/svg.h"

#define FFFD "\xEF\xBF\xBD"
#define NBSP "\xC2\xA0"
#define LRM "\xE2\x80\x8E"
#define RLM "\xE2\x80\x8F"
#define E "\xF0\x9F\x98\x80" /* U+1F600, four bytes */
#define E9 E E E E E E E E E

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void check_num(double v, const char *want)
{
	buf b;
	buf_init(&b, 1024);
	svg_num(&b, v);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void test_num(void **state)
{
	(void)state;
	check_num(0, "0");
	check_num(1.005, "1"); /* 1.005 is 1.00499… as a double */
	check_num(-0.001, "0");
	check_num(-0.0, "0");
	check_num(1234.5, "1234.5");
	check_num(12.25, "12.25");
	check_num(0.1, "0.1");
	check_num(-3.1, "-3.1");
	check_num(-0.5, "-0.5");
	check_num(0.999, "1");
	check_num(640, "640");
	check_num(NAN, "0");
	check_num(INFINITY, "0");
	check_num(1e15, "1000000000000");
	/* A locale with a decimal comma changes nothing. */
	if (setlocale(LC_NUMERIC, "fr_FR.UTF-8") || setlocale(LC_NUMERIC, "de_DE.UTF-8")) {
		check_num(1234.5, "1234.5");
		setlocale(LC_NUMERIC, "C");
	}
}

static void test_escaping(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 1 << 16);
	svg_begin(&b, "x\"y", 100, 50, "chart", "<b> & \"q\" 'a'",
	          "abc\xE2\x80\xAE"
	          "fdp");
	svg_text(&b, 1, 2, "end", "c-label", "<script>&\xE2\x81\xA6");
	svg_rect(&b, 0, 0, 1, 1, "\"><script>");
	svg_end(&b);
	assert_false(b.overflow);
	assert_null(strstr(b.data, "<b>"));
	assert_null(strstr(b.data, "<script"));
	assert_non_null(
	    strstr(b.data, "<title id=\"x&quot;y-t\">&lt;b&gt; &amp; &quot;q&quot; &#39;a&#39;</title>"));
	assert_non_null(strstr(b.data, "aria-labelledby=\"x&quot;y-t x&quot;y-d\""));
	assert_non_null(strstr(b.data, "<desc id=\"x&quot;y-d\">abc" FFFD "fdp</desc>"));
	assert_non_null(strstr(b.data, ">&lt;script&gt;&amp;" FFFD "</text>"));
	assert_non_null(strstr(b.data, "class=\"&quot;&gt;&lt;script&gt;\""));
	buf_free(&b);
}

static void test_elements(void **state)
{
	buf b;
	double xs[] = {0, 10.5, 20}, ys[] = {1, 2.25, -3};

	(void)state;
	buf_init(&b, 1 << 16);
	svg_begin(&b, "c", 640, 123.5, NULL, "T", "D");
	assert_string_equal(
	    b.data, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 123.5\" width=\"100%\" "
	            "role=\"img\" aria-labelledby=\"c-t c-d\"><title id=\"c-t\">T</title>"
	            "<desc id=\"c-d\">D</desc>\n");
	buf_reset(&b);
	svg_rect(&b, 1, 2, -3, 4, "c-bar");
	assert_string_equal(b.data, "<rect x=\"1\" y=\"2\" width=\"0\" height=\"4\" class=\"c-bar\"/>\n");
	buf_reset(&b);
	svg_polyline(&b, xs, ys, 3, "c-line");
	assert_string_equal(b.data, "<polyline points=\"0,1 10.5,2.25 20,-3\" class=\"c-line\"/>\n");
	buf_reset(&b);
	svg_line(&b, 0, 1, 2, 3, NULL);
	svg_circle(&b, 5, 6, 3.5, "c-dot");
	assert_string_equal(b.data, "<line x1=\"0\" y1=\"1\" x2=\"2\" y2=\"3\"/>\n"
	                            "<circle cx=\"5\" cy=\"6\" r=\"3.5\" class=\"c-dot\"/>\n");
	buf_reset(&b);
	svg_text(&b, 1, 2, "start", NULL, "a");
	svg_text(&b, 1, 2, "middle", NULL, "b");
	svg_text(&b, 1, 2, "\" onload=\"x", NULL, "c");
	assert_string_equal(
	    b.data, "<text x=\"1\" y=\"2\">a</text>\n<text x=\"1\" y=\"2\" text-anchor=\"middle\">b</text>\n"
	            "<text x=\"1\" y=\"2\">c</text>\n");
	buf_reset(&b);
	svg_group_begin(&b, "g", 1);
	svg_group_end(&b);
	svg_end(&b);
	assert_string_equal(b.data, "<g class=\"g\" aria-hidden=\"true\">\n</g>\n</svg>\n");
	buf_free(&b);
}

/* A report with one section of n rows labelled "Ligne i", whose counts are
 * given (n_i for row i), and a share of each in the total. */
static report *mk(arena *a, enum report_chart kind, const int64_t *ns, size_t n)
{
	report *r = arena_alloc(a, sizeof *r);
	report_section *s = arena_alloc(a, sizeof *s);
	int64_t total = 0;

	r->lang = i18n_default();
	r->a = a;
	r->s = s;
	r->n = r->cap = 1;
	s->id = "by_x";
	s->title = "Titre <du> graphique";
	s->description = "Visites par X.";
	s->unit = "Visites";
	s->chart = kind;
	s->rows = arena_alloc(a, (n ? n : 1) * sizeof *s->rows);
	s->n = n;
	for (size_t i = 0; i < n; i++)
		total += ns[i];
	s->total = total;
	s->additive = 1;
	for (size_t i = 0; i < n; i++) {
		report_row *w = &s->rows[i];
		w->code = arena_printf(a, "c%zu", i);
		w->label = arena_printf(a, "Ligne %zu", i);
		w->kind = REPORT_COUNT;
		w->n = ns[i];
		w->share = total ? (double)ns[i] / (double)total : 0;
		w->has_share = total > 0;
	}
	return r;
}

static char *draw(const report *r, int rtl)
{
	buf b;
	buf_init(&b, 1 << 20);
	report_chart_svg(r, &r->s[0], "p", rtl, &b);
	assert_false(b.overflow);
	size_t len;
	char *s = buf_detach(&b, &len);
	return s ? s : xstrdup("");
}

/* The chart is one well-formed <svg>: its labels point at its title and
 * description, every element opened is closed, the text is valid UTF-8. */
static void check_well_formed(const char *svg, const char *title)
{
	char t[64], d[64];

	assert_int_equal(count(svg, "<svg "), 1);
	assert_int_equal(count(svg, "</svg>"), 1);
	assert_true(strncmp(svg, "<svg ", 5) == 0);
	assert_int_equal(count(svg, "<text"), count(svg, "</text>"));
	assert_int_equal(count(svg, "<g"), count(svg, "</g>"));
	assert_int_equal(count(svg, "<title"), 1);
	assert_int_equal(sscanf(strstr(svg, "aria-labelledby=\""), "aria-labelledby=\"%63s %63[^\"]\"", t, d),
	                 2);
	char want[256];
	snprintf(want, sizeof want, "<title id=\"%s\">%s</title><desc id=\"%s\">", t, title, d);
	assert_non_null(strstr(svg, want));
	assert_non_null(strstr(svg, "role=\"img\""));
	assert_null(strstr(svg, "style="));
	assert_null(strstr(svg, "\"-0\""));
	assert_null(strstr(svg, "-0 "));
	assert_null(strstr(svg, "-0,"));
	assert_true(utf8_valid(svg, strlen(svg)));
}

/* x and width of the first <rect> with class cls. */
static void first_rect(const char *svg, const char *cls, double *x, double *w)
{
	char key[64];
	const char *p = svg;
	snprintf(key, sizeof key, "class=\"%s\"", cls);
	for (;;) {
		p = strstr(p, "<rect x=\"");
		assert_non_null(p);
		const char *end = strchr(p, '>');
		const char *k = strstr(p, key);
		if (k && k < end)
			break;
		p = end;
	}
	assert_int_equal(sscanf(p, "<rect x=\"%lf\" y=\"%*[^\"]\" width=\"%lf\"", x, w), 2);
}

/* x of the first <text> with class cls. */
static double first_text_x(const char *svg, const char *cls)
{
	char key[64];
	const char *p = svg;
	double x;
	snprintf(key, sizeof key, "class=\"%s\"", cls);
	for (;;) {
		p = strstr(p, "<text x=\"");
		assert_non_null(p);
		const char *end = strchr(p, '>');
		const char *k = strstr(p, key);
		if (k && k < end)
			break;
		p = end;
	}
	assert_int_equal(sscanf(p, "<text x=\"%lf\"", &x), 1);
	return x;
}

static void check_mirrored(const report *r, const char *cls)
{
	char *l = draw(r, 0), *g = draw(r, 1);
	double lx, lw, gx, gw;

	first_rect(l, cls, &lx, &lw);
	first_rect(g, cls, &gx, &gw);
	assert_true(fabs(lw - gw) < 0.01);
	assert_true(fabs(gx + gw - (640 - lx)) < 0.011);
	assert_true(fabs(first_text_x(g, "c-label") - (640 - first_text_x(l, "c-label"))) < 0.011);
	assert_null(strstr(l, "chart-rtl"));
	assert_non_null(strstr(g, "class=\"chart "));
	assert_non_null(strstr(g, " chart-rtl\""));
	free(l);
	free(g);
}

static void test_bars(void **state)
{
	arena *a = arena_new(1 << 20);
	int64_t ns[] = {1234, 300, 0, 3, 2};
	report *r = mk(a, REPORT_CHART_BARS, ns, COUNT(ns));
	char *svg;

	(void)state;
	r->s[0].rows[3].cell = REPORT_SMALL;
	r->s[0].rows[4].cell = REPORT_SECRET;
	svg = draw(r, 0);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	assert_non_null(strstr(svg, "aria-labelledby=\"p-by_x-t p-by_x-d\""));
	assert_non_null(strstr(svg, "class=\"chart chart-bars\""));
	/* Bars for the shown non-zero rows only; the others are written. */
	assert_int_equal(count(svg, "class=\"c-bar\""), 2);
	assert_int_equal(count(svg, "<rect"), 2);
	assert_non_null(strstr(svg, ">1" NBSP "234 (80" NBSP "%)</text>"));
	assert_non_null(strstr(svg, "class=\"c-value\">0</text>"));
	assert_non_null(strstr(svg, "class=\"c-note\">&lt;5</text>"));
	assert_non_null(strstr(svg, "class=\"c-note\">s</text>"));
	assert_int_equal(count(svg, "class=\"c-label\""), 5);
	assert_non_null(strstr(svg, "<desc id=\"p-by_x-d\">Visites par X. Le plus fréquent : Ligne 0, 1" NBSP
	                            "234 (80" NBSP "%).</desc>"));
	assert_null(strstr(svg, "premières lignes"));
	free(svg);
	check_mirrored(r, "c-bar");
	arena_free(a);
}

static void test_bars_long_list(void **state)
{
	arena *a = arena_new(1 << 20);
	int64_t ns[20];
	char *svg;

	(void)state;
	for (size_t i = 0; i < COUNT(ns); i++)
		ns[i] = 100 - (int64_t)i;
	svg = draw(mk(a, REPORT_CHART_BARS, ns, COUNT(ns)), 0);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	assert_int_equal(count(svg, "class=\"c-bar\""), 15);
	assert_non_null(strstr(svg, "Le graphique montre les 15 premières lignes"));
	assert_null(strstr(svg, ">Ligne 15<"));
	free(svg);
	arena_free(a);
}

static void test_columns(void **state)
{
	arena *a = arena_new(1 << 20);
	int64_t ns[24];
	report *r;
	char *svg;

	(void)state;
	for (size_t i = 0; i < COUNT(ns); i++)
		ns[i] = (int64_t)(i * 37 % 100);
	r = mk(a, REPORT_CHART_COLUMNS, ns, COUNT(ns));
	r->s[0].rows[5].cell = REPORT_SMALL;
	svg = draw(r, 0);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	/* 24 hours, one at 0 and one masked: 22 columns, 24 values. */
	assert_int_equal(count(svg, "class=\"c-bar\""), 22);
	assert_int_equal(count(svg, "class=\"c-value\""), 23);
	assert_non_null(strstr(svg, "class=\"c-note\">&lt;5</text>"));
	assert_int_equal(count(svg, "class=\"c-label\""), 24);
	/* Values above the columns carry no share. */
	assert_null(strstr(svg, "%)</text>"));
	free(svg);
	check_mirrored(r, "c-bar");
	arena_free(a);
}

static void test_line(void **state)
{
	arena *a = arena_new(1 << 20);
	int64_t ns[] = {10, 20, 30, 25, 40, 35};
	report *r = mk(a, REPORT_CHART_LINE, ns, COUNT(ns));
	report_section *s = &r->s[0];
	char *svg;

	(void)state;
	s->unit2 = "Demandes";
	for (size_t i = 0; i < s->n; i++)
		s->rows[i].n2 = s->rows[i].n * 2;
	svg = draw(r, 0);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	assert_int_equal(count(svg, "class=\"c-line\""), 2); /* the line and its legend */
	assert_int_equal(count(svg, "class=\"c-line2\""), 2);
	assert_int_equal(count(svg, "<circle"), 12);
	assert_int_equal(count(svg, "<polyline"), 2);
	assert_non_null(strstr(svg, ">Visites</text>"));
	assert_non_null(strstr(svg, ">Demandes</text>"));
	assert_non_null(strstr(svg, "Le plus élevé : Ligne 4, 40."));
	/* The y axis starts at 0. */
	assert_non_null(strstr(svg, "class=\"c-tick\">0</text>"));
	free(svg);

	/* A masked point breaks the line and is written on the axis. */
	s->unit2 = NULL;
	s->rows[2].cell = REPORT_SMALL;
	svg = draw(r, 1);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	assert_int_equal(count(svg, "<polyline"), 2);
	assert_int_equal(count(svg, "<circle"), 5);
	assert_null(strstr(svg, "c-line2"));
	assert_non_null(strstr(svg, "class=\"c-note\">&lt;5</text>"));
	free(svg);
	arena_free(a);
}

static void test_stacked(void **state)
{
	arena *a = arena_new(1 << 20);
	int64_t ns[] = {50, 30, 20, 0};
	report *r = mk(a, REPORT_CHART_STACKED, ns, COUNT(ns));
	char *svg;

	(void)state;
	svg = draw(r, 0);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	/* The frame, three parts and four keys (the empty one as a frame). */
	assert_int_equal(count(svg, "<rect"), 8);
	assert_int_equal(count(svg, "class=\"c-s0\""), 2);
	assert_int_equal(count(svg, "class=\"c-s2\""), 2);
	assert_int_equal(count(svg, "class=\"c-s3\""), 0);
	assert_int_equal(count(svg, "class=\"c-track\""), 2);
	assert_int_equal(count(svg, "class=\"c-sep\""), 2);
	assert_non_null(strstr(svg, ">50 (50" NBSP "%)</text>"));
	assert_non_null(strstr(svg, ">0</text>"));
	free(svg);
	check_mirrored(r, "c-s1");
	arena_free(a);
}

static void test_nothing_to_draw(void **state)
{
	arena *a = arena_new(1 << 20);
	int64_t ns[] = {1, 2};
	char *svg;

	(void)state;
	svg = draw(mk(a, REPORT_CHART_BARS, ns, 0), 0);
	assert_string_equal(svg, "");
	free(svg);
	svg = draw(mk(a, REPORT_CHART_NONE, ns, 2), 0);
	assert_string_equal(svg, "");
	free(svg);
	arena_free(a);
}

static void test_labels(void **state)
{
	arena *a = arena_new(1 << 20);
	int64_t ns[] = {5, 4, 3, 2};
	report *r = mk(a, REPORT_CHART_BARS, ns, COUNT(ns));
	report_section *s = &r->s[0];
	char *svg;

	(void)state;
	/* 40 two-byte, three-byte and four-byte characters: cut at 27 and an
	 * ellipsis, whole characters only. */
	s->rows[0].label = "éééééééééééééééééééééééééééééééééééééééé";
	s->rows[1].label = "€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€";
	s->rows[2].label = "<script>&'\"\xE2\x80\xAE";
	s->rows[3].label = "Exactement vingt-huit signes";
	svg = draw(r, 0);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	assert_non_null(strstr(svg, ">ééééééééééééééééééééééééééé…</text>"));
	assert_non_null(strstr(svg, ">€€€€€€€€€€€€€€€€€€€€€€€€€€€…</text>"));
	assert_non_null(strstr(svg, ">Exactement vingt-huit signes</text>"));
	assert_null(strstr(svg, "<script"));
	assert_non_null(strstr(svg, ">&lt;script&gt;&amp;&#39;&quot;" FFFD "</text>"));
	/* The description keeps the largest row's label whole. */
	assert_non_null(
	    strstr(svg, "Le plus fréquent : éééééééééééééééééééééééééééééééééééééééé, 5 (36" NBSP "%)."));
	free(svg);

	s->rows[0].label = E9 E9 E9 E E E;
	/* A long run of continuation bytes gives a well-formed chart. */
	char *junk = arena_alloc(a, 400);
	junk[0] = 'a';
	memset(junk + 1, 0x80, 300);
	strcpy(junk + 301, "bcdefghijklmnopqrstuvwxyzABCDEFG");
	s->rows[1].label = junk;
	svg = draw(r, 0);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	assert_non_null(strstr(svg, ">" E9 E9 E9 "…</text>"));
	free(svg);

	/* A label in the other direction than the chart's is held between
	 * marks of its own direction; one in the chart's direction is not. */
	s->rows[0].label = "22 h";
	s->rows[1].label = "\xD8\xAE\xD8\xAF\xD9\x85\xD8\xA9 CAF";
	svg = draw(r, 1);
	assert_non_null(strstr(svg, ">" LRM "22 h" LRM "</text>"));
	assert_non_null(strstr(svg, ">\xD8\xAE\xD8\xAF\xD9\x85\xD8\xA9 CAF</text>"));
	free(svg);
	svg = draw(r, 0);
	assert_non_null(strstr(svg, ">22 h</text>"));
	assert_non_null(strstr(svg, ">" RLM "\xD8\xAE\xD8\xAF\xD9\x85\xD8\xA9 CAF" RLM "</text>"));
	free(svg);
	arena_free(a);
}

static void test_rates(void **state)
{
	arena *a = arena_new(1 << 20);
	int64_t ns[] = {0, 0, 0};
	report *r = mk(a, REPORT_CHART_BARS, ns, COUNT(ns));
	report_section *s = &r->s[0];
	char *svg;

	(void)state;
	for (size_t i = 0; i < s->n; i++) {
		s->rows[i].kind = REPORT_RATE;
		s->rows[i].has_share = 1;
	}
	s->rows[0].share = 0.004;
	s->rows[1].share = -0.12;
	s->rows[2].has_share = 0;
	svg = draw(r, 0);
	check_well_formed(svg, "Titre &lt;du&gt; graphique");
	assert_int_equal(count(svg, "class=\"c-bar\""), 1);
	assert_non_null(strstr(svg, ">&lt;1" NBSP "%</text>"));
	assert_non_null(strstr(svg, ">-12" NBSP "%</text>"));
	assert_non_null(strstr(svg, ">\xE2\x80\x94</text>"));
	free(svg);
	arena_free(a);
}

/* One row, huge counts, all rows masked: every kind draws without a
 * division by zero or a number SVG cannot read. */
static void test_edges(void **state)
{
	static const enum report_chart kinds[] = {REPORT_CHART_BARS, REPORT_CHART_COLUMNS, REPORT_CHART_LINE,
	                                          REPORT_CHART_STACKED};
	arena *a = arena_new(1 << 22);
	int64_t one[] = {7}, big[] = {INT64_C(4000000000), INT64_C(123456789012)}, tiny[] = {1, 2, 3};

	(void)state;
	for (size_t k = 0; k < COUNT(kinds); k++) {
		report *rs[3] = {mk(a, kinds[k], one, 1), mk(a, kinds[k], big, 2), mk(a, kinds[k], tiny, 3)};
		for (size_t i = 0; i < 3; i++)
			rs[2]->s[0].rows[i].cell = REPORT_SMALL;
		rs[2]->s[0].total_cell = REPORT_SMALL;
		for (size_t j = 0; j < COUNT(rs); j++) {
			char *svg = draw(rs[j], (int)(j % 2));
			check_well_formed(svg, "Titre &lt;du&gt; graphique");
			assert_null(strstr(svg, "nan"));
			assert_null(strstr(svg, "inf"));
			if (j == 1)
				assert_non_null(strstr(svg, "123" NBSP "456" NBSP "789" NBSP "012"));
			if (j == 2) /* nothing is the largest */
				assert_null(strstr(svg, "Le plus"));
			free(svg);
		}
	}
	arena_free(a);
}

static int setup(void **state)
{
	char err[256];
	(void)state;
	if (i18n_init(err, sizeof err) != 0) {
		fprintf(stderr, "i18n_init: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	i18n_free();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_num),
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_elements),
	    cmocka_unit_test(test_bars),
	    cmocka_unit_test(test_bars_long_list),
	    cmocka_unit_test(test_columns),
	    cmocka_unit_test(test_line),
	    cmocka_unit_test(test_stacked),
	    cmocka_unit_test(test_nothing_to_draw),
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_rates),
	    cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
