/* test_phrases.c: the check of a site's wording of a public phrase
 * (phrase_fix_check): one line, not too long, and the same placeholders
 * and values as the French phrase. */
#include "unit.h"

#include <string.h>

#include "util/phrases.h"

static void test_accepted(void **state)
{
	(void)state;
	assert_int_equal(phrase_fix_check("Recommencer", "Почати знову", 600), PHRASE_FIX_OK);
	assert_int_equal(phrase_fix_check("Ticket {ticket} : {desk}", "{desk} — {ticket}", 600), PHRASE_FIX_OK);
	assert_int_equal(phrase_fix_check("Personnes avant vous : %d", "%d людей перед вами", 600), PHRASE_FIX_OK);
	assert_int_equal(phrase_fix_check("Allez au guichet %s.", "Ідіть до віконця %s.", 600), PHRASE_FIX_OK);
	/* A brace or a percent sign of the text itself is not a placeholder. */
	assert_int_equal(phrase_fix_check("Recommencer", "100 % { }", 600), PHRASE_FIX_OK);
	assert_int_equal(phrase_fix_check("Numéro {ticket}. {desk}, s'il vous plaît.",
	                                  "Номер {ticket}. {desk}, будь ласка.", 600),
	                 PHRASE_FIX_OK);
}

static void test_refused(void **state)
{
	(void)state;
	assert_int_equal(phrase_fix_check("Recommencer", "", 600), PHRASE_FIX_EMPTY);
	assert_int_equal(phrase_fix_check("Recommencer", NULL, 600), PHRASE_FIX_EMPTY);
	assert_int_equal(phrase_fix_check("Recommencer", "abcdef", 5), PHRASE_FIX_TOO_LONG);
	assert_int_equal(phrase_fix_check("Recommencer", "a\nb", 600), PHRASE_FIX_CONTROL);
	assert_int_equal(phrase_fix_check("Recommencer", "a\tb", 600), PHRASE_FIX_CONTROL);
	assert_int_equal(phrase_fix_check("Recommencer", "a\x7f", 600), PHRASE_FIX_CONTROL);
	/* Placeholders dropped, added, renamed or doubled. */
	assert_int_equal(phrase_fix_check("Ticket {ticket} : {desk}", "{ticket}", 600), PHRASE_FIX_PLACEHOLDERS);
	assert_int_equal(phrase_fix_check("Recommencer", "{ticket}", 600), PHRASE_FIX_PLACEHOLDERS);
	assert_int_equal(phrase_fix_check("Ticket {ticket} : {desk}", "{ticket} {guichet}", 600),
	                 PHRASE_FIX_PLACEHOLDERS);
	assert_int_equal(phrase_fix_check("Ticket {ticket} : {desk}", "{ticket} {ticket} {desk}", 600),
	                 PHRASE_FIX_PLACEHOLDERS);
	/* The values of the page: %d and %s kept, as many. */
	assert_int_equal(phrase_fix_check("Personnes avant vous : %d", "Людей перед вами", 600),
	                 PHRASE_FIX_PLACEHOLDERS);
	assert_int_equal(phrase_fix_check("Personnes avant vous : %d", "%d %d", 600), PHRASE_FIX_PLACEHOLDERS);
	assert_int_equal(phrase_fix_check("Allez au guichet %s.", "Віконце %d", 600), PHRASE_FIX_PLACEHOLDERS);
	assert_int_equal(phrase_fix_check("Recommencer", "%s", 600), PHRASE_FIX_PLACEHOLDERS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
