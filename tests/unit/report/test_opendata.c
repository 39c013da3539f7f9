/*
 * test_opendata.c: the open-data files on hand-built sites: the months of
 * the activity file (good, bad, reversed, too many, the default year), the
 * rows of a store without visits (every count "<5"), the sites in the
 * "Lieux de médiation numérique" standard (CSV and JSON) and the France
 * Services columns with the days read from OpenStreetMap hours, and hours
 * in any other form left out.
 */
#include "unit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report/opendata.h"
#include "store/store.h"
#include "store/store_stats.h"

struct fixture {
	char dir[64];
	store *s;
	int64_t fs, bus, mairie;
};

static int setup(void **state)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-opendata-XXXXXX");
	char url[1024];
	if (unit_store_open(f->dir, url, sizeof url, &f->s) != 0)
		return -1;
	store_site a = {.name = "A France Services",
	                .type = "france_services",
	                .commune_insee = "35236",
	                .departement = "35",
	                .address = "3 rue Charles Sillard, 35600 Redon",
	                .opening_hours =
	                    "Mo-Fr 09:00-12:00,13:30-17:00; We 09:00-12:00; Sa 9:00-12:00; Su off",
	                .languages = "fr,en,ar",
	                .accessibility = "pmr,lsf",
	                .accessibility_note = ""};
	store_site b = {.name = "B Bus",
	                .type = "france_services_itinerant",
	                .commune_insee = "35223",
	                .departement = "35",
	                .address = "Tournée",
	                .opening_hours = "lundi-vendredi 9h-17h",
	                .languages = "fr",
	                .accessibility = "malvoyants",
	                .accessibility_note = ""};
	store_site c = {.name = "C Mairie",
	                .type = "mairie",
	                .commune_insee = "35012",
	                .departement = "35",
	                .address = "Hôtel de ville",
	                .opening_hours = "",
	                .languages = "fr",
	                .accessibility = "",
	                .accessibility_note = ""};
	if (store_site_insert(f->s, &a, &f->fs) != STORE_OK ||
	    store_site_insert(f->s, &b, &f->bus) != STORE_OK ||
	    store_site_insert(f->s, &c, &f->mairie) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_store_close(f->s, NULL, f->dir);
	free(f);
	return 0;
}

static void months(void **state)
{
	(void)state;
	int first, n;
	const char *msgid, *field;
	assert_int_equal(opendata_months_parse("2024-11", "2025-02", &first, &n, &msgid, &field), 0);
	assert_int_equal(first, 2024 * 12 + 10);
	assert_int_equal(n, 4);
	assert_int_equal(opendata_months_parse("2023-01", "2025-12", &first, &n, &msgid, &field), 0);
	assert_int_equal(n, 36);
	static const char *const bad[][3] = {
	    {"2025-13", "2025-12", "from"}, {"2025-1", "2025-12", "from"}, {"", "2025-12", "from"},
	    {"2025-01", "2025/02", "to"},   {"2025-01", "2025-00", "to"},  {"2025-01", "2025-01x", "to"},
	    {"2025-03", "2025-02", "to"},   {"2023-01", "2026-01", "to"},  {"1969-12", "1970-01", "from"},
	    {"+025-01", "2025-02", "from"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(opendata_months_parse(bad[i][0], bad[i][1], &first, &n, &msgid, &field), -1);
		assert_non_null(msgid);
		assert_string_equal(field, bad[i][2]);
	}
	assert_int_equal(opendata_months_parse(NULL, "2025-01", &first, &n, &msgid, &field), -1);

	char from[8], to[8];
	int64_t t;
	assert_int_equal(time_parse_local("2026-01-15", "10:00", &t), 0);
	opendata_default_months(t, from, to);
	assert_string_equal(from, "2025-01");
	assert_string_equal(to, "2025-12");
	assert_int_equal(time_parse_local("2026-03-01", "00:30", &t), 0);
	opendata_default_months(t, from, to);
	assert_string_equal(from, "2025-03");
	assert_string_equal(to, "2026-02");
}

static void activity_without_visits(void **state)
{
	struct fixture *f = *state;
	stats_engine *e = store_stats_load(f->s, 1);
	assert_non_null(e);
	buf b;
	buf_init(&b, 1 << 20);
	char err[256];
	assert_int_equal(opendata_activity_csv(f->s, e, "2025-12", "2026-01", &b, err, sizeof err), 0);
	assert_memory_equal(
	    b.data,
	    "\xEF\xBB\xBFlieu_id;lieu_nom;departement;commune_insee;mois;visites;demandes;"
	    "resolues_sur_place;canal_guichet_spontane;",
	    strlen("\xEF\xBB\xBFlieu_id;lieu_nom;departement;commune_insee;mois;visites;demandes;"
	           "resolues_sur_place;canal_guichet_spontane;"));
	char row[64];
	snprintf(row, sizeof row, "\r\n%lld;A France Services;35;35236;2025-12;<5;<5;<5;<5;",
	         (long long)f->fs);
	assert_non_null(strstr(b.data, row));
	snprintf(row, sizeof row, "\r\n%lld;C Mairie;35;35012;2026-01;<5;", (long long)f->mairie);
	assert_non_null(strstr(b.data, row));
	/* The header, then three sites by two months, every count "<5". */
	size_t rows = 0;
	for (char *line = strstr(b.data, "\r\n") + 2; *line; rows++) {
		char *end = strstr(line, "\r\n");
		assert_non_null(end);
		*end = '\0';
		size_t col = 0;
		for (char *cell = line, *next; cell; cell = next, col++) {
			next = strchr(cell, ';');
			if (next)
				*next++ = '\0';
			if (col >= 5)
				assert_string_equal(cell, "<5");
		}
		assert_true(col > 40);
		line = end + 2;
	}
	assert_int_equal(rows, 6);
	buf_reset(&b);
	assert_int_equal(opendata_activity_csv(f->s, e, "2025-12", "2025-01", &b, err, sizeof err), -1);
	assert_string_equal(err, "Le dernier mois ne doit pas précéder le premier.");
	buf_free(&b);
	stats_engine_free(e);
}

/* The cell of heading name on the row of site id and month, copied into
 * out; "" when absent. */
static void cell_of(const char *csv, int64_t id, const char *month, const char *name, char out[32])
{
	const char *h = strchr(csv, 'l');
	size_t col = 0;
	for (const char *p = h; *p && *p != '\r'; p++)
		if (*p == ';' && strncmp(p + 1, name, strlen(name)) == 0 &&
		    (p[1 + strlen(name)] == ';' || p[1 + strlen(name)] == '\r')) {
			col = 0;
			for (const char *q = h; q <= p; q++)
				col += *q == ';';
			break;
		}
	char key[64];
	snprintf(key, sizeof key, "\r\n%lld;", (long long)id);
	*out = '\0';
	for (const char *r = strstr(csv, key); r; r = strstr(r + 2, key)) {
		const char *c = r + 2;
		if (!strstr(c, month) || strstr(c, month) > strstr(c, "\r\n"))
			continue;
		for (size_t k = 0; k < col; k++)
			c = strchr(c, ';') + 1;
		size_t n = strcspn(c, ";\r");
		snprintf(out, 32, "%.*s", (int)n, c);
		return;
	}
}

/* A group whose shown cells add up to their total hides nothing: the part
 * of the total no column covers is 0 and known to be, so it is no small
 * count to protect, and nothing may be withheld for it. */
static void activity_hides_nothing_for_nothing(void **state)
{
	struct fixture *f = *state;
	static const char *const genders[4] = {"feminin", "masculin", "non_communique", ""};
	for (int i = 0; i < 20; i++) {
		store_demand d = {.operator_code = "cnaf",
		                  .theme_code = "social_sante",
		                  .level = "fait_avec",
		                  .outcome = "resolu",
		                  .equipment = "",
		                  .duration_min = 15};
		int64_t t;
		assert_int_equal(time_parse_local("2025-03-10", "10:00", &t), 0);
		store_visit v = {.site_id = f->fs,
		                 .started_at = t,
		                 .channel = "guichet_spontane",
		                 .duration_min = 15,
		                 .demands = &d,
		                 .ndemands = 1};
		v.visitor = (store_visitor){
		    .age_bracket = "60_69", .gender = (char *)genders[i % 4], .social_status = "retraite"};
		assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	}
	stats_engine *e = store_stats_load(f->s, 1);
	assert_non_null(e);
	buf b;
	buf_init(&b, 1 << 20);
	char err[256], c[32];
	assert_int_equal(opendata_activity_csv(f->s, e, "2025-03", "2025-03", &b, err, sizeof err), 0);
	buf_putc(&b, '\0');
	cell_of(b.data, f->fs, "2025-03", "visites", c);
	assert_string_equal(c, "20");
	static const char *const cols[4] = {"genre_feminin", "genre_masculin", "genre_non_communique",
	                                    "genre_non_renseigne"};
	for (size_t i = 0; i < 4; i++) {
		cell_of(b.data, f->fs, "2025-03", cols[i], c);
		assert_string_equal(c, "5");
	}
	buf_free(&b);
	stats_engine_free(e);
}

static void lieux(void **state)
{
	struct fixture *f = *state;
	buf b;
	buf_init(&b, 1 << 20);
	char err[256];
	assert_int_equal(opendata_lieux_csv(f->s, &b, err, sizeof err), 0);
	assert_true(str_starts(b.data, "id,pivot,nom,commune,code_postal,code_insee,adresse,"));
	char want[512];
	snprintf(
	    want, sizeof want,
	    "\r\nguichet-%lld,00000000000000,A France Services,,35600,35236,\"3 rue Charles Sillard, 35600 "
	    "Redon\",,,,RFS,,,,\"Mo-Fr 09:00-12:00,13:30-17:00; We 09:00-12:00; Sa 9:00-12:00; Su "
	    "off\",,,Guichet,,",
	    (long long)f->fs);
	assert_non_null(strstr(b.data, want));
	assert_non_null(strstr(b.data,
	                       ",Aide aux démarches administratives,,Surdité|Handicaps moteurs|Langues "
	                       "étrangères (anglais)|Langues étrangères (autres),,Fixe,France Services,"));
	assert_non_null(strstr(b.data, ",Déficience visuelle,,Itinérant,France Services,"));
	assert_non_null(strstr(b.data, ",MUNI,"));
	buf_reset(&b);
	assert_int_equal(opendata_lieux_json(f->s, &b, err, sizeof err), 0);
	assert_true(b.data[0] == '[');
	/* Required fields always, empty optional ones never. */
	assert_non_null(strstr(b.data, "\"commune\":\"\""));
	assert_null(strstr(b.data, "\"latitude\""));
	assert_null(strstr(b.data, "\"dispositif_programmes_nationaux\":\"\""));
	buf_free(&b);
}

static void france_services(void **state)
{
	struct fixture *f = *state;
	buf b;
	buf_init(&b, 1 << 20);
	char err[256];
	assert_int_equal(opendata_france_services_csv(f->s, &b, err, sizeof err), 0);
	assert_true(
	    str_starts(b.data, "\xEF\xBB\xBFid_fs;insee_dep;lib_fs;adresse;complement_adresse;insee_com;"));
	char want[512];
	snprintf(want, sizeof want,
	         "\r\n%lld;35;A France Services;3 rue Charles Sillard, 35600 Redon;;35236;35600;;;;;;"
	         "09:00 - 12:00 / 13:30 - 17:00;09:00 - 12:00 / 13:30 - 17:00;09:00 - 12:00;"
	         "09:00 - 12:00 / 13:30 - 17:00;09:00 - 12:00 / 13:30 - 17:00;09:00 - 12:00;;Non;;;\r\n",
	         (long long)f->fs);
	assert_non_null(strstr(b.data, want));
	snprintf(want, sizeof want, "\r\n%lld;35;B Bus;Tournée;;35223;;;;;;;;;;;;;;Oui;;;\r\n",
	         (long long)f->bus);
	assert_non_null(strstr(b.data, want));
	assert_null(strstr(b.data, "C Mairie"));
	buf_free(&b);
}

static void france_services_bad_hours(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {"Mo-Fr 09:00-12:00; PH off",
	                                  "Mo-Fr 12:00-09:00",
	                                  "Mo-Fr 09:00-25:00",
	                                  "Mo-Fr 9h-12h",
	                                  "Lu 09:00-12:00",
	                                  "Mo-Fr"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		arena *a = arena_new(1 << 20);
		store_site s;
		assert_int_equal(store_site_get(f->s, a, f->fs, &s), STORE_OK);
		s.opening_hours = (char *)bad[i];
		assert_int_equal(store_site_update(f->s, &s), STORE_OK);
		buf b;
		buf_init(&b, 1 << 20);
		char err[256];
		assert_int_equal(opendata_france_services_csv(f->s, &b, err, sizeof err), 0);
		assert_non_null(strstr(b.data, ";35236;35600;;;;;;;;;;;;;Non;;;\r\n"));
		buf_free(&b);
		arena_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(months),
	    cmocka_unit_test_setup_teardown(activity_without_visits, setup, teardown),
	    cmocka_unit_test_setup_teardown(activity_hides_nothing_for_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(lieux, setup, teardown),
	    cmocka_unit_test_setup_teardown(france_services, setup, teardown),
	    cmocka_unit_test_setup_teardown(france_services_bad_hours, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
