/*
 * page_visits.c: recording a visit and its demands, reading it, correcting
 * it within the site's correction window, and deleting it (softly).
 *
 * The form is built for speed at the counter (docs/recording.md): one
 * page, sensible defaults (walk-in, 15 minutes, anonymous, solved on site),
 * the site's most frequent operators and procedures first, radios rather
 * than lists, what is already right (site, date, time) and the rarely
 * needed details folded in <details>, links to jump to the person or the
 * first demand, and the facts of the whole visit asked once: the languages
 * (a text field taking codes or names), interpreting and the equipment
 * used, copied into each demand's columns when read. Everything works
 * without JavaScript: "Ajouter une demande" is a submit button that brings
 * the form back with one more block and nothing saved, and Enter sends the
 * form to the server, which answers with the errors and everything typed
 * when something required is missing. static/visit.js spares the round
 * trip of a new block; static/record.js makes the language field a
 * searchable picker, keeps Enter from sending the form, adds the shortcuts
 * and says on the save button what will be saved. Field names are the
 * store's, "dN_…" for the demands (visit.h), so the domain's errors point
 * at the right fields.
 */
#include <string.h>

#include "app/app.h"
#include "vocab/enums.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/fragment.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"
#include "domain/visit.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* "Most frequent" looks this far back, and shows this many. */
#define FREQUENT_SINCE_S ((int64_t)90 * 24 * 3600)
#define FREQUENT_COUNT 6

#define RECORDERS (ROLE_BIT(ROLE_AGENT) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN))

static const int durations[] = {15, 30, 45, 60, 90, 120};

/* What the form holds besides the record: the texts as typed, so that a
 * form that comes back shows what the person wrote. */
typedef struct visit_form {
	store_visit v;
	const char *date, *time, *duration, *birth_year;
	const char *d_duration[VISIT_MAX_DEMANDS];
	page_commune commune;
	store_site *sites; /* where the user records (creation only) */
	size_t nsites;
	int focus;              /* the demand block just added (1-based), 0 for none */
	const int64_t *old_ids; /* the demands of the visit being corrected */
	size_t nold;
	int64_t ticket_id; /* the queue's ticket this visit serves (page_queue.c), 0 for none */
	/* The facts of the whole visit, asked once and copied into each
	 * demand: interpreting (ENUM_INTERPRETING) and its language, the
	 * equipment used ("a,b"), and the languages as typed. */
	const char *interpreting, *interpreting_lang, *equipment;
	const char *languages_text;
	/* A new form that nothing filled (no ticket, no callback): its
	 * person's section and first demand are the kept blank ones. */
	int blank;
} visit_form;

/* A field's name in its block, "d2_" + "operator": a form names a hundred
 * fields, so without printf. */
static const char *nm(req *r, const char *prefix, const char *field)
{
	size_t a = strlen(prefix), b = strlen(field);
	char *s = arena_alloc(r->arena, a + b + 1);
	if (!s)
		return field;
	memcpy(s, prefix, a);
	memcpy(s + a, field, b + 1);
	return s;
}

/* Numbers as form values; "" for 0 (not given). */
#define num page_int_text

static void demand_defaults(store_demand *d)
{
	memset(d, 0, sizeof *d);
	d->operator_code = d->theme_code = d->procedure_text = d->mandate_type = d->mandate_ref = "";
	d->equipment = d->interpreting_lang = d->referral_type = d->note = "";
	d->level = "fait_avec";
	d->interpreting = "aucun";
	d->outcome = "resolu";
}

static void form_defaults(req *r, visit_form *f)
{
	memset(f, 0, sizeof *f);
	store_visit *v = &f->v;
	int64_t now = now_s();
	char date[11], hm[6];
	time_local_date(now, date);
	time_local_hm(now, hm);
	f->date = arena_strdup(r->arena, date);
	f->time = arena_strdup(r->arena, hm);
	f->duration = "15";
	f->birth_year = "";
	v->channel = "guichet_spontane";
	v->place = "";
	v->duration_min = 15;
	store_visitor *p = &v->visitor;
	p->age_bracket = p->gender = p->social_status = "non_communique";
	p->commune_insee = p->languages = p->disabilities = p->full_name = p->phone = p->email = "";
	p->consent_reason = p->phone_kind = "";
	f->interpreting = "aucun";
	f->interpreting_lang = f->equipment = f->languages_text = "";
	f->commune.input = f->commune.code = "";
	v->demands = arena_alloc(r->arena, VISIT_MAX_DEMANDS * sizeof *v->demands);
	v->ndemands = 1;
	for (size_t i = 0; v->demands && i < VISIT_MAX_DEMANDS; i++) {
		demand_defaults(&v->demands[i]);
		f->d_duration[i] = "";
	}
}

/* Codes "ar,uk" as the language field shows them: "arabe, ukrainien". */
static const char *languages_as_text(req *r, const char *codes)
{
	const char **v;
	size_t n = page_split_codes(r, codes, &v);
	const char *s = "";
	for (size_t i = 0; s && i < n; i++)
		s = arena_printf(r->arena, "%s%s%s", s, i ? ", " : "", page_language_label(r, v[i]));
	return s ? s : codes;
}

/* The form of an existing visit. */
static void form_from_visit(req *r, visit_form *f, const store_visit *v)
{
	form_defaults(r, f);
	store_demand *room = f->v.demands;
	f->v = *v;
	f->v.demands = room;
	char date[11], hm[6];
	time_local_date(v->started_at, date);
	time_local_hm(v->started_at, hm);
	f->date = arena_strdup(r->arena, date);
	f->time = arena_strdup(r->arena, hm);
	f->duration = num(r, v->duration_min);
	f->birth_year = num(r, v->visitor.birth_year);
	f->commune.code = v->visitor.commune_insee;
	f->v.ndemands = v->ndemands < VISIT_MAX_DEMANDS ? v->ndemands : VISIT_MAX_DEMANDS;
	int64_t *ids = arena_alloc(r->arena, (f->v.ndemands + 1) * sizeof *ids);
	for (size_t i = 0; room && i < f->v.ndemands; i++) {
		room[i] = v->demands[i];
		f->d_duration[i] = num(r, v->demands[i].duration_min);
		if (ids)
			ids[i] = v->demands[i].id;
	}
	f->old_ids = ids;
	f->nold = ids ? f->v.ndemands : 0;
	if (!f->v.visitor.phone_kind)
		f->v.visitor.phone_kind = "";
	f->languages_text = languages_as_text(r, v->visitor.languages);
	/* The visit's facts from its demands: the first interpreting given,
	 * every equipment used (a correction then writes them to each). */
	const char **eq = arena_alloc(r->arena, (5 * f->v.ndemands + 1) * sizeof *eq);
	size_t neq = 0;
	for (size_t i = 0; room && i < f->v.ndemands; i++) {
		const store_demand *d = &room[i];
		if (str_eq(f->interpreting, "aucun") && d->interpreting && *d->interpreting &&
		    !str_eq(d->interpreting, "aucun")) {
			f->interpreting = d->interpreting;
			f->interpreting_lang = d->interpreting_lang ? d->interpreting_lang : "";
		}
		const char **codes;
		size_t nc = page_split_codes(r, d->equipment, &codes);
		for (size_t k = 0; eq && k < nc && neq < 5 * f->v.ndemands; k++) {
			int dup = 0;
			for (size_t j = 0; j < neq; j++)
				dup |= str_eq(eq[j], codes[k]);
			if (!dup)
				eq[neq++] = codes[k];
		}
	}
	f->equipment = eq ? page_join_codes(r, eq, neq) : "";
}

/* An integer field: "" gives 0; anything else must be a number. */
static int read_number(req *r, const char *name, int64_t max, const char **text, int64_t *out,
                       field_errors *e, const char *msgid)
{
	const char *s = page_field(r, name);
	if (text)
		*text = s;
	*out = 0;
	if (!*s)
		return 0;
	if (parse_int64(s, 0, max, out) != 0) {
		field_error_add(e, name, msgid);
		return -1;
	}
	return 0;
}

static char *read_codes(req *r, const char *name)
{
	const char **v;
	size_t n = page_field_all(r, name, &v);
	return page_join_codes(r, v, n);
}

static int checked(req *r, const char *name)
{
	return *page_field(r, name) != '\0';
}

static void read_demand(req *r, visit_form *f, size_t in, size_t out, field_errors *e)
{
	const char *p = arena_printf(r->arena, "d%zu_", in + 1);
	const char *q = arena_printf(r->arena, "d%zu_", out + 1); /* the name once compacted */
	store_demand *d = &f->v.demands[out];
	if (!p || !q)
		return;
	demand_defaults(d);
	d->operator_code = (char *)page_field(r, nm(r, p, "operator_code"));
	d->theme_code = (char *)page_field(r, nm(r, p, "theme_code"));
	d->procedure_text = (char *)page_field(r, nm(r, p, "procedure_text"));
	d->level = (char *)page_field(r, nm(r, p, "level"));
	d->mandate_type = (char *)page_field(r, nm(r, p, "mandate_type"));
	d->mandate_ref = (char *)page_field(r, nm(r, p, "mandate_ref"));
	/* A demand's own interpreting or equipment (a client that sends
	 * them per demand) wins; otherwise the visit's. */
	d->equipment = read_codes(r, nm(r, p, "equipment"));
	if (!*d->equipment)
		d->equipment = (char *)f->equipment;
	d->interpreting = (char *)page_field(r, nm(r, p, "interpreting"));
	d->interpreting_lang = (char *)page_field(r, nm(r, p, "interpreting_lang"));
	if (!*d->interpreting) {
		d->interpreting = (char *)f->interpreting;
		d->interpreting_lang = (char *)f->interpreting_lang;
	}
	d->outcome = (char *)page_field(r, nm(r, p, "outcome"));
	d->referral_type = (char *)page_field(r, nm(r, p, "referral_type"));
	d->note = (char *)page_field(r, nm(r, p, "note"));
	int64_t v;
	const char *s = page_field(r, nm(r, p, "autonomy"));
	if (*s && (parse_int64(s, 0, 3, &v) != 0))
		field_error_add(e, nm(r, q, "autonomy"), "Choisissez un niveau d'autonomie de la liste.");
	else
		d->autonomy = *s ? v : 0;
	s = page_field(r, nm(r, p, "duration_min"));
	f->d_duration[out] = s;
	if (*s && parse_int64(s, 0, VISIT_MAX_DURATION_MIN, &d->duration_min) != 0)
		field_error_add(e, nm(r, q, "duration_min"),
		                "La durée de la demande doit être un nombre de minutes.");
	s = page_field(r, nm(r, p, "procedure_id"));
	if (*s && parse_int64(s, 1, INT64_MAX, &d->procedure_id) != 0)
		field_error_add(e, nm(r, q, "procedure_id"), "Choisissez une démarche de la liste.");
	/* Only a demand of the visit being corrected keeps its id. */
	s = page_field(r, nm(r, p, "id"));
	if (*s && parse_int64(s, 1, INT64_MAX, &v) == 0)
		for (size_t i = 0; i < f->nold; i++)
			if (f->old_ids[i] == v) {
				int taken = 0;
				for (size_t k = 0; k < out; k++)
					taken |= f->v.demands[k].id == v;
				d->id = taken ? 0 : v;
			}
}

/* Reads the form into f. Returns -1 when the form itself is malformed (an
 * answer has been written), 0 otherwise with the problems in e. */
static int read_form(req *r, visit_form *f, int creating, field_errors *e)
{
	store_visit *v = &f->v;
	if (!v->demands) {
		r->status = 500;
		page_error(r);
		return -1;
	}
	if (creating) {
		v->site_id = page_chosen_site(r, "site_id", f->sites, f->nsites, e);
		v->agent_id = r->session->user.id;
		if (parse_int64(page_field(r, "ticket"), 1, INT64_MAX, &f->ticket_id) != 0)
			f->ticket_id = 0;
	}
	f->date = page_field(r, "date");
	f->time = page_field(r, "time");
	if (time_parse_local(f->date, f->time, &v->started_at) != 0)
		field_error_add(e, "date",
		                "La date (AAAA-MM-JJ) ou l'heure (HH:MM) de la visite n'est pas valide.");
	v->channel = (char *)page_field(r, "channel");
	v->place = (char *)page_field(r, "place");
	read_number(r, "duration_min", VISIT_MAX_DURATION_MIN, &f->duration, &v->duration_min, e,
	            N_("La durée de la visite doit être un nombre de minutes."));

	store_visitor *p = &v->visitor;
	p->site_id = v->site_id;
	p->age_bracket = (char *)page_field(r, "age_bracket");
	read_number(r, "birth_year", 9999, &f->birth_year, &p->birth_year, e,
	            N_("L'année de naissance s'écrit avec 4 chiffres, par exemple 1958."));
	p->gender = (char *)page_field(r, "gender");
	p->social_status = (char *)page_field(r, "social_status");
	if (page_commune_resolve(r, page_field(r, "commune_insee"), &f->commune) != 0)
		field_error_add(e, "commune_insee", f->commune.error);
	p->commune_insee = f->commune.code;
	p->phone_kind = (char *)page_field(r, "phone_kind");
	p->no_phone = checked(r, "no_phone") || str_eq(p->phone_kind, "aucun");
	if (!str_eq(p->phone_kind, "aucun") && *p->phone_kind)
		p->no_phone = 0;
	p->no_email = checked(r, "no_email");
	p->no_device = checked(r, "no_device");
	p->no_internet = checked(r, "no_internet");
	p->allophone = checked(r, "allophone");
	/* Checkboxes or one text field: codes or names either way. */
	f->languages_text = read_codes(r, "languages");
	const char *codes = "";
	if (page_languages_read(r, f->languages_text, &codes) != 0)
		field_error_add(e, "languages",
		                "Une langue n'a pas été reconnue : écrivez son code (ar) ou son nom (arabe), "
		                "séparés par des virgules.");
	p->languages = (char *)codes;
	if (!field_error_for(e, "languages"))
		f->languages_text = languages_as_text(r, codes);
	p->illiteracy = checked(r, "illiteracy");
	p->disabilities = read_codes(r, "disabilities");
	p->very_precarious = checked(r, "very_precarious");
	int was = p->identified;
	p->identified = checked(r, "identified");
	p->consent_reason = (char *)page_field(r, "consent_reason");
	p->full_name = (char *)page_field(r, "full_name");
	p->phone = (char *)page_field(r, "phone");
	p->email = (char *)page_field(r, "email");
	if (p->identified && (!was || !p->consent_at))
		p->consent_at = now_s();

	f->interpreting = page_field(r, "interpreting");
	f->interpreting_lang = page_field(r, "interpreting_lang");
	f->equipment = read_codes(r, "equipment");
	/* An interpreter's language not chosen: the person's first. */
	if (*f->interpreting && !str_eq(f->interpreting, "aucun") && !*f->interpreting_lang &&
	    *p->languages) {
		const char **first;
		if (page_split_codes(r, p->languages, &first) > 0)
			f->interpreting_lang = first[0];
	}

	int64_t nd = 1;
	const char *s = page_field(r, "ndemands");
	if (*s && parse_int64(s, 1, VISIT_MAX_DEMANDS, &nd) != 0) {
		ui_error_page(r, 400, "Le formulaire est incomplet ou a été modifié : rechargez la page.");
		return -1;
	}
	size_t k = 0;
	for (size_t i = 0; i < (size_t)nd; i++) {
		const char *rm = arena_printf(r->arena, "d%zu_remove", i + 1);
		if (rm && checked(r, rm))
			continue;
		read_demand(r, f, i, k++, e);
	}
	v->ndemands = k;
	if (k == 0)
		field_error_add(e, NULL,
		                "Une visite compte au moins une demande : ne les retirez pas toutes.");
	return 0;
}

/* ---- Rendering --------------------------------------------------------- */

/* The placeholder of a demand block's number in the kept blank block
 * (below: the blank pieces). */
#define BLANK_N "__N__"

/* The catalog's choices of a form, read when a block is written (a new
 * form copies its blank block without them: catalog_ready). */
typedef struct catalog_opts {
	ui_option *ops, *ops_freq, *themes, *procs, *procs_freq;
	size_t nops, nops_freq, nthemes, nprocs, nprocs_freq;
	int64_t site_id; /* whose frequent choices come first */
	int loaded;
	int placeholder; /* an entry holds BLANK_N: blank blocks are not kept */
} catalog_opts;

/* Reads the lists into c, empty but for its site_id (catalog_ready). */
static void load_catalog(req *r, catalog_opts *c)
{
	int64_t site_id = c->site_id;
	store *st = r->app->store;
	arena *a = r->arena;
	store_operator *ops = NULL;
	store_theme *themes = NULL;
	store_procedure *procs = NULL;
	size_t n = 0;
	if (store_operator_list(st, a, 1, &ops, &n) == STORE_OK &&
	    (c->ops = arena_alloc(a, (n + 1) * sizeof *c->ops)))
		for (size_t i = 0; i < n; i++)
			c->ops[c->nops++] = (ui_option){ops[i].code, ops[i].name};
	if (store_theme_list(st, a, &themes, &n) == STORE_OK &&
	    (c->themes = arena_alloc(a, (n + 1) * sizeof *c->themes)))
		for (size_t i = 0; i < n; i++)
			c->themes[c->nthemes++] = (ui_option){themes[i].code, _(r, themes[i].label)};
	if (store_procedure_list(st, a, 1, &procs, &n) == STORE_OK &&
	    (c->procs = arena_alloc(a, (n + 1) * sizeof *c->procs)))
		for (size_t i = 0; i < n; i++)
			c->procs[c->nprocs++] = (ui_option){num(r, procs[i].id), procs[i].label};

	int64_t since = now_s() - FREQUENT_SINCE_S;
	char **codes = NULL;
	int64_t *ids = NULL;
	c->ops_freq = arena_alloc(a, (FREQUENT_COUNT + 1) * sizeof *c->ops_freq);
	c->procs_freq = arena_alloc(a, (FREQUENT_COUNT + 1) * sizeof *c->procs_freq);
	if (site_id && c->ops_freq &&
	    store_frequent_operators(st, a, site_id, since, FREQUENT_COUNT, &codes, &n) == STORE_OK)
		for (size_t i = 0; i < n && c->nops_freq < FREQUENT_COUNT; i++)
			for (size_t k = 0; k < c->nops; k++)
				if (str_eq(c->ops[k].value, codes[i]))
					c->ops_freq[c->nops_freq++] = c->ops[k];
	if (site_id && c->procs_freq &&
	    store_frequent_procedures(st, a, site_id, since, FREQUENT_COUNT, &ids, &n) == STORE_OK)
		for (size_t i = 0; i < n && c->nprocs_freq < FREQUENT_COUNT; i++)
			for (size_t k = 0; k < c->nprocs; k++)
				if (procs[k].id == ids[i])
					c->procs_freq[c->nprocs_freq++] = c->procs[k];
}

static int holds_placeholder(const ui_option *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(v[i].value, BLANK_N) || strstr(v[i].label, BLANK_N))
			return 1;
	return 0;
}

/* The catalog's choices, read at the first call. */
static const catalog_opts *catalog_ready(req *r, catalog_opts *c)
{
	if (!c->loaded) {
		c->loaded = 1;
		load_catalog(r, c);
		c->placeholder = holds_placeholder(c->ops, c->nops) ||
		                 holds_placeholder(c->themes, c->nthemes) ||
		                 holds_placeholder(c->procs, c->nprocs);
	}
	return c;
}

static int errors_with_prefix(const field_errors *e, const char *prefix)
{
	for (size_t i = 0; i < e->n && i < COUNT(e->v); i++)
		if (e->v[i].field && str_starts(e->v[i].field, prefix))
			return 1;
	return 0;
}

/* The operators' and procedures' names are the catalog's, in French: in
 * a page of another language each option of the <select> written from
 * `from` on says so (RGAA 8.7), except the empty first choice. */
static void french_options(req *r, size_t from)
{
	buf *o = &r->out;
	if (!r->lang || str_eq(r->lang->code, "fr") || from > o->len || !o->data)
		return;
	static const char tag[] = "<option value=\"";
	const char *tail = arena_strdup(r->arena, o->data + from);
	if (!tail)
		return;
	o->len = from;
	o->data[from] = '\0';
	for (const char *p = tail, *q; *p; p = q) {
		q = strstr(p, tag);
		if (!q) {
			buf_puts(o, p);
			break;
		}
		buf_append(o, p, (size_t)(q - p));
		q += sizeof tag - 1;
		buf_puts(o, *q == '"' ? tag : "<option lang=\"fr\" value=\"");
	}
}

/* The fields of one demand block, up to the end of its folded details;
 * p is the field prefix ("d2_", or "d__N___" in the template that
 * visit.js copies), n the number shown. */
static void demand_fields(req *r, const store_demand *d, const char *p, const char *n, const char *duration,
                          int focus, const catalog_opts *c, const field_errors *e)
{
	buf *o = &r->out;
	const char *legend = _(r, "Demande %d");
	const char *pct = strstr(legend, "%d");
	RAW(r, "<fieldset class=\"section demand\" id=\"");
	html_attr(o, nm(r, "demande-", n));
	RAW(r, "\"><legend><h2>");
	html_txt_n(o, legend, pct ? (size_t)(pct - legend) : strlen(legend));
	RAW(r, "<span class=\"demand-n\">");
	html_txt(o, n);
	RAW(r, "</span>");
	if (pct)
		html_txt(o, pct + 2);
	RAW(r, "</h2></legend>\n");
	if (d->id) {
		RAW(r, "<input type=\"hidden\" name=\"");
		html_attr(o, nm(r, p, "id"));
		RAW(r, "\" value=\"");
		html_int(o, d->id);
		RAW(r, "\">\n");
	}
	ui_opt_group ops[] = {{_(r, "Les plus fréquents à ce lieu"), c->ops_freq, c->nops_freq},
	                      {c->nops_freq ? _(r, "Tous les organismes") : NULL, c->ops, c->nops}};
	size_t at = o->len;
	ui_select_groups(r, nm(r, p, "operator_code"), _(r, "Organisme concerné"),
	                 _(r, "— Choisir un organisme —"), d->operator_code, ops, COUNT(ops), e, focus);
	french_options(r, at);
	ui_opt_group procs[] = {{_(r, "Les plus fréquentes à ce lieu"), c->procs_freq, c->nprocs_freq},
	                        {c->nprocs_freq ? _(r, "Toutes les démarches") : NULL, c->procs, c->nprocs}};
	at = o->len;
	ui_select_groups(r, nm(r, p, "procedure_id"), _(r, "Démarche"),
	                 _(r, "— Autre démarche (texte libre) —"), num(r, d->procedure_id), procs,
	                 COUNT(procs), e, 0);
	french_options(r, at);
	ui_field pt = {.name = nm(r, p, "procedure_text"),
	               .label = _(r, "Autre démarche"),
	               .hint = _(r, "Si elle n'est pas dans la liste."),
	               .value = d->procedure_text,
	               .type = "text"};
	ui_input(r, &pt, e);
	ui_option none_theme = {"", _(r, "— Choisir un thème —")};
	ui_option *themes = arena_alloc(r->arena, (c->nthemes + 1) * sizeof *themes);
	if (themes) {
		themes[0] = none_theme;
		if (c->nthemes)
			memcpy(themes + 1, c->themes, c->nthemes * sizeof *themes);
		ui_field th = {.name = nm(r, p, "theme_code"),
		               .label = _(r, "Thème"),
		               .hint = _(r, "Déduit de la démarche quand il n'est pas choisi."),
		               .value = d->theme_code};
		ui_select(r, &th, themes, c->nthemes + 1, e);
	}
	page_radios_enum(r, nm(r, p, "level"), _(r, "Niveau d'intervention"), &ENUM_LEVEL, d->level, e);
	page_radios_enum(r, nm(r, p, "outcome"), _(r, "Résultat"), &ENUM_OUTCOME, d->outcome, e);
	page_select_enum(r, nm(r, p, "referral_type"), _(r, "Orientée vers (si orientée)"),
	                 _(r, "Sans objet"), &ENUM_REFERRAL, d->referral_type, e);

	int open = *d->mandate_type || *d->mandate_ref || d->autonomy || *duration || *d->note ||
	           errors_with_prefix(e, p);
	ui_details_begin(r, _(r, "Précisions (facultatif)"), open);
	page_select_enum(r, nm(r, p, "mandate_type"), _(r, "Type de mandat (si fait pour la personne)"),
	                 _(r, "Sans objet"), &ENUM_MANDATE, d->mandate_type, e);
	ui_field mr = {.name = nm(r, p, "mandate_ref"),
	               .label = _(r, "Référence du mandat"),
	               .value = d->mandate_ref,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &mr, e);
	size_t na;
	ui_option *aut = page_enum_options(r, &ENUM_AUTONOMY, &na);
	ui_option *aut0 = arena_alloc(r->arena, (na + 1) * sizeof *aut0);
	if (aut && aut0) {
		aut0[0] = (ui_option){"", _(r, "Non évaluée")};
		memcpy(aut0 + 1, aut, na * sizeof *aut);
		ui_radios(r, nm(r, p, "autonomy"), _(r, "Autonomie numérique"), aut0, na + 1,
		          num(r, d->autonomy), e);
	}
	ui_field du = {.name = nm(r, p, "duration_min"),
	               .label = _(r, "Durée de cette demande (minutes)"),
	               .value = duration,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &du, e);
	ui_field note = {.name = nm(r, p, "note"),
	                 .label = _(r, "Note"),
	                 .hint =
	                     _(r, "N'écrivez pas de données sensibles (santé, opinions, numéros de sécurité "
	                          "sociale…). 500 caractères au plus."),
	                 .value = d->note};
	ui_textarea(r, &note, e);
	RAW(r, "</details>\n");
}

static void demand_end(req *r, const char *p, int removable)
{
	if (removable)
		ui_checkbox(r, nm(r, p, "remove"), _(r, "Retirer cette demande"), 0);
	RAW(r, "</fieldset>\n");
}

static void demand_block(req *r, const store_demand *d, const char *p, const char *n, const char *duration,
                         int removable, int focus, const catalog_opts *c, const field_errors *e)
{
	demand_fields(r, d, p, n, duration, focus, c, e);
	demand_end(r, p, removable);
}

/* ---- The blank pieces, rendered once (web/fragment.h) -------------------
 * A blank demand block says the same in every form of a language with the
 * same catalog, but for its number: the template's is "__N__", which
 * visit.js replaces, and the first block of a new form is the same text
 * with "1". The person's section of a form that nothing filled depends on
 * the language alone. Each is rendered at its first view, kept under what
 * it depends on, and copied afterwards: the form writes 40 KB, four fifths
 * of it these pieces. A new form copies them without reading the catalog's
 * lists: the stamps of the lists kept in memory name their content. */

/* The key of a blank demand block: the language, the stamps of the
 * catalog's lists it shows (store_catalog_stamps: the same stamps, the same
 * lists) and the site's frequent operators and procedures, which it puts
 * first. -1 when it cannot be kept: a list not kept in memory yet (it is
 * once the block is written), or the key over its limit. */
static int blank_demand_key(req *r, const catalog_opts *c, buf *k)
{
	static const store_catalog_list shown[] = {STORE_LIST_OPERATORS_ACTIVE, STORE_LIST_THEMES,
	                                           STORE_LIST_PROCEDURES_ACTIVE};
	uint64_t stamps[COUNT(shown)];
	if (store_catalog_stamps(r->app->store, shown, COUNT(shown), stamps) != 0)
		return -1;
	web_fragment_key_add(k, "demand");
	web_fragment_key_add(k, r->lang ? r->lang->code : "");
	for (size_t i = 0; i < COUNT(stamps); i++)
		web_fragment_key_add(k, num(r, (int64_t)stamps[i]));
	char **codes = NULL;
	int64_t *ids = NULL;
	size_t nc = 0, ni = 0;
	int64_t since = now_s() - FREQUENT_SINCE_S;
	if (c->site_id && (store_frequent_operators(r->app->store, r->arena, c->site_id, since,
	                                            FREQUENT_COUNT, &codes, &nc) != STORE_OK ||
	                   store_frequent_procedures(r->app->store, r->arena, c->site_id, since,
	                                             FREQUENT_COUNT, &ids, &ni) != STORE_OK))
		return -1;
	web_fragment_key_add(k, num(r, (int64_t)nc));
	for (size_t i = 0; i < nc; i++)
		web_fragment_key_add(k, codes[i]);
	web_fragment_key_add(k, num(r, (int64_t)ni));
	for (size_t i = 0; i < ni; i++)
		web_fragment_key_add(k, num(r, ids[i]));
	return k->overflow || !k->data ? -1 : 0;
}

/* The fields of a blank demand block with prefix p and number n. */
static void blank_demand_fields(req *r, const char *p, const char *n, const catalog_opts *c)
{
	store_demand blank;
	field_errors none = {0};
	demand_defaults(&blank);
	demand_fields(r, &blank, p, n, "", 0, c, &none);
}

static int render_blank_demand(req *r, void *arg)
{
	const catalog_opts *c = catalog_ready(r, arg);
	if (c->placeholder)
		return -1;
	blank_demand_fields(r, "d" BLANK_N "_", BLANK_N, c);
	return 0;
}

/* A blank demand block numbered n ("1", or BLANK_N for the template). */
static void blank_demand_block(req *r, const char *n, int removable, catalog_opts *c)
{
	const char *p = nm(r, nm(r, "d", n), "_");
	buf key;
	buf_init(&key, LIMIT_FRAGMENT_KEY_BYTES);
	if (blank_demand_key(r, c, &key) != 0 ||
	    web_fragment_write(r, key.data, key.len, n, BLANK_N, render_blank_demand, c) != 0)
		blank_demand_fields(r, p, n, catalog_ready(r, c));
	buf_free(&key);
	demand_end(r, p, removable);
}

/* The languages the person speaks: one text field taking codes or names,
 * which static/record.js turns into a searchable picker; the list of
 * codes, names and own names is folded below it (and is the picker's
 * data). */
static void languages_field(req *r, const visit_form *f, const field_errors *e)
{
	buf *o = &r->out;
	const char *err = field_error_for(e, "languages");
	RAW(r, err ? "<div class=\"field field-error lang-field\" data-lang-field>"
	           : "<div class=\"field lang-field\" data-lang-field>");
	RAW(r, "<label for=\"languages\">");
	html_txt(o, _(r, "Langues parlées"));
	RAW(r, "</label>\n<p class=\"hint\" id=\"languages-hint\">");
	html_txt(o, _(r, "Codes ou noms séparés par des virgules, par exemple : ar, ukrainien."));
	RAW(r, "</p>\n");
	if (err) {
		RAW(r, "<p class=\"error-message\" id=\"languages-error\"><span class=\"sr-only\">");
		html_txt(o, _(r, "Erreur :"));
		RAW(r, " </span>");
		html_txt(o, _(r, err));
		RAW(r, "</p>\n");
	}
	RAW(r, "<input type=\"text\" id=\"languages\" name=\"languages\" autocomplete=\"off\" "
	       "spellcheck=\"false\" value=\"");
	html_attr(o, f->languages_text);
	RAW(r, err ? "\" aria-invalid=\"true\" aria-describedby=\"languages-hint languages-error\">\n"
	           : "\" aria-describedby=\"languages-hint\">\n");
	ui_details_begin(r, _(r, "Codes des langues"), 0);
	RAW(r, "<ul class=\"lang-list\">\n");
	size_t nl;
	const ui_option *langs = page_languages(&nl);
	for (size_t i = 0; i < nl; i++) {
		int rtl = 0;
		const char *own = page_language_autonym(langs[i].value, &rtl);
		RAW(r, "<li data-code=\"");
		html_attr(o, langs[i].value);
		RAW(r, "\" data-name=\"");
		html_attr(o, _(r, langs[i].label));
		RAW(r, "\" data-fr=\"");
		html_attr(o, langs[i].label);
		RAW(r, "\" data-own=\"");
		html_attr(o, own ? own : "");
		RAW(r, "\"><code>");
		html_txt(o, langs[i].value);
		RAW(r, "</code> ");
		html_txt(o, _(r, langs[i].label));
		if (own) {
			RAW(r, " — <span lang=\"");
			html_attr(o, langs[i].value);
			RAW(r, rtl ? "\" dir=\"rtl\">" : "\">");
			html_txt(o, own);
			RAW(r, "</span>");
		}
		RAW(r, "</li>\n");
	}
	RAW(r, "</ul>\n</details>\n</div>\n");
}

static void person_fields(req *r, const visit_form *f, const field_errors *e)
{
	const store_visitor *p = &f->v.visitor;
	ui_section_begin(r, "personne", _(r, "La personne"));
	RAW(r, "<p class=\"hint\">");
	html_txt(&r->out, _(r, "La personne reste anonyme : seul son profil est enregistré."));
	RAW(r, "</p>\n");
	page_radios_enum(r, "age_bracket", _(r, "Tranche d'âge"), &ENUM_AGE, p->age_bracket, e);
	ui_field by = {.name = "birth_year",
	               .label = _(r, "Année de naissance (facultatif)"),
	               .value = f->birth_year,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &by, e);
	page_radios_enum(r, "gender", _(r, "Genre"), &ENUM_GENDER, p->gender, e);
	page_radios_enum(r, "social_status", _(r, "Situation"), &ENUM_STATUS, p->social_status, e);
	page_commune_field(r, "commune_insee", _(r, "Commune de résidence"), &f->commune, e);

	/* The telephone: no phone, a phone without internet, a smartphone. */
	size_t nk;
	ui_option *kinds = page_enum_options(r, &ENUM_PHONE, &nk);
	ui_option *k0 = arena_alloc(r->arena, (nk + 1) * sizeof *k0);
	if (kinds && k0) {
		k0[0] = (ui_option){"", _(r, "Non demandé")};
		memcpy(k0 + 1, kinds, nk * sizeof *kinds);
		ui_radios(r, "phone_kind", _(r, "Téléphone de la personne"), k0, nk + 1, p->phone_kind, e);
	}
	RAW(r, "<fieldset class=\"field checkboxes\"><legend>");
	html_txt(&r->out, _(r, "Accès au numérique"));
	RAW(r, "</legend>\n");
	ui_checkbox(r, "no_email", _(r, "Pas d'adresse e-mail"), p->no_email);
	ui_checkbox(r, "no_device", _(r, "Pas d'ordinateur ni de tablette"), p->no_device);
	ui_checkbox(r, "no_internet", _(r, "Pas d'accès à internet"), p->no_internet);
	RAW(r, "</fieldset>\n");

	/* Language and interpreting: asked once for the whole visit. */
	RAW(r, "<fieldset class=\"field lang-facts\" data-lang-facts><legend>");
	html_txt(&r->out, _(r, "Langue et interprétariat"));
	RAW(r, "</legend>\n");
	ui_checkbox(r, "allophone", _(r, "Ne parle pas ou peu le français"), p->allophone);
	RAW(r, "<div class=\"lang-more\" data-lang-more>\n");
	languages_field(r, f, e);
	page_radios_enum(r, "interpreting", _(r, "Interprétariat pendant la visite"), &ENUM_INTERPRETING,
	                 f->interpreting, e);
	RAW(r, "<div data-interpreting-lang>\n");
	page_language_select(r, "interpreting_lang",
	                     _(r, "Langue de l'interprétariat (par défaut : la première langue parlée)"),
	                     f->interpreting_lang, e);
	RAW(r, "</div>\n</div>\n</fieldset>\n");

	int open = *f->equipment || field_error_for(e, "equipment");
	ui_details_begin(r, _(r, "Matériel utilisé pendant la visite (facultatif)"), open);
	page_checkboxes_enum(r, "equipment", _(r, "Matériel utilisé"), &ENUM_EQUIPMENT, f->equipment, e);
	RAW(r, "</details>\n");

	open = p->illiteracy || *p->disabilities || p->very_precarious || field_error_for(e, "disabilities");
	ui_details_begin(r, _(r, "Publics particuliers"), open);
	ui_checkbox(r, "illiteracy", _(r, "En situation d'illettrisme"), p->illiteracy);
	page_checkboxes_enum(r, "disabilities", _(r, "Handicap"), &ENUM_DISABILITY, p->disabilities, e);
	ui_checkbox(r, "very_precarious", _(r, "Grande précarité (sans domicile, hébergement d'urgence)"),
	            p->very_precarious);
	RAW(r, "</details>\n");

	open = p->identified || *p->full_name || *p->phone || *p->email ||
	       field_error_for(e, "consent_reason") || field_error_for(e, "full_name") ||
	       field_error_for(e, "phone") || field_error_for(e, "email") || field_error_for(e, "identified");
	ui_details_begin(r, _(r, "Identifier la personne (avec son accord)"), open);
	ui_notice(
	    r, "info",
	    _(r, "Seulement pour un suivi (rappel, recontact, saisine d'un organisme) et avec l'accord de la "
	         "personne. Sinon, laissez-la anonyme."));
	ui_checkbox(r, "identified", _(r, "La personne accepte d'être identifiée"), p->identified);
	page_radios_enum(r, "consent_reason", _(r, "Raison du suivi"), &ENUM_CONSENT, p->consent_reason, e);
	ui_field fn = {.name = "full_name",
	               .label = _(r, "Nom et prénom"),
	               .value = p->full_name,
	               .type = "text",
	               .autocomplete = "off"};
	ui_input(r, &fn, e);
	ui_field ph = {.name = "phone",
	               .label = _(r, "Téléphone"),
	               .value = p->phone,
	               .type = "tel",
	               .autocomplete = "off"};
	ui_input(r, &ph, e);
	ui_field em = {.name = "email",
	               .label = _(r, "Adresse e-mail"),
	               .value = p->email,
	               .type = "email",
	               .autocomplete = "off"};
	ui_input(r, &em, e);
	RAW(r, "</details>\n</fieldset>\n");
}

static int render_blank_person(req *r, void *f)
{
	field_errors none = {0};
	person_fields(r, f, &none);
	return 0;
}

/* The person's section: in a new form that nothing filled, the kept one
 * of the language. */
static void person_section(req *r, const visit_form *f, const field_errors *e)
{
	if (f->blank && e->n == 0) {
		buf key;
		buf_init(&key, 64);
		web_fragment_key_add(&key, "person");
		web_fragment_key_add(&key, r->lang ? r->lang->code : "");
		int kept =
		    !key.overflow && key.data &&
		    web_fragment_write(r, key.data, key.len, NULL, NULL, render_blank_person, (void *)f) == 0;
		buf_free(&key);
		if (kept)
			return;
	}
	person_fields(r, f, e);
}

/* What is already right (site, date, time, adviser) is folded: one stop
 * in the tab order, its summary saying what will be recorded. */
static void visit_section(req *r, const visit_form *f, int creating, const field_errors *e)
{
	buf *o = &r->out;
	const store_visit *v = &f->v;
	ui_section_begin(r, "visite", _(r, "La visite"));
	const char *site = "";
	for (size_t i = 0; i < f->nsites; i++)
		if (f->sites[i].id == v->site_id)
			site = f->sites[i].name;
	int open = field_error_for(e, "date") || field_error_for(e, "time") ||
	           field_error_for(e, "site_id") || field_error_for(e, "place") || *v->place;
	RAW(r,
	    open ? "<details class=\"more when\" open><summary>" : "<details class=\"more when\"><summary>");
	html_txt(o, _(r, "Date, heure et lieu :"));
	RAW(r, " <span data-when-date>");
	html_txt(o, f->date);
	RAW(r, "</span> <span data-when-time>");
	html_txt(o, f->time);
	RAW(r, "</span>");
	if (*site) {
		RAW(r, ", <span lang=\"fr\">");
		html_txt(o, site);
		RAW(r, "</span>");
	}
	if (creating && r->session) {
		RAW(r, ", ");
		html_txt(o, r->session->user.name);
	}
	RAW(r, " <span class=\"when-change\">— ");
	html_txt(o, _(r, "modifier"));
	RAW(r, "</span></summary>\n");
	if (creating)
		page_site_choice(r, "site_id", f->sites, f->nsites, v->site_id, e);
	RAW(r, "<div class=\"inline-fields\">");
	ui_field d = {.name = "date", .label = _(r, "Date"), .value = f->date, .type = "date", .required = 1};
	ui_input(r, &d, e);
	ui_field t = {
	    .name = "time", .label = _(r, "Heure"), .value = f->time, .type = "time", .required = 1};
	ui_input(r, &t, e);
	RAW(r, "</div>\n");
	ui_field pl = {
	    .name = "place",
	    .label = _(r, "Lieu de la permanence ou du domicile"),
	    .hint = _(r, "Pour une étape itinérante ou une visite à domicile : la commune ou l'arrêt."),
	    .value = v->place,
	    .type = "text"};
	ui_input(r, &pl, e);
	RAW(r, "</details>\n");
	page_radios_enum(r, "channel", _(r, "Canal"), &ENUM_CHANNEL, v->channel, e);
	ui_option dur[COUNT(durations)];
	for (size_t i = 0; i < COUNT(durations); i++)
		dur[i] = (ui_option){num(r, durations[i]), page_count_text(r, _(r, "%d min"), durations[i])};
	ui_radios(r, "duration_min", _(r, "Durée de la visite"), dur, COUNT(dur), f->duration, e);
	RAW(r, "</fieldset>\n");
}

/* "Aller à : la personne, demande 1, enregistrer": links that move the
 * keyboard past what is already right. */
static void form_jumps(req *r, int creating)
{
	buf *o = &r->out;
	RAW(r, "<nav class=\"form-jumps\" aria-labelledby=\"form-jumps-title\"><p id=\"form-jumps-title\">");
	html_txt(o, _(r, "Aller à :"));
	RAW(r, "</p><ul><li><a href=\"#personne\">");
	html_txt(o, _(r, "La personne"));
	RAW(r, "</a></li><li><a href=\"#demande-1\">");
	html_txt(o, page_count_text(r, _(r, "Demande %d"), 1));
	RAW(r, "</a></li><li><a href=\"#enregistrer\">");
	html_txt(o, creating ? _(r, "Enregistrer la visite") : _(r, "Enregistrer les modifications"));
	RAW(r, "</a></li></ul></nav>\n");
}

static void render_form(req *r, const visit_form *f, const char *action, int creating, const field_errors *e)
{
	buf *o = &r->out;
	catalog_opts c = {.site_id = f->v.site_id ? f->v.site_id : (f->nsites ? f->sites[0].id : 0)};
	ui_error_summary(r, e);
	RAW(r, "<form method=\"post\" class=\"visit-form\" action=\"");
	html_attr(o, action);
	RAW(r, "\" novalidate data-max-demands=\"");
	html_int(o, VISIT_MAX_DEMANDS);
	/* The save button's label as static/record.js rewrites it. */
	RAW(r, "\" data-save-one=\"");
	html_attr(o, creating ? _(r, "Enregistrer la visite : 1 personne, 1 demande")
	                      : _(r, "Enregistrer les modifications : 1 personne, 1 demande"));
	RAW(r, "\" data-save-many=\"");
	html_attr(o, creating ? _(r, "Enregistrer la visite : 1 personne, %d demandes")
	                      : _(r, "Enregistrer les modifications : 1 personne, %d demandes"));
	RAW(r, "\" data-lang-added=\"");
	html_attr(o, _(r, "Langue ajoutée :"));
	RAW(r, "\" data-lang-removed=\"");
	html_attr(o, _(r, "Langue retirée :"));
	RAW(r, "\" data-lang-remove=\"");
	html_attr(o, _(r, "Retirer"));
	RAW(r, "\" data-lang-none=\"");
	html_attr(o, _(r, "Aucune langue ne correspond."));
	RAW(r, "\" data-lang-search=\"");
	html_attr(o, _(r, "Chercher une langue (code ou nom), puis Entrée"));
	RAW(r, "\">\n<input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
	html_attr(o, r->csrf ? r->csrf : "");
	RAW(r, "\">\n<input type=\"hidden\" name=\"ndemands\" value=\"");
	html_int(o, (int64_t)f->v.ndemands);
	RAW(r, "\">\n");
	if (f->ticket_id) {
		RAW(r, "<input type=\"hidden\" name=\"ticket\" value=\"");
		html_int(o, f->ticket_id);
		RAW(r, "\">\n");
	}
	if (creating)
		page_callback_form_field(r);
	form_jumps(r, creating);
	visit_section(r, f, creating, e);
	person_section(r, f, e);
	for (size_t i = 0; i < f->v.ndemands; i++) {
		const char *n = num(r, (int64_t)i + 1);
		if (f->blank && e->n == 0 && f->v.ndemands == 1)
			blank_demand_block(r, n, 0, &c);
		else
			demand_block(r, &f->v.demands[i], nm(r, nm(r, "d", n), "_"), n, f->d_duration[i],
			             f->v.ndemands > 1, f->focus == (int)i + 1, catalog_ready(r, &c), e);
	}
	/* The save button comes first: Enter in a text field presses the
	 * form's first button, and that must be "save", not "add" (without
	 * JavaScript the server then answers with what is missing). */
	RAW(r, "<div class=\"actions\" id=\"enregistrer\"><button type=\"submit\" class=\"button\" "
	       "data-save aria-keyshortcuts=\"Control+Enter\">");
	html_txt(o, creating ? _(r, "Enregistrer la visite") : _(r, "Enregistrer les modifications"));
	RAW(r, "</button>\n");
	if (f->v.ndemands < VISIT_MAX_DEMANDS) {
		RAW(r, "<button type=\"submit\" name=\"add_demand\" value=\"1\" class=\"button-secondary\" "
		       "aria-keyshortcuts=\"Alt+Shift+D\">");
		html_txt(o, _(r, "Ajouter une demande"));
		RAW(r, "</button>\n");
	}
	/* Shown by static/record.js, which gives the shortcuts. */
	RAW(r, "<p class=\"hint shortcuts\" data-shortcuts hidden>");
	html_txt(o, _(r, "Raccourcis : Alt+Maj+D ajoute une demande, Ctrl+Entrée enregistre la visite. "
	                 "Entrée seule n'enregistre pas."));
	RAW(r, "</p>\n");
	RAW(r, "</div>\n<template id=\"demand-template\">");
	blank_demand_block(r, BLANK_N, 1, &c);
	RAW(r, "</template>\n</form>\n<script src=\"/static/visit.js\" defer></script>\n"
	       "<script src=\"/static/record.js\" defer></script>\n");
}

/* ---- Handlers ---------------------------------------------------------- */

static int load_sites(req *r, visit_form *f)
{
	return page_sites_or_refuse(r, 0, &f->sites, &f->nsites,
	                            "Vous n'êtes rattaché à aucun lieu d'accueil : demandez à votre "
	                            "responsable de vous y ajouter pour enregistrer des visites.");
}

int page_visit_new(req *r)
{
	if (!page_require_role(r, RECORDERS))
		return 0;
	visit_form f;
	form_defaults(r, &f);
	if (load_sites(r, &f) != 0)
		return 0;
	int64_t site = 0, saved = 0;
	f.v.site_id = f.sites[0].id;
	if (parse_int64(http_query(r, "site"), 1, INT64_MAX, &site) == 0)
		for (size_t i = 0; i < f.nsites; i++)
			if (f.sites[i].id == site)
				f.v.site_id = site;
	/* Opened from a finished ticket of the queue: what it knows. */
	int64_t ticket = 0;
	if (parse_int64(http_query(r, "ticket"), 1, INT64_MAX, &ticket) == 0 &&
	    page_queue_visit_prefill(r, ticket, &f.v) == 0) {
		char date[11], hm[6];
		time_local_date(f.v.started_at, date);
		time_local_hm(f.v.started_at, hm);
		f.date = arena_strdup(r->arena, date);
		f.time = arena_strdup(r->arena, hm);
		f.duration = num(r, f.v.duration_min);
		f.ticket_id = ticket;
	}
	/* Opened from a callback closed done (page_callbacks.c). */
	if (page_callback_visit_prefill(r, &f.v) != 0 && !f.ticket_id)
		f.blank = 1;
	/* After a save the page's title and first heading say so, and the
	 * notice is a status: a screen reader announces the new page with it. */
	int was_saved = parse_int64(http_query(r, "saved"), 1, INT64_MAX, &saved) == 0;
	ui_page_begin(r, was_saved ? _(r, "Visite enregistrée") : _(r, "Enregistrer une visite"));
	if (was_saved) {
		ui_notice(r, "success",
		          _(r, "Visite enregistrée. Le formulaire est prêt pour la personne suivante."));
		RAW(r, "<p><a href=\"/visits/");
		html_int(&r->out, saved);
		RAW(r, "\">");
		html_txt(&r->out, _(r, "Voir la visite enregistrée"));
		RAW(r, "</a></p>\n");
		RAW(r, "<p><a href=\"/visits/");
		html_int(&r->out, saved);
		RAW(r, "/summary\">");
		html_txt(&r->out, _(r, "Résumé à remettre à la personne"));
		RAW(r, "</a></p>\n");
	}
	field_errors e = {0};
	render_form(r, &f, "/visits", 1, &e);
	ui_page_end(r);
	return 0;
}

/* Validation shared by creation and correction: 0 when the record may be
 * stored; otherwise the form has been rendered (400, or 200 for an added
 * block). */
static int check_form(req *r, visit_form *f, int creating, const char *action, const char *title)
{
	field_errors e = {0};
	if (read_form(r, f, creating, &e) != 0)
		return -1;
	if (*page_field(r, "add_demand")) {
		if (f->v.ndemands < VISIT_MAX_DEMANDS) {
			demand_defaults(&f->v.demands[f->v.ndemands]);
			f->d_duration[f->v.ndemands] = "";
			f->v.ndemands++;
		}
		f->focus = (int)f->v.ndemands;
		/* Nothing is checked yet: an unresolved commune shows as typed. */
		f->commune.nchoices = 0;
		ui_page_begin(r, title);
		field_errors none = {0};
		render_form(r, f, action, creating, &none);
		ui_page_end(r);
		return -1;
	}
	field_errors more = {0};
	if (f->v.ndemands > 0 && visit_validate(r->app->store, &f->v, now_s(), &more) != 0)
		page_merge_errors(&e, &more, "started_at");
	if (e.n == 0)
		return 0;
	http_status(r, 400);
	ui_page_begin(r, title);
	render_form(r, f, action, creating, &e);
	ui_page_end(r);
	return -1;
}

int page_visit_create(req *r)
{
	if (!page_require_role(r, RECORDERS))
		return 0;
	visit_form f;
	form_defaults(r, &f);
	if (load_sites(r, &f) != 0 || !page_require_form(r))
		return 0;
	if (check_form(r, &f, 1, "/visits", _(r, "Enregistrer une visite")) != 0)
		return 0;
	f.v.id = 0;
	f.v.visitor_id = 0;
	if (store_visit_insert(r->app->store, &f.v) != STORE_OK) {
		r->status = 500;
		return page_error(r);
	}
	if (f.v.visitor.identified)
		auth_audit(r, "create", "visitor", f.v.visitor_id, f.v.site_id, NULL);
	page_queue_visit_saved(r, f.ticket_id, &f.v);
	page_callback_visit_saved(r, &f.v);
	const char *to = arena_printf(r->arena, "/visits/new?saved=%lld&site=%lld", (long long)f.v.id,
	                              (long long)f.v.site_id);
	http_redirect(r, to ? to : "/visits/new");
	return 0;
}

/* ---- Correcting and deleting a visit: the shared handlers of
 * page_record.c, with the visit's own steps. */

static int visit_load(req *r, void *rec, store_site *site, page_record_ref *ref)
{
	store_visit *v = rec;
	if (page_load_visit(r, v, site) != 0)
		return -1;
	*ref = (page_record_ref){v->id, v->site_id, v->created_at};
	return 0;
}

static void visit_form_from(req *r, void *form, const void *rec)
{
	form_from_visit(r, form, rec);
}

static void visit_opened(req *r, const void *rec)
{
	const store_visit *v = rec;
	if (v->visitor.identified)
		auth_audit(r, "read", "visitor", v->visitor_id, v->site_id, NULL);
}

static void visit_render(req *r, const void *form, const char *action, int creating, const field_errors *e)
{
	render_form(r, form, action, creating, e);
}

static int visit_check(req *r, void *form, int creating, const char *action, const char *title)
{
	return check_form(r, form, creating, action, title);
}

static int visit_save(req *r, void *form, const void *rec)
{
	visit_form *f = form;
	const store_visit *v = rec;
	/* What the form may not change: whose, where, which visitor. */
	f->v.id = v->id;
	f->v.site_id = f->v.visitor.site_id = v->site_id;
	f->v.agent_id = v->agent_id;
	f->v.visitor_id = f->v.visitor.id = v->visitor_id;
	f->v.created_at = v->created_at;
	return store_visit_update(r->app->store, &f->v);
}

static void visit_saved(req *r, const void *form, const void *rec)
{
	const visit_form *f = form;
	const store_visit *v = rec;
	if (f->v.visitor.identified || v->visitor.identified)
		auth_audit(r, "update", "visitor", v->visitor_id, v->site_id, NULL);
}

static const char *visit_updated_to(req *r, const void *rec)
{
	const store_visit *v = rec;
	const char *to = arena_printf(r->arena, "/visits/%lld?updated=1", (long long)v->id);
	return to ? to : "/journal";
}

static void visit_deletion(req *r, const void *rec, const store_site *site, page_deletion *d)
{
	const store_visit *v = rec;
	char date[11], hm[6];
	time_local_date(v->started_at, date);
	time_local_hm(v->started_at, hm);
	d->title = _(r, "Supprimer la visite");
	d->intro = _(r, "Vous allez supprimer la visite du");
	d->when = arena_printf(r->arena, "%s %s", date, hm);
	d->what = site->name;
	d->consequence = _(r, "Elle n'apparaîtra plus dans le journal ni dans les statistiques. La "
	                      "suppression est inscrite au journal des accès.");
	d->cancel = _(r, "Annuler et revenir à la visite");
}

static const char *visit_deleted_to(req *r, const void *rec)
{
	const store_visit *v = rec;
	char date[11];
	time_local_date(v->started_at, date);
	const char *to =
	    arena_printf(r->arena, "/journal?site=%lld&date=%s&deleted=1", (long long)v->site_id, date);
	return to ? to : "/journal";
}

static const page_record_kind visit_kind = {
    .base = "visits",
    .entity = "visit",
    .edit_title = N_("Corriger la visite"),
    .refusal = N_("Seuls les conseillers et responsables du lieu peuvent corriger ses visites."),
    .record_size = sizeof(store_visit),
    .form_size = sizeof(visit_form),
    .load = visit_load,
    .form_from = visit_form_from,
    .opened = visit_opened,
    .render = visit_render,
    .check = visit_check,
    .save = visit_save,
    .saved = visit_saved,
    .updated_to = visit_updated_to,
    .deletion = visit_deletion,
    .remove = store_visit_delete,
    .deleted_to = visit_deleted_to,
};

int page_visit_edit(req *r)
{
	return page_record_edit(r, &visit_kind);
}

int page_visit_update(req *r)
{
	return page_record_update(r, &visit_kind);
}

int page_visit_delete_form(req *r)
{
	return page_record_delete_form(r, &visit_kind);
}

int page_visit_delete(req *r)
{
	return page_record_delete(r, &visit_kind);
}
