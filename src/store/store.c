/*
 * store.c: opening the store, the migrations, the settings, and the helpers
 * the other store_*.c files use to run their statements (store_impl.h).
 *
 * Every statement is a constant SQL text with '?' placeholders, prepared
 * through db.h; data never enters SQL text. Failures are logged in logfmt
 * with the operation's name and the engine's message, never with values.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/embedded.h"
#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "util/util.h"

/* msg as a logfmt quoted value: engine messages may hold quotes, and
 * control characters would break the line. Cut to fit out. */
static void quote(char *out, size_t outlen, const char *msg)
{
	size_t o = 0;
	out[o++] = '"';
	for (const char *p = msg; *p && o + 4 < outlen; p++) {
		if (*p == '"' || *p == '\\')
			out[o++] = '\\';
		out[o++] = (unsigned char)*p < 0x20 ? ' ' : *p;
	}
	out[o++] = '"';
	out[o] = '\0';
}

int store_fail(store *s, const char *op, int db_rc, const char *msg)
{
	if (db_rc == DB_CONSTRAINT)
		return STORE_CONFLICT;
	atomic_fetch_add(&s->errors, 1);
	char q[300];
	quote(q, sizeof q, msg ? msg : "error");
	/* One call per line keeps lines whole when threads log together. */
	fprintf(stderr, "level=error component=store op=%s msg=%s%s\n", op,
	        db_rc == DB_BUSY ? "\"database busy\" detail=" : "", q);
	return STORE_ERROR;
}

db_stmt *store_prep(store *s, db_conn *c, const char *op, const char *sql, const store_param *p, size_t n)
{
	db_stmt *st = db_prepare(c, sql);
	if (!st) {
		store_fail(s, op, DB_ERROR, db_errmsg(c));
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = p[i].type == 'i' ? db_bind_int(st, (int)i + 1, p[i].i)
		                          : db_bind_text(st, (int)i + 1, p[i].t ? p[i].t : "");
		if (rc != DB_OK) {
			store_fail(s, op, rc, db_errmsg(c));
			db_done(st);
			return NULL;
		}
	}
	return st;
}

int store_run(store *s, db_conn *c, const char *op, const char *sql, const store_param *p, size_t n,
              int64_t *first)
{
	db_stmt *st = store_prep(s, c, op, sql, p, n);
	if (!st)
		return STORE_ERROR;
	int rows = 0, rc;
	while ((rc = db_step(st)) == DB_ROW) {
		if (rows == 0 && first)
			*first = db_col_int(st, 0);
		if (rows < 1000000)
			rows++;
	}
	if (rc != DB_DONE)
		rows = store_fail(s, op, rc, db_errmsg(c));
	db_done(st);
	return rows;
}

int store_once(store *s, const char *op, const char *sql, const store_param *p, size_t n, int64_t *first,
               int need_row)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_run(s, c, op, sql, p, n, first);
	db_release(s->db, c);
	if (rc < 0)
		return rc;
	return rc == 0 && need_row ? STORE_NOT_FOUND : STORE_OK;
}

int store_tx_begin(store *s, db_conn *c, const char *op)
{
	int rc = db_begin(c);
	return rc == DB_OK ? STORE_OK : store_fail(s, op, rc, db_errmsg(c));
}

int store_tx_end(store *s, db_conn *c, const char *op, int rc)
{
	if (rc == STORE_OK) {
		int dbrc = db_commit(c);
		if (dbrc == DB_OK)
			return STORE_OK;
		rc = store_fail(s, op, dbrc, db_errmsg(c));
	}
	/* A failed COMMIT may leave the transaction open (SQLITE_BUSY):
	 * rolling back makes sure the connection returns to the pool clean. */
	int dbrc = db_rollback(c);
	if (dbrc != DB_OK)
		store_fail(s, op, dbrc, db_errmsg(c));
	return rc;
}

char *store_col_dup(arena *a, db_stmt *st, int col, int *oom)
{
	char *p = arena_strdup(a, db_col_text(st, col));
	if (!p)
		*oom = 1;
	return p;
}

char *store_lower(const char *s)
{
	char *l = xstrdup(s ? s : "");
	for (char *p = l; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

void *store_vec_push(store_vec *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = xrealloc(v->v, v->cap * v->size);
	}
	void *slot = (char *)v->v + v->n++ * v->size;
	memset(slot, 0, v->size);
	return slot;
}

int store_vec_finish(store_vec *v, arena *a, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (v->n) {
		*out = arena_alloc(a, v->n * v->size);
		if (!*out) {
			store_vec_free(v);
			return -1;
		}
		memcpy(*out, v->v, v->n * v->size);
		*n = v->n;
	}
	store_vec_free(v);
	return 0;
}

void store_vec_free(store_vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

int store_rows_collect(store *s, db_conn *c, const char *op, db_stmt *st, arena *a, size_t size,
                       store_row_fn fn, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!st)
		return STORE_ERROR;
	store_vec v = {.size = size};
	int step, bad = 0;
	while ((step = db_step(st)) == DB_ROW) {
		void *row = store_vec_push(&v);
		if (!row || fn(st, a, row) != 0) {
			bad = 1;
			break;
		}
	}
	db_done(st);
	int rc;
	if (bad)
		rc = store_fail(s, op, DB_ERROR, "arena full");
	else if (step != DB_DONE)
		rc = store_fail(s, op, step, db_errmsg(c));
	else
		rc = store_vec_finish(&v, a, out, n) == 0 ? STORE_OK
		                                          : store_fail(s, op, DB_ERROR, "arena full");
	if (rc != STORE_OK) {
		store_vec_free(&v);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int store_rows(store *s, const char *op, const char *sql, const store_param *p, size_t np, arena *a,
               size_t size, store_row_fn fn, void **out, size_t *n)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_rows_collect(s, c, op, store_prep(s, c, op, sql, p, np), a, size, fn, out, n);
	db_release(s->db, c);
	return rc;
}

int store_row_one(store *s, const char *op, const char *sql, const store_param *p, size_t np, arena *a,
                  size_t size, store_row_fn fn, void *out)
{
	void *rows = NULL;
	size_t n = 0;
	int rc = store_rows(s, op, sql, p, np, a, size, fn, &rows, &n);
	if (rc == STORE_OK && n == 0)
		rc = STORE_NOT_FOUND;
	if (rc == STORE_OK)
		memcpy(out, rows, size);
	return rc;
}

void store_report_scope_sql(buf *sql, store_param *p, size_t *np, const stats_query *q, const char *site_col,
                            const char *op_col)
{
	if (q->site_ids) {
		buf_printf(sql, " AND %s IN (0", site_col);
		for (size_t i = 0; i < q->nsites; i++) {
			buf_puts(sql, ", ?");
			p[(*np)++] = P_INT(q->site_ids[i]);
		}
		buf_puts(sql, ")");
	} else if (q->departement && *q->departement) {
		buf_puts(sql, " AND s.departement = ?");
		p[(*np)++] = P_TEXT(q->departement);
	} else if (q->region && *q->region) {
		buf_puts(sql, " AND dp.region_code = ?");
		p[(*np)++] = P_TEXT(q->region);
	}
	if (op_col && q->operator_code && *q->operator_code) {
		buf_printf(sql, " AND %s = ?", op_col);
		p[(*np)++] = P_TEXT(q->operator_code);
	}
}

/* Opening */

int store_open(store **out, const char *url, unsigned pool_size, char *err, size_t errlen)
{
	*out = NULL;
	db *d;
	if (db_open(&d, url, pool_size, err, errlen) != DB_OK)
		return STORE_ERROR;
	store *s = xcalloc(1, sizeof *s);
	s->db = d;
	atomic_init(&s->errors, 0);
	/* What the store keeps in memory, each behind its own lock. */
	s->freq = store_freq_cache_new();
	s->counts = store_count_cache_new();
	s->catalog = store_catalog_cache_new();
	*out = s;
	return STORE_OK;
}

int store_exists(const char *url)
{
	return db_exists(url);
}

void store_close(store *s)
{
	if (!s)
		return;
	store_freq_cache_free(s->freq);
	store_count_cache_free(s->counts);
	store_catalog_cache_free(s->catalog);
	db_close(s->db);
	free(s);
}

void store_latency_metrics(store *s, buf *out)
{
	uint64_t counts[DB_LATENCY_BUCKETS], sum_us = 0, n = 0, cumulative = 0;
	db_latency(s->db, counts, &sum_us, &n);
	buf_puts(out, "# HELP guichet_store_operation_seconds Time a store operation held its database "
	              "connection.\n# TYPE guichet_store_operation_seconds histogram\n");
	for (size_t b = 0; b < DB_LATENCY_BUCKETS; b++) {
		cumulative += counts[b];
		if (b < DB_LATENCY_BUCKETS - 1)
			buf_printf(out, "guichet_store_operation_seconds_bucket{le=\"%g\"} %llu\n",
			           db_latency_le[b], (unsigned long long)cumulative);
		else
			buf_printf(out, "guichet_store_operation_seconds_bucket{le=\"+Inf\"} %llu\n",
			           (unsigned long long)cumulative);
	}
	buf_printf(out,
	           "guichet_store_operation_seconds_sum %llu.%06llu\nguichet_store_operation_seconds_count "
	           "%llu\n",
	           (unsigned long long)(sum_us / 1000000), (unsigned long long)(sum_us % 1000000),
	           (unsigned long long)n);
}

uint64_t store_error_count(const store *s)
{
	return atomic_load(&s->errors);
}

const char *store_kind_name(const store *s)
{
	return db_kind_of(s->db) == DB_POSTGRES ? "postgresql" : "sqlite";
}

void store_read_scope_begin(store *s)
{
	db_scope_begin(s->db);
}

void store_read_scope_end(store *s)
{
	db_scope_end(s->db);
}

/* Migrations: sql/NNN_name.sql files embedded in the binary, applied in
 * order, each in its own transaction with its row in schema_migrations, so
 * that a failed migration leaves the previous version intact. */

/* The number of a migration file, or -1 when the name is not one. */
static int migration_number(const char *name)
{
	if (!str_starts(name, "sql/"))
		return -1;
	const char *p = name + 4;
	size_t len = strlen(p);
	if (len < 5 || strcmp(p + len - 4, ".sql") != 0 || !isdigit((unsigned char)p[0]))
		return -1;
	int v = 0;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > 100000)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return *p == '_' ? v : -1;
}

int store_schema_latest(void)
{
	int latest = 0;
	for (size_t i = 0; i < embedded_count; i++) {
		int v = migration_number(embedded_files[i].name);
		if (v > latest)
			latest = v;
	}
	return latest;
}

static const char *const sql_migrations_table =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version {{int}} PRIMARY KEY, name TEXT NOT NULL, "
    "applied_at {{int}} NOT NULL) {{strict}}";
static const char *const sql_version = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

/* Applies one migration unless another process did it first: the version is
 * read again under the write lock. */
static int apply_one(store *s, db_conn *c, const struct embedded_file *f, int version, int *applied,
                     char *err, size_t errlen)
{
	int rc = store_tx_begin(s, c, "migrate");
	if (rc != STORE_OK) {
		snprintf(err, errlen, "migration %s: cannot begin: %s", f->name, db_errmsg(c));
		return rc;
	}
	int64_t current = 0;
	int done = 0;
	rc = store_run(s, c, "migrate", sql_version, NO_PARAMS, &current);
	if (rc >= 0 && current < version) {
		if (db_exec_script(c, (const char *)f->data) != DB_OK) {
			rc = store_fail(s, "migrate", DB_ERROR, db_errmsg(c));
		} else {
			rc = store_run(
			    s, c, "migrate",
			    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			    PARAMS(P_INT(version), P_TEXT(f->name + 4), P_INT(now_s())), NULL);
			done = rc >= 0;
		}
	}
	/* The rollback would replace the engine's message: keep it first. */
	char why[256];
	snprintf(why, sizeof why, "%s", db_errmsg(c));
	rc = store_tx_end(s, c, "migrate", rc < 0 ? rc : STORE_OK);
	if (rc != STORE_OK) {
		snprintf(err, errlen, "migration %s failed: %s", f->name, done ? db_errmsg(c) : why);
		return rc;
	}
	*applied += done;
	return STORE_OK;
}

int store_migrate(store *s, int *applied, char *err, size_t errlen)
{
	*applied = 0;
	if (errlen)
		*err = '\0';
	db_conn *c = db_acquire(s->db);
	int rc = STORE_OK;
	if (db_exec_script(c, sql_migrations_table) != DB_OK) {
		snprintf(err, errlen, "cannot create schema_migrations: %s", db_errmsg(c));
		rc = store_fail(s, "migrate", DB_ERROR, db_errmsg(c));
	}
	int previous = 0;
	for (size_t i = 0; rc == STORE_OK && i < embedded_count; i++) {
		int v = migration_number(embedded_files[i].name);
		if (v < 0)
			continue;
		/* embedded_files is sorted by name, so numbers must rise. */
		if (v <= previous) {
			snprintf(err, errlen, "migration %s: number %d is not above %d",
			         embedded_files[i].name, v, previous);
			rc = STORE_ERROR;
			break;
		}
		previous = v;
		rc = apply_one(s, c, &embedded_files[i], v, applied, err, errlen);
	}
	db_release(s->db, c);
	return rc;
}

int store_schema_version(store *s)
{
	/* A store that was never initialised has no schema_migrations table:
	 * that is version 0, not an error worth a log line. */
	db_conn *c = db_acquire(s->db);
	db_stmt *st = db_prepare(c, sql_version);
	int missing =
	    !st && (strstr(db_errmsg(c), "no such table") || strstr(db_errmsg(c), "does not exist"));
	db_done(st);
	db_release(s->db, c);
	if (missing)
		return 0;
	int64_t v = 0;
	int rc = store_once(s, "schema_version", sql_version, NO_PARAMS, &v, 1);
	return rc == STORE_OK ? (int)v : -1;
}

/* Settings */

int store_setting_get(store *s, arena *a, const char *key, char **value)
{
	*value = NULL;
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "setting_get", "SELECT value FROM settings WHERE key = ?", PARAMS(P_TEXT(key)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			*value = arena_strdup(a, db_col_text(st, 0));
			rc = *value ? STORE_OK : store_fail(s, "setting_get", DB_ERROR, "arena full");
		} else {
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "setting_get", step, db_errmsg(c));
		}
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_setting_put(store *s, const char *key, const char *value)
{
	return store_once(s, "setting_put",
	                  "INSERT INTO settings (key, value) VALUES (?, ?) "
	                  "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	                  PARAMS(P_TEXT(key), P_TEXT(value)), NULL, 0);
}
