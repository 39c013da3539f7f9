/*
 * test_notice.c: the rules of a site's notices: kinds and their codes,
 * pictograms from the fixed list, lengths counted in characters, dates
 * (start, end after start, end not past, within five years), translations
 * (public languages, once each, a title with a text, empty ones dropped),
 * the public order (closures first), and the access rule of notices.
 */
#include "unit.h"

#include <string.h>

#include "domain/access.h"
#include "domain/notice.h"

#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

static char *sdup(const char *s)
{
	return strdup(s);
}

static store_notice valid(void)
{
	store_notice n = {0};
	n.site_id = 1;
	n.kind = sdup("fermeture");
	n.title = sdup("  Fermé le 14 juillet  ");
	n.body = sdup("Le lieu est fermé.\nMerci.");
	n.picto = sdup("1F6AB");
	n.starts_at = NOW - 3600;
	n.ends_at = NOW + 86400;
	return n;
}

static void release(store_notice *n)
{
	free(n->kind);
	free(n->title);
	free(n->body);
	free(n->picto);
}

static int has_error(const field_errors *e, const char *field)
{
	return field_error_for(e, field) != NULL;
}

static void test_kinds(void **state)
{
	(void)state;
	const char *codes[] = {"fermeture", "horaires", "evenement", "information", "mention_legale"};
	for (int k = 0; k < NOTICE_KIND_COUNT; k++) {
		assert_string_equal(notice_kind_code((notice_kind)k), codes[k]);
		assert_int_equal(notice_kind_parse(codes[k]), k);
		assert_true(strlen(notice_kind_label((notice_kind)k)) > 0);
	}
	assert_int_equal(notice_kind_parse("soldes"), -1);
	assert_int_equal(notice_kind_parse(NULL), -1);
	assert_null(notice_kind_code(NOTICE_KIND_COUNT));
}

static void test_pictos_and_chars(void **state)
{
	(void)state;
	size_t n = 0;
	const notice_picto *p = notice_pictos(&n);
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++)
		assert_true(notice_picto_valid(p[i].code));
	assert_true(notice_picto_valid(""));
	assert_true(notice_picto_valid(NULL));
	assert_false(notice_picto_valid("1F4A9"));
	assert_false(notice_picto_valid("../x"));

	assert_int_equal(notice_chars(""), 0);
	assert_int_equal(notice_chars("abc"), 3);
	assert_int_equal(notice_chars("été"), 3);
	assert_int_equal(notice_chars("مرحبا"), 5);
	assert_int_equal(notice_chars("中文"), 2);

	assert_true(notice_lang_valid("en"));
	assert_true(notice_lang_valid("prs"));
	assert_false(notice_lang_valid("fr"));
	assert_false(notice_lang_valid("xx"));
	assert_false(notice_lang_valid(NULL));
}

static void test_valid(void **state)
{
	(void)state;
	store_notice n = valid();
	field_errors e = {0};
	assert_int_equal(notice_validate(&n, NOW, &e), 0);
	assert_int_equal(e.n, 0);
	assert_string_equal(n.title, "Fermé le 14 juillet");
	assert_true(notice_is_current(&n, NOW));
	assert_false(notice_is_current(&n, n.ends_at));
	assert_true(notice_is_current(&n, n.starts_at));
	release(&n);
}

static void test_lengths(void **state)
{
	(void)state;
	/* 80 Arabic letters (160 bytes) are a good title; 81 are not. */
	char title[400] = "", body[2100] = "";
	for (int i = 0; i < 80; i++)
		strcat(title, "ع");
	for (int i = 0; i < 500; i++)
		strcat(body, "é");
	store_notice n = valid();
	free(n.title);
	free(n.body);
	n.title = sdup(title);
	n.body = sdup(body);
	field_errors e = {0};
	assert_int_equal(notice_validate(&n, NOW, &e), 0);
	release(&n);

	strcat(title, "ع");
	strcat(body, "é");
	n = valid();
	free(n.title);
	free(n.body);
	n.title = sdup(title);
	n.body = sdup(body);
	e = (field_errors){0};
	assert_int_equal(notice_validate(&n, NOW, &e), -1);
	assert_true(has_error(&e, "title"));
	assert_true(has_error(&e, "body"));
	release(&n);
}

static void test_bad_fields(void **state)
{
	(void)state;
	struct {
		const char *kind, *title, *body, *picto;
		int64_t starts, ends;
		const char *field;
	} cases[] = {
	    {"soldes", "T", "", "", NOW, NOW + 60, "kind"},
	    {"information", "   ", "", "", NOW, NOW + 60, "title"},
	    {"information", "a\nb", "", "", NOW, NOW + 60, "title"},
	    {"information",
	     "a\x07"
	     "b",
	     "", "", NOW, NOW + 60, "title"},
	    {"information", "\xff\xfe", "", "", NOW, NOW + 60, "title"},
	    {"information", "T", "a\x01", "", NOW, NOW + 60, "body"},
	    {"information", "T", "", "1F4A9", NOW, NOW + 60, "picto"},
	    {"information", "T", "", "", 0, NOW + 60, "starts"},
	    {"information", "T", "", "", NOW + NOTICE_MAX_AHEAD_S + 1, NOW + NOTICE_MAX_AHEAD_S + 2,
	     "starts"},
	    {"information", "T", "", "", NOW, 0, "ends"},
	    {"information", "T", "", "", NOW, NOW, "ends"},
	    {"information", "T", "", "", NOW - 7200, NOW - 60, "ends"},
	    {"information", "T", "", "", NOW, NOW + NOTICE_MAX_AHEAD_S + 1, "ends"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		store_notice n = {0};
		n.kind = sdup(cases[i].kind);
		n.title = sdup(cases[i].title);
		n.body = sdup(cases[i].body);
		n.picto = sdup(cases[i].picto);
		n.starts_at = cases[i].starts;
		n.ends_at = cases[i].ends;
		field_errors e = {0};
		assert_int_equal(notice_validate(&n, NOW, &e), -1);
		if (!has_error(&e, cases[i].field))
			fail_msg("case %zu: no error on %s", i, cases[i].field);
		release(&n);
	}
}

static void test_translations(void **state)
{
	(void)state;
	/* Modifiable texts of their own: validation trims in place and packs
	 * the kept translations at the front of the array. */
	char en[] = "en", en_title[] = " Closed ", en_body[] = "", uk[] = "uk", uk_title[] = "",
	     uk_body[] = "";
	char ar[] = "ar", ar_title[] = "", ar_body[] = "نص بلا عنوان";
	char en2[] = "en", en2_title[] = "Again", en2_body[] = "";
	store_notice_text t[4] = {
	    {en, en_title, en_body},
	    {uk, uk_title, uk_body},    /* empty: dropped */
	    {ar, ar_title, ar_body},    /* a text without a title */
	    {en2, en2_title, en2_body}, /* twice */
	};
	store_notice n = valid();
	n.texts = t;
	n.ntexts = 4;
	field_errors e = {0};
	assert_int_equal(notice_validate(&n, NOW, &e), -1);
	assert_true(has_error(&e, "title_ar"));
	assert_true(has_error(&e, "texts"));

	store_notice_text u[2] = {{en, en_title, en_body}, {uk, uk_title, uk_body}};
	n.texts = u;
	n.ntexts = 2;
	e = (field_errors){0};
	assert_int_equal(notice_validate(&n, NOW, &e), 0);
	assert_int_equal(n.ntexts, 1);
	assert_string_equal(n.texts[0].lang, "en");
	assert_string_equal(n.texts[0].title, "Closed");
	assert_non_null(notice_text_for(&n, "en"));
	assert_null(notice_text_for(&n, "uk"));
	assert_null(notice_text_for(&n, NULL));

	char fr[] = "fr", fr_title[] = "Titre", fr_body[] = "";
	store_notice_text f = {fr, fr_title, fr_body};
	n.texts = &f;
	n.ntexts = 1;
	e = (field_errors){0};
	assert_int_equal(notice_validate(&n, NOW, &e), -1);
	assert_true(has_error(&e, "texts"));
	release(&n);
}

static void test_sort(void **state)
{
	(void)state;
	store_notice v[4] = {
	    {.id = 1, .kind = "information", .starts_at = 10},
	    {.id = 2, .kind = "evenement", .starts_at = 5},
	    {.id = 3, .kind = "fermeture", .starts_at = 20},
	    {.id = 4, .kind = "fermeture", .starts_at = 15},
	};
	notice_sort(v, 4);
	assert_int_equal(v[0].id, 4);
	assert_int_equal(v[1].id, 3);
	assert_int_equal(v[2].id, 2);
	assert_int_equal(v[3].id, 1);
	notice_sort(NULL, 0);
}

static void test_access(void **state)
{
	(void)state;
	int64_t rennes_sites[] = {1};
	store_site rennes = {.id = 1, .departement = "35"}, brest = {.id = 3, .departement = "29"};
	store_user admin = {.role = "admin", .active = 1};
	store_user manager = {.role = "manager", .active = 1, .site_ids = rennes_sites, .nsites = 1};
	store_user agent = {.role = "agent", .active = 1, .site_ids = rennes_sites, .nsites = 1};
	store_user coord = {.role = "coordinator", .active = 1, .departement = "35"};
	store_user op = {.role = "operator", .active = 1, .site_ids = rennes_sites, .nsites = 1};
	store_user gone = {.role = "admin", .active = 0};
	assert_int_equal(access_notices(&admin, &brest), ACCESS_NOTICES_PUBLISH);
	assert_int_equal(access_notices(&manager, &rennes), ACCESS_NOTICES_PUBLISH);
	assert_int_equal(access_notices(&manager, &brest), ACCESS_NOTICES_NONE);
	assert_int_equal(access_notices(&agent, &rennes), ACCESS_NOTICES_READ);
	assert_int_equal(access_notices(&agent, &brest), ACCESS_NOTICES_NONE);
	assert_int_equal(access_notices(&coord, &rennes), ACCESS_NOTICES_PUBLISH);
	assert_int_equal(access_notices(&coord, &brest), ACCESS_NOTICES_NONE);
	assert_int_equal(access_notices(&op, &rennes), ACCESS_NOTICES_NONE);
	assert_int_equal(access_notices(&gone, &rennes), ACCESS_NOTICES_NONE);
	assert_int_equal(access_notices(NULL, &rennes), ACCESS_NOTICES_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),      cmocka_unit_test(test_pictos_and_chars),
	    cmocka_unit_test(test_valid),      cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_bad_fields), cmocka_unit_test(test_translations),
	    cmocka_unit_test(test_sort),       cmocka_unit_test(test_access),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
