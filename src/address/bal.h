/*
 * bal.h: the reader of the national "Base Adresse Locale" CSV format
 * (schemas 1.3 and 1.4), the file in which a commune publishes its named
 * roads and numbered addresses. A pure parser: it calls only the C library,
 * reads text the caller holds, and hands each row to a callback.
 *
 * The file is UTF-8 (a byte-order mark is skipped), separated by ';',
 * fields optionally quoted with '"' ("" inside for a quote). The first line
 * names the columns; their order is free. Required: cle_interop,
 * commune_insee, commune_nom, voie_nom, numero. Read when present:
 * uid_adresse, commune_deleguee_insee, commune_deleguee_nom,
 * lieudit_complement_nom, suffixe, position, long, lat, source,
 * date_der_maj, certification_commune. Other columns (x, y,
 * cad_parcelles, the identifiers id_ban_* and the translations
 * voie_nom_xxx of 1.4) are accepted and ignored. numero 99999 is the
 * convention for a named place without a number (a lieu-dit): it is given
 * as 0 with toponym set.
 *
 * Every error names its line in the file (the first line is 1), in
 * English: the messages are for the command line.
 */
#ifndef GUICHET_BAL_H
#define GUICHET_BAL_H

#include <stddef.h>

#define BAL_FIELD_BYTES 512 /* one field, NUL included */
#define BAL_MAX_COLUMNS 64
#define BAL_ERR_BYTES 256

typedef struct bal_row {
	size_t line; /* where the row starts in the file */
	const char *uid, *cle_interop, *commune_insee, *commune_nom, *deleguee_insee, *deleguee_nom,
	    *voie_nom, *lieudit, *suffixe, *position, *lon, *lat, *source, *date_der_maj;
	int numero;  /* 0 to 99998; 0 with toponym for a place without number */
	int toponym; /* numero was 99999 */
	int certifie;
} bal_row;

/* Called for each row; returns 0 to go on, or -1 to stop (the callback
 * writes its reason into err, errlen bytes). */
typedef int (*bal_row_fn)(void *ctx, const bal_row *row, char *err, size_t errlen);

/*
 * Reads the len bytes of data. Returns the number of rows read (each given
 * to fn), or -1 with a message naming the line in err: a header without a
 * required column, a row with too many or too few fields, a field too long,
 * not UTF-8 or holding a control character, an unterminated quote, an empty
 * required value, a commune code that is not one, a numero that is not a
 * number, a suffix that is not letters, a certification that is not 0 or
 * 1, or the callback's refusal.
 */
long bal_parse(const char *data, size_t len, bal_row_fn fn, void *ctx, char *err, size_t errlen);

#endif
