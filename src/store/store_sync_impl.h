/*
 * store_sync_impl.h: the capture of a write in the log of changes
 * (docs/sync.md), called by the store files that write visits, workshops
 * and satisfaction answers, inside their own transaction.
 */
#ifndef GUICHET_STORE_SYNC_IMPL_H
#define GUICHET_STORE_SYNC_IMPL_H

#include <stdint.h>

#include "db/db.h"
#include "store/store.h"
#include "store/store_impl.h"

/* Gives the record (kind visit, workshop or satisfaction, local id) its
 * uid when it has none, marks it changed now here, and appends one line to
 * the log, on c inside the caller's transaction. */
int store_sync_capture(store *s, db_conn *c, const char *kind, int64_t id, int64_t now);

/* Takes the log's counter (sql/023_sync.sql) for the rest of the
 * transaction: called first by every transaction that logs, so that all
 * take their locks in one order (the counter, then the records) and two
 * never wait for each other. */
int store_sync_lock(store *s, db_conn *c);
/* store_once for one write of a record that is logged: the statement
 * (whose first column is the record's id, RETURNING id) and its capture in
 * one transaction. STORE_NOT_FOUND when it touched no row. */
int store_once_logged(store *s, const char *op, const char *sql, const store_param *p, size_t n,
                      int64_t *first, const char *kind);
/* Logs every visit of a visitor (an erasure of the person travels with
 * them), on c in the caller's transaction. */
int store_sync_capture_visitor(store *s, db_conn *c, int64_t visitor_id, int64_t now);

#endif
