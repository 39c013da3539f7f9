/*
 * cli_user.c: `guichet user add|list|disable|enable|password|totp-reset`,
 * the accounts from the command line: how the first administrator comes to
 * exist, and how an operator repairs an account without the web interface
 * (a forgotten password, a lost telephone).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "util/guichet_limits.h"
#include "domain/user.h"

static const cli_opt add_opts[] = {
    {"email", "EMAIL", "the person's e-mail address, used to log in", 1, 0},
    {"name", "NAME", "the person's name", 1, 0},
    {"role", "ROLE", "agent, manager, coordinator, operator or admin", 1, 0},
    {"site", "ID", "a site the person works at (agents and managers need one)", 0, 1},
    {"departement", "CODE", "the département a coordinator follows, e.g. 35 or 2A", 0, 0},
    {"operator", "CODE", "the partner operator of an operator account, e.g. cnaf", 0, 0},
};
static const cli_cmd cmd_add = {
    .name = "user add",
    .summary = "Creates an account. The password is read from standard input, or asked twice on a terminal.",
    .opts = add_opts,
    .nopts = COUNT(add_opts),
};

static const cli_cmd cmd_list = {
    .name = "user list",
    .summary = "Lists the accounts as tab-separated columns: id, email, name, role, active, sites.",
};

static const cli_opt email_opt[] = {{"email", "EMAIL", "the account's e-mail address", 1, 0}};
static const cli_cmd cmd_disable = {
    .name = "user disable",
    .summary = "Disables an account and ends its sessions and API tokens. Its records stay.",
    .opts = email_opt,
    .nopts = COUNT(email_opt),
};
static const cli_cmd cmd_enable = {
    .name = "user enable",
    .summary = "Enables a disabled account again.",
    .opts = email_opt,
    .nopts = COUNT(email_opt),
};
static const cli_cmd cmd_password = {
    .name = "user password",
    .summary = "Sets a new password, read like 'user add' does, and ends the account's sessions and API "
               "tokens.",
    .opts = email_opt,
    .nopts = COUNT(email_opt),
};

static const cli_cmd cmd_totp_reset = {
    .name = "user totp-reset",
    .summary = "Removes the account's second factor and recovery codes, for a lost telephone; the person "
               "enrols again from the web interface.",
    .opts = email_opt,
    .nopts = COUNT(email_opt),
};

/* Which option feeds which field, to name it in messages. */
static const char *const field_options[][2] = {
    {"email", "email"},
    {"name", "name"},
    {"role", "role"},
    {"sites", "site"},
    {"departement", "departement"},
    {"operator_code", "operator"},
};

/* Reads, checks and hashes a new password. */
static int new_password_hash(const cli_args *a, char *hash, size_t hashlen)
{
	char pw[LIMIT_PASSWORD_MAX + 3];
	const char *why = NULL;
	int rc = cli_read_password(a, pw, sizeof pw);
	if (rc == CLI_OK && auth_password_acceptable(pw, &why) != 0) {
		cli_error(a, "%s", cli_text(why));
		rc = CLI_FAIL;
	}
	if (rc == CLI_OK && (auth_init() != 0 || auth_password_hash(pw, hash, hashlen) != 0)) {
		cli_error(a, "cannot hash the password (out of memory?)");
		rc = CLI_FAIL;
	}
	explicit_bzero(pw, sizeof pw);
	return rc;
}

static int user_add(const cli_args *a, const char *action)
{
	const char *sites[CLI_MAX_GIVEN];
	size_t nsites = cli_get_all(a, "site", sites, COUNT(sites));
	int64_t site_ids[CLI_MAX_GIVEN];
	for (size_t i = 0; i < nsites; i++)
		if (parse_int64(sites[i], 1, INT64_MAX, &site_ids[i]) != 0) {
			cli_error(a, "--site: '%s' is not a site id (see 'guichet site list')", sites[i]);
			return CLI_USAGE;
		}
	/* Validation normalises in place: give it copies it may write. */
	char *email = xstrdup(cli_get(a, "email")), *name = xstrdup(cli_get(a, "name"));
	char *role = xstrdup(cli_get(a, "role"));
	char *dep = xstrdup(cli_get(a, "departement") ? cli_get(a, "departement") : "");
	char *op = xstrdup(cli_get(a, "operator") ? cli_get(a, "operator") : "");
	store_user u = {.email = email,
	                .name = name,
	                .role = role,
	                .departement = dep,
	                .operator_code = op,
	                .active = 1,
	                .site_ids = site_ids,
	                .nsites = nsites};
	field_errors e = {0};
	store *s = NULL;
	char hash[256] = "";
	int64_t id = 0;
	int rc = CLI_USAGE;
	if (user_validate(&u, &e) != 0) {
		cli_print_errors(a, &e, field_options, COUNT(field_options));
		goto done;
	}
	rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		goto done;
	arena *ar = arena_new(CLI_ARENA_SMALL);
	store_user existing;
	int found = store_user_by_email(s, ar, u.email, &existing);
	arena_free(ar);
	/* The e-mail and the sites are checked before the password is typed,
	 * so that nobody types it for nothing; the insert still catches a race. */
	if (found == STORE_OK) {
		cli_error(a, "an account with the e-mail address %s exists already", u.email);
		rc = CLI_FAIL;
		goto done;
	}
	for (size_t i = 0; i < nsites; i++) {
		store_site site;
		ar = arena_new(CLI_ARENA_SMALL);
		found = store_site_get(s, ar, site_ids[i], &site);
		arena_free(ar);
		if (found != STORE_OK) {
			cli_error(a, "--site: there is no site %lld (see 'guichet site list')",
			          (long long)site_ids[i]);
			rc = CLI_FAIL;
			goto done;
		}
	}
	rc = new_password_hash(a, hash, sizeof hash);
	if (rc != CLI_OK)
		goto done;
	u.password_hash = hash;
	switch (store_user_insert(s, &u, &id)) {
	case STORE_OK:
		cli_audit(s, "create", "user", id, 0, "cli");
		printf("%lld\n", (long long)id);
		break;
	case STORE_CONFLICT:
		cli_error(a, "an account with the e-mail address %s exists already", u.email);
		rc = CLI_FAIL;
		break;
	case STORE_NOT_FOUND:
		cli_error(a, "--site: one of the sites does not exist (see 'guichet site list')");
		rc = CLI_FAIL;
		break;
	default:
		cli_error(a, "cannot store the account (see the log above)");
		rc = CLI_FAIL;
	}
done:
	explicit_bzero(hash, sizeof hash);
	store_close(s);
	free(email);
	free(name);
	free(role);
	free(dep);
	free(op);
	return rc;
}

static int user_list(const cli_args *a, const char *action)
{
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new((size_t)LIMIT_ARENA_BYTES);
	store_user *users;
	size_t n;
	if (store_user_list(s, ar, 0, &users, &n) != STORE_OK) {
		cli_error(a, "cannot read the accounts");
		rc = CLI_FAIL;
	} else {
		printf("id\temail\tname\trole\tactive\tsites\n");
		for (size_t i = 0; i < n; i++) {
			printf("%lld\t", (long long)users[i].id);
			cli_put_cell(stdout, users[i].email);
			putchar('\t');
			cli_put_cell(stdout, users[i].name);
			printf("\t%s\t%s\t", users[i].role, users[i].active ? "yes" : "no");
			for (size_t k = 0; k < users[i].nsites; k++)
				printf("%s%lld", k ? "," : "", (long long)users[i].site_ids[k]);
			putchar('\n');
		}
	}
	arena_free(ar);
	store_close(s);
	return rc;
}

/* disable, enable and password: one account found by its e-mail. */
static int user_change(const cli_args *a, const char *action)
{
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new(CLI_ARENA_SMALL);
	store_user u;
	char hash[256] = "";
	const char *email = cli_get(a, "email");
	int found = store_user_by_email(s, ar, email, &u);
	if (found != STORE_OK) {
		if (found == STORE_NOT_FOUND)
			cli_error(a, "no account has the e-mail address %s", email);
		else
			cli_error(a, "cannot read the account");
		rc = CLI_FAIL;
	} else if (strcmp(action, "password") == 0) {
		rc = new_password_hash(a, hash, sizeof hash);
		/* The store ends the account's sessions and tokens with it. */
		if (rc == CLI_OK && store_user_set_password(s, u.id, hash) != STORE_OK) {
			cli_error(a, "cannot store the password");
			rc = CLI_FAIL;
		}
		if (rc == CLI_OK)
			cli_audit(s, "update", "user", u.id, 0, "password");
	} else if (strcmp(action, "totp-reset") == 0) {
		if (store_totp_disable(s, u.id) != STORE_OK) {
			cli_error(a, "cannot remove the second factor");
			rc = CLI_FAIL;
		} else {
			cli_audit(s, "update", "user", u.id, 0, "second factor disabled");
		}
	} else {
		u.active = strcmp(action, "enable") == 0;
		u.password_hash = NULL; /* unchanged */
		if (store_user_update(s, &u) != STORE_OK) {
			cli_error(a, "cannot update the account");
			rc = CLI_FAIL;
		} else {
			cli_audit(s, "update", "user", u.id, 0, u.active ? "active" : "inactive");
		}
	}
	explicit_bzero(hash, sizeof hash);
	arena_free(ar);
	store_close(s);
	return rc;
}

static const struct {
	const char *action;
	const cli_cmd *cmd;
	int (*run)(const cli_args *a, const char *action);
} actions[] = {
    {"add", &cmd_add, user_add},
    {"list", &cmd_list, user_list},
    {"disable", &cmd_disable, user_change},
    {"enable", &cmd_enable, user_change},
    {"password", &cmd_password, user_change},
    {"totp-reset", &cmd_totp_reset, user_change},
};

static void overview(FILE *f)
{
	fprintf(f, "Usage: guichet user ACTION [OPTIONS]\nManages the accounts.\n\nActions:\n");
	for (size_t i = 0; i < COUNT(actions); i++)
		fprintf(f, "  %-10s %s\n", actions[i].action, actions[i].cmd->summary);
	fprintf(f, "\nRun 'guichet user ACTION --help' for the options of an action.\n");
}

int cli_user(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		overview(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (size_t i = 0; i < COUNT(actions); i++) {
		if (strcmp(argv[1], actions[i].action) != 0)
			continue;
		cli_args a;
		int status;
		if (cli_parse(actions[i].cmd, argc - 1, argv + 1, &a, &status) != 0)
			return status;
		int rc = actions[i].run(&a, actions[i].action);
		cli_args_free(&a);
		return rc;
	}
	fprintf(stderr, "guichet user: unknown action '%s'\n", argv[1]);
	overview(stderr);
	return CLI_USAGE;
}
