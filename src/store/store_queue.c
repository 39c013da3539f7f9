/*
 * store_queue.c: the waiting queue in the store (store_queue.h,
 * sql/010_queue.sql): services, settings and opening hours, tickets and
 * desk pauses.
 *
 * Two writes must hold under concurrency, on SQLite and on PostgreSQL:
 *   - a ticket's number of the day is unique per service: the insert
 *     takes MAX + 1 and yields on the UNIQUE constraint (ON CONFLICT DO
 *     NOTHING, which does not abort a PostgreSQL transaction), then tries
 *     again with the number another request took meanwhile;
 *   - "call the next one" never gives one ticket to two desks: the first
 *     waiting ticket is read, then moved with an UPDATE that still
 *     requires status emis, and the rows it touched tell whether this desk
 *     got it. A desk that lost the race reads the list again. On SQLite
 *     the write transaction (BEGIN IMMEDIATE) already serialises the
 *     desks; on PostgreSQL (READ COMMITTED) the second UPDATE waits for the
 *     first, finds the row no longer emis and touches nothing.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_queue.h"

/* How many times a write tries again after losing a race: each loss means
 * another request succeeded, so this bounds nothing a site can reach. */
#define QUEUE_RETRIES 64

static const char *const status_codes[QUEUE_STATUS_COUNT] = {
    [QUEUE_EMIS] = "emis",         [QUEUE_APPELE] = "appele", [QUEUE_EN_COURS] = "en_cours",
    [QUEUE_TERMINE] = "termine",   [QUEUE_ABSENT] = "absent", [QUEUE_ANNULE] = "annule",
    [QUEUE_REDIRIGE] = "redirige",
};

static const char *const priority_codes[QUEUE_PRIORITY_COUNT] = {
    [QUEUE_PRIO_NONE] = "aucune",
    [QUEUE_PRIO_APPOINTMENT] = "rendez_vous",
    [QUEUE_PRIO_MOBILITY] = "mobilite_reduite",
    [QUEUE_PRIO_PREGNANCY] = "grossesse",
    [QUEUE_PRIO_AGE] = "age",
};

const char *store_queue_status_code(queue_status st)
{
	return (unsigned)st < QUEUE_STATUS_COUNT ? status_codes[st] : NULL;
}

int store_queue_status_parse(const char *code)
{
	for (int i = 0; code && i < QUEUE_STATUS_COUNT; i++)
		if (strcmp(code, status_codes[i]) == 0)
			return i;
	return -1;
}

const char *store_queue_priority_code(queue_priority p)
{
	return (unsigned)p < QUEUE_PRIORITY_COUNT ? priority_codes[p] : NULL;
}

int store_queue_priority_parse(const char *code)
{
	for (int i = 0; code && i < QUEUE_PRIORITY_COUNT; i++)
		if (strcmp(code, priority_codes[i]) == 0)
			return i;
	return -1;
}

/* The serving order: the order key, then the first ticket of a chain of
 * redirections (the ticket itself when it was not redirected). */
#define RANK "(CASE WHEN origin_id = 0 THEN id ELSE origin_id END)"
#define SERVING_ORDER "order_key, " RANK

static int one_row(int rows)
{
	return rows > 0 ? STORE_OK : rows == 0 ? STORE_NOT_FOUND : rows;
}

/* ---- Services ---------------------------------------------------------- */

#define SERVICE_COLS "id, site_id, prefix, label, picto, position, active"

static int read_service(db_stmt *st, arena *a, store_queue_service *o)
{
	int oom = 0;
	o->id = db_col_int(st, 0);
	o->site_id = db_col_int(st, 1);
	o->prefix = db_col_text(st, 2)[0];
	o->label = store_col_dup(a, st, 3, &oom);
	o->picto = store_col_dup(a, st, 4, &oom);
	o->position = (int)db_col_int(st, 5);
	o->active = db_col_int(st, 6) != 0;
	return oom ? -1 : 0;
}

int store_queue_services(store *s, arena *a, int64_t site_id, int active_only, store_queue_service **out,
                         size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = sizeof(store_queue_service)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "queue_services",
	                         "SELECT " SERVICE_COLS " FROM queue_services WHERE site_id = ? AND "
	                         "(? = 0 OR active = 1) ORDER BY position, prefix",
	                         PARAMS(P_INT(site_id), P_INT(active_only ? 1 : 0)));
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE;
	while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW)
		if (read_service(st, a, store_vec_push(&v)) != 0)
			rc = store_fail(s, "queue_services", DB_ERROR, "arena full");
	if (st && rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "queue_services", step, db_errmsg(c));
	if (st)
		db_done(st);
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "queue_services", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

int store_queue_service_get(store *s, arena *a, int64_t id, store_queue_service *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "queue_service_get", "SELECT " SERVICE_COLS " FROM queue_services WHERE id = ?",
	               PARAMS(P_INT(id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = read_service(st, a, out) == 0
			         ? STORE_OK
			         : store_fail(s, "queue_service_get", DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "queue_service_get", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

static int service_insert(store *s, db_conn *c, store_queue_service *svc)
{
	char prefix[2] = {svc->prefix, '\0'};
	int64_t id = 0;
	int rc = one_row(
	    store_run(s, c, "queue_service_put",
	              "INSERT INTO queue_services (site_id, prefix, label, picto, position, active) "
	              "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) "
	              "RETURNING id",
	              PARAMS(P_INT(svc->site_id), P_TEXT(prefix), P_TEXT(svc->label), P_TEXT(svc->picto),
	                     P_INT(svc->position), P_INT(svc->active ? 1 : 0), P_INT(svc->site_id)),
	              &id));
	if (rc == STORE_OK)
		svc->id = id;
	return rc;
}

int store_queue_service_put(store *s, store_queue_service *svc)
{
	if (svc->id == 0) {
		db_conn *c = db_acquire(s->db);
		int rc = service_insert(s, c, svc);
		db_release(s->db, c);
		return rc;
	}
	char prefix[2] = {svc->prefix, '\0'};
	return store_once(
	    s, "queue_service_put",
	    "UPDATE queue_services SET prefix = ?, label = ?, picto = ?, position = ?, active = ? "
	    "WHERE id = ? AND site_id = ? RETURNING id",
	    PARAMS(P_TEXT(prefix), P_TEXT(svc->label), P_TEXT(svc->picto), P_INT(svc->position),
	           P_INT(svc->active ? 1 : 0), P_INT(svc->id), P_INT(svc->site_id)),
	    NULL, 1);
}

static int seed_tx(store *s, db_conn *c, int64_t site_id, const store_queue_service *defaults, size_t n,
                   int *added)
{
	int64_t have = 0;
	int rc = one_row(
	    store_run(s, c, "queue_seed", "SELECT id FROM sites WHERE id = ?", PARAMS(P_INT(site_id)), NULL));
	if (rc == STORE_OK)
		rc = store_run(s, c, "queue_seed", "SELECT COUNT(*) FROM queue_services WHERE site_id = ?",
		               PARAMS(P_INT(site_id)), &have) < 0
		         ? STORE_ERROR
		         : STORE_OK;
	if (rc != STORE_OK || have > 0)
		return rc;
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		char prefix[2] = {defaults[i].prefix, '\0'};
		/* A request seeding at the same time wins quietly. */
		int rows =
		    store_run(s, c, "queue_seed",
		              "INSERT INTO queue_services (site_id, prefix, label, picto, position, active) "
		              "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
		              PARAMS(P_INT(site_id), P_TEXT(prefix), P_TEXT(defaults[i].label),
		                     P_TEXT(defaults[i].picto), P_INT(defaults[i].position),
		                     P_INT(defaults[i].active ? 1 : 0)),
		              NULL);
		if (rows < 0)
			rc = rows;
		else
			*added += rows;
	}
	return rc;
}

int store_queue_seed(store *s, int64_t site_id, const store_queue_service *defaults, size_t n, int *added)
{
	*added = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "queue_seed");
	if (rc == STORE_OK)
		rc = store_tx_end(s, c, "queue_seed", seed_tx(s, c, site_id, defaults, n, added));
	db_release(s->db, c);
	if (rc != STORE_OK)
		*added = 0;
	return rc;
}

/* ---- Settings ---------------------------------------------------------- */

int store_queue_settings_get(store *s, arena *a, int64_t site_id, store_queue_settings *out)
{
	memset(out, 0, sizeof *out);
	out->site_id = site_id;
	out->kiosk_languages = "";
	out->kiosk_needs = QUEUE_NEED_ALL;
	db_conn *c = db_acquire(s->db);
	int rc = one_row(store_run(s, c, "queue_settings", "SELECT id FROM sites WHERE id = ?",
	                           PARAMS(P_INT(site_id)), NULL));
	db_stmt *st = rc == STORE_OK
	                  ? store_prep(s, c, "queue_settings",
	                               "SELECT show_names, hours_set, kiosk_languages, kiosk_needs "
	                               "FROM queue_settings WHERE site_id = ?",
	                               PARAMS(P_INT(site_id)))
	                  : NULL;
	if (rc == STORE_OK && !st)
		rc = STORE_ERROR;
	if (st) {
		int step = db_step(st), oom = 0;
		if (step == DB_ROW) {
			out->show_names = db_col_int(st, 0) != 0;
			out->hours_set = db_col_int(st, 1) != 0;
			out->kiosk_languages = store_col_dup(a, st, 2, &oom);
			out->kiosk_needs = (unsigned)db_col_int(st, 3) & QUEUE_NEED_ALL;
			if (oom)
				rc = store_fail(s, "queue_settings", DB_ERROR, "arena full");
		} else if (step != DB_DONE) {
			rc = store_fail(s, "queue_settings", step, db_errmsg(c));
		}
		db_done(st);
	}
	if (rc == STORE_OK) {
		st = store_prep(s, c, "queue_settings",
		                "SELECT weekday, opens, closes FROM queue_hours WHERE site_id = ?",
		                PARAMS(P_INT(site_id)));
		int step = DB_DONE;
		while (st && (step = db_step(st)) == DB_ROW) {
			int64_t d = db_col_int(st, 0);
			if (d >= 1 && d <= 7) {
				out->opens[d] = (int)db_col_int(st, 1);
				out->closes[d] = (int)db_col_int(st, 2);
			}
		}
		if (!st || step != DB_DONE)
			rc = st ? store_fail(s, "queue_settings", step, db_errmsg(c)) : STORE_ERROR;
		if (st)
			db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

static int settings_tx(store *s, db_conn *c, const store_queue_settings *qs)
{
	int rc = one_row(store_run(
	    s, c, "queue_settings_put",
	    "INSERT INTO queue_settings (site_id, show_names, hours_set, kiosk_languages, kiosk_needs, "
	    "updated_at) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) "
	    "ON CONFLICT (site_id) DO UPDATE SET show_names = excluded.show_names, hours_set = "
	    "excluded.hours_set, kiosk_languages = excluded.kiosk_languages, kiosk_needs = "
	    "excluded.kiosk_needs, updated_at = excluded.updated_at RETURNING site_id",
	    PARAMS(P_INT(qs->site_id), P_INT(qs->show_names ? 1 : 0), P_INT(qs->hours_set ? 1 : 0),
	           P_TEXT(qs->kiosk_languages), P_INT(qs->kiosk_needs & QUEUE_NEED_ALL), P_INT(now_s()),
	           P_INT(qs->site_id)),
	    NULL));
	if (rc == STORE_OK &&
	    store_run(s, c, "queue_settings_put", "DELETE FROM queue_hours WHERE site_id = ?",
	              PARAMS(P_INT(qs->site_id)), NULL) < 0)
		rc = STORE_ERROR;
	for (int d = 1; rc == STORE_OK && qs->hours_set && d <= 7; d++)
		rc = one_row(store_run(
		    s, c, "queue_settings_put",
		    "INSERT INTO queue_hours (site_id, weekday, opens, closes) VALUES (?, ?, ?, ?) "
		    "RETURNING weekday",
		    PARAMS(P_INT(qs->site_id), P_INT(d), P_INT(qs->opens[d]), P_INT(qs->closes[d])), NULL));
	return rc;
}

int store_queue_settings_put(store *s, const store_queue_settings *qs)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "queue_settings_put");
	if (rc == STORE_OK)
		rc = store_tx_end(s, c, "queue_settings_put", settings_tx(s, c, qs));
	db_release(s->db, c);
	return rc;
}

/* The settings and the services of a manager's form, in one transaction:
 * a conflict (two services with one prefix) leaves both as they were. */
int store_queue_settings_save(store *s, const store_queue_settings *qs, store_queue_service *svc, size_t n)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "queue_settings_save");
	if (rc == STORE_OK) {
		int work = settings_tx(s, c, qs);
		for (size_t i = 0; work == STORE_OK && i < n; i++) {
			char prefix[2] = {svc[i].prefix, '\0'};
			svc[i].site_id = qs->site_id;
			if (svc[i].id == 0)
				work = service_insert(s, c, &svc[i]);
			else
				work = one_row(store_run(
				    s, c, "queue_settings_save",
				    "UPDATE queue_services SET prefix = ?, label = ?, picto = ?, "
				    "position = ?, active = ? WHERE id = ? AND site_id = ? RETURNING id",
				    PARAMS(P_TEXT(prefix), P_TEXT(svc[i].label), P_TEXT(svc[i].picto),
				           P_INT(svc[i].position), P_INT(svc[i].active ? 1 : 0),
				           P_INT(svc[i].id), P_INT(qs->site_id)),
				    NULL));
		}
		rc = store_tx_end(s, c, "queue_settings_save", work);
	}
	db_release(s->db, c);
	return rc;
}

/* ---- Tickets ----------------------------------------------------------- */

#define TICKET_COLS                                                                                          \
	"id, site_id, service_id, prefix, number, day, key, lang, needs, priority, channel, name, status, "  \
	"desk, adviser_id, issued_by, arrived_at, called_at, started_at, ended_at, recalls, "                \
	"redirected_from, visit_id, satisfaction_done, order_key, origin_id"

static int read_ticket(db_stmt *st, arena *a, store_ticket *t)
{
	int oom = 0;
	memset(t, 0, sizeof *t);
	t->id = db_col_int(st, 0);
	t->site_id = db_col_int(st, 1);
	t->service_id = db_col_int(st, 2);
	t->prefix = db_col_text(st, 3)[0];
	t->number = (int)db_col_int(st, 4);
	t->day = store_col_dup(a, st, 5, &oom);
	t->key = store_col_dup(a, st, 6, &oom);
	t->lang = store_col_dup(a, st, 7, &oom);
	t->needs = (unsigned)db_col_int(st, 8);
	int p = store_queue_priority_parse(db_col_text(st, 9));
	t->priority = p < 0 ? QUEUE_PRIO_NONE : (queue_priority)p;
	t->channel = store_col_dup(a, st, 10, &oom);
	t->name = store_col_dup(a, st, 11, &oom);
	int status = store_queue_status_parse(db_col_text(st, 12));
	t->status = status < 0 ? QUEUE_ANNULE : (queue_status)status;
	t->desk = store_col_dup(a, st, 13, &oom);
	t->adviser_id = db_col_int(st, 14);
	t->issued_by = db_col_int(st, 15);
	t->arrived_at = db_col_int(st, 16);
	t->called_at = db_col_int(st, 17);
	t->started_at = db_col_int(st, 18);
	t->ended_at = db_col_int(st, 19);
	t->recalls = (int)db_col_int(st, 20);
	t->redirected_from = db_col_int(st, 21);
	t->visit_id = db_col_int(st, 22);
	t->satisfaction_done = db_col_int(st, 23) != 0;
	t->order_key = db_col_int(st, 24);
	t->origin_id = db_col_int(st, 25);
	/* "A012", as domain/queue.h's queue_ticket_label writes it. */
	int num = t->number < 0 ? 0 : t->number > 9999 ? 9999 : t->number;
	snprintf(t->label, sizeof t->label, "%c%03d", t->prefix ? t->prefix : '?', num);
	return oom ? -1 : 0;
}

/* Runs a query of tickets into a vector (out, n) or one record (one). */
static int ticket_query(store *s, db_conn *c, arena *a, const char *op, const char *sql, const store_param *p,
                        size_t np, store_ticket **out, size_t *n, store_ticket *one)
{
	store_vec v = {.size = sizeof(store_ticket)};
	db_stmt *st = store_prep(s, c, op, sql, p, np);
	if (!st)
		return STORE_ERROR;
	int rc = STORE_OK, step, rows = 0;
	while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
		store_ticket *t = one ? one : store_vec_push(&v);
		if (read_ticket(st, a, t) != 0)
			rc = store_fail(s, op, DB_ERROR, "arena full");
		rows++;
		if (one)
			break;
	}
	if (rc == STORE_OK && !one && step != DB_DONE)
		rc = store_fail(s, op, step, db_errmsg(c));
	if (rc == STORE_OK && one && rows == 0)
		rc = step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, op, step, db_errmsg(c));
	db_done(st);
	if (!one) {
		if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
			rc = store_fail(s, op, DB_ERROR, "arena full");
		store_vec_free(&v);
	}
	return rc;
}

static int ticket_get_c(store *s, db_conn *c, arena *a, int64_t id, store_ticket *out)
{
	return ticket_query(s, c, a, "ticket_get", "SELECT " TICKET_COLS " FROM tickets WHERE id = ?",
	                    PARAMS(P_INT(id)), NULL, NULL, out);
}

int store_ticket_get(store *s, arena *a, int64_t id, store_ticket *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	int rc = ticket_get_c(s, c, a, id, out);
	db_release(s->db, c);
	return rc;
}

int store_ticket_by_key(store *s, arena *a, const char *key, store_ticket *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	int rc = ticket_query(s, c, a, "ticket_by_key", "SELECT " TICKET_COLS " FROM tickets WHERE key = ?",
	                      PARAMS(P_TEXT(key ? key : "")), NULL, NULL, out);
	db_release(s->db, c);
	return rc;
}

/* A new random key: 18 bytes from libsodium, 24 URL-safe characters. */
static void new_key(char out[32])
{
	unsigned char raw[18];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, 32, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Inserts t as a new ticket of its service, numbered after the day's last
 * one; copies the service's prefix. STORE_NOT_FOUND when the service is
 * not an active one of the site. Inside the caller's transaction. */
static int insert_ticket(store *s, db_conn *c, store_ticket *t, int64_t arrived_at, int64_t order_key,
                         int64_t redirected_from, int64_t origin_id, int64_t now)
{
	char day[11];
	time_local_date(now, day);
	const char *pr = store_queue_priority_code(t->priority);
	for (int attempt = 0; attempt < QUEUE_RETRIES; attempt++) {
		char key[32];
		new_key(key);
		db_stmt *st = store_prep(
		    s, c, "ticket_issue",
		    "INSERT INTO tickets (site_id, service_id, prefix, number, day, key, lang, needs, "
		    "priority, "
		    "channel, name, status, issued_by, arrived_at, order_key, redirected_from, origin_id, "
		    "created_at, updated_at) SELECT q.site_id, q.id, q.prefix, COALESCE((SELECT "
		    "MAX(x.number) FROM tickets x "
		    "WHERE x.site_id = q.site_id AND x.service_id = q.id AND x.day = ?), 0) + 1, ?, ?, ?, ?, "
		    "?, ?, "
		    "?, 'emis', ?, ?, ?, ?, ?, ?, ? FROM queue_services q WHERE q.id = ? AND q.site_id = ? "
		    "AND "
		    "q.active = 1 ON CONFLICT DO NOTHING RETURNING id, prefix, number",
		    PARAMS(
		        P_TEXT(day), P_TEXT(day), P_TEXT(key), P_TEXT(t->lang && *t->lang ? t->lang : "fr"),
		        P_INT(t->needs & QUEUE_NEED_ALL), P_TEXT(pr ? pr : "aucune"),
		        P_TEXT(t->channel && *t->channel ? t->channel : "guichet_spontane"), P_TEXT(t->name),
		        P_INT(t->issued_by), P_INT(arrived_at), P_INT(order_key), P_INT(redirected_from),
		        P_INT(origin_id), P_INT(now), P_INT(now), P_INT(t->service_id), P_INT(t->site_id)));
		if (!st)
			return STORE_ERROR;
		int step = db_step(st);
		int64_t id = 0, number = 0;
		char prefix = 0;
		if (step == DB_ROW) {
			id = db_col_int(st, 0);
			prefix = db_col_text(st, 1)[0];
			number = db_col_int(st, 2);
		}
		int rc = step == DB_ROW || step == DB_DONE
		             ? STORE_OK
		             : store_fail(s, "ticket_issue", step, db_errmsg(c));
		db_done(st);
		if (rc != STORE_OK)
			return rc;
		if (id) {
			t->id = id;
			t->prefix = prefix;
			t->number = (int)number;
			return STORE_OK;
		}
		/* No row: the service is not there, or another ticket took the
		 * number (or, once in 2^144, the key) meanwhile. */
		int64_t found = 0;
		if (store_run(
		        s, c, "ticket_issue",
		        "SELECT COUNT(*) FROM queue_services WHERE id = ? AND site_id = ? AND active = 1",
		        PARAMS(P_INT(t->service_id), P_INT(t->site_id)), &found) < 0)
			return STORE_ERROR;
		if (!found)
			return STORE_NOT_FOUND;
	}
	return store_fail(s, "ticket_issue", DB_ERROR, "no free number after many tries");
}

int store_ticket_issue(store *s, arena *a, store_ticket *t, int64_t now)
{
	int64_t order_key = t->order_key ? t->order_key : now;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "ticket_issue");
	if (rc == STORE_OK)
		rc = store_tx_end(s, c, "ticket_issue", insert_ticket(s, c, t, now, order_key, 0, 0, now));
	int64_t id = t->id;
	if (rc == STORE_OK)
		rc = ticket_get_c(s, c, a, id, t);
	db_release(s->db, c);
	return rc;
}

int store_queue_waiting(store *s, arena *a, int64_t site_id, int64_t service_id, store_ticket **out,
                        size_t *n)
{
	*out = NULL;
	*n = 0;
	db_conn *c = db_acquire(s->db);
	int rc = ticket_query(s, c, a, "queue_waiting",
	                      "SELECT " TICKET_COLS " FROM tickets WHERE site_id = ? AND status = 'emis' AND "
	                      "(? = 0 OR service_id = ?) ORDER BY " SERVING_ORDER,
	                      PARAMS(P_INT(site_id), P_INT(service_id), P_INT(service_id)), out, n, NULL);
	db_release(s->db, c);
	return rc;
}

int store_queue_active(store *s, arena *a, int64_t site_id, store_ticket **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_conn *c = db_acquire(s->db);
	int rc =
	    ticket_query(s, c, a, "queue_active",
	                 "SELECT " TICKET_COLS " FROM tickets WHERE site_id = ? AND status IN ('appele', "
	                 "'en_cours') ORDER BY called_at DESC, id DESC",
	                 PARAMS(P_INT(site_id)), out, n, NULL);
	db_release(s->db, c);
	return rc;
}

/* The people of the same service served before t: the desks that call
 * "any service" follow the same order across services, but a person
 * waits for her own service. */
int store_ticket_ahead(store *s, const store_ticket *t, size_t *ahead)
{
	*ahead = 0;
	if (t->status != QUEUE_EMIS)
		return STORE_OK;
	int64_t n = 0;
	int rc = store_once(s, "ticket_ahead",
	                    "SELECT COUNT(*) FROM tickets WHERE site_id = ? AND service_id = ? AND status = "
	                    "'emis' AND (order_key < ? OR (order_key = ? AND " RANK " < ?))",
	                    PARAMS(P_INT(t->site_id), P_INT(t->service_id), P_INT(t->order_key),
	                           P_INT(t->order_key), P_INT(t->origin_id ? t->origin_id : t->id)),
	                    &n, 0);
	if (rc == STORE_OK)
		*ahead = n > 0 ? (size_t)n : 0;
	return rc;
}

static int call_next_tx(store *s, db_conn *c, int64_t site_id, int64_t service_id, const char *desk,
                        int64_t adviser_id, int64_t now, int64_t *id)
{
	for (int attempt = 0; attempt < QUEUE_RETRIES; attempt++) {
		int64_t first = 0;
		int rows =
		    store_run(s, c, "ticket_call_next",
		              "SELECT id FROM tickets WHERE site_id = ? AND status = 'emis' AND (? = 0 OR "
		              "service_id = ?) ORDER BY " SERVING_ORDER " LIMIT 1",
		              PARAMS(P_INT(site_id), P_INT(service_id), P_INT(service_id)), &first);
		if (rows < 0)
			return rows;
		if (rows == 0)
			return STORE_NOT_FOUND;
		rows = store_run(
		    s, c, "ticket_call_next",
		    "UPDATE tickets SET status = 'appele', desk = ?, adviser_id = ?, called_at = ?, "
		    "updated_at = ? WHERE id = ? AND status = 'emis' RETURNING id",
		    PARAMS(P_TEXT(desk), P_INT(adviser_id), P_INT(now), P_INT(now), P_INT(first)), NULL);
		if (rows < 0)
			return rows;
		if (rows > 0) {
			*id = first;
			return STORE_OK;
		}
		/* Another desk called it between the two statements. */
	}
	return store_fail(s, "ticket_call_next", DB_ERROR, "lost the race too many times");
}

int store_ticket_call_next(store *s, arena *a, int64_t site_id, int64_t service_id, const char *desk,
                           int64_t adviser_id, int64_t now, store_ticket *out)
{
	memset(out, 0, sizeof *out);
	int64_t id = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "ticket_call_next");
	if (rc == STORE_OK)
		rc = store_tx_end(
		    s, c, "ticket_call_next",
		    call_next_tx(s, c, site_id, service_id, desk ? desk : "", adviser_id, now, &id));
	if (rc == STORE_OK)
		rc = ticket_get_c(s, c, a, id, out);
	db_release(s->db, c);
	return rc;
}

/* The moves of domain/queue.h's queue_transition, as the store applies
 * them: the statuses an action starts from (a bit per status) and the one
 * it ends in. tests/unit/store/test_store_queue.c checks that the two
 * tables agree. */
static const struct {
	unsigned from;
	queue_status to;
} moves[] = {
    [QUEUE_CALL] = {1u << QUEUE_EMIS, QUEUE_APPELE},
    [QUEUE_RECALL] = {1u << QUEUE_APPELE, QUEUE_APPELE},
    [QUEUE_START] = {1u << QUEUE_APPELE, QUEUE_EN_COURS},
    [QUEUE_FINISH] = {1u << QUEUE_EN_COURS, QUEUE_TERMINE},
    [QUEUE_ABSENT_] = {1u << QUEUE_APPELE, QUEUE_ABSENT},
    [QUEUE_CANCEL] = {1u << QUEUE_EMIS | 1u << QUEUE_APPELE, QUEUE_ANNULE},
    [QUEUE_REDIRECT] = {1u << QUEUE_EMIS | 1u << QUEUE_APPELE | 1u << QUEUE_EN_COURS, QUEUE_REDIRIGE},
};

static int move_tx(store *s, db_conn *c, int64_t id, queue_status expected, queue_action action,
                   const char *desk, int64_t adviser_id, int64_t now)
{
	const char *from = store_queue_status_code(expected);
	const char *to = store_queue_status_code(moves[action].to);
	int rows;
	switch (action) {
	case QUEUE_CALL:
	case QUEUE_RECALL:
		/* A recall keeps the first call's time: the wait ends there. */
		rows = store_run(
		    s, c, "ticket_move",
		    "UPDATE tickets SET status = ?, desk = CASE WHEN ? = '' THEN desk ELSE ? END, "
		    "adviser_id = CASE WHEN ? = 0 THEN adviser_id ELSE ? END, called_at = CASE WHEN "
		    "called_at = 0 THEN ? ELSE called_at END, recalls = recalls + ?, updated_at = ? "
		    "WHERE id = ? AND status = ? RETURNING id",
		    PARAMS(P_TEXT(to), P_TEXT(desk), P_TEXT(desk), P_INT(adviser_id), P_INT(adviser_id),
		           P_INT(now), P_INT(action == QUEUE_RECALL ? 1 : 0), P_INT(now), P_INT(id),
		           P_TEXT(from)),
		    NULL);
		break;
	case QUEUE_START:
		rows = store_run(
		    s, c, "ticket_move",
		    "UPDATE tickets SET status = ?, started_at = ?, adviser_id = CASE WHEN ? = 0 THEN "
		    "adviser_id ELSE ? END, updated_at = ? WHERE id = ? AND status = ? RETURNING id",
		    PARAMS(P_TEXT(to), P_INT(now), P_INT(adviser_id), P_INT(adviser_id), P_INT(now),
		           P_INT(id), P_TEXT(from)),
		    NULL);
		break;
	default:
		rows =
		    store_run(s, c, "ticket_move",
		              "UPDATE tickets SET status = ?, ended_at = ?, updated_at = ? WHERE id = ? AND "
		              "status = ? RETURNING id",
		              PARAMS(P_TEXT(to), P_INT(now), P_INT(now), P_INT(id), P_TEXT(from)), NULL);
		break;
	}
	if (rows < 0)
		return rows;
	if (rows > 0)
		return STORE_OK;
	int64_t found = 0;
	if (store_run(s, c, "ticket_move", "SELECT COUNT(*) FROM tickets WHERE id = ?", PARAMS(P_INT(id)),
	              &found) < 0)
		return STORE_ERROR;
	return found ? STORE_CONFLICT : STORE_NOT_FOUND;
}

int store_ticket_move(store *s, arena *a, int64_t id, queue_status expected, queue_action action,
                      const char *desk, int64_t adviser_id, int64_t now, store_ticket *out)
{
	memset(out, 0, sizeof *out);
	if ((unsigned)action >= COUNT(moves) || action == QUEUE_REDIRECT ||
	    (unsigned)expected >= QUEUE_STATUS_COUNT)
		return STORE_CONFLICT;
	db_conn *c = db_acquire(s->db);
	int rc;
	if (!(moves[action].from & (1u << expected))) {
		/* Not a move the rules allow; a missing ticket still says so. */
		int64_t found = 0;
		rc = store_run(s, c, "ticket_move", "SELECT COUNT(*) FROM tickets WHERE id = ?",
		               PARAMS(P_INT(id)), &found) < 0
		         ? STORE_ERROR
		     : found ? STORE_CONFLICT
		             : STORE_NOT_FOUND;
	} else {
		rc = store_tx_begin(s, c, "ticket_move");
		if (rc == STORE_OK)
			rc = store_tx_end(
			    s, c, "ticket_move",
			    move_tx(s, c, id, expected, action, desk ? desk : "", adviser_id, now));
	}
	if (rc == STORE_OK)
		rc = ticket_get_c(s, c, a, id, out);
	db_release(s->db, c);
	return rc;
}

static int redirect_tx(store *s, db_conn *c, arena *a, int64_t id, int64_t to_service_id, int64_t now,
                       store_ticket *t)
{
	int rc = ticket_get_c(s, c, a, id, t);
	if (rc != STORE_OK)
		return rc;
	if (!(moves[QUEUE_REDIRECT].from & (1u << t->status)) || t->service_id == to_service_id)
		return STORE_CONFLICT;
	rc = one_row(store_run(
	    s, c, "ticket_redirect",
	    "UPDATE tickets SET status = 'redirige', ended_at = ?, updated_at = ? WHERE id = ? "
	    "AND status = ? RETURNING id",
	    PARAMS(P_INT(now), P_INT(now), P_INT(id), P_TEXT(store_queue_status_code(t->status))), NULL));
	if (rc == STORE_NOT_FOUND)
		return STORE_CONFLICT; /* moved meanwhile */
	if (rc != STORE_OK)
		return rc;
	/* The new ticket waits with the arrival and the order of the first:
	 * the person does not go back to the end of the line. */
	int64_t arrived = t->arrived_at, order_key = t->order_key;
	int64_t origin = t->origin_id ? t->origin_id : t->id;
	t->service_id = to_service_id;
	t->id = 0;
	return insert_ticket(s, c, t, arrived, order_key, id, origin, now);
}

int store_ticket_redirect(store *s, arena *a, int64_t id, int64_t to_service_id, int64_t now,
                          store_ticket *out_new)
{
	memset(out_new, 0, sizeof *out_new);
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "ticket_redirect");
	if (rc == STORE_OK)
		rc = store_tx_end(s, c, "ticket_redirect",
		                  redirect_tx(s, c, a, id, to_service_id, now, out_new));
	int64_t new_id = out_new->id;
	if (rc == STORE_OK)
		rc = ticket_get_c(s, c, a, new_id, out_new);
	db_release(s->db, c);
	return rc;
}

int store_ticket_set_visit(store *s, int64_t id, int64_t visit_id)
{
	return store_once(
	    s, "ticket_set_visit",
	    "UPDATE tickets SET visit_id = ?, updated_at = ? WHERE id = ? AND status = 'termine' "
	    "RETURNING id",
	    PARAMS(P_INT(visit_id), P_INT(now_s()), P_INT(id)), NULL, 1);
}

int store_ticket_set_satisfaction_done(store *s, int64_t id)
{
	return store_once(s, "ticket_satisfaction",
	                  "UPDATE tickets SET satisfaction_done = 1, updated_at = ? WHERE id = ? AND "
	                  "satisfaction_done = 0 RETURNING id",
	                  PARAMS(P_INT(now_s()), P_INT(id)), NULL, 1);
}

int store_queue_recent_services(store *s, arena *a, int64_t site_id, size_t max, int64_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (max == 0)
		return STORE_OK;
	if (max > 1000)
		max = 1000;
	int64_t *v = arena_alloc(a, max * sizeof *v);
	if (!v)
		return store_fail(s, "queue_recent", DB_ERROR, "arena full");
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "queue_recent",
	               "SELECT ended_at - started_at FROM tickets WHERE site_id = ? AND ended_at > 0 AND "
	               "status = 'termine' AND started_at > 0 ORDER BY ended_at DESC LIMIT ?",
	               PARAMS(P_INT(site_id), P_INT((int64_t)max)));
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE;
	size_t k = 0;
	while (st && k < max && (step = db_step(st)) == DB_ROW)
		v[k++] = db_col_int(st, 0);
	if (st && step != DB_DONE && step != DB_ROW)
		rc = store_fail(s, "queue_recent", step, db_errmsg(c));
	if (st)
		db_done(st);
	db_release(s->db, c);
	if (rc == STORE_OK) {
		*out = v;
		*n = k;
	}
	return rc;
}

/* ---- Desk pauses ------------------------------------------------------- */

int store_desk_pause_start(store *s, store_desk_pause *p)
{
	int64_t now = p->started_at ? p->started_at : now_s();
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "desk_pause_start");
	if (rc == STORE_OK) {
		/* One pause at a time: a new one ends the one under way. */
		int work =
		    store_run(s, c, "desk_pause_start",
		              "UPDATE desk_pauses SET ended_at = ? WHERE site_id = ? AND adviser_id = ? AND "
		              "ended_at = 0",
		              PARAMS(P_INT(now), P_INT(p->site_id), P_INT(p->adviser_id)), NULL);
		int64_t id = 0;
		if (work >= 0)
			work = one_row(store_run(
			    s, c, "desk_pause_start",
			    "INSERT INTO desk_pauses (site_id, adviser_id, desk, reason, started_at) "
			    "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) "
			    "RETURNING id",
			    PARAMS(P_INT(p->site_id), P_INT(p->adviser_id), P_TEXT(p->desk),
			           P_TEXT(p->reason), P_INT(now), P_INT(p->site_id)),
			    &id));
		rc = store_tx_end(s, c, "desk_pause_start", work < 0 ? work : STORE_OK);
		if (rc == STORE_OK) {
			p->id = id;
			p->started_at = now;
			p->ended_at = 0;
		}
	}
	db_release(s->db, c);
	return rc;
}

int store_desk_pause_end(store *s, int64_t site_id, int64_t adviser_id, int64_t now)
{
	return store_once(
	    s, "desk_pause_end",
	    "UPDATE desk_pauses SET ended_at = ? WHERE site_id = ? AND adviser_id = ? AND ended_at = 0 "
	    "RETURNING id",
	    PARAMS(P_INT(now), P_INT(site_id), P_INT(adviser_id)), NULL, 1);
}

int store_desk_pauses_open(store *s, arena *a, int64_t site_id, store_desk_pause **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = sizeof(store_desk_pause)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "desk_pauses_open",
	                         "SELECT id, site_id, adviser_id, desk, reason, started_at, ended_at FROM "
	                         "desk_pauses WHERE site_id = ? AND ended_at = 0 ORDER BY started_at, id",
	                         PARAMS(P_INT(site_id)));
	int rc = st ? STORE_OK : STORE_ERROR, step = DB_DONE, oom = 0;
	while (st && (step = db_step(st)) == DB_ROW) {
		store_desk_pause *p = store_vec_push(&v);
		p->id = db_col_int(st, 0);
		p->site_id = db_col_int(st, 1);
		p->adviser_id = db_col_int(st, 2);
		p->desk = store_col_dup(a, st, 3, &oom);
		p->reason = store_col_dup(a, st, 4, &oom);
		p->started_at = db_col_int(st, 5);
		p->ended_at = db_col_int(st, 6);
	}
	if (st && step != DB_DONE)
		rc = store_fail(s, "desk_pauses_open", step, db_errmsg(c));
	if (oom)
		rc = store_fail(s, "desk_pauses_open", DB_ERROR, "arena full");
	if (st)
		db_done(st);
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "desk_pauses_open", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

int store_queue_desks_open(store *s, int64_t site_id, int64_t now, unsigned *desks)
{
	*desks = 1;
	int64_t n = 0;
	int rc =
	    store_once(s, "queue_desks_open",
	               "SELECT COUNT(DISTINCT adviser_id) FROM tickets WHERE site_id = ? AND adviser_id <> 0 "
	               "AND called_at >= ? AND adviser_id NOT IN (SELECT adviser_id FROM desk_pauses WHERE "
	               "site_id = ? AND ended_at = 0)",
	               PARAMS(P_INT(site_id), P_INT(now - 3600), P_INT(site_id)), &n, 0);
	if (rc == STORE_OK && n > 1)
		*desks = n > 1000 ? 1000 : (unsigned)n;
	return rc;
}

/* ---- Retention --------------------------------------------------------- */

int store_tickets_purge(store *s, int64_t before, int dry_run, int64_t *n)
{
	*n = 0;
	db_conn *c = db_acquire(s->db);
	int rc = dry_run ? STORE_OK : store_tx_begin(s, c, "purge_tickets");
	if (rc == STORE_OK && store_run(s, c, "purge_tickets",
	                                "SELECT COUNT(*) FROM tickets WHERE name <> '' AND arrived_at < ?",
	                                PARAMS(P_INT(before)), n) < 0)
		rc = STORE_ERROR;
	if (rc == STORE_OK && !dry_run && *n > 0 &&
	    store_run(s, c, "purge_tickets",
	              "UPDATE tickets SET name = '', updated_at = ? WHERE name <> '' AND arrived_at < ?",
	              PARAMS(P_INT(now_s()), P_INT(before)), NULL) < 0)
		rc = STORE_ERROR;
	if (!dry_run)
		rc = store_tx_end(s, c, "purge_tickets", rc);
	db_release(s->db, c);
	if (rc != STORE_OK)
		*n = 0;
	return rc;
}

int store_tickets_purge_text(store *s, int64_t before, int64_t *n)
{
	return store_tickets_purge(s, before, 0, n);
}
