/*
 * satisfaction.c: the rules of a satisfaction answer (REFERENCE.md section
 * 6): the checks of each field and the key that makes a site's public page address
 * unguessable. No SQL and no HTTP.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"
#include "domain/satisfaction.h"
#include "domain/site.h"

/* A device clock a little ahead of the server's is not an error. */
#define SATISFACTION_CLOCK_SKEW_S 300
/* 2000-01-01T00:00:00Z: older dates are typing mistakes. */
#define SATISFACTION_OLDEST 946684800

static const char *const sources[] = {"borne", "qr", "papier"};

int satisfaction_source_valid(const char *source)
{
	for (size_t i = 0; source && i < COUNT(sources); i++)
		if (strcmp(source, sources[i]) == 0)
			return 1;
	return 0;
}

int satisfaction_validate(store_satisfaction *a, int64_t now, field_errors *e)
{
	static char empty[1];
	size_t before = e->n;
	if (a->overall < 1 || a->overall > 3)
		field_error_add(e, "overall", N_("Choisissez une réponse à la première question."));
	if (a->clarity < 0 || a->clarity > 5)
		field_error_add(e, "clarity", N_("Choisissez un niveau de clarté entre 1 et 5."));
	if (!a->comment)
		a->comment = empty;
	if (*a->comment)
		site_trim(a->comment);
	switch (site_text_check(a->comment, SATISFACTION_COMMENT_BYTES, 1)) {
	case SITE_TEXT_TOO_LONG:
		field_error_add(e, "comment", N_("Le commentaire est trop long (1000 caractères au plus)."));
		break;
	case SITE_TEXT_BAD:
		field_error_add(e, "comment", N_("Ce texte contient des caractères non autorisés."));
		break;
	default:
		break;
	}
	if (!satisfaction_source_valid(a->source))
		field_error_add(e, "source", N_("La provenance de la réponse n'est pas reconnue."));
	if (a->answered_at <= 0)
		field_error_add(e, "date", N_("Indiquez la date de la réponse."));
	else if (a->answered_at > now + SATISFACTION_CLOCK_SKEW_S)
		field_error_add(e, "date", N_("La date de la réponse ne peut pas être dans le futur."));
	else if (a->answered_at < SATISFACTION_OLDEST)
		field_error_add(e, "date", N_("Cette date est trop ancienne (avant 2000)."));
	return e->n > before ? -1 : 0;
}

/* Generation 0 keys the id alone, as every key did before keys could be
 * changed, so that the addresses already printed stay valid until a
 * manager changes them. */
void satisfaction_key(const unsigned char secret[32], int64_t site_id, int64_t generation, char out[33])
{
	char id[48];
	unsigned char h[16];
	int n = generation > 0
	            ? snprintf(id, sizeof id, "%lld:%lld", (long long)site_id, (long long)generation)
	            : snprintf(id, sizeof id, "%lld", (long long)site_id);
	crypto_generichash(h, sizeof h, (const unsigned char *)id, (unsigned long long)n, secret, 32);
	sodium_bin2hex(out, 33, h, sizeof h);
}

int satisfaction_key_ok(const unsigned char secret[32], int64_t site_id, int64_t generation, const char *key)
{
	char want[33];
	if (!key || strlen(key) != 32)
		return 0;
	satisfaction_key(secret, site_id, generation, want);
	return sodium_memcmp(want, key, 32) == 0;
}
