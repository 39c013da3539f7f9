/*
 * oidc.h: the OpenID Connect login of ProConnect (docs/proconnect.md): the
 * authorization code flow with PKCE (S256), state and nonce; the provider's
 * discovery document; the ID token's signature checked with cjose against
 * the provider's keys (JWKS), then its iss, aud, azp, exp, iat and nonce.
 *
 * The calls to the provider go through an oidc_net (libcurl in the server,
 * canned answers in the unit tests), so that every check can be tested
 * without a network. A login in progress (its state, nonce and PKCE
 * verifier, and the hash of a cookie that binds it to one browser) is kept
 * in this process's memory for OIDC_PENDING_TTL_S, and taken once.
 */
#ifndef GUICHET_OIDC_H
#define GUICHET_OIDC_H

#include <stddef.h>
#include <stdint.h>

/* Seconds a login may spend at the provider. */
#define OIDC_PENDING_TTL_S 600
/* Logins in progress at once; the oldest is dropped beyond. */
#define OIDC_PENDING_MAX 4096
/* Clock difference tolerated with the provider, in seconds. */
#define OIDC_CLOCK_SKEW_S 120
/* An ID token older than this (by its iat) is refused, in seconds. */
#define OIDC_ID_TOKEN_MAX_AGE_S 600
/* Largest answer read from the provider. */
#define OIDC_BODY_MAX (256 * 1024)
/* Random values: 32 bytes in base64url without padding, and its NUL. */
#define OIDC_TOKEN_LEN 44

/* What the provider's network calls return: the body (malloc'd, NUL
 * terminated) and HTTP status; -1 with err when nothing came back. */
typedef struct oidc_net {
	/* GET url; bearer, when set, goes in Authorization. content_type
	 * receives the answer's type (malloc'd, may be NULL). */
	int (*get)(void *ctx, const char *url, const char *bearer, char **body, char **content_type,
	           long *status, char *err, size_t errlen);
	/* POST url with an application/x-www-form-urlencoded body; user and
	 * password, when set, go in HTTP Basic authentication. */
	int (*post)(void *ctx, const char *url, const char *form, const char *user, const char *password,
	            char **body, long *status, char *err, size_t errlen);
	void *ctx;
} oidc_net;

/* The libcurl one: no redirects followed, http and https only, 10 s. */
const oidc_net *oidc_net_curl(void);

typedef struct oidc_settings {
	const char *issuer;
	const char *client_id;
	const char *client_secret;
	const char *redirect_url;
	const char *scopes;
} oidc_settings;

/* The provider's discovery document (/.well-known/openid-configuration). */
typedef struct oidc_meta {
	char *issuer;
	char *authorization_endpoint;
	char *token_endpoint;
	char *jwks_uri;
	char *userinfo_endpoint;    /* may be NULL */
	char *end_session_endpoint; /* may be NULL */
	int post_auth;              /* the token endpoint takes client_secret_post only */
} oidc_meta;

void oidc_meta_free(oidc_meta *m);
/* Reads a discovery document: its issuer must be expected_issuer exactly
 * and its endpoints present. 0 or -1 with err. */
int oidc_meta_parse(const char *json, const char *expected_issuer, oidc_meta *out, char *err, size_t errlen);
/* Fetches and reads the discovery document of s->issuer. */
int oidc_meta_fetch(const oidc_net *net, const char *issuer, oidc_meta *out, char *err, size_t errlen);

/* 32 random bytes in base64url. */
void oidc_random(char out[OIDC_TOKEN_LEN]);
/* The S256 challenge of a PKCE verifier: base64url(SHA-256(verifier)). */
void oidc_pkce_challenge(const char *verifier, char out[OIDC_TOKEN_LEN]);

/* What an ID token must say. */
typedef struct oidc_expect {
	const char *issuer;
	const char *client_id;
	const char *nonce;
	int64_t now;
} oidc_expect;

/* What a verified ID token (and the user information) said. */
typedef struct oidc_claims {
	char *sub;
	char *email; /* lower case; NULL when not given */
	int email_verified;
	char *given_name;
	char *family_name; /* usual_name, else family_name */
} oidc_claims;

void oidc_claims_free(oidc_claims *c);

/* Refusals of oidc_verify_id_token and oidc_finish, for the journal. */
enum oidc_refusal {
	OIDC_OK = 0,
	OIDC_BAD_TOKEN,     /* not a signed JWT, or an algorithm refused */
	OIDC_BAD_SIGNATURE, /* no key of the provider's JWKS verifies it */
	OIDC_BAD_ISSUER,
	OIDC_BAD_AUDIENCE,
	OIDC_EXPIRED, /* exp passed, or iat too old or in the future */
	OIDC_BAD_NONCE,
	OIDC_BAD_STATE, /* unknown, already used, or of another browser */
	OIDC_LATE,      /* the login took longer than OIDC_PENDING_TTL_S */
	OIDC_PROVIDER,  /* the provider could not be reached or refused the code */
	OIDC_DENIED,    /* the provider sent back an error (the person cancelled) */
	OIDC_NO_EMAIL,  /* no e-mail, or one the provider did not verify */
};
/* The journal's word for a refusal ("bad_signature", …). */
const char *oidc_refusal_name(enum oidc_refusal r);

/* Verifies a compact JWS ID token against a JWKS document, then its claims;
 * fills out (to free with oidc_claims_free) on OIDC_OK. */
enum oidc_refusal oidc_verify_id_token(const char *jwt, const char *jwks, const oidc_expect *e,
                                       oidc_claims *out, char *err, size_t errlen);

/* A login in progress. */
typedef struct oidc_pending {
	char state[OIDC_TOKEN_LEN];
	char nonce[OIDC_TOKEN_LEN];
	char verifier[OIDC_TOKEN_LEN];
	char binding[65]; /* hex hash of the browser's binding cookie */
	int64_t created;
} oidc_pending;

/* Keeps a new login in progress. */
void oidc_pending_put(const oidc_pending *p);
/* Takes (and forgets) the login of this state: OIDC_OK, OIDC_BAD_STATE when
 * unknown, used or bound to another browser, OIDC_LATE when too old. */
enum oidc_refusal oidc_pending_take(const char *state, const char *binding, int64_t now, oidc_pending *out);
/* Forgets every login in progress (tests). */
void oidc_pending_clear(void);

/* Starts a login: fetches the discovery document, keeps a new pending login
 * bound to binding, and gives the provider's authorization URL (malloc'd). */
int oidc_begin(const oidc_net *net, const oidc_settings *s, const char *binding, int64_t now, char **url,
               char *err, size_t errlen);
/* Ends a login from the provider's answer (state and code): the pending
 * login taken, the code exchanged, the ID token verified, the user
 * information read when the token carries no e-mail. *id_token receives the
 * raw ID token (malloc'd) for the logout at the provider. */
enum oidc_refusal oidc_finish(const oidc_net *net, const oidc_settings *s, const char *state,
                              const char *code, const char *binding, int64_t now, oidc_claims *out,
                              char **id_token, char *err, size_t errlen);
/* The provider's logout address (malloc'd) with id_token_hint (when known,
 * else client_id) and post_logout_redirect_uri; NULL when the provider has
 * no end_session_endpoint or cannot be reached. */
char *oidc_logout_url(const oidc_net *net, const oidc_settings *s, const char *id_token, const char *after);

/* The ID tokens of the sessions opened by ProConnect, by the session's id
 * hash, kept in memory for the logout (at most OIDC_PENDING_MAX; lost at a
 * restart, when the logout names the client instead). */
void oidc_session_remember(const char *session_hash, const char *id_token, int64_t now);
/* Takes the ID token of a session (malloc'd): NULL when the session was
 * not opened by ProConnect (or the server restarted since). */
char *oidc_session_take(const char *session_hash);

#endif
