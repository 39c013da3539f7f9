/*
 * page.c: the parts every page shares: language choice, session loading,
 * guards, form field access and the error pages.
 */
#include "web/page.h"

#include <string.h>

#include "app/app.h"
#include "auth/totp.h"
#include "util/i18n.h"
#include "util/json.h"
#include "web/ui.h"

void page_prepare(req *r)
{
	if (r->lang)
		return;
	const lang *l = i18n_find(http_cookie(r, PAGE_COOKIE_LANG));
	if (!l)
		l = i18n_negotiate(http_header(r, "Accept-Language"));
	r->lang = l ? l : i18n_default();
	/* The JSON API authenticates each call with its bearer token instead. */
	if (!r->path || !str_starts(r->path, "/api/"))
		auth_load(r);
}

static int reads_only(const req *r)
{
	return r->app && r->app->store && (r->method == HTTP_GET || r->method == HTTP_HEAD);
}

void page_handler_begin(req *r)
{
	if (reads_only(r))
		store_read_scope_begin(r->app->store);
}

void page_handler_end(req *r)
{
	if (reads_only(r))
		store_read_scope_end(r->app->store);
}

int page_require_login(req *r)
{
	page_prepare(r);
	if (!r->session) {
		http_redirect(r, "/login");
		return 0;
	}
	/* A role that must have a second factor can do nothing else until the
	 * account has one. */
	if (totp_enrolment_due(r)) {
		http_redirect(r, "/account/totp");
		return 0;
	}
	return 1;
}

int page_require_role(req *r, unsigned roles)
{
	if (!page_require_login(r))
		return 0;
	if (roles & ROLE_BIT(r->session->role))
		return 1;
	ui_error_page(r, 403, "Votre rôle ne permet pas d'ouvrir cette page.");
	return 0;
}

int page_require_csrf(req *r)
{
	page_prepare(r);
	if (auth_csrf_ok(r))
		return 1;
	ui_error_page(r, 403,
	              "Le formulaire a expiré ou ne vient pas de Guichet. Rechargez la page et envoyez-le de nouveau.");
	return 0;
}

const char *page_field(req *r, const char *name)
{
	const char *v = http_form(r, name);
	if (!v)
		return "";
	char *copy = arena_strdup(r->arena, v);
	return copy ? str_trim(copy) : "";
}

size_t page_field_all(req *r, const char *name, const char ***out)
{
	size_t n = 0;
	for (size_t i = 0; i < r->form.n; i++)
		if (strcmp(r->form.v[i].name, name) == 0)
			n++;
	const char **v = arena_alloc(r->arena, (n + 1) * sizeof *v);
	if (!v) {
		*out = NULL;
		return 0;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->form.n; i++)
		if (strcmp(r->form.v[i].name, name) == 0)
			v[k++] = r->form.v[i].value;
	*out = v;
	return k;
}

static void json_error(req *r, int status, const char *code, const char *message)
{
	http_status(r, status);
	http_content_type(r, "application/json");
	buf_reset(&r->out);
	buf_puts(&r->out, "{\"error\":{\"code\":\"");
	buf_puts(&r->out, code); /* codes are identifiers from the source */
	buf_puts(&r->out, "\",\"message\":");
	json_quote(&r->out, message);
	buf_puts(&r->out, "}}");
}

static const char *status_code_name(int status)
{
	switch (status) {
	case 400:
		return "bad_request";
	case 401:
		return "unauthorized";
	case 403:
		return "forbidden";
	case 404:
		return "not_found";
	case 405:
		return "method_not_allowed";
	case 413:
		return "payload_too_large";
	case 429:
		return "too_many_requests";
	default:
		return status >= 500 ? "server_error" : "error";
	}
}

int page_not_found(req *r)
{
	page_prepare(r);
	if (r->path && str_starts(r->path, "/api/")) {
		json_error(r, 404, "not_found", "Ressource introuvable.");
		return 0;
	}
	ui_error_page(r, 404, "La page demandée n'existe pas ou vous n'y avez pas accès.");
	return 0;
}

int page_error(req *r)
{
	int status = r->status >= 400 ? r->status : 500;
	const char *msg = r->error_message;
	if (!msg)
		msg = status >= 500 ? N_("Une erreur est survenue. Réessayez dans un instant.") : N_("La requête est invalide.");
	page_prepare(r);
	if (str_starts(r->path ? r->path : "", "/api/")) {
		json_error(r, status, status_code_name(status), msg);
		return 0;
	}
	buf_reset(&r->out);
	ui_error_page(r, status, msg);
	return 0;
}
