/*
 * opendata.c: the files Guichet publishes (docs/opendata.md): the activity
 * of every site by month, each count masked by the small-count rule within
 * its group, and the sites in the "Lieux de médiation numérique" standard
 * and in the columns of the France Services dataset.
 *
 * The activity file asks the statistics engine once per site and month: a
 * one-site month is a few short ranges of the engine's columns, so even a
 * national file of 2,840 sites over a year (34,080 questions) is a matter
 * of seconds. No total across sites or months is ever written: a reader
 * who had one could subtract the shown rows from it and recover the
 * masked counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "vocab/enums.h"
#include "util/i18n.h"
#include "util/json.h"
#include "report/opendata.h"
#include "report/smallcount.h"

/* The sites, the catalogs and the communes of one export. */
#define OPENDATA_ARENA_BYTES ((size_t)64 * 1024 * 1024)

/* ------------------------------------------------------------------ */
/* Months. */

static int month_read(const char *s, int *m)
{
	int y, mo;
	char tail;
	if (!s || strlen(s) != 7 || s[4] != '-' || sscanf(s, "%4d-%2d%c", &y, &mo, &tail) != 2 || y < 1970 ||
	    y > 2149 || mo < 1 || mo > 12)
		return -1;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*m = y * 12 + mo - 1;
	return 0;
}

int opendata_months_parse(const char *from, const char *to, int *first, int *n, const char **msgid,
                          const char **field)
{
	int a, b;
	*field = "from";
	*msgid = N_("Le premier mois doit s'écrire AAAA-MM, par exemple 2025-01.");
	if (month_read(from, &a) != 0)
		return -1;
	*field = "to";
	*msgid = N_("Le dernier mois doit s'écrire AAAA-MM, par exemple 2025-12.");
	if (month_read(to, &b) != 0)
		return -1;
	*msgid = N_("Le dernier mois ne doit pas précéder le premier.");
	if (b < a)
		return -1;
	_Static_assert(OPENDATA_MAX_MONTHS == 36, "update the message that says 36 mois");
	*msgid = N_("Choisissez au plus 36 mois.");
	if (b - a + 1 > OPENDATA_MAX_MONTHS)
		return -1;
	*first = a;
	*n = b - a + 1;
	*msgid = *field = NULL;
	return 0;
}

static void month_text(int m, char out[8])
{
	unsigned u = m > 0 ? (unsigned)m : 0;
	snprintf(out, 8, "%04u-%02u", u / 12 % 10000, u % 12 + 1);
}

void opendata_default_months(int64_t now, char from[8], char to[8])
{
	char today[11];
	time_local_date(now, today);
	int y = atoi(today), mo = atoi(today + 5);
	int cur = y * 12 + mo - 1;
	month_text(cur - OPENDATA_DEFAULT_MONTHS, from);
	month_text(cur - 1, to);
}

/* The first and last day of month m. */
static int month_days(int m, int32_t *from_day, int32_t *to_day)
{
	char t[8], d[16];
	int32_t next;
	month_text(m, t);
	snprintf(d, sizeof d, "%s-01", t);
	if (stats_day_parse(d, from_day) != 0)
		return -1;
	month_text(m + 1, t);
	snprintf(d, sizeof d, "%s-01", t);
	if (stats_day_parse(d, &next) != 0)
		next = *from_day + 31; /* December 2149: the engine holds nothing after it */
	*to_day = next - 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The activity file. */

enum { UNIT_VISITS, UNIT_DEMANDS, UNIT_ANSWERS, NUNITS };

/* The satisfaction group reads stats_result.satisfaction, not a breakdown. */
#define BD_SATISFACTION BD_COUNT

/* One group of columns that adds up to a total: the cells of one
 * breakdown, plus one unpublished cell for what the columns do not cover
 * (an operator since removed from the catalog), so that the rule sees the
 * true sum. */
typedef struct od_group {
	const char *prefix; /* of the column names */
	int unit;
	enum stats_bd bd;
	const char **codes;
	size_t n;
	int64_t *cells; /* n + 1: the last is the rest */
	int *state;
	int total_state;
} od_group;

typedef struct od_activity {
	od_group g[7];
	size_t ng;
	size_t outcome; /* the outcome group, in g */
	size_t resolu;  /* the index of "resolu" in it */
} od_activity;

static const char **enum_codes(arena *a, const enum_def *d, int not_given, size_t *n)
{
	const char **v = arena_alloc(a, (d->n + 1) * sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < d->n; i++)
		v[i] = d->items[i].code;
	if (not_given)
		v[d->n] = STATS_NOT_GIVEN;
	*n = d->n + (not_given ? 1 : 0);
	return v;
}

static int group_add(od_activity *x, arena *a, const char *prefix, int unit, enum stats_bd bd,
                     const char **codes, size_t n)
{
	od_group *g = &x->g[x->ng++];
	*g = (od_group){.prefix = prefix, .unit = unit, .bd = bd, .codes = codes, .n = n};
	g->cells = arena_alloc(a, (n + 1) * sizeof *g->cells);
	g->state = arena_alloc(a, (n + 1) * sizeof *g->state);
	return codes && g->cells && g->state ? 0 : -1;
}

/* The groups in column order, with the catalog's operators and themes. */
static int activity_groups(store *s, arena *a, od_activity *x, char *err, size_t errlen)
{
	store_operator *ops;
	store_theme *themes;
	size_t nops, nthemes, n = 0;
	if (store_operator_list(s, a, 0, &ops, &nops) != STORE_OK ||
	    store_theme_list(s, a, &themes, &nthemes) != STORE_OK) {
		snprintf(err, errlen, "cannot read the catalog of operators and themes");
		return -1;
	}
	const char **opc = arena_alloc(a, (nops + 1) * sizeof *opc);
	const char **thc = arena_alloc(a, (nthemes + 1) * sizeof *thc);
	if (!opc || !thc)
		goto oom;
	for (size_t i = 0; i < nops; i++)
		opc[i] = ops[i].code;
	for (size_t i = 0; i < nthemes; i++)
		thc[i] = themes[i].code;
	x->ng = 0;
	const char **c = enum_codes(a, &ENUM_CHANNEL, 0, &n);
	if (group_add(x, a, "canal_", UNIT_VISITS, BD_CHANNEL, c, n) != 0)
		goto oom;
	c = enum_codes(a, &ENUM_OUTCOME, 0, &n);
	x->outcome = x->ng;
	if (group_add(x, a, "issue_", UNIT_DEMANDS, BD_OUTCOME, c, n) != 0)
		goto oom;
	x->resolu = 0;
	while (x->resolu < n && strcmp(c[x->resolu], "resolu") != 0)
		x->resolu++;
	c = enum_codes(a, &ENUM_AGE, 1, &n);
	if (group_add(x, a, "age_", UNIT_VISITS, BD_AGE, c, n) != 0)
		goto oom;
	c = enum_codes(a, &ENUM_GENDER, 1, &n);
	if (group_add(x, a, "genre_", UNIT_VISITS, BD_GENDER, c, n) != 0)
		goto oom;
	if (group_add(x, a, "operateur_", UNIT_DEMANDS, BD_OPERATOR, opc, nops) != 0 ||
	    group_add(x, a, "theme_", UNIT_DEMANDS, BD_THEME, thc, nthemes) != 0)
		goto oom;
	/* Last, after its total reponses_satisfaction (activity_header). */
	if (group_add(x, a, "avis_", UNIT_ANSWERS, BD_SATISFACTION, (const char **)SATISFACTION_CODES, 3) != 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory for the columns");
	return -1;
}

static int64_t bd_count(const stats_breakdown *b, const char *code)
{
	size_t lo = 0, hi = b->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->v[mid].code, code);
		if (c == 0)
			return b->v[mid].n;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int hidden_state(int64_t n)
{
	return n < SMALLCOUNT_MIN ? SMALLCOUNT_SMALL : SMALLCOUNT_SECRET;
}

/* Fills and masks every group of one site-month; total_state[unit] says
 * whether visits and demands are shown. A total that one group must hide
 * is hidden in the whole row, and then every cell of every group over it
 * is hidden as well: a group that kept its cells shown beside a hidden
 * total would not protect what another group hid. */
static int64_t answers(const stats_result *res)
{
	return res->satisfaction[0] + res->satisfaction[1] + res->satisfaction[2];
}

static void activity_mask(od_activity *x, const stats_result *res, int total_state[NUNITS])
{
	const int64_t total[NUNITS] = {res->visits, res->demands, answers(res)};
	for (int u = 0; u < NUNITS; u++)
		total_state[u] = SMALLCOUNT_SHOWN;
	for (size_t i = 0; i < x->ng; i++) {
		od_group *g = &x->g[i];
		int64_t sum = 0;
		for (size_t k = 0; k < g->n; k++)
			sum += g->cells[k] = g->bd == BD_SATISFACTION ? res->satisfaction[k]
			                                               : bd_count(&res->bd[g->bd], g->codes[k]);
		int64_t rest = total[g->unit] - sum;
		g->cells[g->n] = rest > 0 ? rest : 0;
		/* The part of the total no column covers is an invisible cell to
		 * protect only when it holds someone: a rest of 0 is what every
		 * reader expects (the columns list the whole vocabulary), and
		 * hiding shown cells for it would withhold figures for nothing. */
		smallcount_mask(total[g->unit], &g->total_state, g->cells, g->state, g->n + (rest > 0),
		                rest >= 0);
		g->state[g->n] = rest > 0 ? g->state[g->n] : SMALLCOUNT_SHOWN;
		if (g->total_state != SMALLCOUNT_SHOWN)
			total_state[g->unit] = hidden_state(total[g->unit]);
	}
	for (size_t i = 0; i < x->ng; i++) {
		od_group *g = &x->g[i];
		if (total_state[g->unit] == SMALLCOUNT_SHOWN)
			continue;
		for (size_t k = 0; k < g->n; k++)
			g->state[k] = hidden_state(g->cells[k]);
	}
}

static void cell_masked(csv_writer *w, int64_t n, int state)
{
	char t[24];
	csv_cell(w, smallcount_text(t, n, state));
}

static void activity_header(csv_writer *w, const od_activity *x, arena *a)
{
	static const char *const fixed[] = {"lieu_id", "lieu_nom", "departement", "commune_insee",
	                                    "mois",    "visites",  "demandes",    "resolues_sur_place"};
	for (size_t i = 0; i < COUNT(fixed); i++)
		csv_cell(w, fixed[i]);
	for (size_t i = 0; i < x->ng; i++) {
		if (x->g[i].unit == UNIT_ANSWERS)
			csv_cell(w, "reponses_satisfaction");
		for (size_t k = 0; k < x->g[i].n; k++)
			csv_cell(w, arena_printf(a, "%s%s", x->g[i].prefix, x->g[i].codes[k]));
	}
	csv_row_end(w);
}

static int activity_row(csv_writer *w, stats_engine *e, od_activity *x, const store_site *site, int month)
{
	stats_query q = {.site_ids = &site->id, .nsites = 1};
	if (month_days(month, &q.from_day, &q.to_day) != 0)
		return -1;
	stats_result *res = stats_engine_query(e, &q);
	if (!res)
		return -1;
	int ts[NUNITS];
	activity_mask(x, res, ts);
	char m[8];
	month_text(month, m);
	csv_cell_int(w, site->id);
	csv_cell(w, site->name);
	csv_cell(w, site->departement);
	csv_cell(w, site->commune_insee);
	csv_cell(w, m);
	cell_masked(w, res->visits, ts[UNIT_VISITS]);
	cell_masked(w, res->demands, ts[UNIT_DEMANDS]);
	const od_group *out = &x->g[x->outcome];
	if (x->resolu < out->n)
		cell_masked(w, out->cells[x->resolu], out->state[x->resolu]);
	else
		csv_cell(w, "");
	for (size_t i = 0; i < x->ng; i++) {
		if (x->g[i].unit == UNIT_ANSWERS)
			cell_masked(w, answers(res), ts[UNIT_ANSWERS]);
		for (size_t k = 0; k < x->g[i].n; k++)
			cell_masked(w, x->g[i].cells[k], x->g[i].state[k]);
	}
	csv_row_end(w);
	stats_result_free(res);
	return 0;
}

int opendata_activity_csv(store *s, stats_engine *e, const char *from_month, const char *to_month, buf *out,
                          char *err, size_t errlen)
{
	int first, n;
	const char *msgid, *field;
	if (opendata_months_parse(from_month, to_month, &first, &n, &msgid, &field) != 0) {
		snprintf(err, errlen, "%s", msgid);
		return -1;
	}
	arena *a = arena_new(OPENDATA_ARENA_BYTES);
	od_activity x;
	store_site *sites;
	size_t nsites;
	int rc = activity_groups(s, a, &x, err, errlen);
	if (rc == 0 && store_site_list(s, a, NULL, &sites, &nsites) != STORE_OK) {
		snprintf(err, errlen, "cannot read the sites");
		rc = -1;
	}
	if (rc == 0) {
		csv_writer w;
		csv_writer_init(&w, out, ';');
		csv_write_bom(&w);
		activity_header(&w, &x, a);
		for (size_t i = 0; rc == 0 && i < nsites && !out->overflow; i++)
			for (int m = first; rc == 0 && m < first + n; m++)
				if (activity_row(&w, e, &x, &sites[i], m) != 0) {
					snprintf(err, errlen, "the statistics engine could not answer");
					rc = -1;
				}
		if (rc == 0 && out->overflow) {
			snprintf(err, errlen, "the file is too large: choose fewer months");
			rc = -1;
		}
	}
	arena_free(a);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The sites. */

static int is_itinerant(const store_site *site)
{
	return str_eq(site->type, "france_services_itinerant");
}

static int is_france_services(const store_site *site)
{
	return str_eq(site->type, "france_services") || is_itinerant(site);
}

/* 1 when the comma-separated list holds code. */
static int list_has(const char *list, const char *code)
{
	size_t n = strlen(code);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, code, n) == 0)
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* 1 when the list holds a language other than French and English. */
static int list_has_other_language(const char *list)
{
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > 0 && !(len == 2 && (strncmp(p, "fr", 2) == 0 || strncmp(p, "en", 2) == 0)))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

/* What a site says of itself, in the standard's vocabularies. */
typedef struct od_place {
	char id[32];
	const char *commune, *postcode, *typologie, *horaires, *itinerance, *dispositif, *prise_en_charge;
	char date_maj[11];
} od_place;

/* The standard's kinds of structure (typologie) for Guichet's site types. */
static const char *typologie_of(const store_site *site)
{
	static const char *const map[][2] = {
	    {"france_services", "RFS"}, {"france_services_itinerant", "RFS"},
	    {"mairie", "MUNI"},         {"mediatheque", "BIB"},
	    {"centre_social", "CS"},    {"association", "ASSO"},
	};
	for (size_t i = 0; i < COUNT(map); i++)
		if (str_eq(site->type, map[i][0]))
			return map[i][1];
	return "";
}

/* A five-digit group standing alone in an address ("35600 Redon"), for a
 * site whose commune the geography does not know. */
static const char *postcode_in(arena *a, const char *address)
{
	for (const char *p = address; p && *p; p++) {
		if (p > address && (p[-1] >= '0' && p[-1] <= '9'))
			continue;
		size_t k = 0;
		while (k < 6 && p[k] >= '0' && p[k] <= '9')
			k++;
		if (k == 5)
			return arena_strndup(a, p, 5);
	}
	return "";
}

static void place_of(store *s, arena *a, const store_site *site, od_place *p)
{
	snprintf(p->id, sizeof p->id, "guichet-%lld", (long long)site->id);
	p->commune = "";
	p->postcode = "";
	store_commune c;
	if (*site->commune_insee && store_commune_get(s, a, site->commune_insee, &c) == STORE_OK) {
		p->commune = c.name ? c.name : "";
		const char *pc = c.postcodes ? c.postcodes : "";
		size_t len = strcspn(pc, " ");
		if (len)
			p->postcode = arena_strndup(a, pc, len);
	}
	if (!*p->postcode)
		p->postcode = postcode_in(a, site->address);
	if (!p->postcode)
		p->postcode = "";
	p->typologie = typologie_of(site);
	p->horaires = site->opening_hours ? site->opening_hours : "";
	p->itinerance = is_itinerant(site) ? "Itinérant" : "Fixe";
	p->dispositif = is_france_services(site) ? "France Services" : "";
	time_local_date(site->updated_at, p->date_maj);
	/* In the order of the standard's list of values. */
	struct {
		int on;
		const char *label;
	} care[] = {
	    {list_has(site->accessibility, "boucle_magnetique") || list_has(site->accessibility, "lsf"),
	     "Surdité"},
	    {list_has(site->accessibility, "pmr"), "Handicaps moteurs"},
	    {list_has(site->languages, "en"), "Langues étrangères (anglais)"},
	    {list_has_other_language(site->languages), "Langues étrangères (autres)"},
	    {list_has(site->accessibility, "malvoyants"), "Déficience visuelle"},
	};
	buf b;
	buf_init(&b, 1024);
	for (size_t i = 0; i < COUNT(care); i++)
		if (care[i].on) {
			if (b.len)
				buf_putc(&b, '|');
			buf_puts(&b, care[i].label);
		}
	p->prise_en_charge = arena_strdup(a, b.data ? b.data : "");
	if (!p->prise_en_charge)
		p->prise_en_charge = "";
	buf_free(&b);
}

/* Every place is a help desk for procedures: Guichet records nothing else. */
#define OD_SERVICES "Aide aux démarches administratives"
#define OD_PIVOT_UNKNOWN "00000000000000"
#define OD_SOURCE "Guichet"

/* The standard's columns in its order; required ones are always written
 * in JSON, the others only when they hold something. */
static const struct {
	const char *name;
	int required;
} lieux_cols[] = {
    {"id", 1},
    {"pivot", 1},
    {"nom", 1},
    {"commune", 1},
    {"code_postal", 1},
    {"code_insee", 0},
    {"adresse", 1},
    {"complement_adresse", 0},
    {"latitude", 0},
    {"longitude", 0},
    {"typologie", 0},
    {"telephone", 0},
    {"courriels", 0},
    {"site_web", 0},
    {"horaires", 0},
    {"presentation_resume", 0},
    {"presentation_detail", 0},
    {"source", 0},
    {"structure_parente", 0},
    {"date_maj", 1},
    {"services", 1},
    {"publics_specifiquement_adresses", 0},
    {"prise_en_charge_specifique", 0},
    {"frais_a_charge", 0},
    {"itinerance", 0},
    {"dispositif_programmes_nationaux", 0},
    {"formations_labels", 0},
    {"modalites_acces", 0},
    {"modalites_accompagnement", 0},
    {"fiche_acces_libre", 0},
    {"prise_rdv", 0},
};

/* The value of column i for a site. */
static const char *lieux_value(size_t i, const store_site *site, const od_place *p)
{
	const char *n = lieux_cols[i].name;
	const char *v = str_eq(n, "id")                                ? p->id
	                : str_eq(n, "pivot")                           ? OD_PIVOT_UNKNOWN
	                : str_eq(n, "nom")                             ? site->name
	                : str_eq(n, "commune")                         ? p->commune
	                : str_eq(n, "code_postal")                     ? p->postcode
	                : str_eq(n, "code_insee")                      ? site->commune_insee
	                : str_eq(n, "adresse")                         ? site->address
	                : str_eq(n, "typologie")                       ? p->typologie
	                : str_eq(n, "horaires")                        ? p->horaires
	                : str_eq(n, "source")                          ? OD_SOURCE
	                : str_eq(n, "date_maj")                        ? p->date_maj
	                : str_eq(n, "services")                        ? OD_SERVICES
	                : str_eq(n, "prise_en_charge_specifique")      ? p->prise_en_charge
	                : str_eq(n, "itinerance")                      ? p->itinerance
	                : str_eq(n, "dispositif_programmes_nationaux") ? p->dispositif
	                                                               : "";
	return v ? v : "";
}

/* Every site, in a new arena that finish() frees; NULL with a message. */
static arena *sites_read(store *s, store_site **sites, size_t *n, char *err, size_t errlen)
{
	arena *a = arena_new(OPENDATA_ARENA_BYTES);
	if (store_site_list(s, a, NULL, sites, n) != STORE_OK) {
		snprintf(err, errlen, "cannot read the sites");
		arena_free(a);
		return NULL;
	}
	return a;
}

static int finish(buf *out, arena *a, char *err, size_t errlen)
{
	arena_free(a);
	if (out->overflow) {
		snprintf(err, errlen, "the file is too large");
		return -1;
	}
	return 0;
}

int opendata_lieux_csv(store *s, buf *out, char *err, size_t errlen)
{
	store_site *sites;
	size_t n;
	arena *a = sites_read(s, &sites, &n, err, errlen);
	if (!a)
		return -1;
	csv_writer w;
	csv_writer_init(&w, out, ',');
	for (size_t i = 0; i < COUNT(lieux_cols); i++)
		csv_cell(&w, lieux_cols[i].name);
	csv_row_end(&w);
	for (size_t k = 0; k < n; k++) {
		od_place p = {0};
		place_of(s, a, &sites[k], &p);
		for (size_t i = 0; i < COUNT(lieux_cols); i++)
			csv_cell(&w, lieux_value(i, &sites[k], &p));
		csv_row_end(&w);
	}
	return finish(out, a, err, errlen);
}

int opendata_lieux_json(store *s, buf *out, char *err, size_t errlen)
{
	store_site *sites;
	size_t n;
	arena *a = sites_read(s, &sites, &n, err, errlen);
	if (!a)
		return -1;
	json_writer w;
	json_begin(&w, out);
	json_array_open(&w);
	for (size_t k = 0; k < n; k++) {
		od_place p = {0};
		place_of(s, a, &sites[k], &p);
		json_object_open(&w);
		for (size_t i = 0; i < COUNT(lieux_cols); i++) {
			const char *v = lieux_value(i, &sites[k], &p);
			if (!*v && !lieux_cols[i].required)
				continue;
			json_key(&w, lieux_cols[i].name);
			json_str(&w, v);
		}
		json_object_close(&w);
	}
	json_array_close(&w);
	buf_putc(out, '\n');
	return finish(out, a, err, errlen);
}

/* ------------------------------------------------------------------ */
/* The France Services dataset. */

#define OD_DAYS 7
#define OD_DAY_TEXT 128

/* Reads hours in the simple form of the OpenStreetMap opening_hours
 * syntax: rules "Mo-Fr 09:00-12:00,13:30-17:00" separated by ';', days as
 * Mo Tu We Th Fr Sa Su alone, in ranges or in lists, "off" for a closed
 * day; a later rule replaces an earlier one for its days, as in that
 * syntax. Each day becomes "09:00 - 12:00 / 13:30 - 17:00". Anything else
 * (holidays, months, free text) gives -1: the caller then leaves the days
 * empty rather than guess. */
static int day_index(const char *p)
{
	static const char *const days[OD_DAYS] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
	for (int i = 0; i < OD_DAYS; i++)
		if (strncmp(p, days[i], 2) == 0)
			return i;
	return -1;
}

static int read_hm(const char **pp, int *minutes)
{
	const char *p = *pp;
	int h = 0, m = 0, nd = 0;
	while (*p >= '0' && *p <= '9' && nd < 2)
		h = h * 10 + (*p++ - '0'), nd++;
	if (nd == 0 || *p++ != ':' || !(p[0] >= '0' && p[0] <= '5') || !(p[1] >= '0' && p[1] <= '9'))
		return -1;
	m = (p[0] - '0') * 10 + (p[1] - '0');
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	*pp = p + 2;
	return 0;
}

static int osm_rule(const char *p, char out[OD_DAYS][OD_DAY_TEXT])
{
	int on[OD_DAYS] = {0};
	int any = 0;
	for (;;) {
		int a = day_index(p), b;
		if (a < 0)
			return -1;
		p += 2;
		b = a;
		if (*p == '-') {
			if ((b = day_index(p + 1)) < 0)
				return -1;
			p += 3;
		}
		for (int d = a;; d = (d + 1) % OD_DAYS) {
			on[d] = any = 1;
			if (d == b)
				break;
		}
		if (*p != ',')
			break;
		p++;
	}
	if (!any || *p != ' ')
		return -1;
	while (*p == ' ')
		p++;
	char text[OD_DAY_TEXT] = "";
	if (strcmp(p, "off") != 0 && strcmp(p, "closed") != 0) {
		size_t len = 0;
		for (;;) {
			int from, to;
			if (read_hm(&p, &from) != 0 || *p++ != '-' || read_hm(&p, &to) != 0 || to <= from)
				return -1;
			int w = snprintf(text + len, sizeof text - len, "%s%02d:%02d - %02d:%02d",
			                 len ? " / " : "", from / 60, from % 60, to / 60, to % 60);
			if (w < 0 || (size_t)w >= sizeof text - len)
				return -1;
			len += (size_t)w;
			if (*p == '\0')
				break;
			if (*p++ != ',')
				return -1;
			while (*p == ' ')
				p++;
		}
	}
	for (int d = 0; d < OD_DAYS; d++)
		if (on[d])
			memcpy(out[d], text, sizeof text);
	return 0;
}

static int osm_hours(const char *spec, char out[OD_DAYS][OD_DAY_TEXT])
{
	memset(out, 0, (size_t)OD_DAYS * OD_DAY_TEXT);
	size_t len = spec ? strlen(spec) : 0;
	if (len == 0 || len >= 1024)
		return -1;
	char copy[1024];
	memcpy(copy, spec, len + 1);
	for (char *p = copy, *next; p; p = next) {
		next = strchr(p, ';');
		if (next)
			*next++ = '\0';
		str_trim(p);
		if (*p && osm_rule(p, out) != 0) {
			memset(out, 0, (size_t)OD_DAYS * OD_DAY_TEXT);
			return -1;
		}
	}
	return 0;
}

int opendata_france_services_csv(store *s, buf *out, char *err, size_t errlen)
{
	static const char *const cols[] = {
	    "id_fs",     "insee_dep",   "lib_fs",        "adresse",     "complement_adresse",
	    "insee_com", "code_postal", "lib_com",       "latitude",    "longitude",
	    "mail",      "telephone",   "h_lundi",       "h_mardi",     "h_mercredi",
	    "h_jeudi",   "h_vendredi",  "h_samedi",      "commentaire", "itinerance",
	    "format_fs", "groupe",      "labellisation",
	};
	store_site *sites;
	size_t n;
	arena *a = sites_read(s, &sites, &n, err, errlen);
	if (!a)
		return -1;
	csv_writer w;
	csv_writer_init(&w, out, ';');
	csv_write_bom(&w);
	for (size_t i = 0; i < COUNT(cols); i++)
		csv_cell(&w, cols[i]);
	csv_row_end(&w);
	for (size_t k = 0; k < n; k++) {
		const store_site *site = &sites[k];
		if (!is_france_services(site))
			continue;
		od_place p = {0};
		place_of(s, a, site, &p);
		char hours[OD_DAYS][OD_DAY_TEXT];
		osm_hours(site->opening_hours, hours);
		csv_cell_int(&w, site->id);
		csv_cell(&w, site->departement);
		csv_cell(&w, site->name);
		csv_cell(&w, site->address);
		csv_cell(&w, "");
		csv_cell(&w, site->commune_insee);
		csv_cell(&w, p.postcode);
		csv_cell(&w, p.commune);
		for (int i = 0; i < 4; i++) /* latitude, longitude, mail, telephone */
			csv_cell(&w, "");
		for (int d = 0; d < 6; d++) /* Monday to Saturday */
			csv_cell(&w, hours[d]);
		csv_cell(&w, "");
		csv_cell(&w, is_itinerant(site) ? "Oui" : "Non");
		for (int i = 0; i < 3; i++) /* format_fs, groupe, labellisation */
			csv_cell(&w, "");
		csv_row_end(&w);
	}
	return finish(out, a, err, errlen);
}
