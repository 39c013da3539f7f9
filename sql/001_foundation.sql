-- 001_foundation.sql: settings, sites, users and their sites, sessions, API
-- tokens, login throttling and the audit journal.
--
-- Written once for SQLite and PostgreSQL: {{pk}}, {{int}} and {{strict}} are
-- expanded by the driver. Timestamps are integer Unix seconds (UTC). Text
-- columns are NOT NULL with '' for "not given", so that the code never has to
-- tell NULL from empty. Enumerations are checked here as a last guard; the
-- domain modules (site.c, user.c) check them first with a message.

CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
) {{strict}};

CREATE TABLE sites (
	id {{pk}},
	name TEXT NOT NULL CHECK (name <> ''),
	type TEXT NOT NULL CHECK (type IN ('france_services', 'france_services_itinerant', 'mairie',
		'mediatheque', 'centre_social', 'association', 'autre')),
	commune_insee TEXT NOT NULL DEFAULT '',
	departement TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	opening_hours TEXT NOT NULL DEFAULT '',
	languages TEXT NOT NULL DEFAULT '',
	accessibility TEXT NOT NULL DEFAULT '',
	accessibility_note TEXT NOT NULL DEFAULT '',
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL
) {{strict}};

CREATE INDEX sites_departement ON sites (departement, name);

CREATE TABLE users (
	id {{pk}},
	email TEXT NOT NULL UNIQUE CHECK (email <> ''),
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('agent', 'manager', 'coordinator', 'operator', 'admin')),
	departement TEXT NOT NULL DEFAULT '',
	operator_code TEXT NOT NULL DEFAULT '',
	-- Argon2id encoded string; '' when no password is set (no login).
	password_hash TEXT NOT NULL DEFAULT '',
	active {{int}} NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL
) {{strict}};

CREATE TABLE user_sites (
	user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	site_id {{int}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, site_id)
) {{strict}};

CREATE INDEX user_sites_site ON user_sites (site_id);

-- Only a hash of the session id is kept: a copy of the database does not
-- give access to open sessions.
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_key TEXT NOT NULL,
	created_at {{int}} NOT NULL,
	last_seen {{int}} NOT NULL
) {{strict}};

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id {{pk}},
	token_hash TEXT NOT NULL UNIQUE,
	user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	label TEXT NOT NULL DEFAULT '',
	created_at {{int}} NOT NULL,
	last_used_at {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- key is a hash of "account:…" or "address:…", never the e-mail or address.
CREATE TABLE login_failures (
	id {{pk}},
	key TEXT NOT NULL,
	at {{int}} NOT NULL
) {{strict}};

CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- user_id, object_id and site_id are 0 when not applicable. No foreign keys:
-- the journal outlives the users and records it mentions.
CREATE TABLE audit (
	id {{pk}},
	at {{int}} NOT NULL,
	user_id {{int}} NOT NULL DEFAULT 0,
	action TEXT NOT NULL,
	object TEXT NOT NULL DEFAULT '',
	object_id {{int}} NOT NULL DEFAULT 0,
	site_id {{int}} NOT NULL DEFAULT 0,
	address TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
) {{strict}};

CREATE INDEX audit_at ON audit (at);
