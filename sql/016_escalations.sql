-- 016_escalations.sql: escalations of a demand to the back office of its
-- partner operator (docs/escalations.md, REFERENCE.md section 5): the
-- question an adviser sends with the person's consent, the documents
-- attached, every move of its life journaled with its time, and the
-- referents of each operator for the départements they answer.
--
-- src/domain/escalation.c holds the rules (statuses, moves, who may see and
-- do what); the CHECKs are a last guard. Personal data lives only in the
-- texts (question, bodies of the events) and the documents: the retention
-- purge empties them once a closed escalation is past its period
-- (wiped_at set), and the anonymous facts stay for the statistics.

-- demand_id, visit_id: the demand it comes from (no foreign key: a visit
-- corrected later may drop the demand, the escalation stays as a fact).
-- departement: the site's, when sent; with operator_code it chooses the
-- referents. info_requested: 1 while the referent waits for the adviser's
-- answer to a request for more information. due_at: sent_at plus the
-- operator's deadline (its deadline_days, or 15 days when not set).
-- told_by: how the person was told of the answer; useful: the adviser's
-- "was it useful?" at closing.
CREATE TABLE escalations (
	id {{pk}},
	demand_id {{int}} NOT NULL,
	visit_id {{int}} NOT NULL,
	site_id {{int}} NOT NULL REFERENCES sites (id),
	departement TEXT NOT NULL DEFAULT '',
	operator_code TEXT NOT NULL REFERENCES operators (code),
	status TEXT NOT NULL CHECK (status IN ('nouvelle', 'envoyee', 'en_cours', 'traitee', 'cloturee',
		'mauvais_interlocuteur')),
	info_requested {{int}} NOT NULL DEFAULT 0 CHECK (info_requested IN (0, 1)),
	question TEXT NOT NULL DEFAULT '',
	consent_at {{int}} NOT NULL,
	created_by {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL,
	sent_at {{int}} NOT NULL DEFAULT 0,
	due_at {{int}} NOT NULL DEFAULT 0,
	answered_at {{int}} NOT NULL DEFAULT 0,
	closed_at {{int}} NOT NULL DEFAULT 0,
	updated_at {{int}} NOT NULL,
	told_by TEXT NOT NULL DEFAULT '' CHECK (told_by IN ('', 'telephone', 'courrier', 'visite')),
	useful TEXT NOT NULL DEFAULT '' CHECK (useful IN ('', 'oui', 'ne_sait_pas', 'non')),
	wiped_at {{int}} NOT NULL DEFAULT 0,
	CHECK (status <> 'cloturee' OR closed_at > 0)
) {{strict}};

-- The referents' queue (operator, département, by due date), the advisers'
-- (site, by due date), the demand's block and the purge.
CREATE INDEX escalations_queue ON escalations (operator_code, departement, due_at);
CREATE INDEX escalations_site ON escalations (site_id, due_at);
CREATE INDEX escalations_demand ON escalations (demand_id);
CREATE INDEX escalations_closed ON escalations (closed_at);

-- Every move, in order: who (an account, 0 when unknown), when, what, the
-- status after it, and its text (an answer, a note, a question). internal:
-- a note of the operator's back office, never shown to the advisers.
CREATE TABLE escalation_events (
	id {{pk}},
	escalation_id {{int}} NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
	at {{int}} NOT NULL,
	user_id {{int}} NOT NULL DEFAULT 0,
	action TEXT NOT NULL CHECK (action IN ('creation', 'envoi', 'prise_en_charge', 'reponse', 'note',
		'demande_info', 'complement', 'mauvais_interlocuteur', 'redirection', 'cloture', 'piece')),
	status TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	internal {{int}} NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
	detail TEXT NOT NULL DEFAULT ''
) {{strict}};

CREATE INDEX escalation_events_escalation ON escalation_events (escalation_id, id);

-- The documents: their bytes are a file named by their SHA-256 in the
-- directory of the setting escalation-files-dir, never in the database and
-- never under the name they were sent with. name is that name, cleaned,
-- for display only (emptied by the purge with the file's row).
CREATE TABLE escalation_files (
	id {{pk}},
	escalation_id {{int}} NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
	sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
	mime TEXT NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png')),
	size {{int}} NOT NULL CHECK (size > 0),
	name TEXT NOT NULL DEFAULT '',
	added_by {{int}} NOT NULL DEFAULT 0,
	added_at {{int}} NOT NULL
) {{strict}};

CREATE INDEX escalation_files_escalation ON escalation_files (escalation_id);
CREATE INDEX escalation_files_sha256 ON escalation_files (sha256);

-- The départements an operator account answers for; its operator is the
-- account's operator_code (users). Set by an administrator on
-- /escalations/referents.
CREATE TABLE operator_referents (
	user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	departement TEXT NOT NULL CHECK (departement <> ''),
	PRIMARY KEY (user_id, departement)
) {{strict}};

CREATE INDEX operator_referents_departement ON operator_referents (departement);
