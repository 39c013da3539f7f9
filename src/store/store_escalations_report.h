/*
 * store_escalations_report.h: the escalations a steering report measures
 * the operators' answers by (report/report_escalations.h): one fact per
 * escalation sent in a scope and period, read from the escalations table
 * (sql/016_escalations.sql); and the counts of the appointments with the
 * operators' experts and of the callbacks (sql/019, sql/020) for
 * report/report_followup.h.
 */
#ifndef GUICHET_STORE_ESCALATIONS_REPORT_H
#define GUICHET_STORE_ESCALATIONS_REPORT_H

#include "stats/stats.h"
#include "store/store.h"

typedef struct store_escalation_fact {
	const char *operator_code;              /* whose back office holds it now */
	const char *operator_name;              /* the catalog's name, else the code */
	const char *departement;                /* the site's, when sent */
	int64_t sent_at;                        /* > 0: only sent escalations are facts */
	int64_t due_at, answered_at, closed_at; /* 0 when not (yet) */
	const char *useful;                     /* oui, ne_sait_pas, non; "" */
} store_escalation_fact;

/* Called once per fact; the strings hold only during the call. Non-zero
 * stops the reading (STORE_ERROR). */
typedef int (*store_escalation_fact_fn)(void *ctx, const store_escalation_fact *f);

/* The escalations of q's scope (site_ids, else departement, else region,
 * else every site) sent in [q->from_day, q->to_day] (local days), of
 * q->operator_code only when it is set (the other filters do not apply to
 * escalations). A redirected escalation counts once, for the operator that
 * holds it, from its latest sending. STORE_OK or STORE_ERROR. */
int store_escalation_report_facts(store *s, const stats_query *q, store_escalation_fact_fn fn, void *ctx);

/* The appointments and callbacks of a report (report/report_followup.h):
 * the appointments of q's scope whose time falls in the period, by status,
 * for the operator of their slot when q->operator_code is set; the
 * callbacks asked in the period (a cancelled one left out, an open one
 * counted once a day has passed since it was asked, at now), for their
 * operator when q->operator_code is set. */
typedef struct store_followup_counts {
	int64_t honoured, absent, excused, cancelled, upcoming; /* appointments */
	int64_t callbacks_within_day;                           /* done within 24 h of being asked */
	int64_t callbacks_later;                                /* done after 24 h */
	int64_t callbacks_unreachable;                          /* closed as unreachable */
	int64_t callbacks_open;                                 /* still to call, more than a day old */
} store_followup_counts;

int store_followup_report_counts(store *s, const stats_query *q, int64_t now, store_followup_counts *out);

#endif
