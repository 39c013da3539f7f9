/*
 * store_queue_report.c: the facts of the queue measures of a report. The
 * SQL text is built from fixed fragments; values go as '?' parameters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_queue_report.h"
#include "store/store_impl.h"

#define QR_SQL_BYTES ((size_t)16 * 1024)
#define QR_MAX_SITES 1024

int store_queue_report_facts(store *s, const stats_query *q, store_queue_fact_fn fn, void *ctx)
{
	int64_t from, to;
	if (q->from_day < 0 || q->from_day > q->to_day || (q->site_ids && q->nsites > QR_MAX_SITES) ||
	    store_period_seconds(q->from_day, q->to_day, &from, &to) != 0)
		return STORE_ERROR;
	size_t np = 0, maxp = (q->site_ids ? q->nsites : 0) + 4;
	store_param *p = xcalloc(maxp, sizeof *p);
	buf sql;
	buf_init(&sql, QR_SQL_BYTES);
	buf_puts(&sql, "SELECT t.arrived_at, t.called_at, t.status, t.lang, t.needs, qs.label FROM tickets t"
	               " JOIN queue_services qs ON qs.id = t.service_id JOIN sites s ON s.id = t.site_id"
	               " LEFT JOIN departements dp ON dp.code = s.departement"
	               " WHERE t.redirected_from = 0 AND t.arrived_at >= ? AND t.arrived_at < ?");
	p[np++] = P_INT(from);
	p[np++] = P_INT(to);
	store_report_scope_sql(&sql, p, &np, q, "t.site_id", NULL);
	int rc = STORE_ERROR;
	if (!sql.overflow) {
		db_conn *c = db_acquire(s->db);
		db_stmt *st = store_prep(s, c, "queue_report_facts", sql.data, p, np);
		int step = DB_DONE;
		rc = st ? STORE_OK : STORE_ERROR;
		while (st && rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
			int64_t arrived = db_col_int(st, 0), called = db_col_int(st, 1);
			char hm[6];
			time_local_hm(arrived, hm);
			int status = store_queue_status_parse(db_col_text(st, 2));
			store_queue_fact f = {
			    .wait = called > 0 ? (called >= arrived ? called - arrived : 0) : -1,
			    .hour = (hm[0] - '0') * 10 + (hm[1] - '0'),
			    .service = db_col_text(st, 5),
			    .status = status >= 0 ? (queue_status)status : QUEUE_EMIS,
			    .lang = db_col_text(st, 3),
			    .needs = (unsigned)db_col_int(st, 4),
			};
			if (f.hour < 0 || f.hour > 23)
				f.hour = 0;
			if (fn(ctx, &f) != 0)
				rc = STORE_ERROR;
		}
		if (st && rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "queue_report_facts", step, db_errmsg(c));
		if (st)
			db_done(st);
		db_release(s->db, c);
	}
	buf_free(&sql);
	free(p);
	return rc;
}
