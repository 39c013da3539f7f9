/*
 * qr.c: the QR codes of qr.h. libqrencode chooses the version, places the
 * codewords and picks the mask; this file only bounds the version, copies
 * the modules into a plain value and writes them as SVG.
 */
#include <qrencode.h>
#include <string.h>

#include "util/html.h"
#include "util/qr.h"
#include "util/svg.h"

#define QUIET_ZONE 4
/* The path of a 57 × 57 code is under 40 KB even when every run is one
 * module long. */
#define QR_PATH_MAX ((size_t)64 * 1024)

int qr_encode(const char *data, size_t len, qr_code *out)
{
	if (len == 0 || len > (size_t)INT32_MAX)
		return -1;
	QRcode *c = QRcode_encodeData((int)len, (const unsigned char *)data, 0, QR_ECLEVEL_M);
	if (!c)
		return -1;
	int rc = -1;
	if (c->version >= 1 && c->version <= QR_MAX_VERSION && c->width == 17 + 4 * c->version) {
		memset(out, 0, sizeof *out);
		out->version = c->version;
		out->size = c->width;
		/* Bit 0 of each byte is the module's colour; the others say which
		 * part of the symbol it belongs to. */
		for (int y = 0; y < c->width; y++)
			for (int x = 0; x < c->width; x++)
				out->dark[y][x] = c->data[y * c->width + x] & 1;
		rc = 0;
	}
	QRcode_free(c);
	return rc;
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
