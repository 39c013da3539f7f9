/*
 * test_store_addresses.c: the store of addresses (store_addresses.h) on a
 * small geography: places by postcode and by name with their communes
 * déléguées, the Base Adresse Locale's load (a commune's rows replaced,
 * a failed load leaving the store as it was) and search, the checklist's
 * seed rows and edits, and a visit's ticks (an unknown code changes
 * nothing).
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_addresses.h"

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t site, agent;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-addr-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(8 << 20);
	store_site site = {.name = "Chemillé", .type = "france_services", .departement = "49"};
	store_user u = {.email = "agent@example.org", .name = "Anne Agent", .role = "agent", .active = 1};
	if (store_site_insert(f->s, &site, &f->site) != STORE_OK ||
	    store_user_insert(f->s, &u, &f->agent) != STORE_OK)
		return -1;
	store_geo_loader *g;
	store_commune c1 = {.code = "49092",
	                    .name = "Chemillé-en-Anjou",
	                    .departement = "49",
	                    .region = "52",
	                    .postcodes = "49120 49750"};
	store_commune c2 = {.code = "49023",
	                    .name = "Beaulieu-sur-Layon",
	                    .departement = "49",
	                    .region = "52",
	                    .postcodes = "49750"};
	if (store_geo_begin(f->s, &g) != STORE_OK)
		return -1;
	int ok = store_geo_region(g, "52", "Pays de la Loire") == STORE_OK &&
	         store_geo_departement(g, "49", "Maine-et-Loire", "52") == STORE_OK &&
	         store_geo_commune(g, &c1) == STORE_OK && store_geo_commune(g, &c2) == STORE_OK;
	if (store_geo_end(g, ok) != STORE_OK || !ok)
		return -1;
	store_delegate d[] = {{"49071", "Chanzeaux", "chanzeaux", "49092", "deleguee"},
	                      {"49092", "Chemillé", "chemille", "49092", "deleguee"}};
	if (store_delegates_replace(f->s, d, 2) != STORE_OK)
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

static void test_places(void **state)
{
	struct fixture *f = *state;
	store_place p[8];
	size_t n;
	assert_int_equal(store_places_by_postcode(f->s, "49750", p, 8, &n), STORE_OK);
	assert_int_equal(n, 4); /* two communes, then the two former communes of one */
	assert_string_equal(p[0].former, "");
	assert_string_equal(p[1].former, "");
	assert_string_equal(p[2].commune, "Chemillé-en-Anjou");
	assert_string_equal(p[2].former, "Chanzeaux");
	/* max bounds what is written, not what is counted. */
	assert_int_equal(store_places_by_postcode(f->s, "49750", p, 1, &n), STORE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(store_places_by_name(f->s, "chanzeaux", p, 8, &n), STORE_OK);
	assert_int_equal(n, 2); /* one per postcode of the current commune */
	assert_string_equal(p[0].insee, "49092");
	assert_string_equal(p[0].postcode, "49120");
	assert_string_equal(p[1].postcode, "49750");
	assert_int_equal(store_places_by_name(f->s, "chemille en anjou", p, 8, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_places_by_name(f->s, "nulle part", p, 8, &n), STORE_OK);
	assert_int_equal(n, 0);
	int64_t count;
	assert_int_equal(store_delegates_count(f->s, &count), STORE_OK);
	assert_int_equal(count, 2);
}

static store_bal_row row(const char *voie, const char *key, int64_t numero, const char *lieudit,
                         const char *lkey)
{
	return (store_bal_row){.commune_insee = "49092",
	                       .commune_nom = "Chemillé-en-Anjou",
	                       .voie_nom = voie,
	                       .voie_key = key,
	                       .lieudit = lieudit,
	                       .lieudit_key = lkey,
	                       .numero = numero,
	                       .cle_interop = "49092_0001_00001"};
}

static void test_bal(void **state)
{
	struct fixture *f = *state;
	store_bal_loader *l;
	size_t nc, nr;
	assert_int_equal(store_bal_begin(f->s, &l), STORE_OK);
	store_bal_row a = row("Chemin de la Mare", "CHEMIN DE LA MARE", 1, "La Grange", "LA GRANGE");
	store_bal_row b = row("Chemin de la Mare", "CHEMIN DE LA MARE", 3, "La Grange", "LA GRANGE");
	store_bal_row c = row("Route de la Mare Haute", "ROUTE DE LA MARE HAUTE", 5, "", "");
	assert_int_equal(store_bal_add(l, &a), STORE_OK);
	assert_int_equal(store_bal_add(l, &b), STORE_OK);
	assert_int_equal(store_bal_add(l, &c), STORE_OK);
	assert_int_equal(store_bal_end(l, 1, "bal.csv", 1700000000, &nc, &nr), STORE_OK);
	assert_int_equal(nc, 1);
	assert_int_equal(nr, 3);

	store_bal_match *m;
	size_t n;
	assert_int_equal(store_bal_search(f->s, f->a, "49092", "CHEMIN DE LA MARE", 10, &m, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_true(m[0].exact);
	assert_int_equal(m[0].numero, 1);
	/* A word of the names: both roads, the exact ones first. */
	assert_int_equal(store_bal_search(f->s, f->a, "49092", "MARE", 10, &m, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_bal_search(f->s, f->a, "49092", "LA GRANGE", 10, &m, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_true(m[0].exact);
	/* Not a word: "MAR" is not "MARE". */
	assert_int_equal(store_bal_search(f->s, f->a, "49092", "MAR", 10, &m, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_bal_search(f->s, f->a, "49092", "50%", 10, &m, &n), STORE_OK);
	assert_int_equal(n, 0);

	/* A failed load changes nothing; a new one replaces the commune's rows. */
	assert_int_equal(store_bal_begin(f->s, &l), STORE_OK);
	assert_int_equal(store_bal_add(l, &c), STORE_OK);
	assert_int_equal(store_bal_end(l, 0, "bad.csv", 1700000100, &nc, &nr), STORE_OK);
	assert_int_equal(nr, 0);
	store_bal_load load;
	assert_int_equal(store_bal_load_get(f->s, f->a, "49092", &load), STORE_OK);
	assert_string_equal(load.file, "bal.csv");
	assert_int_equal(load.n_rows, 3);
	assert_int_equal(store_bal_begin(f->s, &l), STORE_OK);
	assert_int_equal(store_bal_add(l, &c), STORE_OK);
	assert_int_equal(store_bal_end(l, 1, "new.csv", 1700000200, &nc, &nr), STORE_OK);
	assert_int_equal(store_bal_search(f->s, f->a, "49092", "MARE", 10, &m, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_bal_load_get(f->s, f->a, "49092", &load), STORE_OK);
	assert_int_equal(load.n_rows, 1);
	assert_int_equal(store_bal_load_get(f->s, f->a, "49023", &load), STORE_NOT_FOUND);
	store_bal_load *all;
	assert_int_equal(store_bal_loads(f->s, f->a, &all, &n), STORE_OK);
	assert_int_equal(n, 1);
}

static void test_checklist(void **state)
{
	struct fixture *f = *state;
	store_checklist_item *it;
	size_t n;
	assert_int_equal(store_checklist_list(f->s, f->a, 1, &it, &n), STORE_OK);
	assert_int_equal(n, 12);
	assert_string_equal(it[0].code, "caf");
	assert_true(it[0].with_adviser);
	store_checklist_item x = {.code = "mutuelle", .label = "Mutuelle", .how = "", .active = 0, .sort = 5};
	assert_int_equal(store_checklist_insert(f->s, &x), STORE_OK);
	assert_int_equal(store_checklist_insert(f->s, &x), STORE_CONFLICT);
	assert_int_equal(store_checklist_list(f->s, f->a, 1, &it, &n), STORE_OK);
	assert_int_equal(n, 12);
	assert_int_equal(store_checklist_list(f->s, f->a, 0, &it, &n), STORE_OK);
	assert_int_equal(n, 13);
	assert_string_equal(it[0].code, "mutuelle");
	x.label = "Mutuelle santé";
	x.active = 1;
	assert_int_equal(store_checklist_update(f->s, &x), STORE_OK);
	store_checklist_item y;
	assert_int_equal(store_checklist_get(f->s, f->a, "mutuelle", &y), STORE_OK);
	assert_string_equal(y.label, "Mutuelle santé");
	x.code = "nope";
	assert_int_equal(store_checklist_update(f->s, &x), STORE_NOT_FOUND);
	assert_int_equal(store_checklist_get(f->s, f->a, "nope", &y), STORE_NOT_FOUND);
}

static void test_visit_ticks(void **state)
{
	struct fixture *f = *state;
	store_demand d = {
	    .operator_code = "cnaf", .theme_code = "logement", .level = "fait_avec", .outcome = "resolu"};
	store_visit v = {.site_id = f->site,
	                 .agent_id = f->agent,
	                 .started_at = 1700000000,
	                 .channel = "guichet_spontane"};
	v.visitor = (store_visitor){.age_bracket = "60_69", .gender = "feminin"};
	v.demands = &d;
	v.ndemands = 1;
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	const char *codes[] = {"impots", "caf", "caf"};
	assert_int_equal(store_visit_checklist_set(f->s, v.id, codes, 3, f->agent, 1700000100), STORE_OK);
	char **got;
	size_t n;
	assert_int_equal(store_visit_checklist_get(f->s, f->a, v.id, &got, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(got[0], "caf");
	assert_string_equal(got[1], "impots");
	const char *bad[] = {"employeur", "nope"};
	assert_int_equal(store_visit_checklist_set(f->s, v.id, bad, 2, f->agent, 1700000200),
	                 STORE_NOT_FOUND);
	assert_int_equal(store_visit_checklist_get(f->s, f->a, v.id, &got, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_visit_checklist_set(f->s, v.id, NULL, 0, f->agent, 1700000300), STORE_OK);
	assert_int_equal(store_visit_checklist_get(f->s, f->a, v.id, &got, &n), STORE_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_places, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checklist, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_visit_ticks, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
