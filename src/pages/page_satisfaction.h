/*
 * page_satisfaction.h: what the two files of the advisers' satisfaction
 * pages share: page_satisfaction.c (the answers, the poster, paper answers)
 * uses the public addresses of page_satisfaction_public.c. Private to
 * those two files.
 */
#ifndef GUICHET_PAGE_SATISFACTION_H
#define GUICHET_PAGE_SATISFACTION_H

#include <stdint.h>

#include "http/http.h"
#include "store/store.h"

/* The public address of the site's survey page for one channel ("borne" or
 * "qr"), with the key of its current generation, into *url (from the
 * arena). *url stays NULL when the server does not know its public address
 * (no public-url, and a listen address others can reach). 0, or -1 when
 * the store failed. */
int page_satisfaction_address(req *r, int64_t site_id, const char *via, const char **url);
/* The notice that asks the administrator to set public-url. */
void page_satisfaction_unset_notice(req *r);
/* The section « Recueillir les avis » of /satisfaction: the addresses, the
 * poster, paper answers and, for those who may, the change of the key.
 * 0, or -1 when the store failed (nothing written). */
int page_satisfaction_collect(req *r, const store_site *site);

#endif
