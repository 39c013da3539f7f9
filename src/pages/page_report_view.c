/*
 * page_report_view.c: a steering report as an HTML page. A cover (title,
 * scope, period, filters, date of production), the filter form (GET, no
 * script), the downloads, the key figures, a table of contents, then one
 * <section> per part of the report: its description, its chart in a
 * <figure> and, right after, the table of the same figures, so that
 * nothing a chart shows is out of reach of a screen reader or a print.
 * static/report.css lays it out and prints it on A4. The committee's
 * summary (report_page_summary) is a selection of the same report that
 * prints on two A4 pages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "vocab/enums.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/pages.h"
#include "pages/page_report.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* ---- Numbers and dates as the reader reads them --------------------------- */

static int lang_fr(const req *r)
{
	return !r->lang || str_eq(r->lang->code, "fr");
}

/* 12 345 (narrow no-break spaces) in French, 12,345 elsewhere. */
static const char *fmt_count(req *r, int64_t n)
{
	char digits[24], out[64];
	const char *sep = lang_fr(r) ? "\xe2\x80\xaf" : ",";
	size_t k = 0;
	int len = snprintf(digits, sizeof digits, "%" PRId64, n < 0 ? -n : n);
	if (n < 0)
		out[k++] = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			for (const char *s = sep; *s; s++)
				out[k++] = *s;
		out[k++] = digits[i];
	}
	out[k] = 0;
	const char *s = arena_strdup(r->arena, out);
	return s ? s : "";
}

/* 12,3 % in French, 12.3% elsewhere; sign: a + before a positive growth. */
static const char *fmt_share(req *r, double v, int sign)
{
	char num[32];
	snprintf(num, sizeof num, "%s%.1f", sign && v > 0 ? "+" : "", v * 100.0);
	if (lang_fr(r)) {
		char *dot = strchr(num, '.');
		if (dot)
			*dot = ',';
	}
	const char *s = arena_printf(r->arena, "%s%s", num, lang_fr(r) ? "\xe2\x80\xaf%" : "%");
	return s ? s : "";
}

static const char *const month_names[12] = {
    N_("janvier"), N_("février"), N_("mars"),      N_("avril"),   N_("mai"),      N_("juin"),
    N_("juillet"), N_("août"),    N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre"),
};

/* "1 janvier 2025" from "2025-01-01"; the text itself when it is no date. */
static const char *fmt_day(req *r, const char *ymd)
{
	int32_t day;
	int y, m, d;
	if (stats_day_parse(ymd, &day) != 0 || sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return ymd;
	const char *s = arena_printf(r->arena, "%d %s %d", d, _(r, month_names[m - 1]), y);
	return s ? s : ymd;
}

const char *report_page_period(req *r, const char *from, const char *to)
{
	/* TRANSLATORS: a period, "du 1 janvier 2025 au 31 mars 2025"; "du" and
	   "au" are translated apart so that the dates stay out of the msgid. */
	const char *s =
	    arena_printf(r->arena, "%s %s %s %s", _(r, "du"), fmt_day(r, from), _(r, "au"), fmt_day(r, to));
	return s ? s : "";
}

/* ---- Links ---------------------------------------------------------------- */

static void arg(buf *b, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	buf_putc(b, b->len ? '&' : '?');
	buf_puts(b, name);
	buf_putc(b, '=');
	html_url_arg(b, value);
}

static const char *build_query(req *r, const report_page *p, const char *from, const char *to, int masked,
                               const char *extra)
{
	buf b;
	buf_init(&b, 8192);
	arg(&b, "from", from);
	arg(&b, "to", to);
	for (size_t i = 0; p->scope == REPORT_SITES && i < p->nsite_ids; i++) {
		char id[24];
		snprintf(id, sizeof id, "%" PRId64, p->site_ids[i]);
		arg(&b, "site", id);
	}
	if (!p->period_only) {
		arg(&b, "operator", p->operator_code);
		arg(&b, "theme", p->theme);
		arg(&b, "channel", p->channel);
		arg(&b, "public", p->public_code);
		arg(&b, "agent", p->agent);
		if (masked < 0 ? p->masked : masked)
			arg(&b, "masked", "1");
	}
	if (extra && *extra) {
		buf_putc(&b, b.len ? '&' : '?');
		buf_puts(&b, extra);
	}
	const char *s = arena_strndup(r->arena, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s ? s : "";
}

const char *report_page_query(req *r, const report_page *p, int masked, const char *extra)
{
	return build_query(r, p, p->from, p->to, masked, extra);
}

void report_page_presets(req *r, const report_page *p)
{
	int32_t today = stats_day_of_time(now_s()), d;
	char t[11], a[32], b[32];
	int y, m, dd;
	stats_day_format(today, t);
	if (sscanf(t, "%4d-%2d-%2d", &y, &m, &dd) != 3)
		return;
	struct {
		const char *label;
		char from[32], to[32];
	} v[4];
	v[0].label = _(r, "Cette année");
	snprintf(v[0].from, sizeof v[0].from, "%04d-01-01", y % 10000);
	memcpy(v[0].to, t, 11);
	v[1].label = _(r, "L'année dernière");
	snprintf(v[1].from, sizeof v[1].from, "%04d-01-01", (y - 1) % 10000);
	snprintf(v[1].to, sizeof v[1].to, "%04d-12-31", (y - 1) % 10000);
	v[2].label = _(r, "Les 12 derniers mois");
	stats_day_format(stats_day_year_before(today) + 1, v[2].from);
	memcpy(v[2].to, t, 11);
	v[3].label = _(r, "Le mois dernier");
	snprintf(a, sizeof a, "%04d-%02d-01", (m == 1 ? y - 1 : y) % 10000, m == 1 ? 12 : m - 1);
	snprintf(b, sizeof b, "%04d-%02d-01", y % 10000, m);
	memcpy(v[3].from, a, 11);
	if (stats_day_parse(b, &d) != 0)
		return;
	stats_day_format(d - 1, v[3].to);

	RAW(r, "<nav class=\"report-presets\" aria-label=\"");
	html_attr(&r->out, _(r, "Périodes usuelles"));
	RAW(r, "\"><ul>\n");
	for (size_t i = 0; i < COUNT(v); i++) {
		RAW(r, "<li><a href=\"");
		html_attr(&r->out, p->path);
		html_attr(&r->out, build_query(r, p, v[i].from, v[i].to, -1, NULL));
		RAW(r, "\"");
		if (str_eq(p->from, v[i].from) && str_eq(p->to, v[i].to))
			RAW(r, " aria-current=\"true\"");
		RAW(r, ">");
		html_txt(&r->out, v[i].label);
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ul></nav>\n");
}

/* ---- The filter form ------------------------------------------------------ */

static ui_option *options(req *r, size_t n, size_t *nout)
{
	ui_option *o = arena_alloc(r->arena, (n + 1) * sizeof *o);
	*nout = 0;
	if (o) {
		o[0].value = "";
		o[0].label = _(r, "Tous");
		*nout = 1;
	}
	return o;
}

static void select_field(req *r, const char *name, const char *label, const char *value, const ui_option *o,
                         size_t n, const report_page *p)
{
	ui_field f = {.name = name, .label = label, .value = value};
	if (o)
		ui_select(r, &f, o, n, &p->fe);
}

void report_page_form(req *r, const report_page *p)
{
	size_t n;
	ui_option *o;

	RAW(r, "<form class=\"report-filters\" method=\"get\" action=\"");
	html_attr(&r->out, p->path);
	RAW(r, "\" aria-labelledby=\"filtres-titre\">\n<h2 id=\"filtres-titre\">");
	html_txt(&r->out, p->period_only ? _(r, "Choisir la période") : _(r, "Période et filtres"));
	RAW(r, "</h2>\n");
	for (size_t i = 0; p->scope == REPORT_SITES && i < p->nsite_ids; i++)
		html_rawf_trusted(&r->out, "<input type=\"hidden\" name=\"site\" value=\"%" PRId64 "\">\n",
		                  p->site_ids[i]);
	RAW(r, "<div class=\"report-period\">\n");
	ui_field from = {.name = "from",
	                 .label = _(r, "Du"),
	                 .hint = _(r, "Date au format AAAA-MM-JJ"),
	                 .value = p->from,
	                 .type = "date"};
	ui_field to = {.name = "to",
	               .label = _(r, "Au"),
	               .hint = _(r, "Date au format AAAA-MM-JJ"),
	               .value = p->to,
	               .type = "date"};
	ui_input(r, &from, &p->fe);
	ui_input(r, &to, &p->fe);
	RAW(r, "</div>\n");
	if (!p->period_only) {
		RAW(r, "<div class=\"report-filter-fields\">\n");
		o = options(r, p->nops, &n);
		for (size_t i = 0; o && i < p->nops; i++)
			o[n++] = (ui_option){p->ops[i].code, p->ops[i].name};
		select_field(r, "operator", _(r, "Opérateur"), p->operator_code, o, n, p);
		o = options(r, p->nthemes, &n);
		for (size_t i = 0; o && i < p->nthemes; i++)
			o[n++] = (ui_option){p->themes[i].code, _(r, p->themes[i].label)};
		select_field(r, "theme", _(r, "Thème"), p->theme, o, n, p);
		o = options(r, ENUM_CHANNEL.n, &n);
		for (size_t i = 0; o && i < ENUM_CHANNEL.n; i++)
			o[n++] = (ui_option){ENUM_CHANNEL.items[i].code, _(r, ENUM_CHANNEL.items[i].label)};
		select_field(r, "channel", _(r, "Canal"), p->channel, o, n, p);
		o = options(r, COUNT(STATS_PUBLICS), &n);
		for (size_t i = 0; o && i < COUNT(STATS_PUBLICS); i++)
			o[n++] =
			    (ui_option){STATS_PUBLICS[i],
			                report_label_default(r->lang, r->arena, BD_PUBLIC, STATS_PUBLICS[i])};
		select_field(r, "public", _(r, "Public particulier"), p->public_code, o, n, p);
		if (p->scope == REPORT_SITE) {
			o = options(r, p->nagents, &n);
			for (size_t i = 0; o && i < p->nagents; i++) {
				const char *id = arena_printf(r->arena, "%" PRId64, p->agents[i].id);
				if (id)
					o[n++] = (ui_option){id, p->agents[i].name};
			}
			select_field(r, "agent", _(r, "Conseiller"), p->agent, o, n, p);
		}
		RAW(r, "</div>\n");
		ui_checkbox(r, "masked", _(r, "Version publication : effectifs inférieurs à 5 masqués"),
		            p->masked);
	}
	ui_submit(r, p->period_only ? _(r, "Appliquer la période") : _(r, "Afficher le rapport"));
	RAW(r, "</form>\n");
}

/* The report of several sites together, for a reader of a few sites (an
 * administrator chooses a département or the nation instead). */
void report_page_sites_form(req *r, const report_page *p, const store_site *sites, size_t n, size_t max)
{
	ui_option *o = arena_alloc(r->arena, (n + 1) * sizeof *o);
	if (!o || n < 2 || n > max)
		return;
	for (size_t i = 0; i < n; i++) {
		o[i].value = arena_printf(r->arena, "%lld", (long long)sites[i].id);
		o[i].label = sites[i].name;
		if (!o[i].value)
			return;
	}
	RAW(r, "<form class=\"report-filters\" method=\"get\" action=\"/reports/sites\" "
	       "aria-labelledby=\"plusieurs\">\n<h2 id=\"plusieurs\">");
	html_txt(&r->out, _(r, "Plusieurs lieux ensemble"));
	RAW(r, "</h2>\n<input type=\"hidden\" name=\"from\" value=\"");
	html_attr(&r->out, p->from);
	RAW(r, "\">\n<input type=\"hidden\" name=\"to\" value=\"");
	html_attr(&r->out, p->to);
	RAW(r, "\">\n");
	ui_checkboxes(r, "site", _(r, "Lieux à réunir dans un rapport"), o, n, NULL, 0, NULL);
	ui_submit(r, _(r, "Ouvrir le rapport"));
	RAW(r, "</form>\n");
}

/* ---- The report ----------------------------------------------------------- */

static void cover_item(req *r, const char *term, const char *value)
{
	RAW(r, "<div><dt>");
	html_txt(&r->out, term);
	RAW(r, "</dt><dd>");
	html_txt(&r->out, value);
	RAW(r, "</dd></div>\n");
}

static void cover(req *r, const report *rep)
{
	char today[11];
	stats_day_format(stats_day_of_time(now_s()), today);
	RAW(r, "<header class=\"report-cover\">\n<p class=\"report-brand\">Guichet</p>\n<dl "
	       "class=\"report-meta\">\n");
	cover_item(r, _(r, "Périmètre"), rep->scope_label);
	cover_item(r, _(r, "Période"), rep->period_label);
	cover_item(r, _(r, "Filtres"),
	           rep->filters_label && *rep->filters_label ? rep->filters_label : _(r, "Aucun"));
	cover_item(r, _(r, "Produit le"), fmt_day(r, today));
	if (rep->masked)
		cover_item(
		    r, _(r, "Version"),
		    _(r, "Publication : les effectifs inférieurs à 5 sont masqués (« <5 » ou « s »)."));
	RAW(r, "</dl>\n</header>\n");
}

static void downloads(req *r, const report_page *p)
{
	RAW(r, "<ul class=\"report-downloads\">\n<li><a href=\"");
	html_attr(&r->out, p->path);
	html_attr(&r->out, report_page_query(r, p, -1, "format=xlsx"));
	RAW(r, "\">");
	html_txt(&r->out, _(r, "Télécharger le rapport (XLSX)"));
	RAW(r, "</a></li>\n");
	if (!p->masked) {
		RAW(r, "<li><a href=\"");
		html_attr(&r->out, p->path);
		html_attr(&r->out, report_page_query(r, p, 1, NULL));
		RAW(r, "\">");
		html_txt(&r->out, _(r, "Version publication (petits effectifs masqués)"));
		RAW(r, "</a></li>\n");
	} else {
		RAW(r, "<li><a href=\"");
		html_attr(&r->out, p->path);
		html_attr(&r->out, report_page_query(r, p, 0, NULL));
		RAW(r, "\">");
		html_txt(&r->out, _(r, "Version complète"));
		RAW(r, "</a></li>\n");
	}
	if (p->scope == REPORT_SITE || p->scope == REPORT_DEPARTEMENT) {
		RAW(r, "<li><a href=\"");
		html_attr(&r->out, p->path);
		html_attr(&r->out, "/summary");
		html_attr(&r->out, report_page_query(r, p, -1, NULL));
		RAW(r, "\">");
		html_txt(&r->out, _(r, "Synthèse pour le comité de pilotage (deux pages)"));
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ul>\n");
}

static void toc(req *r, const report *rep)
{
	RAW(r, "<nav class=\"report-toc\" aria-labelledby=\"sommaire\">\n<h2 id=\"sommaire\">");
	html_txt(&r->out, _(r, "Sommaire"));
	RAW(r, "</h2>\n<ol>\n");
	for (size_t i = 0; i < rep->n; i++) {
		RAW(r, "<li><a href=\"#s-");
		html_attr(&r->out, rep->s[i].id);
		RAW(r, "\">");
		html_txt(&r->out, rep->s[i].title);
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ol>\n</nav>\n");
}

/* A count cell's text: the number for reading, or "<5" / "s". */
static const char *cell_text(req *r, int64_t n, int cell)
{
	char t[24];
	return cell == REPORT_SHOWN ? fmt_count(r, n) : arena_strdup(r->arena, report_cell_text(t, n, cell));
}

/* Growths ("visits_vs_previous") carry their sign; other rates do not. */
static int is_growth(const report_row *row)
{
	return row->code && strstr(row->code, "_vs_") != NULL;
}

/* A duration in whole minutes, "12 min"; "<5" or "s" when hidden. */
static const char *minutes_text(req *r, int64_t n, int cell)
{
	char t[24];
	if (cell != REPORT_SHOWN)
		return arena_strdup(r->arena, report_cell_text(t, n, cell));
	/* TRANSLATORS: the unit of a waiting time, after the number: "12 min". */
	return arena_printf(r->arena, "%s %s", fmt_count(r, n), _(r, "min"));
}

/* A duration in tenths of a day, "2,5 jours" ("2.5 days"); "<5" or "s"
 * when hidden. The unit in full: a screen reader says it as a word. */
static const char *days_text(req *r, int64_t tenths, int cell)
{
	char t[24];
	if (cell != REPORT_SHOWN)
		return arena_strdup(r->arena, report_cell_text(t, tenths, cell));
	/* TRANSLATORS: the unit of a delay in days, after a number with a
	 * decimal: "2,5 jours", "0,5 jours". */
	return arena_printf(r->arena, "%s%s%lld %s", fmt_count(r, tenths / 10), lang_fr(r) ? "," : ".",
	                    (long long)(tenths % 10), _(r, "jours"));
}

static const char *row_value(req *r, const report_row *row)
{
	if (row->kind == REPORT_DAYS)
		return days_text(r, row->n, row->cell);
	if (row->kind == REPORT_MINUTES)
		return minutes_text(r, row->n, row->cell);
	if (row->kind == REPORT_RATE)
		return row->has_share ? fmt_share(r, row->share, is_growth(row)) : _(r, "non calculable");
	return cell_text(r, row->n, row->cell);
}

static void key_figures(req *r, const report_section *s)
{
	RAW(r, "<dl class=\"key-figures\">\n");
	for (size_t i = 0; i < s->n; i++) {
		const report_row *row = &s->rows[i];
		RAW(r, "<div class=\"key-figure\" data-code=\"");
		html_attr(&r->out, row->code);
		RAW(r, "\"><dt>");
		html_txt(&r->out, row->label);
		/* A rate without a denominator is said in words, in small. */
		RAW(r,
		    row->kind == REPORT_RATE && !row->has_share ? "</dt><dd class=\"key-na\">" : "</dt><dd>");
		html_txt(&r->out, row_value(r, row));
		RAW(r, "</dd></div>\n");
	}
	RAW(r, "</dl>\n");
}

static void td(req *r, const char *text)
{
	RAW(r, "<td class=\"num\">");
	html_txt(&r->out, text ? text : "");
	RAW(r, "</td>");
}

/* A row's label, a link to the report of the site or département it
 * names: the reader of a scope may read every part of it. */
static void row_label(req *r, const report_page *p, const report_section *s, const report_row *row)
{
	const char *base = str_eq(s->id, "by_site")          ? "/reports/site/"
	                   : str_eq(s->id, "by_departement") ? "/reports/departement/"
	                                                     : NULL;
	RAW(r, "<th scope=\"row\">");
	if (base && row->code) {
		RAW(r, "<a href=\"");
		html_attr(&r->out, base);
		html_url_arg(&r->out, row->code);
		html_attr(&r->out, report_page_query(r, p, -1, NULL));
		RAW(r, "\">");
		html_txt(&r->out, row->label);
		RAW(r, "</a>");
	} else if (str_eq(s->id, "by_operator") || str_eq(s->id, "by_procedure")) {
		/* The catalog's names are French data. */
		ui_txt_fr(r, row->label);
	} else {
		html_txt(&r->out, row->label);
	}
	RAW(r, "</th>");
}

/* A table longer than this (the communes of a national report: tens of
 * thousands) shows its REPORT_PAGE_ROWS most frequent rows on the page, and
 * says that its CSV file has them all: the page stays light on a weak link.
 * The tables by site and by département are shown whole. */
#define REPORT_PAGE_LONG 120
#define REPORT_PAGE_ROWS 100 /* the sentence under the table says "100" */

static size_t rows_shown(const report_section *s)
{
	if (s->n <= REPORT_PAGE_LONG || str_eq(s->id, "by_site") || str_eq(s->id, "by_departement"))
		return s->n;
	return REPORT_PAGE_ROWS;
}

/* The cells the table by site adds: the solved-on-site rate, escalations,
 * the satisfaction rate, the day of the last visit and, for a site that
 * stopped recording, a sentence rather than a colour alone. */
static void site_detail_cells(req *r, const report_row *row)
{
	char t[24], day[11];
	td(r, row->has_solved_rate ? fmt_share(r, row->solved_rate, 0) : report_site_rate_text(t, row));
	td(r, cell_text(r, row->escalated, row->cell_escalated));
	td(r, row->has_satisfied_rate ? fmt_share(r, row->satisfied_rate, 0) : "");
	if (row->last_day >= 0)
		stats_day_format(row->last_day, day);
	RAW(r, "<td>");
	html_txt(&r->out, row->last_day >= 0 ? fmt_day(r, day) : _(r, "Aucune"));
	RAW(r, "</td><td>");
	if (row->stale) {
		RAW(r, "<strong class=\"report-stale\">");
		html_txt(&r->out, _(r, "Oui : plus aucune visite enregistrée"));
		RAW(r, "</strong>");
	} else {
		html_txt(&r->out, _(r, "Non"));
	}
	RAW(r, "</td>");
}

static void section_table(req *r, const report_page *p, const report *rep, const report_section *s)
{
	int64_t sum2 = 0;
	size_t shown = rows_shown(s);
	/* A table wider than a phone scrolls inside its frame: the frame is a
	 * named region that takes the focus, so that a keyboard can scroll it
	 * too (ui_table_end closes it). */
	RAW(r, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"t-");
	html_attr(&r->out, s->id);
	RAW(r, "\"><table class=\"report-table\"><caption id=\"t-");
	html_attr(&r->out, s->id);
	RAW(r, "\">");
	html_txt(&r->out, s->title);
	RAW(r, "</caption><thead><tr>");
	ui_th(r, _(r, "Libellé"));
	ui_th(r, s->unit ? s->unit : _(r, "Valeur"));
	if (s->unit2)
		ui_th(r, s->unit2);
	ui_th(r, _(r, "Part"));
	for (size_t k = 0; s->site_detail && k < REPORT_SITE_COLUMNS; k++)
		ui_th(r, _(r, report_site_column(k)));
	ui_table_body(r);
	for (size_t i = 0; i < s->n; i++) {
		const report_row *row = &s->rows[i];
		sum2 += row->n2;
		if (i >= shown)
			continue;
		RAW(r, "<tr>");
		row_label(r, p, s, row);
		if (row->kind == REPORT_RATE) {
			td(r, "");
			if (s->unit2)
				td(r, "");
			td(r, row->has_share ? fmt_share(r, row->share, is_growth(row))
			                     : _(r, "non calculable"));
		} else if (row->kind == REPORT_MINUTES) {
			td(r, minutes_text(r, row->n, row->cell));
			if (s->unit2)
				td(r, minutes_text(r, row->n2, row->cell2));
			td(r, "");
		} else if (row->kind == REPORT_DAYS) {
			td(r, days_text(r, row->n, row->cell));
			if (s->unit2)
				td(r, days_text(r, row->n2, row->cell2));
			td(r, "");
		} else {
			td(r, cell_text(r, row->n, row->cell));
			if (s->unit2)
				td(r, cell_text(r, row->n2, row->cell2));
			td(r, row->has_share ? fmt_share(r, row->share, 0) : "");
		}
		if (s->site_detail)
			site_detail_cells(r, row);
		RAW(r, "</tr>\n");
	}
	if (s->additive && s->total > 0) {
		RAW(r, "<tr class=\"report-total\"><th scope=\"row\">");
		html_txt(&r->out, _(r, "Total"));
		RAW(r, "</th>");
		td(r, cell_text(r, s->total, s->total_cell));
		/* The second column's sum, unless masking hides some of its
		 * cells: the sum would give them back. */
		if (s->unit2)
			td(r, rep->masked ? "" : fmt_count(r, sum2));
		td(r, "");
		for (size_t k = 0; s->site_detail && k < REPORT_SITE_COLUMNS; k++)
			td(r, "");
		RAW(r, "</tr>\n");
	}
	ui_table_end(r);
	if (shown < s->n) {
		RAW(r, "<p class=\"report-cut\">");
		ui_txt_count(r,
		             _(r, "Ce tableau montre les 100 lignes les plus fréquentes ; le fichier CSV "
		                  "donne les %d lignes."),
		             (int64_t)s->n);
		RAW(r, "</p>\n");
	}
}

/* A link to a section's CSV file, named by text and the section's title. */
static void csv_link(req *r, const report_page *p, const report_section *s, int semicolon, const char *text)
{
	RAW(r, "<a href=\"");
	html_attr(&r->out, p->path);
	const char *extra = arena_printf(
	    r->arena, semicolon ? "format=csv&table=%s&semicolon=1" : "format=csv&table=%s", s->id);
	html_attr(&r->out, report_page_query(r, p, -1, extra));
	RAW(r, "\">");
	html_txt(&r->out, text);
	RAW(r, "<span class=\"sr-only\"> : ");
	html_txt(&r->out, s->title);
	RAW(r, "</span></a>");
}

static void section(req *r, const report_page *p, const report *rep, const report_section *s, buf *svg)
{
	RAW(r, "<section class=\"report-section\" aria-labelledby=\"s-");
	html_attr(&r->out, s->id);
	RAW(r, "\">\n<h2 id=\"s-");
	html_attr(&r->out, s->id);
	RAW(r, "\">");
	html_txt(&r->out, s->title);
	RAW(r, "</h2>\n");
	if (s->description && *s->description) {
		RAW(r, "<p class=\"report-desc\">");
		html_txt(&r->out, s->description);
		RAW(r, "</p>\n");
	}
	if (str_eq(s->id, "key_figures")) {
		key_figures(r, s);
	} else {
		buf_reset(svg);
		if (s->chart != REPORT_CHART_NONE && s->n > 0) {
			/* The chart adds the section's id to the prefix. */
			report_chart_svg(rep, s, "c", r->lang && r->lang->rtl, svg);
		}
		/* The chart's SVG is built by report_chart.c through svg.h's
		 * escaping writers. */
		if (svg->len && !svg->overflow) {
			/* The frame scrolls on a narrow screen: it takes the focus,
			 * named by the section's title. */
			RAW(r, "<figure class=\"report-chart\" tabindex=\"0\" aria-label=\"");
			html_attr(&r->out, s->title);
			RAW(r, "\">\n");
			buf_append(&r->out, svg->data, svg->len);
			RAW(r, "</figure>\n");
		}
		section_table(r, p, rep, s);
	}
	/* The spreadsheet variant first (";" and a byte-order mark), the one
	 * French spreadsheets open right; the comma file for other tools. */
	RAW(r, "<p class=\"report-csv\">");
	csv_link(r, p, s, 1, _(r, "Télécharger ce tableau (CSV pour tableur)"));
	RAW(r, " · ");
	csv_link(r, p, s, 0, _(r, "CSV séparé par des virgules"));
	RAW(r, "</p>\n</section>\n");
}

void report_page_render(req *r, const report_page *p, const report *rep)
{
	ui_page_begin(r, rep->title);
	cover(r, rep);
	RAW(r, "<div class=\"report-tools\">\n");
	report_page_presets(r, p);
	report_page_form(r, p);
	downloads(r, p);
	RAW(r, "</div>\n");
	toc(r, rep);
	buf svg;
	buf_init(&svg, (size_t)4 * 1024 * 1024);
	for (size_t i = 0; i < rep->n; i++)
		section(r, p, rep, &rep->s[i], &svg);
	buf_free(&svg);
	ui_page_end(r);
}

/* ---- The committee's summary ---------------------------------------------- */

/* The rows of a section a summary shows: the shown counts, largest first,
 * then the masked ones in the report's order (their order by size is not
 * published), at most max, zeros left out. The indexes go into idx. */
static size_t summary_rows(const report_section *s, size_t *idx, size_t max)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < s->n; i++) {
			const report_row *w = &s->rows[i];
			if (w->kind != REPORT_COUNT || (pass == 0) != (w->cell == REPORT_SHOWN))
				continue;
			if (w->cell == REPORT_SHOWN && w->n == 0)
				continue;
			size_t k = n;
			/* Insertion by count among the shown rows. */
			while (pass == 0 && k > 0 && s->rows[idx[k - 1]].n < w->n)
				k--;
			if (k >= max)
				continue;
			memmove(idx + k + 1, idx + k, (n - k) * sizeof *idx);
			idx[k] = i;
			if (n < max)
				n++;
		}
	return n;
}

/* A small table of a section: label, count, share. Its frame scrolls on a
 * narrow screen and takes the focus. */
static void summary_table(req *r, const report *rep, const char *id, const char *caption, size_t max)
{
	const report_section *s = report_section_find(rep, id);
	size_t idx[16];
	size_t n = s ? summary_rows(s, idx, max < COUNT(idx) ? max : COUNT(idx)) : 0;
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Rien n'a été compté sur la période."));
		RAW(r, "</p>\n");
		return;
	}
	RAW(r, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"st-");
	html_attr(&r->out, id);
	RAW(r, "\"><table class=\"report-table summary-table\"><caption id=\"st-");
	html_attr(&r->out, id);
	RAW(r, "\">");
	html_txt(&r->out, caption);
	RAW(r, "</caption><thead><tr>");
	ui_th(r, _(r, "Libellé"));
	ui_th(r, s->unit ? s->unit : _(r, "Valeur"));
	ui_th(r, _(r, "Part"));
	ui_table_body(r);
	for (size_t k = 0; k < n; k++) {
		const report_row *w = &s->rows[idx[k]];
		RAW(r, "<tr><th scope=\"row\">");
		html_txt(&r->out, w->label);
		RAW(r, "</th>");
		td(r, cell_text(r, w->n, w->cell));
		td(r, w->has_share ? fmt_share(r, w->share, 0) : "");
		RAW(r, "</tr>\n");
	}
	RAW(r, "</tbody></table></div>\n");
}

static void summary_heading(req *r, const char *id, const char *title)
{
	RAW(r, str_eq(id, "sm-sites") ? "<section class=\"summary-part summary-wide\" aria-labelledby=\""
	                              : "<section class=\"summary-part\" aria-labelledby=\"");
	html_attr(&r->out, id);
	RAW(r, "\">\n<h2 id=\"");
	html_attr(&r->out, id);
	RAW(r, "\">");
	html_txt(&r->out, title);
	RAW(r, "</h2>\n");
}

/* A key figure with, under it, the rows of its growth. */
static void summary_figure(req *r, const report_section *kf, const char *code, const char *const *growth,
                           size_t ngrowth)
{
	const report_row *w = NULL;
	for (size_t i = 0; i < kf->n; i++)
		if (str_eq(kf->rows[i].code, code))
			w = &kf->rows[i];
	if (!w)
		return;
	RAW(r, "<div class=\"key-figure\" data-code=\"");
	html_attr(&r->out, code);
	RAW(r, "\"><dt>");
	html_txt(&r->out, w->label);
	RAW(r, w->kind == REPORT_RATE && !w->has_share ? "</dt><dd class=\"key-na\">" : "</dt><dd>");
	html_txt(&r->out, row_value(r, w));
	RAW(r, "</dd>");
	for (size_t g = 0; g < ngrowth; g++)
		for (size_t i = 0; i < kf->n; i++) {
			const report_row *x = &kf->rows[i];
			if (!str_eq(x->code, growth[g]))
				continue;
			RAW(r, "<dd class=\"summary-growth\" data-code=\"");
			html_attr(&r->out, x->code);
			RAW(r, "\">");
			html_txt(&r->out, x->label);
			RAW(r, " : ");
			html_txt(&r->out, row_value(r, x));
			RAW(r, "</dd>");
		}
	RAW(r, "</div>\n");
}

/* The sites a summary lists, the most visited first. */
#define SUMMARY_SITES 12

/* The sites of a département: visits, solved-on-site rate, last visit,
 * the ones that stopped recording said in words. */
static void summary_sites(req *r, const report *rep)
{
	const report_section *s = report_section_find(rep, "by_site");
	if (!s || !s->site_detail)
		return;
	summary_heading(r, "sm-sites", _(r, "Les lieux"));
	size_t stale = 0;
	for (size_t i = 0; i < s->n; i++)
		stale += s->rows[i].stale != 0;
	RAW(r, "<p>");
	ui_txt_count(r, _(r, "Lieux sans visite enregistrée depuis 30 jours : %d."), (int64_t)stale);
	for (size_t i = 0, k = 0; i < s->n; i++) {
		if (!s->rows[i].stale)
			continue;
		RAW(r, k++ ? ", " : " ");
		RAW(r, "<strong class=\"report-stale\">");
		html_txt(&r->out, s->rows[i].label);
		RAW(r, "</strong>");
	}
	RAW(r, "</p>\n");
	size_t n = s->n < SUMMARY_SITES ? s->n : SUMMARY_SITES;
	RAW(r, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"st-by_site\">"
	       "<table class=\"report-table summary-table\"><caption id=\"st-by_site\">");
	html_txt(&r->out, s->title);
	RAW(r, "</caption><thead><tr>");
	ui_th(r, _(r, "Lieu"));
	ui_th(r, s->unit);
	ui_th(r, _(r, report_site_column(0)));
	ui_th(r, _(r, report_site_column(3)));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		const report_row *w = &s->rows[i];
		char t[24], day[11];
		RAW(r, "<tr><th scope=\"row\">");
		html_txt(&r->out, w->label);
		RAW(r, "</th>");
		td(r, cell_text(r, w->n, w->cell));
		td(r, w->has_solved_rate ? fmt_share(r, w->solved_rate, 0) : report_site_rate_text(t, w));
		if (w->last_day >= 0)
			stats_day_format(w->last_day, day);
		RAW(r, "<td>");
		html_txt(&r->out, w->last_day >= 0 ? fmt_day(r, day) : _(r, "Aucune"));
		if (w->stale) {
			RAW(r, " <strong class=\"report-stale\">");
			html_txt(&r->out, _(r, "(saisie arrêtée)"));
			RAW(r, "</strong>");
		}
		RAW(r, "</td></tr>\n");
	}
	RAW(r, "</tbody></table></div>\n");
	if (n < s->n) {
		RAW(r, "<p>");
		ui_txt_count(r, _(r, "Les autres lieux sont dans le rapport complet (%d lieux en tout)."),
		             (int64_t)s->n);
		RAW(r, "</p>\n");
	}
	RAW(r, "</section>\n");
}

void report_page_summary(req *r, const report_page *p, const report *rep)
{
	const report_section *kf = report_section_find(rep, "key_figures");
	char today[11];
	stats_day_format(stats_day_of_time(now_s()), today);
	ui_page_begin(r, rep->title);
	RAW(r, "<div class=\"report-summary\">\n<dl class=\"summary-meta\">\n");
	cover_item(r, _(r, "Période"), rep->period_label);
	if (rep->filters_label && *rep->filters_label)
		cover_item(r, _(r, "Filtres"), rep->filters_label);
	cover_item(r, _(r, "Produit le"), fmt_day(r, today));
	if (rep->masked)
		cover_item(
		    r, _(r, "Version"),
		    _(r, "Publication : les effectifs inférieurs à 5 sont masqués (« <5 » ou « s »)."));
	RAW(r, "</dl>\n<ul class=\"report-downloads summary-links\">\n<li><a href=\"");
	html_attr(&r->out, p->path);
	html_attr(&r->out, report_page_query(r, p, -1, NULL));
	RAW(r, "\">");
	html_txt(&r->out, _(r, "Le rapport complet, en annexe"));
	RAW(r, "</a></li>\n<li><a href=\"");
	html_attr(&r->out, p->path);
	html_attr(&r->out, "/summary");
	html_attr(&r->out, report_page_query(r, p, !p->masked, NULL));
	RAW(r, "\">");
	html_txt(&r->out, p->masked ? _(r, "Version complète")
	                            : _(r, "Version publication (petits effectifs masqués)"));
	RAW(r, "</a></li>\n</ul>\n");

	summary_heading(r, "sm-key", _(r, "Chiffres clés"));
	if (kf) {
		static const char *const gv[] = {"visits_vs_previous", "visits_vs_year_before"};
		static const char *const gd[] = {"demands_vs_previous", "demands_vs_year_before"};
		RAW(r, "<dl class=\"key-figures summary-figures\">\n");
		summary_figure(r, kf, "visits", gv, COUNT(gv));
		summary_figure(r, kf, "demands", gd, COUNT(gd));
		summary_figure(r, kf, "solved_on_site_rate", NULL, 0);
		summary_figure(r, kf, "identified_distinct", NULL, 0);
		summary_figure(r, kf, "anonymous_visits", NULL, 0);
		summary_figure(r, kf, "satisfied_rate", NULL, 0);
		RAW(r, "</dl>\n");
	}
	RAW(r, "</section>\n<div class=\"summary-grid\">\n");
	summary_heading(r, "sm-who", _(r, "Qui est venu"));
	if (kf) {
		RAW(r, "<dl class=\"summary-rates\">\n");
		for (size_t i = 0; i < kf->n; i++)
			if (str_eq(kf->rows[i].code, "under_26_rate") ||
			    str_eq(kf->rows[i].code, "over_55_rate"))
				cover_item(r, kf->rows[i].label, row_value(r, &kf->rows[i]));
		RAW(r, "</dl>\n");
	}
	summary_table(r, rep, stats_bd_name(BD_AGE), _(r, "Visites par tranche d'âge"), 5);
	summary_table(r, rep, stats_bd_name(BD_GENDER), _(r, "Visites par genre"), 4);
	RAW(r, "</section>\n");
	summary_heading(r, "sm-why", _(r, "Pourquoi"));
	summary_table(r, rep, stats_bd_name(BD_THEME), _(r, "Demandes par thème"), 6);
	RAW(r, "</section>\n");
	summary_heading(r, "sm-operators", _(r, "Pour quels opérateurs"));
	summary_table(r, rep, stats_bd_name(BD_OPERATOR), _(r, "Demandes par opérateur"), 6);
	RAW(r, "</section>\n");
	summary_heading(r, "sm-outcome", _(r, "Résolu sur place"));
	summary_table(r, rep, stats_bd_name(BD_OUTCOME), _(r, "Issue des demandes"), 6);
	RAW(r, "</section>\n");
	summary_heading(r, "sm-satisfaction", _(r, "Satisfaction"));
	if (report_section_find(rep, "satisfaction"))
		summary_table(r, rep, "satisfaction", _(r, "Satisfaction des usagers"), 3);
	else {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Aucune réponse au questionnaire de satisfaction sur la période."));
		RAW(r, "</p>\n");
	}
	RAW(r, "</section>\n");
	summary_heading(r, "sm-publics", _(r, "Publics particuliers"));
	summary_table(r, rep, stats_bd_name(BD_PUBLIC), _(r, "Publics particuliers"), 5);
	RAW(r, "</section>\n");
	/* The welcome: once the site's queue has issued tickets in the period
	 * (report_queue.c), its key figures, masked as the rest. */
	const report_section *queue = report_section_find(rep, "queue");
	if (queue && queue->n) {
		summary_heading(r, "sm-queue", _(r, "Accueil et attente"));
		RAW(r, "<dl class=\"summary-rates\">\n");
		for (size_t i = 0; i < queue->n; i++)
			cover_item(r, queue->rows[i].label, row_value(r, &queue->rows[i]));
		RAW(r, "</dl>\n</section>\n");
	}
	summary_sites(r, rep);
	RAW(r, "</div>\n<p class=\"summary-annex\">");
	html_txt(&r->out, _(r, "Annexe : le rapport complet, avec chaque tableau, ses graphiques et ses "
	                       "fichiers, à l'adresse"));
	RAW(r, " <a href=\"");
	html_attr(&r->out, p->path);
	html_attr(&r->out, report_page_query(r, p, -1, NULL));
	RAW(r, "\">");
	html_txt(&r->out, p->path);
	RAW(r, "</a>.</p>\n</div>\n");
	ui_page_end(r);
}
