/*
 * cli_serve.c: `guichet serve`, the web server. Reads the settings, opens
 * the store, starts the HTTP layer with the route table, then waits for
 * SIGTERM or SIGINT to finish the requests in flight and exit cleanly.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/app_stats.h"
#include "app/app_escalations.h"
#include "app/app_retention.h"
#include "app/app_appointments.h"
#include "app/app_mail.h"
#include "app/app_sync.h"
#include "app/events.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "util/i18n.h"
#include "util/speech.h"
#include "app/metrics.h"
#include "web/page.h"
#include "pages/routes.h"

#define SECRET_KEY "secret_key"

/* Settings that are each an option of their own name: the e-mail
 * notifications (docs/mail.md; the password only from a file, the
 * environment or the config file, never on a command line that ps shows),
 * the retention periods (docs/privacy.md), the escalations' documents
 * (docs/escalations.md) and the ProConnect login (docs/proconnect.md; the
 * client secret only from a file). */
enum { OPT_NAMED = 1000 };
static const char *const named_keys[] = {"smtp-url",
                                         "smtp-user",
                                         "smtp-password-file",
                                         "smtp-from",
                                         "smtp-starttls",
                                         "smtp-ca-file",
                                         "smtp-timeout",
                                         "smtp-retry",
                                         "retention-visitors",
                                         "retention-comments",
                                         "retention-audit",
                                         "retention-escalations",
                                         "retention-appointments",
                                         "retention-callbacks",
                                         "escalation-files-dir",
                                         "oidc-issuer",
                                         "oidc-client-id",
                                         "oidc-client-secret-file",
                                         "oidc-redirect-url",
                                         "oidc-scopes",
                                         "oidc-create-accounts",
                                         "oidc-account-role",
                                         "oidc-account-site",
                                         "sync-interval",
                                         "sync-timeout",
                                         "sync-ca-file",
                                         "sync-allow-http",
                                         "stats-snapshot"};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: guichet serve [OPTIONS]\n"
	    "Runs the web server until SIGTERM or SIGINT.\n\n"
	    "  --db PATH-or-URL        the store (GUICHET_DB)\n"
	    "  --listen HOST:PORT      address to listen on, default 127.0.0.1:8080 (GUICHET_LISTEN)\n"
	    "  --threads N             worker threads (GUICHET_THREADS; default: the processors\n"
	    "                          for SQLite, twice as many for PostgreSQL, at least 2)\n"
	    "  --trust-proxy           honour X-Forwarded-For and X-Forwarded-Proto (GUICHET_TRUST_PROXY)\n"
	    "  --trusted-proxies LIST  the proxies' addresses whose X-Forwarded-* are honoured, default\n"
	    "                          127.0.0.1,::1 (GUICHET_TRUSTED_PROXIES)\n"
	    "  --session-idle DURATION     idle expiry of a session, e.g. 2h (GUICHET_SESSION_IDLE)\n"
	    "  --session-absolute DURATION absolute expiry of a session, e.g. 12h "
	    "(GUICHET_SESSION_ABSOLUTE)\n"
	    "  --public-url URL        the address people use to reach this server (GUICHET_PUBLIC_URL)\n"
	    "  --head-timeout DURATION seconds a client has to send a request's headers, default 10s\n"
	    "                          (GUICHET_HEAD_TIMEOUT)\n"
	    "  --max-connections N     connections open at once, default 4096 (GUICHET_MAX_CONNECTIONS)\n"
	    "  --max-connections-per-address N  per client address, default 64; with --trust-proxy,\n"
	    "                          requests in flight per forwarded address\n"
	    "                          (GUICHET_MAX_CONNECTIONS_PER_ADDRESS)\n"
	    "  --metrics-token TOKEN   bearer token that opens /metrics (GUICHET_METRICS_TOKEN)\n"
	    "  --metrics-listen HOST:PORT  serve /metrics there, without token (GUICHET_METRICS_LISTEN)\n"
	    "  --speech-cache-mb N     memory kept for made speech, default 32 (GUICHET_SPEECH_CACHE_MB)\n"
	    "  --speech-cache-dir DIR  also keep made speech in DIR, an existing directory\n"
	    "                          (GUICHET_SPEECH_CACHE_DIR)\n"
	    "  --smtp-url URL          the SMTP server of notifications, smtp://HOST:PORT or\n"
	    "                          smtps://HOST:PORT (GUICHET_SMTP_URL)\n"
	    "  --smtp-from ADDRESS     the sender of notifications (GUICHET_SMTP_FROM)\n"
	    "  --smtp-user USER        the SMTP AUTH user (GUICHET_SMTP_USER)\n"
	    "  --smtp-password-file FILE  the SMTP AUTH password, first line of FILE\n"
	    "                          (GUICHET_SMTP_PASSWORD_FILE)\n"
	    "  --smtp-starttls WHEN    required (default), optional or no (GUICHET_SMTP_STARTTLS)\n"
	    "  --smtp-ca-file FILE     certificates to trust instead of the system's (GUICHET_SMTP_CA_FILE)\n"
	    "  --smtp-timeout DURATION time one SMTP exchange may take, default 30s (GUICHET_SMTP_TIMEOUT)\n"
	    "  --smtp-retry DURATION   first wait before a failed message is tried again, doubled at\n"
	    "                          each failure, default 1m (GUICHET_SMTP_RETRY)\n"
	    "  --retention-visitors MONTHS  identified visitors' personal data, default 24\n"
	    "                          (GUICHET_RETENTION_VISITORS)\n"
	    "  --retention-comments MONTHS  free-text comments, default 12 (GUICHET_RETENTION_COMMENTS)\n"
	    "  --retention-audit MONTHS  the audit journal, default 12 (GUICHET_RETENTION_AUDIT)\n"
	    "  --retention-escalations MONTHS  texts and documents of closed escalations, default 12\n"
	    "                          (GUICHET_RETENTION_ESCALATIONS)\n"
	    "  --retention-appointments MONTHS  appointments, default 24 (GUICHET_RETENTION_APPOINTMENTS)\n"
	    "  --retention-callbacks DAYS  the person's name and number of a closed callback, default 30\n"
	    "                          (GUICHET_RETENTION_CALLBACKS)\n"
	    "  --escalation-files-dir DIR  the escalations' documents, default the store's file name\n"
	    "                          with -escalations (GUICHET_ESCALATION_FILES_DIR)\n"
	    "  --oidc-issuer URL       the ProConnect (OpenID Connect) provider; unset: no ProConnect\n"
	    "                          login (GUICHET_OIDC_ISSUER)\n"
	    "  --oidc-client-id ID     this server's client id at the provider (GUICHET_OIDC_CLIENT_ID)\n"
	    "  --oidc-client-secret-file FILE  the client secret, first line of FILE\n"
	    "                          (GUICHET_OIDC_CLIENT_SECRET_FILE)\n"
	    "  --oidc-redirect-url URL the callback registered at the provider, ending in\n"
	    "                          /login/proconnect/callback (GUICHET_OIDC_REDIRECT_URL)\n"
	    "  --oidc-scopes LIST      the scopes asked, default openid email given_name usual_name\n"
	    "                          (GUICHET_OIDC_SCOPES)\n"
	    "  --oidc-create-accounts BOOL  create an account at a first ProConnect login, default\n"
	    "                          false (GUICHET_OIDC_CREATE_ACCOUNTS)\n"
	    "  --oidc-account-role ROLE  agent or manager, the role of such accounts\n"
	    "                          (GUICHET_OIDC_ACCOUNT_ROLE)\n"
	    "  --oidc-account-site ID  the site of such accounts (GUICHET_OIDC_ACCOUNT_SITE)\n"
	    "  --sync-interval DURATION  seconds between two syncs of an attached store with its\n"
	    "                          centre, default 60s (GUICHET_SYNC_INTERVAL)\n"
	    "  --sync-timeout DURATION time one exchange with the centre may take, default 60s\n"
	    "                          (GUICHET_SYNC_TIMEOUT)\n"
	    "  --sync-ca-file FILE     certificates to trust for the centre instead of the system's\n"
	    "                          (GUICHET_SYNC_CA_FILE)\n"
	    "  --sync-allow-http BOOL  allow plain http to a centre that is not on this machine,\n"
	    "                          default false (GUICHET_SYNC_ALLOW_HTTP)\n"
	    "  --stats-snapshot FILE   where the statistics engine keeps its columns, to answer\n"
	    "                          at once after a restart; off for none; default: beside a\n"
	    "                          SQLite store (DB.stats), none for PostgreSQL\n"
	    "                          (GUICHET_STATS_SNAPSHOT)\n"
	    "  --port-file FILE        write the bound port there once listening\n"
	    "  --config FILE           read settings from FILE (key = value lines)\n"
	    "  --help                  show this help\n\n"
	    "The command line wins over the environment, which wins over the config file.\n"
	    "Once a day the server purges personal data past its retention period (docs/privacy.md).\n"
	    "The SMTP password may also be smtp-password in the config file, or GUICHET_SMTP_PASSWORD;\n"
	    "never on the command line. Check the SMTP settings with 'guichet mail test' (docs/mail.md).\n");
}

/* Splits HOST:PORT or [V6]:PORT. */
static int split_listen(const char *s, char *host, size_t hostlen, unsigned *port)
{
	const char *colon;
	size_t hl;
	if (*s == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -1;
		hl = (size_t)(end - s - 1);
		s++;
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
	}
	int64_t p;
	if (hl == 0 || hl >= hostlen || parse_int64(colon + 1, 0, 65535, &p) != 0)
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	*port = (unsigned)p;
	return 0;
}

/* The key of the CSRF tokens is kept in the store, so that every server of
 * a deployment shares it and a restart does not invalidate open forms. */
static int load_secret(struct app *app, char *err, size_t errlen)
{
	arena *a = arena_new(4096);
	char *hexkey = NULL;
	int rc = store_setting_get(app->store, a, SECRET_KEY, &hexkey);
	if (rc == STORE_NOT_FOUND) {
		unsigned char k[32];
		char h[65];
		randombytes_buf(k, sizeof k);
		sodium_bin2hex(h, sizeof h, k, sizeof k);
		store_setting_put(app->store, SECRET_KEY, h);
		rc = store_setting_get(app->store, a, SECRET_KEY, &hexkey);
	}
	size_t len = 0;
	if (rc != STORE_OK || !hexkey ||
	    sodium_hex2bin(app->secret, sizeof app->secret, hexkey, strlen(hexkey), NULL, &len, NULL) != 0 ||
	    len != sizeof app->secret) {
		snprintf(err, errlen, "cannot read or create the server's secret key in the store");
		arena_free(a);
		return -1;
	}
	arena_free(a);
	return 0;
}

static int write_port_file(const char *path, unsigned port)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0)
		return -1;
	/* The rename makes the file appear whole, never half-written. */
	return rename(tmp, path);
}

/* The metrics-listen address: /metrics without token, for the operator's
 * collector on a private address, with one thread and few connections. */
static int start_metrics(const http_config *main, const char *listen, http_server **out, char *err,
                         size_t errlen)
{
	/* The server keeps a pointer to its host: it must outlive this call. */
	static char host[256];
	http_config mc = *main;
	if (split_listen(listen, host, sizeof host, &mc.port) != 0) {
		snprintf(err, errlen, "--metrics-listen must be HOST:PORT, got '%s'", listen);
		return -1;
	}
	mc.host = host;
	mc.threads = 1;
	mc.trust_proxy = 0;
	mc.max_connections = 64;
	mc.routes = routes_metrics_table(&mc.nroutes);
	*out = http_start(&mc, err, errlen);
	if (!*out)
		return -1;
	fprintf(stderr, "level=info msg=\"metrics listening\" address=\"%s\" port=%u\n", host,
	        http_port(*out));
	return 0;
}

int cli_serve(int argc, char **argv)
{
	static const struct option fixed[] = {
	    {"db", required_argument, 0, 'd'},
	    {"listen", required_argument, 0, 'l'},
	    {"threads", required_argument, 0, 't'},
	    {"trust-proxy", no_argument, 0, 'x'},
	    {"trusted-proxies", required_argument, 0, 'P'},
	    {"session-idle", required_argument, 0, 'i'},
	    {"session-absolute", required_argument, 0, 'a'},
	    {"public-url", required_argument, 0, 'u'},
	    {"port-file", required_argument, 0, 'p'},
	    {"head-timeout", required_argument, 0, 'H'},
	    {"max-connections", required_argument, 0, 'C'},
	    {"max-connections-per-address", required_argument, 0, 'A'},
	    {"metrics-token", required_argument, 0, 'T'},
	    {"metrics-listen", required_argument, 0, 'M'},
	    {"speech-cache-mb", required_argument, 0, 'B'},
	    {"speech-cache-dir", required_argument, 0, 'S'},
	    {"config", required_argument, 0, 'c'},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0},
	};
	/* Then one option per named setting, in place of the terminator. */
	struct option opts[COUNT(fixed) + COUNT(named_keys)];
	memcpy(opts, fixed, sizeof fixed);
	for (size_t i = 0; i < COUNT(named_keys); i++)
		opts[COUNT(fixed) - 1 + i] =
		    (struct option){named_keys[i], required_argument, 0, OPT_NAMED + (int)i};
	opts[COUNT(fixed) - 1 + COUNT(named_keys)] = (struct option){0, 0, 0, 0};
	struct {
		const char *key, *value;
	} given[40];
	size_t ngiven = 0;
	const char *config_file = NULL;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		const char *key = NULL;
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'c':
			config_file = optarg;
			continue;
		case 'd':
			key = "db";
			break;
		case 'l':
			key = "listen";
			break;
		case 't':
			key = "threads";
			break;
		case 'x':
			key = "trust-proxy";
			break;
		case 'P':
			key = "trusted-proxies";
			break;
		case 'i':
			key = "session-idle";
			break;
		case 'a':
			key = "session-absolute";
			break;
		case 'u':
			key = "public-url";
			break;
		case 'p':
			key = "port-file";
			break;
		case 'H':
			key = "head-timeout";
			break;
		case 'C':
			key = "max-connections";
			break;
		case 'A':
			key = "max-connections-per-address";
			break;
		case 'T':
			key = "metrics-token";
			break;
		case 'M':
			key = "metrics-listen";
			break;
		case 'B':
			key = "speech-cache-mb";
			break;
		case 'S':
			key = "speech-cache-dir";
			break;
		case ':':
			fprintf(stderr, "guichet serve: option '%s' needs a value\n", argv[optind - 1]);
			return 2;
		default:
			if (c >= OPT_NAMED && c < OPT_NAMED + (int)COUNT(named_keys)) {
				key = named_keys[c - OPT_NAMED];
				break;
			}
			fprintf(stderr, "guichet serve: unknown option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
		if (ngiven < COUNT(given)) {
			given[ngiven].key = key;
			given[ngiven].value = c == 'x' ? "true" : optarg;
			ngiven++;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "guichet serve: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}

	config cfg;
	char err[512];
	config_defaults(&cfg);
	int rc = 2;
	if ((config_file && config_load_file(&cfg, config_file, err, sizeof err) != 0) ||
	    config_load_env(&cfg, err, sizeof err) != 0) {
		fprintf(stderr, "guichet serve: %s\n", err);
		config_free(&cfg);
		return 2;
	}
	for (size_t i = 0; i < ngiven; i++)
		if (config_set(&cfg, given[i].key, given[i].value, "command line", err, sizeof err) != 0) {
			fprintf(stderr, "guichet serve: %s\n", err);
			config_free(&cfg);
			return 2;
		}
	char host[256];
	unsigned port;
	if (split_listen(cfg.listen, host, sizeof host, &port) != 0) {
		fprintf(stderr, "guichet serve: --listen must be HOST:PORT, got '%s'\n", cfg.listen);
		config_free(&cfg);
		return 2;
	}
	if (!cfg.db || !*cfg.db) {
		fprintf(stderr, "guichet serve: no store given: use --db PATH or GUICHET_DB\n");
		config_free(&cfg);
		return 2;
	}

	struct app app = {0};
	app.cfg = &cfg;
	rc = 1;
	if (auth_init() != 0 || i18n_init(err, sizeof err) != 0) {
		fprintf(stderr, "guichet serve: %s\n", auth_init() != 0 ? "libsodium failed to start" : err);
		goto done;
	}
	if (!cfg.threads)
		cfg.threads = config_default_threads(cfg.db);
	if (store_open(&app.store, cfg.db, cfg.threads + 2, err, sizeof err) != 0) {
		fprintf(stderr, "guichet serve: %s\n", err);
		goto done;
	}
	if (store_schema_version(app.store) <= 0) {
		fprintf(stderr, "guichet serve: the store has no schema: run 'guichet init --db %s' first\n",
		        cfg.db);
		goto done;
	}
	if (load_secret(&app, err, sizeof err) != 0) {
		fprintf(stderr, "guichet serve: %s\n", err);
		goto done;
	}
	app.metrics = metrics_new();
	/* Speech is made once and kept (docs/speech.md). */
	speech_cache_configure((size_t)cfg.speech_cache_mb * 1024u * 1024u, cfg.speech_cache_dir);
	/* The live events of the sites (public screens, phone pages). */
	events_init();

	/* Signals are taken by this thread alone, with sigwait, so that the
	 * worker threads never run a handler in the middle of a request. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	/* The engine loads in the background (its thread inherits the blocked
	 * signals): the server listens at once, and the report pages answer
	 * "loading" until it is ready. */
	if (app_stats_start(&app) != 0) {
		fprintf(stderr, "guichet serve: cannot start the statistics thread\n");
		goto done;
	}
	/* The daily purge of personal data past its period (docs/privacy.md). */
	if (app_retention_start(&app) != 0) {
		fprintf(stderr, "guichet serve: cannot start the retention thread\n");
		goto done;
	}
	/* The notifications' outbox, sent in the background (docs/mail.md). */
	app.mail_sweep = app_escalation_overdue_sweep;
	if (app_mail_start(&app) != 0) {
		fprintf(stderr, "guichet serve: cannot start the mail thread\n");
		goto done;
	}
	/* The appointments' reminders, 48 hours before (docs/appointments.md). */
	if (app_appointments_start(&app) != 0) {
		fprintf(stderr, "guichet serve: cannot start the appointments thread\n");
		goto done;
	}

	/* Offline sync of an attached laptop store with its centre (docs/sync.md). */
	if (app_sync_start(&app) != 0) {
		fprintf(stderr, "guichet serve: cannot start the sync thread\n");
		goto done;
	}

	http_config hc = {0};
	hc.host = host;
	hc.port = port;
	hc.threads = cfg.threads;
	hc.trust_proxy = cfg.trust_proxy;
	hc.trusted_proxies = cfg.trusted_proxies;
	hc.head_timeout_s = (unsigned)cfg.head_timeout;
	hc.max_connections = cfg.max_connections;
	hc.max_per_address = cfg.max_per_address;
	hc.routes = routes_table(&hc.nroutes);
	hc.not_found = page_not_found;
	hc.error = page_error;
	hc.handler_begin = page_handler_begin;
	hc.handler_end = page_handler_end;
	hc.app = &app;
	http_server *srv = http_start(&hc, err, sizeof err);
	if (!srv) {
		fprintf(stderr, "guichet serve: %s\n", err);
		goto done;
	}
	unsigned bound = http_port(srv);
	app.listen_port = bound;
	fprintf(stderr, "level=info msg=\"listening\" address=\"%s\" port=%u store=%s threads=%u\n", host,
	        bound, store_kind_name(app.store), cfg.threads);
	/* Before the port file, which tells that the server is ready. */
	http_server *msrv = NULL;
	if (cfg.metrics_listen && start_metrics(&hc, cfg.metrics_listen, &msrv, err, sizeof err) != 0) {
		fprintf(stderr, "guichet serve: %s\n", err);
		http_stop(srv);
		goto done;
	}
	if (cfg.port_file && write_port_file(cfg.port_file, bound) != 0) {
		fprintf(stderr, "guichet serve: cannot write the port file '%s': %s\n", cfg.port_file,
		        strerror(errno));
		http_stop(msrv);
		http_stop(srv);
		goto done;
	}
	int sig = 0;
	sigdelset(&sigs, SIGPIPE);
	while (sigwait(&sigs, &sig) != 0)
		;
	fprintf(stderr, "level=info msg=\"stopping\" signal=%d\n", sig);
	/* First: a manager's sync in flight is cut short, not waited for. */
	app_sync_stop(&app);
	http_stop(msrv);
	http_stop(srv);
	fprintf(stderr, "level=info msg=\"stopped\"\n");
	rc = 0;
done:
	app_sync_stop(&app);
	app_appointments_stop(&app);
	app_mail_stop(&app);
	app_retention_stop(&app);
	app_stats_stop(&app);
	/* After http_stop: every event stream has ended and unwatched. */
	events_shutdown();
	if (app.metrics)
		metrics_free(app.metrics);
	if (app.store)
		store_close(app.store);
	i18n_free();
	config_free(&cfg);
	return rc;
}
