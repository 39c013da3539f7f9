/*
 * page_journal.c: reading the record: one visit's page, the day journal of
 * a site (the visits of a day with their totals), and the search through
 * visits by period, site, operator, theme, outcome, channel and agent.
 *
 * Who reads what: agents and managers their own sites, coordinators the
 * sites of their département (read only), administrators every site. A
 * visit the user may not read answers 404, like a missing one. Reading an
 * identified visitor is journaled; lists show no names.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "store/store_escalations.h"
#include "vocab/enums.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/fragment.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"
#include "domain/visit.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* Rows of one page of search results (keyset pagination). */
#define SEARCH_PAGE_ROWS 50
/* A day journal reads the day in pages of LIMIT_PAGE_ROWS, at most this
 * many (a site sees about 11 visits a day; a bus or a big site a hundred). */
#define JOURNAL_MAX_PAGES 10

/* Labels of a list of codes, "a, b"; languages when d is NULL. */
static const char *enum_list_text(req *r, const enum_def *d, const char *codes)
{
	const char **v;
	size_t n = page_split_codes(r, codes, &v);
	buf b;
	buf_init(&b, LIMIT_TEXT_BYTES);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&b, ", ");
		buf_puts(&b, d ? _(r, enum_label(d, v[i])) : page_language_label(r, v[i]));
	}
	const char *out = arena_strdup(r->arena, b.data ? b.data : "");
	buf_free(&b);
	return out ? out : "";
}

/* The theme's label as kept in the catalog (a French msgid); the code
 * when the theme is unknown. */
static const char *theme_label(req *r, const char *code)
{
	store_theme *t = NULL;
	size_t n = 0;
	if (store_theme_list(r->app->store, r->arena, &t, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			if (str_eq(t[i].code, code))
				return t[i].label;
	return code;
}

/* A term and a value already written by the caller: dt_open writes the
 * term and opens the <dd>. */
static void dt_open(req *r, const char *term)
{
	RAW(r, "<dt>");
	html_txt(&r->out, term);
	RAW(r, "</dt><dd>");
}

/* A term and a label of a vocabulary (or a theme's): the translation, or
 * the French label marked as French, or the raw code when unknown. */
static void dl_msg(req *r, const char *term, const char *msgid)
{
	if (!msgid || !*msgid) {
		ui_dl_item(r, term, "");
		return;
	}
	dt_open(r, term);
	ui_txt_msg(r, msgid);
	RAW(r, "</dd>\n");
}

/* A translated sentence holding one "%s", with s in its place (the
 * translation is never a printf format). */
static void txt_with(req *r, const char *translated, const char *s)
{
	const char *at = strstr(translated, "%s");
	if (!at) {
		html_txt(&r->out, translated);
		return;
	}
	html_txt_n(&r->out, translated, (size_t)(at - translated));
	html_txt(&r->out, s);
	html_txt(&r->out, at + 2);
}

static const char *const month_names[12] = {
    N_("janvier"), N_("février"), N_("mars"),      N_("avril"),   N_("mai"),      N_("juin"),
    N_("juillet"), N_("août"),    N_("septembre"), N_("octobre"), N_("novembre"), N_("décembre"),
};

/* "3 décembre 2026" in the page's language. */
static const char *long_date(req *r, int64_t t)
{
	char ymd[11];
	int y, m, d;
	time_local_date(t, ymd);
	if (sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
		return arena_strdup(r->arena, ymd);
	const char *s = arena_printf(r->arena, "%d %s %d", d, _(r, month_names[m - 1]), y);
	return s ? s : "";
}

/* How the interpreting was done, as it reads after "Interprétariat :";
 * the vocabulary's own label for a code not listed here. */
static const enum_item interpreting_how[] = {
    {"telephone", N_("par téléphone")},
    {"collegue", N_("par un ou une collègue")},
    {"proche", N_("par un proche de la personne")},
    {"application", N_("par une application de traduction")},
};

/* "Interprétariat : par téléphone, en arabe". */
static void interpreting_item(req *r, const char *how, const char *language)
{
	const char *label = enum_label(&ENUM_INTERPRETING, how);
	for (size_t i = 0; i < COUNT(interpreting_how); i++)
		if (str_eq(interpreting_how[i].code, how))
			label = interpreting_how[i].label;
	dt_open(r, _(r, "Interprétariat"));
	ui_txt_msg(r, label);
	if (language && *language) {
		RAW(r, ", ");
		/* TRANSLATORS: the language of the interpreting, "en arabe". */
		txt_with(r, _(r, "en %s"), page_language_label(r, language));
	}
	RAW(r, "</dd>\n");
}

/* The escalation's own life in words ("Envoyée — En retard"), from its
 * record (page_escalations.c); NULL while the demand has none. */
static const char *escalation_status(req *r, const store_demand *d)
{
	return page_escalation_status(r, d);
}

/* The day the operator is expected to answer, once the escalation is sent
 * and until it is answered; 0 otherwise. */
static int64_t escalation_due(req *r, const store_demand *d)
{
	store_escalation x;
	if (!d->escalation_id ||
	    store_escalation_get(r->app->store, r->arena, d->escalation_id, &x) != STORE_OK ||
	    x.demand_id != d->id || x.site_id != d->site_id || x.answered_at > 0 || x.closed_at > 0)
		return 0;
	return x.due_at;
}

static void escalation_items(req *r, const store_demand *d, int64_t visit_at)
{
	dt_open(r, _(r, "Escalade"));
	/* TRANSLATORS: "Escaladée le 3 décembre 2026": the demand was passed
	   to the operator's back office on that day. */
	txt_with(r, _(r, "Escaladée le %s"), long_date(r, visit_at));
	RAW(r, "</dd>\n");
	RAW(r, "<dt>");
	html_txt(&r->out, _(r, "Suivi de l'escalade"));
	RAW(r, "</dt><dd class=\"escalation-status\">");
	const char *status = escalation_status(r, d);
	if (status)
		html_txt(&r->out, status);
	else if (d->escalation_id)
		html_txt(&r->out, page_count_text(r, _(r, "Escalade n° %d"), d->escalation_id));
	else
		html_txt(&r->out, _(r, "Pas encore de suivi enregistré"));
	RAW(r, "</dd>\n");
	int64_t due = escalation_due(r, d);
	if (due > 0) {
		dt_open(r, _(r, "Réponse attendue"));
		/* TRANSLATORS: the operator is expected to answer by that day. */
		txt_with(r, _(r, "au plus tard le %s"), long_date(r, due));
		RAW(r, "</dd>\n");
	}
}

/* 1 when a demand is about a change of address: its procedure (the
 * catalog's "Changement d'adresse", or a text typed by the adviser) speaks
 * of a change of address or of moving house. */
static int demand_changes_address(req *r, const store_demand *d)
{
	store_procedure proc;
	const char *what = d->procedure_id && store_procedure_get_kept(r->app->store, r->arena,
	                                                               d->procedure_id, &proc) == STORE_OK
	                       ? proc.label
	                       : d->procedure_text;
	if (!what)
		return 0;
	return (strcasestr(what, "changement") && strcasestr(what, "adresse")) ||
	       strcasestr(what, "déménag") || strcasestr(what, "DÉMÉNAG") || strcasestr(what, "demenag");
}

static int visit_changes_address(req *r, const store_visit *v)
{
	for (size_t i = 0; i < v->ndemands; i++)
		if (demand_changes_address(r, &v->demands[i]))
			return 1;
	return 0;
}

static void show_demand(req *r, const store_demand *d, size_t i, int64_t visit_at)
{
	store_operator op;
	store_procedure proc;
	RAW(r, "<h2>");
	html_txt(&r->out, page_count_text(r, _(r, "Demande %d"), (int64_t)i + 1));
	RAW(r, "</h2>\n<dl class=\"details\">\n");
	ui_dl_item_fr(r, _(r, "Organisme concerné"),
	              store_operator_get_kept(r->app->store, r->arena, d->operator_code, &op) == STORE_OK
	                  ? op.name
	                  : d->operator_code);
	ui_dl_item_fr(r, _(r, "Démarche"),
	              d->procedure_id && store_procedure_get_kept(r->app->store, r->arena, d->procedure_id,
	                                                          &proc) == STORE_OK
	                  ? proc.label
	                  : d->procedure_text);
	dl_msg(r, _(r, "Thème"), theme_label(r, d->theme_code));
	dl_msg(r, _(r, "Niveau d'intervention"), enum_label(&ENUM_LEVEL, d->level));
	if (*d->mandate_type)
		ui_dl_item(r, _(r, "Mandat"),
		           arena_printf(r->arena, "%s %s", _(r, enum_label(&ENUM_MANDATE, d->mandate_type)),
		                        d->mandate_ref));
	dl_msg(r, _(r, "Résultat"), enum_label(&ENUM_OUTCOME, d->outcome));
	if (str_eq(d->outcome, "escalade") || d->escalation_id)
		escalation_items(r, d, visit_at);
	if (*d->referral_type)
		dl_msg(r, _(r, "Orientée vers"), enum_label(&ENUM_REFERRAL, d->referral_type));
	if (d->autonomy)
		dl_msg(r, _(r, "Autonomie numérique"),
		       enum_label(&ENUM_AUTONOMY, page_int_text(r, d->autonomy)));
	if (*d->equipment)
		ui_dl_item(r, _(r, "Matériel utilisé"), enum_list_text(r, &ENUM_EQUIPMENT, d->equipment));
	if (*d->interpreting && !str_eq(d->interpreting, "aucun"))
		interpreting_item(r, d->interpreting, d->interpreting_lang);
	if (d->duration_min)
		ui_dl_item(r, _(r, "Durée"), page_count_text(r, _(r, "%d min"), d->duration_min));
	if (*d->note)
		ui_dl_item(r, _(r, "Note"), d->note);
	RAW(r, "</dl>\n");
	page_escalation_on_demand(r, d);
	page_appointment_on_demand(r, d);
}

/* "Vitré (35500)": the commune with its postcode, as people write it (the
 * INSEE code is no postcode); a commune of several postcodes shows the
 * first ones. The INSEE code alone when the geography does not know it. */
static const char *commune_text(req *r, const char *code)
{
	store_commune c;
	if (!code || !*code)
		return "";
	if (store_commune_get(r->app->store, r->arena, code, &c) != STORE_OK)
		return code;
	const char *pc = c.postcodes ? c.postcodes : "";
	/* At most three postcodes, "35000, 35200, 35700". */
	buf b;
	buf_init(&b, 64);
	size_t shown = 0;
	for (const char *p = pc; *p && shown < 3;) {
		size_t len = strcspn(p, " ");
		if (len) {
			if (shown++)
				buf_puts(&b, ", ");
			buf_append(&b, p, len);
		}
		p += len;
		p += strspn(p, " ");
	}
	const char *s = shown ? arena_printf(r->arena, "%s (%s)", c.name, b.data ? b.data : "") : c.name;
	buf_free(&b);
	return s ? s : code;
}

static const char *yes_no(req *r, int v)
{
	return v ? _(r, "oui") : _(r, "non");
}

int page_visit_show(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_visit v;
	store_site site;
	if (page_load_visit(r, &v, &site) != 0)
		return 0;
	const store_visitor *p = &v.visitor;
	if (p->identified && !store_visitor_erased(p))
		auth_audit(r, "read", "visitor", v.visitor_id, v.site_id, NULL);
	char date[11], hm[6];
	time_local_date(v.started_at, date);
	time_local_hm(v.started_at, hm);
	ui_page_begin(r, page_count_text(r, _(r, "Visite n° %d"), v.id));
	if (http_query(r, "updated"))
		ui_notice(r, "success", _(r, "Modifications enregistrées."));
	if (http_query(r, "erased"))
		ui_notice(r, "success",
		          _(r, "L'identité de la personne a été effacée ; ses visites restent, anonymes."));
	RAW(r, "<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Lieu"), site.name);
	ui_dl_item(r, _(r, "Date et heure"), arena_printf(r->arena, "%s %s", date, hm));
	dl_msg(r, _(r, "Canal"), enum_label(&ENUM_CHANNEL, v.channel));
	if (*v.place)
		ui_dl_item(r, _(r, "Lieu de la permanence ou du domicile"), v.place);
	ui_dl_item(r, _(r, "Durée de la visite"), page_count_text(r, _(r, "%d min"), v.duration_min));
	ui_dl_item(r, _(r, "Conseiller ou conseillère"), v.agent_name);
	RAW(r, "</dl>\n<h2>");
	html_txt(&r->out, _(r, "La personne"));
	RAW(r, "</h2>\n<dl class=\"details\">\n");
	dl_msg(r, _(r, "Tranche d'âge"), enum_label(&ENUM_AGE, p->age_bracket));
	if (p->birth_year)
		ui_dl_item(r, _(r, "Année de naissance"), page_int_text(r, p->birth_year));
	dl_msg(r, _(r, "Genre"), enum_label(&ENUM_GENDER, p->gender));
	dl_msg(r, _(r, "Situation"), enum_label(&ENUM_STATUS, p->social_status));
	ui_dl_item_fr(r, _(r, "Commune de résidence"), commune_text(r, p->commune_insee));
	if (p->allophone)
		ui_dl_item(r, _(r, "Ne parle pas français"), yes_no(r, 1));
	if (p->allophone || *p->languages)
		ui_dl_item(r, _(r, "Langues parlées"), enum_list_text(r, NULL, p->languages));
	/* The person's telephone: "no telephone" is not "no smartphone". */
	if (p->phone_kind && *p->phone_kind)
		dl_msg(r, _(r, "Type de téléphone"), enum_label(&ENUM_PHONE, p->phone_kind));
	else if (p->no_phone)
		ui_dl_item(r, _(r, "Pas de téléphone"), yes_no(r, 1));
	ui_dl_item(r, _(r, "Pas d'adresse e-mail"), yes_no(r, p->no_email));
	ui_dl_item(r, _(r, "Pas d'ordinateur ni de tablette"), yes_no(r, p->no_device));
	ui_dl_item(r, _(r, "Pas d'accès à internet"), yes_no(r, p->no_internet));
	if (p->illiteracy)
		ui_dl_item(r, _(r, "En situation d'illettrisme"), yes_no(r, 1));
	if (*p->disabilities)
		ui_dl_item(r, _(r, "Handicap"), enum_list_text(r, &ENUM_DISABILITY, p->disabilities));
	if (p->very_precarious)
		ui_dl_item(r, _(r, "Grande précarité (sans domicile, hébergement d'urgence)"), yes_no(r, 1));
	if (p->identified && store_visitor_erased(p)) {
		/* Her identity was erased (her right, or its retention period):
		 * the visit stays as an anonymous fact. */
		ui_dl_item(r, _(r, "Identité"), _(r, "effacée"));
	} else if (p->identified) {
		ui_dl_item(r, _(r, "Raison du suivi"), _(r, enum_label(&ENUM_CONSENT, p->consent_reason)));
		ui_dl_item(r, _(r, "Nom et prénom"), p->full_name);
		ui_dl_item(r, _(r, "Téléphone"), p->phone);
		ui_dl_item(r, _(r, "Adresse e-mail"), p->email);
	}
	RAW(r, "</dl>\n");
	for (size_t i = 0; i < v.ndemands; i++)
		show_demand(r, &v.demands[i], i, v.started_at);
	page_privacy_links(r, &v);
	/* The take-home summary for the person (page_takehome.c). */
	RAW(r, "<p><a href=\"/visits/");
	html_int(&r->out, v.id);
	RAW(r, "/summary\">");
	html_txt(&r->out, _(r, "Résumé à remettre à la personne"));
	RAW(r, "</a></p>\n");
	/* "Who to tell" about a new address (page_address_checklist.c), for a
	 * visit about an address change. */
	if (visit_changes_address(r, &v)) {
		RAW(r, "<p><a href=\"/visits/");
		html_int(&r->out, v.id);
		RAW(r, "/address-checklist\">");
		html_txt(&r->out, _(r, "Nouvelle adresse : la liste des organismes à prévenir"));
		RAW(r, "</a></p>\n");
	}
	int window = page_correction_state(r, v.site_id, v.created_at);
	if (window == 1)
		page_record_actions(r, "visits", v.id, _(r, "Corriger la visite"),
		                    _(r, "Supprimer la visite"));
	else if (window == 0)
		ui_notice(r, "info",
		          _(r, "Le délai de correction de ce lieu est dépassé : cette visite ne peut "
		               "plus être modifiée."));
	RAW(r, "<p><a href=\"/journal?site=");
	html_int(&r->out, v.site_id);
	RAW(r, "&amp;date=");
	html_url_arg(&r->out, date);
	RAW(r, "\">");
	html_txt(&r->out, _(r, "Journal de ce jour"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
	return 0;
}

/* ---- Lists of visits --------------------------------------------------- */

static const char *operator_name(const store_operator *ops, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(ops[i].code, code))
			return ops[i].name;
	return code;
}

/* The outcomes of a visit's demands, "Résolu, Orienté": without repeats. */
static void outcome_text(req *r, const store_visit *v)
{
	int first = 1;
	for (size_t i = 0; i < v->ndemands; i++) {
		const store_demand *d = &v->demands[i];
		int seen = 0;
		for (size_t k = 0; k < i; k++)
			seen |= str_eq(v->demands[k].outcome, d->outcome);
		if (seen)
			continue;
		if (!first)
			RAW(r, ", ");
		first = 0;
		html_txt(&r->out, _(r, enum_label(&ENUM_OUTCOME, d->outcome)));
	}
}

/* The heading of a cell, for the eyes only, when the table is stacked
 * into cards on a narrow screen (.cell-head in guichet.css); screen
 * readers read the column's own heading. */
static void cell_head(req *r, const char *heading)
{
	RAW(r, "<span class=\"cell-head\" aria-hidden=\"true\">");
	html_txt(&r->out, heading);
	RAW(r, "</span>");
}

static void cell_open(req *r, const char *heading)
{
	RAW(r, "<td>");
	cell_head(r, heading);
}

/* A column's cell opening, written and escaped once per table and copied
 * into every row. */
typedef struct cell_start {
	const char *s;
	size_t n;
} cell_start;

static cell_start cell_start_of(req *r, const char *heading)
{
	size_t at = r->out.len;
	cell_open(r, heading);
	cell_start c = {"", 0};
	if (!r->out.overflow && r->out.len > at) {
		char *copy = arena_strndup(r->arena, r->out.data + at, r->out.len - at);
		if (copy)
			c = (cell_start){copy, r->out.len - at};
		r->out.len = at;
		r->out.data[at] = '\0';
	}
	return c;
}

static void cell(req *r, cell_start c)
{
	buf_append(&r->out, c.s, c.n);
}

/* The labels of the catalog's procedures (inactive ones too) that a table
 * names, each looked up once per table in the catalog kept in memory. */
#define TABLE_PROCEDURES 32
typedef struct procedures {
	int64_t id[TABLE_PROCEDURES];
	const char *label[TABLE_PROCEDURES];
	size_t n;
} procedures;

static const char *procedure_label(req *r, procedures *p, int64_t id)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->id[i] == id)
			return p->label[i];
	store_procedure proc;
	const char *label =
	    store_procedure_get_kept(r->app->store, r->arena, id, &proc) == STORE_OK ? proc.label : NULL;
	if (p->n < TABLE_PROCEDURES) {
		p->id[p->n] = id;
		p->label[p->n++] = label;
	}
	return label;
}

/* The demands of a visit, to recognise it: the first one's operator and
 * procedure, then the operators of the others (catalog names: French). */
static void demands_cell(req *r, const store_visit *v, const store_operator *ops, size_t nops,
                         procedures *procs, cell_start start)
{
	cell(r, start);
	RAW(r, "<ul class=\"cell-list\">");
	for (size_t i = 0; i < v->ndemands; i++) {
		const store_demand *d = &v->demands[i];
		int seen = 0;
		for (size_t k = 0; k < i; k++)
			seen |= str_eq(v->demands[k].operator_code, d->operator_code);
		if (seen)
			continue;
		RAW(r, "<li");
		ui_attr_lang_fr(r);
		RAW(r, ">");
		html_txt(&r->out, operator_name(ops, nops, d->operator_code));
		if (i == 0) {
			const char *what =
			    d->procedure_id ? procedure_label(r, procs, d->procedure_id) : NULL;
			if (!what)
				what = d->procedure_text;
			if (what && *what) {
				RAW(r, " — ");
				html_txt(&r->out, what);
			}
		}
		RAW(r, "</li>");
	}
	RAW(r, "</ul></td>");
}

static const char *site_name(const store_site *sites, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (sites[i].id == id)
			return sites[i].name;
	return "";
}

/* A table of visits: its rows and its columns' headings. */
typedef struct visits_tab {
	const store_visit *v;
	size_t n;
	int with_date;
	const store_site *sites; /* the site column when more than one */
	size_t nsites;
	const char *date, *time, *site, *channel, *age, *demands, *what, *outcome, *agent;
} visits_tab;

/* The rows of a table of visits (see visits_table); arg is its
 * visits_tab. */
static int visits_rows(req *r, void *arg)
{
	const visits_tab *t = arg;
	const store_visit *v = t->v;
	store_operator *ops = NULL;
	size_t nops = 0;
	if (store_operator_list(r->app->store, r->arena, 0, &ops, &nops) != STORE_OK)
		nops = 0;
	procedures procs = {0};
	cell_start c_date = cell_start_of(r, t->date), c_time = cell_start_of(r, t->time),
	           c_site = cell_start_of(r, t->site), c_channel = cell_start_of(r, t->channel),
	           c_age = cell_start_of(r, t->age), c_demands = cell_start_of(r, t->demands),
	           c_what = cell_start_of(r, t->what), c_outcome = cell_start_of(r, t->outcome),
	           c_agent = cell_start_of(r, t->agent);
	for (size_t i = 0; i < t->n; i++) {
		char date[11], hm[6];
		time_local_hm(v[i].started_at, hm);
		RAW(r, "<tr>");
		if (t->with_date) {
			time_local_date(v[i].started_at, date);
			cell(r, c_date);
			html_txt(&r->out, date);
			RAW(r, "</td>");
		}
		/* The time is the link: "Visite de 10:32" for screen readers. */
		cell(r, c_time);
		RAW(r, "<a href=\"/visits/");
		html_int(&r->out, v[i].id);
		RAW(r, "\"><span class=\"sr-only\">");
		html_txt(&r->out, _(r, "Visite de"));
		RAW(r, " </span>");
		html_txt(&r->out, hm);
		RAW(r, "</a></td>");
		if (t->nsites > 1) {
			cell(r, c_site);
			html_txt(&r->out, site_name(t->sites, t->nsites, v[i].site_id));
			RAW(r, "</td>");
		}
		cell(r, c_channel);
		ui_txt_msg(r, enum_label(&ENUM_CHANNEL, v[i].channel));
		RAW(r, "</td>");
		cell(r, c_age);
		ui_txt_msg(r, enum_label(&ENUM_AGE, v[i].visitor.age_bracket));
		RAW(r, "</td>");
		cell(r, c_demands);
		html_int(&r->out, (int64_t)v[i].ndemands);
		RAW(r, "</td>");
		demands_cell(r, &v[i], ops, nops, &procs, c_what);
		cell(r, c_outcome);
		outcome_text(r, &v[i]);
		RAW(r, "</td>");
		cell(r, c_agent);
		html_txt(&r->out, v[i].agent_name);
		RAW(r, "</td></tr>\n");
	}
	return 0;
}

/* The key of a table's rows (web/fragment.c): everything they show
 * besides the translations of the language: the page of visits by its
 * stamp (store_visit_list_stamped: the same stamp, the same visits), the
 * columns, the catalog's version (the names of operators and procedures,
 * which this process's edits move on; another process's show within the
 * catalog's minute, as without the kept rows) and the sites' names. */
static int visits_rows_key(req *r, uint64_t stamp, const visits_tab *t, buf *k)
{
	web_fragment_key_add(k, "visits");
	web_fragment_key_add(k, r->lang ? r->lang->code : "");
	web_fragment_key_add(k, page_int_text(r, (int64_t)stamp));
	web_fragment_key_add(k, page_int_text(r, (int64_t)store_catalog_version(r->app->store)));
	web_fragment_key_add(k, t->with_date ? "date" : "");
	for (size_t i = 0; t->nsites > 1 && i < t->nsites; i++) {
		web_fragment_key_add(k, page_int_text(r, t->sites[i].id));
		web_fragment_key_add(k, t->sites[i].name);
	}
	return k->overflow || !k->data ? -1 : 0;
}

/* A page of visits for a table: the visits, or (v NULL) only what the
 * store says of the page it keeps (store_visit_list_peek), whose rows are
 * then copied from the piece kept under its stamp and the visits read only
 * when that piece is gone. */
typedef struct visits_page {
	store_visit *v;
	size_t n;
	int64_t last_id; /* of the last visit; 0 when none */
	uint64_t stamp;  /* 0: not kept */
} visits_page;

/* Reads the page of f into p (its stamp with it); -1 when the store fails. */
static int visits_page_read(req *r, const store_visit_filter *f, visits_page *p)
{
	if (store_visit_list_stamped(r->app->store, r->arena, f, &p->v, &p->n, &p->stamp) != STORE_OK)
		return -1;
	p->last_id = p->n ? p->v[p->n - 1].id : 0;
	return 0;
}

/* The rows of p's table: copied from the piece kept under its stamp when
 * p came without its visits; else written from the visits (read from f
 * first when not given) and kept under their stamp. -1 when the store
 * fails. */
static int visits_rows_put(req *r, visits_page *p, const store_visit_filter *f, visits_tab *t)
{
	int rc = 0;
	buf k;
	buf_init(&k, LIMIT_FRAGMENT_KEY_BYTES);
	if (!p->v && p->stamp && visits_rows_key(r, p->stamp, t, &k) == 0 &&
	    web_fragment_copy(k.data, k.len, NULL, &r->out) == 0)
		goto done;
	if (!p->v && visits_page_read(r, f, p) != 0) {
		rc = -1;
		goto done;
	}
	t->v = p->v;
	t->n = p->n;
	buf_reset(&k);
	if (!p->stamp || visits_rows_key(r, p->stamp, t, &k) != 0 ||
	    web_fragment_write(r, k.data, k.len, NULL, NULL, visits_rows, t) != 0)
		visits_rows(r, t);
done:
	buf_free(&k);
	return rc;
}

/* The table of a journal or of search results: enough to recognise a
 * visit (time, channel, the person's age bracket, the first demand, the
 * adviser). with_date adds the date column, sites (when more than one)
 * the site column. On a narrow screen its rows become cards (.stack).
 * The rows of a page of visits kept in memory (stamp not 0) are kept too,
 * and copied at the next views of the same page; the table's opening is
 * written each time (its id depends on what the page wrote before). A page
 * given without its visits is read from f when its rows are not kept, and
 * p then holds what was read. -1 when the store fails. */
static int visits_table(req *r, const char *caption, visits_page *p, const store_visit_filter *f,
                        int with_date, const store_site *sites, size_t nsites)
{
	visits_tab t = {.v = p->v,
	                .n = p->n,
	                .with_date = with_date,
	                .sites = sites,
	                .nsites = nsites,
	                .date = _(r, "Date"),
	                .time = _(r, "Heure"),
	                .site = _(r, "Lieu"),
	                .channel = _(r, "Canal"),
	                .age = _(r, "Âge"),
	                .demands = _(r, "Demandes"),
	                .what = _(r, "Organismes et démarche"),
	                .outcome = _(r, "Résultat"),
	                .agent = _(r, "Conseiller ou conseillère")};
	ui_table_begin(r, "stack visits", caption);
	if (with_date)
		ui_th(r, t.date);
	ui_th(r, t.time);
	if (nsites > 1)
		ui_th(r, t.site);
	ui_th(r, t.channel);
	ui_th(r, t.age);
	ui_th(r, t.demands);
	ui_th(r, t.what);
	ui_th(r, t.outcome);
	ui_th(r, t.agent);
	ui_table_body(r);
	int rc = visits_rows_put(r, p, f, &t);
	ui_table_end(r);
	return rc;
}

/* A day "YYYY-MM-DD" as its local midnight. */
static int parse_day(const char *s, int64_t *midnight)
{
	int64_t t;
	if (!s || time_parse_local(s, "", &t) != 0)
		return -1;
	*midnight = time_local_midnight(t);
	return 0;
}

/* The midnight after the day starting at midnight (days of 23 or 25 h). */
static int64_t next_midnight(int64_t midnight)
{
	return time_local_midnight(midnight + (int64_t)36 * 3600);
}

static void day_link(req *r, int64_t site, int64_t t, const char *text, const char *rel)
{
	char date[11];
	time_local_date(t, date);
	RAW(r, "<a rel=\"");
	RAW(r, rel);
	RAW(r, "\" href=\"/journal?site=");
	html_int(&r->out, site);
	RAW(r, "&amp;date=");
	html_url_arg(&r->out, date);
	RAW(r, "\">");
	html_txt(&r->out, text);
	RAW(r, "</a>");
}

/* A total: <bdi> keeps "2 (67 %)" in its order on a right-to-left page. */
static void total(req *r, const char *term, const char *value)
{
	RAW(r, "<dt>");
	html_txt(&r->out, term);
	RAW(r, "</dt><dd><bdi>");
	html_txt(&r->out, value ? value : "");
	RAW(r, "</bdi></dd>\n");
}

int page_journal(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_site *sites = NULL;
	size_t ns = 0;
	if (page_sites_or_refuse(
	        r, 1, &sites, &ns,
	        "Vous n'êtes rattaché à aucun lieu d'accueil : il n'y a pas de journal à afficher.") != 0)
		return 0;
	/* The default site is the first where the user records, else the
	 * first they may read. */
	int64_t site = r->session->user.nsites ? r->session->user.site_ids[0] : sites[0].id;
	if (!*site_name(sites, ns, site))
		site = sites[0].id;
	const char *q = http_query(r, "site");
	if (q && *q) {
		int64_t want;
		if (parse_int64(q, 1, INT64_MAX, &want) != 0 || !*site_name(sites, ns, want)) {
			ui_error_page(r, 400,
			              "Le lieu demandé (paramètre « site ») n'existe pas ou ne vous est pas "
			              "accessible.");
			return 0;
		}
		site = want;
	}
	int64_t from = time_local_midnight(now_s());
	q = http_query(r, "date");
	if (q && *q && parse_day(q, &from) != 0) {
		ui_error_page(r, 400, "La date demandée (paramètre « date ») doit s'écrire AAAA-MM-JJ.");
		return 0;
	}
	int64_t to = next_midnight(from);

	store_visit *all = NULL;
	size_t n = 0;
	store_visit_filter f = {
	    .site_ids = &site, .nsites = 1, .from = from, .to = to, .limit = LIMIT_PAGE_ROWS, .cached = 1};
	/* A day of one page: its rows may be kept (visits_table). */
	uint64_t stamp = 0;
	for (int page = 0; page < JOURNAL_MAX_PAGES; page++) {
		store_visit *part = NULL;
		size_t k = 0;
		uint64_t part_stamp = 0;
		if (store_visit_list_stamped(r->app->store, r->arena, &f, &part, &k, &part_stamp) !=
		    STORE_OK) {
			r->status = 500;
			return page_error(r);
		}
		store_visit *grown = arena_alloc(r->arena, (n + k + 1) * sizeof *grown);
		if (!grown) {
			r->status = 500;
			return page_error(r);
		}
		if (n)
			memcpy(grown, all, n * sizeof *all);
		if (k)
			memcpy(grown + n, part, k * sizeof *part);
		all = grown;
		n += k;
		if (k < LIMIT_PAGE_ROWS) {
			stamp = page == 0 ? part_stamp : 0;
			break;
		}
		f.after_id = part[k - 1].id;
	}
	int64_t demands = 0, solved = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < all[i].ndemands; k++) {
			demands++;
			solved += str_eq(all[i].demands[k].outcome, "resolu");
		}

	char date[11];
	time_local_date(from, date);
	ui_page_begin(r, _(r, "Journal des visites"));
	buf *o = &r->out;
	if (http_query(r, "deleted"))
		ui_notice(r, "success", _(r, "Visite supprimée."));
	RAW(r, "<form method=\"get\" action=\"/journal\" class=\"filters\">\n");
	page_site_choice(r, "site", sites, ns, site, NULL);
	ui_field d = {.name = "date", .label = _(r, "Jour"), .value = date, .type = "date"};
	ui_input(r, &d, NULL);
	RAW(r, "<button type=\"submit\" class=\"button-secondary\">");
	html_txt(o, _(r, "Afficher"));
	RAW(r, "</button>\n</form>\n<nav class=\"day-nav\" aria-label=\"");
	html_attr(o, _(r, "Jours"));
	RAW(r, "\"><ul><li>");
	day_link(r, site, from - 1, _(r, "Jour précédent"), "prev");
	RAW(r, "</li><li>");
	day_link(r, site, to, _(r, "Jour suivant"), "next");
	RAW(r, "</li>");
	RAW(r, "<li><a href=\"/visits\">");
	html_txt(o, _(r, "Rechercher des visites"));
	RAW(r, "</a></li>");
	if (page_may_record(r, site)) {
		RAW(r, "<li><a href=\"/visits/new?site=");
		html_int(o, site);
		RAW(r, "\">");
		html_txt(o, _(r, "Enregistrer une visite"));
		RAW(r, "</a></li>");
	}
	RAW(r, "</ul></nav>\n<h2>");
	html_txt(o, site_name(sites, ns, site));
	RAW(r, " — ");
	html_txt(o, date);
	RAW(r, "</h2>\n<dl class=\"totals\">\n");
	total(r, _(r, "Visites"), page_count_text(r, "%d", (int64_t)n));
	total(r, _(r, "Demandes"), page_count_text(r, "%d", demands));
	total(r, _(r, "Demandes résolues sur place"),
	      arena_printf(r->arena, "%lld (%lld %%)", (long long)solved,
	                   (long long)(demands ? (solved * 100 + demands / 2) / demands : 0)));
	RAW(r, "</dl>\n");
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Aucune visite enregistrée ce jour-là."));
		RAW(r, "</p>\n");
	} else {
		visits_page pg = {.v = all, .n = n, .last_id = all[n - 1].id, .stamp = stamp};
		(void)visits_table(r, _(r, "Visites du jour, de la plus récente à la plus ancienne"), &pg,
		                   NULL, 0, NULL, 0);
	}
	ui_page_end(r);
	return 0;
}

/* ---- Search ------------------------------------------------------------ */

typedef struct search {
	const char *from, *to, *site, *op, *theme, *outcome, *channel, *agent, *after;
} search;

static const char *query_or_empty(req *r, const char *name)
{
	const char *v = http_query(r, name);
	char *c = v ? arena_strdup(r->arena, v) : NULL;
	return c ? str_trim(c) : "";
}

/* The advisers of several sites (of every site for an administrator), in
 * name order: accounts linked to a site in scope. */
static void advisers_in_scope(req *r, const store_site *sites, size_t ns, store_user_name **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_user *users = NULL;
	size_t nu = 0;
	if (store_user_list(r->app->store, r->arena, 0, &users, &nu) != STORE_OK ||
	    !(*out = arena_alloc(r->arena, (nu + 1) * sizeof **out)))
		return;
	for (size_t i = 0; i < nu; i++) {
		int in_scope = r->session->role == ROLE_ADMIN;
		for (size_t j = 0; !in_scope && j < ns; j++)
			in_scope = auth_user_has_site(&users[i], sites[j].id);
		if (in_scope && users[i].nsites)
			(*out)[(*n)++] = (store_user_name){users[i].id, users[i].name};
	}
}

/* Appends "name=value" for a non-empty value, "&amp;" before all but the
 * first (*first is then cleared). */
static void query_part(req *r, int *first, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	RAW(r, *first ? "" : "&amp;");
	*first = 0;
	RAW(r, name);
	RAW(r, "=");
	html_url_arg(&r->out, value);
}

typedef struct search_choices_arg {
	const search *s;
	const field_errors *e;
} search_choices_arg;

/* The search form's choices of operator, theme, outcome and channel; arg
 * is a search_choices_arg. */
static int search_choices(req *r, void *arg)
{
	const search *s = ((const search_choices_arg *)arg)->s;
	const field_errors *e = ((const search_choices_arg *)arg)->e;
	store_operator *ops = NULL;
	size_t nops = 0;
	ui_option *oo = NULL;
	if (store_operator_list(r->app->store, r->arena, 0, &ops, &nops) == STORE_OK &&
	    (oo = arena_alloc(r->arena, (nops + 1) * sizeof *oo))) {
		for (size_t i = 0; i < nops; i++)
			oo[i] = (ui_option){ops[i].code, ops[i].name};
		ui_opt_group g = {NULL, oo, nops};
		ui_select_groups_fr(r, "operator", _(r, "Organisme"), _(r, "Tous"), s->op, &g, 1, e);
	}
	store_theme *themes = NULL;
	size_t nt = 0;
	ui_option *to_opts = NULL;
	if (store_theme_list(r->app->store, r->arena, &themes, &nt) == STORE_OK &&
	    (to_opts = arena_alloc(r->arena, (nt + 1) * sizeof *to_opts))) {
		for (size_t i = 0; i < nt; i++)
			to_opts[i] = (ui_option){themes[i].code, _(r, themes[i].label)};
		ui_opt_group g = {NULL, to_opts, nt};
		ui_select_groups(r, "theme", _(r, "Thème"), _(r, "Tous"), s->theme, &g, 1, e, 0);
	}
	page_select_enum(r, "outcome", _(r, "Résultat"), _(r, "Tous"), &ENUM_OUTCOME, s->outcome, e);
	page_select_enum(r, "channel", _(r, "Canal"), _(r, "Tous"), &ENUM_CHANNEL, s->channel, e);
	return 0;
}

/* The key of the search form's choices (web/fragment.c), when the filters
 * have no error (search_check: then each value is one of the lists' or
 * empty): the language, the stamps of the two catalog lists they show
 * (the same stamps, the same lists) and the values chosen. -1 when they
 * cannot be kept: a list not kept in memory yet (it is once the choices
 * are written), or the key over its limit. */
static int search_choices_key(req *r, const search *s, buf *k)
{
	static const store_catalog_list shown[] = {STORE_LIST_OPERATORS, STORE_LIST_THEMES};
	uint64_t stamps[COUNT(shown)];
	if (store_catalog_stamps(r->app->store, shown, COUNT(shown), stamps) != 0)
		return -1;
	web_fragment_key_add(k, "search-choices");
	web_fragment_key_add(k, r->lang ? r->lang->code : "");
	for (size_t i = 0; i < COUNT(stamps); i++)
		web_fragment_key_add(k, page_int_text(r, (int64_t)stamps[i]));
	web_fragment_key_add(k, s->op);
	web_fragment_key_add(k, s->theme);
	web_fragment_key_add(k, s->outcome);
	web_fragment_key_add(k, s->channel);
	return k->overflow || !k->data ? -1 : 0;
}

static void search_form(req *r, const search *s, const store_site *sites, size_t ns, const field_errors *e)
{
	buf *o = &r->out;
	RAW(r, "<form method=\"get\" action=\"/visits\" class=\"filters search\">\n");
	ui_field from = {.name = "from",
	                 .label = _(r, "Du"),
	                 .hint = _(r, "AAAA-MM-JJ"),
	                 .value = s->from,
	                 .type = "date"};
	ui_input(r, &from, e);
	ui_field to = {.name = "to",
	               .label = _(r, "Au (inclus)"),
	               .hint = _(r, "AAAA-MM-JJ"),
	               .value = s->to,
	               .type = "date"};
	ui_input(r, &to, e);
	if (ns > 1) {
		ui_option *opts = arena_alloc(r->arena, (ns + 1) * sizeof *opts);
		if (opts) {
			opts[0] = (ui_option){"", _(r, "Tous")};
			for (size_t i = 0; i < ns; i++)
				opts[i + 1] = (ui_option){page_int_text(r, sites[i].id), sites[i].name};
			ui_field f = {.name = "site", .label = _(r, "Lieu"), .value = s->site};
			ui_select(r, &f, opts, ns + 1, e);
		}
	}
	search_choices_arg ca = {s, e};
	buf key;
	buf_init(&key, LIMIT_FRAGMENT_KEY_BYTES);
	if (e->n || search_choices_key(r, s, &key) != 0 ||
	    web_fragment_write(r, key.data, key.len, NULL, NULL, search_choices, &ca) != 0)
		search_choices(r, &ca);
	buf_free(&key);
	/* The advisers of the sites in scope; an administrator sees them all.
	 * One site's are read alone, names only: a national store has thousands. */
	store_user_name *names = NULL;
	size_t nn = 0;
	if (r->session->role != ROLE_ADMIN && ns == 1) {
		if (store_site_user_names(r->app->store, r->arena, sites[0].id, &names, &nn) != STORE_OK)
			nn = 0;
	} else {
		advisers_in_scope(r, sites, ns, &names, &nn);
	}
	ui_option *ao = arena_alloc(r->arena, (nn + 2) * sizeof *ao);
	size_t k = 0;
	if (ao) {
		ao[k++] = (ui_option){"", _(r, "Tous")};
		for (size_t i = 0; i < nn; i++)
			ao[k++] = (ui_option){page_int_text(r, names[i].id), names[i].name};
	}
	if (ao) {
		ui_field ag = {
		    .name = "agent", .label = _(r, "Conseiller ou conseillère"), .value = s->agent};
		ui_select(r, &ag, ao, k, e);
	}
	RAW(r, "<button type=\"submit\" class=\"button\">");
	html_txt(o, _(r, "Rechercher"));
	RAW(r, "</button>\n</form>\n");
}

/* Checks the filters; the problems, by field, in e. */
static void search_check(req *r, const search *s, const store_site *sites, size_t ns, store_visit_filter *f,
                         int64_t *site, field_errors *e)
{
	int64_t t;
	if (*s->from && parse_day(s->from, &f->from) != 0)
		field_error_add(e, "from", "La date « Du » doit s'écrire AAAA-MM-JJ.");
	if (*s->to) {
		if (parse_day(s->to, &t) != 0)
			field_error_add(e, "to", "La date « Au » doit s'écrire AAAA-MM-JJ.");
		else
			f->to = next_midnight(t);
	}
	if (f->from && f->to && f->to <= f->from)
		field_error_add(e, "to", "La date « Au » doit suivre la date « Du ».");
	*site = 0;
	if (*s->site && (parse_int64(s->site, 1, INT64_MAX, site) != 0 || !*site_name(sites, ns, *site)))
		field_error_add(e, "site", "Ce lieu n'existe pas ou ne vous est pas accessible.");
	store_operator op;
	if (*s->op && store_operator_get(r->app->store, r->arena, s->op, &op) != STORE_OK)
		field_error_add(e, "operator", "Cet organisme n'existe pas.");
	int theme_ok = !*s->theme;
	store_theme *themes = NULL;
	size_t nt = 0;
	if (!theme_ok && store_theme_list(r->app->store, r->arena, &themes, &nt) == STORE_OK)
		for (size_t i = 0; i < nt; i++)
			theme_ok |= str_eq(themes[i].code, s->theme);
	if (!theme_ok)
		field_error_add(e, "theme", "Ce thème n'existe pas.");
	if (*s->outcome && !enum_valid(&ENUM_OUTCOME, s->outcome))
		field_error_add(e, "outcome", "Ce résultat n'existe pas.");
	if (*s->channel && !enum_valid(&ENUM_CHANNEL, s->channel))
		field_error_add(e, "channel", "Ce canal n'existe pas.");
	if (*s->agent && parse_int64(s->agent, 1, INT64_MAX, &f->agent_id) != 0)
		field_error_add(e, "agent", "Le conseiller demandé n'est pas valide.");
	if (*s->after && parse_int64(s->after, 1, INT64_MAX, &f->after_id) != 0)
		field_error_add(e, "after", "La page demandée n'est pas valide.");
	f->operator_code = *s->op ? s->op : NULL;
	f->theme_code = *s->theme ? s->theme : NULL;
	f->outcome = *s->outcome ? s->outcome : NULL;
	f->channel = *s->channel ? s->channel : NULL;
}

int page_visits_search(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_site *sites = NULL;
	size_t ns = 0;
	if (page_sites_or_refuse(r, 1, &sites, &ns, NULL) != 0)
		return 0;
	search s = {query_or_empty(r, "from"),     query_or_empty(r, "to"),    query_or_empty(r, "site"),
	            query_or_empty(r, "operator"), query_or_empty(r, "theme"), query_or_empty(r, "outcome"),
	            query_or_empty(r, "channel"),  query_or_empty(r, "agent"), query_or_empty(r, "after")};
	store_visit_filter f = {.limit = SEARCH_PAGE_ROWS, .cached = 1};
	field_errors e = {0};
	int64_t site = 0;
	search_check(r, &s, sites, ns, &f, &site, &e);
	/* The scope: one site, or every site the user may read (an
	 * administrator: every site, NULL). */
	int64_t *ids = arena_alloc(r->arena, (ns + 1) * sizeof *ids);
	if (!ids) {
		r->status = 500;
		return page_error(r);
	}
	if (site) {
		ids[0] = site;
		f.site_ids = ids;
		f.nsites = 1;
	} else if (r->session->role != ROLE_ADMIN) {
		for (size_t i = 0; i < ns; i++)
			ids[i] = sites[i].id;
		f.site_ids = ids;
		f.nsites = ns;
	}
	int scoped = f.site_ids == NULL ? r->session->role == ROLE_ADMIN : f.nsites > 0;

	/* A page the store keeps is not read when its rows are kept too. */
	visits_page pg = {0};
	int64_t visits = 0, demands = 0;
	if (e.n == 0 && scoped) {
		store_visit_filter count = f;
		count.after_id = 0;
		count.limit = 0;
		if ((!store_visit_list_peek(r->app->store, &f, &pg.n, &pg.last_id, &pg.stamp) &&
		     visits_page_read(r, &f, &pg) != 0) ||
		    store_visit_count(r->app->store, &count, &visits, &demands) != STORE_OK) {
			r->status = 500;
			return page_error(r);
		}
	}
	if (e.n)
		http_status(r, 400);
	ui_page_begin(r, _(r, "Rechercher des visites"));
	buf *o = &r->out;
	ui_error_summary(r, &e);
	search_form(r, &s, sites, ns, &e);
	if (e.n == 0) {
		RAW(r, "<h2 id=\"resultats\">");
		html_txt(o, _(r, "Résultats"));
		RAW(r, "</h2>\n<p role=\"status\">");
		ui_txt_count(r, _(r, "Visites : %d"), visits);
		RAW(r, " — ");
		ui_txt_count(r, _(r, "Demandes : %d"), demands);
		RAW(r, "</p>\n");
		if (pg.n && visits_table(r, _(r, "Visites trouvées, de la plus récente à la plus ancienne"),
		                         &pg, &f, 1, sites, ns) != 0) {
			r->status = 500;
			return page_error(r);
		}
		if (f.after_id || pg.n == SEARCH_PAGE_ROWS) {
			RAW(r, "<nav aria-label=\"");
			html_attr(o, _(r, "Pages de résultats"));
			RAW(r, "\"><ul class=\"pager\">");
			const char *names[] = {"from",  "to",      "site",    "operator",
			                       "theme", "outcome", "channel", "agent"};
			const char *values[] = {s.from,  s.to,      s.site,    s.op,
			                        s.theme, s.outcome, s.channel, s.agent};
			int first = 1;
			if (f.after_id) {
				RAW(r, "<li><a href=\"/visits?");
				for (size_t i = 0; i < COUNT(names); i++)
					query_part(r, &first, names[i], values[i]);
				RAW(r, "\">");
				html_txt(o, _(r, "Premiers résultats"));
				RAW(r, "</a></li>");
			}
			if (pg.n == SEARCH_PAGE_ROWS) {
				first = 1;
				RAW(r, "<li><a rel=\"next\" href=\"/visits?");
				for (size_t i = 0; i < COUNT(names); i++)
					query_part(r, &first, names[i], values[i]);
				query_part(r, &first, "after", page_int_text(r, pg.last_id));
				RAW(r, "\">");
				html_txt(o, _(r, "Résultats suivants"));
				RAW(r, "</a></li>");
			}
			RAW(r, "</ul></nav>\n");
		}
	}
	ui_page_end(r);
	return 0;
}
