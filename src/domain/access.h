/*
 * access.h: who may change whom. The one rule table of docs/access.md:
 * the role of the actor, the role of the account before and after the
 * change, and the action decide whether a change of an account is allowed;
 * the same module says which accounts may be credited with a visit of a
 * site, who may move a site to another département, and who sees an
 * escalation to an operator's back office and from which side.
 *
 * Pure functions over records: no SQL, no HTTP, no session. Roles are the
 * codes of store_user.role (agent, manager, coordinator, operator, admin);
 * an unknown code has no right at all. The pages and the command line ask
 * here and nowhere else.
 */
#ifndef GUICHET_ACCESS_H
#define GUICHET_ACCESS_H

#include <stdint.h>

#include "store/store.h"
#include "store/store_escalations.h"

/* What a change of an account does; one change (a form sent once) may do
 * several, and each must be allowed. */
typedef enum access_action {
	ACCESS_CREATE,   /* the account is created as "after" is */
	ACCESS_ROLE,     /* its role, or the département or operator of its role */
	ACCESS_SITES,    /* sites added or removed */
	ACCESS_PASSWORD, /* a password set without knowing the old one */
	ACCESS_ACTIVE,   /* disabled or enabled */
	ACCESS_EMAIL,    /* its e-mail address (the login) or its name */
	ACCESS_NACTIONS
} access_action;

/* The code of an action as docs/access.md names it ("create", "role"…). */
const char *access_action_name(access_action action);

/* Whether actor may see the account target at all (list it, open it). An
 * account it may not see must answer exactly like a missing one. */
int access_user_visible(const store_user *actor, const store_user *target);

/*
 * Whether actor may do action to the account, which is "before" now (NULL
 * for ACCESS_CREATE) and "after" once changed. Both states count: a change
 * is allowed only when the actor may act on the account as it is and as it
 * will be. 1 when allowed, 0 otherwise.
 */
int access_may_manage_user(const store_user *actor, const store_user *before, const store_user *after,
                           access_action action);

/* The actions one change makes, found by comparing the account before and
 * after it (password_set: a new password was given): a bit (1u << action)
 * per action. */
unsigned access_user_changes(const store_user *before, const store_user *after, int password_set);

/* Whether visits at site_id may be credited to the account u: a role that
 * records visits (agent, manager, admin) and the site among its own. */
int access_may_record_at(const store_user *u, int64_t site_id);

/* The waiting queue of a site (docs/queue.md): who may serve it (call,
 * start, finish, issue a ticket at the desk, pause), the accounts that
 * record visits there; who may change its settings (services, hours, the
 * kiosk's addresses, the recordings of public phrases), its managers and
 * the administrators. Who serves or configures it may open its public
 * screen without the key. Reading it is
 * auth_site_visible's. */
/* Whether the account may synchronise a laptop with this centre
 * (docs/sync.md): an active adviser or manager; what it pushes and pulls
 * is limited to the sites it holds (access_holds_site). */
int access_may_sync(const store_user *u);
int access_holds_site(const store_user *u, int64_t site_id);
int access_may_serve_queue(const store_user *u, int64_t site_id);
int access_may_configure_queue(const store_user *u, int64_t site_id);

/* Whether actor may give a site whose département is dep_before the
 * département dep_after (NULL or "" for none): an admin always; a manager
 * only when the département stays the same, so that a site without one is
 * placed by an admin. */
int access_may_place_site(const store_user *actor, const char *dep_before, const char *dep_after);

/* The notices of a site (docs/notices.md): ACCESS_NOTICES_NONE when the
 * actor may not even see them (answer as for a missing site), READ for an
 * adviser of the site, PUBLISH (write, change, delete) for a manager of the
 * site, a coordinator of its département and an administrator. */
enum { ACCESS_NOTICES_NONE = 0, ACCESS_NOTICES_READ = 1, ACCESS_NOTICES_PUBLISH = 2 };
int access_notices(const store_user *actor, const store_site *site);

/*
 * Escalations to an operator's back office (docs/escalations.md, the
 * "Escalations" table of docs/access.md): from which side an account sees
 * one, which ones it lists, who escalates a demand, who reads the back
 * office's internal notes and who names the referents. Which move a side
 * may make from which status is escalation.h's rule table.
 */

/* From which side an account sees an escalation. */
typedef enum escalation_side {
	ESC_SIDE_NONE = 0, /* not at all: answer as for a missing one */
	ESC_SIDE_READER,   /* reads what the advisers read, moves nothing (coordinator, admin) */
	ESC_SIDE_ADVISER,  /* an adviser or manager of its site */
	ESC_SIDE_REFERENT, /* a referent of its operator for its département */
} escalation_side;

/* Who acts: the account, and the départements it answers for when it is
 * an operator's referent. */
typedef struct escalation_actor {
	const store_user *user;
	char *const *departements;
	size_t ndepartements;
} escalation_actor;

/* The side of the actor on e: REFERENT for a referent of e's operator
 * answering for e's département; ADVISER for an account that records
 * visits at e's site (adviser, manager, an admin with the site); READER
 * for another admin and for a coordinator of e's département; NONE for
 * anyone else and for a disabled account. */
escalation_side escalation_side_of(const escalation_actor *a, const store_escalation *e);
/* Whether the actor may escalate a demand of site_id (an adviser of the
 * site). */
int escalation_may_create(const store_user *u, int64_t site_id);
/* Whether the side sees the back office's internal notes. */
int escalation_sees_internal(escalation_side side);
/* Whether the account answers escalations as an operator's referent (the
 * role operator): its queue is its operator's, for its départements. */
int access_escalation_referent(const store_user *u);
/* Sets the scope of the escalations the actor lists in f (open_only is the
 * caller's): a referent's operator and départements, a coordinator's
 * département, every one for an admin, the sites of anyone else. The list
 * and escalation_side_of agree; the side has the last word. */
void access_escalation_scope(const escalation_actor *a, store_escalation_filter *f);
/* Whether the account names the départements the referents answer for
 * (/escalations/referents): an administrator. */
int access_may_name_referents(const store_user *u);

#endif
