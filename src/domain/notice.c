/*
 * notice.c: the rules of a site's notices (notice.h): kinds, pictograms,
 * lengths in characters, dates, translations and the public order. No SQL
 * and no HTTP.
 */
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "domain/notice.h"
#include "domain/site.h"

static const struct {
	const char *code, *label;
} kinds[NOTICE_KIND_COUNT] = {
    [NOTICE_FERMETURE] = {"fermeture", NP_("Fermeture")},
    [NOTICE_HORAIRES] = {"horaires", NP_("Horaires")},
    [NOTICE_EVENEMENT] = {"evenement", NP_("Événement")},
    [NOTICE_INFORMATION] = {"information", NP_("Information")},
    [NOTICE_MENTION_LEGALE] = {"mention_legale", NP_("Mention légale")},
};

const char *notice_kind_code(notice_kind k)
{
	return (unsigned)k < NOTICE_KIND_COUNT ? kinds[k].code : NULL;
}

int notice_kind_parse(const char *code)
{
	for (int i = 0; code && i < NOTICE_KIND_COUNT; i++)
		if (strcmp(code, kinds[i].code) == 0)
			return i;
	return -1;
}

const char *notice_kind_label(notice_kind k)
{
	return (unsigned)k < NOTICE_KIND_COUNT ? kinds[k].label : "";
}

/* OpenMoji code points: each one a shape people know without reading. */
static const notice_picto pictos[] = {
    {"1F6AB", N_("Interdit (fermé)")},
    {"1F552", N_("Horloge (horaires)")},
    {"1F4C5", N_("Calendrier (date, événement)")},
    {"2139", N_("Information")},
    {"26A0", N_("Attention")},
    {"2696", N_("Balance (mention légale)")},
    {"1F4E2", N_("Haut-parleur (annonce)")},
    {"1F4DE", N_("Téléphone")},
    {"1F4BB", N_("Ordinateur")},
    {"1F4C4", N_("Document")},
    {"267F", N_("Accessibilité (fauteuil roulant)")},
    {"1F389", N_("Fête")},
    {"1F6A7", N_("Travaux")},
    {"2744", N_("Neige, froid")},
};

const notice_picto *notice_pictos(size_t *n)
{
	*n = COUNT(pictos);
	return pictos;
}

int notice_picto_valid(const char *code)
{
	if (!code || !*code)
		return 1;
	for (size_t i = 0; i < COUNT(pictos); i++)
		if (strcmp(code, pictos[i].code) == 0)
			return 1;
	return 0;
}

size_t notice_chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* The public languages a notice may be translated into (util/i18n.c's
 * known languages but French), with the names of their form fields, which
 * an error keeps (field_errors holds pointers). */
#define LANG(c)                                                                                              \
	{                                                                                                    \
		c, "title_" c, "body_" c                                                                     \
	}
static const struct {
	const char *code, *title_field, *body_field;
} langs[] = {
    LANG("en"), LANG("ar"),  LANG("fa"), LANG("ps"), LANG("uk"), LANG("ru"), LANG("ti"),
    LANG("es"), LANG("pt"),  LANG("ro"), LANG("tr"), LANG("ta"), LANG("bn"), LANG("sq"),
    LANG("ka"), LANG("prs"), LANG("so"), LANG("ku"), LANG("zh"),
};
#undef LANG

static int lang_index(const char *code)
{
	for (size_t i = 0; code && i < COUNT(langs); i++)
		if (strcmp(code, langs[i].code) == 0)
			return (int)i;
	return -1;
}

int notice_lang_valid(const char *code)
{
	return lang_index(code) >= 0;
}

/* Trims and checks one text; adds the error on field. */
static void check_text(char **s, int required, size_t max_chars, int multiline, const char *field,
                       const char *missing, const char *too_long, field_errors *e)
{
	static char empty[1];
	if (!*s)
		*s = empty;
	if (**s)
		site_trim(*s);
	if (!**s) {
		if (required)
			field_error_add(e, field, missing);
		return;
	}
	/* Four bytes a character at most, so the byte check never refuses a
	 * text that is short enough in characters. */
	if (site_text_check(*s, max_chars * 4, multiline) == SITE_TEXT_BAD)
		field_error_add(e, field, N_("Ce texte contient des caractères non autorisés."));
	else if (notice_chars(*s) > max_chars)
		field_error_add(e, field, too_long);
}

static void check_texts(store_notice *n, field_errors *e)
{
	size_t k = 0;
	unsigned seen[COUNT(langs)] = {0};
	for (size_t i = 0; i < n->ntexts; i++) {
		store_notice_text *t = &n->texts[i];
		int li = lang_index(t->lang);
		if (li < 0 || seen[li]) {
			field_error_add(e, "texts",
			                N_("Une traduction vise une langue inconnue ou déjà traduite."));
			continue;
		}
		seen[li] = 1;
		if (!t->title)
			t->title = (char *)"";
		if (!t->body)
			t->body = (char *)"";
		if (*t->title)
			site_trim(t->title);
		if (*t->body)
			site_trim(t->body);
		/* Nothing typed: no translation. */
		if (!*t->title && !*t->body)
			continue;
		check_text(&t->title, 1, NOTICE_TITLE_CHARS, 0, langs[li].title_field,
		           N_("Écrivez aussi le titre traduit, ou effacez le texte traduit."),
		           N_("Le titre traduit est trop long (80 caractères au plus)."), e);
		check_text(&t->body, 0, NOTICE_BODY_CHARS, 1, langs[li].body_field, NULL,
		           N_("Le texte traduit est trop long (500 caractères au plus)."), e);
		n->texts[k++] = *t;
	}
	n->ntexts = k;
}

int notice_validate(store_notice *n, int64_t now, field_errors *e)
{
	size_t before = e->n;
	if (notice_kind_parse(n->kind) < 0)
		field_error_add(e, "kind", N_("Choisissez le type de l'avis."));
	_Static_assert(NOTICE_TITLE_CHARS == 80 && NOTICE_BODY_CHARS == 500, "update the messages");
	check_text(&n->title, 1, NOTICE_TITLE_CHARS, 0, "title", N_("Écrivez le titre de l'avis."),
	           N_("Le titre est trop long (80 caractères au plus)."), e);
	check_text(&n->body, 0, NOTICE_BODY_CHARS, 1, "body", NULL,
	           N_("Le texte est trop long (500 caractères au plus)."), e);
	if (!n->picto)
		n->picto = (char *)"";
	if (!notice_picto_valid(n->picto))
		field_error_add(e, "picto", N_("Choisissez un pictogramme de la liste, ou aucun."));
	if (n->starts_at < NOTICE_OLDEST || n->starts_at > now + NOTICE_MAX_AHEAD_S)
		field_error_add(
		    e, "starts",
		    N_("Indiquez le début : une date (AAAA-MM-JJ) et une heure (HH:MM) dans les cinq ans."));
	if (n->ends_at < NOTICE_OLDEST || n->ends_at > now + NOTICE_MAX_AHEAD_S)
		field_error_add(
		    e, "ends",
		    N_("Indiquez la fin : une date (AAAA-MM-JJ) et une heure (HH:MM) dans les cinq ans."));
	else if (!field_error_for(e, "starts") && n->ends_at <= n->starts_at)
		field_error_add(e, "ends", N_("La fin doit venir après le début."));
	else if (n->ends_at <= now)
		field_error_add(e, "ends", N_("La fin est déjà passée : l'avis ne serait jamais affiché."));
	check_texts(n, e);
	return e->n > before ? -1 : 0;
}

int notice_is_current(const store_notice *n, int64_t now)
{
	return n->starts_at <= now && now < n->ends_at;
}

static int compare(const void *pa, const void *pb)
{
	const store_notice *a = pa, *b = pb;
	int ka = notice_kind_parse(a->kind), kb = notice_kind_parse(b->kind);
	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (a->starts_at != b->starts_at)
		return a->starts_at < b->starts_at ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

void notice_sort(store_notice *v, size_t n)
{
	if (v && n > 1)
		qsort(v, n, sizeof *v, compare);
}

const store_notice_text *notice_text_for(const store_notice *n, const char *code)
{
	for (size_t i = 0; code && i < n->ntexts; i++)
		if (strcmp(n->texts[i].lang, code) == 0)
			return &n->texts[i];
	return NULL;
}
