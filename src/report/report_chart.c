/*
 * report_chart.c: the SVG chart of a report section. The chart is an image
 * beside the section's table, never a replacement for it: it is drawn from
 * the same rows, its <title> and <desc> say what it shows and which row is
 * the largest, and every value it draws is written in figures next to its
 * mark, so nothing depends on telling colours apart.
 *
 * Geometry is computed left to right on a canvas CHART_W units wide and
 * mirrored for right-to-left languages by X() and rect(). The chart's text
 * then runs right to left too (class chart-rtl sets CSS direction, which
 * the page's dir="rtl" would give anyway), so a text anchor keeps its
 * logical meaning: "end" is where a label ends, on the left of an Arabic
 * label. Mirroring the coordinates is thus all that right to left needs.
 *
 * Sizes are SVG units: the viewBox scales the chart to its container, and
 * at the usual width of 640 CSS pixels a unit is a pixel, so the 14-unit
 * text of chart.css reads as 14 px.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "report/report.h"
#include "util/svg.h"

#define CHART_W 640.0
#define CHART_PAD 8.0
#define CHART_CHAR_W 8.0     /* a generous average advance of 14-unit text */
#define CHART_LINE 18.0      /* one line of text */
#define CHART_LABEL_MAX 28   /* code points of a label in a chart; the table has them whole */
#define CHART_BARS_MAX 15    /* rows drawn by a bar chart; the table has them all */
#define CHART_SERIES 8       /* segment colours, .c-s0 … .c-s7 */
#define CHART_TEXT_MAX 65536 /* a description or an id */
#define CHART_TEXT_BYTES (CHART_LABEL_MAX * 4 + 8)

/* U+00A0 groups thousands and sits before "%". Bidi class CS keeps "1 234"
 * in one piece inside right-to-left text, where a plain space would let
 * the two groups swap places. */
#define NBSP "\xC2\xA0"
#define ELLIPSIS "\xE2\x80\xA6"

typedef struct chart {
	const report *r;
	const report_section *s;
	buf *out;
	int rtl;
} chart;

/* A horizontal position, mirrored for right to left. */
static double X(const chart *c, double x)
{
	return c->rtl ? CHART_W - x : x;
}

/* A rectangle given left to right, mirrored for right to left. */
static void rect(const chart *c, double x, double y, double w, double h, const char *cls)
{
	svg_rect(c->out, c->rtl ? CHART_W - x - w : x, y, w, h, cls);
}

static void text(const chart *c, double x, double y, const char *anchor, const char *cls, const char *t)
{
	svg_text(c->out, X(c, x), y, anchor, cls, t);
}

/* A figure ("1 234 (12 %)", "<5"): in a right-to-left chart it is held
 * between two left-to-right marks, so that its spaces, parenthesis and
 * percent sign keep the order the number is read in. */
static void figure(const chart *c, double x, double y, const char *anchor, int shown, const char *t)
{
	char out[80];
	if (c->rtl && snprintf(out, sizeof out, "\xE2\x80\x8E%s\xE2\x80\x8E", t) < (int)sizeof out)
		t = out;
	text(c, x, y, anchor, shown ? "c-value" : "c-note", t);
}

static void line(const chart *c, double x1, double y1, double x2, double y2, const char *cls)
{
	svg_line(c->out, X(c, x1), y1, X(c, x2), y2, cls);
}

/* Code points in s (continuation bytes are not counted). */
static size_t text_len(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static double text_width(const char *s)
{
	return (double)text_len(s) * CHART_CHAR_W;
}

/* s cut to max code points, the last one an ellipsis, when it is longer:
 * the cut falls before a lead byte, so no UTF-8 sequence is split. out
 * holds CHART_TEXT_BYTES; the answer is s itself when it fits. */
static const char *cut(char out[CHART_TEXT_BYTES], const char *s, size_t max)
{
	size_t i = 0, n = 0;

	if (!s)
		return "";
	if (max < 2)
		max = 2;
	if (max > CHART_LABEL_MAX)
		max = CHART_LABEL_MAX;
	if (text_len(s) <= max)
		return s;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == max - 1)
			break;
	}
	/* Invalid UTF-8 (a run of continuation bytes) could count few code
	 * points in many bytes: the cut then also stops at out's size, on a
	 * lead byte still. */
	if (i > CHART_TEXT_BYTES - sizeof ELLIPSIS)
		i = CHART_TEXT_BYTES - sizeof ELLIPSIS;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	while (i > 0 && s[i - 1] == ' ')
		i--;
	memcpy(out, s, i);
	memcpy(out + i, ELLIPSIS, sizeof ELLIPSIS);
	return out;
}

/* The direction of the first strong character of s: 1 right to left
 * (Hebrew, Arabic and their presentation forms), 0 left to right (a letter
 * of another script), -1 none (digits, punctuation, symbols). A rough
 * reading of the Unicode bidi classes, enough for labels. */
static int first_strong(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p && *p) {
		uint32_t cp = *p;
		size_t len = cp < 0x80 ? 1 : cp >= 0xF0 ? 4 : cp >= 0xE0 ? 3 : cp >= 0xC0 ? 2 : 1;
		if (len > 1)
			cp &= 0x3Fu >> (len - 1);
		for (size_t k = 1; k < len; k++) {
			if ((p[k] & 0xC0) != 0x80) {
				len = k;
				break;
			}
			cp = (cp << 6) | (p[k] & 0x3Fu);
		}
		p += len;
		if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
			return 0;
		if ((cp >= 0x590 && cp <= 0x8FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
		    (cp >= 0xFE70 && cp <= 0xFEFF))
			return 1;
		if (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7 && !(cp >= 0x300 && cp <= 0x36F) &&
		    !(cp >= 0x2000 && cp <= 0x2BFF) && !(cp >= 0x3000 && cp <= 0x303F) &&
		    !(cp >= 0xFE00 && cp <= 0xFE6F) && !(cp >= 0xFF00 && cp <= 0xFF20))
			return 0;
	}
	return -1;
}

/* A label cut to max code points, drawn at (x, y). A label written in the
 * other direction than the chart's ("CAF" in Arabic, an Arabic name in
 * French) is held between two marks of its own direction, so that its
 * ellipsis and its neutral characters ("22 h", "(CPAM)") stay on its own
 * side instead of taking the chart's. */
static void label(const chart *c, double x, double y, const char *anchor, const char *s, size_t max)
{
	char lb[CHART_TEXT_BYTES], out[CHART_TEXT_BYTES + 8];
	const char *t = cut(lb, s, max);
	int dir = first_strong(t);

	if (dir >= 0 && dir != c->rtl) {
		const char *mark = dir ? "\xE2\x80\x8F" : "\xE2\x80\x8E"; /* RLM, LRM */
		snprintf(out, sizeof out, "%s%s%s", mark, t, mark);
		t = out;
	}
	text(c, x, y, anchor, "c-label", t);
}

/* A count with its thousands grouped: "1 234 567". */
static void fmt_count(char out[32], int64_t n)
{
	char digits[24];
	uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	int len = snprintf(digits, sizeof digits, "%" PRIu64, u);
	size_t o = 0;

	if (n < 0)
		out[o++] = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			memcpy(out + o, NBSP, 2);
			o += 2;
		}
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* A share as a whole percentage: "12 %", "<1 %" for a small non-zero one. */
static void fmt_share(char out[24], double share)
{
	long long p;

	if (!isfinite(share) || fabs(share) > 1e6)
		share = 0;
	p = llround(share * 100.0);

	if (p == 0 && share > 0)
		snprintf(out, 24, "<1" NBSP "%%");
	else
		snprintf(out, 24, "%lld" NBSP "%%", p);
}

/* Whether a row has a value to draw. */
static int row_drawn(const report_row *w)
{
	return w->cell == REPORT_SHOWN && (w->kind == REPORT_COUNT || w->has_share);
}

/* The length a row's mark stands for: the count, or the rate. */
static double row_value(const report_row *w)
{
	double v = w->kind == REPORT_COUNT ? (double)w->n : w->share;
	return row_drawn(w) && v > 0 ? v : 0;
}

/* The text of a masked cell. */
static const char *masked_text(int cell)
{
	return cell == REPORT_SMALL ? "<5" : "s";
}

/* What is written beside a row's mark: "1 234 (12 %)" (the share when
 * with_share and the row has one), "12 %" for a rate, "<5" or "s" when
 * masked, "—" for a rate that is undefined; a zero is "0" alone. */
static const char *row_text(char out[64], const report_row *w, int with_share)
{
	char n[32], p[24];

	if (w->cell != REPORT_SHOWN)
		return masked_text(w->cell);
	if (w->kind == REPORT_RATE) {
		if (!w->has_share)
			return "\xE2\x80\x94";
		fmt_share(out, w->share);
		return out;
	}
	fmt_count(n, w->n);
	if (with_share && w->has_share && w->n != 0) {
		fmt_share(p, w->share);
		snprintf(out, 64, "%s (%s)", n, p);
	} else {
		snprintf(out, 64, "%s", n);
	}
	return out;
}

/* The largest of the first n rows, or NULL when none has a value. */
static const report_row *largest(const report_section *s, size_t n)
{
	const report_row *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (row_value(&s->rows[i]) > 0 && (!best || row_value(&s->rows[i]) > row_value(best)))
			best = &s->rows[i];
	return best;
}

/* The largest value among the first n rows (n2 too when with2), at least
 * 1 so that a scale never divides by zero. */
static double max_value(const report_section *s, size_t n, int with2)
{
	double m = 0;

	for (size_t i = 0; i < n; i++) {
		const report_row *w = &s->rows[i];
		if (row_value(w) > m)
			m = row_value(w);
		if (with2 && w->cell2 == REPORT_SHOWN && (double)w->n2 > m)
			m = (double)w->n2;
	}
	return m > 0 ? m : 1;
}

/* Appends a translated sentence with its "%s" or "%d" markers replaced in
 * order by a1 and a2. The translation is only searched, never used as a
 * printf format, so a translator's slip cannot become a format bug. */
static void put_filled(buf *b, const char *tmpl, const char *a1, const char *a2)
{
	const char *args[2] = {a1, a2};
	size_t k = 0;

	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '%' && (p[1] == 's' || p[1] == 'd') && k < COUNT(args)) {
			buf_puts(b, args[k++]);
			p++;
		} else {
			buf_putc(b, *p);
		}
	}
}

/* Opens the <svg>: the id is id_prefix-section, the description the
 * section's, then a note when only the first drawn rows are drawn, then
 * the sentence naming the largest row. */
static void begin(const chart *c, const char *id_prefix, const char *kind, size_t drawn, double h)
{
	const lang *l = c->r->lang;
	const report_section *s = c->s;
	const report_row *big = largest(s, s->n);
	buf id, d, cls;

	buf_init(&id, CHART_TEXT_MAX);
	buf_init(&d, CHART_TEXT_MAX);
	buf_init(&cls, 128);
	buf_printf(&id, "%s-%s", id_prefix && *id_prefix ? id_prefix : "chart", s->id ? s->id : "section");
	buf_puts(&cls, "chart ");
	buf_puts(&cls, kind);
	if (c->rtl)
		buf_puts(&cls, " chart-rtl");

	buf_puts(&d, s->description ? s->description : "");
	if (drawn < s->n) {
		char n[24];
		snprintf(n, sizeof n, "%zu", drawn);
		if (d.len)
			buf_putc(&d, ' ');
		put_filled(
		    &d, _(c->r, "Le graphique montre les %d premières lignes ; le tableau les donne toutes."),
		    n, "");
	}
	if (big) {
		char v[64];
		const char *msg = s->chart == REPORT_CHART_LINE ? N_("Le plus élevé : %s, %s.")
		                                                : N_("Le plus fréquent : %s, %s.");
		if (d.len)
			buf_putc(&d, ' ');
		/* A period's share of the whole series means little: the count alone. */
		put_filled(&d, i18n_text(l, msg), big->label ? big->label : "",
		           row_text(v, big, s->chart != REPORT_CHART_LINE));
	}
	svg_begin(c->out, id.data, CHART_W, h, cls.data, s->title ? s->title : "", d.data ? d.data : "");
	buf_free(&id);
	buf_free(&d);
	buf_free(&cls);
}

/* Horizontal bars, one per row: the label, the bar from a common axis,
 * then the value. */
#define BARS_LABEL_END 224.0
#define BARS_X 232.0
#define BARS_VALUE_W 136.0
#define BARS_ROW_H 28.0
#define BARS_H 18.0

/* A long label goes over up to BARS_LINES lines, cut between words, so that
 * it is read whole ("Orienté vers une autre structure") rather than cut.
 * Fills lines (each CHART_TEXT_BYTES) and gives their number; a word longer
 * than a line, or a text past the last line, is cut by label(). */
#define BARS_LINES 4

static size_t wrap(const char *s, char lines[BARS_LINES][CHART_TEXT_BYTES])
{
	size_t n = 0, len = 0, cps = 0;
	lines[0][0] = '\0';
	for (const char *p = s ? s : ""; *p;) {
		while (*p == ' ')
			p++;
		size_t wb = strcspn(p, " "), wc = 0;
		if (wb == 0)
			break;
		for (size_t k = 0; k < wb; k++)
			wc += ((unsigned char)p[k] & 0xC0) != 0x80;
		int last = n == BARS_LINES - 1;
		if (cps > 0 && cps + 1 + wc > CHART_LABEL_MAX && !last) {
			n++;
			len = cps = 0;
			lines[n][0] = '\0';
		}
		/* The last line takes the rest, for label() to cut; a word too
		 * long for the buffer is kept up to a character boundary. */
		size_t need = (cps ? 1 : 0) + wb;
		if (len + need >= CHART_TEXT_BYTES) {
			if (cps)
				break;
			wb = CHART_TEXT_BYTES - 1;
			while (wb > 0 && ((unsigned char)p[wb] & 0xC0) == 0x80)
				wb--;
		}
		if (cps) {
			lines[n][len++] = ' ';
			cps++;
		}
		/* Continuation bytes that follow no lead byte are dropped: the
		 * SVG only ever holds whole UTF-8 characters. */
		for (size_t k = 0, follow = 0; k < wb; k++) {
			unsigned char c = (unsigned char)p[k];
			if ((c & 0xC0) == 0x80) {
				if (follow == 0)
					continue;
				follow--;
			} else {
				follow = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
			}
			lines[n][len++] = (char)c;
		}
		lines[n][len] = '\0';
		cps += wc;
		p += wb;
	}
	return n + 1;
}

static double bars_row_h(size_t nlines)
{
	double h = (double)nlines * CHART_LINE + 10;
	return h > BARS_ROW_H ? h : BARS_ROW_H;
}

static void draw_bars(const chart *c, const char *id_prefix)
{
	const report_section *s = c->s;
	size_t n = s->n < CHART_BARS_MAX ? s->n : CHART_BARS_MAX;
	double area = CHART_W - BARS_X - 6 - BARS_VALUE_W - CHART_PAD;
	double max = max_value(s, n, 0);
	double h = 2 * CHART_PAD;
	char lines[BARS_LINES][CHART_TEXT_BYTES];
	for (size_t i = 0; i < n; i++)
		h += bars_row_h(wrap(s->rows[i].label, lines));

	begin(c, id_prefix, "chart-bars", n, h);
	double y = CHART_PAD;
	for (size_t i = 0; i < n; i++) {
		const report_row *w = &s->rows[i];
		char v[64];
		size_t nl = wrap(w->label, lines);
		double rh = bars_row_h(nl);
		double len = row_value(w) / max * area;
		double mid = y + rh / 2;

		for (size_t k = 0; k < nl; k++)
			label(c, BARS_LABEL_END, mid + 5 + ((double)k - (double)(nl - 1) / 2) * CHART_LINE,
			      "end", lines[k], CHART_LABEL_MAX);
		if (len > 0)
			rect(c, BARS_X, mid - BARS_H / 2, len < 2 ? 2 : len, BARS_H, "c-bar");
		figure(c, BARS_X + (len < 2 ? 2 : len) + 6, mid + 5, "start", w->cell == REPORT_SHOWN,
		       row_text(v, w, 1));
		y += rh;
	}
	line(c, BARS_X, CHART_PAD, BARS_X, h - CHART_PAD, "c-axis");
	svg_end(c->out);
}

/* Vertical bars in the rows' order, the values above and the labels
 * below. When a column is too narrow for its label, labels alternate
 * between two lines; a value that would touch a neighbour's is lifted
 * above it. */
#define COLS_PLOT_H 180.0
#define COLS_BAR_MAX 56.0

/* The height above the axis of each column's value: just over its bar,
 * or a line above a neighbour's value it would overlap. */
static void column_lifts(const report_section *s, double slot, double max, double *lift, double *vw)
{
	char v[64];

	for (size_t i = 0; i < s->n; i++) {
		double len = row_value(&s->rows[i]) / max * COLS_PLOT_H;
		int moved = 1;

		lift[i] = (len < 2 ? 2 : len) + 6;
		vw[i] = text_width(row_text(v, &s->rows[i], 0));
		/* Each move goes strictly up, to one of finitely many values: this
		 * ends. "Strictly" is tested as such: (a + LINE) - a may round to a
		 * hair under LINE, and moving to the same height again would loop
		 * for ever. */
		while (moved) {
			moved = 0;
			for (size_t j = i; j-- > 0 && (double)(i - j) * slot < (vw[i] + vw[j]) / 2 + 4;) {
				if (fabs(lift[i] - lift[j]) < CHART_LINE && lift[j] + CHART_LINE > lift[i]) {
					lift[i] = lift[j] + CHART_LINE;
					moved = 1;
				}
			}
		}
	}
}

static void draw_columns(const chart *c, const char *id_prefix)
{
	const report_section *s = c->s;
	size_t n = s->n;
	double slot = (CHART_W - 2 * CHART_PAD) / (double)n;
	double bar_w = slot * 0.7 < COLS_BAR_MAX ? slot * 0.7 : COLS_BAR_MAX;
	double max = max_value(s, n, 0), need = 0, highest = 0;
	double *lift = xcalloc(2 * n, sizeof *lift), *vw = lift + n;
	char v[64], lb[CHART_TEXT_BYTES];

	for (size_t i = 0; i < n; i++) {
		double lw = text_width(cut(lb, s->rows[i].label, CHART_LABEL_MAX));
		if (lw > need)
			need = lw;
	}
	column_lifts(s, slot, max, lift, vw);
	for (size_t i = 0; i < n; i++)
		if (lift[i] > highest)
			highest = lift[i];
	int lines = need > slot - 4 ? 2 : 1;
	/* What room a label has on its line: its slot, or two when they
	 * alternate (its neighbours' labels are on the other line). */
	size_t label_max = (size_t)((lines * slot - 4) / CHART_CHAR_W);
	/* Room above the highest value for its letters (14 units tall). */
	double base =
	    CHART_PAD + (highest + 14 > COLS_PLOT_H + CHART_LINE ? highest + 14 : COLS_PLOT_H + CHART_LINE);
	double h = base + lines * CHART_LINE + CHART_PAD;

	begin(c, id_prefix, "chart-columns", n, h);
	for (size_t i = 0; i < n; i++) {
		const report_row *w = &s->rows[i];
		double x = CHART_PAD + slot * ((double)i + 0.5);
		double len = row_value(w) / max * COLS_PLOT_H;
		double shift = lines == 2 && i % 2 ? CHART_LINE : 0;

		if (len > 0)
			rect(c, x - bar_w / 2, base - (len < 2 ? 2 : len), bar_w, len < 2 ? 2 : len, "c-bar");
		figure(c, x, base - lift[i], "middle", w->cell == REPORT_SHOWN, row_text(v, w, 0));
		label(c, x, base + CHART_LINE + shift, "middle", w->label, label_max);
	}
	line(c, CHART_PAD, base, CHART_W - CHART_PAD, base, "c-axis");
	free(lift);
	svg_end(c->out);
}

/* A step of 1, 2 or 5 times a power of ten giving about four grid lines
 * up to max. */
static double nice_step(double max)
{
	double raw = max / 4, p = pow(10, floor(log10(raw)));
	double m = raw / p;

	if (raw < 1)
		return 1;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* One series of a line chart: the polyline broken where a point is
 * masked, a dot on each point, and "<5" or "s" on the axis where a masked
 * point would be. */
static void draw_series(const chart *c, const double *xs, double *ys, double base, double ymax, double plot_h,
                        int second)
{
	const report_section *s = c->s;
	double *sx = ys + s->n; /* scratch: mirrored abscissae of the current run */
	size_t run = 0;

	for (size_t i = 0; i <= s->n; i++) {
		const report_row *w = i < s->n ? &s->rows[i] : NULL;
		int cell = w ? (second ? w->cell2 : w->cell) : -1;
		if (cell == REPORT_SHOWN) {
			double v = (double)(second ? w->n2 : w->n);
			sx[run] = X(c, xs[i]);
			ys[run++] = base - (v > 0 ? v : 0) / ymax * plot_h;
			continue;
		}
		if (run > 1)
			svg_polyline(c->out, sx, ys, run, second ? "c-line2" : "c-line");
		for (size_t k = 0; k < run; k++)
			svg_circle(c->out, sx[k], ys[k], second ? 3 : 3.5, second ? "c-dot2" : "c-dot");
		run = 0;
		if (w && !second)
			text(c, xs[i], base - 6, "middle", "c-note", masked_text(cell));
	}
}

#define LINE_PLOT_H 200.0
#define LINE_LEGEND_W 28.0

static void draw_line(const chart *c, const char *id_prefix)
{
	const report_section *s = c->s;
	int two = s->unit2 != NULL;
	double step = nice_step(max_value(s, s->n, two));
	double ymax = step * ceil(max_value(s, s->n, two) / step);
	char v[32], lb[CHART_TEXT_BYTES], lines[BARS_LINES][CHART_TEXT_BYTES];
	double label_w = 0;
	size_t label_lines = 1;

	fmt_count(v, (int64_t)ymax);
	double axis_w = text_width(v) + 8;
	/* A period's label wraps like a bar's ("semaine du 3 mars" over
	 * "(incomplet)"), never cut. */
	for (size_t i = 0; i < s->n; i++) {
		size_t nl = wrap(s->rows[i].label, lines);
		for (size_t k = 0; k < nl; k++) {
			double lw = text_width(cut(lb, lines[k], CHART_LABEL_MAX));
			if (lw > label_w)
				label_w = lw;
		}
		if (nl > label_lines)
			label_lines = nl;
	}
	/* The first and last period labels are centred on the plot's edges,
	 * so the plot leaves half a label of room on each side. */
	double x0 = CHART_PAD + (axis_w > label_w / 2 ? axis_w : label_w / 2);
	double x1 = CHART_W - CHART_PAD - label_w / 2;
	double dx = s->n > 1 ? (x1 - x0) / (double)(s->n - 1) : 0;
	size_t every = dx > 0 ? (size_t)ceil((label_w + CHART_CHAR_W) / dx) : 1;
	double top = CHART_PAD + (two ? CHART_LINE + CHART_PAD : 0) + CHART_PAD;
	double base = top + LINE_PLOT_H;
	double h = base + (double)label_lines * CHART_LINE + CHART_PAD;
	double *xs = xcalloc(3 * s->n, sizeof *xs);

	if (every < 1)
		every = 1;
	begin(c, id_prefix, "chart-line", s->n, h);
	if (two) {
		/* The legend: a sample of each line and its unit, in the order
		 * of the table's columns. */
		double lx = CHART_PAD, ly = CHART_PAD + CHART_LINE / 2;
		const char *units[2] = {s->unit, s->unit2};
		for (int k = 0; k < 2; k++) {
			line(c, lx, ly, lx + LINE_LEGEND_W, ly, k ? "c-line2" : "c-line");
			label(c, lx + LINE_LEGEND_W + 6, ly + 5, "start", units[k], CHART_LABEL_MAX);
			lx += LINE_LEGEND_W + 6 + text_width(cut(lb, units[k], CHART_LABEL_MAX)) + 24;
		}
	}
	for (int k = 0; k * step <= ymax + step / 2; k++) {
		double t = k * step;
		double y = base - t / ymax * LINE_PLOT_H;
		line(c, x0, y, x1, y, t > 0 ? "c-grid" : "c-axis");
		fmt_count(v, (int64_t)t);
		text(c, x0 - 6, y + 5, "end", "c-tick", v);
	}
	for (size_t i = 0; i < s->n; i++) {
		xs[i] = s->n > 1 ? x0 + dx * (double)i : (x0 + x1) / 2;
		if (i % every != 0)
			continue;
		size_t nl = wrap(s->rows[i].label, lines);
		for (size_t k = 0; k < nl; k++)
			label(c, xs[i], base + (double)(k + 1) * CHART_LINE, "middle", lines[k],
			      CHART_LABEL_MAX);
	}
	if (two)
		draw_series(c, xs, xs + s->n, base, ymax, LINE_PLOT_H, 1);
	draw_series(c, xs, xs + s->n, base, ymax, LINE_PLOT_H, 0);
	free(xs);
	svg_end(c->out);
}

/* One bar of 100 % split into the rows' parts, white separators between
 * them, and a legend in the same order with each part's value. */
#define STACK_H 36.0
#define STACK_ROW_H 24.0
#define STACK_KEY 14.0

static double stack_row_h(size_t nlines)
{
	double h = (double)nlines * CHART_LINE + 6;
	return h > STACK_ROW_H ? h : STACK_ROW_H;
}

static void draw_stacked(const chart *c, const char *id_prefix)
{
	const report_section *s = c->s;
	double bw = CHART_W - 2 * CHART_PAD, denom = 0, x = CHART_PAD;
	double ly = CHART_PAD + STACK_H + CHART_PAD;
	char v[64], lines[BARS_LINES][CHART_TEXT_BYTES];
	/* Legend rows grow with their label, wrapped rather than cut. */
	double h = ly + CHART_PAD;
	for (size_t i = 0; i < s->n; i++)
		h += stack_row_h(wrap(s->rows[i].label, lines));

	/* Parts of the section's total, so that masked rows leave their room
	 * empty rather than swell the others; the shown rows' sum when the
	 * total is unknown. */
	if (s->total > 0 && s->total_cell == REPORT_SHOWN)
		denom = (double)s->total;
	else
		for (size_t i = 0; i < s->n; i++)
			denom += row_value(&s->rows[i]);

	begin(c, id_prefix, "chart-stacked", s->n, h);
	rect(c, CHART_PAD, CHART_PAD, bw, STACK_H, "c-track");
	for (size_t i = 0; i < s->n && denom > 0; i++) {
		double len = row_value(&s->rows[i]) / denom * bw;
		char cls[8];
		if (len <= 0)
			continue;
		if (x + len > CHART_PAD + bw)
			len = CHART_PAD + bw - x;
		snprintf(cls, sizeof cls, "c-s%zu", i % CHART_SERIES);
		rect(c, x, CHART_PAD, len, STACK_H, cls);
		x += len;
		if (x < CHART_PAD + bw - 0.5)
			line(c, x, CHART_PAD, x, CHART_PAD + STACK_H, "c-sep");
	}
	double y = ly;
	for (size_t i = 0; i < s->n; i++) {
		const report_row *w = &s->rows[i];
		size_t nl = wrap(w->label, lines);
		double rh = stack_row_h(nl), top = y + (rh - (double)nl * CHART_LINE) / 2;
		char cls[8];
		snprintf(cls, sizeof cls, "c-s%zu", i % CHART_SERIES);
		rect(c, CHART_PAD, y + (rh - STACK_KEY) / 2, STACK_KEY, STACK_KEY,
		     row_value(w) > 0 ? cls : "c-track");
		for (size_t k = 0; k < nl; k++)
			label(c, CHART_PAD + STACK_KEY + 8, top + (double)(k + 1) * CHART_LINE - 4, "start",
			      lines[k], CHART_LABEL_MAX);
		figure(c, CHART_W - CHART_PAD, y + rh / 2 + 5, "end", w->cell == REPORT_SHOWN,
		       row_text(v, w, 1));
		y += rh;
	}
	svg_end(c->out);
}

void report_chart_svg(const report *r, const report_section *s, const char *id_prefix, int rtl, buf *out)
{
	chart c = {r, s, out, rtl != 0};

	if (!r || !s || !out || !s->rows || s->n == 0)
		return;
	switch (s->chart) {
	case REPORT_CHART_BARS:
		draw_bars(&c, id_prefix);
		break;
	case REPORT_CHART_COLUMNS:
		draw_columns(&c, id_prefix);
		break;
	case REPORT_CHART_LINE:
		draw_line(&c, id_prefix);
		break;
	case REPORT_CHART_STACKED:
		draw_stacked(&c, id_prefix);
		break;
	case REPORT_CHART_NONE:
		break;
	}
}
