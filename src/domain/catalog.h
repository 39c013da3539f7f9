/*
 * catalog.h: the rules of the reference data that administrators edit:
 * partner operators, the catalog of procedures, the labels of the themes
 * and the digital-skills topics.
 */
#ifndef GUICHET_CATALOG_H
#define GUICHET_CATALOG_H

#include "store/store.h"
#include "util/util.h"

/* Code: 2–32 lower-case letters, digits or '_'; name required. */
int catalog_operator_validate(store_operator *o, field_errors *e);
/* Label required; theme and default operator must exist; url empty or
 * http(s)://…; documents ≤ LIMIT_TEXT_BYTES. */
int catalog_procedure_validate(store *st, store_procedure *p, field_errors *e);
/* Label required, ≤ LIMIT_NAME_BYTES, UTF-8 without control characters;
 * the code is not checked: it is one of the 11 and does not change. */
int catalog_theme_validate(store_theme *t, field_errors *e);
/* The same label rule; with check_new_code (a new topic) the code follows the
 * operators' rule: 2–32 lower-case letters, digits or '_'. */
int catalog_topic_validate(store_topic *t, int check_new_code, field_errors *e);

#endif
