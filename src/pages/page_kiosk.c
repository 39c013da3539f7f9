/*
 * page_kiosk.c: taking a ticket without a login, on the touch kiosk at the
 * entrance of a site (/sites/ID/kiosk?key=KEY) or on one's own phone from
 * the QR code posted at the door (/sites/ID/ticket?key=KEY): the same steps,
 * each a page rendered by the server that works by touch, keyboard and
 * screen reader without any script.
 *
 *   1. the language, each named in itself (no flags);
 *   2. the service, a large pictogram button with a short text and a
 *      button that reads it aloud;
 *   3. the needs the site's kiosk offers (interpreter, reduced mobility,
 *      hearing, help with reading), then "continue" issues the ticket;
 *   4. the ticket: its number in large type, the service, the time, the
 *      people ahead and the estimated wait, a QR code to the person's own
 *      page on their phone, "print" (an 80 mm receipt) and "finished".
 *
 * No session and no cookie: a step's state is in its address or form, so
 * the next person at the kiosk starts afresh. Issuing is a POST carrying a
 * token (a MAC of the site and the time under the server's secret, see
 * kiosk_token) and answers with a redirection to the ticket; a token that
 * comes back (a double tap, a reload) leads to the ticket it already made.
 * The key in the address is the site's (queue_public_key), so the public
 * pages of a site cannot be found from its id; a site's manager opens
 * /sites/ID/kiosk without a key to read the keyed addresses.
 *
 * Also owns the frame and the helpers of the public queue pages
 * (page_kiosk.h) and the counters that keep a script from flooding a
 * site's queue: in memory, per client address and per site.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/app_queue.h"
#include "domain/queue.h"
#include "pages/page_kiosk.h"
#include "pages/pages.h"
#include "domain/access.h"
#include "store/store_queue.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/qr.h"
#include "web/page.h"
#include "web/public.h"
#include "web/phrase_audio.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* ---- The frame and the helpers of the public pages ----------------------- */

void kiosk_page_begin(req *r, const char *title, const char *body_class, int print)
{
	static const char *const styles[] = {"/static/kiosk.css", NULL};
	static const char *const print_styles[] = {"/static/kiosk.css", "/static/ticket-print.css", NULL};
	static const char *const scripts[] = {"/static/kiosk.js", NULL};
	web_public_page page = {
	    .title = title, .styles = print ? print_styles : styles, .scripts = scripts, .body_class = body_class};
	web_public_begin(r, &page);
}

void kiosk_page_end(req *r)
{
	web_public_end(r);
}

const lang *kiosk_lang_find(const char *code, const char *allowed)
{
	if (!code || !*code)
		return NULL;
	const lang *l = i18n_find_public(code);
	/* One spelling per language, so that the address names it once. */
	if (!l || strcmp(l->code, code) != 0)
		return NULL;
	if (!allowed || !*allowed)
		return l;
	size_t n = strlen(code);
	for (const char *p = allowed; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, code, n) == 0)
			return l;
		p += len;
		if (*p == ',')
			p++;
	}
	return NULL;
}

static void token_mac(req *r, const char *scope, int64_t id, int64_t ts, const char *nonce, char hex[33])
{
	char msg[128];
	unsigned char h[16];
	int n = snprintf(msg, sizeof msg, "queue-form:%s:%lld:%lld:%s", scope, (long long)id, (long long)ts, nonce);
	if (n < 0 || (size_t)n >= sizeof msg)
		n = (int)strlen(msg);
	crypto_generichash(h, sizeof h, (const unsigned char *)msg, (unsigned long long)n, r->app->secret, 32);
	sodium_bin2hex(hex, 33, h, sizeof h);
}

/* "TIME.NONCE.MAC": the nonce makes each form's token its own, so that a
 * token sent twice is one form sent twice. */
void kiosk_token(req *r, const char *scope, int64_t id, int64_t now, char out[KIOSK_TOKEN_BYTES])
{
	unsigned char raw[8];
	char nonce[17], hex[33];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(nonce, sizeof nonce, raw, sizeof raw);
	token_mac(r, scope, id, now, nonce, hex);
	snprintf(out, KIOSK_TOKEN_BYTES, "%lld.%s.%s", (long long)now, nonce, hex);
}

int kiosk_token_ok(req *r, const char *scope, int64_t id, const char *token, int64_t now)
{
	const char *dot = token ? strchr(token, '.') : NULL;
	const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
	char ts_text[24], nonce[17];
	int64_t ts;
	if (!dot2 || (size_t)(dot - token) >= sizeof ts_text || dot2 - dot - 1 != 16 || strlen(dot2 + 1) != 32)
		return 0;
	memcpy(ts_text, token, (size_t)(dot - token));
	ts_text[dot - token] = '\0';
	memcpy(nonce, dot + 1, 16);
	nonce[16] = '\0';
	if (parse_int64(ts_text, 0, INT64_MAX, &ts) != 0)
		return 0;
	/* A minute of clock skew between the threads is allowed ahead. */
	if (ts > now + 60 || now - ts > LIMIT_KIOSK_FORM_S)
		return 0;
	char want[33];
	token_mac(r, scope, id, ts, nonce, want);
	return sodium_memcmp(want, dot2 + 1, 32) == 0;
}

const char *kiosk_fill(req *r, const char *translated, const char *value)
{
	const char *s = strstr(translated, "%s");
	if (!s)
		s = strstr(translated, "%d");
	if (!s)
		return translated;
	const char *out = arena_printf(r->arena, "%.*s%s%s", (int)(s - translated), translated, value, s + 2);
	return out ? out : translated;
}

const char *kiosk_service_label(req *r, const char *label)
{
	return label && *label ? i18n_public_text(r->lang, r->fixes, label) : "";
}

int kiosk_ticket_wait(req *r, const store_ticket *t, size_t *ahead, int64_t *wait_s)
{
	*ahead = 0;
	*wait_s = 0;
	if (t->status != QUEUE_EMIS)
		return 0;
	return app_queue_estimate(r->app->store, r->arena, t, now_s(), ahead, wait_s) == STORE_OK ? 0 : -1;
}

void kiosk_wait_lines(req *r, size_t ahead, int64_t wait_s)
{
	buf *o = &r->out;
	RAW(r, "<p class=\"kiosk-ahead\">");
	if (ahead == 0)
		html_txt(o, P_(r, "Vous êtes la prochaine personne appelée."));
	else
		ui_txt_count(r, P_(r, "Personnes avant vous : %d"), (int64_t)ahead);
	RAW(r, "</p>\n");
	if (ahead > 0) {
		/* Rounded up to five minutes: an estimate, not a promise. */
		int64_t minutes = (wait_s + 299) / 300 * 5;
		if (minutes < 5)
			minutes = 5;
		RAW(r, "<p class=\"kiosk-wait\">");
		ui_txt_count(r, P_(r, "Attente estimée : environ %d minutes"), minutes);
		RAW(r, "</p>\n");
	}
}

void kiosk_say_button(req *r, int64_t site_id, const char *msgid)
{
	buf *o = &r->out;
	const char *text = i18n_text(r->lang, msgid);
	const char *audio = page_phrase_audio_url(r, site_id, msgid);
	/* The script plays the phrase (the browser's speech when the server
	 * has none for the language); without a script the button stays
	 * hidden, since it could do nothing. */
	RAW(r, "<button type=\"button\" class=\"kiosk-say\" hidden data-say=\"");
	html_attr(o, text);
	RAW(r, "\" data-lang=\"");
	html_attr(o, r->lang ? r->lang->code : "fr");
	if (audio) {
		RAW(r, "\" data-audio=\"");
		html_attr(o, audio);
	}
	RAW(r, "\"><svg class=\"kiosk-say-icon\" viewBox=\"0 0 24 24\" width=\"28\" height=\"28\" "
	       "aria-hidden=\"true\" focusable=\"false\"><path d=\"M3 9h4l5-4v14l-5-4H3z\"/>"
	       "<path d=\"M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12\" class=\"wave\"/></svg>"
	       "<span class=\"sr-only\">");
	html_txt(o, P_(r, "Écouter :"));
	RAW(r, " ");
	html_txt(o, text);
	RAW(r, "</span></button>");
}

/* A host of --listen that only this machine can reach. */
static int loopback_host(const char *h, size_t n)
{
	return (n > 4 && strncmp(h, "127.", 4) == 0) || (n == 5 && strncmp(h, "[::1]", 5) == 0) ||
	       (n == 9 && strncmp(h, "localhost", 9) == 0);
}

/* As the satisfaction posters' addresses: never from the Host header, which
 * whoever sends the request chooses. */
const char *kiosk_public_base(req *r)
{
	const config *cfg = r->app->cfg;
	if (cfg && cfg->public_url && *cfg->public_url)
		return cfg->public_url;
	const char *listen = cfg ? cfg->listen : NULL;
	const char *colon = listen ? strrchr(listen, ':') : NULL;
	unsigned port = r->app->listen_port;
	if (!colon || port == 0 || !loopback_host(listen, (size_t)(colon - listen)))
		return NULL;
	return arena_printf(r->arena, "http://%.*s:%u", (int)(colon - listen), listen, port);
}

void kiosk_picto(req *r, const char *code)
{
	web_picto(r, code, 72, "kiosk-picto");
}

/* ---- The flood counters ---------------------------------------------------- */

/* A fixed window per key (a client address, or a site's id written as
 * text); the table forgets the oldest key when it is full. */
typedef struct counter_slot {
	char key[64];
	int64_t window_start;
	unsigned count;
} counter_slot;

static counter_slot address_slots[LIMIT_PUBLIC_TICKETS_ADDRESSES];
static counter_slot site_slots[LIMIT_PUBLIC_TICKETS_SITES];
static pthread_mutex_t counters_lock = PTHREAD_MUTEX_INITIALIZER;

static counter_slot *counter_find(counter_slot *t, size_t n, const char *key, int64_t now)
{
	counter_slot *oldest = &t[0];
	for (size_t i = 0; i < n; i++) {
		if (t[i].count && strcmp(t[i].key, key) == 0) {
			if (now - t[i].window_start >= LIMIT_PUBLIC_TICKETS_WINDOW_S)
				t[i].count = 0;
			return &t[i];
		}
		if (t[i].window_start < oldest->window_start)
			oldest = &t[i];
	}
	snprintf(oldest->key, sizeof oldest->key, "%s", key);
	oldest->count = 0;
	return oldest;
}

/* Counts one ticket of site (and, when address is not NULL, of address):
 * 0 when allowed, 1 when the address is over its cap, 2 when the site is;
 * nothing is counted when refused. */
static int counters_take(const char *address, unsigned address_cap, int64_t site_id, unsigned site_cap,
                         int64_t now)
{
	char site_key[32];
	snprintf(site_key, sizeof site_key, "%lld", (long long)site_id);
	int refused = 0;
	pthread_mutex_lock(&counters_lock);
	counter_slot *a = address ? counter_find(address_slots, COUNT(address_slots), address, now) : NULL;
	counter_slot *s = counter_find(site_slots, COUNT(site_slots), site_key, now);
	if (a && a->count >= address_cap)
		refused = 1;
	else if (s->count >= site_cap)
		refused = 2;
	else {
		if (a) {
			if (a->count++ == 0)
				a->window_start = now;
		}
		if (s->count++ == 0)
			s->window_start = now;
	}
	pthread_mutex_unlock(&counters_lock);
	return refused;
}

/* ---- The tokens already used: a form sent twice leads to its ticket -------- */

#define USED_TOKENS 256
static struct used_token {
	char token[KIOSK_TOKEN_BYTES];
	int64_t site_id;
	char ticket_key[48];
} used_tokens[USED_TOKENS];
static size_t used_next;
static pthread_mutex_t used_lock = PTHREAD_MUTEX_INITIALIZER;

/* The ticket key made by this token already (copied into key), 1; or 0. */
static int used_find(int64_t site_id, const char *token, char key[48])
{
	int found = 0;
	pthread_mutex_lock(&used_lock);
	for (size_t i = 0; i < USED_TOKENS && !found; i++)
		if (used_tokens[i].site_id == site_id && strcmp(used_tokens[i].token, token) == 0) {
			snprintf(key, 48, "%s", used_tokens[i].ticket_key);
			found = 1;
		}
	pthread_mutex_unlock(&used_lock);
	return found;
}

static void used_add(int64_t site_id, const char *token, const char *key)
{
	pthread_mutex_lock(&used_lock);
	struct used_token *u = &used_tokens[used_next++ % USED_TOKENS];
	snprintf(u->token, sizeof u->token, "%s", token);
	u->site_id = site_id;
	snprintf(u->ticket_key, sizeof u->ticket_key, "%s", key);
	pthread_mutex_unlock(&used_lock);
}

/* ---- One kiosk (or door page) and its steps ----------------------------------- */

typedef struct kiosk {
	int64_t site_id;
	const char *purpose; /* "kiosk" or "door" */
	int door;
	const char *key;
	store_site site;
	store_queue_settings qs;
	int idle; /* seconds before the inactivity warning */
} kiosk;

/* The needs in the order they are offered, with their pictograms. */
static const struct need {
	unsigned bit;
	const char *label;
	const char *picto;
} needs[] = {
    {QUEUE_NEED_INTERPRETER, NP_("J'ai besoin d'un interprète"), "1F5E3"},
    {QUEUE_NEED_MOBILITY, NP_("Je me déplace difficilement"), "267F"},
    {QUEUE_NEED_HEARING, NP_("J'entends mal"), "1F9BB"},
    {QUEUE_NEED_READING, NP_("J'ai besoin d'aide pour lire"), "1F453"},
};

/* The address of a step: "/sites/ID/kiosk?key=KEY" and the arguments of
 * the step (already encoded), from the arena. */
static const char *kiosk_path(req *r, const kiosk *k, const char *args)
{
	buf b;
	buf_init(&b, 2048);
	buf_printf(&b, "/sites/%lld/%s?key=", (long long)k->site_id, k->door ? "ticket" : "kiosk");
	html_url_arg(&b, k->key);
	if (!k->door && k->idle != DEFAULT_KIOSK_IDLE_S)
		buf_printf(&b, "&idle=%d", k->idle);
	if (args && *args) {
		buf_puts(&b, "&");
		buf_puts(&b, args);
	}
	const char *p = b.overflow || !b.data ? NULL : arena_strdup(r->arena, b.data);
	buf_free(&b);
	return p ? p : "/";
}

/* Whether the kiosk issues tickets at now: the site's hours of the day,
 * in the server's local time; at all times until a manager sets hours. */
static int kiosk_open(const store_queue_settings *qs, int64_t now)
{
	if (!qs->hours_set)
		return 1;
	time_t t = (time_t)now;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return 0;
	int day = tm.tm_wday == 0 ? 7 : tm.tm_wday;
	int minute = tm.tm_hour * 60 + tm.tm_min;
	return qs->opens[day] != qs->closes[day] && minute >= qs->opens[day] && minute < qs->closes[day];
}

/* The delays of the inactivity warning and the first screen's address,
 * for kiosk.js, as data-* attributes of the warning's dialog. */
static void idle_attrs(req *r, const kiosk *k)
{
	html_rawf_trusted(&r->out, " data-idle=\"%d\" data-grace=\"%d\" data-home=\"", k->idle,
	                  k->idle < KIOSK_IDLE_GRACE_S ? k->idle : KIOSK_IDLE_GRACE_S);
	html_attr(&r->out, kiosk_path(r, k, NULL));
	RAW(r, "\"");
}

/* The warning of inactivity, hidden until kiosk.js opens it. */
static void idle_dialog(req *r, const kiosk *k)
{
	buf *o = &r->out;
	if (k->door)
		return;
	RAW(r, "<dialog id=\"kiosk-idle\" class=\"kiosk-idle\" role=\"alertdialog\" "
	       "aria-labelledby=\"kiosk-idle-title\" aria-describedby=\"kiosk-idle-text\"");
	idle_attrs(r, k);
	RAW(r, ">\n<h2 id=\"kiosk-idle-title\">");
	html_txt(o, P_(r, "Êtes-vous encore là ?"));
	RAW(r, "</h2>\n<p id=\"kiosk-idle-text\" aria-live=\"assertive\" data-say=\"");
	static const char warning[] =
	    NP_("Sans réponse, l'écran va revenir au début. Touchez le bouton pour continuer.");
	const char *text = P_(r, warning);
	const char *audio = page_phrase_audio_url(r, k->site_id, warning);
	html_attr(o, text);
	if (audio) {
		RAW(r, "\" data-audio=\"");
		html_attr(o, audio);
	}
	RAW(r, "\">");
	html_txt(o, text);
	RAW(r, "</p>\n<button type=\"button\" class=\"kiosk-big kiosk-more\" data-more>");
	html_txt(o, P_(r, "J'ai besoin de plus de temps"));
	RAW(r, "</button>\n<a class=\"kiosk-restart\" href=\"");
	html_attr(o, kiosk_path(r, k, NULL));
	RAW(r, "\">");
	html_txt(o, P_(r, "Recommencer"));
	RAW(r, "</a>\n</dialog>\n");
}

static void kiosk_begin(req *r, const kiosk *k, const char *title, int print)
{
	kiosk_page_begin(r, title, k->door ? "kiosk kiosk-phone" : "kiosk kiosk-touch", print);
	RAW(r, "<p class=\"kiosk-site\"><bdi>");
	html_txt(&r->out, k->site.name);
	RAW(r, "</bdi></p>\n");
}

static void kiosk_end(req *r, const kiosk *k, int home)
{
	if (!home) {
		RAW(r, "<p class=\"kiosk-back\"><a class=\"kiosk-restart\" href=\"");
		html_attr(&r->out, kiosk_path(r, k, NULL));
		RAW(r, "\">");
		html_txt(&r->out, P_(r, "Recommencer"));
		RAW(r, "</a></p>\n");
		idle_dialog(r, k);
	}
	kiosk_page_end(r);
}

/* A message page in the person's language (closed, refused, no service):
 * status, a French msgid, and the way back to the first screen. */
static int kiosk_message(req *r, const kiosk *k, int status, const char *title, const char *msgid)
{
	buf_reset(&r->out);
	http_status(r, status);
	kiosk_begin(r, k, i18n_text(r->lang, title), 0);
	RAW(r, "<div class=\"kiosk-message\">\n<p>");
	html_txt(&r->out, i18n_text(r->lang, msgid));
	RAW(r, "</p>\n");
	kiosk_say_button(r, k->site_id, msgid);
	RAW(r, "</div>\n");
	kiosk_end(r, k, 0);
	return 0;
}

/* The manager's view of /sites/ID/kiosk without a key: the addresses to
 * open on the kiosk and to print at the door. */
static int kiosk_addresses(req *r, const kiosk *k)
{
	buf *o = &r->out;
	char key[33], door[33];
	queue_public_key(r->app->secret, k->site_id, "kiosk", key);
	queue_public_key(r->app->secret, k->site_id, "door", door);
	const char *local = arena_printf(r->arena, "/sites/%lld/kiosk?key=%s", (long long)k->site_id, key);
	const char *base = kiosk_public_base(r);
	ui_page_begin(r, _(r, "Borne d'accueil"));
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <strong>");
	html_txt(o, k->site.name);
	RAW(r, "</strong></p>\n<p>");
	html_txt(o, _(r, "Ouvrez cette adresse sur la borne tactile de l'accueil. Elle contient une clé propre au "
	                 "lieu : ne la modifiez pas."));
	RAW(r, "</p>\n<ul class=\"addresses\">\n<li>");
	html_txt(o, _(r, "Borne :"));
	RAW(r, " <a class=\"url\" href=\"");
	html_attr(o, local ? local : "/");
	RAW(r, "\"><bdi>");
	if (base)
		html_txt(o, base);
	html_txt(o, local ? local : "");
	RAW(r, "</bdi></a></li>\n<li>");
	html_txt(o, _(r, "Ticket sur téléphone (QR code de la porte) :"));
	RAW(r, " <a class=\"url\" href=\"");
	const char *door_path = arena_printf(r->arena, "/sites/%lld/ticket?key=%s", (long long)k->site_id, door);
	html_attr(o, door_path ? door_path : "/");
	RAW(r, "\"><bdi>");
	if (base)
		html_txt(o, base);
	html_txt(o, door_path ? door_path : "");
	RAW(r, "</bdi></a> — <a href=\"");
	const char *poster = arena_printf(r->arena, "/sites/%lld/ticket/poster", (long long)k->site_id);
	html_attr(o, poster ? poster : "/");
	RAW(r, "\">");
	html_txt(o, _(r, "Imprimer l'affiche de la porte"));
	RAW(r, "</a></li>\n</ul>\n<p>");
	html_txt(o, _(r, "Pour un essai, ajoutez &idle=20 à l'adresse de la borne : l'avertissement d'inactivité "
	                 "viendra après 20 secondes au lieu de 90."));
	RAW(r, "</p>\n");
	ui_page_end(r);
	return 0;
}

/* Whether the user manages the site (its managers and the administrators). */
static int manages(req *r, int64_t site_id)
{
	const struct session *s = r->session;
	return s && access_may_configure_queue(&s->user, site_id);
}

/* Loads the site and checks the key of the purpose; chooses the language
 * of ?lang= or of the form among those the kiosk offers. 0, 1 when the
 * manager's page was answered, or -1 once answered (404 for a wrong key,
 * exactly as for a missing site). */
static int kiosk_load(req *r, kiosk *k, const char *purpose)
{
	page_prepare(r);
	memset(k, 0, sizeof *k);
	k->purpose = purpose;
	k->door = strcmp(purpose, "door") == 0;
	k->idle = DEFAULT_KIOSK_IDLE_S;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &k->site_id) != 0) {
		page_not_found(r);
		return -1;
	}
	const char *key = http_query(r, "key");
	int rc = store_site_get(r->app->store, r->arena, k->site_id, &k->site);
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && !key && !(!k->door && manages(r, k->site_id)))) {
		page_not_found(r);
		return -1;
	}
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return -1;
	}
	if (!key) {
		kiosk_addresses(r, k);
		return 1;
	}
	char want[33];
	queue_public_key(r->app->secret, k->site_id, purpose, want);
	if (strlen(key) != 32 || sodium_memcmp(want, key, 32) != 0) {
		page_not_found(r);
		return -1;
	}
	k->key = key;
	const char *idle = http_query(r, "idle");
	int64_t v;
	if (idle && parse_int64(idle, LIMIT_KIOSK_IDLE_MIN_S, LIMIT_KIOSK_IDLE_MAX_S, &v) == 0)
		k->idle = (int)v;
	if (store_queue_settings_get(r->app->store, r->arena, k->site_id, &k->qs) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return -1;
	}
	/* The public pages never keep a language in a cookie: the person's
	 * choice lives in the address, and the first screen is French. */
	const char *code = r->method == HTTP_POST ? http_form(r, "lang") : http_query(r, "lang");
	const lang *l = kiosk_lang_find(code, k->qs.kiosk_languages);
	r->lang = l ? l : i18n_default();
	web_public_site_fixes(r, k->site_id);
	return 0;
}

/* The languages the kiosk offers, French first. */
static size_t kiosk_langs(const kiosk *k, const lang **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < i18n_public_count() && n < max; i++)
		if (kiosk_lang_find(i18n_public_lang(i)->code, k->qs.kiosk_languages))
			out[n++] = i18n_public_lang(i);
	return n;
}

/* Screen 1: each language in itself, in its own direction. */
static void screen_languages(req *r, const kiosk *k)
{
	buf *o = &r->out;
	kiosk_begin(r, k, P_(r, "Choisissez votre langue"), 0);
	const lang *langs[64];
	size_t n = kiosk_langs(k, langs, COUNT(langs));
	RAW(r, "<ul class=\"kiosk-langs\">\n");
	for (size_t i = 0; i < n; i++) {
		const char *args = arena_printf(r->arena, "lang=%s&step=service", langs[i]->code);
		RAW(r, "<li><a class=\"kiosk-big kiosk-lang\" href=\"");
		html_attr(o, kiosk_path(r, k, args));
		RAW(r, "\" lang=\"");
		html_attr(o, langs[i]->code);
		RAW(r, langs[i]->rtl ? "\" dir=\"rtl\">" : "\" dir=\"ltr\">");
		html_txt(o, langs[i]->name);
		RAW(r, "</a></li>\n");
	}
	RAW(r, "</ul>\n");
	kiosk_end(r, k, 1);
}

/* The hidden fields every issuing form carries. */
static void issue_fields(req *r, const kiosk *k)
{
	char token[KIOSK_TOKEN_BYTES];
	kiosk_token(r, k->purpose, k->site_id, now_s(), token);
	RAW(r, "<input type=\"hidden\" name=\"lang\" value=\"");
	html_attr(&r->out, r->lang->code);
	RAW(r, "\">\n<input type=\"hidden\" name=\"token\" value=\"");
	html_attr(&r->out, token);
	RAW(r, "\">\n");
}

/* The action of the issuing form: the step's address without its step. */
static void form_begin(req *r, const kiosk *k, int post)
{
	if (post) {
		RAW(r, "<form class=\"kiosk-form\" method=\"post\" action=\"");
		html_attr(&r->out, kiosk_path(r, k, NULL));
		RAW(r, "\">\n");
		issue_fields(r, k);
	} else {
		/* A GET form: the key and delay travel as fields, since a GET
		 * form replaces the query of its action. */
		RAW(r, "<form class=\"kiosk-form\" method=\"get\" action=\"");
		html_rawf_trusted(&r->out, "/sites/%lld/%s", (long long)k->site_id, k->door ? "ticket" : "kiosk");
		RAW(r, "\">\n<input type=\"hidden\" name=\"key\" value=\"");
		html_attr(&r->out, k->key);
		RAW(r, "\">\n");
		if (!k->door && k->idle != DEFAULT_KIOSK_IDLE_S)
			html_rawf_trusted(&r->out, "<input type=\"hidden\" name=\"idle\" value=\"%d\">\n", k->idle);
		RAW(r, "<input type=\"hidden\" name=\"lang\" value=\"");
		html_attr(&r->out, r->lang->code);
		RAW(r, "\">\n<input type=\"hidden\" name=\"step\" value=\"needs\">\n");
	}
}

/* Screen 2: the services. With needs to ask, a service leads to them;
 * without, choosing the service takes the ticket. */
static int screen_services(req *r, const kiosk *k)
{
	buf *o = &r->out;
	store_queue_service *svc = NULL;
	size_t n = 0, ndefaults = 0;
	int added = 0;
	/* A site that never set up its services gets the default ones, as
	 * its advisers' queue page gives them. */
	const store_queue_service *defaults = queue_default_services(&ndefaults);
	if (store_queue_services(r->app->store, r->arena, k->site_id, 0, &svc, &n) != STORE_OK ||
	    (n == 0 && store_queue_seed(r->app->store, k->site_id, defaults, ndefaults, &added) != STORE_OK) ||
	    store_queue_services(r->app->store, r->arena, k->site_id, 1, &svc, &n) != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	if (n == 0)
		return kiosk_message(r, k, 200, NP_("Prendre un ticket"),
		                     NP_("Aucun service n'est ouvert pour le moment. Adressez-vous à l'accueil."));
	int ask_needs = (k->qs.kiosk_needs & QUEUE_NEED_ALL) != 0;
	kiosk_begin(r, k, P_(r, "Choisissez ce que vous venez faire"), 0);
	form_begin(r, k, !ask_needs);
	RAW(r, "<ul class=\"kiosk-choices\">\n");
	for (size_t i = 0; i < n; i++) {
		const char *label = kiosk_service_label(r, svc[i].label);
		RAW(r, "<li class=\"kiosk-choice\">");
		html_rawf_trusted(o, "<button type=\"submit\" class=\"kiosk-big kiosk-service\" name=\"service\" "
		                     "value=\"%lld\">",
		                  (long long)svc[i].id);
		kiosk_picto(r, svc[i].picto);
		RAW(r, "<span class=\"kiosk-label\">");
		html_txt(o, label);
		RAW(r, "</span></button>");
		kiosk_say_button(r, k->site_id, svc[i].label);
		RAW(r, "</li>\n");
	}
	RAW(r, "</ul>\n</form>\n");
	kiosk_end(r, k, 0);
	return 0;
}

/* The active service of the site named by value; 0, or -1. */
static int service_of(req *r, const kiosk *k, const char *value, store_queue_service *svc)
{
	int64_t id;
	if (!value || parse_int64(value, 1, INT64_MAX, &id) != 0)
		return -1;
	if (store_queue_service_get(r->app->store, r->arena, id, svc) != STORE_OK)
		return -1;
	return svc->site_id == k->site_id && svc->active ? 0 : -1;
}

/* Screen 3: the needs, each a large card to tick, then continue. */
static int screen_needs(req *r, const kiosk *k)
{
	buf *o = &r->out;
	store_queue_service svc;
	if (service_of(r, k, http_query(r, "service"), &svc) != 0)
		return kiosk_message(r, k, 400, NP_("Prendre un ticket"),
		                     NP_("Ce choix n'est pas possible. Recommencez, s'il vous plaît."));
	kiosk_begin(r, k, P_(r, "Avez-vous besoin d'aide en plus ?"), 0);
	RAW(r, "<p class=\"kiosk-chosen\">");
	html_txt(o, kiosk_service_label(r, svc.label));
	RAW(r, "</p>\n");
	form_begin(r, k, 1);
	html_rawf_trusted(o, "<input type=\"hidden\" name=\"service\" value=\"%lld\">\n", (long long)svc.id);
	RAW(r, "<fieldset class=\"kiosk-needs\">\n<legend>");
	html_txt(o, P_(r, "Touchez ce qui vous concerne, puis « Continuer »."));
	RAW(r, "</legend>\n<ul class=\"kiosk-choices\">\n");
	for (size_t i = 0; i < COUNT(needs); i++) {
		if (!(k->qs.kiosk_needs & needs[i].bit))
			continue;
		const char *code = queue_need_code(needs[i].bit);
		RAW(r, "<li class=\"kiosk-choice\"><input class=\"kiosk-check\" type=\"checkbox\" name=\"need\" id=\"need-");
		html_attr(o, code);
		RAW(r, "\" value=\"");
		html_attr(o, code);
		RAW(r, "\"><label class=\"kiosk-big kiosk-need\" for=\"need-");
		html_attr(o, code);
		RAW(r, "\">");
		kiosk_picto(r, needs[i].picto);
		RAW(r, "<span class=\"kiosk-label\">");
		html_txt(o, P_(r, needs[i].label));
		RAW(r, "</span></label>");
		kiosk_say_button(r, k->site_id, needs[i].label);
		RAW(r, "</li>\n");
	}
	RAW(r, "</ul>\n</fieldset>\n<div class=\"kiosk-actions\">\n"
	       "<button type=\"submit\" class=\"kiosk-big kiosk-none\" name=\"none\" value=\"1\">");
	html_txt(o, P_(r, "Pas de besoin particulier"));
	RAW(r, "</button>\n<button type=\"submit\" class=\"kiosk-big kiosk-continue\">");
	html_txt(o, P_(r, "Continuer"));
	RAW(r, "</button>\n</div>\n</form>\n");
	kiosk_end(r, k, 0);
	return 0;
}

/* The ticket's QR code, to the person's page on their phone. */
static void ticket_qr(req *r, const store_ticket *t)
{
	const char *base = kiosk_public_base(r);
	if (!base)
		return;
	const char *url = arena_printf(r->arena, "%s/t/%s", base, t->key);
	qr_code *q = arena_alloc(r->arena, sizeof *q);
	if (!url || !q || qr_encode(url, strlen(url), q) != 0)
		return;
	RAW(r, "<div class=\"ticket-qr\">");
	qr_svg(q, &r->out, P_(r, "QR code de votre ticket"));
	RAW(r, "<p>");
	html_txt(&r->out, P_(r, "Scannez ce code avec votre téléphone pour suivre votre attente."));
	RAW(r, "</p></div>\n");
}

/* Screen 4: the ticket as the kiosk shows and prints it. */
static int screen_ticket(req *r, const kiosk *k)
{
	buf *o = &r->out;
	store_ticket t;
	const char *tk = http_query(r, "t");
	if (!tk || store_ticket_by_key(r->app->store, r->arena, tk, &t) != STORE_OK || t.site_id != k->site_id)
		return page_not_found(r);
	store_queue_service svc;
	int have_svc = store_queue_service_get(r->app->store, r->arena, t.service_id, &svc) == STORE_OK;
	size_t ahead = 0;
	int64_t wait_s = 0;
	if (kiosk_ticket_wait(r, &t, &ahead, &wait_s) != 0) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	kiosk_begin(r, k, P_(r, "Votre ticket"), 1);
	RAW(r, "<div class=\"ticket\" id=\"ticket\">\n<p class=\"ticket-site\"><bdi>");
	html_txt(o, k->site.name);
	RAW(r, "</bdi></p>\n<p class=\"ticket-number\"><span class=\"sr-only\">");
	html_txt(o, P_(r, "Numéro :"));
	RAW(r, " </span><bdi dir=\"ltr\">");
	html_txt(o, t.label);
	RAW(r, "</bdi></p>\n");
	if (have_svc) {
		RAW(r, "<p class=\"ticket-service\">");
		html_txt(o, kiosk_service_label(r, svc.label));
		RAW(r, "</p>\n");
	}
	time_t at = (time_t)t.arrived_at;
	struct tm tm;
	if (localtime_r(&at, &tm)) {
		char hm[8];
		snprintf(hm, sizeof hm, "%02d:%02d", tm.tm_hour, tm.tm_min);
		RAW(r, "<p class=\"ticket-time\">");
		html_txt(o, P_(r, "Arrivée :"));
		RAW(r, " <bdi dir=\"ltr\">");
		html_txt(o, hm);
		RAW(r, "</bdi></p>\n");
	}
	kiosk_wait_lines(r, ahead, wait_s);
	ticket_qr(r, &t);
	RAW(r, "<p class=\"ticket-keep\">");
	html_txt(o, P_(r, "Gardez ce numéro. Il s'affichera à l'écran quand ce sera votre tour."));
	RAW(r, "</p>\n</div>\n<div class=\"kiosk-actions ticket-actions\">\n"
	       "<button type=\"button\" class=\"kiosk-big\" data-print hidden>");
	html_txt(o, P_(r, "Imprimer le ticket"));
	RAW(r, "</button>\n<a class=\"kiosk-big kiosk-finished\" href=\"");
	html_attr(o, kiosk_path(r, k, NULL));
	RAW(r, "\">");
	html_txt(o, P_(r, "Terminé"));
	RAW(r, "</a>\n</div>\n");
	idle_dialog(r, k);
	kiosk_page_end(r);
	return 0;
}

static int kiosk_get(req *r, const char *purpose)
{
	kiosk k;
	int rc = kiosk_load(r, &k, purpose);
	if (rc != 0)
		return 0;
	const char *step = http_query(r, "step");
	if (!step || !*step) {
		/* One language offered: nothing to choose. */
		const lang *langs[2];
		if (kiosk_langs(&k, langs, COUNT(langs)) == 1 && !http_query(r, "lang")) {
			r->lang = langs[0];
		} else {
			screen_languages(r, &k);
			return 0;
		}
		step = "service";
	}
	if (strcmp(step, "ticket") == 0) {
		if (k.door) {
			const char *tk = http_query(r, "t");
			const char *to = tk ? arena_printf(r->arena, "/t/%s?lang=%s", tk, r->lang->code) : NULL;
			if (!to)
				return page_not_found(r);
			http_redirect(r, to);
			return 0;
		}
		return screen_ticket(r, &k);
	}
	if (!kiosk_open(&k.qs, now_s()))
		return kiosk_message(r, &k, 200, NP_("Le lieu est fermé"),
		                     NP_("Le lieu est fermé. Vous ne pouvez pas prendre de ticket maintenant."));
	if (strcmp(step, "service") == 0)
		return screen_services(r, &k);
	if (strcmp(step, "needs") == 0)
		return screen_needs(r, &k);
	return kiosk_message(r, &k, 400, NP_("Prendre un ticket"),
	                     NP_("Ce choix n'est pas possible. Recommencez, s'il vous plaît."));
}

int page_kiosk(req *r)
{
	return kiosk_get(r, "kiosk");
}

int page_door(req *r)
{
	return kiosk_get(r, "door");
}

static int kiosk_post(req *r, const char *purpose)
{
	kiosk k;
	if (kiosk_load(r, &k, purpose) != 0)
		return 0;
	int64_t now = now_s();
	const char *token = http_form(r, "token");
	if (!kiosk_token_ok(r, k.purpose, k.site_id, token, now))
		return kiosk_message(r, &k, 403, NP_("Prendre un ticket"),
		                     NP_("Cette page a expiré. Recommencez, s'il vous plaît."));
	char done[48];
	if (used_find(k.site_id, token, done)) {
		const char *args = arena_printf(r->arena, "lang=%s&step=ticket&t=%s", r->lang->code, done);
		http_redirect(r, kiosk_path(r, &k, args));
		return 0;
	}
	/* Every field is checked before anything is written. */
	store_queue_service svc;
	int bad = !http_form(r, "lang") || !kiosk_lang_find(http_form(r, "lang"), k.qs.kiosk_languages) ||
	          service_of(r, &k, http_form(r, "service"), &svc) != 0;
	unsigned mask = 0;
	if (!bad && !http_form(r, "none")) {
		const char **v = NULL;
		size_t n = page_field_all(r, "need", &v);
		for (size_t i = 0; i < n && !bad; i++) {
			unsigned one = 0;
			if (queue_needs_parse(v[i], &one) != 0 || one == 0 || (one & ~k.qs.kiosk_needs))
				bad = 1;
			mask |= one;
		}
	}
	if (bad)
		return kiosk_message(r, &k, 400, NP_("Prendre un ticket"),
		                     NP_("Ce choix n'est pas possible. Recommencez, s'il vous plaît."));
	if (!kiosk_open(&k.qs, now))
		return kiosk_message(r, &k, 200, NP_("Le lieu est fermé"),
		                     NP_("Le lieu est fermé. Vous ne pouvez pas prendre de ticket maintenant."));
	int refused = k.door ? counters_take(r->client_ip ? r->client_ip : "", LIMIT_DOOR_TICKETS_PER_ADDRESS,
	                                     k.site_id, LIMIT_DOOR_TICKETS_SITE, now)
	                     : counters_take(NULL, 0, k.site_id, LIMIT_KIOSK_TICKETS_SITE, now);
	if (refused == 1)
		return kiosk_message(r, &k, 429, NP_("Prendre un ticket"),
		                     NP_("Plusieurs tickets ont déjà été pris avec ce téléphone. Adressez-vous à "
		                         "l'accueil."));
	if (refused)
		return kiosk_message(r, &k, 429, NP_("Prendre un ticket"),
		                     NP_("Beaucoup de tickets ont été pris. Adressez-vous à l'accueil."));
	store_ticket t;
	memset(&t, 0, sizeof t);
	t.site_id = k.site_id;
	t.service_id = svc.id;
	t.lang = (char *)r->lang->code;
	t.needs = mask;
	t.priority = (mask & QUEUE_NEED_MOBILITY) ? QUEUE_PRIO_MOBILITY : QUEUE_PRIO_NONE;
	t.channel = (char *)"guichet_spontane";
	t.name = (char *)"";
	int rc = app_queue_issue(r->app->store, r->arena, &t, now);
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	if (rc != STORE_OK) {
		ui_error_page(r, 500, NULL);
		return 0;
	}
	used_add(k.site_id, token, t.key);
	const char *args = arena_printf(r->arena, "lang=%s&step=ticket&t=%s", r->lang->code, t.key);
	http_redirect(r, kiosk_path(r, &k, args ? args : NULL));
	return 0;
}

int page_kiosk_post(req *r)
{
	return kiosk_post(r, "kiosk");
}

int page_door_post(req *r)
{
	return kiosk_post(r, "door");
}

/* ---- The door poster ------------------------------------------------------- */

int page_door_poster(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_site site;
	if (page_path_site(r, &site) != 0)
		return 0;
	if (!manages(r, site.id)) {
		ui_error_page(r, 403, "Seuls les responsables du lieu et les administrateurs peuvent imprimer cette affiche.");
		return 0;
	}
	buf *o = &r->out;
	const char *base = kiosk_public_base(r);
	char door[33];
	queue_public_key(r->app->secret, site.id, "door", door);
	/* The short address: the site and the first ten characters of its
	 * key, for someone who cannot scan the code (/d/ID-CODE). */
	const char *url = base ? arena_printf(r->arena, "%s/sites/%lld/ticket?key=%s", base, (long long)site.id, door) : NULL;
	const char *shorter = base ? arena_printf(r->arena, "%s/d/%lld-%.10s", base, (long long)site.id, door) : NULL;
	if (!url || !shorter) {
		ui_page_begin(r, P_(r, "Prenez votre ticket avec votre téléphone"));
		ui_notice(r, "info",
		          _(r, "Les adresses publiques ne peuvent pas être affichées : l'administrateur doit indiquer "
		               "l'adresse du serveur pour le public (réglage public-url)."));
		ui_page_end(r);
		return 0;
	}
	/* The poster is for the public: the public pages' frame (their fonts)
	 * and the print layout of the satisfaction poster, one A4 page. */
	static const char *const styles[] = {"/static/poster.css", "/static/kiosk.css", NULL};
	web_public_page page = {.title = P_(r, "Prenez votre ticket avec votre téléphone"), .styles = styles};
	web_public_begin(r, &page);
	RAW(r, "<div class=\"poster door-poster\">\n<p class=\"poster-text\">");
	html_txt(o, P_(r, "Scannez ce code avec votre téléphone pour prendre un ticket et suivre votre attente."));
	RAW(r, "</p>\n<div class=\"poster-qr\">");
	qr_code *q = arena_alloc(r->arena, sizeof *q);
	if (q && qr_encode(url, strlen(url), q) == 0)
		qr_svg(q, o, P_(r, "QR code pour prendre un ticket"));
	RAW(r, "</div>\n<p class=\"poster-url\">");
	html_txt(o, P_(r, "Ou tapez cette adresse :"));
	RAW(r, " <bdi dir=\"ltr\">");
	html_txt(o, shorter);
	RAW(r, "</bdi></p>\n<p class=\"poster-site\"><bdi>");
	html_txt(o, site.name);
	RAW(r, "</bdi></p>\n</div>\n");
	web_public_end(r);
	return 0;
}

/* /d/ID-CODE: the short address of the door poster leads to the door page
 * when CODE is the start of the site's key. */
int page_door_short(req *r)
{
	page_prepare(r);
	const char *p = http_param(r, 0);
	const char *dash = p ? strchr(p, '-') : NULL;
	char idtext[24];
	int64_t id;
	if (!dash || (size_t)(dash - p) >= sizeof idtext || strlen(dash + 1) != 10)
		return page_not_found(r);
	memcpy(idtext, p, (size_t)(dash - p));
	idtext[dash - p] = '\0';
	if (parse_int64(idtext, 1, INT64_MAX, &id) != 0)
		return page_not_found(r);
	char door[33];
	queue_public_key(r->app->secret, id, "door", door);
	char lower[11];
	for (int i = 0; i < 10; i++)
		lower[i] = (char)((dash[1 + i] >= 'A' && dash[1 + i] <= 'F') ? dash[1 + i] + 32 : dash[1 + i]);
	lower[10] = '\0';
	if (sodium_memcmp(door, lower, 10) != 0)
		return page_not_found(r);
	const char *to = arena_printf(r->arena, "/sites/%lld/ticket?key=%s", (long long)id, door);
	if (!to)
		return page_not_found(r);
	http_redirect(r, to);
	return 0;
}
