/*
 * notice.h: the rules of a site's notices (avis au public): their kinds,
 * the pictograms they may carry, the limits of their texts, their dates,
 * their translations, and the order in which the public reads them. Pure
 * functions: no SQL, no HTTP, no clock of their own.
 *
 * A notice is current from starts_at (included) to ends_at (excluded).
 * Lengths are counted in characters (Unicode code points), not bytes: an
 * Arabic or a Tamil title has the same room as a French one.
 */
#ifndef GUICHET_NOTICE_H
#define GUICHET_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_notices.h"
#include "util/util.h"

#define NOTICE_TITLE_CHARS 80
#define NOTICE_BODY_CHARS 500
/* A notice starts and ends at most this far from now: five years. */
#define NOTICE_MAX_AHEAD_S ((int64_t)5 * 366 * 86400)
/* 2000-01-01T00:00:00Z: older dates are typing mistakes. */
#define NOTICE_OLDEST 946684800

/* The kinds, in the order the public reads them: a closure first. */
typedef enum notice_kind {
	NOTICE_FERMETURE = 0,
	NOTICE_HORAIRES,
	NOTICE_EVENEMENT,
	NOTICE_INFORMATION,
	NOTICE_MENTION_LEGALE,
	NOTICE_KIND_COUNT
} notice_kind;

/* "fermeture", "horaires"…; NULL for a value out of range. */
const char *notice_kind_code(notice_kind k);
/* The kind of a code, -1 when unknown. */
int notice_kind_parse(const char *code);
/* The kind's label, a French public phrase ("Fermeture"), for P_ lookup. */
const char *notice_kind_label(notice_kind k);

/* The pictograms a notice may carry: OpenMoji code points, shown from
 * /static/picto/CODE.svg, each with a French label for the staff's form. */
typedef struct notice_picto {
	const char *code;  /* "1F6AB" */
	const char *label; /* French msgid: "Interdit (fermé)" */
} notice_picto;
const notice_picto *notice_pictos(size_t *n);
/* 1 when code is one of notice_pictos, or "" (no pictogram). */
int notice_picto_valid(const char *code);

/* The number of characters of a UTF-8 string (its code points). */
size_t notice_chars(const char *s);

/* Whether a translation's language is allowed: a public language code
 * (util/i18n.h's public set) other than French. */
int notice_lang_valid(const char *code);

/*
 * Checks and normalises n before it is stored: the kind ("kind"); the
 * French title (trimmed, required, one line, NOTICE_TITLE_CHARS at most:
 * "title") and text (trimmed, NOTICE_BODY_CHARS at most, several lines
 * allowed: "body"); the pictogram ("picto"); the start ("starts") and the
 * end ("ends": after the start, not yet past at now, and both within
 * NOTICE_MAX_AHEAD_S of now); each translation (a public language other
 * than French, once each, with a title when it has a text: fields
 * "title_LANG" and "body_LANG"). Empty translations (no title, no text)
 * are dropped. 0, or -1 with every problem in e (French msgids).
 */
int notice_validate(store_notice *n, int64_t now, field_errors *e);

/* 1 when n is shown at now. */
int notice_is_current(const store_notice *n, int64_t now);
/* Sorts current notices for the public: closures first, then by kind,
 * then the earliest start, then the oldest. */
void notice_sort(store_notice *v, size_t n);
/* The translation of n into lang, NULL when it has none (the public then
 * reads the French). */
const store_notice_text *notice_text_for(const store_notice *n, const char *code);

#endif
