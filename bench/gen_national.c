/*
 * gen_national.c: a national year of records for the statistics bench:
 * 2,840 sites over 101 départements, one adviser each, and about 9 million
 * demands (4.5 million visits, 1 to 4 demands each) in one calendar year,
 * written straight into a SQLite database made by `guichet init`.
 *
 * Speed matters more than realism of detail: one transaction, prepared
 * statements, no journal, and the secondary indexes dropped during the
 * inserts and built again at the end (each is then one sort). The values
 * follow the vocabularies of sql/003_accompaniment.sql, with skewed
 * choices (a few operators and themes take most demands, as in the
 * programme's figures) so that breakdowns look like real ones.
 *
 *   guichet init --db /tmp/national.db
 *   bench/gen_national /tmp/national.db [demands=9000000] [year=2025] [seed=1]
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NSITES 2840
#define NDEPS 101

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static unsigned below(unsigned n)
{
	return (unsigned)(next() % n);
}
/* Index i of n, the first ones most likely (weight 1/(i+1)). */
static unsigned skewed(unsigned n)
{
	double h = 0;
	for (unsigned i = 0; i < n; i++)
		h += 1.0 / (i + 1);
	double x = (double)(next() % 1000000) / 1e6 * h;
	for (unsigned i = 0; i < n; i++) {
		x -= 1.0 / (i + 1);
		if (x <= 0)
			return i;
	}
	return n - 1;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "gen_national: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(db, sql);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die(db, sql);
	return st;
}

static void step(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die(db, "insert");
	sqlite3_reset(st);
}

static const char *const OPS[] = {"cnaf",           "dgfip",      "ants",   "cnam",        "cnav",
                                  "france_travail", "msa",        "autre",  "agirc_arrco", "la_poste",
                                  "justice",        "interieur",  "urssaf", "anah",        "cheque_energie",
                                  "mdph",           "prefecture", "mairie", "ccas",        "mission_locale"};
static const char *const THEMES[] = {"social_sante",           "argent_impots",    "papiers_citoyennete",
                                     "travail_formation",      "logement",         "transports_mobilite",
                                     "famille_scolarite",      "etrangers_europe", "justice",
                                     "loisirs_sports_culture", "associations"};
static const char *const CHANNELS[] = {"guichet_spontane", "guichet_rdv", "telephone", "itinerant",
                                       "courrier_email",   "visio",       "domicile",  "rappel"};
static const char *const AGES[] = {"40_59", "25_39",          "60_69", "70_plus",
                                   "18_24", "non_communique", "12_17", ""};
static const char *const GENDERS[] = {"feminin", "masculin", "non_communique", ""};
static const char *const STATUS[] = {"retraite",       "sans_emploi", "en_emploi",
                                     "non_communique", "scolarise",   ""};
static const char *const LEVELS[] = {"fait_avec", "information", "fait_pour"};
static const char *const OUTCOMES[] = {"resolu", "a_finaliser_en_autonomie", "oriente", "doit_revenir",
                                       "escalade"};
static const char *const REFERRALS[] = {
    "operateur_en_charge",       "administration",    "aide_sociale", "autre", "insertion_professionnelle",
    "autre_mediation_numerique", "aide_aux_demarches"};
static const char *const EQUIP[] = {"",      "ordinateur", "telephone", "ordinateur,telephone",
                                    "aucun", "tablette"};
static const char *const INTERP[] = {"", "aucun", "proche", "application", "telephone", "collegue"};
static const char *const LANGS[] = {"ar", "en", "uk", "ru", "tr", "es", "pt", "ro", "fa", "ps"};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_national DB [demands] [year] [seed]\n");
		return 2;
	}
	long long target = argc > 2 ? atoll(argv[2]) : 9000000;
	int year = argc > 3 ? atoi(argv[3]) : 2025;
	if (argc > 4)
		rng += (uint64_t)atoll(argv[4]) * 0x9E3779B97F4A7C15ull;
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	sqlite3 *db;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die(db, "open");
	exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144");
	/* Keep the definitions of the secondary indexes, drop them, and build
	 * them again at the end. */
	sqlite3_stmt *ix =
	    prep(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
	             "AND tbl_name IN ('visits', 'visitors', 'demands')");
	char *idx_sql[64];
	int nidx = 0;
	char drop[256];
	while (sqlite3_step(ix) == SQLITE_ROW && nidx < 64) {
		idx_sql[nidx++] = strdup((const char *)sqlite3_column_text(ix, 1));
	}
	sqlite3_finalize(ix);
	ix = prep(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
	              "AND tbl_name IN ('visits', 'visitors', 'demands')");
	char *names[64];
	int nn = 0;
	while (sqlite3_step(ix) == SQLITE_ROW && nn < 64)
		names[nn++] = strdup((const char *)sqlite3_column_text(ix, 0));
	sqlite3_finalize(ix);
	for (int i = 0; i < nn; i++) {
		snprintf(drop, sizeof drop, "DROP INDEX %s", names[i]);
		exec(db, drop);
		free(names[i]);
	}

	time_t t0 = time(NULL);
	exec(db, "BEGIN");
	struct tm tm = {.tm_year = year - 1900, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1};
	int64_t start = (int64_t)mktime(&tm);
	tm = (struct tm){.tm_year = year + 1 - 1900, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1};
	int64_t end = (int64_t)mktime(&tm);
	int ndays = (int)((end - start + 7200) / 86400);

	sqlite3_stmt *site =
	    prep(db, "INSERT INTO sites (id, name, type, departement, created_at, updated_at) "
	             "VALUES (?, ?, 'france_services', ?, ?, ?)");
	sqlite3_stmt *user = prep(db, "INSERT INTO users (id, email, name, role, created_at, updated_at) "
	                              "VALUES (?, ?, ?, 'agent', ?, ?)");
	char buf[64], dep[4];
	double weight[NSITES], wsum = 0;
	for (int s = 1; s <= NSITES; s++) {
		int d = (s - 1) % NDEPS + 1;
		/* 01…19, 2A, 21…95, then 2B and the five overseas départements. */
		static const char *const extra[] = {"2B", "971", "972", "973", "974", "976"};
		if (d == 20)
			snprintf(dep, sizeof dep, "2A");
		else if (d > 95)
			snprintf(dep, sizeof dep, "%s", extra[d - 96]);
		else
			snprintf(dep, sizeof dep, "%02d", d);
		snprintf(buf, sizeof buf, "France Services %d", s);
		sqlite3_bind_int(site, 1, s);
		sqlite3_bind_text(site, 2, buf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(site, 3, dep, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(site, 4, start);
		sqlite3_bind_int64(site, 5, start);
		step(db, site);
		snprintf(buf, sizeof buf, "agent%d@bench.invalid", s);
		sqlite3_bind_int(user, 1, s);
		sqlite3_bind_text(user, 2, buf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(user, 3, buf, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(user, 4, start);
		sqlite3_bind_int64(user, 5, start);
		step(db, user);
		weight[s - 1] = 0.3 + (double)below(1000) / 370.0; /* 0.3 to 3 */
		wsum += weight[s - 1];
	}

	sqlite3_stmt *vr =
	    prep(db, "INSERT INTO visitors (id, site_id, age_bracket, birth_year, gender, social_status, "
	             "commune_insee, no_phone, no_email, no_device, no_internet, allophone, languages, "
	             "illiteracy, disabilities, very_precarious, identified, full_name, consent_reason, "
	             "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sqlite3_stmt *vi =
	    prep(db, "INSERT INTO visits (id, site_id, agent_id, visitor_id, started_at, channel, "
	             "duration_min, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)");
	sqlite3_stmt *de =
	    prep(db, "INSERT INTO demands (visit_id, site_id, operator_code, theme_code, procedure_id, "
	             "level, autonomy, equipment, interpreting, interpreting_lang, outcome, "
	             "referral_type, duration_min, created_at, updated_at) "
	             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	long long demands = 0, visits = 0;
	/* Demands per visit: 1 (30 %), 2 (45 %), 3 (20 %), 4 (5 %): 2.0 on average. */
	long long want_visits = target / 2;
	for (int s = 1; s <= NSITES && demands < target; s++) {
		long long nv = (long long)((double)want_visits * weight[s - 1] / wsum + 0.5);
		int dep_code = (s - 1) % NDEPS + 1;
		for (long long k = 0; k < nv && demands < target; k++) {
			visits++;
			int day = (int)below((unsigned)ndays);
			/* Mostly on weekdays, 8:30 to 18:30. */
			if ((day + 3) % 7 >= 5 && below(4))
				day = (day + 2) % ndays;
			tm = (struct tm){.tm_year = year - 1900,
			                 .tm_mon = 0,
			                 .tm_mday = 1 + day,
			                 .tm_hour = 8 + (int)below(10),
			                 .tm_min = (int)below(60),
			                 .tm_isdst = -1};
			int64_t at = (int64_t)mktime(&tm);
			int ident = below(100) < 4, allo = below(100) < 6;
			int by = below(3) == 0 ? 1930 + (int)below(80) : 0;
			sqlite3_bind_int64(vr, 1, visits);
			sqlite3_bind_int(vr, 2, s);
			sqlite3_bind_text(vr, 3, AGES[skewed(8)], -1, SQLITE_STATIC);
			sqlite3_bind_int(vr, 4, by);
			sqlite3_bind_text(vr, 5, GENDERS[skewed(4)], -1, SQLITE_STATIC);
			sqlite3_bind_text(vr, 6, STATUS[skewed(6)], -1, SQLITE_STATIC);
			snprintf(buf, sizeof buf, "%02d%03u", dep_code > 95 ? 97 : dep_code, 1 + below(300));
			sqlite3_bind_text(vr, 7, buf, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(vr, 8, below(100) < 8);
			sqlite3_bind_int(vr, 9, below(100) < 20);
			sqlite3_bind_int(vr, 10, below(100) < 12);
			sqlite3_bind_int(vr, 11, below(100) < 15);
			sqlite3_bind_int(vr, 12, allo);
			sqlite3_bind_text(vr, 13, allo ? LANGS[skewed(10)] : "", -1, SQLITE_STATIC);
			sqlite3_bind_int(vr, 14, below(100) < 7);
			sqlite3_bind_text(vr, 15, below(100) < 5 ? "moteur" : "", -1, SQLITE_STATIC);
			sqlite3_bind_int(vr, 16, below(100) < 9);
			sqlite3_bind_int(vr, 17, ident);
			sqlite3_bind_text(vr, 18, ident ? "Personne Suivie" : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(vr, 19, ident ? "suivi" : "", -1, SQLITE_STATIC);
			sqlite3_bind_int64(vr, 20, at);
			sqlite3_bind_int64(vr, 21, at);
			step(db, vr);
			sqlite3_bind_int64(vi, 1, visits);
			sqlite3_bind_int(vi, 2, s);
			sqlite3_bind_int(vi, 3, s);
			sqlite3_bind_int64(vi, 4, visits);
			sqlite3_bind_int64(vi, 5, at);
			sqlite3_bind_text(vi, 6, CHANNELS[skewed(8)], -1, SQLITE_STATIC);
			sqlite3_bind_int(vi, 7, 5 + (int)below(90));
			sqlite3_bind_int64(vi, 8, at);
			sqlite3_bind_int64(vi, 9, at);
			step(db, vi);
			unsigned r = below(100);
			int nd = r < 30 ? 1 : r < 75 ? 2 : r < 95 ? 3 : 4;
			for (int j = 0; j < nd; j++, demands++) {
				unsigned oc = skewed(5);
				const char *outcome = OUTCOMES[oc];
				unsigned lv = skewed(3);
				unsigned in = allo ? 1 + below(5) : below(8) == 0;
				sqlite3_bind_int64(de, 1, visits);
				sqlite3_bind_int(de, 2, s);
				sqlite3_bind_text(de, 3, OPS[skewed(20)], -1, SQLITE_STATIC);
				sqlite3_bind_text(de, 4, THEMES[skewed(11)], -1, SQLITE_STATIC);
				if (below(5))
					sqlite3_bind_int(de, 5, 1 + (int)below(30));
				else
					sqlite3_bind_null(de, 5);
				sqlite3_bind_text(de, 6, LEVELS[lv], -1, SQLITE_STATIC);
				sqlite3_bind_int(de, 7, (int)below(4));
				sqlite3_bind_text(de, 8, EQUIP[skewed(6)], -1, SQLITE_STATIC);
				sqlite3_bind_text(de, 9, INTERP[in], -1, SQLITE_STATIC);
				sqlite3_bind_text(de, 10, in > 1 ? LANGS[skewed(10)] : "", -1, SQLITE_STATIC);
				sqlite3_bind_text(de, 11, outcome, -1, SQLITE_STATIC);
				sqlite3_bind_text(de, 12, oc == 2 ? REFERRALS[skewed(7)] : "", -1,
				                  SQLITE_STATIC);
				sqlite3_bind_int(de, 13, 5 + (int)below(40));
				sqlite3_bind_int64(de, 14, at);
				sqlite3_bind_int64(de, 15, at);
				step(db, de);
			}
		}
		if (s % 284 == 0)
			fprintf(stderr, "gen_national: %d sites, %lld visits, %lld demands (%lds)\n", s,
			        visits, demands, (long)(time(NULL) - t0));
	}
	sqlite3_finalize(site);
	sqlite3_finalize(user);
	sqlite3_finalize(vr);
	sqlite3_finalize(vi);
	sqlite3_finalize(de);
	exec(db, "COMMIT");
	fprintf(stderr, "gen_national: rows written in %lds; building %d indexes\n", (long)(time(NULL) - t0),
	        nidx);
	for (int i = 0; i < nidx; i++) {
		exec(db, idx_sql[i]);
		free(idx_sql[i]);
	}
	exec(db, "ANALYZE");
	sqlite3_close(db);
	printf("gen_national: %d sites, %lld visits, %lld demands in %d, %lds\n", NSITES, visits, demands,
	       year, (long)(time(NULL) - t0));
	return 0;
}
