/*
 * address.h: the postal address of a French delivery point, written as
 * NF Z10-011 wants it, from structured fields or from free text typed by an
 * adviser. Offline and self-contained: the module calls only the C library,
 * allocates nothing, and learns about communes and postcodes only through a
 * lookup the caller supplies (address_lookup), so that it never touches a
 * database.
 *
 * The written address has at most six lines of at most 38 characters, in
 * this order, and empty lines are left out:
 *   1 recipient
 *   2 apartment, floor, staircase, "chez"
 *   3 building, entrance, residence
 *   4 number, suffix (B, T, Q, C or a letter), street type and name
 *   5 lieu-dit, or postal box (BP, CS, TSA, POSTE RESTANTE)
 *   6 postcode and delivery town [CEDEX [nn]]
 * Lines 1 to 3 keep the case and the accents typed. Lines 4 to 6 are written
 * in capitals without accents or punctuation. Street words are abbreviated
 * only when a line would exceed 38 characters, from the end of the line
 * backwards; a line still too long is an error, never cut. A house number is
 * never required, and a lieu-dit alone is a complete address.
 *
 * Every correction is reported as a change, every problem as an error,
 * each with a short explanation in French (a msgid, translated by the
 * caller). Lines are only written when there is no error.
 *
 * Usage: address_result_init(&r); then address_format(&fields, lookup, &r),
 * or address_from_text(text, len, &fields, &r) followed by address_format
 * (the two append to the same notes), or address_normalise_text for both.
 */
#ifndef GUICHET_ADDRESS_H
#define GUICHET_ADDRESS_H

#include <stddef.h>

/* The standard's limits. */
#define ADDRESS_LINES 6
#define ADDRESS_LINE_CHARS 38
/* Lines 1 to 3 are UTF-8: 38 code points may take four bytes each. */
#define ADDRESS_LINE_BYTES (ADDRESS_LINE_CHARS * 4 + 1)

/* The module's own limits. */
#define ADDRESS_FIELD_BYTES 256 /* one input field, NUL included */
#define ADDRESS_SHORT_BYTES 16  /* number, suffix, postcode, CEDEX office */
#define ADDRESS_NUMBER_DIGITS 5
#define ADDRESS_TEXT_BYTES 1024 /* free text given to address_from_text */
#define ADDRESS_TEXT_PARTS 16   /* lines and comma-separated parts of it */
#define ADDRESS_MAX_CHANGES 32
#define ADDRESS_MAX_ERRORS 16
#define ADDRESS_MAX_PROPOSALS 16
#define ADDRESS_NOTE_BYTES 160 /* before and after values of a note */
#define ADDRESS_NAME_BYTES 96  /* a commune or delivery name from the lookup */

/*
 * The structured input. Every member is a NUL-terminated UTF-8 string,
 * empty when unknown; a member that fills its whole buffer without a NUL is
 * an error. Give either street_type and street ("rue", "des Lilas") or the
 * whole label in street ("rue des Lilas").
 */
typedef struct address_fields {
	char recipient[ADDRESS_FIELD_BYTES];   /* line 1 */
	char complement[ADDRESS_FIELD_BYTES];  /* line 2: apartment, floor, "chez" */
	char building[ADDRESS_FIELD_BYTES];    /* line 3: building, entrance, residence */
	char number[ADDRESS_SHORT_BYTES];      /* digits; "12bis" is split */
	char suffix[ADDRESS_SHORT_BYTES];      /* bis, ter, quater, quinquies, or a letter */
	char street_type[ADDRESS_FIELD_BYTES]; /* optional: "rue", "avenue" */
	char street[ADDRESS_FIELD_BYTES];      /* the name, or the whole label */
	char lieu_dit[ADDRESS_FIELD_BYTES];    /* line 5, or line 4 after a number */
	char postbox[ADDRESS_FIELD_BYTES];     /* "BP 12", "CS 30001", "TSA 12345" */
	char postcode[ADDRESS_SHORT_BYTES];
	char town[ADDRESS_FIELD_BYTES];         /* the delivery town */
	int cedex;                              /* 1: delivered by CEDEX */
	char cedex_office[ADDRESS_SHORT_BYTES]; /* "" or one or two digits */
} address_fields;

/* Which input a note is about (address_field_name gives a stable name). */
enum address_field {
	ADDRESS_F_NONE,
	ADDRESS_F_RECIPIENT,
	ADDRESS_F_COMPLEMENT,
	ADDRESS_F_BUILDING,
	ADDRESS_F_NUMBER,
	ADDRESS_F_SUFFIX,
	ADDRESS_F_STREET,
	ADDRESS_F_LIEU_DIT,
	ADDRESS_F_POSTBOX,
	ADDRESS_F_POSTCODE,
	ADDRESS_F_TOWN,
	ADDRESS_F_CEDEX,
	ADDRESS_F_TEXT /* the free text as a whole */
};

/* Codes of changes: what was corrected. */
enum address_change_code {
	ADDRESS_C_SPACES = 1,   /* repeated or special spaces */
	ADDRESS_C_CAPITALS,     /* lower case on lines 4 to 6 */
	ADDRESS_C_ACCENTS,      /* accents removed */
	ADDRESS_C_LETTERS,      /* œ, æ, ß and the like spelt out */
	ADDRESS_C_PUNCTUATION,  /* punctuation removed from lines 4 to 6 */
	ADDRESS_C_SUFFIX,       /* bis → B, ter → T… */
	ADDRESS_C_NUMBER,       /* leading zeros, "n°" */
	ADDRESS_C_ABBREVIATION, /* one word abbreviated (before → after) */
	ADDRESS_C_POSTCODE,     /* spaces or "F-" removed from the postcode */
	ADDRESS_C_POSTBOX,      /* "B.P. 12", "boîte postale 12" → "BP 12" */
	ADDRESS_C_CEDEX,        /* CEDEX moved to the end of line 6 */
	ADDRESS_C_COUNTRY,      /* "France" is not written */
	ADDRESS_C_TOWN_FROM_POSTCODE,
	ADDRESS_C_POSTCODE_FROM_TOWN,
	ADDRESS_C_DELIVERY_TOWN, /* commune name replaced by its delivery name */
	ADDRESS_C_DELEGATED      /* former commune moved to line 5 */
};

/* Codes of errors: what prevents writing the address. */
enum address_error_code {
	ADDRESS_E_UTF8 = 100,
	ADDRESS_E_CHARACTER, /* not a Latin letter (before: the character) */
	ADDRESS_E_FIELD_TOO_LONG,
	ADDRESS_E_LINE_TOO_LONG, /* line: which one */
	ADDRESS_E_NUMBER,
	ADDRESS_E_SUFFIX,
	ADDRESS_E_SUFFIX_WITHOUT_NUMBER,
	ADDRESS_E_NUMBER_WITHOUT_STREET,
	ADDRESS_E_NO_DELIVERY_POINT, /* no street, lieu-dit nor postal box */
	ADDRESS_E_POSTBOX,
	ADDRESS_E_CEDEX,
	ADDRESS_E_POSTCODE,      /* not five digits */
	ADDRESS_E_POSTCODE_AREA, /* five digits, but no French département */
	ADDRESS_E_POSTCODE_MISSING,
	ADDRESS_E_TOWN_MISSING,
	ADDRESS_E_POSTCODE_UNKNOWN,   /* no commune carries it */
	ADDRESS_E_MISMATCH,           /* postcode and commune disagree */
	ADDRESS_E_TOWN_AMBIGUOUS,     /* several towns for the postcode */
	ADDRESS_E_POSTCODE_AMBIGUOUS, /* several postcodes for the town */
	ADDRESS_E_LOOKUP,             /* the lookup failed */
	ADDRESS_E_TEXT_TOO_LONG,
	ADDRESS_E_TEXT_PART /* a part of the free text not understood */
};

/*
 * A change or an error. msgid is a static French sentence to translate;
 * before and after hold the values involved when there are some (the word
 * and its abbreviation, the typed and the written town, the offending
 * character), cut at a character boundary when longer than the buffer:
 * they are for the explanation, never for the address.
 */
typedef struct address_note {
	int code;  /* ADDRESS_C_* or ADDRESS_E_* */
	int field; /* enum address_field */
	int line;  /* the output line (1 to 6) concerned, or 0 */
	const char *msgid;
	char before[ADDRESS_NOTE_BYTES];
	char after[ADDRESS_NOTE_BYTES];
} address_note;

/*
 * A commune known to the caller's geography under one postcode: the INSEE
 * code ("2A004", "97105"), the official name with its accents, the delivery
 * name La Poste writes on line 6 (capitals without accents; for a commune
 * nouvelle it may be the former commune's name), and, when La Poste writes
 * the former commune (commune déléguée) on line 5, that name, else "".
 */
typedef struct address_place {
	char insee[6];
	char postcode[6];
	char commune[ADDRESS_NAME_BYTES];
	char delivery[ADDRESS_NAME_BYTES];
	char line5[ADDRESS_NAME_BYTES];
} address_place;

/*
 * The caller's geography. Each function writes up to max places into out
 * and returns how many exist in all (which may exceed max), or -1 when the
 * lookup itself failed. by_postcode lists the places carrying a postcode;
 * by_name lists the places whose commune name, delivery name or line-5 name
 * has the key name, as address_name_key writes it ("SAINT JEAN D ANGELY"
 * for "Saint-Jean-d'Angély" and for "ST JEAN D ANGELY"): the caller keys
 * its own names the same way.
 */
typedef struct address_lookup {
	void *ctx;
	int (*by_postcode)(void *ctx, const char *postcode, address_place *out, size_t max);
	int (*by_name)(void *ctx, const char *name, address_place *out, size_t max);
} address_lookup;

/* Where a postcode points (address_postcode_area). */
enum address_area {
	ADDRESS_AREA_METRO = 1,    /* 01 to 95 except 20 */
	ADDRESS_AREA_CORSICA,      /* 20xxx: 2A or 2B */
	ADDRESS_AREA_OVERSEAS,     /* 971 to 974, 976: départements d'outre-mer */
	ADDRESS_AREA_COLLECTIVITY, /* 975, 977, 978, 984, 986 to 988 */
	ADDRESS_AREA_MONACO        /* 980xx, served by La Poste */
};

/*
 * The outcome of a normalisation. lines holds the n_lines non-empty lines
 * in order, and line_no the standard's number (1 to 6) of each. changes and
 * errors are bounded; notes beyond the bounds are counted in
 * notes_dropped. proposals holds the places offered when the postcode and
 * the town need a choice. insee and departement name the commune when the
 * lookup matched it ("2A" or "2B" in Corsica come from its INSEE code),
 * else departement is guessed from the postcode and insee is "".
 */
typedef struct address_result {
	size_t n_lines;
	char lines[ADDRESS_LINES][ADDRESS_LINE_BYTES];
	int line_no[ADDRESS_LINES];
	size_t n_changes;
	address_note changes[ADDRESS_MAX_CHANGES];
	size_t n_errors;
	address_note errors[ADDRESS_MAX_ERRORS];
	size_t notes_dropped;
	size_t n_proposals;
	address_place proposals[ADDRESS_MAX_PROPOSALS];
	char insee[6];
	char departement[4];
} address_result;

/* Empties r: no line, no note, no proposal. */
void address_result_init(address_result *r);

/*
 * Writes the address of f into r->lines, checking the postcode and the
 * town with lookup when it is not NULL (CEDEX codes are not checked: they
 * belong to no commune). Appends its changes and errors to r. Returns 0,
 * or -1 when r holds any error (then n_lines is 0).
 */
int address_format(const address_fields *f, const address_lookup *lookup, address_result *r);

/*
 * Splits free text (len bytes, lines or comma-separated parts) into f,
 * which it empties first: recipient, "chez", apartment and floor, building
 * and residence, number, suffix and street, lieu-dit, postal box, postcode,
 * town and CEDEX. Parts it cannot place are errors, never dropped in
 * silence. Appends its notes to r; returns 0, or -1 after an error.
 */
int address_from_text(const char *text, size_t len, address_fields *f, address_result *r);

/* address_result_init, address_from_text, then address_format when the
 * text could be split. 0, or -1 with the errors in r. */
int address_normalise_text(const char *text, size_t len, const address_lookup *lookup, address_result *r);

/*
 * Folds UTF-8 text to the form of lines 4 to 6: Latin letters in capitals
 * without accents (œ → OE, æ → AE, ß → SS), digits kept, punctuation and
 * white space as single spaces, trimmed. Writes at most n bytes with the
 * NUL. Returns 0, or -1 when the text is not UTF-8, holds a character that
 * cannot be folded (Cyrillic, Arabic…), or does not fit.
 */
int address_fold(const char *in, char *out, size_t n);

/*
 * The area of a five-digit postcode, and its département into dep ("75",
 * "2A", "2B", "971"…; in Corsica a guess from the postcode, which the INSEE
 * code of the commune settles). -1 when it is not five digits or no
 * département has it.
 */
int address_postcode_area(const char *postcode, char dep[4]);

/*
 * The key under which names of communes are compared: folded as by
 * address_fold, with the words ST and STE written out SAINT and SAINTE, as
 * La Poste abbreviates them in many delivery names. Writes "" when the name
 * cannot be folded or the key does not fit in n bytes.
 */
void address_name_key(const char *name, char *out, size_t n);

/* The département of an INSEE commune code ("2A004" → "2A", "97105" →
 * "971", "75056" → "75"); -1 when it is not one. */
int address_insee_departement(const char *insee, char dep[4]);

/* A stable English name for a field, for JSON ("recipient", "town"…). */
const char *address_field_name(int field);

#endif
