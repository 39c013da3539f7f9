/*
 * page_tokens.c: /account/tokens, where each user sees, creates and revokes
 * their own API tokens. A new token is shown once, in the answer to the form
 * that created it; afterwards only its name and dates are known.
 */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "domain/site.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

/* The lives a user may choose; the first is the default of
 * LIMIT_TOKEN_DEFAULT_DAYS, the last LIMIT_TOKEN_MAX_DAYS. */
static const struct {
	const char *days;
	const char *label;
} lives[] = {
    {"90", N_("90 jours")},
    {"30", N_("30 jours")},
    {"180", N_("180 jours")},
    {"365", N_("1 an")},
};

_Static_assert(LIMIT_TOKEN_DEFAULT_DAYS == 90 && LIMIT_TOKEN_MAX_DAYS == 365,
               "the lives offered follow the token limits");

static void write_date(req *r, int64_t t)
{
	char day[11];
	time_local_date(t, day);
	html_txt(&r->out, day);
}

static void token_rows(req *r, const store_token *t, size_t n)
{
	buf *o = &r->out;
	int64_t now = now_s();
	ui_table_begin(r, NULL, _(r, "Vos jetons"));
	const char *heads[] = {_(r, "Nom"), _(r, "Créé le"), _(r, "Expire le"), _(r, "Dernière utilisation"),
	                       _(r, "Action")};
	for (size_t i = 0; i < COUNT(heads); i++)
		ui_th(r, heads[i]);
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		html_raw_trusted(o, "<tr><td>");
		html_txt(o, *t[i].label ? t[i].label : "—");
		html_raw_trusted(o, "</td><td>");
		write_date(r, t[i].created_at);
		html_raw_trusted(o, "</td><td>");
		if (t[i].expires_at > now)
			write_date(r, t[i].expires_at);
		else
			html_txt(o, _(r, "expiré"));
		html_raw_trusted(o, "</td><td>");
		if (t[i].last_used_at)
			write_date(r, t[i].last_used_at);
		else
			html_txt(o, _(r, "jamais"));
		html_raw_trusted(o, "</td><td>");
		char *action = arena_printf(r->arena, "/account/tokens/%lld/revoke", (long long)t[i].id);
		ui_form_begin(r, action ? action : "/account/tokens");
		html_raw_trusted(o, "<button type=\"submit\" class=\"button\">");
		html_txt(o, _(r, "Révoquer"));
		html_raw_trusted(o, "<span class=\"sr-only\"> ");
		html_txt(o, *t[i].label ? t[i].label : _(r, "ce jeton"));
		html_raw_trusted(o, "</span></button>");
		ui_form_end(r);
		html_raw_trusted(o, "</td></tr>\n");
	}
	ui_table_end(r);
}

static void tokens_page(req *r, const char *name, const char *life, const ui_errors *e)
{
	store_token *t = NULL;
	size_t n = 0;
	if (store_token_list(r->app->store, r->arena, r->session->user.id, &t, &n) != STORE_OK) {
		r->status = 500;
		page_error(r);
		return;
	}
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Mes jetons d'accès à l'API"));
	const char *done = http_query(r, "done");
	if (!e->n && done && strcmp(done, "revoked") == 0)
		ui_notice(r, "success", _(r, "Le jeton a été révoqué : il ne fonctionne plus."));
	ui_error_summary(r, e);
	html_raw_trusted(o, "<p>");
	html_txt(o,
	         _(r, "Un jeton permet à un programme d'utiliser l'API de Guichet en votre nom, avec vos "
	              "droits. Révoquez un jeton dont vous n'avez plus besoin ou que quelqu'un d'autre a pu "
	              "voir. Changer votre mot de passe révoque tous vos jetons."));
	html_raw_trusted(o, "</p>\n");
	if (n)
		token_rows(r, t, n);
	else {
		html_raw_trusted(o, "<p>");
		html_txt(o, _(r, "Vous n'avez aucun jeton."));
		html_raw_trusted(o, "</p>\n");
	}
	html_raw_trusted(o, "<h2>");
	html_txt(o, _(r, "Créer un jeton"));
	html_raw_trusted(o, "</h2>\n");
	ui_form_begin(r, "/account/tokens");
	ui_field f = {.name = "name",
	              .label = _(r, "Nom du jeton"),
	              .hint = _(r, "Ce à quoi il sert, par exemple « export vers le département »."),
	              .value = name,
	              .type = "text",
	              .required = 1};
	ui_input(r, &f, e);
	ui_option opts[COUNT(lives)];
	for (size_t i = 0; i < COUNT(lives); i++)
		opts[i] = (ui_option){lives[i].days, _(r, lives[i].label)};
	ui_field l = {.name = "life", .label = _(r, "Durée de validité"), .value = life};
	ui_select(r, &l, opts, COUNT(opts), e);
	ui_submit(r, _(r, "Créer le jeton"));
	ui_form_end(r);
	ui_page_end(r);
}

int page_tokens(req *r)
{
	if (!page_require_login(r))
		return 0;
	ui_errors e = {0};
	tokens_page(r, "", lives[0].days, &e);
	return 0;
}

/* The new token's page: the only time its secret is ever shown. */
static void token_shown(req *r, const char *name, const char *token)
{
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Votre nouveau jeton"));
	ui_notice(r, "info",
	          _(r, "Copiez ce jeton maintenant et gardez-le secret : il ne sera plus jamais affiché."));
	html_raw_trusted(o, "<p>");
	html_txt(o, _(r, "Nom du jeton"));
	html_raw_trusted(o, " : ");
	html_txt(o, name);
	html_raw_trusted(o, "</p>\n<p><code id=\"jeton\">");
	html_txt(o, token);
	html_raw_trusted(o, "</code></p>\n<p><a href=\"/account/tokens\">");
	html_txt(o, _(r, "Retour à mes jetons"));
	html_raw_trusted(o, "</a></p>\n");
	ui_page_end(r);
}

int page_token_create(req *r)
{
	if (!page_require_login(r) || !page_require_csrf(r))
		return 0;
	const char *name = page_field(r, "name");
	const char *life = page_field(r, "life");
	ui_errors e = {0};
	int64_t days = 0;
	if (!*name)
		field_error_add(&e, "name", "Indiquez un nom pour ce jeton.");
	else if (site_text_check(name, LIMIT_NAME_BYTES, 0) != SITE_TEXT_OK)
		field_error_add(&e, "name", "Le nom ne doit pas dépasser 200 caractères.");
	for (size_t i = 0; i < COUNT(lives); i++)
		if (strcmp(life, lives[i].days) == 0)
			days = strtoll(life, NULL, 10);
	if (days == 0)
		field_error_add(&e, "life", "Choisissez une des durées proposées.");
	if (e.n) {
		http_status(r, 400);
		tokens_page(r, name, life, &e);
		return 0;
	}
	char token[65], hash[65];
	int64_t now = now_s(), id = 0;
	if (auth_token_new(token, hash) != 0 ||
	    store_token_insert(r->app->store, hash, r->session->user.id, name, now, now + days * 86400,
	                       &id) != STORE_OK) {
		explicit_bzero(token, sizeof token);
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "create", "api_token", r->session->user.id, 0,
	           arena_printf(r->arena, "token %lld", (long long)id));
	token_shown(r, name, token);
	explicit_bzero(token, sizeof token);
	return 0;
}

int page_token_revoke(req *r)
{
	if (!page_require_login(r))
		return 0;
	int64_t id;
	if (page_path_id(r, &id) != 0)
		return page_not_found(r);
	if (!page_require_csrf(r))
		return 0;
	/* Another account's token answers like a missing one. */
	int rc = store_token_revoke(r->app->store, id, r->session->user.id, NULL);
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "delete", "api_token", r->session->user.id, 0,
	           arena_printf(r->arena, "token %lld", (long long)id));
	http_redirect(r, "/account/tokens?done=revoked");
	return 0;
}
