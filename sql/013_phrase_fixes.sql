-- 013_phrase_fixes.sql: a site's own wording of public phrases
-- (docs/speech.md, "A site's corrections"). The translations of the public
-- phrases come from po/*.po, the same for every site; a site's manager may
-- replace one phrase in one language for that site only (a local name, a
-- better word for the people who come). The kiosk, the ticket and phone
-- pages, the public screen, the notices and the satisfaction page of the
-- site then show and speak that text. phrase_id is the short hash of the
-- phrase's French msgid (12 hex digits, as recorded_audio's); msgid keeps
-- the French text the correction was written for, so that a phrase whose
-- source changed can be shown as such.
CREATE TABLE phrase_fixes (
	site_id {{int}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	lang TEXT NOT NULL CHECK (length(lang) BETWEEN 2 AND 8),
	phrase_id TEXT NOT NULL CHECK (length(phrase_id) = 12),
	msgid TEXT NOT NULL,
	text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 600),
	updated_at {{int}} NOT NULL,
	updated_by {{int}} NOT NULL DEFAULT 0,
	PRIMARY KEY (site_id, lang, phrase_id)
) {{strict}};
