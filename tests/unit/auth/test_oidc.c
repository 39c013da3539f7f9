/* test_oidc.c: the OpenID Connect checks without a network: PKCE, the
 * discovery document, the ID token's signature and claims (a key made here
 * signs good and bad tokens), the logins in progress (once, in time, in the
 * same browser), and a whole login through a canned provider. */
#include "unit.h"

#include <cjose/cjose.h>
#include <jansson.h>
#include <sodium.h>

#include "auth/oidc.h"
#include "util/util.h"

#define ISSUER "https://idp.example.org/api/v2"
#define CLIENT "guichet-client"
#define NOW 1800000000

static cjose_jwk_t *key_a, *key_b;
static char *jwks_a; /* the provider's keys: key_a's public part */

static cjose_jwk_t *new_key(const char *kid)
{
	static const uint8_t e65537[] = {0x01, 0x00, 0x01};
	cjose_err err;
	cjose_jwk_t *k = cjose_jwk_create_RSA_random(2048, e65537, sizeof e65537, &err);
	assert_non_null(k);
	assert_true(cjose_jwk_set_kid(k, kid, strlen(kid), &err));
	return k;
}

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	key_a = new_key("a");
	key_b = new_key("b");
	cjose_err err;
	char *pub = cjose_jwk_to_json(key_a, false, &err);
	size_t n = strlen(pub) + 32;
	jwks_a = malloc(n);
	snprintf(jwks_a, n, "{\"keys\":[%s]}", pub);
	cjose_get_dealloc()(pub);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cjose_jwk_release(key_a);
	cjose_jwk_release(key_b);
	free(jwks_a);
	return 0;
}

/* A compact JWS of payload signed by k, its header naming kid and alg. */
static char *sign(cjose_jwk_t *k, const char *kid, const char *alg, const char *payload)
{
	cjose_err err;
	cjose_header_t *h = cjose_header_new(&err);
	cjose_header_set(h, CJOSE_HDR_ALG, alg, &err);
	cjose_header_set(h, CJOSE_HDR_KID, kid, &err);
	cjose_jws_t *j = cjose_jws_sign(k, h, (const uint8_t *)payload, strlen(payload), &err);
	assert_non_null(j);
	const char *ser = NULL;
	assert_true(cjose_jws_export(j, &ser, &err));
	char *out = xstrdup(ser);
	cjose_jws_release(j);
	cjose_header_release(h);
	return out;
}

/* The claims of a good token, changed by the arguments. */
static char *claims(const char *iss, const char *aud, long exp, long iat, const char *nonce,
                    const char *extra)
{
	char *p = malloc(1024);
	snprintf(p, 1024,
	         "{\"iss\":\"%s\",\"aud\":%s,\"sub\":\"u-42\",\"exp\":%ld,\"iat\":%ld,\"nonce\":\"%s\"%s%s}",
	         iss, aud, exp, iat, nonce, extra ? "," : "", extra ? extra : "");
	return p;
}

static enum oidc_refusal check(cjose_jwk_t *k, const char *kid, const char *payload, oidc_claims *c)
{
	char *jwt = sign(k, kid, "RS256", payload);
	oidc_expect e = {.issuer = ISSUER, .client_id = CLIENT, .nonce = "n-1", .now = NOW};
	char err[256];
	enum oidc_refusal rc = oidc_verify_id_token(jwt, jwks_a, &e, c, err, sizeof err);
	free(jwt);
	return rc;
}

static enum oidc_refusal check_claims(const char *payload)
{
	oidc_claims c;
	enum oidc_refusal rc = check(key_a, "a", payload, &c);
	oidc_claims_free(&c);
	return rc;
}

static void test_pkce(void **state)
{
	(void)state;
	char out[OIDC_TOKEN_LEN];
	/* SHA-256 in base64url, as Node.js's crypto computes it. */
	oidc_pkce_challenge("dBjftJeZ4CVP-mA2gHF5ZNjk2bgU9ADBD0_UhQLJ0h0", out);
	assert_string_equal(out, "bIfEiAciJdBwKGYub7Yw6v16zTqlZradtINQwIXs14A");
	char a[OIDC_TOKEN_LEN], b[OIDC_TOKEN_LEN];
	oidc_random(a);
	oidc_random(b);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
}

static void test_discovery(void **state)
{
	(void)state;
	oidc_meta m;
	char err[256];
	const char *good =
	    "{\"issuer\":\"" ISSUER "\",\"authorization_endpoint\":\"https://idp.example.org/auth\","
	    "\"token_endpoint\":\"https://idp.example.org/token\",\"jwks_uri\":\"https://idp.example."
	    "org/jwks\",\"end_session_endpoint\":\"https://idp.example.org/logout\","
	    "\"token_endpoint_auth_methods_supported\":[\"client_secret_post\"]}";
	assert_int_equal(oidc_meta_parse(good, ISSUER, &m, err, sizeof err), 0);
	assert_string_equal(m.end_session_endpoint, "https://idp.example.org/logout");
	assert_true(m.post_auth);
	assert_null(m.userinfo_endpoint);
	oidc_meta_free(&m);
	/* Another issuer, a missing endpoint, not JSON: refused. */
	assert_int_equal(oidc_meta_parse(good, "https://other.example.org", &m, err, sizeof err), -1);
	assert_int_equal(oidc_meta_parse("{\"issuer\":\"" ISSUER "\"}", ISSUER, &m, err, sizeof err), -1);
	assert_int_equal(oidc_meta_parse("not json", ISSUER, &m, err, sizeof err), -1);
	assert_int_equal(oidc_meta_parse(NULL, ISSUER, &m, err, sizeof err), -1);
}

static void test_id_token_good(void **state)
{
	(void)state;
	char *p = claims(ISSUER, "\"" CLIENT "\"", NOW + 300, NOW - 5, "n-1",
	                 "\"email\":\"Ada@Example.ORG\",\"email_verified\":true,\"given_name\":\"Ada\","
	                 "\"usual_name\":\"Lovelace\"");
	oidc_claims c;
	assert_int_equal(check(key_a, "a", p, &c), OIDC_OK);
	assert_string_equal(c.sub, "u-42");
	assert_string_equal(c.email, "ada@example.org");
	assert_true(c.email_verified);
	assert_string_equal(c.given_name, "Ada");
	assert_string_equal(c.family_name, "Lovelace");
	oidc_claims_free(&c);
	free(p);
	/* An audience list with this client as the authorized party. */
	p = claims(ISSUER, "[\"" CLIENT "\",\"other\"]", NOW + 300, NOW, "n-1", "\"azp\":\"" CLIENT "\"");
	assert_int_equal(check_claims(p), OIDC_OK);
	free(p);
}

static void test_id_token_refused(void **state)
{
	(void)state;
	char *p = claims(ISSUER, "\"" CLIENT "\"", NOW + 300, NOW, "n-1", NULL);
	oidc_claims c;
	/* Signed by a key the provider does not publish, under its kid or another. */
	assert_int_equal(check(key_b, "a", p, &c), OIDC_BAD_SIGNATURE);
	assert_int_equal(check(key_b, "b", p, &c), OIDC_BAD_SIGNATURE);
	/* A payload changed after signing. */
	char *jwt = sign(key_a, "a", "RS256", p);
	char *dot1 = strchr(jwt, '.'), *dot2 = strchr(dot1 + 1, '.');
	char *forged =
	    claims(ISSUER, "\"" CLIENT "\"", NOW + 300, NOW, "n-1", "\"email\":\"boss@example.org\"");
	size_t b64n = strlen(forged) * 4 / 3 + 8;
	char *b64 = malloc(b64n);
	sodium_bin2base64(b64, b64n, (const unsigned char *)forged, strlen(forged),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	size_t n = (size_t)(dot1 - jwt) + 1 + strlen(b64) + strlen(dot2) + 1;
	char *tampered = malloc(n);
	snprintf(tampered, n, "%.*s.%s%s", (int)(dot1 - jwt), jwt, b64, dot2);
	oidc_expect e = {.issuer = ISSUER, .client_id = CLIENT, .nonce = "n-1", .now = NOW};
	char err[256];
	assert_int_equal(oidc_verify_id_token(tampered, jwks_a, &e, &c, err, sizeof err), OIDC_BAD_SIGNATURE);
	/* alg none, and garbage. */
	char none[512];
	snprintf(none, sizeof none, "eyJhbGciOiJub25lIn0.%s.", b64);
	assert_int_equal(oidc_verify_id_token(none, jwks_a, &e, &c, err, sizeof err), OIDC_BAD_TOKEN);
	assert_int_equal(oidc_verify_id_token("a.b.c", jwks_a, &e, &c, err, sizeof err), OIDC_BAD_TOKEN);
	assert_int_equal(oidc_verify_id_token("", jwks_a, &e, &c, err, sizeof err), OIDC_BAD_TOKEN);
	assert_int_equal(oidc_verify_id_token(jwt, "{}", &e, &c, err, sizeof err), OIDC_BAD_SIGNATURE);
	free(b64);
	free(tampered);
	free(forged);
	free(jwt);
	free(p);

	struct {
		const char *iss, *aud;
		long exp, iat;
		const char *nonce, *extra;
		enum oidc_refusal want;
	} cases[] = {
	    {"https://evil.example.org", "\"" CLIENT "\"", NOW + 300, NOW, "n-1", NULL, OIDC_BAD_ISSUER},
	    {ISSUER, "\"other\"", NOW + 300, NOW, "n-1", NULL, OIDC_BAD_AUDIENCE},
	    {ISSUER, "[\"" CLIENT "\",\"other\"]", NOW + 300, NOW, "n-1", NULL, OIDC_BAD_AUDIENCE},
	    {ISSUER, "\"" CLIENT "\"", NOW + 300, NOW, "n-1", "\"azp\":\"other\"", OIDC_BAD_AUDIENCE},
	    {ISSUER, "\"" CLIENT "\"", NOW - OIDC_CLOCK_SKEW_S - 1, NOW - 900, "n-1", NULL, OIDC_EXPIRED},
	    {ISSUER, "\"" CLIENT "\"", NOW + 300, NOW - OIDC_ID_TOKEN_MAX_AGE_S - 1, "n-1", NULL,
	     OIDC_EXPIRED},
	    {ISSUER, "\"" CLIENT "\"", NOW + 3000, NOW + OIDC_CLOCK_SKEW_S + 60, "n-1", NULL, OIDC_EXPIRED},
	    {ISSUER, "\"" CLIENT "\"", NOW + 300, NOW, "n-2", NULL, OIDC_BAD_NONCE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		p = claims(cases[i].iss, cases[i].aud, cases[i].exp, cases[i].iat, cases[i].nonce,
		           cases[i].extra);
		assert_int_equal(check_claims(p), cases[i].want);
		free(p);
	}
}

static void test_pending(void **state)
{
	(void)state;
	oidc_pending_clear();
	oidc_pending p = {0}, out;
	oidc_random(p.state);
	oidc_random(p.nonce);
	oidc_random(p.verifier);
	memset(p.binding, 'b', 64);
	p.created = NOW;
	char other[65];
	memset(other, 'c', 64);
	other[64] = '\0';
	oidc_pending_put(&p);
	/* Another browser: refused, and the state is spent. */
	assert_int_equal(oidc_pending_take(p.state, other, NOW + 1, &out), OIDC_BAD_STATE);
	assert_int_equal(oidc_pending_take(p.state, p.binding, NOW + 1, &out), OIDC_BAD_STATE);
	/* Once. */
	oidc_pending_put(&p);
	assert_int_equal(oidc_pending_take(p.state, p.binding, NOW + 1, &out), OIDC_OK);
	assert_string_equal(out.nonce, p.nonce);
	assert_int_equal(oidc_pending_take(p.state, p.binding, NOW + 2, &out), OIDC_BAD_STATE);
	/* Late. */
	oidc_pending_put(&p);
	assert_int_equal(oidc_pending_take(p.state, p.binding, NOW + OIDC_PENDING_TTL_S + 1, &out),
	                 OIDC_LATE);
	/* Unknown and malformed. */
	assert_int_equal(oidc_pending_take("nope", p.binding, NOW, &out), OIDC_BAD_STATE);
	assert_int_equal(oidc_pending_take(NULL, p.binding, NOW, &out), OIDC_BAD_STATE);
	assert_int_equal(oidc_pending_take(p.state, NULL, NOW, &out), OIDC_BAD_STATE);
}

/* ---- A canned provider */

typedef struct fake {
	char nonce[OIDC_TOKEN_LEN];
	char challenge[OIDC_TOKEN_LEN];
	char *id_token;       /* what the token endpoint gives */
	const char *userinfo; /* JSON */
	int posts;
	char *form;
} fake;

static char *query_value(const char *url, const char *name)
{
	char key[64];
	snprintf(key, sizeof key, "%s=", name);
	const char *p = strstr(url, key);
	assert_non_null(p);
	p += strlen(key);
	size_t n = strcspn(p, "&");
	char *v = malloc(n + 1);
	memcpy(v, p, n);
	v[n] = '\0';
	return v;
}

static int fake_get(void *ctx, const char *url, const char *bearer, char **body, char **type, long *status,
                    char *err, size_t errlen)
{
	fake *f = ctx;
	*status = 200;
	*type = xstrdup("application/json");
	if (strcmp(url, ISSUER "/.well-known/openid-configuration") == 0)
		*body = xstrdup(
		    "{\"issuer\":\"" ISSUER "\",\"authorization_endpoint\":\"https://idp.example.org/auth\","
		    "\"token_endpoint\":\"https://idp.example.org/token\",\"jwks_uri\":\"https://idp."
		    "example.org/jwks\",\"userinfo_endpoint\":\"https://idp.example.org/me\","
		    "\"end_session_endpoint\":\"https://idp.example.org/logout\"}");
	else if (strcmp(url, "https://idp.example.org/jwks") == 0)
		*body = xstrdup(jwks_a);
	else if (strcmp(url, "https://idp.example.org/me") == 0 && bearer && strcmp(bearer, "at-1") == 0)
		*body = xstrdup(f->userinfo);
	else {
		*status = 404;
		*body = xstrdup("{}");
	}
	return 0;
}

static int fake_post(void *ctx, const char *url, const char *form, const char *user, const char *password,
                     char **body, long *status, char *err, size_t errlen)
{
	fake *f = ctx;
	f->posts++;
	free(f->form);
	f->form = xstrdup(form);
	assert_string_equal(url, "https://idp.example.org/token");
	assert_string_equal(user, CLIENT);
	assert_string_equal(password, "s3cret%26");
	/* The verifier must match the challenge sent at the start. */
	char *verifier = query_value(form, "code_verifier");
	char challenge[OIDC_TOKEN_LEN];
	oidc_pkce_challenge(verifier, challenge);
	free(verifier);
	if (strcmp(challenge, f->challenge) != 0 || !strstr(form, "code=c-1")) {
		*status = 400;
		*body = xstrdup("{\"error\":\"invalid_grant\"}");
		return 0;
	}
	size_t n = strlen(f->id_token) + 128;
	*body = malloc(n);
	snprintf(*body, n, "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"id_token\":\"%s\"}",
	         f->id_token);
	*status = 200;
	return 0;
}

static void test_whole_login(void **state)
{
	(void)state;
	oidc_pending_clear();
	fake f = {.userinfo = "{\"sub\":\"u-42\",\"email\":\"ada@example.org\",\"email_verified\":true,"
	                      "\"given_name\":\"Ada\"}"};
	oidc_net net = {.get = fake_get, .post = fake_post, .ctx = &f};
	oidc_settings s = {.issuer = ISSUER,
	                   .client_id = CLIENT,
	                   .client_secret = "s3cret&",
	                   .redirect_url = "https://guichet.example.org/login/proconnect/callback",
	                   .scopes = "openid email"};
	char binding[65];
	memset(binding, 'd', 64);
	binding[64] = '\0';
	char *url = NULL, err[256];
	assert_int_equal(oidc_begin(&net, &s, binding, NOW, &url, err, sizeof err), 0);
	assert_true(strncmp(url, "https://idp.example.org/auth?response_type=code&client_id=" CLIENT, 59) ==
	            0);
	assert_non_null(strstr(url, "&code_challenge_method=S256"));
	assert_non_null(
	    strstr(url, "&redirect_uri=https%3A%2F%2Fguichet.example.org%2Flogin%2Fproconnect%2Fcallback"));
	assert_non_null(strstr(url, "&scope=openid%20email"));
	char *st = query_value(url, "state"), *nonce = query_value(url, "nonce");
	char *challenge = query_value(url, "code_challenge");
	snprintf(f.challenge, sizeof f.challenge, "%s", challenge);
	char *p = claims(ISSUER, "\"" CLIENT "\"", NOW + 300, NOW, nonce, NULL);
	f.id_token = sign(key_a, "a", "RS256", p);

	/* The e-mail comes from the user information. */
	oidc_claims c;
	char *idt = NULL;
	assert_int_equal(oidc_finish(&net, &s, st, "c-1", binding, NOW + 10, &c, &idt, err, sizeof err),
	                 OIDC_OK);
	assert_string_equal(c.email, "ada@example.org");
	assert_string_equal(idt, f.id_token);
	assert_non_null(strstr(f.form, "grant_type=authorization_code"));
	oidc_claims_free(&c);
	free(idt);
	/* The same answer again: the state is spent, the provider not asked. */
	int posts = f.posts;
	assert_int_equal(oidc_finish(&net, &s, st, "c-1", binding, NOW + 11, &c, &idt, err, sizeof err),
	                 OIDC_BAD_STATE);
	assert_int_equal(f.posts, posts);

	/* A new login whose user information gives no verified e-mail. */
	free(url);
	free(st);
	assert_int_equal(oidc_begin(&net, &s, binding, NOW, &url, err, sizeof err), 0);
	st = query_value(url, "state");
	free(challenge);
	challenge = query_value(url, "code_challenge");
	snprintf(f.challenge, sizeof f.challenge, "%s", challenge);
	f.userinfo = "{\"sub\":\"u-42\",\"email\":\"ada@example.org\",\"email_verified\":false}";
	/* The old nonce: the token is not this login's. */
	assert_int_equal(oidc_finish(&net, &s, st, "c-1", binding, NOW + 10, &c, &idt, err, sizeof err),
	                 OIDC_BAD_NONCE);

	char *logout = oidc_logout_url(&net, &s, "tok.en.x", "https://guichet.example.org/login?done=logout");
	assert_string_equal(logout,
	                    "https://idp.example.org/logout?id_token_hint=tok.en.x&post_logout_redirect_uri="
	                    "https%3A%2F%2Fguichet.example.org%2Flogin%3Fdone%3Dlogout");
	free(logout);

	free(url);
	free(st);
	free(nonce);
	free(challenge);
	free(p);
	free(f.id_token);
	free(f.form);
}

static void test_sessions(void **state)
{
	(void)state;
	char h[65];
	memset(h, 'e', 64);
	h[64] = '\0';
	assert_null(oidc_session_take(h));
	oidc_session_remember(h, "t.o.k", NOW);
	char *t = oidc_session_take(h);
	assert_string_equal(t, "t.o.k");
	free(t);
	assert_null(oidc_session_take(h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pkce),          cmocka_unit_test(test_discovery),
	    cmocka_unit_test(test_id_token_good), cmocka_unit_test(test_id_token_refused),
	    cmocka_unit_test(test_pending),       cmocka_unit_test(test_whole_login),
	    cmocka_unit_test(test_sessions),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
