-- 005_catalog_edit.sql: administrators edit the digital-skills topics
-- (src/page_catalog.c). A topic is never deleted, since workshops point at
-- it: a deactivated one leaves the workshop form and stays readable in the
-- records. A portable ADD COLUMN: SQLite and PostgreSQL both accept a
-- NOT NULL column with a constant default on an existing table.
ALTER TABLE skill_topics ADD COLUMN active {{int}} NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
