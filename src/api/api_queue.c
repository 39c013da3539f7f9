/*
 * api_queue.c: the JSON API v1 of a site's waiting queue (docs/queue.md,
 * docs/api.md): issue a ticket, read the queue, call the next person, and
 * move a ticket (call, recall, start, finish, absent, cancel, redirect).
 *
 * The access rules are the advisers' page's: a bearer token acts for its
 * account; a site or ticket it may not read answers 404 like a missing
 * one; reading needs auth_site_visible, acting access_may_serve_queue
 * (403 otherwise). Bad input answers 400 with a message and writes
 * nothing; a ticket that moved meanwhile answers 409. Every change goes
 * through app_queue.c, which publishes its event.
 */
#include <string.h>

#include "app/app.h"
#include "app/app_queue.h"
#include "domain/access.h"
#include "domain/queue.h"
#include "util/guichet_limits.h"
#include "util/i18n.h"
#include "util/json.h"
#include "vocab/enums.h"
#include "web/page.h"
#include "web/ui.h"
#include "api/api.h"
#include "api/api_error.h"
#include "api/queue_json.h"

/* The longest desk name and the longest name on a ticket. */
#define QUEUE_DESK_MAX 40
#define QUEUE_NAME_MAX 80

static int not_found(req *r)
{
	return api_error_answer(r, 404, "not_found", N_("Ressource introuvable."), NULL);
}

static int bad_input(req *r, const char *field, const char *msgid)
{
	return api_error_answer(r, 400, "bad_request", msgid, field);
}

/* The site of path parameter i that the account may read: 0, or answers
 * 404 and returns -1. */
static int visible_site(req *r, size_t i, store_site *site)
{
	int64_t id;
	if (parse_int64(http_param(r, i), 1, INT64_MAX, &id) != 0 ||
	    store_site_get(r->app->store, r->arena, id, site) != STORE_OK || !auth_site_visible(r, site)) {
		not_found(r);
		return -1;
	}
	return 0;
}

static int may_serve(req *r, int64_t site_id)
{
	if (access_may_serve_queue(&r->session->user, site_id))
		return 1;
	api_error_answer(r, 403, "forbidden",
	                 N_("Ce compte peut voir cette file d'attente mais pas la servir."), NULL);
	return 0;
}

/* The site's services, the defaults first given to a site that has none. */
static int services_of(req *r, int64_t site_id, store_queue_service **svc, size_t *n)
{
	size_t nd;
	int added;
	const store_queue_service *d = queue_default_services(&nd);
	if (store_queue_services(r->app->store, r->arena, site_id, 0, svc, n) != STORE_OK)
		return -1;
	if (*n == 0 && (store_queue_seed(r->app->store, site_id, d, nd, &added) != STORE_OK ||
	                store_queue_services(r->app->store, r->arena, site_id, 0, svc, n) != STORE_OK))
		return -1;
	return 0;
}

/* The service a text names: its prefix ("A") or its id, active, of the
 * site. NULL otherwise. */
static const store_queue_service *find_service(const char *v, const store_queue_service *svc, size_t n)
{
	int64_t id = 0;
	if (!v || !*v)
		return NULL;
	if (parse_int64(v, 1, INT64_MAX, &id) != 0)
		id = 0;
	for (size_t i = 0; i < n; i++) {
		if (!svc[i].active)
			continue;
		if ((id && svc[i].id == id) || (!id && !v[1] && (v[0] & ~0x20) == svc[i].prefix))
			return &svc[i];
	}
	return NULL;
}

/* A language a person may speak: a public language of Guichet or one of
 * the interpreting languages. */
static int known_language(const char *code)
{
	size_t n;
	const struct ui_option *langs = page_languages(&n);
	if (i18n_find_public(code))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (str_eq(langs[i].value, code))
			return 1;
	return 0;
}

/* The body; 0, or answers 415 or 400 and returns -1. An empty body is an
 * empty object (the actions without parameters). */
static int read_body(req *r, queue_body *b)
{
	if (r->body_len > 0 && !str_eq(r->content_type ? r->content_type : "", "application/json")) {
		api_error_answer(
		    r, 415, "unsupported_media_type",
		    N_("Le corps de la requête doit être du JSON (Content-Type: application/json)."), NULL);
		return -1;
	}
	const char *field = NULL;
	int rc = queue_json_read(r->arena, r->body, r->body_len, b, &field);
	if (rc == QUEUE_JSON_MALFORMED)
		bad_input(r, NULL, N_("Le corps de la requête n'est pas du JSON valide."));
	else if (rc == QUEUE_JSON_NOT_OBJECT)
		bad_input(r, NULL, N_("Le corps de la requête doit être un objet JSON."));
	else if (rc != QUEUE_JSON_OK)
		bad_input(r, field, N_("Ce champ n'a pas le type attendu."));
	return rc == QUEUE_JSON_OK ? 0 : -1;
}

/* A short text: v, or "" when absent; NULL (after answering 400) when it
 * is too long or holds control characters. */
static const char *short_text(req *r, const char *v, const char *field, size_t max)
{
	if (!v)
		return "";
	if (strlen(v) > max || text_has_controls(v)) {
		bad_input(r, field, N_("Ce champ doit être un texte court, sans caractère de contrôle."));
		return NULL;
	}
	return v;
}

/* ---- output ------------------------------------------------------------- */

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

/* The absolute address of a ticket's phone page, as the satisfaction
 * posters build theirs: from public-url, never from the Host header. */
static const char *public_url(req *r, const store_ticket *t)
{
	const config *cfg = r->app->cfg;
	const char *base = cfg && cfg->public_url && *cfg->public_url ? cfg->public_url : NULL;
	if (!base && cfg && cfg->listen && r->app->listen_port) {
		const char *colon = strrchr(cfg->listen, ':');
		if (colon)
			base = arena_printf(r->arena, "http://%.*s:%u", (int)(colon - cfg->listen),
			                    cfg->listen, r->app->listen_port);
	}
	return base ? arena_printf(r->arena, "%s/t/%s", base, t->key) : NULL;
}

static void ticket_out(req *r, json_writer *w, const store_ticket *t, const store_queue_service *svc,
                       size_t n, int show_names, int estimate)
{
	json_object_open(w);
	json_key(w, "id");
	json_int(w, t->id);
	json_key(w, "number");
	json_str(w, t->label);
	json_key(w, "service");
	char prefix[2] = {t->prefix, '\0'};
	json_str(w, prefix);
	json_key(w, "service_id");
	json_int(w, t->service_id);
	for (size_t i = 0; i < n; i++)
		if (svc[i].id == t->service_id) {
			json_key(w, "service_label");
			json_str(w, svc[i].label);
		}
	json_key(w, "site_id");
	json_int(w, t->site_id);
	json_key(w, "status");
	json_str(w, queue_status_code(t->status));
	json_key(w, "language");
	json_str(w, t->lang);
	json_key(w, "needs");
	json_array_open(w);
	for (unsigned bit = 1; bit & QUEUE_NEED_ALL; bit <<= 1)
		if (t->needs & bit)
			json_str(w, queue_need_code(bit));
	json_array_close(w);
	json_key(w, "priority");
	json_str(w, queue_priority_code(t->priority));
	json_key(w, "channel");
	json_str(w, t->channel);
	if (show_names) {
		json_key(w, "name");
		json_str(w, t->name);
	}
	json_key(w, "desk");
	json_str(w, t->desk);
	time_or_null(w, "arrived_at", t->arrived_at);
	time_or_null(w, "called_at", t->called_at);
	time_or_null(w, "started_at", t->started_at);
	time_or_null(w, "ended_at", t->ended_at);
	json_key(w, "recalls");
	json_int(w, t->recalls);
	json_key(w, "redirected_from");
	if (t->redirected_from)
		json_int(w, t->redirected_from);
	else
		json_put_null(w);
	json_key(w, "visit_id");
	if (t->visit_id)
		json_int(w, t->visit_id);
	else
		json_put_null(w);
	json_key(w, "public_url");
	json_str(w, public_url(r, t));
	if (estimate) {
		size_t ahead = 0;
		int64_t wait_s = 0;
		app_queue_estimate(r->app->store, r->arena, t, now_s(), &ahead, &wait_s);
		json_key(w, "ahead");
		json_int(w, (int64_t)ahead);
		json_key(w, "estimated_wait_minutes");
		json_int(w, (wait_s + 59) / 60);
	}
	json_object_close(w);
}

static int show_names(req *r, int64_t site_id)
{
	store_queue_settings qs;
	return store_queue_settings_get(r->app->store, r->arena, site_id, &qs) == STORE_OK && qs.show_names;
}

static int answer_ticket(req *r, int status, const store_ticket *t)
{
	store_queue_service *svc;
	size_t n;
	if (store_queue_services(r->app->store, r->arena, t->site_id, 0, &svc, &n) != STORE_OK)
		return api_error_server(r);
	buf_reset(&r->out);
	http_status(r, status);
	http_content_type(r, "application/json");
	json_writer w;
	json_begin(&w, &r->out);
	ticket_out(r, &w, t, svc, n, show_names(r, t->site_id), 1);
	return 0;
}

/* ---- handlers ----------------------------------------------------------- */

/* The fields of a new ticket from the body; 0, or answers 400 and returns -1. */
static int read_ticket(req *r, const queue_body *b, const store_queue_service *svc, size_t n, store_ticket *t)
{
	const store_queue_service *s = find_service(b->service, svc, n);
	if (!s)
		return bad_input(r, "service",
		                 N_("Choisissez un service de la file d'attente de ce lieu (sa lettre ou son "
		                    "numéro).")),
		       -1;
	t->service_id = s->id;

	const char *language = short_text(r, b->language, "language", 16);
	if (!language)
		return -1;
	if (*language && !known_language(language))
		return bad_input(r, "language", N_("Cette langue n'est pas connue.")), -1;
	t->lang = (char *)(*language ? language : "fr");

	t->needs = 0;
	for (size_t i = 0; i < b->nneeds; i++) {
		unsigned bit;
		if (!*b->needs[i] || strchr(b->needs[i], ',') || queue_needs_parse(b->needs[i], &bit) != 0)
			return bad_input(r, "needs", N_("Ce besoin n'est pas connu.")), -1;
		t->needs |= bit;
	}

	int p = queue_priority_parse(b->priority ? b->priority : "");
	if (p < 0)
		return bad_input(r, "priority", N_("Cette priorité n'est pas connue.")), -1;
	t->priority = (queue_priority)p;

	const char *channel = b->channel ? b->channel : "";
	if (*channel && !enum_valid(&ENUM_CHANNEL, channel))
		return bad_input(r, "channel", N_("Ce canal n'est pas connu.")), -1;
	t->channel = (char *)(*channel ? channel : "guichet_spontane");

	const char *name = short_text(r, b->name, "name", QUEUE_NAME_MAX);
	if (!name)
		return -1;
	/* A name is kept only where the site shows names: elsewhere it
	 * would serve nobody. */
	t->name = (char *)(show_names(r, t->site_id) ? name : "");
	return 0;
}

int api_queue_ticket_create(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_site site;
	if (visible_site(r, 0, &site) != 0 || !may_serve(r, site.id))
		return 0;
	store_queue_service *svc;
	size_t n;
	if (services_of(r, site.id, &svc, &n) != 0)
		return api_error_server(r);
	queue_body b;
	store_ticket t = {.site_id = site.id, .issued_by = r->session->user.id};
	if (read_body(r, &b) != 0 || read_ticket(r, &b, svc, n, &t) != 0)
		return 0;
	int rc = app_queue_issue(r->app->store, r->arena, &t, now_s());
	if (rc == STORE_NOT_FOUND)
		return bad_input(
		    r, "service",
		    N_("Choisissez un service de la file d'attente de ce lieu (sa lettre ou son numéro)."));
	if (rc != STORE_OK)
		return api_error_server(r);
	auth_audit(r, "create", "ticket", t.id, t.site_id, "api");
	const char *loc = arena_printf(r->arena, "/api/v1/tickets/%lld", (long long)t.id);
	if (loc)
		http_set_header(r, "Location", loc);
	return answer_ticket(r, 201, &t);
}

int api_queue_get(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_site site;
	if (visible_site(r, 0, &site) != 0)
		return 0;
	store_queue_service *svc;
	store_ticket *waiting, *active;
	size_t n, nw, na;
	if (services_of(r, site.id, &svc, &n) != 0 ||
	    store_queue_waiting(r->app->store, r->arena, site.id, 0, &waiting, &nw) != STORE_OK ||
	    store_queue_active(r->app->store, r->arena, site.id, &active, &na) != STORE_OK)
		return api_error_server(r);
	int names = show_names(r, site.id);
	http_content_type(r, "application/json");
	json_writer w;
	json_begin(&w, &r->out);
	json_object_open(&w);
	json_key(&w, "site_id");
	json_int(&w, site.id);
	json_key(&w, "services");
	json_array_open(&w);
	for (size_t i = 0; i < n; i++) {
		char prefix[2] = {svc[i].prefix, '\0'};
		json_object_open(&w);
		json_key(&w, "id");
		json_int(&w, svc[i].id);
		json_key(&w, "prefix");
		json_str(&w, prefix);
		json_key(&w, "label");
		json_str(&w, svc[i].label);
		json_key(&w, "active");
		json_bool(&w, svc[i].active);
		json_object_close(&w);
	}
	json_array_close(&w);
	json_key(&w, "waiting");
	json_array_open(&w);
	for (size_t i = 0; i < nw; i++)
		ticket_out(r, &w, &waiting[i], svc, n, names, 0);
	json_array_close(&w);
	json_key(&w, "active");
	json_array_open(&w);
	for (size_t i = 0; i < na; i++)
		ticket_out(r, &w, &active[i], svc, n, names, 0);
	json_array_close(&w);
	json_object_close(&w);
	return 0;
}

int api_queue_next(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_site site;
	if (visible_site(r, 0, &site) != 0 || !may_serve(r, site.id))
		return 0;
	store_queue_service *svc;
	size_t n;
	if (services_of(r, site.id, &svc, &n) != 0)
		return api_error_server(r);
	queue_body b;
	if (read_body(r, &b) != 0)
		return 0;
	const char *desk = short_text(r, b.desk, "desk", QUEUE_DESK_MAX);
	if (!desk)
		return 0;
	const store_queue_service *s = b.service ? find_service(b.service, svc, n) : NULL;
	if (b.service && !s)
		return bad_input(
		    r, "service",
		    N_("Choisissez un service de la file d'attente de ce lieu (sa lettre ou son numéro)."));
	store_ticket t;
	int rc = app_queue_call_next(r->app->store, r->arena, site.id, s ? s->id : 0, desk,
	                             r->session->user.id, now_s(), &t);
	if (rc == STORE_NOT_FOUND)
		return api_error_answer(r, 404, "nobody_waits", N_("Personne n'attend."), NULL);
	if (rc != STORE_OK)
		return api_error_server(r);
	return answer_ticket(r, 200, &t);
}

int api_queue_ticket_get(req *r)
{
	if (!api_require_token(r))
		return 0;
	int64_t id;
	store_ticket t;
	store_site site;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0 ||
	    store_ticket_get(r->app->store, r->arena, id, &t) != STORE_OK ||
	    store_site_get(r->app->store, r->arena, t.site_id, &site) != STORE_OK ||
	    !auth_site_visible(r, &site))
		return not_found(r);
	return answer_ticket(r, 200, &t);
}

static const struct {
	const char *name;
	queue_action action;
} actions[] = {
    {"call", QUEUE_CALL},         {"recall", QUEUE_RECALL},  {"start", QUEUE_START},
    {"finish", QUEUE_FINISH},     {"absent", QUEUE_ABSENT_}, {"cancel", QUEUE_CANCEL},
    {"redirect", QUEUE_REDIRECT},
};

int api_queue_ticket_action(req *r)
{
	if (!api_require_token(r))
		return 0;
	const char *name = http_param(r, 1);
	size_t k = 0;
	while (k < COUNT(actions) && !str_eq(actions[k].name, name ? name : ""))
		k++;
	int64_t id;
	store_ticket t;
	store_site site;
	if (k == COUNT(actions) || parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0 ||
	    store_ticket_get(r->app->store, r->arena, id, &t) != STORE_OK ||
	    store_site_get(r->app->store, r->arena, t.site_id, &site) != STORE_OK ||
	    !auth_site_visible(r, &site))
		return not_found(r);
	if (!may_serve(r, site.id))
		return 0;
	queue_body b;
	if (read_body(r, &b) != 0)
		return 0;
	const char *desk = short_text(r, b.desk, "desk", QUEUE_DESK_MAX);
	if (!desk)
		return 0;
	const store_queue_service *to = NULL;
	store_queue_service *svc = NULL;
	size_t n = 0;
	if (actions[k].action == QUEUE_REDIRECT) {
		if (services_of(r, site.id, &svc, &n) != 0)
			return api_error_server(r);
		to = find_service(b.service, svc, n);
		if (!to)
			return bad_input(r, "service",
			                 N_("Choisissez un service de la file d'attente de ce lieu (sa "
			                    "lettre ou son numéro)."));
	}

	store_ticket out;
	int64_t now = now_s();
	int rc;
	if (actions[k].action == QUEUE_REDIRECT && to) {
		if (to->id == t.service_id)
			return api_error_answer(r, 409, "conflict", N_("Ce ticket est déjà dans ce service."),
			                        "service");
		rc = app_queue_redirect(r->app->store, r->arena, t.id, to->id, now, &out);
	} else {
		rc = app_queue_move(r->app->store, r->arena, t.id, t.status, actions[k].action, desk,
		                    r->session->user.id, now, &out);
	}
	if (rc == STORE_CONFLICT || rc == STORE_NOT_FOUND)
		return api_error_answer(r, 409, "conflict",
		                        N_("Ce ticket ne peut pas faire ce changement dans son état actuel."),
		                        NULL);
	if (rc != STORE_OK)
		return api_error_server(r);
	return answer_ticket(r, actions[k].action == QUEUE_REDIRECT ? 201 : 200, &out);
}
