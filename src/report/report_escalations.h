/*
 * report_escalations.h: the measures of the escalations to the operators'
 * back offices in a steering report (docs/escalations.md, docs/reports.md).
 * The escalations sent in the report's scope and period
 * (store_escalations_report.h) are gathered, then become sections once
 * there is at least one:
 *  escalations             key figures: escalations sent, answered,
 *                          closed; the median and 90th percentile time to
 *                          the first answer and to closure, in days; the
 *                          share overdue;
 *  escalations_useful      the advisers' "was it useful?" at closing
 *                          (oui, ne_sait_pas, non: counts and shares);
 *  esc_answer_by_operator  median (n) and 90th percentile (n2) time to the
 *  esc_closure_by_operator first answer, to closure, per operator;
 *  esc_overdue_by_operator the share overdue per operator;
 *  esc_answer_by_departement, esc_closure_by_departement,
 *  esc_overdue_by_departement  the same per département.
 * A time runs from the sending (the latest, after a redirection) to the
 * first answer (answered_at) or to closure (closed_at). Durations are
 * REPORT_DAYS rows: tenths of a day. The median of an even number of times
 * is the mean of the two middle ones, the 90th percentile the nearest rank
 * (the smallest time at or above 90 % of them). An escalation is overdue
 * when its first answer came after its due date, or, without an answer,
 * when it was closed after its due date or is still open past it at the
 * time of the report.
 */
#ifndef GUICHET_REPORT_ESCALATIONS_H
#define GUICHET_REPORT_ESCALATIONS_H

#include "report/report.h"
#include "store/store_escalations_report.h"

typedef struct report_escalations report_escalations;

/* now: the time of the report, for the escalations still open. */
report_escalations *report_escalations_new(int64_t now);
void report_escalations_free(report_escalations *q);
/* Adds one escalation (copies its strings). 0, or -1 when f was not sent. */
int report_escalations_add(report_escalations *q, const store_escalation_fact *f);
/* Adds the sections at the end of r; nothing when q holds no escalation.
 * 0, or -1 on no memory. */
int report_escalations_sections(report *r, const report_escalations *q);

/* The median and 90th percentile of n durations in seconds (sorted in
 * place), in tenths of a day, rounded. Both 0 when n is 0. */
void report_escalations_days(int64_t *seconds, size_t n, int64_t *median, int64_t *p90);
/* 1 when f is overdue at now (see above). */
int report_escalations_overdue(const store_escalation_fact *f, int64_t now);

/* Reads the escalations of q from s and adds their sections to r: -1 when
 * the store fails or memory runs out. */
int report_escalations_add_from_store(report *r, store *s, const stats_query *q, int64_t now);

#endif
