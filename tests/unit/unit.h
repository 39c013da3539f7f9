/* unit.h: what every cmocka test file includes. */
#ifndef GUICHET_UNIT_H
#define GUICHET_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#endif
