/*
 * cli_purge.c: `guichet purge`, one purge of the personal data past its
 * retention period (docs/privacy.md), the one `guichet serve` runs once a
 * day. Prints one line per kind: its name, the rows removed (or, with
 * --dry-run, that would be) and what that means with its cutoff.
 */
#include <stdio.h>

#include "app/app_retention.h"
#include "cli/cli.h"

static const cli_opt purge_opts[] = {
    {"dry-run", NULL, "print what would be removed, and change nothing", 0, 0},
    {"retention-visitors", "MONTHS",
     "remove the identity of identified visitors without a visit for this long (default 24)", 0, 0},
    {"retention-comments", "MONTHS", "remove satisfaction comments older than this (default 12)", 0, 0},
    {"retention-audit", "MONTHS", "delete audit journal rows older than this (default 12)", 0, 0},
};
static const cli_cmd cmd_purge = {
    .name = "purge",
    .summary = "Removes the personal data kept longer than its retention period: identities of visitors "
               "not seen for long (their visits stay, anonymous), satisfaction comments, expired sessions, "
               "old login failures and audit rows (docs/privacy.md). The server does it once a day.",
    .opts = purge_opts,
    .nopts = COUNT(purge_opts),
};

int cli_purge(int argc, char **argv)
{
	cli_args a;
	int status;
	if (cli_parse(&cmd_purge, argc, argv, &a, &status) != 0)
		return status;
	/* The periods given here win over the environment and the config file. */
	static const char *const periods[] = {"retention-visitors", "retention-comments", "retention-audit"};
	for (size_t i = 0; i < COUNT(periods); i++) {
		char err[256];
		const char *v = cli_get(&a, periods[i]);
		if (v && config_set(&a.cfg, periods[i], v, "command line", err, sizeof err) != 0) {
			cli_error(&a, "%s", err);
			cli_args_free(&a);
			return CLI_USAGE;
		}
	}
	store *s = NULL;
	int rc = cli_open_store(&a, &s);
	if (rc != CLI_OK) {
		cli_args_free(&a);
		return rc;
	}
	int dry_run = cli_get(&a, "dry-run") != NULL;
	app_retention_result r;
	int failed = app_retention_run(s, &a.cfg, now_s(), dry_run, "cli", &r) != 0;
	for (size_t k = 0; k < APP_RETENTION_KINDS; k++) {
		char day[11], hm[6];
		time_local_date(r.before[k], day);
		time_local_hm(r.before[k], hm);
		printf("%s\t%lld\t%s %s %s\n", app_retention_kind(k), (long long)r.count[k],
		       app_retention_effect(k, dry_run), day, hm);
	}
	if (failed)
		cli_error(&a, "the purge stopped on an error of the store: run it again");
	store_close(s);
	cli_args_free(&a);
	return failed ? CLI_FAIL : CLI_OK;
}
