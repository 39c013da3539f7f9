/*
 * page_appointments.c: appointments with the partner operators' experts
 * (docs/appointments.md): the permanence slots (list, publication,
 * cancellation), the booking from a demand, an appointment's page with its
 * status changes, the printable slip for the person in her language, the
 * list of the appointments one may see with one's calendar address, the
 * calendar itself (iCalendar, RFC 5545), and the block shown under a
 * demand of a visit's page.
 *
 * Who may do what is domain/appointment.h's; an appointment one may not
 * see answers 404, exactly like a missing one. Bookings and status changes
 * go through app/app_appointments.c, which notifies.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/app.h"
#include "app/app_appointments.h"
#include "app/app_escalations.h"
#include "domain/appointment.h"
#include "domain/site.h"
#include "domain/takehome.h"
#include "store/store_appointments.h"
#include "store/store_escalations.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "web/public.h"
#include "web/ui.h"
#include "pages/pages.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* Occurrences the booking form offers at most. */
#define BOOK_MAX_CHOICES 120

static int server_error(req *r)
{
	ui_error_page(r, 500, N_("Une erreur est survenue. Réessayez dans un instant."));
	return 0;
}

/* ",1,2," of the user's sites, for the store's filters. */
static const char *site_list(req *r, const store_user *u)
{
	buf b;
	buf_init(&b, 64 * ((size_t)u->nsites + 1));
	buf_putc(&b, ',');
	for (size_t i = 0; i < u->nsites; i++)
		buf_printf(&b, "%lld,", (long long)u->site_ids[i]);
	const char *s = arena_strndup(r->arena, b.data ? b.data : ",", b.data ? b.len : 1);
	buf_free(&b);
	return s ? s : ",";
}

static const char *dep_list(req *r, char *const *deps, size_t n)
{
	buf b;
	buf_init(&b, 16 * (n + 1));
	buf_putc(&b, ',');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s,", deps[i]);
	const char *s = arena_strndup(r->arena, b.data ? b.data : ",", b.data ? b.len : 1);
	buf_free(&b);
	return s ? s : ",";
}

/* The départements an operator's referent answers for. */
static int referent_deps(req *r, char ***deps, size_t *n)
{
	escalation_actor a;
	*deps = NULL;
	*n = 0;
	if (app_escalation_actor(r->app, r->arena, &r->session->user, &a) != 0)
		return -1;
	*deps = (char **)a.departements;
	*n = a.ndepartements;
	return 0;
}

static int is_role(req *r, const char *role)
{
	return str_eq(r->session->user.role, role);
}

/* Whether the user sees the appointment: an administrator; the staff who
 * see the demand's site or the slot's; the slot's referent; a referent of
 * its operator for the slot's département. */
static int sees(req *r, const store_appt *x)
{
	const store_user *u = &r->session->user;
	if (is_role(r, "admin"))
		return 1;
	if (is_role(r, "operator")) {
		if (x->slot.referent_id == u->id || x->slot.created_by == u->id)
			return 1;
		char **deps;
		size_t n;
		if (referent_deps(r, &deps, &n) != 0)
			return 0;
		return appointment_may_publish(u, x->slot.site_id, x->slot.site_departement,
		                               x->slot.operator_code, deps, n);
	}
	store_site site;
	int64_t ids[2] = {x->site_id, x->slot.site_id};
	for (size_t i = 0; i < 2; i++)
		if (store_site_get(r->app->store, r->arena, ids[i], &site) == STORE_OK &&
		    auth_site_visible(r, &site))
			return 1;
	return 0;
}

/* The appointment of the path's first parameter, if the user sees it;
 * otherwise a 404 as for a missing one. 0, or -1 once answered. */
static int load(req *r, store_appt *x)
{
	int64_t id;
	if (page_path_id(r, &id) != 0)
		return page_not_found(r), -1;
	int rc = store_appt_get(r->app->store, r->arena, id, x);
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r), -1;
	if (rc != STORE_OK)
		return server_error(r), -1;
	if (!sees(r, x))
		return page_not_found(r), -1;
	return 0;
}

static void mode_text(req *r, const char *mode)
{
	html_txt(&r->out, _(r, appointment_mode_label(mode)));
}

/* ---- Slots. */

static void slots_table(req *r, const store_appt_slot *v, size_t n, char *const *deps, size_t ndeps)
{
	const store_user *u = &r->session->user;
	ui_table_begin(r, NULL, _(r, "Permanences"));
	ui_th(r, _(r, "Opérateur"));
	ui_th(r, _(r, "Lieu"));
	ui_th(r, _(r, "Forme"));
	ui_th(r, _(r, "Première date"));
	ui_th(r, _(r, "Chaque semaine jusqu'au"));
	ui_th(r, _(r, "Durée"));
	ui_th(r, _(r, "Places"));
	ui_th(r, _(r, "Référent"));
	ui_th(r, _(r, "Action"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		const store_appt_slot *s = &v[i];
		RAW(r, "<tr><td");
		ui_attr_lang_fr(r);
		RAW(r, ">");
		html_txt(&r->out, s->operator_name);
		RAW(r, "</td><td");
		ui_attr_lang_fr(r);
		RAW(r, ">");
		html_txt(&r->out, s->site_name);
		if (*s->place) {
			RAW(r, " — ");
			html_txt(&r->out, s->place);
		}
		RAW(r, "</td><td>");
		mode_text(r, s->mode);
		RAW(r, "</td><td>");
		html_txt(&r->out, page_when_text(r, s->starts_at));
		RAW(r, "</td><td>");
		if (s->repeat_until) {
			char d[11];
			time_local_date(s->repeat_until, d);
			html_txt(&r->out, d);
		} else {
			html_txt(&r->out, _(r, "une seule fois"));
		}
		RAW(r, "</td><td>");
		html_txt(&r->out, page_count_text(r, _(r, "%d min"), s->duration_min));
		RAW(r, "</td><td>");
		html_int(&r->out, s->capacity);
		RAW(r, "</td><td>");
		html_txt(&r->out, *s->referent_name ? s->referent_name : "—");
		RAW(r, "</td><td>");
		if (appointment_may_publish(u, s->site_id, s->site_departement, s->operator_code, deps,
		                            ndeps)) {
			RAW(r, "<form method=\"post\" action=\"/appointments/slots/");
			html_int(&r->out, s->id);
			RAW(r, "/cancel\"><input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
			html_attr(&r->out, r->csrf ? r->csrf : "");
			RAW(r, "\"><button type=\"submit\" class=\"button-secondary\" aria-label=\"");
			html_attr(&r->out, page_count_text(r, _(r, "Annuler la permanence n° %d"), s->id));
			RAW(r, "\">");
			html_txt(&r->out, _(r, "Annuler"));
			RAW(r, "</button></form>");
		}
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
}

static int may_publish_somewhere(req *r)
{
	return is_role(r, "admin") || is_role(r, "manager") || is_role(r, "operator");
}

int page_appt_slots(req *r)
{
	if (!page_require_login(r))
		return 0;
	const store_user *u = &r->session->user;
	char **deps = NULL;
	size_t ndeps = 0;
	store_appt_slot_filter f = {.after = now_s()};
	if (is_role(r, "operator")) {
		if (referent_deps(r, &deps, &ndeps) != 0)
			return server_error(r);
		f.operator_code = u->operator_code;
		f.deps = dep_list(r, deps, ndeps);
	} else if (is_role(r, "coordinator")) {
		f.departement = u->departement;
	} else if (!is_role(r, "admin")) {
		f.site_ids = site_list(r, u);
	}
	store_appt_slot *v = NULL;
	size_t n = 0;
	if (store_appt_slot_list(r->app->store, r->arena, &f, &v, &n) != STORE_OK)
		return server_error(r);
	ui_page_begin(r, _(r, "Permanences des opérateurs"));
	const char *done = http_query(r, "done");
	if (str_eq(done, "created"))
		ui_notice(r, "success", _(r, "La permanence est publiée."));
	else if (str_eq(done, "cancelled"))
		ui_notice(
		    r, "success",
		    _(r,
		      "La permanence est annulée ; ses rendez-vous à venir sont annulés et les conseillers "
		      "prévenus."));
	RAW(r, "<p>");
	html_txt(&r->out, _(r, "Les créneaux où les experts des opérateurs reçoivent, en cours ou à venir."));
	RAW(r, "</p>\n<p>");
	if (may_publish_somewhere(r)) {
		RAW(r, "<a href=\"/appointments/slots/new\">");
		html_txt(&r->out, _(r, "Publier une permanence"));
		RAW(r, "</a> · ");
	}
	RAW(r, "<a href=\"/appointments\">");
	html_txt(&r->out, _(r, "Rendez-vous"));
	RAW(r, "</a></p>\n");
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Aucune permanence."));
		RAW(r, "</p>\n");
	} else {
		slots_table(r, v, n, deps, ndeps);
	}
	ui_page_end(r);
	return 0;
}

/* The sites where the user may publish, and the operators. */
typedef struct slot_choices {
	store_site *sites;
	size_t nsites;
	store_operator *ops;
	size_t nops;
	char **deps;
	size_t ndeps;
	store_user *referents;
	size_t nreferents;
} slot_choices;

static int slot_choices_load(req *r, slot_choices *c)
{
	const store_user *u = &r->session->user;
	memset(c, 0, sizeof *c);
	store_site *all = NULL;
	size_t nall = 0;
	if (store_site_list(r->app->store, r->arena, NULL, &all, &nall) != STORE_OK)
		return -1;
	if (is_role(r, "operator") && referent_deps(r, &c->deps, &c->ndeps) != 0)
		return -1;
	c->sites = arena_alloc(r->arena, (nall + 1) * sizeof *c->sites);
	if (!c->sites)
		return -1;
	for (size_t i = 0; i < nall; i++) {
		int ok = is_role(r, "operator")
		             ? appointment_may_publish(u, all[i].id, all[i].departement, u->operator_code,
		                                       c->deps, c->ndeps)
		             : appointment_may_publish(u, all[i].id, all[i].departement, "", NULL, 0);
		if (ok)
			c->sites[c->nsites++] = all[i];
	}
	if (store_operator_list(r->app->store, r->arena, 1, &c->ops, &c->nops) != STORE_OK)
		return -1;
	store_user *users = NULL;
	size_t nusers = 0;
	if (store_user_list(r->app->store, r->arena, 0, &users, &nusers) != STORE_OK)
		return -1;
	c->referents = arena_alloc(r->arena, (nusers + 1) * sizeof *c->referents);
	if (!c->referents)
		return -1;
	for (size_t i = 0; i < nusers; i++)
		if (str_eq(users[i].role, "operator") && users[i].active &&
		    (!is_role(r, "operator") || str_eq(users[i].operator_code, u->operator_code)))
			c->referents[c->nreferents++] = users[i];
	return 0;
}

static void slot_form(req *r, const slot_choices *c, const ui_errors *e)
{
	const store_user *u = &r->session->user;
	ui_page_begin(r, _(r, "Publier une permanence"));
	ui_error_summary(r, e);
	if (c->nsites == 0) {
		ui_notice(r, "info", _(r, "Aucun lieu où vous pouvez publier une permanence."));
		ui_page_end(r);
		return;
	}
	ui_form_begin(r, "/appointments/slots");
	ui_option *so = arena_alloc(r->arena, (c->nsites + 1) * sizeof *so);
	for (size_t i = 0; so && i < c->nsites; i++) {
		so[i].value = page_int_text(r, c->sites[i].id);
		so[i].label = c->sites[i].name;
	}
	ui_field fs = {
	    .name = "site_id", .label = _(r, "Lieu"), .value = page_field(r, "site_id"), .required = 1};
	if (so)
		ui_select(r, &fs, so, c->nsites, e);
	if (is_role(r, "operator")) {
		RAW(r, "<input type=\"hidden\" name=\"operator_code\" value=\"");
		html_attr(&r->out, u->operator_code);
		RAW(r, "\">\n");
	} else {
		ui_option *oo = arena_alloc(r->arena, (c->nops + 1) * sizeof *oo);
		for (size_t i = 0; oo && i < c->nops; i++) {
			oo[i].value = c->ops[i].code;
			oo[i].label = c->ops[i].name;
		}
		ui_field fo = {.name = "operator_code",
		               .label = _(r, "Opérateur"),
		               .value = page_field(r, "operator_code"),
		               .required = 1};
		if (oo)
			ui_select(r, &fo, oo, c->nops, e);
	}
	ui_option mo[4];
	for (size_t i = 0; i < 4; i++) {
		mo[i].value = appointment_modes[i];
		mo[i].label = _(r, appointment_mode_label(appointment_modes[i]));
	}
	const char *mode = page_field(r, "mode");
	ui_radios(r, "mode", _(r, "Forme du rendez-vous"), mo, 4, *mode ? mode : "sur_place", e);
	ui_field fd = {.name = "date",
	               .label = _(r, "Date"),
	               .value = page_field(r, "date"),
	               .type = "date",
	               .required = 1};
	ui_input(r, &fd, e);
	ui_field ft = {.name = "time",
	               .label = _(r, "Heure"),
	               .value = page_field(r, "time"),
	               .type = "time",
	               .required = 1};
	ui_input(r, &ft, e);
	const char *dur = page_field(r, "duration_min");
	ui_field fdu = {.name = "duration_min",
	                .label = _(r, "Durée d'un rendez-vous (minutes)"),
	                .value = *dur ? dur : "30",
	                .type = "number",
	                .required = 1};
	ui_input(r, &fdu, e);
	const char *cap = page_field(r, "capacity");
	ui_field fc = {.name = "capacity",
	               .label = _(r, "Nombre de places"),
	               .hint = _(r, "Combien de personnes l'expert reçoit à cette heure-là, de 1 à 50."),
	               .value = *cap ? cap : "1",
	               .type = "number",
	               .required = 1};
	ui_input(r, &fc, e);
	ui_field fr = {.name = "repeat_until",
	               .label = _(r, "Répéter chaque semaine jusqu'au (facultatif)"),
	               .hint = _(r, "Laissez vide pour une seule date."),
	               .value = page_field(r, "repeat_until"),
	               .type = "date"};
	ui_input(r, &fr, e);
	ui_option *ro = arena_alloc(r->arena, (c->nreferents + 1) * sizeof *ro);
	if (ro) {
		ro[0].value = "";
		ro[0].label = _(r, "Aucun référent nommé");
		for (size_t i = 0; i < c->nreferents; i++) {
			ro[i + 1].value = page_int_text(r, c->referents[i].id);
			ro[i + 1].label = arena_printf(r->arena, "%s (%s)", c->referents[i].name,
			                               c->referents[i].operator_code);
		}
		const char *ref = page_field(r, "referent_id");
		ui_field fre = {.name = "referent_id",
		                .label = _(r, "Référent qui tient la permanence (facultatif)"),
		                .value = e ? ref : (is_role(r, "operator") ? page_int_text(r, u->id) : "")};
		ui_select(r, &fre, ro, c->nreferents + 1, e);
	}
	ui_field fp = {
	    .name = "place",
	    .label = _(r, "Où ou comment (facultatif)"),
	    .hint =
	        _(r, "Imprimé sur la convocation, par exemple « bureau 2 » ou « l'expert vous appelle »."),
	    .value = page_field(r, "place")};
	ui_input(r, &fp, e);
	ui_submit(r, _(r, "Publier"));
	ui_form_end(r);
	ui_page_end(r);
}

int page_appt_slot_new(req *r)
{
	if (!page_require_login(r) ||
	    !page_require_role(r, ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_OPERATOR)))
		return 0;
	slot_choices c;
	if (slot_choices_load(r, &c) != 0)
		return server_error(r);
	slot_form(r, &c, NULL);
	return 0;
}

int page_appt_slot_create(req *r)
{
	if (!page_require_login(r) ||
	    !page_require_role(r, ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_OPERATOR)) ||
	    !page_require_form(r))
		return 0;
	const store_user *u = &r->session->user;
	slot_choices c;
	if (slot_choices_load(r, &c) != 0)
		return server_error(r);
	field_errors e = {0};
	store_appt_slot x = {0};
	int64_t site_id = 0;
	const store_site *site = NULL;
	if (parse_int64(page_field(r, "site_id"), 1, INT64_MAX, &site_id) == 0)
		for (size_t i = 0; i < c.nsites; i++)
			if (c.sites[i].id == site_id)
				site = &c.sites[i];
	if (!site)
		field_error_add(&e, "site_id", N_("Choisissez un lieu."));
	x.operator_code = arena_strdup(r->arena, is_role(r, "operator") ? u->operator_code
	                                                                : page_field(r, "operator_code"));
	int op_ok = 0;
	for (size_t i = 0; x.operator_code && i < c.nops; i++)
		op_ok |= str_eq(c.ops[i].code, x.operator_code);
	if (!op_ok)
		field_error_add(&e, "operator_code", N_("Choisissez un opérateur."));
	x.mode = arena_strdup(r->arena, page_field(r, "mode"));
	if (time_parse_local(page_field(r, "date"), page_field(r, "time"), &x.starts_at) != 0)
		x.starts_at = 0;
	if (parse_int64(page_field(r, "duration_min"), 0, 10000, &x.duration_min) != 0)
		x.duration_min = 0;
	if (parse_int64(page_field(r, "capacity"), 0, 10000, &x.capacity) != 0)
		x.capacity = 0;
	const char *until = page_field(r, "repeat_until");
	if (*until && x.starts_at) {
		char hm[6];
		time_local_hm(x.starts_at, hm);
		if (time_parse_local(until, hm, &x.repeat_until) != 0)
			field_error_add(&e, "repeat_until",
			                N_("La date de fin n'est pas valide, par exemple 2027-06-30."));
	}
	const char *ref = page_field(r, "referent_id");
	if (*ref) {
		int ok = 0;
		if (parse_int64(ref, 1, INT64_MAX, &x.referent_id) == 0)
			for (size_t i = 0; i < c.nreferents; i++)
				ok |= c.referents[i].id == x.referent_id &&
				      str_eq(c.referents[i].operator_code, x.operator_code);
		if (!ok)
			field_error_add(&e, "referent_id", N_("Choisissez un référent de cet opérateur."));
	}
	x.place = arena_strdup(r->arena, page_field(r, "place"));
	if (!x.mode || !x.place)
		return server_error(r);
	field_errors more = {0};
	appointment_slot_validate(&x, now_s(), &more);
	page_merge_errors(&e, &more, NULL);
	if (site && !e.n &&
	    !appointment_may_publish(u, site->id, site->departement, x.operator_code, c.deps, c.ndeps))
		field_error_add(&e, "site_id",
		                N_("Vous ne pouvez pas publier de permanence de cet opérateur à ce lieu."));
	if (e.n || !site) {
		http_status(r, 400);
		slot_form(r, &c, &e);
		return 0;
	}
	x.site_id = site->id;
	x.created_by = u->id;
	int rc = store_appt_slot_insert(r->app->store, &x, now_s());
	return page_stored(r, rc, "create", "appointment_slot", x.id, x.site_id, NULL,
	                   "/appointments/slots?done=created");
}

int page_appt_slot_cancel(req *r)
{
	if (!page_require_login(r) || !page_require_form(r))
		return 0;
	int64_t id;
	store_appt_slot s;
	if (page_path_id(r, &id) != 0 || store_appt_slot_get(r->app->store, r->arena, id, &s) != STORE_OK)
		return page_not_found(r);
	char **deps = NULL;
	size_t ndeps = 0;
	if (is_role(r, "operator") && referent_deps(r, &deps, &ndeps) != 0)
		return server_error(r);
	if (!appointment_may_publish(&r->session->user, s.site_id, s.site_departement, s.operator_code, deps,
	                             ndeps)) {
		ui_error_page(r, 403,
		              N_("Seuls le responsable du lieu et les référents de l'opérateur annulent une "
		                 "permanence."));
		return 0;
	}
	int rc = app_appointment_slot_cancel(r->app, id, r->session->user.id, now_s());
	if (rc == STORE_CONFLICT) {
		ui_error_page(r, 409, N_("Cette permanence est déjà annulée."));
		return 0;
	}
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	return page_stored(r, rc, "delete", "appointment_slot", id, s.site_id, NULL,
	                   "/appointments/slots?done=cancelled");
}

/* ---- Booking from a demand. */

/* The demand of the path with its visit and site, if the user sees it
 * (else 404) and may book for it (else 403). */
static int load_demand(req *r, store_visit *visit, store_site *site, const store_demand **d)
{
	if (page_load_demand(r, visit, site, d) != 0)
		return -1;
	if (!appointment_may_book(&r->session->user, visit->site_id)) {
		ui_error_page(r, 403,
		              N_("Seuls les conseillers du lieu prennent un rendez-vous pour ses demandes."));
		return -1;
	}
	return 0;
}

/* The slots a demand may be booked in: its operator's, in its site's
 * département. */
static void demand_filter(const store_demand *d, const store_site *site, int64_t now,
                          store_appt_slot_filter *f)
{
	memset(f, 0, sizeof *f);
	f->after = now;
	f->departement = site->departement;
	f->operator_code = d->operator_code && *d->operator_code ? d->operator_code : NULL;
}

typedef struct free_choice {
	const store_appt_slot *slot;
	int64_t start, free;
} free_choice;

static size_t free_choices(req *r, const store_demand *d, const store_site *site, free_choice **out)
{
	int64_t now = now_s();
	store_appt_slot_filter f;
	demand_filter(d, site, now, &f);
	store_appt_slot *slots = NULL;
	store_appt_taken *taken = NULL;
	size_t ns = 0, nt = 0, n = 0;
	*out = arena_alloc(r->arena, BOOK_MAX_CHOICES * sizeof **out);
	if (!*out || store_appt_slot_list(r->app->store, r->arena, &f, &slots, &ns) != STORE_OK ||
	    store_appt_taken_list(r->app->store, r->arena, &f, &taken, &nt) != STORE_OK)
		return 0;
	int64_t starts[APPOINTMENT_MAX_WEEKS + 1];
	for (size_t i = 0; i < ns && n < BOOK_MAX_CHOICES; i++) {
		size_t k = appointment_occurrences(
		    &slots[i], now, now + (int64_t)APPOINTMENT_HORIZON_DAYS * 86400, starts, COUNT(starts));
		for (size_t j = 0; j < k && n < BOOK_MAX_CHOICES; j++) {
			int64_t used = 0;
			for (size_t t = 0; t < nt; t++)
				if (taken[t].slot_id == slots[i].id && taken[t].starts_at == starts[j])
					used = taken[t].n;
			if (used >= slots[i].capacity)
				continue;
			(*out)[n++] = (free_choice){&slots[i], starts[j], slots[i].capacity - used};
		}
	}
	/* By date, whichever slot they come from. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && (*out)[j].start < (*out)[j - 1].start; j--) {
			free_choice t = (*out)[j];
			(*out)[j] = (*out)[j - 1];
			(*out)[j - 1] = t;
		}
	return n;
}

static void book_form(req *r, const store_demand *d, const store_site *site, const ui_errors *e)
{
	free_choice *c = NULL;
	size_t n = free_choices(r, d, site, &c);
	ui_page_begin(r, _(r, "Prendre un rendez-vous avec un expert"));
	ui_error_summary(r, e);
	RAW(r, "<dl class=\"details\">\n");
	store_operator op;
	ui_dl_item_fr(r, _(r, "Opérateur"),
	              store_operator_get_kept(r->app->store, r->arena, d->operator_code, &op) == STORE_OK
	                  ? op.name
	                  : d->operator_code);
	ui_dl_item(r, _(r, "Lieu"), site->name);
	RAW(r, "</dl>\n");
	if (n == 0) {
		ui_notice(r, "info",
		          _(r, "Aucune place libre dans les permanences de cet opérateur pour le moment."));
		RAW(r, "<p><a href=\"/visits/");
		html_int(&r->out, d->visit_id);
		RAW(r, "\">");
		html_txt(&r->out, _(r, "Retour à la visite"));
		RAW(r, "</a></p>\n");
		ui_page_end(r);
		return;
	}
	RAW(r, "<form method=\"post\" action=\"/demands/");
	html_int(&r->out, d->id);
	RAW(r, "/appointment\" novalidate>\n<input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(&r->out, r->csrf ? r->csrf : "");
	RAW(r, "\">\n");
	ui_option *o = arena_alloc(r->arena, n * sizeof *o);
	if (!o) {
		ui_page_end(r);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		o[i].value =
		    arena_printf(r->arena, "%lld-%lld", (long long)c[i].slot->id, (long long)c[i].start);
		o[i].label = arena_printf(r->arena, "%s — %s, %s (%s) — %s", page_when_text(r, c[i].start),
		                          c[i].slot->operator_name, c[i].slot->site_name,
		                          _(r, appointment_mode_label(c[i].slot->mode)),
		                          page_count_text(r, _(r, "places libres : %d"), c[i].free));
	}
	ui_radios(r, "occurrence", _(r, "Date et heure"), o, n, page_field(r, "occurrence"), e);
	ui_field fp = {.name = "phone",
	               .label = _(r, "Téléphone de la personne (facultatif)"),
	               .hint =
	                   _(r, "Seulement si elle le donne, pour le rappel. Effacé après le rendez-vous."),
	               .value = page_field(r, "phone"),
	               .type = "tel",
	               .autocomplete = "off"};
	ui_input(r, &fp, e);
	ui_field fe = {.name = "email",
	               .label = _(r, "Adresse e-mail de la personne (facultatif)"),
	               .hint =
	                   _(r, "Seulement si elle la donne, pour le rappel. Effacée après le rendez-vous."),
	               .value = page_field(r, "email"),
	               .type = "email",
	               .autocomplete = "off"};
	ui_input(r, &fe, e);
	const char *lang_err = e ? field_error_for(e, "lang") : NULL;
	RAW(r, lang_err ? "<div class=\"field field-error\">\n" : "<div class=\"field\">\n");
	if (lang_err)
		ui_field_error(r, "lang", lang_err);
	const char *l = page_field(r, "lang");
	web_public_lang_select(r, "lang", _(r, "Langue de la personne (convocation et rappel)"),
	                       web_public_lang_named(*l ? l : NULL));
	RAW(r, "</div>\n");
	ui_field fb = {.name = "to_bring",
	               .label = _(r, "Papiers à apporter (facultatif)"),
	               .hint = _(r, "Imprimé sur la convocation, en français. 500 caractères au plus."),
	               .value = page_field(r, "to_bring")};
	ui_textarea(r, &fb, e);
	ui_submit(r, _(r, "Réserver"));
	RAW(r, "</form>\n<p><a href=\"/visits/");
	html_int(&r->out, d->visit_id);
	RAW(r, "\">");
	html_txt(&r->out, _(r, "Retour à la visite"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
}

int page_appt_book_form(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_visit visit;
	store_site site;
	const store_demand *d;
	if (load_demand(r, &visit, &site, &d) != 0)
		return 0;
	book_form(r, d, &site, NULL);
	return 0;
}

int page_appt_book(req *r)
{
	if (!page_require_login(r) || !page_require_form(r))
		return 0;
	store_visit visit;
	store_site site;
	const store_demand *d;
	if (load_demand(r, &visit, &site, &d) != 0)
		return 0;
	int64_t now = now_s();
	field_errors e = {0};
	store_appt x = {0};
	store_appt_slot slot;
	long long sid = 0, start = 0;
	char tail = 0;
	const char *occ = page_field(r, "occurrence");
	int found = sscanf(occ, "%lld-%lld%c", &sid, &start, &tail) == 2 && sid > 0 &&
	            store_appt_slot_get(r->app->store, r->arena, sid, &slot) == STORE_OK;
	/* The slot must be one this demand may be booked in, still offered,
	 * and the time one of its occurrences to come. */
	if (!found || slot.cancelled_at || !str_eq(slot.site_departement, site.departement) ||
	    (*d->operator_code && !str_eq(slot.operator_code, d->operator_code)) ||
	    !appointment_is_occurrence(&slot, start) || start <= now)
		field_error_add(&e, "occurrence",
		                N_("Choisissez une date et une heure parmi les places libres."));
	char phone[SITE_PHONE_SIZE];
	snprintf(phone, sizeof phone, "%s", page_field(r, "phone"));
	x.email = arena_strdup(r->arena, page_field(r, "email"));
	x.to_bring = arena_strdup(r->arena, page_field(r, "to_bring"));
	const lang *l = i18n_find_public(page_field(r, "lang"));
	if (!x.email || !x.to_bring)
		return server_error(r);
	if (strlen(page_field(r, "phone")) >= sizeof phone)
		field_error_add(&e, "phone",
		                N_("Le numéro de téléphone n'est pas valide, par exemple 06 12 34 56 78."));
	field_errors more = {0};
	appointment_contact_validate(phone, sizeof phone, x.email, l != NULL, x.to_bring, &more);
	page_merge_errors(&e, &more, NULL);
	if (e.n || !l) {
		http_status(r, 400);
		book_form(r, d, &site, &e);
		return 0;
	}
	x.slot_id = sid;
	x.starts_at = start;
	x.demand_id = d->id;
	x.phone = phone;
	x.lang = (char *)l->code;
	x.booked_by = r->session->user.id;
	int rc = app_appointment_book(r->app, &x, now);
	if (rc == STORE_CONFLICT) {
		field_error_add(&e, "occurrence",
		                N_("Cette place vient d'être prise : choisissez-en une autre."));
		http_status(r, 409);
		book_form(r, d, &site, &e);
		return 0;
	}
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	return page_stored(r, rc, "create", "appointment", x.id, visit.site_id, NULL,
	                   arena_printf(r->arena, "/appointments/%lld?done=booked", (long long)x.id));
}

/* ---- An appointment's page. */

static void status_form(req *r, const store_appt *x, int64_t now)
{
	if (is_role(r, "coordinator"))
		return;
	ui_option o[4];
	size_t n = 0;
	static const char *const targets[] = {"honore", "absent", "excuse", "annule"};
	for (size_t i = 0; i < COUNT(targets); i++)
		if (appointment_may_move(x->status, targets[i], x->starts_at, now)) {
			o[n].value = targets[i];
			o[n].label = _(r, appointment_status_label(targets[i]));
			n++;
		}
	if (n == 0)
		return;
	RAW(r, "<h2>");
	html_txt(&r->out, _(r, "Changer le statut"));
	RAW(r, "</h2>\n");
	ui_form_begin(r, arena_printf(r->arena, "/appointments/%lld", (long long)x->id));
	ui_radios(r, "status", _(r, "Nouveau statut"), o, n, NULL, NULL);
	ui_submit(r, _(r, "Enregistrer le statut"));
	ui_form_end(r);
}

int page_appt_show(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_appt x;
	if (load(r, &x) != 0)
		return 0;
	int64_t now = now_s();
	auth_audit(r, "read", "appointment", x.id, x.site_id, NULL);
	ui_page_begin(r, page_count_text(r, _(r, "Rendez-vous n° %d"), x.id));
	const char *done = http_query(r, "done");
	if (str_eq(done, "booked"))
		ui_notice(r, "success", _(r, "Le rendez-vous est réservé."));
	else if (str_eq(done, "status"))
		ui_notice(r, "success", _(r, "Modifications enregistrées."));
	RAW(r, "<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Statut"), _(r, appointment_status_label(x.status)));
	ui_dl_item(r, _(r, "Date et heure"), page_when_text(r, x.starts_at));
	ui_dl_item(r, _(r, "Durée"), page_count_text(r, _(r, "%d min"), x.slot.duration_min));
	ui_dl_item_fr(r, _(r, "Opérateur"), x.slot.operator_name);
	ui_dl_item(r, _(r, "Forme"), _(r, appointment_mode_label(x.slot.mode)));
	ui_dl_item_fr(r, _(r, "Lieu"), x.slot.site_name);
	if (*x.slot.place)
		ui_dl_item_fr(r, _(r, "Où ou comment"), x.slot.place);
	if (*x.slot.referent_name)
		ui_dl_item(r, _(r, "Référent"), x.slot.referent_name);
	if (x.contact_wiped_at)
		ui_dl_item(r, _(r, "Contact de la personne"), _(r, "effacé après le rendez-vous"));
	else {
		if (*x.phone)
			ui_dl_item(r, _(r, "Téléphone"), x.phone);
		if (*x.email)
			ui_dl_item(r, _(r, "Adresse e-mail"), x.email);
	}
	ui_dl_item(r, _(r, "Langue de la personne"), page_language_label(r, x.lang));
	if (*x.to_bring)
		ui_dl_item_fr(r, _(r, "Papiers à apporter"), x.to_bring);
	ui_dl_item(r, _(r, "Rappel"),
	           x.reminded_at ? page_when_text(r, x.reminded_at)
	           : app_appointments_can_remind(r->app, &x)
	               ? _(r, "envoyé 48 heures avant")
	               : _(r, "aucun : la personne n'a donné ni téléphone ni e-mail joignable"));
	RAW(r, "</dl>\n<p><a href=\"/appointments/");
	html_int(&r->out, x.id);
	RAW(r, "/slip\">");
	html_txt(&r->out, _(r, "Convocation à imprimer pour la personne"));
	RAW(r, "</a>");
	if (x.visit_id && auth_user_has_site(&r->session->user, x.site_id)) {
		RAW(r, " · <a href=\"/visits/");
		html_int(&r->out, x.visit_id);
		RAW(r, "\">");
		html_txt(&r->out, _(r, "Retour à la visite"));
		RAW(r, "</a>");
	}
	RAW(r, "</p>\n");
	status_form(r, &x, now);
	store_appt_event *ev = NULL;
	size_t n = 0;
	if (store_appt_events(r->app->store, r->arena, x.id, &ev, &n) == STORE_OK && n) {
		RAW(r, "<h2>");
		html_txt(&r->out, _(r, "Historique"));
		RAW(r, "</h2>\n<ol class=\"history\">\n");
		for (size_t i = 0; i < n; i++) {
			RAW(r, "<li>");
			html_txt(&r->out, page_when_text(r, ev[i].at));
			RAW(r, " — ");
			html_txt(&r->out, _(r, appointment_status_label(ev[i].status)));
			if (*ev[i].user_name) {
				RAW(r, " (");
				html_txt(&r->out, ev[i].user_name);
				RAW(r, ")");
			}
			RAW(r, "</li>\n");
		}
		RAW(r, "</ol>\n");
	}
	ui_page_end(r);
	return 0;
}

int page_appt_post(req *r)
{
	if (!page_require_login(r) || !page_require_form(r))
		return 0;
	store_appt x;
	if (load(r, &x) != 0)
		return 0;
	const char *to = page_field(r, "status");
	if (is_role(r, "coordinator") || !appointment_may_move(x.status, to, x.starts_at, now_s())) {
		ui_error_page(r, 409, N_("Ce changement de statut n'est pas possible maintenant."));
		return 0;
	}
	int rc = app_appointment_move(r->app, &x, to, r->session->user.id, now_s());
	if (rc == STORE_CONFLICT) {
		ui_error_page(r, 409, N_("Ce changement de statut n'est pas possible maintenant."));
		return 0;
	}
	return page_stored(r, rc, "update", "appointment", x.id, x.site_id, to,
	                   arena_printf(r->arena, "/appointments/%lld?done=status", (long long)x.id));
}

/* ---- The list and the calendar address. */

int page_appointments_list(req *r)
{
	if (!page_require_login(r))
		return 0;
	const store_user *u = &r->session->user;
	store_appt_filter f = {.after = now_s() - 86400};
	if (is_role(r, "admin")) {
		f.all = 1;
	} else if (is_role(r, "operator")) {
		char **deps;
		size_t n;
		if (referent_deps(r, &deps, &n) != 0)
			return server_error(r);
		f.referent_id = u->id;
		f.operator_code = u->operator_code;
		f.deps = dep_list(r, deps, n);
	} else if (is_role(r, "coordinator")) {
		store_site *sites = NULL;
		size_t ns = 0;
		if (store_site_list(r->app->store, r->arena, u->departement, &sites, &ns) != STORE_OK)
			return server_error(r);
		store_user tmp = {.nsites = ns,
		                  .site_ids = arena_alloc(r->arena, (ns + 1) * sizeof(int64_t))};
		if (!tmp.site_ids)
			tmp.nsites = 0;
		for (size_t i = 0; i < tmp.nsites; i++)
			tmp.site_ids[i] = sites[i].id;
		f.site_ids = site_list(r, &tmp);
	} else {
		f.site_ids = site_list(r, u);
	}
	store_appt *v = NULL;
	size_t n = 0;
	if (store_appt_list(r->app->store, r->arena, &f, &v, &n) != STORE_OK)
		return server_error(r);
	char token[65];
	if (store_appt_feed_token(r->app->store, u->id, token) != STORE_OK)
		return server_error(r);
	ui_page_begin(r, _(r, "Rendez-vous avec les experts"));
	if (http_query(r, "feed"))
		ui_notice(r, "success",
		          _(r, "Une nouvelle adresse de calendrier est créée ; l'ancienne ne marche plus."));
	RAW(r, "<p><a href=\"/appointments/slots\">");
	html_txt(&r->out, _(r, "Permanences des opérateurs"));
	RAW(r, "</a></p>\n");
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Aucun rendez-vous à venir."));
		RAW(r, "</p>\n");
	} else {
		ui_table_begin(r, NULL, _(r, "Rendez-vous à venir"));
		ui_th(r, _(r, "Date et heure"));
		ui_th(r, _(r, "Opérateur"));
		ui_th(r, _(r, "Lieu"));
		ui_th(r, _(r, "Forme"));
		ui_th(r, _(r, "Statut"));
		ui_table_body(r);
		for (size_t i = 0; i < n; i++) {
			RAW(r, "<tr><td><a href=\"/appointments/");
			html_int(&r->out, v[i].id);
			RAW(r, "\">");
			html_txt(&r->out, page_when_text(r, v[i].starts_at));
			RAW(r, "</a></td><td");
			ui_attr_lang_fr(r);
			RAW(r, ">");
			html_txt(&r->out, v[i].slot.operator_name);
			RAW(r, "</td><td");
			ui_attr_lang_fr(r);
			RAW(r, ">");
			html_txt(&r->out, v[i].slot.site_name);
			RAW(r, "</td><td>");
			mode_text(r, v[i].slot.mode);
			RAW(r, "</td><td>");
			html_txt(&r->out, _(r, appointment_status_label(v[i].status)));
			RAW(r, "</td></tr>\n");
		}
		ui_table_end(r);
	}
	RAW(r, "<h2>");
	html_txt(&r->out, _(r, "Mon calendrier"));
	RAW(r, "</h2>\n<p>");
	html_txt(&r->out,
	         _(r, "Les rendez-vous des permanences que vous tenez, dans votre agenda (format iCalendar). "
	              "Cette adresse est secrète : ne la partagez pas."));
	RAW(r, "</p>\n");
	if (*token) {
		const char *path = arena_printf(r->arena, "/appointments/feed/%s.ics", token);
		const char *base =
		    r->app->cfg->public_url && *r->app->cfg->public_url ? r->app->cfg->public_url : "";
		RAW(r, "<p><label for=\"feed-url\">");
		html_txt(&r->out, _(r, "Adresse du calendrier"));
		RAW(r, "</label><br><input type=\"text\" readonly class=\"feed-url\" id=\"feed-url\" "
		       "dir=\"ltr\" value=\"");
		html_attr(&r->out, base);
		html_attr(&r->out, path ? path : "");
		RAW(r, "\"></p>\n");
	}
	ui_form_begin(r, "/appointments/feed");
	ui_submit(r,
	          *token ? _(r, "Remplacer l'adresse du calendrier") : _(r, "Créer l'adresse du calendrier"));
	ui_form_end(r);
	ui_page_end(r);
	return 0;
}

int page_appointments_feed_post(req *r)
{
	if (!page_require_login(r) || !page_require_form(r))
		return 0;
	unsigned char rnd[32];
	char token[65];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(token, sizeof token, rnd, sizeof rnd);
	int rc = store_appt_feed_set(r->app->store, r->session->user.id, token, now_s());
	return page_stored(r, rc, "update", "appointment_feed", r->session->user.id, 0, NULL,
	                   "/appointments?feed=1");
}

int page_appointments_feed(req *r)
{
	const char *p = http_param(r, 0);
	char token[65];
	size_t len = p ? strlen(p) : 0;
	if (len != 68 || strcmp(p + 64, ".ics") != 0 || strspn(p, "0123456789abcdef") != 64)
		return page_not_found(r);
	memcpy(token, p, 64);
	token[64] = '\0';
	int64_t user_id = 0;
	int rc = store_appt_feed_user(r->app->store, token, &user_id);
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r);
	store_appt *v = NULL;
	size_t n = 0;
	int64_t now = now_s();
	if (rc != STORE_OK ||
	    store_appt_feed(r->app->store, r->arena, user_id, now - (int64_t)30 * 86400, &v, &n) != STORE_OK)
		return server_error(r);
	buf_reset(&r->out);
	const lang *fr = i18n_default();
	const char *base = r->app->cfg->public_url && *r->app->cfg->public_url ? r->app->cfg->public_url : "";
	appointment_ics_begin(&r->out, "Guichet");
	for (size_t i = 0; i < n; i++) {
		const store_appt *x = &v[i];
		const char *summary =
		    arena_printf(r->arena, "%s — %s (%s)", i18n_text(fr, "Rendez-vous"),
		                 x->slot.operator_name, i18n_text(fr, appointment_mode_label(x->slot.mode)));
		const char *where =
		    arena_printf(r->arena, "%s%s%s%s%s", x->slot.site_name, *x->slot.site_address ? ", " : "",
		                 x->slot.site_address, *x->slot.place ? " — " : "", x->slot.place);
		const char *link = arena_printf(r->arena, "%s/appointments/%lld", base, (long long)x->id);
		appointment_ics_event ev = {.id = x->id,
		                            .stamp = x->updated_at,
		                            .start = x->starts_at,
		                            .end = x->starts_at + x->slot.duration_min * 60,
		                            .summary = summary ? summary : "",
		                            .location = where ? where : "",
		                            .url = *base && link ? link : "",
		                            .cancelled = 0};
		appointment_ics_add(&r->out, &ev);
	}
	appointment_ics_end(&r->out);
	if (r->out.overflow)
		return server_error(r);
	http_content_type(r, "text/calendar; charset=utf-8");
	http_set_header(r, "Cache-Control", "private, no-store");
	return 0;
}

/* ---- The slip. */

#define PICTO_LINE 40

static void slip_line(req *r, const char *picto, const char *label, const char *value, int value_fr)
{
	RAW(r, "<p class=\"th-line\">");
	web_picto(r, picto, PICTO_LINE, "picto");
	RAW(r, "<span>");
	if (label) {
		RAW(r, "<strong>");
		html_txt(&r->out, label);
		RAW(r, "</strong> ");
	}
	if (value) {
		if (value_fr && !str_eq(r->lang->code, "fr"))
			RAW(r, r->lang->rtl ? "<span lang=\"fr\" dir=\"ltr\">" : "<span lang=\"fr\">");
		else
			RAW(r, "<span dir=\"auto\">");
		html_txt(&r->out, value);
		RAW(r, "</span>");
	}
	RAW(r, "</span></p>\n");
}

static void radio(req *r, const char *name, const char *value, const char *label, int checked)
{
	RAW(r, "<span class=\"radio\"><input type=\"radio\" name=\"");
	html_attr(&r->out, name);
	RAW(r, "\" id=\"slip-");
	html_attr(&r->out, value);
	RAW(r, "\" value=\"");
	html_attr(&r->out, value);
	RAW(r, checked ? "\" checked>" : "\">");
	RAW(r, "<label for=\"slip-");
	html_attr(&r->out, value);
	RAW(r, "\">");
	html_txt(&r->out, label);
	RAW(r, "</label></span>\n");
}

int page_appt_slip(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_appt x;
	if (load(r, &x) != 0)
		return 0;
	const lang *staff = r->lang ? r->lang : i18n_default();
	int f = takehome_format_parse(http_query(r, "format"));
	if (f < 0) {
		ui_error_page(
		    r, 400,
		    "Format inconnu : la convocation s'imprime en a4 ou en receipt (ticket de 80 mm).");
		return 0;
	}
	const char *arg = http_query(r, "lang");
	const lang *person = arg && *arg ? i18n_find_public(arg) : i18n_find_public(x.lang);
	if (!person && !(arg && *arg))
		person = i18n_default();
	if (!person) {
		ui_error_page(
		    r, 400,
		    "Langue inconnue : choisissez une des langues proposées sur la page de la convocation.");
		return 0;
	}
	http_set_header(r, "Cache-Control", "no-store");
	r->lang = person;
	web_public_site_fixes(r, x.slot.site_id);
	static const char *const a4_styles[] = {"/static/takehome.css", NULL};
	static const char *const receipt_styles[] = {"/static/takehome.css", "/static/takehome-receipt.css",
	                                             NULL};
	static const char *const scripts[] = {"/static/takehome.js", NULL};
	web_public_page pg = {
	    .title = P_(r, "Votre rendez-vous"),
	    .styles = f == TAKEHOME_RECEIPT ? receipt_styles : a4_styles,
	    .scripts = scripts,
	    .body_class = f == TAKEHOME_RECEIPT ? "takehome takehome-receipt" : "takehome takehome-a4",
	};
	web_public_begin(r, &pg);
	/* The adviser's controls, in the adviser's language, never printed. */
	RAW(r, "<div class=\"th-controls\" lang=\"");
	html_attr(&r->out, staff->code);
	RAW(r, staff->rtl ? "\" dir=\"rtl\">\n" : "\" dir=\"ltr\">\n");
	RAW(r, "<p><a href=\"/appointments/");
	html_int(&r->out, x.id);
	RAW(r, "\">");
	html_txt(&r->out, i18n_text(staff, "Retour au rendez-vous"));
	RAW(r, "</a></p>\n<form method=\"get\" action=\"/appointments/");
	html_int(&r->out, x.id);
	RAW(r, "/slip\" class=\"th-form\">\n<input type=\"hidden\" name=\"lang\" value=\"");
	html_attr(&r->out, person->code);
	RAW(r, "\">\n<fieldset><legend>");
	html_txt(&r->out, i18n_text(staff, "Impression"));
	RAW(r, "</legend>\n");
	radio(r, "format", "a4", i18n_text(staff, "Feuille A4"), f == TAKEHOME_A4);
	radio(r, "format", "receipt", i18n_text(staff, "Ticket de caisse (80 mm)"), f == TAKEHOME_RECEIPT);
	RAW(r, "</fieldset>\n<p><button type=\"submit\" class=\"button-secondary\">");
	html_txt(&r->out, i18n_text(staff, "Afficher"));
	RAW(r, "</button> <button type=\"button\" class=\"button\" data-print hidden>");
	html_txt(&r->out, i18n_text(staff, "Imprimer"));
	RAW(r, "</button></p>\n</form>\n</div>\n");
	web_public_lang_choice(r,
	                       arena_printf(r->arena, "/appointments/%lld/slip?lang={lang}&format=%s",
	                                    (long long)x.id, takehome_format_code((takehome_format)f)),
	                       NULL);

	time_t tt = (time_t)x.starts_at;
	struct tm tm;
	localtime_r(&tt, &tm);
	const char *day = takehome_weekday(tm.tm_wday == 0 ? 7 : tm.tm_wday);
	const char *when = arena_printf(r->arena, "%s %02d/%02d/%04d — %02d:%02d", day ? P_(r, day) : "",
	                                tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
	RAW(r, "<div class=\"th-sheet\">\n");
	RAW(r, "<p class=\"th-line\">");
	web_picto(r, "1F4C5", PICTO_LINE, "picto");
	RAW(r, "<span><strong>");
	html_txt(&r->out, P_(r, "Quand :"));
	RAW(r, "</strong> <span dir=\"ltr\">");
	html_txt(&r->out, when ? when : "");
	RAW(r, "</span></span></p>\n");
	slip_line(r, "1F91D", P_(r, "Avec qui :"), x.slot.operator_name, 1);
	int at_site = str_eq(x.slot.mode, "sur_place");
	const char *mode_picto = str_eq(x.slot.mode, "telephone") ? "1F4DE"
	                         : str_eq(x.slot.mode, "visio")   ? "1F4BB"
	                                                          : "1F3E0";
	slip_line(r, mode_picto, P_(r, appointment_mode_public(x.slot.mode)), NULL, 0);
	if (at_site || str_eq(x.slot.mode, "visio") || *x.slot.place) {
		const char *where = at_site
		                        ? arena_printf(r->arena, "%s%s%s%s%s", x.slot.site_name,
		                                       *x.slot.site_address ? ", " : "", x.slot.site_address,
		                                       *x.slot.place ? " — " : "", x.slot.place)
		                        : x.slot.place;
		if (where && *where)
			slip_line(r, "1F4CD", P_(r, "Où :"), where, 1);
	}
	slip_line(r, "1F4C4", P_(r, "À apporter :"), NULL, 0);
	RAW(r, "<p class=\"th-line\"><span>");
	html_txt(&r->out, P_(r, "Votre pièce d'identité et les papiers de votre dossier."));
	RAW(r, "</span></p>\n");
	if (*x.to_bring) {
		RAW(r, "<p class=\"th-line\"");
		if (!str_eq(r->lang->code, "fr"))
			RAW(r, r->lang->rtl ? " lang=\"fr\" dir=\"ltr\"" : " lang=\"fr\"");
		RAW(r, "><span>");
		html_txt(&r->out, x.to_bring);
		RAW(r, "</span></p>\n");
	}
	/* The reminder is promised only when it can reach her. */
	if (app_appointments_can_remind(r->app, &x) && str_eq(x.status, "a_venir"))
		slip_line(r, "1F514", P_(r, "Nous vous enverrons un rappel deux jours avant."), NULL, 0);
	slip_line(r, "26A0", P_(r, "Si vous ne pouvez pas venir, prévenez-nous."), NULL, 0);
	if (!str_eq(r->lang->code, "fr")) {
		RAW(r, "<p class=\"th-note\">");
		html_txt(&r->out,
		         P_(r, "Les noms des démarches et des documents sont écrits en français, comme sur "
		               "les papiers officiels."));
		RAW(r, "</p>\n");
	}
	RAW(r, "</div>\n");
	web_public_end(r);
	return 0;
}

/* ---- The block of a demand on its visit's page. */

void page_appointment_on_demand(req *r, const store_demand *d)
{
	if (!d || !r->session)
		return;
	store_appt *v = NULL;
	size_t n = 0;
	if (store_appt_of_demand(r->app->store, r->arena, d->id, &v, &n) != STORE_OK)
		return;
	int may = appointment_may_book(&r->session->user, d->site_id);
	if (n == 0 && !may)
		return;
	RAW(r, "<div class=\"appointment-on-demand\">\n<h3>");
	html_txt(&r->out, _(r, "Rendez-vous avec un expert"));
	RAW(r, "</h3>\n");
	if (n) {
		RAW(r, "<ul>\n");
		for (size_t i = 0; i < n; i++) {
			RAW(r, "<li><a href=\"/appointments/");
			html_int(&r->out, v[i].id);
			RAW(r, "\">");
			html_txt(&r->out, page_when_text(r, v[i].starts_at));
			RAW(r, "</a> — ");
			html_txt(&r->out, _(r, appointment_status_label(v[i].status)));
			RAW(r, "</li>\n");
		}
		RAW(r, "</ul>\n");
	}
	if (may) {
		RAW(r, "<p><a href=\"/demands/");
		html_int(&r->out, d->id);
		RAW(r, "/appointment\">");
		html_txt(&r->out, _(r, "Prendre un rendez-vous avec un expert de l'opérateur"));
		RAW(r, "</a></p>\n");
	}
	RAW(r, "</div>\n");
}
