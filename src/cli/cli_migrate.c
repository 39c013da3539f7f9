/*
 * cli_migrate.c: `guichet migrate-data --from SQLITE --to URL`, so that a
 * site that started alone joins a central (département, national)
 * deployment. The copy itself is store_migrate_data (store_migrate.c); this
 * file opens both stores, checks them and prints the report.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const cli_opt migrate_opts[] = {
    {"from", "SQLITE_PATH", "the site's SQLite database (read; it keeps a migration uid in its settings)", 1,
     0},
    {"to", "URL",
     "the central database: postgres://… or a libpq string (the password from PGPASSWORD, "
     ".pgpass or a service file, never here)",
     1, 0},
    {"dry-run", NULL, "do everything but the final commit: print what would be copied", 0, 0},
};
static const cli_cmd cmd_migrate = {
    .name = "migrate-data",
    .summary = "Copies a site's database into a central one in one transaction: every id is renumbered, "
               "the pairs are kept in the target (table migrated_ids) so that a second run copies nothing, "
               "and a row that would overwrite different data (a user's e-mail, an API token) stops the "
               "copy with a report. Sessions and login failures are not copied; the audit journal is.",
    .opts = migrate_opts,
    .nopts = COUNT(migrate_opts),
};

/* Opens one side through cli_open_store's checks (exists, schema current). */
static int open_side(const cli_args *a, const char *url, store **s)
{
	cli_args side = *a;
	side.cfg.db = (char *)url;
	return cli_open_store(&side, s);
}

static void print_report(const store_migrate_report *r, int dry_run)
{
	int64_t added = 0;
	printf("source uid %s%s\n", r->source_uid, r->new_uid ? " (first migration)" : "");
	printf("%-23s %8s %8s %8s %8s\n", "table", "source", "new", "already", "matched");
	for (size_t i = 0; i < STORE_MIGRATE_TABLES; i++) {
		const store_migrate_count *c = &r->counts[i];
		printf("%-23s %8lld %8lld %8lld %8lld\n", c->table ? c->table : "?", (long long)c->source,
		       (long long)c->added, (long long)c->already, (long long)c->matched);
		added += c->added;
	}
	printf("%lld new rows%s\n", (long long)added, dry_run ? " (dry run: nothing written)" : "");
}

int cli_migrate(int argc, char **argv)
{
	cli_args a;
	int status;
	if (cli_parse(&cmd_migrate, argc, argv, &a, &status) != 0)
		return status;
	const char *from = cli_get(&a, "from"), *to = cli_get(&a, "to");
	int dry_run = cli_get(&a, "dry-run") != NULL;
	int rc = CLI_FAIL;
	store *src = NULL, *dst = NULL;
	arena *ar = NULL;
	if (strcmp(from, to) == 0) {
		cli_error(&a, "--from and --to name the same database");
		goto out;
	}
	if (open_side(&a, from, &src) != CLI_OK || open_side(&a, to, &dst) != CLI_OK)
		goto out;
	if (strcmp(store_kind_name(src), "sqlite") != 0) {
		cli_error(&a, "--from: expected a SQLite database, got a %s one", store_kind_name(src));
		goto out;
	}
	ar = arena_new((size_t)1024 * 1024);
	store_migrate_report r;
	char err[512];
	int mrc = store_migrate_data(src, dst, dry_run, ar, &r, err, sizeof err);
	if (mrc == STORE_OK) {
		print_report(&r, dry_run);
		int64_t added = 0;
		for (size_t i = 0; i < STORE_MIGRATE_TABLES; i++)
			added += r.counts[i].added;
		if (!dry_run && added > 0) {
			char detail[128];
			snprintf(detail, sizeof detail, "source %s: %lld rows", r.source_uid,
			         (long long)added);
			cli_audit(dst, "migrate_data", "", 0, 0, detail);
		}
		rc = CLI_OK;
	} else if (mrc == STORE_CONFLICT) {
		for (size_t i = 0; i < r.nconflicts; i++)
			cli_error(&a, "conflict: %s", r.conflicts[i]);
		if (r.total_conflicts > r.nconflicts)
			cli_error(&a, "… and %zu more conflicts", r.total_conflicts - r.nconflicts);
		cli_error(
		    &a,
		    "%zu conflicts: nothing was written to the target; make the rows agree (or rename one "
		    "of them) and run again",
		    r.total_conflicts);
	} else {
		cli_error(&a, "%s; nothing was written to the target", err);
	}
out:
	arena_free(ar);
	store_close(dst);
	store_close(src);
	cli_args_free(&a);
	return rc;
}
