/* app_stats.c: the server's statistics engine (being written). */
#include <stddef.h>

#include "app.h"
#include "app_stats.h"

int app_stats_start(struct app *app) { (void)app; return 0; }
void app_stats_stop(struct app *app) { (void)app; }
stats_engine *app_stats_engine(struct app *app) { (void)app; return NULL; }
stats_result *app_stats_query(struct app *app, const stats_query *q) { (void)app; (void)q; return NULL; }
