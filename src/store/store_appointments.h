/*
 * store_appointments.h: appointments with the partner operators' experts
 * (sql/020_appointments.sql): the permanence slots, the appointments booked
 * in their occurrences, the journal of their statuses, and each account's
 * calendar address. Same conventions as store.h (0, STORE_NOT_FOUND,
 * STORE_CONFLICT, STORE_ERROR; strings from the caller's arena). The rules
 * (modes, statuses, occurrences of a weekly slot, who may) are
 * domain/appointment.h's.
 *
 * A booking takes the lowest free seat of its occurrence with one
 * conditional INSERT per seat, guarded by the UNIQUE (slot, occurrence,
 * seat) constraint: two requests for the last seat cannot both succeed, on
 * either engine.
 */
#ifndef GUICHET_STORE_APPOINTMENTS_H
#define GUICHET_STORE_APPOINTMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct store_appt_slot {
	int64_t id, site_id;
	char *operator_code;
	char *mode; /* sur_place, telephone, visio, domicile */
	int64_t starts_at, duration_min, capacity;
	int64_t repeat_until; /* 0: once; else weekly until then */
	int64_t referent_id;  /* 0: none named */
	char *place;          /* where or how, French */
	int64_t created_by, created_at, cancelled_at;
	/* Filled by reads: */
	char *site_name, *site_address, *site_departement, *operator_name, *referent_name;
} store_appt_slot;

typedef struct store_appt {
	int64_t id, slot_id, starts_at, seat; /* seat 0 once given back */
	int64_t site_id, demand_id, visit_id;
	char *status; /* a_venir, honore, excuse, annule, absent */
	char *phone, *email, *lang, *to_bring;
	int64_t booked_by, booked_at, updated_at, reminded_at, contact_wiped_at;
	/* Filled by reads, from its slot: */
	store_appt_slot slot;
} store_appt;

typedef struct store_appt_event {
	int64_t at, user_id;
	char *user_name;
	char *status;
} store_appt_event;

/* ---- Slots. */

/* Stores a new slot (its id in s->id). */
int store_appt_slot_insert(store *s, store_appt_slot *slot, int64_t now);
int store_appt_slot_get(store *s, arena *a, int64_t id, store_appt_slot *out);

/* Which slots a list gives, at most LIMIT_PAGE_ROWS, by first start: those
 * whose last occurrence ends after `after` and not cancelled. Filters
 * (each one optional, all must hold): site_ids (a comma list ",1,2,"),
 * departement (of the slot's site), deps (a comma list of départements, an
 * operator's), operator_code. */
typedef struct store_appt_slot_filter {
	const char *site_ids;
	const char *departement;
	const char *deps;
	const char *operator_code;
	int64_t after;
} store_appt_slot_filter;
int store_appt_slot_list(store *s, arena *a, const store_appt_slot_filter *f, store_appt_slot **out,
                         size_t *n);

/* Seats taken per occurrence of the listed slots, from `after`. */
typedef struct store_appt_taken {
	int64_t slot_id, starts_at, n;
} store_appt_taken;
int store_appt_taken_list(store *s, arena *a, const store_appt_slot_filter *f, store_appt_taken **out,
                          size_t *n);

/* Cancels the slot and, with it, its appointments still to come (status
 * annule, seat given back, each journaled): their ids in *cancelled (from
 * the arena). STORE_NOT_FOUND for a missing slot, STORE_CONFLICT for one
 * cancelled already. */
int store_appt_slot_cancel(store *s, arena *a, int64_t id, int64_t user_id, int64_t now, int64_t **cancelled,
                           size_t *ncancelled);

/* ---- Appointments. */

/* Books a seat of the occurrence x->starts_at of slot x->slot_id, for the
 * live demand x->demand_id (its visit and site are read from it), with its
 * first event. STORE_CONFLICT when every seat is taken or the slot was
 * cancelled meanwhile, STORE_NOT_FOUND when the demand is missing.
 * Sets x->id and x->seat. */
int store_appt_book(store *s, store_appt *x, int64_t now);
int store_appt_get(store *s, arena *a, int64_t id, store_appt *out);
/* The appointments of a demand, latest first. */
int store_appt_of_demand(store *s, arena *a, int64_t demand_id, store_appt **out, size_t *n);

/* Which appointments a list gives, at most LIMIT_PAGE_ROWS, by start:
 * those starting after `after`, of the sites in site_ids (the demand's or
 * the slot's), or of the slots held by referent_id, or of the operator
 * operator_code in the départements deps; all: every one. */
typedef struct store_appt_filter {
	const char *site_ids;
	int64_t referent_id;
	const char *operator_code;
	const char *deps;
	int all;
	int64_t after;
} store_appt_filter;
int store_appt_list(store *s, arena *a, const store_appt_filter *f, store_appt **out, size_t *n);

/* Moves the appointment from status `from` to `to` (a cancelled status
 * gives its seat back) and journals it, in one transaction.
 * STORE_CONFLICT when it moved meanwhile, STORE_NOT_FOUND when missing. */
int store_appt_move(store *s, int64_t id, const char *from, const char *to, int64_t user_id, int64_t now);
int store_appt_events(store *s, arena *a, int64_t id, store_appt_event **out, size_t *n);

/* ---- Calendar addresses. */

/* The account's token ("" when it has none; token holds 65 bytes). */
int store_appt_feed_token(store *s, int64_t user_id, char token[65]);
/* Sets (or replaces) it. */
int store_appt_feed_set(store *s, int64_t user_id, const char *token, int64_t now);
/* The active account of a token; STORE_NOT_FOUND for none. */
int store_appt_feed_user(store *s, const char *token, int64_t *user_id);
/* The appointments held (a_venir, honore, absent) in the slots the account
 * holds (referent_id), or published without a referent, from `after`. */
int store_appt_feed(store *s, arena *a, int64_t user_id, int64_t after, store_appt **out, size_t *n);

/* ---- Reminders and retention. */

/* The appointments still to come that start in (now, until] and whose
 * reminder has not gone out. */
int store_appt_reminders_due(store *s, arena *a, int64_t now, int64_t until, store_appt **out, size_t *n);
/* Claims the reminder of an appointment: 1 when this call set
 * reminded_at, 0 when another had already (or it moved): a reminder goes
 * out once. */
int store_appt_reminder_claim(store *s, int64_t id, int64_t now, int *claimed);
/* The retention purge: deletes the appointments starting before
 * delete_before (with their journal) and the slots whose last occurrence
 * is before it and that hold none any more (*deleted counts the
 * appointments), and empties the telephone and e-mail of those that
 * started before wipe_before (*wiped). dry_run only counts. */
int store_purge_appointments(store *s, int64_t delete_before, int64_t wipe_before, int64_t now, int dry_run,
                             int64_t *deleted, int64_t *wiped);

#endif
