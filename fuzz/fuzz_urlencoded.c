/* fuzz_urlencoded.c: query strings and urlencoded forms, then the path
 * parser and the route matcher on the same bytes. */
#include <string.h>

#include "http/http.h"
#include "util/guichet_limits.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	arena *a = arena_new(LIMIT_ARENA_BYTES);
	http_fields f;
	char err[256];

	if (http_parse_urlencoded(a, (const char *)data, size, &f, err, sizeof(err)) == 0) {
		/* What the parser promises: bounded, decoded, valid, NUL-free. */
		if (f.n > LIMIT_FIELDS)
			__builtin_trap();
		for (size_t i = 0; i < f.n; i++) {
			size_t nlen = strlen(f.v[i].name);
			if (nlen == 0 || nlen > LIMIT_FIELD_NAME_BYTES || !utf8_valid(f.v[i].name, nlen))
				__builtin_trap();
			if (f.v[i].value_len > LIMIT_FIELD_VALUE_BYTES ||
			    strlen(f.v[i].value) != f.v[i].value_len ||
			    !utf8_valid(f.v[i].value, f.v[i].value_len))
				__builtin_trap();
		}
	} else if (!err[0]) {
		__builtin_trap(); /* a refusal always says why */
	}

	const char *path;
	if (http_parse_path(a, (const char *)data, size, &path, err, sizeof(err)) == 0) {
		if (path[0] != '/' || !utf8_valid(path, strlen(path)) || strstr(path, "/../"))
			__builtin_trap();
		const char *params[4];
		http_route_match("/sites/{}/edit", path, a, params);
	}
	arena_free(a);
	return 0;
}
