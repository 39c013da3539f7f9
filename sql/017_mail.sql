-- 017_mail.sql: e-mail notifications to the accounts (docs/mail.md): each
-- account's choices, the events waiting for a digest, and the outbox the
-- server's worker sends from (src/app/app_mail.c).
--
-- No personal data of the people helped is ever stored here: an event is a
-- code and the path of a page of Guichet; the message is written from them
-- in the account's language when it is sent (src/domain/mail.c). The
-- recipient's address is read from the account at that moment.

-- An account's language for its messages (one of the staff languages),
-- recorded when it saves its choices.
CREATE TABLE mail_prefs (
	user_id {{int}} PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	lang TEXT NOT NULL DEFAULT 'fr' CHECK (length(lang) BETWEEN 2 AND 8),
	updated_at {{int}} NOT NULL
) {{strict}};

-- How an account wants each event: at once, in a digest twice a day, in a
-- daily digest, or never. An event without a row follows the default of
-- src/domain/mail.c.
CREATE TABLE mail_choices (
	user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	event TEXT NOT NULL CHECK (event <> ''),
	delivery TEXT NOT NULL CHECK (delivery IN ('immediate', 'twice_daily', 'daily', 'never')),
	PRIMARY KEY (user_id, event)
) {{strict}};

-- One message to one account. status: waiting (to send from next_at),
-- sending (claimed by a worker at claimed_at; handed_at set once its whole
-- text was given to the SMTP server), sent, failed (given up after the
-- attempts allowed, or refused for good), unknown (the worker stopped after
-- handing the text over and before hearing the answer: not sent again).
-- kind: an event's code, or 'digest'. last_error: an SMTP code or the kind
-- of failure, never an address.
CREATE TABLE mail_outbox (
	id {{pk}},
	user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind <> ''),
	status TEXT NOT NULL CHECK (status IN ('waiting', 'sending', 'sent', 'failed', 'unknown')),
	attempts {{int}} NOT NULL DEFAULT 0,
	created_at {{int}} NOT NULL,
	next_at {{int}} NOT NULL,
	claimed_at {{int}} NOT NULL DEFAULT 0,
	handed_at {{int}} NOT NULL DEFAULT 0,
	sent_at {{int}} NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT ''
) {{strict}};

CREATE INDEX mail_outbox_due ON mail_outbox (status, next_at);

-- Each event notified: its code, the path of the page it concerns, when,
-- and the message that carries it (0 while it waits for a digest due at
-- due_at).
CREATE TABLE mail_items (
	id {{pk}},
	user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	event TEXT NOT NULL CHECK (event <> ''),
	link TEXT NOT NULL DEFAULT '',
	created_at {{int}} NOT NULL,
	due_at {{int}} NOT NULL,
	message_id {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE INDEX mail_items_waiting ON mail_items (message_id, due_at);
CREATE INDEX mail_items_message ON mail_items (message_id, id);
