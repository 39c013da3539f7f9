/* page_reports.c: the steering reports (being written). */
#include "page.h"

int page_reports_index(req *r) { return page_not_found(r); }
int page_report_site(req *r) { return page_not_found(r); }
int page_report_sites(req *r) { return page_not_found(r); }
int page_report_departement(req *r) { return page_not_found(r); }
int page_report_region(req *r) { return page_not_found(r); }
int page_report_national(req *r) { return page_not_found(r); }
