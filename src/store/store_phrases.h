/*
 * store_phrases.h: a site's corrections of public phrases (table
 * phrase_fixes, sql/013_phrase_fixes.sql; docs/speech.md). A correction is
 * keyed by site, language code and phrase id (the 12 hex digits of
 * util/phrases.h) and replaces, for that site only, the phrase's
 * translation in that language.
 */
#ifndef GUICHET_STORE_PHRASES_H
#define GUICHET_STORE_PHRASES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/util.h"

/* The most corrections one site may hold, over every language. */
#define STORE_PHRASE_FIXES_MAX 2000
/* The longest corrected text, in bytes. */
#define STORE_PHRASE_FIX_MAX_BYTES 600

typedef struct store_phrase_fix {
	const char *lang;
	const char *phrase_id;
	const char *msgid; /* the French text the correction was written for */
	const char *text;
	int64_t updated_at;
	int64_t updated_by;
} store_phrase_fix;

/* Keeps text as the site's wording of the phrase in lang, replacing the
 * one there was. STORE_NOT_FOUND when the site does not exist,
 * STORE_CONFLICT when the site already holds STORE_PHRASE_FIXES_MAX other
 * corrections. */
int store_phrase_fix_put(store *s, int64_t site_id, const char *lang, const char *phrase_id,
                         const char *msgid, const char *text, int64_t by);
/* STORE_NOT_FOUND when there was none. */
int store_phrase_fix_delete(store *s, int64_t site_id, const char *lang, const char *phrase_id);
/* The site's corrections, in lang or in every language when lang is NULL,
 * ordered by language then phrase id; strings from the arena. */
int store_phrase_fix_list(store *s, arena *a, int64_t site_id, const char *lang, store_phrase_fix **out,
                          size_t *n);

#endif
