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

#include "stats/stats.h"
#include "store/store.h"
#include "util/util.h"

/* The most months one activity file covers. */
#define OPENDATA_MAX_MONTHS 36

/* Reads the months "YYYY-MM" of [from, to]: 0 with the first month as
 * year * 12 + month - 1 and the number of months, or -1 with the reason
 * as a French msgid (a bad month, from after to, more than
 * OPENDATA_MAX_MONTHS) and in *field which of the two is wrong. */
int opendata_months_parse(const char *from, const char *to, int *first, int *n, const char **msgid,
                          const char **field);
/* The last OPENDATA_DEFAULT_MONTHS whole months before the month of
 * now (a Unix time, local calendar), as "YYYY-MM" into from and to. */
#define OPENDATA_DEFAULT_MONTHS 12
void opendata_default_months(int64_t now, char from[8], char to[8]);

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
