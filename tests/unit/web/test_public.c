/* test_public.c: the public pages' language, frame, language chooser and
 * pictograms (web/public.c), on requests built by hand. */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "util/guichet_limits.h"
#include "util/html.h"
#include "util/i18n.h"
#include "web/public.h"

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

static int setup(void **state)
{
	char err[256];

	(void)state;
	if (i18n_init(err, sizeof(err)) != 0)
		return -1;
	memset(&r, 0, sizeof(r));
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

static void reset(void)
{
	r.out.len = 0;
	if (r.out.data)
		r.out.data[0] = '\0';
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void test_lang(void **state)
{
	(void)state;
	/* A public language named by the page's address wins. */
	assert_string_equal(web_public_lang(&r, "uk")->code, "uk");
	assert_ptr_equal(r.lang, i18n_find_public("uk"));
	assert_string_equal(web_public_lang(&r, "PRS")->code, "prs");
	assert_true(r.lang->rtl);
	/* Anything else: the browser's languages, then French. */
	assert_string_equal(web_public_lang(&r, "xx")->code, "fr");
	assert_string_equal(web_public_lang(&r, NULL)->code, "fr");
	assert_string_equal(web_public_lang(&r, "")->code, "fr");
	assert_string_equal(web_public_lang(&r, "\"><script>")->code, "fr");
}

static void test_chooser(void **state)
{
	const char *h;

	(void)state;
	r.lang = i18n_find_public("ti");
	web_public_lang_choice(&r, "/sites/3/kiosk?key=a\"b&lang={lang}&step=service", NULL);
	h = out();
	assert_has(h, "<nav class=\"lang-choice\" aria-label=\"");
	/* One link per public language, each in itself and its direction. */
	assert_int_equal(count(h, "<li><a href="), 20);
	assert_int_equal(count(h, "aria-current=\"true\""), 1);
	assert_has(
	    h,
	    "href=\"/sites/3/kiosk?key=a&quot;b&amp;lang=ti&amp;step=service\" lang=\"ti\" hreflang=\"ti\" "
	    "dir=\"ltr\" aria-current=\"true\">ትግርኛ</a>");
	assert_has(
	    h,
	    "href=\"/sites/3/kiosk?key=a&quot;b&amp;lang=fr&amp;step=service\" lang=\"fr\" hreflang=\"fr\" "
	    "dir=\"ltr\">Français</a>");
	assert_has(h, "lang=\"prs\" hreflang=\"prs\" dir=\"rtl\">دری</a>");
	assert_has(h, "lang=\"zh\" hreflang=\"zh\" dir=\"ltr\">中文</a>");
	/* French first, then the table's order. */
	assert_true(strstr(h, "Français") < strstr(h, "English"));
	assert_true(strstr(h, "ქართული") < strstr(h, "دری"));
	assert_lacks(h, "{lang}");
	assert_lacks(h, "<img");
}

static void test_chooser_pattern_edges(void **state)
{
	(void)state;
	r.lang = i18n_default();
	/* Twice, and not at all: every mark replaced, no mark left as is. */
	web_public_lang_choice(&r, "/a/{lang}/b?l={lang}", "Langues");
	assert_has(out(), "href=\"/a/en/b?l=en\"");
	assert_has(out(), "aria-label=\"Langues\"");
	reset();
	web_public_lang_choice(&r, "/same", "x");
	assert_int_equal(count(out(), "href=\"/same\""), 20);
	reset();
	web_public_lang_choice(&r, NULL, NULL);
	assert_int_equal(count(out(), "href=\"\""), 20);
}

static void test_page_frame(void **state)
{
	static const char *const styles[] = {"/static/kiosk.css", NULL};
	static const char *const scripts[] = {"/static/kiosk.js", NULL};
	const char *h;

	(void)state;
	r.lang = i18n_find_public("fa");
	web_public_begin(
	    &r, &(web_public_page){
	            .title = "<Titre>", .styles = styles, .scripts = scripts, .body_class = "kiosk"});
	web_public_end(&r);
	h = out();
	assert_has(h, "<html lang=\"fa\" dir=\"rtl\">");
	assert_has(h, "<title>&lt;Titre&gt; — Guichet</title>");
	assert_has(h, "<link rel=\"stylesheet\" href=\"/static/guichet.css\">\n"
	              "<link rel=\"stylesheet\" href=\"/static/fonts.css\">\n"
	              "<link rel=\"stylesheet\" href=\"/static/public.css\">\n"
	              "<link rel=\"stylesheet\" href=\"/static/kiosk.css\">\n");
	assert_has(h, "<script src=\"/static/kiosk.js\" defer></script>");
	assert_has(h, "<meta name=\"robots\" content=\"noindex\">");
	assert_has(h, "<body class=\"kiosk\">");
	assert_has(h, "<a class=\"skip-link\" href=\"#contenu\">");
	assert_has(h, "<main id=\"contenu\" tabindex=\"-1\">\n<h1>&lt;Titre&gt;</h1>");
	assert_has(h, "</main>\n</body>\n</html>\n");
	/* No staff switcher, no navigation of the advisers. */
	assert_lacks(h, "lang-nav");
	assert_lacks(h, "/lang/");

	reset();
	web_public_begin(&r, &(web_public_page){.title = "T", .no_h1 = 1});
	assert_lacks(out(), "<h1>");
	assert_has(out(), "<body>");
}

static void test_lang_names(void **state)
{
	(void)state;
	r.lang = i18n_default();
	web_public_lang_names(&r);
	assert_int_equal(count(out(), "<li lang="), 20);
	assert_has(out(), "<li lang=\"ar\" dir=\"rtl\">العربية</li>");
	assert_has(out(), "<li lang=\"so\" dir=\"ltr\">Soomaali</li>");
}

static void test_picto(void **state)
{
	(void)state;
	r.lang = i18n_default();
	assert_true(web_picto_known("1F5E3"));
	assert_true(web_picto_known("267F"));
	assert_false(web_picto_known("1F4A9")); /* a real OpenMoji, not embedded */
	assert_false(web_picto_known(""));
	assert_false(web_picto_known(NULL));
	assert_false(web_picto_known("1f5e3"));
	assert_false(web_picto_known("../1F5E3"));
	assert_false(web_picto_known("1F5E3-"));
	assert_false(web_picto_known("-1F5E3"));
	assert_false(web_picto_known("1F5E3--FE0F"));
	assert_false(web_picto_known("1F5E3\"onerror=\"x"));
	assert_false(web_picto_known("1111111111111111111111111111111111111111111111111111111"));

	web_picto(&r, "1F3AB", 72, "kiosk-picto");
	assert_string_equal(
	    out(), "<img class=\"kiosk-picto\" src=\"/static/picto/1F3AB.svg\" alt=\"\" width=\"72\" "
	           "height=\"72\">");
	reset();
	web_picto(&r, "23F3", 0, NULL);
	assert_string_equal(out(),
	                    "<img src=\"/static/picto/23F3.svg\" alt=\"\" width=\"48\" height=\"48\">");
	reset();
	web_picto(&r, "1F4A9", 48, NULL);
	web_picto(&r, "\"><script>", 48, NULL);
	assert_string_equal(out(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lang, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chooser, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chooser_pattern_edges, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_page_frame, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lang_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_picto, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
