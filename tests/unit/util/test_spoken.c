/* test_spoken.c: numbers and Latin letters written out in words, with
 * known values for each language, ticket labels and desk names, and the
 * sentence of a call built from the catalogs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "util/i18n.h"
#include "util/speech.h"
#include "util/spoken.h"

static void number_is(const char *code, unsigned n, const char *want)
{
	buf b;
	buf_init(&b, 0);
	assert_int_equal(spoken_number(code, n, &b), 0);
	if (strcmp(b.data ? b.data : "", want) != 0)
		fprintf(stderr, "%s %u: got \"%s\", want \"%s\"\n", code, n, b.data ? b.data : "", want);
	assert_string_equal(b.data ? b.data : "", want);
	buf_free(&b);
}

static void test_french(void **state)
{
	(void)state;
	number_is("fr", 0, "zéro");
	number_is("fr", 1, "un");
	number_is("fr", 12, "douze");
	number_is("fr", 17, "dix-sept");
	number_is("fr", 21, "vingt et un");
	number_is("fr", 22, "vingt-deux");
	number_is("fr", 70, "soixante-dix");
	number_is("fr", 71, "soixante et onze");
	number_is("fr", 77, "soixante-dix-sept");
	number_is("fr", 80, "quatre-vingts");
	number_is("fr", 81, "quatre-vingt-un");
	number_is("fr", 91, "quatre-vingt-onze");
	number_is("fr", 99, "quatre-vingt-dix-neuf");
	number_is("fr", 100, "cent");
	number_is("fr", 101, "cent un");
	number_is("fr", 200, "deux cents");
	number_is("fr", 280, "deux cent quatre-vingts");
	number_is("fr", 999, "neuf cent quatre-vingt-dix-neuf");
}

static void test_english(void **state)
{
	(void)state;
	number_is("en", 0, "zero");
	number_is("en", 12, "twelve");
	number_is("en", 40, "forty");
	number_is("en", 42, "forty-two");
	number_is("en", 100, "one hundred");
	number_is("en", 115, "one hundred and fifteen");
	number_is("en", 999, "nine hundred and ninety-nine");
}

static void test_spanish_portuguese_romanian(void **state)
{
	(void)state;
	number_is("es", 16, "dieciséis");
	number_is("es", 21, "veintiuno");
	number_is("es", 35, "treinta y cinco");
	number_is("es", 100, "cien");
	number_is("es", 101, "ciento uno");
	number_is("es", 512, "quinientos doce");
	number_is("es", 999, "novecientos noventa y nueve");
	number_is("pt", 16, "dezasseis");
	number_is("pt", 23, "vinte e três");
	number_is("pt", 100, "cem");
	number_is("pt", 112, "cento e doze");
	number_is("pt", 345, "trezentos e quarenta e cinco");
	number_is("ro", 12, "doisprezece");
	number_is("ro", 20, "douăzeci");
	number_is("ro", 21, "douăzeci și unu");
	number_is("ro", 100, "o sută");
	number_is("ro", 200, "două sute");
	number_is("ro", 312, "trei sute doisprezece");
}

static void test_turkish_albanian_kurmanji(void **state)
{
	(void)state;
	number_is("tr", 0, "sıfır");
	number_is("tr", 12, "on iki");
	number_is("tr", 100, "yüz");
	number_is("tr", 112, "yüz on iki");
	number_is("tr", 250, "iki yüz elli");
	number_is("sq", 12, "dymbëdhjetë");
	number_is("sq", 21, "njëzet e një");
	number_is("sq", 40, "dyzet");
	number_is("sq", 100, "njëqind");
	number_is("sq", 112, "njëqind e dymbëdhjetë");
	number_is("ku", 12, "diwazdeh");
	number_is("ku", 21, "bîst û yek");
	number_is("ku", 200, "dused");
	number_is("ku", 112, "sed û diwazdeh");
}

static void test_russian_ukrainian(void **state)
{
	(void)state;
	number_is("ru", 0, "ноль");
	number_is("ru", 12, "двенадцать");
	number_is("ru", 40, "сорок");
	number_is("ru", 42, "сорок два");
	number_is("ru", 200, "двести");
	number_is("ru", 512, "пятьсот двенадцать");
	number_is("uk", 0, "нуль");
	number_is("uk", 12, "дванадцять");
	number_is("uk", 55, "п'ятдесят п'ять");
	number_is("uk", 200, "двісті");
	number_is("uk", 911, "дев'ятсот одинадцять");
}

static void test_georgian_chinese(void **state)
{
	(void)state;
	number_is("ka", 12, "თორმეტი");
	number_is("ka", 20, "ოცი");
	number_is("ka", 21, "ოცდაერთი");
	number_is("ka", 30, "ოცდაათი");
	number_is("ka", 45, "ორმოცდახუთი");
	number_is("ka", 99, "ოთხმოცდაცხრამეტი");
	number_is("ka", 100, "ასი");
	number_is("ka", 101, "ას ერთი");
	number_is("ka", 215, "ორას თხუთმეტი");
	number_is("zh", 0, "零");
	number_is("zh", 10, "十");
	number_is("zh", 12, "十二");
	number_is("zh", 20, "二十");
	number_is("zh", 45, "四十五");
	number_is("zh", 100, "一百");
	number_is("zh", 105, "一百零五");
	number_is("zh", 112, "一百一十二");
	number_is("zh", 999, "九百九十九");
}

static void test_arabic_persian(void **state)
{
	(void)state;
	number_is("ar", 0, "صِفْر");
	number_is("ar", 3, "ثَلَاثَة");
	number_is("ar", 12, "اِثْنَا عَشَرَ");
	number_is("ar", 20, "عِشْرُون");
	number_is("ar", 23, "ثَلَاثَة وَعِشْرُون");
	number_is("ar", 100, "مِئَة");
	number_is("ar", 200, "مِئَتَان");
	number_is("ar", 112, "مِئَة وَاِثْنَا عَشَرَ");
	number_is("fa", 12, "دوازده");
	number_is("fa", 21, "بیست و یک");
	number_is("fa", 200, "دویست");
	number_is("fa", 345, "سیصد و چهل و پنج");
	number_is("prs", 12, "دوازده");
}

static void test_tamil_bengali(void **state)
{
	(void)state;
	number_is("ta", 0, "பூஜ்ஜியம்");
	number_is("ta", 12, "பன்னிரண்டு");
	number_is("ta", 20, "இருபது");
	number_is("ta", 21, "இருபத்து ஒன்று");
	number_is("ta", 100, "நூறு");
	number_is("ta", 105, "நூற்று ஐந்து");
	number_is("ta", 900, "தொள்ளாயிரம்");
	/* Bengali: its digits, read by the voice as one number. */
	number_is("bn", 12, "১২");
	number_is("bn", 305, "৩০৫");
}

static void test_no_rules_and_large(void **state)
{
	(void)state;
	number_is("ps", 12, "12");
	number_is("xx", 7, "7");
	number_is(NULL, 7, "7");
	number_is("fr", 1000, "1000");
	assert_false(spoken_has_rules("ti"));
	assert_true(spoken_has_rules("ka"));
}

static void test_letters(void **state)
{
	(void)state;
	assert_string_equal(spoken_letter("fr", 'A'), "a");
	assert_string_equal(spoken_letter("fr", 'W'), "double vé");
	assert_string_equal(spoken_letter("en", 'h'), "aitch");
	assert_string_equal(spoken_letter("es", 'J'), "jota");
	assert_string_equal(spoken_letter("ru", 'B'), "бэ");
	assert_string_equal(spoken_letter("ar", 'C'), "سِي");
	assert_string_equal(spoken_letter("zh", 'B'), "B");
	assert_string_equal(spoken_letter("ps", 'B'), "B");
	assert_null(spoken_letter("fr", '1'));
	assert_null(spoken_letter("fr", '-'));
	const char *langs[] = {"fr", "en", "ar", "fa", "prs", "uk", "ru", "es", "pt",
	                       "ro", "tr", "ta", "bn", "sq",  "ka", "zh", "ku"};
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		for (char c = 'A'; c <= 'Z'; c++) {
			const char *s = spoken_letter(langs[i], c);
			assert_non_null(s);
			assert_true(*s);
			assert_true(utf8_valid(s, strlen(s)));
		}
}

static void label_is(const char *code, const char *label, const char *want)
{
	buf b;
	buf_init(&b, 0);
	assert_int_equal(spoken_label(code, label, &b), 0);
	assert_string_equal(b.data ? b.data : "", want);
	buf_free(&b);
}

static void test_labels(void **state)
{
	(void)state;
	label_is("fr", "A012", "a douze");
	label_is("en", "A012", "ay twelve");
	label_is("en", "B-7", "bee seven");
	label_is("en", "C000", "see zero");
	label_is("ar", "A012", "إِيه اِثْنَا عَشَرَ");
	label_is("uk", "A012", "а дванадцять");
	label_is("fr", "12345", "un deux trois quatre cinq");
	label_is("fr", "", "");
}

static void test_numbers_in_text(void **state)
{
	(void)state;
	buf b;
	buf_init(&b, 0);
	spoken_numbers_in_text("fr", "Bureau 21 bis", &b);
	assert_string_equal(b.data, "Bureau vingt et un bis");
	buf_free(&b);
}

static void call_is(const char *code, const char *label, const char *desk, const char *want)
{
	buf b;
	buf_init(&b, 0);
	assert_int_equal(speech_call_text(code, label, desk, &b), 0);
	if (strcmp(b.data, want) != 0)
		fprintf(stderr, "%s: got \"%s\"\n", code, b.data);
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void test_call_text(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(i18n_init(err, sizeof(err)), 0);
	call_is("fr", "A012", "Guichet 2", "Numéro a douze. Guichet deux, s'il vous plaît.");
	call_is("fr", "B7", "3", "Numéro bé sept. Guichet trois, s'il vous plaît.");
	call_is("fr", "A012", "Bureau d'accueil", "Numéro a douze. Bureau d'accueil, s'il vous plaît.");
	call_is("en", "A012", "Guichet 2", "Number ay twelve. Desk two, please.");
	call_is("ar", "A012", "guichet 2", "الرَّقْمُ إِيه اِثْنَا عَشَرَ. الشُّبَّاكُ اِثْنَان، مِنْ فَضْلِكَ.");
	call_is("zh", "A012", "Guichet 2", "请A 十二号到二号窗口。");
	/* A language Guichet does not offer speaks French. */
	call_is("xx", "A1", "Guichet 1", "Numéro a un. Guichet un, s'il vous plaît.");
	buf b;
	buf_init(&b, 0);
	assert_int_equal(speech_call_text("fr", "", "Guichet 1", &b), -1);
	buf_free(&b);
	/* No voice: said so before anything runs. */
	buf_init(&b, 0);
	assert_int_equal(speech_call_wav("ps", "A012", "Guichet 2", &b, NULL, err, sizeof(err)),
	                 SPEECH_NO_VOICE);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	i18n_free();
}

/* The WAV of a call in French and in Arabic, when espeak-ng is installed:
 * correct sizes, the same ETag for a recall (answered by the cache). */
static void test_call_wav(void **state)
{
	(void)state;
	if (system("command -v espeak-ng >/dev/null 2>&1") != 0)
		skip();
	char err[256];
	assert_int_equal(i18n_init(err, sizeof(err)), 0);
	const char *langs[] = {"fr", "ar"};
	for (size_t i = 0; i < 2; i++) {
		buf b;
		char e1[SPEECH_ETAG_BYTES], e2[SPEECH_ETAG_BYTES];
		buf_init(&b, SPEECH_WAV_MAX_BYTES + 1);
		assert_int_equal(speech_call_wav(langs[i], "A012", "Guichet 2", &b, e1, err, sizeof(err)), 0);
		assert_true(b.len > 44);
		assert_memory_equal(b.data, "RIFF", 4);
		const unsigned char *u = (const unsigned char *)b.data;
		assert_int_equal((size_t)u[4] | (size_t)u[5] << 8 | (size_t)u[6] << 16 | (size_t)u[7] << 24,
		                 b.len - 8);
		unsigned long long runs, hits, disk;
		speech_cache_stats(&runs, &hits, &disk);
		buf_reset(&b);
		assert_int_equal(speech_call_wav(langs[i], "A012", "Guichet 2", &b, e2, err, sizeof(err)), 0);
		unsigned long long runs2;
		speech_cache_stats(&runs2, &hits, &disk);
		assert_int_equal(runs2, runs);
		assert_string_equal(e1, e2);
		buf_free(&b);
	}
	speech_cache_clear();
	i18n_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_french),
	    cmocka_unit_test(test_english),
	    cmocka_unit_test(test_spanish_portuguese_romanian),
	    cmocka_unit_test(test_turkish_albanian_kurmanji),
	    cmocka_unit_test(test_russian_ukrainian),
	    cmocka_unit_test(test_georgian_chinese),
	    cmocka_unit_test(test_arabic_persian),
	    cmocka_unit_test(test_tamil_bengali),
	    cmocka_unit_test(test_no_rules_and_large),
	    cmocka_unit_test(test_letters),
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_numbers_in_text),
	    cmocka_unit_test(test_call_text),
	    cmocka_unit_test(test_call_wav),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
