/* unit.h: what every cmocka test file includes. */
#ifndef GUICHET_UNIT_H
#define GUICHET_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

/*
 * unit_db_url: the URL of a fresh, empty database for one test, so that the
 * store tests run unchanged on either engine:
 *   - by default a new SQLite file in tmpdir (t1.db, t2.db, …: remove the
 *     directory's files afterwards);
 *   - when GUICHET_TEST_PG_URL names a PostgreSQL database (scripts/check-pg
 *     sets it to a throwaway cluster), a new database created there with a
 *     unique name, as a libpq key=value string with that cluster's settings.
 * The answer lives in a static buffer until the next call: copy it. NULL
 * (with the reason on stderr) when the database cannot be created.
 */
static inline const char *unit_db_url(const char *tmpdir)
{
	static char url[1024];
	static unsigned counter;
	counter++;
	const char *pg = getenv("GUICHET_TEST_PG_URL");
	if (!pg || !*pg) {
		snprintf(url, sizeof url, "%s/t%u.db", tmpdir, counter);
		return url;
	}
	char name[64];
	snprintf(name, sizeof name, "guichet_t%ld_%u", (long)getpid(), counter);

	PGconn *h = PQconnectdb(pg);
	if (PQstatus(h) != CONNECTION_OK) {
		fprintf(stderr, "unit_db_url: cannot connect to GUICHET_TEST_PG_URL: %s", PQerrorMessage(h));
		PQfinish(h);
		return NULL;
	}
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	PGresult *r = PQexec(h, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "unit_db_url: %s", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(h);
	if (!ok)
		return NULL;

	/* The same settings (host, port, user…) with the new dbname, quoted
	 * as libpq's key=value syntax wants. */
	char *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(pg, &errmsg);
	if (!opts) {
		fprintf(stderr, "unit_db_url: %s\n", errmsg ? errmsg : "cannot parse GUICHET_TEST_PG_URL");
		PQfreemem(errmsg);
		return NULL;
	}
	size_t o = 0;
	for (PQconninfoOption *p = opts; p->keyword && o < sizeof url; p++) {
		const char *v = strcmp(p->keyword, "dbname") == 0 ? name : p->val;
		if (!v)
			continue;
		o += (size_t)snprintf(url + o, sizeof url - o, "%s%s='", o ? " " : "", p->keyword);
		for (; *v && o + 2 < sizeof url; v++) {
			if (*v == '\'' || *v == '\\')
				url[o++] = '\\';
			url[o++] = *v;
		}
		if (o < sizeof url)
			o += (size_t)snprintf(url + o, sizeof url - o, "'");
	}
	PQconninfoFree(opts);
	if (o >= sizeof url) {
		fprintf(stderr, "unit_db_url: GUICHET_TEST_PG_URL is too long\n");
		return NULL;
	}
	return url;
}

/* Whether unit_db_url gives PostgreSQL databases. */
static inline int unit_db_is_pg(void)
{
	const char *pg = getenv("GUICHET_TEST_PG_URL");
	return pg && *pg;
}

/* unit_db_url copied into path (n bytes): 0, or -1 when the database
 * cannot be created. */
static inline int unit_db_path(const char *tmpdir, char *path, size_t n)
{
	const char *url = unit_db_url(tmpdir);
	if (!url)
		return -1;
	snprintf(path, n, "%s", url);
	return 0;
}

/*
 * The fixture of the store tests: a new temporary directory made from dir
 * (a mkdtemp template such as "/tmp/guichet-x-XXXXXX"), a fresh database
 * there (unit_db_url, so either engine) whose URL goes into path (n bytes),
 * opened with four connections and migrated to the latest schema. 0, or -1
 * with the reason on stderr. Undo with unit_store_close.
 */
static inline int unit_store_open(char *dir, char *path, size_t n, store **s)
{
	char err[256];
	int applied;
	*s = NULL;
	if (!mkdtemp(dir) || unit_db_path(dir, path, n) != 0)
		return -1;
	if (store_open(s, path, 4, err, sizeof err) != STORE_OK ||
	    store_migrate(*s, &applied, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	return 0;
}

/* One case of a table of validations: a valid input when field is NULL,
 * else exactly one error, on field (with that msgid unless msgid is NULL).
 * rc and e are what the validation answered for case i. */
static inline void unit_check_case(size_t i, int rc, const field_errors *e, const char *field,
                                   const char *msgid)
{
	if (!field) {
		if (rc != 0)
			fail_msg("case %zu: unexpected error on %s: %s", i, e->v[0].field, e->v[0].msgid);
		return;
	}
	if (rc == 0 || e->n != 1 || strcmp(e->v[0].field, field) != 0)
		fail_msg("case %zu: expected one error on %s, got %zu", i, field, e->n);
	if (msgid)
		assert_string_equal(e->v[0].msgid, msgid);
}

/* Removes a temporary directory and the database files in it (PostgreSQL's
 * test databases go with the throwaway cluster). */
static inline void unit_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[400];
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Undoes unit_store_open, and frees the fixture's arena a (may be NULL). */
static inline void unit_store_close(store *s, arena *a, const char *dir)
{
	store_close(s);
	arena_free(a);
	unit_remove_dir(dir);
}

#endif
