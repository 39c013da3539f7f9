/*
 * qr.c: the QR code encoder of qr.h, written from ISO/IEC 18004 for what
 * the satisfaction poster needs and nothing more: byte mode, error
 * correction level M, versions 1 to 10. The steps follow the standard's
 * order: encode the data into codewords, add the Reed–Solomon
 * error-correction codewords of each block and interleave the blocks,
 * draw the function patterns, place the codewords, choose the mask with
 * the lowest penalty and write the format and version information.
 */
#include <string.h>

#include "html.h"
#include "qr.h"
#include "svg.h"

/* The most codewords of a version up to 10 (346 at version 10) and the
 * most error-correction codewords of one block at level M. */
#define QR_MAX_CODEWORDS 346
#define QR_MAX_EC 26
/* The most blocks of a version up to 10 at level M (5, at versions 9 and 10). */
#define QR_MAX_BLOCKS 5
#define QUIET_ZONE 4
/* The path of a 57 × 57 code is under 40 KB even when every run is one
 * module long. */
#define QR_PATH_MAX ((size_t)64 * 1024)

/* The block structure at level M, from the standard's table of error
 * correction characteristics: each block gets ec codewords; n1 blocks
 * hold d1 data codewords and n2 blocks hold one more. */
static const struct level_m {
	int ec, n1, d1, n2;
} blocks_m[QR_MAX_VERSION + 1] = {
    {0, 0, 0, 0},   {10, 1, 16, 0}, {16, 1, 28, 0}, {26, 1, 44, 0}, {18, 2, 32, 0}, {24, 2, 43, 0},
    {16, 4, 27, 0}, {18, 4, 31, 0}, {22, 2, 38, 2}, {22, 3, 36, 2}, {26, 4, 43, 1},
};

/* The centres of the alignment patterns along each axis, from the
 * standard's table of their positions. */
static const int align_pos[QR_MAX_VERSION + 1][3] = {
    {0}, {0}, {6, 18}, {6, 22}, {6, 26}, {6, 30}, {6, 34}, {6, 22, 38}, {6, 24, 42}, {6, 26, 46}, {6, 28, 50},
};

/* Bits left over after the last codeword: the modules a version has
 * beyond a whole number of codewords. */
static int remainder_bits(int version)
{
	return version >= 2 && version <= 6 ? 7 : 0;
}

static int data_codewords(int version)
{
	const struct level_m *b = &blocks_m[version];
	return b->n1 * b->d1 + b->n2 * (b->d1 + 1);
}

/* The character count indicator of byte mode is 8 bits long up to version
 * 9 and 16 bits from version 10. */
static int count_bits(int version)
{
	return version <= 9 ? 8 : 16;
}

size_t qr_capacity(int version)
{
	if (version < 1 || version > QR_MAX_VERSION)
		return 0;
	/* The mode indicator takes 4 bits, then the count, then the bytes. */
	return (size_t)(data_codewords(version) * 8 - 4 - count_bits(version)) / 8;
}

/* ---- GF(256) and Reed–Solomon ------------------------------------------- */

uint8_t qr_gf_mul(uint8_t a, uint8_t b)
{
	/* Shift-and-add multiplication, reducing by the field's polynomial
	 * whenever the product would reach x^8. No table: the encoder has no
	 * state to initialise and the codes are small. */
	unsigned x = a, r = 0;
	for (; b; b >>= 1) {
		if (b & 1)
			r ^= x;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11D;
	}
	return (uint8_t)r;
}

uint8_t qr_gf_exp(int e)
{
	e %= 255;
	if (e < 0)
		e += 255;
	uint8_t v = 1;
	while (e-- > 0)
		v = qr_gf_mul(v, 2);
	return v;
}

int qr_gf_log(uint8_t v)
{
	uint8_t p = 1;
	for (int e = 0; e < 255; e++, p = qr_gf_mul(p, 2))
		if (p == v)
			return e;
	return -1; /* zero has no logarithm */
}

void qr_rs_generator(int n, uint8_t *gen)
{
	/* The product of (x − α^i) for i = 0 … n−1; in GF(256) minus is plus.
	 * gen holds the coefficients from the highest degree down. */
	memset(gen, 0, (size_t)n + 1);
	gen[0] = 1;
	uint8_t root = 1;
	for (int i = 0; i < n; i++) {
		/* Multiply by (x + root): each coefficient becomes itself
		 * plus root times the one of the next higher degree. */
		for (int j = i + 1; j >= 1; j--)
			gen[j] ^= qr_gf_mul(gen[j - 1], root);
		root = qr_gf_mul(root, 2);
	}
}

void qr_rs_ec(const uint8_t *data, size_t len, int n, uint8_t *ec)
{
	/* The remainder of data(x) · x^n divided by the generator, computed by
	 * the usual shift register. */
	uint8_t gen[QR_MAX_EC + 1];
	if (n < 1 || n > QR_MAX_EC)
		return;
	qr_rs_generator(n, gen);
	memset(ec, 0, (size_t)n);
	for (size_t i = 0; i < len; i++) {
		uint8_t factor = data[i] ^ ec[0];
		memmove(ec, ec + 1, (size_t)n - 1);
		ec[n - 1] = 0;
		for (int j = 0; j < n; j++)
			ec[j] ^= qr_gf_mul(gen[j + 1], factor);
	}
}

/* ---- Format and version information ------------------------------------ */

/* The remainder of value · x^shift divided by the BCH generator poly,
 * whose degree is shift; value has width bits. */
static uint32_t bch_remainder(uint32_t value, int width, int shift, uint32_t poly)
{
	uint32_t v = value << shift;
	for (int bit = shift + width - 1; bit >= shift; bit--)
		if (v & (1u << bit))
			v ^= poly << (bit - shift);
	return v;
}

unsigned qr_format_bits(int mask)
{
	/* Level M is 00; the 5 data bits are the level then the mask. The
	 * (15,5) BCH code's generator is 0x537, and the result is XORed with
	 * 0x5412 so that no format is all light. */
	uint32_t data = (uint32_t)(mask & 7);
	return (unsigned)(((data << 10) | bch_remainder(data, 5, 10, 0x537)) ^ 0x5412);
}

uint32_t qr_version_bits(int version)
{
	/* The (18,6) Golay code, generator 0x1F25; not masked. */
	uint32_t v = (uint32_t)version;
	return (v << 12) | bch_remainder(v, 6, 12, 0x1F25);
}

/* ---- The matrix ---------------------------------------------------------- */

/* The symbol being built: the modules and which of them belong to a
 * function pattern (and so receive no data and no mask). */
typedef struct grid {
	int size;
	unsigned char dark[QR_MAX_SIZE][QR_MAX_SIZE];
	unsigned char fixed[QR_MAX_SIZE][QR_MAX_SIZE];
} grid;

static void set_fixed(grid *g, int x, int y, int dark)
{
	if (x < 0 || y < 0 || x >= g->size || y >= g->size)
		return;
	g->dark[y][x] = (unsigned char)(dark != 0);
	g->fixed[y][x] = 1;
}

static int chebyshev(int dx, int dy)
{
	dx = dx < 0 ? -dx : dx;
	dy = dy < 0 ? -dy : dy;
	return dx > dy ? dx : dy;
}

/* A finder pattern (7 × 7 rings dark, light, 3 × 3 dark) centred on
 * (cx, cy), with its light separator: the ring at distance 4. */
static void draw_finder(grid *g, int cx, int cy)
{
	for (int dy = -4; dy <= 4; dy++)
		for (int dx = -4; dx <= 4; dx++) {
			int d = chebyshev(dx, dy);
			set_fixed(g, cx + dx, cy + dy, d != 2 && d != 4);
		}
}

/* An alignment pattern: 5 × 5, a dark ring, a light ring, a dark centre. */
static void draw_alignment(grid *g, int cx, int cy)
{
	for (int dy = -2; dy <= 2; dy++)
		for (int dx = -2; dx <= 2; dx++)
			set_fixed(g, cx + dx, cy + dy, chebyshev(dx, dy) != 1);
}

/* The two copies of the format information, and the dark module beside
 * the lower-left finder, which always goes with them. */
static void draw_format(grid *g, int mask)
{
	unsigned bits = qr_format_bits(mask);
	int n = g->size;
	for (int i = 0; i < 15; i++) {
		int b = (int)((bits >> i) & 1);
		/* Around the upper-left finder: bits 0 … 7 down column 8
		 * (skipping the timing row), bits 8 … 14 leftwards along row 8
		 * (skipping the timing column). */
		if (i < 6)
			set_fixed(g, 8, i, b);
		else if (i < 8)
			set_fixed(g, 8, i + 1, b);
		else if (i == 8)
			set_fixed(g, 7, 8, b);
		else
			set_fixed(g, 14 - i, 8, b);
		/* The second copy: bits 0 … 7 leftwards from the right edge
		 * along row 8, bits 8 … 14 down column 8 to the bottom edge. */
		if (i < 8)
			set_fixed(g, n - 1 - i, 8, b);
		else
			set_fixed(g, 8, n - 15 + i, b);
	}
	set_fixed(g, 8, n - 8, 1);
}

/* The two 6 × 3 blocks of version information, from version 7. */
static void draw_version(grid *g, int version)
{
	if (version < 7)
		return;
	uint32_t bits = qr_version_bits(version);
	for (int i = 0; i < 18; i++) {
		int b = (int)((bits >> i) & 1);
		int a = g->size - 11 + i % 3, c = i / 3;
		set_fixed(g, a, c, b); /* left of the upper-right finder */
		set_fixed(g, c, a, b); /* above the lower-left finder */
	}
}

static void draw_function_patterns(grid *g, int version)
{
	int n = g->size;
	/* Timing patterns first: the finders then overwrite their ends. */
	for (int i = 0; i < n; i++) {
		set_fixed(g, 6, i, i % 2 == 0);
		set_fixed(g, i, 6, i % 2 == 0);
	}
	draw_finder(g, 3, 3);
	draw_finder(g, n - 4, 3);
	draw_finder(g, 3, n - 4);
	/* Alignment patterns at every pair of positions, except the three
	 * that would cover a finder. */
	int count = version >= 7 ? 3 : version >= 2 ? 2 : 0;
	for (int i = 0; i < count; i++)
		for (int j = 0; j < count; j++) {
			int last = count - 1;
			if ((i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0))
				continue;
			draw_alignment(g, align_pos[version][i], align_pos[version][j]);
		}
	/* Reserve the format areas now; the real bits come with the mask. */
	draw_format(g, 0);
	draw_version(g, version);
}

/* Places the codewords in the two-module-wide columns, from the lower
 * right corner, going up then down, right to left, skipping the vertical
 * timing column. Returns the number of free modules, which must
 * be the codewords' bits plus the version's remainder bits. */
static int place_codewords(grid *g, const uint8_t *cw, int nbits)
{
	int n = g->size, i = 0, free_modules = 0;
	for (int right = n - 1; right >= 1; right -= 2) {
		if (right == 6)
			right = 5;
		int upward = ((right + 1) & 2) == 0;
		for (int vert = 0; vert < n; vert++) {
			int y = upward ? n - 1 - vert : vert;
			for (int j = 0; j < 2; j++) {
				int x = right - j;
				if (g->fixed[y][x])
					continue;
				free_modules++;
				/* Remainder bits are light (0) before masking. */
				if (i < nbits) {
					g->dark[y][x] = (unsigned char)((cw[i >> 3] >> (7 - (i & 7))) & 1);
					i++;
				}
			}
		}
	}
	return free_modules;
}

/* The eight mask conditions, with i the row and j the column. */
static int mask_bit(int mask, int i, int j)
{
	switch (mask) {
	case 0:
		return (i + j) % 2 == 0;
	case 1:
		return i % 2 == 0;
	case 2:
		return j % 3 == 0;
	case 3:
		return (i + j) % 3 == 0;
	case 4:
		return (i / 2 + j / 3) % 2 == 0;
	case 5:
		return (i * j) % 2 + (i * j) % 3 == 0;
	case 6:
		return ((i * j) % 2 + (i * j) % 3) % 2 == 0;
	default:
		return ((i + j) % 2 + (i * j) % 3) % 2 == 0;
	}
}

static void apply_mask(grid *g, int mask)
{
	for (int y = 0; y < g->size; y++)
		for (int x = 0; x < g->size; x++)
			if (!g->fixed[y][x] && mask_bit(mask, y, x))
				g->dark[y][x] ^= 1;
}

/* The module at step k along row (or column) line. */
static int module_at(const grid *g, int line, int k, int columns)
{
	return columns ? g->dark[k][line] : g->dark[line][k];
}

/* Rules 1 and 3 of the penalty along one row or column: runs of 5
 * or more modules of one colour, and the 1:1:3:1:1 finder-like pattern
 * with 4 light modules on either side. */
static long line_penalty(const grid *g, int line, int columns)
{
	static const unsigned char finder_like[2][11] = {
	    {1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0},
	    {0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1},
	};
	int n = g->size;
	long p = 0;
	int run = 1;
	for (int k = 1; k <= n; k++) {
		if (k < n && module_at(g, line, k, columns) == module_at(g, line, k - 1, columns)) {
			run++;
			continue;
		}
		if (run >= 5)
			p += 3 + (run - 5);
		run = 1;
	}
	for (int k = 0; k + 11 <= n; k++)
		for (int f = 0; f < 2; f++) {
			int m = 1;
			for (int t = 0; t < 11 && m; t++)
				m = module_at(g, line, k + t, columns) == finder_like[f][t];
			if (m)
				p += 40;
		}
	return p;
}

static long penalty(const grid *g)
{
	int n = g->size;
	long p = 0, dark = 0;
	for (int line = 0; line < n; line++)
		p += line_penalty(g, line, 0) + line_penalty(g, line, 1);
	/* Rule 2: each 2 × 2 block of one colour. */
	for (int y = 0; y + 1 < n; y++)
		for (int x = 0; x + 1 < n; x++) {
			int c = g->dark[y][x];
			if (g->dark[y][x + 1] == c && g->dark[y + 1][x] == c && g->dark[y + 1][x + 1] == c)
				p += 3;
		}
	/* Rule 4: 10 points per 5 % of deviation from half dark. */
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			dark += g->dark[y][x];
	long total = (long)n * n, dev = 20 * dark - 10 * total;
	p += 10 * ((dev < 0 ? -dev : dev) / total);
	return p;
}

/* ---- Encoding ------------------------------------------------------------ */

typedef struct bits {
	uint8_t *cw;
	int len; /* in bits */
} bits;

static void put_bits(bits *b, uint32_t value, int n)
{
	for (int i = n - 1; i >= 0; i--, b->len++)
		if ((value >> i) & 1)
			b->cw[b->len >> 3] |= (uint8_t)(0x80 >> (b->len & 7));
}

/* The data codewords: mode, count, bytes, terminator, padding. */
static void data_codewords_of(const char *data, size_t len, int version, uint8_t *cw)
{
	int total = data_codewords(version);
	bits b = {cw, 0};
	memset(cw, 0, (size_t)total);
	put_bits(&b, 0x4, 4); /* byte mode */
	put_bits(&b, (uint32_t)len, count_bits(version));
	for (size_t i = 0; i < len; i++)
		put_bits(&b, (uint8_t)data[i], 8);
	/* Up to four zero bits of terminator, then zeros to a whole byte. */
	int room = total * 8 - b.len;
	b.len += room < 4 ? room : 4;
	b.len = (b.len + 7) & ~7;
	/* The pad codewords alternate 11101100 and 00010001. */
	for (int i = b.len / 8, k = 0; i < total; i++, k++)
		cw[i] = k % 2 == 0 ? 0xEC : 0x11;
}

/* Splits the data into blocks, computes each block's error correction,
 * and interleaves: the first data codeword of every block, then the
 * second…, then the error-correction codewords the same way. */
static int interleave(const uint8_t *data, int version, uint8_t *out)
{
	const struct level_m *m = &blocks_m[version];
	int nblocks = m->n1 + m->n2, k = 0;
	uint8_t ec[QR_MAX_BLOCKS][QR_MAX_EC] = {{0}};
	int start[QR_MAX_BLOCKS], len[QR_MAX_BLOCKS];
	if (nblocks > QR_MAX_BLOCKS)
		return -1;
	for (int i = 0, at = 0; i < nblocks; i++) {
		start[i] = at;
		len[i] = m->d1 + (i >= m->n1);
		qr_rs_ec(data + at, (size_t)len[i], m->ec, ec[i]);
		at += len[i];
	}
	for (int c = 0; c <= m->d1; c++)
		for (int i = 0; i < nblocks; i++)
			if (c < len[i])
				out[k++] = data[start[i] + c];
	for (int c = 0; c < m->ec; c++)
		for (int i = 0; i < nblocks; i++)
			out[k++] = ec[i][c];
	return k;
}

int qr_encode(const char *data, size_t len, qr_code *out)
{
	int version = 1;
	while (version <= QR_MAX_VERSION && qr_capacity(version) < len)
		version++;
	if (version > QR_MAX_VERSION || (len && !data))
		return -1;

	uint8_t dcw[QR_MAX_CODEWORDS], all[QR_MAX_CODEWORDS];
	data_codewords_of(data, len, version, dcw);
	int ncw = interleave(dcw, version, all);
	if (ncw < 0)
		return -1;

	static const grid empty;
	grid g = empty, best, trial;
	g.size = 17 + 4 * version;
	draw_function_patterns(&g, version);
	/* A mismatch between the patterns and the block table would make an
	 * unreadable code: refuse rather than print it. */
	if (place_codewords(&g, all, ncw * 8) != ncw * 8 + remainder_bits(version))
		return -1;

	long best_penalty = -1;
	int best_mask = 0;
	for (int mask = 0; mask < 8; mask++) {
		trial = g;
		apply_mask(&trial, mask);
		draw_format(&trial, mask);
		long p = penalty(&trial);
		if (best_penalty < 0 || p < best_penalty) {
			best_penalty = p;
			best_mask = mask;
			best = trial;
		}
	}

	memset(out, 0, sizeof *out);
	out->version = version;
	out->size = g.size;
	out->mask = best_mask;
	memcpy(out->dark, best.dark, sizeof out->dark);
	return 0;
}

/* ---- SVG ----------------------------------------------------------------- */

void qr_svg(const qr_code *q, buf *out, const char *title)
{
	int side = q->size + 2 * QUIET_ZONE;
	buf d;
	buf_init(&d, QR_PATH_MAX);
	/* One subpath per horizontal run of dark modules: a run is a row of
	 * unit squares drawn as one rectangle, which also leaves no hairline
	 * between neighbours when the browser scales the code. */
	for (int y = 0; y < q->size; y++)
		for (int x = 0; x < q->size;) {
			if (!q->dark[y][x]) {
				x++;
				continue;
			}
			int run = 0;
			while (x + run < q->size && q->dark[y][x + run])
				run++;
			buf_printf(&d, "M%d %dh%dv1h-%dz", x + QUIET_ZONE, y + QUIET_ZONE, run, run);
			x += run;
		}
	buf_puts(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 ");
	svg_num(out, side);
	buf_putc(out, ' ');
	svg_num(out, side);
	buf_puts(out, "\" role=\"img\" shape-rendering=\"crispEdges\"><title>");
	html_txt(out, title ? title : "");
	/* The colours are attributes, not CSS: the code must stay black on
	 * white whatever the page's theme, and when copied elsewhere. */
	buf_puts(out, "</title><rect width=\"");
	svg_num(out, side);
	buf_puts(out, "\" height=\"");
	svg_num(out, side);
	buf_puts(out, "\" fill=\"#fff\"/>");
	svg_path(out, d.overflow || !d.data ? "" : d.data, "qr-dark");
	buf_puts(out, "</svg>\n");
	buf_free(&d);
}
