/*
 * takehome.c: the sentences of the take-home summary of a visit
 * (takehome.h). The person reads them in her language, often little, often
 * with someone helping: short sentences addressed to her ("vous"), one fact
 * each, no jargon of the programme ("escalade", "niveau d'intervention").
 */
#include <stdio.h>
#include <string.h>

#include "domain/takehome.h"
#include "util/i18n.h"

typedef struct level_text {
	const char *code, *text, *picto;
} level_text;

static const level_text levels[] = {
    {"information", NP_("Nous vous avons donné des informations."), "2139"},
    {"fait_avec", NP_("Nous avons fait la démarche avec vous."), "1F91D"},
    {"fait_pour", NP_("Nous avons fait la démarche pour vous, avec votre accord écrit (mandat)."), "270D"},
};

typedef struct outcome_text {
	const char *code, *text, *picto, *next;
	int documents, escalated;
} outcome_text;

static const outcome_text outcomes[] = {
    {"resolu", NP_("C'est terminé : votre démarche est faite."), "2705",
     NP_("Vous n'avez rien d'autre à faire."), 0, 0},
    {"a_finaliser_en_autonomie", NP_("Il vous reste à finir la démarche vous-même."), "1F4BB",
     NP_("Finissez la démarche chez vous. Si vous avez besoin d'aide, revenez nous voir."), 1, 0},
    {"doit_revenir", NP_("La démarche n'est pas finie : vous devez revenir."), "1F4C5",
     NP_("Revenez nous voir pour finir la démarche."), 1, 0},
    {"oriente", NP_("Un autre service peut vous aider pour cette démarche."), "1F4CD",
     NP_("Allez voir ce service :"), 0, 0},
    {"escalade", NP_("Nous avons envoyé votre demande à l'organisme."), "1F4E4",
     NP_("L'organisme va répondre. Nous vous dirons sa réponse."), 0, 1},
};

static const struct {
	const char *code, *text;
} referrals[] = {
    {"administration", NP_("Une administration")},
    {"autre_mediation_numerique", NP_("Un autre lieu d'aide pour le numérique")},
    {"operateur_en_charge", NP_("L'organisme qui s'occupe de votre démarche")},
    {"aide_sociale", NP_("Un service d'aide sociale")},
    {"insertion_professionnelle", NP_("Un service d'aide pour trouver un emploi")},
    {"aide_aux_demarches", NP_("Un autre lieu France Services")},
    {"autre", NP_("Un autre service")},
};

static const char *const weekdays[8] = {
    NULL,         NP_("Lundi"),    NP_("Mardi"),  NP_("Mercredi"),
    NP_("Jeudi"), NP_("Vendredi"), NP_("Samedi"), NP_("Dimanche"),
};

int takehome_demand_of(const char *level, const char *outcome, const char *referral_type,
                       takehome_demand *out)
{
	const level_text *l = NULL;
	const outcome_text *o = NULL;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; level && i < COUNT(levels); i++)
		if (strcmp(levels[i].code, level) == 0)
			l = &levels[i];
	for (size_t i = 0; outcome && i < COUNT(outcomes); i++)
		if (strcmp(outcomes[i].code, outcome) == 0)
			o = &outcomes[i];
	if (!l || !o)
		return -1;
	out->done = l->text;
	out->done_picto = l->picto;
	out->outcome = o->text;
	out->outcome_picto = o->picto;
	out->next = o->next;
	out->documents = o->documents;
	out->escalated = o->escalated;
	if (strcmp(o->code, "oriente") == 0) {
		/* A referral whose kind was not recorded still says where to go,
		 * in the words of the last kind: "another service". */
		out->referral = referrals[COUNT(referrals) - 1].text;
		for (size_t i = 0; referral_type && i < COUNT(referrals); i++)
			if (strcmp(referrals[i].code, referral_type) == 0)
				out->referral = referrals[i].text;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t takehome_documents(arena *a, const char *text, size_t max, const char ***out)
{
	size_t lines = 0, n = 0;

	*out = NULL;
	if (!text || max == 0)
		return 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	lines++;
	if (lines > max)
		lines = max;
	const char **v = arena_alloc(a, lines * sizeof(*v));
	if (!v)
		return 0;
	for (const char *p = text; *p && n < lines;) {
		const char *end = strchr(p, '\n');
		const char *stop = end ? end : p + strlen(p);
		const char *s = p, *e = stop;
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if (e > s) {
			char *line = arena_strndup(a, s, (size_t)(e - s));
			if (!line)
				break;
			v[n++] = line;
		}
		p = end ? end + 1 : stop;
	}
	*out = n ? v : NULL;
	return n;
}

int takehome_format_parse(const char *s)
{
	if (!s || !*s || strcmp(s, "a4") == 0)
		return TAKEHOME_A4;
	if (strcmp(s, "receipt") == 0)
		return TAKEHOME_RECEIPT;
	return -1;
}

const char *takehome_format_code(takehome_format f)
{
	return f == TAKEHOME_RECEIPT ? "receipt" : "a4";
}

const char *takehome_weekday(int weekday)
{
	return weekday >= 1 && weekday <= 7 ? weekdays[weekday] : NULL;
}

int takehome_hm(int minutes, char out[6])
{
	if (minutes < 0 || minutes > 1440) {
		out[0] = '\0';
		return -1;
	}
	snprintf(out, 6, "%02d:%02d", minutes / 60, minutes % 60);
	return 0;
}
