/*
 * store_sites.c: the places where people are welcomed (table sites).
 */
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"

#define SITE_COLS                                                                                            \
	"id, name, type, commune_insee, departement, address, opening_hours, languages, accessibility, "     \
	"accessibility_note, created_at, updated_at, phone"

/* Reads a row of SITE_COLS; -1 when the arena is full. */
static int read_site(db_stmt *st, arena *a, store_site *o)
{
	int oom = 0;
	o->id = db_col_int(st, 0);
	o->name = store_col_dup(a, st, 1, &oom);
	o->type = store_col_dup(a, st, 2, &oom);
	o->commune_insee = store_col_dup(a, st, 3, &oom);
	o->departement = store_col_dup(a, st, 4, &oom);
	o->address = store_col_dup(a, st, 5, &oom);
	o->opening_hours = store_col_dup(a, st, 6, &oom);
	o->languages = store_col_dup(a, st, 7, &oom);
	o->accessibility = store_col_dup(a, st, 8, &oom);
	o->accessibility_note = store_col_dup(a, st, 9, &oom);
	o->created_at = db_col_int(st, 10);
	o->updated_at = db_col_int(st, 11);
	o->phone = store_col_dup(a, st, 12, &oom);
	return oom ? -1 : 0;
}

/* A record built without a telephone (an import, a test) has none. */
static const char *phone_of(const store_site *site)
{
	return site->phone ? site->phone : "";
}

int store_site_insert(store *s, const store_site *site, int64_t *id)
{
	/* An import may carry the original creation date; a new site has now. */
	int64_t now = now_s();
	int64_t created = site->created_at ? site->created_at : now;
	int64_t row_id = 0;
	int rc = store_once(
	    s, "site_insert",
	    "INSERT INTO sites (name, type, commune_insee, departement, address, opening_hours, "
	    "languages, accessibility, accessibility_note, created_at, updated_at, phone) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    PARAMS(P_TEXT(site->name), P_TEXT(site->type), P_TEXT(site->commune_insee),
	           P_TEXT(site->departement), P_TEXT(site->address), P_TEXT(site->opening_hours),
	           P_TEXT(site->languages), P_TEXT(site->accessibility), P_TEXT(site->accessibility_note),
	           P_INT(created), P_INT(now), P_TEXT(phone_of(site))),
	    &row_id, 1);
	if (rc == STORE_NOT_FOUND)
		rc = store_fail(s, "site_insert", DB_ERROR, "insert returned no id");
	if (rc == STORE_OK && id)
		*id = row_id;
	return rc;
}

int store_site_update(store *s, const store_site *site)
{
	return store_once(
	    s, "site_update",
	    "UPDATE sites SET name = ?, type = ?, commune_insee = ?, departement = ?, address = ?, "
	    "opening_hours = ?, languages = ?, accessibility = ?, accessibility_note = ?, phone = ?, "
	    "updated_at = ? WHERE id = ? RETURNING id",
	    PARAMS(P_TEXT(site->name), P_TEXT(site->type), P_TEXT(site->commune_insee),
	           P_TEXT(site->departement), P_TEXT(site->address), P_TEXT(site->opening_hours),
	           P_TEXT(site->languages), P_TEXT(site->accessibility), P_TEXT(site->accessibility_note),
	           P_TEXT(phone_of(site)), P_INT(now_s()), P_INT(site->id)),
	    NULL, 1);
}

int store_site_get(store *s, arena *a, int64_t id, store_site *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "site_get", "SELECT " SITE_COLS " FROM sites WHERE id = ?", PARAMS(P_INT(id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = read_site(st, a, out) == 0 ? STORE_OK
			                                : store_fail(s, "site_get", DB_ERROR, "arena full");
		else
			rc =
			    step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, "site_get", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_site_list(store *s, arena *a, const char *departement, store_site **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	const char *dep = departement ? departement : "";
	store_vec v = {.size = sizeof(store_site)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "site_list",
	               "SELECT " SITE_COLS " FROM sites WHERE ? = '' OR departement = ? ORDER BY name, id",
	               PARAMS(P_TEXT(dep), P_TEXT(dep)));
	int rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE;
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
			if (read_site(st, a, store_vec_push(&v)) != 0)
				rc = store_fail(s, "site_list", DB_ERROR, "arena full");
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "site_list", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "site_list", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

int store_site_count(store *s, int64_t *n)
{
	*n = 0;
	return store_once(s, "site_count", "SELECT COUNT(*) FROM sites", NO_PARAMS, n, 0);
}
