/*
 * speech.h: text to speech for the public pages, so that a person who
 * cannot read can hear each question and each choice. The speech is made by
 * the espeak-ng program, run as a separate process (never through a shell),
 * and comes back as a WAV file.
 */
#ifndef GUICHET_SPEECH_H
#define GUICHET_SPEECH_H

#include <stddef.h>

#include "util/util.h"

/* The largest WAV accepted from espeak-ng, the longest text spoken, and how
 * long one run may take before it is killed. */
#define SPEECH_WAV_MAX_BYTES (4UL * 1024UL * 1024UL)
#define SPEECH_TEXT_MAX_BYTES 1000UL
#define SPEECH_TIMEOUT_MS 10000

/* The espeak-ng voice of a language code ("fr", "en", "ar"), NULL when
 * there is none. */
const char *speech_voice(const char *lang);

/* Speaks text in lang and appends the WAV to out (which the caller set up
 * with buf_init). 0, or -1 with the reason in err: no voice for the
 * language, text too long or not UTF-8, espeak-ng missing, failing, too
 * slow, or answering something that is no WAV. */
int speech_wav(const char *lang, const char *text, buf *out, char *err, size_t errlen);

#endif
