/*
 * page_reports.c: the steering reports. GET /reports offers the reports
 * the user may open and a period; GET /reports/site/{id}, /reports/sites,
 * /reports/departement/{code}, /reports/region/{code} and
 * /reports/national read the period and filters, check who may see the
 * scope, ask the server's statistics engine (app_stats.h), build the
 * report (report.h) and answer it as a page (page_report_view.c), as an
 * XLSX workbook (?format=xlsx), one table as CSV (?format=csv&table=ID), or
 * the indicators as JSON (?format=json, the JSON of `guichet stats`).
 * /reports/site/{id}/summary and /reports/departement/{code}/summary build
 * the same report and answer the committee's two-page summary of it.
 *
 * Who sees what: an adviser or a manager their own sites (any other site
 * answers 404, exactly like a missing one); a coordinator the sites of
 * their département and the département itself; an administrator
 * everything, regions and the nation included. Operators have no reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/app_stats.h"
#include "report/report_escalations.h"
#include "report/report_followup.h"
#include "report/report_queue.h"
#include "report/smallcount.h"
#include "store/store_stats.h"
#include "vocab/enums.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/pages.h"
#include "pages/page_report.h"
#include "web/ui.h"

#define REPORT_MAX_SITES 200 /* sites of one /reports/sites question */
#define REPORT_MAX_DEPTS 128 /* départements of the national table */
#define REPORT_FILE_BYTES ((size_t)32 * 1024 * 1024)

/* ---- Who may open what ---------------------------------------------------- */

static enum auth_role role_of(const req *r)
{
	return r->session ? r->session->role : ROLE_NONE;
}

static void forbidden(req *r)
{
	ui_error_page(r, 403, N_("Vous n'avez pas accès à ce rapport."));
}

/* Login first, then a role that has reports at all. */
static int may_have_reports(req *r)
{
	if (!page_require_login(r))
		return 0;
	enum auth_role role = role_of(r);
	if (role != ROLE_AGENT && role != ROLE_MANAGER && role != ROLE_COORDINATOR && role != ROLE_ADMIN) {
		forbidden(r);
		return 0;
	}
	return 1;
}

/* A département or région code as the geography writes them: "35", "2A",
 * "971", "53". Anything else cannot name one. */
static int area_code_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == 'A' || s[i] == 'B'))
			return 0;
	return 1;
}

/* ---- The request's parameters --------------------------------------------- */

static const char *query_value(req *r, const char *name)
{
	const char *v = http_query(r, name);
	char *copy = v ? arena_strdup(r->arena, v) : NULL;
	return copy ? str_trim(copy) : "";
}

/* Today, and the first day of its year, as YYYY-MM-DD. */
static void default_period(char from[11], char to[11])
{
	stats_day_format(stats_day_of_time(now_s()), to);
	memcpy(from, to, 5);
	memcpy(from + 4, "-01-01", 7);
}

static const char *operator_name(const report_page *p, const char *code)
{
	for (size_t i = 0; i < p->nops; i++)
		if (str_eq(p->ops[i].code, code))
			return p->ops[i].name;
	return NULL;
}

static const char *theme_name(req *r, const report_page *p, const char *code)
{
	for (size_t i = 0; i < p->nthemes; i++)
		if (str_eq(p->themes[i].code, code))
			return _(r, p->themes[i].label);
	return NULL;
}

static const char *agent_name(const report_page *p, int64_t id)
{
	for (size_t i = 0; i < p->nagents; i++)
		if (p->agents[i].id == id)
			return p->agents[i].name;
	return NULL;
}

/* Loads what the filters offer: operators, themes, procedures, and the
 * accounts of a site. -1 when the store fails. */
static int load_catalog(req *r, report_page *p)
{
	store *s = r->app->store;
	if (store_operator_list(s, r->arena, 0, &p->ops, &p->nops) != STORE_OK ||
	    store_theme_list(s, r->arena, &p->themes, &p->nthemes) != STORE_OK ||
	    store_procedure_list(s, r->arena, 0, &p->procs, &p->nprocs) != STORE_OK)
		return -1;
	if (p->scope == REPORT_SITE &&
	    store_user_list(s, r->arena, p->sites[0].id, &p->agents, &p->nagents) != STORE_OK)
		return -1;
	return 0;
}

/* Reads the period and the filters into p->q; the errors into p->fe. */
static void read_params(req *r, report_page *p)
{
	char from[11], to[11];
	default_period(from, to);
	p->from = query_value(r, "from");
	p->to = query_value(r, "to");
	if (!*p->from)
		p->from = arena_strdup(r->arena, from);
	if (!*p->to)
		p->to = arena_strdup(r->arena, to);
	if (!p->from || !p->to)
		p->from = p->to = "";
	int ok_from = stats_day_parse(p->from, &p->q.from_day) == 0;
	int ok_to = stats_day_parse(p->to, &p->q.to_day) == 0;
	if (!ok_from)
		field_error_add(
		    &p->fe, "from",
		    N_("Indiquez la date de début sous la forme AAAA-MM-JJ, par exemple 2025-01-01."));
	if (!ok_to)
		field_error_add(
		    &p->fe, "to",
		    N_("Indiquez la date de fin sous la forme AAAA-MM-JJ, par exemple 2025-12-31."));
	if (ok_from && ok_to && p->q.from_day > p->q.to_day)
		field_error_add(&p->fe, "from", N_("La date de début doit précéder la date de fin."));

	p->operator_code = query_value(r, "operator");
	if (*p->operator_code && !operator_name(p, p->operator_code))
		field_error_add(&p->fe, "operator", N_("Choisissez un opérateur de la liste."));
	p->theme = query_value(r, "theme");
	if (*p->theme && !theme_name(r, p, p->theme))
		field_error_add(&p->fe, "theme", N_("Choisissez un thème de la liste."));
	p->channel = query_value(r, "channel");
	if (*p->channel && !enum_valid(&ENUM_CHANNEL, p->channel))
		field_error_add(&p->fe, "channel", N_("Choisissez un canal de la liste."));
	p->public_code = query_value(r, "public");
	if (*p->public_code && !stats_public_valid(p->public_code))
		field_error_add(&p->fe, "public", N_("Choisissez un public de la liste."));
	p->agent = query_value(r, "agent");
	if (*p->agent) {
		if (p->scope != REPORT_SITE)
			field_error_add(
			    &p->fe, NULL,
			    N_("Le filtre par conseiller n'existe que dans le rapport d'un lieu."));
		else if (parse_int64(p->agent, 1, INT64_MAX, &p->q.agent_id) != 0 ||
		         !agent_name(p, p->q.agent_id))
			field_error_add(&p->fe, "agent", N_("Choisissez un conseiller de la liste."));
	}
	p->masked = str_eq(query_value(r, "masked"), "1");

	p->q.operator_code = *p->operator_code ? p->operator_code : NULL;
	p->q.theme_code = *p->theme ? p->theme : NULL;
	p->q.channel = *p->channel ? p->channel : NULL;
	p->q.public_code = *p->public_code ? p->public_code : NULL;
	switch (p->scope) {
	case REPORT_SITE:
	case REPORT_SITES:
		p->q.site_ids = p->site_ids;
		p->q.nsites = p->nsite_ids;
		break;
	case REPORT_DEPARTEMENT:
		p->q.departement = p->code;
		break;
	case REPORT_REGION:
		p->q.region = p->code;
		break;
	case REPORT_NATION:
		break;
	}
}

/* "Opérateur : CAF ; Canal : téléphone", "" without filters. */
static const char *filters_label(req *r, const report_page *p)
{
	static const char *const terms[] = {N_("Opérateur"), N_("Thème"), N_("Canal"), N_("Public"),
	                                    N_("Conseiller")};
	const char *values[] = {
	    *p->operator_code ? operator_name(p, p->operator_code) : NULL,
	    *p->theme ? theme_name(r, p, p->theme) : NULL,
	    *p->channel ? _(r, enum_label(&ENUM_CHANNEL, p->channel)) : NULL,
	    *p->public_code ? report_label_default(r->lang, r->arena, BD_PUBLIC, p->public_code) : NULL,
	    p->q.agent_id ? agent_name(p, p->q.agent_id) : NULL,
	};
	const char *s = report_filters_label(r->lang, r->arena, terms, values, COUNT(terms));
	return s ? s : "";
}

/* ---- Building the report ------------------------------------------------- */

struct label_ctx {
	req *r;
	const report_page *p;
};

/* Names of the catalog's codes, communes and languages; NULL leaves the
 * code to report_label_default. */
static const char *label_of(void *ctx, enum stats_bd bd, const char *code)
{
	struct label_ctx *c = ctx;
	const report_page *p = c->p;
	int64_t id;

	switch (bd) {
	case BD_OPERATOR:
		return operator_name(p, code);
	case BD_THEME:
		return theme_name(c->r, p, code);
	case BD_PROCEDURE:
		if (parse_int64(code, 1, INT64_MAX, &id) == 0)
			for (size_t i = 0; i < p->nprocs; i++)
				if (p->procs[i].id == id)
					return p->procs[i].label;
		return NULL;
	case BD_COMMUNE:
		return str_eq(code, STATS_NOT_GIVEN) ? NULL : page_commune_label(c->r, code);
	case BD_LANGUAGE:
	case BD_INTERPRETING_LANG:
		return str_eq(code, STATS_NOT_GIVEN) ? NULL : page_language_label(c->r, code);
	default:
		return NULL;
	}
}

/* Where the table by site or by département goes: after the time series
 * (or the key figures), before the breakdowns. */
static size_t area_position(const report *rep)
{
	size_t pos = 0;
	for (size_t i = 0; i < rep->n; i++)
		if (str_eq(rep->s[i].id, "key_figures") || str_eq(rep->s[i].id, "series"))
			pos = i + 1;
	return pos;
}

typedef struct area_row {
	const char *code, *label;
	int64_t visits, demands;
	/* By site only: */
	int64_t solved, escalated, answers, satisfied;
	int32_t last_day;
} area_row;

/* The local day of the last visit of a site, whatever the period and the
 * filters, up to today; -1 when it has none. Found by halving the days
 * back from today, each step one count of the engine. */
static int32_t last_visit_day(stats_engine *e, int64_t id, int32_t today)
{
	stats_query one = {.site_ids = &id, .nsites = 1};
	int32_t lo = 0, hi = today;
	int64_t v, d;
	int32_t period[1][2] = {{lo, today}};
	if (today < 0 || stats_engine_counts(e, &one, 1, (const int32_t(*)[2])period, &v, &d) != 0 || v == 0)
		return -1;
	/* Invariant: some visit lies in [lo, today]; none after hi. */
	while (lo < hi) {
		int32_t mid = lo + (hi - lo + 1) / 2;
		period[0][0] = mid;
		if (stats_engine_counts(e, &one, 1, (const int32_t(*)[2])period, &v, &d) != 0)
			return -1;
		if (v > 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* What the table by site adds for one site: its solved and escalated
 * demands and its satisfaction answers under the report's period and
 * filters, and the day of its last visit. -1 on error. */
static int site_detail(stats_engine *e, const stats_query *one, area_row *row, int32_t today)
{
	stats_result *res = stats_engine_query(e, one);
	if (!res)
		return -1;
	row->solved = res->solved;
	row->escalated = 0;
	const stats_breakdown *b = &res->bd[BD_OUTCOME];
	for (size_t i = 0; i < b->n; i++)
		if (str_eq(b->v[i].code, "escalade"))
			row->escalated = b->v[i].n;
	row->answers = res->satisfaction[0] + res->satisfaction[1] + res->satisfaction[2];
	row->satisfied = res->satisfaction[2];
	stats_result_free(res);
	row->last_day = last_visit_day(e, one->site_ids[0], today);
	return 0;
}

static int area_cmp(const void *a, const void *b)
{
	const area_row *x = a, *y = b;
	if (x->visits != y->visits)
		return x->visits > y->visits ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* A section of visits (n) and demands (n2) per part of the scope, each part
 * asked of the engine with the report's period and filters. */
static int add_area_section(req *r, report *rep, stats_engine *e, const stats_query *q, int by_site,
                            area_row *rows, size_t n)
{
	int32_t today = stats_day_of_time(now_s());
	for (size_t i = 0; i < n; i++) {
		stats_query one = *q;
		int64_t id = 0;
		one.site_ids = NULL;
		one.nsites = 0;
		one.departement = NULL;
		one.region = NULL;
		if (by_site) {
			if (parse_int64(rows[i].code, 1, INT64_MAX, &id) != 0)
				return -1;
			one.site_ids = &id;
			one.nsites = 1;
		} else {
			one.departement = rows[i].code;
		}
		int32_t period[1][2] = {{q->from_day, q->to_day}};
		if (stats_engine_counts(e, &one, 1, (const int32_t(*)[2])period, &rows[i].visits,
		                        &rows[i].demands) != 0)
			return -1;
		if (by_site && site_detail(e, &one, &rows[i], today) != 0)
			return -1;
	}
	qsort(rows, n, sizeof *rows, area_cmp);
	report_section *s =
	    by_site
	        ? report_add_section(rep, area_position(rep), "by_site", _(r, "Activité par lieu"),
	                             _(r, "Visites et demandes de chaque lieu du périmètre sur la période."),
	                             _(r, "Visites"), REPORT_CHART_BARS, n)
	        : report_add_section(
	              rep, area_position(rep), "by_departement", _(r, "Activité par département"),
	              _(r, "Visites et demandes des lieux de chaque département sur la période."),
	              _(r, "Visites"), REPORT_CHART_BARS, n);
	if (!s)
		return -1;
	s->unit2 = _(r, "Demandes");
	s->additive = 1;
	s->site_detail = by_site;
	s->total = rep->res->visits;
	for (size_t i = 0; i < n && i < s->n; i++) {
		report_row *row = &s->rows[i];
		row->code = rows[i].code;
		row->label = rows[i].label;
		row->kind = REPORT_COUNT;
		row->n = rows[i].visits;
		row->n2 = rows[i].demands;
		row->has_share = s->total > 0;
		row->share = s->total > 0 ? (double)row->n / (double)s->total : 0;
		if (!by_site)
			continue;
		row->solved = rows[i].solved;
		row->escalated = rows[i].escalated;
		row->has_solved_rate = row->n2 > 0;
		row->solved_rate = row->n2 > 0 ? (double)row->solved / (double)row->n2 : 0;
		row->answers = rows[i].answers;
		row->satisfied = rows[i].satisfied;
		/* A share of a few answers tells what each person answered. */
		row->has_satisfied_rate = row->answers >= SMALLCOUNT_MIN;
		row->satisfied_rate = row->answers > 0 ? (double)row->satisfied / (double)row->answers : 0;
		row->last_day = rows[i].last_day;
		row->stale = rows[i].last_day < 0 || today - rows[i].last_day >= REPORT_STALE_DAYS;
	}
	return 0;
}

static int add_by_site(req *r, report *rep, stats_engine *e, const report_page *p)
{
	area_row *rows = arena_alloc(r->arena, (p->nsites + 1) * sizeof *rows);
	if (!rows)
		return -1;
	for (size_t i = 0; i < p->nsites; i++) {
		rows[i].code = arena_printf(r->arena, "%lld", (long long)p->sites[i].id);
		rows[i].label = p->sites[i].name;
		if (!rows[i].code)
			return -1;
	}
	return add_area_section(r, rep, e, &p->q, 1, rows, p->nsites);
}

/* "Ille-et-Vilaine (35)", or "Département 35" without the geography. */
static const char *departement_label(req *r, const char *code)
{
	char *name = NULL;
	const char *s;
	if (store_departement_name(r->app->store, r->arena, code, &name) == STORE_OK && name && *name)
		s = arena_printf(r->arena, "%s (%s)", name, code);
	else
		s = arena_printf(r->arena, "%s %s", _(r, "Département"), code);
	return s ? s : code;
}

static int add_by_departement(req *r, report *rep, stats_engine *e, const report_page *p)
{
	area_row *rows = arena_alloc(r->arena, REPORT_MAX_DEPTS * sizeof *rows);
	size_t n = 0;
	if (!rows)
		return -1;
	for (size_t i = 0; i < p->nsites; i++) {
		const char *d = p->sites[i].departement;
		size_t k = 0;
		if (!d || !*d)
			continue;
		while (k < n && !str_eq(rows[k].code, d))
			k++;
		if (k < n || n == REPORT_MAX_DEPTS)
			continue;
		rows[n].code = d;
		rows[n].label = departement_label(r, d);
		n++;
	}
	return add_area_section(r, rep, e, &p->q, 0, rows, n);
}

/* ---- Answering ------------------------------------------------------------ */

static void answer_file(req *r, const report_page *p, const char *type, const char *what, const char *ext)
{
	http_content_type(r, type);
	/* Every piece was checked: digits, dashes, ASCII codes. */
	const char *d = arena_printf(r->arena, "attachment; filename=\"guichet-%s%s%s-%s-%s%s.%s\"", p->fname,
	                             what ? "-" : "", what ? what : "", p->from, p->to,
	                             p->masked ? "-publication" : "", ext);
	http_set_header(r, "Content-Disposition", d ? d : "attachment");
}

/* The form again with what to fix: 400. */
static int answer_invalid(req *r, const report_page *p, const char *title)
{
	http_status(r, 400);
	ui_page_begin(r, title);
	ui_error_summary(r, &p->fe);
	report_page_form(r, p);
	ui_page_end(r);
	return 0;
}

/* Reads the form, builds the report and answers it in the asked format. */
static int answer(req *r, report_page *p, const char *scope_label)
{
	const char *what =
	    p->summary ? _(r, "Synthèse pour le comité de pilotage") : _(r, "Rapport d'activité");
	const char *title = arena_printf(r->arena, "%s — %s", what, scope_label);
	if (!title)
		title = what;
	if (load_catalog(r, p) != 0) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	read_params(r, p);
	const char *format = query_value(r, "format");
	const char *table = query_value(r, "table");
	if (*format && !str_eq(format, "html") && !str_eq(format, "xlsx") && !str_eq(format, "csv") &&
	    !str_eq(format, "json"))
		field_error_add(&p->fe, NULL,
		                N_("Le format demandé n'existe pas : choisissez xlsx, csv ou json."));
	else if (p->summary && *format && !str_eq(format, "html"))
		field_error_add(
		    &p->fe, NULL,
		    N_("La synthèse n'existe qu'en page : les fichiers sont ceux du rapport complet."));
	else if (str_eq(format, "json") && p->masked)
		field_error_add(&p->fe, NULL,
		                N_("La version à diffuser existe en xlsx et en csv ; le json donne les "
		                   "chiffres exacts."));
	if (p->fe.n)
		return answer_invalid(r, p, title);

	stats_engine *e = app_stats_engine(r->app);
	if (!e) {
		http_set_header(r, "Retry-After", "2");
		ui_error_page(r, 503, N_("Les statistiques se chargent, réessayez dans un instant."));
		return 0;
	}
	stats_result *res = stats_engine_query(e, &p->q);
	if (!res) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	if (str_eq(format, "json")) {
		/* The indicators as `guichet stats` writes them (docs/stats.md),
		 * for tools that read figures rather than a report. */
		if (stats_result_json(res, &r->out) != 0)
			ui_error_page(r, 500, NULL);
		else
			http_content_type(r, "application/json");
		stats_result_free(res);
		return 0;
	}
	struct label_ctx lc = {r, p};
	report *rep = report_build(r->arena, r->lang, res, label_of, &lc);
	int rc = rep ? 0 : -1;
	if (rep) {
		rep->scope = p->scope;
		rep->title = title;
		rep->scope_label = scope_label;
		rep->period_label = report_page_period(r, p->from, p->to);
		rep->filters_label = filters_label(r, p);
		/* One table as CSV needs only its own section: the time series
		 * and the table by area cost more questions to the engine. */
		int one = str_eq(format, "csv");
		if (!one || str_eq(table, "series"))
			rc = report_add_series(rep, e, &p->q);
		if (rc == 0 && (!one || str_eq(table, "key_figures")))
			rc = report_mark_growth(rep, e, &p->q);
		if (rc == 0 && (!one || str_eq(table, "by_site")) &&
		    (p->scope == REPORT_DEPARTEMENT || p->scope == REPORT_REGION || p->scope == REPORT_SITES))
			rc = add_by_site(r, rep, e, p);
		if (rc == 0 && (!one || str_eq(table, "by_departement")) && p->scope == REPORT_NATION)
			rc = add_by_departement(r, rep, e, p);
		/* The queue's measures: tickets know only a site and a time, so
		 * any other filter leaves them out. */
		if (rc == 0 && (!one || strncmp(table, "queue", 5) == 0) && !*rep->filters_label)
			rc = report_queue_add_from_store(rep, r->app->store, &p->q, label_of, &lc);
		/* The escalations' measures (report_escalations.c): an escalation
		 * knows its site and operator, so only the operator filter
		 * applies; any other leaves them out. */
		if (rc == 0 && (!one || strncmp(table, "esc", 3) == 0) &&
		    !(p->q.theme_code && *p->q.theme_code) && !(p->q.channel && *p->q.channel) &&
		    !(p->q.public_code && *p->q.public_code) && !p->q.agent_id)
			rc = report_escalations_add_from_store(rep, r->app->store, &p->q, now_s());
		/* Appointments and callbacks (report_followup.c): the same rule. */
		if (rc == 0 && (!one || str_eq(table, "appointments") || str_eq(table, "callbacks")) &&
		    !(p->q.theme_code && *p->q.theme_code) && !(p->q.channel && *p->q.channel) &&
		    !(p->q.public_code && *p->q.public_code) && !p->q.agent_id)
			rc = report_followup_add_from_store(rep, r->app->store, &p->q, now_s());
		if (rc == 0 && p->masked)
			report_mask(rep);
	}
	if (rc != 0) {
		ui_error_page(r, 500, N_("Le rapport n'a pas pu être produit. Réessayez dans un instant."));
	} else if (str_eq(format, "xlsx")) {
		char err[256] = "";
		if (report_xlsx(rep, &r->out, err, sizeof err) != 0) {
			fprintf(stderr, "level=error msg=\"report workbook failed\" err=\"%s\"\n", err);
			ui_error_page(r, 500, NULL);
		} else {
			answer_file(r, p, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			            NULL, "xlsx");
		}
	} else if (str_eq(format, "csv")) {
		const report_section *s = report_section_find(rep, table);
		int semicolon = str_eq(query_value(r, "semicolon"), "1");
		if (!s) {
			page_not_found(r);
		} else if (report_csv(rep, s, semicolon, &r->out) != 0) {
			ui_error_page(r, 500, NULL);
		} else {
			answer_file(r, p, "text/csv; charset=utf-8", s->id, "csv");
		}
	} else if (p->summary) {
		report_page_summary(r, p, rep);
	} else {
		report_page_render(r, p, rep);
	}
	stats_result_free(res);
	return 0;
}

static int report_site(req *r, int summary)
{
	if (!may_have_reports(r))
		return 0;
	int64_t id;
	store_site *site = arena_alloc(r->arena, sizeof *site);
	if (!site || page_path_id(r, &id) != 0)
		return page_not_found(r);
	/* Another site answers exactly like a missing one. */
	if (page_visible_site(r, id, site) != 0)
		return 0;
	report_page p = {.scope = REPORT_SITE,
	                 .sites = site,
	                 .nsites = 1,
	                 .site_ids = &site->id,
	                 .nsite_ids = 1,
	                 .summary = summary};
	p.path = arena_printf(r->arena, "/reports/site/%lld", (long long)id);
	p.fname = arena_printf(r->arena, "site-%lld", (long long)id);
	if (!p.path || !p.fname)
		return page_not_found(r);
	return answer(r, &p, site->name);
}

int page_report_site(req *r)
{
	return report_site(r, 0);
}

int page_report_site_summary(req *r)
{
	return report_site(r, 1);
}

int page_report_sites(req *r)
{
	if (!may_have_reports(r))
		return 0;
	report_page p = {.scope = REPORT_SITES, .path = "/reports/sites", .fname = "sites"};
	size_t n = 0;
	for (size_t i = 0; i < r->query.n; i++)
		n += str_eq(r->query.v[i].name, "site");
	if (n == 0 || n > REPORT_MAX_SITES) {
		ui_error_page(r, 400,
		              n ? N_("Choisissez au plus 200 lieux.") : N_("Choisissez au moins un lieu."));
		return 0;
	}
	p.sites = arena_alloc(r->arena, n * sizeof *p.sites);
	p.site_ids = arena_alloc(r->arena, n * sizeof *p.site_ids);
	if (!p.sites || !p.site_ids)
		return page_not_found(r);
	for (size_t i = 0; i < r->query.n; i++) {
		int64_t id;
		if (!str_eq(r->query.v[i].name, "site"))
			continue;
		if (parse_int64(r->query.v[i].value, 1, INT64_MAX, &id) != 0)
			return page_not_found(r);
		int seen = 0;
		for (size_t k = 0; k < p.nsites; k++)
			seen |= p.site_ids[k] == id;
		if (seen)
			continue;
		if (page_visible_site(r, id, &p.sites[p.nsites]) != 0)
			return 0;
		p.site_ids[p.nsites++] = id;
	}
	p.nsite_ids = p.nsites;
	const char *label =
	    p.nsites == 1 ? p.sites[0].name : page_count_text(r, _(r, "%d lieux"), (int64_t)p.nsites);
	return answer(r, &p, label);
}

static int report_departement(req *r, int summary)
{
	if (!may_have_reports(r))
		return 0;
	const char *code = http_param(r, 0);
	if (!area_code_valid(code))
		return page_not_found(r);
	enum auth_role role = role_of(r);
	const char *own = r->session->user.departement;
	if (role != ROLE_ADMIN && !(role == ROLE_COORDINATOR && own && str_eq(own, code))) {
		forbidden(r);
		return 0;
	}
	report_page p = {.scope = REPORT_DEPARTEMENT, .code = code, .summary = summary};
	if (store_site_list(r->app->store, r->arena, code, &p.sites, &p.nsites) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	/* An administrator naming a département without any site reads a 404:
	 * there is nothing to report, and a typo should say so. */
	if (p.nsites == 0 && role == ROLE_ADMIN)
		return page_not_found(r);
	p.path = arena_printf(r->arena, "/reports/departement/%s", code);
	p.fname = arena_printf(r->arena, "departement-%s", code);
	if (!p.path || !p.fname)
		return page_not_found(r);
	return answer(r, &p, departement_label(r, code));
}

int page_report_departement(req *r)
{
	return report_departement(r, 0);
}

int page_report_departement_summary(req *r)
{
	return report_departement(r, 1);
}

struct region_sites {
	const char *code;
	int64_t *ids;
	size_t n, cap;
};

static int region_site(void *ctx, const stats_site_row *row)
{
	struct region_sites *rs = ctx;
	if (!row->region || !str_eq(row->region, rs->code) || rs->n == rs->cap)
		return 0;
	rs->ids[rs->n++] = row->id;
	return 0;
}

int page_report_region(req *r)
{
	if (!may_have_reports(r))
		return 0;
	if (role_of(r) != ROLE_ADMIN) {
		forbidden(r);
		return 0;
	}
	const char *code = http_param(r, 0);
	if (!area_code_valid(code))
		return page_not_found(r);
	report_page p = {.scope = REPORT_REGION, .code = code};
	store_site *all;
	size_t nall;
	if (store_site_list(r->app->store, r->arena, NULL, &all, &nall) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	struct region_sites rs = {.code = code, .cap = nall};
	rs.ids = arena_alloc(r->arena, (nall + 1) * sizeof *rs.ids);
	p.sites = arena_alloc(r->arena, (nall + 1) * sizeof *p.sites);
	if (!rs.ids || !p.sites || store_stats_sites(r->app->store, region_site, &rs) != 0) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	for (size_t i = 0; i < nall; i++)
		for (size_t k = 0; k < rs.n; k++)
			if (all[i].id == rs.ids[k])
				p.sites[p.nsites++] = all[i];
	/* Without the geography no site has a région: the page says it is
	 * missing rather than showing an empty report. */
	if (p.nsites == 0)
		return page_not_found(r);
	p.path = arena_printf(r->arena, "/reports/region/%s", code);
	p.fname = arena_printf(r->arena, "region-%s", code);
	const char *label = arena_printf(r->arena, "%s %s", _(r, "Région"), code);
	if (!p.path || !p.fname || !label)
		return page_not_found(r);
	return answer(r, &p, label);
}

int page_report_national(req *r)
{
	if (!may_have_reports(r))
		return 0;
	if (role_of(r) != ROLE_ADMIN) {
		forbidden(r);
		return 0;
	}
	report_page p = {.scope = REPORT_NATION, .path = "/reports/national", .fname = "national"};
	if (store_site_list(r->app->store, r->arena, NULL, &p.sites, &p.nsites) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	return answer(r, &p, _(r, "Ensemble du réseau"));
}

/* ---- The choice of a report ----------------------------------------------- */

typedef struct choice {
	const char *href, *label;
} choice;

static void add_choice(choice *v, size_t *n, size_t cap, const char *href, const char *label)
{
	if (*n < cap && href && label) {
		v[*n].href = href;
		v[*n].label = label;
		(*n)++;
	}
}

/* The reports the user may open, in the order they read them. */
static size_t list_choices(req *r, choice **out, store_site **out_sites, size_t *out_nsites)
{
	store *s = r->app->store;
	const struct session *se = r->session;
	store_site *sites = NULL;
	size_t nsites = 0, n = 0, cap;

	if (se->role == ROLE_ADMIN || se->role == ROLE_COORDINATOR) {
		const char *d = se->role == ROLE_COORDINATOR ? se->user.departement : NULL;
		/* A coordinator without a département sees no site. */
		if ((se->role == ROLE_COORDINATOR && (!d || !*d)) ||
		    store_site_list(s, r->arena, d, &sites, &nsites) != STORE_OK)
			nsites = 0;
	} else {
		sites = arena_alloc(r->arena, (se->user.nsites + 1) * sizeof *sites);
		for (size_t i = 0; sites && i < se->user.nsites; i++)
			if (store_site_get(s, r->arena, se->user.site_ids[i], &sites[nsites]) == STORE_OK)
				nsites++;
	}
	cap = nsites * 2 + 4;
	choice *v = arena_alloc(r->arena, cap * sizeof *v);
	if (!v) {
		*out = NULL;
		return 0;
	}
	if (se->role == ROLE_ADMIN) {
		add_choice(v, &n, cap, "/reports/national", _(r, "Tableau de bord national"));
		for (size_t i = 0; i < nsites; i++) {
			const char *d = sites[i].departement;
			int seen = 0;
			if (!d || !*d)
				continue;
			for (size_t k = 0; k < i; k++)
				seen |= str_eq(sites[k].departement, d);
			if (!seen)
				add_choice(v, &n, cap, arena_printf(r->arena, "/reports/departement/%s", d),
				           departement_label(r, d));
		}
	} else if (se->role == ROLE_COORDINATOR && se->user.departement && *se->user.departement) {
		const char *d = se->user.departement;
		add_choice(v, &n, cap, arena_printf(r->arena, "/reports/departement/%s", d),
		           departement_label(r, d));
	}
	for (size_t i = 0; i < nsites; i++)
		add_choice(v, &n, cap, arena_printf(r->arena, "/reports/site/%lld", (long long)sites[i].id),
		           sites[i].name);
	*out = v;
	*out_sites = sites;
	*out_nsites = nsites;
	return n;
}

struct regions {
	const char *v[64];
	size_t n;
	arena *a;
};

static int collect_region(void *ctx, const stats_site_row *row)
{
	struct regions *g = ctx;
	if (!row->region || !*row->region || g->n == COUNT(g->v))
		return 0;
	for (size_t i = 0; i < g->n; i++)
		if (str_eq(g->v[i], row->region))
			return 0;
	g->v[g->n] = arena_strdup(g->a, row->region);
	if (g->v[g->n])
		g->n++;
	return 0;
}

int page_reports_index(req *r)
{
	if (!may_have_reports(r))
		return 0;
	choice *v;
	store_site *sites = NULL;
	size_t nsites = 0;
	size_t n = list_choices(r, &v, &sites, &nsites);
	struct regions g = {.a = r->arena};
	if (role_of(r) == ROLE_ADMIN)
		store_stats_sites(r->app->store, collect_region, &g);

	/* The period chosen here goes along every link. */
	report_page p = {.scope = REPORT_NATION, .path = "/reports", .period_only = 1};
	read_params(r, &p);
	if (p.fe.n)
		http_status(r, 400);
	ui_page_begin(r, _(r, "Rapports"));
	ui_error_summary(r, &p.fe);
	if (n == 0 && g.n == 0) {
		ui_notice(
		    r, "info",
		    _(r, "Aucun rapport n'est ouvert à votre compte : il n'est rattaché à aucun lieu."));
		ui_page_end(r);
		return 0;
	}
	const char *q = report_page_query(r, &p, 0, NULL);
	html_raw_trusted(&r->out, "<h2 id=\"choix\">");
	html_txt(&r->out, _(r, "Vos rapports"));
	html_raw_trusted(&r->out, "</h2>\n<ul class=\"report-choices\">\n");
	for (size_t i = 0; i < n; i++) {
		html_raw_trusted(&r->out, "<li><a href=\"");
		html_attr(&r->out, v[i].href);
		html_attr(&r->out, q);
		html_raw_trusted(&r->out, "\">");
		html_txt(&r->out, v[i].label);
		html_raw_trusted(&r->out, "</a></li>\n");
	}
	for (size_t i = 0; i < g.n; i++) {
		html_raw_trusted(&r->out, "<li><a href=\"/reports/region/");
		html_url_arg(&r->out, g.v[i]);
		html_attr(&r->out, q);
		html_raw_trusted(&r->out, "\">");
		html_txt(&r->out, _(r, "Région"));
		html_raw_trusted(&r->out, " ");
		html_txt(&r->out, g.v[i]);
		html_raw_trusted(&r->out, "</a></li>\n");
	}
	html_raw_trusted(&r->out, "</ul>\n<h2 id=\"periode\">");
	html_txt(&r->out, _(r, "Période"));
	html_raw_trusted(&r->out, "</h2>\n<p>");
	html_txt(&r->out, _(r, "Les liens ci-dessus ouvrent le rapport de la période"));
	html_raw_trusted(&r->out, " ");
	html_txt(&r->out, report_page_period(r, p.from, p.to));
	html_raw_trusted(&r->out, ".</p>\n");
	report_page_presets(r, &p);
	report_page_form(r, &p);
	if (role_of(r) != ROLE_ADMIN)
		report_page_sites_form(r, &p, sites, nsites, REPORT_MAX_SITES);
	ui_page_end(r);
	return 0;
}
