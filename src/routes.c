/*
 * routes.c: the one table that says which handler answers which path.
 * Guards (login, role, CSRF) are the first lines of each handler.
 */
#include "routes.h"

#include "page.h"
#include "page_static.h"

#define GET (HTTP_GET | HTTP_HEAD)
#define POST HTTP_POST

static const http_route table[] = {
        {GET, "/", page_home, 0},
        {GET, "/login", page_login_form, 0},
        {POST, "/login", page_login_post, 0},
        {POST, "/logout", page_logout, 0},
        {GET, "/account/password", page_password_form, 0},
        {POST, "/account/password", page_password_post, 0},
        {GET, "/sites", page_sites_list, 0},
        {POST, "/sites", page_site_create, 0},
        {GET, "/sites/new", page_site_new, 0},
        {GET, "/sites/{}", page_site_show, 0},
        {GET, "/sites/{}/edit", page_site_edit, 0},
        {POST, "/sites/{}/edit", page_site_update, 0},
        {GET, "/users", page_users_list, 0},
        {POST, "/users", page_user_create, 0},
        {GET, "/users/new", page_user_new, 0},
        {GET, "/users/{}", page_user_show, 0},
        {POST, "/users/{}", page_user_update, 0},
        {GET, "/audit", page_audit, 0},
        {GET, "/about", page_about, 0},
        {GET, "/lang/{}", page_lang, 0},
        {GET, "/healthz", page_healthz, 0},
        {GET, "/metrics", page_metrics, 0},
        {GET, "/static/{}", page_static, 0},
        {GET, "/api/v1/me", api_v1_me, 0},
        {GET, "/api/v1/sites", api_v1_sites, 0},
        {GET, "/api/v1/sites/{}", api_v1_site, 0},
};

const http_route *routes_table(size_t *n)
{
	*n = COUNT(table);
	return table;
}
