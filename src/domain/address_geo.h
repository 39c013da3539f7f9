/*
 * address_geo.h: the address normaliser's lookup (address/address.h)
 * backed by the official geography of the store: communes and their
 * postcodes, and the communes déléguées and associées, whose name La Poste
 * writes on line 5 above the current commune's on line 6.
 */
#ifndef GUICHET_ADDRESS_GEO_H
#define GUICHET_ADDRESS_GEO_H

#include "address/address.h"
#include "store/store.h"

/* Fills lk so that it reads the store s (which must outlive it). */
void address_geo_lookup(store *s, address_lookup *lk);

/* The key of a name for the store's commune columns (communes.name_folded,
 * commune_delegates.name_folded): address_name_key, lowered. "" when the
 * name cannot be folded. */
void address_geo_commune_key(const char *name, char *out, size_t n);

#endif
