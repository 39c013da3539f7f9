/*
 * address_text.h: what the formatter and the free-text parser of the
 * address module share, and nobody else uses: UTF-8 decoding, the folding
 * of Latin letters to the capitals of lines 4 to 6, the cleaning of lines
 * 1 to 3, the standard abbreviations, and the recording of notes.
 */
#ifndef GUICHET_ADDRESS_TEXT_H
#define GUICHET_ADDRESS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "address/address.h"

/* Marks a French msgid for xgettext, with the project's keyword and the
 * same definition as util/i18n.h: the module never translates, its
 * caller does. */
#ifndef N_
#define N_(s) (s)
#endif

/* Decodes the code point at s[*i] (s has n bytes) and moves *i past it.
 * Returns -1, moving by one byte, on bytes that are not UTF-8 (overlong
 * forms, surrogates and values past U+10FFFF included). */
int32_t address_utf8_next(const char *s, size_t n, size_t *i);

/* Code points in a NUL-terminated UTF-8 string (an invalid byte counts as
 * one). */
size_t address_utf8_chars(const char *s);

/* How the folding of lines 4 to 6 sees a code point. */
enum address_cp_class {
	ADDRESS_CP_WORD,   /* a letter or a digit: ascii holds its capitals */
	ADDRESS_CP_SPACE,  /* white space of any kind */
	ADDRESS_CP_PUNCT,  /* punctuation: a word separator on lines 4 to 6 */
	ADDRESS_CP_MARK,   /* a combining accent, dropped */
	ADDRESS_CP_IGNORE, /* zero-width characters and the soft hyphen */
	ADDRESS_CP_BAD     /* anything that has no place in an address */
};

/* Folding flags: what a folding changed (each becomes a change). */
enum {
	ADDRESS_FOLD_ACCENTS = 1,
	ADDRESS_FOLD_CAPITALS = 2,
	ADDRESS_FOLD_LETTERS = 4,
	ADDRESS_FOLD_PUNCT = 8,
	ADDRESS_FOLD_SPACES = 16
};

/* The class of cp; for a letter or digit, its ASCII capitals ("OE" for œ)
 * into ascii, and what the folding changed into *flags. */
int address_cp_fold(int32_t cp, char ascii[3], unsigned *flags);

/*
 * Folds in to capitals without accents or punctuation, single spaces,
 * trimmed (address_fold with the details). Returns 0; -1 for bytes that
 * are not UTF-8; -2 for a character that cannot be folded, written into
 * bad (as itself, or as U+XXXX when it is a control character); -3 when
 * the result does not fit in n bytes. When lenient, -1 and -2 do not
 * happen: such characters become '?'.
 */
int address_fold_ex(const char *in, char *out, size_t n, unsigned *flags, char bad[16], int lenient);

/*
 * Cleans a value of lines 1 to 3: case and accents kept, special spaces
 * made plain, trimmed, inner runs of spaces made single. The same returns
 * as address_fold_ex; besides Latin letters it accepts digits, punctuation
 * and common typographic signs.
 */
int address_clean_free(const char *in, char *out, size_t n, unsigned *flags, char bad[16]);

/*
 * Abbreviates the words of line (n bytes, single spaces between words)
 * from its end backwards, by the standard table, until it holds at most
 * ADDRESS_LINE_CHARS code points; each abbreviation is a change of field on
 * line_no. Words are compared folded, so lines 2 and 3 may keep their case
 * and accents: an abbreviation follows the case of the word it replaces.
 * Returns 0 when the line fits, -1 when it is still too long.
 */
int address_abbreviate(char *line, size_t n, address_result *r, int field, int line_no);

/* 1 when key (folded, one word) is a street type such as RUE or AV. */
int address_is_street_type(const char *key);

/* Records a change or an error in r (before and after may be NULL); an
 * identical note already there is not repeated. */
void address_change(address_result *r, int code, int field, int line, const char *msgid, const char *before,
                    const char *after);
void address_error(address_result *r, int code, int field, int line, const char *msgid, const char *before,
                   const char *after);

/* The changes that folding flags stand for, as notes of field on line. */
void address_fold_notes(address_result *r, unsigned flags, int field, int line);

/* The error for a failed fold or clean (rc from address_fold_ex). */
void address_fold_error(address_result *r, int rc, int field, int line, const char *bad);

#endif
