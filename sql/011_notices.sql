-- 011_notices.sql: the notices a site publishes for the public (opening
-- hours, closures, events, information, legal notices), shown between
-- starts_at and ends_at on the public screen, the phone page and the
-- site's public page and feed (docs/notices.md). Public information, never
-- personal data. src/domain/notice.c checks every field first with a
-- message; the CHECKs are a last guard.
--
-- title and body are the French text; notice_texts holds the optional
-- translations, one row per public language. A notice is deleted for good
-- (no statistics count it), and the daily purge deletes those ended long
-- ago. created_by and updated_by are accounts, 0 when unknown.
CREATE TABLE notices (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('horaires', 'fermeture', 'evenement', 'information',
		'mention_legale')),
	title TEXT NOT NULL CHECK (title <> ''),
	body TEXT NOT NULL DEFAULT '',
	picto TEXT NOT NULL DEFAULT '',
	starts_at {{int}} NOT NULL,
	ends_at {{int}} NOT NULL,
	created_by {{int}} NOT NULL DEFAULT 0,
	updated_by {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL,
	CHECK (ends_at > starts_at)
) {{strict}};

-- The notices of a site around a time (the public pages), and the purge.
CREATE INDEX notices_site_ends ON notices (site_id, ends_at);
CREATE INDEX notices_ends ON notices (ends_at);

CREATE TABLE notice_texts (
	notice_id {{int}} NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
	lang TEXT NOT NULL,
	title TEXT NOT NULL CHECK (title <> ''),
	body TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (notice_id, lang)
) {{strict}};

-- When the notices of a site last changed (a notice written or deleted):
-- with the starts and ends of its notices, the time the public feed last
-- changed, for its Last-Modified.
CREATE TABLE notice_changes (
	site_id {{int}} PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
	changed_at {{int}} NOT NULL
) {{strict}};
