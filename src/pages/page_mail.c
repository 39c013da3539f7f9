/*
 * page_mail.c: /account/notifications, where each account chooses, for each
 * event, how it hears of it by e-mail (at once, in a digest twice a day, in
 * a daily digest, never) and sends itself a test notification; and
 * /admin/mail, where an admin sees the outbox (no address, no name: the
 * kind, the state, the attempts and the reason of a failure) and can send
 * the waiting digests at once (docs/mail.md).
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/app_mail.h"
#include "domain/mail.h"
#include "store/store_mail.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

/* The latest messages the admin page lists. */
#define MAIL_ADMIN_ROWS 50

static const char *field_name(req *r, mail_event e)
{
	return arena_printf(r->arena, "ev_%s", mail_event_code(e));
}

/* The account's choice for e: what it saved, else the default. */
static const char *chosen(const store_mail_choice *v, size_t n, mail_event e)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].event, mail_event_code(e)) == 0 && mail_delivery_parse(v[i].delivery) >= 0)
			return v[i].delivery;
	return mail_delivery_code(mail_delivery_default(e));
}

static void settings_page(req *r, const store_mail_choice *v, size_t n, const ui_errors *e)
{
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Mes notifications par e-mail"));
	const char *done = http_query(r, "done");
	if (!e->n && done && strcmp(done, "saved") == 0)
		ui_notice(r, "success", _(r, "Vos choix sont enregistrés."));
	if (!e->n && done && strcmp(done, "test") == 0)
		ui_notice(
		    r, "success",
		    _(r, "La notification de test est partie. Elle arrive dans quelques minutes, selon votre "
		         "choix pour les notifications de test."));
	if (!app_mail_configured(r->app->cfg))
		ui_notice(
		    r, "info",
		    _(r,
		      "Ce serveur n'envoie pas encore d'e-mails : l'administrateur doit indiquer un serveur "
		      "SMTP. Vous pouvez déjà faire vos choix."));
	ui_error_summary(r, e);
	html_raw_trusted(o, "<p>");
	html_txt(o, _(r, "Les messages sont envoyés à votre adresse :"));
	html_raw_trusted(o, " <strong>");
	html_txt(o, r->session->user.email);
	html_raw_trusted(o, "</strong>. ");
	html_txt(o,
	         _(r, "Ils sont écrits dans la langue de cette page quand vous enregistrez vos choix. Ils ne "
	              "contiennent jamais de données sur les personnes accompagnées, seulement un lien vers "
	              "Guichet."));
	html_raw_trusted(o, "</p>\n");
	ui_form_begin(r, "/account/notifications");
	ui_option opts[MAIL_DELIVERY_COUNT];
	for (int d = 0; d < MAIL_DELIVERY_COUNT; d++)
		opts[d] = (ui_option){mail_delivery_code((mail_delivery)d),
		                      _(r, mail_delivery_label((mail_delivery)d))};
	for (int ev = 0; ev < MAIL_EVENT_COUNT; ev++) {
		const char *name = field_name(r, (mail_event)ev);
		const char *value = page_field(r, name ? name : "");
		if (!*value)
			value = chosen(v, n, (mail_event)ev);
		ui_radios(r, name ? name : "", _(r, mail_event_label((mail_event)ev)), opts, COUNT(opts),
		          value, e);
	}
	ui_submit(r, _(r, "Enregistrer mes choix"));
	ui_form_end(r);
	html_raw_trusted(o, "<h2>");
	html_txt(o, _(r, "Vérifier mon adresse"));
	html_raw_trusted(o, "</h2>\n<p>");
	html_txt(o, _(r, "Recevez une notification de test pour vérifier que les messages de Guichet vous "
	                 "parviennent."));
	html_raw_trusted(o, "</p>\n");
	ui_form_begin(r, "/account/notifications/test");
	ui_submit(r, _(r, "M'envoyer une notification de test"));
	ui_form_end(r);
	ui_page_end(r);
}

int page_mail_settings(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_mail_choice *v = NULL;
	size_t n = 0;
	char saved_lang[16];
	if (store_mail_prefs_get(r->app->store, r->arena, r->session->user.id, saved_lang, sizeof saved_lang,
	                         &v, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	ui_errors e = {0};
	settings_page(r, v, n, &e);
	return 0;
}

int page_mail_settings_post(req *r)
{
	if (!page_require_login(r) || !page_require_csrf(r))
		return 0;
	store_mail_choice v[MAIL_EVENT_COUNT];
	ui_errors e = {0};
	for (int ev = 0; ev < MAIL_EVENT_COUNT; ev++) {
		const char *name = field_name(r, (mail_event)ev);
		const char *value = page_field(r, name ? name : "");
		if (!name || mail_delivery_parse(value) < 0)
			field_error_add(&e, name, "Choisissez une des façons proposées.");
		v[ev] = (store_mail_choice){(char *)mail_event_code((mail_event)ev), (char *)value};
	}
	if (e.n) {
		http_status(r, 400);
		settings_page(r, NULL, 0, &e);
		return 0;
	}
	if (store_mail_prefs_save(r->app->store, r->session->user.id, r->lang->code, v, COUNT(v), now_s()) !=
	    STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "mail_prefs", r->session->user.id, 0, NULL);
	http_redirect(r, "/account/notifications?done=saved");
	return 0;
}

int page_mail_test(req *r)
{
	if (!page_require_login(r) || !page_require_csrf(r))
		return 0;
	/* Like every notification: a row written, the page answered at once,
	 * the message sent by the server's thread. */
	app_notify(r->app, MAIL_TEST, r->session->user.id, "/account/notifications");
	http_redirect(r, "/account/notifications?done=test");
	return 0;
}

/* ---- The outbox, for the admins. */

static const char *status_label(req *r, const char *status)
{
	if (strcmp(status, STORE_MAIL_WAITING) == 0)
		return _(r, "en attente");
	if (strcmp(status, STORE_MAIL_SENDING) == 0)
		return _(r, "en cours d'envoi");
	if (strcmp(status, STORE_MAIL_SENT) == 0)
		return _(r, "envoyé");
	if (strcmp(status, STORE_MAIL_FAILED) == 0)
		return _(r, "abandonné");
	return _(r, "incertain : peut-être reçu, pas renvoyé");
}

static void write_time(req *r, int64_t t)
{
	html_txt(&r->out, t ? page_when_text(r, t) : "—");
}

static void outbox_counts(req *r, const store_mail_counts *c)
{
	buf *o = &r->out;
	html_raw_trusted(o, "<ul class=\"mail-counts\"><li>");
	ui_txt_count(r, _(r, "Messages en attente : %d"), c->waiting);
	html_raw_trusted(o, "</li><li>");
	ui_txt_count(r, _(r, "Messages abandonnés ou incertains : %d"), c->failed);
	html_raw_trusted(o, "</li><li>");
	ui_txt_count(r, _(r, "Messages envoyés (30 derniers jours) : %d"), c->sent);
	html_raw_trusted(o, "</li><li>");
	ui_txt_count(r, _(r, "Événements en attente de leur résumé : %d"), c->digest_items);
	html_raw_trusted(o, "</li></ul>\n");
}

static void outbox_rows(req *r, const store_mail_message *m, size_t n)
{
	buf *o = &r->out;
	ui_table_begin(r, NULL, _(r, "Derniers messages"));
	const char *heads[] = {_(r, "Numéro"),     _(r, "Objet"),          _(r, "État"),
	                       _(r, "Tentatives"), _(r, "Créé le"),        _(r, "Prochain essai"),
	                       _(r, "Envoyé le"),  _(r, "Dernière erreur")};
	for (size_t i = 0; i < COUNT(heads); i++)
		ui_th(r, heads[i]);
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		int ev = mail_event_parse(m[i].kind);
		buf_printf(o, "<tr><td>%lld</td><td>", (long long)m[i].id);
		html_txt(o, ev >= 0 ? _(r, mail_event_label((mail_event)ev)) : _(r, "Résumé"));
		html_raw_trusted(o, "</td><td>");
		html_txt(o, status_label(r, m[i].status));
		buf_printf(o, "</td><td>%lld</td><td>", (long long)m[i].attempts);
		write_time(r, m[i].created_at);
		html_raw_trusted(o, "</td><td>");
		write_time(r, strcmp(m[i].status, STORE_MAIL_WAITING) == 0 ? m[i].next_at : 0);
		html_raw_trusted(o, "</td><td>");
		write_time(r, m[i].sent_at);
		html_raw_trusted(o, "</td><td>");
		html_txt(o, *m[i].last_error ? m[i].last_error : "—");
		html_raw_trusted(o, "</td></tr>\n");
	}
	ui_table_end(r);
}

int page_mail_admin(req *r)
{
	if (!page_require_login(r) || !page_require_role(r, ROLE_BIT(ROLE_ADMIN)))
		return 0;
	store_mail_counts c;
	store_mail_message *m = NULL;
	size_t n = 0;
	if (store_mail_count(r->app->store, &c) != STORE_OK ||
	    store_mail_list(r->app->store, r->arena, MAIL_ADMIN_ROWS, &m, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Envoi des notifications"));
	const char *done = http_query(r, "done");
	if (done && strcmp(done, "digests") == 0)
		ui_notice(r, "success", _(r, "Les résumés en attente partent maintenant."));
	if (!app_mail_configured(r->app->cfg))
		ui_notice(
		    r, "info",
		    _(r, "Aucun serveur SMTP n'est configuré : les notifications ne sont ni enregistrées ni "
		         "envoyées (smtp-url et smtp-from, docs/mail.md)."));
	outbox_counts(r, &c);
	html_raw_trusted(o, "<p>");
	html_txt(o,
	         _(r,
	           "Un message qui échoue est réessayé plus tard, avec une attente qui double à chaque fois, "
	           "puis abandonné. Un message « incertain » a pu être reçu : il n'est pas renvoyé, pour ne "
	           "jamais arriver deux fois."));
	html_raw_trusted(o, "</p>\n");
	ui_form_begin(r, "/admin/mail/digests");
	ui_submit(r, _(r, "Envoyer les résumés maintenant"));
	ui_form_end(r);
	if (n)
		outbox_rows(r, m, n);
	ui_page_end(r);
	return 0;
}

int page_mail_admin_digests(req *r)
{
	if (!page_require_login(r) || !page_require_role(r, ROLE_BIT(ROLE_ADMIN)) || !page_require_csrf(r))
		return 0;
	int64_t made = 0;
	if (app_mail_flush_digests(r->app, &made) != 0) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "mail_digests", 0, 0,
	           arena_printf(r->arena, "messages %lld", (long long)made));
	http_redirect(r, "/admin/mail?done=digests");
	return 0;
}
