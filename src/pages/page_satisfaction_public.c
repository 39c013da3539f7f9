/*
 * page_satisfaction_public.c: what the advisers' side of the satisfaction
 * survey says about the public page (page_avis.c): the two public
 * addresses of a site (kiosk and QR code), the section of /satisfaction
 * that shows them, and the change of a site's key, which makes the old
 * addresses stop working (after a poster was photographed and shared, or
 * a script filled a site's figures).
 *
 * The addresses are printed on posters and typed into kiosks, so they
 * never come from the request's Host header, which whoever sends the
 * request chooses: they start with the public-url setting, or, on a
 * server that listens on a loopback address only (a demonstration on one
 * machine), with that address. Otherwise the page asks the administrator
 * to set public-url.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "domain/satisfaction.h"
#include "pages/page_satisfaction.h"
#include "pages/pages.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* A host of --listen that only this machine can reach. */
static int loopback_host(const char *h, size_t n)
{
	return (n > 4 && strncmp(h, "127.", 4) == 0) || (n == 5 && strncmp(h, "[::1]", 5) == 0) ||
	       (n == 9 && strncmp(h, "localhost", 9) == 0);
}

/* The start of the public addresses, without a final slash; NULL when the
 * server cannot know it. */
static const char *public_base(req *r)
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

int page_satisfaction_address(req *r, int64_t site_id, const char *via, const char **url)
{
	*url = NULL;
	int64_t generation = 0;
	if (store_satisfaction_key_generation(r->app->store, site_id, &generation) != STORE_OK)
		return -1;
	const char *base = public_base(r);
	if (!base)
		return 0;
	char key[33];
	satisfaction_key(r->app->secret, site_id, generation, key);
	*url = arena_printf(r->arena, "%s/avis/%lld?k=%s&via=%s", base, (long long)site_id, key, via);
	return *url ? 0 : -1;
}

/* ---- The short code of a site's survey -------------------------------------
 *
 * Beside the QR code the poster prints a short code that anyone can type on
 * /a: 8 characters or more from an alphabet without the letters and digits
 * that look alike (no 0, O, 1, I, L). The first characters are the site's
 * id in base 31 (3 at least), the last 5 are taken from the site's key, so
 * the code is derived from the key and nothing is stored: changing the key
 * changes the code, and the old code stops working with the old address. */

static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define CODE_BASE 31u
#define CODE_SITE_MIN 3
#define CODE_CHECK 5

/* The code of site_id under key (32 hex digits), NUL-terminated. */
static void code_make(int64_t site_id, const char *key, char out[PAGE_SATISFACTION_CODE_BYTES])
{
	char digits[PAGE_SATISFACTION_CODE_BYTES];
	size_t n = 0, k = 0;
	uint64_t v = (uint64_t)site_id;
	do {
		digits[n++] = code_alphabet[v % CODE_BASE];
		v /= CODE_BASE;
	} while (v || n < CODE_SITE_MIN);
	while (n)
		out[k++] = digits[--n];
	/* 40 bits of the key (its last 10 hex digits), written in 5 digits. */
	uint64_t check = strtoull(key + 22, NULL, 16);
	for (int i = CODE_CHECK - 1; i >= 0; i--) {
		out[k + (size_t)i] = code_alphabet[check % CODE_BASE];
		check /= CODE_BASE;
	}
	out[k + CODE_CHECK] = '\0';
}

int page_satisfaction_code(req *r, int64_t site_id, char out[PAGE_SATISFACTION_CODE_BYTES])
{
	int64_t generation = 0;
	out[0] = '\0';
	if (store_satisfaction_key_generation(r->app->store, site_id, &generation) != STORE_OK)
		return -1;
	char key[33];
	satisfaction_key(r->app->secret, site_id, generation, key);
	code_make(site_id, key, out);
	return 0;
}

const char *page_satisfaction_code_display(req *r, const char *code)
{
	size_t n = strlen(code);
	char *out = arena_alloc(r->arena, n + n / 4 + 1);
	size_t k = 0;
	if (!out)
		return code;
	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		out[k++] = code[i];
	}
	out[k] = '\0';
	return out;
}

int page_satisfaction_code_find(req *r, const char *typed, int64_t *site_id, const char **key)
{
	char code[PAGE_SATISFACTION_CODE_BYTES];
	size_t n = 0;
	*site_id = 0;
	*key = NULL;
	/* What people type: lower case, spaces and dashes between the groups. */
	for (const char *p = typed ? typed : ""; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '.')
			continue;
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		if (!strchr(code_alphabet, c) || c == '\0' || n + 1 >= sizeof(code))
			return 1;
		code[n++] = c;
	}
	code[n] = '\0';
	if (n < CODE_SITE_MIN + CODE_CHECK)
		return 1;
	uint64_t v = 0;
	for (size_t i = 0; i + CODE_CHECK < n; i++) {
		if (v > ((uint64_t)INT64_MAX - CODE_BASE) / CODE_BASE)
			return 1;
		v = v * CODE_BASE + (uint64_t)(strchr(code_alphabet, code[i]) - code_alphabet);
	}
	if (v < 1)
		return 1;
	int64_t generation = 0;
	int rc = store_satisfaction_key_generation(r->app->store, (int64_t)v, &generation);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? 1 : -1;
	char k[33], want[PAGE_SATISFACTION_CODE_BYTES];
	satisfaction_key(r->app->secret, (int64_t)v, generation, k);
	code_make((int64_t)v, k, want);
	/* The site part matched by construction; compare the whole code
	 * without stopping at the first difference. */
	unsigned char diff = (unsigned char)(strlen(want) != n);
	for (size_t i = 0; i < n && want[i]; i++)
		diff |= (unsigned char)(want[i] ^ code[i]);
	if (diff)
		return 1;
	*site_id = (int64_t)v;
	*key = arena_strdup(r->arena, k);
	return *key ? 0 : -1;
}

const char *page_satisfaction_public_base(req *r)
{
	return public_base(r);
}

void page_satisfaction_unset_notice(req *r)
{
	ui_notice(r, "info",
	          _(r,
	            "Les adresses publiques ne peuvent pas être affichées : l'administrateur doit indiquer "
	            "l'adresse du serveur pour le public (réglage public-url)."));
}

/* Whether the user may change the site's key: its managers and the
 * administrators, as for deleting the answers given by the public. */
static int may_rotate(req *r, int64_t site_id)
{
	const struct session *s = r->session;
	return s &&
	       (s->role == ROLE_ADMIN || (s->role == ROLE_MANAGER && auth_user_has_site(&s->user, site_id)));
}

/* One public address; poster, when not NULL, is the site whose printable
 * poster is linked after it. */
static void address_line(req *r, const char *label, const char *url, const store_site *poster)
{
	buf *o = &r->out;
	RAW(r, "<li>");
	html_txt(o, label);
	RAW(r, " <a class=\"url\" href=\"");
	html_attr(o, url);
	RAW(r, "\"><bdi>");
	html_txt(o, url);
	RAW(r, "</bdi></a>");
	if (poster) {
		RAW(r, " — <a href=\"/satisfaction/poster?site=");
		html_int(o, poster->id);
		RAW(r, "\">");
		html_txt(o, _(r, "Imprimer l'affiche"));
		RAW(r, "</a>");
	}
	RAW(r, "</li>\n");
}

int page_satisfaction_collect(req *r, const store_site *site)
{
	buf *o = &r->out;
	const char *borne = NULL, *qr = NULL;
	if (page_satisfaction_address(r, site->id, "borne", &borne) != 0 ||
	    page_satisfaction_address(r, site->id, "qr", &qr) != 0)
		return -1;
	RAW(r, "<h2>");
	html_txt(o, _(r, "Recueillir les avis"));
	RAW(r, "</h2>\n<p>");
	html_txt(o,
	         _(r, "Les personnes répondent sans se connecter, sur la page publique du lieu. Ouvrez la "
	              "première adresse sur la borne ou la tablette de l'accueil ; imprimez la seconde en "
	              "QR code sur une affiche, pour répondre avec son téléphone. Ces adresses contiennent "
	              "une clé propre au lieu : ne les modifiez pas."));
	RAW(r, "</p>\n");
	if (borne && qr) {
		RAW(r, "<ul class=\"addresses\">\n");
		address_line(r, _(r, "Borne :"), borne, NULL);
		address_line(r, _(r, "QR code :"), qr, site);
		RAW(r, "</ul>\n");
	} else {
		page_satisfaction_unset_notice(r);
	}
	RAW(r, "<p><a class=\"button\" href=\"/satisfaction/new?site=");
	html_int(o, site->id);
	RAW(r, "\">");
	html_txt(o, _(r, "Saisir une réponse papier"));
	RAW(r, "</a></p>\n");
	if (may_rotate(r, site->id)) {
		RAW(r, "<p><a href=\"/satisfaction/key?site=");
		html_int(o, site->id);
		RAW(r, "\">");
		html_txt(o, _(r, "Changer la clé des adresses publiques"));
		RAW(r, "</a></p>\n");
	}
	return 0;
}

/* ---- The change of a site's key ------------------------------------------ */

/* The site of ?site= if the user may change its key; otherwise answers (404
 * for a site they cannot see, exactly as for a missing one; 403 for one
 * they see but do not manage) and returns -1. */
static int load_rotatable(req *r, store_site *site)
{
	if (!page_require_login(r))
		return -1;
	const char *q = http_query(r, "site");
	int64_t id = 0;
	if (!q || parse_int64(q, 1, INT64_MAX, &id) != 0) {
		page_not_found(r);
		return -1;
	}
	if (page_visible_site(r, id, site) != 0)
		return -1;
	if (!may_rotate(r, id)) {
		ui_error_page(r, 403,
		              "Seuls les responsables du lieu et les administrateurs peuvent changer la clé "
		              "des adresses publiques.");
		return -1;
	}
	return 0;
}

int page_satisfaction_key_form(req *r)
{
	store_site site;
	if (load_rotatable(r, &site) != 0)
		return 0;
	buf *o = &r->out;
	const char *back = arena_printf(r->arena, "/satisfaction?site=%lld", (long long)site.id);
	const char *action = arena_printf(r->arena, "/satisfaction/key?site=%lld", (long long)site.id);
	if (!back || !action) {
		r->status = 500;
		return page_error(r);
	}
	ui_page_begin(r, _(r, "Changer la clé des adresses publiques"));
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <strong>");
	html_txt(o, site.name);
	RAW(r, "</strong></p>\n<p>");
	html_txt(o, _(r, "Le lieu recevra de nouvelles adresses pour la borne et le QR code. Les anciennes "
	                 "ne fonctionneront plus : il faudra réimprimer les affiches et ouvrir la nouvelle "
	                 "adresse sur la borne. Les réponses déjà reçues sont gardées."));
	RAW(r, "</p>\n");
	ui_form_begin(r, action);
	RAW(r, "<div class=\"actions\"><button type=\"submit\" class=\"button-danger\">");
	html_txt(o, _(r, "Changer la clé"));
	RAW(r, "</button> <a href=\"");
	html_attr(o, back);
	RAW(r, "\">");
	html_txt(o, _(r, "Annuler et revenir aux réponses"));
	RAW(r, "</a></div>\n");
	ui_form_end(r);
	ui_page_end(r);
	return 0;
}

int page_satisfaction_key_rotate(req *r)
{
	store_site site;
	if (load_rotatable(r, &site) != 0 || !page_require_form(r))
		return 0;
	int64_t generation = 0;
	int rc = store_satisfaction_key_rotate(r->app->store, site.id, r->session->user.id, &generation);
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	const char *detail = arena_printf(r->arena, "generation=%lld", (long long)generation);
	const char *to = arena_printf(r->arena, "/satisfaction?site=%lld&key=1", (long long)site.id);
	return page_stored(r, rc, "update", "satisfaction_key", site.id, site.id, detail,
	                   to ? to : "/satisfaction");
}
