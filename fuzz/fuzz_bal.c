/* fuzz_bal.c: the Base Adresse Locale reader (address/bal.h) on any bytes:
 * it never crashes, every row it gives holds what bal.h promises (a commune
 * code of five characters, a number in range, text without control
 * characters), a count of rows only when there was no error, and the same
 * answer on a second read. Then the same bytes behind a valid header, so
 * that rows are reached, and the free-text parser of the postal address on
 * the voie_nom of each row. */
#include <stdlib.h>
#include <string.h>

#include "address/address.h"
#include "address/bal.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check_text(const char *s)
{
	if (!s)
		__builtin_trap();
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			__builtin_trap();
	if (strlen(s) >= BAL_FIELD_BYTES)
		__builtin_trap();
}

static int on_row(void *ctx, const bal_row *row, char *err, size_t errlen)
{
	size_t *n = ctx;
	const char *all[] = {
	    row->uid,          row->cle_interop, row->commune_insee, row->commune_nom, row->deleguee_insee,
	    row->deleguee_nom, row->voie_nom,    row->lieudit,       row->suffixe,     row->position,
	    row->lon,          row->lat,         row->source,        row->date_der_maj};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		check_text(all[i]);
	if (strlen(row->commune_insee) != 5 || !row->cle_interop[0] || !row->voie_nom[0])
		__builtin_trap();
	if (row->numero < 0 || row->numero > 99998 || (row->toponym && row->numero != 0) || row->line < 2)
		__builtin_trap();
	address_result r;
	address_normalise_text(row->voie_nom, strlen(row->voie_nom), NULL, &r);
	(*n)++;
	/* Every 50th row is refused: the reader must stop with an error. */
	if (*n % 50 == 0) {
		if (errlen)
			err[0] = '\0';
		return -1;
	}
	return 0;
}

static void once(const char *s, size_t len)
{
	char err[BAL_ERR_BYTES], err2[BAL_ERR_BYTES];
	size_t n1 = 0, n2 = 0;
	long a = bal_parse(s, len, on_row, &n1, err, sizeof err);
	long b = bal_parse(s, len, on_row, &n2, err2, sizeof err2);
	if (a != b || n1 != n2 || (a >= 0 && (size_t)a != n1) || (a < 0 && !err[0]) || strcmp(err, err2) != 0)
		__builtin_trap();
	/* Without a callback, the same verdict (unless the callback refused). */
	long c = bal_parse(s, len, NULL, NULL, err2, sizeof err2);
	if (a >= 0 && c != a)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char head[] = "cle_interop;commune_insee;commune_nom;voie_nom;numero;suffixe;"
	                           "lieudit_complement_nom;certification_commune\n";
	once((const char *)data, size);
	char *s = malloc(sizeof head + size);
	if (!s)
		return 0;
	memcpy(s, head, sizeof head - 1);
	memcpy(s + sizeof head - 1, data, size);
	once(s, sizeof head - 1 + size);
	free(s);
	return 0;
}
