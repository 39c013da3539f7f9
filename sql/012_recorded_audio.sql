-- 012_recorded_audio.sql: recordings a site's manager uploaded for the
-- public phrases (docs/speech.md). When a site has one for a phrase in a
-- language, it is heard instead of the synthetic voice; it is the only
-- audio of a language that has no voice (Pashto, Tigrinya, Somali).
-- phrase_id is the short hash of the phrase's French msgid (12 hex digits);
-- mime is one of audio/wav, audio/ogg, audio/mpeg, checked from the file's
-- first bytes; data holds the file in base64 (the store keeps text only);
-- bytes is its decoded size.
CREATE TABLE recorded_audio (
	site_id {{int}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	lang TEXT NOT NULL CHECK (length(lang) BETWEEN 2 AND 8),
	phrase_id TEXT NOT NULL CHECK (length(phrase_id) = 12),
	mime TEXT NOT NULL CHECK (mime IN ('audio/wav', 'audio/ogg', 'audio/mpeg')),
	bytes {{int}} NOT NULL CHECK (bytes > 0),
	data TEXT NOT NULL,
	uploaded_at {{int}} NOT NULL,
	uploaded_by {{int}} NOT NULL DEFAULT 0,
	PRIMARY KEY (site_id, lang, phrase_id)
) {{strict}};
