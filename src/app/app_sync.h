/*
 * app_sync.h: the laptop's side of offline synchronisation (docs/sync.md):
 * moving the bytes between an attached store and its centre over HTTPS
 * (libcurl), the thread of `guichet serve` that syncs every sync-interval
 * seconds, and the state every page shows, kept in memory.
 *
 * sync.h turns the log into JSON and applies what arrives; this file only
 * sends, receives, records each run (store_sync_run_add) and keeps the
 * attachment's last_ok_at, last_try_at and last_error up to date.
 */
#ifndef GUICHET_APP_SYNC_H
#define GUICHET_APP_SYNC_H

#include <stdint.h>

#include "app/config.h"
#include "store/store.h"
#include "util/i18n.h"
#include "util/util.h"

struct app;

/* What one run did: changes sent and applied, refused, bytes moved. */
typedef struct app_sync_result {
	int64_t sent, applied, refused, bytes;
} app_sync_result;

/* Checks a centre's address: https://, or http:// to this machine only
 * unless cfg->sync_allow_http. 0, or -1 with err filled. */
int app_sync_url_check(const config *cfg, const char *url, char *err, size_t errlen);

/* Attaches the store s to the centre at server_url with token: the site
 * (site_id, 0 for the account's only one), its users and the catalog (the
 * bundle), then every page of the geography. The store must not be
 * attached yet. 0, or -1 with err. */
int app_sync_attach(store *s, const config *cfg, const char *server_url, const char *token, int64_t site_id,
                    app_sync_result *res, char *err, size_t errlen);
/* Sends every change waiting, in batches, until none waits. Each run is
 * recorded in the history and the attachment's state: 0, or -1 with err;
 * 1 with err, and nothing recorded, when the store is not attached. */
int app_sync_push(store *s, const config *cfg, app_sync_result *res, char *err, size_t errlen);
/* Brings back what changed for the site elsewhere, until nothing more;
 * returns as app_sync_push. */
int app_sync_pull(store *s, const config *cfg, app_sync_result *res, char *err, size_t errlen);
/* A push then a pull (none after a failed push), one run at a time in
 * this process (the thread, the manager's button); returns as
 * app_sync_push. */
int app_sync_now(store *s, const config *cfg, char *err, size_t errlen);

/* ---- The state every page shows, read from memory. */
typedef struct app_sync_snapshot {
	int attached;
	int64_t last_ok_at, last_try_at;
	int64_t pending, oldest_at;
	char last_error[200];
} app_sync_snapshot;

/* Reads the store's attachment and its changes waiting into the snapshot
 * (the thread does it after each run and every few seconds). */
void app_sync_refresh(store *s);
void app_sync_snapshot_get(app_sync_snapshot *out);
/* The status line of the page header, in language l, a link to /sync
 * when link (the page's managers and admins): nothing when the store is
 * not attached. */
void app_sync_status_html(buf *o, const lang *l, int64_t now, int link);
/* guichet_sync_pending_changes and guichet_sync_oldest_pending_seconds. */
void app_sync_metrics(buf *out, int64_t now);

/* The server's thread: syncs every cfg->sync_interval seconds while the
 * store is attached. 0, or -1 when it cannot start. */
int app_sync_start(struct app *app);
/* Stops the thread, and cuts short any exchange in progress in this
 * process (a manager's "sync now" too); safe to call twice. */
void app_sync_stop(struct app *app);

#endif
