/*
 * page_phrases.c: a site's own wording of the public phrases
 * (docs/speech.md, "A site's corrections").
 *
 * The public phrases (util/phrases.h) are translated in the po catalogs, the same
 * for every site. A manager of the site (or an administrator) may replace
 * one phrase in one language for that site only; the kiosk, the ticket and
 * phone pages, the public screen, the notices and the satisfaction page of
 * the site then show it and speak it (web_public_site_fixes).
 *
 * GET /sites/{id}/phrases?lang=&q=&only=fixed: the phrases of a language,
 * with what the site shows for each, a search and the corrected ones only;
 * GET /sites/{id}/phrases/edit?lang=&phrase=ID: one phrase's form;
 * POST /sites/{id}/phrases/edit (action=save or reset): keeps or removes
 * the site's wording, journaled.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "domain/access.h"
#include "pages/pages.h"
#include "store/store_phrases.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/phrases.h"
#include "web/page.h"
#include "web/public.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* The site in the path if the user configures its welcome; 404 or 403
 * otherwise. */
static int load_site(req *r, store_site *site)
{
	if (!page_require_login(r) || page_path_site(r, site) != 0)
		return -1;
	if (!access_may_configure_queue(&r->session->user, site->id)) {
		ui_error_page(r, 403,
		              "Seuls les responsables du lieu et les administrateurs changent la formulation "
		              "de ses phrases publiques.");
		return -1;
	}
	return 0;
}

static const store_phrase_fix *fix_of(const store_phrase_fix *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].phrase_id, id) == 0)
			return &v[i];
	return NULL;
}

/* The text in lang's own language attributes, or a translated note when
 * the catalog has none. */
static void lang_text(req *r, const lang *l, const char *text)
{
	RAW(r, "<span lang=\"");
	html_attr(&r->out, l->code);
	RAW(r, l->rtl ? "\" dir=\"rtl\">" : "\">");
	html_txt(&r->out, text);
	RAW(r, "</span>");
}

static int translated_in(const lang *l, const char *msgid)
{
	return strcmp(l->code, "fr") == 0 || strcmp(i18n_text(l, msgid), msgid) != 0;
}

/* A search in the French text or in the language's text, ignoring the case
 * of ASCII letters. */
static int matches(const char *q, const char *msgid, const char *text)
{
	return !q || !*q || strcasestr(msgid, q) || (text && strcasestr(text, q));
}

static void list_page(req *r, const store_site *site, const lang *l)
{
	buf *o = &r->out;
	store_phrase_fix *fixes = NULL;
	size_t nfixes = 0;
	if (store_phrase_fix_list(r->app->store, r->arena, site->id, l->code, &fixes, &nfixes) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return;
	}
	const char *q = http_query(r, "q");
	const char *only = http_query(r, "only");
	int only_fixed = only && strcmp(only, "fixed") == 0;
	const char *base = arena_printf(r->arena, "/sites/%lld/phrases", (long long)site->id);
	if (!base)
		base = "/sites";
	ui_page_begin(r, _(r, "Formulation des phrases publiques"));
	const char *done = http_query(r, "done");
	if (done && strcmp(done, "save") == 0)
		ui_notice(r, "success", _(r, "Formulation enregistrée pour ce lieu."));
	else if (done && strcmp(done, "reset") == 0)
		ui_notice(r, "success", _(r, "La phrase reprend la traduction de Guichet."));
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <a href=\"/sites/");
	html_int(o, site->id);
	RAW(r, "\">");
	html_txt(o, site->name);
	RAW(r, "</a></p>\n<p>");
	html_txt(o, _(r, "Les traductions des phrases publiques sont les mêmes pour tous les lieux. Ici, vous "
	                 "pouvez remplacer une phrase dans une langue, pour ce lieu seulement : un nom "
	                 "local, un mot plus simple. La borne, l'écran, la page du ticket, les avis et "
	                 "l'enquête de satisfaction de ce lieu l'affichent et la lisent à voix haute."));
	RAW(r, "</p>\n");

	/* The choice: a GET form, without script. */
	RAW(r, "<form method=\"get\" action=\"");
	html_attr(o, base);
	RAW(r, "\" class=\"inline-form\">\n");
	web_public_lang_select(r, "lang", _(r, "Langue"), l);
	RAW(r, "<label for=\"q\">");
	html_txt(o, _(r, "Rechercher"));
	RAW(r, "</label>\n<input type=\"search\" id=\"q\" name=\"q\" value=\"");
	html_attr(o, q ? q : "");
	RAW(r, "\">\n<label><input type=\"checkbox\" name=\"only\" value=\"fixed\"");
	if (only_fixed)
		RAW(r, " checked");
	RAW(r, "> ");
	html_txt(o, _(r, "Seulement les phrases changées pour ce lieu"));
	RAW(r, "</label>\n<button type=\"submit\">");
	html_txt(o, _(r, "Afficher"));
	RAW(r, "</button>\n</form>\n");

	size_t n = phrase_count(), shown = 0;
	ui_table_begin(r, "phrases", _(r, "Phrases publiques et leur texte dans ce lieu"));
	ui_th(r, _(r, "Phrase en français"));
	ui_th(r, _(r, "Texte dans ce lieu"));
	ui_th(r, _(r, "Action"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		const char *msgid = phrase_at(i);
		char id[PHRASE_ID_BYTES];
		phrase_id(msgid, id);
		const store_phrase_fix *f = fix_of(fixes, nfixes, id);
		if (f && strcmp(f->msgid, msgid) != 0)
			f = NULL; /* written for an older French text: listed below */
		const char *text = f ? f->text : translated_in(l, msgid) ? i18n_text(l, msgid) : NULL;
		if ((only_fixed && !f) || !matches(q, msgid, text))
			continue;
		shown++;
		RAW(r, "<tr><td lang=\"fr\">");
		html_txt(o, msgid);
		RAW(r, "</td><td>");
		if (text)
			lang_text(r, l, text);
		else
			html_txt(o, _(r, "(pas encore traduit)"));
		if (f) {
			RAW(r, " <strong>");
			html_txt(o, _(r, "(changée pour ce lieu)"));
			RAW(r, "</strong>");
		}
		RAW(r, "</td><td><a href=\"");
		html_attr(o, arena_printf(r->arena, "%s/edit?lang=%s&phrase=%s", base, l->code, id));
		RAW(r, "\" aria-label=\"");
		html_attr(o, arena_printf(r->arena, "%s %s", _(r, "Changer la formulation :"), msgid));
		RAW(r, "\">");
		html_txt(o, _(r, "Changer"));
		RAW(r, "</a></td></tr>\n");
	}
	ui_table_end(r);
	if (!shown) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Aucune phrase ne correspond."));
		RAW(r, "</p>\n");
	}

	/* Corrections written for a French text that has since changed: no
	 * longer used, kept until removed so that nothing vanishes unseen. */
	int stale_heading = 0;
	for (size_t i = 0; i < nfixes; i++) {
		const char *msgid = phrase_by_id(fixes[i].phrase_id);
		if (msgid && strcmp(msgid, fixes[i].msgid) == 0)
			continue;
		if (!stale_heading) {
			RAW(r, "<h2>");
			html_txt(o, _(r, "Changements qui ne servent plus"));
			RAW(r, "</h2>\n<p>");
			html_txt(o, _(r, "Le texte français de ces phrases a changé dans Guichet : votre formulation "
			                 "n'est plus utilisée. Écrivez-la de nouveau pour la phrase actuelle, puis "
			                 "supprimez l'ancienne."));
			RAW(r, "</p>\n<ul>\n");
			stale_heading = 1;
		}
		RAW(r, "<li><span lang=\"fr\">");
		html_txt(o, fixes[i].msgid);
		RAW(r, "</span> : ");
		lang_text(r, l, fixes[i].text);
		ui_form_begin(r, arena_printf(r->arena, "%s/edit", base));
		RAW(r, "<input type=\"hidden\" name=\"action\" value=\"reset\">\n<input type=\"hidden\" "
		       "name=\"lang\" value=\"");
		html_attr(o, l->code);
		RAW(r, "\">\n<input type=\"hidden\" name=\"phrase\" value=\"");
		html_attr(o, fixes[i].phrase_id);
		RAW(r, "\">\n<button type=\"submit\" class=\"button-secondary\">");
		html_txt(o, _(r, "Supprimer"));
		RAW(r, "</button>\n");
		ui_form_end(r);
		RAW(r, "</li>\n");
	}
	if (stale_heading)
		RAW(r, "</ul>\n");
	ui_page_end(r);
}

int page_site_phrases(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0)
		return 0;
	list_page(r, &site, web_public_lang_named(http_query(r, "lang")));
	return 0;
}

static void edit_page(req *r, const store_site *site, const lang *l, const char *msgid, const char *value,
                      int has_fix, const ui_errors *e)
{
	buf *o = &r->out;
	char id[PHRASE_ID_BYTES];
	phrase_id(msgid, id);
	const char *base = arena_printf(r->arena, "/sites/%lld/phrases", (long long)site->id);
	if (!base)
		base = "/sites";
	ui_page_begin(r, _(r, "Changer la formulation d'une phrase publique"));
	ui_error_summary(r, e);
	RAW(r, "<dl>\n");
	RAW(r, "<dt>");
	html_txt(o, _(r, "Lieu"));
	RAW(r, "</dt><dd>");
	html_txt(o, site->name);
	RAW(r, "</dd>\n<dt>");
	html_txt(o, _(r, "Langue"));
	RAW(r, "</dt><dd>");
	html_txt(o, l->name);
	html_rawf_trusted(o, " (%s)", l->code);
	RAW(r, "</dd>\n<dt>");
	html_txt(o, _(r, "Phrase en français"));
	RAW(r, "</dt><dd lang=\"fr\">");
	html_txt(o, msgid);
	RAW(r, "</dd>\n<dt>");
	html_txt(o, _(r, "Traduction de Guichet"));
	RAW(r, "</dt><dd>");
	if (translated_in(l, msgid))
		lang_text(r, l, i18n_text(l, msgid));
	else
		html_txt(o, _(r, "(pas encore traduit)"));
	RAW(r, "</dd>\n</dl>\n");

	ui_form_begin(r, arena_printf(r->arena, "%s/edit", base));
	RAW(r, "<input type=\"hidden\" name=\"action\" value=\"save\">\n<input type=\"hidden\" name=\"lang\" "
	       "value=\"");
	html_attr(o, l->code);
	RAW(r, "\">\n<input type=\"hidden\" name=\"phrase\" value=\"");
	html_attr(o, id);
	RAW(r, "\">\n");
	char hint[200];
	snprintf(hint, sizeof hint, "%s %d %s", _(r, "Une phrase courte et simple, au plus"),
	         STORE_PHRASE_FIX_MAX_BYTES / 2, _(r, "caractères environ."));
	const char *full_hint = strchr(msgid, '{')
	                            ? arena_printf(r->arena, "%s %s", hint,
	                                           _(r, "Gardez les mots entre accolades, comme {ticket} : "
	                                                "Guichet les remplace par leur valeur."))
	                            : hint;
	ui_field tf = {.name = "text",
	               .label = _(r, "Texte pour ce lieu"),
	               .hint = full_hint ? full_hint : hint,
	               .value = value,
	               .required = 1};
	ui_textarea(r, &tf, e);
	ui_submit(r, _(r, "Enregistrer pour ce lieu"));
	ui_form_end(r);

	if (has_fix) {
		ui_form_begin(r, arena_printf(r->arena, "%s/edit", base));
		RAW(r, "<input type=\"hidden\" name=\"action\" value=\"reset\">\n<input type=\"hidden\" "
		       "name=\"lang\" value=\"");
		html_attr(o, l->code);
		RAW(r, "\">\n<input type=\"hidden\" name=\"phrase\" value=\"");
		html_attr(o, id);
		RAW(r, "\">\n<button type=\"submit\" class=\"button-secondary\">");
		html_txt(o, _(r, "Revenir à la traduction de Guichet"));
		RAW(r, "</button>\n");
		ui_form_end(r);
	}
	RAW(r, "<p><a href=\"");
	html_attr(o, arena_printf(r->arena, "%s?lang=%s", base, l->code));
	RAW(r, "\">");
	html_txt(o, _(r, "Retour à la liste des phrases"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
}

/* The site's present wording of the phrase, or NULL; -1 when the store
 * fails. */
static int current_fix(req *r, int64_t site_id, const lang *l, const char *id, const char *msgid,
                       const char **text)
{
	store_phrase_fix *v = NULL;
	size_t n = 0;
	*text = NULL;
	if (store_phrase_fix_list(r->app->store, r->arena, site_id, l->code, &v, &n) != STORE_OK)
		return -1;
	const store_phrase_fix *f = fix_of(v, n, id);
	if (f && strcmp(f->msgid, msgid) == 0)
		*text = f->text;
	return 0;
}

int page_site_phrase_edit(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0)
		return 0;
	const lang *l = web_public_lang_named(http_query(r, "lang"));
	const char *id = http_query(r, "phrase");
	const char *msgid = id ? phrase_by_id(id) : NULL;
	if (!msgid)
		return page_not_found(r);
	const char *fix = NULL;
	if (current_fix(r, site.id, l, id, msgid, &fix) != 0) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	const char *value = fix ? fix : translated_in(l, msgid) ? i18n_text(l, msgid) : "";
	ui_errors e = {0};
	edit_page(r, &site, l, msgid, value, fix != NULL, &e);
	return 0;
}

int page_site_phrase_edit_post(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0 || !page_require_form(r))
		return 0;
	const lang *l = web_public_lang_named(page_field(r, "lang"));
	const char *id = page_field(r, "phrase");
	const char *action = page_field(r, "action");
	int reset = strcmp(action, "reset") == 0;
	const char *to = arena_printf(r->arena, "/sites/%lld/phrases?lang=%s&done=%s", (long long)site.id,
	                              l->code, reset ? "reset" : "save");
	if (reset) {
		/* Also a correction whose French text has changed: its id may
		 * no longer name a phrase. */
		if (strlen(id) != PHRASE_ID_BYTES - 1) {
			ui_error_page(r, 400, "Cette phrase n'existe pas.");
			return 0;
		}
		int rc = store_phrase_fix_delete(r->app->store, site.id, l->code, id);
		if (rc == STORE_NOT_FOUND)
			rc = STORE_OK; /* removed already: the same page */
		return page_stored(r, rc, "delete", "phrase_fix", 0, site.id, id, to ? to : "/sites");
	}
	const char *msgid = phrase_by_id(id);
	if (!msgid) {
		ui_error_page(r, 400, "Cette phrase n'existe pas.");
		return 0;
	}
	char *text = arena_strdup(r->arena, page_field(r, "text"));
	if (!text) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	text = str_trim(text);
	ui_errors e = {0};
	switch (phrase_fix_check(msgid, text, STORE_PHRASE_FIX_MAX_BYTES)) {
	case PHRASE_FIX_OK:
		break;
	case PHRASE_FIX_EMPTY:
		field_error_add(&e, "text", "Écrivez le texte de la phrase, ou revenez à la traduction de "
		                            "Guichet.");
		break;
	case PHRASE_FIX_TOO_LONG:
		field_error_add(&e, "text", "Ce texte est trop long : raccourcissez-le.");
		break;
	case PHRASE_FIX_CONTROL:
		field_error_add(&e, "text", "Écrivez la phrase sur une seule ligne, sans caractère de "
		                            "contrôle.");
		break;
	case PHRASE_FIX_PLACEHOLDERS:
		field_error_add(&e, "text", "Gardez exactement les mots entre accolades, comme {ticket}, et "
		                            "les marques %d ou %s de la phrase française.");
		break;
	}
	int rc = STORE_OK;
	if (!e.n) {
		rc = store_phrase_fix_put(r->app->store, site.id, l->code, id, msgid, text,
		                          r->session->user.id);
		if (rc == STORE_CONFLICT)
			field_error_add(&e, "text", "Ce lieu a déjà changé le plus grand nombre de phrases "
			                            "permis : revenez à la traduction de Guichet pour "
			                            "d'autres phrases d'abord.");
	}
	if (e.n) {
		const char *fix = NULL;
		if (current_fix(r, site.id, l, id, msgid, &fix) != 0) {
			ui_error_page(r, 500, NULL);
			return 0;
		}
		http_status(r, 400);
		edit_page(r, &site, l, msgid, text, fix != NULL, &e);
		return 0;
	}
	return page_stored(r, rc, "update", "phrase_fix", 0, site.id, id, to ? to : "/sites");
}
