/*
 * app_mail.c: the notifications of a running server: app_notify, which
 * writes what an event means for an account, and the thread that sends the
 * outbox, gathers the digests and forgets old messages (docs/mail.md).
 *
 * At most once: a message is claimed ("sending") before it is sent, and the
 * moment its whole text is handed to the SMTP server is recorded before the
 * final dot. A worker that stops before that moment leaves a message the
 * server cannot have accepted: it is sent again. A worker that stops after
 * it leaves a message that may have been accepted: it is marked "unknown"
 * and never sent again, so that nobody gets the same message twice; the
 * admin page shows it. A refusal or a broken connection before that moment
 * is tried again later, waiting twice as long each time, up to
 * LIMIT_MAIL_ATTEMPTS attempts.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/app_mail.h"
#include "store/store_mail.h"
#include "util/guichet_limits.h"

/* How long the thread sleeps at most before looking at the store again:
 * another server may have written messages meanwhile. */
#define MAIL_CHECK_MS (30 * 1000)
/* Accounts whose digests one pass gathers at most. */
#define MAIL_DIGEST_USERS 256
/* Messages one pass sends at most before looking at the clock again. */
#define MAIL_PASS_MESSAGES 200

/* The outbox's counts for /metrics, as the last pass read them. */
static _Atomic int64_t counted_waiting, counted_failed, counted_digest;
static _Atomic uint64_t sent_total;

struct app_mail {
	struct app *app;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop, woken;
	pthread_t thread;
};

int app_mail_configured(const config *cfg)
{
	return cfg && cfg->smtp_url && *cfg->smtp_url && cfg->smtp_from && *cfg->smtp_from;
}

void app_mail_smtp(const config *cfg, smtp_config *out)
{
	*out = (smtp_config){.url = cfg->smtp_url,
	                     .user = cfg->smtp_user,
	                     .password = cfg->smtp_password,
	                     .from = cfg->smtp_from,
	                     .ca_file = cfg->smtp_ca_file,
	                     .tls = (enum smtp_tls)cfg->smtp_starttls,
	                     .timeout_s = cfg->smtp_timeout};
}

static void wake(struct app_mail *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->woken = 1;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
}

int app_notify(struct app *app, mail_event event, int64_t user_id, const char *link_path)
{
	const char *code = mail_event_code(event);
	if (!code || user_id <= 0 || (link_path && *link_path && !mail_link_valid(link_path))) {
		fprintf(stderr, "level=error msg=\"notification refused\" event=%s\n",
		        code ? code : "unknown");
		return -1;
	}
	if (!app_mail_configured(app->cfg))
		return 0;
	char chosen[16];
	int d = -1;
	int rc = store_mail_choice_get(app->store, user_id, code, chosen, sizeof chosen);
	if (rc == STORE_OK)
		d = mail_delivery_parse(chosen);
	else if (rc != STORE_NOT_FOUND)
		return -1;
	if (d < 0)
		d = mail_delivery_default(event);
	if (d == MAIL_NEVER)
		return 0;
	int64_t now = now_s(), message = 0;
	int64_t due = d == MAIL_IMMEDIATE ? 0 : mail_digest_due((mail_delivery)d, now);
	rc = store_mail_enqueue(app->store, user_id, code, link_path ? link_path : "", now, due, &message);
	if (rc != STORE_OK) {
		fprintf(stderr, "level=error msg=\"notification not recorded\" event=%s user=%lld\n", code,
		        (long long)user_id);
		return -1;
	}
	/* A message to send, or an event for a digest to count: the thread
	 * looks at once. */
	wake(app->mail);
	return 0;
}

/* ---- Sending one message. */

struct handed {
	store *store;
	int64_t id;
};

static void on_handed(void *arg)
{
	struct handed *h = arg;
	store_mail_handed(h->store, h->id, now_s());
}

/* The reason of a failure for the outbox: a reply code, or libcurl's
 * words; never an address. */
static void failure_text(const smtp_result *r, char *out, size_t len)
{
	if (r->code >= 400)
		snprintf(out, len, "smtp %ld", r->code);
	else
		snprintf(out, len, "%s", r->error);
}

static void send_one(const config *cfg, store *s, int64_t id)
{
	arena *a = arena_new((size_t)256 * 1024);
	store_mail_message m;
	if (store_mail_message_get(s, a, id, &m) != STORE_OK) {
		arena_free(a);
		return;
	}
	if (!m.active || !smtp_address_valid(m.email)) {
		store_mail_give_up(s, id, STORE_MAIL_FAILED, "account disabled or without a valid address");
		arena_free(a);
		return;
	}
	const lang *l = i18n_find(m.lang);
	mail_line *lines = arena_alloc(a, (m.nitems ? m.nitems : 1) * sizeof *lines);
	size_t n = 0;
	for (size_t i = 0; lines && i < m.nitems; i++) {
		int e = mail_event_parse(m.items[i].event);
		if (e >= 0)
			lines[n++] = (mail_line){(mail_event)e, m.items[i].link, m.items[i].created_at};
	}
	mail_message msg = {.lang = l ? l : i18n_default(),
	                    .from = cfg->smtp_from,
	                    .to = m.email,
	                    .public_url = cfg->public_url,
	                    .digest = strcmp(m.kind, MAIL_DIGEST) == 0,
	                    .lines = lines,
	                    .nlines = n,
	                    .id = id,
	                    .now = now_s()};
	buf text;
	buf_init(&text, (size_t)512 * 1024);
	if (n == 0 || mail_compose(&msg, &text) != 0) {
		store_mail_give_up(s, id, STORE_MAIL_FAILED, "nothing to send");
		buf_free(&text);
		arena_free(a);
		return;
	}
	smtp_config sc;
	app_mail_smtp(cfg, &sc);
	struct handed h = {s, id};
	smtp_result r;
	smtp_send(&sc, m.email, text.data, text.len, on_handed, &h, &r);
	char why[200];
	failure_text(&r, why, sizeof why);
	const char *outcome;
	switch (r.status) {
	case SMTP_SENT:
		store_mail_sent(s, id, now_s());
		atomic_fetch_add(&sent_total, 1);
		outcome = "sent";
		break;
	case SMTP_UNCERTAIN:
		store_mail_give_up(s, id, STORE_MAIL_UNKNOWN, "no answer after the text was handed over");
		outcome = "unknown";
		break;
	case SMTP_PERMANENT:
		store_mail_give_up(s, id, STORE_MAIL_FAILED, why);
		outcome = "refused";
		break;
	default:
		if (m.attempts >= LIMIT_MAIL_ATTEMPTS) {
			store_mail_give_up(s, id, STORE_MAIL_FAILED, why);
			outcome = "given up";
		} else {
			/* The claim counted this attempt already. */
			store_mail_retry(s, id, mail_retry_at(now_s(), m.attempts, cfg->smtp_retry), why);
			outcome = "will retry";
		}
	}
	fprintf(stderr, "level=%s msg=\"mail %s\" id=%lld kind=%s attempt=%lld reason=\"%s\"\n",
	        r.status == SMTP_SENT ? "info" : "warn", outcome, (long long)id, m.kind,
	        (long long)m.attempts, r.status == SMTP_SENT ? "" : why);
	buf_free(&text);
	arena_free(a);
}

/* ---- The thread. */

static void count_outbox(store *s)
{
	store_mail_counts c;
	if (store_mail_count(s, &c) != STORE_OK)
		return;
	atomic_store(&counted_waiting, c.waiting);
	atomic_store(&counted_failed, c.failed);
	atomic_store(&counted_digest, c.digest_items);
}

/* Gathers the digests due at or before `before`; the number made. */
static int64_t gather(store *s, int64_t before, int64_t now)
{
	int64_t ids[MAIL_DIGEST_USERS], made = 0;
	size_t n = 0;
	if (store_mail_digest_users(s, before, ids, COUNT(ids), &n) != STORE_OK)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t id = 0;
		if (store_mail_gather(s, ids[i], before, now, &id) == STORE_OK && id)
			made++;
	}
	return made;
}

/* A claimed message older than this was left by a worker that stopped:
 * an exchange never lasts longer than the SMTP timeout (libcurl's limit on
 * the whole transfer), and the store's writes around it take far less
 * than the margin. */
static int64_t stale_after(const config *cfg)
{
	return cfg->smtp_timeout * 2 + 10;
}

/* One pass: messages left by a stopped worker, digests due, messages due.
 * Returns when the next thing is due (0: nothing waits). */
static int64_t pass(struct app_mail *m, int64_t *last_purge)
{
	store *s = m->app->store;
	const config *cfg = m->app->cfg;
	int64_t now = now_s(), requeued = 0, unknown = 0;
	if (store_mail_recover(s, now - stale_after(cfg), &requeued, &unknown) == STORE_OK &&
	    (requeued || unknown))
		fprintf(stderr, "level=warn msg=\"mail interrupted\" requeued=%lld unknown=%lld\n",
		        (long long)requeued, (long long)unknown);
	/* Escalations past their due date: told once, before the digests
	 * that may carry them (app.h, mail_sweep). */
	if (m->app->mail_sweep)
		m->app->mail_sweep(m->app, now);
	gather(s, now, now);
	for (int i = 0; i < MAIL_PASS_MESSAGES; i++) {
		pthread_mutex_lock(&m->lock);
		int stop = m->stop;
		pthread_mutex_unlock(&m->lock);
		int64_t id = 0;
		if (stop || store_mail_claim(s, now_s(), &id) != STORE_OK)
			break;
		send_one(cfg, s, id);
	}
	now = now_s();
	if (now - *last_purge >= 3600) {
		int64_t purged = 0;
		store_mail_purge(s, now - (int64_t)LIMIT_MAIL_KEEP_DAYS * 86400, &purged);
		*last_purge = now;
	}
	count_outbox(s);
	int64_t next = 0;
	store_mail_next_due(s, stale_after(cfg), &next);
	return next;
}

static void *mail_thread(void *arg)
{
	struct app_mail *m = arg;
	int64_t last_purge = 0;
	for (;;) {
		int64_t next = pass(m, &last_purge);
		int64_t ms = MAIL_CHECK_MS;
		if (next) {
			int64_t until = (next - now_s()) * 1000;
			if (until < ms)
				ms = until < 0 ? 0 : until;
		}
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_sec += (time_t)(ms / 1000);
		t.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&m->lock);
		while (!m->stop && !m->woken && pthread_cond_timedwait(&m->wake, &m->lock, &t) != ETIMEDOUT)
			;
		m->woken = 0;
		int stop = m->stop;
		pthread_mutex_unlock(&m->lock);
		if (stop)
			break;
	}
	return NULL;
}

int app_mail_start(struct app *app)
{
	if (!app_mail_configured(app->cfg))
		return 0;
	if (smtp_global_init() != 0)
		return -1;
	struct app_mail *m = xcalloc(1, sizeof *m);
	pthread_condattr_t ca;
	m->app = app;
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&m->thread, NULL, mail_thread, m) != 0) {
		pthread_cond_destroy(&m->wake);
		pthread_mutex_destroy(&m->lock);
		free(m);
		return -1;
	}
	app->mail = m;
	return 0;
}

void app_mail_stop(struct app *app)
{
	struct app_mail *m = app->mail;
	if (!m)
		return;
	/* A message being sent is finished first (at most the SMTP timeout). */
	pthread_mutex_lock(&m->lock);
	m->stop = 1;
	pthread_cond_signal(&m->wake);
	pthread_mutex_unlock(&m->lock);
	pthread_join(m->thread, NULL);
	pthread_cond_destroy(&m->wake);
	pthread_mutex_destroy(&m->lock);
	free(m);
	app->mail = NULL;
}

int app_mail_flush_digests(struct app *app, int64_t *messages)
{
	int64_t now = now_s();
	int64_t made = gather(app->store, INT64_MAX, now);
	*messages = made < 0 ? 0 : made;
	wake(app->mail);
	return made < 0 ? -1 : 0;
}

void app_mail_metrics(buf *out)
{
	buf_printf(out,
	           "# HELP guichet_mail_waiting Notification messages waiting to be sent.\n"
	           "# TYPE guichet_mail_waiting gauge\n"
	           "guichet_mail_waiting %lld\n"
	           "# HELP guichet_mail_failed Notification messages given up (failed, or unknown after an "
	           "interruption).\n"
	           "# TYPE guichet_mail_failed gauge\n"
	           "guichet_mail_failed %lld\n"
	           "# HELP guichet_mail_digest_items Events waiting for their digest.\n"
	           "# TYPE guichet_mail_digest_items gauge\n"
	           "guichet_mail_digest_items %lld\n"
	           "# HELP guichet_mail_sent_total Notification messages sent since the server started.\n"
	           "# TYPE guichet_mail_sent_total counter\n"
	           "guichet_mail_sent_total %llu\n",
	           (long long)atomic_load(&counted_waiting), (long long)atomic_load(&counted_failed),
	           (long long)atomic_load(&counted_digest), (unsigned long long)atomic_load(&sent_total));
}

int app_mail_test(const config *cfg, const char *to, const lang *l, smtp_result *out)
{
	mail_line line = {MAIL_TEST, "", now_s()};
	mail_message msg = {.lang = l ? l : i18n_default(),
	                    .from = cfg->smtp_from,
	                    .to = to,
	                    .public_url = cfg->public_url,
	                    .lines = &line,
	                    .nlines = 1,
	                    .now = now_s()};
	buf text;
	buf_init(&text, (size_t)64 * 1024);
	if (mail_compose(&msg, &text) != 0) {
		memset(out, 0, sizeof *out);
		out->status = SMTP_PERMANENT;
		snprintf(out->error, sizeof out->error, "the sender or the recipient is not a valid address");
		buf_free(&text);
		return -1;
	}
	smtp_config sc;
	app_mail_smtp(cfg, &sc);
	int rc = smtp_send(&sc, to, text.data, text.len, NULL, NULL, out);
	buf_free(&text);
	return rc;
}

int64_t app_mail_late_seconds(struct app *app, int64_t now)
{
	int64_t at = 0;
	if (store_mail_next_due(app->store, stale_after(app->cfg), &at) != STORE_OK)
		return -1;
	return at && at < now ? now - at : 0;
}
