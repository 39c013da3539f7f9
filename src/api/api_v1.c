/*
 * api_v1.c: the JSON API, version 1. Each call carries a bearer token
 * (guichet token create); the access rules are those of the pages.
 */
#include <string.h>

#include "app/app.h"
#include "util/i18n.h"
#include "util/json.h"
#include "web/page.h"
#include "api/api.h"

static void api_error(req *r, int status, const char *message)
{
	r->status = status;
	r->error_message = message;
	page_error(r);
}

/* 1 when the bearer token is valid; otherwise answers 401, or 503 when the
 * store could not check it. */
static int require_token(req *r)
{
	page_prepare(r);
	int rc = auth_bearer(r);
	if (rc == 0)
		return 1;
	if (rc == AUTH_UNAVAILABLE) {
		http_set_header(r, "Retry-After", "5");
		api_error(r, 503, "Le service est momentanément indisponible. Réessayez dans quelques secondes.");
		return 0;
	}
	http_set_header(r, "WWW-Authenticate", "Bearer realm=\"guichet\"");
	api_error(r, 401, "Jeton d'accès absent ou invalide.");
	return 0;
}

static void json_start(req *r, json_writer *w)
{
	http_content_type(r, "application/json");
	json_begin(w, &r->out);
}

static void write_site(json_writer *w, const store_site *s)
{
	json_object_open(w);
	json_key(w, "id");
	json_int(w, s->id);
	json_key(w, "name");
	json_str(w, s->name);
	json_key(w, "type");
	json_str(w, s->type);
	json_key(w, "commune_insee");
	json_str(w, s->commune_insee);
	json_key(w, "departement");
	json_str(w, s->departement);
	json_key(w, "address");
	json_str(w, s->address);
	json_key(w, "opening_hours");
	json_str(w, s->opening_hours);
	json_key(w, "languages");
	json_str(w, s->languages);
	json_key(w, "accessibility");
	json_str(w, s->accessibility);
	json_object_close(w);
}

int api_v1_me(req *r)
{
	if (!require_token(r))
		return 0;
	const store_user *u = &r->session->user;
	json_writer w;
	json_start(r, &w);
	json_object_open(&w);
	json_key(&w, "id");
	json_int(&w, u->id);
	json_key(&w, "email");
	json_str(&w, u->email);
	json_key(&w, "name");
	json_str(&w, u->name);
	json_key(&w, "role");
	json_str(&w, u->role);
	json_key(&w, "sites");
	json_array_open(&w);
	for (size_t i = 0; i < u->nsites; i++)
		json_int(&w, u->site_ids[i]);
	json_array_close(&w);
	json_object_close(&w);
	return 0;
}

int api_v1_sites(req *r)
{
	if (!require_token(r))
		return 0;
	store_site *sites = NULL;
	size_t n = 0;
	if (store_site_list(r->app->store, r->arena, NULL, &sites, &n) != STORE_OK) {
		api_error(r, 500, N_("Erreur du serveur."));
		return 0;
	}
	json_writer w;
	json_start(r, &w);
	json_object_open(&w);
	json_key(&w, "sites");
	json_array_open(&w);
	for (size_t i = 0; i < n; i++)
		if (auth_site_visible(r, &sites[i]))
			write_site(&w, &sites[i]);
	json_array_close(&w);
	json_object_close(&w);
	return 0;
}

int api_v1_site(req *r)
{
	if (!require_token(r))
		return 0;
	int64_t id;
	store_site site;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0 ||
	    store_site_get(r->app->store, r->arena, id, &site) != STORE_OK || !auth_site_visible(r, &site))
		return page_not_found(r);
	json_writer w;
	json_start(r, &w);
	write_site(&w, &site);
	return 0;
}
