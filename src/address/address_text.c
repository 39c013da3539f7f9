/*
 * address_text.c: the text tools of the address module: UTF-8 decoding,
 * the folding of French Latin letters to the capitals without accents of
 * lines 4 to 6, the cleaning of lines 1 to 3, the table of standard
 * abbreviations (NF Z10-011 and La Poste's list of street types and
 * titles) and the recording of changes and errors.
 */
#include <string.h>

#include "address/address_text.h"

/* Sentences of the notes that folding produces, shared by every field. */
static const char *const MSG_ACCENTS = N_("Les accents sont retirés des trois dernières lignes.");
static const char *const MSG_CAPITALS = N_("Les trois dernières lignes s'écrivent en capitales.");
static const char *const MSG_LETTERS =
    N_("Les lettres liées (œ, æ) et ß s'écrivent en deux lettres (OE, AE, SS).");
static const char *const MSG_PUNCT =
    N_("La ponctuation est remplacée par des espaces dans les trois dernières lignes.");
static const char *const MSG_SPACES = N_("Les espaces en trop sont retirés.");
static const char *const MSG_UTF8 = N_("Ce texte contient des octets qui ne sont pas de l'UTF-8 valide.");
static const char *const MSG_CHARACTER =
    N_("Ce caractère n'est pas une lettre latine : il ne peut pas être écrit dans une adresse postale.");
static const char *const MSG_FIELD_TOO_LONG = N_("Ce champ est trop long.");
static const char *const MSG_ABBREVIATION =
    N_("Ce mot est abrégé pour que la ligne tienne en 38 caractères.");

int32_t address_utf8_next(const char *s, size_t n, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = n - *i, len;
	int32_t cp;
	if (p[0] < 0x80) {
		*i += 1;
		return p[0];
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		len = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		len = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		*i += 1;
		return -1;
	}
	if (left < len) {
		*i += 1;
		return -1;
	}
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80) {
			*i += 1;
			return -1;
		}
		cp = (cp << 6) | (p[k] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF)) {
		*i += 1;
		return -1;
	}
	*i += len;
	return cp;
}

size_t address_utf8_chars(const char *s)
{
	size_t n = strlen(s), i = 0, count = 0;
	while (i < n) {
		address_utf8_next(s, n, &i);
		count++;
	}
	return count;
}

/* Writes cp as UTF-8 (or as U+XXXX when it would not be visible) into
 * out, which holds 16 bytes. */
static void describe_cp(int32_t cp, char out[16])
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp < 0) {
		unsigned v = cp < 0 ? 0xFFFD : (unsigned)cp;
		memcpy(out, "U+", 2);
		for (int k = 0; k < 4; k++)
			out[2 + k] = hex[(v >> (12 - 4 * k)) & 0xF];
		out[6] = 0;
	} else if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		o[1] = 0;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		o[2] = 0;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		o[3] = 0;
	} else {
		o[0] = (unsigned char)(0xF0 | (cp >> 18));
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[3] = (unsigned char)(0x80 | (cp & 0x3F));
		o[4] = 0;
	}
}

/*
 * The base letters of U+00C0 to U+00FF, capital and small alike; '*' marks
 * the two signs of the block that are not letters (× and ÷) and '2' the
 * letters spelt with two (Æ, Þ, ß), handled apart.
 */
static const char latin1[65] = "AAAAAA2CEEEEIIIIDNOOOOO*OUUUUY22"
                               "AAAAAA2CEEEEIIIIDNOOOOO*OUUUUY2Y";

/* The base letters of U+0100 to U+017F (Latin Extended-A), in the order of
 * the block; '2' marks Ĳ, ĳ, Œ and œ, spelt with two letters. */
static const char latin_ext_a[129] = "AAAAAA"       /* Ā ā Ă ă Ą ą */
                                     "CCCCCCCC"     /* Ć to č */
                                     "DDDD"         /* Ď ď Đ đ */
                                     "EEEEEEEEEE"   /* Ē to ě */
                                     "GGGGGGGG"     /* Ĝ to ģ */
                                     "HHHH"         /* Ĥ to ħ */
                                     "IIIIIIIIII"   /* Ĩ to ı */
                                     "22"           /* Ĳ ĳ */
                                     "JJKKK"        /* Ĵ ĵ Ķ ķ ĸ */
                                     "LLLLLLLLLL"   /* Ĺ to ł */
                                     "NNNNNNNNN"    /* Ń to ŋ */
                                     "OOOOOO"       /* Ō to ő */
                                     "22"           /* Œ œ */
                                     "RRRRRR"       /* Ŕ to ř */
                                     "SSSSSSSS"     /* Ś to š */
                                     "TTTTTT"       /* Ţ to ŧ */
                                     "UUUUUUUUUUUU" /* Ũ to ų */
                                     "WWYYY"        /* Ŵ ŵ Ŷ ŷ Ÿ */
                                     "ZZZZZZS";     /* Ź to ž, ſ */

/* Whether a code point of Latin Extended-A is a small letter: the block
 * pairs capital and small, but the pairs shift by one in two runs. */
static int ext_a_small(int32_t cp)
{
	if (cp == 0x138 || cp == 0x149 || cp == 0x17F)
		return 1;
	if (cp == 0x178)
		return 0;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return cp % 2 == 0;
	return cp % 2 == 1;
}

static int is_punct_cp(int32_t cp)
{
	switch (cp) {
	case 0xA1: /* ¡ */
	case 0xA8: /* ¨ */
	case 0xAA: /* ª */
	case 0xAB: /* « */
	case 0xAF: /* ¯ */
	case 0xB0: /* ° */
	case 0xB4: /* ´ */
	case 0xB7: /* · */
	case 0xB8: /* ¸ */
	case 0xBA: /* º */
	case 0xBB: /* » */
	case 0xBF: /* ¿ */
	case 0x2B9:
	case 0x2BA:
	case 0x2BB:
	case 0x2BC: /* modifier apostrophes */
	case 0x2032:
	case 0x2033:
	case 0x2039:
	case 0x203A:
		return 1;
	default:
		return cp >= 0x2010 && cp <= 0x2027;
	}
}

int address_cp_fold(int32_t cp, char ascii[3], unsigned *flags)
{
	ascii[0] = ascii[1] = ascii[2] = 0;
	if (cp < 0)
		return ADDRESS_CP_BAD;
	if (cp < 0x80) {
		if (cp >= 'a' && cp <= 'z') {
			ascii[0] = (char)(cp - 'a' + 'A');
			*flags |= ADDRESS_FOLD_CAPITALS;
			return ADDRESS_CP_WORD;
		}
		if ((cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
			ascii[0] = (char)cp;
			return ADDRESS_CP_WORD;
		}
		if (cp == ' ')
			return ADDRESS_CP_SPACE;
		if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f') {
			*flags |= ADDRESS_FOLD_SPACES;
			return ADDRESS_CP_SPACE;
		}
		return cp < 0x20 || cp == 0x7F ? ADDRESS_CP_BAD : ADDRESS_CP_PUNCT;
	}
	if (cp < 0xA0)
		return ADDRESS_CP_BAD;
	if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F || cp == 0x3000) {
		*flags |= ADDRESS_FOLD_SPACES;
		return ADDRESS_CP_SPACE;
	}
	if (cp == 0xAD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF)
		return ADDRESS_CP_IGNORE;
	if (is_punct_cp(cp))
		return ADDRESS_CP_PUNCT;
	if (cp >= 0x300 && cp <= 0x36F) {
		*flags |= ADDRESS_FOLD_ACCENTS;
		return ADDRESS_CP_MARK;
	}
	int small;
	char base;
	if (cp >= 0xC0 && cp <= 0xFF) {
		base = latin1[cp - 0xC0];
		small = cp >= 0xDF;
		if (base == '*')
			return ADDRESS_CP_BAD;
		if (base == '2') {
			/* Æ æ, Þ þ and ß are spelt out, and are not accents. */
			const char *two = cp == 0xDF ? "SS" : (cp == 0xDE || cp == 0xFE) ? "TH" : "AE";
			memcpy(ascii, two, 2);
			*flags |= ADDRESS_FOLD_LETTERS | (small ? ADDRESS_FOLD_CAPITALS : 0);
			return ADDRESS_CP_WORD;
		}
	} else if (cp >= 0x100 && cp <= 0x17F) {
		base = latin_ext_a[cp - 0x100];
		small = ext_a_small(cp);
		if (base == '2') {
			memcpy(ascii, cp <= 0x133 ? "IJ" : "OE", 2);
			*flags |= ADDRESS_FOLD_LETTERS | (small ? ADDRESS_FOLD_CAPITALS : 0);
			return ADDRESS_CP_WORD;
		}
		if (cp == 0x138 || cp == 0x149 || cp == 0x17F) {
			/* ĸ, ŉ and ſ are old letters rather than accented ones. */
			ascii[0] = base;
			*flags |= ADDRESS_FOLD_LETTERS | ADDRESS_FOLD_CAPITALS;
			return ADDRESS_CP_WORD;
		}
	} else if (cp >= 0x218 && cp <= 0x21B) {
		/* Ș ș Ț ț, the Romanian commas below. */
		base = cp <= 0x219 ? 'S' : 'T';
		small = cp % 2 == 1;
	} else {
		return ADDRESS_CP_BAD;
	}
	ascii[0] = base;
	*flags |= ADDRESS_FOLD_ACCENTS | (small ? ADDRESS_FOLD_CAPITALS : 0);
	return ADDRESS_CP_WORD;
}

int address_fold_ex(const char *in, char *out, size_t n, unsigned *flags, char bad[16], int lenient)
{
	size_t len = strlen(in), i = 0, o = 0;
	int pending = 0, punct = 0, special = 0, run = 0;
	unsigned f = 0;
	if (bad)
		bad[0] = 0;
	if (n == 0)
		return -3;
	out[0] = 0;
	while (i < len) {
		int32_t cp = address_utf8_next(in, len, &i);
		char a[3];
		unsigned cf = 0;
		int c = address_cp_fold(cp, a, &cf);
		if (c == ADDRESS_CP_BAD) {
			if (!lenient) {
				if (bad && cp >= 0)
					describe_cp(cp, bad);
				return cp < 0 ? -1 : -2;
			}
			a[0] = '?';
			a[1] = 0;
			c = ADDRESS_CP_WORD;
		}
		if (c == ADDRESS_CP_SPACE) {
			pending = 1;
			run++;
			special |= (cf & ADDRESS_FOLD_SPACES) != 0;
			continue;
		}
		if (c == ADDRESS_CP_PUNCT) {
			f |= ADDRESS_FOLD_PUNCT;
			pending = punct = 1;
			continue;
		}
		f |= cf;
		if (c != ADDRESS_CP_WORD)
			continue;
		size_t k = strlen(a);
		if (o + (pending && o > 0) + k + 1 > n)
			return -3;
		if (pending && o > 0) {
			if (!punct && (run > 1 || special))
				f |= ADDRESS_FOLD_SPACES;
			out[o++] = ' ';
		}
		pending = punct = special = run = 0;
		memcpy(out + o, a, k);
		o += k;
		out[o] = 0;
	}
	if (flags)
		*flags |= f;
	return 0;
}

/* Signs lines 1 to 3 may hold although they do not fold: the rest of
 * Latin-1 (§, ©…), Latin Extended-B and Latin Extended Additional. */
static int free_line_extra(int32_t cp)
{
	return (cp >= 0xA1 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF);
}

int address_clean_free(const char *in, char *out, size_t n, unsigned *flags, char bad[16])
{
	size_t len = strlen(in), i = 0, o = 0;
	int pending = 0, special = 0, run = 0;
	unsigned f = 0;
	if (bad)
		bad[0] = 0;
	if (n == 0)
		return -3;
	out[0] = 0;
	while (i < len) {
		size_t at = i;
		int32_t cp = address_utf8_next(in, len, &i);
		char a[3];
		unsigned cf = 0;
		int c = address_cp_fold(cp, a, &cf);
		if (cp < 0)
			return -1;
		if (c == ADDRESS_CP_BAD && !free_line_extra(cp)) {
			if (bad)
				describe_cp(cp, bad);
			return -2;
		}
		if (c == ADDRESS_CP_IGNORE)
			continue;
		if (c == ADDRESS_CP_SPACE) {
			pending = 1;
			run++;
			special |= (cf & ADDRESS_FOLD_SPACES) != 0;
			continue;
		}
		size_t k = i - at;
		if (o + (pending && o > 0) + k + 1 > n)
			return -3;
		if (pending && o > 0) {
			if (run > 1 || special)
				f |= ADDRESS_FOLD_SPACES;
			out[o++] = ' ';
		}
		pending = special = run = 0;
		memcpy(out + o, in + at, k);
		o += k;
		out[o] = 0;
	}
	if (flags)
		*flags |= f;
	return 0;
}

int address_fold(const char *in, char *out, size_t n)
{
	return address_fold_ex(in, out, n, NULL, NULL, 0) == 0 ? 0 : -1;
}

/*
 * The standard abbreviations: street types, titles and the words of lines
 * 2 and 3, from the NF Z10-011 annex and La Poste's list of street types.
 * Two-word entries are tried before the single words.
 */
static const struct abbrev {
	const char *word;
	const char *abbr;
} abbrevs[] = {
    {"LIEU DIT", "LD"},
    {"ROND POINT", "RPT"},
    {"GRANDE RUE", "GR"},
    {"TERRE PLEIN", "TPL"},
    {"NOTRE DAME", "ND"},
    {"ZONE INDUSTRIELLE", "ZI"},
    {"ZONE ARTISANALE", "ZA"},
    {"CENTRE COMMERCIAL", "CCAL"},
    /* Street types. */
    {"ALLEE", "ALL"},
    {"ALLEES", "ALL"},
    {"AVENUE", "AV"},
    {"BOULEVARD", "BD"},
    {"CARREFOUR", "CAR"},
    {"CHEMIN", "CHE"},
    {"CHAUSSEE", "CHS"},
    {"CORNICHE", "COR"},
    {"COURS", "CRS"},
    {"DOMAINE", "DOM"},
    {"DESCENTE", "DSC"},
    {"ECART", "ECA"},
    {"ESPLANADE", "ESP"},
    {"FAUBOURG", "FG"},
    {"HAMEAU", "HAM"},
    {"HALLE", "HLE"},
    {"IMPASSE", "IMP"},
    {"LIEUDIT", "LD"},
    {"LOTISSEMENT", "LOT"},
    {"MARCHE", "MAR"},
    {"MONTEE", "MTE"},
    {"PASSAGE", "PAS"},
    {"PLACE", "PL"},
    {"PLAINE", "PLN"},
    {"PLATEAU", "PLT"},
    {"PROMENADE", "PRO"},
    {"PARVIS", "PRV"},
    {"QUARTIER", "QUA"},
    {"QUAI", "QU"},
    {"RESIDENCE", "RES"},
    {"RESIDENCES", "RES"},
    {"RUELLE", "RLE"},
    {"ROCADE", "ROC"},
    {"ROUTE", "RTE"},
    {"SENTIER", "SEN"},
    {"SENTE", "SEN"},
    {"SQUARE", "SQ"},
    {"TRAVERSE", "TRA"},
    {"VILLA", "VLA"},
    {"VILLAGE", "VLGE"},
    /* Titles and common words of names. */
    {"SAINT", "ST"},
    {"SAINTE", "STE"},
    {"GENERAL", "GAL"},
    {"MARECHAL", "MAL"},
    {"DOCTEUR", "DR"},
    {"PROFESSEUR", "PR"},
    {"PRESIDENT", "PDT"},
    {"COMMANDANT", "CDT"},
    {"CAPITAINE", "CNE"},
    {"LIEUTENANT", "LT"},
    {"COLONEL", "COL"},
    {"ADJUDANT", "ADJ"},
    {"SERGENT", "SGT"},
    {"MONSEIGNEUR", "MGR"},
    {"INGENIEUR", "ING"},
    {"MADAME", "MME"},
    {"MADEMOISELLE", "MLLE"},
    {"MAITRE", "ME"},
    {"GRAND", "GD"},
    {"GRANDE", "GDE"},
    {"PETIT", "PT"},
    {"PETITE", "PTE"},
    {"ANCIEN", "ANC"},
    {"ANCIENNE", "ANC"},
    /* Words of lines 2 and 3. */
    {"BATIMENT", "BAT"},
    {"APPARTEMENT", "APP"},
    {"ESCALIER", "ESC"},
    {"ETAGE", "ETG"},
    {"IMMEUBLE", "IMM"},
    {"ENTREE", "ENT"},
};

static const char *abbrev_of(const char *key)
{
	for (size_t i = 0; i < sizeof abbrevs / sizeof abbrevs[0]; i++)
		if (strcmp(abbrevs[i].word, key) == 0)
			return abbrevs[i].abbr;
	return NULL;
}

int address_is_street_type(const char *key)
{
	static const char *const types[] = {
	    "RUE",     "AVENUE",      "AV",       "BOULEVARD", "BD",       "BLD",       "ROUTE",
	    "RTE",     "CHEMIN",      "CHE",      "IMPASSE",   "IMP",      "PLACE",     "PL",
	    "ALLEE",   "ALLEES",      "ALL",      "QUAI",      "COURS",    "CRS",       "SQUARE",
	    "SQ",      "PASSAGE",     "FAUBOURG", "FG",        "CHAUSSEE", "CHS",       "HAMEAU",
	    "HAM",     "LOTISSEMENT", "LOT",      "QUARTIER",  "ROND",     "RPT",       "SENTIER",
	    "SENTE",   "VOIE",        "VENELLE",  "VILLA",     "CITE",     "PROMENADE", "ESPLANADE",
	    "PARVIS",  "RUELLE",      "TRAVERSE", "MONTEE",    "DESCENTE", "CARREFOUR", "CORNICHE",
	    "DOMAINE", "PLATEAU",     "ROCADE",   "CLOS",      "MAIL",     "TERRASSE",  "RAMPE",
	    "PONT",    "DIGUE",       "ECART",
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i], key) == 0)
			return 1;
	return 0;
}

/* Copies at most n-1 bytes of s into out, cutting between characters. */
static void copy_cut(char *out, size_t n, const char *s)
{
	size_t len = 0, total = s ? strlen(s) : 0;
	while (len < total) {
		size_t next = len;
		address_utf8_next(s, total, &next);
		if (next > n - 1)
			break;
		len = next;
	}
	if (len)
		memcpy(out, s, len);
	out[len] = 0;
}

static void note_add(address_note *v, size_t *count, size_t max, size_t *dropped, int code, int field,
                     int line, const char *msgid, const char *before, const char *after)
{
	address_note t;
	t.code = code;
	t.field = field;
	t.line = line;
	t.msgid = msgid;
	copy_cut(t.before, sizeof t.before, before);
	copy_cut(t.after, sizeof t.after, after);
	for (size_t i = 0; i < *count; i++)
		if (v[i].code == code && v[i].field == field && v[i].line == line && v[i].msgid == msgid &&
		    strcmp(v[i].before, t.before) == 0 && strcmp(v[i].after, t.after) == 0)
			return;
	if (*count == max) {
		(*dropped)++;
		return;
	}
	v[(*count)++] = t;
}

void address_change(address_result *r, int code, int field, int line, const char *msgid, const char *before,
                    const char *after)
{
	note_add(r->changes, &r->n_changes, ADDRESS_MAX_CHANGES, &r->notes_dropped, code, field, line, msgid,
	         before, after);
}

void address_error(address_result *r, int code, int field, int line, const char *msgid, const char *before,
                   const char *after)
{
	note_add(r->errors, &r->n_errors, ADDRESS_MAX_ERRORS, &r->notes_dropped, code, field, line, msgid,
	         before, after);
}

void address_fold_notes(address_result *r, unsigned flags, int field, int line)
{
	if (flags & ADDRESS_FOLD_CAPITALS)
		address_change(r, ADDRESS_C_CAPITALS, field, line, MSG_CAPITALS, NULL, NULL);
	if (flags & ADDRESS_FOLD_ACCENTS)
		address_change(r, ADDRESS_C_ACCENTS, field, line, MSG_ACCENTS, NULL, NULL);
	if (flags & ADDRESS_FOLD_LETTERS)
		address_change(r, ADDRESS_C_LETTERS, field, line, MSG_LETTERS, NULL, NULL);
	if (flags & ADDRESS_FOLD_PUNCT)
		address_change(r, ADDRESS_C_PUNCTUATION, field, line, MSG_PUNCT, NULL, NULL);
	if (flags & ADDRESS_FOLD_SPACES)
		address_change(r, ADDRESS_C_SPACES, field, line, MSG_SPACES, NULL, NULL);
}

void address_fold_error(address_result *r, int rc, int field, int line, const char *bad)
{
	if (rc == -1)
		address_error(r, ADDRESS_E_UTF8, field, line, MSG_UTF8, NULL, NULL);
	else if (rc == -2)
		address_error(r, ADDRESS_E_CHARACTER, field, line, MSG_CHARACTER, bad, NULL);
	else if (rc == -3)
		address_error(r, ADDRESS_E_FIELD_TOO_LONG, field, line, MSG_FIELD_TOO_LONG, NULL, NULL);
}

/* The abbreviation abbr written in the case of word: capitals, a capital
 * then small letters, or small letters. */
static void match_case(const char *word, size_t len, const char *abbr, char out[16])
{
	size_t i = 0, k = 0;
	int small = 0, first_capital = 0;
	while (i < len) {
		char a[3];
		unsigned f = 0;
		int first = i == 0;
		if (address_cp_fold(address_utf8_next(word, len, &i), a, &f) != ADDRESS_CP_WORD)
			continue;
		if (f & ADDRESS_FOLD_CAPITALS)
			small = 1;
		else if (first)
			first_capital = 1;
	}
	for (; k < 15 && abbr[k]; k++) {
		char c = abbr[k];
		out[k] =
		    small && !(first_capital && k == 0) && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[k] = 0;
}

#define MAX_WORDS 64

int address_abbreviate(char *line, size_t n, address_result *r, int field, int line_no)
{
	struct word {
		size_t at, len, chars;
		char key[24];
		char rep[16]; /* the abbreviation, or "" */
		int gone;     /* taken into the previous word's abbreviation */
	} w[MAX_WORDS];
	size_t nw = 0, chars = address_utf8_chars(line), len = strlen(line);
	if (chars <= ADDRESS_LINE_CHARS)
		return 0;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && line[j] != ' ')
			j++;
		if (j > i) {
			if (nw == MAX_WORDS)
				return -1;
			struct word *x = &w[nw++];
			char tmp[ADDRESS_FIELD_BYTES];
			x->at = i;
			x->len = j - i;
			x->rep[0] = 0;
			x->gone = 0;
			x->key[0] = 0;
			if (x->len < sizeof tmp) {
				memcpy(tmp, line + i, x->len);
				tmp[x->len] = 0;
				x->chars = address_utf8_chars(tmp);
				/* A word with punctuation inside is not a word of
				 * the table. */
				if (address_fold_ex(tmp, x->key, sizeof x->key, NULL, NULL, 0) != 0 ||
				    strchr(x->key, ' '))
					x->key[0] = 0;
			} else {
				x->chars = x->len;
			}
		}
		i = j + 1;
	}
	for (size_t i = nw; i-- > 0 && chars > ADDRESS_LINE_CHARS;) {
		const char *abbr = NULL;
		if (i > 0 && w[i - 1].key[0] && w[i].key[0]) {
			char pair[sizeof w[0].key * 2];
			memcpy(pair, w[i - 1].key, strlen(w[i - 1].key));
			pair[strlen(w[i - 1].key)] = ' ';
			strcpy(pair + strlen(w[i - 1].key) + 1, w[i].key);
			abbr = abbrev_of(pair);
		}
		if (abbr) {
			struct word *a = &w[i - 1];
			char before[ADDRESS_FIELD_BYTES];
			size_t blen = w[i].at + w[i].len - a->at;
			memcpy(before, line + a->at, blen);
			before[blen] = 0;
			match_case(line + a->at, a->len, abbr, a->rep);
			w[i].gone = 1;
			chars -= a->chars + 1 + w[i].chars - strlen(abbr);
			address_change(r, ADDRESS_C_ABBREVIATION, field, line_no, MSG_ABBREVIATION, before,
			               a->rep);
			i--;
			continue;
		}
		abbr = w[i].key[0] ? abbrev_of(w[i].key) : NULL;
		if (!abbr)
			continue;
		char before[ADDRESS_FIELD_BYTES];
		memcpy(before, line + w[i].at, w[i].len);
		before[w[i].len] = 0;
		match_case(line + w[i].at, w[i].len, abbr, w[i].rep);
		chars -= w[i].chars - strlen(abbr);
		address_change(r, ADDRESS_C_ABBREVIATION, field, line_no, MSG_ABBREVIATION, before, w[i].rep);
	}
	char out[ADDRESS_FIELD_BYTES];
	size_t o = 0;
	for (size_t i = 0; i < nw; i++) {
		const char *s = w[i].rep[0] ? w[i].rep : line + w[i].at;
		size_t k = w[i].rep[0] ? strlen(w[i].rep) : w[i].len;
		if (w[i].gone)
			continue;
		if (o + 1 + k >= sizeof out || o + 1 + k >= n)
			return -1;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, s, k);
		o += k;
	}
	out[o] = 0;
	memcpy(line, out, o + 1);
	return chars <= ADDRESS_LINE_CHARS ? 0 : -1;
}
