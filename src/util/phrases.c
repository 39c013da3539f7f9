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

/* ---- A site's wording of a phrase. */

#define PLACEHOLDERS_MAX 8
#define PLACEHOLDER_BYTES 24

/* The {name} words of s (letters, digits and '_' between braces), sorted;
 * -1 when there are more than PLACEHOLDERS_MAX or one is too long. */
static int placeholders(const char *s, char out[PLACEHOLDERS_MAX][PLACEHOLDER_BYTES], size_t *n)
{
	*n = 0;
	for (const char *p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
		size_t k = 1;
		while (p[k] == '_' || (p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') ||
		       (p[k] >= '0' && p[k] <= '9'))
			k++;
		if (p[k] != '}' || k == 1)
			continue; /* a brace of the text, not a placeholder */
		if (*n == PLACEHOLDERS_MAX || k - 1 >= PLACEHOLDER_BYTES)
			return -1;
		memcpy(out[*n], p + 1, k - 1);
		out[*n][k - 1] = '\0';
		(*n)++;
	}
	/* Insertion sort: a handful at most. */
	for (size_t i = 1; i < *n; i++)
		for (size_t j = i; j > 0 && strcmp(out[j - 1], out[j]) > 0; j--) {
			char t[PLACEHOLDER_BYTES];
			memcpy(t, out[j], PLACEHOLDER_BYTES);
			memcpy(out[j], out[j - 1], PLACEHOLDER_BYTES);
			memcpy(out[j - 1], t, PLACEHOLDER_BYTES);
		}
	return 0;
}

static size_t count_of(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s ? strstr(s, needle) : NULL; p; p = strstr(p + 1, needle))
		n++;
	return n;
}

enum phrase_fix_problem phrase_fix_check(const char *msgid, const char *text, size_t max_bytes)
{
	if (!text || !*text)
		return PHRASE_FIX_EMPTY;
	size_t len = strlen(text);
	if (len > max_bytes)
		return PHRASE_FIX_TOO_LONG;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
			return PHRASE_FIX_CONTROL;
	/* The values a page puts in (%d, %s) are kept too, as many. */
	if (count_of(msgid, "%d") != count_of(text, "%d") || count_of(msgid, "%s") != count_of(text, "%s"))
		return PHRASE_FIX_PLACEHOLDERS;
	char a[PLACEHOLDERS_MAX][PLACEHOLDER_BYTES], b[PLACEHOLDERS_MAX][PLACEHOLDER_BYTES];
	size_t na = 0, nb = 0;
	if (placeholders(msgid ? msgid : "", a, &na) != 0 || placeholders(text, b, &nb) != 0 || na != nb)
		return PHRASE_FIX_PLACEHOLDERS;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return PHRASE_FIX_PLACEHOLDERS;
	return PHRASE_FIX_OK;
}
