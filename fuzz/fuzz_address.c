/* fuzz_address.c: the postal address normaliser on any bytes: as free text
 * (the parser, then the formatter) and cut into structured fields (the
 * formatter alone), with no geography, a small one, or one that fails.
 * Whatever the input, a success has at most six lines of at most 38
 * characters, lines 4 to 6 in capitals, digits and single spaces, and a
 * failure has an error and no line; folding is idempotent. */
#include <string.h>

#include "address/address.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const address_place places[] = {
    {"75108", "75008", "Paris 8e Arrondissement", "PARIS", ""},
    {"33284", "33380", "Mios", "MIOS", ""},
    {"33051", "33380", "Biganos", "BIGANOS", ""},
    {"17347", "17400", "Saint-Jean-d'Angély", "ST JEAN D ANGELY", ""},
    {"2A004", "20000", "Ajaccio", "AJACCIO", ""},
    {"2A004", "20090", "Ajaccio", "AJACCIO", ""},
    {"56197", "56800", "Val d'Oust", "QUILY", ""},
    {"74010", "74960", "Annecy", "ANNECY", "CRAN GEVRIER"},
};

static int by_postcode(void *ctx, const char *postcode, address_place *out, size_t max)
{
	size_t n = 0;
	(void)ctx;
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
		if (strcmp(places[i].postcode, postcode) == 0 && n < max)
			out[n++] = places[i];
	return (int)n;
}

static int by_name(void *ctx, const char *name, address_place *out, size_t max)
{
	size_t n = 0;
	(void)ctx;
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		char a[128], b[128], c[128];
		address_name_key(places[i].commune, a, sizeof a);
		address_name_key(places[i].delivery, b, sizeof b);
		address_name_key(places[i].line5, c, sizeof c);
		if ((!strcmp(a, name) || !strcmp(b, name) || !strcmp(c, name)) && n < max)
			out[n++] = places[i];
	}
	return (int)n;
}

static int failing(void *ctx, const char *what, address_place *out, size_t max)
{
	(void)ctx;
	(void)what;
	(void)out;
	(void)max;
	return -1;
}

static const address_lookup geography = {NULL, by_postcode, by_name};
static const address_lookup broken = {NULL, failing, failing};

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void check(const address_result *r, int rc)
{
	if (r->n_lines > ADDRESS_LINES || r->n_changes > ADDRESS_MAX_CHANGES ||
	    r->n_errors > ADDRESS_MAX_ERRORS || r->n_proposals > ADDRESS_MAX_PROPOSALS)
		__builtin_trap();
	if (rc != 0) {
		if (r->n_errors == 0 || r->n_lines != 0)
			__builtin_trap();
		return;
	}
	if (r->n_errors != 0)
		__builtin_trap();
	for (size_t i = 0; i < r->n_lines; i++) {
		const char *l = r->lines[i];
		size_t n = strnlen(l, ADDRESS_LINE_BYTES);
		if (n == 0 || n == ADDRESS_LINE_BYTES || chars(l) > ADDRESS_LINE_CHARS || l[0] == ' ' ||
		    l[n - 1] == ' ' || strstr(l, "  ") || r->line_no[i] < 1 || r->line_no[i] > 6 ||
		    (i > 0 && r->line_no[i] <= r->line_no[i - 1]))
			__builtin_trap();
		for (const char *c = l; r->line_no[i] >= 4 && *c; c++)
			if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == ' '))
				__builtin_trap();
	}
	for (size_t i = 0; i < r->n_changes; i++)
		if (!r->changes[i].msgid ||
		    strnlen(r->changes[i].before, ADDRESS_NOTE_BYTES) == ADDRESS_NOTE_BYTES)
			__builtin_trap();
}

/* Cuts data at newlines into the members of f, in order. */
static void fields_of(const unsigned char *data, size_t size, address_fields *f)
{
	struct {
		char *dst;
		size_t n;
	} m[] = {{f->recipient, sizeof f->recipient}, {f->complement, sizeof f->complement},
	         {f->building, sizeof f->building},   {f->number, sizeof f->number},
	         {f->suffix, sizeof f->suffix},       {f->street_type, sizeof f->street_type},
	         {f->street, sizeof f->street},       {f->lieu_dit, sizeof f->lieu_dit},
	         {f->postbox, sizeof f->postbox},     {f->postcode, sizeof f->postcode},
	         {f->town, sizeof f->town},           {f->cedex_office, sizeof f->cedex_office}};
	size_t k = 0, o = 0;
	memset(f, 0, sizeof *f);
	for (size_t i = 0; i < size && k < sizeof m / sizeof m[0]; i++) {
		if (data[i] == '\n') {
			k++;
			o = 0;
			continue;
		}
		/* Fill a member to its very end now and then: no NUL left. */
		if (o < m[k].n)
			m[k].dst[o++] = (char)data[i];
	}
	f->cedex = size > 0 && (data[0] & 0x80);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static address_result r;
	static address_fields f;
	const address_lookup *lk = NULL;
	if (size == 0)
		return 0;
	if (data[0] & 1)
		lk = (data[0] & 2) ? &broken : &geography;
	data++;
	size--;

	check(&r, address_normalise_text((const char *)data, size, lk, &r));

	fields_of(data, size, &f);
	address_result_init(&r);
	check(&r, address_format(&f, lk, &r));

	/* The member may have no NUL: fold a terminated copy. */
	char street[sizeof f.street + 1], once[sizeof street], twice[sizeof street];
	memcpy(street, f.street, sizeof f.street);
	street[sizeof f.street] = 0;
	if (address_fold(street, once, sizeof once) == 0 &&
	    (address_fold(once, twice, sizeof twice) != 0 || strcmp(once, twice) != 0))
		__builtin_trap();
	return 0;
}
