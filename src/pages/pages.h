/*
 * pages.h: the handlers of the pages, one group per file of this folder;
 * the route table (routes.c) maps each path to one of them. What they share
 * is in web/page.h and web/ui.h.
 */
#ifndef GUICHET_PAGES_H
#define GUICHET_PAGES_H

#include "http/http.h"

/* ---- The home page, about, language, health and metrics (page_home.c). */
int page_home(req *r);
int page_about(req *r);
int page_lang(req *r);
int page_healthz(req *r);
/* /readyz: the store answers and the statistics are loaded and current. */
int page_readyz(req *r);
int page_metrics(req *r);
/* /metrics on the metrics-listen address, which only the operator reaches. */
int page_metrics_listener(req *r);

/* ---- Login, logout and one's own password (page_login.c). */
int page_login_form(req *r);
int page_login_post(req *r);
int page_logout(req *r);
int page_password_form(req *r);
int page_password_post(req *r);
/* One's own API tokens (page_tokens.c). */
int page_tokens(req *r);
int page_token_create(req *r);
int page_token_revoke(req *r);
/* The second factor: enrolment, disabling, the code's step of a login, and
 * the roles that must have one (page_totp.c). */
int page_totp(req *r);
int page_totp_confirm(req *r);
int page_totp_disable(req *r);
int page_login_code_form(req *r);
int page_login_code_post(req *r);
int page_security(req *r);
int page_security_post(req *r);

/* ---- Sites, their settings, users, the audit journal (page_sites.c,
 * page_users.c, page_audit.c). */
int page_sites_list(req *r);
int page_site_show(req *r);
int page_site_new(req *r);
int page_site_create(req *r);
int page_site_edit(req *r);
int page_site_update(req *r);
int page_users_list(req *r);
int page_user_show(req *r);
int page_user_new(req *r);
int page_user_create(req *r);
int page_user_update(req *r);
int page_audit(req *r);
int page_site_settings(req *r);
int page_site_settings_post(req *r);

/* ---- Recording: visits, the day journal and search, workshops (page_visits.c,
 * page_journal.c, page_workshops.c). */
int page_visit_new(req *r);
int page_visit_create(req *r);
int page_visit_show(req *r);
int page_visit_edit(req *r);
int page_visit_update(req *r);
int page_visit_delete_form(req *r);
int page_visit_delete(req *r);
int page_journal(req *r);
int page_visits_search(req *r);
int page_workshops_list(req *r);
int page_workshop_new(req *r);
int page_workshop_create(req *r);
int page_workshop_show(req *r);
int page_workshop_edit(req *r);
int page_workshop_update(req *r);
int page_workshop_delete_form(req *r);
int page_workshop_delete(req *r);

/* ---- The catalog: operators, procedures, themes, digital-skills topics
 * (page_catalog.c). */
int page_operators_list(req *r);
int page_operator_new(req *r);
int page_operator_create(req *r);
int page_operator_edit(req *r);
int page_operator_update(req *r);
int page_procedures_list(req *r);
int page_procedure_new(req *r);
int page_procedure_create(req *r);
int page_procedure_edit(req *r);
int page_procedure_update(req *r);
int page_themes_list(req *r);
int page_theme_edit(req *r);
int page_theme_update(req *r);
int page_topics_list(req *r);
int page_topic_new(req *r);
int page_topic_create(req *r);
int page_topic_edit(req *r);
int page_topic_update(req *r);

/* ---- CSV import and export (page_import.c). */
int page_import_form(req *r);
int page_import_post(req *r);
int page_export_form(req *r);
int page_export_csv(req *r);

/* ---- Steering reports (page_reports.c): the choice of a report, then a report
 * for a site, several sites, a département, a region or the nation
 * (admin), as a page, ?format=xlsx or ?format=csv&table=SECTION. */
int page_reports_index(req *r);
int page_report_site(req *r);
int page_report_sites(req *r);
int page_report_departement(req *r);
int page_report_region(req *r);
int page_report_national(req *r);
/* The committee's summary of a site's or a département's report (two A4 pages). */
int page_report_site_summary(req *r);
int page_report_departement_summary(req *r);

/* ---- Open data (page_opendata.c): public, counts below 5 masked. */
int page_opendata(req *r);
int page_opendata_activity(req *r);
int page_opendata_lieux_csv(req *r);
int page_opendata_lieux_json(req *r);
int page_opendata_france_services(req *r);

/* ---- Satisfaction: the advisers' page, paper answers and the printable poster
 * of a site's QR code (page_satisfaction.c), and the public page of a site
 * (page_avis.c: the three questions with pictograms, plain text and
 * audio). */
int page_satisfaction(req *r);
int page_satisfaction_new(req *r);
int page_satisfaction_poster(req *r);
int page_satisfaction_create(req *r);
int page_satisfaction_delete_form(req *r);
int page_satisfaction_delete(req *r);
/* The change of a site's public key (page_satisfaction_public.c). */
int page_satisfaction_key_form(req *r);
int page_satisfaction_key_rotate(req *r);
int page_avis_form(req *r);
int page_avis_post(req *r);
int page_avis_audio(req *r);
/* The poster's short code: /a asks for it (?code= leads on), /a/CODE leads
 * to the site's page (page_avis.c). */
int page_avis_code_form(req *r);
int page_avis_code(req *r);

/* ---- The rights of an identified person (page_privacy.c): her data as a
 * page in her language or as JSON, and the erasure of her identity. */
int page_privacy_export(req *r);
int page_privacy_export_json(req *r);
int page_privacy_erase_form(req *r);
int page_privacy_erase(req *r);
/* The links to those, on the page of a visit of an identified person. */
void page_privacy_links(req *r, const store_visit *v);

/* ---- Queue: the advisers' waiting list and actions (page_queue.c). */
/* /sites/ID/queue: the list and every action (one POST with op=…);
 * /sites/ID/queue/settings: services, hours, names, the kiosk. */
int page_queue(req *r);
int page_queue_post(req *r);
int page_queue_settings(req *r);
int page_queue_settings_post(req *r);
/* The recording form opened from a finished ticket (/visits/new?ticket=ID):
 * fills v from the ticket (site, channel, start and duration, language and
 * needs); -1 when the user may not serve its site. Once the visit is
 * saved, page_queue_visit_saved links the ticket to it. */
int page_queue_visit_prefill(req *r, int64_t ticket_id, store_visit *v);
void page_queue_visit_saved(req *r, int64_t ticket_id, const store_visit *v);

/* ---- Kiosk, ticket and the person's phone page (page_kiosk.c, page_ticket.c). */
/* The kiosk at the entrance (/sites/ID/kiosk?key=KEY; its manager opens it
 * without a key to read the addresses) and the same steps on a phone from
 * the door's QR code (/sites/ID/ticket?key=KEY), the door poster, and its
 * short address /d/ID-CODE. */
int page_kiosk(req *r);
int page_kiosk_post(req *r);
int page_door(req *r);
int page_door_post(req *r);
int page_door_poster(req *r);
int page_door_short(req *r);
/* A ticket's page on the person's phone, /t/KEY: its status as JSON and
 * as live events, the cancellation and the satisfaction of the visit. */
int page_ticket(req *r);
int page_ticket_status(req *r);
int page_ticket_events(req *r);
int page_ticket_cancel_form(req *r);
int page_ticket_cancel(req *r);
int page_ticket_survey(req *r);

/* ---- The public screen of a waiting room (page_screen.c). */
/* The screen (/sites/ID/screen?key=KEY; a staff member of the site without
 * the key gets the keyed address), its Server-Sent Events
 * (/sites/ID/screen/events?key=KEY) and a call spoken in French or in the
 * person's language (/sites/ID/screen/audio/EVENT/LANG.wav?key=KEY). */
int page_screen(req *r);
int page_screen_events(req *r);
int page_screen_audio(req *r);

/* ---- Notices of a site (page_notices.c). */
/* Staff pages (docs/notices.md): the list of a site's notices, and the
 * form to publish, change and delete one (managers of the site,
 * coordinators of its département, admins; advisers of the site read). */
int page_notices_list(req *r);
int page_notice_new(req *r);
int page_notice_create(req *r);
int page_notice_edit(req *r);
int page_notice_update(req *r);
int page_notice_delete_form(req *r);
int page_notice_delete(req *r);
/* Public, no login, no key (notices are public information): the current
 * notices in the visitor's language (/sites/ID/avis-publics) and as an
 * Atom 1.0 feed (/sites/ID/notices.atom). */
int page_notices_public(req *r);
int page_notices_atom(req *r);
/* For the public screen and the phone page: writes the site's current
 * notices (at now) into r->out as <section class="notices"> with a heading
 * of heading_level (2 to 5; each notice's title one level below), in
 * r->lang (the French text, marked lang="fr", for a notice without a
 * translation), closures first. Writes nothing when there is none. The
 * number of notices written, or -1 (nothing written) when the store fails.
 * A screen reloads it when the site's "notices" event arrives. */
int page_notices_current(req *r, int64_t site_id, int64_t now, int heading_level);

/* ---- Speech of the public phrases and recorded audio (page_speech.c). */
/* The audio of a public phrase, GET /audio/{lang}/{id}.wav (?site=ID for a
 * site's recording), and a site's recordings, GET and POST
 * /sites/{id}/audio (docs/speech.md). */
int page_speech_audio(req *r);
int page_site_audio(req *r);
int page_site_audio_post(req *r);
/* The body of an upload: a recording (store_audio.h) and the form. */
#define PAGE_AUDIO_UPLOAD_BYTES (3UL * 1024UL * 1024UL)

/* ---- A site's corrections of public phrases (page_phrases.c). */
/* For a manager of the site (or an administrator): the public phrases of a
 * language with the site's wording (GET /sites/{id}/phrases?lang=&q=
 * &only=fixed), and one phrase's form (GET and POST
 * /sites/{id}/phrases/edit, action=save or reset). docs/speech.md. */
int page_site_phrases(req *r);
int page_site_phrase_edit(req *r);
int page_site_phrase_edit_post(req *r);

/* ---- The take-home summary of a visit (page_takehome.c). */
/* GET /visits/{id}/summary: the sheet handed to the person, in her
 * language (?lang=), on A4 or an 80 mm receipt (?format=a4|receipt), her
 * name only with ?name=1 (docs/takehome.md). */
int page_takehome(req *r);
/* POST /visits/{id}/summary: the same sheet sent at once by e-mail to the
 * address the adviser typed (field email), never stored. */
int page_takehome_send(req *r);

/* ---- Escalations to the operators' back offices (page_escalations.c). */
/* The list one may see (/escalations; a referent's queue by due date),
 * the escalation of a demand (GET and POST /demands/ID/escalate, a
 * multipart form), an escalation's page and its moves (GET and POST
 * /escalations/ID, op=…), one of its documents
 * (/escalations/ID/files/FILE), and the referents' départements
 * (/escalations/referents, administrators). docs/escalations.md. */
int page_escalations_list(req *r);
int page_escalation_new(req *r);
int page_escalation_create(req *r);
int page_escalation_show(req *r);
int page_escalation_post(req *r);
int page_escalation_file(req *r);
int page_escalation_referents(req *r);
int page_escalation_referents_post(req *r);
/* On a visit's page, under a demand: its escalation (status, due date,
 * the answers), or the link to escalate it; nothing for a demand that is
 * not to be escalated. */
void page_escalation_on_demand(req *r, const store_demand *d);
/* The status of a demand's escalation in words, translated ("Envoyée —
 * En retard"), from the arena; NULL when the demand has none. */
const char *page_escalation_status(req *r, const store_demand *d);

/* ---- E-mail: one's notification settings (page_mail.c). */
int page_mail_settings(req *r);
int page_mail_settings_post(req *r);
int page_mail_test(req *r);
/* The outbox, for the admins, and its "send the digests now". */
int page_mail_admin(req *r);
int page_mail_admin_digests(req *r);

/* ---- Offline sync: the laptop's pages (page_sync.c). /sync for the
 * managers and admins of an attached store: state, history, refused
 * changes; POST /sync syncs now. 404 on a store that is not attached. */
int page_sync(req *r);
int page_sync_post(req *r);

/* ---- Addresses (page_address.c, page_address_checklist.c). */
/* The adviser's page, GET and POST /address: the postal address of NF
 * Z10-011 from fields or free text, every change explained, the choices of
 * postcode and town, and the commune's Base Adresse Locale (docs/addresses.md). */
int page_address(req *r);
int page_address_post(req *r);
/* "Who to tell" about a new address, printable and in the person's
 * language (?lang=): GET /address/checklist, and for a visit GET and POST
 * /visits/{id}/address-checklist (the items done). */
int page_address_checklist(req *r);
int page_visit_address_checklist(req *r);
int page_visit_address_checklist_post(req *r);
/* The checklist's catalog, for the administrators: /admin/address-checklist. */
int page_checklist_admin(req *r);
int page_checklist_item_new(req *r);
int page_checklist_item_create(req *r);
int page_checklist_item_edit(req *r);
int page_checklist_item_update(req *r);

/* ---- Callbacks (page_callbacks.c). */
/* A site's list (/sites/{id}/callbacks), the form of a new one, one
 * callback's page and its moves (/callbacks/{id}). */
int page_callbacks(req *r);
int page_callback_new(req *r);
int page_callback_create(req *r);
int page_callback_show(req *r);
int page_callback_post(req *r);
/* The recording form opened from a callback closed done
 * (/visits/new?callback=ID): page_callback_visit_prefill gives it the
 * channel "rappel", the site and the person's language (0, or -1 when the
 * query names no such callback the user sees); page_callback_form_field
 * writes the hidden field that carries the callback; once the visit is
 * saved, page_callback_visit_saved links it to the callback. */
int page_callback_visit_prefill(req *r, store_visit *v);
void page_callback_form_field(req *r);
void page_callback_visit_saved(req *r, const store_visit *v);

/* ---- Expert appointments (page_appointments.c). */
/* The appointments one may see and one's calendar address (/appointments,
 * POST /appointments/feed), the calendar itself
 * (/appointments/feed/TOKEN.ics, no login), the permanence slots (list,
 * new, POST, POST /appointments/slots/ID/cancel), the booking from a
 * demand (GET and POST /demands/ID/appointment), an appointment's page and
 * its status changes (GET and POST /appointments/ID), its printable slip
 * (/appointments/ID/slip?lang=&format=). docs/appointments.md. */
int page_appointments_list(req *r);
int page_appointments_feed_post(req *r);
int page_appointments_feed(req *r);
int page_appt_slots(req *r);
int page_appt_slot_new(req *r);
int page_appt_slot_create(req *r);
int page_appt_slot_cancel(req *r);
int page_appt_book_form(req *r);
int page_appt_book(req *r);
int page_appt_show(req *r);
int page_appt_post(req *r);
int page_appt_slip(req *r);
/* On a visit's page, under a demand: its appointments, and the link to
 * book one for an adviser of the site. */
void page_appointment_on_demand(req *r, const store_demand *d);

/* ---- ProConnect / OpenID Connect login (page_oidc.c). */
/* Configured: issuer, client id, client secret and redirect URL set. */
int page_oidc_enabled(const req *r);
/* The "Se connecter avec ProConnect" button of the login page, when configured. */
void page_oidc_login_button(req *r);
/* /login/proconnect (to the provider) and its callback. */
int page_oidc_start(req *r);
int page_oidc_callback(req *r);
/* For /logout: a session opened by ProConnect ends here and at the provider
 * (1, the answer is set); 0 for any other session. */
int page_oidc_logout(req *r);

#endif
