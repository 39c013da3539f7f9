/*
 * cli.h: the subcommands of `guichet` and what they share.
 *
 * Each cli_* function takes the arguments from its own name on (argv[0] is
 * "init", "user"…) and returns the process exit status: 0 success, 1 failure,
 * 2 usage error. Messages go to standard error, in English (the commands are
 * the operators' tool); results go to standard output.
 */
#ifndef GUICHET_CLI_H
#define GUICHET_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "app/config.h"
#include "store/store.h"
#include "util/util.h"

#ifndef GUICHET_VERSION
#define GUICHET_VERSION "0.1.0"
#endif

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cli_init(int argc, char **argv);
int cli_serve(int argc, char **argv); /* cli_serve.c */
int cli_user(int argc, char **argv);
int cli_site(int argc, char **argv);
int cli_token(int argc, char **argv);
int cli_geo(int argc, char **argv);
int cli_demo(int argc, char **argv); /* cli_demo.c */
int cli_import(int argc, char **argv); /* cli_import.c */
int cli_export(int argc, char **argv); /* cli_export.c */
int cli_stats(int argc, char **argv);  /* cli_stats.c */
int cli_opendata(int argc, char **argv); /* cli_opendata.c */
int cli_migrate(int argc, char **argv); /* cli_migrate.c: migrate-data */
int cli_backup(int argc, char **argv);  /* cli_backup.c */
int cli_restore(int argc, char **argv); /* cli_backup.c */
int cli_purge(int argc, char **argv);   /* cli_purge.c */
int cli_mail(int argc, char **argv);    /* cli_mail.c */
int cli_address(int argc, char **argv); /* cli_address.c */
int cli_sync(int argc, char **argv);    /* cli_sync.c: offline sync of a laptop */

/* One option of a command, besides the common --db, --config and --help. */
typedef struct cli_opt {
	const char *name; /* long name without dashes: "email" */
	const char *arg;  /* placeholder shown in the help ("EMAIL"); NULL for a flag */
	const char *help;
	int required;
	int repeat; /* may be given several times */
} cli_opt;

typedef struct cli_cmd {
	const char *name;    /* as typed: "user add" */
	const char *summary; /* what it does, one or two sentences */
	const cli_opt *opts;
	size_t nopts;
} cli_cmd;

#define CLI_MAX_GIVEN 64
/* Enough for one or a few records read by a command. */
#define CLI_ARENA_SMALL ((size_t)64 * 1024)

/* A parsed command line: the settings (command line > environment > config
 * file > defaults) and the command's own options in the order given. */
typedef struct cli_args {
	const cli_cmd *cmd;
	config cfg;
	struct {
		const char *name;
		const char *value; /* "1" for a flag */
	} given[CLI_MAX_GIVEN];
	size_t ngiven;
} cli_args;

/* Parses argv with getopt_long. Returns 0 to go on; otherwise -1 with the
 * exit status in *status (0 after --help, 2 after a message naming the
 * faulty option or value). cli_args_free releases a successful parse. */
int cli_parse(const cli_cmd *cmd, int argc, char **argv, cli_args *a, int *status);
void cli_args_free(cli_args *a);
void cli_usage(const cli_cmd *cmd, FILE *f);
/* The last value given for an option, or NULL. */
const char *cli_get(const cli_args *a, const char *name);
/* Every value given for a repeatable option, in order; returns the count. */
size_t cli_get_all(const cli_args *a, const char *name, const char **out, size_t max);

/* Prints "guichet CMD: message" on standard error. */
void cli_error(const cli_args *a, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* A French msgid of the domain in English when the catalog has it. */
const char *cli_text(const char *msgid);
/* Loads the translations once for the command (cli_text does it too); 0,
 * or -1 when the embedded catalogs cannot be read. */
int cli_i18n(void);
/* Prints the field errors of a record as "--option: message" lines, with
 * the option that feeds each field; map holds {field, option} pairs. */
void cli_print_errors(const cli_args *a, const field_errors *e, const char *const (*map)[2], size_t nmap);

/* Opens the store of a command other than init: it must exist and be at the
 * schema this binary expects. Returns CLI_OK or CLI_FAIL after a message. */
int cli_open_store(const cli_args *a, store **s);
/* The same, but a database that does not exist yet is created first
 * (what `guichet init` does): for `guichet demo`, the first thing a
 * newcomer types. */
int cli_open_or_create_store(const cli_args *a, store **s);
/* Journals a change made from the command line (user_id 0, address "cli"). */
void cli_audit(store *s, const char *action, const char *object, int64_t object_id, int64_t site_id,
               const char *detail);

/* Reads a password: asked twice without echo on a terminal, else one line
 * of standard input. CLI_OK, or CLI_FAIL after a message. */
int cli_read_password(const cli_args *a, char *out, size_t outlen);
/* Writes a value for tab-separated output: tabs, newlines and other
 * control characters become spaces. */
void cli_put_cell(FILE *f, const char *s);
/* Writes a command's result to standard output, or to the file path when
 * it is not NULL, through path.tmp and a rename, so that a reader never
 * sees half a file and a failure leaves none. CLI_OK, or CLI_FAIL after a
 * message. */
int cli_write_result(const cli_args *a, const char *path, const buf *b);

/* Stores the communes déléguées and associées of communes.json (its parsed
 * array) with the current commune each belongs to, replacing those stored:
 * called by "geo load" once the geography is in. 0 with their count in *n,
 * or -1 after a message. */
struct json_t;
int cli_address_load_delegates(const cli_args *a, store *s, struct json_t *communes, size_t *n);

/* Takes an action's bare argument (a FILE, a QUERY) out of argv, for the
 * option parser accepts none: the first argument that is neither an option
 * nor the value of --db or --config; NULL when there is none. */
const char *cli_take_operand(int *argc, char **argv);

/* The action of `guichet GROUP ACTION [OPTIONS]`: the one of the n commands
 * whose name ("GROUP ACTION") ends with argv[1]. NULL with *status set when
 * there is none: no argv[1] (overview on stderr, CLI_USAGE), --help or -h
 * (overview on stdout, CLI_OK), or an unknown one ("guichet GROUP: unknown
 * WHAT 'X'" and the overview on stderr, CLI_USAGE). */
const cli_cmd *cli_pick_action(int argc, char **argv, const cli_cmd *const *cmds, size_t n, const char *what,
                               void (*overview)(FILE *f), int *status);

#endif
