/*
 * demand_csv.h: the accompaniment CSV file (docs/csv.md): one row per
 * demand, with its visit and its visitor's anonymous profile repeated on
 * each row. Rows with the same visit_ref, one after the other, are the
 * demands of one visit.
 *
 * Import reads a CSV file visit by visit and gives each visit checked by
 * visit_validate, with every problem tied to a line and a column. Export
 * writes the live demands of a filter through store_demand_each, one row at
 * a time, so that a year of records never sits in memory.
 *
 * No HTTP and no SQL: the command line and the pages drive these functions
 * and decide what to do with the visits (store_import_*).
 */
#ifndef GUICHET_DEMAND_CSV_H
#define GUICHET_DEMAND_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "util/csv.h"
#include "store/store.h"
#include "util/util.h"

/* One problem of the file. Texts are French msgids (the caller translates);
 * value and expected are data, shown as they are. */
typedef struct demand_csv_error {
	uint64_t line;        /* physical line of the file, from 1; 0 for the file as a whole */
	const char *column;   /* the column's heading; NULL for the whole line */
	const char *msgid;    /* what is wrong */
	const char *value;    /* the value found, or NULL */
	const char *expected; /* the values allowed, or NULL */
} demand_csv_error;

/* Errors in the order found. The first LIMIT_IMPORT_ERRORS are kept (their
 * strings in a), the others only counted. */
typedef struct demand_csv_errors {
	demand_csv_error *v;
	size_t n;
	size_t total;
	arena *a;
} demand_csv_errors;

/* a holds the kept errors and outlives them. */
void demand_csv_errors_init(demand_csv_errors *e, arena *a);

typedef struct demand_csv_options {
	int64_t site_id;          /* every visit at this site; 0: the "Identifiant du lieu" column */
	int64_t agent_id;         /* every visit by this adviser; 0: the "Conseiller (e-mail)" column */
	int64_t default_agent_id; /* where that column is absent or empty; 0: none */
	int64_t now;              /* no visit after this moment */
} demand_csv_options;

typedef struct demand_csv_import demand_csv_import;

/* Reads and checks the header line of csv. Returns 0, or -1 with the
 * problems in e (an empty file, unknown, repeated or missing columns, an
 * unreadable file); *out is NULL then. */
int demand_csv_import_open(demand_csv_import **out, store *st, csv_reader *csv, const demand_csv_options *o,
                           demand_csv_errors *e);
/* The next visit, with its visitor and its demands, checked: 1 with *v
 * filled and *valid set to 1 when it has no problem (else its problems are
 * in e); 0 at the end of the file; -1 when the file cannot be read further
 * (the reason is in e). The visit's strings come from a and from the
 * import, and stay valid until the next call. */
int demand_csv_import_next(demand_csv_import *im, arena *a, store_visit *v, int *valid);
/* Rows (demands) and visits read so far. */
uint64_t demand_csv_import_rows(const demand_csv_import *im);
uint64_t demand_csv_import_visits(const demand_csv_import *im);
void demand_csv_import_close(demand_csv_import *im);

/* Export. After each row, flush (when not NULL) may drain out; returning
 * -1 stops the export. */
typedef int (*demand_csv_flush_fn)(void *ctx, buf *out);

typedef struct demand_csv_export demand_csv_export;

demand_csv_export *demand_csv_export_new(store *st, buf *out, char sep, demand_csv_flush_fn flush, void *ctx);
/* Writes the byte-order mark, the header and a row per live demand of f,
 * oldest first. Returns 0, or -1 when the store failed, flush refused or
 * out overflowed. */
int demand_csv_export_run(demand_csv_export *x, const store_visit_filter *f);
/* Demand rows written. */
uint64_t demand_csv_export_rows(const demand_csv_export *x);
void demand_csv_export_free(demand_csv_export *x);

/* The columns, in file order (for the documentation and the tests). */
size_t demand_csv_column_count(void);
const char *demand_csv_column_heading(size_t i);

#endif
