/* page_satisfaction.c: the advisers' satisfaction page (being written). */
#include "page.h"

int page_satisfaction(req *r) { return page_not_found(r); }
int page_satisfaction_new(req *r) { return page_not_found(r); }
int page_satisfaction_create(req *r) { return page_not_found(r); }
int page_satisfaction_delete_form(req *r) { return page_not_found(r); }
int page_satisfaction_delete(req *r) { return page_not_found(r); }
