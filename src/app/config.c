/*
 * config.c: the settings of the server and of the commands, from the
 * command line, the environment, a configuration file and the defaults.
 * Callers apply the sources from the weakest to the strongest (defaults,
 * file, environment, command line): the last value set wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "app/config.h"
#include "db/db.h"
#include "util/guichet_limits.h"
#include "util/smtp.h"
#include "util/util.h"

#define CONFIG_LINE_MAX 4096
#define THREADS_MAX 256
#define DURATION_MAX_S (366L * 24 * 3600)

unsigned config_default_threads(const char *db_url)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	/* SQLite works inside the process: a thread more than the processors
	 * only waits for a time slice, and every connection it holds waits
	 * with it (bench/README.md, pages.mjs). PostgreSQL's statements wait
	 * for the network: twice the processors keep them busy. At least two,
	 * so that a request waiting for the disk or another server (a commit,
	 * an OpenID provider) never stops every other. */
	long n = db_url && !db_sqlite_file(db_url) ? cpus * 2 : cpus;
	if (n < 2)
		n = 2;
	return n > THREADS_MAX ? THREADS_MAX : (unsigned)n;
}

void config_defaults(config *c)
{
	memset(c, 0, sizeof *c);
	/* No default store: creating a database in whatever directory the
	 * command happens to run in would hide a forgotten --db. */
	c->listen = xstrdup("127.0.0.1:8080");
	c->threads = 0; /* config_default_threads, once the store is known */
	c->trust_proxy = 0;
	c->trusted_proxies = xstrdup("127.0.0.1,::1");
	c->session_idle = (long)DEFAULT_SESSION_IDLE_S;
	c->session_absolute = (long)DEFAULT_SESSION_ABSOLUTE_S;
	c->head_timeout = (long)LIMIT_HEAD_TIMEOUT_S;
	c->max_connections = LIMIT_CONNECTIONS;
	c->max_per_address = LIMIT_CONNECTIONS_PER_IP;
	c->retention_visitors = DEFAULT_RETENTION_VISITORS_MONTHS;
	c->retention_comments = DEFAULT_RETENTION_COMMENTS_MONTHS;
	c->retention_audit = DEFAULT_RETENTION_AUDIT_MONTHS;
	c->speech_cache_mb = DEFAULT_SPEECH_CACHE_MB;
	c->smtp_starttls = SMTP_TLS_REQUIRED;
	c->smtp_timeout = DEFAULT_SMTP_TIMEOUT_S;
	c->smtp_retry = DEFAULT_SMTP_RETRY_S;
	c->retention_escalations = DEFAULT_RETENTION_ESCALATIONS_MONTHS;
	c->retention_appointments = DEFAULT_RETENTION_APPOINTMENTS_MONTHS;
	c->retention_callbacks = DEFAULT_RETENTION_CALLBACKS_DAYS;
	c->oidc_scopes = xstrdup("openid email given_name usual_name");
	c->oidc_account_role = xstrdup("agent");
	c->sync_interval = DEFAULT_SYNC_INTERVAL_S;
	c->sync_timeout = DEFAULT_SYNC_TIMEOUT_S;
}

void config_free(config *c)
{
	free(c->db);
	free(c->listen);
	free(c->trusted_proxies);
	free(c->public_url);
	free(c->port_file);
	free(c->metrics_token);
	free(c->metrics_listen);
	free(c->speech_cache_dir);
	free(c->smtp_url);
	free(c->smtp_user);
	if (c->smtp_password)
		explicit_bzero(c->smtp_password, strlen(c->smtp_password));
	free(c->smtp_password);
	free(c->smtp_from);
	free(c->smtp_ca_file);
	free(c->sync_ca_file);
	free(c->stats_snapshot);
	free(c->escalation_files_dir);
	free(c->oidc_issuer);
	free(c->oidc_client_id);
	if (c->oidc_client_secret)
		explicit_bzero(c->oidc_client_secret, strlen(c->oidc_client_secret));
	free(c->oidc_client_secret);
	free(c->oidc_redirect_url);
	free(c->oidc_scopes);
	free(c->oidc_account_role);
	memset(c, 0, sizeof *c);
}

static void set_str(char **slot, const char *value)
{
	free(*slot);
	*slot = xstrdup(value);
}

/* HOST:PORT or [IPV6]:PORT, port 0 (any free port, for tests) to 65535. */
static int listen_valid(const char *v)
{
	const char *colon;
	if (*v == '[') {
		const char *end = strchr(v, ']');
		if (!end || end == v + 1 || end[1] != ':')
			return 0;
		colon = end + 1;
	} else {
		colon = strrchr(v, ':');
		if (!colon || colon == v || memchr(v, ':', (size_t)(colon - v)))
			return 0;
	}
	int64_t port;
	return parse_int64(colon + 1, 0, 65535, &port) == 0 && !strpbrk(v, " \t");
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"true", "1", "yes"}, *const no[] = {"false", "0", "no"};
	for (size_t i = 0; i < COUNT(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Seconds, or a number followed by s, m or h ("90", "30m", "12h"). */
static int parse_duration(const char *v, long *out)
{
	char num[32];
	size_t len = strlen(v);
	long unit = 1;
	if (len == 0 || len >= sizeof num)
		return -1;
	memcpy(num, v, len + 1);
	switch (num[len - 1]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	default:
		unit = 0;
	}
	if (unit)
		num[len - 1] = '\0';
	else
		unit = 1;
	int64_t n;
	if (parse_int64(num, 1, DURATION_MAX_S / unit, &n) != 0)
		return -1;
	*out = (long)(n * unit);
	return 0;
}

static int url_valid(const char *v)
{
	return (str_starts(v, "https://") || str_starts(v, "http://")) && strlen(v) > strlen("https://") &&
	       !strpbrk(v, " \t\r\n\"'<>\\") && !text_has_controls(v);
}

/* The retention period a key names, or NULL. */
static int *retention_slot(config *c, const char *key)
{
	if (strcmp(key, "retention-visitors") == 0)
		return &c->retention_visitors;
	if (strcmp(key, "retention-comments") == 0)
		return &c->retention_comments;
	if (strcmp(key, "retention-audit") == 0)
		return &c->retention_audit;
	if (strcmp(key, "retention-escalations") == 0)
		return &c->retention_escalations;
	if (strcmp(key, "retention-appointments") == 0)
		return &c->retention_appointments;
	return NULL;
}

/* The password's file: its first line, without its end. NULL when it
 * cannot be read or is empty. */
static char *read_secret_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[1024];
	char *got = fgets(line, sizeof line, f);
	fclose(f);
	if (!got)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	char *v = *line ? xstrdup(line) : NULL;
	explicit_bzero(line, sizeof line);
	return v;
}

static int smtp_known(const char *key)
{
	static const char *const keys[] = {"smtp-url",           "smtp-user",    "smtp-password",
	                                   "smtp-password-file", "smtp-from",    "smtp-starttls",
	                                   "smtp-ca-file",       "smtp-timeout", "smtp-retry"};
	for (size_t i = 0; i < COUNT(keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

/* The settings of the SMTP server (smtp_known): what was expected when
 * value is bad, NULL when it was taken. */
static const char *smtp_set(config *c, const char *key, const char *value)
{
	long d;
	if (strcmp(key, "smtp-url") == 0) {
		if (!(str_starts(value, "smtp://") || str_starts(value, "smtps://")) || strlen(value) < 9 ||
		    strpbrk(value, " \t\"'<>\\") || text_has_controls(value))
			return "an smtp://HOST:PORT or smtps://HOST:PORT address";
		set_str(&c->smtp_url, value);
	} else if (strcmp(key, "smtp-user") == 0) {
		if (text_has_controls(value) || strlen(value) > 256)
			return "a user name of at most 256 characters";
		set_str(&c->smtp_user, value);
	} else if (strcmp(key, "smtp-password") == 0) {
		if (text_has_controls(value) || strlen(value) > 1000)
			return "a password of at most 1000 characters";
		set_str(&c->smtp_password, value);
	} else if (strcmp(key, "smtp-password-file") == 0) {
		char *v = *value ? read_secret_file(value) : NULL;
		if (!v)
			return "a readable file whose first line is the password";
		free(c->smtp_password);
		c->smtp_password = v;
	} else if (strcmp(key, "smtp-from") == 0) {
		if (!smtp_address_valid(value))
			return "an e-mail address, for example guichet@example.org";
		set_str(&c->smtp_from, value);
	} else if (strcmp(key, "smtp-starttls") == 0) {
		if (smtp_tls_parse(value) < 0)
			return "required, optional or no";
		c->smtp_starttls = smtp_tls_parse(value);
	} else if (strcmp(key, "smtp-ca-file") == 0) {
		if (!*value || text_has_controls(value) || access(value, R_OK) != 0)
			return "the path of a readable file of PEM certificates";
		set_str(&c->smtp_ca_file, value);
	} else if (strcmp(key, "smtp-timeout") == 0 || strcmp(key, "smtp-retry") == 0) {
		if (parse_duration(value, &d) != 0 || d > 3600)
			return "a duration from 1 second to 1 hour, for example 30s";
		*(strcmp(key, "smtp-timeout") == 0 ? &c->smtp_timeout : &c->smtp_retry) = d;
	}
	return NULL;
}

/* An https:// address, or http:// on loopback only (tests, a provider on
 * the same machine): the provider's answers and the client's secret travel
 * there. */
static int oidc_url_valid(const char *v)
{
	if (!url_valid(v))
		return 0;
	if (str_starts(v, "https://"))
		return 1;
	const char *host = v + strlen("http://");
	return str_starts(host, "127.0.0.1:") || str_starts(host, "127.0.0.1/") ||
	       str_starts(host, "[::1]") || str_starts(host, "localhost:") ||
	       str_starts(host, "localhost/") || strcmp(host, "127.0.0.1") == 0 ||
	       strcmp(host, "localhost") == 0;
}

static int oidc_known(const char *key)
{
	static const char *const keys[] = {"oidc-issuer",       "oidc-client-id",   "oidc-client-secret-file",
	                                   "oidc-redirect-url", "oidc-scopes",      "oidc-create-accounts",
	                                   "oidc-account-role", "oidc-account-site"};
	for (size_t i = 0; i < COUNT(keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

/* The settings of ProConnect (oidc_known): what was expected when value is
 * bad, NULL when it was taken. The client's secret comes from a file only,
 * never from the command line or the environment. */
static const char *oidc_set(config *c, const char *key, const char *value)
{
	int64_t n;
	int b;
	if (strcmp(key, "oidc-issuer") == 0) {
		if (!oidc_url_valid(value))
			return "an https:// address (http:// on loopback only), for example "
			       "https://auth.agentconnect.gouv.fr/api/v2";
		set_str(&c->oidc_issuer, value);
	} else if (strcmp(key, "oidc-client-id") == 0) {
		if (!*value || strlen(value) > 256 || strpbrk(value, " \t\"'<>\\") ||
		    text_has_controls(value))
			return "the client id given by the provider, at most 256 characters";
		set_str(&c->oidc_client_id, value);
	} else if (strcmp(key, "oidc-client-secret-file") == 0) {
		char *v = *value ? read_secret_file(value) : NULL;
		if (!v)
			return "a readable file whose first line is the client's secret";
		if (c->oidc_client_secret)
			explicit_bzero(c->oidc_client_secret, strlen(c->oidc_client_secret));
		free(c->oidc_client_secret);
		c->oidc_client_secret = v;
	} else if (strcmp(key, "oidc-redirect-url") == 0) {
		if (!oidc_url_valid(value) || !strstr(value, "/login/proconnect/callback"))
			return "this server's https:// address followed by /login/proconnect/callback";
		set_str(&c->oidc_redirect_url, value);
	} else if (strcmp(key, "oidc-scopes") == 0) {
		if (strncmp(value, "openid", 6) != 0 || (value[6] && value[6] != ' ') ||
		    strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789_:. ") != strlen(value))
			return "scopes separated by spaces, the first one openid";
		set_str(&c->oidc_scopes, value);
	} else if (strcmp(key, "oidc-create-accounts") == 0) {
		if (parse_bool(value, &b) != 0)
			return "true, false, yes, no, 1 or 0";
		c->oidc_create_accounts = b;
	} else if (strcmp(key, "oidc-account-role") == 0) {
		if (strcmp(value, "agent") != 0 && strcmp(value, "manager") != 0)
			return "agent or manager";
		set_str(&c->oidc_account_role, value);
	} else if (strcmp(key, "oidc-account-site") == 0) {
		if (parse_int64(value, 1, INT64_MAX, &n) != 0 || n > 2147483647)
			return "a site id (see 'guichet site list')";
		c->oidc_account_site = (long)n;
	}
	return NULL;
}

int config_set(config *c, const char *key, const char *value, const char *source, char *err, size_t errlen)
{
	const char *expected = NULL;
	int64_t n;
	long d;
	int b;
	if (!value)
		value = "";
	if (strcmp(key, "db") == 0) {
		if (!*value)
			expected = "a file path or a database URL";
		else
			set_str(&c->db, value);
	} else if (strcmp(key, "listen") == 0) {
		if (!listen_valid(value))
			expected = "HOST:PORT, for example 127.0.0.1:8080";
		else
			set_str(&c->listen, value);
	} else if (strcmp(key, "threads") == 0) {
		if (parse_int64(value, 1, THREADS_MAX, &n) != 0)
			expected = "a whole number from 1 to 256";
		else
			c->threads = (unsigned)n;
	} else if (strcmp(key, "trust-proxy") == 0) {
		if (parse_bool(value, &b) != 0)
			expected = "true, false, yes, no, 1 or 0";
		else
			c->trust_proxy = b;
	} else if (strcmp(key, "trusted-proxies") == 0) {
		if (!*value || strspn(value, "0123456789abcdefABCDEF.:, ") != strlen(value))
			expected = "IP addresses separated by commas, for example 127.0.0.1,::1";
		else
			set_str(&c->trusted_proxies, value);
	} else if (strcmp(key, "session-idle") == 0 || strcmp(key, "session-absolute") == 0) {
		if (parse_duration(value, &d) != 0)
			expected = "a duration above zero in seconds, or with s, m or h, for example 2h";
		else if (strcmp(key, "session-idle") == 0)
			c->session_idle = d;
		else
			c->session_absolute = d;
	} else if (strcmp(key, "public-url") == 0) {
		if (!url_valid(value)) {
			expected = "an http:// or https:// address";
		} else {
			set_str(&c->public_url, value);
			/* Links are built as public_url + "/path". */
			size_t len = strlen(c->public_url);
			while (len > 0 && c->public_url[len - 1] == '/')
				c->public_url[--len] = '\0';
		}
	} else if (strcmp(key, "head-timeout") == 0) {
		if (parse_duration(value, &d) != 0 || d > 3600)
			expected = "a duration from 1 second to 1 hour, for example 10s";
		else
			c->head_timeout = d;
	} else if (strcmp(key, "max-connections") == 0) {
		if (parse_int64(value, 1, LIMIT_CONNECTIONS_MAX, &n) != 0)
			expected = "a whole number from 1 to 65536";
		else
			c->max_connections = (unsigned)n;
	} else if (strcmp(key, "max-connections-per-address") == 0) {
		if (parse_int64(value, 1, LIMIT_CONNECTIONS_MAX, &n) != 0)
			expected = "a whole number from 1 to 65536";
		else
			c->max_per_address = (unsigned)n;
	} else if (strcmp(key, "metrics-token") == 0) {
		/* Compared with a header's value: printable ASCII without spaces,
		 * and long enough not to be guessed. */
		size_t len = strlen(value);
		int ok = len >= 16 && len <= 256;
		for (size_t i = 0; ok && i < len; i++)
			ok = value[i] > ' ' && value[i] < 0x7f;
		if (!ok)
			expected = "16 to 256 printable characters without spaces";
		else
			set_str(&c->metrics_token, value);
	} else if (strcmp(key, "speech-cache-mb") == 0) {
		if (parse_int64(value, 0, LIMIT_SPEECH_CACHE_MB_MAX, &n) != 0)
			expected = "a number of megabytes from 0 to 4096";
		else
			c->speech_cache_mb = (unsigned)n;
	} else if (strcmp(key, "speech-cache-dir") == 0) {
		if (!*value || text_has_controls(value) || access(value, W_OK | X_OK) != 0)
			expected = "the path of an existing directory the server may write to";
		else
			set_str(&c->speech_cache_dir, value);
	} else if (strcmp(key, "escalation-files-dir") == 0) {
		if (!*value || text_has_controls(value) || access(value, W_OK | X_OK) != 0)
			expected = "the path of an existing directory the server may write to";
		else
			set_str(&c->escalation_files_dir, value);
	} else if (strcmp(key, "metrics-listen") == 0) {
		if (!listen_valid(value))
			expected = "HOST:PORT, for example 127.0.0.1:9090";
		else
			set_str(&c->metrics_listen, value);
	} else if (strcmp(key, "retention-callbacks") == 0) {
		if (parse_int64(value, 1, LIMIT_RETENTION_CALLBACKS_DAYS_MAX, &n) != 0)
			expected = "a number of days from 1 to 3650";
		else
			c->retention_callbacks = (int)n;
	} else if (retention_slot(c, key)) {
		if (parse_int64(value, 1, LIMIT_RETENTION_MONTHS_MAX, &n) != 0)
			expected = "a number of months from 1 to 120";
		else
			*retention_slot(c, key) = (int)n;
	} else if (smtp_known(key)) {
		expected = smtp_set(c, key, value);
	} else if (oidc_known(key)) {
		expected = oidc_set(c, key, value);
	} else if (strcmp(key, "sync-interval") == 0 || strcmp(key, "sync-timeout") == 0) {
		/* Offline sync (docs/sync.md). */
		if (parse_duration(value, &d) != 0 || d > 86400)
			expected = "a duration from 1 second to 1 day, for example 60s";
		else
			*(strcmp(key, "sync-interval") == 0 ? &c->sync_interval : &c->sync_timeout) = d;
	} else if (strcmp(key, "sync-ca-file") == 0) {
		if (!*value || text_has_controls(value) || access(value, R_OK) != 0)
			expected = "the path of a readable file of PEM certificates";
		else
			set_str(&c->sync_ca_file, value);
	} else if (strcmp(key, "stats-snapshot") == 0) {
		if (!*value || text_has_controls(value))
			expected = "the path of a file, or off";
		else
			set_str(&c->stats_snapshot, value);
	} else if (strcmp(key, "sync-allow-http") == 0) {
		if (parse_bool(value, &b) != 0)
			expected = "true, false, yes, no, 1 or 0";
		else
			c->sync_allow_http = b;
	} else if (strcmp(key, "port-file") == 0) {
		if (!*value)
			expected = "a file path";
		else
			set_str(&c->port_file, value);
	} else {
		snprintf(err, errlen, "%s: unknown setting '%s'", source, key);
		return -1;
	}
	if (expected) {
		snprintf(err, errlen, "%s: bad value '%.80s' for %s: expected %s", source, value, key,
		         expected);
		return -1;
	}
	return 0;
}

/* Trims white space at both ends in place, without writing when there is none. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len > 0 &&
	       (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
		s[--len] = '\0';
	return s;
}

int config_load_file(config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char line[CONFIG_LINE_MAX];
	char source[256];
	int rc = 0;
	for (int lineno = 1; rc == 0 && fgets(line, sizeof line, f); lineno++) {
		snprintf(source, sizeof source, "%s:%d", path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s: line longer than %d bytes", source, CONFIG_LINE_MAX - 1);
			rc = -1;
			break;
		}
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s: expected 'key = value'", source);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		/* A value may be quoted to keep spaces at its ends. */
		size_t vlen = strlen(value);
		if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
			value[vlen - 1] = '\0';
			value++;
		}
		rc = config_set(c, key, value, source, err, errlen);
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	fclose(f);
	return rc;
}

int config_load_env(config *c, char *err, size_t errlen)
{
	static const struct {
		const char *var, *key;
	} env[] = {
	    {"GUICHET_DB", "db"},
	    {"GUICHET_LISTEN", "listen"},
	    {"GUICHET_THREADS", "threads"},
	    {"GUICHET_TRUST_PROXY", "trust-proxy"},
	    {"GUICHET_TRUSTED_PROXIES", "trusted-proxies"},
	    {"GUICHET_SESSION_IDLE", "session-idle"},
	    {"GUICHET_SESSION_ABSOLUTE", "session-absolute"},
	    {"GUICHET_PUBLIC_URL", "public-url"},
	    {"GUICHET_HEAD_TIMEOUT", "head-timeout"},
	    {"GUICHET_MAX_CONNECTIONS", "max-connections"},
	    {"GUICHET_MAX_CONNECTIONS_PER_ADDRESS", "max-connections-per-address"},
	    {"GUICHET_METRICS_TOKEN", "metrics-token"},
	    {"GUICHET_METRICS_LISTEN", "metrics-listen"},
	    {"GUICHET_SPEECH_CACHE_MB", "speech-cache-mb"},
	    {"GUICHET_SPEECH_CACHE_DIR", "speech-cache-dir"},
	    {"GUICHET_RETENTION_VISITORS", "retention-visitors"},
	    {"GUICHET_RETENTION_COMMENTS", "retention-comments"},
	    {"GUICHET_RETENTION_AUDIT", "retention-audit"},
	    {"GUICHET_SMTP_URL", "smtp-url"},
	    {"GUICHET_SMTP_USER", "smtp-user"},
	    {"GUICHET_SMTP_PASSWORD", "smtp-password"},
	    {"GUICHET_SMTP_PASSWORD_FILE", "smtp-password-file"},
	    {"GUICHET_SMTP_FROM", "smtp-from"},
	    {"GUICHET_SMTP_STARTTLS", "smtp-starttls"},
	    {"GUICHET_SMTP_CA_FILE", "smtp-ca-file"},
	    {"GUICHET_SMTP_TIMEOUT", "smtp-timeout"},
	    {"GUICHET_SMTP_RETRY", "smtp-retry"},
	    {"GUICHET_RETENTION_ESCALATIONS", "retention-escalations"},
	    {"GUICHET_RETENTION_APPOINTMENTS", "retention-appointments"},
	    {"GUICHET_RETENTION_CALLBACKS", "retention-callbacks"},
	    {"GUICHET_ESCALATION_FILES_DIR", "escalation-files-dir"},
	    {"GUICHET_OIDC_ISSUER", "oidc-issuer"},
	    {"GUICHET_OIDC_CLIENT_ID", "oidc-client-id"},
	    {"GUICHET_OIDC_CLIENT_SECRET_FILE", "oidc-client-secret-file"},
	    {"GUICHET_OIDC_REDIRECT_URL", "oidc-redirect-url"},
	    {"GUICHET_OIDC_SCOPES", "oidc-scopes"},
	    {"GUICHET_OIDC_CREATE_ACCOUNTS", "oidc-create-accounts"},
	    {"GUICHET_OIDC_ACCOUNT_ROLE", "oidc-account-role"},
	    {"GUICHET_OIDC_ACCOUNT_SITE", "oidc-account-site"},
	    {"GUICHET_SYNC_INTERVAL", "sync-interval"},
	    {"GUICHET_SYNC_TIMEOUT", "sync-timeout"},
	    {"GUICHET_SYNC_CA_FILE", "sync-ca-file"},
	    {"GUICHET_STATS_SNAPSHOT", "stats-snapshot"},
	    {"GUICHET_SYNC_ALLOW_HTTP", "sync-allow-http"},
	};
	for (size_t i = 0; i < COUNT(env); i++) {
		const char *v = getenv(env[i].var);
		/* An empty variable is taken as unset, as shells often leave them. */
		if (v && *v && config_set(c, env[i].key, v, env[i].var, err, errlen) != 0)
			return -1;
	}
	return 0;
}

char *config_stats_snapshot(const config *c)
{
	if (c->stats_snapshot)
		return strcmp(c->stats_snapshot, "off") == 0 ? NULL : xstrdup(c->stats_snapshot);
	const char *file = db_sqlite_file(c->db);
	if (!file || strcmp(file, ":memory:") == 0)
		return NULL;
	size_t n = strlen(file) + sizeof ".stats";
	char *p = xmalloc(n);
	snprintf(p, n, "%s.stats", file);
	return p;
}
