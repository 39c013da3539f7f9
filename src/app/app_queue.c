/*
 * app_queue.c: the queue's changes and their events (app_queue.h).
 */
#include <string.h>

#include "app/app_queue.h"
#include "app/events.h"
#include "util/json.h"
#include "util/util.h"

/* How many recent services the estimate reads. */
#define QUEUE_RECENT 20

void app_queue_publish(const store_ticket *t, int call)
{
	buf b;
	buf_init(&b, EVENTS_DATA_MAX - 1);
	json_writer w;
	json_begin(&w, &b);
	json_object_open(&w);
	json_key(&w, "ticket");
	json_int(&w, t->id);
	if (call) {
		char prefix[2] = {t->prefix, '\0'};
		json_key(&w, "label");
		json_str(&w, t->label);
		json_key(&w, "desk");
		json_str(&w, t->desk ? t->desk : "");
		json_key(&w, "lang");
		json_str(&w, t->lang ? t->lang : "fr");
		json_key(&w, "service");
		json_str(&w, prefix);
		json_key(&w, "recall");
		json_int(&w, t->recalls);
	} else {
		json_key(&w, "status");
		json_str(&w, queue_status_code(t->status));
	}
	json_object_close(&w);
	/* A desk name too long for an event is the only way to fail here:
	 * the change is stored all the same, and screens reload on the next. */
	if (!b.overflow && b.data)
		events_publish(t->site_id, call ? "call" : "queue", b.data);
	buf_free(&b);
}

int app_queue_issue(store *s, arena *a, store_ticket *t, int64_t now)
{
	t->order_key = queue_order_key(now, t->priority);
	int rc = store_ticket_issue(s, a, t, now);
	if (rc == STORE_OK)
		app_queue_publish(t, 0);
	return rc;
}

int app_queue_call_next(store *s, arena *a, int64_t site_id, int64_t service_id, const char *desk,
                        int64_t adviser_id, int64_t now, store_ticket *out)
{
	int rc = store_ticket_call_next(s, a, site_id, service_id, desk, adviser_id, now, out);
	if (rc == STORE_OK)
		app_queue_publish(out, 1);
	return rc;
}

int app_queue_move(store *s, arena *a, int64_t id, queue_status expected, queue_action action,
                   const char *desk, int64_t adviser_id, int64_t now, store_ticket *out)
{
	if (!queue_transition(expected, action, NULL))
		return STORE_CONFLICT;
	int rc = store_ticket_move(s, a, id, expected, action, desk, adviser_id, now, out);
	if (rc == STORE_OK)
		app_queue_publish(out, action == QUEUE_CALL || action == QUEUE_RECALL);
	return rc;
}

int app_queue_redirect(store *s, arena *a, int64_t id, int64_t to_service_id, int64_t now,
                       store_ticket *out_new)
{
	int rc = store_ticket_redirect(s, a, id, to_service_id, now, out_new);
	if (rc == STORE_OK) {
		store_ticket old;
		if (store_ticket_get(s, a, id, &old) == STORE_OK)
			app_queue_publish(&old, 0);
		app_queue_publish(out_new, 0);
	}
	return rc;
}

int app_queue_estimate(store *s, arena *a, const store_ticket *t, int64_t now, size_t *ahead, int64_t *wait_s)
{
	*ahead = 0;
	*wait_s = 0;
	int64_t *recent = NULL;
	size_t n = 0;
	unsigned desks = 1;
	int rc = store_ticket_ahead(s, t, ahead);
	if (rc == STORE_OK)
		rc = store_queue_recent_services(s, a, t->site_id, QUEUE_RECENT, &recent, &n);
	if (rc == STORE_OK)
		rc = store_queue_desks_open(s, t->site_id, now, &desks);
	if (rc == STORE_OK)
		*wait_s = queue_estimate_wait(*ahead, recent, n, desks);
	return rc;
}
