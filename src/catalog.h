/*
 * catalog.h: the rules of the reference data that administrators edit:
 * partner operators and the catalog of procedures.
 */
#ifndef GUICHET_CATALOG_H
#define GUICHET_CATALOG_H

#include "store.h"
#include "util.h"

/* Code: 2–32 lower-case letters, digits or '_'; name required. */
int catalog_operator_validate(store_operator *o, field_errors *e);
/* Label required; theme and default operator must exist; url empty or
 * http(s)://…; documents ≤ LIMIT_TEXT_BYTES. */
int catalog_procedure_validate(store *st, store_procedure *p, field_errors *e);

#endif
