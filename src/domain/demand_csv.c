/*
 * demand_csv.c: the columns of the accompaniment CSV file (docs/csv.md),
 * the import (header mapping, grouping rows into visits, cells into a
 * store_visit, every problem tied to a line and a column). The export is
 * in demand_csv_export.c.
 */
#include "domain/demand_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "domain/access.h"
#include "domain/demand_csv_impl.h"
#include "vocab/enums.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "domain/visit.h"
#include "domain/site.h"

/* S_VISIT: the visit and its visitor, the same on every row of a visit;
 * S_DEMAND: one demand; S_EXPORT: written for readers, ignored on import
 * (the site is chosen by id). */
enum scope { S_VISIT, S_DEMAND, S_EXPORT };

static const struct column {
	const char *heading; /* the conseillers numériques' heading where it means the same */
	const char *alias;   /* the store's name, also accepted as a heading */
	enum scope scope;
} columns[NCOLS] = {
    [C_REF] = {"visit_ref", "visit_ref", S_VISIT},
    [C_DATE] = {"Date", "date", S_VISIT},
    [C_TIME] = {"Heure", "time", S_VISIT},
    [C_SITE] = {"Identifiant du lieu", "site_id", S_VISIT},
    [C_SITE_NAME] = {"Nom du lieu", "site_name", S_EXPORT},
    [C_SITE_INSEE] = {"Code Insee", "site_commune_insee", S_EXPORT},
    [C_SITE_COMMUNE] = {"Commune", "site_commune", S_EXPORT},
    [C_SITE_POSTCODE] = {"Code postal", "site_postcode", S_EXPORT},
    [C_AGENT] = {"Conseiller (e-mail)", "agent_email", S_VISIT},
    [C_CHANNEL] = {"Canaux d'accompagnement", "channel", S_VISIT},
    [C_PLACE] = {"Lieu de passage", "place", S_VISIT},
    [C_VISIT_DURATION] = {"Durée de la visite (min)", "visit_duration_min", S_VISIT},
    [C_OPERATOR] = {"Opérateur", "operator_code", S_DEMAND},
    [C_THEME] = {"Thématique(s)", "theme_code", S_DEMAND},
    [C_PROCEDURE_ID] = {"Code démarche", "procedure_id", S_DEMAND},
    [C_PROCEDURE] = {"Nom de la démarche administrative", "procedure", S_DEMAND},
    [C_LEVEL] = {"Niveau d'intervention", "level", S_DEMAND},
    [C_MANDATE] = {"Mandat", "mandate_type", S_DEMAND},
    [C_MANDATE_REF] = {"Référence du mandat", "mandate_ref", S_DEMAND},
    [C_AUTONOMY] = {"Niveau d'autonomie", "autonomy", S_DEMAND},
    [C_EQUIPMENT] = {"Matériel", "equipment", S_DEMAND},
    [C_INTERPRETING] = {"Interprétariat", "interpreting", S_DEMAND},
    [C_INTERPRETING_LANG] = {"Langue d'interprétariat", "interpreting_lang", S_DEMAND},
    [C_DURATION] = {"Durée (min)", "duration_min", S_DEMAND},
    [C_OUTCOME] = {"Issue", "outcome", S_DEMAND},
    [C_REFERRED] = {"Bénéficiaire réorienté", "referred", S_DEMAND},
    [C_REFERRAL] = {"Structure de redirection", "referral_type", S_DEMAND},
    [C_NOTE] = {"Note", "note", S_DEMAND},
    [C_GENDER] = {"Genre", "gender", S_VISIT},
    [C_AGE] = {"Tranche d'âge", "age_bracket", S_VISIT},
    [C_BIRTH_YEAR] = {"Année de naissance", "birth_year", S_VISIT},
    [C_STATUS] = {"Statut", "social_status", S_VISIT},
    [C_RESIDENCE] = {"Commune de résidence (code Insee)", "commune_insee", S_VISIT},
    [C_BARRIERS] = {"Freins numériques", "barriers", S_VISIT},
    [C_PUBLICS] = {"Publics particuliers", "publics", S_VISIT},
    [C_LANGUAGES] = {"Langues", "languages", S_VISIT},
    [C_DISABILITIES] = {"Handicaps", "disabilities", S_VISIT},
};

/* Columns of other tools' exports that carry nothing Guichet records. */
static const char *const ignored_headings[] = {"Type"};

/* Columns without which no row could be valid: said once, on the header.
 * The operator and the theme may come from a procedure of the catalog. */
static const enum col required_cols[] = {C_DATE, C_CHANNEL, C_LEVEL, C_OUTCOME};
static const enum col operator_cols[] = {C_OPERATOR, C_THEME};

/* The fields of visit_validate (visit.h) and the columns that feed them. */
struct field_col {
	const char *field;
	enum col col;
};

/* clang-format off */
static const struct field_col visit_fields[] = {
	{"started_at", C_DATE}, {"site_id", C_SITE}, {"agent_id", C_AGENT}, {"channel", C_CHANNEL},
	{"place", C_PLACE}, {"duration_min", C_VISIT_DURATION}, {"age_bracket", C_AGE},
	{"birth_year", C_BIRTH_YEAR}, {"gender", C_GENDER}, {"social_status", C_STATUS},
	{"commune_insee", C_RESIDENCE}, {"no_phone", C_BARRIERS}, {"no_email", C_BARRIERS},
	{"no_device", C_BARRIERS}, {"no_internet", C_BARRIERS}, {"allophone", C_PUBLICS},
	{"illiteracy", C_PUBLICS}, {"very_precarious", C_PUBLICS}, {"languages", C_LANGUAGES},
	{"disabilities", C_DISABILITIES},
};

static const struct field_col demand_fields[] = {
	{"operator_code", C_OPERATOR}, {"theme_code", C_THEME}, {"procedure_id", C_PROCEDURE_ID},
	{"procedure_text", C_PROCEDURE}, {"level", C_LEVEL}, {"mandate_type", C_MANDATE},
	{"mandate_ref", C_MANDATE_REF}, {"autonomy", C_AUTONOMY}, {"equipment", C_EQUIPMENT},
	{"interpreting", C_INTERPRETING}, {"interpreting_lang", C_INTERPRETING_LANG},
	{"outcome", C_OUTCOME}, {"referral_type", C_REFERRAL}, {"duration_min", C_DURATION},
	{"note", C_NOTE},
};
/* clang-format on */

/* Codes of the two columns of yes/no flags, in the order of the store's
 * fields. */
const char *const demand_csv_barrier_codes[4] = {"sans_telephone", "sans_email", "sans_equipement",
                                                 "sans_internet"};
const char *const demand_csv_public_codes[3] = {"allophone", "illettrisme", "grande_precarite"};

static const char MSG_EMPTY[] = N_("Le fichier est vide : la première ligne doit nommer les colonnes.");
static const char MSG_UNKNOWN_COLUMN[] = N_("Colonne inconnue.");
static const char MSG_REPEATED_COLUMN[] = N_("Cette colonne apparaît deux fois.");
static const char MSG_MISSING_COLUMN[] = N_("Colonne obligatoire absente.");
static const char MSG_NCOLS[] = N_("Cette ligne n'a pas autant de colonnes que la ligne d'en-tête.");
static const char MSG_TOO_MANY_ROWS[] =
    N_("Le fichier a trop de lignes : découpez-le en plusieurs fichiers.");
static const char MSG_UNKNOWN_VALUE[] = N_("Valeur inconnue.");
static const char MSG_REPEATED_VALUE[] = N_("Valeur répétée.");
static const char MSG_INTEGER[] = N_("Nombre entier attendu.");
static const char MSG_NO_ROWS[] =
    N_("Le fichier n'a aucune ligne après la ligne d'en-tête : il n'y a rien à importer.");
static const char MSG_RANGE[] = N_("Nombre hors des limites permises.");
static const char MSG_NO_SUCH_HOUR[] =
    N_("Cette heure n'existe pas ce jour-là : l'heure sautée au passage à l'heure d'été.");
static const char MSG_INSEE[] =
    N_("Code INSEE inconnu : il a 5 caractères et commence par le numéro d'un département "
       "(par exemple 35238, ou 2A004 en Corse).");
static const char MSG_DURATION_SUM[] =
    N_("Durée de la visite vide alors que ses demandes durent ensemble plus de 600 minutes : "
       "indiquez la durée de la visite ou corrigez celles des demandes.");
static const char MSG_DATE[] = N_("Date invalide (écrivez AAAA-MM-JJ ou JJ/MM/AAAA).");
static const char MSG_TIME[] = N_("Heure invalide (écrivez HH:MM).");
static const char MSG_REQUIRED[] = N_("Valeur obligatoire.");
static const char MSG_NO_SITE[] = N_("Lieu inconnu.");
/* One message for an address without an account and for the account of
 * someone who does not record at the site, so that the import never tells
 * whether an address has an account (docs/access.md). */
static const char MSG_NO_AGENT[] =
    N_("Aucun compte qui enregistre les visites de ce lieu n'a cette adresse e-mail.");
static const char MSG_AGENT_SITE[] =
    N_("Le conseiller de ces visites n'enregistre pas de visites dans ce lieu.");
static const char MSG_YES_NO[] = N_("Écrivez Oui ou Non.");
static const char MSG_REFERRED[] =
    N_("Ne correspond pas à l'issue (seule l'issue « oriente » est une réorientation).");
static const char MSG_DIFFERS[] = N_("Diffère de la première ligne de la même visite.");
static const char MSG_SPLIT_VISIT[] =
    N_("Les lignes d'une même visite doivent se suivre ; cette référence a déjà servi "
       "plus haut.");
static const char MSG_TOO_MANY_DEMANDS[] = N_("Une visite compte au plus 10 demandes.");

/* ---- errors ------------------------------------------------------------- */

void demand_csv_errors_init(demand_csv_errors *e, arena *a)
{
	memset(e, 0, sizeof *e);
	e->a = a;
}

/* Values are shown as found, cut to a readable length. */
#define SHOWN_VALUE_BYTES 120

static const char *show(arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n <= SHOWN_VALUE_BYTES)
		return arena_strdup(a, s);
	while (n > SHOWN_VALUE_BYTES - 3 || (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80))
		n--; /* not in the middle of a character */
	char *c = arena_printf(a, "%.*s…", (int)n, s);
	return c;
}

static void add_error(demand_csv_errors *e, uint64_t line, const char *column, const char *msgid,
                      const char *value, const char *expected)
{
	e->total++;
	if (e->n >= LIMIT_IMPORT_ERRORS)
		return;
	if (!e->v) {
		e->v = arena_alloc(e->a, LIMIT_IMPORT_ERRORS * sizeof *e->v);
		if (!e->v)
			return;
	}
	/* Copied: the rows they come from do not outlive the visit. */
	e->v[e->n++] = (demand_csv_error){line, column, msgid, show(e->a, value),
	                                  expected ? arena_strdup(e->a, expected) : NULL};
}

/* ---- the set of visit references already closed ------------------------- */

/* Open addressing over FNV-1a: a file of 500,000 single-row visits stays
 * linear. */
typedef struct refset {
	char **keys;
	size_t n, cap; /* cap is a power of two, at least twice n */
} refset;

static size_t slot(const refset *r, const char *key)
{
	uint64_t h = 1469598103934665603u;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	size_t i = (size_t)h & (r->cap - 1);
	while (r->keys[i] && strcmp(r->keys[i], key) != 0)
		i = (i + 1) & (r->cap - 1);
	return i;
}

/* Adds key; 1 when it was there already. */
static int refset_add(refset *r, const char *key)
{
	if (r->cap && r->keys[slot(r, key)])
		return 1;
	if (2 * (r->n + 1) > r->cap) {
		refset old = *r;
		r->cap = old.cap ? 2 * old.cap : 1024;
		r->keys = xcalloc(r->cap, sizeof *r->keys);
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				r->keys[slot(r, old.keys[i])] = old.keys[i];
		free(old.keys);
	}
	r->keys[slot(r, key)] = xstrdup(key);
	r->n++;
	return 0;
}

static void refset_free(refset *r)
{
	for (size_t i = 0; i < r->cap; i++)
		free(r->keys[i]);
	free(r->keys);
}

/* ---- import ------------------------------------------------------------- */

/* One row, its cells copied (trimmed, apostrophe guard removed); "" for the
 * columns the file does not have. */
struct row {
	uint64_t line;
	int bad; /* already found malformed: no further checks */
	char *cell[NCOLS];
};

struct cache_entry {
	char *key;
	int64_t site; /* an account's: the site it was asked for */
	int64_t id;   /* 0: known not to exist, or not to be credited at site */
};

struct demand_csv_import {
	store *st;
	csv_reader *csv;
	demand_csv_options o;
	demand_csv_errors *e;
	int map[LIMIT_CSV_COLUMNS]; /* file column → enum col, or -1 */
	size_t ncols;
	int has[NCOLS];
	arena *ref;  /* reference data, for the whole import */
	arena *cur;  /* rows of the visit being built */
	arena *next; /* the row read ahead, which starts the next visit */
	struct row *ahead;
	int ended;
	refset refs;
	store_operator *ops;
	size_t nops;
	store_theme *themes;
	size_t nthemes;
	store_procedure *procs;
	size_t nprocs;
	const char *expected_ops, *expected_themes;
	struct {
		const enum_def *d;
		const char *codes;
	} expected[16];
	size_t nexpected;
	struct cache_entry sites[64], agents[64];
	size_t nsites, nagents;
	/* The account the options give every visit (or those whose cell is
	 * empty), checked against each visit's site. */
	store_user fixed;
	uint64_t rows, visits;
	/* Per visit: columns of each row that already have an error, so that
	 * visit_validate's message on the same cell is not said twice. */
	unsigned char flagged[VISIT_MAX_DEMANDS][NCOLS];
};

#define ARENA_ROWS ((size_t)4 * 1024 * 1024)
/* One record looked up in the store (a site, an account). */
#define LOOKUP_ARENA_BYTES ((size_t)64 * 1024)

/* "a, b, c" from a list of codes, for messages. */
static const char *join_codes(arena *a, const char *const *codes, size_t n, size_t stride)
{
	buf b;
	buf_init(&b, 8192);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&b, ", ");
		buf_puts(&b, *(const char *const *)((const char *)codes + i * stride));
	}
	const char *s = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return s;
}

/* The codes of a vocabulary, for messages; built once per import. */
static const char *enum_expected(demand_csv_import *im, const enum_def *d)
{
	size_t i = 0;
	while (i < im->nexpected && im->expected[i].d != d)
		i++;
	if (i == im->nexpected) {
		if (i == COUNT(im->expected))
			return NULL;
		im->expected[i].d = d;
		im->expected[i].codes = join_codes(im->e->a, &d->items[0].code, d->n, sizeof d->items[0]);
		im->nexpected++;
	}
	return im->expected[i].codes;
}

/* A problem of the cell of column c on the visit's row ri; the first one
 * found for a cell is the one said. */
static void cell_error(demand_csv_import *im, const struct row *r, size_t ri, enum col c, const char *msgid,
                       const char *value, const char *expected)
{
	if (ri < VISIT_MAX_DEMANDS) {
		if (im->flagged[ri][c])
			return;
		im->flagged[ri][c] = 1;
	}
	add_error(im->e, r->line, columns[c].heading, msgid, value && *value ? value : NULL, expected);
}

/* The lower-case form of the UTF-8 character at *p, advancing *p: ASCII
 * letters, and the accented capitals of French (À to Þ, Œ), whose small
 * letter is 32 code points higher, or the next one for Œ. */
static unsigned fold_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned cp = s[0];
	size_t len = 1;
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		len = 2;
	}
	*p = s + len;
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp == 0x152)
		return 0x153;
	return cp;
}

/* Headings are matched without regard to case, accented capitals
 * included ("TRANCHE D'ÂGE" is "Tranche d'âge"). */
static int heading_is(const char *h, const char *name)
{
	const unsigned char *a = (const unsigned char *)h, *b = (const unsigned char *)name;
	while (*a && *b)
		if (fold_next(&a) != fold_next(&b))
			return 0;
	return *a == '\0' && *b == '\0';
}

static int read_header(demand_csv_import *im)
{
	csv_record rec;
	int rc = csv_read(im->csv, &rec);
	if (rc <= 0) {
		uint64_t line;
		const char *why = csv_error(im->csv, &line);
		add_error(im->e, rc < 0 ? line : 1, NULL, rc < 0 ? why : MSG_EMPTY, NULL, NULL);
		return -1;
	}
	size_t before = im->e->total;
	im->ncols = rec.n;
	for (size_t i = 0; i < rec.n; i++) {
		const char *h = str_trim(rec.fields[i]);
		im->map[i] = -1;
		int c = -1;
		for (int k = 0; k < NCOLS && c < 0; k++)
			if (heading_is(h, columns[k].heading) || heading_is(h, columns[k].alias))
				c = k;
		int ignored = 0;
		for (size_t k = 0; k < COUNT(ignored_headings); k++)
			ignored |= heading_is(h, ignored_headings[k]);
		if (c < 0 && !ignored) {
			add_error(
			    im->e, rec.line, NULL, MSG_UNKNOWN_COLUMN, h,
			    "visit_ref, Date, Heure, Canaux d'accompagnement, Opérateur… (docs/csv.md)");
		} else if (c >= 0 && im->has[c]) {
			add_error(im->e, rec.line, columns[c].heading, MSG_REPEATED_COLUMN, NULL, NULL);
		} else if (c >= 0 && columns[c].scope != S_EXPORT) {
			im->has[c] = 1;
			im->map[i] = c;
		}
	}
	for (size_t k = 0; k < COUNT(required_cols); k++)
		if (!im->has[required_cols[k]])
			add_error(im->e, rec.line, columns[required_cols[k]].heading, MSG_MISSING_COLUMN,
			          NULL, NULL);
	for (size_t k = 0; k < COUNT(operator_cols) && !im->has[C_PROCEDURE] && !im->has[C_PROCEDURE_ID]; k++)
		if (!im->has[operator_cols[k]])
			add_error(im->e, rec.line, columns[operator_cols[k]].heading, MSG_MISSING_COLUMN,
			          NULL, NULL);
	if (!im->o.site_id && !im->has[C_SITE])
		add_error(im->e, rec.line, columns[C_SITE].heading, MSG_MISSING_COLUMN, NULL, NULL);
	return im->e->total == before ? 0 : -1;
}

static int load_reference(demand_csv_import *im)
{
	int64_t fixed = im->o.agent_id ? im->o.agent_id : im->o.default_agent_id;
	/* An account gone since leaves fixed empty, which may record nowhere. */
	if (fixed && store_user_get(im->st, im->ref, fixed, &im->fixed) != STORE_OK)
		memset(&im->fixed, 0, sizeof im->fixed);
	if (store_operator_list(im->st, im->ref, 0, &im->ops, &im->nops) != STORE_OK ||
	    store_theme_list(im->st, im->ref, &im->themes, &im->nthemes) != STORE_OK ||
	    store_procedure_list(im->st, im->ref, 0, &im->procs, &im->nprocs) != STORE_OK)
		return -1;
	/* The active operators only: those are the ones to suggest. */
	const char **active = arena_alloc(im->ref, (im->nops + 1) * sizeof *active);
	size_t n = 0;
	for (size_t i = 0; active && i < im->nops; i++)
		if (im->ops[i].active)
			active[n++] = im->ops[i].code;
	im->expected_ops = active ? join_codes(im->e->a, active, n, sizeof *active) : NULL;
	im->expected_themes = im->nthemes ? join_codes(im->e->a, (const char *const *)&im->themes[0].code,
	                                               im->nthemes, sizeof *im->themes)
	                                  : NULL;
	return 0;
}

int demand_csv_import_open(demand_csv_import **out, store *st, csv_reader *csv, const demand_csv_options *o,
                           demand_csv_errors *e)
{
	demand_csv_import *im = xcalloc(1, sizeof *im);
	im->st = st;
	im->csv = csv;
	im->o = *o;
	im->e = e;
	im->ref = arena_new((size_t)LIMIT_ARENA_BYTES);
	*out = NULL;
	if (load_reference(im) != 0) {
		add_error(e, 0, NULL, N_("Le catalogue des opérateurs et des démarches n'a pas pu être lu."),
		          NULL, NULL);
		demand_csv_import_close(im);
		return -1;
	}
	if (read_header(im) != 0) {
		demand_csv_import_close(im);
		return -1;
	}
	*out = im;
	return 0;
}

void demand_csv_import_close(demand_csv_import *im)
{
	if (!im)
		return;
	for (size_t i = 0; i < im->nsites; i++)
		free(im->sites[i].key);
	for (size_t i = 0; i < im->nagents; i++)
		free(im->agents[i].key);
	refset_free(&im->refs);
	arena_free(im->ref);
	arena_free(im->cur);
	arena_free(im->next);
	free(im);
}

uint64_t demand_csv_import_rows(const demand_csv_import *im)
{
	return im->rows;
}

uint64_t demand_csv_import_visits(const demand_csv_import *im)
{
	return im->visits;
}

/* Reads one record as a row whose cells point into the reader, valid until
 * the next read: 1, 0 at the end, -1 on a fatal error. */
static int read_view(demand_csv_import *im, struct row *r)
{
	csv_record rec;
	int rc = csv_read(im->csv, &rec);
	if (rc < 0) {
		uint64_t line;
		const char *why = csv_error(im->csv, &line);
		add_error(im->e, line, NULL, why, NULL, NULL);
		return -1;
	}
	if (rc == 0)
		return 0;
	if (++im->rows > LIMIT_IMPORT_ROWS) {
		add_error(im->e, rec.line, NULL, MSG_TOO_MANY_ROWS, NULL, NULL);
		return -1;
	}
	r->line = rec.line;
	r->bad = 0;
	for (size_t c = 0; c < NCOLS; c++)
		r->cell[c] = "";
	if (rec.n != im->ncols) {
		add_error(im->e, rec.line, NULL, MSG_NCOLS, arena_printf(im->e->a, "%zu", rec.n),
		          arena_printf(im->e->a, "%zu", im->ncols));
		r->bad = 1;
	}
	for (size_t i = 0; i < rec.n && i < im->ncols; i++)
		if (im->map[i] >= 0)
			r->cell[im->map[i]] = csv_unformula(str_trim(rec.fields[i]));
	return 1;
}

/* A copy of a row read by read_view, in a; NULL when a is full. */
static struct row *row_copy(arena *a, const struct row *v)
{
	struct row *r = arena_alloc(a, sizeof *r);
	if (!r)
		return NULL;
	/* Empty cells share one writable byte of the row: visit_validate
	 * normalises texts in place. */
	char *empty = arena_alloc(a, 1);
	if (!empty)
		return NULL;
	*r = *v;
	for (size_t c = 0; c < NCOLS; c++)
		if (!(r->cell[c] = *v->cell[c] ? arena_strdup(a, v->cell[c]) : empty))
			return NULL;
	return r;
}

/* ---- cells into a store_visit ------------------------------------------- */

/* Checks a code against a vocabulary; "" passes (visit_validate says
 * whether it is required). */
static char *enum_cell(demand_csv_import *im, const struct row *r, size_t ri, enum col c, const enum_def *d)
{
	char *v = r->cell[c];
	if (*v && !enum_valid(d, v))
		cell_error(im, r, ri, c, MSG_UNKNOWN_VALUE, v, enum_expected(im, d));
	return v;
}

/* A list written a|b or a,b, checked against a vocabulary when d is given,
 * returned as the store writes it (a,b). */
static char *list_cell(demand_csv_import *im, arena *a, const struct row *r, size_t ri, enum col c,
                       const enum_def *d)
{
	char *v = arena_strdup(a, r->cell[c]);
	if (!v)
		return "";
	size_t w = 0;
	for (char *tok = v, *end; tok; tok = end) {
		end = tok + strcspn(tok, "|,");
		int last = *end == '\0';
		*end = '\0';
		end = last ? NULL : end + 1;
		str_trim(tok);
		if (!*tok)
			continue;
		if (d && !enum_valid(d, tok)) {
			cell_error(im, r, ri, c, MSG_UNKNOWN_VALUE, tok, enum_expected(im, d));
			continue;
		}
		if (w)
			v[w++] = ',';
		size_t n = strlen(tok);
		memmove(v + w, tok, n);
		w += n;
		v[w] = '\0';
	}
	v[w] = '\0';
	if (d && !enum_list_valid(d, v))
		cell_error(im, r, ri, c, MSG_REPEATED_VALUE, r->cell[c], NULL);
	return v;
}

/* Sets flags[i] for each code of codes[] in the list; others are errors. */
static void flags_cell(demand_csv_import *im, const struct row *r, size_t ri, enum col c,
                       const char *const *codes, size_t n, int **flags)
{
	const char *p = r->cell[c];
	while (*p) {
		size_t len = strcspn(p, "|,");
		char tok[64] = "";
		snprintf(tok, sizeof tok, "%.*s", (int)(len < 63 ? len : 63), p);
		str_trim(tok);
		size_t k = 0;
		while (k < n && strcmp(tok, codes[k]) != 0)
			k++;
		if (k < n)
			*flags[k] = 1;
		else if (*tok)
			cell_error(im, r, ri, c, MSG_UNKNOWN_VALUE, tok,
			           join_codes(im->e->a, codes, n, sizeof *codes));
		p += len;
		if (*p)
			p++;
	}
}

static int64_t int_cell(demand_csv_import *im, const struct row *r, size_t ri, enum col c, int64_t min,
                        int64_t max)
{
	int64_t v = 0;
	if (*r->cell[c] && parse_int64(r->cell[c], min, max, &v) != 0) {
		/* A whole number out of its bounds is not "not a number". */
		int64_t any;
		int whole = parse_int64(r->cell[c], INT64_MIN, INT64_MAX, &any) == 0;
		cell_error(im, r, ri, c, whole ? MSG_RANGE : MSG_INTEGER, r->cell[c],
		           arena_printf(im->e->a, "%lld – %lld", (long long)min, (long long)max));
		v = 0;
	}
	return v;
}

/* "YYYY-MM-DD" or "DD/MM/YYYY" (one-digit day and month too) into iso. */
static int parse_date(const char *s, char iso[11])
{
	unsigned d, m, y;
	int n = 0;
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		snprintf(iso, 11, "%s", s);
		return 0;
	}
	if (sscanf(s, "%2u/%2u/%4u%n", &d, &m, &y, &n) == 3 && s[n] == '\0' && y >= 1000 && y <= 9999) {
		snprintf(iso, 11, "%04u-%02u-%02u", y, m % 100, d % 100);
		return 0;
	}
	return -1;
}

/* "H:MM", "HH:MM", "HH:MM:SS" (seconds dropped) or "14h30" into hm. */
static int parse_time(const char *s, char hm[6])
{
	unsigned h, m, sec;
	int n = 0;
	char sep;
	if (sscanf(s, "%2u%c%2u%n", &h, &sep, &m, &n) != 3 || (sep != ':' && sep != 'h' && sep != 'H'))
		return -1;
	if (s[n] == ':' && sep == ':') {
		int k = 0;
		if (sscanf(s + n + 1, "%2u%n", &sec, &k) != 1 || s[n + 1 + k] != '\0' || sec > 59)
			return -1;
	} else if (s[n] != '\0') {
		return -1;
	}
	if (h > 23 || m > 59 || strlen(s) < 4)
		return -1;
	snprintf(hm, 6, "%02u:%02u", h, m);
	return 0;
}

static int64_t site_of(demand_csv_import *im, const struct row *r)
{
	if (im->o.site_id)
		return im->o.site_id;
	const char *v = r->cell[C_SITE];
	if (!*v) {
		cell_error(im, r, 0, C_SITE, MSG_REQUIRED, NULL, NULL);
		return 0;
	}
	for (size_t i = 0; i < im->nsites; i++)
		if (strcmp(im->sites[i].key, v) == 0) {
			if (!im->sites[i].id)
				cell_error(im, r, 0, C_SITE, MSG_NO_SITE, v, NULL);
			return im->sites[i].id;
		}
	int64_t id = 0;
	store_site site;
	arena *tmp = arena_new(LOOKUP_ARENA_BYTES);
	if (parse_int64(v, 1, INT64_MAX, &id) != 0 || store_site_get(im->st, tmp, id, &site) != STORE_OK)
		id = 0;
	arena_free(tmp);
	if (im->nsites < COUNT(im->sites))
		im->sites[im->nsites++] = (struct cache_entry){xstrdup(v), 0, id};
	if (!id)
		cell_error(im, r, 0, C_SITE, MSG_NO_SITE, v, NULL);
	return id;
}

/* The adviser of a visit at site_id: the options', else the account of the
 * row's e-mail, which must record visits at that site (access.h). */
static int64_t agent_of(demand_csv_import *im, const struct row *r, int64_t site_id)
{
	const char *v = r->cell[C_AGENT];
	if (im->o.agent_id || !*v) {
		/* 0, an adviser no longer known, is allowed for past records. */
		int64_t id = im->o.agent_id ? im->o.agent_id : im->o.default_agent_id;
		if (id && site_id && !access_may_record_at(&im->fixed, site_id))
			cell_error(im, r, 0, C_SITE, MSG_AGENT_SITE, r->cell[C_SITE], NULL);
		return id;
	}
	/* Without a known site the row has its error already, and saying
	 * anything of the address would tell whether it has an account. */
	if (!site_id)
		return 0;
	for (size_t i = 0; i < im->nagents; i++)
		if (im->agents[i].site == site_id && strcasecmp(im->agents[i].key, v) == 0) {
			if (!im->agents[i].id)
				cell_error(im, r, 0, C_AGENT, MSG_NO_AGENT, v, NULL);
			return im->agents[i].id;
		}
	store_user u;
	arena *tmp = arena_new(LOOKUP_ARENA_BYTES);
	int64_t id = store_user_by_email(im->st, tmp, v, &u) == STORE_OK && access_may_record_at(&u, site_id)
	                 ? u.id
	                 : 0;
	arena_free(tmp);
	if (im->nagents < COUNT(im->agents))
		im->agents[im->nagents++] = (struct cache_entry){xstrdup(v), site_id, id};
	if (!id)
		cell_error(im, r, 0, C_AGENT, MSG_NO_AGENT, v, NULL);
	return id;
}

/* Whether the Unix time t reads hm ("HH:MM") on the local clock: a time
 * in the hour skipped in spring does not exist, and the C library would
 * move it by an hour without a word. */
static int local_time_is(int64_t t, const char hm[6])
{
	time_t tt = (time_t)t;
	struct tm tm;
	char got[6];
	if (!localtime_r(&tt, &tm))
		return 0;
	snprintf(got, sizeof got, "%02u:%02u", (unsigned)tm.tm_hour % 24u, (unsigned)tm.tm_min % 60u);
	return strcmp(got, hm) == 0;
}

/* A commune code that no département begins is said so here: the visit's
 * rule would take it for a postcode. */
static void insee_cell(demand_csv_import *im, const struct row *r)
{
	const char *v = r->cell[C_RESIDENCE];
	char up[8];
	size_t n = strlen(v);
	if (!*v || n != 5)
		return;
	for (size_t i = 0; i <= n; i++)
		up[i] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
	if (!site_insee_valid(up) && strspn(up, "0123456789AB") == 5)
		cell_error(im, r, 0, C_RESIDENCE, MSG_INSEE, v, NULL);
}

static void visit_cells(demand_csv_import *im, arena *a, const struct row *r, store_visit *v)
{
	v->site_id = site_of(im, r);
	v->agent_id = agent_of(im, r, v->site_id);
	char iso[11], hm[6] = "00:00";
	if (*r->cell[C_TIME] && parse_time(r->cell[C_TIME], hm) != 0)
		cell_error(im, r, 0, C_TIME, MSG_TIME, r->cell[C_TIME], NULL);
	if (!*r->cell[C_DATE])
		cell_error(im, r, 0, C_DATE, MSG_REQUIRED, NULL, NULL);
	else if (parse_date(r->cell[C_DATE], iso) != 0 || time_parse_local(iso, hm, &v->started_at) != 0)
		cell_error(im, r, 0, C_DATE, MSG_DATE, r->cell[C_DATE], NULL);
	else if (!local_time_is(v->started_at, hm))
		cell_error(im, r, 0, *r->cell[C_TIME] ? C_TIME : C_DATE, MSG_NO_SUCH_HOUR,
		           *r->cell[C_TIME] ? r->cell[C_TIME] : r->cell[C_DATE], NULL);
	v->channel = enum_cell(im, r, 0, C_CHANNEL, &ENUM_CHANNEL);
	v->place = r->cell[C_PLACE];
	v->duration_min = int_cell(im, r, 0, C_VISIT_DURATION, 0, VISIT_MAX_DURATION_MIN);

	store_visitor *p = &v->visitor;
	p->site_id = v->site_id;
	p->gender = enum_cell(im, r, 0, C_GENDER, &ENUM_GENDER);
	p->age_bracket = enum_cell(im, r, 0, C_AGE, &ENUM_AGE);
	p->birth_year = int_cell(im, r, 0, C_BIRTH_YEAR, 1000, 9999);
	p->social_status = enum_cell(im, r, 0, C_STATUS, &ENUM_STATUS);
	p->commune_insee = r->cell[C_RESIDENCE];
	insee_cell(im, r);
	int *barriers[] = {&p->no_phone, &p->no_email, &p->no_device, &p->no_internet};
	flags_cell(im, r, 0, C_BARRIERS, demand_csv_barrier_codes, COUNT(demand_csv_barrier_codes), barriers);
	int *publics[] = {&p->allophone, &p->illiteracy, &p->very_precarious};
	flags_cell(im, r, 0, C_PUBLICS, demand_csv_public_codes, COUNT(demand_csv_public_codes), publics);
	p->languages = list_cell(im, a, r, 0, C_LANGUAGES, NULL);
	p->disabilities = list_cell(im, a, r, 0, C_DISABILITIES, &ENUM_DISABILITY);
	p->full_name = p->phone = p->email = p->consent_reason = "";
}

static int known_code(const char *code, const void *items, size_t n, size_t stride)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(*(char *const *)((const char *)items + i * stride), code) == 0)
			return 1;
	return 0;
}

static void demand_cells(demand_csv_import *im, arena *a, const struct row *r, size_t ri, store_demand *d)
{
	d->operator_code = r->cell[C_OPERATOR];
	if (*d->operator_code && !known_code(d->operator_code, im->ops, im->nops, sizeof *im->ops))
		cell_error(im, r, ri, C_OPERATOR, MSG_UNKNOWN_VALUE, d->operator_code, im->expected_ops);
	d->theme_code = r->cell[C_THEME];
	if (*d->theme_code && !known_code(d->theme_code, im->themes, im->nthemes, sizeof *im->themes))
		cell_error(im, r, ri, C_THEME, MSG_UNKNOWN_VALUE, d->theme_code, im->expected_themes);
	/* A procedure by its number, else by its exact label in the catalog,
	 * else as free text. */
	d->procedure_text = "";
	if (*r->cell[C_PROCEDURE_ID]) {
		d->procedure_id = int_cell(im, r, ri, C_PROCEDURE_ID, 1, INT64_MAX);
	} else if (*r->cell[C_PROCEDURE]) {
		for (size_t i = 0; i < im->nprocs && !d->procedure_id; i++)
			if (strcasecmp(im->procs[i].label, r->cell[C_PROCEDURE]) == 0)
				d->procedure_id = im->procs[i].id;
		if (!d->procedure_id)
			d->procedure_text = r->cell[C_PROCEDURE];
	}
	d->level = enum_cell(im, r, ri, C_LEVEL, &ENUM_LEVEL);
	d->mandate_type = enum_cell(im, r, ri, C_MANDATE, &ENUM_MANDATE);
	d->mandate_ref = r->cell[C_MANDATE_REF];
	d->autonomy = int_cell(im, r, ri, C_AUTONOMY, 1, 3);
	d->equipment = list_cell(im, a, r, ri, C_EQUIPMENT, &ENUM_EQUIPMENT);
	d->interpreting = enum_cell(im, r, ri, C_INTERPRETING, &ENUM_INTERPRETING);
	d->interpreting_lang = r->cell[C_INTERPRETING_LANG];
	d->duration_min = int_cell(im, r, ri, C_DURATION, 0, VISIT_MAX_DURATION_MIN);
	d->outcome = enum_cell(im, r, ri, C_OUTCOME, &ENUM_OUTCOME);
	d->referral_type = enum_cell(im, r, ri, C_REFERRAL, &ENUM_REFERRAL);
	d->note = r->cell[C_NOTE];
	const char *referred = r->cell[C_REFERRED];
	if (*referred) {
		int yes = strcasecmp(referred, "oui") == 0, no = strcasecmp(referred, "non") == 0;
		if (!yes && !no)
			cell_error(im, r, ri, C_REFERRED, MSG_YES_NO, referred, "Oui, Non");
		else if (enum_valid(&ENUM_OUTCOME, d->outcome) && yes != (strcmp(d->outcome, "oriente") == 0))
			cell_error(im, r, ri, C_REFERRED, MSG_REFERRED, referred, NULL);
	}
}

/* Ties one of visit_validate's errors to its row and column. */
static void validate_error(demand_csv_import *im, struct row **rows, size_t n, const field_error *fe)
{
	const struct row *r0 = rows[0];
	unsigned idx;
	int used = 0;
	if (fe->field && sscanf(fe->field, "d%u_%n", &idx, &used) == 1 && used > 0 && idx >= 1 && idx <= n) {
		for (size_t k = 0; k < COUNT(demand_fields); k++)
			if (strcmp(fe->field + used, demand_fields[k].field) == 0) {
				const struct row *r = rows[idx - 1];
				enum col c = demand_fields[k].col;
				cell_error(im, r, idx - 1, c, fe->msgid, r->cell[c], NULL);
				return;
			}
		add_error(im->e, rows[idx - 1]->line, NULL, fe->msgid, NULL, NULL);
		return;
	}
	for (size_t k = 0; fe->field && k < COUNT(visit_fields); k++)
		if (strcmp(fe->field, visit_fields[k].field) == 0) {
			enum col c = visit_fields[k].col;
			cell_error(im, r0, 0, c, fe->msgid, r0->cell[c], NULL);
			return;
		}
	add_error(im->e, r0->line, NULL, fe->msgid, NULL, NULL);
}

/* The cells of the visit and of its visitor must be the same on every row. */
static void check_same(demand_csv_import *im, struct row **rows, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (int c = 0; c < NCOLS; c++)
			if (columns[c].scope == S_VISIT && strcmp(rows[i]->cell[c], rows[0]->cell[c]) != 0)
				cell_error(im, rows[i], i, (enum col)c, MSG_DIFFERS, rows[i]->cell[c],
				           *rows[0]->cell[c] ? rows[0]->cell[c] : NULL);
}

/* Reads the rows of the next visit into rows (their number in *n); rows
 * past VISIT_MAX_DEMANDS are read and counted, not kept. 1, 0, -1. */
static int read_group(demand_csv_import *im, struct row **rows, size_t *n)
{
	struct row view;
	*n = 0;
	arena_free(im->cur);
	im->cur = im->next;
	im->next = arena_new(ARENA_ROWS);
	if (!im->ahead) {
		arena_free(im->cur);
		im->cur = arena_new(ARENA_ROWS);
		int rc = read_view(im, &view);
		if (rc <= 0)
			return rc;
		if (!(im->ahead = row_copy(im->cur, &view)))
			return -1;
	}
	rows[(*n)++] = im->ahead;
	im->ahead = NULL;
	const char *ref = rows[0]->cell[C_REF];
	size_t extra = 0;
	while (*ref && !im->ended) {
		int rc = read_view(im, &view);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			im->ended = 1;
			break;
		}
		if (strcmp(view.cell[C_REF], ref) != 0) {
			if (!(im->ahead = row_copy(im->next, &view)))
				return -1;
			break;
		}
		if (*n < VISIT_MAX_DEMANDS) {
			if (!(rows[(*n)++] = row_copy(im->next, &view)))
				return -1;
		} else if (extra++ == 0) {
			add_error(im->e, view.line, columns[C_REF].heading, MSG_TOO_MANY_DEMANDS, ref, NULL);
		}
	}
	return extra ? 2 : 1;
}

int demand_csv_import_next(demand_csv_import *im, arena *a, store_visit *v, int *valid)
{
	memset(v, 0, sizeof *v);
	*valid = 0;
	if (im->ended && !im->ahead)
		return 0;
	struct row *rows[VISIT_MAX_DEMANDS];
	size_t n;
	size_t before = im->e->total;
	int rc = read_group(im, rows, &n);
	if (rc < 0) {
		im->ended = 1;
		return -1;
	}
	if (rc == 0) {
		im->ended = 1;
		/* A file of headings alone imports nothing: a failure, as the
		 * documentation promises, not a success of 0 visits. */
		if (im->visits == 0 && im->e->total == before)
			add_error(im->e, 2, NULL, MSG_NO_ROWS, NULL, NULL);
		return 0;
	}
	im->visits++;
	memset(im->flagged, 0, sizeof im->flagged);
	const char *ref = rows[0]->cell[C_REF];
	if (*ref && refset_add(&im->refs, ref))
		cell_error(im, rows[0], 0, C_REF, MSG_SPLIT_VISIT, ref, NULL);
	int bad = 0;
	for (size_t i = 0; i < n; i++)
		bad |= rows[i]->bad;
	if (bad)
		return 1; /* columns out of line: nothing more can be said */
	check_same(im, rows, n);
	visit_cells(im, a, rows[0], v);
	v->demands = arena_alloc(a, n * sizeof *v->demands);
	if (!v->demands)
		return -1;
	v->ndemands = n;
	for (size_t i = 0; i < n; i++) {
		v->demands[i].site_id = v->site_id;
		demand_cells(im, a, rows[i], i, &v->demands[i]);
	}
	/* An empty visit duration takes the demands' sum, which must then fit
	 * the visit's bound: kept at 0 it would be a visit of unknown length. */
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v->demands[i].duration_min;
	if (v->duration_min == 0 && sum > VISIT_MAX_DURATION_MIN)
		cell_error(im, rows[0], 0, C_VISIT_DURATION, MSG_DURATION_SUM,
		           rows[0]->cell[C_VISIT_DURATION], NULL);
	field_errors fe = {0};
	if (visit_validate(im->st, v, im->o.now, &fe) != 0)
		for (size_t i = 0; i < fe.n && i < COUNT(fe.v); i++)
			validate_error(im, rows, n, &fe.v[i]);
	*valid = rc == 1 && im->e->total == before;
	return 1;
}

size_t demand_csv_column_count(void)
{
	return NCOLS;
}

const char *demand_csv_column_heading(size_t i)
{
	return i < NCOLS ? columns[i].heading : NULL;
}
