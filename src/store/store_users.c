/*
 * store_users.c: the accounts (table users) and the sites each one works at
 * (table user_sites), always read and written together.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_impl.h"

#define USER_COLS "id, email, name, role, departement, operator_code, password_hash, active, created_at"

static int read_user(db_stmt *st, arena *a, store_user *o)
{
	int oom = 0;
	o->id = db_col_int(st, 0);
	o->email = store_col_dup(a, st, 1, &oom);
	o->name = store_col_dup(a, st, 2, &oom);
	o->role = store_col_dup(a, st, 3, &oom);
	o->departement = store_col_dup(a, st, 4, &oom);
	o->operator_code = store_col_dup(a, st, 5, &oom);
	o->password_hash = store_col_dup(a, st, 6, &oom);
	o->active = db_col_int(st, 7) != 0;
	o->created_at = db_col_int(st, 8);
	o->site_ids = NULL;
	o->nsites = 0;
	return oom ? -1 : 0;
}

/* Orders int64_t values, or structures that begin with one. */
static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Links a user to sites, each once. A site that does not exist makes the
 * whole write STORE_NOT_FOUND (rather than a foreign-key error that would
 * look like a duplicate). */
static int insert_sites(store *s, db_conn *c, const char *op, int64_t user_id, const int64_t *ids, size_t n)
{
	if (n == 0)
		return STORE_OK;
	int64_t *sorted = xmalloc(n * sizeof *sorted);
	memcpy(sorted, ids, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_id);
	int rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		if (i > 0 && sorted[i] == sorted[i - 1])
			continue;
		rc = store_run(
		    s, c, op,
		    "INSERT INTO user_sites (user_id, site_id) SELECT ?, id FROM sites WHERE id = ? "
		    "RETURNING site_id",
		    PARAMS(P_INT(user_id), P_INT(sorted[i])), NULL);
		rc = rc == 0 ? STORE_NOT_FOUND : rc > 0 ? STORE_OK : rc;
	}
	free(sorted);
	return rc;
}

static int load_sites(store *s, db_conn *c, arena *a, store_user *u)
{
	store_vec v = {.size = sizeof(int64_t)};
	db_stmt *st = store_prep(s, c, "user_sites",
	                         "SELECT site_id FROM user_sites WHERE user_id = ? ORDER BY site_id",
	                         PARAMS(P_INT(u->id)));
	if (!st)
		return STORE_ERROR;
	int step, rc = STORE_OK;
	while ((step = db_step(st)) == DB_ROW)
		*(int64_t *)store_vec_push(&v) = db_col_int(st, 0);
	if (step != DB_DONE)
		rc = store_fail(s, "user_sites", step, db_errmsg(c));
	db_done(st);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)&u->site_ids, &u->nsites) != 0)
		rc = store_fail(s, "user_sites", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

/* Ends every session and API token of an account, inside the caller's
 * transaction, so that no path that changes a password or disables an
 * account can forget it. */
static int end_credentials(store *s, db_conn *c, const char *op, int64_t user_id)
{
	int rc = store_run(s, c, op, "DELETE FROM sessions WHERE user_id = ?", PARAMS(P_INT(user_id)), NULL);
	if (rc >= 0)
		rc = store_run(s, c, op, "DELETE FROM api_tokens WHERE user_id = ?", PARAMS(P_INT(user_id)),
		               NULL);
	return rc < 0 ? rc : STORE_OK;
}

int store_user_insert(store *s, const store_user *u, int64_t *id)
{
	char *email = store_lower(u->email);
	int64_t now = now_s(), uid = 0;
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "user_insert");
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, "user_insert",
		    "INSERT INTO users (email, name, role, departement, operator_code, password_hash, "
		    "active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		    PARAMS(P_TEXT(email), P_TEXT(u->name), P_TEXT(u->role), P_TEXT(u->departement),
		           P_TEXT(u->operator_code), P_TEXT(u->password_hash), P_INT(u->active ? 1 : 0),
		           P_INT(u->created_at ? u->created_at : now), P_INT(now)),
		    &uid);
		if (rc == 0)
			rc = store_fail(s, "user_insert", DB_ERROR, "insert returned no id");
		if (rc > 0)
			rc = insert_sites(s, c, "user_insert", uid, u->site_ids, u->nsites);
		rc = store_tx_end(s, c, "user_insert", rc);
	}
	db_release(s->db, c);
	free(email);
	if (rc == STORE_OK && id)
		*id = uid;
	return rc;
}

int store_user_update(store *s, const store_user *u)
{
	char *email = store_lower(u->email ? u->email : "");
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "user_update");
	if (rc == STORE_OK) {
		rc = store_run(
		    s, c, "user_update",
		    "UPDATE users SET email = ?, name = ?, role = ?, departement = ?, operator_code = ?, "
		    "active = ?, updated_at = ? WHERE id = ? RETURNING id",
		    PARAMS(P_TEXT(email), P_TEXT(u->name), P_TEXT(u->role), P_TEXT(u->departement),
		           P_TEXT(u->operator_code), P_INT(u->active ? 1 : 0), P_INT(now_s()), P_INT(u->id)),
		    NULL);
		if (rc == 0)
			rc = STORE_NOT_FOUND;
		if (rc > 0 && u->password_hash)
			rc = store_run(s, c, "user_update",
			               "UPDATE users SET password_hash = ? WHERE id = ? RETURNING id",
			               PARAMS(P_TEXT(u->password_hash), P_INT(u->id)), NULL);
		if (rc > 0)
			rc = store_run(s, c, "user_update", "DELETE FROM user_sites WHERE user_id = ?",
			               PARAMS(P_INT(u->id)), NULL);
		if (rc >= 0)
			rc = insert_sites(s, c, "user_update", u->id, u->site_ids, u->nsites);
		/* A disabled account, or one whose password was just set, must
		 * lose its open sessions and tokens at once, not when they
		 * expire: whoever had the old password may hold one. */
		if (rc == STORE_OK && (!u->active || u->password_hash))
			rc = end_credentials(s, c, "user_update", u->id);
		rc = store_tx_end(s, c, "user_update", rc < 0 ? rc : STORE_OK);
	}
	db_release(s->db, c);
	free(email);
	if (rc == STORE_OK)
		store_site_changed(s, 0); /* kept pages of visits name their adviser */
	return rc;
}

int store_user_set_password(store *s, int64_t user_id, const char *hash)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "user_set_password");
	if (rc == STORE_OK) {
		rc = store_run(s, c, "user_set_password",
		               "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? RETURNING id",
		               PARAMS(P_TEXT(hash), P_INT(now_s()), P_INT(user_id)), NULL);
		if (rc == 0)
			rc = STORE_NOT_FOUND;
		else if (rc > 0)
			rc = end_credentials(s, c, "user_set_password", user_id);
		rc = store_tx_end(s, c, "user_set_password", rc);
	}
	db_release(s->db, c);
	return rc;
}

/* Reads one user and their sites with the query sql and its one parameter. */
static int get_user(store *s, arena *a, const char *op, const char *sql, store_param p, store_user *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, op, sql, &p, 1);
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc =
			    read_user(st, a, out) == 0 ? STORE_OK : store_fail(s, op, DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, op, step, db_errmsg(c));
		db_done(st);
	}
	if (rc == STORE_OK)
		rc = load_sites(s, c, a, out);
	db_release(s->db, c);
	return rc;
}

int store_user_get(store *s, arena *a, int64_t id, store_user *out)
{
	return get_user(s, a, "user_get", "SELECT " USER_COLS " FROM users WHERE id = ?", P_INT(id), out);
}

/* A session and its account with the account's sites, in one statement:
 * every page reads them, and one statement is one read transaction (on
 * SQLite, one pair of locks on the shared WAL index instead of three). One
 * row per site of the account, or one row with no site; the account's
 * columns come first so that read_user reads them as it does alone. */
int store_session_user_get(store *s, arena *a, const char *id_hash, store_session *sess, store_user *user)
{
	memset(sess, 0, sizeof *sess);
	memset(user, 0, sizeof *user);
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(
	    s, c, "session_user_get",
	    "SELECT u.id, u.email, u.name, u.role, u.departement, u.operator_code, u.password_hash, "
	    "u.active, u.created_at, se.user_id, se.created_at, se.last_seen, se.csrf_key, us.site_id "
	    "FROM sessions se LEFT JOIN users u ON u.id = se.user_id "
	    "LEFT JOIN user_sites us ON us.user_id = u.id WHERE se.id_hash = ? ORDER BY us.site_id",
	    PARAMS(P_TEXT(id_hash)));
	if (!st) {
		db_release(s->db, c);
		return STORE_ERROR;
	}
	store_vec v = {.size = sizeof(int64_t)};
	int step, rc = STORE_NOT_FOUND, oom = 0;
	while ((step = db_step(st)) == DB_ROW) {
		if (rc == STORE_NOT_FOUND) {
			rc = STORE_OK;
			sess->user_id = db_col_int(st, 9);
			sess->created_at = db_col_int(st, 10);
			sess->last_seen = db_col_int(st, 11);
			sess->csrf_key = store_col_dup(a, st, 12, &oom);
			if (!db_col_is_null(st, 0) && read_user(st, a, user) != 0)
				oom = 1;
		}
		if (!db_col_is_null(st, 13))
			*(int64_t *)store_vec_push(&v) = db_col_int(st, 13);
	}
	if (step != DB_DONE)
		rc = store_fail(s, "session_user_get", step, db_errmsg(c));
	db_done(st);
	db_release(s->db, c);
	if (rc == STORE_OK && (oom || store_vec_finish(&v, a, (void **)&user->site_ids, &user->nsites) != 0))
		rc = store_fail(s, "session_user_get", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

int store_user_by_email(store *s, arena *a, const char *email, store_user *out)
{
	char *lower = store_lower(email);
	int rc = get_user(s, a, "user_by_email", "SELECT " USER_COLS " FROM users WHERE email = ?",
	                  P_TEXT(lower), out);
	free(lower);
	return rc;
}

struct link {
	int64_t user_id, site_id;
};

/* Gives each listed user their sites from links sorted by user id. */
static int attach_sites(store_user *users, size_t n, const struct link *links, size_t nlinks, arena *a)
{
	/* users are in name order: walk them in id order beside the links. */
	struct by_id {
		int64_t id; /* first, for cmp_id */
		size_t index;
	} *order = xmalloc((n ? n : 1) * sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = (struct by_id){users[i].id, i};
	qsort(order, n, sizeof *order, cmp_id);
	int rc = 0;
	size_t k = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		store_user *u = &users[order[i].index];
		while (k < nlinks && links[k].user_id < u->id)
			k++;
		size_t first = k;
		while (k < nlinks && links[k].user_id == u->id)
			k++;
		if (k == first)
			continue;
		u->site_ids = arena_alloc(a, (k - first) * sizeof *u->site_ids);
		if (!u->site_ids) {
			rc = -1;
			break;
		}
		for (size_t j = first; j < k; j++)
			u->site_ids[u->nsites++] = links[j].site_id;
	}
	free(order);
	return rc;
}

int store_user_list(store *s, arena *a, int64_t site_id, store_user **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec users = {.size = sizeof(store_user)};
	store_vec links = {.size = sizeof(struct link)};
	db_conn *c = db_acquire(s->db);
	int rc = STORE_ERROR, step = DB_DONE;
	/* One site's users through the site's index: a national store has
	 * thousands of users, a site a handful. */
	db_stmt *st =
	    site_id
	        ? store_prep(s, c, "user_list",
	                     "SELECT " USER_COLS " FROM user_sites us JOIN users u ON u.id = us.user_id "
	                     "WHERE us.site_id = ? ORDER BY name, id",
	                     PARAMS(P_INT(site_id)))
	        : store_prep(s, c, "user_list", "SELECT " USER_COLS " FROM users ORDER BY name, id", NULL, 0);
	if (st) {
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
			if (read_user(st, a, store_vec_push(&users)) != 0)
				rc = store_fail(s, "user_list", DB_ERROR, "arena full");
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "user_list", step, db_errmsg(c));
		db_done(st);
	}
	if (rc == STORE_OK) {
		st = site_id
		         ? store_prep(
		               s, c, "user_list",
		               "SELECT l.user_id, l.site_id FROM user_sites us JOIN user_sites l ON "
		               "l.user_id = us.user_id WHERE us.site_id = ? ORDER BY l.user_id, l.site_id",
		               PARAMS(P_INT(site_id)))
		         : store_prep(s, c, "user_list",
		                      "SELECT user_id, site_id FROM user_sites ORDER BY user_id, site_id",
		                      NULL, 0);
		rc = st ? STORE_OK : STORE_ERROR;
		while (st && (step = db_step(st)) == DB_ROW) {
			struct link *l = store_vec_push(&links);
			l->user_id = db_col_int(st, 0);
			l->site_id = db_col_int(st, 1);
		}
		if (st && step != DB_DONE)
			rc = store_fail(s, "user_list", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && attach_sites(users.v, users.n, links.v, links.n, a) != 0)
		rc = store_fail(s, "user_list", DB_ERROR, "arena full");
	if (rc == STORE_OK && store_vec_finish(&users, a, (void **)out, n) != 0)
		rc = store_fail(s, "user_list", DB_ERROR, "arena full");
	store_vec_free(&users);
	store_vec_free(&links);
	return rc;
}

static int read_user_name(db_stmt *st, arena *a, void *row)
{
	store_user_name *u = row;
	int oom = 0;
	u->id = db_col_int(st, 0);
	u->name = store_col_dup(a, st, 1, &oom);
	return oom;
}

int store_site_user_names(store *s, arena *a, int64_t site_id, store_user_name **out, size_t *n)
{
	return store_rows(s, "site_user_names",
	                  "SELECT u.id, u.name FROM user_sites us JOIN users u ON u.id = us.user_id "
	                  "WHERE us.site_id = ? ORDER BY u.name, u.id",
	                  PARAMS(P_INT(site_id)), a, sizeof **out, read_user_name, (void **)out, n);
}

int store_user_count(store *s, int64_t *n)
{
	*n = 0;
	return store_once(s, "user_count", "SELECT COUNT(*) FROM users", NO_PARAMS, n, 0);
}
