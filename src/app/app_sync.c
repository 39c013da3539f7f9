/*
 * app_sync.c: moving the bytes of offline synchronisation (docs/sync.md)
 * between a laptop store and its centre, over libcurl; the thread of
 * `guichet serve` that syncs an attached store every sync-interval
 * seconds; and the state the pages show, kept in memory so that no page
 * asks the store for it.
 *
 * Every exchange is bounded: a connection time, a total time, an answer
 * size. TLS is always verified (sync-ca-file names a private authority);
 * plain http goes only to this machine, unless sync-allow-http. A run that
 * fails half way loses nothing: what the centre acknowledged is marked,
 * the rest is sent again next time, and applying it twice changes nothing.
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/app_sync.h"
#include "app/sync.h"
#include "store/store_sync.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/smtp.h"

/* The snapshot is refreshed this often between two syncs: what the pages
 * show is at most this old. */
#define SYNC_REFRESH_MS 5000
/* The arena of one batch: the changes and their records. */
#define SYNC_ARENA_BYTES ((size_t)64 << 20)
/* The attachment's strings. */
#define STATE_ARENA_BYTES ((size_t)64 * 1024)
/* Rounds of one push at most, beyond what the count waiting asks for. */
#define SYNC_EXTRA_ROUNDS 4

/* One run at a time in this process: the thread, the manager's button and
 * a command never send the same batch twice at once. */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;
/* Set at shutdown: an exchange in progress is abandoned at once. */
static atomic_int stopping;

/* ---- The snapshot the pages read. */

static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static app_sync_snapshot snap;
/* snap.attached, read without the lock: most servers are not attached,
 * and their pages then pay one atomic load. */
static atomic_int snap_attached;

void app_sync_snapshot_get(app_sync_snapshot *out)
{
	pthread_mutex_lock(&snap_lock);
	*out = snap;
	pthread_mutex_unlock(&snap_lock);
}

void app_sync_refresh(store *s)
{
	app_sync_snapshot n = {0};
	arena *a = arena_new(STATE_ARENA_BYTES);
	store_sync_state st;
	if (a && store_sync_state_get(s, a, &st) == STORE_OK) {
		n.attached = 1;
		n.last_ok_at = st.last_ok_at;
		n.last_try_at = st.last_try_at;
		snprintf(n.last_error, sizeof n.last_error, "%s", st.last_error ? st.last_error : "");
		if (store_sync_pending(s, &n.pending, &n.oldest_at) != STORE_OK)
			n.pending = n.oldest_at = 0;
	}
	arena_free(a);
	pthread_mutex_lock(&snap_lock);
	snap = n;
	atomic_store(&snap_attached, n.attached);
	pthread_mutex_unlock(&snap_lock);
}

/* A translated text holding one "%d", with n in its place; the text is
 * never used as a printf format (a translator's typo must not become a
 * format-string bug). */
static void put_count(buf *o, const char *t, int64_t n)
{
	const char *d = strstr(t, "%d");
	if (!d) {
		html_txt(o, t);
		return;
	}
	html_txt_n(o, t, (size_t)(d - t));
	html_int(o, n);
	html_txt(o, d + 2);
}

void app_sync_status_html(buf *o, const lang *l, int64_t now, int link)
{
	if (!atomic_load(&snap_attached))
		return;
	app_sync_snapshot v;
	app_sync_snapshot_get(&v);
	if (!v.attached)
		return;
	/* A status region: read in its place, and announced by screen readers
	 * when a page updates it; the text says it all, no colour needed. */
	html_raw_trusted(o, "<div class=\"header-inner\"><p class=\"sync-status\" role=\"status\">");
	if (link)
		html_raw_trusted(o, "<a href=\"/sync\">");
	if (v.last_error[0] && v.last_try_at >= v.last_ok_at) {
		html_txt(o, i18n_text(l, "Dernière synchronisation échouée : "));
		/* The reason is the transport's, in English. */
		html_raw_trusted(o, "<span lang=\"en\">");
		html_txt(o, v.last_error);
		html_raw_trusted(o, "</span>");
	} else if (!v.last_ok_at) {
		html_txt(o, i18n_text(l, "Jamais synchronisé"));
	} else {
		int64_t min = (now - v.last_ok_at) / 60;
		if (min < 0)
			min = 0;
		/* TRANSLATORS: min is minutes; %d stays as it is. */
		put_count(o, i18n_text(l, "Synchronisé il y a %d min"), min);
	}
	if (!(v.last_error[0] && v.last_try_at >= v.last_ok_at) || v.pending) {
		html_txt(o, " · ");
		put_count(o,
		          i18n_plural(l, "%d changement en attente", "%d changements en attente",
		                      (unsigned long)v.pending),
		          v.pending);
	}
	html_raw_trusted(o, link ? "</a></p></div>\n" : "</p></div>\n");
}

void app_sync_metrics(buf *out, int64_t now)
{
	app_sync_snapshot v;
	app_sync_snapshot_get(&v);
	if (!v.attached)
		return;
	int64_t age = v.pending && v.oldest_at ? now - v.oldest_at : 0;
	buf_printf(
	    out,
	    "# HELP guichet_sync_pending_changes Changes recorded here and not yet acknowledged by the "
	    "centre.\n"
	    "# TYPE guichet_sync_pending_changes gauge\n"
	    "guichet_sync_pending_changes %lld\n"
	    "# HELP guichet_sync_oldest_pending_seconds Age of the oldest change waiting for the centre.\n"
	    "# TYPE guichet_sync_oldest_pending_seconds gauge\n"
	    "guichet_sync_oldest_pending_seconds %lld\n",
	    (long long)v.pending, (long long)(age < 0 ? 0 : age));
}

/* ---- Addresses. */

static int loopback_host(const char *host, size_t n)
{
	static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
	for (size_t i = 0; i < COUNT(names); i++)
		if (n == strlen(names[i]) && strncmp(host, names[i], n) == 0)
			return 1;
	return 0;
}

int app_sync_url_check(const config *cfg, const char *url, char *err, size_t errlen)
{
	const char *rest;
	if (!url || strlen(url) > 1000 || text_has_controls(url) || strpbrk(url, " \t\"'<>\\?#")) {
		snprintf(err, errlen,
		         "the centre's address must be an https:// URL without spaces, query or "
		         "fragment");
		return -1;
	}
	int https = str_starts(url, "https://");
	if (!https && !str_starts(url, "http://")) {
		snprintf(err, errlen, "the centre's address must start with https://");
		return -1;
	}
	rest = url + (https ? 8 : 7);
	size_t hostlen = strcspn(rest, "/");
	if (hostlen == 0 || memchr(rest, '@', hostlen)) {
		snprintf(err, errlen, "the centre's address has no host, or carries a user name");
		return -1;
	}
	if (!https) {
		/* The host without its port. */
		size_t h = hostlen;
		if (rest[0] == '[') {
			const char *close = memchr(rest, ']', hostlen);
			h = close ? (size_t)(close - rest) + 1 : hostlen;
		} else {
			const char *colon = memchr(rest, ':', hostlen);
			if (colon)
				h = (size_t)(colon - rest);
		}
		if (!loopback_host(rest, h) && !cfg->sync_allow_http) {
			snprintf(err, errlen,
			         "plain http:// goes only to this machine: use https://, or set "
			         "sync-allow-http");
			return -1;
		}
	}
	return 0;
}

/* ---- One exchange. */

typedef struct sink {
	buf b;
	int too_big;
} sink;

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	sink *k = arg;
	if (buf_append(&k->b, p, size * n) != 0) {
		k->too_big = 1;
		return 0;
	}
	return size * n;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	return atomic_load(&stopping) ? 1 : 0;
}

/* GET (post NULL) or POST of JSON to base + path with the bearer token.
 * 0 with the status and the answer (NUL-terminated) in *answer, which the
 * caller frees with buf_free; -1 with err when nothing came back. */
static int exchange(const config *cfg, const char *base, const char *path, const char *token, const buf *post,
                    long *status, buf *answer, int64_t *bytes, char *err, size_t errlen)
{
	buf_init(answer, LIMIT_SYNC_ANSWER_BYTES);
	if (smtp_global_init() != 0) {
		snprintf(err, errlen, "libcurl failed to start");
		return -1;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "libcurl failed to start");
		return -1;
	}
	sink k = {.b = *answer};
	char *url = NULL;
	size_t blen = strlen(base);
	while (blen && base[blen - 1] == '/')
		blen--;
	if (asprintf(&url, "%.*s%s", (int)blen, base, path) < 0) {
		curl_easy_cleanup(h);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char auth[600];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token ? token : "");
	struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
	headers = curl_slist_append(headers, auth);
	if (post)
		headers = curl_slist_append(headers, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	long total = cfg->sync_timeout > 0 ? cfg->sync_timeout : DEFAULT_SYNC_TIMEOUT_S;
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                 total < LIMIT_SYNC_CONNECT_S ? total : (long)LIMIT_SYNC_CONNECT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, total);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (cfg->sync_ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, cfg->sync_ca_file);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &k);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "Guichet");
	/* The centre compresses its answers (the bundle, the geography, the
	 * pulls); the size cap above applies to the bytes once inflated. */
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)LIMIT_SYNC_ANSWER_BYTES);
	if (post) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post->data ? post->data : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post->len);
	}
	CURLcode rc = curl_easy_perform(h);
	*status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	/* The bytes on the wire, answer compressed. */
	curl_off_t up = 0, down = 0;
	curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &up);
	curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &down);
	*bytes += (int64_t)up + (int64_t)down;
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	explicit_bzero(auth, sizeof auth);
	free(url);
	*answer = k.b;
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s",
		         k.too_big                ? "the centre's answer is too large"
		         : atomic_load(&stopping) ? "stopped with the server"
		                                  : curl_easy_strerror(rc));
		buf_free(answer);
		return -1;
	}
	if (!answer->data)
		buf_puts(answer, "");
	return 0;
}

/* The centre's error message of a non-200 answer ({"error": "..."}), or
 * its status. */
static void answer_error(long status, const buf *answer, char *err, size_t errlen)
{
	json_error_t je;
	json_t *j = answer->len ? json_loadb(answer->data, answer->len, 0, &je) : NULL;
	const char *m = j ? json_string_value(json_object_get(json_object_get(j, "error"), "message")) : NULL;
	if (status == 401)
		snprintf(err, errlen, "the centre refused the token (HTTP 401)%s%s", m ? ": " : "",
		         m ? m : "");
	else
		snprintf(err, errlen, "the centre answered HTTP %ld%s%s", status, m ? ": " : "", m ? m : "");
	json_decref(j);
}

/* A GET that must answer 200: 0 with the body in *answer (to free), or -1
 * with the reason in err. */
static int fetch(const config *cfg, const char *base, const char *path, const char *token, buf *answer,
                 int64_t *bytes, char *err, size_t errlen)
{
	long status = 0;
	if (exchange(cfg, base, path, token, NULL, &status, answer, bytes, err, errlen) != 0)
		return -1;
	if (status != 200) {
		answer_error(status, answer, err, errlen);
		buf_free(answer);
		return -1;
	}
	return 0;
}

/* ---- Runs. */

static void record_run(store *s, const char *direction, int64_t started, const app_sync_result *r,
                       const char *error)
{
	store_sync_run run = {0};
	run.started_at = started;
	run.ended_at = now_s();
	run.direction = (char *)direction;
	run.sent = r->sent;
	run.applied = r->applied;
	run.refused = r->refused;
	run.bytes = r->bytes;
	run.error = (char *)(error ? error : "");
	if (store_sync_run_add(s, &run) != STORE_OK)
		fprintf(stderr, "level=warn msg=\"sync run not recorded\" direction=%s\n", direction);
}

/* The attachment's last_try_at, last_ok_at and last_error after a run. */
static void record_state(store *s, int ok, const char *error)
{
	arena *a = arena_new(STATE_ARENA_BYTES);
	store_sync_state st;
	if (a && store_sync_state_get(s, a, &st) == STORE_OK) {
		int64_t now = now_s();
		st.last_try_at = now;
		if (ok) {
			st.last_ok_at = now;
			st.last_error = "";
		} else {
			st.last_error = arena_strdup(a, error ? error : "");
		}
		if (store_sync_state_put(s, &st) != STORE_OK)
			fprintf(stderr, "level=warn msg=\"sync state not recorded\"\n");
	}
	arena_free(a);
}

/* The attachment (its server, token), or -1 with err when not attached. */
static int attached(store *s, arena *a, store_sync_state *st, char *err, size_t errlen)
{
	int rc = store_sync_state_get(s, a, st);
	if (rc == STORE_OK)
		return 0;
	snprintf(err, errlen, "%s",
	         rc == STORE_NOT_FOUND ? "this store is not attached to a centre (guichet sync attach)"
	                               : "cannot read the store's attachment");
	return rc == STORE_NOT_FOUND ? 1 : -1;
}

/* How many of the answer's changes were applied and refused: the lengths
 * of its "applied" and "refused" arrays (or their numbers). */
static void count_answer(const buf *answer, int64_t *applied, int64_t *refused)
{
	json_error_t je;
	json_t *j = json_loadb(answer->data, answer->len, 0, &je);
	static const char *const akeys[] = {"applied"};
	static const char *const rkeys[] = {"refused"};
	for (size_t i = 0; j && i < COUNT(akeys); i++) {
		json_t *v = json_object_get(j, akeys[i]);
		if (json_is_array(v))
			*applied += (int64_t)json_array_size(v);
		else if (json_is_integer(v))
			*applied += json_integer_value(v);
	}
	for (size_t i = 0; j && i < COUNT(rkeys); i++) {
		json_t *v = json_object_get(j, rkeys[i]);
		if (json_is_array(v))
			*refused += (int64_t)json_array_size(v);
		else if (json_is_integer(v))
			*refused += json_integer_value(v);
	}
	json_decref(j);
}

static int push_locked(store *s, const config *cfg, app_sync_result *res, char *err, size_t errlen)
{
	arena *a = arena_new(STATE_ARENA_BYTES);
	store_sync_state st;
	int rc = a ? attached(s, a, &st, err, errlen) : -1;
	if (rc != 0) {
		arena_free(a);
		return rc;
	}
	char *server = xstrdup(st.server_url), *token = xstrdup(st.token);
	arena_free(a);
	int64_t waiting = 0, oldest = 0;
	store_sync_pending(s, &waiting, &oldest);
	int64_t rounds = waiting + SYNC_EXTRA_ROUNDS;
	size_t batch = SYNC_MAX_CHANGES;
	rc = 0;
	while (rounds-- > 0) {
		if (atomic_load(&stopping)) {
			snprintf(err, errlen, "stopped with the server");
			rc = -1;
			break;
		}
		arena *b = arena_new(SYNC_ARENA_BYTES);
		buf body;
		size_t n = 0;
		buf_init(&body, SYNC_MAX_BODY);
		if (!b || sync_push_body(s, b, batch, &body, &n) != STORE_OK) {
			snprintf(err, errlen, "cannot read the changes waiting");
			buf_free(&body);
			arena_free(b);
			rc = -1;
			break;
		}
		arena_free(b);
		if (n == 0) {
			buf_free(&body);
			break;
		}
		long status = 0;
		buf answer;
		if (exchange(cfg, server, "/api/v1/sync/push", token, &body, &status, &answer, &res->bytes,
		             err, errlen) != 0) {
			buf_free(&body);
			rc = -1;
			break;
		}
		buf_free(&body);
		if (status == 413 && batch > 1) {
			/* Too large for the centre: smaller batches. */
			batch /= 2;
			buf_free(&answer);
			rounds++;
			continue;
		}
		if (status != 200) {
			answer_error(status, &answer, err, errlen);
			buf_free(&answer);
			rc = -1;
			break;
		}
		res->sent += (int64_t)n;
		if (sync_push_answer(s, answer.data, answer.len, err, errlen) != STORE_OK) {
			buf_free(&answer);
			rc = -1;
			break;
		}
		int64_t applied = 0, refused = 0;
		count_answer(&answer, &applied, &refused);
		buf_free(&answer);
		res->applied += applied;
		res->refused += refused;
		if (applied + refused == 0) {
			/* The same batch would go again and again. */
			snprintf(err, errlen, "the centre's answer acknowledged none of the %zu changes sent",
			         n);
			rc = -1;
			break;
		}
	}
	free(server);
	explicit_bzero(token, strlen(token));
	free(token);
	return rc;
}

static int pull_locked(store *s, const config *cfg, app_sync_result *res, char *err, size_t errlen)
{
	arena *a = arena_new(STATE_ARENA_BYTES);
	store_sync_state st;
	char *origin = NULL;
	int rc = a ? attached(s, a, &st, err, errlen) : -1;
	if (rc == 0 && store_sync_origin(s, a, &origin) != STORE_OK) {
		snprintf(err, errlen, "cannot read the store's origin");
		rc = -1;
	}
	if (rc != 0) {
		arena_free(a);
		return rc;
	}
	char *server = xstrdup(st.server_url), *token = xstrdup(st.token);
	char *esc = curl_easy_escape(NULL, origin, 0);
	arena_free(a);
	for (int round = 0; round < 100000; round++) {
		if (atomic_load(&stopping)) {
			snprintf(err, errlen, "stopped with the server");
			rc = -1;
			break;
		}
		arena *b = arena_new(STATE_ARENA_BYTES);
		if (!b || store_sync_state_get(s, b, &st) != STORE_OK) {
			arena_free(b);
			snprintf(err, errlen, "cannot read the store's attachment");
			rc = -1;
			break;
		}
		int64_t cursor = st.pull_cursor, site = st.site_id;
		arena_free(b);
		char path[512];
		/* The site, for an account of several sites. */
		snprintf(path, sizeof path, "/api/v1/sync/pull?since=%lld&origin=%s&site=%lld",
		         (long long)cursor, esc ? esc : "", (long long)site);
		buf answer;
		if (fetch(cfg, server, path, token, &answer, &res->bytes, err, errlen) != 0) {
			rc = -1;
			break;
		}
		size_t applied = 0;
		int more = 0;
		int arc = sync_pull_apply(s, answer.data, answer.len, &applied, &more, err, errlen);
		buf_free(&answer);
		if (arc != STORE_OK) {
			rc = -1;
			break;
		}
		res->applied += (int64_t)applied;
		if (!more)
			break;
	}
	curl_free(esc);
	free(server);
	explicit_bzero(token, strlen(token));
	free(token);
	return rc;
}

static int run_one(store *s, const config *cfg, const char *direction,
                   int (*fn)(store *, const config *, app_sync_result *, char *, size_t),
                   app_sync_result *res, char *err, size_t errlen)
{
	app_sync_result mine = {0};
	if (!res)
		res = &mine;
	*err = '\0';
	int64_t started = now_s();
	pthread_mutex_lock(&run_lock);
	int rc = fn(s, cfg, res, err, errlen);
	if (rc != 1) {
		record_run(s, direction, started, res, rc == 0 ? "" : err);
		record_state(s, rc == 0, err);
	}
	pthread_mutex_unlock(&run_lock);
	app_sync_refresh(s);
	return rc;
}

int app_sync_push(store *s, const config *cfg, app_sync_result *res, char *err, size_t errlen)
{
	return run_one(s, cfg, "push", push_locked, res, err, errlen);
}

int app_sync_pull(store *s, const config *cfg, app_sync_result *res, char *err, size_t errlen)
{
	return run_one(s, cfg, "pull", pull_locked, res, err, errlen);
}

int app_sync_now(store *s, const config *cfg, char *err, size_t errlen)
{
	int rc = app_sync_push(s, cfg, NULL, err, errlen);
	if (rc != 0)
		return rc;
	return app_sync_pull(s, cfg, NULL, err, errlen);
}

int app_sync_attach(store *s, const config *cfg, const char *server_url, const char *token, int64_t site_id,
                    app_sync_result *res, char *err, size_t errlen)
{
	app_sync_result mine = {0};
	if (!res)
		res = &mine;
	if (app_sync_url_check(cfg, server_url, err, errlen) != 0)
		return -1;
	arena *a = arena_new(STATE_ARENA_BYTES);
	store_sync_state st;
	int rc = a ? store_sync_state_get(s, a, &st) : STORE_ERROR;
	arena_free(a);
	if (rc == STORE_OK) {
		snprintf(err, errlen, "this store is already attached to a centre");
		return -1;
	}
	if (rc != STORE_NOT_FOUND) {
		snprintf(err, errlen, "cannot read the store's attachment");
		return -1;
	}
	int64_t started = now_s();
	buf answer;
	pthread_mutex_lock(&run_lock);
	char apath[64] = "/api/v1/sync/attach";
	if (site_id > 0)
		snprintf(apath, sizeof apath, "/api/v1/sync/attach?site=%lld", (long long)site_id);
	rc = fetch(cfg, server_url, apath, token, &answer, &res->bytes, err, errlen);
	if (rc == 0) {
		if (sync_attach_apply(s, answer.data, answer.len, server_url, token, err, errlen) != STORE_OK)
			rc = -1;
		buf_free(&answer);
	}
	int bundle_ok = rc == 0;
	/* The geography, page by page: a store without it still records. */
	char *next = xstrdup("");
	for (int page = 0; rc == 0 && page < 100000; page++) {
		char *esc = curl_easy_escape(NULL, next, 0);
		char path[256];
		snprintf(path, sizeof path, "/api/v1/sync/geo%s%s", *next ? "?after=" : "", *next ? esc : "");
		curl_free(esc);
		if (fetch(cfg, server_url, path, token, &answer, &res->bytes, err, errlen) != 0) {
			rc = -1;
			break;
		}
		arena *g = arena_new(SYNC_ARENA_BYTES);
		char *after = NULL;
		int grc =
		    g ? sync_geo_apply(s, g, answer.data, answer.len, &after, err, errlen) : STORE_ERROR;
		buf_free(&answer);
		free(next);
		next = xstrdup(grc == STORE_OK && after ? after : "");
		arena_free(g);
		if (grc != STORE_OK) {
			rc = -1;
			break;
		}
		res->applied++;
		if (!*next)
			break;
	}
	free(next);
	/* Recorded only once attached: a refused attach leaves the store as
	 * it was. */
	if (bundle_ok)
		record_run(s, "attach", started, res, rc == 0 ? "" : err);
	pthread_mutex_unlock(&run_lock);
	if (bundle_ok)
		record_state(s, rc == 0, err);
	app_sync_refresh(s);
	return rc;
}

/* ---- The thread of `guichet serve`. */

static struct {
	struct app *app;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop, running;
	pthread_t thread;
} worker = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void *sync_thread(void *arg)
{
	struct app *app = arg;
	int64_t interval_ms =
	    (app->cfg->sync_interval > 0 ? app->cfg->sync_interval : DEFAULT_SYNC_INTERVAL_S) * 1000;
	for (;;) {
		char err[300];
		if (app_sync_now(app->store, app->cfg, err, sizeof err) < 0)
			fprintf(stderr, "level=warn msg=\"sync failed\" error=\"%s\"\n", err);
		/* Until the next sync, the snapshot is refreshed every few
		 * seconds, so the pages show the changes recorded since. */
		for (int64_t waited = 0; waited < interval_ms;) {
			int64_t ms =
			    interval_ms - waited < SYNC_REFRESH_MS ? interval_ms - waited : SYNC_REFRESH_MS;
			struct timespec t;
			mono_deadline(&t, ms);
			pthread_mutex_lock(&worker.lock);
			while (!worker.stop &&
			       pthread_cond_timedwait(&worker.wake, &worker.lock, &t) != ETIMEDOUT)
				;
			int stop = worker.stop;
			pthread_mutex_unlock(&worker.lock);
			if (stop)
				return NULL;
			waited += ms;
			app_sync_refresh(app->store);
		}
	}
	return NULL;
}

int app_sync_start(struct app *app)
{
	atomic_store(&stopping, 0);
	app_sync_refresh(app->store);
	app_sync_snapshot v;
	app_sync_snapshot_get(&v);
	/* A centre, or a store of its own: nothing to sync. */
	if (!v.attached)
		return 0;
	if (smtp_global_init() != 0)
		return -1;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&worker.wake, &ca);
	pthread_condattr_destroy(&ca);
	worker.app = app;
	worker.stop = 0;
	if (pthread_create(&worker.thread, NULL, sync_thread, app) != 0) {
		pthread_cond_destroy(&worker.wake);
		return -1;
	}
	worker.running = 1;
	return 0;
}

void app_sync_stop(struct app *app)
{
	/* An exchange in progress (the thread's, or a manager's button) is
	 * abandoned: what the centre did not acknowledge is sent again next
	 * time. */
	atomic_store(&stopping, 1);
	if (!worker.running)
		return;
	pthread_mutex_lock(&worker.lock);
	worker.stop = 1;
	pthread_cond_signal(&worker.wake);
	pthread_mutex_unlock(&worker.lock);
	pthread_join(worker.thread, NULL);
	pthread_cond_destroy(&worker.wake);
	worker.running = 0;
}
