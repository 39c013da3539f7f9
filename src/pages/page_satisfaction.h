/*
 * page_satisfaction.h: what the files of the satisfaction survey share:
 * page_satisfaction.c (the answers, the poster, paper answers) uses the
 * public addresses and short codes of page_satisfaction_public.c, and the
 * public page (page_avis.c) finds a site from its short code. Private to
 * those three files.
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
/* The short code of a site's survey, typed on /a where a QR code cannot be
 * scanned: at least 8 characters without look-alikes (no 0, O, 1, I, L),
 * derived from the site's id and its current key. */
#define PAGE_SATISFACTION_CODE_BYTES 24
/* The code of site_id into out. 0, or -1 when the store failed. */
int page_satisfaction_code(req *r, int64_t site_id, char out[PAGE_SATISFACTION_CODE_BYTES]);
/* The code as printed, in groups of four: "ABCD-EFGH" (from the arena). */
const char *page_satisfaction_code_display(req *r, const char *code);
/* The site that a typed code names (case, spaces and dashes ignored), with
 * the key of its current generation in *key (from the arena): 0; 1 when the
 * code names no site, or a site whose key has changed since; -1 when the
 * store failed. */
int page_satisfaction_code_find(req *r, const char *typed, int64_t *site_id, const char **key);
/* The start of the public addresses (public-url, or the loopback address
 * of a demonstration), NULL when the server cannot know it. */
const char *page_satisfaction_public_base(req *r);
/* The notice that asks the administrator to set public-url. */
void page_satisfaction_unset_notice(req *r);
/* The section « Recueillir les avis » of /satisfaction: the addresses, the
 * poster, paper answers and, for those who may, the change of the key.
 * 0, or -1 when the store failed (nothing written). */
int page_satisfaction_collect(req *r, const store_site *site);

#endif
