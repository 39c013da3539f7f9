/*
 * address_geo.c: the address normaliser's lookup over the store
 * (address_geo.h). A place reached through a former commune (a commune
 * déléguée or associée) is delivered under the current commune's name on
 * line 6 with the former one's on line 5.
 */
#include <stdio.h>
#include <string.h>

#include "domain/address_geo.h"
#include "store/store_addresses.h"

void address_geo_commune_key(const char *name, char *out, size_t n)
{
	address_name_key(name, out, n);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

static int copy_places(const store_place *v, size_t got, size_t total, address_place *out, size_t max)
{
	for (size_t i = 0; i < got && i < max; i++) {
		address_place *p = &out[i];
		memset(p, 0, sizeof *p);
		snprintf(p->insee, sizeof p->insee, "%s", v[i].insee);
		snprintf(p->postcode, sizeof p->postcode, "%s", v[i].postcode);
		snprintf(p->commune, sizeof p->commune, "%s", v[i].commune);
		if (address_fold(v[i].commune, p->delivery, sizeof p->delivery) != 0)
			snprintf(p->delivery, sizeof p->delivery, "%s", v[i].commune);
		snprintf(p->line5, sizeof p->line5, "%s", v[i].former);
	}
	return total > (size_t)ADDRESS_MAX_PROPOSALS * 64 ? ADDRESS_MAX_PROPOSALS * 64 : (int)total;
}

static int by_postcode(void *ctx, const char *postcode, address_place *out, size_t max)
{
	store_place v[ADDRESS_MAX_PROPOSALS];
	size_t total;
	if (max > ADDRESS_MAX_PROPOSALS)
		max = ADDRESS_MAX_PROPOSALS;
	if (store_places_by_postcode(ctx, postcode, v, max, &total) != STORE_OK)
		return -1;
	return copy_places(v, total < max ? total : max, total, out, max);
}

static int by_name(void *ctx, const char *name, address_place *out, size_t max)
{
	store_place v[ADDRESS_MAX_PROPOSALS];
	char key[ADDRESS_FIELD_BYTES * 2];
	size_t total;
	if (max > ADDRESS_MAX_PROPOSALS)
		max = ADDRESS_MAX_PROPOSALS;
	address_geo_commune_key(name, key, sizeof key);
	if (!key[0])
		return 0;
	if (store_places_by_name(ctx, key, v, max, &total) != STORE_OK)
		return -1;
	return copy_places(v, total < max ? total : max, total, out, max);
}

void address_geo_lookup(store *s, address_lookup *lk)
{
	lk->ctx = s;
	lk->by_postcode = by_postcode;
	lk->by_name = by_name;
}
