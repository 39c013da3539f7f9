/*
 * access.c: the rule tables of docs/access.md: who may change whom, and
 * who sees an escalation from which side. Each function below is one
 * column of those tables; a change to a rule is a change to the document,
 * to this file and to tests/unit/domain/test_access.c together.
 */
#include <string.h>

#include "domain/access.h"
#include "util/util.h"

static const char *const action_names[ACCESS_NACTIONS] = {
    [ACCESS_CREATE] = "create",     [ACCESS_ROLE] = "role",     [ACCESS_SITES] = "sites",
    [ACCESS_PASSWORD] = "password", [ACCESS_ACTIVE] = "active", [ACCESS_EMAIL] = "email",
};

const char *access_action_name(access_action action)
{
	return (unsigned)action < ACCESS_NACTIONS ? action_names[action] : "";
}

static int role_is(const store_user *u, const char *code)
{
	return u && u->role && strcmp(u->role, code) == 0;
}

static int has_site(const store_user *u, int64_t site_id)
{
	for (size_t i = 0; u && i < u->nsites; i++)
		if (u->site_ids[i] == site_id)
			return 1;
	return 0;
}

/* The roles a manager answers for: the advisers and managers of a site. */
static int site_role(const store_user *u)
{
	return role_is(u, "agent") || role_is(u, "manager");
}

/* The account shares at least one site with the actor. */
static int shares_site(const store_user *actor, const store_user *u)
{
	for (size_t i = 0; i < u->nsites; i++)
		if (has_site(actor, u->site_ids[i]))
			return 1;
	return 0;
}

/* Every site of the account is one of the actor's: nobody else answers for
 * it, so acting on the account reaches nothing the actor does not manage. */
static int wholly_within(const store_user *actor, const store_user *u)
{
	if (u->nsites == 0)
		return 0;
	for (size_t i = 0; i < u->nsites; i++)
		if (!has_site(actor, u->site_ids[i]))
			return 0;
	return 1;
}

/* A site-level account the manager alone answers for. */
static int managed(const store_user *actor, const store_user *u)
{
	return site_role(u) && wholly_within(actor, u);
}

/* The sites added or removed are all the actor's. */
static int sites_change_within(const store_user *actor, const store_user *before, const store_user *after)
{
	for (size_t i = 0; i < after->nsites; i++)
		if (!has_site(before, after->site_ids[i]) && !has_site(actor, after->site_ids[i]))
			return 0;
	for (size_t i = 0; i < before->nsites; i++)
		if (!has_site(after, before->site_ids[i]) && !has_site(actor, before->site_ids[i]))
			return 0;
	return 1;
}

static int same_account(const store_user *a, const store_user *b)
{
	return a && b && a->id != 0 && a->id == b->id;
}

int access_user_visible(const store_user *actor, const store_user *target)
{
	if (!actor || !target || !actor->active)
		return 0;
	if (role_is(actor, "admin"))
		return 1;
	if (role_is(actor, "manager"))
		return same_account(actor, target) || (site_role(target) && shares_site(actor, target));
	return 0;
}

/* An administrator may do anything to any account but three things to their
 * own: change its role, disable it, or set its password without the old
 * one (the account page asks for it), so that a stolen session or a slip
 * cannot lock the last administrator out. */
static int admin_may(const store_user *actor, const store_user *before, access_action action)
{
	if (!same_account(actor, before))
		return 1;
	return action == ACCESS_SITES || action == ACCESS_EMAIL;
}

/* A manager acts on the advisers and managers of their own sites only. On a
 * peer manager, or an account that also serves a site someone else
 * manages, they may only add or remove their own sites: anything more
 * would let them act under another's name or reach a site they do not
 * answer for. */
static int manager_may(const store_user *actor, const store_user *before, const store_user *after,
                       access_action action)
{
	int self = same_account(actor, before);
	switch (action) {
	case ACCESS_CREATE:
		return managed(actor, after);
	case ACCESS_SITES:
		return site_role(before) && site_role(after) && (self || shares_site(actor, before)) &&
		       sites_change_within(actor, before, after);
	case ACCESS_EMAIL:
		/* Another's login is as sensitive as their password. */
		if (self)
			return managed(actor, after);
		return role_is(before, "agent") && managed(actor, before) && managed(actor, after);
	case ACCESS_ROLE:
	case ACCESS_PASSWORD:
	case ACCESS_ACTIVE:
		return !self && role_is(before, "agent") && managed(actor, before) && managed(actor, after);
	default:
		return 0;
	}
}

int access_may_manage_user(const store_user *actor, const store_user *before, const store_user *after,
                           access_action action)
{
	if (!actor || !actor->active || !after || (action == ACCESS_CREATE) != (before == NULL) ||
	    (unsigned)action >= ACCESS_NACTIONS)
		return 0;
	if (before && !access_user_visible(actor, before))
		return 0;
	if (role_is(actor, "admin"))
		return admin_may(actor, before, action);
	if (role_is(actor, "manager"))
		return manager_may(actor, before, after, action);
	return 0;
}

static int str_same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static int same_sites(const store_user *a, const store_user *b)
{
	for (size_t i = 0; i < a->nsites; i++)
		if (!has_site(b, a->site_ids[i]))
			return 0;
	for (size_t i = 0; i < b->nsites; i++)
		if (!has_site(a, b->site_ids[i]))
			return 0;
	return 1;
}

unsigned access_user_changes(const store_user *before, const store_user *after, int password_set)
{
	unsigned changes = 0;
	if (!str_same(before->role, after->role) || !str_same(before->departement, after->departement) ||
	    !str_same(before->operator_code, after->operator_code))
		changes |= 1u << ACCESS_ROLE;
	if (!same_sites(before, after))
		changes |= 1u << ACCESS_SITES;
	if (password_set)
		changes |= 1u << ACCESS_PASSWORD;
	if (!before->active != !after->active)
		changes |= 1u << ACCESS_ACTIVE;
	if (!str_same(before->email, after->email) || !str_same(before->name, after->name))
		changes |= 1u << ACCESS_EMAIL;
	return changes;
}

int access_may_record_at(const store_user *u, int64_t site_id)
{
	return u && (role_is(u, "agent") || role_is(u, "manager") || role_is(u, "admin")) &&
	       has_site(u, site_id);
}

int access_may_sync(const store_user *u)
{
	return u && u->active && (role_is(u, "agent") || role_is(u, "manager"));
}

int access_holds_site(const store_user *u, int64_t site_id)
{
	return has_site(u, site_id);
}

int access_may_serve_queue(const store_user *u, int64_t site_id)
{
	return access_may_record_at(u, site_id);
}

int access_may_configure_queue(const store_user *u, int64_t site_id)
{
	return u && u->active && (role_is(u, "admin") || (role_is(u, "manager") && has_site(u, site_id)));
}

int access_may_place_site(const store_user *actor, const char *dep_before, const char *dep_after)
{
	if (!actor || !actor->active)
		return 0;
	if (role_is(actor, "admin"))
		return 1;
	/* A site without a département is placed by an administrator too:
	 * choosing one decides which coordinator sees it. */
	return role_is(actor, "manager") && str_same(dep_before, dep_after);
}

int access_notices(const store_user *actor, const store_site *site)
{
	if (!actor || !actor->active || !site)
		return ACCESS_NOTICES_NONE;
	if (role_is(actor, "admin"))
		return ACCESS_NOTICES_PUBLISH;
	/* A coordinator answers for the sites of a département: a notice of a
	 * closure there is theirs to publish too. */
	if (role_is(actor, "coordinator"))
		return actor->departement && *actor->departement && site->departement &&
		               strcmp(actor->departement, site->departement) == 0
		           ? ACCESS_NOTICES_PUBLISH
		           : ACCESS_NOTICES_NONE;
	if (role_is(actor, "manager") && has_site(actor, site->id))
		return ACCESS_NOTICES_PUBLISH;
	if (role_is(actor, "agent") && has_site(actor, site->id))
		return ACCESS_NOTICES_READ;
	return ACCESS_NOTICES_NONE;
}

escalation_side escalation_side_of(const escalation_actor *a, const store_escalation *e)
{
	const store_user *u = a ? a->user : NULL;
	if (!u || !u->active || !e)
		return ESC_SIDE_NONE;
	/* A referent sees its operator's escalations of its départements, and
	 * only from the back office's side, whatever its sites. */
	if (access_escalation_referent(u)) {
		if (!u->operator_code || !str_eq(u->operator_code, e->operator_code))
			return ESC_SIDE_NONE;
		for (size_t i = 0; i < a->ndepartements; i++)
			if (str_eq(a->departements[i], e->departement))
				return ESC_SIDE_REFERENT;
		return ESC_SIDE_NONE;
	}
	if (access_may_record_at(u, e->site_id))
		return ESC_SIDE_ADVISER;
	if (role_is(u, "admin"))
		return ESC_SIDE_READER;
	if (role_is(u, "coordinator") && u->departement && *u->departement &&
	    str_eq(u->departement, e->departement))
		return ESC_SIDE_READER;
	return ESC_SIDE_NONE;
}

int escalation_may_create(const store_user *u, int64_t site_id)
{
	return u && u->active && access_may_record_at(u, site_id);
}

int escalation_sees_internal(escalation_side side)
{
	return side == ESC_SIDE_REFERENT;
}

int access_escalation_referent(const store_user *u)
{
	return role_is(u, "operator");
}

void access_escalation_scope(const escalation_actor *a, store_escalation_filter *f)
{
	const store_user *u = a->user;
	if (access_escalation_referent(u)) {
		f->operator_code = u->operator_code;
		f->departements = a->departements;
		f->ndepartements = a->ndepartements;
	} else if (role_is(u, "coordinator")) {
		f->departement = u->departement;
	} else if (role_is(u, "admin")) {
		f->all = 1;
	} else {
		f->site_ids = u->site_ids;
		f->nsites = u->nsites;
	}
}

int access_may_name_referents(const store_user *u)
{
	return u && u->active && role_is(u, "admin");
}
