/*
 * phrase_audio.h: the address of the audio of a public phrase, for the
 * public pages (kiosk, ticket, phone page, screen, satisfaction) to put in
 * an <audio> element or a "listen" button.
 */
#ifndef GUICHET_PHRASE_AUDIO_H
#define GUICHET_PHRASE_AUDIO_H

#include <stdint.h>

#include "http/http.h"

/* "/audio/{lang}/{id}.wav" for msgid in the request's language, with
 * "?site=ID" when site_id > 0 (a recording the site uploaded is then heard
 * instead of the synthetic voice); from the request's arena. NULL when
 * there is nothing to hear: msgid is no public phrase (phrases.h), the
 * language does not translate it, or the language has no voice and the
 * site no recording of it. Show the text alone then. */
const char *page_phrase_audio_url(req *r, int64_t site_id, const char *msgid);

/* The same for the language code lang rather than the request's. */
const char *page_phrase_audio_url_lang(req *r, int64_t site_id, const char *lang, const char *msgid);

#endif
