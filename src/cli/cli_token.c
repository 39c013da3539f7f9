/*
 * cli_token.c: `guichet token create`, an API token for a program that uses
 * the JSON API on behalf of an account. The token is printed once; only its
 * hash is stored.
 */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "util/guichet_limits.h"
#include "domain/site.h"

static const cli_opt create_opts[] = {
    {"user", "EMAIL", "the account the token acts for", 1, 0},
    {"label", "TEXT", "what the token is for, e.g. \"export to the département\"", 0, 0},
};
static const cli_cmd cmd_create = {
    .name = "token create",
    .summary = "Creates an API token for an account and prints it. Keep it secret: it is shown only once.",
    .opts = create_opts,
    .nopts = COUNT(create_opts),
};

static int token_create(const cli_args *a)
{
	const char *email = cli_get(a, "user");
	const char *label = cli_get(a, "label") ? cli_get(a, "label") : "";
	if (site_text_check(label, LIMIT_NAME_BYTES, 0) != SITE_TEXT_OK) {
		cli_error(a, "--label: at most %lu bytes of text on one line", LIMIT_NAME_BYTES);
		return CLI_USAGE;
	}
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new(CLI_ARENA_SMALL);
	store_user u;
	char token[65], hash[65];
	int found = store_user_by_email(s, ar, email, &u);
	if (found != STORE_OK) {
		cli_error(a,
		          found == STORE_NOT_FOUND ? "no account has the e-mail address %s"
		                                   : "cannot read the account %s",
		          email);
		rc = CLI_FAIL;
	} else if (!u.active) {
		cli_error(a, "the account %s is disabled", email);
		rc = CLI_FAIL;
	} else if (auth_init() != 0 || auth_token_new(token, hash) != 0) {
		cli_error(a, "cannot draw a random token");
		rc = CLI_FAIL;
	} else if (store_token_insert(s, hash, u.id, label, now_s()) != STORE_OK) {
		cli_error(a, "cannot store the token");
		rc = CLI_FAIL;
	} else {
		cli_audit(s, "create", "api_token", u.id, 0, "cli");
		printf("%s\n", token);
	}
	explicit_bzero(token, sizeof token);
	arena_free(ar);
	store_close(s);
	return rc;
}

int cli_token(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
		        "Usage: guichet token create --user EMAIL [--label TEXT]\n%s\n"
		        "Run 'guichet token create --help' for the options.\n",
		        cmd_create.summary);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "create") != 0) {
		fprintf(stderr, "guichet token: unknown action '%s' (the only one is 'create')\n", argv[1]);
		return CLI_USAGE;
	}
	cli_args a;
	int status;
	if (cli_parse(&cmd_create, argc - 1, argv + 1, &a, &status) != 0)
		return status;
	int rc = token_create(&a);
	cli_args_free(&a);
	return rc;
}
