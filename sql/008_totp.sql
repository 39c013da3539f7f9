-- 008_totp.sql: the second factor (TOTP, RFC 6238) of an account and its
-- single-use recovery codes.
--
-- secret is the TOTP key sealed with the server's secret (libsodium
-- secretbox, hex of nonce and ciphertext): a copy of the database alone does
-- not give the codes. A row with enabled_at = 0 is an enrolment under way,
-- whose key has been shown but not yet confirmed by a code. last_step is the
-- last time step whose code was accepted: a code is good only for a later
-- step, so that a code seen over a shoulder cannot be used again.
CREATE TABLE user_totp (
	user_id {{int}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret TEXT NOT NULL CHECK (secret <> ''),
	enabled_at {{int}} NOT NULL DEFAULT 0,
	last_step {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL
) {{strict}};

-- Only a hash of each recovery code is kept; used_at is 0 until it is used.
CREATE TABLE user_totp_recovery (
	id {{pk}},
	user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	code_hash TEXT NOT NULL,
	used_at {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE INDEX user_totp_recovery_user ON user_totp_recovery (user_id);
