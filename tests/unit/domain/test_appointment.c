/*
 * test_appointment.c: the rules of the appointments (domain/appointment.h):
 * who may publish and book, what a slot needs, the weekly occurrences
 * (across a change of summer time), the status moves, the person's
 * contact, when the reminder is due, and the iCalendar writer (escaping,
 * folding at 75 octets without cutting a character, CRLF).
 */
#include "unit.h"

#include <string.h>
#include <time.h>

#include "domain/appointment.h"

static int64_t rennes_sites[] = {1};
static char *deps35[] = {"35"};

static const store_user agent = {
    .id = 1, .role = "agent", .active = 1, .site_ids = rennes_sites, .nsites = 1};
static const store_user manager = {
    .id = 2, .role = "manager", .active = 1, .site_ids = rennes_sites, .nsites = 1};
static const store_user caf = {.id = 3, .role = "operator", .operator_code = "cnaf", .active = 1};
static const store_user admin = {.id = 4, .role = "admin", .active = 1};
static const store_user coord = {.id = 5, .role = "coordinator", .departement = "35", .active = 1};
static const store_user off = {
    .id = 6, .role = "manager", .active = 0, .site_ids = rennes_sites, .nsites = 1};

static void test_who(void **state)
{
	(void)state;
	assert_true(appointment_may_publish(&admin, 9, "29", "dgfip", NULL, 0));
	assert_true(appointment_may_publish(&manager, 1, "35", "cnaf", NULL, 0));
	assert_false(appointment_may_publish(&manager, 2, "35", "cnaf", NULL, 0));
	assert_false(appointment_may_publish(&off, 1, "35", "cnaf", NULL, 0));
	assert_true(appointment_may_publish(&caf, 1, "35", "cnaf", deps35, 1));
	assert_false(appointment_may_publish(&caf, 1, "35", "dgfip", deps35, 1));
	assert_false(appointment_may_publish(&caf, 3, "29", "cnaf", deps35, 1));
	assert_false(appointment_may_publish(&agent, 1, "35", "cnaf", NULL, 0));
	assert_false(appointment_may_publish(&coord, 1, "35", "cnaf", NULL, 0));
	assert_true(appointment_may_book(&agent, 1));
	assert_true(appointment_may_book(&manager, 1));
	assert_false(appointment_may_book(&agent, 2));
	assert_false(appointment_may_book(&caf, 1));
	assert_false(appointment_may_book(&coord, 1));
}

static store_appt_slot slot_at(int64_t start, int64_t until)
{
	store_appt_slot s = {.id = 1,
	                     .mode = "sur_place",
	                     .starts_at = start,
	                     .duration_min = 30,
	                     .capacity = 2,
	                     .repeat_until = until,
	                     .place = NULL};
	return s;
}

static void test_validate(void **state)
{
	(void)state;
	int64_t now = 1800000000;
	field_errors e = {0};
	store_appt_slot s = slot_at(now + 3600, 0);
	char place[] = "  bureau 2  ";
	s.place = place;
	assert_int_equal(appointment_slot_validate(&s, now, &e), 0);
	assert_string_equal(s.place, "bureau 2");
	s = slot_at(now - 1, 0);
	s.mode = "fax";
	s.duration_min = 2;
	s.capacity = 51;
	s.repeat_until = now - 10;
	assert_int_equal(appointment_slot_validate(&s, now, &e), -1);
	assert_non_null(field_error_for(&e, "mode"));
	assert_non_null(field_error_for(&e, "date"));
	assert_non_null(field_error_for(&e, "duration_min"));
	assert_non_null(field_error_for(&e, "capacity"));
	assert_non_null(field_error_for(&e, "repeat_until"));
	field_errors e2 = {0};
	s = slot_at(now + 3600, now + 3600 + 60 * 7 * 86400);
	assert_int_equal(appointment_slot_validate(&s, now, &e2), -1);
	assert_non_null(field_error_for(&e2, "repeat_until"));
}

/* Local time in Europe/Paris for the weekly occurrences. */
static int64_t local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

static void test_occurrences(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	/* Thursdays at 14:00 from 12 March 2026, across the change to summer
	 * time on 29 March: every occurrence stays at 14:00 local time. */
	int64_t first = local(2026, 3, 12, 14, 0);
	store_appt_slot s = slot_at(first, local(2026, 4, 9, 14, 0));
	int64_t out[10];
	size_t n = appointment_occurrences(&s, first - 1, first + 90 * 86400, out, 10);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		time_t t = (time_t)out[i];
		struct tm tm;
		localtime_r(&t, &tm);
		assert_int_equal(tm.tm_hour, 14);
		assert_int_equal(tm.tm_wday, 4);
	}
	assert_int_equal(out[3] - out[2], 7 * 86400 - 3600);
	assert_true(appointment_is_occurrence(&s, out[4]));
	assert_false(appointment_is_occurrence(&s, out[4] + 7 * 86400));
	assert_false(appointment_is_occurrence(&s, out[1] + 60));
	assert_false(appointment_is_occurrence(&s, first - 7 * 86400));
	/* From a time: only those after it. */
	assert_int_equal(appointment_occurrences(&s, out[2], first + 90 * 86400, out, 10), 2);
	/* A slot of one date has one occurrence. */
	store_appt_slot once = slot_at(first, 0);
	assert_int_equal(appointment_occurrences(&once, 0, first + 90 * 86400, out, 10), 1);
	assert_true(appointment_is_occurrence(&once, first));
	assert_false(appointment_is_occurrence(&once, first + 7 * 86400));
}

static void test_moves(void **state)
{
	(void)state;
	int64_t start = 1800000000;
	assert_true(appointment_may_move("a_venir", "excuse", start, start - 10));
	assert_true(appointment_may_move("a_venir", "annule", start, start - 10));
	assert_false(appointment_may_move("a_venir", "honore", start, start - 10));
	assert_false(appointment_may_move("a_venir", "absent", start, start - 10));
	assert_true(appointment_may_move("a_venir", "honore", start, start));
	assert_true(appointment_may_move("a_venir", "absent", start, start + 10));
	assert_false(appointment_may_move("a_venir", "excuse", start, start + 10));
	for (size_t i = 1; i < 5; i++)
		for (size_t j = 0; j < 5; j++)
			assert_false(appointment_may_move(appointment_statuses[i], appointment_statuses[j],
			                                  start, start));
	assert_false(appointment_may_move("a_venir", "a_venir", start, start));
	assert_false(appointment_may_move("a_venir", "perdu", start, start));
}

static void test_contact(void **state)
{
	(void)state;
	char phone[32] = " 06 12 34 56 78 ", email[64] = " marie@example.org ", bring[64] = " avis ";
	field_errors e = {0};
	assert_int_equal(appointment_contact_validate(phone, sizeof phone, email, 1, bring, &e), 0);
	assert_string_equal(phone, "0612345678");
	assert_string_equal(email, "marie@example.org");
	assert_string_equal(bring, "avis");
	char p2[32] = "06 12", m2[64] = "pas une adresse", b2[8] = "";
	field_errors e2 = {0};
	assert_int_equal(appointment_contact_validate(p2, sizeof p2, m2, 0, b2, &e2), -1);
	assert_non_null(field_error_for(&e2, "phone"));
	assert_non_null(field_error_for(&e2, "email"));
	assert_non_null(field_error_for(&e2, "lang"));
	char p3[8] = "", m3[8] = "", b3[8] = "";
	field_errors e3 = {0};
	assert_int_equal(appointment_contact_validate(p3, sizeof p3, m3, 1, b3, &e3), 0);

	store_appt x = {.status = "a_venir", .phone = "", .email = "", .starts_at = 1800000000};
	assert_false(appointment_has_contact(&x));
	x.email = "marie@example.org";
	assert_true(appointment_has_contact(&x));
	assert_false(appointment_reminder_due(&x, x.starts_at - APPOINTMENT_REMINDER_S - 1));
	assert_true(appointment_reminder_due(&x, x.starts_at - APPOINTMENT_REMINDER_S));
	assert_true(appointment_reminder_due(&x, x.starts_at - 60));
	assert_false(appointment_reminder_due(&x, x.starts_at));
	x.reminded_at = 1;
	assert_false(appointment_reminder_due(&x, x.starts_at - 60));
	x.reminded_at = 0;
	x.status = "excuse";
	assert_false(appointment_reminder_due(&x, x.starts_at - 60));
}

static void test_ics(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, 64 * 1024);
	appointment_ics_begin(&b, "Guichet");
	appointment_ics_event ev = {
	    .id = 7,
	    .stamp = 1800000000,
	    .start = 1800003600,
	    .end = 1800005400,
	    .summary = "Rendez-vous — CAF; Rennes, bureau\\2",
	    .location = "France services Rennes Centre, 12 rue de l'Hôtel-Dieu, "
	                "35000 Rennes — bureau 2, au fond du couloir à droite, après l'accueil",
	    .url = ""};
	appointment_ics_add(&b, &ev);
	appointment_ics_end(&b);
	buf_putc(&b, '\0');
	const char *s = b.data;
	assert_non_null(strstr(s, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
	assert_non_null(strstr(s, "UID:appointment-7@guichet\r\n"));
	assert_non_null(strstr(s, "DTSTAMP:20270115T080000Z\r\n"));
	assert_non_null(strstr(s, "DTSTART:20270115T090000Z\r\n"));
	assert_non_null(strstr(s, "DTEND:20270115T093000Z\r\n"));
	assert_non_null(strstr(s, "SUMMARY:Rendez-vous — CAF\\; Rennes\\, bureau\\\\2\r\n"));
	assert_non_null(strstr(s, "END:VEVENT\r\nEND:VCALENDAR\r\n"));
	/* Every line: at most 75 octets, ended by CRLF, no bare LF, valid
	 * UTF-8 on its own (never cut inside a character). */
	size_t folded = 0;
	for (const char *p = s; *p;) {
		const char *end = strstr(p, "\r\n");
		assert_non_null(end);
		size_t len = (size_t)(end - p);
		assert_true(len <= 75);
		assert_null(memchr(p, '\n', len));
		assert_true(utf8_valid(p, len));
		if (*p == ' ')
			folded++;
		p = end + 2;
	}
	assert_true(folded >= 1);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_who),   cmocka_unit_test(test_validate), cmocka_unit_test(test_occurrences),
	    cmocka_unit_test(test_moves), cmocka_unit_test(test_contact),  cmocka_unit_test(test_ics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
