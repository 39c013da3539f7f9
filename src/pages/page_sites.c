/*
 * page_sites.c: the sites (lieux d'accueil): list, page, creation and
 * editing. Who sees what is decided by auth_site_visible; a site the user
 * may not see answers like a missing one. Who may move a site to another
 * département is the rule table's (docs/access.md).
 */
#include <string.h>

#include "app/app.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "pages/pages.h"
#include "domain/access.h"
#include "domain/site.h"
#include "web/ui.h"

/* Loads a site the user may see; 0, or answers 404 and returns -1. */
static int load_visible(req *r, store_site *site)
{
	return page_path_site(r, site);
}

static int may_edit(const req *r, const store_site *site)
{
	const struct session *s = r->session;
	return s->role == ROLE_ADMIN || (s->role == ROLE_MANAGER && auth_user_has_site(&s->user, site->id));
}

/* The site of the path for its edit form and its POST: logged in, visible,
 * and the user may edit it; 0, or -1 once the page has answered. */
static int load_editable(req *r, store_site *site)
{
	if (!page_require_login(r) || load_visible(r, site) != 0)
		return -1;
	if (!may_edit(r, site)) {
		ui_error_page(r, 403, "Votre rôle ne permet pas de modifier ce lieu.");
		return -1;
	}
	return 0;
}

int page_sites_list(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_site *sites = NULL;
	size_t n = 0;
	const struct session *s = r->session;
	const char *dep = s->role == ROLE_COORDINATOR ? s->user.departement : NULL;
	if (store_site_list(r->app->store, r->arena, dep, &sites, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	ui_page_begin(r, _(r, "Lieux"));
	buf *o = &r->out;
	if (s->role == ROLE_ADMIN) {
		html_raw_trusted(o, "<p><a class=\"button\" href=\"/sites/new\">");
		html_txt(o, _(r, "Ajouter un lieu"));
		html_raw_trusted(o, "</a></p>");
	}
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!auth_site_visible(r, &sites[i]))
			continue;
		if (shown++ == 0) {
			ui_table_begin(r, NULL, _(r, "Lieux que vous pouvez consulter"));
			ui_th(r, _(r, "Nom"));
			ui_th(r, _(r, "Type"));
			ui_th(r, _(r, "Code commune"));
			ui_th(r, _(r, "Département"));
			ui_table_body(r);
		}
		html_raw_trusted(o, "<tr><td><a href=\"/sites/");
		html_int(o, sites[i].id);
		html_raw_trusted(o, "\">");
		html_txt(o, sites[i].name);
		html_raw_trusted(o, "</a></td><td>");
		html_txt(o, _(r, site_type_label(sites[i].type)));
		html_raw_trusted(o, "</td><td>");
		html_txt(o, sites[i].commune_insee);
		html_raw_trusted(o, "</td><td>");
		html_txt(o, sites[i].departement);
		html_raw_trusted(o, "</td></tr>");
	}
	if (shown)
		ui_table_end(r);
	else {
		html_raw_trusted(o, "<p>");
		html_txt(o, _(r, "Aucun lieu pour le moment."));
		html_raw_trusted(o, "</p>");
	}
	ui_page_end(r);
	return 0;
}

/* The pages that welcome the public at a site, as far as the reader may
 * open them: the queue, its settings, the kiosk, the public screen, the
 * notices and the recordings of public phrases. */
static void welcome_links(req *r, const store_site *site)
{
	const store_user *u = &r->session->user;
	int serve = access_may_serve_queue(u, site->id), configure = access_may_configure_queue(u, site->id);
	int notices = access_notices(u, site);
	const struct {
		int shown;
		const char *path, *label;
	} links[] = {
	    {serve || configure, "queue", N_("File d'attente")},
	    {configure, "queue/settings", N_("Réglages de la file d'attente")},
	    {configure, "kiosk", N_("Borne d'accueil")},
	    {serve || configure, "screen", N_("Écran de la salle d'attente")},
	    {notices != ACCESS_NOTICES_NONE, "notices", N_("Avis au public")},
	    {configure, "audio", N_("Enregistrements des phrases publiques")},
	    {configure, "phrases", N_("Formulation des phrases publiques")},
	};
	buf *o = &r->out;
	int any = 0;
	for (size_t i = 0; i < COUNT(links); i++) {
		if (!links[i].shown)
			continue;
		if (!any) {
			html_raw_trusted(o, "<h2>");
			html_txt(o, _(r, "Accueil du public"));
			html_raw_trusted(o, "</h2>\n<ul>");
			any = 1;
		}
		html_raw_trusted(o, "<li><a href=\"/sites/");
		html_int(o, site->id);
		html_raw_trusted(o, "/");
		html_raw_trusted(o, links[i].path);
		html_raw_trusted(o, "\">");
		html_txt(o, _(r, links[i].label));
		html_raw_trusted(o, "</a></li>");
	}
	if (any)
		html_raw_trusted(o, "</ul>\n");
}

int page_site_show(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_site site;
	if (load_visible(r, &site) != 0)
		return 0;
	ui_page_begin(r, site.name);
	buf *o = &r->out;
	html_raw_trusted(o, "<dl class=\"details\">");
	ui_dl_item(r, _(r, "Type"), _(r, site_type_label(site.type)));
	ui_dl_item(r, _(r, "Code commune"), site.commune_insee);
	ui_dl_item(r, _(r, "Département"), site.departement);
	ui_dl_item(r, _(r, "Adresse"), site.address);
	ui_dl_item(r, _(r, "Horaires d'ouverture"), site.opening_hours);
	char phone[SITE_PHONE_SIZE];
	site_phone_display(site.phone, phone);
	ui_dl_item(r, _(r, "Téléphone pour le public"), phone);

	const char **codes;
	size_t n = page_split_codes(r, site.languages, &codes);
	buf langs;
	buf_init(&langs, LIMIT_TEXT_BYTES);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&langs, ", ");
		buf_puts(&langs, page_language_label(r, codes[i]));
	}
	ui_dl_item(r, _(r, "Langues parlées"), langs.data);
	buf_reset(&langs);
	n = page_split_codes(r, site.accessibility, &codes);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&langs, ", ");
		buf_puts(&langs, _(r, site_access_label(codes[i])));
	}
	ui_dl_item(r, _(r, "Accessibilité des locaux"), langs.data);
	buf_free(&langs);
	ui_dl_item(r, _(r, "Précisions sur l'accessibilité"), site.accessibility_note);
	html_raw_trusted(o, "</dl>");
	if (may_edit(r, &site)) {
		html_raw_trusted(o, "<p><a class=\"button\" href=\"/sites/");
		html_int(o, site.id);
		html_raw_trusted(o, "/edit\">");
		html_txt(o, _(r, "Modifier ce lieu"));
		html_raw_trusted(o, "</a> <a class=\"button button-secondary\" href=\"/sites/");
		html_int(o, site.id);
		html_raw_trusted(o, "/settings\">");
		html_txt(o, _(r, "Réglages de l'enregistrement"));
		html_raw_trusted(o, "</a></p>");
	}
	welcome_links(r, &site);
	ui_page_end(r);
	return 0;
}

static void site_form(req *r, const store_site *site, const ui_errors *e)
{
	int creating = site->id == 0;
	ui_page_begin(r, creating ? _(r, "Ajouter un lieu") : _(r, "Modifier le lieu"));
	ui_error_summary(r, e);
	const char *action =
	    creating ? "/sites" : arena_printf(r->arena, "/sites/%lld/edit", (long long)site->id);
	ui_form_begin(r, action ? action : "/sites");
	ui_field f = {
	    .name = "name", .label = _(r, "Nom du lieu"), .value = site->name, .type = "text", .required = 1};
	ui_input(r, &f, e);

	size_t nt = site_type_count();
	ui_option *types = arena_alloc(r->arena, (nt + 1) * sizeof *types);
	if (types) {
		for (size_t i = 0; i < nt; i++) {
			types[i].value = site_type_code(i);
			types[i].label = _(r, site_type_label(site_type_code(i)));
		}
		ui_field t = {
		    .name = "type", .label = _(r, "Type de lieu"), .value = site->type, .required = 1};
		ui_select(r, &t, types, nt, e);
	}
	ui_field c = {.name = "commune_insee",
	              .label = _(r, "Code commune (INSEE)"),
	              .hint =
	                  _(r, "5 caractères, par exemple 35238 pour Rennes. Ce n'est pas le code postal."),
	              .value = site->commune_insee,
	              .type = "text"};
	ui_input(r, &c, e);
	ui_field a = {.name = "address",
	              .label = _(r, "Adresse"),
	              .value = site->address,
	              .type = "text",
	              .autocomplete = "street-address"};
	ui_textarea(r, &a, e);
	ui_field h = {.name = "opening_hours",
	              .label = _(r, "Horaires d'ouverture"),
	              .hint = _(r, "Par exemple : lundi au vendredi 9 h – 12 h et 13 h 30 – 17 h."),
	              .value = site->opening_hours,
	              .type = "text"};
	ui_textarea(r, &h, e);
	char phone[SITE_PHONE_SIZE];
	site_phone_display(site->phone, phone);
	ui_field ph = {.name = "phone",
	               .label = _(r, "Téléphone pour le public"),
	               .hint = _(r, "Imprimé sur le résumé remis aux personnes. Par exemple 02 99 00 00 00, "
	                            "+33 2 99 00 00 00 ou un numéro court comme 3939."),
	               .value = phone,
	               .type = "tel",
	               .autocomplete = "tel"};
	ui_input(r, &ph, e);

	size_t nspoken;
	const ui_option *spoken = page_site_languages(&nspoken);
	ui_option *langs = arena_alloc(r->arena, nspoken * sizeof *langs);
	const char **sel;
	size_t nsel = page_split_codes(r, site->languages, &sel);
	if (langs) {
		for (size_t i = 0; i < nspoken; i++) {
			langs[i].value = spoken[i].value;
			langs[i].label = _(r, spoken[i].label);
		}
		ui_checkboxes(r, "languages", _(r, "Langues parlées à l'accueil"), langs, nspoken, sel, nsel,
		              e);
	}
	size_t na = site_access_count();
	ui_option *acc = arena_alloc(r->arena, (na + 1) * sizeof *acc);
	nsel = page_split_codes(r, site->accessibility, &sel);
	if (acc) {
		for (size_t i = 0; i < na; i++) {
			acc[i].value = site_access_code(i);
			acc[i].label = _(r, site_access_label(site_access_code(i)));
		}
		ui_checkboxes(r, "accessibility", _(r, "Accessibilité des locaux"), acc, na, sel, nsel, e);
	}
	ui_field an = {.name = "accessibility_note",
	               .label = _(r, "Précisions sur l'accessibilité"),
	               .value = site->accessibility_note,
	               .type = "text"};
	ui_textarea(r, &an, e);
	ui_submit(r, creating ? _(r, "Ajouter le lieu") : _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

/* Reads the form into site; the fields not in the form are left as they are. */
static void read_form(req *r, store_site *site)
{
	site->name = (char *)page_field(r, "name");
	site->type = (char *)page_field(r, "type");
	site->commune_insee = (char *)page_field(r, "commune_insee");
	site->address = (char *)page_field(r, "address");
	site->opening_hours = (char *)page_field(r, "opening_hours");
	const char **v;
	size_t n = page_field_all(r, "languages", &v);
	site->languages = page_join_codes(r, v, n);
	n = page_field_all(r, "accessibility", &v);
	site->accessibility = page_join_codes(r, v, n);
	site->accessibility_note = (char *)page_field(r, "accessibility_note");
	site->phone = (char *)page_field(r, "phone");
}

int page_site_new(req *r)
{
	if (!page_require_role(r, ROLE_BIT(ROLE_ADMIN)))
		return 0;
	store_site site = {.type = "france_services"};
	ui_errors e = {0};
	site_form(r, &site, &e);
	return 0;
}

int page_site_create(req *r)
{
	if (!page_require_role(r, ROLE_BIT(ROLE_ADMIN)) || !page_require_csrf(r))
		return 0;
	store_site site = {0};
	read_form(r, &site);
	ui_errors e = {0};
	int64_t id = 0;
	if (site_validate(&site, &e) != 0) {
		http_status(r, 400);
		site_form(r, &site, &e);
		return 0;
	}
	if (store_site_insert(r->app->store, &site, &id) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "create", "site", id, id, NULL);
	char *to = arena_printf(r->arena, "/sites/%lld", (long long)id);
	http_redirect(r, to ? to : "/sites");
	return 0;
}

int page_site_edit(req *r)
{
	store_site site;
	if (load_editable(r, &site) != 0)
		return 0;
	ui_errors e = {0};
	site_form(r, &site, &e);
	return 0;
}

int page_site_update(req *r)
{
	store_site site;
	if (load_editable(r, &site) != 0)
		return 0;
	if (!page_require_csrf(r))
		return 0;
	const char *dep_before = arena_strdup(r->arena, site.departement ? site.departement : "");
	read_form(r, &site);
	ui_errors e = {0};
	int bad = site_validate(&site, &e) != 0;
	/* The département follows the commune, and with it which coordinator
	 * sees the site and where its figures count. */
	if (!bad && !access_may_place_site(&r->session->user, dep_before, site.departement)) {
		field_error_add(&e, "commune_insee",
		                "Choisissez une commune du département du lieu : seul un administrateur peut "
		                "placer un lieu dans un autre département.");
		bad = 1;
	}
	if (bad) {
		http_status(r, 400);
		site_form(r, &site, &e);
		return 0;
	}
	if (store_site_update(r->app->store, &site) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "site", site.id, site.id, NULL);
	char *to = arena_printf(r->arena, "/sites/%lld", (long long)site.id);
	http_redirect(r, to ? to : "/sites");
	return 0;
}
