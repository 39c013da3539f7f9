/*
 * test_user.c: the rules of an account: roles, e-mail syntax, and what each
 * role requires.
 */
#include "unit.h"

#include <string.h>

#include "util/guichet_limits.h"
#include "domain/user.h"

static void test_roles(void **state)
{
	(void)state;
	size_t n;
	const user_role_info *r = user_roles(&n);
	assert_int_equal(n, 5);
	assert_string_equal(r[0].code, "agent");
	assert_string_equal(r[4].code, "admin");
	for (size_t i = 0; i < n; i++) {
		assert_true(user_role_valid(r[i].code));
		assert_string_equal(user_role_label(r[i].code), r[i].label);
	}
	assert_false(user_role_valid("root"));
	assert_false(user_role_valid("Admin"));
	assert_false(user_role_valid(NULL));
	assert_string_equal(user_role_label("root"), "root");
	assert_string_equal(user_role_label("manager"), "Responsable de lieu");
}

static void test_emails(void **state)
{
	(void)state;
	const char *good[] = {"a@b.fr",
	                      "prenom.nom@mairie-rennes.fr",
	                      "x+tag@sub.example.org",
	                      "o'neil@example.fr",
	                      "élodie@exemple.fr",
	                      "a_b@c-d.e.fr"};
	const char *bad[] = {"",         "plain",    "@example.fr", "a@",      "a@b",     "a@@b.fr",
	                     "a@b@c.fr", "a b@c.fr", "a@b .fr",     ".a@b.fr", "a.@b.fr", "a..b@c.fr",
	                     "a@.b.fr",  "a@b..fr",  "a@b.fr.",     "a@-b.fr", "a@b-.fr", "\"a\"@b.fr",
	                     "a<b@c.fr", "a@b_c.fr", "a\n@b.fr",    NULL};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!user_email_valid(good[i]))
			fail_msg("'%s' should be valid", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (user_email_valid(bad[i]))
			fail_msg("'%s' should be invalid", bad[i]);
	char longest[LIMIT_EMAIL_BYTES + 2];
	memset(longest, 'a', sizeof longest);
	memcpy(longest, "a@", 2);
	for (size_t i = 10; i < LIMIT_EMAIL_BYTES; i += 10)
		longest[i] = '.';
	longest[LIMIT_EMAIL_BYTES] = '\0';
	assert_true(user_email_valid(longest));
	longest[LIMIT_EMAIL_BYTES] = 'a';
	longest[LIMIT_EMAIL_BYTES + 1] = '\0';
	assert_false(user_email_valid(longest));
	char local65[80];
	memset(local65, 'a', 65);
	strcpy(local65 + 65, "@b.fr");
	assert_false(user_email_valid(local65));
}

static void test_operator_codes(void **state)
{
	(void)state;
	assert_true(user_operator_code_valid("cnaf"));
	assert_true(user_operator_code_valid("agirc-arrco"));
	assert_true(user_operator_code_valid("france_travail2"));
	assert_false(user_operator_code_valid(""));
	assert_false(user_operator_code_valid("CNAF"));
	assert_false(user_operator_code_valid("caf 35"));
	assert_false(user_operator_code_valid("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(user_operator_code_valid(NULL));
}

struct draft {
	char email[300], name[300], role[32], dep[16], op[64];
	int64_t sites[2];
	store_user u;
};

static void draft_init(struct draft *d, const char *email, const char *name, const char *role, size_t nsites,
                       const char *dep, const char *op)
{
	memset(d, 0, sizeof *d);
	strcpy(d->email, email);
	strcpy(d->name, name);
	strcpy(d->role, role);
	strcpy(d->dep, dep);
	strcpy(d->op, op);
	d->sites[0] = 1;
	d->sites[1] = 2;
	d->u = (store_user){.email = d->email,
	                    .name = d->name,
	                    .role = d->role,
	                    .departement = d->dep,
	                    .operator_code = d->op,
	                    .active = 1,
	                    .site_ids = d->sites,
	                    .nsites = nsites};
}

static void test_validate_table(void **state)
{
	(void)state;
	static const struct {
		const char *email, *name, *role;
		size_t nsites;
		const char *dep, *op;
		const char *field; /* the one field in error, NULL when valid */
		const char *msgid;
	} cases[] = {
	    {"a@b.fr", "Ana", "agent", 1, "", "", NULL, NULL},
	    {"a@b.fr", "Ana", "manager", 2, "", "", NULL, NULL},
	    {"a@b.fr", "Ana", "coordinator", 0, "35", "", NULL, NULL},
	    {"a@b.fr", "Ana", "operator", 0, "", "cnaf", NULL, NULL},
	    {"a@b.fr", "Ana", "admin", 0, "", "", NULL, NULL},
	    {"", "Ana", "admin", 0, "", "", "email", "Indiquez l'adresse e-mail."},
	    {"ana", "Ana", "admin", 0, "", "", "email",
	     "L'adresse e-mail n'est pas valide, par exemple prenom.nom@mairie.fr."},
	    {"a@b.fr", " ", "admin", 0, "", "", "name", "Indiquez le nom de la personne."},
	    {"a@b.fr", "Ana\nBis", "admin", 0, "", "", "name",
	     "Le nom contient des caractères non autorisés."},
	    {"a@b.fr", "Ana", "root", 0, "", "", "role", "Choisissez un rôle."},
	    {"a@b.fr", "Ana", "", 0, "", "", "role", "Choisissez un rôle."},
	    {"a@b.fr", "Ana", "agent", 0, "", "", "sites", "Choisissez au moins un lieu pour ce compte."},
	    {"a@b.fr", "Ana", "manager", 0, "", "", "sites", NULL},
	    {"a@b.fr", "Ana", "coordinator", 0, "", "", "departement",
	     "Indiquez le département coordonné, par exemple 35 ou 2A."},
	    {"a@b.fr", "Ana", "coordinator", 0, "20", "", "departement", NULL},
	    {"a@b.fr", "Ana", "operator", 0, "", "", "operator_code",
	     "Indiquez le code de l'opérateur partenaire, par exemple cnaf."},
	    {"a@b.fr", "Ana", "operator", 0, "", "caf 35", "operator_code", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct draft d;
		draft_init(&d, cases[i].email, cases[i].name, cases[i].role, cases[i].nsites, cases[i].dep,
		           cases[i].op);
		field_errors e = {0};
		int rc = user_validate(&d.u, &e);
		unit_check_case(i, rc, &e, cases[i].field, cases[i].msgid);
	}
}

static void test_normalise(void **state)
{
	(void)state;
	struct draft d;
	field_errors e = {0};
	draft_init(&d, "  Ana.Lopez@Mairie.FR ", " Ana Lopez ", "coordinator", 0, " 2a ", "cnaf");
	assert_int_equal(user_validate(&d.u, &e), 0);
	assert_string_equal(d.u.email, "ana.lopez@mairie.fr");
	assert_string_equal(d.u.name, "Ana Lopez");
	assert_string_equal(d.u.departement, "2A");
	assert_string_equal(d.u.operator_code, ""); /* not an operator */
	assert_string_equal(d.op, "cnaf");          /* the caller's buffer is untouched */

	draft_init(&d, "a@b.fr", "Ana", "operator", 0, "35", " CNAF ");
	assert_int_equal(user_validate(&d.u, &e), 0);
	assert_string_equal(d.u.operator_code, "cnaf");
	assert_string_equal(d.u.departement, "");

	/* Literals as pages pass them: nothing is written. */
	store_user lit = {
	    .email = "a@b.fr", .name = "Ana", .role = "admin", .departement = "", .operator_code = ""};
	assert_int_equal(user_validate(&lit, &e), 0);
	store_user nulls = {.email = "a@b.fr", .name = "Ana", .role = "admin"};
	assert_int_equal(user_validate(&nulls, &e), 0);
	store_user empty = {0};
	e = (field_errors){0};
	assert_int_equal(user_validate(&empty, &e), -1);
	assert_int_equal(e.n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roles),          cmocka_unit_test(test_emails),
	    cmocka_unit_test(test_operator_codes), cmocka_unit_test(test_validate_table),
	    cmocka_unit_test(test_normalise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
