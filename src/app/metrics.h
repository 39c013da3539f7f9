/*
 * metrics.h: counters for /metrics in the Prometheus text format: requests
 * by route and status, a latency histogram, open connections, store errors.
 */
#ifndef GUICHET_METRICS_H
#define GUICHET_METRICS_H

#include <stdint.h>

#include "util/util.h"

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
void metrics_request(struct metrics *m, const char *route, int status, int64_t duration_us);
void metrics_connection(struct metrics *m, int delta);
/* Writes the exposition text; store_errors is read from the store. */
void metrics_render(struct metrics *m, buf *out, uint64_t store_errors);

#endif
