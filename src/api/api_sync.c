/*
 * api_sync.c: the centre's endpoints of offline synchronisation
 * (docs/sync.md): the attach bundle, the geography, push and pull. Each
 * call carries the bearer token of a site's agent or manager; the work is
 * in app/sync.c, which answers a status and a JSON body.
 */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/sync.h"
#include "util/i18n.h"
#include "util/json.h"
#include "web/page.h"
#include "api/api.h"
#include "api/api_error.h"

/* An integer query parameter; def when absent, -1 when not a number. */
static int64_t query_int(req *r, const char *name, int64_t def)
{
	const char *v = http_query(r, name);
	if (!v || !*v)
		return def;
	int64_t out = 0;
	return parse_int64(v, 0, INT64_MAX, &out) == 0 ? out : -1;
}

static int answer(req *r, sync_answer *a)
{
	if (a->error_msgid) {
		buf_free(&a->body);
		return api_error_answer(r, a->status, a->error_code, a->error_msgid, NULL);
	}
	buf_reset(&r->out);
	http_status(r, a->status);
	http_content_type(r, "application/json");
	buf_append(&r->out, a->body.data ? a->body.data : "{}", a->body.data ? a->body.len : 2);
	buf_free(&a->body);
	return 0;
}

static int bad_param(req *r, const char *field)
{
	return api_error_answer(r, 400, "invalid", N_("Paramètre invalide."), field);
}

int api_sync_attach(req *r)
{
	if (!api_require_token(r))
		return 0;
	int64_t site = query_int(r, "site", 0);
	if (site < 0)
		return bad_param(r, "site");
	sync_answer a;
	sync_attach_body_site(r->app->store, r->arena, &r->session->user, site, &a);
	return answer(r, &a);
}

int api_sync_geo(req *r)
{
	if (!api_require_token(r))
		return 0;
	const char *after = http_query(r, "after");
	if (after && strlen(after) > 16)
		return bad_param(r, "after");
	sync_answer a;
	sync_geo_body(r->app->store, r->arena, after ? after : "", &a);
	return answer(r, &a);
}

int api_sync_push(req *r)
{
	if (!api_require_token(r))
		return 0;
	sync_answer a;
	sync_push_apply(r->app->store, r->arena, &r->session->user, r->body, r->body_len, &a);
	return answer(r, &a);
}

int api_sync_pull(req *r)
{
	if (!api_require_token(r))
		return 0;
	int64_t since = query_int(r, "since", 0), site = query_int(r, "site", 0);
	const char *origin = http_query(r, "origin");
	if (since < 0)
		return bad_param(r, "since");
	if (site < 0)
		return bad_param(r, "site");
	if (!origin || !*origin || strlen(origin) > 64)
		return bad_param(r, "origin");
	sync_answer a;
	sync_pull_body_site(r->app->store, r->arena, &r->session->user, site, since, origin, &a);
	return answer(r, &a);
}
