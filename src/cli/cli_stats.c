/*
 * cli_stats.c: `guichet stats`, the steering indicators of a period and a
 * scope (docs/stats.md) as JSON, CSV or text, or as the XLSX workbook of
 * the steering report (report.h). By default the in-memory engine answers
 * (loaded for the one question); --method sql answers with the plain
 * GROUP BY queries instead, the reference the engine is checked against:
 * both must print the same bytes. --out writes a file atomically (FILE.tmp
 * then rename) instead of standard output; the workbook needs it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "vocab/enums.h"
#include "util/i18n.h"
#include "report/report.h"
#include "stats/stats.h"
#include "store/store_stats.h"

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
    {"format", "json|csv|text|xlsx",
     "the output (default json); xlsx: the steering report as a workbook, one sheet per table, "
     "which needs --out",
     0, 0},
    {"out", "FILE", "write to FILE (replaced atomically) instead of standard output", 0, 0},
    {"lang", "fr|en|ar", "the language of the workbook's titles and labels (default fr)", 0, 0},
    {"mask", NULL,
     "the workbook for publication: counts below 5 written \"<5\", cells that would reveal them \"s\"", 0, 0},
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
/* The report's labels and sections, for the workbook. */
#define STATS_REPORT_ARENA ((size_t)16 * 1024 * 1024)
/* Changes caught up by `guichet stats` beyond which it writes the snapshot
 * again (writing a national one takes about a second). */
#define STATS_SNAPSHOT_RESAVE 1000

static int read_day(const cli_args *a, const char *opt, int32_t *day)
{
	const char *v = cli_get(a, opt);
	if (stats_day_parse(v, day) != 0) {
		cli_error(a, "--%s: expected a date YYYY-MM-DD between 1970 and 2149, got '%s'", opt, v);
		return -1;
	}
	return 0;
}

/* The language of the workbook, NULL for an unknown code. The catalogs are
 * loaded once, by cli_text (which the messages of every command use),
 * before a language other than French is looked up. */
static const lang *stats_lang(const char *code)
{
	if (!code)
		return i18n_default();
	(void)cli_i18n();
	return i18n_find(code);
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
	if (fmt && strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0 && strcmp(fmt, "text") != 0 &&
	    strcmp(fmt, "xlsx") != 0) {
		cli_error(a, "--format: expected json, csv, text or xlsx, got '%s'", fmt);
		return CLI_USAGE;
	}
	if (fmt && strcmp(fmt, "xlsx") == 0 && !cli_get(a, "out")) {
		cli_error(a, "--format xlsx: needs --out FILE (a workbook is not written to a terminal)");
		return CLI_USAGE;
	}
	if (cli_get(a, "mask") && !(fmt && strcmp(fmt, "xlsx") == 0)) {
		cli_error(a, "--mask: only with --format xlsx");
		return CLI_USAGE;
	}
	if (cli_get(a, "out") && !*cli_get(a, "out")) {
		cli_error(a, "--out: expected a file name");
		return CLI_USAGE;
	}
	if (cli_get(a, "lang") && !stats_lang(cli_get(a, "lang"))) {
		cli_error(a, "--lang: expected fr, en or ar, got '%s'", cli_get(a, "lang"));
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

/* The report's title, scope, period and filters as the reader reads them.
 * The command line knows no catalog names, so operators and themes keep
 * their codes; sites are named. -1 on no memory. */
static int report_labels(report *rep, store *s, const stats_query *q)
{
	const lang *l = rep->lang;
	arena *ar = rep->a;
	buf b;
	buf_init(&b, (size_t)64 * 1024);
	if (q->nsites) {
		rep->scope = q->nsites == 1 ? REPORT_SITE : REPORT_SITES;
		for (size_t i = 0; i < q->nsites; i++) {
			store_site st;
			int found = store_site_get(s, ar, q->site_ids[i], &st) == STORE_OK;
			if (i)
				buf_puts(&b, ", ");
			if (found)
				buf_puts(&b, st.name);
			else
				buf_printf(&b, "%lld", (long long)q->site_ids[i]);
		}
	} else if (q->departement) {
		rep->scope = REPORT_DEPARTEMENT;
		buf_printf(&b, "%s %s", i18n_text(l, "Département"), q->departement);
	} else if (q->region) {
		rep->scope = REPORT_REGION;
		buf_printf(&b, "%s %s", i18n_text(l, "Région"), q->region);
	} else {
		rep->scope = REPORT_NATION;
		buf_puts(&b, i18n_text(l, "Tous les sites"));
	}
	rep->scope_label = arena_strndup(ar, b.data ? b.data : "", b.len);
	rep->title = arena_printf(ar, "%s — %s", i18n_text(l, "Rapport d'activité"), rep->scope_label);

	char from[11], to[11];
	stats_day_format(q->from_day, from);
	stats_day_format(q->to_day, to);
	rep->period_label = arena_printf(ar, "%s – %s", from, to);

	char agent[24] = "";
	if (q->agent_id)
		snprintf(agent, sizeof agent, "%lld", (long long)q->agent_id);
	static const char *const terms[] = {N_("Opérateur"), N_("Thème"), N_("Canal"), N_("Public"),
	                                    N_("Conseiller")};
	const char *values[] = {
	    q->operator_code,
	    q->theme_code,
	    q->channel ? report_label_default(l, ar, BD_CHANNEL, q->channel) : NULL,
	    q->public_code ? report_label_default(l, ar, BD_PUBLIC, q->public_code) : NULL,
	    agent,
	};
	rep->filters_label = report_filters_label(l, ar, terms, values, COUNT(terms));
	int overflow = b.overflow;
	buf_free(&b);
	if (overflow || !rep->scope_label || !rep->title || !rep->period_label || !rep->filters_label)
		return -1;
	return 0;
}

/* The steering report of res as a workbook in out; e, when the engine
 * answered, adds the time series. CLI_OK or CLI_FAIL after a message. */
static int write_report(const cli_args *a, store *s, stats_engine *e, const stats_result *res, buf *out)
{
	arena *ar = arena_new(STATS_REPORT_ARENA);
	report *rep = ar ? report_build(ar, stats_lang(cli_get(a, "lang")), res, NULL, NULL) : NULL;
	int rc = CLI_OK;
	char err[256] = "";
	if (!rep || report_labels(rep, s, &res->q) != 0) {
		cli_error(a, "the report could not be built (out of memory)");
		rc = CLI_FAIL;
	} else if (e &&
	           (report_add_series(rep, e, &res->q) != 0 || report_mark_growth(rep, e, &res->q) != 0)) {
		cli_error(a, "the report's time series could not be computed");
		rc = CLI_FAIL;
	} else {
		if (cli_get(a, "mask"))
			report_mask(rep);
		if (report_xlsx(rep, out, err, sizeof err) != 0) {
			cli_error(a, "%s", err);
			rc = CLI_FAIL;
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
	stats_engine *e = NULL; /* kept for the workbook's time series */
	if (rc == CLI_OK) {
		const char *method = cli_get(&a, "method");
		if (method && strcmp(method, "sql") == 0) {
			r = store_stats_sql(s, &q);
		} else {
			char *snapshot = config_stats_snapshot(&a.cfg);
			e = store_stats_open(s, 2, snapshot);
			/* Caught up with many changes: written again, so that
			 * the next question opens it at once. */
			stats_engine_info info;
			if (e && snapshot) {
				stats_engine_info_get(e, &info);
				if (info.from_snapshot && info.changes >= STATS_SNAPSHOT_RESAVE)
					store_stats_save(s, e, snapshot);
			}
			free(snapshot);
			r = e ? stats_engine_query(e, &q) : NULL;
		}
		if (!r) {
			cli_error(&a, "the statistics could not be computed (see the messages above)");
			rc = CLI_FAIL;
		}
	}
	if (r) {
		const char *fmt = cli_get(&a, "format"), *out = cli_get(&a, "out");
		buf b;
		buf_init(&b, STATS_OUT_BYTES);
		if (fmt && !strcmp(fmt, "xlsx")) {
			rc = write_report(&a, s, e, r, &b);
		} else {
			int w = !fmt || !strcmp(fmt, "json") ? stats_result_json(r, &b)
			        : !strcmp(fmt, "csv")        ? stats_result_csv(r, &b)
			                                     : stats_result_text(r, &b);
			if (w != 0) {
				cli_error(&a, "cannot write the result");
				rc = CLI_FAIL;
			}
		}
		if (rc == CLI_OK)
			rc = cli_write_result(&a, out, &b);
		buf_free(&b);
		stats_result_free(r);
	}
	stats_engine_free(e);
	if (s)
		store_close(s);
	cli_args_free(&a);
	return rc;
}
