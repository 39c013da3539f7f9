/*
 * address_parse.c: free text typed by an adviser, on several lines or on
 * one line with commas, split into the fields of address_fields.
 *
 * The text is cut into parts at line breaks, commas and semicolons. The
 * postcode is found first (the last five-digit group, with the town after
 * it); then each part is recognised by its first words ("chez", "apt",
 * "bâtiment", "résidence", "BP", a number followed by a street…), a part
 * holding two such things being cut in two; what is left is placed by its
 * position: before the street it is the recipient, then the complement or
 * the building; between the street and the postcode, or alone before the
 * postcode, it is the lieu-dit; without a postcode, the last part is the
 * town. A part that fits nowhere is an error, never dropped. The parser
 * works in fixed buffers and never reads past len bytes.
 */
#include <string.h>

#include "address/address_text.h"

static const char *const MSG_TEXT_TOO_LONG = N_("Le texte est trop long pour une adresse.");
static const char *const MSG_TOO_MANY_PARTS = N_("Le texte a trop de lignes ou de parties pour une adresse.");
static const char *const MSG_PART_TOO_LONG = N_("Cette partie du texte est trop longue.");
static const char *const MSG_TEXT_PART = N_("Cette partie du texte n'a pas pu être placée dans l'adresse.");
static const char *const MSG_TEXT_UTF8 =
    N_("Le texte contient des octets qui ne sont pas de l'UTF-8 valide.");
static const char *const MSG_TEXT_NUL = N_("Le texte contient un caractère nul.");
static const char *const MSG_COUNTRY = N_("Le pays ne s'écrit pas pour une adresse en France.");

enum kind {
	K_UNKNOWN,
	K_RECIPIENT,
	K_COMPLEMENT,
	K_BUILDING,
	K_STREET,
	K_LIEU_DIT,
	K_POSTBOX,
	K_POSTCODE,
	K_CEDEX,
	K_COUNTRY,
	K_EMPTY
};

struct part {
	char raw[ADDRESS_FIELD_BYTES];
	int kind;
};

struct parser {
	struct part p[ADDRESS_TEXT_PARTS];
	size_t n;
	address_fields *f;
	address_result *r;
};

/* A word as the folding sees it (letters and digits between spaces and
 * punctuation), with its place in the raw part. */
struct word {
	size_t a, b;
	char key[32];
};

#define MAX_WORDS 128

static size_t words_of(const char *raw, struct word *w, size_t max)
{
	size_t len = strlen(raw), i = 0, nw = 0;
	int in_word = 0;
	while (i < len) {
		size_t at = i;
		char a[3];
		unsigned f = 0;
		int c = address_cp_fold(address_utf8_next(raw, len, &i), a, &f);
		if (c == ADDRESS_CP_BAD) {
			a[0] = '?';
			a[1] = 0;
			c = ADDRESS_CP_WORD;
		}
		if (c == ADDRESS_CP_SPACE || c == ADDRESS_CP_PUNCT) {
			in_word = 0;
			continue;
		}
		if (c != ADDRESS_CP_WORD) {
			if (in_word)
				w[nw - 1].b = i;
			continue;
		}
		if (!in_word) {
			if (nw == max)
				return nw;
			w[nw].a = w[nw].b = at;
			memset(w[nw].key, 0, sizeof w[nw].key);
			nw++;
			in_word = 1;
		}
		struct word *x = &w[nw - 1];
		size_t k = strlen(x->key), m = strlen(a);
		if (k + m < sizeof x->key)
			memcpy(x->key + k, a, m + 1);
		x->b = i;
	}
	return nw;
}

static int is_in(const char *key, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(key, *list) == 0)
			return 1;
	return 0;
}

static int digits_only(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Digits followed by a suffix ("12", "12BIS", "7B"). */
static int is_number(const char *key)
{
	static const char *const suffixes[] = {"BIS", "TER", "QUATER", "QUINQUIES", NULL};
	size_t d = 0;
	while (key[d] >= '0' && key[d] <= '9')
		d++;
	if (d == 0)
		return 0;
	if (!key[d])
		return 1;
	return (key[d] >= 'A' && key[d] <= 'Z' && !key[d + 1]) || is_in(key + d, suffixes);
}

static int is_suffix_word(const char *key)
{
	static const char *const suffixes[] = {"BIS", "TER", "QUATER", "QUINQUIES", NULL};
	return is_in(key, suffixes);
}

/* A street type at word i: RUE, AVENUE… and the two-word GRANDE RUE and
 * ROND POINT. */
static int street_start(const struct word *w, size_t nw, size_t i)
{
	if (i >= nw)
		return 0;
	if (strcmp(w[i].key, "GRANDE") == 0)
		return i + 1 < nw && strcmp(w[i + 1].key, "RUE") == 0;
	if (strcmp(w[i].key, "ROND") == 0)
		return i + 1 < nw && strcmp(w[i + 1].key, "POINT") == 0;
	return address_is_street_type(w[i].key);
}

/* A number (after an optional "n°") starting a street at word i: how many
 * words the number and its suffix take, else 0. */
static size_t number_start(const struct word *w, size_t nw, size_t i)
{
	size_t k = i;
	if (k + 1 < nw && (strcmp(w[k].key, "N") == 0 || strcmp(w[k].key, "NO") == 0) &&
	    is_number(w[k + 1].key))
		k++;
	if (k >= nw || !is_number(w[k].key))
		return 0;
	k++;
	if (k < nw && (is_suffix_word(w[k].key) || (w[k].key[1] == 0 && w[k].key[0] >= 'A' &&
	                                            w[k].key[0] <= 'Z' && street_start(w, nw, k + 1))))
		k++;
	return k - i;
}

/* Words that open line 2 (apartment, floor, staircase…). */
static int line2_start(const struct word *w, size_t nw, size_t i)
{
	static const char *const words[] = {
	    "APPARTEMENT", "APPART",   "APPT", "APT",     "APP", "ETAGE",   "ETG", "ESCALIER", "ESC",
	    "PORTE",       "LOGEMENT", "LOG",  "CHAMBRE", "BAL", "COULOIR", "RDC", NULL};
	const char *k = w[i].key;
	size_t d = 0;
	if (is_in(k, words))
		return 1;
	if (strcmp(k, "BOITE") == 0)
		return i + 1 < nw && strcmp(w[i + 1].key, "AUX") == 0;
	if (strcmp(k, "REZ") == 0)
		return i + 1 < nw && strcmp(w[i + 1].key, "DE") == 0;
	/* "3e étage", "1er étage", "2ème étage". */
	while (k[d] >= '0' && k[d] <= '9')
		d++;
	return d > 0 &&
	       (strcmp(k + d, "E") == 0 || strcmp(k + d, "ER") == 0 || strcmp(k + d, "EME") == 0 ||
	        strcmp(k + d, "ERE") == 0) &&
	       i + 1 < nw && (strcmp(w[i + 1].key, "ETAGE") == 0 || strcmp(w[i + 1].key, "ETG") == 0);
}

/* Words that open line 3 (building, entrance, residence, zone…). */
static int line3_start(const struct word *w, size_t nw, size_t i)
{
	static const char *const words[] = {"BATIMENT", "BAT",  "IMMEUBLE", "IMM",      "ENTREE", "RESIDENCE",
	                                    "RES",      "TOUR", "BLOC",     "PAVILLON", "ZONE",   "ZI",
	                                    "ZA",       "ZAC",  "HLM",      NULL};
	if (is_in(w[i].key, words))
		return 1;
	return strcmp(w[i].key, "CENTRE") == 0 && i + 1 < nw && strcmp(w[i + 1].key, "COMMERCIAL") == 0;
}

/* A short code after a word of line 2 or 3 ("A", "12", "B2"). */
static int is_code(const char *key)
{
	size_t n = strlen(key);
	if (n == 1)
		return 1;
	for (size_t i = 0; i < n && n <= 4; i++)
		if (key[i] >= '0' && key[i] <= '9')
			return 1;
	return 0;
}

/* A key made of kind and digits, without a space: "BP12". */
static int kind_and_number(const char *key, const char *kind)
{
	size_t n = strlen(kind);
	return strlen(key) > n && strncmp(key, kind, n) == 0 && digits_only(key + n);
}

/* A postal box at word i: how many words it takes, else 0. */
static size_t postbox_at(const struct word *w, size_t nw, size_t i)
{
	const char *k = w[i].key;
	if (strcmp(k, "POSTE") == 0 && i + 1 < nw && strcmp(w[i + 1].key, "RESTANTE") == 0)
		return 2;
	if (kind_and_number(k, "BP") || kind_and_number(k, "CS") || kind_and_number(k, "TSA"))
		return 1;
	if ((strcmp(k, "BP") == 0 || strcmp(k, "CS") == 0 || strcmp(k, "TSA") == 0) && i + 1 < nw &&
	    digits_only(w[i + 1].key))
		return 2;
	if (((strcmp(k, "B") == 0 && i + 1 < nw && strcmp(w[i + 1].key, "P") == 0) ||
	     (strcmp(k, "BOITE") == 0 && i + 1 < nw && strcmp(w[i + 1].key, "POSTALE") == 0)) &&
	    i + 2 < nw && digits_only(w[i + 2].key))
		return 3;
	return 0;
}

static int is_title(const char *key)
{
	static const char *const titles[] = {"M",
	                                     "MR",
	                                     "MME",
	                                     "MLLE",
	                                     "MM",
	                                     "MMES",
	                                     "MONSIEUR",
	                                     "MADAME",
	                                     "MADEMOISELLE",
	                                     "DR",
	                                     "DOCTEUR",
	                                     "ME",
	                                     "MAITRE",
	                                     "SOCIETE",
	                                     "SARL",
	                                     "SAS",
	                                     "SASU",
	                                     "EURL",
	                                     "ASSOCIATION",
	                                     "ASSO",
	                                     "ENTREPRISE",
	                                     "ETABLISSEMENTS",
	                                     "ETS",
	                                     "MAIRIE",
	                                     "FAMILLE",
	                                     "CABINET",
	                                     NULL};
	return is_in(key, titles);
}

static void part_error(struct parser *ps, const char *raw)
{
	address_error(ps->r, ADDRESS_E_TEXT_PART, ADDRESS_F_TEXT, 0, MSG_TEXT_PART, raw, NULL);
}

/* Copies raw[a, b) trimmed into dst (n bytes), which may be raw itself;
 * -1, dst empty, when it does not fit. */
static int copy_span(char *dst, size_t n, const char *raw, size_t a, size_t b)
{
	while (a < b && (raw[a] == ' ' || raw[a] == '\t'))
		a++;
	while (b > a && (raw[b - 1] == ' ' || raw[b - 1] == '\t'))
		b--;
	if (b - a >= n) {
		dst[0] = 0;
		return -1;
	}
	memmove(dst, raw + a, b - a);
	dst[b - a] = 0;
	return 0;
}

/* Inserts raw[a, b) as a part at index at, unless it is empty. */
static int insert_part(struct parser *ps, size_t at, const char *raw, size_t a, size_t b, int kind)
{
	struct part t = {.kind = K_UNKNOWN};
	if (copy_span(t.raw, sizeof t.raw, raw, a, b) != 0 || !t.raw[0])
		return 0;
	if (ps->n == ADDRESS_TEXT_PARTS) {
		address_error(ps->r, ADDRESS_E_TEXT_TOO_LONG, ADDRESS_F_TEXT, 0, MSG_TOO_MANY_PARTS, NULL,
		              NULL);
		return -1;
	}
	memmove(&ps->p[at + 1], &ps->p[at], (ps->n - at) * sizeof ps->p[0]);
	t.kind = kind;
	ps->p[at] = t;
	ps->n++;
	return 0;
}

/* Cuts part i at raw offsets a and b into up to three parts; the middle
 * one gets kind. */
static int cut_part(struct parser *ps, size_t i, size_t a, size_t b, int kind)
{
	struct part old = ps->p[i];
	size_t len = strlen(old.raw), at = i, n0 = --ps->n;
	memmove(&ps->p[i], &ps->p[i + 1], (ps->n - i) * sizeof ps->p[0]);
	if (insert_part(ps, at, old.raw, 0, a, K_UNKNOWN) != 0)
		return -1;
	at += ps->n - n0;
	n0 = ps->n;
	if (insert_part(ps, at, old.raw, a, b, kind) != 0)
		return -1;
	at += ps->n - n0;
	return insert_part(ps, at, old.raw, b, len, K_UNKNOWN);
}

/* Appends raw to a field, after a space; too long is an error. */
static void put(struct parser *ps, char *dst, size_t n, const char *raw)
{
	size_t o = strlen(dst), k = strlen(raw);
	if (o + (o > 0) + k + 1 > n) {
		address_error(ps->r, ADDRESS_E_FIELD_TOO_LONG, ADDRESS_F_TEXT, 0, MSG_PART_TOO_LONG, raw,
		              NULL);
		return;
	}
	if (o)
		dst[o++] = ' ';
	memcpy(dst + o, raw, k + 1);
}

#define PUT(ps, m, raw) put(ps, (ps)->f->m, sizeof(ps)->f->m, raw)

/* Where part i is cut: the first word after the start that opens
 * something else. Returns 1 after a cut, 0 when the part is whole, -1
 * when there is no room for another part. */
static int cut_inside(struct parser *ps, size_t i, const struct word *w, size_t nw)
{
	const char *raw = ps->p[i].raw;
	size_t first = number_start(w, nw, 0);
	/* A street's own number ("n° 12 rue…") does not open a new part. */
	for (size_t j = first > 1 ? first : 1; j < nw; j++) {
		size_t len = strlen(raw), k;
		if ((k = postbox_at(w, nw, j)) != 0)
			return cut_part(ps, i, w[j].a, w[j + k - 1].b, K_POSTBOX) == 0 ? 1 : -1;
		int ordinal = w[j].key[0] >= '0' && w[j].key[0] <= '9';
		/* "12-14 rue…": the second number of a range stays with the
		 * first. */
		int range = ordinal && (raw[w[j].a - 1] == '-' || raw[w[j].a - 1] == '/') &&
		            digits_only(w[j - 1].key);
		if (strcmp(w[j].key, "CHEZ") == 0 ||
		    (line2_start(w, nw, j) && j + 1 < nw && (is_code(w[j + 1].key) || ordinal)) ||
		    (line3_start(w, nw, j) && j + 1 < nw && is_code(w[j + 1].key)) ||
		    (!range && number_start(w, nw, j) && street_start(w, nw, j + number_start(w, nw, j))))
			return cut_part(ps, i, w[j].a, len, K_UNKNOWN) == 0 ? 1 : -1;
	}
	return 0;
}

static void classify(struct parser *ps, size_t i)
{
	struct word w[MAX_WORDS];
	size_t nw;
	for (;;) {
		nw = words_of(ps->p[i].raw, w, MAX_WORDS);
		if (nw == 0) {
			ps->p[i].kind = K_EMPTY;
			return;
		}
		int rc = cut_inside(ps, i, w, nw);
		if (rc < 0)
			return;
		if (rc == 0)
			break;
	}
	const char *k0 = w[0].key, *k1 = nw > 1 ? w[1].key : "";
	size_t pb = postbox_at(w, nw, 0);
	int kind = K_UNKNOWN;
	if (nw == 1 && strcmp(k0, "FRANCE") == 0)
		kind = K_COUNTRY;
	else if (strcmp(k0, "CEDEX") == 0 && (nw == 1 || (nw == 2 && digits_only(k1))))
		kind = K_CEDEX;
	else if (pb && pb == nw)
		kind = K_POSTBOX;
	else if (strcmp(k0, "CHEZ") == 0 || (strcmp(k0, "C") == 0 && strcmp(k1, "O") == 0) ||
	         line2_start(w, nw, 0))
		kind = K_COMPLEMENT;
	else if (line3_start(w, nw, 0))
		kind = K_BUILDING;
	else if (strcmp(k0, "LIEUDIT") == 0 || strcmp(k0, "LD") == 0 ||
	         (strcmp(k0, "LIEU") == 0 && strcmp(k1, "DIT") == 0)) {
		size_t skip = strcmp(k0, "LIEU") == 0 ? 2 : 1;
		kind = K_LIEU_DIT;
		if (skip < nw)
			memmove(ps->p[i].raw, ps->p[i].raw + w[skip].a, strlen(ps->p[i].raw + w[skip].a) + 1);
	} else if (is_title(k0))
		kind = K_RECIPIENT;
	else if (number_start(w, nw, 0) || street_start(w, nw, 0))
		kind = K_STREET;
	ps->p[i].kind = kind;
}

/* Fills number, suffix and street from a street part. */
static void street_fields(struct parser *ps, const char *raw)
{
	struct word w[MAX_WORDS];
	size_t nw = words_of(raw, w, MAX_WORDS), k = number_start(w, nw, 0), label = 0;
	char tmp[ADDRESS_FIELD_BYTES];
	if (k) {
		size_t last = k - 1, num = last;
		if (is_suffix_word(w[last].key) ||
		    (!is_number(w[last].key) && k > 1 && is_number(w[last - 1].key)))
			num = last - 1;
		/* A range "12-14" stays whole in the number, which the
		 * formatter refuses with an explanation. */
		if (num + 1 < nw && num == last && (raw[w[num].b] == '-' || raw[w[num].b] == '/') &&
		    w[num + 1].a == w[num].b + 1 && digits_only(w[num + 1].key))
			num = last = last + 1;
		if (copy_span(tmp, sizeof tmp, raw, w[0].a, w[num].b) == 0)
			PUT(ps, number, tmp);
		if (num != last && copy_span(tmp, sizeof tmp, raw, w[last].a, w[last].b) == 0)
			PUT(ps, suffix, tmp);
		label = last + 1;
	}
	if (label < nw && copy_span(tmp, sizeof tmp, raw, w[label].a, strlen(raw)) == 0)
		PUT(ps, street, tmp);
}

/* The postcode: the last group of five digits ("75008", "F-75008",
 * "75 008") that is not a house number before a street. The text after it
 * is the town; a part of its own when it stands alone. */
static int find_postcode(struct parser *ps)
{
	struct word w[MAX_WORDS];
	for (size_t i = ps->n; i-- > 0;) {
		const char *raw = ps->p[i].raw;
		size_t nw = words_of(raw, w, MAX_WORDS);
		for (size_t j = nw; j-- > 0;) {
			size_t a = w[j].a, b = w[j].b, k = 1;
			int five = strlen(w[j].key) == 5 && digits_only(w[j].key);
			if (!five && j + 1 < nw && strlen(w[j].key) == 2 && digits_only(w[j].key) &&
			    strlen(w[j + 1].key) == 3 && digits_only(w[j + 1].key) && raw[b] == ' ' &&
			    w[j + 1].a == b + 1) {
				five = 1;
				b = w[j + 1].b;
				k = 2;
			}
			if (!five || (j > 0 && raw[a - 1] != ' ' && raw[a - 1] != '-') ||
			    (b < strlen(raw) && raw[b] != ' '))
				continue;
			if (j == 0 && street_start(w, nw, j + k))
				continue;
			/* "F-75008": the country letter goes with the code. */
			if (j > 0 && raw[a - 1] == '-' &&
			    (strcmp(w[j - 1].key, "F") == 0 || strcmp(w[j - 1].key, "FR") == 0))
				a = w[j - 1].a;
			else if (j > 0 && raw[a - 1] == '-')
				continue;
			char pc[ADDRESS_SHORT_BYTES], town[ADDRESS_FIELD_BYTES];
			if (copy_span(pc, sizeof pc, raw, a, b) != 0)
				continue;
			copy_span(town, sizeof town, raw, b, strlen(raw));
			PUT(ps, postcode, pc);
			if (town[0]) {
				PUT(ps, town, town);
			} else if (i + 1 < ps->n) {
				/* "75008" on one line, "Paris" on the next. */
				PUT(ps, town, ps->p[i + 1].raw);
				ps->p[i + 1].kind = K_EMPTY;
			} else if (a > 0 && j > 0) {
				/* "Paris 75008": the town before the code, when
				 * nothing there looks like a street. */
				size_t m = 0;
				while (m < j && !(w[m].key[0] >= '0' && w[m].key[0] <= '9') &&
				       !street_start(w, nw, m))
					m++;
				if (m == j) {
					copy_span(town, sizeof town, raw, 0, a);
					PUT(ps, town, town);
					ps->p[i].kind = K_POSTCODE;
					return (int)i;
				}
			}
			ps->p[i].kind = K_POSTCODE;
			if (a == 0)
				return (int)i;
			/* What comes before the code is a part of its own. */
			if (insert_part(ps, i + 1, raw, a, strlen(raw), K_POSTCODE) != 0)
				return -1;
			ps->p[i].kind = K_UNKNOWN;
			copy_span(ps->p[i].raw, sizeof ps->p[i].raw, raw, 0, a);
			return (int)i + 1;
		}
	}
	return -1;
}

/* Joins a part that is only a number ("12", "12 bis") to the next one:
 * "12, rue des Lilas". */
static void join_numbers(struct parser *ps)
{
	struct word w[MAX_WORDS];
	for (size_t i = 0; i + 1 < ps->n; i++) {
		size_t nw = words_of(ps->p[i].raw, w, MAX_WORDS);
		if (nw == 0 || number_start(w, nw, 0) != nw ||
		    (nw == 1 && strlen(w[0].key) == 5 && digits_only(w[0].key)))
			continue;
		size_t k = strlen(ps->p[i].raw), m = strlen(ps->p[i + 1].raw);
		if (k + 1 + m >= sizeof ps->p[i].raw)
			continue;
		ps->p[i].raw[k] = ' ';
		memcpy(ps->p[i].raw + k + 1, ps->p[i + 1].raw, m + 1);
		memmove(&ps->p[i + 1], &ps->p[i + 2], (ps->n - i - 2) * sizeof ps->p[0]);
		ps->n--;
	}
}

static int split_text(struct parser *ps, const char *text, size_t len)
{
	size_t start = 0;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		start = 3;
	for (size_t i = start; i <= len; i++) {
		if (i < len && text[i] != '\n' && text[i] != '\r' && text[i] != ',' && text[i] != ';')
			continue;
		struct part t = {.kind = K_UNKNOWN};
		if (copy_span(t.raw, sizeof t.raw, text, start, i) != 0) {
			char head[48];
			copy_span(head, sizeof head, text, start, start + 40);
			address_error(ps->r, ADDRESS_E_FIELD_TOO_LONG, ADDRESS_F_TEXT, 0, MSG_PART_TOO_LONG,
			              head, NULL);
			return -1;
		}
		for (char *c = t.raw; *c; c++)
			if (*c == '\t')
				*c = ' ';
		start = i + 1;
		if (!t.raw[0])
			continue;
		if (ps->n == ADDRESS_TEXT_PARTS) {
			address_error(ps->r, ADDRESS_E_TEXT_TOO_LONG, ADDRESS_F_TEXT, 0, MSG_TOO_MANY_PARTS,
			              NULL, NULL);
			return -1;
		}
		ps->p[ps->n++] = t;
	}
	return 0;
}

/* Places the parts nobody recognised, by their position. */
static void place_unknown(struct parser *ps, int street, int pc)
{
	size_t end = pc >= 0 ? (size_t)pc : ps->n, before[ADDRESS_TEXT_PARTS] = {0}, nb = 0;
	address_fields *f = ps->f;
	int lieu_dit = -1;
	/* Without a postcode, the last part is the town ("route du Cap,
	 * Furiani"): a forgotten postcode is more common than a lieu-dit
	 * without a town, and the geography may give the postcode. */
	if (pc < 0 && ps->n > 1 && ps->p[ps->n - 1].kind == K_UNKNOWN && !f->town[0]) {
		PUT(ps, town, ps->p[ps->n - 1].raw);
		ps->p[ps->n - 1].kind = K_EMPTY;
	}
	/* Without a street, the unknown part just before the postcode is the
	 * lieu-dit: "Les Granges, 24560 Issigeac". */
	if (street < 0)
		for (size_t i = end; i-- > 0;) {
			if (ps->p[i].kind == K_UNKNOWN) {
				lieu_dit = (int)i;
				break;
			}
			if (ps->p[i].kind != K_EMPTY)
				break;
		}
	for (size_t i = 0; i < ps->n; i++) {
		if (ps->p[i].kind != K_UNKNOWN)
			continue;
		const char *raw = ps->p[i].raw;
		int after = (int)i == lieu_dit || (street >= 0 && (int)i > street);
		if (i > end || (after && f->lieu_dit[0]))
			part_error(ps, raw);
		else if (after)
			PUT(ps, lieu_dit, raw);
		else
			before[nb++] = i;
	}
	size_t u = 0;
	if (nb && before[0] == 0 && !f->recipient[0])
		PUT(ps, recipient, ps->p[before[u++]].raw);
	if (nb - u == 1) {
		const char *raw = ps->p[before[u]].raw;
		if (!f->building[0])
			PUT(ps, building, raw);
		else if (!f->complement[0])
			PUT(ps, complement, raw);
		else
			part_error(ps, raw);
		return;
	}
	for (size_t k = 0; u < nb; u++, k++) {
		const char *raw = ps->p[before[u]].raw;
		if (k == 0 && !f->complement[0])
			PUT(ps, complement, raw);
		else if (k == 1 && !f->building[0])
			PUT(ps, building, raw);
		else
			part_error(ps, raw);
	}
}

int address_from_text(const char *text, size_t len, address_fields *f, address_result *r)
{
	struct word w[MAX_WORDS];
	struct parser ps;
	size_t errors = r->n_errors;
	int street = -1;
	memset(f, 0, sizeof *f);
	ps.n = 0;
	ps.f = f;
	ps.r = r;
	if (len > ADDRESS_TEXT_BYTES) {
		address_error(r, ADDRESS_E_TEXT_TOO_LONG, ADDRESS_F_TEXT, 0, MSG_TEXT_TOO_LONG, NULL, NULL);
		return -1;
	}
	if (memchr(text, 0, len)) {
		address_error(r, ADDRESS_E_CHARACTER, ADDRESS_F_TEXT, 0, MSG_TEXT_NUL, "U+0000", NULL);
		return -1;
	}
	for (size_t i = 0; i < len;)
		if (address_utf8_next(text, len, &i) < 0) {
			address_error(r, ADDRESS_E_UTF8, ADDRESS_F_TEXT, 0, MSG_TEXT_UTF8, NULL, NULL);
			return -1;
		}
	if (split_text(&ps, text, len) != 0)
		return -1;
	join_numbers(&ps);
	int pc = find_postcode(&ps);
	for (size_t i = 0; i < ps.n && r->n_errors == errors; i++)
		if (ps.p[i].kind == K_UNKNOWN && (pc < 0 || i != (size_t)pc)) {
			size_t n0 = ps.n;
			classify(&ps, i);
			if (pc >= 0 && i < (size_t)pc)
				pc += (int)(ps.n - n0);
		}
	if (r->n_errors != errors)
		return -1;
	/* The street is the first part with a number, else the first one;
	 * other street-like parts are placed as unknown ones. */
	for (size_t i = 0; i < ps.n; i++)
		if (ps.p[i].kind == K_STREET) {
			size_t nw = words_of(ps.p[i].raw, w, MAX_WORDS);
			int numbered = number_start(w, nw, 0) != 0;
			if (street < 0 || numbered)
				street = (int)i;
			if (numbered)
				break;
		}
	for (size_t i = 0; i < ps.n; i++) {
		struct part *p = &ps.p[i];
		/* A second street-like part ("Lotissement les Pins", "Villa
		 * Sylvia") names a group of buildings before the street, and
		 * is placed like an unknown part after it. */
		if (p->kind == K_STREET && (int)i != street)
			p->kind = (int)i < street ? K_BUILDING : K_UNKNOWN;
		switch (p->kind) {
		case K_RECIPIENT:
			PUT(&ps, recipient, p->raw);
			break;
		case K_COMPLEMENT:
			PUT(&ps, complement, p->raw);
			break;
		case K_BUILDING:
			PUT(&ps, building, p->raw);
			break;
		case K_STREET:
			street_fields(&ps, p->raw);
			break;
		case K_LIEU_DIT:
			if (f->lieu_dit[0])
				part_error(&ps, p->raw);
			else
				PUT(&ps, lieu_dit, p->raw);
			break;
		case K_POSTBOX:
			if (f->postbox[0])
				part_error(&ps, p->raw);
			else
				PUT(&ps, postbox, p->raw);
			break;
		case K_CEDEX: {
			size_t nw = words_of(p->raw, w, MAX_WORDS);
			f->cedex = 1;
			if (nw == 2)
				PUT(&ps, cedex_office, w[1].key);
			break;
		}
		case K_COUNTRY:
			address_change(r, ADDRESS_C_COUNTRY, ADDRESS_F_TEXT, 0, MSG_COUNTRY, p->raw, NULL);
			break;
		default:
			break;
		}
	}
	place_unknown(&ps, street, pc);
	return r->n_errors == errors ? 0 : -1;
}

int address_normalise_text(const char *text, size_t len, const address_lookup *lookup, address_result *r)
{
	address_fields f;
	address_result_init(r);
	if (address_from_text(text, len, &f, r) != 0)
		return -1;
	return address_format(&f, lookup, r);
}
