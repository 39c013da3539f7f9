/*
 * test_address.c: the formatter of the postal address normaliser
 * (src/address) on a table of structured addresses whose expected lines
 * are written from NF Z10-011's rules: six lines of 38 characters at most,
 * lines 4 to 6 in capitals without accents or punctuation, suffixes B T Q
 * C, abbreviations only when a line would exceed 38 characters and then
 * from its end, a lieu-dit alone as a complete address, postcodes of
 * metropolitan France, Corsica and overseas; then the folding of letters
 * and the bounds (long, broken or hostile input).
 * test_address_text.c covers the free-text parser and the geography.
 */
#include "address_check.h"

/* Structured fields: every rule of the standard. */
/* clang-format off */
static const struct fcase fcases[] = {
    /* The plain case, and one already written as the standard wants. */
    {{.number = "12", .street = "rue des Lilas", .postcode = "75008", .town = "Paris"},
      "4:12 RUE DES LILAS|6:75008 PARIS", ADDRESS_C_CAPITALS, 4},
    {{.number = "10", .street = "RUE DE LA PAIX", .postcode = "75002", .town = "PARIS"},
      "4:10 RUE DE LA PAIX|6:75002 PARIS", NO_CHANGE, 0},
    {{.number = "5", .type = "avenue", .street = "Foch", .postcode = "75116", .town = "Paris"},
      "4:5 AVENUE FOCH|6:75116 PARIS", ADDRESS_C_CAPITALS, 4},
    {{.recipient = "M. Jean Dupont", .number = "3", .street = "RUE PASTEUR", .postcode = "69007",
      .town = "LYON"}, "1:M. Jean Dupont|4:3 RUE PASTEUR|6:69007 LYON", NO_CHANGE, 0},
    /* A house number is never required. */
    {{.street = "Rue Principale", .postcode = "67140", .town = "Barr"},
      "4:RUE PRINCIPALE|6:67140 BARR", 0, 0},

    /* Suffixes. */
    {{.number = "12", .suffix = "bis", .street = "rue des Lilas", .postcode = "75008", .town = "PARIS"},
      "4:12 B RUE DES LILAS|6:75008 PARIS", ADDRESS_C_SUFFIX, 4},
    {{.number = "4", .suffix = "ter", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:4 T RUE DES LILAS|6:75008 PARIS", ADDRESS_C_SUFFIX, 4},
    {{.number = "4", .suffix = "quater", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:4 Q RUE DES LILAS|6:75008 PARIS", ADDRESS_C_SUFFIX, 4},
    {{.number = "4", .suffix = "Quinquies", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:4 C RUE DES LILAS|6:75008 PARIS", ADDRESS_C_SUFFIX, 4},
    {{.number = "4", .suffix = "BIS", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:4 B RUE DES LILAS|6:75008 PARIS", ADDRESS_C_SUFFIX, 4},
    {{.number = "4", .suffix = "B", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:4 B RUE DES LILAS|6:75008 PARIS", NO_CHANGE, 0},
    {{.number = "4", .suffix = "a", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:4 A RUE DES LILAS|6:75008 PARIS", ADDRESS_C_CAPITALS, 4},
    {{.number = "12bis", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:12 B RUE DES LILAS|6:75008 PARIS", ADDRESS_C_SUFFIX, 4},
    {{.number = "7 ter", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:7 T RUE DES LILAS|6:75008 PARIS", ADDRESS_C_SUFFIX, 4},
    {{.number = "7B", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:7 B RUE DES LILAS|6:75008 PARIS", NO_CHANGE, 0},
    {{.number = "12", .suffix = "sexies", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      NULL, ADDRESS_E_SUFFIX, 4},
    {{.number = "12", .suffix = "AB", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      NULL, ADDRESS_E_SUFFIX, 4},
    {{.suffix = "bis", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      NULL, ADDRESS_E_SUFFIX_WITHOUT_NUMBER, 4},
    {{.number = "12 bis", .suffix = "ter", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      NULL, ADDRESS_E_NUMBER, 4},

    /* Numbers. */
    {{.number = "007", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:7 RUE DES LILAS|6:75008 PARIS", ADDRESS_C_NUMBER, 4},
    {{.number = "n° 12", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      "4:12 RUE DES LILAS|6:75008 PARIS", ADDRESS_C_NUMBER, 4},
    {{.number = "12345", .street = "ROUTE DE LA MER", .postcode = "40200", .town = "MIMIZAN"},
      "4:12345 ROUTE DE LA MER|6:40200 MIMIZAN", NO_CHANGE, 0},
    {{.number = "123456", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      NULL, ADDRESS_E_NUMBER, 4},
    {{.number = "12-14", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      NULL, ADDRESS_E_NUMBER, 4},
    {{.number = "douze", .street = "RUE DES LILAS", .postcode = "75008", .town = "PARIS"},
      NULL, ADDRESS_E_NUMBER, 4},
    {{.number = "12", .postcode = "75008", .town = "PARIS"}, NULL, ADDRESS_E_NUMBER_WITHOUT_STREET, 4},

    /* Abbreviations: none while the line holds in 38 characters. */
    {{.number = "22", .street = "Boulevard du Général Jean de Lattre", .postcode = "75016", .town = "Paris"},
      "4:22 BOULEVARD DU GENERAL JEAN DE LATTRE|6:75016 PARIS", ADDRESS_C_ACCENTS, 4},
    {{.number = "1", .street = "avenue du Général de Gaulle", .postcode = "92800", .town = "Puteaux"},
      "4:1 AVENUE DU GENERAL DE GAULLE|6:92800 PUTEAUX", 0, 0},
    {{.street = "Rue du Docteur Albert Schweitzer", .postcode = "67000", .town = "Strasbourg"},
      "4:RUE DU DOCTEUR ALBERT SCHWEITZER|6:67000 STRASBOURG", 0, 0},
    {{.number = "21", .street = "rue Sainte-Catherine des Bois Jolis", .postcode = "33000", .town = "Bordeaux"},
      "4:21 RUE SAINTE CATHERINE DES BOIS JOLIS|6:33000 BORDEAUX", 0, 0},
    {{.number = "16", .street = "Hameau des Vieux Chênes de la Forêt", .postcode = "24560", .town = "Bardou"},
      "4:16 HAMEAU DES VIEUX CHENES DE LA FORET|6:24560 BARDOU", 0, 0},
    /* One word, from the end, until the line fits. */
    {{.number = "12", .street = "avenue du Maréchal de Lattre de Tassigny", .postcode = "94000",
      .town = "Créteil"},
      "4:12 AVENUE DU MAL DE LATTRE DE TASSIGNY|6:94000 CRETEIL", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "4", .street = "allée du Maréchal de Lattre de Tassigny", .postcode = "94000",
      .town = "Créteil"},
      "4:4 ALLEE DU MAL DE LATTRE DE TASSIGNY|6:94000 CRETEIL", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "1", .suffix = "bis", .street = "boulevard du Président Franklin Roosevelt",
      .postcode = "51100", .town = "Reims"},
      "4:1 B BD DU PDT FRANKLIN ROOSEVELT|6:51100 REIMS", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "128", .street = "avenue du Général Leclerc prolongée", .postcode = "92340",
      .town = "Bourg-la-Reine"},
      "4:128 AVENUE DU GAL LECLERC PROLONGEE|6:92340 BOURG LA REINE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "1234", .suffix = "B", .street = "rue du Docteur Albert Schweitzer", .postcode = "67000",
      .town = "Strasbourg"},
      "4:1234 B RUE DU DR ALBERT SCHWEITZER|6:67000 STRASBOURG", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "12", .street = "rue du Professeur Alexandre Lacassagne", .postcode = "69003", .town = "Lyon"},
      "4:12 RUE DU PR ALEXANDRE LACASSAGNE|6:69003 LYON", ADDRESS_C_ABBREVIATION, 4},
    {{.street = "Allée des Sources de la Vallée Profonde", .postcode = "38000", .town = "Grenoble"},
      "4:ALL DES SOURCES DE LA VALLEE PROFONDE|6:38000 GRENOBLE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "14", .street = "quai du Président Paul Doumer prolongé", .postcode = "92400",
      .town = "Courbevoie"},
      "4:14 QUAI DU PDT PAUL DOUMER PROLONGE|6:92400 COURBEVOIE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "10", .street = "place du Marché aux Bestiaux et Foires", .postcode = "19100",
      .town = "Brive-la-Gaillarde"},
      "4:10 PLACE DU MAR AUX BESTIAUX ET FOIRES|6:19100 BRIVE LA GAILLARDE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "7", .street = "impasse des Jardins de la Côte Fleurie", .postcode = "14800",
      .town = "Deauville"},
      "4:7 IMP DES JARDINS DE LA COTE FLEURIE|6:14800 DEAUVILLE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "8", .street = "chemin des Écoliers de la Petite Combe", .postcode = "26000",
      .town = "Valence"},
      "4:8 CHEMIN DES ECOLIERS DE LA PTE COMBE|6:26000 VALENCE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "15", .street = "route des Crêtes du Col de la Mouche", .postcode = "88400",
      .town = "Gérardmer"},
      "4:15 RTE DES CRETES DU COL DE LA MOUCHE|6:88400 GERARDMER", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "5", .street = "rond-point des Anciens Combattants AFN", .postcode = "13100",
      .town = "Aix-en-Provence"},
      "4:5 RPT DES ANCIENS COMBATTANTS AFN|6:13100 AIX EN PROVENCE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "9", .street = "résidence des Hauts de la Vallée Verte", .postcode = "64000", .town = "Pau"},
      "4:9 RES DES HAUTS DE LA VALLEE VERTE|6:64000 PAU", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "21", .street = "rue Sainte-Catherine des Bois Fleuris", .postcode = "33000",
      .town = "Bordeaux"},
      "4:21 RUE STE CATHERINE DES BOIS FLEURIS|6:33000 BORDEAUX", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "1", .street = "square des Anciens de la Guerre d'Alger", .postcode = "75020", .town = "Paris"},
      "4:1 SQ DES ANCIENS DE LA GUERRE D ALGER|6:75020 PARIS", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "40", .street = "faubourg de la Porte de Montmorillon", .postcode = "86000",
      .town = "Poitiers"}, "4:40 FG DE LA PORTE DE MONTMORILLON|6:86000 POITIERS", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "3", .street = "chaussée des Moulins de la Basse Vallée", .postcode = "80000",
      .town = "Amiens"}, "4:3 CHS DES MOULINS DE LA BASSE VALLEE|6:80000 AMIENS", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "116", .street = "hameau des Vieux Chênes de la Forêt", .postcode = "24560", .town = "Bardou"},
      "4:116 HAM DES VIEUX CHENES DE LA FORET|6:24560 BARDOU", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "11", .street = "lotissement les Jardins du Clos de la Vigne", .postcode = "21200",
      .town = "Beaune"},
      "4:11 LOT LES JARDINS DU CLOS DE LA VIGNE|6:21200 BEAUNE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "17", .street = "quartier du Pont de la Rivière des Pères", .postcode = "97100",
      .town = "Basse-Terre"},
      "4:17 QUA DU PONT DE LA RIVIERE DES PERES|6:97100 BASSE TERRE", ADDRESS_C_ABBREVIATION, 4},
    {{.street = "lieu-dit la Grande Fontaine du Haut Bois Vert", .postcode = "24560", .town = "Issigeac"},
      "4:LD LA GDE FONTAINE DU HAUT BOIS VERT|6:24560 ISSIGEAC", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "30", .street = "avenue de la Grande Armée et de la Paix", .postcode = "75017",
      .town = "Paris"}, "4:30 AV DE LA GDE ARMEE ET DE LA PAIX|6:75017 PARIS", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "5", .street = "terre-plein de la Gare Routière Centrale", .postcode = "06000", .town = "Nice"},
      "4:5 TPL DE LA GARE ROUTIERE CENTRALE|6:06000 NICE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "8", .street = "rue de la Notre-Dame des Champs Fleuris", .postcode = "75006", .town = "Paris"},
      "4:8 RUE DE LA ND DES CHAMPS FLEURIS|6:75006 PARIS", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "12", .street = "rue du Capitaine Ferdinand de Lesseps", .postcode = "13002",
      .town = "Marseille"},
      "4:12 RUE DU CNE FERDINAND DE LESSEPS|6:13002 MARSEILLE", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "3", .street = "rue du Lieutenant-Colonel Jean Pierre", .postcode = "57000", .town = "Metz"},
      "4:3 RUE DU LIEUTENANT COL JEAN PIERRE|6:57000 METZ", ADDRESS_C_ABBREVIATION, 4},
    {{.street = "rue du Commandant Jean-Louis de la Tour", .postcode = "29200", .town = "Brest"},
      "4:RUE DU CDT JEAN LOUIS DE LA TOUR|6:29200 BREST", ADDRESS_C_ABBREVIATION, 4},
    {{.number = "5", .type = "Avenue", .street = "de la République Française Unie", .postcode = "59000",
      .town = "Lille"}, "4:5 AV DE LA REPUBLIQUE FRANCAISE UNIE|6:59000 LILLE", ADDRESS_C_ABBREVIATION, 4},
    /* Still too long: an error on line 4, never a cut. */
    {{.number = "2", .street = "place de la Libération et de la Victoire", .postcode = "21000",
      .town = "Dijon"}, NULL, ADDRESS_E_LINE_TOO_LONG, 4},
    {{.number = "12", .street = "boulevard du Maréchal Jean Marie de Lattre de Tassigny", .postcode = "75016",
      .town = "Paris"}, NULL, ADDRESS_E_LINE_TOO_LONG, 4},

    /* Lines 1 to 3 keep case and accents, and only lines 2 and 3 are
     * abbreviated. */
    {{.recipient = "Mme Hélène Œuvray", .number = "3", .street = "RUE PASTEUR", .postcode = "69007",
      .town = "LYON"}, "1:Mme Hélène Œuvray|4:3 RUE PASTEUR|6:69007 LYON", NO_CHANGE, 0},
    {{.recipient = "Mme Marie-Hélène de La Tour d’Auvergne", .number = "3", .street = "RUE PASTEUR",
      .postcode = "69007", .town = "LYON"},
      "1:Mme Marie-Hélène de La Tour d’Auvergne|4:3 RUE PASTEUR|6:69007 LYON", NO_CHANGE, 0},
    {{.recipient = "Mme Marie-Hélène de La Tour d’Auvergnes", .number = "3", .street = "RUE PASTEUR",
      .postcode = "69007", .town = "LYON"}, NULL, ADDRESS_E_LINE_TOO_LONG, 1},
    {{.recipient = "M. et Mme Jean-Baptiste de Saint-Exupéry", .number = "3", .street = "RUE PASTEUR",
      .postcode = "69007", .town = "LYON"}, NULL, ADDRESS_E_LINE_TOO_LONG, 1},
    {{.recipient = "  Jean   Dupont ", .number = "3", .street = "RUE PASTEUR", .postcode = "69007",
      .town = "LYON"}, "1:Jean Dupont|4:3 RUE PASTEUR|6:69007 LYON", ADDRESS_C_SPACES, 1},
    {{.complement = "Appartement 12, escalier B, 3e étage", .number = "3", .street = "RUE PASTEUR",
      .postcode = "69007", .town = "LYON"},
      "2:Appartement 12, escalier B, 3e étage|4:3 RUE PASTEUR|6:69007 LYON", NO_CHANGE, 0},
    {{.complement = "chez Mme Durand", .number = "3", .street = "RUE PASTEUR", .postcode = "69007",
      .town = "LYON"}, "2:chez Mme Durand|4:3 RUE PASTEUR|6:69007 LYON", NO_CHANGE, 0},
    {{.complement = "Appartement 1204 Escalier C Étage 12 porte gauche", .number = "3",
      .street = "RUE PASTEUR", .postcode = "69007", .town = "LYON"},
      "2:App 1204 Esc C Etg 12 porte gauche|4:3 RUE PASTEUR|6:69007 LYON", ADDRESS_C_ABBREVIATION, 2},
    {{.complement = "Chez Monsieur et Madame Jean-Pierre Dupont-Aignan", .number = "3",
      .street = "RUE PASTEUR", .postcode = "69007", .town = "LYON"}, NULL, ADDRESS_E_LINE_TOO_LONG, 2},
    {{.building = "Bâtiment C", .number = "3", .street = "RUE PASTEUR", .postcode = "69007", .town = "LYON"},
      "3:Bâtiment C|4:3 RUE PASTEUR|6:69007 LYON", NO_CHANGE, 0},
    {{.building = "Résidence Les Jardins de la Grande Prairie Est", .number = "3", .street = "RUE PASTEUR",
      .postcode = "69007", .town = "LYON"},
      "3:Res Les Jardins de la Gde Prairie Est|4:3 RUE PASTEUR|6:69007 LYON", ADDRESS_C_ABBREVIATION, 3},
    {{.building = "RÉSIDENCE LES JARDINS DE LA GRANDE PRAIRIE EST", .number = "3", .street = "RUE PASTEUR",
      .postcode = "69007", .town = "LYON"},
      "3:RES LES JARDINS DE LA GDE PRAIRIE EST|4:3 RUE PASTEUR|6:69007 LYON", ADDRESS_C_ABBREVIATION, 3},
    {{.building = "Bâtiment Les Hirondelles Entrée 3 Escalier 12 Porte 5", .number = "3",
      .street = "RUE PASTEUR", .postcode = "69007", .town = "LYON"}, NULL, ADDRESS_E_LINE_TOO_LONG, 3},
    {{.recipient = "Mme Anne Martin", .complement = "Chez M. Paul Roux", .building = "Résidence Les Pins",
      .number = "2", .street = "ALLEE DES ACACIAS", .postcode = "33600", .town = "PESSAC"},
      "1:Mme Anne Martin|2:Chez M. Paul Roux|3:Résidence Les Pins|4:2 ALLEE DES ACACIAS|6:33600 PESSAC",
     NO_CHANGE, 0},

    /* Accents, spelt-out letters, hyphens and apostrophes. */
    {{.number = "3", .street = "rue de l'Œuvre", .postcode = "67000", .town = "Strasbourg"},
      "4:3 RUE DE L OEUVRE|6:67000 STRASBOURG", ADDRESS_C_LETTERS, 4},
    {{.number = "3", .street = "rue Lætitia", .postcode = "67000", .town = "Strasbourg"},
      "4:3 RUE LAETITIA|6:67000 STRASBOURG", ADDRESS_C_LETTERS, 4},
    {{.number = "3", .street = "Hauptstraße", .postcode = "67000", .town = "Strasbourg"},
      "4:3 HAUPTSTRASSE|6:67000 STRASBOURG", ADDRESS_C_LETTERS, 4},
    {{.number = "3", .street = "ÉCOLE DE LA FORÊT", .postcode = "67000", .town = "STRASBOURG"},
      "4:3 ECOLE DE LA FORET|6:67000 STRASBOURG", ADDRESS_C_ACCENTS, 4},
    {{.number = "3", .street = "place de l’Église", .postcode = "17400", .town = "Saint-Jean-d'Angély"},
      "4:3 PLACE DE L EGLISE|6:17400 SAINT JEAN D ANGELY", ADDRESS_C_PUNCTUATION, 6},
    {{.number = "3", .street = "RUE DE L EGLISE", .postcode = "85100", .town = "Les Sables-d'Olonne"},
      "4:3 RUE DE L EGLISE|6:85100 LES SABLES D OLONNE", ADDRESS_C_PUNCTUATION, 6},
    {{.number = "3", .street = "RUE DES BLES", .postcode = "29290", .town = "Saint-Renan"},
      "4:3 RUE DES BLES|6:29290 SAINT RENAN", ADDRESS_C_PUNCTUATION, 6},
    {{.number = "3", .street = "rue Dvořák", .postcode = "75019", .town = "Paris"},
      "4:3 RUE DVORAK|6:75019 PARIS", ADDRESS_C_ACCENTS, 4},
    {{.number = "3", .street = "rue Łukasiewicza", .postcode = "75019", .town = "Paris"},
      "4:3 RUE LUKASIEWICZA|6:75019 PARIS", ADDRESS_C_ACCENTS, 4},
    {{.number = "3", .street = "strada Ștefan cel Mare", .postcode = "75019", .town = "Paris"},
      "4:3 STRADA STEFAN CEL MARE|6:75019 PARIS", ADDRESS_C_ACCENTS, 4},
    {{.number = "3", .street = "rue Noe\xCC\x88l", .postcode = "75019", .town = "Paris"},
      "4:3 RUE NOEL|6:75019 PARIS", ADDRESS_C_ACCENTS, 4},
    {{.number = "3", .street = "rue\xC2\xA0Pasteur", .postcode = "75019", .town = "Paris"},
      "4:3 RUE PASTEUR|6:75019 PARIS", ADDRESS_C_SPACES, 4},
    {{.number = "3", .street = "rue « Pasteur ».", .postcode = "75019", .town = "Paris"},
      "4:3 RUE PASTEUR|6:75019 PARIS", ADDRESS_C_PUNCTUATION, 4},
    {{.number = "3", .street = "rue Pasteur", .postcode = "59140", .town = "Dunkerque"},
      "4:3 RUE PASTEUR|6:59140 DUNKERQUE", ADDRESS_C_CAPITALS, 6},

    /* Characters that are not Latin: an error, on their line. */
    {{.recipient = "Марія Іваненко", .number = "3", .street = "RUE PASTEUR", .postcode = "69007",
      .town = "LYON"}, NULL, ADDRESS_E_CHARACTER, 1},
    {{.number = "3", .street = "rue ألف", .postcode = "69007", .town = "LYON"}, NULL, ADDRESS_E_CHARACTER, 4},
    {{.number = "3", .street = "RUE PASTEUR", .postcode = "69007", .town = "里昂"},
      NULL, ADDRESS_E_CHARACTER, 6},
    {{.complement = "Appartement 😀", .number = "3", .street = "RUE PASTEUR", .postcode = "69007",
      .town = "LYON"}, NULL, ADDRESS_E_CHARACTER, 2},
    {{.lieu_dit = "Ἀθῆναι", .postcode = "69007", .town = "LYON"}, NULL, ADDRESS_E_CHARACTER, 5},
    {{.recipient = "Jean\x07" "Dupont", .number = "3", .street = "RUE PASTEUR", .postcode = "69007",
      .town = "LYON"}, NULL, ADDRESS_E_CHARACTER, 1},
    {{.number = "3", .street = "RUE \xC3\x28PASTEUR", .postcode = "69007", .town = "LYON"},
      NULL, ADDRESS_E_UTF8, 4},
    {{.number = "3", .street = "RUE \xED\xA0\x80", .postcode = "69007", .town = "LYON"},
      NULL, ADDRESS_E_UTF8, 4},
    /* Latin letters with no folding are kept on line 1, refused on 4. */
    {{.recipient = "M. Nguyễn Văn An", .number = "3", .street = "RUE PASTEUR", .postcode = "69007",
      .town = "LYON"}, "1:M. Nguyễn Văn An|4:3 RUE PASTEUR|6:69007 LYON", NO_CHANGE, 0},
    {{.number = "3", .street = "rue Nguyễn", .postcode = "69007", .town = "LYON"},
      NULL, ADDRESS_E_CHARACTER, 4},

    /* A lieu-dit alone is a complete address; with a number it names the
     * way. */
    {{.lieu_dit = "Les Granges", .postcode = "24560", .town = "Issigeac"},
      "5:LES GRANGES|6:24560 ISSIGEAC", ADDRESS_C_CAPITALS, 5},
    {{.recipient = "M. Paul Roux", .lieu_dit = "LE BOURG", .postcode = "24560", .town = "ISSIGEAC"},
      "1:M. Paul Roux|5:LE BOURG|6:24560 ISSIGEAC", NO_CHANGE, 0},
    {{.number = "12", .lieu_dit = "Les Granges", .postcode = "24560", .town = "Issigeac"},
      "4:12 LES GRANGES|6:24560 ISSIGEAC", 0, 0},
    {{.number = "25", .street = "rue de l'Église", .lieu_dit = "Caudos", .postcode = "33380", .town = "Mios"},
      "4:25 RUE DE L EGLISE|5:CAUDOS|6:33380 MIOS", ADDRESS_C_PUNCTUATION, 4},
    {{.lieu_dit = "Lieu-dit la Grande Fontaine du Haut Bois Vert", .postcode = "24560", .town = "Issigeac"},
      "5:LD LA GDE FONTAINE DU HAUT BOIS VERT|6:24560 ISSIGEAC", ADDRESS_C_ABBREVIATION, 5},
    {{.postcode = "24560", .town = "Issigeac"}, NULL, ADDRESS_E_NO_DELIVERY_POINT, 0},
    {{.building = "Résidence Les Pins", .postcode = "24560", .town = "Issigeac"},
      NULL, ADDRESS_E_NO_DELIVERY_POINT, 0},

    /* Postal boxes and CEDEX. */
    {{.postbox = "BP 12", .postcode = "24560", .town = "ISSIGEAC"}, "5:BP 12|6:24560 ISSIGEAC", NO_CHANGE, 0},
    {{.postbox = "B.P. 12", .postcode = "24560", .town = "ISSIGEAC"},
      "5:BP 12|6:24560 ISSIGEAC", ADDRESS_C_POSTBOX, 5},
    {{.postbox = "boîte postale 45", .postcode = "24560", .town = "ISSIGEAC"},
      "5:BP 45|6:24560 ISSIGEAC", ADDRESS_C_POSTBOX, 5},
    {{.postbox = "bp12", .postcode = "24560", .town = "ISSIGEAC"},
      "5:BP 12|6:24560 ISSIGEAC", ADDRESS_C_POSTBOX, 5},
    {{.recipient = "Caisse primaire", .postbox = "CS 30001", .postcode = "75948", .town = "PARIS", .cedex = 1,
      .office = "19"}, "1:Caisse primaire|5:CS 30001|6:75948 PARIS CEDEX 19", NO_CHANGE, 0},
    {{.postbox = "TSA 70001", .postcode = "69003", .town = "LYON", .cedex = 1},
      "5:TSA 70001|6:69003 LYON CEDEX", NO_CHANGE, 0},
    {{.postbox = "Poste restante", .postcode = "24560", .town = "ISSIGEAC"},
      "5:POSTE RESTANTE|6:24560 ISSIGEAC", ADDRESS_C_CAPITALS, 5},
    {{.lieu_dit = "LES GRANGES", .postbox = "BP 5", .postcode = "24560", .town = "ISSIGEAC"},
      "5:LES GRANGES BP 5|6:24560 ISSIGEAC", NO_CHANGE, 0},
    {{.postbox = "BP", .postcode = "24560", .town = "ISSIGEAC"}, NULL, ADDRESS_E_POSTBOX, 5},
    {{.postbox = "BP 123456", .postcode = "24560", .town = "ISSIGEAC"}, NULL, ADDRESS_E_POSTBOX, 5},
    {{.postbox = "casier 12", .postcode = "24560", .town = "ISSIGEAC"}, NULL, ADDRESS_E_POSTBOX, 5},
    {{.number = "3", .street = "RUE PASTEUR", .postcode = "33500", .town = "Libourne", .cedex = 1},
      "4:3 RUE PASTEUR|6:33500 LIBOURNE CEDEX", 0, 0},
    {{.postbox = "BP 30", .postcode = "75008", .town = "PARIS", .office = "08"},
      "5:BP 30|6:75008 PARIS CEDEX 08", NO_CHANGE, 0},
    {{.postbox = "BP 30", .postcode = "69003", .town = "Lyon Cedex 03"},
      "5:BP 30|6:69003 LYON CEDEX 03", ADDRESS_C_CAPITALS, 6},
    {{.postbox = "BP 30", .postcode = "69003", .town = "LYON", .cedex = 1, .office = "123"},
      NULL, ADDRESS_E_CEDEX, 6},
    {{.postbox = "BP 30", .postcode = "69003", .town = "LYON", .cedex = 1, .office = "ab"},
      NULL, ADDRESS_E_CEDEX, 6},

    /* Line 6: postcode and town, abbreviated only when too long. */
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "38590",
      .town = "Saint-Étienne-de-Saint-Geoirs"},
      "4:1 RUE DE LA MAIRIE|6:38590 SAINT ETIENNE DE SAINT GEOIRS", 0, 0},
    {{.postbox = "BP 7", .postcode = "38590", .town = "Saint-Étienne-de-Saint-Geoirs", .cedex = 1},
      "5:BP 7|6:38590 SAINT ETIENNE DE ST GEOIRS CEDEX", ADDRESS_C_ABBREVIATION, 6},
    {{.postbox = "BP 7", .postcode = "26130", .town = "Saint-Paul-Trois-Châteaux", .cedex = 1, .office = "01"},
      "5:BP 7|6:26130 ST PAUL TROIS CHATEAUX CEDEX 01", ADDRESS_C_ABBREVIATION, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "51290",
      .town = "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson"}, NULL, ADDRESS_E_LINE_TOO_LONG, 6},

    /* Postcodes. */
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "75 008", .town = "PARIS"},
      "4:1 RUE DE LA MAIRIE|6:75008 PARIS", ADDRESS_C_POSTCODE, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "F-75008", .town = "PARIS"},
      "4:1 RUE DE LA MAIRIE|6:75008 PARIS", ADDRESS_C_POSTCODE, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "7500", .town = "PARIS"},
      NULL, ADDRESS_E_POSTCODE, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "750080", .town = "PARIS"},
      NULL, ADDRESS_E_POSTCODE, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "7500A", .town = "PARIS"},
      NULL, ADDRESS_E_POSTCODE, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "00100", .town = "PARIS"},
      NULL, ADDRESS_E_POSTCODE_AREA, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "96100", .town = "PARIS"},
      NULL, ADDRESS_E_POSTCODE_AREA, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "97000", .town = "PARIS"},
      NULL, ADDRESS_E_POSTCODE_AREA, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "99000", .town = "PARIS"},
      NULL, ADDRESS_E_POSTCODE_AREA, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .town = "PARIS"}, NULL, ADDRESS_E_POSTCODE_MISSING, 6},
    {{.number = "1", .street = "RUE DE LA MAIRIE", .postcode = "75008"}, NULL, ADDRESS_E_TOWN_MISSING, 6},
    /* Overseas, Corsica, and the collectivities La Poste serves. */
    {{.number = "2", .street = "RUE DE PARIS", .postcode = "97100", .town = "Basse-Terre"},
      "4:2 RUE DE PARIS|6:97100 BASSE TERRE", 0, 0},
    {{.number = "2", .street = "RUE VICTOR HUGO", .postcode = "97200", .town = "Fort-de-France"},
      "4:2 RUE VICTOR HUGO|6:97200 FORT DE FRANCE", 0, 0},
    {{.lieu_dit = "Montjoly", .postcode = "97354", .town = "Remire-Montjoly"},
      "5:MONTJOLY|6:97354 REMIRE MONTJOLY", 0, 0},
    {{.number = "2", .street = "rue de Paris", .postcode = "97400", .town = "Saint-Denis"},
      "4:2 RUE DE PARIS|6:97400 SAINT DENIS", 0, 0},
    {{.number = "2", .street = "rue du Général de Gaulle", .postcode = "97500", .town = "Saint-Pierre"},
      "4:2 RUE DU GENERAL DE GAULLE|6:97500 SAINT PIERRE", 0, 0},
    {{.street = "Rue du Commerce", .postcode = "97600", .town = "Mamoudzou"},
      "4:RUE DU COMMERCE|6:97600 MAMOUDZOU", 0, 0},
    {{.lieu_dit = "Lorient", .postcode = "97133", .town = "Saint-Barthélemy"},
      "5:LORIENT|6:97133 SAINT BARTHELEMY", 0, 0},
    {{.street = "rue de la République", .postcode = "97700", .town = "Saint-Barthélemy"},
      "4:RUE DE LA REPUBLIQUE|6:97700 SAINT BARTHELEMY", 0, 0},
    {{.street = "boulevard Princesse Charlotte", .postcode = "98000", .town = "Monaco"},
      "4:BOULEVARD PRINCESSE CHARLOTTE|6:98000 MONACO", 0, 0},
    {{.street = "rue de Sébastopol", .postcode = "98800", .town = "Nouméa"},
      "4:RUE DE SEBASTOPOL|6:98800 NOUMEA", 0, 0},
    {{.number = "4", .street = "cours Napoléon", .postcode = "20000", .town = "Ajaccio"},
      "4:4 COURS NAPOLEON|6:20000 AJACCIO", 0, 0},
    {{.street = "boulevard Paoli", .postcode = "20200", .town = "Bastia"},
      "4:BOULEVARD PAOLI|6:20200 BASTIA", 0, 0},
    {{.lieu_dit = "Pietralba", .postcode = "20167", .town = "Alata"}, "5:PIETRALBA|6:20167 ALATA", 0, 0},
};
/* clang-format on */

static void test_structured(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof fcases / sizeof fcases[0]; i++) {
		const struct fcase *c = &fcases[i];
		address_fields f;
		address_result r;
		char what[64];
		fields_of(&c->in, &f);
		address_result_init(&r);
		snprintf(what, sizeof what, "structured case %zu", i);
		check(what, address_format(&f, NULL, &r), &r, c->want, c->code, c->line);
	}
}

/* Input the parser and the formatter must survive. */
static void test_bounds(void **state)
{
	(void)state;
	static char big[ADDRESS_TEXT_BYTES * 2];
	address_result r;
	address_fields f;

	memset(big, 'a', sizeof big - 1);
	check("text too long", address_normalise_text(big, sizeof big - 1, NULL, &r), &r, NULL,
	      ADDRESS_E_TEXT_TOO_LONG, 0);
	/* One part longer than a field. */
	check("part too long", address_normalise_text(big, 400, NULL, &r), &r, NULL, ADDRESS_E_FIELD_TOO_LONG,
	      0);
	/* A NUL inside the given length. */
	check("nul byte", address_normalise_text("12 rue\0 Pasteur, 75008 Paris", 28, NULL, &r), &r, NULL,
	      ADDRESS_E_CHARACTER, 0);
	/* Only len bytes are read: the rest of the string does not count. */
	check("length", address_normalise_text("12 rue Pasteur, 75008 ParisXYZ", 27, NULL, &r), &r,
	      "4:12 RUE PASTEUR|6:75008 PARIS", 0, 0);
	/* A field with no NUL in its buffer. */
	fields_of(&(struct in){.street = "RUE PASTEUR", .postcode = "75008", .town = "PARIS"}, &f);
	memset(f.recipient, 'x', sizeof f.recipient);
	address_result_init(&r);
	check("unterminated field", address_format(&f, NULL, &r), &r, NULL, ADDRESS_E_FIELD_TOO_LONG, 0);
	memset(f.number, '1', sizeof f.number);
	address_result_init(&r);
	check("unterminated number", address_format(&f, NULL, &r), &r, NULL, ADDRESS_E_FIELD_TOO_LONG, 0);
	/* A street longer than any line. */
	fields_of(&(struct in){.postcode = "75008", .town = "PARIS"}, &f);
	memset(f.street, 'R', sizeof f.street - 1);
	address_result_init(&r);
	check("long street", address_format(&f, NULL, &r), &r, NULL, ADDRESS_E_LINE_TOO_LONG, 4);
	/* A street of words that all have abbreviations, more than the
	 * abbreviator looks at. */
	fields_of(&(struct in){.postcode = "75008", .town = "PARIS"}, &f);
	f.street[0] = 0;
	for (int i = 0; i < 40; i++)
		strcat(f.street, "AV ");
	address_result_init(&r);
	check("many words", address_format(&f, NULL, &r), &r, NULL, ADDRESS_E_LINE_TOO_LONG, 4);
	/* More changes than the result holds: counted, not written. */
	static const char *const words[] = {
	    "avenue ",    "boulevard ", "route ",    "impasse ",  "place ",      "allee ",     "chemin ",
	    "residence ", "saint ",     "sainte ",   "general ",  "marechal ",   "docteur ",   "professeur ",
	    "president ", "quai ",      "square ",   "faubourg ", "chaussee ",   "hameau ",    "lotissement ",
	    "quartier ",  "batiment ",  "escalier ", "etage ",    "commandant ", "capitaine ", "lieutenant ",
	    "colonel ",   "grand ",     "petit ",    "petite ",   "maitre ",     "adjudant ",  "sergent "};
	fields_of(&(struct in){.complement = "Appartement 1 Escalier 2 Étage 3 Bâtiment 4 Immeuble 5",
	                       .postcode = "75008",
	                       .town = "PARIS"},
	          &f);
	f.street[0] = 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(f.street) + strlen(words[i]) < sizeof f.street)
			strcat(f.street, words[i]);
	address_result_init(&r);
	assert_int_equal(address_format(&f, NULL, &r), -1);
	assert_int_equal(r.n_changes, ADDRESS_MAX_CHANGES);
	assert_true(r.notes_dropped > 0);
	cases_run += 4;
}

static void test_fold(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} folds[] = {
	    {"Saint-Jean-d'Angély", "SAINT JEAN D ANGELY"},
	    {"cœur", "COEUR"},
	    {"ŒUVRE", "OEUVRE"},
	    {"Lætitia", "LAETITIA"},
	    {"Æsop", "AESOP"},
	    {"Straße", "STRASSE"},
	    {"Ça ira", "CA IRA"},
	    {"Noël Ÿvonne", "NOEL YVONNE"},
	    {"àâäéèêëîïôöùûüÿç", "AAAEEEEIIOOUUUYC"},
	    {"ÀÂÄÉÈÊËÎÏÔÖÙÛÜŸÇ", "AAAEEEEIIOOUUUYC"},
	    {"  l’Haÿ-les-Roses  ", "L HAY LES ROSES"},
	    {"Ñandú Øre Þór", "NANDU ORE THOR"},
	    {"Kraków Gdańsk Łódź", "KRAKOW GDANSK LODZ"},
	    {"São Tomé", "SAO TOME"},
	    {"a\xCC\x81", "A"},
	    {"« rue »", "RUE"},
	    {"12,5", "12 5"},
	    {"", ""},
	};
	char out[64];
	for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++) {
		if (address_fold(folds[i].in, out, sizeof out) != 0)
			fail_msg("fold %zu failed", i);
		assert_string_equal(out, folds[i].out);
		cases_run++;
	}
	assert_int_equal(address_fold("Москва", out, sizeof out), -1);
	assert_int_equal(address_fold("القاهرة", out, sizeof out), -1);
	assert_int_equal(address_fold("東京", out, sizeof out), -1);
	assert_int_equal(address_fold("\xFF", out, sizeof out), -1);
	assert_int_equal(address_fold("abcdef", out, 4), -1);
	assert_int_equal(address_fold("abc", out, 4), 0);

	address_name_key("Saint-Jean-d'Angély", out, sizeof out);
	assert_string_equal(out, "SAINT JEAN D ANGELY");
	address_name_key("ST JEAN D ANGELY", out, sizeof out);
	assert_string_equal(out, "SAINT JEAN D ANGELY");
	address_name_key("Ste-Marie", out, sizeof out);
	assert_string_equal(out, "SAINTE MARIE");
	address_name_key("Stella", out, sizeof out);
	assert_string_equal(out, "STELLA");
	address_name_key("Москва", out, sizeof out);
	assert_string_equal(out, "");
}

static void test_postcode_area(void **state)
{
	(void)state;
	static const struct {
		const char *pc;
		int area;
		const char *dep;
	} areas[] = {
	    {"75008", ADDRESS_AREA_METRO, "75"},
	    {"01000", ADDRESS_AREA_METRO, "01"},
	    {"95000", ADDRESS_AREA_METRO, "95"},
	    {"20000", ADDRESS_AREA_CORSICA, "2A"},
	    {"20167", ADDRESS_AREA_CORSICA, "2A"},
	    {"20200", ADDRESS_AREA_CORSICA, "2B"},
	    {"20600", ADDRESS_AREA_CORSICA, "2B"},
	    {"97100", ADDRESS_AREA_OVERSEAS, "971"},
	    {"97200", ADDRESS_AREA_OVERSEAS, "972"},
	    {"97300", ADDRESS_AREA_OVERSEAS, "973"},
	    {"97400", ADDRESS_AREA_OVERSEAS, "974"},
	    {"97600", ADDRESS_AREA_OVERSEAS, "976"},
	    {"97500", ADDRESS_AREA_COLLECTIVITY, "975"},
	    {"97700", ADDRESS_AREA_COLLECTIVITY, "977"},
	    {"97800", ADDRESS_AREA_COLLECTIVITY, "978"},
	    {"98800", ADDRESS_AREA_COLLECTIVITY, "988"},
	    {"98000", ADDRESS_AREA_MONACO, "980"},
	    {"00000", -1, ""},
	    {"96000", -1, ""},
	    {"97900", -1, ""},
	    {"99100", -1, ""},
	    {"7500", -1, ""},
	    {"750000", -1, ""},
	    {"7500X", -1, ""},
	};
	char dep[4];
	for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
		if (address_postcode_area(areas[i].pc, dep) != areas[i].area)
			fail_msg("area of %s", areas[i].pc);
		assert_string_equal(dep, areas[i].dep);
		cases_run++;
	}
	assert_int_equal(address_insee_departement("2A004", dep), 0);
	assert_string_equal(dep, "2A");
	assert_int_equal(address_insee_departement("2B033", dep), 0);
	assert_string_equal(dep, "2B");
	assert_int_equal(address_insee_departement("97105", dep), 0);
	assert_string_equal(dep, "971");
	assert_int_equal(address_insee_departement("75056", dep), 0);
	assert_string_equal(dep, "75");
	assert_int_equal(address_insee_departement("2C004", dep), -1);
	assert_int_equal(address_insee_departement("7505", dep), -1);
	assert_int_equal(address_insee_departement("00123", dep), -1);
}

static void test_field_names(void **state)
{
	(void)state;
	assert_string_equal(address_field_name(ADDRESS_F_RECIPIENT), "recipient");
	assert_string_equal(address_field_name(ADDRESS_F_TOWN), "town");
	assert_string_equal(address_field_name(ADDRESS_F_TEXT), "text");
	assert_string_equal(address_field_name(-1), "");
	assert_string_equal(address_field_name(99), "");
}

/* Printed last: how many addresses and values the tables hold. */
static void test_count(void **state)
{
	(void)state;
	print_message("[ address  ] %zu addresses and values checked\n", cases_run);
	assert_true(cases_run >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_structured),  cmocka_unit_test(test_bounds),
	    cmocka_unit_test(test_fold),        cmocka_unit_test(test_postcode_area),
	    cmocka_unit_test(test_field_names), cmocka_unit_test(test_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
