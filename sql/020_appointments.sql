-- 020_appointments.sql: appointments with the partner operators' experts
-- (docs/appointments.md, REFERENCE.md section 5): the permanence slots an
-- operator's referent or a site's manager publishes, the appointments the
-- advisers book in them for the people they help, the journal of each
-- appointment's statuses, and each account's secret calendar address.
--
-- src/domain/appointment.c holds the rules (modes, statuses, occurrences of
-- a weekly slot, who may do what); the CHECKs are a last guard.

-- A slot: an operator's permanence at a site, once (repeat_until 0) or
-- every week at the same local time until repeat_until (the last
-- occurrence starts at or before it). capacity: how many people each
-- occurrence receives. referent_id: the account of the expert who holds
-- it (0: none named; its calendar then goes to whoever published it).
-- place: where or how, as the slip prints it ("bureau 2", "le conseiller
-- appelle"). cancelled_at: 0 while it is offered.
CREATE TABLE appointment_slots (
	id {{pk}},
	site_id {{int}} NOT NULL REFERENCES sites (id),
	operator_code TEXT NOT NULL REFERENCES operators (code),
	mode TEXT NOT NULL CHECK (mode IN ('sur_place', 'telephone', 'visio', 'domicile')),
	starts_at {{int}} NOT NULL,
	duration_min {{int}} NOT NULL CHECK (duration_min BETWEEN 5 AND 480),
	capacity {{int}} NOT NULL CHECK (capacity BETWEEN 1 AND 50),
	repeat_until {{int}} NOT NULL DEFAULT 0,
	referent_id {{int}} NOT NULL DEFAULT 0,
	place TEXT NOT NULL DEFAULT '',
	created_by {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL,
	cancelled_at {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE INDEX appointment_slots_site ON appointment_slots (site_id, starts_at);
CREATE INDEX appointment_slots_operator ON appointment_slots (operator_code, cancelled_at);

-- An appointment: one seat of one occurrence (starts_at) of a slot. A
-- seat is held while the appointment is a_venir, honore or absent; an
-- appointment cancelled (excuse by the person, annule by the service)
-- gives its seat back (seat NULL). The UNIQUE constraint is what makes a
-- double booking impossible on both engines: two requests for the last
-- seat write the same (slot, occurrence, seat) and only one row can win.
-- demand_id, visit_id: the demand it was booked from (no foreign key: a
-- visit corrected later may drop it). phone, email: only when the person
-- gave them, emptied once the appointment is past (contact_wiped_at).
-- lang: the language of her slip and of her reminder. to_bring: the
-- adviser's list of the papers to bring (French). reminded_at: when the
-- reminder 48 hours before went out (0: not yet).
CREATE TABLE appointments (
	id {{pk}},
	slot_id {{int}} NOT NULL REFERENCES appointment_slots (id) ON DELETE CASCADE,
	starts_at {{int}} NOT NULL,
	seat {{int}} CHECK (seat IS NULL OR seat >= 1),
	site_id {{int}} NOT NULL REFERENCES sites (id),
	demand_id {{int}} NOT NULL DEFAULT 0,
	visit_id {{int}} NOT NULL DEFAULT 0,
	status TEXT NOT NULL CHECK (status IN ('a_venir', 'honore', 'excuse', 'annule', 'absent')),
	phone TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	lang TEXT NOT NULL DEFAULT 'fr' CHECK (length(lang) BETWEEN 2 AND 8),
	to_bring TEXT NOT NULL DEFAULT '',
	booked_by {{int}} NOT NULL DEFAULT 0,
	booked_at {{int}} NOT NULL,
	updated_at {{int}} NOT NULL,
	reminded_at {{int}} NOT NULL DEFAULT 0,
	contact_wiped_at {{int}} NOT NULL DEFAULT 0,
	CHECK ((seat IS NULL) = (status IN ('excuse', 'annule'))),
	UNIQUE (slot_id, starts_at, seat)
) {{strict}};

CREATE INDEX appointments_demand ON appointments (demand_id);
CREATE INDEX appointments_starts ON appointments (starts_at);

-- Every change of status, in order: who (an account, 0 for the server),
-- when, the status after it.
CREATE TABLE appointment_events (
	id {{pk}},
	appointment_id {{int}} NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
	at {{int}} NOT NULL,
	user_id {{int}} NOT NULL DEFAULT 0,
	status TEXT NOT NULL
) {{strict}};

CREATE INDEX appointment_events_appointment ON appointment_events (appointment_id, id);

-- An account's calendar address (/appointments/feed/TOKEN.ics): a random
-- secret, shown on its appointments page, replaced when it asks.
CREATE TABLE appointment_feeds (
	user_id {{int}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	token TEXT NOT NULL UNIQUE CHECK (length(token) = 64),
	created_at {{int}} NOT NULL
) {{strict}};
