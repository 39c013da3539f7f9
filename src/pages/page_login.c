/*
 * page_login.c: logging in and out, and changing one's password.
 */
#include <string.h>

#include "app/app.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

static void login_form(req *r, const char *email, const ui_errors *e, const char *notice)
{
	auth_pre_session(r);
	ui_page_begin(r, _(r, "Se connecter"));
	if (notice)
		ui_notice(r, "success", notice);
	ui_error_summary(r, e);
	ui_form_begin(r, "/login");
	ui_field f = {.name = "email",
	              .label = _(r, "Adresse e-mail"),
	              .value = email,
	              .type = "email",
	              .autocomplete = "username",
	              .required = 1};
	ui_input(r, &f, e);
	ui_field p = {.name = "password",
	              .label = _(r, "Mot de passe"),
	              .type = "password",
	              .autocomplete = "current-password",
	              .required = 1};
	ui_input(r, &p, e);
	ui_submit(r, _(r, "Se connecter"));
	ui_form_end(r);
	page_oidc_login_button(r);
	ui_page_end(r);
}

int page_login_form(req *r)
{
	page_prepare(r);
	if (r->session) {
		http_redirect(r, "/");
		return 0;
	}
	const char *done = http_query(r, "done");
	const char *notice = NULL;
	if (done && strcmp(done, "password") == 0)
		notice = _(r, "Votre mot de passe a été changé. Connectez-vous avec le nouveau.");
	else if (done && strcmp(done, "logout") == 0)
		notice = _(r, "Vous êtes déconnecté.");
	ui_errors e = {0};
	login_form(r, "", &e, notice);
	return 0;
}

int page_login_post(req *r)
{
	if (!page_require_csrf(r))
		return 0;
	const char *email = page_field(r, "email");
	const char *password = http_form(r, "password");
	ui_errors e = {0};
	if (!*email)
		field_error_add(&e, "email", "Indiquez votre adresse e-mail.");
	if (!password || !*password)
		field_error_add(&e, "password", "Indiquez votre mot de passe.");
	if (e.n) {
		http_status(r, 400);
		login_form(r, email, &e, NULL);
		return 0;
	}
	const char *why = NULL;
	int status = 0;
	int rc = auth_login(r, email, password, &why, &status);
	if (rc == AUTH_SECOND_FACTOR) {
		http_redirect(r, "/login/code");
		return 0;
	}
	if (rc != 0) {
		field_error_add(&e, "email", why);
		http_status(r, status);
		login_form(r, email, &e, NULL);
		return 0;
	}
	http_redirect(r, "/");
	return 0;
}

int page_logout(req *r)
{
	if (!page_require_csrf(r))
		return 0;
	if (page_oidc_logout(r))
		return 0;
	auth_logout(r);
	http_redirect(r, "/login?done=logout");
	return 0;
}

static void password_form(req *r, const ui_errors *e)
{
	ui_page_begin(r, _(r, "Changer mon mot de passe"));
	ui_error_summary(r, e);
	ui_form_begin(r, "/account/password");
	ui_field cur = {.name = "current_password",
	                .label = _(r, "Mot de passe actuel"),
	                .type = "password",
	                .autocomplete = "current-password",
	                .required = 1};
	ui_input(r, &cur, e);
	ui_field nw = {.name = "new_password",
	               .label = _(r, "Nouveau mot de passe"),
	               .hint = _(r, "Au moins 12 caractères. Une phrase facile à retenir convient bien."),
	               .type = "password",
	               .autocomplete = "new-password",
	               .required = 1};
	ui_input(r, &nw, e);
	ui_field conf = {.name = "confirm_password",
	                 .label = _(r, "Confirmez le nouveau mot de passe"),
	                 .type = "password",
	                 .autocomplete = "new-password",
	                 .required = 1};
	ui_input(r, &conf, e);
	ui_submit(r, _(r, "Changer le mot de passe"));
	ui_form_end(r);
	html_raw_trusted(&r->out, "<p><a href=\"/account/tokens\">");
	html_txt(&r->out, _(r, "Gérer mes jetons d'accès à l'API"));
	html_raw_trusted(&r->out, "</a></p>\n");
	ui_page_end(r);
}

int page_password_form(req *r)
{
	if (!page_require_login(r))
		return 0;
	ui_errors e = {0};
	password_form(r, &e);
	return 0;
}

int page_password_post(req *r)
{
	if (!page_require_login(r) || !page_require_csrf(r))
		return 0;
	const char *cur = http_form(r, "current_password");
	const char *nw = http_form(r, "new_password");
	const char *conf = http_form(r, "confirm_password");
	ui_errors e = {0};
	const char *why = NULL;
	if (!cur || auth_password_verify(r->session->user.password_hash, cur) != 0)
		field_error_add(&e, "current_password", "Le mot de passe actuel est incorrect.");
	if (auth_password_acceptable(nw ? nw : "", &why) != 0)
		field_error_add(&e, "new_password", why);
	else if (!nw || !conf || strcmp(nw, conf) != 0)
		field_error_add(&e, "confirm_password", "Les deux mots de passe ne sont pas identiques.");
	if (e.n) {
		http_status(r, 400);
		password_form(r, &e);
		return 0;
	}
	char hash[256];
	int64_t uid = r->session->user.id;
	if (auth_password_hash(nw, hash, sizeof hash) != 0 || store_user_set_password(r->app->store, uid, hash) != 0) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "user", uid, 0, "password");
	/* The store has ended every session and token of the account, so that
	 * a stolen one does not outlive the new password. */
	r->session = NULL;
	http_set_cookie(r, AUTH_COOKIE_SESSION, "", 0);
	http_redirect(r, "/login?done=password");
	return 0;
}
