/*
 * page_screen.c: the public screen of a waiting room (a TV), its live
 * events and the audio of its calls.
 *
 *   GET /sites/ID/screen?key=KEY           the screen (server-rendered)
 *   GET /sites/ID/screen/events?key=KEY    its Server-Sent Events
 *   GET /sites/ID/screen/audio/EVENT/LANG.wav?key=KEY   a call, spoken
 *
 * KEY is queue_public_key(secret, site, "screen"): the address cannot be
 * found from the site's id, and a wrong key answers exactly like a missing
 * site (404). A staff member of the site who opens /sites/ID/screen logged
 * in, without a key, gets the keyed address to open on the TV.
 *
 * The page shows the state when it was made: the tickets being called
 * (label and desk, large), the last calls, the site's notices, and a
 * "refresh" link; nothing else is needed without JavaScript, and there is
 * no <meta refresh>. With JavaScript (static/screen.js) it follows the
 * site's events: each call is written into a polite live region, in French
 * and in the language the person chose, and spoken in both (the <audio>
 * plays the addresses the event gives), unless muted; any other event
 * makes the script fetch the page again and swap its lists and notices.
 *
 * The texts of a call are translated here, on the server, when the event
 * goes out: the stream's filter (screen_filter) adds to the call's data
 * "text_fr", "text" (in the person's language, with "lang" and "dir") and
 * "audio" (the addresses of the two spoken calls, for the languages that
 * have a voice). The script only places them: it needs no catalog.
 *
 * The page's own words are in French unless ?lang= names a public
 * language; the high-contrast large-type mode is ?contrast=1, a plain link,
 * so that it works without JavaScript and survives a reload.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/events.h"
#include "domain/queue.h"
#include "pages/pages.h"
#include "domain/access.h"
#include "store/store_phrases.h"
#include "store/store_queue.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/speech.h"
#include "web/page.h"
#include "web/public.h"
#include "web/sse.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* Calls shown as being called, and as the last calls. */
#define SCREEN_NOW_MAX 4
#define SCREEN_PAST_MAX 8

/* TRANSLATORS: the public screen's text of a call, shown and read by
 * screen readers. Keep {ticket} (the ticket's number, "A012") and {desk}
 * (the desk's name as the site wrote it, "Guichet 2"). */
static const char CALL_TEXT[] = NP_("Ticket {ticket} : {desk}");

typedef struct screen {
	int64_t site_id;
	store_site site;
	const char *key;
	int contrast;
} screen;

/* What the stream's filter keeps: the site and its key, for the audio
 * addresses. No pointer into the request. */
/* The site's own wording of the call's sentence in one language. */
typedef struct screen_call_fix {
	char lang[9];
	char text[STORE_PHRASE_FIX_MAX_BYTES + 1];
} screen_call_fix;

/* What the stream's filter keeps of the page: the site's key for the audio
 * addresses, and the site's wordings of CALL_TEXT (most sites have none). */
typedef struct screen_arg {
	int64_t site_id;
	char key[33];
	size_t nfix;
	screen_call_fix fix[];
} screen_arg;

/* Whether the logged-in user works at the site (or administers them all). */
static int staff_of(req *r, int64_t site_id)
{
	const struct session *s = r->session;
	return s && (access_may_serve_queue(&s->user, site_id) || access_may_configure_queue(&s->user, site_id));
}

static int key_ok(req *r, int64_t site_id, const char *key)
{
	char want[33];
	queue_public_key(r->app->secret, site_id, "screen", want);
	return key && strlen(key) == 32 && sodium_memcmp(want, key, 32) == 0;
}

/* Loads the site and checks the key. 0; 1 when the staff's page (the
 * address to open on the TV) was answered; -1 once answered (404 for a
 * wrong key, exactly as for a missing site). */
static int screen_load(req *r, screen *sc, int staff_page)
{
	page_prepare(r);
	memset(sc, 0, sizeof *sc);
	sc->key = http_query(r, "key");
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &sc->site_id) != 0) {
		page_not_found(r);
		return -1;
	}
	int rc = store_site_get(r->app->store, r->arena, sc->site_id, &sc->site);
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && !sc->key && !(staff_page && staff_of(r, sc->site_id)))) {
		page_not_found(r);
		return -1;
	}
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return -1;
	}
	if (!sc->key)
		return 1;
	if (!key_ok(r, sc->site_id, sc->key)) {
		page_not_found(r);
		return -1;
	}
	/* A public page keeps no language in a cookie: French, or ?lang=. */
	const lang *l = i18n_find_public(http_query(r, "lang"));
	r->lang = l ? l : i18n_default();
	web_public_site_fixes(r, sc->site_id);
	const char *c = http_query(r, "contrast");
	sc->contrast = c && strcmp(c, "1") == 0;
	return 0;
}

/* "/sites/ID/screen" + rest + "?key=KEY", then the language unless French,
 * then "&contrast=1" when contrast; from the arena. */
static const char *screen_path(req *r, const screen *sc, const char *rest, int contrast)
{
	buf b;
	buf_init(&b, LIMIT_URL_BYTES);
	buf_printf(&b, "/sites/%lld/screen%s?key=", (long long)sc->site_id, rest);
	html_url_arg(&b, sc->key);
	if (r->lang && strcmp(r->lang->code, "fr") != 0) {
		buf_puts(&b, "&lang=");
		html_url_arg(&b, r->lang->code);
	}
	if (contrast)
		buf_puts(&b, "&contrast=1");
	const char *p = b.overflow || !b.data ? "/" : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return p ? p : "/";
}

/* Appends template with {ticket} and {desk} replaced; never a printf
 * format, since the template is a translation. */
static void call_text(buf *out, const char *template, const char *label, const char *desk)
{
	for (const char *p = template; *p;) {
		if (strncmp(p, "{ticket}", 8) == 0) {
			buf_puts(out, label);
			p += 8;
		} else if (strncmp(p, "{desk}", 6) == 0) {
			buf_puts(out, desk);
			p += 6;
		} else {
			buf_putc(out, *p++);
		}
	}
}

/* ---- the stream's filter: the texts and audio of a call ---- */


static const char *json_text(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));
	return s ? s : "";
}

static void audio_url(json_t *list, const screen_arg *a, uint64_t event_id, const char *code)
{
	if (!speech_voice(code))
		return;
	char url[160];
	snprintf(url, sizeof url, "/sites/%lld/screen/audio/%llu/%s.wav?key=%s", (long long)a->site_id,
	         (unsigned long long)event_id, code, a->key);
	json_array_append_new(list, json_string(url));
}

/* The text of a call in language l, as a new jansson string. */
static json_t *call_json_text(const screen_arg *a, const lang *l, const char *label, const char *desk)
{
	const char *template = i18n_text(l, CALL_TEXT);
	for (size_t i = 0; i < a->nfix; i++)
		if (strcmp(a->fix[i].lang, l->code) == 0)
			template = a->fix[i].text;
	buf text;
	buf_init(&text, EVENTS_DATA_MAX);
	call_text(&text, template, label, desk);
	json_t *s = json_string(text.data && !text.overflow ? text.data : "");
	buf_free(&text);
	return s;
}

static int screen_filter(const event *e, void *arg, buf *data)
{
	const screen_arg *a = arg;
	if (strcmp(e->kind, "call") != 0)
		return 1; /* every other event as it is: the page reloads its lists */
	json_t *o = json_loads(e->data, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return 0;
	}
	const char *label = json_text(o, "label"), *desk = json_text(o, "desk");
	const lang *fr = i18n_default();
	const lang *l = i18n_find_public(json_text(o, "lang"));
	if (!l)
		l = fr;
	/* The event's own fields stay; the texts and audio are added. */
	json_object_set_new(o, "lang", json_string(l->code));
	json_object_set_new(o, "dir", json_string(l->rtl ? "rtl" : "ltr"));
	json_object_set_new(o, "text_fr", call_json_text(a, fr, label, desk));
	json_object_set_new(o, "text", call_json_text(a, l, label, desk));
	json_t *audio = json_array();
	audio_url(audio, a, e->id, "fr");
	if (l != fr)
		audio_url(audio, a, e->id, l->code);
	json_object_set_new(o, "audio", audio);
	char *out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!out)
		return 0;
	buf_puts(data, out);
	free(out);
	return !data->overflow;
}

/* ---- the page ---- */

static void page_begin(req *r, const screen *sc, const char *title)
{
	buf *o = &r->out;
	RAW(r, "<!doctype html>\n<html lang=\"");
	html_attr(o, r->lang->code);
	RAW(r, r->lang->rtl ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	RAW(r, "<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"robots\" content=\"noindex\">\n<title>");
	html_txt(o, title);
	RAW(r, " — ");
	html_txt(o, sc->site.name);
	RAW(r, "</title>\n<link rel=\"stylesheet\" href=\"/static/guichet.css\">\n");
	/* The fonts of every script, served by the site itself. */
	web_public_styles(r);
	RAW(r, "<link rel=\"stylesheet\" href=\"/static/screen.css\">\n"
	       "<link rel=\"icon\" href=\"/static/logo.svg\" type=\"image/svg+xml\">\n"
	       "<script src=\"/static/screen.js\" defer></script>\n</head>\n");
	/* The stream starts after the newest event the page already shows. */
	const char *events = screen_path(r, sc, "/events", 0);
	RAW(r, "<body class=\"screen");
	if (sc->contrast)
		RAW(r, " screen-contrast");
	RAW(r, "\" data-events=\"");
	html_attr(o, events);
	html_rawf_trusted(o, "&amp;last=%llu", (unsigned long long)events_last_id(sc->site_id));
	RAW(r, "\" data-page=\"");
	html_attr(o, screen_path(r, sc, "", sc->contrast));
	RAW(r, "\" data-mute=\"");
	html_attr(o, P_(r, "Couper le son"));
	RAW(r, "\" data-unmute=\"");
	html_attr(o, P_(r, "Remettre le son"));
	RAW(r, "\">\n");
}

static void call_item(req *r, const store_ticket *t)
{
	buf *o = &r->out;
	RAW(r, "<li class=\"screen-call\"><span class=\"screen-ticket\"><bdi dir=\"ltr\">");
	html_txt(o, t->label);
	RAW(r, "</bdi></span> <span class=\"screen-arrow\" aria-hidden=\"true\">→</span> "
	       "<span class=\"screen-desk\"><bdi>");
	html_txt(o, t->desk && *t->desk ? t->desk : "—");
	RAW(r, "</bdi></span></li>\n");
}

/* The two lists: the tickets being called, then those called before and
 * now served (the last calls). */
static void screen_lists(req *r, const store_ticket *t, size_t n)
{
	buf *o = &r->out;
	size_t now = 0, past = 0;
	for (size_t i = 0; i < n; i++)
		now += t[i].status == QUEUE_APPELE;
	RAW(r, "<section class=\"screen-now\" aria-labelledby=\"screen-now-title\">\n<h2 id=\"screen-now-title\">");
	html_txt(o, P_(r, "Appels en cours"));
	RAW(r, "</h2>\n<div id=\"screen-now\">\n");
	if (now == 0) {
		RAW(r, "<p class=\"screen-empty\">");
		html_txt(o, P_(r, "Aucun appel pour le moment."));
		RAW(r, "</p>\n");
	} else {
		RAW(r, "<ul class=\"screen-calls\">\n");
		for (size_t i = 0, shown = 0; i < n && shown < SCREEN_NOW_MAX; i++)
			if (t[i].status == QUEUE_APPELE) {
				call_item(r, &t[i]);
				shown++;
			}
		RAW(r, "</ul>\n");
	}
	RAW(r, "</div>\n</section>\n");

	RAW(r, "<section class=\"screen-past\" aria-labelledby=\"screen-past-title\">\n<h2 id=\"screen-past-title\">");
	html_txt(o, P_(r, "Derniers appels"));
	RAW(r, "</h2>\n<div id=\"screen-past\">\n");
	for (size_t i = 0; i < n; i++)
		past += t[i].status == QUEUE_EN_COURS;
	if (past == 0) {
		RAW(r, "<p class=\"screen-empty\">—</p>\n");
	} else {
		RAW(r, "<ul class=\"screen-calls screen-calls-past\">\n");
		for (size_t i = 0, shown = 0; i < n && shown < SCREEN_PAST_MAX; i++)
			if (t[i].status == QUEUE_EN_COURS) {
				call_item(r, &t[i]);
				shown++;
			}
		RAW(r, "</ul>\n");
	}
	RAW(r, "</div>\n</section>\n");
}

/* The staff's page: the address to open on the TV. */
static int screen_address(req *r, const screen *sc)
{
	buf *o = &r->out;
	char key[33];
	queue_public_key(r->app->secret, sc->site_id, "screen", key);
	const char *path = arena_printf(r->arena, "/sites/%lld/screen?key=%s", (long long)sc->site_id, key);
	ui_page_begin(r, _(r, "Écran de la salle d'attente"));
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <strong>");
	html_txt(o, sc->site.name);
	RAW(r, "</strong></p>\n<p>");
	html_txt(o, _(r, "Ouvrez cette adresse sur l'écran de la salle d'attente. Elle contient une clé propre au "
	                 "lieu : ne la modifiez pas."));
	RAW(r, "</p>\n<p><a class=\"url\" href=\"");
	html_attr(o, path ? path : "/");
	RAW(r, "\"><bdi>");
	html_txt(o, path ? path : "");
	RAW(r, "</bdi></a></p>\n");
	ui_page_end(r);
	return 0;
}

int page_screen(req *r)
{
	screen sc;
	int rc = screen_load(r, &sc, 1);
	if (rc == 1)
		return screen_address(r, &sc);
	if (rc < 0)
		return 0;
	store_ticket *t = NULL;
	size_t n = 0;
	if (store_queue_active(r->app->store, r->arena, sc.site_id, &t, &n) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	buf *o = &r->out;
	const char *title = P_(r, "Appels");
	page_begin(r, &sc, title);
	RAW(r, "<main id=\"contenu\" class=\"screen-main\">\n<header class=\"screen-head\">\n<h1>");
	html_txt(o, title);
	RAW(r, " <span class=\"screen-site\">");
	html_txt(o, sc.site.name);
	RAW(r, "</span></h1>\n<ul class=\"screen-tools\">\n"
	       "<li><button type=\"button\" id=\"screen-mute\" class=\"screen-mute\" aria-pressed=\"false\" hidden>");
	html_txt(o, P_(r, "Couper le son"));
	RAW(r, "</button></li>\n<li><a href=\"");
	html_attr(o, screen_path(r, &sc, "", !sc.contrast));
	RAW(r, "\">");
	html_txt(o, sc.contrast ? P_(r, "Affichage normal") : P_(r, "Contraste élevé, grands caractères"));
	RAW(r, "</a></li>\n<li><a href=\"");
	html_attr(o, screen_path(r, &sc, "", sc.contrast));
	RAW(r, "\">");
	html_txt(o, P_(r, "Actualiser"));
	RAW(r, "</a></li>\n</ul>\n</header>\n");
	/* Each call is written here by screen.js; screen readers say it. */
	RAW(r, "<div id=\"screen-live\" class=\"screen-live\" role=\"status\" aria-live=\"polite\" "
	       "aria-atomic=\"true\"></div>\n");
	screen_lists(r, t, n);
	RAW(r, "<div id=\"screen-notices\">\n");
	page_notices_current(r, sc.site_id, now_s(), 2);
	RAW(r, "</div>\n<audio id=\"screen-audio\" preload=\"none\"></audio>\n</main>\n</body>\n</html>\n");
	return 0;
}

int page_screen_events(req *r)
{
	screen sc;
	if (screen_load(r, &sc, 0) != 0)
		return 0;
	size_t nfix = 0;
	for (size_t i = 0; r->fixes && i < r->fixes->n; i++)
		nfix += strcmp(r->fixes->v[i].msgid, CALL_TEXT) == 0;
	size_t size = sizeof(screen_arg) + nfix * sizeof(screen_call_fix);
	screen_arg *a = arena_alloc(r->arena, size);
	if (!a) {
		ui_error_page(r, 503, NULL);
		return 0;
	}
	memset(a, 0, size);
	a->site_id = sc.site_id;
	memcpy(a->key, sc.key, 32);
	for (size_t i = 0; r->fixes && i < r->fixes->n; i++) {
		const i18n_fix *f = &r->fixes->v[i];
		if (strcmp(f->msgid, CALL_TEXT) != 0)
			continue;
		snprintf(a->fix[a->nfix].lang, sizeof a->fix[a->nfix].lang, "%s", f->lang);
		snprintf(a->fix[a->nfix].text, sizeof a->fix[a->nfix].text, "%s", f->text);
		a->nfix++;
	}
	web_sse(r, sc.site_id, screen_filter, a, size);
	return 0;
}

/* The call of event EVENT spoken in LANG (French, or the person's
 * language), while the event is among the site's recent ones. */
int page_screen_audio(req *r)
{
	screen sc;
	if (screen_load(r, &sc, 0) != 0)
		return 0;
	int64_t id;
	const char *file = http_param(r, 2);
	size_t fl = file ? strlen(file) : 0;
	if (parse_int64(http_param(r, 1), 1, INT64_MAX, &id) != 0 || fl < 5 || fl > 12 ||
	    strcmp(file + fl - 4, ".wav") != 0) {
		page_not_found(r);
		return 0;
	}
	char code[9];
	memcpy(code, file, fl - 4);
	code[fl - 4] = '\0';

	event e;
	int missed;
	if (events_since(sc.site_id, (uint64_t)id - 1, &e, 1, &missed) != 1 || e.id != (uint64_t)id ||
	    strcmp(e.kind, "call") != 0) {
		page_not_found(r);
		return 0;
	}
	json_t *o = json_loads(e.data, 0, NULL);
	const char *label = json_text(o, "label"), *desk = json_text(o, "desk");
	const lang *l = i18n_find_public(json_text(o, "lang"));
	if (strcmp(code, "fr") != 0 && (!l || strcmp(l->code, code) != 0)) {
		json_decref(o);
		page_not_found(r);
		return 0;
	}
	buf wav;
	buf_init(&wav, SPEECH_WAV_MAX_BYTES);
	char etag[SPEECH_ETAG_BYTES], err[160];
	int rc = speech_call_wav_fixed(code, label, desk, r->fixes, &wav, etag, err, sizeof err);
	json_decref(o);
	if (rc == SPEECH_NO_VOICE) {
		buf_free(&wav);
		page_not_found(r);
		return 0;
	}
	if (rc != 0 || wav.overflow) {
		buf_free(&wav);
		fprintf(stderr, "level=warn msg=\"speech of a call failed\" reason=\"%s\"\n", err);
		ui_error_page(r, 503, NULL);
		return 0;
	}
	http_set_header(r, "Cache-Control", "private, max-age=3600");
	http_send_bytes_ranged(r, "audio/wav", wav.data, wav.len, etag);
	buf_free(&wav);
	return 0;
}
