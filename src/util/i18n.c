/*
 * i18n.c: the languages Guichet knows, their translation catalogs (filled
 * from the embedded po/XX.po files by po.c, which owns their table), the choice of a
 * language for a request, and the lookups.
 *
 * Catalogs are built once by i18n_init, before the server starts its threads,
 * and are only read afterwards: lookups need no lock. French is the source
 * language; a missing or empty translation falls back to the French msgid,
 * so a half-translated language still gives a usable page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/embedded.h"
#include "util/i18n.h"
#include "util/po.h"
#include "util/util.h"

#define NEGOTIATE_MAX_ITEMS 32

/* Every language Guichet can be translated into (REFERENCE.md section 9,
 * then Dari, Somali, Kurmanji and simplified Chinese): a language is offered
 * once a po/CODE.po file exists for it. The names are endonyms, so that a
 * person who reads no French still finds their own. */
static const lang known[] = {
    {"fr", "Français", 0}, {"en", "English", 0},    {"ar", "العربية", 1},  {"fa", "فارسی", 1},
    {"ps", "پښتو", 1},     {"uk", "Українська", 0}, {"ru", "Русский", 0},  {"ti", "ትግርኛ", 0},
    {"es", "Español", 0},  {"pt", "Português", 0},  {"ro", "Română", 0},   {"tr", "Türkçe", 0},
    {"ta", "தமிழ்", 0},     {"bn", "বাংলা", 0},      {"sq", "Shqip", 0},    {"ka", "ქართული", 0},
    {"prs", "دری", 1},     {"so", "Soomaali", 0},   {"ku", "Kurmancî", 0}, {"zh", "中文", 0},
};
#define NKNOWN COUNT(known)

/* The languages whose catalogs translate every text of Guichet, the staff
 * pages' as well as the public ones (`make po-check` keeps them complete:
 * STAFF_LANGS in the Makefile). Only these are offered on the staff pages;
 * the others translate the public phrases only (P_, NP_) and are offered on
 * the public pages. */
static const char *const staff_codes[] = {"fr", "en", "ar"};

static catalog *catalogs[NKNOWN];
/* Offered on the staff pages, and on the public pages; French first. */
static const lang *offered[NKNOWN] = {&known[0]};
static size_t noffered = 1;
static const lang *offered_public[NKNOWN] = {&known[0]};
static size_t noffered_public = 1;

/* ---- Catalogs ---------------------------------------------------------- */

/* The catalog of a language, NULL when it has none. Only languages from the
 * table can have one; the pointer is compared, not subtracted, because a
 * caller may hold a lang of its own. */
static const catalog *catalog_of(const lang *l)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (l == &known[i])
			return catalogs[i];
	return NULL;
}

static const entry *catalog_get(const catalog *c, const char *msgid)
{
	const entry *e = c ? po_catalog_slot(c, msgid) : NULL;

	return e && e->msgid ? e : NULL;
}

static int is_staff(const lang *l)
{
	for (size_t i = 0; i < COUNT(staff_codes); i++)
		if (strcmp(l->code, staff_codes[i]) == 0)
			return 1;
	return 0;
}

static void rebuild_offered(void)
{
	noffered = 0;
	noffered_public = 0;
	offered[noffered++] = &known[0];
	offered_public[noffered_public++] = &known[0];
	for (size_t i = 1; i < NKNOWN; i++) {
		if (!catalogs[i])
			continue;
		offered_public[noffered_public++] = &known[i];
		if (is_staff(&known[i]))
			offered[noffered++] = &known[i];
	}
}

static unsigned long plural_index(const catalog *c, unsigned long n)
{
	unsigned long k;

	if (!c->plural)
		return n != 1;
	return po_plural_eval(c->plural, n, &k) == 0 ? k : 0;
}

static const lang *known_find(const char *code)
{
	for (size_t i = 0; i < NKNOWN; i++)
		if (strcasecmp(known[i].code, code) == 0)
			return &known[i];
	return NULL;
}

int i18n_add_po(const char *code, const char *text, size_t len, char *err, size_t errlen)
{
	const lang *l = code ? known_find(code) : NULL;
	catalog *c;

	if (!l) {
		snprintf(err, errlen, "language %s is not in the table of i18n.c", code ? code : "(null)");
		return -1;
	}
	c = po_read(text, len, err, errlen);
	if (!c)
		return -1;
	po_catalog_free(catalogs[l - known]);
	catalogs[l - known] = c;
	rebuild_offered();
	return 0;
}

/* ---- Public lookups ---------------------------------------------------- */

int i18n_init(char *err, size_t errlen)
{
	for (size_t i = 0; i < embedded_count; i++) {
		const struct embedded_file *f = &embedded_files[i];
		size_t n = strlen(f->name);
		char code[16], why[256];

		if (strncmp(f->name, "po/", 3) != 0 || n < 3 + 1 + 3 || strcmp(f->name + n - 3, ".po") != 0)
			continue;
		if (n - 6 >= sizeof(code)) {
			snprintf(err, errlen, "%s: name too long for a language code", f->name);
			return -1;
		}
		memcpy(code, f->name + 3, n - 6);
		code[n - 6] = '\0';
		if (i18n_add_po(code, (const char *)f->data, f->len, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s: %s", f->name, why);
			i18n_free();
			return -1;
		}
	}
	return 0;
}

void i18n_free(void)
{
	for (size_t i = 0; i < NKNOWN; i++) {
		po_catalog_free(catalogs[i]);
		catalogs[i] = NULL;
	}
	rebuild_offered();
}

const lang *i18n_default(void)
{
	return &known[0];
}

static const lang *find_in(const lang *const *list, size_t n, const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(list[i]->code, code) == 0)
			return list[i];
	return NULL;
}

const lang *i18n_find(const char *code)
{
	return find_in(offered, noffered, code);
}

const lang *i18n_lang(size_t i)
{
	return i < noffered ? offered[i] : NULL;
}

size_t i18n_count(void)
{
	return noffered;
}

const lang *i18n_find_public(const char *code)
{
	return find_in(offered_public, noffered_public, code);
}

const lang *i18n_public_lang(size_t i)
{
	return i < noffered_public ? offered_public[i] : NULL;
}

size_t i18n_public_count(void)
{
	return noffered_public;
}

int i18n_is_staff(const lang *l)
{
	return l && find_in(offered, noffered, l->code) == l;
}

/* A language of list whose code is the primary subtag of tag ("ar-MA").
 * Dari is also asked for as "fa-AF": Persian as written in Afghanistan. */
static const lang *match_tag(const lang *const *list, size_t n, const char *tag, size_t len)
{
	size_t primary = 0;

	while (primary < len && tag[primary] != '-' && tag[primary] != '_')
		primary++;
	if (len == 5 && strncasecmp(tag, "fa", 2) == 0 && strncasecmp(tag + 3, "AF", 2) == 0) {
		const lang *dari = find_in(list, n, "prs");
		if (dari)
			return dari;
	}
	for (size_t i = 0; i < n; i++) {
		const char *c = list[i]->code;
		if (strlen(c) == primary && strncasecmp(c, tag, primary) == 0)
			return list[i];
	}
	return NULL;
}

/* A quality value in thousandths ("0.8" is 800); -1 when malformed. */
static int parse_q(const char *p, size_t len)
{
	int q, scale = 100;
	size_t i = 1;

	if (len == 0 || (p[0] != '0' && p[0] != '1'))
		return -1;
	q = (p[0] - '0') * 1000;
	if (len > 1) {
		if (p[1] != '.' || len > 5)
			return -1;
		for (i = 2; i < len; i++, scale /= 10) {
			if (p[i] < '0' || p[i] > '9')
				return -1;
			q += (p[i] - '0') * scale;
		}
	}
	return q > 1000 ? 1000 : q;
}

static const lang *negotiate_in(const lang *const *list, size_t n, const char *accept_language)
{
	const char *p = accept_language;
	const lang *best = NULL;
	int bestq = 0;

	if (!p)
		return i18n_default();
	/* "ar-MA,ar;q=0.9,fr;q=0.8": the highest quality wins, the earliest
	 * among equals. A header longer than a browser would send is read only
	 * in part. */
	for (int items = 0; *p && items < NEGOTIATE_MAX_ITEMS; items++) {
		const char *tag, *end = strchr(p, ',');
		size_t taglen;
		int q = 1000;

		if (!end)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		tag = p;
		while (p < end && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		taglen = (size_t)(p - tag);
		while (p < end) {
			const char *v;

			while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
				p++;
			v = p;
			while (p < end && *p != ';')
				p++;
			if (p - v >= 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
				size_t vlen = (size_t)(p - v - 2);
				while (vlen && (v[2 + vlen - 1] == ' ' || v[2 + vlen - 1] == '\t'))
					vlen--;
				q = parse_q(v + 2, vlen);
			}
		}
		if (q > bestq && taglen) {
			const lang *l = match_tag(list, n, tag, taglen);
			if (l) {
				best = l;
				bestq = q;
			}
		}
		p = *end ? end + 1 : end;
	}
	return best ? best : i18n_default();
}

const lang *i18n_negotiate(const char *accept_language)
{
	return negotiate_in(offered, noffered, accept_language);
}

const lang *i18n_negotiate_public(const char *accept_language)
{
	return negotiate_in(offered_public, noffered_public, accept_language);
}

const char *i18n_text(const lang *l, const char *msgid)
{
	const entry *e;

	if (!l || !msgid)
		return msgid;
	e = catalog_get(catalog_of(l), msgid);
	if (!e || e->nforms || !e->msgstr[0] || !*e->msgstr[0])
		return msgid;
	return e->msgstr[0];
}

static int fix_cmp(const char *lang_a, const char *msgid_a, const i18n_fix *b)
{
	int c = strcmp(lang_a, b->lang);
	return c ? c : strcmp(msgid_a, b->msgid);
}

static int fix_sort_cmp(const void *a, const void *b)
{
	const i18n_fix *x = a;
	return fix_cmp(x->lang, x->msgid, b);
}

void i18n_fixes_sort(i18n_fixes *f)
{
	if (f && f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), fix_sort_cmp);
}

const char *i18n_public_text(const lang *l, const i18n_fixes *f, const char *msgid)
{
	if (f && f->n && l && msgid) {
		size_t lo = 0, hi = f->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = fix_cmp(l->code, msgid, &f->v[mid]);
			if (c == 0)
				return f->v[mid].text;
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return i18n_text(l, msgid);
}

const char *i18n_plural(const lang *l, const char *msgid, const char *msgid_plural, unsigned long n)
{
	const catalog *c = catalog_of(l);
	const entry *e = c && msgid ? catalog_get(c, msgid) : NULL;

	if (e && e->nforms) {
		unsigned long k = plural_index(c, n);
		if (k < e->nforms && e->msgstr[k] && *e->msgstr[k])
			return e->msgstr[k];
	}
	/* French, the source: 0 and 1 take the singular. */
	return n > 1 ? msgid_plural : msgid;
}
