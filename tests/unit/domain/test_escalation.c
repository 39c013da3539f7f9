/*
 * test_escalation.c: the rules of an escalation (domain/escalation.h): the
 * side of each account, every move of the rule table allowed from the
 * right status and side only, what each move needs and leaves, the due
 * date, and the documents' types and names.
 */
#include "unit.h"

#include <string.h>

#include "domain/escalation.h"
#include "util/guichet_limits.h"

static int64_t rennes_sites[] = {1};
static int64_t brest_sites[] = {2};
static char *deps35[] = {"35"};
static char *deps29[] = {"29"};

static const store_user agent = {
    .id = 1, .role = "agent", .active = 1, .site_ids = rennes_sites, .nsites = 1};
static const store_user agent_brest = {
    .id = 2, .role = "agent", .active = 1, .site_ids = brest_sites, .nsites = 1};
static const store_user caf = {.id = 3, .role = "operator", .operator_code = "cnaf", .active = 1};
static const store_user dgfip = {.id = 4, .role = "operator", .operator_code = "dgfip", .active = 1};
static const store_user coord = {.id = 5, .role = "coordinator", .departement = "35", .active = 1};
static const store_user coord29 = {.id = 6, .role = "coordinator", .departement = "29", .active = 1};
static const store_user admin = {.id = 7, .role = "admin", .active = 1};
static const store_user caf_off = {.id = 8, .role = "operator", .operator_code = "cnaf", .active = 0};

static store_escalation esc(const char *status, int info)
{
	store_escalation e = {.id = 10,
	                      .site_id = 1,
	                      .departement = "35",
	                      .operator_code = "cnaf",
	                      .status = (char *)status,
	                      .info_requested = info,
	                      .told_by = "",
	                      .useful = ""};
	return e;
}

static escalation_actor who(const store_user *u, char **deps, size_t n)
{
	escalation_actor a = {.user = u, .departements = deps, .ndepartements = n};
	return a;
}

static void test_sides(void **state)
{
	(void)state;
	store_escalation e = esc("envoyee", 0);
	escalation_actor a;
	a = who(&agent, NULL, 0);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_ADVISER);
	a = who(&agent_brest, NULL, 0);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_NONE);
	a = who(&caf, deps35, 1);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_REFERENT);
	a = who(&caf, deps29, 1);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_NONE);
	a = who(&caf, NULL, 0);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_NONE);
	a = who(&dgfip, deps35, 1);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_NONE);
	a = who(&caf_off, deps35, 1);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_NONE);
	a = who(&coord, NULL, 0);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_READER);
	a = who(&coord29, NULL, 0);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_NONE);
	a = who(&admin, NULL, 0);
	assert_int_equal(escalation_side_of(&a, &e), ESC_SIDE_READER);
	assert_int_equal(escalation_side_of(NULL, &e), ESC_SIDE_NONE);
	assert_true(escalation_sees_internal(ESC_SIDE_REFERENT));
	assert_false(escalation_sees_internal(ESC_SIDE_ADVISER));
	assert_true(escalation_may_create(&agent, 1));
	assert_false(escalation_may_create(&agent, 2));
	assert_false(escalation_may_create(&caf, 1));
	assert_false(escalation_may_create(&coord, 1));
}

/* The whole table: for each status (and waiting flag), the moves each side
 * may make, as a string of action codes. */
static void test_rule_table(void **state)
{
	(void)state;
	static const struct {
		const char *status;
		int info;
		const char *adviser, *referent;
	} cases[] = {
	    {"nouvelle", 0, "envoyer cloturer joindre", ""},
	    {"envoyee", 0, "cloturer joindre", "prendre repondre noter demander refuser"},
	    {"en_cours", 0, "cloturer joindre", "repondre noter demander refuser"},
	    {"en_cours", 1, "completer cloturer joindre", "repondre noter refuser"},
	    {"traitee", 0, "cloturer", "noter cloturer"},
	    {"mauvais_interlocuteur", 0, "rediriger cloturer joindre", "noter"},
	    {"cloturee", 0, "", ""},
	    {"perdue", 0, "", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		store_escalation e = esc(cases[i].status, cases[i].info);
		for (int side = 0; side < 2; side++) {
			escalation_actor a = side ? who(&caf, deps35, 1) : who(&agent, NULL, 0);
			char got[256] = "";
			for (int k = 0; k < ESC_NACTIONS; k++)
				if (escalation_may(&a, &e, (escalation_action)k)) {
					if (*got)
						strcat(got, " ");
					strcat(got, escalation_action_code((escalation_action)k));
				}
			if (strcmp(got, side ? cases[i].referent : cases[i].adviser) != 0)
				fail_msg("%s/%d %s: got \"%s\"", cases[i].status, cases[i].info,
				         side ? "referent" : "adviser", got);
		}
		/* Readers and strangers move nothing. */
		escalation_actor r = who(&coord, NULL, 0), s = who(&dgfip, deps35, 1);
		for (int k = 0; k < ESC_NACTIONS; k++) {
			assert_false(escalation_may(&r, &e, (escalation_action)k));
			assert_false(escalation_may(&s, &e, (escalation_action)k));
		}
	}
	assert_int_equal(escalation_action_parse("repondre"), ESC_ANSWER);
	assert_int_equal(escalation_action_parse("voler"), -1);
	assert_int_equal(escalation_action_parse(NULL), -1);
}

static void test_prepare(void **state)
{
	(void)state;
	escalation_actor ref = who(&caf, deps35, 1), adv = who(&agent, NULL, 0);
	store_escalation e = esc("envoyee", 0), after;
	const char *event;
	int internal;
	field_errors fe = {0};
	char empty[] = "   ", answer[] = "  Débloqué.  ";
	escalation_input in = {.body = empty};
	assert_int_equal(escalation_prepare(&ref, &e, ESC_ANSWER, &in, 1000, &after, &event, &internal, &fe),
	                 -1);
	assert_string_equal(fe.v[0].field, "body");
	fe.n = 0;
	in.body = answer;
	assert_int_equal(escalation_prepare(&ref, &e, ESC_ANSWER, &in, 1000, &after, &event, &internal, &fe),
	                 0);
	assert_string_equal(after.status, "traitee");
	assert_int_equal(after.answered_at, 1000);
	assert_string_equal(event, "reponse");
	assert_string_equal(in.body, "Débloqué.");
	assert_string_equal(e.status, "envoyee"); /* before is left alone */

	/* A note keeps the status and is internal. */
	char note[] = "Vu.";
	in = (escalation_input){.body = note};
	assert_int_equal(escalation_prepare(&ref, &e, ESC_NOTE, &in, 1000, &after, &event, &internal, &fe),
	                 0);
	assert_string_equal(after.status, "envoyee");
	assert_true(internal);

	/* Asking and completing move the waiting flag. */
	char ask[] = "Numéro ?";
	in = (escalation_input){.body = ask};
	assert_int_equal(
	    escalation_prepare(&ref, &e, ESC_ASK_INFO, &in, 1000, &after, &event, &internal, &fe), 0);
	assert_string_equal(after.status, "en_cours");
	assert_int_equal(after.info_requested, 1);

	/* Closing by the adviser: usefulness always, how the person was told once answered. */
	store_escalation done = esc("traitee", 0);
	done.answered_at = 900;
	in = (escalation_input){.useful = "oui"};
	fe.n = 0;
	assert_int_equal(
	    escalation_prepare(&adv, &done, ESC_CLOSE, &in, 1000, &after, &event, &internal, &fe), -1);
	assert_string_equal(fe.v[0].field, "told_by");
	in = (escalation_input){.useful = "peut-etre", .told_by = "pigeon"};
	fe.n = 0;
	assert_int_equal(
	    escalation_prepare(&adv, &done, ESC_CLOSE, &in, 1000, &after, &event, &internal, &fe), -1);
	assert_int_equal(fe.n, 2);
	in = (escalation_input){.useful = "non", .told_by = "courrier"};
	fe.n = 0;
	assert_int_equal(
	    escalation_prepare(&adv, &done, ESC_CLOSE, &in, 1000, &after, &event, &internal, &fe), 0);
	assert_string_equal(after.status, "cloturee");
	assert_int_equal(after.closed_at, 1000);
	assert_string_equal(after.useful, "non");
	assert_string_equal(after.told_by, "courrier");

	/* Sending needs a referent; redirecting needs another operator. */
	store_escalation fresh = esc("nouvelle", 0);
	in = (escalation_input){0};
	fe.n = 0;
	assert_int_equal(
	    escalation_prepare(&adv, &fresh, ESC_SEND, &in, 1000, &after, &event, &internal, &fe), -1);
	in.referent_exists = 1;
	fe.n = 0;
	assert_int_equal(
	    escalation_prepare(&adv, &fresh, ESC_SEND, &in, 1000, &after, &event, &internal, &fe), 0);
	assert_int_equal(after.due_at, 1000 + ESCALATION_DEFAULT_DEADLINE_DAYS * 86400);
	store_escalation wrong = esc("mauvais_interlocuteur", 0);
	in = (escalation_input){.operator_code = "cnaf", .referent_exists = 1};
	fe.n = 0;
	assert_int_equal(
	    escalation_prepare(&adv, &wrong, ESC_REDIRECT, &in, 1000, &after, &event, &internal, &fe), -1);
	in = (escalation_input){.operator_code = "dgfip", .referent_exists = 0, .deadline_days = 30};
	fe.n = 0;
	assert_int_equal(
	    escalation_prepare(&adv, &wrong, ESC_REDIRECT, &in, 1000, &after, &event, &internal, &fe), 0);
	assert_string_equal(after.operator_code, "dgfip");
	assert_string_equal(after.status, "nouvelle");
	in.referent_exists = 1;
	assert_int_equal(
	    escalation_prepare(&adv, &wrong, ESC_REDIRECT, &in, 1000, &after, &event, &internal, &fe), 0);
	assert_string_equal(after.status, "envoyee");
	assert_int_equal(after.due_at, 1000 + 30 * 86400);

	/* A move the table refuses is refused here too. */
	store_escalation closed = esc("cloturee", 0);
	in = (escalation_input){.body = answer};
	assert_int_equal(
	    escalation_prepare(&ref, &closed, ESC_ANSWER, &in, 1000, &after, &event, &internal, &fe), -1);
}

static void test_new_and_overdue(void **state)
{
	(void)state;
	field_errors fe = {0};
	char q[] = "  Bloqué.  ", blank[] = " ", ctrl[] = "a\x01b";
	assert_int_equal(escalation_validate_new(q, 1, &fe), 0);
	assert_string_equal(q, "Bloqué.");
	assert_int_equal(escalation_validate_new(blank, 0, &fe), -1);
	assert_int_equal(fe.n, 2);
	fe.n = 0;
	assert_int_equal(escalation_validate_new(ctrl, 1, &fe), -1);
	char long_q[LIMIT_ESCALATION_TEXT_BYTES + 2];
	memset(long_q, 'a', sizeof long_q - 1);
	long_q[sizeof long_q - 1] = '\0';
	fe.n = 0;
	assert_int_equal(escalation_validate_new(long_q, 1, &fe), -1);

	store_escalation e = esc("envoyee", 0);
	e.due_at = 1000;
	assert_false(escalation_overdue(&e, 1000));
	assert_true(escalation_overdue(&e, 1001));
	e.status = "traitee";
	assert_false(escalation_overdue(&e, 5000));
	assert_int_equal(escalation_due_at(0, 0), ESCALATION_DEFAULT_DEADLINE_DAYS * 86400);
	assert_int_equal(escalation_due_at(0, 3), 3 * 86400);
}

static void test_files(void **state)
{
	(void)state;
	const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0};
	const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xe0, 0};
	assert_string_equal(escalation_file_type("%PDF-1.7\n", 9), "application/pdf");
	assert_string_equal(escalation_file_type(png, sizeof png), "image/png");
	assert_string_equal(escalation_file_type(jpg, sizeof jpg), "image/jpeg");
	assert_null(escalation_file_type("MZ\x90", 3));
	assert_null(escalation_file_type("<svg>", 5));
	assert_null(escalation_file_type("%PDF", 4));
	assert_null(escalation_file_type(NULL, 0));
	assert_string_equal(escalation_file_ext("image/png"), "png");

	char out[ESCALATION_FILE_NAME_BYTES + 8];
	escalation_clean_name("../../etc/passwd", out, sizeof out);
	assert_string_equal(out, "passwd");
	escalation_clean_name("C:\\Users\\x\\avis.pdf", out, sizeof out);
	assert_string_equal(out, "avis.pdf");
	escalation_clean_name("..\"x\x01y:z.pdf", out, sizeof out);
	assert_string_equal(out, "xyz.pdf");
	escalation_clean_name("fac\xe2\x80\xaetxt.pdf", out, sizeof out);
	assert_string_equal(out, "factxt.pdf");
	escalation_clean_name("avis d'impôt.pdf", out, sizeof out);
	assert_string_equal(out, "avis d'impôt.pdf");
	escalation_clean_name("...", out, sizeof out);
	assert_string_equal(out, "document");
	escalation_clean_name(NULL, out, sizeof out);
	assert_string_equal(out, "document");
	char longname[400];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	escalation_clean_name(longname, out, sizeof out);
	assert_int_equal(strlen(out), ESCALATION_FILE_NAME_BYTES);
	/* Cut at a character boundary, never inside é. */
	char accents[300] = "";
	for (int i = 0; i < 100; i++)
		strcat(accents, "é");
	escalation_clean_name(accents, out, sizeof out);
	assert_int_equal(strlen(out), ESCALATION_FILE_NAME_BYTES);
	assert_true(utf8_valid(out, strlen(out)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sides),   cmocka_unit_test(test_rule_table),
	    cmocka_unit_test(test_prepare), cmocka_unit_test(test_new_and_overdue),
	    cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
