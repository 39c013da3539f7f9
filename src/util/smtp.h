/*
 * smtp.h: sending one message through an SMTP server with libcurl. It knows
 * nothing of Guichet's domain: an envelope, a whole RFC 5322 message, and
 * what the server answered.
 *
 * smtp://HOST:PORT speaks plain SMTP and upgrades with STARTTLS as the
 * starttls setting says; smtps://HOST:PORT is TLS from the first byte. The
 * server's certificate is always checked (against the system's authorities,
 * or the file ca_file names).
 */
#ifndef GUICHET_SMTP_H
#define GUICHET_SMTP_H

#include <stddef.h>

enum smtp_tls {
	SMTP_TLS_REQUIRED, /* STARTTLS or nothing: a server without it is an error */
	SMTP_TLS_OPTIONAL, /* STARTTLS when the server offers it */
	SMTP_TLS_NONE,     /* plain SMTP (a relay on the same machine) */
};

typedef struct smtp_config {
	const char *url;      /* smtp://host:port or smtps://host:port */
	const char *user;     /* AUTH user, NULL or "" for none */
	const char *password; /* AUTH password */
	const char *from;     /* the envelope's sender, a bare address */
	const char *ca_file;  /* authorities to trust instead of the system's; optional */
	enum smtp_tls tls;
	long timeout_s; /* for the whole exchange */
} smtp_config;

enum smtp_status {
	SMTP_SENT,      /* the server accepted the message */
	SMTP_TEMPORARY, /* not accepted: worth trying again later */
	SMTP_PERMANENT, /* refused with a 5xx code: trying again would not help */
	SMTP_UNCERTAIN, /* the whole text was handed over, then no answer came */
};

typedef struct smtp_result {
	enum smtp_status status;
	long code;       /* the server's last reply code, 0 when none */
	char reply[256]; /* the server's last reply line, "" when none */
	char error[160]; /* what went wrong, in English, without any address */
	int handed;      /* 1 once the whole text was given to the server */
} smtp_result;

/* Called once when the whole text has been handed to the server, before
 * the final dot: before that moment the server cannot have accepted it. */
typedef void (*smtp_handed_fn)(void *arg);

/* Once per process, before any thread sends (curl_global_init). 0 or -1. */
int smtp_global_init(void);
/* Sends message (headers and body, CRLF line ends) to the address to.
 * Returns 0 when the server accepted it, -1 otherwise; *out says what
 * happened in either case. */
int smtp_send(const smtp_config *c, const char *to, const char *message, size_t len, smtp_handed_fn handed,
              void *arg, smtp_result *out);
/* 1 when s is a plain address (local@domain, no spaces, no angle brackets,
 * at most 254 bytes): what the envelope and the headers accept. */
int smtp_address_valid(const char *s);
/* enum smtp_tls from "required", "optional", "no"; -1 when none. */
int smtp_tls_parse(const char *s);
const char *smtp_tls_name(enum smtp_tls t);

#endif
