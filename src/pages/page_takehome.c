/*
 * page_takehome.c: the take-home summary of a visit, GET
 * /visits/{id}/summary (docs/takehome.md): a sheet the adviser prints and
 * hands to the person, in her language, in large type, with pictograms:
 * what was done today for each demand and how it ended, what happens next
 * (the operator's answer to wait for, the service to go to, the documents
 * to bring, the day an escalated demand's answer is expected), the
 * procedure's official link as text and as a QR code, and the site's
 * address, opening hours and telephone number (a tel: link).
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
 *
 * POST /visits/{id}/summary sends the same sheet by e-mail, only when the
 * person asks, to the address the adviser types for this message: written
 * by the same functions beside the page (mail_copy: plain text and an HTML
 * without images, never her name), sent at once through the server's SMTP
 * settings, the page saying whether the mail server took it. The address
 * is stored nowhere: not in the database, the log, the audit journal or a
 * URL. Without SMTP settings the form says so and offers printing.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/app_mail.h"
#include "domain/site.h"
#include "domain/takehome.h"
#include "store/store_escalations.h"
#include "store/store_queue.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/qr.h"
#include "util/smtp.h"
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

/* The e-mail's copy of the sheet (docs/takehome.md), written beside it by
 * the same functions: the same sentences as plain text and as a simple HTML
 * without images, nothing the sheet does not show. NULL when only the page
 * is written. */
typedef struct mail_copy {
	buf text, html;
	int fr; /* the person reads French: no lang="fr" needed */
} mail_copy;

static void mc_html(mail_copy *c, const char *raw)
{
	if (c)
		buf_puts(&c->html, raw);
}

/* French data inside the person's language (RGAA 8.7), as on the sheet. */
static void mc_html_txt(mail_copy *c, const char *s, int french)
{
	if (french && !c->fr)
		buf_puts(&c->html, "<span lang=\"fr\">");
	html_txt(&c->html, s);
	if (french && !c->fr)
		buf_puts(&c->html, "</span>");
}

/* One element of text: a paragraph (tag "p"), a heading, an item. */
static void mc_block(mail_copy *c, const char *tag, const char *text_prefix, const char *s, int french)
{
	if (!c)
		return;
	if (!s)
		s = "";
	buf_puts(&c->text, text_prefix);
	buf_puts(&c->text, s);
	buf_puts(&c->text, "\n");
	buf_printf(&c->html, "<%s>", tag);
	mc_html_txt(c, s, french);
	buf_printf(&c->html, "</%s>\n", tag);
}

static void mc_p(mail_copy *c, const char *s, int french)
{
	mc_block(c, "p", "", s, french);
}

static void mc_h(mail_copy *c, const char *tag, const char *s, int french)
{
	mc_block(c, tag, "\n", s, french);
}

static void mc_li(mail_copy *c, const char *s, int french)
{
	mc_block(c, "li", "- ", s, french);
}

/* A link, its address as its text (left to right in every language). */
static void mc_link(mail_copy *c, const char *prefix, const char *href, const char *text)
{
	if (!c)
		return;
	buf_printf(&c->text, "%s%s\n", prefix, text);
	buf_puts(&c->html, "<p>");
	if (*prefix) {
		html_txt(&c->html, prefix);
		buf_puts(&c->html, " ");
	}
	buf_puts(&c->html, "<a dir=\"ltr\" href=\"");
	html_attr(&c->html, href);
	buf_puts(&c->html, "\">");
	html_txt(&c->html, text);
	buf_puts(&c->html, "</a></p>\n");
}

/* A paragraph holding a pictogram and a translated public phrase. */
static void line(req *r, mail_copy *c, const char *picto, const char *text, const char *css_class)
{
	mc_p(c, text, 0);
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

/* A day as French papers write it, 04/03/2024 for 2024-03-04 (iso), in
 * the deployment's time zone. */
static void paper_date(int64_t t, char iso[11], char date[11])
{
	time_local_date(t, iso);
	memcpy(date, iso + 8, 2);
	date[2] = '/';
	memcpy(date + 3, iso + 5, 2);
	date[5] = '/';
	memcpy(date + 6, iso, 4);
	date[10] = '\0';
}

/* The day the operator's back office is expected to answer an escalated
 * demand: its escalation's due date (sql/016_escalations.sql, sent_at plus
 * the operator's deadline), one line "Réponse attendue vers le 18/03/2024".
 * Only while the operator has it (sent, in progress): nothing before it is
 * sent (no due date yet), once the answer came (the site tells her), or
 * for an escalation that is not this demand's. */
static void escalation_answer_date(req *r, mail_copy *c, const store_demand *d)
{
	store_escalation x;
	int rc = d->escalation_id ? store_escalation_get(r->app->store, r->arena, d->escalation_id, &x)
	                          : store_escalation_of_demand(r->app->store, r->arena, d->id, &x);
	if (rc != STORE_OK || x.demand_id != d->id || x.site_id != d->site_id || x.due_at <= 0 ||
	    x.answered_at > 0 || !(str_eq(x.status, "envoyee") || str_eq(x.status, "en_cours")))
		return;
	char iso[11], date[11];
	paper_date(x.due_at, iso, date);
	const char *text = P_(r, "Réponse attendue vers le %s");
	const char *at = strstr(text, "%s");
	RAW(r, "<p class=\"th-line th-expected\">");
	web_picto(r, "1F4C5", PICTO_LINE, "picto");
	RAW(r, "<span>");
	html_txt_n(&r->out, text, at ? (size_t)(at - text) : strlen(text));
	if (at) {
		RAW(r, "<time dir=\"ltr\" datetime=\"");
		html_attr(&r->out, iso);
		RAW(r, "\">");
		html_txt(&r->out, date);
		RAW(r, "</time>");
		html_txt(&r->out, at + 2);
	}
	RAW(r, "</span></p>\n");
	if (c) {
		const char *sentence =
		    at ? arena_printf(r->arena, "%.*s%s%s", (int)(at - text), text, date, at + 2) : text;
		mc_p(c, sentence ? sentence : text, 0);
	}
}

/* The site's telephone number for the person, written in groups
 * ("02 99 00 00 00"), or NULL when the site gave none; *tel is the address
 * of a tel: link, in international form for a French number
 * ("tel:+33299000000"), as is for a short number ("tel:3939"). */
static const char *site_phone(req *r, const store_site *site, const char **tel)
{
	char compact[SITE_PHONE_SIZE], shown[SITE_PHONE_SIZE];
	*tel = NULL;
	if (site_phone_compact(site->phone, compact) != 0 || !*compact)
		return NULL;
	site_phone_display(compact, shown);
	if (compact[0] == '0')
		*tel = arena_printf(r->arena, "tel:+33%s", compact + 1);
	else
		*tel = arena_printf(r->arena, "tel:%s", compact);
	return arena_strdup(r->arena, shown);
}

/* 1 for an address worth a link and a QR code: http or https only (the
 * catalog is typed by administrators; anything else is left out). */
static int web_address(const char *url)
{
	return url && (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0) &&
	       !strpbrk(url, " \t\r\n");
}

/* The official link as text, after the "what next" part of a demand. */
static void official_link(req *r, mail_copy *c, const char *url)
{
	line(r, c, "1F517", P_(r, "Le site officiel de cette démarche :"), "th-link");
	mc_link(c, "", url, url);
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

static void documents(req *r, mail_copy *c, const char *text)
{
	const char **v;
	size_t n = takehome_documents(r->arena, text, TAKEHOME_MAX_DOCUMENTS, &v);
	if (n == 0)
		return;
	line(r, c, "1F4C4", P_(r, "Apportez ces documents :"), "th-docs-intro");
	mc_html(c, "<ul>\n");
	for (size_t i = 0; i < n; i++)
		mc_li(c, v[i], 1);
	mc_html(c, "</ul>\n");
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

static void demand(req *r, mail_copy *c, const store_demand *d, size_t i)
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
	if (c) {
		const char *title =
		    arena_printf(r->arena, "%zu. %s%s%s", i + 1, what ? what : "",
		                 what && *what && have_op ? " — " : "", have_op ? op.name : "");
		mc_h(c, "h2", title ? title : "", 1);
	}
	html_txt(&r->out, P_(r, "Aujourd'hui"));
	mc_h(c, "h3", P_(r, "Aujourd'hui"), 0);
	RAW(r, "</h3>\n");
	line(r, c, t.done_picto, P_(r, t.done), NULL);
	line(r, c, t.outcome_picto, P_(r, t.outcome), NULL);
	RAW(r, "</div>\n<div class=\"th-after\">\n<h3>");
	html_txt(&r->out, P_(r, "Et après ?"));
	mc_h(c, "h3", P_(r, "Et après ?"), 0);
	RAW(r, "</h3>\n");
	line(r, c, "27A1", P_(r, t.next), "th-next");
	if (t.referral) {
		RAW(r, "<p class=\"th-where\">");
		html_txt(&r->out, P_(r, t.referral));
		RAW(r, "</p>\n");
		mc_p(c, P_(r, t.referral), 0);
	}
	if (t.escalated)
		escalation_answer_date(r, c, d);
	if (t.documents && have_proc)
		documents(r, c, proc.documents);
	RAW(r, "</div>\n");
	if (have_proc && web_address(proc.url)) {
		RAW(r, "<div class=\"th-web\">\n");
		official_link(r, c, proc.url);
		RAW(r, "</div>\n");
		official_qr(r, proc.url);
	}
	RAW(r, "</section>\n");
}

static void hours(req *r, mail_copy *c, const store_site *site)
{
	store_queue_settings qs;
	int weekly =
	    store_queue_settings_get(r->app->store, r->arena, site->id, &qs) == STORE_OK && qs.hours_set;
	const char *tel;
	const char *phone = site_phone(r, site, &tel);

	if (!weekly && !*site->opening_hours && !phone)
		return;
	RAW(r, "<section class=\"th-hours\" aria-labelledby=\"th-hours\">\n<h2 id=\"th-hours\">");
	web_picto(r, "1F552", PICTO_HEADING, "picto");
	RAW(r, "<span>");
	html_txt(&r->out, P_(r, "Nos horaires d'ouverture"));
	mc_h(c, "h2", P_(r, "Nos horaires d'ouverture"), 0);
	RAW(r, "</span></h2>\n");
	if (weekly) {
		RAW(r, "<ul class=\"th-week\">\n");
		mc_html(c, "<ul>\n");
		for (int d = 1; d <= 7; d++) {
			char from[6], to[6];
			RAW(r, "<li><span class=\"th-day\">");
			html_txt(&r->out, P_(r, takehome_weekday(d)));
			RAW(r, "</span> ");
			if (qs.opens[d] >= qs.closes[d] || takehome_hm(qs.opens[d], from) != 0 ||
			    takehome_hm(qs.closes[d], to) != 0) {
				html_txt(&r->out, P_(r, "Fermé"));
				if (c)
					mc_li(c,
					      arena_printf(r->arena, "%s %s", P_(r, takehome_weekday(d)),
					                   P_(r, "Fermé")),
					      0);
			} else {
				if (c)
					mc_li(c,
					      arena_printf(r->arena, "%s %s – %s", P_(r, takehome_weekday(d)),
					                   from, to),
					      0);
				RAW(r, "<span dir=\"ltr\">");
				html_txt(&r->out, from);
				RAW(r, " – ");
				html_txt(&r->out, to);
				RAW(r, "</span>");
			}
			RAW(r, "</li>\n");
		}
		RAW(r, "</ul>\n");
		mc_html(c, "</ul>\n");
	} else if (*site->opening_hours) {
		if (c) {
			buf_puts(&c->text, site->opening_hours);
			buf_puts(&c->text, "\n");
			mc_html(c, "<p style=\"white-space: pre-line\">");
			mc_html_txt(c, site->opening_hours, 1);
			mc_html(c, "</p>\n");
		}
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
		RAW(r, " <a dir=\"ltr\" class=\"th-phone\" href=\"");
		html_attr(&r->out, tel ? tel : "");
		RAW(r, "\">");
		html_txt(&r->out, phone);
		RAW(r, "</a></span></p>\n");
		mc_link(c, P_(r, "Notre numéro de téléphone :"), tel ? tel : "", phone);
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

/* What a summary's page knows, for GET and POST alike. */
typedef struct summary {
	store_visit v;
	store_site site;
	const lang *staff;  /* the adviser's language: the controls */
	const lang *person; /* the person's: the sheet */
	takehome_format f;
	int may_name, with_name;
} summary;

/* What the e-mail form says after a POST (or ?sent=1), in the adviser's
 * language: a notice's kind and French msgid, the address typed when it
 * must be corrected, and the error beside the field. */
typedef struct mail_state {
	const char *kind, *notice;
	const char *typed, *error;
} mail_state;

/* The e-mail form: the person's address, typed here for this message only
 * and never stored (docs/takehome.md); when the server has no SMTP server,
 * a sentence that says so and the print button instead. */
static void mail_form(req *r, const summary *sm, const mail_state *ms)
{
	const lang *staff = sm->staff;
	RAW(r, "<div class=\"th-mail\">\n<h2>");
	html_txt(&r->out, i18n_text(staff, "Envoyer ce résumé par e-mail"));
	RAW(r, "</h2>\n");
	if (!app_mail_configured(r->app->cfg)) {
		RAW(r, "<p>");
		html_txt(&r->out, i18n_text(staff, "L'envoi par e-mail n'est pas configuré sur ce serveur. "
		                                   "Imprimez le résumé pour la personne (Ctrl+P)."));
		RAW(r, "</p>\n<p><button type=\"button\" class=\"button-secondary\" data-print hidden>");
		html_txt(&r->out, i18n_text(staff, "Imprimer"));
		RAW(r, "</button></p>\n</div>\n");
		return;
	}
	char *action = arena_printf(r->arena, "/visits/%lld/summary", (long long)sm->v.id);
	ui_form_begin(r, action ? action : "/");
	RAW(r, "<input type=\"hidden\" name=\"lang\" value=\"");
	html_attr(&r->out, sm->person->code);
	RAW(r, "\">\n<input type=\"hidden\" name=\"format\" value=\"");
	html_attr(&r->out, takehome_format_code(sm->f));
	RAW(r, "\">\n");
	if (sm->with_name)
		RAW(r, "<input type=\"hidden\" name=\"name\" value=\"1\">\n");
	RAW(r, "<p id=\"th-email-hint\">");
	html_txt(&r->out, i18n_text(staff, "Seulement si la personne le demande. Son adresse sert à cet "
	                                   "envoi et n'est enregistrée nulle part."));
	RAW(r, "</p>\n<div class=\"field");
	RAW(r, ms->error ? " field-error\">" : "\">");
	RAW(r, "<label for=\"th-email\">");
	html_txt(&r->out, i18n_text(staff, "Son adresse e-mail"));
	RAW(r, "</label>\n");
	if (ms->error) {
		RAW(r, "<p class=\"error-message\" id=\"th-email-error\">");
		html_txt(&r->out, i18n_text(staff, ms->error));
		RAW(r, "</p>\n");
	}
	RAW(r, "<input type=\"email\" name=\"email\" id=\"th-email\" autocomplete=\"off\" "
	       "spellcheck=\"false\" dir=\"ltr\" aria-describedby=\"th-email-hint");
	RAW(r, ms->error ? " th-email-error\" aria-invalid=\"true\"" : "\"");
	RAW(r, " value=\"");
	html_attr(&r->out, ms->typed ? ms->typed : "");
	RAW(r, "\"></div>\n<p><button type=\"submit\" class=\"button-secondary\">");
	html_txt(&r->out, i18n_text(staff, "Envoyer le résumé"));
	RAW(r, "</button></p>\n");
	ui_form_end(r);
	RAW(r, "</div>\n");
}

/* The adviser's controls, in the adviser's language, never printed. */
static void controls(req *r, const summary *sm, const mail_state *ms)
{
	const lang *staff = sm->staff;
	const lang *person = sm->person;
	const store_visit *v = &sm->v;

	RAW(r, "<div class=\"th-controls\" lang=\"");
	html_attr(&r->out, staff->code);
	RAW(r, staff->rtl ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	if (ms->notice) {
		/* The notice's own words ("Erreur :") in the adviser's language. */
		r->lang = staff;
		ui_notice(r, ms->kind, i18n_text(staff, ms->notice));
		r->lang = person;
	}
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
	radio(r, "format", "a4", i18n_text(staff, "Feuille A4"), sm->f == TAKEHOME_A4);
	radio(r, "format", "receipt", i18n_text(staff, "Ticket de caisse (80 mm)"),
	      sm->f == TAKEHOME_RECEIPT);
	RAW(r, "</fieldset>\n");
	if (sm->may_name) {
		RAW(r,
		    "<p class=\"radio\"><input type=\"checkbox\" name=\"name\" id=\"th-name\" value=\"1\"");
		RAW(r, sm->with_name ? " checked>" : ">");
		RAW(r, "<label for=\"th-name\">");
		html_txt(&r->out, i18n_text(staff, "Imprimer son nom sur le résumé"));
		RAW(r, "</label></p>\n");
	}
	RAW(r, "<p><button type=\"submit\" class=\"button-secondary\">");
	html_txt(&r->out, i18n_text(staff, "Afficher"));
	RAW(r, "</button> <button type=\"button\" class=\"button\" data-print hidden>");
	html_txt(&r->out, i18n_text(staff, "Imprimer"));
	RAW(r, "</button></p>\n</form>\n");
	mail_form(r, sm, ms);
	RAW(r, "</div>\n");
}

/* The sheet itself, in the person's language (r->lang); its e-mail copy
 * in c when not NULL: the same sentences, never her name. */
static void sheet(req *r, mail_copy *c, const summary *sm)
{
	const store_visit *v = &sm->v;
	const store_site *site = &sm->site;
	char date[11], iso[11];
	paper_date(v->started_at, iso, date);
	RAW(r, "<div class=\"th-sheet\">\n<div class=\"th-head\">\n<p class=\"th-line th-site\">");
	web_picto(r, "1F3E0", PICTO_LINE, "picto");
	RAW(r, "<span>");
	txt_fr(r, site->name);
	mc_p(c, site->name, 1);
	if (*site->address) {
		RAW(r, "<br>");
		txt_fr(r, site->address);
		mc_p(c, site->address, 1);
	}
	RAW(r, "</span></p>\n<p class=\"th-line th-date\">");
	web_picto(r, "1F4C5", PICTO_LINE, "picto");
	RAW(r, "<time dir=\"ltr\" datetime=\"");
	html_attr(&r->out, iso);
	RAW(r, "\">");
	html_txt(&r->out, date);
	RAW(r, "</time></p>\n");
	mc_p(c, date, 0);
	if (sm->with_name) {
		RAW(r, "<p class=\"th-name\"><bdi>");
		html_txt(&r->out, v->visitor.full_name);
		RAW(r, "</bdi></p>\n");
	}
	RAW(r, "</div>\n");
	for (size_t i = 0; i < v->ndemands; i++)
		demand(r, c, &v->demands[i], i);
	hours(r, c, site);
	if (!page_is_fr(r)) {
		const char *note = P_(r, "Les noms des démarches et des documents sont écrits en français, "
		                         "comme sur les papiers officiels.");
		RAW(r, "<p class=\"th-note\">");
		html_txt(&r->out, note);
		RAW(r, "</p>\n");
		if (c) {
			buf_puts(&c->text, "\n");
			mc_p(c, note, 0);
		}
	}
	RAW(r, "</div>\n");
}

/* Reads the visit and the choices (lang, format, name: from the query for
 * GET, from the form for POST); 0, or -1 once the answer is written. */
static int load(req *r, summary *sm, const char *lang_arg, const char *format_arg, const char *name_arg)
{
	if (page_load_visit(r, &sm->v, &sm->site) != 0)
		return -1;
	sm->staff = r->lang ? r->lang : i18n_default();
	int f = takehome_format_parse(format_arg);
	if (f < 0) {
		ui_error_page(r, 400,
		              "Format inconnu : le résumé s'imprime en a4 ou en receipt (ticket de 80 mm).");
		return -1;
	}
	sm->f = (takehome_format)f;
	sm->person = person_lang(r, &sm->v.visitor, lang_arg);
	if (!sm->person) {
		ui_error_page(
		    r, 400, "Langue inconnue : choisissez une des langues proposées sur la page du résumé.");
		return -1;
	}
	const store_visitor *p = &sm->v.visitor;
	sm->may_name = p->identified && !store_visitor_erased(p) && p->full_name && *p->full_name;
	sm->with_name = sm->may_name && str_eq(name_arg, "1");
	if (p->identified && !store_visitor_erased(p))
		auth_audit(r, "read", "visitor", sm->v.visitor_id, sm->v.site_id,
		           sm->with_name ? "takehome name" : "takehome");
	/* The sheet is the person's: no cache, no copy left behind. */
	http_set_header(r, "Cache-Control", "no-store");
	return 0;
}

/* The whole page; the sheet already written in sheet_html (POST), or
 * written here (GET). */
static void render(req *r, const summary *sm, const mail_state *ms, const buf *sheet_html)
{
	r->lang = sm->person;
	static const char *const a4_styles[] = {"/static/takehome.css", NULL};
	static const char *const receipt_styles[] = {"/static/takehome.css", "/static/takehome-receipt.css",
	                                             NULL};
	static const char *const scripts[] = {"/static/takehome.js", NULL};
	web_public_page pg = {
	    .title = P_(r, "Résumé de votre visite"),
	    .styles = sm->f == TAKEHOME_RECEIPT ? receipt_styles : a4_styles,
	    .scripts = scripts,
	    .body_class = sm->f == TAKEHOME_RECEIPT ? "takehome takehome-receipt" : "takehome takehome-a4",
	};
	web_public_begin(r, &pg);
	controls(r, sm, ms);
	web_public_lang_choice(r, summary_href(r, sm->v.id, "{lang}", sm->f, sm->with_name), NULL);
	if (sheet_html)
		buf_append(&r->out, sheet_html->data ? sheet_html->data : "", sheet_html->len);
	else
		sheet(r, NULL, sm);
	web_public_end(r);
}

int page_takehome(req *r)
{
	if (!page_require_login(r))
		return 0;
	summary sm;
	if (load(r, &sm, http_query(r, "lang"), http_query(r, "format"), http_query(r, "name")) != 0)
		return 0;
	mail_state ms = {0};
	if (str_eq(http_query(r, "sent"), "1")) {
		ms.kind = "success";
		ms.notice = N_("Le résumé a été remis au serveur de messagerie, qui l'a accepté : il "
		               "arrivera bientôt dans la boîte de la personne.");
	}
	render(r, &sm, &ms, NULL);
	return 0;
}

/* The e-mail of the summary: subject, text and HTML in the person's
 * language, from the sheet's copy. */
static int compose(req *r, const summary *sm, mail_copy *c, const char *to, buf *out)
{
	const lang *before = r->lang;
	r->lang = sm->person;
	const char *title = P_(r, "Résumé de votre visite");
	const char *footer = P_(r, "Vous recevez ce message parce que vous l'avez demandé à l'accueil.");
	const char *subject = arena_printf(r->arena, "%s — %s", title, sm->site.name);
	buf text, html;
	buf_init(&text, (size_t)256 * 1024);
	buf_init(&html, (size_t)512 * 1024);
	buf_printf(&text, "%s\n\n", title);
	buf_append(&text, c->text.data ? c->text.data : "", c->text.len);
	buf_printf(&text, "\n-- \n%s\n", footer);
	buf_printf(&html,
	           "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	           "<title>",
	           sm->person->code, sm->person->rtl ? "rtl" : "ltr");
	html_txt(&html, title);
	buf_puts(&html, "</title>\n</head>\n<body style=\"font-family: sans-serif; font-size: 18px; "
	                "line-height: 1.5\">\n<h1>");
	html_txt(&html, title);
	buf_puts(&html, "</h1>\n");
	buf_append(&html, c->html.data ? c->html.data : "", c->html.len);
	buf_puts(&html, "<hr>\n<p>");
	html_txt(&html, footer);
	buf_puts(&html, "</p>\n</body>\n</html>\n");
	takehome_mail m = {.from = r->app->cfg->smtp_from,
	                   .to = to,
	                   .lang = sm->person->code,
	                   .subject = subject ? subject : title,
	                   .text = text.data ? text.data : "",
	                   .html = html.data ? html.data : "",
	                   .now = now_s()};
	int rc = text.overflow || html.overflow ? -1 : takehome_mail_compose(&m, out);
	buf_free(&text);
	buf_free(&html);
	r->lang = before;
	return rc;
}

/* Sends the message at once; the outcome, in the words of the notice. */
static void send_now(req *r, const summary *sm, mail_copy *c, const char *to, mail_state *ms)
{
	buf msg;
	buf_init(&msg, (size_t)2 * 1024 * 1024);
	smtp_result res;
	memset(&res, 0, sizeof res);
	int composed = compose(r, sm, c, to, &msg) == 0;
	if (composed) {
		smtp_config sc;
		app_mail_smtp(r->app->cfg, &sc);
		smtp_send(&sc, to, msg.data, msg.len, NULL, NULL, &res);
	}
	buf_free(&msg);
	/* The journal says that a summary was sent for this visit, and how it
	 * went; never to whom. */
	if (composed && res.status == SMTP_SENT) {
		auth_audit(r, "send", "visit", sm->v.id, sm->v.site_id, "takehome email sent");
		ms->kind = "success";
		return;
	}
	if (composed && res.status == SMTP_UNCERTAIN) {
		auth_audit(r, "send", "visit", sm->v.id, sm->v.site_id, "takehome email unconfirmed");
		ms->kind = "info";
		ms->notice = N_("Le résumé a été remis au serveur de messagerie, mais celui-ci n'a pas "
		                "confirmé l'avoir accepté. Demandez à la personne si elle l'a reçu, ou "
		                "imprimez-le.");
		return;
	}
	auth_audit(r, "send", "visit", sm->v.id, sm->v.site_id, "takehome email not sent");
	fprintf(stderr, "level=warn msg=\"takehome email not sent\" visit=%lld reason=\"%s\"\n",
	        (long long)sm->v.id, composed ? res.error : "could not be written");
	ms->kind = "error";
	ms->notice = N_("Le résumé n'a pas été envoyé : le serveur de messagerie ne l'a pas accepté. "
	                "Imprimez-le pour la personne (Ctrl+P).");
	http_status(r, 502);
}

int page_takehome_send(req *r)
{
	if (!page_require_login(r))
		return 0;
	summary sm;
	if (load(r, &sm, page_field(r, "lang"), page_field(r, "format"), page_field(r, "name")) != 0)
		return 0;
	if (!page_require_form(r))
		return 0;
	mail_state ms = {0};
	const char *to = page_field(r, "email");
	if (!app_mail_configured(r->app->cfg)) {
		ms.kind = "error";
		ms.notice = N_("L'envoi par e-mail n'est pas configuré sur ce serveur. Imprimez le résumé "
		               "pour la personne (Ctrl+P).");
		http_status(r, 503);
		render(r, &sm, &ms, NULL);
		return 0;
	}
	if (!smtp_address_valid(to) || !strchr(strchr(to, '@'), '.')) {
		ms.kind = "error";
		ms.notice = ms.error = *to ? N_("Cette adresse e-mail n'est pas valide : écrivez-la comme "
		                                "prenom.nom@exemple.fr.")
		                           : N_("Écrivez l'adresse e-mail de la personne.");
		ms.typed = to;
		http_status(r, 400);
		render(r, &sm, &ms, NULL);
		return 0;
	}
	/* The sheet is written once, into a buffer of its own, with its e-mail
	 * copy beside it; the page shows it after the notice. */
	r->lang = sm.person;
	mail_copy c = {.fr = str_eq(sm.person->code, "fr")};
	buf_init(&c.text, (size_t)256 * 1024);
	buf_init(&c.html, (size_t)512 * 1024);
	buf page = r->out;
	buf_init(&r->out, page.max);
	sheet(r, &c, &sm);
	buf sheet_html = r->out;
	r->out = page;
	r->lang = sm.staff;
	send_now(r, &sm, &c, to, &ms);
	buf_free(&c.text);
	buf_free(&c.html);
	if (str_eq(ms.kind, "success")) {
		buf_free(&sheet_html);
		const char *to_page = arena_printf(
		    r->arena, "%s&sent=1", summary_href(r, sm.v.id, sm.person->code, sm.f, sm.with_name));
		http_redirect(r, to_page ? to_page : "/");
		return 0;
	}
	render(r, &sm, &ms, &sheet_html);
	buf_free(&sheet_html);
	return 0;
}
