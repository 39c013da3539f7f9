/*
 * test_takehome.c: what the take-home summary says of a demand (every
 * level and outcome, the referral's words, unknown codes refused), the
 * documents to bring split one per line (CR LF, blank lines, spaces, the
 * maximum), the formats, the weekdays and the times of the opening hours.
 */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
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

/* The body of the part of type, decoded from base64 (lines of 76). */
static char *part_of(const char *msg, const char *type)
{
	char head[64];
	snprintf(head, sizeof head, "Content-Type: %s; charset=UTF-8\r\n", type);
	const char *p = strstr(msg, head);
	if (!p || !(p = strstr(p, "\r\n\r\n")))
		return NULL;
	p += 4;
	const char *end = strstr(p, "\r\n--guichet-");
	if (!end)
		return NULL;
	static char out[4096];
	size_t len = 0;
	if (sodium_base642bin((unsigned char *)out, sizeof out - 1, p, (size_t)(end - p), "\r\n", &len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return NULL;
	out[len] = '\0';
	return out;
}

static void test_mail(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	takehome_mail m = {.from = "guichet@example.org",
	                   .to = "personne@example.net",
	                   .lang = "ar",
	                   .subject =
	                       "ملخص زيارتك — France Services de Redon, un sujet assez long pour être plié",
	                   .text = "ligne 1\nligne 2\n",
	                   .html = "<!DOCTYPE html>\n<p>é</p>\n",
	                   .now = 1772615700};
	buf out;
	buf_init(&out, 65536);
	assert_int_equal(takehome_mail_compose(&m, &out), 0);
	assert_non_null(strstr(out.data, "From: Guichet <guichet@example.org>\r\n"));
	assert_non_null(strstr(out.data, "To: <personne@example.net>\r\n"));
	assert_non_null(strstr(out.data, "Content-Language: ar\r\n"));
	assert_non_null(strstr(out.data, "Date: Wed, 04 Mar 2026 09:15:00 +0000\r\n"));
	assert_non_null(strstr(out.data, "Content-Type: multipart/alternative; boundary=\"guichet-"));
	assert_non_null(strstr(out.data, "Subject: =?UTF-8?B?"));
	char *text = part_of(out.data, "text/plain");
	assert_non_null(text);
	assert_string_equal(text, "ligne 1\r\nligne 2\r\n");
	char *html = part_of(out.data, "text/html");
	assert_non_null(html);
	assert_string_equal(html, "<!DOCTYPE html>\r\n<p>é</p>\r\n");
	/* No bare LF anywhere in the message. */
	for (size_t i = 0; i < out.len; i++)
		if (out.data[i] == '\n')
			assert_int_equal(out.data[i - 1], '\r');
	buf_free(&out);

	static const char *const bad_to[] = {"", "personne", "a b@example.net", "<p@example.net>",
	                                     "p@example.net\r\nBcc: x@example.org"};
	for (size_t i = 0; i < sizeof bad_to / sizeof bad_to[0]; i++) {
		takehome_mail b = m;
		b.to = bad_to[i];
		buf_init(&out, 65536);
		assert_int_equal(takehome_mail_compose(&b, &out), -1);
		buf_free(&out);
	}
	takehome_mail b = m;
	b.lang = "ar\r\nX: y";
	buf_init(&out, 65536);
	assert_int_equal(takehome_mail_compose(&b, &out), -1);
	buf_free(&out);
	b = m;
	b.html = NULL;
	buf_init(&out, 65536);
	assert_int_equal(takehome_mail_compose(&b, &out), -1);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_demand), cmocka_unit_test(test_referral),
	    cmocka_unit_test(test_unknown),      cmocka_unit_test(test_documents),
	    cmocka_unit_test(test_formats),      cmocka_unit_test(test_hours),
	    cmocka_unit_test(test_mail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
