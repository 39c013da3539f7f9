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

#endif
