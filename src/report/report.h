/*
 * report.h: a steering report as data. A stats_result becomes a list of
 * sections (key figures, then one per breakdown, then time series and the
 * table by site or département), each a titled table of rows with a count
 * and a share, labelled in the reader's language. Every output of a report
 * reads this one structure: the HTML page and its SVG charts
 * (page_reports.c, report_chart.c), a CSV per section (report_csv) and the
 * XLSX workbook (report_xlsx.c). So a chart never shows a figure its table
 * does not, and the workbook's numbers are the page's numbers.
 *
 * A report may be masked for publication (report_mask): every count below
 * 5 becomes "<5" and further cells are hidden where the section's total
 * would let a reader recover one by subtraction (smallcount.h).
 */
#ifndef GUICHET_REPORT_H
#define GUICHET_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "stats/stats.h"
#include "util/util.h"

struct lang;

/* How a section is drawn; REPORT_CHART_NONE: its table only. */
enum report_chart {
	REPORT_CHART_NONE,
	REPORT_CHART_BARS,    /* horizontal bars, one per row, sorted as the rows */
	REPORT_CHART_COLUMNS, /* vertical bars in the rows' order (hours, weekdays) */
	REPORT_CHART_LINE,    /* a series over time: rows are periods in order */
	REPORT_CHART_STACKED, /* one bar of 100 % split into the rows' shares */
};

/* What a row's value is. */
enum report_value {
	REPORT_COUNT,   /* n is a count; share its part of the section's total */
	REPORT_RATE,    /* share only (0–1, or a growth that may be negative);
	                   has_share 0 when the rate is undefined */
	REPORT_MINUTES, /* n (and n2 where the section has one) are durations in whole
	                   minutes, computed from base tickets; no share */
	REPORT_DAYS,    /* n (and n2 where the section has one) are durations in tenths
	                   of a day (25: 2.5 days), computed from base escalations; no
	                   share (report_escalations.c) */
};

/* Whether a cell is shown (smallcount.h gives the same three values). */
enum report_cell { REPORT_SHOWN = 0, REPORT_SMALL = 1 /* "<5" */, REPORT_SECRET = 2 /* "s" */ };

typedef struct report_row {
	const char *code;  /* the code in the JSON ("cnaf", "tres_bien"); a key for key figures */
	const char *label; /* translated, never NULL */
	enum report_value kind;
	int64_t n;
	int64_t n2;      /* a second count where the section has one (demands beside visits in series
	                    and by-site tables), 0 otherwise */
	double share;    /* REPORT_COUNT: n / section total; REPORT_RATE: the rate */
	int has_share;   /* 0 when there is no share (total 0, rate undefined) */
	int cell, cell2; /* enum report_cell of n and of n2 (all REPORT_SHOWN unless masked) */
	int partial;     /* a point of a time series that covers only part of its day, week,
	                    month, quarter or year (cut by the period, or not over yet) */
	/* The table by site (a section with site_detail) also gives, per site: */
	int64_t solved, escalated; /* demands solved on site, demands escalated (outcome "escalade") */
	int cell_solved, cell_escalated;
	double solved_rate;         /* solved / n2 (the demands) */
	int has_solved_rate;        /* 0 when no demand, or when masking hides solved or n2 */
	int64_t answers, satisfied; /* satisfaction answers, and those "très bien" (never shown) */
	double satisfied_rate;      /* satisfied / answers */
	int has_satisfied_rate;     /* 0 with fewer than 5 answers (and, masked, when either part is
	                               below 5: 0 % or 100 % would give one back) */
	int32_t last_day;           /* the local day of the site's last visit, whatever the period and
	                               filters; -1 when it has none */
	int stale;                  /* no visit in the last REPORT_STALE_DAYS days */
	int64_t base; /* REPORT_MINUTES, REPORT_DAYS, and a rate that sets it: how many tickets
	                 or escalations the value is computed from; report_mask hides it below 5 */
} report_row;

/* A site with no visit recorded in this many days, up to today, has
 * stopped recording: the table by site says so in words. */
#define REPORT_STALE_DAYS 30

typedef struct report_section {
	const char *id;    /* ASCII, stable: "key_figures", "by_operator", "series", "by_site"…; the CSV's
	                      name and the XLSX sheet (≤ 31 characters) */
	const char *title; /* translated */
	const char *description; /* translated: what is counted and how; the chart's description too */
	const char *unit;        /* translated heading of n: "Demandes", "Visites", "Valeur" */
	const char *unit2;       /* translated heading of n2, NULL when the section has no n2 */
	enum report_chart chart;
	int64_t total;   /* the denominator of shares; 0 when none */
	int additive;    /* the rows' n sum to total (exclusive codes): masking must protect it */
	int multi;       /* multi-valued (a visit in several rows): shares do not sum to 1 */
	int total_cell;  /* enum report_cell of total */
	int site_detail; /* by_site: the rows' solved, escalated, satisfaction and last record are set */
	report_row *rows;
	size_t n;
} report_section;

/* The scope as the reader reads it. */
enum report_scope { REPORT_SITE, REPORT_SITES, REPORT_DEPARTEMENT, REPORT_REGION, REPORT_NATION };

typedef struct report {
	const struct lang *lang;
	const stats_result *res; /* not owned */
	enum report_scope scope;
	const char *title;         /* translated: "Rapport d'activité — France Services de Redon" */
	const char *scope_label;   /* translated: "France Services de Redon", "Ille-et-Vilaine (35)" */
	const char *period_label;  /* translated: "du 1er janvier 2025 au 31 décembre 2025" */
	const char *filters_label; /* translated: "Opérateur : CAF ; Canal : téléphone", "" when none */
	int masked;
	report_section *s;
	size_t n, cap;
	arena *a; /* everything above lives here */
} report;

/* Labels of codes: the page gives catalog names (operators, themes,
 * procedures), commune names and language names; NULL from the callback
 * falls back to report_label_default. */
typedef const char *(*report_label_fn)(void *ctx, enum stats_bd bd, const char *code);

/* The label of a code without the store: vocabularies of enums.h and
 * STATS_PUBLICS, weekdays, hours ("09 h"), duration ranges, autonomy
 * levels and "non_renseigne", translated into l; the code itself for a
 * code of the catalog. bd BD_COUNT for codes outside the breakdowns: the
 * age cuts' yes / no / unknown, autonomy_progression's codes and the
 * satisfaction answers. Lives in the arena when it has to be built. */
const char *report_label_default(const struct lang *l, arena *a, enum stats_bd bd, const char *code);

/* Builds the sections of res in a's memory, in this order:
 *  key_figures (REPORT_RATE rows and counts: visits, demands, solved_on_site,
 *    solved_on_site_rate, identified_distinct, anonymous_visits, growth rates
 *    vs the previous period and the year before, over_55_rate, under_26_rate,
 *    workshops, participants, satisfied_rate),
 *  then the breakdowns in the order of enum stats_bd (every code of a
 *  closed vocabulary listed even at 0, sorted as the vocabulary; open ones —
 *  operator, theme, procedure, commune, languages — by count descending,
 *  then label; "non_renseigne" last, holding what an additive section's
 *  rows lack of its total), the age cuts (over_55, under_26:
 *  yes/no/unknown), autonomy_progression (people: progresse / stable /
 *  recule), and satisfaction (counts per answer) once the result holds
 *  answers (with satisfied_rate among the key figures).
 * Titles, descriptions and units are French msgids translated into l.
 * label may be NULL. The report's title and labels are set by the caller
 * (fields of report). NULL when memory runs out. */
report *report_build(arena *a, const struct lang *l, const stats_result *res, report_label_fn label,
                     void *label_ctx);

/* Adds a section at the end (or at position pos when pos < r->n) with
 * room for nrows rows, zeroed (labels ""); the caller fills them. The
 * strings are copied into the report's arena. The section pointer holds
 * until the next report_add_section, which may move the sections. NULL on
 * no memory. */
report_section *report_add_section(report *r, size_t pos, const char *id, const char *title,
                                   const char *description, const char *unit, enum report_chart chart,
                                   size_t nrows);
/* Sets the shares of a section's count rows from its total (has_share 0
 * when the total is 0), once the caller has filled the rows. */
void report_section_set_shares(report_section *s);
/* A REPORT_RATE row of part out of base (undefined when base is 0); base
 * is kept so that report_mask hides a rate computed from fewer than 5. */
report_row report_rate_row(const char *code, const char *label, int64_t part, int64_t base);
/* The section named id, or NULL. */
report_section *report_section_find(const report *r, const char *id);

/* A time series for the section "series": the visits (n) and demands (n2)
 * of each month of the query's period (each week when the period is 62
 * days or less, each day when 14 or less), asked of the engine; rows'
 * labels are "janv. 2025", "semaine du 3 mars", "lun. 3 mars". Added after
 * key_figures. Every day of the period is in one point, so that the
 * series adds up to the key figures: over 36 months it is counted by
 * quarter ("T1 2025"), over 36 quarters by year. A point the period cuts,
 * or that is not over yet, is marked partial and its label says so. -1 on
 * error. */
int report_add_series(report *r, stats_engine *e, const stats_query *q);

/* Marks the growth rates of key_figures whose comparison period is
 * partial: the scope (filters set aside) holds no visit before that
 * period starts, so recording began during it, or later, and the rate
 * measures the start of recording rather than growth. Such a row is
 * partial and its label says so. -1 on no memory. */
int report_mark_growth(report *r, stats_engine *e, const stats_query *q);

/* Masks the whole report for publication: smallcount_mask on every
 * section (additive sections protect their total, and the sum of their n2
 * column; rates are dropped where they would reveal a masked count:
 * has_share 0, and so are the shares of masked cells and of a hidden
 * total). A count shown in two places is masked alike: solved_on_site as
 * by_outcome's "resolu", by_referral's total as "oriente". Durations
 * (REPORT_MINUTES) stay, but those computed from fewer than 5 tickets are
 * hidden ("s"), and so are rates whose base is set and below 5. Sets
 * r->masked. */
void report_mask(report *r);

/* The filters of a report as the cover states them, "Opérateur : CAF ;
 * Canal : téléphone": term i (a French msgid) with values[i], for the
 * values that are set (not NULL nor ""); "" without any. In a's memory;
 * NULL on no memory. */
const char *report_filters_label(const struct lang *l, arena *a, const char *const *terms,
                                 const char *const *values, size_t n);

/* A cell as text: the count ("1234", no separator, for files), "<5" or "s". */
const char *report_cell_text(char out[24], int64_t n, int cell);

/* The columns the table by site adds after its share (site_detail), as
 * French msgids: the solved-on-site rate, escalations, the satisfaction
 * rate, the day of the last visit, and whether the site stopped
 * recording (REPORT_STALE_DAYS; the msgid says 30). */
#define REPORT_SITE_COLUMNS 5
const char *report_site_column(size_t k);
/* What stands for a site's solved-on-site rate when it is not shown: the
 * masked text of its count of solved demands ("<5", "s"), "s" when the
 * demands beside it are hidden, "" when there are no demands. */
const char *report_site_rate_text(char out[24], const report_row *row);

/* One section as CSV (RFC 4180, CRLF, UTF-8 without BOM unless semicolon
 * is set, for spreadsheets in French locale, then with BOM and ';'):
 * "code,label,<unit>[,<unit2>],share" headings translated, shares as
 * decimals with a point (0.1234) or a comma when semicolon; masked cells
 * as report_cell_text. */
int report_csv(const report *r, const report_section *s, int semicolon, buf *out);

/* The whole report as an XLSX workbook in out (report_xlsx.c): a first
 * sheet "Rapport" with the title, scope, period, filters, the date of
 * production and the list of sheets; then one sheet per section (sheet
 * named by id), with the scope, period and filters in its first rows, then
 * a table with typed numeric cells (counts as integers, shares as numbers
 * with a percent format; masked cells as the strings "<5" / "s"). -1 with
 * a message in err on failure. */
int report_xlsx(const report *r, buf *out, char *err, size_t errlen);

/* The SVG chart of a section (report_chart.c), written into out: a
 * complete <svg role="img" aria-labelledby=…> with <title> and <desc>
 * (the section's title and description plus a sentence naming the biggest
 * row), sized by viewBox so that it scales, colours with 3:1 contrast,
 * values written beside the bars, and direction-aware for rtl. id_prefix
 * makes the ids unique on the page. Nothing for REPORT_CHART_NONE or a
 * section without rows. Masked cells are drawn as empty with "<5"/"s". */
void report_chart_svg(const report *r, const report_section *s, const char *id_prefix, int rtl, buf *out);

#endif
