-- 015_addresses.sql: addresses (docs/addresses.md, REFERENCE.md section 8).
--
-- - commune_delegates: the communes déléguées and associées of the
--   official geography, with the current commune they belong to (parent),
--   loaded with it by "guichet geo load", so that an address typed with a
--   former commune's name is written as La Poste delivers it (the former
--   commune on line 5, the current one on line 6).
-- - bal_addresses: the numbered addresses a commune publishes (the national
--   "Base Adresse Locale" CSV, loaded by "guichet address load-bal"), to
--   match an old description (a lieu-dit, a former road name) with the new
--   address. Public data, no personal data. The keys are the names as
--   address_name_key writes them (capitals without accents).
-- - bal_loads: when each commune's file was loaded, and how many rows.
-- - address_checklist: the bodies to tell about a new address ("who to
--   tell"), edited by administrators like the operators. label and how are
--   French; the seed rows are public phrases translated in every public
--   language (an edited text is shown in French until translated).
-- - visit_address_checklist: which items were done during a visit. No
--   address is stored: only the item's code, when and by whom.
CREATE TABLE commune_delegates (
	code TEXT NOT NULL,
	name TEXT NOT NULL CHECK (name <> ''),
	name_folded TEXT NOT NULL,
	parent TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('deleguee', 'associee')),
	PRIMARY KEY (code, parent, kind)
) {{strict}};

CREATE INDEX commune_delegates_name ON commune_delegates (name_folded);
CREATE INDEX commune_delegates_parent ON commune_delegates (parent);

CREATE TABLE bal_addresses (
	id {{pk}},
	commune_insee TEXT NOT NULL,
	commune_nom TEXT NOT NULL,
	deleguee_insee TEXT NOT NULL DEFAULT '',
	deleguee_nom TEXT NOT NULL DEFAULT '',
	voie_nom TEXT NOT NULL CHECK (voie_nom <> ''),
	voie_key TEXT NOT NULL,
	lieudit TEXT NOT NULL DEFAULT '',
	lieudit_key TEXT NOT NULL DEFAULT '',
	numero {{int}} NOT NULL CHECK (numero BETWEEN 0 AND 99999),
	suffixe TEXT NOT NULL DEFAULT '',
	cle_interop TEXT NOT NULL,
	uid TEXT NOT NULL DEFAULT '',
	position TEXT NOT NULL DEFAULT '',
	lon TEXT NOT NULL DEFAULT '',
	lat TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL DEFAULT '',
	date_der_maj TEXT NOT NULL DEFAULT '',
	certifie {{int}} NOT NULL DEFAULT 0 CHECK (certifie IN (0, 1))
) {{strict}};

CREATE INDEX bal_addresses_voie ON bal_addresses (commune_insee, voie_key, numero);
CREATE INDEX bal_addresses_lieudit ON bal_addresses (commune_insee, lieudit_key);

CREATE TABLE bal_loads (
	commune_insee TEXT PRIMARY KEY,
	commune_nom TEXT NOT NULL,
	n_rows {{int}} NOT NULL,
	loaded_at {{int}} NOT NULL,
	file TEXT NOT NULL DEFAULT ''
) {{strict}};

CREATE TABLE address_checklist (
	code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 32),
	label TEXT NOT NULL CHECK (label <> ''),
	how TEXT NOT NULL DEFAULT '',
	with_adviser {{int}} NOT NULL DEFAULT 0 CHECK (with_adviser IN (0, 1)),
	active {{int}} NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	sort {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE TABLE visit_address_checklist (
	visit_id {{int}} NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
	item_code TEXT NOT NULL REFERENCES address_checklist (code),
	done_at {{int}} NOT NULL,
	done_by {{int}} NOT NULL DEFAULT 0,
	PRIMARY KEY (visit_id, item_code)
) {{strict}};

-- The texts are those of the public phrases of src/pages/page_address.c.
INSERT INTO address_checklist (code, label, how, with_adviser, sort) VALUES
	('caf', 'CAF (allocations, aide au logement, RSA, prime d''activité)',
	 'En ligne : votre compte sur caf.fr, « Déclarer un changement ».', 1, 10),
	('assurance_maladie', 'Assurance Maladie',
	 'En ligne : votre compte ameli, « Mes informations ».', 1, 20),
	('impots', 'Impôts',
	 'En ligne : votre espace particulier sur impots.gouv.fr, « Gérer mon profil ».', 1, 30),
	('france_travail', 'France Travail (si vous cherchez un emploi)',
	 'En ligne : votre espace sur francetravail.fr, « Mes informations personnelles ».', 1, 40),
	('retraite', 'Retraite (si vous êtes retraité)',
	 'En ligne : info-retraite.fr, « Changer mon adresse » : une fois pour toutes vos caisses.', 1, 50),
	('carte_grise', 'Carte grise : dans le mois qui suit',
	 'En ligne : site de l''ANTS, « Changer l''adresse sur ma carte grise ». C''est gratuit.', 1, 60),
	('papiers_identite', 'Carte d''identité et passeport : ce n''est pas obligatoire',
	 'Rien à faire maintenant : la nouvelle adresse sera écrite au prochain renouvellement.', 0, 70),
	('la_poste', 'La Poste : faire suivre votre courrier (service payant)',
	 'En ligne sur laposte.fr ou au bureau de poste : « Réexpédition du courrier ».', 1, 80),
	('liste_electorale', 'Liste électorale (pour voter)',
	 'En ligne sur service-public.fr, « Inscription sur les listes électorales », ou à la mairie.', 1, 90),
	('energie_eau', 'Électricité, gaz et eau',
	 'Dans votre espace client en ligne, ou par téléphone, pour chaque fournisseur.', 1, 100),
	('banque_assurance', 'Banque et assurances (logement, voiture)',
	 'Dans votre espace client en ligne, ou à votre agence.', 0, 110),
	('employeur', 'Employeur',
	 'Dites-le à votre employeur ou au service du personnel.', 0, 120);
