/*
 * i18n.h: translations from gettext .po files, embedded in the binary.
 * French is the source language: a msgid is the French text, and a missing
 * translation falls back to it.
 */
#ifndef GUICHET_I18N_H
#define GUICHET_I18N_H

#include <stddef.h>

typedef struct lang {
	const char *code; /* BCP 47: "fr", "en", "ar", "prs" */
	const char *name; /* the language's own name, "العربية" */
	int rtl;          /* written right to left */
} lang;

/* Parses the embedded po/XX.po files; -1 with a message on a malformed file. */
int i18n_init(char *err, size_t errlen);
void i18n_free(void);
/* Parses one .po text into a catalog for code (used by i18n_init and tests). */
int i18n_add_po(const char *code, const char *text, size_t len, char *err, size_t errlen);
const lang *i18n_find(const char *code);
const lang *i18n_default(void);
/* Two sets of languages are offered, French first in each:
 * - the staff languages: those whose catalogs are complete (fr, en, ar),
 *   offered by the switcher of the staff pages; i18n_find, i18n_lang,
 *   i18n_count and i18n_negotiate choose among them only;
 * - the public languages: every language with a po/CODE.po file (20), whose
 *   catalogs translate at least every public phrase (P_, NP_), offered on
 *   the public pages (kiosk, ticket, phone page, screen, notices,
 *   satisfaction); the _public functions choose among them. */
const lang *i18n_lang(size_t i);
size_t i18n_count(void);
/* Chooses from an Accept-Language header; the default when nothing fits. */
const lang *i18n_negotiate(const char *accept_language);
const lang *i18n_find_public(const char *code);
const lang *i18n_public_lang(size_t i);
size_t i18n_public_count(void);
/* As i18n_negotiate, among the public languages ("fa-AF" chooses Dari). */
const lang *i18n_negotiate_public(const char *accept_language);
/* 1 when l is offered on the staff pages. */
int i18n_is_staff(const lang *l);
const char *i18n_text(const lang *l, const char *msgid);
/* The form of a plural entry (msgid_plural, msgstr[N]) for the count n, by
 * the catalog's Plural-Forms rule; without a translation, French: msgid for
 * 0 and 1, msgid_plural above. Extract with xgettext --keyword=i18n_plural:2,3. */
const char *i18n_plural(const lang *l, const char *msgid, const char *msgid_plural, unsigned long n);

/* A site's own wording of public phrases (store_phrases.h): for each
 * language code and French msgid, the text that replaces the catalog's.
 * v is sorted by i18n_fixes_sort. */
typedef struct i18n_fix {
	const char *lang;
	const char *msgid;
	const char *text;
} i18n_fix;
typedef struct i18n_fixes {
	i18n_fix *v;
	size_t n;
} i18n_fixes;
void i18n_fixes_sort(i18n_fixes *f);
/* The site's wording of msgid in l when f holds one, else i18n_text. */
const char *i18n_public_text(const lang *l, const i18n_fixes *f, const char *msgid);

/* The marker xgettext looks for: _(r, "Texte français"). */
#define _(r, s) i18n_text((r)->lang, (s))
/* Marks a string for extraction where it is translated later. */
#define N_(s) (s)
/* A public phrase: a text that people read or hear on the public pages
 * (kiosk, ticket, phone page, public screen, notices, satisfaction). It is
 * looked up like _(), but extracted apart (xgettext --keyword=P_:2
 * --keyword=NP_) so that every public language must translate it, while the
 * staff pages need only the complete languages (docs/translating.md). The
 * site's own wording, when the page loaded it into r->fixes, comes first. */
#define P_(r, s) i18n_public_text((r)->lang, (r)->fixes, (s))
#define NP_(s) (s)

#endif
