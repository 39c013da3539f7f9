/*
 * store_queue_report.h: the tickets a steering report measures the queue
 * by (report/report_queue.h): one fact per person who took a ticket in a
 * scope and period, read from the tickets table (sql/010_queue.sql).
 */
#ifndef GUICHET_STORE_QUEUE_REPORT_H
#define GUICHET_STORE_QUEUE_REPORT_H

#include "stats/stats.h"
#include "store/store.h"
#include "store/store_queue.h"

typedef struct store_queue_fact {
	int64_t wait;        /* called_at - arrived_at in seconds; -1 when never called */
	int hour;            /* local hour of arrival, 0..23 */
	const char *service; /* the service's label (the site's French text) */
	queue_status status;
	const char *lang; /* the person's language code */
	unsigned needs;   /* QUEUE_NEED_* */
} store_queue_fact;

/* Called once per fact; the strings hold only during the call. Non-zero
 * stops the reading (STORE_ERROR). */
typedef int (*store_queue_fact_fn)(void *ctx, const store_queue_fact *f);

/* The tickets of q's scope (site_ids, else departement, else region, else
 * every site) that arrived in [q->from_day, q->to_day] (local days). A
 * ticket a redirection created continues the person's first one and is
 * left out: each person counts once, with the wait before the first call.
 * The other filters of q do not apply to tickets. STORE_OK or STORE_ERROR. */
int store_queue_report_facts(store *s, const stats_query *q, store_queue_fact_fn fn, void *ctx);

#endif
