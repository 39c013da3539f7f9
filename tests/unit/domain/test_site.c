/*
 * test_site.c: the rules of a site: codes, labels, and validation tables.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "domain/site.h"

static void test_lists(void **state)
{
	(void)state;
	size_t n;
	const site_code *t = site_types(&n);
	assert_int_equal(n, 7);
	assert_int_equal(site_type_count(), 7);
	assert_string_equal(t[0].code, "france_services");
	assert_string_equal(site_type_code(1), "france_services_itinerant");
	assert_null(site_type_code(7));
	assert_string_equal(site_type_label("mediatheque"), "Médiathèque");
	assert_string_equal(site_type_label("bus"), "bus");
	assert_string_equal(site_type_label(NULL), "");
	for (size_t i = 0; i < n; i++)
		assert_string_equal(site_type_label(site_type_code(i)), t[i].label);

	const site_code *acc = site_access_options(&n);
	assert_int_equal(n, 5);
	assert_int_equal(site_access_count(), 5);
	assert_string_equal(acc[0].code, "pmr");
	assert_string_equal(site_access_label("pmr"), "Accès en fauteuil roulant");
	assert_string_equal(site_access_label("lsf"), "Accueil en langue des signes");
	assert_string_equal(site_access_label("falc"), "Documents faciles à lire");
	assert_string_equal(site_access_label("malvoyants"), "Accueil adapté aux personnes malvoyantes");
	assert_string_equal(site_access_code(1), "boucle_magnetique");
	assert_null(site_access_code(5));
}

static void test_insee(void **state)
{
	(void)state;
	static const struct {
		const char *code, *dep; /* dep NULL: invalid */
	} cases[] = {
	    {"35238", "35"},  {"01001", "01"},  {"2A004", "2A"},  {"2B033", "2B"},  {"75056", "75"},
	    {"97411", "974"}, {"97101", "971"}, {"97608", "976"}, {"98735", "987"}, {"97502", "975"},
	    {"3523", NULL},   {"352380", NULL}, {"", NULL},       {"20004", NULL},  {"2a004", NULL},
	    {"2C004", NULL},  {"00123", NULL},  {"96123", NULL},  {"97912", NULL},  {"98512", NULL},
	    {"99100", NULL},  {"35A38", NULL},  {"3523 ", NULL},  {"AB123", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *dep = site_departement_of(cases[i].code);
		if (cases[i].dep) {
			if (!dep)
				fail_msg("'%s' should be valid", cases[i].code);
			assert_string_equal(dep, cases[i].dep);
			assert_true(site_insee_valid(cases[i].code));
		} else if (dep) {
			fail_msg("'%s' should be invalid, got %s", cases[i].code, dep);
		}
	}
	assert_null(site_departement_of(NULL));
	assert_true(site_departement_valid("35"));
	assert_true(site_departement_valid("2B"));
	assert_true(site_departement_valid("988"));
	assert_false(site_departement_valid("20"));
	assert_false(site_departement_valid("96"));
	assert_false(site_departement_valid("2a"));
	assert_false(site_departement_valid(""));
	assert_false(site_departement_valid(NULL));
}

static void test_languages(void **state)
{
	(void)state;
	const char *good[] = {"fr", "en", "ar", "fa", "ps", "uk", "ru", "ti", "es",
	                      "pt", "ro", "tr", "ta", "bn", "sq", "ka", "zu", "aa"};
	const char *bad[] = {"FR", "xx", "f", "fra", "", "f1", "qq", NULL};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!site_language_valid(good[i]))
			fail_msg("'%s' should be valid", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (site_language_valid(bad[i]))
			fail_msg("'%s' should be invalid", bad[i]);
}

/* A site built from writable copies, as a form or the CLI gives it. */
struct draft {
	char name[512], type[64], commune[64], dep[16], languages[256], access[256], address[4096];
	store_site site;
};

static void draft_init(struct draft *d, const char *name, const char *type, const char *commune,
                       const char *languages, const char *access)
{
	memset(d, 0, sizeof *d);
	strcpy(d->name, name);
	strcpy(d->type, type);
	strcpy(d->commune, commune);
	strcpy(d->languages, languages);
	strcpy(d->access, access);
	d->site = (store_site){.name = d->name,
	                       .type = d->type,
	                       .commune_insee = d->commune,
	                       .departement = d->dep,
	                       .address = d->address,
	                       .languages = d->languages,
	                       .accessibility = d->access};
}

static void test_validate_table(void **state)
{
	(void)state;
	static const struct {
		const char *name, *type, *commune, *languages, *access;
		const char *field; /* the one field in error, NULL when valid */
		const char *msgid; /* its message, when checked */
	} cases[] = {
	    {"Mairie de Rennes", "mairie", "35238", "fr", "pmr", NULL, NULL},
	    {"Bus", "france_services_itinerant", "", "", "", NULL, NULL},
	    {"", "mairie", "35238", "", "", "name", "Indiquez le nom du lieu."},
	    {"   ", "mairie", "35238", "", "", "name", "Indiquez le nom du lieu."},
	    {"Nom\tà tabulation", "mairie", "", "", "", "name", NULL},
	    {"Lieu", "bus", "", "", "", "type", "Choisissez le type de lieu."},
	    {"Lieu", "", "", "", "", "type", NULL},
	    {"Lieu", "mairie", "3523", "", "", "commune_insee",
	     "Le code commune doit compter 5 caractères, par exemple 35238."},
	    {"Lieu", "mairie", "20004", "", "", "commune_insee", NULL},
	    {"Lieu", "mairie", "35000", "", "", "commune_insee", NULL},
	    {"Lieu", "mairie", "97400", "", "", "commune_insee", NULL},
	    {"Lieu", "mairie", "35238", "fr,xx", "", "languages", NULL},
	    {"Lieu", "mairie", "35238", "fr;ar", "", "languages", NULL},
	    {"Lieu", "mairie", "35238", "", "pmr,ascenseur", "accessibility", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct draft d;
		draft_init(&d, cases[i].name, cases[i].type, cases[i].commune, cases[i].languages,
		           cases[i].access);
		field_errors e = {0};
		int rc = site_validate(&d.site, &e);
		unit_check_case(i, rc, &e, cases[i].field, cases[i].msgid);
	}
}

static void test_normalise(void **state)
{
	(void)state;
	struct draft d;
	draft_init(&d, "  France Services  ", "france_services", " 2a004 ", " FR, ar ,fr,, uk ",
	           "LSF,pmr,lsf");
	field_errors e = {0};
	assert_int_equal(site_validate(&d.site, &e), 0);
	assert_string_equal(d.site.name, "France Services");
	assert_string_equal(d.site.commune_insee, "2A004");
	assert_string_equal(d.site.departement, "2A");
	assert_string_equal(d.site.languages, "fr,ar,uk");
	assert_string_equal(d.site.accessibility, "lsf,pmr");

	/* No commune: a valid département given by hand stays; a bad one is refused. */
	draft_init(&d, "Lieu", "autre", "", "", "");
	strcpy(d.dep, "2b");
	assert_int_equal(site_validate(&d.site, &e), 0);
	assert_string_equal(d.site.departement, "2B");
	strcpy(d.dep, "20");
	assert_int_equal(site_validate(&d.site, &e), -1);
	assert_non_null(field_error_for(&e, "departement"));

	/* The commune decides the département, whatever was there before. */
	draft_init(&d, "Lieu", "autre", "97411", "", "");
	strcpy(d.dep, "35");
	e = (field_errors){0};
	assert_int_equal(site_validate(&d.site, &e), 0);
	assert_string_equal(d.site.departement, "974");
}

/* Pages pass "" literals for absent fields: validation must not write them. */
static void test_literals(void **state)
{
	(void)state;
	store_site s = {.name = "Lieu",
	                .type = "mairie",
	                .commune_insee = "",
	                .departement = "",
	                .address = "",
	                .opening_hours = "",
	                .languages = "fr,ar",
	                .accessibility = "",
	                .accessibility_note = ""};
	field_errors e = {0};
	assert_int_equal(site_validate(&s, &e), 0);
	store_site nulls = {.name = "Lieu", .type = "autre"};
	assert_int_equal(site_validate(&nulls, &e), 0);
	store_site empty = {0};
	assert_int_equal(site_validate(&empty, &e), -1);
}

static void test_texts(void **state)
{
	(void)state;
	struct draft d;
	field_errors e = {0};
	draft_init(&d, "Lieu", "mairie", "", "", "");
	strcpy(d.address, "12 rue de la Paix\n35000 RENNES");
	assert_int_equal(site_validate(&d.site, &e), 0);

	memset(d.name, 'a', LIMIT_NAME_BYTES);
	d.name[LIMIT_NAME_BYTES] = '\0';
	assert_int_equal(site_validate(&d.site, &e), 0);
	d.name[LIMIT_NAME_BYTES] = 'a';
	d.name[LIMIT_NAME_BYTES + 1] = '\0';
	assert_int_equal(site_validate(&d.site, &e), -1);
	assert_string_equal(field_error_for(&e, "name"),
	                    "Le nom du lieu ne doit pas dépasser 200 caractères.");

	draft_init(&d, "Lieu", "mairie", "", "", "");
	memset(d.address, 'x', LIMIT_TEXT_BYTES + 1);
	e = (field_errors){0};
	assert_int_equal(site_validate(&d.site, &e), -1);
	assert_non_null(field_error_for(&e, "address"));

	draft_init(&d, "Lieu", "mairie", "", "", "");
	strcpy(d.address, "bad \x01 byte");
	e = (field_errors){0};
	assert_int_equal(site_validate(&d.site, &e), -1);
	assert_string_equal(field_error_for(&e, "address"),
	                    "Ce texte contient des caractères non autorisés.");

	draft_init(&d, "Caf\xc3", "mairie", "", "", ""); /* truncated UTF-8 */
	e = (field_errors){0};
	assert_int_equal(site_validate(&d.site, &e), -1);
	assert_non_null(field_error_for(&e, "name"));

	assert_int_equal(site_text_check("ligne\nligne", 100, 1), SITE_TEXT_OK);
	assert_int_equal(site_text_check("ligne\nligne", 100, 0), SITE_TEXT_BAD);
	assert_int_equal(site_text_check("abc", 2, 0), SITE_TEXT_TOO_LONG);
	assert_int_equal(site_text_check(NULL, 2, 0), SITE_TEXT_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lists),     cmocka_unit_test(test_insee),
	    cmocka_unit_test(test_languages), cmocka_unit_test(test_validate_table),
	    cmocka_unit_test(test_normalise), cmocka_unit_test(test_literals),
	    cmocka_unit_test(test_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
