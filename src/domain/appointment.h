/*
 * appointment.h: the rules of the appointments with the partner operators'
 * experts (REFERENCE.md section 5, docs/appointments.md): the modes and
 * statuses, who may publish a permanence slot and who may book in it, the
 * occurrences of a weekly slot, the moves of an appointment's status, what
 * a slot and a booking need, and when the reminder is due.
 *
 * Pure functions over records: no SQL, no HTTP, no session, no clock of
 * their own (the caller gives now).
 */
#ifndef GUICHET_APPOINTMENT_H
#define GUICHET_APPOINTMENT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_appointments.h"
#include "util/util.h"

/* A reminder goes out this long before the appointment. */
#define APPOINTMENT_REMINDER_S ((int64_t)48 * 3600)
/* How far ahead the booking form offers occurrences. */
#define APPOINTMENT_HORIZON_DAYS 62
/* The longest a weekly slot may repeat. */
#define APPOINTMENT_MAX_WEEKS 53
#define APPOINTMENT_MAX_CAPACITY 50
#define APPOINTMENT_PLACE_MAX 200
#define APPOINTMENT_BRING_MAX 500
#define APPOINTMENT_EMAIL_MAX 254

/* The modes and statuses, as stored, in order. */
extern const char *const appointment_modes[4];
extern const char *const appointment_statuses[5];
/* Their labels: French msgids for the staff pages. */
const char *appointment_mode_label(const char *mode);
const char *appointment_status_label(const char *status);
/* The sentence a slip prints for a mode: a public phrase (NP_). */
const char *appointment_mode_public(const char *mode);

/* Whether u may publish (and cancel) slots of operator_code at a site of
 * site_id in département dep: an administrator anywhere, a manager at one
 * of its sites, an operator's referent for its operator in one of the
 * départements it answers for (deps, n). */
int appointment_may_publish(const store_user *u, int64_t site_id, const char *dep, const char *operator_code,
                            char *const *deps, size_t n);
/* Whether u may book for a demand of site_id (an adviser of the site). */
int appointment_may_book(const store_user *u, int64_t site_id);

/* A new slot (mode, duration, capacity, start after now, repeat_until 0
 * or a later day at most APPOINTMENT_MAX_WEEKS on, place trimmed in place):
 * 0, or -1 with errors on "mode", "date", "duration_min", "capacity",
 * "repeat_until", "place". */
int appointment_slot_validate(store_appt_slot *x, int64_t now, field_errors *e);

/* The start of occurrence k (0 for the first) of a slot: the same local
 * time k weeks after its first, across changes of summer time. */
int64_t appointment_occurrence(const store_appt_slot *x, int k);
/* 1 when t is the start of one of the slot's occurrences. */
int appointment_is_occurrence(const store_appt_slot *x, int64_t t);
/* The starts of the slot's occurrences in (from, to], at most max, in
 * order; their number. */
size_t appointment_occurrences(const store_appt_slot *x, int64_t from, int64_t to, int64_t *out, size_t max);

/* Whether an appointment in status `from`, starting at starts_at, may go
 * to `to` at now: a_venir to excuse or annule before it starts, to honore
 * or absent once it has started; nothing from another status. */
int appointment_may_move(const char *from, const char *to, int64_t starts_at, int64_t now);

/* The person's contact and language for a booking: the telephone (written
 * in its stored form in place) and e-mail are optional, lang must be a
 * public language (the caller checks, giving lang_known). to_bring is
 * trimmed. 0, or -1 with errors on "phone", "email", "lang", "to_bring". */
int appointment_contact_validate(char *phone, size_t phone_size, char *email, int lang_known, char *to_bring,
                                 field_errors *e);
/* 1 when the person can be reminded (a telephone or an e-mail). */
int appointment_has_contact(const store_appt *x);
/* 1 when the reminder of x is due at now: still to come, within
 * APPOINTMENT_REMINDER_S, and not sent yet. */
int appointment_reminder_due(const store_appt *x, int64_t now);

/* ---- The calendar of a referent (iCalendar, RFC 5545). Lines end with
 * CRLF and are folded at 75 octets, never inside a UTF-8 character; texts
 * are escaped (backslash, semicolon, comma, new lines). Times are UTC. */
typedef struct appointment_ics_event {
	int64_t id;           /* the UID: appointment-ID@guichet */
	int64_t stamp;        /* DTSTAMP: when it last changed */
	int64_t start, end;   /* DTSTART, DTEND */
	const char *summary;  /* never the person's name */
	const char *location; /* "" for none */
	const char *url;      /* "" for none */
	int cancelled;
} appointment_ics_event;
void appointment_ics_begin(buf *out, const char *name);
void appointment_ics_add(buf *out, const appointment_ics_event *ev);
void appointment_ics_end(buf *out);
/* One content line "NAME:value" with value escaped (escape 1) or as it is,
 * folded. */
void appointment_ics_line(buf *out, const char *name, const char *value, int escape);

#endif
