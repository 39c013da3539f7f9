/*
 * ui.c: the frame of every page (head, skip link, header with the language
 * switcher and the menu, main, footer) and the form widgets.
 *
 * The markup follows RGAA 4.1: landmarks, a skip link as the first focusable
 * element, lang and dir on <html>, each field with a <label>, its hint and
 * its error tied to it by aria-describedby, and an error summary whose links
 * lead to the fields. Pages work without JavaScript: nothing here needs it.
 * Every visible French text is written as _(r, "…") so that xgettext finds
 * it; every piece of data goes through html_txt or html_attr.
 */
#include <string.h>

#include "app/app_sync.h"
#include "auth/auth.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* Decorative icons: the text beside them carries the meaning, so screen
 * readers skip them, and they tell kinds of notices apart for people who do
 * not see the colours. */
static const char icon_info[] =
    "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\" "
    "focusable=\"false\">"
    "<circle cx=\"12\" cy=\"12\" r=\"10\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/>"
    "<path d=\"M12 11v6M12 7v.5\" stroke=\"currentColor\" stroke-width=\"2.5\" "
    "stroke-linecap=\"round\"/></svg>";
static const char icon_success[] =
    "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\" "
    "focusable=\"false\">"
    "<circle cx=\"12\" cy=\"12\" r=\"10\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/>"
    "<path d=\"M7 12.5l3.5 3.5L17 9\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\"/></svg>";
static const char icon_error[] =
    "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\" "
    "focusable=\"false\">"
    "<path d=\"M12 2.5L1.5 21h21z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" "
    "stroke-linejoin=\"round\"/><path d=\"M12 9.5v5.5M12 18v.5\" stroke=\"currentColor\" "
    "stroke-width=\"2.5\" "
    "stroke-linecap=\"round\"/></svg>";

/* The main menu; roles == 0 means every logged-in user sees the link. */
static const struct nav_item {
	const char *href;
	const char *label;
	unsigned roles;
} nav_items[] = {
    {"/", N_("Accueil"), 0},
    /* The recording of accompaniments, first: it is the advisers' daily job. */
    {"/visits/new", N_("Accompagnements"), (1u << ROLE_AGENT) | (1u << ROLE_MANAGER) | (1u << ROLE_ADMIN)},
    /* The journal links to the search through visits. */
    {"/journal", N_("Journal du jour"),
     (1u << ROLE_AGENT) | (1u << ROLE_MANAGER) | (1u << ROLE_COORDINATOR) | (1u << ROLE_ADMIN)},
    {"/workshops", N_("Ateliers"),
     (1u << ROLE_AGENT) | (1u << ROLE_MANAGER) | (1u << ROLE_COORDINATOR) | (1u << ROLE_ADMIN)},
    /* The postal address of a person and who to tell when it changes. */
    {"/address", N_("Adresses"),
     (1u << ROLE_AGENT) | (1u << ROLE_MANAGER) | (1u << ROLE_COORDINATOR) | (1u << ROLE_ADMIN)},
    /* The steering reports of the sites, département or network the user sees. */
    {"/reports", N_("Rapports"),
     (1u << ROLE_AGENT) | (1u << ROLE_MANAGER) | (1u << ROLE_COORDINATOR) | (1u << ROLE_ADMIN)},
    /* The answers to the satisfaction survey of the sites the user sees. */
    {"/satisfaction", N_("Satisfaction"),
     (1u << ROLE_AGENT) | (1u << ROLE_MANAGER) | (1u << ROLE_COORDINATOR) | (1u << ROLE_ADMIN)},
    /* TRANSLATORS: the public-service sites (France Services) of the network. */
    {"/sites", N_("Lieux"), 0},
    {"/users", N_("Utilisateurs"), (1u << ROLE_MANAGER) | (1u << ROLE_ADMIN)},
    {"/admin/operators", N_("Catalogue"), 1u << ROLE_ADMIN},
    /* Escalations to the operators' back offices: the referents' queue. */
    {"/escalations", N_("Escalades"),
     (1u << ROLE_AGENT) | (1u << ROLE_MANAGER) | (1u << ROLE_COORDINATOR) | (1u << ROLE_OPERATOR) |
         (1u << ROLE_ADMIN)},
    {"/audit", N_("Journal des accès"), 1u << ROLE_ADMIN},
    {"/account/password", N_("Mon compte"), 0},
};

/* Stylesheets of one group of pages, added after guichet.css: the report
 * pages' charts and print layout are not loaded by every other page. */
static const struct page_style {
	const char *prefix; /* a path and every path below it */
	const char *href;
} page_styles[] = {
    {"/reports", "/static/chart.css"},
    {"/reports", "/static/report.css"},
    {"/avis", "/static/avis.css"},
    {"/satisfaction/poster", "/static/poster.css"},
    /* The about page names every public language in itself. */
    {"/about", "/static/fonts.css"},
    {"/about", "/static/public.css"},
};

static const lang *lang_of(const req *r)
{
	return r->lang ? r->lang : i18n_default();
}

/* A link is the current page when the path is its href or below it; the
 * home page only matches itself. */
static int nav_active(const char *path, const char *href)
{
	size_t n = strlen(href);

	if (!path)
		return 0;
	if (strcmp(href, "/") == 0)
		return strcmp(path, "/") == 0;
	return strncmp(path, href, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static void csrf_field(req *r)
{
	RAW(r, "<input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(&r->out, r->csrf ? r->csrf : "");
	RAW(r, "\">\n");
}

/* Writes a translated sentence holding one "%d", with n in its place. The
 * translation is never used as a printf format: a translator's typo must not
 * become a format-string bug. */
void ui_txt_count(req *r, const char *s, int64_t n)
{
	const char *d = strstr(s, "%d");

	if (!d) {
		html_txt(&r->out, s);
		return;
	}
	html_txt_n(&r->out, s, (size_t)(d - s));
	html_int(&r->out, n);
	html_txt(&r->out, d + 2);
}

static void lang_switcher(req *r)
{
	buf *o = &r->out;
	const lang *cur = lang_of(r);

	/* With French alone there is nothing to switch to. */
	if (i18n_count() < 2)
		return;
	RAW(r, "<nav class=\"lang-nav\" aria-label=\"");
	html_attr(o, _(r, "Langue"));
	RAW(r, "\">\n<ul>\n");
	for (size_t i = 0; i < i18n_count(); i++) {
		const lang *l = i18n_lang(i);

		/* lang makes screen readers speak each name in its own
		 * language; dir isolates it from the page's direction. */
		RAW(r, "<li><a href=\"/lang/");
		html_url_arg(o, l->code);
		RAW(r, "?next=");
		html_url_arg(o, r->path ? r->path : "/");
		RAW(r, "\" lang=\"");
		html_attr(o, l->code);
		RAW(r, "\" hreflang=\"");
		html_attr(o, l->code);
		RAW(r, l->rtl ? "\" dir=\"rtl\"" : "\" dir=\"ltr\"");
		if (l == cur)
			RAW(r, " aria-current=\"true\"");
		RAW(r, ">");
		html_txt(o, l->name);
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ul>\n</nav>\n");
}

static void main_nav(req *r)
{
	buf *o = &r->out;
	const struct session *s = r->session;

	RAW(r, "<nav class=\"main-nav\" aria-label=\"");
	html_attr(o, _(r, "Menu principal"));
	RAW(r, "\">\n<ul>\n");
	for (size_t i = 0; i < COUNT(nav_items); i++) {
		const struct nav_item *it = &nav_items[i];

		if (it->roles && ((unsigned)s->role >= 32 || !(it->roles & (1u << s->role))))
			continue;
		RAW(r, "<li><a href=\"");
		html_attr(o, it->href);
		RAW(r, nav_active(r->path, it->href) ? "\" aria-current=\"page\">" : "\">");
		html_txt(o, _(r, it->label));
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ul>\n<form class=\"logout\" method=\"post\" action=\"/logout\">\n");
	csrf_field(r);
	RAW(r, "<span class=\"user-name\"><span class=\"sr-only\">");
	/* TRANSLATORS: read by screen readers before the user's name. */
	html_txt(o, _(r, "Compte :"));
	/* <bdi>: a Latin name on an Arabic page (or the reverse) keeps its
	 * own direction, and its punctuation stays where it was typed. */
	RAW(r, " </span><bdi>");
	html_txt(o, s->user.name);
	RAW(r, "</bdi></span>\n<button type=\"submit\" class=\"button-secondary\">");
	html_txt(o, _(r, "Se déconnecter"));
	RAW(r, "</button>\n</form>\n</nav>\n");
}

void ui_page_begin(req *r, const char *title)
{
	buf *o = &r->out;
	const lang *l = lang_of(r);

	RAW(r, "<!doctype html>\n<html lang=\"");
	html_attr(o, l->code);
	RAW(r, l->rtl ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	/* No maximum-scale or user-scalable: people must be able to zoom. */
	RAW(r, "<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_txt(o, title);
	RAW(r, " — Guichet</title>\n"
	       "<link rel=\"stylesheet\" href=\"/static/guichet.css\">\n");
	for (size_t i = 0; i < COUNT(page_styles); i++)
		if (nav_active(r->path, page_styles[i].prefix)) {
			RAW(r, "<link rel=\"stylesheet\" href=\"");
			html_attr(o, page_styles[i].href);
			RAW(r, "\">\n");
		}
	RAW(r, "<link rel=\"icon\" href=\"/static/logo.svg\" type=\"image/svg+xml\">\n"
	       "</head>\n<body>\n<a class=\"skip-link\" href=\"#contenu\">");
	html_txt(o, _(r, "Aller au contenu"));
	RAW(r, "</a>\n<header role=\"banner\" class=\"site-header\">\n<div class=\"header-inner\">\n");
	/* The public survey of a site (a kiosk at the desk) does not lead to the
	 * advisers' pages: its name is not a link there. */
	if (nav_active(r->path, "/avis"))
		RAW(r, "<span class=\"site-name\"><img src=\"/static/logo.svg\" alt=\"\" width=\"32\" "
		       "height=\"32\">Guichet</span>\n");
	else
		RAW(r, "<a class=\"site-name\" href=\"/\"><img src=\"/static/logo.svg\" alt=\"\" width=\"32\" "
		       "height=\"32\">Guichet</a>\n");
	lang_switcher(r);
	RAW(r, "</div>\n");
	if (r->session)
		main_nav(r);
	/* Offline sync (docs/sync.md): on a laptop attached to a centre, the
	 * status line of every staff page, read from the snapshot in memory
	 * (app_sync.c), never from the store. Nothing elsewhere. */
	if (r->session && r->app)
		app_sync_status_html(o, l, now_s(),
		                     r->session->role == ROLE_MANAGER || r->session->role == ROLE_ADMIN);
	RAW(r, "</header>\n<main id=\"contenu\" tabindex=\"-1\">\n<h1>");
	html_txt(o, title);
	RAW(r, "</h1>\n");
}

void ui_page_end(req *r)
{
	buf *o = &r->out;

	RAW(r, "</main>\n<footer role=\"contentinfo\" class=\"site-footer\">\n<ul>\n<li><a href=\"/about\">");
	html_txt(o, _(r, "À propos"));
	RAW(r, "</a></li>\n<li><a href=\"/about#accessibilite\">");
	/* TRANSLATORS: the legal accessibility status under the French RGAA
	   ("partially compliant"). */
	html_txt(o, _(r, "Accessibilité : partiellement conforme"));
	RAW(r, "</a></li>\n</ul>\n</footer>\n</body>\n</html>\n");
}

void ui_notice(req *r, const char *kind, const char *message)
{
	buf *o = &r->out;

	/* An error interrupts (alert); information and success wait for the
	 * screen reader to finish (status). */
	if (kind && strcmp(kind, "error") == 0) {
		RAW(r, "<div class=\"notice notice-error\" role=\"alert\">");
		RAW(r, icon_error);
		RAW(r, "<p><span class=\"sr-only\">");
		html_txt(o, _(r, "Erreur :"));
	} else if (kind && strcmp(kind, "success") == 0) {
		RAW(r, "<div class=\"notice notice-success\" role=\"status\">");
		RAW(r, icon_success);
		RAW(r, "<p><span class=\"sr-only\">");
		html_txt(o, _(r, "Succès :"));
	} else {
		RAW(r, "<div class=\"notice notice-info\" role=\"status\">");
		RAW(r, icon_info);
		RAW(r, "<p><span class=\"sr-only\">");
		html_txt(o, _(r, "Information :"));
	}
	RAW(r, " </span>");
	html_txt(o, message);
	RAW(r, "</p></div>\n");
}

void ui_error_summary(req *r, const ui_errors *e)
{
	buf *o = &r->out;

	if (!e || e->n == 0)
		return;
	/* autofocus brings keyboard and screen-reader users to the summary
	 * when the form comes back, without any script. */
	RAW(r, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus "
	       "aria-labelledby=\"error-summary-title\">\n<h2 id=\"error-summary-title\">");
	RAW(r, icon_error);
	/* Two msgids rather than a plural entry: every language can phrase the
	 * count so that it reads right for any number above one. */
	if (e->n == 1)
		html_txt(o, _(r, "Le formulaire contient 1 erreur"));
	else
		/* TRANSLATORS: %d is 2 or more. Where the noun changes with the
		   number (Arabic, Slavic languages), word it so that it reads right
		   for any count, e.g. "Errors in the form: %d". */
		ui_txt_count(r, _(r, "Le formulaire contient %d erreurs"), (int64_t)e->n);
	RAW(r, "</h2>\n<ul>\n");
	for (size_t i = 0; i < e->n && i < COUNT(e->v); i++) {
		const field_error *fe = &e->v[i];

		if (fe->field) {
			RAW(r, "<li><a href=\"#");
			html_attr(o, fe->field);
			RAW(r, "\">");
			html_txt(o, _(r, fe->msgid));
			RAW(r, "</a></li>\n");
		} else {
			RAW(r, "<li>");
			html_txt(o, _(r, fe->msgid));
			RAW(r, "</li>\n");
		}
	}
	RAW(r, "</ul>\n</div>\n");
}

void ui_form_begin(req *r, const char *action)
{
	/* novalidate: the server checks and answers with the accessible error
	 * summary; the browsers' own bubbles vanish and ignore zoom. */
	RAW(r, "<form method=\"post\" action=\"");
	html_attr(&r->out, action);
	RAW(r, "\" novalidate>\n");
	csrf_field(r);
}

void ui_form_end(req *r)
{
	RAW(r, "</form>\n");
}

/* ---- Fields ---------------------------------------------------------------
 * Each field is: label, hint (id NAME-hint), error (id NAME-error), control.
 * The hint and the error come before the control so that they are read
 * before typing, and again through aria-describedby when the control has
 * focus. */

static const char *error_of(const ui_errors *e, const char *name)
{
	return e && name ? field_error_for(e, name) : NULL;
}

static void field_open(req *r, const char *err)
{
	RAW(r, err ? "<div class=\"field field-error\">\n" : "<div class=\"field\">\n");
}

static void required_marker(req *r)
{
	RAW(r, " <span class=\"required\">");
	html_txt(&r->out, _(r, "(obligatoire)"));
	RAW(r, "</span>");
}

static void hint_and_error(req *r, const char *name, const char *hint, const char *err)
{
	buf *o = &r->out;

	if (hint && *hint) {
		RAW(r, "<p class=\"hint\" id=\"");
		html_attr(o, name);
		RAW(r, "-hint\">");
		html_txt(o, hint);
		RAW(r, "</p>\n");
	}
	if (err) {
		RAW(r, "<p class=\"error-message\" id=\"");
		html_attr(o, name);
		RAW(r, "-error\">");
		RAW(r, icon_error);
		RAW(r, "<span class=\"sr-only\">");
		html_txt(o, _(r, "Erreur :"));
		RAW(r, " </span>");
		html_txt(o, _(r, err));
		RAW(r, "</p>\n");
	}
}

/* aria-describedby naming the hint and the error that exist. */
static void described_by(req *r, const char *name, const char *hint, const char *err)
{
	buf *o = &r->out;
	int hinted = hint && *hint;

	if (!hinted && !err)
		return;
	RAW(r, " aria-describedby=\"");
	if (hinted) {
		html_attr(o, name);
		RAW(r, "-hint");
	}
	if (err) {
		RAW(r, hinted ? " " : "");
		html_attr(o, name);
		RAW(r, "-error");
	}
	RAW(r, "\"");
}

/* Label, hint, error, then the control's opening tag up to its attributes:
 * <TAG id name [required] [autocomplete] [aria-describedby] [aria-invalid]. */
static void field_start(req *r, const ui_field *f, const ui_errors *e, const char *tag)
{
	buf *o = &r->out;
	const char *err = error_of(e, f->name);

	field_open(r, err);
	RAW(r, "<label for=\"");
	html_attr(o, f->name);
	RAW(r, "\">");
	html_txt(o, f->label);
	if (f->required)
		required_marker(r);
	RAW(r, "</label>\n");
	hint_and_error(r, f->name, f->hint, err);
	RAW(r, "<");
	RAW(r, tag);
	RAW(r, " id=\"");
	html_attr(o, f->name);
	RAW(r, "\" name=\"");
	html_attr(o, f->name);
	RAW(r, "\"");
	if (f->required)
		RAW(r, " required");
	if (f->autocomplete && *f->autocomplete) {
		RAW(r, " autocomplete=\"");
		html_attr(o, f->autocomplete);
		RAW(r, "\"");
	}
	described_by(r, f->name, f->hint, err);
	if (err)
		RAW(r, " aria-invalid=\"true\"");
}

void ui_input(req *r, const ui_field *f, const ui_errors *e)
{
	const char *type = f->type && *f->type ? f->type : "text";
	int is_password = strcmp(type, "password") == 0;

	field_start(r, f, e, "input");
	RAW(r, " type=\"");
	html_attr(&r->out, type);
	RAW(r, "\"");
	/* Addresses and numbers read left to right even on an Arabic page;
	 * free text takes the direction of what is typed. */
	if (is_password || strcmp(type, "email") == 0 || strcmp(type, "tel") == 0 || strcmp(type, "url") == 0)
		RAW(r, " dir=\"ltr\" spellcheck=\"false\"");
	else if (strcmp(type, "text") == 0 || strcmp(type, "search") == 0)
		RAW(r, " dir=\"auto\"");
	/* A password is never sent back to the browser. */
	if (f->value && !is_password) {
		RAW(r, " value=\"");
		html_attr(&r->out, f->value);
		RAW(r, "\"");
	}
	RAW(r, ">\n</div>\n");
}

void ui_textarea(req *r, const ui_field *f, const ui_errors *e)
{
	field_start(r, f, e, "textarea");
	RAW(r, " rows=\"5\" dir=\"auto\">");
	/* The parser drops one newline right after <textarea>: write one more
	 * so that a value starting with a blank line keeps it. */
	if (f->value && f->value[0] == '\n')
		RAW(r, "\n");
	html_txt(&r->out, f->value);
	RAW(r, "</textarea>\n</div>\n");
}

void ui_select(req *r, const ui_field *f, const ui_option *opts, size_t n, const ui_errors *e)
{
	buf *o = &r->out;

	field_start(r, f, e, "select");
	RAW(r, ">\n");
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<option value=\"");
		html_attr(o, opts[i].value);
		RAW(r, "\"");
		if (f->value && opts[i].value && strcmp(f->value, opts[i].value) == 0)
			RAW(r, " selected");
		RAW(r, ">");
		html_txt(o, opts[i].label);
		RAW(r, "</option>\n");
	}
	RAW(r, "</select>\n</div>\n");
}

static int is_selected(const char *v, const char *const *selected, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (selected[i] && strcmp(selected[i], v) == 0)
			return 1;
	return 0;
}

/* The box ids: the first is the group's name, so that the error summary's
 * link "#NAME" lands on a box that can take the focus. */
static void choice_id(req *r, const char *name, size_t i)
{
	html_attr(&r->out, name);
	if (i > 0) {
		buf_putc(&r->out, '-');
		html_int(&r->out, (int64_t)i + 1);
	}
}

/* A <fieldset> of radios or checkboxes (type), written once for both so
 * that they keep the same ids, error line and ARIA. */
static void choice_group(req *r, const char *type, const char *name, const char *legend,
                         const ui_option *opts, size_t n, const char *const *selected, size_t nselected,
                         const ui_errors *e)
{
	buf *o = &r->out;
	const char *err = error_of(e, name);

	field_open(r, err);
	/* The group's class: "checkboxes", "radios". */
	RAW(r, strcmp(type, "radio") == 0 ? "<fieldset class=\"radios\"" : "<fieldset class=\"checkboxes\"");
	described_by(r, name, NULL, err);
	RAW(r, ">\n<legend>");
	html_txt(o, legend);
	RAW(r, "</legend>\n");
	hint_and_error(r, name, NULL, err);
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<div class=\"");
		RAW(r, type);
		RAW(r, "\"><input type=\"");
		RAW(r, type);
		RAW(r, "\" id=\"");
		choice_id(r, name, i);
		RAW(r, "\" name=\"");
		html_attr(o, name);
		RAW(r, "\" value=\"");
		html_attr(o, opts[i].value);
		RAW(r, "\"");
		if (is_selected(opts[i].value, selected, nselected))
			RAW(r, " checked");
		if (err)
			RAW(r, " aria-invalid=\"true\"");
		RAW(r, "><label for=\"");
		choice_id(r, name, i);
		RAW(r, "\">");
		html_txt(o, opts[i].label);
		RAW(r, "</label></div>\n");
	}
	RAW(r, "</fieldset>\n</div>\n");
}

void ui_checkboxes(req *r, const char *name, const char *legend, const ui_option *opts, size_t n,
                   const char *const *selected, size_t nselected, const ui_errors *e)
{
	choice_group(r, "checkbox", name, legend, opts, n, selected, nselected, e);
}

void ui_radios(req *r, const char *name, const char *legend, const ui_option *opts, size_t n,
               const char *value, const ui_errors *e)
{
	choice_group(r, "radio", name, legend, opts, n, &value, value ? 1 : 0, e);
}

void ui_checkbox(req *r, const char *name, const char *label, int checked)
{
	buf *o = &r->out;

	RAW(r, "<div class=\"checkbox\"><input type=\"checkbox\" id=\"");
	html_attr(o, name);
	RAW(r, "\" name=\"");
	html_attr(o, name);
	RAW(r, checked ? "\" value=\"1\" checked><label for=\"" : "\" value=\"1\"><label for=\"");
	html_attr(o, name);
	RAW(r, "\">");
	html_txt(o, label);
	RAW(r, "</label></div>\n");
}

void ui_field_error(req *r, const char *name, const char *msgid)
{
	hint_and_error(r, name, NULL, msgid);
}

static int in_groups(const ui_opt_group *g, size_t ng, const char *value)
{
	for (size_t i = 0; i < ng; i++)
		for (size_t k = 0; k < g[i].n; k++)
			if (str_eq(g[i].opts[k].value, value))
				return 1;
	return 0;
}

/* french: the label is French data (lang="fr" on a page of another language). */
static void option(req *r, const char *value, const char *label, int selected, int french)
{
	RAW(r, "<option value=\"");
	html_attr(&r->out, value);
	RAW(r, "\"");
	if (selected)
		RAW(r, " selected");
	if (french)
		ui_attr_lang_fr(r);
	RAW(r, ">");
	html_txt(&r->out, label);
	RAW(r, "</option>\n");
}

static void select_groups(req *r, const char *name, const char *label, const char *none, const char *value,
                          const ui_opt_group *g, size_t ng, const ui_errors *e, int autofocus, int french)
{
	buf *o = &r->out;
	const char *err = error_of(e, name);

	RAW(r, err ? "<div class=\"field field-error\"><label for=\"" : "<div class=\"field\"><label for=\"");
	html_attr(o, name);
	RAW(r, "\">");
	html_txt(o, label);
	RAW(r, "</label>\n");
	hint_and_error(r, name, NULL, err);
	RAW(r, "<select id=\"");
	html_attr(o, name);
	RAW(r, "\" name=\"");
	html_attr(o, name);
	RAW(r, "\"");
	if (autofocus)
		RAW(r, " autofocus");
	if (err) {
		RAW(r, " aria-invalid=\"true\"");
		described_by(r, name, NULL, err);
	}
	RAW(r, ">\n");
	option(r, "", none, !value || !*value, 0);
	if (value && *value && !in_groups(g, ng, value))
		option(r, value, value, 1, french);
	int chosen = 0;
	for (size_t i = 0; i < ng; i++) {
		if (g[i].n == 0)
			continue;
		if (g[i].label) {
			RAW(r, "<optgroup label=\"");
			html_attr(o, g[i].label);
			RAW(r, "\">\n");
		}
		for (size_t k = 0; k < g[i].n; k++) {
			int sel = !chosen && value && *value && str_eq(g[i].opts[k].value, value);
			chosen |= sel;
			option(r, g[i].opts[k].value, g[i].opts[k].label, sel, french);
		}
		if (g[i].label)
			RAW(r, "</optgroup>\n");
	}
	RAW(r, "</select>\n</div>\n");
}

void ui_select_groups(req *r, const char *name, const char *label, const char *none, const char *value,
                      const ui_opt_group *g, size_t ng, const ui_errors *e, int autofocus)
{
	select_groups(r, name, label, none, value, g, ng, e, autofocus, 0);
}

void ui_select_groups_fr(req *r, const char *name, const char *label, const char *none, const char *value,
                         const ui_opt_group *g, size_t ng, const ui_errors *e)
{
	select_groups(r, name, label, none, value, g, ng, e, 0, 1);
}

void ui_section_begin(req *r, const char *id, const char *title)
{
	RAW(r, "<fieldset class=\"section\"");
	if (id) {
		RAW(r, " id=\"");
		html_attr(&r->out, id);
		RAW(r, "\"");
	}
	RAW(r, "><legend><h2>");
	html_txt(&r->out, title);
	RAW(r, "</h2></legend>\n");
}

void ui_details_begin(req *r, const char *summary, int open)
{
	RAW(r, open ? "<details class=\"more\" open><summary>" : "<details class=\"more\"><summary>");
	html_txt(&r->out, summary);
	RAW(r, "</summary>\n");
}

void ui_dl_item(req *r, const char *term, const char *value)
{
	RAW(r, "<dt>");
	html_txt(&r->out, term);
	RAW(r, "</dt><dd>");
	html_txt(&r->out, value && *value ? value : _(r, "Non renseigné"));
	RAW(r, "</dd>\n");
}

int ui_page_is_fr(const req *r)
{
	return strcmp(lang_of(r)->code, "fr") == 0;
}

void ui_attr_lang_fr(req *r)
{
	if (!ui_page_is_fr(r))
		RAW(r, " lang=\"fr\"");
}

void ui_txt_fr(req *r, const char *text)
{
	if (ui_page_is_fr(r) || !text || !*text) {
		html_txt(&r->out, text ? text : "");
		return;
	}
	RAW(r, "<span lang=\"fr\">");
	html_txt(&r->out, text);
	RAW(r, "</span>");
}

void ui_txt_msg(req *r, const char *msgid)
{
	const char *t = i18n_text(r->lang, msgid);
	/* i18n_text gives back the msgid itself when it has no translation. */
	if (t == msgid)
		ui_txt_fr(r, msgid);
	else
		html_txt(&r->out, t);
}

void ui_dl_item_fr(req *r, const char *term, const char *value)
{
	if (!value || !*value) {
		ui_dl_item(r, term, value);
		return;
	}
	RAW(r, "<dt>");
	html_txt(&r->out, term);
	RAW(r, "</dt><dd");
	ui_attr_lang_fr(r);
	RAW(r, ">");
	html_txt(&r->out, value);
	RAW(r, "</dd>\n");
}

void ui_submit(req *r, const char *label)
{
	RAW(r, "<button type=\"submit\" class=\"button\">");
	html_txt(&r->out, label);
	RAW(r, "</button>\n");
}

/* ---- Error pages --------------------------------------------------------- */

void ui_error_page(req *r, int status, const char *message)
{
	const char *title, *fallback;

	switch (status) {
	case 400:
		title = _(r, "Requête invalide");
		fallback = N_("La requête n'a pas pu être comprise.");
		break;
	case 401:
	case 403:
		title = _(r, "Accès refusé");
		fallback = N_("Vous n'avez pas accès à cette page.");
		break;
	case 404:
		title = _(r, "Page introuvable");
		fallback = N_("La page demandée n'existe pas.");
		break;
	case 413:
		title = _(r, "Requête trop volumineuse");
		fallback = N_("Les données envoyées sont trop volumineuses.");
		break;
	case 429:
		title = _(r, "Trop de tentatives");
		fallback = N_("Trop de tentatives. Attendez quelques minutes avant de réessayer.");
		break;
	default:
		if (status >= 400 && status < 500) {
			title = _(r, "Requête invalide");
			fallback = N_("La requête n'a pas pu être comprise.");
		} else {
			if (status < 500 || status > 599)
				status = 500;
			title = _(r, "Erreur du serveur");
			fallback =
			    N_("Une erreur est survenue de notre côté. Réessayez dans quelques instants.");
		}
	}
	/* The error replaces whatever the page had begun to write. */
	buf_reset(&r->out);
	r->status = status;
	ui_page_begin(r, title);
	RAW(r, "<p>");
	html_txt(&r->out, _(r, message && *message ? message : fallback));
	RAW(r, "</p>\n<p><a href=\"/\">");
	html_txt(&r->out, _(r, "Retour à l'accueil"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
}

void ui_table_begin(req *r, const char *css_class, const char *caption)
{
	buf *o = &r->out;
	/* The caption names the region; its id, the length of the page so
	 * far, is unique within the page. */
	size_t id = o->len;
	html_rawf_trusted(o, "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"tw-%zu\"><table",
	                  id);
	if (css_class) {
		html_raw_trusted(o, " class=\"");
		html_attr(o, css_class);
		html_raw_trusted(o, "\"");
	}
	html_rawf_trusted(o, "><caption id=\"tw-%zu\">", id);
	html_txt(o, caption);
	html_raw_trusted(o, "</caption><thead><tr>");
}

void ui_th(req *r, const char *heading)
{
	html_raw_trusted(&r->out, "<th scope=\"col\">");
	html_txt(&r->out, heading);
	html_raw_trusted(&r->out, "</th>");
}

void ui_table_body(req *r)
{
	html_raw_trusted(&r->out, "</tr></thead><tbody>\n");
}

void ui_table_end(req *r)
{
	html_raw_trusted(&r->out, "</tbody></table></div>\n");
}
