/*
 * test_site_phone.c: a site's telephone number for the public: the numbers
 * accepted (French, international +33, short), their compact stored form,
 * the groups they are shown in, and site_validate's check in place.
 */
#include "unit.h"

#include <string.h>

#include "domain/site.h"

static void test_compact(void **state)
{
	(void)state;
	static const struct {
		const char *typed, *stored;
	} ok[] = {
	    {"02 99 00 00 00", "0299000000"},
	    {"0299000000", "0299000000"},
	    {"02.99.00.00.00", "0299000000"},
	    {"02-99-00-00-00", "0299000000"},
	    {"  02 99 00 00 00\t", "0299000000"},
	    {"02\xc2\xa0"
	     "99\xc2\xa0"
	     "00 00 00",
	     "0299000000"}, /* no-break spaces */
	    {"02\xe2\x80\xaf"
	     "99 00 00 00",
	     "0299000000"}, /* narrow no-break space */
	    {"06 11 22 33 44", "0611223344"},
	    {"+33 2 99 00 00 00", "+33299000000"},
	    {"+33299000000", "+33299000000"},
	    {"+33 (0)2 99 00 00 00", "+33299000000"},
	    {"3939", "3939"},
	    {"1010", "1010"},
	    {"", ""},
	    {"   ", ""},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char out[SITE_PHONE_SIZE];
		assert_int_equal(site_phone_compact(ok[i].typed, out), 0);
		assert_string_equal(out, ok[i].stored);
	}
	char out[SITE_PHONE_SIZE];
	assert_int_equal(site_phone_compact(NULL, out), 0);
	assert_string_equal(out, "");
	static const char *const bad[] = {
	    "12345",
	    "02 99 00 00",
	    "02 99 00 00 00 0",
	    "0099000000",
	    "2 99 00 00 00",
	    "+44 20 7946 0000",
	    "+33 0 99 00 00 00",
	    "+",
	    "02..99 00 00 00",
	    "02  99 00 00 00",
	    ".02 99 00 00 00",
	    "02 99 00 00 00.",
	    "deux",
	    "02 99 00 00 0a",
	    "4939",
	    "393",
	    "+33 (0)",
	    "(0)2 99 00 00 00",
	    "0299000000000000000000000000000000",
	    "02\xc2",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(out, "x");
		assert_int_equal(site_phone_compact(bad[i], out), -1);
		assert_string_equal(out, "");
	}
}

static void test_display(void **state)
{
	(void)state;
	char out[SITE_PHONE_SIZE];
	site_phone_display("0299000000", out);
	assert_string_equal(out, "02 99 00 00 00");
	site_phone_display("02.99.00.00.00", out);
	assert_string_equal(out, "02 99 00 00 00");
	site_phone_display("+33299000000", out);
	assert_string_equal(out, "+33 2 99 00 00 00");
	site_phone_display("3939", out);
	assert_string_equal(out, "3939");
	site_phone_display("", out);
	assert_string_equal(out, "");
	site_phone_display(NULL, out);
	assert_string_equal(out, "");
	/* What is no number is shown as typed (a form's value to correct). */
	site_phone_display("12345", out);
	assert_string_equal(out, "12345");
	site_phone_display("un texte bien trop long pour un numéro", out);
	assert_int_equal(strlen(out), SITE_PHONE_SIZE - 1);
}

static void test_validate(void **state)
{
	(void)state;
	char phone[32] = "+33 (0)2 99 00 00 00";
	store_site s = {.name = "Lieu", .type = "mairie", .phone = phone};
	field_errors e = {0};
	assert_int_equal(site_validate(&s, &e), 0);
	assert_string_equal(s.phone, "+33299000000");

	/* A literal already compact is never written. */
	store_site lit = {.name = "Lieu", .type = "mairie", .phone = "0299000000"};
	assert_int_equal(site_validate(&lit, &e), 0);
	store_site none = {.name = "Lieu", .type = "mairie", .phone = ""};
	assert_int_equal(site_validate(&none, &e), 0);
	store_site null = {.name = "Lieu", .type = "mairie"};
	assert_int_equal(site_validate(&null, &e), 0);
	assert_null(null.phone);

	char bad[] = "02 99 00";
	store_site b = {.name = "Lieu", .type = "mairie", .phone = bad};
	assert_int_equal(site_validate(&b, &e), -1);
	assert_non_null(field_error_for(&e, "phone"));
	assert_string_equal(b.phone, "02 99 00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_compact),
	    cmocka_unit_test(test_display),
	    cmocka_unit_test(test_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
