/*
 * escalation.h: the rules of an escalation to an operator's back office
 * (REFERENCE.md section 5, docs/escalations.md): its statuses, the moves
 * each side may make from each status (one rule table), what each move
 * needs (a text, a way of telling the person, "was it useful?"), the due
 * date, and the documents' types by their content. Who sees it and from
 * which side is access.h's.
 *
 * Pure functions over records: no SQL, no HTTP, no session. The pages, the
 * API and app/app_escalations.c ask here and nowhere else.
 */
#ifndef GUICHET_ESCALATION_H
#define GUICHET_ESCALATION_H

#include <stddef.h>
#include <stdint.h>

#include "domain/access.h"
#include "store/store.h"
#include "store/store_escalations.h"
#include "util/util.h"

/* The deadline of an operator whose deadline_days is not set. */
#define ESCALATION_DEFAULT_DEADLINE_DAYS 15

/* The moves. */
typedef enum escalation_action {
	ESC_SEND,     /* adviser: a new one (no referent when created) is sent */
	ESC_TAKE,     /* referent: takes it in hand */
	ESC_ANSWER,   /* referent: the answer, visible to the adviser */
	ESC_NOTE,     /* referent: a note of the back office, never shown to advisers */
	ESC_ASK_INFO, /* referent: asks the adviser for more information */
	ESC_COMPLETE, /* adviser: answers that request; it goes back to the referent */
	ESC_WRONG,    /* referent: "not the right interlocutor" */
	ESC_REDIRECT, /* adviser: sends it to another operator after ESC_WRONG */
	ESC_CLOSE,  /* either side: closes it (the adviser says how the person was told and if it was useful)
	             */
	ESC_ATTACH, /* adviser: adds documents while it is open */
	ESC_NACTIONS
} escalation_action;

/* The status codes in order, their labels (French msgids) and the code of
 * an action ("repondre") as forms and the API name it. */
extern const char *const escalation_statuses[6];
const char *escalation_status_label(const char *status);
const char *escalation_action_code(escalation_action a);
/* -1 for an unknown code. */
int escalation_action_parse(const char *code);
/* The French msgid of an event's action ("reponse"). */
const char *escalation_event_label(const char *action);
/* The ways the person is told, and the answers to "was it useful?":
 * codes and French msgids. */
typedef struct escalation_choice {
	const char *code, *label;
} escalation_choice;
const escalation_choice *escalation_told_by(size_t *n);
const escalation_choice *escalation_useful(size_t *n);
const char *escalation_choice_label(const escalation_choice *v, size_t n, const char *code);

/* Whether the actor may make the move now: the rule table (the actor's
 * side, access.h's escalation_side_of, and the status) and
 * info_requested. */
int escalation_may(const escalation_actor *a, const store_escalation *e, escalation_action action);
/* 1 when the referent's answer is late: sent, not answered, due before now. */
int escalation_overdue(const store_escalation *e, int64_t now);
/* The due date of an escalation sent at `at` to an operator whose deadline
 * is deadline_days (0: the default). */
int64_t escalation_due_at(int64_t at, int64_t deadline_days);

/* A new escalation: the question (trimmed in place) and the person's
 * consent. 0, or -1 with errors on "question" and "consent". */
int escalation_validate_new(char *question, int consent, field_errors *e);

/* What a move brings. */
typedef struct escalation_input {
	char *body;                /* the answer, note, question or reason (trimmed in place) */
	const char *operator_code; /* ESC_REDIRECT: the new operator (known and active: the caller checks) */
	const char *told_by;       /* ESC_CLOSE by the adviser */
	const char *useful;        /* ESC_CLOSE by the adviser */
	int referent_exists;       /* ESC_SEND, ESC_REDIRECT: whether the operator has a referent there */
	int64_t deadline_days;     /* ESC_SEND, ESC_REDIRECT: the (new) operator's */
	int nfiles;                /* documents brought with the move */
} escalation_input;

/* The escalation after the move (after is a copy of before, changed), the
 * event's action code, and whether it is internal. 0, or -1 with errors on
 * "body", "operator_code", "told_by", "useful" or "files". Does not check
 * escalation_may: the caller does first. */
int escalation_prepare(const escalation_actor *a, const store_escalation *before, escalation_action action,
                       escalation_input *in, int64_t now, store_escalation *after, const char **event,
                       int *internal, field_errors *e);

/* The type of a document by its first bytes: "application/pdf",
 * "image/jpeg", "image/png", or NULL for any other. */
const char *escalation_file_type(const void *data, size_t len);
/* The extension of one of those types ("pdf"), "bin" otherwise. */
const char *escalation_file_ext(const char *mime);
/* The name a document was sent with, made safe for display: no
 * directories, no control or bidirectional characters, no leading dots, at
 * most ESCALATION_FILE_NAME_BYTES bytes (cut at a character boundary);
 * "document" when nothing is left. */
#define ESCALATION_FILE_NAME_BYTES 120
void escalation_clean_name(const char *in, char *out, size_t outlen);

#endif
