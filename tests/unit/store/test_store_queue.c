/*
 * test_store_queue.c: the waiting queue in the store (store_queue.c), on a
 * real database (SQLite, or PostgreSQL under scripts/check-pg): services
 * and their seed, settings and hours, tickets numbered per service and day,
 * the serving order, every move allowed or refused as domain/queue.c's
 * table says, the redirection that keeps the arrival, desks calling "next"
 * at once from several threads, pauses, the estimate's inputs and the
 * purge of names.
 */
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/queue.h"
#include "store/store.h"
#include "store/store_queue.h"

#define NOW 1767258000 /* 2026-01-01 09:00 UTC */

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t site1, site2, agent, svc_a, svc_b, svc_other;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-queue-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(8 << 20);
	store_site site = {.name = "France Services Redon", .type = "france_services"};
	store_site site_b = {.name = "Mairie de Vitré", .type = "mairie"};
	store_user u = {.email = "agent@example.org", .name = "Anne Agent", .role = "agent", .active = 1};
	if (store_site_insert(f->s, &site, &f->site1) != STORE_OK ||
	    store_site_insert(f->s, &site_b, &f->site2) != STORE_OK ||
	    store_user_insert(f->s, &u, &f->agent) != STORE_OK)
		return -1;
	size_t n;
	const store_queue_service *d = queue_default_services(&n);
	int added = 0;
	if (store_queue_seed(f->s, f->site1, d, n, &added) != STORE_OK || added != 3 ||
	    store_queue_seed(f->s, f->site2, d, n, &added) != STORE_OK)
		return -1;
	store_queue_service *v;
	size_t nv;
	if (store_queue_services(f->s, f->a, f->site1, 1, &v, &nv) != STORE_OK || nv != 3)
		return -1;
	f->svc_a = v[0].id;
	f->svc_b = v[1].id;
	if (store_queue_services(f->s, f->a, f->site2, 1, &v, &nv) != STORE_OK || nv != 3)
		return -1;
	f->svc_other = v[0].id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_store_close(f->s, f->a, f->dir);
	free(f);
	return 0;
}

static store_ticket issue(struct fixture *f, int64_t service, queue_priority p, int64_t at)
{
	store_ticket t = {.site_id = f->site1,
	                  .service_id = service,
	                  .lang = "ar",
	                  .needs = QUEUE_NEED_INTERPRETER,
	                  .priority = p,
	                  .channel = "guichet_spontane",
	                  .name = "Nadia",
	                  .order_key = queue_order_key(at, p)};
	assert_int_equal(store_ticket_issue(f->s, f->a, &t, at), STORE_OK);
	return t;
}

static void test_services(void **state)
{
	struct fixture *f = *state;
	store_queue_service *v;
	size_t n;
	assert_int_equal(store_queue_services(f->s, f->a, f->site1, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].prefix, 'A');
	assert_string_equal(v[0].label, "Aide générale");
	assert_int_equal(v[2].prefix, 'C');

	/* A second seed adds nothing; a missing site is not found. */
	size_t nd;
	const store_queue_service *d = queue_default_services(&nd);
	int added = 9;
	assert_int_equal(store_queue_seed(f->s, f->site1, d, nd, &added), STORE_OK);
	assert_int_equal(added, 0);
	assert_int_equal(store_queue_seed(f->s, 424242, d, nd, &added), STORE_NOT_FOUND);

	/* Update, deactivate; a duplicate prefix is a conflict. */
	store_queue_service c = v[2];
	c.label = "Atelier";
	c.active = 0;
	assert_int_equal(store_queue_service_put(f->s, &c), STORE_OK);
	assert_int_equal(store_queue_services(f->s, f->a, f->site1, 1, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	store_queue_service dup = {
	    .site_id = f->site1, .prefix = 'A', .label = "Autre", .picto = "", .active = 1};
	assert_int_equal(store_queue_service_put(f->s, &dup), STORE_CONFLICT);
	store_queue_service nw = {
	    .site_id = f->site1, .prefix = 'D', .label = "Impôts", .picto = "", .position = 4, .active = 1};
	assert_int_equal(store_queue_service_put(f->s, &nw), STORE_OK);
	assert_true(nw.id > 0);
	store_queue_service got;
	assert_int_equal(store_queue_service_get(f->s, f->a, nw.id, &got), STORE_OK);
	assert_string_equal(got.label, "Impôts");
	assert_int_equal(store_queue_service_get(f->s, f->a, 424242, &got), STORE_NOT_FOUND);
	/* Another site's service cannot be changed through this one. */
	assert_int_equal(store_queue_service_get(f->s, f->a, nw.id, &got), STORE_OK);
	got.site_id = f->site2;
	assert_int_equal(store_queue_service_put(f->s, &got), STORE_NOT_FOUND);
}

static void test_settings(void **state)
{
	struct fixture *f = *state;
	store_queue_settings qs;
	assert_int_equal(store_queue_settings_get(f->s, f->a, f->site1, &qs), STORE_OK);
	assert_int_equal(qs.show_names, 0);
	assert_int_equal(qs.hours_set, 0);
	assert_int_equal(qs.kiosk_needs, QUEUE_NEED_ALL);
	assert_string_equal(qs.kiosk_languages, "");
	qs.show_names = 1;
	qs.hours_set = 1;
	for (int d = 1; d <= 5; d++) {
		qs.opens[d] = 540;
		qs.closes[d] = 1020;
	}
	qs.kiosk_languages = "fr,ar,uk";
	qs.kiosk_needs = QUEUE_NEED_INTERPRETER;
	assert_int_equal(store_queue_settings_put(f->s, &qs), STORE_OK);
	store_queue_settings back;
	assert_int_equal(store_queue_settings_get(f->s, f->a, f->site1, &back), STORE_OK);
	assert_int_equal(back.show_names, 1);
	assert_int_equal(back.hours_set, 1);
	assert_int_equal(back.opens[1], 540);
	assert_int_equal(back.closes[5], 1020);
	assert_int_equal(back.opens[6], 0);
	assert_int_equal(back.closes[7], 0);
	assert_string_equal(back.kiosk_languages, "fr,ar,uk");
	assert_int_equal(back.kiosk_needs, QUEUE_NEED_INTERPRETER);
	/* Hours out of range leave everything as it was. */
	back.opens[2] = 2000;
	back.show_names = 0;
	assert_int_not_equal(store_queue_settings_put(f->s, &back), STORE_OK);
	assert_int_equal(store_queue_settings_get(f->s, f->a, f->site1, &qs), STORE_OK);
	assert_int_equal(qs.show_names, 1);
	assert_int_equal(qs.opens[2], 540);
	assert_int_equal(store_queue_settings_get(f->s, f->a, 424242, &qs), STORE_NOT_FOUND);
}

static void test_issue_and_order(void **state)
{
	struct fixture *f = *state;
	store_ticket t1 = issue(f, f->svc_a, QUEUE_PRIO_NONE, NOW);
	store_ticket t2 = issue(f, f->svc_a, QUEUE_PRIO_NONE, NOW + 60);
	store_ticket t3 = issue(f, f->svc_a, QUEUE_PRIO_APPOINTMENT, NOW + 120);
	store_ticket b1 = issue(f, f->svc_b, QUEUE_PRIO_NONE, NOW + 180);
	assert_int_equal(t1.number, 1);
	assert_int_equal(t2.number, 2);
	assert_int_equal(t3.number, 3);
	assert_int_equal(b1.number, 1);
	assert_string_equal(t2.label, "A002");
	assert_string_equal(b1.label, "B001");
	assert_int_equal(t1.status, QUEUE_EMIS);
	assert_int_equal(t1.arrived_at, NOW);
	assert_string_equal(t1.lang, "ar");
	assert_int_equal(t1.needs, QUEUE_NEED_INTERPRETER);
	assert_true(strlen(t1.key) >= 22);
	assert_string_not_equal(t1.key, t2.key);
	for (const char *p = t1.key; *p; p++)
		assert_non_null(
		    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));

	store_ticket k;
	assert_int_equal(store_ticket_by_key(f->s, f->a, t2.key, &k), STORE_OK);
	assert_int_equal(k.id, t2.id);
	assert_int_equal(store_ticket_by_key(f->s, f->a, "nope", &k), STORE_NOT_FOUND);

	/* The appointment holder arrived last but is first. */
	store_ticket *w;
	size_t n;
	assert_int_equal(store_queue_waiting(f->s, f->a, f->site1, 0, &w, &n), STORE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(w[0].id, t3.id);
	assert_int_equal(w[1].id, t1.id);
	assert_int_equal(w[2].id, t2.id);
	assert_int_equal(w[3].id, b1.id);
	assert_int_equal(store_queue_waiting(f->s, f->a, f->site1, f->svc_b, &w, &n), STORE_OK);
	assert_int_equal(n, 1);
	size_t ahead = 9;
	assert_int_equal(store_ticket_ahead(f->s, &t2, &ahead), STORE_OK);
	assert_int_equal(ahead, 2);
	assert_int_equal(store_ticket_ahead(f->s, &b1, &ahead), STORE_OK);
	assert_int_equal(ahead, 0);

	/* A service of another site, an inactive one, a missing one. */
	store_ticket bad = {.site_id = f->site1, .service_id = f->svc_other, .lang = "fr"};
	assert_int_equal(store_ticket_issue(f->s, f->a, &bad, NOW), STORE_NOT_FOUND);
	bad.service_id = 424242;
	assert_int_equal(store_ticket_issue(f->s, f->a, &bad, NOW), STORE_NOT_FOUND);

	/* Call next takes the order; by service too. */
	store_ticket c;
	assert_int_equal(
	    store_ticket_call_next(f->s, f->a, f->site1, 0, "Guichet 2", f->agent, NOW + 300, &c), STORE_OK);
	assert_int_equal(c.id, t3.id);
	assert_int_equal(c.status, QUEUE_APPELE);
	assert_string_equal(c.desk, "Guichet 2");
	assert_int_equal(c.adviser_id, f->agent);
	assert_int_equal(c.called_at, NOW + 300);
	assert_int_equal(
	    store_ticket_call_next(f->s, f->a, f->site1, f->svc_b, "Guichet 1", f->agent, NOW + 301, &c),
	    STORE_OK);
	assert_int_equal(c.id, b1.id);
	assert_int_equal(
	    store_ticket_call_next(f->s, f->a, f->site1, f->svc_b, "Guichet 1", f->agent, NOW + 302, &c),
	    STORE_NOT_FOUND);
	assert_int_equal(
	    store_ticket_call_next(f->s, f->a, f->site2, 0, "Guichet 1", f->agent, NOW + 302, &c),
	    STORE_NOT_FOUND);
	assert_int_equal(store_queue_active(f->s, f->a, f->site1, &w, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].id, b1.id); /* newest call first */
}

/* Every move through the store, from every status: allowed exactly when
 * domain/queue.c's queue_transition allows it, and a refused one changes
 * nothing. */
static void test_moves_match_rules(void **state)
{
	struct fixture *f = *state;
	static const queue_action actions[] = {QUEUE_CALL,   QUEUE_RECALL,  QUEUE_START,
	                                       QUEUE_FINISH, QUEUE_ABSENT_, QUEUE_CANCEL};
	/* How to bring a new ticket to each status. */
	static const queue_action path[][3] = {
	    [QUEUE_EMIS] = {0},
	    [QUEUE_APPELE] = {QUEUE_CALL},
	    [QUEUE_EN_COURS] = {QUEUE_CALL, QUEUE_START},
	    [QUEUE_TERMINE] = {QUEUE_CALL, QUEUE_START, QUEUE_FINISH},
	    [QUEUE_ABSENT] = {QUEUE_CALL, QUEUE_ABSENT_},
	    [QUEUE_ANNULE] = {QUEUE_CANCEL},
	};
	static const size_t path_len[] = {0, 1, 2, 3, 2, 1};
	int64_t at = NOW;
	for (int from = QUEUE_EMIS; from <= QUEUE_ANNULE; from++)
		for (size_t i = 0; i < COUNT(actions); i++) {
			store_ticket t = issue(f, f->svc_a, QUEUE_PRIO_NONE, at++), m;
			queue_status st = QUEUE_EMIS;
			for (size_t k = 0; k < path_len[from]; k++) {
				assert_int_equal(store_ticket_move(f->s, f->a, t.id, st, path[from][k], "G1",
				                                   f->agent, at, &m),
				                 STORE_OK);
				st = m.status;
			}
			assert_int_equal(st, from);
			queue_status want;
			int ok = queue_transition(st, actions[i], &want);
			int rc = store_ticket_move(f->s, f->a, t.id, st, actions[i], "G3", f->agent, at, &m);
			if (ok) {
				assert_int_equal(rc, STORE_OK);
				assert_int_equal(m.status, want);
			} else {
				assert_int_equal(rc, STORE_CONFLICT);
				store_ticket same;
				assert_int_equal(store_ticket_get(f->s, f->a, t.id, &same), STORE_OK);
				assert_int_equal(same.status, st);
			}
		}
	/* A ticket that moved since the caller saw it: conflict. */
	store_ticket t = issue(f, f->svc_a, QUEUE_PRIO_NONE, at), m;
	assert_int_equal(store_ticket_move(f->s, f->a, t.id, QUEUE_EMIS, QUEUE_CALL, "G1", f->agent, at, &m),
	                 STORE_OK);
	assert_int_equal(store_ticket_move(f->s, f->a, t.id, QUEUE_EMIS, QUEUE_CALL, "G2", f->agent, at, &m),
	                 STORE_CONFLICT);
	assert_int_equal(
	    store_ticket_move(f->s, f->a, 424242, QUEUE_EMIS, QUEUE_CALL, "G2", f->agent, at, &m),
	    STORE_NOT_FOUND);
	/* A recall counts and keeps the first call's time. */
	assert_int_equal(
	    store_ticket_move(f->s, f->a, t.id, QUEUE_APPELE, QUEUE_RECALL, "", f->agent, at + 50, &m),
	    STORE_OK);
	assert_int_equal(m.recalls, 1);
	assert_int_equal(m.called_at, at);
	assert_string_equal(m.desk, "G1");
	assert_int_equal(
	    store_ticket_move(f->s, f->a, t.id, QUEUE_APPELE, QUEUE_START, "", f->agent, at + 60, &m),
	    STORE_OK);
	assert_int_equal(
	    store_ticket_move(f->s, f->a, t.id, QUEUE_EN_COURS, QUEUE_FINISH, "", f->agent, at + 960, &m),
	    STORE_OK);
	assert_int_equal(m.started_at, at + 60);
	assert_int_equal(m.ended_at, at + 960);
	assert_int_equal(store_ticket_set_visit(f->s, t.id, 77), STORE_OK);
	assert_int_equal(store_ticket_get(f->s, f->a, t.id, &m), STORE_OK);
	assert_int_equal(m.visit_id, 77);
	assert_int_equal(store_ticket_set_satisfaction_done(f->s, t.id), STORE_OK);
	assert_int_equal(store_ticket_set_satisfaction_done(f->s, t.id), STORE_NOT_FOUND); /* once */

	int64_t *recent;
	size_t n;
	assert_int_equal(store_queue_recent_services(f->s, f->a, f->site1, 20, &recent, &n), STORE_OK);
	assert_true(n >= 1);
	assert_int_equal(recent[0], 900);
}

static void test_redirect(void **state)
{
	struct fixture *f = *state;
	store_ticket first = issue(f, f->svc_a, QUEUE_PRIO_MOBILITY, NOW);
	store_ticket later = issue(f, f->svc_b, QUEUE_PRIO_NONE, NOW + 60);
	store_ticket nt, old;
	assert_int_equal(store_ticket_redirect(f->s, f->a, first.id, f->svc_b, NOW + 600, &nt), STORE_OK);
	assert_int_equal(nt.service_id, f->svc_b);
	assert_int_equal(nt.prefix, 'B');
	assert_int_equal(nt.number, 2);
	assert_int_equal(nt.redirected_from, first.id);
	assert_int_equal(nt.arrived_at, NOW);
	assert_int_equal(nt.order_key, first.order_key);
	assert_int_equal(nt.priority, QUEUE_PRIO_MOBILITY);
	assert_string_equal(nt.lang, "ar");
	assert_int_equal(nt.status, QUEUE_EMIS);
	assert_string_not_equal(nt.key, first.key);
	assert_int_equal(store_ticket_get(f->s, f->a, first.id, &old), STORE_OK);
	assert_int_equal(old.status, QUEUE_REDIRIGE);
	/* It keeps its place: before the one who came after it. */
	store_ticket *w;
	size_t n;
	assert_int_equal(store_queue_waiting(f->s, f->a, f->site1, f->svc_b, &w, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].id, nt.id);
	assert_int_equal(w[1].id, later.id);
	/* Not twice, not to its own service, not to another site's. */
	assert_int_equal(store_ticket_redirect(f->s, f->a, first.id, f->svc_a, NOW + 700, &old),
	                 STORE_CONFLICT);
	assert_int_equal(store_ticket_redirect(f->s, f->a, nt.id, f->svc_b, NOW + 700, &old), STORE_CONFLICT);
	assert_int_equal(store_ticket_redirect(f->s, f->a, nt.id, f->svc_other, NOW + 700, &old),
	                 STORE_NOT_FOUND);
	assert_int_equal(store_ticket_get(f->s, f->a, nt.id, &old), STORE_OK);
	assert_int_equal(old.status, QUEUE_EMIS); /* unchanged */
	assert_int_equal(store_ticket_redirect(f->s, f->a, 424242, f->svc_b, NOW, &old), STORE_NOT_FOUND);

	/* Two people of the same second: the one redirected keeps her place. */
	store_ticket x = issue(f, f->svc_a, QUEUE_PRIO_NONE, NOW + 5000);
	store_ticket y = issue(f, f->svc_b, QUEUE_PRIO_NONE, NOW + 5000);
	assert_int_equal(store_ticket_redirect(f->s, f->a, x.id, f->svc_b, NOW + 5001, &nt), STORE_OK);
	assert_int_equal(nt.origin_id, x.id);
	assert_int_equal(store_queue_waiting(f->s, f->a, f->site1, f->svc_b, &w, &n), STORE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(w[2].id, nt.id);
	assert_int_equal(w[3].id, y.id);
	size_t ahead = 0;
	assert_int_equal(store_ticket_ahead(f->s, &y, &ahead), STORE_OK);
	assert_int_equal(ahead, 3);
	/* Sent back: still the same place. */
	store_ticket back;
	assert_int_equal(store_ticket_redirect(f->s, f->a, nt.id, f->svc_a, NOW + 5002, &back), STORE_OK);
	assert_int_equal(back.origin_id, x.id);
	assert_int_equal(back.arrived_at, NOW + 5000);
}

struct caller {
	struct fixture *f;
	int64_t got;
	int rc;
	char desk[32];
};

static void *call_thread(void *arg)
{
	struct caller *c = arg;
	arena *a = arena_new(1 << 20);
	store_ticket t;
	c->rc = store_ticket_call_next(c->f->s, a, c->f->site1, 0, c->desk, c->f->agent, NOW + 1000, &t);
	c->got = c->rc == STORE_OK ? t.id : 0;
	arena_free(a);
	return NULL;
}

/* Eight desks calling at once, with 8 and with 5 waiting: every ticket
 * goes to one desk, and the desks left over hear that nobody waits. */
static void test_concurrent_call(void **state)
{
	struct fixture *f = *state;
	for (int round = 0; round < 2; round++) {
		int waiting = round == 0 ? 8 : 5;
		for (int i = 0; i < waiting; i++)
			issue(f, f->svc_a, QUEUE_PRIO_NONE, NOW + i);
		struct caller c[8];
		pthread_t th[8];
		for (int i = 0; i < 8; i++) {
			c[i] = (struct caller){.f = f};
			snprintf(c[i].desk, sizeof c[i].desk, "Guichet %d", i + 1);
			assert_int_equal(pthread_create(&th[i], NULL, call_thread, &c[i]), 0);
		}
		for (int i = 0; i < 8; i++)
			pthread_join(th[i], NULL);
		int served = 0, empty = 0;
		for (int i = 0; i < 8; i++) {
			if (c[i].rc == STORE_OK)
				served++;
			else if (c[i].rc == STORE_NOT_FOUND)
				empty++;
			else
				fail_msg("desk %d: %d", i, c[i].rc);
			for (int j = 0; j < i; j++)
				if (c[i].got)
					assert_true(c[i].got != c[j].got);
		}
		assert_int_equal(served, waiting);
		assert_int_equal(empty, 8 - waiting);
	}
}

static void test_pauses_and_desks(void **state)
{
	struct fixture *f = *state;
	unsigned desks = 0;
	assert_int_equal(store_queue_desks_open(f->s, f->site1, NOW, &desks), STORE_OK);
	assert_int_equal(desks, 1); /* at least one */
	store_desk_pause p = {.site_id = f->site1,
	                      .adviser_id = f->agent,
	                      .desk = "G1",
	                      .reason = "formation",
	                      .started_at = NOW};
	assert_int_equal(store_desk_pause_start(f->s, &p), STORE_OK);
	store_desk_pause *open;
	size_t n;
	assert_int_equal(store_desk_pauses_open(f->s, f->a, f->site1, &open, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(open[0].reason, "formation");
	/* A second pause ends the first. */
	p.reason = "pause";
	p.started_at = NOW + 60;
	assert_int_equal(store_desk_pause_start(f->s, &p), STORE_OK);
	assert_int_equal(store_desk_pauses_open(f->s, f->a, f->site1, &open, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(open[0].reason, "pause");
	store_desk_pause bad = {
	    .site_id = f->site1, .adviser_id = f->agent, .desk = "G1", .reason = "sieste"};
	assert_int_not_equal(store_desk_pause_start(f->s, &bad), STORE_OK);
	assert_int_equal(store_desk_pauses_open(f->s, f->a, f->site1, &open, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_desk_pause_end(f->s, f->site1, f->agent, NOW + 120), STORE_OK);
	assert_int_equal(store_desk_pause_end(f->s, f->site1, f->agent, NOW + 130), STORE_NOT_FOUND);
	assert_int_equal(store_desk_pauses_open(f->s, f->a, f->site1, &open, &n), STORE_OK);
	assert_int_equal(n, 0);
}

static void test_purge(void **state)
{
	struct fixture *f = *state;
	store_ticket old = issue(f, f->svc_a, QUEUE_PRIO_NONE, NOW - 86400 * 10);
	store_ticket today = issue(f, f->svc_a, QUEUE_PRIO_NONE, NOW);
	int64_t n = 0;
	assert_int_equal(store_tickets_purge(f->s, NOW - 86400, 1, &n), STORE_OK);
	assert_int_equal(n, 1);
	store_ticket t;
	assert_int_equal(store_ticket_get(f->s, f->a, old.id, &t), STORE_OK);
	assert_string_equal(t.name, "Nadia"); /* a dry run writes nothing */
	assert_int_equal(store_tickets_purge_text(f->s, NOW - 86400, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_ticket_get(f->s, f->a, old.id, &t), STORE_OK);
	assert_string_equal(t.name, "");
	assert_int_equal(t.number, old.number); /* the facts stay */
	assert_int_equal(store_ticket_get(f->s, f->a, today.id, &t), STORE_OK);
	assert_string_equal(t.name, "Nadia");
	assert_int_equal(store_tickets_purge_text(f->s, NOW - 86400, &n), STORE_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_services, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_issue_and_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_moves_match_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_redirect, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_concurrent_call, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_pauses_and_desks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
