/*
 * mail.h: the rules of the e-mail notifications (docs/mail.md): the events
 * an account can be told of, the ways it can choose for each (at once, in a
 * digest twice a day, in a daily digest, never), when a digest is due, how
 * long to wait before trying a failed message again, and the writing of a
 * message in the recipient's language. Pure functions: no SQL, no socket,
 * no clock of their own.
 *
 * A message never holds personal data of the people helped: its subject
 * and text come from the catalog's msgids, with only the address of the
 * page of Guichet the event concerns.
 */
#ifndef GUICHET_DOMAIN_MAIL_H
#define GUICHET_DOMAIN_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "util/i18n.h"
#include "util/util.h"

typedef enum mail_event {
	MAIL_ESCALATION_NEW = 0,    /* a demand escalated to the referent */
	MAIL_ESCALATION_ANSWER,     /* the back office answered */
	MAIL_ESCALATION_INFO,       /* the back office asks for more information */
	MAIL_ESCALATION_COMPLEMENT, /* the adviser sent the information asked for */
	MAIL_ESCALATION_OVERDUE,    /* past its deadline without an answer */
	MAIL_APPOINTMENT_BOOKED,
	MAIL_APPOINTMENT_CANCELLED,
	MAIL_REMINDER,
	MAIL_TEST, /* "send me a test notification" */
	MAIL_EVENT_COUNT
} mail_event;

typedef enum mail_delivery {
	MAIL_IMMEDIATE = 0,
	MAIL_TWICE_DAILY,
	MAIL_DAILY,
	MAIL_NEVER,
	MAIL_DELIVERY_COUNT
} mail_delivery;

/* The kind of a message that gathers several events. */
#define MAIL_DIGEST "digest"
/* The local hours of the digests: twice a day at both, daily at the first. */
#define MAIL_DIGEST_HOUR_1 8
#define MAIL_DIGEST_HOUR_2 14
/* The longest path a notification may point to. */
#define MAIL_LINK_MAX 200

/* Codes ("escalation_new"…) and their French msgids; NULL out of range. */
const char *mail_event_code(mail_event e);
int mail_event_parse(const char *code);       /* -1 when unknown */
const char *mail_event_label(mail_event e);   /* settings page, digest line */
const char *mail_event_subject(mail_event e); /* an immediate message's subject */
const char *mail_event_text(mail_event e);    /* its sentence */
const char *mail_delivery_code(mail_delivery d);
int mail_delivery_parse(const char *code); /* -1 when unknown */
const char *mail_delivery_label(mail_delivery d);
/* What an account gets for an event it never chose for. */
mail_delivery mail_delivery_default(mail_event e);

/* When an event notified at now in a digest is due: the next digest hour
 * strictly after now (local time). now itself for MAIL_IMMEDIATE. */
int64_t mail_digest_due(mail_delivery d, int64_t now);
/* When to try again after attempts failures: retry_s doubled with each
 * failure, at most 64 times retry_s and at most six hours. */
int64_t mail_retry_at(int64_t now, int64_t attempts, int64_t retry_s);
/* 1 when link is a path of Guichet that a message may carry: "/" then
 * printable ASCII without spaces, quotes or angle brackets, not "//". */
int mail_link_valid(const char *link);

/* One event of a message. */
typedef struct mail_line {
	mail_event event;
	const char *link; /* a path, "" for none */
	int64_t at;
} mail_line;

typedef struct mail_message {
	const lang *lang;
	const char *from;       /* the sender's address */
	const char *to;         /* the recipient's address */
	const char *public_url; /* "https://guichet.example.org", NULL or "" for none */
	int digest;             /* several events gathered, or one alone */
	const mail_line *lines;
	size_t nlines;
	int64_t id;  /* the outbox's id, in the Message-ID; 0 for a test */
	int64_t now; /* the Date header */
} mail_message;

/* Writes the whole message (headers and body, CRLF line ends) into out;
 * -1 when out overflowed or an address is not valid. */
int mail_compose(const mail_message *m, buf *out);
/* The subject alone, translated (for logs and tests). */
const char *mail_subject(const mail_message *m);

#endif
