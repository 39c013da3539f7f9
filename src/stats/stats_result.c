/*
 * stats_result.c: what the engine and the SQL baseline share: local days
 * as numbers, the derived codes (duration classes, age cuts), the result
 * with its breakdowns, and its JSON, CSV and text forms (docs/stats.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/json.h"
#include "vocab/enums.h"
#include "stats/stats.h"

const char *const STATS_PUBLICS[8] = {"allophone",       "illettrisme",   "handicap",       "precarite",
                                      "sans_equipement", "sans_internet", "sans_telephone", "sans_email"};

const char *const STATS_PROGRESSION[3] = {"progresse", "stable", "recule"};

int stats_public_valid(const char *code)
{
	for (size_t i = 0; i < COUNT(STATS_PUBLICS); i++)
		if (code && strcmp(code, STATS_PUBLICS[i]) == 0)
			return 1;
	return 0;
}

static const char *const bd_names[BD_COUNT] = {
    [BD_OPERATOR] = "by_operator",      [BD_THEME] = "by_theme",
    [BD_PROCEDURE] = "by_procedure",    [BD_LEVEL] = "by_level",
    [BD_OUTCOME] = "by_outcome",        [BD_REFERRAL] = "by_referral",
    [BD_AUTONOMY] = "autonomy",         [BD_EQUIPMENT] = "equipment",
    [BD_INTERPRETING] = "interpreting", [BD_INTERPRETING_LANG] = "interpreting_languages",
    [BD_CHANNEL] = "by_channel",        [BD_AGE] = "by_age_bracket",
    [BD_GENDER] = "by_gender",          [BD_STATUS] = "by_status",
    [BD_COMMUNE] = "by_commune",        [BD_PUBLIC] = "particular_publics",
    [BD_LANGUAGE] = "languages",        [BD_DURATION] = "duration_ranges",
    [BD_WEEKDAY] = "by_weekday",        [BD_HOUR] = "by_hour",
};

const char *stats_bd_name(enum stats_bd bd)
{
	return bd < BD_COUNT ? bd_names[bd] : "";
}

int stats_day_parse(const char *ymd, int32_t *day)
{
	int y, m, d;
	char tail;
	if (!ymd || strlen(ymd) != 10 || sscanf(ymd, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 ||
	    y > 2149 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	int32_t z = time_days_from_civil(y, m, d);
	int yy, mm, dd;
	time_civil_from_days(z, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)
		return -1; /* 31 April, 29 February of a common year */
	*day = z;
	return 0;
}

void stats_day_format(int32_t day, char out[11])
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m, d);
	memcpy(out, tmp, 10);
	out[10] = 0;
}

int32_t stats_day_of_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return time_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int32_t stats_day_year_before(int32_t day)
{
	int y, m, d;
	time_civil_from_days(day, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	return time_days_from_civil(y - 1, m, d);
}

const char *stats_duration_class(int64_t minutes)
{
	if (minutes <= 0)
		return STATS_NOT_GIVEN;
	if (minutes < 30)
		return "moins_30";
	if (minutes < 60)
		return "30_60";
	if (minutes < 120)
		return "60_120";
	return "120_plus";
}

/* Age reached during the visit's year, as enum_age_bracket_of counts it. */
int stats_cut_over_55(int64_t birth_year, int year, const char *bracket)
{
	if (birth_year > 0)
		return year - birth_year >= 55 ? CUT_YES : CUT_NO;
	if (!bracket)
		return CUT_UNKNOWN;
	if (!strcmp(bracket, "60_69") || !strcmp(bracket, "70_plus"))
		return CUT_YES;
	if (!strcmp(bracket, "moins_de_12") || !strcmp(bracket, "12_17") || !strcmp(bracket, "18_24") ||
	    !strcmp(bracket, "25_39"))
		return CUT_NO;
	return CUT_UNKNOWN; /* 40_59 straddles 55; not given */
}

int stats_cut_under_26(int64_t birth_year, int year, const char *bracket)
{
	if (birth_year > 0)
		return year - birth_year < 26 ? CUT_YES : CUT_NO;
	if (!bracket)
		return CUT_UNKNOWN;
	if (!strcmp(bracket, "moins_de_12") || !strcmp(bracket, "12_17") || !strcmp(bracket, "18_24"))
		return CUT_YES;
	if (!strcmp(bracket, "40_59") || !strcmp(bracket, "60_69") || !strcmp(bracket, "70_plus"))
		return CUT_NO;
	return CUT_UNKNOWN; /* 25_39 straddles 26; not given */
}

/* Results hold a few thousand codes at most (communes of a nation). */
#define RESULT_ARENA_BYTES ((size_t)16 * 1024 * 1024)

stats_result *stats_result_new(const stats_query *q)
{
	stats_result *r = xcalloc(1, sizeof *r);
	r->q = *q;
	r->a = arena_new(RESULT_ARENA_BYTES);
	return r;
}

void stats_result_free(stats_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < BD_COUNT; i++)
		free(r->bd[i].v);
	arena_free(r->a);
	free(r);
}

void stats_result_reserve(stats_result *r, enum stats_bd bd, size_t n)
{
	if (bd >= BD_COUNT)
		return;
	stats_breakdown *b = &r->bd[bd];
	if (b->cap - b->n >= n)
		return;
	b->cap = b->n + n;
	b->v = xrealloc(b->v, b->cap * sizeof *b->v);
}

int stats_result_add(stats_result *r, enum stats_bd bd, const char *code, int64_t n)
{
	if (n == 0 || bd >= BD_COUNT)
		return 0;
	stats_breakdown *b = &r->bd[bd];
	/* A code added twice (expanded lists) is merged by
	 * stats_result_finish. */
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->v = xrealloc(b->v, b->cap * sizeof *b->v);
	}
	char *c = arena_strdup(r->a, code);
	if (!c)
		return -1;
	b->v[b->n++] = (stats_count){c, n};
	return 0;
}

static int count_cmp(const void *x, const void *y)
{
	return strcmp(((const stats_count *)x)->code, ((const stats_count *)y)->code);
}

void stats_result_finish(stats_result *r)
{
	for (size_t i = 0; i < BD_COUNT; i++) {
		stats_breakdown *b = &r->bd[i];
		size_t k = 1;
		while (k < b->n && strcmp(b->v[k - 1].code, b->v[k].code) < 0)
			k++;
		if (k >= b->n)
			continue; /* added in order already (the engine's dictionaries) */
		qsort(b->v, b->n, sizeof *b->v, count_cmp);
		/* Merge codes added more than once (expanded lists). */
		k = 0;
		for (size_t j = 0; j < b->n; j++) {
			if (k && strcmp(b->v[k - 1].code, b->v[j].code) == 0)
				b->v[k - 1].n += b->v[j].n;
			else
				b->v[k++] = b->v[j];
		}
		b->n = k;
	}
}

static int64_t bd_get(const stats_result *r, enum stats_bd bd, const char *code)
{
	for (size_t i = 0; i < r->bd[bd].n; i++)
		if (!strcmp(r->bd[bd].v[i].code, code))
			return r->bd[bd].v[i].n;
	return 0;
}

static void json_rate(json_writer *w, int64_t num, int64_t den)
{
	if (den > 0)
		json_num(w, (double)num / (double)den);
	else
		json_put_null(w);
}

static void json_period(json_writer *w, int32_t from, int32_t to, int64_t visits, int64_t demands)
{
	char d[11];
	json_object_open(w);
	stats_day_format(from, d);
	json_key(w, "from");
	json_str(w, d);
	stats_day_format(to, d);
	json_key(w, "to");
	json_str(w, d);
	json_key(w, "visits");
	json_int(w, visits);
	json_key(w, "demands");
	json_int(w, demands);
	json_object_close(w);
}

static void json_cut(json_writer *w, const char *key, const int64_t v[3])
{
	json_key(w, key);
	json_object_open(w);
	json_key(w, "yes");
	json_int(w, v[CUT_YES]);
	json_key(w, "no");
	json_int(w, v[CUT_NO]);
	json_key(w, "unknown");
	json_int(w, v[CUT_UNKNOWN]);
	json_key(w, "rate");
	json_rate(w, v[CUT_YES], v[CUT_YES] + v[CUT_NO]);
	json_object_close(w);
}

/* The periods compared in growth: same length just before, and the same
 * dates one year earlier. */
void stats_periods(const stats_query *q, int32_t prev[2], int32_t yago[2])
{
	int32_t len = q->to_day - q->from_day + 1;
	prev[0] = q->from_day - len;
	prev[1] = q->from_day - 1;
	yago[0] = stats_day_year_before(q->from_day);
	yago[1] = stats_day_year_before(q->to_day);
}

/* The codes of the clarity levels: [0] not answered, [1..5] the level. */
static const char *const clarity_codes[6] = {"non_repondu", "1", "2", "3", "4", "5"};

static int64_t satisfaction_answers(const stats_result *r)
{
	return r->satisfaction[0] + r->satisfaction[1] + r->satisfaction[2];
}

int stats_result_json(const stats_result *r, buf *b)
{
	json_writer w;
	char d[11];
	json_begin(&w, b);
	json_object_open(&w);
	json_key(&w, "period");
	json_object_open(&w);
	stats_day_format(r->q.from_day, d);
	json_key(&w, "from");
	json_str(&w, d);
	stats_day_format(r->q.to_day, d);
	json_key(&w, "to");
	json_str(&w, d);
	json_object_close(&w);
	json_key(&w, "scope");
	json_object_open(&w);
	json_key(&w, "sites");
	if (r->q.site_ids) {
		json_array_open(&w);
		for (size_t i = 0; i < r->q.nsites; i++)
			json_int(&w, r->q.site_ids[i]);
		json_array_close(&w);
	} else {
		json_put_null(&w);
	}
	json_key(&w, "departement");
	json_str(&w, r->q.departement && *r->q.departement ? r->q.departement : NULL);
	json_key(&w, "region");
	json_str(&w, r->q.region && *r->q.region ? r->q.region : NULL);
	json_object_close(&w);
	json_key(&w, "filters");
	json_object_open(&w);
	const char *fk[] = {"operator", "theme", "channel", "public"};
	const char *fv[] = {r->q.operator_code, r->q.theme_code, r->q.channel, r->q.public_code};
	for (size_t i = 0; i < COUNT(fk); i++) {
		json_key(&w, fk[i]);
		json_str(&w, fv[i] && *fv[i] ? fv[i] : NULL);
	}
	json_key(&w, "agent");
	if (r->q.agent_id)
		json_int(&w, r->q.agent_id);
	else
		json_put_null(&w);
	json_object_close(&w);

	json_key(&w, "visits");
	json_int(&w, r->visits);
	json_key(&w, "demands");
	json_int(&w, r->demands);
	json_key(&w, "solved_on_site");
	json_int(&w, r->solved);
	json_key(&w, "solved_on_site_rate");
	json_rate(&w, r->solved, r->demands);
	json_key(&w, "people");
	json_object_open(&w);
	json_key(&w, "identified_distinct");
	json_int(&w, r->identified_distinct);
	json_key(&w, "anonymous_visits");
	json_int(&w, r->anonymous_visits);
	json_key(&w, "note");
	json_str(&w, "identified_distinct counts identified people once; each anonymous visit may be a "
	             "person already counted");
	json_object_close(&w);

	int32_t prev[2], yago[2];
	stats_periods(&r->q, prev, yago);
	json_key(&w, "growth");
	json_object_open(&w);
	json_key(&w, "previous_period");
	json_period(&w, prev[0], prev[1], r->prev_visits, r->prev_demands);
	json_key(&w, "year_before");
	json_period(&w, yago[0], yago[1], r->yago_visits, r->yago_demands);
	json_key(&w, "visits_vs_previous");
	json_rate(&w, r->visits - r->prev_visits, r->prev_visits);
	json_key(&w, "demands_vs_previous");
	json_rate(&w, r->demands - r->prev_demands, r->prev_demands);
	json_key(&w, "visits_vs_year_before");
	json_rate(&w, r->visits - r->yago_visits, r->yago_visits);
	json_key(&w, "demands_vs_year_before");
	json_rate(&w, r->demands - r->yago_demands, r->yago_demands);
	json_object_close(&w);

	for (size_t i = 0; i < BD_COUNT; i++) {
		json_key(&w, bd_names[i]);
		json_object_open(&w);
		for (size_t k = 0; k < r->bd[i].n; k++) {
			json_key(&w, r->bd[i].v[k].code);
			json_int(&w, r->bd[i].v[k].n);
		}
		json_object_close(&w);
	}
	json_cut(&w, "over_55", r->over_55);
	json_cut(&w, "under_26", r->under_26);
	json_key(&w, "autonomy_progression");
	json_object_open(&w);
	for (int i = 0; i < 3; i++) {
		json_key(&w, STATS_PROGRESSION[i]);
		json_int(&w, r->autonomy_progression[i]);
	}
	json_object_close(&w);
	json_key(&w, "workshops");
	json_object_open(&w);
	json_key(&w, "count");
	json_int(&w, r->workshops);
	json_key(&w, "participants");
	json_int(&w, r->participants);
	json_object_close(&w);
	/* Satisfied: the answers "très bien" (REFERENCE.md section 6). */
	int64_t answers = satisfaction_answers(r);
	json_key(&w, "satisfaction");
	json_object_open(&w);
	json_key(&w, "counts");
	json_object_open(&w);
	for (int i = 0; i < 3; i++) {
		json_key(&w, SATISFACTION_CODES[i]);
		json_int(&w, r->satisfaction[i]);
	}
	json_object_close(&w);
	json_key(&w, "answers");
	json_int(&w, answers);
	json_key(&w, "satisfied_rate");
	json_rate(&w, r->satisfaction[2], answers);
	json_key(&w, "clarity");
	json_object_open(&w);
	for (int i = 1; i <= 6; i++) {
		json_key(&w, clarity_codes[i % 6]);
		json_int(&w, r->clarity[i % 6]);
	}
	json_object_close(&w);
	json_object_close(&w);
	json_object_close(&w);
	buf_putc(b, '\n');
	return b->overflow ? -1 : 0;
}

/* The scalar figures as (section, code, count) rows shared by CSV and text. */
static void scalars(const stats_result *r, const char *names[12], int64_t v[12])
{
	const char *n[12] = {"visits",
	                     "demands",
	                     "solved_on_site",
	                     "identified_distinct",
	                     "anonymous_visits",
	                     "previous_visits",
	                     "previous_demands",
	                     "year_before_visits",
	                     "year_before_demands",
	                     "workshops",
	                     "participants",
	                     "resolu"};
	int64_t x[12] = {
	    r->visits,           r->demands,     r->solved,       r->identified_distinct,
	    r->anonymous_visits, r->prev_visits, r->prev_demands, r->yago_visits,
	    r->yago_demands,     r->workshops,   r->participants, bd_get(r, BD_OUTCOME, "resolu")};
	memcpy(names, n, sizeof n);
	memcpy(v, x, sizeof x);
}

/* Codes are vocabulary codes, ids and INSEE codes as validated on entry;
 * one that holds a separator, a quote or a line break anyway (an old
 * record) is quoted rather than allowed to break the row. */
static void csv_cell(buf *b, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static const char *const cut_codes[3] = {"yes", "no", "unknown"};

int stats_result_csv(const stats_result *r, buf *b)
{
	const char *n[12];
	int64_t v[12];
	scalars(r, n, v);
	buf_puts(b, "section,code,count\r\n");
	for (size_t i = 0; i < 11; i++)
		buf_printf(b, "total,%s,%lld\r\n", n[i], (long long)v[i]);
	for (size_t i = 0; i < BD_COUNT; i++)
		for (size_t k = 0; k < r->bd[i].n; k++) {
			buf_printf(b, "%s,", bd_names[i]);
			csv_cell(b, r->bd[i].v[k].code);
			buf_printf(b, ",%lld\r\n", (long long)r->bd[i].v[k].n);
		}
	for (int c = 0; c < 3; c++)
		buf_printf(b, "over_55,%s,%lld\r\n", cut_codes[c], (long long)r->over_55[c]);
	for (int c = 0; c < 3; c++)
		buf_printf(b, "under_26,%s,%lld\r\n", cut_codes[c], (long long)r->under_26[c]);
	for (int c = 0; c < 3; c++)
		buf_printf(b, "autonomy_progression,%s,%lld\r\n", STATS_PROGRESSION[c],
		           (long long)r->autonomy_progression[c]);
	for (int c = 0; c < 3; c++)
		buf_printf(b, "satisfaction,%s,%lld\r\n", SATISFACTION_CODES[c],
		           (long long)r->satisfaction[c]);
	for (int c = 1; c <= 6; c++)
		buf_printf(b, "clarity,%s,%lld\r\n", clarity_codes[c % 6], (long long)r->clarity[c % 6]);
	return b->overflow ? -1 : 0;
}

int stats_result_text(const stats_result *r, buf *b)
{
	const char *n[12];
	int64_t v[12];
	char f[11], t[11];
	scalars(r, n, v);
	stats_day_format(r->q.from_day, f);
	stats_day_format(r->q.to_day, t);
	buf_printf(b, "Period %s to %s\n", f, t);
	for (size_t i = 0; i < 11; i++)
		buf_printf(b, "  %-22s %12lld\n", n[i], (long long)v[i]);
	if (r->demands)
		buf_printf(b, "  %-22s %11.1f%%\n", "solved_on_site_rate",
		           100.0 * (double)r->solved / (double)r->demands);
	for (size_t i = 0; i < BD_COUNT; i++) {
		buf_printf(b, "\n%s\n", bd_names[i]);
		for (size_t k = 0; k < r->bd[i].n; k++)
			buf_printf(b, "  %-30s %12lld\n", r->bd[i].v[k].code, (long long)r->bd[i].v[k].n);
	}
	buf_printf(b, "\nover_55   yes %lld  no %lld  unknown %lld\n", (long long)r->over_55[0],
	           (long long)r->over_55[1], (long long)r->over_55[2]);
	buf_printf(b, "under_26  yes %lld  no %lld  unknown %lld\n", (long long)r->under_26[0],
	           (long long)r->under_26[1], (long long)r->under_26[2]);
	buf_printf(b, "autonomy_progression  progresse %lld  stable %lld  recule %lld\n",
	           (long long)r->autonomy_progression[0], (long long)r->autonomy_progression[1],
	           (long long)r->autonomy_progression[2]);
	int64_t answers = satisfaction_answers(r);
	buf_printf(b, "satisfaction  answers %lld  pas_bien %lld  moyen %lld  tres_bien %lld\n",
	           (long long)answers, (long long)r->satisfaction[0], (long long)r->satisfaction[1],
	           (long long)r->satisfaction[2]);
	if (answers)
		buf_printf(b, "  %-22s %11.1f%%\n", "satisfied_rate",
		           100.0 * (double)r->satisfaction[2] / (double)answers);
	buf_printf(b, "clarity  1 %lld  2 %lld  3 %lld  4 %lld  5 %lld  non_repondu %lld\n",
	           (long long)r->clarity[1], (long long)r->clarity[2], (long long)r->clarity[3],
	           (long long)r->clarity[4], (long long)r->clarity[5], (long long)r->clarity[0]);
	return b->overflow ? -1 : 0;
}
