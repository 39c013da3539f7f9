/*
 * cli_opendata.c: `guichet opendata activity|lieux|france-services`, the
 * open-data files (docs/opendata.md) written from the command line, byte
 * for byte the same as the server's /opendata downloads. A file named by
 * --out appears only once complete: it is written beside, then renamed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/opendata.h"
#include "store/store_stats.h"

static const cli_opt activity_opts[] = {
    {"from", "YYYY-MM", "the first month", 1, 0},
    {"to", "YYYY-MM", "the last month, included (at most 36 months in all)", 1, 0},
    {"out", "FILE", "write to FILE instead of standard output", 0, 0},
};
static const cli_cmd cmd_activity = {
    .name = "opendata activity",
    .summary = "Writes the activity of every site by month as CSV (';', UTF-8 with BOM), counts below 5 "
               "masked (docs/opendata.md).",
    .opts = activity_opts,
    .nopts = COUNT(activity_opts),
};
static const cli_opt lieux_opts[] = {
    {"format", "csv|json", "the output (default csv)", 0, 0},
    {"out", "FILE", "write to FILE instead of standard output", 0, 0},
};
static const cli_cmd cmd_lieux = {
    .name = "opendata lieux",
    .summary = "Writes the sites in the national standard of the places of digital mediation "
               "(\"Lieux de médiation numérique\" v1.0.2).",
    .opts = lieux_opts,
    .nopts = COUNT(lieux_opts),
};
static const cli_opt fs_opts[] = {
    {"out", "FILE", "write to FILE instead of standard output", 0, 0},
};
static const cli_cmd cmd_fs = {
    .name = "opendata france-services",
    .summary = "Writes the France Services sites in the columns of the national France Services dataset "
               "(';' CSV).",
    .opts = fs_opts,
    .nopts = COUNT(fs_opts),
};

/* The largest file: a national activity file of 36 months is about
 * 100,000 rows of a few hundred bytes. */
#define OPENDATA_OUT_BYTES ((size_t)1024 * 1024 * 1024)

/* The engine is loaded for this one file, as `guichet stats` does. */
static int run_activity(const cli_args *a, store *s, buf *b, char *err, size_t errlen)
{
	stats_engine *e = store_stats_load(s, 2);
	if (!e) {
		snprintf(err, errlen, "the statistics could not be loaded (see the messages above)");
		return -1;
	}
	int rc = opendata_activity_csv(s, e, cli_get(a, "from"), cli_get(a, "to"), b, err, errlen);
	stats_engine_free(e);
	return rc;
}

static int opendata_run(const cli_cmd *cmd, const cli_args *a)
{
	if (cmd == &cmd_activity) {
		int first, n;
		const char *msgid, *field;
		if (opendata_months_parse(cli_get(a, "from"), cli_get(a, "to"), &first, &n, &msgid, &field) !=
		    0) {
			cli_error(a, "--%s: %s", field, cli_text(msgid));
			return CLI_USAGE;
		}
	}
	const char *fmt = cli_get(a, "format");
	if (fmt && strcmp(fmt, "csv") != 0 && strcmp(fmt, "json") != 0) {
		cli_error(a, "--format: expected csv or json, got '%s'", fmt);
		return CLI_USAGE;
	}
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	buf b;
	buf_init(&b, OPENDATA_OUT_BYTES);
	char err[256] = "";
	int w;
	if (cmd == &cmd_activity)
		w = run_activity(a, s, &b, err, sizeof err);
	else if (cmd == &cmd_lieux)
		w = fmt && strcmp(fmt, "json") == 0 ? opendata_lieux_json(s, &b, err, sizeof err)
		                                    : opendata_lieux_csv(s, &b, err, sizeof err);
	else
		w = opendata_france_services_csv(s, &b, err, sizeof err);
	if (w != 0) {
		cli_error(a, "%s", err);
		rc = CLI_FAIL;
	}
	if (rc == CLI_OK)
		rc = cli_write_result(a, cli_get(a, "out"), &b);
	buf_free(&b);
	store_close(s);
	return rc;
}

static void overview(FILE *f)
{
	fprintf(
	    f,
	    "Usage: guichet opendata FILE [OPTIONS]\nWrites an open-data file (docs/opendata.md).\n\nFiles:\n"
	    "  activity         %s\n  lieux            %s\n  france-services  %s\n\n"
	    "Run 'guichet opendata FILE --help' for the options of a file.\n",
	    cmd_activity.summary, cmd_lieux.summary, cmd_fs.summary);
}

int cli_opendata(int argc, char **argv)
{
	static const cli_cmd *const cmds[] = {&cmd_activity, &cmd_lieux, &cmd_fs};
	int status;
	const cli_cmd *cmd = cli_pick_action(argc, argv, cmds, COUNT(cmds), "file", overview, &status);
	if (!cmd)
		return status;
	cli_args a;
	if (cli_parse(cmd, argc - 1, argv + 1, &a, &status) != 0)
		return status;
	int rc = opendata_run(cmd, &a);
	cli_args_free(&a);
	return rc;
}
