/*
 * public.c: the language, the frame, the language chooser and the
 * pictograms of the public pages (public.h).
 *
 * The public pages speak the 20 public languages of i18n.c (every po/ file),
 * where the staff pages offer only the complete ones. Each language is
 * named in itself, marked with its own lang and dir so that screen readers
 * speak it in its language and a right-to-left name keeps its order on a
 * left-to-right page. No flags: a flag is a country, not a language.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "store/store_phrases.h"
#include "util/embedded.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/phrases.h"
#include "web/public.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* The longest OpenMoji file name Guichet accepts: "1F9D1-200D-1F91D-200D-1F9D1". */
#define PICTO_CODE_BYTES 48

const lang *web_public_lang(req *r, const char *code)
{
	const lang *l = i18n_find_public(code);

	if (!l)
		l = i18n_negotiate_public(http_header(r, "Accept-Language"));
	r->lang = l ? l : i18n_default();
	return r->lang;
}

int web_public_site_fixes(req *r, int64_t site_id)
{
	store_phrase_fix *v = NULL;
	size_t n = 0;
	r->fixes = NULL;
	if (site_id <= 0 || !r->app || !r->app->store)
		return 0;
	if (store_phrase_fix_list(r->app->store, r->arena, site_id, NULL, &v, &n) != STORE_OK) {
		/* The page still speaks: with the catalogs' wording. */
		fprintf(stderr, "level=warn msg=\"phrase corrections unavailable\" site=%lld\n",
		        (long long)site_id);
		return 0;
	}
	i18n_fixes *f = arena_alloc(r->arena, sizeof(*f));
	i18n_fix *fv = n ? arena_alloc(r->arena, n * sizeof(*fv)) : NULL;
	if (!f || (n && !fv))
		return 0;
	f->v = fv;
	f->n = 0;
	for (size_t i = 0; i < n; i++) {
		/* Only a correction of a phrase that still exists, written for
		 * its present French text. */
		const char *msgid = phrase_by_id(v[i].phrase_id);
		if (!msgid || strcmp(msgid, v[i].msgid) != 0)
			continue;
		fv[f->n++] = (i18n_fix){.lang = v[i].lang, .msgid = msgid, .text = v[i].text};
	}
	i18n_fixes_sort(f);
	r->fixes = f;
	return (int)f->n;
}

const lang *web_public_lang_named(const char *code)
{
	const lang *l = code ? i18n_find_public(code) : NULL;
	return l ? l : i18n_default();
}

void web_public_lang_select(req *r, const char *name, const char *label, const lang *current)
{
	buf *o = &r->out;
	RAW(r, "<label for=\"");
	html_attr(o, name);
	RAW(r, "\">");
	html_txt(o, label);
	RAW(r, "</label>\n<select id=\"");
	html_attr(o, name);
	RAW(r, "\" name=\"");
	html_attr(o, name);
	RAW(r, "\">\n");
	for (size_t i = 0; i < i18n_public_count(); i++) {
		const lang *x = i18n_public_lang(i);
		RAW(r, "<option value=\"");
		html_attr(o, x->code);
		RAW(r, x == current ? "\" selected lang=\"" : "\" lang=\"");
		html_attr(o, x->code);
		RAW(r, "\">");
		html_txt(o, x->name);
		html_rawf_trusted(o, " (%s)", x->code);
		RAW(r, "</option>\n");
	}
	RAW(r, "</select>\n");
}

static void link_style(req *r, const char *href)
{
	RAW(r, "<link rel=\"stylesheet\" href=\"");
	html_attr(&r->out, href);
	RAW(r, "\">\n");
}

void web_public_styles(req *r)
{
	link_style(r, WEB_PUBLIC_FONTS_CSS);
	link_style(r, WEB_PUBLIC_CSS);
}

void web_public_begin(req *r, const web_public_page *p)
{
	buf *o = &r->out;
	const lang *l = r->lang ? r->lang : i18n_default();
	const char *title = p && p->title ? p->title : "";

	RAW(r, "<!doctype html>\n<html lang=\"");
	html_attr(o, l->code);
	RAW(r, l->rtl ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	/* No maximum-scale or user-scalable: people must be able to zoom. */
	RAW(r, "<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"robots\" content=\"noindex\">\n<title>");
	html_txt(o, title);
	RAW(r, " — Guichet</title>\n");
	link_style(r, "/static/guichet.css");
	web_public_styles(r);
	for (size_t i = 0; p && p->styles && p->styles[i]; i++)
		link_style(r, p->styles[i]);
	RAW(r, "<link rel=\"icon\" href=\"/static/logo.svg\" type=\"image/svg+xml\">\n");
	for (size_t i = 0; p && p->scripts && p->scripts[i]; i++) {
		RAW(r, "<script src=\"");
		html_attr(o, p->scripts[i]);
		RAW(r, "\" defer></script>\n");
	}
	RAW(r, "</head>\n<body");
	if (p && p->body_class && *p->body_class) {
		RAW(r, " class=\"");
		html_attr(o, p->body_class);
		RAW(r, "\"");
	}
	RAW(r, ">\n<a class=\"skip-link\" href=\"#contenu\">");
	html_txt(o, P_(r, "Aller au contenu"));
	RAW(r, "</a>\n<main id=\"contenu\" tabindex=\"-1\">\n");
	if (!p || !p->no_h1) {
		RAW(r, "<h1>");
		html_txt(o, title);
		RAW(r, "</h1>\n");
	}
}

void web_public_end(req *r)
{
	RAW(r, "</main>\n</body>\n</html>\n");
}

/* The address of one choice: url_pattern with each "{lang}" replaced by
 * the code, escaped for an attribute. */
static void choice_href(req *r, const char *pattern, const char *code)
{
	static const char mark[] = "{lang}";
	const char *p = pattern;

	for (const char *m; (m = strstr(p, mark)); p = m + sizeof(mark) - 1) {
		/* html_txt_n escapes quotes too: html_attr's escaping. */
		html_txt_n(&r->out, p, (size_t)(m - p));
		html_url_arg(&r->out, code);
	}
	html_attr(&r->out, p);
}

void web_public_lang_choice(req *r, const char *url_pattern, const char *label)
{
	buf *o = &r->out;

	RAW(r, "<nav class=\"lang-choice\" aria-label=\"");
	html_attr(o, label ? label : P_(r, "Choisissez votre langue"));
	RAW(r, "\">\n<ul>\n");
	for (size_t i = 0; i < i18n_public_count(); i++) {
		const lang *l = i18n_public_lang(i);

		RAW(r, "<li><a href=\"");
		choice_href(r, url_pattern ? url_pattern : "", l->code);
		RAW(r, "\" lang=\"");
		html_attr(o, l->code);
		RAW(r, "\" hreflang=\"");
		html_attr(o, l->code);
		RAW(r, l->rtl ? "\" dir=\"rtl\"" : "\" dir=\"ltr\"");
		if (l == r->lang)
			RAW(r, " aria-current=\"true\"");
		RAW(r, ">");
		html_txt(o, l->name);
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ul>\n</nav>\n");
}

void web_public_lang_names(req *r)
{
	RAW(r, "<ul class=\"lang-names\">\n");
	for (size_t i = 0; i < i18n_public_count(); i++) {
		const lang *l = i18n_public_lang(i);

		RAW(r, "<li lang=\"");
		html_attr(&r->out, l->code);
		RAW(r, l->rtl ? "\" dir=\"rtl\">" : "\" dir=\"ltr\">");
		html_txt(&r->out, l->name);
		RAW(r, "</li>\n");
	}
	RAW(r, "</ul>\n");
}

/* Upper-case hex code points joined by dashes, as OpenMoji names its files. */
static int picto_code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;

	if (n == 0 || n >= PICTO_CODE_BYTES || code[0] == '-' || code[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= '0' && code[i] <= '9') || (code[i] >= 'A' && code[i] <= 'F') ||
		      (code[i] == '-' && code[i + 1] != '-')))
			return 0;
	return 1;
}

int web_picto_known(const char *code)
{
	char path[sizeof("static/picto/.svg") + PICTO_CODE_BYTES];

	if (!picto_code_ok(code))
		return 0;
	memcpy(path, "static/picto/", sizeof("static/picto/") - 1);
	strcpy(path + sizeof("static/picto/") - 1, code);
	strcat(path, ".svg");
	return embedded_find(path) != NULL;
}

void web_picto(req *r, const char *code, int size, const char *css_class)
{
	if (!web_picto_known(code))
		return;
	RAW(r, "<img");
	if (css_class && *css_class) {
		RAW(r, " class=\"");
		html_attr(&r->out, css_class);
		RAW(r, "\"");
	}
	RAW(r, " src=\"/static/picto/");
	html_attr(&r->out, code);
	html_rawf_trusted(&r->out, ".svg\" alt=\"\" width=\"%d\" height=\"%d\">", size > 0 ? size : 48,
	                  size > 0 ? size : 48);
}
