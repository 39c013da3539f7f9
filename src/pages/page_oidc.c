/*
 * page_oidc.c: the login with ProConnect (docs/proconnect.md), beside the
 * password: /login/proconnect sends the browser to the provider,
 * /login/proconnect/callback receives it back, checks everything
 * (auth/oidc.c), finds the account by its verified e-mail (or creates it
 * when the administrator allowed it) and starts a session exactly as a
 * password login does. ProConnect has already authenticated the person
 * strongly: the second factor's code is not asked.
 *
 * The login in progress is bound to the browser by a cookie whose hash the
 * server keeps with the state: a callback opened in another browser is
 * refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "auth/oidc.h"
#include "domain/user.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))
#define OIDC_COOKIE "guichet_oidc"
#define CALLBACK_PATH "/login/proconnect/callback"

int page_oidc_enabled(const req *r)
{
	const config *c = r->app->cfg;
	return c->oidc_issuer && c->oidc_client_id && c->oidc_client_secret && c->oidc_redirect_url;
}

static oidc_settings settings_of(const req *r)
{
	const config *c = r->app->cfg;
	return (oidc_settings){.issuer = c->oidc_issuer,
	                       .client_id = c->oidc_client_id,
	                       .client_secret = c->oidc_client_secret,
	                       .redirect_url = c->oidc_redirect_url,
	                       .scopes = c->oidc_scopes};
}

void page_oidc_login_button(req *r)
{
	if (!page_oidc_enabled(r))
		return;
	RAW(r, "<p class=\"proconnect\"><a class=\"button-secondary\" href=\"/login/proconnect\">");
	html_txt(&r->out, _(r, "Se connecter avec ProConnect"));
	RAW(r, "</a></p>\n<p class=\"hint\">");
	html_txt(&r->out, _(r, "ProConnect est l'identifiant unique des agents publics."));
	RAW(r, "</p>\n");
}

/* The page of a refused login: what happened in plain words and the way
 * back to the login page. */
static int refused(req *r, int status, const char *msgid, const char *reason, const char *detail)
{
	char journal[300];
	snprintf(journal, sizeof journal, "proconnect: %s", reason);
	auth_audit(r, "login_failed", "user", 0, 0, journal);
	if (detail && *detail)
		fprintf(stderr, "level=warn msg=\"proconnect login refused\" reason=%s detail=\"%s\"\n",
		        reason, detail);
	http_set_cookie(r, OIDC_COOKIE, "", 0);
	http_status(r, status);
	ui_page_begin(r, _(r, "Connexion avec ProConnect impossible"));
	RAW(r, "<p>");
	html_txt(&r->out, _(r, msgid));
	RAW(r, "</p>\n<p><a href=\"/login\">");
	html_txt(&r->out, _(r, "Revenir à la page de connexion"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
	return 0;
}

int page_oidc_start(req *r)
{
	page_prepare(r);
	if (!page_oidc_enabled(r))
		return page_not_found(r);
	if (r->session) {
		http_redirect(r, "/");
		return 0;
	}
	char binding[65], binding_hash[65], err[256];
	if (auth_token_new(binding, binding_hash) != 0)
		return refused(r, 500, N_("Erreur du serveur."), "server", NULL);
	oidc_settings s = settings_of(r);
	char *url = NULL;
	if (oidc_begin(oidc_net_curl(), &s, binding_hash, now_s(), &url, err, sizeof err) != 0)
		return refused(
		    r, 502,
		    N_("ProConnect ne répond pas. Réessayez dans quelques minutes, ou connectez-vous "
		       "avec votre mot de passe."),
		    "provider", err);
	http_set_cookie(r, OIDC_COOKIE, binding, OIDC_PENDING_TTL_S);
	r->status = 303;
	http_set_header(r, "Location", url);
	free(url);
	return 0;
}

/* A display name from the provider's names, else the e-mail's local part. */
static char *name_of(req *r, const oidc_claims *c)
{
	const char *g = c->given_name ? c->given_name : "", *f = c->family_name ? c->family_name : "";
	if (*g || *f)
		return arena_printf(r->arena, "%s%s%s", g, *g && *f ? " " : "", f);
	const char *at = strchr(c->email, '@');
	return arena_printf(r->arena, "%.*s", (int)(at ? at - c->email : (long)strlen(c->email)), c->email);
}

/* Creates the account of a first login, when the administrator allowed it:
 * 0 and *u filled, or -1. */
static int create_account(req *r, const oidc_claims *c, store_user *u)
{
	const config *cfg = r->app->cfg;
	int64_t site = cfg->oidc_account_site;
	/* Nobody knows this password: the account opens with ProConnect, or
	 * after an administrator sets one. */
	char pw[65], unused[65], hash[256];
	if (auth_token_new(pw, unused) != 0 || auth_password_hash(pw, hash, sizeof hash) != 0)
		return -1;
	store_user n = {.email = arena_strdup(r->arena, c->email),
	                .name = name_of(r, c),
	                .role = arena_strdup(r->arena, cfg->oidc_account_role),
	                .departement = "",
	                .operator_code = "",
	                .password_hash = hash,
	                .active = 1,
	                .site_ids = site ? &site : NULL,
	                .nsites = site ? 1 : 0};
	field_errors fe = {0};
	if (!n.email || !n.name || !n.role || user_validate(&n, &fe) != 0) {
		fprintf(stderr, "level=error msg=\"proconnect account refused\" field=%s\n",
		        fe.n ? fe.v[0].field : "memory");
		return -1;
	}
	int64_t id = 0;
	int rc = store_user_insert(r->app->store, &n, &id);
	if (rc != STORE_OK && rc != STORE_CONFLICT)
		return -1;
	if (store_user_by_email(r->app->store, r->arena, n.email, u) != STORE_OK)
		return -1;
	if (rc == STORE_OK)
		auth_audit(r, "create", "user", u->id, 0, "proconnect");
	return 0;
}

static const char *refusal_text(enum oidc_refusal why)
{
	switch (why) {
	case OIDC_BAD_STATE:
		return N_(
		    "Cette connexion n'est plus valable : elle a déjà servi, ou elle a commencé dans un "
		    "autre navigateur. Recommencez depuis la page de connexion.");
	case OIDC_LATE:
		return N_("La connexion a pris trop de temps. Recommencez depuis la page de connexion.");
	case OIDC_PROVIDER:
		return N_(
		    "ProConnect n'a pas confirmé la connexion. Recommencez depuis la page de connexion.");
	case OIDC_DENIED:
		return N_("La connexion avec ProConnect a été annulée.");
	case OIDC_NO_EMAIL:
		return N_(
		    "ProConnect n'a pas transmis d'adresse e-mail vérifiée. Connectez-vous avec votre mot "
		    "de passe.");
	default:
		return N_("La réponse de ProConnect n'a pas pu être vérifiée. Par sécurité, la connexion est "
		          "refusée.");
	}
}

int page_oidc_callback(req *r)
{
	page_prepare(r);
	if (!page_oidc_enabled(r))
		return page_not_found(r);
	const char *state = http_query(r, "state");
	const char *code = http_query(r, "code");
	const char *cookie = http_cookie(r, OIDC_COOKIE);
	char binding_hash[65] = "";
	if (cookie && strlen(cookie) == 64)
		auth_hash_secret(cookie, binding_hash);
	if (http_query(r, "error")) {
		/* The pending login is spent all the same. */
		oidc_pending gone;
		oidc_pending_take(state, binding_hash, now_s(), &gone);
		return refused(r, 403, refusal_text(OIDC_DENIED), oidc_refusal_name(OIDC_DENIED), NULL);
	}
	oidc_settings s = settings_of(r);
	oidc_claims c;
	char *id_token = NULL, err[256] = "";
	enum oidc_refusal why = oidc_finish(oidc_net_curl(), &s, state, code, binding_hash, now_s(), &c,
	                                    &id_token, err, sizeof err);
	if (why != OIDC_OK)
		return refused(r, why == OIDC_PROVIDER ? 502 : 403, refusal_text(why), oidc_refusal_name(why),
		               err);

	store_user u;
	int rc = store_user_by_email(r->app->store, r->arena, c.email, &u);
	int fail = 0;
	const char *msgid = NULL, *reason = NULL;
	if (rc == STORE_NOT_FOUND && r->app->cfg->oidc_create_accounts) {
		if (create_account(r, &c, &u) != 0) {
			msgid =
			    N_("Votre compte n'a pas pu être créé. Prévenez l'administrateur de Guichet.");
			reason = "account_creation";
			fail = 500;
		}
	} else if (rc == STORE_NOT_FOUND) {
		msgid = N_(
		    "Aucun compte Guichet ne correspond à votre adresse e-mail. Demandez à l'administrateur "
		    "de Guichet de vous en créer un.");
		reason = "unknown_account";
		fail = 403;
	} else if (rc != STORE_OK) {
		msgid = N_("Erreur du serveur.");
		reason = "store";
		fail = 500;
	}
	if (!fail && !u.active) {
		msgid =
		    N_("Votre compte Guichet est désactivé. Adressez-vous à l'administrateur de Guichet.");
		reason = "disabled_account";
		fail = 403;
	}
	if (!fail && auth_session_start(r, &u) != 0) {
		msgid = N_("Erreur du serveur.");
		reason = "session";
		fail = 500;
	}
	oidc_claims_free(&c);
	if (fail) {
		free(id_token);
		return refused(r, fail, msgid, reason, NULL);
	}
	if (r->session)
		oidc_session_remember(r->session->id_hash, id_token, now_s());
	free(id_token);
	http_set_cookie(r, OIDC_COOKIE, "", 0);
	auth_audit(r, "login", "user", u.id, 0, "proconnect");
	http_redirect(r, "/");
	return 0;
}

int page_oidc_logout(req *r)
{
	if (!r->session || !page_oidc_enabled(r))
		return 0;
	char *id_token = oidc_session_take(r->session->id_hash);
	if (!id_token)
		return 0;
	const char *redirect = r->app->cfg->oidc_redirect_url;
	const char *cb = strstr(redirect, CALLBACK_PATH);
	char *after = arena_printf(r->arena, "%.*s/login?done=logout", (int)(cb - redirect), redirect);
	oidc_settings s = settings_of(r);
	char *url = oidc_logout_url(oidc_net_curl(), &s, id_token, after);
	free(id_token);
	auth_logout(r);
	if (!url) {
		http_redirect(r, "/login?done=logout");
		return 1;
	}
	r->status = 303;
	http_set_header(r, "Location", url);
	free(url);
	return 1;
}
