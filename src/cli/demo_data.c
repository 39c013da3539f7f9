/*
 * demo_data.c: the tools of the demonstration data (a seeded generator, a
 * calendar with the French public holidays) and its cast: four sites of
 * Ille-et-Vilaine and their staff. Their activity is drawn in demo_gen.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli/demo_data.h"

/* ------------------------------------------------------------------ */
/* The random generator. */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

void demo_rng_seed(demo_rng *r, uint64_t seed)
{
	for (size_t i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t demo_rng_next(demo_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double demo_rng_unit(demo_rng *r)
{
	return (double)(demo_rng_next(r) >> 11) * 0x1.0p-53;
}

int64_t demo_rng_range(demo_rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(demo_rng_unit(r) * (double)(hi - lo + 1));
}

int demo_rng_chance(demo_rng *r, double p)
{
	return demo_rng_unit(r) < p;
}

size_t demo_rng_weighted(demo_rng *r, const double *w, size_t n)
{
	double total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i];
	double x = demo_rng_unit(r) * total;
	for (size_t i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	/* Rounding left x at the very end: the last index with a weight. */
	for (size_t i = n; i-- > 0;)
		if (w[i] > 0)
			return i;
	return 0;
}

/* Knuth's method: fine for the small means of a help desk's day. */
int demo_rng_poisson(demo_rng *r, double mean)
{
	double limit = exp(-mean), p = 1;
	int k = 0;
	do {
		k++;
		p *= demo_rng_unit(r);
	} while (p > limit && k < DEMO_MAX_VISITS_PER_DAY + 1);
	return k - 1;
}

/* ------------------------------------------------------------------ */
/* The calendar: civil dates from day numbers (Howard Hinnant's algorithm). */

int64_t demo_day_of(int year, int month, int mday)
{
	return time_days_from_civil(year, month, mday);
}

void demo_civil(int64_t day, int *year, int *month, int *mday)
{
	time_civil_from_days((int32_t)day, year, month, mday);
}

int demo_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = (day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

/* Easter Sunday of a year (the anonymous Gregorian algorithm). */
static int64_t easter(int y)
{
	int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
	int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31, mday = (h + l - 7 * m + 114) % 31 + 1;
	return demo_day_of(y, month, mday);
}

int demo_is_holiday(int64_t day)
{
	static const int fixed[][2] = {{1, 1}, {5, 1}, {5, 8}, {7, 14}, {8, 15}, {11, 1}, {11, 11}, {12, 25}};
	int y, m, d;
	demo_civil(day, &y, &m, &d);
	for (size_t i = 0; i < COUNT(fixed); i++)
		if (fixed[i][0] == m && fixed[i][1] == d)
			return 1;
	int64_t e = easter(y);
	return day == e + 1 || day == e + 39 || day == e + 50;
}

void demo_date_text(int64_t day, char out[11])
{
	int y, m, d;
	demo_civil(day, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000, (unsigned)m % 13, (unsigned)d % 32);
}

int demo_date_parse(const char *s, int64_t *day)
{
	int y, m, d, n = 0;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || y < 1971 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = demo_day_of(y, m, d);
	int y2, m2, d2;
	demo_civil(*day, &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d ? 0 : -1; /* 31 April is refused */
}

/* ------------------------------------------------------------------ */
/* The sites, their people, where their visitors live. */

static const demo_site sites[DEMO_NSITES] = {
    {"redon", "France Services de Redon", "france_services", "35236", "3 rue Charles Sillard, 35600 Redon",
     "lundi-vendredi 9h-12h30, 13h30-17h", "fr,en,ar", "pmr,boucle_magnetique", 11.5, "02 61 91 00 01"},
    {"broceliande", "France Services itinérant du Pays de Brocéliande", "france_services_itinerant", "35223",
     "Tournée du bus : lundi Plélan-le-Grand, mardi Paimpont, mercredi Maxent, jeudi Iffendic, vendredi "
     "Saint-Méen-le-Grand",
     "lundi-vendredi 9h30-12h30, 13h30-16h30, un arrêt par jour", "fr,en", "pmr", 8.0, "02 61 91 00 02"},
    {"bain", "Mairie de Bain-de-Bretagne", "mairie", "35012", "Hôtel de ville, 35470 Bain-de-Bretagne",
     "lundi-vendredi 8h30-12h, 13h30-17h30", "fr", "pmr", 5.0, "02 61 91 00 03"},
    {"vitre", "Médiathèque de Vitré", "mediatheque", "35360", "Médiathèque, 35500 Vitré",
     "lundi-vendredi 10h-12h30, 14h-18h", "fr,en,uk", "pmr,falc,malvoyants", 4.0, "02 61 91 00 04"},
};

const demo_site *demo_sites(size_t *n)
{
	*n = DEMO_NSITES;
	return sites;
}

static const demo_account accounts[] = {
    {"admin", "Camille Martin", "admin", -1, ""},
    {"coordination.35", "Nathalie Le Floch", "coordinator", -1, DEMO_DEPARTEMENT},
    {"responsable.redon", "Erwan Le Goff", "manager", DEMO_SITE_REDON, ""},
    {"agent1.redon", "Sophie Rouxel", "agent", DEMO_SITE_REDON, ""},
    {"agent2.redon", "Yanis Benali", "agent", DEMO_SITE_REDON, ""},
    {"responsable.broceliande", "Gwenaëlle Hamon", "manager", DEMO_SITE_BUS, ""},
    {"agent1.broceliande", "Loïc Guillou", "agent", DEMO_SITE_BUS, ""},
    {"agent2.broceliande", "Aminata Diallo", "agent", DEMO_SITE_BUS, ""},
    {"responsable.bain", "Pascal Lebreton", "manager", DEMO_SITE_BAIN, ""},
    {"agent1.bain", "Isabelle Gicquel", "agent", DEMO_SITE_BAIN, ""},
    {"agent2.bain", "Thomas Colin", "agent", DEMO_SITE_BAIN, ""},
    {"responsable.vitre", "Hélène Morel", "manager", DEMO_SITE_VITRE, ""},
    {"agent1.vitre", "Olena Kovalenko", "agent", DEMO_SITE_VITRE, ""},
    {"agent2.vitre", "Julien Tual", "agent", DEMO_SITE_VITRE, ""},
    /* The CAF's referent for the département (cli_demo.c gives the
     * operator): the escalations' other side. */
    {"referent.caf", "Claire Le Bihan", "operator", -1, ""},
};

const demo_account *demo_accounts(size_t *n)
{
	*n = COUNT(accounts);
	return accounts;
}
