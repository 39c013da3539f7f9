-- 006_satisfaction.sql: the answers to the State's satisfaction survey
-- (REFERENCE.md section 6): the overall question (1 pas bien, 2 moyen,
-- 3 très bien), the clarity of the information (1 to 5, 0 when not
-- answered) and a free comment. Anonymous: a site and a time only, never a
-- visit or a person. src/satisfaction.c checks every field first with a
-- message; the CHECKs are a last guard.
--
-- recorded_by is the adviser who typed a paper answer, 0 for an answer
-- given by the public (kiosk or QR code). deleted_at is 0 while live: a
-- mistyped paper answer is deleted, not erased, and leaves the statistics.
CREATE TABLE satisfaction (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id),
	answered_at {{int}} NOT NULL,
	overall {{int}} NOT NULL CHECK (overall BETWEEN 1 AND 3),
	clarity {{int}} NOT NULL DEFAULT 0 CHECK (clarity BETWEEN 0 AND 5),
	comment TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL CHECK (source IN ('borne', 'qr', 'papier')),
	recorded_by {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL,
	deleted_at {{int}} NOT NULL DEFAULT 0
) {{strict}};

-- The answers of a site over a period (the advisers' page, the baseline
-- statistics), and the changes the statistics engine reads at each refresh.
CREATE INDEX satisfaction_site_answered ON satisfaction (site_id, answered_at);
CREATE INDEX satisfaction_updated ON satisfaction (updated_at);
