/*
 * page_address.c: addresses (docs/addresses.md).
 *
 * - GET and POST /address: the adviser's page. From the structured fields
 *   or from free text, the postal address of NF Z10-011 with every change
 *   explained in plain words; when the postcode and the town need a choice,
 *   the places to choose from (radios that post the form again); and, when
 *   the commune's Base Adresse Locale is loaded, whether the road and the
 *   number exist, and the match of an old description (a lieu-dit, a former
 *   road name) with the new numbered addresses. The address is posted (never
 *   in a URL, so never in a log) and stored nowhere.
 * - GET /address/checklist and GET /visits/{id}/address-checklist: "who to
 *   tell" about a new address, in the person's language (?lang=), printable
 *   on one A4 page; for a visit, the adviser ticks the items done with the
 *   person (POST /visits/{id}/address-checklist), and only the items' codes
 *   are recorded for the visit, never the address.
 * - GET and POST /admin/address-checklist: the administrators edit the
 *   checklist like the operators.
 *
 * The checklist's texts are French data of the catalog: the seed rows are
 * public phrases (checklist_phrases below) translated in every public
 * language; a text an administrator wrote is shown in French, marked so.
 */
#include <stdio.h>
#include <string.h>

#include "address/address.h"
#include "app/app.h"
#include "domain/address_geo.h"
#include "store/store_addresses.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "web/public.h"
#include "web/ui.h"
#include "pages/pages.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))
/* BAL addresses shown for one search. */
#define ADDRESS_BAL_ROWS 30

/* ---- The adviser's page --------------------------------------------- */

/* <section> named by its <h2>; closed by "</section>". */
static void section_begin(req *r, const char *id, const char *title)
{
	RAW(r, "<section class=\"addr-section\" aria-labelledby=\"");
	html_attr(&r->out, id);
	RAW(r, "-h\">\n<h2 id=\"");
	html_attr(&r->out, id);
	RAW(r, "-h\">");
	html_txt(&r->out, title);
	RAW(r, "</h2>\n");
}

/* The form's fields, in the order of the standard's lines. */
static const struct {
	const char *name;
	const char *label; /* French msgid */
	const char *hint;  /* French msgid or NULL */
	size_t off, size;
} fields[] = {
#define F(n, l, h, m)                                                                                        \
	{                                                                                                    \
		n, l, h, offsetof(address_fields, m), sizeof(((address_fields *)0)->m)                       \
	}
    F("recipient", N_("Destinataire"), N_("Civilité, prénom et nom, ou raison sociale."), recipient),
    F("complement", N_("Appartement, étage, « chez »"), NULL, complement),
    F("building", N_("Bâtiment, entrée, résidence"), NULL, building),
    F("number", N_("Numéro"), N_("Jamais obligatoire."), number),
    F("suffix", N_("Suffixe"), N_("bis, ter, quater ou une lettre."), suffix),
    F("street", N_("Type et nom de la voie"), N_("Par exemple : chemin de la Mare aux Loups."), street),
    F("lieu_dit", N_("Lieu-dit"), N_("Une adresse peut n'avoir qu'un lieu-dit."), lieu_dit),
    F("postbox", N_("Boîte postale"), N_("BP, CS, TSA ou poste restante."), postbox),
    F("postcode", N_("Code postal"), NULL, postcode),
    F("town", N_("Commune"), NULL, town),
#undef F
};

/* The posted fields into f; the chosen proposal ("POSTCODE|TOWN"), when
 * there is one, replaces the postcode and the town. */
static void read_fields(req *r, address_fields *f)
{
	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < COUNT(fields); i++)
		snprintf((char *)f + fields[i].off, fields[i].size, "%s", page_field(r, fields[i].name));
	f->cedex = *page_field(r, "cedex") != '\0';
	snprintf(f->cedex_office, sizeof f->cedex_office, "%s", page_field(r, "cedex_office"));
	const char *choice = page_field(r, "proposal");
	const char *bar = strchr(choice, '|');
	if (bar && bar - choice == 5) {
		snprintf(f->postcode, sizeof f->postcode, "%.5s", choice);
		snprintf(f->town, sizeof f->town, "%s", bar + 1);
	}
}

static void address_form(req *r, const address_fields *f, const char *text, const char *old)
{
	ui_form_begin(r, "/address");
	RAW(r, "<div class=\"addr-columns\">\n<fieldset class=\"addr-fields\"><legend>");
	html_txt(&r->out, _(r, "Adresse par champs"));
	RAW(r, "</legend>\n");
	for (size_t i = 0; i < COUNT(fields); i++) {
		ui_field uf = {.name = fields[i].name,
		               .label = _(r, fields[i].label),
		               .hint = fields[i].hint ? _(r, fields[i].hint) : NULL,
		               .value = f ? (const char *)f + fields[i].off : "",
		               .type = "text",
		               .autocomplete = "off"};
		ui_input(r, &uf, NULL);
	}
	ui_checkbox(r, "cedex", _(r, "Distribué par CEDEX"), f && f->cedex);
	ui_field co = {.name = "cedex_office",
	               .label = _(r, "Numéro du bureau CEDEX"),
	               .value = f ? f->cedex_office : "",
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &co, NULL);
	RAW(r, "<p><button type=\"submit\" name=\"mode\" value=\"fields\" class=\"button\">");
	html_txt(&r->out, _(r, "Écrire l'adresse"));
	RAW(r, "</button></p>\n</fieldset>\n<fieldset class=\"addr-text\"><legend>");
	html_txt(&r->out, _(r, "Ou adresse en texte libre"));
	RAW(r, "</legend>\n");
	ui_field tx = {.name = "text",
	               .label = _(r, "Adresse telle qu'elle est écrite"),
	               .hint = _(r, "Une partie par ligne ou séparée par des virgules. Elle sera découpée "
	                            "dans les champs."),
	               .value = text,
	               .autocomplete = "off"};
	ui_textarea(r, &tx, NULL);
	RAW(r, "<p><button type=\"submit\" name=\"mode\" value=\"text\" class=\"button\">");
	html_txt(&r->out, _(r, "Découper et écrire l'adresse"));
	RAW(r, "</button></p>\n</fieldset>\n</div>\n<fieldset class=\"addr-old\"><legend>");
	html_txt(&r->out, _(r, "Ancienne adresse"));
	RAW(r, "</legend>\n");
	ui_field od = {.name = "old",
	               .label = _(r, "Ancien lieu-dit ou ancien nom de voie"),
	               .hint =
	                   _(r, "Cherché dans la Base Adresse Locale de la commune, si elle est chargée."),
	               .value = old,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &od, NULL);
	RAW(r, "</fieldset>\n");
	ui_form_end(r);
}

/* One change or error: its explanation, and the values involved. */
static void note_item(req *r, const address_note *n)
{
	RAW(r, "<li>");
	html_txt(&r->out, _(r, n->msgid));
	if (n->before[0] || n->after[0]) {
		RAW(r, " <span class=\"addr-values\">(");
		if (n->before[0]) {
			RAW(r, "<bdi>« ");
			html_txt(&r->out, n->before);
			RAW(r, " »</bdi>");
		}
		if (n->before[0] && n->after[0])
			RAW(r, " → ");
		if (n->after[0]) {
			RAW(r, "<bdi>« ");
			html_txt(&r->out, n->after);
			RAW(r, " »</bdi>");
		}
		RAW(r, ")</span>");
	}
	if (n->line > 0) {
		RAW(r, " <span class=\"addr-line-no\">");
		html_txt(&r->out, page_count_text(r, _(r, "ligne %d"), n->line));
		RAW(r, "</span>");
	}
	RAW(r, "</li>\n");
}

/* The choices of postcode and town, posting the form again with one. */
static void proposals(req *r, const address_result *res, const address_fields *f, const char *old)
{
	if (res->n_proposals == 0)
		return;
	section_begin(r, "addr-proposals", _(r, "Choisir le code postal et la commune"));
	ui_form_begin(r, "/address");
	for (size_t i = 0; i < COUNT(fields); i++) {
		if (strcmp(fields[i].name, "postcode") == 0 || strcmp(fields[i].name, "town") == 0)
			continue;
		RAW(r, "<input type=\"hidden\" name=\"");
		html_attr(&r->out, fields[i].name);
		RAW(r, "\" value=\"");
		html_attr(&r->out, (const char *)f + fields[i].off);
		RAW(r, "\">\n");
	}
	RAW(r, "<input type=\"hidden\" name=\"old\" value=\"");
	html_attr(&r->out, old);
	RAW(r, "\">\n<fieldset><legend>");
	html_txt(&r->out, _(r, "Propositions de la géographie officielle"));
	RAW(r, "</legend>\n");
	for (size_t i = 0; i < res->n_proposals; i++) {
		const address_place *p = &res->proposals[i];
		const char *town = p->line5[0] ? p->line5 : p->commune;
		const char *value = arena_printf(r->arena, "%s|%s", p->postcode, town);
		const char *id = arena_printf(r->arena, "proposal-%zu", i);
		if (!value || !id)
			break;
		RAW(r, "<p class=\"radio\"><input type=\"radio\" name=\"proposal\" id=\"");
		html_attr(&r->out, id);
		RAW(r, "\" value=\"");
		html_attr(&r->out, value);
		RAW(r, i == 0 ? "\" checked>" : "\">");
		RAW(r, "<label for=\"");
		html_attr(&r->out, id);
		RAW(r, "\"><span dir=\"ltr\">");
		html_txt(&r->out, p->postcode);
		RAW(r, "</span> ");
		ui_txt_fr(r, p->commune);
		if (p->line5[0]) {
			RAW(r, " — ");
			html_txt(&r->out, _(r, "commune déléguée"));
			RAW(r, " ");
			ui_txt_fr(r, p->line5);
		}
		RAW(r, " <span class=\"addr-insee\">(");
		html_txt(&r->out, p->insee);
		RAW(r, ")</span></label></p>\n");
	}
	RAW(r, "</fieldset>\n<p><button type=\"submit\" name=\"mode\" value=\"fields\" class=\"button\">");
	html_txt(&r->out, _(r, "Utiliser ce choix"));
	RAW(r, "</button></p>\n");
	ui_form_end(r);
	RAW(r, "</section>\n");
}

/* The road label of the fields, keyed as the BAL's (capitals). */
static void street_key(const address_fields *f, char *key, size_t n)
{
	char label[ADDRESS_FIELD_BYTES * 2];
	snprintf(label, sizeof label, "%s %s", f->street_type, f->street);
	address_name_key(label, key, n);
}

static void bal_table(req *r, const store_bal_match *m, size_t n)
{
	ui_table_begin(r, "addr-bal", _(r, "Adresses de la Base Adresse Locale"));
	ui_th(r, _(r, "Numéro"));
	ui_th(r, _(r, "Voie"));
	ui_th(r, _(r, "Lieu-dit"));
	ui_th(r, _(r, "Commune déléguée"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<tr><td>");
		if (m[i].numero > 0) {
			html_int(&r->out, m[i].numero);
			if (m[i].suffixe[0]) {
				RAW(r, " ");
				html_txt(&r->out, m[i].suffixe);
			}
		} else {
			html_txt(&r->out, _(r, "sans numéro"));
		}
		RAW(r, "</td><td>");
		ui_txt_fr(r, m[i].voie_nom);
		RAW(r, "</td><td>");
		ui_txt_fr(r, m[i].lieudit);
		RAW(r, "</td><td>");
		ui_txt_fr(r, m[i].deleguee_nom);
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
}

/* What the commune's Base Adresse Locale says of the road, the number and
 * the old description. */
static void bal_section(req *r, const address_result *res, const address_fields *f, const char *old)
{
	char key[ADDRESS_FIELD_BYTES * 2], oldkey[ADDRESS_FIELD_BYTES * 2];
	street_key(f, key, sizeof key);
	address_name_key(old, oldkey, sizeof oldkey);
	if (!key[0] && f->lieu_dit[0])
		address_name_key(f->lieu_dit, key, sizeof key);
	if (!res->insee[0] || (!key[0] && !oldkey[0]))
		return;
	section_begin(r, "addr-bal", _(r, "Base Adresse Locale de la commune"));
	store_bal_load load;
	int rc = store_bal_load_get(r->app->store, r->arena, res->insee, &load);
	if (rc != STORE_OK) {
		RAW(r, "<p>");
		html_txt(&r->out,
		         rc == STORE_NOT_FOUND
		             ? _(r, "La Base Adresse Locale de cette commune n'est pas chargée : la voie "
		                    "et le numéro ne peuvent pas être vérifiés.")
		             : _(r, "La Base Adresse Locale n'a pas pu être lue."));
		RAW(r, "</p>\n</section>\n");
		return;
	}
	store_bal_match *m = NULL;
	size_t n = 0;
	if (key[0] && store_bal_search(r->app->store, r->arena, res->insee, key, ADDRESS_BAL_ROWS, &m, &n) ==
	                  STORE_OK) {
		int road = n > 0 && m[0].exact, number = 0;
		long want = 0;
		for (const char *p = f->number; *p >= '0' && *p <= '9' && want < 100000; p++)
			want = want * 10 + (*p - '0');
		for (size_t i = 0; road && i < n; i++)
			if (m[i].exact && m[i].numero == want)
				number = 1;
		RAW(r, "<p class=\"addr-bal-check\">");
		if (!road)
			html_txt(&r->out,
			         _(r, "Cette voie ou ce lieu-dit n'est pas dans la Base Adresse Locale de la "
			              "commune : vérifiez son nom sur le courrier de la mairie."));
		else if (want && number)
			html_txt(
			    &r->out,
			    _(r, "La voie et le numéro existent dans la Base Adresse Locale de la commune."));
		else if (want)
			html_txt(&r->out,
			         _(r, "La voie existe dans la Base Adresse Locale de la commune, mais pas ce "
			              "numéro : vérifiez-le."));
		else
			html_txt(&r->out,
			         _(r, "Cette voie ou ce lieu-dit existe dans la Base Adresse Locale de la "
			              "commune."));
		RAW(r, "</p>\n");
	}
	if (oldkey[0]) {
		m = NULL;
		n = 0;
		RAW(r, "<h3>");
		html_txt(&r->out, _(r, "Nouvelles adresses pour l'ancienne adresse"));
		RAW(r, "</h3>\n");
		if (store_bal_search(r->app->store, r->arena, res->insee, oldkey, ADDRESS_BAL_ROWS, &m, &n) !=
		        STORE_OK ||
		    n == 0) {
			RAW(r, "<p>");
			html_txt(&r->out, _(r, "Aucune adresse de la commune ne porte ce nom."));
			RAW(r, "</p>\n");
		} else {
			bal_table(r, m, n);
		}
	}
	RAW(r, "<p class=\"addr-bal-source\">");
	html_txt(&r->out, _(r, "Fichier chargé :"));
	RAW(r, " ");
	html_txt(&r->out, load.file);
	RAW(r, "</p>\n</section>\n");
}

static void result_section(req *r, const address_result *res)
{
	if (res->n_lines > 0) {
		section_begin(r, "addr-result", _(r, "Adresse postale"));
		RAW(r, "<p class=\"addr-lines\" lang=\"fr\" dir=\"ltr\" translate=\"no\">");
		for (size_t i = 0; i < res->n_lines; i++) {
			if (i)
				RAW(r, "<br>");
			html_txt(&r->out, res->lines[i]);
		}
		RAW(r, "</p>\n</section>\n");
	} else {
		ui_notice(r, "error",
		          _(r, "L'adresse ne peut pas encore être écrite : voyez ce qui manque ci-dessous."));
	}
	if (res->n_errors) {
		section_begin(r, "addr-errors", _(r, "Ce qui empêche d'écrire l'adresse"));
		RAW(r, "<ul>\n");
		for (size_t i = 0; i < res->n_errors; i++)
			note_item(r, &res->errors[i]);
		RAW(r, "</ul>\n</section>\n");
	}
	if (res->n_changes) {
		section_begin(r, "addr-changes", _(r, "Ce qui a été corrigé, et pourquoi"));
		RAW(r, "<ul>\n");
		for (size_t i = 0; i < res->n_changes; i++)
			note_item(r, &res->changes[i]);
		RAW(r, "</ul>\n</section>\n");
	}
}

static void checklist_link(req *r)
{
	RAW(r, "<p class=\"addr-next\"><a href=\"/address/checklist\">");
	html_txt(&r->out, _(r, "Nouvelle adresse : la liste des organismes à prévenir"));
	RAW(r, "</a>");
	if (r->session && r->session->role == ROLE_ADMIN) {
		RAW(r, " · <a href=\"/admin/address-checklist\">");
		html_txt(&r->out, _(r, "Nouvelle adresse : organismes à prévenir"));
		RAW(r, "</a>");
	}
	RAW(r, "</p>\n");
}

static void page_begin(req *r)
{
	ui_page_begin(r, _(r, "Adresse postale"));
	RAW(r, "<p>");
	html_txt(&r->out, _(r, "Écrivez l'adresse comme La Poste la veut (norme NF Z10-011) : six lignes au "
	                       "plus, chaque changement expliqué. L'adresse n'est pas enregistrée."));
	RAW(r, "</p>\n");
}

int page_address(req *r)
{
	if (!page_require_login(r))
		return 0;
	page_begin(r);
	address_form(r, NULL, "", "");
	checklist_link(r);
	ui_page_end(r);
	return 0;
}

int page_address_post(req *r)
{
	if (!page_require_login(r) || !page_require_form(r))
		return 0;
	/* The address is the person's: no cache, no copy left behind. */
	http_set_header(r, "Cache-Control", "no-store");
	address_fields *f = arena_alloc(r->arena, sizeof *f);
	address_result *res = arena_alloc(r->arena, sizeof *res);
	if (!f || !res) {
		r->status = 500;
		return page_error(r);
	}
	address_lookup lk;
	int64_t communes = 0;
	int geo = store_commune_count(r->app->store, &communes) == STORE_OK && communes > 0;
	address_geo_lookup(r->app->store, &lk);
	const char *text = page_field(r, "text");
	const char *old = page_field(r, "old");
	address_result_init(res);
	if (str_eq(page_field(r, "mode"), "text") && *text) {
		/* The text is split into the fields, then written from them, so
		 * that the adviser sees and corrects the split. */
		if (address_from_text(text, strlen(text), f, res) == 0)
			address_format(f, geo ? &lk : NULL, res);
	} else {
		read_fields(r, f);
		text = "";
		address_format(f, geo ? &lk : NULL, res);
	}
	page_begin(r);
	if (!geo)
		ui_notice(r, "info",
		          _(r, "La géographie officielle n'est pas chargée : le code postal et la commune "
		               "ne sont pas vérifiés."));
	result_section(r, res);
	proposals(r, res, f, old);
	bal_section(r, res, f, old);
	checklist_link(r);
	address_form(r, f, text, old);
	ui_page_end(r);
	return 0;
}
