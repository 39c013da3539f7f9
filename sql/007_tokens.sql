-- 007_tokens.sql: API tokens expire. label is the token's name, shown in the
-- lists; last_used_at already exists. A revoked token is deleted.
--
-- Tokens made before this migration never expired: they get the longest
-- life a new token may have (LIMIT_TOKEN_MAX_DAYS, one year) counted from
-- their creation, so that a forgotten old token ends on its own.
ALTER TABLE api_tokens ADD COLUMN expires_at {{int}} NOT NULL DEFAULT 0;

UPDATE api_tokens SET expires_at = created_at + 31536000;
