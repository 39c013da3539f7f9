/*
 * demo_data.h: the made-up but plausible activity of `guichet demo`: four
 * sites of Ille-et-Vilaine, their staff, and the visits a year brings them,
 * drawn so that the figures look like the programme's (REFERENCE.md section
 * 1): about 11 visits a day at a France Services site, 58 % of people over
 * 55, 56 % women, France Titres, the CAF, the Assurance Maladie and the
 * DGFiP ahead, about 82 % of demands solved on site.
 *
 * Everything comes from one seeded generator (never rand()), so a seed gives
 * the same database on every machine. Nothing here touches the store: the
 * command (cli_demo.c) stores what the generator fills in.
 */
#ifndef GUICHET_DEMO_DATA_H
#define GUICHET_DEMO_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/util.h"

/* The one password of every demo account (printed by the command). */
#define DEMO_PASSWORD "demo-guichet-2026"
#define DEMO_EMAIL_DOMAIN "demo.guichet.fr"
#define DEMO_DEPARTEMENT "35"
/* Visits of one site on one day never exceed this (a Poisson draw's tail). */
#define DEMO_MAX_VISITS_PER_DAY 64
/* People who agreed to be identified, per site; they come back. */
#define DEMO_IDENTIFIED_PER_SITE 12

/* xoshiro256** seeded through splitmix64: small, fast, and the same
 * sequence everywhere. */
typedef struct demo_rng {
	uint64_t s[4];
} demo_rng;

void demo_rng_seed(demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(demo_rng *r);
/* A number in [0, 1). */
double demo_rng_unit(demo_rng *r);
/* An integer in [lo, hi]. */
int64_t demo_rng_range(demo_rng *r, int64_t lo, int64_t hi);
/* 1 with probability p. */
int demo_rng_chance(demo_rng *r, double p);
/* A Poisson draw of the given (small) mean, at most DEMO_MAX_VISITS_PER_DAY. */
int demo_rng_poisson(demo_rng *r, double mean);
/* An index drawn with the given weights (n > 0, some weight > 0). */
size_t demo_rng_weighted(demo_rng *r, const double *w, size_t n);

/* A site of the demo: the store_site fields plus what drives its activity. */
typedef struct demo_site {
	const char *slug; /* in the staff's e-mail addresses */
	const char *name;
	const char *type;
	const char *commune_insee;
	const char *address;
	const char *opening_hours;
	const char *languages;
	const char *accessibility;
	double visits_per_day; /* mean on an ordinary open day */
	const char *phone;     /* for the public: in ARCEP's range kept for fiction */
} demo_site;

enum { DEMO_SITE_REDON, DEMO_SITE_BUS, DEMO_SITE_BAIN, DEMO_SITE_VITRE, DEMO_NSITES };
const demo_site *demo_sites(size_t *n);

/* An account of the demo; site is an index in demo_sites(), -1 for none. */
typedef struct demo_account {
	const char *local; /* e-mail address before '@' */
	const char *name;
	const char *role;
	int site;
	const char *departement;
} demo_account;

const demo_account *demo_accounts(size_t *n);

/* Days are counted from 1970-01-01 (day 0, a Thursday). */
int64_t demo_day_of(int year, int month, int mday);
void demo_civil(int64_t day, int *year, int *month, int *mday);
/* 0 for Monday … 6 for Sunday. */
int demo_weekday(int64_t day);
/* 1 on a French public holiday (fixed days, Easter Monday, Ascension,
 * Whit Monday). */
int demo_is_holiday(int64_t day);
/* "YYYY-MM-DD" (out holds 11 bytes); -1 when s is not a valid date. */
void demo_date_text(int64_t day, char out[11]);
int demo_date_parse(const char *s, int64_t *day);

/* The generator of visits. It reads the catalog (operators, procedures,
 * topics) as the migrations seeded it, and keeps one random stream per site
 * so that the activity of a site does not depend on the others. */
typedef struct demo_gen demo_gen;

typedef struct demo_catalog {
	const store_operator *operators;
	size_t noperators;
	const store_procedure *procedures;
	size_t nprocedures;
	const store_topic *topics;
	size_t ntopics;
} demo_catalog;

/* first_day and last_day bound the period: the activity grows over it. */
demo_gen *demo_gen_new(uint64_t seed, const demo_catalog *cat, int64_t first_day, int64_t last_day);
void demo_gen_free(demo_gen *g);
/* The store's id of a site and of the accounts that record there (at most
 * DEMO_STAFF_PER_SITE, the agents first, then the manager). */
#define DEMO_STAFF_PER_SITE 4
void demo_gen_staff(demo_gen *g, size_t site, int64_t site_id, const int64_t *ids, size_t n);

/* The start times (Unix seconds, local time of the deployment) of the
 * visits of a site on a day, in order; 0 when the site is closed. */
size_t demo_gen_day(demo_gen *g, size_t site, int64_t day, int64_t *starts, size_t max);
/* Fills one visit starting at started_at, with its visitor and demands;
 * strings come from a (and may be written by validation). *pool is the
 * index of the identified visitor it belongs to, -1 for an anonymous one. */
int demo_gen_visit(demo_gen *g, arena *a, size_t site, int64_t started_at, store_visit *v, int *pool);
/* The store's id of an identified visitor once inserted (0: not yet). */
int64_t demo_gen_pool_id(const demo_gen *g, size_t site, int pool);
void demo_gen_pool_set(demo_gen *g, size_t site, int pool, int64_t id);

/* The workshops of a site on a day (0 or 1: the médiathèque holds a few
 * a month); fills w from a. */
int demo_gen_workshop(demo_gen *g, arena *a, size_t site, int64_t day, store_workshop *w);
/* The satisfaction answers drawn with the visits so far (about one visit
 * in eight, the same day), in the order of the visits; texts are static.
 * The command stores them once the visits are committed, leaving out
 * those after now. */
const store_satisfaction *demo_gen_answers(const demo_gen *g, size_t *n);

#endif
