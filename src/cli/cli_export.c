/*
 * cli_export.c: `guichet export demands`, the accompaniments of a period as
 * a CSV file (docs/csv.md), one row per demand, streamed from the store.
 * A file named by --output appears only once complete: the rows go to a
 * temporary file beside it, renamed at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/demand_csv.h"
#include "util/guichet_limits.h"

static const cli_opt export_opts[] = {
    {"from", "YYYY-MM-DD", "the first day (local time) of the period", 0, 0},
    {"to", "YYYY-MM-DD", "the last day of the period, included", 0, 0},
    {"site", "ID", "one site only (default: every site)", 0, 0},
    {"separator", "comma|semicolon",
     "the column separator (default comma; semicolon for French spreadsheets)", 0, 0},
    {"output", "FILE", "write to FILE instead of standard output", 0, 0},
};
static const cli_cmd cmd_export = {
    .name = "export demands",
    .summary = "Writes the accompaniments as CSV in UTF-8, one row per demand, oldest first (docs/csv.md).",
    .opts = export_opts,
    .nopts = COUNT(export_opts),
};

/* Rows are flushed one by one, so the buffer holds one row at most. */
#define ROW_BUF_BYTES ((size_t)1024 * 1024)

static int flush_file(void *ctx, buf *out)
{
	FILE *f = ctx;
	if (out->len && fwrite(out->data, 1, out->len, f) != out->len)
		return -1;
	buf_reset(out);
	return 0;
}

/* Reads --from and --to as [from, to) in Unix seconds; 0 where not given. */
static int read_period(const cli_args *a, store_visit_filter *f)
{
	const char *from = cli_get(a, "from"), *to = cli_get(a, "to");
	if (from && time_parse_local(from, NULL, &f->from) != 0) {
		cli_error(a, "--from: expected a date YYYY-MM-DD, got '%s'", from);
		return -1;
	}
	if (to) {
		int64_t t;
		if (time_parse_local(to, NULL, &t) != 0) {
			cli_error(a, "--to: expected a date YYYY-MM-DD, got '%s'", to);
			return -1;
		}
		/* The next midnight, whatever the length of the day. */
		f->to = time_local_midnight(t + (int64_t)36 * 3600);
	}
	if (f->from && f->to && f->from >= f->to) {
		cli_error(a, "--from must not come after --to");
		return -1;
	}
	return 0;
}

static int export_demands(const cli_args *a)
{
	store_visit_filter f = {0};
	int64_t site_id = 0;
	const char *site = cli_get(a, "site"), *sep = cli_get(a, "separator"), *output = cli_get(a, "output");
	if (read_period(a, &f) != 0)
		return CLI_USAGE;
	if (site && parse_int64(site, 1, INT64_MAX, &site_id) != 0) {
		cli_error(a, "--site: expected a site id, got '%s'", site);
		return CLI_USAGE;
	}
	if (sep && strcmp(sep, "comma") != 0 && strcmp(sep, "semicolon") != 0) {
		cli_error(a, "--separator: expected comma or semicolon, got '%s'", sep);
		return CLI_USAGE;
	}
	if (site_id) {
		f.site_ids = &site_id;
		f.nsites = 1;
	}
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new(CLI_ARENA_SMALL);
	store_site st;
	if (site_id && store_site_get(s, ar, site_id, &st) != STORE_OK) {
		cli_error(a, "--site: no site has the id %lld (see 'guichet site list')", (long long)site_id);
		arena_free(ar);
		store_close(s);
		return CLI_USAGE;
	}
	arena_free(ar);

	char *tmp = NULL;
	FILE *out = stdout;
	if (output) {
		tmp = xmalloc(strlen(output) + 16);
		sprintf(tmp, "%s.part", output);
		if (!(out = fopen(tmp, "w"))) {
			cli_error(a, "cannot create %s: %s", tmp, strerror(errno));
			free(tmp);
			store_close(s);
			return CLI_FAIL;
		}
	}
	buf b;
	buf_init(&b, ROW_BUF_BYTES);
	demand_csv_export *x =
	    demand_csv_export_new(s, &b, sep && strcmp(sep, "semicolon") == 0 ? ';' : ',', flush_file, out);
	if (demand_csv_export_run(x, &f) != 0) {
		cli_error(a, b.overflow ? "a row is too large to write"
		                        : "the export failed (see the messages above)");
		rc = CLI_FAIL;
	}
	if (fflush(out) != 0 || ferror(out)) {
		cli_error(a, "cannot write %s: %s", output ? tmp : "standard output", strerror(errno));
		rc = CLI_FAIL;
	}
	if (output) {
		if (fclose(out) != 0 && rc == CLI_OK) {
			cli_error(a, "cannot write %s: %s", tmp, strerror(errno));
			rc = CLI_FAIL;
		}
		if (rc == CLI_OK && rename(tmp, output) != 0) {
			cli_error(a, "cannot rename %s to %s: %s", tmp, output, strerror(errno));
			rc = CLI_FAIL;
		}
		if (rc != CLI_OK)
			unlink(tmp);
	}
	if (rc == CLI_OK) {
		char detail[64];
		snprintf(detail, sizeof detail, "csv: %llu demands",
		         (unsigned long long)demand_csv_export_rows(x));
		cli_audit(s, "export", "demand", 0, site_id, detail);
		if (output)
			fprintf(stderr, "exported %llu demands to %s\n",
			        (unsigned long long)demand_csv_export_rows(x), output);
	}
	demand_csv_export_free(x);
	buf_free(&b);
	free(tmp);
	store_close(s);
	return rc;
}

int cli_export(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
		        "Usage: guichet export demands [--from YYYY-MM-DD --to YYYY-MM-DD] [--site ID]\n"
		        "       [--separator semicolon] [--output FILE]\n%s\n"
		        "Run 'guichet export demands --help' for the options.\n",
		        cmd_export.summary);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "demands") != 0) {
		fprintf(stderr, "guichet export: unknown kind '%s' (the only one is 'demands')\n", argv[1]);
		return CLI_USAGE;
	}
	cli_args a;
	int status;
	if (cli_parse(&cmd_export, argc - 1, argv + 1, &a, &status) != 0)
		return status;
	int rc = export_demands(&a);
	cli_args_free(&a);
	return rc;
}
