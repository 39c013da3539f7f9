/*
 * page_totp.c: the second factor's pages: /account/totp (enrolment by QR
 * code, the recovery codes shown once, disabling), /login/code (the code's
 * step of a login), and /admin/security (the roles that must have one).
 *
 * The enrolment page is the only page a session may open while its role
 * requires a second factor the account lacks (page_require_login sends it
 * here); it therefore checks the session itself.
 */
#include <string.h>

#include "app/app.h"
#include "auth/totp.h"
#include "domain/user.h"
#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/qr.h"
#include "web/page.h"
#include "pages/pages.h"
#include "web/ui.h"

#define RAW(r, s) html_raw_trusted(&(r)->out, (s))

/* The roles an administrator may oblige to use a second factor: those that
 * read personal data beyond their own records. */
static const char *const required_roles[] = {"manager", "coordinator", "operator", "admin"};

/* page_require_login without the enrolment gate. */
static int require_session(req *r)
{
	page_prepare(r);
	if (r->session)
		return 1;
	http_redirect(r, "/login");
	return 0;
}

static void paragraph(req *r, const char *translated)
{
	RAW(r, "<p>");
	html_txt(&r->out, translated);
	RAW(r, "</p>\n");
}

static void code_field(req *r, const char *label, const char *hint, const ui_errors *e)
{
	ui_field f = {.name = "code",
	              .label = label,
	              .hint = hint,
	              .type = "text",
	              .autocomplete = "one-time-code",
	              .required = 1};
	ui_input(r, &f, e);
}

/* The key as the user types it: groups of four characters. */
static const char *grouped(req *r, const char *b32)
{
	size_t n = strlen(b32);
	char *out = arena_alloc(r->arena, n + n / 4 + 1);
	if (!out)
		return b32;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && i % 4 == 0)
			out[k++] = ' ';
		out[k++] = b32[i];
	}
	out[k] = '\0';
	return out;
}

static void enrol_page(req *r, const char *b32, const char *uri, const ui_errors *e)
{
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Validation en deux étapes"));
	if (totp_enrolment_due(r))
		ui_notice(
		    r, "info",
		    _(r, "Votre rôle demande une validation en deux étapes. Configurez-la pour continuer."));
	ui_error_summary(r, e);
	paragraph(r,
	          _(r, "À chaque connexion, après votre mot de passe, Guichet vous demandera un code à 6 "
	               "chiffres que votre téléphone affiche. Quelqu'un qui connaîtrait votre mot de passe "
	               "ne pourrait pas entrer sans votre téléphone."));
	RAW(r, "<ol class=\"steps\">\n<li>");
	html_txt(o, _(r, "Installez sur votre téléphone une application d'authentification, par exemple "
	                 "FreeOTP, Aegis ou Google Authenticator."));
	RAW(r, "</li>\n<li>");
	html_txt(o, _(r, "Dans l'application, ajoutez un compte en scannant ce QR code, ou en tapant la clé "
	                 "ci-dessous."));
	qr_code *q = arena_alloc(r->arena, sizeof *q);
	if (q && qr_encode(uri, strlen(uri), q) == 0) {
		RAW(r, "<div class=\"totp-qr\">");
		qr_svg(q, o, _(r, "QR code à scanner avec l'application d'authentification"));
		RAW(r, "</div>\n");
	}
	RAW(r, "<p>");
	html_txt(o, _(r, "Clé à taper"));
	RAW(r, " : <code class=\"totp-key\" id=\"cle\" dir=\"ltr\">");
	html_txt(o, grouped(r, b32));
	RAW(r, "</code></p></li>\n<li>");
	html_txt(o, _(r, "Entrez le code à 6 chiffres que l'application affiche maintenant."));
	RAW(r, "</li>\n</ol>\n");
	ui_form_begin(r, "/account/totp");
	code_field(r, _(r, "Code à 6 chiffres"), NULL, e);
	ui_submit(r, _(r, "Activer la validation en deux étapes"));
	ui_form_end(r);
	ui_page_end(r);
}

static void enabled_page(req *r, int64_t enabled_at, int64_t left, const ui_errors *e)
{
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Validation en deux étapes"));
	const char *done = http_query(r, "done");
	if (!e->n && done && strcmp(done, "enabled") == 0)
		ui_notice(r, "success", _(r, "La validation en deux étapes est activée."));
	ui_error_summary(r, e);
	char day[11];
	time_local_date(enabled_at, day);
	paragraph(r, _(r, "La validation en deux étapes est activée pour votre compte."));
	RAW(r, "<dl class=\"details\">\n");
	ui_dl_item(r, _(r, "Activée le"), day);
	ui_dl_item(r, _(r, "Codes de secours encore utilisables"),
	           arena_printf(r->arena, "%lld", (long long)left));
	RAW(r, "</dl>\n<h2>");
	html_txt(o, _(r, "Désactiver"));
	RAW(r, "</h2>\n");
	paragraph(r,
	          _(r, "Pour changer de téléphone, désactivez la validation en deux étapes puis "
	               "configurez-la de nouveau. Indiquez un code de l'application, un code de secours ou "
	               "votre mot de passe."));
	ui_form_begin(r, "/account/totp/disable");
	ui_field c = {.name = "code",
	              .label = _(r, "Code de l'application ou code de secours"),
	              .type = "text",
	              .autocomplete = "one-time-code"};
	ui_input(r, &c, e);
	ui_field p = {.name = "password",
	              .label = _(r, "Ou votre mot de passe"),
	              .type = "password",
	              .autocomplete = "current-password"};
	ui_input(r, &p, e);
	ui_submit(r, _(r, "Désactiver la validation en deux étapes"));
	ui_form_end(r);
	ui_page_end(r);
}

/* Shows the enrolment form or the state of an enabled second factor. */
static int totp_page(req *r, const ui_errors *e)
{
	char b32[TOTP_BASE32_SIZE];
	const char *uri = NULL;
	int rc = totp_enrol_key(r, b32, &uri);
	if (rc == TOTP_OK) {
		enrol_page(r, b32, uri, e);
		return 0;
	}
	int64_t enabled_at = 0, left = 0;
	if (rc == TOTP_ENABLED && totp_status(r, &enabled_at, &left) == 1) {
		enabled_page(r, enabled_at, left, e);
		return 0;
	}
	r->status = 500;
	return page_error(r);
}

int page_totp(req *r)
{
	if (!require_session(r))
		return 0;
	ui_errors e = {0};
	return totp_page(r, &e);
}

/* The recovery codes: the only time they are ever shown. */
static void recovery_page(req *r, char codes[][TOTP_RECOVERY_SIZE], size_t n)
{
	buf *o = &r->out;
	ui_page_begin(r, _(r, "Vos codes de secours"));
	ui_notice(r, "success", _(r, "La validation en deux étapes est activée."));
	paragraph(r,
	          _(r, "Si vous perdez votre téléphone, chacun de ces codes remplace une fois le code de "
	               "l'application. Notez-les ou imprimez-les maintenant et gardez-les en lieu sûr : ils "
	               "ne seront plus jamais affichés."));
	RAW(r, "<ol class=\"recovery-codes\" dir=\"ltr\">\n");
	for (size_t i = 0; i < n; i++) {
		RAW(r, "<li><code>");
		html_txt(o, codes[i]);
		RAW(r, "</code></li>\n");
	}
	RAW(r, "</ol>\n<p><a href=\"/\">");
	html_txt(o, _(r, "J'ai noté mes codes, continuer"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
}

int page_totp_confirm(req *r)
{
	if (!require_session(r) || !page_require_csrf(r))
		return 0;
	char codes[LIMIT_TOTP_RECOVERY_CODES][TOTP_RECOVERY_SIZE];
	int rc = totp_enrol_confirm(r, page_field(r, "code"), codes, LIMIT_TOTP_RECOVERY_CODES);
	if (rc == TOTP_OK) {
		auth_audit(r, "update", "user", r->session->user.id, 0, "second factor enabled");
		recovery_page(r, codes, LIMIT_TOTP_RECOVERY_CODES);
		explicit_bzero(codes, sizeof codes);
		return 0;
	}
	if (rc == TOTP_ENABLED) {
		http_redirect(r, "/account/totp");
		return 0;
	}
	if (rc != TOTP_WRONG) {
		r->status = 500;
		return page_error(r);
	}
	ui_errors e = {0};
	field_error_add(
	    &e, "code",
	    "Ce code n'est pas le bon. Entrez le code que l'application affiche maintenant pour ce "
	    "compte.");
	http_status(r, 400);
	return totp_page(r, &e);
}

int page_totp_disable(req *r)
{
	if (!require_session(r) || !page_require_csrf(r))
		return 0;
	const char *code = page_field(r, "code");
	const char *password = http_form(r, "password");
	int recovery = 0, ok = 0;
	if (*code) {
		int rc = totp_check(r, r->session->user.id, code, &recovery);
		if (rc == TOTP_ERROR) {
			r->status = 500;
			return page_error(r);
		}
		ok = rc == TOTP_OK;
	} else if (password && *password) {
		ok = auth_password_verify(r->session->user.password_hash, password) == 0;
	}
	if (!ok) {
		ui_errors e = {0};
		field_error_add(
		    &e, "code",
		    "Indiquez un code valable de l'application, un code de secours, ou votre mot de passe.");
		http_status(r, 400);
		return totp_page(r, &e);
	}
	if (totp_disable(r) != 0) {
		r->status = 500;
		return page_error(r);
	}
	auth_audit(r, "update", "user", r->session->user.id, 0, "second factor disabled");
	http_redirect(r, "/account/totp");
	return 0;
}

/* ---- The code's step of a login. */

static void code_form(req *r, const ui_errors *e)
{
	ui_page_begin(r, _(r, "Code de vérification"));
	ui_error_summary(r, e);
	paragraph(r, _(r, "Votre mot de passe est juste. Entrez maintenant le code à 6 chiffres que votre "
	                  "application d'authentification affiche, ou un de vos codes de secours."));
	ui_form_begin(r, "/login/code");
	code_field(r, _(r, "Code"), _(r, "6 chiffres, ou un code de secours comme ABCD-EFGH-JKMN-PQRS."), e);
	ui_submit(r, _(r, "Valider"));
	ui_form_end(r);
	RAW(r, "<p><a href=\"/login\">");
	html_txt(&r->out, _(r, "Recommencer la connexion"));
	RAW(r, "</a></p>\n");
	ui_page_end(r);
}

int page_login_code_form(req *r)
{
	page_prepare(r);
	store_user u;
	if (r->session || totp_login_pending(r, &u) != 0) {
		http_redirect(r, r->session ? "/" : "/login");
		return 0;
	}
	ui_errors e = {0};
	code_form(r, &e);
	return 0;
}

int page_login_code_post(req *r)
{
	if (!page_require_csrf(r))
		return 0;
	store_user u;
	if (totp_login_pending(r, &u) != 0) {
		http_redirect(r, "/login");
		return 0;
	}
	const char *why = NULL;
	int status = 0;
	if (totp_login_finish(r, page_field(r, "code"), &why, &status) == 0) {
		http_redirect(r, "/");
		return 0;
	}
	ui_errors e = {0};
	field_error_add(&e, "code", why);
	http_status(r, status);
	code_form(r, &e);
	return 0;
}

/* ---- The roles that must have a second factor. */

static void security_page(req *r, unsigned roles)
{
	ui_page_begin(r, _(r, "Sécurité des comptes"));
	const char *done = http_query(r, "done");
	if (done && strcmp(done, "saved") == 0)
		ui_notice(r, "success", _(r, "Les réglages sont enregistrés."));
	paragraph(r,
	          _(r, "Les comptes des rôles cochés devront configurer la validation en deux étapes à leur "
	               "prochaine connexion, et ne pourront rien faire d'autre avant."));
	ui_option opts[COUNT(required_roles)];
	const char *sel[COUNT(required_roles)];
	size_t nsel = 0;
	for (size_t i = 0; i < COUNT(required_roles); i++) {
		opts[i] = (ui_option){required_roles[i], _(r, user_role_label(required_roles[i]))};
		if (roles & ROLE_BIT(auth_role_parse(required_roles[i])))
			sel[nsel++] = required_roles[i];
	}
	ui_form_begin(r, "/admin/security");
	ui_checkboxes(r, "totp_role", _(r, "Rôles qui doivent utiliser la validation en deux étapes"), opts,
	              COUNT(opts), sel, nsel, NULL);
	ui_submit(r, _(r, "Enregistrer"));
	ui_form_end(r);
	ui_page_end(r);
}

int page_security(req *r)
{
	if (!page_require_role(r, ROLE_BIT(ROLE_ADMIN)))
		return 0;
	int roles = totp_required_roles(r);
	if (roles < 0) {
		r->status = 500;
		return page_error(r);
	}
	security_page(r, (unsigned)roles);
	return 0;
}

int page_security_post(req *r)
{
	if (!page_require_role(r, ROLE_BIT(ROLE_ADMIN)) || !page_require_csrf(r))
		return 0;
	const char **v = NULL;
	size_t n = page_field_all(r, "totp_role", &v);
	unsigned roles = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < COUNT(required_roles); k++)
			if (strcmp(v[i], required_roles[k]) == 0)
				roles |= ROLE_BIT(auth_role_parse(required_roles[k]));
	if (totp_required_roles_set(r, roles) != 0) {
		r->status = 500;
		return page_error(r);
	}
	buf detail;
	buf_init(&detail, 256);
	buf_puts(&detail, "second factor required:");
	for (size_t k = 0; k < COUNT(required_roles); k++)
		if (roles & ROLE_BIT(auth_role_parse(required_roles[k])))
			buf_printf(&detail, " %s", required_roles[k]);
	auth_audit(r, "update", "settings", 0, 0, detail.overflow ? NULL : detail.data);
	buf_free(&detail);
	http_redirect(r, "/admin/security?done=saved");
	return 0;
}
