/*
 * stats.c: the statistics bench (bench/README.md). On a database made by
 * bench/gen_national.c it loads the engine (time and memory), asks the
 * national report of a year (every breakdown at once) without and with
 * combinations of filters, a département report and a site report, each
 * timed on the engine (median of several rounds) and, for the questions
 * marked, on the SQL GROUP BY baseline in the same run, checks that both
 * answers are the same bytes, and prints the ratios. Last, it records one
 * visit and times the refresh that makes it count.
 *
 *   bench/stats.sh /tmp/national.db [year] [rounds] [nosql|sql] [threads]
 *
 * With --serve it only reads: it loads the engine once and answers one
 * question per line of standard input, so that another bench (duckdb.mjs)
 * can keep it loaded beside its own system and alternate the two:
 *
 *   stats DB --serve [threads]
 *   > ready visits=N demands=N bytes=N load_us=N threads=N
 *   < from=2025-01-01 to=2025-12-31 [departement=35 | region=53 | sites=1,2]
 *     [operator=cnaf] [theme=…] [channel=…] [public=…] [agent=N] [json=1]
 *   > ok US VISITS DEMANDS BYTES CPU, then BYTES of JSON (json=1), or: error TEXT
 *
 * US is the time of stats_engine_query alone, in microseconds, and CPU the
 * processor time the process spent in it (every thread); the JSON is
 * stats_result_json's, the same as `guichet stats --format json`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats/stats.h"
#include "store/store_stats.h"
#include "store/store.h"
#include "util/util.h"

static long status_kib(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, key, n) == 0)
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Processor time of the whole process (every thread), in microseconds. */
static int64_t cpu_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* One question of --serve: space-separated key=value words, parsed in
 * place (q points into line). 0, or -1 with a message in err. */
static int serve_parse(char *line, stats_query *q, int64_t *sites, size_t maxsites, int *json,
                       const char **err)
{
	*q = (stats_query){0};
	*json = 0;
	int have_from = 0, have_to = 0;
	for (char *save = NULL, *w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		char *v = strchr(w, '=');
		if (!v) {
			*err = "word without =";
			return -1;
		}
		*v++ = '\0';
		if (!strcmp(w, "from")) {
			have_from = stats_day_parse(v, &q->from_day) == 0;
		} else if (!strcmp(w, "to")) {
			have_to = stats_day_parse(v, &q->to_day) == 0;
		} else if (!strcmp(w, "departement")) {
			q->departement = v;
		} else if (!strcmp(w, "region")) {
			q->region = v;
		} else if (!strcmp(w, "operator")) {
			q->operator_code = v;
		} else if (!strcmp(w, "theme")) {
			q->theme_code = v;
		} else if (!strcmp(w, "channel")) {
			q->channel = v;
		} else if (!strcmp(w, "public")) {
			q->public_code = v;
		} else if (!strcmp(w, "agent")) {
			if (parse_int64(v, 1, INT64_MAX, &q->agent_id) != 0) {
				*err = "bad agent";
				return -1;
			}
		} else if (!strcmp(w, "json")) {
			*json = !strcmp(v, "1");
		} else if (!strcmp(w, "sites")) {
			q->nsites = 0;
			for (char *s2 = NULL, *id = strtok_r(v, ",", &s2); id;
			     id = strtok_r(NULL, ",", &s2)) {
				if (q->nsites == maxsites ||
				    parse_int64(id, 1, INT64_MAX, &sites[q->nsites]) != 0) {
					*err = "bad sites";
					return -1;
				}
				q->nsites++;
			}
			q->site_ids = sites;
		} else {
			*err = "unknown key";
			return -1;
		}
	}
	if (!have_from || !have_to || q->from_day > q->to_day) {
		*err = "from and to (YYYY-MM-DD, from <= to) are needed";
		return -1;
	}
	return 0;
}

/* --serve: loads once, then one answer per line until end of input. */
static int serve(const char *path, int threads)
{
	char err[256];
	store *s;
	if (store_open(&s, path, 2, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "stats: %s\n", err);
		return 1;
	}
	int64_t t0 = mono_us();
	stats_engine *e = store_stats_load(s, threads);
	if (!e) {
		fprintf(stderr, "stats: cannot load the engine\n");
		store_close(s);
		return 1;
	}
	int64_t load_us = mono_us() - t0;
	stats_engine_info info;
	stats_engine_info_get(e, &info);
	printf("ready visits=%zu demands=%zu bytes=%zu load_us=%lld threads=%d\n", info.visits, info.demands,
	       info.bytes, (long long)load_us, threads);
	fflush(stdout);
	char line[4096];
	int64_t sites[256];
	buf x;
	buf_init(&x, (size_t)64 << 20);
	while (fgets(line, sizeof line, stdin)) {
		stats_query q;
		int json;
		const char *why = NULL;
		if (serve_parse(line, &q, sites, COUNT(sites), &json, &why) != 0) {
			printf("error %s\n", why);
			fflush(stdout);
			continue;
		}
		int64_t c0 = cpu_us(), a = mono_us();
		stats_result *r = stats_engine_query(e, &q);
		int64_t us = mono_us() - a, cpu = cpu_us() - c0;
		if (!r) {
			printf("error query failed\n");
			fflush(stdout);
			continue;
		}
		buf_reset(&x);
		if (json)
			stats_result_json(r, &x);
		printf("ok %lld %lld %lld %zu %lld\n", (long long)us, (long long)r->visits,
		       (long long)r->demands, x.len, (long long)cpu);
		if (x.len)
			fwrite(x.data, 1, x.len, stdout);
		fflush(stdout);
		stats_result_free(r);
	}
	buf_free(&x);
	stats_engine_free(e);
	store_close(s);
	return 0;
}

typedef struct question {
	const char *name;
	stats_query q;
	int sql; /* also ask the baseline */
} question;

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: stats DB [year] [rounds] [nosql|sql] [threads]\n       stats DB "
		                "--serve [threads]\n");
		return 2;
	}
	setenv("TZ", "Europe/Paris", 0);
	tzset();
	if (argc > 2 && !strcmp(argv[2], "--serve"))
		return serve(argv[1], argc > 3 && atoi(argv[3]) == 1 ? 1 : 2);
	const char *year = argc > 2 ? argv[2] : "2025";
	int rounds = argc > 3 ? atoi(argv[3]) : 7;
	if (rounds < 1 || rounds > 100)
		rounds = 7;
	char from[16], to[16], err[256];
	snprintf(from, sizeof from, "%.4s-01-01", year);
	snprintf(to, sizeof to, "%.4s-12-31", year);
	store *s;
	if (store_open(&s, argv[1], 2, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "stats: %s\n", err);
		return 1;
	}
	long rss0 = status_kib("VmRSS:");
	int64_t t0 = mono_us();
	int threads = argc > 5 ? atoi(argv[5]) : 2;
	stats_engine *e = store_stats_load(s, threads);
	if (!e)
		return 1;
	int64_t load_us = mono_us() - t0;
	stats_engine_info info;
	stats_engine_info_get(e, &info);
	printf("engine (%d thread%s): %zu visits, %zu demands loaded in %.1f s; columns %.1f MiB; process "
	       "RSS %.1f MiB "
	       "(%.1f MiB before loading), peak %.1f MiB\n",
	       threads, threads > 1 ? "s" : "", info.visits, info.demands, (double)load_us / 1e6,
	       (double)info.bytes / 1048576.0, (double)status_kib("VmRSS:") / 1024.0, (double)rss0 / 1024.0,
	       (double)status_kib("VmHWM:") / 1024.0);

	stats_query base = {0};
	stats_day_parse(from, &base.from_day);
	stats_day_parse(to, &base.to_day);
	question qs[] = {
	    {"national, every breakdown", base, 1},
	    {"national, operator cnaf", base, 0},
	    {"national, theme social_sante + channel guichet_spontane", base, 0},
	    {"national, public allophone", base, 0},
	    {"national, operator dgfip + channel telephone + public sans_internet", base, 0},
	    {"national, one quarter (Q2)", base, 0},
	    {"departement 35, every breakdown", base, 1},
	    {"departement 35, operator cnaf + public precarite", base, 0},
	    {"region-sized: 5 sites", base, 0},
	    {"one site, every breakdown", base, 1},
	};
	qs[1].q.operator_code = "cnaf";
	qs[2].q.theme_code = "social_sante";
	qs[2].q.channel = "guichet_spontane";
	qs[3].q.public_code = "allophone";
	qs[4].q.operator_code = "dgfip";
	qs[4].q.channel = "telephone";
	qs[4].q.public_code = "sans_internet";
	char q2a[16], q2b[16];
	snprintf(q2a, sizeof q2a, "%.4s-04-01", year);
	snprintf(q2b, sizeof q2b, "%.4s-06-30", year);
	stats_day_parse(q2a, &qs[5].q.from_day);
	stats_day_parse(q2b, &qs[5].q.to_day);
	qs[6].q.departement = "35";
	qs[7].q.departement = "35";
	qs[7].q.operator_code = "cnaf";
	qs[7].q.public_code = "precarite";
	static const int64_t five[] = {35, 136, 237, 338, 439};
	qs[8].q.site_ids = five;
	qs[8].q.nsites = 5;
	static const int64_t one[] = {35};
	qs[9].q.site_ids = one;
	qs[9].q.nsites = 1;

	/* First every question on the engine, then the baseline (slow at
	 * national scale) on the marked ones, in the same run. */
	double em[COUNT(qs)];
	long long nvis[COUNT(qs)];
	char *json[COUNT(qs)];
	buf x;
	buf_init(&x, (size_t)64 << 20);
	printf("%-68s %10s %9s\n", "question (one year unless said)", "engine ms", "visits");
	for (size_t i = 0; i < COUNT(qs); i++) {
		int64_t t[100];
		stats_result *r = NULL;
		for (int k = 0; k < rounds; k++) {
			stats_result_free(r);
			int64_t a = mono_us();
			r = stats_engine_query(e, &qs[i].q);
			t[k] = mono_us() - a;
		}
		qsort(t, (size_t)rounds, sizeof *t, cmp_i64);
		em[i] = (double)t[rounds / 2] / 1000.0;
		nvis[i] = (long long)r->visits;
		buf_reset(&x);
		stats_result_json(r, &x);
		json[i] = xstrdup(x.data);
		printf("%-68s %10.2f %9lld\n", qs[i].name, em[i], nvis[i]);
		fflush(stdout);
		stats_result_free(r);
	}
	int sql = argc <= 4 || strcmp(argv[4], "nosql") != 0;
	printf("\n%-68s %10s %10s %10s %s\n", "same question, SQLite GROUP BY baseline", "engine ms",
	       "SQL ms", "SQL/engine", "answers");
	for (size_t i = COUNT(qs); sql && i-- > 0;) {
		if (!qs[i].sql)
			continue;
		int64_t a = mono_us();
		stats_result *b = store_stats_sql(s, &qs[i].q);
		double sm = (double)(mono_us() - a) / 1000.0;
		buf_reset(&x);
		if (b)
			stats_result_json(b, &x);
		const char *same = b && strcmp(x.data, json[i]) == 0 ? "identical" : "DIFFERENT";
		printf("%-68s %10.2f %10.0f %9.0fx %s\n", qs[i].name, em[i], sm, sm / em[i], same);
		fflush(stdout);
		stats_result_free(b);
	}
	for (size_t i = 0; i < COUNT(qs); i++)
		free(json[i]);
	buf_free(&x);

	/* One new visit, then the refresh that makes it count. */
	store_demand d = {.operator_code = "cnaf",
	                  .theme_code = "social_sante",
	                  .level = "fait_avec",
	                  .outcome = "resolu",
	                  .equipment = ""};
	char today[16];
	snprintf(today, sizeof today, "%.4s-06-15", year);
	store_visit v = {
	    .site_id = 35, .agent_id = 35, .channel = "guichet_spontane", .demands = &d, .ndemands = 1};
	time_parse_local(today, "10:00", &v.started_at);
	v.visitor = (store_visitor){.age_bracket = "40_59", .gender = "feminin"};
	stats_result *before = stats_engine_query(e, &qs[9].q);
	if (store_visit_insert(s, &v) == STORE_OK) {
		int64_t a = mono_us();
		stats_engine_refresh(e);
		double ms = (double)(mono_us() - a) / 1000.0;
		stats_result *after = stats_engine_query(e, &qs[9].q);
		printf("refresh after one new visit: %.2f ms; site visits %lld -> %lld\n", ms,
		       (long long)before->visits, (long long)after->visits);
		stats_result_free(after);
		store_visit_delete(s, v.id, now_s());
	}
	stats_result_free(before);
	printf("process peak memory (VmHWM): %.1f MiB\n", (double)status_kib("VmHWM:") / 1024.0);
	stats_engine_free(e);
	store_close(s);
	return 0;
}
