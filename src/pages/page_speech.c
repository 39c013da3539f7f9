/*
 * page_speech.c: the audio of the public phrases, and the page where a
 * site's manager uploads recordings of them.
 *
 * GET /audio/{lang}/{id}.wav answers the audio of one public phrase
 * (phrases.h) in one language: the site's recording when ?site=ID names a
 * site that has one, else the synthetic voice (through the speech cache),
 * else 404 (a language without a voice: the page shows the text alone).
 * Anything that is not a public phrase translated in that language is a
 * 404 too: the server never speaks a text it was sent. Every answer
 * supports byte ranges (http_send_bytes_ranged), which phones' browsers
 * need to play media.
 *
 * GET and POST /sites/{id}/audio: for a manager of the site (or an
 * administrator), the public phrases of a chosen language with what is
 * heard for each, an upload of a recording (WAV, Ogg or MP3, its type
 * checked from its first bytes) and its deletion.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "store/store_audio.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/phrases.h"
#include "util/speech.h"
#include "web/page.h"
#include "web/phrase_audio.h"
#include "web/public.h"
#include "web/ui.h"
#include "pages/pages.h"
#include "domain/access.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* ---- Audio of a phrase. */

/* The media type of an uploaded file from its first bytes; NULL when it is
 * none of WAV, Ogg (Vorbis or Opus) and MP3. */
static const char *audio_type(const unsigned char *p, size_t n)
{
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WAVE", 4) == 0)
		return "audio/wav";
	if (n >= 4 && memcmp(p, "OggS", 4) == 0)
		return "audio/ogg";
	if (n >= 3 && memcmp(p, "ID3", 3) == 0)
		return "audio/mpeg";
	if (n >= 2 && p[0] == 0xFF && (p[1] & 0xE0) == 0xE0 && (p[1] & 0x06) != 0)
		return "audio/mpeg";
	return NULL;
}

/* The site of ?site=, 0 when absent; -1 when it is malformed. */
static int64_t query_site(req *r)
{
	const char *s = http_query(r, "site");
	int64_t id = 0;
	if (!s)
		return 0;
	return parse_int64(s, 1, INT64_MAX, &id) == 0 ? id : -1;
}

int page_speech_audio(req *r)
{
	page_prepare(r);
	const char *code = http_param(r, 0), *file = http_param(r, 1);
	const lang *l = code ? i18n_find_public(code) : NULL;
	size_t flen = file ? strlen(file) : 0;
	char id[PHRASE_ID_BYTES];
	/* One address per audio: the language's code as written in the table
	 * (i18n_find_public ignores case) and "{id}.wav". */
	if (!l || strcmp(l->code, code) != 0 || flen != PHRASE_ID_BYTES - 1 + 4 ||
	    strcmp(file + flen - 4, ".wav") != 0)
		return page_not_found(r);
	memcpy(id, file, PHRASE_ID_BYTES - 1);
	id[PHRASE_ID_BYTES - 1] = '\0';
	const char *msgid = phrase_by_id(id);
	int64_t site_id = query_site(r);
	if (!msgid || site_id < 0)
		return page_not_found(r);
	if (site_id > 0)
		web_public_site_fixes(r, site_id);
	const char *text = i18n_public_text(l, r->fixes, msgid);
	if (strcmp(l->code, "fr") != 0 && strcmp(text, msgid) == 0)
		return page_not_found(r);

	if (site_id > 0) {
		/* A recording may be replaced at any time: the browser asks
		 * again each time, and a 304 answers when nothing changed. */
		http_set_header(r, "Cache-Control", "no-cache");
		buf b;
		buf_init(&b, STORE_AUDIO_MAX_BYTES + 1);
		store_audio info;
		int rc = store_audio_get(r->app->store, r->arena, site_id, l->code, id, &b, &info);
		if (rc == STORE_OK) {
			char etag[SPEECH_ETAG_BYTES];
			speech_etag((const unsigned char *)b.data, b.len, etag);
			http_send_bytes_ranged(r, info.mime, b.data, b.len, etag);
			buf_free(&b);
			return 0;
		}
		buf_free(&b);
		if (rc != STORE_NOT_FOUND) {
			ui_error_page(r, 500, NULL);
			return 0;
		}
	}
	if (!speech_voice(l->code))
		return page_not_found(r);
	buf wav;
	buf_init(&wav, SPEECH_WAV_MAX_BYTES + 1);
	char etag[SPEECH_ETAG_BYTES], err[256];
	if (speech_cached(l->code, text, &wav, etag, err, sizeof(err)) != 0) {
		buf_free(&wav);
		fprintf(stderr, "level=warn msg=\"speech unavailable\" lang=%s phrase=%s error=\"%s\"\n",
		        l->code, id, err);
		http_status(r, 503);
		http_content_type(r, "text/plain; charset=utf-8");
		buf_puts(&r->out,
		         P_(r, "L'écoute n'est pas disponible pour le moment. Le texte reste affiché."));
		buf_puts(&r->out, "\n");
		return 0;
	}
	http_send_bytes_ranged(r, "audio/wav", wav.data, wav.len, etag);
	buf_free(&wav);
	return 0;
}

/* ---- The recordings of a site. */

/* The site in the path if the user manages it (or is an administrator);
 * 404 or 403 otherwise. */
static int load_site(req *r, store_site *site)
{
	if (!page_require_login(r) || page_path_site(r, site) != 0)
		return -1;
	const struct session *s = r->session;
	if (!access_may_configure_queue(&s->user, site->id)) {
		ui_error_page(
		    r, 403,
		    "Seuls les responsables du lieu et les administrateurs gèrent ses enregistrements.");
		return -1;
	}
	return 0;
}

static const store_audio *recording_of(const store_audio *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].phrase_id, id) == 0)
			return &v[i];
	return NULL;
}

static void audio_page(req *r, const store_site *site, const lang *l, const ui_errors *e)
{
	buf *o = &r->out;
	store_audio *recs = NULL;
	size_t nrecs = 0;
	if (store_audio_list(r->app->store, r->arena, site->id, l->code, &recs, &nrecs) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return;
	}
	const char *base = arena_printf(r->arena, "/sites/%lld/audio", (long long)site->id);
	if (!base)
		base = "/sites";
	ui_page_begin(r, _(r, "Enregistrements des phrases publiques"));
	const char *done = http_query(r, "done");
	if (done && strcmp(done, "upload") == 0)
		ui_notice(r, "success", _(r, "Enregistrement ajouté."));
	else if (done && strcmp(done, "delete") == 0)
		ui_notice(r, "success", _(r, "Enregistrement supprimé."));
	ui_error_summary(r, e);
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <a href=\"/sites/");
	html_int(o, site->id);
	RAW(r, "\">");
	html_txt(o, site->name);
	RAW(r, "</a></p>\n<p>");
	html_txt(o, _(r, "Un enregistrement remplace la voix de synthèse pour ce lieu. Pour les langues sans "
	                 "voix (pachto, tigrigna, somali), c'est la seule écoute possible."));
	RAW(r, "</p>\n");

	/* The choice of the language: a GET form, without script. */
	RAW(r, "<form method=\"get\" action=\"");
	html_attr(o, base);
	RAW(r, "\" class=\"inline-form\">\n");
	web_public_lang_select(r, "lang", _(r, "Langue"), l);
	RAW(r, "<button type=\"submit\">");
	html_txt(o, _(r, "Afficher"));
	RAW(r, "</button>\n</form>\n");

	RAW(r, "<p>");
	html_txt(o, speech_voice(l->code) ? _(r, "Cette langue a une voix de synthèse.")
	                                  : _(r, "Cette langue n'a pas de voix de synthèse : sans "
	                                         "enregistrement, le texte est seulement affiché."));
	RAW(r, "</p>\n");

	/* The upload: one phrase and one file. */
	RAW(r, "<h2>");
	html_txt(o, _(r, "Ajouter ou remplacer un enregistrement"));
	RAW(r, "</h2>\n<form method=\"post\" action=\"");
	html_attr(o, base);
	RAW(r,
	    "\" enctype=\"multipart/form-data\" novalidate>\n<input type=\"hidden\" name=\"" AUTH_CSRF_FIELD
	    "\" value=\"");
	html_attr(o, r->csrf ? r->csrf : "");
	RAW(r, "\">\n<input type=\"hidden\" name=\"action\" value=\"upload\">\n<input type=\"hidden\" "
	       "name=\"lang\" value=\"");
	html_attr(o, l->code);
	RAW(r, "\">\n");
	size_t n = phrase_count();
	ui_option *opts = arena_alloc(r->arena, (n ? n : 1) * sizeof(*opts));
	for (size_t i = 0; opts && i < n; i++) {
		const char *msgid = phrase_at(i);
		char id[PHRASE_ID_BYTES];
		phrase_id(msgid, id);
		opts[i].value = arena_strdup(r->arena, id);
		opts[i].label = msgid;
	}
	ui_field pf = {.name = "phrase", .label = _(r, "Phrase"), .value = page_field(r, "phrase")};
	ui_select(r, &pf, opts, opts ? n : 0, e);
	char hint[160];
	snprintf(hint, sizeof(hint), "%s %lu Ko.", _(r, "Fichier WAV, Ogg (Opus ou Vorbis) ou MP3, au plus"),
	         STORE_AUDIO_MAX_BYTES / 1024);
	ui_field ff = {
	    .name = "file", .label = _(r, "Fichier audio"), .hint = hint, .type = "file", .required = 1};
	ui_input(r, &ff, e);
	ui_submit(r, _(r, "Envoyer l'enregistrement"));
	RAW(r, "</form>\n");

	/* The phrases and what is heard for each. */
	ui_table_begin(r, "audio-phrases", _(r, "Phrases publiques et leur écoute"));
	ui_th(r, _(r, "Phrase"));
	ui_th(r, _(r, "Texte dans cette langue"));
	ui_th(r, _(r, "Écoute"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		const char *msgid = phrase_at(i);
		char id[PHRASE_ID_BYTES];
		phrase_id(msgid, id);
		const char *text = i18n_text(l, msgid);
		int translated = strcmp(l->code, "fr") == 0 || strcmp(text, msgid) != 0;
		const store_audio *rec = recording_of(recs, nrecs, id);
		RAW(r, "<tr><td>");
		html_txt(o, msgid);
		RAW(r, "</td><td");
		if (translated) {
			RAW(r, " lang=\"");
			html_attr(o, l->code);
			RAW(r, l->rtl ? "\" dir=\"rtl\">" : "\">");
			html_txt(o, text);
		} else {
			RAW(r, ">");
			html_txt(o, _(r, "(pas encore traduit)"));
		}
		RAW(r, "</td><td>");
		const char *url = translated ? page_phrase_audio_url_lang(r, site->id, l->code, msgid) : NULL;
		if (rec) {
			html_txt(o, _(r, "Enregistrement"));
			html_rawf_trusted(o, " (%s, %lld Ko)", rec->mime,
			                  (long long)((rec->bytes + 1023) / 1024));
		} else if (url) {
			html_txt(o, _(r, "Voix de synthèse"));
		} else {
			html_txt(o, _(r, "Texte seul"));
		}
		if (url) {
			RAW(r, "<br><audio controls preload=\"none\" src=\"");
			html_attr(o, url);
			RAW(r, "\" aria-label=\"");
			html_attr(o, arena_printf(r->arena, "%s %s", _(r, "Écouter :"), msgid));
			RAW(r, "\"></audio>");
		}
		if (rec) {
			ui_form_begin(r, base);
			RAW(r, "<input type=\"hidden\" name=\"action\" value=\"delete\">\n<input "
			       "type=\"hidden\" "
			       "name=\"lang\" value=\"");
			html_attr(o, l->code);
			RAW(r, "\">\n<input type=\"hidden\" name=\"phrase\" value=\"");
			html_attr(o, id);
			RAW(r, "\">\n<button type=\"submit\" class=\"button-secondary\" aria-label=\"");
			html_attr(
			    o, arena_printf(r->arena, "%s %s", _(r, "Supprimer l'enregistrement :"), msgid));
			RAW(r, "\">");
			html_txt(o, _(r, "Supprimer"));
			RAW(r, "</button>\n");
			ui_form_end(r);
		}
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
	ui_page_end(r);
}

int page_site_audio(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0)
		return 0;
	ui_errors e = {0};
	audio_page(r, &site, web_public_lang_named(http_query(r, "lang")), &e);
	return 0;
}

int page_site_audio_post(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0 || !page_require_form(r))
		return 0;
	const lang *l = web_public_lang_named(page_field(r, "lang"));
	const char *action = page_field(r, "action");
	const char *id = page_field(r, "phrase");
	ui_errors e = {0};
	const char *msgid = phrase_by_id(id);
	if (!msgid)
		field_error_add(&e, "phrase", "Choisissez une phrase de la liste.");
	int rc = STORE_OK;
	if (strcmp(action, "delete") == 0) {
		if (!e.n) {
			rc = store_audio_delete(r->app->store, site.id, l->code, id);
			if (rc == STORE_NOT_FOUND)
				rc = STORE_OK; /* deleted already: the same page */
		}
	} else {
		const http_field *file = http_form_field(r, "file");
		const char *mime = NULL;
		if (!file || !file->filename || file->value_len == 0)
			field_error_add(&e, "file", "Choisissez le fichier audio à envoyer.");
		else if (file->value_len > STORE_AUDIO_MAX_BYTES)
			field_error_add(&e, "file", "Ce fichier est trop gros : 2 Mo au plus.");
		else if (!(mime = audio_type((const unsigned char *)file->value, file->value_len)))
			field_error_add(&e, "file", "Ce fichier n'est pas un fichier audio WAV, Ogg ou MP3.");
		if (!e.n)
			rc = store_audio_put(r->app->store, site.id, l->code, id, mime, file->value,
			                     file->value_len, r->session->user.id);
	}
	if (e.n) {
		http_status(r, 400);
		audio_page(r, &site, l, &e);
		return 0;
	}
	const char *to = arena_printf(r->arena, "/sites/%lld/audio?lang=%s&done=%s", (long long)site.id,
	                              l->code, strcmp(action, "delete") == 0 ? "delete" : "upload");
	return page_stored(r, rc, strcmp(action, "delete") == 0 ? "delete" : "update", "recorded_audio", 0,
	                   site.id, id, to ? to : "/sites");
}
