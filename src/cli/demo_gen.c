/*
 * demo_gen.c: the activity of the demonstration sites: how many visits a
 * day brings, who comes, what for, how it ends; and the médiathèque's
 * workshops. The shares are REFERENCE.md section 1's; where the reference
 * gives none (channels, levels, durations), they are a plausible guess,
 * written as weights so that they read as proportions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo_data.h"
#include "vocab/enums.h"
#include "domain/visit.h"

/* A code drawn from parallel arrays of codes and weights. */
#define PICK(r, codes, weights) ((codes)[demo_rng_weighted((r), (weights), COUNT(weights))])

enum {
	SITE_REDON = DEMO_SITE_REDON,
	SITE_BUS = DEMO_SITE_BUS,
	SITE_BAIN = DEMO_SITE_BAIN,
	SITE_VITRE = DEMO_SITE_VITRE,
	NSITES = DEMO_NSITES
};

static const demo_site *site_def(size_t site)
{
	size_t n;
	return &demo_sites(&n)[site];
}

/* ------------------------------------------------------------------ */
/* Where the visitors live, and how each site's day runs. */

/* The bus stops: one a weekday, Monday first. */
static const char *const bus_stop_code[5] = {"35223", "35211", "35169", "35133", "35297"};
static const char *const bus_stop_name[5] = {"Plélan-le-Grand", "Paimpont", "Maxent", "Iffendic",
                                             "Saint-Méen-le-Grand"};
static const char *const bus_around[] = {"35223", "35211", "35169", "35133", "35297", "35340",
                                         "35187", "35188", "35331", "35319", "35037", "35184"};

typedef struct residence {
	const char *code; /* "" when the person did not say */
	double weight;
} residence;

/* Redon sits where three départements meet: people cross from 44 and 56. */
static const residence around_redon[] = {{"35236", 45}, {"35013", 12}, {"35294", 8},
                                         {"35237", 5},  {"44185", 10}, {"56001", 6},
                                         {"56223", 5},  {"35219", 5},  {"", 4}};
static const residence around_bain[] = {{"35012", 50}, {"35221", 10}, {"35090", 8},
                                        {"35322", 6},  {"35332", 5},  {"35106", 5},
                                        {"35124", 8},  {"35219", 4},  {"", 4}};
static const residence around_vitre[] = {{"35360", 60}, {"35109", 10}, {"35006", 10},
                                         {"35068", 8},  {"35125", 8},  {"", 4}};

/* How a site's day runs, in the order of demo_sites(): opening in minutes
 * after midnight, the share of visits in the morning, and how people reach
 * it (ENUM_CHANNEL order). */
typedef struct site_rhythm {
	int am_open, am_close, pm_open, pm_close;
	double morning;
	double channel[8];
} site_rhythm;

static const char *const channels[8] = {"guichet_spontane", "guichet_rdv", "telephone",      "itinerant",
                                        "domicile",         "visio",       "courrier_email", "rappel"};

static const site_rhythm rhythm[NSITES] = {
    {9 * 60, 12 * 60 + 30, 13 * 60 + 30, 17 * 60, 0.62, {58, 25, 10, 0, 1, 1, 3, 2}},
    {9 * 60 + 30, 12 * 60 + 30, 13 * 60 + 30, 16 * 60 + 30, 0.62, {0, 0, 8, 90, 2, 0, 0, 0}},
    {8 * 60 + 30, 12 * 60, 13 * 60 + 30, 17 * 60 + 30, 0.65, {72, 10, 15, 0, 0, 0, 3, 0}},
    {10 * 60, 12 * 60 + 30, 14 * 60, 18 * 60, 0.35, {55, 35, 5, 0, 0, 0, 5, 0}},
};

/* Monday is the busiest day, Friday the quietest; August the quietest
 * month, spring (tax returns, passports before summer) the busiest. */
static const double weekday_factor[7] = {1.25, 1.05, 0.95, 1.0, 0.75, 0, 0};
static const double month_factor[12] = {1.05, 1.0, 1.05, 1.15, 1.15, 1.05, 0.85, 0.55, 1.1, 1.05, 1.0, 0.8};

/* ------------------------------------------------------------------ */
/* Operators and procedures. */

/* Shares of demands by operator (REFERENCE.md section 1: France Titres 19 %,
 * CAF 16 %, Assurance Maladie 16 %, DGFiP 15 %, with the CNAV about 80 %).
 * The weights are set so that, after the factors of operator_factor (the
 * town hall's identity cards, the tax season), a year lands near those
 * shares. "" stands for the digital procedures that have no operator. */
static const struct {
	const char *code;
	double weight;
	const char *theme; /* for a demand written as free text */
	const char *free_text;
} operator_mix[] = {
    {"ants", 17.5, "papiers_citoyennete", "Suivi d'une demande de titre"},
    {"cnaf", 18, "social_sante", "Question sur un courrier de la CAF"},
    {"cnam", 17.5, "social_sante", "Mise à jour du compte ameli"},
    {"dgfip", 15, "argent_impots", "Question sur un courrier des impôts"},
    {"cnav", 15.5, "social_sante", "Relevé de carrière"},
    {"france_travail", 5, "travail_formation", "Mise à jour du dossier France Travail"},
    {"msa", 2, "social_sante", "Prestations MSA"},
    {"agirc_arrco", 2, "social_sante", "Retraite complémentaire"},
    {"la_poste", 1, "papiers_citoyennete", "Identité Numérique La Poste"},
    {"justice", 1.2, "justice", "Question sur une procédure"},
    {"interieur", 0.5, "papiers_citoyennete", "Procuration de vote"},
    {"urssaf", 0.8, "travail_formation", "Déclaration de micro-entrepreneur"},
    {"anah", 0.8, "logement", "Suivi d'un dossier de travaux"},
    {"cheque_energie", 0.8, "logement", "Utiliser son chèque énergie"},
    {"mdph", 1, "social_sante", "Renouvellement d'un dossier MDPH"},
    {"ofpra", 0.3, "etrangers_europe", "Suivi d'une demande d'asile"},
    {"banque_de_france", 0.4, "argent_impots", "Dossier de surendettement"},
    {"prefecture", 1, "etrangers_europe", "Rendez-vous en préfecture"},
    {"mairie", 0.5, "papiers_citoyennete", "Inscription sur les listes électorales"},
    {"ccas", 0.5, "social_sante", "Demande d'aide sociale facultative"},
    {"mission_locale", 0.4, "travail_formation", "Accompagnement d'un jeune"},
    {"autre", 0.8, "argent_impots", "Résiliation d'un abonnement"},
    {"", 3, "papiers_citoyennete", "Aide pour un compte en ligne"},
};
#define NMIX COUNT(operator_mix)

static size_t mix_index(const char *code)
{
	for (size_t i = 0; i < NMIX; i++)
		if (strcmp(operator_mix[i].code, code) == 0)
			return i;
	return NMIX;
}

/* A demand always names an operator (the store requires one): the
 * procedures that have none by default (an e-mail address, FranceConnect)
 * are recorded under "autre". */
static const char *stored_code(size_t k)
{
	return operator_mix[k].code[0] ? operator_mix[k].code : "autre";
}

/* What changes the mix at a kind of site or in a season. */
static double operator_factor(size_t site, size_t k, int month)
{
	const char *code = operator_mix[k].code;
	double f = 1;
	if (site == SITE_BAIN && strcmp(code, "ants") == 0)
		f *= 1.8; /* the town hall takes identity cards and passports */
	if (site == SITE_BAIN && strcmp(code, "mairie") == 0)
		f *= 4;
	if (site == SITE_VITRE && code[0] == '\0')
		f *= 5; /* a médiathèque's help desk: mostly e-mail and accounts */
	if (site == SITE_BUS && strcmp(code, "msa") == 0)
		f *= 3; /* farming country */
	if (strcmp(code, "dgfip") == 0 && (month == 4 || month == 5))
		f *= 2.2; /* income tax returns */
	if (strcmp(code, "dgfip") == 0 && month == 9)
		f *= 1.3; /* tax notices */
	if (strcmp(code, "ants") == 0 && month >= 3 && month <= 6)
		f *= 1.3; /* passports before the summer */
	return f;
}

/* ------------------------------------------------------------------ */
/* The generator's state. */

typedef struct pool_person {
	int64_t id; /* 0 until stored */
	int64_t consent_at;
	int birth_year;
	int female;
	const char *first, *last;
	const char *commune;
	int no_email;
	const char *consent;
	char phone[16];
	int autonomy; /* the level of their last evaluated visit, 0 before the first */
} pool_person;

typedef struct site_state {
	demo_rng rng;
	demo_rng answers; /* the satisfaction survey's own stream */
	int64_t site_id;
	int64_t staff[DEMO_STAFF_PER_SITE];
	size_t nstaff;
	pool_person pool[DEMO_IDENTIFIED_PER_SITE];
} site_state;

struct demo_gen {
	const demo_catalog *cat;
	int64_t first_day, last_day;
	int op_present[NMIX]; /* the operator is in the store and active */
	/* Procedures of each operator of the mix, as indexes in cat->procedures. */
	size_t *procs[NMIX];
	size_t nprocs[NMIX];
	site_state site[NSITES];
	/* Satisfaction answers drawn with the visits, for the command to
	 * store once the visits are committed. */
	store_satisfaction *answers;
	size_t nanswers, capanswers;
};

static const char *const women[] = {"Marie",   "Monique", "Fatima",  "Nathalie", "Olena", "Yvonne",
                                    "Aminata", "Thi Lan", "Josiane", "Tsega",    "Odile", "Samira"};
static const char *const men[] = {"Jean",  "Bernard", "Mohamed", "Ahmad",  "Sébastien", "Mehdi",
                                  "Rahim", "Joseph",  "Mykola",  "Gérard", "Alain",     "Daniel"};
static const char *const surnames[] = {"Le Goff", "Martin",  "Benali",  "Rouxel",  "Kovalenko", "Durand",
                                       "Guillou", "Haidari", "Diallo",  "Le Roux", "Tesfay",    "Nguyen",
                                       "Lemoine", "Gicquel", "Bernard", "Pichon",  "Lorand",    "Briand"};

static const char *draw_commune(demo_rng *r, size_t site, int64_t day)
{
	const residence *list;
	size_t n;
	switch (site) {
	case SITE_BUS:
		if (demo_rng_chance(r, 0.65))
			return bus_stop_code[demo_weekday(day) % 5];
		if (demo_rng_chance(r, 0.05))
			return "";
		return bus_around[demo_rng_range(r, 0, (int64_t)COUNT(bus_around) - 1)];
	case SITE_REDON:
		list = around_redon, n = COUNT(around_redon);
		break;
	case SITE_BAIN:
		list = around_bain, n = COUNT(around_bain);
		break;
	default:
		list = around_vitre, n = COUNT(around_vitre);
	}
	double w[16];
	for (size_t i = 0; i < n; i++)
		w[i] = list[i].weight;
	return list[demo_rng_weighted(r, w, n)].code;
}

/* An age: 6 % under 26, 58 % over 55 (REFERENCE.md section 1). */
static int draw_age(demo_rng *r)
{
	static const int lo[] = {12, 18, 26, 40, 55, 60, 70}, hi[] = {17, 25, 39, 54, 59, 69, 89};
	static const double w[] = {1, 5, 14, 22, 10, 22, 26};
	size_t k = demo_rng_weighted(r, w, COUNT(w));
	return (int)demo_rng_range(r, lo[k], hi[k]);
}

demo_gen *demo_gen_new(uint64_t seed, const demo_catalog *cat, int64_t first_day, int64_t last_day)
{
	demo_gen *g = xcalloc(1, sizeof *g);
	g->cat = cat;
	g->first_day = first_day;
	g->last_day = last_day;
	for (size_t k = 0; k < NMIX; k++) {
		for (size_t i = 0; i < cat->noperators; i++)
			if (cat->operators[i].active && strcmp(cat->operators[i].code, stored_code(k)) == 0)
				g->op_present[k] = 1;
		g->procs[k] = xcalloc(cat->nprocedures + 1, sizeof *g->procs[k]);
	}
	for (size_t i = 0; i < cat->nprocedures; i++) {
		size_t k = mix_index(cat->procedures[i].operator_code);
		if (k < NMIX && cat->procedures[i].active)
			g->procs[k][g->nprocs[k]++] = i;
	}
	int year;
	int month, mday;
	demo_civil(first_day, &year, &month, &mday);
	for (size_t s = 0; s < NSITES; s++) {
		site_state *st = &g->site[s];
		/* Streams far apart: one per site, one for the people of the pools. */
		demo_rng_seed(&st->rng, seed ^ (0x5851f42d4c957f2dULL * (s + 1)));
		demo_rng people;
		demo_rng_seed(&people, seed ^ (0x2545f4914f6cdd1dULL * (s + 101)));
		demo_rng_seed(&st->answers, seed ^ (0x9e3779b97f4a7c15ULL * (s + 201)));
		for (size_t k = 0; k < DEMO_IDENTIFIED_PER_SITE; k++) {
			pool_person *p = &st->pool[k];
			p->female = demo_rng_chance(&people, 0.56);
			p->first = p->female ? women[demo_rng_range(&people, 0, COUNT(women) - 1)]
			                     : men[demo_rng_range(&people, 0, COUNT(men) - 1)];
			p->last = surnames[demo_rng_range(&people, 0, COUNT(surnames) - 1)];
			p->birth_year = year - draw_age(&people);
			p->commune = draw_commune(&people, s, first_day);
			p->no_email = demo_rng_chance(&people, 0.3);
			p->consent = demo_rng_chance(&people, 0.7) ? "suivi" : "rappel";
			/* 06 39 98 xx xx: numbers the regulator keeps for fiction. */
			snprintf(p->phone, sizeof p->phone, "06 39 98 %02d %02d",
			         (int)demo_rng_range(&people, 0, 99), (int)demo_rng_range(&people, 0, 99));
		}
	}
	return g;
}

void demo_gen_free(demo_gen *g)
{
	if (!g)
		return;
	for (size_t k = 0; k < NMIX; k++)
		free(g->procs[k]);
	free(g->answers);
	free(g);
}

void demo_gen_staff(demo_gen *g, size_t site, int64_t site_id, const int64_t *ids, size_t n)
{
	site_state *st = &g->site[site];
	st->site_id = site_id;
	st->nstaff = n < DEMO_STAFF_PER_SITE ? n : DEMO_STAFF_PER_SITE;
	memcpy(st->staff, ids, st->nstaff * sizeof *ids);
}

int64_t demo_gen_pool_id(const demo_gen *g, size_t site, int pool)
{
	return g->site[site].pool[pool].id;
}

void demo_gen_pool_set(demo_gen *g, size_t site, int pool, int64_t id)
{
	g->site[site].pool[pool].id = id;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

size_t demo_gen_day(demo_gen *g, size_t site, int64_t day, int64_t *starts, size_t max)
{
	int wd = demo_weekday(day);
	if (wd >= 5 || demo_is_holiday(day))
		return 0;
	int y, m, d;
	demo_civil(day, &y, &m, &d);
	site_state *st = &g->site[site];
	const site_rhythm *rh = &rhythm[site];
	/* The activity grows over the period (+27 % over a year), as the
	 * programme's did. */
	double span = (double)(g->last_day - g->first_day);
	double progress =
	    span < 365 ? (double)(day - g->last_day + 365) / 365 : (double)(day - g->first_day) / span;
	double mean = site_def(site)->visits_per_day * weekday_factor[wd] * month_factor[m - 1] *
	              (0.88 + 0.24 * progress);
	size_t n = (size_t)demo_rng_poisson(&st->rng, mean);
	if (n > max)
		n = max;
	char date[11];
	demo_date_text(day, date);
	for (size_t i = 0; i < n; i++) {
		int morning = demo_rng_chance(&st->rng, rh->morning);
		int open = morning ? rh->am_open : rh->pm_open,
		    close = (morning ? rh->am_close : rh->pm_close) - 15;
		/* Two uniform draws averaged: arrivals peak in the middle of a
		 * half-day. */
		double u = (demo_rng_unit(&st->rng) + demo_rng_unit(&st->rng)) / 2;
		int minute = open + (int)(u * (close - open));
		char hm[6];
		snprintf(hm, sizeof hm, "%02u:%02u", (unsigned)minute / 60 % 24, (unsigned)minute % 60);
		if (time_parse_local(date, hm, &starts[i]) != 0)
			return 0;
	}
	qsort(starts, n, sizeof *starts, cmp_i64);
	return n;
}

/* ------------------------------------------------------------------ */
/* One visit. */

/* A copy in the arena: validation may normalise strings in place. */
#define DUP(field, value)                                                                                    \
	do {                                                                                                 \
		if (!((field) = arena_strdup(a, (value))))                                                   \
			return -1;                                                                           \
	} while (0)

static const char *const languages[] = {"ar", "uk", "fa", "ps", "ti"};
static const double language_w[] = {35, 20, 20, 15, 10};
static const char *const disabilities[] = {"moteur", "auditif", "visuel", "psychique", "mental"};
static const double disability_w[] = {35, 20, 15, 15, 15};

static const char *status_of(demo_rng *r, int age)
{
	static const char *const codes[] = {"scolarise", "sans_emploi", "en_emploi", "retraite",
	                                    "non_communique"};
	static const double young[] = {30, 35, 30, 0, 5}, adult[] = {0, 38, 47, 0, 15},
	                    senior[] = {0, 20, 20, 50, 10}, old[] = {0, 0, 0, 92, 8},
	                    unknown[] = {5, 15, 15, 25, 40};
	if (age < 0)
		return PICK(r, codes, unknown);
	if (age < 18)
		return "scolarise";
	if (age < 26)
		return PICK(r, codes, young);
	if (age < 60)
		return PICK(r, codes, adult);
	return age < 65 ? PICK(r, codes, senior) : PICK(r, codes, old);
}

/* The anonymous profile; age is -1 when the person did not say. */
static int draw_profile(demo_rng *r, arena *a, size_t site, int64_t day, int year, store_visitor *p, int *age)
{
	*age = demo_rng_chance(r, 0.03) ? -1 : draw_age(r);
	static const char *const genders[] = {"feminin", "masculin", "non_communique"};
	static const double gender_w[] = {56, 42, 2};
	DUP(p->gender, PICK(r, genders, gender_w));
	/* Advisers note a birth year when the person gives it, else a bracket. */
	p->birth_year = *age >= 0 && demo_rng_chance(r, 0.75) ? year - *age : 0;
	DUP(p->age_bracket, *age >= 0 ? enum_age_bracket_of(year - *age, year) : "non_communique");
	DUP(p->social_status, status_of(r, *age));
	DUP(p->commune_insee, draw_commune(r, site, day));
	p->very_precarious = demo_rng_chance(r, 0.043);
	p->no_device = demo_rng_chance(r, 0.13 + (*age >= 70 ? 0.22 : 0) + (p->very_precarious ? 0.35 : 0));
	p->no_internet = demo_rng_chance(r, p->no_device ? 0.35 : 0.045);
	p->no_email = demo_rng_chance(r, p->no_device ? 0.3 : 0.08);
	p->no_phone = demo_rng_chance(r, p->very_precarious ? 0.2 : 0.025);
	p->allophone = demo_rng_chance(r, 0.085);
	const char *lang = "";
	if (p->allophone) {
		lang = PICK(r, languages, language_w);
		/* Some Ukrainians speak Russian too, some Afghans both Dari and Pashto. */
		if (strcmp(lang, "uk") == 0 && demo_rng_chance(r, 0.3))
			lang = "uk,ru";
		else if (strcmp(lang, "fa") == 0 && demo_rng_chance(r, 0.2))
			lang = "fa,ps";
	}
	DUP(p->languages, lang);
	p->illiteracy = demo_rng_chance(r, 0.053);
	const char *dis = "";
	if (demo_rng_chance(r, 0.075)) {
		size_t k = demo_rng_weighted(r, disability_w, COUNT(disability_w));
		dis = disabilities[k];
		if (demo_rng_chance(r, 0.1))
			dis = arena_printf(a, "%s,%s", dis, disabilities[(k + 1) % COUNT(disabilities)]);
	}
	DUP(p->disabilities, dis ? dis : "");
	DUP(p->full_name, "");
	DUP(p->phone, "");
	DUP(p->email, "");
	DUP(p->consent_reason, "");
	return 0;
}

/* The profile of someone who agreed to be identified; the same each time. */
static int pool_profile(arena *a, const pool_person *pp, int year, int64_t started_at, store_visitor *p,
                        int *age)
{
	*age = year - pp->birth_year;
	DUP(p->gender, pp->female ? "feminin" : "masculin");
	p->birth_year = pp->birth_year;
	DUP(p->age_bracket, enum_age_bracket_of(pp->birth_year, year));
	DUP(p->social_status, *age >= 63 ? "retraite" : "sans_emploi");
	DUP(p->commune_insee, pp->commune);
	p->no_email = pp->no_email;
	DUP(p->languages, "");
	DUP(p->disabilities, "");
	p->identified = 1;
	char *name = arena_printf(a, "%s %s", pp->first, pp->last);
	if (!name)
		return -1;
	p->full_name = name;
	DUP(p->phone, pp->phone);
	char *email = pp->no_email ? arena_strdup(a, "")
	                           : arena_printf(a, "%c.%s@example.org", pp->first[0] | 0x20, pp->last);
	if (!email)
		return -1;
	/* The example address: lower case, spaces as dots. */
	for (char *c = email; *c; c++)
		*c = *c == ' ' ? '.' : (*c >= 'A' && *c <= 'Z') ? (char)(*c | 0x20) : *c;
	p->email = email;
	DUP(p->consent_reason, pp->consent);
	p->consent_at = pp->consent_at ? pp->consent_at : started_at;
	return 0;
}

static int draw_duration(demo_rng *r, const char *level, int slow)
{
	static const int minutes[] = {15, 30, 45, 60, 90};
	static const double info[] = {70, 30, 0, 0, 0}, with[] = {15, 40, 25, 15, 5},
	                    done[] = {10, 40, 25, 20, 5};
	const double *w = strcmp(level, "information") == 0 ? info
	                  : strcmp(level, "fait_avec") == 0 ? with
	                                                    : done;
	int d = minutes[demo_rng_weighted(r, w, COUNT(minutes))];
	return slow && demo_rng_chance(r, 0.5) ? d + 15 : d;
}

static int draw_demand(demo_gen *g, demo_rng *r, arena *a, size_t site, int month, const char *channel,
                       const store_visitor *p, int age, store_demand *d)
{
	double w[NMIX];
	for (size_t k = 0; k < NMIX; k++)
		w[k] = g->op_present[k] ? operator_mix[k].weight * operator_factor(site, k, month) : 0;
	size_t k = demo_rng_weighted(r, w, NMIX);
	DUP(d->operator_code, stored_code(k));
	/* A procedure of the catalog, the first ones of an operator more often;
	 * sometimes a question that fits none, written as free text. */
	if (g->nprocs[k] > 0 && !demo_rng_chance(r, 0.06)) {
		double pw[64];
		size_t n = g->nprocs[k] < COUNT(pw) ? g->nprocs[k] : COUNT(pw);
		for (size_t i = 0; i < n; i++)
			pw[i] = 1.0 / (1.0 + 0.5 * (double)i);
		const store_procedure *proc = &g->cat->procedures[g->procs[k][demo_rng_weighted(r, pw, n)]];
		d->procedure_id = proc->id;
		DUP(d->procedure_text, "");
		DUP(d->theme_code, proc->theme_code);
	} else {
		d->procedure_id = 0;
		DUP(d->procedure_text, operator_mix[k].free_text);
		DUP(d->theme_code, operator_mix[k].theme);
	}

	static const char *const levels[] = {"information", "fait_avec", "fait_pour"};
	static const double level_w[] = {30, 48, 22}, phone_w[] = {60, 20, 20};
	int remote = strcmp(channel, "telephone") == 0 || strcmp(channel, "courrier_email") == 0 ||
	             strcmp(channel, "rappel") == 0;
	const char *level = remote ? PICK(r, levels, phone_w) : PICK(r, levels, level_w);
	DUP(d->level, level);
	const char *mandate = "", *ref = "";
	if (strcmp(level, "fait_pour") == 0) {
		static const char *const mandates[] = {"papier", "sms", "aidants_connect"};
		static const double mandate_w[] = {45, 15, 40};
		mandate = PICK(r, mandates, mandate_w);
		if (strcmp(mandate, "aidants_connect") == 0 &&
		    !(ref = arena_printf(a, "AC-%06d", (int)demo_rng_range(r, 0, 999999))))
			return -1;
	}
	DUP(d->mandate_type, mandate);
	DUP(d->mandate_ref, ref);

	/* Digital autonomy: lower for the oldest and for those with no device. */
	static const double auto_w[] = {10, 35, 35, 20}, low_w[] = {10, 55, 28, 7},
	                    young_w[] = {10, 15, 35, 40}, info_w[] = {50, 20, 20, 10};
	const double *aw = strcmp(level, "information") == 0 ? info_w
	                   : p->no_device || age >= 70       ? low_w
	                   : age >= 0 && age < 40            ? young_w
	                                                     : auto_w;
	d->autonomy = (int64_t)demo_rng_weighted(r, aw, 4);

	static const char *const equipment[] = {"ordinateur", "telephone", "tablette", "aucun",
	                                        "ordinateur,telephone"};
	static const double equip_w[] = {55, 22, 5, 8, 10};
	const char *eq = strcmp(channel, "telephone") == 0 || strcmp(channel, "rappel") == 0 ? "telephone"
	                 : strcmp(level, "information") == 0 && demo_rng_chance(r, 0.6)
	                     ? "aucun"
	                     : PICK(r, equipment, equip_w);
	DUP(d->equipment, eq);

	const char *interp = "aucun", *interp_lang = "";
	if (p->allophone) {
		static const char *const ways[] = {"aucun", "telephone", "collegue", "proche", "application"};
		static const double way_w[] = {20, 15, 10, 25, 30};
		interp = PICK(r, ways, way_w);
		if (strcmp(interp, "aucun") != 0)
			interp_lang = strcmp(p->languages, "uk,ru") == 0   ? "uk"
			              : strcmp(p->languages, "fa,ps") == 0 ? "fa"
			                                                   : p->languages;
	}
	DUP(d->interpreting, interp);
	DUP(d->interpreting_lang, interp_lang);

	/* About 82 % solved on site (REFERENCE.md section 1). */
	static const char *const outcomes[] = {"resolu", "a_finaliser_en_autonomie", "doit_revenir",
	                                       "oriente", "escalade"};
	static const double out_info[] = {90, 2, 2, 5, 1}, out_with[] = {80, 8, 6, 4, 2},
	                    out_for[] = {80, 1, 7, 5, 7};
	const double *ow = strcmp(level, "information") == 0 ? out_info
	                   : strcmp(level, "fait_avec") == 0 ? out_with
	                                                     : out_for;
	const char *outcome = outcomes[demo_rng_weighted(r, ow, COUNT(outcomes))];
	/* Only a named operator has a back office to escalate to. */
	if (strcmp(outcome, "escalade") == 0 && strcmp(stored_code(k), "autre") == 0)
		outcome = "oriente";
	DUP(d->outcome, outcome);
	const char *referral = "";
	if (strcmp(outcome, "oriente") == 0) {
		static const char *const referrals[] = {
		    "administration", "autre_mediation_numerique", "operateur_en_charge",
		    "aide_sociale",   "insertion_professionnelle", "aide_aux_demarches",
		    "autre"};
		static const double referral_w[] = {20, 6, 35, 20, 8, 8, 3};
		referral = PICK(r, referrals, referral_w);
	}
	DUP(d->referral_type, referral);
	d->duration_min = draw_duration(r, level, p->allophone || p->illiteracy);

	static const char *const notes[] = {"Dossier incomplet : revenir avec le dernier avis d'imposition.",
	                                    "Pièces justificatives scannées et envoyées.",
	                                    "Mot de passe réinitialisé, compte débloqué.",
	                                    "Rendez-vous pris avec le conseiller de l'organisme.",
	                                    "Courrier expliqué, aucune démarche à faire."};
	const char *note = demo_rng_chance(r, 0.04) ? notes[demo_rng_range(r, 0, COUNT(notes) - 1)] : "";
	DUP(d->note, note);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Satisfaction answers: about one visit in eight answers the survey the
 * same day, most of them at the kiosk; nearly everyone is satisfied, as
 * the programme's own surveys find. A stream of their own, so that the
 * visits are those the same seed gave before the survey existed. */

static const char *const comments_good[] = {"Très bon accueil, merci.", "Conseillère patiente et à l'écoute.",
                                            "Démarche faite en quelques minutes.", "Merci pour votre aide."};
static const char *const comments_mid[] = {"Un peu d'attente avant d'être reçu.",
                                           "Il faudra que je revienne avec un document."};
static const char *const comments_bad[] = {"Trop d'attente ce matin.", "Je n'ai pas pu finir ma démarche."};

static void draw_answer(demo_gen *g, size_t site, const store_visit *v, const char *date)
{
	demo_rng *r = &g->site[site].answers;
	if (!demo_rng_chance(r, 0.12))
		return;
	static const char *const sources[] = {"borne", "qr", "papier"};
	static const double source_w[] = {60, 25, 15}, overall_w[] = {3, 11, 86};
	static const double clarity_w[3][5] = {{35, 30, 20, 10, 5}, {5, 15, 40, 30, 10}, {1, 2, 7, 35, 55}};
	store_satisfaction a = {
	    .site_id = v->site_id, .comment = "", .source = (char *)PICK(r, sources, source_w)};
	a.overall = (int)demo_rng_weighted(r, overall_w, 3) + 1;
	if (demo_rng_chance(r, 0.7))
		a.clarity = (int)demo_rng_weighted(r, clarity_w[a.overall - 1], 5) + 1;
	if (demo_rng_chance(r, 0.05)) {
		const char *const *list = a.overall == 3   ? comments_good
		                          : a.overall == 2 ? comments_mid
		                                           : comments_bad;
		size_t n = a.overall == 3   ? COUNT(comments_good)
		           : a.overall == 2 ? COUNT(comments_mid)
		                            : COUNT(comments_bad);
		a.comment = (char *)list[demo_rng_range(r, 0, (int64_t)n - 1)];
	}
	int64_t left = v->started_at + v->duration_min * 60;
	if (strcmp(a.source, "papier") == 0) {
		/* Typed later by the adviser, dated noon of the day it was given. */
		a.recorded_by = v->agent_id;
		if (time_parse_local(date, "12:00", &a.answered_at) != 0)
			return;
	} else {
		int qr = strcmp(a.source, "qr") == 0;
		a.answered_at = left + 60 * demo_rng_range(r, 1, qr ? 180 : 10);
		char d[11];
		time_local_date(a.answered_at, d);
		if (strcmp(d, date) != 0)
			a.answered_at = left;
	}
	a.created_at = a.answered_at;
	if (g->nanswers == g->capanswers) {
		g->capanswers = g->capanswers ? g->capanswers * 2 : 256;
		g->answers = xrealloc(g->answers, g->capanswers * sizeof *g->answers);
	}
	g->answers[g->nanswers++] = a;
}

const store_satisfaction *demo_gen_answers(const demo_gen *g, size_t *n)
{
	*n = g->nanswers;
	return g->answers;
}

int demo_gen_visit(demo_gen *g, arena *a, size_t site, int64_t started_at, store_visit *v, int *pool)
{
	site_state *st = &g->site[site];
	demo_rng *r = &st->rng;
	char date[11];
	time_local_date(started_at, date);
	int64_t day;
	if (demo_date_parse(date, &day) != 0)
		return -1;
	int year, month, mday;
	demo_civil(day, &year, &month, &mday);

	memset(v, 0, sizeof *v);
	v->site_id = st->site_id;
	/* The agents record most visits; the manager takes some. */
	size_t who = st->nstaff > 2 && demo_rng_chance(r, 0.1) ? 2 : (size_t)demo_rng_range(r, 0, 1);
	v->agent_id = who < st->nstaff ? st->staff[who] : (st->nstaff ? st->staff[0] : 0);
	v->started_at = started_at;
	const char *channel = PICK(r, channels, rhythm[site].channel);
	DUP(v->channel, channel);
	const char *place = strcmp(channel, "itinerant") == 0  ? bus_stop_name[demo_weekday(day) % 5]
	                    : strcmp(channel, "domicile") == 0 ? "Domicile"
	                                                       : "";
	DUP(v->place, place);

	int age;
	*pool = -1;
	if (demo_rng_chance(r, 0.06)) {
		*pool = (int)demo_rng_range(r, 0, DEMO_IDENTIFIED_PER_SITE - 1);
		pool_person *pp = &st->pool[*pool];
		if (pool_profile(a, pp, year, started_at, &v->visitor, &age) != 0)
			return -1;
		if (!pp->consent_at)
			pp->consent_at = started_at;
		v->visitor_id = pp->id;
	} else if (draw_profile(r, a, site, day, year, &v->visitor, &age) != 0) {
		return -1;
	}
	v->visitor.site_id = st->site_id;

	static const double ndemands_w[] = {82, 15, 3}; /* 1.2 demands a visit */
	size_t n = demo_rng_weighted(r, ndemands_w, COUNT(ndemands_w)) + 1;
	v->demands = arena_alloc(a, n * sizeof *v->demands);
	if (!v->demands)
		return -1;
	v->ndemands = n;
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		store_demand *d = &v->demands[i];
		if (draw_demand(g, r, a, site, month, channel, &v->visitor, age, d) != 0)
			return -1;
		d->site_id = st->site_id;
		total += d->duration_min;
	}
	if (*pool >= 0) {
		/* People who come back are taught: their autonomy tends to rise
		 * from one evaluated visit to the next, and sometimes falls back. */
		pool_person *pp = &st->pool[*pool];
		int level = pp->autonomy;
		if (level && demo_rng_chance(r, 0.35))
			level += level < 3;
		else if (level && demo_rng_chance(r, 0.08))
			level -= level > 1;
		for (size_t i = 0; i < n; i++)
			if (v->demands[i].autonomy) {
				if (level)
					v->demands[i].autonomy = level;
				pp->autonomy = (int)v->demands[i].autonomy;
			}
	}
	v->duration_min = total < VISIT_MAX_DURATION_MIN ? total : VISIT_MAX_DURATION_MIN;
	/* Recorded as the person leaves. */
	v->created_at = v->updated_at = started_at + v->duration_min * 60;
	v->visitor.created_at = v->visitor.updated_at = v->created_at;
	for (size_t i = 0; i < n; i++)
		v->demands[i].created_at = v->demands[i].updated_at = v->created_at;
	draw_answer(g, site, v, date);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Workshops: the médiathèque holds one every Thursday afternoon and one on
 * the first and third Tuesday mornings, none in August. */

static double topic_weight(const char *code)
{
	static const char *const favourites[] = {"prendre_en_main_materiel",  "email",
	                                         "navigation_internet",       "securite_numerique",
	                                         "demarches_administratives", "sante"};
	for (size_t i = 0; i < COUNT(favourites); i++)
		if (strcmp(code, favourites[i]) == 0)
			return 4;
	return 1;
}

int demo_gen_workshop(demo_gen *g, arena *a, size_t site, int64_t day, store_workshop *w)
{
	if (strcmp(site_def(site)->type, "mediatheque") != 0 || demo_is_holiday(day) || g->cat->ntopics == 0)
		return 0;
	int y, m, d, wd = demo_weekday(day);
	demo_civil(day, &y, &m, &d);
	int tuesday = wd == 1 && (d <= 7 || (d >= 15 && d <= 21));
	if (m == 8 || (wd != 3 && !tuesday))
		return 0;
	site_state *st = &g->site[site];
	/* A stream of its own, so that workshops do not shift the visits. */
	demo_rng r;
	demo_rng_seed(&r, st->rng.s[0] ^ (uint64_t)day * 0x9e3779b97f4a7c15u);
	memset(w, 0, sizeof *w);
	w->site_id = st->site_id;
	w->agent_id = st->nstaff ? st->staff[(size_t)day % (st->nstaff < 2 ? st->nstaff : 2)] : 0;
	double tw[64];
	size_t nt = g->cat->ntopics < COUNT(tw) ? g->cat->ntopics : COUNT(tw);
	for (size_t i = 0; i < nt; i++)
		tw[i] = topic_weight(g->cat->topics[i].code);
	DUP(w->topic_code, g->cat->topics[demo_rng_weighted(&r, tw, nt)].code);
	static const char *const levels[] = {"debutant", "intermediaire", "avance"};
	static const double level_w[] = {55, 35, 10};
	DUP(w->level, PICK(&r, levels, level_w));
	char date[11];
	demo_date_text(day, date);
	if (time_parse_local(date, tuesday ? "10:00" : "14:00", &w->held_at) != 0)
		return -1;
	w->duration_min = tuesday ? 120 : 90;
	w->participants = demo_rng_range(&r, 3, 10);
	/* Each participant's gender and age bracket (ENUM order), mostly
	 * retired women, as in the médiathèques' own reports. */
	static const double gender_w[] = {60, 38, 2};
	static const double age_w[] = {0, 2, 4, 10, 18, 32, 32, 2};
	for (int64_t i = 0; i < w->participants; i++) {
		w->by_gender[demo_rng_weighted(&r, gender_w, COUNT(gender_w))]++;
		w->by_age[demo_rng_weighted(&r, age_w, COUNT(age_w))]++;
	}
	DUP(w->note, demo_rng_chance(&r, 0.2) ? "Atelier en partenariat avec le CCAS." : "");
	w->created_at = w->held_at + w->duration_min * 60;
	return 1;
}
