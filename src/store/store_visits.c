/*
 * store_visits.c: the accompaniment record written and read one visit at a
 * time (tables visitors, visits, demands): insert, update, soft delete, get,
 * the identified visitors of a site, and the bulk import. Listings, counts
 * and the export stream live in store_visit_query.c; both share the row
 * readers and writers declared in store_visits_impl.h.
 *
 * A visit, its visitor and its demands are always written together, in one
 * transaction: a record is never half stored.
 */
#include <stdlib.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_visits_impl.h"
#include "store/store_sync_impl.h"

/* Row readers. With an arena the texts are copied into it; without, they
 * point into the current row (the export stream, valid until the next
 * step). */

static char *col_text(db_stmt *st, int i, arena *a, int *oom)
{
	return a ? store_col_dup(a, st, i, oom) : (char *)db_col_text(st, i);
}

int sv_read_visitor(db_stmt *st, int c, arena *a, store_visitor *p)
{
	int oom = 0;
	p->id = db_col_int(st, c + 0);
	p->site_id = db_col_int(st, c + 1);
	p->age_bracket = col_text(st, c + 2, a, &oom);
	p->birth_year = db_col_int(st, c + 3);
	p->gender = col_text(st, c + 4, a, &oom);
	p->social_status = col_text(st, c + 5, a, &oom);
	p->commune_insee = col_text(st, c + 6, a, &oom);
	p->no_phone = db_col_int(st, c + 7) != 0;
	p->no_email = db_col_int(st, c + 8) != 0;
	p->no_device = db_col_int(st, c + 9) != 0;
	p->no_internet = db_col_int(st, c + 10) != 0;
	p->allophone = db_col_int(st, c + 11) != 0;
	p->languages = col_text(st, c + 12, a, &oom);
	p->illiteracy = db_col_int(st, c + 13) != 0;
	p->disabilities = col_text(st, c + 14, a, &oom);
	p->very_precarious = db_col_int(st, c + 15) != 0;
	p->identified = db_col_int(st, c + 16) != 0;
	p->full_name = col_text(st, c + 17, a, &oom);
	p->phone = col_text(st, c + 18, a, &oom);
	p->email = col_text(st, c + 19, a, &oom);
	p->consent_reason = col_text(st, c + 20, a, &oom);
	p->consent_at = db_col_int(st, c + 21);
	p->created_at = db_col_int(st, c + 22);
	p->updated_at = db_col_int(st, c + 23);
	p->phone_kind = col_text(st, c + 24, a, &oom);
	return oom ? -1 : 0;
}

int sv_read_visit(db_stmt *st, int c, arena *a, store_visit *v)
{
	int oom = 0;
	v->id = db_col_int(st, c + 0);
	v->site_id = db_col_int(st, c + 1);
	v->agent_id = db_col_int(st, c + 2);
	v->visitor_id = db_col_int(st, c + 3);
	v->started_at = db_col_int(st, c + 4);
	v->channel = col_text(st, c + 5, a, &oom);
	v->place = col_text(st, c + 6, a, &oom);
	v->duration_min = db_col_int(st, c + 7);
	v->created_at = db_col_int(st, c + 8);
	v->updated_at = db_col_int(st, c + 9);
	v->deleted_at = db_col_int(st, c + 10);
	v->agent_name = col_text(st, c + 11, a, &oom);
	v->demands = NULL;
	v->ndemands = 0;
	return oom ? -1 : 0;
}

int sv_read_demand(db_stmt *st, int c, arena *a, store_demand *d)
{
	int oom = 0;
	d->id = db_col_int(st, c + 0);
	d->visit_id = db_col_int(st, c + 1);
	d->site_id = db_col_int(st, c + 2);
	d->operator_code = col_text(st, c + 3, a, &oom);
	d->theme_code = col_text(st, c + 4, a, &oom);
	d->procedure_id = db_col_int(st, c + 5);
	d->procedure_text = col_text(st, c + 6, a, &oom);
	d->level = col_text(st, c + 7, a, &oom);
	d->mandate_type = col_text(st, c + 8, a, &oom);
	d->mandate_ref = col_text(st, c + 9, a, &oom);
	d->autonomy = db_col_int(st, c + 10);
	d->equipment = col_text(st, c + 11, a, &oom);
	d->interpreting = col_text(st, c + 12, a, &oom);
	d->interpreting_lang = col_text(st, c + 13, a, &oom);
	d->outcome = col_text(st, c + 14, a, &oom);
	d->referral_type = col_text(st, c + 15, a, &oom);
	d->escalation_id = db_col_int(st, c + 16);
	d->duration_min = db_col_int(st, c + 17);
	d->note = col_text(st, c + 18, a, &oom);
	d->created_at = db_col_int(st, c + 19);
	d->updated_at = db_col_int(st, c + 20);
	return oom ? -1 : 0;
}

/* Writers. Each returns STORE_OK or a STORE_* error. */

/* The profile columns shared by the insert and the update of a visitor, in
 * the order of both statements. */
static size_t visitor_params(const store_visitor *p, int64_t now, store_param *o)
{
	int64_t consent_at = p->identified ? (p->consent_at ? p->consent_at : now) : 0;
	size_t n = 0;
	o[n++] = P_TEXT(p->age_bracket);
	o[n++] = P_INT(p->birth_year);
	o[n++] = P_TEXT(p->gender);
	o[n++] = P_TEXT(p->social_status);
	o[n++] = P_TEXT(p->commune_insee);
	o[n++] = P_INT(p->no_phone ? 1 : 0);
	o[n++] = P_INT(p->no_email ? 1 : 0);
	o[n++] = P_INT(p->no_device ? 1 : 0);
	o[n++] = P_INT(p->no_internet ? 1 : 0);
	o[n++] = P_INT(p->allophone ? 1 : 0);
	o[n++] = P_TEXT(p->languages);
	o[n++] = P_INT(p->illiteracy ? 1 : 0);
	o[n++] = P_TEXT(p->disabilities);
	o[n++] = P_INT(p->very_precarious ? 1 : 0);
	o[n++] = P_INT(p->identified ? 1 : 0);
	/* Contact details exist only with consent: never stored otherwise,
	 * whatever the caller left in the record. */
	o[n++] = P_TEXT(p->identified ? p->full_name : "");
	o[n++] = P_TEXT(p->identified ? p->phone : "");
	o[n++] = P_TEXT(p->identified ? p->email : "");
	o[n++] = P_TEXT(p->identified ? p->consent_reason : "");
	o[n++] = P_INT(consent_at);
	o[n++] = P_TEXT(p->phone_kind ? p->phone_kind : "");
	return n;
}

/* Turns the row count of a write that must touch one row into a result. */
static int one_row(int rows)
{
	return rows > 0 ? STORE_OK : rows == 0 ? STORE_NOT_FOUND : rows;
}

static int visitor_insert(store *s, db_conn *c, int64_t site_id, store_visitor *p, int64_t now)
{
	store_param prm[25];
	size_t n = 0;
	prm[n++] = P_INT(site_id);
	n += visitor_params(p, now, prm + n);
	prm[n++] = P_INT(now);
	prm[n++] = P_INT(now);
	int64_t id = 0;
	int rows = store_run(
	    s, c, "visitor_insert",
	    "INSERT INTO visitors (site_id, age_bracket, birth_year, gender, social_status, "
	    "commune_insee, no_phone, no_email, no_device, no_internet, allophone, languages, "
	    "illiteracy, disabilities, very_precarious, identified, full_name, phone, email, "
	    "consent_reason, consent_at, phone_kind, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    prm, n, &id);
	int rc = one_row(rows);
	if (rc == STORE_NOT_FOUND)
		rc = store_fail(s, "visitor_insert", DB_ERROR, "insert returned no id");
	if (rc == STORE_OK) {
		p->id = id;
		p->site_id = site_id;
		p->created_at = p->updated_at = now;
	}
	return rc;
}

static int visitor_update(store *s, db_conn *c, int64_t id, store_visitor *p, int64_t now)
{
	store_param prm[25];
	size_t n = visitor_params(p, now, prm);
	prm[n++] = P_INT(now);
	prm[n++] = P_INT(id);
	int rc = one_row(
	    store_run(s, c, "visitor_update",
	              "UPDATE visitors SET age_bracket = ?, birth_year = ?, gender = ?, social_status = ?, "
	              "commune_insee = ?, no_phone = ?, no_email = ?, no_device = ?, no_internet = ?, "
	              "allophone = ?, languages = ?, illiteracy = ?, disabilities = ?, "
	              "very_precarious = ?, identified = ?, full_name = ?, phone = ?, email = ?, "
	              "consent_reason = ?, consent_at = ?, phone_kind = ?, updated_at = ? WHERE id = ? "
	              "RETURNING id",
	              prm, n, NULL));
	if (rc == STORE_OK) {
		p->id = id;
		p->updated_at = now;
	}
	return rc;
}

/* An identified visitor of the site: the only kind a visit may share. */
static int visitor_reusable(store *s, db_conn *c, int64_t id, int64_t site_id)
{
	return one_row(store_run(s, c, "visitor_check",
	                         "SELECT id FROM visitors WHERE id = ? AND site_id = ? AND identified = 1",
	                         PARAMS(P_INT(id), P_INT(site_id)), NULL));
}

static int demand_insert(store *s, db_conn *c, int64_t visit_id, int64_t site_id, store_demand *d,
                         int64_t now)
{
	int64_t created = d->created_at ? d->created_at : now;
	int64_t id = 0;
	int rc = one_row(store_run(
	    s, c, "demand_insert",
	    "INSERT INTO demands (visit_id, site_id, operator_code, theme_code, procedure_id, "
	    "procedure_text, "
	    "level, mandate_type, mandate_ref, autonomy, equipment, interpreting, interpreting_lang, "
	    "outcome, "
	    "referral_type, escalation_id, duration_min, note, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    PARAMS(P_INT(visit_id), P_INT(site_id), P_TEXT(d->operator_code), P_TEXT(d->theme_code),
	           P_INT(d->procedure_id), P_TEXT(d->procedure_text), P_TEXT(d->level),
	           P_TEXT(d->mandate_type), P_TEXT(d->mandate_ref), P_INT(d->autonomy), P_TEXT(d->equipment),
	           P_TEXT(d->interpreting), P_TEXT(d->interpreting_lang), P_TEXT(d->outcome),
	           P_TEXT(d->referral_type), P_INT(d->escalation_id), P_INT(d->duration_min), P_TEXT(d->note),
	           P_INT(created), P_INT(now)),
	    &id));
	if (rc == STORE_NOT_FOUND)
		rc = store_fail(s, "demand_insert", DB_ERROR, "insert returned no id");
	if (rc == STORE_OK) {
		d->id = id;
		d->visit_id = visit_id;
		d->site_id = site_id;
		d->created_at = created;
		d->updated_at = now;
	}
	return rc;
}

/* The escalation link is not written here: the back-office owns it. */
static int demand_update(store *s, db_conn *c, int64_t visit_id, store_demand *d, int64_t now)
{
	int rc = one_row(store_run(
	    s, c, "demand_update",
	    "UPDATE demands SET operator_code = ?, theme_code = ?, procedure_id = NULLIF(CAST(? AS BIGINT), 0), "
	    "procedure_text = ?, level = ?, mandate_type = ?, mandate_ref = ?, autonomy = ?, equipment = ?, "
	    "interpreting = ?, interpreting_lang = ?, outcome = ?, referral_type = ?, duration_min = ?, "
	    "note = ?, updated_at = ? WHERE id = ? AND visit_id = ? RETURNING id",
	    PARAMS(P_TEXT(d->operator_code), P_TEXT(d->theme_code), P_INT(d->procedure_id),
	           P_TEXT(d->procedure_text), P_TEXT(d->level), P_TEXT(d->mandate_type),
	           P_TEXT(d->mandate_ref), P_INT(d->autonomy), P_TEXT(d->equipment), P_TEXT(d->interpreting),
	           P_TEXT(d->interpreting_lang), P_TEXT(d->outcome), P_TEXT(d->referral_type),
	           P_INT(d->duration_min), P_TEXT(d->note), P_INT(now), P_INT(d->id), P_INT(visit_id)),
	    NULL));
	if (rc == STORE_OK) {
		d->visit_id = visit_id;
		d->updated_at = now;
	}
	return rc;
}

/* The references a write names and the schema cannot answer clearly: a
 * missing site or adviser is STORE_NOT_FOUND rather than a constraint
 * error that would read as a duplicate. */
static int check_site_agent(store *s, db_conn *c, const store_visit *v)
{
	int rc = one_row(store_run(s, c, "visit_check", "SELECT id FROM sites WHERE id = ?",
	                           PARAMS(P_INT(v->site_id)), NULL));
	if (rc == STORE_OK && v->agent_id)
		rc = one_row(store_run(s, c, "visit_check", "SELECT id FROM users WHERE id = ?",
		                       PARAMS(P_INT(v->agent_id)), NULL));
	return rc;
}

int sv_insert_tx(store *s, db_conn *c, store_visit *v, int64_t now, int check_refs)
{
	/* The log's counter first (docs/sync.md): one lock order for all. */
	int rc = store_sync_lock(s, c);
	if (rc == STORE_OK && check_refs)
		rc = check_site_agent(s, c, v);
	if (rc == STORE_OK && v->visitor_id) {
		rc = visitor_reusable(s, c, v->visitor_id, v->site_id);
		if (rc == STORE_OK)
			rc = visitor_update(s, c, v->visitor_id, &v->visitor, now);
	} else if (rc == STORE_OK) {
		rc = visitor_insert(s, c, v->site_id, &v->visitor, now);
	}
	if (rc != STORE_OK)
		return rc;
	v->visitor_id = v->visitor.id;
	v->visitor.site_id = v->site_id;

	int64_t created = v->created_at ? v->created_at : now;
	int64_t id = 0;
	rc = one_row(store_run(
	    s, c, "visit_insert",
	    "INSERT INTO visits (site_id, agent_id, visitor_id, started_at, channel, place, "
	    "duration_min, created_at, updated_at) "
	    "VALUES (?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    PARAMS(P_INT(v->site_id), P_INT(v->agent_id), P_INT(v->visitor_id), P_INT(v->started_at),
	           P_TEXT(v->channel), P_TEXT(v->place), P_INT(v->duration_min), P_INT(created), P_INT(now)),
	    &id));
	if (rc == STORE_NOT_FOUND)
		rc = store_fail(s, "visit_insert", DB_ERROR, "insert returned no id");
	if (rc != STORE_OK)
		return rc;
	v->id = id;
	v->created_at = created;
	v->updated_at = now;
	v->deleted_at = 0;
	for (size_t i = 0; rc == STORE_OK && i < v->ndemands; i++)
		rc = demand_insert(s, c, v->id, v->site_id, &v->demands[i], now);
	/* The log of changes, in the same transaction (docs/sync.md). */
	if (rc == STORE_OK)
		rc = store_sync_capture(s, c, "visit", v->id, now);
	return rc;
}

int store_visit_insert(store *s, store_visit *v)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "visit_insert");
	if (rc == STORE_OK)
		rc = store_tx_end(s, c, "visit_insert", sv_insert_tx(s, c, v, now_s(), 1));
	db_release(s->db, c);
	if (rc == STORE_OK)
		store_site_changed(s, v->site_id);
	return rc;
}

/* Removes the demands of the visit that v no longer lists. */
static int drop_missing_demands(store *s, db_conn *c, const store_visit *v)
{
	store_vec gone = {.size = sizeof(int64_t)};
	db_stmt *st =
	    store_prep(s, c, "visit_update", "SELECT id FROM demands WHERE visit_id = ? ORDER BY id",
	               PARAMS(P_INT(v->id)));
	if (!st)
		return STORE_ERROR;
	int step, rc = STORE_OK;
	while ((step = db_step(st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		int kept = 0;
		for (size_t i = 0; !kept && i < v->ndemands; i++)
			kept = v->demands[i].id == id;
		if (!kept)
			*(int64_t *)store_vec_push(&gone) = id;
	}
	if (step != DB_DONE)
		rc = store_fail(s, "visit_update", step, db_errmsg(c));
	db_done(st);
	for (size_t i = 0; rc == STORE_OK && i < gone.n; i++)
		rc = one_row(store_run(s, c, "visit_update", "DELETE FROM demands WHERE id = ? RETURNING id",
		                       PARAMS(P_INT(((int64_t *)gone.v)[i])), NULL));
	store_vec_free(&gone);
	return rc;
}

static int update_tx(store *s, db_conn *c, store_visit *v, int64_t now)
{
	/* The site and the adviser of a visit stay those of its creation. The
	 * first statement is an UPDATE so that it takes the row's lock at once:
	 * two corrections of one visit then follow each other instead of
	 * interleaving (PostgreSQL runs in READ COMMITTED). */
	int64_t site_id = 0, current_visitor = 0;
	if (store_sync_lock(s, c) != STORE_OK)
		return STORE_ERROR;
	db_stmt *st = store_prep(s, c, "visit_update",
	                         "UPDATE visits SET updated_at = ? WHERE id = ? AND deleted_at = 0 "
	                         "RETURNING site_id, visitor_id",
	                         PARAMS(P_INT(now), P_INT(v->id)));
	if (!st)
		return STORE_ERROR;
	int step = db_step(st), rc = STORE_OK;
	if (step == DB_ROW) {
		site_id = db_col_int(st, 0);
		current_visitor = db_col_int(st, 1);
	} else {
		rc = step == DB_DONE ? STORE_NOT_FOUND : store_fail(s, "visit_update", step, db_errmsg(c));
	}
	db_done(st);
	if (rc != STORE_OK)
		return rc;

	int64_t target = v->visitor_id ? v->visitor_id : current_visitor;
	if (target != current_visitor)
		rc = visitor_reusable(s, c, target, site_id);
	if (rc == STORE_OK)
		rc = visitor_update(s, c, target, &v->visitor, now);
	if (rc == STORE_OK)
		rc = one_row(
		    store_run(s, c, "visit_update",
		              "UPDATE visits SET visitor_id = ?, started_at = ?, channel = ?, place = ?, "
		              "duration_min = ?, updated_at = ? WHERE id = ? RETURNING id",
		              PARAMS(P_INT(target), P_INT(v->started_at), P_TEXT(v->channel),
		                     P_TEXT(v->place), P_INT(v->duration_min), P_INT(now), P_INT(v->id)),
		              NULL));
	/* The anonymous row the visit leaves belonged to it alone. */
	if (rc == STORE_OK && target != current_visitor) {
		int rows = store_run(s, c, "visit_update",
		                     "DELETE FROM visitors WHERE id = ? AND identified = 0 AND NOT EXISTS "
		                     "(SELECT 1 FROM visits WHERE visitor_id = ?)",
		                     PARAMS(P_INT(current_visitor), P_INT(current_visitor)), NULL);
		rc = rows < 0 ? rows : STORE_OK;
	}
	if (rc == STORE_OK)
		rc = drop_missing_demands(s, c, v);
	for (size_t i = 0; rc == STORE_OK && i < v->ndemands; i++)
		rc = v->demands[i].id ? demand_update(s, c, v->id, &v->demands[i], now)
		                      : demand_insert(s, c, v->id, site_id, &v->demands[i], now);
	if (rc == STORE_OK)
		rc = store_sync_capture(s, c, "visit", v->id, now);
	if (rc == STORE_OK) {
		v->site_id = site_id;
		v->visitor_id = target;
		v->visitor.site_id = site_id;
		v->updated_at = now;
	}
	return rc;
}

int store_visit_update(store *s, store_visit *v)
{
	db_conn *c = db_acquire(s->db);
	int rc = store_tx_begin(s, c, "visit_update");
	if (rc == STORE_OK)
		rc = store_tx_end(s, c, "visit_update", update_tx(s, c, v, now_s()));
	db_release(s->db, c);
	if (rc == STORE_OK)
		store_site_changed(s, v->site_id);
	return rc;
}

int store_visit_delete(store *s, int64_t id, int64_t when)
{
	int rc = store_once_logged(
	    s, "visit_delete",
	    "UPDATE visits SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at = 0 "
	    "RETURNING id",
	    PARAMS(P_INT(when ? when : now_s()), P_INT(now_s()), P_INT(id)), NULL, "visit");
	if (rc == STORE_OK)
		store_site_changed(s, 0);
	return rc;
}

int sv_load_demands(store *s, db_conn *c, arena *a, store_visit *v)
{
	store_vec vec = {.size = sizeof(store_demand)};
	db_stmt *st =
	    store_prep(s, c, "visit_demands",
	               "SELECT " SV_DEMAND_COLS " FROM demands d WHERE d.visit_id = ? ORDER BY d.id",
	               PARAMS(P_INT(v->id)));
	if (!st)
		return STORE_ERROR;
	int step, rc = STORE_OK;
	while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
		if (sv_read_demand(st, 0, a, store_vec_push(&vec)) != 0)
			rc = store_fail(s, "visit_demands", DB_ERROR, "arena full");
	if (rc == STORE_OK && step != DB_DONE)
		rc = store_fail(s, "visit_demands", step, db_errmsg(c));
	db_done(st);
	if (rc == STORE_OK && store_vec_finish(&vec, a, (void **)&v->demands, &v->ndemands) != 0)
		rc = store_fail(s, "visit_demands", DB_ERROR, "arena full");
	store_vec_free(&vec);
	return rc;
}

int store_visit_get(store *s, arena *a, int64_t id, store_visit *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "visit_get",
	                         "SELECT " SV_VISIT_COLS ", " SV_VISITOR_COLS SV_VISIT_FROM
	                         " WHERE v.id = ? AND v.deleted_at = 0",
	                         PARAMS(P_INT(id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = sv_read_visit(st, 0, a, out) == 0 &&
			             sv_read_visitor(st, SV_NVISIT, a, &out->visitor) == 0
			         ? STORE_OK
			         : store_fail(s, "visit_get", DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "visit_get", step, db_errmsg(c));
		db_done(st);
	}
	if (rc == STORE_OK)
		rc = sv_load_demands(s, c, a, out);
	db_release(s->db, c);
	return rc;
}

/* Visitors */

int store_visitor_get(store *s, arena *a, int64_t id, store_visitor *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "visitor_get", "SELECT " SV_VISITOR_COLS " FROM visitors p WHERE p.id = ?",
	               PARAMS(P_INT(id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW)
			rc = sv_read_visitor(st, 0, a, out) == 0
			         ? STORE_OK
			         : store_fail(s, "visitor_get", DB_ERROR, "arena full");
		else
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "visitor_get", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

/* q as a LIKE pattern matching it anywhere, its own % and _ escaped. */
static char *like_pattern(const char *q)
{
	size_t len = strlen(q);
	char *p = xmalloc(2 * len + 3), *o = p;
	*o++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

int store_visitor_search(store *s, arena *a, int64_t site_id, const char *q, size_t limit,
                         store_visitor **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!q || !*q)
		return STORE_OK;
	if (limit == 0 || limit > LIMIT_PAGE_ROWS)
		limit = LIMIT_PAGE_ROWS;
	char *pat = like_pattern(q);
	store_vec v = {.size = sizeof(store_visitor)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "visitor_search",
	               "SELECT " SV_VISITOR_COLS " FROM visitors p WHERE p.site_id = ? AND p.identified = 1 "
	               "AND (lower(p.full_name) LIKE lower(?) ESCAPE '\\' OR p.phone LIKE ? ESCAPE '\\' "
	               "OR lower(p.email) LIKE lower(?) ESCAPE '\\') ORDER BY p.full_name, p.id LIMIT ?",
	               PARAMS(P_INT(site_id), P_TEXT(pat), P_TEXT(pat), P_TEXT(pat), P_INT((int64_t)limit)));
	int rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE;
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW)
			if (sv_read_visitor(st, 0, a, store_vec_push(&v)) != 0)
				rc = store_fail(s, "visitor_search", DB_ERROR, "arena full");
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "visitor_search", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	free(pat);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "visitor_search", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}

/* Bulk import: one connection and one transaction for the whole file. The
 * driver caches each statement per connection, so every row reuses the
 * statements prepared for the first. */

struct store_import {
	store *s;
	db_conn *c;
	int failed; /* after a failed row nothing more is written, and the end rolls back */
	/* The site and adviser of the previous row, known to exist: a file
	 * usually holds one site, and checking it once is enough. */
	int64_t site_id, agent_id;
};

int store_import_begin(store *s, store_import **out)
{
	*out = NULL;
	db_conn *c = db_acquire(s->db);
	if (store_tx_begin(s, c, "import") != STORE_OK) {
		db_release(s->db, c);
		return STORE_ERROR;
	}
	store_import *im = xcalloc(1, sizeof *im);
	im->s = s;
	im->c = c;
	*out = im;
	return STORE_OK;
}

int store_import_visit(store_import *im, store_visit *v)
{
	if (!im || im->failed)
		return STORE_ERROR;
	int known = v->site_id == im->site_id && v->agent_id == im->agent_id;
	int rc = sv_insert_tx(im->s, im->c, v, now_s(), !known);
	if (rc != STORE_OK) {
		im->failed = 1;
		return rc;
	}
	im->site_id = v->site_id;
	im->agent_id = v->agent_id;
	return rc;
}

int store_import_end(store_import *im, int ok)
{
	if (!im)
		return STORE_ERROR;
	int commit = ok && !im->failed;
	int rc = store_tx_end(im->s, im->c, "import", commit ? STORE_OK : STORE_ERROR);
	db_release(im->s->db, im->c);
	if (commit && rc == STORE_OK)
		store_site_changed(im->s, 0);
	free(im);
	if (!commit)
		return ok ? STORE_ERROR : STORE_OK;
	return rc;
}
