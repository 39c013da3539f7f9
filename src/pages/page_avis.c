/*
 * page_avis.c: the public satisfaction page of a site, seen on a touch kiosk
 * at the desk (via=borne) or on a person's own phone after scanning a QR
 * code or typing the poster's short code on /a (via=qr). No login. The three
 * questions of the State's model (REFERENCE.md section 6), each choice as a
 * large card with a pictogram and a short text, each question with one
 * "listen" control that reads it with its choices, for people who read
 * little or no French. The address carries the site's key (satisfaction_key)
 * so that the pages of other sites cannot be guessed from an id.
 *
 * The language lives only in the address of one person's visit (&lang=),
 * never in a cookie: the next person at the kiosk starts again in the
 * site's default language, and a kiosk left alone comes back to the start
 * after a visible and spoken warning that the person can extend
 * (static/avis.js).
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
#include "web/phrase_audio.h"
#include "web/public.h"
#include "pages/pages.h"
#include "pages/page_satisfaction.h"
#include "pages/page_static.h"
#include "domain/satisfaction.h"
#include "util/speech.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* At most this many answers from one client address in one window: a kiosk
 * gives one answer every 20 seconds at most, and a script filling the
 * statistics is stopped early. The table forgets the oldest address when it
 * is full. Wrong short codes typed on /a count too, so that codes cannot be
 * tried by the thousand. */
#define AVIS_THROTTLE_MAX 30
#define AVIS_THROTTLE_WINDOW_S 600
#define AVIS_THROTTLE_ADDRESSES 1024
#define AVIS_ADDRESS_BYTES 64
/* The kiosk: seconds without a touch before the warning, then seconds of
 * warning before the page goes back to the start (static/avis.js). The
 * thanks page waits less than a form being filled in. */
#define AVIS_IDLE_FORM_S 120
#define AVIS_IDLE_THANKS_S 30
#define AVIS_IDLE_WARN_S 30

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
	PH_INTRO,
	PH_LANGUE,
	PH_ERREUR,
	PH_ERREUR_Q1,
	PH_ERREUR_CLARTE,
	PH_ERREUR_LONG,
	PH_ERREUR_TEXTE,
	PH_TROP_APPAREIL,
	PH_TROP_LIEU,
	PH_ENVOYE,
	PH_FERMER,
	PH_SUIVANT,
	PH_RETOUR,
	PH_CODE,
	PH_CODE_INCONNU,
	PH_COUNT
};
static const struct phrase {
	const char *key;
	const char *msgid;
	const char *const *labels; /* when msgid is NULL: labels[index] */
	int index;
} phrases[PH_COUNT] = {
    [PH_Q1] = {"question1", NP_("De façon générale, comment ça s'est passé ?"), NULL, 0},
    [PH_PAS_BIEN] = {"pas_bien", NULL, SATISFACTION_LABELS, 0},
    [PH_MOYEN] = {"moyen", NULL, SATISFACTION_LABELS, 1},
    [PH_TRES_BIEN] = {"tres_bien", NULL, SATISFACTION_LABELS, 2},
    [PH_Q2] = {"question2", NP_("Les informations données étaient-elles claires ?"), NULL, 0},
    [PH_CLARTE_1] = {"clarte_1", NULL, SATISFACTION_CLARITY_LABELS, 0},
    [PH_CLARTE_2] = {"clarte_2", NULL, SATISFACTION_CLARITY_LABELS, 1},
    [PH_CLARTE_3] = {"clarte_3", NULL, SATISFACTION_CLARITY_LABELS, 2},
    [PH_CLARTE_4] = {"clarte_4", NULL, SATISFACTION_CLARITY_LABELS, 3},
    [PH_CLARTE_5] = {"clarte_5", NULL, SATISFACTION_CLARITY_LABELS, 4},
    [PH_Q3] = {"question3", NP_("Voulez-vous ajouter un commentaire ?"), NULL, 0},
    [PH_AVERT] = {"avertissement",
                  NP_("N'écrivez pas votre nom, votre téléphone ni d'autres informations personnelles."),
                  NULL, 0},
    [PH_ENVOYER] = {"envoyer", NP_("Envoyer mon avis"), NULL, 0},
    [PH_MERCI] = {"merci", NP_("Merci pour votre avis !"), NULL, 0},
    [PH_INTRO] = {"introduction", NP_("Votre avis nous aide à mieux vous accueillir. Il est anonyme."), NULL,
                  0},
    [PH_LANGUE] = {"langue", NP_("Choisissez votre langue"), NULL, 0},
    [PH_ERREUR] = {"erreur", NP_("Votre avis n'est pas encore envoyé."), NULL, 0},
    /* The errors of satisfaction_validate that the public form can meet. */
    [PH_ERREUR_Q1] = {"erreur_question1", NP_("Choisissez une réponse à la première question."), NULL, 0},
    [PH_ERREUR_CLARTE] = {"erreur_clarte", NP_("Choisissez un niveau de clarté entre 1 et 5."), NULL, 0},
    [PH_ERREUR_LONG] = {"erreur_longueur", NP_("Le commentaire est trop long (1000 caractères au plus)."),
                        NULL, 0},
    [PH_ERREUR_TEXTE] = {"erreur_caracteres", NP_("Ce texte contient des caractères non autorisés."), NULL,
                         0},
    [PH_TROP_APPAREIL] =
        {"trop_appareil",
         NP_("Beaucoup d'avis ont été envoyés depuis cet appareil. Attendez quelques minutes."), NULL, 0},
    [PH_TROP_LIEU] =
        {"trop_lieu",
         NP_("Ce lieu a reçu beaucoup d'avis dans la dernière heure. Merci de réessayer plus tard."), NULL,
         0},
    [PH_ENVOYE] = {"envoye", NP_("Votre avis a bien été envoyé."), NULL, 0},
    [PH_FERMER] = {"fermer", NP_("Vous pouvez fermer cette page."), NULL, 0},
    [PH_SUIVANT] = {"suivant", NP_("Personne suivante"), NULL, 0},
    [PH_RETOUR] = {"retour", NP_("La page va revenir au début pour la personne suivante."), NULL, 0},
    [PH_CODE] = {"code", NP_("Tapez le code écrit sur l'affiche."), NULL, 0},
    [PH_CODE_INCONNU] = {"code_inconnu",
                         NP_("Ce code n'est pas reconnu. Vérifiez les lettres et les chiffres."), NULL, 0},
};

static const char *phrase_msgid(size_t i)
{
	return phrases[i].msgid ? phrases[i].msgid : phrases[i].labels[phrases[i].index];
}

/* The phrase whose msgid is m (a field error of satisfaction_validate);
 * PH_COUNT when none. */
static size_t phrase_of_msgid(const char *m)
{
	for (size_t i = 0; m && i < PH_COUNT; i++)
		if (strcmp(phrase_msgid(i), m) == 0)
			return i;
	return PH_COUNT;
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

/* A loudspeaker with its waves; avis.js swaps it for a square while the
 * recording plays. */
static const char speaker_picto[] =
    "<svg class=\"avis-listen-picto\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\" "
    "focusable=\"false\"><path d=\"M3 9 H7 L12 5 V19 L7 15 H3 Z\" class=\"speaker\"/>"
    "<path d=\"M15.5 8.5 Q18 12 15.5 15.5 M18 6 Q22.5 12 18 18\" class=\"wave\"/></svg>";

/* A globe: the language choice, recognised without reading. */
static const char globe_picto[] =
    "<svg class=\"avis-globe\" viewBox=\"0 0 24 24\" width=\"28\" height=\"28\" aria-hidden=\"true\" "
    "focusable=\"false\"><circle cx=\"12\" cy=\"12\" r=\"10\"/><path d=\"M2 12 H22 M12 2 Q5 12 12 22 "
    "M12 2 Q19 12 12 22 M4 7 H20 M4 17 H20\"/></svg>";

/* ---- The address of a site's page. */

typedef struct avis_target {
	int64_t site_id;
	const char *key;
	const char *via;    /* "borne" or "qr" */
	const lang *chosen; /* the language in the address; NULL: none */
	store_site site;
} avis_target;

/* "/avis/ID?k=KEY&via=VIA", then "&lang=CODE" when l is not NULL, then an
 * optional suffix, from the arena. */
static const char *avis_path_in(req *r, const avis_target *t, const lang *l, const char *suffix)
{
	buf b;
	buf_init(&b, 1024);
	buf_printf(&b, "/avis/%lld?k=", (long long)t->site_id);
	html_url_arg(&b, t->key);
	buf_puts(&b, "&via=");
	buf_puts(&b, t->via);
	if (l) {
		buf_puts(&b, "&lang=");
		html_url_arg(&b, l->code);
	}
	if (suffix)
		buf_puts(&b, suffix);
	const char *p = b.overflow || !b.data ? NULL : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return p ? p : "/";
}

/* The address of this person's visit: in the language they chose. */
static const char *avis_path(req *r, const avis_target *t, const char *suffix)
{
	return avis_path_in(r, t, t->chosen, suffix);
}

/* The language of a public page: the one in the address (?lang=), else,
 * on a person's own phone, the one their browser asks for, else the
 * default. Never the cookie of the staff pages: a kiosk must not keep the
 * previous person's language. *chosen is the language of the address. */
static void avis_choose_lang(req *r, int own_phone, const lang **chosen)
{
	const char *q = http_query(r, "lang");
	const lang *l = q ? i18n_find_public(q) : NULL;
	*chosen = l;
	if (!l && own_phone)
		l = i18n_negotiate_public(http_header(r, "Accept-Language"));
	r->lang = l ? l : i18n_default();
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
	avis_choose_lang(r, strcmp(t->via, "qr") == 0, &t->chosen);
	web_public_site_fixes(r, t->site_id);
	r->path = avis_path(r, t, NULL);
	return 0;
}

/* ---- The frame of the public pages (web/public.h): the fonts of every
 * script, no link to the advisers' pages, avis.js to play the recordings. */

static void avis_page_begin(req *r, const char *title)
{
	static const char *const styles[] = {"/static/avis.css", NULL};
	static const char *const scripts[] = {"/static/avis.js", NULL};
	web_public_page p = {.title = title, .styles = styles, .scripts = scripts, .body_class = "avis-page"};
	web_public_begin(r, &p);
}

/* ---- Listening. */

/* The address of the recording of phrase p in the language code, with the
 * site's own recording when it uploaded one (web/phrase_audio.h); NULL when
 * there is nothing to hear (a language without a voice). */
static const char *phrase_url(req *r, int64_t site_id, const char *code, size_t p)
{
	return page_phrase_audio_url_lang(r, site_id, code, phrase_msgid(p));
}

/* A "listen" control playing the recordings urls[0..n) (NULLs skipped);
 * label is its visible text, translated. Without JavaScript it is a link
 * to the first recording, which the browser's own player opens; avis.js
 * makes it a button that plays them all, one after the other, in a single
 * hidden player, and reads "Arrêter" while it plays. Nothing when there is
 * nothing to hear: the page is then text only. */
static void listen_urls(req *r, const char *const *urls, size_t n, const char *label)
{
	buf *o = &r->out;
	const char *first = NULL;
	for (size_t i = 0; i < n && !first; i++)
		first = urls[i];
	if (!first)
		return;
	RAW(r, "<a class=\"avis-listen\" href=\"");
	html_attr(o, first);
	RAW(r, "\" data-audio=\"");
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!urls[i])
			continue;
		if (k++)
			RAW(r, " ");
		html_attr(o, urls[i]);
	}
	RAW(r, "\" data-stop=\"");
	html_attr(o, P_(r, "Arrêter"));
	RAW(r, "\">");
	RAW(r, speaker_picto);
	RAW(r, "<span class=\"avis-listen-text\">");
	html_txt(o, label);
	RAW(r, "</span></a>\n");
}

/* A "listen" control reading the phrases ps[0..n) in the page's language. */
static void listen(req *r, int64_t site_id, const size_t *ps, size_t n, const char *label)
{
	const char *urls[PH_COUNT + 8];
	size_t k = 0;
	for (size_t i = 0; i < n && k < COUNT(urls); i++)
		urls[k++] = phrase_url(r, site_id, r->lang->code, ps[i]);
	listen_urls(r, urls, k, label);
}

static void listen_one(req *r, int64_t site_id, size_t p)
{
	listen(r, site_id, &p, 1, P_(r, "Écouter"));
}

/* The choice of language: one control (a disclosure) that opens the
 * chooser of the public pages (web/public.h), each language named in
 * itself, each a link to this page in that language (the address keeps
 * the key). Its recording says "Choose your language" in every language
 * that can be heard, each in its own voice. base is the page's address
 * without a language. */
static void lang_choice(req *r, int64_t site_id, const char *base)
{
	buf *o = &r->out;
	RAW(r, "<details class=\"avis-langs\">\n<summary>");
	RAW(r, globe_picto);
	RAW(r, "<span class=\"avis-lang-current\">");
	html_txt(o, r->lang->name);
	RAW(r, "</span><span class=\"avis-lang-change\">");
	html_txt(o, P_(r, "Changer de langue"));
	RAW(r, "</span></summary>\n<div class=\"avis-langs-body\">\n");
	const char **urls = arena_alloc(r->arena, (i18n_public_count() + 1) * sizeof *urls);
	size_t n = 0;
	for (size_t i = 0; urls && i < i18n_public_count(); i++)
		urls[n++] = phrase_url(r, site_id, i18n_public_lang(i)->code, PH_LANGUE);
	if (urls)
		listen_urls(r, urls, n, P_(r, "Écouter"));
	const char *pattern = arena_printf(r->arena, "%s%slang={lang}", base, strchr(base, '?') ? "&" : "?");
	web_public_lang_choice(r, pattern ? pattern : "/", NULL);
	RAW(r, "</div>\n</details>\n");
}

/* The kiosk's return to the start: hidden, shown by avis.js after `after`
 * seconds without a touch, with a countdown of AVIS_IDLE_WARN_S seconds
 * and a button that gives more time. Without JavaScript nothing happens on
 * its own: no time limit at all. href is the start, in the default
 * language. armed: the countdown runs from the start (else from the first
 * touch, so that an untouched form is not reloaded for nobody). */
static void idle_reset(req *r, int64_t site_id, const char *href, int after, int armed)
{
	buf *o = &r->out;
	const char *audio = phrase_url(r, site_id, r->lang->code, PH_RETOUR);
	RAW(r, "<div class=\"avis-idle\" hidden data-href=\"");
	html_attr(o, href);
	html_rawf_trusted(o, "\" data-after=\"%d\" data-warn=\"%d\" data-armed=\"%d\"", after,
	                  AVIS_IDLE_WARN_S, armed);
	/* TRANSLATORS: %d is a number of seconds, 1 to 30. */
	RAW(r, " data-count=\"");
	html_attr(o, P_(r, "Encore %d secondes."));
	RAW(r, "\"");
	if (audio) {
		RAW(r, " data-audio=\"");
		html_attr(o, audio);
		RAW(r, "\"");
	}
	RAW(r, " data-message=\"");
	html_attr(o, P_(r, phrase_msgid(PH_RETOUR)));
	RAW(r, "\">\n<p class=\"avis-idle-text\" role=\"alert\"></p>\n"
	       "<p class=\"avis-idle-count\"></p>\n<button type=\"button\" class=\"avis-stay\">");
	html_txt(o, P_(r, "Rester sur cette page"));
	RAW(r, "</button>\n</div>\n");
}

/* ---- Rendering. */

/* A legend with its number, its text, and "optional" when it is. */
static void legend(req *r, int number, size_t phrase, int optional)
{
	html_rawf_trusted(&r->out, "<legend><span class=\"avis-num\" aria-hidden=\"true\">%d</span> ",
	                  number);
	html_txt(&r->out, P_(r, phrase_msgid(phrase)));
	if (optional) {
		RAW(r, " <span class=\"avis-optional\">");
		html_txt(&r->out, P_(r, "(facultatif)"));
		RAW(r, "</span>");
	}
	RAW(r, "</legend>\n");
}

/* One large choice: the radio (first one's id is the field's name, for the
 * error summary) and its card (pictogram and text). */
static void choice(req *r, const char *name, int value, int checked, const char *label,
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
	html_txt(o, P_(r, label));
	RAW(r, "</span></label>\n</div>\n");
}

/* The error of a field, under its question. */
static void question_error(req *r, const char *name, const char *msgid)
{
	buf *o = &r->out;
	RAW(r, "<p class=\"error-message\" id=\"");
	html_attr(o, name);
	RAW(r, "-error\">");
	html_txt(o, P_(r, msgid));
	RAW(r, "</p>\n");
}

/* The errors at the top of the form, each a link to its question, and
 * their recording. autofocus brings keyboard and screen-reader users there
 * without any script. */
static void error_summary(req *r, int64_t site_id, const ui_errors *e)
{
	buf *o = &r->out;
	size_t ps[1 + COUNT(e->v)], n = 0;
	if (!e || e->n == 0)
		return;
	ps[n++] = PH_ERREUR;
	RAW(r, "<div class=\"error-summary avis-errors\" role=\"alert\" tabindex=\"-1\" autofocus "
	       "aria-labelledby=\"error-summary-title\">\n<h2 id=\"error-summary-title\">");
	html_txt(o, P_(r, phrase_msgid(PH_ERREUR)));
	RAW(r, "</h2>\n<ul>\n");
	for (size_t i = 0; i < e->n && i < COUNT(e->v); i++) {
		const field_error *fe = &e->v[i];
		size_t p = phrase_of_msgid(fe->msgid);
		if (p != PH_COUNT)
			ps[n++] = p;
		RAW(r, "<li><a href=\"#");
		html_attr(o, fe->field ? fe->field : "overall");
		RAW(r, "\">");
		html_txt(o, P_(r, fe->msgid));
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ul>\n");
	listen(r, site_id, ps, n, P_(r, "Écouter"));
	RAW(r, "</div>\n");
}

/* The phrases of the whole form, in reading order. */
static const size_t page_phrases[] = {
    PH_INTRO,    PH_Q1,       PH_PAS_BIEN, PH_MOYEN,    PH_TRES_BIEN, PH_Q2,    PH_CLARTE_1,
    PH_CLARTE_2, PH_CLARTE_3, PH_CLARTE_4, PH_CLARTE_5, PH_Q3,        PH_AVERT, PH_ENVOYER,
};
static const size_t card1_phrases[] = {PH_Q1, PH_PAS_BIEN, PH_MOYEN, PH_TRES_BIEN};
static const size_t card2_phrases[] = {PH_Q2,       PH_CLARTE_1, PH_CLARTE_2,
                                       PH_CLARTE_3, PH_CLARTE_4, PH_CLARTE_5};
static const size_t card3_phrases[] = {PH_Q3, PH_AVERT};

static void avis_form(req *r, const avis_target *t, const store_satisfaction *a, const ui_errors *e)
{
	buf *o = &r->out;

	auth_pre_session(r);
	avis_page_begin(r, P_(r, "Votre avis"));
	RAW(r, "<p class=\"avis-site\">");
	html_txt(o, P_(r, "Lieu :"));
	RAW(r, " <bdi>");
	html_txt(o, t->site.name);
	RAW(r, "</bdi></p>\n<div class=\"avis-top\">\n");
	lang_choice(r, t->site_id, avis_path_in(r, t, NULL, NULL));
	listen(r, t->site_id, page_phrases, COUNT(page_phrases), P_(r, "Écouter toute la page"));
	RAW(r, "</div>\n<p class=\"avis-intro\">");
	html_txt(o, P_(r, phrase_msgid(PH_INTRO)));
	RAW(r, "</p>\n");
	error_summary(r, t->site_id, e);
	RAW(r, "<div class=\"avis\">\n");
	ui_form_begin(r, avis_path(r, t, NULL));

	/* Each question: one box, one "listen" for the question and its
	 * choices, one stop of the Tab key for its radios (arrows choose). */
	const char *err1 = field_error_for(e, "overall");
	RAW(r, "<fieldset class=\"avis-q avis-q1\">\n");
	legend(r, 1, PH_Q1, 0);
	listen(r, t->site_id, card1_phrases, COUNT(card1_phrases), P_(r, "Écouter"));
	if (err1)
		question_error(r, "overall", err1);
	RAW(r, "<div class=\"avis-choices avis-choices-3\">\n");
	for (int v = 1; v <= 3; v++)
		choice(r, "overall", v, a->overall == v, SATISFACTION_LABELS[v - 1],
		       err1 ? "overall-error" : NULL);
	RAW(r, "</div>\n</fieldset>\n");

	const char *err2 = field_error_for(e, "clarity");
	RAW(r, "<fieldset class=\"avis-q avis-q2\">\n");
	legend(r, 2, PH_Q2, 1);
	listen(r, t->site_id, card2_phrases, COUNT(card2_phrases), P_(r, "Écouter"));
	if (err2)
		question_error(r, "clarity", err2);
	RAW(r, "<div class=\"avis-choices avis-choices-5\">\n");
	for (int v = 1; v <= 5; v++)
		choice(r, "clarity", v, a->clarity == v, SATISFACTION_CLARITY_LABELS[v - 1],
		       err2 ? "clarity-error" : NULL);
	RAW(r, "</div>\n</fieldset>\n");

	const char *err3 = field_error_for(e, "comment");
	RAW(r, "<div class=\"avis-q avis-q3\">\n<label class=\"avis-q3-label\" for=\"comment\">"
	       "<span class=\"avis-num\" aria-hidden=\"true\">3</span> ");
	html_txt(o, P_(r, phrase_msgid(PH_Q3)));
	RAW(r, " <span class=\"avis-optional\">");
	html_txt(o, P_(r, "(facultatif)"));
	RAW(r, "</span></label>\n");
	listen(r, t->site_id, card3_phrases, COUNT(card3_phrases), P_(r, "Écouter"));
	RAW(r, "<div class=\"avis-warning\">");
	RAW(r, warning_picto);
	RAW(r, "<p id=\"comment-hint\">");
	html_txt(o, P_(r, phrase_msgid(PH_AVERT)));
	RAW(r, "</p>\n</div>\n");
	if (err3)
		question_error(r, "comment", err3);
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
	html_txt(o, P_(r, phrase_msgid(PH_ENVOYER)));
	RAW(r, "</span></button>\n</div>\n");
	ui_form_end(r);
	RAW(r, "</div>\n");
	if (strcmp(t->via, "borne") == 0)
		idle_reset(r, t->site_id, avis_path_in(r, t, NULL, NULL), AVIS_IDLE_FORM_S,
		           t->chosen != NULL);
	web_public_end(r);
}

static void avis_thanks(req *r, const avis_target *t)
{
	int kiosk = strcmp(t->via, "borne") == 0;
	size_t ps[] = {PH_MERCI, PH_ENVOYE, kiosk ? PH_SUIVANT : PH_FERMER};

	avis_page_begin(r, P_(r, phrase_msgid(PH_MERCI)));
	RAW(r, "<div class=\"avis avis-thanks\">\n");
	RAW(r, smileys[2]);
	RAW(r, "<p>");
	html_txt(&r->out, P_(r, phrase_msgid(PH_ENVOYE)));
	RAW(r, "</p>\n");
	listen(r, t->site_id, ps, COUNT(ps), P_(r, "Écouter"));
	/* On a kiosk the next person starts from an empty form in the site's
	 * language: the address of the start has no language. With
	 * JavaScript, the page goes back there on its own after a warning
	 * that can be extended; never without one. */
	if (kiosk) {
		const char *start = avis_path_in(r, t, NULL, NULL);
		RAW(r, "<p><a class=\"avis-again\" href=\"");
		html_attr(&r->out, start);
		RAW(r, "\">");
		html_txt(&r->out, P_(r, phrase_msgid(PH_SUIVANT)));
		RAW(r, "</a></p>\n");
		RAW(r, "</div>\n");
		idle_reset(r, t->site_id, start, AVIS_IDLE_THANKS_S, 1);
	} else {
		RAW(r, "<p>");
		html_txt(&r->out, P_(r, phrase_msgid(PH_FERMER)));
		RAW(r, "</p>\n</div>\n");
	}
	web_public_end(r);
}

/* A public page that only says something (too many answers): the text,
 * its recording and the way back to the form, with the status. */
static void avis_message(req *r, const avis_target *t, int status, size_t phrase)
{
	http_status(r, status);
	avis_page_begin(r, P_(r, phrase_msgid(PH_ERREUR)));
	RAW(r, "<div class=\"avis avis-message\">\n<p class=\"avis-message-text\">");
	html_txt(&r->out, P_(r, phrase_msgid(phrase)));
	RAW(r, "</p>\n");
	size_t ps[] = {PH_ERREUR, phrase};
	listen(r, t ? t->site_id : 0, ps, COUNT(ps), P_(r, "Écouter"));
	RAW(r, "</div>\n");
	if (t && strcmp(t->via, "borne") == 0)
		idle_reset(r, t->site_id, avis_path_in(r, t, NULL, NULL), AVIS_IDLE_THANKS_S, 1);
	web_public_end(r);
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
		avis_message(r, &t, 429, PH_TROP_APPAREIL);
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
		avis_message(r, &t, 429, PH_TROP_LIEU);
		return 0;
	}
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	/* The thanks come in the person's language; the page after them
	 * does not. */
	http_redirect(r, avis_path(r, &t, "&merci=1"));
	return 0;
}

/* ---- The short code of the poster: /a, a form to type it, and /a/CODE. */

/* The page that asks for the code; typed is what was typed (kept in the
 * field), wrong whether it named no site. */
static void code_form(req *r, const char *typed, int wrong)
{
	buf *o = &r->out;
	if (wrong)
		http_status(r, 404);
	avis_page_begin(r, P_(r, "Donnez votre avis"));
	RAW(r, "<div class=\"avis-top\">\n");
	lang_choice(r, 0, "/a");
	size_t ps[] = {PH_CODE};
	listen(r, 0, ps, COUNT(ps), P_(r, "Écouter toute la page"));
	RAW(r, "</div>\n");
	if (wrong) {
		RAW(r, "<div class=\"error-summary avis-errors\" role=\"alert\" tabindex=\"-1\" autofocus "
		       "aria-labelledby=\"error-summary-title\">\n<h2 id=\"error-summary-title\">");
		html_txt(o, P_(r, phrase_msgid(PH_CODE_INCONNU)));
		RAW(r, "</h2>\n<ul><li><a href=\"#code\">");
		html_txt(o, P_(r, phrase_msgid(PH_CODE)));
		RAW(r, "</a></li></ul>\n");
		listen_one(r, 0, PH_CODE_INCONNU);
		RAW(r, "</div>\n");
	}
	/* A GET form: the code goes into the address, like a link, and the
	 * language chosen goes with it. */
	RAW(r, "<form class=\"avis-code\" method=\"get\" action=\"/a\">\n");
	if (http_query(r, "lang") && i18n_find_public(http_query(r, "lang"))) {
		RAW(r, "<input type=\"hidden\" name=\"lang\" value=\"");
		html_attr(o, r->lang->code);
		RAW(r, "\">\n");
	}
	RAW(r, "<label for=\"code\">");
	html_txt(o, P_(r, phrase_msgid(PH_CODE)));
	RAW(r, "</label>\n<p class=\"hint\" id=\"code-hint\">");
	html_txt(o, P_(r, "Par exemple : ABCD-EFGH"));
	RAW(r, "</p>\n<input id=\"code\" name=\"code\" type=\"text\" autocomplete=\"off\" "
	       "autocapitalize=\"characters\" "
	       "spellcheck=\"false\" maxlength=\"32\" dir=\"ltr\" aria-describedby=\"code-hint\"");
	if (wrong)
		RAW(r, " aria-invalid=\"true\"");
	RAW(r, " value=\"");
	html_attr(o, typed ? typed : "");
	RAW(r, "\">\n<button type=\"submit\" class=\"avis-submit\">");
	html_txt(o, P_(r, "Ouvrir"));
	RAW(r, "</button>\n</form>\n");
	web_public_end(r);
}

/* Leads a typed code to its site's page, on the person's own phone. */
static int code_open(req *r, const char *typed)
{
	const lang *chosen = NULL;
	page_prepare(r);
	avis_choose_lang(r, 1, &chosen);
	r->path = "/a";
	if (!typed || !*typed) {
		code_form(r, "", 0);
		return 0;
	}
	int64_t site_id = 0;
	const char *key = NULL;
	/* A wrong code counts like an answer in the address's throttle, so
	 * that codes cannot be tried by the thousand. */
	int rc = page_satisfaction_code_find(r, typed, &site_id, &key);
	if (rc < 0) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	if (rc > 0) {
		if (!throttle_allow(r->client_ip, now_s())) {
			avis_message(r, NULL, 429, PH_TROP_APPAREIL);
			return 0;
		}
		code_form(r, typed, 1);
		return 0;
	}
	avis_target t = {.site_id = site_id, .key = key, .via = "qr", .chosen = chosen};
	http_redirect(r, avis_path(r, &t, NULL));
	return 0;
}

int page_avis_code_form(req *r)
{
	return code_open(r, http_query(r, "code"));
}

int page_avis_code(req *r)
{
	return code_open(r, http_param(r, 0));
}

/* ---- Recordings: made once per language and phrase through the speech
 * cache (speech.h), and answered with byte ranges for phones' players. */

int page_avis_audio(req *r)
{
	page_prepare(r);
	const char *code = http_param(r, 0), *key = http_param(r, 1);
	const lang *l = code ? i18n_find_public(code) : NULL;
	size_t p = COUNT(phrases);
	for (size_t i = 0; key && i < COUNT(phrases); i++)
		if (strcmp(key, phrases[i].key) == 0)
			p = i;
	/* i18n_find_public ignores case; one address per recording keeps the
	 * cache and the browsers' copies to the fixed set. */
	if (!l || strcmp(code, l->code) != 0 || p == COUNT(phrases) || !speech_voice(l->code))
		return page_not_found(r);

	const char *msgid = phrase_msgid(p);
	const char *text = i18n_text(l, msgid);
	/* Until a text is translated it is French: spoken with the French
	 * voice rather than read by another language's. */
	const char *voice_lang = strcmp(text, msgid) == 0 ? "fr" : l->code;
	buf wav;
	buf_init(&wav, SPEECH_WAV_MAX_BYTES + 1);
	char etag[SPEECH_ETAG_BYTES], err[256];
	if (speech_cached(voice_lang, text, &wav, etag, err, sizeof(err)) != 0) {
		buf_free(&wav);
		fprintf(stderr, "level=warn msg=\"speech unavailable\" lang=%s phrase=%s error=\"%s\"\n", l->code,
		        phrases[p].key, err);
		http_status(r, 503);
		http_content_type(r, "text/plain; charset=utf-8");
		buf_puts(&r->out, P_(r, "L'écoute n'est pas disponible pour le moment. Le texte reste affiché."));
		buf_puts(&r->out, "\n");
		return 0;
	}
	http_send_bytes_ranged(r, "audio/wav", wav.data, wav.len, etag);
	buf_free(&wav);
	return 0;
}
