/*
 * report_followup.c: the appointments' and callbacks' sections of a
 * steering report (report_followup.h).
 */
#include "report/report_followup.h"
#include "util/i18n.h"

static report_row count_row(const struct lang *l, const char *code, const char *label, int64_t n)
{
	return (report_row){.code = code, .label = i18n_text(l, label), .kind = REPORT_COUNT, .n = n};
}

static int appointments(report *r, const store_followup_counts *c)
{
	const struct lang *l = r->lang;
	int64_t total = c->honoured + c->absent + c->excused + c->cancelled + c->upcoming;
	if (total == 0)
		return 0;
	report_section *s = report_add_section(
	    r, r->n, "appointments", i18n_text(l, N_("Rendez-vous avec les experts des opérateurs")),
	    i18n_text(l, N_("Rendez-vous pris pour une date de la période, selon ce qu'ils sont devenus. "
	                    "La part honorée compte les rendez-vous honorés parmi ceux qui ont eu lieu ou "
	                    "auraient dû avoir lieu (honorés et absences).")),
	    i18n_text(l, N_("Rendez-vous")), REPORT_CHART_NONE, 6);
	if (!s)
		return -1;
	s->total = total;
	s->additive = 1;
	s->rows[0] = count_row(l, "honore", N_("Honorés"), c->honoured);
	s->rows[1] = count_row(l, "absent", N_("Personne absente"), c->absent);
	s->rows[2] = count_row(l, "excuse", N_("Annulés par la personne"), c->excused);
	s->rows[3] = count_row(l, "annule", N_("Annulés par le service"), c->cancelled);
	s->rows[4] = count_row(l, "a_venir", N_("À venir ou sans suite notée"), c->upcoming);
	report_section_set_shares(s);
	s->rows[5] = report_rate_row("honoured_rate", i18n_text(l, N_("Part honorée")), c->honoured,
	                             c->honoured + c->absent);
	return 0;
}

static int callbacks(report *r, const store_followup_counts *c)
{
	const struct lang *l = r->lang;
	int64_t total =
	    c->callbacks_within_day + c->callbacks_later + c->callbacks_unreachable + c->callbacks_open;
	if (total == 0)
		return 0;
	report_section *s = report_add_section(
	    r, r->n, "callbacks", i18n_text(l, N_("Rappels des personnes")),
	    i18n_text(l, N_("Rappels demandés sur la période (hors annulés), une fois passé un jour ou "
	                    "clôturés. La part rappelée dans la journée compte ceux faits dans les 24 "
	                    "heures qui suivent la demande.")),
	    i18n_text(l, N_("Rappels")), REPORT_CHART_NONE, 5);
	if (!s)
		return -1;
	s->total = total;
	s->additive = 1;
	s->rows[0] = count_row(l, "within_day", N_("Rappelés dans la journée"), c->callbacks_within_day);
	s->rows[1] = count_row(l, "later", N_("Rappelés plus tard"), c->callbacks_later);
	s->rows[2] = count_row(l, "unreachable", N_("Injoignables"), c->callbacks_unreachable);
	s->rows[3] = count_row(l, "open", N_("Encore à rappeler"), c->callbacks_open);
	report_section_set_shares(s);
	s->rows[4] = report_rate_row("within_day_rate", i18n_text(l, N_("Part rappelée dans la journée")),
	                             c->callbacks_within_day, total);
	return 0;
}

int report_followup_sections(report *r, const store_followup_counts *c)
{
	return appointments(r, c) != 0 || callbacks(r, c) != 0 ? -1 : 0;
}

int report_followup_add_from_store(report *r, store *s, const stats_query *q, int64_t now)
{
	store_followup_counts c;
	if (store_followup_report_counts(s, q, now, &c) != STORE_OK)
		return -1;
	return report_followup_sections(r, &c);
}
