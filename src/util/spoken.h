/*
 * spoken.h: text written out in words before it is spoken (REFERENCE.md
 * section 9). A voice reading "A012" says "A zero one two" or stumbles on
 * it; the public screen must say "A twelve" in the person's language. The
 * numbers 0 to 999 and the names of the Latin letters are written here,
 * one set of rules per language that has an espeak-ng voice; Arabic is
 * written with its vowel marks, which its voice needs to read well.
 *
 * Bengali numbers are written with Bengali digits, which the Bengali voice
 * reads as whole numbers (each number from 1 to 99 has its own word).
 * A language without rules (ps, ti, so: no voice) gets the digits.
 */
#ifndef GUICHET_SPOKEN_H
#define GUICHET_SPOKEN_H

#include "util/util.h"

/* The largest number written out in words; larger ones are read digit by
 * digit. */
#define SPOKEN_NUMBER_MAX 999u

/* Appends the words of n in lang to out ("fr", 12: "douze"). Numbers above
 * SPOKEN_NUMBER_MAX, and every number in a language without rules, are
 * appended as digits. 0, or -1 when out overflows. */
int spoken_number(const char *lang, unsigned n, buf *out);
/* The name of a Latin letter (either case) in lang ("fr", 'A': "a"; "en",
 * 'H': "aitch"), NULL for any other character. A language without names
 * gets the letter itself. */
const char *spoken_letter(const char *lang, char c);
/* Appends the words of a ticket label ("A012": letter name, then the
 * number without its leading zeros) to out: each Latin letter by its name,
 * each run of digits as a number, anything else as a space. */
int spoken_label(const char *lang, const char *label, buf *out);
/* Appends text with each run of digits written out as a number ("Guichet
 * 2": "Guichet deux"); the rest is copied. */
int spoken_numbers_in_text(const char *lang, const char *text, buf *out);
/* 1 when lang has rules for numbers and letters. */
int spoken_has_rules(const char *lang);

#endif
