/*
 * page_opendata.c: the public open-data pages (docs/opendata.md): /opendata
 * explains each file, the small-count rule and the licence, and offers the
 * downloads; /opendata/activite.csv, /opendata/lieux.csv,
 * /opendata/lieux.json and /opendata/france-services.csv are the files, the
 * same bytes as `guichet opendata`. No login: everything here is published.
 */
#include <pthread.h>
#include <stdio.h>

#include "app/app.h"
#include "app/app_stats.h"
#include "util/html.h"
#include "util/i18n.h"
#include "report/opendata.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

static void para(req *r, const char *msgid)
{
	RAW(r, "<p>");
	html_txt(&r->out, _(r, msgid));
	RAW(r, "</p>\n");
}

static void download(req *r, const char *href, const char *label, const char *format)
{
	RAW(r, "<li><a href=\"");
	html_attr(&r->out, href);
	RAW(r, "\" download>");
	html_txt(&r->out, label);
	RAW(r, "</a> <span class=\"hint\">(");
	html_txt(&r->out, format);
	RAW(r, ")</span></li>\n");
}

/* The page, with the months of the form and their errors (a 400 after a
 * bad choice). */
static void opendata_page(req *r, const char *from, const char *to, const field_errors *fe)
{
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Données ouvertes"));
	ui_error_summary(r, fe);
	para(r,
	     N_("Guichet publie l'activité des lieux d'accueil et la liste des lieux, en fichiers libres de "
	        "réutilisation. Aucune donnée personnelle n'y figure."));

	RAW(r, "<h2 id=\"activite\">");
	html_txt(o, _(r, "Activité des lieux par mois"));
	RAW(r, "</h2>\n");
	para(r, N_("Une ligne par lieu et par mois : visites, demandes, demandes résolues sur place, "
	           "puis le détail par canal, issue, tranche d'âge, genre, opérateur et thème, et les "
	           "réponses au questionnaire de satisfaction. "
	           "Fichier CSV séparé par des points-virgules, en UTF-8."));
	RAW(r, "<h3>");
	html_txt(o, _(r, "Les petits nombres sont masqués"));
	RAW(r, "</h3>\n");
	para(r,
	     N_("Pour qu'on ne puisse reconnaître personne, un nombre de 0 à 4 n'est jamais publié : il est "
	        "remplacé par « <5 »."));
	para(r, N_("Quand un détail est masqué, d'autres nombres de la même ligne peuvent l'être aussi, "
	           "remplacés par « s » (secret), pour qu'on ne puisse pas retrouver le nombre caché "
	           "par une soustraction. Si c'est impossible, le total lui-même est masqué."));
	para(r, N_("Le fichier ne contient aucun total de plusieurs lieux ou de plusieurs mois, pour la même "
	           "raison. Une ligne de lieu sans aucune visite dans le mois est quand même présente."));
	RAW(r, "<form method=\"get\" action=\"/opendata/activite.csv\" novalidate>\n");
	ui_field ff = {.name = "from",
	               .label = _(r, "Premier mois"),
	               .hint = _(r, "AAAA-MM, par exemple 2025-01."),
	               .value = from,
	               .type = "month",
	               .required = 1};
	ui_input(r, &ff, fe);
	ui_field tf = {.name = "to",
	               .label = _(r, "Dernier mois"),
	               .hint = _(r, "AAAA-MM, inclus. Au plus 36 mois en tout."),
	               .value = to,
	               .type = "month",
	               .required = 1};
	ui_input(r, &tf, fe);
	ui_submit(r, _(r, "Télécharger l'activité (CSV)"));
	RAW(r, "</form>\n");

	RAW(r, "<h2 id=\"lieux\">");
	html_txt(o, _(r, "Les lieux"));
	RAW(r, "</h2>\n");
	para(r, N_("Tous les lieux, au format national des lieux de médiation numérique (standard « Lieux de "
	           "médiation numérique », version 1.0.2) : nom, adresse, commune, horaires, itinérance, "
	           "accessibilité et langues."));
	RAW(r, "<ul>\n");
	download(r, "/opendata/lieux.csv", _(r, "Les lieux (CSV)"), _(r, "séparé par des virgules"));
	download(r, "/opendata/lieux.json", _(r, "Les lieux (JSON)"), _(r, "tableau d'objets"));
	RAW(r, "</ul>\n<h2 id=\"france-services\">");
	html_txt(o, _(r, "Les France Services"));
	RAW(r, "</h2>\n");
	para(
	    r,
	    N_("Les seuls lieux France Services, fixes ou itinérants, dans les colonnes du jeu de données "
	       "national des France Services. Les horaires de chaque jour sont remplis quand ils sont écrits "
	       "au format OpenStreetMap."));
	RAW(r, "<ul>\n");
	download(r, "/opendata/france-services.csv", _(r, "Les France Services (CSV)"),
	         _(r, "séparé par des points-virgules"));
	RAW(r, "</ul>\n<h2 id=\"licence\">");
	html_txt(o, _(r, "Licence"));
	RAW(r, "</h2>\n<p>");
	html_txt(o, _(r, "Ces fichiers sont publiés sous cette licence :"));
	RAW(r, " <a href=\"https://www.etalab.gouv.fr/licence-ouverte-open-licence/\" hreflang=\"fr\">"
	       "Licence Ouverte / Etalab 2.0</a></p>\n<p>");
	html_txt(o, _(r, "Vous pouvez les réutiliser librement, y compris pour un usage commercial, "
	                 "en citant la source."));
	RAW(r, "</p>\n");
	ui_page_end(r);
}

int page_opendata(req *r)
{
	page_prepare(r);
	char from[8], to[8];
	opendata_default_months(now_s(), from, to);
	opendata_page(r, from, to, &(field_errors){0});
	return 0;
}

static const char *query_text(req *r, const char *name)
{
	const char *v = http_query(r, name);
	return v ? v : "";
}

static void attachment(req *r, const char *type, const char *filename)
{
	http_content_type(r, type);
	/* File names are built here from checked months: no quoting needed. */
	const char *cd = filename ? arena_printf(r->arena, "attachment; filename=\"%s\"", filename) : NULL;
	http_set_header(r, "Content-Disposition", cd ? cd : "attachment");
}

/* A file that could not be written: 500, the reason in the log. */
static int failed(req *r, const char *what, const char *err)
{
	fprintf(stderr, "level=error msg=\"open data file failed\" file=%s err=\"%s\"\n", what, err);
	buf_reset(&r->out);
	ui_error_page(r, 500, NULL);
	return 0;
}

int page_opendata_activity(req *r)
{
	page_prepare(r);
	const char *from = query_text(r, "from"), *to = query_text(r, "to");
	int first, n;
	const char *msgid, *field;
	if (opendata_months_parse(from, to, &first, &n, &msgid, &field) != 0) {
		field_errors fe = {0};
		field_error_add(&fe, field, msgid);
		http_status(r, 400);
		opendata_page(r, from, to, &fe);
		return 0;
	}
	stats_engine *e = app_stats_engine(r->app);
	if (!e) {
		http_set_header(r, "Retry-After", "30");
		ui_error_page(r, 503,
		              N_("Les statistiques sont en cours de chargement. Réessayez dans une minute."));
		return 0;
	}
	/* The file is public and a national one costs a core for seconds: one
	 * is prepared at a time, and a request that comes meanwhile is asked to
	 * come back rather than queue a second copy of the work. */
	static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;
	if (pthread_mutex_trylock(&one_at_a_time) != 0) {
		http_set_header(r, "Retry-After", "10");
		ui_error_page(r, 503, N_("Un autre fichier d'activité est en préparation. Réessayez dans quelques secondes."));
		return 0;
	}
	char err[256];
	int rc = opendata_activity_csv(r->app->store, e, from, to, &r->out, err, sizeof err);
	pthread_mutex_unlock(&one_at_a_time);
	if (rc != 0) {
		if (!r->out.overflow)
			return failed(r, "activite.csv", err);
		buf_reset(&r->out);
		field_errors fe = {0};
		field_error_add(&fe, "from", N_("Le fichier serait trop gros : choisissez moins de mois."));
		http_status(r, 400);
		opendata_page(r, from, to, &fe);
		return 0;
	}
	attachment(r, "text/csv; charset=utf-8",
	           arena_printf(r->arena, "guichet-activite-%s-%s.csv", from, to));
	return 0;
}

int page_opendata_lieux_csv(req *r)
{
	page_prepare(r);
	char err[256];
	if (opendata_lieux_csv(r->app->store, &r->out, err, sizeof err) != 0)
		return failed(r, "lieux.csv", err);
	attachment(r, "text/csv; charset=utf-8", "guichet-lieux.csv");
	return 0;
}

int page_opendata_lieux_json(req *r)
{
	page_prepare(r);
	char err[256];
	if (opendata_lieux_json(r->app->store, &r->out, err, sizeof err) != 0)
		return failed(r, "lieux.json", err);
	attachment(r, "application/json", "guichet-lieux.json");
	return 0;
}

int page_opendata_france_services(req *r)
{
	page_prepare(r);
	char err[256];
	if (opendata_france_services_csv(r->app->store, &r->out, err, sizeof err) != 0)
		return failed(r, "france-services.csv", err);
	attachment(r, "text/csv; charset=utf-8", "guichet-france-services.csv");
	return 0;
}
