/*
 * test_takehome.c: what the take-home summary says of a demand (every
 * level and outcome, the referral's words, unknown codes refused), the
 * documents to bring split one per line (CR LF, blank lines, spaces, the
 * maximum), the formats, the weekdays and the times of the opening hours.
 */
#include "unit.h"

#include <string.h>

#include "domain/takehome.h"

static const char *const LEVELS[] = {"information", "fait_avec", "fait_pour"};
static const char *const OUTCOMES[] = {"resolu", "a_finaliser_en_autonomie", "doit_revenir", "oriente",
                                       "escalade"};

static void test_every_demand(void **state)
{
	(void)state;
	for (size_t l = 0; l < sizeof(LEVELS) / sizeof(*LEVELS); l++)
		for (size_t o = 0; o < sizeof(OUTCOMES) / sizeof(*OUTCOMES); o++) {
			takehome_demand t;
			assert_int_equal(takehome_demand_of(LEVELS[l], OUTCOMES[o], "", &t), 0);
			assert_non_null(t.done);
			assert_non_null(t.done_picto);
			assert_non_null(t.outcome);
			assert_non_null(t.outcome_picto);
			assert_non_null(t.next);
			assert_int_equal(t.escalated, strcmp(OUTCOMES[o], "escalade") == 0);
			assert_int_equal(t.referral != NULL, strcmp(OUTCOMES[o], "oriente") == 0);
		}
	takehome_demand a, b;
	assert_int_equal(takehome_demand_of("fait_avec", "resolu", "", &a), 0);
	assert_int_equal(takehome_demand_of("fait_pour", "resolu", "", &b), 0);
	assert_string_not_equal(a.done, b.done);
	assert_string_equal(b.done_picto, "270D");
	assert_int_equal(a.documents, 0);
	assert_int_equal(takehome_demand_of("information", "doit_revenir", "", &a), 0);
	assert_int_equal(a.documents, 1);
	assert_string_equal(a.next, "Revenez nous voir pour finir la démarche.");
}

static void test_referral(void **state)
{
	(void)state;
	takehome_demand t;
	assert_int_equal(takehome_demand_of("information", "oriente", "aide_sociale", &t), 0);
	assert_string_equal(t.referral, "Un service d'aide sociale");
	assert_int_equal(takehome_demand_of("information", "oriente", "aide_aux_demarches", &t), 0);
	assert_string_equal(t.referral, "Un autre lieu France Services");
	/* Not recorded, or unknown: still somewhere to go. */
	assert_int_equal(takehome_demand_of("information", "oriente", "", &t), 0);
	assert_string_equal(t.referral, "Un autre service");
	assert_int_equal(takehome_demand_of("information", "oriente", NULL, &t), 0);
	assert_string_equal(t.referral, "Un autre service");
	/* A referral kind without the outcome says nothing of it. */
	assert_int_equal(takehome_demand_of("information", "resolu", "aide_sociale", &t), 0);
	assert_null(t.referral);
}

static void test_unknown(void **state)
{
	(void)state;
	takehome_demand t;
	memset(&t, 0x5a, sizeof(t));
	assert_int_equal(takehome_demand_of("autre", "resolu", "", &t), -1);
	assert_null(t.done);
	assert_null(t.outcome);
	assert_int_equal(takehome_demand_of("fait_avec", "perdu", "", &t), -1);
	assert_int_equal(takehome_demand_of(NULL, NULL, NULL, &t), -1);
	assert_int_equal(takehome_demand_of("", "", "", &t), -1);
}

static void test_documents(void **state)
{
	(void)state;
	arena *a = arena_new(1 << 16);
	const char **v;
	size_t n = takehome_documents(a, "Bail\r\n  Montant du loyer  \n\n \t\nRIB\n", 10, &v);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "Bail");
	assert_string_equal(v[1], "Montant du loyer");
	assert_string_equal(v[2], "RIB");
	assert_int_equal(takehome_documents(a, "Un seul", 10, &v), 1);
	assert_string_equal(v[0], "Un seul");
	assert_int_equal(takehome_documents(a, "a\nb\nc\nd", 2, &v), 2);
	assert_string_equal(v[1], "b");
	assert_int_equal(takehome_documents(a, "", 10, &v), 0);
	assert_null(v);
	assert_int_equal(takehome_documents(a, "\n \r\n", 10, &v), 0);
	assert_null(v);
	assert_int_equal(takehome_documents(a, NULL, 10, &v), 0);
	assert_int_equal(takehome_documents(a, "x", 0, &v), 0);
	arena_free(a);
	/* A full arena gives nothing rather than a half list. */
	arena *tiny = arena_new(8);
	assert_int_equal(takehome_documents(tiny, "a\nb\nc\nd\ne\nf", 10, &v), 0);
	arena_free(tiny);
}

static void test_formats(void **state)
{
	(void)state;
	assert_int_equal(takehome_format_parse(NULL), TAKEHOME_A4);
	assert_int_equal(takehome_format_parse(""), TAKEHOME_A4);
	assert_int_equal(takehome_format_parse("a4"), TAKEHOME_A4);
	assert_int_equal(takehome_format_parse("receipt"), TAKEHOME_RECEIPT);
	assert_int_equal(takehome_format_parse("A4"), -1);
	assert_int_equal(takehome_format_parse("a5"), -1);
	assert_int_equal(takehome_format_parse("receipt "), -1);
	assert_string_equal(takehome_format_code(TAKEHOME_A4), "a4");
	assert_string_equal(takehome_format_code(TAKEHOME_RECEIPT), "receipt");
}

static void test_hours(void **state)
{
	(void)state;
	char hm[6];
	assert_string_equal(takehome_weekday(1), "Lundi");
	assert_string_equal(takehome_weekday(7), "Dimanche");
	assert_null(takehome_weekday(0));
	assert_null(takehome_weekday(8));
	assert_int_equal(takehome_hm(570, hm), 0);
	assert_string_equal(hm, "09:30");
	assert_int_equal(takehome_hm(0, hm), 0);
	assert_string_equal(hm, "00:00");
	assert_int_equal(takehome_hm(1440, hm), 0);
	assert_string_equal(hm, "24:00");
	assert_int_equal(takehome_hm(-1, hm), -1);
	assert_string_equal(hm, "");
	assert_int_equal(takehome_hm(1441, hm), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_demand), cmocka_unit_test(test_referral),
	    cmocka_unit_test(test_unknown),      cmocka_unit_test(test_documents),
	    cmocka_unit_test(test_formats),      cmocka_unit_test(test_hours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
