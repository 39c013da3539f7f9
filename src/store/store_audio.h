/*
 * store_audio.h: the recordings a site's manager uploaded for the public
 * phrases (table recorded_audio, sql/012_recorded_audio.sql). A recording
 * is keyed by site, language code and phrase id (the 12 hex digits of
 * web/phrase_audio.h); the file is kept whole, with its media type.
 */
#ifndef GUICHET_STORE_AUDIO_H
#define GUICHET_STORE_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/util.h"

/* The largest recording a manager may upload. */
#define STORE_AUDIO_MAX_BYTES (2UL * 1024UL * 1024UL)

typedef struct store_audio {
	const char *lang;
	const char *phrase_id;
	const char *mime; /* "audio/wav", "audio/ogg" or "audio/mpeg" */
	int64_t bytes;
	int64_t uploaded_at;
	int64_t uploaded_by;
} store_audio;

/* Keeps data (len bytes, at most STORE_AUDIO_MAX_BYTES) as the recording
 * of the phrase, replacing the one there was. STORE_NOT_FOUND when the
 * site does not exist. */
int store_audio_put(store *s, int64_t site_id, const char *lang, const char *phrase_id, const char *mime,
                    const void *data, size_t len, int64_t by);
/* Appends the recording's bytes to out (from buf_init) and sets *info (its
 * strings from the arena); STORE_NOT_FOUND when there is none. */
int store_audio_get(store *s, arena *a, int64_t site_id, const char *lang, const char *phrase_id, buf *out,
                    store_audio *info);
/* 1 when the site has a recording of the phrase in lang, 0 when not, or a
 * STORE_* error. */
int store_audio_exists(store *s, int64_t site_id, const char *lang, const char *phrase_id);
/* STORE_NOT_FOUND when there was none. */
int store_audio_delete(store *s, int64_t site_id, const char *lang, const char *phrase_id);
/* The recordings of a site in lang (without their bytes), by phrase id. */
int store_audio_list(store *s, arena *a, int64_t site_id, const char *lang, store_audio **out, size_t *n);

#endif
