/*
 * app_mail.h: the e-mail notifications of a running server (docs/mail.md).
 *
 * app_notify is what the other parts call when something happens that an
 * account may want to hear of (an escalation, an answer, an appointment):
 * it follows the account's choice for that event (a message at once, a
 * line in its next digest, or nothing) and only writes a row; a thread of
 * the server, started and stopped by `guichet serve`, sends the messages,
 * tries failed ones again with a growing wait, and gathers the digests.
 */
#ifndef GUICHET_APP_MAIL_H
#define GUICHET_APP_MAIL_H

#include <stdint.h>

#include "app/config.h"
#include "domain/mail.h"
#include "store/store.h"
#include "util/smtp.h"
#include "util/util.h"

struct app;

/* 1 when cfg names an SMTP server and a sender: without them nothing is
 * recorded nor sent. */
int app_mail_configured(const config *cfg);
/* The SMTP settings of cfg, borrowed from it. */
void app_mail_smtp(const config *cfg, smtp_config *out);

/* Tells the account user_id of event, about the page at link_path (a path
 * of Guichet such as "/escalations/12", or NULL): in its language, as it
 * chose. Never blocks on the SMTP server and never fails its caller's
 * work: 0, or -1 after a log line (unknown event, bad link, store error). */
int app_notify(struct app *app, mail_event event, int64_t user_id, const char *link_path);

/* How long ago, in seconds, the most overdue thing of the outbox fell due
 * at now (a message to send, a digest to gather, a message left by a
 * stopped worker): 0 when nothing is overdue, -1 when the store fails.
 * Past APP_READY_MAIL_LATE_S the queue is stuck (/readyz). */
#define APP_READY_MAIL_LATE_S 900
int64_t app_mail_late_seconds(struct app *app, int64_t now);

/* The server's thread. 0, or -1 when it cannot start. Does nothing when
 * mail is not configured. */
int app_mail_start(struct app *app);
void app_mail_stop(struct app *app);
/* Gathers every event waiting for a digest into its account's message now,
 * and wakes the thread to send them (the admin's "send the digests now").
 * *messages counts the messages made. */
int app_mail_flush_digests(struct app *app, int64_t *messages);
/* The outbox's counts for /metrics, as the thread last read them. */
void app_mail_metrics(buf *out);

/* Sends the test notification to the address to now, in language l,
 * without the outbox (`guichet mail test`). 0 when the server accepted it;
 * *out says what the server answered either way. */
int app_mail_test(const config *cfg, const char *to, const lang *l, smtp_result *out);

#endif
