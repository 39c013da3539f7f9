/*
 * test_satisfaction.c: the rules of a satisfaction answer (satisfaction.c):
 * each field refused with its name, the public key of a site (stable,
 * different per site, per generation and per secret, compared whole), and
 * the answers in the store (insert, get, list by site and period, delete, a
 * site that does not exist, the cap of public answers per site) and the
 * generations of a site's key.
 */
#include "unit.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/satisfaction.h"
#include "store/store.h"

#define NOW 1767225600 /* 2026-01-01 00:00 UTC */

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t site1, site2;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-satisf-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(1 << 20);
	store_site a = {.name = "France Services Redon", .type = "france_services", .departement = "35"};
	store_site b = {.name = "Mairie de Vannes", .type = "mairie", .departement = "56"};
	if (store_site_insert(f->s, &a, &f->site1) != STORE_OK ||
	    store_site_insert(f->s, &b, &f->site2) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_store_close(f->s, f->a, f->dir);
	free(f);
	return 0;
}

static store_satisfaction good(void)
{
	return (store_satisfaction){.site_id = 1,
	                            .answered_at = NOW - 3600,
	                            .overall = 3,
	                            .clarity = 4,
	                            .comment = "",
	                            .source = "borne"};
}

static void test_validate(void **state)
{
	(void)state;
	static char long_comment[SATISFACTION_COMMENT_BYTES + 2];
	memset(long_comment, 'a', sizeof long_comment - 1);
	static char bad_utf8[] = "merci \xff";
	static char controls[] = "merci\x01";
	struct {
		int overall, clarity;
		const char *comment, *source;
		int64_t answered_at;
		const char *field; /* NULL: valid */
	} cases[] = {
	    {3, 4, "", "borne", NOW - 3600, NULL},
	    {1, 0, "Trop d'attente.", "qr", NOW, NULL},
	    {2, 5, "Ligne 1\nLigne 2", "papier", NOW + 60, NULL},
	    {0, 4, "", "borne", NOW, "overall"},
	    {4, 4, "", "borne", NOW, "overall"},
	    {-1, 4, "", "borne", NOW, "overall"},
	    {3, -1, "", "borne", NOW, "clarity"},
	    {3, 6, "", "borne", NOW, "clarity"},
	    {3, 4, long_comment, "borne", NOW, "comment"},
	    {3, 4, bad_utf8, "borne", NOW, "comment"},
	    {3, 4, controls, "borne", NOW, "comment"},
	    {3, 4, "", "", NOW, "source"},
	    {3, 4, "", "courrier", NOW, "source"},
	    {3, 4, "", NULL, NOW, "source"},
	    {3, 4, "", "borne", 0, "date"},
	    {3, 4, "", "borne", NOW + 3600, "date"},
	    {3, 4, "", "borne", 900000000, "date"},
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		char comment[SATISFACTION_COMMENT_BYTES + 8];
		snprintf(comment, sizeof comment, "%s", cases[i].comment);
		store_satisfaction a = {.site_id = 1,
		                        .answered_at = cases[i].answered_at,
		                        .overall = cases[i].overall,
		                        .clarity = cases[i].clarity,
		                        .comment = comment,
		                        .source = (char *)cases[i].source};
		field_errors e = {0};
		unit_check_case(i, satisfaction_validate(&a, NOW, &e), &e, cases[i].field, NULL);
	}
	/* The comment is trimmed; a missing one becomes "". */
	char padded[] = "  Merci beaucoup.  \n";
	store_satisfaction a = good();
	a.comment = padded;
	field_errors e = {0};
	assert_int_equal(satisfaction_validate(&a, NOW, &e), 0);
	assert_string_equal(a.comment, "Merci beaucoup.");
	a.comment = NULL;
	assert_int_equal(satisfaction_validate(&a, NOW, &e), 0);
	assert_string_equal(a.comment, "");
	/* Every problem at once. */
	store_satisfaction bad = {.overall = 9, .clarity = 9, .comment = "", .source = "x"};
	field_errors all = {0};
	assert_int_equal(satisfaction_validate(&bad, NOW, &all), -1);
	assert_int_equal(all.n, 4);
	assert_true(satisfaction_source_valid("papier"));
	assert_false(satisfaction_source_valid("PAPIER"));
	assert_string_equal(SATISFACTION_CODES[2], "tres_bien");
	assert_string_equal(SATISFACTION_LABELS[0], "Pas bien");
	assert_string_equal(SATISFACTION_CLARITY_LABELS[4], "Très clair");
}

static void test_key(void **state)
{
	(void)state;
	assert_true(sodium_init() >= 0);
	unsigned char s1[32], s2[32];
	memset(s1, 0x11, sizeof s1);
	memset(s2, 0x22, sizeof s2);
	char k1[33], k1b[33], k2[33], k3[33];
	satisfaction_key(s1, 7, 0, k1);
	satisfaction_key(s1, 7, 0, k1b);
	satisfaction_key(s1, 8, 0, k2);
	satisfaction_key(s2, 7, 0, k3);
	assert_int_equal(strlen(k1), 32);
	assert_int_equal(strspn(k1, "0123456789abcdef"), 32);
	assert_string_equal(k1, k1b);
	assert_string_not_equal(k1, k2);
	assert_string_not_equal(k1, k3);
	assert_true(satisfaction_key_ok(s1, 7, 0, k1));
	assert_false(satisfaction_key_ok(s1, 8, 0, k1));
	assert_false(satisfaction_key_ok(s2, 7, 0, k1));
	char shorter[33], longer[40], changed[33];
	snprintf(shorter, sizeof shorter, "%.31s", k1);
	snprintf(longer, sizeof longer, "%s0", k1);
	snprintf(changed, sizeof changed, "%s", k1);
	changed[31] = changed[31] == '0' ? '1' : '0';
	assert_false(satisfaction_key_ok(s1, 7, 0, shorter));
	assert_false(satisfaction_key_ok(s1, 7, 0, longer));
	assert_false(satisfaction_key_ok(s1, 7, 0, changed));
	assert_false(satisfaction_key_ok(s1, 7, 0, ""));
	assert_false(satisfaction_key_ok(s1, 7, 0, NULL));
	/* Each generation has its own key, and only its own is accepted. */
	char g1[33], g2[33];
	satisfaction_key(s1, 7, 1, g1);
	satisfaction_key(s1, 7, 2, g2);
	assert_string_not_equal(g1, k1);
	assert_string_not_equal(g1, g2);
	assert_true(satisfaction_key_ok(s1, 7, 1, g1));
	assert_false(satisfaction_key_ok(s1, 7, 0, g1));
	assert_false(satisfaction_key_ok(s1, 7, 1, k1));
	assert_false(satisfaction_key_ok(s1, 7, 2, g1));
}

static int64_t answer(struct fixture *f, int64_t site, int64_t t, int overall, const char *source)
{
	store_satisfaction a = {.site_id = site,
	                        .answered_at = t,
	                        .overall = overall,
	                        .clarity = overall + 2,
	                        .comment = "Accueil agréable.",
	                        .source = (char *)source,
	                        .recorded_by = 0};
	assert_int_equal(store_satisfaction_insert(f->s, &a), STORE_OK);
	assert_true(a.id > 0);
	assert_true(a.created_at > 0 && a.updated_at > 0);
	return a.id;
}

static void test_store(void **state)
{
	struct fixture *f = *state;
	int64_t a1 = answer(f, f->site1, NOW - 86400, 3, "borne");
	int64_t a2 = answer(f, f->site1, NOW - 3600, 2, "qr");
	int64_t a3 = answer(f, f->site2, NOW - 7200, 1, "papier");

	store_satisfaction g;
	assert_int_equal(store_satisfaction_get(f->s, f->a, a2, &g), STORE_OK);
	assert_int_equal(g.site_id, f->site1);
	assert_int_equal(g.answered_at, NOW - 3600);
	assert_int_equal(g.overall, 2);
	assert_int_equal(g.clarity, 4);
	assert_string_equal(g.comment, "Accueil agréable.");
	assert_string_equal(g.source, "qr");
	assert_int_equal(g.deleted_at, 0);

	/* Every site, newest first; one site; a period; a limit. */
	store_satisfaction *v;
	size_t n;
	assert_int_equal(store_satisfaction_list(f->s, f->a, NULL, 0, 0, 0, 100, &v, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, a2);
	assert_int_equal(v[1].id, a3);
	assert_int_equal(v[2].id, a1);
	assert_int_equal(store_satisfaction_list(f->s, f->a, &f->site1, 1, 0, 0, 100, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a2);
	int64_t both[2] = {f->site1, f->site2};
	assert_int_equal(store_satisfaction_list(f->s, f->a, both, 2, 0, 0, 2, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a2);
	assert_int_equal(v[1].id, a3);
	assert_int_equal(store_satisfaction_list(f->s, f->a, both, 2, NOW - 90000, NOW - 3600, 10, &v, &n),
	                 STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a3);
	assert_int_equal(v[1].id, a1);

	/* A deleted answer leaves the listing and cannot be deleted twice. */
	assert_int_equal(store_satisfaction_delete(f->s, a2, NOW), STORE_OK);
	assert_int_equal(store_satisfaction_delete(f->s, a2, NOW), STORE_NOT_FOUND);
	assert_int_equal(store_satisfaction_get(f->s, f->a, a2, &g), STORE_NOT_FOUND);
	assert_int_equal(store_satisfaction_delete(f->s, 999999, NOW), STORE_NOT_FOUND);
	assert_int_equal(store_satisfaction_list(f->s, f->a, &f->site1, 1, 0, 0, 100, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, a1);

	/* A site that does not exist. */
	store_satisfaction x = good();
	x.site_id = 424242;
	assert_int_equal(store_satisfaction_insert(f->s, &x), STORE_NOT_FOUND);
	assert_int_equal(x.id, 0);
}

/* The cap counts the public answers of one site since a time: paper
 * answers, other sites and older answers do not count; a refused answer
 * writes nothing; a missing site stays a missing site. */
static void test_capped(void **state)
{
	struct fixture *f = *state;
	int64_t now = now_s();
	answer(f, f->site1, now - 7200, 3, "qr"); /* before the window */
	answer(f, f->site1, now - 60, 2, "papier");
	answer(f, f->site2, now - 60, 2, "qr");
	for (int i = 0; i < 3; i++) {
		store_satisfaction a = good();
		a.site_id = f->site1;
		a.answered_at = now;
		assert_int_equal(store_satisfaction_insert_capped(f->s, &a, now - 3600, 3), STORE_OK);
		assert_true(a.id > 0);
	}
	store_satisfaction a = good();
	a.site_id = f->site1;
	a.answered_at = now;
	assert_int_equal(store_satisfaction_insert_capped(f->s, &a, now - 3600, 3), STORE_CONFLICT);
	assert_int_equal(a.id, 0);
	store_satisfaction *v;
	size_t n;
	assert_int_equal(store_satisfaction_list(f->s, f->a, &f->site1, 1, now - 3600, 0, 100, &v, &n),
	                 STORE_OK);
	assert_int_equal(n, 4); /* three public answers and the paper one */
	/* The other site has its own count. */
	a.site_id = f->site2;
	assert_int_equal(store_satisfaction_insert_capped(f->s, &a, now - 3600, 3), STORE_OK);
	store_satisfaction x = good();
	x.site_id = 424242;
	assert_int_equal(store_satisfaction_insert_capped(f->s, &x, now - 3600, 3), STORE_NOT_FOUND);
}

/* A site's key starts at generation 0 and each rotation adds one. */
static void test_key_rotation(void **state)
{
	struct fixture *f = *state;
	int64_t g = -1;
	assert_int_equal(store_satisfaction_key_generation(f->s, f->site1, &g), STORE_OK);
	assert_int_equal(g, 0);
	assert_int_equal(store_satisfaction_key_rotate(f->s, f->site1, 7, &g), STORE_OK);
	assert_int_equal(g, 1);
	assert_int_equal(store_satisfaction_key_rotate(f->s, f->site1, 7, &g), STORE_OK);
	assert_int_equal(g, 2);
	assert_int_equal(store_satisfaction_key_generation(f->s, f->site1, &g), STORE_OK);
	assert_int_equal(g, 2);
	assert_int_equal(store_satisfaction_key_generation(f->s, f->site2, &g), STORE_OK);
	assert_int_equal(g, 0);
	assert_int_equal(store_satisfaction_key_rotate(f->s, 424242, 7, &g), STORE_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validate),
	    cmocka_unit_test(test_key),
	    cmocka_unit_test_setup_teardown(test_store, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_capped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_key_rotation, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
