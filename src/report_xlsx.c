/* report_xlsx.c: a report as an XLSX workbook (being written). */
#include <stdio.h>

#include "report.h"

int report_xlsx(const report *r, buf *out, char *err, size_t errlen) { snprintf(err, errlen, "not yet"); return -1; }
