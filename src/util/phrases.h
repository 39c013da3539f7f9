/*
 * phrases.h: the public phrases (P_, NP_) known at run time, each with a
 * short id that names it in the addresses of its audio
 * (/audio/{lang}/{id}.wav) and in the recordings a site uploads.
 *
 * The set is read from the embedded catalogs of the public languages that
 * are not staff languages (i18n.h): those translate the public phrases and
 * nothing else, so the msgids they hold are the public phrases. A text
 * that is not among them has no audio: no one can have arbitrary text
 * spoken by the server.
 */
#ifndef GUICHET_PHRASES_H
#define GUICHET_PHRASES_H

#include <stddef.h>

/* 12 hex digits and a NUL. */
#define PHRASE_ID_BYTES 13

/* The id of a msgid: the first 6 bytes of its BLAKE2b hash, in hex. */
void phrase_id(const char *msgid, char out[PHRASE_ID_BYTES]);
/* The msgid of a public phrase by its id; NULL when there is none. */
const char *phrase_by_id(const char *id);
/* 1 when msgid is a public phrase. */
int phrase_is_public(const char *msgid);
/* The public phrases in the order of their French text. */
size_t phrase_count(void);
const char *phrase_at(size_t i);

/* What phrase_fix_check finds wrong with a site's wording of a phrase. */
enum phrase_fix_problem {
	PHRASE_FIX_OK = 0,
	PHRASE_FIX_EMPTY,
	PHRASE_FIX_TOO_LONG,     /* more than max_bytes */
	PHRASE_FIX_CONTROL,      /* a control character, a line break among them */
	PHRASE_FIX_PLACEHOLDERS, /* not the same {name} words as the msgid */
};
/* Checks text (already trimmed) as a site's wording of msgid: one line of
 * at most max_bytes, holding exactly the msgid's placeholders ({ticket},
 * {desk} …), each as many times, in any order, and as many %d and %s. */
enum phrase_fix_problem phrase_fix_check(const char *msgid, const char *text, size_t max_bytes);

#endif
