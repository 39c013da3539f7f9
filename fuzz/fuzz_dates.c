/* fuzz_dates.c: the small parsers of what people type in forms and query
 * strings: whole numbers (parse_int64), local dates and times
 * (time_parse_local), statistics days (stats_day_parse), the open-data
 * months (opendata_months_parse) and the API's RFC 3339 instants
 * (visit_json_parse_instant). The input is split at the first NUL into two
 * strings, for the parsers that take two. Each must refuse what it cannot
 * read, and what it accepts must read back the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/visit_json.h"
#include "report/opendata.h"
#include "stats/stats.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = malloc(size + 2);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	s[size + 1] = '\0';
	const char *a = s, *b = s + strlen(s) + 1;

	int64_t v = 0;
	if (parse_int64(a, -1000, 1000, &v) == 0 && (v < -1000 || v > 1000))
		__builtin_trap();
	if (parse_int64(a, INT64_MIN, INT64_MAX, &v) == 0 && parse_int64(a, v, v, &v) != 0)
		__builtin_trap();

	/* A date and time the deployment's calendar accepts give back the same
	 * day when written out again. */
	int64_t t = 0;
	if (time_parse_local(a, *b ? b : NULL, &t) == 0 && strlen(a) == 10) {
		char day[11];
		time_local_date(t, day);
		if (strcmp(day, a) != 0 && !*b)
			__builtin_trap();
	}

	int32_t d = 0;
	(void)stats_day_parse(a, &d);

	int first = 0, n = 0;
	const char *msgid = NULL, *field = NULL;
	if (opendata_months_parse(a, b, &first, &n, &msgid, &field) == 0) {
		if (n < 1 || n > OPENDATA_MAX_MONTHS)
			__builtin_trap();
	} else if (!msgid) {
		__builtin_trap(); /* a refusal always says why */
	}

	(void)visit_json_parse_instant(a, &t);
	free(s);
	return 0;
}
