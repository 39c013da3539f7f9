/*
 * test_visit_json.c: a visit's JSON body into a store_visit (visit_json.h):
 * every field, the JSON paths of type errors, unknown keys, malformed JSON
 * with its position, PATCH and PUT against an old visit, RFC 3339 instants,
 * and visit_validate's field names turned into JSON paths.
 */
#include "unit.h"

#include <string.h>

#include "api/visit_json.h"

static int has_error(const visit_json_errors *e, const char *field)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].field, field) == 0)
			return 1;
	return 0;
}

static int read_json(arena *a, const char *body, store_visit *v, const store_visit *old, int patch,
                     visit_json_errors *e, visit_json_syntax *syn)
{
	memset(e, 0, sizeof *e);
	return visit_json_read(a, body, strlen(body), v, old, patch, e, syn);
}

static void test_fields(void **state)
{
	arena *a = arena_new(1 << 20);
	store_visit v = {0};
	visit_json_errors e;
	visit_json_syntax syn;
	const char *body =
	    "{\"site_id\": 3, \"started_at\": \"2024-03-04T10:15:00+01:00\", \"channel\": \"visio\", "
	    "\"place\": null,"
	    " \"duration_min\": 20, \"id\": 99, \"created_at\": \"x\","
	    " \"visitor\": {\"gender\": \"feminin\", \"birth_year\": 1950, \"languages\": [\"ar\", \"fa\"],"
	    "  \"no_phone\": true, \"disabilities\": [], \"full_name\": \"Nadia\", \"identified\": true},"
	    " \"demands\": [{\"operator_code\": \"cnaf\", \"equipment\": [\"ordinateur\", \"tablette\"], "
	    "\"autonomy\": null,"
	    "  \"procedure_id\": 12, \"note\": \"é\\n\\\"\"}]}";
	assert_int_equal(read_json(a, body, &v, NULL, 0, &e, &syn), VISIT_JSON_OK);
	assert_int_equal(e.n, 0);
	assert_int_equal(v.site_id, 3);
	assert_int_equal(v.started_at, 1709543700); /* 2024-03-04T09:15:00Z */
	assert_string_equal(v.channel, "visio");
	assert_string_equal(v.place, "");
	assert_int_equal(v.duration_min, 20);
	assert_int_equal(v.id, 0); /* the server's fields are ignored */
	assert_string_equal(v.visitor.gender, "feminin");
	assert_int_equal(v.visitor.birth_year, 1950);
	assert_string_equal(v.visitor.languages, "ar,fa");
	assert_string_equal(v.visitor.disabilities, "");
	assert_true(v.visitor.no_phone && v.visitor.identified);
	assert_int_equal(v.ndemands, 1);
	assert_string_equal(v.demands[0].equipment, "ordinateur,tablette");
	assert_int_equal(v.demands[0].procedure_id, 12);
	assert_string_equal(v.demands[0].note, "é\n\"");
	arena_free(a);
}

static void test_type_errors(void **state)
{
	arena *a = arena_new(1 << 20);
	store_visit v = {0};
	visit_json_errors e;
	visit_json_syntax syn;
	const char *body =
	    "{\"channel\": 3, \"duration_min\": 1.5, \"bogus\": 1, \"started_at\": \"2024-02-30T10:00:00Z\","
	    " \"visitor\": {\"no_phone\": \"yes\", \"languages\": \"ar\", \"mood\": 1},"
	    " \"demands\": [{\"equipment\": [\"a,b\"]}, 7, {\"id\": 5}]}";
	assert_int_equal(read_json(a, body, &v, NULL, 0, &e, &syn), VISIT_JSON_OK);
	const char *want[] = {"channel",          "duration_min",      "bogus",        "started_at",
	                      "visitor.no_phone", "visitor.languages", "visitor.mood", "demands[0].equipment",
	                      "demands[1]",       "demands[2].id"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_true(has_error(&e, want[i]));
	assert_int_equal(e.n, sizeof want / sizeof want[0]);

	assert_int_equal(read_json(a, "{\"demands\": {}}", &v, NULL, 0, &e, &syn), VISIT_JSON_OK);
	assert_true(has_error(&e, "demands"));
	assert_int_equal(
	    read_json(a, "{\"demands\": [{},{},{},{},{},{},{},{},{},{},{}]}", &v, NULL, 0, &e, &syn),
	    VISIT_JSON_OK);
	assert_true(has_error(&e, "demands"));
	arena_free(a);
}

static void test_malformed(void **state)
{
	arena *a = arena_new(1 << 16);
	store_visit v = {0};
	visit_json_errors e;
	visit_json_syntax syn;
	assert_int_equal(read_json(a, "{\"a\": 1,\n \"b\": }", &v, NULL, 0, &e, &syn), VISIT_JSON_MALFORMED);
	assert_int_equal(syn.line, 2);
	assert_true(syn.position > 10);
	assert_true(syn.text[0] != '\0');
	assert_int_equal(read_json(a, "", &v, NULL, 0, &e, &syn), VISIT_JSON_MALFORMED);
	assert_int_equal(read_json(a, "{\"a\": 1, \"a\": 2}", &v, NULL, 0, &e, &syn), VISIT_JSON_MALFORMED);
	assert_int_equal(read_json(a, "{\"place\": \"\\u0000\"}", &v, NULL, 0, &e, &syn),
	                 VISIT_JSON_MALFORMED);
	assert_int_equal(read_json(a, "[1]", &v, NULL, 0, &e, &syn), VISIT_JSON_NOT_OBJECT);
	/* jansson takes only an object or an array at the top. */
	assert_int_equal(read_json(a, "\"x\"", &v, NULL, 0, &e, &syn), VISIT_JSON_MALFORMED);
	assert_int_equal(visit_json_read(a, NULL, 0, &v, NULL, 0, &e, &syn), VISIT_JSON_MALFORMED);
	arena_free(a);
}

static void test_patch_and_put(void **state)
{
	arena *a = arena_new(1 << 20);
	store_demand od[2] = {{.id = 10, .operator_code = "cnaf", .outcome = "resolu", .duration_min = 15},
	                      {.id = 11, .operator_code = "dgfip", .outcome = "resolu"}};
	store_visit old = {.id = 1,
	                   .site_id = 3,
	                   .visitor_id = 4,
	                   .channel = "visio",
	                   .duration_min = 30,
	                   .demands = od,
	                   .ndemands = 2};
	visit_json_errors e;
	visit_json_syntax syn;

	store_visit v = old;
	assert_int_equal(
	    read_json(
	        a, "{\"channel\": \"telephone\", \"demands\": [{\"id\": 11, \"outcome\": \"oriente\"}, {}]}",
	        &v, &old, 1, &e, &syn),
	    VISIT_JSON_OK);
	assert_int_equal(e.n, 0);
	assert_string_equal(v.channel, "telephone");
	assert_int_equal(v.duration_min, 30);
	assert_int_equal(v.ndemands, 2);
	assert_int_equal(v.demands[0].id, 11);
	assert_string_equal(v.demands[0].operator_code, "dgfip"); /* kept from the old demand */
	assert_string_equal(v.demands[0].outcome, "oriente");
	assert_int_equal(v.demands[1].id, 0);
	assert_string_equal(od[1].outcome, "resolu"); /* the old visit is not touched */

	v = old;
	assert_int_equal(read_json(a, "{\"place\": \"bus\"}", &v, &old, 1, &e, &syn), VISIT_JSON_OK);
	assert_int_equal(v.ndemands, 2); /* no "demands": kept */

	memset(&v, 0, sizeof v);
	v.site_id = old.site_id;
	assert_int_equal(read_json(a, "{\"demands\": [{\"id\": 10}]}", &v, &old, 0, &e, &syn), VISIT_JSON_OK);
	assert_int_equal(v.demands[0].id, 10);
	assert_null(v.demands[0].operator_code); /* PUT keeps the id only */

	v = old;
	assert_int_equal(read_json(a, "{\"site_id\": 9, \"visitor_id\": 5, \"demands\": [{\"id\": 12}]}", &v,
	                           &old, 1, &e, &syn),
	                 VISIT_JSON_OK);
	assert_true(has_error(&e, "site_id"));
	assert_true(has_error(&e, "visitor_id"));
	assert_true(has_error(&e, "demands[0].id"));
	arena_free(a);
}

static void test_instants(void **state)
{
	int64_t t;
	assert_int_equal(visit_json_parse_instant("2024-03-04T09:15:00Z", &t), 0);
	assert_int_equal(t, 1709543700);
	assert_int_equal(visit_json_parse_instant("2024-03-04t10:15+01:00", &t), 0);
	assert_int_equal(t, 1709543700);
	assert_int_equal(visit_json_parse_instant("2024-03-04 04:15:00.123-05:00", &t), 0);
	assert_int_equal(t, 1709543700);
	const char *bad[] = {"2024-03-04",
	                     "2024-03-04T09:15:00",
	                     "2024-02-30T09:15:00Z",
	                     "2024-13-01T00:00Z",
	                     "2024-03-04T24:00:00Z",
	                     "2024-03-04T09:60:00Z",
	                     "2024-03-04T09:15:61Z",
	                     "2024-03-04T09:15Zjunk",
	                     "2024-03-04T09:15+1:00",
	                     "04/03/2024 09:15",
	                     ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(visit_json_parse_instant(bad[i], &t), -1);
}

static void test_validate_paths(void **state)
{
	arena *a = arena_new(1 << 16);
	field_errors fe = {0};
	field_error_add(&fe, "d2_outcome", "a");
	field_error_add(&fe, "gender", "b");
	field_error_add(&fe, "channel", "c");
	field_error_add(&fe, NULL, "d");
	field_error_add(&fe, "d10_note", "e");
	visit_json_errors e = {0};
	visit_json_errors_from(&e, a, &fe);
	assert_int_equal(e.n, 5);
	assert_string_equal(e.v[0].field, "demands[1].outcome");
	assert_string_equal(e.v[1].field, "visitor.gender");
	assert_string_equal(e.v[2].field, "channel");
	assert_string_equal(e.v[3].field, "");
	assert_string_equal(e.v[4].field, "demands[9].note");
	assert_string_equal(e.v[4].reason, "e");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields),    cmocka_unit_test(test_type_errors),
	    cmocka_unit_test(test_malformed), cmocka_unit_test(test_patch_and_put),
	    cmocka_unit_test(test_instants),  cmocka_unit_test(test_validate_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
