/*
 * config.h: settings of the server and of the commands. Each setting comes
 * from the command line, else from an environment variable GUICHET_*, else
 * from the configuration file (--config, "key = value" lines), else from its
 * default. Unknown keys and bad values are refused with a message naming them.
 */
#ifndef GUICHET_CONFIG_H
#define GUICHET_CONFIG_H

#include <stddef.h>

typedef struct config {
	char *db;              /* path or URL of the store */
	char *listen;          /* HOST:PORT */
	unsigned threads;      /* HTTP worker threads; 0: config_default_threads */
	int trust_proxy;       /* honour X-Forwarded-* from a reverse proxy */
	char *trusted_proxies; /* the proxies' addresses, comma- or space-separated */
	long session_idle;     /* seconds */
	long session_absolute;
	char *public_url; /* the address the public uses (satisfaction posters); optional */
	char *port_file;  /* when set, the bound port is written there (tests) */
	/* Connection handling against slow and numerous clients. */
	long head_timeout;        /* seconds to send a whole request head */
	unsigned max_connections; /* open at once, in all */
	unsigned max_per_address; /* per client address (per forwarded one with trust_proxy) */
	char *metrics_token;      /* bearer token that opens /metrics; optional */
	char *metrics_listen;     /* HOST:PORT of a listener serving /metrics only; optional */
	/* Retention of personal data, in months (docs/privacy.md). */
	int retention_visitors; /* an identified person's identity after her last visit */
	int retention_comments; /* the comment of a satisfaction answer */
	int retention_audit;    /* a row of the audit journal */
	/* The speech cache (docs/speech.md): its memory in megabytes, and a
	 * directory where each made WAV is also kept (optional). */
	unsigned speech_cache_mb;
	char *speech_cache_dir;
	/* Escalations (docs/escalations.md): the directory of their documents
	 * (optional: beside a SQLite store when not set), and the months after
	 * closing before their texts and documents are wiped. */
	char *escalation_files_dir;
	int retention_escalations;
	/* Appointments (docs/appointments.md): the months after an
	 * appointment before it is deleted. */
	int retention_appointments;
	/* Callbacks (docs/callbacks.md): the days after closing before the
	 * name, number and reason a person left are wiped. */
	int retention_callbacks;
	/* E-mail notifications (docs/mail.md): the SMTP server, its AUTH
	 * account, the sender's address, STARTTLS (enum smtp_tls), the
	 * authorities to trust instead of the system's, the time one exchange
	 * may take, and the first wait before a failed message is tried again. */
	char *smtp_url;
	char *smtp_user;
	char *smtp_password;
	char *smtp_from;
	char *smtp_ca_file;
	int smtp_starttls;
	long smtp_timeout;
	long smtp_retry;
	/* ProConnect / OpenID Connect login (docs/proconnect.md), off while
	 * oidc_issuer is not set: the provider, this client, where the provider
	 * sends the browser back, the scopes asked, and whether a first login
	 * with an unknown verified e-mail creates an account (its role, site). */
	char *oidc_issuer;
	char *oidc_client_id;
	char *oidc_client_secret; /* read from oidc-client-secret-file only */
	char *oidc_redirect_url;
	char *oidc_scopes;
	int oidc_create_accounts;
	char *oidc_account_role;
	long oidc_account_site;
	/* Offline sync of a laptop store (docs/sync.md): the seconds between
	 * two syncs of `guichet serve`, the time one exchange with the centre
	 * may take, the authorities to trust instead of the system's (a
	 * private CA), and whether plain http is allowed to a centre that is
	 * not on this machine. */
	long sync_interval;
	long sync_timeout;
	char *sync_ca_file;
	int sync_allow_http;
	/* The statistics engine's snapshot (docs/stats.md): a path, "off",
	 * or NULL for the default (beside a SQLite store, none for
	 * PostgreSQL). */
	char *stats_snapshot;
} config;

void config_defaults(config *c);
/* The statistics snapshot's path (malloc'd), or NULL for none. */
char *config_stats_snapshot(const config *c);
void config_free(config *c);
/* The worker threads when none are set, for the store at db_url: the
 * processors for SQLite, twice as many for PostgreSQL; at least 2. */
unsigned config_default_threads(const char *db_url);
/* Sets one setting by its key ("db", "listen", "threads", "trust-proxy",
 * "session-idle", "session-absolute", "public-url", "port-file",
 * "head-timeout", "max-connections", "max-connections-per-address",
 * "metrics-token", "metrics-listen", "retention-visitors",
 * "retention-comments", "retention-audit", "speech-cache-mb",
 * "speech-cache-dir", "escalation-files-dir", "retention-escalations",
 * "retention-callbacks" (days));
 * and "smtp-url", "smtp-user", "smtp-password", "smtp-password-file",
 * "smtp-from", "smtp-starttls", "smtp-ca-file", "smtp-timeout", "smtp-retry");
 * and "oidc-issuer", "oidc-client-id", "oidc-client-secret-file",
 * "oidc-redirect-url", "oidc-scopes", "oidc-create-accounts",
 * "oidc-account-role", "oidc-account-site";
 * and "sync-interval", "sync-timeout", "sync-ca-file", "sync-allow-http";
 * source names where it came from for the error message. */
int config_set(config *c, const char *key, const char *value, const char *source, char *err, size_t errlen);
int config_load_file(config *c, const char *path, char *err, size_t errlen);
int config_load_env(config *c, char *err, size_t errlen);

#endif
