-- 023_sync.sql: offline recording that synchronises with a central server
-- (docs/sync.md). Every visit, visitor, workshop and satisfaction answer
-- gets a global id (uid: the origin of the store that created it, a
-- letter and its id there; '' until given), and when and where it was last
-- changed at its origin (changed_at, changed_origin). Every write of those
-- records appends one row to sync_log in the same transaction.
ALTER TABLE visitors ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN changed_at {{int}} NOT NULL DEFAULT 0;
ALTER TABLE visitors ADD COLUMN changed_origin TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE visits ADD COLUMN changed_at {{int}} NOT NULL DEFAULT 0;
ALTER TABLE visits ADD COLUMN changed_origin TEXT NOT NULL DEFAULT '';
ALTER TABLE workshops ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE workshops ADD COLUMN changed_at {{int}} NOT NULL DEFAULT 0;
ALTER TABLE workshops ADD COLUMN changed_origin TEXT NOT NULL DEFAULT '';
ALTER TABLE satisfaction ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE satisfaction ADD COLUMN changed_at {{int}} NOT NULL DEFAULT 0;
ALTER TABLE satisfaction ADD COLUMN changed_origin TEXT NOT NULL DEFAULT '';

-- Unique once given; '' (none yet) may repeat.
CREATE UNIQUE INDEX visitors_uid ON visitors (uid) WHERE uid <> '';
CREATE UNIQUE INDEX visits_uid ON visits (uid) WHERE uid <> '';
CREATE UNIQUE INDEX workshops_uid ON workshops (uid) WHERE uid <> '';
CREATE UNIQUE INDEX satisfaction_uid ON satisfaction (uid) WHERE uid <> '';

-- The outbox and the pull cursor: one row per write. pushed_at is 0 while
-- the change waits for the centre's acknowledgement (a laptop), and set at
-- once for a write that came from elsewhere. origin is where the logged
-- state was made (changed_origin): a pull leaves out the puller's own.
--
-- seq comes from sync_seq, whose one row each logging transaction updates:
-- its lock is held until the commit, so numbers are given in commit order
-- and a rolled back transaction gives its number back. A pull that read up
-- to N has then seen every change numbered N or less, on PostgreSQL too
-- (where an identity column hands out numbers before the commit, in
-- another order, and leaves holes).
CREATE TABLE sync_seq (
	id {{int}} PRIMARY KEY CHECK (id = 1),
	last {{int}} NOT NULL
) {{strict}};

INSERT INTO sync_seq (id, last) VALUES (1, 0);

CREATE TABLE sync_log (
	seq {{int}} PRIMARY KEY,
	change_id TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('visit', 'workshop', 'satisfaction')),
	uid TEXT NOT NULL,
	site_id {{int}} NOT NULL,
	origin TEXT NOT NULL,
	created_at {{int}} NOT NULL,
	pushed_at {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE INDEX sync_log_pending ON sync_log (pushed_at, seq);
CREATE INDEX sync_log_site_seq ON sync_log (site_id, seq);

-- The attachment of a laptop store to its centre: one row at most (id 1).
CREATE TABLE sync_state (
	id {{int}} PRIMARY KEY CHECK (id = 1),
	server_url TEXT NOT NULL,
	token TEXT NOT NULL DEFAULT '',
	site_id {{int}} NOT NULL,
	pull_cursor {{int}} NOT NULL DEFAULT 0,
	attached_at {{int}} NOT NULL,
	last_ok_at {{int}} NOT NULL DEFAULT 0,
	last_try_at {{int}} NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT ''
) {{strict}};

-- The history of syncs (the manager's page).
CREATE TABLE sync_runs (
	id {{pk}},
	started_at {{int}} NOT NULL,
	ended_at {{int}} NOT NULL,
	direction TEXT NOT NULL CHECK (direction IN ('push', 'pull', 'attach', 'geo')),
	sent {{int}} NOT NULL DEFAULT 0,
	applied {{int}} NOT NULL DEFAULT 0,
	refused {{int}} NOT NULL DEFAULT 0,
	bytes {{int}} NOT NULL DEFAULT 0,
	error TEXT NOT NULL DEFAULT ''
) {{strict}};

CREATE INDEX sync_runs_started ON sync_runs (started_at);

-- What could not be applied, with its reason (a msgid), on the side that
-- refused it ('here') and on the side that sent it ('centre').
CREATE TABLE sync_rejects (
	id {{pk}},
	at {{int}} NOT NULL,
	change_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	uid TEXT NOT NULL,
	reason TEXT NOT NULL,
	side TEXT NOT NULL CHECK (side IN ('here', 'centre')),
	-- The version not kept, as it travels (JSON), when it is known here:
	-- a correction replaced keeps its content in the journal.
	detail TEXT NOT NULL DEFAULT ''
) {{strict}};

CREATE INDEX sync_rejects_at ON sync_rejects (at);
