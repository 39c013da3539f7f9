/*
 * page_form.c: what the recording pages (visits, journal, workshops,
 * catalog, import) and the sites share beyond ui.h's widgets: vocabularies
 * and languages as options, lists of codes, numbers in sentences, the
 * sites a user records at or reads and the one a form chose, the merging of
 * the domain's errors into a form's, and the guard of a form post. The
 * pieces around one record (correction window, deletion) are in
 * page_record.c.
 */
#include <string.h>
#include <strings.h>

#include "app/app.h"
#include "vocab/enums.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "domain/access.h"
#include "domain/site.h"
#include "web/ui.h"

/* ---- Options and codes --------------------------------------------------- */

ui_option *page_enum_options(req *r, const enum_def *d, size_t *n)
{
	ui_option *opts = arena_alloc(r->arena, (d->n + 1) * sizeof *opts);
	*n = opts ? d->n : 0;
	for (size_t i = 0; opts && i < d->n; i++) {
		opts[i].value = d->items[i].code;
		opts[i].label = _(r, d->items[i].label);
	}
	return opts;
}

/* French, then the languages most often met at French help desks
 * (REFERENCE.md section 9), then a few more. A visitor's language is never
 * French; a site's advisers speak French and are offered the list up to
 * Georgian (SITE_LANGUAGES), as the site form always did. */
static const ui_option languages[] = {
    {"fr", N_("français")}, {"en", N_("anglais")},   {"ar", N_("arabe")},    {"fa", N_("persan (dari)")},
    {"ps", N_("pachto")},   {"uk", N_("ukrainien")}, {"ru", N_("russe")},    {"ti", N_("tigrigna")},
    {"es", N_("espagnol")}, {"pt", N_("portugais")}, {"ro", N_("roumain")},  {"tr", N_("turc")},
    {"ta", N_("tamoul")},   {"bn", N_("bengali")},   {"sq", N_("albanais")}, {"ka", N_("géorgien")},
    {"zh", N_("chinois")},  {"so", N_("somali")},    {"wo", N_("wolof")},    {"it", N_("italien")},
    {"de", N_("allemand")},
};
#define SITE_LANGUAGES 16

const ui_option *page_languages(size_t *n)
{
	*n = COUNT(languages) - 1;
	return languages + 1;
}

const ui_option *page_site_languages(size_t *n)
{
	*n = SITE_LANGUAGES;
	return languages;
}

const char *page_language_label(req *r, const char *code)
{
	for (size_t i = 0; i < COUNT(languages); i++)
		if (str_eq(languages[i].value, code))
			return _(r, languages[i].label);
	return code;
}

/* The languages' own names, in the order of languages[] (French
 * included). They are not translated: each is shown with its lang. */
static const struct {
	const char *code, *name;
	int rtl;
} autonyms[] = {
    {"fr", "français", 0}, {"en", "English", 0},    {"ar", "العربية", 1}, {"fa", "فارسی / دری", 1},
    {"ps", "پښتو", 1},     {"uk", "українська", 0}, {"ru", "русский", 0}, {"ti", "ትግርኛ", 0},
    {"es", "español", 0},  {"pt", "português", 0},  {"ro", "română", 0},  {"tr", "Türkçe", 0},
    {"ta", "தமிழ்", 0},     {"bn", "বাংলা", 0},      {"sq", "shqip", 0},   {"ka", "ქართული", 0},
    {"zh", "中文", 0},     {"so", "Soomaali", 0},   {"wo", "wolof", 0},   {"it", "italiano", 0},
    {"de", "Deutsch", 0},
};
_Static_assert(COUNT(autonyms) == COUNT(languages), "one own name per language");

const char *page_language_autonym(const char *code, int *rtl)
{
	for (size_t i = 0; i < COUNT(autonyms); i++)
		if (str_eq(autonyms[i].code, code)) {
			if (rtl)
				*rtl = autonyms[i].rtl;
			return autonyms[i].name;
		}
	return NULL;
}

/* The code of one typed language (a visitor's: never French), NULL when
 * none matches. Case is ignored for ASCII letters. */
static const char *language_of(req *r, const char *s)
{
	size_t n;
	const ui_option *langs = page_languages(&n);
	for (size_t i = 0; i < n; i++) {
		const char *own = page_language_autonym(langs[i].value, NULL);
		if (strcasecmp(s, langs[i].value) == 0 || strcasecmp(s, langs[i].label) == 0 ||
		    strcasecmp(s, _(r, langs[i].label)) == 0 || (own && strcasecmp(s, own) == 0))
			return langs[i].value;
	}
	return NULL;
}

int page_languages_read(req *r, const char *typed, const char **codes)
{
	char *copy = arena_strdup(r->arena, typed ? typed : "");
	size_t cap = 1;
	for (const char *p = copy; p && *p; p++)
		cap += *p == ',' || *p == ';' || *p == ' ';
	const char **v = arena_alloc(r->arena, (cap + 1) * sizeof *v);
	*codes = "";
	if (!copy || !v)
		return -1;
	size_t k = 0;
	int bad = 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",;", &save); tok; tok = strtok_r(NULL, ",;", &save)) {
		tok = str_trim(tok);
		if (!*tok)
			continue;
		const char *one = language_of(r, tok);
		const char *found[16];
		size_t nf = 0;
		if (one)
			found[nf++] = one;
		else {
			/* "ar uk": every word must be a language then. */
			char *in = NULL;
			for (char *w = strtok_r(tok, " \t", &in); w && !bad; w = strtok_r(NULL, " \t", &in))
				if (nf < COUNT(found) && (found[nf] = language_of(r, w)) != NULL)
					nf++;
				else
					bad = 1;
		}
		for (size_t i = 0; i < nf; i++) {
			int dup = 0;
			for (size_t j = 0; j < k; j++)
				dup |= str_eq(v[j], found[i]);
			if (!dup && k < cap)
				v[k++] = found[i];
		}
	}
	*codes = page_join_codes(r, v, k);
	return bad ? -1 : 0;
}

const char *page_phone_kind_label(req *r, const store_visitor *p)
{
	const char *kind = p->phone_kind && *p->phone_kind ? p->phone_kind : p->no_phone ? "aucun" : "";
	return *kind ? _(r, enum_label(&ENUM_PHONE, kind)) : NULL;
}

const char *page_count_text(req *r, const char *s, int64_t n)
{
	const char *d = strstr(s, "%d");
	if (!d)
		return s;
	char digits[INT_DIGITS_BYTES];
	const char *p = int_digits(n, digits);
	size_t head = (size_t)(d - s), nd = (size_t)(digits + INT_DIGITS_BYTES - p), tail = strlen(d + 2);
	char *t = arena_alloc(r->arena, head + nd + tail + 1);
	if (!t)
		return s;
	memcpy(t, s, head);
	memcpy(t + head, p, nd);
	memcpy(t + head + nd, d + 2, tail + 1);
	return t;
}

const char *page_int_text(req *r, int64_t v)
{
	const char *s = v ? arena_int(r->arena, v) : "";
	return s ? s : "";
}

size_t page_split_codes(req *r, const char *s, const char ***out)
{
	size_t n = 0, cap = 1;
	for (const char *p = s; p && *p; p++)
		cap += *p == ',';
	const char **v = arena_alloc(r->arena, (cap + 1) * sizeof *v);
	char *copy = arena_strdup(r->arena, s ? s : "");
	*out = v;
	if (!v || !copy)
		return 0;
	char *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (*str_trim(tok))
			v[n++] = tok;
	return n;
}

char *page_join_codes(req *r, const char *const *v, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *s = arena_alloc(r->arena, len);
	if (!s)
		return "";
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, v[i]);
	}
	return s;
}

void page_radios_enum(req *r, const char *name, const char *legend, const enum_def *d, const char *value,
                      const field_errors *e)
{
	size_t n;
	ui_option *opts = page_enum_options(r, d, &n);
	if (opts)
		ui_radios(r, name, legend, opts, n, value, e);
}

/* A <select> of a vocabulary, with an empty first choice. */
void page_select_enum(req *r, const char *name, const char *label, const char *none, const enum_def *d,
                      const char *value, const field_errors *e)
{
	size_t n;
	ui_option *opts = page_enum_options(r, d, &n);
	ui_option *all = arena_alloc(r->arena, (n + 2) * sizeof *all);
	if (!opts || !all)
		return;
	size_t k = 0;
	if (none)
		all[k++] = (ui_option){"", none};
	memcpy(all + k, opts, n * sizeof *opts);
	ui_field f = {.name = name, .label = label, .value = value};
	ui_select(r, &f, all, n + k, e);
}

void page_checkboxes_enum(req *r, const char *name, const char *legend, const enum_def *d, const char *codes,
                          const field_errors *e)
{
	size_t n;
	ui_option *opts = page_enum_options(r, d, &n);
	const char **sel;
	size_t nsel = page_split_codes(r, codes, &sel);
	if (opts)
		ui_checkboxes(r, name, legend, opts, n, sel, nsel, e);
}

void page_language_select(req *r, const char *name, const char *label, const char *value,
                          const field_errors *e)
{
	size_t n;
	const ui_option *langs = page_languages(&n);
	ui_option *opts = arena_alloc(r->arena, (n + 1) * sizeof *opts);
	if (!opts)
		return;
	opts[0] = (ui_option){"", _(r, "Aucune")};
	for (size_t i = 0; i < n; i++)
		opts[i + 1] = (ui_option){langs[i].value, _(r, langs[i].label)};
	ui_field f = {.name = name, .label = label, .value = value};
	ui_select(r, &f, opts, n + 1, e);
}

/* ---- Sites and guards -------------------------------------------------- */

/* The rule of docs/access.md that the import holds every row to as well. */
int page_may_record(const req *r, int64_t site_id)
{
	return r->session && access_may_record_at(&r->session->user, site_id);
}

int page_recording_sites(req *r, store_site **out, size_t *n)
{
	const struct session *s = r->session;
	*out = NULL;
	*n = 0;
	if (!s || (s->role != ROLE_AGENT && s->role != ROLE_MANAGER && s->role != ROLE_ADMIN))
		return 0;
	store_site *v = arena_alloc(r->arena, (s->user.nsites + 1) * sizeof *v);
	if (!v)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < s->user.nsites; i++) {
		/* A site removed since is skipped; a store that cannot answer is
		 * an error, never an adviser with no site. */
		int rc = store_site_get(r->app->store, r->arena, s->user.site_ids[i], &v[k]);
		if (rc == STORE_OK)
			k++;
		else if (rc != STORE_NOT_FOUND)
			return -1;
	}
	*out = v;
	*n = k;
	return 0;
}

int page_readable_sites(req *r, store_site **out, size_t *n)
{
	const struct session *s = r->session;
	*out = NULL;
	*n = 0;
	if (!s)
		return 0;
	if (s->role == ROLE_AGENT || s->role == ROLE_MANAGER)
		return page_recording_sites(r, out, n);
	if (s->role != ROLE_ADMIN && s->role != ROLE_COORDINATOR)
		return 0;
	const char *dep = s->role == ROLE_COORDINATOR ? s->user.departement : NULL;
	if (s->role == ROLE_COORDINATOR && (!dep || !*dep))
		return 0;
	store_site *all = NULL;
	size_t na = 0, k = 0;
	if (store_site_list(r->app->store, r->arena, dep, &all, &na) != STORE_OK)
		return -1;
	for (size_t i = 0; i < na; i++)
		if (auth_site_visible(r, &all[i]))
			all[k++] = all[i];
	*out = all;
	*n = k;
	return 0;
}

int page_sites_or_refuse(req *r, int readable, store_site **out, size_t *n, const char *refusal)
{
	int rc = readable ? page_readable_sites(r, out, n) : page_recording_sites(r, out, n);
	if (rc != 0) {
		r->status = 500;
		page_error(r);
		return -1;
	}
	if (*n == 0 && refusal) {
		ui_error_page(r, 403, refusal);
		return -1;
	}
	return 0;
}

int64_t page_chosen_site(req *r, const char *name, const store_site *sites, size_t n, field_errors *e)
{
	int64_t site = 0;
	const char *s = page_field(r, name);
	if (n == 1 && !*s)
		site = sites[0].id;
	else if (parse_int64(s, 1, INT64_MAX, &site) != 0)
		site = 0;
	for (size_t i = 0; i < n; i++)
		if (sites[i].id == site)
			return site;
	field_error_add(e, name, "Choisissez un des lieux où vous accueillez.");
	return 0;
}

void page_merge_errors(field_errors *e, const field_errors *more, const char *when)
{
	for (size_t i = 0; i < more->n && i < COUNT(more->v); i++) {
		const field_error *x = &more->v[i];
		const char *field = x->field && when && str_eq(x->field, when) ? "date" : x->field;
		if (field && field_error_for(e, field))
			continue;
		field_error_add(e, field, x->msgid);
	}
}

void page_site_choice(req *r, const char *name, const store_site *sites, size_t n, int64_t chosen,
                      const field_errors *e)
{
	buf *o = &r->out;
	/* A single site needs no choice, unless the one sent was refused:
	 * then the error needs a field to stand beside. */
	if (n == 1 && !(e && field_error_for(e, name))) {
		html_raw_trusted(o, "<input type=\"hidden\" name=\"");
		html_attr(o, name);
		html_raw_trusted(o, "\" value=\"");
		html_int(o, sites[0].id);
		html_raw_trusted(o, "\"><p class=\"site-line\">");
		html_txt(o, _(r, "Lieu :"));
		html_raw_trusted(o, " <strong>");
		html_txt(o, sites[0].name);
		html_raw_trusted(o, "</strong></p>\n");
		return;
	}
	ui_option *opts = arena_alloc(r->arena, (n + 1) * sizeof *opts);
	if (!opts)
		return;
	for (size_t i = 0; i < n; i++) {
		opts[i].value = arena_printf(r->arena, "%lld", (long long)sites[i].id);
		opts[i].label = sites[i].name;
	}
	ui_field f = {.name = name,
	              .label = _(r, "Lieu"),
	              .value = arena_printf(r->arena, "%lld", (long long)chosen),
	              .required = 1};
	ui_select(r, &f, opts, n, e);
}

int page_require_form(req *r)
{
	page_prepare(r);
	const char *ct = r->content_type ? r->content_type : "";
	if (!str_eq(ct, "application/x-www-form-urlencoded") && !str_eq(ct, "multipart/form-data")) {
		ui_error_page(r, 400,
		              "Les données envoyées ne sont pas celles d'un formulaire. Rechargez la page et "
		              "envoyez le "
		              "formulaire de nouveau.");
		return 0;
	}
	return page_require_csrf(r);
}
