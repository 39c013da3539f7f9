/*
 * store_addresses.h: addresses (sql/015_addresses.sql): the places of the
 * official geography under a postcode or a name, with the communes
 * déléguées and associées; the addresses a commune publishes (Base
 * Adresse Locale); the "who to tell" checklist; and the items done for a
 * visit. Same conventions as store.h (0, STORE_NOT_FOUND, STORE_CONFLICT,
 * STORE_ERROR; strings from the caller's arena).
 *
 * Names are compared by keys the caller computes (address_name_key: the
 * store knows nothing of postal rules): in capitals for the addresses,
 * lowered for the communes (as communes.name_folded holds them).
 */
#ifndef GUICHET_STORE_ADDRESSES_H
#define GUICHET_STORE_ADDRESSES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_PLACE_NAME_BYTES 96

/* A commune under one of its postcodes; former is a commune déléguée or
 * associée of it (its name) when the place is reached by that name, else
 * "". Names longer than the buffer are cut. */
typedef struct store_place {
	char insee[6];
	char postcode[6];
	char commune[STORE_PLACE_NAME_BYTES];
	char former[STORE_PLACE_NAME_BYTES];
} store_place;

/* The places carrying postcode (the current communes first, then their
 * former communes), or whose commune or former commune has the key
 * (lowered, as communes.name_folded). Up to max into out, *total counts
 * them all. */
int store_places_by_postcode(store *s, const char *postcode, store_place *out, size_t max, size_t *total);
int store_places_by_name(store *s, const char *key, store_place *out, size_t max, size_t *total);

/* The communes déléguées and associées, replaced as a whole in one
 * transaction ("guichet geo load"). name_folded is the key of the name. */
typedef struct store_delegate {
	const char *code, *name, *name_folded, *parent, *kind; /* kind: deleguee, associee */
} store_delegate;
int store_delegates_replace(store *s, const store_delegate *v, size_t n);
int store_delegates_count(store *s, int64_t *n);

/* A row of a Base Adresse Locale, with the keys of voie_nom and lieudit
 * (capitals, as address_name_key writes them). */
typedef struct store_bal_row {
	const char *commune_insee, *commune_nom, *deleguee_insee, *deleguee_nom, *voie_nom, *voie_key,
	    *lieudit, *lieudit_key, *suffixe, *cle_interop, *uid, *position, *lon, *lat, *source,
	    *date_der_maj;
	int64_t numero;
	int certifie;
} store_bal_row;

/* A load: the rows of every commune of the file replace that commune's,
 * all in one transaction; store_bal_end commits when ok and every row was
 * stored, else rolls back and the store keeps what it had. */
typedef struct store_bal_loader store_bal_loader;
int store_bal_begin(store *s, store_bal_loader **out);
int store_bal_add(store_bal_loader *l, const store_bal_row *row);
/* The number of communes and rows stored (when committed). */
int store_bal_end(store_bal_loader *l, int ok, const char *file, int64_t now, size_t *communes, size_t *rows);

typedef struct store_bal_match {
	char *voie_nom, *lieudit, *suffixe, *deleguee_nom, *cle_interop;
	int64_t numero;
	int exact; /* the road or lieu-dit has exactly the key */
} store_bal_match;
/* The addresses of commune insee whose road or lieu-dit has key, or holds
 * it as words: the exact ones first, by road and number. */
int store_bal_search(store *s, arena *a, const char *insee, const char *key, size_t limit,
                     store_bal_match **out, size_t *n);

typedef struct store_bal_load {
	char *commune_insee, *commune_nom, *file;
	int64_t n_rows, loaded_at;
} store_bal_load;
int store_bal_loads(store *s, arena *a, store_bal_load **out, size_t *n);
/* STORE_NOT_FOUND when the commune's file was never loaded. */
int store_bal_load_get(store *s, arena *a, const char *insee, store_bal_load *out);

/* The "who to tell" checklist. */
typedef struct store_checklist_item {
	char *code, *label, *how;
	int with_adviser, active;
	int64_t sort;
} store_checklist_item;
int store_checklist_list(store *s, arena *a, int active_only, store_checklist_item **out, size_t *n);
int store_checklist_get(store *s, arena *a, const char *code, store_checklist_item *out);
int store_checklist_insert(store *s, const store_checklist_item *it); /* STORE_CONFLICT on a used code */
int store_checklist_update(store *s, const store_checklist_item *it);

/* The codes of the items done for a visit, and their replacement in one
 * transaction (codes of unknown items answer STORE_NOT_FOUND, nothing
 * changed). */
int store_visit_checklist_get(store *s, arena *a, int64_t visit_id, char ***codes, size_t *n);
int store_visit_checklist_set(store *s, int64_t visit_id, const char *const *codes, size_t n, int64_t user_id,
                              int64_t now);

#endif
