/*
 * events.h: the live events of each site (a ticket called, the queue
 * changed, the notices changed), kept in memory for the public screen, the
 * phone pages and the advisers' queue page, which receive them as
 * Server-Sent Events.
 *
 * Each site keeps its last EVENTS_RING events in a ring, so that a screen
 * that reconnects with Last-Event-ID catches up with what it missed. Event
 * ids grow across the whole server and start above the previous run's (the
 * clock in microseconds at start), so an id from before a restart is never
 * taken for a newer one. Events carry no personal data: ticket labels,
 * desks, languages and ids only. Thread-safe.
 */
#ifndef GUICHET_EVENTS_H
#define GUICHET_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#define EVENTS_RING 64
#define EVENTS_DATA_MAX 1024

typedef struct event {
	uint64_t id;
	int64_t site_id;
	int64_t at;     /* unix seconds */
	char kind[16];  /* "call", "queue", "ticket", "notices" */
	char data[EVENTS_DATA_MAX]; /* one JSON object, no newline */
} event;

int events_init(void);
void events_shutdown(void);

/* Publishes an event of a site and wakes its watchers; the id given, 0 when
 * data is too long or has a newline. */
uint64_t events_publish(int64_t site_id, const char *kind, const char *json);

/* Copies into out (at most max) the site's events with an id above
 * last_id, oldest first; the number copied. *missed is set when events
 * after last_id were already dropped from the ring (the reader should
 * reload instead of trusting the stream). */
size_t events_since(int64_t site_id, uint64_t last_id, event *out, size_t max, int *missed);

/* The id of the site's newest event, 0 when none. */
uint64_t events_last_id(int64_t site_id);

/* A watcher: fn(arg) is called, from the publishing thread and without the
 * events lock held, each time the site gets a new event. fn must be short
 * (it resumes a suspended connection). events_unwatch returns only when fn
 * is no longer running for this watcher. */
typedef struct events_watcher events_watcher;
events_watcher *events_watch(int64_t site_id, void (*fn)(void *arg), void *arg);
void events_unwatch(events_watcher *w);

/* Counts for /metrics: watchers connected, events published. */
size_t events_watchers(void);
uint64_t events_published(void);

#endif
