/*
 * takehome.h: what the take-home summary of a visit says to the person
 * about each demand (docs/takehome.md): what was done today, how it ended
 * and what happens next, as public phrases (NP_ msgids, translated where
 * they are shown) with their OpenMoji pictograms; the documents to bring,
 * one per line of the catalog's list; the weekdays and times of the
 * opening hours; the summary's formats. Pure functions: no SQL, no HTTP.
 */
#ifndef GUICHET_TAKEHOME_H
#define GUICHET_TAKEHOME_H

#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

/* What the summary says of one demand. Every text is a French msgid of a
 * public phrase (NP_), every picto an OpenMoji code of static/pictos.list. */
typedef struct takehome_demand {
	const char *done, *done_picto;       /* what was done with her today */
	const char *outcome, *outcome_picto; /* how it ended today */
	const char *next;                    /* what she does or waits for next */
	const char *referral;                /* where to go (outcome "oriente"), or NULL */
	int documents;                       /* the procedure's documents to bring are worth printing */
	int escalated;                       /* the operator's back office will answer */
} takehome_demand;

/* Fills out for a demand of level (ENUM_LEVEL), outcome (ENUM_OUTCOME) and
 * referral_type (ENUM_REFERRAL, "" when none): 0, or -1 for a level or an
 * outcome it does not know (out is then cleared). */
int takehome_demand_of(const char *level, const char *outcome, const char *referral_type,
                       takehome_demand *out);

/* The documents to bring, one per line of the catalog's text (CR LF or LF),
 * each trimmed, empty lines left out, at most max: an array from the arena
 * in *out and its length; 0 for NULL or blank text (or when the arena is
 * full). */
size_t takehome_documents(arena *a, const char *text, size_t max, const char ***out);

/* The summary's printed formats: an A4 sheet, or an 80 mm receipt. */
typedef enum takehome_format { TAKEHOME_A4 = 0, TAKEHOME_RECEIPT } takehome_format;

/* "a4" or "receipt"; NULL or "" means A4. -1 for anything else. */
int takehome_format_parse(const char *s);
const char *takehome_format_code(takehome_format f);

/* The name of weekday 1 (Monday) .. 7 (Sunday), a public phrase; NULL out
 * of range. */
const char *takehome_weekday(int weekday);

/* "09:30" for 570 minutes since midnight (0 .. 1440, "24:00" for 1440);
 * -1 out of range. */
int takehome_hm(int minutes, char out[6]);

/* The summary sent by e-mail to the person who asked for it: her address
 * is typed by the adviser for this message only and never stored. */
typedef struct takehome_mail {
	const char *from;    /* the server's sender, a bare address */
	const char *to;      /* the person's, a bare address */
	const char *lang;    /* her language's code (Content-Language) */
	const char *subject; /* translated, UTF-8 */
	const char *text;    /* the plain text, lines ended by LF */
	const char *html;    /* the same as a whole HTML document */
	int64_t now;         /* the Date header */
} takehome_mail;

/* Writes the whole message into out: headers, then the text and the HTML as
 * the two parts of a multipart/alternative, each base64 in UTF-8 with CRLF
 * line ends. -1 when an address is not valid (smtp_address_valid), a text
 * is missing or out overflowed. */
int takehome_mail_compose(const takehome_mail *m, buf *out);

#endif
