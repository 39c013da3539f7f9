/* fuzz_cookies.c: the Cookie header parser. */
#include <string.h>

#include "http/http.h"
#include "util/guichet_limits.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* A header is a C string: MHD hands it over NUL-terminated. */
	arena *a = arena_new(LIMIT_ARENA_BYTES);
	char *s = arena_strndup(a, (const char *)data, size);
	http_fields f;
	char err[256];

	if (s && http_parse_cookies(a, s, &f, err, sizeof(err)) == 0) {
		if (f.n > LIMIT_COOKIES)
			__builtin_trap();
		for (size_t i = 0; i < f.n; i++) {
			if (!*f.v[i].name || strchr(f.v[i].name, ';') || strchr(f.v[i].value, ';'))
				__builtin_trap();
			if (!utf8_valid(f.v[i].value, f.v[i].value_len))
				__builtin_trap();
		}
	}
	arena_free(a);
	return 0;
}
