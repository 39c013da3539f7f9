/*
 * app_retention.h: the retention of personal data (docs/privacy.md). One
 * purge removes, for each kind of personal data, what is older than its
 * period (settings retention-*, sessions by their expiry, login failures
 * by the throttling window) and writes a summary row in the audit journal.
 * `guichet purge` runs one; `guichet serve` runs one a day in a thread.
 */
#ifndef GUICHET_APP_RETENTION_H
#define GUICHET_APP_RETENTION_H

#include <stddef.h>
#include <stdint.h>

#include "app/config.h"
#include "store/store.h"

struct app;

/* The kinds, in the order a purge handles them. */
enum {
	APP_RETENTION_VISITORS,
	APP_RETENTION_COMMENTS,
	APP_RETENTION_SESSIONS,
	APP_RETENTION_LOGIN_FAILURES,
	APP_RETENTION_AUDIT,
	APP_RETENTION_TICKETS, /* the names noted on the queue's tickets */
	APP_RETENTION_ESCALATIONS, /* texts and documents of closed escalations */
	APP_RETENTION_CALLBACKS,   /* name, number and reason of closed callbacks */
	APP_RETENTION_KINDS
};

/* The setting that holds the time of the last purge, shared by every
 * server of a store and by the command. */
#define APP_RETENTION_LAST_RUN "retention_last_run"

typedef struct app_retention_result {
	int64_t count[APP_RETENTION_KINDS];  /* rows removed, or that would be */
	int64_t before[APP_RETENTION_KINDS]; /* the cutoff of each kind */
} app_retention_result;

/* The kind's name ("visitors") and what the purge does to it, in English
 * for the command's output. */
const char *app_retention_kind(size_t kind);
const char *app_retention_effect(size_t kind, int dry_run);
/* The same local time months earlier (the 31st of a shorter month rolls
 * into the next one, as mktime does). */
int64_t app_retention_months_before(int64_t t, int months);
/* Runs one purge at time now with the periods of cfg; with dry_run nothing
 * is written, not even the audit row. origin ("cli", "serve") is the audit
 * row's address. 0, or -1 when a kind failed (the kinds before it are
 * purged, those after it are not tried; the audit row says so). */
int app_retention_run(store *s, const config *cfg, int64_t now, int dry_run, const char *origin,
                      app_retention_result *out);

/* The daily purge of a server: a thread that purges when the last purge
 * (any server's or the command's) is a day old. A store that never had
 * one counts from the thread's first start, so a new deployment is not
 * purged the moment it starts. 0, or -1 when the thread cannot start. */
int app_retention_start(struct app *app);
void app_retention_stop(struct app *app);

#endif
