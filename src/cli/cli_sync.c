/*
 * cli_sync.c: `guichet sync attach|push|pull|status`, the laptop's side of
 * offline synchronisation from the command line (docs/sync.md). The bytes
 * move in app_sync.c; this file reads the options and prints what was done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app_sync.h"
#include "cli/cli.h"
#include "store/store_sync.h"

/* The transport's settings: the options of push and pull, and of attach. */
/* clang-format off */
#define TRANSPORT_OPTS                                                                                \
	{"sync-ca-file", "FILE", "certificates to trust for the centre instead of the system's", 0, 0},   \
	{"sync-timeout", "DURATION", "the time one exchange with the centre may take, default 60s", 0, 0}, \
	{"sync-allow-http", "BOOL", "allow plain http to a centre that is not on this machine", 0, 0}
/* clang-format on */

static const cli_opt attach_opts[] = {
    {"server", "URL", "the centre's address, https://HOST (http:// only to this machine)", 1, 0},
    {"token", "TOKEN", "an API token of a site's account on the centre (agent or manager)", 1, 0},
    {"site", "ID", "the centre's site, when the account has several", 0, 0},
    TRANSPORT_OPTS,
};
static const cli_cmd cmd_attach = {
    .name = "sync attach",
    .summary = "Attaches a laptop store to a centre, once: creates or upgrades the store, then copies "
               "from the centre the site, its accounts (they log in here with the same password), the "
               "catalog and the geography.",
    .opts = attach_opts,
    .nopts = COUNT(attach_opts),
};

static const cli_opt run_opts[] = {
    TRANSPORT_OPTS,
};
static const cli_cmd cmd_push = {
    .name = "sync push",
    .summary = "Sends the changes recorded here to the centre, in batches, until none waits. Exits 1 "
               "when the centre could not be reached; what it acknowledged is never sent twice.",
    .opts = run_opts,
    .nopts = COUNT(run_opts),
};
static const cli_cmd cmd_pull = {
    .name = "sync pull",
    .summary = "Brings back from the centre what changed for the site elsewhere (other laptops, the "
               "centre's catalog and accounts).",
    .opts = run_opts,
    .nopts = COUNT(run_opts),
};
static const cli_cmd cmd_status = {
    .name = "sync status",
    .summary = "Prints the centre the store is attached to, the last sync, the changes waiting and the "
               "changes refused.",
    .opts = NULL,
    .nopts = 0,
};

static void overview(FILE *f)
{
	fprintf(f,
	        "Usage: guichet sync ACTION [OPTIONS]\nOffline recording on a laptop, synchronised with a "
	        "central server (docs/sync.md).\n\nActions:\n"
	        "  attach     %s\n  push       %s\n  pull       %s\n  status     %s\n\n"
	        "Run 'guichet sync ACTION --help' for the options of an action.\n",
	        cmd_attach.summary, cmd_push.summary, cmd_pull.summary, cmd_status.summary);
}

/* The transport's options, as settings. */
static int transport(cli_args *a)
{
	static const char *const keys[] = {"sync-ca-file", "sync-timeout", "sync-allow-http"};
	for (size_t i = 0; i < COUNT(keys); i++) {
		char err[256];
		const char *v = cli_get(a, keys[i]);
		if (v && config_set(&a->cfg, keys[i], v, "command line", err, sizeof err) != 0) {
			cli_error(a, "%s", err);
			return CLI_USAGE;
		}
	}
	return CLI_OK;
}

static void print_time(const char *label, int64_t t)
{
	char day[11], hm[6];
	if (!t) {
		printf("%s: never\n", label);
		return;
	}
	time_local_date(t, day);
	time_local_hm(t, hm);
	printf("%s: %s %s\n", label, day, hm);
}

static int sync_attach(cli_args *a)
{
	char err[512];
	const char *server = cli_get(a, "server"), *token = cli_get(a, "token"), *site = cli_get(a, "site");
	int64_t site_id = 0;
	if (site && parse_int64(site, 1, INT64_MAX, &site_id) != 0) {
		cli_error(a, "--site must be a site id, got '%s'", site);
		return CLI_USAGE;
	}
	if (!token || strlen(token) < 16 || strlen(token) > 256 || strpbrk(token, " \t\r\n")) {
		cli_error(a, "--token must be an API token of the centre (guichet token create there)");
		return CLI_USAGE;
	}
	if (app_sync_url_check(&a->cfg, server, err, sizeof err) != 0) {
		cli_error(a, "--server: %s", err);
		return CLI_USAGE;
	}
	store *s = NULL;
	int rc = cli_open_or_create_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	app_sync_result res = {0};
	if (app_sync_attach(s, &a->cfg, server, token, site_id, &res, err, sizeof err) != 0) {
		cli_error(a, "%s", err);
		rc = CLI_FAIL;
	} else {
		printf("attached to %s (%lld bytes)\n", server, (long long)res.bytes);
	}
	store_close(s);
	return rc;
}

static int sync_run(cli_args *a, int push)
{
	char err[512];
	store *s = NULL;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	app_sync_result res = {0};
	int done = push ? app_sync_push(s, &a->cfg, &res, err, sizeof err)
	                : app_sync_pull(s, &a->cfg, &res, err, sizeof err);
	if (done != 0) {
		cli_error(a, "%s", err);
		rc = CLI_FAIL;
	}
	if (push)
		printf("sent %lld, applied %lld, refused %lld, %lld bytes\n", (long long)res.sent,
		       (long long)res.applied, (long long)res.refused, (long long)res.bytes);
	else
		printf("applied %lld, %lld bytes\n", (long long)res.applied, (long long)res.bytes);
	store_close(s);
	return rc;
}

#define STATUS_REJECTS 1000

static int sync_status(cli_args *a)
{
	store *s = NULL;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new((size_t)4 << 20);
	store_sync_state st;
	int got = ar ? store_sync_state_get(s, ar, &st) : STORE_ERROR;
	if (got == STORE_NOT_FOUND) {
		printf("not attached to a centre\n");
	} else if (got != STORE_OK) {
		cli_error(a, "cannot read the store's attachment");
		rc = CLI_FAIL;
	} else {
		int64_t pending = 0, oldest = 0;
		store_sync_reject *rj = NULL;
		size_t nrj = 0;
		if (store_sync_pending(s, &pending, &oldest) != STORE_OK ||
		    store_sync_reject_list(s, ar, STATUS_REJECTS, &rj, &nrj) != STORE_OK) {
			cli_error(a, "cannot read the changes waiting");
			rc = CLI_FAIL;
		} else {
			printf("attached to: %s (site %lld)\n", st.server_url, (long long)st.site_id);
			print_time("attached on", st.attached_at);
			print_time("last sync", st.last_ok_at);
			print_time("last try", st.last_try_at);
			if (st.last_error && *st.last_error)
				printf("last error: %s\n", st.last_error);
			printf("changes waiting: %lld\n", (long long)pending);
			if (pending)
				print_time("oldest waiting", oldest);
			printf("refused changes: %zu%s\n", nrj, nrj == STATUS_REJECTS ? " or more" : "");
			for (size_t i = 0; i < nrj && i < 20; i++) {
				printf("  ");
				cli_put_cell(stdout, rj[i].side);
				printf("\t");
				cli_put_cell(stdout, rj[i].kind);
				printf("\t");
				cli_put_cell(stdout, rj[i].uid);
				printf("\t");
				cli_put_cell(stdout, cli_text(rj[i].reason));
				printf("\n");
			}
		}
	}
	arena_free(ar);
	store_close(s);
	return rc;
}

int cli_sync(int argc, char **argv)
{
	static const cli_cmd *const cmds[] = {&cmd_attach, &cmd_push, &cmd_pull, &cmd_status};
	int status;
	const cli_cmd *cmd = cli_pick_action(argc, argv, cmds, COUNT(cmds), "action", overview, &status);
	if (!cmd)
		return status;
	cli_args a;
	if (cli_parse(cmd, argc - 1, argv + 1, &a, &status) != 0)
		return status;
	int rc = transport(&a);
	if (rc == CLI_OK) {
		if (cmd == &cmd_attach)
			rc = sync_attach(&a);
		else if (cmd == &cmd_status)
			rc = sync_status(&a);
		else
			rc = sync_run(&a, cmd == &cmd_push);
	}
	cli_args_free(&a);
	return rc;
}
