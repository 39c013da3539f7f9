/*
 * site.h: the rules of a site (lieu d'accueil): its types, its accessibility
 * options, the codes of communes and départements, and the validation of a
 * record before it is stored. No SQL and no HTTP here.
 *
 * Labels are French msgids: translate them when rendering (_(r, label)).
 * Form and API field names are the store_site member names: name, type,
 * commune_insee, departement, address, opening_hours, languages,
 * accessibility, accessibility_note, phone.
 */
#ifndef GUICHET_SITE_H
#define GUICHET_SITE_H

#include <stddef.h>

#include "store/store.h"
#include "util/util.h"

typedef struct site_code {
	const char *code;  /* stored value */
	const char *label; /* French msgid */
} site_code;

/* Site types, in the order a form offers them. */
const site_code *site_types(size_t *n);
size_t site_type_count(void);
const char *site_type_code(size_t i);
/* The label of a type; the code itself when it is unknown. */
const char *site_type_label(const char *code);

/* Accessibility options of the premises (pmr, boucle_magnetique, lsf, falc,
 * malvoyants). */
const site_code *site_access_options(size_t *n);
size_t site_access_count(void);
const char *site_access_code(size_t i);
const char *site_access_label(const char *code);

/* A commune's INSEE code: 2 digits (or 2A, 2B) then 3 digits, or 97x/98x
 * then 2 digits overseas. Upper case only ("2A"). */
int site_insee_valid(const char *code);
/* The département of a valid INSEE code ("35", "2A", "974"), as a static
 * string; NULL when the code is not valid. */
char *site_departement_of(const char *insee);
/* A département code: 01–95 without 20, 2A, 2B, 971–978, 984, 986–988. */
int site_departement_valid(const char *code);
/* An ISO 639-1 language code, two lower-case letters. */
int site_language_valid(const char *code);

/* Text checks shared with user.c. site_text_check answers SITE_TEXT_OK, or
 * SITE_TEXT_TOO_LONG beyond max bytes, or SITE_TEXT_BAD for invalid UTF-8 or
 * control characters (tab, CR and LF are allowed when multiline). */
enum { SITE_TEXT_OK = 0, SITE_TEXT_TOO_LONG = 1, SITE_TEXT_BAD = 2 };
int site_text_check(const char *s, size_t max, int multiline);
/* Trims ASCII white space in place, writing only when there is some. */
void site_trim(char *s);

/*
 * A site's telephone number for the public. Accepted: a French number of
 * ten digits starting with 0 ("02 99 00 00 00"), the same in international
 * form ("+33 2 99 00 00 00", also written +33 (0)2…), or a short number of
 * four digits starting with 1 or 3 ("3939"); digits may be separated by
 * spaces (also non-breaking), dots or hyphens. site_phone_compact writes
 * the stored form into out: the digits, after a + for an international
 * number ("0299000000", "+33299000000", "3939"); "" for a blank text.
 * 0, or -1 (out "") when the text is no such number.
 * site_phone_display writes a stored (or accepted) number in groups, as
 * French papers do: "02 99 00 00 00", "+33 2 99 00 00 00", "3939"; the
 * text itself when it is no such number (truncated to fit).
 */
#define SITE_PHONE_SIZE 24
int site_phone_compact(const char *text, char out[SITE_PHONE_SIZE]);
void site_phone_display(const char *phone, char out[SITE_PHONE_SIZE]);

/*
 * Checks a site before it is stored; 0 when valid, else -1 with one message
 * per faulty field in e. It also normalises the record: the name is trimmed,
 * the commune code upper-cased, the département derived from the commune (a
 * site without a commune keeps a valid département it was given), and the
 * lists of languages and accessibility codes rewritten as "a,b" without
 * spaces, case differences or repeats, the telephone number written in its
 * compact form (site_phone_compact). Strings are only written when they
 * change, so unchanged literals ("") are safe to pass.
 */
int site_validate(store_site *site, field_errors *e);

#endif
