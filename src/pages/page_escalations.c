/*
 * page_escalations.c: escalations of a demand to an operator's back office
 * (docs/escalations.md): the adviser's form from a demand (question,
 * documents, the person's consent), the list of the escalations one may
 * see (the referents' queue by due date), an escalation's page with its
 * journal, its documents and a form for each move the reader may make,
 * the download of a document, the block shown on a demand of a visit's
 * page, and the administrators' page of the referents' départements.
 *
 * Who sees an escalation, from which side, lists it or names the
 * referents is domain/access.h's; which move each side may make now is
 * domain/escalation.h's. An escalation one may not see answers 404,
 * exactly like a missing one. Moves go through app/app_escalations.c,
 * which stores them and calls the notification hook.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/app_escalations.h"
#include "domain/access.h"
#include "domain/escalation.h"
#include "domain/site.h"
#include "store/store_escalations.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "web/ui.h"
#include "pages/pages.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* An escalation as the reader sees it. */
typedef struct esc_view {
	store_escalation e;
	escalation_actor actor;
	escalation_side side;
} esc_view;

static int server_error(req *r)
{
	ui_error_page(r, 500, N_("Une erreur est survenue. Réessayez dans un instant."));
	return 0;
}

static const char *day_text(req *r, int64_t t)
{
	char d[11];
	if (t <= 0)
		return "";
	time_local_date(t, d);
	const char *s = arena_strdup(r->arena, d);
	return s ? s : "";
}

/* The escalation of the path's first parameter, if the user sees it;
 * otherwise a 404 as for a missing one. 0, or -1 once answered. */
static int load(req *r, esc_view *v)
{
	int64_t id;
	memset(v, 0, sizeof *v);
	if (page_path_id(r, &id) != 0)
		return page_not_found(r), -1;
	int rc = store_escalation_get(r->app->store, r->arena, id, &v->e);
	if (rc == STORE_NOT_FOUND)
		return page_not_found(r), -1;
	if (rc != STORE_OK || app_escalation_actor(r->app, r->arena, &r->session->user, &v->actor) != 0)
		return server_error(r), -1;
	v->side = escalation_side_of(&v->actor, &v->e);
	if (v->side == ESC_SIDE_NONE)
		return page_not_found(r), -1;
	return 0;
}

/* The due date, and "en retard" in words when it is past (not only a
 * colour). */
static void due_cell(req *r, const store_escalation *e, int64_t now)
{
	if (str_eq(e->status, "nouvelle") || str_eq(e->status, "cloturee") || e->due_at <= 0) {
		html_txt(&r->out, "—");
		return;
	}
	html_txt(&r->out, day_text(r, e->due_at));
	if (escalation_overdue(e, now)) {
		RAW(r, " <strong class=\"overdue\">");
		html_txt(&r->out, _(r, "En retard"));
		RAW(r, "</strong>");
	}
}

static void status_text(req *r, const store_escalation *e)
{
	html_txt(&r->out, _(r, escalation_status_label(e->status)));
	if (e->info_requested && str_eq(e->status, "en_cours")) {
		RAW(r, " — ");
		html_txt(&r->out, _(r, "complément demandé au conseiller"));
	}
}

/* ---- The list. */

int page_escalations_list(req *r)
{
	if (!page_require_login(r))
		return 0;
	const store_user *u = &r->session->user;
	escalation_actor actor;
	if (app_escalation_actor(r->app, r->arena, u, &actor) != 0)
		return server_error(r);
	int closed = http_query(r, "closed") != NULL;
	store_escalation_filter f = {.open_only = !closed};
	access_escalation_scope(&actor, &f);
	store_escalation *v = NULL;
	size_t n = 0;
	if (store_escalation_list(r->app->store, r->arena, &f, &v, &n) != STORE_OK)
		return server_error(r);
	int64_t now = now_s();
	ui_page_begin(r, _(r, "Escalades"));
	RAW(r, "<p>");
	if (access_escalation_referent(u))
		html_txt(&r->out,
		         _(r, "Les questions que les conseillers vous ont transmises, la plus urgente "
		              "d'abord."));
	else
		html_txt(&r->out,
		         _(r, "Les questions transmises aux services des opérateurs partenaires, la plus "
		              "urgente d'abord."));
	RAW(r, "</p>\n");
	if (access_escalation_referent(u) && actor.ndepartements == 0)
		ui_notice(r, "info",
		          _(r, "Aucun département ne vous est encore attribué : un administrateur doit "
		               "l'indiquer."));
	RAW(r, "<p><a href=\"");
	RAW(r, closed ? "/escalations\">" : "/escalations?closed=1\">");
	html_txt(&r->out, closed ? _(r, "Voir seulement les escalades ouvertes")
	                         : _(r, "Voir aussi les escalades clôturées"));
	RAW(r, "</a>");
	if (access_may_name_referents(u)) {
		RAW(r, " · <a href=\"/escalations/referents\">");
		html_txt(&r->out, _(r, "Référents des opérateurs"));
		RAW(r, "</a>");
	}
	RAW(r, "</p>\n");
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Aucune escalade."));
		RAW(r, "</p>\n");
		ui_page_end(r);
		return 0;
	}
	ui_table_begin(r, NULL, _(r, "Escalades"));
	ui_th(r, _(r, "Numéro"));
	ui_th(r, _(r, "Opérateur"));
	ui_th(r, _(r, "Lieu"));
	ui_th(r, _(r, "Statut"));
	ui_th(r, _(r, "Échéance"));
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		RAW(r, escalation_overdue(&v[i], now) ? "<tr class=\"overdue\"><td><a href=\"/escalations/"
		                                      : "<tr><td><a href=\"/escalations/");
		html_int(&r->out, v[i].id);
		RAW(r, "\">");
		html_txt(&r->out, page_count_text(r, _(r, "n° %d"), v[i].id));
		RAW(r, "</a></td><td>");
		html_txt(&r->out, v[i].operator_name);
		RAW(r, "</td><td>");
		html_txt(&r->out, v[i].site_name);
		RAW(r, "</td><td>");
		status_text(r, &v[i]);
		RAW(r, "</td><td>");
		due_cell(r, &v[i], now);
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
	ui_page_end(r);
	return 0;
}

/* ---- Documents brought by a form. */

static void files_input(req *r, const char *name, const ui_errors *e)
{
	const char *err = e ? field_error_for(e, name) : NULL;
	RAW(r, err ? "<div class=\"field field-error\">\n<label for=\""
	           : "<div class=\"field\">\n<label for=\"");
	html_attr(&r->out, name);
	RAW(r, "\">");
	html_txt(&r->out, _(r, "Documents (facultatif)"));
	RAW(r, "</label>\n<p class=\"hint\" id=\"");
	html_attr(&r->out, name);
	RAW(r, "-hint\">");
	html_txt(&r->out, _(r, "PDF, JPEG ou PNG, 4 Mo au plus chacun, 3 documents au plus."));
	RAW(r, "</p>\n");
	if (err)
		ui_field_error(r, name, err);
	RAW(r, "<input type=\"file\" multiple "
	       "accept=\".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png\" "
	       "id=\"");
	html_attr(&r->out, name);
	RAW(r, "\" name=\"");
	html_attr(&r->out, name);
	RAW(r, "\" aria-describedby=\"");
	html_attr(&r->out, name);
	RAW(r, err ? "-hint " : "-hint\">\n</div>\n");
	if (err) {
		html_attr(&r->out, name);
		RAW(r, "-error\" aria-invalid=\"true\">\n</div>\n");
	}
}

/* Reads and stores the documents of the form field name: 0 with *n of
 * them, or -1 with an error on name. A file input left empty sends a part
 * without a name and without bytes: it is not a document. */
static int read_files(req *r, const char *name, store_escalation_file **out, size_t *n, field_errors *e)
{
	*out = NULL;
	*n = 0;
	size_t count = 0;
	for (size_t i = 0; i < r->form.n; i++) {
		const http_field *f = &r->form.v[i];
		if (str_eq(f->name, name) && f->filename && (f->value_len > 0 || *f->filename))
			count++;
	}
	if (count == 0)
		return 0;
	if (count > LIMIT_ESCALATION_FILES) {
		field_error_add(e, name, N_("Trois documents au plus à la fois."));
		return -1;
	}
	store_escalation_file *v = arena_alloc(r->arena, count * sizeof *v);
	if (!v) {
		field_error_add(e, name, N_("Les documents sont trop lourds."));
		return -1;
	}
	for (size_t i = 0; i < r->form.n; i++) {
		const http_field *f = &r->form.v[i];
		if (!str_eq(f->name, name) || !f->filename || (f->value_len == 0 && !*f->filename))
			continue;
		const char *why = NULL;
		if (app_escalation_file_put(r->app->cfg, r->arena, f->value, f->value_len, f->filename,
		                            &v[*n], &why) != 0) {
			field_error_add(e, name, why);
			*n = 0;
			return -1;
		}
		(*n)++;
	}
	*out = v;
	return 0;
}

/* ---- Escalating a demand. */

/* The demand of the path's first parameter with its visit and site, if
 * the user sees it (else 404) and may escalate it (else 403). */
static int load_demand(req *r, store_visit *visit, store_site *site, const store_demand **d)
{
	if (page_load_demand(r, visit, site, d) != 0)
		return -1;
	if (!escalation_may_create(&r->session->user, visit->site_id)) {
		ui_error_page(r, 403, N_("Seuls les conseillers du lieu transmettent ses demandes."));
		return -1;
	}
	if ((*d)->escalation_id) {
		http_redirect(r, arena_printf(r->arena, "/escalations/%lld", (long long)(*d)->escalation_id));
		return -1;
	}
	if (!str_eq((*d)->outcome, "escalade")) {
		ui_error_page(
		    r, 409,
		    N_("Seule une demande dont le résultat est « Transmis au service de l'opérateur » "
		       "peut être transmise."));
		return -1;
	}
	return 0;
}

static void escalate_form(req *r, const store_demand *d, const store_site *site, const char *question,
                          int consent, const ui_errors *e)
{
	store_operator op;
	const char *opname = store_operator_get_kept(r->app->store, r->arena, d->operator_code, &op) == STORE_OK
	                         ? op.name
	                         : d->operator_code;
	ui_page_begin(r, _(r, "Transmettre au service de l'opérateur"));
	ui_error_summary(r, e);
	RAW(r, "<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Opérateur"), opname);
	ui_dl_item(r, _(r, "Lieu"), site->name);
	RAW(r, "</dl>\n<form method=\"post\" action=\"/demands/");
	html_int(&r->out, d->id);
	RAW(r, "/escalate\" enctype=\"multipart/form-data\" novalidate>\n<input type=\"hidden\" "
	       "name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(&r->out, r->csrf ? r->csrf : "");
	RAW(r, "\">\n");
	ui_field q = {.name = "question",
	              .label = _(r, "La question pour le service de l'opérateur"),
	              .hint = _(r, "Ce qui bloque, ce qui a déjà été fait, les références du dossier. 4000 "
	                           "caractères au plus."),
	              .value = question,
	              .required = 1};
	ui_textarea(r, &q, e);
	files_input(r, "files", e);
	const char *err = e ? field_error_for(e, "consent") : NULL;
	RAW(r, err ? "<div class=\"field field-error\">\n" : "<div class=\"field\">\n");
	if (err)
		ui_field_error(r, "consent", err);
	ui_checkbox(r, "consent",
	            _(r, "La personne accepte que sa demande et ses documents soient transmis au service de "
	                 "l'opérateur (obligatoire)."),
	            consent);
	RAW(r, "</div>\n");
	ui_submit(r, _(r, "Envoyer au référent"));
	RAW(r, "</form>\n<p><a href=\"/visits/");
	html_int(&r->out, d->visit_id);
	RAW(r, "\">");
	html_txt(&r->out, _(r, "Retour à la visite"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
}

int page_escalation_new(req *r)
{
	if (!page_require_login(r))
		return 0;
	store_visit visit;
	store_site site;
	const store_demand *d;
	if (load_demand(r, &visit, &site, &d) != 0)
		return 0;
	escalate_form(r, d, &site, "", 0, NULL);
	return 0;
}

int page_escalation_create(req *r)
{
	if (!page_require_login(r) || !page_require_form(r))
		return 0;
	store_visit visit;
	store_site site;
	const store_demand *d;
	if (load_demand(r, &visit, &site, &d) != 0)
		return 0;
	field_errors e = {0};
	char *question = arena_strdup(r->arena, page_field(r, "question"));
	int consent = str_eq(page_field(r, "consent"), "1");
	if (!question)
		return server_error(r);
	escalation_validate_new(question, consent, &e);
	store_escalation_file *files = NULL;
	size_t nfiles = 0;
	if (e.n == 0)
		read_files(r, "files", &files, &nfiles, &e);
	if (e.n) {
		http_status(r, 400);
		escalate_form(r, d, &site, question, consent, &e);
		return 0;
	}
	int64_t id = 0;
	int rc = app_escalation_create(r->app, r->arena, &r->session->user, d->id, question, consent, files,
	                               nfiles, now_s(), &id, &e);
	if (rc == APP_ESC_INVALID) {
		http_status(r, 400);
		escalate_form(r, d, &site, question, consent, &e);
		return 0;
	}
	if (rc == APP_ESC_EXISTS || rc == APP_ESC_NOT_ESCALADE) {
		ui_error_page(r, 409, N_("Cette demande a déjà été transmise, ou ne peut pas l'être."));
		return 0;
	}
	if (rc == APP_ESC_NOT_FOUND)
		return page_not_found(r);
	return page_stored(r, rc == APP_ESC_OK ? STORE_OK : STORE_ERROR, "create", "escalation", id, site.id,
	                   NULL, arena_printf(r->arena, "/escalations/%lld?done=created", (long long)id));
}

/* ---- An escalation's page. */

static void event_list(req *r, const esc_view *v)
{
	store_escalation_event *ev = NULL;
	size_t n = 0;
	if (store_escalation_events(r->app->store, r->arena, v->e.id, escalation_sees_internal(v->side), &ev,
	                            &n) != STORE_OK)
		return;
	RAW(r, "<h2>");
	html_txt(&r->out, _(r, "Historique"));
	RAW(r, "</h2>\n<ol class=\"escalation-events\">\n");
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<li><p><strong>");
		html_txt(&r->out, _(r, escalation_event_label(ev[i].action)));
		RAW(r, "</strong> — ");
		html_txt(&r->out, page_when_text(r, ev[i].at));
		if (*ev[i].user_name) {
			RAW(r, " — ");
			html_txt(&r->out, ev[i].user_name);
		}
		RAW(r, "</p>\n");
		if (ev[i].internal) {
			RAW(r, "<p><em>");
			html_txt(&r->out, _(r, "Note interne : les conseillers ne la voient pas."));
			RAW(r, "</em></p>\n");
		}
		/* The first event's text is the question, shown above. */
		if (*ev[i].body && !str_eq(ev[i].action, "creation")) {
			RAW(r, "<blockquote dir=\"auto\" class=\"escalation-text\">");
			html_txt(&r->out, ev[i].body);
			RAW(r, "</blockquote>\n");
		}
		RAW(r, "</li>\n");
	}
	RAW(r, "</ol>\n");
}

static void file_list(req *r, const esc_view *v)
{
	store_escalation_file *f = NULL;
	size_t n = 0;
	if (store_escalation_files(r->app->store, r->arena, v->e.id, &f, &n) != STORE_OK || n == 0)
		return;
	RAW(r, "<h2>");
	html_txt(&r->out, _(r, "Documents"));
	RAW(r, "</h2>\n<ul>\n");
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<li><a href=\"/escalations/");
		html_int(&r->out, v->e.id);
		RAW(r, "/files/");
		html_int(&r->out, f[i].id);
		RAW(r, "\">");
		html_txt(&r->out, f[i].name);
		RAW(r, "</a> (");
		html_txt(&r->out, escalation_file_ext(f[i].mime));
		RAW(r, ", ");
		html_txt(&r->out, page_count_text(r, _(r, "%d Ko"), (f[i].size + 1023) / 1024));
		RAW(r, ")</li>\n");
	}
	RAW(r, "</ul>\n");
}

/* The name of the text field of a move's form, distinct on the page. */
static const char *body_name(escalation_action a)
{
	switch (a) {
	case ESC_ANSWER:
		return "answer_text";
	case ESC_NOTE:
		return "note_text";
	case ESC_ASK_INFO:
		return "ask_text";
	case ESC_COMPLETE:
		return "complete_text";
	case ESC_WRONG:
		return "wrong_text";
	default:
		return "text";
	}
}

static void form_open(req *r, const esc_view *v, escalation_action a, const char *title, int multipart)
{
	RAW(r, "<section class=\"escalation-action\" aria-labelledby=\"action-");
	html_txt(&r->out, escalation_action_code(a));
	RAW(r, "\">\n<h3 id=\"action-");
	html_txt(&r->out, escalation_action_code(a));
	RAW(r, "\">");
	html_txt(&r->out, title);
	RAW(r, "</h3>\n<form method=\"post\" action=\"/escalations/");
	html_int(&r->out, v->e.id);
	RAW(r, multipart ? "\" enctype=\"multipart/form-data\" novalidate>\n" : "\" novalidate>\n");
	RAW(r, "<input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(&r->out, r->csrf ? r->csrf : "");
	RAW(r, "\">\n<input type=\"hidden\" name=\"op\" value=\"");
	html_attr(&r->out, escalation_action_code(a));
	RAW(r, "\">\n");
}

static void form_close(req *r, const char *submit)
{
	ui_submit(r, submit);
	RAW(r, "</form>\n</section>\n");
}

static void text_form(req *r, const esc_view *v, escalation_action a, const char *title, const char *label,
                      const char *submit, const ui_errors *e, int with_files)
{
	if (!escalation_may(&v->actor, &v->e, a))
		return;
	form_open(r, v, a, title, with_files);
	ui_field f = {.name = body_name(a), .label = label, .required = 1};
	if (e)
		f.value = page_field(r, body_name(a));
	ui_textarea(r, &f, e);
	if (with_files)
		files_input(r, "files", e);
	form_close(r, submit);
}

static void operator_options(req *r, const esc_view *v, ui_option **out, size_t *n)
{
	store_operator *ops = NULL;
	size_t nops = 0;
	*out = NULL;
	*n = 0;
	if (store_operator_list(r->app->store, r->arena, 1, &ops, &nops) != STORE_OK)
		return;
	ui_option *o = arena_alloc(r->arena, (nops + 1) * sizeof *o);
	if (!o)
		return;
	o[(*n)++] = (ui_option){"", _(r, "Choisissez un opérateur")};
	for (size_t i = 0; i < nops; i++)
		if (!str_eq(ops[i].code, v->e.operator_code))
			o[(*n)++] = (ui_option){ops[i].code, ops[i].name};
	*out = o;
}

static ui_option *choice_options(req *r, const escalation_choice *c, size_t n)
{
	ui_option *o = arena_alloc(r->arena, n * sizeof *o);
	for (size_t i = 0; o && i < n; i++)
		o[i] = (ui_option){c[i].code, _(r, c[i].label)};
	return o;
}

static void action_forms(req *r, const esc_view *v, const ui_errors *e)
{
	const escalation_actor *a = &v->actor;
	const store_escalation *x = &v->e;
	if (escalation_may(a, x, ESC_TAKE)) {
		form_open(r, v, ESC_TAKE, _(r, "Prendre en charge"), 0);
		form_close(r, _(r, "Je prends cette demande en charge"));
	}
	text_form(r, v, ESC_ANSWER, _(r, "Répondre"), _(r, "La réponse, que le conseiller lira"),
	          _(r, "Envoyer la réponse"), e, 0);
	text_form(r, v, ESC_ASK_INFO, _(r, "Demander un complément"),
	          _(r, "Ce qu'il manque pour traiter la demande"), _(r, "Demander le complément"), e, 0);
	text_form(r, v, ESC_COMPLETE, _(r, "Répondre à la demande de complément"), _(r, "Le complément"),
	          _(r, "Envoyer le complément"), e, 1);
	text_form(r, v, ESC_WRONG, _(r, "Pas le bon interlocuteur"),
	          _(r, "Pourquoi, et à qui s'adresser si vous le savez"), _(r, "Signaler"), e, 0);
	text_form(r, v, ESC_NOTE, _(r, "Note interne"),
	          _(r, "La note, que seul le service de l'opérateur lira"), _(r, "Enregistrer la note"), e,
	          0);
	if (escalation_may(a, x, ESC_SEND)) {
		form_open(r, v, ESC_SEND, _(r, "Envoyer au référent"), 0);
		if (e && field_error_for(e, "operator_code"))
			ui_field_error(r, "operator_code", field_error_for(e, "operator_code"));
		form_close(r, _(r, "Envoyer maintenant"));
	}
	if (escalation_may(a, x, ESC_REDIRECT)) {
		ui_option *o;
		size_t n;
		operator_options(r, v, &o, &n);
		form_open(r, v, ESC_REDIRECT, _(r, "Envoyer à un autre opérateur"), 0);
		ui_field f = {.name = "operator_code",
		              .label = _(r, "Opérateur"),
		              .required = 1,
		              .value = e ? page_field(r, "operator_code") : ""};
		ui_select(r, &f, o, n, e);
		form_close(r, _(r, "Envoyer à cet opérateur"));
	}
	if (escalation_may(a, x, ESC_ATTACH)) {
		form_open(r, v, ESC_ATTACH, _(r, "Ajouter des documents"), 1);
		files_input(r, "attach", e);
		form_close(r, _(r, "Ajouter"));
	}
	if (escalation_may(a, x, ESC_CLOSE)) {
		form_open(r, v, ESC_CLOSE, _(r, "Clôturer"), 0);
		if (v->side == ESC_SIDE_ADVISER) {
			size_t nt, nu;
			const escalation_choice *t = escalation_told_by(&nt), *u = escalation_useful(&nu);
			ui_radios(r, "told_by", _(r, "Comment la personne a-t-elle été informée ?"),
			          choice_options(r, t, nt), nt, e ? page_field(r, "told_by") : NULL, e);
			ui_radios(r, "useful", _(r, "Cette escalade a-t-elle été utile ?"),
			          choice_options(r, u, nu), nu, e ? page_field(r, "useful") : NULL, e);
		}
		form_close(r, _(r, "Clôturer l'escalade"));
	}
}

static const char *done_message(req *r, const char *done)
{
	if (str_eq(done, "created"))
		return _(r, "La question a été enregistrée.");
	return done ? _(r, "C'est enregistré.") : NULL;
}

static void show(req *r, const esc_view *v, const ui_errors *e)
{
	const store_escalation *x = &v->e;
	int64_t now = now_s();
	ui_page_begin(r, page_count_text(r, _(r, "Escalade n° %d"), x->id));
	if (e)
		ui_error_summary(r, e);
	const char *done = e ? NULL : done_message(r, http_query(r, "done"));
	if (done)
		ui_notice(r, "success", done);
	if (str_eq(x->status, "nouvelle"))
		ui_notice(r, "info",
		          _(r, "Pas encore envoyée : cet opérateur n'a pas de référent pour ce département. "
		               "Un administrateur doit en désigner un, puis vous pourrez l'envoyer."));
	if (escalation_overdue(x, now))
		ui_notice(r, "error", _(r, "En retard : l'échéance de réponse est dépassée."));
	if (x->info_requested && str_eq(x->status, "en_cours"))
		ui_notice(r, "info", _(r, "Le référent attend un complément du conseiller."));
	RAW(r, "<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Statut"), _(r, escalation_status_label(x->status)));
	ui_dl_item(r, _(r, "Opérateur"), x->operator_name);
	ui_dl_item(r, _(r, "Lieu"), x->site_name);
	ui_dl_item(r, _(r, "Département"), x->departement);
	ui_dl_item(r, _(r, "Créée le"), page_when_text(r, x->created_at));
	if (x->sent_at)
		ui_dl_item(r, _(r, "Envoyée le"), page_when_text(r, x->sent_at));
	if (!str_eq(x->status, "nouvelle") && !str_eq(x->status, "cloturee"))
		ui_dl_item(r, _(r, "Échéance"), day_text(r, x->due_at));
	if (x->answered_at)
		ui_dl_item(r, _(r, "Réponse le"), page_when_text(r, x->answered_at));
	if (x->closed_at)
		ui_dl_item(r, _(r, "Clôturée le"), page_when_text(r, x->closed_at));
	size_t n;
	const escalation_choice *t = escalation_told_by(&n);
	const char *told = escalation_choice_label(t, n, x->told_by);
	if (told)
		ui_dl_item(r, _(r, "La personne a été informée"), _(r, told));
	const escalation_choice *u = escalation_useful(&n);
	const char *useful = escalation_choice_label(u, n, x->useful);
	if (useful)
		ui_dl_item(r, _(r, "Utile"), _(r, useful));
	RAW(r, "</dl>\n<h2>");
	html_txt(&r->out, _(r, "Question"));
	RAW(r, "</h2>\n");
	if (x->wiped_at) {
		RAW(r, "<p>");
		html_txt(&r->out, _(r, "Effacée à la fin de sa durée de conservation."));
		RAW(r, "</p>\n");
	} else {
		RAW(r, "<blockquote dir=\"auto\" class=\"escalation-text\">");
		html_txt(&r->out, x->question);
		RAW(r, "</blockquote>\n");
	}
	file_list(r, v);
	event_list(r, v);
	RAW(r, "<h2>");
	html_txt(&r->out, _(r, "Actions"));
	RAW(r, "</h2>\n");
	action_forms(r, v, e);
	RAW(r, "<p>");
	if (v->side != ESC_SIDE_REFERENT) {
		RAW(r, "<a href=\"/visits/");
		html_int(&r->out, x->visit_id);
		RAW(r, "\">");
		html_txt(&r->out, _(r, "La visite"));
		RAW(r, "</a> · ");
	}
	RAW(r, "<a href=\"/escalations\">");
	html_txt(&r->out, _(r, "Toutes les escalades"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
}

int page_escalation_show(req *r)
{
	if (!page_require_login(r))
		return 0;
	esc_view v;
	if (load(r, &v) != 0)
		return 0;
	if (!v.e.wiped_at)
		auth_audit(r, "read", "escalation", v.e.id, v.e.site_id, NULL);
	show(r, &v, NULL);
	return 0;
}

int page_escalation_post(req *r)
{
	if (!page_require_login(r) || !page_require_form(r))
		return 0;
	esc_view v;
	if (load(r, &v) != 0)
		return 0;
	int a = escalation_action_parse(page_field(r, "op"));
	if (a < 0) {
		ui_error_page(r, 400, N_("L'action demandée n'existe pas."));
		return 0;
	}
	if (!escalation_may(&v.actor, &v.e, (escalation_action)a)) {
		ui_error_page(r, 409,
		              N_("Cette action n'est pas possible pour cette escalade, ou plus maintenant."));
		return 0;
	}
	field_errors e = {0};
	const char *bname = body_name((escalation_action)a);
	escalation_input in = {.body = arena_strdup(r->arena, page_field(r, bname)),
	                       .operator_code = page_field(r, "operator_code"),
	                       .told_by = page_field(r, "told_by"),
	                       .useful = page_field(r, "useful")};
	store_escalation_file *files = NULL;
	size_t nfiles = 0;
	const char *fname = a == ESC_ATTACH ? "attach" : "files";
	if (a == ESC_ATTACH || a == ESC_COMPLETE)
		read_files(r, fname, &files, &nfiles, &e);
	in.nfiles = (int)nfiles;
	if (a == ESC_SEND || a == ESC_REDIRECT) {
		const char *code = a == ESC_SEND ? v.e.operator_code : in.operator_code;
		store_operator op;
		int rc = *code ? store_operator_get(r->app->store, r->arena, code, &op) : STORE_NOT_FOUND;
		int64_t count = 0;
		if (rc == STORE_NOT_FOUND || (rc == STORE_OK && !op.active)) {
			in.operator_code = ""; /* refused by escalation_prepare */
		} else if (rc != STORE_OK ||
		           store_referent_count(r->app->store, code, v.e.departement, &count) != STORE_OK) {
			return server_error(r);
		} else {
			in.referent_exists = count > 0;
			in.deadline_days = op.deadline_days;
		}
	}
	store_escalation after;
	const char *event = NULL;
	int internal = 0;
	int64_t now = now_s();
	if (e.n == 0)
		escalation_prepare(&v.actor, &v.e, (escalation_action)a, &in, now, &after, &event, &internal,
		                   &e);
	if (e.n) {
		for (size_t i = 0; i < e.n; i++) {
			if (str_eq(e.v[i].field, "body"))
				e.v[i].field = bname;
			else if (str_eq(e.v[i].field, "files"))
				e.v[i].field = fname;
		}
		http_status(r, 400);
		show(r, &v, &e);
		return 0;
	}
	int rc = app_escalation_move(r->app, &v.e, &after, event, internal, in.body,
	                             a == ESC_REDIRECT ? v.e.operator_code : NULL, r->session->user.id, files,
	                             nfiles, now);
	if (rc == STORE_CONFLICT) {
		ui_error_page(r, 409, N_("Cette escalade vient de changer : rechargez la page."));
		return 0;
	}
	return page_stored(r, rc, "update", "escalation", v.e.id, v.e.site_id, escalation_action_code(a),
	                   arena_printf(r->arena, "/escalations/%lld?done=%s", (long long)v.e.id,
	                                escalation_action_code(a)));
}

/* ---- A document. */

int page_escalation_file(req *r)
{
	if (!page_require_login(r))
		return 0;
	esc_view v;
	if (load(r, &v) != 0)
		return 0;
	int64_t fid;
	store_escalation_file f;
	if (parse_int64(http_param(r, 1), 1, INT64_MAX, &fid) != 0 ||
	    store_escalation_file_get(r->app->store, r->arena, fid, &f) != STORE_OK ||
	    f.escalation_id != v.e.id)
		return page_not_found(r);
	char *data = NULL;
	size_t len = 0;
	if (app_escalation_file_read(r->app->cfg, r->arena, f.sha256, &data, &len) != 0)
		return page_not_found(r);
	auth_audit(r, "read", "escalation_file", f.id, v.e.site_id, NULL);
	/* The name given is ours, never the uploaded one: it cannot carry a
	 * path, a quote or a header. */
	const char *cd = arena_printf(r->arena, "attachment; filename=\"document-%lld.%s\"", (long long)f.id,
	                              escalation_file_ext(f.mime));
	http_content_type(r, f.mime);
	http_set_header(r, "Content-Disposition", cd ? cd : "attachment");
	http_set_header(r, "Cache-Control", "private, no-store");
	r->no_gzip = 1;
	buf_reset(&r->out);
	if (buf_append(&r->out, data, len) != 0)
		return server_error(r);
	return 0;
}

/* ---- The block of a demand on its visit's page. */

void page_escalation_on_demand(req *r, const store_demand *d)
{
	if (!d || (!d->escalation_id && !str_eq(d->outcome, "escalade")))
		return;
	RAW(r, "<div class=\"escalation-on-demand\">\n<h3>");
	html_txt(&r->out, _(r, "Escalade au service de l'opérateur"));
	RAW(r, "</h3>\n");
	store_escalation x;
	/* The escalation must be this demand's: a link copied from elsewhere
	 * (a store moved by migrate-data) shows nothing of another's. */
	if (!d->escalation_id ||
	    store_escalation_get(r->app->store, r->arena, d->escalation_id, &x) != STORE_OK ||
	    x.demand_id != d->id || x.site_id != d->site_id) {
		if (escalation_may_create(&r->session->user, d->site_id)) {
			RAW(r, "<p><a href=\"/demands/");
			html_int(&r->out, d->id);
			RAW(r, "/escalate\">");
			html_txt(&r->out, _(r, "Transmettre la question au service de l'opérateur"));
			RAW(r, "</a></p>\n");
		} else {
			RAW(r, "<p>");
			html_txt(&r->out, _(r, "Pas encore transmise."));
			RAW(r, "</p>\n");
		}
		RAW(r, "</div>\n");
		return;
	}
	int64_t now = now_s();
	RAW(r, "<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Statut"), _(r, escalation_status_label(x.status)));
	if (!str_eq(x.status, "nouvelle") && !str_eq(x.status, "cloturee"))
		ui_dl_item(r, _(r, "Échéance"),
		           escalation_overdue(&x, now)
		               ? arena_printf(r->arena, "%s — %s", day_text(r, x.due_at), _(r, "En retard"))
		               : day_text(r, x.due_at));
	RAW(r, "</dl>\n");
	/* The answers the adviser may read, latest last. */
	store_escalation_event *ev = NULL;
	size_t n = 0;
	if (store_escalation_events(r->app->store, r->arena, x.id, 0, &ev, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++)
			if ((str_eq(ev[i].action, "reponse") || str_eq(ev[i].action, "demande_info") ||
			     str_eq(ev[i].action, "mauvais_interlocuteur")) &&
			    *ev[i].body) {
				RAW(r, "<p><strong>");
				html_txt(&r->out, _(r, escalation_event_label(ev[i].action)));
				RAW(r, "</strong> (");
				html_txt(&r->out, page_when_text(r, ev[i].at));
				RAW(r, ")</p>\n<blockquote dir=\"auto\" class=\"escalation-text\">");
				html_txt(&r->out, ev[i].body);
				RAW(r, "</blockquote>\n");
			}
	RAW(r, "<p><a href=\"/escalations/");
	html_int(&r->out, x.id);
	RAW(r, "\">");
	html_txt(&r->out, page_count_text(r, _(r, "Ouvrir l'escalade n° %d"), x.id));
	RAW(r, "</a></p>\n</div>\n");
}

const char *page_escalation_status(req *r, const store_demand *d)
{
	store_escalation x;
	if (!d || !d->escalation_id ||
	    store_escalation_get(r->app->store, r->arena, d->escalation_id, &x) != STORE_OK ||
	    x.demand_id != d->id || x.site_id != d->site_id)
		return NULL;
	const char *label = _(r, escalation_status_label(x.status));
	if (escalation_overdue(&x, now_s()))
		return arena_printf(r->arena, "%s — %s", label, _(r, "En retard"));
	return label;
}

/* ---- The referents' départements (administrators). */

static void referents_page(req *r, const store_user *ops, size_t n, char ***deps, const size_t *ndeps,
                           const ui_errors *e, int saved)
{
	ui_page_begin(r, _(r, "Référents des opérateurs"));
	if (saved)
		ui_notice(r, "success", _(r, "Modifications enregistrées."));
	ui_error_summary(r, e);
	RAW(r, "<p>");
	html_txt(&r->out, _(r, "Un compte de rôle « référent d'un opérateur » reçoit les escalades de son "
	                       "opérateur pour les départements indiqués ici."));
	RAW(r, "</p>\n");
	if (n == 0) {
		RAW(r, "<p>");
		html_txt(&r->out,
		         _(r, "Aucun compte de référent. Créez-en un sur la page des utilisateurs."));
		RAW(r, "</p>\n");
		ui_page_end(r);
		return;
	}
	ui_form_begin(r, "/escalations/referents");
	for (size_t i = 0; i < n; i++) {
		const char *name = arena_printf(r->arena, "dep_%lld", (long long)ops[i].id);
		const char *label =
		    arena_printf(r->arena, "%s (%s, %s)", ops[i].name, ops[i].email, ops[i].operator_code);
		const char *value = e ? page_field(r, name) : NULL;
		if (!e) {
			buf b;
			buf_init(&b, 4096);
			for (size_t k = 0; k < ndeps[i]; k++)
				buf_printf(&b, "%s%s", k ? ", " : "", deps[i][k]);
			value = arena_strdup(r->arena, b.data ? b.data : "");
			buf_free(&b);
		}
		ui_field f = {.name = name,
		              .label = label,
		              .hint =
		                  _(r, "Codes de départements séparés par des virgules, par exemple 35, 29."),
		              .value = value};
		ui_input(r, &f, e);
	}
	ui_submit(r, _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

/* The operator accounts, with their départements when deps is not NULL. */
static int referent_accounts(req *r, store_user **out, size_t *n, char ****deps, size_t **ndeps)
{
	store_user *all = NULL;
	size_t nall = 0;
	if (store_user_list(r->app->store, r->arena, 0, &all, &nall) != STORE_OK)
		return -1;
	store_user *ops = arena_alloc(r->arena, (nall + 1) * sizeof *ops);
	char ***d = arena_alloc(r->arena, (nall + 1) * sizeof *d);
	size_t *nd = arena_alloc(r->arena, (nall + 1) * sizeof *nd);
	if (!ops || !d || !nd)
		return -1;
	*n = 0;
	for (size_t i = 0; i < nall; i++) {
		if (!access_escalation_referent(&all[i]))
			continue;
		ops[*n] = all[i];
		if (store_referent_departements(r->app->store, r->arena, all[i].id, &d[*n], &nd[*n]) !=
		    STORE_OK)
			return -1;
		(*n)++;
	}
	*out = ops;
	*deps = d;
	*ndeps = nd;
	return 0;
}

/* Whether the reader names the referents' départements; a 403 page
 * otherwise. */
static int require_namer(req *r)
{
	if (access_may_name_referents(&r->session->user))
		return 1;
	ui_error_page(r, 403, "Votre rôle ne permet pas d'ouvrir cette page.");
	return 0;
}

int page_escalation_referents(req *r)
{
	if (!page_require_login(r) || !require_namer(r))
		return 0;
	store_user *ops;
	size_t n, *nd;
	char ***d;
	if (referent_accounts(r, &ops, &n, &d, &nd) != 0)
		return server_error(r);
	referents_page(r, ops, n, d, nd, NULL, http_query(r, "saved") != NULL);
	return 0;
}

int page_escalation_referents_post(req *r)
{
	if (!page_require_login(r) || !require_namer(r) || !page_require_form(r))
		return 0;
	store_user *ops;
	size_t n, *nd;
	char ***d;
	if (referent_accounts(r, &ops, &n, &d, &nd) != 0)
		return server_error(r);
	field_errors e = {0};
	/* Every account's list is read and checked before any is written. */
	for (size_t i = 0; i < n; i++) {
		const char *name = arena_printf(r->arena, "dep_%lld", (long long)ops[i].id);
		const char **codes = NULL;
		size_t nc = page_split_codes(r, page_field(r, name), &codes);
		d[i] = arena_alloc(r->arena, (nc + 1) * sizeof(char *));
		nd[i] = 0;
		for (size_t k = 0; d[i] && k < nc; k++) {
			char *c = arena_strdup(r->arena, codes[k]);
			if (!c)
				return server_error(r);
			str_trim(c);
			for (char *p = c; *p; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 'a' + 'A');
			if (!*c)
				continue;
			if (!site_departement_valid(c)) {
				field_error_add(&e, name,
				                N_("Le code du département n'est pas valide, par exemple 35, "
				                   "2A ou 974."));
				break;
			}
			d[i][nd[i]++] = c;
		}
	}
	if (e.n) {
		http_status(r, 400);
		referents_page(r, ops, n, d, nd, &e, 0);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (store_referent_set(r->app->store, ops[i].id, d[i], nd[i]) != STORE_OK)
			return server_error(r);
	auth_audit(r, "update", "referents", 0, 0, NULL);
	http_redirect(r, "/escalations/referents?saved=1");
	return 0;
}
