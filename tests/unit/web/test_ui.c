/* test_ui.c: the page frame and the form widgets, on requests built by hand. */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "util/html.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/ui.h"

#define assert_has(hay, needle)                                                                              \
	do {                                                                                                 \
		if (!strstr((hay), (needle)))                                                                \
			fail_msg("missing: %s\n--- in ---\n%s", (needle), (hay));                            \
	} while (0)
#define assert_lacks(hay, needle)                                                                            \
	do {                                                                                                 \
		if (strstr((hay), (needle)))                                                                 \
			fail_msg("unexpected: %s\n--- in ---\n%s", (needle), (hay));                         \
	} while (0)

static req r;
static struct session sess;

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (i18n_init(err, sizeof(err)) != 0)
		return -1;
	memset(&r, 0, sizeof(r));
	memset(&sess, 0, sizeof(sess));
	r.arena = arena_new(LIMIT_ARENA_BYTES);
	buf_init(&r.out, LIMIT_RESPONSE_BYTES);
	r.path = "/";
	r.status = 200;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	buf_free(&r.out);
	arena_free(r.arena);
	i18n_free();
	return 0;
}

static const char *out(void)
{
	assert_false(r.out.overflow);
	return r.out.data ? r.out.data : "";
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Occurrences of the start tag <tag> or <tag …>, not of longer names. */
static size_t count_open(const char *hay, const char *tag)
{
	size_t n = 0, len = strlen(tag);

	for (const char *p = hay; (p = strchr(p, '<')); p++)
		if (strncmp(p + 1, tag, len) == 0 &&
		    (p[1 + len] == ' ' || p[1 + len] == '>' || p[1 + len] == '\n'))
			n++;
	return n;
}

/* Every element opened is closed, for the elements the layout uses. */
static void assert_balanced(const char *html)
{
	static const char *const tags[] = {"div",      "ul",    "li", "nav", "header",   "main",
	                                   "footer",   "form",  "a",  "p",   "fieldset", "select",
	                                   "textarea", "label", "h1", "h2",  "span",     "svg"};
	char close[32];

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		snprintf(close, sizeof(close), "</%s>", tags[i]);
		if (count_open(html, tags[i]) != count(html, close))
			fail_msg("<%s> unbalanced in:\n%s", tags[i], html);
	}
}

static void full_page(void)
{
	ui_page_begin(&r, "Lieux <&>");
	html_raw_trusted(&r.out, "<p>corps</p>\n");
	ui_page_end(&r);
}

static void test_page_french_anonymous(void **state)
{
	const char *h, *body, *first_focusable;

	(void)state;
	r.path = "/sites/12";
	full_page();
	h = out();
	assert_true(strncmp(h, "<!doctype html>\n<html lang=\"fr\" dir=\"ltr\">", 41) == 0);
	assert_has(h, "<meta charset=\"utf-8\">");
	assert_has(h, "content=\"width=device-width, initial-scale=1\"");
	assert_lacks(h, "maximum-scale");
	assert_lacks(h, "user-scalable");
	assert_has(h, "<title>Lieux &lt;&amp;&gt; — Guichet</title>");
	assert_has(h, "<link rel=\"stylesheet\" href=\"/static/guichet.css\">");
	/* The skip link is the first focusable element of the body. */
	body = strstr(h, "<body>");
	assert_non_null(body);
	first_focusable = strstr(body, "<a ");
	assert_non_null(first_focusable);
	for (const char *p = body; p < first_focusable; p++)
		assert_false(!strncmp(p, "<input", 6) || !strncmp(p, "<button", 7) ||
		             !strncmp(p, "<select", 7) || !strncmp(p, "<textarea", 9) ||
		             !strncmp(p, "tabindex", 8));
	{
		static const char skip[] = "<a class=\"skip-link\" href=\"#contenu\">Aller au contenu</a>";
		assert_true(strncmp(first_focusable, skip, sizeof(skip) - 1) == 0);
	}
	assert_has(h, "<header role=\"banner\"");
	assert_has(h, "<main id=\"contenu\" tabindex=\"-1\">\n<h1>Lieux &lt;&amp;&gt;</h1>");
	/* Language switcher: each language in itself, the current one marked,
	 * and the way back to this page. */
	assert_has(h, "<nav class=\"lang-nav\" aria-label=\"Langue\">");
	assert_has(h, "<a href=\"/lang/fr?next=%2Fsites%2F12\" lang=\"fr\" hreflang=\"fr\" dir=\"ltr\" "
	              "aria-current=\"true\">Français</a>");
	assert_has(
	    h, "<a href=\"/lang/en?next=%2Fsites%2F12\" lang=\"en\" hreflang=\"en\" dir=\"ltr\">English</a>");
	assert_has(
	    h, "<a href=\"/lang/ar?next=%2Fsites%2F12\" lang=\"ar\" hreflang=\"ar\" dir=\"rtl\">العربية</a>");
	assert_int_equal(count(h, "aria-current"), 1);
	/* No menu without a session. */
	assert_lacks(h, "Menu principal");
	assert_lacks(h, "/logout");
	assert_has(h, "<footer role=\"contentinfo\"");
	assert_has(h, "<a href=\"/about\">À propos</a>");
	assert_has(h, "<a href=\"/about#accessibilite\">Accessibilité : partiellement conforme</a>");
	assert_true(strcmp(h + strlen(h) - 16, "</body>\n</html>\n") == 0);
	assert_balanced(h);
}

static void test_page_arabic_rtl(void **state)
{
	const char *h;

	(void)state;
	r.lang = i18n_find("ar");
	assert_non_null(r.lang);
	full_page();
	h = out();
	assert_has(h, "<html lang=\"ar\" dir=\"rtl\">");
	assert_has(h, ">الانتقال إلى المحتوى</a>");
	assert_has(h, "aria-label=\"اللغة\"");
	assert_has(h, "hreflang=\"ar\" dir=\"rtl\" aria-current=\"true\">العربية</a>");
	assert_has(h, "إمكانية الوصول");
	assert_balanced(h);
}

static void test_page_english(void **state)
{
	(void)state;
	r.lang = i18n_find("en");
	full_page();
	assert_has(out(), "<html lang=\"en\" dir=\"ltr\">");
	assert_has(out(), ">Skip to content</a>");
	assert_has(out(), ">About</a>");
}

static void test_menu_agent(void **state)
{
	const char *h;

	(void)state;
	sess.user.name = "Zoé \"<Agent>\"";
	sess.role = ROLE_AGENT;
	r.session = &sess;
	r.csrf = "tok\"en";
	r.path = "/sites/3/edit";
	full_page();
	h = out();
	assert_has(h, "<nav class=\"main-nav\" aria-label=\"Menu principal\">");
	assert_has(h, "<li><a href=\"/\">Accueil</a></li>");
	assert_has(h, "<li><a href=\"/sites\" aria-current=\"page\">Lieux</a></li>");
	assert_has(h, "<li><a href=\"/account/password\">Mon compte</a></li>");
	assert_lacks(h, "/users");
	assert_has(h, "<form class=\"logout\" method=\"post\" action=\"/logout\">\n"
	              "<input type=\"hidden\" name=\"csrf\" value=\"tok&quot;en\">");
	assert_has(h, "<bdi>Zoé &quot;&lt;Agent&gt;&quot;</bdi>");
	assert_has(h, "<button type=\"submit\" class=\"button-secondary\">Se déconnecter</button>");
	assert_int_equal(count(h, "aria-current=\"page\""), 1);
	assert_balanced(h);
}

static void test_menu_manager_and_admin(void **state)
{
	(void)state;
	sess.user.name = "M";
	sess.role = ROLE_MANAGER;
	r.session = &sess;
	r.path = "/";
	full_page();
	assert_has(out(), "<li><a href=\"/\" aria-current=\"page\">Accueil</a></li>");
	assert_has(out(), "<li><a href=\"/users\">Utilisateurs</a></li>");
	buf_reset(&r.out);
	sess.role = ROLE_ADMIN;
	r.path = "/users/7";
	full_page();
	assert_has(out(), "<li><a href=\"/users\" aria-current=\"page\">Utilisateurs</a></li>");
	assert_has(out(), "<li><a href=\"/\">Accueil</a></li>");
	buf_reset(&r.out);
	sess.role = ROLE_COORDINATOR;
	r.path = "/sitesx"; /* a prefix is not a parent */
	full_page();
	assert_lacks(out(), "/users");
	assert_lacks(out(), "aria-current=\"page\"");
}

static void test_error_summary(void **state)
{
	ui_errors e = {0};
	const char *h;

	(void)state;
	ui_error_summary(&r, &e);
	ui_error_summary(&r, NULL);
	assert_string_equal(out(), "");

	field_error_add(&e, "email", "Indiquez une adresse e-mail.");
	ui_error_summary(&r, &e);
	assert_has(out(), "<h2 id=\"error-summary-title\">");
	assert_has(out(), "Le formulaire contient 1 erreur</h2>");
	buf_reset(&r.out);

	field_error_add(&e, "pass\"word", "Mot de passe <trop> court.");
	field_error_add(&e, NULL, "Ce compte est désactivé.");
	ui_error_summary(&r, &e);
	h = out();
	assert_has(h, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"");
	assert_has(h, "Le formulaire contient 3 erreurs</h2>");
	assert_has(h, "<li><a href=\"#email\">Indiquez une adresse e-mail.</a></li>");
	assert_has(h, "<li><a href=\"#pass&quot;word\">Mot de passe &lt;trop&gt; court.</a></li>");
	assert_has(h, "<li>Ce compte est désactivé.</li>");
	assert_balanced(h);

	buf_reset(&r.out);
	r.lang = i18n_find("en");
	ui_error_summary(&r, &e);
	assert_has(out(), "There are 3 errors in the form</h2>");
	buf_reset(&r.out);
	r.lang = i18n_find("ar");
	ui_error_summary(&r, &e);
	assert_has(out(), "عدد الأخطاء في النموذج: 3</h2>");
}

static void test_input_with_hint_and_error(void **state)
{
	ui_errors e = {0};
	ui_field f = {.name = "email",
	              .label = "Adresse e-mail",
	              .hint = "Celle de votre travail.",
	              .value = "a\"b@example.org",
	              .type = "email",
	              .autocomplete = "email",
	              .required = 1};
	const char *h;

	(void)state;
	field_error_add(&e, "email", "Indiquez une adresse e-mail valide.");
	ui_input(&r, &f, &e);
	h = out();
	assert_has(h, "<div class=\"field field-error\">");
	assert_has(
	    h, "<label for=\"email\">Adresse e-mail <span class=\"required\">(obligatoire)</span></label>");
	assert_has(h, "<p class=\"hint\" id=\"email-hint\">Celle de votre travail.</p>");
	assert_has(h, "<p class=\"error-message\" id=\"email-error\">");
	assert_has(h, "<span class=\"sr-only\">Erreur : </span>Indiquez une adresse e-mail valide.</p>");
	assert_has(h, "<input id=\"email\" name=\"email\" required autocomplete=\"email\" "
	              "aria-describedby=\"email-hint email-error\" aria-invalid=\"true\" type=\"email\"");
	assert_has(h, "value=\"a&quot;b@example.org\">");
	assert_balanced(h);
}

static void test_input_plain_and_password(void **state)
{
	ui_field f = {.name = "nom", .label = "Nom"};
	ui_field p = {.name = "password", .label = "Mot de passe", .value = "secret", .type = "password"};
	ui_errors none = {0};
	const char *h;

	(void)state;
	ui_input(&r, &f, NULL);
	h = out();
	assert_has(h, "<div class=\"field\">\n<label for=\"nom\">Nom</label>\n<input id=\"nom\" name=\"nom\" "
	              "type=\"text\"");
	assert_lacks(h, "aria-describedby");
	assert_lacks(h, "aria-invalid");
	assert_lacks(h, "required");
	buf_reset(&r.out);
	/* Only an error: aria-describedby names it alone. */
	field_error_add(&none, "password", "Mot de passe incorrect.");
	ui_input(&r, &p, &none);
	h = out();
	assert_has(h, "aria-describedby=\"password-error\" aria-invalid=\"true\"");
	assert_lacks(h, "secret");
}

static void test_textarea_select_checkboxes(void **state)
{
	ui_field t = {.name = "note", .label = "Note", .value = "\nligne <2>"};
	ui_field s = {.name = "role", .label = "Rôle", .value = "manager", .hint = "Un seul rôle."};
	static const ui_option opts[] = {
	    {"agent", "Agent"}, {"manager", "Responsable"}, {"admin", "Admin <x>"}};
	const char *const sel[] = {"admin", "agent"};
	ui_errors e = {0};
	const char *h;

	(void)state;
	ui_textarea(&r, &t, NULL);
	assert_has(
	    out(),
	    "<textarea id=\"note\" name=\"note\" rows=\"5\" dir=\"auto\">\n\nligne &lt;2&gt;</textarea>");
	buf_reset(&r.out);

	ui_select(&r, &s, opts, 3, NULL);
	h = out();
	assert_has(h, "<select id=\"role\" name=\"role\" aria-describedby=\"role-hint\">");
	assert_has(h, "<option value=\"manager\" selected>Responsable</option>");
	assert_has(h, "<option value=\"agent\">Agent</option>");
	assert_has(h, "<option value=\"admin\">Admin &lt;x&gt;</option>");
	assert_balanced(h);
	buf_reset(&r.out);

	field_error_add(&e, "roles", "Choisissez au moins un rôle.");
	ui_checkboxes(&r, "roles", "Rôles", opts, 3, sel, 2, &e);
	h = out();
	assert_has(
	    h, "<fieldset class=\"checkboxes\" aria-describedby=\"roles-error\">\n<legend>Rôles</legend>");
	assert_has(h, "id=\"roles-error\"");
	/* The first box has the group's name as id: the summary's link works. */
	assert_has(h, "<input type=\"checkbox\" id=\"roles\" name=\"roles\" value=\"agent\" checked "
	              "aria-invalid=\"true\">"
	              "<label for=\"roles\">Agent</label>");
	assert_has(
	    h,
	    "id=\"roles-2\" name=\"roles\" value=\"manager\" aria-invalid=\"true\"><label for=\"roles-2\">");
	assert_has(h, "id=\"roles-3\" name=\"roles\" value=\"admin\" checked");
	assert_balanced(h);
	buf_reset(&r.out);

	/* Radios make a group of class "radios", which the stylesheet lays out
	 * side by side. */
	ui_radios(&r, "role", "Rôle", opts, 3, "manager", NULL);
	h = out();
	assert_has(h, "<fieldset class=\"radios\">\n<legend>Rôle</legend>");
	assert_has(h, "<input type=\"radio\" id=\"role-2\" name=\"role\" value=\"manager\" checked>");
	assert_balanced(h);
}

static void test_form_notice_submit(void **state)
{
	const char *h;

	(void)state;
	r.csrf = "abc";
	ui_form_begin(&r, "/sites?x=1&y=\"2\"");
	ui_submit(&r, "Enregistrer");
	ui_form_end(&r);
	h = out();
	assert_has(h, "<form method=\"post\" action=\"/sites?x=1&amp;y=&quot;2&quot;\" novalidate>\n"
	              "<input type=\"hidden\" name=\"csrf\" value=\"abc\">");
	assert_has(h, "<button type=\"submit\" class=\"button\">Enregistrer</button>\n</form>");
	buf_reset(&r.out);

	ui_notice(&r, "success", "Enregistré.");
	ui_notice(&r, "info", "<i>");
	ui_notice(&r, "error", "Échec.");
	ui_notice(&r, "bogus\"", "x");
	h = out();
	assert_has(h, "<div class=\"notice notice-success\" role=\"status\">");
	assert_has(h, "<div class=\"notice notice-error\" role=\"alert\">");
	assert_has(h, "&lt;i&gt;");
	assert_int_equal(count(h, "notice-info"), 2);
	assert_lacks(h, "bogus");
	assert_balanced(h);
}

static void test_error_pages(void **state)
{
	(void)state;
	html_raw_trusted(&r.out, "<p>half a page");
	ui_error_page(&r, 404, NULL);
	assert_int_equal(r.status, 404);
	assert_lacks(out(), "half a page");
	assert_has(out(), "<title>Page introuvable — Guichet</title>");
	assert_has(out(), "<p>La page demandée n&#39;existe pas.</p>");
	assert_has(out(), "<a href=\"/\">Retour à l&#39;accueil</a>");
	assert_balanced(out());

	r.lang = i18n_find("en");
	ui_error_page(&r, 429, "Trop de tentatives. Attendez quelques minutes avant de réessayer.");
	assert_int_equal(r.status, 429);
	assert_has(out(), "<h1>Too many attempts</h1>");
	assert_has(out(), "Please wait a few minutes");

	r.lang = NULL;
	ui_error_page(&r, 403, "Message <inconnu>");
	assert_has(out(), "<h1>Accès refusé</h1>");
	assert_has(out(), "<p>Message &lt;inconnu&gt;</p>");
	ui_error_page(&r, 400, NULL);
	assert_has(out(), "<h1>Requête invalide</h1>");
	ui_error_page(&r, 413, NULL);
	assert_has(out(), "<h1>Requête trop volumineuse</h1>");
	ui_error_page(&r, 500, NULL);
	assert_has(out(), "<h1>Erreur du serveur</h1>");
	ui_error_page(&r, 503, NULL);
	assert_int_equal(r.status, 503);
	assert_has(out(), "<h1>Erreur du serveur</h1>");
	ui_error_page(&r, 200, NULL);
	assert_int_equal(r.status, 500);
}

/* French data inside a page of another language, and the table's frame. */
static void test_french_data_and_table_frame(void **state)
{
	(void)state;
	r.lang = i18n_find("fr");
	ui_txt_fr(&r, "CAF (CNAF)");
	ui_txt_msg(&r, "Un thème sans traduction");
	assert_string_equal(out(), "CAF (CNAF)Un thème sans traduction");
	buf_reset(&r.out);
	r.lang = i18n_find("ar");
	ui_txt_fr(&r, "CAF (CNAF)");
	ui_txt_msg(&r, "Un thème sans traduction");
	ui_txt_msg(&r, "oui");
	ui_dl_item_fr(&r, "T", "Vitré (35500)");
	assert_has(out(), "<span lang=\"fr\">CAF (CNAF)</span><span lang=\"fr\">Un thème sans traduction</span>");
	assert_lacks(out(), "oui");
	assert_has(out(), "<dd lang=\"fr\">Vitré (35500)</dd>");
	buf_reset(&r.out);
	ui_table_begin(&r, "stack", "Légende");
	ui_table_body(&r);
	ui_table_end(&r);
	assert_has(out(), "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-labelledby=\"tw-0\">"
	                  "<table class=\"stack\"><caption id=\"tw-0\">Légende</caption>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_page_french_anonymous, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_page_arabic_rtl, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_page_english, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_menu_agent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_menu_manager_and_admin, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_summary, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_input_with_hint_and_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_input_plain_and_password, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_textarea_select_checkboxes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_form_notice_submit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_error_pages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_french_data_and_table_frame, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
