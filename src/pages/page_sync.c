/*
 * page_sync.c: /sync, the page of a laptop attached to a centre
 * (docs/sync.md), for its managers and admins: the state of the
 * attachment, the changes waiting, the history of syncs, the changes that
 * could not be applied with their reason, and a "Synchroniser maintenant"
 * button (POST /sync).
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/app_sync.h"
#include "store/store_sync.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

/* The latest runs and rejects the page lists. */
#define SYNC_PAGE_RUNS 30
#define SYNC_PAGE_REJECTS 100

static void write_time(req *r, int64_t t)
{
	html_txt(&r->out, t ? page_when_text(r, t) : _(r, "jamais"));
}

static const char *direction_label(req *r, const char *d)
{
	if (strcmp(d, "push") == 0)
		return _(r, "Envoi");
	if (strcmp(d, "pull") == 0)
		return _(r, "Réception");
	if (strcmp(d, "attach") == 0)
		return _(r, "Rattachement");
	return d;
}

static const char *side_label(req *r, const char *side)
{
	return strcmp(side, "here") == 0 ? _(r, "Refusé ici") : _(r, "Refusé par le serveur central");
}

static const char *kind_label(req *r, const char *kind)
{
	if (strcmp(kind, "visit") == 0)
		return _(r, "Accompagnement");
	if (strcmp(kind, "workshop") == 0)
		return _(r, "Atelier");
	if (strcmp(kind, "satisfaction") == 0)
		return _(r, "Avis de satisfaction");
	return kind;
}

static void state_list(req *r, const store_sync_state *st, int64_t pending, int64_t oldest)
{
	buf *o = &r->out;
	html_raw_trusted(o, "<dl class=\"sync-state\">\n<dt>");
	html_txt(o, _(r, "Serveur central"));
	html_raw_trusted(o, "</dt><dd>");
	html_txt(o, st->server_url);
	html_raw_trusted(o, "</dd>\n<dt>");
	html_txt(o, _(r, "Dernière synchronisation réussie"));
	html_raw_trusted(o, "</dt><dd>");
	write_time(r, st->last_ok_at);
	html_raw_trusted(o, "</dd>\n<dt>");
	html_txt(o, _(r, "Dernier essai"));
	html_raw_trusted(o, "</dt><dd>");
	write_time(r, st->last_try_at);
	html_raw_trusted(o, "</dd>\n");
	if (st->last_error && *st->last_error) {
		html_raw_trusted(o, "<dt>");
		html_txt(o, _(r, "Dernière erreur"));
		html_raw_trusted(o, "</dt><dd lang=\"en\">");
		html_txt(o, st->last_error);
		html_raw_trusted(o, "</dd>\n");
	}
	html_raw_trusted(o, "<dt>");
	html_txt(o, _(r, "Changements en attente"));
	html_raw_trusted(o, "</dt><dd>");
	html_int(o, pending);
	if (pending && oldest) {
		html_txt(o, " (");
		html_txt(o, _(r, "le plus ancien :"));
		html_txt(o, " ");
		write_time(r, oldest);
		html_txt(o, ")");
	}
	html_raw_trusted(o, "</dd>\n</dl>\n");
}

static void runs_table(req *r, const store_sync_run *v, size_t n)
{
	buf *o = &r->out;
	html_raw_trusted(o, "<h2>");
	html_txt(o, _(r, "Historique des synchronisations"));
	html_raw_trusted(o, "</h2>\n");
	if (!n) {
		html_raw_trusted(o, "<p>");
		html_txt(o, _(r, "Aucune synchronisation pour l'instant."));
		html_raw_trusted(o, "</p>\n");
		return;
	}
	ui_table_begin(r, NULL, _(r, "Dernières synchronisations"));
	const char *heads[] = {_(r, "Début"),   _(r, "Sens"),   _(r, "Envoyés"), _(r, "Appliqués"),
	                       _(r, "Refusés"), _(r, "Octets"), _(r, "Résultat")};
	for (size_t i = 0; i < COUNT(heads); i++)
		ui_th(r, heads[i]);
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		html_raw_trusted(o, "<tr><td>");
		write_time(r, v[i].started_at);
		html_raw_trusted(o, "</td><td>");
		html_txt(o, direction_label(r, v[i].direction));
		buf_printf(o, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td>",
		           (long long)v[i].sent, (long long)v[i].applied, (long long)v[i].refused,
		           (long long)v[i].bytes);
		if (v[i].error && *v[i].error) {
			html_raw_trusted(o, "<td>");
			html_txt(o, _(r, "Échec :"));
			html_raw_trusted(o, " <span lang=\"en\">");
			html_txt(o, v[i].error);
			html_raw_trusted(o, "</span></td></tr>\n");
		} else {
			html_raw_trusted(o, "<td>");
			html_txt(o, _(r, "Réussie"));
			html_raw_trusted(o, "</td></tr>\n");
		}
	}
	ui_table_end(r);
}

static void rejects_table(req *r, const store_sync_reject *v, size_t n)
{
	buf *o = &r->out;
	html_raw_trusted(o, "<h2>");
	html_txt(o, _(r, "Changements refusés"));
	html_raw_trusted(o, "</h2>\n");
	if (!n) {
		html_raw_trusted(o, "<p>");
		html_txt(o, _(r, "Aucun changement refusé."));
		html_raw_trusted(o, "</p>\n");
		return;
	}
	html_raw_trusted(o, "<p>");
	html_txt(o, _(r, "Un changement refusé n'est pas perdu : la version gardée est celle de la règle "
	                 "indiquée. Vérifiez l'enregistrement et corrigez-le si besoin : la correction sera "
	                 "envoyée à la prochaine synchronisation."));
	html_raw_trusted(o, "</p>\n");
	ui_table_begin(r, NULL, _(r, "Changements refusés, les plus récents d'abord"));
	const char *heads[] = {_(r, "Date"), _(r, "Où"), _(r, "Type"), _(r, "Identifiant"), _(r, "Raison")};
	for (size_t i = 0; i < COUNT(heads); i++)
		ui_th(r, heads[i]);
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		html_raw_trusted(o, "<tr><td>");
		write_time(r, v[i].at);
		html_raw_trusted(o, "</td><td>");
		html_txt(o, side_label(r, v[i].side));
		html_raw_trusted(o, "</td><td>");
		html_txt(o, kind_label(r, v[i].kind));
		html_raw_trusted(o, "</td><td><code>");
		html_txt(o, v[i].uid);
		html_raw_trusted(o, "</code></td><td>");
		/* The reason is a msgid of the core (docs/sync.md). */
		ui_txt_msg(r, v[i].reason);
		html_raw_trusted(o, "</td></tr>\n");
	}
	ui_table_end(r);
}

int page_sync(req *r)
{
	if (!page_require_login(r) || !page_require_role(r, ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN)))
		return 0;
	store *s = r->app->store;
	store_sync_state st;
	int got = store_sync_state_get(s, r->arena, &st);
	if (got == STORE_NOT_FOUND)
		return page_not_found(r);
	int64_t pending = 0, oldest = 0;
	store_sync_run *runs = NULL;
	store_sync_reject *rej = NULL;
	size_t nruns = 0, nrej = 0;
	if (got != STORE_OK || store_sync_pending(s, &pending, &oldest) != STORE_OK ||
	    store_sync_run_list(s, r->arena, SYNC_PAGE_RUNS, &runs, &nruns) != STORE_OK ||
	    store_sync_reject_list(s, r->arena, SYNC_PAGE_REJECTS, &rej, &nrej) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	ui_page_begin(r, _(r, "Synchronisation avec le serveur central"));
	const char *done = http_query(r, "done");
	if (done && strcmp(done, "ok") == 0)
		ui_notice(r, "success", _(r, "La synchronisation a réussi."));
	else if (done && strcmp(done, "failed") == 0)
		ui_notice(r, "error",
		          _(r,
		            "La synchronisation a échoué. Les changements en attente sont gardés et seront "
		            "envoyés à la prochaine synchronisation."));
	state_list(r, &st, pending, oldest);
	ui_form_begin(r, "/sync");
	ui_submit(r, _(r, "Synchroniser maintenant"));
	ui_form_end(r);
	rejects_table(r, rej, nrej);
	runs_table(r, runs, nruns);
	ui_page_end(r);
	return 0;
}

int page_sync_post(req *r)
{
	if (!page_require_login(r) || !page_require_role(r, ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN)) ||
	    !page_require_csrf(r))
		return 0;
	store_sync_state st;
	if (store_sync_state_get(r->app->store, r->arena, &st) == STORE_NOT_FOUND)
		return page_not_found(r);
	char err[300];
	/* At most the sync timeout: the manager asked for it and waits for
	 * the answer; the periodic thread never blocks a request. */
	int rc = app_sync_now(r->app->store, r->app->cfg, err, sizeof err);
	auth_audit(r, "update", "sync", 0, st.site_id, rc == 0 ? "ok" : "failed");
	http_redirect(r, rc == 0 ? "/sync?done=ok" : "/sync?done=failed");
	return 0;
}
