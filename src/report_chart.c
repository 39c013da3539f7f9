/* report_chart.c: SVG charts of a report (being written). */
#include "report.h"

void report_chart_svg(const report *r, const report_section *s, const char *id_prefix, int rtl, buf *out) {}
