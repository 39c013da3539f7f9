/*
 * stats_dict.c: the engine's dictionaries, which turn each code (an
 * operator, a commune, a language list…) into a small integer when rows are
 * loaded (stats_load.c) and back when a question names one (stats.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/stats_impl.h"

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void dict_init(dict *d, uint32_t max)
{
	memset(d, 0, sizeof *d);
	d->max = max;
}

void dict_free(dict *d)
{
	for (uint32_t i = 0; i < d->n; i++)
		free(d->s[i]);
	free(d->s);
	free(d->slots);
	free(d->order);
	free(d->rank);
	free(d->pool);
	free(d->at);
	memset(d, 0, sizeof *d);
}

int64_t dict_find(const dict *d, const char *s)
{
	if (!d->nslots)
		return -1;
	for (uint32_t h = hash_str(s) & (d->nslots - 1);; h = (h + 1) & (d->nslots - 1)) {
		uint32_t v = d->slots[h];
		if (!v)
			return -1;
		if (strcmp(d->s[v - 1], s) == 0)
			return v - 1;
	}
}

static void dict_grow(dict *d)
{
	uint32_t ns = d->nslots ? d->nslots * 2 : 64;
	free(d->slots);
	d->slots = xcalloc(ns, sizeof *d->slots);
	d->nslots = ns;
	for (uint32_t i = 0; i < d->n; i++) {
		uint32_t h = hash_str(d->s[i]) & (ns - 1);
		while (d->slots[h])
			h = (h + 1) & (ns - 1);
		d->slots[h] = i + 1;
	}
}

static const dict *sort_dict;

static const char *shown(const char *s)
{
	return *s ? s : STATS_NOT_GIVEN;
}

static int order_cmp(const void *x, const void *y)
{
	return strcmp(shown(sort_dict->s[*(const uint32_t *)x]), shown(sort_dict->s[*(const uint32_t *)y]));
}

static pthread_mutex_t sort_mu = PTHREAD_MUTEX_INITIALIZER;

void dict_sort(dict *d)
{
	if (d->norder == d->n)
		return;
	free(d->order);
	free(d->rank);
	d->order = xmalloc((d->n ? d->n : 1) * sizeof *d->order);
	d->rank = xmalloc((d->n ? d->n : 1) * sizeof *d->rank);
	for (uint32_t i = 0; i < d->n; i++)
		d->order[i] = i;
	/* qsort has no context argument: one sort at a time. */
	pthread_mutex_lock(&sort_mu);
	sort_dict = d;
	qsort(d->order, d->n, sizeof *d->order, order_cmp);
	sort_dict = NULL;
	pthread_mutex_unlock(&sort_mu);
	free(d->pool);
	free(d->at);
	d->at = xmalloc((d->n ? d->n : 1) * sizeof *d->at);
	size_t bytes = 0;
	for (uint32_t j = 0; j < d->n; j++) {
		d->rank[d->order[j]] = j;
		d->at[j] = (uint32_t)bytes;
		bytes += strlen(shown(d->s[d->order[j]])) + 1;
	}
	d->pool = xmalloc(bytes ? bytes : 1);
	for (uint32_t j = 0; j < d->n; j++) {
		const char *c = shown(d->s[d->order[j]]);
		memcpy(d->pool + d->at[j], c, strlen(c) + 1);
	}
	d->norder = d->n;
}

int64_t dict_id(dict *d, const char *s)
{
	int64_t f = dict_find(d, s);
	if (f >= 0)
		return f;
	if (d->n >= d->max)
		return -1;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->s = xrealloc(d->s, d->cap * sizeof *d->s);
	}
	d->s[d->n++] = xstrdup(s);
	if (d->n * 2 > d->nslots)
		dict_grow(d); /* rehashes the new entry too */
	else {
		uint32_t h = hash_str(s) & (d->nslots - 1);
		while (d->slots[h])
			h = (h + 1) & (d->nslots - 1);
		d->slots[h] = d->n;
	}
	return d->n - 1;
}
