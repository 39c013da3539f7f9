/* test_i18n.c: the .po reader, the fallbacks, the language table and the
 * Accept-Language negotiation. */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "util/i18n.h"

static char err[256];

static int add(const char *code, const char *po)
{
	err[0] = '\0';
	return i18n_add_po(code, po, strlen(po), err, sizeof(err));
}

/* Expects po to be refused with a message starting "line N:". */
static void refused_at(const char *po, int line)
{
	char want[32];

	assert_int_equal(add("en", po), -1);
	snprintf(want, sizeof(want), "line %d:", line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("expected \"%s\", got \"%s\"", want, err);
}

static int teardown(void **state)
{
	(void)state;
	i18n_free();
	return 0;
}

static const char header_en[] = "msgid \"\"\n"
                                "msgstr \"\"\n"
                                "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                                "\"Language: en\\n\"\n"
                                "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n"
                                "\n";

static void test_simple_and_fallback(void **state)
{
	const lang *en;

	(void)state;
	assert_int_equal(add("en", "# a comment\n"
	                           "#: src/ui.c:12\n"
	                           "msgid \"Accueil\"\n"
	                           "msgstr \"Home\"\n"
	                           "\n"
	                           "msgid \"Lieux\"\n"
	                           "msgstr \"\"\n"),
	                 0);
	en = i18n_find("en");
	assert_non_null(en);
	assert_string_equal(i18n_text(en, "Accueil"), "Home");
	/* Empty msgstr and unknown msgid fall back to the French source. */
	assert_string_equal(i18n_text(en, "Lieux"), "Lieux");
	assert_string_equal(i18n_text(en, "Absent"), "Absent");
	/* No language, or French, gives the msgid itself. */
	const char *s = "Bonjour";
	assert_ptr_equal(i18n_text(NULL, s), s);
	assert_ptr_equal(i18n_text(i18n_default(), s), s);
	assert_null(i18n_text(en, NULL));
}

static void test_multiline_and_escapes(void **state)
{
	const lang *en;

	(void)state;
	assert_int_equal(add("en", "msgid \"\"\n"
	                           "\"Deux \"\n"
	                           "\"lignes\"\n"
	                           "msgstr \"\"\n"
	                           "\"Two \"\n"
	                           "  \"lines\"\n"
	                           "\n"
	                           "msgid \"Tab\\tquote\\\"back\\\\slash\\n\"\n"
	                           "msgstr \"T\\tq\\\"b\\\\s\\n\"\r\n"),
	                 0);
	en = i18n_find("en");
	assert_string_equal(i18n_text(en, "Deux lignes"), "Two lines");
	assert_string_equal(i18n_text(en, "Tab\tquote\"back\\slash\n"), "T\tq\"b\\s\n");
}

static void test_fuzzy_ignored(void **state)
{
	const lang *en;

	(void)state;
	assert_int_equal(add("en", "#, fuzzy\n"
	                           "msgid \"Lieux\"\n"
	                           "msgstr \"Places\"\n"
	                           "\n"
	                           "#, c-format, fuzzy\n"
	                           "msgid \"%d lieux\"\n"
	                           "msgstr \"%d places\"\n"
	                           "\n"
	                           "msgid \"Accueil\"\n"
	                           "msgstr \"Home\"\n"
	                           "#~ msgid \"Ancien\"\n"
	                           "#~ msgstr \"Old\"\n"),
	                 0);
	en = i18n_find("en");
	assert_string_equal(i18n_text(en, "Lieux"), "Lieux");
	assert_string_equal(i18n_text(en, "%d lieux"), "%d lieux");
	assert_string_equal(i18n_text(en, "Accueil"), "Home");
	assert_string_equal(i18n_text(en, "Ancien"), "Ancien");
}

static void test_plurals(void **state)
{
	const lang *en, *ar;
	char po[2048];

	(void)state;
	snprintf(po, sizeof(po),
	         "%s#, c-format\nmsgid \"%%d erreur\"\nmsgid_plural \"%%d erreurs\"\n"
	         "msgstr[0] \"%%d error\"\nmsgstr[1] \"%%d errors\"\n",
	         header_en);
	assert_int_equal(add("en", po), 0);
	en = i18n_find("en");
	assert_string_equal(i18n_plural(en, "%d erreur", "%d erreurs", 1), "%d error");
	assert_string_equal(i18n_plural(en, "%d erreur", "%d erreurs", 0), "%d errors");
	assert_string_equal(i18n_plural(en, "%d erreur", "%d erreurs", 7), "%d errors");
	/* A plural entry is not a singular translation. */
	assert_string_equal(i18n_text(en, "%d erreur"), "%d erreur");

	assert_int_equal(add("ar", "msgid \"\"\nmsgstr \"\"\n"
	                           "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
	                           "\"Plural-Forms: nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
	                           "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;\\n\"\n\n"
	                           "msgid \"fichier\"\nmsgid_plural \"fichiers\"\n"
	                           "msgstr[0] \"f0\"\nmsgstr[1] \"f1\"\nmsgstr[2] \"f2\"\n"
	                           "msgstr[3] \"f3\"\nmsgstr[4] \"f4\"\nmsgstr[5] \"\"\n"),
	                 0);
	ar = i18n_find("ar");
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 0), "f0");
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 1), "f1");
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 2), "f2");
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 3), "f3");
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 10), "f3");
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 11), "f4");
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 99), "f4");
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 103), "f3");
	/* Form 5 (100, 101, 102…) is empty: French, which uses the plural. */
	assert_string_equal(i18n_plural(ar, "fichier", "fichiers", 100), "fichiers");
	/* Untranslated: French rule, 0 and 1 singular. */
	assert_string_equal(i18n_plural(ar, "lieu", "lieux", 0), "lieu");
	assert_string_equal(i18n_plural(ar, "lieu", "lieux", 1), "lieu");
	assert_string_equal(i18n_plural(ar, "lieu", "lieux", 2), "lieux");
	assert_string_equal(i18n_plural(NULL, "lieu", "lieux", 2), "lieux");
}

static void test_plural_rules_refused(void **state)
{
	static const char *const rules[] = {
	    "nplurals=2; plural=n%0;",               /* division by zero */
	    "nplurals=2; plural=n+;",                /* malformed */
	    "nplurals=2; plural=n;",                 /* index beyond nplurals */
	    "nplurals=0; plural=0;",                 /* no form */
	    "nplurals=7; plural=0;",                 /* more than Guichet keeps */
	    "nplurals=2; plural=((((n)));",          /* unbalanced */
	    "nplurals=2;",                           /* no rule */
	    "nplurals=2; plural=n != 1 ? 0 1;",      /* missing ':' */
	    "nplurals=2; plural=99999999999999999;", /* number too long */
	};
	char po[512];

	(void)state;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		snprintf(po, sizeof(po), "msgid \"\"\nmsgstr \"Plural-Forms: %s\\n\"\n", rules[i]);
		refused_at(po, 1);
	}
	/* Deep nesting is refused rather than overflowing the stack. */
	{
		char deep[4096];
		size_t n = (size_t)snprintf(deep, sizeof(deep),
		                            "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=2; plural=");
		for (int i = 0; i < 1000; i++)
			deep[n++] = '(';
		snprintf(deep + n, sizeof(deep) - n, "n\\n\"\n");
		refused_at(deep, 1);
	}
	/* Valid rules of other languages are accepted. */
	assert_int_equal(
	    add("ru", "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
	              "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n\"\n"),
	    0);
	assert_int_equal(add("fa", "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=2; plural=(n > 1);\\n\"\n"),
	                 0);
	assert_int_equal(add("tr", "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=1; plural=0;\\n\"\n"), 0);
}

static void test_malformed(void **state)
{
	(void)state;
	refused_at("msgid \"a\"\nmsgstr \"b\n", 2);                              /* unterminated */
	refused_at("\n\nmsgid \"a\"\nmsgstr \"b\\q\"\n", 4);                     /* unknown escape */
	refused_at("msgstr \"b\"\n", 1);                                         /* msgstr first */
	refused_at("msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"c\"\n", 1);             /* msgid without msgstr */
	refused_at("msgid \"a\"\nmsgstr \"b\"\nmsgid \"a\"\nmsgstr \"c\"\n", 3); /* duplicate */
	refused_at("msgid \"a\"\nmsgstr \"b\"\nbogus \"c\"\n", 3);
	refused_at("msgctxt \"x\"\nmsgid \"a\"\nmsgstr \"b\"\n", 1);
	refused_at("msgid \"a\"\nmsgstr \"b\" junk\n", 2);
	refused_at("msgid \"a\"\nmsgstr b\n", 2);
	refused_at("\"floating\"\n", 1);
	refused_at("msgid \"a\"\nmsgstr \"b\"\n\n\"after a blank\"\n", 4);
	refused_at("msgid \"a\"\nmsgstr[0] \"b\"\n", 2); /* no msgid_plural */
	refused_at("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr \"b\"\n", 3);
	refused_at("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[1] \"b\"\n", 3);
	refused_at("msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"b\"\n", 1);  /* 1 form, nplurals 2 */
	refused_at("msgid \"a\"\nmsgstr \"\xC3(\"\n", 2);                      /* invalid UTF-8 */
	refused_at("msgid \"a\"\nmsgstr \"b\"\nmsgid \"\"\nmsgstr \"\"\n", 3); /* late header */
	refused_at("msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n", 1);
	refused_at("#, c-format\nmsgid \"%d lieux\"\nmsgstr \"%s places\"\n", 2);
	refused_at("#, c-format\nmsgid \"%d lieux\"\nmsgstr \"places\"\n", 2);
	{
		static const char nul[] = "msgid \"a\"\nmsgstr \"b\0c\"\n";
		assert_int_equal(i18n_add_po("en", nul, sizeof(nul) - 1, err, sizeof(err)), -1);
		assert_string_equal(err, "line 2: NUL byte");
	}
	/* A refused file leaves the catalog as it was. */
	assert_null(i18n_find("en"));
	assert_int_equal(i18n_count(), 1);
}

static void test_unknown_language(void **state)
{
	(void)state;
	assert_int_equal(add("xx", "msgid \"a\"\nmsgstr \"b\"\n"), -1);
	assert_non_null(strstr(err, "xx"));
	assert_int_equal(add(NULL, ""), -1);
}

static void test_table_and_offered(void **state)
{
	(void)state;
	assert_int_equal(i18n_count(), 1);
	assert_string_equal(i18n_lang(0)->code, "fr");
	assert_null(i18n_lang(1));
	/* Added in another order, offered in the table's order, French first. */
	assert_int_equal(add("ar", "msgid \"a\"\nmsgstr \"b\"\n"), 0);
	assert_int_equal(add("en", ""), 0);
	assert_int_equal(i18n_count(), 3);
	assert_string_equal(i18n_lang(0)->code, "fr");
	assert_string_equal(i18n_lang(1)->code, "en");
	assert_string_equal(i18n_lang(2)->code, "ar");
	assert_false(i18n_find("fr")->rtl);
	assert_false(i18n_find("en")->rtl);
	assert_true(i18n_find("ar")->rtl);
	assert_string_equal(i18n_find("ar")->name, "العربية");
	assert_ptr_equal(i18n_find("AR"), i18n_find("ar"));
	/* Known but without a catalog: not offered, so not found. */
	assert_null(i18n_find("fa"));
	assert_null(i18n_find("xx"));
	assert_null(i18n_find(NULL));
	assert_null(i18n_find(""));
	/* A language with a catalog but not complete: public pages only. */
	assert_int_equal(add("fa", ""), 0);
	assert_null(i18n_find("fa"));
	assert_int_equal(i18n_count(), 3);
	assert_true(i18n_find_public("fa")->rtl);
	assert_int_equal(add("ps", ""), 0);
	assert_true(i18n_find_public("ps")->rtl);
	i18n_free();
	assert_int_equal(i18n_count(), 1);
	assert_int_equal(i18n_public_count(), 1);
	assert_null(i18n_find("ar"));
	assert_null(i18n_find_public("ar"));
}

/* The 20 public languages: their codes, endonyms and directions; the staff
 * pages keep the complete ones. */
static void test_public_languages(void **state)
{
	static const struct {
		const char *code, *name;
		int rtl;
	} want[] = {
	    {"fr", "Français", 0}, {"en", "English", 0},    {"ar", "العربية", 1},  {"fa", "فارسی", 1},
	    {"ps", "پښتو", 1},     {"uk", "Українська", 0}, {"ru", "Русский", 0},  {"ti", "ትግርኛ", 0},
	    {"es", "Español", 0},  {"pt", "Português", 0},  {"ro", "Română", 0},   {"tr", "Türkçe", 0},
	    {"ta", "தமிழ்", 0},     {"bn", "বাংলা", 0},      {"sq", "Shqip", 0},    {"ka", "ქართული", 0},
	    {"prs", "دری", 1},     {"so", "Soomaali", 0},   {"ku", "Kurmancî", 0}, {"zh", "中文", 0},
	};
	size_t n = sizeof(want) / sizeof(want[0]);

	(void)state;
	assert_int_equal(i18n_public_count(), 1);
	assert_string_equal(i18n_public_lang(0)->code, "fr");
	assert_null(i18n_public_lang(1));
	/* Added backwards: offered in the table's order all the same. */
	for (size_t i = n - 1; i > 0; i--)
		assert_int_equal(add(want[i].code, ""), 0);
	assert_int_equal(i18n_public_count(), n);
	for (size_t i = 0; i < n; i++) {
		const lang *l = i18n_public_lang(i);
		assert_non_null(l);
		assert_string_equal(l->code, want[i].code);
		assert_string_equal(l->name, want[i].name);
		assert_int_equal(l->rtl, want[i].rtl);
		assert_ptr_equal(i18n_find_public(want[i].code), l);
	}
	assert_null(i18n_public_lang(n));
	assert_ptr_equal(i18n_find_public("PRS"), i18n_find_public("prs"));
	assert_null(i18n_find_public("xx"));
	assert_null(i18n_find_public(NULL));
	assert_null(i18n_find_public(""));
	/* The staff pages: French, English and Arabic only. */
	assert_int_equal(i18n_count(), 3);
	assert_string_equal(i18n_lang(0)->code, "fr");
	assert_string_equal(i18n_lang(1)->code, "en");
	assert_string_equal(i18n_lang(2)->code, "ar");
	assert_null(i18n_lang(3));
	assert_null(i18n_find("uk"));
	assert_null(i18n_find("zh"));
	assert_true(i18n_is_staff(i18n_find_public("ar")));
	assert_true(i18n_is_staff(i18n_default()));
	assert_false(i18n_is_staff(i18n_find_public("uk")));
	assert_false(i18n_is_staff(NULL));
	/* Both sets share their lang: a staff language found either way is the
	 * same pointer. */
	assert_ptr_equal(i18n_find("ar"), i18n_find_public("ar"));
}

static void test_negotiate_public(void **state)
{
	static const char *const codes[] = {"en", "ar", "fa", "ps", "uk", "ru",  "ti", "es", "pt", "ro",
	                                    "tr", "ta", "bn", "sq", "ka", "prs", "so", "ku", "zh"};

	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		assert_int_equal(add(codes[i], ""), 0);
	assert_string_equal(i18n_negotiate_public(NULL)->code, "fr");
	assert_string_equal(i18n_negotiate_public("uk-UA,uk;q=0.9,ru;q=0.8")->code, "uk");
	assert_string_equal(i18n_negotiate_public("de, ti;q=0.4")->code, "ti");
	assert_string_equal(i18n_negotiate_public("zh-CN")->code, "zh");
	assert_string_equal(i18n_negotiate_public("zh-Hans-CN")->code, "zh");
	assert_string_equal(i18n_negotiate_public("prs")->code, "prs");
	assert_string_equal(i18n_negotiate_public("fa-AF")->code, "prs");
	assert_string_equal(i18n_negotiate_public("fa-IR")->code, "fa");
	assert_string_equal(i18n_negotiate_public("fa")->code, "fa");
	assert_string_equal(i18n_negotiate_public("so-SO, en;q=0.5")->code, "so");
	assert_string_equal(i18n_negotiate_public("ku")->code, "ku");
	assert_string_equal(i18n_negotiate_public("de")->code, "fr");
	/* The staff pages stay among the complete languages. */
	assert_string_equal(i18n_negotiate("uk-UA,uk;q=0.9")->code, "fr");
	assert_string_equal(i18n_negotiate("uk, en;q=0.5")->code, "en");
	assert_string_equal(i18n_negotiate("fa-AF, ar;q=0.2")->code, "ar");
}

static void test_negotiate(void **state)
{
	(void)state;
	assert_string_equal(i18n_negotiate("ar")->code, "fr"); /* not offered yet */
	assert_int_equal(add("en", ""), 0);
	assert_int_equal(add("ar", ""), 0);
	assert_string_equal(i18n_negotiate(NULL)->code, "fr");
	assert_string_equal(i18n_negotiate("")->code, "fr");
	assert_string_equal(i18n_negotiate("ar")->code, "ar");
	assert_string_equal(i18n_negotiate("ar-MA")->code, "ar");
	assert_string_equal(i18n_negotiate("EN-us")->code, "en");
	assert_string_equal(i18n_negotiate("en-GB,en;q=0.9,fr;q=0.8")->code, "en");
	assert_string_equal(i18n_negotiate("de, en;q=0.5")->code, "en");
	assert_string_equal(i18n_negotiate("fr;q=0.5, ar;q=0.8")->code, "ar");
	assert_string_equal(i18n_negotiate("en;q=0, ar;q=0.1")->code, "ar");
	assert_string_equal(i18n_negotiate("en ; q=0.2 , ar;q=0.3")->code, "ar");
	assert_string_equal(i18n_negotiate("en, ar")->code, "en"); /* first among equals */
	assert_string_equal(i18n_negotiate("en;q=1.000")->code, "en");
	assert_string_equal(i18n_negotiate("de, *;q=0.5")->code, "fr");
	assert_string_equal(i18n_negotiate("fa-AF, ps")->code, "fr");
	assert_string_equal(i18n_negotiate("ar;q=abc")->code, "fr");
	assert_string_equal(i18n_negotiate("ar;q=2")->code, "fr");
	assert_string_equal(i18n_negotiate("ar;q=0.12345")->code, "fr");
	assert_string_equal(i18n_negotiate(";;;,,,;q=")->code, "fr");
	{
		/* A huge header is read in part, never past its end. */
		char big[8192];
		size_t n = 0;
		while (n + 4 < sizeof(big))
			n += (size_t)snprintf(big + n, sizeof(big) - n, "de,");
		big[n] = '\0';
		assert_string_equal(i18n_negotiate(big)->code, "fr");
	}
}

static void test_init_embedded(void **state)
{
	const lang *en, *ar;

	(void)state;
	assert_int_equal(i18n_init(err, sizeof(err)), 0);
	en = i18n_find("en");
	ar = i18n_find("ar");
	assert_non_null(en);
	assert_non_null(ar);
	assert_true(ar->rtl);
	assert_string_equal(i18n_text(en, "Aller au contenu"), "Skip to content");
	assert_string_equal(i18n_text(ar, "Aller au contenu"), "الانتقال إلى المحتوى");
	assert_string_equal(i18n_text(en, "Le formulaire contient %d erreurs"),
	                    "There are %d errors in the form");
	/* Every po/ file of the repository is a public language; only the
	 * complete ones reach the staff pages. */
	assert_int_equal(i18n_public_count(), 20);
	assert_int_equal(i18n_count(), 3);
	assert_true(i18n_find_public("prs")->rtl);
	assert_false(i18n_find_public("zh")->rtl);
}

/* A site's own wording comes first for its language and msgid only;
 * everything else falls back to the catalogs. */
static void test_public_fixes(void **state)
{
	(void)state;
	assert_int_equal(i18n_init(err, sizeof(err)), 0);
	const lang *en = i18n_find("en"), *uk = i18n_find_public("uk"), *fr = i18n_default();
	i18n_fix v[] = {
	    {.lang = "uk", .msgid = "Recommencer", .text = "Почати знову, будь ласка"},
	    {.lang = "en", .msgid = "Aller au contenu", .text = "Go to the page"},
	    {.lang = "fr", .msgid = "Recommencer", .text = "Tout reprendre"},
	    {.lang = "en", .msgid = "Recommencer", .text = "Start again, please"},
	};
	i18n_fixes f = {.v = v, .n = 4};
	i18n_fixes_sort(&f);
	assert_string_equal(v[0].lang, "en");
	assert_string_equal(i18n_public_text(uk, &f, "Recommencer"), "Почати знову, будь ласка");
	assert_string_equal(i18n_public_text(en, &f, "Recommencer"), "Start again, please");
	assert_string_equal(i18n_public_text(fr, &f, "Recommencer"), "Tout reprendre");
	assert_string_equal(i18n_public_text(en, &f, "Aller au contenu"), "Go to the page");
	/* Not corrected: the catalog's. */
	assert_string_equal(i18n_public_text(uk, &f, "Aller au contenu"), i18n_text(uk, "Aller au contenu"));
	assert_string_equal(i18n_public_text(en, NULL, "Aller au contenu"), "Skip to content");
	i18n_fixes empty = {0};
	assert_string_equal(i18n_public_text(en, &empty, "Aller au contenu"), "Skip to content");
	assert_null(i18n_public_text(en, &f, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_simple_and_fallback, teardown),
	    cmocka_unit_test_teardown(test_multiline_and_escapes, teardown),
	    cmocka_unit_test_teardown(test_fuzzy_ignored, teardown),
	    cmocka_unit_test_teardown(test_plurals, teardown),
	    cmocka_unit_test_teardown(test_plural_rules_refused, teardown),
	    cmocka_unit_test_teardown(test_malformed, teardown),
	    cmocka_unit_test_teardown(test_unknown_language, teardown),
	    cmocka_unit_test_teardown(test_table_and_offered, teardown),
	    cmocka_unit_test_teardown(test_public_languages, teardown),
	    cmocka_unit_test_teardown(test_negotiate, teardown),
	    cmocka_unit_test_teardown(test_negotiate_public, teardown),
	    cmocka_unit_test_teardown(test_init_embedded, teardown),
	    cmocka_unit_test_teardown(test_public_fixes, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
