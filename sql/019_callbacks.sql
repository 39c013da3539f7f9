-- 019_callbacks.sql: a site's callback list, the 1718 contact-centre model
-- (docs/callbacks.md): a person who phoned and could not be served, or who
-- asked at the desk, is called back by an adviser of the site at the time
-- she prefers, in her language. src/domain/callback.c holds the rules
-- (statuses, moves, who may); the CHECKs are a last guard.
--
-- Personal data is kept to what the call needs: how to address the person
-- (name), the number to call (phone) and the reason in a few words. The
-- retention purge empties them once a closed callback is past the period
-- of the setting retention-callbacks (wiped_at set); the anonymous facts
-- stay for the measure "callbacks done within a day".

-- origin: telephone (she phoned) or guichet (she asked at the desk).
-- The preferred slot: a local day (slot_day, YYYY-MM-DD), a part of it
-- (slot_part: matin, apres_midi, journee, or plage for a range typed by
-- the adviser) and its bounds in minutes since midnight; starts_at and
-- ends_at are the same slot in Unix seconds, for sorting and for "overdue"
-- (open and ends_at past). operator_code: the operator concerned, '' for
-- none (no foreign key: '' names none). taken_by: the adviser who took it
-- (0 while nobody has). attempts counts the rows of callback_attempts.
-- visit_id: the visit recorded once done (0 until then).
CREATE TABLE callbacks (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id),
	status TEXT NOT NULL DEFAULT 'a_rappeler'
		CHECK (status IN ('a_rappeler', 'pris', 'fait', 'injoignable', 'annule')),
	origin TEXT NOT NULL DEFAULT 'telephone' CHECK (origin IN ('telephone', 'guichet')),
	name TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	lang TEXT NOT NULL DEFAULT 'fr',
	slot_day TEXT NOT NULL,
	slot_part TEXT NOT NULL CHECK (slot_part IN ('matin', 'apres_midi', 'journee', 'plage')),
	slot_from {{int}} NOT NULL CHECK (slot_from BETWEEN 0 AND 1440),
	slot_to {{int}} NOT NULL CHECK (slot_to BETWEEN 0 AND 1440),
	starts_at {{int}} NOT NULL,
	ends_at {{int}} NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	operator_code TEXT NOT NULL DEFAULT '',
	taken_by {{int}} NOT NULL DEFAULT 0,
	taken_at {{int}} NOT NULL DEFAULT 0,
	attempts {{int}} NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	created_by {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL,
	closed_by {{int}} NOT NULL DEFAULT 0,
	closed_at {{int}} NOT NULL DEFAULT 0,
	updated_at {{int}} NOT NULL,
	visit_id {{int}} NOT NULL DEFAULT 0,
	wiped_at {{int}} NOT NULL DEFAULT 0,
	CHECK (slot_to > slot_from),
	CHECK (status <> 'pris' OR taken_by > 0),
	CHECK (status NOT IN ('fait', 'injoignable', 'annule') OR closed_at > 0)
) {{strict}};

-- The advisers' list (a site, by preferred time), the measure (a site,
-- by creation) and the purge (by closing).
CREATE INDEX callbacks_site ON callbacks (site_id, status, starts_at);
CREATE INDEX callbacks_created ON callbacks (site_id, created_at);
CREATE INDEX callbacks_closed ON callbacks (closed_at);

-- Each call that did not reach the person, with its time and who made it:
-- pas_de_reponse (no answer), mauvais_numero (wrong number), messagerie
-- (voicemail). No free text: nothing personal to purge.
CREATE TABLE callback_attempts (
	id {{pk}},
	callback_id {{int}} NOT NULL REFERENCES callbacks (id) ON DELETE CASCADE,
	at {{int}} NOT NULL,
	user_id {{int}} NOT NULL DEFAULT 0,
	result TEXT NOT NULL CHECK (result IN ('pas_de_reponse', 'mauvais_numero', 'messagerie'))
) {{strict}};

CREATE INDEX callback_attempts_callback ON callback_attempts (callback_id, id);
