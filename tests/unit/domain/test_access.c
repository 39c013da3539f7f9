/*
 * test_access.c: the rule tables of docs/access.md, cell by cell. Every role
 * of the actor meets every role of the account, for every relation of
 * their sites (the account's sites all the actor's, partly, none in
 * common, no site at all, the actor's own account) and every action, and
 * every escalation (at their site, elsewhere in their département, in
 * another, for another operator); the expected answers below are the
 * tables of the document, written out.
 */
#include "unit.h"

#include <string.h>

#include "domain/access.h"

/* The roles, in the order of the expected strings: one letter per role of
 * the account (y: allowed, n: refused). */
static const char *const roles[] = {"agent", "manager", "coordinator", "operator", "admin"};
#define NROLES 5

enum relation { MINE, PART, OTHER, NOSITE, NRELATIONS };
static const char *const relation_names[] = {"mine", "part", "other", "no site"};

/* The actor works at sites 1 and 2; site 3 is someone else's. */
static int64_t actor_sites[] = {1, 2};
static int64_t target_sites[NRELATIONS][2] = {{1, 0}, {1, 3}, {3, 0}, {0, 0}};
static const size_t target_nsites[NRELATIONS] = {1, 2, 1, 0};

static store_user actor_as(const char *role)
{
	return (store_user){.id = 100,
	                    .email = "actor@example.org",
	                    .name = "Actor",
	                    .role = (char *)role,
	                    .active = 1,
	                    .site_ids = actor_sites,
	                    .nsites = 2};
}

static store_user target_as(const char *role, enum relation rel)
{
	return (store_user){.id = 200,
	                    .email = "target@example.org",
	                    .name = "Target",
	                    .role = (char *)role,
	                    .active = 1,
	                    .site_ids = target_sites[rel],
	                    .nsites = target_nsites[rel]};
}

/* What an action changes of an account. added holds the sites after a
 * change of sites and must outlive after. */
static store_user changed(const store_user *before, access_action action, int64_t *added, int64_t site)
{
	store_user after = *before;
	switch (action) {
	case ACCESS_SITES:
		memcpy(added, before->site_ids, before->nsites * sizeof *added);
		added[before->nsites] = site;
		after.site_ids = added;
		after.nsites = before->nsites + 1;
		break;
	case ACCESS_ACTIVE:
		after.active = !before->active;
		break;
	case ACCESS_EMAIL:
		after.email = "new.address@example.org";
		break;
	default:
		break;
	}
	return after;
}

static void check(int got, char want, const char *what, const char *actor, const char *rel,
                  const char *target)
{
	if (got != (want == 'y'))
		fail_msg("%s: a %s acting on a %s account (sites: %s) should be %s", what, actor, target, rel,
		         want == 'y' ? "allowed" : "refused");
}

/* The table of the actions that keep the role (visibility, sites, password,
 * state, e-mail): per actor role and relation, one letter per target role. */
struct row {
	const char *actor;
	enum relation rel;
	const char *visible, *sites, *password, *active, *email, *create;
};

static const struct row table[] = {
    /* actor        sites    visible  sites    password active   email    create */
    {"admin", MINE, "yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"},
    {"admin", PART, "yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"},
    {"admin", OTHER, "yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"},
    {"admin", NOSITE, "yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"},
    {"manager", MINE, "yynnn", "yynnn", "ynnnn", "ynnnn", "ynnnn", "yynnn"},
    {"manager", PART, "yynnn", "yynnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"},
    {"manager", OTHER, "nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"},
    {"manager", NOSITE, "nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"},
};

/* A change of role, before (rows) × after (columns), per actor and
 * relation; the roles that manage nobody are refused everything. */
struct role_row {
	const char *actor;
	enum relation rel;
	const char *after[NROLES]; /* indexed by the role before */
};

static const struct role_row role_table[] = {
    {"admin", MINE, {"yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"}},
    {"admin", PART, {"yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"}},
    {"admin", OTHER, {"yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"}},
    {"admin", NOSITE, {"yyyyy", "yyyyy", "yyyyy", "yyyyy", "yyyyy"}},
    /* An adviser of their own sites may become a manager; a peer manager
     * is nobody's to demote. */
    {"manager", MINE, {"yynnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"}},
    {"manager", PART, {"nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"}},
    {"manager", OTHER, {"nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"}},
    {"manager", NOSITE, {"nnnnn", "nnnnn", "nnnnn", "nnnnn", "nnnnn"}},
};

/* One's own account through the users page: visible, sites, password,
 * state, e-mail, role. */
static const struct {
	const char *actor;
	const char *answers;
} self_table[] = {
    {"agent", "nnnnnn"},    {"manager", "yynnyn"}, {"coordinator", "nnnnnn"},
    {"operator", "nnnnnn"}, {"admin", "yynnyn"},
};

static const char *expected_row(const char *actor, enum relation rel, int column)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].actor, actor) == 0 && table[i].rel == rel) {
			const char *cols[] = {table[i].visible, table[i].sites, table[i].password,
			                      table[i].active,  table[i].email, table[i].create};
			return cols[column];
		}
	return "nnnnn"; /* agents, coordinators and operators manage no account */
}

static void test_keeping_role(void **state)
{
	(void)state;
	static const access_action actions[] = {ACCESS_SITES, ACCESS_PASSWORD, ACCESS_ACTIVE, ACCESS_EMAIL};
	for (int a = 0; a < NROLES; a++) {
		store_user actor = actor_as(roles[a]);
		for (int rel = 0; rel < NRELATIONS; rel++)
			for (int t = 0; t < NROLES; t++) {
				store_user before = target_as(roles[t], (enum relation)rel);
				check(access_user_visible(&actor, &before), expected_row(roles[a], rel, 0)[t],
				      "visible", roles[a], relation_names[rel], roles[t]);
				for (size_t k = 0; k < sizeof actions / sizeof actions[0]; k++) {
					int64_t added[4];
					store_user after = changed(&before, actions[k], added, 2);
					check(access_may_manage_user(&actor, &before, &after, actions[k]),
					      expected_row(roles[a], rel, (int)k + 1)[t],
					      access_action_name(actions[k]), roles[a], relation_names[rel],
					      roles[t]);
				}
				check(access_may_manage_user(&actor, NULL, &before, ACCESS_CREATE),
				      expected_row(roles[a], rel, 5)[t], "create", roles[a],
				      relation_names[rel], roles[t]);
			}
	}
}

static void test_role_changes(void **state)
{
	(void)state;
	for (int a = 0; a < NROLES; a++) {
		store_user actor = actor_as(roles[a]);
		for (int rel = 0; rel < NRELATIONS; rel++) {
			const char *const *want = NULL;
			for (size_t i = 0; i < sizeof role_table / sizeof role_table[0]; i++)
				if (strcmp(role_table[i].actor, roles[a]) == 0 &&
				    role_table[i].rel == (enum relation)rel)
					want = role_table[i].after;
			for (int b = 0; b < NROLES; b++)
				for (int t = 0; t < NROLES; t++) {
					store_user before = target_as(roles[b], (enum relation)rel);
					store_user after = before;
					after.role = (char *)roles[t];
					char what[64];
					snprintf(what, sizeof what, "role %s → %s", roles[b], roles[t]);
					check(access_may_manage_user(&actor, &before, &after, ACCESS_ROLE),
					      want ? want[b][t] : 'n', what, roles[a], relation_names[rel],
					      roles[b]);
				}
		}
	}
}

static void test_self(void **state)
{
	(void)state;
	static const access_action actions[] = {ACCESS_SITES, ACCESS_PASSWORD, ACCESS_ACTIVE, ACCESS_EMAIL};
	for (size_t i = 0; i < sizeof self_table / sizeof self_table[0]; i++) {
		const char *role = self_table[i].actor, *want = self_table[i].answers;
		store_user me = actor_as(role);
		check(access_user_visible(&me, &me), want[0], "visible", role, "own", role);
		for (size_t k = 0; k < sizeof actions / sizeof actions[0]; k++) {
			int64_t kept[4];
			store_user after = me;
			if (actions[k] == ACCESS_SITES) {
				/* Leaving one of one's own sites. */
				kept[0] = 1;
				after.site_ids = kept;
				after.nsites = 1;
			} else {
				after = changed(&me, actions[k], kept, 0);
			}
			check(access_may_manage_user(&me, &me, &after, actions[k]), want[k + 1],
			      access_action_name(actions[k]), role, "own", role);
		}
		for (int t = 0; t < NROLES; t++) {
			store_user after = me;
			after.role = (char *)roles[t];
			check(access_may_manage_user(&me, &me, &after, ACCESS_ROLE), want[5], "role", role,
			      "own", roles[t]);
		}
	}
}

/* A manager adds or removes their own sites only; an admin any. */
static void test_sites_outside(void **state)
{
	(void)state;
	store_user manager = actor_as("manager"), admin = actor_as("admin");
	store_user agent = target_as("agent", MINE);
	int64_t added[4];
	store_user after = changed(&agent, ACCESS_SITES, added, 4);
	assert_false(access_may_manage_user(&manager, &agent, &after, ACCESS_SITES));
	assert_true(access_may_manage_user(&admin, &agent, &after, ACCESS_SITES));
	/* Removing site 3 from an account shared with another manager. */
	store_user shared = target_as("agent", PART);
	int64_t one[] = {1};
	after = shared;
	after.site_ids = one;
	after.nsites = 1;
	assert_false(access_may_manage_user(&manager, &shared, &after, ACCESS_SITES));
	/* Removing their own site 1 from it, leaving site 3. */
	int64_t three[] = {3};
	after.site_ids = three;
	assert_true(access_may_manage_user(&manager, &shared, &after, ACCESS_SITES));
	/* A change of sites that also makes an admin is refused. */
	after = changed(&agent, ACCESS_SITES, added, 2);
	after.role = "admin";
	assert_false(access_may_manage_user(&manager, &agent, &after, ACCESS_SITES));
}

/* An account disabled since its session began, an unknown role, and the
 * calls that make no sense are refused. */
static void test_refusals(void **state)
{
	(void)state;
	store_user admin = actor_as("admin"), agent = target_as("agent", MINE);
	admin.active = 0;
	assert_false(access_user_visible(&admin, &agent));
	assert_false(access_may_manage_user(&admin, &agent, &agent, ACCESS_PASSWORD));
	assert_false(access_may_manage_user(&admin, NULL, &agent, ACCESS_CREATE));
	store_user root = actor_as("root");
	assert_false(access_user_visible(&root, &agent));
	assert_false(access_may_manage_user(&root, &agent, &agent, ACCESS_PASSWORD));
	admin.active = 1;
	assert_false(access_may_manage_user(&admin, NULL, &agent, ACCESS_PASSWORD));
	assert_false(access_may_manage_user(&admin, &agent, &agent, ACCESS_CREATE));
	assert_false(access_may_manage_user(&admin, &agent, NULL, ACCESS_PASSWORD));
	assert_false(access_may_manage_user(NULL, &agent, &agent, ACCESS_PASSWORD));
	assert_false(access_may_manage_user(&admin, &agent, &agent, ACCESS_NACTIONS));
	assert_string_equal(access_action_name(ACCESS_NACTIONS), "");
	assert_string_equal(access_action_name(ACCESS_PASSWORD), "password");
}

static void test_changes(void **state)
{
	(void)state;
	store_user before = target_as("coordinator", NOSITE);
	before.departement = "35";
	store_user after = before;
	assert_int_equal(access_user_changes(&before, &after, 0), 0);
	assert_int_equal(access_user_changes(&before, &after, 1), 1u << ACCESS_PASSWORD);
	after.departement = "29";
	assert_int_equal(access_user_changes(&before, &after, 0), 1u << ACCESS_ROLE);
	after = before;
	after.role = "admin";
	assert_int_equal(access_user_changes(&before, &after, 0), 1u << ACCESS_ROLE);
	after = before;
	after.name = "Another";
	assert_int_equal(access_user_changes(&before, &after, 0), 1u << ACCESS_EMAIL);
	after = before;
	after.active = 0;
	after.email = "x@example.org";
	assert_int_equal(access_user_changes(&before, &after, 0),
	                 (1u << ACCESS_ACTIVE) | (1u << ACCESS_EMAIL));
	/* Sites compare as sets. */
	store_user a = target_as("agent", PART), b = a;
	int64_t reversed[] = {3, 1};
	b.site_ids = reversed;
	assert_int_equal(access_user_changes(&a, &b, 0), 0);
	b.nsites = 1;
	assert_int_equal(access_user_changes(&a, &b, 0), 1u << ACCESS_SITES);
}

static void test_record_at(void **state)
{
	(void)state;
	/* agent, manager, coordinator, operator, admin: at one of their sites,
	 * then at a site not theirs. */
	static const char at_own[] = "yynny", elsewhere[] = "nnnnn";
	for (int t = 0; t < NROLES; t++) {
		store_user u = target_as(roles[t], MINE);
		check(access_may_record_at(&u, 1), at_own[t], "record", "site", "own", roles[t]);
		check(access_may_record_at(&u, 2), elsewhere[t], "record", "site", "other", roles[t]);
		u.nsites = 0;
		check(access_may_record_at(&u, 1), 'n', "record", "site", "none", roles[t]);
	}
	assert_false(access_may_record_at(NULL, 1));
}

static void test_place_site(void **state)
{
	(void)state;
	/* Per actor role: the same département, another, a first one for a
	 * site without, none kept. */
	static const struct {
		const char *before, *after;
		const char *want; /* agent, manager, coordinator, operator, admin */
	} cases[] = {
	    {"35", "35", "nynny"}, {"35", "29", "nnnny"}, {"", "35", "nnnny"},
	    {NULL, "35", "nnnny"}, {"35", "", "nnnny"},   {"", "", "nynny"},
	};
	for (int a = 0; a < NROLES; a++) {
		store_user actor = actor_as(roles[a]);
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			char what[64];
			snprintf(what, sizeof what, "département %s → %s",
			         cases[i].before ? cases[i].before : "(null)", cases[i].after);
			check(access_may_place_site(&actor, cases[i].before, cases[i].after),
			      cases[i].want[a], what, roles[a], "site", "site");
		}
	}
	store_user admin = actor_as("admin");
	admin.active = 0;
	assert_false(access_may_place_site(&admin, "35", "35"));
	assert_false(access_may_place_site(NULL, "35", "35"));
}

/* Escalations (docs/access.md, "Escalations"). The actor works at sites 1
 * and 2 of département 35; a coordinator answers for 35, a referent for
 * the operator cnaf in 35. The escalations: at the actor's site 1, at
 * another site (3) of 35, at a site of 29, and at site 1 for another
 * operator. */
static const store_escalation escalations[] = {
    {.id = 1, .site_id = 1, .departement = "35", .operator_code = "cnaf", .status = "envoyee"},
    {.id = 2, .site_id = 3, .departement = "35", .operator_code = "cnaf", .status = "envoyee"},
    {.id = 3, .site_id = 3, .departement = "29", .operator_code = "cnaf", .status = "envoyee"},
    {.id = 4, .site_id = 1, .departement = "35", .operator_code = "dgfip", .status = "envoyee"},
};
#define NESCALATIONS 4
static const char *const escalation_cases[] = {"at their site", "at another site of their département",
                                               "in another département", "for another operator"};
static char *deps35[] = {"35"};

static store_user escalation_actor_as(const char *role)
{
	store_user u = actor_as(role);
	u.departement = "35";
	u.operator_code = "cnaf";
	return u;
}

/* One letter per escalation: n none, r reader, a adviser, b the back
 * office (referent). */
static char side_letter(escalation_side side)
{
	static const char letters[] = {[ESC_SIDE_NONE] = 'n',
	                               [ESC_SIDE_READER] = 'r',
	                               [ESC_SIDE_ADVISER] = 'a',
	                               [ESC_SIDE_REFERENT] = 'b'};
	return letters[side];
}

static void test_escalation_sides(void **state)
{
	(void)state;
	/* agent, manager, coordinator, operator, admin. */
	static const char *const want[NROLES] = {"anna", "anna", "rrnr", "bbnn", "arra"};
	for (int a = 0; a < NROLES; a++) {
		store_user u = escalation_actor_as(roles[a]);
		escalation_actor actor = {.user = &u, .departements = deps35, .ndepartements = 1};
		for (int i = 0; i < NESCALATIONS; i++) {
			char got = side_letter(escalation_side_of(&actor, &escalations[i]));
			if (got != want[a][i])
				fail_msg("a %s's side on an escalation %s: %c, not %c", roles[a],
				         escalation_cases[i], got, want[a][i]);
		}
		/* A disabled account sees none. */
		u.active = 0;
		for (int i = 0; i < NESCALATIONS; i++)
			assert_int_equal(escalation_side_of(&actor, &escalations[i]), ESC_SIDE_NONE);
	}
	/* A referent without départements, or without an operator, sees none;
	 * so does a coordinator without a département. */
	store_user op = escalation_actor_as("operator");
	escalation_actor none = {.user = &op};
	assert_int_equal(escalation_side_of(&none, &escalations[0]), ESC_SIDE_NONE);
	op.operator_code = NULL;
	escalation_actor no_code = {.user = &op, .departements = deps35, .ndepartements = 1};
	assert_int_equal(escalation_side_of(&no_code, &escalations[0]), ESC_SIDE_NONE);
	store_user coord = escalation_actor_as("coordinator");
	coord.departement = "";
	escalation_actor no_dep = {.user = &coord};
	assert_int_equal(escalation_side_of(&no_dep, &escalations[1]), ESC_SIDE_NONE);
	coord.departement = NULL;
	assert_int_equal(escalation_side_of(&no_dep, &escalations[1]), ESC_SIDE_NONE);
	escalation_actor nobody = {0};
	assert_int_equal(escalation_side_of(&nobody, &escalations[0]), ESC_SIDE_NONE);
	assert_int_equal(escalation_side_of(NULL, &escalations[0]), ESC_SIDE_NONE);
	assert_int_equal(escalation_side_of(&no_code, NULL), ESC_SIDE_NONE);

	/* Only the back office reads its internal notes. */
	assert_true(escalation_sees_internal(ESC_SIDE_REFERENT));
	assert_false(escalation_sees_internal(ESC_SIDE_ADVISER));
	assert_false(escalation_sees_internal(ESC_SIDE_READER));
	assert_false(escalation_sees_internal(ESC_SIDE_NONE));
}

static void test_escalation_roles(void **state)
{
	(void)state;
	/* Per role: escalate a demand at one of their sites, at another site;
	 * answer as a referent; name the referents. */
	static const char create_own[] = "yynny", create_other[] = "nnnnn", referent[] = "nnnyn",
	                  names[] = "nnnny";
	for (int a = 0; a < NROLES; a++) {
		store_user u = escalation_actor_as(roles[a]);
		check(escalation_may_create(&u, 1), create_own[a], "escalate", roles[a], "own", "demand's");
		check(escalation_may_create(&u, 3), create_other[a], "escalate", roles[a], "other",
		      "demand's");
		check(access_escalation_referent(&u), referent[a], "answer as a referent", roles[a], "any",
		      "escalation's");
		check(access_may_name_referents(&u), names[a], "name the referents", roles[a], "any",
		      "operator");
		u.active = 0;
		assert_false(escalation_may_create(&u, 1));
		assert_false(access_may_name_referents(&u));
	}
	assert_false(escalation_may_create(NULL, 1));
	assert_false(access_escalation_referent(NULL));
	assert_false(access_may_name_referents(NULL));
}

/* Whether the list of filter f holds e, as store_escalation_list reads f. */
static int listed(const store_escalation_filter *f, const store_escalation *e)
{
	if (f->all)
		return 1;
	if (f->operator_code) {
		if (strcmp(f->operator_code, e->operator_code) != 0)
			return 0;
		for (size_t i = 0; i < f->ndepartements; i++)
			if (strcmp(f->departements[i], e->departement) == 0)
				return 1;
		return 0;
	}
	if (f->departement)
		return strcmp(f->departement, e->departement) == 0;
	for (size_t i = 0; i < f->nsites; i++)
		if (f->site_ids[i] == e->site_id)
			return 1;
	return 0;
}

static void test_escalation_scope(void **state)
{
	(void)state;
	for (int a = 0; a < NROLES; a++) {
		store_user u = escalation_actor_as(roles[a]);
		escalation_actor actor = {.user = &u, .departements = deps35, .ndepartements = 1};
		store_escalation_filter f = {.open_only = 1};
		access_escalation_scope(&actor, &f);
		assert_int_equal(f.open_only, 1);
		/* The list holds exactly the escalations the account sees. */
		for (int i = 0; i < NESCALATIONS; i++)
			if (listed(&f, &escalations[i]) !=
			    (escalation_side_of(&actor, &escalations[i]) != ESC_SIDE_NONE))
				fail_msg("a %s's list and side disagree on an escalation %s", roles[a],
				         escalation_cases[i]);
	}
	/* A referent's list is its operator's, for its départements only. */
	store_user op = escalation_actor_as("operator");
	escalation_actor referent = {.user = &op, .departements = deps35, .ndepartements = 1};
	store_escalation_filter f = {0};
	access_escalation_scope(&referent, &f);
	assert_string_equal(f.operator_code, "cnaf");
	assert_int_equal(f.ndepartements, 1);
	assert_false(f.all);
	assert_int_equal(f.nsites, 0);
	/* An adviser's, their sites'. */
	store_user agent = escalation_actor_as("agent");
	escalation_actor adviser = {.user = &agent};
	store_escalation_filter g = {0};
	access_escalation_scope(&adviser, &g);
	assert_int_equal(g.nsites, 2);
	assert_null(g.operator_code);
	assert_null(g.departement);
	assert_false(g.all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keeping_role),
	    cmocka_unit_test(test_role_changes),
	    cmocka_unit_test(test_self),
	    cmocka_unit_test(test_sites_outside),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_changes),
	    cmocka_unit_test(test_record_at),
	    cmocka_unit_test(test_place_site),
	    cmocka_unit_test(test_escalation_sides),
	    cmocka_unit_test(test_escalation_roles),
	    cmocka_unit_test(test_escalation_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
