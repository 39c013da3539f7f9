/*
 * cli_backup.c: `guichet backup` and `guichet restore` of a SQLite store.
 * A backup may be taken while the server runs and writes; a restore needs
 * the server stopped, and checks the backup before it replaces anything.
 */
#include <stdio.h>

#include "cli/cli.h"

static const cli_opt backup_opts[] = {
    {"to", "FILE", "the new file to write (it must not exist)", 1, 0},
};
static const cli_cmd cmd_backup = {
    .name = "backup",
    .summary = "Copies the SQLite store, even while the server runs and writes, into a new file: a "
               "consistent snapshot of the last committed change. For PostgreSQL use pg_dump "
               "(docs/operations.md).",
    .opts = backup_opts,
    .nopts = COUNT(backup_opts),
};

static const cli_opt restore_opts[] = {
    {"from", "FILE", "the backup to put back", 1, 0},
    {"force", NULL, "replace the store at --db, which exists (stop the server first)", 0, 0},
};
static const cli_cmd cmd_restore = {
    .name = "restore",
    .summary = "Checks a backup (every page and index, a schema this guichet knows), brings it up to "
               "date and puts it in place of the store at --db. A damaged backup changes nothing.",
    .opts = restore_opts,
    .nopts = COUNT(restore_opts),
};

static int need_db(const cli_args *a)
{
	if (a->cfg.db && *a->cfg.db)
		return 0;
	cli_error(a, "no database given: use --db PATH or GUICHET_DB");
	return -1;
}

int cli_backup(int argc, char **argv)
{
	cli_args a;
	int status;
	if (cli_parse(&cmd_backup, argc, argv, &a, &status) != 0)
		return status;
	int rc = CLI_USAGE;
	char err[512];
	if (need_db(&a) == 0) {
		const char *to = cli_get(&a, "to");
		rc = CLI_FAIL;
		if (store_backup(a.cfg.db, to, err, sizeof err) != STORE_OK) {
			cli_error(&a, "%s", err);
		} else {
			printf("backup written to %s\n", to);
			rc = CLI_OK;
		}
	}
	cli_args_free(&a);
	return rc;
}

int cli_restore(int argc, char **argv)
{
	cli_args a;
	int status;
	if (cli_parse(&cmd_restore, argc, argv, &a, &status) != 0)
		return status;
	int rc = CLI_USAGE;
	char err[512];
	if (need_db(&a) == 0) {
		int version = 0;
		rc = CLI_FAIL;
		if (store_restore(cli_get(&a, "from"), a.cfg.db, cli_get(&a, "force") != NULL, &version, err,
		                  sizeof err) != STORE_OK) {
			cli_error(&a, "%s", err);
		} else {
			printf("restored %s (schema version %d, now %d)\n", cli_get(&a, "from"), version,
			       store_schema_latest());
			rc = CLI_OK;
		}
	}
	cli_args_free(&a);
	return rc;
}
