/*
 * api_error.c: the frame of the JSON API's errors (api_error.h).
 */
#include "api/api_error.h"
#include "auth/auth.h"
#include "util/i18n.h"
#include "web/page.h"

void api_error_open(req *r, json_writer *w, int status, const char *code)
{
	buf_reset(&r->out);
	http_status(r, status);
	http_content_type(r, "application/json");
	json_begin(w, &r->out);
	json_object_open(w);
	json_key(w, "error");
	json_object_open(w);
	json_key(w, "code");
	json_str(w, code);
}

void api_error_close(json_writer *w)
{
	json_object_close(w);
	json_object_close(w);
}

int api_error_answer(req *r, int status, const char *code, const char *msgid, const char *field)
{
	json_writer w;
	api_error_open(r, &w, status, code);
	json_key(&w, "message");
	json_str(&w, _(r, msgid));
	if (field) {
		json_key(&w, "field");
		json_str(&w, field);
	}
	api_error_close(&w);
	return 0;
}

int api_error_server(req *r)
{
	return api_error_answer(r, 500, "server_error",
	                        N_("Une erreur est survenue. Réessayez dans un instant."), NULL);
}

int api_error_unavailable(req *r)
{
	http_set_header(r, "Retry-After", "5");
	return api_error_answer(r, 503, "unavailable",
	                        N_("Le service est momentanément indisponible. Réessayez dans quelques secondes."),
	                        NULL);
}

int api_require_token(req *r)
{
	page_prepare(r);
	int rc = auth_bearer(r);
	if (rc == 0)
		return 1;
	if (rc == AUTH_UNAVAILABLE)
		return api_error_unavailable(r);
	http_set_header(r, "WWW-Authenticate", "Bearer realm=\"guichet\"");
	return api_error_answer(r, 401, "unauthorized", N_("Jeton d'accès absent ou invalide."), NULL);
}
