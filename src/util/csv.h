/*
 * csv.h: reading and writing CSV files (RFC 4180), the format of the
 * accompaniment import and export.
 *
 * The reader streams: it holds one record at a time, whatever the size of
 * the file. It accepts quoted fields (with separators, quotes and line
 * breaks inside), CRLF, LF or CR line ends, a UTF-8 byte-order mark, and a
 * ',' or ';' separator guessed from the header line (French spreadsheets
 * write ';'). Every field must be valid UTF-8 without NUL. Limits on the
 * length of a field and of a record and on the number of columns keep a
 * hostile file from taking the memory; crossing one is an error, and so is
 * any malformed quoting: the reader stops at the first such error, since
 * nothing after it can be trusted to be aligned with the columns.
 *
 * The writer escapes by construction: a cell is quoted when it must be, and
 * a cell that a spreadsheet would run as a formula (starting with = + - @,
 * a tab or a carriage return) gets a leading apostrophe. So that exports
 * read back exactly, a cell that starts with an apostrophe gets one more,
 * and csv_unformula removes one apostrophe before any of those characters.
 */
#ifndef GUICHET_CSV_H
#define GUICHET_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/util.h"

/* Reads up to n bytes into dst: the count, 0 at the end, -1 on an error. */
typedef ssize_t (*csv_read_fn)(void *ctx, char *dst, size_t n);

typedef struct csv_limits {
	size_t field_bytes;  /* one field, after unquoting */
	size_t record_bytes; /* one record, after unquoting */
	size_t columns;
} csv_limits;

/* The limits of guichet_limits.h (LIMIT_CSV_*). */
csv_limits csv_default_limits(void);

typedef struct csv_reader csv_reader;

/* A reader pulling bytes from fn. sep is ',' or ';', or 0 to guess it from
 * the first record (the more frequent of the two outside quotes; ',' when
 * neither appears). lim NULL means the default limits. */
csv_reader *csv_reader_new(csv_read_fn fn, void *ctx, char sep, const csv_limits *lim);
/* A reader over bytes already in memory (not copied: they must outlive it). */
csv_reader *csv_reader_mem(const char *data, size_t len, char sep, const csv_limits *lim);
void csv_reader_free(csv_reader *r);

/* One record. The fields belong to the reader and are valid until the next
 * call to csv_read; they are NUL-terminated and never contain NUL. */
typedef struct csv_record {
	char **fields;
	const size_t *lens;
	size_t n;
	uint64_t line;   /* physical line where the record starts, from 1 */
	uint64_t number; /* record number, from 1 (the header line is 1) */
} csv_record;

/* Reads the next record: 1, 0 at the end of the input, or -1 on an error
 * (csv_error tells which; every later call returns -1 too). Empty lines
 * between records are skipped. */
int csv_read(csv_reader *r, csv_record *rec);
/* The separator in use: the one given, or the one guessed (after the first
 * csv_read). */
char csv_separator(const csv_reader *r);
/* The reason of the last error (a French msgid) and the physical line where
 * it was found; NULL when there was none. */
const char *csv_error(const csv_reader *r, uint64_t *line);
/* Bytes of input consumed so far (for a progress bar). */
uint64_t csv_offset(const csv_reader *r);

/* Removes, in place, one leading apostrophe that protects a cell starting
 * with = + - @ tab, carriage return or another apostrophe (the writer's
 * escaping), and returns s. */
char *csv_unformula(char *s);

/* The writer appends to a buf; its owner drains or checks it (overflow). */
typedef struct csv_writer {
	buf *b;
	char sep;
	int in_row; /* a cell was written on the current row */
} csv_writer;

void csv_writer_init(csv_writer *w, buf *b, char sep);
/* The UTF-8 byte-order mark, so that spreadsheets read accents right. */
void csv_write_bom(csv_writer *w);
/* One cell; NULL is an empty cell. */
void csv_cell(csv_writer *w, const char *s);
void csv_cell_int(csv_writer *w, int64_t v);
/* Ends the row with CRLF. */
void csv_row_end(csv_writer *w);

#endif
