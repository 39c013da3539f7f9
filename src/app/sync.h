/*
 * sync.h: offline recording that synchronises with a central server
 * (docs/sync.md). A laptop store is attached once to a centre; every
 * write on either side is logged in the same transaction (store_sync.h);
 * the laptop pushes its log in batches and pulls what changed for its
 * site. This file turns the log into the wire format (JSON) and back,
 * and applies what arrives, on both sides; moving the bytes (libcurl,
 * the periodic thread, the command line) lives in app_sync.c and
 * cli_sync.c, the centre's endpoints in api_sync.c.
 *
 * Every apply is idempotent: a batch applied twice changes nothing.
 * Every batch is applied in one transaction: on any refusal of the whole
 * batch (a record of another site, a malformed body) nothing is written.
 */
#ifndef GUICHET_SYNC_H
#define GUICHET_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/util.h"

/* Limits of one batch (docs/sync.md): a body larger than SYNC_MAX_BODY is
 * refused before it is read whole. */
#define SYNC_MAX_CHANGES 200
#define SYNC_MAX_BODY (4u << 20)

/* An HTTP status and a JSON body to answer, written by the centre's side. */
typedef struct sync_answer {
	int status; /* 200, 400 malformed, 403 another site, 413 too large */
	buf body;   /* application/json */
	/* On an error (added, docs/sync.md): its code and message (a msgid),
	 * so that the API can answer it in the reader's language. NULL on
	 * success. */
	const char *error_code, *error_msgid;
} sync_answer;

/* ---- Laptop side ---------------------------------------------------- */

/* The body of the next push: up to max_changes pending local changes
 * (oldest first), each with the current state of its record. *n is 0
 * when nothing waits. */
int sync_push_body(store *s, arena *a, size_t max_changes, buf *body, size_t *n);
/* Reads the centre's answer to that push: the changes it applied are
 * marked pushed, the ones it refused listed with their reason
 * (store_sync_reject_add). STORE_OK, or STORE_INVALID with err filled
 * when the answer is not one. */
int sync_push_answer(store *s, const char *json, size_t len, char *err, size_t errlen);
/* Applies a pull answer: records of the site changed elsewhere, the
 * catalog and the site's users (the centre's win), and the cursor for
 * the next pull. *applied counts the records written. */
int sync_pull_apply(store *s, const char *json, size_t len, size_t *applied, int *more, char *err,
                    size_t errlen);
/* Applies the attach bundle (site, users with their password hashes,
 * catalog) to a new local store and records the attachment. */
int sync_attach_apply(store *s, const char *json, size_t len, const char *server_url, const char *token,
                      char *err, size_t errlen);
/* Applies one page of the geography; *next is "" after the last page. */
int sync_geo_apply(store *s, arena *a, const char *json, size_t len, char **next, char *err, size_t errlen);

/* ---- Centre side ---------------------------------------------------- */

/* POST /api/v1/sync/push by user u (a site-scoped account). */
void sync_push_apply(store *s, arena *a, const store_user *u, const char *body, size_t len, sync_answer *out);
/* GET /api/v1/sync/pull?since=CURSOR&origin=ORIGIN for user u's site. */
void sync_pull_body(store *s, arena *a, const store_user *u, int64_t cursor, const char *origin,
                    sync_answer *out);
/* GET /api/v1/sync/attach: the bundle for user u's site. */
void sync_attach_body(store *s, arena *a, const store_user *u, sync_answer *out);
/* The same two for an account of several sites naming one (site 0: the
 * account's only site), docs/sync.md. */
void sync_pull_body_site(store *s, arena *a, const store_user *u, int64_t site_id, int64_t cursor,
                         const char *origin, sync_answer *out);
void sync_attach_body_site(store *s, arena *a, const store_user *u, int64_t site_id, sync_answer *out);
/* GET /api/v1/sync/geo?after=CODE: one page of communes. */
void sync_geo_body(store *s, arena *a, const char *after, sync_answer *out);

#endif
