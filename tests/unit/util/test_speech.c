/* test_speech.c: the voices, the checks before espeak-ng runs, a real WAV
 * when espeak-ng is installed, and a clean failure when it is not found. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "util/speech.h"

/* 1 when espeak-ng can be found on PATH, so that the tests that need the
 * program say they are skipped instead of failing on a machine without it. */
static int have_espeak(void)
{
	return system("command -v espeak-ng >/dev/null 2>&1") == 0;
}

static void test_voices(void **state)
{
	(void)state;
	assert_string_equal(speech_voice("fr"), "fr");
	assert_string_equal(speech_voice("en"), "en");
	assert_string_equal(speech_voice("ar"), "ar");
	assert_null(speech_voice("xx"));
	assert_null(speech_voice(""));
	assert_null(speech_voice(NULL));
}

static void test_refused_before_running(void **state)
{
	(void)state;
	char err[200];
	buf b;
	buf_init(&b, 0);
	buf_puts(&b, "kept");
	assert_int_equal(speech_wav("xx", "Bonjour", &b, err, sizeof(err)), -1);
	assert_int_equal(speech_wav("fr", "", &b, err, sizeof(err)), -1);
	assert_int_equal(speech_wav("fr", "a\x01z", &b, err, sizeof(err)), -1);
	assert_int_equal(speech_wav("fr", "\xff\xfe", &b, err, sizeof(err)), -1);
	char *longer = malloc(SPEECH_TEXT_MAX_BYTES + 2);
	assert_non_null(longer);
	memset(longer, 'a', SPEECH_TEXT_MAX_BYTES + 1);
	longer[SPEECH_TEXT_MAX_BYTES + 1] = '\0';
	assert_int_equal(speech_wav("fr", longer, &b, err, sizeof(err)), -1);
	free(longer);
	assert_string_equal(b.data, "kept");
	buf_free(&b);
}

static void test_wav(void **state)
{
	(void)state;
	if (!have_espeak())
		skip();
	const char *langs[] = {"fr", "en", "ar"};
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		char err[200] = "";
		buf b;
		buf_init(&b, 0);
		/* A text starting with "-" is spoken, not read as an option. */
		int rc = speech_wav(langs[i], "-Très bien ; $(true) `x`", &b, err, sizeof(err));
		if (rc != 0)
			fprintf(stderr, "%s: %s\n", langs[i], err);
		assert_int_equal(rc, 0);
		assert_true(b.len > 44);
		assert_memory_equal(b.data, "RIFF", 4);
		assert_memory_equal(b.data + 8, "WAVE", 4);
		buf_free(&b);
	}
}

static void test_program_missing(void **state)
{
	(void)state;
	const char *old = getenv("PATH");
	char *saved = old ? strdup(old) : NULL;
	setenv("PATH", "/nonexistent-guichet-test", 1);
	char err[200] = "";
	buf b;
	buf_init(&b, 0);
	buf_puts(&b, "kept");
	int rc = speech_wav("fr", "Bonjour", &b, err, sizeof(err));
	if (saved) {
		setenv("PATH", saved, 1);
		free(saved);
	} else {
		unsetenv("PATH");
	}
	assert_int_equal(rc, -1);
	assert_true(err[0] != '\0');
	assert_string_equal(b.data, "kept");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_voices),
	    cmocka_unit_test(test_refused_before_running),
	    cmocka_unit_test(test_wav),
	    cmocka_unit_test(test_program_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
