/*
 * page_privacy.c: the rights of an identified person (RGPD, docs/privacy.md)
 * over what a site holds about her: the export of everything (her identity,
 * her profile, her visits and demands, the audit rows about her record) as
 * a printable page in the language she chooses among the interface's, or
 * as JSON; and the erasure of her identity, which leaves her visits and
 * demands as anonymous facts for the statistics.
 *
 * Only the users who may read her record reach these pages: anyone else
 * gets the 404 of a missing record. Erasing also needs the right to record
 * at her site (or the administrator's role). Every export and erasure is
 * journaled.
 */
#include "app/app.h"
#include "pages/pages.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/json.h"
#include "vocab/enums.h"
#include "web/page.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* The person named by the path, if she is identified (not erased) and the
 * user may read her site; otherwise the 404 of a missing record. */
static int load_person(req *r, store_visitor *p, store_site *site)
{
	int64_t id;
	if (page_path_id(r, &id) != 0 || store_visitor_get(r->app->store, r->arena, id, p) != STORE_OK ||
	    !p->identified || store_visitor_erased(p)) {
		page_not_found(r);
		return -1;
	}
	return page_visible_site(r, p->site_id, site);
}

/* Whether the user may erase a person of this site: those who record
 * there, and administrators. */
static int may_erase(const req *r, int64_t site_id)
{
	return page_may_record(r, site_id) || (r->session && r->session->role == ROLE_ADMIN);
}

static const char *date_time(req *r, int64_t t)
{
	char d[11], hm[6];
	time_local_date(t, d);
	time_local_hm(t, hm);
	const char *s = arena_printf(r->arena, "%s %s", d, hm);
	return s ? s : "";
}

/* ---- Links from a visit's page. */

void page_privacy_links(req *r, const store_visit *v)
{
	const store_visitor *p = &v->visitor;
	if (!p->identified || store_visitor_erased(p))
		return;
	buf *o = &r->out;
	RAW(r, "<h2>");
	html_txt(o, _(r, "Droits de la personne"));
	RAW(r, "</h2>\n<p class=\"actions\"><a class=\"button-secondary\" href=\"/visitors/");
	html_int(o, p->id);
	RAW(r, "/export\">");
	html_txt(o, _(r, "Exporter ses données"));
	RAW(r, "</a> <a class=\"button-secondary\" href=\"/visitors/");
	html_int(o, p->id);
	RAW(r, "/export.json\">");
	html_txt(o, _(r, "Exporter ses données (JSON)"));
	RAW(r, "</a>");
	if (may_erase(r, p->site_id)) {
		RAW(r, " <a class=\"button-secondary\" href=\"/visitors/");
		html_int(o, p->id);
		RAW(r, "/erase?visit=");
		html_int(o, v->id);
		RAW(r, "\">");
		html_txt(o, _(r, "Effacer son identité"));
		RAW(r, "</a>");
	}
	RAW(r, "</p>\n");
}

/* ---- The export as a page. */

static const char *audit_action(req *r, const char *code)
{
	static const struct {
		const char *code, *label;
	} actions[] = {
	    {"read", N_("consultation")},
	    {"create", N_("création")},
	    {"update", N_("modification")},
	    {"delete", N_("suppression")},
	};
	for (size_t i = 0; i < COUNT(actions); i++)
		if (str_eq(actions[i].code, code))
			return _(r, actions[i].label);
	return code;
}

/* The languages of the document: each in its own name and language. */
static void language_links(req *r, int64_t id)
{
	buf *o = &r->out;
	RAW(r, "<nav class=\"lang-nav\" aria-label=\"");
	html_attr(o, _(r, "Langue du document"));
	RAW(r, "\">\n<ul>\n");
	for (size_t i = 0; i < i18n_count(); i++) {
		const lang *l = i18n_lang(i);
		RAW(r, "<li><a href=\"/visitors/");
		html_int(o, id);
		RAW(r, "/export?lang=");
		html_url_arg(o, l->code);
		RAW(r, "\" lang=\"");
		html_attr(o, l->code);
		RAW(r, "\" hreflang=\"");
		html_attr(o, l->code);
		RAW(r, l->rtl ? "\" dir=\"rtl\"" : "\" dir=\"ltr\"");
		if (l == r->lang)
			RAW(r, " aria-current=\"true\"");
		RAW(r, ">");
		html_txt(o, l->name);
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ul>\n</nav>\n");
}

static void profile_items(req *r, const store_visitor *p)
{
	ui_dl_item(r, _(r, "Tranche d'âge"), _(r, enum_label(&ENUM_AGE, p->age_bracket)));
	if (p->birth_year)
		ui_dl_item(r, _(r, "Année de naissance"), page_int_text(r, p->birth_year));
	ui_dl_item(r, _(r, "Genre"), _(r, enum_label(&ENUM_GENDER, p->gender)));
	ui_dl_item(r, _(r, "Situation"), _(r, enum_label(&ENUM_STATUS, p->social_status)));
	ui_dl_item(r, _(r, "Commune de résidence"), page_commune_label(r, p->commune_insee));
	const char *phone_kind = page_phone_kind_label(r, p);
	ui_dl_item(r, _(r, "Type de téléphone"), phone_kind ? phone_kind : _(r, "Non demandé"));
	ui_dl_item(r, _(r, "Pas d'adresse e-mail"), p->no_email ? _(r, "oui") : _(r, "non"));
	ui_dl_item(r, _(r, "Pas d'ordinateur ni de tablette"), p->no_device ? _(r, "oui") : _(r, "non"));
	ui_dl_item(r, _(r, "Pas d'accès à internet"), p->no_internet ? _(r, "oui") : _(r, "non"));
	if (*p->languages) {
		const char **v;
		size_t n = page_split_codes(r, p->languages, &v);
		const char *labels = "";
		for (size_t i = 0; i < n; i++)
			labels = arena_printf(r->arena, "%s%s%s", labels, i ? ", " : "",
			                      page_language_label(r, v[i]));
		ui_dl_item(r, _(r, "Langues parlées"), labels ? labels : "");
	}
	if (p->illiteracy)
		ui_dl_item(r, _(r, "En situation d'illettrisme"), _(r, "oui"));
	if (*p->disabilities) {
		const char **v;
		size_t n = page_split_codes(r, p->disabilities, &v);
		const char *labels = "";
		for (size_t i = 0; i < n; i++)
			labels = arena_printf(r->arena, "%s%s%s", labels, i ? ", " : "",
			                      _(r, enum_label(&ENUM_DISABILITY, v[i])));
		ui_dl_item(r, _(r, "Handicap"), labels ? labels : "");
	}
	if (p->very_precarious)
		ui_dl_item(r, _(r, "Grande précarité (sans domicile, hébergement d'urgence)"), _(r, "oui"));
}

static const char *operator_name(req *r, const char *code)
{
	store_operator op;
	return store_operator_get_kept(r->app->store, r->arena, code, &op) == STORE_OK ? op.name : code;
}

static const char *procedure_name(req *r, const store_demand *d)
{
	store_procedure proc;
	if (d->procedure_id &&
	    store_procedure_get_kept(r->app->store, r->arena, d->procedure_id, &proc) == STORE_OK)
		return proc.label;
	return d->procedure_text;
}

static void visit_section(req *r, const store_visit *v)
{
	buf *o = &r->out;
	RAW(r, "<h3>");
	html_txt(o, date_time(r, v->started_at));
	RAW(r, "</h3>\n<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Canal"), _(r, enum_label(&ENUM_CHANNEL, v->channel)));
	if (*v->place)
		ui_dl_item(r, _(r, "Lieu de la permanence ou du domicile"), v->place);
	ui_dl_item(r, _(r, "Durée de la visite"), page_count_text(r, _(r, "%d min"), v->duration_min));
	ui_dl_item(r, _(r, "Conseiller ou conseillère"), v->agent_name);
	if (v->deleted_at)
		ui_dl_item(r, _(r, "Supprimée le"), date_time(r, v->deleted_at));
	RAW(r, "</dl>\n");
	ui_table_begin(r, NULL, page_count_text(r, _(r, "Demandes de la visite n° %d"), v->id));
	const char *heads[] = {_(r, "Organisme concerné"), _(r, "Démarche"), _(r, "Niveau d'intervention"),
	                       _(r, "Résultat"), _(r, "Note")};
	for (size_t i = 0; i < COUNT(heads); i++)
		ui_th(r, heads[i]);
	ui_table_body(r);
	for (size_t i = 0; i < v->ndemands; i++) {
		const store_demand *d = &v->demands[i];
		const char *cells[] = {operator_name(r, d->operator_code), procedure_name(r, d),
		                       _(r, enum_label(&ENUM_LEVEL, d->level)),
		                       _(r, enum_label(&ENUM_OUTCOME, d->outcome)), d->note};
		RAW(r, "<tr>");
		for (size_t k = 0; k < COUNT(cells); k++) {
			RAW(r, "<td>");
			html_txt(o, cells[k]);
			RAW(r, "</td>");
		}
		RAW(r, "</tr>\n");
	}
	ui_table_end(r);
}

static void audit_table(req *r, const store_audit *rows, size_t n)
{
	buf *o = &r->out;
	ui_table_begin(r, NULL, _(r, "Les accès à votre dossier, du plus ancien au plus récent"));
	ui_th(r, _(r, "Date"));
	ui_th(r, _(r, "Action"));
	ui_th(r, _(r, "Objet"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<tr><td>");
		html_txt(o, date_time(r, rows[i].at));
		RAW(r, "</td><td>");
		html_txt(o, audit_action(r, rows[i].action));
		RAW(r, "</td><td>");
		if (str_eq(rows[i].object, "visit"))
			html_txt(o, page_count_text(r, _(r, "Visite n° %d"), rows[i].object_id));
		else
			html_txt(o, _(r, "La personne"));
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
}

/* Everything held about the person: 0, or -1 once a 500 page is sent. */
static int load_all(req *r, int64_t id, store_visit **visits, size_t *nv, store_audit **rows, size_t *na)
{
	if (store_visitor_visits(r->app->store, r->arena, id, LIMIT_PRIVACY_EXPORT_ROWS, visits, nv) !=
	        STORE_OK ||
	    store_audit_about_visitor(r->app->store, r->arena, id, LIMIT_PRIVACY_EXPORT_ROWS, rows, na) !=
	        STORE_OK) {
		r->status = 500;
		page_error(r);
		return -1;
	}
	return 0;
}

/* Everything an export shows, loaded for the person of the path after the
 * login and scope checks, and the read journaled with what was exported;
 * -1 when the page was already answered. */
typedef struct export_data {
	store_visitor p;
	store_site site;
	store_visit *visits;
	store_audit *rows;
	size_t nv, na;
} export_data;

static int load_export(req *r, export_data *d, const char *detail)
{
	if (!page_require_login(r))
		return -1;
	*d = (export_data){0};
	if (load_person(r, &d->p, &d->site) != 0 ||
	    load_all(r, d->p.id, &d->visits, &d->nv, &d->rows, &d->na) != 0)
		return -1;
	auth_audit(r, "read", "visitor", d->p.id, d->p.site_id, detail);
	return 0;
}

int page_privacy_export(req *r)
{
	export_data d;
	if (load_export(r, &d, "export") != 0)
		return 0;
	/* The document is written in the person's language, whatever the
	 * adviser's. */
	const lang *l = i18n_find(http_query(r, "lang"));
	if (l)
		r->lang = l;

	buf *o = &r->out;
	ui_page_begin(r, _(r, "Vos données personnelles"));
	language_links(r, d.p.id);
	RAW(r, "<p>");
	html_txt(o, _(r, "Ce document contient tout ce que ce lieu conserve à votre sujet : votre identité, "
	                 "votre profil, vos visites et vos demandes, et les accès à votre dossier."));
	RAW(r, "</p>\n<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Lieu"), d.site.name);
	ui_dl_item(r, _(r, "Date du document"), date_time(r, now_s()));
	RAW(r, "</dl>\n<h2>");
	html_txt(o, _(r, "Identité"));
	RAW(r, "</h2>\n<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Nom et prénom"), d.p.full_name);
	ui_dl_item(r, _(r, "Téléphone"), d.p.phone);
	ui_dl_item(r, _(r, "Adresse e-mail"), d.p.email);
	ui_dl_item(r, _(r, "Raison du suivi"), _(r, enum_label(&ENUM_CONSENT, d.p.consent_reason)));
	ui_dl_item(r, _(r, "Date du consentement"), d.p.consent_at ? date_time(r, d.p.consent_at) : "");
	RAW(r, "</dl>\n<h2>");
	html_txt(o, _(r, "Profil"));
	RAW(r, "</h2>\n<dl class=\"details\">\n");
	profile_items(r, &d.p);
	RAW(r, "</dl>\n<h2>");
	html_txt(o, _(r, "Visites et demandes"));
	RAW(r, "</h2>\n");
	for (size_t i = 0; i < d.nv; i++)
		visit_section(r, &d.visits[i]);
	RAW(r, "<h2>");
	html_txt(o, _(r, "Journal des accès à votre dossier"));
	RAW(r, "</h2>\n");
	audit_table(r, d.rows, d.na);
	RAW(r, "<h2>");
	html_txt(o, _(r, "Vos droits"));
	RAW(r, "</h2>\n<p>");
	html_txt(o,
	         _(r, "Vous pouvez demander à ce lieu de corriger ces données, ou d'effacer votre identité : "
	              "vos visites resteront alors dans les statistiques, sans rien qui vous identifie. "
	              "Votre identité est effacée d'office après une longue période sans visite. Vous "
	              "pouvez aussi adresser une réclamation à la CNIL (www.cnil.fr)."));
	RAW(r, "</p>\n");
	ui_page_end(r);
	return 0;
}

/* ---- The export as JSON. */

/* A text member of an object: its key and value (null when NULL). */
typedef struct json_text {
	const char *key, *v;
} json_text;

static void json_texts(json_writer *w, const json_text *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_key(w, t[i].key);
		json_str(w, t[i].v);
	}
}

static void json_visitor(json_writer *w, const store_visitor *p, const store_site *site)
{
	const json_text texts[] = {{"full_name", p->full_name},
	                           {"phone", p->phone},
	                           {"email", p->email},
	                           {"consent_reason", p->consent_reason},
	                           {"age_bracket", p->age_bracket},
	                           {"gender", p->gender},
	                           {"social_status", p->social_status},
	                           {"commune_insee", p->commune_insee},
	                           {"languages", p->languages},
	                           {"disabilities", p->disabilities},
	                           {"phone_kind", p->phone_kind}};
	char iso[21];
	json_key(w, "person");
	json_object_open(w);
	json_key(w, "id");
	json_int(w, p->id);
	json_key(w, "site_id");
	json_int(w, p->site_id);
	json_key(w, "site");
	json_str(w, site->name);
	json_texts(w, texts, COUNT(texts));
	json_key(w, "consent_at");
	time_iso(p->consent_at, iso);
	json_str(w, p->consent_at ? iso : NULL);
	json_key(w, "birth_year");
	json_int(w, p->birth_year);
	const struct {
		const char *key;
		int v;
	} flags[] = {{"no_phone", p->no_phone},
	             {"no_email", p->no_email},
	             {"no_device", p->no_device},
	             {"no_internet", p->no_internet},
	             {"allophone", p->allophone},
	             {"illiteracy", p->illiteracy},
	             {"very_precarious", p->very_precarious}};
	for (size_t i = 0; i < COUNT(flags); i++) {
		json_key(w, flags[i].key);
		json_bool(w, flags[i].v);
	}
	json_object_close(w);
}

static void json_demand(json_writer *w, const store_demand *d)
{
	const json_text texts[] = {{"operator_code", d->operator_code},
	                           {"theme_code", d->theme_code},
	                           {"procedure_text", d->procedure_text},
	                           {"level", d->level},
	                           {"mandate_type", d->mandate_type},
	                           {"mandate_ref", d->mandate_ref},
	                           {"equipment", d->equipment},
	                           {"interpreting", d->interpreting},
	                           {"interpreting_lang", d->interpreting_lang},
	                           {"outcome", d->outcome},
	                           {"referral_type", d->referral_type},
	                           {"note", d->note}};
	json_object_open(w);
	json_key(w, "id");
	json_int(w, d->id);
	json_key(w, "procedure_id");
	json_int(w, d->procedure_id);
	json_texts(w, texts, COUNT(texts));
	json_key(w, "autonomy");
	json_int(w, d->autonomy);
	json_key(w, "duration_min");
	json_int(w, d->duration_min);
	json_object_close(w);
}

static void json_visits(json_writer *w, const store_visit *visits, size_t n)
{
	char iso[21];
	json_key(w, "visits");
	json_array_open(w);
	for (size_t i = 0; i < n; i++) {
		const store_visit *v = &visits[i];
		json_object_open(w);
		json_key(w, "id");
		json_int(w, v->id);
		json_key(w, "started_at");
		time_iso(v->started_at, iso);
		json_str(w, iso);
		json_key(w, "channel");
		json_str(w, v->channel);
		json_key(w, "place");
		json_str(w, v->place);
		json_key(w, "duration_min");
		json_int(w, v->duration_min);
		json_key(w, "agent");
		json_str(w, v->agent_name);
		json_key(w, "deleted_at");
		time_iso(v->deleted_at, iso);
		json_str(w, v->deleted_at ? iso : NULL);
		json_key(w, "demands");
		json_array_open(w);
		for (size_t k = 0; k < v->ndemands; k++)
			json_demand(w, &v->demands[k]);
		json_array_close(w);
		json_object_close(w);
	}
	json_array_close(w);
}

static void json_audit(json_writer *w, const store_audit *rows, size_t n)
{
	char iso[21];
	json_key(w, "audit");
	json_array_open(w);
	for (size_t i = 0; i < n; i++) {
		json_object_open(w);
		json_key(w, "at");
		time_iso(rows[i].at, iso);
		json_str(w, iso);
		json_key(w, "user_id");
		json_int(w, rows[i].user_id);
		json_key(w, "action");
		json_str(w, rows[i].action);
		json_key(w, "object");
		json_str(w, rows[i].object);
		json_key(w, "object_id");
		json_int(w, rows[i].object_id);
		json_key(w, "detail");
		json_str(w, rows[i].detail);
		json_object_close(w);
	}
	json_array_close(w);
}

int page_privacy_export_json(req *r)
{
	export_data d;
	if (load_export(r, &d, "export json") != 0)
		return 0;
	char iso[21];
	json_writer w;
	json_begin(&w, &r->out);
	json_object_open(&w);
	json_key(&w, "exported_at");
	time_iso(now_s(), iso);
	json_str(&w, iso);
	json_visitor(&w, &d.p, &d.site);
	json_visits(&w, d.visits, d.nv);
	json_audit(&w, d.rows, d.na);
	json_object_close(&w);
	buf_puts(&r->out, "\n");
	http_content_type(r, "application/json");
	const char *cd =
	    arena_printf(r->arena, "attachment; filename=\"guichet-personne-%lld.json\"", (long long)d.p.id);
	if (cd)
		http_set_header(r, "Content-Disposition", cd);
	return 0;
}

/* ---- The erasure. */

/* The visit to come back to, from the query or the form: 0 when none. */
static int64_t back_visit(req *r, const char *value)
{
	int64_t id = 0;
	if (!value || parse_int64(value, 1, INT64_MAX, &id) != 0)
		return 0;
	return id;
}

int page_privacy_erase_form(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_visitor p;
	store_site site;
	if (load_person(r, &p, &site) != 0)
		return 0;
	if (!may_erase(r, p.site_id)) {
		ui_error_page(r, 403,
		              N_("Seules les personnes qui enregistrent dans ce lieu peuvent effacer "
		                 "l'identité d'une personne."));
		return 0;
	}
	/* The adviser sees whose identity goes: a read of her record. */
	auth_audit(r, "read", "visitor", p.id, p.site_id, NULL);
	int64_t visit = back_visit(r, http_query(r, "visit"));
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Effacer l'identité de la personne"));
	RAW(r, "<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Nom et prénom"), p.full_name);
	ui_dl_item(r, _(r, "Lieu"), site.name);
	RAW(r, "</dl>\n<p>");
	html_txt(o, _(r, "Le nom, le téléphone, l'adresse e-mail et la date du consentement de la personne "
	                 "seront effacés, ainsi que les notes et les références de mandat de ses demandes. "
	                 "Ses visites et ses demandes restent, sans rien qui l'identifie, pour les "
	                 "statistiques. L'effacement est définitif."));
	RAW(r, "</p>\n");
	const char *action = page_record_path(r, "visitors", p.id, "/erase");
	ui_form_begin(r, action);
	if (visit) {
		RAW(r, "<input type=\"hidden\" name=\"visit\" value=\"");
		html_int(o, visit);
		RAW(r, "\">\n");
	}
	RAW(r, "<p class=\"actions\"><button type=\"submit\" class=\"button-danger\">");
	html_txt(o, _(r, "Effacer définitivement"));
	RAW(r, "</button> <a href=\"");
	html_attr(o, visit ? page_record_path(r, "visits", visit, "") : "/visits");
	RAW(r, "\">");
	html_txt(o, _(r, "Annuler et revenir à la visite"));
	RAW(r, "</a></p>\n");
	ui_form_end(r);
	ui_page_end(r);
	return 0;
}

int page_privacy_erase(req *r)
{
	if (!page_require_login(r) || !page_require_form(r))
		return 0;
	store_visitor p;
	store_site site;
	if (load_person(r, &p, &site) != 0)
		return 0;
	if (!may_erase(r, p.site_id)) {
		ui_error_page(r, 403,
		              N_("Seules les personnes qui enregistrent dans ce lieu peuvent effacer "
		                 "l'identité d'une personne."));
		return 0;
	}
	int rc = store_visitor_erase(r->app->store, p.id, now_s());
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	int64_t visit = back_visit(r, page_field(r, "visit"));
	return page_stored(r, rc, "delete", "visitor", p.id, p.site_id, "identity erased",
	                   visit ? page_record_path(r, "visits", visit, "?erased=1") : "/visits");
}
