/* fuzz_multipart.c: multipart/form-data bodies. The first line of the input
 * is the Content-Type header (so the boundary is fuzzed too), the rest is
 * the body. */
#include <string.h>

#include "http/http.h"
#include "util/guichet_limits.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	arena *a = arena_new(LIMIT_ARENA_BYTES);
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	size_t hlen = nl ? (size_t)(nl - in) : 0;
	char *ct = nl ? arena_strndup(a, in, hlen) : arena_strdup(a, "multipart/form-data; boundary=XyZ");
	const char *body = nl ? nl + 1 : in;
	size_t n = nl ? size - hlen - 1 : size;
	http_fields f;
	char err[256];

	if (ct && http_parse_multipart(a, body, n, ct, &f, err, sizeof(err)) == 0) {
		if (f.n > LIMIT_FIELDS)
			__builtin_trap();
		for (size_t i = 0; i < f.n; i++) {
			const http_field *x = &f.v[i];
			if (x->value_len > n || x->value[x->value_len] != '\0')
				__builtin_trap();
			if (!x->filename &&
			    (!utf8_valid(x->value, x->value_len) || memchr(x->value, 0, x->value_len)))
				__builtin_trap();
			if (x->filename && (strchr(x->filename, '/') || strchr(x->filename, '\\')))
				__builtin_trap();
		}
	}
	arena_free(a);
	return 0;
}
