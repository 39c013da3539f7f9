/*
 * page_address_checklist.c: "who to tell" about a new address
 * (docs/addresses.md), and its catalog.
 *
 * - GET /address/checklist: the list to print and hand over, in the
 *   person's language (?lang=, one of the public languages), on one A4
 *   page; each body with how to tell it (the online procedure or the paper
 *   way) and whether the adviser can do it with the person now.
 * - GET and POST /visits/{id}/address-checklist: the same for a visit,
 *   with the items the adviser ticks as done with the person; the visit
 *   records only the items' codes, when and by whom, never the address.
 * - /admin/address-checklist: the administrators edit the catalog like
 *   the operators (code, texts, "with the adviser", order, active).
 *
 * The adviser's controls are in the adviser's language and are not printed.
 * Catalog texts are French data: those of the seed rows are public phrases
 * (checklist_phrases) and are translated; one an administrator wrote is
 * shown in French and marked lang="fr".
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "store/store_addresses.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "web/public.h"
#include "web/ui.h"
#include "pages/pages.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))
#define ADMIN ROLE_BIT(ROLE_ADMIN)
#define PICTO 32

/* The texts of the seed rows of sql/015_addresses.sql: the catalog's text
 * is translated when it is one of these. */
static const char *const checklist_phrases[] = {
    NP_("CAF (allocations, aide au logement, RSA, prime d'activité)"),
    NP_("En ligne : votre compte sur caf.fr, « Déclarer un changement »."),
    NP_("Assurance Maladie"),
    NP_("En ligne : votre compte ameli, « Mes informations »."),
    NP_("Impôts"),
    NP_("En ligne : votre espace particulier sur impots.gouv.fr, « Gérer mon profil »."),
    NP_("France Travail (si vous cherchez un emploi)"),
    NP_("En ligne : votre espace sur francetravail.fr, « Mes informations personnelles »."),
    NP_("Retraite (si vous êtes retraité)"),
    NP_("En ligne : info-retraite.fr, « Changer mon adresse » : une fois pour toutes vos caisses."),
    NP_("Carte grise : dans le mois qui suit"),
    NP_("En ligne : site de l'ANTS, « Changer l'adresse sur ma carte grise ». C'est gratuit."),
    NP_("Carte d'identité et passeport : ce n'est pas obligatoire"),
    NP_("Rien à faire maintenant : la nouvelle adresse sera écrite au prochain renouvellement."),
    NP_("La Poste : faire suivre votre courrier (service payant)"),
    NP_("En ligne sur laposte.fr ou au bureau de poste : « Réexpédition du courrier »."),
    NP_("Liste électorale (pour voter)"),
    NP_("En ligne sur service-public.fr, « Inscription sur les listes électorales », ou à la mairie."),
    NP_("Électricité, gaz et eau"),
    NP_("Dans votre espace client en ligne, ou par téléphone, pour chaque fournisseur."),
    NP_("Banque et assurances (logement, voiture)"),
    NP_("Dans votre espace client en ligne, ou à votre agence."),
    NP_("Employeur"),
    NP_("Dites-le à votre employeur ou au service du personnel."),
};

/* A catalog text in the person's language when it is a seed phrase, else
 * in French, marked so. */
static void catalog_text(req *r, const char *text)
{
	int known = 0;
	for (size_t i = 0; i < COUNT(checklist_phrases) && !known; i++)
		known = strcmp(checklist_phrases[i], text) == 0;
	int fr = !r->lang || strcmp(r->lang->code, "fr") == 0;
	if (known || fr) {
		html_txt(&r->out, known ? P_(r, text) : text);
		return;
	}
	RAW(r, r->lang->rtl ? "<span lang=\"fr\" dir=\"ltr\">" : "<span lang=\"fr\">");
	html_txt(&r->out, text);
	RAW(r, "</span>");
}

static int has_code(char **codes, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(codes[i], code) == 0)
			return 1;
	return 0;
}

/* The sheet: the items in the person's language, done ones marked. */
static void sheet(req *r, const store_checklist_item *it, size_t n, char **done, size_t ndone)
{
	RAW(r, "<div class=\"ck-sheet\">\n<p class=\"ck-intro\">");
	html_txt(&r->out,
	         P_(r, "Quand votre adresse change, prévenez ces organismes. Même si vous n'avez pas "
	               "déménagé : la mairie a peut-être seulement donné un nom ou un numéro à votre "
	               "rue."));
	RAW(r, "</p>\n<ol class=\"ck-list\">\n");
	for (size_t i = 0; i < n; i++) {
		int is_done = has_code(done, ndone, it[i].code);
		RAW(r, is_done ? "<li class=\"ck-item ck-done\">" : "<li class=\"ck-item\">");
		RAW(r, "<span class=\"ck-box\" aria-hidden=\"true\">");
		RAW(r, is_done ? "&#x2611;" : "&#x2610;");
		RAW(r, "</span><div class=\"ck-body\"><p class=\"ck-label\">");
		catalog_text(r, it[i].label);
		RAW(r, "</p>\n");
		if (*it[i].how) {
			RAW(r, "<p class=\"ck-how\">");
			catalog_text(r, it[i].how);
			RAW(r, "</p>\n");
		}
		RAW(r, "<p class=\"ck-who\">");
		html_txt(&r->out, it[i].with_adviser ? P_(r, "Possible aujourd'hui avec votre conseiller.")
		                                     : P_(r, "À faire vous-même."));
		if (is_done) {
			RAW(r, " <strong class=\"ck-done-text\">");
			html_txt(&r->out, P_(r, "Fait aujourd'hui."));
			RAW(r, "</strong>");
		}
		RAW(r, "</p></div></li>\n");
	}
	RAW(r, "</ol>\n");
	if (r->lang && strcmp(r->lang->code, "fr") != 0) {
		RAW(r, "<p class=\"ck-note\">");
		html_txt(&r->out,
		         P_(r, "Les noms des démarches et des documents sont écrits en français, comme sur "
		               "les papiers officiels."));
		RAW(r, "</p>\n");
	}
	RAW(r, "</div>\n");
}

/* The adviser's controls, in the adviser's language, never printed: the
 * way back, and for a visit the items to tick. */
static void controls(req *r, const lang *staff, const store_visit *v, const store_checklist_item *it,
                     size_t n, char **done, size_t ndone, int may_tick, int saved)
{
	RAW(r, "<div class=\"ck-controls\" lang=\"");
	html_attr(&r->out, staff->code);
	RAW(r, staff->rtl ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	if (saved) {
		RAW(r, "<p class=\"notice notice-success\" role=\"status\">");
		html_txt(&r->out, i18n_text(staff, "Enregistré."));
		RAW(r, "</p>\n");
	}
	RAW(r, "<p>");
	if (v) {
		RAW(r, "<a href=\"/visits/");
		html_int(&r->out, v->id);
		RAW(r, "\">");
		html_txt(&r->out, i18n_text(staff, "Retour à la visite"));
		RAW(r, "</a> · <a href=\"/address\">");
		html_txt(&r->out, i18n_text(staff, "Adresse postale"));
	} else {
		RAW(r, "<a href=\"/address\">");
		html_txt(&r->out, i18n_text(staff, "Retour à l'adresse postale"));
	}
	RAW(r, "</a></p>\n<p>");
	html_txt(&r->out,
	         i18n_text(staff, "Choisissez la langue de la personne, puis imprimez la liste (Ctrl+P). "
	                          "Elle ne porte ni son nom ni son adresse."));
	RAW(r, " <button type=\"button\" class=\"button-secondary\" data-print hidden>");
	html_txt(&r->out, i18n_text(staff, "Imprimer"));
	RAW(r, "</button></p>\n");
	if (v && may_tick) {
		const char *action =
		    arena_printf(r->arena, "/visits/%lld/address-checklist", (long long)v->id);
		ui_form_begin(r, action ? action : "/visits");
		RAW(r, "<input type=\"hidden\" name=\"lang\" value=\"");
		html_attr(&r->out, r->lang->code);
		RAW(r, "\">\n<fieldset class=\"ck-ticks\"><legend>");
		html_txt(&r->out, i18n_text(staff, "Fait pendant la visite"));
		RAW(r, "</legend>\n");
		for (size_t i = 0; i < n; i++) {
			const char *id = arena_printf(r->arena, "done-%s", it[i].code);
			if (!id)
				break;
			RAW(r, "<p class=\"radio\"><input type=\"checkbox\" name=\"done\" id=\"");
			html_attr(&r->out, id);
			RAW(r, "\" value=\"");
			html_attr(&r->out, it[i].code);
			RAW(r, has_code(done, ndone, it[i].code) ? "\" checked>" : "\">");
			RAW(r, "<label for=\"");
			html_attr(&r->out, id);
			RAW(r, strcmp(staff->code, "fr") == 0 ? "\">" : "\" lang=\"fr\">");
			html_txt(&r->out, it[i].label);
			RAW(r, "</label></p>\n");
		}
		RAW(r, "</fieldset>\n<p><button type=\"submit\" class=\"button\">");
		html_txt(&r->out, i18n_text(staff, "Enregistrer ce qui a été fait"));
		RAW(r, "</button></p>\n");
		ui_form_end(r);
	}
	RAW(r, "</div>\n");
}

static int checklist_page(req *r, const store_visit *v, int may_tick)
{
	const lang *staff = r->lang ? r->lang : i18n_default();
	const char *code = http_query(r, "lang");
	const lang *person = code && *code ? i18n_find_public(code) : i18n_default();
	if (!person) {
		ui_error_page(
		    r, 400,
		    "Langue inconnue : choisissez une des langues proposées sur la page de la liste.");
		return 0;
	}
	store_checklist_item *it = NULL;
	size_t n = 0, ndone = 0;
	char **done = NULL;
	if (store_checklist_list(r->app->store, r->arena, 1, &it, &n) != STORE_OK ||
	    (v && store_visit_checklist_get(r->app->store, r->arena, v->id, &done, &ndone) != STORE_OK)) {
		r->status = 500;
		return page_error(r);
	}
	http_set_header(r, "Cache-Control", "no-store");
	r->lang = person;
	static const char *const styles[] = {"/static/address.css", NULL};
	static const char *const scripts[] = {"/static/address.js", NULL};
	web_public_page pg = {
	    .title = P_(r, "Nouvelle adresse : qui prévenir ?"),
	    .styles = styles,
	    .scripts = scripts,
	    .body_class = "address-checklist",
	};
	web_public_begin(r, &pg);
	controls(r, staff, v, it, n, done, ndone, may_tick, str_eq(http_query(r, "saved"), "1"));
	const char *pattern =
	    v ? arena_printf(r->arena, "/visits/%lld/address-checklist?lang={lang}", (long long)v->id)
	      : "/address/checklist?lang={lang}";
	web_public_lang_choice(r, pattern ? pattern : "/address/checklist?lang={lang}", NULL);
	sheet(r, it, n, done, ndone);
	web_public_end(r);
	return 0;
}

int page_address_checklist(req *r)
{
	if (!page_require_login(r))
		return 0;
	return checklist_page(r, NULL, 0);
}

int page_visit_address_checklist(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_visit v;
	store_site site;
	if (page_load_visit(r, &v, &site) != 0)
		return 0;
	return checklist_page(r, &v, page_may_record(r, v.site_id));
}

int page_visit_address_checklist_post(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_visit v;
	store_site site;
	if (page_load_visit(r, &v, &site) != 0)
		return 0;
	if (!page_may_record(r, v.site_id)) {
		ui_error_page(r, 403,
		              "Seuls les conseillers du lieu de la visite peuvent cocher ce qui a été fait.");
		return 0;
	}
	if (!page_require_form(r))
		return 0;
	const char **codes = NULL;
	size_t n = page_field_all(r, "done", &codes);
	int rc = store_visit_checklist_set(r->app->store, v.id, codes, n, r->session->user.id, now_s());
	if (rc == STORE_NOT_FOUND) {
		ui_error_page(r, 400,
		              "Un des organismes cochés n'est pas dans la liste : rechargez la page.");
		return 0;
	}
	const lang *person = i18n_find_public(page_field(r, "lang"));
	const char *to = arena_printf(r->arena, "/visits/%lld/address-checklist?lang=%s&saved=1",
	                              (long long)v.id, person ? person->code : "fr");
	return page_stored(r, rc, "update", "visit_address_checklist", v.id, v.site_id, NULL,
	                   to ? to : "/visits");
}

/* ---- The catalog, for the administrators ------------------------------ */

static const char *edit_action(req *r, const char *code)
{
	buf b;
	buf_init(&b, LIMIT_URL_BYTES);
	buf_puts(&b, "/admin/address-checklist/");
	html_url_arg(&b, code);
	const char *action = b.data ? arena_strdup(r->arena, b.data) : NULL;
	buf_free(&b);
	return action;
}

static void item_form(req *r, const store_checklist_item *it, int creating, const char *sort,
                      const field_errors *e)
{
	ui_page_begin(r, creating ? _(r, "Ajouter un organisme à prévenir")
	                          : _(r, "Modifier l'organisme à prévenir"));
	RAW(r, "<p><a href=\"/admin/address-checklist\">");
	html_txt(&r->out, _(r, "Retour à la liste"));
	RAW(r, "</a></p>\n");
	ui_error_summary(r, e);
	const char *action = creating ? "/admin/address-checklist" : edit_action(r, it->code);
	ui_form_begin(r, action ? action : "/admin/address-checklist");
	if (creating) {
		ui_field c = {
		    .name = "code",
		    .label = _(r, "Code"),
		    .hint =
		        _(r, "2 à 32 lettres minuscules, chiffres ou « _ ». Il ne pourra plus être changé."),
		    .value = it->code,
		    .type = "text",
		    .autocomplete = "off",
		    .required = 1};
		ui_input(r, &c, e);
	} else {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Code :"));
		RAW(r, " <code>");
		html_txt(&r->out, it->code);
		RAW(r, "</code></p>\n");
	}
	ui_field lb = {
	    .name = "label", .label = _(r, "Organisme"), .value = it->label, .type = "text", .required = 1};
	ui_input(r, &lb, e);
	ui_field hw = {.name = "how",
	               .label = _(r, "Comment le prévenir"),
	               .hint =
	                   _(r, "Le nom de la démarche en ligne, ou le formulaire papier. Un texte modifié "
	                        "s'imprime en français tant qu'il n'est pas traduit."),
	               .value = it->how,
	               .type = "text"};
	ui_input(r, &hw, e);
	ui_field so = {.name = "sort",
	               .label = _(r, "Ordre d'affichage"),
	               .hint = _(r, "Les plus petits nombres viennent en premier."),
	               .value = sort,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &so, e);
	ui_checkbox(r, "with_adviser", _(r, "Le conseiller peut le faire avec la personne"),
	            it->with_adviser);
	ui_checkbox(r, "active", _(r, "Actif (sur la liste imprimée)"), it->active);
	ui_submit(r, creating ? _(r, "Ajouter") : _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

/* The posted item; its errors into e. */
static void read_item(req *r, store_checklist_item *it, const char **sort, field_errors *e)
{
	it->label = (char *)page_field(r, "label");
	it->how = (char *)page_field(r, "how");
	*sort = page_field(r, "sort");
	it->sort = 0;
	if (**sort && parse_int64(*sort, -1000000, 1000000, &it->sort) != 0)
		field_error_add(e, "sort", "L'ordre d'affichage est un nombre entier.");
	it->with_adviser = *page_field(r, "with_adviser") != '\0';
	it->active = *page_field(r, "active") != '\0';
	if (!*it->label || strlen(it->label) > LIMIT_NAME_BYTES || text_has_controls(it->label))
		field_error_add(e, "label",
		                "Le nom de l'organisme est obligatoire (200 caractères au plus).");
	if (strlen(it->how) > LIMIT_NAME_BYTES || text_has_controls(it->how))
		field_error_add(e, "how", "Le texte « comment » a 200 caractères au plus.");
}

static int code_ok(const char *c)
{
	size_t n = strlen(c);
	if (n < 2 || n > 32)
		return 0;
	for (; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return 0;
	return 1;
}

int page_checklist_admin(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_checklist_item *it = NULL;
	size_t n = 0;
	if (store_checklist_list(r->app->store, r->arena, 0, &it, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	ui_page_begin(r, _(r, "Nouvelle adresse : organismes à prévenir"));
	if (str_eq(http_query(r, "saved"), "1"))
		ui_notice(r, "success", _(r, "Enregistré."));
	RAW(r, "<p><a href=\"/admin/address-checklist/new\">");
	html_txt(&r->out, _(r, "Ajouter un organisme à prévenir"));
	RAW(r, "</a> · <a href=\"/address/checklist\">");
	html_txt(&r->out, _(r, "Voir la liste imprimable"));
	RAW(r, "</a></p>\n");
	ui_table_begin(r, NULL, _(r, "Organismes, dans l'ordre de la liste"));
	ui_th(r, _(r, "Organisme"));
	ui_th(r, _(r, "Comment le prévenir"));
	ui_th(r, _(r, "Avec le conseiller"));
	ui_th(r, _(r, "Actif"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		const char *href = edit_action(r, it[i].code);
		RAW(r, "<tr><td><a href=\"");
		html_attr(&r->out, href ? href : "/admin/address-checklist");
		RAW(r, "\">");
		ui_txt_fr(r, it[i].label);
		RAW(r, "</a></td><td>");
		ui_txt_fr(r, it[i].how);
		RAW(r, "</td><td>");
		html_txt(&r->out, it[i].with_adviser ? _(r, "Oui") : _(r, "Non"));
		RAW(r, "</td><td>");
		html_txt(&r->out, it[i].active ? _(r, "Oui") : _(r, "Non"));
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}

int page_checklist_item_new(req *r)
{
	if (!page_require_role(r, ADMIN))
		return 0;
	store_checklist_item it = {.code = "", .label = "", .how = "", .active = 1};
	field_errors e = {0};
	item_form(r, &it, 1, "", &e);
	return 0;
}

int page_checklist_item_create(req *r)
{
	if (!page_require_role(r, ADMIN) || !page_require_form(r))
		return 0;
	store_checklist_item it = {0};
	const char *sort;
	field_errors e = {0};
	it.code = (char *)page_field(r, "code");
	if (!code_ok(it.code))
		field_error_add(&e, "code", "Le code a 2 à 32 lettres minuscules, chiffres ou « _ ».");
	read_item(r, &it, &sort, &e);
	int rc = e.n ? STORE_OK : store_checklist_insert(r->app->store, &it);
	if (rc == STORE_CONFLICT)
		field_error_add(&e, "code", "Ce code est déjà celui d'un autre organisme.");
	else if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	if (e.n) {
		http_status(r, 400);
		item_form(r, &it, 1, sort, &e);
		return 0;
	}
	auth_audit(r, "create", "address_checklist", 0, 0, it.code);
	http_redirect(r, "/admin/address-checklist?saved=1");
	return 0;
}

static int load_item(req *r, store_checklist_item *it)
{
	const char *code = http_param(r, 0);
	if (!code || store_checklist_get(r->app->store, r->arena, code, it) != STORE_OK) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

int page_checklist_item_edit(req *r)
{
	store_checklist_item it;
	if (!page_require_role(r, ADMIN) || load_item(r, &it) != 0)
		return 0;
	field_errors e = {0};
	item_form(r, &it, 0, page_int_text(r, it.sort), &e);
	return 0;
}

int page_checklist_item_update(req *r)
{
	store_checklist_item it;
	if (!page_require_role(r, ADMIN) || load_item(r, &it) != 0 || !page_require_form(r))
		return 0;
	const char *sort;
	field_errors e = {0};
	read_item(r, &it, &sort, &e);
	if (e.n) {
		http_status(r, 400);
		item_form(r, &it, 0, sort, &e);
		return 0;
	}
	return page_stored(r, store_checklist_update(r->app->store, &it), "update", "address_checklist", 0, 0,
	                   it.code, "/admin/address-checklist?saved=1");
}
