/*
 * page_static.h: the static assets (CSS, scripts, pictograms, sounds)
 * compiled into the binary, served from /static/{name} with a strong ETag.
 */
#ifndef GUICHET_PAGE_STATIC_H
#define GUICHET_PAGE_STATIC_H

#include <stddef.h>

#include "util/embedded.h"
#include "http/http.h"

/* A quoted hex BLAKE2b-128 of the content, with its NUL. */
#define PAGE_STATIC_ETAG_BYTES 35

/* Serves embedded "static/" + param 0; 404 with a short text when absent. */
int page_static(req *r);

/* The pieces of page_static, exposed for the unit tests. */
/* Answers with file f: type, ETag, cache lifetime, 304 on If-None-Match. */
int page_static_serve(req *r, const struct embedded_file *f);
/* The Content-Type for a file name, by its extension. */
const char *page_static_type(const char *name);
void page_static_etag(const unsigned char *data, size_t len, char out[PAGE_STATIC_ETAG_BYTES]);
/* True when an If-None-Match header lists etag (or is "*"). */
int page_static_etag_matches(const char *if_none_match, const char *etag);

#endif
