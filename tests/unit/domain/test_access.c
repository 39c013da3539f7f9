/*
 * test_access.c: the rule table of docs/access.md, cell by cell. Every role
 * of the actor meets every role of the account, for every relation of
 * their sites (the account's sites all the actor's, partly, none in
 * common, no site at all, the actor's own account) and every action; the
 * expected answers below are the table of the document, written out.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keeping_role), cmocka_unit_test(test_role_changes),
	    cmocka_unit_test(test_self),         cmocka_unit_test(test_sites_outside),
	    cmocka_unit_test(test_refusals),     cmocka_unit_test(test_changes),
	    cmocka_unit_test(test_record_at),    cmocka_unit_test(test_place_site),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
