/*
 * page_catalog.c: the reference data administrators edit (partner
 * operators, the catalog of procedures: list, add, edit, deactivate) and
 * the recording settings of a site (its correction window), which its
 * managers set. Records are never deleted from the catalog: visits point
 * at them; a deactivated entry leaves the recording form but stays readable.
 */
#include <string.h>

#include "app.h"
#include "catalog.h"
#include "html.h"
#include "i18n.h"
#include "limits.h"
#include "page.h"
#include "ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))
#define ADMIN ROLE_BIT(ROLE_ADMIN)

/* The longest correction window a site may set, in days: a year, after
 * which the statistics of a year are final. */
#define CORRECTION_DAYS_MAX 365

static void th(req *r, const char *text)
{
	RAW(r, "<th scope=\"col\">");
	html_txt(&r->out, text);
	RAW(r, "</th>");
}

static void td(req *r, const char *text)
{
	RAW(r, "<td>");
	html_txt(&r->out, text);
	RAW(r, "</td>");
}

static const char *yes_no(req *r, int v)
{
	return v ? _(r, "oui") : _(r, "non");
}

static void button_link(req *r, const char *href, const char *text)
{
	RAW(r, "<p><a class=\"button\" href=\"");
	html_attr(&r->out, href);
	RAW(r, "\">");
	html_txt(&r->out, text);
	RAW(r, "</a></p>\n");
}

static void other_list(req *r, const char *href, const char *text)
{
	RAW(r, "<p><a href=\"");
	html_attr(&r->out, href);
	RAW(r, "\">");
	html_txt(&r->out, text);
	RAW(r, "</a></p>\n");
}

static void read_int(req *r, const char *name, int64_t min, int64_t max, int64_t *out, field_errors *e,
                     const char *msgid)
{
	const char *s = page_field(r, name);
	*out = 0;
	if (*s && parse_int64(s, min, max, out) != 0)
		field_error_add(e, name, msgid);
}

/* ---- Operators ------------------------------------------------------- */

int page_operators_list(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_operator *ops = NULL;
	size_t n = 0;
	if (store_operator_list(r->app->store, r->arena, 0, &ops, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	ui_page_begin(r, _(r, "Organismes partenaires"));
	if (http_query(r, "saved"))
		ui_notice(r, "success", _(r, "Organisme enregistré."));
	button_link(r, "/admin/operators/new", _(r, "Ajouter un organisme"));
	other_list(r, "/admin/procedures", _(r, "Voir le catalogue des démarches"));
	RAW(r, "<div class=\"table-wrap\"><table><caption>");
	html_txt(&r->out, _(r, "Organismes, dans l'ordre du formulaire de visite"));
	RAW(r, "</caption><thead><tr>");
	th(r, _(r, "Nom"));
	th(r, _(r, "Code"));
	th(r, _(r, "Partenaire national"));
	th(r, _(r, "Délai de réponse (jours)"));
	th(r, _(r, "Actif"));
	RAW(r, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<tr><td><a href=\"/admin/operators/");
		html_url_arg(&r->out, ops[i].code);
		RAW(r, "/edit\">");
		html_txt(&r->out, ops[i].name);
		RAW(r, "</a></td>");
		td(r, ops[i].code);
		td(r, yes_no(r, ops[i].national));
		td(r, ops[i].deadline_days ? page_int_text(r, ops[i].deadline_days) : _(r, "Non fixé"));
		td(r, yes_no(r, ops[i].active));
		RAW(r, "</tr>\n");
	}
	RAW(r, "</tbody></table></div>\n");
	ui_page_end(r);
	return 0;
}

static void operator_form(req *r, const store_operator *o, int creating, const char *deadline,
                          const char *sort, const field_errors *e)
{
	ui_page_begin(r, creating ? _(r, "Ajouter un organisme") : _(r, "Modifier l'organisme"));
	ui_error_summary(r, e);
	const char *action = "/admin/operators";
	if (!creating) {
		buf b;
		buf_init(&b, LIMIT_URL_BYTES);
		buf_puts(&b, "/admin/operators/");
		html_url_arg(&b, o->code);
		buf_puts(&b, "/edit");
		action = arena_strdup(r->arena, b.data ? b.data : "");
		buf_free(&b);
	}
	ui_form_begin(r, action ? action : "/admin/operators");
	if (creating) {
		ui_field c = {
		    .name = "code",
		    .label = _(r, "Code"),
		    .hint = _(r, "2 à 32 lettres minuscules, chiffres ou « _ », par exemple caf_35. Il ne "
		                 "pourra plus être changé."),
		    .value = o->code,
		    .type = "text",
		    .autocomplete = "off",
		    .required = 1};
		ui_input(r, &c, e);
	} else {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Code :"));
		RAW(r, " <code>");
		html_txt(&r->out, o->code);
		RAW(r, "</code></p>\n");
	}
	ui_field nm = {.name = "name", .label = _(r, "Nom"), .value = o->name, .type = "text", .required = 1};
	ui_input(r, &nm, e);
	ui_field dl = {.name = "deadline_days",
	               .label = _(r, "Délai de réponse du service de l'organisme (jours)"),
	               .hint = _(r, "Laisser vide s'il n'est pas fixé."),
	               .value = deadline,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &dl, e);
	ui_field so = {.name = "sort",
	               .label = _(r, "Ordre d'affichage"),
	               .hint = _(r, "Les plus petits nombres viennent en premier."),
	               .value = sort,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &so, e);
	page_checkbox(r, "national", _(r, "Partenaire national du programme France Services"), o->national);
	page_checkbox(r, "active", _(r, "Actif (proposé dans le formulaire de visite)"), o->active);
	ui_submit(r, creating ? _(r, "Ajouter l'organisme") : _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

static void read_operator(req *r, store_operator *o, const char **deadline, const char **sort,
                          field_errors *e)
{
	o->name = (char *)page_field(r, "name");
	*deadline = page_field(r, "deadline_days");
	*sort = page_field(r, "sort");
	/* The range is the domain's (catalog_operator_validate). */
	read_int(r, "deadline_days", 0, INT32_MAX, &o->deadline_days, e, "Le délai est un nombre de jours.");
	read_int(r, "sort", -1000000, 1000000, &o->sort, e, "L'ordre d'affichage est un nombre entier.");
	o->national = *page_field(r, "national") != '\0';
	o->active = *page_field(r, "active") != '\0';
}

int page_operator_new(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_operator o = {.code = "", .name = "", .active = 1};
	field_errors e = {0};
	operator_form(r, &o, 1, "", "", &e);
	return 0;
}

int page_operator_create(req *r)
{
	if (!page_require_role(r, ADMIN) || !page_require_form(r))
		return 0;
	store_operator o = {0};
	const char *deadline, *sort;
	field_errors e = {0};
	o.code = (char *)page_field(r, "code");
	read_operator(r, &o, &deadline, &sort, &e);
	field_errors more = {0};
	if (catalog_operator_validate(&o, &more) != 0)
		for (size_t i = 0; i < more.n && i < COUNT(more.v); i++)
			if (!more.v[i].field || !field_error_for(&e, more.v[i].field))
				field_error_add(&e, more.v[i].field, more.v[i].msgid);
	int rc = e.n ? STORE_OK : store_operator_insert(r->app->store, &o);
	if (rc == STORE_CONFLICT)
		field_error_add(&e, "code", "Ce code est déjà celui d'un autre organisme.");
	else if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	if (e.n) {
		http_status(r, 400);
		operator_form(r, &o, 1, deadline, sort, &e);
		return 0;
	}
	auth_audit(r, "create", "operator", 0, 0, o.code);
	http_redirect(r, "/admin/operators?saved=1");
	return 0;
}

static int load_operator(req *r, store_operator *o)
{
	const char *code = http_param(r, 0);
	if (!code || store_operator_get(r->app->store, r->arena, code, o) != STORE_OK) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

int page_operator_edit(req *r)
{
	store_operator o;
	if (!page_require_role(r, ADMIN) || load_operator(r, &o) != 0)
		return 0;
	field_errors e = {0};
	operator_form(r, &o, 0, page_int_text(r, o.deadline_days), page_int_text(r, o.sort), &e);
	return 0;
}

int page_operator_update(req *r)
{
	store_operator o;
	if (!page_require_role(r, ADMIN) || load_operator(r, &o) != 0 || !page_require_form(r))
		return 0;
	const char *deadline, *sort;
	field_errors e = {0}, more = {0};
	read_operator(r, &o, &deadline, &sort, &e);
	if (catalog_operator_validate(&o, &more) != 0)
		for (size_t i = 0; i < more.n && i < COUNT(more.v); i++)
			if (!more.v[i].field || !field_error_for(&e, more.v[i].field))
				field_error_add(&e, more.v[i].field, more.v[i].msgid);
	if (e.n) {
		http_status(r, 400);
		operator_form(r, &o, 0, deadline, sort, &e);
		return 0;
	}
	if (store_operator_update(r->app->store, &o) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "operator", 0, 0, o.code);
	http_redirect(r, "/admin/operators?saved=1");
	return 0;
}

/* ---- Procedures ------------------------------------------------------ */

int page_procedures_list(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_procedure *p = NULL;
	store_operator *ops = NULL;
	store_theme *themes = NULL;
	size_t n = 0, nops = 0, nt = 0;
	if (store_procedure_list(r->app->store, r->arena, 0, &p, &n) != STORE_OK ||
	    store_operator_list(r->app->store, r->arena, 0, &ops, &nops) != STORE_OK ||
	    store_theme_list(r->app->store, r->arena, &themes, &nt) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	ui_page_begin(r, _(r, "Catalogue des démarches"));
	if (http_query(r, "saved"))
		ui_notice(r, "success", _(r, "Démarche enregistrée."));
	button_link(r, "/admin/procedures/new", _(r, "Ajouter une démarche"));
	other_list(r, "/admin/operators", _(r, "Voir les organismes partenaires"));
	RAW(r, "<div class=\"table-wrap\"><table><caption>");
	html_txt(&r->out, _(r, "Démarches du catalogue"));
	RAW(r, "</caption><thead><tr>");
	th(r, _(r, "Démarche"));
	th(r, _(r, "Thème"));
	th(r, _(r, "Organisme habituel"));
	th(r, _(r, "Active"));
	RAW(r, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const char *theme = p[i].theme_code, *op = p[i].operator_code;
		for (size_t k = 0; k < nt; k++)
			if (str_eq(themes[k].code, theme))
				theme = _(r, themes[k].label);
		for (size_t k = 0; k < nops; k++)
			if (str_eq(ops[k].code, op))
				op = ops[k].name;
		RAW(r, "<tr><td><a href=\"/admin/procedures/");
		html_int(&r->out, p[i].id);
		RAW(r, "/edit\">");
		html_txt(&r->out, p[i].label);
		RAW(r, "</a></td>");
		td(r, theme);
		td(r, *op ? op : "—");
		td(r, yes_no(r, p[i].active));
		RAW(r, "</tr>\n");
	}
	RAW(r, "</tbody></table></div>\n");
	ui_page_end(r);
	return 0;
}

static void procedure_form(req *r, const store_procedure *p, const field_errors *e)
{
	int creating = p->id == 0;
	ui_page_begin(r, creating ? _(r, "Ajouter une démarche") : _(r, "Modifier la démarche"));
	ui_error_summary(r, e);
	const char *action = creating
	                         ? "/admin/procedures"
	                         : arena_printf(r->arena, "/admin/procedures/%lld/edit", (long long)p->id);
	ui_form_begin(r, action ? action : "/admin/procedures");
	ui_field lb = {
	    .name = "label", .label = _(r, "Intitulé"), .value = p->label, .type = "text", .required = 1};
	ui_input(r, &lb, e);
	store_theme *themes = NULL;
	store_operator *ops = NULL;
	size_t nt = 0, nops = 0;
	ui_option *to = NULL, *oo = NULL;
	if (store_theme_list(r->app->store, r->arena, &themes, &nt) == STORE_OK &&
	    (to = arena_alloc(r->arena, (nt + 1) * sizeof *to))) {
		for (size_t i = 0; i < nt; i++)
			to[i] = (ui_option){themes[i].code, _(r, themes[i].label)};
		page_opt_group g = {NULL, to, nt};
		page_select_groups(r, "theme_code", _(r, "Thème"), _(r, "— Choisir un thème —"),
		                   p->theme_code, &g, 1, e, 0);
	}
	if (store_operator_list(r->app->store, r->arena, 0, &ops, &nops) == STORE_OK &&
	    (oo = arena_alloc(r->arena, (nops + 1) * sizeof *oo))) {
		for (size_t i = 0; i < nops; i++)
			oo[i] = (ui_option){ops[i].code, ops[i].name};
		page_opt_group g = {NULL, oo, nops};
		page_select_groups(r, "operator_code", _(r, "Organisme habituel"), _(r, "Aucun"),
		                   p->operator_code, &g, 1, e, 0);
	}
	ui_field url = {.name = "url",
	                .label = _(r, "Lien officiel"),
	                .hint = _(r, "Adresse commençant par https://, par exemple sur service-public.fr."),
	                .value = p->url,
	                .type = "url",
	                .autocomplete = "off"};
	ui_input(r, &url, e);
	ui_field docs = {.name = "documents",
	                 .label = _(r, "Pièces à apporter"),
	                 .hint = _(r, "Une par ligne."),
	                 .value = p->documents};
	ui_textarea(r, &docs, e);
	page_checkbox(r, "active", _(r, "Active (proposée dans le formulaire de visite)"), p->active);
	ui_submit(r, creating ? _(r, "Ajouter la démarche") : _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

static void read_procedure(req *r, store_procedure *p)
{
	p->label = (char *)page_field(r, "label");
	p->theme_code = (char *)page_field(r, "theme_code");
	p->operator_code = (char *)page_field(r, "operator_code");
	p->url = (char *)page_field(r, "url");
	p->documents = (char *)page_field(r, "documents");
	p->active = *page_field(r, "active") != '\0';
}

int page_procedure_new(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_procedure p = {
	    .label = "", .theme_code = "", .operator_code = "", .url = "", .documents = "", .active = 1};
	field_errors e = {0};
	procedure_form(r, &p, &e);
	return 0;
}

int page_procedure_create(req *r)
{
	if (!page_require_role(r, ADMIN) || !page_require_form(r))
		return 0;
	store_procedure p = {0};
	read_procedure(r, &p);
	field_errors e = {0};
	if (catalog_procedure_validate(r->app->store, &p, &e) != 0) {
		http_status(r, 400);
		procedure_form(r, &p, &e);
		return 0;
	}
	int64_t id = 0;
	if (store_procedure_insert(r->app->store, &p, &id) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "create", "procedure", id, 0, NULL);
	http_redirect(r, "/admin/procedures?saved=1");
	return 0;
}

static int load_procedure(req *r, store_procedure *p)
{
	int64_t id;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0 ||
	    store_procedure_get(r->app->store, r->arena, id, p) != STORE_OK) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

int page_procedure_edit(req *r)
{
	store_procedure p;
	if (!page_require_role(r, ADMIN) || load_procedure(r, &p) != 0)
		return 0;
	field_errors e = {0};
	procedure_form(r, &p, &e);
	return 0;
}

int page_procedure_update(req *r)
{
	store_procedure p;
	if (!page_require_role(r, ADMIN) || load_procedure(r, &p) != 0 || !page_require_form(r))
		return 0;
	read_procedure(r, &p);
	field_errors e = {0};
	if (catalog_procedure_validate(r->app->store, &p, &e) != 0) {
		http_status(r, 400);
		procedure_form(r, &p, &e);
		return 0;
	}
	if (store_procedure_update(r->app->store, &p) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "procedure", p.id, 0, NULL);
	http_redirect(r, "/admin/procedures?saved=1");
	return 0;
}

/* ---- Recording settings of a site --------------------------------------- */

/* The site in the path, if the user may change its settings (a manager of
 * the site, or an administrator); 404 or 403 otherwise. */
static int load_site_settings(req *r, store_site *site)
{
	int64_t id;
	if (!page_require_login(r))
		return -1;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0 ||
	    store_site_get(r->app->store, r->arena, id, site) != STORE_OK || !auth_site_visible(r, site)) {
		page_not_found(r);
		return -1;
	}
	const struct session *s = r->session;
	if (s->role != ROLE_ADMIN && !(s->role == ROLE_MANAGER && auth_user_has_site(&s->user, id))) {
		ui_error_page(
		    r, 403,
		    "Seuls les responsables du lieu et les administrateurs en changent les réglages.");
		return -1;
	}
	return 0;
}

static void settings_form(req *r, const store_site *site, const char *days, const field_errors *e)
{
	ui_page_begin(r, _(r, "Réglages de l'enregistrement"));
	if (http_query(r, "saved"))
		ui_notice(r, "success", _(r, "Réglages enregistrés."));
	ui_error_summary(r, e);
	RAW(r, "<p>");
	html_txt(&r->out, _(r, "Lieu :"));
	RAW(r, " <a href=\"/sites/");
	html_int(&r->out, site->id);
	RAW(r, "\">");
	html_txt(&r->out, site->name);
	RAW(r, "</a></p>\n");
	const char *action = arena_printf(r->arena, "/sites/%lld/settings", (long long)site->id);
	ui_form_begin(r, action ? action : "/sites");
	ui_field f = {
	    .name = "correction_days",
	    .label = _(r, "Délai de correction (jours)"),
	    .hint = _(r, "Pendant combien de jours après l'enregistrement une visite ou un atelier peut "
	                 "encore être corrigé ou supprimé. 0 : aucune correction. 365 au plus."),
	    .value = days,
	    .type = "text",
	    .autocomplete = "off",
	    .required = 1};
	ui_input(r, &f, e);
	ui_submit(r, _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

int page_site_settings(req *r)
{
	store_site site;
	if (load_site_settings(r, &site) != 0)
		return 0;
	int64_t days = 0;
	if (store_site_correction_days(r->app->store, site.id, &days) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	field_errors e = {0};
	const char *s = arena_printf(r->arena, "%lld", (long long)days);
	settings_form(r, &site, s ? s : "", &e);
	return 0;
}

int page_site_settings_post(req *r)
{
	store_site site;
	if (load_site_settings(r, &site) != 0 || !page_require_form(r))
		return 0;
	const char *s = page_field(r, "correction_days");
	int64_t days;
	if (parse_int64(s, 0, CORRECTION_DAYS_MAX, &days) != 0) {
		field_errors e = {0};
		field_error_add(&e, "correction_days",
		                "Le délai de correction est un nombre de jours, de 0 à 365.");
		http_status(r, 400);
		settings_form(r, &site, s, &e);
		return 0;
	}
	if (store_site_set_correction_days(r->app->store, site.id, days) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "site", site.id, site.id, "correction_days");
	const char *to = arena_printf(r->arena, "/sites/%lld/settings?saved=1", (long long)site.id);
	http_redirect(r, to ? to : "/sites");
	return 0;
}
