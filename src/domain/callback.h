/*
 * callback.h: the rules of a site's callbacks (docs/callbacks.md), the
 * 1718 contact-centre model: a person who could not be served on the phone
 * or who asked at the desk is called back at the time she prefers. Its
 * statuses, the moves each adviser may make from each status (one rule
 * table), who sees a site's list, what a new callback needs (a slot, a
 * language, how to address the person, a number, a reason), "overdue",
 * and the share of the measure "callbacks done within a day".
 *
 * Pure functions over records: no SQL, no HTTP, no session. The pages and
 * the API ask here and nowhere else.
 */
#ifndef GUICHET_CALLBACK_H
#define GUICHET_CALLBACK_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "store/store_callbacks.h"
#include "util/util.h"

/* Calls without reaching the person after which a callback may be closed
 * as unreachable (a wrong number allows it at once), and the most that
 * are recorded. */
#define CALLBACK_UNREACHABLE_ATTEMPTS 3
#define CALLBACK_MAX_ATTEMPTS 20
/* The longest texts, in bytes. */
#define CALLBACK_NAME_BYTES 80
#define CALLBACK_PHONE_BYTES 30
#define CALLBACK_REASON_BYTES 280
/* How far ahead a preferred day may be. */
#define CALLBACK_MAX_DAYS_AHEAD 60
/* "Done within a day": closed done at most this long after creation. */
#define CALLBACK_WITHIN_S (24 * 3600)

/* The moves. */
typedef enum callback_action {
	CB_TAKE,        /* an adviser takes it: nobody else calls the person */
	CB_RELEASE,     /* the one who took it (or a manager) puts it back on the list */
	CB_ATTEMPT,     /* the one who took it called without reaching the person */
	CB_DONE,        /* the person was reached: it becomes a visit with channel "rappel" */
	CB_UNREACHABLE, /* closed after CALLBACK_UNREACHABLE_ATTEMPTS calls, or a wrong number */
	CB_CANCEL,      /* no longer needed */
	CB_NACTIONS
} callback_action;

/* A choice of a form: its code and its label (a French msgid). */
typedef struct callback_choice {
	const char *code, *label;
} callback_choice;

/* The statuses in order (a_rappeler, pris, fait, injoignable, annule),
 * the parts of a day (matin, apres_midi, journee, plage), the results of
 * a call (pas_de_reponse, mauvais_numero, messagerie), the origins
 * (telephone, guichet). */
const callback_choice *callback_statuses(size_t *n);
const callback_choice *callback_parts(size_t *n);
const callback_choice *callback_results(size_t *n);
const callback_choice *callback_origins(size_t *n);
/* The label of code among v, or NULL when it is not one of them. */
const char *callback_label(const callback_choice *v, size_t n, const char *code);

/* The code of an action as forms and the API name it ("prendre"), and back
 * (-1 for an unknown code). */
const char *callback_action_code(callback_action a);
int callback_action_parse(const char *code);

/* Whether the account sees the callbacks of site_id and acts on them: an
 * adviser or manager of the site, an administrator. Anyone else must get
 * the answer of a missing page. */
int callback_may_see(const store_user *u, int64_t site_id);
/* Whether the account may make the move now: the rule table (the status,
 * whether it took the callback, whether it leads the site) and the number
 * of calls. */
int callback_may(const store_user *u, const store_callback *c, callback_action action);
/* 1 while the callback is open (a_rappeler, pris). */
int callback_open(const store_callback *c);
/* 1 when it is open and its preferred slot has ended before now. */
int callback_overdue(const store_callback *c, int64_t now);

/* A new callback as typed. The texts (never NULL) are trimmed in place. */
typedef struct callback_input {
	char *name, *phone, *reason;
	const char *lang;          /* a language code; the caller checks it is one it offers */
	const char *origin;        /* telephone, guichet */
	const char *day;           /* YYYY-MM-DD */
	const char *part;          /* matin, apres_midi, journee, plage */
	const char *from, *to;     /* HH:MM, for a plage */
	const char *operator_code; /* "" or an active operator's (the caller checks) */
} callback_input;

/* Checks a new callback and fills out (site_id, created_by are the
 * caller's): the slot's bounds and times, the phone number written
 * without separators. 0, or -1 with errors on "name", "phone", "reason",
 * "lang", "origin", "day", "part", "from" and "to". */
int callback_validate_new(callback_input *in, int64_t now, store_callback *out, field_errors *e);

/* The callback after the move by u at now (after is a copy of before,
 * changed): status, taken_by and taken_at, attempts, closed_by and
 * closed_at. result is the call's for CB_ATTEMPT. 0, or -1 with an error
 * on "result" (or "action" when the move is not allowed: the caller asks
 * callback_may first). */
int callback_prepare(const store_user *u, const store_callback *before, callback_action action,
                     const char *result, int64_t now, store_callback *after, field_errors *e);

/* The share of the measure in whole percent, rounded to the nearest:
 * done_in_day out of decided. -1 when nothing is decided yet. */
int callback_done_share(const store_callback_measure *m);

#endif
