/*
 * page_avis.c: the public satisfaction page of a site, seen on a touch kiosk
 * at the desk (via=borne) or on a person's own phone after scanning a QR
 * code (via=qr). No login. The three questions of the State's model
 * (REFERENCE.md section 6), each choice as a large button with a pictogram,
 * a short text and a recording of that text, for people who read little or
 * no French. The address carries the site's key (satisfaction_key) so that
 * the pages of other sites cannot be guessed from an id.
 *
 * Also owns the throttle of answers per client address and the cache of the
 * recordings (espeak-ng, speech.c), both small in-memory tables; the cap of
 * answers per site is counted in the store, over every address.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/pages.h"
#include "pages/page_static.h"
#include "domain/satisfaction.h"
#include "util/speech.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* At most this many answers from one client address in one window: a kiosk
 * gives one answer every 20 seconds at most, and a script filling the
 * statistics is stopped early. The table forgets the oldest address when it
 * is full. */
#define AVIS_THROTTLE_MAX 30
#define AVIS_THROTTLE_WINDOW_S 600
#define AVIS_THROTTLE_ADDRESSES 1024
#define AVIS_ADDRESS_BYTES 64
/* The recordings kept: languages of the interface × phrases. */
#define AVIS_AUDIO_LANGS 16

/* The texts that can be heard, by the key used in their address. A phrase
 * is either its own msgid or one of the labels of satisfaction.h. */
enum {
	PH_Q1,
	PH_PAS_BIEN,
	PH_MOYEN,
	PH_TRES_BIEN,
	PH_Q2,
	PH_CLARTE_1,
	PH_CLARTE_2,
	PH_CLARTE_3,
	PH_CLARTE_4,
	PH_CLARTE_5,
	PH_Q3,
	PH_AVERT,
	PH_ENVOYER,
	PH_MERCI,
	PH_COUNT
};
static const struct phrase {
	const char *key;
	const char *msgid;
	const char *const *labels; /* when msgid is NULL: labels[index] */
	int index;
} phrases[PH_COUNT] = {
    [PH_Q1] = {"question1", N_("De façon générale, comment ça s'est passé ?"), NULL, 0},
    [PH_PAS_BIEN] = {"pas_bien", NULL, SATISFACTION_LABELS, 0},
    [PH_MOYEN] = {"moyen", NULL, SATISFACTION_LABELS, 1},
    [PH_TRES_BIEN] = {"tres_bien", NULL, SATISFACTION_LABELS, 2},
    [PH_Q2] = {"question2", N_("Les informations données étaient-elles claires ?"), NULL, 0},
    [PH_CLARTE_1] = {"clarte_1", NULL, SATISFACTION_CLARITY_LABELS, 0},
    [PH_CLARTE_2] = {"clarte_2", NULL, SATISFACTION_CLARITY_LABELS, 1},
    [PH_CLARTE_3] = {"clarte_3", NULL, SATISFACTION_CLARITY_LABELS, 2},
    [PH_CLARTE_4] = {"clarte_4", NULL, SATISFACTION_CLARITY_LABELS, 3},
    [PH_CLARTE_5] = {"clarte_5", NULL, SATISFACTION_CLARITY_LABELS, 4},
    [PH_Q3] = {"question3", N_("Voulez-vous ajouter un commentaire ?"), NULL, 0},
    [PH_AVERT] = {"avertissement",
                  N_("N'écrivez pas votre nom, votre téléphone ni d'autres informations personnelles."), NULL,
                  0},
    [PH_ENVOYER] = {"envoyer", N_("Envoyer mon avis"), NULL, 0},
    [PH_MERCI] = {"merci", N_("Merci pour votre avis !"), NULL, 0},
};

static const char *phrase_msgid(size_t i)
{
	return phrases[i].msgid ? phrases[i].msgid : phrases[i].labels[phrases[i].index];
}

/* ---- Pictograms: drawn here, decorative (the text beside them says the
 * same), and different in shape, not only in colour. */

static const char *const smileys[3] = {
    /* Sad: mouth curved down, eyebrows raised in the middle. */
    "<svg class=\"avis-picto\" viewBox=\"0 0 48 48\" width=\"64\" height=\"64\" aria-hidden=\"true\" "
    "focusable=\"false\"><circle cx=\"24\" cy=\"24\" r=\"21\" class=\"face face-1\"/>"
    "<circle cx=\"17\" cy=\"20\" r=\"2.5\"/><circle cx=\"31\" cy=\"20\" r=\"2.5\"/>"
    "<path d=\"M12 14 L20 12 M36 14 L28 12\" class=\"line\"/>"
    "<path d=\"M14 36 Q24 26 34 36\" class=\"line\"/></svg>",
    /* Neutral: a straight mouth. */
    "<svg class=\"avis-picto\" viewBox=\"0 0 48 48\" width=\"64\" height=\"64\" aria-hidden=\"true\" "
    "focusable=\"false\"><circle cx=\"24\" cy=\"24\" r=\"21\" class=\"face face-2\"/>"
    "<circle cx=\"17\" cy=\"20\" r=\"2.5\"/><circle cx=\"31\" cy=\"20\" r=\"2.5\"/>"
    "<path d=\"M15 32 L33 32\" class=\"line\"/></svg>",
    /* Happy: a wide open smile. */
    "<svg class=\"avis-picto\" viewBox=\"0 0 48 48\" width=\"64\" height=\"64\" aria-hidden=\"true\" "
    "focusable=\"false\"><circle cx=\"24\" cy=\"24\" r=\"21\" class=\"face face-3\"/>"
    "<circle cx=\"17\" cy=\"19\" r=\"2.5\"/><circle cx=\"31\" cy=\"19\" r=\"2.5\"/>"
    "<path d=\"M13 28 Q24 42 35 28 Z\" class=\"mouth\"/></svg>",
};

/* The clarity scale: level n fills n bars of growing height out of five. */
static void clarity_picto(req *r, int level)
{
	RAW(r, "<svg class=\"avis-picto avis-bars\" viewBox=\"0 0 50 40\" width=\"50\" height=\"40\" "
	       "aria-hidden=\"true\" focusable=\"false\">");
	for (int i = 1; i <= 5; i++)
		html_rawf_trusted(&r->out, "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"%d\" class=\"%s\"/>",
		                  (i - 1) * 10 + 1, 38 - i * 7, i * 7, i <= level ? "bar-on" : "bar-off");
	RAW(r, "</svg>");
}

static const char warning_picto[] =
    "<svg class=\"avis-warn-picto\" viewBox=\"0 0 48 48\" width=\"40\" height=\"40\" aria-hidden=\"true\" "
    "focusable=\"false\"><path d=\"M24 4 L46 44 L2 44 Z\" class=\"warn\"/>"
    "<path d=\"M24 18 L24 32\" class=\"line\"/><circle cx=\"24\" cy=\"38\" r=\"2.5\"/></svg>";

static const char send_picto[] =
    "<svg class=\"avis-send-picto\" viewBox=\"0 0 48 48\" width=\"36\" height=\"36\" "
    "aria-hidden=\"true\" focusable=\"false\"><path d=\"M4 22 L44 6 L30 44 L22 28 Z\" "
    "class=\"send\"/></svg>";

/* ---- The address of a site's page. */

typedef struct avis_target {
	int64_t site_id;
	const char *key;
	const char *via; /* "borne" or "qr" */
	store_site site;
} avis_target;

/* "/avis/ID?k=KEY&via=VIA" and an optional suffix, from the arena. */
static const char *avis_path(req *r, const avis_target *t, const char *suffix)
{
	buf b;
	buf_init(&b, 1024);
	buf_printf(&b, "/avis/%lld?k=", (long long)t->site_id);
	html_url_arg(&b, t->key);
	buf_puts(&b, "&via=");
	buf_puts(&b, t->via);
	if (suffix)
		buf_puts(&b, suffix);
	const char *p = b.overflow || !b.data ? NULL : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return p ? p : "/";
}

/* Reads the site and checks the key. 0, or -1 once answered: a missing site
 * and a wrong key answer exactly the same 404. */
static int avis_target_load(req *r, avis_target *t)
{
	page_prepare(r);
	memset(t, 0, sizeof(*t));
	const char *via = http_query(r, "via");
	t->via = via && strcmp(via, "borne") == 0 ? "borne" : "qr";
	t->key = http_query(r, "k");
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &t->site_id) != 0 || !t->key) {
		page_not_found(r);
		return -1;
	}
	/* The key of the site's current generation only: once a manager has
	 * changed it, the old address answers like a wrong key. */
	int64_t generation = 0;
	int rc = store_satisfaction_key_generation(r->app->store, t->site_id, &generation);
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return -1;
	}
	if (!satisfaction_key_ok(r->app->secret, t->site_id, generation, t->key)) {
		page_not_found(r);
		return -1;
	}
	rc = store_site_get(r->app->store, r->arena, t->site_id, &t->site);
	if (rc == STORE_NOT_FOUND) {
		page_not_found(r);
		return -1;
	}
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return -1;
	}
	/* The language switcher sends the person back to r->path: it must keep
	 * the key, or the page would be lost after choosing a language. */
	r->path = avis_path(r, t, NULL);
	return 0;
}

/* ---- Rendering. */

/* An audio player of a phrase, in the page's language, named "Écouter :
 * TEXT" for screen readers. */
static void audio_player(req *r, size_t phrase)
{
	const char *text = _(r, phrase_msgid(phrase));
	const char *name = arena_printf(r->arena, "%s %s", _(r, "Écouter :"), text);

	RAW(r, "<audio class=\"avis-audio\" controls preload=\"none\" src=\"/avis/audio/");
	html_url_arg(&r->out, r->lang->code);
	RAW(r, "/");
	html_url_arg(&r->out, phrases[phrase].key);
	RAW(r, "\" aria-label=\"");
	html_attr(&r->out, name ? name : text);
	RAW(r, "\"></audio>\n");
}

/* A legend with its number, its text, and "optional" when it is. */
static void legend(req *r, int number, size_t phrase, int optional)
{
	html_rawf_trusted(&r->out, "<legend><span class=\"avis-num\" aria-hidden=\"true\">%d</span> ",
	                  number);
	html_txt(&r->out, _(r, phrase_msgid(phrase)));
	if (optional) {
		RAW(r, " <span class=\"avis-optional\">");
		html_txt(&r->out, _(r, "(facultatif)"));
		RAW(r, "</span>");
	}
	RAW(r, "</legend>\n");
}

/* One large choice: the radio (first one's id is the field's name, for the
 * error summary), its card (pictogram and text) and its recording. */
static void choice(req *r, const char *name, int value, int checked, const char *label, size_t phrase,
                   const char *describedby)
{
	buf *o = &r->out;

	RAW(r, "<div class=\"avis-choice\">\n<input class=\"avis-radio\" type=\"radio\" name=\"");
	html_attr(o, name);
	RAW(r, "\" id=\"");
	html_attr(o, name);
	if (value != 1)
		html_rawf_trusted(o, "-%d", value);
	html_rawf_trusted(o, "\" value=\"%d\"", value);
	if (checked)
		RAW(r, " checked");
	if (describedby) {
		RAW(r, " aria-describedby=\"");
		html_attr(o, describedby);
		RAW(r, "\"");
	}
	RAW(r, ">\n<label class=\"avis-card\" for=\"");
	html_attr(o, name);
	if (value != 1)
		html_rawf_trusted(o, "-%d", value);
	RAW(r, "\">");
	if (strcmp(name, "overall") == 0)
		RAW(r, smileys[value - 1]);
	else
		clarity_picto(r, value);
	RAW(r, "<span class=\"avis-label\">");
	html_txt(o, _(r, label));
	RAW(r, "</span></label>\n");
	audio_player(r, phrase);
	RAW(r, "</div>\n");
}

static void avis_form(req *r, const avis_target *t, const store_satisfaction *a, const ui_errors *e)
{
	buf *o = &r->out;

	auth_pre_session(r);
	ui_page_begin(r, _(r, "Votre avis"));
	RAW(r, "<p class=\"avis-site\">");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <bdi>");
	html_txt(o, t->site.name);
	RAW(r, "</bdi></p>\n<p class=\"avis-intro\">");
	html_txt(o, _(r, "Votre avis nous aide à mieux vous accueillir. Il est anonyme."));
	RAW(r, "</p>\n");
	ui_error_summary(r, e);
	RAW(r, "<div class=\"avis\">\n");
	ui_form_begin(r, avis_path(r, t, NULL));

	const char *err1 = field_error_for(e, "overall");
	RAW(r, "<fieldset class=\"avis-q avis-q1\">\n");
	legend(r, 1, PH_Q1, 0);
	audio_player(r, PH_Q1);
	if (err1)
		ui_field_error(r, "overall", err1);
	RAW(r, "<div class=\"avis-choices avis-choices-3\">\n");
	for (int v = 1; v <= 3; v++)
		choice(r, "overall", v, a->overall == v, SATISFACTION_LABELS[v - 1],
		       PH_PAS_BIEN + (size_t)(v - 1), err1 ? "overall-error" : NULL);
	RAW(r, "</div>\n</fieldset>\n");

	const char *err2 = field_error_for(e, "clarity");
	RAW(r, "<fieldset class=\"avis-q avis-q2\">\n");
	legend(r, 2, PH_Q2, 1);
	audio_player(r, PH_Q2);
	if (err2)
		ui_field_error(r, "clarity", err2);
	RAW(r, "<div class=\"avis-choices avis-choices-5\">\n");
	for (int v = 1; v <= 5; v++)
		choice(r, "clarity", v, a->clarity == v, SATISFACTION_CLARITY_LABELS[v - 1],
		       PH_CLARTE_1 + (size_t)(v - 1), err2 ? "clarity-error" : NULL);
	RAW(r, "</div>\n</fieldset>\n");

	const char *err3 = field_error_for(e, "comment");
	RAW(r, "<div class=\"avis-q avis-q3\">\n<label class=\"avis-q3-label\" for=\"comment\">"
	       "<span class=\"avis-num\" aria-hidden=\"true\">3</span> ");
	html_txt(o, _(r, phrase_msgid(PH_Q3)));
	RAW(r, " <span class=\"avis-optional\">");
	html_txt(o, _(r, "(facultatif)"));
	RAW(r, "</span></label>\n");
	audio_player(r, PH_Q3);
	RAW(r, "<div class=\"avis-warning\">");
	RAW(r, warning_picto);
	RAW(r, "<p id=\"comment-hint\">");
	html_txt(o, _(r, phrase_msgid(PH_AVERT)));
	RAW(r, "</p>\n");
	audio_player(r, PH_AVERT);
	RAW(r, "</div>\n");
	if (err3)
		ui_field_error(r, "comment", err3);
	/* autocomplete off: on a kiosk, the next person must not be offered
	 * what the previous one wrote. */
	html_rawf_trusted(
	    o, "<textarea id=\"comment\" name=\"comment\" rows=\"4\" maxlength=\"%d\" autocomplete=\"off\"",
	    SATISFACTION_COMMENT_BYTES);
	RAW(r, err3 ? " aria-invalid=\"true\" aria-describedby=\"comment-hint comment-error\">"
	            : " aria-describedby=\"comment-hint\">");
	html_txt(o, a->comment ? a->comment : "");
	RAW(r, "</textarea>\n</div>\n");

	RAW(r, "<div class=\"avis-send\">\n<button type=\"submit\" class=\"avis-submit\">");
	RAW(r, send_picto);
	RAW(r, "<span>");
	html_txt(o, _(r, phrase_msgid(PH_ENVOYER)));
	RAW(r, "</span></button>\n");
	audio_player(r, PH_ENVOYER);
	RAW(r, "</div>\n");
	ui_form_end(r);
	RAW(r, "</div>\n");
	ui_page_end(r);
}

static void avis_thanks(req *r, const avis_target *t)
{
	ui_page_begin(r, _(r, phrase_msgid(PH_MERCI)));
	RAW(r, "<div class=\"avis avis-thanks\">\n");
	RAW(r, smileys[2]);
	audio_player(r, PH_MERCI);
	RAW(r, "<p>");
	html_txt(&r->out, _(r, "Votre avis a bien été envoyé."));
	RAW(r, "</p>\n");
	/* On a kiosk the next person starts from an empty form, when they
	 * choose to: no timed redirection takes the page away from a slow
	 * reader. */
	if (strcmp(t->via, "borne") == 0) {
		RAW(r, "<p><a class=\"avis-again\" href=\"");
		html_attr(&r->out, avis_path(r, t, NULL));
		RAW(r, "\">");
		html_txt(&r->out, _(r, "Donner un autre avis"));
		RAW(r, "</a></p>\n");
	} else {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Vous pouvez fermer cette page."));
		RAW(r, "</p>\n");
	}
	RAW(r, "</div>\n");
	ui_page_end(r);
}

int page_avis_form(req *r)
{
	avis_target t;
	if (avis_target_load(r, &t) != 0)
		return 0;
	const char *merci = http_query(r, "merci");
	if (merci && strcmp(merci, "1") == 0) {
		avis_thanks(r, &t);
		return 0;
	}
	store_satisfaction a = {0};
	ui_errors e = {0};
	avis_form(r, &t, &a, &e);
	return 0;
}

/* ---- Throttle: a fixed window per client address. */

static struct throttle_slot {
	char address[AVIS_ADDRESS_BYTES];
	int64_t window_start;
	unsigned count;
} throttle[AVIS_THROTTLE_ADDRESSES];
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

/* Counts one answer from address at now; 1 when it is allowed. */
static int throttle_allow(const char *address, int64_t now)
{
	int allowed = 1;
	struct throttle_slot *slot = NULL, *oldest = &throttle[0];

	if (!address)
		address = "";
	pthread_mutex_lock(&throttle_lock);
	for (size_t i = 0; i < COUNT(throttle); i++) {
		if (throttle[i].count && strncmp(throttle[i].address, address, AVIS_ADDRESS_BYTES - 1) == 0) {
			slot = &throttle[i];
			break;
		}
		if (throttle[i].window_start < oldest->window_start)
			oldest = &throttle[i];
	}
	if (slot && now - slot->window_start >= AVIS_THROTTLE_WINDOW_S)
		slot->count = 0;
	if (!slot) {
		/* An empty slot has window_start 0, so it is the oldest. */
		slot = oldest;
		snprintf(slot->address, sizeof(slot->address), "%s", address);
		slot->count = 0;
	}
	if (slot->count == 0)
		slot->window_start = now;
	if (slot->count >= AVIS_THROTTLE_MAX)
		allowed = 0;
	else
		slot->count++;
	pthread_mutex_unlock(&throttle_lock);
	return allowed;
}

/* The number of a form field in [min, max]; an answer outside (or not a
 * number) becomes bad, for satisfaction_validate to refuse; empty is empty. */
static int form_int(req *r, const char *name, int min, int max, int empty, int bad)
{
	const char *s = page_field(r, name);
	int64_t v;
	if (!*s)
		return empty;
	if (parse_int64(s, min, max, &v) != 0)
		return bad;
	return (int)v;
}

int page_avis_post(req *r)
{
	avis_target t;
	if (avis_target_load(r, &t) != 0)
		return 0;
	if (!page_require_csrf(r))
		return 0;
	int64_t now = now_s();
	if (!throttle_allow(r->client_ip, now)) {
		ui_error_page(
		    r, 429,
		    "Beaucoup d'avis ont été envoyés depuis cet appareil. Attendez quelques minutes.");
		return 0;
	}
	store_satisfaction a = {0};
	a.site_id = t.site_id;
	a.answered_at = now;
	a.overall = form_int(r, "overall", 1, 3, 0, -1);
	a.clarity = form_int(r, "clarity", 1, 5, 0, -1);
	a.comment = arena_strdup(r->arena, page_field(r, "comment"));
	a.source = arena_strdup(r->arena, t.via);
	if (!a.comment || !a.source) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	ui_errors e = {0};
	if (satisfaction_validate(&a, now, &e) != 0) {
		http_status(r, 400);
		avis_form(r, &t, &a, &e);
		return 0;
	}
	/* The comment is never written to the log or the journal: it may hold
	 * what the person was asked not to write. The site's cap counts the
	 * answers of every address, so that many addresses cannot fill a
	 * site's figures either. */
	int rc = store_satisfaction_insert_capped(r->app->store, &a, now - LIMIT_SATISFACTION_SITE_WINDOW_S,
	                                          LIMIT_SATISFACTION_SITE_PER_HOUR);
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	if (rc == STORE_CONFLICT) {
		ui_error_page(
		    r, 429,
		    "Ce lieu a reçu beaucoup d'avis dans la dernière heure. Merci de réessayer plus "
		    "tard.");
		return 0;
	}
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	http_redirect(r, avis_path(r, &t, "&merci=1"));
	return 0;
}

/* ---- Recordings: made once per language and phrase, then kept. */

static struct recording {
	unsigned char *wav;
	size_t len;
	char etag[PAGE_STATIC_ETAG_BYTES];
} recordings[AVIS_AUDIO_LANGS][COUNT(phrases)];
static pthread_mutex_t recordings_lock = PTHREAD_MUTEX_INITIALIZER;

static int lang_index(const lang *l)
{
	for (size_t i = 0; i < i18n_count() && i < AVIS_AUDIO_LANGS; i++)
		if (i18n_lang(i) == l)
			return (int)i;
	return -1;
}

/* Makes the recording of phrase p in l unless it is kept already. The
 * lock is held while espeak-ng runs: the set is small, each phrase is made
 * once for the life of the server, and a second request for it waits
 * instead of starting the program again. 0, or -1 with a reason in err. */
static int recording_get(const lang *l, int li, size_t p, struct recording *copy, char *err, size_t errlen)
{
	int rc = 0;

	pthread_mutex_lock(&recordings_lock);
	struct recording *rec = &recordings[li][p];
	if (!rec->wav) {
		const char *msgid = phrase_msgid(p);
		const char *text = i18n_text(l, msgid);
		/* Until a text is translated it is French: spoken with the
		 * French voice rather than read by another language's. */
		const char *voice_lang = strcmp(text, msgid) == 0 ? "fr" : l->code;
		buf b;
		buf_init(&b, SPEECH_WAV_MAX_BYTES + 1);
		rc = speech_wav(voice_lang, text, &b, err, errlen);
		if (rc == 0) {
			page_static_etag((const unsigned char *)b.data, b.len, rec->etag);
			rec->wav = (unsigned char *)buf_detach(&b, &rec->len);
		}
		buf_free(&b);
	}
	if (rc == 0)
		*copy = *rec; /* never freed while the server runs */
	pthread_mutex_unlock(&recordings_lock);
	return rc;
}

int page_avis_audio(req *r)
{
	page_prepare(r);
	const lang *l = i18n_find(http_param(r, 0));
	const char *key = http_param(r, 1);
	int li = l ? lang_index(l) : -1;
	size_t p = COUNT(phrases);
	for (size_t i = 0; key && i < COUNT(phrases); i++)
		if (strcmp(key, phrases[i].key) == 0)
			p = i;
	/* i18n_find ignores case; one address per recording keeps the cache
	 * and the browsers' copies to the fixed set. */
	if (li < 0 || strcmp(http_param(r, 0), l->code) != 0 || p == COUNT(phrases) || !speech_voice(l->code))
		return page_not_found(r);

	struct recording rec;
	char err[256];
	if (recording_get(l, li, p, &rec, err, sizeof(err)) != 0) {
		fprintf(stderr, "level=warn msg=\"speech unavailable\" lang=%s phrase=%s error=\"%s\"\n",
		        l->code, phrases[p].key, err);
		http_status(r, 503);
		http_content_type(r, "text/plain; charset=utf-8");
		buf_puts(
		    &r->out,
		    _(r,
		      "L'écoute n'est pas disponible pour le moment. Le texte reste affiché sur la page."));
		buf_puts(&r->out, "\n");
		return 0;
	}
	http_set_header(r, "Cache-Control", "public, max-age=86400");
	http_set_header(r, "ETag", rec.etag);
	if (page_static_etag_matches(http_header(r, "If-None-Match"), rec.etag)) {
		r->status = 304;
		return 0;
	}
	r->no_gzip = 1;
	http_content_type(r, "audio/wav");
	buf_append(&r->out, rec.wav, rec.len);
	return 0;
}
