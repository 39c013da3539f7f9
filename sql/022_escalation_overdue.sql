-- 022_escalation_overdue.sql: when an escalation was announced late
-- (docs/escalations.md). The mail thread's sweep tells both sides once an
-- escalation envoyee or en_cours is past its due date, and sets
-- overdue_notified_at in the same conditional update, so that two servers
-- never announce it twice. A redirection gives a new due date, later than
-- the mark: that deadline is announced again once past. 0: never announced.
ALTER TABLE escalations ADD COLUMN overdue_notified_at {{int}} NOT NULL DEFAULT 0;

-- The sweep: open escalations by due date.
CREATE INDEX escalations_due ON escalations (status, due_at);
