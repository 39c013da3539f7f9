/*
 * test_retention.c: the cutoffs of the retention periods (calendar months
 * back in local time) and the settings that hold them.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app_retention.h"
#include "app/config.h"
#include "util/guichet_limits.h"

static int64_t local(int y, int mo, int d, int h)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

static void test_months_before(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	/* Across a change of year and of daylight saving time, the same local hour. */
	assert_int_equal(app_retention_months_before(local(2026, 3, 15, 10), 24), local(2024, 3, 15, 10));
	assert_int_equal(app_retention_months_before(local(2026, 1, 10, 3), 1), local(2025, 12, 10, 3));
	assert_int_equal(app_retention_months_before(local(2026, 7, 1, 12), 12), local(2025, 7, 1, 12));
	assert_int_equal(app_retention_months_before(local(2026, 11, 1, 12), 7), local(2026, 4, 1, 12));
}

static void test_settings(void **state)
{
	(void)state;
	config c;
	char err[256];
	config_defaults(&c);
	assert_int_equal(c.retention_visitors, DEFAULT_RETENTION_VISITORS_MONTHS);
	assert_int_equal(c.retention_comments, DEFAULT_RETENTION_COMMENTS_MONTHS);
	assert_int_equal(c.retention_audit, DEFAULT_RETENTION_AUDIT_MONTHS);
	assert_int_equal(config_set(&c, "retention-visitors", "6", "test", err, sizeof err), 0);
	assert_int_equal(config_set(&c, "retention-audit", "120", "test", err, sizeof err), 0);
	assert_int_equal(c.retention_visitors, 6);
	assert_int_equal(c.retention_audit, 120);
	assert_int_equal(config_set(&c, "retention-comments", "0", "test", err, sizeof err), -1);
	assert_non_null(strstr(err, "retention-comments"));
	assert_int_equal(config_set(&c, "retention-comments", "121", "test", err, sizeof err), -1);
	assert_int_equal(config_set(&c, "retention-other", "3", "test", err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown setting"));
	assert_int_equal(c.retention_comments, DEFAULT_RETENTION_COMMENTS_MONTHS);
	config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_months_before),
	    cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
