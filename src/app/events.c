/*
 * events.c: the live events of each site, in memory (events.h).
 *
 * One lock guards everything: the sites (a hash of rings), the id counter
 * and the watchers. Publishing is rare (a few events a minute per site) and
 * short, so one lock costs nothing; what must not happen under it is waking
 * the watchers, since a thousand screens may watch one site and each wake
 * resumes a connection. The publisher therefore takes a snapshot of the
 * site's watchers, marks each one busy, and calls them after releasing the
 * lock; events_unwatch waits (on a condition) until its watcher is no
 * longer busy, so that the caller may free what fn uses as soon as it
 * returns.
 *
 * Ids come from one counter for the whole server, set at start to the
 * clock in microseconds: they grow across restarts as long as fewer than a
 * million events a second are published, which is far more than a queue
 * makes. A reader whose last id is from before this start, or from the
 * future, is told it missed events, since its state cannot be trusted.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/events.h"
#include "util/util.h"

#define EVENTS_BUCKETS 256u

struct events_watcher {
	struct events_watcher *prev, *next; /* in the site's circular list */
	struct site *site;
	void (*fn)(void *arg);
	void *arg;
	unsigned busy; /* publishers that took it in their snapshot and have not released it */
	int gone;      /* unwatched: publishers no longer call it */
};

struct site {
	struct site *next; /* in its bucket */
	int64_t id;
	event *ring;        /* EVENTS_RING events once the site has one */
	uint64_t count;     /* events ever published: the next goes to ring[count % EVENTS_RING] */
	uint64_t dropped;   /* the id of the newest event overwritten, 0 for none */
	struct events_watcher watchers; /* sentinel */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t released = PTHREAD_COND_INITIALIZER;
static struct site *buckets[EVENTS_BUCKETS];
static uint64_t start_id;  /* the first id of this run */
static uint64_t next_id;   /* the id the next event gets */
static size_t nwatchers;
static uint64_t published;

static uint64_t clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Under the lock: the counter starts at the clock the first time it is
 * needed, so that a module publishing without events_init still works. */
static void counter_start(void)
{
	if (next_id)
		return;
	uint64_t now = clock_us();
	next_id = now > 1 ? now : 1;
	start_id = next_id;
}

static struct site **site_slot(int64_t site_id)
{
	uint64_t h = (uint64_t)site_id * 0x9E3779B97F4A7C15u;
	struct site **slot = &buckets[(h >> 32) % EVENTS_BUCKETS];
	while (*slot && (*slot)->id != site_id)
		slot = &(*slot)->next;
	return slot;
}

/* Under the lock: the site's record, created when create is set. */
static struct site *site_find(int64_t site_id, int create)
{
	struct site **slot = site_slot(site_id);
	if (*slot || !create)
		return *slot;
	struct site *s = xcalloc(1, sizeof(*s));
	s->id = site_id;
	s->watchers.next = s->watchers.prev = &s->watchers;
	*slot = s;
	return s;
}

int events_init(void)
{
	pthread_mutex_lock(&lock);
	counter_start();
	/* A later start (the tests start several servers in one process)
	 * keeps the counter growing. */
	uint64_t now = clock_us();
	if (now > next_id)
		next_id = now;
	start_id = next_id;
	pthread_mutex_unlock(&lock);
	return 0;
}

/* Frees the sites. Watchers still registered belong to their callers, who
 * must have unwatched before: the server stops its streams first. */
void events_shutdown(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < EVENTS_BUCKETS; i++) {
		struct site *s = buckets[i];
		while (s) {
			struct site *next = s->next;
			for (struct events_watcher *w = s->watchers.next; w != &s->watchers; w = w->next)
				w->site = NULL;
			free(s->ring);
			free(s);
			s = next;
		}
		buckets[i] = NULL;
	}
	pthread_mutex_unlock(&lock);
}

static int valid_text(const char *s, size_t max)
{
	if (!s)
		return 0;
	size_t n = strnlen(s, max);
	return n < max && !memchr(s, '\n', n) && !memchr(s, '\r', n);
}

uint64_t events_publish(int64_t site_id, const char *kind, const char *json)
{
	if (!kind || !*kind || !valid_text(kind, sizeof(((event *)0)->kind)) || !valid_text(json, EVENTS_DATA_MAX))
		return 0;

	pthread_mutex_lock(&lock);
	counter_start();
	struct site *s = site_find(site_id, 1);
	if (!s->ring)
		s->ring = xcalloc(EVENTS_RING, sizeof(event));
	event *e = &s->ring[s->count % EVENTS_RING];
	if (s->count >= EVENTS_RING)
		s->dropped = e->id;
	memset(e, 0, sizeof(*e));
	e->id = next_id++;
	e->site_id = site_id;
	e->at = now_s();
	strcpy(e->kind, kind);
	strcpy(e->data, json);
	s->count++;
	published++;
	uint64_t id = e->id;

	/* The snapshot of the watchers, each marked busy until released. */
	size_t n = 0;
	for (struct events_watcher *w = s->watchers.next; w != &s->watchers; w = w->next)
		n++;
	struct events_watcher **snap = n ? xmalloc(n * sizeof(*snap)) : NULL;
	n = 0;
	for (struct events_watcher *w = s->watchers.next; w != &s->watchers; w = w->next) {
		w->busy++;
		snap[n++] = w;
	}
	pthread_mutex_unlock(&lock);

	for (size_t i = 0; i < n; i++)
		snap[i]->fn(snap[i]->arg);

	if (n) {
		pthread_mutex_lock(&lock);
		int wake = 0;
		for (size_t i = 0; i < n; i++)
			if (--snap[i]->busy == 0 && snap[i]->gone)
				wake = 1;
		if (wake)
			pthread_cond_broadcast(&released);
		pthread_mutex_unlock(&lock);
		free(snap);
	}
	return id;
}

size_t events_since(int64_t site_id, uint64_t last_id, event *out, size_t max, int *missed)
{
	size_t n = 0;
	int lost = 0;
	pthread_mutex_lock(&lock);
	counter_start();
	/* An id from before this run, or one this run has not given yet, says
	 * nothing of what the reader saw. */
	if (last_id && (last_id < start_id || last_id >= next_id))
		lost = 1;
	struct site *s = site_find(site_id, 0);
	if (s && s->ring) {
		if (s->dropped && s->dropped > last_id)
			lost = 1;
		uint64_t kept = s->count < EVENTS_RING ? s->count : EVENTS_RING;
		for (uint64_t k = s->count - kept; k < s->count && n < max; k++) {
			const event *e = &s->ring[k % EVENTS_RING];
			if (e->id > last_id)
				out[n++] = *e;
		}
	}
	pthread_mutex_unlock(&lock);
	if (missed)
		*missed = lost;
	return n;
}

uint64_t events_last_id(int64_t site_id)
{
	uint64_t id = 0;
	pthread_mutex_lock(&lock);
	struct site *s = site_find(site_id, 0);
	if (s && s->count)
		id = s->ring[(s->count - 1) % EVENTS_RING].id;
	pthread_mutex_unlock(&lock);
	return id;
}

events_watcher *events_watch(int64_t site_id, void (*fn)(void *arg), void *arg)
{
	if (!fn)
		return NULL;
	events_watcher *w = xcalloc(1, sizeof(*w));
	w->fn = fn;
	w->arg = arg;
	pthread_mutex_lock(&lock);
	struct site *s = site_find(site_id, 1);
	w->site = s;
	w->prev = s->watchers.prev;
	w->next = &s->watchers;
	s->watchers.prev->next = w;
	s->watchers.prev = w;
	nwatchers++;
	pthread_mutex_unlock(&lock);
	return w;
}

void events_unwatch(events_watcher *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&lock);
	if (w->site) {
		w->prev->next = w->next;
		w->next->prev = w->prev;
	}
	w->gone = 1;
	nwatchers--;
	while (w->busy)
		pthread_cond_wait(&released, &lock);
	pthread_mutex_unlock(&lock);
	free(w);
}

size_t events_watchers(void)
{
	pthread_mutex_lock(&lock);
	size_t n = nwatchers;
	pthread_mutex_unlock(&lock);
	return n;
}

uint64_t events_published(void)
{
	pthread_mutex_lock(&lock);
	uint64_t n = published;
	pthread_mutex_unlock(&lock);
	return n;
}
