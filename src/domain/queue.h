/*
 * queue.h: the rules of a site's waiting queue (REFERENCE.md section 5),
 * pure functions with no store access and no clock of their own (the
 * records and the codes they speak of are store/store_queue.h's).
 *
 * A ticket goes emis -> appele -> en_cours -> termine, or ends absent
 * (no-show) or annule; a ticket redirected to another service ends
 * "redirige" and a new ticket, linked to it, waits in the other service
 * with its original arrival time. Priorities carry weights: the waiting
 * list is ordered by (arrival time - weight minutes), so a weight is a head
 * start in minutes, never an absolute jump over someone who waited long.
 */
#ifndef GUICHET_QUEUE_H
#define GUICHET_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_queue.h"

/* The types (queue_status, queue_priority, the QUEUE_NEED_* bits and
 * queue_action) are the store's, since tickets are stored with them: see
 * store/store_queue.h, which this header includes. */

/* Codes as stored and as the API speaks them ("emis", "rendez_vous",
 * "interprete"...); NULL or -1 for an unknown value. */
const char *queue_status_code(queue_status st);
int queue_status_parse(const char *code);
const char *queue_priority_code(queue_priority p);
int queue_priority_parse(const char *code);
int queue_priority_weight(queue_priority p); /* minutes */
const char *queue_need_code(unsigned bit);
int queue_needs_parse(const char *comma_separated, unsigned *mask);

/* The services a site gets when it has none (store_queue_seed): A general
 * help, B appointment holders, C digital workshop. Their labels are public
 * msgids (NP_), translated on the public pages. */
const store_queue_service *queue_default_services(size_t *n);

/* Whether action may move a ticket in status from; the status it ends in. */
int queue_transition(queue_status from, queue_action action, queue_status *to);

/* The sort key of a waiting ticket: smaller is served first. */
int64_t queue_order_key(int64_t arrived_at, queue_priority p);

/* The estimated wait in seconds for someone with `ahead` people before
 * them, from the durations (seconds) of the site's recent services and the
 * number of desks open; 0 when nobody is ahead. With no history, a default
 * of 10 minutes per person shared among the desks. */
int64_t queue_estimate_wait(size_t ahead, const int64_t *recent_service_secs, size_t n, unsigned desks_open);

/* A ticket's display number, "A012": the service prefix and the number of
 * the day on three digits. out has room for 8 bytes. */
void queue_ticket_label(char prefix, int number, char out[8]);

/* The key of a site's public address for purpose "kiosk", "screen" or
 * "door" (the phone page that takes a ticket from the QR code at the door),
 * derived from the server's secret like the satisfaction page's key, so
 * that a site's public pages cannot be found from its id. 32 hex + NUL. */
void queue_public_key(const unsigned char secret[32], int64_t site_id, const char *purpose, char out[33]);

#endif
