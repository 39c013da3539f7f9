/*
 * store_queue.h: the waiting queue's persistence (sql/010_queue.sql):
 * a site's services, opening hours, tickets and desk pauses. Same
 * conventions as store.h (0, STORE_NOT_FOUND, STORE_CONFLICT, STORE_ERROR;
 * strings from the caller's arena). The rules (which move is allowed, the
 * order of the list) are domain/queue.h's; these functions apply them
 * atomically, so that two desks calling "next" at the same instant never
 * get the same ticket, on SQLite and on PostgreSQL.
 */
#ifndef GUICHET_STORE_QUEUE_H
#define GUICHET_STORE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The statuses, priorities, needs and actions of the queue: stored as the
 * codes domain/queue.h reads and writes, and whose rules it holds. */
typedef enum queue_status {
	QUEUE_EMIS = 0,    /* waiting */
	QUEUE_APPELE,      /* called to a desk */
	QUEUE_EN_COURS,    /* being served */
	QUEUE_TERMINE,     /* served */
	QUEUE_ABSENT,      /* called, did not come */
	QUEUE_ANNULE,      /* cancelled by the person or the staff */
	QUEUE_REDIRIGE,    /* sent to another service: see the linked ticket */
	QUEUE_STATUS_COUNT
} queue_status;

/* Priorities (REFERENCE.md section 5) and their default weight in minutes. */
typedef enum queue_priority {
	QUEUE_PRIO_NONE = 0,
	QUEUE_PRIO_APPOINTMENT,    /* rendez_vous */
	QUEUE_PRIO_MOBILITY,       /* mobilite_reduite */
	QUEUE_PRIO_PREGNANCY,      /* grossesse */
	QUEUE_PRIO_AGE,            /* age */
	QUEUE_PRIORITY_COUNT
} queue_priority;

/* Needs a person may state at the kiosk, a bit mask. */
enum {
	QUEUE_NEED_INTERPRETER = 1 << 0, /* interprete */
	QUEUE_NEED_MOBILITY = 1 << 1,    /* mobilite_reduite */
	QUEUE_NEED_HEARING = 1 << 2,     /* audition */
	QUEUE_NEED_READING = 1 << 3,     /* aide_lecture */
	QUEUE_NEED_ALL = (1 << 4) - 1
};

/* Actions on a ticket. */
typedef enum queue_action {
	QUEUE_CALL,     /* emis -> appele (also "call this one") */
	QUEUE_RECALL,   /* appele -> appele, counted */
	QUEUE_START,    /* appele -> en_cours */
	QUEUE_FINISH,   /* en_cours -> termine */
	QUEUE_ABSENT_,  /* appele -> absent */
	QUEUE_CANCEL,   /* emis or appele -> annule */
	QUEUE_REDIRECT  /* emis, appele or en_cours -> redirige (+ a new ticket) */
} queue_action;

/* The codes of statuses and priorities as the tickets table stores them
 * (domain/queue.h's queue_status_code and the others read these): NULL or
 * -1 for an unknown value. */
const char *store_queue_status_code(queue_status st);
int store_queue_status_parse(const char *code);
const char *store_queue_priority_code(queue_priority p);
int store_queue_priority_parse(const char *code);

typedef struct store_queue_service {
	int64_t id;
	int64_t site_id;
	char prefix;        /* 'A'..'Z', unique in the site */
	char *label;        /* French, as written by the site; translated on public pages when it is a seeded label */
	char *picto;        /* OpenMoji code point(s) "1F4C4", "" for none */
	int position;       /* order on the kiosk */
	int active;
} store_queue_service;

int store_queue_services(store *s, arena *a, int64_t site_id, int active_only, store_queue_service **out, size_t *n);
int store_queue_service_get(store *s, arena *a, int64_t id, store_queue_service *out);
int store_queue_service_put(store *s, store_queue_service *svc); /* insert when id is 0 */
/* Gives a site without any service the n defaults (prefix, label, picto,
 * position, active of each), in one transaction; a site that has services
 * (or gets them meanwhile from another request) keeps them. *added counts
 * the services inserted (0 or n). STORE_NOT_FOUND for a missing site. */
int store_queue_seed(store *s, int64_t site_id, const store_queue_service *defaults, size_t n, int *added);

/* The site's queue settings: whether waiting people's names may be shown
 * to advisers, the opening hours of the kiosk (per weekday 1 = Monday ..
 * 7, minutes since midnight, opens == closes for closed), and the kiosk's
 * locked configuration (which languages and needs it offers). */
typedef struct store_queue_settings {
	int64_t site_id;
	int show_names;
	int hours_set;           /* 0: never set, the kiosk is open at all times */
	int opens[8], closes[8]; /* index 1..7 */
	char *kiosk_languages;   /* "fr,en,ar,..." ; "" for every public language */
	unsigned kiosk_needs;    /* QUEUE_NEED_* offered */
} store_queue_settings;

int store_queue_settings_get(store *s, arena *a, int64_t site_id, store_queue_settings *out);
int store_queue_settings_put(store *s, const store_queue_settings *qs);
/* The settings and the services (inserted when their id is 0, of the
 * site) in one transaction: all saved, or nothing (STORE_CONFLICT for two
 * services with one prefix). */
int store_queue_settings_save(store *s, const store_queue_settings *qs, store_queue_service *svc, size_t n);

typedef struct store_ticket {
	int64_t id;
	int64_t site_id;
	int64_t service_id;
	char prefix;
	int number;          /* of the day, per service */
	char label[8];       /* "A012" */
	char *day;           /* "YYYY-MM-DD", local time of the site */
	char *key;           /* the public key of the phone page /t/{key} */
	char *lang;          /* the person's language code */
	unsigned needs;      /* QUEUE_NEED_* */
	queue_priority priority;
	char *channel;       /* channel code of REFERENCE.md section 4, "guichet_spontane" by default */
	char *name;          /* optional, shown only where the site allows; free text, purged */
	queue_status status;
	char *desk;          /* the desk that called it, "" before */
	int64_t adviser_id;  /* who called it, 0 before */
	int64_t issued_by;   /* the account that issued it at a desk, 0 at the kiosk or phone */
	int64_t arrived_at, called_at, started_at, ended_at; /* unix seconds, 0 when not yet */
	int recalls;
	int64_t redirected_from; /* the ticket this one continues, 0 for none */
	int64_t visit_id;        /* the visit recorded when it finished, 0 before */
	int satisfaction_done;   /* the phone page's survey was answered */
	int64_t order_key;       /* domain/queue.h's queue_order_key, the serving order */
	int64_t origin_id;       /* the first ticket of a chain of redirections, 0 for this one */
} store_ticket;

/* Issues a ticket: the next number of the day for the service, a new
 * random key, status emis, arrived_at = now. t->site_id, service_id, lang,
 * needs, priority, channel, name, issued_by and order_key are read; the
 * rest is written. order_key is queue_order_key(now, priority) (the store
 * does not know the weights); 0 serves the ticket in arrival order.
 * STORE_NOT_FOUND when the service is not an active one of the site. */
int store_ticket_issue(store *s, arena *a, store_ticket *t, int64_t now);
int store_ticket_get(store *s, arena *a, int64_t id, store_ticket *out);
int store_ticket_by_key(store *s, arena *a, const char *key, store_ticket *out);

/* The site's waiting tickets (emis), in serving order; service_id 0 for
 * every service. */
int store_queue_waiting(store *s, arena *a, int64_t site_id, int64_t service_id, store_ticket **out, size_t *n);
/* The site's tickets called or being served, newest call first (the
 * public screen and the advisers' page). */
int store_queue_active(store *s, arena *a, int64_t site_id, store_ticket **out, size_t *n);
/* How many waiting tickets are served before t. */
int store_ticket_ahead(store *s, const store_ticket *t, size_t *ahead);

/* Calls the first waiting ticket (of service_id, or any when 0) to desk
 * for adviser: atomically, so two desks never get the same one.
 * STORE_NOT_FOUND when nobody waits. */
int store_ticket_call_next(store *s, arena *a, int64_t site_id, int64_t service_id, const char *desk,
                           int64_t adviser_id, int64_t now, store_ticket *out);
/* Applies action to the ticket (domain/queue.h's transition), only if it
 * is still in the status the caller saw (expected): STORE_CONFLICT when it
 * moved meanwhile or the move is not allowed. desk/adviser for CALL. */
int store_ticket_move(store *s, arena *a, int64_t id, queue_status expected, queue_action action,
                      const char *desk, int64_t adviser_id, int64_t now, store_ticket *out);
/* Redirects: the ticket ends redirige and a new one waits in to_service
 * with the same language, needs, priority and arrival time, linked to it. */
int store_ticket_redirect(store *s, arena *a, int64_t id, int64_t to_service_id, int64_t now, store_ticket *out_new);
int store_ticket_set_visit(store *s, int64_t id, int64_t visit_id);
int store_ticket_set_satisfaction_done(store *s, int64_t id);

/* Durations in seconds of the site's last `max` finished services
 * (ended_at - started_at), newest first, for the estimated wait. */
int store_queue_recent_services(store *s, arena *a, int64_t site_id, size_t max, int64_t **out, size_t *n);

/* Desk pauses: an adviser's justified pause at a desk. */
typedef struct store_desk_pause {
	int64_t id;
	int64_t site_id;
	int64_t adviser_id;
	char *desk;
	char *reason;        /* a code: pause, administratif, formation, autre */
	int64_t started_at, ended_at; /* ended_at 0 while it lasts */
} store_desk_pause;

int store_desk_pause_start(store *s, store_desk_pause *p);
int store_desk_pause_end(store *s, int64_t site_id, int64_t adviser_id, int64_t now);
int store_desk_pauses_open(store *s, arena *a, int64_t site_id, store_desk_pause **out, size_t *n);
/* Desks open now: advisers with a ticket called or served in the last hour
 * and not on pause (at least 1). */
int store_queue_desks_open(store *s, int64_t site_id, int64_t now, unsigned *desks);

/* Retention: empties the free text (name) of tickets of days before
 * `before` (unix seconds); *n counts them. */
int store_tickets_purge_text(store *s, int64_t before, int64_t *n);
/* The same, counted only when dry_run is set (guichet purge --dry-run). */
int store_tickets_purge(store *s, int64_t before, int dry_run, int64_t *n);

#endif
