-- 002_catalog.sql: the reference data of an accompaniment record: partner
-- operators, the 11 service-public themes, a catalog of common procedures,
-- the digital-skills topics, and the official geography (loaded by
-- "guichet geo load", empty until then). Also the correction window of each
-- site.
--
-- The seed follows REFERENCE.md sections 2 and 3: the vocabularies that
-- advisers, coordinators and the national programme already speak, so that
-- exports line up with theirs. Labels are French data, shown as stored;
-- administrators edit operators and procedures (they change every year).

CREATE TABLE operators (
	code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 32),
	name TEXT NOT NULL CHECK (name <> ''),
	national {{int}} NOT NULL DEFAULT 0 CHECK (national IN (0, 1)),
	-- Back-office answer deadline in days; 0 when not set (no national
	-- commitment exists, REFERENCE.md section 2).
	deadline_days {{int}} NOT NULL DEFAULT 0 CHECK (deadline_days >= 0),
	active {{int}} NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	sort {{int}} NOT NULL DEFAULT 0
) {{strict}};

-- sort keeps the order of the lists below (service-public's for themes).
CREATE TABLE themes (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL CHECK (label <> ''),
	sort {{int}} NOT NULL DEFAULT 0
) {{strict}};

-- operator_code is '' when the procedure has no default operator, which a
-- foreign key cannot express: catalog.c checks that a non-empty code exists.
CREATE TABLE procedures (
	id {{pk}},
	label TEXT NOT NULL CHECK (label <> ''),
	theme_code TEXT NOT NULL REFERENCES themes (code),
	operator_code TEXT NOT NULL DEFAULT '',
	url TEXT NOT NULL DEFAULT '',
	documents TEXT NOT NULL DEFAULT '',
	active {{int}} NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) {{strict}};

CREATE INDEX procedures_theme ON procedures (theme_code);

CREATE TABLE skill_topics (
	code TEXT PRIMARY KEY,
	label TEXT NOT NULL CHECK (label <> ''),
	sort {{int}} NOT NULL DEFAULT 0
) {{strict}};

-- The official geography (@etalab/decoupage-administratif), replaced as a
-- whole by each load. No foreign keys from the records to it: communes merge
-- every year, and a record keeps the code it was given.
CREATE TABLE regions (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL
) {{strict}};

CREATE TABLE departements (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	region_code TEXT NOT NULL DEFAULT ''
) {{strict}};

-- name_folded: lower case, accents removed, '-' and apostrophes as spaces,
-- so that "st-etienne" finds nothing but "saint etienne" finds
-- Saint-Étienne; searched by prefix through its index.
CREATE TABLE communes (
	code TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	name_folded TEXT NOT NULL,
	departement TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	postcodes TEXT NOT NULL DEFAULT '',
	population {{int}} NOT NULL DEFAULT 0
) {{strict}};

CREATE INDEX communes_name_folded ON communes (name_folded);

CREATE TABLE commune_postcodes (
	postcode TEXT NOT NULL,
	code TEXT NOT NULL,
	PRIMARY KEY (postcode, code)
) {{strict}};

CREATE INDEX commune_postcodes_code ON commune_postcodes (code);

-- Days during which an adviser may still correct or delete a record.
ALTER TABLE sites ADD COLUMN correction_days {{int}} NOT NULL DEFAULT 7;

-- Partner operators: the national partners of the programme first, then the
-- ones frequently met at the desks, then "autre" for everything else.
INSERT INTO operators (code, name, national, deadline_days, active, sort) VALUES
	('ants', 'France Titres (ANTS)', 1, 0, 1, 10),
	('cnaf', 'CAF (CNAF)', 1, 0, 1, 20),
	('cnam', 'Assurance Maladie (CNAM)', 1, 0, 1, 30),
	('dgfip', 'Impôts (DGFiP)', 1, 0, 1, 40),
	('cnav', 'Assurance retraite (CNAV)', 1, 0, 1, 50),
	('france_travail', 'France Travail', 1, 0, 1, 60),
	('msa', 'MSA', 1, 0, 1, 70),
	('agirc_arrco', 'Agirc-Arrco', 1, 0, 1, 80),
	('la_poste', 'La Poste', 1, 0, 1, 90),
	('justice', 'Ministère de la Justice', 1, 0, 1, 100),
	('interieur', 'Ministère de l''Intérieur', 1, 0, 1, 110),
	('urssaf', 'Urssaf', 0, 0, 1, 200),
	('anah', 'Anah / France Rénov''', 0, 0, 1, 210),
	('cheque_energie', 'Chèque énergie', 0, 0, 1, 220),
	('mdph', 'MDPH', 0, 0, 1, 230),
	('ofpra', 'OFPRA', 0, 0, 1, 240),
	('banque_de_france', 'Banque de France', 0, 0, 1, 250),
	('prefecture', 'Préfecture ou sous-préfecture', 0, 0, 1, 260),
	('mairie', 'Mairie', 0, 0, 1, 270),
	('ccas', 'CCAS', 0, 0, 1, 280),
	('mission_locale', 'Mission locale', 0, 0, 1, 290),
	('autre', 'Autre organisme', 0, 0, 1, 1000);

INSERT INTO themes (code, label, sort) VALUES
	('papiers_citoyennete', 'Papiers - Élections - Citoyenneté', 1),
	('famille_scolarite', 'Famille - Scolarité', 2),
	('social_sante', 'Social - Santé', 3),
	('travail_formation', 'Travail - Formation - Entreprise', 4),
	('logement', 'Logement', 5),
	('transports_mobilite', 'Transports - Mobilité', 6),
	('argent_impots', 'Argent - Impôts - Consommation', 7),
	('justice', 'Justice', 8),
	('etrangers_europe', 'Étrangers - Europe', 9),
	('loisirs_sports_culture', 'Loisirs - Sports - Culture', 10),
	('associations', 'Associations', 11);

-- The common procedures of REFERENCE.md section 3, with an official link and
-- the documents to bring (one per line). Inserted in this order, they get the
-- ids 1 to 30 on a new store (ids are not written here: PostgreSQL's
-- identity columns would not count them).
INSERT INTO procedures (label, theme_code, operator_code, url, documents, active) VALUES
	('Carte d''identité', 'papiers_citoyennete', 'ants',
	 'https://www.service-public.fr/particuliers/vosdroits/N358',
	 'Numéro de pré-demande en ligne
Photo d''identité de moins de 6 mois
Justificatif de domicile
Ancienne carte ou déclaration de perte ou de vol', 1),
	('Passeport', 'papiers_citoyennete', 'ants',
	 'https://www.service-public.fr/particuliers/vosdroits/N360',
	 'Numéro de pré-demande en ligne
Photo d''identité de moins de 6 mois
Justificatif de domicile
Timbre fiscal
Ancien passeport', 1),
	('Permis de conduire', 'transports_mobilite', 'ants',
	 'https://permisdeconduire.ants.gouv.fr',
	 'Photo-signature numérique (code e-photo)
Justificatif d''identité
Justificatif de domicile', 1),
	('Carte grise (certificat d''immatriculation)', 'transports_mobilite', 'ants',
	 'https://www.service-public.fr/particuliers/vosdroits/N367',
	 'Justificatif d''identité
Justificatif de domicile
Certificat de cession ou facture d''achat
Ancienne carte grise barrée
Contrôle technique de moins de 6 mois (véhicule de plus de 4 ans)', 1),
	('Prime d''activité', 'social_sante', 'cnaf',
	 'https://www.service-public.fr/particuliers/vosdroits/F2882',
	 'Identifiants caf.fr
Revenus des 3 derniers mois
Relevé d''identité bancaire', 1),
	('RSA (revenu de solidarité active)', 'social_sante', 'cnaf',
	 'https://www.service-public.fr/particuliers/vosdroits/N19775',
	 'Justificatif d''identité
Ressources des 3 derniers mois
Relevé d''identité bancaire
Numéro de sécurité sociale', 1),
	('Aide au logement (APL)', 'logement', 'cnaf',
	 'https://www.service-public.fr/particuliers/vosdroits/N20360',
	 'Bail ou contrat de location
Montant du loyer
Relevé d''identité bancaire
Numéro fiscal', 1),
	('Allocations familiales', 'famille_scolarite', 'cnaf',
	 'https://www.service-public.fr/particuliers/vosdroits/F13213',
	 'Livret de famille ou actes de naissance des enfants
Relevé d''identité bancaire', 1),
	('Carte Vitale', 'social_sante', 'cnam',
	 'https://www.ameli.fr',
	 'Justificatif d''identité
Photo d''identité
Numéro de sécurité sociale', 1),
	('Complémentaire santé solidaire', 'social_sante', 'cnam',
	 'https://www.service-public.fr/particuliers/vosdroits/F10027',
	 'Ressources des 12 derniers mois de chaque membre du foyer
Numéro de sécurité sociale
Justificatif d''identité', 1),
	('Aide médicale de l''État (AME)', 'social_sante', 'cnam',
	 'https://www.service-public.fr/particuliers/vosdroits/F3079',
	 'Justificatif d''identité
Justificatif de résidence en France depuis plus de 3 mois
Justificatif de domicile
Ressources des 12 derniers mois', 1),
	('Remboursement de soins', 'social_sante', 'cnam',
	 'https://www.ameli.fr',
	 'Carte Vitale
Feuille de soins ou décompte
Identifiants ameli', 1),
	('Déclaration de revenus', 'argent_impots', 'dgfip',
	 'https://www.impots.gouv.fr',
	 'Numéro fiscal et mot de passe impots.gouv.fr
Dernier avis d''imposition
Justificatifs de revenus de l''année', 1),
	('Avis d''imposition', 'argent_impots', 'dgfip',
	 'https://www.impots.gouv.fr',
	 'Numéro fiscal et mot de passe impots.gouv.fr', 1),
	('Prélèvement à la source', 'argent_impots', 'dgfip',
	 'https://www.impots.gouv.fr',
	 'Numéro fiscal et mot de passe impots.gouv.fr
Dernier avis d''imposition', 1),
	('Inscription à France Travail', 'travail_formation', 'france_travail',
	 'https://www.francetravail.fr',
	 'Justificatif d''identité
Numéro de sécurité sociale
Curriculum vitae
Relevé d''identité bancaire', 1),
	('Actualisation mensuelle', 'travail_formation', 'france_travail',
	 'https://www.francetravail.fr',
	 'Identifiant France Travail et mot de passe
Bulletins de salaire du mois', 1),
	('Demande de retraite', 'social_sante', 'cnav',
	 'https://www.info-retraite.fr',
	 'Identifiants FranceConnect
Relevé de carrière
Relevé d''identité bancaire
Dernier avis d''imposition', 1),
	('Allocation de solidarité aux personnes âgées (ASPA)', 'social_sante', 'cnav',
	 'https://www.service-public.fr/particuliers/vosdroits/F16871',
	 'Justificatif d''identité
Ressources des 3 derniers mois
Dernier avis d''imposition
Relevé d''identité bancaire', 1),
	('Pension de réversion', 'social_sante', 'cnav',
	 'https://www.info-retraite.fr',
	 'Acte de décès du conjoint
Acte de mariage
Ressources des 3 derniers mois
Relevé d''identité bancaire', 1),
	('Demande à la MDPH (AAH, carte mobilité inclusion)', 'social_sante', 'mdph',
	 'https://www.service-public.fr/particuliers/vosdroits/F12242',
	 'Formulaire de demande (cerfa 15692)
Certificat médical de moins d''un an
Justificatif d''identité
Justificatif de domicile', 1),
	('Chèque énergie', 'logement', 'cheque_energie',
	 'https://www.chequeenergie.gouv.fr',
	 'Chèque énergie reçu ou numéro de chèque
Facture d''énergie', 1),
	('MaPrimeRénov''', 'logement', 'anah',
	 'https://www.maprimerenov.gouv.fr',
	 'Dernier avis d''imposition
Devis des travaux
Adresse e-mail', 1),
	('Titre de séjour', 'etrangers_europe', 'prefecture',
	 'https://www.service-public.fr/particuliers/vosdroits/N110',
	 'Passeport
Titre de séjour en cours ou récépissé
Justificatif de domicile
Photos d''identité', 1),
	('Extrait de casier judiciaire', 'justice', 'justice',
	 'https://casier-judiciaire.justice.gouv.fr',
	 'Justificatif d''identité', 1),
	('Aide juridictionnelle', 'justice', 'justice',
	 'https://www.service-public.fr/particuliers/vosdroits/F18074',
	 'Formulaire de demande (cerfa 16146)
Dernier avis d''imposition
Justificatif d''identité
Documents de la procédure', 1),
	('Changement d''adresse', 'papiers_citoyennete', '',
	 'https://www.service-public.fr',
	 'Nouvelle adresse
Identifiants des organismes concernés', 1),
	('Création d''une adresse e-mail', 'loisirs_sports_culture', '',
	 '',
	 'Téléphone portable', 1),
	('Création d''un compte en ligne', 'papiers_citoyennete', '',
	 '',
	 'Adresse e-mail
Téléphone portable
Identifiants de l''organisme (numéro d''allocataire, fiscal ou de sécurité sociale)', 1),
	('FranceConnect', 'papiers_citoyennete', '',
	 'https://franceconnect.gouv.fr',
	 'Identifiants d''un compte reconnu (impots.gouv.fr, ameli, l''Identité Numérique La Poste…)', 1);

INSERT INTO skill_topics (code, label, sort) VALUES
	('diagnostic_numerique', 'Diagnostic numérique', 1),
	('prendre_en_main_materiel', 'Prendre en main du matériel', 2),
	('maintenance_materiel', 'Maintenance de matériel', 3),
	('contenus_numeriques', 'Gérer ses contenus numériques', 4),
	('navigation_internet', 'Navigation sur internet', 5),
	('email', 'E-mail', 6),
	('bureautique', 'Bureautique', 7),
	('reseaux_sociaux', 'Réseaux sociaux', 8),
	('sante_en_ligne', 'Santé en ligne', 9),
	('banque_achats_en_ligne', 'Banque et achats en ligne', 10),
	('accompagner_professionnel', 'Accompagner un professionnel', 11),
	('insertion_professionnelle', 'Insertion professionnelle', 12),
	('securite_numerique', 'Sécurité numérique', 13),
	('parentalite', 'Parentalité', 14),
	('scolarite_numerique', 'Scolarité et numérique', 15),
	('creer_avec_numerique', 'Créer avec le numérique', 16),
	('culture_numerique', 'Culture numérique', 17),
	('intelligence_artificielle', 'Intelligence artificielle', 18),
	('demarches_administratives', 'Aide aux démarches administratives', 19);
