/*
 * metrics.c: the counters behind /metrics, written in the Prometheus text
 * exposition format (version 0.0.4).
 *
 * Requests are counted by route pattern, never by path, so that the number of
 * series stays bounded whatever clients ask for. The route table has a fixed
 * capacity; should the application ever have more patterns than that, the
 * extra ones are counted together under route="other" rather than dropped.
 * One mutex guards everything: the critical sections are a few additions,
 * far cheaper than the request they count.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_mail.h"
#include "app/app_sync.h"
#include "app/events.h"
#include "app/metrics.h"
#include "util/speech.h"

#define METRICS_ROUTES 64       /* including the "other" slot */
#define METRICS_ROUTE_BYTES 128 /* longer patterns are truncated */
#define METRICS_STATUS_MIN 100
#define METRICS_STATUS_MAX 599

/* Upper bounds of the latency buckets, in microseconds; +Inf is implicit. */
static const int64_t bucket_us[] = {1000,   2500,   5000,   10000,   25000,  50000,
                                    100000, 250000, 500000, 1000000, 2500000};
static const char *const bucket_le[] = {".001", ".0025", ".005", ".01", ".025", ".05",
                                        ".1",   ".25",   ".5",   "1",   "2.5"};

struct route_stat {
	char route[METRICS_ROUTE_BYTES];
	/* Index 0 counts statuses outside 100–599, rendered as "other". */
	uint64_t status[METRICS_STATUS_MAX - METRICS_STATUS_MIN + 2];
	uint64_t bucket[COUNT(bucket_us) + 1]; /* not cumulative; last is +Inf */
	uint64_t count;
	uint64_t sum_us;
};

struct metrics {
	pthread_mutex_t lock;
	struct route_stat routes[METRICS_ROUTES];
	size_t nroutes;
	int64_t open_connections;
};

struct metrics *metrics_new(void)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	if (pthread_mutex_init(&m->lock, NULL) != 0)
		fatal("pthread_mutex_init failed");
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* Finds or adds the slot of a route; the caller holds the lock. A pattern
 * too long to keep whole is counted with the overflow, as "other". */
static struct route_stat *route_slot(struct metrics *m, const char *route)
{
	if (!route || !*route)
		route = "unmatched";
	size_t n = strlen(route);
	if (n < METRICS_ROUTE_BYTES) {
		for (size_t i = 0; i < m->nroutes; i++)
			if (strcmp(m->routes[i].route, route) == 0)
				return &m->routes[i];
		if (m->nroutes < METRICS_ROUTES - 1) {
			struct route_stat *s = &m->routes[m->nroutes++];
			memcpy(s->route, route, n + 1);
			return s;
		}
	}
	struct route_stat *other = &m->routes[METRICS_ROUTES - 1];
	if (!other->route[0])
		memcpy(other->route, "other", sizeof("other"));
	return other;
}

void metrics_request(struct metrics *m, const char *route, int status, int64_t duration_us)
{
	if (!m)
		return;
	if (duration_us < 0)
		duration_us = 0;
	size_t si = 0;
	if (status >= METRICS_STATUS_MIN && status <= METRICS_STATUS_MAX)
		si = (size_t)(status - METRICS_STATUS_MIN) + 1;
	size_t bi = 0;
	while (bi < COUNT(bucket_us) && duration_us > bucket_us[bi])
		bi++;

	pthread_mutex_lock(&m->lock);
	struct route_stat *s = route_slot(m, route);
	s->status[si]++;
	s->bucket[bi]++;
	s->count++;
	s->sum_us += (uint64_t)duration_us;
	pthread_mutex_unlock(&m->lock);
}

void metrics_connection(struct metrics *m, int delta)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->open_connections += delta;
	if (m->open_connections < 0)
		m->open_connections = 0;
	pthread_mutex_unlock(&m->lock);
}

/* A label value: backslash, double quote and newline are escaped, as the
 * exposition format requires. */
static void put_label(buf *out, const char *s)
{
	buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '\\')
			buf_puts(out, "\\\\");
		else if (*s == '"')
			buf_puts(out, "\\\"");
		else if (*s == '\n')
			buf_puts(out, "\\n");
		else
			buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

static void render_requests(const struct metrics *m, buf *out)
{
	buf_puts(out,
	         "# HELP guichet_http_requests_total HTTP requests answered, by route pattern and status.\n"
	         "# TYPE guichet_http_requests_total counter\n");
	for (size_t i = 0; i < METRICS_ROUTES; i++) {
		const struct route_stat *s = &m->routes[i];
		if (!s->route[0])
			continue;
		for (size_t k = 0; k < COUNT(s->status); k++) {
			if (!s->status[k])
				continue;
			buf_puts(out, "guichet_http_requests_total{route=");
			put_label(out, s->route);
			if (k == 0)
				buf_puts(out, ",status=\"other\"}");
			else
				buf_printf(out, ",status=\"%d\"}", (int)k - 1 + METRICS_STATUS_MIN);
			buf_printf(out, " %llu\n", (unsigned long long)s->status[k]);
		}
	}
}

static void render_durations(const struct metrics *m, buf *out)
{
	buf_puts(out, "# HELP guichet_http_request_duration_seconds Time taken to answer a request, by route "
	              "pattern.\n"
	              "# TYPE guichet_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < METRICS_ROUTES; i++) {
		const struct route_stat *s = &m->routes[i];
		if (!s->route[0])
			continue;
		uint64_t cumulative = 0;
		for (size_t b = 0; b < COUNT(s->bucket); b++) {
			cumulative += s->bucket[b];
			buf_puts(out, "guichet_http_request_duration_seconds_bucket{route=");
			put_label(out, s->route);
			buf_printf(out, ",le=\"%s\"} %llu\n", b < COUNT(bucket_le) ? bucket_le[b] : "+Inf",
			           (unsigned long long)cumulative);
		}
		buf_puts(out, "guichet_http_request_duration_seconds_sum{route=");
		put_label(out, s->route);
		buf_printf(out, "} %llu.%06llu\n", (unsigned long long)(s->sum_us / 1000000),
		           (unsigned long long)(s->sum_us % 1000000));
		buf_puts(out, "guichet_http_request_duration_seconds_count{route=");
		put_label(out, s->route);
		buf_printf(out, "} %llu\n", (unsigned long long)s->count);
	}
}

void metrics_render(struct metrics *m, buf *out, uint64_t store_errors)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	render_requests(m, out);
	render_durations(m, out);
	buf_printf(out,
	           "# HELP guichet_http_open_connections HTTP connections currently open.\n"
	           "# TYPE guichet_http_open_connections gauge\n"
	           "guichet_http_open_connections %lld\n",
	           (long long)m->open_connections);
	pthread_mutex_unlock(&m->lock);
	buf_printf(
	    out,
	    "# HELP guichet_store_errors_total Errors reported by the store since the server started.\n"
	    "# TYPE guichet_store_errors_total counter\n"
	    "guichet_store_errors_total %llu\n",
	    (unsigned long long)store_errors);
	unsigned long long runs, memory_hits, disk_hits;
	speech_cache_stats(&runs, &memory_hits, &disk_hits);
	buf_printf(out,
	           "# HELP guichet_speech_runs_total Runs of espeak-ng since the server started.\n"
	           "# TYPE guichet_speech_runs_total counter\n"
	           "guichet_speech_runs_total %llu\n"
	           "# HELP guichet_speech_cache_hits_total Speech answered from the cache, by where it was kept.\n"
	           "# TYPE guichet_speech_cache_hits_total counter\n"
	           "guichet_speech_cache_hits_total{from=\"memory\"} %llu\n"
	           "guichet_speech_cache_hits_total{from=\"disk\"} %llu\n",
	           runs, memory_hits, disk_hits);
	/* The live events (events.h): screens and phones connected, and what
	 * was published to them. */
	buf_printf(out,
	           "# HELP guichet_events_watchers Event streams (screens, phones, queue pages) connected.\n"
	           "# TYPE guichet_events_watchers gauge\n"
	           "guichet_events_watchers %zu\n"
	           "# HELP guichet_events_published_total Live events published since the server started.\n"
	           "# TYPE guichet_events_published_total counter\n"
	           "guichet_events_published_total %llu\n",
	           events_watchers(), (unsigned long long)events_published());
	/* The notifications' outbox (app_mail.h). */
	app_mail_metrics(out);
	/* Offline sync: changes waiting for the centre (app_sync.h). */
	app_sync_metrics(out, now_s());
}
