/*
 * store_mail.h: the e-mail notifications (sql/017_mail.sql): each account's
 * language and choices, the events waiting for a digest, and the outbox.
 * Same conventions as store.h (0, STORE_NOT_FOUND, STORE_ERROR; strings
 * from the caller's arena). Events and deliveries are the codes of
 * domain/mail.h; the rules (defaults, digest times, backoff) are there and
 * in app/app_mail.c.
 *
 * A message goes waiting -> sending -> sent. A worker claims it with a
 * conditional update (two workers never claim the same one), records when
 * its whole text was handed to the SMTP server, then marks it sent, or
 * waiting again for later, or failed, or unknown (docs/mail.md).
 */
#ifndef GUICHET_STORE_MAIL_H
#define GUICHET_STORE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The statuses of a message, as stored. */
#define STORE_MAIL_WAITING "waiting"
#define STORE_MAIL_SENDING "sending"
#define STORE_MAIL_SENT "sent"
#define STORE_MAIL_FAILED "failed"
#define STORE_MAIL_UNKNOWN "unknown"

typedef struct store_mail_choice {
	char *event;    /* an event's code */
	char *delivery; /* immediate, twice_daily, daily, never */
} store_mail_choice;

/* The account's language for its messages ("fr" when never chosen; lang
 * holds at least 9 bytes) and its choices, in the order of their codes. */
int store_mail_prefs_get(store *s, arena *a, int64_t user_id, char *lang, size_t langlen,
                         store_mail_choice **out, size_t *n);
/* Replaces the account's language and choices in one transaction. */
int store_mail_prefs_save(store *s, int64_t user_id, const char *lang, const store_mail_choice *v, size_t n,
                          int64_t now);
/* One choice; STORE_NOT_FOUND when the account never made it. delivery
 * holds at least 16 bytes. */
int store_mail_choice_get(store *s, int64_t user_id, const char *event, char *delivery, size_t len);

/* Records an event for an account in one transaction: with due_at 0, a new
 * message of its own, waiting to be sent from now (*message_id); else an
 * item waiting for the digest due at due_at (*message_id 0). */
int store_mail_enqueue(store *s, int64_t user_id, const char *event, const char *link, int64_t now,
                       int64_t due_at, int64_t *message_id);

/* The accounts with items waiting for a digest due at or before `before`,
 * at most max. */
int store_mail_digest_users(store *s, int64_t before, int64_t *ids, size_t max, size_t *n);
/* Gathers the account's items due at or before `before` into one new
 * message, in one transaction; *message_id 0 when there was none (another
 * server gathered them first). */
int store_mail_gather(store *s, int64_t user_id, int64_t before, int64_t now, int64_t *message_id);

/* The outbox. */
typedef struct store_mail_item {
	char *event;
	char *link; /* a path of Guichet, "" for none */
	int64_t created_at;
} store_mail_item;

typedef struct store_mail_message {
	int64_t id, user_id;
	char *kind; /* an event's code, or "digest" */
	char *status;
	int64_t attempts, created_at, next_at, claimed_at, handed_at, sent_at;
	char *last_error;
	/* Read by store_mail_message_get only: the account's address, whether
	 * it is active, its language, and the events the message carries. */
	char *email;
	int active;
	char *lang;
	store_mail_item *items;
	size_t nitems;
} store_mail_message;

/* Claims the next message due at now: it becomes "sending", claimed now,
 * one more attempt. STORE_NOT_FOUND when none is due. */
int store_mail_claim(store *s, int64_t now, int64_t *id);
int store_mail_message_get(store *s, arena *a, int64_t id, store_mail_message *out);
/* The whole text of a claimed message went to the server. */
int store_mail_handed(store *s, int64_t id, int64_t now);
int store_mail_sent(store *s, int64_t id, int64_t now);
/* Back to waiting until next_at, with the reason of the failure. */
int store_mail_retry(store *s, int64_t id, int64_t next_at, const char *error);
/* Ends a message as STORE_MAIL_FAILED or STORE_MAIL_UNKNOWN. */
int store_mail_give_up(store *s, int64_t id, const char *status, const char *error);
/* The messages left "sending" by a worker that stopped, claimed before
 * stale_before: those whose text was never handed over wait again
 * (*requeued), the others become unknown (*unknown). */
int store_mail_recover(store *s, int64_t stale_before, int64_t *requeued, int64_t *unknown);
/* The earliest time something is due: a waiting message, a digest item, or
 * a message claimed stale_s ago that store_mail_recover would take back;
 * 0 when nothing waits. */
int store_mail_next_due(store *s, int64_t stale_s, int64_t *at);

/* What the outbox holds, for the admin page and /metrics. */
typedef struct store_mail_counts {
	int64_t waiting; /* waiting or sending */
	int64_t failed;  /* failed or unknown */
	int64_t sent;
	int64_t digest_items; /* events waiting for a digest */
} store_mail_counts;
int store_mail_count(store *s, store_mail_counts *out);
/* The latest messages, newest first, at most limit; no address. */
int store_mail_list(store *s, arena *a, size_t limit, store_mail_message **out, size_t *n);
/* Deletes the messages sent, failed or unknown before `before`, with their
 * items. */
int store_mail_purge(store *s, int64_t before, int64_t *n);

#endif
