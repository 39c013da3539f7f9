/*
 * db_sqlite.c: the SQLite engine of db.h.
 *
 * Each connection belongs to one thread at a time (the pool hands it out), so
 * it is opened without SQLite's own mutex. Statements are prepared once per
 * connection and kept in a small hash table keyed by their SQL text; a
 * statement is handed out reset and with its bindings cleared.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db_impl.h"
#include "util/guichet_limits.h"
#include "util/util.h"

#define SQ_BUCKETS 64
/* Statements beyond this many per connection are prepared each time: the
 * store's SQL is a fixed set of texts, so reaching it means a caller builds
 * SQL at run time, and the cache must not grow without bound for it. */
#define SQ_MAX_CACHED 512

struct sq_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	char *sql;
	struct sq_stmt *next; /* hash chain */
	int in_use;           /* between db_prepare and db_done */
	int locked;           /* took the writer lock for one autocommit write */
	int cached;
};

/* One writer at a time per database file, in this process. SQLite allows a
 * single writer anyway; without this lock, concurrent writers find the file
 * locked and sleep in the busy handler with growing back-off, which turns a
 * millisecond write into tens of milliseconds at the tail. Waiting on a
 * mutex wakes the next writer as soon as the previous one commits. */
struct sq_writer {
	char path[1024];
	pthread_mutex_t m;
};

#define SQ_MAX_FILES 32
static struct sq_writer sq_writers[SQ_MAX_FILES];
static size_t sq_nwriters;
static pthread_mutex_t sq_writers_lock = PTHREAD_MUTEX_INITIALIZER;

/* The writer lock of a file; NULL for private in-memory databases, or when
 * the table is full (then SQLite's own busy handling still applies). */
static struct sq_writer *writer_for(const char *target)
{
	if (strcmp(target, ":memory:") == 0 || strlen(target) >= sizeof sq_writers[0].path)
		return NULL;
	char *canon = realpath(target, NULL);
	const char *key = canon ? canon : target;
	if (strlen(key) >= sizeof sq_writers[0].path) {
		free(canon);
		return NULL;
	}
	struct sq_writer *w = NULL;
	pthread_mutex_lock(&sq_writers_lock);
	for (size_t i = 0; i < sq_nwriters && !w; i++)
		if (strcmp(sq_writers[i].path, key) == 0)
			w = &sq_writers[i];
	if (!w && sq_nwriters < SQ_MAX_FILES) {
		w = &sq_writers[sq_nwriters++];
		snprintf(w->path, sizeof w->path, "%s", key);
		pthread_mutex_init(&w->m, NULL);
	}
	pthread_mutex_unlock(&sq_writers_lock);
	free(canon);
	return w;
}

static int writer_lock(struct sq_writer *w)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += LIMIT_DB_BUSY_MS / 1000;
	until.tv_nsec += (long)(LIMIT_DB_BUSY_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	return pthread_mutex_timedlock(&w->m, &until) == 0 ? 0 : -1;
}

struct sq_conn {
	struct db_conn base;
	sqlite3 *h;
	struct sq_writer *writer;
	int holds_writer; /* between BEGIN and COMMIT/ROLLBACK, or one write */
	struct sq_stmt *bucket[SQ_BUCKETS];
	unsigned ncached;
	unsigned in_use; /* statements between db_prepare and db_done */
	/* A read scope (db_scope_begin): reads share one transaction, opened
	 * by the first read (scope_txn) and ended before any write; dirty when
	 * a write had to run inside it while another statement was open. */
	int scope, scope_txn, scope_dirty;
	/* The scope's BEGIN and COMMIT, prepared once (kept_run). */
	sqlite3_stmt *begin_st, *commit_st;
};

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return DB_OK;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	default:
		return DB_ERROR;
	}
}

/* Keeps the engine's message for db_errmsg and maps the code. */
static int fail(struct sq_conn *c, int rc)
{
	snprintf(c->base.err, sizeof c->base.err, "%s", sqlite3_errmsg(c->h));
	return map_rc(rc);
}

static unsigned sq_pool_limit(const char *target)
{
	/* Each connection to ":memory:" would be a different, empty database. */
	if (strcmp(target, ":memory:") == 0 || str_starts(target, "file::memory:"))
		return 1;
	return 0;
}

static int sq_exists(const char *target)
{
	return sq_pool_limit(target) == 1 || access(target, F_OK) == 0;
}

/* The database holds password hashes and session keys: create it readable by
 * its owner only. SQLite gives its -wal and -shm files the same mode. */
static void create_private(const char *path)
{
	if (strcmp(path, ":memory:") == 0)
		return;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

/* SQLite counts the memory it allocates under one process-wide mutex, taken
 * at every allocation of every connection: with several threads reading at
 * once, that mutex was a fifth of a page's time. Nothing reads the counts.
 * It can only be switched off before SQLite initialises itself. */
static pthread_once_t sq_configured = PTHREAD_ONCE_INIT;

static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static db_conn *sq_connect(const char *target, char *err, size_t errlen)
{
	pthread_once(&sq_configured, sq_configure);
	create_private(target);
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(target, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", target,
		         h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_busy_timeout(h, LIMIT_DB_BUSY_MS);

	/* WAL lets readers work while one writer commits; synchronous=FULL
	 * makes a committed visit survive a power cut, which matters more here
	 * than write speed. */
	char pragmas[256];
	snprintf(pragmas, sizeof pragmas,
	         "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=%d; "
	         "PRAGMA synchronous=FULL;",
	         LIMIT_DB_BUSY_MS);
	char *msg = NULL;
	rc = sqlite3_exec(h, pragmas, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot set up database '%s': %s", target,
		         msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(h);
		return NULL;
	}
	struct sq_conn *c = xcalloc(1, sizeof *c);
	c->h = h;
	c->writer = writer_for(target);
	return &c->base;
}

static void free_stmt(struct sq_stmt *s)
{
	sqlite3_finalize(s->st);
	free(s->sql);
	free(s);
}

static void sq_disconnect(db_conn *base)
{
	struct sq_conn *c = (struct sq_conn *)base;
	for (size_t i = 0; i < SQ_BUCKETS; i++) {
		struct sq_stmt *s = c->bucket[i];
		while (s) {
			struct sq_stmt *next = s->next;
			free_stmt(s);
			s = next;
		}
	}
	sqlite3_finalize(c->begin_st);
	sqlite3_finalize(c->commit_st);
	/* close_v2 also copes with a statement a caller forgot to finish. */
	sqlite3_close_v2(c->h);
	free(c);
}

static int exec_locked(struct sq_conn *c, const char *sql);
static void writer_release(struct sq_conn *c);

/* Whether a statement of the connection other than self is open. */
static int other_busy(struct sq_conn *c, sqlite3_stmt *self)
{
	for (sqlite3_stmt *st = sqlite3_next_stmt(c->h, NULL); st; st = sqlite3_next_stmt(c->h, st))
		if (st != self && sqlite3_stmt_busy(st))
			return 1;
	return 0;
}

/* Runs the read scope's BEGIN or COMMIT, a statement prepared once for the
 * connection: every page opens and ends a read transaction, and parsing the
 * two each time was about 2 % of a page's work. Returns an SQLite code. */
static int kept_run(struct sq_conn *c, sqlite3_stmt **kept, const char *sql)
{
	if (!*kept && sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, kept, NULL) != SQLITE_OK) {
		*kept = NULL;
		return sqlite3_exec(c->h, sql, NULL, NULL, NULL);
	}
	int rc = sqlite3_step(*kept);
	sqlite3_reset(*kept);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Ends the read scope's transaction, so that what comes next (a write, a
 * transaction of the caller's, the end of the scope) starts from the
 * latest state. While another statement of the connection is open it
 * cannot end: a write then runs inside it, as it would inside the implicit
 * transaction of that open statement, and it ends when the last statement
 * is done (sq_done). self: the statement about to write, or NULL. */
static void scope_end_txn(struct sq_conn *c, sqlite3_stmt *self)
{
	if (!c->scope_txn)
		return;
	if (c->in_use > (self ? 1u : 0u) && other_busy(c, self)) {
		c->scope_dirty = 1;
		return;
	}
	c->scope_txn = 0;
	c->scope_dirty = 0;
	if (sqlite3_get_autocommit(c->h))
		return;
	if (kept_run(c, &c->commit_st, "COMMIT") != SQLITE_OK)
		sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
}

static void sq_scope(db_conn *base, int on)
{
	struct sq_conn *c = (struct sq_conn *)base;
	if (!on && c->scope_txn) {
		/* Every statement of the scope is done by now; reset any left
		 * open rather than keep the transaction (the walk over every
		 * prepared statement only then). */
		if (c->in_use > 0)
			for (sqlite3_stmt *st = sqlite3_next_stmt(c->h, NULL); st; st = sqlite3_next_stmt(c->h, st))
				if (sqlite3_stmt_busy(st))
					sqlite3_reset(st);
		c->in_use = 0;
		scope_end_txn(c, NULL);
		if (c->holds_writer && sqlite3_get_autocommit(c->h))
			writer_release(c);
	}
	c->scope = on;
}

static void writer_release(struct sq_conn *c)
{
	if (c->holds_writer) {
		c->holds_writer = 0;
		pthread_mutex_unlock(&c->writer->m);
	}
}

static int sq_exec(db_conn *base, const char *sql)
{
	struct sq_conn *c = (struct sq_conn *)base;
	scope_end_txn(c, NULL);
	int rc = exec_locked(c, sql);
	/* A transaction ends with COMMIT or ROLLBACK; whatever they answered,
	 * once SQLite is back in autocommit mode the writer lock is free. */
	if (c->holds_writer && sqlite3_get_autocommit(c->h))
		writer_release(c);
	return rc;
}

static int exec_locked(struct sq_conn *c, const char *sql)
{
	if (c->writer && !c->holds_writer && strncmp(sql, "BEGIN", 5) == 0) {
		if (writer_lock(c->writer) != 0) {
			snprintf(c->base.err, sizeof c->base.err,
			         "database is busy (another write took too long)");
			return DB_BUSY;
		}
		c->holds_writer = 1;
	}
	char *msg = NULL;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(c->base.err, sizeof c->base.err, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return map_rc(rc);
	}
	return DB_OK;
}

/* A page prepares a dozen statements of a few hundred bytes each: the
 * bucket comes from a hash eight bytes a step. */
static unsigned hash_sql(const char *s)
{
	return (unsigned)(hash_bytes(s, strlen(s)) % SQ_BUCKETS);
}

static db_stmt *sq_prepare(db_conn *base, const char *sql)
{
	struct sq_conn *c = (struct sq_conn *)base;
	unsigned h = hash_sql(sql);
	struct sq_stmt *s;
	for (s = c->bucket[h]; s; s = s->next) {
		if (strcmp(s->sql, sql) != 0)
			continue;
		/* A caller may still be reading the cached copy (a loop that
		 * runs the same query inside): give it a private one then. */
		if (s->in_use)
			break;
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		s->in_use = 1;
		c->in_use++;
		return &s->base;
	}
	int cache = !s && c->ncached < SQ_MAX_CACHED;

	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc = sqlite3_prepare_v3(c->h, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, &st, &tail);
	if (rc != SQLITE_OK) {
		fail(c, rc);
		return NULL;
	}
	if (!st || (tail && tail[strspn(tail, " \t\r\n;")] != '\0')) {
		sqlite3_finalize(st);
		snprintf(c->base.err, sizeof c->base.err, "db_prepare takes exactly one statement");
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->base.conn = &c->base;
	s->st = st;
	s->sql = xstrdup(sql);
	s->in_use = 1;
	c->in_use++;
	if (cache) {
		s->cached = 1;
		s->next = c->bucket[h];
		c->bucket[h] = s;
		c->ncached++;
	}
	return &s->base;
}

static struct sq_conn *conn_of(db_stmt *s)
{
	return (struct sq_conn *)s->conn;
}

static int bind_rc(db_stmt *s, int rc)
{
	return rc == SQLITE_OK ? DB_OK : fail(conn_of(s), rc);
}

static int sq_bind_int(db_stmt *s, int i, int64_t v)
{
	return bind_rc(s, sqlite3_bind_int64(((struct sq_stmt *)s)->st, i, v));
}

static int sq_bind_text(db_stmt *s, int i, const char *v)
{
	sqlite3_stmt *st = ((struct sq_stmt *)s)->st;
	if (!v)
		return bind_rc(s, sqlite3_bind_null(st, i));
	/* TRANSIENT: SQLite copies the text, so the caller's buffer may be
	 * reused before the step. */
	return bind_rc(s, sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT));
}

static int sq_bind_null(db_stmt *s, int i)
{
	return bind_rc(s, sqlite3_bind_null(((struct sq_stmt *)s)->st, i));
}

static int sq_step(db_stmt *s)
{
	struct sq_stmt *st = (struct sq_stmt *)s;
	struct sq_conn *c = conn_of(s);
	int readonly = sqlite3_stmt_readonly(st->st);
	/* In a read scope, the first read opens the transaction the others
	 * share; a write ends it first, and so reads the latest state. */
	if (c->scope && !sqlite3_stmt_busy(st->st)) {
		if (!readonly)
			scope_end_txn(c, st->st);
		else if (!c->scope_txn && sqlite3_get_autocommit(c->h) &&
		         kept_run(c, &c->begin_st, "BEGIN") == SQLITE_OK)
			c->scope_txn = 1;
	}
	/* A write outside a transaction takes the writer lock for itself,
	 * until db_done. */
	if (c->writer && !c->holds_writer && !st->locked && (sqlite3_get_autocommit(c->h) || c->scope_txn) &&
	    !readonly && !sqlite3_stmt_busy(st->st)) {
		if (writer_lock(c->writer) != 0) {
			snprintf(c->base.err, sizeof c->base.err,
			         "database is busy (another write took too long)");
			return DB_BUSY;
		}
		c->holds_writer = 1;
		st->locked = 1;
	}
	int rc = sqlite3_step(st->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return fail(conn_of(s), rc);
}

static int sq_column_count(db_stmt *s)
{
	return sqlite3_column_count(((struct sq_stmt *)s)->st);
}

static int sq_col_is_null(db_stmt *s, int i)
{
	return sqlite3_column_type(((struct sq_stmt *)s)->st, i) == SQLITE_NULL;
}

static int64_t sq_col_int(db_stmt *s, int i)
{
	return sqlite3_column_int64(((struct sq_stmt *)s)->st, i);
}

static const char *sq_col_text(db_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(((struct sq_stmt *)s)->st, i);
	return t ? (const char *)t : "";
}

static void sq_done(db_stmt *base)
{
	struct sq_stmt *s = (struct sq_stmt *)base;
	/* Resetting ends the statement's read of the database, which in WAL
	 * mode would otherwise keep old pages alive and block checkpoints. */
	sqlite3_reset(s->st);
	sqlite3_clear_bindings(s->st);
	s->in_use = 0;
	struct sq_conn *c = conn_of(base);
	if (c->in_use > 0)
		c->in_use--;
	/* A write that ran inside the read scope's transaction is committed
	 * once nothing else is open, as autocommit would have done. */
	if (c->scope_dirty)
		scope_end_txn(c, NULL);
	if (s->locked) {
		s->locked = 0;
		writer_release(conn_of(base));
	}
	if (!s->cached)
		free_stmt(s);
}

/* ---- Online copy (backup and restore) ---- */

/* Syncs a file, or the folder that holds it, so that a rename is durable. */
static int sync_path(const char *path, int folder)
{
	int fd = open(path, (folder ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int copy_fail(char *err, size_t errlen, const char *what, sqlite3 *h, int rc)
{
	snprintf(err, errlen, "%s: %s", what, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
	return DB_ERROR;
}

int db_sqlite_copy(const char *from, const char *to, char *err, size_t errlen)
{
	if (access(to, F_OK) == 0) {
		snprintf(err, errlen, "'%s' exists already: give a new file", to);
		return DB_ERROR;
	}
	if (access(from, R_OK) != 0) {
		snprintf(err, errlen, "cannot read '%s': %s", from, strerror(errno));
		return DB_ERROR;
	}
	char part[4096];
	if ((size_t)snprintf(part, sizeof part, "%s.part", to) >= sizeof part) {
		snprintf(err, errlen, "the file name '%s' is too long", to);
		return DB_ERROR;
	}
	unlink(part);
	sqlite3 *src = NULL, *dst = NULL;
	int rc = sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = copy_fail(err, errlen, "cannot open the source", src, rc);
		goto done;
	}
	sqlite3_busy_timeout(src, LIMIT_DB_BUSY_MS);
	create_private(part);
	rc = sqlite3_open_v2(part, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = copy_fail(err, errlen, "cannot create the copy", dst, rc);
		goto done;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		rc = copy_fail(err, errlen, "cannot start the copy", dst, 0);
		goto done;
	}
	/* One step copies every page under one read transaction of the source:
	 * a snapshot of its last commit, while writers of the WAL go on. A
	 * source locked for a moment (a checkpoint) is tried again. */
	for (int tries = 0;; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries == 50)
			break;
		sqlite3_sleep(100);
	}
	int frc = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || frc != SQLITE_OK) {
		rc = copy_fail(err, errlen, "the copy failed", dst, rc);
		goto done;
	}
	/* The copy is one self-contained file: its WAL is folded back. */
	if (sqlite3_exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK) {
		rc = copy_fail(err, errlen, "cannot finish the copy", dst, 0);
		goto done;
	}
	rc = DB_OK;
done:
	sqlite3_close(src);
	if (sqlite3_close(dst) != SQLITE_OK && rc == DB_OK)
		rc = copy_fail(err, errlen, "cannot close the copy", NULL, SQLITE_ERROR);
	if (rc == DB_OK && (sync_path(part, 0) != 0 || rename(part, to) != 0)) {
		snprintf(err, errlen, "cannot write '%s': %s", to, strerror(errno));
		rc = DB_ERROR;
	}
	if (rc == DB_OK) {
		/* The folder's entry makes the rename durable. */
		char dir[4096];
		snprintf(dir, sizeof dir, "%s", to);
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		sync_path(slash ? dir : ".", 1);
	} else {
		unlink(part);
	}
	char side[4120];
	snprintf(side, sizeof side, "%s-wal", part);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", part);
	unlink(side);
	return rc;
}

static const struct db_macro sq_macros[] = {
    {"pk", "INTEGER PRIMARY KEY"},
    {"strict", "STRICT"},
    {"int", "INTEGER"},
};

const struct db_driver db_sqlite_driver = {
    .name = "sqlite",
    .kind = DB_SQLITE,
    /* IMMEDIATE takes the write lock at once, so a transaction never fails
     * half-way because another connection began writing first. */
    .begin_sql = "BEGIN IMMEDIATE",
    .macros = sq_macros,
    .nmacros = COUNT(sq_macros),
    .pool_limit = sq_pool_limit,
    .exists = sq_exists,
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .column_count = sq_column_count,
    .col_is_null = sq_col_is_null,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .done = sq_done,
    .scope = sq_scope,
};
