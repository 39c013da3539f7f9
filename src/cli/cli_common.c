/*
 * cli_common.c: what the subcommands share: option parsing with the common
 * --db, --config and --help, the order of the settings' sources, opening the
 * store, reading a password, and the shape of messages and listings.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"

/* Values returned by getopt_long, above any character it could return. */
enum { OPT_DB = 1000, OPT_CONFIG, OPT_HELP, OPT_BASE = 1100 };

static const cli_opt common_opts[] = {
    {"db", "PATH-or-URL", "the database: a file path or sqlite:PATH (GUICHET_DB)", 0, 0},
    {"config", "FILE", "read settings from FILE (key = value lines)", 0, 0},
    {"help", NULL, "show this help", 0, 0},
};

static void print_opt(FILE *f, const cli_opt *o)
{
	char left[64];
	snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	fprintf(f, "  %-26s %s%s%s\n", left, o->help, o->required ? " (required)" : "",
	        o->repeat ? " (may be repeated)" : "");
}

void cli_usage(const cli_cmd *cmd, FILE *f)
{
	fprintf(f, "Usage: guichet %s [OPTIONS]\n%s\n\nOptions:\n", cmd->name, cmd->summary);
	for (size_t i = 0; i < cmd->nopts; i++)
		print_opt(f, &cmd->opts[i]);
	for (size_t i = 0; i < COUNT(common_opts); i++)
		print_opt(f, &common_opts[i]);
	fprintf(f, "\nSettings come from the command line, else the environment, else the config file.\n");
}

static void usage_error(const cli_cmd *cmd, const char *fmt, ...) ATTR_PRINTF(2, 3);

static void usage_error(const cli_cmd *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "guichet %s: %s\nTry 'guichet %s --help'.\n", cmd->name, msg, cmd->name);
}

static int add_given(cli_args *a, const cli_opt *o, const char *value)
{
	if (!o->repeat && cli_get(a, o->name)) {
		usage_error(a->cmd, "option '--%s' is given twice", o->name);
		return -1;
	}
	if (a->ngiven == CLI_MAX_GIVEN) {
		usage_error(a->cmd, "too many options (at most %d)", CLI_MAX_GIVEN);
		return -1;
	}
	a->given[a->ngiven].name = o->name;
	a->given[a->ngiven].value = value;
	a->ngiven++;
	return 0;
}

/* Applies the sources from the weakest to the strongest. */
static int load_settings(cli_args *a, const char *config_file, const char *db)
{
	char err[512];
	config_defaults(&a->cfg);
	if ((config_file && config_load_file(&a->cfg, config_file, err, sizeof err) != 0) ||
	    config_load_env(&a->cfg, err, sizeof err) != 0 ||
	    (db && config_set(&a->cfg, "db", db, "--db", err, sizeof err) != 0)) {
		fprintf(stderr, "guichet %s: %s\n", a->cmd->name, err);
		return -1;
	}
	return 0;
}

int cli_parse(const cli_cmd *cmd, int argc, char **argv, cli_args *a, int *status)
{
	memset(a, 0, sizeof *a);
	a->cmd = cmd;
	*status = CLI_USAGE;
	struct option *lo = xcalloc(cmd->nopts + COUNT(common_opts) + 1, sizeof *lo);
	for (size_t i = 0; i < COUNT(common_opts); i++)
		lo[i] =
		    (struct option){common_opts[i].name, common_opts[i].arg ? required_argument : no_argument,
		                    NULL, OPT_DB + (int)i};
	for (size_t i = 0; i < cmd->nopts; i++)
		lo[COUNT(common_opts) + i] =
		    (struct option){cmd->opts[i].name, cmd->opts[i].arg ? required_argument : no_argument,
		                    NULL, OPT_BASE + (int)i};

	const char *db = NULL, *config_file = NULL;
	int c, rc = 0;
	opterr = 0;
	optind = 0; /* glibc: start afresh, argv[0] being the command's name */
	while (rc == 0 && (c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
		case OPT_CONFIG:
			if (*(c == OPT_DB ? &db : &config_file)) {
				usage_error(cmd, "option '--%s' is given twice",
				            c == OPT_DB ? "db" : "config");
				rc = -1;
			}
			*(c == OPT_DB ? &db : &config_file) = optarg;
			break;
		case 'h':
		case OPT_HELP:
			cli_usage(cmd, stdout);
			*status = CLI_OK;
			rc = -1;
			break;
		case ':':
			usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
			rc = -1;
			break;
		case '?':
			usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
			rc = -1;
			break;
		default:
			rc = add_given(a, &cmd->opts[c - OPT_BASE], optarg ? optarg : "1");
		}
	}
	free(lo);
	if (rc == 0 && optind < argc) {
		usage_error(cmd, "unexpected argument '%s'", argv[optind]);
		rc = -1;
	}
	for (size_t i = 0; rc == 0 && i < cmd->nopts; i++)
		if (cmd->opts[i].required && !cli_get(a, cmd->opts[i].name)) {
			usage_error(cmd, "option '--%s' is required", cmd->opts[i].name);
			rc = -1;
		}
	if (rc == 0 && load_settings(a, config_file, db) != 0) {
		config_free(&a->cfg);
		rc = -1;
	}
	if (rc == 0)
		*status = CLI_OK;
	return rc;
}

void cli_args_free(cli_args *a)
{
	config_free(&a->cfg);
}

const char *cli_get(const cli_args *a, const char *name)
{
	const char *v = NULL;
	for (size_t i = 0; i < a->ngiven; i++)
		if (strcmp(a->given[i].name, name) == 0)
			v = a->given[i].value;
	return v;
}

size_t cli_get_all(const cli_args *a, const char *name, const char **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < a->ngiven && n < max; i++)
		if (strcmp(a->given[i].name, name) == 0)
			out[n++] = a->given[i].value;
	return n;
}

void cli_error(const cli_args *a, const char *fmt, ...)
{
	/* Formatted first, so that the line reaches stderr in one write. */
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "guichet %s: %s\n", a->cmd->name, msg);
}

int cli_i18n(void)
{
	static int ready;
	if (!ready) {
		char err[256];
		ready = i18n_init(err, sizeof err) == 0 ? 1 : -1;
		if (ready == 1)
			atexit(i18n_free);
	}
	return ready == 1 ? 0 : -1;
}

const char *cli_text(const char *msgid)
{
	const lang *en = cli_i18n() == 0 ? i18n_find("en") : NULL;
	return en ? i18n_text(en, msgid) : msgid;
}

void cli_print_errors(const cli_args *a, const field_errors *e, const char *const (*map)[2], size_t nmap)
{
	for (size_t i = 0; i < e->n; i++) {
		const char *opt = NULL;
		for (size_t k = 0; e->v[i].field && k < nmap; k++)
			if (strcmp(map[k][0], e->v[i].field) == 0)
				opt = map[k][1];
		if (opt)
			cli_error(a, "--%s: %s", opt, cli_text(e->v[i].msgid));
		else
			cli_error(a, "%s", cli_text(e->v[i].msgid));
	}
}

int cli_open_or_create_store(const cli_args *a, store **s)
{
	char err[512];
	const char *db = a->cfg.db;
	*s = NULL;
	if (!db || !*db) {
		cli_error(a, "no database given: use --db PATH or GUICHET_DB");
		return CLI_FAIL;
	}
	if (store_exists(db))
		return cli_open_store(a, s);
	int applied = 0;
	if (store_open(s, db, 1, err, sizeof err) != STORE_OK || store_migrate(*s, &applied, err, sizeof err) != STORE_OK) {
		cli_error(a, "%s", err);
		store_close(*s);
		*s = NULL;
		return CLI_FAIL;
	}
	fprintf(stderr, "created the database '%s' (schema version %d)\n", db, store_schema_version(*s));
	return CLI_OK;
}

int cli_open_store(const cli_args *a, store **s)
{
	char err[512];
	const char *db = a->cfg.db;
	*s = NULL;
	if (!db || !*db) {
		cli_error(a, "no database given: use --db PATH or GUICHET_DB");
		return CLI_FAIL;
	}
	if (!store_exists(db)) {
		if (str_starts(db, "sqlite:") || (!strchr(db, '=') && !strstr(db, "://")))
			cli_error(a, "no database at '%s': create it with 'guichet init --db %s'", db, db);
		else
			cli_error(a, "no database at '%s': create it on the server (createdb), then run 'guichet init'",
			          db);
		return CLI_FAIL;
	}
	if (store_open(s, db, 1, err, sizeof err) != STORE_OK) {
		cli_error(a, "%s", err);
		return CLI_FAIL;
	}
	int version = store_schema_version(*s), latest = store_schema_latest();
	if (version == latest)
		return CLI_OK;
	if (version < 0)
		cli_error(a, "cannot read the schema version of '%s'", db);
	else if (version < latest)
		cli_error(
		    a,
		    "the database is at schema version %d, this guichet needs %d: run 'guichet init --db %s'",
		    version, latest, db);
	else
		cli_error(
		    a, "the database is at schema version %d, newer than this guichet (%d): upgrade guichet",
		    version, latest);
	store_close(*s);
	*s = NULL;
	return CLI_FAIL;
}

void cli_audit(store *s, const char *action, const char *object, int64_t object_id, int64_t site_id,
               const char *detail)
{
	store_audit e = {.at = now_s(),
	                 .action = (char *)action,
	                 .object = (char *)object,
	                 .object_id = object_id,
	                 .site_id = site_id,
	                 .address = "cli",
	                 .detail = (char *)detail};
	store_audit_add(s, &e);
}

/* The terminal's settings while echo is off, restored by the handler if the
 * operator interrupts the prompt. */
static struct termios saved_tty;

static void restore_tty(int sig)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads one line into out without its end of line; -1 at end of input or
 * when the line does not fit. */
static int read_line(char *out, size_t outlen)
{
	if (!fgets(out, (int)outlen, stdin))
		return -1;
	size_t len = strlen(out);
	if (len > 0 && out[len - 1] == '\n')
		out[--len] = '\0';
	else if (!feof(stdin))
		return -1; /* too long: the rest is still waiting */
	if (len > 0 && out[len - 1] == '\r')
		out[--len] = '\0';
	return 0;
}

static int prompt_hidden(const char *prompt, char *out, size_t outlen)
{
	struct termios quiet;
	if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
		return read_line(out, outlen);
	quiet = saved_tty;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	void (*old_int)(int) = signal(SIGINT, restore_tty);
	void (*old_term)(int) = signal(SIGTERM, restore_tty);
	fputs(prompt, stderr);
	fflush(stderr);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	int rc = read_line(out, outlen);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(SIGINT, old_int);
	signal(SIGTERM, old_term);
	return rc;
}

int cli_read_password(const cli_args *a, char *out, size_t outlen)
{
	/* One byte more than the longest password, so that a longer one is
	 * seen and refused rather than cut. */
	char again[LIMIT_PASSWORD_MAX + 3];
	int rc = CLI_OK;
	if (isatty(STDIN_FILENO)) {
		if (prompt_hidden("Password: ", out, outlen) != 0 ||
		    prompt_hidden("Password again: ", again, sizeof again) != 0) {
			cli_error(a, "no password read");
			rc = CLI_FAIL;
		} else if (strcmp(out, again) != 0) {
			cli_error(a, "the two passwords differ");
			rc = CLI_FAIL;
		}
	} else if (read_line(out, outlen) != 0) {
		cli_error(a, "expected the password on one line of standard input (at most %u bytes)",
		          LIMIT_PASSWORD_MAX);
		rc = CLI_FAIL;
	}
	explicit_bzero(again, sizeof again);
	if (rc != CLI_OK)
		explicit_bzero(out, outlen);
	return rc;
}

void cli_put_cell(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

int cli_write_result(const cli_args *a, const char *path, const buf *b)
{
	const char *data = b->data ? b->data : "";
	if (!path) {
		if (fwrite(data, 1, b->len, stdout) != b->len || fflush(stdout) != 0) {
			cli_error(a, "cannot write the result");
			return CLI_FAIL;
		}
		return CLI_OK;
	}
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp) {
		cli_error(a, "--out: the file name is too long");
		return CLI_FAIL;
	}
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		cli_error(a, "cannot create %s: %s", tmp, strerror(errno));
		return CLI_FAIL;
	}
	int ok = fwrite(data, 1, b->len, f) == b->len && fflush(f) == 0 && fsync(fileno(f)) == 0;
	int why = errno;
	if (fclose(f) != 0 && ok) {
		ok = 0;
		why = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = 0;
		why = errno;
	}
	if (!ok) {
		cli_error(a, "cannot write %s: %s", path, strerror(why));
		unlink(tmp);
		return CLI_FAIL;
	}
	return CLI_OK;
}

const char *cli_take_operand(int *argc, char **argv)
{
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--db") == 0 || strcmp(argv[i], "--config") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			continue;
		const char *q = argv[i];
		for (int j = i; j + 1 < *argc; j++)
			argv[j] = argv[j + 1];
		(*argc)--;
		return q;
	}
	return NULL;
}

const cli_cmd *cli_pick_action(int argc, char **argv, const cli_cmd *const *cmds, size_t n, const char *what,
                               void (*overview)(FILE *f), int *status)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		overview(argc < 2 ? stderr : stdout);
		*status = argc < 2 ? CLI_USAGE : CLI_OK;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *sp = strchr(cmds[i]->name, ' ');
		if (sp && strcmp(sp + 1, argv[1]) == 0)
			return cmds[i];
	}
	const char *group = cmds[0]->name;
	fprintf(stderr, "guichet %.*s: unknown %s '%s'\n", (int)strcspn(group, " "), group, what, argv[1]);
	overview(stderr);
	*status = CLI_USAGE;
	return NULL;
}
