/*
 * po.c: the table of a translation catalog, the reader of gettext .po
 * files that fills one, and the evaluator of their Plural-Forms expressions.
 *
 * The reader accepts what msgmerge writes: comments, flags (fuzzy entries
 * are ignored), multi-line strings with the escapes \n \t \" \\, the header
 * entry (only its charset and Plural-Forms are read), and plural entries
 * (msgid_plural, msgstr[0..]). Anything else is refused with a line number:
 * a broken translation file must stop the server at start, not show garbage
 * to the public.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/po.h"
#include "util/util.h"

/* ---- The table of a catalog: open addressing, a power of two ---------- */

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

entry *po_catalog_slot(const catalog *c, const char *msgid)
{
	size_t i;

	if (!c->cap)
		return NULL;
	for (i = hash(msgid) & (c->cap - 1);; i = (i + 1) & (c->cap - 1))
		if (!c->slots[i].msgid || strcmp(c->slots[i].msgid, msgid) == 0)
			return &c->slots[i];
}

void po_catalog_grow(catalog *c)
{
	catalog bigger = *c;

	bigger.cap = c->cap ? c->cap * 2 : 64;
	bigger.slots = xcalloc(bigger.cap, sizeof(entry));
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].msgid)
			*po_catalog_slot(&bigger, c->slots[i].msgid) = c->slots[i];
	free(c->slots);
	*c = bigger;
}

void po_catalog_free(catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++) {
		free(c->slots[i].msgid);
		for (size_t k = 0; k < PO_MAX_PLURALS; k++)
			free(c->slots[i].msgstr[k]);
	}
	free(c->slots);
	free(c->plural);
	free(c);
}

#define PO_MAX_STRING (64UL * 1024UL)
#define PO_MAX_ENTRIES 50000u
/* Nesting of a Plural-Forms expression; real ones nest about six deep. */
#define PLURAL_MAX_DEPTH 64

/* ---- Plural-Forms expressions --------------------------------------------
 * The header gives the rule as a C expression over n, for Arabic:
 *   n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5
 * It is evaluated by recursive descent straight from the text: expressions
 * are short and plural lookups are rare (one or two per page). */

typedef struct pexpr {
	const char *s;
	unsigned long n;
	int depth;
	int err;
} pexpr;

/* C's binary operators by precedence; two-character ones first, so that
 * "<=" is not read as "<". */
static const struct binop {
	const char *op;
	int prec;
} binops[] = {
    {"||", 1}, {"&&", 2}, {"==", 3}, {"!=", 3}, {"<=", 4}, {">=", 4}, {"<", 4},
    {">", 4},  {"+", 5},  {"-", 5},  {"*", 6},  {"/", 6},  {"%", 6},
};

static unsigned long p_ternary(pexpr *e);

static void p_space(pexpr *e)
{
	while (*e->s == ' ' || *e->s == '\t' || *e->s == '\n')
		e->s++;
}

static int p_eat(pexpr *e, char c)
{
	p_space(e);
	if (*e->s != c)
		return 0;
	e->s++;
	return 1;
}

static unsigned long p_unary(pexpr *e)
{
	unsigned long v = 0;

	if (++e->depth > PLURAL_MAX_DEPTH) {
		e->err = 1;
		return 0;
	}
	p_space(e);
	if (e->s[0] == '!' && e->s[1] != '=') {
		e->s++;
		v = !p_unary(e);
	} else if (p_eat(e, '(')) {
		v = p_ternary(e);
		if (!p_eat(e, ')'))
			e->err = 1;
	} else if (p_eat(e, 'n')) {
		v = e->n;
	} else if (*e->s >= '0' && *e->s <= '9') {
		while (*e->s >= '0' && *e->s <= '9' && v < 100000000u)
			v = v * 10 + (unsigned long)(*e->s++ - '0');
	} else {
		e->err = 1;
	}
	e->depth--;
	return v;
}

static unsigned long p_apply(pexpr *e, const char *op, unsigned long a, unsigned long b)
{
	switch (op[0]) {
	case '|':
		return a || b;
	case '&':
		return a && b;
	case '=':
		return a == b;
	case '!':
		return a != b;
	case '<':
		return op[1] ? a <= b : a < b;
	case '>':
		return op[1] ? a >= b : a > b;
	case '+':
		return a + b;
	case '-':
		return a - b; /* unsigned: wraps, never undefined */
	case '*':
		return a * b;
	}
	if (b == 0) {
		e->err = 1;
		return 0;
	}
	return op[0] == '/' ? a / b : a % b;
}

/* Precedence climbing over binops[]. Both operands of && and || are always
 * evaluated: rules have no side effects, and a division by zero anywhere is a
 * mistake worth refusing. */
static unsigned long p_binary(pexpr *e, int min_prec)
{
	unsigned long v = p_unary(e);

	while (!e->err) {
		const struct binop *b = NULL;

		p_space(e);
		for (size_t i = 0; i < COUNT(binops) && !b; i++)
			if (strncmp(e->s, binops[i].op, strlen(binops[i].op)) == 0)
				b = &binops[i];
		if (!b || b->prec < min_prec)
			break;
		e->s += strlen(b->op);
		v = p_apply(e, b->op, v, p_binary(e, b->prec + 1));
	}
	return v;
}

static unsigned long p_ternary(pexpr *e)
{
	unsigned long c, a, b;

	if (++e->depth > PLURAL_MAX_DEPTH) {
		e->err = 1;
		return 0;
	}
	c = p_binary(e, 1);
	if (!e->err && p_eat(e, '?')) {
		a = p_ternary(e);
		if (!e->err && !p_eat(e, ':'))
			e->err = 1;
		b = e->err ? 0 : p_ternary(e);
		c = c ? a : b;
	}
	e->depth--;
	return c;
}

/* Evaluates a whole expression; -1 when it is malformed. */
int po_plural_eval(const char *expr, unsigned long n, unsigned long *out)
{
	pexpr e = {expr, n, 0, 0};

	*out = p_ternary(&e);
	p_space(&e);
	return e.err || *e.s ? -1 : 0;
}

/* ---- The .po reader ---------------------------------------------------- */

typedef struct po {
	const char *p, *end;
	size_t line;       /* of the line being read */
	size_t entry_line; /* where the current entry's msgid is */
	catalog *cat;
	char *err;
	size_t errlen;
	int failed;

	/* The entry being read. */
	buf id, id_plural, str[PO_MAX_PLURALS];
	int has_id, has_plural;
	unsigned nstr; /* msgstr strings seen */
	int fuzzy, c_format;
	int pending_fuzzy, pending_c_format; /* flags read before its msgid */
	buf *cur;                            /* where continuation lines go */
	int header_seen, entries_seen;
} po;

static int po_fail(po *s, size_t line, const char *why)
{
	if (!s->failed)
		snprintf(s->err, s->errlen, "line %zu: %s", line, why);
	s->failed = 1;
	return -1;
}

static const char *text_of(const buf *b)
{
	return b->data ? b->data : "";
}

/* Whether a translation has the printf conversions of its msgid, in the same
 * order and with the same flags, width and length ("%d", "%5ld"…): pages may
 * substitute values into translated text. */
static int same_format(const char *a, const char *b)
{
	static const char spec[] = "-+ #0'123456789.*$hlLqjzt";

	for (;;) {
		size_t la, lb;

		while ((a = strchr(a, '%')) && a[1] == '%')
			a += 2;
		while ((b = strchr(b, '%')) && b[1] == '%')
			b += 2;
		if (!a || !b)
			return a == b;
		la = strspn(++a, spec);
		lb = strspn(++b, spec);
		la += a[la] != '\0'; /* with the conversion letter, if any */
		lb += b[lb] != '\0';
		if (la != lb || strncmp(a, b, la) != 0)
			return 0;
		a += la;
		b += lb;
	}
}

/* Reads the header entry: the charset must be UTF-8, since pages are served
 * in UTF-8, and Plural-Forms tells how to choose among msgstr[]. */
static int po_header(po *s, const char *h)
{
	const char *ct = strstr(h, "Content-Type:");
	const char *pf = strstr(h, "Plural-Forms:");

	if (ct) {
		const char *cs = strstr(ct, "charset=");
		if (!cs || strncasecmp(cs + 8, "UTF-8", 5) != 0)
			return po_fail(s, s->entry_line, "the charset must be UTF-8");
	}
	if (pf) {
		const char *np = strstr(pf, "nplurals="), *ex = strstr(pf, "plural=");
		const char *eol = strchr(pf, '\n');
		unsigned long k;
		long nplurals;
		size_t len;

		if (!np || !ex || (eol && (np > eol || ex > eol)))
			return po_fail(s, s->entry_line, "Plural-Forms needs nplurals= and plural=");
		nplurals = strtol(np + 9, NULL, 10);
		if (nplurals < 1 || nplurals > PO_MAX_PLURALS)
			return po_fail(s, s->entry_line, "nplurals must be between 1 and 6");
		ex += 7;
		len = strcspn(ex, ";\n");
		free(s->cat->plural);
		s->cat->plural = xmalloc(len + 1);
		memcpy(s->cat->plural, ex, len);
		s->cat->plural[len] = '\0';
		s->cat->nplurals = (unsigned)nplurals;
		/* Try the rule on the numbers that matter to every known language
		 * (the last two digits decide), so a bad rule fails at start. */
		for (unsigned long n = 0; n <= 1000; n++)
			if (po_plural_eval(s->cat->plural, n, &k) != 0 || k >= s->cat->nplurals)
				return po_fail(s, s->entry_line, "Plural-Forms: plural= is not a valid rule");
	}
	return 0;
}

static int po_store(po *s)
{
	catalog *c = s->cat;
	const char *id = text_of(&s->id);
	unsigned nforms = s->has_plural ? s->nstr : 0;
	int any = 0;
	entry *e;

	for (unsigned k = 0; k < s->nstr; k++) {
		const char *t = text_of(&s->str[k]);
		if (!*t)
			continue;
		any = 1;
		if (s->c_format && !same_format(s->has_plural ? text_of(&s->id_plural) : id, t) &&
		    !(s->has_plural && !strchr(t, '%')))
			return po_fail(s, s->entry_line,
			               "the translation's % conversions differ from the msgid's");
	}
	if (s->has_plural && nforms != c->nplurals)
		return po_fail(s, s->entry_line, "the number of msgstr[] differs from nplurals");
	if (c->n >= PO_MAX_ENTRIES)
		return po_fail(s, s->entry_line, "too many entries");
	if (c->cap < 2 * (c->n + 1))
		po_catalog_grow(c);
	e = po_catalog_slot(c, id);
	if (e->msgid)
		return po_fail(s, s->entry_line, "duplicate msgid");
	if (!any)
		return 0; /* untranslated: the French text will be used */
	e->msgid = xstrdup(id);
	e->nforms = nforms;
	for (unsigned k = 0; k < s->nstr; k++)
		e->msgstr[k] = xstrdup(text_of(&s->str[k]));
	c->n++;
	return 0;
}

/* Ends the entry being read, storing it unless it is fuzzy. */
static int po_finish(po *s)
{
	int rc = 0;

	if (!s->has_id)
		return 0;
	if (s->nstr == 0)
		return po_fail(s, s->entry_line, "msgid without msgstr");
	if (!*text_of(&s->id)) {
		/* The header is read even when fuzzy: its charset and plural
		 * rule describe the file, not a translation. */
		if (s->header_seen || s->entries_seen)
			rc = po_fail(s, s->entry_line, "the header (msgid \"\") must come first, once");
		else if (s->has_plural)
			rc = po_fail(s, s->entry_line, "the header cannot have plural forms");
		else
			rc = po_header(s, text_of(&s->str[0]));
		s->header_seen = 1;
	} else {
		if (!s->fuzzy)
			rc = po_store(s);
		s->entries_seen = 1;
	}
	buf_reset(&s->id);
	buf_reset(&s->id_plural);
	for (size_t k = 0; k < PO_MAX_PLURALS; k++)
		buf_reset(&s->str[k]);
	s->has_id = s->has_plural = 0;
	s->nstr = 0;
	s->fuzzy = s->c_format = 0;
	s->cur = NULL;
	return rc;
}

/* Reads the quoted strings from p to end, appending their decoded text to
 * s->cur. Only white space may surround them. */
static int po_strings(po *s, const char *p, const char *end)
{
	int any = 0;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		if (*p != '"')
			return po_fail(s, s->line,
			               any ? "unexpected text after the string" : "expected a \"string\"");
		for (p++;; p++) {
			char c;

			if (p == end)
				return po_fail(s, s->line, "unterminated string");
			c = *p;
			if (c == '"')
				break;
			if (c == '\\') {
				if (++p == end)
					return po_fail(s, s->line, "unterminated string");
				switch (*p) {
				case 'n':
					c = '\n';
					break;
				case 't':
					c = '\t';
					break;
				case '"':
				case '\\':
					c = *p;
					break;
				default:
					return po_fail(s, s->line,
					               "unknown escape (use \\n \\t \\\" or \\\\)");
				}
			}
			buf_putc(s->cur, c);
		}
		p++;
		any = 1;
	}
	if (!any)
		return po_fail(s, s->line, "expected a \"string\"");
	if (s->cur->overflow)
		return po_fail(s, s->line, "string too long");
	return 0;
}

/* "#, fuzzy, c-format": flags apply to the entry that follows. */
static void po_flags(po *s, const char *p, const char *end)
{
	while (p < end) {
		size_t len;

		while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
			p++;
		for (len = 0; p + len < end && p[len] != ',' && p[len] != ' ' && p[len] != '\t';)
			len++;
		if (len == 5 && memcmp(p, "fuzzy", 5) == 0)
			s->pending_fuzzy = 1;
		else if (len == 8 && memcmp(p, "c-format", 8) == 0)
			s->pending_c_format = 1;
		p += len;
	}
}

static int po_keyword(po *s, const char *p, const char *end)
{
	const char *k = p;
	size_t len;

	while (p < end &&
	       ((*p >= 'a' && *p <= 'z') || *p == '_' || *p == '[' || *p == ']' || (*p >= '0' && *p <= '9')))
		p++;
	len = (size_t)(p - k);
	if (p < end && *p != ' ' && *p != '\t' && *p != '"')
		return po_fail(s, s->line, "expected msgid, msgid_plural or msgstr");
	if (len == 5 && memcmp(k, "msgid", 5) == 0) {
		if (po_finish(s) != 0)
			return -1;
		s->has_id = 1;
		s->entry_line = s->line;
		s->fuzzy = s->pending_fuzzy;
		s->c_format = s->pending_c_format;
		s->pending_fuzzy = s->pending_c_format = 0;
		s->cur = &s->id;
	} else if (len == 12 && memcmp(k, "msgid_plural", 12) == 0) {
		if (!s->has_id || s->has_plural || s->nstr)
			return po_fail(s, s->line, "msgid_plural must follow msgid");
		s->has_plural = 1;
		s->cur = &s->id_plural;
	} else if (len == 6 && memcmp(k, "msgstr", 6) == 0) {
		if (!s->has_id || s->nstr)
			return po_fail(s, s->line, "msgstr must follow msgid");
		if (s->has_plural)
			return po_fail(s, s->line, "a plural entry needs msgstr[0], msgstr[1]…");
		s->nstr = 1;
		s->cur = &s->str[0];
	} else if (len == 9 && memcmp(k, "msgstr[", 7) == 0 && k[8] == ']' && k[7] >= '0' && k[7] <= '9') {
		unsigned i = (unsigned)(k[7] - '0');

		if (!s->has_plural)
			return po_fail(s, s->line, "msgstr[N] needs a msgid_plural");
		if (i != s->nstr || i >= PO_MAX_PLURALS)
			return po_fail(s, s->line, "msgstr[N] out of order or beyond 6 forms");
		s->nstr++;
		s->cur = &s->str[i];
	} else if (len == 7 && memcmp(k, "msgctxt", 7) == 0) {
		return po_fail(s, s->line, "msgctxt is not supported");
	} else {
		return po_fail(s, s->line, "expected msgid, msgid_plural or msgstr");
	}
	return po_strings(s, p, end);
}

static int po_line(po *s, const char *p, const char *end)
{
	if (memchr(p, '\0', (size_t)(end - p)))
		return po_fail(s, s->line, "NUL byte");
	if (!utf8_valid(p, (size_t)(end - p)))
		return po_fail(s, s->line, "not valid UTF-8");
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end) {
		s->cur = NULL;
		return 0;
	}
	if (*p == '#') {
		/* A comment after a complete entry starts the next one. */
		if (s->has_id && s->nstr && po_finish(s) != 0)
			return -1;
		s->cur = NULL;
		if (end - p >= 2 && p[1] == ',')
			po_flags(s, p + 2, end);
		return 0; /* translator, extracted, reference, previous (#|), obsolete (#~) */
	}
	if (*p == '"') {
		if (!s->cur)
			return po_fail(s, s->line, "string outside of an entry");
		return po_strings(s, p, end);
	}
	return po_keyword(s, p, end);
}

static int po_parse(po *s)
{
	const char *p = s->p;

	while (p < s->end) {
		const char *nl = memchr(p, '\n', (size_t)(s->end - p));
		const char *eol = nl ? nl : s->end;
		const char *end = eol;

		s->line++;
		if (end > p && end[-1] == '\r')
			end--;
		if (po_line(s, p, end) != 0)
			return -1;
		p = nl ? nl + 1 : s->end;
	}
	return po_finish(s);
}

catalog *po_read(const char *text, size_t len, char *err, size_t errlen)
{
	po s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.p = text;
	s.end = text + len;
	s.err = err;
	s.errlen = errlen;
	s.cat = xcalloc(1, sizeof(catalog));
	s.cat->nplurals = 2; /* the default rule, n != 1, as gettext's */
	buf_init(&s.id, PO_MAX_STRING);
	buf_init(&s.id_plural, PO_MAX_STRING);
	for (size_t k = 0; k < PO_MAX_PLURALS; k++)
		buf_init(&s.str[k], PO_MAX_STRING);

	rc = po_parse(&s);

	buf_free(&s.id);
	buf_free(&s.id_plural);
	for (size_t k = 0; k < PO_MAX_PLURALS; k++)
		buf_free(&s.str[k]);
	if (rc != 0) {
		po_catalog_free(s.cat);
		return NULL;
	}
	return s.cat;
}
