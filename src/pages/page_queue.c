/*
 * page_queue.c: the advisers' page of a site's waiting queue
 * (/sites/{id}/queue) and its manager's settings (/sites/{id}/queue/settings),
 * docs/queue.md.
 *
 * The page lists the people waiting, in serving order, by ticket number,
 * service, arrival, language, needs and priority, never by name unless the
 * site allows it; the tickets called and served; and the forms of every
 * action: call the next person (of a service or any), call a chosen one,
 * recall, start, finish, mark absent, cancel, redirect, issue a ticket for
 * someone at the desk or on the phone, and take or end a justified pause.
 * Each is a plain form posted to /sites/{id}/queue with its CSRF token and
 * answered by a redirection (no JavaScript needed). The desk's name is
 * remembered in a cookie. Finishing a ticket opens the recording form
 * prefilled from it (page_queue_visit_prefill), and the visit saved is
 * linked to the ticket (page_queue_visit_saved).
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/app_queue.h"
#include "domain/access.h"
#include "domain/queue.h"
#include "util/html.h"
#include "util/i18n.h"
#include "vocab/enums.h"
#include "web/page.h"
#include "web/ui.h"
#include "pages/pages.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

#define DESK_COOKIE "guichet_desk"
#define DESK_MAX 40
#define NAME_MAX 80
#define DESK_COOKIE_S (365L * 24 * 3600)

static const ui_option status_labels[] = {
    {"emis", N_("En attente")},   {"appele", N_("Appelé")}, {"en_cours", N_("En cours")},
    {"termine", N_("Terminé")},   {"absent", N_("Absent")}, {"annule", N_("Annulé")},
    {"redirige", N_("Redirigé")},
};

static const ui_option priority_labels[] = {
    {"aucune", N_("Aucune")},
    {"rendez_vous", N_("Rendez-vous")},
    {"mobilite_reduite", N_("Mobilité réduite")},
    {"grossesse", N_("Grossesse")},
    {"age", N_("Âge")},
};

static const ui_option need_labels[] = {
    {"interprete", N_("Interprète")},
    {"mobilite_reduite", N_("Mobilité réduite")},
    {"audition", N_("Audition")},
    {"aide_lecture", N_("Aide à la lecture")},
};

static const ui_option pause_reasons[] = {
    {"pause", N_("Pause")},
    {"administratif", N_("Travail administratif")},
    {"formation", N_("Formation")},
    {"autre", N_("Autre")},
};

static const char *label_of(req *r, const ui_option *opts, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(opts[i].value, code))
			return _(r, opts[i].label);
	return code ? code : "";
}

/* Translated copies of a table, for ui_select and ui_checkboxes. */
static ui_option *translated(req *r, const ui_option *opts, size_t n)
{
	ui_option *o = arena_alloc(r->arena, n * sizeof *o);
	for (size_t i = 0; o && i < n; i++)
		o[i] = (ui_option){opts[i].value, _(r, opts[i].label)};
	return o;
}

/* "interprète, audition", "" for none. */
static const char *needs_text(req *r, unsigned needs)
{
	const char *s = "";
	for (unsigned bit = 1; bit & QUEUE_NEED_ALL; bit <<= 1)
		if (needs & bit) {
			const char *l = label_of(r, need_labels, COUNT(need_labels), queue_need_code(bit));
			s = *s ? arena_printf(r->arena, "%s, %s", s, l) : l;
			if (!s)
				return "";
		}
	return s;
}

static const char *hm(req *r, int64_t t)
{
	char out[6];
	time_local_hm(t, out);
	return arena_strdup(r->arena, out);
}

/* The site of the path that the user may see (404 otherwise) and whose
 * queue the user serves (403 otherwise). */
static int load_site(req *r, store_site *site)
{
	if (!page_require_login(r) || page_path_site(r, site) != 0)
		return -1;
	if (!access_may_serve_queue(&r->session->user, site->id)) {
		ui_error_page(
		    r, 403,
		    N_("Seuls les conseillers et les responsables du lieu servent sa file d'attente."));
		return -1;
	}
	return 0;
}

/* The site's services, the defaults given first to a site without any. */
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

static const store_queue_service *service_by_id(const store_queue_service *svc, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (svc[i].id == id)
			return &svc[i];
	return NULL;
}

static const char *service_name(req *r, const store_queue_service *s)
{
	if (!s)
		return "";
	const char *l = arena_printf(r->arena, "%c — %s", s->prefix, _(r, s->label));
	return l ? l : s->label;
}

static const char *queue_path(req *r, int64_t site_id, const char *rest)
{
	const char *p = arena_printf(r->arena, "/sites/%lld/queue%s", (long long)site_id, rest ? rest : "");
	return p ? p : "/";
}

static const char *desk_of(req *r)
{
	const char *d = http_cookie(r, DESK_COOKIE);
	return d && strlen(d) <= (size_t)DESK_MAX * 3 ? d : "";
}

/* The desk name travels in a cookie: URL-encoded, since it may hold any
 * letter and spaces. */
static void remember_desk(req *r, const char *desk)
{
	buf b;
	buf_init(&b, (size_t)DESK_MAX * 3 + 1);
	html_url_arg(&b, desk);
	http_set_cookie(r, DESK_COOKIE, b.data && !b.overflow ? b.data : "", DESK_COOKIE_S);
	buf_free(&b);
}

static const char *desk_decode(req *r, const char *s)
{
	char *o = arena_alloc(r->arena, strlen(s) + 1);
	if (!o)
		return "";
	size_t k = 0;
	for (const char *p = s; *p; p++) {
		unsigned v;
		if (*p == '%' && p[1] && p[2] && sscanf(p + 1, "%2x", &v) == 1) {
			o[k++] = (char)v;
			p += 2;
		} else {
			o[k++] = *p == '+' ? ' ' : *p;
		}
	}
	o[k] = '\0';
	return utf8_valid(o, k) && !text_has_controls(o) ? o : "";
}

/* ---- The page ----------------------------------------------------------- */

/* A one-button form of an action on a ticket. */
static void action_form(req *r, int64_t site_id, const store_ticket *t, const char *op, const char *label,
                        int secondary)
{
	buf *o = &r->out;
	RAW(r, "<form method=\"post\" class=\"queue-action\" action=\"");
	html_attr(o, queue_path(r, site_id, NULL));
	RAW(r, "\" novalidate><input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(o, r->csrf ? r->csrf : "");
	RAW(r, "\"><input type=\"hidden\" name=\"op\" value=\"");
	html_attr(o, op);
	RAW(r, "\"><input type=\"hidden\" name=\"ticket\" value=\"");
	html_int(o, t->id);
	RAW(r, "\"><input type=\"hidden\" name=\"status\" value=\"");
	html_attr(o, queue_status_code(t->status));
	RAW(r, secondary ? "\"><button type=\"submit\" class=\"button-secondary\">"
	                 : "\"><button type=\"submit\" class=\"button\">");
	html_txt(o, label);
	RAW(r, "<span class=\"sr-only\"> ");
	html_txt(o, t->label);
	RAW(r, "</span></button></form>\n");
}

static void redirect_form(req *r, int64_t site_id, const store_ticket *t, const store_queue_service *svc,
                          size_t n)
{
	buf *o = &r->out;
	const char *id = arena_printf(r->arena, "redirect-%lld", (long long)t->id);
	RAW(r, "<form method=\"post\" class=\"queue-action\" action=\"");
	html_attr(o, queue_path(r, site_id, NULL));
	RAW(r, "\" novalidate><input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(o, r->csrf ? r->csrf : "");
	RAW(r, "\"><input type=\"hidden\" name=\"op\" value=\"redirect\"><input type=\"hidden\" "
	       "name=\"ticket\" value=\"");
	html_int(o, t->id);
	RAW(r, "\"><label for=\"");
	html_attr(o, id);
	RAW(r, "\">");
	html_txt(o, _(r, "Rediriger vers"));
	RAW(r, "<span class=\"sr-only\"> ");
	html_txt(o, t->label);
	RAW(r, "</span></label> <select name=\"service\" id=\"");
	html_attr(o, id);
	RAW(r, "\">");
	for (size_t i = 0; i < n; i++) {
		if (!svc[i].active || svc[i].id == t->service_id)
			continue;
		RAW(r, "<option value=\"");
		html_int(o, svc[i].id);
		RAW(r, "\">");
		html_txt(o, service_name(r, &svc[i]));
		RAW(r, "</option>");
	}
	RAW(r, "</select> <button type=\"submit\" class=\"button-secondary\">");
	html_txt(o, _(r, "Rediriger"));
	RAW(r, "</button></form>\n");
}

/* One ticket: what the adviser needs to call and greet the person. */
static void ticket_item(req *r, int64_t site_id, const store_ticket *t, const store_queue_service *svc,
                        size_t n, int show_names, int64_t now)
{
	buf *o = &r->out;
	RAW(r, "<li class=\"queue-ticket\"><h3 class=\"queue-label\">");
	html_txt(o, t->label);
	RAW(r, "</h3>\n<p class=\"queue-facts\">");
	/* One line of facts, each "term: value", empty ones left out. */
	const char *since =
	    arena_printf(r->arena, "%s (%lld min)", hm(r, t->arrived_at),
	                 (long long)((now - t->arrived_at > 0 ? now - t->arrived_at : 0) / 60));
	const char *facts[][2] = {
	    {_(r, "Service"), service_name(r, service_by_id(svc, n, t->service_id))},
	    {_(r, "État"), label_of(r, status_labels, COUNT(status_labels), queue_status_code(t->status))},
	    {_(r, "Arrivée"), since ? since : ""},
	    {_(r, "Langue"), page_language_label(r, t->lang)},
	    {_(r, "Besoins"), needs_text(r, t->needs)},
	    {_(r, "Priorité"),
	     t->priority != QUEUE_PRIO_NONE
	         ? label_of(r, priority_labels, COUNT(priority_labels), queue_priority_code(t->priority))
	         : ""},
	    {_(r, "Nom"), show_names && t->name ? t->name : ""},
	    {_(r, "Guichet"), t->desk ? t->desk : ""},
	};
	int first = 1;
	for (size_t i = 0; i < COUNT(facts); i++) {
		if (!facts[i][1] || !*facts[i][1])
			continue;
		if (!first)
			RAW(r, " · ");
		first = 0;
		html_txt(o, facts[i][0]);
		RAW(r, " : <strong>");
		html_txt(o, facts[i][1]);
		RAW(r, "</strong>");
	}
	RAW(r, "</p>\n<div class=\"queue-actions\">");
	switch (t->status) {
	case QUEUE_EMIS:
		action_form(r, site_id, t, "call", _(r, "Appeler"), 0);
		action_form(r, site_id, t, "cancel", _(r, "Annuler le ticket"), 1);
		break;
	case QUEUE_APPELE:
		action_form(r, site_id, t, "start", _(r, "Commencer"), 0);
		action_form(r, site_id, t, "recall", _(r, "Rappeler"), 1);
		action_form(r, site_id, t, "absent", _(r, "Absent"), 1);
		action_form(r, site_id, t, "cancel", _(r, "Annuler le ticket"), 1);
		break;
	case QUEUE_EN_COURS:
		action_form(r, site_id, t, "finish", _(r, "Terminer et enregistrer la visite"), 0);
		break;
	default:
		break;
	}
	if (t->status == QUEUE_EMIS || t->status == QUEUE_APPELE || t->status == QUEUE_EN_COURS)
		redirect_form(r, site_id, t, svc, n);
	RAW(r, "</div></li>\n");
}

/* The messages a redirection after an action brings back. */
static void done_notice(req *r)
{
	static const struct {
		const char *code, *kind, *msgid;
	} notes[] = {
	    {"called", "success", N_("Ticket appelé.")},
	    {"nobody", "info", N_("Personne n'attend.")},
	    {"moved", "success", N_("Ticket mis à jour.")},
	    {"issued", "success", N_("Ticket donné.")},
	    {"conflict", "error",
	     N_("Ce ticket a changé entre-temps : la liste est à jour, vérifiez avant d'agir.")},
	    {"desk", "error", N_("Indiquez d'abord le nom de votre guichet.")},
	    {"paused", "success", N_("Pause commencée.")},
	    {"resumed", "success", N_("Pause terminée.")},
	};
	const char *d = http_query(r, "done");
	for (size_t i = 0; d && i < COUNT(notes); i++)
		if (str_eq(notes[i].code, d))
			ui_notice(r, notes[i].kind, _(r, notes[i].msgid));
}

/* The form that issues a ticket at the desk or on the phone. */
static void issue_form(req *r, int64_t site_id, const store_queue_service *svc, size_t n, int show_names,
                       const field_errors *e)
{
	ui_section_begin(r, "issue", _(r, "Donner un ticket"));
	ui_form_begin(r, queue_path(r, site_id, NULL));
	RAW(r, "<input type=\"hidden\" name=\"op\" value=\"issue\">\n");
	ui_option *so = arena_alloc(r->arena, (n ? n : 1) * sizeof *so);
	size_t k = 0;
	for (size_t i = 0; so && i < n; i++)
		if (svc[i].active)
			so[k++] = (ui_option){arena_printf(r->arena, "%lld", (long long)svc[i].id),
			                      service_name(r, &svc[i])};
	ui_field f = {.name = "service", .label = _(r, "Service"), .value = page_field(r, "service")};
	ui_select(r, &f, so, k, e);
	page_language_select(r, "language", _(r, "Langue de la personne"), page_field(r, "language"), e);
	const char **sel;
	size_t nsel = page_field_all(r, "needs", &sel);
	ui_checkboxes(r, "needs", _(r, "Besoins"), translated(r, need_labels, COUNT(need_labels)),
	              COUNT(need_labels), sel, nsel, e);
	ui_field p = {.name = "priority", .label = _(r, "Priorité"), .value = page_field(r, "priority")};
	ui_select(r, &p, translated(r, priority_labels, COUNT(priority_labels)), COUNT(priority_labels), e);
	const char *ch = page_field(r, "channel");
	page_select_enum(r, "channel", _(r, "Canal"), NULL, &ENUM_CHANNEL, *ch ? ch : "guichet_spontane", e);
	if (show_names) {
		ui_field nf = {
		    .name = "name",
		    .label = _(r, "Nom (facultatif)"),
		    .hint = _(r, "Montré aux conseillers seulement, effacé après la durée de conservation."),
		    .value = page_field(r, "name"),
		    .autocomplete = "off"};
		ui_input(r, &nf, e);
	}
	ui_submit(r, _(r, "Donner un ticket"));
	ui_form_end(r);
	RAW(r, "</fieldset>\n");
}

static void pause_section(req *r, int64_t site_id, const field_errors *e)
{
	store_desk_pause *p;
	size_t n;
	const store_desk_pause *mine = NULL;
	if (store_desk_pauses_open(r->app->store, r->arena, site_id, &p, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			if (p[i].adviser_id == r->session->user.id)
				mine = &p[i];
	ui_section_begin(r, "pause", _(r, "Pause justifiée"));
	ui_form_begin(r, queue_path(r, site_id, NULL));
	if (mine) {
		RAW(r, "<p>");
		const char *s =
		    arena_printf(r->arena, "%s %s — %s", _(r, "En pause depuis"), hm(r, mine->started_at),
		                 label_of(r, pause_reasons, COUNT(pause_reasons), mine->reason));
		html_txt(&r->out, s ? s : "");
		RAW(r, "</p>\n<input type=\"hidden\" name=\"op\" value=\"pause_end\">\n");
		ui_submit(r, _(r, "Terminer la pause"));
	} else {
		RAW(r, "<input type=\"hidden\" name=\"op\" value=\"pause\">\n");
		ui_field f = {.name = "reason", .label = _(r, "Motif"), .value = page_field(r, "reason")};
		ui_select(r, &f, translated(r, pause_reasons, COUNT(pause_reasons)), COUNT(pause_reasons), e);
		ui_submit(r, _(r, "Commencer une pause"));
	}
	ui_form_end(r);
	RAW(r, "</fieldset>\n");
}

static int render(req *r, const store_site *site, const field_errors *e)
{
	store_queue_service *svc;
	store_ticket *waiting, *active;
	size_t n, nw, na;
	store_queue_settings qs;
	if (services_of(r, site->id, &svc, &n) != 0 ||
	    store_queue_settings_get(r->app->store, r->arena, site->id, &qs) != STORE_OK ||
	    store_queue_waiting(r->app->store, r->arena, site->id, 0, &waiting, &nw) != STORE_OK ||
	    store_queue_active(r->app->store, r->arena, site->id, &active, &na) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	int64_t now = now_s();
	buf *o = &r->out;
	ui_page_begin(r, _(r, "File d'attente"));
	done_notice(r);
	ui_error_summary(r, e);
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <a href=\"/sites/");
	html_int(o, site->id);
	RAW(r, "\">");
	html_txt(o, site->name);
	RAW(r, "</a>");
	if (access_may_configure_queue(&r->session->user, site->id)) {
		RAW(r, " · <a href=\"");
		html_attr(o, queue_path(r, site->id, "/settings"));
		RAW(r, "\">");
		html_txt(o, _(r, "Réglages de la file d'attente"));
		RAW(r, "</a>");
	}
	/* The people waiting to be called back (page_callbacks.c). */
	RAW(r, " · <a href=\"/sites/");
	html_int(o, site->id);
	RAW(r, "/callbacks\">");
	html_txt(o, _(r, "Rappels"));
	RAW(r, "</a>");
	RAW(r, "</p>\n");

	/* Call the next person: the desk's name, then one button per service. */
	ui_section_begin(r, "next", _(r, "Appeler le suivant"));
	ui_form_begin(r, queue_path(r, site->id, NULL));
	RAW(r, "<input type=\"hidden\" name=\"op\" value=\"next\">\n");
	ui_field df = {
	    .name = "desk",
	    .label = _(r, "Votre guichet"),
	    .hint = _(r, "Le nom affiché et annoncé dans la salle d'attente, par exemple « Guichet 2 »."),
	    .value = desk_decode(r, desk_of(r)),
	    .autocomplete = "off"};
	ui_input(r, &df, e);
	RAW(r,
	    "<div class=\"actions\"><button type=\"submit\" name=\"service\" value=\"\" class=\"button\">");
	html_txt(o, _(r, "Appeler le suivant"));
	RAW(r, "</button>\n");
	for (size_t i = 0; i < n; i++) {
		if (!svc[i].active)
			continue;
		RAW(r, "<button type=\"submit\" name=\"service\" value=\"");
		html_int(o, svc[i].id);
		RAW(r, "\" class=\"button-secondary\">");
		html_txt(o, _(r, "Appeler le suivant :"));
		RAW(r, " ");
		html_txt(o, service_name(r, &svc[i]));
		RAW(r, "</button>\n");
	}
	RAW(r, "</div>\n");
	ui_form_end(r);
	RAW(r, "</fieldset>\n");

	RAW(r, "<h2 id=\"active\">");
	html_txt(o, _(r, "Appelés et en cours"));
	RAW(r, "</h2>\n");
	if (na == 0) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Aucun ticket appelé."));
		RAW(r, "</p>\n");
	} else {
		RAW(r, "<ul class=\"queue-list\" aria-labelledby=\"active\">\n");
		for (size_t i = 0; i < na; i++)
			ticket_item(r, site->id, &active[i], svc, n, qs.show_names, now);
		RAW(r, "</ul>\n");
	}

	RAW(r, "<h2 id=\"waiting\">");
	ui_txt_count(r, _(r, "En attente : %d"), (int64_t)nw);
	RAW(r, "</h2>\n");
	if (nw == 0) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Personne n'attend."));
		RAW(r, "</p>\n");
	} else {
		RAW(r, "<ol class=\"queue-list\" aria-labelledby=\"waiting\">\n");
		for (size_t i = 0; i < nw; i++)
			ticket_item(r, site->id, &waiting[i], svc, n, qs.show_names, now);
		RAW(r, "</ol>\n");
	}

	issue_form(r, site->id, svc, n, qs.show_names, e);
	pause_section(r, site->id, e);
	ui_page_end(r);
	return 0;
}

int page_queue(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0)
		return 0;
	field_errors e = {0};
	return render(r, &site, &e);
}

static int back(req *r, int64_t site_id, const char *done)
{
	http_redirect(r, queue_path(r, site_id, arena_printf(r->arena, "?done=%s", done)));
	return 0;
}

/* A form's text field, at most max bytes and without control characters. */
static int short_text(req *r, const char *name, size_t max, const char **out, field_errors *e,
                      const char *msgid)
{
	*out = page_field(r, name);
	if (strlen(*out) > max || text_has_controls(*out)) {
		field_error_add(e, name, msgid);
		return -1;
	}
	return 0;
}

static int issue_post(req *r, const store_site *site)
{
	field_errors e = {0};
	store_queue_service *svc;
	size_t n;
	store_queue_settings qs;
	if (services_of(r, site->id, &svc, &n) != 0 ||
	    store_queue_settings_get(r->app->store, r->arena, site->id, &qs) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	store_ticket t = {.site_id = site->id, .issued_by = r->session->user.id};
	int64_t sid = 0;
	const store_queue_service *s = NULL;
	if (parse_int64(page_field(r, "service"), 1, INT64_MAX, &sid) == 0)
		s = service_by_id(svc, n, sid);
	if (!s || !s->active)
		field_error_add(&e, "service", N_("Choisissez un service."));
	else
		t.service_id = s->id;
	const char *language = page_field(r, "language");
	if (*language && str_eq(page_language_label(r, language), language))
		field_error_add(&e, "language", N_("Choisissez une langue de la liste."));
	t.lang = (char *)(*language ? language : "fr");
	const char **needs;
	size_t nn = page_field_all(r, "needs", &needs);
	for (size_t i = 0; i < nn; i++) {
		unsigned bit;
		if (queue_needs_parse(needs[i], &bit) != 0 || strchr(needs[i], ',')) {
			field_error_add(&e, "needs", N_("Ce besoin n'est pas connu."));
			break;
		}
		t.needs |= bit;
	}
	int p = queue_priority_parse(page_field(r, "priority"));
	if (p < 0)
		field_error_add(&e, "priority", N_("Cette priorité n'est pas connue."));
	t.priority = p < 0 ? QUEUE_PRIO_NONE : (queue_priority)p;
	const char *channel = page_field(r, "channel");
	if (*channel && !enum_valid(&ENUM_CHANNEL, channel))
		field_error_add(&e, "channel", N_("Ce canal n'est pas connu."));
	t.channel = (char *)(*channel ? channel : "guichet_spontane");
	const char *name = "";
	if (qs.show_names)
		short_text(r, "name", NAME_MAX, &name, &e,
		           N_("Le nom tient en 80 caractères, sans retour à la ligne."));
	t.name = (char *)name;
	if (e.n) {
		r->status = 400;
		return render(r, site, &e);
	}
	int rc = app_queue_issue(r->app->store, r->arena, &t, now_s());
	if (rc == STORE_NOT_FOUND) {
		field_error_add(&e, "service", N_("Choisissez un service."));
		r->status = 400;
		return render(r, site, &e);
	}
	if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "create", "ticket", t.id, site->id, NULL);
	return back(r, site->id, "issued");
}

static const struct {
	const char *op;
	queue_action action;
} moves[] = {
    {"call", QUEUE_CALL},     {"recall", QUEUE_RECALL},  {"start", QUEUE_START},
    {"finish", QUEUE_FINISH}, {"absent", QUEUE_ABSENT_}, {"cancel", QUEUE_CANCEL},
};

int page_queue_post(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0 || !page_require_form(r))
		return 0;
	const char *op = page_field(r, "op");
	int64_t now = now_s(), me = r->session->user.id;
	field_errors e = {0};

	if (str_eq(op, "issue"))
		return issue_post(r, &site);
	if (str_eq(op, "next")) {
		const char *desk;
		if (short_text(r, "desk", DESK_MAX, &desk, &e,
		               N_("Le nom du guichet tient en 40 caractères.")) != 0 ||
		    !*desk) {
			if (!*desk)
				field_error_add(&e, "desk", N_("Indiquez d'abord le nom de votre guichet."));
			r->status = 400;
			return render(r, &site, &e);
		}
		remember_desk(r, desk);
		int64_t sid = 0;
		const char *sv = page_field(r, "service");
		if (*sv && parse_int64(sv, 1, INT64_MAX, &sid) != 0)
			sid = -1;
		store_ticket t;
		int rc = app_queue_call_next(r->app->store, r->arena, site.id, sid, desk, me, now, &t);
		if (rc == STORE_NOT_FOUND)
			return back(r, site.id, "nobody");
		if (rc != STORE_OK) {
			r->status = 500;
			return page_error(r);
		}
		return back(r, site.id, "called");
	}
	if (str_eq(op, "pause")) {
		const char *reason = page_field(r, "reason");
		if (str_eq(label_of(r, pause_reasons, COUNT(pause_reasons), reason), reason)) {
			field_error_add(&e, "reason", N_("Choisissez un motif de la liste."));
			r->status = 400;
			return render(r, &site, &e);
		}
		store_desk_pause p = {.site_id = site.id,
		                      .adviser_id = me,
		                      .desk = (char *)desk_decode(r, desk_of(r)),
		                      .reason = (char *)reason,
		                      .started_at = now};
		if (store_desk_pause_start(r->app->store, &p) != STORE_OK) {
			r->status = 500;
			return page_error(r);
		}
		return back(r, site.id, "paused");
	}
	if (str_eq(op, "pause_end")) {
		int rc = store_desk_pause_end(r->app->store, site.id, me, now);
		if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
			r->status = 500;
			return page_error(r);
		}
		return back(r, site.id, "resumed");
	}

	/* The actions on one ticket of this site. */
	int64_t id;
	store_ticket t;
	if (parse_int64(page_field(r, "ticket"), 1, INT64_MAX, &id) != 0 ||
	    store_ticket_get(r->app->store, r->arena, id, &t) != STORE_OK || t.site_id != site.id)
		return page_not_found(r);
	store_ticket out;
	if (str_eq(op, "redirect")) {
		int64_t to;
		if (parse_int64(page_field(r, "service"), 1, INT64_MAX, &to) != 0)
			to = 0;
		int rc = app_queue_redirect(r->app->store, r->arena, t.id, to, now, &out);
		if (rc == STORE_NOT_FOUND || rc == STORE_CONFLICT)
			return back(r, site.id, "conflict");
		if (rc != STORE_OK) {
			r->status = 500;
			return page_error(r);
		}
		return back(r, site.id, "moved");
	}
	size_t k = 0;
	while (k < COUNT(moves) && !str_eq(moves[k].op, op))
		k++;
	int expected = queue_status_parse(page_field(r, "status"));
	if (k == COUNT(moves) || expected < 0) {
		ui_error_page(r, 400, N_("La requête est invalide."));
		return 0;
	}
	const char *desk = desk_decode(r, desk_of(r));
	if ((moves[k].action == QUEUE_CALL) && !*desk)
		return back(r, site.id, "desk");
	int rc = app_queue_move(r->app->store, r->arena, t.id, (queue_status)expected, moves[k].action, desk,
	                        me, now, &out);
	if (rc == STORE_CONFLICT || rc == STORE_NOT_FOUND)
		return back(r, site.id, "conflict");
	if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	if (moves[k].action == QUEUE_FINISH) {
		const char *to = arena_printf(r->arena, "/visits/new?ticket=%lld", (long long)t.id);
		http_redirect(r, to ? to : "/visits/new");
		return 0;
	}
	return back(r, site.id,
	            moves[k].action == QUEUE_CALL || moves[k].action == QUEUE_RECALL ? "called" : "moved");
}

/* ---- The recording form from a ticket ----------------------------------- */

int page_queue_visit_prefill(req *r, int64_t ticket_id, store_visit *v)
{
	store_ticket t;
	if (store_ticket_get(r->app->store, r->arena, ticket_id, &t) != STORE_OK ||
	    !access_may_serve_queue(&r->session->user, t.site_id))
		return -1;
	v->site_id = t.site_id;
	v->channel = t.channel;
	if (t.started_at)
		v->started_at = t.started_at;
	if (t.started_at && t.ended_at > t.started_at) {
		int64_t min = (t.ended_at - t.started_at + 30) / 60;
		v->duration_min = (int)(min < 1 ? 1 : min > 600 ? 600 : min);
	}
	store_visitor *p = &v->visitor;
	if (t.lang && *t.lang && !str_eq(t.lang, "fr")) {
		p->allophone = 1;
		p->languages = t.lang;
	}
	if (t.needs & QUEUE_NEED_INTERPRETER)
		p->allophone = 1;
	if (t.needs & QUEUE_NEED_READING)
		p->illiteracy = 1;
	const char *dis = "";
	if (t.needs & QUEUE_NEED_HEARING)
		dis = "auditif";
	if (t.needs & QUEUE_NEED_MOBILITY)
		dis = *dis ? "auditif,moteur" : "moteur";
	if (*dis)
		p->disabilities = (char *)dis;
	if ((t.needs & QUEUE_NEED_INTERPRETER) && v->ndemands > 0 && p->languages && *p->languages)
		v->demands[0].interpreting_lang = p->languages;
	return 0;
}

void page_queue_visit_saved(req *r, int64_t ticket_id, const store_visit *v)
{
	store_ticket t;
	if (ticket_id <= 0 || store_ticket_get(r->app->store, r->arena, ticket_id, &t) != STORE_OK ||
	    t.site_id != v->site_id || t.visit_id || !access_may_serve_queue(&r->session->user, t.site_id))
		return;
	store_ticket_set_visit(r->app->store, t.id, v->id);
}

/* ---- Settings ----------------------------------------------------------- */

static int load_settings_site(req *r, store_site *site)
{
	if (!page_require_login(r) || page_path_site(r, site) != 0)
		return -1;
	if (!access_may_configure_queue(&r->session->user, site->id)) {
		ui_error_page(
		    r, 403,
		    N_("Seuls les responsables du lieu et les administrateurs en changent les réglages."));
		return -1;
	}
	return 0;
}

static const char *const weekdays[8] = {"",          N_("Lundi"),    N_("Mardi"),  N_("Mercredi"),
                                        N_("Jeudi"), N_("Vendredi"), N_("Samedi"), N_("Dimanche")};

static const char *minutes_text(req *r, int m)
{
	return arena_printf(r->arena, "%02d:%02d", m / 60, m % 60);
}

static int parse_hm(const char *s, int *m)
{
	int h, mi;
	char extra;
	if (!*s) {
		*m = -1;
		return 0;
	}
	if (sscanf(s, "%2d:%2d%c", &h, &mi, &extra) != 2 || h < 0 || h > 24 || mi < 0 || mi > 59 ||
	    (h == 24 && mi))
		return -1;
	*m = h * 60 + mi;
	return 0;
}

static void settings_form(req *r, const store_site *site, const store_queue_service *svc, size_t n,
                          const store_queue_settings *qs, const field_errors *e)
{
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Réglages de la file d'attente"));
	if (http_query(r, "saved"))
		ui_notice(r, "success", _(r, "Réglages enregistrés."));
	ui_error_summary(r, e);
	RAW(r, "<p><a href=\"");
	html_attr(o, queue_path(r, site->id, NULL));
	RAW(r, "\">");
	html_txt(o, _(r, "File d'attente"));
	RAW(r, "</a> · ");
	html_txt(o, site->name);
	RAW(r, "</p>\n");
	ui_form_begin(r, queue_path(r, site->id, "/settings"));

	ui_section_begin(r, "services", _(r, "Services"));
	RAW(r, "<p>");
	html_txt(o, _(r, "Chaque service a sa lettre, qui commence ses numéros de ticket. Laissez la lettre "
	                 "vide pour ne pas ajouter de service."));
	RAW(r, "</p>\n");
	for (size_t i = 0; i <= n; i++) {
		const store_queue_service *s = i < n ? &svc[i] : NULL;
		const char *k = arena_printf(r->arena, "%zu", i);
		char pf[2] = {s ? s->prefix : '\0', '\0'};
		RAW(r, "<fieldset class=\"queue-service\"><legend>");
		html_txt(o, s ? service_name(r, s) : _(r, "Nouveau service"));
		RAW(r, "</legend>\n");
		if (s) {
			RAW(r, "<input type=\"hidden\" name=\"svc_id_");
			html_attr(o, k);
			RAW(r, "\" value=\"");
			html_int(o, s->id);
			RAW(r, "\">\n");
		}
		ui_field fp = {
		    .name = arena_printf(r->arena, "svc_prefix_%s", k), .label = _(r, "Lettre"), .value = pf};
		ui_input(r, &fp, e);
		ui_field fl = {.name = arena_printf(r->arena, "svc_label_%s", k),
		               .label = _(r, "Libellé"),
		               .value = s ? s->label : ""};
		ui_input(r, &fl, e);
		ui_field fi = {.name = arena_printf(r->arena, "svc_picto_%s", k),
		               .label = _(r, "Pictogramme (code OpenMoji)"),
		               .value = s ? s->picto : ""};
		ui_input(r, &fi, e);
		ui_field fo = {.name = arena_printf(r->arena, "svc_position_%s", k),
		               .label = _(r, "Ordre"),
		               .value = page_int_text(r, s ? s->position : (int64_t)n + 1)};
		ui_input(r, &fo, e);
		ui_checkbox(r, arena_printf(r->arena, "svc_active_%s", k), _(r, "Actif"), s ? s->active : 1);
		RAW(r, "</fieldset>\n");
	}
	RAW(r, "<input type=\"hidden\" name=\"nservices\" value=\"");
	html_int(o, (int64_t)n + 1);
	RAW(r, "\">\n</fieldset>\n");

	ui_section_begin(r, "hours", _(r, "Heures d'ouverture de la borne"));
	RAW(r, "<p>");
	html_txt(
	    o,
	    _(r, "Laissez tout vide pour une borne ouverte à toute heure ; un jour vide est un jour fermé."));
	RAW(r, "</p>\n");
	for (int d = 1; d <= 7; d++) {
		int set = qs->hours_set && qs->closes[d] > qs->opens[d];
		ui_field fo = {
		    .name = arena_printf(r->arena, "opens_%d", d),
		    .label = arena_printf(r->arena, "%s : %s", _(r, weekdays[d]), _(r, "ouverture (HH:MM)")),
		    .value = set ? minutes_text(r, qs->opens[d]) : ""};
		ui_input(r, &fo, e);
		ui_field fc = {
		    .name = arena_printf(r->arena, "closes_%d", d),
		    .label = arena_printf(r->arena, "%s : %s", _(r, weekdays[d]), _(r, "fermeture (HH:MM)")),
		    .value = set ? minutes_text(r, qs->closes[d]) : ""};
		ui_input(r, &fc, e);
	}
	RAW(r, "</fieldset>\n");

	ui_section_begin(r, "privacy", _(r, "Noms des personnes"));
	ui_checkbox(
	    r, "show_names",
	    _(r, "Permettre de noter le nom d'une personne sur son ticket et le montrer aux conseillers"),
	    qs->show_names);
	RAW(r, "</fieldset>\n");

	ui_section_begin(r, "kiosk", _(r, "Borne"));
	size_t nl = i18n_public_count();
	ui_option *lo = arena_alloc(r->arena, (nl ? nl : 1) * sizeof *lo);
	for (size_t i = 0; lo && i < nl; i++) {
		const char *code = i18n_public_lang(i)->code;
		lo[i] = (ui_option){code, page_language_label(r, code)};
	}
	const char **langs;
	size_t nsel = page_split_codes(r, qs->kiosk_languages, &langs);
	ui_checkboxes(r, "kiosk_languages", _(r, "Langues proposées (aucune cochée : toutes)"), lo,
	              lo ? nl : 0, langs, nsel, e);
	const char *needs[4];
	size_t nn = 0;
	for (unsigned bit = 1; bit & QUEUE_NEED_ALL; bit <<= 1)
		if (qs->kiosk_needs & bit)
			needs[nn++] = queue_need_code(bit);
	ui_checkboxes(r, "kiosk_needs", _(r, "Besoins proposés"),
	              translated(r, need_labels, COUNT(need_labels)), COUNT(need_labels), needs, nn, e);
	RAW(r, "</fieldset>\n");
	ui_submit(r, _(r, "Enregistrer les réglages"));
	ui_form_end(r);
	ui_page_end(r);
}

int page_queue_settings(req *r)
{
	store_site site;
	if (load_settings_site(r, &site) != 0)
		return 0;
	store_queue_service *svc;
	size_t n;
	store_queue_settings qs;
	if (services_of(r, site.id, &svc, &n) != 0 ||
	    store_queue_settings_get(r->app->store, r->arena, site.id, &qs) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	field_errors e = {0};
	settings_form(r, &site, svc, n, &qs, &e);
	return 0;
}

int page_queue_settings_post(req *r)
{
	store_site site;
	if (load_settings_site(r, &site) != 0 || !page_require_form(r))
		return 0;
	store_queue_service *old;
	size_t nold;
	if (services_of(r, site.id, &old, &nold) != 0) {
		r->status = 500;
		return page_error(r);
	}
	field_errors e = {0};
	/* The services as posted: the known ones by their id, one new one. */
	store_queue_service *svc = arena_alloc(r->arena, (nold + 1) * sizeof *svc);
	size_t n = 0;
	int64_t posted = 0;
	parse_int64(page_field(r, "nservices"), 0, 27, &posted);
	for (int64_t i = 0; svc && i < posted && i <= (int64_t)nold; i++) {
		const char *k = arena_printf(r->arena, "%lld", (long long)i);
		int64_t id = 0;
		const char *sid = page_field(r, arena_printf(r->arena, "svc_id_%s", k));
		if (*sid && (parse_int64(sid, 1, INT64_MAX, &id) != 0 || !service_by_id(old, nold, id)))
			continue;
		const char *fpn = arena_printf(r->arena, "svc_prefix_%s", k);
		const char *fln = arena_printf(r->arena, "svc_label_%s", k);
		const char *pf = page_field(r, fpn), *label = page_field(r, fln);
		if (!id && !*pf && !*label)
			continue;
		store_queue_service s = {.id = id, .site_id = site.id};
		if (strlen(pf) != 1 || ((pf[0] & ~0x20) < 'A' || (pf[0] & ~0x20) > 'Z'))
			field_error_add(&e, fpn, N_("La lettre du service est une lettre de A à Z."));
		else
			s.prefix = (char)(pf[0] & ~0x20);
		for (size_t j = 0; j < n; j++)
			if (s.prefix && svc[j].prefix == s.prefix)
				field_error_add(&e, fpn,
				                N_("Deux services ne peuvent pas avoir la même lettre."));
		if (!*label || strlen(label) > 60 || text_has_controls(label))
			field_error_add(&e, fln, N_("Le libellé du service tient en 60 caractères."));
		s.label = (char *)label;
		s.picto = (char *)page_field(r, arena_printf(r->arena, "svc_picto_%s", k));
		for (const char *p = s.picto; *p; p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F') || *p == '-') ||
			    strlen(s.picto) > 40) {
				field_error_add(
				    &e, arena_printf(r->arena, "svc_picto_%s", k),
				    N_("Le pictogramme est un code OpenMoji, par exemple 1F4C4."));
				break;
			}
		int64_t pos = 0;
		const char *fon = arena_printf(r->arena, "svc_position_%s", k);
		if (*page_field(r, fon) && parse_int64(page_field(r, fon), 0, 99, &pos) != 0)
			field_error_add(&e, fon, N_("L'ordre est un nombre de 0 à 99."));
		s.position = (int)pos;
		s.active = *page_field(r, arena_printf(r->arena, "svc_active_%s", k)) != '\0';
		svc[n++] = s;
	}

	store_queue_settings qs = {.site_id = site.id};
	int any = 0;
	for (int d = 1; d <= 7; d++) {
		const char *fo = arena_printf(r->arena, "opens_%d", d),
		           *fc = arena_printf(r->arena, "closes_%d", d);
		int a, b;
		if (parse_hm(page_field(r, fo), &a) != 0 || parse_hm(page_field(r, fc), &b) != 0 ||
		    (a < 0) != (b < 0) || (a >= 0 && b <= a)) {
			field_error_add(&e, fo,
			                N_("Indiquez l'ouverture et la fermeture (HH:MM), la fermeture après "
			                   "l'ouverture, ou laissez les deux vides."));
			continue;
		}
		if (a >= 0) {
			any = 1;
			qs.opens[d] = a;
			qs.closes[d] = b;
		}
	}
	qs.hours_set = any;
	qs.show_names = *page_field(r, "show_names") != '\0';
	const char **langs;
	size_t nl = page_field_all(r, "kiosk_languages", &langs);
	for (size_t i = 0; i < nl; i++)
		if (!i18n_find_public(langs[i]) || strchr(langs[i], ','))
			field_error_add(&e, "kiosk_languages", N_("Choisissez des langues de la liste."));
	qs.kiosk_languages = page_join_codes(r, langs, nl);
	const char **needs;
	size_t nn = page_field_all(r, "kiosk_needs", &needs);
	for (size_t i = 0; i < nn; i++) {
		unsigned bit;
		if (queue_needs_parse(needs[i], &bit) != 0 || strchr(needs[i], ','))
			field_error_add(&e, "kiosk_needs", N_("Ce besoin n'est pas connu."));
		else
			qs.kiosk_needs |= bit;
	}
	if (!qs.kiosk_languages)
		qs.kiosk_languages = "";
	if (e.n) {
		r->status = 400;
		settings_form(r, &site, svc ? svc : old, svc ? n : nold, &qs, &e);
		return 0;
	}
	int rc = store_queue_settings_save(r->app->store, &qs, svc, n);
	if (rc == STORE_CONFLICT) {
		field_error_add(&e, "svc_prefix_0", N_("Deux services ne peuvent pas avoir la même lettre."));
		r->status = 400;
		settings_form(r, &site, svc, n, &qs, &e);
		return 0;
	}
	if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "queue_settings", site.id, site.id, NULL);
	http_redirect(r, queue_path(r, site.id, "/settings?saved=1"));
	return 0;
}
