/*
 * phrases.c: the table of the public phrases, built once from the embedded
 * po/CODE.po files of the public-only languages (po.c reads them as i18n.c
 * does), after i18n_init. Read without a lock afterwards.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/embedded.h"
#include "util/i18n.h"
#include "util/phrases.h"
#include "util/po.h"
#include "util/util.h"

typedef struct phrase {
	char id[PHRASE_ID_BYTES];
	char *msgid;
} phrase;

static phrase *table;
static size_t ntable;
static pthread_once_t once = PTHREAD_ONCE_INIT;

void phrase_id(const char *msgid, char out[PHRASE_ID_BYTES])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[16];
	crypto_generichash(h, sizeof(h), (const unsigned char *)msgid, strlen(msgid), NULL, 0);
	for (size_t i = 0; i < (PHRASE_ID_BYTES - 1) / 2; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[PHRASE_ID_BYTES - 1] = '\0';
}

static int by_msgid(const void *a, const void *b)
{
	return strcmp(((const phrase *)a)->msgid, ((const phrase *)b)->msgid);
}

static void add_catalog(const catalog *c, size_t *cap)
{
	for (size_t i = 0; i < c->cap; i++) {
		const entry *e = &c->slots[i];
		if (!e->msgid || !*e->msgid || e->nforms || !e->msgstr[0] || !*e->msgstr[0])
			continue;
		int seen = 0;
		for (size_t j = 0; j < ntable && !seen; j++)
			seen = strcmp(table[j].msgid, e->msgid) == 0;
		if (seen)
			continue;
		if (ntable == *cap) {
			*cap = *cap ? 2 * *cap : 256;
			table = xrealloc(table, *cap * sizeof(*table));
		}
		table[ntable].msgid = xstrdup(e->msgid);
		phrase_id(e->msgid, table[ntable].id);
		ntable++;
	}
}

static void build(void)
{
	size_t cap = 0;
	for (size_t i = 0; i < i18n_public_count(); i++) {
		const lang *l = i18n_public_lang(i);
		if (!l || strcmp(l->code, "fr") == 0 || i18n_is_staff(l))
			continue;
		char name[32], err[256];
		snprintf(name, sizeof(name), "po/%s.po", l->code);
		const struct embedded_file *f = embedded_find(name);
		catalog *c = f ? po_read((const char *)f->data, f->len, err, sizeof(err)) : NULL;
		if (c)
			add_catalog(c, &cap);
		po_catalog_free(c);
	}
	if (ntable > 1)
		qsort(table, ntable, sizeof(*table), by_msgid);
}

const char *phrase_by_id(const char *id)
{
	pthread_once(&once, build);
	if (!id || strlen(id) != PHRASE_ID_BYTES - 1)
		return NULL;
	for (size_t i = 0; i < ntable; i++)
		if (strcmp(table[i].id, id) == 0)
			return table[i].msgid;
	return NULL;
}

int phrase_is_public(const char *msgid)
{
	pthread_once(&once, build);
	if (!msgid)
		return 0;
	phrase key = {.msgid = (char *)msgid};
	return bsearch(&key, table, ntable, sizeof(*table), by_msgid) != NULL;
}

size_t phrase_count(void)
{
	pthread_once(&once, build);
	return ntable;
}

const char *phrase_at(size_t i)
{
	pthread_once(&once, build);
	return i < ntable ? table[i].msgid : NULL;
}
