/*
 * appointment.c: the rules of the appointments with the operators' experts
 * (appointment.h, docs/appointments.md).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/i18n.h"
#include "domain/appointment.h"
#include "domain/site.h"
#include "domain/user.h"

const char *const appointment_modes[4] = {"sur_place", "telephone", "visio", "domicile"};
const char *const appointment_statuses[5] = {"a_venir", "honore", "excuse", "annule", "absent"};

static const struct {
	const char *code, *label, *public_text;
} modes[] = {
    {"sur_place", N_("Sur place"), NP_("Le rendez-vous a lieu à l'adresse ci-dessous.")},
    {"telephone", N_("Par téléphone"),
     NP_("Le rendez-vous a lieu par téléphone : restez près de votre téléphone.")},
    {"visio", N_("En visioconférence"), NP_("Le rendez-vous a lieu en vidéo, à l'adresse ci-dessous.")},
    {"domicile", N_("À domicile"), NP_("Le rendez-vous a lieu chez vous.")},
};

static const struct {
	const char *code, *label;
} statuses[] = {
    {"a_venir", N_("À venir")},
    {"honore", N_("Honoré")},
    {"excuse", N_("Annulé par la personne")},
    {"annule", N_("Annulé par le service")},
    {"absent", N_("Absence")},
};

const char *appointment_mode_label(const char *mode)
{
	for (size_t i = 0; i < COUNT(modes); i++)
		if (str_eq(modes[i].code, mode))
			return modes[i].label;
	return "";
}

const char *appointment_mode_public(const char *mode)
{
	for (size_t i = 0; i < COUNT(modes); i++)
		if (str_eq(modes[i].code, mode))
			return modes[i].public_text;
	return "";
}

const char *appointment_status_label(const char *status)
{
	for (size_t i = 0; i < COUNT(statuses); i++)
		if (str_eq(statuses[i].code, status))
			return statuses[i].label;
	return "";
}

static int in_list(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(v, list[i]))
			return 1;
	return 0;
}

int appointment_may_publish(const store_user *u, int64_t site_id, const char *dep, const char *operator_code,
                            char *const *deps, size_t n)
{
	if (!u || !u->active)
		return 0;
	if (str_eq(u->role, "admin"))
		return 1;
	if (str_eq(u->role, "manager")) {
		for (size_t i = 0; i < u->nsites; i++)
			if (u->site_ids[i] == site_id)
				return 1;
		return 0;
	}
	if (str_eq(u->role, "operator"))
		return u->operator_code && str_eq(u->operator_code, operator_code) && dep &&
		       in_list(dep, (const char *const *)deps, n);
	return 0;
}

int appointment_may_book(const store_user *u, int64_t site_id)
{
	if (!u || !u->active || !(str_eq(u->role, "agent") || str_eq(u->role, "manager")))
		return 0;
	for (size_t i = 0; i < u->nsites; i++)
		if (u->site_ids[i] == site_id)
			return 1;
	return 0;
}

int64_t appointment_occurrence(const store_appt_slot *x, int k)
{
	if (k == 0)
		return x->starts_at;
	time_t t = (time_t)x->starts_at;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return x->starts_at + (int64_t)k * 7 * 86400;
	tm.tm_mday += 7 * k;
	tm.tm_isdst = -1;
	time_t back = mktime(&tm);
	return back == (time_t)-1 ? x->starts_at + (int64_t)k * 7 * 86400 : (int64_t)back;
}

/* The last start a slot may have. */
static int64_t last_start(const store_appt_slot *x)
{
	return x->repeat_until > x->starts_at ? x->repeat_until : x->starts_at;
}

int appointment_is_occurrence(const store_appt_slot *x, int64_t t)
{
	for (int k = 0; k <= APPOINTMENT_MAX_WEEKS; k++) {
		int64_t o = appointment_occurrence(x, k);
		if (o > t || o > last_start(x))
			return 0;
		if (o == t)
			return 1;
	}
	return 0;
}

size_t appointment_occurrences(const store_appt_slot *x, int64_t from, int64_t to, int64_t *out, size_t max)
{
	size_t n = 0;
	for (int k = 0; k <= APPOINTMENT_MAX_WEEKS && n < max; k++) {
		int64_t o = appointment_occurrence(x, k);
		if (o > to || o > last_start(x))
			break;
		if (o > from)
			out[n++] = o;
	}
	return n;
}

int appointment_slot_validate(store_appt_slot *x, int64_t now, field_errors *e)
{
	size_t before = e->n;
	if (!in_list(x->mode, appointment_modes, COUNT(appointment_modes)))
		field_error_add(e, "mode", N_("Choisissez la forme du rendez-vous."));
	if (x->starts_at <= now)
		field_error_add(
		    e, "date", N_("Indiquez une date et une heure à venir, par exemple 2027-03-04 à 14:00."));
	if (x->duration_min < 5 || x->duration_min > 480)
		field_error_add(e, "duration_min", N_("La durée est un nombre de minutes entre 5 et 480."));
	if (x->capacity < 1 || x->capacity > APPOINTMENT_MAX_CAPACITY)
		field_error_add(e, "capacity", N_("Le nombre de places est un nombre entre 1 et 50."));
	if (x->repeat_until && (x->repeat_until < x->starts_at ||
	                        x->repeat_until > x->starts_at + (int64_t)APPOINTMENT_MAX_WEEKS * 7 * 86400))
		field_error_add(
		    e, "repeat_until",
		    N_("La date de fin de la répétition vient après la première date, et moins d'un an "
		       "après."));
	if (x->place) {
		str_trim(x->place);
		size_t len = strlen(x->place);
		if (len > APPOINTMENT_PLACE_MAX || !utf8_valid(x->place, len))
			field_error_add(e, "place",
			                N_("Le lieu ou la façon de joindre fait 200 caractères au plus."));
	}
	return e->n > before ? -1 : 0;
}

int appointment_may_move(const char *from, const char *to, int64_t starts_at, int64_t now)
{
	if (!str_eq(from, "a_venir"))
		return 0;
	if (str_eq(to, "excuse") || str_eq(to, "annule"))
		return now < starts_at;
	if (str_eq(to, "honore") || str_eq(to, "absent"))
		return now >= starts_at;
	return 0;
}

int appointment_contact_validate(char *phone, size_t phone_size, char *email, int lang_known, char *to_bring,
                                 field_errors *e)
{
	size_t before = e->n;
	str_trim(phone);
	str_trim(email);
	str_trim(to_bring);
	if (*phone) {
		char out[SITE_PHONE_SIZE];
		if (site_phone_compact(phone, out) != 0 || strlen(out) < 10 || strlen(out) >= phone_size)
			field_error_add(
			    e, "phone",
			    N_("Le numéro de téléphone n'est pas valide, par exemple 06 12 34 56 78."));
		else
			memcpy(phone, out, strlen(out) + 1);
	}
	if (*email && (strlen(email) > APPOINTMENT_EMAIL_MAX || !user_email_valid(email)))
		field_error_add(e, "email",
		                N_("L'adresse e-mail n'est pas valide, par exemple prenom.nom@mairie.fr."));
	if (!lang_known)
		field_error_add(e, "lang", N_("Choisissez la langue de la personne."));
	size_t len = strlen(to_bring);
	if (len > APPOINTMENT_BRING_MAX || !utf8_valid(to_bring, len))
		field_error_add(e, "to_bring",
		                N_("La liste des papiers à apporter fait 500 caractères au plus."));
	return e->n > before ? -1 : 0;
}

int appointment_has_contact(const store_appt *x)
{
	return (x->phone && *x->phone) || (x->email && *x->email);
}

int appointment_reminder_due(const store_appt *x, int64_t now)
{
	return str_eq(x->status, "a_venir") && !x->reminded_at && x->starts_at > now &&
	       x->starts_at - now <= APPOINTMENT_REMINDER_S;
}

/* ---- iCalendar. */

void appointment_ics_line(buf *out, const char *name, const char *value, int escape)
{
	buf line;
	buf_init(&line, (size_t)8 * 1024);
	buf_puts(&line, name);
	buf_putc(&line, ':');
	for (const char *p = value ? value : ""; *p; p++) {
		if (escape && (*p == '\\' || *p == ';' || *p == ',')) {
			buf_putc(&line, '\\');
			buf_putc(&line, *p);
		} else if (escape && *p == '\n') {
			buf_puts(&line, "\\n");
		} else if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			/* Other control characters have no place in a value. */
			continue;
		} else {
			buf_putc(&line, *p);
		}
	}
	/* Folding: at most 75 octets a line, the continuation lines starting
	 * with one space (which counts in their 75). */
	const char *s = line.data ? line.data : "";
	size_t len = line.data ? line.len : 0, i = 0, room = 75;
	while (i < len) {
		size_t n = len - i <= room ? len - i : room;
		while (n > 0 && i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
			n--;
		buf_append(out, s + i, n);
		buf_puts(out, "\r\n");
		i += n;
		if (i < len)
			buf_putc(out, ' ');
		room = 74;
	}
	if (len == 0)
		buf_puts(out, "\r\n");
	buf_free(&line);
}

static void ics_time(buf *out, const char *name, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char v[64];
	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof tm);
	snprintf(v, sizeof v, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec);
	appointment_ics_line(out, name, v, 0);
}

void appointment_ics_begin(buf *out, const char *name)
{
	buf_puts(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Guichet//Rendez-vous//FR\r\n"
	              "CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n");
	appointment_ics_line(out, "X-WR-CALNAME", name, 1);
}

void appointment_ics_add(buf *out, const appointment_ics_event *ev)
{
	char uid[64];
	snprintf(uid, sizeof uid, "appointment-%lld@guichet", (long long)ev->id);
	buf_puts(out, "BEGIN:VEVENT\r\n");
	appointment_ics_line(out, "UID", uid, 0);
	ics_time(out, "DTSTAMP", ev->stamp);
	ics_time(out, "DTSTART", ev->start);
	ics_time(out, "DTEND", ev->end);
	appointment_ics_line(out, "SUMMARY", ev->summary, 1);
	if (ev->location && *ev->location)
		appointment_ics_line(out, "LOCATION", ev->location, 1);
	if (ev->url && *ev->url)
		appointment_ics_line(out, "URL", ev->url, 0);
	appointment_ics_line(out, "STATUS", ev->cancelled ? "CANCELLED" : "CONFIRMED", 0);
	buf_puts(out, "END:VEVENT\r\n");
}

void appointment_ics_end(buf *out)
{
	buf_puts(out, "END:VCALENDAR\r\n");
}
