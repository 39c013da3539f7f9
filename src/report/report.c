/*
 * report.c: a steering report as data (report.h). It owns the labels of
 * the codes a report shows, the list and order of its sections (what each
 * counts, over which total, how it is drawn), the masking of a report
 * for publication (smallcount.h) and the CSV of a section; the time series
 * is in report_series.c. The HTML page, the charts and the workbook only read
 * what is built here.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "vocab/enums.h"
#include "util/i18n.h"
#include "report/report.h"
#include "report/smallcount.h"

/* ------------------------------------------------------------------ */
/* Labels. The vocabularies of enums.h are completed here by the codes
 * that the statistics derive (publics, durations, days, hours, autonomy)
 * and by the answers of the age cuts and of the satisfaction survey. */

#define VOCAB(var, items) static const enum_def var = {#var, items, COUNT(items)}

static const enum_item publics_items[] = {
    {"allophone", N_("Personnes allophones")},  {"illettrisme", N_("Illettrisme")},
    {"handicap", N_("Situation de handicap")},  {"precarite", N_("Grande précarité")},
    {"sans_equipement", N_("Sans équipement")}, {"sans_internet", N_("Sans internet")},
    {"sans_telephone", N_("Sans téléphone")},   {"sans_email", N_("Sans adresse e-mail")},
};
VOCAB(PUBLICS, publics_items);

static const enum_item autonomy_items[] = {
    {"1", N_("Avec guidage")},
    {"2", N_("Guidage si besoin")},
    {"3", N_("Autonome")},
    {"non_evalue", N_("Non évalué")},
};
VOCAB(AUTONOMY, autonomy_items);

static const enum_item duration_items[] = {
    {"moins_30", N_("Moins de 30 min")},
    {"30_60", N_("30 min à 1 h")},
    {"60_120", N_("1 h à 2 h")},
    {"120_plus", N_("2 h ou plus")},
};
VOCAB(DURATIONS, duration_items);

static const enum_item weekday_items[] = {
    {"1", N_("Lundi")},    {"2", N_("Mardi")},  {"3", N_("Mercredi")}, {"4", N_("Jeudi")},
    {"5", N_("Vendredi")}, {"6", N_("Samedi")}, {"7", N_("Dimanche")},
};
VOCAB(WEEKDAYS, weekday_items);

/* Hours are numbers, written the French way in every language. */
static const enum_item hour_items[] = {
    {"00", "00 h"}, {"01", "01 h"}, {"02", "02 h"}, {"03", "03 h"}, {"04", "04 h"}, {"05", "05 h"},
    {"06", "06 h"}, {"07", "07 h"}, {"08", "08 h"}, {"09", "09 h"}, {"10", "10 h"}, {"11", "11 h"},
    {"12", "12 h"}, {"13", "13 h"}, {"14", "14 h"}, {"15", "15 h"}, {"16", "16 h"}, {"17", "17 h"},
    {"18", "18 h"}, {"19", "19 h"}, {"20", "20 h"}, {"21", "21 h"}, {"22", "22 h"}, {"23", "23 h"},
};
VOCAB(HOURS, hour_items);

/* Codes outside the breakdowns (bd BD_COUNT): age cuts, progression of
 * autonomy and satisfaction. */
static const enum_item other_items[] = {
    {"yes", N_("Oui")},
    {"no", N_("Non")},
    {"unknown", N_("Inconnu")},
    {"progresse", N_("Progresse")},
    {"stable", N_("Stable")},
    {"recule", N_("Recule")},
    {"pas_bien", N_("Pas bien")},
    {"moyen", N_("Moyen")},
    {"tres_bien", N_("Très bien")},
};
VOCAB(OTHERS, other_items);

/* The closed vocabulary of a breakdown, in the order a report lists it;
 * NULL for the open ones (catalogs, communes, languages). */
static const enum_def *const VOCABULARIES[BD_COUNT + 1] = {
    [BD_LEVEL] = &ENUM_LEVEL,
    [BD_OUTCOME] = &ENUM_OUTCOME,
    [BD_REFERRAL] = &ENUM_REFERRAL,
    [BD_AUTONOMY] = &AUTONOMY,
    [BD_EQUIPMENT] = &ENUM_EQUIPMENT,
    [BD_INTERPRETING] = &ENUM_INTERPRETING,
    [BD_CHANNEL] = &ENUM_CHANNEL,
    [BD_AGE] = &ENUM_AGE,
    [BD_GENDER] = &ENUM_GENDER,
    [BD_STATUS] = &ENUM_STATUS,
    [BD_PUBLIC] = &PUBLICS,
    [BD_DURATION] = &DURATIONS,
    [BD_WEEKDAY] = &WEEKDAYS,
    [BD_HOUR] = &HOURS,
    [BD_COUNT] = &OTHERS,
};

static const enum_def *vocabulary(enum stats_bd bd)
{
	return bd <= BD_COUNT ? VOCABULARIES[bd] : NULL;
}

static const enum_item *vocab_find(const enum_def *d, const char *code)
{
	for (size_t i = 0; d && i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return &d->items[i];
	return NULL;
}

const char *report_label_default(const struct lang *l, arena *a, enum stats_bd bd, const char *code)
{
	(void)a; /* every label is a msgid today; the arena is for labels built later */
	if (!code)
		return "";
	if (strcmp(code, STATS_NOT_GIVEN) == 0)
		return i18n_text(l, N_("Non renseigné"));
	if (bd == BD_PROCEDURE && strcmp(code, "texte_libre") == 0)
		return i18n_text(l, N_("Texte libre"));
	const enum_item *it = vocab_find(vocabulary(bd), code);
	return it ? i18n_text(l, it->label) : code;
}

/* ------------------------------------------------------------------ */
/* Sections. */

report_section *report_add_section(report *r, size_t pos, const char *id, const char *title,
                                   const char *description, const char *unit, enum report_chart chart,
                                   size_t nrows)
{
	/* Everything is allocated before the section is inserted, so that a
	 * failure leaves the report as it was. */
	report_section s = {.id = arena_strdup(r->a, id ? id : ""),
	                    .title = arena_strdup(r->a, title ? title : ""),
	                    .description = arena_strdup(r->a, description ? description : ""),
	                    .unit = arena_strdup(r->a, unit ? unit : ""),
	                    .chart = chart,
	                    .rows = nrows ? arena_alloc(r->a, nrows * sizeof *s.rows) : NULL,
	                    .n = nrows};
	if (!s.id || !s.title || !s.description || !s.unit || (nrows && !s.rows))
		return NULL;
	for (size_t i = 0; i < nrows; i++)
		s.rows[i].label = "";
	if (r->n == r->cap) {
		/* The arena cannot grow a block: a bigger array takes its place. */
		size_t cap = r->cap ? r->cap * 2 : 32;
		report_section *v = arena_alloc(r->a, cap * sizeof *v);
		if (!v)
			return NULL;
		if (r->n)
			memcpy(v, r->s, r->n * sizeof *v);
		r->s = v;
		r->cap = cap;
	}
	if (pos > r->n)
		pos = r->n;
	memmove(&r->s[pos + 1], &r->s[pos], (r->n - pos) * sizeof *r->s);
	r->s[pos] = s;
	r->n++;
	return &r->s[pos];
}

report_section *report_section_find(const report *r, const char *id)
{
	for (size_t i = 0; r && id && i < r->n; i++)
		if (strcmp(r->s[i].id, id) == 0)
			return &r->s[i];
	return NULL;
}

report_row report_rate_row(const char *code, const char *label, int64_t part, int64_t base)
{
	return (report_row){.code = code,
	                    .label = label,
	                    .kind = REPORT_RATE,
	                    .base = base,
	                    .has_share = base > 0,
	                    .share = base > 0 ? (double)part / (double)base : 0};
}

/* Sets the shares of a section's count rows from its total. */
void report_section_set_shares(report_section *s)
{
	for (size_t i = 0; i < s->n; i++) {
		report_row *w = &s->rows[i];
		if (w->kind != REPORT_COUNT)
			continue;
		w->has_share = s->total > 0;
		w->share = s->total > 0 ? (double)w->n / (double)s->total : 0;
	}
}

/* What each breakdown counts, over which total, and how it is drawn. */
enum over { OVER_DEMANDS, OVER_VISITS, OVER_ORIENTED };

typedef struct bd_info {
	const char *title, *description;
	enum report_chart chart;
	enum over over;
	int additive, multi;
} bd_info;

static const bd_info BD_INFO[BD_COUNT] = {
    [BD_OPERATOR] = {N_("Demandes par opérateur"),
                     N_("Chaque demande compte une fois, dans l'opérateur partenaire concerné."),
                     REPORT_CHART_BARS, OVER_DEMANDS, 1, 0},
    [BD_THEME] = {N_("Demandes par thème"),
                  N_("Chaque demande compte une fois, dans le thème de sa démarche."), REPORT_CHART_BARS,
                  OVER_DEMANDS, 1, 0},
    [BD_PROCEDURE] = {N_("Demandes par démarche"),
                      N_("Chaque demande compte une fois, dans sa démarche du catalogue ou en texte libre."),
                      REPORT_CHART_NONE, OVER_DEMANDS, 1, 0},
    [BD_LEVEL] = {N_("Niveau d'intervention"),
                  N_("Chaque demande compte une fois : information, fait avec ou fait pour la personne."),
                  REPORT_CHART_STACKED, OVER_DEMANDS, 1, 0},
    [BD_OUTCOME] = {N_("Issue des demandes"), N_("Chaque demande compte une fois, selon son issue."),
                    REPORT_CHART_BARS, OVER_DEMANDS, 1, 0},
    [BD_REFERRAL] = {N_("Orientations par structure"),
                     N_("Chaque demande orientée vers une autre structure compte une fois, dans cette "
                        "structure."),
                     REPORT_CHART_BARS, OVER_ORIENTED, 1, 0},
    [BD_AUTONOMY] = {N_("Autonomie numérique"),
                     N_("Chaque demande compte une fois, selon l'autonomie numérique observée."),
                     REPORT_CHART_COLUMNS, OVER_DEMANDS, 1, 0},
    [BD_EQUIPMENT] = {N_("Matériel utilisé"),
                      N_("Une demande compte dans chaque matériel utilisé : les parts ne font pas 100 %."),
                      REPORT_CHART_BARS, OVER_DEMANDS, 0, 1},
    [BD_INTERPRETING] =
        {N_("Interprétariat"),
         N_("Les demandes où l'interprétariat est renseigné, en part de toutes les demandes."),
         REPORT_CHART_BARS, OVER_DEMANDS, 0, 0},
    [BD_INTERPRETING_LANG] =
        {N_("Langues d'interprétariat"),
         N_("Les demandes avec interprétariat, par langue, en part de toutes les demandes."),
         REPORT_CHART_BARS, OVER_DEMANDS, 0, 0},
    [BD_CHANNEL] = {N_("Visites par canal"), N_("Chaque visite compte une fois, selon son canal d'accueil."),
                    REPORT_CHART_BARS, OVER_VISITS, 1, 0},
    [BD_AGE] = {N_("Visites par tranche d'âge"),
                N_("Chaque visite compte une fois, avec le profil actuel de la personne."),
                REPORT_CHART_COLUMNS, OVER_VISITS, 1, 0},
    [BD_GENDER] = {N_("Visites par genre"),
                   N_("Chaque visite compte une fois, avec le profil actuel de la personne."),
                   REPORT_CHART_STACKED, OVER_VISITS, 1, 0},
    [BD_STATUS] = {N_("Visites par situation"),
                   N_("Chaque visite compte une fois, avec le profil actuel de la personne."),
                   REPORT_CHART_BARS, OVER_VISITS, 1, 0},
    [BD_COMMUNE] = {N_("Visites par commune de résidence"),
                    N_("Chaque visite compte une fois, avec le profil actuel de la personne."),
                    REPORT_CHART_NONE, OVER_VISITS, 1, 0},
    [BD_PUBLIC] = {N_("Publics particuliers"),
                   N_("Une visite compte dans chaque public qui la concerne : les parts ne font pas 100 %."),
                   REPORT_CHART_BARS, OVER_VISITS, 0, 1},
    [BD_LANGUAGE] = {N_("Langues parlées"),
                     N_("Une visite compte dans chaque langue que parle la personne : les parts ne font pas "
                        "100 %."),
                     REPORT_CHART_BARS, OVER_VISITS, 0, 1},
    [BD_DURATION] = {N_("Durée des visites"), N_("Chaque visite compte une fois, selon sa durée."),
                     REPORT_CHART_COLUMNS, OVER_VISITS, 1, 0},
    [BD_WEEKDAY] = {N_("Visites par jour de la semaine"),
                    N_("Chaque visite compte une fois, le jour où elle a commencé."), REPORT_CHART_COLUMNS,
                    OVER_VISITS, 1, 0},
    [BD_HOUR] = {N_("Visites par heure d'arrivée"),
                 N_("Chaque visite compte une fois, à l'heure où elle a commencé."), REPORT_CHART_COLUMNS,
                 OVER_VISITS, 1, 0},
};

static int64_t bd_count(const stats_breakdown *b, const char *code)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->v[i].code, code) == 0)
			return b->v[i].n;
	return 0;
}

/* Open vocabularies read best from the biggest row down. */
static int row_cmp(const void *x, const void *y)
{
	const report_row *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	int c = strcmp(a->label, b->label);
	return c ? c : strcmp(a->code, b->code);
}

static const char *label_of(report *r, enum stats_bd bd, const char *code, report_label_fn label, void *ctx)
{
	const char *s = label ? label(ctx, bd, code) : NULL;
	return s ? s : report_label_default(r->lang, r->a, bd, code);
}

static int add_breakdown(report *r, enum stats_bd bd, report_label_fn label, void *ctx)
{
	const stats_result *res = r->res;
	const stats_breakdown *b = &res->bd[bd];
	const bd_info *in = &BD_INFO[bd];
	const enum_def *voc = vocabulary(bd);
	int64_t total = in->over == OVER_VISITS     ? res->visits
	                : in->over == OVER_ORIENTED ? bd_count(&res->bd[BD_OUTCOME], "oriente")
	                                            : res->demands;
	size_t cap = (voc ? voc->n : 0) + b->n + 1;
	report_section *s =
	    report_add_section(r, r->n, stats_bd_name(bd), _(r, in->title), _(r, in->description),
	                       in->over == OVER_VISITS ? _(r, "Visites") : _(r, "Demandes"), in->chart, cap);
	if (!s)
		return -1;
	s->total = total;
	s->additive = in->additive;
	s->multi = in->multi;
	s->n = 0;
	/* The whole closed vocabulary first, zeros included, then any other
	 * code met (an old code, say), and "not given" last. */
	for (size_t i = 0; voc && i < voc->n; i++)
		s->rows[s->n++] =
		    (report_row){.code = voc->items[i].code, .n = bd_count(b, voc->items[i].code)};
	int64_t sum = 0, not_given = 0;
	for (size_t i = 0; i < b->n; i++) {
		sum += b->v[i].n;
		if (strcmp(b->v[i].code, STATS_NOT_GIVEN) == 0) {
			not_given = b->v[i].n;
		} else if (!vocab_find(voc, b->v[i].code)) {
			const char *code = arena_strdup(r->a, b->v[i].code);
			if (!code)
				return -1;
			s->rows[s->n++] = (report_row){.code = code, .n = b->v[i].n};
		}
	}
	/* Exclusive codes must add up to their total for masking to protect
	 * it: what is missing (a demand oriented without saying where) is
	 * "not given". */
	if (in->additive && sum < total)
		not_given += total - sum;
	if (not_given)
		s->rows[s->n++] = (report_row){.code = STATS_NOT_GIVEN, .n = not_given};
	for (size_t i = 0; i < s->n; i++)
		s->rows[i].label = label_of(r, bd, s->rows[i].code, label, ctx);
	if (!voc)
		qsort(s->rows, s->n - (not_given != 0), sizeof *s->rows, row_cmp);
	report_section_set_shares(s);
	return 0;
}

static void kf_count(report_row *w, const char *code, const char *label, int64_t n)
{
	*w = (report_row){.code = code, .label = label, .kind = REPORT_COUNT, .n = n};
}

/* A rate num / den, undefined when den is 0. */
static void kf_rate(report_row *w, const char *code, const char *label, int64_t num, int64_t den)
{
	*w = (report_row){.code = code, .label = label, .kind = REPORT_RATE};
	w->has_share = den > 0;
	w->share = den > 0 ? (double)num / (double)den : 0;
}

static int add_key_figures(report *r)
{
	const stats_result *x = r->res;
	int64_t answers = x->satisfaction[0] + x->satisfaction[1] + x->satisfaction[2];
	report_section *s =
	    report_add_section(r, r->n, "key_figures", _(r, "Chiffres clés"),
	                       _(r, "Totaux de la période, évolutions et taux principaux. Une personne "
	                            "identifiée compte une fois ; une visite anonyme peut être celle "
	                            "d'une personne déjà comptée."),
	                       _(r, "Valeur"), REPORT_CHART_NONE, answers ? 16 : 14);
	if (!s)
		return -1;
	report_row *w = s->rows;
	kf_count(w++, "visits", _(r, "Visites"), x->visits);
	kf_count(w++, "demands", _(r, "Demandes"), x->demands);
	kf_count(w++, "solved_on_site", _(r, "Demandes résolues sur place"), x->solved);
	kf_rate(w++, "solved_on_site_rate", _(r, "Taux de résolution sur place"), x->solved, x->demands);
	kf_count(w++, "identified_distinct", _(r, "Personnes identifiées"), x->identified_distinct);
	kf_count(w++, "anonymous_visits", _(r, "Visites anonymes"), x->anonymous_visits);
	/* Growth as docs/stats.md: (now - then) / then. */
	kf_rate(w++, "visits_vs_previous", _(r, "Évolution des visites sur la période précédente"),
	        x->visits - x->prev_visits, x->prev_visits);
	kf_rate(w++, "demands_vs_previous", _(r, "Évolution des demandes sur la période précédente"),
	        x->demands - x->prev_demands, x->prev_demands);
	kf_rate(w++, "visits_vs_year_before", _(r, "Évolution des visites sur un an"),
	        x->visits - x->yago_visits, x->yago_visits);
	kf_rate(w++, "demands_vs_year_before", _(r, "Évolution des demandes sur un an"),
	        x->demands - x->yago_demands, x->yago_demands);
	kf_rate(w++, "over_55_rate", _(r, "Part des 55 ans et plus"), x->over_55[CUT_YES],
	        x->over_55[CUT_YES] + x->over_55[CUT_NO]);
	kf_rate(w++, "under_26_rate", _(r, "Part des moins de 26 ans"), x->under_26[CUT_YES],
	        x->under_26[CUT_YES] + x->under_26[CUT_NO]);
	kf_count(w++, "workshops", _(r, "Ateliers collectifs"), x->workshops);
	kf_count(w++, "participants", _(r, "Participants aux ateliers"), x->participants);
	/* Satisfied: "très bien", the State's indicator (REPORT_RATE). */
	if (answers) {
		kf_count(w++, "satisfaction_answers", _(r, "Réponses au questionnaire de satisfaction"),
		         answers);
		kf_rate(w++, "satisfied_rate", _(r, "Taux de satisfaction"), x->satisfaction[2], answers);
	}
	return 0;
}

/* A section of exclusive parts adding up to its total (age cuts,
 * progression, satisfaction answers); labels already translated. */
static report_section *add_parts(report *r, const char *id, const char *title, const char *desc,
                                 const char *unit, enum report_chart chart, size_t n,
                                 const char *const *codes, const char *const *labels, const int64_t *v)
{
	report_section *s = report_add_section(r, r->n, id, title, desc, unit, chart, n);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s->rows[i] = (report_row){.code = codes[i], .label = labels[i], .n = v[i]};
		s->total += v[i];
	}
	s->additive = 1;
	report_section_set_shares(s);
	return s;
}

/* The evaluation's age cuts: yes / no / unknown, adding up to the visits. */
static int add_cut(report *r, const char *id, const char *title, const int64_t v[3], const char *yes,
                   const char *no)
{
	static const char *const codes[3] = {"yes", "no", "unknown"};
	const char *labels[3] = {yes, no, _(r, "Âge inconnu")};
	return add_parts(r, id, title,
	                 _(r, "Chaque visite compte une fois : l'âge atteint dans l'année d'après l'année de "
	                      "naissance, sinon d'après la tranche d'âge."),
	                 _(r, "Visites"), REPORT_CHART_STACKED, 3, codes, labels, v)
	           ? 0
	           : -1;
}

/* Identified people followed over two evaluated visits or more. */
static int add_progression(report *r)
{
	const char *labels[COUNT(STATS_PROGRESSION)];
	for (size_t i = 0; i < COUNT(labels); i++)
		labels[i] = report_label_default(r->lang, r->a, BD_COUNT, STATS_PROGRESSION[i]);
	return add_parts(r, "autonomy_progression", _(r, "Progression de l'autonomie numérique"),
	                 _(r, "Personnes identifiées dont l'autonomie a été évaluée à deux visites ou plus : "
	                      "le dernier niveau comparé au premier. Les visites anonymes n'y sont pas."),
	                 _(r, "Personnes"), REPORT_CHART_STACKED, COUNT(STATS_PROGRESSION), STATS_PROGRESSION,
	                 labels, r->res->autonomy_progression)
	           ? 0
	           : -1;
}

/* The satisfaction survey (REFERENCE.md section 6), once there are
 * answers: the overall answer, then the clarity of the information. */
static int add_satisfaction(report *r)
{
	const stats_result *x = r->res;
	const char *labels[6];
	for (size_t i = 0; i < 3; i++)
		labels[i] = _(r, SATISFACTION_LABELS[i]);
	if (!add_parts(r, "satisfaction", _(r, "Satisfaction des usagers"),
	               _(r, "Réponses au questionnaire de satisfaction, données sur place ou en ligne. Une "
	                    "personne peut répondre plusieurs fois ; les filtres autres que le lieu et la "
	                    "période ne s'y appliquent pas."),
	               _(r, "Réponses"), REPORT_CHART_STACKED, 3, SATISFACTION_CODES, labels,
	               x->satisfaction))
		return -1;
	static const char *const codes[6] = {"1", "2", "3", "4", "5", "non_repondu"};
	int64_t v[6];
	for (size_t i = 0; i < 5; i++) {
		labels[i] = arena_printf(r->a, "%zu – %s", i + 1, _(r, SATISFACTION_CLARITY_LABELS[i]));
		v[i] = x->clarity[i + 1];
		if (!labels[i])
			return -1;
	}
	labels[5] = _(r, "Sans réponse");
	v[5] = x->clarity[0];
	return add_parts(r, "clarity", _(r, "Clarté des informations données"),
	                 _(r,
	                   "Réponses à la question sur la clarté des informations, de 1 (pas clair du tout) "
	                   "à 5 (très clair)."),
	                 _(r, "Réponses"), REPORT_CHART_COLUMNS, 6, codes, labels, v)
	           ? 0
	           : -1;
}

report *report_build(arena *a, const struct lang *l, const stats_result *res, report_label_fn label,
                     void *label_ctx)
{
	report *r = arena_alloc(a, sizeof *r);
	if (!r)
		return NULL;
	*r = (report){.lang = l,
	              .res = res,
	              .title = "",
	              .scope_label = "",
	              .period_label = "",
	              .filters_label = "",
	              .a = a};
	if (add_key_figures(r) != 0)
		return NULL;
	for (int bd = 0; bd < BD_COUNT; bd++)
		if (add_breakdown(r, (enum stats_bd)bd, label, label_ctx) != 0)
			return NULL;
	if (add_cut(r, "over_55", _(r, "Personnes de 55 ans et plus"), res->over_55, _(r, "55 ans et plus"),
	            _(r, "Moins de 55 ans")) != 0 ||
	    add_cut(r, "under_26", _(r, "Personnes de moins de 26 ans"), res->under_26,
	            _(r, "Moins de 26 ans"), _(r, "26 ans et plus")) != 0 ||
	    add_progression(r) != 0)
		return NULL;
	if (res->satisfaction[0] + res->satisfaction[1] + res->satisfaction[2] > 0 &&
	    add_satisfaction(r) != 0)
		return NULL;
	return r;
}

/* ------------------------------------------------------------------ */
/* Masking. */

/* Masks column n (second 0) or n2 (second 1) of a section's count rows
 * as one group adding up to total when additive. */
static void mask_column(report_section *s, int second, int additive, int64_t total, int *total_state)
{
	int64_t *cells = xcalloc(s->n + 1, sizeof *cells);
	int *state = xcalloc(s->n + 1, sizeof *state);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == REPORT_COUNT)
			cells[k++] = second ? s->rows[i].n2 : s->rows[i].n;
	smallcount_mask(total, total_state, cells, state, k, additive);
	k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].kind == REPORT_COUNT)
			*(second ? &s->rows[i].cell2 : &s->rows[i].cell) = state[k++];
	free(cells);
	free(state);
}

static void mask_section(report_section *s)
{
	mask_column(s, 0, s->additive, s->total, &s->total_cell);
	if (s->unit2) {
		/* The second count has no total of its own on the page, but the
		 * key figures may show it: protect the rows' sum all the same. */
		int64_t sum = 0;
		int sum_state;
		for (size_t i = 0; i < s->n; i++)
			sum += s->rows[i].kind == REPORT_COUNT ? s->rows[i].n2 : 0;
		mask_column(s, 1, s->additive, sum, &sum_state);
	}
}

static const report_row *row_find(const report_section *s, const char *code)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (strcmp(s->rows[i].code, code) == 0)
			return &s->rows[i];
	return NULL;
}

static int shown(int64_t n)
{
	return smallcount_cell(n) == SMALLCOUNT_SHOWN;
}

/* The state of a count shown in two places: the worse of the two. */
static int worst(int a, int b)
{
	return a > b ? a : b;
}

/* A section whose total is hidden elsewhere (by_referral, whose total is
 * by_outcome's "oriente"): hide the total, and at least one cell, so that
 * the rows do not add up to it. */
static void hide_total(report_section *s)
{
	s->total_cell = REPORT_SECRET;
	size_t best = s->n;
	for (size_t i = 0; i < s->n; i++) {
		if (s->rows[i].cell != REPORT_SHOWN)
			return;
		if (best == s->n || s->rows[i].n < s->rows[best].n)
			best = i;
	}
	if (best < s->n)
		s->rows[best].cell = REPORT_SECRET;
}

/* Whether an age cut's rate may be shown: its yes and no are. */
static int cut_shown(const report *r, const char *id, const int64_t v[3])
{
	const report_section *s = report_section_find(r, id);
	const report_row *y = row_find(s, "yes"), *n = row_find(s, "no");
	if (y && n)
		return y->cell == REPORT_SHOWN && n->cell == REPORT_SHOWN;
	return shown(v[CUT_YES]) && shown(v[CUT_NO]);
}

static void mask_key_figures(report *r, report_section *kf)
{
	const stats_result *x = r->res;
	const report_row *resolu = row_find(report_section_find(r, "by_outcome"), "resolu");
	const report_section *answers = report_section_find(r, "satisfaction");
	for (size_t i = 0; i < kf->n; i++) {
		report_row *w = &kf->rows[i];
		if (w->kind == REPORT_COUNT)
			w->cell = smallcount_cell(w->n);
		if (strcmp(w->code, "solved_on_site") == 0 && resolu)
			w->cell = worst(w->cell, resolu->cell);
		if (strcmp(w->code, "satisfaction_answers") == 0 && answers)
			w->cell = worst(w->cell, answers->total_cell);
	}
	if (!x)
		return;
	/* A rate is dropped where it and a shown count would give back a
	 * hidden one. The counts of the earlier periods are never shown, but a
	 * growth rate beside the current count would reveal them. */
	const report_row *solved = row_find(kf, "solved_on_site");
	int ok_solved = shown(x->demands) && (!solved || solved->cell == REPORT_SHOWN);
	struct {
		const char *code;
		int ok;
	} rates[] = {
	    {"solved_on_site_rate", ok_solved},
	    {"visits_vs_previous", shown(x->visits) && shown(x->prev_visits)},
	    {"demands_vs_previous", shown(x->demands) && shown(x->prev_demands)},
	    {"visits_vs_year_before", shown(x->visits) && shown(x->yago_visits)},
	    {"demands_vs_year_before", shown(x->demands) && shown(x->yago_demands)},
	    {"over_55_rate", cut_shown(r, "over_55", x->over_55)},
	    {"under_26_rate", cut_shown(r, "under_26", x->under_26)},
	    {"satisfied_rate", answers && answers->total_cell == REPORT_SHOWN &&
	                           row_find(answers, "tres_bien")->cell == REPORT_SHOWN},
	};
	for (size_t i = 0; i < COUNT(rates); i++) {
		report_row *w = (report_row *)row_find(kf, rates[i].code);
		if (w && !rates[i].ok)
			w->has_share = 0;
	}
}

/* One of the table by site's own count columns (escalated 0: solved, 1:
 * escalated), adding up to total, which the report shows elsewhere with
 * total_cell: where it is hidden there, the column must not add up to it,
 * so at least one of its cells is hidden too. */
static void mask_site_column(report_section *s, int escalated, int64_t total, int total_cell)
{
	int64_t *cells = xcalloc(s->n + 1, sizeof *cells);
	int *state = xcalloc(s->n + 1, sizeof *state);
	int total_state;
	for (size_t i = 0; i < s->n; i++)
		cells[i] = escalated ? s->rows[i].escalated : s->rows[i].solved;
	smallcount_mask(total, &total_state, cells, state, s->n, 1);
	if (total_cell != REPORT_SHOWN || total_state != REPORT_SHOWN) {
		size_t best = s->n;
		int hidden = 0;
		for (size_t i = 0; i < s->n; i++) {
			hidden |= state[i] != REPORT_SHOWN;
			if (state[i] == REPORT_SHOWN && (best == s->n || cells[i] < cells[best]))
				best = i;
		}
		if (!hidden && best < s->n)
			state[best] = REPORT_SECRET;
	}
	for (size_t i = 0; i < s->n; i++)
		*(escalated ? &s->rows[i].cell_escalated : &s->rows[i].cell_solved) = state[i];
	free(cells);
	free(state);
}

/* The table by site: its solved and escalated columns, then the rates
 * that would give a hidden count back (a rate beside a shown count of
 * demands is that count of solved demands). */
static void mask_site_detail(report *r, report_section *s, const report_section *kf)
{
	const report_row *solved = row_find(kf, "solved_on_site");
	const report_row *esc = row_find(report_section_find(r, "by_outcome"), "escalade");
	int64_t nsolved = 0, nesc = 0;
	for (size_t i = 0; i < s->n; i++) {
		nsolved += s->rows[i].solved;
		nesc += s->rows[i].escalated;
	}
	mask_site_column(s, 0, nsolved, solved ? solved->cell : smallcount_cell(nsolved));
	mask_site_column(s, 1, nesc, esc ? esc->cell : smallcount_cell(nesc));
	for (size_t i = 0; i < s->n; i++) {
		report_row *w = &s->rows[i];
		if (w->cell_solved != REPORT_SHOWN || w->cell2 != REPORT_SHOWN)
			w->has_solved_rate = 0;
		if (!shown(w->satisfied) || !shown(w->answers - w->satisfied))
			w->has_satisfied_rate = 0;
	}
}

void report_mask(report *r)
{
	report_section *kf = NULL;
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->s[i].id, "key_figures") == 0)
			kf = &r->s[i];
		else
			mask_section(&r->s[i]);
	}
	const report_row *oriente = row_find(report_section_find(r, "by_outcome"), "oriente");
	report_section *referral = report_section_find(r, "by_referral");
	if (oriente && referral && oriente->cell == REPORT_SECRET)
		hide_total(referral);
	if (kf)
		mask_key_figures(r, kf);
	for (size_t i = 0; i < r->n; i++)
		if (r->s[i].site_detail)
			mask_site_detail(r, &r->s[i], kf);
	/* A share beside a hidden count gives it back, and so does any share
	 * of a hidden total (n / share). */
	for (size_t i = 0; i < r->n; i++) {
		report_section *s = &r->s[i];
		for (size_t k = 0; k < s->n; k++) {
			report_row *w = &s->rows[k];
			if (w->kind == REPORT_COUNT &&
			    (w->cell != REPORT_SHOWN || s->total_cell != REPORT_SHOWN))
				w->has_share = 0;
			/* A duration or a rate from fewer than 5 tickets would
			 * describe a few people. */
			if ((w->kind == REPORT_MINUTES || w->kind == REPORT_DAYS) && w->base < SMALLCOUNT_MIN)
				w->cell = w->cell2 = REPORT_SECRET;
			if (w->kind == REPORT_RATE && w->base > 0 && w->base < SMALLCOUNT_MIN)
				w->has_share = 0;
		}
	}
	r->masked = 1;
}

const char *report_filters_label(const struct lang *l, arena *a, const char *const *terms,
                                 const char *const *values, size_t n)
{
	buf b;
	buf_init(&b, 4096);
	for (size_t i = 0; i < n; i++) {
		if (!values[i] || !*values[i])
			continue;
		if (b.len)
			buf_puts(&b, " ; ");
		/* TRANSLATORS: a filter of a report, "Opérateur : CAF". */
		buf_printf(&b, "%s%s%s", i18n_text(l, terms[i]), i18n_text(l, " : "), values[i]);
	}
	const char *s = b.overflow ? NULL : arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

const char *report_cell_text(char out[24], int64_t n, int cell)
{
	return smallcount_text(out, n, cell);
}

_Static_assert(REPORT_STALE_DAYS == 30, "the heading of the last column says 30 days");
static const char *const SITE_COLUMNS[REPORT_SITE_COLUMNS] = {
    N_("Taux de résolution sur place"),  N_("Escalades"),
    N_("Taux de satisfaction"),          N_("Dernière visite enregistrée"),
    N_("Aucune visite depuis 30 jours"),
};

const char *report_site_column(size_t k)
{
	return k < REPORT_SITE_COLUMNS ? SITE_COLUMNS[k] : "";
}

const char *report_site_rate_text(char out[24], const report_row *row)
{
	out[0] = 0;
	if (row->has_solved_rate)
		return out;
	if (row->cell_solved != REPORT_SHOWN)
		return report_cell_text(out, row->solved, row->cell_solved);
	/* Solved is shown but the demands beside it are not: the rate would
	 * give them back. */
	if (row->cell2 != REPORT_SHOWN)
		return report_cell_text(out, 0, REPORT_SECRET);
	return out;
}

/* ------------------------------------------------------------------ */
/* CSV. */

/* A count cell: the number, or "<5" / "s" as text. */
static void csv_count(csv_writer *w, int64_t n, int cell)
{
	char t[24];
	if (cell == REPORT_SHOWN)
		csv_cell_int(w, n);
	else
		csv_cell(w, report_cell_text(t, n, cell));
}

/* A share as a decimal. Written directly rather than through csv_cell,
 * whose formula guard would put an apostrophe before a negative growth:
 * the text is only digits, a sign and the decimal mark, none of which
 * needs quoting with either separator (the comma comes with ';'). */
static void csv_decimal(csv_writer *w, double v, char mark)
{
	char t[48];
	snprintf(t, sizeof t, "%.4f", v);
	char *dot = strchr(t, '.');
	if (dot)
		*dot = mark;
	if (w->in_row)
		buf_putc(w->b, w->sep);
	w->in_row = 1;
	buf_puts(w->b, t);
}

/* A duration in tenths of a day as days, "2.5" ("2,5" with mark ','), or
 * its masked text. */
static void csv_days(csv_writer *w, int64_t tenths, int cell, char mark)
{
	char t[24];
	if (cell != REPORT_SHOWN) {
		csv_cell(w, report_cell_text(t, tenths, cell));
		return;
	}
	snprintf(t, sizeof t, "%lld%c%lld", (long long)(tenths / 10), mark, (long long)(tenths % 10));
	csv_cell(w, t);
}

int report_csv(const report *r, const report_section *s, int semicolon, buf *out)
{
	csv_writer w;
	csv_writer_init(&w, out, semicolon ? ';' : ',');
	if (semicolon)
		csv_write_bom(&w);
	csv_cell(&w, _(r, "Code"));
	csv_cell(&w, _(r, "Libellé"));
	csv_cell(&w, s->unit);
	if (s->unit2)
		csv_cell(&w, s->unit2);
	csv_cell(&w, _(r, "Part"));
	if (s->site_detail)
		for (size_t k = 0; k < REPORT_SITE_COLUMNS; k++)
			csv_cell(&w, _(r, report_site_column(k)));
	csv_row_end(&w);
	for (size_t i = 0; i < s->n; i++) {
		const report_row *row = &s->rows[i];
		csv_cell(&w, row->code);
		csv_cell(&w, row->label);
		if (row->kind == REPORT_DAYS) {
			/* Tenths of a day as a decimal number of days. */
			csv_days(&w, row->n, row->cell, semicolon ? ',' : '.');
			if (s->unit2)
				csv_days(&w, row->n2, row->cell2, semicolon ? ',' : '.');
		} else {
			if (row->kind == REPORT_COUNT || row->kind == REPORT_MINUTES)
				csv_count(&w, row->n, row->cell);
			else
				csv_cell(&w, NULL);
			if (s->unit2)
				csv_count(&w, row->n2, row->cell2);
		}
		if (row->has_share)
			csv_decimal(&w, row->share, semicolon ? ',' : '.');
		else
			csv_cell(&w, NULL);
		if (s->site_detail) {
			char t[24], day[11];
			if (row->has_solved_rate)
				csv_decimal(&w, row->solved_rate, semicolon ? ',' : '.');
			else
				csv_cell(&w, report_site_rate_text(t, row));
			csv_count(&w, row->escalated, row->cell_escalated);
			if (row->has_satisfied_rate)
				csv_decimal(&w, row->satisfied_rate, semicolon ? ',' : '.');
			else
				csv_cell(&w, NULL);
			if (row->last_day >= 0)
				stats_day_format(row->last_day, day);
			csv_cell(&w, row->last_day >= 0 ? day : NULL);
			csv_cell(&w, row->stale ? _(r, "Oui") : _(r, "Non"));
		}
		csv_row_end(&w);
	}
	return out->overflow ? -1 : 0;
}
