/*
 * api_callbacks.c: the JSON API v1 of a site's callbacks
 * (docs/callbacks.md, docs/api.md): GET /api/v1/sites/{id}/callbacks lists
 * the open ones by preferred time with the measure of the current month;
 * POST adds one (JSON: name, phone, reason, lang, origin, day, part, from,
 * to, operator_code) and answers 201 with it.
 *
 * The access rules are the pages': a bearer token acts for its account;
 * a site whose callbacks the account may not see answers 404 like a
 * missing one. Bad input answers 400 naming the field and writes nothing.
 */
#include <jansson.h>
#include <string.h>

#include "app/app.h"
#include "domain/callback.h"
#include "store/store_callbacks.h"
#include "util/i18n.h"
#include "util/json.h"
#include "web/page.h"
#include "api/api.h"
#include "api/api_error.h"

/* The account of the bearer token and the site of the path whose
 * callbacks it sees: 0, or answers 401, 503 or 404 and returns -1. */
static int load_site(req *r, store_site *site)
{
	page_prepare(r);
	int rc = auth_bearer(r);
	if (rc == AUTH_UNAVAILABLE) {
		http_set_header(r, "Retry-After", "5");
		api_error_answer(
		    r, 503, "unavailable",
		    N_("Le service est momentanément indisponible. Réessayez dans quelques secondes."), NULL);
		return -1;
	}
	if (rc != 0) {
		api_error_answer(r, 401, "unauthorized", N_("Jeton d'accès absent ou invalide."), NULL);
		http_set_header(r, "WWW-Authenticate", "Bearer realm=\"guichet\"");
		return -1;
	}
	int64_t id;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0 ||
	    store_site_get(r->app->store, r->arena, id, site) != STORE_OK ||
	    !callback_may_see(&r->session->user, site->id)) {
		api_error_answer(r, 404, "not_found", N_("Ressource introuvable."), NULL);
		return -1;
	}
	return 0;
}

/* A time in ISO 8601 (UTC), null for 0, as the rest of the API writes it. */
static void time_or_null(json_writer *w, const char *key, int64_t t)
{
	json_key(w, key);
	if (t > 0) {
		char iso[21];
		time_iso(t, iso);
		json_str(w, iso);
	} else {
		json_put_null(w);
	}
}

static void callback_out(json_writer *w, const store_callback *c, int64_t now)
{
	json_object_open(w);
	json_key(w, "id");
	json_int(w, c->id);
	json_key(w, "site_id");
	json_int(w, c->site_id);
	json_key(w, "status");
	json_str(w, c->status);
	json_key(w, "overdue");
	json_bool(w, callback_overdue(c, now));
	json_key(w, "origin");
	json_str(w, c->origin);
	json_key(w, "name");
	json_str(w, c->name);
	json_key(w, "phone");
	json_str(w, c->phone);
	json_key(w, "lang");
	json_str(w, c->lang);
	json_key(w, "day");
	json_str(w, c->slot_day);
	json_key(w, "part");
	json_str(w, c->slot_part);
	time_or_null(w, "starts_at", c->starts_at);
	time_or_null(w, "ends_at", c->ends_at);
	json_key(w, "reason");
	json_str(w, c->reason);
	json_key(w, "operator_code");
	json_str(w, c->operator_code);
	json_key(w, "taken_by");
	if (c->taken_by)
		json_int(w, c->taken_by);
	else
		json_put_null(w);
	json_key(w, "attempts");
	json_int(w, c->attempts);
	time_or_null(w, "created_at", c->created_at);
	time_or_null(w, "closed_at", c->closed_at);
	json_key(w, "visit_id");
	if (c->visit_id)
		json_int(w, c->visit_id);
	else
		json_put_null(w);
	json_object_close(w);
}

int api_callbacks_list(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0)
		return 0;
	int64_t now = now_s(), from = 0;
	char day[11];
	time_local_date(now, day);
	memcpy(day + 8, "01", 2);
	store_callback *v;
	size_t n;
	store_callback_measure m;
	if (time_parse_local(day, "00:00", &from) != 0 ||
	    store_callback_list(r->app->store, r->arena, site.id, 0, 0, &v, &n) != STORE_OK ||
	    store_callback_measure_get(r->app->store, site.id, from, now + 1, now, &m) != STORE_OK)
		return api_error_server(r);
	http_content_type(r, "application/json");
	json_writer w;
	json_begin(&w, &r->out);
	json_object_open(&w);
	json_key(&w, "site_id");
	json_int(&w, site.id);
	json_key(&w, "callbacks");
	json_array_open(&w);
	for (size_t i = 0; i < n; i++)
		callback_out(&w, &v[i], now);
	json_array_close(&w);
	json_key(&w, "done_within_a_day");
	json_object_open(&w);
	time_or_null(&w, "from", from);
	json_key(&w, "created");
	json_int(&w, m.created);
	json_key(&w, "done_in_day");
	json_int(&w, m.done_in_day);
	json_key(&w, "pending");
	json_int(&w, m.pending);
	json_key(&w, "percent");
	int share = callback_done_share(&m);
	if (share < 0)
		json_put_null(&w);
	else
		json_int(&w, share);
	json_object_close(&w);
	json_object_close(&w);
	return 0;
}

/* Member key of o as text from the arena: "" when absent or null, NULL
 * when it is not a string. */
static char *text(req *r, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return arena_strdup(r->arena, "");
	return json_is_string(v) ? arena_strdup(r->arena, json_string_value(v)) : NULL;
}

int api_callback_create(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0)
		return 0;
	if (!str_eq(r->content_type ? r->content_type : "", "application/json"))
		return api_error_answer(
		    r, 415, "unsupported_media_type",
		    N_("Le corps de la requête doit être du JSON (Content-Type: application/json)."), NULL);
	json_error_t je;
	json_t *o = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return api_error_answer(r, 400, "bad_request",
		                        N_("Le corps de la requête n'est pas du JSON valide."), NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return api_error_answer(r, 400, "bad_request",
		                        N_("Le corps de la requête doit être un objet JSON."), NULL);
	}
	static const char *const keys[] = {"name", "phone", "reason", "lang", "origin",
	                                   "day",  "part",  "from",   "to",   "operator_code"};
	char *f[COUNT(keys)];
	for (size_t i = 0; i < COUNT(keys); i++)
		if (!(f[i] = text(r, o, keys[i]))) {
			json_decref(o);
			return api_error_answer(r, 400, "bad_request",
			                        N_("Ce champ n'a pas le type attendu."), keys[i]);
		}
	json_decref(o);
	callback_input in = {.name = f[0],
	                     .phone = f[1],
	                     .reason = f[2],
	                     .lang = *f[3] ? f[3] : "fr",
	                     .origin = *f[4] ? f[4] : "telephone",
	                     .day = f[5],
	                     .part = f[6],
	                     .from = f[7],
	                     .to = f[8],
	                     .operator_code = f[9]};
	field_errors e = {0};
	int64_t now = now_s();
	store_callback c = {.site_id = site.id, .created_by = r->session->user.id};
	store_operator op;
	if (*in.operator_code &&
	    (store_operator_get(r->app->store, r->arena, in.operator_code, &op) != STORE_OK || !op.active))
		field_error_add(&e, "operator_code", N_("Choisissez un opérateur de la liste."));
	/* A language of the recording form's list (page_language_label
	 * answers an unknown code with itself). */
	if (callback_validate_new(&in, now, &c, &e) == 0 && !str_eq(in.lang, "fr") &&
	    str_eq(page_language_label(r, in.lang), in.lang))
		field_error_add(&e, "lang", N_("Choisissez une langue de la liste."));
	if (e.n)
		return api_error_answer(r, 400, "bad_request", e.v[0].msgid, e.v[0].field);
	if (store_callback_insert(r->app->store, &c, now) != STORE_OK)
		return api_error_server(r);
	auth_audit(r, "create", "callback", c.id, site.id, "api");
	store_callback got;
	if (store_callback_get(r->app->store, r->arena, c.id, &got) != STORE_OK)
		return api_error_server(r);
	const char *loc = arena_printf(r->arena, "/callbacks/%lld", (long long)c.id);
	if (loc)
		http_set_header(r, "Location", loc);
	http_status(r, 201);
	http_content_type(r, "application/json");
	json_writer w;
	json_begin(&w, &r->out);
	callback_out(&w, &got, now);
	return 0;
}
