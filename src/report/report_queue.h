/*
 * report_queue.h: the queue measures of a steering report (docs/queue.md,
 * docs/reports.md). The tickets of the report's scope and period
 * (store_queue_report.h) are gathered, then become sections once there is
 * at least one ticket:
 *  queue               key figures: tickets issued, people called, the
 *                      share called within 15 minutes of arrival, the
 *                      no-show rate (absent / called), the median and 90th
 *                      percentile wait in minutes;
 *  queue_wait_by_hour  median (n) and 90th percentile (n2) wait by local
 *                      hour of arrival, hours with someone called;
 *  queue_wait_by_service  the same by service (its label);
 *  queue_by_language   tickets per language (counts);
 *  queue_by_need       tickets per stated need (counts, several per ticket).
 * A wait is called_at - arrived_at; the median of an even number of waits
 * is the mean of the two middle ones, the 90th percentile the nearest rank
 * (the smallest wait at or above 90 % of them); minutes are rounded.
 */
#ifndef GUICHET_REPORT_QUEUE_H
#define GUICHET_REPORT_QUEUE_H

#include "report/report.h"
#include "store/store_queue_report.h"

/* Waits at or below this many seconds count as "within 15 minutes". */
#define REPORT_QUEUE_QUICK_S (15 * 60)

typedef struct report_queue report_queue;

report_queue *report_queue_new(void);
void report_queue_free(report_queue *q);
/* Adds one ticket (copies its strings). 0, or -1 on no memory. */
int report_queue_add(report_queue *q, const store_queue_fact *f);
/* Adds the sections at the end of r; nothing when q holds no ticket.
 * label names languages (BD_LANGUAGE), as for report_build; may be NULL.
 * 0, or -1 on no memory. */
int report_queue_sections(report *r, const report_queue *q, report_label_fn label, void *label_ctx);
/* The median and 90th percentile of n waits in seconds (sorted in place),
 * in rounded minutes. Both 0 when n is 0. */
void report_queue_wait_stats(int64_t *waits, size_t n, int64_t *median_min, int64_t *p90_min);

/* Reads the tickets of q from s and adds their sections to r: -1 when the
 * store fails or memory runs out. */
int report_queue_add_from_store(report *r, store *s, const stats_query *q, report_label_fn label,
                                void *label_ctx);

#endif
