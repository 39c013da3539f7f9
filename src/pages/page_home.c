/*
 * page_home.c: the home page, the "about" page, the language switch, and
 * the operational endpoints /healthz and /metrics.
 */
#include <string.h>
#include <strings.h>

#include "app/app.h"
#include "app/app_mail.h"
#include "app/app_stats.h"
#include "util/html.h"
#include "util/i18n.h"
#include "app/metrics.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/public.h"
#include "web/ui.h"

static void card(req *r, const char *href, const char *title, const char *text)
{
	buf *o = &r->out;
	html_raw_trusted(o, "<li class=\"card\"><h2><a href=\"");
	html_attr(o, href);
	html_raw_trusted(o, "\">");
	html_txt(o, title);
	html_raw_trusted(o, "</a></h2><p>");
	html_txt(o, text);
	html_raw_trusted(o, "</p></li>");
}

int page_home(req *r)
{
	if (!page_require_login(r))
		return 0;
	const struct session *s = r->session;
	ui_page_begin(r, _(r, "Accueil"));
	buf *o = &r->out;
	html_raw_trusted(o, "<p>");
	html_txt(o, _(r, "Bonjour"));
	html_raw_trusted(o, " ");
	html_txt(o, s->user.name);
	html_raw_trusted(o, ".</p><ul class=\"cards\">");
	enum auth_role role = s->role;
	int records = role == ROLE_AGENT || role == ROLE_MANAGER || role == ROLE_ADMIN;
	int reads = records || role == ROLE_COORDINATOR;
	if (records)
		card(r, "/visits/new", _(r, "Enregistrer un accompagnement"),
		     _(r, "Une visite et ses demandes, en quelques secondes."));
	if (reads) {
		card(r, "/journal", _(r, "Journal du jour"),
		     _(r, "Les visites du jour à votre lieu, et leurs totaux."));
		card(r, "/visits", _(r, "Rechercher"),
		     _(r, "Retrouver des visites par période, opérateur, thème, issue."));
		card(r, "/workshops", _(r, "Ateliers"),
		     _(r, "Les ateliers collectifs et leurs participants."));
	}
	if (records)
		card(r, "/import", _(r, "Importer"),
		     _(r, "Ajouter des accompagnements depuis un fichier CSV."));
	if (reads)
		card(r, "/export", _(r, "Exporter"), _(r, "Télécharger les accompagnements en CSV."));
	card(r, "/sites", _(r, "Lieux"), _(r, "Les lieux d'accueil que vous pouvez consulter."));
	/* A coordinator steers a département: its report and the summary for
	 * the steering committee are one click away (docs/reports.md). */
	if (role == ROLE_COORDINATOR && s->user.departement && *s->user.departement) {
		const char *d = s->user.departement;
		const char *report = arena_printf(r->arena, "/reports/departement/%s", d);
		const char *summary = arena_printf(r->arena, "/reports/departement/%s/summary", d);
		if (report && summary) {
			card(r, report, _(r, "Rapport du département"),
			     _(r, "L'activité de votre département, lieu par lieu, avec ses tableaux et ses "
			          "graphiques."));
			card(r, summary, _(r, "Synthèse pour le comité de pilotage"),
			     _(r, "Les chiffres clés du département sur deux pages, à imprimer."));
		}
	}
	if (role == ROLE_ADMIN || role == ROLE_MANAGER)
		card(r, "/users", _(r, "Utilisateurs"),
		     _(r, "Les comptes des conseillers et des responsables."));
	if (role == ROLE_ADMIN) {
		card(r, "/admin/operators", _(r, "Catalogue"), _(r, "Opérateurs partenaires et démarches."));
		card(r, "/audit", _(r, "Journal des accès"),
		     _(r, "Connexions et accès aux données personnelles."));
		card(r, "/admin/security", _(r, "Sécurité des comptes"),
		     _(r, "Les rôles qui doivent utiliser la validation en deux étapes."));
		card(r, "/admin/mail", _(r, "Envoi des notifications"),
		     _(r, "Les messages en attente, envoyés ou abandonnés."));
	}
	card(r, "/account/password", _(r, "Mon compte"), _(r, "Changer votre mot de passe."));
	card(r, "/account/totp", _(r, "Validation en deux étapes"),
	     _(r, "Protéger votre compte par un code de votre téléphone."));
	card(r, "/account/notifications", _(r, "Mes notifications par e-mail"),
	     _(r, "Choisir les messages que vous recevez, et quand."));
	html_raw_trusted(o, "</ul>");
	ui_page_end(r);
	return 0;
}

int page_about(req *r)
{
	page_prepare(r);
	ui_page_begin(r, _(r, "À propos de Guichet"));
	buf *o = &r->out;
	html_raw_trusted(o, "<p>");
	html_txt(o,
	         _(r,
	           "Guichet aide les lieux d'accueil des services publics (France Services, mairies, "
	           "médiathèques, centres sociaux, bus itinérants) à accueillir le public et à rendre compte "
	           "de leur activité."));
	html_raw_trusted(o, "</p><h2>");
	html_txt(o, _(r, "Licence"));
	html_raw_trusted(o, "</h2><p>");
	html_txt(
	    o, _(r, "Guichet est un logiciel libre publié sous la licence GNU Affero General Public License, "
	            "version 3 ou ultérieure (AGPL-3.0-or-later)."));
	html_raw_trusted(o, "</p><h2>");
	html_txt(o, _(r, "Composants tiers"));
	html_raw_trusted(o, "</h2><ul>");
	static const char *const parts[] = {
	    "GNU libmicrohttpd (LGPL-2.1-or-later)",
	    N_("SQLite (domaine public)"),
	    "libsodium (ISC)",
	    "Jansson (MIT)",
	    "zlib (zlib)",
	    "libpq (PostgreSQL License)",
	    "libxlsxwriter (BSD-2-Clause)",
	    "libcurl (curl)",
	    "libqrencode (LGPL-2.1-or-later)",
	    "liboath (LGPL-2.1-or-later)",
	    "cjose (MIT)",
	    "eSpeak NG (GPL-3.0-or-later)",
	};
	for (size_t i = 0; i < COUNT(parts); i++) {
		html_raw_trusted(o, "<li>");
		html_txt(o, _(r, parts[i]));
		html_raw_trusted(o, "</li>");
	}
	/* The fonts and pictograms of the public pages, served by Guichet
	 * itself: their licences ask for this credit. */
	html_raw_trusted(o, "</ul><h2 id=\"langues-publiques\">");
	html_txt(o, _(r, "Langues des pages publiques"));
	html_raw_trusted(o, "</h2><p>");
	html_txt(
	    o,
	    _(r, "Les pages que le public consulte (borne d'accueil, ticket, page sur le téléphone, écran de "
	         "la salle d'attente, annonces, questionnaire de satisfaction) sont traduites dans ces "
	         "langues :"));
	html_raw_trusted(o, "</p>");
	web_public_lang_names(r);
	html_raw_trusted(o, "<h2 id=\"polices-pictogrammes\">");
	html_txt(o, _(r, "Polices et pictogrammes"));
	html_raw_trusted(o, "</h2><p>");
	html_txt(
	    o,
	    _(r,
	      "Polices de caractères des pages publiques : Noto Sans, Noto Naskh Arabic, Noto Sans Ethiopic, "
	      "Noto Sans Tamil, Noto Sans Bengali, Noto Sans Georgian et Noto Sans CJK SC, par Google et "
	      "les auteurs des polices Noto, sous licence SIL Open Font License 1.1 (paquets Debian "
	      "fonts-noto-core et fonts-noto-cjk), réduites aux caractères des textes de Guichet."));
	html_raw_trusted(o,
	                 " <a href=\"https://openfontlicense.org/\">https://openfontlicense.org/</a></p><p>");
	html_txt(
	    o,
	    _(r, "Pictogrammes : OpenMoji, les emojis libres conçus par la HfG Schwäbisch Gmünd et les "
	         "contributeurs d'OpenMoji, sous licence Creative Commons Attribution-Partage dans les mêmes "
	         "conditions 4.0 International (CC BY-SA 4.0), reproduits sans modification."));
	html_raw_trusted(o, " <a href=\"https://openmoji.org/\">https://openmoji.org/</a> — "
	                    "<a href=\"https://creativecommons.org/licenses/by-sa/4.0/\">"
	                    "https://creativecommons.org/licenses/by-sa/4.0/</a></p>");
	html_raw_trusted(o, "<h2 id=\"donnees\">");
	html_txt(o, _(r, "Données de référence"));
	html_raw_trusted(o, "</h2><p>");
	html_txt(
	    o, _(r, "Communes, départements et régions : découpage administratif officiel publié par Etalab "
	            "(paquet @etalab/decoupage-administratif, code sous licence MIT, données INSEE sous "
	            "Licence Ouverte 2.0)."));
	html_raw_trusted(o, " ");
	char *geo = NULL;
	if (store_setting_get(r->app->store, r->arena, "geo_version", &geo) == STORE_OK && geo && *geo) {
		html_txt(o, _(r, "Version chargée :"));
		html_raw_trusted(o, " ");
		html_txt(o, geo);
		html_raw_trusted(o, ".");
	} else {
		html_txt(o, _(r, "Elles ne sont pas encore chargées sur ce serveur."));
	}
	html_raw_trusted(o, "</p><p>");
	html_txt(
	    o,
	    _(r, "Opérateurs partenaires, thèmes et démarches : vocabulaires du programme France Services et "
	         "de service-public.fr, modifiables par les administrateurs."));
	html_raw_trusted(o, "</p><p><a href=\"/opendata\">");
	html_txt(o, _(r, "Données ouvertes : l'activité des lieux et la liste des lieux"));
	html_raw_trusted(o, "</a></p><h2 id=\"accessibilite\">");
	html_txt(o, _(r, "Accessibilité"));
	html_raw_trusted(o, "</h2><p>");
	/* The flag below reaches xgettext only with the text on the next line. */
	/* clang-format off */
	/* xgettext:no-c-format */
	const char *conformity = _(r, "Guichet vise la conformité au RGAA 4.1 (WCAG 2.1 niveau AA). Chaque page "
	                              "fonctionne sans JavaScript, au clavier, avec un lecteur d'écran, avec un zoom à "
	                              "200 % et de droite à gauche pour l'arabe. Ses pages sont vérifiées "
	                              "automatiquement ; aucun audit complet n'a encore été réalisé : l'état de "
	                              "conformité est donc « partiellement conforme ».");
	/* clang-format on */
	html_txt(o, conformity);
	html_raw_trusted(o, "</p><p>");
	html_txt(o,
	         _(r, "Si vous ne parvenez pas à utiliser une page, signalez-le au responsable de votre lieu "
	              "d'accueil : il vous aidera et fera corriger le problème."));
	html_raw_trusted(o, "</p>");
	ui_page_end(r);
	return 0;
}

int page_lang(req *r)
{
	page_prepare(r);
	const lang *l = i18n_find(http_param(r, 0));
	if (!l)
		return page_not_found(r);
	http_set_cookie(r, PAGE_COOKIE_LANG, l->code, 365L * 24 * 3600);
	const char *next = http_query(r, "next");
	http_redirect(r, next && *next ? next : "/");
	return 0;
}

int page_healthz(req *r)
{
	int ok = store_schema_version(r->app->store) >= 0;
	http_status(r, ok ? 200 : 503);
	http_content_type(r, "text/plain; charset=utf-8");
	buf_puts(&r->out, ok ? "ok\n" : "store unavailable\n");
	return 0;
}

/* Ready to serve: the store answers, the statistics engine is loaded and
 * its figures are less than APP_READY_STATS_LAG_S old, and, when e-mail is
 * configured, nothing of the outbox is overdue by APP_READY_MAIL_LATE_S or
 * more (docs/operations.md). One line per check; 503 when any fails, for a
 * load balancer or an alert. */
int page_readyz(req *r)
{
	int store_ok = store_schema_version(r->app->store) >= 0;
	double lag = app_stats_lag_seconds(r->app);
	int stats_ok = lag >= 0 && lag < APP_READY_STATS_LAG_S;
	int mail = app_mail_configured(r->app->cfg);
	int64_t late = mail ? app_mail_late_seconds(r->app, now_s()) : 0;
	int mail_ok = late >= 0 && late < APP_READY_MAIL_LATE_S;
	http_status(r, store_ok && stats_ok && mail_ok ? 200 : 503);
	http_set_header(r, "Cache-Control", "no-store");
	http_content_type(r, "text/plain; charset=utf-8");
	buf_puts(&r->out, store_ok ? "store ok\n" : "store unavailable\n");
	if (lag < 0)
		buf_puts(&r->out, "statistics loading\n");
	else
		buf_printf(&r->out, "statistics %s (%.0f s old)\n", stats_ok ? "ok" : "stale", lag);
	if (mail && late < 0)
		buf_puts(&r->out, "mail unknown\n");
	else if (mail)
		buf_printf(&r->out, "mail %s (%lld s overdue)\n", mail_ok ? "ok" : "stuck", (long long)late);
	return 0;
}

/* The token as given in "Authorization: Bearer …", compared in a time that
 * does not tell how much of it was right. */
static int metrics_token_ok(const req *r, const char *token)
{
	const char *auth = http_header(r, "Authorization");
	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	const char *given = auth + 7;
	size_t n = strlen(token);
	if (strlen(given) != n)
		return 0;
	unsigned char diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(given[i] ^ token[i]);
	return diff == 0;
}

/* The live counters tell, on a one-site deployment, what the published
 * figures mask: on the public listener they need the metrics-token, and
 * without one they are not there at all (metrics-listen serves them on an
 * address of their own, page_metrics_listener). */
int page_metrics(req *r)
{
	const char *token = r->app->cfg ? r->app->cfg->metrics_token : NULL;
	if (!token)
		return page_not_found(r);
	if (!metrics_token_ok(r, token)) {
		http_status(r, 401);
		http_set_header(r, "WWW-Authenticate", "Bearer realm=\"metrics\"");
		http_content_type(r, "text/plain; charset=utf-8");
		buf_puts(&r->out, "401 metrics-token required\n");
		return 0;
	}
	return page_metrics_listener(r);
}

int page_metrics_listener(req *r)
{
	http_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
	metrics_render(r->app->metrics, &r->out, store_error_count(r->app->store));
	store_latency_metrics(r->app->store, &r->out);
	app_stats_metrics(r->app, &r->out);
	return 0;
}
