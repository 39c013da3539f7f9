/*
 * page_commune.c: the commune picker of the visit and site forms, and the
 * small form pieces the recording pages share (radio groups, single
 * checkboxes, vocabularies as options, the choice of a site, the guards of a
 * form post and of the correction window).
 *
 * A person gives their commune as a name or a postcode, rarely as an INSEE
 * code; the store keeps the INSEE code. The form resolves what was typed
 * when it is sent, and writes a resolved commune back as "Name (code)", so a
 * form that comes back for another reason resolves it again exactly.
 */
#include <string.h>
#include <strings.h>

#include "app.h"
#include "enums.h"
#include "html.h"
#include "i18n.h"
#include "limits.h"
#include "page.h"
#include "site.h"
#include "ui.h"
#include "visit.h"

/* How many communes an ambiguous name offers: enough for the homonyms of
 * one name (there are 30-odd Saint-Martin-…), few enough to read. */
#define COMMUNE_CHOICES 20

/* The icon of ui.c's error messages, for the radio groups' errors. */
static const char icon_error[] =
    "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\" "
    "focusable=\"false\"><path d=\"M12 2.5L1.5 21h21z\" fill=\"none\" stroke=\"currentColor\" "
    "stroke-width=\"2\" stroke-linejoin=\"round\"/><path d=\"M12 9.5v5.5M12 18v.5\" "
    "stroke=\"currentColor\" stroke-width=\"2.5\" stroke-linecap=\"round\"/></svg>";

/* ---- Communes ------------------------------------------------------------ */

/* The code inside "Name (code)", or NULL. */
static char *code_in_parentheses(req *r, const char *s)
{
	size_t n = strlen(s);
	const char *open = strrchr(s, '(');
	if (n < 3 || s[n - 1] != ')' || !open)
		return NULL;
	char *code = arena_strndup(r->arena, open + 1, (size_t)(s + n - 1 - (open + 1)));
	return code ? str_trim(code) : NULL;
}

static char *upper_copy(req *r, const char *s)
{
	char *c = arena_strdup(r->arena, s);
	for (char *p = c; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return c;
}

static int resolved(page_commune *c, const char *code)
{
	c->code = (char *)code;
	c->error = NULL;
	return 0;
}

static int failed(page_commune *c, const char *msgid)
{
	c->code = "";
	c->error = msgid;
	return -1;
}

int page_commune_resolve(req *r, const char *input, page_commune *c)
{
	memset(c, 0, sizeof *c);
	char *q = arena_strdup(r->arena, input ? input : "");
	if (!q)
		return failed(c, N_("Le texte de la commune est trop long."));
	str_trim(q);
	c->input = q;
	c->code = "";
	if (!*q)
		return 0;
	if (strlen(q) > LIMIT_NAME_BYTES || !utf8_valid(q, strlen(q)) || text_has_controls(q))
		return failed(
		    c, N_("Le texte de la commune est trop long ou contient des caractères invalides."));

	store *st = r->app->store;
	char *inside = code_in_parentheses(r, q);
	char *code = upper_copy(r, inside ? inside : q);
	int64_t count = 0;
	if (store_commune_count(st, &count) != STORE_OK || count == 0) {
		/* No geography loaded: a code is all that can be checked. */
		if (code && site_insee_valid(code))
			return resolved(c, code);
		return failed(
		    c, N_("La liste des communes n'est pas chargée : saisissez le code INSEE de la commune "
		          "(5 caractères, par exemple 35238 pour Rennes)."));
	}

	store_commune one;
	if (inside) {
		if (code && store_commune_get(st, r->arena, code, &one) == STORE_OK)
			return resolved(c, one.code);
		return failed(c, N_("Aucune commune ne porte ce code INSEE."));
	}
	store_commune *found = NULL;
	size_t n = 0;
	if (store_commune_search(st, r->arena, q, COMMUNE_CHOICES, &found, &n) != STORE_OK)
		n = 0;
	/* A valid INSEE code that is not also someone's postcode. */
	if (code && site_insee_valid(code) && store_commune_get(st, r->arena, code, &one) == STORE_OK) {
		int listed = 0;
		for (size_t i = 0; i < n; i++)
			listed |= strcmp(found[i].code, one.code) == 0;
		if (n == 0 || (n == 1 && listed))
			return resolved(c, one.code);
		store_commune *all = arena_alloc(r->arena, (n + 1) * sizeof *all);
		if (all && !listed) {
			all[0] = one;
			memcpy(all + 1, found, n * sizeof *found);
			found = all;
			n++;
		}
	}
	if (n == 0)
		return failed(c, N_("Aucune commune ne correspond à ce nom ou à ce code postal."));
	if (n == 1)
		return resolved(c, found[0].code);
	/* "Rennes" means Rennes, not Rennes-le-Château, unless two communes
	 * bear that very name. */
	size_t exact = 0, which = 0;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(found[i].name, q) == 0) {
			exact++;
			which = i;
		}
	if (exact == 1)
		return resolved(c, found[which].code);
	c->choices = found;
	c->nchoices = n;
	return failed(c, N_("Plusieurs communes correspondent : choisissez la bonne dans la liste."));
}

const char *page_commune_label(req *r, const char *code)
{
	store_commune one;
	if (!code || !*code)
		return "";
	if (store_commune_get(r->app->store, r->arena, code, &one) != STORE_OK)
		return code;
	const char *s = arena_printf(r->arena, "%s (%s)", one.name, one.code);
	return s ? s : code;
}

void page_commune_field(req *r, const char *name, const char *label, const page_commune *c,
                        const field_errors *e)
{
	if (c->nchoices == 0) {
		ui_field f = {.name = name,
		              .label = label,
		              .hint = _(r, "Nom de la commune, code postal ou code INSEE. Facultatif."),
		              .value = c->code && *c->code ? page_commune_label(r, c->code) : c->input,
		              .type = "text",
		              .autocomplete = "off"};
		ui_input(r, &f, e);
		return;
	}
	ui_option *opts = arena_alloc(r->arena, (c->nchoices + 1) * sizeof *opts);
	if (!opts)
		return;
	opts[0].value = "";
	opts[0].label = _(r, "Ne pas renseigner la commune");
	for (size_t i = 0; i < c->nchoices; i++) {
		const store_commune *k = &c->choices[i];
		opts[i + 1].value = arena_printf(r->arena, "%s (%s)", k->name, k->code);
		opts[i + 1].label =
		    arena_printf(r->arena, "%s (%s) — %s", k->name, k->departement, k->postcodes);
	}
	const char *hint = arena_printf(r->arena, "%s « %s »", _(r, "Vous avez saisi"), c->input);
	ui_field f = {.name = name, .label = label, .hint = hint, .value = ""};
	ui_select(r, &f, opts, c->nchoices + 1, e);
}

/* ---- Form pieces ------------------------------------------------------- */

void page_field_error(req *r, const char *name, const char *msgid)
{
	buf *o = &r->out;
	html_raw_trusted(o, "<p class=\"error-message\" id=\"");
	html_attr(o, name);
	html_raw_trusted(o, "-error\">");
	html_raw_trusted(o, icon_error);
	html_raw_trusted(o, "<span class=\"sr-only\">");
	html_txt(o, _(r, "Erreur :"));
	html_raw_trusted(o, " </span>");
	html_txt(o, _(r, msgid));
	html_raw_trusted(o, "</p>\n");
}

static void radio_id(req *r, const char *name, size_t i)
{
	html_attr(&r->out, name);
	if (i > 0)
		html_rawf_trusted(&r->out, "-%zu", i + 1);
}

void page_radios(req *r, const char *name, const char *legend, const ui_option *opts, size_t n,
                 const char *value, const field_errors *e)
{
	buf *o = &r->out;
	const char *err = e ? field_error_for(e, name) : NULL;
	html_raw_trusted(o, err ? "<div class=\"field field-error\">" : "<div class=\"field\">");
	html_raw_trusted(o, "<fieldset class=\"radios\"");
	if (err) {
		html_raw_trusted(o, " aria-describedby=\"");
		html_attr(o, name);
		html_raw_trusted(o, "-error\"");
	}
	html_raw_trusted(o, "><legend>");
	html_txt(o, legend);
	html_raw_trusted(o, "</legend>\n");
	if (err)
		page_field_error(r, name, err);
	for (size_t i = 0; i < n; i++) {
		html_raw_trusted(o, "<div class=\"radio\"><input type=\"radio\" id=\"");
		radio_id(r, name, i);
		html_raw_trusted(o, "\" name=\"");
		html_attr(o, name);
		html_raw_trusted(o, "\" value=\"");
		html_attr(o, opts[i].value);
		html_raw_trusted(o, "\"");
		if (value && str_eq(value, opts[i].value))
			html_raw_trusted(o, " checked");
		if (err)
			html_raw_trusted(o, " aria-invalid=\"true\"");
		html_raw_trusted(o, "><label for=\"");
		radio_id(r, name, i);
		html_raw_trusted(o, "\">");
		html_txt(o, opts[i].label);
		html_raw_trusted(o, "</label></div>\n");
	}
	html_raw_trusted(o, "</fieldset></div>\n");
}

void page_checkbox(req *r, const char *name, const char *label, int checked)
{
	buf *o = &r->out;
	html_raw_trusted(o, "<div class=\"checkbox\"><input type=\"checkbox\" id=\"");
	html_attr(o, name);
	html_raw_trusted(o, "\" name=\"");
	html_attr(o, name);
	html_raw_trusted(o,
	                 checked ? "\" value=\"1\" checked><label for=\"" : "\" value=\"1\"><label for=\"");
	html_attr(o, name);
	html_raw_trusted(o, "\">");
	html_txt(o, label);
	html_raw_trusted(o, "</label></div>\n");
}

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

/* The languages most often met at French help desks (REFERENCE.md section
 * 9), then a few more. */
static const ui_option languages[] = {
    {"en", N_("anglais")},   {"ar", N_("arabe")},    {"fa", N_("persan (dari)")}, {"ps", N_("pachto")},
    {"uk", N_("ukrainien")}, {"ru", N_("russe")},    {"ti", N_("tigrigna")},      {"es", N_("espagnol")},
    {"pt", N_("portugais")}, {"ro", N_("roumain")},  {"tr", N_("turc")},          {"ta", N_("tamoul")},
    {"bn", N_("bengali")},   {"sq", N_("albanais")}, {"ka", N_("géorgien")},      {"zh", N_("chinois")},
    {"so", N_("somali")},    {"wo", N_("wolof")},    {"it", N_("italien")},       {"de", N_("allemand")},
};

const ui_option *page_languages(size_t *n)
{
	*n = COUNT(languages);
	return languages;
}

const char *page_language_label(req *r, const char *code)
{
	for (size_t i = 0; i < COUNT(languages); i++)
		if (str_eq(languages[i].value, code))
			return _(r, languages[i].label);
	return code;
}

void page_txt_count(req *r, const char *s, int64_t n)
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

const char *page_count_text(req *r, const char *s, int64_t n)
{
	const char *d = strstr(s, "%d");
	if (!d)
		return s;
	const char *t = arena_printf(r->arena, "%.*s%lld%s", (int)(d - s), s, (long long)n, d + 2);
	return t ? t : s;
}

const char *page_int_text(req *r, int64_t v)
{
	const char *s = v ? arena_printf(r->arena, "%lld", (long long)v) : "";
	return s ? s : "";
}

void page_dl_item(req *r, const char *term, const char *value)
{
	html_raw_trusted(&r->out, "<dt>");
	html_txt(&r->out, term);
	html_raw_trusted(&r->out, "</dt><dd>");
	html_txt(&r->out, value && *value ? value : _(r, "Non renseigné"));
	html_raw_trusted(&r->out, "</dd>\n");
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

static int in_groups(const page_opt_group *g, size_t ng, const char *value)
{
	for (size_t i = 0; i < ng; i++)
		for (size_t k = 0; k < g[i].n; k++)
			if (str_eq(g[i].opts[k].value, value))
				return 1;
	return 0;
}

static void option(req *r, const char *value, const char *label, int selected)
{
	html_raw_trusted(&r->out, "<option value=\"");
	html_attr(&r->out, value);
	html_raw_trusted(&r->out, selected ? "\" selected>" : "\">");
	html_txt(&r->out, label);
	html_raw_trusted(&r->out, "</option>\n");
}

/* A <select> whose options come in groups (the frequent ones first); the
 * first option is `none` with an empty value. A value no longer offered
 * (an operator since deactivated) stays selectable. */
void page_select_groups(req *r, const char *name, const char *label, const char *none, const char *value,
                        const page_opt_group *g, size_t ng, const field_errors *e, int autofocus)
{
	buf *o = &r->out;
	const char *err = field_error_for(e, name);
	html_raw_trusted(&r->out, err ? "<div class=\"field field-error\"><label for=\""
	                              : "<div class=\"field\"><label for=\"");
	html_attr(o, name);
	html_raw_trusted(&r->out, "\">");
	html_txt(o, label);
	html_raw_trusted(&r->out, "</label>\n");
	if (err)
		page_field_error(r, name, err);
	html_raw_trusted(&r->out, "<select id=\"");
	html_attr(o, name);
	html_raw_trusted(&r->out, "\" name=\"");
	html_attr(o, name);
	html_raw_trusted(&r->out, "\"");
	if (autofocus)
		html_raw_trusted(&r->out, " autofocus");
	if (err) {
		html_raw_trusted(&r->out, " aria-invalid=\"true\" aria-describedby=\"");
		html_attr(o, name);
		html_raw_trusted(&r->out, "-error\"");
	}
	html_raw_trusted(&r->out, ">\n");
	option(r, "", none, !value || !*value);
	if (value && *value && !in_groups(g, ng, value))
		option(r, value, value, 1);
	int chosen = 0;
	for (size_t i = 0; i < ng; i++) {
		if (g[i].n == 0)
			continue;
		if (g[i].label) {
			html_raw_trusted(&r->out, "<optgroup label=\"");
			html_attr(o, g[i].label);
			html_raw_trusted(&r->out, "\">\n");
		}
		for (size_t k = 0; k < g[i].n; k++) {
			int sel = !chosen && value && *value && str_eq(g[i].opts[k].value, value);
			chosen |= sel;
			option(r, g[i].opts[k].value, g[i].opts[k].label, sel);
		}
		if (g[i].label)
			html_raw_trusted(&r->out, "</optgroup>\n");
	}
	html_raw_trusted(&r->out, "</select>\n</div>\n");
}

void page_radios_enum(req *r, const char *name, const char *legend, const enum_def *d, const char *value,
                      const field_errors *e)
{
	size_t n;
	ui_option *opts = page_enum_options(r, d, &n);
	if (opts)
		page_radios(r, name, legend, opts, n, value, e);
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

void page_section_begin(req *r, const char *id, const char *title)
{
	html_raw_trusted(&r->out, "<fieldset class=\"section\"");
	if (id) {
		html_raw_trusted(&r->out, " id=\"");
		html_attr(&r->out, id);
		html_raw_trusted(&r->out, "\"");
	}
	html_raw_trusted(&r->out, "><legend><h2>");
	html_txt(&r->out, title);
	html_raw_trusted(&r->out, "</h2></legend>\n");
}

/* A <details> that opens by itself when it holds something or an error. */
void page_details_begin(req *r, const char *summary, int open)
{
	html_raw_trusted(&r->out, open ? "<details class=\"more\" open><summary>"
	                               : "<details class=\"more\"><summary>");
	html_txt(&r->out, summary);
	html_raw_trusted(&r->out, "</summary>\n");
}

/* ---- Sites and guards -------------------------------------------------- */

int page_may_record(const req *r, int64_t site_id)
{
	const struct session *s = r->session;
	if (!s || (s->role != ROLE_AGENT && s->role != ROLE_MANAGER && s->role != ROLE_ADMIN))
		return 0;
	return auth_user_has_site(&s->user, site_id);
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
	for (size_t i = 0; i < s->user.nsites; i++)
		if (store_site_get(r->app->store, r->arena, s->user.site_ids[i], &v[k]) == STORE_OK)
			k++;
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

int page_require_correctable(req *r, int64_t site_id, int64_t created_at)
{
	int64_t days = 0;
	if (store_site_correction_days(r->app->store, site_id, &days) != STORE_OK) {
		r->status = 500;
		page_error(r);
		return 0;
	}
	if (visit_in_correction_window(created_at, days, now_s()))
		return 1;
	buf_reset(&r->out);
	http_status(r, 403);
	ui_page_begin(r, _(r, "Correction impossible"));
	buf *o = &r->out;
	html_raw_trusted(o, "<p>");
	if (days == 0)
		html_txt(
		    o,
		    _(r,
		      "Ce lieu n'autorise aucune correction : un enregistrement ne peut plus être modifié ni "
		      "supprimé une fois créé."));
	else
		page_txt_count(
		    r,
		    _(r,
		      "Ce lieu autorise les corrections pendant %d jours après l'enregistrement : ce délai "
		      "est dépassé, l'enregistrement ne peut plus être modifié ni supprimé."),
		    days);
	html_raw_trusted(o, "</p><p>");
	html_txt(o, _(r, "Le délai de correction protège les statistiques déjà publiées. Si une erreur doit "
	                 "être corrigée, adressez-vous au responsable de votre lieu."));
	html_raw_trusted(o, "</p>");
	ui_page_end(r);
	return 0;
}
