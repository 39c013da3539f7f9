/*
 * cli_import.c: `guichet import demands FILE.csv`, accompaniments recorded
 * elsewhere (a spreadsheet, another tool, another Guichet) brought into the
 * store.
 *
 * All or nothing: a first pass reads and checks every row, and lists every
 * problem with its line and column; only a file without any problem is read
 * a second time and written, in one transaction, so that an import that
 * fails halfway leaves the store as it was. Each pass streams the file, so
 * memory stays small whatever its size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/access.h"
#include "domain/demand_csv.h"
#include "util/guichet_limits.h"

static const cli_opt import_opts[] = {
    {"site", "ID", "put every visit at this site (else the column \"Identifiant du lieu\" names it)", 0, 0},
    {"agent", "EMAIL",
     "the adviser of every visit (else the column \"Conseiller (e-mail)\" names one, else none)", 0, 0},
};
static const cli_cmd cmd_import = {
    .name = "import demands",
    .summary = "Imports the accompaniments of the CSV file named after the options (one row per demand, see\n"
               "docs/csv.md; - reads standard input). Every row is checked first: when any is wrong, every\n"
               "problem is listed with its line and column and nothing is imported; otherwise all rows are\n"
               "imported in one transaction.",
    .opts = import_opts,
    .nopts = COUNT(import_opts),
};

/* Options that take a value, to tell FILE apart from an option's value. */
static int takes_value(const char *name, size_t len)
{
	static const char *const with_value[] = {"db", "config", "site", "agent"};
	for (size_t i = 0; i < COUNT(with_value); i++)
		if (strlen(with_value[i]) == len && strncmp(with_value[i], name, len) == 0)
			return 1;
	return 0;
}

/* Moves the one argument that is not an option (FILE) out of argv, for
 * cli_parse, which takes options only. Returns the new argc, or -1 when
 * there is none or more than one. */
static int take_file(int argc, char **argv, char **out, const char **file)
{
	int n = 0, found = 0, options = 1;
	*file = NULL;
	out[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (options && strcmp(s, "--") == 0) {
			options = 0;
		} else if (options && s[0] == '-' && s[1] != '\0') {
			out[n++] = argv[i];
			const char *name = s + strspn(s, "-");
			if (s[1] == '-' && !strchr(s, '=') && takes_value(name, strlen(name)) && i + 1 < argc)
				out[n++] = argv[++i];
		} else {
			*file = s;
			found++;
		}
	}
	out[n] = NULL;
	return found == 1 ? n : -1;
}

/* ---- the file: read twice, from disk or from standard input held in memory */

typedef struct source {
	const char *path; /* NULL for standard input */
	int fd;
	char *data; /* standard input, read once */
	size_t len;
	uint64_t size; /* for the progress bar, 0 when unknown */
} source;

static ssize_t read_fd(void *ctx, char *dst, size_t n)
{
	source *s = ctx;
	for (;;) {
		ssize_t got = read(s->fd, dst, n);
		if (got >= 0 || errno != EINTR)
			return got;
	}
}

static int source_open(const cli_args *a, source *s)
{
	if (!s->path) {
		if (s->data)
			return 0;
		buf b;
		buf_init(&b, (size_t)LIMIT_UPLOAD_BYTES);
		char chunk[65536];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
			buf_append(&b, chunk, got);
		if (ferror(stdin) || b.overflow) {
			cli_error(a,
			          b.overflow
			              ? "standard input is larger than %lu bytes: give the file's name instead"
			              : "cannot read standard input",
			          LIMIT_UPLOAD_BYTES);
			buf_free(&b);
			return -1;
		}
		s->data = buf_detach(&b, &s->len);
		s->size = s->len;
		return 0;
	}
	s->fd = open(s->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (s->fd < 0 || fstat(s->fd, &st) != 0) {
		cli_error(a, "cannot open %s: %s", s->path, strerror(errno));
		return -1;
	}
	s->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	return 0;
}

static csv_reader *source_reader(source *s)
{
	return s->path ? csv_reader_new(read_fd, s, 0, NULL) : csv_reader_mem(s->data, s->len, 0, NULL);
}

static void source_close(source *s)
{
	if (s->path && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* ---- progress on a terminal ------------------------------------------ */

typedef struct progress {
	int on;
	const char *phase;
	uint64_t total;
	int64_t last_us;
} progress;

static void progress_show(progress *p, uint64_t done, uint64_t rows, int last)
{
	if (!p->on)
		return;
	int64_t now = mono_us();
	if (!last && now - p->last_us < 100000)
		return;
	p->last_us = now;
	unsigned pct = p->total ? (unsigned)(done * 100 / p->total) : 0;
	if (pct > 100)
		pct = 100;
	char bar[31];
	memset(bar, ' ', 30);
	memset(bar, '#', pct * 30 / 100);
	bar[30] = '\0';
	fprintf(stderr, "\r%-9s [%s] %3u %% %llu rows", p->phase, bar, pct, (unsigned long long)rows);
	if (last)
		fputc('\n', stderr);
	fflush(stderr);
}

/* ---- the two passes --------------------------------------------------- */

static void print_error(const cli_args *a, const demand_csv_error *e)
{
	char where[300] = "";
	if (e->line && e->column)
		snprintf(where, sizeof where, "line %llu, column %s: ", (unsigned long long)e->line,
		         e->column);
	else if (e->line)
		snprintf(where, sizeof where, "line %llu: ", (unsigned long long)e->line);
	const char *msg = cli_text(e->msgid);
	size_t len = strlen(msg);
	/* The value and the choices go after the sentence, without its stop. */
	if (len && msg[len - 1] == '.' && (e->value || e->expected))
		len--;
	char value[200] = "", expected[600] = "";
	if (e->value)
		snprintf(value, sizeof value, " '%s'", e->value);
	if (e->expected)
		snprintf(expected, sizeof expected, " (expected: %s)", e->expected);
	cli_error(a, "%s%.*s%s%s", where, (int)len, msg, value, expected);
}

/* Pass 1: checks every row; 0 when the file is right. */
static int check_all(const cli_args *a, store *s, source *src, const demand_csv_options *o, progress *p,
                     demand_csv_errors *e, uint64_t *visits, uint64_t *rows)
{
	csv_reader *csv = source_reader(src);
	demand_csv_import *im = NULL;
	int rc = demand_csv_import_open(&im, s, csv, o, e);
	p->phase = "checking";
	while (rc == 0) {
		arena *va = arena_new((size_t)LIMIT_ARENA_BYTES);
		store_visit v;
		int valid;
		int got = demand_csv_import_next(im, va, &v, &valid);
		arena_free(va);
		if (got <= 0) {
			rc = got;
			break;
		}
		progress_show(p, csv_offset(csv), demand_csv_import_rows(im), 0);
	}
	if (im) {
		progress_show(p, csv_offset(csv), demand_csv_import_rows(im), 1);
		*visits = demand_csv_import_visits(im);
		*rows = demand_csv_import_rows(im);
	}
	demand_csv_import_close(im);
	csv_reader_free(csv);
	return rc == 0 && e->total == 0 ? 0 : -1;
}

/* Pass 2: writes every visit in one transaction. */
static int import_all(const cli_args *a, store *s, source *src, const demand_csv_options *o, progress *p,
                      demand_csv_errors *e)
{
	csv_reader *csv = source_reader(src);
	demand_csv_import *im = NULL;
	store_import *tx = NULL;
	int rc = demand_csv_import_open(&im, s, csv, o, e);
	if (rc == 0 && store_import_begin(s, &tx) != STORE_OK) {
		cli_error(a, "cannot start the transaction");
		rc = -1;
	}
	p->phase = "importing";
	while (rc == 0) {
		arena *va = arena_new((size_t)LIMIT_ARENA_BYTES);
		store_visit v;
		int valid;
		int got = demand_csv_import_next(im, va, &v, &valid);
		if (got == 1 && !valid) {
			/* The catalog changed since the check: say what and stop. */
			rc = -1;
		} else if (got == 1 && store_import_visit(tx, &v) != STORE_OK) {
			cli_error(a, "cannot store visit number %llu of the file",
			          (unsigned long long)demand_csv_import_visits(im));
			rc = -1;
		} else if (got <= 0) {
			arena_free(va);
			rc = got;
			break;
		}
		arena_free(va);
		progress_show(p, csv_offset(csv), demand_csv_import_rows(im), 0);
	}
	if (im)
		progress_show(p, csv_offset(csv), demand_csv_import_rows(im), 1);
	if (tx && store_import_end(tx, rc == 0) != STORE_OK && rc == 0) {
		cli_error(a, "cannot commit the import: nothing was imported");
		rc = -1;
	}
	demand_csv_import_close(im);
	csv_reader_free(csv);
	return rc;
}

/* The store of the command, with a second connection: the checks read the
 * catalog while the import's transaction holds the first one. */
static int open_store(const cli_args *a, store **s)
{
	int rc = cli_open_store(a, s);
	if (rc != CLI_OK)
		return rc;
	store_close(*s);
	char err[512];
	if (store_open(s, a->cfg.db, 2, err, sizeof err) != STORE_OK) {
		cli_error(a, "%s", err);
		return CLI_FAIL;
	}
	return CLI_OK;
}

static int resolve_options(const cli_args *a, store *s, demand_csv_options *o)
{
	arena *ar = arena_new(CLI_ARENA_SMALL);
	int rc = CLI_OK;
	const char *site = cli_get(a, "site"), *agent = cli_get(a, "agent");
	store_site st;
	store_user u;
	if (site && (parse_int64(site, 1, INT64_MAX, &o->site_id) != 0 ||
	             store_site_get(s, ar, o->site_id, &st) != STORE_OK)) {
		cli_error(a, "--site: no site has the id '%s' (see 'guichet site list')", site);
		rc = CLI_USAGE;
	}
	if (rc == CLI_OK && agent) {
		if (store_user_by_email(s, ar, agent, &u) != STORE_OK) {
			cli_error(a, "--agent: no account has the e-mail address %s", agent);
			rc = CLI_USAGE;
		} else if (o->site_id && !access_may_record_at(&u, o->site_id)) {
			/* Without --site, each row's site is checked the same way. */
			cli_error(a, "--agent: %s does not record visits at site %s (docs/access.md)", agent,
			          site);
			rc = CLI_USAGE;
		} else {
			o->agent_id = u.id;
		}
	}
	arena_free(ar);
	return rc;
}

static int import_demands(const cli_args *a, const char *file)
{
	store *s = NULL;
	int rc = open_store(a, &s);
	demand_csv_options o = {.now = now_s()};
	if (rc != CLI_OK || (rc = resolve_options(a, s, &o)) != CLI_OK) {
		store_close(s);
		return rc;
	}
	source src = {.path = file && strcmp(file, "-") != 0 ? file : NULL, .fd = -1};
	progress p = {.on = isatty(STDERR_FILENO)};
	arena *ea = arena_new((size_t)LIMIT_ARENA_BYTES);
	demand_csv_errors e;
	demand_csv_errors_init(&e, ea);
	uint64_t visits = 0, rows = 0;
	if (source_open(a, &src) != 0) {
		rc = CLI_FAIL;
	} else {
		p.total = src.size;
		if (check_all(a, s, &src, &o, &p, &e, &visits, &rows) != 0) {
			for (size_t i = 0; i < e.n; i++)
				print_error(a, &e.v[i]);
			if (e.total > e.n)
				cli_error(a, "… and %zu more problems", e.total - e.n);
			cli_error(a, "%zu problem%s found: nothing was imported", e.total,
			          e.total == 1 ? "" : "s");
			rc = CLI_FAIL;
		}
	}
	source_close(&src);
	if (rc == CLI_OK && source_open(a, &src) != 0)
		rc = CLI_FAIL;
	if (rc == CLI_OK && import_all(a, s, &src, &o, &p, &e) != 0) {
		for (size_t i = 0; i < e.n; i++)
			print_error(a, &e.v[i]);
		cli_error(a, "the import failed: nothing was imported");
		rc = CLI_FAIL;
	}
	source_close(&src);
	if (rc == CLI_OK) {
		char detail[128];
		snprintf(detail, sizeof detail, "csv: %llu visits, %llu demands", (unsigned long long)visits,
		         (unsigned long long)rows);
		cli_audit(s, "import", "visit", 0, o.site_id, detail);
		printf("imported %llu visits (%llu demands)\n", (unsigned long long)visits,
		       (unsigned long long)rows);
	}
	free(src.data);
	arena_free(ea);
	store_close(s);
	return rc;
}

int cli_import(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
		        "Usage: guichet import demands [--site ID] [--agent EMAIL] FILE.csv\n"
		        "Imports accompaniments from a CSV file (docs/csv.md).\n"
		        "Run 'guichet import demands --help' for the options.\n");
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "demands") != 0) {
		fprintf(stderr, "guichet import: unknown kind '%s' (the only one is 'demands')\n", argv[1]);
		return CLI_USAGE;
	}
	char **args = xcalloc((size_t)argc + 1, sizeof *args);
	const char *file;
	int n = take_file(argc - 1, argv + 1, args, &file);
	int help = 0;
	for (int i = 2; i < argc; i++)
		help |= strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0;
	cli_args a;
	int status, rc;
	if (n < 0 && !help) {
		fprintf(stderr,
		        "guichet import demands: give exactly one FILE.csv (or - for standard input)\n"
		        "Try 'guichet import demands --help'.\n");
		rc = CLI_USAGE;
	} else if (cli_parse(&cmd_import, help ? argc - 1 : n, help ? argv + 1 : args, &a, &status) != 0) {
		rc = status;
	} else {
		rc = import_demands(&a, file);
		cli_args_free(&a);
	}
	free(args);
	return rc;
}
