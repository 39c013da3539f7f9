/* test_events.c: the live events of the sites: catch-up, the missed flag,
 * the ring's overflow, watchers woken and unwatched, concurrent
 * publishers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "app/events.h"

/* Each test takes its own site ids, since the events live in the process. */
static int64_t next_site = 1000;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(events_init(), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	events_shutdown();
	return 0;
}

static void test_publish_and_catch_up(void **state)
{
	(void)state;
	int64_t site = next_site++;
	assert_int_equal(events_last_id(site), 0);

	uint64_t a = events_publish(site, "call", "{\"ticket\":\"A001\"}");
	uint64_t b = events_publish(site, "queue", "{}");
	uint64_t c = events_publish(site, "call", "{\"ticket\":\"A002\"}");
	assert_true(a > 0 && b > a && c > b);
	assert_int_equal(events_last_id(site), c);
	/* Ids start at the clock in microseconds: far above a small counter. */
	assert_true(a > 1000000000000000u);

	event out[8];
	int missed = -1;
	assert_int_equal(events_since(site, 0, out, 8, &missed), 3);
	assert_int_equal(missed, 0);
	assert_int_equal(out[0].id, a);
	assert_string_equal(out[0].kind, "call");
	assert_string_equal(out[0].data, "{\"ticket\":\"A001\"}");
	assert_int_equal(out[0].site_id, site);
	assert_true(out[0].at > 0);

	/* After a: b and c, oldest first. */
	assert_int_equal(events_since(site, a, out, 8, &missed), 2);
	assert_int_equal(missed, 0);
	assert_int_equal(out[0].id, b);
	assert_int_equal(out[1].id, c);
	/* At most max. */
	assert_int_equal(events_since(site, a, out, 1, &missed), 1);
	assert_int_equal(out[0].id, b);
	/* Up to date: nothing. */
	assert_int_equal(events_since(site, c, out, 8, &missed), 0);
	assert_int_equal(missed, 0);

	/* Another site sees none of them. */
	assert_int_equal(events_since(next_site++, 0, out, 8, &missed), 0);
}

static void test_refused(void **state)
{
	(void)state;
	int64_t site = next_site++;
	assert_int_equal(events_publish(site, "call", "{\"a\":\n1}"), 0);
	assert_int_equal(events_publish(site, "call", "{\"a\":\r1}"), 0);
	assert_int_equal(events_publish(site, "", "{}"), 0);
	assert_int_equal(events_publish(site, "a\nb", "{}"), 0);
	assert_int_equal(events_publish(site, "a-kind-far-too-long", "{}"), 0);
	assert_int_equal(events_publish(site, "call", NULL), 0);
	char big[EVENTS_DATA_MAX + 1];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(events_publish(site, "call", big), 0);
	big[EVENTS_DATA_MAX - 1] = '\0'; /* the longest that fits */
	assert_true(events_publish(site, "call", big) > 0);
	assert_int_equal(events_last_id(site) > 0, 1);
}

static void test_missed(void **state)
{
	(void)state;
	int64_t site = next_site++;
	uint64_t first = events_publish(site, "call", "{}");
	event out[EVENTS_RING];
	int missed = -1;

	/* An id from before this run (a server restarted meanwhile). */
	assert_int_equal(events_since(site, 12345, out, EVENTS_RING, &missed), 1);
	assert_int_equal(missed, 1);
	/* An id this run has not given yet. */
	events_since(site, first + 1000000000u, out, EVENTS_RING, &missed);
	assert_int_equal(missed, 1);
	/* A right one. */
	events_since(site, first, out, EVENTS_RING, &missed);
	assert_int_equal(missed, 0);
}

static void test_ring_overflow(void **state)
{
	(void)state;
	int64_t site = next_site++;
	uint64_t ids[EVENTS_RING + 10];
	char json[32];
	for (size_t i = 0; i < EVENTS_RING + 10; i++) {
		snprintf(json, sizeof json, "{\"n\":%zu}", i);
		ids[i] = events_publish(site, "queue", json);
		assert_true(ids[i] > 0);
	}
	event out[EVENTS_RING + 10];
	int missed = 0;
	/* The oldest ten were dropped: a reader that saw only the first missed
	 * some, and gets the kept ones, oldest first. */
	size_t n = events_since(site, ids[0], out, EVENTS_RING + 10, &missed);
	assert_int_equal(missed, 1);
	assert_int_equal(n, EVENTS_RING);
	assert_int_equal(out[0].id, ids[10]);
	assert_string_equal(out[0].data, "{\"n\":10}");
	assert_int_equal(out[n - 1].id, ids[EVENTS_RING + 9]);
	/* A reader that saw the last dropped one missed nothing. */
	n = events_since(site, ids[9], out, EVENTS_RING + 10, &missed);
	assert_int_equal(missed, 0);
	assert_int_equal(n, EVENTS_RING);
	n = events_since(site, ids[EVENTS_RING + 5], out, EVENTS_RING + 10, &missed);
	assert_int_equal(missed, 0);
	assert_int_equal(n, 4);
}

struct counter {
	atomic_int calls;
};

static void count_call(void *arg)
{
	struct counter *c = arg;
	atomic_fetch_add(&c->calls, 1);
}

static void test_watchers(void **state)
{
	(void)state;
	int64_t site = next_site++, other = next_site++;
	size_t before = events_watchers();
	struct counter a = {0}, b = {0}, c = {0};
	events_watcher *wa = events_watch(site, count_call, &a);
	events_watcher *wb = events_watch(site, count_call, &b);
	events_watcher *wc = events_watch(other, count_call, &c);
	assert_non_null(wa);
	assert_non_null(wb);
	assert_non_null(wc);
	assert_null(events_watch(site, NULL, NULL));
	assert_int_equal(events_watchers(), before + 3);

	uint64_t published = events_published();
	events_publish(site, "call", "{}");
	assert_int_equal(atomic_load(&a.calls), 1);
	assert_int_equal(atomic_load(&b.calls), 1);
	assert_int_equal(atomic_load(&c.calls), 0);
	assert_int_equal(events_published(), published + 1);

	events_unwatch(wa);
	assert_int_equal(events_watchers(), before + 2);
	events_publish(site, "call", "{}");
	assert_int_equal(atomic_load(&a.calls), 1);
	assert_int_equal(atomic_load(&b.calls), 2);
	events_unwatch(wb);
	events_unwatch(wc);
	events_unwatch(NULL);
	assert_int_equal(events_watchers(), before);
}

/* A watcher whose callback blocks until told: events_unwatch must wait for
 * it, and the publisher must not hold the lock while it runs. */
struct slow {
	pthread_mutex_t m;
	pthread_cond_t cv;
	int entered, release;
	int64_t site;
};

static void slow_call(void *arg)
{
	struct slow *s = arg;
	pthread_mutex_lock(&s->m);
	s->entered = 1;
	pthread_cond_broadcast(&s->cv);
	while (!s->release)
		pthread_cond_wait(&s->cv, &s->m);
	pthread_mutex_unlock(&s->m);
}

static void *publish_one(void *arg)
{
	struct slow *s = arg;
	events_publish(s->site, "call", "{}");
	return NULL;
}

struct unwatcher {
	events_watcher *w;
	atomic_int done;
};

static void *unwatch_one(void *arg)
{
	struct unwatcher *u = arg;
	events_unwatch(u->w);
	atomic_store(&u->done, 1);
	return NULL;
}

static void test_unwatch_waits_for_callback(void **state)
{
	(void)state;
	struct slow s = {.site = next_site++};
	pthread_mutex_init(&s.m, NULL);
	pthread_cond_init(&s.cv, NULL);
	struct unwatcher u = {0};
	u.w = events_watch(s.site, slow_call, &s);

	pthread_t pub, unw;
	assert_int_equal(pthread_create(&pub, NULL, publish_one, &s), 0);
	pthread_mutex_lock(&s.m);
	while (!s.entered)
		pthread_cond_wait(&s.cv, &s.m);
	pthread_mutex_unlock(&s.m);

	/* The callback runs: the lock is free for others meanwhile. */
	event out[4];
	int missed;
	assert_int_equal(events_since(s.site, 0, out, 4, &missed), 1);
	assert_true(events_published() > 0);

	assert_int_equal(pthread_create(&unw, NULL, unwatch_one, &u), 0);
	/* The unwatcher cannot finish while the callback runs; whatever the
	 * scheduling, done is still 0 here since release is not set. */
	assert_int_equal(atomic_load(&u.done), 0);
	pthread_mutex_lock(&s.m);
	s.release = 1;
	pthread_cond_broadcast(&s.cv);
	pthread_mutex_unlock(&s.m);
	pthread_join(pub, NULL);
	pthread_join(unw, NULL);
	assert_int_equal(atomic_load(&u.done), 1);
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.m);
}

#define PUBLISHERS 8
#define PER_PUBLISHER 500

struct publisher {
	int64_t site;
	uint64_t ids[PER_PUBLISHER];
};

static void *publish_many(void *arg)
{
	struct publisher *p = arg;
	for (size_t i = 0; i < PER_PUBLISHER; i++)
		p->ids[i] = events_publish(p->site, "queue", "{}");
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_concurrent_publishers(void **state)
{
	(void)state;
	int64_t site = next_site++;
	struct counter watched = {0};
	events_watcher *w = events_watch(site, count_call, &watched);
	static struct publisher pubs[PUBLISHERS];
	pthread_t th[PUBLISHERS];
	for (size_t i = 0; i < PUBLISHERS; i++) {
		/* Half on the watched site, half on others of their own. */
		pubs[i].site = i % 2 ? site : next_site++;
		assert_int_equal(pthread_create(&th[i], NULL, publish_many, &pubs[i]), 0);
	}
	for (size_t i = 0; i < PUBLISHERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&watched.calls), PUBLISHERS / 2 * PER_PUBLISHER);

	/* Every id given once, and each publisher's own ids growing. */
	static uint64_t all[PUBLISHERS * PER_PUBLISHER];
	size_t n = 0;
	for (size_t i = 0; i < PUBLISHERS; i++)
		for (size_t k = 0; k < PER_PUBLISHER; k++) {
			assert_true(pubs[i].ids[k] > 0);
			if (k)
				assert_true(pubs[i].ids[k] > pubs[i].ids[k - 1]);
			all[n++] = pubs[i].ids[k];
		}
	qsort(all, n, sizeof(all[0]), cmp_u64);
	for (size_t i = 1; i < n; i++)
		assert_true(all[i] > all[i - 1]);

	/* The ring holds the site's newest, in order. */
	event out[EVENTS_RING];
	int missed;
	size_t got = events_since(site, 0, out, EVENTS_RING, &missed);
	assert_int_equal(got, EVENTS_RING);
	assert_int_equal(missed, 1);
	for (size_t i = 1; i < got; i++)
		assert_true(out[i].id > out[i - 1].id);
	assert_int_equal(out[got - 1].id, events_last_id(site));
	events_unwatch(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_publish_and_catch_up, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ring_overflow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_watchers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unwatch_waits_for_callback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_publishers, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
