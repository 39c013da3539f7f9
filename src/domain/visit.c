/*
 * visit.c: the rules of an accompaniment record (visit.h): what must be
 * given, which codes are allowed, what must exist in the catalog and the
 * geography, and the coherence between fields. It also normalises the
 * record in place, so that what is stored is what the rules describe:
 * texts trimmed, codes in their stored case, "not given" profile answers as
 * non_communique, the age bracket derived from a birth year, and the fields
 * that a choice makes meaningless (a mandate without fait_pour, a referral
 * without oriente, contact details without identification) emptied.
 *
 * Messages of a demand name its number ("la demande 2"); field names are
 * "dN_name" (visit.h).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vocab/enums.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "domain/site.h"
#include "domain/user.h"
#include "domain/visit.h"

/* The messages below name these limits in words. */
_Static_assert(VISIT_MAX_DEMANDS == 10, "update demand_msgs and \"au plus 10 demandes\"");
_Static_assert(VISIT_MAX_DURATION_MIN == 600, "update the messages that say 600 minutes");
_Static_assert(VISIT_NOTE_BYTES == 500, "update the messages that say 500 caractères");
_Static_assert(LIMIT_NAME_BYTES == 200, "update the messages that say 200 caractères");
_Static_assert(VISIT_MAX_PARTICIPANTS == 500, "update the message that says 500 participants");

/* A record may be dated a little ahead: clocks of the desk computers and
 * of the server differ by a few minutes. */
#define VISIT_CLOCK_SKEW_S 300
/* Nothing was recorded with Guichet before this date (2000-01-01). */
#define VISIT_OLDEST 946684800
#define VISIT_BIRTH_YEAR_MIN 1900
/* Enough for the few catalog rows one validation reads. */
#define VISIT_SCRATCH_BYTES ((size_t)256 * 1024)

enum {
	M_OPERATOR,
	M_OPERATOR_UNKNOWN,
	M_THEME,
	M_PROCEDURE,
	M_LEVEL,
	M_MANDATE,
	M_OUTCOME,
	M_REFERRAL,
	M_DURATION,
	M_TEXT,
	M_VALUE,
	M_KINDS
};

/* The messages of demand N, one row per kind: written out in full so that
 * xgettext finds each one and a translator can place the number. */
static const char *const demand_msgs[M_KINDS][VISIT_MAX_DEMANDS] = {
    [M_OPERATOR] =
        {
            N_("Choisissez l'opérateur de la demande 1."),
            N_("Choisissez l'opérateur de la demande 2."),
            N_("Choisissez l'opérateur de la demande 3."),
            N_("Choisissez l'opérateur de la demande 4."),
            N_("Choisissez l'opérateur de la demande 5."),
            N_("Choisissez l'opérateur de la demande 6."),
            N_("Choisissez l'opérateur de la demande 7."),
            N_("Choisissez l'opérateur de la demande 8."),
            N_("Choisissez l'opérateur de la demande 9."),
            N_("Choisissez l'opérateur de la demande 10."),
        },
    [M_OPERATOR_UNKNOWN] =
        {
            N_("L'opérateur de la demande 1 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 2 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 3 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 4 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 5 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 6 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 7 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 8 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 9 n'existe pas ou n'est plus actif."),
            N_("L'opérateur de la demande 10 n'existe pas ou n'est plus actif."),
        },
    [M_THEME] =
        {
            N_("Choisissez le thème de la demande 1."),
            N_("Choisissez le thème de la demande 2."),
            N_("Choisissez le thème de la demande 3."),
            N_("Choisissez le thème de la demande 4."),
            N_("Choisissez le thème de la demande 5."),
            N_("Choisissez le thème de la demande 6."),
            N_("Choisissez le thème de la demande 7."),
            N_("Choisissez le thème de la demande 8."),
            N_("Choisissez le thème de la demande 9."),
            N_("Choisissez le thème de la demande 10."),
        },
    [M_PROCEDURE] =
        {
            N_("La démarche choisie pour la demande 1 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 2 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 3 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 4 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 5 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 6 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 7 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 8 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 9 n'existe pas ou n'est plus proposée."),
            N_("La démarche choisie pour la demande 10 n'existe pas ou n'est plus proposée."),
        },
    [M_LEVEL] =
        {
            N_("Choisissez le niveau d'intervention de la demande 1."),
            N_("Choisissez le niveau d'intervention de la demande 2."),
            N_("Choisissez le niveau d'intervention de la demande 3."),
            N_("Choisissez le niveau d'intervention de la demande 4."),
            N_("Choisissez le niveau d'intervention de la demande 5."),
            N_("Choisissez le niveau d'intervention de la demande 6."),
            N_("Choisissez le niveau d'intervention de la demande 7."),
            N_("Choisissez le niveau d'intervention de la demande 8."),
            N_("Choisissez le niveau d'intervention de la demande 9."),
            N_("Choisissez le niveau d'intervention de la demande 10."),
        },
    [M_MANDATE] =
        {
            N_("Indiquez le type de mandat de la demande 1 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 2 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 3 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 4 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 5 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 6 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 7 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 8 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 9 (démarche faite pour la personne)."),
            N_("Indiquez le type de mandat de la demande 10 (démarche faite pour la personne)."),
        },
    [M_OUTCOME] =
        {
            N_("Choisissez l'issue de la demande 1."),
            N_("Choisissez l'issue de la demande 2."),
            N_("Choisissez l'issue de la demande 3."),
            N_("Choisissez l'issue de la demande 4."),
            N_("Choisissez l'issue de la demande 5."),
            N_("Choisissez l'issue de la demande 6."),
            N_("Choisissez l'issue de la demande 7."),
            N_("Choisissez l'issue de la demande 8."),
            N_("Choisissez l'issue de la demande 9."),
            N_("Choisissez l'issue de la demande 10."),
        },
    [M_REFERRAL] =
        {
            N_("Indiquez vers quelle structure la demande 1 a été orientée."),
            N_("Indiquez vers quelle structure la demande 2 a été orientée."),
            N_("Indiquez vers quelle structure la demande 3 a été orientée."),
            N_("Indiquez vers quelle structure la demande 4 a été orientée."),
            N_("Indiquez vers quelle structure la demande 5 a été orientée."),
            N_("Indiquez vers quelle structure la demande 6 a été orientée."),
            N_("Indiquez vers quelle structure la demande 7 a été orientée."),
            N_("Indiquez vers quelle structure la demande 8 a été orientée."),
            N_("Indiquez vers quelle structure la demande 9 a été orientée."),
            N_("Indiquez vers quelle structure la demande 10 a été orientée."),
        },
    [M_DURATION] =
        {
            N_("La durée de la demande 1 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 2 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 3 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 4 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 5 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 6 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 7 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 8 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 9 doit être comprise entre 0 et 600 minutes."),
            N_("La durée de la demande 10 doit être comprise entre 0 et 600 minutes."),
        },
    [M_TEXT] =
        {
            N_("Un texte de la demande 1 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 2 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 3 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 4 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 5 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 6 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 7 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 8 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 9 est trop long ou contient des caractères non autorisés."),
            N_("Un texte de la demande 10 est trop long ou contient des caractères non autorisés."),
        },
    [M_VALUE] =
        {
            N_("Une réponse de la demande 1 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 2 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 3 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 4 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 5 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 6 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 7 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 8 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 9 ne fait pas partie des choix proposés."),
            N_("Une réponse de la demande 10 ne fait pas partie des choix proposés."),
        },
};

#define DF(x)                                                                                                \
	{                                                                                                    \
		"d1_" x, "d2_" x, "d3_" x, "d4_" x, "d5_" x, "d6_" x, "d7_" x, "d8_" x, "d9_" x, "d10_" x    \
	}

enum {
	F_OPERATOR,
	F_THEME,
	F_PROCEDURE_ID,
	F_PROCEDURE_TEXT,
	F_LEVEL,
	F_MANDATE_TYPE,
	F_MANDATE_REF,
	F_AUTONOMY,
	F_EQUIPMENT,
	F_INTERPRETING,
	F_INTERPRETING_LANG,
	F_OUTCOME,
	F_REFERRAL,
	F_DURATION,
	F_NOTE,
	F_KINDS
};

/* Field names of demand N (visit.h): static, as field_errors keeps them. */
static const char *const demand_fields[F_KINDS][VISIT_MAX_DEMANDS] = {
    [F_OPERATOR] = DF("operator_code"),
    [F_THEME] = DF("theme_code"),
    [F_PROCEDURE_ID] = DF("procedure_id"),
    [F_PROCEDURE_TEXT] = DF("procedure_text"),
    [F_LEVEL] = DF("level"),
    [F_MANDATE_TYPE] = DF("mandate_type"),
    [F_MANDATE_REF] = DF("mandate_ref"),
    [F_AUTONOMY] = DF("autonomy"),
    [F_EQUIPMENT] = DF("equipment"),
    [F_INTERPRETING] = DF("interpreting"),
    [F_INTERPRETING_LANG] = DF("interpreting_lang"),
    [F_OUTCOME] = DF("outcome"),
    [F_REFERRAL] = DF("referral_type"),
    [F_DURATION] = DF("duration_min"),
    [F_NOTE] = DF("note"),
};

static char empty[] = "";
static char non_communique_gender[] = "non_communique";
static char non_communique_age[] = "non_communique";
static char non_communique_status[] = "non_communique";
static char phone_none[] = "aucun";

/* Codes copied from the catalog into a record (a procedure's theme and
 * operator) must outlive this call, and the record's strings belong to the
 * caller: they are kept here, once per distinct code. Codes are few (the
 * catalog's), so the pool stays small; it lives as long as the process. */
#define INTERN_MAX 4096
static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static char *interned[INTERN_MAX];
static size_t ninterned;

static char *intern(const char *s)
{
	char *found = NULL;
	pthread_mutex_lock(&intern_lock);
	for (size_t i = 0; !found && i < ninterned; i++)
		if (strcmp(interned[i], s) == 0)
			found = interned[i];
	if (!found && ninterned < INTERN_MAX)
		found = interned[ninterned++] = xstrdup(s);
	pthread_mutex_unlock(&intern_lock);
	return found;
}

/* What one validation needs from the store, read once. */
typedef struct ctx {
	store *st;
	arena *a;
	field_errors *e;
	int store_failed;
	store_theme *themes;
	size_t nthemes;
	int themes_loaded;
	int64_t communes; /* -1 until counted */
} ctx;

static void store_trouble(ctx *x)
{
	if (!x->store_failed)
		field_error_add(x->e, NULL,
		                N_("La saisie n'a pas pu être vérifiée : réessayez dans un instant."));
	x->store_failed = 1;
}

static int theme_exists(ctx *x, const char *code)
{
	if (!x->themes_loaded) {
		if (store_theme_list(x->st, x->a, &x->themes, &x->nthemes) != STORE_OK) {
			store_trouble(x);
			return 0;
		}
		x->themes_loaded = 1;
	}
	for (size_t i = 0; i < x->nthemes; i++)
		if (strcmp(x->themes[i].code, code) == 0)
			return 1;
	return 0;
}

/* 1 when the operator exists and is active. */
static int operator_usable(ctx *x, const char *code)
{
	store_operator o;
	int rc = store_operator_get(x->st, x->a, code, &o);
	if (rc == STORE_ERROR)
		store_trouble(x);
	return rc == STORE_OK && o.active;
}

/* NULL becomes "", then white space is trimmed. */
static char *text(char **s)
{
	if (!*s)
		*s = empty;
	site_trim(*s);
	return *s;
}

/* 0 when s fits in max bytes of clean UTF-8 (tab and line breaks allowed
 * when multiline). */
static int text_ok(const char *s, size_t max, int multiline)
{
	return site_text_check(s, max, multiline) == SITE_TEXT_OK;
}

static void check_text(field_errors *e, const char *field, const char *s, size_t max, int multiline,
                       const char *too_long)
{
	switch (site_text_check(s, max, multiline)) {
	case SITE_TEXT_TOO_LONG:
		field_error_add(e, field, too_long);
		break;
	case SITE_TEXT_BAD:
		field_error_add(e, field, N_("Ce texte contient des caractères non autorisés."));
		break;
	default:
		break;
	}
}

/* A required code of a vocabulary. */
static int code_ok(const enum_def *d, char **s)
{
	return enum_valid(d, text(s));
}

/* ISO 639-1 codes separated by commas, each once; "" is valid. Lower-cased
 * in place. */
static int languages_ok(char *s)
{
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!*s)
		return 1;
	size_t n = strlen(s);
	if (n % 3 != 2)
		return 0;
	for (size_t i = 0; i < n; i += 3) {
		char code[3] = {s[i], s[i + 1], '\0'};
		if (!site_language_valid(code) || (i + 2 < n && s[i + 2] != ','))
			return 0;
		for (size_t j = 0; j < i; j += 3)
			if (s[j] == s[i] && s[j + 1] == s[i + 1])
				return 0;
	}
	return 1;
}

/* Digits with spaces, dots, dashes, parentheses and a leading +: from 6
 * to 15 digits (the international maximum). */
static int phone_ok(const char *s)
{
	int digits = 0;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr(" .-()", *p) && !(*p == '+' && p == s))
			return 0;
	}
	return digits >= 6 && digits <= 15;
}

static int local_year(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return 0;
	return tm.tm_year + 1900;
}

static void validate_commune(ctx *x, char *code)
{
	for (char *p = code; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (!*code)
		return;
	if (!site_insee_valid(code)) {
		field_error_add(
		    x->e, "commune_insee",
		    N_("Le code commune doit être le code INSEE de 5 caractères (par exemple 35238), "
		       "pas le code postal."));
		return;
	}
	/* Without the official geography loaded, the format is all one can
	 * check; with it, the commune must exist. */
	if (x->communes < 0 && store_commune_count(x->st, &x->communes) != STORE_OK) {
		store_trouble(x);
		return;
	}
	if (x->communes == 0)
		return;
	store_commune c;
	int rc = store_commune_get(x->st, x->a, code, &c);
	if (rc == STORE_NOT_FOUND)
		field_error_add(x->e, "commune_insee", N_("Aucune commune ne porte ce code INSEE."));
	else if (rc != STORE_OK)
		store_trouble(x);
}

static void validate_visitor(ctx *x, store_visitor *p, int year)
{
	field_errors *e = x->e;
	if (!*text(&p->gender))
		p->gender = non_communique_gender;
	if (!enum_valid(&ENUM_GENDER, p->gender))
		field_error_add(e, "gender", N_("Choisissez le genre dans la liste."));
	if (!*text(&p->social_status))
		p->social_status = non_communique_status;
	if (!enum_valid(&ENUM_STATUS, p->social_status))
		field_error_add(e, "social_status", N_("Choisissez la situation dans la liste."));

	if (p->birth_year != 0 && (p->birth_year < VISIT_BIRTH_YEAR_MIN || p->birth_year > year)) {
		field_error_add(
		    e, "birth_year",
		    N_("L'année de naissance doit être comprise entre 1900 et l'année de l'accueil."));
	} else if (p->birth_year != 0) {
		/* The year decides: an age bracket given with it is replaced. */
		p->age_bracket = (char *)enum_age_bracket_of((int)p->birth_year, year);
	} else {
		if (!*text(&p->age_bracket))
			p->age_bracket = non_communique_age;
		if (!enum_valid(&ENUM_AGE, p->age_bracket))
			field_error_add(e, "age_bracket", N_("Choisissez la tranche d'âge dans la liste."));
	}

	/* The telephone: the kind decides no_phone; a record that only says
	 * no_phone (the API, an import, an older client) gets its kind. */
	if (!*text(&p->phone_kind) && p->no_phone)
		p->phone_kind = phone_none;
	if (*p->phone_kind && !enum_valid(&ENUM_PHONE, p->phone_kind))
		field_error_add(e, "phone_kind", N_("Choisissez le téléphone de la personne dans la liste."));
	else if (*p->phone_kind)
		p->no_phone = strcmp(p->phone_kind, "aucun") == 0;

	validate_commune(x, text(&p->commune_insee));
	if (!languages_ok(text(&p->languages)))
		field_error_add(e, "languages",
		                N_("Les langues doivent être des codes ISO 639-1 séparés par des virgules "
		                   "(par exemple ar,uk)."));
	if (!enum_list_valid(&ENUM_DISABILITY, text(&p->disabilities)))
		field_error_add(e, "disabilities", N_("Choisissez les handicaps dans la liste."));

	text(&p->full_name);
	text(&p->phone);
	text(&p->email);
	text(&p->consent_reason);
	if (!p->identified) {
		/* Without consent nothing identifying is kept: better to say so
		 * than to drop what the adviser typed. */
		if (*p->full_name || *p->phone || *p->email)
			field_error_add(
			    e, "full_name",
			    N_("Sans identification de la personne, ne notez ni nom, ni téléphone, "
			       "ni e-mail."));
		p->consent_reason = empty;
		p->consent_at = 0;
		return;
	}
	if (!enum_valid(&ENUM_CONSENT, p->consent_reason))
		field_error_add(
		    e, "consent_reason",
		    N_("Indiquez pourquoi la personne accepte d'être identifiée (suivi, rappel ou "
		       "transmission à l'opérateur)."));
	if (!*p->full_name)
		field_error_add(e, "full_name", N_("Indiquez au moins le nom de la personne identifiée."));
	else
		check_text(e, "full_name", p->full_name, LIMIT_NAME_BYTES, 0,
		           N_("Le nom est trop long (200 caractères au plus)."));
	if (*p->phone && !phone_ok(p->phone))
		field_error_add(e, "phone",
		                N_("Le numéro de téléphone n'est pas valide (de 6 à 15 chiffres)."));
	for (char *q = p->email; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	if (*p->email && !user_email_valid(p->email))
		field_error_add(e, "email", N_("L'adresse e-mail n'est pas valide."));
}

/* Fills the theme and operator that the catalog's procedure suggests when
 * the adviser left them empty; 0 when the procedure is usable. */
static int apply_procedure(ctx *x, store_demand *d)
{
	store_procedure p;
	int rc = store_procedure_get(x->st, x->a, d->procedure_id, &p);
	if (rc == STORE_ERROR)
		store_trouble(x);
	if (rc != STORE_OK || !p.active)
		return -1;
	if (!*d->theme_code && (d->theme_code = intern(p.theme_code)) == NULL) {
		d->theme_code = empty;
		store_trouble(x);
	}
	if (!*d->operator_code && *p.operator_code && (d->operator_code = intern(p.operator_code)) == NULL) {
		d->operator_code = empty;
		store_trouble(x);
	}
	return 0;
}

static void validate_demand(ctx *x, store_demand *d, size_t i)
{
	field_errors *e = x->e;
	text(&d->operator_code);
	text(&d->theme_code);
	text(&d->procedure_text);
	if (d->procedure_id < 0 || (d->procedure_id > 0 && apply_procedure(x, d) != 0))
		field_error_add(e, demand_fields[F_PROCEDURE_ID][i], demand_msgs[M_PROCEDURE][i]);
	if (!text_ok(d->procedure_text, LIMIT_NAME_BYTES, 0))
		field_error_add(e, demand_fields[F_PROCEDURE_TEXT][i], demand_msgs[M_TEXT][i]);

	if (!*d->operator_code)
		field_error_add(e, demand_fields[F_OPERATOR][i], demand_msgs[M_OPERATOR][i]);
	else if (!operator_usable(x, d->operator_code))
		field_error_add(e, demand_fields[F_OPERATOR][i], demand_msgs[M_OPERATOR_UNKNOWN][i]);
	if (!*d->theme_code || !theme_exists(x, d->theme_code))
		field_error_add(e, demand_fields[F_THEME][i], demand_msgs[M_THEME][i]);

	if (!code_ok(&ENUM_LEVEL, &d->level))
		field_error_add(e, demand_fields[F_LEVEL][i], demand_msgs[M_LEVEL][i]);
	text(&d->mandate_type);
	text(&d->mandate_ref);
	if (strcmp(d->level, "fait_pour") != 0) {
		d->mandate_type = empty;
		d->mandate_ref = empty;
	} else {
		if (!enum_valid(&ENUM_MANDATE, d->mandate_type))
			field_error_add(e, demand_fields[F_MANDATE_TYPE][i], demand_msgs[M_MANDATE][i]);
		if (!text_ok(d->mandate_ref, LIMIT_NAME_BYTES, 0))
			field_error_add(e, demand_fields[F_MANDATE_REF][i], demand_msgs[M_TEXT][i]);
	}

	if (d->autonomy < 0 || d->autonomy > 3)
		field_error_add(e, demand_fields[F_AUTONOMY][i], demand_msgs[M_VALUE][i]);
	if (!enum_list_valid(&ENUM_EQUIPMENT, text(&d->equipment)))
		field_error_add(e, demand_fields[F_EQUIPMENT][i], demand_msgs[M_VALUE][i]);
	text(&d->interpreting);
	text(&d->interpreting_lang);
	if (*d->interpreting && !enum_valid(&ENUM_INTERPRETING, d->interpreting))
		field_error_add(e, demand_fields[F_INTERPRETING][i], demand_msgs[M_VALUE][i]);
	if (!*d->interpreting || strcmp(d->interpreting, "aucun") == 0)
		d->interpreting_lang = empty;
	else if (*d->interpreting_lang && !languages_ok(d->interpreting_lang))
		field_error_add(e, demand_fields[F_INTERPRETING_LANG][i], demand_msgs[M_VALUE][i]);

	if (!code_ok(&ENUM_OUTCOME, &d->outcome))
		field_error_add(e, demand_fields[F_OUTCOME][i], demand_msgs[M_OUTCOME][i]);
	text(&d->referral_type);
	if (strcmp(d->outcome, "oriente") != 0)
		d->referral_type = empty;
	else if (!enum_valid(&ENUM_REFERRAL, d->referral_type))
		field_error_add(e, demand_fields[F_REFERRAL][i], demand_msgs[M_REFERRAL][i]);

	if (d->duration_min < 0 || d->duration_min > VISIT_MAX_DURATION_MIN)
		field_error_add(e, demand_fields[F_DURATION][i], demand_msgs[M_DURATION][i]);
	if (!text_ok(text(&d->note), VISIT_NOTE_BYTES, 1))
		field_error_add(e, demand_fields[F_NOTE][i], demand_msgs[M_TEXT][i]);
}

/* started_at: given, not before Guichet existed, not in the future. */
static void validate_time(field_errors *e, const char *field, int64_t t, int64_t now, const char *missing,
                          const char *future)
{
	if (t <= 0)
		field_error_add(e, field, missing);
	else if (t > now + VISIT_CLOCK_SKEW_S)
		field_error_add(e, field, future);
	else if (t < VISIT_OLDEST)
		field_error_add(e, field, N_("Cette date est trop ancienne (avant 2000)."));
}

int visit_validate(store *st, store_visit *v, int64_t now, field_errors *e)
{
	size_t before = e->n;
	ctx x = {.st = st, .a = arena_new(VISIT_SCRATCH_BYTES), .e = e, .communes = -1};

	if (v->site_id <= 0)
		field_error_add(e, "site_id", N_("Choisissez le lieu d'accueil."));
	validate_time(e, "started_at", v->started_at, now, N_("Indiquez la date et l'heure de l'accueil."),
	              N_("La date de l'accueil ne peut pas être dans le futur."));
	if (!code_ok(&ENUM_CHANNEL, &v->channel))
		field_error_add(e, "channel", N_("Choisissez le canal d'accueil."));
	check_text(e, "place", text(&v->place), LIMIT_NAME_BYTES, 0,
	           N_("Le lieu est trop long (200 caractères au plus)."));
	if (v->duration_min < 0 || v->duration_min > VISIT_MAX_DURATION_MIN)
		field_error_add(e, "duration_min",
		                N_("La durée de l'accueil doit être comprise entre 0 et 600 minutes."));

	int year = local_year(v->started_at > 0 ? v->started_at : now);
	validate_visitor(&x, &v->visitor, year);

	if (v->ndemands == 0 || !v->demands)
		field_error_add(e, "demands", N_("Ajoutez au moins une demande."));
	else if (v->ndemands > VISIT_MAX_DEMANDS)
		field_error_add(e, "demands", N_("Une visite compte au plus 10 demandes."));
	else {
		int64_t total = 0;
		for (size_t i = 0; i < v->ndemands; i++) {
			validate_demand(&x, &v->demands[i], i);
			total += v->demands[i].duration_min;
		}
		/* Without a duration of its own, the visit lasts as long as its
		 * demands together. */
		if (v->duration_min == 0 && total > 0 && total <= VISIT_MAX_DURATION_MIN)
			v->duration_min = total;
	}
	arena_free(x.a);
	return x.store_failed ? VISIT_STORE_TROUBLE : e->n > before ? -1 : 0;
}

int visit_in_correction_window(int64_t created_at, int64_t correction_days, int64_t now)
{
	if (correction_days <= 0)
		return 0;
	return now >= created_at && now - created_at <= correction_days * 86400;
}

int workshop_validate(store *st, store_workshop *w, int64_t now, field_errors *e)
{
	size_t before = e->n;
	arena *a = arena_new(VISIT_SCRATCH_BYTES);
	if (w->site_id <= 0)
		field_error_add(e, "site_id", N_("Choisissez le lieu d'accueil."));
	store_topic *topics = NULL;
	size_t ntopics = 0;
	int found = 0;
	if (*text(&w->topic_code)) {
		if (store_topic_list(st, a, 0, &topics, &ntopics) != STORE_OK)
			field_error_add(
			    e, NULL, N_("La saisie n'a pas pu être vérifiée : réessayez dans un instant."));
		for (size_t i = 0; i < ntopics; i++)
			found |= strcmp(topics[i].code, w->topic_code) == 0;
	}
	if (!found)
		field_error_add(e, "topic_code", N_("Choisissez le thème de l'atelier."));
	if (!code_ok(&ENUM_WORKSHOP_LEVEL, &w->level))
		field_error_add(e, "level", N_("Choisissez le niveau de l'atelier."));
	validate_time(e, "held_at", w->held_at, now, N_("Indiquez la date de l'atelier."),
	              N_("La date de l'atelier ne peut pas être dans le futur."));
	if (w->duration_min < 0 || w->duration_min > VISIT_MAX_DURATION_MIN)
		field_error_add(e, "duration_min",
		                N_("La durée de l'atelier doit être comprise entre 0 et 600 minutes."));
	if (w->participants < 1 || w->participants > VISIT_MAX_PARTICIPANTS)
		field_error_add(e, "participants",
		                N_("Le nombre de participants doit être compris entre 1 et 500."));
	int64_t sum = 0, bad = 0;
	for (size_t i = 0; i < COUNT(w->by_gender); i++) {
		bad |= w->by_gender[i] < 0 || w->by_gender[i] > VISIT_MAX_PARTICIPANTS;
		sum += w->by_gender[i];
	}
	if (bad || sum > w->participants)
		field_error_add(e, "by_gender",
		                N_("Les effectifs par genre dépassent le nombre de participants."));
	sum = bad = 0;
	for (size_t i = 0; i < COUNT(w->by_age); i++) {
		bad |= w->by_age[i] < 0 || w->by_age[i] > VISIT_MAX_PARTICIPANTS;
		sum += w->by_age[i];
	}
	if (bad || sum > w->participants)
		field_error_add(e, "by_age",
		                N_("Les effectifs par tranche d'âge dépassent le nombre de participants."));
	check_text(e, "note", text(&w->note), VISIT_NOTE_BYTES, 1,
	           N_("La note est trop longue (500 caractères au plus)."));
	arena_free(a);
	return e->n > before ? -1 : 0;
}
