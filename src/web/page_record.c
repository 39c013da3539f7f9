/*
 * page_record.c: what the pages of a site's records (visits, workshops)
 * share around one record: finding it and its site, the correction window
 * that decides whether it may still be changed, and its deletion (the
 * confirmation page and the POST). A record the user may not read answers
 * exactly like a missing one.
 */
#include "app/app.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "web/ui.h"
#include "domain/visit.h"
#include "store/store_escalations.h"
#include "util/util.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

int page_visible_site(req *r, int64_t site_id, store_site *site)
{
	if (store_site_get(r->app->store, r->arena, site_id, site) != STORE_OK ||
	    !auth_site_visible(r, site)) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

int page_path_id(req *r, int64_t *id)
{
	return parse_int64(http_param(r, 0), 1, INT64_MAX, id);
}

int page_path_site(req *r, store_site *site)
{
	int64_t id;
	if (page_path_id(r, &id) != 0) {
		page_not_found(r);
		return -1;
	}
	return page_visible_site(r, id, site);
}

int page_load_visit(req *r, store_visit *v, store_site *site)
{
	int64_t id;
	if (page_path_id(r, &id) != 0 || store_visit_get(r->app->store, r->arena, id, v) != STORE_OK) {
		page_not_found(r);
		return -1;
	}
	return page_visible_site(r, v->site_id, site);
}

int page_load_demand(req *r, store_visit *v, store_site *site, const store_demand **d)
{
	int64_t id, visit_id;
	*d = NULL;
	if (page_path_id(r, &id) != 0)
		return page_not_found(r), -1;
	int rc = store_escalation_demand_visit(r->app->store, id, &visit_id);
	if (rc == STORE_OK)
		rc = store_visit_get(r->app->store, r->arena, visit_id, v);
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r), -1;
	if (rc != STORE_OK) {
		ui_error_page(r, 500, N_("Une erreur est survenue. Réessayez dans un instant."));
		return -1;
	}
	if (page_visible_site(r, v->site_id, site) != 0)
		return -1;
	for (size_t i = 0; i < v->ndemands; i++)
		if (v->demands[i].id == id)
			*d = &v->demands[i];
	if (!*d)
		return page_not_found(r), -1;
	return 0;
}

const char *page_when_text(req *r, int64_t t)
{
	char d[11], hm[6];
	if (t <= 0)
		return "";
	time_local_date(t, d);
	time_local_hm(t, hm);
	const char *s = arena_printf(r->arena, "%s %s", d, hm);
	return s ? s : "";
}

int page_require_correctable(req *r, int64_t site_id, int64_t created_at)
{
	int64_t days = 0;
	if (store_site_correction_days(r->app->store, site_id, &days) != STORE_OK) {
		r->status = 500;
		page_error(r);
		return 0;
	}
	if (visit_in_correction_window(created_at, days, now_s()))
		return 1;
	buf_reset(&r->out);
	http_status(r, 403);
	ui_page_begin(r, _(r, "Correction impossible"));
	buf *o = &r->out;
	html_raw_trusted(o, "<p>");
	if (days == 0)
		html_txt(
		    o,
		    _(r,
		      "Ce lieu n'autorise aucune correction : un enregistrement ne peut plus être modifié ni "
		      "supprimé une fois créé."));
	else
		ui_txt_count(
		    r,
		    i18n_plural(
		        r->lang,
		        "Ce lieu autorise les corrections pendant %d jour après l'enregistrement : "
		        "ce délai est dépassé, l'enregistrement ne peut plus être modifié ni supprimé.",
		        "Ce lieu autorise les corrections pendant %d jours après l'enregistrement : "
		        "ce délai est dépassé, l'enregistrement ne peut plus être modifié ni supprimé.",
		        (unsigned long)days),
		    days);
	html_raw_trusted(o, "</p><p>");
	html_txt(o, _(r, "Le délai de correction protège les statistiques déjà publiées. Si une erreur doit "
	                 "être corrigée, adressez-vous au responsable de votre lieu."));
	html_raw_trusted(o, "</p>");
	ui_page_end(r);
	return 0;
}

int page_require_corrector(req *r, int64_t site_id, int64_t created_at, const char *refusal)
{
	if (!page_may_record(r, site_id)) {
		ui_error_page(r, 403, refusal);
		return 0;
	}
	return page_require_correctable(r, site_id, created_at);
}

int page_correction_state(req *r, int64_t site_id, int64_t created_at)
{
	int64_t days = 0;
	if (!page_may_record(r, site_id) ||
	    store_site_correction_days(r->app->store, site_id, &days) != STORE_OK)
		return -1;
	return visit_in_correction_window(created_at, days, now_s());
}

const char *page_record_path(req *r, const char *base, int64_t id, const char *rest)
{
	const char *s = arena_printf(r->arena, "/%s/%lld%s", base, (long long)id, rest);
	if (s)
		return s;
	s = arena_printf(r->arena, "/%s", base);
	return s ? s : "/";
}

void page_record_actions(req *r, const char *base, int64_t id, const char *edit, const char *del)
{
	buf *o = &r->out;
	RAW(r, "<p class=\"actions\"><a class=\"button\" href=\"/");
	html_attr(o, base);
	RAW(r, "/");
	html_int(o, id);
	RAW(r, "/edit\">");
	html_txt(o, edit);
	RAW(r, "</a> <a class=\"button-danger\" href=\"/");
	html_attr(o, base);
	RAW(r, "/");
	html_int(o, id);
	RAW(r, "/delete\">");
	html_txt(o, del);
	RAW(r, "</a></p>\n");
}

void page_delete_confirm(req *r, const page_deletion *d)
{
	buf *o = &r->out;
	ui_page_begin(r, d->title);
	RAW(r, "<p>");
	html_txt(o, d->intro);
	RAW(r, " <strong>");
	html_txt(o, d->when);
	RAW(r, "</strong> (");
	html_txt(o, d->what);
	RAW(r, ").</p>\n<p>");
	html_txt(o, d->consequence);
	RAW(r, "</p>\n");
	ui_form_begin(r, page_record_path(r, d->base, d->id, "/delete"));
	RAW(r, "<div class=\"actions\"><button type=\"submit\" class=\"button-danger\">");
	html_txt(o, d->title);
	RAW(r, "</button> <a href=\"");
	html_attr(o, d->cancel_href ? d->cancel_href : page_record_path(r, d->base, d->id, ""));
	RAW(r, "\">");
	html_txt(o, d->cancel);
	RAW(r, "</a></div>\n");
	ui_form_end(r);
	ui_page_end(r);
}

int page_stored(req *r, int rc, const char *action, const char *entity, int64_t id, int64_t site_id,
                const char *detail, const char *to)
{
	if (rc != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, action, entity, id, site_id, detail);
	http_redirect(r, to);
	return 0;
}

/* ---- The shared handlers of a correctable record ---- */

/* The record of the path into fresh arena memory, if the user may correct
 * it now; NULL once answered. */
static void *load_correctable(req *r, const page_record_kind *k, store_site *site, page_record_ref *ref)
{
	if (!page_require_login(r))
		return NULL;
	void *rec = arena_alloc(r->arena, k->record_size);
	if (!rec) {
		r->status = 500;
		page_error(r);
		return NULL;
	}
	if (k->load(r, rec, site, ref) != 0)
		return NULL;
	return page_require_corrector(r, ref->site_id, ref->created_at, k->refusal) ? rec : NULL;
}

static void *new_form(req *r, const page_record_kind *k)
{
	void *form = arena_alloc(r->arena, k->form_size);
	if (!form) {
		r->status = 500;
		page_error(r);
	}
	return form;
}

int page_record_edit(req *r, const page_record_kind *k)
{
	store_site site;
	page_record_ref ref;
	const void *rec = load_correctable(r, k, &site, &ref);
	void *form = rec ? new_form(r, k) : NULL;
	if (!form)
		return 0;
	if (k->opened)
		k->opened(r, rec);
	k->form_from(r, form, rec);
	ui_page_begin(r, _(r, k->edit_title));
	field_errors e = {0};
	k->render(r, form, page_record_path(r, k->base, ref.id, "/edit"), 0, &e);
	ui_page_end(r);
	return 0;
}

int page_record_update(req *r, const page_record_kind *k)
{
	store_site site;
	page_record_ref ref;
	const void *rec = load_correctable(r, k, &site, &ref);
	if (!rec || !page_require_form(r))
		return 0;
	void *form = new_form(r, k);
	if (!form)
		return 0;
	k->form_from(r, form, rec);
	if (k->check(r, form, 0, page_record_path(r, k->base, ref.id, "/edit"), _(r, k->edit_title)) != 0)
		return 0;
	int rc = k->save(r, form, rec);
	page_stored(r, rc, "update", k->entity, ref.id, ref.site_id, NULL, k->updated_to(r, rec));
	if (rc == STORE_OK && k->saved)
		k->saved(r, form, rec);
	return 0;
}

int page_record_delete_form(req *r, const page_record_kind *k)
{
	store_site site;
	page_record_ref ref;
	const void *rec = load_correctable(r, k, &site, &ref);
	if (!rec)
		return 0;
	page_deletion d = {.base = k->base, .id = ref.id};
	k->deletion(r, rec, &site, &d);
	page_delete_confirm(r, &d);
	return 0;
}

int page_record_delete(req *r, const page_record_kind *k)
{
	store_site site;
	page_record_ref ref;
	const void *rec = load_correctable(r, k, &site, &ref);
	if (!rec || !page_require_form(r))
		return 0;
	return page_stored(r, k->remove(r->app->store, ref.id, now_s()), "delete", k->entity, ref.id,
	                   ref.site_id, NULL, k->deleted_to(r, rec));
}
