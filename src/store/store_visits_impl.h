/*
 * store_visits_impl.h: what store_visits.c and store_visit_query.c share and
 * nobody else sees: the column lists of the accompaniment record and their
 * row readers.
 */
#ifndef GUICHET_STORE_VISITS_IMPL_H
#define GUICHET_STORE_VISITS_IMPL_H

#include <stdint.h>

#include "db/db.h"
#include "store/store.h"
#include "util/util.h"

/* Columns of a visit (alias v, adviser u), SV_NVISIT of them. */
#define SV_VISIT_COLS                                                                                        \
	"v.id, v.site_id, COALESCE(v.agent_id, 0), v.visitor_id, v.started_at, v.channel, v.place, "         \
	"v.duration_min, v.created_at, v.updated_at, v.deleted_at, COALESCE(u.name, '')"
#define SV_NVISIT 12
/* Columns of a visitor (alias p), SV_NVISITOR of them. */
#define SV_VISITOR_COLS                                                                                      \
	"p.id, p.site_id, p.age_bracket, p.birth_year, p.gender, p.social_status, p.commune_insee, "         \
	"p.no_phone, p.no_email, p.no_device, p.no_internet, p.allophone, p.languages, p.illiteracy, "       \
	"p.disabilities, p.very_precarious, p.identified, p.full_name, p.phone, p.email, "                   \
	"p.consent_reason, p.consent_at, p.created_at, p.updated_at, p.phone_kind"
#define SV_NVISITOR 25
/* Columns of a demand (alias d). */
#define SV_DEMAND_COLS                                                                                       \
	"d.id, d.visit_id, d.site_id, d.operator_code, d.theme_code, COALESCE(d.procedure_id, 0), "          \
	"d.procedure_text, d.level, d.mandate_type, d.mandate_ref, d.autonomy, d.equipment, "                \
	"d.interpreting, d.interpreting_lang, d.outcome, d.referral_type, d.escalation_id, "                 \
	"d.duration_min, d.note, d.created_at, d.updated_at"
/* A visit with its visitor and its adviser's name. */
#define SV_VISIT_FROM                                                                                        \
	" FROM visits v JOIN visitors p ON p.id = v.visitor_id LEFT JOIN users u ON u.id = v.agent_id"

/* Read a row from column c on. With an arena the texts are copied into
 * it; with NULL they point into the row, valid until the next step. -1
 * when the arena is full. */
int sv_read_visit(db_stmt *st, int c, arena *a, store_visit *v);
int sv_read_visitor(db_stmt *st, int c, arena *a, store_visitor *p);
int sv_read_demand(db_stmt *st, int c, arena *a, store_demand *d);

/* Inserts v (visitor, visit, demands) inside the caller's transaction;
 * check_refs 0 skips checking that the site and adviser exist (the caller
 * knows). */
int sv_insert_tx(store *s, db_conn *c, store_visit *v, int64_t now, int check_refs);
/* Reads the demands of v->id into v. */
int sv_load_demands(store *s, db_conn *c, arena *a, store_visit *v);

#endif
