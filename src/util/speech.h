/*
 * speech.h: text to speech for the public pages, so that a person who
 * cannot read hears each question, each choice and each call of the waiting
 * room. The speech is made by the espeak-ng program, run as a separate
 * process (never through a shell), and comes back as a WAV file whose sizes
 * are corrected before anyone sees it.
 *
 * The text never reaches espeak-ng's command line: it is cleaned
 * (speech_clean_text) and written to the program's standard input, which
 * it reads as plain text (no -m: no SSML). The command line holds only the
 * program's own options and the voice, chosen from a fixed table.
 *
 * Speech is made once per voice and text, then kept by the speech cache: in
 * memory within a byte budget, and on disk when a directory is configured.
 * Several requests for the same text at once run espeak-ng once.
 */
#ifndef GUICHET_SPEECH_H
#define GUICHET_SPEECH_H

#include <stddef.h>

#include "util/util.h"

struct i18n_fixes; /* util/i18n.h */

/* The largest WAV accepted from espeak-ng, the longest text spoken, and how
 * long one run may take before it is killed. */
#define SPEECH_WAV_MAX_BYTES (4UL * 1024UL * 1024UL)
#define SPEECH_TEXT_MAX_BYTES 1000UL
#define SPEECH_TIMEOUT_MS 10000
/* The memory the cache keeps by default, and the most a setting may ask. */
#define SPEECH_CACHE_DEFAULT_BYTES (32UL * 1024UL * 1024UL)
/* An ETag: a quoted hash of the bytes, "\"" 32 hex digits "\"", NUL. */
#define SPEECH_ETAG_BYTES 35
/* The most arguments speech_command writes, the final NULL included. */
#define SPEECH_ARGV_MAX 10

/* The espeak-ng voice of a language code ("fr", "ar", "zh"), NULL when
 * there is none (ps, ti, so…): those languages are shown as text, or heard
 * from a recorded file a site uploaded. */
const char *speech_voice(const char *lang);

/* Cleans a text of n bytes (which may hold NULs and invalid UTF-8) into
 * out: control characters, NULs, invalid UTF-8, direction marks and the
 * markup characters < > & become spaces; runs of spaces become one; the
 * ends are trimmed; the text is cut at a character boundary to at most
 * SPEECH_TEXT_MAX_BYTES. out must hold SPEECH_TEXT_MAX_BYTES + 1 bytes.
 * Returns the length written (0 when nothing is left to say). */
size_t speech_clean_text(const char *in, size_t n, char *out, size_t outlen);

/* espeak-ng writes to a pipe a WAV whose RIFF and data sizes are those of
 * an endless stream (about 2 GB). Sets them to what the len bytes hold.
 * 0, or -1 when wav is no RIFF/WAVE file with a data chunk. */
int speech_wav_fix_sizes(unsigned char *wav, size_t len);

/* The program's argument vector for a voice, in argv (at most
 * SPEECH_ARGV_MAX entries, NULL-terminated); the text is never among them.
 * Exposed for the tests. */
void speech_command(const char *voice, const char *argv[SPEECH_ARGV_MAX]);
/* Runs another program instead of espeak-ng (tests); NULL goes back. */
void speech_program_set(const char *program);

/* Speaks text in lang and appends the WAV, sizes corrected, to out (which
 * the caller set up with buf_init). No cache. 0, or -1 with the reason in
 * err: no voice for the language, nothing to say once cleaned, espeak-ng
 * missing, failing, too slow, or answering something that is no WAV. */
int speech_wav(const char *lang, const char *text, buf *out, char *err, size_t errlen);

/* ---- The cache (speech_cache.c). */

/* Sets the memory budget in bytes (0 keeps nothing in memory) and the
 * directory where each made WAV is also written (NULL or "" for none; it
 * must exist). Called once before the server starts its threads. */
void speech_cache_configure(size_t max_bytes, const char *dir);
/* Like speech_wav, through the cache: appends the WAV of text in lang to
 * out and, when etag is not NULL, writes its ETag there. A text made
 * already is copied from memory or disk without running espeak-ng; while
 * it is being made, other callers wait for it. */
int speech_cached(const char *lang, const char *text, buf *out, char etag[SPEECH_ETAG_BYTES], char *err,
                  size_t errlen);
/* Counters since start: runs of espeak-ng, answers from memory, from disk. */
void speech_cache_stats(unsigned long long *runs, unsigned long long *memory_hits,
                        unsigned long long *disk_hits);
/* Forgets what memory holds and resets the counters (tests). */
void speech_cache_clear(void);

/* The ETag of bytes, as the cache makes it. */
void speech_etag(const unsigned char *data, size_t len, char out[SPEECH_ETAG_BYTES]);

/* ---- The calls of the public screen (speech_call.c). */

/* The sentence spoken for a call in lang, into out (from buf_init): the
 * translation of the public phrase "Numéro {ticket}. {desk}, s'il vous
 * plaît." with the ticket label ("A012") and the desk's name ("Guichet 2")
 * written out in words (spoken.h). A language without a catalog speaks
 * French. 0, or -1 when label is empty or out overflows. */
int speech_call_text(const char *lang, const char *label, const char *desk, buf *out);
/* The same with a site's own wording of the two phrases (i18n.h), or NULL. */
int speech_call_text_fixed(const char *lang, const char *label, const char *desk, const struct i18n_fixes *fixes,
                           buf *out);

/* The WAV of a call, for the public screen: what
 * GET /sites/{id}/screen/audio/{event_id}/{lang}.wav answers.
 *
 *   lang   a language code ("fr", "ar"…); the caller speaks each call in
 *          French and in the language the person chose;
 *   label  the ticket's number as printed ("A012");
 *   desk   the desk's name as the site wrote it ("Guichet 2", "Bureau B");
 *   out    a buffer from buf_init with room for SPEECH_WAV_MAX_BYTES; the
 *          WAV is appended, with correct sizes in its header;
 *   etag   when not NULL, receives the WAV's ETag, for
 *          http_send_bytes_ranged.
 *
 * Goes through the speech cache (a recall is not made again). Returns 0;
 * SPEECH_NO_VOICE when the language has no voice (ps, ti, so: show the
 * text only, answer 404, which the screen takes as "no audio"); -1 with
 * the reason in err when espeak-ng fails (answer 503). */
#define SPEECH_NO_VOICE 1
int speech_call_wav(const char *lang, const char *label, const char *desk, buf *out,
                    char etag[SPEECH_ETAG_BYTES], char *err, size_t errlen);
/* The same with a site's own wording of the call's phrases, or NULL. */
int speech_call_wav_fixed(const char *lang, const char *label, const char *desk, const struct i18n_fixes *fixes,
                          buf *out, char etag[SPEECH_ETAG_BYTES], char *err, size_t errlen);

#endif
