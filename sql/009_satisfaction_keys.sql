-- 009_satisfaction_keys.sql: the key of a site's public satisfaction page
-- can be changed (src/domain/satisfaction.c derives it from the site's id,
-- this generation and the server's secret). A site without a row is at
-- generation 0, the key it had before this migration, so that the posters
-- already printed keep working until a manager changes it. rotated_by is
-- the account that changed it last.
CREATE TABLE satisfaction_keys (
	site_id {{int}} PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
	generation {{int}} NOT NULL CHECK (generation > 0),
	rotated_at {{int}} NOT NULL,
	rotated_by {{int}} NOT NULL DEFAULT 0
) {{strict}};
