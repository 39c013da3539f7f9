/*
 * test_config.c: settings from defaults, file, environment and command
 * line, their order, and the messages that name a faulty setting.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "app/config.h"
#include "util/guichet_limits.h"

static const char *const env_vars[] = {
    "GUICHET_DB",           "GUICHET_LISTEN",           "GUICHET_THREADS",   "GUICHET_TRUST_PROXY",
    "GUICHET_SESSION_IDLE", "GUICHET_SESSION_ABSOLUTE", "GUICHET_PUBLIC_URL"};

static char dir[64];

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
		unsetenv(env_vars[i]);
	strcpy(dir, "/tmp/guichet-config-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char p[128];
	snprintf(p, sizeof p, "%s/guichet.conf", dir);
	unlink(p);
	rmdir(dir);
	for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
		unsetenv(env_vars[i]);
	return 0;
}

/* Writes text to dir/guichet.conf and returns its path. */
static const char *write_conf(const char *text)
{
	static char p[128];
	snprintf(p, sizeof p, "%s/guichet.conf", dir);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

static void test_defaults(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	assert_null(c.db);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.threads, 0); /* chosen for the store (config_default_threads) */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned want = cpus < 2 ? 2 : cpus > 256 ? 256 : (unsigned)cpus;
	assert_int_equal(config_default_threads("/tmp/g.db"), want);
	assert_int_equal(config_default_threads("sqlite:g.db"), want);
	long twice = cpus * 2;
	want = twice < 2 ? 2 : twice > 256 ? 256 : (unsigned)twice;
	assert_int_equal(config_default_threads("postgres://localhost/g"), want);
	assert_int_equal(config_default_threads("host=/run/postgresql dbname=g"), want);
	assert_int_equal(c.trust_proxy, 0);
	assert_int_equal(c.session_idle, DEFAULT_SESSION_IDLE_S);
	assert_int_equal(c.session_absolute, DEFAULT_SESSION_ABSOLUTE_S);
	assert_null(c.public_url);
	assert_null(c.port_file);
	config_free(&c);
}

static void test_values(void **state)
{
	(void)state;
	static const struct {
		const char *key, *value;
		int ok;
	} cases[] = {
	    {"db", "guichet.db", 1},
	    {"db", "", 0},
	    {"listen", "0.0.0.0:80", 1},
	    {"listen", "[::1]:8080", 1},
	    {"listen", "localhost:0", 1},
	    {"listen", "localhost", 0},
	    {"listen", ":8080", 0},
	    {"listen", "host:65536", 0},
	    {"listen", "[::1]8080", 0},
	    {"listen", "a b:80", 0},
	    {"threads", "1", 1},
	    {"threads", "256", 1},
	    {"threads", "0", 0},
	    {"threads", "257", 0},
	    {"threads", "4x", 0},
	    {"trust-proxy", "yes", 1},
	    {"trust-proxy", "TRUE", 1},
	    {"trust-proxy", "0", 1},
	    {"trust-proxy", "maybe", 0},
	    {"session-idle", "90", 1},
	    {"session-idle", "0", 0},
	    {"session-idle", "-5", 0},
	    {"session-idle", "5d", 0},
	    {"session-idle", "h", 0},
	    {"session-absolute", "12h", 1},
	    {"public-url", "https://guichet.example.fr/", 1},
	    {"public-url", "ftp://x", 0},
	    {"public-url", "https://", 0},
	    {"public-url", "https://a b", 0},
	    {"port-file", "/tmp/port", 1},
	    {"port-file", "", 0},
	    {"head-timeout", "10s", 1},
	    {"head-timeout", "0", 0},
	    {"head-timeout", "2h", 0},
	    {"max-connections", "16384", 1},
	    {"max-connections", "0", 0},
	    {"max-connections", "65537", 0},
	    {"max-connections-per-address", "64", 1},
	    {"max-connections-per-address", "-1", 0},
	    {"metrics-token", "0123456789abcdef0123", 1},
	    {"metrics-token", "short", 0},
	    {"metrics-token", "0123456789 abcdef0123", 0},
	    {"metrics-listen", "127.0.0.1:9090", 1},
	    {"metrics-listen", "9090", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		config c;
		char err[256] = "";
		config_defaults(&c);
		int rc = config_set(&c, cases[i].key, cases[i].value, "--test", err, sizeof err);
		if ((rc == 0) != cases[i].ok)
			fail_msg("%s = '%s': expected %s, got %d (%s)", cases[i].key, cases[i].value,
			         cases[i].ok ? "success" : "an error", rc, err);
		if (!cases[i].ok) {
			assert_non_null(strstr(err, "--test"));
			assert_non_null(strstr(err, cases[i].key));
		}
		config_free(&c);
	}
}

static void test_parsed(void **state)
{
	(void)state;
	config c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(config_set(&c, "session-idle", "30m", "x", err, sizeof err), 0);
	assert_int_equal(c.session_idle, 1800);
	assert_int_equal(config_set(&c, "session-absolute", "45s", "x", err, sizeof err), 0);
	assert_int_equal(c.session_absolute, 45);
	assert_int_equal(config_set(&c, "session-absolute", "2h", "x", err, sizeof err), 0);
	assert_int_equal(c.session_absolute, 7200);
	assert_int_equal(config_set(&c, "trust-proxy", "on", "x", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "trust-proxy", "yes", "x", err, sizeof err), 0);
	assert_int_equal(c.trust_proxy, 1);
	assert_int_equal(config_set(&c, "public-url", "https://g.example.fr//", "x", err, sizeof err), 0);
	assert_string_equal(c.public_url, "https://g.example.fr");
	assert_int_equal(config_set(&c, "threads", "12", "x", err, sizeof err), 0);
	assert_int_equal(c.threads, 12);
	assert_int_equal(c.head_timeout, 10);
	assert_int_equal(c.max_connections, 4096);
	assert_int_equal(c.max_per_address, 64);
	assert_int_equal(config_set(&c, "head-timeout", "1m", "x", err, sizeof err), 0);
	assert_int_equal(c.head_timeout, 60);
	assert_int_equal(config_set(&c, "foo", "1", "command line", err, sizeof err), -1);
	assert_string_equal(err, "command line: unknown setting 'foo'");
	config_free(&c);
}

static void test_file(void **state)
{
	(void)state;
	config c;
	char err[256];
	config_defaults(&c);
	const char *p = write_conf("# Guichet\n\n  db = /var/lib/guichet/g.db  \nthreads=3\r\n"
	                           "public-url = \" https://x.example.fr \"\n   # indented comment\n");
	assert_int_equal(config_load_file(&c, p, err, sizeof err), -1); /* quoted spaces kept: bad URL */
	config_free(&c);

	config_defaults(&c);
	p = write_conf("# Guichet\n\n  db = /var/lib/guichet/g.db  \nthreads=3\r\n"
	               "listen = \"127.0.0.1:9000\"\n   # indented comment\n");
	assert_int_equal(config_load_file(&c, p, err, sizeof err), 0);
	assert_string_equal(c.db, "/var/lib/guichet/g.db");
	assert_int_equal(c.threads, 3);
	assert_string_equal(c.listen, "127.0.0.1:9000");
	config_free(&c);

	/* The message names the file and line as given. */
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	write_conf("db = x.db\n# comment\nfoo = bar\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, "guichet.conf", err, sizeof err), -1);
	assert_string_equal(err, "guichet.conf:3: unknown setting 'foo'");
	config_free(&c);
	write_conf("threads = 3\nthreads\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, "guichet.conf", err, sizeof err), -1);
	assert_string_equal(err, "guichet.conf:2: expected 'key = value'");
	config_free(&c);
	write_conf("threads = many\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, "guichet.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "guichet.conf:1: bad value 'many' for threads"));
	config_free(&c);
	assert_int_equal(chdir(cwd), 0);

	config_defaults(&c);
	assert_int_equal(config_load_file(&c, "/nonexistent/guichet.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/guichet.conf: "));
	config_free(&c);
}

static void test_env(void **state)
{
	(void)state;
	config c;
	char err[256];
	setenv("GUICHET_DB", "env.db", 1);
	setenv("GUICHET_LISTEN", "0.0.0.0:8081", 1);
	setenv("GUICHET_THREADS", "5", 1);
	setenv("GUICHET_TRUST_PROXY", "true", 1);
	setenv("GUICHET_SESSION_IDLE", "10m", 1);
	setenv("GUICHET_SESSION_ABSOLUTE", "1h", 1);
	setenv("GUICHET_PUBLIC_URL", "https://g.example.fr", 1);
	config_defaults(&c);
	assert_int_equal(config_load_env(&c, err, sizeof err), 0);
	assert_string_equal(c.db, "env.db");
	assert_string_equal(c.listen, "0.0.0.0:8081");
	assert_int_equal(c.threads, 5);
	assert_int_equal(c.trust_proxy, 1);
	assert_int_equal(c.session_idle, 600);
	assert_int_equal(c.session_absolute, 3600);
	assert_string_equal(c.public_url, "https://g.example.fr");
	config_free(&c);

	setenv("GUICHET_THREADS", "lots", 1);
	config_defaults(&c);
	assert_int_equal(config_load_env(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "GUICHET_THREADS"));
	config_free(&c);
	setenv("GUICHET_THREADS", "", 1); /* empty: as if unset */
	config_defaults(&c);
	assert_int_equal(config_load_env(&c, err, sizeof err), 0);
	config_free(&c);
}

/* Command line > environment > file > default, through the commands' parser. */
static void test_precedence(void **state)
{
	(void)state;
	static const cli_opt opts[] = {{"email", "EMAIL", "e-mail", 0, 0}, {"site", "ID", "site", 0, 1}};
	static const cli_cmd cmd = {.name = "test", .summary = "Test.", .opts = opts, .nopts = 2};
	const char *conf = write_conf("db = file.db\nthreads = 3\n");
	char conf_arg[160];
	snprintf(conf_arg, sizeof conf_arg, "%s", conf);
	cli_args a;
	int status;

	char *argv1[] = {"test", "--config", conf_arg, NULL};
	assert_int_equal(cli_parse(&cmd, 3, argv1, &a, &status), 0);
	assert_string_equal(a.cfg.db, "file.db");
	assert_int_equal(a.cfg.threads, 3);
	cli_args_free(&a);

	setenv("GUICHET_DB", "env.db", 1);
	assert_int_equal(cli_parse(&cmd, 3, argv1, &a, &status), 0);
	assert_string_equal(a.cfg.db, "env.db");
	assert_int_equal(a.cfg.threads, 3);
	cli_args_free(&a);

	char *argv2[] = {"test", "--db",           "cli.db", "--config", conf_arg, "--site",
	                 "1",    "--email=x@y.fr", "--site", "2",        NULL};
	assert_int_equal(cli_parse(&cmd, 10, argv2, &a, &status), 0);
	assert_string_equal(a.cfg.db, "cli.db");
	assert_string_equal(cli_get(&a, "email"), "x@y.fr");
	const char *sites[4];
	assert_int_equal(cli_get_all(&a, "site", sites, 4), 2);
	assert_string_equal(sites[0], "1");
	assert_string_equal(sites[1], "2");
	assert_null(cli_get(&a, "nothing"));
	cli_args_free(&a);

	char *argv3[] = {"test", "--bogus", NULL};
	assert_int_equal(cli_parse(&cmd, 2, argv3, &a, &status), -1);
	assert_int_equal(status, 2);
	char *argv4[] = {"test", "--email", "a", "--email", "b", NULL};
	assert_int_equal(cli_parse(&cmd, 5, argv4, &a, &status), -1);
	assert_int_equal(status, 2);
	char *argv5[] = {"test", "--email", NULL};
	assert_int_equal(cli_parse(&cmd, 2, argv5, &a, &status), -1);
	assert_int_equal(status, 2);
	char *argv6[] = {"test", "stray", NULL};
	assert_int_equal(cli_parse(&cmd, 2, argv6, &a, &status), -1);
	assert_int_equal(status, 2);
	char *argv7[] = {"test", "--help", NULL};
	assert_int_equal(cli_parse(&cmd, 2, argv7, &a, &status), -1);
	assert_int_equal(status, 0);
	setenv("GUICHET_THREADS", "0", 1);
	assert_int_equal(cli_parse(&cmd, 3, argv1, &a, &status), -1);
	assert_int_equal(status, 2);
}

/* Regression: option values once ran into the character range, so that the
 * fifth option of a command (value 'h') was taken for --help. */
static void test_many_options(void **state)
{
	(void)state;
	static const cli_opt opts[] = {
	    {"o0", "V", "", 0, 0}, {"o1", "V", "", 0, 0}, {"o2", "V", "", 0, 0},  {"o3", "V", "", 0, 0},
	    {"o4", "V", "", 0, 0}, {"o5", "V", "", 0, 0}, {"o6", NULL, "", 0, 0}, {"o7", "V", "", 1, 0},
	};
	static const cli_cmd cmd = {.name = "many", .summary = "Many.", .opts = opts, .nopts = 8};
	char *argv[] = {"many", "--o0", "a", "--o1", "b",    "--o2", "c",    "--o3", "d", "--o4",
	                "e",    "--o5", "f", "--o6", "--o7", "g",    "--db", "x.db", NULL};
	cli_args a;
	int status = -1;
	assert_int_equal(cli_parse(&cmd, 18, argv, &a, &status), 0);
	assert_int_equal(status, 0);
	const char *want[] = {"a", "b", "c", "d", "e", "f", "1", "g"};
	for (size_t i = 0; i < 8; i++)
		assert_string_equal(cli_get(&a, opts[i].name), want[i]);
	assert_string_equal(a.cfg.db, "x.db");
	cli_args_free(&a);

	char *missing[] = {"many", "--o0", "a", NULL};
	assert_int_equal(cli_parse(&cmd, 3, missing, &a, &status), -1);
	assert_int_equal(status, 2); /* --o7 is required */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_values, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_parsed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_env, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_options, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
