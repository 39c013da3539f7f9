/*
 * address_format.c: from structured fields to the six lines of NF Z10-011.
 * Each field is checked and normalised on its own (number and suffix,
 * street, lieu-dit, postal box, postcode, town and CEDEX), the postcode and
 * the town are checked against the caller's geography, then the lines are
 * assembled, abbreviated when they would exceed 38 characters, and written
 * only when nothing went wrong.
 */
#include <string.h>

#include "address/address_text.h"

static const char *const MSG_LINE1_TOO_LONG = N_("Cette ligne dépasse 38 caractères : raccourcissez-la.");
static const char *const MSG_LINE_TOO_LONG =
    N_("Cette ligne dépasse 38 caractères, même avec les abréviations.");
static const char *const MSG_FIELD_UNTERMINATED = N_("Ce champ est trop long.");
static const char *const MSG_NUMBER_SIGN = N_("« n° » ne s'écrit pas devant le numéro.");
static const char *const MSG_NUMBER_ZEROS = N_("Les zéros en tête du numéro sont retirés.");
static const char *const MSG_NUMBER =
    N_("Le numéro ne doit contenir que des chiffres (cinq au plus), suivis d'un suffixe.");
static const char *const MSG_SUFFIX =
    N_("Le suffixe doit être bis, ter, quater, quinquies ou une seule lettre.");
static const char *const MSG_SUFFIX_WITHOUT_NUMBER =
    N_("Un suffixe (bis, ter…) ne s'écrit qu'après un numéro.");
static const char *const MSG_NUMBER_WITHOUT_STREET =
    N_("Un numéro s'écrit avec le nom d'une voie ou d'un lieu-dit.");
static const char *const MSG_NO_DELIVERY_POINT =
    N_("L'adresse n'a ni voie, ni lieu-dit, ni boîte postale : le courrier ne pourrait pas être distribué.");
static const char *const MSG_POSTBOX_CHANGED =
    N_("La boîte postale s'écrit BP, CS ou TSA suivi de son numéro.");
static const char *const MSG_POSTBOX =
    N_("La boîte postale doit être BP, CS ou TSA suivi d'un numéro, ou POSTE RESTANTE.");
static const char *const MSG_CEDEX = N_("Le numéro de CEDEX a un ou deux chiffres.");
static const char *const MSG_POSTCODE_CHANGED =
    N_("Le code postal s'écrit en cinq chiffres, sans espace ni lettre.");
static const char *const MSG_POSTCODE = N_("Le code postal doit avoir cinq chiffres.");
static const char *const MSG_POSTCODE_AREA = N_("Ce code postal ne correspond à aucun département français.");
static const char *const MSG_POSTCODE_MISSING = N_("Le code postal manque.");
static const char *const MSG_TOWN_MISSING = N_("La ville de distribution manque.");
static const char *const MSG_POSTCODE_UNKNOWN = N_("Aucune commune ne porte ce code postal.");
static const char *const MSG_MISMATCH =
    N_("Le code postal et la commune ne correspondent pas : choisissez parmi les propositions.");
static const char *const MSG_TOWN_AMBIGUOUS =
    N_("Plusieurs villes de distribution portent ce code postal : choisissez parmi les propositions.");
static const char *const MSG_POSTCODE_AMBIGUOUS =
    N_("Cette commune a plusieurs codes postaux : choisissez parmi les propositions.");
static const char *const MSG_LOOKUP = N_("La commune n'a pas pu être vérifiée.");
static const char *const MSG_TOWN_FROM_POSTCODE = N_("La ville de distribution est déduite du code postal.");
static const char *const MSG_POSTCODE_FROM_TOWN = N_("Le code postal est déduit de la commune.");
static const char *const MSG_DELIVERY_TOWN = N_(
    "Pour ce code postal, le courrier de cette commune est distribué sous le nom écrit en dernière ligne.");
static const char *const MSG_DELEGATED =
    N_("La commune déléguée s'écrit en ligne 5, et la ville de distribution en dernière ligne.");

/* What one formatting builds before anything is written into the result. */
struct work {
	address_result *r;
	char line[ADDRESS_LINES][ADDRESS_FIELD_BYTES];
	char number[ADDRESS_SHORT_BYTES];
	char suffix[ADDRESS_SHORT_BYTES];
	char label[ADDRESS_FIELD_BYTES];
	char lieu_dit[ADDRESS_FIELD_BYTES];
	char postbox[ADDRESS_FIELD_BYTES];
	char postcode[ADDRESS_SHORT_BYTES];
	char town[ADDRESS_FIELD_BYTES];
	char delegated[ADDRESS_FIELD_BYTES]; /* a former commune La Poste writes on line 5 */
	char office[ADDRESS_SHORT_BYTES];
	int cedex;
	int postcode_ok;       /* five digits of a French département */
	int postcode_reported; /* an error already speaks of the postcode */
};

void address_result_init(address_result *r)
{
	memset(r, 0, sizeof *r);
}

const char *address_field_name(int field)
{
	static const char *const names[] = {"",       "recipient", "complement", "building", "number",
	                                    "suffix", "street",    "lieu_dit",   "postbox",  "postcode",
	                                    "town",   "cedex",     "text"};
	if (field < 0 || (size_t)field >= sizeof names / sizeof names[0])
		return "";
	return names[field];
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int address_postcode_area(const char *pc, char dep[4])
{
	dep[0] = 0;
	if (strlen(pc) != 5 || !all_digits(pc, 5))
		return -1;
	int two = (pc[0] - '0') * 10 + (pc[1] - '0');
	int three = two * 10 + (pc[2] - '0');
	if (two >= 1 && two <= 95 && two != 20) {
		memcpy(dep, pc, 2);
		dep[2] = 0;
		return ADDRESS_AREA_METRO;
	}
	if (two == 20) {
		/* Corse-du-Sud has the postcodes 200xx and 201xx, Haute-Corse
		 * the others; the INSEE code of the commune settles it. */
		memcpy(dep, three <= 201 ? "2A" : "2B", 3);
		return ADDRESS_AREA_CORSICA;
	}
	int area = 0;
	if ((three >= 971 && three <= 974) || three == 976)
		area = ADDRESS_AREA_OVERSEAS;
	else if (three == 975 || three == 977 || three == 978 || three == 984 ||
	         (three >= 986 && three <= 988))
		area = ADDRESS_AREA_COLLECTIVITY;
	else if (three == 980)
		area = ADDRESS_AREA_MONACO;
	if (!area)
		return -1;
	memcpy(dep, pc, 3);
	dep[3] = 0;
	return area;
}

int address_insee_departement(const char *insee, char dep[4])
{
	dep[0] = 0;
	if (strlen(insee) != 5)
		return -1;
	if (insee[0] == '2' && (insee[1] == 'A' || insee[1] == 'B') && all_digits(insee + 2, 3)) {
		memcpy(dep, insee, 2);
		dep[2] = 0;
		return 0;
	}
	if (!all_digits(insee, 5) || (insee[0] == '0' && insee[1] == '0'))
		return -1;
	size_t k = insee[0] == '9' && insee[1] >= '7' ? 3 : 2;
	memcpy(dep, insee, k);
	dep[k] = 0;
	return 0;
}

/* Appends word to out (n bytes), after a space when out is not empty. */
static int join(char *out, size_t n, const char *word)
{
	size_t o = strlen(out), k = strlen(word);
	if (!k)
		return 0;
	if (o + (o > 0) + k + 1 > n)
		return -1;
	if (o)
		out[o++] = ' ';
	memcpy(out + o, word, k + 1);
	return 0;
}

static int fold_field(struct work *w, const char *in, char *out, size_t n, int field, int line)
{
	unsigned flags = 0;
	char bad[16];
	int rc = address_fold_ex(in, out, n, &flags, bad, 0);
	if (rc) {
		address_fold_error(w->r, rc, field, line, bad);
		out[0] = 0;
		return -1;
	}
	address_fold_notes(w->r, flags, field, line);
	return 0;
}

/* Lines 1 to 3: case and accents kept; only lines 2 and 3 may be
 * abbreviated, a name is not. */
static void free_line(struct work *w, const char *in, int field, int no)
{
	char *line = w->line[no - 1], bad[16];
	unsigned flags = 0;
	int rc = address_clean_free(in, line, ADDRESS_FIELD_BYTES, &flags, bad);
	if (rc) {
		address_fold_error(w->r, rc, field, no, bad);
		line[0] = 0;
		return;
	}
	if (flags & ADDRESS_FOLD_SPACES)
		address_fold_notes(w->r, ADDRESS_FOLD_SPACES, field, no);
	if (address_utf8_chars(line) <= ADDRESS_LINE_CHARS)
		return;
	if (no == 1 || address_abbreviate(line, ADDRESS_FIELD_BYTES, w->r, field, no) != 0)
		address_error(w->r, ADDRESS_E_LINE_TOO_LONG, field, no,
		              no == 1 ? MSG_LINE1_TOO_LONG : MSG_LINE_TOO_LONG, line, NULL);
}

/* Whether s starts with the sign "n°" (n°, N°, nº, No, no., N.): its
 * length, else 0. */
static size_t number_sign(const char *s)
{
	if (s[0] != 'n' && s[0] != 'N')
		return 0;
	if ((unsigned char)s[1] == 0xC2 && ((unsigned char)s[2] == 0xB0 || (unsigned char)s[2] == 0xBA))
		return 3;
	if ((s[1] == 'o' || s[1] == 'O') && (s[2] == '.' || s[2] == ' ' || (s[2] >= '0' && s[2] <= '9')))
		return s[2] == '.' ? 3 : 2;
	if (s[1] == '.')
		return 2;
	return 0;
}

static void suffix_part(struct work *w, const char *raw)
{
	static const struct {
		const char *word, *letter, *msgid;
	} words[] = {
	    {"BIS", "B", N_("Le suffixe « bis » s'écrit B.")},
	    {"TER", "T", N_("Le suffixe « ter » s'écrit T.")},
	    {"QUATER", "Q", N_("Le suffixe « quater » s'écrit Q.")},
	    {"QUINQUIES", "C", N_("Le suffixe « quinquies » s'écrit C.")},
	};
	char key[ADDRESS_SHORT_BYTES];
	unsigned flags = 0;
	if (address_fold_ex(raw, key, sizeof key, &flags, NULL, 0) != 0) {
		address_error(w->r, ADDRESS_E_SUFFIX, ADDRESS_F_SUFFIX, 4, MSG_SUFFIX, raw, NULL);
		return;
	}
	if (!key[0])
		return;
	if (!w->number[0]) {
		address_error(w->r, ADDRESS_E_SUFFIX_WITHOUT_NUMBER, ADDRESS_F_SUFFIX, 4,
		              MSG_SUFFIX_WITHOUT_NUMBER, raw, NULL);
		return;
	}
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(key, words[i].word) == 0) {
			strcpy(w->suffix, words[i].letter);
			address_change(w->r, ADDRESS_C_SUFFIX, ADDRESS_F_SUFFIX, 4, words[i].msgid, raw,
			               words[i].letter);
			return;
		}
	if (key[0] >= 'A' && key[0] <= 'Z' && key[1] == 0) {
		strcpy(w->suffix, key);
		address_fold_notes(w->r, flags, ADDRESS_F_SUFFIX, 4);
		return;
	}
	address_error(w->r, ADDRESS_E_SUFFIX, ADDRESS_F_SUFFIX, 4, MSG_SUFFIX, raw, NULL);
}

/* The number: digits after an optional "n°"; letters after the digits are
 * the suffix when the suffix field is empty ("12bis", "7 B"). */
static void number_part(struct work *w, const char *num, const char *suffix)
{
	const char *p = num;
	char digits[ADDRESS_SHORT_BYTES];
	size_t k = 0, sign;
	while (*p == ' ' || *p == '\t')
		p++;
	if ((sign = number_sign(p)) != 0) {
		address_change(w->r, ADDRESS_C_NUMBER, ADDRESS_F_NUMBER, 4, MSG_NUMBER_SIGN, num, NULL);
		p += sign;
		while (*p == ' ')
			p++;
	}
	while (*p >= '0' && *p <= '9' && k < sizeof digits - 1)
		digits[k++] = *p++;
	digits[k] = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	/* After the digits only a suffix may follow: a letter, not a range
	 * ("12-14") nor more digits. */
	int letter = ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || (unsigned char)*p >= 0xC0;
	if ((k == 0 && *p) || k > ADDRESS_NUMBER_DIGITS || (*p && (suffix[0] || !letter))) {
		address_error(w->r, ADDRESS_E_NUMBER, ADDRESS_F_NUMBER, 4, MSG_NUMBER, num, NULL);
		return;
	}
	size_t z = 0;
	while (k - z > 1 && digits[z] == '0')
		z++;
	if (z)
		address_change(w->r, ADDRESS_C_NUMBER, ADDRESS_F_NUMBER, 4, MSG_NUMBER_ZEROS, digits,
		               digits + z);
	memcpy(w->number, digits + z, k - z + 1);
	suffix_part(w, *p ? p : suffix);
}

static void postbox_part(struct work *w, const char *in)
{
	static const struct {
		const char *typed, *kind;
	} kinds[] = {{"BOITE POSTALE", "BP"}, {"B P", "BP"}, {"BP", "BP"},  {"COURSE SPECIALE", "CS"},
	             {"C S", "CS"},           {"CS", "CS"},  {"TSA", "TSA"}};
	char key[ADDRESS_FIELD_BYTES];
	unsigned flags = 0;
	char bad[16];
	int rc = address_fold_ex(in, key, sizeof key, &flags, bad, 0);
	if (rc) {
		address_fold_error(w->r, rc, ADDRESS_F_POSTBOX, 5, bad);
		return;
	}
	if (!key[0])
		return;
	if (strcmp(key, "POSTE RESTANTE") == 0) {
		strcpy(w->postbox, key);
		address_fold_notes(w->r, flags, ADDRESS_F_POSTBOX, 5);
		return;
	}
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t n = strlen(kinds[i].typed);
		if (strncmp(key, kinds[i].typed, n) != 0)
			continue;
		const char *d = key + n + (key[n] == ' ');
		size_t nd = strlen(d);
		if (nd == 0 || nd > ADDRESS_NUMBER_DIGITS || !all_digits(d, nd))
			break;
		strcpy(w->postbox, kinds[i].kind);
		join(w->postbox, sizeof w->postbox, d);
		if (strcmp(w->postbox, key) != 0)
			address_change(w->r, ADDRESS_C_POSTBOX, ADDRESS_F_POSTBOX, 5, MSG_POSTBOX_CHANGED, in,
			               w->postbox);
		else
			address_fold_notes(w->r, flags, ADDRESS_F_POSTBOX, 5);
		return;
	}
	address_error(w->r, ADDRESS_E_POSTBOX, ADDRESS_F_POSTBOX, 5, MSG_POSTBOX, in, NULL);
}

static void postcode_part(struct work *w, const char *in)
{
	char pc[ADDRESS_SHORT_BYTES];
	const char *p = in;
	size_t k = 0;
	int changed = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	/* "F-75008" and "FR-75008" are how some write a French postcode
	 * among foreign ones; in France it is five digits alone. */
	if ((p[0] == 'F' || p[0] == 'f') && (p[1] == '-' || ((p[1] == 'R' || p[1] == 'r') && p[2] == '-'))) {
		p += p[1] == '-' ? 2 : 3;
		changed = 1;
	}
	for (; *p && k < sizeof pc - 1; p++) {
		if (*p == ' ' || *p == '\t') {
			changed |= k > 0;
			continue;
		}
		pc[k++] = *p;
	}
	pc[k] = 0;
	if (!k)
		return;
	if (*p || k != 5 || !all_digits(pc, 5)) {
		address_error(w->r, ADDRESS_E_POSTCODE, ADDRESS_F_POSTCODE, 6, MSG_POSTCODE, in, NULL);
		w->postcode_reported = 1;
		return;
	}
	strcpy(w->postcode, pc);
	if (changed)
		address_change(w->r, ADDRESS_C_POSTCODE, ADDRESS_F_POSTCODE, 6, MSG_POSTCODE_CHANGED, in, pc);
	if (address_postcode_area(pc, w->r->departement) < 0) {
		address_error(w->r, ADDRESS_E_POSTCODE_AREA, ADDRESS_F_POSTCODE, 6, MSG_POSTCODE_AREA, pc,
		              NULL);
		w->postcode_reported = 1;
		return;
	}
	w->postcode_ok = 1;
}

/* The town, and CEDEX whether it has its own fields or was typed at the
 * end of the town ("LYON CEDEX 03"). */
static void town_part(struct work *w, const char *town, int cedex, const char *cedex_office)
{
	char office[ADDRESS_SHORT_BYTES];
	size_t k = 0;
	if (fold_field(w, town, w->town, sizeof w->town, ADDRESS_F_TOWN, 6) == 0) {
		char *c = strstr(w->town, "CEDEX");
		while (c && !((c == w->town || c[-1] == ' ') && (c[5] == 0 || c[5] == ' ')))
			c = strstr(c + 1, "CEDEX");
		if (c && (c[5] == 0 || (strlen(c + 6) <= 2 && all_digits(c + 6, strlen(c + 6))))) {
			w->cedex = 1;
			if (c[5])
				strcpy(w->office, c + 6);
			*c = 0;
			size_t n = strlen(w->town);
			if (n && w->town[n - 1] == ' ')
				w->town[n - 1] = 0;
		}
	}
	const char *p = cedex_office;
	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9' && k < sizeof office - 1)
		office[k++] = *p++;
	office[k] = 0;
	while (*p == ' ')
		p++;
	if (*p || k > 2) {
		address_error(w->r, ADDRESS_E_CEDEX, ADDRESS_F_CEDEX, 6, MSG_CEDEX, cedex_office, NULL);
		return;
	}
	if (cedex || k)
		w->cedex = 1;
	if (k)
		strcpy(w->office, office);
}

void address_name_key(const char *name, char *out, size_t n)
{
	char tmp[ADDRESS_FIELD_BYTES];
	if (n == 0)
		return;
	out[0] = 0;
	if (address_fold_ex(name, tmp, sizeof tmp, NULL, NULL, 0) != 0)
		return;
	for (char *word = tmp, *end; *word; word = end + (*end == ' ')) {
		end = strchr(word, ' ');
		if (!end)
			end = word + strlen(word);
		char save = *end;
		*end = 0;
		const char *full = strcmp(word, "ST") == 0    ? "SAINT"
		                   : strcmp(word, "STE") == 0 ? "SAINTE"
		                                              : word;
		int rc = join(out, n, full);
		*end = save;
		if (rc) {
			out[0] = 0;
			return;
		}
	}
}

static int same_name(const char *a, const char *key)
{
	char k[ADDRESS_FIELD_BYTES * 2];
	address_name_key(a, k, sizeof k);
	return k[0] && strcmp(k, key) == 0;
}

static void propose(address_result *r, const address_place *p)
{
	for (size_t i = 0; i < r->n_proposals; i++)
		if (memcmp(&r->proposals[i], p, sizeof *p) == 0)
			return;
	if (r->n_proposals < ADDRESS_MAX_PROPOSALS)
		r->proposals[r->n_proposals++] = *p;
}

/* Calls a lookup function and makes its answer safe to read: every string
 * ends inside its buffer, whatever the callee wrote. */
static int ask(int (*fn)(void *, const char *, address_place *, size_t), void *ctx, const char *what,
               address_place *out)
{
	memset(out, 0, sizeof *out * ADDRESS_MAX_PROPOSALS);
	int n = fn(ctx, what, out, ADDRESS_MAX_PROPOSALS);
	if (n < 0)
		return -1;
	if (n > ADDRESS_MAX_PROPOSALS)
		n = ADDRESS_MAX_PROPOSALS;
	for (int i = 0; i < n; i++) {
		out[i].insee[sizeof out[i].insee - 1] = 0;
		out[i].postcode[sizeof out[i].postcode - 1] = 0;
		out[i].commune[sizeof out[i].commune - 1] = 0;
		out[i].delivery[sizeof out[i].delivery - 1] = 0;
		out[i].line5[sizeof out[i].line5 - 1] = 0;
	}
	return n;
}

/* Takes place p for the typed town (key): the typed town stays when it is
 * the delivery name; else the delivery name replaces it, and a former
 * commune La Poste writes on line 5 goes there when line 5 is free. */
static void apply_place(struct work *w, const address_place *p, const char *key)
{
	char delivery[ADDRESS_FIELD_BYTES], typed[ADDRESS_FIELD_BYTES];
	memcpy(w->r->insee, p->insee, sizeof w->r->insee);
	if (address_insee_departement(p->insee, w->r->departement) != 0)
		address_postcode_area(w->postcode, w->r->departement);
	if (same_name(p->delivery, key) || address_fold(p->delivery, delivery, sizeof delivery) != 0 ||
	    !delivery[0])
		return;
	memcpy(typed, w->town, sizeof typed);
	memcpy(w->town, delivery, sizeof w->town);
	if (p->line5[0] && same_name(p->line5, key) && !w->lieu_dit[0] && !w->postbox[0] &&
	    address_fold(p->line5, w->delegated, sizeof w->delegated) == 0) {
		address_change(w->r, ADDRESS_C_DELEGATED, ADDRESS_F_TOWN, 6, MSG_DELEGATED, typed, delivery);
		return;
	}
	if (typed[0])
		address_change(w->r, ADDRESS_C_DELIVERY_TOWN, ADDRESS_F_TOWN, 6, MSG_DELIVERY_TOWN, typed,
		               delivery);
}

/* How many different delivery names the places have. */
static size_t deliveries(const address_place *p, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		char key[ADDRESS_FIELD_BYTES * 2];
		size_t j = 0;
		address_name_key(p[i].delivery, key, sizeof key);
		while (j < i && !same_name(p[j].delivery, key))
			j++;
		count += j == i;
	}
	return count;
}

static void check_by_postcode(struct work *w, const address_lookup *lk, const char *key)
{
	address_place p[ADDRESS_MAX_PROPOSALS], m[ADDRESS_MAX_PROPOSALS];
	size_t nm = 0;
	int n = ask(lk->by_postcode, lk->ctx, w->postcode, p);
	if (n < 0) {
		address_error(w->r, ADDRESS_E_LOOKUP, ADDRESS_F_POSTCODE, 6, MSG_LOOKUP, w->postcode, NULL);
		return;
	}
	if (n == 0) {
		address_error(w->r, ADDRESS_E_POSTCODE_UNKNOWN, ADDRESS_F_POSTCODE, 6, MSG_POSTCODE_UNKNOWN,
		              w->postcode, NULL);
		w->postcode_reported = 1;
		int k = key[0] && lk->by_name ? ask(lk->by_name, lk->ctx, key, m) : 0;
		for (int i = 0; i < k; i++)
			propose(w->r, &m[i]);
		return;
	}
	if (!key[0]) {
		if (deliveries(p, (size_t)n) == 1) {
			apply_place(w, &p[0], key);
			if (n > 1)
				w->r->insee[0] = 0;
			address_change(w->r, ADDRESS_C_TOWN_FROM_POSTCODE, ADDRESS_F_TOWN, 6,
			               MSG_TOWN_FROM_POSTCODE, NULL, w->town);
			return;
		}
		address_error(w->r, ADDRESS_E_TOWN_AMBIGUOUS, ADDRESS_F_TOWN, 6, MSG_TOWN_AMBIGUOUS, NULL,
		              NULL);
		for (int i = 0; i < n; i++)
			propose(w->r, &p[i]);
		w->town[0] = 0;
		return;
	}
	for (int i = 0; i < n; i++)
		if (same_name(p[i].delivery, key)) {
			apply_place(w, &p[i], key);
			return;
		}
	for (int i = 0; i < n; i++)
		if (same_name(p[i].commune, key) || (p[i].line5[0] && same_name(p[i].line5, key)))
			m[nm++] = p[i];
	if (nm && deliveries(m, nm) == 1) {
		apply_place(w, &m[0], key);
		return;
	}
	if (nm) {
		address_error(w->r, ADDRESS_E_TOWN_AMBIGUOUS, ADDRESS_F_TOWN, 6, MSG_TOWN_AMBIGUOUS, w->town,
		              NULL);
		for (size_t i = 0; i < nm; i++)
			propose(w->r, &m[i]);
		return;
	}
	address_error(w->r, ADDRESS_E_MISMATCH, ADDRESS_F_TOWN, 6, MSG_MISMATCH, w->postcode, w->town);
	int k = lk->by_name ? ask(lk->by_name, lk->ctx, key, m) : 0;
	for (int i = 0; i < k; i++)
		propose(w->r, &m[i]);
	for (int i = 0; i < n; i++)
		propose(w->r, &p[i]);
}

static void check_by_name(struct work *w, const address_lookup *lk, const char *key)
{
	address_place p[ADDRESS_MAX_PROPOSALS];
	int n = ask(lk->by_name, lk->ctx, key, p);
	if (n < 0) {
		address_error(w->r, ADDRESS_E_LOOKUP, ADDRESS_F_TOWN, 6, MSG_LOOKUP, w->town, NULL);
		return;
	}
	int one = n > 0;
	for (int i = 1; i < n; i++)
		if (strcmp(p[i].postcode, p[0].postcode) != 0 || !same_name(p[i].delivery, p[0].delivery))
			one = 0;
	if (one && address_postcode_area(p[0].postcode, w->r->departement) > 0) {
		strcpy(w->postcode, p[0].postcode);
		w->postcode_ok = 1;
		address_change(w->r, ADDRESS_C_POSTCODE_FROM_TOWN, ADDRESS_F_POSTCODE, 6,
		               MSG_POSTCODE_FROM_TOWN, NULL, w->postcode);
		apply_place(w, &p[0], key);
		if (n > 1)
			w->r->insee[0] = 0;
		return;
	}
	if (n > 1) {
		address_error(w->r, ADDRESS_E_POSTCODE_AMBIGUOUS, ADDRESS_F_POSTCODE, 6,
		              MSG_POSTCODE_AMBIGUOUS, w->town, NULL);
		w->postcode_reported = 1;
		for (int i = 0; i < n; i++)
			propose(w->r, &p[i]);
	}
}

/* The postcode and the town against the caller's geography. CEDEX codes
 * belong to no commune and are left alone. */
static void check_commune(struct work *w, const address_lookup *lk)
{
	char key[ADDRESS_FIELD_BYTES * 2];
	if (!lk || w->cedex)
		return;
	address_name_key(w->town, key, sizeof key);
	if (w->postcode_ok && lk->by_postcode)
		check_by_postcode(w, lk, key);
	else if (!w->postcode[0] && !w->postcode_reported && key[0] && lk->by_name)
		check_by_name(w, lk, key);
}

/* Abbreviates line no (4 to 6) when it is too long, and says so when it
 * is still too long. */
static void fit(struct work *w, int no, int field)
{
	char *line = w->line[no - 1];
	if (address_abbreviate(line, ADDRESS_FIELD_BYTES, w->r, field, no) != 0)
		address_error(w->r, ADDRESS_E_LINE_TOO_LONG, field, no, MSG_LINE_TOO_LONG, line, NULL);
}

static void assemble(struct work *w)
{
	char *l4 = w->line[3], *l5 = w->line[4], *l6 = w->line[5];
	int lieu_dit_on_4 = 0, overflow = 0;
	if (w->number[0]) {
		if (!w->label[0] && !w->lieu_dit[0])
			address_error(w->r, ADDRESS_E_NUMBER_WITHOUT_STREET, ADDRESS_F_NUMBER, 4,
			              MSG_NUMBER_WITHOUT_STREET, w->number, NULL);
		/* In the communes that number their lieux-dits, the lieu-dit
		 * is the name of the way: "12 LES GRANGES". */
		lieu_dit_on_4 = !w->label[0];
		overflow |=
		    join(l4, ADDRESS_FIELD_BYTES, w->number) | join(l4, ADDRESS_FIELD_BYTES, w->suffix);
	}
	overflow |= join(l4, ADDRESS_FIELD_BYTES, lieu_dit_on_4 ? w->lieu_dit : w->label);
	if (!lieu_dit_on_4)
		overflow |= join(l5, ADDRESS_FIELD_BYTES, w->lieu_dit);
	overflow |= join(l5, ADDRESS_FIELD_BYTES, w->delegated);
	overflow |= join(l5, ADDRESS_FIELD_BYTES, w->postbox);
	if (w->postcode[0] && w->town[0]) {
		overflow |=
		    join(l6, ADDRESS_FIELD_BYTES, w->postcode) | join(l6, ADDRESS_FIELD_BYTES, w->town);
		if (w->cedex)
			overflow |=
			    join(l6, ADDRESS_FIELD_BYTES, "CEDEX") | join(l6, ADDRESS_FIELD_BYTES, w->office);
	}
	if (overflow) {
		address_error(w->r, ADDRESS_E_LINE_TOO_LONG, ADDRESS_F_NONE, 0, MSG_LINE_TOO_LONG, NULL,
		              NULL);
		return;
	}
	fit(w, 4, lieu_dit_on_4 ? ADDRESS_F_LIEU_DIT : ADDRESS_F_STREET);
	fit(w, 5, w->lieu_dit[0] && !lieu_dit_on_4 ? ADDRESS_F_LIEU_DIT : ADDRESS_F_POSTBOX);
	fit(w, 6, ADDRESS_F_TOWN);
	if (!l4[0] && !l5[0])
		address_error(w->r, ADDRESS_E_NO_DELIVERY_POINT, ADDRESS_F_STREET, 4, MSG_NO_DELIVERY_POINT,
		              NULL, NULL);
	if (!w->postcode[0] && !w->postcode_reported)
		address_error(w->r, ADDRESS_E_POSTCODE_MISSING, ADDRESS_F_POSTCODE, 6, MSG_POSTCODE_MISSING,
		              NULL, NULL);
	if (!w->town[0] && !w->postcode_reported)
		address_error(w->r, ADDRESS_E_TOWN_MISSING, ADDRESS_F_TOWN, 6, MSG_TOWN_MISSING, NULL, NULL);
}

/* The members of f as safe strings: one that fills its buffer without a
 * NUL is an error, and read as empty. */
static const char *field(struct work *w, const char *s, size_t n, int id)
{
	if (memchr(s, 0, n))
		return s;
	address_error(w->r, ADDRESS_E_FIELD_TOO_LONG, id, 0, MSG_FIELD_UNTERMINATED, NULL, NULL);
	return "";
}

#define FIELD(w, f, m, id) field(w, (f)->m, sizeof(f)->m, id)

int address_format(const address_fields *f, const address_lookup *lookup, address_result *r)
{
	static struct work zero;
	struct work w = zero;
	char type[ADDRESS_FIELD_BYTES], name[ADDRESS_FIELD_BYTES];
	w.r = r;
	r->n_lines = 0;
	memset(r->lines, 0, sizeof r->lines);

	free_line(&w, FIELD(&w, f, recipient, ADDRESS_F_RECIPIENT), ADDRESS_F_RECIPIENT, 1);
	free_line(&w, FIELD(&w, f, complement, ADDRESS_F_COMPLEMENT), ADDRESS_F_COMPLEMENT, 2);
	free_line(&w, FIELD(&w, f, building, ADDRESS_F_BUILDING), ADDRESS_F_BUILDING, 3);
	number_part(&w, FIELD(&w, f, number, ADDRESS_F_NUMBER), FIELD(&w, f, suffix, ADDRESS_F_SUFFIX));
	if (fold_field(&w, FIELD(&w, f, street_type, ADDRESS_F_STREET), type, sizeof type, ADDRESS_F_STREET,
	               4) == 0 &&
	    fold_field(&w, FIELD(&w, f, street, ADDRESS_F_STREET), name, sizeof name, ADDRESS_F_STREET, 4) ==
	        0 &&
	    (join(w.label, sizeof w.label, type) || join(w.label, sizeof w.label, name)))
		address_error(r, ADDRESS_E_LINE_TOO_LONG, ADDRESS_F_STREET, 4, MSG_LINE_TOO_LONG, NULL, NULL);
	fold_field(&w, FIELD(&w, f, lieu_dit, ADDRESS_F_LIEU_DIT), w.lieu_dit, sizeof w.lieu_dit,
	           ADDRESS_F_LIEU_DIT, 5);
	postbox_part(&w, FIELD(&w, f, postbox, ADDRESS_F_POSTBOX));
	postcode_part(&w, FIELD(&w, f, postcode, ADDRESS_F_POSTCODE));
	town_part(&w, FIELD(&w, f, town, ADDRESS_F_TOWN), f->cedex,
	          FIELD(&w, f, cedex_office, ADDRESS_F_CEDEX));
	check_commune(&w, lookup);
	assemble(&w);

	if (r->n_errors)
		return -1;
	for (int i = 0; i < ADDRESS_LINES; i++) {
		size_t k = strlen(w.line[i]);
		if (!k || k >= ADDRESS_LINE_BYTES)
			continue;
		memcpy(r->lines[r->n_lines], w.line[i], k + 1);
		r->line_no[r->n_lines++] = i + 1;
	}
	return 0;
}
