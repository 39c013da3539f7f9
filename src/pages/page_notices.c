/*
 * page_notices.c: the notices of a site (avis au public, docs/notices.md).
 *
 * Staff pages under /sites/ID/notices: the list (current, coming, past),
 * and the form to publish, change or delete a notice, for those
 * access_notices allows (domain/access.h): a manager of the site, a
 * coordinator of its département or an administrator publish; an adviser of
 * the site reads; anyone else gets the 404 of a missing site.
 *
 * Public, without login: /sites/ID/avis-publics, the current notices in the
 * visitor's language, and /sites/ID/notices.atom, the same as an Atom 1.0
 * feed. Notices are public information, meant to be read by anyone: these
 * addresses need no key. page_notices_current writes the same list as a
 * section for the public screen and the phone page.
 *
 * Every change publishes a "notices" event (app/events.h) so that the
 * screens of the site reload their notices.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/events.h"
#include "domain/access.h"
#include "domain/notice.h"
#include "store/store_notices.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "web/public.h"
#include "web/ui.h"
#include "pages/pages.h"
#include "pages/page_static.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* ---- Dates in words, in the page's language. */

static const char *const months[12] = {
    NP_("janvier"), NP_("février"), NP_("mars"),      NP_("avril"),   NP_("mai"),      NP_("juin"),
    NP_("juillet"), NP_("août"),    NP_("septembre"), NP_("octobre"), NP_("novembre"), NP_("décembre"),
};

/* The translated template t with each "{name}" replaced by the value of
 * that name, as plain text from the arena (the caller escapes it). The
 * template is never a printf format: a translator's typo cannot become a
 * bug; an unknown "{…}" stays as it is. */
static const char *fill(req *r, const char *t, const char *const *names, const char *const *values, size_t n)
{
	buf b;
	buf_init(&b, 1024);
	while (*t) {
		const char *open = strchr(t, '{'), *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			buf_puts(&b, t);
			break;
		}
		buf_append(&b, t, (size_t)(open - t));
		size_t len = (size_t)(close - open - 1), k = n;
		for (size_t i = 0; i < n; i++)
			if (len == strlen(names[i]) && strncmp(open + 1, names[i], len) == 0)
				k = i;
		if (k == n) {
			buf_append(&b, open, 1);
			t = open + 1;
			continue;
		}
		buf_puts(&b, values[k]);
		t = close + 1;
	}
	const char *s = b.overflow || !b.data ? NULL : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return s ? s : "";
}

/* "5 janvier 2026 à 09:00" in the page's language, as plain text. */
static const char *date_words(req *r, int64_t t)
{
	char date[11], hm[6];
	time_local_date(t, date);
	time_local_hm(t, hm);
	int month = (date[5] - '0') * 10 + (date[6] - '0');
	char day[3] = {date[8] == '0' ? date[9] : date[8], date[8] == '0' ? '\0' : date[9], '\0'};
	char year[5];
	memcpy(year, date, 4);
	year[4] = '\0';
	static const char *const names[] = {"jour", "mois", "annee", "heure"};
	const char *values[] = {day, P_(r, months[(month >= 1 && month <= 12) ? month - 1 : 0]), year, hm};
	/* TRANSLATORS: a date and time; keep the names in braces as they are,
	   in the order your language writes them. {mois} is the month's name
	   (translated apart), {heure} is 24-hour "HH:MM". */
	return fill(r, P_(r, "{jour} {mois} {annee} à {heure}"), names, values, COUNT(names));
}

/* "Du … au …", escaped into o. */
static void period_words(req *r, buf *o, int64_t from, int64_t to)
{
	static const char *const names[] = {"debut", "fin"};
	const char *values[] = {date_words(r, from), date_words(r, to)};
	/* TRANSLATORS: the period a notice is shown; keep {debut} and {fin}. */
	html_txt(o, fill(r, P_(r, "Du {debut} au {fin}"), names, values, COUNT(names)));
}

/* ---- The public list of current notices. */

/* The language of the public pages: ?lang=, else the browser's, among the
 * public languages. */
static void public_language(req *r)
{
	web_public_lang(r, http_query(r, "lang"));
}

/* Writes text, each line break as <br>. */
static void text_lines(buf *o, const char *s)
{
	for (;;) {
		const char *nl = strchr(s, '\n');
		if (!nl) {
			html_txt(o, s);
			return;
		}
		size_t n = (size_t)(nl - s);
		if (n && s[n - 1] == '\r')
			n--;
		html_txt_n(o, s, n);
		html_raw_trusted(o, "<br>");
		s = nl + 1;
	}
}

/* One notice: its pictogram (decorative: the kind and title say it), its
 * kind, title, text and dates. Without a translation into the page's
 * language the French is shown, marked lang="fr" so that screen readers
 * read it with a French voice. */
static void notice_item(req *r, const store_notice *n, int level)
{
	buf *o = &r->out;
	const store_notice_text *t = notice_text_for(n, r->lang->code);
	const char *title = t ? t->title : n->title, *body = t ? t->body : n->body;
	int french = !t && strcmp(r->lang->code, "fr") != 0;
	int kind = notice_kind_parse(n->kind);

	html_rawf_trusted(o, "<li class=\"notice-item notice-%s\">", kind >= 0 ? n->kind : "information");
	if (*n->picto)
		web_picto(r, n->picto, 48, "notice-picto");
	RAW(r, "<p class=\"notice-kind\">");
	html_txt(o, P_(r, notice_kind_label(kind >= 0 ? (notice_kind)kind : NOTICE_INFORMATION)));
	html_rawf_trusted(o, "</p>\n<h%d class=\"notice-title\"", level);
	if (french)
		RAW(r, " lang=\"fr\" dir=\"ltr\"");
	RAW(r, ">");
	html_txt(o, title);
	html_rawf_trusted(o, "</h%d>\n", level);
	if (*body) {
		RAW(r, french ? "<p class=\"notice-body\" lang=\"fr\" dir=\"ltr\">"
		              : "<p class=\"notice-body\">");
		text_lines(o, body);
		RAW(r, "</p>\n");
	}
	RAW(r, "<p class=\"notice-dates\">");
	period_words(r, o, n->starts_at, n->ends_at);
	RAW(r, "</p></li>\n");
}

/* The current notices of a site, sorted for the public, from the arena. */
static int current_notices(req *r, int64_t site_id, int64_t now, store_notice **v, size_t *n)
{
	if (store_notice_list(r->app->store, r->arena, site_id, now, STORE_NOTICES_CURRENT, v, n) != STORE_OK)
		return -1;
	notice_sort(*v, *n);
	return 0;
}

static void notices_list(req *r, const store_notice *v, size_t n, int level)
{
	RAW(r, "<ul class=\"notices-list\" role=\"list\">\n");
	for (size_t i = 0; i < n; i++)
		notice_item(r, &v[i], level);
	RAW(r, "</ul>\n");
}

int page_notices_current(req *r, int64_t site_id, int64_t now, int heading_level)
{
	if (heading_level < 2 || heading_level > 5)
		heading_level = 2;
	store_notice *v = NULL;
	size_t n = 0;
	if (current_notices(r, site_id, now, &v, &n) != 0)
		return -1;
	if (n == 0)
		return 0;
	buf *o = &r->out;
	RAW(r, "<section class=\"notices\" aria-labelledby=\"notices-title\">\n");
	html_rawf_trusted(o, "<h%d id=\"notices-title\">", heading_level);
	html_txt(o, P_(r, "Informations du lieu"));
	html_rawf_trusted(o, "</h%d>\n", heading_level);
	notices_list(r, v, n, heading_level + 1);
	RAW(r, "</section>\n");
	return (int)n;
}

/* The site of the path for a public page; 404 when there is none. */
static int public_site(req *r, store_site *site)
{
	int64_t id;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0) {
		page_not_found(r);
		return -1;
	}
	int rc = store_site_get(r->app->store, r->arena, id, site);
	if (rc == STORE_NOT_FOUND) {
		page_not_found(r);
		return -1;
	}
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return -1;
	}
	web_public_site_fixes(r, site->id);
	return 0;
}

int page_notices_public(req *r)
{
	public_language(r);
	store_site site;
	if (public_site(r, &site) != 0)
		return 0;
	store_notice *v = NULL;
	size_t n = 0;
	if (current_notices(r, site.id, now_s(), &v, &n) != 0) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	buf *o = &r->out;
	http_set_header(r, "Cache-Control", "no-cache");
	http_set_header(r, "Vary", "Accept-Language");
	static const char *const styles[] = {"/static/notices.css", NULL};
	web_public_page page = {
	    .title = P_(r, "Informations du lieu"), .styles = styles, .body_class = "notices-page"};
	web_public_begin(r, &page);
	RAW(r, "<p class=\"notices-site\">");
	html_txt(o, P_(r, "Lieu :"));
	RAW(r, " <bdi>");
	html_txt(o, site.name);
	RAW(r, "</bdi></p>\n");
	const char *choice =
	    arena_printf(r->arena, "/sites/%lld/avis-publics?lang={lang}", (long long)site.id);
	web_public_lang_choice(r, choice ? choice : "", NULL);
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(o, P_(r, "Aucune information en ce moment."));
		RAW(r, "</p>\n");
	} else {
		notices_list(r, v, n, 2);
	}
	html_rawf_trusted(o, "<p><a href=\"/sites/%lld/notices.atom?lang=", (long long)site.id);
	html_url_arg(o, r->lang->code);
	RAW(r, "\" type=\"application/atom+xml\">");
	html_txt(o, P_(r, "Suivre ces informations (fil Atom)"));
	RAW(r, "</a></p>\n");
	web_public_end(r);
	return 0;
}

/* ---- The Atom feed. */

/* An RFC 7231 date, for Last-Modified. */
static void http_date(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || strftime(out, 32, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
		out[0] = '\0';
}

/* The authority of the feed's tag: URIs: the host of public-url, else
 * "guichet.invalid" (a name that can belong to no one else). */
static const char *tag_authority(req *r)
{
	const config *cfg = r->app->cfg;
	const char *u = cfg && cfg->public_url ? cfg->public_url : "";
	const char *h = strstr(u, "://");
	if (!h || !h[3])
		return "guichet.invalid";
	h += 3;
	size_t len = strcspn(h, ":/?#");
	const char *s = len ? arena_strndup(r->arena, h, len) : NULL;
	return s ? s : "guichet.invalid";
}

static const char *base_url(req *r)
{
	const config *cfg = r->app->cfg;
	return cfg && cfg->public_url ? cfg->public_url : "";
}

int page_notices_atom(req *r)
{
	public_language(r);
	store_site site;
	if (public_site(r, &site) != 0)
		return 0;
	int64_t now = now_s(), changed = 0;
	store_notice *v = NULL;
	size_t n = 0;
	if (current_notices(r, site.id, now, &v, &n) != 0 ||
	    store_notice_changed_at(r->app->store, site.id, now, &changed) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	if (changed == 0)
		changed = site.created_at;
	const char *auth = tag_authority(r), *base = base_url(r);
	char iso[21], day[11];
	buf *o = &r->out;
	time_iso(changed, iso);
	time_local_date(site.created_at, day);
	RAW(r, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
	       "xml:lang=\"");
	html_attr(o, r->lang->code);
	RAW(r, "\">\n<id>tag:");
	html_txt(o, auth);
	html_rawf_trusted(o, ",%s:guichet/sites/%lld/notices</id>\n<title>", day, (long long)site.id);
	html_txt(o, P_(r, "Informations du lieu"));
	RAW(r, " — ");
	html_txt(o, site.name);
	html_rawf_trusted(o, "</title>\n<updated>%s</updated>\n<author><name>", iso);
	html_txt(o, site.name);
	RAW(r, "</name></author>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	html_attr(o, base);
	html_rawf_trusted(o, "/sites/%lld/notices.atom?lang=", (long long)site.id);
	html_url_arg(o, r->lang->code);
	RAW(r, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
	html_attr(o, base);
	html_rawf_trusted(o, "/sites/%lld/avis-publics?lang=", (long long)site.id);
	html_url_arg(o, r->lang->code);
	RAW(r, "\"/>\n");
	for (size_t i = 0; i < n; i++) {
		const store_notice *e = &v[i];
		const store_notice_text *t = notice_text_for(e, r->lang->code);
		const char *lc = t ? r->lang->code : "fr";
		int64_t updated = e->updated_at > e->starts_at ? e->updated_at : e->starts_at;
		char up[21], pub[21], made[11];
		time_iso(updated, up);
		time_iso(e->starts_at, pub);
		time_local_date(e->created_at, made);
		RAW(r, "<entry xml:lang=\"");
		html_attr(o, lc);
		RAW(r, "\">\n<id>tag:");
		html_txt(o, auth);
		html_rawf_trusted(o, ",%s:guichet/notices/%lld</id>\n<title type=\"text\">", made,
		                  (long long)e->id);
		html_txt(o, t ? t->title : e->title);
		html_rawf_trusted(o, "</title>\n<updated>%s</updated>\n<published>%s</published>\n", up, pub);
		RAW(r, "<category term=\"");
		html_attr(o, e->kind);
		RAW(r, "\"/>\n<content type=\"text\">");
		/* The text, then the period in words, as one plain text. */
		const char *body = t ? t->body : e->body;
		html_txt(o, body);
		if (*body)
			RAW(r, "\n\n");
		period_words(r, o, e->starts_at, e->ends_at);
		RAW(r, "</content>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
		html_attr(o, base);
		html_rawf_trusted(o, "/sites/%lld/avis-publics?lang=", (long long)site.id);
		html_url_arg(o, r->lang->code);
		RAW(r, "\"/>\n</entry>\n");
	}
	RAW(r, "</feed>\n");

	char etag[PAGE_STATIC_ETAG_BYTES], date[32];
	page_static_etag((const unsigned char *)o->data, o->len, etag);
	http_date(changed, date);
	http_content_type(r, "application/atom+xml; charset=utf-8");
	http_set_header(r, "ETag", etag);
	if (*date)
		http_set_header(r, "Last-Modified", date);
	http_set_header(r, "Cache-Control", "no-cache");
	http_set_header(r, "Vary", "Accept-Language");
	const char *inm = http_header(r, "If-None-Match");
	if (inm ? page_static_etag_matches(inm, etag) : str_eq(http_header(r, "If-Modified-Since"), date)) {
		o->len = 0;
		r->status = 304;
	}
	return 0;
}

/* ---- The staff pages. */

/* A notice form: the record and the texts of the date fields. */
typedef struct notice_form {
	store_notice n;
	const char *starts, *starts_time, *ends, *ends_time;
} notice_form;

/* The site of the path if the user may see its notices (else 404, as for a
 * missing site); *rights receives access_notices. */
static int staff_site(req *r, store_site *site, int *rights)
{
	if (!page_require_login(r))
		return -1;
	int64_t id;
	if (page_path_id(r, &id) != 0) {
		page_not_found(r);
		return -1;
	}
	int rc = store_site_get(r->app->store, r->arena, id, site);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
		r->status = 500;
		page_error(r);
		return -1;
	}
	*rights = rc == STORE_OK ? access_notices(&r->session->user, site) : ACCESS_NOTICES_NONE;
	if (*rights == ACCESS_NOTICES_NONE) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

/* staff_site for a change: 403 for those who only read. */
static int publisher_site(req *r, store_site *site)
{
	int rights;
	if (staff_site(r, site, &rights) != 0)
		return -1;
	if (rights != ACCESS_NOTICES_PUBLISH) {
		ui_error_page(r, 403,
		              "Seuls les responsables du lieu, les coordinateurs de son département et les "
		              "administrateurs publient les avis au public.");
		return -1;
	}
	return 0;
}

/* The notice of the path's second parameter, at the site; 404 otherwise. */
static int load_notice(req *r, const store_site *site, store_notice *n)
{
	int64_t id;
	if (parse_int64(http_param(r, 1), 1, INT64_MAX, &id) != 0 ||
	    store_notice_get(r->app->store, r->arena, id, n) != STORE_OK || n->site_id != site->id) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

static const char *site_path(req *r, int64_t site_id, const char *rest)
{
	const char *s = arena_printf(r->arena, "/sites/%lld/notices%s", (long long)site_id, rest);
	return s ? s : "/sites";
}

static const char *text_of(req *r, int64_t t, int hm)
{
	char out[11];
	if (hm)
		time_local_hm(t, out);
	else
		time_local_date(t, out);
	const char *s = arena_strdup(r->arena, out);
	return s ? s : "";
}

static void form_from(req *r, notice_form *f, const store_notice *n)
{
	f->n = *n;
	f->starts = text_of(r, n->starts_at, 0);
	f->starts_time = text_of(r, n->starts_at, 1);
	f->ends = text_of(r, n->ends_at, 0);
	f->ends_time = text_of(r, n->ends_at, 1);
}

static void form_defaults(req *r, notice_form *f, int64_t site_id)
{
	memset(f, 0, sizeof *f);
	int64_t now = now_s();
	store_notice n = {.site_id = site_id, .kind = "information", .title = "", .body = "", .picto = ""};
	n.starts_at = now - now % 60;
	n.ends_at = n.starts_at + (int64_t)7 * 86400;
	form_from(r, f, &n);
}

/* The translation of the form for language code, "" fields when none. */
static const store_notice_text *form_text(const notice_form *f, const char *code)
{
	static const store_notice_text none = {(char *)"", (char *)"", (char *)""};
	const store_notice_text *t = notice_text_for(&f->n, code);
	return t ? t : &none;
}

static const char *field_name(req *r, const char *prefix, const char *code)
{
	const char *s = arena_printf(r->arena, "%s_%s", prefix, code);
	return s ? s : prefix;
}

static void read_form(req *r, notice_form *f)
{
	store_notice *n = &f->n;
	n->kind = (char *)page_field(r, "kind");
	n->title = (char *)page_field(r, "title");
	n->body = (char *)page_field(r, "body");
	n->picto = (char *)page_field(r, "picto");
	f->starts = page_field(r, "starts");
	f->starts_time = page_field(r, "starts_time");
	f->ends = page_field(r, "ends");
	f->ends_time = page_field(r, "ends_time");
	if (time_parse_local(f->starts, f->starts_time, &n->starts_at) != 0)
		n->starts_at = 0;
	if (time_parse_local(f->ends, f->ends_time, &n->ends_at) != 0)
		n->ends_at = 0;
	size_t nl = i18n_public_count();
	n->texts = arena_alloc(r->arena, (nl + 1) * sizeof *n->texts);
	n->ntexts = 0;
	for (size_t i = 0; n->texts && i < nl; i++) {
		const lang *l = i18n_public_lang(i);
		if (strcmp(l->code, "fr") == 0)
			continue;
		store_notice_text *t = &n->texts[n->ntexts];
		t->lang = (char *)l->code;
		t->title = (char *)page_field(r, field_name(r, "title", l->code));
		t->body = (char *)page_field(r, field_name(r, "body", l->code));
		if (*t->title || *t->body)
			n->ntexts++;
	}
}

static void render_form(req *r, const store_site *site, const notice_form *f, const char *action,
                        const char *submit, const field_errors *e)
{
	buf *o = &r->out;
	const store_notice *n = &f->n;
	ui_error_summary(r, e);
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <bdi>");
	html_txt(o, site->name);
	RAW(r, "</bdi></p>\n");
	ui_form_begin(r, action);
	ui_option kinds[NOTICE_KIND_COUNT];
	for (int k = 0; k < NOTICE_KIND_COUNT; k++)
		kinds[k] =
		    (ui_option){notice_kind_code((notice_kind)k), _(r, notice_kind_label((notice_kind)k))};
	ui_radios(r, "kind", _(r, "Type d'avis"), kinds, COUNT(kinds), n->kind, e);
	ui_field title = {.name = "title",
	                  .label = _(r, "Titre (en français)"),
	                  .hint = _(r, "Court et clair : 80 caractères au plus."),
	                  .value = n->title,
	                  .type = "text",
	                  .autocomplete = "off",
	                  .required = 1};
	ui_input(r, &title, e);
	ui_field body = {
	    .name = "body",
	    .label = _(r, "Texte (en français)"),
	    .hint = _(r, "Facultatif, 500 caractères au plus. Des phrases courtes, des mots simples. "
	                 "N'écrivez aucune donnée personnelle."),
	    .value = n->body};
	ui_textarea(r, &body, e);
	size_t np = 0;
	const notice_picto *pictos = notice_pictos(&np);
	ui_option *po = arena_alloc(r->arena, (np + 1) * sizeof *po);
	if (po) {
		po[0] = (ui_option){"", _(r, "Aucun pictogramme")};
		for (size_t i = 0; i < np; i++)
			po[i + 1] = (ui_option){pictos[i].code, _(r, pictos[i].label)};
		ui_field pf = {.name = "picto",
		               .label = _(r, "Pictogramme"),
		               .hint = _(r, "Facultatif : une image simple, montrée à côté du titre."),
		               .value = n->picto};
		ui_select(r, &pf, po, np + 1, e);
	}
	RAW(r, "<div class=\"inline-fields\">");
	ui_field sd = {.name = "starts",
	               .label = _(r, "Début : date"),
	               .value = f->starts,
	               .type = "date",
	               .required = 1};
	ui_input(r, &sd, e);
	ui_field st = {.name = "starts_time",
	               .label = _(r, "Début : heure"),
	               .value = f->starts_time,
	               .type = "time",
	               .required = 1};
	ui_input(r, &st, e);
	RAW(r, "</div>\n<div class=\"inline-fields\">");
	ui_field ed = {
	    .name = "ends", .label = _(r, "Fin : date"), .value = f->ends, .type = "date", .required = 1};
	ui_input(r, &ed, e);
	ui_field et = {.name = "ends_time",
	               .label = _(r, "Fin : heure"),
	               .value = f->ends_time,
	               .type = "time",
	               .required = 1};
	ui_input(r, &et, e);
	RAW(r, "</div>\n<p class=\"hint\">");
	html_txt(o,
	         _(r, "Heure de Paris. L'avis est affiché du début jusqu'à la fin, sur l'écran de la salle "
	              "d'attente, la page du téléphone et la page publique du lieu."));
	RAW(r, "</p>\n");

	ui_section_begin(r, "traductions", _(r, "Traductions (facultatives)"));
	RAW(r, "<p class=\"hint\">");
	html_txt(o, _(r, "Sans traduction, le public lit le texte en français."));
	RAW(r, "</p>\n");
	for (size_t i = 0; i < i18n_public_count(); i++) {
		const lang *l = i18n_public_lang(i);
		if (strcmp(l->code, "fr") == 0)
			continue;
		const store_notice_text *t = form_text(f, l->code);
		const char *tn = field_name(r, "title", l->code), *bn = field_name(r, "body", l->code);
		int open = *t->title || *t->body || field_error_for(e, tn) || field_error_for(e, bn);
		RAW(r, "<details class=\"notice-translation\"");
		if (open)
			RAW(r, " open");
		RAW(r, "><summary><span lang=\"");
		html_attr(o, l->code);
		RAW(r, l->rtl ? "\" dir=\"rtl\">" : "\" dir=\"ltr\">");
		html_txt(o, l->name);
		RAW(r, "</span></summary>\n<fieldset><legend>");
		html_txt(o, _(r, "Traduction :"));
		RAW(r, " <span lang=\"");
		html_attr(o, l->code);
		RAW(r, l->rtl ? "\" dir=\"rtl\">" : "\" dir=\"ltr\">");
		html_txt(o, l->name);
		RAW(r, "</span></legend>\n");
		ui_field tf = {.name = tn,
		               .label = _(r, "Titre traduit"),
		               .value = t->title,
		               .type = "text",
		               .autocomplete = "off"};
		ui_input(r, &tf, e);
		ui_field bf = {.name = bn, .label = _(r, "Texte traduit"), .value = t->body};
		ui_textarea(r, &bf, e);
		RAW(r, "</fieldset></details>\n");
	}
	RAW(r, "</fieldset>\n");
	ui_submit(r, submit);
	ui_form_end(r);
	RAW(r, "<p><a href=\"");
	html_attr(o, site_path(r, site->id, ""));
	RAW(r, "\">");
	html_txt(o, _(r, "Retour aux avis du lieu"));
	RAW(r, "</a></p>\n");
}

/* Reads and validates; 0 when the notice may be stored, else the form has
 * been rendered again with its errors (400). */
static int check(req *r, const store_site *site, notice_form *f, const char *action, const char *title,
                 const char *submit)
{
	field_errors e = {0};
	read_form(r, f);
	if (!f->n.texts) {
		/* Out of memory: the translations could not be read, and
		 * storing the notice without them would lose them. */
		r->status = 500;
		page_error(r);
		return -1;
	}
	if (notice_validate(&f->n, now_s(), &e) == 0)
		return 0;
	http_status(r, 400);
	ui_page_begin(r, title);
	render_form(r, site, f, action, submit, &e);
	ui_page_end(r);
	return -1;
}

/* The end of a change: the event for the screens, the journal, the list. */
static int changed(req *r, int rc, const char *action, int64_t id, int64_t site_id, const char *to)
{
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	if (rc == STORE_OK)
		events_publish(site_id, "notices", "{}");
	return page_stored(r, rc, action, "notice", id, site_id, NULL, to);
}

int page_notice_new(req *r)
{
	store_site site;
	if (publisher_site(r, &site) != 0)
		return 0;
	notice_form f;
	form_defaults(r, &f, site.id);
	field_errors e = {0};
	ui_page_begin(r, _(r, "Publier un avis"));
	render_form(r, &site, &f, site_path(r, site.id, ""), _(r, "Publier l'avis"), &e);
	ui_page_end(r);
	return 0;
}

int page_notice_create(req *r)
{
	store_site site;
	if (publisher_site(r, &site) != 0 || !page_require_form(r))
		return 0;
	notice_form f;
	form_defaults(r, &f, site.id);
	if (check(r, &site, &f, site_path(r, site.id, ""), _(r, "Publier un avis"), _(r, "Publier l'avis")) !=
	    0)
		return 0;
	f.n.site_id = site.id;
	f.n.created_by = r->session->user.id;
	int rc = store_notice_insert(r->app->store, &f.n, now_s());
	return changed(r, rc, "create", f.n.id, site.id, site_path(r, site.id, "?saved=1"));
}

int page_notice_edit(req *r)
{
	store_site site;
	store_notice n;
	if (publisher_site(r, &site) != 0 || load_notice(r, &site, &n) != 0)
		return 0;
	notice_form f;
	form_from(r, &f, &n);
	field_errors e = {0};
	const char *action = site_path(r, site.id, arena_printf(r->arena, "/%lld/edit", (long long)n.id));
	ui_page_begin(r, _(r, "Modifier l'avis"));
	render_form(r, &site, &f, action, _(r, "Enregistrer les modifications"), &e);
	ui_page_end(r);
	return 0;
}

int page_notice_update(req *r)
{
	store_site site;
	store_notice n;
	if (publisher_site(r, &site) != 0 || load_notice(r, &site, &n) != 0 || !page_require_form(r))
		return 0;
	notice_form f;
	form_from(r, &f, &n);
	const char *action = site_path(r, site.id, arena_printf(r->arena, "/%lld/edit", (long long)n.id));
	if (check(r, &site, &f, action, _(r, "Modifier l'avis"), _(r, "Enregistrer les modifications")) != 0)
		return 0;
	f.n.id = n.id;
	f.n.site_id = site.id;
	f.n.updated_by = r->session->user.id;
	int rc = store_notice_update(r->app->store, &f.n, now_s());
	return changed(r, rc, "update", n.id, site.id, site_path(r, site.id, "?saved=1"));
}

int page_notice_delete_form(req *r)
{
	store_site site;
	store_notice n;
	if (publisher_site(r, &site) != 0 || load_notice(r, &site, &n) != 0)
		return 0;
	page_deletion d = {
	    .base = arena_printf(r->arena, "sites/%lld/notices", (long long)site.id),
	    .id = n.id,
	    .title = _(r, "Supprimer l'avis"),
	    .intro = _(r, "Vous allez supprimer l'avis"),
	    .when = n.title,
	    .what = _(r, notice_kind_label((notice_kind)(notice_kind_parse(n.kind) < 0
	                                                     ? NOTICE_INFORMATION
	                                                     : notice_kind_parse(n.kind)))),
	    .consequence = _(r, "Il disparaît aussitôt des écrans et de la page publique. La suppression est "
	                        "définitive."),
	    .cancel = _(r, "Annuler"),
	    .cancel_href = site_path(r, site.id, ""),
	};
	if (!d.base)
		d.base = "sites";
	page_delete_confirm(r, &d);
	return 0;
}

int page_notice_delete(req *r)
{
	store_site site;
	store_notice n;
	if (publisher_site(r, &site) != 0 || load_notice(r, &site, &n) != 0 || !page_require_form(r))
		return 0;
	int rc = store_notice_delete(r->app->store, site.id, n.id, now_s());
	return changed(r, rc, "delete", n.id, site.id, site_path(r, site.id, "?deleted=1"));
}

/* One part of the list under its heading: the notices of v that are
 * current (which 0), to come (1) or past (2) at now. */
static void notices_table(req *r, const store_site *site, const store_notice *v, size_t n, int rights,
                          const char *caption, int which, int64_t now)
{
	buf *o = &r->out;
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		int w = v[i].ends_at <= now ? 2 : v[i].starts_at > now ? 1 : 0;
		count += w == which;
	}
	html_rawf_trusted(o, "<h2 id=\"notices-%d\">", which);
	html_txt(o, caption);
	RAW(r, "</h2>\n");
	if (count == 0) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Aucun avis."));
		RAW(r, "</p>\n");
		return;
	}
	/* The heading names the table: no caption that would say it twice. */
	html_rawf_trusted(o, "<div class=\"table-wrap\"><table aria-labelledby=\"notices-%d\"><thead><tr>",
	                  which);
	ui_th(r, _(r, "Titre"));
	ui_th(r, _(r, "Type d'avis"));
	ui_th(r, _(r, "Début"));
	ui_th(r, _(r, "Fin"));
	ui_th(r, _(r, "Traductions"));
	if (rights == ACCESS_NOTICES_PUBLISH)
		ui_th(r, _(r, "Actions"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		const store_notice *e = &v[i];
		int w = e->ends_at <= now ? 2 : e->starts_at > now ? 1 : 0;
		if (w != which)
			continue;
		int kind = notice_kind_parse(e->kind);
		RAW(r, "<tr><td>");
		html_txt(o, e->title);
		RAW(r, "</td><td>");
		html_txt(o, _(r, notice_kind_label(kind < 0 ? NOTICE_INFORMATION : (notice_kind)kind)));
		RAW(r, "</td><td>");
		html_txt(o, text_of(r, e->starts_at, 0));
		RAW(r, " ");
		html_txt(o, text_of(r, e->starts_at, 1));
		RAW(r, "</td><td>");
		html_txt(o, text_of(r, e->ends_at, 0));
		RAW(r, " ");
		html_txt(o, text_of(r, e->ends_at, 1));
		RAW(r, "</td><td>");
		for (size_t k = 0; k < e->ntexts; k++) {
			if (k)
				RAW(r, ", ");
			html_txt(o, e->texts[k].lang);
		}
		RAW(r, "</td>");
		if (rights == ACCESS_NOTICES_PUBLISH) {
			RAW(r, "<td><a href=\"");
			html_attr(o, site_path(r, site->id,
			                       arena_printf(r->arena, "/%lld/edit", (long long)e->id)));
			RAW(r, "\">");
			html_txt(o, _(r, "Modifier"));
			RAW(r, "<span class=\"sr-only\"> : ");
			html_txt(o, e->title);
			RAW(r, "</span></a> <a href=\"");
			html_attr(o, site_path(r, site->id,
			                       arena_printf(r->arena, "/%lld/delete", (long long)e->id)));
			RAW(r, "\">");
			html_txt(o, _(r, "Supprimer"));
			RAW(r, "<span class=\"sr-only\"> : ");
			html_txt(o, e->title);
			RAW(r, "</span></a></td>");
		}
		RAW(r, "</tr>\n");
	}
	ui_table_end(r);
}

int page_notices_list(req *r)
{
	store_site site;
	int rights;
	if (staff_site(r, &site, &rights) != 0)
		return 0;
	store_notice *v = NULL;
	size_t n = 0;
	int64_t now = now_s();
	if (store_notice_list(r->app->store, r->arena, site.id, now, STORE_NOTICES_ALL, &v, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Avis au public"));
	if (http_query(r, "saved"))
		ui_notice(r, "success", _(r, "Avis enregistré. Les écrans du lieu l'affichent aussitôt."));
	else if (http_query(r, "deleted"))
		ui_notice(r, "success", _(r, "Avis supprimé."));
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	html_rawf_trusted(o, " <a href=\"/sites/%lld\"><bdi>", (long long)site.id);
	html_txt(o, site.name);
	RAW(r, "</bdi></a></p>\n<p>");
	html_txt(
	    o, _(r, "Horaires, fermetures, événements, informations : ce que le public lit sur l'écran de la "
	            "salle d'attente, la page du téléphone et la page publique du lieu."));
	RAW(r, "</p>\n<p class=\"actions\">");
	if (rights == ACCESS_NOTICES_PUBLISH) {
		RAW(r, "<a class=\"button\" href=\"");
		html_attr(o, site_path(r, site.id, "/new"));
		RAW(r, "\">");
		html_txt(o, _(r, "Publier un avis"));
		RAW(r, "</a>\n");
	}
	html_rawf_trusted(o, "<a href=\"/sites/%lld/avis-publics\">", (long long)site.id);
	html_txt(o, _(r, "Voir la page publique"));
	html_rawf_trusted(o, "</a>\n<a href=\"/sites/%lld/notices.atom\" type=\"application/atom+xml\">",
	                  (long long)site.id);
	html_txt(o, _(r, "Fil Atom"));
	RAW(r, "</a></p>\n");
	notices_table(r, &site, v, n, rights, _(r, "Avis en cours"), 0, now);
	notices_table(r, &site, v, n, rights, _(r, "Avis à venir"), 1, now);
	notices_table(r, &site, v, n, rights, _(r, "Avis passés"), 2, now);
	ui_page_end(r);
	return 0;
}
