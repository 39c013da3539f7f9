-- 014_visit_facts.sql: the person's telephone, told apart. no_phone said
-- only "no telephone at all"; a person with a telephone that cannot reach
-- internet (no smartphone) had no answer of their own. phone_kind is
-- '' (not asked), 'aucun' (no telephone: no_phone = 1), 'sans_internet' (a
-- telephone without internet) or 'smartphone'. no_phone stays, kept equal
-- to phone_kind = 'aucun' by the rules of a record (src/domain/visit.c),
-- so that statistics, exports and the API read it as before.
ALTER TABLE visitors ADD COLUMN phone_kind TEXT NOT NULL DEFAULT ''
	CHECK (phone_kind IN ('', 'aucun', 'sans_internet', 'smartphone'));
UPDATE visitors SET phone_kind = 'aucun' WHERE no_phone = 1;
