/*
 * page_import.c: the CSV import and export of accompaniments in the browser.
 *
 * /import takes a file (multipart) for one of the user's sites, checks
 * every row, and either lists every problem (line, column, reason) with
 * nothing written, or writes every visit in one transaction. /export is a
 * form (period, site, separator) whose GET gives /export.csv, a download.
 * Both speak the format of demand_csv.h (docs/csv.md), as the command line
 * does; large files are better imported there (guichet import demands).
 */
#include <string.h>

#include "app/app.h"
#include "domain/demand_csv.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))
#define RECORDERS (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

/* ---- import ------------------------------------------------------------ */

/* A problem as one sentence: the reason, the value found, the values
 * allowed. */
static const char *error_text(req *r, const demand_csv_error *e)
{
	const char *msg = _(r, e->msgid);
	size_t len = strlen(msg);
	if (len && msg[len - 1] == '.' && (e->value || e->expected))
		len--;
	buf b;
	buf_init(&b, 4096);
	buf_append(&b, msg, len);
	if (e->value)
		buf_printf(&b, " : « %s »", e->value);
	if (e->expected) {
		buf_puts(&b, " (");
		buf_puts(&b, _(r, "valeurs possibles :"));
		buf_printf(&b, " %s)", e->expected);
	}
	const char *s = arena_strdup(r->arena, b.data ? b.data : msg);
	buf_free(&b);
	return s ? s : msg;
}

static void error_table(req *r, const demand_csv_errors *e)
{
	buf *o = &r->out;
	ui_table_begin(r, "import-errors", _(r, "Problèmes trouvés dans le fichier"));
	ui_th(r, _(r, "Ligne"));
	ui_th(r, _(r, "Colonne"));
	ui_th(r, _(r, "Problème"));
	ui_table_body(r);
	for (size_t i = 0; i < e->n; i++) {
		RAW(r, "<tr><td>");
		if (e->v[i].line)
			html_int(o, (int64_t)e->v[i].line);
		RAW(r, "</td><td>");
		html_txt(o, e->v[i].column ? e->v[i].column : "");
		RAW(r, "</td><td>");
		html_txt(o, error_text(r, &e->v[i]));
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
	if (e->total > e->n) {
		RAW(r, "<p>");
		ui_txt_count(r, _(r, "… et %d autres problèmes."), (int64_t)(e->total - e->n));
		RAW(r, "</p>\n");
	}
}

static void import_form(req *r, const store_site *sites, size_t n, int64_t site, const field_errors *fe)
{
	buf *o = &r->out;
	RAW(r, "<p>");
	html_txt(o,
	         _(r, "Un fichier CSV en UTF-8, une ligne par demande, séparé par des virgules ou des "
	              "points-virgules. Les lignes qui ont la même valeur dans la colonne visit_ref forment "
	              "une visite. Les colonnes obligatoires sont Date, Canaux d'accompagnement, Opérateur, "
	              "Thématique(s), Niveau d'intervention et Issue ; les valeurs sont des codes, comme "
	              "dans le fichier exporté."));
	RAW(r, "</p>\n<p>");
	html_txt(o, _(r, "Tout le fichier est vérifié d'abord : s'il contient un seul problème, rien n'est "
	                 "importé et chaque problème est indiqué avec sa ligne et sa colonne."));
	RAW(r, "</p>\n");
	ui_error_summary(r, fe);
	RAW(r, "<form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\" novalidate>\n"
	       "<input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(o, r->csrf ? r->csrf : "");
	RAW(r, "\">\n");
	page_site_choice(r, "site", sites, n, site, fe);
	ui_field f = {
	    .name = "file",
	    .label = _(r, "Fichier CSV"),
	    .hint = _(r, "64 Mo au plus. Pour de très gros fichiers, utilisez la commande guichet import "
	                 "demands."),
	    .type = "file",
	    .required = 1};
	ui_input(r, &f, fe);
	ui_submit(r, _(r, "Vérifier et importer"));
	RAW(r, "</form>\n");
}

/* The sites where an adviser may import; for the POST (post != 0), the
 * form and its token are checked first, as before any reading. 0, or -1
 * once the page has answered. */
static int import_sites(req *r, int post, store_site **sites, size_t *n)
{
	if (!page_require_role(r, RECORDERS) || (post && !page_require_form(r)))
		return -1;
	return page_sites_or_refuse(r, 0, sites, n,
	                            "Vous n'êtes rattaché à aucun lieu d'accueil : demandez à votre "
	                            "responsable de vous y ajouter pour importer des visites.");
}

/* The page of the import form. */
static void import_page(req *r, const store_site *sites, size_t n, int64_t site, const field_errors *fe)
{
	ui_page_begin(r, _(r, "Importer des accompagnements"));
	import_form(r, sites, n, site, fe);
	ui_page_end(r);
}

int page_import_form(req *r)
{
	store_site *sites;
	size_t n;
	if (import_sites(r, 0, &sites, &n) != 0)
		return 0;
	field_errors fe = {0};
	import_page(r, sites, n, sites[0].id, &fe);
	return 0;
}

/* Runs one pass over the file: checks only, or checks and writes through
 * tx. Returns 0 when every visit was right (and written). */
static int import_pass(req *r, const http_field *file, const demand_csv_options *o, demand_csv_errors *e,
                       store_import *tx, uint64_t *visits, uint64_t *rows)
{
	csv_reader *csv = csv_reader_mem(file->value, file->value_len, 0, NULL);
	demand_csv_import *im = NULL;
	int rc = demand_csv_import_open(&im, r->app->store, csv, o, e);
	while (rc == 0) {
		arena *va = arena_new((size_t)LIMIT_ARENA_BYTES);
		store_visit v;
		int valid;
		int got = demand_csv_import_next(im, va, &v, &valid);
		if (got <= 0)
			rc = got;
		else if (tx && (!valid || store_import_visit(tx, &v) != STORE_OK))
			rc = -1;
		arena_free(va);
		if (got == 0)
			break;
	}
	if (im) {
		*visits = demand_csv_import_visits(im);
		*rows = demand_csv_import_rows(im);
	}
	demand_csv_import_close(im);
	csv_reader_free(csv);
	return rc == 0 && e->total == 0 ? 0 : -1;
}

int page_import_post(req *r)
{
	store_site *sites;
	size_t n;
	if (import_sites(r, 1, &sites, &n) != 0)
		return 0;
	const char *title = _(r, "Importer des accompagnements");
	field_errors fe = {0};
	/* The adviser of each visit is the file's, else the one importing. */
	demand_csv_options o = {.now = now_s(), .default_agent_id = r->session->user.id};
	if (parse_int64(page_field(r, "site"), 1, INT64_MAX, &o.site_id) != 0 ||
	    !page_may_record(r, o.site_id))
		field_error_add(&fe, "site", N_("Choisissez un lieu où vous enregistrez des visites."));
	const http_field *file = http_form_field(r, "file");
	if (!file || !file->filename || file->value_len == 0)
		field_error_add(&fe, "file", N_("Choisissez le fichier CSV à importer."));
	if (fe.n || !file) {
		http_status(r, 400);
		import_page(r, sites, n, o.site_id ? o.site_id : sites[0].id, &fe);
		return 0;
	}

	demand_csv_errors e;
	demand_csv_errors_init(&e, r->arena);
	uint64_t visits = 0, rows = 0;
	store_import *tx = NULL;
	int rc = import_pass(r, file, &o, &e, NULL, &visits, &rows);
	if (rc == 0) {
		if (store_import_begin(r->app->store, &tx) != STORE_OK) {
			r->status = 500;
			return page_error(r);
		}
		rc = import_pass(r, file, &o, &e, tx, &visits, &rows);
		if (store_import_end(tx, rc == 0) != STORE_OK && rc == 0) {
			r->status = 500;
			return page_error(r);
		}
		if (rc != 0 && e.total == 0) {
			r->status = 500; /* the store failed: it said why in the log */
			return page_error(r);
		}
	}
	ui_page_begin(r, title);
	if (rc == 0) {
		auth_audit(r, "import", "visit", 0, o.site_id,
		           arena_printf(r->arena, "csv: %llu visits, %llu demands",
		                        (unsigned long long)visits, (unsigned long long)rows));
		const char *done =
		    page_count_text(r, _(r, "Import terminé : %d visites enregistrées."), (int64_t)visits);
		ui_notice(r, "success", done);
		RAW(r, "<p><a href=\"/journal\">");
		html_txt(&r->out, _(r, "Voir le journal des visites"));
		RAW(r, "</a></p>\n");
	} else {
		http_status(r, 400);
		ui_notice(r, "error",
		          page_count_text(r,
		                          e.total == 1
		                              ? _(r, "Rien n'a été importé : le fichier contient 1 problème. "
		                                     "Corrigez-le puis envoyez le fichier de nouveau.")
		                              : _(r, "Rien n'a été importé : le fichier contient %d "
		                                     "problèmes. Corrigez-les puis envoyez le fichier de "
		                                     "nouveau."),
		                          (int64_t)e.total));
		error_table(r, &e);
	}
	field_errors none = {0};
	RAW(r, "<h2>");
	html_txt(&r->out, rc == 0 ? _(r, "Importer un autre fichier") : _(r, "Envoyer le fichier corrigé"));
	RAW(r, "</h2>\n");
	import_form(r, sites, n, o.site_id, &none);
	ui_page_end(r);
	return 0;
}

/* ---- export ------------------------------------------------------------ */

typedef struct export_query {
	const char *from, *to, *site, *separator;
} export_query;

/* The page of the export form, with the query's values and errors. */
static void export_page(req *r, const store_site *sites, size_t n, const export_query *q,
                        const field_errors *fe)
{
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Exporter les accompagnements"));
	RAW(r, "<p>");
	html_txt(
	    o, _(r, "Un fichier CSV en UTF-8, une ligne par demande, avec la visite et le profil anonyme de "
	            "la personne. Il ne contient ni nom, ni téléphone, ni e-mail. Il peut être importé de "
	            "nouveau tel quel."));
	RAW(r, "</p>\n");
	ui_error_summary(r, fe);
	RAW(r, "<form method=\"get\" action=\"/export.csv\" novalidate>\n");
	ui_field from = {.name = "from",
	                 .label = _(r, "Du"),
	                 .hint = _(r, "Premier jour de la période, AAAA-MM-JJ. Vide : depuis le début."),
	                 .value = q->from,
	                 .type = "date"};
	ui_input(r, &from, fe);
	ui_field to = {.name = "to",
	               .label = _(r, "Au"),
	               .hint = _(r, "Dernier jour de la période, inclus. Vide : jusqu'à aujourd'hui."),
	               .value = q->to,
	               .type = "date"};
	ui_input(r, &to, fe);
	ui_option *opts = arena_alloc(r->arena, (n + 1) * sizeof *opts);
	if (opts) {
		opts[0] = (ui_option){"", n > 1 ? _(r, "Tous mes lieux") : sites[0].name};
		for (size_t i = 0; n > 1 && i < n; i++)
			opts[i + 1] = (ui_option){arena_printf(r->arena, "%lld", (long long)sites[i].id),
			                          sites[i].name};
		ui_field site = {.name = "site", .label = _(r, "Lieu"), .value = q->site};
		ui_select(r, &site, opts, n > 1 ? n + 1 : 1, fe);
	}
	const ui_option seps[] = {
	    {"comma", _(r, "Virgule (,)")},
	    {"semicolon", _(r, "Point-virgule (;), pour les tableurs réglés en français")},
	};
	ui_field sep = {.name = "separator", .label = _(r, "Séparateur des colonnes"), .value = q->separator};
	ui_select(r, &sep, seps, COUNT(seps), fe);
	ui_submit(r, _(r, "Télécharger le fichier CSV"));
	RAW(r, "</form>\n");
	ui_page_end(r);
}

/* The sites whose records the user may export: 0, or -1 once answered. */
static int export_sites(req *r, store_site **sites, size_t *n)
{
	if (!page_require_login(r))
		return -1;
	return page_sites_or_refuse(r, 1, sites, n, N_("Vous n'avez accès aux enregistrements d'aucun lieu."));
}

static const char *query_text(req *r, const char *name)
{
	const char *v = http_query(r, name);
	char *c = arena_strdup(r->arena, v ? v : "");
	return c ? str_trim(c) : "";
}

int page_export_form(req *r)
{
	store_site *sites;
	size_t n;
	if (export_sites(r, &sites, &n) != 0)
		return 0;
	export_query q = {"", "", "", "comma"};
	field_errors fe = {0};
	export_page(r, sites, n, &q, &fe);
	return 0;
}

/* Reads and checks the query into f; ids holds the sites' ids. */
static void export_filter(req *r, const export_query *q, const store_site *sites, size_t n, int64_t *ids,
                          store_visit_filter *f, field_errors *fe)
{
	int64_t t;
	if (*q->from && time_parse_local(q->from, NULL, &f->from) != 0)
		field_error_add(fe, "from", N_("Écrivez la date au format AAAA-MM-JJ."));
	if (*q->to && time_parse_local(q->to, NULL, &t) != 0)
		field_error_add(fe, "to", N_("Écrivez la date au format AAAA-MM-JJ."));
	else if (*q->to)
		f->to = time_local_midnight(t + (int64_t)36 *
		                                    3600); /* the next midnight, days of 23 or 25 hours too */
	if (f->from && f->to && f->from >= f->to)
		field_error_add(fe, "to", N_("La fin de la période doit venir après son début."));
	if (!str_eq(q->separator, "comma") && !str_eq(q->separator, "semicolon") && *q->separator)
		field_error_add(fe, "separator", N_("Choisissez le séparateur dans la liste."));
	int64_t site = 0;
	size_t k = 0;
	if (*q->site && parse_int64(q->site, 1, INT64_MAX, &site) != 0)
		site = -1;
	for (size_t i = 0; i < n; i++)
		if (!site || sites[i].id == site)
			ids[k++] = sites[i].id;
	if (site && k == 0)
		field_error_add(fe, "site", N_("Choisissez un lieu dans la liste."));
	/* An administrator's "every site" includes sites created since. */
	if (site || r->session->role != ROLE_ADMIN) {
		f->site_ids = ids;
		f->nsites = k;
	}
}

int page_export_csv(req *r)
{
	store_site *sites;
	size_t n;
	if (export_sites(r, &sites, &n) != 0)
		return 0;
	export_query q = {query_text(r, "from"), query_text(r, "to"), query_text(r, "site"),
	                  query_text(r, "separator")};
	store_visit_filter f = {0};
	field_errors fe = {0};
	int64_t *ids = arena_alloc(r->arena, (n + 1) * sizeof *ids);
	if (!ids) {
		r->status = 500;
		return page_error(r);
	}
	export_filter(r, &q, sites, n, ids, &f, &fe);
	demand_csv_export *x = NULL;
	if (fe.n == 0) {
		x = demand_csv_export_new(r->app->store, &r->out,
		                          str_eq(q.separator, "semicolon") ? ';' : ',', NULL, NULL);
		if (demand_csv_export_run(x, &f) != 0) {
			int too_big = r->out.overflow;
			demand_csv_export_free(x);
			buf_reset(&r->out);
			if (!too_big) {
				r->status = 500;
				return page_error(r);
			}
			field_error_add(
			    &fe, "from",
			    N_("Trop de lignes pour un téléchargement : choisissez une période plus courte, "
			       "ou utilisez la commande guichet export demands."));
		}
	}
	if (fe.n) {
		http_status(r, 400);
		export_page(r, sites, n, &q, &fe);
		return 0;
	}
	auth_audit(
	    r, "export", "demand", 0, f.nsites == 1 ? f.site_ids[0] : 0,
	    arena_printf(r->arena, "csv: %llu demands", (unsigned long long)demand_csv_export_rows(x)));
	demand_csv_export_free(x);
	http_content_type(r, "text/csv; charset=utf-8");
	/* The dates were checked: digits and dashes only. */
	const char *name = arena_printf(r->arena, "attachment; filename=\"guichet-demandes%s%s%s%s.csv\"",
	                                *q.from ? "-" : "", q.from, *q.to ? "-" : "", q.to);
	http_set_header(r, "Content-Disposition",
	                name ? name : "attachment; filename=\"guichet-demandes.csv\"");
	return 0;
}
