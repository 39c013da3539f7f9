/*
 * api_escalations.c: the JSON API v1 of escalations (docs/api.md,
 * docs/escalations.md): escalate a demand, list the escalations the
 * token's account sees, read one with its journal, move one.
 *
 * The rules are the pages': domain/access.h decides who sees an
 * escalation, from which side, and which ones a token lists,
 * domain/escalation.h which moves they may make now. One they may not see
 * answers 404 exactly like a missing one; a move not possible now answers
 * 409 and changes nothing. Documents are sent through the pages (multipart), not
 * here. Errors go through api_error.c; output through util/json.h only.
 */
#include <string.h>

#include "app/app.h"
#include "app/app_escalations.h"
#include "domain/access.h"
#include "domain/escalation.h"
#include "store/store_escalations.h"
#include "util/i18n.h"
#include "util/json.h"
#include "web/page.h"
#include "api/api.h"
#include "api/api_error.h"
#include "api/escalation_json.h"

static int answer_error(req *r, int status, const char *code, const char *msgid, const field_errors *fe)
{
	json_writer w;
	api_error_open(r, &w, status, code);
	json_key(&w, "message");
	json_str(&w, _(r, msgid));
	if (fe && fe->n) {
		json_key(&w, "fields");
		json_array_open(&w);
		for (size_t i = 0; i < fe->n; i++) {
			json_object_open(&w);
			json_key(&w, "field");
			json_str(&w, fe->v[i].field);
			json_key(&w, "reason");
			json_str(&w, _(r, fe->v[i].msgid));
			json_object_close(&w);
		}
		json_array_close(&w);
	}
	api_error_close(&w);
	return 0;
}

static int not_found(req *r)
{
	return answer_error(r, 404, "not_found", N_("Cette escalade n'existe pas."), NULL);
}

static int server_error(req *r)
{
	return answer_error(r, 500, "server_error", N_("Une erreur est survenue. Réessayez dans un instant."),
	                    NULL);
}

/* The body, or an error answered (400 malformed, 422 a member of the
 * wrong type). 0, or -1 once answered. */
static int read_body(req *r, escalation_body *b)
{
	const char *field = NULL;
	int rc = escalation_json_read(r->arena, r->body, r->body_len, b, &field);
	if (rc == ESC_JSON_OK)
		return 0;
	if (rc == ESC_JSON_BAD_FIELD) {
		field_errors e = {0};
		field_error_add(&e, field, N_("Ce champ n'a pas le bon type."));
		answer_error(r, 422, "invalid", N_("La demande contient des erreurs."), &e);
	} else {
		answer_error(r, 400, rc == ESC_JSON_MALFORMED ? "malformed_json" : "bad_request",
		             N_("Le corps de la requête n'est pas un objet JSON valide."), NULL);
	}
	return -1;
}

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

static void str_or_null(json_writer *w, const char *key, const char *v)
{
	json_key(w, key);
	json_str(w, v && *v ? v : NULL);
}

static void escalation_out(req *r, json_writer *w, const store_escalation *e, escalation_side side, int full)
{
	json_object_open(w);
	json_key(w, "id");
	json_int(w, e->id);
	json_key(w, "demand_id");
	json_int(w, e->demand_id);
	if (side != ESC_SIDE_REFERENT) {
		/* The visit is the site's record, not the back office's. */
		json_key(w, "visit_id");
		json_int(w, e->visit_id);
	}
	json_key(w, "site_id");
	json_int(w, e->site_id);
	str_or_null(w, "site_name", e->site_name);
	str_or_null(w, "departement", e->departement);
	json_key(w, "operator");
	json_str(w, e->operator_code);
	str_or_null(w, "operator_name", e->operator_name);
	json_key(w, "status");
	json_str(w, e->status);
	json_key(w, "info_requested");
	json_bool(w, e->info_requested);
	json_key(w, "overdue");
	json_bool(w, escalation_overdue(e, now_s()));
	str_or_null(w, "question", e->wiped_at ? NULL : e->question);
	time_or_null(w, "created_at", e->created_at);
	time_or_null(w, "sent_at", e->sent_at);
	time_or_null(w, "due_at", e->due_at);
	time_or_null(w, "answered_at", e->answered_at);
	time_or_null(w, "closed_at", e->closed_at);
	str_or_null(w, "told_by", e->told_by);
	str_or_null(w, "useful", e->useful);
	json_key(w, "wiped");
	json_bool(w, e->wiped_at > 0);
	if (full) {
		store_escalation_event *ev = NULL;
		size_t n = 0;
		json_key(w, "events");
		json_array_open(w);
		if (store_escalation_events(r->app->store, r->arena, e->id, escalation_sees_internal(side),
		                            &ev, &n) == STORE_OK)
			for (size_t i = 0; i < n; i++) {
				json_object_open(w);
				time_or_null(w, "at", ev[i].at);
				json_key(w, "action");
				json_str(w, ev[i].action);
				json_key(w, "status");
				json_str(w, ev[i].status);
				str_or_null(w, "text", ev[i].body);
				json_key(w, "internal");
				json_bool(w, ev[i].internal);
				json_object_close(w);
			}
		json_array_close(w);
	}
	json_object_close(w);
}

static void answer_escalation(req *r, int status, const store_escalation *e, escalation_side side)
{
	json_writer w;
	buf_reset(&r->out);
	http_status(r, status);
	http_content_type(r, "application/json");
	json_begin(&w, &r->out);
	escalation_out(r, &w, e, side, 1);
}

/* The escalation of the path's first parameter, if the account sees it.
 * 0, or -1 once answered. */
static int load(req *r, store_escalation *e, escalation_actor *a, escalation_side *side)
{
	int64_t id;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0)
		return not_found(r), -1;
	int rc = store_escalation_get(r->app->store, r->arena, id, e);
	if (rc == STORE_NOT_FOUND)
		return not_found(r), -1;
	if (rc != STORE_OK || app_escalation_actor(r->app, r->arena, &r->session->user, a) != 0)
		return server_error(r), -1;
	*side = escalation_side_of(a, e);
	if (*side == ESC_SIDE_NONE)
		return not_found(r), -1;
	return 0;
}

int api_escalation_create(req *r)
{
	if (!api_require_token(r))
		return 0;
	int64_t demand_id;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &demand_id) != 0)
		return answer_error(r, 404, "not_found", N_("Cette demande n'existe pas."), NULL);
	escalation_body b;
	if (read_body(r, &b) != 0)
		return 0;
	char *question = arena_strdup(r->arena, b.question ? b.question : "");
	if (!question)
		return server_error(r);
	field_errors e = {0};
	int64_t id = 0;
	int rc = app_escalation_create(r->app, r->arena, &r->session->user, demand_id, question, b.consent,
	                               NULL, 0, now_s(), &id, &e);
	switch (rc) {
	case APP_ESC_OK:
		break;
	case APP_ESC_NOT_FOUND:
		return answer_error(r, 404, "not_found", N_("Cette demande n'existe pas."), NULL);
	case APP_ESC_EXISTS:
		return answer_error(r, 409, "already_escalated", N_("Cette demande a déjà été transmise."),
		                    NULL);
	case APP_ESC_NOT_ESCALADE:
		return answer_error(
		    r, 409, "not_escalade",
		    N_("Seule une demande dont le résultat est « Transmis au service de l'opérateur » "
		       "peut être transmise."),
		    NULL);
	case APP_ESC_INVALID:
		return answer_error(r, 422, "invalid", N_("La demande contient des erreurs."), &e);
	default:
		return server_error(r);
	}
	store_escalation x;
	if (store_escalation_get(r->app->store, r->arena, id, &x) != STORE_OK)
		return server_error(r);
	auth_audit(r, "create", "escalation", id, x.site_id, "api");
	http_set_header(r, "Location", arena_printf(r->arena, "/api/v1/escalations/%lld", (long long)id));
	answer_escalation(r, 201, &x, ESC_SIDE_ADVISER);
	return 0;
}

int api_escalations_list(req *r)
{
	if (!api_require_token(r))
		return 0;
	const store_user *u = &r->session->user;
	escalation_actor a;
	if (app_escalation_actor(r->app, r->arena, u, &a) != 0)
		return server_error(r);
	const char *status = http_query(r, "status");
	store_escalation_filter f = {.open_only = !str_eq(status, "all")};
	access_escalation_scope(&a, &f);
	store_escalation *v = NULL;
	size_t n = 0;
	if (store_escalation_list(r->app->store, r->arena, &f, &v, &n) != STORE_OK)
		return server_error(r);
	json_writer w;
	http_content_type(r, "application/json");
	json_begin(&w, &r->out);
	json_object_open(&w);
	json_key(&w, "escalations");
	json_array_open(&w);
	for (size_t i = 0; i < n; i++) {
		/* The list's filter and the rule agree; the rule has the last word. */
		escalation_side side = escalation_side_of(&a, &v[i]);
		if (side != ESC_SIDE_NONE)
			escalation_out(r, &w, &v[i], side, 0);
	}
	json_array_close(&w);
	json_object_close(&w);
	return 0;
}

int api_escalation_get(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_escalation e;
	escalation_actor a;
	escalation_side side;
	if (load(r, &e, &a, &side) != 0)
		return 0;
	if (!e.wiped_at)
		auth_audit(r, "read", "escalation", e.id, e.site_id, "api");
	answer_escalation(r, 200, &e, side);
	return 0;
}

/* The API's names of the moves. */
static const struct {
	const char *name;
	escalation_action action;
} api_actions[] = {
    {"send", ESC_SEND},
    {"take", ESC_TAKE},
    {"answer", ESC_ANSWER},
    {"note", ESC_NOTE},
    {"request-info", ESC_ASK_INFO},
    {"complete", ESC_COMPLETE},
    {"wrong-interlocutor", ESC_WRONG},
    {"redirect", ESC_REDIRECT},
    {"close", ESC_CLOSE},
};

int api_escalation_action(req *r)
{
	if (!api_require_token(r))
		return 0;
	store_escalation e;
	escalation_actor a;
	escalation_side side;
	if (load(r, &e, &a, &side) != 0)
		return 0;
	int action = -1;
	for (size_t i = 0; i < COUNT(api_actions); i++)
		if (str_eq(http_param(r, 1), api_actions[i].name))
			action = (int)api_actions[i].action;
	if (action < 0)
		return answer_error(r, 404, "not_found", N_("L'action demandée n'existe pas."), NULL);
	escalation_body b;
	if (read_body(r, &b) != 0)
		return 0;
	if (!escalation_may(&a, &e, (escalation_action)action))
		return answer_error(
		    r, 409, "invalid_move",
		    N_("Cette action n'est pas possible pour cette escalade, ou plus maintenant."), NULL);
	escalation_input in = {.body = arena_strdup(r->arena, b.text ? b.text : ""),
	                       .operator_code = b.operator_code ? b.operator_code : "",
	                       .told_by = b.told_by ? b.told_by : "",
	                       .useful = b.useful ? b.useful : ""};
	if (action == ESC_SEND || action == ESC_REDIRECT) {
		const char *code = action == ESC_SEND ? e.operator_code : in.operator_code;
		store_operator op;
		int64_t count = 0;
		int rc = *code ? store_operator_get(r->app->store, r->arena, code, &op) : STORE_NOT_FOUND;
		if (rc == STORE_NOT_FOUND || (rc == STORE_OK && !op.active))
			in.operator_code = "";
		else if (rc != STORE_OK ||
		         store_referent_count(r->app->store, code, e.departement, &count) != STORE_OK)
			return server_error(r);
		else {
			in.referent_exists = count > 0;
			in.deadline_days = op.deadline_days;
		}
	}
	field_errors fe = {0};
	store_escalation after;
	const char *event = NULL;
	int internal = 0;
	int64_t now = now_s();
	if (escalation_prepare(&a, &e, (escalation_action)action, &in, now, &after, &event, &internal, &fe) !=
	    0) {
		for (size_t i = 0; i < fe.n; i++) {
			if (str_eq(fe.v[i].field, "body"))
				fe.v[i].field = "text";
			else if (str_eq(fe.v[i].field, "operator_code"))
				fe.v[i].field = "operator";
		}
		return answer_error(r, 422, "invalid", N_("La demande contient des erreurs."), &fe);
	}
	int rc = app_escalation_move(r->app, &e, &after, event, internal, in.body,
	                             action == ESC_REDIRECT ? e.operator_code : NULL, r->session->user.id,
	                             NULL, 0, now);
	if (rc == STORE_CONFLICT)
		return answer_error(r, 409, "invalid_move",
		                    N_("Cette escalade vient de changer : relisez-la."), NULL);
	if (rc == STORE_NOT_FOUND)
		return not_found(r);
	if (rc != STORE_OK)
		return server_error(r);
	auth_audit(r, "update", "escalation", e.id, e.site_id,
	           escalation_action_code((escalation_action)action));
	store_escalation x;
	if (store_escalation_get(r->app->store, r->arena, e.id, &x) != STORE_OK)
		return server_error(r);
	answer_escalation(r, 200, &x, side);
	return 0;
}
