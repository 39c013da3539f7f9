/*
 * test_store_notices.c: what the store keeps of a site's notices, on SQLite
 * and (under scripts/check-pg) PostgreSQL: a notice and its translations
 * written, read, replaced and deleted together; a notice is changed or
 * deleted only through its own site; the current ones at a time; the time
 * the public view last changed, which never goes back when a notice is
 * deleted; and the purge of those ended long ago.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_notices.h"

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
	strcpy(f->dir, "/tmp/guichet-notices-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(1 << 20);
	store_site a = {.name = "Rennes", .type = "france_services"},
	           b = {.name = "Brest", .type = "mediatheque"};
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

static store_notice make(int64_t site, const char *kind, const char *title, int64_t from, int64_t to)
{
	store_notice n = {0};
	n.site_id = site;
	n.kind = (char *)kind;
	n.title = (char *)title;
	n.body = "Texte";
	n.picto = "";
	n.starts_at = from;
	n.ends_at = to;
	n.created_by = 7;
	return n;
}

static void test_write_read(void **state)
{
	struct fixture *f = *state;
	store_notice_text texts[2] = {{"ar", "مغلق", ""}, {"en", "Closed", "Closed all day."}};
	store_notice n = make(f->site1, "fermeture", "Fermé", 1000, 2000);
	n.picto = "1F6AB";
	n.texts = texts;
	n.ntexts = 2;
	assert_int_equal(store_notice_insert(f->s, &n, 500), STORE_OK);
	assert_true(n.id > 0);
	assert_int_equal(n.created_at, 500);

	store_notice g;
	assert_int_equal(store_notice_get(f->s, f->a, n.id, &g), STORE_OK);
	assert_int_equal(g.site_id, f->site1);
	assert_string_equal(g.kind, "fermeture");
	assert_string_equal(g.title, "Fermé");
	assert_string_equal(g.picto, "1F6AB");
	assert_int_equal(g.starts_at, 1000);
	assert_int_equal(g.ends_at, 2000);
	assert_int_equal(g.created_by, 7);
	assert_int_equal(g.ntexts, 2);
	assert_string_equal(g.texts[0].lang, "ar");
	assert_string_equal(g.texts[1].title, "Closed");
	assert_string_equal(g.texts[1].body, "Closed all day.");

	/* Replaced with one translation only: the other is gone. */
	store_notice u = g;
	u.title = "Fermé demain";
	u.ntexts = 1;
	u.texts = &texts[1];
	u.updated_by = 9;
	assert_int_equal(store_notice_update(f->s, &u, 600), STORE_OK);
	assert_int_equal(store_notice_get(f->s, f->a, n.id, &g), STORE_OK);
	assert_string_equal(g.title, "Fermé demain");
	assert_int_equal(g.updated_by, 9);
	assert_int_equal(g.updated_at, 600);
	assert_int_equal(g.ntexts, 1);
	assert_string_equal(g.texts[0].lang, "en");

	/* Through another site: as if it did not exist, and unchanged. */
	u.site_id = f->site2;
	u.title = "Piraté";
	assert_int_equal(store_notice_update(f->s, &u, 700), STORE_NOT_FOUND);
	assert_int_equal(store_notice_delete(f->s, f->site2, n.id, 700), STORE_NOT_FOUND);
	assert_int_equal(store_notice_get(f->s, f->a, n.id, &g), STORE_OK);
	assert_string_equal(g.title, "Fermé demain");

	assert_int_equal(store_notice_delete(f->s, f->site1, n.id, 800), STORE_OK);
	assert_int_equal(store_notice_get(f->s, f->a, n.id, &g), STORE_NOT_FOUND);
	assert_int_equal(store_notice_delete(f->s, f->site1, n.id, 800), STORE_NOT_FOUND);

	/* A missing site, and what the database itself refuses. */
	store_notice bad = make(424242, "information", "X", 1000, 2000);
	assert_int_equal(store_notice_insert(f->s, &bad, 500), STORE_NOT_FOUND);
	bad = make(f->site1, "information", "X", 2000, 1000);
	assert_int_not_equal(store_notice_insert(f->s, &bad, 500), STORE_OK);
	bad = make(f->site1, "soldes", "X", 1000, 2000);
	assert_int_not_equal(store_notice_insert(f->s, &bad, 500), STORE_OK);
	store_notice *v;
	size_t nv;
	assert_int_equal(store_notice_list(f->s, f->a, f->site1, 1500, STORE_NOTICES_ALL, &v, &nv), STORE_OK);
	assert_int_equal(nv, 0);
}

static void test_current_and_changes(void **state)
{
	struct fixture *f = *state;
	store_notice past = make(f->site1, "information", "Passé", 100, 200);
	store_notice now1 = make(f->site1, "evenement", "En cours", 900, 2000);
	store_notice now2 = make(f->site1, "fermeture", "Fermé", 950, 1100);
	store_notice later = make(f->site1, "horaires", "Plus tard", 3000, 4000);
	store_notice other = make(f->site2, "information", "Ailleurs", 900, 2000);
	assert_int_equal(store_notice_insert(f->s, &past, 50), STORE_OK);
	assert_int_equal(store_notice_insert(f->s, &now1, 60), STORE_OK);
	assert_int_equal(store_notice_insert(f->s, &now2, 70), STORE_OK);
	assert_int_equal(store_notice_insert(f->s, &later, 80), STORE_OK);
	assert_int_equal(store_notice_insert(f->s, &other, 90), STORE_OK);

	store_notice *v;
	size_t n;
	assert_int_equal(store_notice_list(f->s, f->a, f->site1, 1000, STORE_NOTICES_CURRENT, &v, &n),
	                 STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, now1.id);
	assert_int_equal(v[1].id, now2.id);
	/* The end is excluded, the start included. */
	assert_int_equal(store_notice_list(f->s, f->a, f->site1, 1100, STORE_NOTICES_CURRENT, &v, &n),
	                 STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_notice_list(f->s, f->a, f->site1, 3000, STORE_NOTICES_CURRENT, &v, &n),
	                 STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, later.id);
	assert_int_equal(store_notice_list(f->s, f->a, f->site1, 1000, STORE_NOTICES_ALL, &v, &n), STORE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].id, later.id); /* the latest start first */

	/* The public view changes with writes, starts and ends. */
	int64_t at = 0;
	assert_int_equal(store_notice_changed_at(f->s, f->site1, 1000, &at), STORE_OK);
	assert_int_equal(at, 950);
	assert_int_equal(store_notice_changed_at(f->s, f->site1, 1500, &at), STORE_OK);
	assert_int_equal(at, 1100);
	assert_int_equal(store_notice_delete(f->s, f->site1, now2.id, 1200), STORE_OK);
	assert_int_equal(store_notice_changed_at(f->s, f->site1, 1500, &at), STORE_OK);
	assert_int_equal(at, 1200);
	/* A deletion within the same second still moves it on. */
	assert_int_equal(store_notice_delete(f->s, f->site1, now1.id, 1200), STORE_OK);
	assert_int_equal(store_notice_changed_at(f->s, f->site1, 1500, &at), STORE_OK);
	assert_int_equal(at, 1201);
	assert_int_equal(store_notice_changed_at(f->s, 424242, 1500, &at), STORE_OK);
	assert_int_equal(at, 0);
}

static void test_purge(void **state)
{
	struct fixture *f = *state;
	store_notice_text t = {"en", "Old", ""};
	store_notice old = make(f->site1, "information", "Ancien", 100, 200);
	old.texts = &t;
	old.ntexts = 1;
	store_notice recent = make(f->site1, "information", "Récent", 100, 5000);
	assert_int_equal(store_notice_insert(f->s, &old, 50), STORE_OK);
	assert_int_equal(store_notice_insert(f->s, &recent, 50), STORE_OK);
	int64_t n = -1;
	assert_int_equal(store_purge_notices(f->s, 1000, 1, &n), STORE_OK);
	assert_int_equal(n, 1);
	store_notice g;
	assert_int_equal(store_notice_get(f->s, f->a, old.id, &g), STORE_OK);
	assert_int_equal(store_purge_notices(f->s, 1000, 0, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_notice_get(f->s, f->a, old.id, &g), STORE_NOT_FOUND);
	assert_int_equal(store_notice_get(f->s, f->a, recent.id, &g), STORE_OK);
	assert_int_equal(store_purge_notices(f->s, 1000, 0, &n), STORE_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_current_and_changes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
