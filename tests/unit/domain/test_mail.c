/*
 * test_mail.c: the rules of the e-mail notifications: codes, defaults, the
 * digest hours (local time, across a day and a change of summer time), the
 * backoff, the links a message may carry, and the writing of a message
 * (headers, encoded subject, base64 body in the recipient's language, no
 * text but the catalog's and the link).
 */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/mail.h"
#include "util/i18n.h"

static int64_t local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

static void test_codes(void **state)
{
	for (int e = 0; e < MAIL_EVENT_COUNT; e++) {
		assert_int_equal(mail_event_parse(mail_event_code((mail_event)e)), e);
		assert_non_null(mail_event_label((mail_event)e));
		assert_non_null(mail_event_subject((mail_event)e));
		assert_non_null(mail_event_text((mail_event)e));
	}
	for (int d = 0; d < MAIL_DELIVERY_COUNT; d++)
		assert_int_equal(mail_delivery_parse(mail_delivery_code((mail_delivery)d)), d);
	assert_int_equal(mail_event_parse("nope"), -1);
	assert_int_equal(mail_event_parse(NULL), -1);
	assert_int_equal(mail_delivery_parse("sometimes"), -1);
	assert_null(mail_event_code(MAIL_EVENT_COUNT));
	assert_int_equal(mail_delivery_default(MAIL_TEST), MAIL_IMMEDIATE);
	assert_int_equal(mail_delivery_default(MAIL_ESCALATION_OVERDUE), MAIL_DAILY);
}

static void test_digest_due(void **state)
{
	int64_t morning = local(2026, 3, 10, 7, 30);
	assert_int_equal(mail_digest_due(MAIL_IMMEDIATE, morning), morning);
	assert_int_equal(mail_digest_due(MAIL_TWICE_DAILY, morning), local(2026, 3, 10, 8, 0));
	assert_int_equal(mail_digest_due(MAIL_DAILY, morning), local(2026, 3, 10, 8, 0));
	int64_t noon = local(2026, 3, 10, 12, 0);
	assert_int_equal(mail_digest_due(MAIL_TWICE_DAILY, noon), local(2026, 3, 10, 14, 0));
	assert_int_equal(mail_digest_due(MAIL_DAILY, noon), local(2026, 3, 11, 8, 0));
	/* At the hour itself, the next one. */
	assert_int_equal(mail_digest_due(MAIL_TWICE_DAILY, local(2026, 3, 10, 14, 0)),
	                 local(2026, 3, 11, 8, 0));
	/* The night of the change to summer time (29 March 2026 in Paris). */
	int64_t before = local(2026, 3, 28, 22, 0);
	assert_int_equal(mail_digest_due(MAIL_DAILY, before), local(2026, 3, 29, 8, 0));
	assert_int_equal(local(2026, 3, 29, 8, 0) - before, 9 * 3600);
}

static void test_retry(void **state)
{
	assert_int_equal(mail_retry_at(1000, 1, 60), 1060);
	assert_int_equal(mail_retry_at(1000, 2, 60), 1120);
	assert_int_equal(mail_retry_at(1000, 3, 60), 1240);
	assert_int_equal(mail_retry_at(1000, 7, 60), 1000 + 60 * 64);
	assert_int_equal(mail_retry_at(1000, 50, 60), 1000 + 60 * 64);
	assert_int_equal(mail_retry_at(1000, 8, 3600), 1000 + 6 * 3600);
	assert_int_equal(mail_retry_at(1000, 1, 0), 1001);
}

static void test_links(void **state)
{
	assert_true(mail_link_valid("/escalations/12"));
	assert_true(mail_link_valid("/account/notifications?x=1&y=2"));
	const char *bad[] = {"",   "escalations", "//evil.example.org/", "/\\evil", "/a b", "/a\"b", "/a<b",
	                     "/é", "/a\nb"};
	for (size_t i = 0; i < COUNT(bad); i++)
		assert_false(mail_link_valid(bad[i]));
	char longer[MAIL_LINK_MAX + 2];
	memset(longer, 'a', sizeof longer);
	longer[0] = '/';
	longer[sizeof longer - 1] = '\0';
	assert_false(mail_link_valid(longer));
}

/* The body of a composed message, decoded (static storage). */
static const char *body_of(const char *text)
{
	static char out[8192];
	const char *start = strstr(text, "\r\n\r\n");
	assert_non_null(start);
	char b64[8192];
	size_t n = 0;
	for (const char *p = start + 4; *p && n < sizeof b64 - 1; p++)
		if (*p != '\r' && *p != '\n')
			b64[n++] = *p;
	b64[n] = '\0';
	size_t len = 0;
	assert_int_equal(sodium_base642bin((unsigned char *)out, sizeof out - 1, b64, n, NULL, &len, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	out[len] = '\0';
	return out;
}

static void test_compose(void **state)
{
	mail_line one = {MAIL_ESCALATION_ANSWER, "/escalations/7", local(2026, 3, 10, 9, 15)};
	mail_message m = {.lang = i18n_find("en"),
	                  .from = "guichet@example.org",
	                  .to = "agent@example.org",
	                  .public_url = "https://guichet.example.org",
	                  .lines = &one,
	                  .nlines = 1,
	                  .id = 42,
	                  .now = local(2026, 3, 10, 9, 16)};
	buf b;
	buf_init(&b, 1 << 16);
	assert_int_equal(mail_compose(&m, &b), 0);
	assert_non_null(strstr(b.data, "From: Guichet <guichet@example.org>\r\n"));
	assert_non_null(strstr(b.data, "To: <agent@example.org>\r\n"));
	assert_non_null(strstr(b.data, "Date: Tue, 10 Mar 2026 09:16:00 +0100\r\n"));
	assert_non_null(strstr(b.data, "Message-ID: <guichet.42."));
	assert_non_null(strstr(b.data, "Content-Language: en\r\n"));
	assert_non_null(strstr(b.data, "Auto-Submitted: auto-generated\r\n"));
	assert_string_equal(mail_subject(&m), "A request you sent has been answered");
	const char *body = body_of(b.data);
	assert_non_null(strstr(body, "Hello,"));
	assert_non_null(strstr(body, "https://guichet.example.org/escalations/7\r\n"));
	assert_non_null(strstr(body, "https://guichet.example.org/account/notifications"));

	/* A digest, in Arabic, without a public address: no link at all. */
	mail_line three[] = {{MAIL_TEST, "/a", 1}, {MAIL_REMINDER, "/b", 2}, {MAIL_TEST, "", 3}};
	m.lang = i18n_find("ar");
	m.lines = three;
	m.nlines = 3;
	m.digest = 1;
	m.public_url = NULL;
	buf_reset(&b);
	assert_int_equal(mail_compose(&m, &b), 0);
	assert_string_equal(mail_subject(&m),
	                    i18n_text(i18n_find("ar"), "Résumé de vos notifications Guichet"));
	body = body_of(b.data);
	assert_null(strstr(body, "http"));
	const char *label = i18n_text(i18n_find("ar"), "Notification de test");
	const char *first = strstr(body, label);
	assert_non_null(first);
	assert_non_null(strstr(first + 1, label));
	/* The subject is split into encoded words that each decode alone. */
	assert_non_null(strstr(b.data, "Subject: =?UTF-8?B?"));

	/* Bad addresses or links write nothing worth sending. */
	m.to = "pas une adresse";
	buf_reset(&b);
	assert_int_equal(mail_compose(&m, &b), -1);
	m.to = "agent@example.org";
	mail_line evil = {MAIL_TEST, "//evil.example.org", 1};
	m.lines = &evil;
	m.nlines = 1;
	assert_int_equal(mail_compose(&m, &b), -1);
	buf_free(&b);
}

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	char err[256];
	if (i18n_init(err, sizeof err) != 0) {
		fprintf(stderr, "i18n_init: %s\n", err);
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_codes), cmocka_unit_test(test_digest_due), cmocka_unit_test(test_retry),
	    cmocka_unit_test(test_links), cmocka_unit_test(test_compose),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	i18n_free();
	return rc;
}
