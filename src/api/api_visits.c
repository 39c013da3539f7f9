/*
 * api_visits.c: the JSON API v1 of accompaniments (docs/api.md): visits
 * with their visitor and demands (create, list, read, correct, delete) and
 * the catalog with every vocabulary.
 *
 * The access rules are the pages': a bearer token acts for its account,
 * which reads the sites it may see (a visit elsewhere answers 404, like a
 * missing one) and writes at the sites where it records, within the
 * site's correction window (409 beyond). Bodies are parsed with jansson
 * into a store_visit, then checked by visit_validate; every problem comes
 * back at once, 422 with the JSON path of each field, and nothing is
 * written. Output goes through json.h only.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "vocab/enums.h"
#include "util/i18n.h"
#include "util/json.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "api/api.h"
#include "api/api_error.h"
#include "domain/visit.h"
#include "api/visit_json.h"

#define API_DEFAULT_LIMIT 50

/* ---- errors ------------------------------------------------------------- */

/* {"error":{"code","message"[,"line","column","position"][,"fields"]}} */
static int answer_error(req *r, int status, const char *code, const char *msgid, const visit_json_errors *fe,
                        const visit_json_syntax *je)
{
	json_writer w;
	api_error_open(r, &w, status, code);
	json_key(&w, "message");
	if (je) {
		const char *m = arena_printf(r->arena, "%s (%s)", _(r, msgid), je->text);
		json_str(&w, m ? m : _(r, msgid));
		json_key(&w, "line");
		json_int(&w, je->line);
		json_key(&w, "column");
		json_int(&w, je->column);
		json_key(&w, "position");
		json_int(&w, je->position);
	} else {
		json_str(&w, _(r, msgid));
	}
	if (fe && fe->n) {
		json_key(&w, "fields");
		json_array_open(&w);
		for (size_t i = 0; i < fe->n; i++) {
			json_object_open(&w);
			json_key(&w, "field");
			json_str(&w, fe->v[i].field);
			json_key(&w, "reason");
			json_str(&w, _(r, fe->v[i].reason));
			json_object_close(&w);
		}
		json_array_close(&w);
	}
	api_error_close(&w);
	return 0;
}

static int server_error(req *r)
{
	return answer_error(r, 500, "server_error", N_("Une erreur est survenue. Réessayez dans un instant."),
	                    NULL, NULL);
}

/* ---- output ------------------------------------------------------------- */

static void time_out(json_writer *w, const char *key, int64_t t)
{
	char iso[21];
	time_iso(t, iso);
	json_key(w, key);
	json_str(w, iso);
}

static void int_or_null(json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	if (v > 0)
		json_int(w, v);
	else
		json_put_null(w);
}

static void str_out(json_writer *w, const char *key, const char *v)
{
	json_key(w, key);
	json_str(w, v ? v : "");
}

/* "a,b" as ["a","b"]. */
static void codes_out(json_writer *w, const char *key, const char *codes)
{
	json_key(w, key);
	json_array_open(w);
	for (const char *p = codes ? codes : ""; *p;) {
		size_t n = strcspn(p, ",");
		char code[64];
		snprintf(code, sizeof code, "%.*s", (int)(n < sizeof code - 1 ? n : sizeof code - 1), p);
		if (n)
			json_str(w, code);
		p += n + (p[n] == ',');
	}
	json_array_close(w);
}

static void bool_out(json_writer *w, const char *key, int v)
{
	json_key(w, key);
	json_bool(w, v);
}

static void visitor_out(json_writer *w, const store_visitor *p, int identity)
{
	json_key(w, "visitor");
	json_object_open(w);
	int_or_null(w, "id", p->id);
	str_out(w, "age_bracket", p->age_bracket);
	int_or_null(w, "birth_year", p->birth_year);
	str_out(w, "gender", p->gender);
	str_out(w, "social_status", p->social_status);
	str_out(w, "commune_insee", p->commune_insee);
	bool_out(w, "no_phone", p->no_phone);
	str_out(w, "phone_kind", p->phone_kind);
	bool_out(w, "no_email", p->no_email);
	bool_out(w, "no_device", p->no_device);
	bool_out(w, "no_internet", p->no_internet);
	bool_out(w, "allophone", p->allophone);
	codes_out(w, "languages", p->languages);
	bool_out(w, "illiteracy", p->illiteracy);
	codes_out(w, "disabilities", p->disabilities);
	bool_out(w, "very_precarious", p->very_precarious);
	bool_out(w, "identified", p->identified);
	/* Names and contacts only where one visit is read (and journaled). */
	if (identity && p->identified) {
		str_out(w, "full_name", p->full_name);
		str_out(w, "phone", p->phone);
		str_out(w, "email", p->email);
		str_out(w, "consent_reason", p->consent_reason);
	}
	json_object_close(w);
}

static void demand_out(json_writer *w, const store_demand *d)
{
	json_object_open(w);
	json_key(w, "id");
	json_int(w, d->id);
	str_out(w, "operator_code", d->operator_code);
	str_out(w, "theme_code", d->theme_code);
	int_or_null(w, "procedure_id", d->procedure_id);
	str_out(w, "procedure_text", d->procedure_text);
	str_out(w, "level", d->level);
	str_out(w, "mandate_type", d->mandate_type);
	str_out(w, "mandate_ref", d->mandate_ref);
	int_or_null(w, "autonomy", d->autonomy);
	codes_out(w, "equipment", d->equipment);
	str_out(w, "interpreting", d->interpreting);
	str_out(w, "interpreting_lang", d->interpreting_lang);
	str_out(w, "outcome", d->outcome);
	str_out(w, "referral_type", d->referral_type);
	json_key(w, "duration_min");
	json_int(w, d->duration_min);
	str_out(w, "note", d->note);
	json_object_close(w);
}

static void visit_out(json_writer *w, const store_visit *v, int identity)
{
	json_object_open(w);
	json_key(w, "id");
	json_int(w, v->id);
	json_key(w, "site_id");
	json_int(w, v->site_id);
	int_or_null(w, "agent_id", v->agent_id);
	str_out(w, "agent_name", v->agent_name);
	time_out(w, "started_at", v->started_at);
	str_out(w, "channel", v->channel);
	str_out(w, "place", v->place);
	json_key(w, "duration_min");
	json_int(w, v->duration_min);
	time_out(w, "created_at", v->created_at);
	time_out(w, "updated_at", v->updated_at);
	visitor_out(w, &v->visitor, identity);
	json_key(w, "demands");
	json_array_open(w);
	for (size_t i = 0; i < v->ndemands; i++)
		demand_out(w, &v->demands[i]);
	json_array_close(w);
	json_object_close(w);
}

static void answer_visit(req *r, int status, const store_visit *v)
{
	buf_reset(&r->out);
	http_status(r, status);
	http_content_type(r, "application/json");
	json_writer w;
	json_begin(&w, &r->out);
	visit_out(&w, v, 1);
}

/* ---- writing ------------------------------------------------------------ */

/* The body into v; 0, or answers 415, 400 or 422 and returns -1. */
static int read_body(req *r, store_visit *v, const store_visit *old, int patch, visit_json_errors *e)
{
	if (!str_eq(r->content_type ? r->content_type : "", "application/json")) {
		answer_error(r, 415, "unsupported_media_type",
		             N_("Le corps de la requête doit être du JSON (Content-Type: application/json)."),
		             NULL, NULL);
		return -1;
	}
	visit_json_syntax syn;
	int rc = visit_json_read(r->arena, r->body, r->body_len, v, old, patch, e, &syn);
	if (rc == VISIT_JSON_MALFORMED) {
		answer_error(r, 400, "malformed_json", N_("Le corps de la requête n'est pas du JSON valide."),
		             NULL, &syn);
		return -1;
	}
	if (rc == VISIT_JSON_NOT_OBJECT) {
		answer_error(r, 400, "bad_request", N_("Le corps de la requête doit être un objet JSON."),
		             NULL, NULL);
		return -1;
	}
	return 0;
}

/* visit_validate, then 422 with every problem when there is one; a field
 * already wrong in the body is not reported twice. */
static int check_visit(req *r, store_visit *v, visit_json_errors *e)
{
	field_errors fe = {0};
	visit_json_errors more = {0};
	int rc = visit_validate(r->app->store, v, now_s(), &fe);
	if (rc == VISIT_STORE_TROUBLE) { /* the references could not be checked: not the client's fault */
		api_error_unavailable(r);
		return -1;
	}
	if (rc != 0)
		visit_json_errors_from(&more, r->arena, &fe);
	for (size_t i = 0; i < more.n; i++) {
		size_t k = 0;
		while (k < e->n && strcmp(e->v[k].field, more.v[i].field) != 0)
			k++;
		if (k == e->n)
			visit_json_error_add(e, more.v[i].field, more.v[i].reason);
	}
	if (e->n == 0)
		return 0;
	answer_error(r, 422, "invalid",
	             N_("La visite n'a pas été enregistrée : corrigez les champs indiqués."), e, NULL);
	return -1;
}

/* A person followed at the site, named by visitor_id: the visit starts
 * from their stored profile, which the body's visitor fields then correct
 * (the body is read a second time, over it). */
static void start_from_visitor(req *r, store_visit *v, const store_site *sites, size_t n,
                               visit_json_errors *e)
{
	store_visit peek = {0};
	visit_json_errors ignored = {0};
	visit_json_syntax syn;
	if (visit_json_read(r->arena, r->body, r->body_len, &peek, NULL, 0, &ignored, &syn) !=
	        VISIT_JSON_OK ||
	    peek.visitor_id <= 0)
		return;
	int64_t site = peek.site_id ? peek.site_id : n == 1 ? sites[0].id : 0;
	store_visitor p;
	if (store_visitor_get(r->app->store, r->arena, peek.visitor_id, &p) != STORE_OK ||
	    p.site_id != site || !p.identified || !page_may_record(r, site)) {
		visit_json_error_add(e, "visitor_id", N_("Cette personne n'est pas suivie dans ce lieu."));
		return;
	}
	v->visitor = p;
}

int api_visits_create(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_visit v = {0};
	visit_json_errors e = {0};
	store_site *sites;
	size_t n;
	if (page_recording_sites(r, &sites, &n) != 0)
		return server_error(r);
	if (n == 0)
		return answer_error(r, 403, "forbidden",
		                    N_("Ce compte n'enregistre de visites dans aucun lieu."), NULL, NULL);
	start_from_visitor(r, &v, sites, n, &e);
	if (read_body(r, &v, NULL, 1, &e) != 0)
		return 0;
	if (!v.site_id && n == 1)
		v.site_id = sites[0].id;
	if (!v.site_id)
		visit_json_error_add(&e, "site_id", N_("Indiquez le lieu de la visite (site_id)."));
	else if (!page_may_record(r, v.site_id))
		visit_json_error_add(&e, "site_id",
		                     N_("Ce lieu n'existe pas ou ce compte n'y enregistre pas."));
	v.agent_id = r->session->user.id;
	v.visitor.site_id = v.site_id;
	if (check_visit(r, &v, &e) != 0)
		return 0;
	if (store_visit_insert(r->app->store, &v) != STORE_OK)
		return server_error(r);
	auth_audit(r, "create", "visit", v.id, v.site_id, "api");
	if (v.visitor.identified)
		auth_audit(r, "create", "visitor", v.visitor_id, v.site_id, "api");
	store_visit saved;
	if (store_visit_get(r->app->store, r->arena, v.id, &saved) != STORE_OK)
		return server_error(r);
	const char *loc = arena_printf(r->arena, "/api/v1/visits/%lld", (long long)v.id);
	if (loc)
		http_set_header(r, "Location", loc);
	answer_visit(r, 201, &saved);
	return 0;
}

/* The visit of the path, which the token's account may change now: 0, or
 * answers 404, 403 or 409 and returns -1. */
static int load_writable(req *r, store_visit *v)
{
	store_site site;
	if (page_load_visit(r, v, &site) != 0)
		return -1;
	if (!page_may_record(r, v->site_id)) {
		answer_error(r, 403, "forbidden",
		             N_("Ce compte peut lire cette visite mais pas la modifier."), NULL, NULL);
		return -1;
	}
	int64_t days = 0;
	if (store_site_correction_days(r->app->store, v->site_id, &days) != STORE_OK) {
		server_error(r);
		return -1;
	}
	if (!visit_in_correction_window(v->created_at, days, now_s())) {
		answer_error(
		    r, 409, "conflict",
		    N_("Le délai de correction de ce lieu est dépassé : la visite ne peut plus être modifiée "
		       "ni supprimée."),
		    NULL, NULL);
		return -1;
	}
	return 0;
}

int api_visit_update(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_visit old;
	if (load_writable(r, &old) != 0)
		return 0;
	int patch = r->method == HTTP_PATCH;
	store_visit v = old;
	if (!patch) {
		/* PUT replaces what the body describes; what is the record's own
		 * stays. */
		memset(&v, 0, sizeof v);
		v.id = old.id;
		v.site_id = old.site_id;
		v.agent_id = old.agent_id;
		v.visitor_id = old.visitor_id;
		v.created_at = old.created_at;
	}
	visit_json_errors e = {0};
	if (read_body(r, &v, &old, patch, &e) != 0 || check_visit(r, &v, &e) != 0)
		return 0;
	if (store_visit_update(r->app->store, &v) != STORE_OK)
		return server_error(r);
	auth_audit(r, "update", "visit", v.id, v.site_id, "api");
	if (v.visitor.identified)
		auth_audit(r, "update", "visitor", v.visitor_id, v.site_id, "api");
	store_visit saved;
	if (store_visit_get(r->app->store, r->arena, v.id, &saved) != STORE_OK)
		return server_error(r);
	answer_visit(r, 200, &saved);
	return 0;
}

int api_visit_delete(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_visit v;
	if (load_writable(r, &v) != 0)
		return 0;
	if (store_visit_delete(r->app->store, v.id, now_s()) != STORE_OK)
		return server_error(r);
	auth_audit(r, "delete", "visit", v.id, v.site_id, "api");
	buf_reset(&r->out);
	http_status(r, 204);
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

int api_visit_get(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_visit v;
	store_site site;
	if (page_load_visit(r, &v, &site) != 0)
		return 0;
	if (v.visitor.identified)
		auth_audit(r, "read", "visitor", v.visitor_id, v.site_id, "api");
	answer_visit(r, 200, &v);
	return 0;
}

/* A query parameter, "" when absent. */
static const char *param(req *r, const char *name)
{
	const char *v = http_query(r, name);
	return v ? v : "";
}

/* The filters of the query into f; problems in e. */
static void read_filters(req *r, store_visit_filter *f, visit_json_errors *e)
{
	int64_t t, n;
	const char *from = param(r, "from"), *to = param(r, "to"), *limit = param(r, "limit");
	const char *cursor = param(r, "cursor"), *agent = param(r, "agent");
	if (*from && time_parse_local(from, NULL, &f->from) != 0)
		visit_json_error_add(e, "from", N_("Une date AAAA-MM-JJ est attendue."));
	if (*to && time_parse_local(to, NULL, &t) != 0)
		visit_json_error_add(e, "to", N_("Une date AAAA-MM-JJ est attendue."));
	else if (*to)
		f->to = time_local_midnight(t + (int64_t)36 * 3600); /* the day is included */
	f->limit = API_DEFAULT_LIMIT;
	if (*limit && parse_int64(limit, 1, LIMIT_PAGE_ROWS, &n) != 0)
		visit_json_error_add(e, "limit", N_("limit est un nombre entier de 1 à 200."));
	else if (*limit)
		f->limit = (size_t)n;
	if (*cursor && parse_int64(cursor, 1, INT64_MAX, &f->after_id) != 0)
		visit_json_error_add(e, "cursor", N_("Ce curseur ne vient pas d'une réponse précédente."));
	if (*agent && parse_int64(agent, 1, INT64_MAX, &f->agent_id) != 0)
		visit_json_error_add(e, "agent", N_("L'identifiant d'un compte est attendu."));
	f->operator_code = param(r, "operator");
	f->theme_code = param(r, "theme");
	f->outcome = param(r, "outcome");
	f->channel = param(r, "channel");
	if (*f->outcome && !enum_valid(&ENUM_OUTCOME, f->outcome))
		visit_json_error_add(e, "outcome", N_("Valeur inconnue : voir /api/v1/catalog."));
	if (*f->channel && !enum_valid(&ENUM_CHANNEL, f->channel))
		visit_json_error_add(e, "channel", N_("Valeur inconnue : voir /api/v1/catalog."));
}

int api_visits_list(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_visit_filter f = {0};
	visit_json_errors e = {0};
	read_filters(r, &f, &e);
	if (e.n)
		return answer_error(r, 422, "invalid", N_("Paramètres de recherche invalides."), &e, NULL);
	store_site *sites;
	size_t n;
	if (page_readable_sites(r, &sites, &n) != 0)
		return server_error(r);
	int64_t *ids = arena_alloc(r->arena, (n + 1) * sizeof *ids), site = 0;
	if (!ids)
		return server_error(r);
	const char *want = param(r, "site");
	if (*want && parse_int64(want, 1, INT64_MAX, &site) != 0)
		site = -1;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!site || sites[i].id == site)
			ids[k++] = sites[i].id;
	/* A site one may not see gives nothing, as a missing one. */
	if (site || r->session->role != ROLE_ADMIN) {
		f.site_ids = ids;
		f.nsites = k;
	}
	store_visit *v = NULL;
	size_t nv = 0;
	if (store_visit_list(r->app->store, r->arena, &f, &v, &nv) != STORE_OK)
		return server_error(r);
	http_content_type(r, "application/json");
	json_writer w;
	json_begin(&w, &r->out);
	json_object_open(&w);
	json_key(&w, "visits");
	json_array_open(&w);
	for (size_t i = 0; i < nv; i++)
		visit_out(&w, &v[i], 0);
	json_array_close(&w);
	/* A full page may have a next one; the cursor is the last id. */
	json_key(&w, "next");
	if (nv == f.limit && nv > 0)
		json_str(&w, arena_printf(r->arena, "%lld", (long long)v[nv - 1].id));
	else
		json_put_null(&w);
	json_object_close(&w);
	return 0;
}

/* ---- the catalog -------------------------------------------------------- */

static const char *const vocabularies[] = {"gender",     "age",       "status",         "channel", "level",
                                           "mandate",    "equipment", "interpreting",   "outcome", "referral",
                                           "disability", "consent",   "workshop_level", "autonomy"};

static void code_label(json_writer *w, const char *code, const char *label)
{
	json_object_open(w);
	str_out(w, "code", code);
	str_out(w, "label", label);
	json_object_close(w);
}

int api_catalog(req *r)
{
	if (!api_require_token(r))
		return 0;
	store *st = r->app->store;
	store_operator *ops;
	store_theme *themes;
	store_procedure *procs;
	store_topic *topics;
	size_t nops, nthemes, nprocs, ntopics;
	if (store_operator_list(st, r->arena, 0, &ops, &nops) != STORE_OK ||
	    store_theme_list(st, r->arena, &themes, &nthemes) != STORE_OK ||
	    store_procedure_list(st, r->arena, 0, &procs, &nprocs) != STORE_OK ||
	    store_topic_list(st, r->arena, 1, &topics, &ntopics) != STORE_OK)
		return server_error(r);
	http_content_type(r, "application/json");
	json_writer w;
	json_begin(&w, &r->out);
	json_object_open(&w);
	json_key(&w, "operators");
	json_array_open(&w);
	for (size_t i = 0; i < nops; i++) {
		json_object_open(&w);
		str_out(&w, "code", ops[i].code);
		str_out(&w, "name", ops[i].name);
		bool_out(&w, "national", ops[i].national);
		int_or_null(&w, "deadline_days", ops[i].deadline_days);
		bool_out(&w, "active", ops[i].active);
		json_object_close(&w);
	}
	json_array_close(&w);
	json_key(&w, "themes");
	json_array_open(&w);
	for (size_t i = 0; i < nthemes; i++)
		code_label(&w, themes[i].code, _(r, themes[i].label));
	json_array_close(&w);
	json_key(&w, "procedures");
	json_array_open(&w);
	for (size_t i = 0; i < nprocs; i++) {
		json_object_open(&w);
		json_key(&w, "id");
		json_int(&w, procs[i].id);
		str_out(&w, "label", procs[i].label);
		str_out(&w, "theme_code", procs[i].theme_code);
		str_out(&w, "operator_code", procs[i].operator_code);
		str_out(&w, "url", procs[i].url);
		str_out(&w, "documents", procs[i].documents);
		bool_out(&w, "active", procs[i].active);
		json_object_close(&w);
	}
	json_array_close(&w);
	json_key(&w, "topics");
	json_array_open(&w);
	for (size_t i = 0; i < ntopics; i++)
		code_label(&w, topics[i].code, _(r, topics[i].label));
	json_array_close(&w);
	json_key(&w, "vocabularies");
	json_object_open(&w);
	for (size_t i = 0; i < COUNT(vocabularies); i++) {
		const enum_def *d = enum_by_name(vocabularies[i]);
		if (!d)
			continue;
		json_key(&w, d->name);
		json_array_open(&w);
		for (size_t k = 0; k < d->n; k++)
			code_label(&w, d->items[k].code, _(r, d->items[k].label));
		json_array_close(&w);
	}
	json_object_close(&w);
	json_object_close(&w);
	return 0;
}
