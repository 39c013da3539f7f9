/*
 * page_satisfaction.c: the advisers' side of the satisfaction survey
 * (REFERENCE.md section 6): the answers of a site over the last 30 days,
 * counted per overall answer and per clarity level, the latest comments
 * (whose reading is journaled, since a person may have written personal
 * data despite the warning), the poster of the site's QR code, ready to
 * print, the entry of answers given on paper, and the deletion of a
 * mistyped or abusive answer. The public addresses and the change of a
 * site's key are page_satisfaction_public.c; the public page itself is
 * page_avis.c.
 */
#include <string.h>

#include "app/app.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/page_satisfaction.h"
#include "pages/pages.h"
#include "util/qr.h"
#include "domain/satisfaction.h"
#include "web/ui.h"
#include "domain/visit.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))
#define RECORDERS (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

/* The period counted on the page, the comments and answers listed, and a
 * bound on the answers read at once (a busy kiosk gives a few hundred a
 * month). */
#define PERIOD_DAYS 30
#define MAX_COMMENTS 50
#define MAX_LATEST 30
#define MAX_ANSWERS 20000

/* Smileys of the overall answer, drawn in the text's colour. They are
 * decoration: the label beside them carries the meaning. */
#define SMILEY_BEGIN                                                                                         \
	"<svg class=\"smiley\" width=\"40\" height=\"40\" viewBox=\"0 0 40 40\" aria-hidden=\"true\" "       \
	"focusable=\"false\"><circle cx=\"20\" cy=\"20\" r=\"17\" fill=\"none\" stroke=\"currentColor\" "    \
	"stroke-width=\"2.5\"/><circle cx=\"14\" cy=\"16\" r=\"2.2\" fill=\"currentColor\"/>"                \
	"<circle cx=\"26\" cy=\"16\" r=\"2.2\" fill=\"currentColor\"/><path fill=\"none\" "                  \
	"stroke=\"currentColor\" stroke-width=\"2.5\" stroke-linecap=\"round\" d=\""
static const char *const smileys[3] = {
    SMILEY_BEGIN "M12 29 Q20 22 28 29\"/></svg>",
    SMILEY_BEGIN "M12 26 L28 26\"/></svg>",
    SMILEY_BEGIN "M12 24 Q20 32 28 24\"/></svg>",
};

static const char *source_label(req *r, const char *source)
{
	if (str_eq(source, "borne"))
		return _(r, "Borne");
	if (str_eq(source, "qr"))
		return _(r, "QR code");
	return _(r, "Papier");
}

static const char *overall_label(req *r, int overall)
{
	return overall >= 1 && overall <= 3 ? _(r, SATISFACTION_LABELS[overall - 1]) : "";
}

static const char *clarity_label(req *r, int clarity)
{
	if (clarity >= 1 && clarity <= 5)
		return arena_printf(r->arena, "%d — %s", clarity,
		                    _(r, SATISFACTION_CLARITY_LABELS[clarity - 1]));
	return _(r, "Non répondu");
}

/* The site named by ?site= among sites (the first when absent); NULL when
 * it is not one of them, which the caller answers like a missing page. */
static const store_site *query_site(req *r, const store_site *sites, size_t n)
{
	const char *q = http_query(r, "site");
	if (!q || !*q)
		return n ? &sites[0] : NULL;
	int64_t id = 0;
	if (parse_int64(q, 1, INT64_MAX, &id) != 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (sites[i].id == id)
			return &sites[i];
	return NULL;
}

/* ---- The page of a site's answers ---------------------------------------- */

static void site_filter(req *r, const store_site *sites, size_t n, const store_site *chosen)
{
	if (n < 2)
		return;
	buf *o = &r->out;
	RAW(r, "<form method=\"get\" action=\"/satisfaction\" class=\"filters\">\n");
	ui_option *opts = arena_alloc(r->arena, n * sizeof *opts);
	if (!opts)
		return;
	for (size_t i = 0; i < n; i++)
		opts[i] = (ui_option){arena_printf(r->arena, "%lld", (long long)sites[i].id), sites[i].name};
	ui_field f = {.name = "site",
	              .label = _(r, "Lieu"),
	              .value = arena_printf(r->arena, "%lld", (long long)chosen->id)};
	ui_select(r, &f, opts, n, NULL);
	RAW(r, "<button type=\"submit\" class=\"button-secondary\">");
	html_txt(o, _(r, "Afficher"));
	RAW(r, "</button>\n</form>\n");
}

/* One row of a count table: label, count and its share of total. */
static void count_row(req *r, const char *label, int64_t count, int64_t total)
{
	buf *o = &r->out;
	RAW(r, "<tr><th scope=\"row\">");
	html_txt(o, label);
	RAW(r, "</th><td>");
	html_int(o, count);
	RAW(r, "</td><td>");
	html_int(o, total ? (count * 100 + total / 2) / total : 0);
	RAW(r, " %</td></tr>\n");
}

static void count_tables(req *r, const store_satisfaction *a, size_t n)
{
	int64_t overall[4] = {0}, clarity[6] = {0};
	for (size_t i = 0; i < n; i++) {
		if (a[i].overall >= 1 && a[i].overall <= 3)
			overall[a[i].overall]++;
		clarity[a[i].clarity >= 1 && a[i].clarity <= 5 ? a[i].clarity : 0]++;
	}
	RAW(r, "<p>");
	ui_txt_count(r, i18n_plural(r->lang, "%d réponse", "%d réponses", (unsigned long)n), (int64_t)n);
	RAW(r, "</p>\n");
	if (n == 0)
		return;
	ui_table_begin(r, NULL, _(r, "De façon générale, comment ça s'est passé ?"));
	ui_th(r, _(r, "Réponse"));
	ui_th(r, _(r, "Nombre"));
	ui_th(r, _(r, "Part"));
	ui_table_body(r);
	for (int k = 3; k >= 1; k--)
		count_row(r, _(r, SATISFACTION_LABELS[k - 1]), overall[k], (int64_t)n);
	ui_table_end(r);
	ui_table_begin(r, NULL, _(r, "Clarté des informations données"));
	ui_th(r, _(r, "Niveau"));
	ui_th(r, _(r, "Nombre"));
	ui_th(r, _(r, "Part"));
	ui_table_body(r);
	for (int k = 5; k >= 1; k--)
		count_row(r, clarity_label(r, k), clarity[k], (int64_t)n);
	count_row(r, _(r, "Non répondu"), clarity[0], (int64_t)n);
	ui_table_end(r);
}

/* The latest comments; their reading is journaled once per page. */
static void comments(req *r, const store_site *site, const store_satisfaction *a, size_t n)
{
	buf *o = &r->out;
	RAW(r, "<h2>");
	html_txt(o, _(r, "Commentaires récents"));
	RAW(r, "</h2>\n");
	size_t shown = 0;
	for (size_t i = 0; i < n && shown < MAX_COMMENTS; i++) {
		if (!a[i].comment || !*a[i].comment)
			continue;
		if (shown++ == 0) {
			RAW(r, "<p class=\"hint\">");
			html_txt(o,
			         _(r, "Les commentaires peuvent contenir des données personnelles malgré "
			              "l'avertissement : leur lecture est inscrite au journal des accès."));
			RAW(r, "</p>\n");
			ui_table_begin(r, NULL, _(r, "Commentaires, du plus récent au plus ancien"));
			ui_th(r, _(r, "Date"));
			ui_th(r, _(r, "Réponse"));
			ui_th(r, _(r, "Commentaire"));
			ui_table_body(r);
		}
		char date[11];
		time_local_date(a[i].answered_at, date);
		RAW(r, "<tr><td>");
		html_txt(o, date);
		RAW(r, "</td><td>");
		html_txt(o, overall_label(r, a[i].overall));
		RAW(r, "</td><td class=\"comment\">");
		html_txt(o, a[i].comment);
		RAW(r, "</td></tr>\n");
	}
	if (shown) {
		ui_table_end(r);
		auth_audit(r, "read", "satisfaction_comments", site->id, site->id, NULL);
	} else {
		RAW(r, "<p>");
		html_txt(o, _(r, "Aucun commentaire sur cette période."));
		RAW(r, "</p>\n");
	}
}

/* Whether the user may delete this answer now: a paper answer by those
 * who record at the site, a public one (it may be abusive) by the site's
 * managers and the administrators; within the correction window. */
static int may_delete(req *r, const store_satisfaction *a)
{
	if (str_eq(a->source, "papier"))
		return page_correction_state(r, a->site_id, a->created_at) == 1;
	const struct session *s = r->session;
	if (!s ||
	    !(s->role == ROLE_ADMIN || (s->role == ROLE_MANAGER && auth_user_has_site(&s->user, a->site_id))))
		return 0;
	int64_t days = 0;
	return store_site_correction_days(r->app->store, a->site_id, &days) == STORE_OK &&
	       visit_in_correction_window(a->created_at, days, now_s());
}

static void latest(req *r, const store_satisfaction *a, size_t n)
{
	buf *o = &r->out;
	RAW(r, "<h2>");
	html_txt(o, _(r, "Dernières réponses"));
	RAW(r, "</h2>\n");
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Aucune réponse sur cette période."));
		RAW(r, "</p>\n");
		return;
	}
	ui_table_begin(r, NULL, _(r, "Réponses, de la plus récente à la plus ancienne"));
	ui_th(r, _(r, "Date"));
	ui_th(r, _(r, "Origine"));
	ui_th(r, _(r, "Réponse"));
	ui_th(r, _(r, "Clarté"));
	ui_th(r, _(r, "Action"));
	ui_table_body(r);
	for (size_t i = 0; i < n && i < MAX_LATEST; i++) {
		char date[11];
		time_local_date(a[i].answered_at, date);
		RAW(r, "<tr><td>");
		html_txt(o, date);
		RAW(r, "</td><td>");
		html_txt(o, source_label(r, a[i].source));
		RAW(r, "</td><td>");
		html_txt(o, overall_label(r, a[i].overall));
		RAW(r, "</td><td>");
		html_txt(o, clarity_label(r, a[i].clarity));
		RAW(r, "</td><td>");
		if (may_delete(r, &a[i])) {
			RAW(r, "<a href=\"/satisfaction/");
			html_int(o, a[i].id);
			RAW(r, "/delete\">");
			html_txt(o, _(r, "Supprimer"));
			RAW(r, "<span class=\"sr-only\"> ");
			html_txt(o, page_count_text(r, _(r, "la réponse n° %d"), a[i].id));
			RAW(r, "</span></a>");
		}
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
}

/* The site named by ?site= among those the user may read (the only one
 * when they have one), after the login guard; NULL once the page has
 * answered (login, no site, 404). */
static const store_site *readable_site(req *r, store_site **sites, size_t *ns)
{
	if (!page_require_login(r))
		return NULL;
	if (page_sites_or_refuse(r, 1, sites, ns, N_("Vous n'avez accès aux enregistrements d'aucun lieu.")) != 0)
		return NULL;
	const store_site *site = query_site(r, *sites, *ns);
	if (!site)
		page_not_found(r);
	return site;
}

int page_satisfaction(req *r)
{
	store_site *sites = NULL;
	size_t ns = 0;
	const store_site *site = readable_site(r, &sites, &ns);
	if (!site)
		return 0;
	int64_t now = now_s();
	store_satisfaction *a = NULL;
	size_t n = 0;
	if (store_satisfaction_list(r->app->store, r->arena, &site->id, 1, now - (int64_t)PERIOD_DAYS * 86400, now + 1,
	                            MAX_ANSWERS, &a, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	ui_page_begin(r, _(r, "Satisfaction"));
	if (http_query(r, "deleted"))
		ui_notice(r, "success", _(r, "Réponse supprimée."));
	buf *o = &r->out;
	site_filter(r, sites, ns, site);
	RAW(r, "<p class=\"site-line\">");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <strong>");
	html_txt(o, site->name);
	RAW(r, "</strong></p>\n<p>");
	html_txt(o,
	         _(r, "Les réponses des personnes accueillies au questionnaire de satisfaction. Elles sont "
	              "anonymes : seuls le lieu et la date sont enregistrés."));
	RAW(r, "</p>\n<h2>");
	html_txt(o, page_count_text(r, _(r, "Les %d derniers jours"), PERIOD_DAYS));
	RAW(r, "</h2>\n");
	if (http_query(r, "key"))
		ui_notice(r, "success",
		          _(r,
		            "La clé a été changée. Les anciennes adresses ne fonctionnent plus : réimprimez "
		            "les affiches et ouvrez la nouvelle adresse sur la borne."));
	count_tables(r, a, n);
	comments(r, site, a, n);
	if (page_may_record(r, site->id) && page_satisfaction_collect(r, site) != 0) {
		r->status = 500;
		return page_error(r);
	}
	latest(r, a, n);
	ui_page_end(r);
	return 0;
}

/* ---- The poster ----------------------------------------------------------- */

/* The link back to the answers, left out of the printed poster. */
static void poster_back(req *r, const store_site *site)
{
	RAW(r, "<p class=\"poster-help\"><a href=\"/satisfaction?site=");
	html_int(&r->out, site->id);
	RAW(r, "\">");
	html_txt(&r->out, _(r, "Retour aux réponses"));
	RAW(r, "</a></p>\n");
}

/* The poster's languages: French, then those of the site's advisers that
 * the public pages offer, POSTER_LANGS in all, so that it stays one A4
 * page. */
#define POSTER_LANGS 4

static size_t poster_langs(const store_site *site, const lang *out[POSTER_LANGS])
{
	size_t n = 0;
	out[n++] = i18n_default();
	const char *p = site->languages ? site->languages : "";
	while (*p && n < POSTER_LANGS) {
		char code[16];
		size_t k = 0;
		while (*p == ',' || *p == ' ')
			p++;
		while (*p && *p != ',' && *p != ' ') {
			if (k + 1 < sizeof(code))
				code[k++] = *p;
			p++;
		}
		code[k] = '\0';
		const lang *l = k ? i18n_find_public(code) : NULL;
		int seen = 0;
		for (size_t i = 0; l && i < n; i++)
			seen |= out[i] == l;
		if (l && !seen)
			out[n++] = l;
	}
	return n;
}

/* One public phrase in each of the poster's languages, each line marked
 * with its language and direction. */
static void poster_lines(req *r, const char *cls, const lang *const *langs, size_t n, const char *msgid)
{
	buf *o = &r->out;
	if (n == 0)
		return;
	RAW(r, "<ul class=\"poster-lines ");
	html_attr(o, cls);
	RAW(r, "\">\n");
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<li lang=\"");
		html_attr(o, langs[i]->code);
		RAW(r, langs[i]->rtl ? "\" dir=\"rtl\">" : "\" dir=\"ltr\">");
		html_txt(o, i18n_text(langs[i], msgid));
		RAW(r, "</li>\n");
	}
	RAW(r, "</ul>\n");
}

/* A printable A4 page to put up at the counter: the invitation in French
 * and in the languages of the site's advisers, the smileys, the QR code of
 * the site's via=qr address, and for whoever cannot scan a short address
 * (/a) and a short code to type there. Shown to those who see the
 * addresses on the page of answers; anyone else gets the 404 of a missing
 * site. */
int page_satisfaction_poster(req *r)
{
	store_site *sites = NULL;
	size_t ns = 0;
	const store_site *site = readable_site(r, &sites, &ns);
	if (!site)
		return 0;
	if (!page_may_record(r, site->id))
		return page_not_found(r);
	const char *url = NULL;
	char code[PAGE_SATISFACTION_CODE_BYTES];
	qr_code *q = arena_alloc(r->arena, sizeof *q);
	if (!q || page_satisfaction_address(r, site->id, "qr", &url) != 0 ||
	    page_satisfaction_code(r, site->id, code) != 0) {
		r->status = 500;
		return page_error(r);
	}
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Donnez votre avis"));
	const char *base = page_satisfaction_public_base(r);
	if (!url || !base) {
		/* No address to print: the page says why, and prints nothing. */
		page_satisfaction_unset_notice(r);
		poster_back(r, site);
		ui_page_end(r);
		return 0;
	}
	const lang *langs[POSTER_LANGS];
	size_t nl = poster_langs(site, langs);
	/* An address too long for a code (a long public-url) is printed as
	 * text only, and the page says so instead of failing. */
	int coded = qr_encode(url, strlen(url), q) == 0;
	if (!coded)
		ui_notice(
		    r, "info",
		    _(r, "Cette adresse est trop longue pour un QR code : l'administrateur peut choisir une "
		         "adresse publique plus courte (réglage public-url)."));
	RAW(r, "<div class=\"poster\">\n");
	/* The title: the page's heading, then the other languages. */
	const lang *others[POSTER_LANGS];
	size_t no = 0;
	for (size_t i = 0; i < nl; i++)
		if (langs[i] != r->lang)
			others[no++] = langs[i];
	poster_lines(r, "poster-title", others, no, NP_("Donnez votre avis"));
	RAW(r, "<p class=\"poster-smileys\">");
	for (int k = 3; k >= 1; k--)
		RAW(r, smileys[k - 1]);
	RAW(r, "</p>\n");
	if (coded) {
		poster_lines(r, "poster-text", langs, nl,
		             NP_("Scannez ce code avec votre téléphone. C'est anonyme."));
		RAW(r, "<div class=\"poster-qr\">");
		qr_svg(q, o, _(r, "QR code de la page pour donner votre avis"));
		RAW(r, "</div>\n");
	}
	/* The address to type is short: the server and /a; the code is in
	 * groups of four, without letters that look alike. */
	poster_lines(r, "poster-or", langs, nl, NP_("Ou tapez cette adresse :"));
	RAW(r, "<p class=\"poster-short\"><bdi>");
	const char *scheme = strstr(base, "://");
	html_txt(o, scheme ? scheme + 3 : base);
	RAW(r, "/a</bdi></p>\n");
	poster_lines(r, "poster-or", langs, nl, NP_("Puis tapez ce code :"));
	RAW(r, "<p class=\"poster-code\"><bdi>");
	html_txt(o, page_satisfaction_code_display(r, code));
	RAW(r, "</bdi></p>\n<p class=\"poster-site\">");
	html_txt(o, site->name);
	RAW(r, "</p>\n<p class=\"poster-url\"><bdi>");
	html_txt(o, url);
	RAW(r, "</bdi></p>\n</div>\n<div class=\"poster-help\">\n<p>");
	html_txt(o, _(r, "Imprimez cette page avec la commande Imprimer de votre navigateur : seule "
	                 "l'affiche est imprimée."));
	RAW(r, "</p>\n<p>");
	html_txt(o, _(r, "Les langues de l'affiche sont le français et celles du lieu (réglage « Langues "
	                 "parlées à l'accueil »), quatre au plus."));
	RAW(r, "</p>\n</div>\n");
	poster_back(r, site);
	ui_page_end(r);
	return 0;
}

/* ---- The entry of a paper answer ----------------------------------------- */

typedef struct paper_form {
	store_satisfaction a;
	const char *date, *overall, *clarity;
	store_site *sites;
	size_t nsites;
} paper_form;

/* A group of radios, written here rather than with ui_radios so that the
 * overall answers carry their smileys (icons, NULL for none) and the group
 * is laid out as a row of choices; the same ids, error line and ARIA as
 * ui_radios, so that the error summary's link lands on the first radio. */
static void radio_group(req *r, const char *name, const char *legend, int required, const ui_option *opts,
                        size_t n, const char *const *icons, const char *value, const field_errors *e)
{
	buf *o = &r->out;
	const char *err = field_error_for(e, name);
	RAW(r, err ? "<div class=\"field field-error\">\n" : "<div class=\"field\">\n");
	RAW(r, icons ? "<fieldset class=\"radios smileys\"" : "<fieldset class=\"radios\"");
	if (err) {
		RAW(r, " aria-describedby=\"");
		html_attr(o, name);
		RAW(r, "-error\"");
	}
	RAW(r, ">\n<legend>");
	html_txt(o, legend);
	if (required) {
		RAW(r, " <span class=\"required\">");
		html_txt(o, _(r, "(obligatoire)"));
		RAW(r, "</span>");
	}
	RAW(r, "</legend>\n");
	if (err)
		ui_field_error(r, name, err);
	for (size_t i = 0; i < n; i++) {
		const char *id = i == 0 ? name : arena_printf(r->arena, "%s-%zu", name, i + 1);
		if (!id)
			id = name;
		RAW(r, "<div class=\"radio\"><input type=\"radio\" name=\"");
		html_attr(o, name);
		RAW(r, "\" id=\"");
		html_attr(o, id);
		RAW(r, "\" value=\"");
		html_attr(o, opts[i].value);
		RAW(r, "\"");
		if (str_eq(value, opts[i].value))
			RAW(r, " checked");
		if (err)
			RAW(r, " aria-invalid=\"true\"");
		RAW(r, "><label for=\"");
		html_attr(o, id);
		RAW(r, "\">");
		if (icons) {
			RAW(r, icons[i]);
			RAW(r, " ");
		}
		html_txt(o, opts[i].label);
		RAW(r, "</label></div>\n");
	}
	RAW(r, "</fieldset>\n</div>\n");
}

static void render_paper(req *r, const paper_form *f, const field_errors *e)
{
	ui_error_summary(r, e);
	ui_form_begin(r, "/satisfaction");
	page_site_choice(r, "site_id", f->sites, f->nsites, f->a.site_id, e);
	ui_field d = {.name = "date",
	              .label = _(r, "Date de la réponse"),
	              .hint = _(r, "Le jour où la personne a rempli le questionnaire papier."),
	              .value = f->date,
	              .type = "date",
	              .required = 1};
	ui_input(r, &d, e);
	/* From the best answer to the worst, as on the public page. */
	ui_option ov[3];
	const char *icons[3];
	for (int k = 3; k >= 1; k--) {
		ov[3 - k] = (ui_option){arena_printf(r->arena, "%d", k), _(r, SATISFACTION_LABELS[k - 1])};
		icons[3 - k] = smileys[k - 1];
	}
	radio_group(r, "overall", _(r, "De façon générale, comment ça s'est passé ?"), 1, ov, 3, icons,
	            f->overall, e);
	ui_option cl[6];
	for (int k = 1; k <= 5; k++)
		cl[k - 1] = (ui_option){arena_printf(r->arena, "%d", k), clarity_label(r, k)};
	cl[5] = (ui_option){"0", _(r, "Non répondu")};
	radio_group(r, "clarity", _(r, "Les informations données étaient-elles claires ?"), 0, cl, 6, NULL,
	            f->clarity, e);
	ui_field c = {.name = "comment",
	              .label = _(r, "Commentaire"),
	              .hint = _(r, "Recopiez le commentaire sans nom, adresse, numéro ni autre donnée "
	                           "personnelle (1000 caractères au plus)."),
	              .value = f->a.comment};
	ui_textarea(r, &c, e);
	ui_submit(r, _(r, "Enregistrer la réponse"));
	ui_form_end(r);
	buf *o = &r->out;
	RAW(r, "<p><a href=\"/satisfaction?site=");
	html_int(o, f->a.site_id ? f->a.site_id : f->sites[0].id);
	RAW(r, "\">");
	html_txt(o, _(r, "Retour aux réponses"));
	RAW(r, "</a></p>\n");
}

static int load_sites(req *r, paper_form *f)
{
	memset(f, 0, sizeof *f);
	return page_sites_or_refuse(r, 0, &f->sites, &f->nsites,
	                            "Vous n'êtes rattaché à aucun lieu d'accueil : demandez à votre "
	                            "responsable de vous y ajouter pour saisir des réponses.");
}

int page_satisfaction_new(req *r)
{
	if (!page_require_role(r, RECORDERS))
		return 0;
	paper_form f;
	if (load_sites(r, &f) != 0)
		return 0;
	/* A site the adviser does not record at answers like a missing one. */
	const store_site *chosen = query_site(r, f.sites, f.nsites);
	if (!chosen)
		return page_not_found(r);
	f.a.site_id = chosen->id;
	char date[11];
	time_local_date(now_s(), date);
	f.date = arena_strdup(r->arena, date);
	f.overall = "";
	f.clarity = "0";
	f.a.comment = "";
	ui_page_begin(r, _(r, "Saisir une réponse papier"));
	if (http_query(r, "saved"))
		ui_notice(r, "success", _(r, "Réponse enregistrée. Vous pouvez saisir la suivante."));
	field_errors e = {0};
	render_paper(r, &f, &e);
	ui_page_end(r);
	return 0;
}

/* Reads the form into f; the problems of the form itself go to e. */
static void read_paper(req *r, paper_form *f, int64_t now, field_errors *e)
{
	store_satisfaction *a = &f->a;
	a->site_id = page_chosen_site(r, "site_id", f->sites, f->nsites, e);
	a->source = "papier";
	a->recorded_by = r->session->user.id;
	f->date = page_field(r, "date");
	if (time_parse_local(f->date, "12:00", &a->answered_at) != 0) {
		a->answered_at = 0;
		field_error_add(e, "date", "Indiquez une date valide (AAAA-MM-JJ).");
	} else {
		/* A paper answer of today typed in the morning is not in the
		 * future: it was given before now. */
		char today[11];
		time_local_date(now, today);
		if (str_eq(f->date, today) && a->answered_at > now)
			a->answered_at = now;
	}
	int64_t v = 0;
	f->overall = page_field(r, "overall");
	a->overall = parse_int64(f->overall, 1, 3, &v) == 0 ? (int)v : 0;
	f->clarity = page_field(r, "clarity");
	if (!*f->clarity)
		a->clarity = 0;
	else if (parse_int64(f->clarity, 0, 5, &v) == 0)
		a->clarity = (int)v;
	else
		a->clarity = -1;
	/* satisfaction_validate trims the comment in place. */
	a->comment = arena_strdup(r->arena, page_field(r, "comment"));
}

int page_satisfaction_create(req *r)
{
	if (!page_require_role(r, RECORDERS))
		return 0;
	paper_form f;
	if (load_sites(r, &f) != 0 || !page_require_form(r))
		return 0;
	int64_t now = now_s();
	field_errors all = {0}, e = {0};
	read_paper(r, &f, now, &all);
	if (!f.a.comment) {
		r->status = 500;
		return page_error(r);
	}
	field_errors more = {0};
	if (satisfaction_validate(&f.a, now, &more) != 0)
		page_merge_errors(&all, &more, NULL);
	/* The summary lists the errors in the order of the fields. */
	static const char *const order[] = {"site_id", "date", "overall", "clarity", "comment"};
	for (size_t i = 0; i < COUNT(order); i++)
		if (field_error_for(&all, order[i]))
			field_error_add(&e, order[i], field_error_for(&all, order[i]));
	for (size_t i = 0; i < all.n && i < COUNT(all.v); i++)
		if (!field_error_for(&e, all.v[i].field))
			field_error_add(&e, all.v[i].field, all.v[i].msgid);
	if (e.n) {
		http_status(r, 400);
		ui_page_begin(r, _(r, "Saisir une réponse papier"));
		render_paper(r, &f, &e);
		ui_page_end(r);
		return 0;
	}
	f.a.id = 0;
	const char *to =
	    arena_printf(r->arena, "/satisfaction/new?site=%lld&saved=1", (long long)f.a.site_id);
	return page_stored(r, store_satisfaction_insert(r->app->store, &f.a), "create", "satisfaction",
	                   f.a.id, f.a.site_id, NULL, to ? to : "/satisfaction/new");
}

/* ---- Deletion ------------------------------------------------------------ */

/* The live answer of the path, if the user may see its site (404 as for a
 * missing one otherwise) and may delete it now (403 otherwise). */
static int load_deletable(req *r, store_satisfaction *a)
{
	if (!page_require_login(r))
		return -1;
	int64_t id;
	store_site site;
	if (page_path_id(r, &id) != 0 || store_satisfaction_get(r->app->store, r->arena, id, a) != STORE_OK ||
	    a->deleted_at) {
		page_not_found(r);
		return -1;
	}
	if (page_visible_site(r, a->site_id, &site) != 0)
		return -1;
	if (str_eq(a->source, "papier"))
		return page_require_corrector(
		           r, a->site_id, a->created_at,
		           "Seuls les conseillers et responsables du lieu peuvent supprimer "
		           "ses réponses papier.")
		           ? 0
		           : -1;
	const struct session *s = r->session;
	if (!(s->role == ROLE_ADMIN ||
	      (s->role == ROLE_MANAGER && auth_user_has_site(&s->user, a->site_id)))) {
		ui_error_page(r, 403,
		              "Seuls les responsables du lieu et les administrateurs peuvent supprimer une "
		              "réponse donnée sur la borne ou par QR code.");
		return -1;
	}
	return page_require_correctable(r, a->site_id, a->created_at) ? 0 : -1;
}

int page_satisfaction_delete_form(req *r)
{
	store_satisfaction a;
	if (load_deletable(r, &a) != 0)
		return 0;
	char date[11];
	time_local_date(a.answered_at, date);
	page_deletion d = {.base = "satisfaction",
	                   .id = a.id,
	                   .title = _(r, "Supprimer la réponse"),
	                   .intro = _(r, "Vous allez supprimer la réponse du"),
	                   .when = arena_strdup(r->arena, date),
	                   .what = arena_printf(r->arena, "%s, %s", source_label(r, a.source),
	                                        overall_label(r, a.overall)),
	                   .consequence = _(r, "Elle ne sera plus comptée dans les résultats ni dans les statistiques."),
	                   .cancel = _(r, "Annuler et revenir aux réponses"),
	                   .cancel_href = arena_printf(r->arena, "/satisfaction?site=%lld", (long long)a.site_id)};
	if (!d.when || !d.what || !d.cancel_href) {
		r->status = 500;
		return page_error(r);
	}
	page_delete_confirm(r, &d);
	return 0;
}

int page_satisfaction_delete(req *r)
{
	store_satisfaction a;
	if (load_deletable(r, &a) != 0 || !page_require_form(r))
		return 0;
	const char *to = arena_printf(r->arena, "/satisfaction?site=%lld&deleted=1", (long long)a.site_id);
	return page_stored(r, store_satisfaction_delete(r->app->store, a.id, now_s()), "delete",
	                   "satisfaction", a.id, a.site_id, NULL, to ? to : "/satisfaction");
}
