/*
 * app_retention.c: the purge of personal data past its period, and the
 * server's thread that runs it once a day (docs/privacy.md).
 *
 * Each kind is purged in a transaction of its own (store_privacy.c), so
 * that a large first purge never holds the store's write lock for all of
 * them at once; a purge is idempotent, so one that stops half way is
 * finished by the next. The summary row in the audit journal holds counts
 * only.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/app_retention.h"
#include "store/store_queue.h"
#include "util/guichet_limits.h"
#include "store/store_notices.h"
#include "app/app_escalations.h"
#include "store/store_appointments.h"
#include "store/store_callbacks.h"

/* How long the thread sleeps at most before looking at the clock and the
 * store again: another server or the command may have purged meanwhile,
 * and the wall clock may have moved. */
#define RETENTION_CHECK_MS (3600 * 1000)

static const struct {
	const char *name, *done, *would;
} kinds[APP_RETENTION_KINDS] = {
    [APP_RETENTION_VISITORS] = {"visitors", "identities removed from visitors not seen since",
                                "identities to remove from visitors not seen since"},
    [APP_RETENTION_COMMENTS] = {"comments", "satisfaction comments removed, given before",
                                "satisfaction comments to remove, given before"},
    [APP_RETENTION_SESSIONS] = {"sessions", "expired sessions deleted, idle since",
                                "expired sessions to delete, idle since"},
    [APP_RETENTION_LOGIN_FAILURES] = {"login_failures", "login failures deleted, older than",
                                      "login failures to delete, older than"},
    [APP_RETENTION_AUDIT] = {"audit", "audit rows deleted, older than", "audit rows to delete, older than"},
    [APP_RETENTION_TICKETS] = {"tickets", "names removed from queue tickets issued before",
                               "names to remove from queue tickets issued before"},
    [APP_RETENTION_ESCALATIONS] = {"escalations", "texts and documents wiped from escalations closed before",
                                   "texts and documents to wipe from escalations closed before"},
    [APP_RETENTION_CALLBACKS] = {"callbacks", "names and numbers wiped from callbacks closed before",
                                 "names and numbers to wipe from callbacks closed before"},
};

const char *app_retention_kind(size_t kind)
{
	return kind < APP_RETENTION_KINDS ? kinds[kind].name : "";
}

const char *app_retention_effect(size_t kind, int dry_run)
{
	if (kind >= APP_RETENTION_KINDS)
		return "";
	return dry_run ? kinds[kind].would : kinds[kind].done;
}

int64_t app_retention_months_before(int64_t t, int months)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return t - (int64_t)months * 31 * 86400;
	tm.tm_year -= months / 12;
	tm.tm_mon -= months % 12;
	tm.tm_isdst = -1;
	time_t back = mktime(&tm);
	return back == (time_t)-1 ? t - (int64_t)months * 31 * 86400 : (int64_t)back;
}

/* The summary row: counts per kind, and the kind that failed if one did. */
static void journal(store *s, const app_retention_result *r, int64_t now, const char *origin, int failed)
{
	char detail[256];
	size_t len = 0;
	for (size_t i = 0; i < APP_RETENTION_KINDS && len < sizeof detail; i++)
		len += (size_t)snprintf(detail + len, sizeof detail - len, "%s%s=%lld", i ? " " : "",
		                        kinds[i].name, (long long)r->count[i]);
	if (failed >= 0 && len < sizeof detail)
		snprintf(detail + len, sizeof detail - len, " failed=%s", kinds[failed].name);
	store_audit e = {.at = now,
	                 .action = "delete",
	                 .object = "retention",
	                 .address = (char *)origin,
	                 .detail = detail};
	store_audit_add(s, &e);
}

int app_retention_run(store *s, const config *cfg, int64_t now, int dry_run, const char *origin,
                      app_retention_result *out)
{
	memset(out, 0, sizeof *out);
	int64_t *b = out->before, *n = out->count;
	b[APP_RETENTION_VISITORS] = app_retention_months_before(now, cfg->retention_visitors);
	b[APP_RETENTION_COMMENTS] = app_retention_months_before(now, cfg->retention_comments);
	b[APP_RETENTION_SESSIONS] = now - cfg->session_idle;
	b[APP_RETENTION_LOGIN_FAILURES] = now - LIMIT_LOGIN_FORGET_S;
	b[APP_RETENTION_AUDIT] = app_retention_months_before(now, cfg->retention_audit);
	b[APP_RETENTION_TICKETS] = now - LIMIT_TICKET_NAME_S;
	b[APP_RETENTION_ESCALATIONS] = app_retention_months_before(now, cfg->retention_escalations);
	b[APP_RETENTION_CALLBACKS] = now - (int64_t)cfg->retention_callbacks * 86400;

	int failed = -1;
	for (int k = 0; failed < 0 && k < APP_RETENTION_KINDS; k++) {
		int rc = STORE_ERROR;
		switch (k) {
		case APP_RETENTION_VISITORS:
			rc = store_purge_visitors(s, b[k], now, dry_run, &n[k]);
			break;
		case APP_RETENTION_COMMENTS:
			rc = store_purge_comments(s, b[k], now, dry_run, &n[k]);
			break;
		case APP_RETENTION_SESSIONS:
			/* A session ends when idle too long or too old, whichever
			 * comes first (auth.c). */
			rc = store_purge_sessions(s, b[k], now - cfg->session_absolute, dry_run, &n[k]);
			break;
		case APP_RETENTION_LOGIN_FAILURES:
			rc = store_purge_login_failures(s, b[k], dry_run, &n[k]);
			break;
		case APP_RETENTION_AUDIT:
			rc = store_purge_audit(s, b[k], dry_run, &n[k]);
			break;
		case APP_RETENTION_TICKETS:
			rc = store_tickets_purge(s, b[k], dry_run, &n[k]);
			break;
		case APP_RETENTION_ESCALATIONS:
			rc = app_escalation_purge(s, cfg, b[k], now, dry_run, &n[k]);
			break;
		case APP_RETENTION_CALLBACKS:
			rc = store_purge_callbacks(s, b[k], now, dry_run, &n[k]);
			break;
		}
		if (rc != STORE_OK)
			failed = k;
	}
	/* The appointments with the operators' experts: deleted past their
	 * period, and the person's telephone and e-mail wiped the day after
	 * (docs/appointments.md). Logged apart from the kinds above. */
	int64_t appt_deleted = 0, appt_wiped = 0;
	if (store_purge_appointments(s, app_retention_months_before(now, cfg->retention_appointments),
	                             now - 86400, now, dry_run, &appt_deleted, &appt_wiped) != STORE_OK)
		fprintf(stderr, "level=error msg=\"appointments purge failed\"\n");
	else if (appt_deleted || appt_wiped)
		fprintf(stderr, "level=info msg=\"appointments purge\" deleted=%lld contacts_wiped=%lld dry_run=%d\n",
		        (long long)appt_deleted, (long long)appt_wiped, dry_run);
	/* The notices of the sites, ended long ago: public information, not
	 * personal data, so neither counted nor journaled with the kinds
	 * above (docs/notices.md). */
	int64_t notices = 0;
	if (store_purge_notices(s, app_retention_months_before(now, LIMIT_NOTICES_KEEP_MONTHS), dry_run,
	                        &notices) != STORE_OK)
		fprintf(stderr, "level=error msg=\"notices purge failed\"\n");
	if (!dry_run) {
		journal(s, out, now, origin, failed);
		char when[24];
		snprintf(when, sizeof when, "%lld", (long long)now);
		store_setting_put(s, APP_RETENTION_LAST_RUN, when);
	}
	return failed < 0 ? 0 : -1;
}

/* ---- The daily purge of a server. */

struct app_retention {
	store *store;
	const config *cfg;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* signalled by app_retention_stop */
	int stop;
	pthread_t thread;
};

/* The time of the last purge; a store that never had one gets now. */
static int64_t last_run(store *s, int64_t now)
{
	arena *a = arena_new(1024);
	char *v = NULL;
	int64_t t = now;
	int rc = store_setting_get(s, a, APP_RETENTION_LAST_RUN, &v);
	if (rc == STORE_OK && v)
		parse_int64(v, 0, INT64_MAX, &t);
	else if (rc == STORE_NOT_FOUND) {
		char when[24];
		snprintf(when, sizeof when, "%lld", (long long)now);
		store_setting_put(s, APP_RETENTION_LAST_RUN, when);
	}
	arena_free(a);
	return t;
}

/* Waits ms on the monotonic clock or until stopped; 1 when stopping. */
static int wait_or_stop(struct app_retention *rt, int64_t ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += (time_t)(ms / 1000);
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&rt->lock);
	while (!rt->stop && pthread_cond_timedwait(&rt->wake, &rt->lock, &t) != ETIMEDOUT)
		;
	int stop = rt->stop;
	pthread_mutex_unlock(&rt->lock);
	return stop;
}

static void *retention_thread(void *arg)
{
	struct app_retention *rt = arg;
	for (;;) {
		int64_t now = now_s();
		int64_t due = last_run(rt->store, now) + LIMIT_RETENTION_EVERY_S;
		if (now >= due) {
			app_retention_result r;
			int rc = app_retention_run(rt->store, rt->cfg, now, 0, "serve", &r);
			fprintf(stderr,
			        "level=%s msg=\"retention purge\" visitors=%lld comments=%lld sessions=%lld "
			        "login_failures=%lld audit=%lld tickets=%lld escalations=%lld callbacks=%lld\n",
			        rc == 0 ? "info" : "error", (long long)r.count[APP_RETENTION_VISITORS],
			        (long long)r.count[APP_RETENTION_COMMENTS],
			        (long long)r.count[APP_RETENTION_SESSIONS],
			        (long long)r.count[APP_RETENTION_LOGIN_FAILURES],
			        (long long)r.count[APP_RETENTION_AUDIT], (long long)r.count[APP_RETENTION_TICKETS],
			        (long long)r.count[APP_RETENTION_ESCALATIONS],
			        (long long)r.count[APP_RETENTION_CALLBACKS]);
			/* A failed purge is tried again at the next check, not at once. */
			due = now + (rc == 0 ? LIMIT_RETENTION_EVERY_S : RETENTION_CHECK_MS / 1000);
		}
		int64_t ms = (due - now) * 1000;
		if (wait_or_stop(rt, ms < RETENTION_CHECK_MS ? ms : RETENTION_CHECK_MS))
			break;
	}
	return NULL;
}

int app_retention_start(struct app *app)
{
	struct app_retention *rt = xcalloc(1, sizeof *rt);
	pthread_condattr_t ca;
	rt->store = app->store;
	rt->cfg = app->cfg;
	pthread_mutex_init(&rt->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rt->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&rt->thread, NULL, retention_thread, rt) != 0) {
		pthread_cond_destroy(&rt->wake);
		pthread_mutex_destroy(&rt->lock);
		free(rt);
		return -1;
	}
	app->retention = rt;
	return 0;
}

void app_retention_stop(struct app *app)
{
	struct app_retention *rt = app->retention;
	if (!rt)
		return;
	/* A purge in progress finishes first: the join waits for it. */
	pthread_mutex_lock(&rt->lock);
	rt->stop = 1;
	pthread_cond_signal(&rt->wake);
	pthread_mutex_unlock(&rt->lock);
	pthread_join(rt->thread, NULL);
	pthread_cond_destroy(&rt->wake);
	pthread_mutex_destroy(&rt->lock);
	free(rt);
	app->retention = NULL;
}
