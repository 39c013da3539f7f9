/*
 * report_queue.c: the queue measures of a report (report_queue.h), from
 * the tickets' facts to sections. The waits are kept per group (overall,
 * hour of arrival, service) until the sections are built.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report_queue.h"
#include "report/smallcount.h"
#include "util/i18n.h"

#define NEEDS 4

/* Tickets of one group and the waits of those called. */
typedef struct group {
	char *code; /* service label or language code; NULL for hours and the whole */
	int64_t tickets;
	int64_t *waits;
	size_t nw, cap;
} group;

struct report_queue {
	group all, hours[24];
	group *services, *langs;
	size_t nservices, nlangs, capservices, caplangs;
	int64_t quick, absent; /* called within 15 minutes; absent */
	int64_t needs[NEEDS];
};

/* The labels of the needs, in the order of the QUEUE_NEED_* bits. */
static const struct {
	const char *code, *label;
} need_items[NEEDS] = {
    {"interprete", N_("Interprète")},
    {"mobilite_reduite", N_("Mobilité réduite")},
    {"audition", N_("Audition")},
    {"aide_lecture", N_("Aide à la lecture")},
};

report_queue *report_queue_new(void)
{
	return xcalloc(1, sizeof(report_queue));
}

static void group_free(group *g)
{
	free(g->code);
	free(g->waits);
}

void report_queue_free(report_queue *q)
{
	if (!q)
		return;
	group_free(&q->all);
	for (size_t i = 0; i < 24; i++)
		group_free(&q->hours[i]);
	for (size_t i = 0; i < q->nservices; i++)
		group_free(&q->services[i]);
	for (size_t i = 0; i < q->nlangs; i++)
		group_free(&q->langs[i]);
	free(q->services);
	free(q->langs);
	free(q);
}

static void group_add(group *g, int64_t wait)
{
	g->tickets++;
	if (wait < 0)
		return;
	if (g->nw == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->waits = xrealloc(g->waits, g->cap * sizeof *g->waits);
	}
	g->waits[g->nw++] = wait;
}

/* The group of code in a list, added when missing. */
static group *group_of(group **v, size_t *n, size_t *cap, const char *code)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].code, code) == 0)
			return &(*v)[i];
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	group *g = &(*v)[(*n)++];
	*g = (group){.code = xstrdup(code)};
	return g;
}

int report_queue_add(report_queue *q, const store_queue_fact *f)
{
	group_add(&q->all, f->wait);
	group_add(&q->hours[f->hour >= 0 && f->hour < 24 ? f->hour : 0], f->wait);
	group_add(group_of(&q->services, &q->nservices, &q->capservices, f->service ? f->service : ""),
	          f->wait);
	group *l = group_of(&q->langs, &q->nlangs, &q->caplangs, f->lang && *f->lang ? f->lang : "fr");
	l->tickets++;
	if (f->wait >= 0 && f->wait <= REPORT_QUEUE_QUICK_S)
		q->quick++;
	if (f->status == QUEUE_ABSENT)
		q->absent++;
	for (unsigned b = 0; b < NEEDS; b++)
		if (f->needs & (1u << b))
			q->needs[b]++;
	return 0;
}

static int cmp_wait(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int64_t minutes(int64_t seconds)
{
	return (seconds + 30) / 60;
}

void report_queue_wait_stats(int64_t *waits, size_t n, int64_t *median_min, int64_t *p90_min)
{
	*median_min = *p90_min = 0;
	if (n == 0)
		return;
	qsort(waits, n, sizeof *waits, cmp_wait);
	int64_t median = n % 2 ? waits[n / 2] : (waits[n / 2 - 1] + waits[n / 2] + 1) / 2;
	/* Nearest rank: the ceil(0.9 n)-th smallest. */
	size_t rank = (9 * n + 9) / 10;
	*median_min = minutes(median);
	*p90_min = minutes(waits[rank - 1]);
}

/* A row of durations from a group: n the median, n2 the 90th percentile. */
static void wait_row(report_row *w, const char *code, const char *label, group *g)
{
	*w = (report_row){.code = code, .label = label, .kind = REPORT_MINUTES, .base = (int64_t)g->nw};
	report_queue_wait_stats(g->waits, g->nw, &w->n, &w->n2);
}

static int cmp_tickets(const void *a, const void *b)
{
	const group *x = a, *y = b;
	if (x->tickets != y->tickets)
		return x->tickets < y->tickets ? 1 : -1;
	return strcmp(x->code, y->code);
}

static int key_figures(report *r, report_queue *q)
{
	const struct lang *l = r->lang;
	report_section *s = report_add_section(
	    r, r->n, "queue", i18n_text(l, N_("File d'attente : chiffres clés")),
	    i18n_text(l, N_("Tickets pris sur la période, à la borne, au guichet ou par téléphone. "
	                    "L'attente va de l'arrivée à l'appel. Une personne redirigée vers un autre "
	                    "service compte une fois.")),
	    i18n_text(l, N_("Valeur")), REPORT_CHART_NONE, 6);
	if (!s)
		return -1;
	int64_t called = (int64_t)q->all.nw;
	s->rows[0] = (report_row){.code = "tickets",
	                          .label = i18n_text(l, N_("Tickets émis")),
	                          .kind = REPORT_COUNT,
	                          .n = q->all.tickets};
	s->rows[1] = (report_row){.code = "called",
	                          .label = i18n_text(l, N_("Personnes appelées")),
	                          .kind = REPORT_COUNT,
	                          .n = called};
	s->rows[2] = (report_row){.code = "within_15_min_rate",
	                          .label = i18n_text(l, N_("Appelées en 15 minutes ou moins")),
	                          .kind = REPORT_RATE,
	                          .base = called,
	                          .has_share = called > 0,
	                          .share = called > 0 ? (double)q->quick / (double)called : 0};
	s->rows[3] = (report_row){.code = "no_show_rate",
	                          .label = i18n_text(l, N_("Absentes à l'appel")),
	                          .kind = REPORT_RATE,
	                          .base = called,
	                          .has_share = called > 0,
	                          .share = called > 0 ? (double)q->absent / (double)called : 0};
	wait_row(&s->rows[4], "wait_median", i18n_text(l, N_("Attente médiane")), &q->all);
	wait_row(&s->rows[5], "wait_p90", i18n_text(l, N_("Attente au 90e centile")), &q->all);
	s->rows[5].n = s->rows[4].n2;
	s->rows[4].n2 = s->rows[5].n2 = 0;
	return 0;
}

/* A section of waits, one row per group with someone called. */
static int wait_section(report *r, const char *id, const char *title, const char *description, group *g,
                        size_t n, int hours)
{
	const struct lang *l = r->lang;
	size_t rows = 0;
	for (size_t i = 0; i < n; i++)
		rows += g[i].nw > 0;
	report_section *s =
	    report_add_section(r, r->n, id, i18n_text(l, title), i18n_text(l, description),
	                       i18n_text(l, N_("Attente médiane (min)")), REPORT_CHART_NONE, rows);
	if (!s)
		return -1;
	s->unit2 = i18n_text(l, N_("90e centile (min)"));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (g[i].nw == 0)
			continue;
		const char *code = g[i].code;
		if (hours) {
			char *c = arena_alloc(r->a, 3);
			if (!c)
				return -1;
			c[0] = (char)('0' + i / 10);
			c[1] = (char)('0' + i % 10);
			code = c;
		} else if (!(code = arena_strdup(r->a, code))) {
			return -1;
		}
		wait_row(&s->rows[k], code, hours ? report_label_default(l, r->a, BD_HOUR, code) : code,
		         &g[i]);
		k++;
	}
	return 0;
}

static int count_section(report *r, const char *id, const char *title, const char *description, size_t n,
                         int64_t total, int additive)
{
	const struct lang *l = r->lang;
	report_section *s = report_add_section(r, r->n, id, i18n_text(l, title), i18n_text(l, description),
	                                       i18n_text(l, N_("Tickets")), REPORT_CHART_BARS, n);
	if (!s)
		return -1;
	s->total = total;
	s->additive = additive;
	s->multi = !additive;
	return 0;
}

int report_queue_sections(report *r, const report_queue *cq, report_label_fn label, void *label_ctx)
{
	report_queue *q = (report_queue *)cq; /* the waits are sorted in place */
	if (q->all.tickets == 0)
		return 0;
	if (key_figures(r, q) != 0)
		return -1;
	if (wait_section(r, "queue_wait_by_hour", N_("Attente par heure d'arrivée"),
	                 N_("Attente médiane et 90e centile, en minutes, des personnes appelées, selon "
	                    "l'heure de leur arrivée."),
	                 q->hours, 24, 1) != 0)
		return -1;
	qsort(q->services, q->nservices, sizeof *q->services, cmp_tickets);
	if (wait_section(r, "queue_wait_by_service", N_("Attente par service"),
	                 N_("Attente médiane et 90e centile, en minutes, des personnes appelées, selon "
	                    "le service choisi à l'arrivée."),
	                 q->services, q->nservices, 0) != 0)
		return -1;

	qsort(q->langs, q->nlangs, sizeof *q->langs, cmp_tickets);
	if (count_section(r, "queue_by_language", N_("Tickets par langue"),
	                  N_("La langue choisie par la personne à la prise du ticket."), q->nlangs,
	                  q->all.tickets, 1) != 0)
		return -1;
	report_section *s = &r->s[r->n - 1];
	for (size_t i = 0; i < q->nlangs; i++) {
		const char *code = arena_strdup(r->a, q->langs[i].code);
		if (!code)
			return -1;
		const char *name = label ? label(label_ctx, BD_LANGUAGE, code) : NULL;
		s->rows[i] = (report_row){
		    .code = code,
		    .label = name ? name : report_label_default(r->lang, r->a, BD_LANGUAGE, code),
		    .kind = REPORT_COUNT,
		    .n = q->langs[i].tickets};
	}
	report_section_set_shares(s);

	if (count_section(r, "queue_by_need", N_("Tickets par besoin"),
	                  N_("Les besoins déclarés à la prise du ticket ; un ticket peut en porter "
	                     "plusieurs, ou aucun."),
	                  NEEDS, q->all.tickets, 0) != 0)
		return -1;
	s = &r->s[r->n - 1];
	for (size_t i = 0; i < NEEDS; i++)
		s->rows[i] = (report_row){.code = need_items[i].code,
		                          .label = i18n_text(r->lang, need_items[i].label),
		                          .kind = REPORT_COUNT,
		                          .n = q->needs[i]};
	report_section_set_shares(s);
	return 0;
}

static int collect(void *ctx, const store_queue_fact *f)
{
	return report_queue_add(ctx, f);
}

int report_queue_add_from_store(report *r, store *s, const stats_query *q, report_label_fn label,
                                void *label_ctx)
{
	report_queue *acc = report_queue_new();
	int rc = store_queue_report_facts(s, q, collect, acc) == STORE_OK ? 0 : -1;
	if (rc == 0)
		rc = report_queue_sections(r, acc, label, label_ctx);
	report_queue_free(acc);
	return rc;
}
