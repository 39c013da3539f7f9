/*
 * app_stats.c: the statistics engine of a running server and the thread
 * that keeps it fresh.
 *
 * The thread loads the engine from the store (which may take seconds on a
 * national store, so the server answers meanwhile: the report pages say
 * the statistics are loading), then refreshes it about once a second. A
 * question refreshes it again first when the last refresh is older than
 * APP_STATS_FRESH_MS, so that a report always counts every visit recorded
 * before it was asked, without waiting for the thread.
 *
 * stats_engine_refresh must be called by one thread at a time: the
 * refresh mutex serialises the thread and the questions. The state (and
 * the stop flag the thread waits on) has its own mutex, so that a question
 * never waits for a load.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/app.h"
#include "app/app_stats.h"
#include "store/store_stats.h"

#define APP_STATS_PERIOD_MS 1000 /* the refresh thread's rhythm */
/* The snapshot is written again at most this often, when the figures
 * changed, and when the server stops: a restart then catches up with
 * minutes of changes, not with a whole store. */
#define APP_STATS_SNAPSHOT_S 600
/* How long a question waits for a load in progress before the page says
 * "loading": a small store loads in milliseconds, so the first report
 * after a restart answers without a detour through that page. */
#define APP_STATS_WAIT_MS 2000

enum app_stats_state { STATS_LOADING, STATS_READY, STATS_FAILED };

struct app_stats {
	store *store;
	char *snapshot;         /* path, or NULL for none */
	uint64_t saved_changes; /* the engine's changes when the snapshot was written */
	stats_engine *e; /* set once by the thread, under lock; freed by app_stats_stop */

	pthread_mutex_t lock; /* state, stop, e */
	pthread_cond_t wake;  /* signalled by app_stats_stop */
	pthread_cond_t ready; /* broadcast when the load ends, loaded or failed */
	enum app_stats_state state;
	int stop;

	pthread_mutex_t refresh; /* one stats_engine_refresh at a time; guards the two below */
	int64_t refreshed_us;    /* mono_us of the last refresh */
	_Atomic int64_t current_us; /* mono_us of the last refresh that worked (or of the load) */
	int failing;             /* the last refresh failed: logged once, not every second */

	pthread_t thread;
};

/* Refreshes e unless a refresh happened less than fresh_ms ago. A failure
 * (the database restarting) keeps the figures of the last refresh: they
 * are at most a few seconds old, and the next refresh catches up. */
static void refresh(struct app_stats *st, int64_t fresh_ms)
{
	pthread_mutex_lock(&st->refresh);
	int64_t now = mono_us();
	if (fresh_ms <= 0 || now - st->refreshed_us >= fresh_ms * 1000) {
		int rc = stats_engine_refresh(st->e);
		if (rc != 0 && !st->failing)
			fprintf(stderr,
			        "level=warn msg=\"statistics refresh failed, serving the last figures\"\n");
		else if (rc == 0 && st->failing)
			fprintf(stderr, "level=info msg=\"statistics refresh works again\"\n");
		st->failing = rc != 0;
		st->refreshed_us = mono_us();
		if (rc == 0)
			atomic_store(&st->current_us, st->refreshed_us);
	}
	pthread_mutex_unlock(&st->refresh);
}

/* Waits until the deadline or app_stats_stop; 1 when stopping. Called with
 * st->lock held. */
static int wait_or_stop(struct app_stats *st, const struct timespec *deadline)
{
	while (!st->stop) {
		int rc = pthread_cond_timedwait(&st->wake, &st->lock, deadline);
		if (rc == ETIMEDOUT)
			break;
	}
	return st->stop;
}

/* Writes the snapshot when the engine changed since it was last written. */
static void save_snapshot(struct app_stats *st)
{
	stats_engine_info info;
	stats_engine_info_get(st->e, &info);
	if (!st->snapshot || info.changes == st->saved_changes)
		return;
	if (store_stats_save(st->store, st->e, st->snapshot) == 0)
		st->saved_changes = info.changes;
}

static void *stats_thread(void *arg)
{
	struct app_stats *st = arg;
	int64_t t0 = mono_us();
	stats_engine *e = store_stats_open(st->store, 2, st->snapshot);

	st->refreshed_us = mono_us(); /* before the engine is published: nobody reads it yet */
	atomic_store(&st->current_us, st->refreshed_us);
	pthread_mutex_lock(&st->lock);
	st->e = e;
	st->state = e ? STATS_READY : STATS_FAILED;
	pthread_cond_broadcast(&st->ready);
	pthread_mutex_unlock(&st->lock);
	if (!e) {
		fprintf(stderr,
		        "level=error msg=\"statistics could not be loaded, reports are unavailable\"\n");
		return NULL;
	}
	stats_engine_info info;
	stats_engine_info_get(e, &info);
	fprintf(stderr,
	        "level=info msg=\"statistics loaded\" visits=%zu demands=%zu bytes=%zu load_ms=%lld "
	        "from=%s\n",
	        info.visits, info.demands, info.bytes, (long long)((mono_us() - t0) / 1000),
	        info.from_snapshot ? "snapshot" : "store");
	st->saved_changes = info.changes;
	int64_t saved_at = mono_us();

	/* The condition variable runs on the monotonic clock (see
	 * app_stats_start), so that a change of the wall clock neither stops
	 * nor hastens the refreshes. */
	struct timespec deadline;
	for (;;) {
		mono_deadline(&deadline, APP_STATS_PERIOD_MS);
		pthread_mutex_lock(&st->lock);
		int stop = wait_or_stop(st, &deadline);
		pthread_mutex_unlock(&st->lock);
		if (stop)
			break;
		refresh(st, APP_STATS_PERIOD_MS / 2);
		if (mono_us() - saved_at >= (int64_t)APP_STATS_SNAPSHOT_S * 1000000) {
			save_snapshot(st);
			saved_at = mono_us();
		}
	}
	save_snapshot(st);
	return NULL;
}

int app_stats_start(struct app *app)
{
	struct app_stats *st = xcalloc(1, sizeof *st);
	pthread_condattr_t ca;

	st->store = app->store;
	st->snapshot = app->cfg ? config_stats_snapshot(app->cfg) : NULL;
	st->state = STATS_LOADING;
	pthread_mutex_init(&st->lock, NULL);
	pthread_mutex_init(&st->refresh, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->wake, &ca);
	pthread_cond_init(&st->ready, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&st->thread, NULL, stats_thread, st) != 0) {
		pthread_cond_destroy(&st->ready);
		pthread_cond_destroy(&st->wake);
		pthread_mutex_destroy(&st->refresh);
		pthread_mutex_destroy(&st->lock);
		free(st->snapshot);
		free(st);
		return -1;
	}
	app->stats = st;
	return 0;
}

void app_stats_stop(struct app *app)
{
	struct app_stats *st = app->stats;

	if (!st)
		return;
	/* A load in progress cannot be interrupted: the join waits for it. */
	pthread_mutex_lock(&st->lock);
	st->stop = 1;
	pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->lock);
	pthread_join(st->thread, NULL);
	stats_engine_free(st->e);
	pthread_cond_destroy(&st->ready);
	pthread_cond_destroy(&st->wake);
	pthread_mutex_destroy(&st->refresh);
	pthread_mutex_destroy(&st->lock);
	free(st->snapshot);
	free(st);
	app->stats = NULL;
}

stats_engine *app_stats_engine(struct app *app)
{
	struct app_stats *st = app ? app->stats : NULL;

	if (!st)
		return NULL;
	pthread_mutex_lock(&st->lock);
	if (st->state == STATS_LOADING) {
		struct timespec deadline;
		mono_deadline(&deadline, APP_STATS_WAIT_MS);
		while (st->state == STATS_LOADING && !st->stop)
			if (pthread_cond_timedwait(&st->ready, &st->lock, &deadline) == ETIMEDOUT)
				break;
	}
	stats_engine *e = st->state == STATS_READY && !st->stop ? st->e : NULL;
	pthread_mutex_unlock(&st->lock);
	if (e)
		refresh(st, APP_STATS_FRESH_MS);
	return e;
}

stats_result *app_stats_query(struct app *app, const stats_query *q)
{
	stats_engine *e = app_stats_engine(app);
	return e ? stats_engine_query(e, q) : NULL;
}

double app_stats_lag_seconds(struct app *app)
{
	struct app_stats *st = app ? app->stats : NULL;
	if (!st || !app_stats_engine(app))
		return -1;
	return (double)(mono_us() - atomic_load(&st->current_us)) / 1e6;
}

void app_stats_metrics(struct app *app, buf *out)
{
	struct app_stats *st = app ? app->stats : NULL;
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	stats_engine *e = st->state == STATS_READY && !st->stop ? st->e : NULL;
	stats_engine_info info = {0};
	if (e)
		stats_engine_info_get(e, &info);
	pthread_mutex_unlock(&st->lock);
	buf_printf(out,
	           "# HELP guichet_stats_ready Whether the statistics engine is loaded.\n"
	           "# TYPE guichet_stats_ready gauge\n"
	           "guichet_stats_ready %d\n",
	           e != NULL);
	if (!e)
		return;
	buf_printf(out,
	           "# HELP guichet_stats_rows Live rows held by the statistics engine.\n"
	           "# TYPE guichet_stats_rows gauge\n"
	           "guichet_stats_rows{kind=\"visits\"} %zu\n"
	           "guichet_stats_rows{kind=\"demands\"} %zu\n"
	           "guichet_stats_rows{kind=\"delta_visits\"} %zu\n"
	           "# HELP guichet_stats_bytes Memory of the engine's columns and indexes.\n"
	           "# TYPE guichet_stats_bytes gauge\n"
	           "guichet_stats_bytes %zu\n"
	           "# HELP guichet_stats_bytes_per_demand The engine's memory divided by the demands it holds.\n"
	           "# TYPE guichet_stats_bytes_per_demand gauge\n"
	           "guichet_stats_bytes_per_demand %.2f\n"
	           "# HELP guichet_stats_from_snapshot Whether the engine was opened from its snapshot.\n"
	           "# TYPE guichet_stats_from_snapshot gauge\n"
	           "guichet_stats_from_snapshot %d\n"
	           "# HELP guichet_stats_load_seconds Time the engine took to load.\n"
	           "# TYPE guichet_stats_load_seconds gauge\n"
	           "guichet_stats_load_seconds %.3f\n"
	           "# HELP guichet_stats_refresh_seconds Time the last refresh took.\n"
	           "# TYPE guichet_stats_refresh_seconds gauge\n"
	           "guichet_stats_refresh_seconds %.6f\n"
	           "# HELP guichet_stats_lag_seconds How old the engine's figures are: time since the last "
	           "refresh that worked.\n"
	           "# TYPE guichet_stats_lag_seconds gauge\n"
	           "guichet_stats_lag_seconds %.3f\n",
	           info.visits, info.demands, info.delta_visits, info.bytes,
	           info.demands ? (double)info.bytes / (double)info.demands : 0.0, info.from_snapshot,
	           (double)info.load_us / 1e6,
	           (double)info.last_refresh_us / 1e6, (double)(mono_us() - atomic_load(&st->current_us)) / 1e6);
}
