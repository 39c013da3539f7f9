/*
 * cli_stats.c: `guichet stats`, the steering indicators of a period and a
 * scope (docs/stats.md) as JSON, CSV or text. By default the in-memory
 * engine answers (loaded for the one question); --method sql answers with
 * the plain GROUP BY queries instead, the reference the engine is checked
 * against: both must print the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "enums.h"
#include "stats.h"

static const cli_opt stats_opts[] = {
    {"from", "YYYY-MM-DD", "the first day of the period (local time)", 1, 0},
    {"to", "YYYY-MM-DD", "the last day of the period, included", 1, 0},
    {"site", "ID", "one site (repeat for several); default: the nation", 0, 1},
    {"departement", "CODE", "the sites of one département (as they are now)", 0, 0},
    {"region", "CODE", "the sites of one région (needs the geography: guichet geo load)", 0, 0},
    {"operator", "CODE", "only demands for this operator", 0, 0},
    {"theme", "CODE", "only demands of this theme", 0, 0},
    {"channel", "CODE", "only visits by this channel", 0, 0},
    {"public", "CODE",
     "only visits of a particular public: allophone, illettrisme, handicap, precarite, sans_equipement, "
     "sans_internet, sans_telephone, sans_email",
     0, 0},
    {"agent", "ID", "only visits recorded by this adviser", 0, 0},
    {"format", "json|csv|text", "the output (default json)", 0, 0},
    {"method", "engine|sql", "who answers: the in-memory engine (default) or SQL GROUP BY queries", 0, 0},
};
static const cli_cmd cmd_stats = {
    .name = "stats",
    .summary = "Prints the indicators of a period for the nation, a département, a région or some sites, "
               "with optional filters (docs/stats.md).",
    .opts = stats_opts,
    .nopts = COUNT(stats_opts),
};

#define STATS_OUT_BYTES ((size_t)64 * 1024 * 1024)

static int read_day(const cli_args *a, const char *opt, int32_t *day)
{
	const char *v = cli_get(a, opt);
	if (stats_day_parse(v, day) != 0) {
		cli_error(a, "--%s: expected a date YYYY-MM-DD between 1970 and 2149, got '%s'", opt, v);
		return -1;
	}
	return 0;
}

/* Checks the options that need no store; CLI_OK or CLI_USAGE. */
static int read_query(const cli_args *a, stats_query *q, int64_t *sites, size_t *nsites)
{
	if (read_day(a, "from", &q->from_day) || read_day(a, "to", &q->to_day))
		return CLI_USAGE;
	if (q->from_day > q->to_day) {
		cli_error(a, "--from must not come after --to");
		return CLI_USAGE;
	}
	const char *vals[CLI_MAX_GIVEN];
	size_t n = cli_get_all(a, "site", vals, COUNT(vals));
	for (size_t i = 0; i < n; i++)
		if (parse_int64(vals[i], 1, INT64_MAX, &sites[i]) != 0) {
			cli_error(a, "--site: expected a site id, got '%s'", vals[i]);
			return CLI_USAGE;
		}
	*nsites = n;
	q->departement = cli_get(a, "departement");
	q->region = cli_get(a, "region");
	if ((n > 0) + (q->departement != NULL) + (q->region != NULL) > 1) {
		cli_error(a, "--site, --departement and --region: give only one scope");
		return CLI_USAGE;
	}
	if (n) {
		q->site_ids = sites;
		q->nsites = n;
	}
	q->operator_code = cli_get(a, "operator");
	q->theme_code = cli_get(a, "theme");
	q->channel = cli_get(a, "channel");
	if (q->channel && !enum_valid(&ENUM_CHANNEL, q->channel)) {
		cli_error(a, "--channel: unknown channel '%s'", q->channel);
		return CLI_USAGE;
	}
	q->public_code = cli_get(a, "public");
	if (q->public_code && !stats_public_valid(q->public_code)) {
		cli_error(a, "--public: unknown particular public '%s'", q->public_code);
		return CLI_USAGE;
	}
	const char *agent = cli_get(a, "agent");
	if (agent && parse_int64(agent, 1, INT64_MAX, &q->agent_id) != 0) {
		cli_error(a, "--agent: expected an account id, got '%s'", agent);
		return CLI_USAGE;
	}
	const char *fmt = cli_get(a, "format"), *method = cli_get(a, "method");
	if (fmt && strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0 && strcmp(fmt, "text") != 0) {
		cli_error(a, "--format: expected json, csv or text, got '%s'", fmt);
		return CLI_USAGE;
	}
	if (method && strcmp(method, "engine") != 0 && strcmp(method, "sql") != 0) {
		cli_error(a, "--method: expected engine or sql, got '%s'", method);
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* Checks what the store knows: sites, operators and themes. */
static int check_codes(const cli_args *a, store *s, const stats_query *q)
{
	arena *ar = arena_new(CLI_ARENA_SMALL);
	int rc = CLI_OK;
	store_operator op;
	if (q->operator_code && store_operator_get(s, ar, q->operator_code, &op) != STORE_OK) {
		cli_error(a, "--operator: no operator has the code '%s'", q->operator_code);
		rc = CLI_USAGE;
	}
	for (size_t i = 0; rc == CLI_OK && i < q->nsites; i++) {
		store_site st;
		if (store_site_get(s, ar, q->site_ids[i], &st) != STORE_OK) {
			cli_error(a, "--site: no site has the id %lld (see 'guichet site list')",
			          (long long)q->site_ids[i]);
			rc = CLI_USAGE;
		}
	}
	store_theme *th;
	size_t n;
	if (rc == CLI_OK && q->theme_code) {
		int found = 0;
		if (store_theme_list(s, ar, &th, &n) == STORE_OK)
			for (size_t i = 0; i < n; i++)
				found |= strcmp(th[i].code, q->theme_code) == 0;
		if (!found) {
			cli_error(a, "--theme: no theme has the code '%s'", q->theme_code);
			rc = CLI_USAGE;
		}
	}
	arena_free(ar);
	return rc;
}

int cli_stats(int argc, char **argv)
{
	cli_args a;
	int status;
	if (cli_parse(&cmd_stats, argc, argv, &a, &status) != 0)
		return status;
	stats_query q = {0};
	int64_t sites[CLI_MAX_GIVEN];
	size_t nsites = 0;
	int rc = read_query(&a, &q, sites, &nsites);
	store *s = NULL;
	if (rc == CLI_OK)
		rc = cli_open_store(&a, &s);
	if (rc == CLI_OK)
		rc = check_codes(&a, s, &q);
	stats_result *r = NULL;
	if (rc == CLI_OK) {
		const char *method = cli_get(&a, "method");
		if (method && strcmp(method, "sql") == 0) {
			r = store_stats_sql(s, &q);
		} else {
			stats_engine *e = stats_engine_load(s, 2);
			r = e ? stats_engine_query(e, &q) : NULL;
			stats_engine_free(e);
		}
		if (!r) {
			cli_error(&a, "the statistics could not be computed (see the messages above)");
			rc = CLI_FAIL;
		}
	}
	if (r) {
		const char *fmt = cli_get(&a, "format");
		buf b;
		buf_init(&b, STATS_OUT_BYTES);
		int w = !fmt || !strcmp(fmt, "json") ? stats_result_json(r, &b)
		        : !strcmp(fmt, "csv")        ? stats_result_csv(r, &b)
		                                     : stats_result_text(r, &b);
		if (w != 0 || fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
			cli_error(&a, "cannot write the result");
			rc = CLI_FAIL;
		}
		buf_free(&b);
		stats_result_free(r);
	}
	if (s)
		store_close(s);
	cli_args_free(&a);
	return rc;
}
