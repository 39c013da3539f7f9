/*
 * bal.c: the reader of the Base Adresse Locale CSV (bal.h). One record is
 * split into fields in buffers on the stack, checked, then given to the
 * caller: nothing is allocated, and no row is given after an error.
 */
#include <stdio.h>
#include <string.h>

#include "address/bal.h"

/* The columns the reader knows, in the order of cols[]. */
enum col {
	C_UID,
	C_CLE,
	C_INSEE,
	C_COMMUNE,
	C_DELEGUEE_INSEE,
	C_DELEGUEE_NOM,
	C_VOIE,
	C_LIEUDIT,
	C_NUMERO,
	C_SUFFIXE,
	C_POSITION,
	C_LONG,
	C_LAT,
	C_SOURCE,
	C_DATE,
	C_CERTIFICATION,
	NCOLS
};

static const struct {
	const char *name;
	int required;
} cols[NCOLS] = {
    {"uid_adresse", 0},
    {"cle_interop", 1},
    {"commune_insee", 1},
    {"commune_nom", 1},
    {"commune_deleguee_insee", 0},
    {"commune_deleguee_nom", 0},
    {"voie_nom", 1},
    {"lieudit_complement_nom", 0},
    {"numero", 1},
    {"suffixe", 0},
    {"position", 0},
    {"long", 0},
    {"lat", 0},
    {"source", 0},
    {"date_der_maj", 0},
    {"certification_commune", 0},
};

/* The longest suffix: "quinquies". */
#define BAL_SUFFIX_CHARS 9

typedef struct reader {
	const char *p, *end;
	size_t line; /* of the next character */
	char *err;
	size_t errlen;
} reader;

typedef struct record {
	size_t line; /* where it starts */
	size_t n;
	char field[BAL_MAX_COLUMNS][BAL_FIELD_BYTES];
} record;

static int fail(reader *rd, size_t line, const char *what, const char *detail)
{
	snprintf(rd->err, rd->errlen, "line %zu: %s%s%s", line, what, detail ? ": " : "",
	         detail ? detail : "");
	return -1;
}

/* 1 when s is valid UTF-8 (no overlong form, no surrogate) without a
 * control character. */
static int text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		size_t n;
		unsigned cp;
		if (c < 0x20 || c == 0x7F)
			return 0;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3Fu);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0x80 && cp <= 0x9F))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Reads one record. 1 when one was read, 0 at the end of the data, -1
 * after an error. Blank lines are skipped. */
static int read_record(reader *rd, record *rec)
{
	while (rd->p < rd->end && (*rd->p == '\n' || *rd->p == '\r')) {
		if (*rd->p == '\n')
			rd->line++;
		rd->p++;
	}
	if (rd->p >= rd->end)
		return 0;
	rec->line = rd->line;
	rec->n = 0;
	for (;;) {
		if (rec->n >= BAL_MAX_COLUMNS)
			return fail(rd, rec->line, "too many fields", NULL);
		char *f = rec->field[rec->n++];
		size_t o = 0;
		int quoted = rd->p < rd->end && *rd->p == '"';
		if (quoted)
			rd->p++;
		for (;;) {
			if (rd->p >= rd->end) {
				if (quoted)
					return fail(rd, rec->line, "a quote is not closed", NULL);
				break;
			}
			char c = *rd->p;
			if (quoted && c == '"') {
				if (rd->p + 1 < rd->end && rd->p[1] == '"') {
					rd->p++;
				} else {
					rd->p++;
					quoted = 0;
					if (rd->p < rd->end && *rd->p != ';' && *rd->p != '\n' &&
					    *rd->p != '\r')
						return fail(rd, rec->line, "text after a closing quote",
						            NULL);
					continue;
				}
			} else if (!quoted && (c == ';' || c == '\n' || c == '\r')) {
				break;
			} else if (!quoted && c == '"') {
				return fail(rd, rec->line,
				            "a quote inside a field that does not start with one", NULL);
			}
			if (c == '\n')
				rd->line++;
			if (o + 1 >= BAL_FIELD_BYTES)
				return fail(rd, rec->line, "a field is too long", NULL);
			f[o++] = c;
			rd->p++;
		}
		f[o] = '\0';
		if (rd->p < rd->end && *rd->p == ';') {
			rd->p++;
			continue;
		}
		/* End of the record: "\n", "\r\n" or the end of the data. */
		if (rd->p < rd->end && *rd->p == '\r')
			rd->p++;
		if (rd->p < rd->end && *rd->p == '\n') {
			rd->p++;
			rd->line++;
		}
		return 1;
	}
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
	while (s[i] == ' ')
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
}

static int insee_ok(const char *s)
{
	if (strlen(s) != 5)
		return 0;
	int corsica = s[0] == '2' && (s[1] == 'A' || s[1] == 'B' || s[1] == 'a' || s[1] == 'b');
	for (int i = 0; i < 5; i++)
		if (!(s[i] >= '0' && s[i] <= '9') && !(corsica && i == 1))
			return 0;
	return 1;
}

/* Maps the header's columns to the known ones: idx[c] is the field's
 * position, or -1. */
static int read_header(reader *rd, record *rec, int idx[NCOLS])
{
	int rc = read_record(rd, rec);
	if (rc <= 0)
		return rc < 0 ? -1 : fail(rd, 1, "the file is empty", NULL);
	for (int c = 0; c < NCOLS; c++)
		idx[c] = -1;
	for (size_t i = 0; i < rec->n; i++) {
		char *name = rec->field[i];
		/* A byte-order mark before the first name. */
		if (i == 0 && (unsigned char)name[0] == 0xEF && (unsigned char)name[1] == 0xBB &&
		    (unsigned char)name[2] == 0xBF)
			memmove(name, name + 3, strlen(name + 3) + 1);
		trim(name);
		for (int c = 0; c < NCOLS; c++)
			if (strcmp(name, cols[c].name) == 0) {
				if (idx[c] >= 0)
					return fail(rd, rec->line, "a column is named twice", name);
				idx[c] = (int)i;
			}
	}
	for (int c = 0; c < NCOLS; c++)
		if (cols[c].required && idx[c] < 0)
			return fail(rd, rec->line, "a required column is missing", cols[c].name);
	return 0;
}

static const char *value(const record *rec, const int idx[NCOLS], int c)
{
	return idx[c] >= 0 ? rec->field[idx[c]] : "";
}

/* Checks one row and fills out; -1 after a message. */
static int read_row(reader *rd, record *rec, size_t ncols, const int idx[NCOLS], bal_row *out)
{
	if (rec->n != ncols) {
		char n[64];
		snprintf(n, sizeof n, "%zu instead of %zu", rec->n, ncols);
		return fail(rd, rec->line, "wrong number of fields", n);
	}
	for (size_t i = 0; i < rec->n; i++) {
		if (!text_ok(rec->field[i]))
			return fail(rd, rec->line, "a field is not UTF-8 text or holds a control character",
			            NULL);
		trim(rec->field[i]);
	}
	for (int c = 0; c < NCOLS; c++)
		if (cols[c].required && !value(rec, idx, c)[0])
			return fail(rd, rec->line, "a required value is empty", cols[c].name);
	memset(out, 0, sizeof *out);
	out->line = rec->line;
	out->uid = value(rec, idx, C_UID);
	out->cle_interop = value(rec, idx, C_CLE);
	out->commune_insee = value(rec, idx, C_INSEE);
	out->commune_nom = value(rec, idx, C_COMMUNE);
	out->deleguee_insee = value(rec, idx, C_DELEGUEE_INSEE);
	out->deleguee_nom = value(rec, idx, C_DELEGUEE_NOM);
	out->voie_nom = value(rec, idx, C_VOIE);
	out->lieudit = value(rec, idx, C_LIEUDIT);
	out->suffixe = value(rec, idx, C_SUFFIXE);
	out->position = value(rec, idx, C_POSITION);
	out->lon = value(rec, idx, C_LONG);
	out->lat = value(rec, idx, C_LAT);
	out->source = value(rec, idx, C_SOURCE);
	out->date_der_maj = value(rec, idx, C_DATE);
	if (!insee_ok(out->commune_insee))
		return fail(rd, rec->line, "commune_insee is not a commune code", out->commune_insee);
	if (out->deleguee_insee[0] && !insee_ok(out->deleguee_insee))
		return fail(rd, rec->line, "commune_deleguee_insee is not a commune code",
		            out->deleguee_insee);
	const char *num = value(rec, idx, C_NUMERO);
	size_t digits = strspn(num, "0123456789");
	if (digits == 0 || digits > 5 || num[digits])
		return fail(rd, rec->line, "numero is not a number", num);
	long v = 0;
	for (size_t i = 0; i < digits; i++)
		v = v * 10 + (num[i] - '0');
	out->toponym = v == 99999;
	out->numero = out->toponym ? 0 : (int)v;
	size_t sl = strlen(out->suffixe);
	for (size_t i = 0; i < sl; i++) {
		char c = out->suffixe[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) || sl > BAL_SUFFIX_CHARS)
			return fail(rd, rec->line, "suffixe is not a suffix (letters: bis, ter, a…)",
			            out->suffixe);
	}
	if (sl && (out->toponym || out->numero == 0))
		return fail(rd, rec->line, "a suffix without a number", out->suffixe);
	const char *cert = value(rec, idx, C_CERTIFICATION);
	if (cert[0] && strcmp(cert, "0") != 0 && strcmp(cert, "1") != 0)
		return fail(rd, rec->line, "certification_commune is neither 0 nor 1", cert);
	out->certifie = strcmp(cert, "1") == 0;
	return 0;
}

long bal_parse(const char *data, size_t len, bal_row_fn fn, void *ctx, char *err, size_t errlen)
{
	static const char none[] = "";
	if (!data)
		len = 0;
	reader rd = {.p = data ? data : none, .line = 1, .err = err, .errlen = errlen};
	rd.end = rd.p + len;
	record head, rec;
	int idx[NCOLS];
	long rows = 0;
	if (err && errlen)
		err[0] = '\0';
	if (read_header(&rd, &head, idx) != 0)
		return -1;
	size_t ncols = head.n;
	int rc;
	while ((rc = read_record(&rd, &rec)) > 0) {
		bal_row row;
		if (read_row(&rd, &rec, ncols, idx, &row) != 0)
			return -1;
		if (fn && fn(ctx, &row, err, errlen) != 0) {
			if (err && errlen && !err[0])
				fail(&rd, row.line, "refused", NULL);
			return -1;
		}
		rows++;
	}
	return rc < 0 ? -1 : rows;
}
