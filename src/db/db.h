/*
 * db.h: the database driver interface. db_sqlite.c implements it for SQLite and
 * db_pg.c for PostgreSQL, so that store.c holds the SQL
 * once, written with '?' placeholders in the subset both engines accept.
 *
 * A db is a pool of connections. A connection is used by one thread at a
 * time: take it with db_acquire, give it back with db_release. Statements
 * are prepared once per connection and cached by their SQL text.
 */
#ifndef GUICHET_DB_H
#define GUICHET_DB_H

#include <stddef.h>
#include <stdint.h>

typedef struct db db;
typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

/* How long the store's operations hold a connection (db_acquire to
 * db_release), as a histogram for /metrics: counts[b] is the number of
 * holds of at most db_latency_le[b] seconds and above the bound before,
 * the last one beyond every bound. */
#define DB_LATENCY_BUCKETS 8
extern const double db_latency_le[DB_LATENCY_BUCKETS - 1];
void db_latency(db *d, uint64_t counts[DB_LATENCY_BUCKETS], uint64_t *sum_us, uint64_t *n);

enum db_rc {
	DB_OK = 0,
	DB_ROW = 1,         /* db_step produced a row */
	DB_DONE = 2,        /* db_step finished */
	DB_ERROR = -1,      /* anything else: message in db_errmsg */
	DB_CONSTRAINT = -2, /* unique, foreign key or check constraint */
	DB_BUSY = -3        /* lock not obtained within the busy timeout */
};

enum db_kind { DB_SQLITE = 1, DB_POSTGRES = 2 };

/* Opens "file path", "sqlite:path", "postgres://…" or a libpq string. */
int db_open(db **out, const char *url, unsigned pool_size, char *err, size_t errlen);
void db_close(db *d);
/* Whether the database named by url is already there (added): 0 for a
 * SQLite file that does not exist yet, 1 otherwise (a server is assumed to
 * exist; opening it will tell). Commands other than init use it so that a
 * mistyped path is reported instead of silently creating an empty file. */
int db_exists(const char *url);
enum db_kind db_kind_of(const db *d);

/* The file a SQLite URL names ("sqlite:a.db", "a.db"); NULL for a
 * PostgreSQL URL, whose backups are pg_dump's (docs/operations.md). */
const char *db_sqlite_file(const char *url);
/* Copies the SQLite database file from, which other processes may be
 * writing, into the new file to with SQLite's online backup: a consistent
 * snapshot of the last committed transaction. to is written beside as
 * "to.part", synced, then renamed: it is complete or absent. Readable by its
 * owner only. DB_OK, or DB_ERROR with a message (to exists already, a
 * source that is no database, a full disk). */
int db_sqlite_copy(const char *from, const char *to, char *err, size_t errlen);

db_conn *db_acquire(db *d);
void db_release(db *d, db_conn *c);

/* A read scope, for a request that reads and seldom writes (a page shown
 * by GET). On SQLite, between begin and end every db_acquire of this thread
 * gets the same connection, and its reads share one read transaction: one
 * snapshot, and one pair of locks on the shared WAL index instead of a pair
 * per statement. A write ends that transaction before it runs, so it starts
 * from the latest state, and the next read opens another; a write
 * transaction (db_begin) likewise. Nothing on PostgreSQL. Nests; must end
 * on the thread that began it. */
void db_scope_begin(db *d);
void db_scope_end(db *d);

/* Runs a script of several statements without parameters (migrations).
 * Macros expanded first, so the same file serves both engines:
 *   {{pk}}      an auto-increment integer primary key
 *   {{strict}}  SQLite's STRICT table option, nothing on PostgreSQL
 *   {{int}}     a 64-bit integer column type */
int db_exec_script(db_conn *c, const char *sql);

int db_begin(db_conn *c); /* a write transaction (BEGIN IMMEDIATE on SQLite) */
int db_commit(db_conn *c);
int db_rollback(db_conn *c);

/* Returns a prepared statement, reset and with its bindings cleared. */
db_stmt *db_prepare(db_conn *c, const char *sql);
int db_bind_int(db_stmt *s, int i, int64_t v); /* i counts from 1 */
int db_bind_text(db_stmt *s, int i, const char *v); /* NULL binds SQL NULL */
int db_bind_null(db_stmt *s, int i);
int db_step(db_stmt *s);
int db_column_count(db_stmt *s);
int db_col_is_null(db_stmt *s, int i); /* i counts from 0 */
int64_t db_col_int(db_stmt *s, int i);
const char *db_col_text(db_stmt *s, int i); /* valid until the next step; never NULL ("" for NULL) */
/* Finishes the statement so it can be prepared again. */
void db_done(db_stmt *s);

const char *db_errmsg(db_conn *c);
/* Counters for /metrics. */
uint64_t db_error_count(const db *d);

#endif
