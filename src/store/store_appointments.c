/*
 * store_appointments.c: permanence slots, appointments, their journal and
 * the calendar addresses (sql/020_appointments.sql, store_appointments.h).
 *
 * A booking is a loop over the seats of the occurrence, each tried with
 * one INSERT … ON CONFLICT DO NOTHING that also checks the slot is still
 * offered and the demand still live: the UNIQUE (slot_id, starts_at, seat)
 * constraint lets one row only hold a seat, whatever the engine and
 * however many requests race for it. A status change is one conditional
 * UPDATE (… WHERE status = ?) checked by the rows it touched, then its
 * event, in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_appointments.h"

#define SLOT_COLS                                                                                            \
	"sl.id, sl.site_id, sl.operator_code, sl.mode, sl.starts_at, sl.duration_min, sl.capacity, "         \
	"sl.repeat_until, sl.referent_id, sl.place, sl.created_by, sl.created_at, sl.cancelled_at, "         \
	"COALESCE(s.name, ''), COALESCE(s.address, ''), COALESCE(s.departement, ''), "                       \
	"COALESCE(o.name, sl.operator_code), COALESCE(u.name, '')"
#define SLOT_JOINS                                                                                           \
	" LEFT JOIN sites s ON s.id = sl.site_id LEFT JOIN operators o ON o.code = sl.operator_code LEFT "   \
	"JOIN users u ON u.id = sl.referent_id"
#define SLOT_FROM " appointment_slots sl" SLOT_JOINS
#define SLOT_NCOLS 18
#define APPT_COLS                                                                                            \
	"a.id, a.slot_id, a.starts_at, COALESCE(a.seat, 0), a.site_id, a.demand_id, a.visit_id, a.status, "  \
	"a.phone, a.email, a.lang, a.to_bring, a.booked_by, a.booked_at, a.updated_at, a.reminded_at, "      \
	"a.contact_wiped_at, " SLOT_COLS
#define APPT_FROM " FROM appointments a JOIN appointment_slots sl ON sl.id = a.slot_id" SLOT_JOINS
/* The end of a slot's last occurrence. */
#define SLOT_LAST_END                                                                                        \
	"(CASE WHEN sl.repeat_until > 0 THEN sl.repeat_until ELSE sl.starts_at END + sl.duration_min * 60)"

static void read_slot_at(db_stmt *st, arena *a, int c, store_appt_slot *x, int *oom)
{
	memset(x, 0, sizeof *x);
	x->id = db_col_int(st, c++);
	x->site_id = db_col_int(st, c++);
	x->operator_code = store_col_dup(a, st, c++, oom);
	x->mode = store_col_dup(a, st, c++, oom);
	x->starts_at = db_col_int(st, c++);
	x->duration_min = db_col_int(st, c++);
	x->capacity = db_col_int(st, c++);
	x->repeat_until = db_col_int(st, c++);
	x->referent_id = db_col_int(st, c++);
	x->place = store_col_dup(a, st, c++, oom);
	x->created_by = db_col_int(st, c++);
	x->created_at = db_col_int(st, c++);
	x->cancelled_at = db_col_int(st, c++);
	x->site_name = store_col_dup(a, st, c++, oom);
	x->site_address = store_col_dup(a, st, c++, oom);
	x->site_departement = store_col_dup(a, st, c++, oom);
	x->operator_name = store_col_dup(a, st, c++, oom);
	x->referent_name = store_col_dup(a, st, c, oom);
}

static int read_slot(db_stmt *st, arena *a, void *row)
{
	int oom = 0;
	read_slot_at(st, a, 0, row, &oom);
	return oom ? -1 : 0;
}

static int read_appt(db_stmt *st, arena *a, void *row)
{
	store_appt *x = row;
	int oom = 0, c = 0;
	memset(x, 0, sizeof *x);
	x->id = db_col_int(st, c++);
	x->slot_id = db_col_int(st, c++);
	x->starts_at = db_col_int(st, c++);
	x->seat = db_col_int(st, c++);
	x->site_id = db_col_int(st, c++);
	x->demand_id = db_col_int(st, c++);
	x->visit_id = db_col_int(st, c++);
	x->status = store_col_dup(a, st, c++, &oom);
	x->phone = store_col_dup(a, st, c++, &oom);
	x->email = store_col_dup(a, st, c++, &oom);
	x->lang = store_col_dup(a, st, c++, &oom);
	x->to_bring = store_col_dup(a, st, c++, &oom);
	x->booked_by = db_col_int(st, c++);
	x->booked_at = db_col_int(st, c++);
	x->updated_at = db_col_int(st, c++);
	x->reminded_at = db_col_int(st, c++);
	x->contact_wiped_at = db_col_int(st, c++);
	read_slot_at(st, a, c, &x->slot, &oom);
	return oom ? -1 : 0;
}

static int read_event(db_stmt *st, arena *a, void *row)
{
	store_appt_event *ev = row;
	int oom = 0;
	ev->at = db_col_int(st, 0);
	ev->user_id = db_col_int(st, 1);
	ev->user_name = store_col_dup(a, st, 2, &oom);
	ev->status = store_col_dup(a, st, 3, &oom);
	return oom ? -1 : 0;
}

static int read_taken(db_stmt *st, arena *a, void *row)
{
	(void)a;
	store_appt_taken *t = row;
	t->slot_id = db_col_int(st, 0);
	t->starts_at = db_col_int(st, 1);
	t->n = db_col_int(st, 2);
	return 0;
}

static int read_id(db_stmt *st, arena *a, void *row)
{
	(void)a;
	*(int64_t *)row = db_col_int(st, 0);
	return 0;
}

static int add_event(store *s, db_conn *c, const char *op, int64_t id, int64_t at, int64_t user_id,
                     const char *status)
{
	return store_run(s, c, op,
	                 "INSERT INTO appointment_events (appointment_id, at, user_id, status) VALUES (?, ?, "
	                 "?, ?)",
	                 PARAMS(P_INT(id), P_INT(at), P_INT(user_id), P_TEXT(status)), NULL);
}

/* ---- Slots. */

int store_appt_slot_insert(store *s, store_appt_slot *x, int64_t now)
{
	int64_t id = 0;
	int rc = store_once(
	    s, "appt_slot_insert",
	    "INSERT INTO appointment_slots (site_id, operator_code, mode, starts_at, duration_min, capacity, "
	    "repeat_until, referent_id, place, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?) RETURNING id",
	    PARAMS(P_INT(x->site_id), P_TEXT(x->operator_code), P_TEXT(x->mode), P_INT(x->starts_at),
	           P_INT(x->duration_min), P_INT(x->capacity), P_INT(x->repeat_until), P_INT(x->referent_id),
	           P_TEXT(x->place), P_INT(x->created_by), P_INT(now)),
	    &id, 1);
	if (rc == STORE_OK) {
		x->id = id;
		x->created_at = now;
	}
	return rc;
}

int store_appt_slot_get(store *s, arena *a, int64_t id, store_appt_slot *out)
{
	memset(out, 0, sizeof *out);
	return store_row_one(s, "appt_slot_get", "SELECT " SLOT_COLS " FROM" SLOT_FROM " WHERE sl.id = ?",
	                     PARAMS(P_INT(id)), a, sizeof *out, read_slot, out);
}

/* The WHERE of a slot filter and its parameters, the same for the slots
 * and the seats taken in them. */
#define SLOT_WHERE                                                                                           \
	" sl.cancelled_at = 0 AND " SLOT_LAST_END " > ? AND (? = '' OR ? LIKE '%,' || CAST(sl.site_id AS "   \
	"TEXT) || ',%') AND (? = '' OR s.departement = ?) AND (? = '' OR ? LIKE '%,' || s.departement || "   \
	"',%') AND (? = '' OR sl.operator_code = ?)"
#define SLOT_WHERE_PARAMS(f)                                                                                 \
	P_INT((f)->after), P_TEXT((f)->site_ids ? (f)->site_ids : ""),                                       \
	    P_TEXT((f)->site_ids ? (f)->site_ids : ""), P_TEXT((f)->departement ? (f)->departement : ""),    \
	    P_TEXT((f)->departement ? (f)->departement : ""), P_TEXT((f)->deps ? (f)->deps : ""),            \
	    P_TEXT((f)->deps ? (f)->deps : ""), P_TEXT((f)->operator_code ? (f)->operator_code : ""),        \
	    P_TEXT((f)->operator_code ? (f)->operator_code : "")

int store_appt_slot_list(store *s, arena *a, const store_appt_slot_filter *f, store_appt_slot **out,
                         size_t *n)
{
	void *rows = NULL;
	int rc = store_rows(
	    s, "appt_slot_list",
	    "SELECT " SLOT_COLS " FROM" SLOT_FROM " WHERE" SLOT_WHERE " ORDER BY sl.starts_at, sl.id LIMIT ?",
	    PARAMS(SLOT_WHERE_PARAMS(f), P_INT(LIMIT_PAGE_ROWS)), a, sizeof **out, read_slot, &rows, n);
	*out = rows;
	return rc;
}

int store_appt_taken_list(store *s, arena *a, const store_appt_slot_filter *f, store_appt_taken **out,
                          size_t *n)
{
	void *rows = NULL;
	int rc =
	    store_rows(s, "appt_taken_list",
	               "SELECT a.slot_id, a.starts_at, COUNT(*)" APPT_FROM
	               " WHERE a.seat IS NOT NULL AND a.starts_at > ? AND" SLOT_WHERE
	               " GROUP BY a.slot_id, a.starts_at ORDER BY a.slot_id, a.starts_at LIMIT ?",
	               PARAMS(P_INT(f->after), SLOT_WHERE_PARAMS(f), P_INT((int64_t)LIMIT_PAGE_ROWS * 8)), a,
	               sizeof **out, read_taken, &rows, n);
	*out = rows;
	return rc;
}

int store_appt_slot_cancel(store *s, arena *a, int64_t id, int64_t user_id, int64_t now, int64_t **cancelled,
                           size_t *ncancelled)
{
	const char *op = "appt_slot_cancel";
	void *ids = NULL;
	size_t nids = 0;
	*cancelled = NULL;
	*ncancelled = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "UPDATE appointment_slots SET cancelled_at = ? WHERE id = ? AND cancelled_at = 0 "
		    "RETURNING id",
		    PARAMS(P_INT(now), P_INT(id)), NULL);
		if (rc == 0) {
			int64_t there = 0;
			rc = store_run(s, c, op, "SELECT COUNT(*) FROM appointment_slots WHERE id = ?",
			               PARAMS(P_INT(id)), &there);
			if (rc >= 0)
				rc = there ? STORE_CONFLICT : STORE_NOT_FOUND;
		}
		if (rc > 0)
			rc = store_rows_collect(
			    s, c, op,
			    store_prep(s, c, op,
			               "SELECT id FROM appointments WHERE slot_id = ? AND status = "
			               "'a_venir' AND starts_at > ? ORDER BY id",
			               PARAMS(P_INT(id), P_INT(now))),
			    a, sizeof(int64_t), read_id, &ids, &nids);
		for (size_t i = 0; rc >= 0 && i < nids; i++) {
			int64_t aid = ((int64_t *)ids)[i];
			rc = store_run(
			    s, c, op,
			    "UPDATE appointments SET status = 'annule', seat = NULL, updated_at = ? "
			    "WHERE id = ? AND status = 'a_venir'",
			    PARAMS(P_INT(now), P_INT(aid)), NULL);
			if (rc >= 0)
				rc = add_event(s, c, op, aid, now, user_id, "annule");
		}
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (rc == STORE_OK) {
		*cancelled = ids;
		*ncancelled = nids;
	}
	return rc;
}

/* ---- Appointments. */

int store_appt_book(store *s, store_appt *x, int64_t now)
{
	const char *op = "appt_book";
	int64_t id = 0, seat = 0, capacity = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(s, c, op,
		               "SELECT capacity FROM appointment_slots WHERE id = ? AND cancelled_at = 0",
		               PARAMS(P_INT(x->slot_id)), &capacity);
		if (rc == 0)
			rc = STORE_CONFLICT;
		/* The lowest free seat: a seat another request holds, even one
		 * not committed yet, makes this INSERT do nothing (PostgreSQL
		 * waits for the other to end first), and the next is tried. */
		for (int64_t k = 1; rc >= 0 && !id && k <= capacity; k++) {
			rc = store_run(
			    s, c, op,
			    "INSERT INTO appointments (slot_id, starts_at, seat, site_id, demand_id, "
			    "visit_id, "
			    "status, phone, email, lang, to_bring, booked_by, booked_at, updated_at) "
			    "SELECT sl.id, ?, ?, d.site_id, d.id, d.visit_id, 'a_venir', ?, ?, ?, ?, ?, ?, ? "
			    "FROM appointment_slots sl, demands d JOIN visits v ON v.id = d.visit_id "
			    "WHERE sl.id = ? AND sl.cancelled_at = 0 AND ? <= sl.capacity AND d.id = ? AND "
			    "v.deleted_at = 0 ON CONFLICT DO NOTHING RETURNING id",
			    PARAMS(P_INT(x->starts_at), P_INT(k), P_TEXT(x->phone), P_TEXT(x->email),
			           P_TEXT(x->lang), P_TEXT(x->to_bring), P_INT(x->booked_by), P_INT(now),
			           P_INT(now), P_INT(x->slot_id), P_INT(k), P_INT(x->demand_id)),
			    &id);
			if (rc > 0)
				seat = k;
			else if (rc == 0 && k == 1) {
				/* Nothing written for the first seat: a demand
				 * gone is no reason to try the others. */
				int64_t live = 0;
				rc = store_run(
				    s, c, op,
				    "SELECT COUNT(*) FROM demands d JOIN visits v ON v.id = d.visit_id "
				    "WHERE d.id = ? AND v.deleted_at = 0",
				    PARAMS(P_INT(x->demand_id)), &live);
				if (rc >= 0 && !live)
					rc = STORE_NOT_FOUND;
			}
		}
		if (rc >= 0 && !id)
			rc = STORE_CONFLICT;
		if (rc >= 0)
			rc = add_event(s, c, op, id, now, x->booked_by, "a_venir");
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (rc == STORE_OK) {
		x->id = id;
		x->seat = seat;
		x->booked_at = x->updated_at = now;
	}
	return rc;
}

int store_appt_get(store *s, arena *a, int64_t id, store_appt *out)
{
	memset(out, 0, sizeof *out);
	return store_row_one(s, "appt_get", "SELECT " APPT_COLS APPT_FROM " WHERE a.id = ?",
	                     PARAMS(P_INT(id)), a, sizeof *out, read_appt, out);
}

int store_appt_of_demand(store *s, arena *a, int64_t demand_id, store_appt **out, size_t *n)
{
	void *rows = NULL;
	int rc = store_rows(s, "appt_of_demand",
	                    "SELECT " APPT_COLS APPT_FROM " WHERE a.demand_id = ? ORDER BY a.id DESC LIMIT ?",
	                    PARAMS(P_INT(demand_id), P_INT(LIMIT_PAGE_ROWS)), a, sizeof **out, read_appt,
	                    &rows, n);
	*out = rows;
	return rc;
}

int store_appt_list(store *s, arena *a, const store_appt_filter *f, store_appt **out, size_t *n)
{
	const char *sites = f->site_ids ? f->site_ids : "";
	const char *op_code = f->operator_code ? f->operator_code : "";
	const char *deps = f->deps ? f->deps : "";
	void *rows = NULL;
	int rc = store_rows(
	    s, "appt_list",
	    "SELECT " APPT_COLS APPT_FROM " WHERE a.starts_at > ? AND (? = 1 OR (? <> '' AND (? LIKE "
	    "'%,' || CAST(a.site_id AS TEXT) || ',%' "
	    "OR ? LIKE '%,' || CAST(sl.site_id AS TEXT) || ',%')) OR (? > 0 AND sl.referent_id = ?) OR "
	    "(? <> '' AND sl.operator_code = ? AND ? LIKE '%,' || s.departement || ',%')) "
	    "ORDER BY a.starts_at, a.id LIMIT ?",
	    PARAMS(P_INT(f->after), P_INT(f->all ? 1 : 0), P_TEXT(sites), P_TEXT(sites), P_TEXT(sites),
	           P_INT(f->referent_id), P_INT(f->referent_id), P_TEXT(op_code), P_TEXT(op_code),
	           P_TEXT(deps), P_INT(LIMIT_PAGE_ROWS)),
	    a, sizeof **out, read_appt, &rows, n);
	*out = rows;
	return rc;
}

int store_appt_move(store *s, int64_t id, const char *from, const char *to, int64_t user_id, int64_t now)
{
	const char *op = "appt_move";
	int frees = str_eq(to, "excuse") || str_eq(to, "annule");
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, op,
		    "UPDATE appointments SET status = ?, seat = CASE WHEN ? = 1 THEN NULL ELSE seat "
		    "END, updated_at = ? WHERE id = ? AND status = ? RETURNING id",
		    PARAMS(P_TEXT(to), P_INT(frees), P_INT(now), P_INT(id), P_TEXT(from)), NULL);
		if (rc == 0) {
			int64_t there = 0;
			rc = store_run(s, c, op, "SELECT COUNT(*) FROM appointments WHERE id = ?",
			               PARAMS(P_INT(id)), &there);
			if (rc >= 0)
				rc = there ? STORE_CONFLICT : STORE_NOT_FOUND;
		}
		if (rc > 0)
			rc = add_event(s, c, op, id, now, user_id, to);
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	return rc;
}

int store_appt_events(store *s, arena *a, int64_t id, store_appt_event **out, size_t *n)
{
	void *rows = NULL;
	int rc =
	    store_rows(s, "appt_events",
	               "SELECT ev.at, ev.user_id, COALESCE(u.name, ''), ev.status FROM appointment_events ev "
	               "LEFT JOIN users u ON u.id = ev.user_id WHERE ev.appointment_id = ? ORDER BY ev.id "
	               "LIMIT ?",
	               PARAMS(P_INT(id), P_INT(LIMIT_PAGE_ROWS)), a, sizeof **out, read_event, &rows, n);
	*out = rows;
	return rc;
}

/* ---- Calendar addresses. */

static int read_text(db_stmt *st, arena *a, void *row)
{
	int oom = 0;
	*(char **)row = store_col_dup(a, st, 0, &oom);
	return oom ? -1 : 0;
}

int store_appt_feed_token(store *s, int64_t user_id, char token[65])
{
	token[0] = '\0';
	arena *a = arena_new(1024);
	char *t = NULL;
	int rc = store_row_one(s, "appt_feed_token", "SELECT token FROM appointment_feeds WHERE user_id = ?",
	                       PARAMS(P_INT(user_id)), a, sizeof t, read_text, &t);
	if (rc == STORE_OK && t)
		snprintf(token, 65, "%s", t);
	arena_free(a);
	return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

int store_appt_feed_set(store *s, int64_t user_id, const char *token, int64_t now)
{
	return store_once(s, "appt_feed_set",
	                  "INSERT INTO appointment_feeds (user_id, token, created_at) VALUES (?, ?, ?) "
	                  "ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, created_at = "
	                  "excluded.created_at",
	                  PARAMS(P_INT(user_id), P_TEXT(token), P_INT(now)), NULL, 0);
}

int store_appt_feed_user(store *s, const char *token, int64_t *user_id)
{
	*user_id = 0;
	return store_once(s, "appt_feed_user",
	                  "SELECT f.user_id FROM appointment_feeds f JOIN users u ON u.id = f.user_id WHERE "
	                  "f.token = ? AND u.active = 1",
	                  PARAMS(P_TEXT(token)), user_id, 1);
}

int store_appt_feed(store *s, arena *a, int64_t user_id, int64_t after, store_appt **out, size_t *n)
{
	void *rows = NULL;
	int rc = store_rows(s, "appt_feed",
	                    "SELECT " APPT_COLS APPT_FROM
	                    " WHERE a.starts_at > ? AND a.status IN ('a_venir', 'honore', 'absent') AND "
	                    "(sl.referent_id = ? OR (sl.referent_id = 0 AND sl.created_by = ?)) "
	                    "ORDER BY a.starts_at, a.id LIMIT ?",
	                    PARAMS(P_INT(after), P_INT(user_id), P_INT(user_id), P_INT(LIMIT_PAGE_ROWS)), a,
	                    sizeof **out, read_appt, &rows, n);
	*out = rows;
	return rc;
}

/* ---- Reminders and retention. */

int store_appt_reminders_due(store *s, arena *a, int64_t now, int64_t until, store_appt **out, size_t *n)
{
	void *rows = NULL;
	int rc = store_rows(s, "appt_reminders_due",
	                    "SELECT " APPT_COLS APPT_FROM
	                    " WHERE a.status = 'a_venir' AND a.reminded_at = 0 AND a.starts_at > ? AND "
	                    "a.starts_at <= ? ORDER BY a.starts_at, a.id LIMIT ?",
	                    PARAMS(P_INT(now), P_INT(until), P_INT(LIMIT_PAGE_ROWS)), a, sizeof **out,
	                    read_appt, &rows, n);
	*out = rows;
	return rc;
}

int store_appt_reminder_claim(store *s, int64_t id, int64_t now, int *claimed)
{
	*claimed = 0;
	int64_t got = 0;
	int rc = store_once(s, "appt_reminder_claim",
	                    "UPDATE appointments SET reminded_at = ? WHERE id = ? AND reminded_at = 0 AND "
	                    "status = 'a_venir' RETURNING id",
	                    PARAMS(P_INT(now), P_INT(id)), &got, 0);
	if (rc == STORE_OK)
		*claimed = got == id;
	return rc;
}

int store_purge_appointments(store *s, int64_t delete_before, int64_t wipe_before, int64_t now, int dry_run,
                             int64_t *deleted, int64_t *wiped)
{
	const char *op = "purge_appointments";
	*deleted = *wiped = 0;
	if (dry_run) {
		int rc = store_once(s, op, "SELECT COUNT(*) FROM appointments WHERE starts_at < ?",
		                    PARAMS(P_INT(delete_before)), deleted, 1);
		if (rc == STORE_OK)
			rc = store_once(
			    s, op,
			    "SELECT COUNT(*) FROM appointments WHERE starts_at < ? AND starts_at >= ? "
			    "AND contact_wiped_at = 0 AND (phone <> '' OR email <> '')",
			    PARAMS(P_INT(wipe_before), P_INT(delete_before)), wiped, 1);
		return rc;
	}
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, op);
	if (rc == STORE_OK) {
		rc = store_run(s, c, op,
		               "DELETE FROM appointment_events WHERE appointment_id IN (SELECT id FROM "
		               "appointments WHERE starts_at < ?)",
		               PARAMS(P_INT(delete_before)), NULL);
		if (rc >= 0)
			rc = store_run(s, c, op, "DELETE FROM appointments WHERE starts_at < ? RETURNING id",
			               PARAMS(P_INT(delete_before)), NULL);
		if (rc >= 0)
			*deleted = rc;
		if (rc >= 0)
			rc = store_run(s, c, op,
			               "DELETE FROM appointment_slots WHERE (CASE WHEN repeat_until > 0 THEN "
			               "repeat_until ELSE starts_at END) < ? AND NOT EXISTS (SELECT 1 FROM "
			               "appointments a WHERE a.slot_id = appointment_slots.id)",
			               PARAMS(P_INT(delete_before)), NULL);
		if (rc >= 0)
			rc = store_run(
			    s, c, op,
			    "UPDATE appointments SET phone = '', email = '', contact_wiped_at = ? WHERE "
			    "starts_at < ? AND contact_wiped_at = 0 AND (phone <> '' OR email <> '') "
			    "RETURNING id",
			    PARAMS(P_INT(now), P_INT(wipe_before)), NULL);
		if (rc >= 0)
			*wiped = rc;
		rc = store_tx_end(s, c, op, rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	if (rc != STORE_OK)
		*deleted = *wiped = 0;
	return rc;
}
