/*
 * store_escalations.h: escalations of a demand to an operator's back office
 * (sql/016_escalations.sql): the escalation, its journal of events, its
 * documents' rows (their bytes live in files, app/app_escalations.c), and
 * the départements of the operators' referents. Same conventions as
 * store.h (0, STORE_NOT_FOUND, STORE_CONFLICT, STORE_ERROR; strings from the
 * caller's arena). The rules (statuses, moves, who may) are
 * domain/escalation.h's: the store applies a move it is given, in one
 * transaction, only if the escalation is still in the state the move was
 * decided on.
 */
#ifndef GUICHET_STORE_ESCALATIONS_H
#define GUICHET_STORE_ESCALATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct store_escalation {
	int64_t id;
	int64_t demand_id, visit_id, site_id;
	char *departement;   /* the site's, when sent */
	char *operator_code; /* whose back office */
	char *status;        /* nouvelle, envoyee, en_cours, traitee, cloturee, mauvais_interlocuteur */
	int info_requested;  /* the referent waits for the adviser */
	char *question;      /* "" once wiped */
	int64_t consent_at;
	int64_t created_by, created_at, sent_at, due_at, answered_at, closed_at, updated_at;
	char *told_by;    /* telephone, courrier, visite; "" */
	char *useful;     /* oui, ne_sait_pas, non; "" */
	int64_t wiped_at; /* 0 while its texts are kept */
	/* Filled by reads: */
	char *site_name;
	char *operator_name;
} store_escalation;

typedef struct store_escalation_event {
	int64_t id, escalation_id, at, user_id;
	char *user_name; /* "" for an account gone */
	char *action;    /* creation, envoi, prise_en_charge, reponse, note, demande_info, complement,
	                    mauvais_interlocuteur, redirection, cloture, piece */
	char *status;    /* after the event */
	char *body;
	int internal; /* the back office's own note */
	char *detail; /* codes only (an operator moved from, a way of telling) */
} store_escalation_event;

typedef struct store_escalation_file {
	int64_t id, escalation_id;
	char sha256[65];
	char *mime; /* application/pdf, image/jpeg, image/png */
	int64_t size;
	char *name; /* the cleaned name it was sent with, for display */
	int64_t added_by, added_at;
} store_escalation_file;

/* Creates the escalation of demand e->demand_id with its first events
 * (creation, then envoi when e->status is envoyee) and its files' rows, and
 * links the demand to it, in one transaction. The demand must be live, its
 * outcome "escalade" and not linked yet: STORE_NOT_FOUND when it is
 * missing or deleted, STORE_CONFLICT when it is not an escalation or has
 * one already. visit_id, site_id, departement and operator_code are read
 * from the demand and its site; due_at is sent_at plus deadline_days
 * (given by the caller, from the operator). Sets e->id and the rest. */
int store_escalation_insert(store *s, store_escalation *e, int64_t deadline_days,
                            const store_escalation_file *files, size_t nfiles, int64_t now);

/* One move: the escalation, which was in status `from` with
 * info_requested `from_info` when the move was decided, takes the values
 * of `after` (status, info_requested, operator_code, sent_at, due_at,
 * answered_at, closed_at, told_by, useful), and the event is journaled
 * with its files' rows, in one transaction. STORE_CONFLICT when the
 * escalation moved meanwhile (nothing written), STORE_NOT_FOUND when it
 * does not exist. */
typedef struct store_escalation_move {
	int64_t id;
	const char *from;
	int from_info;
	const store_escalation *after;
	const char *action; /* the event's */
	const char *body;
	int internal;
	const char *detail;
	int64_t user_id;
	const store_escalation_file *files; /* added with the move */
	size_t nfiles;
} store_escalation_move;
int store_escalation_apply(store *s, const store_escalation_move *m, int64_t now);

/* The visit of a live demand (STORE_NOT_FOUND when the demand or its
 * visit is missing or deleted). */
int store_escalation_demand_visit(store *s, int64_t demand_id, int64_t *visit_id);
int store_escalation_get(store *s, arena *a, int64_t id, store_escalation *out);
/* The latest escalation of a demand; STORE_NOT_FOUND when it has none. */
int store_escalation_of_demand(store *s, arena *a, int64_t demand_id, store_escalation *out);
/* Its events, oldest first; with_internal 0 leaves out the back office's
 * notes. */
int store_escalation_events(store *s, arena *a, int64_t id, int with_internal, store_escalation_event **out,
                            size_t *n);
int store_escalation_files(store *s, arena *a, int64_t id, store_escalation_file **out, size_t *n);
int store_escalation_file_get(store *s, arena *a, int64_t file_id, store_escalation_file *out);

/* Which escalations a list gives, at most LIMIT_PAGE_ROWS, by due date
 * (the open ones first, then the closed ones most recent first). One of:
 * site_ids (the advisers' sites), operator_code with departements (a
 * referent's), departement (a coordinator's), or none of them (every
 * escalation, an administrator's). open_only leaves the closed out. */
typedef struct store_escalation_filter {
	const int64_t *site_ids;
	size_t nsites;
	const char *operator_code;
	char *const *departements;
	size_t ndepartements;
	const char *departement;
	int all;
	int open_only;
} store_escalation_filter;
int store_escalation_list(store *s, arena *a, const store_escalation_filter *f, store_escalation **out,
                          size_t *n);

/* The départements the operator account user_id answers for, in order. */
int store_referent_departements(store *s, arena *a, int64_t user_id, char ***out, size_t *n);
/* Replaces them, in one transaction (n 0 removes them all). */
int store_referent_set(store *s, int64_t user_id, char *const *departements, size_t n);
/* The active accounts that answer for operator_code in departement. */
int store_referent_count(store *s, const char *operator_code, const char *departement, int64_t *n);

/* The retention purge: empties the texts (question, bodies of the events,
 * names of the documents) of escalations closed before `before`, deletes
 * their documents' rows and sets wiped_at; the statuses, dates, operator,
 * département and usefulness stay. *n counts the escalations (with
 * dry_run, only counted). *hashes receives (from the arena) the SHA-256
 * of the documents no row names any more, whose files the caller removes. */
int store_purge_escalations(store *s, arena *a, int64_t before, int64_t now, int dry_run, int64_t *n,
                            char ***hashes, size_t *nhashes);

/* Who is told of an escalation's event (app_escalation_notify), active
 * accounts only, in order of id, from the arena. side 0: the referents of
 * e->operator_code for e->departement; side 1: the adviser who created it
 * while it is still an active account of the escalation's site, else the
 * site's active managers. */
int store_escalation_recipients(store *s, arena *a, const store_escalation *e, int side, int64_t **ids,
                                size_t *n);

/* The sweep of late escalations (sql/022_escalation_overdue.sql): the ids
 * of at most max escalations envoyee or en_cours whose due date is past at
 * now and was never announced; then store_escalation_overdue_mark claims
 * one: 0 when this call marked it (announce it), STORE_CONFLICT when
 * another server did first or it moved meanwhile. A redirection gives a
 * new due date, announced again once past. */
int store_escalation_overdue_list(store *s, int64_t now, int64_t *ids, size_t max, size_t *n);
int store_escalation_overdue_mark(store *s, int64_t id, int64_t now);

#endif
