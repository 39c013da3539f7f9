/*
 * cli_token.c: `guichet token create|list|revoke`, the API tokens of the
 * programs that use the JSON API on behalf of an account. A token is printed
 * once at its creation; only its hash is stored, so a list never shows one.
 */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "util/guichet_limits.h"
#include "domain/site.h"

static const cli_opt create_opts[] = {
    {"user", "EMAIL", "the account the token acts for", 1, 0},
    {"name", "TEXT", "what the token is for, e.g. \"export to the département\"", 0, 0},
    {"label", "TEXT", "the same as --name (older spelling)", 0, 0},
    {"expires", "WHEN",
     "its life: a number of days (default 90, at most 365), a duration with its unit (12h, 30m, 45s) or the "
     "last day, YYYY-MM-DD",
     0, 0},
};
static const cli_cmd cmd_create = {
    .name = "token create",
    .summary = "Creates an API token for an account and prints it. Keep it secret: it is shown only once.",
    .opts = create_opts,
    .nopts = COUNT(create_opts),
};

static const cli_opt list_opts[] = {
    {"user", "EMAIL", "only the tokens of this account", 0, 0},
};
static const cli_cmd cmd_list = {
    .name = "token list",
    .summary = "Lists the API tokens (id, account, name, creation, expiry, last use); never their secret.",
    .opts = list_opts,
    .nopts = COUNT(list_opts),
};

static const cli_cmd cmd_revoke = {
    .name = "token revoke",
    .summary = "Revokes the API token whose ID follows 'revoke' (see 'guichet token list'): it stops "
               "working at once.",
    .opts = NULL,
    .nopts = 0,
};

/* The expiry asked by --expires, as a time after now; -1 when it is not one
 * of the accepted forms or outside (now, now + LIMIT_TOKEN_MAX_DAYS]. */
static int64_t parse_expires(const char *s, int64_t now)
{
	int64_t at = -1, n;
	size_t len = strlen(s);
	if (len == 10 && s[4] == '-' && s[7] == '-') {
		/* The whole of the last day is included. */
		if (time_parse_local(s, "00:00", &at) == 0)
			at = time_local_midnight(at + 36 * 3600);
	} else if (len > 1 && strchr("dhms", s[len - 1])) {
		char num[24];
		static const struct {
			char unit;
			int64_t seconds;
		} units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
		if (len - 1 >= sizeof num)
			return -1;
		memcpy(num, s, len - 1);
		num[len - 1] = '\0';
		for (size_t i = 0; i < COUNT(units); i++)
			if (units[i].unit == s[len - 1] &&
			    parse_int64(num, 1, (int64_t)LIMIT_TOKEN_MAX_DAYS * 86400 / units[i].seconds,
			                &n) == 0)
				at = now + n * units[i].seconds;
	} else if (parse_int64(s, 1, LIMIT_TOKEN_MAX_DAYS, &n) == 0) {
		at = now + n * 86400;
	}
	if (at <= now || at - now > (int64_t)LIMIT_TOKEN_MAX_DAYS * 86400)
		return -1;
	return at;
}

static int token_create(const cli_args *a)
{
	const char *email = cli_get(a, "user");
	const char *label = cli_get(a, "name") ? cli_get(a, "name") : cli_get(a, "label");
	if (!label)
		label = "";
	if (site_text_check(label, LIMIT_NAME_BYTES, 0) != SITE_TEXT_OK) {
		cli_error(a, "--name: at most %lu bytes of text on one line", LIMIT_NAME_BYTES);
		return CLI_USAGE;
	}
	int64_t now = now_s();
	int64_t expires = now + (int64_t)LIMIT_TOKEN_DEFAULT_DAYS * 86400;
	if (cli_get(a, "expires") && (expires = parse_expires(cli_get(a, "expires"), now)) < 0) {
		cli_error(
		    a,
		    "--expires: a number of days from 1 to %d, a duration such as 12h, or a date YYYY-MM-DD "
		    "within %d days",
		    LIMIT_TOKEN_MAX_DAYS, LIMIT_TOKEN_MAX_DAYS);
		return CLI_USAGE;
	}
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new(CLI_ARENA_SMALL);
	store_user u;
	char token[65], hash[65];
	int64_t id = 0;
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
	} else if (store_token_insert(s, hash, u.id, label, now, expires, &id) != STORE_OK) {
		cli_error(a, "cannot store the token");
		rc = CLI_FAIL;
	} else {
		char detail[32];
		snprintf(detail, sizeof detail, "cli token %lld", (long long)id);
		cli_audit(s, "create", "api_token", u.id, 0, detail);
		printf("%s\n", token);
	}
	explicit_bzero(token, sizeof token);
	arena_free(ar);
	store_close(s);
	return rc;
}

static int token_list(const cli_args *a)
{
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new(CLI_ARENA_SMALL * 16);
	const char *email = cli_get(a, "user");
	store_user u = {0};
	store_token *t = NULL;
	size_t n = 0;
	int found = email ? store_user_by_email(s, ar, email, &u) : STORE_OK;
	if (found != STORE_OK) {
		cli_error(a,
		          found == STORE_NOT_FOUND ? "no account has the e-mail address %s"
		                                   : "cannot read the account %s",
		          email);
		rc = CLI_FAIL;
	} else if (store_token_list(s, ar, u.id, &t, &n) != STORE_OK) {
		cli_error(a, "cannot read the tokens");
		rc = CLI_FAIL;
	} else {
		int64_t now = now_s();
		printf("id\tuser\tname\tcreated\texpires\tlast_used\tstate\n");
		for (size_t i = 0; i < n; i++) {
			char created[21], expires[21], used[21] = "never";
			time_iso(t[i].created_at, created);
			time_iso(t[i].expires_at, expires);
			if (t[i].last_used_at)
				time_iso(t[i].last_used_at, used);
			printf("%lld\t", (long long)t[i].id);
			cli_put_cell(stdout, t[i].email);
			putchar('\t');
			cli_put_cell(stdout, t[i].label);
			printf("\t%s\t%s\t%s\t%s\n", created, expires, used,
			       t[i].expires_at > now ? "valid" : "expired");
		}
	}
	arena_free(ar);
	store_close(s);
	return rc;
}

static int token_revoke(const cli_args *a, const char *id_text)
{
	int64_t id;
	if (parse_int64(id_text, 1, INT64_MAX, &id) != 0) {
		cli_error(a, "'%s' is not a token id (see 'guichet token list')", id_text);
		return CLI_USAGE;
	}
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	int64_t owner = 0;
	int done = store_token_revoke(s, id, 0, &owner);
	if (done == STORE_OK) {
		char detail[32];
		snprintf(detail, sizeof detail, "cli token %lld", (long long)id);
		cli_audit(s, "delete", "api_token", owner, 0, detail);
		printf("revoked token %lld\n", (long long)id);
	} else {
		cli_error(a,
		          done == STORE_NOT_FOUND ? "no token has the id %s" : "cannot revoke the token %s",
		          id_text);
		rc = CLI_FAIL;
	}
	store_close(s);
	return rc;
}

static void overview(FILE *f)
{
	fprintf(f,
	        "Usage: guichet token ACTION [OPTIONS]\nManages the API tokens.\n\nActions:\n"
	        "  create     %s\n  list       %s\n  revoke ID  %s\n\n"
	        "Run 'guichet token ACTION --help' for the options of an action.\n",
	        cmd_create.summary, cmd_list.summary, cmd_revoke.summary);
}

int cli_token(int argc, char **argv)
{
	static const cli_cmd *const cmds[] = {&cmd_create, &cmd_list, &cmd_revoke};
	int status;
	const cli_cmd *cmd = cli_pick_action(argc, argv, cmds, COUNT(cmds), "action", overview, &status);
	if (!cmd)
		return status;
	/* revoke takes the id among its arguments: the one word that is
	 * neither an option nor the value of --db or --config. */
	const char *id_text = NULL;
	char **rest = argv + 1;
	int nrest = argc - 1;
	char *shifted[CLI_MAX_GIVEN * 2 + 2];
	if (cmd == &cmd_revoke) {
		if (argc > (int)COUNT(shifted)) {
			fprintf(stderr, "guichet token revoke: too many arguments\n");
			return CLI_USAGE;
		}
		nrest = 0;
		for (int i = 1; i < argc; i++) {
			int value_next = strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--config") == 0;
			if (i > 1 && !id_text && argv[i][0] != '-') {
				id_text = argv[i];
				continue;
			}
			shifted[nrest++] = argv[i];
			if (value_next && i + 1 < argc)
				shifted[nrest++] = argv[++i];
		}
		rest = shifted;
	}
	cli_args a;
	if (cli_parse(cmd, nrest, rest, &a, &status) != 0)
		return status;
	int rc;
	if (cmd == &cmd_create) {
		rc = token_create(&a);
	} else if (cmd == &cmd_list) {
		rc = token_list(&a);
	} else if (!id_text) {
		cli_error(&a, "which token? Usage: guichet token revoke ID");
		rc = CLI_USAGE;
	} else {
		rc = token_revoke(&a, id_text);
	}
	cli_args_free(&a);
	return rc;
}
