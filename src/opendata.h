/*
 * opendata.h: what Guichet publishes (docs/opendata.md).
 *
 *  - the activity by site and month: one row per site and month, one
 *    column per indicator (visits, demands, solved on site, and every code
 *    of the breakdowns by channel, operator, theme, outcome, age bracket
 *    and gender), every count masked by smallcount.h within its group, and
 *    no total across sites or months published, so nothing can be
 *    recovered by subtraction;
 *  - the sites in the national standard of the places of digital mediation
 *    ("Lieux de médiation numérique" v1.0.2, CSV and JSON) and in the
 *    columns of the France Services sites dataset (REFERENCE.md section 7).
 */
#ifndef GUICHET_OPENDATA_H
#define GUICHET_OPENDATA_H

#include <stdint.h>

#include "stats.h"
#include "store.h"
#include "util.h"

/* The activity of every site for the months of [from_month, to_month]
 * ("YYYY-MM"), as CSV (';' separated, UTF-8 with BOM, CRLF), asked of the
 * engine. -1 with a message in err (bad month, store failure). */
int opendata_activity_csv(store *s, stats_engine *e, const char *from_month, const char *to_month, buf *out,
                          char *err, size_t errlen);
/* Sites as "Lieux de médiation numérique" (CSV with ',' or JSON array). */
int opendata_lieux_csv(store *s, buf *out, char *err, size_t errlen);
int opendata_lieux_json(store *s, buf *out, char *err, size_t errlen);
/* Sites in the columns of the France Services dataset (';' CSV). */
int opendata_france_services_csv(store *s, buf *out, char *err, size_t errlen);

#endif
