/* fuzz_accept_language.c: the Accept-Language negotiation (i18n_negotiate)
 * on any header, with the real catalogs loaded. Every browser sends the
 * header before anyone logs in, so the reader must choose one of the
 * offered languages whatever the bytes, and never read past the header's
 * end. */
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static int ready;
	char err[256];

	/* The catalogs are built once, as the server does before it listens. */
	if (!ready) {
		if (i18n_init(err, sizeof(err)) != 0)
			__builtin_trap();
		ready = 1;
	}
	/* A header is a C string: MHD hands it over NUL-terminated, so the
	 * copy is exactly as long as the bytes and a NUL inside ends it. */
	char *h = malloc(size + 1);
	if (!h)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	const lang *l = i18n_negotiate(h);
	/* The choice is always one of the languages offered. */
	int offered = 0;
	for (size_t i = 0; l && i < i18n_count(); i++)
		offered |= i18n_lang(i) == l;
	if (!offered || i18n_find(l->code) != l)
		__builtin_trap();
	free(h);
	return 0;
}
