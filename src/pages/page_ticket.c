/*
 * page_ticket.c: a ticket's own page on the person's phone, /t/KEY, opened
 * from the QR code of the printed ticket, the door page or an adviser's
 * ticket: the number, the service, the people ahead and the estimated
 * wait, the call when it comes, in the language of the ticket (a chooser
 * changes it for this page only). Without a script a link reloads it; with
 * kiosk.js the status comes live from /t/KEY/events (Server-Sent Events of
 * the site, filtered to what may change this ticket) into a polite live
 * region, and the call rings and vibrates where the phone allows.
 *
 * The person may cancel the ticket (a confirmation first) and, after the
 * visit, answer the State's three satisfaction questions once: the answer
 * is anonymous, stored like the satisfaction page's (site and time only),
 * and the ticket only remembers that it was given.
 *
 * The key in the address is the ticket's own random key: whoever holds it
 * may read and cancel that ticket, nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/app_queue.h"
#include "app/events.h"
#include "domain/queue.h"
#include "domain/satisfaction.h"
#include "pages/page_kiosk.h"
#include "pages/pages.h"
#include "store/store_queue.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/json.h"
#include "vocab/enums.h"
#include "web/page.h"
#include "web/public.h"
#include "web/sse.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* The longest ticket key looked up. */
#define TICKET_KEY_MAX 64

typedef struct phone {
	store_ticket t;
	store_site site;
	const char *service; /* translated label, "" when unknown */
} phone;

/* Loads the ticket of the path's key and sets the page's language: ?lang=
 * (or the form's lang) when offered, else the ticket's. 0, or -1 once
 * answered (404). */
static int phone_load(req *r, phone *p)
{
	page_prepare(r);
	memset(p, 0, sizeof *p);
	const char *key = http_param(r, 0);
	if (!key || !*key || strlen(key) > TICKET_KEY_MAX) {
		page_not_found(r);
		return -1;
	}
	int rc = store_ticket_by_key(r->app->store, r->arena, key, &p->t);
	if (rc == STORE_NOT_FOUND) {
		page_not_found(r);
		return -1;
	}
	if (rc != STORE_OK || store_site_get(r->app->store, r->arena, p->t.site_id, &p->site) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return -1;
	}
	const char *code = r->method == HTTP_POST ? http_form(r, "lang") : http_query(r, "lang");
	const lang *l = kiosk_lang_find(code, NULL);
	if (!l)
		l = kiosk_lang_find(p->t.lang, NULL);
	r->lang = l ? l : i18n_default();
	web_public_site_fixes(r, p->t.site_id);
	store_queue_service svc;
	p->service = store_queue_service_get(r->app->store, r->arena, p->t.service_id, &svc) == STORE_OK
	                 ? kiosk_service_label(r, svc.label)
	                 : "";
	return 0;
}

/* "/t/KEY" and a suffix, then "?lang=L" and more arguments, from the arena. */
static const char *phone_path(req *r, const phone *p, const char *suffix, const char *args)
{
	buf b;
	buf_init(&b, 1024);
	buf_puts(&b, "/t/");
	html_url_arg(&b, p->t.key);
	if (suffix)
		buf_puts(&b, suffix);
	buf_puts(&b, "?lang=");
	html_url_arg(&b, r->lang->code);
	if (args) {
		buf_puts(&b, "&");
		buf_puts(&b, args);
	}
	const char *s = b.overflow || !b.data ? NULL : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return s ? s : "/";
}

/* What the ticket's status says to the person, a French msgid. */
static const char *status_text(const store_ticket *t)
{
	switch (t->status) {
	case QUEUE_EMIS:
		return NP_("Vous êtes dans la file d'attente.");
	case QUEUE_APPELE:
		return NP_("C'est votre tour !");
	case QUEUE_EN_COURS:
		return NP_("Vous êtes reçu en ce moment.");
	case QUEUE_TERMINE:
		return NP_("Votre visite est terminée.");
	case QUEUE_ABSENT:
		return NP_("Vous avez été appelé, mais vous n'étiez pas là. Adressez-vous à l'accueil.");
	case QUEUE_ANNULE:
		return NP_("Ce ticket est annulé.");
	case QUEUE_REDIRIGE:
		return NP_("Votre ticket a été transféré vers un autre service. Demandez votre nouveau numéro à "
		           "l'accueil.");
	default:
		return NP_("Vous êtes dans la file d'attente.");
	}
}

/* The inside of the live region: the status, the desk of the call, the
 * people ahead and the wait. The same markup for the page and for the
 * script's updates (/t/KEY/status). 0, or -1 when the store failed. */
static int status_block(req *r, const phone *p)
{
	buf *o = &r->out;
	size_t ahead = 0;
	int64_t wait_s = 0;
	if (kiosk_ticket_wait(r, &p->t, &ahead, &wait_s) != 0)
		return -1;
	html_rawf_trusted(o, "<p class=\"phone-state phone-state-%s\">", queue_status_code(p->t.status));
	html_txt(o, i18n_text(r->lang, status_text(&p->t)));
	RAW(r, "</p>\n");
	if (p->t.status == QUEUE_APPELE) {
		RAW(r, "<p class=\"phone-call\">");
		const char *desk = p->t.desk && *p->t.desk ? p->t.desk : "";
		if (*desk)
			html_txt(o, kiosk_fill(r, P_(r, "Allez au guichet %s."), desk));
		else
			html_txt(o, P_(r, "Allez à l'accueil."));
		RAW(r, "</p>\n");
	}
	if (p->t.status == QUEUE_EMIS)
		kiosk_wait_lines(r, ahead, wait_s);
	return 0;
}

/* The choice of another language for this page only, folded: the
 * ticket comes first on a small screen. */
static void lang_chooser(req *r, const phone *p)
{
	buf b;
	buf_init(&b, 512);
	buf_puts(&b, "/t/");
	html_url_arg(&b, p->t.key);
	buf_puts(&b, "?lang={lang}");
	RAW(r, "<details class=\"phone-langs\">\n<summary>");
	html_txt(&r->out, P_(r, "Changer de langue"));
	RAW(r, "</summary>\n");
	if (b.data && !b.overflow)
		web_public_lang_choice(r, b.data, P_(r, "Changer de langue"));
	buf_free(&b);
	RAW(r, "</details>\n");
}

/* One question's choices as large radio cards. */
static void survey_choices(req *r, const char *name, const char *const *labels, int n, int value, int err)
{
	buf *o = &r->out;
	RAW(r, "<div class=\"survey-choices\">\n");
	for (int v = 1; v <= n; v++) {
		/* The first radio's id is the field's name, for the error
		 * summary's link. */
		const char *id = v == 1 ? name : arena_printf(r->arena, "%s-%d", name, v);
		if (!id)
			id = name;
		RAW(r, "<input class=\"kiosk-check\" type=\"radio\" name=\"");
		html_attr(o, name);
		RAW(r, "\" id=\"");
		html_attr(o, id);
		html_rawf_trusted(o, "\" value=\"%d\"%s", v, value == v ? " checked" : "");
		if (err) {
			RAW(r, " aria-describedby=\"");
			html_attr(o, name);
			RAW(r, "-error\"");
		}
		RAW(r, "><label class=\"kiosk-big survey-choice\" for=\"");
		html_attr(o, id);
		RAW(r, "\">");
		html_txt(o, P_(r, labels[v - 1]));
		RAW(r, "</label>\n");
	}
	RAW(r, "</div>\n");
}

/* The State's three questions, for this visit (page_avis.c asks the same on
 * a site's own satisfaction page). */
static void survey_form(req *r, const phone *p, const store_satisfaction *a, const ui_errors *e)
{
	buf *o = &r->out;
	char token[KIOSK_TOKEN_BYTES];
	kiosk_token(r, "ticket", p->t.id, now_s(), token);
	RAW(r, "<section class=\"phone-survey\" aria-labelledby=\"survey-title\">\n<h2 id=\"survey-title\">");
	html_txt(o, P_(r, "Votre avis"));
	RAW(r, "</h2>\n<p>");
	html_txt(o, P_(r, "Votre avis nous aide à mieux vous accueillir. Il est anonyme."));
	RAW(r, "</p>\n");
	ui_error_summary(r, e);
	RAW(r, "<form method=\"post\" novalidate action=\"");
	html_attr(o, phone_path(r, p, "/avis", NULL));
	RAW(r, "\">\n<input type=\"hidden\" name=\"token\" value=\"");
	html_attr(o, token);
	RAW(r, "\">\n<input type=\"hidden\" name=\"lang\" value=\"");
	html_attr(o, r->lang->code);
	RAW(r, "\">\n");

	const char *err1 = field_error_for(e, "overall");
	RAW(r, "<fieldset class=\"survey-q\">\n<legend>");
	html_txt(o, P_(r, "De façon générale, comment ça s'est passé ?"));
	RAW(r, "</legend>\n");
	kiosk_say_button(r, p->t.site_id, "De façon générale, comment ça s'est passé ?");
	if (err1)
		ui_field_error(r, "overall", err1);
	survey_choices(r, "overall", SATISFACTION_LABELS, 3, a->overall, err1 != NULL);
	RAW(r, "</fieldset>\n");

	const char *err2 = field_error_for(e, "clarity");
	RAW(r, "<fieldset class=\"survey-q\">\n<legend>");
	html_txt(o, P_(r, "Les informations données étaient-elles claires ?"));
	RAW(r, " <span class=\"survey-optional\">");
	html_txt(o, P_(r, "(facultatif)"));
	RAW(r, "</span></legend>\n");
	kiosk_say_button(r, p->t.site_id, "Les informations données étaient-elles claires ?");
	if (err2)
		ui_field_error(r, "clarity", err2);
	survey_choices(r, "clarity", SATISFACTION_CLARITY_LABELS, 5, a->clarity, err2 != NULL);
	RAW(r, "</fieldset>\n");

	const char *err3 = field_error_for(e, "comment");
	RAW(r, "<div class=\"survey-q\">\n<label for=\"comment\">");
	html_txt(o, P_(r, "Voulez-vous ajouter un commentaire ?"));
	RAW(r, " <span class=\"survey-optional\">");
	html_txt(o, P_(r, "(facultatif)"));
	RAW(r, "</span></label>\n<p id=\"comment-hint\">");
	html_txt(o, P_(r, "N'écrivez pas votre nom, votre téléphone ni d'autres informations personnelles."));
	RAW(r, "</p>\n");
	if (err3)
		ui_field_error(r, "comment", err3);
	html_rawf_trusted(o, "<textarea id=\"comment\" name=\"comment\" rows=\"3\" maxlength=\"%d\" autocomplete=\"off\"",
	                  SATISFACTION_COMMENT_BYTES);
	RAW(r, err3 ? " aria-invalid=\"true\" aria-describedby=\"comment-hint comment-error\">"
	            : " aria-describedby=\"comment-hint\">");
	html_txt(o, a->comment ? a->comment : "");
	RAW(r, "</textarea>\n</div>\n<button type=\"submit\" class=\"kiosk-big\">");
	html_txt(o, P_(r, "Envoyer mon avis"));
	RAW(r, "</button>\n</form>\n</section>\n");
}

/* The whole page; status is the HTTP status (400 with the survey's errors). */
static int phone_render(req *r, const phone *p, const store_satisfaction *a, const ui_errors *e)
{
	buf *o = &r->out;
	kiosk_page_begin(r, P_(r, "Votre ticket"), "phone", 0);
	lang_chooser(r, p);
	RAW(r, "<p class=\"ticket-number phone-number\"><span class=\"sr-only\">");
	html_txt(o, P_(r, "Numéro :"));
	RAW(r, " </span><bdi dir=\"ltr\">");
	html_txt(o, p->t.label);
	RAW(r, "</bdi></p>\n<p class=\"ticket-service\">");
	html_txt(o, p->service);
	RAW(r, "</p>\n<p class=\"kiosk-site\"><bdi>");
	html_txt(o, p->site.name);
	/* kiosk.js reads the stream's address (starting after the last event
	 * the page was rendered with), the status's and what the page shows. */
	RAW(r, "</bdi></p>\n<div id=\"phone-live\" class=\"phone-live\" role=\"status\" aria-live=\"polite\" "
	       "aria-atomic=\"true\" data-events=\"");
	const char *last = arena_printf(r->arena, "last=%llu", (unsigned long long)events_last_id(p->t.site_id));
	html_attr(o, phone_path(r, p, "/events", last));
	RAW(r, "\" data-status=\"");
	html_attr(o, phone_path(r, p, "/status", NULL));
	html_rawf_trusted(o, "\" data-state=\"%s\" data-recalls=\"%d\">\n", queue_status_code(p->t.status),
	                  p->t.recalls);
	if (status_block(r, p) != 0) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	RAW(r, "</div>\n");
	if (p->t.status == QUEUE_EMIS || p->t.status == QUEUE_APPELE || p->t.status == QUEUE_EN_COURS) {
		RAW(r, "<p class=\"phone-refresh\"><a href=\"");
		html_attr(o, phone_path(r, p, NULL, NULL));
		RAW(r, "\">");
		html_txt(o, P_(r, "Mettre à jour"));
		RAW(r, "</a></p>\n");
	}
	if (p->t.status == QUEUE_EMIS || p->t.status == QUEUE_APPELE) {
		RAW(r, "<p class=\"phone-cancel\"><a href=\"");
		html_attr(o, phone_path(r, p, "/cancel", NULL));
		RAW(r, "\">");
		html_txt(o, P_(r, "Annuler mon ticket"));
		RAW(r, "</a></p>\n");
	}
	if (p->t.status == QUEUE_TERMINE) {
		if (p->t.satisfaction_done) {
			RAW(r, "<p class=\"phone-thanks\">");
			html_txt(o, P_(r, "Merci pour votre avis !"));
			RAW(r, "</p>\n");
		} else {
			survey_form(r, p, a, e);
		}
	}
	kiosk_page_end(r);
	return 0;
}

int page_ticket(req *r)
{
	phone p;
	if (phone_load(r, &p) != 0)
		return 0;
	store_satisfaction a = {0};
	ui_errors e = {0};
	return phone_render(r, &p, &a, &e);
}

/* The status as JSON for kiosk.js: the state, the recalls and the live
 * region's markup, rendered as on the page. */
int page_ticket_status(req *r)
{
	phone p;
	if (phone_load(r, &p) != 0)
		return 0;
	if (status_block(r, &p) != 0) {
		r->status = 500;
		return page_error(r);
	}
	size_t len = r->out.len;
	char *html = arena_alloc(r->arena, len + 1);
	if (!html) {
		r->status = 500;
		return page_error(r);
	}
	memcpy(html, r->out.data, len);
	html[len] = '\0';
	buf_reset(&r->out);
	http_content_type(r, "application/json");
	http_set_header(r, "Cache-Control", "no-store");
	buf_puts(&r->out, "{\"status\":");
	json_quote(&r->out, queue_status_code(p.t.status));
	buf_printf(&r->out, ",\"recalls\":%d,\"desk\":", p.t.recalls);
	json_quote(&r->out, p.t.desk ? p.t.desk : "");
	buf_puts(&r->out, ",\"html\":");
	json_quote(&r->out, html);
	buf_puts(&r->out, "}");
	return 0;
}

/* ---- Live events ------------------------------------------------------------ */

/* What may change a waiting person's page: the site's calls and the
 * changes of its queue. The events carry ticket labels and desks only, so
 * the script is told "something changed" and reads its own status. */
static int ticket_filter(const event *ev, void *arg, buf *data)
{
	(void)arg;
	(void)data;
	return strcmp(ev->kind, "call") == 0 || strcmp(ev->kind, "queue") == 0 || strcmp(ev->kind, "ticket") == 0;
}

int page_ticket_events(req *r)
{
	phone p;
	if (phone_load(r, &p) != 0)
		return 0;
	web_sse(r, p.t.site_id, ticket_filter, NULL, 0);
	return 0;
}

/* ---- Cancel ----------------------------------------------------------------- */

int page_ticket_cancel_form(req *r)
{
	phone p;
	if (phone_load(r, &p) != 0)
		return 0;
	buf *o = &r->out;
	if (p.t.status != QUEUE_EMIS && p.t.status != QUEUE_APPELE) {
		http_redirect(r, phone_path(r, &p, NULL, NULL));
		return 0;
	}
	char token[KIOSK_TOKEN_BYTES];
	kiosk_token(r, "ticket", p.t.id, now_s(), token);
	kiosk_page_begin(r, P_(r, "Annuler mon ticket"), "phone", 0);
	RAW(r, "<p class=\"ticket-number phone-number\"><bdi dir=\"ltr\">");
	html_txt(o, p.t.label);
	RAW(r, "</bdi></p>\n<p>");
	html_txt(o, P_(r, "Voulez-vous vraiment annuler votre ticket ? Vous perdrez votre place dans la file."));
	RAW(r, "</p>\n<form method=\"post\" action=\"");
	html_attr(o, phone_path(r, &p, "/cancel", NULL));
	RAW(r, "\">\n<input type=\"hidden\" name=\"token\" value=\"");
	html_attr(o, token);
	RAW(r, "\">\n<input type=\"hidden\" name=\"lang\" value=\"");
	html_attr(o, r->lang->code);
	RAW(r, "\">\n<div class=\"kiosk-actions\">\n<button type=\"submit\" class=\"kiosk-big button-danger\">");
	html_txt(o, P_(r, "Oui, annuler mon ticket"));
	RAW(r, "</button>\n<a class=\"kiosk-big\" href=\"");
	html_attr(o, phone_path(r, &p, NULL, NULL));
	RAW(r, "\">");
	html_txt(o, P_(r, "Non, garder mon ticket"));
	RAW(r, "</a>\n</div>\n</form>\n");
	kiosk_page_end(r);
	return 0;
}

/* A short page in the person's language for a refused form. */
static int phone_message(req *r, const phone *p, int status, const char *msgid)
{
	buf_reset(&r->out);
	http_status(r, status);
	kiosk_page_begin(r, P_(r, "Votre ticket"), "phone", 0);
	RAW(r, "<p>");
	html_txt(&r->out, i18n_text(r->lang, msgid));
	RAW(r, "</p>\n<p><a class=\"kiosk-big\" href=\"");
	html_attr(&r->out, phone_path(r, p, NULL, NULL));
	RAW(r, "\">");
	html_txt(&r->out, P_(r, "Revenir à mon ticket"));
	RAW(r, "</a></p>\n");
	kiosk_page_end(r);
	return 0;
}

int page_ticket_cancel(req *r)
{
	phone p;
	if (phone_load(r, &p) != 0)
		return 0;
	if (!kiosk_token_ok(r, "ticket", p.t.id, http_form(r, "token"), now_s()))
		return phone_message(r, &p, 403, NP_("Cette page a expiré. Recommencez, s'il vous plaît."));
	if (p.t.status == QUEUE_ANNULE) {
		http_redirect(r, phone_path(r, &p, NULL, NULL));
		return 0;
	}
	store_ticket moved;
	int rc = app_queue_move(r->app->store, r->arena, p.t.id, p.t.status, QUEUE_CANCEL, "", 0, now_s(), &moved);
	if (rc == STORE_CONFLICT || rc == STORE_NOT_FOUND)
		return phone_message(r, &p, 409, NP_("Ce ticket ne peut plus être annulé."));
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	http_redirect(r, phone_path(r, &p, NULL, NULL));
	return 0;
}

/* ---- The satisfaction answer of the visit --------------------------------------- */

/* The number of a form field in [min, max]; not a number becomes bad, for
 * satisfaction_validate to refuse; empty is empty. */
static int form_int(req *r, const char *name, int min, int max, int empty, int bad)
{
	const char *s = page_field(r, name);
	int64_t v;
	if (!*s)
		return empty;
	if (parse_int64(s, min, max, &v) != 0)
		return bad;
	return (int)v;
}

int page_ticket_survey(req *r)
{
	phone p;
	if (phone_load(r, &p) != 0)
		return 0;
	int64_t now = now_s();
	if (!kiosk_token_ok(r, "ticket", p.t.id, http_form(r, "token"), now))
		return phone_message(r, &p, 403, NP_("Cette page a expiré. Recommencez, s'il vous plaît."));
	if (p.t.status != QUEUE_TERMINE || p.t.satisfaction_done)
		return phone_message(r, &p, 409, NP_("Vous avez déjà donné votre avis pour cette visite. Merci !"));
	store_satisfaction a = {0};
	a.site_id = p.t.site_id;
	a.answered_at = now;
	a.overall = form_int(r, "overall", 1, 3, 0, -1);
	a.clarity = form_int(r, "clarity", 1, 5, 0, -1);
	a.comment = arena_strdup(r->arena, page_field(r, "comment"));
	a.source = (char *)"qr";
	if (!a.comment) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	ui_errors e = {0};
	if (satisfaction_validate(&a, now, &e) != 0) {
		http_status(r, 400);
		return phone_render(r, &p, &a, &e);
	}
	/* The ticket is marked first: of two answers sent at once only the
	 * one that marked it is stored. */
	int rc = store_ticket_set_satisfaction_done(r->app->store, p.t.id);
	if (rc == STORE_CONFLICT || rc == STORE_NOT_FOUND)
		return phone_message(r, &p, 409, NP_("Vous avez déjà donné votre avis pour cette visite. Merci !"));
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	rc = store_satisfaction_insert_capped(r->app->store, &a, now - LIMIT_SATISFACTION_SITE_WINDOW_S,
	                                      LIMIT_SATISFACTION_SITE_PER_HOUR);
	if (rc == STORE_CONFLICT)
		return phone_message(r, &p, 429, NP_("Beaucoup d'avis ont été envoyés. Merci de réessayer plus tard."));
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	http_redirect(r, phone_path(r, &p, NULL, NULL));
	return 0;
}
