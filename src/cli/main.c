/*
 * main.c: `guichet COMMAND …`: finds the command and hands it the rest of
 * the arguments. Everything else lives in the cli_*.c files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static int cli_version(int argc, char **argv)
{
	printf("guichet %s\n", GUICHET_VERSION);
	return CLI_OK;
}

static int cli_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
    {"init", cli_init, "create the database or bring its schema up to date"},
    {"serve", cli_serve, "run the web server"},
    {"user", cli_user, "manage accounts: add, list, disable, enable, password"},
    {"site", cli_site, "manage sites: add, list"},
    {"token", cli_token, "create API tokens"},
    {"geo", cli_geo, "load the official geography, search communes"},
    {"demo", cli_demo, "fill a database with demonstration data"},
    {"import", cli_import, "import accompaniments from a CSV file: import demands"},
    {"export", cli_export, "export accompaniments as a CSV file: export demands"},
    {"migrate-data", cli_migrate, "copy a site's SQLite database into a central one"},
    {"backup", cli_backup, "copy a SQLite database, even while it is in use"},
    {"restore", cli_restore, "check a backup and put it in place of a database"},
    {"stats", cli_stats, "print the steering indicators of a period and a scope"},
    {"opendata", cli_opendata, "write the open-data files: activity, lieux, france-services"},
    {"purge", cli_purge, "remove personal data past its retention period (--dry-run to see)"},
    {"mail", cli_mail, "the e-mail notifications: mail test sends a test message now"},
    {"address", cli_address, "postal addresses: address format, address load-bal (Base Adresse Locale)"},
    {"sync", cli_sync, "offline sync of a laptop with a centre: sync attach, push, pull, status"},
    {"version", cli_version, "print the version"},
    {"help", cli_help, "show this help, or a command's help: guichet help COMMAND"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: guichet COMMAND [OPTIONS]\n"
	           "Guichet: the record of help given at public-service help desks.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'guichet COMMAND --help' for a command's options.\n");
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* "guichet help user" is "guichet user --help". */
static int cli_help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return CLI_OK;
	}
	const struct command *c = find(argv[1]);
	if (!c || c->run == cli_help || c->run == cli_version) {
		if (!c)
			fprintf(stderr, "guichet: unknown command '%s'\n", argv[1]);
		usage(c ? stdout : stderr);
		return c ? CLI_OK : CLI_USAGE;
	}
	char help[] = "--help";
	char *args[] = {argv[1], help, NULL};
	return c->run(2, args);
}

int main(int argc, char **argv)
{
	/* Dates typed and shown at the desks are local: Europe/Paris unless
	 * the deployment says otherwise (overseas sites set TZ). */
	setenv("TZ", "Europe/Paris", 0);
	tzset();
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cli_version(0, NULL);
	const struct command *c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "guichet: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return CLI_USAGE;
	}
	return c->run(argc - 1, argv + 1);
}
