/* test_qr.c: the QR codes of qr.c (libqrencode) against the standard's
 * published values: the capacities at level M, the function patterns, the
 * format information of level M and the version information tables; and
 * the SVG writer. That a phone reads the result is
 * checked end to end by tests/browser/qr.test.mjs. */
#include "unit.h"

#include <string.h>

#include "util/qr.h"

static unsigned from_binary(const char *s)
{
	unsigned v = 0;
	for (; *s; s++)
		v = v << 1 | (unsigned)(*s == '1');
	return v;
}

/* Level M's format information strings for masks 0 to 7, from the
 * standard's table (already XORed with 101010000010010). */
static const char *const format_m[8] = {
    "101010000010010", "101000100100101", "101111001111100", "101101101001011",
    "100010111111001", "100000011001110", "100111110010111", "100101010100000",
};

/* The version information strings of versions 7 to 10. */
static const char *const version_info[4] = {
    "000111110010010100", "001000010110111100", "001001101010011001", "001010010011010011"};

static void test_capacity(void **state)
{
	(void)state;
	/* Bytes at level M, versions 1 to 10. */
	static const size_t want[] = {14, 26, 42, 62, 84, 106, 122, 152, 180, 213};
	static char data[300];
	static qr_code q;
	memset(data, 'a', sizeof data);
	for (int v = 1; v <= QR_MAX_VERSION; v++) {
		/* The largest string that fits chooses this version; one byte more
		 * the next. */
		assert_int_equal(qr_encode(data, want[v - 1], &q), 0);
		assert_int_equal(q.version, v);
		assert_int_equal(q.size, 17 + 4 * v);
		if (v < QR_MAX_VERSION) {
			assert_int_equal(qr_encode(data, want[v - 1] + 1, &q), 0);
			assert_int_equal(q.version, v + 1);
		}
	}
	assert_int_equal(qr_encode(data, 214, &q), -1);
	assert_int_equal(qr_encode("", 0, &q), -1);
}

/* The finder centred on (cx, cy) and its light separator. */
static void check_finder(const qr_code *q, int cx, int cy)
{
	for (int dy = -4; dy <= 4; dy++)
		for (int dx = -4; dx <= 4; dx++) {
			int x = cx + dx, y = cy + dy;
			if (x < 0 || y < 0 || x >= q->size || y >= q->size)
				continue;
			int d = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
			assert_int_equal(q->dark[y][x], d != 2 && d != 4);
		}
}

/* The format bits read back from both copies in the symbol. */
static void check_format(const qr_code *q)
{
	unsigned a = 0, b = 0;
	int n = q->size;
	for (int i = 14; i >= 0; i--) {
		int x1 = i < 8 ? 8 : i == 8 ? 7 : 14 - i;
		int y1 = i < 6 ? i : i < 8 ? i + 1 : 8;
		int x2 = i < 8 ? n - 1 - i : 8;
		int y2 = i < 8 ? 8 : n - 15 + i;
		a = a << 1 | q->dark[y1][x1];
		b = b << 1 | q->dark[y2][x2];
	}
	assert_int_equal(a, b);
	int found = 0;
	for (int mask = 0; mask < 8; mask++)
		found |= a == from_binary(format_m[mask]);
	assert_true(found);
}

static void test_patterns(void **state)
{
	(void)state;
	static const char url[] =
	    "https://guichet.example.fr/avis/12?k=0123456789abcdef0123456789abcdef&via=qr";
	static qr_code q;
	for (size_t len = 5; len <= 200; len += 65) {
		static char data[256];
		for (size_t i = 0; i < len; i++)
			data[i] = url[i % (sizeof url - 1)];
		assert_int_equal(qr_encode(data, len, &q), 0);
		int n = q.size;
		check_finder(&q, 3, 3);
		check_finder(&q, n - 4, 3);
		check_finder(&q, 3, n - 4);
		/* The timing patterns between the finders alternate, dark first. */
		for (int i = 8; i < n - 8; i++) {
			assert_int_equal(q.dark[6][i], i % 2 == 0);
			assert_int_equal(q.dark[i][6], i % 2 == 0);
		}
		/* The dark module. */
		assert_int_equal(q.dark[n - 8][8], 1);
		/* The alignment pattern nearest the lower right corner, from
		 * version 2: centre dark, ring light, border dark. */
		if (q.version >= 2) {
			int c = n - 7;
			assert_int_equal(q.dark[c][c], 1);
			assert_int_equal(q.dark[c - 1][c], 0);
			assert_int_equal(q.dark[c - 2][c - 2], 1);
		}
		/* Version information, from version 7, in both blocks. */
		if (q.version >= 7) {
			uint32_t v = from_binary(version_info[q.version - 7]);
			for (int i = 0; i < 18; i++) {
				assert_int_equal(q.dark[i / 3][n - 11 + i % 3], (v >> i) & 1);
				assert_int_equal(q.dark[n - 11 + i % 3][i / 3], (v >> i) & 1);
			}
		}
		check_format(&q);
	}
}

static void test_deterministic(void **state)
{
	(void)state;
	static const char url[] = "http://127.0.0.1:8080/avis/3?k=00112233445566778899aabbccddeeff&via=qr";
	static qr_code a, b;
	assert_int_equal(qr_encode(url, strlen(url), &a), 0);
	assert_int_equal(qr_encode(url, strlen(url), &b), 0);
	assert_memory_equal(&a, &b, sizeof a);
	buf s1, s2;
	buf_init(&s1, 1 << 20);
	buf_init(&s2, 1 << 20);
	qr_svg(&a, &s1, "QR code");
	qr_svg(&b, &s2, "QR code");
	assert_string_equal(s1.data, s2.data);
	buf_free(&s1);
	buf_free(&s2);
}

static void test_svg(void **state)
{
	(void)state;
	static qr_code q;
	assert_int_equal(qr_encode("HELLO", 5, &q), 0);
	assert_int_equal(q.size, 21);
	buf s;
	buf_init(&s, 1 << 20);
	qr_svg(&q, &s, "Avis <de> \"tous\"");
	const char *t = s.data;
	/* A quiet zone of 4 modules around the 21 of version 1. */
	assert_non_null(strstr(t, "viewBox=\"0 0 29 29\""));
	assert_non_null(strstr(t, "role=\"img\""));
	assert_non_null(strstr(t, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(t, "<title>Avis &lt;de&gt; &quot;tous&quot;</title>"));
	assert_non_null(strstr(t, "fill=\"#fff\""));
	/* One path, built from numbers and path commands only; its first run
	 * is the top of the upper-left finder, 7 modules wide. */
	const char *p = strstr(t, "<path d=\"");
	assert_non_null(p);
	assert_null(strstr(p + 1, "<path"));
	p += strlen("<path d=\"");
	assert_true(strncmp(p, "M4 4h7v1h-7z", 12) == 0);
	for (; *p != '"'; p++)
		assert_non_null(strchr("0123456789 Mhvz-", *p));
	/* The squares drawn are the dark modules: count them by their widths. */
	long drawn = 0, dark = 0;
	for (const char *h = strstr(t, "<path d=\""); (h = strchr(h, 'h')) != NULL && h < p; h++)
		if (h[1] != '-')
			drawn += strtol(h + 1, NULL, 10);
	for (int y = 0; y < q.size; y++)
		for (int x = 0; x < q.size; x++)
			dark += q.dark[y][x];
	assert_int_equal(drawn, dark);
	buf_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capacity),
	    cmocka_unit_test(test_patterns),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_svg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
