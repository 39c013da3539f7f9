/*
 * app_stats.h: the statistics engine of a running server. serve loads it
 * at start (in the background: pages answer 503 "statistics are loading"
 * until it is ready) and a thread refreshes it about once a second; a
 * question refreshes it first when the last refresh is older than
 * APP_STATS_FRESH_MS, so a report always includes what was recorded
 * before it was asked.
 */
#ifndef GUICHET_APP_STATS_H
#define GUICHET_APP_STATS_H

#include "stats/stats.h"
#include "util/util.h"

struct app;

#define APP_STATS_FRESH_MS 0 /* every question sees every write that came before it */

/* Starts loading and the refresh thread; 0, or -1 when the thread cannot
 * start. */
int app_stats_start(struct app *app);
/* Stops the thread and frees the engine. */
void app_stats_stop(struct app *app);
/* The engine, refreshed as above; NULL while it loads or if loading
 * failed. The engine stays valid until app_stats_stop. */
stats_engine *app_stats_engine(struct app *app);
/* /readyz answers 503 when the figures are older than this. */
#define APP_READY_STATS_LAG_S 300.0
/* Seconds since the engine's figures were last brought up to date (its
 * load or its last refresh that worked); -1 while it loads. */
double app_stats_lag_seconds(struct app *app);
/* Writes the engine's figures in the Prometheus text format for /metrics:
 * whether it is loaded, rows held, memory, load and last refresh times. */
void app_stats_metrics(struct app *app, buf *out);
/* app_stats_engine then stats_engine_query; NULL when not ready or on error. */
stats_result *app_stats_query(struct app *app, const stats_query *q);

#endif
