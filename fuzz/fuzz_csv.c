/* fuzz_csv.c: the CSV reader on any bytes, in memory and through a source
 * that gives few bytes at a time (both must agree), with small limits so
 * that every limit is reached; then every record written back and read
 * again must give the same fields. */
#include <string.h>

#include "util/csv.h"
#include "util/guichet_limits.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

struct drip {
	const unsigned char *s;
	size_t len, pos;
};

static ssize_t drip_read(void *ctx, char *dst, size_t n)
{
	struct drip *d = ctx;
	size_t k = d->len - d->pos;
	if (k > 7)
		k = 7;
	if (k > n)
		k = n;
	memcpy(dst, d->s + d->pos, k);
	d->pos += k;
	return (ssize_t)k;
}

/* Writes rec with w and reads it back: the same fields, or a trap. */
static void rewrite(const csv_record *rec, char sep, buf *b)
{
	csv_writer w;
	buf_reset(b);
	csv_writer_init(&w, b, sep);
	/* As exports do: a first cell that starts with U+FEFF is then not
	 * taken for the mark. */
	csv_write_bom(&w);
	for (size_t i = 0; i < rec->n; i++)
		csv_cell(&w, rec->fields[i]);
	csv_row_end(&w);
	if (b->overflow)
		return;
	csv_limits big = {LIMIT_CSV_FIELD_BYTES, LIMIT_CSV_RECORD_BYTES * 3, LIMIT_CSV_COLUMNS};
	csv_reader *r = csv_reader_mem(b->data, b->len, sep, &big);
	csv_record back;
	int rc = csv_read(r, &back);
	int empty = rec->n == 1 && rec->lens[0] == 0;
	if (empty ? rc != 0 : rc != 1 || back.n != rec->n)
		__builtin_trap();
	for (size_t i = 0; rc == 1 && i < back.n; i++) {
		csv_unformula(back.fields[i]);
		if (strcmp(back.fields[i], rec->fields[i]) != 0)
			__builtin_trap();
	}
	csv_reader_free(r);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	csv_limits lim = {.field_bytes = 64, .record_bytes = 256, .columns = 16};
	csv_reader *mem = csv_reader_mem((const char *)data, size, 0, &lim);
	struct drip d = {data, size, 0};
	csv_reader *str = csv_reader_new(drip_read, &d, 0, &lim);
	buf b;
	buf_init(&b, 1 << 16);
	for (;;) {
		csv_record a, c;
		int ra = csv_read(mem, &a), rc = csv_read(str, &c);
		if (ra != rc)
			__builtin_trap();
		if (ra != 1)
			break;
		if (a.n != c.n || a.n == 0 || a.n > lim.columns || a.line != c.line)
			__builtin_trap();
		size_t total = 0;
		for (size_t i = 0; i < a.n; i++) {
			if (a.lens[i] != c.lens[i] || memcmp(a.fields[i], c.fields[i], a.lens[i]) != 0 ||
			    a.lens[i] > lim.field_bytes || strlen(a.fields[i]) != a.lens[i] ||
			    !utf8_valid(a.fields[i], a.lens[i]))
				__builtin_trap();
			total += a.lens[i];
		}
		if (total > lim.record_bytes)
			__builtin_trap();
		rewrite(&a, csv_separator(mem), &b);
	}
	uint64_t l1, l2;
	const char *e1 = csv_error(mem, &l1), *e2 = csv_error(str, &l2);
	if (!e1 != !e2 || (e1 && (strcmp(e1, e2) != 0 || l1 != l2)))
		__builtin_trap();
	buf_free(&b);
	csv_reader_free(mem);
	csv_reader_free(str);
	return 0;
}
