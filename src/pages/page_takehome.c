/*
 * page_takehome.c: the take-home summary of a visit, GET
 * /visits/{id}/summary (docs/takehome.md): a sheet the adviser prints and
 * hands to the person, in her language, in large type, with pictograms:
 * what was done today for each demand and how it ended, what happens next
 * (the operator's answer to wait for, the service to go to, the documents
 * to bring), the procedure's official link as text and as a QR code, and
 * the site's address and opening hours.
 *
 * Who: the staff who may read the visit (page_load_visit: a visit of
 * another site answers 404 like a missing one). ?lang=CODE chooses among
 * the public languages (default: the first language recorded for the
 * visitor when it is one, else French); ?format=a4 (default) or receipt
 * (80 mm). An unknown lang or format answers 400 with a page that says so:
 * the page's own links never make one.
 *
 * Nothing personal is printed: no name, telephone or e-mail, except an
 * identified visitor's name when the adviser ticks "print her name"
 * (?name=1). Reading the summary of an identified visitor is journaled like
 * reading the visit. The adviser's controls are in the adviser's language
 * and are not printed; the sheet itself is in the person's. Catalog names,
 * the documents' list and the site's texts are French data, marked
 * lang="fr" so that a screen reader reads them with a French voice.
 */
#include <string.h>

#include "app/app.h"
#include "domain/takehome.h"
#include "store/store_queue.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/qr.h"
#include "web/page.h"
#include "web/public.h"
#include "web/ui.h"
#include "pages/pages.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* The documents to bring printed for one demand, at most: the catalog
 * lists five at the most today. */
#define TAKEHOME_MAX_DOCUMENTS 12
/* Pictograms: beside a line of text, and beside a section's heading. */
#define PICTO_LINE 40
#define PICTO_HEADING 32

/* The person's language: the lang argument when given (NULL when it names
 * no public language), else the first language recorded for her that is a
 * public one, else French. */
static const lang *person_lang(req *r, const store_visitor *p, const char *arg)
{
	if (arg && *arg)
		return i18n_find_public(arg);
	const char **codes;
	size_t n = page_split_codes(r, p->languages, &codes);
	for (size_t i = 0; i < n; i++) {
		const lang *l = i18n_find_public(codes[i]);
		if (l)
			return l;
	}
	return i18n_default();
}

static int page_is_fr(const req *r)
{
	return !r->lang || strcmp(r->lang->code, "fr") == 0;
}

/* French data inside the person's language (RGAA 8.7); on a right-to-left
 * page it is also isolated left to right, so that "12 rue de la Poste" or
 * a closing parenthesis keeps its place. */
static void txt_fr(req *r, const char *text)
{
	if (page_is_fr(r)) {
		html_txt(&r->out, text);
		return;
	}
	RAW(r, r->lang->rtl ? "<span lang=\"fr\" dir=\"ltr\">" : "<span lang=\"fr\">");
	html_txt(&r->out, text);
	RAW(r, "</span>");
}

/* Text already inside an element marked French: isolated left to right
 * on a right-to-left page. */
static void txt_ltr(req *r, const char *text)
{
	if (r->lang && r->lang->rtl) {
		RAW(r, "<span dir=\"ltr\">");
		html_txt(&r->out, text);
		RAW(r, "</span>");
	} else {
		html_txt(&r->out, text);
	}
}

static void attr_lang_fr(req *r)
{
	if (!page_is_fr(r))
		RAW(r, " lang=\"fr\"");
}

/* A paragraph holding a pictogram and a translated public phrase. */
static void line(req *r, const char *picto, const char *text, const char *css_class)
{
	RAW(r, "<p class=\"th-line");
	if (css_class) {
		RAW(r, " ");
		html_attr(&r->out, css_class);
	}
	RAW(r, "\">");
	web_picto(r, picto, PICTO_LINE, "picto");
	RAW(r, "<span>");
	html_txt(&r->out, text);
	RAW(r, "</span></p>\n");
}

/* The date the operator's back office is expected to answer an escalated
 * demand. Escalations and their due dates are recorded apart from the
 * visit (sql/016_escalations.sql, linked by d->escalation_id): this is
 * where the summary will read the escalation's due_at and write one more
 * line ("answer expected by …"). Today it writes nothing, and the summary
 * says only what the demand's outcome says. */
static void escalation_answer_date(req *r, const store_demand *d)
{
	(void)r;
	(void)d;
}

/* The site's telephone number for the person, or NULL. Sites have no
 * telephone number of their own in the store yet (sql/001_foundation.sql):
 * when they get one, it is read here and printed under the hours. */
static const char *site_phone(req *r, const store_site *site)
{
	(void)r;
	(void)site;
	return NULL;
}

/* 1 for an address worth a link and a QR code: http or https only (the
 * catalog is typed by administrators; anything else is left out). */
static int web_address(const char *url)
{
	return url && (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0) &&
	       !strpbrk(url, " \t\r\n");
}

/* The official link as text, after the "what next" part of a demand. */
static void official_link(req *r, const char *url)
{
	line(r, "1F517", P_(r, "Le site officiel de cette démarche :"), "th-link");
	/* An address reads left to right in every language. */
	RAW(r, "<p class=\"th-url\" dir=\"ltr\" translate=\"no\"><a href=\"");
	html_attr(&r->out, url);
	RAW(r, "\">");
	html_txt(&r->out, url);
	RAW(r, "</a></p>\n");
}

/* The same link as a QR code, beside the demand's text; nothing for an
 * address too long for a QR code of a printable size (the text is there). */
static void official_qr(req *r, const char *url)
{
	qr_code q;
	if (qr_encode(url, strlen(url), &q) != 0)
		return;
	RAW(r, "<div class=\"th-qr\">");
	qr_svg(&q, &r->out, P_(r, "Code QR du site officiel de cette démarche"));
	RAW(r, "</div>\n");
}

static void documents(req *r, const char *text)
{
	const char **v;
	size_t n = takehome_documents(r->arena, text, TAKEHOME_MAX_DOCUMENTS, &v);
	if (n == 0)
		return;
	line(r, "1F4C4", P_(r, "Apportez ces documents :"), "th-docs-intro");
	RAW(r, "<ul class=\"th-docs\"");
	attr_lang_fr(r);
	RAW(r, ">\n");
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<li>");
		txt_ltr(r, v[i]);
		RAW(r, "</li>\n");
	}
	RAW(r, "</ul>\n");
}

static void demand(req *r, const store_demand *d, size_t i)
{
	takehome_demand t;
	store_operator op;
	store_procedure proc;
	int have_proc = d->procedure_id &&
	                store_procedure_get(r->app->store, r->arena, d->procedure_id, &proc) == STORE_OK;
	int have_op = store_operator_get(r->app->store, r->arena, d->operator_code, &op) == STORE_OK;
	const char *what = have_proc ? proc.label : d->procedure_text;

	if (takehome_demand_of(d->level, d->outcome, d->referral_type, &t) != 0)
		return; /* a record the rules of a visit would have refused */
	RAW(r, "<section class=\"th-demand\" aria-labelledby=\"th-d");
	html_int(&r->out, (int64_t)i + 1);
	RAW(r, "\">\n<h2 id=\"th-d");
	html_int(&r->out, (int64_t)i + 1);
	RAW(r, "\"><span class=\"th-num\">");
	html_int(&r->out, (int64_t)i + 1);
	RAW(r, ".</span> ");
	if (what && *what)
		txt_fr(r, what);
	if (what && *what && have_op)
		RAW(r, " <span class=\"th-op\">— ");
	if (have_op)
		txt_fr(r, op.name);
	if (what && *what && have_op)
		RAW(r, "</span>");
	RAW(r, "</h2>\n<div class=\"th-today\">\n<h3>");
	html_txt(&r->out, P_(r, "Aujourd'hui"));
	RAW(r, "</h3>\n");
	line(r, t.done_picto, P_(r, t.done), NULL);
	line(r, t.outcome_picto, P_(r, t.outcome), NULL);
	RAW(r, "</div>\n<div class=\"th-after\">\n<h3>");
	html_txt(&r->out, P_(r, "Et après ?"));
	RAW(r, "</h3>\n");
	line(r, "27A1", P_(r, t.next), "th-next");
	if (t.referral) {
		RAW(r, "<p class=\"th-where\">");
		html_txt(&r->out, P_(r, t.referral));
		RAW(r, "</p>\n");
	}
	if (t.escalated)
		escalation_answer_date(r, d);
	if (t.documents && have_proc)
		documents(r, proc.documents);
	RAW(r, "</div>\n");
	if (have_proc && web_address(proc.url)) {
		RAW(r, "<div class=\"th-web\">\n");
		official_link(r, proc.url);
		RAW(r, "</div>\n");
		official_qr(r, proc.url);
	}
	RAW(r, "</section>\n");
}

static void hours(req *r, const store_site *site)
{
	store_queue_settings qs;
	int weekly =
	    store_queue_settings_get(r->app->store, r->arena, site->id, &qs) == STORE_OK && qs.hours_set;
	const char *phone = site_phone(r, site);

	if (!weekly && !*site->opening_hours && !phone)
		return;
	RAW(r, "<section class=\"th-hours\" aria-labelledby=\"th-hours\">\n<h2 id=\"th-hours\">");
	web_picto(r, "1F552", PICTO_HEADING, "picto");
	RAW(r, "<span>");
	html_txt(&r->out, P_(r, "Nos horaires d'ouverture"));
	RAW(r, "</span></h2>\n");
	if (weekly) {
		RAW(r, "<ul class=\"th-week\">\n");
		for (int d = 1; d <= 7; d++) {
			char from[6], to[6];
			RAW(r, "<li><span class=\"th-day\">");
			html_txt(&r->out, P_(r, takehome_weekday(d)));
			RAW(r, "</span> ");
			if (qs.opens[d] >= qs.closes[d] || takehome_hm(qs.opens[d], from) != 0 ||
			    takehome_hm(qs.closes[d], to) != 0) {
				html_txt(&r->out, P_(r, "Fermé"));
			} else {
				RAW(r, "<span dir=\"ltr\">");
				html_txt(&r->out, from);
				RAW(r, " – ");
				html_txt(&r->out, to);
				RAW(r, "</span>");
			}
			RAW(r, "</li>\n");
		}
		RAW(r, "</ul>\n");
	} else if (*site->opening_hours) {
		RAW(r, "<p class=\"th-hours-text\"");
		attr_lang_fr(r);
		RAW(r, ">");
		txt_ltr(r, site->opening_hours);
		RAW(r, "</p>\n");
	}
	if (phone) {
		RAW(r, "<p class=\"th-line\">");
		web_picto(r, "1F4DE", PICTO_LINE, "picto");
		RAW(r, "<span>");
		html_txt(&r->out, P_(r, "Notre numéro de téléphone :"));
		RAW(r, " <span dir=\"ltr\" class=\"th-phone\">");
		html_txt(&r->out, phone);
		RAW(r, "</span></span></p>\n");
	}
	RAW(r, "</section>\n");
}

/* The address of this summary in language code (or "{lang}" for the
 * chooser's pattern), keeping the format and the name's choice. */
static const char *summary_href(req *r, int64_t id, const char *code, takehome_format f, int with_name)
{
	return arena_printf(r->arena, "/visits/%lld/summary?lang=%s&format=%s%s", (long long)id, code,
	                    takehome_format_code(f), with_name ? "&name=1" : "");
}

static void radio(req *r, const char *name, const char *value, const char *label, int checked)
{
	RAW(r, "<span class=\"radio\"><input type=\"radio\" name=\"");
	html_attr(&r->out, name);
	RAW(r, "\" id=\"th-");
	html_attr(&r->out, value);
	RAW(r, "\" value=\"");
	html_attr(&r->out, value);
	RAW(r, checked ? "\" checked>" : "\">");
	RAW(r, "<label for=\"th-");
	html_attr(&r->out, value);
	RAW(r, "\">");
	html_txt(&r->out, label);
	RAW(r, "</label></span>\n");
}

/* The adviser's controls, in the adviser's language, never printed. */
static void controls(req *r, const lang *staff, const store_visit *v, takehome_format f, int may_name,
                     int with_name)
{
	const lang *person = r->lang;

	RAW(r, "<div class=\"th-controls\" lang=\"");
	html_attr(&r->out, staff->code);
	RAW(r, staff->rtl ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	RAW(r, "<p><a href=\"/visits/");
	html_int(&r->out, v->id);
	RAW(r, "\">");
	html_txt(&r->out, i18n_text(staff, "Retour à la visite"));
	RAW(r, "</a></p>\n<p>");
	html_txt(&r->out,
	         i18n_text(staff, "Ce résumé ne montre ni le nom, ni le téléphone, ni l'adresse e-mail de "
	                          "la personne. Choisissez sa langue, puis imprimez-le (Ctrl+P)."));
	RAW(r, "</p>\n<form method=\"get\" action=\"/visits/");
	html_int(&r->out, v->id);
	RAW(r, "/summary\" class=\"th-form\">\n<input type=\"hidden\" name=\"lang\" value=\"");
	html_attr(&r->out, person->code);
	RAW(r, "\">\n<fieldset><legend>");
	html_txt(&r->out, i18n_text(staff, "Impression"));
	RAW(r, "</legend>\n");
	radio(r, "format", "a4", i18n_text(staff, "Feuille A4"), f == TAKEHOME_A4);
	radio(r, "format", "receipt", i18n_text(staff, "Ticket de caisse (80 mm)"), f == TAKEHOME_RECEIPT);
	RAW(r, "</fieldset>\n");
	if (may_name) {
		RAW(r,
		    "<p class=\"radio\"><input type=\"checkbox\" name=\"name\" id=\"th-name\" value=\"1\"");
		RAW(r, with_name ? " checked>" : ">");
		RAW(r, "<label for=\"th-name\">");
		html_txt(&r->out, i18n_text(staff, "Imprimer son nom sur le résumé"));
		RAW(r, "</label></p>\n");
	}
	RAW(r, "<p><button type=\"submit\" class=\"button-secondary\">");
	html_txt(&r->out, i18n_text(staff, "Afficher"));
	RAW(r, "</button> <button type=\"button\" class=\"button\" data-print hidden>");
	html_txt(&r->out, i18n_text(staff, "Imprimer"));
	RAW(r, "</button></p>\n</form>\n</div>\n");
}

int page_takehome(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_visit v;
	store_site site;
	if (page_load_visit(r, &v, &site) != 0)
		return 0;
	const lang *staff = r->lang ? r->lang : i18n_default();
	int f = takehome_format_parse(http_query(r, "format"));
	if (f < 0) {
		ui_error_page(r, 400,
		              "Format inconnu : le résumé s'imprime en a4 ou en receipt (ticket de 80 mm).");
		return 0;
	}
	const lang *person = person_lang(r, &v.visitor, http_query(r, "lang"));
	if (!person) {
		ui_error_page(
		    r, 400, "Langue inconnue : choisissez une des langues proposées sur la page du résumé.");
		return 0;
	}
	const store_visitor *p = &v.visitor;
	int may_name = p->identified && !store_visitor_erased(p) && p->full_name && *p->full_name;
	int with_name = may_name && str_eq(http_query(r, "name"), "1");
	if (p->identified && !store_visitor_erased(p))
		auth_audit(r, "read", "visitor", v.visitor_id, v.site_id,
		           with_name ? "takehome name" : "takehome");
	/* The sheet is the person's: no cache, no copy left behind. */
	http_set_header(r, "Cache-Control", "no-store");

	r->lang = person;
	static const char *const a4_styles[] = {"/static/takehome.css", NULL};
	static const char *const receipt_styles[] = {"/static/takehome.css", "/static/takehome-receipt.css",
	                                             NULL};
	static const char *const scripts[] = {"/static/takehome.js", NULL};
	web_public_page pg = {
	    .title = P_(r, "Résumé de votre visite"),
	    .styles = f == TAKEHOME_RECEIPT ? receipt_styles : a4_styles,
	    .scripts = scripts,
	    .body_class = f == TAKEHOME_RECEIPT ? "takehome takehome-receipt" : "takehome takehome-a4",
	};
	web_public_begin(r, &pg);
	controls(r, staff, &v, (takehome_format)f, may_name, with_name);
	web_public_lang_choice(r, summary_href(r, v.id, "{lang}", (takehome_format)f, with_name), NULL);

	char date[11], iso[11];
	time_local_date(v.started_at, iso);
	/* 2024-03-04 is written 04/03/2024, as French papers do. */
	memcpy(date, iso + 8, 2);
	date[2] = '/';
	memcpy(date + 3, iso + 5, 2);
	date[5] = '/';
	memcpy(date + 6, iso, 4);
	date[10] = '\0';
	RAW(r, "<div class=\"th-sheet\">\n<div class=\"th-head\">\n<p class=\"th-line th-site\">");
	web_picto(r, "1F3E0", PICTO_LINE, "picto");
	RAW(r, "<span>");
	txt_fr(r, site.name);
	if (*site.address) {
		RAW(r, "<br>");
		txt_fr(r, site.address);
	}
	RAW(r, "</span></p>\n<p class=\"th-line th-date\">");
	web_picto(r, "1F4C5", PICTO_LINE, "picto");
	RAW(r, "<time dir=\"ltr\" datetime=\"");
	html_attr(&r->out, iso);
	RAW(r, "\">");
	html_txt(&r->out, date);
	RAW(r, "</time></p>\n");
	if (with_name) {
		RAW(r, "<p class=\"th-name\"><bdi>");
		html_txt(&r->out, p->full_name);
		RAW(r, "</bdi></p>\n");
	}
	RAW(r, "</div>\n");
	for (size_t i = 0; i < v.ndemands; i++)
		demand(r, &v.demands[i], i);
	hours(r, &site);
	if (!page_is_fr(r)) {
		RAW(r, "<p class=\"th-note\">");
		html_txt(&r->out,
		         P_(r, "Les noms des démarches et des documents sont écrits en français, comme sur "
		               "les papiers officiels."));
		RAW(r, "</p>\n");
	}
	RAW(r, "</div>\n");
	web_public_end(r);
	return 0;
}
