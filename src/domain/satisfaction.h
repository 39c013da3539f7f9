/*
 * satisfaction.h: the rules of a satisfaction answer (REFERENCE.md section
 * 6, the State's standard three-question model): the overall question
 * (required: pas bien / moyen / très bien), the clarity of the information
 * (optional, 1 to 5) and a free comment (optional; the person is warned not
 * to write personal data). Anonymous: linked to a site and a time only.
 * No SQL and no HTTP.
 */
#ifndef GUICHET_SATISFACTION_H
#define GUICHET_SATISFACTION_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "vocab/enums.h"
#include "util/util.h"

#define SATISFACTION_COMMENT_BYTES 1000

/* The sources: borne (a kiosk at the site), qr (a person's own phone),
 * papier (typed by an adviser). */
int satisfaction_source_valid(const char *source);

/* Checks and normalises a: overall 1..3 (field "overall"), clarity 0..5
 * ("clarity"), the comment's length and UTF-8 ("comment", trimmed), the
 * source, answered_at not in the future and not before 2000 ("date").
 * 0, or -1 with every problem in e (French msgids). */
int satisfaction_validate(store_satisfaction *a, int64_t now, field_errors *e);

/* The key of a site's public page, so that its address cannot be guessed
 * from the site's id: hex of a keyed BLAKE2b of the id and the key's
 * generation (store_satisfaction_key_generation; a manager moves it on to
 * make the old address stop working) under the server's secret (32 bytes),
 * 32 hex characters. satisfaction_key_ok compares in constant time. */
void satisfaction_key(const unsigned char secret[32], int64_t site_id, int64_t generation, char out[33]);
int satisfaction_key_ok(const unsigned char secret[32], int64_t site_id, int64_t generation, const char *key);

#endif
