/*
 * fuzz_po.c: libFuzzer target for the .po reader (i18n_add_po) and the
 * Plural-Forms evaluator behind i18n_plural. A translation file comes from
 * contributors, so the reader must refuse anything malformed without
 * crashing, leaking or reading past the end of the text it was given.
 *
 * Build: make fuzz, then build/fuzz/fuzz_po -max_total_time=60
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	/* The text is handed over without a terminating NUL, as a file's
	 * bytes would be: the reader must rely on the length alone. */
	if (i18n_add_po("ar", (const char *)data, size, err, sizeof(err)) == 0) {
		const lang *ar = i18n_find("ar");

		/* Look a few msgids up, and make the plural rule run. */
		(void)i18n_text(ar, "a");
		(void)i18n_text(ar, "Accueil");
		for (unsigned long n = 0; n < 120; n += 7)
			(void)i18n_plural(ar, "a", "as", n);
		(void)i18n_plural(ar, "a", "as", (unsigned long)-1);
	} else if (!memchr(err, '\0', sizeof(err))) {
		__builtin_trap(); /* the message must always be terminated */
	}
	i18n_free();
	return 0;
}
