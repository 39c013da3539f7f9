/*
 * page_callbacks.c: a site's callbacks (docs/callbacks.md): the advisers'
 * list sorted by preferred time with the overdue ones marked in words, the
 * form of a new callback, one callback's page with its calls and moves,
 * and the measure "done within a day" of the current month.
 *
 * Closing a callback as done leads to the recording form prefilled with
 * the channel "rappel" and the person's language
 * (page_callback_visit_prefill), and the visit saved is linked to the
 * callback (page_callback_visit_saved), as the queue does with a ticket.
 *
 * Who may: domain/callback.h; anyone else gets the page of a missing one.
 * Every change is journaled in the audit (object "callback").
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "domain/callback.h"
#include "store/store_callbacks.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/page.h"
#include "web/ui.h"
#include "pages/pages.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* How far back the list shows the closed callbacks. */
#define CLOSED_DAYS 7

/* ---- Loading ------------------------------------------------------------ */

/* The site of the path, if the user sees its callbacks; 404 otherwise. */
static int load_site(req *r, store_site *site)
{
	int64_t id;
	if (!page_require_login(r))
		return -1;
	if (page_path_id(r, &id) != 0 || store_site_get(r->app->store, r->arena, id, site) != STORE_OK ||
	    !callback_may_see(&r->session->user, site->id)) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

/* The callback of the path and its site, if the user sees it; 404
 * otherwise. */
static int load_callback(req *r, store_callback *c, store_site *site)
{
	int64_t id;
	if (!page_require_login(r))
		return -1;
	if (page_path_id(r, &id) != 0 || store_callback_get(r->app->store, r->arena, id, c) != STORE_OK ||
	    !callback_may_see(&r->session->user, c->site_id) ||
	    store_site_get(r->app->store, r->arena, c->site_id, site) != STORE_OK) {
		page_not_found(r);
		return -1;
	}
	return 0;
}

/* prefix, the id, then rest: "/callbacks/12", "/sites/3/callbacks". */
static const char *path_of(req *r, const char *prefix, int64_t id, const char *rest)
{
	const char *p = arena_printf(r->arena, "%s%lld%s", prefix, (long long)id, rest);
	return p ? p : "/";
}

/* ---- Texts -------------------------------------------------------------- */

static const char *choice(req *r, const callback_choice *(*table)(size_t *), const char *code)
{
	size_t n;
	const callback_choice *v = table(&n);
	const char *l = callback_label(v, n, code);
	return l ? _(r, l) : (code ? code : "");
}

static const char *hm(int minutes, char out[6])
{
	unsigned m = (unsigned)minutes % 1441;
	snprintf(out, 6, "%02u:%02u", (m / 60) % 25, m % 60);
	return out;
}

/* "2026-03-10 — L'après-midi (13 h 30 – 17 h 30)", or the range typed. */
static const char *slot_text(req *r, const store_callback *c)
{
	char a[6], b[6];
	const char *part = str_eq(c->slot_part, "plage")
	                       ? arena_printf(r->arena, "%s – %s", hm(c->slot_from, a), hm(c->slot_to, b))
	                       : choice(r, callback_parts, c->slot_part);
	const char *s = arena_printf(r->arena, "%s — %s", c->slot_day, part ? part : "");
	return s ? s : c->slot_day;
}

static void overdue_mark(req *r)
{
	RAW(r, "<strong class=\"overdue\">");
	html_txt(&r->out, _(r, "En retard"));
	RAW(r, "</strong> ");
}

static void tel_link(req *r, const char *phone)
{
	if (!phone || !*phone) {
		html_txt(&r->out, _(r, "Effacé"));
		return;
	}
	RAW(r, "<a href=\"tel:");
	html_attr(&r->out, phone);
	RAW(r, "\" dir=\"ltr\">");
	html_txt(&r->out, phone);
	RAW(r, "</a>");
}

/* The messages a redirection after a change brings back. */
static void done_notice(req *r)
{
	static const struct {
		const char *code, *kind, *msgid;
	} notes[] = {
	    {"created", "success", N_("Rappel ajouté à la liste.")},
	    {"prendre", "success", N_("Rappel pris : vous seul le voyez à votre nom.")},
	    {"liberer", "success", N_("Rappel remis dans la liste.")},
	    {"tentative", "success", N_("Appel enregistré.")},
	    {"injoignable", "success", N_("Rappel clos : personne injoignable.")},
	    {"annuler", "success", N_("Rappel annulé.")},
	    {"fait", "success", N_("Rappel fait.")},
	    {"conflict", "error",
	     N_("Ce rappel a changé entre-temps (un autre conseiller l'a peut-être pris) : la page est à "
	        "jour, vérifiez avant d'agir.")},
	};
	const char *d = http_query(r, "done");
	for (size_t i = 0; d && i < COUNT(notes); i++)
		if (str_eq(notes[i].code, d))
			ui_notice(r, notes[i].kind, _(r, notes[i].msgid));
}

/* A one-button form of a move. */
static void move_form(req *r, const store_callback *c, callback_action a, const char *label, int secondary,
                      int back_to_list)
{
	buf *o = &r->out;
	RAW(r, "<form method=\"post\" class=\"inline-form\" action=\"");
	html_attr(o, path_of(r, "/callbacks/", c->id, ""));
	RAW(r, "\"><input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(o, r->csrf ? r->csrf : "");
	RAW(r, "\"><input type=\"hidden\" name=\"op\" value=\"");
	html_attr(o, callback_action_code(a));
	RAW(r, "\">");
	if (back_to_list)
		RAW(r, "<input type=\"hidden\" name=\"back\" value=\"list\">");
	RAW(r, secondary ? "<button type=\"submit\" class=\"button-secondary\">"
	                 : "<button type=\"submit\" class=\"button\">");
	html_txt(o, label);
	RAW(r, "<span class=\"sr-only\"> — ");
	html_txt(o, c->name && *c->name ? c->name : path_of(r, "", c->id, ""));
	RAW(r, "</span></button></form>\n");
}

/* ---- The list ----------------------------------------------------------- */

static void cell_open(req *r, const char *heading)
{
	RAW(r, "<td><span class=\"cell-head\" aria-hidden=\"true\">");
	html_txt(&r->out, heading);
	RAW(r, "</span>");
}

static void measure_section(req *r, int64_t site_id, int64_t now)
{
	/* The current month, from its first local midnight. */
	char day[11];
	time_local_date(now, day);
	memcpy(day + 8, "01", 2);
	int64_t from = 0;
	store_callback_measure m;
	if (time_parse_local(day, "00:00", &from) != 0 ||
	    store_callback_measure_get(r->app->store, site_id, from, now + 1, now, &m) != STORE_OK)
		return;
	int share = callback_done_share(&m);
	RAW(r, "<h2 id=\"mesure\">");
	html_txt(&r->out, _(r, "Rappels faits en moins de 24 heures, ce mois-ci"));
	RAW(r, "</h2>\n<dl class=\"totals\" aria-labelledby=\"mesure\"><div><dt>");
	html_txt(&r->out, _(r, "Part faite en moins de 24 heures"));
	RAW(r, "</dt><dd>");
	if (share < 0)
		html_txt(&r->out, _(r, "Pas encore mesurable"));
	else {
		const char *pct = arena_printf(r->arena, "%d %%", share);
		html_txt(&r->out, pct ? pct : "");
	}
	RAW(r, "</dd></div><div><dt>");
	html_txt(&r->out, _(r, "Faits en moins de 24 heures"));
	RAW(r, "</dt><dd>");
	html_int(&r->out, m.done_in_day);
	RAW(r, "</dd></div><div><dt>");
	html_txt(&r->out,
	         _(r, "Rappels comptés (sans les annulés ni ceux de moins de 24 heures encore ouverts)"));
	RAW(r, "</dt><dd>");
	html_int(&r->out, m.created - m.pending);
	RAW(r, "</dd></div></dl>\n");
}

static void open_table(req *r, const store_callback *v, size_t n, int64_t now)
{
	buf *o = &r->out;
	const char *h[] = {
	    _(r, "Créneau souhaité"), _(r, "Personne"), _(r, "Téléphone"), _(r, "Motif"), _(r, "État"),
	    _(r, "Actions")};
	ui_table_begin(r, "stack", _(r, "Rappels à faire, du plus urgent au plus lointain"));
	for (size_t i = 0; i < COUNT(h); i++)
		ui_th(r, h[i]);
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		const store_callback *c = &v[i];
		int late = callback_overdue(c, now);
		RAW(r, late ? "<tr class=\"overdue\">" : "<tr>");
		cell_open(r, h[0]);
		if (late)
			overdue_mark(r);
		html_txt(o, slot_text(r, c));
		RAW(r, "</td>");
		cell_open(r, h[1]);
		RAW(r, "<a href=\"");
		html_attr(o, path_of(r, "/callbacks/", c->id, ""));
		RAW(r, "\"><bdi>");
		html_txt(o, c->name);
		RAW(r, "</bdi></a> (");
		html_txt(o, page_language_label(r, c->lang));
		RAW(r, ")</td>");
		cell_open(r, h[2]);
		tel_link(r, c->phone);
		RAW(r, "</td>");
		cell_open(r, h[3]);
		RAW(r, "<bdi>");
		html_txt(o, c->reason);
		RAW(r, "</bdi>");
		if (c->operator_code && *c->operator_code) {
			RAW(r, " — ");
			ui_txt_fr(r, c->operator_name);
		}
		RAW(r, "</td>");
		cell_open(r, h[4]);
		html_txt(o, choice(r, callback_statuses, c->status));
		if (c->taken_by) {
			RAW(r, " : <bdi>");
			html_txt(o, c->taken_by_name);
			RAW(r, "</bdi>");
		}
		if (c->attempts > 0) {
			RAW(r, " · ");
			ui_txt_count(r, _(r, "%d appels sans réponse"), c->attempts);
		}
		RAW(r, "</td>");
		cell_open(r, h[5]);
		if (callback_may(&r->session->user, c, CB_TAKE))
			move_form(r, c, CB_TAKE, _(r, "Prendre"), 0, 1);
		else if (c->taken_by == r->session->user.id) {
			RAW(r, "<a href=\"");
			html_attr(o, path_of(r, "/callbacks/", c->id, ""));
			RAW(r, "\">");
			html_txt(o, _(r, "Noter l'appel"));
			RAW(r, "<span class=\"sr-only\"> — <bdi>");
			html_txt(o, c->name);
			RAW(r, "</bdi></span></a>");
		}
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
}

static void closed_table(req *r, const store_callback *v, size_t n)
{
	buf *o = &r->out;
	const char *h[] = {_(r, "Clos le"), _(r, "Personne"), _(r, "État"), _(r, "Visite")};
	ui_table_begin(r, "stack", _(r, "Rappels clos ces 7 derniers jours"));
	for (size_t i = 0; i < COUNT(h); i++)
		ui_th(r, h[i]);
	ui_table_body(r);
	for (size_t i = 0; i < n; i++) {
		const store_callback *c = &v[i];
		RAW(r, "<tr>");
		cell_open(r, h[0]);
		html_txt(o, page_when_text(r, c->closed_at));
		RAW(r, "</td>");
		cell_open(r, h[1]);
		RAW(r, "<a href=\"");
		html_attr(o, path_of(r, "/callbacks/", c->id, ""));
		RAW(r, "\"><bdi>");
		html_txt(o, *c->name ? c->name : path_of(r, "", c->id, ""));
		RAW(r, "</bdi></a></td>");
		cell_open(r, h[2]);
		html_txt(o, choice(r, callback_statuses, c->status));
		RAW(r, "</td>");
		cell_open(r, h[3]);
		if (c->visit_id) {
			RAW(r, "<a href=\"");
			html_attr(o, path_of(r, "/visits/", c->visit_id, ""));
			RAW(r, "\">");
			html_txt(o, _(r, "Voir la visite"));
			RAW(r, "</a>");
		}
		RAW(r, "</td></tr>\n");
	}
	ui_table_end(r);
}

int page_callbacks(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0)
		return 0;
	int64_t now = now_s();
	store_callback *open, *closed;
	size_t nopen, nclosed;
	if (store_callback_list(r->app->store, r->arena, site.id, 0, 0, &open, &nopen) != STORE_OK ||
	    store_callback_list(r->app->store, r->arena, site.id, 1, now - (int64_t)CLOSED_DAYS * 86400,
	                        &closed, &nclosed) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Rappels"));
	done_notice(r);
	RAW(r, "<p>");
	html_txt(o, _(r, "Lieu :"));
	RAW(r, " <a href=\"");
	html_attr(o, path_of(r, "/sites/", site.id, ""));
	RAW(r, "\">");
	html_txt(o, site.name);
	RAW(r, "</a></p>\n<p><a class=\"button\" href=\"");
	html_attr(o, path_of(r, "/sites/", site.id, "/callbacks/new"));
	RAW(r, "\">");
	html_txt(o, _(r, "Ajouter une personne à rappeler"));
	RAW(r, "</a></p>\n<h2 id=\"a-faire\">");
	ui_txt_count(r, _(r, "À rappeler : %d"), (int64_t)nopen);
	RAW(r, "</h2>\n");
	size_t late = 0;
	for (size_t i = 0; i < nopen; i++)
		late += (size_t)callback_overdue(&open[i], now);
	if (late) {
		RAW(r, "<p>");
		overdue_mark(r);
		ui_txt_count(r, _(r, "%d rappels ont dépassé le créneau souhaité."), (int64_t)late);
		RAW(r, "</p>\n");
	}
	if (nopen == 0) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Personne n'attend d'être rappelé."));
		RAW(r, "</p>\n");
	} else {
		open_table(r, open, nopen, now);
	}
	measure_section(r, site.id, now);
	RAW(r, "<h2 id=\"clos\">");
	html_txt(o, _(r, "Clos ces 7 derniers jours"));
	RAW(r, "</h2>\n");
	if (nclosed == 0) {
		RAW(r, "<p>");
		html_txt(o, _(r, "Aucun rappel clos ces 7 derniers jours."));
		RAW(r, "</p>\n");
	} else {
		closed_table(r, closed, nclosed);
	}
	ui_page_end(r);
	return 0;
}

/* ---- A new callback ----------------------------------------------------- */

static ui_option *options_of(req *r, const callback_choice *(*table)(size_t *), size_t *n)
{
	const callback_choice *v = table(n);
	ui_option *o = arena_alloc(r->arena, (*n ? *n : 1) * sizeof *o);
	for (size_t i = 0; o && i < *n; i++)
		o[i] = (ui_option){v[i].code, _(r, v[i].label)};
	if (!o)
		*n = 0;
	return o;
}

static void new_form(req *r, const store_site *site, const field_errors *e)
{
	char today[11];
	time_local_date(now_s(), today);
	const char *v;
	size_t n;
	ui_error_summary(r, e);
	ui_form_begin(r, path_of(r, "/sites/", site->id, "/callbacks"));
	ui_option *origins = options_of(r, callback_origins, &n);
	v = page_field(r, "origin");
	ui_radios(r, "origin", _(r, "D'où vient la demande ?"), origins, n, *v ? v : "telephone", e);
	ui_field name = {.name = "name",
	                 .label = _(r, "Comment appeler la personne"),
	                 .hint =
	                     _(r, "Un prénom ou « Madame X » suffit. Effacé après la durée de conservation."),
	                 .value = page_field(r, "name"),
	                 .autocomplete = "off",
	                 .required = 1};
	ui_input(r, &name, e);
	ui_field phone = {.name = "phone",
	                  .label = _(r, "Numéro à rappeler"),
	                  .hint = _(r, "Par exemple 06 12 34 56 78."),
	                  .value = page_field(r, "phone"),
	                  .type = "tel",
	                  .autocomplete = "off",
	                  .required = 1};
	ui_input(r, &phone, e);
	/* French first, then the languages the recording form offers. */
	const ui_option *langs = page_languages(&n);
	ui_option *lo = arena_alloc(r->arena, (n + 1) * sizeof *lo);
	if (lo) {
		lo[0] = (ui_option){"fr", page_language_label(r, "fr")};
		for (size_t i = 0; i < n; i++)
			lo[i + 1] = (ui_option){langs[i].value, _(r, langs[i].label)};
		v = page_field(r, "lang");
		ui_field lf = {
		    .name = "lang", .label = _(r, "Langue de la personne"), .value = *v ? v : "fr"};
		ui_select(r, &lf, lo, n + 1, e);
	}
	ui_field day = {.name = "day",
	                .label = _(r, "Jour souhaité"),
	                .hint = _(r, "AAAA-MM-JJ"),
	                .value = *page_field(r, "day") ? page_field(r, "day") : today,
	                .type = "date",
	                .required = 1};
	ui_input(r, &day, e);
	ui_option *parts = options_of(r, callback_parts, &n);
	v = page_field(r, "part");
	ui_radios(r, "part", _(r, "Moment souhaité"), parts, n, *v ? v : "journee", e);
	RAW(r, "<div class=\"inline-fields\">");
	ui_field from = {.name = "from",
	                 .label = _(r, "Plage horaire : de"),
	                 .hint = _(r, "HH:MM, seulement pour une plage précise"),
	                 .value = page_field(r, "from"),
	                 .type = "time"};
	ui_input(r, &from, e);
	ui_field to = {.name = "to",
	               .label = _(r, "à"),
	               .hint = _(r, "HH:MM"),
	               .value = page_field(r, "to"),
	               .type = "time"};
	ui_input(r, &to, e);
	RAW(r, "</div>\n");
	ui_field reason = {.name = "reason",
	                   .label = _(r, "Motif du rappel"),
	                   .hint = _(r, "En quelques mots, sans détail sur la situation de la personne."),
	                   .value = page_field(r, "reason"),
	                   .required = 1};
	ui_textarea(r, &reason, e);
	store_operator *ops = NULL;
	size_t nops = 0;
	store_operator_list(r->app->store, r->arena, 1, &ops, &nops);
	ui_option *oo = arena_alloc(r->arena, (nops + 1) * sizeof *oo);
	if (oo) {
		oo[0] = (ui_option){"", _(r, "Aucun")};
		for (size_t i = 0; i < nops; i++)
			oo[i + 1] = (ui_option){ops[i].code, ops[i].name};
		ui_field op = {.name = "operator_code",
		               .label = _(r, "Opérateur concerné (facultatif)"),
		               .value = page_field(r, "operator_code")};
		ui_select(r, &op, oo, nops + 1, e);
	}
	ui_submit(r, _(r, "Ajouter à la liste des rappels"));
	ui_form_end(r);
}

int page_callback_new(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0)
		return 0;
	field_errors e = {0};
	ui_page_begin(r, _(r, "Ajouter une personne à rappeler"));
	new_form(r, &site, &e);
	ui_page_end(r);
	return 0;
}

/* A language the page offers (page_languages). */
static int offered_language(req *r, const char *code)
{
	size_t n;
	const ui_option *langs = page_languages(&n);
	if (str_eq(code, "fr"))
		return 1;
	for (size_t i = 0; code && *code && i < n; i++)
		if (str_eq(langs[i].value, code))
			return 1;
	return 0;
}

int page_callback_create(req *r)
{
	store_site site;
	if (load_site(r, &site) != 0 || !page_require_form(r))
		return 0;
	field_errors e = {0};
	callback_input in = {.name = arena_strdup(r->arena, page_field(r, "name")),
	                     .phone = arena_strdup(r->arena, page_field(r, "phone")),
	                     .reason = arena_strdup(r->arena, page_field(r, "reason")),
	                     .lang = page_field(r, "lang"),
	                     .origin = page_field(r, "origin"),
	                     .day = page_field(r, "day"),
	                     .part = page_field(r, "part"),
	                     .from = page_field(r, "from"),
	                     .to = page_field(r, "to"),
	                     .operator_code = page_field(r, "operator_code")};
	if (!in.name || !in.phone || !in.reason) {
		r->status = 500;
		return page_error(r);
	}
	store_callback c = {.site_id = site.id, .created_by = r->session->user.id};
	store_operator op;
	if (*in.operator_code &&
	    (store_operator_get(r->app->store, r->arena, in.operator_code, &op) != STORE_OK || !op.active))
		field_error_add(&e, "operator_code", N_("Choisissez un opérateur de la liste."));
	int ok = callback_validate_new(&in, now_s(), &c, &e) == 0;
	if (ok && !offered_language(r, in.lang)) {
		field_error_add(&e, "lang", N_("Choisissez une langue de la liste."));
		ok = 0;
	}
	if (!ok || e.n) {
		http_status(r, 400);
		ui_page_begin(r, _(r, "Ajouter une personne à rappeler"));
		new_form(r, &site, &e);
		ui_page_end(r);
		return 0;
	}
	int rc = store_callback_insert(r->app->store, &c, now_s());
	return page_stored(r, rc, "create", "callback", c.id, site.id, NULL,
	                   path_of(r, "/sites/", site.id, "/callbacks?done=created"));
}

/* ---- One callback ------------------------------------------------------- */

static void attempt_form(req *r, const store_callback *c)
{
	size_t n;
	ui_option *results = options_of(r, callback_results, &n);
	ui_form_begin(r, path_of(r, "/callbacks/", c->id, ""));
	RAW(r, "<input type=\"hidden\" name=\"op\" value=\"tentative\">\n");
	ui_radios(r, "result", _(r, "L'appel n'a pas abouti :"), results, n, "pas_de_reponse", NULL);
	ui_submit(r, _(r, "Enregistrer l'appel"));
	ui_form_end(r);
}

int page_callback_show(req *r)
{
	store_callback c;
	store_site site;
	if (load_callback(r, &c, &site) != 0)
		return 0;
	store_callback_attempt *att;
	size_t natt;
	if (store_callback_attempts(r->app->store, r->arena, c.id, &att, &natt) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	int64_t now = now_s();
	buf *o = &r->out;
	const store_user *u = &r->session->user;
	const char *title = arena_printf(r->arena, "%s %lld", _(r, "Rappel n°"), (long long)c.id);
	ui_page_begin(r, title ? title : _(r, "Rappels"));
	done_notice(r);
	if (callback_overdue(&c, now))
		ui_notice(r, "error", _(r, "En retard : le créneau souhaité est passé."));
	RAW(r, "<dl>");
	ui_dl_item(r, _(r, "Lieu"), site.name);
	ui_dl_item(r, _(r, "État"), choice(r, callback_statuses, c.status));
	ui_dl_item(r, _(r, "Créneau souhaité"), slot_text(r, &c));
	ui_dl_item(r, _(r, "Langue de la personne"), page_language_label(r, c.lang));
	ui_dl_item(r, _(r, "Comment appeler la personne"), *c.name ? c.name : _(r, "Effacé"));
	RAW(r, "<dt>");
	html_txt(o, _(r, "Numéro à rappeler"));
	RAW(r, "</dt><dd>");
	tel_link(r, c.phone);
	RAW(r, "</dd>");
	ui_dl_item(r, _(r, "Motif du rappel"), *c.reason ? c.reason : _(r, "Effacé"));
	if (*c.operator_code)
		ui_dl_item_fr(r, _(r, "Opérateur concerné"), c.operator_name);
	ui_dl_item(r, _(r, "D'où vient la demande ?"), choice(r, callback_origins, c.origin));
	ui_dl_item(r, _(r, "Ajouté le"), page_when_text(r, c.created_at));
	if (c.taken_by)
		ui_dl_item(r, _(r, "Pris par"), c.taken_by_name);
	if (c.closed_at)
		ui_dl_item(r, _(r, "Clos le"), page_when_text(r, c.closed_at));
	RAW(r, "</dl>\n");
	if (c.visit_id) {
		RAW(r, "<p><a href=\"");
		html_attr(o, path_of(r, "/visits/", c.visit_id, ""));
		RAW(r, "\">");
		html_txt(o, _(r, "Voir la visite enregistrée pour ce rappel"));
		RAW(r, "</a></p>\n");
	} else if (str_eq(c.status, "fait")) {
		RAW(r, "<p><a class=\"button\" href=\"");
		html_attr(o, path_of(r, "/visits/new?callback=", c.id, ""));
		RAW(r, "\">");
		html_txt(o, _(r, "Enregistrer la visite de ce rappel"));
		RAW(r, "</a></p>\n");
	}

	RAW(r, "<h2 id=\"appels\">");
	ui_txt_count(r, _(r, "Appels sans réponse : %d"), c.attempts);
	RAW(r, "</h2>\n");
	if (natt) {
		RAW(r, "<ol aria-labelledby=\"appels\">");
		for (size_t i = 0; i < natt; i++) {
			RAW(r, "<li>");
			html_txt(o, page_when_text(r, att[i].at));
			RAW(r, " — ");
			html_txt(o, choice(r, callback_results, att[i].result));
			if (*att[i].user_name) {
				RAW(r, " — <bdi>");
				html_txt(o, att[i].user_name);
				RAW(r, "</bdi>");
			}
			RAW(r, "</li>");
		}
		RAW(r, "</ol>\n");
	}

	if (callback_open(&c)) {
		RAW(r, "<h2>");
		html_txt(o, _(r, "Que faire ?"));
		RAW(r, "</h2>\n");
		if (str_eq(c.status, "pris") && c.taken_by != u->id) {
			RAW(r, "<p>");
			html_txt(
			    o, _(r, "Un autre conseiller a pris ce rappel : lui seul appelle la personne."));
			RAW(r, "</p>\n");
		}
		RAW(r, "<div class=\"actions\">");
		if (callback_may(u, &c, CB_TAKE))
			move_form(r, &c, CB_TAKE, _(r, "Prendre ce rappel"), 0, 0);
		if (callback_may(u, &c, CB_DONE))
			move_form(r, &c, CB_DONE, _(r, "Personne jointe : enregistrer la visite"), 0, 0);
		if (callback_may(u, &c, CB_UNREACHABLE))
			move_form(r, &c, CB_UNREACHABLE, _(r, "Clore : personne injoignable"), 1, 0);
		if (callback_may(u, &c, CB_RELEASE))
			move_form(r, &c, CB_RELEASE, _(r, "Remettre dans la liste"), 1, 0);
		if (callback_may(u, &c, CB_CANCEL))
			move_form(r, &c, CB_CANCEL, _(r, "Annuler le rappel"), 1, 0);
		RAW(r, "</div>\n");
		if (callback_may(u, &c, CB_ATTEMPT)) {
			attempt_form(r, &c);
			if (!callback_may(u, &c, CB_UNREACHABLE)) {
				RAW(r, "<p class=\"hint\">");
				ui_txt_count(r,
				             _(r, "Après %d appels sans réponse, ou un mauvais numéro, le "
				                  "rappel peut être "
				                  "clos comme injoignable."),
				             CALLBACK_UNREACHABLE_ATTEMPTS);
				RAW(r, "</p>\n");
			}
		}
	}
	RAW(r, "<p><a href=\"");
	html_attr(o, path_of(r, "/sites/", c.site_id, "/callbacks"));
	RAW(r, "\">");
	html_txt(o, _(r, "Retour à la liste des rappels"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
	return 0;
}

/* Back to where the move was asked, saying it changed meanwhile. */
static void back_conflict(req *r, const char *back)
{
	const char *to = arena_printf(r->arena, "%s?done=conflict", back);
	http_redirect(r, to ? to : back);
}

int page_callback_post(req *r)
{
	store_callback c;
	store_site site;
	if (load_callback(r, &c, &site) != 0 || !page_require_form(r))
		return 0;
	int a = callback_action_parse(page_field(r, "op"));
	const char *result = a == CB_ATTEMPT ? page_field(r, "result") : NULL;
	store_callback after;
	field_errors e = {0};
	int64_t now = now_s();
	const char *back = str_eq(page_field(r, "back"), "list")
	                       ? path_of(r, "/sites/", c.site_id, "/callbacks")
	                       : path_of(r, "/callbacks/", c.id, "");
	if (a < 0) {
		ui_error_page(r, 400, N_("Ce changement n'est pas connu."));
		return 0;
	}
	if (!callback_may(&r->session->user, &c, (callback_action)a)) {
		/* Most often someone else moved it first: the page says so. */
		back_conflict(r, back);
		return 0;
	}
	if (callback_prepare(&r->session->user, &c, (callback_action)a, result, now, &after, &e) != 0) {
		ui_error_page(r, 400, e.n ? e.v[0].msgid : N_("Ce changement n'est pas connu."));
		return 0;
	}
	int rc = store_callback_apply(r->app->store, &c, &after, result, r->session->user.id, now);
	if (rc == STORE_CONFLICT || rc == STORE_NOT_FOUND) {
		back_conflict(r, back);
		return 0;
	}
	const char *code = callback_action_code((callback_action)a);
	const char *to = a == CB_DONE ? arena_printf(r->arena, "/visits/new?callback=%lld&site=%lld",
	                                             (long long)c.id, (long long)c.site_id)
	                              : arena_printf(r->arena, "%s?done=%s", back, code);
	return page_stored(r, rc, "update", "callback", c.id, c.site_id, code, to ? to : "/");
}

/* ---- The visit of a callback done ---------------------------------------- */

/* The callback a recording form names (the query's, or the form's once
 * posted), if it is done, has no visit yet and the user sees it. */
static int visit_callback(req *r, store_callback *c)
{
	int64_t id;
	const char *v = http_query(r, "callback");
	if (!v || !*v)
		v = page_field(r, "callback");
	if (!r->session || parse_int64(v, 1, INT64_MAX, &id) != 0 ||
	    store_callback_get(r->app->store, r->arena, id, c) != STORE_OK ||
	    !callback_may_see(&r->session->user, c->site_id) || !str_eq(c->status, "fait") || c->visit_id)
		return -1;
	return 0;
}

int page_callback_visit_prefill(req *r, store_visit *v)
{
	store_callback c;
	if (visit_callback(r, &c) != 0)
		return -1;
	v->site_id = c.site_id;
	v->channel = "rappel";
	if (c.lang && *c.lang && !str_eq(c.lang, "fr")) {
		v->visitor.allophone = 1;
		v->visitor.languages = c.lang;
	}
	return 0;
}

void page_callback_form_field(req *r)
{
	store_callback c;
	if (visit_callback(r, &c) != 0)
		return;
	RAW(r, "<input type=\"hidden\" name=\"callback\" value=\"");
	html_int(&r->out, c.id);
	RAW(r, "\">\n");
}

void page_callback_visit_saved(req *r, const store_visit *v)
{
	store_callback c;
	if (visit_callback(r, &c) != 0 || c.site_id != v->site_id)
		return;
	if (store_callback_set_visit(r->app->store, c.id, v->id) == STORE_OK)
		auth_audit(r, "update", "callback", c.id, c.site_id, "visite");
}
