/*
 * page_kiosk.h: what the two files of the public queue pages share:
 * page_kiosk.c (the kiosk at the entrance and the same steps on a phone
 * from the QR code at the door) and page_ticket.c (a ticket's own page on
 * the person's phone, /t/KEY). Private to those two files.
 *
 * These pages are public: no login, no session, no cookie. Everything a
 * step needs travels in its address or its form, so that the next person
 * at a kiosk never inherits the previous one's language or choices.
 */
#ifndef GUICHET_PAGE_KIOSK_H
#define GUICHET_PAGE_KIOSK_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "store/store_queue.h"
#include "util/i18n.h"

/* The largest form token: "TIME.NONCE.MAC" (16 and 32 hex digits). */
#define KIOSK_TOKEN_BYTES 80

/* The frame of a public page (web_public_begin): the stylesheets
 * (kiosk.css, and the receipt printer's ticket-print.css when print is
 * set), the script kiosk.js, and the <h1> title (translated text).
 * body_class selects the layout ("kiosk", "phone"). */
void kiosk_page_begin(req *r, const char *title, const char *body_class, int print);
void kiosk_page_end(req *r);

/* The language named by code if the public pages offer it (and allowed,
 * a "fr,en,…" list, holds it; "" or NULL allows every language); NULL
 * otherwise. */
const lang *kiosk_lang_find(const char *code, const char *allowed);

/* A form token for an unauthenticated public form: the time, a random
 * nonce and a MAC of them, of scope ("kiosk", "door", "ticket") and of id
 * (a site or a ticket) under the server's secret. kiosk_token_ok accepts a token of the same scope and id
 * made in the last LIMIT_KIOSK_FORM_S seconds. */
void kiosk_token(req *r, const char *scope, int64_t id, int64_t now, char out[KIOSK_TOKEN_BYTES]);
int kiosk_token_ok(req *r, const char *scope, int64_t id, const char *token, int64_t now);

/* A translated sentence holding one "%s" (or "%d" via ui_txt_count), with
 * value in its place, as an arena string; the translation is never used as
 * a printf format. */
const char *kiosk_fill(req *r, const char *translated, const char *value);

/* The label of a service in the page's language (a seeded label has a
 * translation; a label the site wrote stays as written). */
const char *kiosk_service_label(req *r, const char *label);

/* Where a waiting ticket stands: people ahead and the estimated wait in
 * seconds. 0, or -1 when the store failed. */
int kiosk_ticket_wait(req *r, const store_ticket *t, size_t *ahead, int64_t *wait_s);
/* The lines "people before you" and "estimated wait" as <p>s. */
void kiosk_wait_lines(req *r, size_t ahead, int64_t wait_s);

/* A button that reads a phrase (msgid, French) aloud in the page's
 * language: the site's recording or the server's voice when there is one
 * (web/phrase_audio.h), else the browser's speech; hidden without a
 * script, which it needs. */
void kiosk_say_button(req *r, int64_t site_id, const char *msgid);

/* The start of public addresses (public-url, or a loopback listen address);
 * NULL when the server cannot know it. */
const char *kiosk_public_base(req *r);

/* An <img> of an OpenMoji pictogram (decorative: the text beside it says
 * the same); nothing for a code the build did not embed. */
void kiosk_picto(req *r, const char *code);

#endif
