/*
 * routes.c: the one table that says which handler answers which path.
 * Guards (login, role, CSRF) are the first lines of each handler.
 */
#include "pages/routes.h"

#include "util/guichet_limits.h"
#include "web/page.h"
#include "pages/pages.h"
#include "api/api.h"
#include "pages/page_static.h"

#define GET (HTTP_GET | HTTP_HEAD)
#define POST HTTP_POST

static const http_route table[] = {
        {GET, "/", page_home, 0},
        {GET, "/login", page_login_form, 0},
        {POST, "/login", page_login_post, 0},
        {POST, "/logout", page_logout, 0},
        {GET, "/account/password", page_password_form, 0},
        {POST, "/account/password", page_password_post, 0},
        {GET, "/account/tokens", page_tokens, 0},
        {POST, "/account/tokens", page_token_create, 0},
        {POST, "/account/tokens/{}/revoke", page_token_revoke, 0},
        {GET, "/account/totp", page_totp, 0},
        {POST, "/account/totp", page_totp_confirm, 0},
        {POST, "/account/totp/disable", page_totp_disable, 0},
        {GET, "/login/code", page_login_code_form, 0},
        {POST, "/login/code", page_login_code_post, 0},
        {GET, "/admin/security", page_security, 0},
        {POST, "/admin/security", page_security_post, 0},
        {GET, "/sites", page_sites_list, 0},
        {POST, "/sites", page_site_create, 0},
        {GET, "/sites/new", page_site_new, 0},
        {GET, "/sites/{}", page_site_show, 0},
        {GET, "/sites/{}/edit", page_site_edit, 0},
        {POST, "/sites/{}/edit", page_site_update, 0},
        {GET, "/users", page_users_list, 0},
        {POST, "/users", page_user_create, 0},
        {GET, "/users/new", page_user_new, 0},
        {GET, "/users/{}", page_user_show, 0},
        {POST, "/users/{}", page_user_update, 0},
        {GET, "/audit", page_audit, 0},
        {GET, "/about", page_about, 0},
        {GET, "/lang/{}", page_lang, 0},
        {GET, "/healthz", page_healthz, 0},
        {GET, "/metrics", page_metrics, 0},
        {GET, "/static/{}", page_static, 0},
        /* Languages: the public pages' fonts and pictograms (page_static.c). */
        {GET, "/static/fonts/{}", page_static_font, 0},
        {GET, "/static/picto/{}", page_static_picto, 0},
        {GET, "/api/v1/me", api_v1_me, 0},
        {GET, "/api/v1/sites", api_v1_sites, 0},
        {GET, "/api/v1/sites/{}", api_v1_site, 0},
        /* Recording accompaniments; /visits/new before /visits/{}. */
        {GET, "/visits/new", page_visit_new, 0},
        {GET, "/visits", page_visits_search, 0},
        {POST, "/visits", page_visit_create, 0},
        {GET, "/visits/{}", page_visit_show, 0},
        {GET, "/visits/{}/edit", page_visit_edit, 0},
        {POST, "/visits/{}/edit", page_visit_update, 0},
        {GET, "/visits/{}/delete", page_visit_delete_form, 0},
        {POST, "/visits/{}/delete", page_visit_delete, 0},
        {GET, "/journal", page_journal, 0},
        {GET, "/visitors/{}/export", page_privacy_export, 0},
        {GET, "/visitors/{}/export.json", page_privacy_export_json, 0},
        {GET, "/visitors/{}/erase", page_privacy_erase_form, 0},
        {POST, "/visitors/{}/erase", page_privacy_erase, 0},
        {GET, "/workshops/new", page_workshop_new, 0},
        {GET, "/workshops", page_workshops_list, 0},
        {POST, "/workshops", page_workshop_create, 0},
        {GET, "/workshops/{}", page_workshop_show, 0},
        {GET, "/workshops/{}/edit", page_workshop_edit, 0},
        {POST, "/workshops/{}/edit", page_workshop_update, 0},
        {GET, "/workshops/{}/delete", page_workshop_delete_form, 0},
        {POST, "/workshops/{}/delete", page_workshop_delete, 0},
        {GET, "/sites/{}/settings", page_site_settings, 0},
        {POST, "/sites/{}/settings", page_site_settings_post, 0},
        {GET, "/admin/operators/new", page_operator_new, 0},
        {GET, "/admin/operators", page_operators_list, 0},
        {POST, "/admin/operators", page_operator_create, 0},
        {GET, "/admin/operators/{}/edit", page_operator_edit, 0},
        {POST, "/admin/operators/{}/edit", page_operator_update, 0},
        {GET, "/admin/procedures/new", page_procedure_new, 0},
        {GET, "/admin/procedures", page_procedures_list, 0},
        {POST, "/admin/procedures", page_procedure_create, 0},
        {GET, "/admin/procedures/{}/edit", page_procedure_edit, 0},
        {POST, "/admin/procedures/{}/edit", page_procedure_update, 0},
        {GET, "/import", page_import_form, 0},
        {POST, "/import", page_import_post, LIMIT_UPLOAD_BYTES},
        {GET, "/export", page_export_form, 0},
        {GET, "/export.csv", page_export_csv, 0},
        {POST, "/api/v1/visits", api_visits_create, 0},
        {GET, "/api/v1/visits", api_visits_list, 0},
        {GET, "/api/v1/visits/{}", api_visit_get, 0},
        {HTTP_PUT | HTTP_PATCH, "/api/v1/visits/{}", api_visit_update, 0},
        {HTTP_DELETE, "/api/v1/visits/{}", api_visit_delete, 0},
        {GET, "/api/v1/catalog", api_catalog, 0},
        {GET, "/admin/themes", page_themes_list, 0},
        {GET, "/admin/themes/{}/edit", page_theme_edit, 0},
        {POST, "/admin/themes/{}/edit", page_theme_update, 0},
        {GET, "/admin/topics/new", page_topic_new, 0},
        {GET, "/admin/topics", page_topics_list, 0},
        {POST, "/admin/topics", page_topic_create, 0},
        {GET, "/admin/topics/{}/edit", page_topic_edit, 0},
        {GET, "/reports", page_reports_index, 0},
        {GET, "/reports/national", page_report_national, 0},
        {GET, "/reports/sites", page_report_sites, 0},
        {GET, "/reports/site/{}", page_report_site, 0},
        {GET, "/reports/departement/{}", page_report_departement, 0},
        {GET, "/reports/region/{}", page_report_region, 0},
        {GET, "/reports/site/{}/summary", page_report_site_summary, 0},
        {GET, "/reports/departement/{}/summary", page_report_departement_summary, 0},
        {GET, "/satisfaction", page_satisfaction, 0},
        {GET, "/satisfaction/new", page_satisfaction_new, 0},
        {POST, "/satisfaction", page_satisfaction_create, 0},
        {GET, "/satisfaction/poster", page_satisfaction_poster, 0},
        {GET, "/satisfaction/key", page_satisfaction_key_form, 0},
        {POST, "/satisfaction/key", page_satisfaction_key_rotate, 0},
        {GET, "/satisfaction/{}/delete", page_satisfaction_delete_form, 0},
        {POST, "/satisfaction/{}/delete", page_satisfaction_delete, 0},
        {GET, "/avis/audio/{}/{}", page_avis_audio, 0},
        {GET, "/avis/{}", page_avis_form, 0},
        {POST, "/avis/{}", page_avis_post, 0},
        {GET, "/a", page_avis_code_form, 0},
        {GET, "/a/{}", page_avis_code, 0},
        {GET, "/opendata", page_opendata, 0},
        {GET, "/opendata/activite.csv", page_opendata_activity, 0},
        {GET, "/opendata/lieux.csv", page_opendata_lieux_csv, 0},
        {GET, "/opendata/lieux.json", page_opendata_lieux_json, 0},
        {GET, "/opendata/france-services.csv", page_opendata_france_services, 0},
        {POST, "/admin/topics/{}/edit", page_topic_update, 0},
        /* Queue: the advisers' pages and the API (page_queue.c, api_queue.c). */
        {POST, "/api/v1/sites/{}/tickets", api_queue_ticket_create, 0},
        {GET, "/api/v1/sites/{}/queue", api_queue_get, 0},
        {POST, "/api/v1/sites/{}/queue/next", api_queue_next, 0},
        {POST, "/api/v1/tickets/{}/{}", api_queue_ticket_action, 0},
        {GET, "/api/v1/tickets/{}", api_queue_ticket_get, 0},
        {GET, "/sites/{}/queue", page_queue, 0},
        {POST, "/sites/{}/queue", page_queue_post, 0},
        {GET, "/sites/{}/queue/settings", page_queue_settings, 0},
        {POST, "/sites/{}/queue/settings", page_queue_settings_post, 0},
        /* Kiosk, tickets and the phone pages (page_kiosk.c, page_ticket.c). */
        {GET, "/sites/{}/kiosk", page_kiosk, 0},
        {POST, "/sites/{}/kiosk", page_kiosk_post, 0},
        {GET, "/sites/{}/ticket", page_door, 0},
        {POST, "/sites/{}/ticket", page_door_post, 0},
        {GET, "/sites/{}/ticket/poster", page_door_poster, 0},
        {GET, "/d/{}", page_door_short, 0},
        {GET, "/t/{}", page_ticket, 0},
        {GET, "/t/{}/status", page_ticket_status, 0},
        {GET, "/t/{}/events", page_ticket_events, 0},
        {GET, "/t/{}/cancel", page_ticket_cancel_form, 0},
        {POST, "/t/{}/cancel", page_ticket_cancel, 0},
        {POST, "/t/{}/avis", page_ticket_survey, 0},
        /* The public screen and its events (page_screen.c). */
        {GET, "/sites/{}/screen", page_screen, 0},
        {GET, "/sites/{}/screen/events", page_screen_events, 0},
        {GET, "/sites/{}/screen/audio/{}/{}", page_screen_audio, 0},
        /* Notices (page_notices.c). */
        {GET, "/sites/{}/notices", page_notices_list, 0},
        {POST, "/sites/{}/notices", page_notice_create, 0},
        {GET, "/sites/{}/notices/new", page_notice_new, 0},
        {GET, "/sites/{}/notices/{}/edit", page_notice_edit, 0},
        {POST, "/sites/{}/notices/{}/edit", page_notice_update, 0},
        {GET, "/sites/{}/notices/{}/delete", page_notice_delete_form, 0},
        {POST, "/sites/{}/notices/{}/delete", page_notice_delete, 0},
        {GET, "/sites/{}/avis-publics", page_notices_public, 0},
        {GET, "/sites/{}/notices.atom", page_notices_atom, 0},
        /* Speech and recorded audio (page_speech.c). */
        {GET, "/audio/{}/{}", page_speech_audio, 0},
        {GET, "/sites/{}/audio", page_site_audio, 0},
        {POST, "/sites/{}/audio", page_site_audio_post, PAGE_AUDIO_UPLOAD_BYTES},
        /* A site's corrections of public phrases (page_phrases.c). */
        {GET, "/sites/{}/phrases", page_site_phrases, 0},
        {GET, "/sites/{}/phrases/edit", page_site_phrase_edit, 0},
        {POST, "/sites/{}/phrases/edit", page_site_phrase_edit_post, 0},
        /* The take-home summary of a visit (page_takehome.c). */
        /* Escalations to the operators' back offices (page_escalations.c, api_escalations.c). */
        /* E-mail: one's notification settings (page_mail.c). */
};

const http_route *routes_table(size_t *n)
{
	*n = COUNT(table);
	return table;
}

static const http_route metrics_table[] = {
        {GET, "/metrics", page_metrics_listener, 0},
        {GET, "/healthz", page_healthz, 0},
};

const http_route *routes_metrics_table(size_t *n)
{
	*n = COUNT(metrics_table);
	return metrics_table;
}
