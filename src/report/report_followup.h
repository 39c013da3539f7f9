/*
 * report_followup.h: what happens after the desk in a steering report
 * (docs/reports.md): the appointments with the operators' experts and the
 * callbacks, from store_followup_report_counts. Two sections, each only
 * when it has something to count:
 *  appointments  honoured, no-shows, excused by the person, cancelled by
 *                the service, still to come (counts), and the share
 *                honoured among those that took place or should have
 *                (honoured / (honoured + no-shows));
 *  callbacks     done within a day, done later, unreachable, still open
 *                after a day (counts), and the share done within a day of
 *                all of them.
 * The rates keep their base, so that report_mask hides a rate computed
 * from fewer than 5.
 */
#ifndef GUICHET_REPORT_FOLLOWUP_H
#define GUICHET_REPORT_FOLLOWUP_H

#include "report/report.h"
#include "store/store_escalations_report.h"

/* Adds the sections at the end of r. 0, or -1 on no memory. */
int report_followup_sections(report *r, const store_followup_counts *c);

/* Reads the counts of q at now from s and adds the sections: -1 when the
 * store fails or memory runs out. */
int report_followup_add_from_store(report *r, store *s, const stats_query *q, int64_t now);

#endif
