/* test_metrics.c: the Prometheus counters and their exposition text. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "app/metrics.h"

static char *render(struct metrics *m, uint64_t store_errors, buf *b)
{
	buf_init(b, 1u << 22);
	metrics_render(m, b, store_errors);
	assert_false(b->overflow);
	assert_non_null(b->data);
	return b->data;
}

static void test_render_basics(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	metrics_request(m, "/sites/{}", 200, 800);     /* 0.8 ms */
	metrics_request(m, "/sites/{}", 200, 3000);    /* 3 ms */
	metrics_request(m, "/sites/{}", 404, 3000000); /* 3 s: +Inf only */
	metrics_request(m, "unmatched", 404, 10);
	metrics_connection(m, 1);
	metrics_connection(m, 1);
	metrics_connection(m, -1);

	buf b;
	const char *t = render(m, 7, &b);
	assert_non_null(strstr(t, "# TYPE guichet_http_requests_total counter\n"));
	assert_non_null(strstr(t, "# HELP guichet_http_requests_total "));
	assert_non_null(strstr(t, "guichet_http_requests_total{route=\"/sites/{}\",status=\"200\"} 2\n"));
	assert_non_null(strstr(t, "guichet_http_requests_total{route=\"/sites/{}\",status=\"404\"} 1\n"));
	assert_non_null(strstr(t, "guichet_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"));
	assert_non_null(strstr(t, "# TYPE guichet_http_request_duration_seconds histogram\n"));
	assert_non_null(
	    strstr(t, "guichet_http_request_duration_seconds_bucket{route=\"/sites/{}\",le=\".001\"} 1\n"));
	assert_non_null(
	    strstr(t, "guichet_http_request_duration_seconds_bucket{route=\"/sites/{}\",le=\".0025\"} 1\n"));
	assert_non_null(
	    strstr(t, "guichet_http_request_duration_seconds_bucket{route=\"/sites/{}\",le=\".005\"} 2\n"));
	assert_non_null(
	    strstr(t, "guichet_http_request_duration_seconds_bucket{route=\"/sites/{}\",le=\"2.5\"} 2\n"));
	assert_non_null(
	    strstr(t, "guichet_http_request_duration_seconds_bucket{route=\"/sites/{}\",le=\"+Inf\"} 3\n"));
	assert_non_null(
	    strstr(t, "guichet_http_request_duration_seconds_sum{route=\"/sites/{}\"} 3.003800\n"));
	assert_non_null(strstr(t, "guichet_http_request_duration_seconds_count{route=\"/sites/{}\"} 3\n"));
	assert_non_null(
	    strstr(t, "# TYPE guichet_http_open_connections gauge\nguichet_http_open_connections 1\n"));
	assert_non_null(
	    strstr(t, "# TYPE guichet_store_errors_total counter\nguichet_store_errors_total 7\n"));
	/* Every line ends with a newline, and the text with one too. */
	assert_int_equal(t[b.len - 1], '\n');
	buf_free(&b);
	metrics_free(m);
}

static void test_bucket_bounds(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	/* A duration equal to a bound belongs to that bucket (le = "less or equal"). */
	metrics_request(m, "/", 200, 1000);
	metrics_request(m, "/", 200, 1001);
	buf b;
	const char *t = render(m, 0, &b);
	assert_non_null(strstr(t, "_bucket{route=\"/\",le=\".001\"} 1\n"));
	assert_non_null(strstr(t, "_bucket{route=\"/\",le=\".0025\"} 2\n"));
	buf_free(&b);
	metrics_free(m);
}

static void test_route_overflow(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	char name[32];
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/r%d", i);
		metrics_request(m, name, 200, 1);
	}
	char longname[400];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	metrics_request(m, longname, 200, 1);

	buf b;
	const char *t = render(m, 0, &b);
	assert_non_null(strstr(t, "route=\"/r0\",status=\"200\"} 1\n"));
	assert_null(strstr(t, "route=\"/r199\""));
	assert_null(strstr(t, "aaaaaaaaaaaaaaaaaaaa"));
	/* 63 named slots; the other 137 + 1 routes are counted as "other". */
	assert_non_null(strstr(t, "route=\"other\",status=\"200\"} 138\n"));
	buf_free(&b);
	metrics_free(m);
}

static void test_label_escaping(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	metrics_request(m, "/a\"b\\c\nd", 999, 1);
	metrics_request(m, NULL, 200, -5);
	buf b;
	const char *t = render(m, 0, &b);
	assert_non_null(strstr(t, "route=\"/a\\\"b\\\\c\\nd\",status=\"other\"} 1\n"));
	assert_non_null(strstr(t, "route=\"unmatched\",status=\"200\"} 1\n"));
	buf_free(&b);
	metrics_free(m);

	/* A NULL metrics is allowed: the HTTP layer runs without one in tests. */
	metrics_request(NULL, "/", 200, 1);
	metrics_connection(NULL, 1);
	metrics_free(NULL);
}

#define THREADS 8
#define PER_THREAD 10000

static void *hammer(void *arg)
{
	struct metrics *m = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		metrics_request(m, i % 2 ? "/odd" : "/even", 200, i);
		metrics_connection(m, 1);
		metrics_connection(m, -1);
	}
	return NULL;
}

static void test_concurrency(void **state)
{
	(void)state;
	struct metrics *m = metrics_new();
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, m), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	buf b;
	const char *text = render(m, 0, &b);
	char want[128];
	snprintf(want, sizeof(want), "route=\"/odd\",status=\"200\"} %d\n", THREADS * PER_THREAD / 2);
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof(want), "_count{route=\"/even\"} %d\n", THREADS * PER_THREAD / 2);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "guichet_http_open_connections 0\n"));
	buf_free(&b);
	metrics_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_render_basics),  cmocka_unit_test(test_bucket_bounds),
	    cmocka_unit_test(test_route_overflow), cmocka_unit_test(test_label_escaping),
	    cmocka_unit_test(test_concurrency),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
