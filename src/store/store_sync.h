/*
 * store_sync.h: the store's side of synchronisation (docs/sync.md): its
 * origin, the log of changes written in the same transaction as each
 * write, the attachment of a laptop store, the history of syncs and the
 * list of changes that could not be applied.
 */
#ifndef GUICHET_STORE_SYNC_H
#define GUICHET_STORE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/util.h"

/* The store's own origin: a random identifier made once, which prefixes
 * the global id (uid) of every record created here. */
int store_sync_origin(store *s, arena *a, char **origin);

/* The attachment of a laptop store to a centre; STORE_NOT_FOUND when the
 * store is not attached (a centre, or a standalone store). */
typedef struct store_sync_state {
	char *server_url;
	char *token; /* the centre's API token, kept to sync unattended */
	int64_t site_id;
	int64_t pull_cursor;
	int64_t attached_at, last_ok_at, last_try_at;
	char *last_error; /* "" after a good sync */
} store_sync_state;

int store_sync_state_get(store *s, arena *a, store_sync_state *out);
int store_sync_state_put(store *s, const store_sync_state *st);

/* Changes written here and not yet acknowledged by the centre. */
int store_sync_pending(store *s, int64_t *count, int64_t *oldest_at);

/* One line of the sync history (the manager's page, docs/sync.md). */
typedef struct store_sync_run {
	int64_t id, started_at, ended_at;
	char *direction; /* push, pull, attach */
	int64_t sent, applied, refused;
	int64_t bytes;
	char *error; /* "" when it went through */
} store_sync_run;

int store_sync_run_add(store *s, const store_sync_run *r);
int store_sync_run_list(store *s, arena *a, size_t limit, store_sync_run **out, size_t *n);

/* A change that could not be applied, kept visible with its reason on
 * the side that refused it and on the side that sent it. */
typedef struct store_sync_reject {
	int64_t id, at;
	char *change_id, *kind, *uid;
	char *reason; /* French msgid */
	char *side;   /* "here" or "centre" */
	/* Added (docs/sync.md): the version not kept, as JSON, when known
	 * here; NULL or "" otherwise. */
	char *detail;
} store_sync_reject;

int store_sync_reject_add(store *s, const store_sync_reject *r);
int store_sync_reject_list(store *s, arena *a, size_t limit, store_sync_reject **out, size_t *n);


/* ---- Added beside the contract (docs/sync.md, "Changes to the contract") */

#ifndef STORE_INVALID
/* A body or an answer that is not what it should be. */
#define STORE_INVALID (-4)
#endif
/* A change naming a record of another site than the one allowed. */
#define STORE_SYNC_OTHER_SITE (-5)

/* One column of the generic rows: the attach bundle, the geography, the
 * catalog and the records travel as objects of these, column by column. */
typedef struct store_sync_col {
	const char *name;
	char type; /* 'i' integer, 't' text */
} store_sync_col;

typedef struct store_sync_val {
	int64_t i;
	char *t; /* text columns; never NULL once read */
} store_sync_val;

/* The values of a row, in the order of its table's columns. */
typedef struct store_sync_row {
	store_sync_val *v;
} store_sync_row;

/* The columns of a table that travel: "sites", "users", "user_sites",
 * "operators", "themes", "skill_topics", "procedures", "regions",
 * "departements", "communes", "commune_postcodes" (whole rows, with their
 * ids), and "visits", "visitors", "demands", "workshops", "satisfaction"
 * (the state of a record: no local id, no updated_at). NULL for another
 * name. */
const store_sync_col *store_sync_columns(const char *table, size_t *n);

/* Rows of a table of the bundle: sites and users (and user_sites) of
 * site_id, the whole catalog, and up to limit geography rows after the
 * code after (communes and commune_postcodes; the others whole). */
int store_sync_table_rows(store *s, arena *a, const char *table, int64_t site_id, const char *after,
                          size_t limit, store_sync_row **out, size_t *n);
/* Writes rows of such a table (inserted, or replacing the row with the
 * same key) in one transaction. */
int store_sync_table_put(store *s, const char *table, const store_sync_row *rows, size_t n);

/* The state of one record as it travels. */
typedef struct store_sync_record {
	const char *kind; /* visit, workshop, satisfaction */
	char *uid;
	store_sync_row main;    /* columns of store_sync_columns(kind's table) */
	store_sync_row visitor; /* a visit's visitor */
	store_sync_row *demands;
	size_t ndemands;
} store_sync_record;

/* The table of a kind ("visits", "workshops", "satisfaction"); NULL for
 * another kind. */
const char *store_sync_kind_table(const char *kind);
/* A column's value in a row of table; NULL when no such column. */
store_sync_val *store_sync_field(const char *table, const store_sync_row *r, const char *name);

/* The current state of the record uid, STORE_NOT_FOUND when absent. */
int store_sync_record_get(store *s, arena *a, const char *kind, const char *uid, store_sync_record *out);

/* One line of the log. */
typedef struct store_sync_change {
	int64_t seq;
	char *change_id, *kind, *uid, *origin;
	int64_t site_id, created_at;
} store_sync_change;

/* Up to limit changes waiting for the centre, oldest first. */
int store_sync_change_list(store *s, arena *a, size_t limit, store_sync_change **out, size_t *n);
/* The changes of site_id after seq whose origin is not origin, newest per
 * uid, from at most limit lines of the site, in seq order; *last is the
 * greatest seq read (the next cursor). */
int store_sync_changes_after(store *s, arena *a, int64_t site_id, int64_t seq, const char *origin,
                             size_t limit, store_sync_change **out, size_t *n, int64_t *last);
/* The latest seq of the log (0 when empty). */
int store_sync_last_seq(store *s, int64_t *seq);
/* Marks the changes acknowledged (pushed_at = now). */
int store_sync_mark_pushed(store *s, char *const *change_ids, size_t n);

/* What the conflict rules say of an incoming state (docs/sync.md). */
enum store_sync_action {
	SYNC_INSERT,        /* no such record here */
	SYNC_SAME,          /* already applied: nothing to do */
	SYNC_DELETE,        /* incoming deletion of a live record */
	SYNC_KEEP_DELETED,  /* a correction of a deleted record: refused */
	SYNC_OVERWRITE,     /* the incoming state is later: it replaces */
	SYNC_KEEP_HERE      /* the state here is later: incoming refused */
};

/* The decision for an incoming state (changed_at, origin, deleted) against
 * the one here (exists 0 when there is none). */
enum store_sync_action store_sync_decide(int exists, int64_t here_at, const char *here_origin,
                                         int64_t here_deleted, int64_t in_at, const char *in_origin,
                                         int64_t in_deleted);

/* What became of one record of a batch. */
typedef struct store_sync_outcome {
	int applied;        /* 1 applied (or already there), 0 refused */
	const char *reason; /* msgid when refused */
} store_sync_outcome;

/* Applies the records in one transaction with the conflict rules; every
 * record written is logged (pushed_at set when log_pushed, the laptop
 * applying a pull). change_ids name the incoming changes (for the
 * rejects). With site_id > 0, a record whose existing row belongs to
 * another site makes the whole batch STORE_SYNC_OTHER_SITE, nothing
 * written; a value the schema refuses gives STORE_CONFLICT, nothing
 * written. */
int store_sync_apply(store *s, const store_sync_record *recs, char *const *change_ids, size_t n,
                     int64_t site_id, int log_pushed, store_sync_outcome *out);

#endif
