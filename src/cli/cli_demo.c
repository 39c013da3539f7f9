/*
 * cli_demo.c: `guichet demo`, a demonstration database: four sites of
 * Ille-et-Vilaine, their staff, a coordinator and an administrator, and a
 * year of visits, workshops and satisfaction answers drawn by demo_gen.c.
 * The same seed gives the same records, so that a demonstration, a
 * screenshot or a test can be repeated.
 *
 * Sites and accounts go through the domain's validation and the store like
 * those of `site add` and `user add`; the visits are checked by
 * visit_validate and stored in one import transaction (all or nothing).
 * Every account has the same password, hashed once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cli/cli.h"
#include "cli/demo_data.h"
#include "util/guichet_limits.h"
#include "domain/satisfaction.h"
#include "domain/site.h"
#include "domain/user.h"
#include "domain/visit.h"
#include "store/store_escalations.h"

#define DEMO_MAX_DAYS 3660
/* One day of visits of every site, with their strings. */
#define DEMO_DAY_ARENA ((size_t)8 * 1024 * 1024)

static const cli_opt demo_opts[] = {
    {"seed", "N", "the seed: the same seed gives the same records (default 1)", 0, 0},
    {"days", "N", "days of activity, ending on --end (default 365, at most 3660)", 0, 0},
    {"end", "DATE", "the last day, YYYY-MM-DD (default today; visits after now are left out)", 0, 0},
    {"force", NULL, "add the records even if the database has visits already", 0, 0},
};
static const cli_cmd cmd_demo = {
    .name = "demo",
    .summary = "Fills a database with demonstration data: 4 sites of Ille-et-Vilaine, their accounts (one "
               "password for all, printed), a year of visits and workshops. For showing and testing only.",
    .opts = demo_opts,
    .nopts = COUNT(demo_opts),
};

typedef struct demo_run {
	const cli_args *a;
	store *s;
	arena *ar; /* sites, accounts and catalog: live for the whole run */
	char hash[256];
	int64_t site_ids[DEMO_NSITES];
	int64_t *account_ids;
	size_t naccounts;
	int64_t visits, demands, workshops, days_open, answers;
} demo_run;

static void print_field_errors(const cli_args *a, const char *what, const field_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		cli_error(a, "%s: %s%s%s", what, e->v[i].field ? e->v[i].field : "",
		          e->v[i].field ? ": " : "", cli_text(e->v[i].msgid));
}

/* The demo's sites; one of the same name already there is reused, so that
 * --force on a demo database adds visits without new sites. */
static int make_sites(demo_run *d)
{
	size_t n, nold;
	const demo_site *def = demo_sites(&n);
	store_site *old;
	if (store_site_list(d->s, d->ar, NULL, &old, &nold) != STORE_OK) {
		cli_error(d->a, "cannot read the sites");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		d->site_ids[i] = 0;
		for (size_t k = 0; k < nold; k++)
			if (strcmp(old[k].name, def[i].name) == 0)
				d->site_ids[i] = old[k].id;
		if (d->site_ids[i])
			continue;
		store_site site = {.name = arena_strdup(d->ar, def[i].name),
		                   .type = arena_strdup(d->ar, def[i].type),
		                   .commune_insee = arena_strdup(d->ar, def[i].commune_insee),
		                   .departement = arena_strdup(d->ar, ""),
		                   .address = arena_strdup(d->ar, def[i].address),
		                   .opening_hours = arena_strdup(d->ar, def[i].opening_hours),
		                   .languages = arena_strdup(d->ar, def[i].languages),
		                   .accessibility = arena_strdup(d->ar, def[i].accessibility),
		                   .accessibility_note = arena_strdup(d->ar, ""),
		                   .phone = arena_strdup(d->ar, def[i].phone)};
		field_errors e = {0};
		if (site_validate(&site, &e) != 0) {
			print_field_errors(d->a, def[i].name, &e);
			return -1;
		}
		if (store_site_insert(d->s, &site, &d->site_ids[i]) != STORE_OK) {
			cli_error(d->a, "cannot store the site %s", def[i].name);
			return -1;
		}
		cli_audit(d->s, "create", "site", d->site_ids[i], d->site_ids[i], "demo");
	}
	return 0;
}

/* The demo's accounts; an existing one gets the demo password again. */
static int make_accounts(demo_run *d)
{
	const demo_account *def = demo_accounts(&d->naccounts);
	d->account_ids = arena_alloc(d->ar, d->naccounts * sizeof *d->account_ids);
	if (!d->account_ids)
		return -1;
	for (size_t i = 0; i < d->naccounts; i++) {
		char *email = arena_printf(d->ar, "%s@%s", def[i].local, DEMO_EMAIL_DOMAIN);
		store_user old;
		int found = store_user_by_email(d->s, d->ar, email, &old);
		if (found == STORE_OK) {
			d->account_ids[i] = old.id;
			if (store_user_set_password(d->s, old.id, d->hash) != STORE_OK) {
				cli_error(d->a, "cannot set the password of %s", email);
				return -1;
			}
			continue;
		}
		int64_t site = def[i].site >= 0 ? d->site_ids[def[i].site] : 0;
		store_user u = {.email = email,
		                .name = arena_strdup(d->ar, def[i].name),
		                .role = arena_strdup(d->ar, def[i].role),
		                .departement = arena_strdup(d->ar, def[i].departement),
		                .operator_code = arena_strdup(d->ar, strcmp(def[i].role, "operator") == 0 ? "cnaf" : ""),
		                .password_hash = d->hash,
		                .active = 1,
		                .site_ids = def[i].site >= 0 ? &site : NULL,
		                .nsites = def[i].site >= 0 ? 1 : 0};
		field_errors e = {0};
		if (user_validate(&u, &e) != 0) {
			print_field_errors(d->a, email, &e);
			return -1;
		}
		if (store_user_insert(d->s, &u, &d->account_ids[i]) != STORE_OK) {
			cli_error(d->a, "cannot store the account %s", email);
			return -1;
		}
		cli_audit(d->s, "create", "user", d->account_ids[i], site, "demo");
	}
	return 0;
}

/* Tells the generator who records at each site: the agents, then the
 * manager. */
static void give_staff(demo_run *d, demo_gen *g)
{
	const demo_account *def = demo_accounts(&d->naccounts);
	for (size_t s = 0; s < DEMO_NSITES; s++) {
		int64_t ids[DEMO_STAFF_PER_SITE];
		size_t n = 0;
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < d->naccounts && n < COUNT(ids); i++)
				if (def[i].site == (int)s &&
				    strcmp(def[i].role, pass ? "manager" : "agent") == 0)
					ids[n++] = d->account_ids[i];
		demo_gen_staff(g, s, d->site_ids[s], ids, n);
	}
}

/* Checks a generated visit as the recording page would. A returning
 * identified visitor is checked as a new one: its row is not committed yet,
 * so the second connection could not see it. */
static int check_visit(demo_run *d, store *vs, store_visit *v, int64_t now)
{
	field_errors e = {0};
	int64_t visitor_id = v->visitor_id;
	v->visitor_id = 0;
	int rc = visit_validate(vs, v, now, &e);
	v->visitor_id = visitor_id;
	if (rc != 0) {
		char date[11];
		time_local_date(v->started_at, date);
		cli_error(d->a, "a generated visit of %s is not valid (a bug of the generator):", date);
		print_field_errors(d->a, "visit", &e);
	}
	return rc;
}

/* Every visit of the period in one transaction, day by day so that ids
 * follow time as they would at a real desk. */
static int make_visits(demo_run *d, demo_gen *g, store *vs, int64_t first, int64_t last, int64_t now)
{
	store_import *im;
	if (store_import_begin(d->s, &im) != STORE_OK) {
		cli_error(d->a, "cannot start the import transaction");
		return -1;
	}
	int ok = 1;
	for (int64_t day = first; ok && day <= last; day++) {
		arena *ar = arena_new(DEMO_DAY_ARENA);
		int open = 0;
		for (size_t s = 0; ok && s < DEMO_NSITES; s++) {
			int64_t starts[DEMO_MAX_VISITS_PER_DAY];
			size_t n = demo_gen_day(g, s, day, starts, COUNT(starts));
			open |= n > 0;
			for (size_t i = 0; ok && i < n; i++) {
				store_visit v;
				int pool;
				if (demo_gen_visit(g, ar, s, starts[i], &v, &pool) != 0) {
					cli_error(d->a, "out of memory while drawing the visits");
					ok = 0;
					break;
				}
				/* Drawn all the same, so that the records of the past do not
				 * depend on the hour the command runs. */
				if (v.started_at > now)
					continue;
				if (check_visit(d, vs, &v, now) != 0) {
					ok = 0;
					break;
				}
				if (store_import_visit(im, &v) != STORE_OK) {
					cli_error(d->a, "cannot store a visit (see the log above)");
					ok = 0;
					break;
				}
				if (pool >= 0 && demo_gen_pool_id(g, s, pool) == 0)
					demo_gen_pool_set(g, s, pool, v.visitor_id);
				d->visits++;
				d->demands += (int64_t)v.ndemands;
			}
		}
		d->days_open += open;
		arena_free(ar);
	}
	if (store_import_end(im, ok) != STORE_OK && ok) {
		cli_error(d->a, "cannot commit the visits");
		ok = 0;
	}
	if (!ok)
		cli_error(d->a, "no visit was stored");
	return ok ? 0 : -1;
}

static int make_workshops(demo_run *d, demo_gen *g, int64_t first, int64_t last, int64_t now)
{
	for (int64_t day = first; day <= last; day++)
		for (size_t s = 0; s < DEMO_NSITES; s++) {
			arena *ar = arena_new(CLI_ARENA_SMALL);
			store_workshop w;
			field_errors e = {0};
			int rc = demo_gen_workshop(g, ar, s, day, &w);
			if (rc == 1 && w.held_at <= now) {
				if (workshop_validate(d->s, &w, now, &e) != 0) {
					print_field_errors(d->a, "workshop", &e);
					rc = -1;
				} else if (store_workshop_insert(d->s, &w) != STORE_OK) {
					cli_error(d->a, "cannot store a workshop");
					rc = -1;
				} else {
					d->workshops++;
				}
			}
			arena_free(ar);
			if (rc < 0)
				return -1;
		}
	return 0;
}

/* The satisfaction answers drawn with the visits, stored after them (the
 * visits' transaction holds the write lock while they are drawn). */
static int make_answers(demo_run *d, demo_gen *g, int64_t now)
{
	size_t n;
	const store_satisfaction *all = demo_gen_answers(g, &n);
	for (size_t i = 0; i < n; i++) {
		store_satisfaction a = all[i];
		field_errors e = {0};
		if (a.answered_at > now)
			continue;
		if (satisfaction_validate(&a, now, &e) != 0) {
			print_field_errors(d->a, "satisfaction", &e);
			return -1;
		}
		if (store_satisfaction_insert(d->s, &a) != STORE_OK) {
			cli_error(d->a, "cannot store a satisfaction answer");
			return -1;
		}
		d->answers++;
	}
	return 0;
}

static int load_catalog(demo_run *d, demo_catalog *cat)
{
	store_operator *ops;
	store_procedure *procs;
	store_topic *topics;
	if (store_operator_list(d->s, d->ar, 1, &ops, &cat->noperators) != STORE_OK ||
	    store_procedure_list(d->s, d->ar, 1, &procs, &cat->nprocedures) != STORE_OK ||
	    store_topic_list(d->s, d->ar, 1, &topics, &cat->ntopics) != STORE_OK) {
		cli_error(d->a, "cannot read the catalog of operators, procedures and topics");
		return -1;
	}
	cat->operators = ops;
	cat->procedures = procs;
	cat->topics = topics;
	return 0;
}

/* 12345 as "12,345": the summary is read by people. */
static const char *grouped(char *out, size_t n, int64_t v)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%lld", (long long)v);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < n; i++) {
		if (i > 0 && digits[i - 1] != '-' && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return out;
}

/* The referent's département and two escalations to the CAF of the demo's
 * demands whose outcome is "escalade" (docs/escalations.md): one sent three
 * days ago, one twenty days ago, late. */
static int make_escalations(demo_run *d, int64_t now)
{
	const demo_account *def = demo_accounts(&d->naccounts);
	int64_t referent = 0;
	for (size_t i = 0; i < d->naccounts; i++)
		if (strcmp(def[i].role, "operator") == 0)
			referent = d->account_ids[i];
	char *deps[] = {DEMO_DEPARTEMENT};
	if (!referent || store_referent_set(d->s, referent, deps, 1) != STORE_OK)
		return referent ? -1 : 0;
	store_visit_filter f = {.outcome = "escalade", .operator_code = "cnaf", .limit = 10};
	store_visit *v = NULL;
	size_t n = 0, made = 0;
	if (store_visit_list(d->s, d->ar, &f, &v, &n) != STORE_OK)
		return -1;
	for (size_t i = 0; i < n && made < 2; i++)
		for (size_t k = 0; k < v[i].ndemands && made < 2; k++) {
			const store_demand *dm = &v[i].demands[k];
			if (strcmp(dm->outcome, "escalade") != 0 || strcmp(dm->operator_code, "cnaf") != 0 || dm->escalation_id)
				continue;
			int64_t at = now - (made ? 20 : 3) * 86400;
			store_escalation e = {.demand_id = dm->id,
			                      .status = "envoyee",
			                      .question = "Le versement de la prime d'activité est suspendu depuis deux mois ; "
			                                  "la déclaration trimestrielle a pourtant été faite. Pouvez-vous "
			                                  "regarder le dossier ?",
			                      .consent_at = at,
			                      .created_by = v[i].agent_id};
			int rc = store_escalation_insert(d->s, &e, 15, NULL, 0, at);
			if (rc == STORE_CONFLICT)
				continue;
			if (rc != STORE_OK)
				return -1;
			made++;
		}
	return 0;
}

static void print_accounts(const demo_run *d)
{
	size_t nsites, n;
	const demo_site *sites = demo_sites(&nsites);
	const demo_account *def = demo_accounts(&n);
	printf("\nDemo accounts, every one with the password: %s\n", DEMO_PASSWORD);
	printf("  %-12s %-40s %s\n", "role", "e-mail", "where");
	for (size_t i = 0; i < n; i++) {
		char email[128];
		snprintf(email, sizeof email, "%s@%s", def[i].local, DEMO_EMAIL_DOMAIN);
		const char *where = def[i].site >= 0 && (size_t)def[i].site < nsites ? sites[def[i].site].name
		                    : strcmp(def[i].role, "admin") == 0              ? "every site"
		                                                        : "département " DEMO_DEPARTEMENT;
		printf("  %-12s %-40s %s\n", def[i].role, email, where);
	}
}

static int demo(const cli_args *a)
{
	int64_t seed = 1, days = 365, end, last_day;
	int64_t now = now_s();
	char today[11];
	time_local_date(now, today);
	demo_date_parse(today, &last_day);
	end = last_day;
	if (cli_get(a, "seed") && parse_int64(cli_get(a, "seed"), 0, INT64_MAX, &seed) != 0) {
		cli_error(a, "--seed: expected a whole number from 0");
		return CLI_USAGE;
	}
	if (cli_get(a, "days") && parse_int64(cli_get(a, "days"), 1, DEMO_MAX_DAYS, &days) != 0) {
		cli_error(a, "--days: expected a number of days from 1 to %d", DEMO_MAX_DAYS);
		return CLI_USAGE;
	}
	if (cli_get(a, "end") && (demo_date_parse(cli_get(a, "end"), &end) != 0 || end > last_day)) {
		cli_error(a, "--end: expected a date YYYY-MM-DD no later than today (%s)", today);
		return CLI_USAGE;
	}
	int64_t first = end - days + 1;

	demo_run d = {.a = a};
	store *vs = NULL;
	demo_gen *g = NULL;
	int rc = cli_open_or_create_store(a, &d.s);
	if (rc != CLI_OK)
		return rc;
	rc = CLI_FAIL;
	d.ar = arena_new((size_t)LIMIT_ARENA_BYTES);
	int64_t t0 = mono_us(), had = 0, had_demands;
	store_visit_filter all = {0};
	char err[512];
	if (store_visit_count(d.s, &all, &had, &had_demands) != STORE_OK) {
		cli_error(a, "cannot count the visits of the database");
		goto done;
	}
	if (had > 0 && !cli_get(a, "force")) {
		cli_error(a,
		          "the database has %lld visits already: the demo fills a new database "
		          "(give a new file, or add to this one with --force)",
		          (long long)had);
		goto done;
	}
	if (auth_init() != 0 || auth_password_hash(DEMO_PASSWORD, d.hash, sizeof d.hash) != 0) {
		cli_error(a, "cannot hash the demo password");
		goto done;
	}
	demo_catalog cat = {0};
	if (make_sites(&d) != 0 || make_accounts(&d) != 0 || load_catalog(&d, &cat) != 0)
		goto done;
	/* A second connection checks each visit while the first holds the
	 * import's transaction. */
	if (store_open(&vs, a->cfg.db, 1, err, sizeof err) != STORE_OK) {
		cli_error(a, "%s", err);
		goto done;
	}
	g = demo_gen_new((uint64_t)seed, &cat, first, end);
	give_staff(&d, g);
	if (make_visits(&d, g, vs, first, end, now) != 0 || make_workshops(&d, g, first, end, now) != 0 ||
	    make_answers(&d, g, now) != 0 || make_escalations(&d, now) != 0)
		goto done;
	cli_audit(d.s, "import", "visit", 0, 0, "demo");

	char from[11], to[11], nv[32], nd[32];
	demo_date_text(first, from);
	demo_date_text(end, to);
	printf(
	    "Demo data: %zu sites, %zu accounts, %s visits (%s demands) on %lld open days, %lld workshops,\n"
	    "%lld satisfaction answers, from %s to %s, seed %lld, in %.1f s.\n",
	    (size_t)DEMO_NSITES, d.naccounts, grouped(nv, sizeof nv, d.visits),
	    grouped(nd, sizeof nd, d.demands), (long long)d.days_open, (long long)d.workshops,
	    (long long)d.answers, from, to, (long long)seed, (double)(mono_us() - t0) / 1e6);
	print_accounts(&d);
	rc = CLI_OK;
done:
	demo_gen_free(g);
	store_close(vs);
	explicit_bzero(d.hash, sizeof d.hash);
	arena_free(d.ar);
	store_close(d.s);
	return rc;
}

int cli_demo(int argc, char **argv)
{
	cli_args a;
	int status;
	if (cli_parse(&cmd_demo, argc, argv, &a, &status) != 0)
		return status;
	int rc = demo(&a);
	cli_args_free(&a);
	return rc;
}
