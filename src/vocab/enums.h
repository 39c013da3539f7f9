/*
 * enums.h: the vocabularies of an accompaniment record (REFERENCE.md section
 * 4): gender, age bracket, social status, channel, level of intervention,
 * mandate type, equipment, interpreting, outcome, referral structure,
 * disability, consent reason, workshop level. One table per vocabulary, each
 * code with its French label (a msgid) and a pictogram name for public pages.
 * Codes are what the store, the CSV files and the API speak.
 */
#ifndef GUICHET_ENUMS_H
#define GUICHET_ENUMS_H

#include <stddef.h>

typedef struct enum_item {
	const char *code;
	const char *label; /* French msgid */
} enum_item;

typedef struct enum_def {
	const char *name; /* "channel" */
	const enum_item *items;
	size_t n;
} enum_def;

/* The vocabularies, by name. */
extern const enum_def ENUM_GENDER;       /* feminin, masculin, non_communique */
extern const enum_def ENUM_AGE;          /* moins_de_12 … 70_plus, non_communique */
extern const enum_def ENUM_STATUS;       /* scolarise, sans_emploi, en_emploi, retraite, non_communique */
extern const enum_def ENUM_CHANNEL;      /* guichet_spontane, guichet_rdv, telephone, itinerant, domicile, visio,
                                            courrier_email, rappel */
extern const enum_def ENUM_LEVEL;        /* information, fait_avec, fait_pour */
extern const enum_def ENUM_MANDATE;      /* papier, sms, aidants_connect */
extern const enum_def ENUM_EQUIPMENT;    /* ordinateur, telephone, tablette, autre, aucun */
extern const enum_def ENUM_INTERPRETING; /* aucun, telephone, collegue, proche, application */
extern const enum_def ENUM_OUTCOME;      /* resolu, a_finaliser_en_autonomie, doit_revenir, oriente, escalade */
extern const enum_def ENUM_REFERRAL;     /* administration, autre_mediation_numerique, operateur_en_charge,
                                            aide_sociale, insertion_professionnelle, aide_aux_demarches, autre */
extern const enum_def ENUM_DISABILITY;   /* auditif, visuel, moteur, mental, psychique */
extern const enum_def ENUM_CONSENT;      /* suivi, rappel, escalade */
extern const enum_def ENUM_WORKSHOP_LEVEL; /* debutant, intermediaire, avance */
extern const enum_def ENUM_AUTONOMY;     /* "1", "2", "3" */
extern const enum_def ENUM_PHONE;        /* the person's telephone: aucun, sans_internet, smartphone */

/* NULL when the vocabulary has no such name. */
const enum_def *enum_by_name(const char *name);
int enum_valid(const enum_def *d, const char *code);
/* The French label, or the code itself when unknown. */
const char *enum_label(const enum_def *d, const char *code);
/* Checks a comma-separated list of codes (no repeats); "" is valid. */
int enum_list_valid(const enum_def *d, const char *codes);
/* The age bracket of someone born in birth_year, on the date year. */
const char *enum_age_bracket_of(int birth_year, int year);

/* The satisfaction questions (REFERENCE.md section 6). */
/* The codes of the overall answer, 1..3, as the statistics write them:
 * SATISFACTION_CODES[overall - 1] is "pas_bien", "moyen", "tres_bien". */
extern const char *const SATISFACTION_CODES[3];
/* French labels (msgids): "Pas bien", "Moyen", "Très bien"; and of the
 * clarity levels 1..5: "Pas clair du tout" … "Très clair". */
extern const char *const SATISFACTION_LABELS[3];
extern const char *const SATISFACTION_CLARITY_LABELS[5];

#endif
