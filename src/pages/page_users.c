/*
 * page_users.c: the accounts of advisers, managers, coordinators, operators
 * and administrators. Who may see and change which account is the rule
 * table of docs/access.md (domain/access.h): every change a form makes is
 * checked there, against the account as it is and as it would be, before
 * anything is stored. Names and e-mail addresses are personal data: every
 * read and change is journaled.
 */
#include <string.h>

#include "app/app.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"
#include "domain/access.h"
#include "domain/user.h"

#define MANAGERS ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER)

#define ACTION_BIT(a) (1u << (a))
/* What the creation form offers: the account's every field but its state. */
#define CREATE_FIELDS                                                                                        \
	(ACTION_BIT(ACCESS_ROLE) | ACTION_BIT(ACCESS_SITES) | ACTION_BIT(ACCESS_PASSWORD) |                  \
	 ACTION_BIT(ACCESS_EMAIL))

static const store_user *actor(const req *r)
{
	return &r->session->user;
}

static int user_visible(const req *r, const store_user *u)
{
	return access_user_visible(actor(r), u);
}

/* The actions the current user may take on the account u as it is: the
 * form shows the fields of these actions only. */
static unsigned editable(const req *r, const store_user *u)
{
	unsigned may = 0;
	for (int a = ACCESS_ROLE; a < ACCESS_NACTIONS; a++)
		if (access_may_manage_user(actor(r), u, u, (access_action)a))
			may |= ACTION_BIT(a);
	return may;
}

/* Whether every action of changes is allowed on the account going from
 * before to after. */
static int changes_allowed(const req *r, const store_user *before, const store_user *after, unsigned changes)
{
	for (int a = ACCESS_ROLE; a < ACCESS_NACTIONS; a++)
		if ((changes & ACTION_BIT(a)) &&
		    !access_may_manage_user(actor(r), before, after, (access_action)a))
			return 0;
	return 1;
}

static const char *yes_no(req *r, int v)
{
	return v ? _(r, "oui") : _(r, "non");
}

int page_users_list(req *r)
{
	if (!page_require_role(r, MANAGERS))
		return 0;
	store_user *users = NULL;
	size_t n = 0;
	if (store_user_list(r->app->store, r->arena, 0, &users, &n) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "read", "user", 0, 0, "list");
	ui_page_begin(r, _(r, "Utilisateurs"));
	buf *o = &r->out;
	html_raw_trusted(o, "<p><a class=\"button\" href=\"/users/new\">");
	html_txt(o, _(r, "Ajouter un utilisateur"));
	html_raw_trusted(o, "</a></p>");
	ui_table_begin(r, NULL, _(r, "Comptes que vous gérez"));
	const char *heads[] = {_(r, "Nom"), _(r, "Adresse e-mail"), _(r, "Rôle"), _(r, "Actif")};
	for (size_t i = 0; i < COUNT(heads); i++)
		ui_th(r, heads[i]);
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		if (!user_visible(r, &users[i]))
			continue;
		html_raw_trusted(o, "<tr><td><a href=\"/users/");
		html_int(o, users[i].id);
		html_raw_trusted(o, "\">");
		html_txt(o, users[i].name);
		html_raw_trusted(o, "</a></td><td>");
		html_txt(o, users[i].email);
		html_raw_trusted(o, "</td><td>");
		html_txt(o, _(r, user_role_label(users[i].role)));
		html_raw_trusted(o, "</td><td>");
		html_txt(o, yes_no(r, users[i].active));
		html_raw_trusted(o, "</td></tr>");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}

/* The sites the current user may give to an account. */
static size_t assignable_sites(req *r, store_site **out)
{
	store_site *all = NULL;
	size_t n = 0, k = 0;
	if (store_site_list(r->app->store, r->arena, NULL, &all, &n) != STORE_OK) {
		*out = NULL;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (auth_site_visible(r, &all[i]))
			all[k++] = all[i];
	*out = all;
	return k;
}

/* The fields the current user may not change, as text. */
static void fixed_fields(req *r, const store_user *u, unsigned may)
{
	if ((may & ACTION_BIT(ACCESS_EMAIL)) && (may & ACTION_BIT(ACCESS_ROLE)))
		return;
	html_raw_trusted(&r->out, "<dl class=\"details\">");
	if (!(may & ACTION_BIT(ACCESS_EMAIL))) {
		ui_dl_item(r, _(r, "Nom et prénom"), u->name);
		ui_dl_item(r, _(r, "Adresse e-mail"), u->email);
	}
	if (!(may & ACTION_BIT(ACCESS_ROLE)))
		ui_dl_item(r, _(r, "Rôle"), _(r, user_role_label(u->role)));
	html_raw_trusted(&r->out, "</dl>");
}

/* The form of an account; may says which fields the current user may
 * change (the others are shown as text). */
static void user_form(req *r, const store_user *u, unsigned may, const ui_errors *e)
{
	int creating = u->id == 0;
	ui_page_begin(r, creating ? _(r, "Ajouter un utilisateur") : _(r, "Modifier l'utilisateur"));
	ui_error_summary(r, e);
	fixed_fields(r, u, may);
	const char *action = creating ? "/users" : arena_printf(r->arena, "/users/%lld", (long long)u->id);
	ui_form_begin(r, action ? action : "/users");
	if (may & ACTION_BIT(ACCESS_EMAIL)) {
		ui_field name = {.name = "name",
		                 .label = _(r, "Nom et prénom"),
		                 .value = u->name,
		                 .type = "text",
		                 .autocomplete = "off",
		                 .required = 1};
		ui_input(r, &name, e);
		ui_field email = {.name = "email",
		                  .label = _(r, "Adresse e-mail"),
		                  .value = u->email,
		                  .type = "email",
		                  .autocomplete = "off",
		                  .required = 1};
		ui_input(r, &email, e);
	}

	int admin = r->session->role == ROLE_ADMIN;
	if (may & ACTION_BIT(ACCESS_ROLE)) {
		static const char *const admin_roles[] = {"agent", "manager", "coordinator", "operator",
		                                          "admin"};
		static const char *const manager_roles[] = {"agent", "manager"};
		size_t nroles = admin ? COUNT(admin_roles) : COUNT(manager_roles);
		ui_option roles[5];
		for (size_t i = 0; i < nroles; i++) {
			roles[i].value = admin ? admin_roles[i] : manager_roles[i];
			roles[i].label = _(r, user_role_label(roles[i].value));
		}
		ui_field role = {.name = "role", .label = _(r, "Rôle"), .value = u->role, .required = 1};
		ui_select(r, &role, roles, nroles, e);
	}

	store_site *sites;
	size_t ns = (may & ACTION_BIT(ACCESS_SITES)) ? assignable_sites(r, &sites) : 0;
	ui_option *opts = arena_alloc(r->arena, (ns + 1) * sizeof *opts);
	const char **sel = arena_alloc(r->arena, (u->nsites + 1) * sizeof *sel);
	if (ns && opts && sel) {
		for (size_t i = 0; i < ns; i++) {
			opts[i].value = arena_printf(r->arena, "%lld", (long long)sites[i].id);
			opts[i].label = sites[i].name;
		}
		for (size_t i = 0; i < u->nsites; i++)
			sel[i] = arena_printf(r->arena, "%lld", (long long)u->site_ids[i]);
		ui_checkboxes(r, "sites", _(r, "Lieux (conseillers et responsables)"), opts, ns, sel,
		              u->nsites, e);
	}
	if (admin && (may & ACTION_BIT(ACCESS_ROLE))) {
		ui_field dep = {.name = "departement",
		                .label = _(r, "Département (coordinateurs)"),
		                .hint = _(r, "Code du département, par exemple 35 ou 2A."),
		                .value = u->departement,
		                .type = "text"};
		ui_input(r, &dep, e);
		ui_field op = {.name = "operator_code",
		               .label = _(r, "Opérateur partenaire (référents)"),
		               .hint = _(r, "Code de l'opérateur, par exemple cnaf."),
		               .value = u->operator_code,
		               .type = "text"};
		ui_input(r, &op, e);
	}
	if (may & ACTION_BIT(ACCESS_PASSWORD)) {
		ui_field pw = {.name = "password",
		               .label = creating ? _(r, "Mot de passe initial")
		                                 : _(r, "Nouveau mot de passe (facultatif)"),
		               .hint = _(r, "Au moins 12 caractères. La personne pourra le changer."),
		               .type = "password",
		               .autocomplete = "new-password",
		               .required = creating};
		ui_input(r, &pw, e);
	}
	if (!creating && (may & ACTION_BIT(ACCESS_ACTIVE))) {
		ui_option active[] = {{"1", _(r, "Compte actif")}};
		const char *on[] = {"1"};
		ui_checkboxes(r, "active", _(r, "État du compte"), active, 1, on, u->active ? 1 : 0, e);
	}
	ui_submit(r, creating ? _(r, "Ajouter l'utilisateur") : _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

/* The field name of the form, or keep when the form does not carry it: a
 * field the form did not show leaves the account as it is. */
static char *field_or(req *r, const char *name, char *keep)
{
	return http_form(r, name) ? (char *)page_field(r, name) : keep;
}

/* Reads the form into u (the account as it is, or a blank one); may says
 * which fields the form showed. 0 when the input is acceptable, otherwise
 * e holds the reasons. Whether the current user may make the change is
 * not decided here but by the rule table, on the result. */
static int read_form(req *r, store_user *u, unsigned may, const char **password, ui_errors *e)
{
	int creating = u->id == 0;
	u->name = creating ? (char *)page_field(r, "name") : field_or(r, "name", u->name);
	u->email = creating ? (char *)page_field(r, "email") : field_or(r, "email", u->email);
	u->role = creating ? (char *)page_field(r, "role") : field_or(r, "role", u->role);
	u->departement = field_or(r, "departement", u->departement ? u->departement : "");
	u->operator_code = field_or(r, "operator_code", u->operator_code ? u->operator_code : "");
	/* An unticked box sends nothing: without the box, nothing means as it was. */
	if (!creating)
		u->active =
		    http_form(r, "active") != NULL || (!(may & ACTION_BIT(ACCESS_ACTIVE)) && u->active);
	const char **v;
	size_t n = page_field_all(r, "sites", &v);
	/* Sites the current user cannot see stay as they were: a manager edits
	 * only the part of an account that belongs to their sites. */
	int64_t *ids = arena_alloc(r->arena, (n + u->nsites + 1) * sizeof *ids);
	size_t kept = 0;
	for (size_t i = 0; ids && i < u->nsites; i++) {
		store_site site;
		if (store_site_get(r->app->store, r->arena, u->site_ids[i], &site) == STORE_OK &&
		    !auth_site_visible(r, &site))
			ids[kept++] = u->site_ids[i];
	}
	u->site_ids = ids;
	u->nsites = kept;
	for (size_t i = 0; u->site_ids && i < n; i++) {
		int64_t id;
		store_site site;
		if (parse_int64(v[i], 1, INT64_MAX, &id) != 0 ||
		    store_site_get(r->app->store, r->arena, id, &site) != STORE_OK ||
		    !auth_site_visible(r, &site)) {
			field_error_add(e, "sites",
			                "Un des lieux choisis n'existe pas ou ne vous est pas accessible.");
			break;
		}
		if (!auth_user_has_site(u, id))
			u->site_ids[u->nsites++] = id;
	}
	user_validate(u, e);
	const char *pw = http_form(r, "password");
	*password = pw && *pw ? pw : NULL;
	const char *why;
	if (creating && !*password)
		field_error_add(e, "password", "Indiquez un mot de passe initial.");
	else if (*password && auth_password_acceptable(*password, &why) != 0)
		field_error_add(e, "password", why);
	return e->n ? -1 : 0;
}

/* The refusal of a change the rule table does not allow; nothing is
 * stored. */
static int refuse(req *r)
{
	ui_error_page(r, 403, "Votre rôle ne permet pas de faire cette modification de ce compte.");
	return 0;
}

int page_user_new(req *r)
{
	if (!page_require_role(r, MANAGERS))
		return 0;
	store_user u = {.role = "agent", .active = 1};
	ui_errors e = {0};
	user_form(r, &u, CREATE_FIELDS, &e);
	return 0;
}

int page_user_create(req *r)
{
	if (!page_require_role(r, MANAGERS) || !page_require_csrf(r))
		return 0;
	store_user u = {.active = 1};
	ui_errors e = {0};
	const char *password = NULL;
	/* A form with mistakes is shown again first (nothing is stored either
	 * way): a manager who forgot to tick a site is told so, not refused. */
	if (read_form(r, &u, CREATE_FIELDS, &password, &e) != 0) {
		http_status(r, 400);
		user_form(r, &u, CREATE_FIELDS, &e);
		return 0;
	}
	if (!access_may_manage_user(actor(r), NULL, &u, ACCESS_CREATE))
		return refuse(r);
	char hash[256];
	if (auth_password_hash(password, hash, sizeof hash) != 0) {
		r->status = 500;
		return page_error(r);
	}
	u.password_hash = hash;
	int64_t id = 0;
	int rc = store_user_insert(r->app->store, &u, &id);
	if (rc == STORE_CONFLICT) {
		field_error_add(&e, "email", "Un compte utilise déjà cette adresse e-mail.");
		http_status(r, 400);
		user_form(r, &u, CREATE_FIELDS, &e);
		return 0;
	}
	if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "create", "user", id, 0, NULL);
	char *to = arena_printf(r->arena, "/users/%lld", (long long)id);
	http_redirect(r, to ? to : "/users");
	return 0;
}

/* Loads an account the current user may manage; otherwise answers 404. */
static int load_visible(req *r, store_user *u)
{
	int64_t id;
	if (parse_int64(http_param(r, 0), 1, INT64_MAX, &id) != 0 ||
	    store_user_get(r->app->store, r->arena, id, u) != STORE_OK || !user_visible(r, u)) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

int page_user_show(req *r)
{
	if (!page_require_role(r, MANAGERS))
		return 0;
	store_user u;
	if (load_visible(r, &u) != 0)
		return 0;
	auth_audit(r, "read", "user", u.id, 0, NULL);
	ui_errors e = {0};
	user_form(r, &u, editable(r, &u), &e);
	return 0;
}

int page_user_update(req *r)
{
	if (!page_require_role(r, MANAGERS))
		return 0;
	store_user before;
	if (load_visible(r, &before) != 0 || !page_require_csrf(r))
		return 0;
	store_user u = before;
	unsigned may = editable(r, &before);
	ui_errors e = {0};
	const char *password = NULL;
	read_form(r, &u, may, &password, &e);
	/* The rule table first: a change that is not allowed is refused as
	 * such, whatever else the form holds. */
	if (!changes_allowed(r, &before, &u, access_user_changes(&before, &u, password != NULL)))
		return refuse(r);
	if (e.n) {
		http_status(r, 400);
		user_form(r, &u, may, &e);
		return 0;
	}
	/* The new password goes in with the rest, in one transaction; without
	 * one, the stored hash is left as it is. */
	char hash[256];
	u.password_hash = NULL;
	if (password && auth_password_hash(password, hash, sizeof hash) != 0) {
		r->status = 500;
		return page_error(r);
	}
	if (password)
		u.password_hash = hash;
	int rc = store_user_update(r->app->store, &u);
	if (rc == STORE_CONFLICT) {
		field_error_add(&e, "email", "Un compte utilise déjà cette adresse e-mail.");
		http_status(r, 400);
		user_form(r, &u, may, &e);
		return 0;
	}
	if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "user", u.id, 0, password ? "password" : NULL);
	char *to = arena_printf(r->arena, "/users/%lld", (long long)u.id);
	http_redirect(r, to ? to : "/users");
	return 0;
}
