/*
 * test_enums.c: the vocabularies of the accompaniment record: every code of
 * REFERENCE.md section 4 is there with a label, lookups by name, lists of
 * codes, and the age brackets derived from a birth year.
 */
#include "unit.h"

#include <string.h>

#include "vocab/enums.h"

static void expect_codes(const enum_def *d, const char *const *codes, size_t n)
{
	assert_int_equal(d->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(d->items[i].code, codes[i]);
		assert_true(enum_valid(d, codes[i]));
		assert_true(d->items[i].label[0] != '\0');
		assert_string_equal(enum_label(d, codes[i]), d->items[i].label);
	}
}

#define EXPECT(d, ...)                                                                                       \
	do {                                                                                                 \
		static const char *const c[] = {__VA_ARGS__};                                                \
		expect_codes(&(d), c, sizeof c / sizeof c[0]);                                               \
	} while (0)

static void test_vocabularies(void **state)
{
	(void)state;
	EXPECT(ENUM_GENDER, "feminin", "masculin", "non_communique");
	EXPECT(ENUM_AGE, "moins_de_12", "12_17", "18_24", "25_39", "40_59", "60_69", "70_plus",
	       "non_communique");
	EXPECT(ENUM_STATUS, "scolarise", "sans_emploi", "en_emploi", "retraite", "non_communique");
	EXPECT(ENUM_CHANNEL, "guichet_spontane", "guichet_rdv", "telephone", "itinerant", "domicile", "visio",
	       "courrier_email", "rappel");
	EXPECT(ENUM_LEVEL, "information", "fait_avec", "fait_pour");
	EXPECT(ENUM_MANDATE, "papier", "sms", "aidants_connect");
	EXPECT(ENUM_EQUIPMENT, "ordinateur", "telephone", "tablette", "autre", "aucun");
	EXPECT(ENUM_INTERPRETING, "aucun", "telephone", "collegue", "proche", "application");
	EXPECT(ENUM_OUTCOME, "resolu", "a_finaliser_en_autonomie", "doit_revenir", "oriente", "escalade");
	EXPECT(ENUM_REFERRAL, "administration", "autre_mediation_numerique", "operateur_en_charge",
	       "aide_sociale", "insertion_professionnelle", "aide_aux_demarches", "autre");
	EXPECT(ENUM_DISABILITY, "auditif", "visuel", "moteur", "mental", "psychique");
	EXPECT(ENUM_CONSENT, "suivi", "rappel", "escalade");
	EXPECT(ENUM_WORKSHOP_LEVEL, "debutant", "intermediaire", "avance");
	EXPECT(ENUM_AUTONOMY, "1", "2", "3");

	assert_string_equal(enum_label(&ENUM_CHANNEL, "guichet_spontane"), "Accueil spontané");
	assert_string_equal(enum_label(&ENUM_CHANNEL, "itinerant"), "Itinérance (arrêt du bus)");
	assert_string_equal(enum_label(&ENUM_CHANNEL, "domicile"), "À domicile");
	assert_string_equal(enum_label(&ENUM_OUTCOME, "escalade"),
	                    "Transmis au service de l'opérateur (escalade)");
	assert_string_equal(enum_label(&ENUM_AUTONOMY, "2"), "2 — Autonome avec guidage en cas de besoin");
}

static void test_lookups(void **state)
{
	(void)state;
	assert_ptr_equal(enum_by_name("channel"), &ENUM_CHANNEL);
	assert_ptr_equal(enum_by_name("outcome"), &ENUM_OUTCOME);
	assert_ptr_equal(enum_by_name("workshop_level"), &ENUM_WORKSHOP_LEVEL);
	assert_ptr_equal(enum_by_name("autonomy"), &ENUM_AUTONOMY);
	assert_null(enum_by_name("nope"));
	assert_null(enum_by_name(NULL));

	assert_false(enum_valid(&ENUM_CHANNEL, ""));
	assert_false(enum_valid(&ENUM_CHANNEL, NULL));
	assert_false(enum_valid(&ENUM_CHANNEL, "Telephone"));
	assert_false(enum_valid(&ENUM_CHANNEL, "telephone "));
	assert_false(enum_valid(&ENUM_CHANNEL, "tele"));
	assert_string_equal(enum_label(&ENUM_CHANNEL, "unknown"), "unknown");
	assert_string_equal(enum_label(&ENUM_CHANNEL, NULL), "");
}

static void test_lists(void **state)
{
	(void)state;
	assert_true(enum_list_valid(&ENUM_EQUIPMENT, ""));
	assert_true(enum_list_valid(&ENUM_EQUIPMENT, "ordinateur"));
	assert_true(enum_list_valid(&ENUM_EQUIPMENT, "ordinateur,telephone,aucun"));
	assert_false(enum_list_valid(&ENUM_EQUIPMENT, "ordinateur,ordinateur"));
	assert_false(enum_list_valid(&ENUM_EQUIPMENT, "ordinateur,"));
	assert_false(enum_list_valid(&ENUM_EQUIPMENT, ",ordinateur"));
	assert_false(enum_list_valid(&ENUM_EQUIPMENT, "ordinateur,,tablette"));
	assert_false(enum_list_valid(&ENUM_EQUIPMENT, "ordinateur, tablette"));
	assert_false(enum_list_valid(&ENUM_EQUIPMENT, "fax"));
	assert_false(enum_list_valid(&ENUM_EQUIPMENT, NULL));
	assert_true(enum_list_valid(&ENUM_DISABILITY, "psychique,auditif,visuel,moteur,mental"));
	assert_false(enum_list_valid(NULL, "x"));
}

static void test_age_brackets(void **state)
{
	(void)state;
	static const struct {
		int born, year;
		const char *bracket;
	} cases[] = {
	    {2015, 2026, "moins_de_12"}, {2014, 2026, "12_17"},        {2009, 2026, "12_17"},
	    {2008, 2026, "18_24"},       {2002, 2026, "18_24"},        {2001, 2026, "25_39"},
	    {1987, 2026, "25_39"},       {1986, 2026, "40_59"},        {1967, 2026, "40_59"},
	    {1966, 2026, "60_69"},       {1957, 2026, "60_69"},        {1956, 2026, "70_plus"},
	    {1900, 2026, "70_plus"},     {2026, 2026, "moins_de_12"},  {2027, 2026, "non_communique"},
	    {0, 2026, "non_communique"}, {-5, 2026, "non_communique"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(enum_age_bracket_of(cases[i].born, cases[i].year), cases[i].bracket);
	/* Every bracket given is a code of the vocabulary. */
	for (int born = 1900; born <= 2030; born++)
		assert_true(enum_valid(&ENUM_AGE, enum_age_bracket_of(born, 2026)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vocabularies),
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_lists),
	    cmocka_unit_test(test_age_brackets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
