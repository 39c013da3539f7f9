/*
 * test_store.c: the store on a real database: migrations, every store
 * function with its not-found and conflict answers, rollbacks, and several
 * threads at once. Each test gets a fresh database from unit_db_url: a
 * SQLite file in a temporary directory, or a new PostgreSQL database when
 * GUICHET_TEST_PG_URL is set (scripts/check-pg). test_driver checks the
 * SQLite driver itself; test_db_pg.c does the same for PostgreSQL.
 */
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "util/embedded.h"
#include "store/store.h"

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
};

static int count_migrations(void)
{
	int n = 0;
	for (size_t i = 0; i < embedded_count; i++)
		if (strncmp(embedded_files[i].name, "sql/", 4) == 0)
			n++;
	return n;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-store-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(1 << 20);
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

static void test_migrate_twice(void **state)
{
	struct fixture *f = *state;
	char path[1024], err[256];
	assert_int_equal(unit_db_path(f->dir, path, sizeof path), 0);
	/* A PostgreSQL database exists as soon as it is created. */
	assert_int_equal(store_exists(path), unit_db_is_pg());
	store *s;
	assert_int_equal(store_open(&s, path, 2, err, sizeof err), STORE_OK);
	assert_true(store_exists(path));
	assert_int_equal(store_schema_version(s), 0);
	int applied = -1;
	assert_int_equal(store_migrate(s, &applied, err, sizeof err), STORE_OK);
	assert_int_equal(applied, count_migrations());
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_true(store_schema_latest() >= 1);
	store_close(s);

	assert_int_equal(store_open(&s, path, 1, err, sizeof err), STORE_OK);
	assert_int_equal(store_migrate(s, &applied, err, sizeof err), STORE_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_string_equal(store_kind_name(s), unit_db_is_pg() ? "postgresql" : "sqlite");
	assert_int_equal(store_error_count(s), 0);
	store_close(s);
}

static void test_open_errors(void **state)
{
	(void)state;
	char err[256];
	store *s = (store *)1;
	/* PostgreSQL URLs go to libpq: here to a server that is not there. */
	assert_int_equal(store_open(&s, "postgres:///guichet?host=/nonexistent-dir", 1, err, sizeof err),
	                 STORE_ERROR);
	assert_null(s);
	assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
	assert_int_equal(store_open(&s, "host=/nonexistent-dir dbname=guichet", 1, err, sizeof err),
	                 STORE_ERROR);
	assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
	assert_int_equal(store_open(&s, "", 1, err, sizeof err), STORE_ERROR);
	assert_int_equal(store_open(&s, "sqlite:", 1, err, sizeof err), STORE_ERROR);
	assert_int_equal(store_open(&s, "/nonexistent-dir/x/t.db", 1, err, sizeof err), STORE_ERROR);
	assert_non_null(strstr(err, "cannot open"));
	/* sqlite: and sqlite:// prefixes, and :memory: which keeps one connection. */
	assert_int_equal(store_open(&s, "sqlite::memory:", 8, err, sizeof err), STORE_OK);
	int applied;
	assert_int_equal(store_migrate(s, &applied, err, sizeof err), STORE_OK);
	store_close(s);
	assert_int_equal(store_open(&s, "sqlite://:memory:", 1, err, sizeof err), STORE_OK);
	store_close(s);
}

static void test_settings(void **state)
{
	struct fixture *f = *state;
	char *v;
	assert_int_equal(store_setting_get(f->s, f->a, "secret_key", &v), STORE_NOT_FOUND);
	assert_null(v);
	assert_int_equal(store_setting_put(f->s, "secret_key", "abc"), STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "secret_key", &v), STORE_OK);
	assert_string_equal(v, "abc");
	assert_int_equal(store_setting_put(f->s, "secret_key", "def"), STORE_OK);
	assert_int_equal(store_setting_get(f->s, f->a, "secret_key", &v), STORE_OK);
	assert_string_equal(v, "def");
}

static int64_t add_site(store *s, const char *name, const char *dep)
{
	store_site site = {.name = (char *)name,
	                   .type = "mairie",
	                   .commune_insee = "",
	                   .departement = (char *)dep,
	                   .languages = "fr,ar",
	                   .accessibility = "pmr"};
	int64_t id = 0;
	assert_int_equal(store_site_insert(s, &site, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static void test_sites(void **state)
{
	struct fixture *f = *state;
	int64_t n;
	assert_int_equal(store_site_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 0);
	store_site site = {.name = "France Services de Rennes",
	                   .type = "france_services",
	                   .commune_insee = "35238",
	                   .departement = "35",
	                   .address = "1 place de la Mairie\n35000 RENNES",
	                   .opening_hours = "lundi 9 h - 12 h",
	                   .languages = "fr,en",
	                   .accessibility = "pmr,lsf",
	                   .accessibility_note = "Rampe côté cour"};
	int64_t id;
	assert_int_equal(store_site_insert(f->s, &site, &id), STORE_OK);
	store_site got;
	assert_int_equal(store_site_get(f->s, f->a, id, &got), STORE_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.name, site.name);
	assert_string_equal(got.type, "france_services");
	assert_string_equal(got.commune_insee, "35238");
	assert_string_equal(got.departement, "35");
	assert_string_equal(got.address, site.address);
	assert_string_equal(got.opening_hours, site.opening_hours);
	assert_string_equal(got.languages, "fr,en");
	assert_string_equal(got.accessibility, "pmr,lsf");
	assert_string_equal(got.accessibility_note, "Rampe côté cour");
	assert_true(got.created_at > 0 && got.updated_at >= got.created_at);

	got.name = "Maison France Services";
	got.address = NULL; /* NULL stores "" */
	assert_int_equal(store_site_update(f->s, &got), STORE_OK);
	assert_int_equal(store_site_get(f->s, f->a, id, &got), STORE_OK);
	assert_string_equal(got.name, "Maison France Services");
	assert_string_equal(got.address, "");

	assert_int_equal(store_site_get(f->s, f->a, id + 100, &got), STORE_NOT_FOUND);
	got.id = id + 100;
	assert_int_equal(store_site_update(f->s, &got), STORE_NOT_FOUND);

	/* The engine refuses a type the domain would have refused first. */
	site.type = "bus";
	assert_int_equal(store_site_insert(f->s, &site, &id), STORE_CONFLICT);

	add_site(f->s, "Bibliothèque", "29");
	add_site(f->s, "Accueil", "35");
	store_site *list;
	size_t count;
	assert_int_equal(store_site_list(f->s, f->a, NULL, &list, &count), STORE_OK);
	assert_int_equal(count, 3);
	assert_string_equal(list[0].name, "Accueil");
	assert_string_equal(list[1].name, "Bibliothèque");
	assert_string_equal(list[2].name, "Maison France Services");
	assert_int_equal(store_site_list(f->s, f->a, "35", &list, &count), STORE_OK);
	assert_int_equal(count, 2);
	assert_int_equal(store_site_list(f->s, f->a, "75", &list, &count), STORE_OK);
	assert_int_equal(count, 0);
	assert_null(list);
	assert_int_equal(store_site_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_error_count(f->s), 0);
}

static int64_t add_user(store *s, const char *email, const char *role, int64_t *sites, size_t nsites)
{
	store_user u = {.email = (char *)email,
	                .name = "Camille Martin",
	                .role = (char *)role,
	                .password_hash = "$argon2id$fake",
	                .active = 1,
	                .site_ids = sites,
	                .nsites = nsites};
	int64_t id = 0;
	assert_int_equal(store_user_insert(s, &u, &id), STORE_OK);
	return id;
}

static void test_users(void **state)
{
	struct fixture *f = *state;
	int64_t s1 = add_site(f->s, "Un", "35"), s2 = add_site(f->s, "Deux", "35");
	int64_t sites[] = {s2, s1, s2};
	int64_t id = add_user(f->s, "Camille.Martin@Example.FR", "agent", sites, 3);
	store_user u;
	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	assert_string_equal(u.email, "camille.martin@example.fr");
	assert_string_equal(u.name, "Camille Martin");
	assert_string_equal(u.role, "agent");
	assert_string_equal(u.departement, "");
	assert_string_equal(u.password_hash, "$argon2id$fake");
	assert_true(u.active);
	assert_true(u.created_at > 0);
	assert_int_equal(u.nsites, 2);
	assert_int_equal(u.site_ids[0], s1 < s2 ? s1 : s2);
	assert_int_equal(u.site_ids[1], s1 < s2 ? s2 : s1);

	assert_int_equal(store_user_by_email(f->s, f->a, "CAMILLE.martin@example.fr", &u), STORE_OK);
	assert_int_equal(u.id, id);
	assert_int_equal(u.nsites, 2);
	assert_int_equal(store_user_by_email(f->s, f->a, "nobody@example.fr", &u), STORE_NOT_FOUND);
	assert_int_equal(store_user_get(f->s, f->a, id + 50, &u), STORE_NOT_FOUND);

	/* Duplicate e-mail, in another case: conflict, and nothing written. */
	store_user dup = {.email = "camille.MARTIN@example.fr", .name = "X", .role = "admin", .active = 1};
	int64_t n;
	assert_int_equal(store_user_insert(f->s, &dup, NULL), STORE_CONFLICT);
	assert_int_equal(store_user_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 1);

	/* A missing site: not found, and the user row is rolled back. */
	int64_t bad[] = {s1, 9999};
	store_user ghost = {.email = "ghost@example.fr",
	                    .name = "G",
	                    .role = "agent",
	                    .active = 1,
	                    .site_ids = bad,
	                    .nsites = 2};
	assert_int_equal(store_user_insert(f->s, &ghost, NULL), STORE_NOT_FOUND);
	assert_int_equal(store_user_by_email(f->s, f->a, "ghost@example.fr", &u), STORE_NOT_FOUND);
	assert_int_equal(store_user_count(f->s, &n), STORE_OK);
	assert_int_equal(n, 1);

	/* Update replaces the sites. */
	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	int64_t only[] = {s2};
	u.name = "Camille Durand";
	u.role = "manager";
	u.site_ids = only;
	u.nsites = 1;
	assert_int_equal(store_user_update(f->s, &u), STORE_OK);
	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	assert_string_equal(u.name, "Camille Durand");
	assert_string_equal(u.role, "manager");
	assert_int_equal(u.nsites, 1);
	assert_int_equal(u.site_ids[0], s2);

	/* The e-mail and, when given, the password change with the rest; a
	 * NULL password_hash leaves the stored one alone. */
	const char *old_hash = u.password_hash;
	u.email = "Camille.Nouvelle@Example.FR";
	u.password_hash = NULL;
	assert_int_equal(store_user_update(f->s, &u), STORE_OK);
	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	assert_string_equal(u.email, "camille.nouvelle@example.fr");
	assert_string_equal(u.password_hash, old_hash);
	u.password_hash = "$argon2id$replaced";
	assert_int_equal(store_user_update(f->s, &u), STORE_OK);
	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	assert_string_equal(u.password_hash, "$argon2id$replaced");
	assert_int_equal(u.nsites, 1);

	/* An update that fails half-way leaves everything as it was, the
	 * password included. */
	store_user broken = u;
	broken.password_hash = "$argon2id$never-stored";
	broken.name = "Changed";
	broken.site_ids = bad;
	broken.nsites = 2;
	assert_int_equal(store_user_update(f->s, &broken), STORE_NOT_FOUND);
	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	assert_string_equal(u.name, "Camille Durand");
	assert_int_equal(u.nsites, 1);
	assert_int_equal(u.site_ids[0], s2);
	assert_string_equal(u.password_hash, "$argon2id$replaced");

	broken.id = id + 50;
	broken.site_ids = NULL;
	broken.nsites = 0;
	assert_int_equal(store_user_update(f->s, &broken), STORE_NOT_FOUND);

	assert_int_equal(store_user_set_password(f->s, id, "$argon2id$new"), STORE_OK);
	assert_int_equal(store_user_get(f->s, f->a, id, &u), STORE_OK);
	assert_string_equal(u.password_hash, "$argon2id$new");
	assert_int_equal(store_user_set_password(f->s, id + 50, "x"), STORE_NOT_FOUND);

	/* Lists: by name, with sites; filtered by site. */
	int64_t other = add_user(f->s, "alice@example.fr", "agent", (int64_t[]){s1}, 1);
	int64_t admin = add_user(f->s, "root@example.fr", "admin", NULL, 0);
	store_user *list;
	size_t count;
	assert_int_equal(store_user_list(f->s, f->a, 0, &list, &count), STORE_OK);
	assert_int_equal(count, 3);
	int seen = 0;
	for (size_t i = 0; i < count; i++) {
		if (list[i].id == other) {
			assert_int_equal(list[i].nsites, 1);
			assert_int_equal(list[i].site_ids[0], s1);
			seen++;
		} else if (list[i].id == admin) {
			assert_int_equal(list[i].nsites, 0);
			seen++;
		} else {
			assert_int_equal(list[i].id, id);
			assert_int_equal(list[i].nsites, 1);
			seen++;
		}
	}
	assert_int_equal(seen, 3);
	assert_string_equal(list[0].name, "Camille Durand"); /* before "Camille Martin" twice */
	assert_int_equal(store_user_list(f->s, f->a, s1, &list, &count), STORE_OK);
	assert_int_equal(count, 1);
	assert_int_equal(list[0].id, other);
	/* A site's names: the same accounts as its list, in the same order,
	 * a disabled one too. */
	int64_t third = add_user(f->s, "bruno@example.fr", "manager", (int64_t[]){s1, s2}, 2);
	store_user b;
	assert_int_equal(store_user_get(f->s, f->a, third, &b), STORE_OK);
	b.active = 0;
	b.password_hash = NULL;
	assert_int_equal(store_user_update(f->s, &b), STORE_OK);
	const int64_t each[] = {s1, s2, s2 + 100};
	for (size_t k = 0; k < 3; k++) {
		store_user_name *names;
		size_t nn;
		assert_int_equal(store_user_list(f->s, f->a, each[k], &list, &count), STORE_OK);
		assert_int_equal(store_site_user_names(f->s, f->a, each[k], &names, &nn), STORE_OK);
		assert_int_equal(nn, count);
		assert_int_equal(nn, k == 2 ? 0 : 2);
		for (size_t i = 0; i < nn; i++) {
			assert_int_equal(names[i].id, list[i].id);
			assert_string_equal(names[i].name, list[i].name);
		}
	}
	assert_int_equal(store_user_count(f->s, &n), STORE_OK);
	n--; /* bruno */
	assert_int_equal(n, 3);
	assert_int_equal(store_error_count(f->s), 0);
}

/* The session and its account read together: the same account as
 * store_user_get, every site once and in order, none for an account without
 * sites, nothing for an unknown session, and a change of the account seen at
 * once. */
static void test_session_user(void **state)
{
	struct fixture *f = *state;
	int64_t s1 = add_site(f->s, "Un", "35"), s2 = add_site(f->s, "Deux", "35");
	int64_t sites[] = {s2, s1};
	int64_t agent = add_user(f->s, "agent@example.fr", "agent", sites, 2);
	int64_t admin = add_user(f->s, "admin@example.fr", "admin", NULL, 0);
	assert_int_equal(store_session_insert(f->s, "ha", agent, "csrf-a", 1000), STORE_OK);
	assert_int_equal(store_session_insert(f->s, "hb", admin, "csrf-b", 2000), STORE_OK);
	assert_int_equal(store_session_touch(f->s, "hb", 2500), STORE_OK);

	store_session ss;
	store_user u, alone;
	assert_int_equal(store_session_user_get(f->s, f->a, "ha", &ss, &u), STORE_OK);
	assert_int_equal(ss.user_id, agent);
	assert_int_equal(ss.created_at, 1000);
	assert_int_equal(ss.last_seen, 1000);
	assert_string_equal(ss.csrf_key, "csrf-a");
	assert_int_equal(store_user_get(f->s, f->a, agent, &alone), STORE_OK);
	assert_int_equal(u.id, alone.id);
	assert_string_equal(u.email, alone.email);
	assert_string_equal(u.name, alone.name);
	assert_string_equal(u.role, "agent");
	assert_string_equal(u.password_hash, alone.password_hash);
	assert_int_equal(u.active, 1);
	assert_int_equal(u.created_at, alone.created_at);
	assert_int_equal(u.nsites, 2);
	assert_int_equal(u.site_ids[0], s1 < s2 ? s1 : s2);
	assert_int_equal(u.site_ids[1], s1 < s2 ? s2 : s1);

	assert_int_equal(store_session_user_get(f->s, f->a, "hb", &ss, &u), STORE_OK);
	assert_int_equal(ss.user_id, admin);
	assert_int_equal(ss.last_seen, 2500);
	assert_string_equal(u.role, "admin");
	assert_int_equal(u.nsites, 0);
	assert_null(u.site_ids);

	assert_int_equal(store_session_user_get(f->s, f->a, "nope", &ss, &u), STORE_NOT_FOUND);
	assert_int_equal(u.id, 0);

	/* A change of the account shows in the next read. */
	assert_int_equal(store_user_get(f->s, f->a, agent, &alone), STORE_OK);
	alone.active = 0;
	alone.site_ids = &s1;
	alone.nsites = 1;
	assert_int_equal(store_user_update(f->s, &alone), STORE_OK);
	assert_int_equal(store_session_user_get(f->s, f->a, "ha", &ss, &u), STORE_NOT_FOUND);
	assert_int_equal(store_session_insert(f->s, "hc", agent, "csrf-c", 3000), STORE_OK);
	assert_int_equal(store_session_user_get(f->s, f->a, "hc", &ss, &u), STORE_OK);
	assert_int_equal(u.active, 0);
	assert_int_equal(u.nsites, 1);
	assert_int_equal(u.site_ids[0], s1);
	assert_int_equal(store_error_count(f->s), 0);
}

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	int64_t uid = add_user(f->s, "s@example.fr", "admin", NULL, 0);
	store_session ss;
	assert_int_equal(store_session_insert(f->s, "h1", uid, "csrf1", 1000), STORE_OK);
	assert_int_equal(store_session_insert(f->s, "h1", uid, "csrf1", 1000), STORE_CONFLICT);
	assert_int_equal(store_session_insert(f->s, "h9", uid + 99, "c", 1000), STORE_CONFLICT);
	assert_int_equal(store_session_get(f->s, f->a, "h1", &ss), STORE_OK);
	assert_int_equal(ss.user_id, uid);
	assert_int_equal(ss.created_at, 1000);
	assert_int_equal(ss.last_seen, 1000);
	assert_string_equal(ss.csrf_key, "csrf1");
	assert_int_equal(store_session_touch(f->s, "h1", 1500), STORE_OK);
	assert_int_equal(store_session_get(f->s, f->a, "h1", &ss), STORE_OK);
	assert_int_equal(ss.last_seen, 1500);
	assert_int_equal(store_session_touch(f->s, "nope", 1500), STORE_NOT_FOUND);
	assert_int_equal(store_session_get(f->s, f->a, "nope", &ss), STORE_NOT_FOUND);
	assert_int_equal(store_session_delete(f->s, "h1"), STORE_OK);
	assert_int_equal(store_session_delete(f->s, "h1"), STORE_NOT_FOUND);

	assert_int_equal(store_session_insert(f->s, "a", uid, "c", 100), STORE_OK);
	assert_int_equal(store_session_insert(f->s, "b", uid, "c", 200), STORE_OK);
	assert_int_equal(store_session_delete_user(f->s, uid), STORE_OK);
	assert_int_equal(store_session_get(f->s, f->a, "a", &ss), STORE_NOT_FOUND);
	assert_int_equal(store_session_get(f->s, f->a, "b", &ss), STORE_NOT_FOUND);

	/* Purge: idle since before 150, or created before 120. */
	assert_int_equal(store_session_insert(f->s, "old", uid, "c", 100), STORE_OK);
	assert_int_equal(store_session_insert(f->s, "young", uid, "c", 100), STORE_OK);
	assert_int_equal(store_session_insert(f->s, "new", uid, "c", 300), STORE_OK);
	assert_int_equal(store_session_touch(f->s, "young", 200), STORE_OK);
	assert_int_equal(store_session_purge(f->s, 150, 50), STORE_OK);
	assert_int_equal(store_session_get(f->s, f->a, "old", &ss), STORE_NOT_FOUND);
	assert_int_equal(store_session_get(f->s, f->a, "young", &ss), STORE_OK);
	assert_int_equal(store_session_purge(f->s, 0, 120), STORE_OK);
	assert_int_equal(store_session_get(f->s, f->a, "young", &ss), STORE_NOT_FOUND);
	assert_int_equal(store_session_get(f->s, f->a, "new", &ss), STORE_OK);

	/* Disabling an account ends its sessions. */
	store_user u;
	assert_int_equal(store_user_get(f->s, f->a, uid, &u), STORE_OK);
	u.active = 0;
	assert_int_equal(store_user_update(f->s, &u), STORE_OK);
	assert_int_equal(store_session_get(f->s, f->a, "new", &ss), STORE_NOT_FOUND);
	assert_int_equal(store_user_get(f->s, f->a, uid, &u), STORE_OK);
	assert_false(u.active);
}

static void test_tokens(void **state)
{
	struct fixture *f = *state;
	int64_t uid = add_user(f->s, "t@example.fr", "operator", NULL, 0), who, id = 0, owner = 0;
	int64_t later = now_s() + 3600;
	assert_int_equal(store_token_insert(f->s, "hash1", uid, "export", 1000, later, &id), STORE_OK);
	assert_true(id > 0);
	assert_int_equal(store_token_insert(f->s, "hash1", uid, "again", 1000, later, NULL), STORE_CONFLICT);
	assert_int_equal(store_token_insert(f->s, "hash2", uid + 99, "", 1000, later, NULL), STORE_CONFLICT);
	assert_int_equal(store_token_user(f->s, "hash1", &who), STORE_OK);
	assert_int_equal(who, uid);
	assert_int_equal(store_token_user(f->s, "hash1", &who), STORE_OK);
	assert_int_equal(store_token_user(f->s, "nope", &who), STORE_NOT_FOUND);
	assert_int_equal(who, 0);

	/* An expired token is as good as unknown, but still listed. */
	assert_int_equal(store_token_insert(f->s, "old", uid, "old", 1000, 2000, NULL), STORE_OK);
	assert_int_equal(store_token_user(f->s, "old", &who), STORE_NOT_FOUND);
	store_token *t;
	size_t n;
	assert_int_equal(store_token_list(f->s, f->a, uid, &t, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].email, "t@example.fr");
	assert_int_equal(store_token_list(f->s, f->a, uid + 99, &t, &n), STORE_OK);
	assert_int_equal(n, 0);

	/* Revoking: only the owner's, or anyone's with user 0. */
	assert_int_equal(store_token_revoke(f->s, id, uid + 99, NULL), STORE_NOT_FOUND);
	assert_int_equal(store_token_revoke(f->s, id, uid, &owner), STORE_OK);
	assert_int_equal(owner, uid);
	assert_int_equal(store_token_user(f->s, "hash1", &who), STORE_NOT_FOUND);
	assert_int_equal(store_token_revoke(f->s, id, 0, NULL), STORE_NOT_FOUND);

	/* A new password ends every session and token of the account. */
	assert_int_equal(store_token_insert(f->s, "hash3", uid, "", 1000, later, NULL), STORE_OK);
	assert_int_equal(store_session_insert(f->s, "sess3", uid, "k", now_s()), STORE_OK);
	assert_int_equal(store_user_set_password(f->s, uid, "$argon2id$other"), STORE_OK);
	assert_int_equal(store_token_user(f->s, "hash3", &who), STORE_NOT_FOUND);
	store_session row;
	assert_int_equal(store_session_get(f->s, f->a, "sess3", &row), STORE_NOT_FOUND);
}

static void test_login_failures(void **state)
{
	struct fixture *f = *state;
	int64_t n;
	assert_int_equal(store_login_failure_count(f->s, "account:x", 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	for (int64_t t = 100; t <= 500; t += 100)
		assert_int_equal(store_login_failure_add(f->s, "account:x", t), STORE_OK);
	assert_int_equal(store_login_failure_add(f->s, "address:y", 300), STORE_OK);
	assert_int_equal(store_login_failure_count(f->s, "account:x", 300, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_login_failure_purge(f->s, 250), STORE_OK);
	assert_int_equal(store_login_failure_count(f->s, "account:x", 0, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_login_failure_clear(f->s, "account:x"), STORE_OK);
	assert_int_equal(store_login_failure_count(f->s, "account:x", 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_login_failure_count(f->s, "address:y", 0, &n), STORE_OK);
	assert_int_equal(n, 1);
}

static void test_audit(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 5; i++) {
		store_audit e = {.at = 1000 + i,
		                 .user_id = 7,
		                 .action = "read",
		                 .object = "site",
		                 .object_id = i,
		                 .site_id = 3,
		                 .address = "192.0.2.1",
		                 .detail = i == 4 ? NULL : "list"};
		assert_int_equal(store_audit_add(f->s, &e), STORE_OK);
	}
	store_audit *list;
	size_t n;
	assert_int_equal(store_audit_list(f->s, f->a, 1002, 0, &list, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(list[0].at, 1004); /* newest first */
	assert_string_equal(list[0].detail, "");
	assert_int_equal(list[2].at, 1002);
	assert_string_equal(list[2].action, "read");
	assert_string_equal(list[2].object, "site");
	assert_int_equal(list[2].object_id, 2);
	assert_int_equal(list[2].site_id, 3);
	assert_int_equal(list[2].user_id, 7);
	assert_string_equal(list[2].address, "192.0.2.1");
	assert_string_equal(list[2].detail, "list");
	assert_int_equal(store_audit_list(f->s, f->a, 0, 2, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[1].at, 1003);
	store_audit now = {.action = "login"};
	assert_int_equal(store_audit_add(f->s, &now), STORE_OK);
	assert_int_equal(store_audit_list(f->s, f->a, now_s() - 60, 0, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
}

static void test_arena_full(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 50; i++)
		add_site(f->s, "Un nom de lieu assez long pour remplir une petite arène", "35");
	arena *small = arena_new(512);
	store_site *list;
	size_t n;
	assert_int_equal(store_site_list(f->s, small, NULL, &list, &n), STORE_ERROR);
	assert_int_equal(n, 0);
	assert_int_equal(store_error_count(f->s), 1);
	arena_free(small);
}

struct worker {
	store *s;
	int index;
	int failures;
};

#define THREADS 8
#define PER_THREAD 40

static void *insert_many(void *arg)
{
	struct worker *w = arg;
	char name[64];
	for (int i = 0; i < PER_THREAD; i++) {
		snprintf(name, sizeof name, "Lieu %d-%d", w->index, i);
		store_site site = {.name = name, .type = "autre"};
		int64_t id;
		if (store_site_insert(w->s, &site, &id) != STORE_OK)
			w->failures++;
		char email[64];
		snprintf(email, sizeof email, "u%d.%d@example.fr", w->index, i);
		store_user u = {
		    .email = email, .name = name, .role = "agent", .active = 1, .site_ids = &id, .nsites = 1};
		if (store_user_insert(w->s, &u, NULL) != STORE_OK)
			w->failures++;
		int64_t n;
		if (store_user_count(w->s, &n) != STORE_OK)
			w->failures++;
	}
	return NULL;
}

static void test_concurrency(void **state)
{
	struct fixture *f = *state;
	pthread_t t[THREADS];
	struct worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.s = f->s, .index = i};
		assert_int_equal(pthread_create(&t[i], NULL, insert_many, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	int64_t n;
	assert_int_equal(store_site_count(f->s, &n), STORE_OK);
	assert_int_equal(n, THREADS * PER_THREAD);
	assert_int_equal(store_user_count(f->s, &n), STORE_OK);
	assert_int_equal(n, THREADS * PER_THREAD);
	assert_int_equal(store_error_count(f->s), 0);
}

/* The driver itself: statement cache, nested use of one statement, macros. */
static void test_driver(void **state)
{
	struct fixture *f = *state;
	char path[160], err[256];
	snprintf(path, sizeof path, "sqlite://%s/u.db", f->dir);
	db *d;
	assert_int_equal(db_open(&d, path, 2, err, sizeof err), DB_OK);
	assert_int_equal(db_kind_of(d), DB_SQLITE);
	db_conn *c = db_acquire(d);
	assert_int_equal(
	    db_exec_script(c, "CREATE TABLE t (id {{pk}}, v {{int}} NOT NULL, s TEXT) {{strict}};"), DB_OK);
	assert_int_equal(db_exec_script(c, "CREATE TABLE u (x {{nope}})"), DB_ERROR);
	assert_non_null(strstr(db_errmsg(c), "macro"));
	assert_int_equal(db_exec_script(c, "CREATE TABLE u (x {{int"), DB_ERROR);
	assert_int_equal(db_error_count(d), 2);

	assert_int_equal(db_begin(c), DB_OK);
	for (int i = 1; i <= 3; i++) {
		db_stmt *s = db_prepare(c, "INSERT INTO t (v, s) VALUES (?, ?)");
		assert_non_null(s);
		assert_int_equal(db_bind_int(s, 1, i * 10), DB_OK);
		assert_int_equal(db_bind_text(s, 2, i == 2 ? NULL : "x"), DB_OK);
		assert_int_equal(db_step(s), DB_DONE);
		db_done(s);
	}
	assert_int_equal(db_commit(c), DB_OK);

	/* The same SQL prepared while the first copy is still being read. */
	const char *sql = "SELECT v, s FROM t ORDER BY v";
	db_stmt *outer = db_prepare(c, sql);
	int rows = 0;
	while (db_step(outer) == DB_ROW) {
		db_stmt *inner = db_prepare(c, sql);
		assert_ptr_not_equal(inner, outer);
		assert_int_equal(db_step(inner), DB_ROW);
		assert_int_equal(db_col_int(inner, 0), 10);
		db_done(inner);
		if (db_col_int(outer, 0) == 20) {
			assert_true(db_col_is_null(outer, 1));
			assert_string_equal(db_col_text(outer, 1), "");
		}
		rows++;
	}
	assert_int_equal(db_column_count(outer), 2);
	db_done(outer);
	assert_int_equal(rows, 3);
	/* Cached: the same statement comes back, reset and with no bindings. */
	db_stmt *again = db_prepare(c, sql);
	assert_ptr_equal(again, outer);
	assert_int_equal(db_step(again), DB_ROW);
	db_done(again);

	db_stmt *s = db_prepare(c, "INSERT INTO t (v) VALUES (?)");
	assert_int_equal(db_step(s), DB_CONSTRAINT); /* v NOT NULL, binding cleared */
	db_done(s);
	assert_null(db_prepare(c, "SELECT nothing FROM nowhere"));
	assert_null(db_prepare(c, "SELECT 1; SELECT 2"));
	s = db_prepare(c, "SELECT ?");
	assert_int_equal(db_bind_int(s, 5, 1), DB_ERROR);
	db_done(s);
	db_release(d, c);
	db_close(d);
	assert_int_equal(db_exists(path), 1);
	/* An unreachable server is not "no database": opening will say why. */
	assert_int_equal(db_exists("postgres:///y?host=/nonexistent-dir"), 1);
}

static int64_t count_rows(db_conn *c)
{
	db_stmt *s = db_prepare(c, "SELECT COUNT(*) FROM t");
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_ROW);
	int64_t n = db_col_int(s, 0);
	db_done(s);
	return n;
}

static void insert_row(db_conn *c, int64_t v)
{
	db_stmt *s = db_prepare(c, "INSERT INTO t (v) VALUES (?)");
	assert_non_null(s);
	assert_int_equal(db_bind_int(s, 1, v), DB_OK);
	assert_int_equal(db_step(s), DB_DONE);
	db_done(s);
}

/* The read scope on SQLite: one connection and one snapshot for the reads
 * of a thread; a write ends the snapshot first (so it never fails on a
 * stale one) and commits at once; a nested caller gets a connection of its
 * own; nothing stays open after the scope. */
static void test_read_scope(void **state)
{
	struct fixture *f = *state;
	char path[160], err[256];
	snprintf(path, sizeof path, "sqlite://%s/scope.db", f->dir);
	db *d, *other;
	assert_int_equal(db_open(&d, path, 3, err, sizeof err), DB_OK);
	assert_int_equal(db_open(&other, path, 1, err, sizeof err), DB_OK);
	db_conn *o = db_acquire(other);
	assert_int_equal(db_exec_script(o, "CREATE TABLE t (id {{pk}}, v {{int}} NOT NULL) {{strict}};"),
	                 DB_OK);
	insert_row(o, 1);

	db_scope_begin(d);
	db_conn *c = db_acquire(d);
	assert_int_equal(count_rows(c), 1);
	db_release(d, c);
	insert_row(o, 2); /* another writer, after the scope's first read */
	db_conn *again = db_acquire(d);
	assert_ptr_equal(again, c);             /* the scope's connection */
	assert_int_equal(count_rows(again), 1); /* its snapshot */
	/* A caller that acquires while the scope's connection is out gets
	 * another, outside the scope, which sees the latest state. */
	db_conn *nested = db_acquire(d);
	assert_ptr_not_equal(nested, again);
	assert_int_equal(count_rows(nested), 2);
	db_release(d, nested);
	/* A write ends the snapshot, commits, and what follows sees it. */
	insert_row(again, 3);
	assert_int_equal(count_rows(o), 3);
	assert_int_equal(count_rows(again), 3);
	db_release(d, again);
	/* A write transaction in the scope. */
	c = db_acquire(d);
	assert_int_equal(count_rows(c), 3);
	assert_int_equal(db_begin(c), DB_OK);
	insert_row(c, 4);
	assert_int_equal(db_commit(c), DB_OK);
	assert_int_equal(count_rows(o), 4);
	/* A write while a read of the same connection is open: committed
	 * when that read is done, as autocommit does. */
	db_stmt *open = db_prepare(c, "SELECT v FROM t ORDER BY v");
	assert_int_equal(db_step(open), DB_ROW);
	insert_row(c, 5);
	db_done(open);
	assert_int_equal(count_rows(o), 5);
	assert_int_equal(count_rows(c), 5);
	/* A read a caller forgot to finish does not keep the snapshot past
	 * the scope. */
	db_stmt *left = db_prepare(c, "SELECT v FROM t ORDER BY v");
	assert_int_equal(db_step(left), DB_ROW);
	db_release(d, c);
	db_scope_end(d);
	insert_row(o, 6);

	/* Nothing left open: a checkpoint goes through the whole log. */
	db_stmt *ck = db_prepare(o, "PRAGMA wal_checkpoint(TRUNCATE)");
	assert_int_equal(db_step(ck), DB_ROW);
	assert_int_equal(db_col_int(ck, 0), 0); /* not blocked */
	db_done(ck);
	db_done(left);
	/* And outside a scope, each acquire is the pool's again. */
	c = db_acquire(d);
	db_conn *c2 = db_acquire(d);
	assert_ptr_not_equal(c, c2);
	db_release(d, c2);
	db_release(d, c);
	assert_int_equal(db_error_count(d), 0);
	assert_int_equal(db_error_count(other), 0);
	db_release(other, o);
	db_close(other);
	db_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrate_twice, setup, teardown),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sites, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_users, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_user, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_login_failures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_arena_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrency, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_driver, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
