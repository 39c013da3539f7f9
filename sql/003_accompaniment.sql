-- 003_accompaniment.sql: the accompaniment record: who was welcomed
-- (visitors, an anonymous profile unless the person consents to be named),
-- when, where and how (visits), what was asked and what came of it
-- (demands), and the collective workshops.
--
-- The vocabularies (REFERENCE.md section 4, src/enums.c) are checked here as
-- a last guard; visit.c checks them first with a message. '' means "not
-- given" where a column allows it. deleted_at is 0 for a live record: a
-- deleted visit stays for the audit journal but leaves every listing and
-- statistic.

-- One row per anonymous visit; an identified person (with consent and a
-- reason) keeps one row across visits at the same site. Personal data lives
-- in full_name, phone and email only, and only when identified = 1.
CREATE TABLE visitors (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id),
	age_bracket TEXT NOT NULL DEFAULT '' CHECK (age_bracket IN ('', 'moins_de_12', '12_17', '18_24',
		'25_39', '40_59', '60_69', '70_plus', 'non_communique')),
	birth_year {{int}} NOT NULL DEFAULT 0 CHECK (birth_year = 0 OR birth_year BETWEEN 1880 AND 2200),
	gender TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'feminin', 'masculin', 'non_communique')),
	social_status TEXT NOT NULL DEFAULT '' CHECK (social_status IN ('', 'scolarise', 'sans_emploi',
		'en_emploi', 'retraite', 'non_communique')),
	commune_insee TEXT NOT NULL DEFAULT '',
	no_phone {{int}} NOT NULL DEFAULT 0 CHECK (no_phone IN (0, 1)),
	no_email {{int}} NOT NULL DEFAULT 0 CHECK (no_email IN (0, 1)),
	no_device {{int}} NOT NULL DEFAULT 0 CHECK (no_device IN (0, 1)),
	no_internet {{int}} NOT NULL DEFAULT 0 CHECK (no_internet IN (0, 1)),
	allophone {{int}} NOT NULL DEFAULT 0 CHECK (allophone IN (0, 1)),
	languages TEXT NOT NULL DEFAULT '',
	illiteracy {{int}} NOT NULL DEFAULT 0 CHECK (illiteracy IN (0, 1)),
	disabilities TEXT NOT NULL DEFAULT '',
	very_precarious {{int}} NOT NULL DEFAULT 0 CHECK (very_precarious IN (0, 1)),
	identified {{int}} NOT NULL DEFAULT 0 CHECK (identified IN (0, 1)),
	full_name TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	consent_reason TEXT NOT NULL DEFAULT '' CHECK (consent_reason IN ('', 'suivi', 'rappel', 'escalade')),
	consent_at {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL,
	-- No name without consent and a reason; an anonymous row holds no
	-- contact details at all.
	CHECK (identified = 1 OR (full_name = '' AND phone = '' AND email = '' AND consent_reason = '')),
	CHECK (identified = 0 OR consent_reason <> '')
) {{strict}};

CREATE INDEX visitors_site_identified ON visitors (site_id, identified);

-- agent_id is NULL for records imported without a known adviser.
CREATE TABLE visits (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id),
	agent_id {{int}} REFERENCES users (id),
	visitor_id {{int}} NOT NULL REFERENCES visitors (id),
	started_at {{int}} NOT NULL,
	channel TEXT NOT NULL CHECK (channel IN ('guichet_spontane', 'guichet_rdv', 'telephone', 'itinerant',
		'domicile', 'visio', 'courrier_email', 'rappel')),
	place TEXT NOT NULL DEFAULT '',
	duration_min {{int}} NOT NULL DEFAULT 0 CHECK (duration_min BETWEEN 0 AND 600),
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL,
	deleted_at {{int}} NOT NULL DEFAULT 0
) {{strict}};

-- The day journal of a site, and the period filters of the statistics.
CREATE INDEX visits_site_started ON visits (site_id, started_at);
CREATE INDEX visits_started ON visits (started_at);
CREATE INDEX visits_agent_started ON visits (agent_id, started_at);
CREATE INDEX visits_visitor ON visits (visitor_id);

-- site_id repeats the visit's site so that scoped statistics and the
-- frequent-operators query read demands alone. procedure_id is NULL for a
-- procedure given as free text.
CREATE TABLE demands (
	id {{pk}},
	visit_id {{int}} NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
	site_id {{int}} NOT NULL REFERENCES sites (id),
	operator_code TEXT NOT NULL REFERENCES operators (code),
	theme_code TEXT NOT NULL REFERENCES themes (code),
	procedure_id {{int}} REFERENCES procedures (id),
	procedure_text TEXT NOT NULL DEFAULT '',
	level TEXT NOT NULL CHECK (level IN ('information', 'fait_avec', 'fait_pour')),
	mandate_type TEXT NOT NULL DEFAULT '' CHECK (mandate_type IN ('', 'papier', 'sms', 'aidants_connect')),
	mandate_ref TEXT NOT NULL DEFAULT '',
	autonomy {{int}} NOT NULL DEFAULT 0 CHECK (autonomy BETWEEN 0 AND 3),
	equipment TEXT NOT NULL DEFAULT '',
	interpreting TEXT NOT NULL DEFAULT '' CHECK (interpreting IN ('', 'aucun', 'telephone', 'collegue',
		'proche', 'application')),
	interpreting_lang TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL CHECK (outcome IN ('resolu', 'a_finaliser_en_autonomie', 'doit_revenir', 'oriente',
		'escalade')),
	referral_type TEXT NOT NULL DEFAULT '' CHECK (referral_type IN ('', 'administration',
		'autre_mediation_numerique', 'operateur_en_charge', 'aide_sociale', 'insertion_professionnelle',
		'aide_aux_demarches', 'autre')),
	escalation_id {{int}} NOT NULL DEFAULT 0,
	duration_min {{int}} NOT NULL DEFAULT 0 CHECK (duration_min BETWEEN 0 AND 600),
	note TEXT NOT NULL DEFAULT '',
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL,
	CHECK (level = 'fait_pour' OR (mandate_type = '' AND mandate_ref = '')),
	CHECK (outcome = 'oriente' OR referral_type = '')
) {{strict}};

CREATE INDEX demands_visit ON demands (visit_id);
CREATE INDEX demands_site_created ON demands (site_id, created_at);
CREATE INDEX demands_operator ON demands (operator_code);
CREATE INDEX demands_theme ON demands (theme_code);
CREATE INDEX demands_procedure ON demands (procedure_id);

-- Collective workshops: anonymous counts only (by gender in the order
-- feminin, masculin, non_communique; by age bracket in ENUM_AGE order).
CREATE TABLE workshops (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id),
	agent_id {{int}} REFERENCES users (id),
	topic_code TEXT NOT NULL REFERENCES skill_topics (code),
	level TEXT NOT NULL CHECK (level IN ('debutant', 'intermediaire', 'avance')),
	held_at {{int}} NOT NULL,
	duration_min {{int}} NOT NULL DEFAULT 0 CHECK (duration_min BETWEEN 0 AND 600),
	participants {{int}} NOT NULL DEFAULT 0 CHECK (participants >= 0),
	g_feminin {{int}} NOT NULL DEFAULT 0 CHECK (g_feminin >= 0),
	g_masculin {{int}} NOT NULL DEFAULT 0 CHECK (g_masculin >= 0),
	g_non_communique {{int}} NOT NULL DEFAULT 0 CHECK (g_non_communique >= 0),
	a_moins_de_12 {{int}} NOT NULL DEFAULT 0 CHECK (a_moins_de_12 >= 0),
	a_12_17 {{int}} NOT NULL DEFAULT 0 CHECK (a_12_17 >= 0),
	a_18_24 {{int}} NOT NULL DEFAULT 0 CHECK (a_18_24 >= 0),
	a_25_39 {{int}} NOT NULL DEFAULT 0 CHECK (a_25_39 >= 0),
	a_40_59 {{int}} NOT NULL DEFAULT 0 CHECK (a_40_59 >= 0),
	a_60_69 {{int}} NOT NULL DEFAULT 0 CHECK (a_60_69 >= 0),
	a_70_plus {{int}} NOT NULL DEFAULT 0 CHECK (a_70_plus >= 0),
	a_non_communique {{int}} NOT NULL DEFAULT 0 CHECK (a_non_communique >= 0),
	note TEXT NOT NULL DEFAULT '',
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL,
	deleted_at {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE INDEX workshops_site_held ON workshops (site_id, held_at);
CREATE INDEX workshops_held ON workshops (held_at);
