/*
 * store_backup.c: a consistent copy of a running SQLite store, and putting
 * one back after checking it. PostgreSQL stores are saved with pg_dump or a
 * base backup (docs/operations.md), not here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "store/store.h"
#include "store/store_impl.h"

static const char *sqlite_file_or_say(const char *url, const char *verb, char *err, size_t errlen)
{
	const char *file = db_sqlite_file(url);
	if (!file)
		snprintf(err, errlen,
		         "%s works on a SQLite store only: for PostgreSQL use pg_dump and pg_restore "
		         "(docs/operations.md)",
		         verb);
	return file;
}

int store_backup(const char *url, const char *to, char *err, size_t errlen)
{
	const char *file = sqlite_file_or_say(url, "backup", err, errlen);
	if (!file)
		return STORE_ERROR;
	if (!db_exists(url)) {
		snprintf(err, errlen, "no database at '%s'", file);
		return STORE_ERROR;
	}
	return db_sqlite_copy(file, to, err, errlen) == DB_OK ? STORE_OK : STORE_ERROR;
}

/* Whether the store at url is whole (SQLite's own check of every page and
 * index) and a Guichet store this binary can bring up to date. */
static int check_copy(const char *url, int *version, char *err, size_t errlen)
{
	store *s = NULL;
	if (store_open(&s, url, 1, err, errlen) != STORE_OK)
		return STORE_ERROR;
	char verdict[256] = "";
	db_conn *c = db_acquire(s->db);
	db_stmt *st = c ? db_prepare(c, "PRAGMA integrity_check") : NULL;
	if (st && db_step(st) == DB_ROW && db_col_text(st, 0))
		snprintf(verdict, sizeof verdict, "%s", db_col_text(st, 0));
	db_done(st);
	db_release(s->db, c);
	int rc = STORE_OK;
	if (strcmp(verdict, "ok") != 0) {
		snprintf(err, errlen, "the backup is damaged: %s", verdict[0] ? verdict : "it cannot be read");
		rc = STORE_ERROR;
		goto done;
	}
	*version = store_schema_version(s);
	if (*version <= 0) {
		snprintf(err, errlen, "the file is no Guichet store (no schema version)");
		rc = STORE_ERROR;
	} else if (*version > store_schema_latest()) {
		snprintf(err, errlen, "the backup is at schema version %d, newer than this guichet (%d)", *version,
		         store_schema_latest());
		rc = STORE_ERROR;
	} else {
		int applied = 0;
		rc = store_migrate(s, &applied, err, errlen);
	}
done:
	store_close(s);
	return rc;
}

int store_restore(const char *from, const char *url, int replace, int *version, char *err, size_t errlen)
{
	const char *file = sqlite_file_or_say(url, "restore", err, errlen);
	if (!file)
		return STORE_ERROR;
	if (db_exists(url) && !replace) {
		snprintf(err, errlen, "a store exists at '%s': stop the server, then restore with --force to replace it",
		         file);
		return STORE_ERROR;
	}
	/* The copy is checked and brought up to date beside the store, and only
	 * then takes its place: a damaged backup leaves the store as it was. */
	char staged[4096];
	if ((size_t)snprintf(staged, sizeof staged, "%s.restoring", file) >= sizeof staged) {
		snprintf(err, errlen, "the file name '%s' is too long", file);
		return STORE_ERROR;
	}
	unlink(staged);
	if (db_sqlite_copy(from, staged, err, errlen) != DB_OK)
		return STORE_ERROR;
	if (check_copy(staged, version, err, errlen) != STORE_OK) {
		unlink(staged);
		return STORE_ERROR;
	}
	char side[4200];
	for (int i = 0; i < 2; i++) {
		snprintf(side, sizeof side, "%s%s", file, i ? "-shm" : "-wal");
		unlink(side);
	}
	if (rename(staged, file) != 0) {
		snprintf(err, errlen, "cannot put the backup in place: %s", strerror(errno));
		unlink(staged);
		return STORE_ERROR;
	}
	return STORE_OK;
}
