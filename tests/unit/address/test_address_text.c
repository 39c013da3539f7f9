/*
 * test_address_text.c: the free-text parser of the postal address
 * normaliser on addresses as advisers type them (several lines or one line
 * with commas, "chez", "apt", "bât", "BP", CEDEX, lieu-dit, numbers with
 * suffixes), and the check of the postcode and the commune through a small
 * geography given as a lookup: shared postcodes, communes with several
 * postcodes, Corsica, overseas, communes nouvelles and their delivery
 * towns, disagreements and the pairs proposed, failing and hostile
 * lookups.
 */
#include "address_check.h"

/* Free text as advisers type it. */
/* clang-format off */
static const struct tcase tcases[] = {
    {"M. Jean Dupont\nAppartement 12, 3e étage\nRésidence les Pins, Bâtiment B\n" "12 bis, avenue du Général de Gaulle\n75008 Paris",
     "1:M. Jean Dupont|2:Appartement 12 3e étage|3:Résidence les Pins Bâtiment B|" "4:12 B AVENUE DU GENERAL DE GAULLE|6:75008 PARIS",
     ADDRESS_C_SUFFIX, 4},
    {"Chez Mme Durand, 25 rue de l'Église, Caudos, 33380 Mios",
     "2:Chez Mme Durand|4:25 RUE DE L EGLISE|5:CAUDOS|6:33380 MIOS", ADDRESS_C_PUNCTUATION, 4},
    {"Les Granges, 24560 Issigeac", "5:LES GRANGES|6:24560 ISSIGEAC", 0, 0},
    {"Société Dupont, Service achats, Zone industrielle de la Ballastière BP 30, 33500 Libourne Cedex",
     "1:Société Dupont|2:Service achats|3:Zone industrielle de la Ballastière|5:BP 30|6:33500 LIBOURNE CEDEX",
     0, 0},
    {"3 rue Saint-Jean, 17400 Saint-Jean-d'Angély, France", "4:3 RUE SAINT JEAN|6:17400 SAINT JEAN D ANGELY",
     ADDRESS_C_COUNTRY, 0},
    {"12 rue des Lilas 75008 Paris", "4:12 RUE DES LILAS|6:75008 PARIS", 0, 0},
    {"M. Jean Dupont 12 rue des Lilas 75008 Paris", "1:M. Jean Dupont|4:12 RUE DES LILAS|6:75008 PARIS", 0, 0},
    {"12, rue des Lilas, 75008 Paris", "4:12 RUE DES LILAS|6:75008 PARIS", 0, 0},
    {"Jean Dupont, Apt 12, 5 avenue Foch, 75116 Paris",
     "1:Jean Dupont|2:Apt 12|4:5 AVENUE FOCH|6:75116 PARIS", 0, 0},
    {"Résidence Les Pins, Bât A, 8 allée des Acacias, 33600 Pessac",
     "3:Résidence Les Pins Bât A|4:8 ALLEE DES ACACIAS|6:33600 PESSAC", 0, 0},
    {"Bât B apt 14, 3 rue Victor Hugo, 69003 Lyon", "2:apt 14|3:Bât B|4:3 RUE VICTOR HUGO|6:69003 LYON", 0, 0},
    {"12 rue des Lilas apt 4, 75008 Paris", "2:apt 4|4:12 RUE DES LILAS|6:75008 PARIS", 0, 0},
    {"BP 12, 24560 Issigeac", "5:BP 12|6:24560 ISSIGEAC", 0, 0},
    {"B.P. 30, 33500 Libourne Cedex", "5:BP 30|6:33500 LIBOURNE CEDEX", ADDRESS_C_POSTBOX, 5},
    {"Caisse d'allocations familiales, CS 30001, 75008 Paris Cedex 08",
     "1:Caisse d'allocations familiales|5:CS 30001|6:75008 PARIS CEDEX 08", 0, 0},
    {"TSA 12345, 69003 Lyon cedex 3", "5:TSA 12345|6:69003 LYON CEDEX 3", 0, 0},
    {"3 rue Sainte-Catherine\n33073 Bordeaux\nCedex", "4:3 RUE SAINTE CATHERINE|6:33073 BORDEAUX CEDEX", 0, 0},
    {"lieu-dit Les Granges, 24560 Issigeac", "5:LES GRANGES|6:24560 ISSIGEAC", 0, 0},
    {"Le Bourg, 24560 Issigeac", "5:LE BOURG|6:24560 ISSIGEAC", 0, 0},
    {"Jean Dupont\nLes Granges\n24560 Issigeac", "1:Jean Dupont|5:LES GRANGES|6:24560 ISSIGEAC", 0, 0},
    {"12 Les Granges, 24560 Issigeac", "4:12 LES GRANGES|6:24560 ISSIGEAC", 0, 0},
    {"25 rue de l'Église\nCaudos\n33380 Mios", "4:25 RUE DE L EGLISE|5:CAUDOS|6:33380 MIOS", 0, 0},
    {"n° 12 rue Pasteur, 24560 Issigeac", "4:12 RUE PASTEUR|6:24560 ISSIGEAC", ADDRESS_C_NUMBER, 4},
    {"12bis rue Pasteur, 24560 Issigeac", "4:12 B RUE PASTEUR|6:24560 ISSIGEAC", ADDRESS_C_SUFFIX, 4},
    {"12 B rue Pasteur, 24560 Issigeac", "4:12 B RUE PASTEUR|6:24560 ISSIGEAC", 0, 0},
    {"12b rue Pasteur, 24560 Issigeac", "4:12 B RUE PASTEUR|6:24560 ISSIGEAC", ADDRESS_C_CAPITALS, 4},
    {"7 ter, chemin des Vignes, 24560 Issigeac", "4:7 T CHEMIN DES VIGNES|6:24560 ISSIGEAC", ADDRESS_C_SUFFIX,
     4},
    {"4 rue Pasteur, 75 008 Paris", "4:4 RUE PASTEUR|6:75008 PARIS", ADDRESS_C_POSTCODE, 6},
    {"4 rue Pasteur, F-75008 Paris", "4:4 RUE PASTEUR|6:75008 PARIS", ADDRESS_C_POSTCODE, 6},
    {"4 rue Pasteur, Paris 75008", "4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"4 rue Pasteur\n75008\nParis", "4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"3e étage, 4 rue Pasteur, 75008 Paris", "2:3e étage|4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Escalier B, 4 rue Pasteur, 75008 Paris", "2:Escalier B|4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Entrée 2, 4 rue Pasteur, 75008 Paris", "3:Entrée 2|4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"c/o Marie Curie, 4 rue Pasteur, 75008 Paris", "2:c/o Marie Curie|4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Résidence du Parc 12 rue Pasteur, 75008 Paris", "3:Résidence du Parc|4:12 RUE PASTEUR|6:75008 PARIS", 0,
     0},
    {"Appartement 3 Bâtiment C, 5 rue Pasteur, 75008 Paris",
     "2:Appartement 3|3:Bâtiment C|4:5 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Lot. Les Flamboyants, 12 rue des Hibiscus, 97200 Fort-de-France",
     "3:Lot. Les Flamboyants|4:12 RUE DES HIBISCUS|6:97200 FORT DE FRANCE", 0, 0},
    {"Quartier Bois Neuf, 97300 Cayenne", "4:QUARTIER BOIS NEUF|6:97300 CAYENNE", 0, 0},
    {"Lieu-dit Pietralba, 20167 Alata", "5:PIETRALBA|6:20167 ALATA", 0, 0},
    {"Route de la Corniche, 20200 Bastia", "4:ROUTE DE LA CORNICHE|6:20200 BASTIA", 0, 0},
    {"Rue du Commerce, 97600 Mamoudzou", "4:RUE DU COMMERCE|6:97600 MAMOUDZOU", 0, 0},
    {"2 rue de Paris, 97400 Saint-Denis", "4:2 RUE DE PARIS|6:97400 SAINT DENIS", 0, 0},
    {"Дмитрий Иванов, 12 rue Pasteur, 75008 Paris", NULL, ADDRESS_E_CHARACTER, 1},
    {"محمد علي, 12 rue Pasteur, 75008 Paris", NULL, ADDRESS_E_CHARACTER, 1},
    {"Jean Dupont, 12 rue 北京, 75008 Paris", NULL, ADDRESS_E_CHARACTER, 4},
    {"12 rue Pasteur, 75008 Παρίσι", NULL, ADDRESS_E_CHARACTER, 6},
    {"12 rue \xC3\x28, 75008 Paris", NULL, ADDRESS_E_UTF8, 0},
    {"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", NULL, ADDRESS_E_TEXT_TOO_LONG, 0},
    {"A, B, C, D, 12 rue Pasteur, 75008 Paris", NULL, ADDRESS_E_TEXT_PART, 0},
    {"12 rue Pasteur, 75008 Paris, blabla", NULL, ADDRESS_E_TEXT_PART, 0},
    {"", NULL, ADDRESS_E_NO_DELIVERY_POINT, 0},
    {" , ;\n ", NULL, ADDRESS_E_POSTCODE_MISSING, 0},
    {"\xEF\xBB\xBF" "12 rue Pasteur, 75008 Paris", "4:12 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"12 rue Pasteur\r\n75008 Paris\r\n", "4:12 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"12\true Pasteur,\t75008\tParis", "4:12 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Mairie, Place de l'Église, 24560 Issigeac", "1:Mairie|4:PLACE DE L EGLISE|6:24560 ISSIGEAC", 0, 0},
    {"SARL Martin, ZA du Moulin, 12 route de Bordeaux, 33380 Mios",
     "1:SARL Martin|3:ZA du Moulin|4:12 ROUTE DE BORDEAUX|6:33380 MIOS", 0, 0},
    {"M. et Mme Dupont, 4 rue Pasteur, 75008 Paris", "1:M. et Mme Dupont|4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Rez-de-chaussée, 4 rue Pasteur, 75008 Paris", "2:Rez-de-chaussée|4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Boîte aux lettres 12, 4 rue Pasteur, 75008 Paris",
     "2:Boîte aux lettres 12|4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Poste restante, 24560 Issigeac", "5:POSTE RESTANTE|6:24560 ISSIGEAC", 0, 0},
    {"12 rue du 8 Mai 1945, 24560 Issigeac", "4:12 RUE DU 8 MAI 1945|6:24560 ISSIGEAC", 0, 0},
    {"Avenue du 11 Novembre, 24560 Issigeac", "4:AVENUE DU 11 NOVEMBRE|6:24560 ISSIGEAC", 0, 0},
    {"Grande Rue, 24560 Issigeac", "4:GRANDE RUE|6:24560 ISSIGEAC", 0, 0},
    {"12 Grande Rue, 24560 Issigeac", "4:12 GRANDE RUE|6:24560 ISSIGEAC", 0, 0},
    {"5, impasse des Lilas, 24560 Issigeac", "4:5 IMPASSE DES LILAS|6:24560 ISSIGEAC", 0, 0},
    {"Rond-Point des Champs-Élysées, 75008 Paris", "4:ROND POINT DES CHAMPS ELYSEES|6:75008 PARIS", 0, 0},
    {"12 avenue du Maréchal de Lattre de Tassigny, 94000 Créteil",
     "4:12 AVENUE DU MAL DE LATTRE DE TASSIGNY|6:94000 CRETEIL", ADDRESS_C_ABBREVIATION, 4},
    {"Mme Léa Œhlenschläger, 3 rue de l'Œuvre, 67000 Strasbourg",
     "1:Mme Léa Œhlenschläger|4:3 RUE DE L OEUVRE|6:67000 STRASBOURG", ADDRESS_C_LETTERS, 4},
    {"Chez M. Martin Bâtiment 4, 2 rue Pasteur, 75008 Paris",
     "2:Chez M. Martin|3:Bâtiment 4|4:2 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"M. Jean Dupont chez Mme Durand 4 rue Pasteur 75008 Paris",
     "1:M. Jean Dupont|2:chez Mme Durand|4:4 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"12 rue Pasteur BP 45, 24560 Issigeac", "4:12 RUE PASTEUR|5:BP 45|6:24560 ISSIGEAC", 0, 0},
    {"12-14 rue Pasteur, 75008 Paris", NULL, ADDRESS_E_NUMBER, 4},
    {"Hameau de Beauregard, 24560 Issigeac", "4:HAMEAU DE BEAUREGARD|6:24560 ISSIGEAC", 0, 0},
    {"Résidence Les Pins, 24560 Issigeac", NULL, ADDRESS_E_NO_DELIVERY_POINT, 0},
    {"12 rue Pasteur", NULL, ADDRESS_E_POSTCODE_MISSING, 6},
    {"Jean Dupont, 12 rue Pasteur, 24560", NULL, ADDRESS_E_TOWN_MISSING, 6},
    {"1 place de la Mairie 20167 Alata", "4:1 PLACE DE LA MAIRIE|6:20167 ALATA", 0, 0},
    {"Villa Les Mimosas, 3 chemin des Crêtes, 06400 Cannes",
     "3:Villa Les Mimosas|4:3 CHEMIN DES CRETES|6:06400 CANNES", 0, 0},
    {"Tour Montparnasse, 33 avenue du Maine, 75015 Paris",
     "3:Tour Montparnasse|4:33 AVENUE DU MAINE|6:75015 PARIS", 0, 0},
    {"Immeuble Le Central, Entrée B, 2 place Bellecour, 69002 Lyon",
     "3:Immeuble Le Central Entrée B|4:2 PLACE BELLECOUR|6:69002 LYON", 0, 0},
    {"1er étage, 2 rue Pasteur, 75008 Paris", "2:1er étage|4:2 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Porte 12, 2 rue Pasteur, 75008 Paris", "2:Porte 12|4:2 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Chez Mme Durand, Résidence Les Pins, Bât A, Appt 12, 2 rue Pasteur, 75008 Paris",
     "2:Chez Mme Durand Appt 12|3:Résidence Les Pins Bât A|4:2 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Jean Dupont, 12 rue Pasteur, 75008 Paris, France", "1:Jean Dupont|4:12 RUE PASTEUR|6:75008 PARIS",
     ADDRESS_C_COUNTRY, 0},
    {"Jean Dupont; 12 rue Pasteur; 75008 Paris", "1:Jean Dupont|4:12 RUE PASTEUR|6:75008 PARIS", 0, 0},
    {"Mme Anne Martin\n\n\n12 rue Pasteur\n\n75008 PARIS", "1:Mme Anne Martin|4:12 RUE PASTEUR|6:75008 PARIS",
     0, 0},
    {"12 RUE PASTEUR, 75008 PARIS", "4:12 RUE PASTEUR|6:75008 PARIS", NO_CHANGE, 0},
    {"  12   rue   Pasteur ,  75008   Paris ", "4:12 RUE PASTEUR|6:75008 PARIS", ADDRESS_C_SPACES, 4},
    {"12 rue Pasteur, 75008 Paris Cedex", "4:12 RUE PASTEUR|6:75008 PARIS CEDEX", 0, 0},
    {"ZI des Prés, BP 12, 24560 Issigeac", "3:ZI des Prés|5:BP 12|6:24560 ISSIGEAC", 0, 0},
    {"Mlle Chloé Petit, 3 impasse du Moulin, Hameau de Lavaud, 24560 Issigeac",
     "1:Mlle Chloé Petit|4:3 IMPASSE DU MOULIN|5:HAMEAU DE LAVAUD|6:24560 ISSIGEAC", 0, 0},
    {"No 5 rue Pasteur, 24560 Issigeac", "4:5 RUE PASTEUR|6:24560 ISSIGEAC", ADDRESS_C_NUMBER, 4},
    {"10 rue des Lilas, Les Granges, Le Bourg, 24560 Issigeac", NULL, ADDRESS_E_TEXT_PART, 0},
};
/* clang-format on */

static void test_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof tcases / sizeof tcases[0]; i++) {
		const struct tcase *c = &tcases[i];
		address_result r;
		char what[64];
		snprintf(what, sizeof what, "text case %zu", i);
		check(what, address_normalise_text(c->text, strlen(c->text), NULL, &r), &r, c->want, c->code,
		      c->line);
	}
}

/*
 * A small geography shaped like La Poste's (INSEE code, postcode, commune,
 * delivery name, line 5), for these tests only: shared postcodes, a
 * commune with two postcodes, two communes of the same name, Corsica,
 * overseas, and two communes nouvelles, one delivered under its former
 * communes' names and one under its own name with the former commune on
 * line 5.
 */
static const address_place geography[] = {
    {"75108", "75008", "Paris 8e Arrondissement", "PARIS", ""},
    {"75116", "75116", "Paris 16e Arrondissement", "PARIS", ""},
    {"33284", "33380", "Mios", "MIOS", ""},
    {"33051", "33380", "Biganos", "BIGANOS", ""},
    {"33555", "33380", "Marcheprime", "MARCHEPRIME", ""},
    {"24212", "24560", "Issigeac", "ISSIGEAC", ""},
    {"24024", "24560", "Bardou", "BARDOU", ""},
    {"24331", "24560", "Plaisance", "PLAISANCE", ""},
    {"17347", "17400", "Saint-Jean-d'Angély", "ST JEAN D ANGELY", ""},
    {"17021", "17400", "Asnières-la-Giraud", "ASNIERES LA GIRAUD", ""},
    {"2A004", "20000", "Ajaccio", "AJACCIO", ""},
    {"2A004", "20090", "Ajaccio", "AJACCIO", ""},
    {"2A006", "20167", "Alata", "ALATA", ""},
    {"2A001", "20167", "Afa", "AFA", ""},
    {"2B033", "20200", "Bastia", "BASTIA", ""},
    {"2B033", "20600", "Bastia", "BASTIA", ""},
    {"2B120", "20600", "Furiani", "FURIANI", ""},
    {"97105", "97100", "Basse-Terre", "BASSE TERRE", ""},
    {"97209", "97200", "Fort-de-France", "FORT DE FRANCE", ""},
    {"97302", "97300", "Cayenne", "CAYENNE", ""},
    {"97411", "97400", "Saint-Denis", "ST DENIS", ""},
    {"93066", "93200", "Saint-Denis", "ST DENIS", ""},
    {"97502", "97500", "Saint-Pierre", "ST PIERRE", ""},
    {"97611", "97600", "Mamoudzou", "MAMOUDZOU", ""},
    {"97701", "97133", "Saint-Barthélemy", "ST BARTHELEMY", ""},
    {"97801", "97150", "Saint-Martin", "ST MARTIN", ""},
    {"56197", "56460", "Val d'Oust", "LE ROC ST ANDRE", ""},
    {"56197", "56460", "Val d'Oust", "LA CHAPELLE CARO", ""},
    {"56197", "56800", "Val d'Oust", "QUILY", ""},
    {"74010", "74000", "Annecy", "ANNECY", ""},
    {"74010", "74960", "Annecy", "ANNECY", "CRAN GEVRIER"},
    {"74010", "74600", "Annecy", "ANNECY", "SEYNOD"},
};

static int geo_by_postcode(void *ctx, const char *postcode, address_place *out, size_t max)
{
	size_t n = 0;
	(void)ctx;
	for (size_t i = 0; i < sizeof geography / sizeof geography[0]; i++)
		if (strcmp(geography[i].postcode, postcode) == 0) {
			if (n < max)
				out[n] = geography[i];
			n++;
		}
	return (int)n;
}

static int geo_by_name(void *ctx, const char *name, address_place *out, size_t max)
{
	size_t n = 0;
	(void)ctx;
	for (size_t i = 0; i < sizeof geography / sizeof geography[0]; i++) {
		const address_place *p = &geography[i];
		char a[256], b[256], c[256];
		address_name_key(p->commune, a, sizeof a);
		address_name_key(p->delivery, b, sizeof b);
		address_name_key(p->line5, c, sizeof c);
		if (strcmp(a, name) == 0 || strcmp(b, name) == 0 || strcmp(c, name) == 0) {
			if (n < max)
				out[n] = *p;
			n++;
		}
	}
	return (int)n;
}

static int geo_fail(void *ctx, const char *what, address_place *out, size_t max)
{
	(void)ctx;
	(void)what;
	(void)out;
	(void)max;
	return -1;
}

static const address_lookup geo = {NULL, geo_by_postcode, geo_by_name};

struct lcase {
	struct in in;
	const char *want;
	int code;
	const char *insee;       /* expected r.insee */
	const char *departement; /* expected r.departement */
	size_t proposals;        /* expected count */
};

/* clang-format off */
static const struct lcase lcases[] = {
    {{.number = "1", .street = "rue Royale", .postcode = "75008", .town = "Paris"},
      "4:1 RUE ROYALE|6:75008 PARIS", 0, "75108", "75", 0},
    {{.number = "6", .street = "rue Pasteur", .postcode = "33380", .town = "Mios"},
      "4:6 RUE PASTEUR|6:33380 MIOS", 0, "33284", "33", 0},
    {{.number = "6", .street = "rue Pasteur", .postcode = "33380", .town = "BIGANOS"},
      "4:6 RUE PASTEUR|6:33380 BIGANOS", 0, "33051", "33", 0},
    /* The typed town is kept when it is the delivery name, whether
     * SAINT is written out or not. */
    {{.number = "3", .street = "rue Grosse Horloge", .postcode = "17400", .town = "Saint-Jean-d'Angély"},
      "4:3 RUE GROSSE HORLOGE|6:17400 SAINT JEAN D ANGELY", 0, "17347", "17", 0},
    {{.number = "3", .street = "rue Grosse Horloge", .postcode = "17400", .town = "St-Jean-d'Angély"},
      "4:3 RUE GROSSE HORLOGE|6:17400 ST JEAN D ANGELY", 0, "17347", "17", 0},
    /* Corsica: 2A and 2B come from the INSEE code. */
    {{.number = "4", .street = "cours Napoléon", .postcode = "20000", .town = "Ajaccio"},
      "4:4 COURS NAPOLEON|6:20000 AJACCIO", 0, "2A004", "2A", 0},
    {{.street = "boulevard Paoli", .postcode = "20200", .town = "Bastia"},
      "4:BOULEVARD PAOLI|6:20200 BASTIA", 0, "2B033", "2B", 0},
    {{.street = "route du Cap", .postcode = "20600", .town = "Furiani"},
      "4:ROUTE DU CAP|6:20600 FURIANI", 0, "2B120", "2B", 0},
    {{.lieu_dit = "Pietralba", .postcode = "20167", .town = "Alata"},
      "5:PIETRALBA|6:20167 ALATA", 0, "2A006", "2A", 0},
    /* Overseas: the département has three digits; Saint-Barthélemy and
     * Saint-Martin have postcodes of Guadeloupe and INSEE codes of their
     * own. */
    {{.number = "2", .street = "rue de Paris", .postcode = "97100", .town = "Basse-Terre"},
      "4:2 RUE DE PARIS|6:97100 BASSE TERRE", 0, "97105", "971", 0},
    {{.number = "2", .street = "rue Victor Hugo", .postcode = "97200", .town = "Fort-de-France"},
      "4:2 RUE VICTOR HUGO|6:97200 FORT DE FRANCE", 0, "97209", "972", 0},
    {{.street = "avenue du Général de Gaulle", .postcode = "97300", .town = "Cayenne"},
      "4:AVENUE DU GENERAL DE GAULLE|6:97300 CAYENNE", 0, "97302", "973", 0},
    {{.number = "2", .street = "rue de Paris", .postcode = "97400", .town = "Saint-Denis"},
      "4:2 RUE DE PARIS|6:97400 SAINT DENIS", 0, "97411", "974", 0},
    {{.street = "rue du Général de Gaulle", .postcode = "97500", .town = "Saint-Pierre"},
      "4:RUE DU GENERAL DE GAULLE|6:97500 SAINT PIERRE", 0, "97502", "975", 0},
    {{.street = "rue du Commerce", .postcode = "97600", .town = "Mamoudzou"},
      "4:RUE DU COMMERCE|6:97600 MAMOUDZOU", 0, "97611", "976", 0},
    {{.lieu_dit = "Lorient", .postcode = "97133", .town = "Saint-Barthélemy"},
      "5:LORIENT|6:97133 SAINT BARTHELEMY", 0, "97701", "977", 0},
    {{.street = "rue de Hollande", .postcode = "97150", .town = "Saint-Martin"},
      "4:RUE DE HOLLANDE|6:97150 SAINT MARTIN", 0, "97801", "978", 0},
    /* Communes nouvelles. */
    {{.number = "10", .street = "rue de la Poste", .postcode = "56800", .town = "Val-d'Oust"},
      "4:10 RUE DE LA POSTE|6:56800 QUILY", ADDRESS_C_DELIVERY_TOWN, "56197", "56", 0},
    {{.number = "10", .street = "rue de la Poste", .postcode = "56460", .town = "Val d'Oust"},
      NULL, ADDRESS_E_TOWN_AMBIGUOUS, "", "56", 2},
    {{.number = "10", .street = "rue de la Poste", .postcode = "56460", .town = "La Chapelle-Caro"},
      "4:10 RUE DE LA POSTE|6:56460 LA CHAPELLE CARO", 0, "56197", "56", 0},
    {{.number = "4", .street = "chemin des Fins", .postcode = "74960", .town = "Cran-Gevrier"},
      "4:4 CHEMIN DES FINS|5:CRAN GEVRIER|6:74960 ANNECY", ADDRESS_C_DELEGATED, "74010", "74", 0},
    {{.number = "4", .street = "chemin des Fins", .postcode = "74960", .town = "Annecy"},
      "4:4 CHEMIN DES FINS|6:74960 ANNECY", 0, "74010", "74", 0},
    {{.lieu_dit = "Les Fins", .postcode = "74960", .town = "Cran-Gevrier"},
      "5:LES FINS|6:74960 ANNECY", ADDRESS_C_DELIVERY_TOWN, "74010", "74", 0},
    {{.number = "1", .street = "rue Royale", .postcode = "75008", .town = "Paris 8e Arrondissement"},
      "4:1 RUE ROYALE|6:75008 PARIS", ADDRESS_C_DELIVERY_TOWN, "75108", "75", 0},
    /* Disagreements: the right pairs are proposed. */
    {{.number = "6", .street = "rue Pasteur", .postcode = "75008", .town = "Mios"},
      NULL, ADDRESS_E_MISMATCH, "", "75", 2},
    {{.number = "6", .street = "rue Pasteur", .postcode = "33380", .town = "Paris"},
      NULL, ADDRESS_E_MISMATCH, "", "33", 5},
    {{.lieu_dit = "Le Bourg", .postcode = "24560"}, NULL, ADDRESS_E_TOWN_AMBIGUOUS, "", "24", 3},
    {{.number = "6", .street = "rue Pasteur", .postcode = "75099", .town = "Paris"},
      NULL, ADDRESS_E_POSTCODE_UNKNOWN, "", "75", 2},
    /* One side missing: completed when the geography allows it. */
    {{.number = "3", .street = "rue de Passy", .postcode = "75116"},
      "4:3 RUE DE PASSY|6:75116 PARIS", ADDRESS_C_TOWN_FROM_POSTCODE, "75116", "75", 0},
    {{.number = "6", .street = "rue Pasteur", .town = "Mios"},
      "4:6 RUE PASTEUR|6:33380 MIOS", ADDRESS_C_POSTCODE_FROM_TOWN, "33284", "33", 0},
    {{.number = "4", .street = "chemin des Fins", .town = "Cran-Gevrier"},
      "4:4 CHEMIN DES FINS|5:CRAN GEVRIER|6:74960 ANNECY", ADDRESS_C_DELEGATED, "74010", "74", 0},
    {{.number = "4", .street = "cours Napoléon", .town = "Ajaccio"},
      NULL, ADDRESS_E_POSTCODE_AMBIGUOUS, "", "", 2},
    {{.number = "2", .street = "rue de Paris", .town = "Saint-Denis"},
      NULL, ADDRESS_E_POSTCODE_AMBIGUOUS, "", "", 2},
    {{.number = "2", .street = "rue Rouge", .town = "Moscou"}, NULL, ADDRESS_E_POSTCODE_MISSING, "", "", 0},
    /* CEDEX codes belong to no commune: not checked. */
    {{.postbox = "BP 30", .postcode = "33073", .town = "Bordeaux", .cedex = 1},
      "5:BP 30|6:33073 BORDEAUX CEDEX", 0, "", "33", 0},
};
/* clang-format on */

static void check_lookup_case(size_t i, const struct lcase *c, const address_lookup *lk)
{
	address_fields f;
	address_result r;
	char what[64];
	fields_of(&c->in, &f);
	address_result_init(&r);
	snprintf(what, sizeof what, "lookup case %zu", i);
	check(what, address_format(&f, lk, &r), &r, c->want, c->code, 0);
	if (strcmp(r.insee, c->insee) != 0 || strcmp(r.departement, c->departement) != 0)
		fail_msg("%s: commune %s in %s, expected %s in %s", what, r.insee, r.departement, c->insee,
		         c->departement);
	if (r.n_proposals != c->proposals)
		fail_msg("%s: %zu proposals, expected %zu", what, r.n_proposals, c->proposals);
}

static void test_lookup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof lcases / sizeof lcases[0]; i++)
		check_lookup_case(i, &lcases[i], &geo);
}

/* What the proposals say, not only how many there are. */
static void test_proposals(void **state)
{
	(void)state;
	address_fields f;
	address_result r;
	fields_of(&(struct in){.street = "RUE PASTEUR", .postcode = "75008", .town = "Mios"}, &f);
	address_result_init(&r);
	assert_int_equal(address_format(&f, &geo, &r), -1);
	assert_int_equal(r.n_proposals, 2);
	/* The commune's own postcodes first, then the communes of the
	 * postcode typed. */
	assert_string_equal(r.proposals[0].postcode, "33380");
	assert_string_equal(r.proposals[0].insee, "33284");
	assert_string_equal(r.proposals[1].postcode, "75008");
	assert_string_equal(r.proposals[1].delivery, "PARIS");

	fields_of(&(struct in){.street = "RUE PASTEUR", .postcode = "56460", .town = "Val d'Oust"}, &f);
	address_result_init(&r);
	assert_int_equal(address_format(&f, &geo, &r), -1);
	assert_int_equal(r.n_proposals, 2);
	assert_string_equal(r.proposals[0].delivery, "LE ROC ST ANDRE");
	assert_string_equal(r.proposals[1].delivery, "LA CHAPELLE CARO");

	/* The delivery town that replaced the typed one is explained with
	 * both names. */
	fields_of(&(struct in){.street = "RUE PASTEUR", .postcode = "56800", .town = "Val d'Oust"}, &f);
	address_result_init(&r);
	assert_int_equal(address_format(&f, &geo, &r), 0);
	for (size_t i = 0; i < r.n_changes; i++)
		if (r.changes[i].code == ADDRESS_C_DELIVERY_TOWN) {
			assert_string_equal(r.changes[i].before, "VAL D OUST");
			assert_string_equal(r.changes[i].after, "QUILY");
			assert_string_equal(address_field_name(r.changes[i].field), "town");
		}
}

static void test_lookup_failures(void **state)
{
	(void)state;
	address_fields f;
	address_result r;
	address_lookup broken = {NULL, geo_fail, geo_fail};
	address_lookup no_names = {NULL, geo_by_postcode, NULL};
	address_lookup no_postcodes = {NULL, NULL, geo_by_name};
	fields_of(&(struct in){.street = "RUE PASTEUR", .postcode = "75008", .town = "Paris"}, &f);
	address_result_init(&r);
	check("failing lookup", address_format(&f, &broken, &r), &r, NULL, ADDRESS_E_LOOKUP, 6);
	fields_of(&(struct in){.street = "RUE PASTEUR", .town = "Paris"}, &f);
	address_result_init(&r);
	check("failing lookup by name", address_format(&f, &broken, &r), &r, NULL, ADDRESS_E_LOOKUP, 6);
	/* Half a lookup does half the checking. */
	fields_of(&(struct in){.street = "RUE PASTEUR", .postcode = "75008", .town = "Mios"}, &f);
	address_result_init(&r);
	check("lookup without names", address_format(&f, &no_names, &r), &r, NULL, ADDRESS_E_MISMATCH, 6);
	assert_int_equal(r.n_proposals, 1);
	address_result_init(&r);
	check("lookup without postcodes", address_format(&f, &no_postcodes, &r), &r,
	      "4:RUE PASTEUR|6:75008 MIOS", 0, 0);
}

/* A lookup that claims a thousand places and writes garbage: bounded
 * proposals, strings cut inside their buffers, no crash. */
static int greedy(void *ctx, const char *what, address_place *out, size_t max)
{
	(void)ctx;
	(void)what;
	for (size_t i = 0; i < max; i++) {
		memset(&out[i], 'A' + (int)(i % 26), sizeof out[i]);
		out[i].delivery[0] = (char)('A' + (int)(i % 26));
	}
	return 1000;
}

static void test_lookup_hostile(void **state)
{
	(void)state;
	address_fields f;
	address_result r;
	address_lookup lk = {NULL, greedy, greedy};
	fields_of(&(struct in){.street = "RUE PASTEUR", .postcode = "75008"}, &f);
	address_result_init(&r);
	check("greedy lookup", address_format(&f, &lk, &r), &r, NULL, ADDRESS_E_TOWN_AMBIGUOUS, 6);
	assert_true(r.n_proposals <= ADDRESS_MAX_PROPOSALS);
	for (size_t i = 0; i < r.n_proposals; i++) {
		assert_true(strlen(r.proposals[i].delivery) < sizeof r.proposals[i].delivery);
		assert_true(strlen(r.proposals[i].insee) < sizeof r.proposals[i].insee);
	}
	fields_of(&(struct in){.street = "RUE PASTEUR", .postcode = "75008", .town = "Paris"}, &f);
	address_result_init(&r);
	check("greedy lookup with a town", address_format(&f, &lk, &r), &r, NULL, ADDRESS_E_MISMATCH, 6);
}

/* Free text checked against the geography. */
/* clang-format off */
static const struct tcase geo_tcases[] = {
    {"Jean Dupont, 12 rue Pasteur, 75116", "1:Jean Dupont|4:12 RUE PASTEUR|6:75116 PARIS",
     ADDRESS_C_TOWN_FROM_POSTCODE, 6},
    {"6 rue Pasteur, 33380 Mios", "4:6 RUE PASTEUR|6:33380 MIOS", 0, 0},
    {"Chez Mme Roux, 4 chemin des Fins, 74960 Cran-Gevrier",
     "2:Chez Mme Roux|4:4 CHEMIN DES FINS|5:CRAN GEVRIER|6:74960 ANNECY", ADDRESS_C_DELEGATED, 6},
    {"10 rue de la Poste, 56800 Val-d'Oust", "4:10 RUE DE LA POSTE|6:56800 QUILY", ADDRESS_C_DELIVERY_TOWN, 6},
    {"1 rue Pasteur, 33380 Paris", NULL, ADDRESS_E_MISMATCH, 6},
    {"Le Bourg, 24560", NULL, ADDRESS_E_TOWN_AMBIGUOUS, 6},
    {"3 rue Grosse Horloge, 17400 St Jean d'Angely", "4:3 RUE GROSSE HORLOGE|6:17400 ST JEAN D ANGELY", 0, 0},
    {"Route du Cap, Furiani", "4:ROUTE DU CAP|6:20600 FURIANI", ADDRESS_C_POSTCODE_FROM_TOWN, 6},
};
/* clang-format on */

static void test_text_lookup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof geo_tcases / sizeof geo_tcases[0]; i++) {
		const struct tcase *c = &geo_tcases[i];
		address_result r;
		char what[64];
		snprintf(what, sizeof what, "text lookup case %zu", i);
		check(what, address_normalise_text(c->text, strlen(c->text), &geo, &r), &r, c->want, c->code,
		      c->line);
	}
}

/* The parser's fields, not only the lines they become. */
static void test_parser_fields(void **state)
{
	(void)state;
	address_fields f;
	address_result r;
	const char *t = "Mme Anne Martin, chez M. Paul Roux, Résidence Les Pins, 12 bis avenue Foch, BP 7, "
	                "75116 Paris Cedex 16";
	address_result_init(&r);
	assert_int_equal(address_from_text(t, strlen(t), &f, &r), 0);
	assert_string_equal(f.recipient, "Mme Anne Martin");
	assert_string_equal(f.complement, "chez M. Paul Roux");
	assert_string_equal(f.building, "Résidence Les Pins");
	assert_string_equal(f.number, "12");
	assert_string_equal(f.suffix, "bis");
	assert_string_equal(f.street, "avenue Foch");
	assert_string_equal(f.postbox, "BP 7");
	assert_string_equal(f.postcode, "75116");
	assert_string_equal(f.town, "Paris Cedex 16");
	assert_int_equal(address_format(&f, NULL, &r), 0);
	assert_string_equal(r.lines[r.n_lines - 1], "75116 PARIS CEDEX 16");

	t = "Lieu-dit Les Granges\nCedex 3";
	address_result_init(&r);
	assert_int_equal(address_from_text(t, strlen(t), &f, &r), 0);
	assert_string_equal(f.lieu_dit, "Les Granges");
	assert_int_equal(f.cedex, 1);
	assert_string_equal(f.cedex_office, "3");
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
	    cmocka_unit_test(test_text),           cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_proposals),      cmocka_unit_test(test_lookup_failures),
	    cmocka_unit_test(test_lookup_hostile), cmocka_unit_test(test_text_lookup),
	    cmocka_unit_test(test_parser_fields),  cmocka_unit_test(test_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
