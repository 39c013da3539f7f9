/*
 * test_db_pg.c: the PostgreSQL driver (db_pg.c) through db.h, on a real
 * server: placeholders rewritten outside literals, the statement cache and
 * nested use, types, error codes, transactions, and a connection killed by
 * the server (reset on next use, never inside a transaction).
 *
 * Needs GUICHET_TEST_PG_URL (scripts/check-pg starts a throwaway cluster
 * and sets it). Without it every test is reported skipped, with the reason,
 * in TAP's "ok N - name # SKIP reason" form, and the binary exits 0.
 */
#include "unit.h"

#include "db/db.h"
#include "util/guichet_limits.h"

struct fixture {
	char url[1024];
	db *d;
	db_conn *c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char err[256];
	if (unit_db_path("/tmp", f->url, sizeof f->url) != 0)
		return -1;
	if (db_open(&f->d, f->url, 2, err, sizeof err) != DB_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	f->c = db_acquire(f->d);
	if (db_exec_script(f->c, "CREATE TABLE t (id {{pk}}, v {{int}} NOT NULL CHECK (v >= 0), "
	                         "s TEXT UNIQUE) {{strict}};") != DB_OK) {
		fprintf(stderr, "setup: %s\n", db_errmsg(f->c));
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_release(f->d, f->c);
	db_close(f->d);
	free(f);
	return 0;
}

/* Runs sql with one optional integer and gives the first column of the
 * first row (or -1000 when there is none). */
static int64_t scalar(db_conn *c, const char *sql)
{
	db_stmt *s = db_prepare(c, sql);
	assert_non_null(s);
	int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1000;
	db_done(s);
	return v;
}

static int insert(db_conn *c, int64_t v, const char *s)
{
	db_stmt *st = db_prepare(c, "INSERT INTO t (v, s) VALUES (?, ?)");
	assert_non_null(st);
	assert_int_equal(db_bind_int(st, 1, v), DB_OK);
	assert_int_equal(db_bind_text(st, 2, s), DB_OK);
	int rc = db_step(st);
	db_done(st);
	return rc;
}

static void test_open_and_kind(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_kind_of(f->d), DB_POSTGRES);
	assert_int_equal(db_exists(f->url), 1);
	/* The URL form of the same cluster works too (GUICHET_TEST_PG_URL). */
	db *d;
	char err[256];
	assert_int_equal(db_open(&d, getenv("GUICHET_TEST_PG_URL"), 1, err, sizeof err), DB_OK);
	db_conn *c = db_acquire(d);
	assert_int_equal(scalar(c, "SELECT 41 + 1"), 42);
	db_release(d, c);
	db_close(d);

	/* A database the server does not have: "does not exist", so that
	 * commands other than init say so instead of a connection error. */
	char missing[1100];
	snprintf(missing, sizeof missing, "%s", f->url);
	char *name = strstr(missing, "dbname='");
	assert_non_null(name);
	memcpy(name + strlen("dbname='"), "nobody_", 7);
	assert_int_equal(db_exists(missing), 0);
	assert_int_equal(db_open(&d, missing, 1, err, sizeof err), DB_ERROR);
	assert_non_null(strstr(err, "does not exist"));
}

static void test_session_settings(void **state)
{
	struct fixture *f = *state;
	db_stmt *s = db_prepare(f->c, "SELECT current_setting('statement_timeout'), "
	                              "current_setting('lock_timeout'), current_setting('server_encoding')");
	assert_int_equal(db_step(s), DB_ROW);
	assert_string_equal(db_col_text(s, 0), "30s");
	char lock[32];
	snprintf(lock, sizeof lock, "%ds", LIMIT_DB_BUSY_MS / 1000);
	assert_string_equal(db_col_text(s, 1), lock);
	assert_string_equal(db_col_text(s, 2), "UTF8");
	db_done(s);
}

static void test_macros(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(scalar(f->c, "SELECT COUNT(*) FROM information_schema.columns WHERE "
	                              "table_name = 't' AND data_type = 'bigint'"),
	                 2);
	assert_int_equal(insert(f->c, 1, "a"), DB_DONE);
	assert_int_equal(insert(f->c, 2, "b"), DB_DONE);
	/* {{pk}} counts from 1, as SQLite's rowid does on a new table. */
	assert_int_equal(scalar(f->c, "SELECT MAX(id) FROM t"), 2);
	assert_int_equal(db_exec_script(f->c, "CREATE TABLE u (x {{nope}})"), DB_ERROR);
	assert_non_null(strstr(db_errmsg(f->c), "macro"));
}

/* '?' inside literals, quoted names, dollar quotes and comments is text. */
static void test_placeholders(void **state)
{
	struct fixture *f = *state;
	db_stmt *s = db_prepare(f->c, "SELECT '?', 'it''s ?', E'\\'?', $$?$$, $x$ ? $x$, ? AS \"q?\" "
	                              "-- a comment?\n, /* ? */ ?, ?");
	assert_non_null(s);
	assert_int_equal(db_bind_int(s, 1, 7), DB_OK);
	assert_int_equal(db_bind_text(s, 2, "deux"), DB_OK);
	assert_int_equal(db_bind_text(s, 3, "l'été \"?\" \\ $1"), DB_OK);
	assert_int_equal(db_bind_int(s, 4, 1), DB_ERROR); /* there are 3 */
	assert_non_null(strstr(db_errmsg(f->c), "out of range"));
	assert_int_equal(db_bind_int(s, 0, 1), DB_ERROR);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_column_count(s), 8);
	assert_string_equal(db_col_text(s, 0), "?");
	assert_string_equal(db_col_text(s, 1), "it's ?");
	assert_string_equal(db_col_text(s, 2), "'?");
	assert_string_equal(db_col_text(s, 3), "?");
	assert_string_equal(db_col_text(s, 4), " ? ");
	assert_int_equal(db_col_int(s, 5), 7);
	assert_string_equal(db_col_text(s, 6), "deux");
	assert_string_equal(db_col_text(s, 7), "l'été \"?\" \\ $1");
	assert_int_equal(db_step(s), DB_DONE);
	db_done(s);
}

static void test_values_and_nulls(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(insert(f->c, INT64_MAX, "grand"), DB_DONE);
	assert_int_equal(insert(f->c, 0, NULL), DB_DONE);
	db_stmt *s = db_prepare(f->c, "SELECT v, s, v > 5, AVG(v % 4) OVER () FROM t ORDER BY v");
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 0);
	assert_true(db_col_is_null(s, 1));
	assert_string_equal(db_col_text(s, 1), "");
	/* Booleans read as SQLite's 0 and 1; numeric keeps its integer part. */
	assert_int_equal(db_col_int(s, 2), 0);
	assert_string_equal(db_col_text(s, 2), "0");
	assert_int_equal(db_col_int(s, 3), 1); /* AVG(0, 3) = 1.5 */
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), INT64_MAX);
	assert_string_equal(db_col_text(s, 1), "grand");
	assert_false(db_col_is_null(s, 1));
	assert_int_equal(db_col_int(s, 2), 1);
	assert_string_equal(db_col_text(s, 2), "1");
	/* Outside the row or the columns: NULL, never a crash. */
	assert_true(db_col_is_null(s, 9));
	assert_string_equal(db_col_text(s, -1), "");
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_step(s), DB_DONE);
	assert_true(db_col_is_null(s, 0));
	db_done(s);
	/* A statement that gives no rows, and RETURNING. */
	s = db_prepare(f->c, "UPDATE t SET v = v + ? WHERE s = ? RETURNING v");
	assert_int_equal(db_bind_int(s, 1, -1), DB_OK);
	assert_int_equal(db_bind_text(s, 2, "nobody"), DB_OK);
	assert_int_equal(db_step(s), DB_DONE);
	db_done(s);
}

/* Statements whose parameter types the server cannot infer alone run with
 * the types of the bound values, also inside a transaction. */
static void test_untyped_parameters(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_begin(f->c), DB_OK);
	assert_int_equal(insert(f->c, 3, "x"), DB_DONE);
	for (int round = 0; round < 2; round++) {
		db_stmt *s =
		    db_prepare(f->c, "SELECT ? IS NULL, ? IS NULL, COUNT(*) FROM t WHERE ? IS NULL OR v = ?");
		assert_non_null(s);
		assert_int_equal(db_bind_int(s, 1, 5), DB_OK);
		assert_int_equal(db_bind_null(s, 2), DB_OK);
		assert_int_equal(db_bind_text(s, 3, NULL), DB_OK);
		assert_int_equal(db_bind_int(s, 4, 99), DB_OK);
		int rc = db_step(s);
		if (rc != DB_ROW)
			fprintf(stderr, "%s\n", db_errmsg(f->c));
		assert_int_equal(rc, DB_ROW);
		assert_int_equal(db_col_int(s, 0), 0);
		assert_int_equal(db_col_int(s, 1), 1);
		assert_int_equal(db_col_int(s, 2), 1);
		db_done(s);
	}
	/* The failed first attempt to prepare did not abort the transaction. */
	assert_int_equal(db_commit(f->c), DB_OK);
	assert_int_equal(scalar(f->c, "SELECT COUNT(*) FROM t"), 1);
}

static void test_cache_and_nesting(void **state)
{
	struct fixture *f = *state;
	for (int i = 1; i <= 3; i++)
		assert_int_equal(insert(f->c, (int64_t)i * 10, i == 2 ? NULL : (i == 1 ? "a" : "c")),
		                 DB_DONE);
	const char *sql = "SELECT v, s FROM t WHERE v >= ? ORDER BY v";
	db_stmt *outer = db_prepare(f->c, sql);
	assert_int_equal(db_bind_int(outer, 1, 0), DB_OK);
	int rows = 0;
	while (db_step(outer) == DB_ROW) {
		db_stmt *inner = db_prepare(f->c, sql);
		assert_ptr_not_equal(inner, outer);
		assert_int_equal(db_bind_int(inner, 1, 25), DB_OK);
		assert_int_equal(db_step(inner), DB_ROW);
		assert_int_equal(db_col_int(inner, 0), 30);
		db_done(inner);
		assert_int_equal(db_col_int(outer, 0), (rows + 1) * 10);
		rows++;
	}
	db_done(outer);
	assert_int_equal(rows, 3);
	db_stmt *again = db_prepare(f->c, sql);
	assert_ptr_equal(again, outer);
	/* Reset: no rows before the first step, bindings cleared (NULL). */
	assert_true(db_col_is_null(again, 0));
	assert_int_equal(db_step(again), DB_DONE); /* v >= NULL */
	db_done(again);

	/* Past the cache's size, statements are still right. */
	char q[64];
	for (int i = 0; i < 600; i++) {
		snprintf(q, sizeof q, "SELECT %d + ?", i);
		db_stmt *s = db_prepare(f->c, q);
		assert_non_null(s);
		assert_int_equal(db_bind_int(s, 1, 1), DB_OK);
		assert_int_equal(db_step(s), DB_ROW);
		assert_int_equal(db_col_int(s, 0), i + 1);
		db_done(s);
	}
}

/* Rows come one at a time; a statement left half-read, or interrupted by
 * another one on the same connection, leaves the connection usable. */
static void test_streaming(void **state)
{
	struct fixture *f = *state;
	const char *series = "SELECT g, repeat('x', 100) FROM generate_series(1, ?) g ORDER BY g";
	db_stmt *s = db_prepare(f->c, series);
	assert_int_equal(db_bind_int(s, 1, 100000), DB_OK);
	int64_t sum = 0;
	while (db_step(s) == DB_ROW)
		sum += db_col_int(s, 0);
	db_done(s);
	assert_int_equal(sum, (int64_t)100000 * 100001 / 2);

	/* Stopped after two rows: the next statement still works. */
	s = db_prepare(f->c, series);
	assert_int_equal(db_bind_int(s, 1, 1000), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 2);
	db_done(s);
	assert_int_equal(scalar(f->c, "SELECT 6 * 7"), 42);

	/* Interrupted by a write in a transaction, then read to the end. */
	assert_int_equal(db_begin(f->c), DB_OK);
	s = db_prepare(f->c, series);
	assert_int_equal(db_bind_int(s, 1, 500), DB_OK);
	int rows = 0;
	while (db_step(s) == DB_ROW) {
		if (++rows == 3)
			assert_int_equal(insert(f->c, 3, "pendant"), DB_DONE);
		assert_int_equal(db_col_int(s, 0), rows);
		assert_int_equal(db_column_count(s), 2);
	}
	db_done(s);
	assert_int_equal(rows, 500);
	assert_int_equal(db_commit(f->c), DB_OK);
	assert_int_equal(scalar(f->c, "SELECT COUNT(*) FROM t"), 1);

	/* An error after some rows ends the result with the error. */
	s = db_prepare(f->c, "SELECT 10 / (3 - g) FROM generate_series(1, 5) g");
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 5);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 10);
	assert_int_equal(db_step(s), DB_ERROR);
	assert_non_null(strstr(db_errmsg(f->c), "division by zero"));
	db_done(s);
	assert_int_equal(scalar(f->c, "SELECT 1"), 1);
}

static void test_errors(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(insert(f->c, 1, "same"), DB_DONE);
	assert_int_equal(insert(f->c, 2, "same"), DB_CONSTRAINT); /* unique */
	assert_int_equal(insert(f->c, -1, "neg"), DB_CONSTRAINT); /* check */
	/* The message names the constraint, not the duplicate value. */
	assert_int_equal(insert(f->c, 3, "same"), DB_CONSTRAINT);
	assert_null(strstr(db_errmsg(f->c), "same"));
	db_stmt *s = db_prepare(f->c, "INSERT INTO t (v) VALUES (?)");
	assert_int_equal(db_step(s), DB_CONSTRAINT); /* NOT NULL, nothing bound */
	db_done(s);
	assert_null(db_prepare(f->c, "SELECT nothing FROM nowhere"));
	assert_non_null(strstr(db_errmsg(f->c), "does not exist"));
	assert_null(db_prepare(f->c, "SELECT 1; SELECT 2"));
	assert_null(db_prepare(f->c, "SELEKT 1"));
	/* SQLSTATEs raised on purpose: serialization failure and deadlock
	 * are "busy", like SQLite's lock timeout; class 23 is a constraint. */
	assert_int_equal(
	    db_exec_script(f->c, "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '40001'; END $$"), DB_BUSY);
	assert_int_equal(
	    db_exec_script(f->c, "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '40P01'; END $$"), DB_BUSY);
	assert_int_equal(
	    db_exec_script(f->c, "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '23503'; END $$"),
	    DB_CONSTRAINT);
	assert_int_equal(
	    db_exec_script(f->c, "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '22012'; END $$"),
	    DB_ERROR);
	assert_true(db_error_count(f->d) >= 3);
}

/* A row locked by another connection: NOWAIT answers at once with 55P03,
 * the code lock_timeout gives after LIMIT_DB_BUSY_MS. */
static void test_busy(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(insert(f->c, 1, "a"), DB_DONE);
	db_conn *other = db_acquire(f->d);
	assert_int_equal(db_begin(f->c), DB_OK);
	assert_int_equal(scalar(f->c, "SELECT v FROM t WHERE s = 'a' FOR UPDATE"), 1);
	assert_int_equal(db_begin(other), DB_OK);
	db_stmt *s = db_prepare(other, "SELECT v FROM t WHERE s = 'a' FOR UPDATE NOWAIT");
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_BUSY);
	db_done(s);
	assert_int_equal(db_rollback(other), DB_OK);
	assert_int_equal(db_commit(f->c), DB_OK);
	db_release(f->d, other);
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(db_begin(f->c), DB_OK);
	assert_int_equal(insert(f->c, 1, "a"), DB_DONE);
	assert_int_equal(db_rollback(f->c), DB_OK);
	assert_int_equal(scalar(f->c, "SELECT COUNT(*) FROM t"), 0);

	assert_int_equal(db_begin(f->c), DB_OK);
	assert_int_equal(insert(f->c, 1, "a"), DB_DONE);
	assert_int_equal(db_commit(f->c), DB_OK);

	/* PostgreSQL aborts a transaction at its first error, and its COMMIT
	 * then rolls back: the caller must hear that nothing was written. */
	assert_int_equal(db_begin(f->c), DB_OK);
	assert_int_equal(insert(f->c, 2, "b"), DB_DONE);
	assert_int_equal(insert(f->c, 3, "a"), DB_CONSTRAINT);
	assert_int_equal(insert(f->c, 4, "c"), DB_ERROR); /* aborted */
	assert_int_equal(db_commit(f->c), DB_ERROR);
	assert_non_null(strstr(db_errmsg(f->c), "rolled back"));
	assert_int_equal(scalar(f->c, "SELECT COUNT(*) FROM t"), 1);
}

/* Kills the backend of victim from another connection of the pool. */
static void kill_backend(db *d, db_conn *victim)
{
	int64_t pid = scalar(victim, "SELECT pg_backend_pid()");
	db_conn *killer = db_acquire(d);
	db_stmt *s = db_prepare(killer, "SELECT pg_terminate_backend(?::int), pg_sleep(0.1)");
	assert_non_null(s);
	assert_int_equal(db_bind_int(s, 1, pid), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 1);
	db_done(s);
	db_release(d, killer);
}

static void test_connection_lost(void **state)
{
	struct fixture *f = *state;
	const char *count = "SELECT COUNT(*) FROM t WHERE v >= ?";
	db_stmt *s = db_prepare(f->c, count); /* cached and prepared */
	db_done(s);

	/* Outside a transaction: the call that meets the dead connection
	 * fails, the next one reconnects and prepares again. */
	kill_backend(f->d, f->c);
	s = db_prepare(f->c, count);
	assert_non_null(s);
	assert_int_equal(db_bind_int(s, 1, 0), DB_OK);
	assert_int_equal(db_step(s), DB_ERROR);
	db_done(s);
	s = db_prepare(f->c, count);
	assert_non_null(s);
	assert_int_equal(db_bind_int(s, 1, 0), DB_OK);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 0);
	db_done(s);
	assert_int_equal(scalar(f->c, "SELECT current_setting('statement_timeout') = '30s'"), 1);

	/* Inside a transaction: nothing runs until the caller rolls back,
	 * so the rest of the transaction cannot autocommit. */
	assert_int_equal(db_begin(f->c), DB_OK);
	assert_int_equal(insert(f->c, 1, "before"), DB_DONE);
	kill_backend(f->d, f->c);
	assert_int_equal(insert(f->c, 2, "during"), DB_ERROR);
	assert_null(db_prepare(f->c, "SELECT 1 + 1"));
	assert_non_null(strstr(db_errmsg(f->c), "lost during a transaction"));
	assert_int_equal(db_commit(f->c), DB_ERROR);
	assert_int_equal(db_rollback(f->c), DB_OK);
	assert_int_equal(scalar(f->c, "SELECT COUNT(*) FROM t"), 0);
	assert_int_equal(insert(f->c, 3, "after"), DB_DONE);
	assert_int_equal(scalar(f->c, "SELECT COUNT(*) FROM t"), 1);
}

#define TESTS(X)                                                                                             \
	X(test_open_and_kind)                                                                                \
	X(test_session_settings)                                                                             \
	X(test_macros)                                                                                       \
	X(test_placeholders)                                                                                 \
	X(test_values_and_nulls)                                                                             \
	X(test_untyped_parameters)                                                                           \
	X(test_cache_and_nesting)                                                                            \
	X(test_streaming)                                                                                    \
	X(test_errors)                                                                                       \
	X(test_busy)                                                                                         \
	X(test_transactions)                                                                                 \
	X(test_connection_lost)

int main(void)
{
	if (!unit_db_is_pg()) {
		/* cmocka 1.1 reports skip() as "not ok": say it in plain TAP. */
		static const char *const names[] = {
#define NAME(t) #t,
		    TESTS(NAME)
#undef NAME
		};
		const char *tap = getenv("CMOCKA_MESSAGE_OUTPUT");
		size_t n = sizeof names / sizeof names[0];
		if (tap && strcmp(tap, "TAP") == 0) {
			printf("1..%zu\n", n);
			for (size_t i = 0; i < n; i++)
				printf("ok %zu - %s # SKIP GUICHET_TEST_PG_URL is not set (scripts/check-pg "
				       "sets it)\n",
				       i + 1, names[i]);
		} else {
			printf("test_db_pg: %zu tests skipped: GUICHET_TEST_PG_URL is not set "
			       "(run scripts/check-pg)\n",
			       n);
		}
		return 0;
	}
	const struct CMUnitTest tests[] = {
#define CASE(t) cmocka_unit_test_setup_teardown(t, setup, teardown),
	    TESTS(CASE)
#undef CASE
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
