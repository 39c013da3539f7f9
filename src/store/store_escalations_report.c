/*
 * store_escalations_report.c: the facts of the escalation measures of a
 * report. The SQL text is built from fixed fragments; values go as '?'
 * parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_escalations_report.h"
#include "store/store_impl.h"

#define ER_SQL_BYTES ((size_t)16 * 1024)
#define ER_MAX_SITES 1024

int store_escalation_report_facts(store *s, const stats_query *q, store_escalation_fact_fn fn, void *ctx)
{
	int64_t from, to;
	if (q->from_day < 0 || q->from_day > q->to_day || (q->site_ids && q->nsites > ER_MAX_SITES) ||
	    store_period_seconds(q->from_day, q->to_day, &from, &to) != 0)
		return STORE_ERROR;
	size_t np = 0, maxp = (q->site_ids ? q->nsites : 0) + 5;
	store_param *p = xcalloc(maxp, sizeof *p);
	buf sql;
	buf_init(&sql, ER_SQL_BYTES);
	buf_puts(&sql, "SELECT e.operator_code, COALESCE(o.name, e.operator_code), e.departement, e.sent_at,"
	               " e.due_at, e.answered_at, e.closed_at, e.useful FROM escalations e"
	               " JOIN sites s ON s.id = e.site_id LEFT JOIN operators o ON o.code = e.operator_code"
	               " LEFT JOIN departements dp ON dp.code = s.departement"
	               " WHERE e.sent_at > 0 AND e.sent_at >= ? AND e.sent_at < ?");
	p[np++] = P_INT(from);
	p[np++] = P_INT(to);
	store_report_scope_sql(&sql, p, &np, q, "e.site_id", "e.operator_code");
	int rc = STORE_ERROR;
	if (!sql.overflow) {
		db_conn *c = db_acquire(s->db);
		db_stmt *st = store_prep(s, c, "escalation_report_facts", sql.data, p, np);
		int step = DB_DONE;
		rc = st ? STORE_OK : STORE_ERROR;
		while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
			store_escalation_fact f = {
			    .operator_code = db_col_text(st, 0),
			    .operator_name = db_col_text(st, 1),
			    .departement = db_col_text(st, 2),
			    .sent_at = db_col_int(st, 3),
			    .due_at = db_col_int(st, 4),
			    .answered_at = db_col_int(st, 5),
			    .closed_at = db_col_int(st, 6),
			    .useful = db_col_text(st, 7),
			};
			if (fn(ctx, &f) != 0)
				rc = STORE_ERROR;
		}
		if (st && rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "escalation_report_facts", step, db_errmsg(c));
		if (st)
			db_done(st);
		db_release(s->db, c);
	}
	buf_free(&sql);
	free(p);
	return rc;
}

/* One row of counts from sql (built by the caller up to its WHERE), with
 * the scope of q added and the period's bounds as its first parameters. */
static int counts_query(store *s, const char *name, buf *sql, store_param *p, size_t np, int64_t *out,
                        size_t nout)
{
	if (sql->overflow)
		return STORE_ERROR;
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, name, sql->data, p, np);
	int rc = st ? STORE_OK : STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			for (size_t i = 0; i < nout; i++)
				out[i] = db_col_int(st, (int)i);
		else
			rc = store_fail(s, name, step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_followup_report_counts(store *s, const stats_query *q, int64_t now, store_followup_counts *out)
{
	memset(out, 0, sizeof *out);
	int64_t from, to;
	if (q->from_day < 0 || q->from_day > q->to_day || (q->site_ids && q->nsites > ER_MAX_SITES) ||
	    store_period_seconds(q->from_day, q->to_day, &from, &to) != 0)
		return STORE_ERROR;
	size_t maxp = (q->site_ids ? q->nsites : 0) + 6;
	store_param *p = xcalloc(maxp, sizeof *p);
	buf sql;
	buf_init(&sql, ER_SQL_BYTES);
	size_t np = 0;
	buf_puts(&sql,
	         "SELECT COALESCE(SUM(CASE WHEN a.status = 'honore' THEN 1 ELSE 0 END), 0),"
	         " COALESCE(SUM(CASE WHEN a.status = 'absent' THEN 1 ELSE 0 END), 0),"
	         " COALESCE(SUM(CASE WHEN a.status = 'excuse' THEN 1 ELSE 0 END), 0),"
	         " COALESCE(SUM(CASE WHEN a.status = 'annule' THEN 1 ELSE 0 END), 0),"
	         " COALESCE(SUM(CASE WHEN a.status = 'a_venir' THEN 1 ELSE 0 END), 0)"
	         " FROM appointments a JOIN appointment_slots sl ON sl.id = a.slot_id"
	         " JOIN sites s ON s.id = a.site_id LEFT JOIN departements dp ON dp.code = s.departement"
	         " WHERE a.starts_at >= ? AND a.starts_at < ?");
	p[np++] = P_INT(from);
	p[np++] = P_INT(to);
	store_report_scope_sql(&sql, p, &np, q, "a.site_id", "sl.operator_code");
	int64_t appt[5];
	int rc = counts_query(s, "followup_appointments", &sql, p, np, appt, 5);
	if (rc == STORE_OK) {
		out->honoured = appt[0];
		out->absent = appt[1];
		out->excused = appt[2];
		out->cancelled = appt[3];
		out->upcoming = appt[4];
	}
	buf_free(&sql);
	buf_init(&sql, ER_SQL_BYTES);
	np = 0;
	/* A callback counts once a day has passed since it was asked, or
	 * once closed; a cancelled one never. */
	buf_puts(&sql,
	         "SELECT COALESCE(SUM(CASE WHEN c.status = 'fait' AND c.closed_at - c.created_at <= 86400"
	         " THEN 1 ELSE 0 END), 0),"
	         " COALESCE(SUM(CASE WHEN c.status = 'fait' AND c.closed_at - c.created_at > 86400"
	         " THEN 1 ELSE 0 END), 0),"
	         " COALESCE(SUM(CASE WHEN c.status = 'injoignable' THEN 1 ELSE 0 END), 0),"
	         " COALESCE(SUM(CASE WHEN c.status IN ('a_rappeler', 'pris') THEN 1 ELSE 0 END), 0)"
	         " FROM callbacks c JOIN sites s ON s.id = c.site_id"
	         " LEFT JOIN departements dp ON dp.code = s.departement"
	         " WHERE c.created_at >= ? AND c.created_at < ? AND c.status <> 'annule'"
	         " AND (c.closed_at > 0 OR c.created_at <= ?)");
	p[np++] = P_INT(from);
	p[np++] = P_INT(to);
	p[np++] = P_INT(now - 86400);
	store_report_scope_sql(&sql, p, &np, q, "c.site_id", "c.operator_code");
	int64_t cb[4];
	if (rc == STORE_OK && (rc = counts_query(s, "followup_callbacks", &sql, p, np, cb, 4)) == STORE_OK) {
		out->callbacks_within_day = cb[0];
		out->callbacks_later = cb[1];
		out->callbacks_unreachable = cb[2];
		out->callbacks_open = cb[3];
	}
	buf_free(&sql);
	free(p);
	return rc;
}
