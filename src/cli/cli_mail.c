/*
 * cli_mail.c: `guichet mail test`, which sends the test notification to an
 * address now, through the SMTP server of the settings, and prints what the
 * server answered: the way to check the settings of the notifications
 * before the server uses them (docs/mail.md).
 */
#include <stdio.h>
#include <string.h>

#include "app/app_mail.h"
#include "cli/cli.h"
#include "util/i18n.h"

static const cli_opt test_opts[] = {
    {"to", "ADDRESS", "the address to send the test message to", 1, 0},
    {"lang", "CODE", "the language of the message: fr (default), en or ar", 0, 0},
    {"smtp-url", "URL", "the SMTP server, smtp://HOST:PORT or smtps://HOST:PORT", 0, 0},
    {"smtp-from", "ADDRESS", "the sender's address", 0, 0},
    {"smtp-user", "USER", "the SMTP AUTH user", 0, 0},
    {"smtp-password-file", "FILE", "the SMTP AUTH password, the first line of FILE", 0, 0},
    {"smtp-starttls", "WHEN", "required (default), optional or no", 0, 0},
    {"smtp-ca-file", "FILE", "certificates to trust instead of the system's", 0, 0},
    {"smtp-timeout", "DURATION", "the time the exchange may take, default 30s", 0, 0},
};
static const cli_cmd cmd_test = {
    .name = "mail test",
    .summary = "Sends the test notification to an address now, with the SMTP settings of the server "
               "(GUICHET_SMTP_*, the config file's smtp-* keys, or these options), and prints the "
               "server's answer. Exits 1 when the message was not accepted.",
    .opts = test_opts,
    .nopts = COUNT(test_opts),
};

static void overview(FILE *f)
{
	fprintf(f,
	        "Usage: guichet mail ACTION [OPTIONS]\nThe e-mail notifications.\n\nActions:\n"
	        "  test       %s\n\n"
	        "Run 'guichet mail ACTION --help' for the options of an action.\n",
	        cmd_test.summary);
}

static int mail_test(cli_args *a)
{
	static const char *const keys[] = {"smtp-url",           "smtp-from",     "smtp-user",
	                                   "smtp-password-file", "smtp-starttls", "smtp-ca-file",
	                                   "smtp-timeout"};
	for (size_t i = 0; i < COUNT(keys); i++) {
		char err[256];
		const char *v = cli_get(a, keys[i]);
		if (v && config_set(&a->cfg, keys[i], v, "command line", err, sizeof err) != 0) {
			cli_error(a, "%s", err);
			return CLI_USAGE;
		}
	}
	const char *to = cli_get(a, "to");
	if (!smtp_address_valid(to)) {
		cli_error(a, "--to must be an e-mail address, got '%s'", to);
		return CLI_USAGE;
	}
	if (!app_mail_configured(&a->cfg)) {
		cli_error(a, "no SMTP server: give --smtp-url and --smtp-from (or GUICHET_SMTP_URL and "
		             "GUICHET_SMTP_FROM)");
		return CLI_USAGE;
	}
	if (cli_i18n() != 0) {
		cli_error(a, "cannot read the translations");
		return CLI_FAIL;
	}
	const char *code = cli_get(a, "lang");
	const lang *l = code ? i18n_find(code) : i18n_default();
	if (!l) {
		cli_error(a, "--lang must be fr, en or ar, got '%s'", code);
		return CLI_USAGE;
	}
	smtp_result r;
	int rc = app_mail_test(&a->cfg, to, l, &r);
	if (rc == 0) {
		printf("%s\n", *r.reply ? r.reply : "accepted");
		return CLI_OK;
	}
	cli_error(a, "the message was not accepted: %s%s%s", r.error, *r.reply ? "; the server said: " : "",
	          r.reply);
	return CLI_FAIL;
}

int cli_mail(int argc, char **argv)
{
	static const cli_cmd *const cmds[] = {&cmd_test};
	int status;
	if (!cli_pick_action(argc, argv, cmds, COUNT(cmds), "action", overview, &status))
		return status;
	cli_args a;
	if (cli_parse(&cmd_test, argc - 1, argv + 1, &a, &status) != 0)
		return status;
	int rc = mail_test(&a);
	cli_args_free(&a);
	return rc;
}
