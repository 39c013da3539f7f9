/* test_speech.c: the voices; the cleaning of the text; the command line,
 * which never holds the text (a stand-in program records what it was
 * given); the sizes of the WAV header, on a crafted header and on a real
 * run of espeak-ng when it is installed; the cache (one run for many
 * requests, in memory and on disk); a clean failure without the program. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "unit.h"

#include "util/speech.h"

/* 1 when espeak-ng can be found on PATH, so that the tests that need the
 * program say they are skipped instead of failing on a machine without it. */
static int have_espeak(void)
{
	return system("command -v espeak-ng >/dev/null 2>&1") == 0;
}

static uint32_t le32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static void test_voices(void **state)
{
	(void)state;
	assert_string_equal(speech_voice("fr"), "fr");
	assert_string_equal(speech_voice("en"), "en");
	assert_string_equal(speech_voice("ar"), "ar");
	assert_string_equal(speech_voice("prs"), "fa");
	assert_string_equal(speech_voice("zh"), "cmn");
	assert_string_equal(speech_voice("uk"), "uk");
	assert_null(speech_voice("ps"));
	assert_null(speech_voice("ti"));
	assert_null(speech_voice("so"));
	assert_null(speech_voice("xx"));
	assert_null(speech_voice(""));
	assert_null(speech_voice(NULL));
}

static void clean(const char *in, size_t n, const char *want)
{
	char out[SPEECH_TEXT_MAX_BYTES + 1];
	size_t len = speech_clean_text(in, n, out, sizeof(out));
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
}

static void test_clean_text(void **state)
{
	(void)state;
	clean("Bonjour", 7, "Bonjour");
	clean("  -v xx  --stdout ", 18, "-v xx --stdout");
	/* Markup is not markup: no SSML is read, and the characters go. */
	clean("<speak><audio src=\"x\"/>Salut</speak>", 36, "speak audio src=\"x\"/ Salut /speak");
	clean("a &amp; b", 9, "a amp; b");
	/* NULs and controls become spaces; a NUL does not end the text. */
	clean("un\0deux\x01trois\nquatre\x7f", 21, "un deux trois quatre");
	/* Invalid UTF-8 goes, valid UTF-8 stays. */
	clean("\xff\xfe"
	      "caf\xc3\xa9 \xc0\xaf x",
	      12, "café x");
	clean("\xed\xa0\x80z", 4, "z");
	/* Direction marks (U+202E) go. */
	clean("a\xe2\x80\xae"
	      "b",
	      5, "a b");
	clean("\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7", 10, "مرحبا");
	clean("", 0, "");
	clean(NULL, 0, "");
	/* The length is bounded, at a character boundary. */
	size_t n = SPEECH_TEXT_MAX_BYTES + 50;
	char *longer = malloc(n);
	assert_non_null(longer);
	for (size_t i = 0; i + 1 < n; i += 2)
		memcpy(longer + i, "\xc3\xa9", 2);
	char out[SPEECH_TEXT_MAX_BYTES + 1];
	size_t len = speech_clean_text(longer, n, out, sizeof(out));
	assert_true(len <= SPEECH_TEXT_MAX_BYTES);
	assert_int_equal(len % 2, 0);
	assert_true(utf8_valid(out, len));
	free(longer);
}

static void test_command(void **state)
{
	(void)state;
	const char *argv[SPEECH_ARGV_MAX];
	speech_command("fr", argv);
	size_t n = 0;
	while (argv[n])
		n++;
	assert_true(n < SPEECH_ARGV_MAX);
	assert_string_equal(argv[0], "espeak-ng");
	assert_string_equal(argv[n - 1], "--stdin");
	for (size_t i = 0; i < n; i++) {
		assert_string_not_equal(argv[i], "-m");
		assert_null(strstr(argv[i], "ssml"));
	}
}

/* A RIFF header as espeak-ng writes it to a pipe: sizes of an endless
 * stream. */
static size_t crafted(char *w, size_t data_bytes, int with_list)
{
	size_t o = 0;
	memcpy(w, "RIFF\x24\xf0\xff\x7fWAVE", 12);
	o = 12;
	memcpy(w + o, "fmt \x10\0\0\0\x01\0\x01\0\x22\x56\0\0\x44\xac\0\0\x02\0\x10\0", 24);
	o += 24;
	if (with_list) {
		memcpy(w + o, "LIST\x05\0\0\0abcde\0", 14); /* odd size: one pad byte */
		o += 14;
	}
	memcpy(w + o, "data\0\xf0\xff\x7f", 8);
	o += 8;
	memset(w + o, 0x11, data_bytes);
	return o + data_bytes;
}

static void test_fix_sizes(void **state)
{
	(void)state;
	char w[256];
	size_t len = crafted(w, 100, 0);
	assert_int_equal(le32(w + 4), 0x7ffff024);
	assert_int_equal(speech_wav_fix_sizes((unsigned char *)w, len), 0);
	assert_int_equal(le32(w + 4), len - 8);
	assert_int_equal(le32(w + 40), 100);

	len = crafted(w, 7, 1);
	assert_int_equal(speech_wav_fix_sizes((unsigned char *)w, len), 0);
	assert_int_equal(le32(w + 4), len - 8);
	assert_int_equal(le32(w + 54), 7);

	/* Not a WAV, or chunks that run past the end. */
	assert_int_equal(speech_wav_fix_sizes((unsigned char *)"RIFX0000WAVE", 12), -1);
	assert_int_equal(speech_wav_fix_sizes((unsigned char *)"RIFF", 4), -1);
	assert_int_equal(speech_wav_fix_sizes(NULL, 0), -1);
	len = crafted(w, 10, 0);
	w[16] = (char)0xff; /* fmt says 255 bytes */
	assert_int_equal(speech_wav_fix_sizes((unsigned char *)w, len), -1);
	len = crafted(w, 0, 0);
	memcpy(w + 36, "junk", 4); /* no data chunk */
	assert_int_equal(speech_wav_fix_sizes((unsigned char *)w, len), -1);
}

static void test_wav(void **state)
{
	(void)state;
	if (!have_espeak())
		skip();
	speech_program_set(NULL);
	const char *langs[] = {"fr", "en", "ar", "uk", "zh", "prs"};
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		char err[200] = "";
		buf b;
		buf_init(&b, 0);
		/* A text starting with "-" is spoken, not read as an option. */
		int rc = speech_wav(langs[i], "-Très bien ; $(true) `x` -m <speak>12</speak>", &b, err,
		                    sizeof(err));
		if (rc != 0)
			fprintf(stderr, "%s: %s\n", langs[i], err);
		assert_int_equal(rc, 0);
		assert_true(b.len > 44);
		assert_memory_equal(b.data, "RIFF", 4);
		assert_memory_equal(b.data + 8, "WAVE", 4);
		/* The sizes are those of the bytes, not of an endless stream. */
		assert_int_equal(le32(b.data + 4), b.len - 8);
		assert_memory_equal(b.data + 36, "data", 4);
		assert_int_equal(le32(b.data + 40), b.len - 44);
		buf_free(&b);
	}
}

static void test_refused_before_running(void **state)
{
	(void)state;
	char err[200];
	buf b;
	buf_init(&b, 0);
	buf_puts(&b, "kept");
	assert_int_equal(speech_wav("xx", "Bonjour", &b, err, sizeof(err)), -1);
	assert_int_equal(speech_wav("ps", "Bonjour", &b, err, sizeof(err)), -1);
	assert_int_equal(speech_wav("fr", "", &b, err, sizeof(err)), -1);
	assert_int_equal(speech_wav("fr", " \x01\n ", &b, err, sizeof(err)), -1);
	assert_int_equal(speech_wav("fr", "\xff\xfe", &b, err, sizeof(err)), -1);
	assert_string_equal(b.data, "kept");
	buf_free(&b);
}

/* ---- A stand-in for espeak-ng: records its arguments and its input in a
 * directory and answers a small WAV. */

static char fake_dir[256];
static char fake_prog[300];

static void fake_setup(void)
{
	snprintf(fake_dir, sizeof(fake_dir), "/tmp/guichet-speech-test-%ld", (long)getpid());
	mkdir(fake_dir, 0700);
	snprintf(fake_prog, sizeof(fake_prog), "%s/fake-espeak", fake_dir);
	FILE *f = fopen(fake_prog, "w");
	assert_non_null(f);
	fprintf(f,
	        "#!/bin/sh\n"
	        "d=%s\n"
	        "for a in \"$@\"; do printf '%%s\\n' \"$a\"; done >> \"$d/argv\"\n"
	        "cat >> \"$d/stdin\"\n"
	        "echo run >> \"$d/runs\"\n"
	        "printf 'RIFF\\044\\360\\377\\177WAVEfmt \\020\\000\\000\\000\\001\\000\\001\\000"
	        "\\042\\126\\000\\000\\104\\254\\000\\000\\002\\000\\020\\000data\\000\\360\\377\\177"
	        "abcdefgh'\n",
	        fake_dir);
	fclose(f);
	chmod(fake_prog, 0700);
	speech_program_set(fake_prog);
}

static void fake_teardown(void)
{
	speech_program_set(NULL);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_dir);
	assert_int_equal(system(cmd), 0);
}

static char *slurp(const char *name)
{
	char path[400];
	snprintf(path, sizeof(path), "%s/%s", fake_dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return strdup("");
	char *s = calloc(1, 65536);
	size_t n = fread(s, 1, 65535, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void test_hostile_text_only_on_stdin(void **state)
{
	(void)state;
	fake_setup();
	const char *hostile[] = {
	    "-w /tmp/x --stdout",
	    "<speak><audio src=\"file:///etc/passwd\"/></speak>",
	    "--voice=en -m hello",
	    "$(touch /tmp/owned) ; `id`",
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char err[200] = "";
		buf b;
		buf_init(&b, 0);
		assert_int_equal(speech_wav("fr", hostile[i], &b, err, sizeof(err)), 0);
		assert_int_equal(b.len, 52);
		assert_int_equal(le32(b.data + 4), 44);
		assert_int_equal(le32(b.data + 40), 8);
		buf_free(&b);
	}
	char *argv = slurp("argv"), *input = slurp("stdin");
	/* Only the fixed options, four times; never a word of the text. */
	assert_null(strstr(argv, "/tmp/x"));
	assert_null(strstr(argv, "speak"));
	assert_null(strstr(argv, "hello"));
	assert_null(strstr(argv, "touch"));
	assert_null(strstr(argv, "-m\n"));
	assert_non_null(strstr(argv, "--stdin\n"));
	/* The text came on standard input, its markup gone. */
	assert_non_null(strstr(input, "-w /tmp/x --stdout\n"));
	assert_null(strchr(input, '<'));
	assert_non_null(strstr(input, "speak audio src=\"file:///etc/passwd\"/ /speak\n"));
	assert_non_null(strstr(input, "--voice=en -m hello\n"));
	free(argv);
	free(input);
	fake_teardown();
}

/* ---- The cache. */

static void *cached_once(void *arg)
{
	(void)arg;
	char err[200], etag[SPEECH_ETAG_BYTES];
	buf b;
	buf_init(&b, 0);
	int rc = speech_cached("fr", "Numéro A douze", &b, etag, err, sizeof(err));
	int ok = rc == 0 && b.len == 52 && etag[0] == '"';
	buf_free(&b);
	return ok ? arg : NULL;
}

static void test_cache(void **state)
{
	(void)state;
	fake_setup();
	speech_cache_configure(1024 * 1024, NULL);
	speech_cache_clear();
	unsigned long long runs, mem, disk;

	/* Eight requests at once for one text: one run. */
	pthread_t t[8];
	for (size_t i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, cached_once, (void *)(i + 1)), 0);
	for (size_t i = 0; i < 8; i++) {
		void *ok;
		pthread_join(t[i], &ok);
		assert_non_null(ok);
	}
	speech_cache_stats(&runs, &mem, &disk);
	assert_int_equal(runs, 1);
	assert_int_equal(mem, 7);

	/* The same text cleaned differently is the same speech. */
	char err[200], e1[SPEECH_ETAG_BYTES], e2[SPEECH_ETAG_BYTES];
	buf b;
	buf_init(&b, 0);
	assert_int_equal(speech_cached("fr", "  Numéro\nA douze ", &b, e1, err, sizeof(err)), 0);
	speech_cache_stats(&runs, &mem, &disk);
	assert_int_equal(runs, 1);
	/* Another voice is another entry. */
	assert_int_equal(speech_cached("en", "Numéro A douze", &b, e2, err, sizeof(err)), 0);
	speech_cache_stats(&runs, &mem, &disk);
	assert_int_equal(runs, 2);
	/* No voice: refused before anything runs. */
	assert_int_equal(speech_cached("ps", "x", &b, e2, err, sizeof(err)), -1);
	buf_free(&b);

	/* On disk: a cleared memory finds it there. */
	char dir[400];
	snprintf(dir, sizeof(dir), "%s/cache", fake_dir);
	mkdir(dir, 0700);
	speech_cache_configure(1024 * 1024, dir);
	speech_cache_clear();
	buf_init(&b, 0);
	assert_int_equal(speech_cached("fr", "Guichet deux", &b, e1, err, sizeof(err)), 0);
	speech_cache_clear();
	buf_reset(&b);
	assert_int_equal(speech_cached("fr", "Guichet deux", &b, e2, err, sizeof(err)), 0);
	assert_string_equal(e1, e2);
	assert_int_equal(b.len, 52);
	speech_cache_stats(&runs, &mem, &disk);
	assert_int_equal(runs, 0);
	assert_int_equal(disk, 1);

	/* A budget of nothing keeps nothing in memory, and still answers. */
	speech_cache_configure(0, NULL);
	speech_cache_clear();
	buf_reset(&b);
	assert_int_equal(speech_cached("fr", "Trois", &b, e1, err, sizeof(err)), 0);
	assert_int_equal(speech_cached("fr", "Trois", &b, e1, err, sizeof(err)), 0);
	speech_cache_stats(&runs, &mem, &disk);
	assert_int_equal(runs, 2);
	buf_free(&b);
	speech_cache_configure(SPEECH_CACHE_DEFAULT_BYTES, NULL);
	speech_cache_clear();
	fake_teardown();
}

static void test_program_missing(void **state)
{
	(void)state;
	speech_program_set(NULL);
	const char *old = getenv("PATH");
	char *saved = old ? strdup(old) : NULL;
	setenv("PATH", "/nonexistent-guichet-test", 1);
	char err[200] = "";
	buf b;
	buf_init(&b, 0);
	buf_puts(&b, "kept");
	int rc = speech_wav("fr", "Bonjour", &b, err, sizeof(err));
	int rc2 = speech_cached("fr", "Bonjour encore", &b, NULL, err, sizeof(err));
	if (saved) {
		setenv("PATH", saved, 1);
		free(saved);
	} else {
		unsetenv("PATH");
	}
	assert_int_equal(rc, -1);
	assert_int_equal(rc2, -1);
	assert_true(err[0] != '\0');
	assert_string_equal(b.data, "kept");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_voices),
	    cmocka_unit_test(test_clean_text),
	    cmocka_unit_test(test_command),
	    cmocka_unit_test(test_fix_sizes),
	    cmocka_unit_test(test_wav),
	    cmocka_unit_test(test_refused_before_running),
	    cmocka_unit_test(test_hostile_text_only_on_stdin),
	    cmocka_unit_test(test_cache),
	    cmocka_unit_test(test_program_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
