/*
 * svg.h: writers for inline SVG that escape by construction, the way
 * html.h does for HTML. Numbers are written with a fixed number of
 * decimals and a point whatever the locale; text goes through the same
 * escaping as HTML text.
 */
#ifndef GUICHET_SVG_H
#define GUICHET_SVG_H

#include "util/util.h"

/* <svg xmlns viewBox="0 0 w h" width="100%" role="img" aria-labelledby="ID-t ID-d" class=cls>
 * <title id="ID-t">title</title><desc id="ID-d">desc</desc> */
void svg_begin(buf *b, const char *id, double w, double h, const char *cls, const char *title, const char *desc);
void svg_end(buf *b);
/* A rectangle with a CSS class (colours live in the stylesheet). */
void svg_rect(buf *b, double x, double y, double w, double h, const char *cls);
void svg_line(buf *b, double x1, double y1, double x2, double y2, const char *cls);
/* A polyline through n points (xs[i], ys[i]). */
void svg_polyline(buf *b, const double *xs, const double *ys, size_t n, const char *cls);
/* A path whose data d is written escaped (callers build it from numbers). */
void svg_path(buf *b, const char *d, const char *cls);
void svg_circle(buf *b, double cx, double cy, double r, const char *cls);
/* Text at (x, y); anchor is "start", "middle" or "end". */
void svg_text(buf *b, double x, double y, const char *anchor, const char *cls, const char *text);
/* <g> with an optional class and aria-hidden="true" when hidden. */
void svg_group_begin(buf *b, const char *cls, int hidden);
void svg_group_end(buf *b);
/* A number as SVG wants it: up to 2 decimals, '.' as separator. */
void svg_num(buf *b, double v);

#endif
