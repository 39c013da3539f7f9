/*
 * test_store_catalog.c: the reference data in the store: the migrations on a
 * new database and again (nothing applied twice), the seeded operators,
 * themes, procedures and topics, their edits (the labels of themes, new and
 * deactivated topics, and their validation), the geography loader (all or
 * nothing) and its searches, the frequencies of operators and procedures at
 * a site, the catalog's lists kept in memory, a row taken from them and their
 * stamps, and the correction window.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/catalog.h"
#include "cli/cli.h"
#include "db/db.h"
#include "util/embedded.h"
#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_sync.h"

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
	strcpy(f->dir, "/tmp/guichet-catalog-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(4 << 20);
	store_site a = {.name = "France Services Redon", .type = "france_services"};
	store_site b = {.name = "Médiathèque", .type = "mediatheque"};
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

static void test_migrations(void **state)
{
	struct fixture *f = *state;
	char path[1024], err[256];
	assert_int_equal(unit_db_path(f->dir, path, sizeof path), 0);
	store *s;
	int applied;
	assert_int_equal(store_open(&s, path, 2, err, sizeof err), STORE_OK);
	assert_int_equal(store_migrate(s, &applied, err, sizeof err), STORE_OK);
	assert_true(applied >= 3);
	assert_true(store_schema_latest() >= 3);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_int_equal(store_migrate(s, &applied, err, sizeof err), STORE_OK);
	assert_int_equal(applied, 0);
	/* The seed is there once. */
	store_operator *ops;
	size_t n;
	assert_int_equal(store_operator_list(s, f->a, 0, &ops, &n), STORE_OK);
	assert_int_equal(n, 22);
	store_close(s);
	assert_int_equal(store_error_count(f->s), 0);
}

static void test_seed(void **state)
{
	struct fixture *f = *state;
	store_operator *ops;
	size_t n;
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_int_equal(n, 22);
	assert_string_equal(ops[0].code, "ants");
	assert_string_equal(ops[0].name, "France Titres (ANTS)");
	assert_int_equal(ops[0].national, 1);
	assert_string_equal(ops[n - 1].code, "autre");
	int nationals = 0;
	for (size_t i = 0; i < n; i++)
		nationals += ops[i].national;
	assert_int_equal(nationals, 11);
	store_operator o;
	assert_int_equal(store_operator_get(f->s, f->a, "dgfip", &o), STORE_OK);
	assert_string_equal(o.name, "Impôts (DGFiP)");
	assert_int_equal(store_operator_get(f->s, f->a, "interieur", &o), STORE_OK);
	assert_string_equal(o.name, "Ministère de l'Intérieur");
	assert_int_equal(store_operator_get(f->s, f->a, "nope", &o), STORE_NOT_FOUND);

	store_theme *themes;
	assert_int_equal(store_theme_list(f->s, f->a, &themes, &n), STORE_OK);
	assert_int_equal(n, 11);
	assert_string_equal(themes[0].code, "papiers_citoyennete");
	assert_string_equal(themes[0].label, "Papiers - Élections - Citoyenneté");
	assert_string_equal(themes[10].code, "associations");

	store_topic *topics;
	assert_int_equal(store_topic_list(f->s, f->a, 0, &topics, &n), STORE_OK);
	assert_int_equal(n, 19);
	assert_string_equal(topics[0].code, "diagnostic_numerique");
	assert_string_equal(topics[18].label, "Aide aux démarches administratives");

	store_procedure *procs;
	assert_int_equal(store_procedure_list(f->s, f->a, 1, &procs, &n), STORE_OK);
	assert_int_equal(n, 30);
	store_procedure p;
	assert_int_equal(store_procedure_get(f->s, f->a, 1, &p), STORE_OK);
	assert_string_equal(p.label, "Carte d'identité");
	assert_string_equal(p.theme_code, "papiers_citoyennete");
	assert_string_equal(p.operator_code, "ants");
	assert_true(str_starts(p.url, "https://"));
	assert_non_null(strchr(p.documents, '\n'));
	/* Every link of the seed is https, every theme and operator exists. */
	for (size_t i = 0; i < n; i++) {
		assert_true(procs[i].url[0] == '\0' || str_starts(procs[i].url, "https://"));
		if (procs[i].operator_code[0])
			assert_int_equal(store_operator_get(f->s, f->a, procs[i].operator_code, &o),
			                 STORE_OK);
	}
	assert_int_equal(store_procedure_get(f->s, f->a, 999, &p), STORE_NOT_FOUND);

	int64_t days;
	assert_int_equal(store_site_correction_days(f->s, f->site1, &days), STORE_OK);
	assert_int_equal(days, 7);
}

static void test_edit_catalog(void **state)
{
	struct fixture *f = *state;
	store_operator o = {
	    .code = "caf_35", .name = "CAF d'Ille-et-Vilaine", .deadline_days = 5, .active = 1, .sort = 25};
	assert_int_equal(store_operator_insert(f->s, &o), STORE_OK);
	assert_int_equal(store_operator_insert(f->s, &o), STORE_CONFLICT);
	o.active = 0;
	o.name = "CAF 35";
	assert_int_equal(store_operator_update(f->s, &o), STORE_OK);
	store_operator g;
	assert_int_equal(store_operator_get(f->s, f->a, "caf_35", &g), STORE_OK);
	assert_string_equal(g.name, "CAF 35");
	assert_int_equal(g.active, 0);
	assert_int_equal(g.deadline_days, 5);
	store_operator *ops;
	size_t n;
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_int_equal(n, 22);
	assert_int_equal(store_operator_list(f->s, f->a, 0, &ops, &n), STORE_OK);
	assert_int_equal(n, 23);
	o.code = "ghost";
	assert_int_equal(store_operator_update(f->s, &o), STORE_NOT_FOUND);

	store_procedure p = {.label = "Bourse de lycée",
	                     .theme_code = "famille_scolarite",
	                     .operator_code = "",
	                     .url = "",
	                     .documents = "Avis d'imposition",
	                     .active = 1};
	int64_t id;
	assert_int_equal(store_procedure_insert(f->s, &p, &id), STORE_OK);
	assert_int_equal(id, 31);
	p.id = id;
	p.active = 0;
	assert_int_equal(store_procedure_update(f->s, &p), STORE_OK);
	store_procedure *procs;
	assert_int_equal(store_procedure_list(f->s, f->a, 1, &procs, &n), STORE_OK);
	assert_int_equal(n, 30);
	assert_int_equal(store_procedure_list(f->s, f->a, 0, &procs, &n), STORE_OK);
	assert_int_equal(n, 31);
	p.theme_code = "no_theme";
	assert_int_equal(store_procedure_update(f->s, &p), STORE_CONFLICT);
	assert_int_equal(store_procedure_insert(f->s, &p, &id), STORE_CONFLICT);
	p.theme_code = "logement";
	p.id = 999;
	assert_int_equal(store_procedure_update(f->s, &p), STORE_NOT_FOUND);

	assert_int_equal(store_site_set_correction_days(f->s, f->site2, 30), STORE_OK);
	int64_t days;
	assert_int_equal(store_site_correction_days(f->s, f->site2, &days), STORE_OK);
	assert_int_equal(days, 30);
	assert_int_equal(store_site_correction_days(f->s, 999, &days), STORE_NOT_FOUND);
	assert_int_equal(store_site_set_correction_days(f->s, 999, 3), STORE_NOT_FOUND);
}

static const char *operator_name(const store_operator *ops, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ops[i].code, code) == 0)
			return ops[i].name;
	return NULL;
}

/* The catalog's lists are kept in memory (store_catalog_cache.c): each
 * write through the store shows at the next list, a caller's copy is its
 * own, and a table received by synchronisation counts as a write. */
static void test_catalog_cached(void **state)
{
	struct fixture *f = *state;
	store_operator *ops;
	store_theme *themes;
	store_procedure *procs;
	size_t n, nall, nactive, nprocs;
	assert_int_equal(store_operator_list(f->s, f->a, 0, &ops, &nall), STORE_OK);
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &nactive), STORE_OK);
	assert_int_equal(store_procedure_list(f->s, f->a, 1, &procs, &nprocs), STORE_OK);
	assert_int_equal(store_theme_list(f->s, f->a, &themes, &n), STORE_OK);

	/* A caller may change its copy: the next one is as stored. */
	const char *first = ops[0].code;
	char *name = ops[0].name;
	name[0] = '#';
	ops[0].name = "changed";
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_int_equal(n, nactive);
	assert_string_equal(ops[0].code, first);
	assert_true(ops[0].name != name && ops[0].name[0] != '#');

	store_operator o = {.code = "caf_35", .name = "CAF 35", .active = 1, .sort = 1};
	assert_int_equal(store_operator_insert(f->s, &o), STORE_OK);
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_int_equal(n, nactive + 1);
	assert_string_equal(operator_name(ops, n, "caf_35"), "CAF 35");
	o.name = "CAF d'Ille-et-Vilaine";
	assert_int_equal(store_operator_update(f->s, &o), STORE_OK);
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_string_equal(operator_name(ops, n, "caf_35"), "CAF d'Ille-et-Vilaine");
	o.active = 0;
	assert_int_equal(store_operator_update(f->s, &o), STORE_OK);
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_int_equal(n, nactive);
	assert_null(operator_name(ops, n, "caf_35"));
	assert_int_equal(store_operator_list(f->s, f->a, 0, &ops, &n), STORE_OK);
	assert_int_equal(n, nall + 1);

	store_theme t = {.code = "logement", .label = "Logement et hébergement"};
	assert_int_equal(store_theme_update(f->s, &t), STORE_OK);
	assert_int_equal(store_theme_list(f->s, f->a, &themes, &n), STORE_OK);
	int seen = 0;
	for (size_t i = 0; i < n; i++)
		seen |= strcmp(themes[i].code, "logement") == 0 && strcmp(themes[i].label, t.label) == 0;
	assert_true(seen);

	store_procedure p = {.label = "Bourse de lycée", .theme_code = "famille_scolarite", .active = 1};
	int64_t id;
	assert_int_equal(store_procedure_insert(f->s, &p, &id), STORE_OK);
	assert_int_equal(store_procedure_list(f->s, f->a, 1, &procs, &n), STORE_OK);
	assert_int_equal(n, nprocs + 1);
	p.id = id;
	p.active = 0;
	assert_int_equal(store_procedure_update(f->s, &p), STORE_OK);
	assert_int_equal(store_procedure_list(f->s, f->a, 1, &procs, &n), STORE_OK);
	assert_int_equal(n, nprocs);

	/* An operator received from the centre. */
	store_sync_val v[] = {{.t = "mdph_35"}, {.t = "MDPH 35"}, {.i = 0}, {.i = 0}, {.i = 1}, {.i = 2}};
	store_sync_row row = {.v = v};
	assert_int_equal(store_sync_table_put(f->s, "operators", &row, 1), STORE_OK);
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_int_equal(n, nactive + 1);
	assert_string_equal(operator_name(ops, n, "mdph_35"), "MDPH 35");
}

/* Runs one statement behind the store's back. */
static void sql_behind(struct fixture *f, const char *sql)
{
	char err[256];
	db *d;
	assert_int_equal(db_open(&d, f->path, 1, err, sizeof err), DB_OK);
	db_conn *c = db_acquire(d);
	db_stmt *st = db_prepare(c, sql);
	assert_non_null(st);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	db_release(d, c);
	db_close(d);
}

static void assert_same_operator(const store_operator *x, const store_operator *y)
{
	assert_string_equal(x->code, y->code);
	assert_string_equal(x->name, y->name);
	assert_int_equal(x->national, y->national);
	assert_int_equal(x->deadline_days, y->deadline_days);
	assert_int_equal(x->active, y->active);
	assert_int_equal(x->sort, y->sort);
}

static void assert_same_procedure(const store_procedure *x, const store_procedure *y)
{
	assert_int_equal(x->id, y->id);
	assert_string_equal(x->label, y->label);
	assert_string_equal(x->theme_code, y->theme_code);
	assert_string_equal(x->operator_code, y->operator_code);
	assert_string_equal(x->url, y->url);
	assert_string_equal(x->documents, y->documents);
	assert_int_equal(x->active, y->active);
}

/* One operator or procedure taken from the kept lists (pages that show a
 * name): the same row as the database's, inactive ones too, whether the
 * list was kept before or not; none for an unknown key; an edit through
 * the store at the next call; an edit behind its back only once the list's
 * minute is over (so the row came from memory). */
static void test_catalog_get_kept(void **state)
{
	struct fixture *f = *state;
	store_operator o = {.code = "caf_35", .name = "CAF 35", .active = 0, .sort = 3, .deadline_days = 9};
	assert_int_equal(store_operator_insert(f->s, &o), STORE_OK);
	store_procedure np = {.label = "Bourse de lycée", .theme_code = "famille_scolarite", .active = 0};
	int64_t pid;
	assert_int_equal(store_procedure_insert(f->s, &np, &pid), STORE_OK);

	store_operator *ops;
	store_procedure *procs;
	size_t nops, nprocs;
	assert_int_equal(store_operator_list(f->s, f->a, 0, &ops, &nops), STORE_OK);
	assert_int_equal(store_procedure_list(f->s, f->a, 0, &procs, &nprocs), STORE_OK);
	assert_true(nops > 10 && nprocs > 10);
	/* Twice: the first call of each kind may find no list kept (the edits
	 * above left them behind), the second finds it. */
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < nops; i++) {
			store_operator want, got;
			assert_int_equal(store_operator_get(f->s, f->a, ops[i].code, &want), STORE_OK);
			assert_int_equal(store_operator_get_kept(f->s, f->a, ops[i].code, &got), STORE_OK);
			assert_same_operator(&got, &want);
		}
		for (size_t i = 0; i < nprocs; i++) {
			store_procedure want, got;
			assert_int_equal(store_procedure_get(f->s, f->a, procs[i].id, &want), STORE_OK);
			assert_int_equal(store_procedure_get_kept(f->s, f->a, procs[i].id, &got), STORE_OK);
			assert_same_procedure(&got, &want);
		}
		store_operator x;
		store_procedure y;
		assert_int_equal(store_operator_get_kept(f->s, f->a, "nope", &x), STORE_NOT_FOUND);
		assert_int_equal(store_operator_get_kept(f->s, f->a, "", &x), STORE_NOT_FOUND);
		assert_int_equal(store_procedure_get_kept(f->s, f->a, 999999, &y), STORE_NOT_FOUND);
		assert_int_equal(store_procedure_get_kept(f->s, f->a, 0, &y), STORE_NOT_FOUND);
	}

	/* A caller's copy is its own. */
	store_operator got;
	assert_int_equal(store_operator_get_kept(f->s, f->a, "caf_35", &got), STORE_OK);
	got.name[0] = '#';
	assert_int_equal(store_operator_get_kept(f->s, f->a, "caf_35", &got), STORE_OK);
	assert_string_equal(got.name, "CAF 35");

	o.name = "CAF d'Ille-et-Vilaine";
	assert_int_equal(store_operator_update(f->s, &o), STORE_OK);
	assert_int_equal(store_operator_get_kept(f->s, f->a, "caf_35", &got), STORE_OK);
	assert_string_equal(got.name, "CAF d'Ille-et-Vilaine");
	np.id = pid;
	np.label = "Bourse de lycée (demande)";
	assert_int_equal(store_procedure_update(f->s, &np), STORE_OK);
	store_procedure gp;
	assert_int_equal(store_procedure_get_kept(f->s, f->a, pid, &gp), STORE_OK);
	assert_string_equal(gp.label, "Bourse de lycée (demande)");

	/* Kept again after the procedure's edit (one generation for the whole
	 * catalog), then changed behind the store's back. */
	assert_int_equal(store_operator_get_kept(f->s, f->a, "caf_35", &got), STORE_OK);
	sql_behind(f, "UPDATE operators SET name = 'CAF de Rennes' WHERE code = 'caf_35'");
	assert_int_equal(store_operator_get_kept(f->s, f->a, "caf_35", &got), STORE_OK);
	assert_string_equal(got.name, "CAF d'Ille-et-Vilaine");
	assert_int_equal(store_operator_get(f->s, f->a, "caf_35", &got), STORE_OK);
	assert_string_equal(got.name, "CAF de Rennes");
}

/* The stamps of the form's three lists: none until each is kept, the same
 * while they are, others once a write made them be read again. The list of
 * every operator has its own. */
static void test_catalog_stamps(void **state)
{
	struct fixture *f = *state;
	static const store_catalog_list form[] = {STORE_LIST_OPERATORS_ACTIVE, STORE_LIST_THEMES,
	                                          STORE_LIST_PROCEDURES_ACTIVE};
	static const store_catalog_list every[] = {STORE_LIST_OPERATORS};
	uint64_t a[3], b[3], all[1], all2[1];
	store_operator *ops;
	store_theme *themes;
	store_procedure *procs;
	size_t n;
	assert_int_equal(store_catalog_stamps(f->s, form, 3, a), -1);
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_int_equal(store_theme_list(f->s, f->a, &themes, &n), STORE_OK);
	assert_int_equal(store_catalog_stamps(f->s, form, 3, a), -1); /* procedures not read yet */
	assert_true(a[0] != 0 && a[1] != 0 && a[2] == 0);
	assert_int_equal(store_procedure_list(f->s, f->a, 1, &procs, &n), STORE_OK);
	assert_int_equal(store_catalog_stamps(f->s, form, 3, a), 0);
	assert_true(a[0] != a[1] && a[1] != a[2] && a[0] != a[2] && a[2] != 0);
	assert_int_equal(store_procedure_list(f->s, f->a, 1, &procs, &n), STORE_OK); /* from memory */
	assert_int_equal(store_catalog_stamps(f->s, form, 3, b), 0);
	assert_memory_equal(a, b, sizeof a);
	/* Only the active operators were read: the whole list is not kept. */
	assert_int_equal(store_catalog_stamps(f->s, every, 1, all), -1);
	assert_int_equal(all[0], 0);
	assert_int_equal(store_operator_list(f->s, f->a, 0, &ops, &n), STORE_OK);
	assert_int_equal(store_catalog_stamps(f->s, every, 1, all), 0);
	assert_true(all[0] != 0 && all[0] != a[0] && all[0] != a[1] && all[0] != a[2]);

	store_theme t = {.code = "logement", .label = "Logement"};
	assert_int_equal(store_theme_update(f->s, &t), STORE_OK);
	assert_int_equal(store_catalog_stamps(f->s, form, 3, b), -1);
	assert_int_equal(store_catalog_stamps(f->s, every, 1, all2), -1);
	assert_int_equal(store_operator_list(f->s, f->a, 1, &ops, &n), STORE_OK);
	assert_int_equal(store_theme_list(f->s, f->a, &themes, &n), STORE_OK);
	assert_int_equal(store_procedure_list(f->s, f->a, 1, &procs, &n), STORE_OK);
	assert_int_equal(store_catalog_stamps(f->s, form, 3, b), 0);
	for (size_t i = 0; i < 3; i++)
		assert_true(b[i] != 0 && b[i] != a[0] && b[i] != a[1] && b[i] != a[2]);
	assert_int_equal(store_operator_list(f->s, f->a, 0, &ops, &n), STORE_OK);
	assert_int_equal(store_catalog_stamps(f->s, every, 1, all2), 0);
	assert_true(all2[0] != all[0]);
}

/* A small geography: two regions, three départements, four communes. */
static void load_small(struct fixture *f)
{
	store_geo_loader *g;
	assert_int_equal(store_geo_begin(f->s, &g), STORE_OK);
	assert_int_equal(store_geo_region(g, "53", "Bretagne"), STORE_OK);
	assert_int_equal(store_geo_region(g, "84", "Auvergne-Rhône-Alpes"), STORE_OK);
	assert_int_equal(store_geo_departement(g, "35", "Ille-et-Vilaine", "53"), STORE_OK);
	assert_int_equal(store_geo_departement(g, "42", "Loire", "84"), STORE_OK);
	assert_int_equal(store_geo_departement(g, "2A", "Corse-du-Sud", "94"), STORE_OK);
	const store_commune cs[] = {
	    {"35238", "Rennes", "35", "53", "35000 35200 35700", 225081},
	    {"35236", "Redon", "35", "53", "35600", 9300},
	    {"42218", "Saint-Étienne", "42", "84", "42000 42100", 173089},
	    {"35240", "Le Rheu", "35", "53", "35650", 9800},
	    {"35001", "L'Œuvre-d'Ÿves", "35", "53", "35000", 10},
	};
	for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++)
		assert_int_equal(store_geo_commune(g, &cs[i]), STORE_OK);
	assert_int_equal(store_geo_end(g, 1), STORE_OK);
}

static void test_geo(void **state)
{
	struct fixture *f = *state;
	int64_t n;
	assert_int_equal(store_commune_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 0);
	load_small(f);
	assert_int_equal(store_commune_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 5);

	store_commune c;
	assert_int_equal(store_commune_get(f->s, f->a, "42218", &c), STORE_OK);
	assert_string_equal(c.name, "Saint-Étienne");
	assert_string_equal(c.departement, "42");
	assert_string_equal(c.region, "84");
	assert_string_equal(c.postcodes, "42000 42100");
	assert_int_equal(c.population, 173089);
	assert_int_equal(store_commune_get(f->s, f->a, "99999", &c), STORE_NOT_FOUND);
	char *name;
	assert_int_equal(store_departement_name(f->s, f->a, "2A", &name), STORE_OK);
	assert_string_equal(name, "Corse-du-Sud");
	assert_int_equal(store_departement_name(f->s, f->a, "99", &name), STORE_NOT_FOUND);

	store_commune *r;
	size_t k;
	/* Accents, case, hyphens and apostrophes do not matter. */
	assert_int_equal(store_commune_search(f->s, f->a, "saint etienne", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 1);
	assert_string_equal(r[0].code, "42218");
	assert_int_equal(store_commune_search(f->s, f->a, "SAINT-ÉTI", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 1);
	assert_int_equal(store_commune_search(f->s, f->a, "l’oeuvre d", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 1);
	assert_string_equal(r[0].name, "L'Œuvre-d'Ÿves");
	assert_int_equal(store_commune_search(f->s, f->a, "l oeuvre d yves", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 1);
	/* A prefix: largest population first. */
	assert_int_equal(store_commune_search(f->s, f->a, "re", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 2);
	assert_string_equal(r[0].name, "Rennes");
	assert_string_equal(r[1].name, "Redon");
	assert_int_equal(store_commune_search(f->s, f->a, "re", 1, &r, &k), STORE_OK);
	assert_int_equal(k, 1);
	/* A postcode. */
	assert_int_equal(store_commune_search(f->s, f->a, "35000", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 2);
	assert_string_equal(r[0].code, "35238");
	assert_int_equal(store_commune_search(f->s, f->a, "35200", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 1);
	assert_int_equal(store_commune_search(f->s, f->a, "  ", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 0);
	assert_int_equal(store_commune_search(f->s, f->a, "zzz", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 0);
	assert_int_equal(store_commune_search(f->s, f->a, "%", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 0);
	char longq[600];
	memset(longq, 'a', sizeof longq - 1);
	longq[sizeof longq - 1] = '\0';
	assert_int_equal(store_commune_search(f->s, f->a, longq, 10, &r, &k), STORE_OK);
	assert_int_equal(k, 0);

	/* A load that fails or is abandoned leaves the previous geography. */
	store_geo_loader *g;
	assert_int_equal(store_geo_begin(f->s, &g), STORE_OK);
	store_commune one = {"75056", "Paris", "75", "11", "75001", 2000000};
	assert_int_equal(store_geo_commune(g, &one), STORE_OK);
	assert_int_equal(store_geo_commune(g, &one), STORE_CONFLICT);
	assert_int_equal(store_geo_end(g, 1), STORE_ERROR);
	assert_int_equal(store_commune_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 5);
	assert_int_equal(store_geo_begin(f->s, &g), STORE_OK);
	assert_int_equal(store_geo_commune(g, &one), STORE_OK);
	assert_int_equal(store_geo_end(g, 0), STORE_OK);
	assert_int_equal(store_commune_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 5);
	assert_int_equal(store_departement_name(f->s, f->a, "35", &name), STORE_OK);

	/* A new load replaces everything. */
	assert_int_equal(store_geo_begin(f->s, &g), STORE_OK);
	assert_int_equal(store_geo_departement(g, "75", "Paris", "11"), STORE_OK);
	assert_int_equal(store_geo_commune(g, &one), STORE_OK);
	assert_int_equal(store_geo_end(g, 1), STORE_OK);
	assert_int_equal(store_commune_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_departement_name(f->s, f->a, "35", &name), STORE_NOT_FOUND);
	assert_int_equal(store_commune_search(f->s, f->a, "35000", 10, &r, &k), STORE_OK);
	assert_int_equal(k, 0);
	assert_int_equal(store_geo_end(NULL, 1), STORE_ERROR);
	assert_int_equal(store_error_count(f->s), 0);
}

static void add_visit(struct fixture *f, int64_t site, const char *const *ops, const int64_t *procs, size_t n,
                      int64_t *id)
{
	store_demand d[4];
	memset(d, 0, sizeof d);
	for (size_t i = 0; i < n; i++) {
		d[i].operator_code = (char *)ops[i];
		d[i].theme_code = "social_sante";
		d[i].procedure_id = procs[i];
		d[i].level = "information";
		d[i].outcome = "resolu";
	}
	store_visit v = {
	    .site_id = site, .started_at = 1700000000, .channel = "telephone", .demands = d, .ndemands = n};
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	if (id)
		*id = v.id;
}

static void test_frequent(void **state)
{
	struct fixture *f = *state;
	int64_t since = now_s() - 60, deleted;
	const char *const a[] = {"cnaf", "cnaf", "dgfip"}, *const b[] = {"dgfip", "ants"},
	                  *const c[] = {"ants"}, *const d[] = {"cnam", "cnam", "cnam"};
	const int64_t pa[] = {5, 6, 0}, pb[] = {13, 1}, pc[] = {1}, pd[] = {9, 9, 9};
	add_visit(f, f->site1, a, pa, 3, NULL);
	add_visit(f, f->site1, b, pb, 2, NULL);
	add_visit(f, f->site1, c, pc, 1, NULL);
	add_visit(f, f->site1, d, pd, 3, &deleted);
	add_visit(f, f->site2, d, pd, 3, NULL);
	assert_int_equal(store_visit_delete(f->s, deleted, 0), STORE_OK);

	char **codes;
	size_t n;
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site1, since, 10, &codes, &n), STORE_OK);
	assert_int_equal(n, 3);                /* cnam only in a deleted visit and at the other site */
	assert_string_equal(codes[0], "ants"); /* 2, ties by code */
	assert_string_equal(codes[1], "cnaf");
	assert_string_equal(codes[2], "dgfip");
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site1, since, 1, &codes, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site1, now_s() + 3600, 10, &codes, &n),
	                 STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site2, since, 10, &codes, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(codes[0], "cnam");

	int64_t *ids;
	assert_int_equal(store_frequent_procedures(f->s, f->a, f->site1, since, 10, &ids, &n), STORE_OK);
	assert_int_equal(n, 4); /* free text (0) does not count */
	assert_int_equal(ids[0], 1);
	assert_int_equal(store_error_count(f->s), 0);
}

/* The answers are kept in memory per site: every write to the site's
 * visits through the store shows at the next question. */
static void test_frequent_cached(void **state)
{
	struct fixture *f = *state;
	int64_t since = now_s() - 60, id;
	const char *const a[] = {"cnaf"}, *const b[] = {"dgfip", "dgfip"};
	const int64_t pa[] = {5}, pb[] = {13, 13};
	char **codes;
	int64_t *ids;
	size_t n;
	add_visit(f, f->site1, a, pa, 1, NULL);
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site1, since, 10, &codes, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_frequent_procedures(f->s, f->a, f->site1, since, 10, &ids, &n), STORE_OK);
	assert_int_equal(n, 1);
	/* The same question again: the same answer, from memory. */
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site1, since, 10, &codes, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(codes[0], "cnaf");

	/* A new visit. */
	add_visit(f, f->site1, b, pb, 2, &id);
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site1, since, 10, &codes, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(codes[0], "dgfip");
	assert_int_equal(store_frequent_procedures(f->s, f->a, f->site1, since, 10, &ids, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 13);

	/* A correction of it. */
	store_visit v;
	assert_int_equal(store_visit_get(f->s, f->a, id, &v), STORE_OK);
	v.ndemands = 1;
	v.demands[0].operator_code = "ants";
	assert_int_equal(store_visit_update(f->s, &v), STORE_OK);
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site1, since, 10, &codes, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(codes[0], "ants");
	assert_string_equal(codes[1], "cnaf");

	/* Its deletion. */
	assert_int_equal(store_visit_delete(f->s, id, 0), STORE_OK);
	assert_int_equal(store_frequent_operators(f->s, f->a, f->site1, since, 10, &codes, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(codes[0], "cnaf");
	assert_int_equal(store_frequent_procedures(f->s, f->a, f->site1, since, 10, &ids, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 5);
	assert_int_equal(store_error_count(f->s), 0);
}

/* guichet geo on tiny files shaped like the package's. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static const char regions_json[] =
    "[{\"code\":\"53\",\"nom\":\"Bretagne\"},{\"code\":\"84\",\"nom\":\"Auvergne-"
    "Rhône-Alpes\"}]";
static const char deps_json[] = "[{\"code\":\"35\",\"region\":\"53\",\"nom\":\"Ille-et-Vilaine\"},"
                                "{\"code\":\"2A\",\"region\":\"94\",\"nom\":\"Corse-du-Sud\"}]";
static const char communes_json[] =
    "[{\"code\":\"35238\",\"nom\":\"Rennes\",\"type\":\"commune-actuelle\",\"departement\":\"35\","
    "\"region\":\"53\",\"codesPostaux\":[\"35000\",\"35200\",\"35700\"],\"population\":225081},"
    "{\"code\":\"35001\",\"nom\":\"Ancienne\",\"type\":\"commune-deleguee\",\"chefLieu\":\"35238\","
    "\"departement\":\"35\",\"region\":\"53\"},"
    "{\"code\":\"98411\",\"nom\":\"Îles Saint-Paul et Nouvelle-Amsterdam\",\"type\":\"commune-actuelle\","
    "\"departement\":\"984\",\"region\":\"984\"}]";

/* Runs guichet geo with its output thrown away. */
static int geo(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5)
{
	char *argv[8] = {"geo", (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, NULL};
	int argc = 1;
	while (argv[argc])
		argc++;
	fflush(stdout);
	int saved = dup(1), null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	int rc = cli_geo(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);
	return rc;
}

static void test_cli_geo(void **state)
{
	struct fixture *f = *state;
	char pkg[160], data[192], bad[192];
	snprintf(pkg, sizeof pkg, "%s/pkg", f->dir);
	snprintf(data, sizeof data, "%s/data", pkg);
	snprintf(bad, sizeof bad, "%s/bad", f->dir);
	assert_int_equal(mkdir(pkg, 0700), 0);
	assert_int_equal(mkdir(data, 0700), 0);
	assert_int_equal(mkdir(bad, 0700), 0);
	write_file(pkg, "package.json",
	           "{\"name\":\"@etalab/decoupage-administratif\",\"version\":\"9.9.9\"}");
	write_file(data, "regions.json", regions_json);
	write_file(data, "departements.json", deps_json);
	write_file(data, "communes.json", communes_json);

	assert_int_equal(geo("load", "--db", f->path, "--dir", data), CLI_OK);
	int64_t n;
	assert_int_equal(store_commune_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 2); /* the delegated commune is left out */
	char *v;
	assert_int_equal(store_setting_get(f->s, f->a, "geo_version", &v), STORE_OK);
	assert_string_equal(v, "9.9.9");
	store_commune c;
	assert_int_equal(store_commune_get(f->s, f->a, "35238", &c), STORE_OK);
	assert_string_equal(c.postcodes, "35000 35200 35700");
	assert_int_equal(c.population, 225081);
	assert_int_equal(store_commune_get(f->s, f->a, "98411", &c), STORE_OK);
	assert_int_equal(c.population, 0);
	char *dep;
	assert_int_equal(store_departement_name(f->s, f->a, "2A", &dep), STORE_OK);
	assert_int_equal(geo("search", "--db", f->path, "ren", NULL), CLI_OK);
	assert_int_equal(geo("search", "35000", "--db", f->path, NULL), CLI_OK);
	assert_int_equal(geo("search", "--db", f->path, NULL, NULL), CLI_USAGE);

	/* Every bad file stops the load and changes nothing. */
	static const char *const bad_communes[] = {
	    "[{\"code\":\"35238\",\"type\":\"commune-actuelle\",\"departement\":\"35\",\"region\":\"53\"}]",
	    "[{\"code\":\"3523\\u0000\",\"nom\":\"X\",\"type\":\"commune-actuelle\",\"departement\":\"35\","
	    "\"region\":\"53\"}]",
	    "[{\"code\":\"35238\",\"nom\":\"X\",\"type\":\"commune-actuelle\",\"departement\":\"35\","
	    "\"region\":\"53\",\"codesPostaux\":[\"3500\"]}]",
	    "[{\"code\":\"35238\",\"nom\":\"X\",\"type\":\"commune-actuelle\",\"departement\":\"35\","
	    "\"region\":\"53\",\"population\":\"many\"}]",
	    "[{\"code\":\"35238\",\"nom\":\"X\",\"type\":\"commune-actuelle\",\"departement\":\"35\","
	    "\"region\":\"53\"},"
	    "{\"code\":\"35238\",\"nom\":\"Y\",\"type\":\"commune-actuelle\",\"departement\":\"35\","
	    "\"region\":\"53\"}]",
	    "[{\"code\":\"35001\",\"nom\":\"Ancienne\",\"type\":\"commune-deleguee\"}]",
	    "[{\"code\":\"35238\",\"nom\":\"X\"",
	    "{\"code\":\"35238\"}",
	    "[]",
	    "[1, 2]",
	};
	write_file(bad, "regions.json", regions_json);
	write_file(bad, "departements.json", deps_json);
	for (size_t i = 0; i < sizeof bad_communes / sizeof bad_communes[0]; i++) {
		write_file(bad, "communes.json", bad_communes[i]);
		assert_int_equal(geo("load", "--db", f->path, "--dir", bad), CLI_FAIL);
		assert_int_equal(store_commune_count(f->s, &n), STORE_OK);
		assert_int_equal(n, 2);
	}
	write_file(bad, "communes.json", communes_json);
	write_file(bad, "departements.json", "[{\"code\":\"35\",\"nom\":\"Ille-et-Vilaine\"}]");
	assert_int_equal(geo("load", "--db", f->path, "--dir", bad), CLI_FAIL);
	write_file(bad, "departements.json", deps_json);
	write_file(bad, "regions.json", "[{\"code\":\"53\",\"nom\":\"\"}]");
	assert_int_equal(geo("load", "--db", f->path, "--dir", bad), CLI_FAIL);
	assert_int_equal(store_departement_name(f->s, f->a, "2A", &dep), STORE_OK);
	assert_int_equal(store_commune_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_setting_get(f->s, f->a, "geo_version", &v), STORE_OK);
	assert_string_equal(v, "9.9.9");

	/* Without the package's package.json the vintage is "unknown". */
	write_file(bad, "regions.json", regions_json);
	assert_int_equal(geo("load", "--db", f->path, "--dir", bad), CLI_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "geo_version", &v), STORE_OK);
	assert_string_equal(v, "unknown");

	char missing[200];
	snprintf(missing, sizeof missing, "%s/none", f->dir);
	assert_int_equal(geo("load", "--db", f->path, "--dir", missing), CLI_FAIL);
	assert_int_equal(geo("load", "--db", missing, "--dir", data), CLI_FAIL);
	assert_int_equal(geo(NULL, NULL, NULL, NULL, NULL), CLI_USAGE);
	assert_int_equal(geo("unload", NULL, NULL, NULL, NULL), CLI_USAGE);
	assert_int_equal(geo("--help", NULL, NULL, NULL, NULL), CLI_OK);

	static const char *const files[] = {"pkg/data/regions.json",  "pkg/data/departements.json",
	                                    "pkg/data/communes.json", "pkg/package.json",
	                                    "bad/regions.json",       "bad/departements.json",
	                                    "bad/communes.json"};
	char p[256];
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	rmdir(data);
	rmdir(pkg);
	rmdir(bad);
}

/* Themes keep their 11 codes and change labels; topics gain local codes,
 * are deactivated and leave the active list (the workshop form). */
static void test_edit_themes_topics(void **state)
{
	struct fixture *f = *state;
	store_theme t;
	assert_int_equal(store_theme_get(f->s, f->a, "logement", &t), STORE_OK);
	assert_string_equal(t.code, "logement");
	assert_string_equal(t.label, "Logement");
	t.label = "Logement et hébergement";
	assert_int_equal(store_theme_update(f->s, &t), STORE_OK);
	assert_int_equal(store_theme_get(f->s, f->a, "logement", &t), STORE_OK);
	assert_string_equal(t.label, "Logement et hébergement");
	store_theme ghost = {.code = "cuisine", .label = "Cuisine"};
	assert_int_equal(store_theme_get(f->s, f->a, "cuisine", &t), STORE_NOT_FOUND);
	assert_int_equal(store_theme_update(f->s, &ghost), STORE_NOT_FOUND);
	store_theme *themes;
	size_t n;
	assert_int_equal(store_theme_list(f->s, f->a, &themes, &n), STORE_OK);
	assert_int_equal(n, 11);

	store_topic k;
	assert_int_equal(store_topic_get(f->s, f->a, "diagnostic_numerique", &k), STORE_OK);
	assert_int_equal(k.active, 1);
	assert_int_equal(store_topic_get(f->s, f->a, "jeux_video", &k), STORE_NOT_FOUND);
	store_topic nt = {.code = "jeux_video", .label = "Jeux vidéo et parentalité"};
	assert_int_equal(store_topic_insert(f->s, &nt), STORE_OK);
	assert_int_equal(store_topic_insert(f->s, &nt), STORE_CONFLICT);
	assert_int_equal(store_topic_get(f->s, f->a, "jeux_video", &k), STORE_OK);
	assert_string_equal(k.label, "Jeux vidéo et parentalité");
	assert_int_equal(k.active, 1);
	store_topic *topics;
	/* A new topic comes after the seeded ones. */
	assert_int_equal(store_topic_list(f->s, f->a, 1, &topics, &n), STORE_OK);
	assert_int_equal(n, 20);
	assert_string_equal(topics[19].code, "jeux_video");

	k.label = "Jeux vidéo";
	k.active = 0;
	assert_int_equal(store_topic_update(f->s, &k), STORE_OK);
	assert_int_equal(store_topic_get(f->s, f->a, "jeux_video", &k), STORE_OK);
	assert_string_equal(k.label, "Jeux vidéo");
	assert_int_equal(k.active, 0);
	assert_int_equal(store_topic_list(f->s, f->a, 1, &topics, &n), STORE_OK);
	assert_int_equal(n, 19);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(topics[i].active, 1);
	assert_int_equal(store_topic_list(f->s, f->a, 0, &topics, &n), STORE_OK);
	assert_int_equal(n, 20);
	store_topic nowhere = {.code = "nulle_part", .label = "Nulle part", .active = 1};
	assert_int_equal(store_topic_update(f->s, &nowhere), STORE_NOT_FOUND);
	assert_int_equal(store_topic_get(f->s, f->a, "nulle_part", &k), STORE_NOT_FOUND);
	assert_int_equal(store_error_count(f->s), 0);
}

/* The rules of catalog.c for the labels and the codes of new topics. */
static void test_validate_themes_topics(void **state)
{
	(void)state;
	char long_label[LIMIT_NAME_BYTES + 2];
	memset(long_label, 'a', sizeof long_label - 1);
	long_label[sizeof long_label - 1] = '\0';
	static const struct {
		const char *code, *label, *field;
	} cases[] = {
	    {"jeux_video", "  Jeux vidéo  ", NULL},
	    {"ab", "Deux lettres", NULL},
	    {"", "Sans code", "code"},
	    {"x", "Trop court", "code"},
	    {"Jeux", "Majuscule", "code"},
	    {"jeux vidéo", "Espace et accent", "code"},
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "33 caractères", "code"},
	    {"sans_label", "   ", "label"},
	    {"controle", "Tab\tulation", "label"},
	    {"utf8", "\xc3\x28", "label"},
	    {"trop_long", NULL, "label"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char code[64], label[LIMIT_NAME_BYTES + 2];
		snprintf(code, sizeof code, "%s", cases[i].code);
		snprintf(label, sizeof label, "%s", cases[i].label ? cases[i].label : long_label);
		store_topic t = {.code = code, .label = label};
		field_errors e = {0};
		unit_check_case(i, catalog_topic_validate(&t, 1, &e), &e, cases[i].field, NULL);
		/* The theme's rule is the topic's, without the code. */
		store_theme th = {.code = code, .label = label};
		field_errors te = {0};
		int rc = catalog_theme_validate(&th, &te);
		int label_bad = cases[i].field && strcmp(cases[i].field, "label") == 0;
		assert_int_equal(rc, label_bad ? -1 : 0);
	}
	char code[] = "jeux_video", label[] = "  Jeux vidéo  ", upper[] = "X";
	store_topic t = {.code = code, .label = label};
	field_errors e = {0};
	assert_int_equal(catalog_topic_validate(&t, 1, &e), 0);
	assert_string_equal(t.label, "Jeux vidéo");
	/* An existing topic's code is not checked again. */
	t.code = upper;
	assert_int_equal(catalog_topic_validate(&t, 0, &e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_seed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_edit_catalog, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalog_cached, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalog_get_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalog_stamps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_edit_themes_topics, setup, teardown),
	    cmocka_unit_test(test_validate_themes_topics),
	    cmocka_unit_test_setup_teardown(test_geo, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frequent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_frequent_cached, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cli_geo, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
