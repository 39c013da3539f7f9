/*
 * user.h: the rules of an account: roles and their labels, the syntax of an
 * e-mail address, and the validation of a record before it is stored. No
 * SQL and no HTTP here.
 *
 * Form and API field names are the store_user member names (email, name,
 * role, departement, operator_code) and "sites" for the list of sites.
 */
#ifndef GUICHET_USER_H
#define GUICHET_USER_H

#include <stddef.h>

#include "store/store.h"
#include "util/util.h"

typedef struct user_role_info {
	const char *code;  /* agent, manager, coordinator, operator, admin */
	const char *label; /* French msgid */
} user_role_info;

/* Roles from the least to the most powerful. */
const user_role_info *user_roles(size_t *n);
int user_role_valid(const char *code);
/* The label of a role; the code itself when it is unknown. */
const char *user_role_label(const char *code);

/* An address with one @, a local part, a domain with a dot, no spaces or
 * control characters, at most LIMIT_EMAIL_BYTES. Expects lower case. */
int user_email_valid(const char *email);
/* An operator code: 1 to 32 of a-z, 0-9, '_' and '-' ("cnaf"). */
int user_operator_code_valid(const char *code);

/*
 * Checks an account before it is stored; 0 when valid, else -1 with one
 * message per faulty field in e. Agents and managers need at least one site,
 * a coordinator a département, an operator an operator code. It normalises
 * the record: e-mail, name and codes trimmed, the e-mail and operator code
 * lower-cased, the département upper-cased, and the département or operator
 * code of a role that has none cleared. Strings are only written when they
 * change, so unchanged literals ("") are safe to pass.
 */
int user_validate(store_user *u, field_errors *e);

#endif
