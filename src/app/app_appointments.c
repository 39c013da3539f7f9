/*
 * app_appointments.c: bookings, status changes and slot cancellations with
 * their notifications, and the thread that sends the reminders 48 hours
 * before an appointment (app_appointments.h, docs/appointments.md).
 *
 * Exactly once: a reminder is claimed in the store (reminded_at set by a
 * conditional UPDATE) before anything is sent, so that two servers, or a
 * pass that overlaps another, never remind twice. A reminder that cannot
 * reach the person (her e-mail refused by the SMTP server) is not tried
 * again: the referent's own notification still goes through the outbox,
 * which retries.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "app/app.h"
#include "app/app_appointments.h"
#include "app/app_mail.h"
#include "domain/appointment.h"
#include "domain/takehome.h"
#include "util/smtp.h"

/* How long the thread sleeps at most between two passes. */
#define REMIND_EVERY_MS (5 * 60 * 1000)

static app_sms_sender sms_fn;
static void *sms_arg;

void app_appointments_set_sms(app_sms_sender fn, void *arg)
{
	sms_fn = fn;
	sms_arg = arg;
}

int app_appointments_sms_on(void)
{
	return sms_fn != NULL;
}

int app_appointments_can_remind(const struct app *app, const store_appt *x)
{
	return (x->email && *x->email && app_mail_configured(app->cfg)) || (x->phone && *x->phone && sms_fn);
}

/* The account that holds a slot: its referent, else who published it. */
static int64_t holder(const store_appt_slot *s)
{
	return s->referent_id ? s->referent_id : s->created_by;
}

static void link_of(int64_t id, char out[48])
{
	snprintf(out, 48, "/appointments/%lld", (long long)id);
}

static void wake_thread(void);

int app_appointment_book(struct app *app, store_appt *x, int64_t now)
{
	int rc = store_appt_book(app->store, x, now);
	if (rc != STORE_OK)
		return rc;
	char link[48];
	link_of(x->id, link);
	arena *a = arena_new((size_t)16 * 1024);
	store_appt_slot s;
	if (store_appt_slot_get(app->store, a, x->slot_id, &s) == STORE_OK && holder(&s) &&
	    holder(&s) != x->booked_by)
		app_notify(app, MAIL_APPOINTMENT_BOOKED, holder(&s), link);
	arena_free(a);
	/* An appointment within 48 hours is reminded at once. */
	if (x->starts_at - now <= APPOINTMENT_REMINDER_S)
		wake_thread();
	return rc;
}

int app_appointment_move(struct app *app, const store_appt *x, const char *to, int64_t user_id, int64_t now)
{
	int rc = store_appt_move(app->store, x->id, x->status, to, user_id, now);
	if (rc != STORE_OK || !(str_eq(to, "excuse") || str_eq(to, "annule")))
		return rc;
	char link[48];
	link_of(x->id, link);
	int64_t who = holder(&x->slot);
	/* Whoever did not cancel it hears of it. */
	if (who && who != user_id)
		app_notify(app, MAIL_APPOINTMENT_CANCELLED, who, link);
	if (x->booked_by && x->booked_by != user_id && x->booked_by != who)
		app_notify(app, MAIL_APPOINTMENT_CANCELLED, x->booked_by, link);
	return rc;
}

int app_appointment_slot_cancel(struct app *app, int64_t slot_id, int64_t user_id, int64_t now)
{
	arena *a = arena_new((size_t)64 * 1024);
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = store_appt_slot_cancel(app->store, a, slot_id, user_id, now, &ids, &n);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		store_appt x;
		if (store_appt_get(app->store, a, ids[i], &x) != STORE_OK)
			continue;
		char link[48];
		link_of(x.id, link);
		if (x.booked_by && x.booked_by != user_id)
			app_notify(app, MAIL_APPOINTMENT_CANCELLED, x.booked_by, link);
	}
	arena_free(a);
	return rc;
}

/* ---- The reminder to the person. */

static void put_encoded(buf *out, const char *s)
{
	size_t len = strlen(s), i = 0;
	char word[80];
	while (i < len) {
		size_t n = len - i < 42 ? len - i : 42;
		while (n > 0 && i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
			n--;
		if (n == 0)
			n = len - i < 42 ? len - i : 42;
		sodium_bin2base64(word, sizeof word, (const unsigned char *)s + i, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", word);
		i += n;
	}
}

/* "Jeudi 04/03/2027 14:00" in language l. */
static void when_words(const lang *l, int64_t t, char *out, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm)) {
		snprintf(out, len, "%lld", (long long)t);
		return;
	}
	const char *day = takehome_weekday(tm.tm_wday == 0 ? 7 : tm.tm_wday);
	snprintf(out, len, "%s %02d/%02d/%04d %02d:%02d", day ? i18n_public_text(l, NULL, day) : "",
	         tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

int app_appointment_reminder_mail(const lang *l, const char *from, const char *to, const store_appt *x,
                                  int64_t now, buf *out)
{
	if (!smtp_address_valid(from) || !smtp_address_valid(to) || !l)
		return -1;
	time_t tt = (time_t)now;
	struct tm tm;
	gmtime_r(&tt, &tm);
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
	           months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	buf_printf(out, "From: Guichet <%s>\r\nTo: <%s>\r\n", from, to);
	unsigned char rnd[8];
	char hex[17];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	buf_printf(out, "Message-ID: <guichet.rdv.%lld.%s@%s>\r\n", (long long)x->id, hex,
	           strchr(from, '@') + 1);
	buf_puts(out, "Subject: ");
	put_encoded(out, i18n_public_text(l, NULL, "Rappel de votre rendez-vous"));
	buf_printf(out,
	           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
	           "Content-Transfer-Encoding: base64\r\nContent-Language: %s\r\n"
	           "Auto-Submitted: auto-generated\r\n\r\n",
	           l->code);
	buf body;
	buf_init(&body, (size_t)16 * 1024);
	char when[96];
	when_words(l, x->starts_at, when, sizeof when);
	buf_printf(&body, "%s\r\n\r\n", i18n_public_text(l, NULL, "Rappel de votre rendez-vous"));
	buf_printf(&body, "%s %s\r\n", i18n_public_text(l, NULL, "Quand :"), when);
	buf_printf(&body, "%s %s\r\n", i18n_public_text(l, NULL, "Avec qui :"), x->slot.operator_name);
	buf_printf(&body, "%s\r\n", i18n_public_text(l, NULL, appointment_mode_public(x->slot.mode)));
	if (str_eq(x->slot.mode, "sur_place") || str_eq(x->slot.mode, "visio")) {
		buf_printf(&body, "%s %s", i18n_public_text(l, NULL, "Où :"), x->slot.site_name);
		if (*x->slot.site_address)
			buf_printf(&body, ", %s", x->slot.site_address);
		if (*x->slot.place)
			buf_printf(&body, " (%s)", x->slot.place);
		buf_puts(&body, "\r\n");
	}
	buf_printf(&body, "\r\n%s\r\n",
	           i18n_public_text(l, NULL, "Si vous ne pouvez pas venir, prévenez-nous."));
	int rc = body.overflow ? -1 : 0;
	if (rc == 0) {
		char line[80];
		for (size_t i = 0; i < body.len; i += 57) {
			size_t chunk = body.len - i < 57 ? body.len - i : 57;
			sodium_bin2base64(line, sizeof line, (const unsigned char *)body.data + i, chunk,
			                  sodium_base64_VARIANT_ORIGINAL);
			buf_printf(out, "%s\r\n", line);
		}
	}
	buf_free(&body);
	return rc == 0 && !out->overflow ? 0 : -1;
}

/* The person's reminder, at once and outside the outbox. */
static void remind_person(struct app *app, const store_appt *x, int64_t now)
{
	const lang *l = i18n_find_public(x->lang);
	if (!l)
		l = i18n_default();
	if (x->email && *x->email && app_mail_configured(app->cfg)) {
		buf text;
		buf_init(&text, (size_t)64 * 1024);
		smtp_result res;
		if (app_appointment_reminder_mail(l, app->cfg->smtp_from, x->email, x, now, &text) == 0) {
			smtp_config sc;
			app_mail_smtp(app->cfg, &sc);
			smtp_send(&sc, x->email, text.data, text.len, NULL, NULL, &res);
			fprintf(
			    stderr,
			    "level=%s msg=\"appointment reminder\" appointment=%lld channel=email code=%ld\n",
			    res.status == SMTP_SENT ? "info" : "error", (long long)x->id, res.code);
		}
		buf_free(&text);
	}
	if (x->phone && *x->phone && sms_fn) {
		char when[96], text[480];
		when_words(l, x->starts_at, when, sizeof when);
		snprintf(text, sizeof text, "%s : %s, %s",
		         i18n_public_text(l, NULL, "Rappel de votre rendez-vous"), when,
		         x->slot.operator_name);
		int rc = sms_fn(sms_arg, x->phone, text);
		fprintf(stderr, "level=%s msg=\"appointment reminder\" appointment=%lld channel=sms\n",
		        rc == 0 ? "info" : "error", (long long)x->id);
	}
}

int app_appointments_remind(struct app *app, int64_t now, int64_t *n)
{
	*n = 0;
	/* Without mail nor text messages nobody can be reminded: the
	 * appointments stay unclaimed, to be reminded once a channel exists. */
	if (!app_mail_configured(app->cfg) && !sms_fn)
		return 0;
	arena *a = arena_new((size_t)256 * 1024);
	store_appt *v = NULL;
	size_t count = 0;
	int rc = store_appt_reminders_due(app->store, a, now, now + APPOINTMENT_REMINDER_S, &v, &count);
	for (size_t i = 0; rc == STORE_OK && i < count; i++) {
		int claimed = 0;
		rc = store_appt_reminder_claim(app->store, v[i].id, now, &claimed);
		if (rc != STORE_OK || !claimed)
			continue;
		char link[48];
		link_of(v[i].id, link);
		if (holder(&v[i].slot))
			app_notify(app, MAIL_REMINDER, holder(&v[i].slot), link);
		remind_person(app, &v[i], now);
		(*n)++;
	}
	arena_free(a);
	return rc == STORE_OK ? 0 : -1;
}

/* ---- The thread. */

static struct {
	struct app *app;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int running, stop, poked;
	pthread_t thread;
} rt = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void wake_thread(void)
{
	pthread_mutex_lock(&rt.lock);
	if (rt.running) {
		rt.poked = 1;
		pthread_cond_signal(&rt.wake);
	}
	pthread_mutex_unlock(&rt.lock);
}

static void *remind_thread(void *arg)
{
	(void)arg;
	for (;;) {
		int64_t n = 0;
		if (app_appointments_remind(rt.app, now_s(), &n) != 0)
			fprintf(stderr, "level=error msg=\"appointment reminders failed\"\n");
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_sec += REMIND_EVERY_MS / 1000;
		pthread_mutex_lock(&rt.lock);
		while (!rt.stop && !rt.poked && pthread_cond_timedwait(&rt.wake, &rt.lock, &t) != ETIMEDOUT)
			;
		int stop = rt.stop;
		rt.poked = 0;
		pthread_mutex_unlock(&rt.lock);
		if (stop)
			break;
	}
	return NULL;
}

int app_appointments_start(struct app *app)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&rt.wake, &ca);
	pthread_condattr_destroy(&ca);
	rt.app = app;
	rt.stop = rt.poked = 0;
	if (pthread_create(&rt.thread, NULL, remind_thread, NULL) != 0) {
		pthread_cond_destroy(&rt.wake);
		return -1;
	}
	pthread_mutex_lock(&rt.lock);
	rt.running = 1;
	pthread_mutex_unlock(&rt.lock);
	return 0;
}

void app_appointments_stop(struct app *app)
{
	(void)app;
	pthread_mutex_lock(&rt.lock);
	int running = rt.running;
	rt.stop = 1;
	rt.running = 0;
	if (running)
		pthread_cond_signal(&rt.wake);
	pthread_mutex_unlock(&rt.lock);
	if (!running)
		return;
	pthread_join(rt.thread, NULL);
	pthread_cond_destroy(&rt.wake);
}
