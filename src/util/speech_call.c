/*
 * speech_call.c: the sentence of a call on the public screen, and its
 * speech. The sentence is a public phrase translated in each language's
 * catalog, with the ticket and the desk written out in words (spoken.h),
 * so that "A012" is heard "A twelve" and not "A zero one two".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/i18n.h"
#include "util/speech.h"
#include "util/spoken.h"

/* TRANSLATORS: spoken aloud by the waiting room's screen, never shown.
 * Keep {ticket} and {desk}: they become the ticket ("A twelve") and the
 * desk ("desk two"). In Arabic, write the vowel marks (tashkeel). */
static const char CALL_MSGID[] = NP_("Numéro {ticket}. {desk}, s'il vous plaît.");
/* TRANSLATORS: spoken aloud: the desk of a call, {number} in words. In
 * Arabic, write the vowel marks (tashkeel). */
static const char DESK_MSGID[] = NP_("Guichet {number}");

/* Appends template with each {name} replaced by its value; other braces
 * are copied. */
static void fill(buf *out, const char *template, const char *const names[], const char *const values[],
                 size_t n)
{
	for (const char *p = template; *p;) {
		size_t i = 0;
		if (*p == '{')
			for (; i < n; i++)
				if (strncmp(p + 1, names[i], strlen(names[i])) == 0 &&
				    p[1 + strlen(names[i])] == '}')
					break;
		if (*p == '{' && i < n) {
			buf_puts(out, values[i]);
			p += strlen(names[i]) + 2;
		} else {
			buf_putc(out, *p++);
		}
	}
}

/* The number of a desk named "2" or "Guichet 2" (the French word a site
 * uses), or -1 for any other name. */
static long desk_number(const char *desk)
{
	const char *p = desk;
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "guichet", 7) == 0)
		p += 7;
	while (*p == ' ')
		p++;
	size_t n = strspn(p, "0123456789");
	if (n == 0 || n > 3 || p[n + strspn(p + n, " ")] != '\0')
		return -1;
	long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

int speech_call_text(const char *lang_code, const char *label, const char *desk, buf *out)
{
	return speech_call_text_fixed(lang_code, label, desk, NULL, out);
}

int speech_call_text_fixed(const char *lang_code, const char *label, const char *desk, const i18n_fixes *fixes,
                           buf *out)
{
	const lang *l = i18n_find_public(lang_code);
	const char *code = l ? l->code : "fr";
	if (!label || !*label)
		return -1;
	buf ticket, place, number;
	buf_init(&ticket, SPEECH_TEXT_MAX_BYTES);
	buf_init(&place, SPEECH_TEXT_MAX_BYTES);
	buf_init(&number, SPEECH_TEXT_MAX_BYTES);
	spoken_label(code, label, &ticket);
	long d = desk_number(desk ? desk : "");
	if (d >= 0) {
		spoken_number(code, (unsigned)d, &number);
		const char *names[] = {"number"};
		const char *values[] = {number.data ? number.data : ""};
		fill(&place, i18n_public_text(l, fixes, DESK_MSGID), names, values, 1);
	} else {
		spoken_numbers_in_text(code, desk ? desk : "", &place);
	}
	const char *names[] = {"ticket", "desk"};
	const char *values[] = {ticket.data ? ticket.data : "", place.data ? place.data : ""};
	fill(out, i18n_public_text(l, fixes, CALL_MSGID), names, values, 2);
	int rc = ticket.overflow || place.overflow || number.overflow || out->overflow ? -1 : 0;
	buf_free(&ticket);
	buf_free(&place);
	buf_free(&number);
	return rc;
}

int speech_call_wav(const char *code, const char *label, const char *desk, buf *out,
                    char etag[SPEECH_ETAG_BYTES], char *err, size_t errlen)
{
	return speech_call_wav_fixed(code, label, desk, NULL, out, etag, err, errlen);
}

int speech_call_wav_fixed(const char *code, const char *label, const char *desk, const i18n_fixes *fixes,
                          buf *out, char etag[SPEECH_ETAG_BYTES], char *err, size_t errlen)
{
	if (!speech_voice(code)) {
		snprintf(err, errlen, "no voice for this language");
		return SPEECH_NO_VOICE;
	}
	buf text;
	buf_init(&text, SPEECH_TEXT_MAX_BYTES);
	if (speech_call_text_fixed(code, label, desk, fixes, &text) != 0) {
		buf_free(&text);
		snprintf(err, errlen, "the call has no ticket or is too long");
		return -1;
	}
	int rc = speech_cached(code, text.data, out, etag, err, errlen);
	buf_free(&text);
	return rc;
}
