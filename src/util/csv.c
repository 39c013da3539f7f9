/*
 * csv.c: the streaming CSV reader and the escaping writer of csv.h.
 *
 * The reader keeps two buffers: the input (bytes not yet parsed, refilled
 * from the source) and the current record (fields unquoted, each followed
 * by a NUL). Both have a fixed size derived from the limits, so a file of
 * any length is read in constant memory.
 */
#include "util/csv.h"

#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/guichet_limits.h"

#define INPUT_CHUNK ((size_t)64 * 1024)
#define BOM "\xEF\xBB\xBF"

static const char MSG_READ[] = N_("Le fichier n'a pas pu être lu.");
static const char MSG_QUOTE_OPEN[] = N_("Un guillemet ouvert n'est jamais fermé.");
static const char MSG_AFTER_QUOTE[] =
    N_("Caractère inattendu après un guillemet fermant : mettez tout le champ "
       "entre guillemets et doublez les guillemets qu'il contient.");
static const char MSG_FIELD_LONG[] = N_("Une cellule est trop longue.");
static const char MSG_RECORD_LONG[] = N_("Une ligne est trop longue.");
static const char MSG_COLUMNS[] = N_("Une ligne a trop de colonnes.");
static const char MSG_NUL[] = N_("Le fichier contient un caractère nul : ce n'est pas un fichier texte.");
static const char MSG_UTF8[] =
    N_("Le fichier n'est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 ».");

struct csv_reader {
	csv_read_fn fn;
	void *ctx;
	csv_limits lim;
	char sep;
	int started;

	/* Input: in[pos, len) is waiting to be parsed. */
	const char *in;
	char *own; /* in, when the reader owns it (streaming) */
	size_t cap, pos, len;
	uint64_t base; /* bytes consumed before in[0] */
	int eof;

	/* The record being built. */
	char *rec;
	size_t rlen, rcap;
	size_t *off, *lens;
	char **fields;
	size_t nfields;
	uint64_t line; /* physical line of the next byte */
	uint64_t number;

	const char *error;
	uint64_t error_line;
};

csv_limits csv_default_limits(void)
{
	return (csv_limits){(size_t)LIMIT_CSV_FIELD_BYTES, (size_t)LIMIT_CSV_RECORD_BYTES, LIMIT_CSV_COLUMNS};
}

static csv_reader *reader_alloc(char sep, const csv_limits *lim)
{
	csv_reader *r = xcalloc(1, sizeof *r);
	r->lim = lim ? *lim : csv_default_limits();
	if (r->lim.columns == 0)
		r->lim.columns = 1;
	r->sep = sep == ';' || sep == ',' ? sep : 0;
	/* One NUL per field after the bytes. */
	r->rcap = r->lim.record_bytes + r->lim.columns + 1;
	r->rec = xmalloc(r->rcap);
	r->off = xcalloc(r->lim.columns, sizeof *r->off);
	r->lens = xcalloc(r->lim.columns, sizeof *r->lens);
	r->fields = xcalloc(r->lim.columns, sizeof *r->fields);
	r->line = 1;
	return r;
}

csv_reader *csv_reader_new(csv_read_fn fn, void *ctx, char sep, const csv_limits *lim)
{
	csv_reader *r = reader_alloc(sep, lim);
	r->fn = fn;
	r->ctx = ctx;
	/* Room for a whole first record, which the separator guess scans
	 * before parsing it. */
	r->cap = r->lim.record_bytes + INPUT_CHUNK;
	r->own = xmalloc(r->cap);
	r->in = r->own;
	return r;
}

csv_reader *csv_reader_mem(const char *data, size_t len, char sep, const csv_limits *lim)
{
	csv_reader *r = reader_alloc(sep, lim);
	r->in = data ? data : "";
	r->len = data ? len : 0;
	r->cap = r->len;
	r->eof = 1;
	return r;
}

void csv_reader_free(csv_reader *r)
{
	if (!r)
		return;
	free(r->own);
	free(r->rec);
	free(r->off);
	free(r->lens);
	free(r->fields);
	free(r);
}

static int fail(csv_reader *r, const char *msg, uint64_t line)
{
	if (!r->error) {
		r->error = msg;
		r->error_line = line;
	}
	return -1;
}

/* Reads more input after what is waiting; 1 when bytes came, 0 at the end,
 * -1 on a read error. */
static int fill(csv_reader *r)
{
	if (r->eof)
		return 0;
	if (r->pos > 0) {
		memmove(r->own, r->own + r->pos, r->len - r->pos);
		r->base += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == r->cap)
		return 1; /* full: the caller has enough to work on */
	ssize_t got = r->fn(r->ctx, r->own + r->len, r->cap - r->len);
	if (got < 0) {
		r->eof = 1;
		return fail(r, MSG_READ, r->line);
	}
	if (got == 0) {
		r->eof = 1;
		return 0;
	}
	r->len += (size_t)got;
	return 1;
}

/* The next byte, or -1 at the end (or after a read error). */
static inline int get(csv_reader *r)
{
	if (r->pos == r->len && fill(r) <= 0)
		return -1;
	return (unsigned char)r->in[r->pos++];
}

static inline int peek(csv_reader *r)
{
	if (r->pos == r->len && fill(r) <= 0)
		return -1;
	return (unsigned char)r->in[r->pos];
}

/* Makes sure in[pos + need - 1] is there if the input has it. */
static void want(csv_reader *r, size_t need)
{
	while (r->len - r->pos < need && fill(r) > 0)
		;
}

/* Skips a byte-order mark and guesses the separator from the first record:
 * counts ',' and ';' outside quotes until its end of line. */
static void start(csv_reader *r)
{
	r->started = 1;
	want(r, 3);
	if (r->len - r->pos >= 3 && memcmp(r->in + r->pos, BOM, 3) == 0)
		r->pos += 3;
	if (r->sep)
		return;
	size_t commas = 0, semis = 0, i = 0;
	int quoted = 0;
	/* Up to a record's limit, whatever the source, so that a file read
	 * from memory and the same file streamed get the same guess. */
	while (i <= r->lim.record_bytes + r->lim.columns) {
		if (r->pos + i == r->len) {
			if (fill(r) <= 0 || r->pos + i == r->len)
				break;
			continue;
		}
		char c = r->in[r->pos + i++];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '\n' || c == '\r'))
			break;
		else if (!quoted && c == ',')
			commas++;
		else if (!quoted && c == ';')
			semis++;
	}
	r->sep = semis > commas ? ';' : ',';
}

static int append(csv_reader *r, int c, size_t field_start)
{
	if (r->rlen - field_start >= r->lim.field_bytes)
		return fail(r, MSG_FIELD_LONG, r->line);
	if (r->rlen >= r->lim.record_bytes + r->nfields)
		return fail(r, MSG_RECORD_LONG, r->line);
	r->rec[r->rlen++] = (char)c;
	return 0;
}

static int end_field(csv_reader *r, size_t field_start)
{
	if (r->nfields == r->lim.columns)
		return fail(r, MSG_COLUMNS, r->line);
	r->off[r->nfields] = field_start;
	r->lens[r->nfields] = r->rlen - field_start;
	r->nfields++;
	r->rec[r->rlen++] = '\0';
	return 0;
}

/* After a CR: a following LF belongs to the same line end. */
static void line_end(csv_reader *r, int c)
{
	if (c == '\r' && peek(r) == '\n')
		r->pos++;
	r->line++;
}

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTE_SEEN };

static int parse_record(csv_reader *r)
{
	enum state st = FIELD_START;
	size_t field_start = 0;
	uint64_t quote_line = r->line;
	r->nfields = 0;
	r->rlen = 0;
	for (;;) {
		int c = get(r);
		if (r->error)
			return -1;
		switch (st) {
		case FIELD_START:
			if (c == '"') {
				st = QUOTED;
				quote_line = r->line;
				break;
			}
			/* fall through */
		case UNQUOTED:
			if (c == -1)
				return end_field(r, field_start);
			if (c == r->sep) {
				if (end_field(r, field_start) != 0)
					return -1;
				field_start = r->rlen;
				st = FIELD_START;
			} else if (c == '\n' || c == '\r') {
				line_end(r, c);
				return end_field(r, field_start);
			} else {
				/* A quote inside an unquoted field is kept as
				 * it is, as spreadsheets do. */
				if (append(r, c, field_start) != 0)
					return -1;
				st = UNQUOTED;
			}
			break;
		case QUOTED:
			if (c == -1)
				return fail(r, MSG_QUOTE_OPEN, quote_line);
			if (c == '"') {
				st = QUOTE_SEEN;
				break;
			}
			if (c == '\n' || (c == '\r' && peek(r) != '\n'))
				r->line++;
			if (append(r, c, field_start) != 0)
				return -1;
			break;
		case QUOTE_SEEN:
			if (c == '"') {
				if (append(r, c, field_start) != 0)
					return -1;
				st = QUOTED;
			} else if (c == r->sep) {
				if (end_field(r, field_start) != 0)
					return -1;
				field_start = r->rlen;
				st = FIELD_START;
			} else if (c == -1) {
				return end_field(r, field_start);
			} else if (c == '\n' || c == '\r') {
				line_end(r, c);
				return end_field(r, field_start);
			} else {
				return fail(r, MSG_AFTER_QUOTE, r->line);
			}
			break;
		}
	}
}

int csv_read(csv_reader *r, csv_record *rec)
{
	memset(rec, 0, sizeof *rec);
	if (r->error)
		return -1;
	if (!r->started)
		start(r);
	/* Empty lines between records are not records. */
	for (;;) {
		int c = peek(r);
		if (r->error)
			return -1;
		if (c == -1)
			return 0;
		if (c != '\n' && c != '\r')
			break;
		r->pos++;
		line_end(r, c);
	}
	uint64_t line = r->line;
	if (parse_record(r) != 0)
		return -1;
	for (size_t i = 0; i < r->nfields; i++) {
		r->fields[i] = r->rec + r->off[i];
		if (memchr(r->fields[i], '\0', r->lens[i]))
			return fail(r, MSG_NUL, line);
		if (!utf8_valid(r->fields[i], r->lens[i]))
			return fail(r, MSG_UTF8, line);
	}
	rec->fields = r->fields;
	rec->lens = r->lens;
	rec->n = r->nfields;
	rec->line = line;
	rec->number = ++r->number;
	return 1;
}

char csv_separator(const csv_reader *r)
{
	return r->sep ? r->sep : ',';
}

const char *csv_error(const csv_reader *r, uint64_t *line)
{
	if (line)
		*line = r->error ? r->error_line : 0;
	return r->error;
}

uint64_t csv_offset(const csv_reader *r)
{
	return r->base + r->pos;
}

/* Characters that make a spreadsheet read a cell as a formula, plus the
 * apostrophe itself so that the escaping can be undone without ambiguity. */
static int formula_start(char c)
{
	return c && strchr("=+-@\t\r'", c) != NULL;
}

char *csv_unformula(char *s)
{
	if (s && s[0] == '\'' && formula_start(s[1]))
		memmove(s, s + 1, strlen(s));
	return s;
}

void csv_writer_init(csv_writer *w, buf *b, char sep)
{
	w->b = b;
	w->sep = sep == ';' ? ';' : ',';
	w->in_row = 0;
}

void csv_write_bom(csv_writer *w)
{
	buf_puts(w->b, BOM);
}

void csv_cell(csv_writer *w, const char *s)
{
	if (w->in_row)
		buf_putc(w->b, w->sep);
	w->in_row = 1;
	if (!s)
		s = "";
	char specials[] = {'"', '\r', '\n', w->sep, '\0'};
	int quote = s[strcspn(s, specials)] != '\0';
	if (quote)
		buf_putc(w->b, '"');
	if (formula_start(s[0]))
		buf_putc(w->b, '\'');
	for (const char *p = s;;) {
		const char *q = strchr(p, '"');
		if (!q) {
			buf_puts(w->b, p);
			break;
		}
		buf_append(w->b, p, (size_t)(q - p) + 1);
		buf_putc(w->b, '"');
		p = q + 1;
	}
	if (quote)
		buf_putc(w->b, '"');
}

void csv_cell_int(csv_writer *w, int64_t v)
{
	if (w->in_row)
		buf_putc(w->b, w->sep);
	w->in_row = 1;
	buf_printf(w->b, "%lld", (long long)v);
}

void csv_row_end(csv_writer *w)
{
	buf_puts(w->b, "\r\n");
	w->in_row = 0;
}
