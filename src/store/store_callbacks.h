/*
 * store_callbacks.h: a site's callbacks and the calls made to each
 * (sql/019_callbacks.sql, docs/callbacks.md). Same conventions as store.h
 * (0, STORE_NOT_FOUND, STORE_CONFLICT, STORE_ERROR; strings from the
 * caller's arena). The rules (statuses, moves, who may) are
 * domain/callback.h's: the store applies a move it is given, in one
 * transaction, only if the callback is still in the state the move was
 * decided on, so that two advisers taking the same callback at the same
 * instant cannot both succeed, on either engine.
 */
#ifndef GUICHET_STORE_CALLBACKS_H
#define GUICHET_STORE_CALLBACKS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct store_callback {
	int64_t id, site_id;
	char *status;               /* a_rappeler, pris, fait, injoignable, annule */
	char *origin;               /* telephone, guichet */
	char *name;                 /* how to address the person; "" once wiped */
	char *phone;                /* digits (and a leading +); "" once wiped */
	char *lang;                 /* the language to speak */
	char *slot_day;             /* YYYY-MM-DD, local */
	char *slot_part;            /* matin, apres_midi, journee, plage */
	int slot_from, slot_to;     /* minutes since midnight */
	int64_t starts_at, ends_at; /* the same slot in Unix seconds */
	char *reason;               /* "" once wiped */
	char *operator_code;        /* "" for none */
	int64_t taken_by, taken_at; /* 0 while nobody took it */
	int attempts;               /* calls that did not reach the person */
	int64_t created_by, created_at, closed_by, closed_at, updated_at;
	int64_t visit_id; /* the visit recorded once done, 0 until then */
	int64_t wiped_at; /* 0 while its personal data is kept */
	/* Filled by reads: */
	char *taken_by_name; /* "" when nobody */
	char *last_result;   /* the last call's result, "" before any */
	char *operator_name; /* "" for none */
} store_callback;

typedef struct store_callback_attempt {
	int64_t id, callback_id, at, user_id;
	char *user_name; /* "" for an account gone */
	char *result;    /* pas_de_reponse, mauvais_numero, messagerie */
} store_callback_attempt;

/* Inserts c (site_id, origin, name, phone, lang, the slot, reason,
 * operator_code, created_by) as a_rappeler at now; sets c->id. */
int store_callback_insert(store *s, store_callback *c, int64_t now);
int store_callback_get(store *s, arena *a, int64_t id, store_callback *out);

/* One move decided on `before`: the callback takes the status, taken_by,
 * taken_at, attempts, closed_by and closed_at of `after`, only if its
 * status, taken_by and attempts are still before's (STORE_CONFLICT
 * otherwise, nothing written; STORE_NOT_FOUND when it does not exist).
 * With result (not NULL), the call is recorded by user_id in the same
 * transaction. */
int store_callback_apply(store *s, const store_callback *before, const store_callback *after,
                         const char *result, int64_t user_id, int64_t now);
/* Links the visit recorded for a callback closed done that has none yet
 * (STORE_CONFLICT otherwise). */
int store_callback_set_visit(store *s, int64_t id, int64_t visit_id);

/* The calls made, oldest first. */
int store_callback_attempts(store *s, arena *a, int64_t id, store_callback_attempt **out, size_t *n);

/* A site's callbacks, at most LIMIT_PAGE_ROWS: the open ones by preferred
 * time (then id), or with closed set those closed since closed_since, the
 * most recent first. */
int store_callback_list(store *s, arena *a, int64_t site_id, int closed, int64_t closed_since,
                        store_callback **out, size_t *n);

/*
 * The measure "callbacks done within a day" (docs/callbacks.md), for the
 * reports and the list page: among the callbacks of site_id (0: every
 * site) created in [from, to) (Unix seconds), cancelled ones left out,
 *   created     how many there are;
 *   done_in_day how many were closed done at most CALLBACK_WITHIN_S
 *               (24 h) after their creation;
 *   pending     how many are still open and were created less than 24 h
 *               before `now`: not decided yet, left out of the share.
 * The share is done_in_day / (created - pending) (domain/callback.h:
 * callback_done_share). A callback closed later than 24 h, unreachable,
 * or still open after 24 h counts against it.
 */
typedef struct store_callback_measure {
	int64_t created;
	int64_t done_in_day;
	int64_t pending;
} store_callback_measure;
int store_callback_measure_get(store *s, int64_t site_id, int64_t from, int64_t to, int64_t now,
                               store_callback_measure *out);

/* The retention purge: empties name, phone and reason of the callbacks
 * closed before `before` and sets wiped_at; the rest stays for the
 * measure. *n counts them (with dry_run, only counted). */
int store_purge_callbacks(store *s, int64_t before, int64_t now, int dry_run, int64_t *n);

#endif
