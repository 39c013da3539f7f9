/*
 * db_pg.c: the PostgreSQL engine of db.h, on libpq.
 *
 * The store writes its SQL once with '?' placeholders; this file rewrites
 * them as $1..$n (outside literals, identifiers and comments), prepares each
 * text once per connection under a generated name, and runs it with text
 * parameters. A statement runs on its first db_step and its rows are
 * streamed one at a time (libpq's single-row mode), so that an export of a
 * million rows runs in constant memory, as on SQLite. A caller may still run
 * another statement while it reads the rows (the store does, e.g. a user's
 * sites for each user): the rest of the first result is then read ahead into
 * memory, since a connection carries one command at a time.
 *
 * Connection loss: a call that fails because the server went away returns
 * DB_ERROR and is never retried (a COMMIT may have reached the server). The
 * next use of the connection resets it, so that a server restart heals by
 * itself, except inside a transaction: there every call fails until the
 * caller's ROLLBACK, so that the rest of a transaction can never run in
 * autocommit on the new connection.
 */
#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db_impl.h"
#include "util/guichet_limits.h"
#include "util/util.h"

#define PG_BUCKETS 64
/* As in db_sqlite.c: the store's SQL is a fixed set of texts (plus the
 * filter combinations of the visit search), so the cache cannot grow
 * without bound; statements past it are parsed on each run. */
#define PG_MAX_CACHED 512
#define PG_CONNECT_TIMEOUT_S "10"

/* Type oids (server/catalog/pg_type_d.h, which libpq-dev does not ship);
 * they are fixed by the catalog and never change between versions. */
#define PG_OID_BOOL 16
#define PG_OID_INT8 20
#define PG_OID_TEXT 25

struct pg_stmt {
	struct db_stmt base;
	char *sql;    /* as the store wrote it: the cache key */
	char *pg_sql; /* with $n placeholders */
	char *name;   /* server-side name; NULL when parsed at each run */
	int nparams;
	/* The server could not infer the parameter types from the text
	 * alone ("? IS NULL", "SELECT ?, id FROM …" into a BIGINT column):
	 * run with the types of the bound values instead, parsed each time. */
	int typed;
	char *tname, *tsig;   /* its server-side name and the types it has */
	unsigned tgeneration; /* of the connection tname was prepared on */
	int owns_tname;       /* a copy shares its original's until it differs */
	unsigned generation;  /* of the connection it was prepared on */
	char **values;        /* bound values, malloc'd; NULL for SQL NULL */
	char *is_int;         /* per parameter: bound with db_bind_int */
	PGresult *res;        /* the current row: a one-row result, or NULL */
	int ncols;            /* of the result, known from its first row or its end */
	int executed;
	int streaming; /* rows are still coming from the server */
	/* Rows read ahead because another statement needed the connection,
	 * and how the result ended (DB_DONE or an error, with its message). */
	PGresult **queue;
	size_t qhead, qlen, qcap;
	int final_rc;
	char *final_err;
	struct pg_stmt *next; /* hash chain */
	int in_use;
	int cached;
};

struct pg_conn {
	struct db_conn base;
	PGconn *h;
	struct pg_stmt *bucket[PG_BUCKETS];
	unsigned ncached;
	unsigned next_name;
	unsigned generation;    /* bumped by each reset: prepared names are gone */
	struct pg_stmt *active; /* whose rows are being streamed, or NULL */
	int in_tx;              /* inside BEGIN … COMMIT/ROLLBACK, as last seen */
	int lost_in_tx;         /* the connection died inside a transaction */
};

static int check_lost(struct pg_conn *c);

/* Keeps a message for db_errmsg without its trailing newline. */
static void set_err(struct pg_conn *c, const char *msg)
{
	snprintf(c->base.err, sizeof c->base.err, "%s", msg && *msg ? msg : "unknown PostgreSQL error");
	size_t n = strlen(c->base.err);
	while (n > 0 && (c->base.err[n - 1] == '\n' || c->base.err[n - 1] == ' '))
		c->base.err[--n] = '\0';
}

static int map_sqlstate(const char *state)
{
	if (!state || strlen(state) != 5)
		return DB_ERROR;
	if (strncmp(state, "23", 2) == 0) /* integrity constraint violation */
		return DB_CONSTRAINT;
	/* Serialization failure, deadlock, lock not obtained in lock_timeout:
	 * the same "try later" as SQLite's SQLITE_BUSY. */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
		return DB_BUSY;
	return DB_ERROR;
}

/* Reads the outcome of a command: DB_OK for a success, else keeps the
 * message and maps the SQLSTATE. Only the primary message is kept: the
 * DETAIL line of a unique violation quotes the duplicate value, and store.c
 * logs db_errmsg. A lost connection is remembered for the next call. */
static int check_result(struct pg_conn *c, PGresult *r)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
		return DB_OK;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary)
		snprintf(c->base.err, sizeof c->base.err, "%s (SQLSTATE %s)", primary, state ? state : "?");
	else
		set_err(c, PQerrorMessage(c->h));
	if (PQstatus(c->h) == CONNECTION_BAD) {
		check_lost(c);
		return DB_ERROR;
	}
	return map_sqlstate(state);
}

/* Remembers whether the connection is inside a transaction, as long as
 * the server can tell (not while a command runs, nor once it is lost). */
static void note_tx(struct pg_conn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->h);
	if (t == PQTRANS_IDLE)
		c->in_tx = 0;
	else if (t == PQTRANS_INTRANS || t == PQTRANS_INERROR)
		c->in_tx = 1;
}

/* Whether the connection died inside a transaction (as last seen): libpq
 * may learn of the loss only while reading the end of a result. */
static int check_lost(struct pg_conn *c)
{
	if (PQstatus(c->h) != CONNECTION_OK && c->in_tx)
		c->lost_in_tx = 1;
	return c->lost_in_tx;
}

/* The session settings every connection gets, again after a reset. Done
 * with SET rather than in the connection string so that a user's own
 * "options" in the URL are kept. */
static int set_session(PGconn *h, char *err, size_t errlen)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SET statement_timeout = %d; SET lock_timeout = %d; "
	         "SET idle_in_transaction_session_timeout = %d; SET client_encoding = 'UTF8'",
	         LIMIT_DB_STATEMENT_MS, LIMIT_DB_BUSY_MS, LIMIT_DB_IDLE_IN_TX_MS);
	PGresult *r = PQexec(h, sql);
	int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		snprintf(err, errlen, "cannot set up the PostgreSQL session: %s",
		         r ? PQresultErrorMessage(r) : PQerrorMessage(h));
	PQclear(r);
	return ok ? 0 : -1;
}

static void drain(struct pg_conn *c);

/* Makes the connection usable before a call: resets a connection that was
 * lost, unless that happened inside a transaction the caller has not rolled
 * back yet. */
static int ensure_conn(struct pg_conn *c)
{
	if (PQstatus(c->h) == CONNECTION_OK)
		return 0;
	if (check_lost(c)) {
		set_err(c, "the connection to PostgreSQL was lost during a transaction");
		return -1;
	}
	if (c->active) {
		/* Its rows ended with the connection. */
		c->active->streaming = 0;
		c->active->final_rc = DB_ERROR;
		c->active = NULL;
	}
	PQreset(c->h);
	c->generation++;
	c->in_tx = 0;
	if (PQstatus(c->h) != CONNECTION_OK) {
		set_err(c, PQerrorMessage(c->h));
		return -1;
	}
	char err[256];
	if (set_session(c->h, err, sizeof err) != 0) {
		set_err(c, err);
		return -1;
	}
	return 0;
}

static unsigned pg_pool_limit(const char *target)
{
	(void)target;
	return 0;
}

/* Opens target, which is a postgres:// URL or a key=value string; our
 * defaults come first so that the target's own values win. The password
 * comes from the target, PGPASSWORD, ~/.pgpass or a service file, as libpq
 * reads them: never from our command line. */
static PGconn *open_target(const char *target)
{
	const char *const keys[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
	const char *const values[] = {PG_CONNECT_TIMEOUT_S, "guichet", target, NULL};
	return PQconnectdbParams(keys, values, 1);
}

/* 0 only when the server answers that the database is not there: a server
 * that cannot be reached is reported by db_open with its real reason. */
static int pg_exists(const char *target)
{
	PGconn *h = open_target(target);
	int exists = 1;
	if (!h)
		return 1;
	/* 'database "x" does not exist' (a missing role says 'role "x"'). */
	const char *msg = PQstatus(h) != CONNECTION_OK ? PQerrorMessage(h) : "";
	const char *name = strstr(msg, "database \"");
	if (name && strstr(name, "does not exist"))
		exists = 0;
	PQfinish(h);
	return exists;
}

static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static db_conn *pg_connect(const char *target, char *err, size_t errlen)
{
	PGconn *h = open_target(target);
	if (!h) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: out of memory");
		return NULL;
	}
	if (PQstatus(h) != CONNECTION_OK) {
		/* The message names host and database, never the password. */
		snprintf(err, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(h));
		size_t n = strlen(err);
		while (n > 0 && err[n - 1] == '\n')
			err[--n] = '\0';
		PQfinish(h);
		return NULL;
	}
	/* NOTICEs ("relation … already exists, skipping") are not errors,
	 * and a server must not print them on its standard error. */
	PQsetNoticeProcessor(h, ignore_notice, NULL);
	if (set_session(h, err, errlen) != 0) {
		PQfinish(h);
		return NULL;
	}
	struct pg_conn *c = xcalloc(1, sizeof *c);
	c->h = h;
	return &c->base;
}

static void clear_bindings(struct pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->is_int[i] = 0;
	}
}

static void clear_rows(struct pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	for (size_t i = s->qhead; i < s->qlen; i++)
		PQclear(s->queue[i]);
	s->qhead = s->qlen = 0;
	free(s->final_err);
	s->final_err = NULL;
}

static void free_stmt(struct pg_stmt *s)
{
	clear_rows(s);
	free(s->queue);
	clear_bindings(s);
	free(s->values);
	free(s->is_int);
	free(s->sql);
	free(s->pg_sql);
	free(s->name);
	free(s->tname);
	free(s->tsig);
	free(s);
}

static void pg_disconnect(db_conn *base)
{
	struct pg_conn *c = (struct pg_conn *)base;
	for (size_t i = 0; i < PG_BUCKETS; i++) {
		struct pg_stmt *s = c->bucket[i];
		while (s) {
			struct pg_stmt *next = s->next;
			free_stmt(s);
			s = next;
		}
	}
	PQfinish(c->h);
	free(c);
}

static int is_word(const char *sql, const char *word)
{
	size_t n = strlen(word);
	sql += strspn(sql, " \t\r\n");
	return strncasecmp(sql, word, n) == 0 && (sql[n] == '\0' || strchr(" \t\r\n;", sql[n]));
}

static int pg_exec(db_conn *base, const char *sql)
{
	struct pg_conn *c = (struct pg_conn *)base;
	/* After a connection lost in a transaction, the caller's ROLLBACK
	 * ends it: the server has already rolled it back. */
	if (check_lost(c) && is_word(sql, "ROLLBACK")) {
		c->lost_in_tx = 0;
		c->in_tx = 0;
		return DB_OK;
	}
	drain(c);
	if (ensure_conn(c) != 0)
		return DB_ERROR;
	PGresult *r = PQexec(c->h, sql);
	int rc = check_result(c, r);
	/* COMMIT of a transaction that an error aborted "succeeds" with the
	 * tag ROLLBACK: the caller must learn that nothing was written. */
	if (rc == DB_OK && is_word(sql, "COMMIT") && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		set_err(c, "the transaction was aborted by an earlier error and rolled back");
		rc = DB_ERROR;
	}
	PQclear(r);
	if (PQstatus(c->h) == CONNECTION_OK)
		note_tx(c);
	return rc;
}

/* Rewrites '?' placeholders as $1..$n, leaving alone those inside string
 * literals ('…', E'…' with backslash escapes), quoted identifiers, dollar
 * quotes and comments. Returns the new text (malloc'd) and the count. */
static char *rewrite_placeholders(const char *sql, int *nparams)
{
	size_t len = strlen(sql), q = 0;
	for (const char *p = sql; *p; p++)
		q += *p == '?';
	/* Each '?' becomes at most "$" and 10 digits. */
	char *out = xmalloc(len + q * 10 + 1);
	size_t o = 0;
	int n = 0;
	const char *p = sql;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			char quote = *p;
			int backslash = quote == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
			                (p - 1 == sql || !(p[-2] == '_' || isalnum((unsigned char)p[-2])));
			out[o++] = *p++;
			while (*p) {
				if (backslash && *p == '\\' && p[1]) {
					out[o++] = *p++;
					out[o++] = *p++;
					continue;
				}
				if (*p == quote) {
					out[o++] = *p++;
					if (*p != quote) /* a doubled quote stays inside */
						break;
				}
				out[o++] = *p++;
			}
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				out[o++] = *p++;
		} else if (p[0] == '/' && p[1] == '*') {
			out[o++] = *p++;
			out[o++] = *p++;
			while (*p && !(p[0] == '*' && p[1] == '/'))
				out[o++] = *p++;
			for (int k = 0; k < 2 && *p; k++)
				out[o++] = *p++;
		} else if (*p == '$' && (p == sql || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))) {
			/* $tag$ … $tag$ (the tag may be empty); "$1" is not one. */
			const char *t = p + 1;
			while (*t == '_' || isalpha((unsigned char)*t) ||
			       (t > p + 1 && isdigit((unsigned char)*t)))
				t++;
			if (*t != '$') {
				out[o++] = *p++;
				continue;
			}
			size_t taglen = (size_t)(t - p + 1);
			const char *end = t + 1;
			while (*end && strncmp(end, p, taglen) != 0)
				end++;
			size_t span = *end ? (size_t)(end - p) + taglen : strlen(p);
			memcpy(out + o, p, span);
			o += span;
			p += span;
		} else if (*p == '?') {
			o += (size_t)sprintf(out + o, "$%d", ++n);
			p++;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	*nparams = n;
	return out;
}

/* A page prepares a dozen statements of a few hundred bytes each: the
 * bucket comes from a hash eight bytes a step. */
static unsigned hash_sql(const char *s)
{
	return (unsigned)(hash_bytes(s, strlen(s)) % PG_BUCKETS);
}

/* Whether the server refused to prepare because it could not tell a
 * parameter's type without its value; such a statement runs typed. */
static int needs_types(const char *state)
{
	return state && (strcmp(state, "42P18") == 0 || /* indeterminate_datatype */
	                 strcmp(state, "42804") == 0 || /* datatype_mismatch */
	                 strcmp(state, "42883") == 0 || /* undefined_function (operator on text) */
	                 strcmp(state, "42725") == 0);  /* ambiguous_function */
}

/* Runs a command whose failure must not abort the caller's transaction:
 * PostgreSQL aborts the whole transaction on any error, even a failed
 * PREPARE, so inside one the attempt goes in a savepoint. */
static PGresult *prepare_guarded(struct pg_conn *c, const char *name, const char *pg_sql, int n,
                                 const Oid *types)
{
	int guard = PQtransactionStatus(c->h) == PQTRANS_INTRANS;
	if (guard)
		PQclear(PQexec(c->h, "SAVEPOINT guichet_prepare"));
	PGresult *r = PQprepare(c->h, name, pg_sql, n, types);
	if (guard && PQstatus(c->h) == CONNECTION_OK) {
		int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(PQexec(c->h, ok ? "RELEASE SAVEPOINT guichet_prepare"
		                        : "ROLLBACK TO SAVEPOINT guichet_prepare; "
		                          "RELEASE SAVEPOINT guichet_prepare"));
	}
	return r;
}

/* Prepares s on the server under its name (or, for a statement past the
 * cache, only checks it with the unnamed statement). */
static int server_prepare(struct pg_conn *c, struct pg_stmt *s)
{
	PGresult *r = prepare_guarded(c, s->name ? s->name : "", s->pg_sql, 0, NULL);
	int rc = check_result(c, r);
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	/* After a reset, a copy sharing the name may have prepared it first. */
	if (rc != DB_OK && s->name && state && strcmp(state, "42P05") == 0)
		rc = DB_OK;
	if (rc != DB_OK && s->nparams > 0 && needs_types(state)) {
		/* Run typed from now on; a real mistake in the SQL will show
		 * at the first step, with the server's message. */
		s->typed = 1;
		free(s->name);
		s->name = NULL;
		rc = DB_OK;
	}
	PQclear(r);
	if (rc == DB_OK)
		s->generation = c->generation;
	return rc;
}

static struct pg_stmt *new_stmt(struct pg_conn *c, const char *sql, int named)
{
	struct pg_stmt *s = xcalloc(1, sizeof *s);
	s->base.conn = &c->base;
	s->sql = xstrdup(sql);
	s->pg_sql = rewrite_placeholders(sql, &s->nparams);
	if (named) {
		char name[32];
		snprintf(name, sizeof name, "g%u", ++c->next_name);
		s->name = xstrdup(name);
	}
	s->values = xcalloc((size_t)s->nparams + 1, sizeof *s->values);
	s->is_int = xcalloc((size_t)s->nparams + 1, 1);
	return s;
}

/* A copy of a cached statement that is still being read: it shares the
 * server-side statement (a prepared statement may run any number of times;
 * the copy's first step reads the original's remaining rows ahead). */
static struct pg_stmt *copy_stmt(struct pg_conn *c, const struct pg_stmt *from)
{
	struct pg_stmt *s = new_stmt(c, from->sql, 0);
	s->name = from->name ? xstrdup(from->name) : NULL;
	s->typed = from->typed;
	s->generation = from->generation;
	if (from->tname) {
		s->tname = xstrdup(from->tname);
		s->tsig = xstrdup(from->tsig);
		s->tgeneration = from->tgeneration;
	}
	return s;
}

static db_stmt *pg_prepare(db_conn *base, const char *sql)
{
	struct pg_conn *c = (struct pg_conn *)base;
	if (ensure_conn(c) != 0)
		return NULL;
	unsigned h = hash_sql(sql);
	struct pg_stmt *s;
	for (s = c->bucket[h]; s; s = s->next) {
		if (strcmp(s->sql, sql) != 0)
			continue;
		if (s->in_use) {
			struct pg_stmt *copy = copy_stmt(c, s);
			copy->in_use = 1;
			return &copy->base;
		}
		s->in_use = 1;
		return &s->base;
	}
	int cache = c->ncached < PG_MAX_CACHED;
	drain(c);
	s = new_stmt(c, sql, cache);
	if (server_prepare(c, s) != DB_OK) {
		free_stmt(s);
		return NULL;
	}
	s->in_use = 1;
	if (cache) {
		s->cached = 1;
		s->next = c->bucket[h];
		c->bucket[h] = s;
		c->ncached++;
	}
	return &s->base;
}

static struct pg_conn *conn_of(db_stmt *s)
{
	return (struct pg_conn *)s->conn;
}

static int bind_slot(struct pg_stmt *s, int i)
{
	if (i < 1 || i > s->nparams) {
		snprintf(s->base.conn->err, sizeof s->base.conn->err,
		         "parameter %d out of range (the statement has %d)", i, s->nparams);
		return -1;
	}
	free(s->values[i - 1]);
	s->values[i - 1] = NULL;
	s->is_int[i - 1] = 0;
	return i - 1;
}

static int pg_bind_int(db_stmt *base, int i, int64_t v)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	int k = bind_slot(s, i);
	if (k < 0)
		return DB_ERROR;
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)v);
	s->values[k] = xstrdup(num);
	s->is_int[k] = 1;
	return DB_OK;
}

static int pg_bind_text(db_stmt *base, int i, const char *v)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	int k = bind_slot(s, i);
	if (k < 0)
		return DB_ERROR;
	s->values[k] = v ? xstrdup(v) : NULL;
	return DB_OK;
}

static int pg_bind_null(db_stmt *base, int i)
{
	return bind_slot((struct pg_stmt *)base, i) < 0 ? DB_ERROR : DB_OK;
}

/* Prepares a typed statement under a name of its own: integers as BIGINT,
 * the rest left to the server, or, when it still cannot tell (a NULL or a
 * text in "? IS NULL"), as TEXT. */
static PGresult *prepare_typed(struct pg_conn *c, struct pg_stmt *s, const char *name)
{
	Oid *types = xcalloc((size_t)s->nparams + 1, sizeof *types);
	PGresult *r = NULL;
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < s->nparams; i++)
			types[i] = s->is_int[i] ? PG_OID_INT8 : pass ? PG_OID_TEXT : 0;
		PQclear(r);
		r = prepare_guarded(c, name, s->pg_sql, s->nparams, types);
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (!state || strcmp(state, "42P18") != 0)
			break;
	}
	free(types);
	return r;
}

/* Runs a typed statement, prepared again when the bound types differ from
 * the last run's (a handful of combinations per statement at most). */
static int run_typed(struct pg_conn *c, struct pg_stmt *s)
{
	char *sig = xmalloc((size_t)s->nparams + 1);
	for (int i = 0; i < s->nparams; i++)
		sig[i] = s->is_int[i] ? 'i' : 'u';
	sig[s->nparams] = '\0';
	if (!s->tname || strcmp(sig, s->tsig) != 0 || s->tgeneration != c->generation) {
		char name[32];
		snprintf(name, sizeof name, "g%u", ++c->next_name);
		PGresult *r = prepare_typed(c, s, name);
		int rc = check_result(c, r);
		PQclear(r);
		if (rc != DB_OK) {
			free(sig);
			return rc;
		}
		free(s->tname);
		free(s->tsig);
		s->tname = xstrdup(name);
		s->tsig = sig;
		s->tgeneration = c->generation;
		s->owns_tname = 1;
	} else {
		free(sig);
	}
	const char *const *values = (const char *const *)s->values;
	if (PQsendQueryPrepared(c->h, s->tname, s->nparams, values, NULL, NULL, 0))
		return DB_OK;
	set_err(c, PQerrorMessage(c->h));
	return DB_ERROR;
}

/* Sends s with its bindings and asks for its rows one at a time. */
static int send_stmt(struct pg_conn *c, struct pg_stmt *s)
{
	const char *const *values = (const char *const *)s->values;
	int rc = DB_OK;
	if (s->typed) {
		rc = run_typed(c, s);
	} else {
		int sent = s->name
		               ? PQsendQueryPrepared(c->h, s->name, s->nparams, values, NULL, NULL, 0)
		               : PQsendQueryParams(c->h, s->pg_sql, s->nparams, NULL, values, NULL, NULL, 0);
		if (!sent) {
			set_err(c, PQerrorMessage(c->h));
			rc = DB_ERROR;
		}
	}
	if (rc != DB_OK) {
		check_lost(c);
		return rc;
	}
	PQsetSingleRowMode(c->h);
	s->streaming = 1;
	c->active = s;
	return DB_OK;
}

/* The end of s's result: its last result r (the empty PGRES_TUPLES_OK of
 * single-row mode, a command's status, or an error), then the NULL that
 * frees the connection. Keeps the outcome in s. */
static void end_stream(struct pg_conn *c, struct pg_stmt *s, PGresult *r)
{
	int rc = r ? check_result(c, r) : DB_OK;
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
		s->ncols = PQnfields(r);
	PQclear(r);
	while ((r = PQgetResult(c->h)) != NULL)
		PQclear(r);
	s->streaming = 0;
	s->final_rc = rc == DB_OK ? DB_DONE : rc;
	free(s->final_err);
	s->final_err = rc == DB_OK ? NULL : xstrdup(c->base.err);
	if (c->active == s)
		c->active = NULL;
	if (PQstatus(c->h) == CONNECTION_OK)
		note_tx(c);
}

/* Reads the rest of the streaming statement's rows into its queue, so
 * that the connection can carry another command. */
static void drain(struct pg_conn *c)
{
	struct pg_stmt *s = c->active;
	if (!s)
		return;
	PGresult *r;
	while ((r = PQgetResult(c->h)) != NULL && PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
		if (s->qlen == s->qcap) {
			s->qcap = s->qcap ? s->qcap * 2 : 64;
			s->queue = xrealloc(s->queue, s->qcap * sizeof(PGresult *));
		}
		s->queue[s->qlen++] = r;
	}
	end_stream(c, s, r);
}

static int pg_step(db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	struct pg_conn *c = conn_of(base);
	PQclear(s->res);
	s->res = NULL;
	if (!s->executed) {
		s->executed = 1;
		s->final_rc = DB_DONE;
		drain(c);
		int rc = ensure_conn(c) != 0 ? DB_ERROR : DB_OK;
		/* The connection was reset since this was prepared. */
		if (rc == DB_OK && s->name && s->generation != c->generation)
			rc = server_prepare(c, s);
		if (rc == DB_OK)
			rc = send_stmt(c, s);
		if (rc != DB_OK)
			return s->final_rc = rc;
	}
	if (s->qhead < s->qlen) {
		s->res = s->queue[s->qhead++];
		return DB_ROW;
	}
	if (s->streaming) {
		PGresult *r = PQgetResult(c->h);
		if (r && PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
			s->res = r;
			s->ncols = PQnfields(r);
			return DB_ROW;
		}
		end_stream(c, s, r);
	}
	if (s->final_rc != DB_DONE && s->final_err)
		snprintf(c->base.err, sizeof c->base.err, "%s", s->final_err);
	return s->final_rc;
}

static int pg_column_count(db_stmt *base)
{
	return ((struct pg_stmt *)base)->ncols;
}

/* Whether the current row has column i: reading outside it gives NULL. */
static int has_cell(const struct pg_stmt *s, int i)
{
	return s->res && i >= 0 && i < PQnfields(s->res);
}

static int pg_col_is_null(db_stmt *base, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	return !has_cell(s, i) || PQgetisnull(s->res, 0, i);
}

static int64_t pg_col_int(db_stmt *base, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	if (pg_col_is_null(base, i))
		return 0;
	const char *v = PQgetvalue(s->res, 0, i);
	/* A comparison in a select list is a boolean here, 0/1 in SQLite. */
	if (PQftype(s->res, i) == PG_OID_BOOL)
		return v[0] == 't';
	/* AVG and SUM give numeric ("12.50"): the integer part, as SQLite's
	 * sqlite3_column_int64 gives of a real. */
	errno = 0;
	long long n = strtoll(v, NULL, 10);
	return errno ? 0 : (int64_t)n;
}

static const char *pg_col_text(db_stmt *base, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	if (pg_col_is_null(base, i))
		return "";
	const char *v = PQgetvalue(s->res, 0, i);
	if (PQftype(s->res, i) == PG_OID_BOOL)
		return v[0] == 't' ? "1" : "0";
	return v;
}

static void pg_done(db_stmt *base)
{
	struct pg_stmt *s = (struct pg_stmt *)base;
	struct pg_conn *c = conn_of(base);
	/* Rows nobody will read: the connection must still be freed of them
	 * before its next command. */
	if (c->active == s) {
		PGresult *r;
		while ((r = PQgetResult(c->h)) != NULL && PQresultStatus(r) == PGRES_SINGLE_TUPLE)
			PQclear(r);
		end_stream(c, s, r);
	}
	clear_rows(s);
	s->executed = 0;
	s->ncols = 0;
	s->final_rc = DB_DONE;
	clear_bindings(s);
	s->in_use = 0;
	if (s->cached)
		return;
	/* Past the cache, a typed statement's server-side copy is its own. */
	if (s->tname && s->owns_tname && s->tgeneration == c->generation && PQstatus(c->h) == CONNECTION_OK) {
		char sql[48];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", s->tname);
		PQclear(PQexec(c->h, sql));
	}
	free_stmt(s);
}

static const struct db_macro pg_macros[] = {
    {"pk", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
    {"strict", ""},
    {"int", "BIGINT"},
};

const struct db_driver db_pg_driver = {
    .name = "postgresql",
    .kind = DB_POSTGRES,
    /* READ COMMITTED, PostgreSQL's default, made explicit so that a
     * server configured otherwise does not change the store's behaviour:
     * each statement sees what was committed before it, writers wait on
     * the rows they touch (not on the whole database, as SQLite's
     * IMMEDIATE does), and a duplicate raced in by another writer is a
     * unique violation (DB_CONSTRAINT) the store already answers. Stricter
     * levels would fail transactions with 40001, which the store would
     * have to retry. */
    .begin_sql = "BEGIN ISOLATION LEVEL READ COMMITTED",
    .macros = pg_macros,
    .nmacros = COUNT(pg_macros),
    .pool_limit = pg_pool_limit,
    .exists = pg_exists,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind_int = pg_bind_int,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_count = pg_column_count,
    .col_is_null = pg_col_is_null,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .done = pg_done,
};
