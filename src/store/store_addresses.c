/*
 * store_addresses.c: addresses (store_addresses.h, sql/015_addresses.sql):
 * the places of the geography for the postal address, the communes
 * déléguées, the Base Adresse Locale rows, the "who to tell" checklist and
 * the items done for a visit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store_addresses.h"
#include "store/store_impl.h"

/* Rows read into records of size bytes by fn, copied into the arena. */
static int list_rows(store *s, arena *a, const char *op, const char *sql, const store_param *p, size_t np,
                     int (*fn)(db_stmt *, arena *, void *), size_t size, void **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = size};
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, op, sql, p, np);
	int rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE;
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
			if (fn(st, a, store_vec_push(&v)) != 0)
				rc = store_fail(s, op, DB_ERROR, "arena full");
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, out, n) != 0)
		rc = store_fail(s, op, DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

/* Places */

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static int read_places(store *s, const char *op, const char *sql, const store_param *p, size_t np,
                       store_place *out, size_t max, size_t *total)
{
	*total = 0;
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, op, sql, p, np);
	int rc = STORE_ERROR;
	if (st) {
		int step;
		while ((step = db_step(st)) == DB_ROW) {
			if (*total < max) {
				store_place *o = &out[*total];
				memset(o, 0, sizeof *o);
				copy(o->insee, sizeof o->insee, db_col_text(st, 0));
				copy(o->postcode, sizeof o->postcode, db_col_text(st, 1));
				copy(o->commune, sizeof o->commune, db_col_text(st, 2));
				copy(o->former, sizeof o->former, db_col_text(st, 3));
			}
			(*total)++;
		}
		rc = step == DB_DONE ? STORE_OK : store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_places_by_postcode(store *s, const char *postcode, store_place *out, size_t max, size_t *total)
{
	return read_places(
	    s, "places_by_postcode",
	    "SELECT c.code, p.postcode, c.name, '', 0 FROM commune_postcodes p JOIN communes c ON c.code = "
	    "p.code WHERE p.postcode = ? "
	    "UNION ALL SELECT c.code, p.postcode, c.name, d.name, 1 FROM commune_postcodes p "
	    "JOIN communes c ON c.code = p.code JOIN commune_delegates d ON d.parent = c.code "
	    "WHERE p.postcode = ? AND d.name <> c.name ORDER BY 5, 3, 4",
	    PARAMS(P_TEXT(postcode), P_TEXT(postcode)), out, max, total);
}

int store_places_by_name(store *s, const char *key, store_place *out, size_t max, size_t *total)
{
	return read_places(
	    s, "places_by_name",
	    "SELECT c.code, p.postcode, c.name, '', 0 FROM communes c JOIN commune_postcodes p "
	    "ON p.code = c.code WHERE c.name_folded = ? "
	    "UNION ALL SELECT c.code, p.postcode, c.name, d.name, 1 FROM commune_delegates d "
	    "JOIN communes c ON c.code = d.parent JOIN commune_postcodes p ON p.code = c.code "
	    "WHERE d.name_folded = ? AND d.name <> c.name ORDER BY 5, 2, 3, 4",
	    PARAMS(P_TEXT(key), P_TEXT(key)), out, max, total);
}

int store_delegates_replace(store *s, const store_delegate *v, size_t n)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "delegates_replace");
	if (rc == STORE_OK)
		rc =
		    store_run(s, c, "delegates_replace", "DELETE FROM commune_delegates", NO_PARAMS, NULL) < 0
		        ? STORE_ERROR
		        : STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		int rows = store_run(s, c, "delegates_replace",
		                     "INSERT INTO commune_delegates (code, name, name_folded, parent, kind) "
		                     "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
		                     PARAMS(P_TEXT(v[i].code), P_TEXT(v[i].name), P_TEXT(v[i].name_folded),
		                            P_TEXT(v[i].parent), P_TEXT(v[i].kind)),
		                     NULL);
		if (rows < 0)
			rc = rows;
	}
	rc = store_tx_end(s, c, "delegates_replace", rc);
	db_release(s->db, c);
	return rc;
}

int store_delegates_count(store *s, int64_t *n)
{
	*n = 0;
	return store_once(s, "delegates_count", "SELECT COUNT(*) FROM commune_delegates", NO_PARAMS, n, 0);
}

/* Base Adresse Locale */

/* The communes of a file seen so far: their rows were deleted once. */
#define BAL_COMMUNES_MAX 4096

struct store_bal_loader {
	store *s;
	db_conn *c;
	int failed;
	size_t rows, ncommunes;
	char (*communes)[6];
	char (*names)[STORE_PLACE_NAME_BYTES];
	size_t *counts;
};

int store_bal_begin(store *s, store_bal_loader **out)
{
	*out = NULL;
	db_conn *c = db_acquire(s->db);
	if (store_tx_begin(s, c, "bal_load") != STORE_OK) {
		db_release(s->db, c);
		return STORE_ERROR;
	}
	store_bal_loader *l = xcalloc(1, sizeof *l);
	l->s = s;
	l->c = c;
	l->communes = xcalloc(BAL_COMMUNES_MAX, sizeof *l->communes);
	l->names = xcalloc(BAL_COMMUNES_MAX, sizeof *l->names);
	l->counts = xcalloc(BAL_COMMUNES_MAX, sizeof *l->counts);
	*out = l;
	return STORE_OK;
}

/* The index of the commune in the load, its old rows deleted the first
 * time; -1 on failure. */
static long commune_slot(store_bal_loader *l, const store_bal_row *row)
{
	for (size_t i = 0; i < l->ncommunes; i++)
		if (strcmp(l->communes[i], row->commune_insee) == 0)
			return (long)i;
	if (l->ncommunes >= BAL_COMMUNES_MAX || strlen(row->commune_insee) != 5)
		return -1;
	if (store_run(l->s, l->c, "bal_load", "DELETE FROM bal_addresses WHERE commune_insee = ?",
	              PARAMS(P_TEXT(row->commune_insee)), NULL) < 0)
		return -1;
	copy(l->communes[l->ncommunes], sizeof l->communes[0], row->commune_insee);
	copy(l->names[l->ncommunes], sizeof l->names[0], row->commune_nom);
	return (long)l->ncommunes++;
}

int store_bal_add(store_bal_loader *l, const store_bal_row *r)
{
	if (l->failed)
		return STORE_ERROR;
	long slot = commune_slot(l, r);
	if (slot < 0) {
		l->failed = 1;
		return STORE_ERROR;
	}
	int rows = store_run(
	    l->s, l->c, "bal_load",
	    "INSERT INTO bal_addresses (commune_insee, commune_nom, deleguee_insee, deleguee_nom, voie_nom, "
	    "voie_key, lieudit, lieudit_key, numero, suffixe, cle_interop, uid, position, lon, lat, source, "
	    "date_der_maj, certifie) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    PARAMS(P_TEXT(r->commune_insee), P_TEXT(r->commune_nom), P_TEXT(r->deleguee_insee),
	           P_TEXT(r->deleguee_nom), P_TEXT(r->voie_nom), P_TEXT(r->voie_key), P_TEXT(r->lieudit),
	           P_TEXT(r->lieudit_key), P_INT(r->numero), P_TEXT(r->suffixe), P_TEXT(r->cle_interop),
	           P_TEXT(r->uid), P_TEXT(r->position), P_TEXT(r->lon), P_TEXT(r->lat), P_TEXT(r->source),
	           P_TEXT(r->date_der_maj), P_INT(r->certifie ? 1 : 0)),
	    NULL);
	if (rows < 0) {
		l->failed = 1;
		return rows;
	}
	l->rows++;
	l->counts[slot]++;
	return STORE_OK;
}

int store_bal_end(store_bal_loader *l, int ok, const char *file, int64_t now, size_t *communes, size_t *rows)
{
	if (communes)
		*communes = 0;
	if (rows)
		*rows = 0;
	if (!l)
		return STORE_ERROR;
	int rc = ok && !l->failed ? STORE_OK : STORE_ERROR;
	for (size_t i = 0; rc == STORE_OK && i < l->ncommunes; i++) {
		int n = store_run(l->s, l->c, "bal_load", "DELETE FROM bal_loads WHERE commune_insee = ?",
		                  PARAMS(P_TEXT(l->communes[i])), NULL);
		if (n >= 0)
			n = store_run(
			    l->s, l->c, "bal_load",
			    "INSERT INTO bal_loads (commune_insee, commune_nom, n_rows, loaded_at, file) "
			    "VALUES (?, ?, ?, ?, ?)",
			    PARAMS(P_TEXT(l->communes[i]), P_TEXT(l->names[i]), P_INT((int64_t)l->counts[i]),
			           P_INT(now), P_TEXT(file)),
			    NULL);
		if (n < 0)
			rc = n;
	}
	int committed = rc == STORE_OK;
	rc = store_tx_end(l->s, l->c, "bal_load", rc);
	if (committed && rc == STORE_OK) {
		if (communes)
			*communes = l->ncommunes;
		if (rows)
			*rows = l->rows;
	}
	db_release(l->s->db, l->c);
	free(l->communes);
	free(l->names);
	free(l->counts);
	free(l);
	if (!ok && rc == STORE_ERROR)
		return STORE_OK; /* rolled back as asked */
	return rc;
}

static int read_match(db_stmt *st, arena *a, void *out)
{
	store_bal_match *m = out;
	int oom = 0;
	m->voie_nom = store_col_dup(a, st, 0, &oom);
	m->lieudit = store_col_dup(a, st, 1, &oom);
	m->numero = db_col_int(st, 2);
	m->suffixe = store_col_dup(a, st, 3, &oom);
	m->deleguee_nom = store_col_dup(a, st, 4, &oom);
	m->cle_interop = store_col_dup(a, st, 5, &oom);
	m->exact = db_col_int(st, 6) != 0;
	return oom ? -1 : 0;
}

int store_bal_search(store *s, arena *a, const char *insee, const char *key, size_t limit,
                     store_bal_match **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!key || !*key || strpbrk(key, "%_\\"))
		return STORE_OK;
	if (limit == 0 || limit > LIMIT_PAGE_ROWS)
		limit = LIMIT_PAGE_ROWS;
	char *like = arena_printf(a, "%% %s %%", key);
	if (!like)
		return store_fail(s, "bal_search", DB_ERROR, "arena full");
	return list_rows(
	    s, a, "bal_search",
	    "SELECT voie_nom, lieudit, numero, suffixe, deleguee_nom, cle_interop, exact FROM ("
	    "SELECT voie_nom, lieudit, numero, suffixe, deleguee_nom, cle_interop, voie_key, "
	    "CASE WHEN voie_key = ? OR lieudit_key = ? THEN 1 ELSE 0 END AS exact FROM bal_addresses "
	    "WHERE commune_insee = ? AND (voie_key = ? OR lieudit_key = ? OR (' ' || voie_key || ' ') LIKE ? "
	    "OR (' ' || lieudit_key || ' ') LIKE ?)) m ORDER BY exact DESC, voie_key, numero, suffixe LIMIT "
	    "?",
	    PARAMS(P_TEXT(key), P_TEXT(key), P_TEXT(insee), P_TEXT(key), P_TEXT(key), P_TEXT(like),
	           P_TEXT(like), P_INT((int64_t)limit)),
	    read_match, sizeof(store_bal_match), (void **)out, n);
}

static int read_load(db_stmt *st, arena *a, void *out)
{
	store_bal_load *l = out;
	int oom = 0;
	l->commune_insee = store_col_dup(a, st, 0, &oom);
	l->commune_nom = store_col_dup(a, st, 1, &oom);
	l->n_rows = db_col_int(st, 2);
	l->loaded_at = db_col_int(st, 3);
	l->file = store_col_dup(a, st, 4, &oom);
	return oom ? -1 : 0;
}

#define LOAD_SQL "SELECT commune_insee, commune_nom, n_rows, loaded_at, file FROM bal_loads"

int store_bal_loads(store *s, arena *a, store_bal_load **out, size_t *n)
{
	return list_rows(s, a, "bal_loads", LOAD_SQL " ORDER BY commune_nom, commune_insee", NO_PARAMS,
	                 read_load, sizeof(store_bal_load), (void **)out, n);
}

int store_bal_load_get(store *s, arena *a, const char *insee, store_bal_load *out)
{
	memset(out, 0, sizeof *out);
	store_bal_load *v;
	size_t n;
	int rc = list_rows(s, a, "bal_load_get", LOAD_SQL " WHERE commune_insee = ?", PARAMS(P_TEXT(insee)),
	                   read_load, sizeof(store_bal_load), (void **)&v, &n);
	if (rc != STORE_OK)
		return rc;
	if (n == 0)
		return STORE_NOT_FOUND;
	*out = v[0];
	return STORE_OK;
}

/* The checklist */

#define ITEM_COLS "code, label, how, with_adviser, active, sort"

static int read_item(db_stmt *st, arena *a, void *out)
{
	store_checklist_item *it = out;
	int oom = 0;
	it->code = store_col_dup(a, st, 0, &oom);
	it->label = store_col_dup(a, st, 1, &oom);
	it->how = store_col_dup(a, st, 2, &oom);
	it->with_adviser = db_col_int(st, 3) != 0;
	it->active = db_col_int(st, 4) != 0;
	it->sort = db_col_int(st, 5);
	return oom ? -1 : 0;
}

int store_checklist_list(store *s, arena *a, int active_only, store_checklist_item **out, size_t *n)
{
	return list_rows(
	    s, a, "checklist_list",
	    "SELECT " ITEM_COLS " FROM address_checklist WHERE active = 1 OR CAST(? AS BIGINT) = 0 "
	    "ORDER BY sort, code",
	    PARAMS(P_INT(active_only ? 1 : 0)), read_item, sizeof(store_checklist_item), (void **)out, n);
}

int store_checklist_get(store *s, arena *a, const char *code, store_checklist_item *out)
{
	memset(out, 0, sizeof *out);
	store_checklist_item *v;
	size_t n;
	int rc =
	    list_rows(s, a, "checklist_get", "SELECT " ITEM_COLS " FROM address_checklist WHERE code = ?",
	              PARAMS(P_TEXT(code)), read_item, sizeof(store_checklist_item), (void **)&v, &n);
	if (rc != STORE_OK)
		return rc;
	if (n == 0)
		return STORE_NOT_FOUND;
	*out = v[0];
	return STORE_OK;
}

int store_checklist_insert(store *s, const store_checklist_item *it)
{
	return store_once(s, "checklist_insert",
	                  "INSERT INTO address_checklist (code, label, how, with_adviser, active, sort) "
	                  "VALUES (?, ?, ?, ?, ?, ?)",
	                  PARAMS(P_TEXT(it->code), P_TEXT(it->label), P_TEXT(it->how),
	                         P_INT(it->with_adviser ? 1 : 0), P_INT(it->active ? 1 : 0), P_INT(it->sort)),
	                  NULL, 0);
}

int store_checklist_update(store *s, const store_checklist_item *it)
{
	return store_once(
	    s, "checklist_update",
	    "UPDATE address_checklist SET label = ?, how = ?, with_adviser = ?, active = ?, sort = ? "
	    "WHERE code = ? RETURNING code",
	    PARAMS(P_TEXT(it->label), P_TEXT(it->how), P_INT(it->with_adviser ? 1 : 0),
	           P_INT(it->active ? 1 : 0), P_INT(it->sort), P_TEXT(it->code)),
	    NULL, 1);
}

static int read_code(db_stmt *st, arena *a, void *out)
{
	int oom = 0;
	*(char **)out = store_col_dup(a, st, 0, &oom);
	return oom ? -1 : 0;
}

int store_visit_checklist_get(store *s, arena *a, int64_t visit_id, char ***codes, size_t *n)
{
	return list_rows(
	    s, a, "visit_checklist_get",
	    "SELECT item_code FROM visit_address_checklist WHERE visit_id = ? ORDER BY item_code",
	    PARAMS(P_INT(visit_id)), read_code, sizeof(char *), (void **)codes, n);
}

int store_visit_checklist_set(store *s, int64_t visit_id, const char *const *codes, size_t n, int64_t user_id,
                              int64_t now)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "visit_checklist_set");
	if (rc == STORE_OK)
		rc = store_run(s, c, "visit_checklist_set",
		               "DELETE FROM visit_address_checklist WHERE visit_id = ?",
		               PARAMS(P_INT(visit_id)), NULL) < 0
		         ? STORE_ERROR
		         : STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		int rows =
		    store_run(s, c, "visit_checklist_set",
		              "INSERT INTO visit_address_checklist (visit_id, item_code, done_at, done_by) "
		              "SELECT ?, code, ?, ? FROM address_checklist WHERE code = ? "
		              "ON CONFLICT DO NOTHING RETURNING item_code",
		              PARAMS(P_INT(visit_id), P_INT(now), P_INT(user_id), P_TEXT(codes[i])), NULL);
		if (rows < 0)
			rc = rows;
		else if (rows == 0) {
			/* Unknown item, or the same code twice: tell the first apart. */
			int64_t known = 0;
			if (store_run(s, c, "visit_checklist_set",
			              "SELECT COUNT(*) FROM address_checklist WHERE code = ?",
			              PARAMS(P_TEXT(codes[i])), &known) < 0)
				rc = STORE_ERROR;
			else if (!known)
				rc = STORE_NOT_FOUND;
		}
	}
	rc = store_tx_end(s, c, "visit_checklist_set", rc);
	db_release(s->db, c);
	return rc;
}
