/*
 * smtp.c: one message through libcurl's SMTP. libcurl speaks the protocol,
 * TLS and AUTH; this file sets it up, feeds it the text, remembers the
 * moment the whole text was handed over, and keeps the server's last reply
 * line (read from libcurl's debug stream, the only place it gives it).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/smtp.h"
#include "util/util.h"

#define SMTP_ADDRESS_MAX 254
#define SMTP_CONNECT_TIMEOUT_MAX 10L

/* pthread_once takes no argument: the result goes through a static. */
static int global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int smtp_global_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, global_init);
	return global_rc;
}

int smtp_address_valid(const char *s)
{
	size_t len = s ? strlen(s) : 0;
	const char *at = s ? strchr(s, '@') : NULL;
	if (len < 3 || len > SMTP_ADDRESS_MAX || !at || at == s || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>()[]\\,;:\"", *p))
			return 0;
	return 1;
}

int smtp_tls_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcasecmp(s, "required") == 0)
		return SMTP_TLS_REQUIRED;
	if (strcasecmp(s, "optional") == 0)
		return SMTP_TLS_OPTIONAL;
	if (strcasecmp(s, "no") == 0)
		return SMTP_TLS_NONE;
	return -1;
}

const char *smtp_tls_name(enum smtp_tls t)
{
	return t == SMTP_TLS_REQUIRED ? "required" : t == SMTP_TLS_OPTIONAL ? "optional" : "no";
}

struct feed {
	const char *data;
	size_t len, pos;
	smtp_handed_fn handed;
	void *arg;
	smtp_result *out;
};

static size_t read_text(char *dst, size_t size, size_t nitems, void *userp)
{
	struct feed *f = userp;
	size_t room = size * nitems, left = f->len - f->pos;
	size_t n = left < room ? left : room;
	memcpy(dst, f->data + f->pos, n);
	f->pos += n;
	if (f->pos == f->len && !f->out->handed) {
		/* The last bytes are libcurl's from now, and the final dot
		 * follows them: the server cannot have accepted the message
		 * before this moment (marking it a little early is safe). */
		f->out->handed = 1;
		if (f->handed)
			f->handed(f->arg);
	}
	return n;
}

/* 1 when a reply line is a refusal (4xx or 5xx). */
static int refusal(const char *line)
{
	return (line[0] == '4' || line[0] == '5') && line[1] >= '0' && line[1] <= '9' && line[2] >= '0' &&
	       line[2] <= '9';
}

/* Keeps the server's first refusal, else its last line (its replies come
 * as "header in"): after a refusal, libcurl says QUIT and the "221 Bye"
 * would hide the reason. */
static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
	smtp_result *out = userp;
	if (type != CURLINFO_HEADER_IN || size == 0 || refusal(out->reply))
		return 0;
	size_t n = size < sizeof out->reply - 1 ? size : sizeof out->reply - 1;
	while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r'))
		n--;
	memcpy(out->reply, data, n);
	out->reply[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out->reply[i] < ' ')
			out->reply[i] = ' ';
	return 0;
}

int smtp_send(const smtp_config *c, const char *to, const char *message, size_t len, smtp_handed_fn handed,
              void *arg, smtp_result *out)
{
	memset(out, 0, sizeof *out);
	out->status = SMTP_TEMPORARY;
	if (!c->url || !(str_starts(c->url, "smtp://") || str_starts(c->url, "smtps://"))) {
		snprintf(out->error, sizeof out->error, "no smtp:// or smtps:// server configured");
		return -1;
	}
	if (!smtp_address_valid(c->from) || !smtp_address_valid(to)) {
		out->status = SMTP_PERMANENT;
		snprintf(out->error, sizeof out->error, "the sender or the recipient is not a valid address");
		return -1;
	}
	if (smtp_global_init() != 0) {
		snprintf(out->error, sizeof out->error, "libcurl failed to start");
		return -1;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(out->error, sizeof out->error, "libcurl failed to start");
		return -1;
	}
	char from[SMTP_ADDRESS_MAX + 3], rcpt[SMTP_ADDRESS_MAX + 3];
	snprintf(from, sizeof from, "<%s>", c->from);
	snprintf(rcpt, sizeof rcpt, "<%s>", to);
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	struct feed f = {.data = message, .len = len, .handed = handed, .arg = arg, .out = out};
	long timeout = c->timeout_s > 0 ? c->timeout_s : 30;

	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                 timeout < SMTP_CONNECT_TIMEOUT_MAX ? timeout : SMTP_CONNECT_TIMEOUT_MAX);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
	/* The wait for the answer to the final dot is bounded by this one only. */
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
	curl_easy_setopt(h, CURLOPT_USE_SSL,
	                 c->tls == SMTP_TLS_REQUIRED   ? (long)CURLUSESSL_ALL
	                 : c->tls == SMTP_TLS_OPTIONAL ? (long)CURLUSESSL_TRY
	                                               : (long)CURLUSESSL_NONE);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file && *c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	if (c->user && *c->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE, (long)len);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_text);
	curl_easy_setopt(h, CURLOPT_READDATA, &f);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, out);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);

	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->code);
	if (refusal(out->reply))
		out->code = (out->reply[0] - '0') * 100 + (out->reply[1] - '0') * 10 + (out->reply[2] - '0');
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK) {
		out->status = SMTP_SENT;
		return 0;
	}
	snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
	if (out->code >= 500 && out->code < 600)
		out->status = SMTP_PERMANENT;
	else if (out->code >= 400)
		out->status = SMTP_TEMPORARY;
	else if (out->handed)
		/* The text went whole and no refusal came back: the server may
		 * have accepted it before the line broke. */
		out->status = SMTP_UNCERTAIN;
	return -1;
}
