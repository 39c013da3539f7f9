/*
 * phrase_audio.c: the addresses of the audio of public phrases. The rules
 * of what may be heard are the same as those of page_speech.c, which
 * answers these addresses: a public phrase, translated in the language
 * (French is the source), spoken by a voice or recorded by the site.
 */
#include <string.h>

#include "app/app.h"
#include "store/store_audio.h"
#include "util/i18n.h"
#include "util/phrases.h"
#include "util/speech.h"
#include "web/phrase_audio.h"

const char *page_phrase_audio_url_lang(req *r, int64_t site_id, const char *code, const char *msgid)
{
	const lang *l = i18n_find_public(code);
	if (!l || !msgid || !phrase_is_public(msgid))
		return NULL;
	if (strcmp(l->code, "fr") != 0 && strcmp(i18n_public_text(l, r->fixes, msgid), msgid) == 0)
		return NULL;
	char id[PHRASE_ID_BYTES];
	phrase_id(msgid, id);
	if (site_id > 0 && r->app && r->app->store &&
	    store_audio_exists(r->app->store, site_id, l->code, id) == 1)
		return arena_printf(r->arena, "/audio/%s/%s.wav?site=%lld", l->code, id, (long long)site_id);
	if (!speech_voice(l->code))
		return NULL;
	if (site_id > 0)
		return arena_printf(r->arena, "/audio/%s/%s.wav?site=%lld", l->code, id, (long long)site_id);
	return arena_printf(r->arena, "/audio/%s/%s.wav", l->code, id);
}

const char *page_phrase_audio_url(req *r, int64_t site_id, const char *msgid)
{
	return page_phrase_audio_url_lang(r, site_id, r->lang ? r->lang->code : "fr", msgid);
}
