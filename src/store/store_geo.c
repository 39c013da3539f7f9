/*
 * store_geo.c: the official geography (tables regions, departements,
 * communes, commune_postcodes): its loader, which replaces it as a whole in
 * one transaction, and the reads that the recording form and the domain use
 * (a commune by code, by name prefix or by postcode).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"

/* Longest query text kept for a search: no commune name is near it. */
#define GEO_QUERY_BYTES 100

struct store_geo_loader {
	store *s;
	db_conn *c;
	int failed; /* a row failed: the end rolls back whatever it is asked */
};

/* Appends the folded form of one UTF-8 letter of two bytes (b0 b1) to out;
 * returns the bytes written, 0 when the letter has no plain form. Covers
 * Latin-1 and the French ligatures: every letter of commune names. */
static size_t fold2(unsigned char b0, unsigned char b1, char *out)
{
	static const char latin1[] = /* U+00C0 … U+00FF, '\0' where none */
	    "aaaaaa\0ceeeeiiii\0nooooo\0ouuuuy\0\0"
	    "aaaaaa\0ceeeeiiii\0nooooo\0ouuuuy\0y";
	if (b0 == 0xC3 && b1 >= 0x80 && b1 <= 0xBF) {
		unsigned cp = 0xC0u + (b1 - 0x80u);
		if (cp == 0xC6 || cp == 0xE6) { /* Æ æ */
			out[0] = 'a';
			out[1] = 'e';
			return 2;
		}
		if (cp == 0xDF) { /* ß */
			out[0] = out[1] = 's';
			return 2;
		}
		char c = latin1[cp - 0xC0];
		if (!c)
			return 0;
		*out = c;
		return 1;
	}
	if (b0 == 0xC5 && (b1 == 0x92 || b1 == 0x93)) { /* Œ œ */
		out[0] = 'o';
		out[1] = 'e';
		return 2;
	}
	if (b0 == 0xC5 && b1 == 0xB8) { /* Ÿ */
		*out = 'y';
		return 1;
	}
	return 0;
}

/* The searchable form of a name: lower case, accents removed, hyphens and
 * apostrophes (straight or typographic) as single spaces, no space at
 * either end. Other characters are copied. At most max bytes are written;
 * with max >= strlen(in) + 4 nothing is cut. */
static void fold(const char *in, char *out, size_t max)
{
	size_t o = 0;
	int space = 1; /* drops leading spaces and repeats */
	const unsigned char *p = (const unsigned char *)in;
	while (*p && o + 3 < max) {
		char two[2];
		size_t n;
		if (*p == '-' || *p == '\'' || *p == ' ' || *p == '\t') {
			if (!space)
				out[o++] = ' ';
			space = 1;
			p++;
			continue;
		}
		if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99) { /* ’ */
			if (!space)
				out[o++] = ' ';
			space = 1;
			p += 3;
			continue;
		}
		space = 0;
		if (*p >= 'A' && *p <= 'Z') {
			out[o++] = (char)(*p - 'A' + 'a');
			p++;
		} else if (p[0] >= 0xC0 && p[1] && (n = fold2(p[0], p[1], two)) > 0) {
			memcpy(out + o, two, n);
			o += n;
			p += 2;
		} else {
			out[o++] = (char)*p++;
		}
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* Loading */

int store_geo_begin(store *s, store_geo_loader **out)
{
	*out = NULL;
	db_conn *c = db_acquire(s->db);
	if (store_tx_begin(s, c, "geo_load") != STORE_OK) {
		db_release(s->db, c);
		return STORE_ERROR;
	}
	static const char *const wipe[] = {"DELETE FROM commune_postcodes", "DELETE FROM communes",
	                                   "DELETE FROM departements", "DELETE FROM regions"};
	int rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < COUNT(wipe); i++)
		rc = store_run(s, c, "geo_load", wipe[i], NO_PARAMS, NULL) < 0 ? STORE_ERROR : STORE_OK;
	if (rc != STORE_OK) {
		store_tx_end(s, c, "geo_load", rc);
		db_release(s->db, c);
		return STORE_ERROR;
	}
	store_geo_loader *g = xcalloc(1, sizeof *g);
	g->s = s;
	g->c = c;
	*out = g;
	return STORE_OK;
}

/* Records the result of one row: a failure poisons the whole load. */
static int row_done(store_geo_loader *g, int rows)
{
	if (rows > 0)
		return STORE_OK;
	g->failed = 1;
	return rows == 0 ? STORE_ERROR : rows;
}

int store_geo_region(store_geo_loader *g, const char *code, const char *name)
{
	return row_done(g, store_run(g->s, g->c, "geo_region",
	                             "INSERT INTO regions (code, name) VALUES (?, ?) RETURNING code",
	                             PARAMS(P_TEXT(code), P_TEXT(name)), NULL));
}

int store_geo_departement(store_geo_loader *g, const char *code, const char *name, const char *region)
{
	return row_done(
	    g, store_run(g->s, g->c, "geo_departement",
	                 "INSERT INTO departements (code, name, region_code) VALUES (?, ?, ?) RETURNING code",
	                 PARAMS(P_TEXT(code), P_TEXT(name), P_TEXT(region)), NULL));
}

int store_geo_commune(store_geo_loader *g, const store_commune *c)
{
	const char *name = c->name ? c->name : "";
	/* The folded form is never longer than the name; fold wants room for
	 * a letter of two bytes past its end. */
	char *folded = xmalloc(strlen(name) + 4);
	fold(name, folded, strlen(name) + 4);
	int rc = row_done(
	    g, store_run(g->s, g->c, "geo_commune",
	                 "INSERT INTO communes (code, name, name_folded, departement, region, "
	                 "postcodes, population) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING code",
	                 PARAMS(P_TEXT(c->code), P_TEXT(name), P_TEXT(folded), P_TEXT(c->departement),
	                        P_TEXT(c->region), P_TEXT(c->postcodes), P_INT(c->population)),
	                 NULL));
	free(folded);
	/* One row per postcode, for the search by postcode. */
	const char *p = c->postcodes ? c->postcodes : "";
	while (rc == STORE_OK && *p) {
		size_t len = strcspn(p, " ");
		if (len > 0) {
			char pc[16];
			if (len >= sizeof pc) {
				g->failed = 1;
				return STORE_ERROR;
			}
			memcpy(pc, p, len);
			pc[len] = '\0';
			int rows = store_run(g->s, g->c, "geo_postcode",
			                     "INSERT INTO commune_postcodes (postcode, code) VALUES (?, ?) "
			                     "ON CONFLICT DO NOTHING",
			                     PARAMS(P_TEXT(pc), P_TEXT(c->code)), NULL);
			if (rows < 0) {
				g->failed = 1;
				rc = rows;
			}
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	return rc;
}

int store_geo_end(store_geo_loader *g, int ok)
{
	if (!g)
		return STORE_ERROR;
	int commit = ok && !g->failed;
	int rc = store_tx_end(g->s, g->c, "geo_load", commit ? STORE_OK : STORE_ERROR);
	db_release(g->s->db, g->c);
	free(g);
	if (!commit)
		return ok ? STORE_ERROR : STORE_OK;
	return rc;
}

/* Reads */

#define COMMUNE_COLS "code, name, departement, region, postcodes, population"

static int read_commune(db_stmt *st, arena *a, store_commune *o)
{
	int oom = 0;
	o->code = store_col_dup(a, st, 0, &oom);
	o->name = store_col_dup(a, st, 1, &oom);
	o->departement = store_col_dup(a, st, 2, &oom);
	o->region = store_col_dup(a, st, 3, &oom);
	o->postcodes = store_col_dup(a, st, 4, &oom);
	o->population = db_col_int(st, 5);
	return oom ? -1 : 0;
}

int store_commune_get(store *s, arena *a, const char *code, store_commune *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "commune_get", "SELECT " COMMUNE_COLS " FROM communes WHERE code = ?",
	                         PARAMS(P_TEXT(code)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = read_commune(st, a, out) == 0
			         ? STORE_OK
			         : store_fail(s, "commune_get", DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "commune_get", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_commune_search(store *s, arena *a, const char *q, size_t limit, store_commune **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	static const char top[] = "\xF4\x8F\xBF\xBF"; /* U+10FFFF */
	char key[GEO_QUERY_BYTES], upper[GEO_QUERY_BYTES + sizeof top];
	fold(q ? q : "", key, sizeof key);
	if (!key[0])
		return STORE_OK;
	/* Names that start with key sort between key and key followed by the
	 * largest code point, byte by byte: a range the index answers. */
	snprintf(upper, sizeof upper, "%s%s", key, top);
	if (limit == 0 || limit > LIMIT_PAGE_ROWS)
		limit = LIMIT_PAGE_ROWS;

	store_vec v = {.size = sizeof(store_commune)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "commune_search",
	               "SELECT " COMMUNE_COLS " FROM communes WHERE (name_folded >= ? AND name_folded < ?) "
	               "OR code IN (SELECT code FROM commune_postcodes WHERE postcode = ?) "
	               "ORDER BY population DESC, name, code LIMIT ?",
	               PARAMS(P_TEXT(key), P_TEXT(upper), P_TEXT(key), P_INT((int64_t)limit)));
	int rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE;
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
			if (read_commune(st, a, store_vec_push(&v)) != 0)
				rc = store_fail(s, "commune_search", DB_ERROR, "arena full");
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "commune_search", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "commune_search", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

int store_commune_count(store *s, int64_t *n)
{
	*n = 0;
	return store_once(s, "commune_count", "SELECT COUNT(*) FROM communes", NO_PARAMS, n, 0);
}

int store_departement_name(store *s, arena *a, const char *code, char **name)
{
	*name = NULL;
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "departement_name", "SELECT name FROM departements WHERE code = ?",
	                         PARAMS(P_TEXT(code)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			*name = arena_strdup(a, db_col_text(st, 0));
			rc = *name ? STORE_OK : store_fail(s, "departement_name", DB_ERROR, "arena full");
		} else {
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "departement_name", step, db_errmsg(c));
		}
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}
