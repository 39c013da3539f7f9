/*
 * speech.c: runs espeak-ng to turn a short text into a WAV file.
 *
 * The program is started with posix_spawnp (found on PATH), never through a
 * shell. Its command line holds only options and a voice from the table
 * below; the text, cleaned first, goes to its standard input, which it
 * reads as plain text (no -m, so no SSML is ever interpreted), and a text
 * starting with "-" is never taken for an option. Its standard output is
 * read through a pipe with a size cap and a deadline: a program that hangs
 * or talks too much is killed, and it is always reaped so that no zombie
 * stays. The WAV it writes to a pipe declares the sizes of an endless
 * stream; they are set to the real ones before the bytes leave this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/speech.h"

#define SPEECH_PROGRAM "espeak-ng"
#define SPEECH_READ_BYTES 16384

extern char **environ;

/* The voices installed with Debian's espeak-ng-data for the public
 * languages (REFERENCE.md section 9). Dari is read with the Persian voice,
 * Chinese with Mandarin. Pashto, Tigrinya and Somali have none. */
static const struct {
	const char *lang;
	const char *voice;
} voices[] = {
    {"fr", "fr"}, {"en", "en"}, {"ar", "ar"}, {"fa", "fa"},  {"prs", "fa"}, {"uk", "uk"},
    {"ru", "ru"}, {"es", "es"}, {"pt", "pt"}, {"ro", "ro"},  {"tr", "tr"},  {"ta", "ta"},
    {"bn", "bn"}, {"sq", "sq"}, {"ka", "ka"}, {"zh", "cmn"}, {"ku", "ku"},
};

static const char *program = SPEECH_PROGRAM;
static pthread_mutex_t program_lock = PTHREAD_MUTEX_INITIALIZER;

const char *speech_voice(const char *lang)
{
	if (!lang)
		return NULL;
	for (size_t i = 0; i < COUNT(voices); i++)
		if (strcmp(lang, voices[i].lang) == 0)
			return voices[i].voice;
	return NULL;
}

void speech_program_set(const char *p)
{
	pthread_mutex_lock(&program_lock);
	program = p ? p : SPEECH_PROGRAM;
	pthread_mutex_unlock(&program_lock);
}

void speech_command(const char *voice, const char *argv[SPEECH_ARGV_MAX])
{
	size_t i = 0;
	pthread_mutex_lock(&program_lock);
	argv[i++] = program;
	pthread_mutex_unlock(&program_lock);
	/* -b 1: the input is UTF-8. --stdin: the text is read from standard
	 * input, to its end. */
	argv[i++] = "-b";
	argv[i++] = "1";
	argv[i++] = "-v";
	argv[i++] = voice;
	argv[i++] = "--stdout";
	argv[i++] = "--stdin";
	argv[i] = NULL;
}

/* ---- The text. */

/* The length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when the bytes are not one. */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned long *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	size_t len = s[0] >= 0xF0 && s[0] <= 0xF4  ? 4
	             : s[0] >= 0xE0                ? 3
	             : s[0] >= 0xC2 && s[0] < 0xE0 ? 2
	                                           : 0;
	if (!len || len > n)
		return 0;
	if (!utf8_valid((const char *)s, len))
		return 0;
	unsigned long c = s[0] & (0xFF >> (len + 1));
	for (size_t i = 1; i < len; i++)
		c = (c << 6) | (s[i] & 0x3F);
	*cp = c;
	return len;
}

/* Characters said as a space: controls, markup, and the marks that change
 * the direction of text (they mean nothing to a voice). */
static int said_as_space(unsigned long c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == '<' || c == '>' || c == '&' ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF || c == 0x2028 ||
	       c == 0x2029;
}

size_t speech_clean_text(const char *in, size_t n, char *out, size_t outlen)
{
	size_t o = 0, cap = outlen ? outlen - 1 : 0;
	int space = 1; /* drops leading spaces */
	const unsigned char *s = (const unsigned char *)in;

	if (cap > SPEECH_TEXT_MAX_BYTES)
		cap = SPEECH_TEXT_MAX_BYTES;
	for (size_t i = 0; in && i < n;) {
		unsigned long c = 0;
		size_t len = utf8_next(s + i, n - i, &c);
		if (!len) {
			len = 1;
			c = ' ';
		}
		if (said_as_space(c) || c == ' ') {
			space = 1;
			i += len;
			continue;
		}
		size_t need = len + (space && o > 0);
		if (o + need > cap)
			break;
		if (space && o > 0)
			out[o++] = ' ';
		memcpy(out + o, s + i, len);
		o += len;
		space = 0;
		i += len;
	}
	if (outlen)
		out[o] = '\0';
	return o;
}

/* ---- The WAV header. */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

int speech_wav_fix_sizes(unsigned char *wav, size_t len)
{
	if (!wav || len < 12 || len > UINT32_MAX || memcmp(wav, "RIFF", 4) != 0 ||
	    memcmp(wav + 8, "WAVE", 4) != 0)
		return -1;
	/* The chunks before "data" (fmt, perhaps LIST) say their true size;
	 * "data" is the last one and runs to the end. */
	size_t off = 12;
	while (off + 8 <= len) {
		uint32_t size = le32(wav + off + 4);
		if (memcmp(wav + off, "data", 4) == 0) {
			put_le32(wav + off + 4, (uint32_t)(len - off - 8));
			put_le32(wav + 4, (uint32_t)(len - 8));
			return 0;
		}
		if (size > len - off - 8)
			return -1;
		off += 8 + (size_t)size + (size & 1);
	}
	return -1;
}

/* ---- Running the program. */

/* Reads the child's output until end of file, the cap or the deadline.
 * 0 at end of file, -1 with the reason in err. */
static int read_all(int fd, buf *out, size_t start, char *err, size_t errlen)
{
	char chunk[SPEECH_READ_BYTES];
	int64_t deadline = mono_us() + (int64_t)SPEECH_TIMEOUT_MS * 1000;

	for (;;) {
		int64_t left_ms = (deadline - mono_us()) / 1000;
		if (left_ms <= 0) {
			snprintf(err, errlen, "espeak-ng took longer than %d ms", SPEECH_TIMEOUT_MS);
			return -1;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int rc = poll(&p, 1, (int)left_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (rc == 0)
			continue; /* the deadline is checked at the top */
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			snprintf(err, errlen, "read: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		if (out->len - start + (size_t)n > SPEECH_WAV_MAX_BYTES) {
			snprintf(err, errlen, "espeak-ng wrote more than %lu bytes",
			         (unsigned long)SPEECH_WAV_MAX_BYTES);
			return -1;
		}
		buf_append(out, chunk, (size_t)n);
		if (out->overflow) {
			snprintf(err, errlen, "the output buffer is full");
			return -1;
		}
	}
}

/* Writes the text to the child's standard input. The text is far smaller
 * than a pipe's buffer, so this never waits on the child. A child that
 * exited before reading must not kill the server with SIGPIPE: the signal
 * is blocked for this thread during the write and a pending one taken. */
static void write_text(int fd, const char *text, size_t n)
{
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	int broken = 0;
	while (n > 0) {
		ssize_t w = write(fd, text, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			broken = errno == EPIPE;
			break;
		}
		text += w;
		n -= (size_t)w;
	}
	if (broken && !sigismember(&old, SIGPIPE)) {
		struct timespec zero = {0, 0};
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Waits for the child; kill first when it must not finish. The exit status
 * (0 for success) or -1. */
static int reap(pid_t pid, int kill_first)
{
	int status = 0;

	if (kill_first)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

int speech_wav(const char *lang, const char *text, buf *out, char *err, size_t errlen)
{
	const char *voice = speech_voice(lang);
	if (!voice) {
		snprintf(err, errlen, "no voice for this language");
		return -1;
	}
	char clean[SPEECH_TEXT_MAX_BYTES + 2];
	size_t tlen = speech_clean_text(text, text ? strlen(text) : 0, clean, SPEECH_TEXT_MAX_BYTES + 1);
	if (!tlen) {
		snprintf(err, errlen, "nothing to say");
		return -1;
	}
	clean[tlen++] = '\n';
	clean[tlen] = '\0';

	int out_fds[2], in_fds[2];
	if (pipe2(out_fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(in_fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(out_fds[0]);
		close(out_fds[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_fds[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out_fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	const char *argv[SPEECH_ARGV_MAX];
	speech_command(voice, argv);
	/* The server's threads block some signals (cli_serve.c); the program
	 * starts with none blocked and every signal at its default action. */
	posix_spawnattr_t at;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, &at, (char *const *)argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(out_fds[1]);
	close(in_fds[0]);
	if (rc != 0) {
		close(out_fds[0]);
		close(in_fds[1]);
		snprintf(err, errlen, "cannot start %s: %s", argv[0], strerror(rc));
		return -1;
	}
	write_text(in_fds[1], clean, tlen);
	close(in_fds[1]);

	size_t start = out->len;
	int failed = read_all(out_fds[0], out, start, err, errlen);
	close(out_fds[0]);
	int status = reap(pid, failed != 0);
	if (failed)
		goto fail;
	if (status != 0) {
		/* 127: the child could not run the program (not on PATH). */
		snprintf(err, errlen, "%s exited with status %d", SPEECH_PROGRAM, status);
		goto fail;
	}
	if (out->len - start < 44 ||
	    speech_wav_fix_sizes((unsigned char *)out->data + start, out->len - start) != 0) {
		snprintf(err, errlen, "%s answered something that is no WAV file", SPEECH_PROGRAM);
		goto fail;
	}
	return 0;

fail:
	/* Leave out as the caller gave it. */
	out->len = start;
	if (out->data)
		out->data[start] = '\0';
	return -1;
}
