/*
 * page.h: what the pages share: preparing a request (language and session),
 * guards for login, roles and CSRF, reading form fields, and the handlers
 * the HTTP layer calls for unknown paths and refused requests.
 */
#ifndef GUICHET_PAGE_H
#define GUICHET_PAGE_H

#include <stddef.h>

#include "auth.h"
#include "http.h"

#define PAGE_COOKIE_LANG "guichet_lang"

/* Chooses the language and loads the session; safe to call twice. */
void page_prepare(req *r);
/* 1 when someone is logged in; otherwise answers with a redirection to the
 * login page and returns 0. */
int page_require_login(req *r);
/* 1 when the logged-in user has one of the roles (a bit set of 1 << role);
 * otherwise answers 403 and returns 0. */
int page_require_role(req *r, unsigned roles);
#define ROLE_BIT(x) (1u << (x))
/* 1 when the POST carries the right CSRF token; otherwise answers 403. */
int page_require_csrf(req *r);

/* A form field trimmed, never NULL ("" when absent). */
const char *page_field(req *r, const char *name);
/* Every value of a repeated field (checkboxes), in order. */
size_t page_field_all(req *r, const char *name, const char ***out);

/* Answers 404 with the page of a missing record; a record the user may not
 * see answers exactly the same. */
int page_not_found(req *r);
/* The HTTP layer's error handler: r->status and r->error_message are set. */
int page_error(req *r);

/* Handlers, one group per file. */
int page_home(req *r);
int page_about(req *r);
int page_lang(req *r);
int page_healthz(req *r);
int page_metrics(req *r);
int page_login_form(req *r);
int page_login_post(req *r);
int page_logout(req *r);
int page_password_form(req *r);
int page_password_post(req *r);
int page_sites_list(req *r);
int page_site_show(req *r);
int page_site_new(req *r);
int page_site_create(req *r);
int page_site_edit(req *r);
int page_site_update(req *r);
int page_users_list(req *r);
int page_user_show(req *r);
int page_user_new(req *r);
int page_user_create(req *r);
int page_user_update(req *r);
int page_audit(req *r);
int api_v1_me(req *r);
int api_v1_sites(req *r);
int api_v1_site(req *r);

#endif
