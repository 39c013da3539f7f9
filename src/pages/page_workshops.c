/*
 * page_workshops.c: the collective workshops (ateliers collectifs): list,
 * recording, page, correction within the site's correction window, and
 * (soft) deletion. A workshop holds no personal data: its participants are
 * anonymous counts by gender and by age bracket, whose sums the domain
 * checks against the number of participants (workshop_validate).
 */
#include <string.h>

#include "app/app.h"
#include "vocab/enums.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"
#include "domain/visit.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))
#define RECORDERS (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

/* The counts' field names: "g_" or "a_" and the vocabulary's code, as the
 * columns of sql/003_accompaniment.sql. */
#define NGENDER 3
#define NAGE 8

typedef struct workshop_form {
	store_workshop w;
	const char *date, *time, *duration, *participants;
	const char *gender[NGENDER], *age[NAGE];
	store_site *sites;
	size_t nsites;
} workshop_form;

static const char *count_name(req *r, const char *prefix, const char *code)
{
	const char *s = arena_printf(r->arena, "%s%s", prefix, code);
	return s ? s : prefix;
}

static void form_defaults(req *r, workshop_form *f)
{
	memset(f, 0, sizeof *f);
	char date[11], hm[6];
	int64_t now = now_s();
	time_local_date(now, date);
	time_local_hm(now, hm);
	f->date = arena_strdup(r->arena, date);
	f->time = arena_strdup(r->arena, hm);
	f->duration = "60";
	f->participants = "";
	f->w.topic_code = f->w.note = "";
	f->w.level = "debutant";
	for (size_t i = 0; i < NGENDER; i++)
		f->gender[i] = "";
	for (size_t i = 0; i < NAGE; i++)
		f->age[i] = "";
}

static void form_from(req *r, workshop_form *f, const store_workshop *w)
{
	form_defaults(r, f);
	f->w = *w;
	char date[11], hm[6];
	time_local_date(w->held_at, date);
	time_local_hm(w->held_at, hm);
	f->date = arena_strdup(r->arena, date);
	f->time = arena_strdup(r->arena, hm);
	f->duration = page_int_text(r, w->duration_min);
	f->participants = page_int_text(r, w->participants);
	for (size_t i = 0; i < NGENDER; i++)
		f->gender[i] = page_int_text(r, w->by_gender[i]);
	for (size_t i = 0; i < NAGE; i++)
		f->age[i] = page_int_text(r, w->by_age[i]);
}

static void read_count(req *r, const char *name, const char **text, int64_t *out, field_errors *e)
{
	*text = page_field(r, name);
	*out = 0;
	if (**text && parse_int64(*text, 0, INT32_MAX, out) != 0)
		field_error_add(e, name, "Indiquez un nombre entier, 0 ou plus.");
}

static void read_form(req *r, workshop_form *f, int creating, field_errors *e)
{
	store_workshop *w = &f->w;
	if (creating) {
		w->site_id = page_chosen_site(r, "site_id", f->sites, f->nsites, e);
		w->agent_id = r->session->user.id;
	}
	w->topic_code = (char *)page_field(r, "topic_code");
	w->level = (char *)page_field(r, "level");
	f->date = page_field(r, "date");
	f->time = page_field(r, "time");
	if (time_parse_local(f->date, f->time, &w->held_at) != 0)
		field_error_add(e, "date",
		                "La date (AAAA-MM-JJ) ou l'heure (HH:MM) de l'atelier n'est pas valide.");
	read_count(r, "duration_min", &f->duration, &w->duration_min, e);
	read_count(r, "participants", &f->participants, &w->participants, e);
	for (size_t i = 0; i < NGENDER && i < ENUM_GENDER.n; i++)
		read_count(r, count_name(r, "g_", ENUM_GENDER.items[i].code), &f->gender[i], &w->by_gender[i],
		           e);
	for (size_t i = 0; i < NAGE && i < ENUM_AGE.n; i++)
		read_count(r, count_name(r, "a_", ENUM_AGE.items[i].code), &f->age[i], &w->by_age[i], e);
	w->note = (char *)page_field(r, "note");
}

/* A group of count inputs; id is the target of the summary's link for an
 * error on the whole group (its sum). */
static void counts(req *r, const char *id, const char *legend, const char *prefix, const enum_def *d,
                   const char *const *values, size_t n, const field_errors *e)
{
	buf *o = &r->out;
	const char *err = field_error_for(e, id);
	RAW(r, err ? "<div class=\"field field-error\">" : "<div class=\"field\">");
	RAW(r, "<fieldset class=\"counts\" tabindex=\"-1\" id=\"");
	html_attr(o, id);
	RAW(r, "\"><legend>");
	html_txt(o, legend);
	RAW(r, "</legend>\n");
	if (err)
		ui_field_error(r, id, err);
	for (size_t i = 0; i < n && i < d->n; i++) {
		ui_field f = {.name = count_name(r, prefix, d->items[i].code),
		              .label = _(r, d->items[i].label),
		              .value = values[i],
		              .type = "text",
		              .autocomplete = "off"};
		ui_input(r, &f, e);
	}
	RAW(r, "</fieldset></div>\n");
}

static void render_form(req *r, const workshop_form *f, const char *action, int creating,
                        const field_errors *e)
{
	const store_workshop *w = &f->w;
	ui_error_summary(r, e);
	ui_form_begin(r, action);
	if (creating)
		page_site_choice(r, "site_id", f->sites, f->nsites, w->site_id, e);
	store_topic *topics = NULL;
	size_t nt = 0;
	ui_option *to = NULL;
	/* The active topics, and the workshop's own if it was deactivated
	 * since, so that correcting an old workshop does not change it. */
	if (store_topic_list(r->app->store, r->arena, 0, &topics, &nt) == STORE_OK &&
	    (to = arena_alloc(r->arena, (nt + 1) * sizeof *to))) {
		size_t k = 0;
		for (size_t i = 0; i < nt; i++)
			if (topics[i].active || str_eq(topics[i].code, w->topic_code))
				to[k++] = (ui_option){topics[i].code, _(r, topics[i].label)};
		ui_opt_group g = {NULL, to, k};
		ui_select_groups(r, "topic_code", _(r, "Thème de l'atelier"), _(r, "— Choisir un thème —"),
		                 w->topic_code, &g, 1, e, 0);
	}
	page_radios_enum(r, "level", _(r, "Niveau"), &ENUM_WORKSHOP_LEVEL, w->level, e);
	RAW(r, "<div class=\"inline-fields\">");
	ui_field d = {.name = "date", .label = _(r, "Date"), .value = f->date, .type = "date", .required = 1};
	ui_input(r, &d, e);
	ui_field t = {
	    .name = "time", .label = _(r, "Heure de début"), .value = f->time, .type = "time", .required = 1};
	ui_input(r, &t, e);
	RAW(r, "</div>\n");
	ui_field du = {.name = "duration_min",
	               .label = _(r, "Durée (minutes)"),
	               .value = f->duration,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &du, e);
	ui_field pa = {.name = "participants",
	               .label = _(r, "Nombre de participants"),
	               .value = f->participants,
	               .type = "text",
	               .autocomplete = "off",
	               .required = 1};
	ui_input(r, &pa, e);
	RAW(r, "<p class=\"hint\">");
	html_txt(&r->out,
	         _(r, "Les participants restent anonymes : indiquez seulement combien, par genre et par âge "
	              "si vous le savez. Chaque total ne peut pas dépasser le nombre de participants."));
	RAW(r, "</p>\n");
	counts(r, "by_gender", _(r, "Participants par genre"), "g_", &ENUM_GENDER, f->gender, NGENDER, e);
	counts(r, "by_age", _(r, "Participants par tranche d'âge"), "a_", &ENUM_AGE, f->age, NAGE, e);
	ui_field no = {.name = "note",
	               .label = _(r, "Note"),
	               .hint = _(r, "N'écrivez pas de données personnelles ni sensibles."),
	               .value = w->note};
	ui_textarea(r, &no, e);
	ui_submit(r, creating ? _(r, "Enregistrer l'atelier") : _(r, "Enregistrer les modifications"));
	ui_form_end(r);
}

static int load_sites(req *r, workshop_form *f)
{
	return page_sites_or_refuse(r, 0, &f->sites, &f->nsites,
	                            "Vous n'êtes rattaché à aucun lieu d'accueil : demandez à votre "
	                            "responsable de vous y ajouter pour enregistrer des ateliers.");
}

/* Reads, validates; 0 when the workshop may be stored, else the form has
 * been rendered again with its errors (400). */
static int check(req *r, workshop_form *f, int creating, const char *action, const char *title)
{
	field_errors e = {0}, more = {0};
	read_form(r, f, creating, &e);
	if (workshop_validate(r->app->store, &f->w, now_s(), &more) != 0)
		page_merge_errors(&e, &more, "held_at");
	if (e.n == 0)
		return 0;
	http_status(r, 400);
	ui_page_begin(r, title);
	render_form(r, f, action, creating, &e);
	ui_page_end(r);
	return -1;
}

int page_workshop_new(req *r)
{
	if (!page_require_role(r, RECORDERS))
		return 0;
	workshop_form f;
	form_defaults(r, &f);
	if (load_sites(r, &f) != 0)
		return 0;
	f.w.site_id = f.sites[0].id;
	ui_page_begin(r, _(r, "Enregistrer un atelier"));
	field_errors e = {0};
	render_form(r, &f, "/workshops", 1, &e);
	ui_page_end(r);
	return 0;
}

int page_workshop_create(req *r)
{
	if (!page_require_role(r, RECORDERS))
		return 0;
	workshop_form f;
	form_defaults(r, &f);
	if (load_sites(r, &f) != 0 || !page_require_form(r))
		return 0;
	if (check(r, &f, 1, "/workshops", _(r, "Enregistrer un atelier")) != 0)
		return 0;
	f.w.id = 0;
	if (store_workshop_insert(r->app->store, &f.w) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	http_redirect(r, page_record_path(r, "workshops", f.w.id, "?saved=1"));
	return 0;
}

/* The workshop named in the path, if the user may read it; 404 otherwise. */
static int load_workshop(req *r, store_workshop *w, store_site *site)
{
	int64_t id;
	if (page_path_id(r, &id) != 0 || store_workshop_get(r->app->store, r->arena, id, w) != STORE_OK ||
	    w->deleted_at) {
		page_not_found(r);
		return -1;
	}
	return page_visible_site(r, w->site_id, site);
}

static const char *topic_label(req *r, const char *code)
{
	store_topic *t = NULL;
	size_t n = 0;
	if (store_topic_list(r->app->store, r->arena, 0, &t, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			if (str_eq(t[i].code, code))
				return _(r, t[i].label);
	return code;
}

int page_workshops_list(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_site *sites = NULL, *mine = NULL;
	size_t ns = 0, nmine = 0;
	if (page_readable_sites(r, &sites, &ns) != 0 || page_recording_sites(r, &mine, &nmine) != 0) {
		r->status = 500;
		return page_error(r);
	}
	int64_t *ids = arena_alloc(r->arena, (ns + 1) * sizeof *ids);
	store_workshop *w = NULL;
	size_t n = 0;
	for (size_t i = 0; ids && i < ns; i++)
		ids[i] = sites[i].id;
	if (ns && (!ids || store_workshop_list(r->app->store, r->arena, ids, ns, 0, 0, &w, &n) != STORE_OK)) {
		r->status = 500;
		return page_error(r);
	}
	ui_page_begin(r, _(r, "Ateliers collectifs"));
	buf *o = &r->out;
	if (nmine) {
		RAW(r, "<p><a class=\"button\" href=\"/workshops/new\">");
		html_txt(o, _(r, "Enregistrer un atelier"));
		RAW(r, "</a></p>\n");
	}
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Aucun atelier enregistré pour le moment."));
		RAW(r, "</p>\n");
		ui_page_end(r);
		return 0;
	}
	if (n > LIMIT_PAGE_ROWS)
		n = LIMIT_PAGE_ROWS;
	ui_table_begin(r, NULL, _(r, "Ateliers, du plus récent au plus ancien"));
	ui_th(r, _(r, "Date"));
	ui_th(r, _(r, "Thème de l'atelier"));
	ui_th(r, _(r, "Niveau"));
	ui_th(r, _(r, "Participants"));
	if (ns > 1)
		ui_th(r, _(r, "Lieu"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		char date[11], hm[6];
		time_local_date(w[i].held_at, date);
		time_local_hm(w[i].held_at, hm);
		RAW(r, "<tr><td><a href=\"/workshops/");
		html_int(o, w[i].id);
		RAW(r, "\">");
		html_txt(o, date);
		RAW(r, " ");
		html_txt(o, hm);
		RAW(r, "</a></td><td>");
		html_txt(o, topic_label(r, w[i].topic_code));
		RAW(r, "</td><td>");
		html_txt(o, _(r, enum_label(&ENUM_WORKSHOP_LEVEL, w[i].level)));
		RAW(r, "</td><td>");
		html_int(o, w[i].participants);
		RAW(r, "</td>");
		if (ns > 1) {
			RAW(r, "<td>");
			for (size_t k = 0; k < ns; k++)
				if (sites[k].id == w[i].site_id)
					html_txt(o, sites[k].name);
			RAW(r, "</td>");
		}
		RAW(r, "</tr>\n");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}

int page_workshop_show(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_workshop w;
	store_site site;
	if (load_workshop(r, &w, &site) != 0)
		return 0;
	char date[11], hm[6];
	time_local_date(w.held_at, date);
	time_local_hm(w.held_at, hm);
	ui_page_begin(r, page_count_text(r, _(r, "Atelier n° %d"), w.id));
	if (http_query(r, "saved"))
		ui_notice(r, "success", _(r, "Atelier enregistré."));
	buf *o = &r->out;
	RAW(r, "<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Lieu"), site.name);
	ui_dl_item(r, _(r, "Thème de l'atelier"), topic_label(r, w.topic_code));
	ui_dl_item(r, _(r, "Niveau"), _(r, enum_label(&ENUM_WORKSHOP_LEVEL, w.level)));
	ui_dl_item(r, _(r, "Date et heure"), arena_printf(r->arena, "%s %s", date, hm));
	ui_dl_item(r, _(r, "Durée"), page_count_text(r, _(r, "%d min"), w.duration_min));
	ui_dl_item(r, _(r, "Nombre de participants"), page_count_text(r, "%d", w.participants));
	for (size_t i = 0; i < NGENDER && i < ENUM_GENDER.n; i++)
		if (w.by_gender[i])
			ui_dl_item(r, _(r, ENUM_GENDER.items[i].label),
			           page_count_text(r, "%d", w.by_gender[i]));
	for (size_t i = 0; i < NAGE && i < ENUM_AGE.n; i++)
		if (w.by_age[i])
			ui_dl_item(r, _(r, ENUM_AGE.items[i].label), page_count_text(r, "%d", w.by_age[i]));
	if (*w.note)
		ui_dl_item(r, _(r, "Note"), w.note);
	RAW(r, "</dl>\n");
	if (page_correction_state(r, w.site_id, w.created_at) == 1)
		page_record_actions(r, "workshops", w.id, _(r, "Corriger l'atelier"),
		                    _(r, "Supprimer l'atelier"));
	RAW(r, "<p><a href=\"/workshops\">");
	html_txt(o, _(r, "Tous les ateliers"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
	return 0;
}

/* ---- Correcting and deleting a workshop: the shared handlers of
 * page_record.c, with the workshop's own steps. */

static int workshop_load(req *r, void *rec, store_site *site, page_record_ref *ref)
{
	store_workshop *w = rec;
	if (load_workshop(r, w, site) != 0)
		return -1;
	*ref = (page_record_ref){w->id, w->site_id, w->created_at};
	return 0;
}

static void workshop_form_from(req *r, void *form, const void *rec)
{
	form_from(r, form, rec);
}

static void workshop_render(req *r, const void *form, const char *action, int creating,
                            const field_errors *e)
{
	render_form(r, form, action, creating, e);
}

static int workshop_check(req *r, void *form, int creating, const char *action, const char *title)
{
	return check(r, form, creating, action, title);
}

static int workshop_save(req *r, void *form, const void *rec)
{
	workshop_form *f = form;
	const store_workshop *w = rec;
	f->w.id = w->id;
	f->w.site_id = w->site_id;
	f->w.agent_id = w->agent_id;
	return store_workshop_update(r->app->store, &f->w);
}

static const char *workshop_updated_to(req *r, const void *rec)
{
	const store_workshop *w = rec;
	return page_record_path(r, "workshops", w->id, "");
}

static void workshop_deletion(req *r, const void *rec, const store_site *site, page_deletion *d)
{
	const store_workshop *w = rec;
	char *date = arena_alloc(r->arena, 11);
	if (date)
		time_local_date(w->held_at, date);
	d->title = _(r, "Supprimer l'atelier");
	d->intro = _(r, "Vous allez supprimer l'atelier du");
	d->when = date ? date : "";
	d->what = topic_label(r, w->topic_code);
	d->consequence = _(r, "Il n'apparaîtra plus dans les listes ni dans les statistiques.");
	d->cancel = _(r, "Annuler et revenir à l'atelier");
}

static const char *workshop_deleted_to(req *r, const void *rec)
{
	return "/workshops";
}

static const page_record_kind workshop_kind = {
    .base = "workshops",
    .entity = "workshop",
    .edit_title = N_("Corriger l'atelier"),
    .refusal = N_("Seuls les conseillers et responsables du lieu peuvent corriger ses ateliers."),
    .record_size = sizeof(store_workshop),
    .form_size = sizeof(workshop_form),
    .load = workshop_load,
    .form_from = workshop_form_from,
    .render = workshop_render,
    .check = workshop_check,
    .save = workshop_save,
    .updated_to = workshop_updated_to,
    .deletion = workshop_deletion,
    .remove = store_workshop_delete,
    .deleted_to = workshop_deleted_to,
};

int page_workshop_edit(req *r)
{
	return page_record_edit(r, &workshop_kind);
}

int page_workshop_update(req *r)
{
	return page_record_update(r, &workshop_kind);
}

int page_workshop_delete_form(req *r)
{
	return page_record_delete_form(r, &workshop_kind);
}

int page_workshop_delete(req *r)
{
	return page_record_delete(r, &workshop_kind);
}
