/*
 * app_escalations.h: what an escalation needs of the running server
 * (docs/escalations.md): the directory of its documents and their files
 * (named by their SHA-256, never by the name they were sent with), the
 * actor of an account (its referent départements), a move decided by
 * domain/escalation.h and applied by the store, and the notification hook
 * called after every move. The pages and the API call these.
 */
#ifndef GUICHET_APP_ESCALATIONS_H
#define GUICHET_APP_ESCALATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "app/config.h"
#include "domain/escalation.h"
#include "store/store_escalations.h"

struct app;

/* The directory of the documents: the setting escalation-files-dir, else
 * "FILE-escalations" beside a SQLite store FILE; NULL for a PostgreSQL
 * store without the setting (documents are then refused). */
const char *app_escalation_dir(const config *cfg, char *out, size_t outlen);

/* Checks a document (not empty, LIMIT_ESCALATION_FILE_BYTES at most, a
 * PDF, JPEG or PNG by its content) and writes it under its hash, once;
 * fills f (sha256, mime, size, the cleaned name into name, from a). 0, or
 * -1 with the reason (a French msgid) in *why. */
int app_escalation_file_put(const config *cfg, arena *a, const void *data, size_t len, const char *name,
                            store_escalation_file *f, const char **why);
/* The bytes of a document, from the arena; -1 when the file is missing. */
int app_escalation_file_read(const config *cfg, arena *a, const char *sha256, char **data, size_t *len);
/* Removes the file of a hash no row names any more (the purge). */
void app_escalation_file_remove(const config *cfg, const char *sha256);

/* The actor of an account: the account and, for an operator's referent,
 * the départements it answers for (from the arena). 0 or -1 (store). */
int app_escalation_actor(struct app *app, arena *a, const store_user *u, escalation_actor *out);

/* Escalates the demand demand_id for the account u: the demand must be
 * live and at one of u's sites (escalation_may_create), its outcome
 * "escalade" and not escalated yet; the question and consent are checked
 * by escalation_validate_new (errors in e); the files are already written
 * (app_escalation_file_put). Sent at once when the operator has a referent
 * for the site's département, else kept "nouvelle". Calls the notification
 * hook. *id receives the escalation. */
enum {
	APP_ESC_OK = 0,
	APP_ESC_NOT_FOUND = -1,    /* missing, deleted, or not at one of u's sites */
	APP_ESC_NOT_ESCALADE = -2, /* its outcome is not "escalade" */
	APP_ESC_EXISTS = -3,       /* escalated already */
	APP_ESC_INVALID = -4,      /* errors in e */
	APP_ESC_ERROR = -5         /* the store failed */
};
int app_escalation_create(struct app *app, arena *a, const store_user *u, int64_t demand_id, char *question,
                          int consent, const store_escalation_file *files, size_t nfiles, int64_t now,
                          int64_t *id, field_errors *e);

/* Applies a move decided by escalation_may and escalation_prepare:
 * stores it (store_escalation_apply) and calls app_escalation_notify.
 * A STORE_* result. */
int app_escalation_move(struct app *app, const store_escalation *before, const store_escalation *after,
                        const char *event, int internal, const char *body, const char *detail,
                        int64_t user_id, const store_escalation_file *files, size_t nfiles, int64_t now);

/* The hook of notifications: called after every stored move (and after a
 * creation, with event "creation" or "envoi") with the escalation as it is
 * now and the event's action code. It queues e-mails (app_notify, each
 * recipient's own language and choice, a link to /escalations/ID only):
 * the referents of e->operator_code for e->departement on "envoi" and on a
 * "redirection" that sent it (escalation_new); the adviser who created it
 * (else the site's managers, store_escalation_recipients) on "reponse" and
 * "mauvais_interlocuteur" (escalation_answer) and "demande_info"
 * (escalation_info). The actor is never told of their own move. It never
 * fails the move: a notification that cannot be queued is logged. */
void app_escalation_notify(struct app *app, const store_escalation *e, const char *event, int64_t actor_id);

/* The sweep of late escalations, run by the mail thread: each escalation
 * envoyee or en_cours past its due date and not announced yet is marked
 * (store_escalation_overdue_mark) and both sides are told
 * (escalation_overdue), once per due date. The number announced. */
int64_t app_escalation_overdue_sweep(struct app *app, int64_t now);

/* The retention purge of escalations closed before `before`
 * (store_purge_escalations), removing the files of the documents no row
 * names any more. */
int app_escalation_purge(store *s, const config *cfg, int64_t before, int64_t now, int dry_run, int64_t *n);

#endif
