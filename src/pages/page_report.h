/*
 * page_report.h: what the two files of the report pages share:
 * page_reports.c reads the request, checks who may see what and builds the
 * report; page_report_view.c writes it as HTML (and the choice page's
 * form pieces). Private to those two files.
 */
#ifndef GUICHET_PAGE_REPORT_H
#define GUICHET_PAGE_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "report/report.h"
#include "stats/stats.h"
#include "store/store.h"

/* One report request: its scope, its form as typed, and the catalog the
 * form offers. */
typedef struct report_page {
	enum report_scope scope;
	const char *path;  /* "/reports/site/12": the form's action and the base of every link */
	const char *fname; /* "site-12": the file names of the downloads */
	const char *code;  /* the département or région */
	/* The form as typed (trimmed, "" when absent). */
	const char *from, *to, *operator_code, *theme, *channel, *public_code, *agent;
	int masked;
	int period_only; /* the choice page: its form sets the period alone */
	int summary;     /* the committee's summary (…/summary): path is the full report's */
	/* The sites of the scope (name order) and, for /reports/sites, the
	 * ids asked in the query (kept in every link). */
	store_site *sites;
	size_t nsites;
	int64_t *site_ids;
	size_t nsite_ids;
	stats_query q;
	field_errors fe;
	/* What the filters offer. */
	store_operator *ops;
	size_t nops;
	store_theme *themes;
	size_t nthemes;
	store_procedure *procs;
	size_t nprocs;
	store_user *agents; /* site reports: the site's accounts */
	size_t nagents;
} report_page;

/* "?from=…&to=…&…" for the page's own filters, then extra ("format=xlsx")
 * when not NULL; masked: -1 keeps the page's, 0 or 1 forces it. From the
 * arena; the caller escapes it as an attribute. */
const char *report_page_query(req *r, const report_page *p, int masked, const char *extra);
/* The period as words: "du 1 janvier 2025 au 31 décembre 2025". */
const char *report_page_period(req *r, const char *from, const char *to);
/* The links that set a usual period (this year, last year, the last 12
 * months, last month) on the page, keeping its other filters. */
void report_page_presets(req *r, const report_page *p);
/* The filter form (GET), with its errors. */
void report_page_form(req *r, const report_page *p);
/* The choice of several sites (checkboxes, GET /reports/sites) with the
 * period of p; nothing for fewer than 2 sites or more than max. */
void report_page_sites_form(req *r, const report_page *p, const store_site *sites, size_t n, size_t max);
/* The whole page of a built report. */
void report_page_render(req *r, const report_page *p, const report *rep);
/* The summary of a built report for a steering committee: the key figures
 * with their growth, who came, why, for which operators, what was solved
 * on site, satisfaction, particular publics (and the sites of a
 * département), printable on two A4 pages, the full report as its annex. */
void report_page_summary(req *r, const report_page *p, const report *rep);

#endif
