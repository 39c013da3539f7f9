/*
 * enums.c: the vocabularies of an accompaniment record (REFERENCE.md
 * section 4), each code with its French label. The codes are those of the
 * national tools and open-data formats, so that exports line up; the labels
 * are msgids, translated when rendered. sql/003_accompaniment.sql repeats
 * the codes in its CHECK constraints: change both together.
 */
#include <string.h>

#include "vocab/enums.h"
#include "util/i18n.h"
#include "util/util.h"

#define DEF(var, nm, items) const enum_def var = {nm, items, COUNT(items)}

static const enum_item gender[] = {
    {"feminin", N_("Femme")},
    {"masculin", N_("Homme")},
    {"non_communique", N_("Non communiqué")},
};

/* The order is the one of store_workshop.by_age. */
static const enum_item age[] = {
    {"moins_de_12", N_("Moins de 12 ans")}, {"12_17", N_("12 à 17 ans")},
    {"18_24", N_("18 à 24 ans")},           {"25_39", N_("25 à 39 ans")},
    {"40_59", N_("40 à 59 ans")},           {"60_69", N_("60 à 69 ans")},
    {"70_plus", N_("70 ans et plus")},      {"non_communique", N_("Non communiqué")},
};

static const enum_item status[] = {
    {"scolarise", N_("Scolarisé(e) ou étudiant(e)")},
    {"sans_emploi", N_("Sans emploi")},
    {"en_emploi", N_("En emploi")},
    {"retraite", N_("Retraité(e)")},
    {"non_communique", N_("Non communiqué")},
};

static const enum_item channel[] = {
    {"guichet_spontane", N_("Accueil spontané")},
    {"guichet_rdv", N_("Sur rendez-vous")},
    {"telephone", N_("Téléphone")},
    {"itinerant", N_("Itinérance (arrêt du bus)")},
    {"domicile", N_("À domicile")},
    {"visio", N_("Visio")},
    {"courrier_email", N_("Courrier ou e-mail")},
    {"rappel", N_("Rappel")},
};

static const enum_item level[] = {
    {"information", N_("Information")},
    {"fait_avec", N_("Fait avec la personne")},
    {"fait_pour", N_("Fait pour la personne (avec mandat)")},
};

static const enum_item mandate[] = {
    {"papier", N_("Mandat papier")},
    {"sms", N_("Mandat par SMS")},
    {"aidants_connect", N_("Aidants Connect")},
};

static const enum_item equipment[] = {
    {"ordinateur", N_("Ordinateur")}, {"telephone", N_("Téléphone")},  {"tablette", N_("Tablette")},
    {"autre", N_("Autre matériel")},  {"aucun", N_("Aucun matériel")},
};

static const enum_item interpreting[] = {
    {"aucun", N_("Aucun")},
    {"telephone", N_("Interprétariat par téléphone")},
    {"collegue", N_("Un ou une collègue")},
    {"proche", N_("Un proche de la personne")},
    {"application", N_("Application de traduction")},
};

static const enum_item outcome[] = {
    {"resolu", N_("Résolu sur place")},
    {"a_finaliser_en_autonomie", N_("À finaliser en autonomie")},
    {"doit_revenir", N_("Doit revenir")},
    {"oriente", N_("Orienté vers une autre structure")},
    {"escalade", N_("Transmis au service de l'opérateur (escalade)")},
};

static const enum_item referral[] = {
    {"administration", N_("Administration")},
    {"autre_mediation_numerique", N_("Autre structure de médiation numérique")},
    {"operateur_en_charge", N_("Opérateur en charge de la démarche")},
    {"aide_sociale", N_("Aide sociale")},
    {"insertion_professionnelle", N_("Insertion professionnelle")},
    {"aide_aux_demarches", N_("Aide aux démarches (France Services)")},
    {"autre", N_("Autre structure")},
};

static const enum_item disability[] = {
    {"auditif", N_("Handicap auditif")},     {"visuel", N_("Handicap visuel")},
    {"moteur", N_("Handicap moteur")},       {"mental", N_("Handicap mental ou cognitif")},
    {"psychique", N_("Handicap psychique")},
};

static const enum_item consent[] = {
    {"suivi", N_("Suivi de la démarche")},
    {"rappel", N_("Rappeler la personne")},
    {"escalade", N_("Transmission au service de l'opérateur")},
};

static const enum_item workshop_level[] = {
    {"debutant", N_("Débutant")},
    {"intermediaire", N_("Intermédiaire")},
    {"avance", N_("Avancé")},
};

static const enum_item autonomy[] = {
    {"1", N_("1 — Avec guidage")},
    {"2", N_("2 — Autonome avec guidage en cas de besoin")},
    {"3", N_("3 — Autonome")},
};

/* The person's own telephone (visitors.phone_kind): a visitor without a
 * smartphone is not a visitor without a telephone. */
static const enum_item phone[] = {
    {"aucun", N_("Pas de téléphone")},
    {"sans_internet", N_("Téléphone sans internet (pas de smartphone)")},
    {"smartphone", N_("Smartphone")},
};

DEF(ENUM_GENDER, "gender", gender);
DEF(ENUM_AGE, "age", age);
DEF(ENUM_STATUS, "status", status);
DEF(ENUM_CHANNEL, "channel", channel);
DEF(ENUM_LEVEL, "level", level);
DEF(ENUM_MANDATE, "mandate", mandate);
DEF(ENUM_EQUIPMENT, "equipment", equipment);
DEF(ENUM_INTERPRETING, "interpreting", interpreting);
DEF(ENUM_OUTCOME, "outcome", outcome);
DEF(ENUM_REFERRAL, "referral", referral);
DEF(ENUM_DISABILITY, "disability", disability);
DEF(ENUM_CONSENT, "consent", consent);
DEF(ENUM_WORKSHOP_LEVEL, "workshop_level", workshop_level);
DEF(ENUM_AUTONOMY, "autonomy", autonomy);
DEF(ENUM_PHONE, "phone", phone);

static const enum_def *const all[] = {
    &ENUM_GENDER,     &ENUM_AGE,       &ENUM_STATUS,         &ENUM_CHANNEL,  &ENUM_LEVEL,
    &ENUM_MANDATE,    &ENUM_EQUIPMENT, &ENUM_INTERPRETING,   &ENUM_OUTCOME,  &ENUM_REFERRAL,
    &ENUM_DISABILITY, &ENUM_CONSENT,   &ENUM_WORKSHOP_LEVEL, &ENUM_AUTONOMY, &ENUM_PHONE,
};

const enum_def *enum_by_name(const char *name)
{
	for (size_t i = 0; name && i < COUNT(all); i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

/* The item of code, or NULL; len lets a caller look up part of a list. */
static const enum_item *find(const enum_def *d, const char *code, size_t len)
{
	for (size_t i = 0; d && code && i < d->n; i++)
		if (strlen(d->items[i].code) == len && memcmp(d->items[i].code, code, len) == 0)
			return &d->items[i];
	return NULL;
}

int enum_valid(const enum_def *d, const char *code)
{
	return code && find(d, code, strlen(code)) != NULL;
}

const char *enum_label(const enum_def *d, const char *code)
{
	if (!code)
		return "";
	for (size_t i = 0; d && i < d->n; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return d->items[i].label;
	return code;
}

int enum_list_valid(const enum_def *d, const char *codes)
{
	if (!d || !codes)
		return 0;
	if (!*codes)
		return 1;
	/* Every vocabulary has fewer than 64 codes: a bit per code catches
	 * repeats without allocating. */
	uint64_t seen = 0;
	for (const char *p = codes;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const enum_item *it = find(d, p, len);
		if (!it)
			return 0;
		uint64_t bit = UINT64_C(1) << (size_t)(it - d->items);
		if (seen & bit)
			return 0;
		seen |= bit;
		if (!end)
			return 1;
		p = end + 1;
	}
}

const char *enum_age_bracket_of(int birth_year, int year)
{
	/* The age reached during the year: the day of birth is not kept, and a
	 * bracket off by one for part of a year matters less than asking it. */
	if (birth_year <= 0 || birth_year > year)
		return "non_communique";
	int a = year - birth_year;
	if (a < 12)
		return "moins_de_12";
	if (a < 18)
		return "12_17";
	if (a < 25)
		return "18_24";
	if (a < 40)
		return "25_39";
	if (a < 60)
		return "40_59";
	if (a < 70)
		return "60_69";
	return "70_plus";
}

/* The State's satisfaction questions (REFERENCE.md section 6): the overall
 * answer's codes and labels, and the five levels of clarity. */
const char *const SATISFACTION_CODES[3] = {"pas_bien", "moyen", "tres_bien"};
const char *const SATISFACTION_LABELS[3] = {N_("Pas bien"), N_("Moyen"), N_("Très bien")};
const char *const SATISFACTION_CLARITY_LABELS[5] = {N_("Pas clair du tout"), N_("Pas très clair"),
                                                    N_("Moyennement clair"), N_("Clair"), N_("Très clair")};
