/*
 * cli_init.c: `guichet init`, which creates the database or brings its
 * schema up to date. Running it again changes nothing.
 */
#include <stdio.h>

#include "cli/cli.h"

static const cli_cmd cmd_init = {
    .name = "init",
    .summary = "Creates the database, or applies the migrations it lacks. Safe to run again.",
};

int cli_init(int argc, char **argv)
{
	cli_args a;
	int status;
	if (cli_parse(&cmd_init, argc, argv, &a, &status) != 0)
		return status;
	char err[512] = "";
	store *s = NULL;
	int applied = 0, rc = CLI_FAIL;
	if (!a.cfg.db) {
		cli_error(&a, "no database given: use --db PATH or GUICHET_DB");
		rc = CLI_USAGE;
	} else if (store_open(&s, a.cfg.db, 1, err, sizeof err) != STORE_OK) {
		cli_error(&a, "%s", err);
	} else if (store_migrate(s, &applied, err, sizeof err) != STORE_OK) {
		cli_error(&a, "%s (%d applied before the failure)", err, applied);
	} else {
		int version = store_schema_version(s);
		printf("applied %d migration%s, schema version %d\n", applied, applied == 1 ? "" : "s",
		       version);
		rc = version >= 0 ? CLI_OK : CLI_FAIL;
	}
	store_close(s);
	cli_args_free(&a);
	return rc;
}
