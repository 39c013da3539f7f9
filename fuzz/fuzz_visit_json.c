/* fuzz_visit_json.c: any bytes as a visit's JSON body (visit_json.h), new
 * and against an old visit (PATCH and PUT): never a crash, every error
 * with a field path and a reason, every text NUL-free valid UTF-8. */
#include <stdio.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "api/visit_json.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_text(const char *s)
{
	if (s && !utf8_valid(s, strlen(s)))
		__builtin_trap();
}

static void check(const store_visit *v, const visit_json_errors *e)
{
	if (e->n > VISIT_JSON_MAX_ERRORS || v->ndemands > 10)
		__builtin_trap();
	for (size_t i = 0; i < e->n; i++)
		if (!e->v[i].field || !e->v[i].reason || !*e->v[i].reason)
			__builtin_trap();
	check_text(v->channel);
	check_text(v->place);
	check_text(v->visitor.languages);
	check_text(v->visitor.full_name);
	for (size_t i = 0; i < v->ndemands; i++) {
		check_text(v->demands[i].note);
		check_text(v->demands[i].equipment);
		check_text(v->demands[i].operator_code);
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	arena *a = arena_new((size_t)LIMIT_ARENA_BYTES);
	store_demand od[2] = {{.id = 10, .operator_code = "cnaf"}, {.id = 11, .operator_code = "dgfip"}};
	store_visit old = {.id = 1, .site_id = 3, .channel = "visio", .demands = od, .ndemands = 2};
	for (int mode = 0; mode < 3; mode++) {
		store_visit v = mode == 1 ? old : (store_visit){.site_id = mode ? 3 : 0};
		visit_json_errors e = {0};
		visit_json_syntax syn;
		int rc =
		    visit_json_read(a, (const char *)data, size, &v, mode ? &old : NULL, mode == 1, &e, &syn);
		if (rc == VISIT_JSON_OK)
			check(&v, &e);
		else if (rc == VISIT_JSON_MALFORMED && (syn.position < 0 || (size_t)syn.position > size))
			__builtin_trap();
	}
	int64_t t;
	char s[64];
	snprintf(s, sizeof s, "%.*s", (int)(size < 63 ? size : 63), (const char *)data);
	visit_json_parse_instant(s, &t);
	arena_free(a);
	return 0;
}
