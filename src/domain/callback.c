/*
 * callback.c: the rules of a site's callbacks (callback.h): one table of
 * the moves, who sees a site's list, what a new callback needs, and the
 * share of "done within a day".
 */
#include <stdio.h>
#include <string.h>

#include "domain/callback.h"
#include "util/i18n.h"

enum { S_A_RAPPELER, S_PRIS, S_FAIT, S_INJOIGNABLE, S_ANNULE, S_N };

static const callback_choice statuses[S_N] = {
    {"a_rappeler", N_("À rappeler")},   {"pris", N_("Pris en charge")}, {"fait", N_("Rappel fait")},
    {"injoignable", N_("Injoignable")}, {"annule", N_("Annulé")},
};

/* The parts of a day and their bounds in minutes since midnight (a plage
 * has the bounds typed). */
static const struct part {
	callback_choice c;
	int from, to;
} parts[] = {
    {{"matin", N_("Le matin (9 h – 12 h 30)")}, 9 * 60, 12 * 60 + 30},
    {{"apres_midi", N_("L'après-midi (13 h 30 – 17 h 30)")}, 13 * 60 + 30, 17 * 60 + 30},
    {{"journee", N_("Toute la journée (9 h – 17 h 30)")}, 9 * 60, 17 * 60 + 30},
    {{"plage", N_("Une plage horaire précise")}, 0, 0},
};
static callback_choice part_choices[COUNT(parts)];

static const callback_choice results[] = {
    {"pas_de_reponse", N_("Pas de réponse")},
    {"messagerie", N_("Messagerie : message laissé")},
    {"mauvais_numero", N_("Mauvais numéro")},
};

static const callback_choice origins[] = {
    {"telephone", N_("Appel téléphonique non abouti")},
    {"guichet", N_("Demande à l'accueil")},
};

#define B(s) (1u << (s))

/* Who may make a move, besides seeing the site's list: anyone who does,
 * only the adviser who took the callback, or that adviser and those who
 * lead the site (its managers, the administrators). */
enum who { ANYONE, TAKER, TAKER_OR_LEAD };

/* The rule table (docs/callbacks.md): from which statuses, by whom, to
 * which status, and how many calls it needs first (a wrong number counts
 * as enough). */
static const struct rule {
	callback_action action;
	unsigned from;
	enum who who;
	int to;
	int min_attempts;
} rules[] = {
    {CB_TAKE, B(S_A_RAPPELER), ANYONE, S_PRIS, 0},
    {CB_RELEASE, B(S_PRIS), TAKER_OR_LEAD, S_A_RAPPELER, 0},
    {CB_ATTEMPT, B(S_PRIS), TAKER, S_PRIS, 0},
    {CB_DONE, B(S_PRIS), TAKER, S_FAIT, 0},
    {CB_UNREACHABLE, B(S_PRIS), TAKER, S_INJOIGNABLE, CALLBACK_UNREACHABLE_ATTEMPTS},
    {CB_CANCEL, B(S_A_RAPPELER), ANYONE, S_ANNULE, 0},
    {CB_CANCEL, B(S_PRIS), TAKER_OR_LEAD, S_ANNULE, 0},
};

static const char *const action_codes[CB_NACTIONS] = {
    [CB_TAKE] = "prendre", [CB_RELEASE] = "liberer",         [CB_ATTEMPT] = "tentative",
    [CB_DONE] = "fait",    [CB_UNREACHABLE] = "injoignable", [CB_CANCEL] = "annuler",
};

const callback_choice *callback_statuses(size_t *n)
{
	*n = COUNT(statuses);
	return statuses;
}

const callback_choice *callback_parts(size_t *n)
{
	/* The choices without the bounds; the table is constant, so filling
	 * it twice at once writes the same values. */
	for (size_t i = 0; i < COUNT(parts); i++)
		part_choices[i] = parts[i].c;
	*n = COUNT(parts);
	return part_choices;
}

const callback_choice *callback_results(size_t *n)
{
	*n = COUNT(results);
	return results;
}

const callback_choice *callback_origins(size_t *n)
{
	*n = COUNT(origins);
	return origins;
}

const char *callback_label(const callback_choice *v, size_t n, const char *code)
{
	for (size_t i = 0; code && i < n; i++)
		if (strcmp(code, v[i].code) == 0)
			return v[i].label;
	return NULL;
}

const char *callback_action_code(callback_action a)
{
	return a < CB_NACTIONS ? action_codes[a] : "";
}

int callback_action_parse(const char *code)
{
	for (int i = 0; code && i < CB_NACTIONS; i++)
		if (strcmp(code, action_codes[i]) == 0)
			return i;
	return -1;
}

static int status_index(const char *status)
{
	for (int i = 0; i < S_N; i++)
		if (status && strcmp(status, statuses[i].code) == 0)
			return i;
	return -1;
}

static int role_is(const store_user *u, const char *role)
{
	return u && u->role && strcmp(u->role, role) == 0;
}

static int has_site(const store_user *u, int64_t site_id)
{
	for (size_t i = 0; i < u->nsites; i++)
		if (u->site_ids[i] == site_id)
			return 1;
	return 0;
}

int callback_may_see(const store_user *u, int64_t site_id)
{
	if (!u || !u->active || site_id <= 0)
		return 0;
	if (role_is(u, "admin"))
		return 1;
	return (role_is(u, "agent") || role_is(u, "manager")) && has_site(u, site_id);
}

/* Whether u leads the callback's site: one of its managers or an
 * administrator. */
static int leads(const store_user *u, int64_t site_id)
{
	return role_is(u, "admin") || (role_is(u, "manager") && has_site(u, site_id));
}

static const struct rule *rule_for(const store_user *u, const store_callback *c, callback_action action)
{
	int st = status_index(c->status);
	if (st < 0 || !callback_may_see(u, c->site_id))
		return NULL;
	int taker = c->taken_by > 0 && c->taken_by == u->id;
	for (size_t i = 0; i < COUNT(rules); i++) {
		const struct rule *r = &rules[i];
		if (r->action != action || !(r->from & B(st)))
			continue;
		if ((r->who == TAKER && !taker) ||
		    (r->who == TAKER_OR_LEAD && !taker && !leads(u, c->site_id)))
			continue;
		return r;
	}
	return NULL;
}

int callback_may(const store_user *u, const store_callback *c, callback_action action)
{
	if (!u || !c)
		return 0;
	const struct rule *r = rule_for(u, c, action);
	if (!r)
		return 0;
	if (action == CB_ATTEMPT && c->attempts >= CALLBACK_MAX_ATTEMPTS)
		return 0;
	if (c->attempts < r->min_attempts &&
	    !(c->last_result && strcmp(c->last_result, "mauvais_numero") == 0))
		return 0;
	return 1;
}

int callback_open(const store_callback *c)
{
	int st = c ? status_index(c->status) : -1;
	return st == S_A_RAPPELER || st == S_PRIS;
}

int callback_overdue(const store_callback *c, int64_t now)
{
	return callback_open(c) && c->ends_at > 0 && c->ends_at < now;
}

/* "HH:MM" into minutes since midnight (24:00 allowed as the end of a day);
 * -1 when it is not one. */
static int minutes_of(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

/* A phone number: digits, at most one leading +, and the separators people
 * type (spaces, dots, dashes, brackets), 6 to 20 digits. Writes it without
 * the separators into out. 0, or -1. */
static int phone_clean(const char *in, char *out, size_t outlen)
{
	size_t k = 0, digits = 0;
	for (const char *p = in; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			digits++;
		} else if (*p == '+' && k == 0) {
			/* kept: the international prefix */
		} else if (strchr(" .-()/", *p)) {
			continue;
		} else {
			return -1;
		}
		if (k + 1 >= outlen)
			return -1;
		out[k++] = *p;
	}
	out[k] = '\0';
	return digits >= 6 && digits <= 20 ? 0 : -1;
}

static int text_ok(const char *s, size_t max)
{
	return strlen(s) <= max && utf8_valid(s, strlen(s)) && !text_has_controls(s);
}

static int lang_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

int callback_validate_new(callback_input *in, int64_t now, store_callback *out, field_errors *e)
{
	size_t before = e->n;
	in->name = str_trim(in->name);
	in->phone = str_trim(in->phone);
	in->reason = str_trim(in->reason);
	if (!*in->name)
		field_error_add(e, "name", N_("Indiquez comment appeler la personne (un prénom suffit)."));
	else if (!text_ok(in->name, CALLBACK_NAME_BYTES))
		field_error_add(e, "name", N_("Le nom tient en 80 caractères, sans caractères spéciaux."));
	char clean[CALLBACK_PHONE_BYTES + 1] = "";
	if (!*in->phone)
		field_error_add(e, "phone", N_("Indiquez le numéro à rappeler."));
	else if (strlen(in->phone) > CALLBACK_PHONE_BYTES || phone_clean(in->phone, clean, sizeof clean) != 0)
		field_error_add(
		    e, "phone",
		    N_("Le numéro de téléphone s'écrit avec des chiffres, par exemple 06 12 34 56 78."));
	if (!*in->reason)
		field_error_add(e, "reason", N_("Indiquez en quelques mots le motif du rappel."));
	else if (!text_ok(in->reason, CALLBACK_REASON_BYTES))
		field_error_add(e, "reason",
		                N_("Le motif tient en 280 caractères, sans caractères spéciaux."));
	if (!lang_ok(in->lang))
		field_error_add(e, "lang", N_("Choisissez une langue de la liste."));
	if (!callback_label(origins, COUNT(origins), in->origin))
		field_error_add(e, "origin", N_("Choisissez d'où vient la demande."));

	/* The slot: a day from today to CALLBACK_MAX_DAYS_AHEAD, a part of it
	 * or a range typed. */
	int64_t midnight = 0, today = time_local_midnight(now);
	int day_ok = time_parse_local(in->day, "00:00", &midnight) == 0;
	if (!day_ok)
		field_error_add(e, "day", N_("La date du rappel (AAAA-MM-JJ) n'est pas valide."));
	else if (midnight < today || midnight > today + (int64_t)(CALLBACK_MAX_DAYS_AHEAD + 1) * 86400)
		field_error_add(e, "day",
		                N_("Le rappel se fait aujourd'hui ou dans les 60 jours qui viennent."));
	int from = -1, to = -1;
	const struct part *p = NULL;
	for (size_t i = 0; in->part && i < COUNT(parts); i++)
		if (strcmp(in->part, parts[i].c.code) == 0)
			p = &parts[i];
	if (!p) {
		field_error_add(e, "part", N_("Choisissez un moment de la journée."));
	} else if (strcmp(p->c.code, "plage") == 0) {
		from = minutes_of(in->from);
		to = minutes_of(in->to);
		if (from < 0)
			field_error_add(e, "from", N_("L'heure de début (HH:MM) n'est pas valide."));
		if (to < 0)
			field_error_add(e, "to", N_("L'heure de fin (HH:MM) n'est pas valide."));
		else if (from >= 0 && to <= from)
			field_error_add(e, "to", N_("L'heure de fin vient après l'heure de début."));
	} else {
		from = p->from;
		to = p->to;
	}
	if (!p || e->n > before)
		return -1;
	char start_hm[16], end_hm[16];
	snprintf(start_hm, sizeof start_hm, "%02d:%02d", (from / 60) % 24, from % 60);
	snprintf(end_hm, sizeof end_hm, "%02d:%02d", (to / 60) % 24, to % 60);
	int64_t starts = 0, ends = 0;
	if (time_parse_local(in->day, start_hm, &starts) != 0 ||
	    time_parse_local(in->day, end_hm, &ends) != 0) {
		field_error_add(e, "day", N_("La date du rappel (AAAA-MM-JJ) n'est pas valide."));
		return -1;
	}
	if (to == 24 * 60)
		ends = time_local_midnight(starts + (int64_t)36 * 3600);
	if (ends <= now && strcmp(p->c.code, "plage") == 0) {
		field_error_add(e, "to", N_("Cette plage horaire est déjà passée."));
		return -1;
	}
	out->status = "a_rappeler";
	out->origin = (char *)in->origin;
	out->name = in->name;
	strcpy(in->phone, clean); /* never longer than what was typed */
	out->phone = in->phone;
	out->lang = (char *)in->lang;
	out->slot_day = (char *)in->day;
	out->slot_part = (char *)p->c.code;
	out->slot_from = from;
	out->slot_to = to;
	out->starts_at = starts;
	out->ends_at = ends;
	out->reason = in->reason;
	out->operator_code = (char *)(in->operator_code ? in->operator_code : "");
	return 0;
}

int callback_prepare(const store_user *u, const store_callback *before, callback_action action,
                     const char *result, int64_t now, store_callback *after, field_errors *e)
{
	*after = *before;
	const struct rule *r = callback_may(u, before, action) ? rule_for(u, before, action) : NULL;
	if (!r) {
		field_error_add(e, "action", N_("Ce rappel ne peut pas faire ce changement maintenant."));
		return -1;
	}
	if (action == CB_ATTEMPT && !callback_label(results, COUNT(results), result)) {
		field_error_add(e, "result", N_("Choisissez le résultat de l'appel."));
		return -1;
	}
	after->status = (char *)statuses[r->to].code;
	switch (action) {
	case CB_TAKE:
		after->taken_by = u->id;
		after->taken_at = now;
		break;
	case CB_RELEASE:
		after->taken_by = 0;
		after->taken_at = 0;
		break;
	case CB_ATTEMPT:
		after->attempts = before->attempts + 1;
		after->last_result = (char *)result;
		break;
	default:
		break;
	}
	if (r->to == S_FAIT || r->to == S_INJOIGNABLE || r->to == S_ANNULE) {
		after->closed_by = u->id;
		after->closed_at = now;
	}
	return 0;
}

int callback_done_share(const store_callback_measure *m)
{
	int64_t decided = m ? m->created - m->pending : 0;
	if (decided <= 0)
		return -1;
	return (int)((m->done_in_day * 100 + decided / 2) / decided);
}
