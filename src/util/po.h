/*
 * po.h: the translation catalogs that i18n.c holds, one per language: an
 * open-addressing table of entries that po.c fills from the text of a .po
 * file. The lookups of i18n.c choose a plural form with po.c's evaluator of
 * Plural-Forms expressions. Private to i18n.c and po.c.
 */
#ifndef GUICHET_PO_H
#define GUICHET_PO_H

#include <stddef.h>

/* Arabic needs six plural forms; no language in the table needs more. */
#define PO_MAX_PLURALS 6

typedef struct entry {
	char *msgid; /* NULL marks an empty slot */
	char *msgstr[PO_MAX_PLURALS];
	unsigned nforms; /* 0 for a singular entry, else the number of msgstr[] */
} entry;

typedef struct catalog {
	entry *slots;
	size_t cap; /* a power of two, at least twice n */
	size_t n;
	unsigned nplurals;
	char *plural; /* the header's plural= expression; NULL means n != 1 */
} catalog;

/* The slot of msgid: its entry, or the empty slot where it would
 * go; NULL for a catalog without slots. */
entry *po_catalog_slot(const catalog *c, const char *msgid);
/* Doubles the table (or creates it), keeping its entries. */
void po_catalog_grow(catalog *c);
/* Frees c and its strings; c may be NULL. */
void po_catalog_free(catalog *c);

/* Reads the .po text into a new catalog; NULL with a message in
 * err ("line N: why") when the file is refused. */
catalog *po_read(const char *text, size_t len, char *err, size_t errlen);
/* Evaluates a Plural-Forms expression for n into *out; -1 when the
 * expression is not valid. */
int po_plural_eval(const char *expr, unsigned long n, unsigned long *out);

#endif
