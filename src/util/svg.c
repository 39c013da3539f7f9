/*
 * svg.c: the SVG writers. Charts are inline SVG inside HTML pages, so text
 * and attribute values go through the HTML escapers (html_txt, html_attr):
 * the references they write (&amp; &lt; &gt; &quot; &#39;) mean the same in
 * XML, and the bidirectional controls they neutralise would reorder a chart's
 * labels as much as a page's text.
 *
 * Numbers are written by hand from a count of hundredths rather than with
 * printf's %f, whose decimal separator follows LC_NUMERIC: a comma there
 * would turn "12.5" into two coordinates. Every element carries a class and
 * no style attribute, because the site's Content-Security-Policy refuses
 * inline styles; the colours live in static/chart.css.
 */
#include <math.h>
#include <string.h>

#include "util/html.h"
#include "util/svg.h"

/* Coordinates beyond this are a bug in the caller; clamping keeps the
 * arithmetic below within int64_t. */
#define SVG_NUM_MAX 1e12

void svg_num(buf *b, double v)
{
	char out[32];
	size_t o = sizeof out;
	int64_t h;
	int neg;

	if (!isfinite(v))
		v = 0;
	if (v > SVG_NUM_MAX)
		v = SVG_NUM_MAX;
	if (v < -SVG_NUM_MAX)
		v = -SVG_NUM_MAX;
	/* Rounded to the nearest hundredth of the double's value: 1.005 is
	 * stored as 1.00499… and becomes "1". A value that rounds to zero is
	 * written "0", never "-0". */
	h = llround(v * 100.0);
	neg = h < 0;
	if (neg)
		h = -h;
	out[--o] = '\0';
	int64_t frac = h % 100, whole = h / 100;
	if (frac) {
		if (frac % 10) {
			out[--o] = (char)('0' + frac % 10);
			out[--o] = (char)('0' + frac / 10);
		} else {
			out[--o] = (char)('0' + frac / 10);
		}
		out[--o] = '.';
	}
	do {
		out[--o] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (neg)
		out[--o] = '-';
	buf_puts(b, out + o);
}

/* ` name="value"`, the value escaped; nothing when value is NULL. */
static void attr(buf *b, const char *name, const char *value)
{
	if (!value)
		return;
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_puts(b, "=\"");
	html_attr(b, value);
	buf_putc(b, '"');
}

/* ` name="number"`. */
static void attr_num(buf *b, const char *name, double v)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_puts(b, "=\"");
	svg_num(b, v);
	buf_putc(b, '"');
}

void svg_begin(buf *b, const char *id, double w, double h, const char *cls, const char *title,
               const char *desc)
{
	int ids = id && *id;

	buf_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
	svg_num(b, w);
	buf_putc(b, ' ');
	svg_num(b, h);
	buf_puts(b, "\" width=\"100%\" role=\"img\"");
	if (ids) {
		buf_puts(b, " aria-labelledby=\"");
		html_attr(b, id);
		buf_puts(b, "-t ");
		html_attr(b, id);
		buf_puts(b, "-d\"");
	}
	attr(b, "class", cls);
	buf_puts(b, "><title");
	if (ids) {
		buf_puts(b, " id=\"");
		html_attr(b, id);
		buf_puts(b, "-t\"");
	}
	buf_putc(b, '>');
	html_txt(b, title);
	buf_puts(b, "</title><desc");
	if (ids) {
		buf_puts(b, " id=\"");
		html_attr(b, id);
		buf_puts(b, "-d\"");
	}
	buf_putc(b, '>');
	html_txt(b, desc);
	buf_puts(b, "</desc>\n");
}

void svg_end(buf *b)
{
	buf_puts(b, "</svg>\n");
}

void svg_rect(buf *b, double x, double y, double w, double h, const char *cls)
{
	/* A negative size is an error in SVG; an empty rectangle draws nothing,
	 * which is what a caller computing one meant. */
	buf_puts(b, "<rect");
	attr_num(b, "x", x);
	attr_num(b, "y", y);
	attr_num(b, "width", w > 0 ? w : 0);
	attr_num(b, "height", h > 0 ? h : 0);
	attr(b, "class", cls);
	buf_puts(b, "/>\n");
}

void svg_line(buf *b, double x1, double y1, double x2, double y2, const char *cls)
{
	buf_puts(b, "<line");
	attr_num(b, "x1", x1);
	attr_num(b, "y1", y1);
	attr_num(b, "x2", x2);
	attr_num(b, "y2", y2);
	attr(b, "class", cls);
	buf_puts(b, "/>\n");
}

void svg_polyline(buf *b, const double *xs, const double *ys, size_t n, const char *cls)
{
	buf_puts(b, "<polyline points=\"");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ' ');
		svg_num(b, xs[i]);
		buf_putc(b, ',');
		svg_num(b, ys[i]);
	}
	buf_putc(b, '"');
	attr(b, "class", cls);
	buf_puts(b, "/>\n");
}

void svg_path(buf *b, const char *d, const char *cls)
{
	buf_puts(b, "<path");
	attr(b, "d", d ? d : "");
	attr(b, "class", cls);
	buf_puts(b, "/>\n");
}

void svg_circle(buf *b, double cx, double cy, double r, const char *cls)
{
	buf_puts(b, "<circle");
	attr_num(b, "cx", cx);
	attr_num(b, "cy", cy);
	attr_num(b, "r", r > 0 ? r : 0);
	attr(b, "class", cls);
	buf_puts(b, "/>\n");
}

void svg_text(buf *b, double x, double y, const char *anchor, const char *cls, const char *text)
{
	buf_puts(b, "<text");
	attr_num(b, "x", x);
	attr_num(b, "y", y);
	/* "start" is SVG's default; anything but the two others is treated as
	 * it rather than written out. */
	if (anchor && (strcmp(anchor, "middle") == 0 || strcmp(anchor, "end") == 0))
		attr(b, "text-anchor", anchor);
	attr(b, "class", cls);
	buf_putc(b, '>');
	html_txt(b, text);
	buf_puts(b, "</text>\n");
}

void svg_group_begin(buf *b, const char *cls, int hidden)
{
	buf_puts(b, "<g");
	attr(b, "class", cls);
	if (hidden)
		buf_puts(b, " aria-hidden=\"true\"");
	buf_puts(b, ">\n");
}

void svg_group_end(buf *b)
{
	buf_puts(b, "</g>\n");
}
