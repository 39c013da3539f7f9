/*
 * demand_csv_export.c: the export of the accompaniment CSV file: one row per
 * live demand, written as store_demand_each gives them, so that a year of
 * records never sits in memory. Sites, advisers and procedures are read
 * once and kept for the rows that follow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/demand_csv.h"
#include "domain/demand_csv_impl.h"
#include "util/guichet_limits.h"

/* What a row shows besides the record: read before the rows, since
 * store_demand_each holds its connection while it calls back (a command
 * has only one). Sorted by id for bsearch. */
struct site_info {
	int64_t id;
	const char *name, *insee, *commune, *postcode;
};

struct demand_csv_export {
	store *st;
	buf *out;
	csv_writer w;
	demand_csv_flush_fn flush;
	void *ctx;
	arena *a; /* the reference data below */
	store_procedure *procs;
	size_t nprocs;
	struct site_info *sites;
	size_t nsites;
	store_user *users;
	size_t nusers;
	uint64_t rows;
	int failed;
};

demand_csv_export *demand_csv_export_new(store *st, buf *out, char sep, demand_csv_flush_fn flush, void *ctx)
{
	demand_csv_export *x = xcalloc(1, sizeof *x);
	x->st = st;
	x->out = out;
	x->flush = flush;
	x->ctx = ctx;
	x->a = arena_new((size_t)LIMIT_ARENA_BYTES);
	csv_writer_init(&x->w, out, sep);
	return x;
}

void demand_csv_export_free(demand_csv_export *x)
{
	if (!x)
		return;
	arena_free(x->a);
	free(x);
}

uint64_t demand_csv_export_rows(const demand_csv_export *x)
{
	return x->rows;
}

/* Every record sorted here starts with its int64_t id. */
static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int load_reference(demand_csv_export *x)
{
	store_site *sites;
	size_t n;
	if (store_procedure_list(x->st, x->a, 0, &x->procs, &x->nprocs) != STORE_OK ||
	    store_user_list(x->st, x->a, 0, &x->users, &x->nusers) != STORE_OK ||
	    store_site_list(x->st, x->a, NULL, &sites, &n) != STORE_OK)
		return -1;
	x->sites = arena_alloc(x->a, (n + 1) * sizeof *x->sites);
	if (!x->sites)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct site_info *si = &x->sites[i];
		store_commune c;
		*si = (struct site_info){sites[i].id, sites[i].name, sites[i].commune_insee, "", ""};
		if (*si->insee && store_commune_get(x->st, x->a, si->insee, &c) == STORE_OK) {
			si->commune = c.name;
			si->postcode = arena_strndup(x->a, c.postcodes, strcspn(c.postcodes, " "));
			if (!si->postcode)
				si->postcode = "";
		}
	}
	x->nsites = n;
	qsort(x->procs, x->nprocs, sizeof *x->procs, by_id);
	qsort(x->users, x->nusers, sizeof *x->users, by_id);
	qsort(x->sites, x->nsites, sizeof *x->sites, by_id);
	return 0;
}

static const struct site_info *site_info(const demand_csv_export *x, int64_t id)
{
	static const struct site_info none = {0, "", "", "", ""};
	const struct site_info *si = bsearch(&id, x->sites, x->nsites, sizeof *x->sites, by_id);
	return si ? si : &none;
}

static const char *agent_email(const demand_csv_export *x, int64_t id)
{
	const store_user *u = bsearch(&id, x->users, x->nusers, sizeof *x->users, by_id);
	return u ? u->email : "";
}

static const char *procedure_label(const demand_csv_export *x, int64_t id)
{
	const store_procedure *p = bsearch(&id, x->procs, x->nprocs, sizeof *x->procs, by_id);
	return p ? p->label : "";
}

/* A list as the store keeps it (a,b) written a|b, into tmp. */
static const char *list_text(char *tmp, size_t n, const char *s)
{
	snprintf(tmp, n, "%s", s ? s : "");
	for (char *p = tmp; *p; p++)
		if (*p == ',')
			*p = '|';
	return tmp;
}

static const char *flags_text(char *tmp, size_t n, const char *const *codes, const int *const *flags,
                              size_t nf)
{
	size_t len = 0;
	tmp[0] = '\0';
	for (size_t i = 0; i < nf && len < n; i++)
		if (*flags[i])
			len += (size_t)snprintf(tmp + len, n - len, "%s%s", len ? "|" : "", codes[i]);
	return tmp;
}

static const char *int_text(char *tmp, size_t n, int64_t v, int blank_zero)
{
	if (blank_zero && v <= 0)
		return "";
	snprintf(tmp, n, "%lld", (long long)v);
	return tmp;
}

/* The text of column c for demand d of visit v; tmp (n bytes) holds the
 * texts made here. */
static const char *cell_text(demand_csv_export *x, enum col c, const store_visit *v, const store_demand *d,
                             char *tmp, size_t n)
{
	const store_visitor *p = &v->visitor;
	switch (c) {
	case C_REF:
		return int_text(tmp, n, v->id, 0);
	case C_DATE:
		time_local_date(v->started_at, tmp);
		return tmp;
	case C_TIME:
		time_local_hm(v->started_at, tmp);
		return tmp;
	case C_SITE:
		return int_text(tmp, n, v->site_id, 0);
	case C_SITE_NAME:
		return site_info(x, v->site_id)->name;
	case C_SITE_INSEE:
		return site_info(x, v->site_id)->insee;
	case C_SITE_COMMUNE:
		return site_info(x, v->site_id)->commune;
	case C_SITE_POSTCODE:
		return site_info(x, v->site_id)->postcode;
	case C_AGENT:
		return agent_email(x, v->agent_id);
	case C_CHANNEL:
		return v->channel;
	case C_PLACE:
		return v->place;
	case C_VISIT_DURATION:
		return int_text(tmp, n, v->duration_min, 0);
	case C_OPERATOR:
		return d->operator_code;
	case C_THEME:
		return d->theme_code;
	case C_PROCEDURE_ID:
		return int_text(tmp, n, d->procedure_id, 1);
	case C_PROCEDURE:
		return d->procedure_id ? procedure_label(x, d->procedure_id) : d->procedure_text;
	case C_LEVEL:
		return d->level;
	case C_MANDATE:
		return d->mandate_type;
	case C_MANDATE_REF:
		return d->mandate_ref;
	case C_AUTONOMY:
		return int_text(tmp, n, d->autonomy, 1);
	case C_EQUIPMENT:
		return list_text(tmp, n, d->equipment);
	case C_INTERPRETING:
		return d->interpreting;
	case C_INTERPRETING_LANG:
		return d->interpreting_lang;
	case C_DURATION:
		return int_text(tmp, n, d->duration_min, 0);
	case C_OUTCOME:
		return d->outcome;
	case C_REFERRED:
		return d->outcome && strcmp(d->outcome, "oriente") == 0 ? "Oui" : "Non";
	case C_REFERRAL:
		return d->referral_type;
	case C_NOTE:
		return d->note;
	case C_GENDER:
		return p->gender;
	case C_AGE:
		return p->age_bracket;
	case C_BIRTH_YEAR:
		return int_text(tmp, n, p->birth_year, 1);
	case C_STATUS:
		return p->social_status;
	case C_RESIDENCE:
		return p->commune_insee;
	case C_BARRIERS: {
		const int *f[] = {&p->no_phone, &p->no_email, &p->no_device, &p->no_internet};
		return flags_text(tmp, n, demand_csv_barrier_codes, f, COUNT(f));
	}
	case C_PUBLICS: {
		const int *f[] = {&p->allophone, &p->illiteracy, &p->very_precarious};
		return flags_text(tmp, n, demand_csv_public_codes, f, COUNT(f));
	}
	case C_LANGUAGES:
		return list_text(tmp, n, p->languages);
	case C_DISABILITIES:
		return list_text(tmp, n, p->disabilities);
	case NCOLS:
		break;
	}
	return "";
}

static int export_row(void *ctx, const store_visit *v, const store_demand *d)
{
	demand_csv_export *x = ctx;
	char tmp[LIMIT_TEXT_BYTES + 1];
	for (int c = 0; c < NCOLS; c++)
		csv_cell(&x->w, cell_text(x, (enum col)c, v, d, tmp, sizeof tmp));
	csv_row_end(&x->w);
	x->rows++;
	if (x->out->overflow || (x->flush && x->flush(x->ctx, x->out) != 0)) {
		x->failed = 1;
		return -1;
	}
	return 0;
}

int demand_csv_export_run(demand_csv_export *x, const store_visit_filter *f)
{
	if (load_reference(x) != 0)
		return -1;
	csv_write_bom(&x->w);
	for (int c = 0; c < NCOLS; c++)
		csv_cell(&x->w, demand_csv_column_heading((size_t)c));
	csv_row_end(&x->w);
	if (x->out->overflow || (x->flush && x->flush(x->ctx, x->out) != 0))
		return -1;
	int rc = store_demand_each(x->st, f, export_row, x);
	return rc == STORE_OK && !x->failed ? 0 : -1;
}
