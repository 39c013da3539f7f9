/*
 * sync.c: the wire format of synchronisation (docs/sync.md) and its apply,
 * on both sides (sync.h). Records travel as their whole state, column by
 * column (store_sync_columns); the store applies a batch in one
 * transaction with the conflict rules (store_sync_apply). Here: JSON in
 * and out, and the checks of what an account may send.
 */
#include <string.h>

#include <jansson.h>

#include "app/sync.h"
#include "domain/access.h"
#include "store/store_sync.h"
#include "util/i18n.h"
#include "util/json.h"

/* The longest text value accepted in a change (a note, a comment). */
#define SYNC_MAX_TEXT ((size_t)64 * 1024)
/* Geography rows per page. */
#define SYNC_GEO_PAGE 2000
/* The catalog and user tables of the bundle and of each pull, in the
 * order they are written (a procedure names its theme). */
static const char *const catalog_tables[] = {"operators", "themes", "skill_topics", "procedures"};

/* ---- Writing ----------------------------------------------------------- */

/* Opens an object with the columns of the row; the caller closes it
 * (a visit's state adds its visitor and demands first). */
static void write_row(json_writer *w, const char *table, const store_sync_row *r)
{
	size_t n = 0;
	const store_sync_col *cols = store_sync_columns(table, &n);
	json_object_open(w);
	for (size_t i = 0; i < n; i++) {
		json_key(w, cols[i].name);
		if (cols[i].type == 'i')
			json_int(w, r->v[i].i);
		else
			json_str(w, r->v[i].t ? r->v[i].t : "");
	}
}

static void write_state(json_writer *w, const store_sync_record *rec)
{
	const char *table = store_sync_kind_table(rec->kind);
	write_row(w, table, &rec->main);
	if (strcmp(table, "visits") == 0) {
		json_key(w, "visitor");
		write_row(w, "visitors", &rec->visitor);
		json_object_close(w);
		json_key(w, "demands");
		json_array_open(w);
		for (size_t i = 0; i < rec->ndemands; i++) {
			write_row(w, "demands", &rec->demands[i]);
			json_object_close(w);
		}
		json_array_close(w);
	}
	json_object_close(w);
}

static void write_change(json_writer *w, const char *change_id, const store_sync_record *rec)
{
	json_object_open(w);
	json_key(w, "change_id");
	json_str(w, change_id);
	json_key(w, "kind");
	json_str(w, rec->kind);
	json_key(w, "uid");
	json_str(w, rec->uid);
	json_key(w, "state");
	write_state(w, rec);
	json_object_close(w);
}

static int write_table(store *s, arena *a, json_writer *w, const char *table, int64_t site_id,
                       const char *after, size_t limit, size_t *count)
{
	store_sync_row *rows = NULL;
	size_t n = 0;
	int rc = store_sync_table_rows(s, a, table, site_id, after, limit, &rows, &n);
	if (rc != STORE_OK)
		return rc;
	json_key(w, table);
	json_array_open(w);
	for (size_t i = 0; i < n; i++) {
		write_row(w, table, &rows[i]);
		json_object_close(w);
	}
	json_array_close(w);
	if (count)
		*count = n;
	return STORE_OK;
}

/* ---- Reading ----------------------------------------------------------- */

static int bad(char *err, size_t errlen, const char *what)
{
	if (errlen)
		snprintf(err, errlen, "%s", what);
	return STORE_INVALID;
}

/* A row of table from the object o, every column required with its type. */
static int read_row(arena *a, const char *table, json_t *o, store_sync_row *r)
{
	size_t n = 0;
	const store_sync_col *cols = store_sync_columns(table, &n);
	if (!cols || !json_is_object(o))
		return -1;
	r->v = arena_alloc(a, n * sizeof *r->v);
	if (!r->v)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(o, cols[i].name);
		if (cols[i].type == 'i') {
			if (!json_is_integer(v))
				return -1;
			r->v[i].i = json_integer_value(v);
		} else {
			if (!json_is_string(v) || json_string_length(v) > SYNC_MAX_TEXT ||
			    strlen(json_string_value(v)) != json_string_length(v))
				return -1;
			r->v[i].t = arena_strdup(a, json_string_value(v));
			if (!r->v[i].t)
				return -1;
		}
	}
	return 0;
}

static int read_rows(arena *a, const char *table, json_t *arr, store_sync_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return -1;
	size_t k = json_array_size(arr);
	if (!k)
		return 0;
	*rows = arena_alloc(a, k * sizeof **rows);
	if (!*rows)
		return -1;
	for (size_t i = 0; i < k; i++)
		if (read_row(a, table, json_array_get(arr, i), &(*rows)[i]) != 0)
			return -1;
	*n = k;
	return 0;
}

/* One change {change_id, kind, uid, state}: its record and id. */
static int read_change(arena *a, json_t *c, store_sync_record *rec, char **change_id)
{
	memset(rec, 0, sizeof *rec);
	json_t *id = json_object_get(c, "change_id"), *kind = json_object_get(c, "kind"),
	       *uid = json_object_get(c, "uid"), *state = json_object_get(c, "state");
	if (!json_is_object(c) || !json_is_string(id) || !json_is_string(kind) || !json_is_string(uid) ||
	    !json_is_object(state) || json_string_length(id) == 0 || json_string_length(id) > 200 ||
	    json_string_length(uid) == 0 || json_string_length(uid) > 200)
		return -1;
	const char *table = store_sync_kind_table(json_string_value(kind));
	if (!table)
		return -1;
	rec->kind = strcmp(table, "visits") == 0      ? "visit"
	            : strcmp(table, "workshops") == 0 ? "workshop"
	                                              : "satisfaction";
	rec->uid = arena_strdup(a, json_string_value(uid));
	*change_id = arena_strdup(a, json_string_value(id));
	if (!rec->uid || !*change_id || read_row(a, table, state, &rec->main) != 0)
		return -1;
	/* The uid named beside the state is the state's. */
	store_sync_val *su = store_sync_field(table, &rec->main, "uid");
	if (!su || strcmp(su->t, rec->uid) != 0)
		return -1;
	if (strcmp(table, "visits") == 0) {
		json_t *demands = json_object_get(state, "demands");
		if (read_row(a, "visitors", json_object_get(state, "visitor"), &rec->visitor) != 0 ||
		    !json_is_array(demands) || json_array_size(demands) > 100 ||
		    read_rows(a, "demands", demands, &rec->demands, &rec->ndemands) != 0)
			return -1;
	}
	return 0;
}

/* The changes of a body, at most max: 0, or -1 when one is malformed, -2
 * when there are too many. */
static int read_changes(arena *a, json_t *arr, size_t max, store_sync_record **recs, char ***ids, size_t *n)
{
	*n = 0;
	if (!json_is_array(arr))
		return -1;
	size_t k = json_array_size(arr);
	if (k > max)
		return -2;
	*recs = arena_alloc(a, (k ? k : 1) * sizeof **recs);
	*ids = arena_alloc(a, (k ? k : 1) * sizeof **ids);
	if (!*recs || !*ids)
		return -1;
	for (size_t i = 0; i < k; i++)
		if (read_change(a, json_array_get(arr, i), &(*recs)[i], &(*ids)[i]) != 0)
			return -1;
	*n = k;
	return 0;
}

static int put_table(store *s, arena *a, json_t *root, const char *table, char *err, size_t errlen)
{
	json_t *arr = json_object_get(root, table);
	store_sync_row *rows = NULL;
	size_t n = 0;
	if (read_rows(a, table, arr, &rows, &n) != 0)
		return bad(err, errlen, "malformed table in the answer");
	if (!n)
		return STORE_OK;
	int rc = store_sync_table_put(s, table, rows, n);
	if (rc != STORE_OK && errlen)
		snprintf(err, errlen, "cannot write %s", table);
	return rc;
}

/* The users of the answer and their link to the site. */
static int put_users(store *s, arena *a, json_t *root, int64_t site_id, char *err, size_t errlen)
{
	json_t *arr = json_object_get(root, "users");
	store_sync_row *rows = NULL;
	size_t n = 0;
	if (read_rows(a, "users", arr, &rows, &n) != 0)
		return bad(err, errlen, "malformed users in the answer");
	if (!n)
		return STORE_OK;
	int rc = store_sync_table_put(s, "users", rows, n);
	store_sync_row *links = arena_alloc(a, n * sizeof *links);
	if (rc == STORE_OK && !links)
		rc = STORE_ERROR;
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		links[i].v = arena_alloc(a, 2 * sizeof *links[i].v);
		if (!links[i].v) {
			rc = STORE_ERROR;
			break;
		}
		links[i].v[0].i = store_sync_field("users", &rows[i], "id")->i;
		links[i].v[1].i = site_id;
	}
	if (rc == STORE_OK)
		rc = store_sync_table_put(s, "user_sites", links, n);
	if (rc != STORE_OK && errlen)
		snprintf(err, errlen, "cannot write the users");
	return rc;
}

/* ---- Laptop side ------------------------------------------------------- */

int sync_push_body(store *s, arena *a, size_t max_changes, buf *body, size_t *n)
{
	*n = 0;
	char *origin = NULL;
	store_sync_change *ch = NULL;
	size_t nch = 0;
	int rc = store_sync_origin(s, a, &origin);
	if (rc == STORE_OK)
		rc = store_sync_change_list(s, a, max_changes, &ch, &nch);
	if (rc != STORE_OK)
		return rc;
	buf_reset(body);
	buf_puts(body, "{\"origin\":");
	json_quote(body, origin);
	buf_puts(body, ",\"changes\":[");
	/* A change that would not fit waits for the next batch. */
	for (size_t i = 0; i < nch; i++) {
		store_sync_record rec;
		int grc = store_sync_record_get(s, a, ch[i].kind, ch[i].uid, &rec);
		if (grc == STORE_NOT_FOUND) {
			/* The record is gone (a purge): nothing left to send, and
			 * said so in the list of rejects rather than dropped. */
			store_sync_reject r = {.at = now_s(),
			                       .change_id = ch[i].change_id,
			                       .kind = ch[i].kind,
			                       .uid = ch[i].uid,
			                       .reason = N_("enregistrement effacé avant l'envoi"),
			                       .side = "here"};
			char *id = ch[i].change_id;
			if (store_sync_reject_add(s, &r) != STORE_OK ||
			    store_sync_mark_pushed(s, &id, 1) != STORE_OK)
				return STORE_ERROR;
			continue;
		}
		if (grc != STORE_OK)
			return grc;
		buf one;
		buf_init(&one, SYNC_MAX_BODY);
		json_writer w;
		json_begin(&w, &one);
		write_change(&w, ch[i].change_id, &rec);
		int fits = !one.overflow && one.data && body->len + one.len + 8 < SYNC_MAX_BODY;
		if (fits) {
			if (*n)
				buf_putc(body, ',');
			buf_append(body, one.data, one.len);
			(*n)++;
		}
		buf_free(&one);
		if (!fits)
			break;
	}
	buf_puts(body, "]}");
	return body->overflow ? STORE_ERROR : STORE_OK;
}

int sync_push_answer(store *s, const char *json, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &je);
	json_t *applied = json_object_get(root, "applied"), *refused = json_object_get(root, "refused");
	if (!json_is_array(applied) || (refused && !json_is_array(refused))) {
		json_decref(root);
		return bad(err, errlen, "the centre's answer to the push is not one");
	}
	arena *a = arena_new((size_t)8 << 20);
	size_t na = json_array_size(applied), nr = json_array_size(refused);
	char **ids = a ? arena_alloc(a, (na + nr + 1) * sizeof *ids) : NULL;
	int rc = ids ? STORE_OK : STORE_ERROR;
	size_t k = 0;
	for (size_t i = 0; rc == STORE_OK && i < na; i++) {
		json_t *v = json_array_get(applied, i);
		if (!json_is_string(v))
			rc = bad(err, errlen, "the centre's answer to the push is not one");
		else
			ids[k++] = (char *)json_string_value(v);
	}
	for (size_t i = 0; rc == STORE_OK && i < nr; i++) {
		json_t *o = json_array_get(refused, i);
		json_t *id = json_object_get(o, "change_id"), *why = json_object_get(o, "reason");
		if (!json_is_string(id) || !json_is_string(why)) {
			rc = bad(err, errlen, "the centre's answer to the push is not one");
			break;
		}
		json_t *kind = json_object_get(o, "kind"), *uid = json_object_get(o, "uid");
		store_sync_reject r = {.at = now_s(),
		                       .change_id = (char *)json_string_value(id),
		                       .kind = (char *)(json_is_string(kind) ? json_string_value(kind) : ""),
		                       .uid = (char *)(json_is_string(uid) ? json_string_value(uid) : ""),
		                       .reason = (char *)json_string_value(why),
		                       .side = "centre"};
		rc = store_sync_reject_add(s, &r);
		/* Refused is answered: it leaves the outbox, and stays visible
		 * in the list of rejects. */
		ids[k++] = (char *)json_string_value(id);
	}
	if (rc == STORE_OK && k)
		rc = store_sync_mark_pushed(s, ids, k);
	arena_free(a);
	json_decref(root);
	return rc;
}

int sync_pull_apply(store *s, const char *json, size_t len, size_t *applied, int *more, char *err,
                    size_t errlen)
{
	*applied = 0;
	*more = 0;
	json_error_t je;
	json_t *root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &je);
	json_t *cursor = json_object_get(root, "cursor");
	if (!json_is_object(root) || !json_is_integer(cursor)) {
		json_decref(root);
		return bad(err, errlen, "the centre's answer to the pull is not one");
	}
	arena *a = arena_new((size_t)64 << 20);
	store_sync_state st;
	int rc = a ? store_sync_state_get(s, a, &st) : STORE_ERROR;
	if (rc != STORE_OK && errlen)
		snprintf(err, errlen, "the store is not attached");
	/* The centre's catalog and users win. */
	for (size_t i = 0; rc == STORE_OK && i < COUNT(catalog_tables); i++)
		rc = put_table(s, a, root, catalog_tables[i], err, errlen);
	if (rc == STORE_OK)
		rc = put_users(s, a, root, st.site_id, err, errlen);
	store_sync_record *recs = NULL;
	char **ids = NULL;
	size_t n = 0;
	if (rc == STORE_OK && read_changes(a, json_object_get(root, "changes"), 100000, &recs, &ids, &n) != 0)
		rc = bad(err, errlen, "malformed changes in the pull");
	store_sync_outcome *out = n && rc == STORE_OK ? arena_alloc(a, n * sizeof *out) : NULL;
	if (rc == STORE_OK && n) {
		rc = out ? store_sync_apply(s, recs, ids, n, 0, 1, out) : STORE_ERROR;
		if (rc != STORE_OK && errlen)
			snprintf(err, errlen, "cannot apply the changes pulled");
	}
	for (size_t i = 0; rc == STORE_OK && i < n; i++)
		*applied += out[i].applied ? 1 : 0;
	if (rc == STORE_OK) {
		st.pull_cursor = json_integer_value(cursor);
		rc = store_sync_state_put(s, &st);
		*more = json_is_true(json_object_get(root, "more"));
	}
	arena_free(a);
	json_decref(root);
	return rc;
}

int sync_attach_apply(store *s, const char *json, size_t len, const char *server_url, const char *token,
                      char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &je);
	json_t *site_id = json_object_get(root, "site_id"), *cursor = json_object_get(root, "cursor");
	if (!json_is_object(root) || !json_is_integer(site_id) || !json_is_integer(cursor) ||
	    !json_is_object(json_object_get(root, "site"))) {
		json_decref(root);
		return bad(err, errlen, "the centre's bundle is not one");
	}
	arena *a = arena_new((size_t)64 << 20);
	int rc = a ? STORE_OK : STORE_ERROR;
	for (size_t i = 0; rc == STORE_OK && i < COUNT(catalog_tables); i++)
		rc = put_table(s, a, root, catalog_tables[i], err, errlen);
	if (rc == STORE_OK) {
		store_sync_row site;
		if (read_row(a, "sites", json_object_get(root, "site"), &site) != 0)
			rc = bad(err, errlen, "the centre's bundle is not one");
		else if ((rc = store_sync_table_put(s, "sites", &site, 1)) != STORE_OK && errlen)
			snprintf(err, errlen, "cannot write the site");
	}
	if (rc == STORE_OK)
		rc = put_users(s, a, root, json_integer_value(site_id), err, errlen);
	if (rc == STORE_OK) {
		int64_t now = now_s();
		store_sync_state st = {.server_url = (char *)server_url,
		                       .token = (char *)(token ? token : ""),
		                       .site_id = json_integer_value(site_id),
		                       .pull_cursor = json_integer_value(cursor),
		                       .attached_at = now,
		                       .last_error = ""};
		rc = store_sync_state_put(s, &st);
		if (rc != STORE_OK && errlen)
			snprintf(err, errlen, "cannot record the attachment");
	}
	arena_free(a);
	json_decref(root);
	return rc;
}

int sync_geo_apply(store *s, arena *a, const char *json, size_t len, char **next, char *err, size_t errlen)
{
	*next = NULL;
	json_error_t je;
	json_t *root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &je);
	json_t *nx = json_object_get(root, "next");
	if (!json_is_object(root) || !json_is_string(nx)) {
		json_decref(root);
		return bad(err, errlen, "the centre's geography page is not one");
	}
	static const char *const tables[] = {"regions", "departements", "communes", "commune_postcodes"};
	int rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < COUNT(tables); i++)
		rc = put_table(s, a, root, tables[i], err, errlen);
	if (rc == STORE_OK) {
		*next = arena_strdup(a, json_string_value(nx));
		if (!*next)
			rc = STORE_ERROR;
	}
	json_decref(root);
	return rc;
}

/* ---- Centre side ------------------------------------------------------- */

/* message is a msgid: the API answers it translated (api_sync.c), the
 * body holds it in French for any other caller. */
static void answer_error(sync_answer *out, int status, const char *code, const char *message)
{
	buf_reset(&out->body);
	out->status = status;
	out->error_code = code;
	out->error_msgid = message;
	json_writer w;
	json_begin(&w, &out->body);
	json_object_open(&w);
	json_key(&w, "error");
	json_object_open(&w);
	json_key(&w, "code");
	json_str(&w, code);
	json_key(&w, "message");
	json_str(&w, message);
	json_object_close(&w);
	json_object_close(&w);
}

/* 500 server_error, "try again in a moment". */
static void server_error(sync_answer *out)
{
	answer_error(out, 500, "server_error", N_("Une erreur est survenue. Réessayez dans un instant."));
}

static void answer_init(sync_answer *out)
{
	out->status = 200;
	out->error_code = out->error_msgid = NULL;
	buf_init(&out->body, (size_t)64 << 20);
}


/* The site the request is about: the one named (held by the account), or
 * the account's only site; 0 when neither. */
static int64_t pick_site(const store_user *u, int64_t site_id)
{
	if (site_id > 0)
		return access_holds_site(u, site_id) ? site_id : 0;
	return u->nsites == 1 ? u->site_ids[0] : 0;
}

/* Answers the refusal of a request by an account that may not sync, or
 * without a site; 1 when it may go on. */
static int check_account(const store_user *u, int64_t asked, int64_t *site_id, sync_answer *out)
{
	if (!access_may_sync(u)) {
		answer_error(out, 403, "forbidden",
		             N_("Seuls les conseillers et responsables d'un lieu synchronisent."));
		return 0;
	}
	*site_id = pick_site(u, asked);
	if (!*site_id) {
		if (asked > 0)
			answer_error(out, 403, "forbidden", N_("Ce compte n'a pas accès à ce lieu."));
		else
			answer_error(out, 400, "site_required",
			             N_("Ce compte a plusieurs lieux : précisez site=ID."));
		return 0;
	}
	return 1;
}

void sync_push_apply(store *s, arena *a, const store_user *u, const char *body, size_t len, sync_answer *out)
{
	answer_init(out);
	if (!access_may_sync(u)) {
		answer_error(out, 403, "forbidden",
		             N_("Seuls les conseillers et responsables d'un lieu synchronisent."));
		return;
	}
	if (len > SYNC_MAX_BODY) {
		answer_error(out, 413, "too_large", N_("Lot trop volumineux."));
		return;
	}
	json_error_t je;
	json_t *root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
	json_t *origin = json_object_get(root, "origin");
	store_sync_record *recs = NULL;
	char **ids = NULL;
	size_t n = 0;
	int rd = json_is_object(root) && json_is_string(origin) && json_string_length(origin) > 0
	             ? read_changes(a, json_object_get(root, "changes"), SYNC_MAX_CHANGES, &recs, &ids, &n)
	             : -1;
	if (rd == -2) {
		json_decref(root);
		answer_error(out, 413, "too_many", N_("Trop de changements dans un lot."));
		return;
	}
	if (rd != 0) {
		json_decref(root);
		answer_error(out, 400, "malformed", N_("Lot mal formé."));
		return;
	}
	json_decref(root);
	/* Every record must be of a site the account holds: otherwise the
	 * whole batch is refused, nothing written. */
	for (size_t i = 0; i < n; i++) {
		const char *table = store_sync_kind_table(recs[i].kind);
		int64_t site = store_sync_field(table, &recs[i].main, "site_id")->i;
		int other = !access_holds_site(u, site) ||
		            (recs[i].visitor.v &&
		             store_sync_field("visitors", &recs[i].visitor, "site_id")->i != site);
		if (other) {
			answer_error(out, 403, "other_site",
			             N_("Ce lot contient des enregistrements d'un autre lieu."));
			return;
		}
	}
	store_sync_outcome *res = arena_alloc(a, (n ? n : 1) * sizeof *res);
	if (!res) {
		server_error(out);
		return;
	}
	/* The record a state replaces must be of the state's site too
	 * (store_sync_apply). */
	int rc =
	    n ? store_sync_apply(s, recs, ids, n, u->nsites == 1 ? u->site_ids[0] : 0, 0, res) : STORE_OK;
	if (rc == STORE_SYNC_OTHER_SITE) {
		answer_error(out, 403, "other_site",
		             N_("Ce lot contient des enregistrements d'un autre lieu."));
		return;
	}
	if (rc == STORE_INVALID || rc == STORE_CONFLICT || rc == STORE_NOT_FOUND) {
		answer_error(out, 400, "malformed", N_("Lot refusé : une valeur n'est pas acceptée."));
		return;
	}
	if (rc != STORE_OK) {
		server_error(out);
		return;
	}
	json_writer w;
	json_begin(&w, &out->body);
	json_object_open(&w);
	json_key(&w, "applied");
	json_array_open(&w);
	for (size_t i = 0; i < n; i++)
		if (res[i].applied)
			json_str(&w, ids[i]);
	json_array_close(&w);
	json_key(&w, "refused");
	json_array_open(&w);
	for (size_t i = 0; i < n; i++) {
		if (res[i].applied)
			continue;
		json_object_open(&w);
		json_key(&w, "change_id");
		json_str(&w, ids[i]);
		json_key(&w, "kind");
		json_str(&w, recs[i].kind);
		json_key(&w, "uid");
		json_str(&w, recs[i].uid);
		json_key(&w, "reason");
		json_str(&w, res[i].reason ? res[i].reason : "");
		json_object_close(&w);
	}
	json_array_close(&w);
	json_object_close(&w);
}

void sync_pull_body_site(store *s, arena *a, const store_user *u, int64_t site, int64_t cursor,
                         const char *origin, sync_answer *out)
{
	answer_init(out);
	int64_t site_id = 0;
	if (!check_account(u, site, &site_id, out))
		return;
	store_sync_change *ch = NULL;
	size_t n = 0;
	int64_t last = cursor;
	int rc = store_sync_changes_after(s, a, site_id, cursor < 0 ? 0 : cursor, origin, SYNC_MAX_CHANGES,
	                                  &ch, &n, &last);
	/* more: the site's log goes on after the cursor. */
	int64_t top = 0;
	if (rc == STORE_OK)
		rc = store_sync_last_seq(s, &top);
	int more = 0;
	if (rc == STORE_OK && last < top) {
		store_sync_change *next = NULL;
		size_t nn = 0;
		int64_t after = last;
		rc = store_sync_changes_after(s, a, site_id, last, origin, 1, &next, &nn, &after);
		more = rc == STORE_OK && after > last;
	}
	if (rc != STORE_OK) {
		server_error(out);
		return;
	}
	json_writer w;
	json_begin(&w, &out->body);
	json_object_open(&w);
	json_key(&w, "changes");
	json_array_open(&w);
	for (size_t i = 0; i < n; i++) {
		store_sync_record rec;
		int grc = store_sync_record_get(s, a, ch[i].kind, ch[i].uid, &rec);
		if (grc == STORE_NOT_FOUND)
			continue;
		if (grc != STORE_OK) {
			server_error(out);
			return;
		}
		write_change(&w, ch[i].change_id, &rec);
	}
	json_array_close(&w);
	for (size_t i = 0; rc == STORE_OK && i < COUNT(catalog_tables); i++)
		rc = write_table(s, a, &w, catalog_tables[i], 0, NULL, 0, NULL);
	if (rc == STORE_OK)
		rc = write_table(s, a, &w, "users", site_id, NULL, 0, NULL);
	if (rc != STORE_OK) {
		server_error(out);
		return;
	}
	json_key(&w, "cursor");
	json_int(&w, last);
	json_key(&w, "more");
	json_bool(&w, more);
	json_object_close(&w);
}

void sync_pull_body(store *s, arena *a, const store_user *u, int64_t cursor, const char *origin,
                    sync_answer *out)
{
	sync_pull_body_site(s, a, u, 0, cursor, origin, out);
}

void sync_attach_body_site(store *s, arena *a, const store_user *u, int64_t site, sync_answer *out)
{
	answer_init(out);
	int64_t site_id = 0;
	if (!check_account(u, site, &site_id, out))
		return;
	char *origin = NULL;
	int64_t top = 0;
	int rc = store_sync_origin(s, a, &origin);
	if (rc == STORE_OK)
		rc = store_sync_last_seq(s, &top);
	store_sync_row *sites = NULL;
	size_t nsites = 0;
	if (rc == STORE_OK)
		rc = store_sync_table_rows(s, a, "sites", site_id, NULL, 0, &sites, &nsites);
	if (rc != STORE_OK || nsites != 1) {
		server_error(out);
		return;
	}
	json_writer w;
	json_begin(&w, &out->body);
	json_object_open(&w);
	json_key(&w, "version");
	json_int(&w, 1);
	json_key(&w, "origin");
	json_str(&w, origin);
	json_key(&w, "site_id");
	json_int(&w, site_id);
	json_key(&w, "now");
	json_int(&w, now_s());
	json_key(&w, "cursor");
	json_int(&w, top);
	json_key(&w, "site");
	write_row(&w, "sites", &sites[0]);
	json_object_close(&w);
	rc = write_table(s, a, &w, "users", site_id, NULL, 0, NULL);
	for (size_t i = 0; rc == STORE_OK && i < COUNT(catalog_tables); i++)
		rc = write_table(s, a, &w, catalog_tables[i], 0, NULL, 0, NULL);
	if (rc != STORE_OK) {
		server_error(out);
		return;
	}
	json_object_close(&w);
}

void sync_attach_body(store *s, arena *a, const store_user *u, sync_answer *out)
{
	sync_attach_body_site(s, a, u, 0, out);
}

void sync_geo_body(store *s, arena *a, const char *after, sync_answer *out)
{
	answer_init(out);
	const char *from = after ? after : "";
	store_sync_row *communes = NULL;
	size_t n = 0;
	int rc = store_sync_table_rows(s, a, "communes", 0, from, SYNC_GEO_PAGE, &communes, &n);
	json_writer w;
	json_begin(&w, &out->body);
	json_object_open(&w);
	if (rc == STORE_OK && !*from) {
		rc = write_table(s, a, &w, "regions", 0, NULL, 0, NULL);
		if (rc == STORE_OK)
			rc = write_table(s, a, &w, "departements", 0, NULL, 0, NULL);
	}
	const char *last = n ? store_sync_field("communes", &communes[n - 1], "code")->t : "";
	if (rc == STORE_OK) {
		json_key(&w, "communes");
		json_array_open(&w);
		for (size_t i = 0; i < n; i++) {
			write_row(&w, "communes", &communes[i]);
			json_object_close(&w);
		}
		json_array_close(&w);
		/* The postcodes of the communes of this page. */
		store_sync_row *pc = NULL;
		size_t npc = 0;
		rc = store_sync_table_rows(s, a, "commune_postcodes", 0, from, 0, &pc, &npc);
		json_key(&w, "commune_postcodes");
		json_array_open(&w);
		for (size_t i = 0; rc == STORE_OK && i < npc; i++) {
			const char *code = store_sync_field("commune_postcodes", &pc[i], "code")->t;
			if (n == SYNC_GEO_PAGE && strcmp(code, last) > 0)
				break;
			write_row(&w, "commune_postcodes", &pc[i]);
			json_object_close(&w);
		}
		json_array_close(&w);
	}
	if (rc != STORE_OK) {
		server_error(out);
		return;
	}
	json_key(&w, "next");
	json_str(&w, n == SYNC_GEO_PAGE ? last : "");
	json_object_close(&w);
}
