/*
 * speech.c: runs espeak-ng to turn a short text into a WAV file.
 *
 * The program is started with posix_spawnp (found on PATH) and receives the
 * text as one argument after "--", so that no shell ever sees it and a text
 * starting with "-" is not taken for an option. Its standard output is read
 * through a pipe with a size cap and a deadline: a program that hangs or
 * talks too much is killed, and it is always reaped so that no zombie stays.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/speech.h"

#define SPEECH_PROGRAM "espeak-ng"
#define SPEECH_READ_BYTES 16384

extern char **environ;

static const struct {
	const char *lang;
	const char *voice;
} voices[] = {
    {"fr", "fr"},
    {"en", "en"},
    {"ar", "ar"},
};

const char *speech_voice(const char *lang)
{
	if (!lang)
		return NULL;
	for (size_t i = 0; i < COUNT(voices); i++)
		if (strcmp(lang, voices[i].lang) == 0)
			return voices[i].voice;
	return NULL;
}

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
	size_t tlen = text ? strlen(text) : 0;
	if (!tlen || tlen > SPEECH_TEXT_MAX_BYTES || !utf8_valid(text, tlen) || text_has_controls(text)) {
		snprintf(err, errlen, "the text is empty, too long or not plain UTF-8");
		return -1;
	}

	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	char *argv[] = {(char *)SPEECH_PROGRAM, (char *)"-v", (char *)voice, (char *)"--stdout",
	                (char *)"--",           (char *)text, NULL};
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
	int rc = posix_spawnp(&pid, SPEECH_PROGRAM, &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		snprintf(err, errlen, "cannot start %s: %s", SPEECH_PROGRAM, strerror(rc));
		return -1;
	}

	size_t start = out->len;
	int failed = read_all(fds[0], out, start, err, errlen);
	close(fds[0]);
	int status = reap(pid, failed != 0);
	if (failed)
		goto fail;
	if (status != 0) {
		/* 127: the child could not run the program (not on PATH). */
		snprintf(err, errlen, "%s exited with status %d", SPEECH_PROGRAM, status);
		goto fail;
	}
	if (out->len - start < 44 || memcmp(out->data + start, "RIFF", 4) != 0) {
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
