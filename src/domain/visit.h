/*
 * visit.h: the rules of an accompaniment record: a visit (when, where, by
 * which channel), its visitor's anonymous profile (identified only with
 * consent and a reason), its demands (operator, theme, procedure, level,
 * outcome…), and workshops. No SQL and no HTTP: references (operators,
 * themes, procedures, communes) are checked through the store.
 *
 * Error field names, shared by the pages, the CSV import and the API:
 * visit and visitor fields by their store name ("channel", "gender",
 * "commune_insee"…); demand fields as "dN_name" with N counting from 1
 * ("d1_operator_code", "d2_outcome").
 */
#ifndef GUICHET_VISIT_H
#define GUICHET_VISIT_H

#include <stdint.h>

#include "store/store.h"
#include "util/util.h"

#define VISIT_MAX_DEMANDS 10
#define VISIT_MAX_DURATION_MIN 600
#define VISIT_NOTE_BYTES 500
/* Participants of one workshop (added). */
#define VISIT_MAX_PARTICIPANTS 500

/* Checks and normalises v, its visitor and its demands: required fields,
 * vocabularies, references, lengths, UTF-8, coherence (a mandate only for
 * fait_pour, a referral type only for oriente, identification only with a
 * consent reason, the age bracket derived from a birth year). Returns 0, or
 * -1 with every problem in e, or VISIT_STORE_TROUBLE when the store could
 * not be read to check the references (e then says to try again: the input
 * may well be right). now bounds dates (no visit in the future). */
#define VISIT_STORE_TROUBLE (-2)
int visit_validate(store *st, store_visit *v, int64_t now, field_errors *e);
/* 1 when a record created at created_at may still be corrected or deleted. */
int visit_in_correction_window(int64_t created_at, int64_t correction_days, int64_t now);
int workshop_validate(store *st, store_workshop *w, int64_t now, field_errors *e);

#endif
