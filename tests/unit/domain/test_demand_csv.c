/*
 * test_demand_csv.c: the accompaniment CSV file (demand_csv.h) on a real
 * store: rows grouped into visits, every column into the record, every
 * problem tied to its line and column (ours and visit_validate's), the
 * header's checks, the limit on listed errors, and the export read back
 * into a fresh store giving the same rows.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/demand_csv.h"
#include "util/guichet_limits.h"
#include "store/store.h"
#include "domain/visit.h"

struct fixture {
	char dir[64];
	store *s, *s2; /* s2: a second store for round trips */
	arena *a;
	int64_t site, other, agent;
};

static store *new_store(const char *dir, const char *name)
{
	char path[160], err[256];
	int applied;
	store *s;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (store_open(&s, path, 4, err, sizeof err) != STORE_OK ||
	    store_migrate(s, &applied, err, sizeof err) != 0) {
		fprintf(stderr, "store: %s\n", err);
		return NULL;
	}
	return s;
}

static int64_t add_site(store *s, const char *name, const char *insee)
{
	store_site site = {.name = (char *)name,
	                   .type = "france_services",
	                   .commune_insee = (char *)insee,
	                   .departement = "35",
	                   .languages = "",
	                   .accessibility = ""};
	int64_t id = 0;
	assert_int_equal(store_site_insert(s, &site, &id), STORE_OK);
	return id;
}

static int64_t add_agent(store *s, int64_t site)
{
	store_user u = {.email = "agent@example.org",
	                .name = "Agathe",
	                .role = "agent",
	                .password_hash = "$argon2id$fake",
	                .active = 1,
	                .site_ids = &site,
	                .nsites = 1};
	int64_t id = 0;
	assert_int_equal(store_user_insert(s, &u, &id), STORE_OK);
	return id;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-dcsv-XXXXXX");
	if (!mkdtemp(f->dir) || !(f->s = new_store(f->dir, "t.db")) || !(f->s2 = new_store(f->dir, "u.db")))
		return -1;
	f->a = arena_new(LIMIT_ARENA_BYTES);
	f->site = add_site(f->s, "France services Rennes", "35238");
	f->other = add_site(f->s, "Mairie de Brest", "29019");
	f->agent = add_agent(f->s, f->site);
	/* The same sites and adviser in the second store, with the same ids. */
	assert_int_equal(add_site(f->s2, "France services Rennes", "35238"), f->site);
	assert_int_equal(add_site(f->s2, "Mairie de Brest", "29019"), f->other);
	assert_int_equal(add_agent(f->s2, f->site), f->agent);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close(f->s);
	store_close(f->s2);
	arena_free(f->a);
	unit_remove_dir(f->dir);
	free(f);
	return 0;
}

/* The command line's two passes: check everything, then write everything
 * in one transaction. Returns the number of problems (0: imported). */
static size_t import_text(store *s, const char *text, int64_t site, int64_t agent, demand_csv_errors *e,
                          arena *a, uint64_t *visits)
{
	demand_csv_options o = {.site_id = site, .agent_id = agent, .now = now_s()};
	demand_csv_errors_init(e, a);
	for (int pass = 0; pass < 2; pass++) {
		csv_reader *csv = csv_reader_mem(text, strlen(text), 0, NULL);
		demand_csv_import *im = NULL;
		store_import *tx = NULL;
		int rc = demand_csv_import_open(&im, s, csv, &o, e);
		if (rc == 0 && pass == 1)
			assert_int_equal(store_import_begin(s, &tx), STORE_OK);
		while (rc == 0) {
			arena *va = arena_new(1 << 20);
			store_visit v;
			int valid;
			int got = demand_csv_import_next(im, va, &v, &valid);
			if (got == 1 && pass == 1) {
				assert_true(valid);
				assert_int_equal(store_import_visit(tx, &v), STORE_OK);
			}
			arena_free(va);
			if (got <= 0)
				rc = got == 0 ? 1 : -1;
		}
		if (tx)
			assert_int_equal(store_import_end(tx, 1), STORE_OK);
		if (im && visits)
			*visits = demand_csv_import_visits(im);
		demand_csv_import_close(im);
		csv_reader_free(csv);
		if (e->total)
			return e->total;
	}
	return 0;
}

static int64_t count_visits(store *s)
{
	store_visit_filter flt = {0};
	int64_t visits = -1, demands = -1;
	assert_int_equal(store_visit_count(s, &flt, &visits, &demands), STORE_OK);
	return visits;
}

/* The error of line/column, or NULL. */
static const demand_csv_error *error_at(const demand_csv_errors *e, uint64_t line, const char *column)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->v[i].line == line &&
		    (column ? e->v[i].column && strcmp(e->v[i].column, column) == 0 : e->v[i].column == NULL))
			return &e->v[i];
	return NULL;
}

static void test_import(void **state)
{
	struct fixture *f = *state;
	demand_csv_errors e;
	uint64_t visits = 0;
	const char *text =
	    "\xEF\xBB\xBFvisit_ref;Date;Heure;Canaux d'accompagnement;Opérateur;Thématique(s);"
	    "Nom de la démarche administrative;Code démarche;Niveau d'intervention;Mandat;Issue;"
	    "Structure de redirection;Bénéficiaire réorienté;Durée (min);Matériel;Note;Genre;Année de "
	    "naissance;"
	    "Commune de résidence (code Insee);Freins numériques;Publics "
	    "particuliers;Langues;Handicaps;Type\r\n"
	    "A1;04/03/2024;14h30;guichet_spontane;cnaf;social_sante;Aide au logement "
	    "inventée;;fait_avec;;resolu;;"
	    "Non;15;ordinateur|telephone;\"'=1+1\";feminin;1950;35238;sans_internet|sans_email;"
	    "allophone|grande_precarite;ar|fa;visuel;Individuel\r\n"
	    "A1;04/03/"
	    "2024;14h30;guichet_spontane;;;PASSEPORT;;fait_pour;aidants_connect;oriente;administration;"
	    "Oui;20;;;feminin;1950;35238;sans_internet|sans_email;allophone|grande_precarite;ar|fa;visuel;"
	    "Individuel\r\n"
	    ";2024-03-05;09:00:00;telephone;dgfip;argent_impots;;;information;;resolu;;;0;;;;;;;;;;\r\n";
	assert_int_equal(import_text(f->s, text, f->site, f->agent, &e, f->a, &visits), 0);
	assert_int_equal(visits, 2);

	store_visit_filter flt = {0};
	store_visit *v;
	size_t n;
	assert_int_equal(store_visit_list(f->s, f->a, &flt, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	const store_visit *first = v[0].ndemands == 2 ? &v[0] : &v[1];
	char date[11], hm[6];
	time_local_date(first->started_at, date);
	time_local_hm(first->started_at, hm);
	assert_string_equal(date, "2024-03-04");
	assert_string_equal(hm, "14:30");
	assert_int_equal(first->site_id, f->site);
	assert_int_equal(first->agent_id, f->agent);
	assert_string_equal(first->channel, "guichet_spontane");
	assert_int_equal(first->duration_min, 35); /* the demands together */
	const store_visitor *p = &first->visitor;
	assert_string_equal(p->gender, "feminin");
	assert_int_equal(p->birth_year, 1950);
	assert_string_equal(p->age_bracket, "70_plus");
	assert_string_equal(p->commune_insee, "35238");
	assert_true(p->no_internet && p->no_email && !p->no_phone && !p->no_device);
	assert_true(p->allophone && p->very_precarious && !p->illiteracy);
	assert_string_equal(p->languages, "ar,fa");
	assert_string_equal(p->disabilities, "visuel");
	assert_false(p->identified);
	const store_demand *d1 = &first->demands[0], *d2 = &first->demands[1];
	assert_string_equal(d1->procedure_text, "Aide au logement inventée");
	assert_int_equal(d1->procedure_id, 0);
	assert_string_equal(d1->equipment, "ordinateur,telephone");
	assert_string_equal(d1->note, "=1+1"); /* the export's guard removed */
	/* By its label, whatever the case: the catalog's operator and theme. */
	assert_true(d2->procedure_id > 0);
	assert_string_equal(d2->procedure_text, "");
	assert_string_equal(d2->operator_code, "ants");
	assert_string_equal(d2->mandate_type, "aidants_connect");
	assert_string_equal(d2->outcome, "oriente");
	assert_string_equal(d2->referral_type, "administration");
}

static void test_row_errors(void **state)
{
	struct fixture *f = *state;
	demand_csv_errors e;
	const char *text =
	    "visit_ref,Date,Heure,Canaux d'accompagnement,Opérateur,Thématique(s),Niveau d'intervention,"
	    "Mandat,Issue,Durée (min),Matériel,Bénéficiaire réorienté,Commune de résidence (code Insee),"
	    "Niveau d'autonomie\n"
	    "1,2024-03-04,10:00,foo,cnaf,social_sante,fait_avec,,resolu,15,,,,\n"        /* line 2 */
	    "2,2024-13-04,10:00,telephone,nope,social_sante,fait_avec,,resolu,abc,,,,\n" /* 3 */
	    "3,2024-03-04,25:00,telephone,cnaf,social_sante,fait_avec,,resolu,15,ordinateur|x,,,\n"
	    "4,2024-03-04,10:00,telephone,cnaf,social_sante,fait_avec,,resolu,15,,,,\n" /* 5: fine */
	    "4,2024-03-04,10:00,telephone,cnaf,social_sante,fait_pour,,oriente,15,,Peut-être,,9\n"
	    "5,2099-01-01,10:00,telephone,cnaf,social_sante,fait_avec,,resolu,15,,Oui,123,\n";
	size_t n = import_text(f->s, text, f->site, 0, &e, f->a, NULL);
	assert_true(n >= 10);
	assert_int_equal(count_visits(f->s), 0); /* all or nothing */

	const demand_csv_error *x = error_at(&e, 2, "Canaux d'accompagnement");
	assert_non_null(x);
	assert_string_equal(x->value, "foo");
	assert_non_null(x->expected);
	assert_non_null(strstr(x->expected, "guichet_spontane"));
	assert_non_null(error_at(&e, 3, "Date"));
	x = error_at(&e, 3, "Opérateur");
	assert_non_null(x);
	assert_non_null(strstr(x->expected, "cnaf"));
	assert_string_equal(error_at(&e, 3, "Durée (min)")->value, "abc");
	assert_non_null(error_at(&e, 4, "Heure"));
	assert_string_equal(error_at(&e, 4, "Matériel")->value, "x");
	assert_null(error_at(&e, 5, "Opérateur"));
	/* visit_validate's problems, on the row of their demand. */
	assert_non_null(error_at(&e, 6, "Mandat"));
	assert_non_null(error_at(&e, 6, "Structure de redirection"));
	assert_string_equal(error_at(&e, 6, "Bénéficiaire réorienté")->value, "Peut-être");
	assert_string_equal(error_at(&e, 6, "Niveau d'autonomie")->value, "9");
	assert_non_null(error_at(&e, 7, "Date")); /* in the future */
	assert_non_null(error_at(&e, 7, "Bénéficiaire réorienté"));
	assert_non_null(error_at(&e, 7, "Commune de résidence (code Insee)"));
	/* One message per cell: ours, not visit_validate's as well. */
	size_t on_channel = 0;
	for (size_t i = 0; i < e.n; i++)
		on_channel += e.v[i].line == 2 && e.v[i].column &&
		              strcmp(e.v[i].column, "Canaux d'accompagnement") == 0;
	assert_int_equal(on_channel, 1);
}

static void test_header(void **state)
{
	struct fixture *f = *state;
	demand_csv_errors e;
	assert_int_equal(import_text(f->s, "", f->site, 0, &e, f->a, NULL), 1);
	assert_int_equal(e.v[0].line, 1);
	import_text(f->s, "Date,Colonne,date,Issue\n2024-01-01,x,y,resolu\n", f->site, 0, &e, f->a, NULL);
	const demand_csv_error *x = error_at(&e, 1, NULL);
	assert_non_null(x);
	assert_string_equal(x->value, "Colonne");
	assert_non_null(error_at(&e, 1, "Date")); /* twice, once by its alias */
	assert_non_null(error_at(&e, 1, "Canaux d'accompagnement"));
	assert_non_null(error_at(&e, 1, "Niveau d'intervention"));
	assert_non_null(error_at(&e, 1, "Opérateur"));
	assert_null(error_at(&e, 1, "Issue"));
	assert_null(error_at(&e, 2, "Date")); /* nothing is said of rows under a wrong header */
	/* Without --site, the site column is needed. */
	import_text(f->s, "date,channel,operator_code,theme_code,level,outcome\n", 0, 0, &e, f->a, NULL);
	assert_int_equal(e.total, 1);
	assert_non_null(error_at(&e, 1, "Identifiant du lieu"));
	/* Aliases only, and a header with no row: nothing to import, which
	 * is a failure said on line 2 (docs/csv.md), not a success of 0. */
	uint64_t visits = 9;
	assert_int_equal(import_text(f->s, "date,channel,operator_code,theme_code,level,outcome\n", f->site,
	                             0, &e, f->a, &visits),
	                 1);
	assert_int_equal(visits, 0);
	assert_int_equal(e.total, 1);
	assert_non_null(error_at(&e, 2, NULL));
	/* Headings ignore case, accented capitals included. */
	assert_int_equal(import_text(f->s,
	                             "DATE,CANAUX D'ACCOMPAGNEMENT,OPÉRATEUR,THÉMATIQUE(S),NIVEAU "
	                             "D'INTERVENTION,ISSUE,TRANCHE D'ÂGE\n"
	                             "2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu,60_69\n",
	                             f->site, 0, &e, f->a, &visits),
	                 0);
	assert_int_equal(visits, 1);
}

static void test_grouping(void **state)
{
	struct fixture *f = *state;
	demand_csv_errors e;
	buf b;
	buf_init(&b, 1 << 16);
	buf_puts(&b, "visit_ref,Date,Canaux d'accompagnement,Opérateur,Thématique(s),Niveau "
	             "d'intervention,Issue,Genre\n");
	buf_puts(&b, "R1,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu,feminin\n");  /* 2 */
	buf_puts(&b, "R1,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu,masculin\n"); /* 3 */
	buf_puts(&b, "R2,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu,feminin\n");  /* 4 */
	buf_puts(&b, "R1,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu,feminin\n");  /* 5 */
	buf_puts(&b, "R3,2024-03-04,telephone,cnaf,social_sante,fait_avec\n");                 /* 6 */
	for (int i = 0; i < 11; i++)                                                           /* 7–17 */
		buf_puts(&b, "R4,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu,feminin\n");
	assert_true(import_text(f->s, b.data, f->site, 0, &e, f->a, NULL) >= 4);
	const demand_csv_error *x = error_at(&e, 3, "Genre");
	assert_non_null(x);
	assert_string_equal(x->value, "masculin");
	assert_string_equal(x->expected, "feminin");
	assert_non_null(error_at(&e, 5, "visit_ref"));
	assert_non_null(error_at(&e, 6, NULL));         /* too few columns */
	assert_non_null(error_at(&e, 17, "visit_ref")); /* the eleventh demand */
	assert_int_equal(count_visits(f->s), 0);
	buf_free(&b);
}

static void test_site_and_agent_columns(void **state)
{
	struct fixture *f = *state;
	demand_csv_errors e;
	char text[1024];
	snprintf(
	    text, sizeof text,
	    "Identifiant du lieu,Conseiller (e-mail),Date,Canaux d'accompagnement,Opérateur,Thématique(s),"
	    "Niveau d'intervention,Issue\n"
	    "%lld,AGENT@example.org,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu\n"
	    "%lld,,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu\n"
	    "999,nobody@example.org,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu\n"
	    ",,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu\n"
	    "%lld,agent@example.org,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu\n"
	    "%lld,nobody@example.org,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu\n",
	    (long long)f->site, (long long)f->other, (long long)f->other, (long long)f->site);
	assert_int_equal(import_text(f->s, text, 0, 0, &e, f->a, NULL), 4);
	assert_string_equal(error_at(&e, 4, "Identifiant du lieu")->value, "999");
	/* An unknown site says nothing of the address. */
	assert_null(error_at(&e, 4, "Conseiller (e-mail)"));
	/* The adviser of another site and an address without an account get
	 * the same message: the import does not tell whether an account exists. */
	const demand_csv_error *elsewhere = error_at(&e, 6, "Conseiller (e-mail)");
	const demand_csv_error *nobody = error_at(&e, 7, "Conseiller (e-mail)");
	assert_non_null(elsewhere);
	assert_non_null(nobody);
	assert_string_equal(elsewhere->msgid, nobody->msgid);
	assert_string_equal(nobody->value, "nobody@example.org");
	assert_non_null(error_at(&e, 5, "Identifiant du lieu"));
	/* Without the wrong rows: each visit at its site, by its adviser. */
	char *cut = strstr(text, "999,");
	*cut = '\0';
	assert_int_equal(import_text(f->s, text, 0, 0, &e, f->a, NULL), 0);
	store_visit_filter flt = {0};
	store_visit *v;
	size_t n;
	assert_int_equal(store_visit_list(f->s, f->a, &flt, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[1].site_id, f->site);
	assert_int_equal(v[1].agent_id, f->agent);
	assert_int_equal(v[0].site_id, f->other);
	assert_int_equal(v[0].agent_id, 0);
}

/* The adviser the options give every visit must record at each row's site. */
static void test_fixed_agent_site(void **state)
{
	struct fixture *f = *state;
	demand_csv_errors e;
	char text[1024];
	snprintf(text, sizeof text,
	         "Identifiant du lieu,Date,Canaux d'accompagnement,Opérateur,Thématique(s),"
	         "Niveau d'intervention,Issue\n"
	         "%lld,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu\n"
	         "%lld,2024-03-04,telephone,cnaf,social_sante,fait_avec,resolu\n",
	         (long long)f->site, (long long)f->other);
	assert_int_equal(import_text(f->s, text, 0, f->agent, &e, f->a, NULL), 1);
	assert_null(error_at(&e, 2, "Identifiant du lieu"));
	assert_non_null(error_at(&e, 3, "Identifiant du lieu"));
	assert_int_equal(count_visits(f->s), 0);
}

static void test_error_cap(void **state)
{
	struct fixture *f = *state;
	demand_csv_errors e;
	buf b;
	buf_init(&b, 1 << 20);
	buf_puts(&b, "Date,Canaux d'accompagnement,Opérateur,Thématique(s),Niveau d'intervention,Issue\n");
	for (int i = 0; i < 1500; i++)
		buf_puts(&b, "2024-03-04,nope,cnaf,social_sante,fait_avec,resolu\n");
	assert_int_equal(import_text(f->s, b.data, f->site, 0, &e, f->a, NULL), 1500);
	assert_int_equal(e.n, LIMIT_IMPORT_ERRORS);
	assert_int_equal(e.v[e.n - 1].line, LIMIT_IMPORT_ERRORS + 1);
	buf_free(&b);
}

static int collect(void *ctx, buf *out)
{
	buf *all = ctx;
	buf_append(all, out->data, out->len);
	buf_reset(out);
	return 0;
}

static void export_all(store *s, buf *all, char sep)
{
	buf row;
	buf_init(&row, 1 << 16);
	buf_reset(all);
	demand_csv_export *x = demand_csv_export_new(s, &row, sep, collect, all);
	store_visit_filter flt = {0};
	assert_int_equal(demand_csv_export_run(x, &flt), 0);
	demand_csv_export_free(x);
	buf_free(&row);
}

static void test_export_round_trip(void **state)
{
	struct fixture *f = *state;
/* visit_validate normalises texts in place: they must be writable. */
#define W(s) arena_strdup(f->a, s)
	store_demand d[2] = {
	    {.operator_code = W("cnaf"),
	     .theme_code = W("social_sante"),
	     .level = W("fait_pour"),
	     .mandate_type = W("papier"),
	     .mandate_ref = W("M-12"),
	     .autonomy = 2,
	     .equipment = W("ordinateur,tablette"),
	     .interpreting = W("telephone"),
	     .interpreting_lang = W("uk"),
	     .outcome = W("oriente"),
	     .referral_type = W("aide_sociale"),
	     .duration_min = 30,
	     .note = W("Dossier \"APL\", suite;\nà revoir")},
	    {.operator_code = W("dgfip"),
	     .theme_code = W("argent_impots"),
	     .procedure_text = W("-Déclaration"),
	     .level = W("information"),
	     .outcome = W("resolu"),
	     .duration_min = 10,
	     .note = W("=HYPERLINK(\"x\")")},
	};
	store_visit v = {.site_id = f->site,
	                 .agent_id = f->agent,
	                 .channel = W("itinerant"),
	                 .place = W("Place du marché, Bécherel"),
	                 .demands = d,
	                 .ndemands = 2};
	assert_int_equal(time_parse_local("2024-05-06", "09:45", &v.started_at), 0);
	v.visitor = (store_visitor){.gender = W("masculin"),
	                            .age_bracket = W("25_39"),
	                            .social_status = W("en_emploi"),
	                            .commune_insee = W("35238"),
	                            .no_phone = 1,
	                            .no_device = 1,
	                            .illiteracy = 1,
	                            .languages = W("uk"),
	                            .disabilities = W("auditif,moteur"),
	                            .identified = 1,
	                            .full_name = W("Jean Secret"),
	                            .phone = W("0601020304"),
	                            .consent_reason = W("suivi")};
	field_errors fe = {0};
	assert_int_equal(visit_validate(f->s, &v, now_s(), &fe), 0);
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);

	buf first, second;
	buf_init(&first, 1 << 20);
	buf_init(&second, 1 << 20);
	export_all(f->s, &first, ';');
	assert_true(str_starts(first.data, "\xEF\xBB\xBFvisit_ref;Date;Heure;"));
	assert_non_null(strstr(first.data, ";Canaux d'accompagnement;"));
	assert_null(strstr(first.data, "Jean Secret")); /* never names nor contacts */
	assert_null(strstr(first.data, "0601020304"));
	assert_non_null(strstr(first.data, "'=HYPERLINK"));
	assert_non_null(strstr(first.data, "'-Déclaration"));
	assert_non_null(strstr(first.data, "ordinateur|tablette"));
	assert_non_null(strstr(first.data, ";France services Rennes;35238;"));
	assert_non_null(strstr(first.data, ";agent@example.org;"));

	demand_csv_errors e;
	assert_int_equal(import_text(f->s2, first.data, 0, 0, &e, f->a, NULL), 0);
	export_all(f->s2, &second, ';');
	assert_string_equal(first.data, second.data);
	buf_free(&first);
	buf_free(&second);

	size_t n = demand_csv_column_count();
	assert_true(n > 30);
	assert_string_equal(demand_csv_column_heading(0), "visit_ref");
	assert_null(demand_csv_column_heading(n));
#undef W
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_import, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_row_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_header, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_grouping, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_site_and_agent_columns, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fixed_agent_site, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_export_round_trip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
