/* test_html.c: the escaping writers against hostile input. */
#include "unit.h"

#include <string.h>

#include "util/html.h"

#define FFFD "\xEF\xBF\xBD"

/* Escapes s with writer and compares with want. */
static void check(void (*writer)(buf *, const char *), const char *s, const char *want)
{
	buf b;

	buf_init(&b, 1 << 20);
	writer(&b, s);
	assert_string_equal(b.data ? b.data : "", want);
	buf_free(&b);
}

static void test_txt_markup(void **state)
{
	(void)state;
	check(html_txt, "<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	check(html_txt, "Tom & Jerry", "Tom &amp; Jerry");
	check(html_txt, "&amp;", "&amp;amp;");
	check(html_txt, "plain text", "plain text");
	check(html_txt, "", "");
	check(html_txt, NULL, "");
}

static void test_attr_breakout(void **state)
{
	(void)state;
	check(html_attr, "\"><img src=x onerror=x>", "&quot;&gt;&lt;img src=x onerror=x&gt;");
	check(html_attr, "' onmouseover='x", "&#39; onmouseover=&#39;x");
	check(html_attr, "javascript:alert(1)", "javascript:alert(1)");
}

static void test_bidi_controls(void **state)
{
	(void)state;
	/* U+202E RIGHT-TO-LEFT OVERRIDE in a name would mirror the page. */
	check(html_txt,
	      "abc\xE2\x80\xAE"
	      "fdp.exe",
	      "abc" FFFD "fdp.exe");
	check(html_attr, "\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD\xE2\x80\xAE",
	      FFFD FFFD FFFD FFFD FFFD);
	check(html_txt, "\xE2\x81\xA6\xE2\x81\xA7\xE2\x81\xA8\xE2\x81\xA9", FFFD FFFD FFFD FFFD);
	/* The marks (LRM, RLM, ALM) do not embed anything: they stay, and so
	 * do the neighbours of the refused ranges. */
	check(html_txt, "\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", "\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C");
	check(html_txt, "\xE2\x80\xA9\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA",
	      "\xE2\x80\xA9\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	check(html_txt, "a\xC3", "a" FFFD);                       /* truncated at the end */
	check(html_txt, "\xC3(", FFFD "(");                       /* bad continuation */
	check(html_txt, "\xC0\xAF", FFFD FFFD);                   /* overlong '/' */
	check(html_txt, "\xE0\x80\xBC", FFFD FFFD FFFD);          /* overlong '<' */
	check(html_txt, "\xED\xA0\x80", FFFD FFFD FFFD);          /* surrogate */
	check(html_txt, "\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	check(html_txt, "\xFF\xFE", FFFD FFFD);
	check(html_txt, "\x80<", FFFD "&lt;"); /* stray continuation */
	/* Two-byte sequences: the C1 controls (C2 80 to C2 9F) are replaced,
	 * the rest of U+00A0..U+07FF kept, as are their neighbours. */
	check(html_txt, "\xC2\x80\xC2\x9F\xC2\xA0\xDF\xBF\xC3\xA9", FFFD FFFD "\xC2\xA0\xDF\xBF\xC3\xA9");
	check(html_txt, "\xC1\xBF\xDF\xC0", FFFD FFFD FFFD FFFD); /* overlong; bad continuation */
	check(html_txt, "ab\xE2\x82", "ab" FFFD FFFD);
	check(html_attr, "\xC3\"", FFFD "&quot;");
}

static void test_valid_utf8_passes(void **state)
{
	(void)state;
	check(html_txt, "Zoé Müller", "Zoé Müller");
	check(html_txt, "العربية", "العربية");
	check(html_txt, "ትግርኛ ქართული", "ትግርኛ ქართული");
	check(html_txt, "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"); /* U+1F600 */
	check(html_txt, "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
}

static void test_controls(void **state)
{
	(void)state;
	check(html_txt, "a\tb\nc\r", "a\tb\nc\r");
	check(html_txt,
	      "a\x01"
	      "b\x1B"
	      "c\x7F",
	      "a" FFFD "b" FFFD "c" FFFD);
	check(html_txt, "\xC2\x85\xC2\x9F\xC2\xA0", FFFD FFFD "\xC2\xA0"); /* C1 refused, NBSP kept */
}

static void test_txt_n(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 1024);
	html_txt_n(&b, "<b>bold</b>", 3);
	assert_string_equal(b.data, "&lt;b&gt;");
	buf_reset(&b);
	/* A length that cuts a character must not read past it. */
	html_txt_n(&b, "é", 1);
	assert_string_equal(b.data, FFFD);
	buf_reset(&b);
	html_txt_n(&b, "a\0b", 3);
	assert_string_equal(b.data, "a" FFFD "b");
	buf_free(&b);
}

static void test_url_arg(void **state)
{
	(void)state;
	check(html_url_arg, "a b&c=d/é~._-", "a%20b%26c%3Dd%2F%C3%A9~._-");
	check(html_url_arg, "/sites?x=\"<>\"", "%2Fsites%3Fx%3D%22%3C%3E%22");
	check(html_url_arg, "AZaz09", "AZaz09");
	check(html_url_arg, "\xC3(", "%EF%BF%BD%28");
	check(html_url_arg, "+#%", "%2B%23%25");
	check(html_url_arg, NULL, "");
}

static void test_int_and_raw(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 1024);
	html_int(&b, 0);
	html_raw_trusted(&b, " ");
	html_int(&b, INT64_MIN);
	html_raw_trusted(&b, " ");
	html_int(&b, 42);
	html_rawf_trusted(&b, " <p class=\"%s\">%d</p>", "x", 7);
	assert_string_equal(b.data, "0 -9223372036854775808 42 <p class=\"x\">7</p>");
	buf_free(&b);
}

static void test_overflow_is_flagged(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 16);
	html_txt(&b, "<<<<<<<<<<<<<<<<<<<<");
	assert_true(b.overflow);
	assert_true(b.len <= 16);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_txt_markup),
	    cmocka_unit_test(test_attr_breakout),
	    cmocka_unit_test(test_bidi_controls),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_valid_utf8_passes),
	    cmocka_unit_test(test_controls),
	    cmocka_unit_test(test_txt_n),
	    cmocka_unit_test(test_url_arg),
	    cmocka_unit_test(test_int_and_raw),
	    cmocka_unit_test(test_overflow_is_flagged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
