/*
 * app_queue.h: the changes of a site's waiting queue as the advisers'
 * page, the API and the kiosk make them: the store's write
 * (store/store_queue.h, atomic), then the event that the public screen, the
 * phones and the advisers' pages wait for (events.h): "call" for a call or
 * a recall, "queue" for any other change. Events carry ids, labels, desks
 * and codes, never a name.
 */
#ifndef GUICHET_APP_QUEUE_H
#define GUICHET_APP_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/queue.h"
#include "store/store_queue.h"

/* Issues t (store_ticket_issue) with its serving order from its priority,
 * then publishes it. */
int app_queue_issue(store *s, arena *a, store_ticket *t, int64_t now);
/* store_ticket_call_next, then a "call" event. */
int app_queue_call_next(store *s, arena *a, int64_t site_id, int64_t service_id, const char *desk,
                        int64_t adviser_id, int64_t now, store_ticket *out);
/* store_ticket_move from the status the caller saw, then the event. */
int app_queue_move(store *s, arena *a, int64_t id, queue_status expected, queue_action action,
                   const char *desk, int64_t adviser_id, int64_t now, store_ticket *out);
/* store_ticket_redirect, then an event for each ticket. */
int app_queue_redirect(store *s, arena *a, int64_t id, int64_t to_service_id, int64_t now,
                       store_ticket *out_new);
/* The event of t: "call" when call is set, with the data of events.h's
 * events_publish_call and the service's prefix,
 * {"ticket":ID,"label":"A012","desk":"Guichet 2","lang":"ar","service":"A","recall":N};
 * "queue" otherwise, {"ticket":ID,"status":"termine"}. */
void app_queue_publish(const store_ticket *t, int call);

/* The people ahead of t in its service and its estimated wait in seconds
 * (domain/queue.h's queue_estimate_wait over the site's last 20 services
 * and the desks open now). */
int app_queue_estimate(store *s, arena *a, const store_ticket *t, int64_t now, size_t *ahead,
                       int64_t *wait_s);

#endif
