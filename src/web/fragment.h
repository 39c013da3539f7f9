/*
 * fragment.h: pieces of pages kept between requests.
 *
 * Some pieces of a page depend on little: a blank demand block of the
 * recording form on the language and the catalog's entries, and nothing
 * else; the rows of a table of visits on the page of visits the store kept
 * (its stamp), the language and the names they show. Such a piece is
 * rendered once and copied into the later pages.
 *
 * The key is the exact text of everything the piece depends on, or stamps
 * that name it (what the store keeps in memory gets a new stamp each time
 * it is read again), written by the caller with web_fragment_key_add and
 * compared byte for byte (a hash only finds the candidates). A change of the catalog makes another key:
 * a kept piece is never stale, and no writer has to say that something
 * changed. The table holds LIMIT_FRAGMENTS pieces for the whole process;
 * a new piece replaces the oldest. It is shared by every thread.
 */
#ifndef GUICHET_WEB_FRAGMENT_H
#define GUICHET_WEB_FRAGMENT_H

#include <stddef.h>

#include "http/request.h"
#include "util/util.h"

/* Appends s and its terminating NUL to the key k, so that ("ab", "c")
 * and ("a", "bc") make different keys. A NULL s counts as "". */
void web_fragment_key_add(buf *k, const char *s);

/* Appends the piece kept under key to out, with `with` where the piece
 * was kept with its placeholder (nothing there when with is NULL). 0 when
 * a piece was found, -1 when none is kept under that key. */
int web_fragment_copy(const char *key, size_t keylen, const char *with, buf *out);

/* Keeps a copy of html under key, noting where placeholder (NULL: none)
 * stands in it, unless the piece or the key is over its limit
 * (guichet_limits.h) or memory runs out: keeping is an optimisation only. */
void web_fragment_keep(const char *key, size_t keylen, const char *html, size_t len, const char *placeholder);

/* Writes into r->out the piece kept under key, `with` where its
 * placeholder stands. When none is kept, render writes the piece into
 * r->out and it is kept, noting where placeholder stands (NULL: none);
 * a piece with a placeholder is then written again from the kept copy, so
 * that `with` stands in it. 0 when the piece is written; -1 when nothing
 * is: render refused it (non-zero), or a piece with a placeholder could
 * not be kept. The caller then writes the piece itself. */
int web_fragment_write(req *r, const char *key, size_t keylen, const char *with, const char *placeholder,
                       int (*render)(req *r, void *arg), void *arg);

/* Forgets every piece (tests; the end of the process). */
void web_fragment_clear(void);

#endif
