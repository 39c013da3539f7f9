/*
 * oidc.c: the OpenID Connect login (oidc.h): PKCE, state and nonce, the
 * discovery document, the ID token's signature (cjose) and claims, the
 * logins in progress, and the calls to the provider over libcurl.
 */
#include "auth/oidc.h"

#include <cjose/cjose.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/smtp.h"
#include "util/util.h"

static const char *const refusal_names[] = {
    [OIDC_OK] = "ok",
    [OIDC_BAD_TOKEN] = "bad_token",
    [OIDC_BAD_SIGNATURE] = "bad_signature",
    [OIDC_BAD_ISSUER] = "bad_issuer",
    [OIDC_BAD_AUDIENCE] = "bad_audience",
    [OIDC_EXPIRED] = "expired",
    [OIDC_BAD_NONCE] = "bad_nonce",
    [OIDC_BAD_STATE] = "bad_state",
    [OIDC_LATE] = "late",
    [OIDC_PROVIDER] = "provider",
    [OIDC_DENIED] = "denied",
    [OIDC_NO_EMAIL] = "no_verified_email",
};

const char *oidc_refusal_name(enum oidc_refusal r)
{
	return (unsigned)r < COUNT(refusal_names) && refusal_names[r] ? refusal_names[r] : "refused";
}

/* ---- Random values and PKCE */

void oidc_random(char out[OIDC_TOKEN_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, OIDC_TOKEN_LEN, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void oidc_pkce_challenge(const char *verifier, char out[OIDC_TOKEN_LEN])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)verifier, strlen(verifier));
	sodium_bin2base64(out, OIDC_TOKEN_LEN, digest, sizeof digest,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- Small builders */

typedef struct text {
	char *s;
	size_t len, cap;
} text;

static void text_add(text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;
		while (cap < t->len + n + 1)
			cap *= 2;
		t->s = xrealloc(t->s, cap);
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void text_puts(text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* Percent-encodes everything but the unreserved characters (RFC 3986). */
static void text_escaped(text *t, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			text_add(t, (const char *)p, 1);
		} else {
			char e[3] = {'%', hexd[*p >> 4], hexd[*p & 15]};
			text_add(t, e, 3);
		}
	}
}

/* Adds "name=value" with & before when something precedes. */
static void text_param(text *t, char first, const char *name, const char *value)
{
	char sep[2] = {first, '\0'};
	text_puts(t, t->len ? sep : "");
	text_puts(t, name);
	text_puts(t, "=");
	text_escaped(t, value);
}

static char *json_str_dup(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v && *v ? xstrdup(v) : NULL;
}

/* ---- The discovery document */

void oidc_meta_free(oidc_meta *m)
{
	free(m->issuer);
	free(m->authorization_endpoint);
	free(m->token_endpoint);
	free(m->jwks_uri);
	free(m->userinfo_endpoint);
	free(m->end_session_endpoint);
	memset(m, 0, sizeof *m);
}

static int endpoint_ok(const char *url)
{
	return url && (str_starts(url, "https://") || str_starts(url, "http://")) &&
	       !text_has_controls(url) && !strpbrk(url, " \"<>\\");
}

int oidc_meta_parse(const char *json, const char *expected_issuer, oidc_meta *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	json_t *doc = json_loads(json ? json : "", JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		snprintf(err, errlen, "the discovery document is not a JSON object");
		return -1;
	}
	out->issuer = json_str_dup(doc, "issuer");
	out->authorization_endpoint = json_str_dup(doc, "authorization_endpoint");
	out->token_endpoint = json_str_dup(doc, "token_endpoint");
	out->jwks_uri = json_str_dup(doc, "jwks_uri");
	out->userinfo_endpoint = json_str_dup(doc, "userinfo_endpoint");
	out->end_session_endpoint = json_str_dup(doc, "end_session_endpoint");
	/* client_secret_basic is the default; the secret goes in the form only
	 * when the provider says it takes nothing else. */
	json_t *methods = json_object_get(doc, "token_endpoint_auth_methods_supported");
	if (json_is_array(methods)) {
		int basic = 0, post = 0;
		size_t i;
		json_t *m;
		json_array_foreach(methods, i, m)
		{
			const char *v = json_string_value(m);
			basic |= v && strcmp(v, "client_secret_basic") == 0;
			post |= v && strcmp(v, "client_secret_post") == 0;
		}
		out->post_auth = post && !basic;
	}
	json_decref(doc);
	int rc = -1;
	if (!out->issuer || strcmp(out->issuer, expected_issuer) != 0)
		snprintf(err, errlen, "the discovery document names another issuer");
	else if (!endpoint_ok(out->authorization_endpoint) || !endpoint_ok(out->token_endpoint) ||
	         !endpoint_ok(out->jwks_uri))
		snprintf(err, errlen, "the discovery document lacks an endpoint");
	else if ((out->userinfo_endpoint && !endpoint_ok(out->userinfo_endpoint)) ||
	         (out->end_session_endpoint && !endpoint_ok(out->end_session_endpoint)))
		snprintf(err, errlen, "the discovery document has a bad endpoint");
	else
		rc = 0;
	if (rc != 0)
		oidc_meta_free(out);
	return rc;
}

int oidc_meta_fetch(const oidc_net *net, const char *issuer, oidc_meta *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	text url = {0};
	text_puts(&url, issuer);
	while (url.len > 0 && url.s[url.len - 1] == '/')
		url.s[--url.len] = '\0';
	text_puts(&url, "/.well-known/openid-configuration");
	char *body = NULL, *type = NULL;
	long status = 0;
	int rc = net->get(net->ctx, url.s, NULL, &body, &type, &status, err, errlen);
	free(url.s);
	free(type);
	if (rc == 0 && status != 200) {
		snprintf(err, errlen, "the discovery document answered HTTP %ld", status);
		rc = -1;
	}
	if (rc == 0)
		rc = oidc_meta_parse(body, issuer, out, err, errlen);
	free(body);
	return rc;
}

/* ---- The ID token */

void oidc_claims_free(oidc_claims *c)
{
	free(c->sub);
	free(c->email);
	free(c->given_name);
	free(c->family_name);
	memset(c, 0, sizeof *c);
}

static int alg_allowed(const char *alg)
{
	/* Asymmetric signatures only: "none" and the HMACs, whose key would be
	 * the client's secret, are refused. */
	static const char *const algs[] = {"RS256", "RS384", "RS512", "PS256", "PS384",
	                                   "PS512", "ES256", "ES384", "ES512"};
	for (size_t i = 0; alg && i < COUNT(algs); i++)
		if (strcmp(alg, algs[i]) == 0)
			return 1;
	return 0;
}

/* The payload of a compact JWS once a key of the JWKS has verified it
 * (malloc'd, NUL terminated). */
static enum oidc_refusal jws_payload(const char *jwt, const char *jwks, char **payload, char *err,
                                     size_t errlen)
{
	*payload = NULL;
	cjose_err cerr;
	size_t len = jwt ? strlen(jwt) : 0;
	if (len == 0 || len > OIDC_BODY_MAX) {
		snprintf(err, errlen, "no token");
		return OIDC_BAD_TOKEN;
	}
	cjose_jws_t *jws = cjose_jws_import(jwt, len, &cerr);
	if (!jws) {
		snprintf(err, errlen, "the token is not a signed JWT");
		return OIDC_BAD_TOKEN;
	}
	cjose_header_t *h = cjose_jws_get_protected(jws);
	const char *alg = h ? cjose_header_get(h, "alg", &cerr) : NULL;
	const char *kid = h ? cjose_header_get(h, "kid", &cerr) : NULL;
	if (!alg_allowed(alg)) {
		cjose_jws_release(jws);
		snprintf(err, errlen, "the token's algorithm is refused");
		return OIDC_BAD_TOKEN;
	}
	json_t *doc = json_loads(jwks ? jwks : "", 0, NULL);
	json_t *keys = json_object_get(doc, "keys");
	int verified = 0;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k)
	{
		if (verified)
			break;
		const char *kkid = json_string_value(json_object_get(k, "kid"));
		const char *use = json_string_value(json_object_get(k, "use"));
		const char *kalg = json_string_value(json_object_get(k, "alg"));
		if ((kid && (!kkid || strcmp(kid, kkid) != 0)) || (use && strcmp(use, "sig") != 0) ||
		    (kalg && strcmp(kalg, alg) != 0))
			continue;
		char *one = json_dumps(k, JSON_COMPACT);
		cjose_jwk_t *jwk = one ? cjose_jwk_import(one, strlen(one), &cerr) : NULL;
		free(one);
		if (!jwk)
			continue;
		verified = cjose_jws_verify(jws, jwk, &cerr);
		cjose_jwk_release(jwk);
	}
	json_decref(doc);
	enum oidc_refusal rc = OIDC_BAD_SIGNATURE;
	uint8_t *plain = NULL;
	size_t plain_len = 0;
	if (!verified) {
		snprintf(err, errlen, "no key of the provider verifies the token's signature");
	} else if (!cjose_jws_get_plaintext(jws, &plain, &plain_len, &cerr)) {
		snprintf(err, errlen, "the token has no payload");
		rc = OIDC_BAD_TOKEN;
	} else {
		*payload = xmalloc(plain_len + 1);
		memcpy(*payload, plain, plain_len);
		(*payload)[plain_len] = '\0';
		rc = OIDC_OK;
	}
	cjose_jws_release(jws);
	return rc;
}

static int aud_has(json_t *aud, const char *client_id)
{
	if (json_is_string(aud))
		return strcmp(json_string_value(aud), client_id) == 0;
	size_t i;
	json_t *v;
	json_array_foreach(aud, i,
	                   v) if (json_is_string(v) && strcmp(json_string_value(v), client_id) == 0) return 1;
	return 0;
}

/* Who the claims name: sub, the e-mail (lower case) and whether it was
 * verified, the names. Fills the fields still empty in out. */
static void claims_identity(json_t *o, oidc_claims *out)
{
	if (!out->sub)
		out->sub = json_str_dup(o, "sub");
	if (!out->email) {
		out->email = json_str_dup(o, "email");
		json_t *v = json_object_get(o, "email_verified");
		out->email_verified =
		    json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "true") == 0);
		for (char *p = out->email; p && *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	if (!out->given_name)
		out->given_name = json_str_dup(o, "given_name");
	if (!out->family_name)
		out->family_name = json_str_dup(o, "usual_name");
	if (!out->family_name)
		out->family_name = json_str_dup(o, "family_name");
}

static enum oidc_refusal claims_check(json_t *o, const oidc_expect *e, char *err, size_t errlen)
{
	const char *iss = json_string_value(json_object_get(o, "iss"));
	json_t *aud = json_object_get(o, "aud");
	const char *azp = json_string_value(json_object_get(o, "azp"));
	json_t *exp = json_object_get(o, "exp"), *iat = json_object_get(o, "iat");
	const char *nonce = json_string_value(json_object_get(o, "nonce"));
	const char *sub = json_string_value(json_object_get(o, "sub"));
	if (!iss || strcmp(iss, e->issuer) != 0) {
		snprintf(err, errlen, "the token's issuer is not the configured one");
		return OIDC_BAD_ISSUER;
	}
	/* With several audiences, the authorized party must be this client. */
	if (!aud_has(aud, e->client_id) || (json_is_array(aud) && json_array_size(aud) > 1 && !azp) ||
	    (azp && strcmp(azp, e->client_id) != 0)) {
		snprintf(err, errlen, "the token is meant for another client");
		return OIDC_BAD_AUDIENCE;
	}
	if (!json_is_number(exp) || !json_is_number(iat)) {
		snprintf(err, errlen, "the token has no exp or iat");
		return OIDC_EXPIRED;
	}
	double exp_s = json_number_value(exp), iat_s = json_number_value(iat);
	if (exp_s + OIDC_CLOCK_SKEW_S <= (double)e->now) {
		snprintf(err, errlen, "the token has expired");
		return OIDC_EXPIRED;
	}
	if (iat_s > (double)(e->now + OIDC_CLOCK_SKEW_S) ||
	    iat_s + OIDC_ID_TOKEN_MAX_AGE_S < (double)e->now) {
		snprintf(err, errlen, "the token was issued at a wrong time");
		return OIDC_EXPIRED;
	}
	if (!nonce || !e->nonce || strlen(nonce) != strlen(e->nonce) ||
	    sodium_memcmp(nonce, e->nonce, strlen(nonce)) != 0) {
		snprintf(err, errlen, "the token's nonce is not the one of this login");
		return OIDC_BAD_NONCE;
	}
	if (!sub || !*sub) {
		snprintf(err, errlen, "the token has no subject");
		return OIDC_BAD_TOKEN;
	}
	return OIDC_OK;
}

enum oidc_refusal oidc_verify_id_token(const char *jwt, const char *jwks, const oidc_expect *e,
                                       oidc_claims *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char *payload = NULL;
	enum oidc_refusal rc = jws_payload(jwt, jwks, &payload, err, errlen);
	if (rc != OIDC_OK)
		return rc;
	json_t *o = json_loads(payload, 0, NULL);
	free(payload);
	if (!json_is_object(o)) {
		json_decref(o);
		snprintf(err, errlen, "the token's payload is not a JSON object");
		return OIDC_BAD_TOKEN;
	}
	rc = claims_check(o, e, err, errlen);
	if (rc == OIDC_OK)
		claims_identity(o, out);
	json_decref(o);
	return rc;
}

/* ---- Logins in progress, and the ID tokens of open sessions */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static oidc_pending pending[OIDC_PENDING_MAX];
static size_t npending;

void oidc_pending_put(const oidc_pending *p)
{
	pthread_mutex_lock(&lock);
	if (npending == OIDC_PENDING_MAX) {
		/* The oldest goes: it is the most likely abandoned. */
		memmove(pending, pending + 1, (OIDC_PENDING_MAX - 1) * sizeof *pending);
		npending--;
	}
	pending[npending++] = *p;
	pthread_mutex_unlock(&lock);
}

enum oidc_refusal oidc_pending_take(const char *state, const char *binding, int64_t now, oidc_pending *out)
{
	enum oidc_refusal rc = OIDC_BAD_STATE;
	if (!state || strlen(state) != OIDC_TOKEN_LEN - 1)
		return rc;
	pthread_mutex_lock(&lock);
	/* Expired logins are dropped on the way. */
	size_t w = 0;
	for (size_t i = 0; i < npending; i++) {
		oidc_pending *p = &pending[i];
		if (sodium_memcmp(p->state, state, OIDC_TOKEN_LEN - 1) == 0) {
			/* Taken whatever the outcome: a state is good once. */
			if (now - p->created > OIDC_PENDING_TTL_S)
				rc = OIDC_LATE;
			else if (!binding || strlen(binding) != 64 ||
			         sodium_memcmp(p->binding, binding, 64) != 0)
				rc = OIDC_BAD_STATE;
			else {
				*out = *p;
				rc = OIDC_OK;
			}
			continue;
		}
		if (now - p->created > OIDC_PENDING_TTL_S)
			continue;
		if (w != i)
			pending[w] = *p;
		w++;
	}
	npending = w;
	pthread_mutex_unlock(&lock);
	return rc;
}

void oidc_pending_clear(void)
{
	pthread_mutex_lock(&lock);
	sodium_memzero(pending, sizeof pending);
	npending = 0;
	pthread_mutex_unlock(&lock);
}

struct remembered {
	char hash[65];
	char *id_token;
	int64_t at;
};
static struct remembered sessions[OIDC_PENDING_MAX];
static size_t nsessions;

void oidc_session_remember(const char *session_hash, const char *id_token, int64_t now)
{
	if (!session_hash || strlen(session_hash) != 64 || !id_token)
		return;
	pthread_mutex_lock(&lock);
	if (nsessions == OIDC_PENDING_MAX) {
		free(sessions[0].id_token);
		memmove(sessions, sessions + 1, (OIDC_PENDING_MAX - 1) * sizeof *sessions);
		nsessions--;
	}
	struct remembered *s = &sessions[nsessions++];
	memcpy(s->hash, session_hash, 65);
	s->id_token = xstrdup(id_token);
	s->at = now;
	pthread_mutex_unlock(&lock);
}

char *oidc_session_take(const char *session_hash)
{
	char *token = NULL;
	if (!session_hash || strlen(session_hash) != 64)
		return NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nsessions; i++)
		if (memcmp(sessions[i].hash, session_hash, 64) == 0) {
			token = sessions[i].id_token;
			memmove(sessions + i, sessions + i + 1, (nsessions - i - 1) * sizeof *sessions);
			nsessions--;
			break;
		}
	pthread_mutex_unlock(&lock);
	return token;
}

/* ---- The flow */

int oidc_begin(const oidc_net *net, const oidc_settings *s, const char *binding, int64_t now, char **url,
               char *err, size_t errlen)
{
	*url = NULL;
	oidc_meta m;
	if (oidc_meta_fetch(net, s->issuer, &m, err, errlen) != 0)
		return -1;
	oidc_pending p = {0};
	oidc_random(p.state);
	oidc_random(p.nonce);
	oidc_random(p.verifier);
	snprintf(p.binding, sizeof p.binding, "%s", binding);
	p.created = now;
	char challenge[OIDC_TOKEN_LEN];
	oidc_pkce_challenge(p.verifier, challenge);
	text u = {0};
	text_puts(&u, m.authorization_endpoint);
	char first = strchr(m.authorization_endpoint, '?') ? '&' : '?';
	text q = {0};
	text_param(&q, '&', "response_type", "code");
	text_param(&q, '&', "client_id", s->client_id);
	text_param(&q, '&', "redirect_uri", s->redirect_url);
	text_param(&q, '&', "scope", s->scopes);
	text_param(&q, '&', "state", p.state);
	text_param(&q, '&', "nonce", p.nonce);
	text_param(&q, '&', "code_challenge", challenge);
	text_param(&q, '&', "code_challenge_method", "S256");
	char sep[2] = {first, '\0'};
	text_puts(&u, sep);
	text_puts(&u, q.s);
	free(q.s);
	oidc_meta_free(&m);
	oidc_pending_put(&p);
	sodium_memzero(&p, sizeof p);
	*url = u.s;
	return 0;
}

/* The user information (JSON, or a JWT signed by the provider's keys): the
 * e-mail and names, when its sub is the ID token's. */
static void read_userinfo(const oidc_net *net, const oidc_meta *m, const char *access_token, const char *jwks,
                          oidc_claims *out)
{
	char *body = NULL, *type = NULL, err[128];
	long status = 0;
	if (net->get(net->ctx, m->userinfo_endpoint, access_token, &body, &type, &status, err, sizeof err) !=
	        0 ||
	    status != 200) {
		free(body);
		free(type);
		return;
	}
	char *payload = NULL;
	if (type && str_starts(type, "application/jwt")) {
		char *jwt = body;
		size_t n = strlen(jwt);
		while (n > 0 && (jwt[n - 1] == '\n' || jwt[n - 1] == '\r' || jwt[n - 1] == ' '))
			jwt[--n] = '\0';
		if (jws_payload(jwt, jwks, &payload, err, sizeof err) != OIDC_OK)
			payload = NULL;
	} else {
		payload = body;
		body = NULL;
	}
	json_t *o = payload ? json_loads(payload, 0, NULL) : NULL;
	const char *sub = json_string_value(json_object_get(o, "sub"));
	if (json_is_object(o) && sub && out->sub && strcmp(sub, out->sub) == 0)
		claims_identity(o, out);
	json_decref(o);
	free(payload);
	free(body);
	free(type);
}

enum oidc_refusal oidc_finish(const oidc_net *net, const oidc_settings *s, const char *state,
                              const char *code, const char *binding, int64_t now, oidc_claims *out,
                              char **id_token, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	*id_token = NULL;
	oidc_pending p;
	enum oidc_refusal rc = oidc_pending_take(state, binding, now, &p);
	if (rc != OIDC_OK) {
		snprintf(err, errlen,
		         rc == OIDC_LATE ? "the login took too long" : "unknown, used or foreign state");
		return rc;
	}
	if (!code || !*code || strlen(code) > 2048) {
		snprintf(err, errlen, "no code");
		return OIDC_PROVIDER;
	}
	oidc_meta m;
	if (oidc_meta_fetch(net, s->issuer, &m, err, errlen) != 0)
		return OIDC_PROVIDER;

	text form = {0};
	text_param(&form, '&', "grant_type", "authorization_code");
	text_param(&form, '&', "code", code);
	text_param(&form, '&', "redirect_uri", s->redirect_url);
	text_param(&form, '&', "code_verifier", p.verifier);
	/* HTTP Basic carries the form-encoded id and secret (RFC 6749 2.3.1). */
	text user = {0}, pass = {0};
	text_escaped(&user, s->client_id);
	text_escaped(&pass, s->client_secret ? s->client_secret : "");
	if (m.post_auth) {
		text_param(&form, '&', "client_id", s->client_id);
		text_param(&form, '&', "client_secret", s->client_secret ? s->client_secret : "");
	}
	char *body = NULL, *jwks = NULL, *type = NULL;
	long status = 0;
	int got = net->post(net->ctx, m.token_endpoint, form.s, m.post_auth ? NULL : user.s,
	                    m.post_auth ? NULL : pass.s, &body, &status, err, errlen);
	sodium_memzero(form.s, form.len);
	free(form.s);
	if (pass.s)
		sodium_memzero(pass.s, pass.len);
	free(pass.s);
	free(user.s);
	json_t *tok = NULL;
	if (got != 0 || status != 200) {
		if (got == 0)
			snprintf(err, errlen, "the token endpoint answered HTTP %ld", status);
		rc = OIDC_PROVIDER;
		goto done;
	}
	tok = json_loads(body, 0, NULL);
	const char *idt = json_string_value(json_object_get(tok, "id_token"));
	const char *access = json_string_value(json_object_get(tok, "access_token"));
	if (!idt) {
		snprintf(err, errlen, "the token endpoint gave no ID token");
		rc = OIDC_PROVIDER;
		goto done;
	}
	got = net->get(net->ctx, m.jwks_uri, NULL, &jwks, &type, &status, err, errlen);
	if (got != 0 || status != 200) {
		if (got == 0)
			snprintf(err, errlen, "the provider's keys answered HTTP %ld", status);
		rc = OIDC_PROVIDER;
		goto done;
	}
	oidc_expect e = {.issuer = s->issuer, .client_id = s->client_id, .nonce = p.nonce, .now = now};
	rc = oidc_verify_id_token(idt, jwks, &e, out, err, errlen);
	if (rc != OIDC_OK)
		goto done;
	if ((!out->email || !out->email_verified) && m.userinfo_endpoint && access) {
		free(out->email);
		out->email = NULL;
		out->email_verified = 0;
		read_userinfo(net, &m, access, jwks, out);
	}
	if (!out->email || !out->email_verified) {
		snprintf(err, errlen, "the provider gave no verified e-mail address");
		rc = OIDC_NO_EMAIL;
		goto done;
	}
	*id_token = xstrdup(idt);
done:
	if (rc != OIDC_OK)
		oidc_claims_free(out);
	json_decref(tok);
	free(body);
	free(jwks);
	free(type);
	oidc_meta_free(&m);
	sodium_memzero(&p, sizeof p);
	return rc;
}

char *oidc_logout_url(const oidc_net *net, const oidc_settings *s, const char *id_token, const char *after)
{
	oidc_meta m;
	char err[256];
	if (oidc_meta_fetch(net, s->issuer, &m, err, sizeof err) != 0)
		return NULL;
	if (!m.end_session_endpoint) {
		oidc_meta_free(&m);
		return NULL;
	}
	text u = {0}, q = {0};
	text_puts(&u, m.end_session_endpoint);
	if (id_token)
		text_param(&q, '&', "id_token_hint", id_token);
	else
		text_param(&q, '&', "client_id", s->client_id);
	if (after)
		text_param(&q, '&', "post_logout_redirect_uri", after);
	text_puts(&u, strchr(m.end_session_endpoint, '?') ? "&" : "?");
	text_puts(&u, q.s);
	free(q.s);
	oidc_meta_free(&m);
	return u.s;
}

/* ---- libcurl */

typedef struct sink {
	text t;
	int too_big;
} sink;

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	sink *k = userp;
	size_t len = size * n;
	if (k->t.len + len > OIDC_BODY_MAX) {
		k->too_big = 1;
		return 0;
	}
	text_add(&k->t, data, len);
	return len;
}

static CURL *curl_for(const char *url, sink *k)
{
	if (smtp_global_init() != 0)
		return NULL;
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "Guichet");
	return h;
}

static int curl_finish(CURL *h, struct curl_slist *headers, sink *k, char **body, char **content_type,
                       long *status, char *err, size_t errlen)
{
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	if (content_type) {
		char *ct = NULL;
		curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
		*content_type = ct ? xstrdup(ct) : NULL;
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s",
		         k->too_big ? "the provider's answer is too large" : curl_easy_strerror(rc));
		free(k->t.s);
		if (content_type) {
			free(*content_type);
			*content_type = NULL;
		}
		return -1;
	}
	*body = k->t.s ? k->t.s : xstrdup("");
	return 0;
}

static int curl_get(void *ctx, const char *url, const char *bearer, char **body, char **content_type,
                    long *status, char *err, size_t errlen)
{
	sink k = {0};
	*body = NULL;
	*status = 0;
	if (content_type)
		*content_type = NULL;
	CURL *h = curl_for(url, &k);
	if (!h) {
		snprintf(err, errlen, "libcurl failed to start");
		return -1;
	}
	struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json, application/jwt");
	if (bearer) {
		text a = {0};
		text_puts(&a, "Authorization: Bearer ");
		text_puts(&a, bearer);
		headers = curl_slist_append(headers, a.s);
		sodium_memzero(a.s, a.len);
		free(a.s);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	return curl_finish(h, headers, &k, body, content_type, status, err, errlen);
}

static int curl_post(void *ctx, const char *url, const char *form, const char *user, const char *password,
                     char **body, long *status, char *err, size_t errlen)
{
	sink k = {0};
	*body = NULL;
	*status = 0;
	CURL *h = curl_for(url, &k);
	if (!h) {
		snprintf(err, errlen, "libcurl failed to start");
		return -1;
	}
	struct curl_slist *headers = curl_slist_append(NULL, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	if (user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password ? password : "");
	}
	return curl_finish(h, headers, &k, body, NULL, status, err, errlen);
}

static const oidc_net curl_net = {.get = curl_get, .post = curl_post, .ctx = NULL};

const oidc_net *oidc_net_curl(void)
{
	return &curl_net;
}
