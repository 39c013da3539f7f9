/*
 * address_check.h: what the tests of the address module share: structured
 * input as a table row, and the check of a result against the expected
 * lines ("N:text|N:text", N being the line's number in the standard) and
 * against what every result must satisfy.
 */
#ifndef GUICHET_ADDRESS_CHECK_H
#define GUICHET_ADDRESS_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "address/address.h"

/* No note of any kind is expected. */
#define NO_CHANGE (-1)

/* Structured input, as a form would give it. */
struct in {
	const char *recipient, *complement, *building, *number, *suffix, *type, *street, *lieu_dit, *postbox,
	    *postcode, *town, *office;
	int cedex;
};

/* One case: the input, the expected lines (NULL when an error is
 * expected), and a note that must be among the changes (ADDRESS_C_*) or
 * the errors (ADDRESS_E_*), on line `line` unless it is 0. */
struct fcase {
	struct in in;
	const char *want;
	int code;
	int line;
};

struct tcase {
	const char *text;
	const char *want;
	int code;
	int line;
};

static size_t cases_run;

static inline void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static inline void fields_of(const struct in *in, address_fields *f)
{
	memset(f, 0, sizeof *f);
	copy(f->recipient, sizeof f->recipient, in->recipient);
	copy(f->complement, sizeof f->complement, in->complement);
	copy(f->building, sizeof f->building, in->building);
	copy(f->number, sizeof f->number, in->number);
	copy(f->suffix, sizeof f->suffix, in->suffix);
	copy(f->street_type, sizeof f->street_type, in->type);
	copy(f->street, sizeof f->street, in->street);
	copy(f->lieu_dit, sizeof f->lieu_dit, in->lieu_dit);
	copy(f->postbox, sizeof f->postbox, in->postbox);
	copy(f->postcode, sizeof f->postcode, in->postcode);
	copy(f->town, sizeof f->town, in->town);
	copy(f->cedex_office, sizeof f->cedex_office, in->office);
	f->cedex = in->cedex;
}

static inline size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* What every result must satisfy, whatever the input. */
static inline void check_invariants(const char *what, const address_result *r, int rc)
{
	assert_true(r->n_lines <= ADDRESS_LINES);
	assert_true(r->n_changes <= ADDRESS_MAX_CHANGES);
	assert_true(r->n_errors <= ADDRESS_MAX_ERRORS);
	if (rc != 0) {
		if (r->n_errors == 0 || r->n_lines != 0)
			fail_msg("%s: failure without error, or with lines", what);
		return;
	}
	for (size_t i = 0; i < r->n_lines; i++) {
		const char *l = r->lines[i];
		size_t n = strlen(l);
		if (n == 0 || chars(l) > ADDRESS_LINE_CHARS || l[0] == ' ' || l[n - 1] == ' ' ||
		    strstr(l, "  "))
			fail_msg("%s: bad line %d «%s»", what, r->line_no[i], l);
		if (i > 0 && r->line_no[i] <= r->line_no[i - 1])
			fail_msg("%s: lines out of order", what);
		if (r->line_no[i] >= 4)
			for (const char *c = l; *c; c++)
				if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == ' '))
					fail_msg("%s: line %d «%s» is not in capitals", what, r->line_no[i],
					         l);
	}
}

static inline void dump(const address_result *r)
{
	for (size_t i = 0; i < r->n_changes; i++)
		print_message("   change %d %s line %d: %s [%s → %s]\n", r->changes[i].code,
		              address_field_name(r->changes[i].field), r->changes[i].line,
		              r->changes[i].msgid, r->changes[i].before, r->changes[i].after);
	for (size_t i = 0; i < r->n_errors; i++)
		print_message("   error %d %s line %d: %s [%s]\n", r->errors[i].code,
		              address_field_name(r->errors[i].field), r->errors[i].line, r->errors[i].msgid,
		              r->errors[i].before);
}

static inline int has_note(const address_result *r, int code, int line)
{
	const address_note *v = code >= 100 ? r->errors : r->changes;
	size_t n = code >= 100 ? r->n_errors : r->n_changes;
	for (size_t i = 0; i < n; i++)
		if (v[i].code == code && (line == 0 || v[i].line == line) && v[i].msgid && v[i].msgid[0])
			return 1;
	return 0;
}

static inline void check(const char *what, int rc, const address_result *r, const char *want, int code,
                         int line)
{
	char got[ADDRESS_LINES * (ADDRESS_LINE_BYTES + 4)] = "";
	size_t o = 0;
	cases_run++;
	check_invariants(what, r, rc);
	for (size_t i = 0; i < r->n_lines; i++)
		o += (size_t)snprintf(got + o, sizeof got - o, "%s%d:%s", i ? "|" : "", r->line_no[i],
		                      r->lines[i]);
	if (want && (rc != 0 || strcmp(got, want) != 0)) {
		dump(r);
		fail_msg("%s: got «%s», expected «%s»", what, got, want);
	}
	if (!want && rc == 0) {
		dump(r);
		fail_msg("%s: expected an error, got «%s»", what, got);
	}
	if (code == NO_CHANGE && (r->n_changes || r->n_errors)) {
		dump(r);
		fail_msg("%s: expected no change", what);
	}
	if (code > 0 && !has_note(r, code, line)) {
		dump(r);
		fail_msg("%s: expected note %d on line %d", what, code, line);
	}
}

#endif
