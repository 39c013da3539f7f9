/* page_opendata.c: open data (being written). */
#include "page.h"

int page_opendata(req *r) { return page_not_found(r); }
int page_opendata_activity(req *r) { return page_not_found(r); }
int page_opendata_lieux_csv(req *r) { return page_not_found(r); }
int page_opendata_lieux_json(req *r) { return page_not_found(r); }
int page_opendata_france_services(req *r) { return page_not_found(r); }
