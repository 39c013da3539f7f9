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
/* The waiting queue (api_queue.c): issue a ticket, read the queue, call
 * the next person, read or move a ticket (/api/v1/tickets/{id}[/{action}]). */
int api_queue_ticket_create(req *r);
int api_queue_get(req *r);
int api_queue_next(req *r);
int api_queue_ticket_action(req *r);
int api_queue_ticket_get(req *r);
/* Escalations to the operators' back offices (api_escalations.c): escalate
 * a demand, list those the token's account sees, read one, move one
 * (/api/v1/escalations/{id}/{action}: answer, close, take, note,
 * request-info, complete, wrong-interlocutor, redirect, send). */
int api_escalation_create(req *r);
int api_escalations_list(req *r);
int api_escalation_get(req *r);
int api_escalation_action(req *r);
/* A site's callbacks (api_callbacks.c): the open ones with the measure
 * "done within a day" of the month, and a new one. */
int api_callbacks_list(req *r);
int api_callback_create(req *r);
/* Offline sync, the centre's side (api_sync.c, docs/sync.md): the attach
 * bundle, the geography, push and pull. */
int api_sync_attach(req *r);
int api_sync_geo(req *r);
int api_sync_push(req *r);
int api_sync_pull(req *r);

#endif
