/*
 * db.c: the engine-independent half of the database driver: choosing the
 * engine from the URL, the pool of connections, the macros of migration
 * scripts and the error counter. Every call on a connection or a statement
 * is passed to the engine's table (db_impl.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_impl.h"
#include "util/util.h"

struct db {
	const struct db_driver *drv;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	db_conn **all; /* every connection, to close them */
	unsigned n;
	db_conn *free_list;
	_Atomic uint64_t errors;
	/* How long connections are held, db_acquire to db_release. */
	_Atomic uint64_t held[DB_LATENCY_BUCKETS];
	_Atomic uint64_t held_sum_us, held_n;
};

const double db_latency_le[DB_LATENCY_BUCKETS - 1] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0};

/* A postgres:// URL, or a libpq "key=value …" string: an '=' before any
 * space or '/' ("host=/run/postgresql dbname=g"), which a path to a file
 * ("/srv/a=b.db", "./a=b.db") does not have. */
static int is_postgres_url(const char *url)
{
	if (str_starts(url, "postgres://") || str_starts(url, "postgresql://"))
		return 1;
	if (str_starts(url, "sqlite:"))
		return 0;
	size_t word = strcspn(url, " \t/");
	const char *eq = strchr(url, '=');
	return eq && (size_t)(eq - url) < word && eq > url;
}

/* Finds the engine of a URL and the part it should be given. */
static const struct db_driver *driver_for(const char *url, const char **target, char *err, size_t errlen)
{
	if (is_postgres_url(url)) {
		/* libpq takes the whole URL or key=value string itself. */
		*target = url;
		return &db_pg_driver;
	}
	if (str_starts(url, "sqlite://"))
		*target = url + strlen("sqlite://");
	else if (str_starts(url, "sqlite:"))
		*target = url + strlen("sqlite:");
	else
		*target = url;
	if (**target == '\0') {
		snprintf(err, errlen, "the database URL '%s' names no file", url);
		return NULL;
	}
	return &db_sqlite_driver;
}

int db_open(db **out, const char *url, unsigned pool_size, char *err, size_t errlen)
{
	*out = NULL;
	if (!url || !*url) {
		snprintf(err, errlen, "no database given (use --db or GUICHET_DB)");
		return DB_ERROR;
	}
	const char *target;
	const struct db_driver *drv = driver_for(url, &target, err, errlen);
	if (!drv)
		return DB_ERROR;
	if (pool_size == 0)
		pool_size = 1;
	unsigned limit = drv->pool_limit ? drv->pool_limit(target) : 0;
	if (limit && pool_size > limit)
		pool_size = limit;

	db *d = xcalloc(1, sizeof *d);
	d->drv = drv;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->freed, NULL);
	atomic_init(&d->errors, 0);
	d->all = xcalloc(pool_size, sizeof(db_conn *));
	/* Connections are opened one after the other, so that the first one
	 * alone sets up the file (journal mode) before the others see it. */
	for (unsigned i = 0; i < pool_size; i++) {
		db_conn *c = drv->connect(target, err, errlen);
		if (!c) {
			db_close(d);
			return DB_ERROR;
		}
		c->drv = drv;
		c->owner = d;
		c->next_free = d->free_list;
		d->free_list = c;
		d->all[d->n++] = c;
	}
	*out = d;
	return DB_OK;
}

const char *db_sqlite_file(const char *url)
{
	const char *target;
	char err[64];
	const struct db_driver *d = url ? driver_for(url, &target, err, sizeof err) : NULL;
	return d == &db_sqlite_driver ? target : NULL;
}

int db_exists(const char *url)
{
	char err[256];
	const char *target;
	if (!url || !*url)
		return 0;
	const struct db_driver *drv = driver_for(url, &target, err, sizeof err);
	return drv && drv->exists ? drv->exists(target) : 1;
}

void db_close(db *d)
{
	if (!d)
		return;
	for (unsigned i = 0; i < d->n; i++)
		d->drv->disconnect(d->all[i]);
	free(d->all);
	pthread_cond_destroy(&d->freed);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

enum db_kind db_kind_of(const db *d)
{
	return d->drv->kind;
}

/* The read scope of this thread (db_scope_begin): its connection, and
 * whether a caller has it now (db_acquire lends it to one caller at a time;
 * a caller that acquires while another holds it gets a connection of the
 * pool, as without a scope). */
static _Thread_local struct {
	db *d;
	db_conn *c;
	int lent;
	unsigned depth;
} scope;

static db_conn *take(db *d);
static void give_back(db *d, db_conn *c);

void db_scope_begin(db *d)
{
	if (scope.c) {
		if (scope.d == d)
			scope.depth++;
		return;
	}
	if (!d->drv->scope)
		return;
	db_conn *c = take(d);
	d->drv->scope(c, 1);
	scope.d = d;
	scope.c = c;
	scope.lent = 0;
	scope.depth = 1;
}

void db_scope_end(db *d)
{
	if (!scope.c || scope.d != d || --scope.depth > 0)
		return;
	db_conn *c = scope.c;
	scope.c = NULL;
	scope.d = NULL;
	d->drv->scope(c, 0);
	give_back(d, c);
}

db_conn *db_acquire(db *d)
{
	if (scope.c && scope.d == d && !scope.lent) {
		scope.lent = 1;
		return scope.c;
	}
	return take(d);
}

/* Waits for a free connection: the pool is sized to the worker threads, so
 * a wait is short and means the database is the bottleneck. */
static db_conn *take(db *d)
{
	pthread_mutex_lock(&d->lock);
	while (!d->free_list)
		pthread_cond_wait(&d->freed, &d->lock);
	db_conn *c = d->free_list;
	d->free_list = c->next_free;
	c->next_free = NULL;
	pthread_mutex_unlock(&d->lock);
	c->held_since_us = mono_us();
	return c;
}

static void count_held(db *d, int64_t us)
{
	if (us < 0)
		us = 0;
	size_t b = 0;
	while (b < DB_LATENCY_BUCKETS - 1 && (double)us / 1e6 > db_latency_le[b])
		b++;
	atomic_fetch_add(&d->held[b], 1);
	atomic_fetch_add(&d->held_sum_us, (uint64_t)us);
	atomic_fetch_add(&d->held_n, 1);
}

void db_latency(db *d, uint64_t counts[DB_LATENCY_BUCKETS], uint64_t *sum_us, uint64_t *n)
{
	for (size_t b = 0; b < DB_LATENCY_BUCKETS; b++)
		counts[b] = atomic_load(&d->held[b]);
	*sum_us = atomic_load(&d->held_sum_us);
	*n = atomic_load(&d->held_n);
}

void db_release(db *d, db_conn *c)
{
	if (!c)
		return;
	if (c == scope.c) {
		scope.lent = 0;
		return;
	}
	give_back(d, c);
}

static void give_back(db *d, db_conn *c)
{
	count_held(d, mono_us() - c->held_since_us);
	pthread_mutex_lock(&d->lock);
	c->next_free = d->free_list;
	d->free_list = c;
	pthread_cond_signal(&d->freed);
	pthread_mutex_unlock(&d->lock);
}

/* Errors that say something is wrong (not a duplicate or a checked value,
 * which are answers the caller expects) are counted for /metrics. */
static int count(db_conn *c, int rc)
{
	if (rc == DB_ERROR || rc == DB_BUSY)
		atomic_fetch_add(&c->owner->errors, 1);
	return rc;
}

static const struct db_macro *find_macro(const struct db_driver *drv, const char *name, size_t len)
{
	for (size_t i = 0; i < drv->nmacros; i++)
		if (strlen(drv->macros[i].name) == len && memcmp(drv->macros[i].name, name, len) == 0)
			return &drv->macros[i];
	return NULL;
}

int db_exec_script(db_conn *c, const char *sql)
{
	buf b;
	buf_init(&b, (size_t)16 * 1024 * 1024);
	const char *p = sql;
	for (;;) {
		const char *open = strstr(p, "{{");
		if (!open) {
			buf_puts(&b, p);
			break;
		}
		const char *close = strstr(open + 2, "}}");
		const struct db_macro *m =
		    close ? find_macro(c->drv, open + 2, (size_t)(close - open - 2)) : NULL;
		if (!m) {
			snprintf(c->err, sizeof c->err, "unknown or unterminated macro in script");
			buf_free(&b);
			return count(c, DB_ERROR);
		}
		buf_append(&b, p, (size_t)(open - p));
		buf_puts(&b, m->value);
		p = close + 2;
	}
	int rc = b.overflow ? DB_ERROR : c->drv->exec(c, b.data ? b.data : "");
	buf_free(&b);
	return count(c, rc);
}

int db_begin(db_conn *c)
{
	return count(c, c->drv->exec(c, c->drv->begin_sql));
}

int db_commit(db_conn *c)
{
	return count(c, c->drv->exec(c, "COMMIT"));
}

int db_rollback(db_conn *c)
{
	return count(c, c->drv->exec(c, "ROLLBACK"));
}

db_stmt *db_prepare(db_conn *c, const char *sql)
{
	db_stmt *s = c->drv->prepare(c, sql);
	if (!s)
		count(c, DB_ERROR);
	return s;
}

int db_bind_int(db_stmt *s, int i, int64_t v)
{
	return count(s->conn, s->conn->drv->bind_int(s, i, v));
}

int db_bind_text(db_stmt *s, int i, const char *v)
{
	return count(s->conn, s->conn->drv->bind_text(s, i, v));
}

int db_bind_null(db_stmt *s, int i)
{
	return count(s->conn, s->conn->drv->bind_null(s, i));
}

int db_step(db_stmt *s)
{
	return count(s->conn, s->conn->drv->step(s));
}

int db_column_count(db_stmt *s)
{
	return s->conn->drv->column_count(s);
}

int db_col_is_null(db_stmt *s, int i)
{
	return s->conn->drv->col_is_null(s, i);
}

int64_t db_col_int(db_stmt *s, int i)
{
	return s->conn->drv->col_int(s, i);
}

const char *db_col_text(db_stmt *s, int i)
{
	return s->conn->drv->col_text(s, i);
}

void db_done(db_stmt *s)
{
	if (s)
		s->conn->drv->done(s);
}

const char *db_errmsg(db_conn *c)
{
	return c->err;
}

uint64_t db_error_count(const db *d)
{
	return atomic_load(&d->errors);
}
