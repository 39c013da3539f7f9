/*
 * report_escalations.c: the escalation measures of a report
 * (report_escalations.h), from the escalations' facts to sections. The
 * durations are kept per group (overall, operator, département) until the
 * sections are built.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report_escalations.h"
#include "util/i18n.h"

#define DAY_S 86400
/* The answers to "was it useful?", in their order. */
#define USEFUL 3

static const struct {
	const char *code, *label;
} useful_items[USEFUL] = {
    {"oui", N_("Oui")},
    {"ne_sait_pas", N_("Je ne sais pas")},
    {"non", N_("Non")},
};

typedef struct durations {
	int64_t *v;
	size_t n, cap;
} durations;

/* Escalations of one group. */
typedef struct group {
	char *code, *label; /* operator or département; NULL for the whole */
	int64_t sent, overdue;
	int64_t useful[USEFUL];
	durations answer, closure;
} group;

struct report_escalations {
	int64_t now;
	group all;
	group *ops, *deps;
	size_t nops, ndeps, capops, capdeps;
};

report_escalations *report_escalations_new(int64_t now)
{
	report_escalations *q = xcalloc(1, sizeof *q);
	q->now = now;
	return q;
}

static void group_free(group *g)
{
	free(g->code);
	free(g->label);
	free(g->answer.v);
	free(g->closure.v);
}

void report_escalations_free(report_escalations *q)
{
	if (!q)
		return;
	group_free(&q->all);
	for (size_t i = 0; i < q->nops; i++)
		group_free(&q->ops[i]);
	for (size_t i = 0; i < q->ndeps; i++)
		group_free(&q->deps[i]);
	free(q->ops);
	free(q->deps);
	free(q);
}

static void push(durations *d, int64_t seconds)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	d->v[d->n++] = seconds < 0 ? 0 : seconds;
}

/* The group of code in a list, added when missing. */
static group *group_of(group **v, size_t *n, size_t *cap, const char *code, const char *label)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].code, code) == 0)
			return &(*v)[i];
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	group *g = &(*v)[(*n)++];
	*g = (group){.code = xstrdup(code), .label = xstrdup(label && *label ? label : code)};
	return g;
}

int report_escalations_overdue(const store_escalation_fact *f, int64_t now)
{
	if (f->due_at <= 0)
		return 0;
	if (f->answered_at > 0)
		return f->answered_at > f->due_at;
	if (f->closed_at > 0)
		return f->closed_at > f->due_at;
	return now > f->due_at;
}

static void group_add(group *g, const store_escalation_fact *f, int overdue, int useful)
{
	g->sent++;
	g->overdue += overdue;
	if (useful >= 0)
		g->useful[useful]++;
	if (f->answered_at > 0)
		push(&g->answer, f->answered_at - f->sent_at);
	if (f->closed_at > 0)
		push(&g->closure, f->closed_at - f->sent_at);
}

int report_escalations_add(report_escalations *q, const store_escalation_fact *f)
{
	if (f->sent_at <= 0)
		return -1;
	int overdue = report_escalations_overdue(f, q->now), useful = -1;
	for (int i = 0; f->closed_at > 0 && f->useful && i < USEFUL; i++)
		if (strcmp(f->useful, useful_items[i].code) == 0)
			useful = i;
	const char *op = f->operator_code ? f->operator_code : "";
	const char *dep = f->departement && *f->departement ? f->departement : STATS_NOT_GIVEN;
	group_add(&q->all, f, overdue, useful);
	group_add(group_of(&q->ops, &q->nops, &q->capops, op, f->operator_name), f, overdue, useful);
	group_add(group_of(&q->deps, &q->ndeps, &q->capdeps, dep, NULL), f, overdue, useful);
	return 0;
}

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Seconds in tenths of a day, rounded. */
static int64_t tenths(int64_t seconds)
{
	return (seconds + DAY_S / 20) / (DAY_S / 10);
}

void report_escalations_days(int64_t *seconds, size_t n, int64_t *median, int64_t *p90)
{
	*median = *p90 = 0;
	if (n == 0)
		return;
	qsort(seconds, n, sizeof *seconds, cmp_int64);
	int64_t mid = n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2] + 1) / 2;
	/* Nearest rank: the ceil(0.9 n)-th smallest. */
	size_t rank = (9 * n + 9) / 10;
	*median = tenths(mid);
	*p90 = tenths(seconds[rank - 1]);
}

static report_row days_row(const char *code, const char *label, durations *d)
{
	report_row w = {.code = code, .label = label, .kind = REPORT_DAYS, .base = (int64_t)d->n};
	report_escalations_days(d->v, d->n, &w.n, &w.n2);
	return w;
}

static int key_figures(report *r, group *g)
{
	const struct lang *l = r->lang;
	report_section *s = report_add_section(
	    r, r->n, "escalations", i18n_text(l, N_("Demandes transmises aux opérateurs : chiffres clés")),
	    i18n_text(l, N_("Demandes transmises au service d'un opérateur sur la période. Les délais, en "
	                    "jours, vont de l'envoi à la première réponse et à la clôture. Une demande "
	                    "redirigée compte une fois, pour l'opérateur qui l'a reçue en dernier.")),
	    i18n_text(l, N_("Valeur")), REPORT_CHART_NONE, 8);
	if (!s)
		return -1;
	s->rows[0] = (report_row){.code = "sent",
	                          .label = i18n_text(l, N_("Demandes transmises")),
	                          .kind = REPORT_COUNT,
	                          .n = g->sent};
	s->rows[1] = (report_row){.code = "answered",
	                          .label = i18n_text(l, N_("Demandes ayant reçu une réponse")),
	                          .kind = REPORT_COUNT,
	                          .n = (int64_t)g->answer.n};
	s->rows[2] = (report_row){.code = "closed",
	                          .label = i18n_text(l, N_("Demandes clôturées")),
	                          .kind = REPORT_COUNT,
	                          .n = (int64_t)g->closure.n};
	report_row answer =
	    days_row("answer_median", i18n_text(l, N_("Délai médian de première réponse")), &g->answer);
	report_row closure =
	    days_row("closure_median", i18n_text(l, N_("Délai médian de clôture")), &g->closure);
	s->rows[3] = answer;
	s->rows[4] = (report_row){.code = "answer_p90",
	                          .label = i18n_text(l, N_("Délai de première réponse au 90e centile")),
	                          .kind = REPORT_DAYS,
	                          .n = answer.n2,
	                          .base = answer.base};
	s->rows[5] = closure;
	s->rows[6] = (report_row){.code = "closure_p90",
	                          .label = i18n_text(l, N_("Délai de clôture au 90e centile")),
	                          .kind = REPORT_DAYS,
	                          .n = closure.n2,
	                          .base = closure.base};
	s->rows[3].n2 = s->rows[5].n2 = 0;
	s->rows[7] = report_rate_row("overdue_rate", i18n_text(l, N_("En retard")), g->overdue, g->sent);
	return 0;
}

static int useful_section(report *r, group *g)
{
	const struct lang *l = r->lang;
	int64_t total = g->useful[0] + g->useful[1] + g->useful[2];
	report_section *s = report_add_section(
	    r, r->n, "escalations_useful", i18n_text(l, N_("Utilité des réponses des opérateurs")),
	    i18n_text(l, N_("Ce que le conseiller a répondu à « Cette escalade a-t-elle été utile ? » en "
	                    "clôturant la demande.")),
	    i18n_text(l, N_("Demandes")), REPORT_CHART_BARS, USEFUL);
	if (!s)
		return -1;
	s->total = total;
	s->additive = 1;
	for (size_t i = 0; i < USEFUL; i++)
		s->rows[i] = (report_row){.code = useful_items[i].code,
		                          .label = i18n_text(l, useful_items[i].label),
		                          .kind = REPORT_COUNT,
		                          .n = g->useful[i]};
	report_section_set_shares(s);
	return 0;
}

enum measure { M_ANSWER, M_CLOSURE, M_OVERDUE };

/* A section of one measure, one row per group that has it. */
static int group_section(report *r, const char *id, const char *title, const char *description,
                         enum measure m, group *g, size_t n)
{
	const struct lang *l = r->lang;
	size_t rows = 0;
	for (size_t i = 0; i < n; i++)
		rows += m == M_ANSWER ? g[i].answer.n > 0 : m == M_CLOSURE ? g[i].closure.n > 0 : 1;
	report_section *s = report_add_section(r, r->n, id, i18n_text(l, title), i18n_text(l, description),
	                                       m == M_OVERDUE ? i18n_text(l, N_("Demandes transmises"))
	                                                      : i18n_text(l, N_("Médiane (jours)")),
	                                       REPORT_CHART_NONE, rows);
	if (!s)
		return -1;
	if (m != M_OVERDUE)
		s->unit2 = i18n_text(l, N_("90e centile (jours)"));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		durations *d = m == M_ANSWER ? &g[i].answer : &g[i].closure;
		if (m != M_OVERDUE && d->n == 0)
			continue;
		const char *code = arena_strdup(r->a, g[i].code);
		const char *label = strcmp(g[i].code, STATS_NOT_GIVEN) == 0
		                        ? report_label_default(l, r->a, BD_COUNT, STATS_NOT_GIVEN)
		                        : arena_strdup(r->a, g[i].label);
		if (!code || !label)
			return -1;
		s->rows[k++] = m == M_OVERDUE ? report_rate_row(code, label, g[i].overdue, g[i].sent)
		                              : days_row(code, label, d);
	}
	return 0;
}

static int cmp_sent(const void *a, const void *b)
{
	const group *x = a, *y = b;
	if (x->sent != y->sent)
		return x->sent < y->sent ? 1 : -1;
	return strcmp(x->code, y->code);
}

int report_escalations_sections(report *r, const report_escalations *cq)
{
	report_escalations *q = (report_escalations *)cq; /* the durations are sorted in place */
	if (q->all.sent == 0)
		return 0;
	qsort(q->ops, q->nops, sizeof *q->ops, cmp_sent);
	qsort(q->deps, q->ndeps, sizeof *q->deps, cmp_sent);
	static const char *const answer_desc =
	    N_("Délai médian et 90e centile, en jours, de l'envoi à la première réponse, des demandes "
	       "qui en ont reçu une.");
	static const char *const closure_desc =
	    N_("Délai médian et 90e centile, en jours, de l'envoi à la clôture, des demandes "
	       "clôturées.");
	static const char *const overdue_desc =
	    N_("Part des demandes transmises dont la première réponse est venue après la date "
	       "limite, ou qui l'ont dépassée sans réponse.");
	if (key_figures(r, &q->all) != 0 || useful_section(r, &q->all) != 0 ||
	    group_section(r, "esc_answer_by_operator", N_("Délai de première réponse par opérateur"),
	                  answer_desc, M_ANSWER, q->ops, q->nops) != 0 ||
	    group_section(r, "esc_closure_by_operator", N_("Délai de clôture par opérateur"), closure_desc,
	                  M_CLOSURE, q->ops, q->nops) != 0 ||
	    group_section(r, "esc_overdue_by_operator", N_("Demandes en retard par opérateur"), overdue_desc,
	                  M_OVERDUE, q->ops, q->nops) != 0 ||
	    group_section(r, "esc_answer_by_departement", N_("Délai de première réponse par département"),
	                  answer_desc, M_ANSWER, q->deps, q->ndeps) != 0 ||
	    group_section(r, "esc_closure_by_departement", N_("Délai de clôture par département"),
	                  closure_desc, M_CLOSURE, q->deps, q->ndeps) != 0 ||
	    group_section(r, "esc_overdue_by_departement", N_("Demandes en retard par département"),
	                  overdue_desc, M_OVERDUE, q->deps, q->ndeps) != 0)
		return -1;
	return 0;
}

static int collect(void *ctx, const store_escalation_fact *f)
{
	report_escalations_add(ctx, f);
	return 0;
}

int report_escalations_add_from_store(report *r, store *s, const stats_query *q, int64_t now)
{
	report_escalations *acc = report_escalations_new(now);
	int rc = store_escalation_report_facts(s, q, collect, acc) == STORE_OK ? 0 : -1;
	if (rc == 0)
		rc = report_escalations_sections(r, acc);
	report_escalations_free(acc);
	return rc;
}
