/*
 * site.c: the rules of a site: types, accessibility options, commune and
 * département codes, languages, and the validation of a record.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "domain/site.h"

/* The messages below name these limits in words. */
_Static_assert(LIMIT_NAME_BYTES == 200, "update the messages that say 200 caractères");
_Static_assert(LIMIT_TEXT_BYTES == 2000, "update the messages that say 2000 caractères");

static const site_code types[] = {
    {"france_services", N_("France Services")},
    {"france_services_itinerant", N_("France Services itinérante")},
    {"mairie", N_("Mairie")},
    {"mediatheque", N_("Médiathèque")},
    {"centre_social", N_("Centre social")},
    {"association", N_("Association")},
    {"autre", N_("Autre lieu")},
};

static const site_code access[] = {
    {"pmr", N_("Accès en fauteuil roulant")},
    {"boucle_magnetique", N_("Boucle magnétique")},
    {"lsf", N_("Accueil en langue des signes")},
    {"falc", N_("Documents faciles à lire")},
    {"malvoyants", N_("Accueil adapté aux personnes malvoyantes")},
};

/* Départements by code, as the INSEE writes them. The entries are the
 * storage that site_validate points a record's departement to, hence char
 * arrays rather than string literals. */
static char departements[][4] = {
    "01",  "02",  "03",  "04",  "05",  "06",  "07",  "08",  "09",  "10",  "11", "12", "13",  "14",
    "15",  "16",  "17",  "18",  "19",  "2A",  "2B",  "21",  "22",  "23",  "24", "25", "26",  "27",
    "28",  "29",  "30",  "31",  "32",  "33",  "34",  "35",  "36",  "37",  "38", "39", "40",  "41",
    "42",  "43",  "44",  "45",  "46",  "47",  "48",  "49",  "50",  "51",  "52", "53", "54",  "55",
    "56",  "57",  "58",  "59",  "60",  "61",  "62",  "63",  "64",  "65",  "66", "67", "68",  "69",
    "70",  "71",  "72",  "73",  "74",  "75",  "76",  "77",  "78",  "79",  "80", "81", "82",  "83",
    "84",  "85",  "86",  "87",  "88",  "89",  "90",  "91",  "92",  "93",  "94", "95", "971", "972",
    "973", "974", "975", "976", "977", "978", "984", "986", "987", "988",
};

/* ISO 639-1, every two-letter code. */
static const char languages[] = "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch "
                                "co cr cs cu cv cy da de dv dz "
                                "ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
                                "ht hu hy hz ia id ie ig ii ik "
                                "io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li "
                                "ln lo lt lu lv mg mh mi mk ml "
                                "mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps "
                                "pt qu rm rn ro ru rw sa sc sd "
                                "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr "
                                "ts tt tw ty ug uk ur uz ve vi "
                                "vo wa wo xh yi yo za zh zu";

static const char *label_of(const site_code *v, size_t n, const char *code)
{
	for (size_t i = 0; code && i < n; i++)
		if (strcmp(v[i].code, code) == 0)
			return v[i].label;
	return NULL;
}

const site_code *site_types(size_t *n)
{
	*n = COUNT(types);
	return types;
}

size_t site_type_count(void)
{
	return COUNT(types);
}

const char *site_type_code(size_t i)
{
	return i < COUNT(types) ? types[i].code : NULL;
}

const char *site_type_label(const char *code)
{
	const char *l = label_of(types, COUNT(types), code);
	return l ? l : code ? code : "";
}

const site_code *site_access_options(size_t *n)
{
	*n = COUNT(access);
	return access;
}

size_t site_access_count(void)
{
	return COUNT(access);
}

const char *site_access_code(size_t i)
{
	return i < COUNT(access) ? access[i].code : NULL;
}

const char *site_access_label(const char *code)
{
	const char *l = label_of(access, COUNT(access), code);
	return l ? l : code ? code : "";
}

static int access_valid(const char *code)
{
	return label_of(access, COUNT(access), code) != NULL;
}

static char *departement_find(const char *code, size_t len)
{
	for (size_t i = 0; i < COUNT(departements); i++)
		if (strlen(departements[i]) == len && memcmp(departements[i], code, len) == 0)
			return departements[i];
	return NULL;
}

int site_departement_valid(const char *code)
{
	return code && departement_find(code, strlen(code)) != NULL;
}

char *site_departement_of(const char *insee)
{
	if (!insee || strlen(insee) != 5)
		return NULL;
	/* Overseas départements and collectivities take three characters. */
	size_t len = insee[0] == '9' && (insee[1] == '7' || insee[1] == '8') ? 3 : 2;
	char *dep = departement_find(insee, len);
	if (!dep)
		return NULL;
	for (size_t i = len; i < 5; i++)
		if (!isdigit((unsigned char)insee[i]))
			return NULL;
	return dep;
}

int site_insee_valid(const char *code)
{
	return site_departement_of(code) != NULL;
}

/* Postal codes of a département's main town end in 000 (35000) or, overseas,
 * in 00 (97400); no commune has such an INSEE number, and confusing the two
 * codes is the usual mistake. */
static int looks_postal(const char *insee)
{
	size_t len = strlen(site_departement_of(insee));
	return strspn(insee + len, "0") == 5 - len;
}

int site_language_valid(const char *code)
{
	if (!code || strlen(code) != 2 || !islower((unsigned char)code[0]) ||
	    !islower((unsigned char)code[1]))
		return 0;
	for (const char *p = languages; *p; p += p[2] ? 3 : 2)
		if (p[0] == code[0] && p[1] == code[1])
			return 1;
	return 0;
}

int site_text_check(const char *s, size_t max, int multiline)
{
	if (!s)
		return SITE_TEXT_OK;
	size_t len = strlen(s);
	if (len > max)
		return SITE_TEXT_TOO_LONG;
	if (!utf8_valid(s, len) || text_has_controls(s) || (!multiline && strpbrk(s, "\t\r\n")))
		return SITE_TEXT_BAD;
	return SITE_TEXT_OK;
}

void site_trim(char *s)
{
	if (!s)
		return;
	size_t len = strlen(s), start = 0, end = len;
	while (start < end && isspace((unsigned char)s[start]))
		start++;
	while (end > start && isspace((unsigned char)s[end - 1]))
		end--;
	if (start == 0 && end == len)
		return;
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
}

/* True when the comma-separated list out (len bytes) holds item. */
static int list_has(const char *out, size_t len, const char *item)
{
	size_t n = strlen(item);
	for (size_t i = 0; i + n <= len; i++)
		if ((i == 0 || out[i - 1] == ',') && memcmp(out + i, item, n) == 0 &&
		    (i + n == len || out[i + n] == ','))
			return 1;
	return 0;
}

/* Rewrites a list of codes as "a,b": items trimmed and lower-cased, empty
 * items and repeats dropped. The result is never longer than the input, so
 * it is written over it (only when it differs). -1 when an item is not
 * valid, the list then left as it was. */
static int normalise_list(char *list, int (*valid)(const char *))
{
	if (!list || !*list)
		return 0;
	size_t len = strlen(list);
	if (len > LIMIT_TEXT_BYTES)
		return -1;
	char out[LIMIT_TEXT_BYTES + 1];
	size_t o = 0;
	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		const char *a = p, *b = end;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		size_t n = (size_t)(b - a);
		if (n > 0) {
			char item[32];
			if (n >= sizeof item)
				return -1;
			for (size_t i = 0; i < n; i++)
				item[i] = (char)tolower((unsigned char)a[i]);
			item[n] = '\0';
			if (!valid(item))
				return -1;
			if (!list_has(out, o, item)) {
				if (o)
					out[o++] = ',';
				memcpy(out + o, item, n);
				o += n;
			}
		}
		p = *end ? end + 1 : end;
	}
	out[o] = '\0';
	if (strcmp(out, list) != 0)
		memcpy(list, out, o + 1);
	return 0;
}

/* Upper-cases ASCII letters in place, writing only those that change. */
static void upper(char *s)
{
	for (; s && *s; s++)
		if (islower((unsigned char)*s))
			*s = (char)toupper((unsigned char)*s);
}

static int check_text(char *s, const char *field, size_t max, int multiline, const char *too_long,
                      field_errors *e)
{
	site_trim(s);
	switch (site_text_check(s, max, multiline)) {
	case SITE_TEXT_TOO_LONG:
		field_error_add(e, field, too_long);
		return -1;
	case SITE_TEXT_BAD:
		field_error_add(e, field, "Ce texte contient des caractères non autorisés.");
		return -1;
	default:
		return 0;
	}
}

/* A separator a number may be written with between two digits: space,
 * dot, hyphen, or a non-breaking space (U+00A0, U+202F) as word processors
 * put; its length in bytes, 0 for anything else. */
static size_t phone_separator(const char *p)
{
	if (*p == ' ' || *p == '.' || *p == '-')
		return 1;
	if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
		return 2;
	if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xAF)
		return 3;
	return 0;
}

int site_phone_compact(const char *text, char out[SITE_PHONE_SIZE])
{
	char digits[SITE_PHONE_SIZE];
	size_t n = 0;
	int plus = 0, sep = 0;
	const char *p = text ? text : "";
	out[0] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	const char *end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p < end && *p == '+') {
		plus = 1;
		p++;
	}
	while (p < end) {
		if (isdigit((unsigned char)*p)) {
			if (n + 1 >= sizeof digits)
				return -1;
			digits[n++] = *p++;
			sep = 0;
			continue;
		}
		/* "+33 (0)2 99…": the national 0 in brackets after +33. */
		if (plus && n == 2 && (size_t)(end - p) >= 3 && strncmp(p, "(0)", 3) == 0) {
			p += 3;
			sep = 0;
			continue;
		}
		/* One separator at a time, between digits. */
		size_t k = phone_separator(p);
		if (!k || sep || n == 0 || (size_t)(end - p) < k)
			return -1;
		sep = 1;
		p += k;
	}
	if (sep)
		return -1;
	digits[n] = '\0';
	if (n == 0)
		return plus ? -1 : 0;
	int ok;
	if (plus)
		ok = n == 11 && digits[0] == '3' && digits[1] == '3' && digits[2] != '0';
	else if (n == 10)
		ok = digits[0] == '0' && digits[1] != '0';
	else
		ok = n == 4 && (digits[0] == '1' || digits[0] == '3');
	if (!ok)
		return -1;
	/* n is at most 11 here: the + and the digits fit. */
	if (plus)
		*out++ = '+';
	memcpy(out, digits, n + 1);
	return 0;
}

void site_phone_display(const char *phone, char out[SITE_PHONE_SIZE])
{
	char c[SITE_PHONE_SIZE];
	if (site_phone_compact(phone, c) != 0 || !*c) {
		snprintf(out, SITE_PHONE_SIZE, "%s", phone ? phone : "");
		return;
	}
	if (c[0] == '+') /* +33 2 99 00 00 00 */
		snprintf(out, SITE_PHONE_SIZE, "+33 %c %.2s %.2s %.2s %.2s", c[3], c + 4, c + 6, c + 8,
		         c + 10);
	else if (strlen(c) == 10) /* 02 99 00 00 00 */
		snprintf(out, SITE_PHONE_SIZE, "%.2s %.2s %.2s %.2s %.2s", c, c + 2, c + 4, c + 6, c + 8);
	else
		snprintf(out, SITE_PHONE_SIZE, "%s", c);
}

/* The telephone, checked and written compact in place: the compact form is
 * never longer than the text it comes from. */
static int check_phone(store_site *site, field_errors *e)
{
	char c[SITE_PHONE_SIZE];
	if (!site->phone)
		return 0;
	if (site_phone_compact(site->phone, c) != 0) {
		field_error_add(
		    e, "phone",
		    "Ce numéro de téléphone n'est pas valide : indiquez un numéro français, par "
		    "exemple 02 99 00 00 00 ou +33 2 99 00 00 00, ou un numéro court comme 3939.");
		return -1;
	}
	if (strcmp(c, site->phone) != 0)
		memcpy(site->phone, c, strlen(c) + 1);
	return 0;
}

static int check_commune(store_site *site, field_errors *e)
{
	site_trim(site->commune_insee);
	upper(site->commune_insee);
	const char *c = site->commune_insee ? site->commune_insee : "";
	if (!*c) {
		/* Without a commune, a département given by hand still places
		 * the site for its coordinators. */
		site_trim(site->departement);
		upper(site->departement);
		if (site->departement && *site->departement && !site_departement_valid(site->departement)) {
			field_error_add(
			    e, "departement",
			    "Le code du département n'est pas valide, par exemple 35, 2A ou 974.");
			return -1;
		}
		return 0;
	}
	if (strlen(c) != 5) {
		field_error_add(e, "commune_insee",
		                "Le code commune doit compter 5 caractères, par exemple 35238.");
		return -1;
	}
	if (!site_insee_valid(c)) {
		field_error_add(
		    e, "commune_insee",
		    "Le code commune n'est pas valide : 2 chiffres (ou 2A, 2B) puis 3 chiffres, par "
		    "exemple 35238.");
		return -1;
	}
	if (looks_postal(c)) {
		field_error_add(
		    e, "commune_insee",
		    "Ce code ressemble à un code postal : indiquez le code commune de l'INSEE, par "
		    "exemple 35238 pour Rennes.");
		return -1;
	}
	site->departement = site_departement_of(c);
	return 0;
}

int site_validate(store_site *site, field_errors *e)
{
	static const char *const too_long = N_("Ce texte ne doit pas dépasser 2000 caractères.");
	int bad = 0;
	site_trim(site->name);
	if (!site->name || !*site->name) {
		field_error_add(e, "name", "Indiquez le nom du lieu.");
		bad = 1;
	} else if (check_text(site->name, "name", LIMIT_NAME_BYTES, 0,
	                      N_("Le nom du lieu ne doit pas dépasser 200 caractères."), e) != 0) {
		bad = 1;
	}
	if (!label_of(types, COUNT(types), site->type)) {
		field_error_add(e, "type", "Choisissez le type de lieu.");
		bad = 1;
	}
	if (check_commune(site, e) != 0)
		bad = 1;
	if (normalise_list(site->languages, site_language_valid) != 0) {
		field_error_add(e, "languages",
		                "Indiquez chaque langue par son code à deux lettres, par exemple fr ou ar.");
		bad = 1;
	}
	if (normalise_list(site->accessibility, access_valid) != 0) {
		field_error_add(e, "accessibility", "Choisissez les options d'accessibilité dans la liste.");
		bad = 1;
	}
	if (check_text(site->address, "address", LIMIT_TEXT_BYTES, 1, too_long, e) != 0)
		bad = 1;
	if (check_text(site->opening_hours, "opening_hours", LIMIT_TEXT_BYTES, 1, too_long, e) != 0)
		bad = 1;
	if (check_text(site->accessibility_note, "accessibility_note", LIMIT_TEXT_BYTES, 1, too_long, e) != 0)
		bad = 1;
	if (check_phone(site, e) != 0)
		bad = 1;
	return bad ? -1 : 0;
}
