/*
 * user.c: the rules of an account: roles, e-mail syntax, and what each role
 * requires (sites, a département, an operator).
 */
#include <ctype.h>
#include <string.h>

#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "domain/site.h"
#include "domain/user.h"

_Static_assert(LIMIT_NAME_BYTES == 200, "update the message that says 200 caractères");
_Static_assert(LIMIT_EMAIL_BYTES == 254, "update the message that says 254 caractères");

static const user_role_info roles[] = {
    {"agent", N_("Conseiller")},
    {"manager", N_("Responsable de lieu")},
    {"coordinator", N_("Coordinateur départemental")},
    {"operator", N_("Référent d'un opérateur partenaire")},
    {"admin", N_("Administrateur")},
};

/* What a cleared field points to: the caller's string is not written. */
static char empty[1];

const user_role_info *user_roles(size_t *n)
{
	*n = COUNT(roles);
	return roles;
}

int user_role_valid(const char *code)
{
	for (size_t i = 0; code && i < COUNT(roles); i++)
		if (strcmp(roles[i].code, code) == 0)
			return 1;
	return 0;
}

const char *user_role_label(const char *code)
{
	for (size_t i = 0; code && i < COUNT(roles); i++)
		if (strcmp(roles[i].code, code) == 0)
			return roles[i].label;
	return code ? code : "";
}

/* Characters of the local part that mail systems accept unquoted (RFC 5322
 * atext); quoted local parts are refused: nobody in this audience has one,
 * and they are a favourite of injection attempts. */
static int local_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80 || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static int domain_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80 || c == '-';
}

/* Dot-separated atoms, none empty; domain labels also may not start or end
 * with a hyphen. */
static int atoms_valid(const char *s, size_t n, int domain)
{
	size_t atom = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (atom == 0 || (domain && (s[i - atom] == '-' || s[i - 1] == '-')) ||
			    (domain && atom > 63))
				return 0;
			atom = 0;
			continue;
		}
		if (!(domain ? domain_char((unsigned char)s[i]) : local_char((unsigned char)s[i])))
			return 0;
		atom++;
	}
	return 1;
}

int user_email_valid(const char *email)
{
	if (!email)
		return 0;
	size_t len = strlen(email);
	const char *at = strchr(email, '@');
	if (len > LIMIT_EMAIL_BYTES || !at || strchr(at + 1, '@') || !utf8_valid(email, len))
		return 0;
	size_t local = (size_t)(at - email), domain = len - local - 1;
	if (local == 0 || local > 64 || domain == 0 || !memchr(at + 1, '.', domain))
		return 0;
	return atoms_valid(email, local, 0) && atoms_valid(at + 1, domain, 1);
}

int user_operator_code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	return n >= 1 && n <= 32 && strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Changes the case of ASCII letters in place, writing only those that change. */
static void set_case(char *s, int up)
{
	for (; s && *s; s++) {
		int c = up ? toupper((unsigned char)*s) : tolower((unsigned char)*s);
		if (c != *s)
			*s = (char)c;
	}
}

static int blank(const char *s)
{
	return !s || !*s;
}

static int check_email(store_user *u, field_errors *e)
{
	site_trim(u->email);
	set_case(u->email, 0);
	const char *why = NULL;
	if (blank(u->email))
		why = N_("Indiquez l'adresse e-mail.");
	else if (strlen(u->email) > LIMIT_EMAIL_BYTES)
		why = N_("L'adresse e-mail ne doit pas dépasser 254 caractères.");
	else if (!user_email_valid(u->email))
		why = N_("L'adresse e-mail n'est pas valide, par exemple prenom.nom@mairie.fr.");
	if (why)
		field_error_add(e, "email", why);
	return why ? -1 : 0;
}

static int check_name(store_user *u, field_errors *e)
{
	site_trim(u->name);
	const char *why = NULL;
	if (blank(u->name))
		why = N_("Indiquez le nom de la personne.");
	else
		switch (site_text_check(u->name, LIMIT_NAME_BYTES, 0)) {
		case SITE_TEXT_TOO_LONG:
			why = N_("Le nom ne doit pas dépasser 200 caractères.");
			break;
		case SITE_TEXT_BAD:
			why = N_("Le nom contient des caractères non autorisés.");
			break;
		default:
			break;
		}
	if (why)
		field_error_add(e, "name", why);
	return why ? -1 : 0;
}

/* What the role needs; the fields another role would use are cleared, so
 * that a former coordinator keeps no département that could widen access. */
static int check_role(store_user *u, field_errors *e)
{
	if (!user_role_valid(u->role)) {
		field_error_add(e, "role", "Choisissez un rôle.");
		return -1;
	}
	int is_coordinator = strcmp(u->role, "coordinator") == 0;
	int is_operator = strcmp(u->role, "operator") == 0;
	int bad = 0;
	if ((strcmp(u->role, "agent") == 0 || strcmp(u->role, "manager") == 0) && u->nsites == 0) {
		field_error_add(e, "sites", "Choisissez au moins un lieu pour ce compte.");
		bad = 1;
	}
	if (is_coordinator) {
		site_trim(u->departement);
		set_case(u->departement, 1);
		if (blank(u->departement)) {
			field_error_add(e, "departement",
			                "Indiquez le département coordonné, par exemple 35 ou 2A.");
			bad = 1;
		} else if (!site_departement_valid(u->departement)) {
			field_error_add(
			    e, "departement",
			    "Le code du département n'est pas valide, par exemple 35, 2A ou 974.");
			bad = 1;
		}
	} else if (!blank(u->departement)) {
		u->departement = empty;
	}
	if (is_operator) {
		site_trim(u->operator_code);
		set_case(u->operator_code, 0);
		if (blank(u->operator_code)) {
			field_error_add(e, "operator_code",
			                "Indiquez le code de l'opérateur partenaire, par exemple cnaf.");
			bad = 1;
		} else if (!user_operator_code_valid(u->operator_code)) {
			field_error_add(
			    e, "operator_code",
			    "Le code de l'opérateur ne contient que des lettres minuscules sans accent, "
			    "des chiffres, « _ » et « - », 32 au plus.");
			bad = 1;
		}
	} else if (!blank(u->operator_code)) {
		u->operator_code = empty;
	}
	return bad ? -1 : 0;
}

int user_validate(store_user *u, field_errors *e)
{
	int bad = check_email(u, e) != 0;
	bad |= check_name(u, e) != 0;
	bad |= check_role(u, e) != 0;
	return bad ? -1 : 0;
}
