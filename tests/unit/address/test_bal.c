/*
 * test_bal.c: the Base Adresse Locale reader (address/bal.h): schemas 1.3
 * and 1.4 (columns in any order, translations and unknown columns ignored),
 * quoting, a byte-order mark, CRLF, the numero 99999 of a named place, and
 * every refusal with the line it names.
 */
#include "unit.h"

#include "address/bal.h"

#define H13                                                                                                  \
	"uid_adresse;cle_interop;commune_insee;commune_nom;commune_deleguee_insee;commune_deleguee_nom;"     \
	"voie_nom;lieudit_complement_nom;numero;suffixe;position;x;y;long;lat;cad_parcelles;source;"         \
	"date_der_maj;certification_commune\n"

struct got {
	size_t n;
	char voie[8][128], lieudit[8][128], suffixe[8][16], insee[8][8];
	int numero[8], toponym[8], certifie[8];
	size_t line[8];
};

static int collect(void *ctx, const bal_row *row, char *err, size_t errlen)
{
	struct got *g = ctx;
	(void)err;
	(void)errlen;
	if (g->n < 8) {
		snprintf(g->voie[g->n], sizeof g->voie[0], "%s", row->voie_nom);
		snprintf(g->lieudit[g->n], sizeof g->lieudit[0], "%s", row->lieudit);
		snprintf(g->suffixe[g->n], sizeof g->suffixe[0], "%s", row->suffixe);
		snprintf(g->insee[g->n], sizeof g->insee[0], "%s", row->commune_insee);
		g->numero[g->n] = row->numero;
		g->toponym[g->n] = row->toponym;
		g->certifie[g->n] = row->certifie;
		g->line[g->n] = row->line;
	}
	g->n++;
	return 0;
}

static long parse(const char *s, struct got *g, char *err)
{
	memset(g, 0, sizeof *g);
	return bal_parse(s, strlen(s), collect, g, err, BAL_ERR_BYTES);
}

static void test_schema_13(void **state)
{
	(void)state;
	struct got g;
	char err[BAL_ERR_BYTES];
	const char *csv = H13
	    ";64102_0010_00012;64102;Bayonne;;;Rue des Basques;;12;bis;entrée;;;-1.47;43.49;;commune;"
	    "2023-05-01;1\r\n"
	    ";64102_0020_99999;64102;Bayonne;;;Lieu-dit Ahetzia;;99999;;segment;;;;;;commune;2023-05-01;0\n"
	    "\n";
	assert_int_equal(parse(csv, &g, err), 2);
	assert_string_equal(g.voie[0], "Rue des Basques");
	assert_int_equal(g.numero[0], 12);
	assert_string_equal(g.suffixe[0], "bis");
	assert_int_equal(g.certifie[0], 1);
	assert_int_equal(g.line[0], 2);
	assert_int_equal(g.numero[1], 0);
	assert_int_equal(g.toponym[1], 1);
	assert_int_equal(g.certifie[1], 0);
	assert_int_equal(g.line[1], 3);
}

static void test_schema_14(void **state)
{
	(void)state;
	struct got g;
	char err[BAL_ERR_BYTES];
	/* A byte-order mark, another order, the translations and the BAN
	 * identifiers of 1.4, a quoted field holding ';' and '"', Corsica. */
	const char *csv =
	    "\xEF\xBB\xBFid_ban_commune;id_ban_toponyme;id_ban_adresse;cle_interop;commune_insee;"
	    "commune_nom;voie_nom;voie_nom_cos;numero;suffixe;lieudit_complement_nom;"
	    "lieudit_complement_nom_cos\n"
	    "a;b;c;2a004_0001_00003;2A004;Ajaccio;\"Cours \"\"Napoléon\"\"; haut\";Corsu;3;;U Salariu;"
	    "U Salariu\n";
	assert_int_equal(parse(csv, &g, err), 1);
	assert_string_equal(g.voie[0], "Cours \"Napoléon\"; haut");
	assert_string_equal(g.insee[0], "2A004");
	assert_string_equal(g.lieudit[0], "U Salariu");
}

/* Each bad file, and the start of the message it must give. */
static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *csv, *want;
	} cases[] = {
	    {"", "line 1: the file is empty"},
	    {"cle_interop;commune_insee;commune_nom;numero\n",
	     "line 1: a required column is missing: voie_nom"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero;numero\n",
	     "line 1: a column is named twice"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;Rue;1;extra\n",
	     "line 2: wrong number of fields"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;Rue\n",
	     "line 2: wrong number of fields"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;;1\n",
	     "line 2: a required value is empty: voie_nom"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;6410;B;Rue;1\n",
	     "line 2: commune_insee is not a commune code"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;Rue;1\nx;64102;B;Rue;-1\n",
	     "line 3: numero is not a number"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;Rue;123456\n",
	     "line 2: numero is not a number"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero;suffixe\nx;64102;B;Rue;1;b-2\n",
	     "line 2: suffixe is not a suffix"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero;suffixe\nx;64102;B;Rue;99999;bis\n",
	     "line 2: a suffix without a number"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero;certification_commune\nx;64102;B;Rue;1;"
	     "oui\n",
	     "line 2: certification_commune is neither 0 nor 1"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;\"Rue;1\n",
	     "line 2: a quote is not closed"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;\"Rue\"x;1\n",
	     "line 2: text after a closing quote"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;Ru\"e;1\n",
	     "line 2: a quote inside"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;Rue\xC3;1\n",
	     "line 2: a field is not UTF-8"},
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;Rue\tA;1\n",
	     "line 2: a field is not UTF-8"},
	    /* A line break inside quotes is refused, named by the row's first line. */
	    {"cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;\"Rue\nA\";1\nx;64102;B;Rue;"
	     "z\n",
	     "line 2: a field is not UTF-8"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct got g;
		char err[BAL_ERR_BYTES];
		long n = parse(cases[i].csv, &g, err);
		if (n != -1 || strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: %ld «%s», expected «%s»", i, n, err, cases[i].want);
	}
	/* A field longer than the limit. */
	char big[BAL_FIELD_BYTES + 200];
	snprintf(big, sizeof big, "cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;");
	size_t o = strlen(big);
	memset(big + o, 'a', BAL_FIELD_BYTES);
	snprintf(big + o + BAL_FIELD_BYTES, sizeof big - o - BAL_FIELD_BYTES, ";1\n");
	struct got g;
	char err[BAL_ERR_BYTES];
	assert_int_equal(parse(big, &g, err), -1);
	assert_string_equal(err, "line 2: a field is too long");
}

static int refuse_second(void *ctx, const bal_row *row, char *err, size_t errlen)
{
	(void)ctx;
	if (row->line == 3) {
		snprintf(err, errlen, "line %zu: not wanted", row->line);
		return -1;
	}
	return 0;
}

static void test_callback_refuses(void **state)
{
	(void)state;
	const char *csv =
	    "cle_interop;commune_insee;commune_nom;voie_nom;numero\nx;64102;B;Rue;1\nx;64102;B;Rue;2\n";
	char err[BAL_ERR_BYTES];
	assert_int_equal(bal_parse(csv, strlen(csv), refuse_second, NULL, err, sizeof err), -1);
	assert_string_equal(err, "line 3: not wanted");
	assert_int_equal(bal_parse(csv, strlen(csv), NULL, NULL, err, sizeof err), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schema_13),
	    cmocka_unit_test(test_schema_14),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_callback_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
