/*
 * api.h: the handlers of the JSON API v1 (docs/api.md): who am I and my
 * sites (api_v1.c), visits, demands and the catalog (api_visits.c).
 */
#ifndef GUICHET_API_H
#define GUICHET_API_H

#include "http/http.h"

int api_v1_me(req *r);
int api_v1_sites(req *r);
int api_v1_site(req *r);
int api_visits_create(req *r);
int api_visits_list(req *r);
int api_visit_get(req *r);
int api_visit_update(req *r);
int api_visit_delete(req *r);
int api_catalog(req *r);

#endif
