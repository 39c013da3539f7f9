/*
 * test_csv.c: the CSV reader and writer (csv.h): RFC 4180 quoting, line
 * ends, the byte-order mark, the separator guess, every limit and malformed
 * input, streaming through a source that gives one byte at a time, the
 * escaping of spreadsheet formulas, and random round trips.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "util/guichet_limits.h"

/* Reads every record of text; returns the count, fills out[i][j] (up to
 * 8×8 cells, copied) and the lines of the records. -1 on an error. */
struct parsed {
	char cell[16][8][64];
	size_t ncols[16];
	uint64_t line[16];
	size_t n;
	const char *error;
	uint64_t error_line;
};

static int parse_with(csv_reader *r, struct parsed *p)
{
	csv_record rec;
	int rc;
	memset(p, 0, sizeof *p);
	while ((rc = csv_read(r, &rec)) == 1) {
		assert_true(p->n < 16);
		p->ncols[p->n] = rec.n;
		p->line[p->n] = rec.line;
		for (size_t i = 0; i < rec.n && i < 8; i++) {
			assert_int_equal(strlen(rec.fields[i]), rec.lens[i]);
			snprintf(p->cell[p->n][i], 64, "%s", rec.fields[i]);
		}
		p->n++;
	}
	p->error = csv_error(r, &p->error_line);
	return rc;
}

static int parse(const char *text, char sep, struct parsed *p)
{
	csv_reader *r = csv_reader_mem(text, strlen(text), sep, NULL);
	int rc = parse_with(r, p);
	csv_reader_free(r);
	return rc;
}

static void test_simple(void **state)
{
	struct parsed p;
	assert_int_equal(parse("a,b,c\n1,2,3\n", 0, &p), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.ncols[0], 3);
	assert_string_equal(p.cell[1][2], "3");
	assert_int_equal(p.line[1], 2);
	/* No final line end, empty cells, a trailing separator. */
	assert_int_equal(parse("a,,c\n,,\nx,", 0, &p), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.ncols[1], 3);
	assert_string_equal(p.cell[1][0], "");
	assert_int_equal(p.ncols[2], 2);
	assert_string_equal(p.cell[2][1], "");
	assert_null(p.error);
	/* Nothing at all, or only line ends: no record. */
	assert_int_equal(parse("", 0, &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(parse("\r\n\n\r", 0, &p), 0);
	assert_int_equal(p.n, 0);
}

static void test_line_ends_and_bom(void **state)
{
	struct parsed p;
	assert_int_equal(parse("\xEF\xBB\xBFh1;h2\r\nx;y\r\n\r\nz;w\rq;r", 0, &p), 0);
	assert_int_equal(p.n, 4);
	assert_string_equal(p.cell[0][0], "h1"); /* the mark is not part of the heading */
	assert_string_equal(p.cell[1][1], "y");
	assert_int_equal(p.line[2], 4); /* the empty line counts */
	assert_int_equal(p.line[3], 5); /* a lone CR ends a line too */
	assert_string_equal(p.cell[3][0], "q");
}

static void test_separator_guess(void **state)
{
	csv_reader *r = csv_reader_mem("a;b;c\n1,5;2;3\n", 14, 0, NULL);
	csv_record rec;
	assert_int_equal(csv_read(r, &rec), 1);
	assert_int_equal(csv_separator(r), ';');
	assert_int_equal(csv_read(r, &rec), 1);
	assert_int_equal(rec.n, 3);
	assert_string_equal(rec.fields[0], "1,5");
	csv_reader_free(r);

	/* Separators inside quotes do not count; a tie or nothing means ','. */
	struct parsed p;
	assert_int_equal(parse("\"a;b;c\",d\n", 0, &p), 0);
	assert_int_equal(p.ncols[0], 2);
	assert_int_equal(parse("single\nvalue\n", 0, &p), 0);
	assert_int_equal(p.ncols[0], 1);
	/* A forced separator wins over the guess. */
	assert_int_equal(parse("a;b,c\n", ',', &p), 0);
	assert_int_equal(p.ncols[0], 2);
	assert_string_equal(p.cell[0][0], "a;b");
}

static void test_quotes(void **state)
{
	struct parsed p;
	assert_int_equal(parse("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nnext,\"\",x\"y\n", 0, &p), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.cell[0][0], "a,b");
	assert_string_equal(p.cell[0][1], "say \"hi\"");
	assert_string_equal(p.cell[0][2], "two\r\nlines");
	assert_int_equal(p.line[1], 3); /* the record after a two-line field */
	assert_string_equal(p.cell[1][1], "");
	assert_string_equal(p.cell[1][2], "x\"y"); /* kept, as spreadsheets do */
	/* A quoted field at the very end, without line end. */
	assert_int_equal(parse("a,\"b\"", 0, &p), 0);
	assert_string_equal(p.cell[0][1], "b");
}

static void test_malformed(void **state)
{
	struct parsed p;
	assert_int_equal(parse("a,b\n1,\"open\n2,3\n", 0, &p), -1);
	assert_int_equal(p.n, 1);
	assert_non_null(p.error);
	assert_int_equal(p.error_line, 2); /* where the quote opened */
	assert_int_equal(parse("a,b\n\"x\"y,2\n", 0, &p), -1);
	assert_int_equal(p.error_line, 2);
	/* After an error every call fails again. */
	csv_reader *r = csv_reader_mem("\"x\"y", 4, 0, NULL);
	csv_record rec;
	assert_int_equal(csv_read(r, &rec), -1);
	assert_int_equal(csv_read(r, &rec), -1);
	csv_reader_free(r);
	/* NUL and invalid UTF-8, with the line of the record. */
	const char nul[] = "a\nb\0c\n";
	r = csv_reader_mem(nul, sizeof nul - 1, 0, NULL);
	assert_int_equal(parse_with(r, &p), -1);
	assert_int_equal(p.error_line, 2);
	csv_reader_free(r);
	assert_int_equal(parse("ok\n\xC3\x28\n", 0, &p), -1);
	assert_int_equal(p.error_line, 2);
	assert_int_equal(parse("latin1 \xE9t\xE9\n", 0, &p), -1);
	assert_int_equal(parse("overlong \xC0\xAF\n", 0, &p), -1);
	/* Accents in UTF-8 are fine. */
	assert_int_equal(parse("Thématique(s);Durée (min)\n", 0, &p), 0);
	assert_string_equal(p.cell[0][0], "Thématique(s)");
}

static void test_limits(void **state)
{
	csv_limits lim = {.field_bytes = 4, .record_bytes = 10, .columns = 3};
	csv_record rec;
	const char *ok = "abcd,efgh,i\n";
	csv_reader *r = csv_reader_mem(ok, strlen(ok), 0, &lim);
	assert_int_equal(csv_read(r, &rec), 1);
	assert_int_equal(rec.n, 3);
	csv_reader_free(r);

	const char *cases[] = {"abcde\n", "\"abc\"\"d\"\n", "abcd,efgh,ijk\n", "a,b,c,d\n"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = csv_reader_mem(cases[i], strlen(cases[i]), 0, &lim);
		assert_int_equal(csv_read(r, &rec), -1);
		assert_non_null(csv_error(r, NULL));
		csv_reader_free(r);
	}
	/* The defaults are those of guichet_limits.h. */
	csv_limits d = csv_default_limits();
	assert_int_equal(d.field_bytes, LIMIT_CSV_FIELD_BYTES);
	assert_int_equal(d.columns, LIMIT_CSV_COLUMNS);
}

/* A source that gives at most `step` bytes per call, and fails at `fail`. */
struct drip {
	const char *s;
	size_t len, pos, step, fail;
};

static ssize_t drip_read(void *ctx, char *dst, size_t n)
{
	struct drip *d = ctx;
	if (d->fail && d->pos >= d->fail)
		return -1;
	size_t k = d->len - d->pos;
	if (k > d->step)
		k = d->step;
	if (k > n)
		k = n;
	memcpy(dst, d->s + d->pos, k);
	d->pos += k;
	return (ssize_t)k;
}

static void test_streaming(void **state)
{
	const char *text = "\xEF\xBB\xBFx;y\r\n\"multi\nline;\";2\r\nlast;\"q\"\"\"";
	struct drip d = {text, strlen(text), 0, 1, 0};
	csv_reader *r = csv_reader_new(drip_read, &d, 0, NULL);
	struct parsed p;
	assert_int_equal(parse_with(r, &p), 0);
	assert_int_equal(csv_separator(r), ';');
	assert_int_equal(p.n, 3);
	assert_string_equal(p.cell[0][0], "x");
	assert_string_equal(p.cell[1][0], "multi\nline;");
	assert_string_equal(p.cell[2][1], "q\"");
	assert_int_equal(p.line[2], 4);
	assert_int_equal(csv_offset(r), strlen(text));
	csv_reader_free(r);

	/* A long file through a small source, record after record. */
	buf b;
	buf_init(&b, 1 << 22);
	buf_puts(&b, "n,text\n");
	for (int i = 0; i < 20000; i++)
		buf_printf(&b, "%d,\"row %d, with \"\"quotes\"\"\"\n", i, i);
	struct drip big = {b.data, b.len, 0, 777, 0};
	r = csv_reader_new(drip_read, &big, 0, NULL);
	csv_record rec;
	int n = 0;
	assert_int_equal(csv_read(r, &rec), 1);
	while (csv_read(r, &rec) == 1) {
		char want[64];
		snprintf(want, sizeof want, "row %d, with \"quotes\"", n);
		assert_string_equal(rec.fields[1], want);
		assert_int_equal(rec.line, (uint64_t)n + 2);
		n++;
	}
	assert_int_equal(n, 20000);
	assert_null(csv_error(r, NULL));
	csv_reader_free(r);

	/* A read error is an error, not an end. */
	struct drip broken = {b.data, b.len, 0, 100, 5000};
	r = csv_reader_new(drip_read, &broken, 0, NULL);
	while (csv_read(r, &rec) == 1)
		;
	assert_non_null(csv_error(r, NULL));
	assert_int_equal(csv_read(r, &rec), -1);
	csv_reader_free(r);

	/* The separator is guessed from the same bytes whatever the source:
	 * a first line longer than a record is cut at the same place (found
	 * by fuzz_csv, where the two readers disagreed). */
	csv_limits lim = {.field_bytes = 64, .record_bytes = 32, .columns = 4};
	buf_reset(&b);
	for (int i = 0; i < 40; i++)
		buf_putc(&b, ';');
	for (int i = 0; i < 60; i++)
		buf_putc(&b, ',');
	buf_putc(&b, '\n');
	csv_reader *m = csv_reader_mem(b.data, b.len, 0, &lim);
	struct drip slow = {b.data, b.len, 0, 3, 0};
	r = csv_reader_new(drip_read, &slow, 0, &lim);
	assert_int_equal(csv_read(m, &rec), csv_read(r, &rec));
	assert_int_equal(csv_separator(m), csv_separator(r));
	assert_int_equal(csv_separator(m), ';');
	csv_reader_free(m);
	csv_reader_free(r);
	buf_free(&b);
}

static const char *write_cells(buf *b, char sep, const char *const *cells, size_t n)
{
	csv_writer w;
	buf_reset(b);
	csv_writer_init(&w, b, sep);
	for (size_t i = 0; i < n; i++)
		csv_cell(&w, cells[i]);
	csv_row_end(&w);
	return b->data;
}

static void test_writer(void **state)
{
	buf b;
	buf_init(&b, 4096);
	const char *plain[] = {"a", "", NULL, "é ü"};
	assert_string_equal(write_cells(&b, ',', plain, 4), "a,,,é ü\r\n");
	const char *quoting[] = {"a,b", "say \"hi\"", "two\nlines", "x;y"};
	assert_string_equal(write_cells(&b, ',', quoting, 4),
	                    "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",x;y\r\n");
	assert_string_equal(write_cells(&b, ';', quoting, 4),
	                    "a,b;\"say \"\"hi\"\"\";\"two\nlines\";\"x;y\"\r\n");

	csv_writer w;
	buf_reset(&b);
	csv_writer_init(&w, &b, ',');
	csv_write_bom(&w);
	csv_cell_int(&w, -12);
	csv_cell_int(&w, 600);
	csv_row_end(&w);
	assert_string_equal(b.data, "\xEF\xBB\xBF-12,600\r\n");
	buf_free(&b);
}

static void test_formula_injection(void **state)
{
	buf b;
	buf_init(&b, 4096);
	const char *evil[] = {"=1+1", "+33 6", "-2",    "@SUM(A1)",
	                      "\tx",  "\rx",   "'kept", "=HYPERLINK(\"http://x\")"};
	assert_string_equal(
	    write_cells(&b, ',', evil, 8),
	    "'=1+1,'+33 6,'-2,'@SUM(A1),'\tx,\"'\rx\",''kept,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n");
	/* Harmless cells are left alone, and so are those characters later on. */
	const char *fine[] = {"a=b", " =x", "1-2", "mail@x"};
	assert_string_equal(write_cells(&b, ',', fine, 4), "a=b, =x,1-2,mail@x\r\n");
	/* csv_unformula undoes exactly the writer's apostrophe. */
	for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
		write_cells(&b, ',', &evil[i], 1);
		csv_reader *r = csv_reader_mem(b.data, b.len, ',', NULL);
		csv_record rec;
		assert_int_equal(csv_read(r, &rec), 1);
		assert_string_equal(csv_unformula(rec.fields[0]), evil[i]);
		csv_reader_free(r);
	}
	char s1[] = "'abc", s2[] = "'", s3[] = "''=x";
	assert_string_equal(csv_unformula(s1), "'abc"); /* not the writer's */
	assert_string_equal(csv_unformula(s2), "'");
	assert_string_equal(csv_unformula(s3), "'=x");
	assert_null(csv_unformula(NULL));
	buf_free(&b);
}

/* Random cells (with separators, quotes, line ends, formula starts and
 * multibyte characters) written then read give the same cells. */
static void test_round_trip(void **state)
{
	static const char *const bits[] = {"a", ",", ";", "\"", "\n", "\r\n", "=",  "+",
	                                   "-", "@", "'", "é",  "€",  " ",    "\t", "x"};
	srand(4180);
	buf b;
	buf_init(&b, 1 << 20);
	for (int round = 0; round < 500; round++) {
		char sep = round % 2 ? ';' : ',';
		char cells[6][64];
		const char *ptr[6];
		size_t n = 1 + (size_t)(rand() % 6);
		for (size_t i = 0; i < n; i++) {
			cells[i][0] = '\0';
			size_t parts = (size_t)(rand() % 8);
			for (size_t k = 0; k < parts; k++)
				strcat(cells[i], bits[rand() % (int)(sizeof bits / sizeof bits[0])]);
			ptr[i] = cells[i];
		}
		write_cells(&b, sep, ptr, n);
		csv_reader *r = csv_reader_mem(b.data, b.len, sep, NULL);
		csv_record rec;
		int rc = csv_read(r, &rec);
		if (n == 1 && cells[0][0] == '\0') {
			assert_int_equal(rc, 0); /* an empty line is no record */
		} else {
			assert_int_equal(rc, 1);
			assert_int_equal(rec.n, n);
			for (size_t i = 0; i < n; i++)
				assert_string_equal(csv_unformula(rec.fields[i]), cells[i]);
			assert_int_equal(csv_read(r, &rec), 0);
		}
		csv_reader_free(r);
	}
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple),
	    cmocka_unit_test(test_line_ends_and_bom),
	    cmocka_unit_test(test_separator_guess),
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_streaming),
	    cmocka_unit_test(test_writer),
	    cmocka_unit_test(test_formula_injection),
	    cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
