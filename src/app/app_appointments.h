/*
 * app_appointments.h: the appointments of a running server
 * (docs/appointments.md): bookings, status changes and cancellations of
 * slots followed by their notifications, and the thread that sends the
 * reminders 48 hours before.
 *
 * Notifications to accounts go through app_notify (the outbox, in their
 * language, with a link and no personal data). The reminder to the person
 * herself goes out at once through the SMTP server when she gave an
 * e-mail: her address is never written to the outbox. A text message
 * sender can be plugged in (app_appointments_set_sms): none is by default,
 * and then no text message is ever promised.
 */
#ifndef GUICHET_APP_APPOINTMENTS_H
#define GUICHET_APP_APPOINTMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_appointments.h"
#include "util/i18n.h"

struct app;

/* A text message sender: sends text (UTF-8, at most 480 bytes) to the
 * telephone number phone (its stored form, "0612345678"); 0 when the
 * operator of the service accepted it. Called from the reminders' thread,
 * one message at a time. */
typedef int (*app_sms_sender)(void *arg, const char *phone, const char *text);
/* Plugs a sender in (NULL: none, the default). Before app_appointments_start. */
void app_appointments_set_sms(app_sms_sender fn, void *arg);
/* 1 when a text message sender is plugged in. */
int app_appointments_sms_on(void);
/* 1 when a reminder can reach the person: an e-mail with mail configured,
 * or a telephone with a text message sender. */
int app_appointments_can_remind(const struct app *app, const store_appt *x);

/* Books (store_appt_book) and tells the slot's referent (or the account
 * that published it). A STORE_* result. */
int app_appointment_book(struct app *app, store_appt *x, int64_t now);
/* Moves an appointment (store_appt_move); a cancellation tells the slot's
 * referent, or the adviser who booked when the referent cancelled. */
int app_appointment_move(struct app *app, const store_appt *x, const char *to, int64_t user_id, int64_t now);
/* Cancels a slot (store_appt_slot_cancel) and tells each adviser who had
 * booked in it. */
int app_appointment_slot_cancel(struct app *app, int64_t slot_id, int64_t user_id, int64_t now);

/* One pass of the reminders: every appointment due within 48 hours whose
 * reminder has not gone out is claimed (once, whatever the number of
 * servers), its referent told, and the person too when she can be. *n
 * counts the appointments reminded. */
int app_appointments_remind(struct app *app, int64_t now, int64_t *n);
/* The reminders' thread of `guichet serve`: a pass at start, then every
 * few minutes and after each booking. 0, or -1 when it cannot start. */
int app_appointments_start(struct app *app);
void app_appointments_stop(struct app *app);

/* The reminder e-mail to the person, in her language l: the whole message
 * (CRLF line ends) in out; -1 when an address is not valid. */
int app_appointment_reminder_mail(const lang *l, const char *from, const char *to, const store_appt *x,
                                  int64_t now, buf *out);

#endif
