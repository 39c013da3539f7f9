/* page_avis.c: the public satisfaction page (being written). */
#include "page.h"

int page_avis_form(req *r) { return page_not_found(r); }
int page_avis_post(req *r) { return page_not_found(r); }
int page_avis_audio(req *r) { return page_not_found(r); }
