/*
 * app.h: the state shared by every request of one server.
 */
#ifndef GUICHET_APP_H
#define GUICHET_APP_H

#include <stdint.h>

#include "app/config.h"
#include "store/store.h"

struct metrics;
struct app_stats;
struct app_retention;
struct app_mail;

struct app {
	store *store;
	const config *cfg;
	unsigned char secret[32]; /* keys the CSRF tokens; kept in the store's settings */
	struct metrics *metrics;
	struct app_stats *stats; /* the statistics engine and its refresh thread (app_stats.c) */
	struct app_retention *retention; /* the daily purge of personal data (app_retention.c) */
	struct app_mail *mail;           /* the thread that sends notifications (app_mail.c) */
	/* Run by the mail thread before each pass, to queue the events found by
	 * time (escalations past their due date: app_escalation_overdue_sweep,
	 * set by serve); NULL for none. */
	int64_t (*mail_sweep)(struct app *app, int64_t now);
	/* The port the server is bound to, 0 until it is known: written once
	 * by serve after binding, read by requests, hence atomic. */
	_Atomic unsigned listen_port;
};

#endif
