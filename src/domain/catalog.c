/*
 * catalog.c: the rules of the reference data that administrators edit:
 * partner operators, the catalog of procedures, the labels of the themes
 * and the digital-skills topics.
 */
#include <string.h>

#include "domain/catalog.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "domain/site.h"

/* The labels that sql/002_catalog.sql seeds for the 11 service-public themes
 * and the digital-skills topics. They are stored as data (administrators may
 * rename them), and the pages pass them through the catalogs: listed here,
 * xgettext extracts them, so a label left as seeded reads in the visitor's
 * language, while a label an administrator rewrote shows as written. */
static const char *const seeded_labels[] __attribute__((unused)) = {
        N_("Papiers - Élections - Citoyenneté"),
        N_("Famille - Scolarité"),
        N_("Social - Santé"),
        N_("Travail - Formation - Entreprise"),
        N_("Logement"),
        N_("Transports - Mobilité"),
        N_("Argent - Impôts - Consommation"),
        N_("Justice"),
        N_("Étrangers - Europe"),
        N_("Loisirs - Sports - Culture"),
        N_("Associations"),
        N_("Diagnostic numérique"),
        N_("Prendre en main du matériel"),
        N_("Maintenance de matériel"),
        N_("Gérer ses contenus numériques"),
        N_("Navigation sur internet"),
        N_("E-mail"),
        N_("Bureautique"),
        N_("Réseaux sociaux"),
        N_("Santé en ligne"),
        N_("Banque et achats en ligne"),
        N_("Accompagner un professionnel"),
        N_("Insertion professionnelle"),
        N_("Sécurité numérique"),
        N_("Parentalité"),
        N_("Scolarité et numérique"),
        N_("Créer avec le numérique"),
        N_("Culture numérique"),
        N_("Intelligence artificielle"),
        N_("Aide aux démarches administratives"),
};

/* The messages below name these limits in words. */
_Static_assert(LIMIT_NAME_BYTES == 200, "update the messages that say 200 caractères");
_Static_assert(LIMIT_TEXT_BYTES == 2000, "update the messages that say 2000 caractères");

/* An answer deadline longer than a year is a typing mistake. */
#define CATALOG_DEADLINE_MAX 365
#define CATALOG_SCRATCH_BYTES ((size_t)64 * 1024)

static char empty[] = "";

static char *trimmed(char **s)
{
	if (!*s)
		*s = empty;
	site_trim(*s);
	return *s;
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

static int code_valid(const char *c)
{
	size_t n = strlen(c);
	if (n < 2 || n > 32)
		return 0;
	for (; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			return 0;
	return 1;
}

static void check_code(field_errors *e, char **code)
{
	if (!code_valid(trimmed(code)))
		field_error_add(
		    e, "code",
		    N_("Le code doit compter de 2 à 32 caractères : lettres minuscules sans accent, "
		       "chiffres ou _."));
}

int catalog_operator_validate(store_operator *o, field_errors *e)
{
	size_t before = e->n;
	check_code(e, &o->code);
	if (!*trimmed(&o->name))
		field_error_add(e, "name", N_("Indiquez le nom de l'opérateur."));
	else
		check_text(e, "name", o->name, LIMIT_NAME_BYTES, 0,
		           N_("Le nom est trop long (200 caractères au plus)."));
	if (o->deadline_days < 0 || o->deadline_days > CATALOG_DEADLINE_MAX)
		field_error_add(e, "deadline_days",
		                N_("Le délai de réponse doit être compris entre 0 et 365 jours."));
	return e->n > before ? -1 : 0;
}

/* An official link: http or https, a host, no spaces or controls. */
static int url_valid(const char *u)
{
	const char *rest = str_starts(u, "https://") ? u + 8 : str_starts(u, "http://") ? u + 7 : NULL;
	if (!rest || !*rest || *rest == '/')
		return 0;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
			return 0;
	return 1;
}

int catalog_procedure_validate(store *st, store_procedure *p, field_errors *e)
{
	size_t before = e->n;
	arena *a = arena_new(CATALOG_SCRATCH_BYTES);
	if (!*trimmed(&p->label))
		field_error_add(e, "label", N_("Indiquez l'intitulé de la démarche."));
	else
		check_text(e, "label", p->label, LIMIT_NAME_BYTES, 0,
		           N_("L'intitulé est trop long (200 caractères au plus)."));

	store_theme *themes = NULL;
	size_t n = 0;
	int found = 0;
	if (*trimmed(&p->theme_code) && store_theme_list(st, a, &themes, &n) != STORE_OK)
		field_error_add(e, NULL,
		                N_("La saisie n'a pas pu être vérifiée : réessayez dans un instant."));
	for (size_t i = 0; i < n; i++)
		found |= strcmp(themes[i].code, p->theme_code) == 0;
	if (!found)
		field_error_add(e, "theme_code", N_("Choisissez le thème de la démarche."));

	if (*trimmed(&p->operator_code)) {
		store_operator o;
		int rc = store_operator_get(st, a, p->operator_code, &o);
		if (rc == STORE_NOT_FOUND)
			field_error_add(e, "operator_code", N_("Cet opérateur n'existe pas."));
		else if (rc != STORE_OK)
			field_error_add(
			    e, NULL, N_("La saisie n'a pas pu être vérifiée : réessayez dans un instant."));
	}
	if (*trimmed(&p->url) && (strlen(p->url) > LIMIT_TEXT_BYTES || !url_valid(p->url)))
		field_error_add(
		    e, "url",
		    N_("Le lien doit commencer par https:// ou http:// et ne pas contenir d'espace."));
	check_text(e, "documents", trimmed(&p->documents), LIMIT_TEXT_BYTES, 1,
	           N_("La liste des pièces est trop longue (2000 caractères au plus)."));
	arena_free(a);
	return e->n > before ? -1 : 0;
}

/* The label of a theme or a topic: one line, as the forms show it. */
static void check_label(field_errors *e, char **label)
{
	if (!*trimmed(label))
		field_error_add(e, "label", N_("Indiquez l'intitulé."));
	else
		check_text(e, "label", *label, LIMIT_NAME_BYTES, 0,
		           N_("L'intitulé est trop long (200 caractères au plus)."));
}

int catalog_theme_validate(store_theme *t, field_errors *e)
{
	size_t before = e->n;
	check_label(e, &t->label);
	return e->n > before ? -1 : 0;
}

int catalog_topic_validate(store_topic *t, int check_new_code, field_errors *e)
{
	size_t before = e->n;
	if (check_new_code)
		check_code(e, &t->code);
	check_label(e, &t->label);
	return e->n > before ? -1 : 0;
}
