/*
 * db_impl.h: what a database engine provides to db.c. Private to db*.c.
 *
 * db.c owns what every engine shares (the pool of connections, the choice of
 * engine from the URL, the macros of migration scripts, the error counter);
 * an engine (db_sqlite.c, later db_pg.c) fills a db_driver table with the
 * calls that differ. Its connections and statements start with the headers
 * below, so that db.c can find the engine and the pool from any of them.
 */
#ifndef GUICHET_DB_IMPL_H
#define GUICHET_DB_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* The first member of every engine's connection. */
struct db_conn {
	const struct db_driver *drv;
	db *owner;
	struct db_conn *next_free; /* the pool's free list */
	char err[256];             /* the last error, for db_errmsg */
	int64_t held_since_us;     /* mono_us() at db_acquire */
};

/* The first member of every engine's statement. */
struct db_stmt {
	struct db_conn *conn;
};

/* One text substitution of db_exec_script: "{{name}}" becomes value. */
struct db_macro {
	const char *name;
	const char *value;
};

struct db_driver {
	const char *name; /* "sqlite", "postgresql" */
	enum db_kind kind;
	const char *begin_sql; /* starts a write transaction */
	const struct db_macro *macros;
	size_t nmacros;

	/* Largest useful pool for this target (an in-memory SQLite database
	 * exists once per connection, so it must be alone); 0 for no limit. */
	unsigned (*pool_limit)(const char *target);
	/* Whether the target database exists already (see db_exists). */
	int (*exists)(const char *target);
	/* Opens one connection; NULL with a message in err. */
	db_conn *(*connect)(const char *target, char *err, size_t errlen);
	void (*disconnect)(db_conn *c);
	/* Runs statements without parameters, macros already expanded. */
	int (*exec)(db_conn *c, const char *sql);

	db_stmt *(*prepare)(db_conn *c, const char *sql);
	int (*bind_int)(db_stmt *s, int i, int64_t v);
	int (*bind_text)(db_stmt *s, int i, const char *v);
	int (*bind_null)(db_stmt *s, int i);
	int (*step)(db_stmt *s);
	int (*column_count)(db_stmt *s);
	int (*col_is_null)(db_stmt *s, int i);
	int64_t (*col_int)(db_stmt *s, int i);
	const char *(*col_text)(db_stmt *s, int i);
	void (*done)(db_stmt *s);
	/* Marks a connection as the read scope's (on) or no longer (off,
	 * ending its read transaction); NULL where there is no such scope. */
	void (*scope)(db_conn *c, int on);
};

extern const struct db_driver db_sqlite_driver;
extern const struct db_driver db_pg_driver;

#endif
