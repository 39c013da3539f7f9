-- 010_queue.sql: a site's waiting queue (docs/queue.md): its services with
-- their ticket prefixes, its settings and opening hours, the tickets of
-- each day and the advisers' justified pauses. src/domain/queue.c holds the
-- rules; the CHECKs are a last guard.
--
-- A service's label is the French text the site chose; a seeded label
-- ("Aide générale") is also a public msgid, translated on the public
-- pages. picto is an OpenMoji code ("1F4C4"), '' for none.
CREATE TABLE queue_services (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	prefix TEXT NOT NULL CHECK (length(prefix) = 1 AND prefix BETWEEN 'A' AND 'Z' AND upper(prefix) = prefix),
	label TEXT NOT NULL CHECK (label <> ''),
	picto TEXT NOT NULL DEFAULT '',
	position {{int}} NOT NULL DEFAULT 0,
	active {{int}} NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	UNIQUE (site_id, prefix)
) {{strict}};

-- One row per site once a manager saved the settings; a site without one
-- has the defaults (names hidden, every language and need, no hours).
-- kiosk_needs is a bit mask of QUEUE_NEED_* (src/store/store_queue.h).
CREATE TABLE queue_settings (
	site_id {{int}} PRIMARY KEY REFERENCES sites (id) ON DELETE CASCADE,
	show_names {{int}} NOT NULL DEFAULT 0 CHECK (show_names IN (0, 1)),
	hours_set {{int}} NOT NULL DEFAULT 0 CHECK (hours_set IN (0, 1)),
	kiosk_languages TEXT NOT NULL DEFAULT '',
	kiosk_needs {{int}} NOT NULL DEFAULT 15,
	updated_at {{int}} NOT NULL
) {{strict}};

-- Opening hours of the queue, per weekday (1 Monday .. 7 Sunday), in
-- minutes since midnight; opens = closes for a day it is closed.
CREATE TABLE queue_hours (
	site_id {{int}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	weekday {{int}} NOT NULL CHECK (weekday BETWEEN 1 AND 7),
	opens {{int}} NOT NULL CHECK (opens BETWEEN 0 AND 1440),
	closes {{int}} NOT NULL CHECK (closes BETWEEN 0 AND 1440),
	PRIMARY KEY (site_id, weekday),
	CHECK (closes >= opens)
) {{strict}};

-- Tickets. number counts per service and day (the site's local date),
-- unique so that two tickets issued at once cannot share one; key is the
-- random public key of the person's phone page. order_key is the arrival
-- time minus the priority's head start: the waiting list is ordered by it.
-- needs is a bit mask of QUEUE_NEED_*. name is the only free text, purged
-- after the retention period (docs/privacy.md). The timestamps give the
-- waiting time (called_at - arrived_at) and the service time
-- (ended_at - started_at); 0 while not yet. redirected_from links the
-- ticket a redirection created to the one it continues, which keeps its
-- arrival time, and origin_id the first ticket of such a chain (0 for a
-- ticket that is its own first): two tickets with the same order_key (the
-- same second) are served in the order of their first tickets' ids, so a
-- redirected person keeps her place even among those who came in the same
-- second. visit_id is the visit recorded when it finished.
CREATE TABLE tickets (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	service_id {{int}} NOT NULL REFERENCES queue_services (id) ON DELETE CASCADE,
	prefix TEXT NOT NULL,
	number {{int}} NOT NULL CHECK (number > 0),
	day TEXT NOT NULL,
	key TEXT NOT NULL UNIQUE,
	lang TEXT NOT NULL DEFAULT 'fr',
	needs {{int}} NOT NULL DEFAULT 0,
	priority TEXT NOT NULL DEFAULT 'aucune'
		CHECK (priority IN ('aucune', 'rendez_vous', 'mobilite_reduite', 'grossesse', 'age')),
	channel TEXT NOT NULL DEFAULT 'guichet_spontane',
	name TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'emis'
		CHECK (status IN ('emis', 'appele', 'en_cours', 'termine', 'absent', 'annule', 'redirige')),
	desk TEXT NOT NULL DEFAULT '',
	adviser_id {{int}} NOT NULL DEFAULT 0,
	issued_by {{int}} NOT NULL DEFAULT 0,
	arrived_at {{int}} NOT NULL,
	order_key {{int}} NOT NULL,
	called_at {{int}} NOT NULL DEFAULT 0,
	started_at {{int}} NOT NULL DEFAULT 0,
	ended_at {{int}} NOT NULL DEFAULT 0,
	recalls {{int}} NOT NULL DEFAULT 0,
	redirected_from {{int}} NOT NULL DEFAULT 0,
	origin_id {{int}} NOT NULL DEFAULT 0,
	visit_id {{int}} NOT NULL DEFAULT 0,
	satisfaction_done {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL,
	UNIQUE (site_id, service_id, day, number)
) {{strict}};

-- The waiting list of a site (status emis, in serving order), the tickets
-- called and served, the recent service times, and the purge and the
-- statistics by arrival time.
CREATE INDEX tickets_site_status_order ON tickets (site_id, status, order_key, id);
CREATE INDEX tickets_site_ended ON tickets (site_id, ended_at);
CREATE INDEX tickets_arrived ON tickets (arrived_at);
CREATE INDEX tickets_updated ON tickets (updated_at);

-- An adviser's justified pause at a desk; ended_at 0 while it lasts.
CREATE TABLE desk_pauses (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
	adviser_id {{int}} NOT NULL,
	desk TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL CHECK (reason IN ('pause', 'administratif', 'formation', 'autre')),
	started_at {{int}} NOT NULL,
	ended_at {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE INDEX desk_pauses_site_open ON desk_pauses (site_id, ended_at);
