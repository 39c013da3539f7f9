/*
 * page_audit.c: the audit journal, read by administrators. Reading it is
 * itself journaled, since it holds addresses and who did what.
 */
#include "app/app.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

static const struct {
	const char *code, *label;
} actions[] = {
    {"login", N_("connexion")},
    {"login_failed", N_("échec de connexion")},
    {"login_throttled", N_("connexion bloquée (trop de tentatives)")},
    {"logout", N_("déconnexion")},
    {"read", N_("consultation")},
    {"create", N_("création")},
    {"update", N_("modification")},
    {"delete", N_("suppression")},
};

static const char *action_label(req *r, const char *code)
{
	for (size_t i = 0; i < COUNT(actions); i++)
		if (str_eq(actions[i].code, code))
			return _(r, actions[i].label);
	return code;
}

int page_audit(req *r)
{
	if (!page_require_role(r, ROLE_BIT(ROLE_ADMIN)))
		return 0;
	store_audit *rows = NULL;
	size_t n = 0;
	if (store_audit_list(r->app->store, r->arena, 0, LIMIT_PAGE_ROWS, &rows, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "read", "audit", 0, 0, NULL);
	ui_page_begin(r, _(r, "Journal des accès"));
	buf *o = &r->out;
	html_raw_trusted(o, "<p>");
	html_txt(o,
	         _(r,
	           "Les 200 derniers événements : connexions, échecs, et chaque consultation ou modification "
	           "de données personnelles. Heures en temps universel (UTC)."));
	html_raw_trusted(o, "</p>");
	ui_table_begin(r, NULL, _(r, "Journal des accès, du plus récent au plus ancien"));
	const char *heads[] = {_(r, "Date"), _(r, "Utilisateur"), _(r, "Action"), _(r, "Objet"),
	                       _(r, "Adresse")};
	for (size_t i = 0; i < COUNT(heads); i++)
		ui_th(r, heads[i]);
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		char when[21];
		time_iso(rows[i].at, when);
		html_raw_trusted(o, "<tr><td>");
		html_txt(o, when);
		html_raw_trusted(o, "</td><td>");
		if (rows[i].user_id) {
			html_raw_trusted(o, "<a href=\"/users/");
			html_int(o, rows[i].user_id);
			html_raw_trusted(o, "\">");
			html_int(o, rows[i].user_id);
			html_raw_trusted(o, "</a>");
		} else {
			html_txt(o, "—");
		}
		html_raw_trusted(o, "</td><td>");
		html_txt(o, action_label(r, rows[i].action));
		html_raw_trusted(o, "</td><td>");
		html_txt(o, rows[i].object);
		if (rows[i].object_id) {
			html_raw_trusted(o, " ");
			html_int(o, rows[i].object_id);
		}
		if (rows[i].detail && *rows[i].detail) {
			html_raw_trusted(o, " (");
			html_txt(o, rows[i].detail);
			html_raw_trusted(o, ")");
		}
		html_raw_trusted(o, "</td><td>");
		html_txt(o, rows[i].address);
		html_raw_trusted(o, "</td></tr>");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}
