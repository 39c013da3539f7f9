/* report.c: a steering report as data (being written). */
#include "report.h"

const char *report_label_default(const struct lang *l, arena *a, enum stats_bd bd, const char *code) { return code; }
report *report_build(arena *a, const struct lang *l, const stats_result *res, report_label_fn label, void *label_ctx) { return NULL; }
report_section *report_add_section(report *r, size_t pos, const char *id, const char *title, const char *description, const char *unit, enum report_chart chart, size_t nrows) { return NULL; }
report_section *report_section_find(const report *r, const char *id) { return NULL; }
int report_add_series(report *r, stats_engine *e, const stats_query *q) { return -1; }
void report_mask(report *r) {}
const char *report_cell_text(char out[24], int64_t n, int cell) { return ""; }
int report_csv(const report *r, const report_section *s, int semicolon, buf *out) { return -1; }
