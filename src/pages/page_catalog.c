/*
 * page_catalog.c: the reference data administrators edit (partner
 * operators, the catalog of procedures: list, add, edit, deactivate; the
 * labels of the 11 themes; the digital-skills topics of workshops) and
 * the recording settings of a site (its correction window), which its
 * managers set. Records are never deleted from the catalog: visits point
 * at them; a deactivated entry leaves the recording form but stays readable.
 */
#include <string.h>

#include "app/app.h"
#include "domain/catalog.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))
#define ADMIN ROLE_BIT(ROLE_ADMIN)

/* The longest correction window a site may set, in days: a year, after
 * which the statistics of a year are final. */
#define CORRECTION_DAYS_MAX 365

static void td(req *r, const char *text)
{
	RAW(r, "<td>");
	html_txt(&r->out, text);
	RAW(r, "</td>");
}

/* A cell of French data (a name of the catalog). */
static void td_fr(req *r, const char *text)
{
	RAW(r, "<td");
	ui_attr_lang_fr(r);
	RAW(r, ">");
	html_txt(&r->out, text);
	RAW(r, "</td>");
}

static const char *yes_no(req *r, int v)
{
	return v ? _(r, "oui") : _(r, "non");
}

static void button_line(req *r, const char *href, const char *text)
{
	RAW(r, "<p><a class=\"button\" href=\"");
	html_attr(&r->out, href);
	RAW(r, "\">");
	html_txt(&r->out, text);
	RAW(r, "</a></p>\n");
}

/* The links between the four catalog lists, at the top of each catalog
 * page; current is the href of the list shown, NULL on a form. */
static void catalog_nav(req *r, const char *current)
{
	static const char *const links[][2] = {{"/admin/operators", N_("Organismes partenaires")},
	                                       {"/admin/procedures", N_("Démarches")},
	                                       {"/admin/themes", N_("Thèmes des démarches")},
	                                       {"/admin/topics", N_("Thèmes des ateliers")}};
	RAW(r, "<nav class=\"sub-nav\" aria-label=\"");
	html_attr(&r->out, _(r, "Catalogue"));
	RAW(r, "\"><ul>");
	for (size_t i = 0; i < COUNT(links); i++) {
		RAW(r, "<li><a href=\"");
		html_attr(&r->out, links[i][0]);
		RAW(r, str_eq(current, links[i][0]) ? "\" aria-current=\"page\">" : "\">");
		html_txt(&r->out, _(r, links[i][1]));
		RAW(r, "</a></li>");
	}
	RAW(r, "</ul></nav>\n");
}

/* The top of a catalog list, the same for the four of them: the title, the
 * links to the others, the notice of a save, the link to add one (none for
 * the themes), and the table up to its header row's <tr>. Texts are
 * translated. */
typedef struct list_head {
	const char *title, *current, *saved, *add_href, *add, *caption;
} list_head;

static void list_begin(req *r, const list_head *h)
{
	ui_page_begin(r, h->title);
	catalog_nav(r, h->current);
	if (http_query(r, "saved"))
		ui_notice(r, "success", h->saved);
	if (h->add_href)
		button_line(r, h->add_href, h->add);
	ui_table_begin(r, NULL, h->caption);
}

static void read_int(req *r, const char *name, int64_t min, int64_t max, int64_t *out, field_errors *e,
                     const char *msgid)
{
	const char *s = page_field(r, name);
	*out = 0;
	if (*s && parse_int64(s, min, max, out) != 0)
		field_error_add(e, name, msgid);
}

/* The action of an edit form: prefix, the code as a path segment, "/edit". */
static const char *edit_action(req *r, const char *prefix, const char *code)
{
	buf b;
	buf_init(&b, LIMIT_URL_BYTES);
	buf_puts(&b, prefix);
	html_url_arg(&b, code);
	buf_puts(&b, "/edit");
	const char *action = b.data ? arena_strdup(r->arena, b.data) : NULL;
	buf_free(&b);
	return action;
}

/* The code of a record that cannot change it, shown above its form. */
static void code_line(req *r, const char *code)
{
	RAW(r, "<p>");
	html_txt(&r->out, _(r, "Code :"));
	RAW(r, " <code>");
	html_txt(&r->out, code);
	RAW(r, "</code></p>\n");
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
	list_head h = {
	    _(r, "Organismes partenaires"), "/admin/operators",
	    _(r, "Organisme enregistré."),  "/admin/operators/new",
	    _(r, "Ajouter un organisme"),   _(r, "Organismes, dans l'ordre du formulaire de visite")};
	list_begin(r, &h);
	ui_th(r, _(r, "Nom"));
	ui_th(r, _(r, "Code"));
	ui_th(r, _(r, "Partenaire national"));
	ui_th(r, _(r, "Délai de réponse (jours)"));
	ui_th(r, _(r, "Actif"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<tr><td><a href=\"/admin/operators/");
		html_url_arg(&r->out, ops[i].code);
		RAW(r, "/edit\">");
		ui_txt_fr(r, ops[i].name);
		RAW(r, "</a></td>");
		td(r, ops[i].code);
		td(r, yes_no(r, ops[i].national));
		td(r, ops[i].deadline_days ? page_int_text(r, ops[i].deadline_days) : _(r, "Non fixé"));
		td(r, yes_no(r, ops[i].active));
		RAW(r, "</tr>\n");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}

static void operator_form(req *r, const store_operator *o, int creating, const char *deadline,
                          const char *sort, const field_errors *e)
{
	ui_page_begin(r, creating ? _(r, "Ajouter un organisme") : _(r, "Modifier l'organisme"));
	catalog_nav(r, NULL);
	ui_error_summary(r, e);
	const char *action = creating ? "/admin/operators" : edit_action(r, "/admin/operators/", o->code);
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
	} else
		code_line(r, o->code);
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
	ui_checkbox(r, "national", _(r, "Partenaire national du programme France Services"), o->national);
	ui_checkbox(r, "active", _(r, "Actif (proposé dans le formulaire de visite)"), o->active);
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
	read_int(r, "deadline_days", 0, INT32_MAX, &o->deadline_days, e, N_("Le délai est un nombre de jours."));
	read_int(r, "sort", -1000000, 1000000, &o->sort, e, N_("L'ordre d'affichage est un nombre entier."));
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
		page_merge_errors(&e, &more, NULL);
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
		page_merge_errors(&e, &more, NULL);
	if (e.n) {
		http_status(r, 400);
		operator_form(r, &o, 0, deadline, sort, &e);
		return 0;
	}
	return page_stored(r, store_operator_update(r->app->store, &o), "update", "operator", 0, 0, o.code,
	                   "/admin/operators?saved=1");
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
	list_head h = {_(r, "Catalogue des démarches"), "/admin/procedures",
	               _(r, "Démarche enregistrée."),   "/admin/procedures/new",
	               _(r, "Ajouter une démarche"),    _(r, "Démarches du catalogue")};
	list_begin(r, &h);
	ui_th(r, _(r, "Démarche"));
	ui_th(r, _(r, "Thème"));
	ui_th(r, _(r, "Organisme habituel"));
	ui_th(r, _(r, "Active"));
	ui_table_body(r);
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
		ui_txt_fr(r, p[i].label);
		RAW(r, "</a></td>");
		td(r, theme);
		if (*op)
			td_fr(r, op);
		else
			td(r, "—");
		td(r, yes_no(r, p[i].active));
		RAW(r, "</tr>\n");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}

static void procedure_form(req *r, const store_procedure *p, const field_errors *e)
{
	int creating = p->id == 0;
	ui_page_begin(r, creating ? _(r, "Ajouter une démarche") : _(r, "Modifier la démarche"));
	catalog_nav(r, NULL);
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
		ui_opt_group g = {NULL, to, nt};
		ui_select_groups(r, "theme_code", _(r, "Thème"), _(r, "— Choisir un thème —"), p->theme_code,
		                 &g, 1, e, 0);
	}
	if (store_operator_list(r->app->store, r->arena, 0, &ops, &nops) == STORE_OK &&
	    (oo = arena_alloc(r->arena, (nops + 1) * sizeof *oo))) {
		for (size_t i = 0; i < nops; i++)
			oo[i] = (ui_option){ops[i].code, ops[i].name};
		ui_opt_group g = {NULL, oo, nops};
		ui_select_groups(r, "operator_code", _(r, "Organisme habituel"), _(r, "Aucun"),
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
	ui_checkbox(r, "active", _(r, "Active (proposée dans le formulaire de visite)"), p->active);
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

/* The POST of the procedure form, for a new one (p->id == 0) or a change:
 * the same reading, check and answer. */
static int procedure_post(req *r, store_procedure *p)
{
	read_procedure(r, p);
	field_errors e = {0};
	if (catalog_procedure_validate(r->app->store, p, &e) != 0) {
		http_status(r, 400);
		procedure_form(r, p, &e);
		return 0;
	}
	if (p->id)
		return page_stored(r, store_procedure_update(r->app->store, p), "update", "procedure", p->id,
		                   0, NULL, "/admin/procedures?saved=1");
	int64_t id = 0;
	int rc = store_procedure_insert(r->app->store, p, &id);
	return page_stored(r, rc, "create", "procedure", id, 0, NULL, "/admin/procedures?saved=1");
}

int page_procedure_create(req *r)
{
	if (!page_require_role(r, ADMIN) || !page_require_form(r))
		return 0;
	store_procedure p = {0};
	return procedure_post(r, &p);
}

static int load_procedure(req *r, store_procedure *p)
{
	int64_t id;
	if (page_path_id(r, &id) != 0 || store_procedure_get(r->app->store, r->arena, id, p) != STORE_OK) {
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
	return procedure_post(r, &p);
}

/* ---- Themes and digital-skills topics -------------------------------- */

static void label_input(req *r, const char *value, const char *hint, const field_errors *e)
{
	ui_field lb = {.name = "label",
	               .label = _(r, "Intitulé"),
	               .hint = hint,
	               .value = value,
	               .type = "text",
	               .required = 1};
	ui_input(r, &lb, e);
}

int page_themes_list(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_theme *t = NULL;
	size_t n = 0;
	if (store_theme_list(r->app->store, r->arena, &t, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	list_head h = {_(r, "Thèmes des démarches"),
	               "/admin/themes",
	               _(r, "Thème enregistré."),
	               NULL,
	               NULL,
	               _(r, "Les 11 thèmes de service-public.fr, dans leur ordre")};
	list_begin(r, &h);
	ui_th(r, _(r, "Intitulé"));
	ui_th(r, _(r, "Code"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<tr><td><a href=\"/admin/themes/");
		html_url_arg(&r->out, t[i].code);
		RAW(r, "/edit\">");
		ui_txt_msg(r, t[i].label);
		RAW(r, "</a></td>");
		td(r, t[i].code);
		RAW(r, "</tr>\n");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}

static void theme_form(req *r, const store_theme *t, const field_errors *e)
{
	ui_page_begin(r, _(r, "Modifier le thème"));
	catalog_nav(r, NULL);
	ui_error_summary(r, e);
	const char *action = edit_action(r, "/admin/themes/", t->code);
	ui_form_begin(r, action ? action : "/admin/themes");
	code_line(r, t->code);
	label_input(r, t->label,
	            _(r, "Le code est celui du vocabulaire national et ne change pas : les exports restent "
	                 "comparables."),
	            e);
	ui_submit(r, _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

static int load_theme(req *r, store_theme *t)
{
	const char *code = http_param(r, 0);
	if (!code || store_theme_get(r->app->store, r->arena, code, t) != STORE_OK) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

int page_theme_edit(req *r)
{
	store_theme t;
	if (!page_require_role(r, ADMIN) || load_theme(r, &t) != 0)
		return 0;
	field_errors e = {0};
	theme_form(r, &t, &e);
	return 0;
}

int page_theme_update(req *r)
{
	store_theme t;
	if (!page_require_role(r, ADMIN) || load_theme(r, &t) != 0 || !page_require_form(r))
		return 0;
	t.label = (char *)page_field(r, "label");
	field_errors e = {0};
	if (catalog_theme_validate(&t, &e) != 0) {
		http_status(r, 400);
		theme_form(r, &t, &e);
		return 0;
	}
	return page_stored(r, store_theme_update(r->app->store, &t), "update", "theme", 0, 0, t.code,
	                   "/admin/themes?saved=1");
}

int page_topics_list(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_topic *t = NULL;
	size_t n = 0;
	if (store_topic_list(r->app->store, r->arena, 0, &t, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	list_head h = {_(r, "Thèmes des ateliers"),         "/admin/topics",
	               _(r, "Thème d'atelier enregistré."), "/admin/topics/new",
	               _(r, "Ajouter un thème d'atelier"),  _(r, "Thèmes des ateliers numériques")};
	list_begin(r, &h);
	ui_th(r, _(r, "Intitulé"));
	ui_th(r, _(r, "Code"));
	ui_th(r, _(r, "Actif"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<tr><td><a href=\"/admin/topics/");
		html_url_arg(&r->out, t[i].code);
		RAW(r, "/edit\">");
		ui_txt_msg(r, t[i].label);
		RAW(r, "</a></td>");
		td(r, t[i].code);
		td(r, yes_no(r, t[i].active));
		RAW(r, "</tr>\n");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}

/* A new topic is always active: the checkbox is only on the edit form. */
static void topic_form(req *r, const store_topic *t, int creating, const field_errors *e)
{
	ui_page_begin(r, creating ? _(r, "Ajouter un thème d'atelier") : _(r, "Modifier le thème d'atelier"));
	catalog_nav(r, NULL);
	ui_error_summary(r, e);
	const char *action = creating ? "/admin/topics" : edit_action(r, "/admin/topics/", t->code);
	ui_form_begin(r, action ? action : "/admin/topics");
	if (creating) {
		ui_field c = {
		    .name = "code",
		    .label = _(r, "Code"),
		    .hint =
		        _(r, "2 à 32 lettres minuscules, chiffres ou « _ », par exemple jeux_video. Il ne "
		             "pourra plus être changé."),
		    .value = t->code,
		    .type = "text",
		    .autocomplete = "off",
		    .required = 1};
		ui_input(r, &c, e);
	} else
		code_line(r, t->code);
	label_input(r, t->label, NULL, e);
	if (!creating)
		ui_checkbox(r, "active", _(r, "Actif (proposé dans le formulaire d'atelier)"), t->active);
	ui_submit(r, creating ? _(r, "Ajouter le thème d'atelier") : _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

int page_topic_new(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_topic t = {.code = "", .label = "", .active = 1};
	field_errors e = {0};
	topic_form(r, &t, 1, &e);
	return 0;
}

int page_topic_create(req *r)
{
	if (!page_require_role(r, ADMIN) || !page_require_form(r))
		return 0;
	store_topic t = {
	    .code = (char *)page_field(r, "code"), .label = (char *)page_field(r, "label"), .active = 1};
	field_errors e = {0};
	catalog_topic_validate(&t, 1, &e);
	int rc = e.n ? STORE_OK : store_topic_insert(r->app->store, &t);
	if (rc == STORE_CONFLICT)
		field_error_add(&e, "code", "Ce code est déjà celui d'un autre thème d'atelier.");
	else if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	if (e.n) {
		http_status(r, 400);
		topic_form(r, &t, 1, &e);
		return 0;
	}
	auth_audit(r, "create", "topic", 0, 0, t.code);
	http_redirect(r, "/admin/topics?saved=1");
	return 0;
}

static int load_topic(req *r, store_topic *t)
{
	const char *code = http_param(r, 0);
	if (!code || store_topic_get(r->app->store, r->arena, code, t) != STORE_OK) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

int page_topic_edit(req *r)
{
	store_topic t;
	if (!page_require_role(r, ADMIN) || load_topic(r, &t) != 0)
		return 0;
	field_errors e = {0};
	topic_form(r, &t, 0, &e);
	return 0;
}

int page_topic_update(req *r)
{
	store_topic t;
	if (!page_require_role(r, ADMIN) || load_topic(r, &t) != 0 || !page_require_form(r))
		return 0;
	t.label = (char *)page_field(r, "label");
	t.active = *page_field(r, "active") != '\0';
	field_errors e = {0};
	if (catalog_topic_validate(&t, 0, &e) != 0) {
		http_status(r, 400);
		topic_form(r, &t, 0, &e);
		return 0;
	}
	return page_stored(r, store_topic_update(r->app->store, &t), "update", "topic", 0, 0, t.code,
	                   "/admin/topics?saved=1");
}

/* ---- Recording settings of a site --------------------------------------- */

/* The site in the path, if the user may change its settings (a manager of
 * the site, or an administrator); 404 or 403 otherwise. */
static int load_site_settings(req *r, store_site *site)
{
	if (!page_require_login(r) || page_path_site(r, site) != 0)
		return -1;
	const struct session *s = r->session;
	if (s->role != ROLE_ADMIN && !(s->role == ROLE_MANAGER && auth_user_has_site(&s->user, site->id))) {
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
	const char *to = arena_printf(r->arena, "/sites/%lld/settings?saved=1", (long long)site.id);
	return page_stored(r, store_site_set_correction_days(r->app->store, site.id, days), "update", "site",
	                   site.id, site.id, "correction_days", to ? to : "/sites");
}
