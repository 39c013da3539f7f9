/*
 * takehome.c: the sentences of the take-home summary of a visit
 * (takehome.h). The person reads them in her language, often little, often
 * with someone helping: short sentences addressed to her ("vous"), one fact
 * each, no jargon of the programme ("escalade", "niveau d'intervention").
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/takehome.h"
#include "util/i18n.h"
#include "util/smtp.h"

typedef struct level_text {
	const char *code, *text, *picto;
} level_text;

static const level_text levels[] = {
    {"information", NP_("Nous vous avons donné des informations."), "2139"},
    {"fait_avec", NP_("Nous avons fait la démarche avec vous."), "1F91D"},
    {"fait_pour", NP_("Nous avons fait la démarche pour vous, avec votre accord écrit (mandat)."), "270D"},
};

typedef struct outcome_text {
	const char *code, *text, *picto, *next;
	int documents, escalated;
} outcome_text;

static const outcome_text outcomes[] = {
    {"resolu", NP_("C'est terminé : votre démarche est faite."), "2705",
     NP_("Vous n'avez rien d'autre à faire."), 0, 0},
    {"a_finaliser_en_autonomie", NP_("Il vous reste à finir la démarche vous-même."), "1F4BB",
     NP_("Finissez la démarche chez vous. Si vous avez besoin d'aide, revenez nous voir."), 1, 0},
    {"doit_revenir", NP_("La démarche n'est pas finie : vous devez revenir."), "1F4C5",
     NP_("Revenez nous voir pour finir la démarche."), 1, 0},
    {"oriente", NP_("Un autre service peut vous aider pour cette démarche."), "1F4CD",
     NP_("Allez voir ce service :"), 0, 0},
    {"escalade", NP_("Nous avons envoyé votre demande à l'organisme."), "1F4E4",
     NP_("L'organisme va répondre. Nous vous dirons sa réponse."), 0, 1},
};

static const struct {
	const char *code, *text;
} referrals[] = {
    {"administration", NP_("Une administration")},
    {"autre_mediation_numerique", NP_("Un autre lieu d'aide pour le numérique")},
    {"operateur_en_charge", NP_("L'organisme qui s'occupe de votre démarche")},
    {"aide_sociale", NP_("Un service d'aide sociale")},
    {"insertion_professionnelle", NP_("Un service d'aide pour trouver un emploi")},
    {"aide_aux_demarches", NP_("Un autre lieu France Services")},
    {"autre", NP_("Un autre service")},
};

static const char *const weekdays[8] = {
    NULL,         NP_("Lundi"),    NP_("Mardi"),  NP_("Mercredi"),
    NP_("Jeudi"), NP_("Vendredi"), NP_("Samedi"), NP_("Dimanche"),
};

int takehome_demand_of(const char *level, const char *outcome, const char *referral_type,
                       takehome_demand *out)
{
	const level_text *l = NULL;
	const outcome_text *o = NULL;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; level && i < COUNT(levels); i++)
		if (strcmp(levels[i].code, level) == 0)
			l = &levels[i];
	for (size_t i = 0; outcome && i < COUNT(outcomes); i++)
		if (strcmp(outcomes[i].code, outcome) == 0)
			o = &outcomes[i];
	if (!l || !o)
		return -1;
	out->done = l->text;
	out->done_picto = l->picto;
	out->outcome = o->text;
	out->outcome_picto = o->picto;
	out->next = o->next;
	out->documents = o->documents;
	out->escalated = o->escalated;
	if (strcmp(o->code, "oriente") == 0) {
		/* A referral whose kind was not recorded still says where to go,
		 * in the words of the last kind: "another service". */
		out->referral = referrals[COUNT(referrals) - 1].text;
		for (size_t i = 0; referral_type && i < COUNT(referrals); i++)
			if (strcmp(referrals[i].code, referral_type) == 0)
				out->referral = referrals[i].text;
	}
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t takehome_documents(arena *a, const char *text, size_t max, const char ***out)
{
	size_t lines = 0, n = 0;

	*out = NULL;
	if (!text || max == 0)
		return 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	lines++;
	if (lines > max)
		lines = max;
	const char **v = arena_alloc(a, lines * sizeof(*v));
	if (!v)
		return 0;
	for (const char *p = text; *p && n < lines;) {
		const char *end = strchr(p, '\n');
		const char *stop = end ? end : p + strlen(p);
		const char *s = p, *e = stop;
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if (e > s) {
			char *line = arena_strndup(a, s, (size_t)(e - s));
			if (!line)
				break;
			v[n++] = line;
		}
		p = end ? end + 1 : stop;
	}
	*out = n ? v : NULL;
	return n;
}

int takehome_format_parse(const char *s)
{
	if (!s || !*s || strcmp(s, "a4") == 0)
		return TAKEHOME_A4;
	if (strcmp(s, "receipt") == 0)
		return TAKEHOME_RECEIPT;
	return -1;
}

const char *takehome_format_code(takehome_format f)
{
	return f == TAKEHOME_RECEIPT ? "receipt" : "a4";
}

const char *takehome_weekday(int weekday)
{
	return weekday >= 1 && weekday <= 7 ? weekdays[weekday] : NULL;
}

int takehome_hm(int minutes, char out[6])
{
	if (minutes < 0 || minutes > 1440) {
		out[0] = '\0';
		return -1;
	}
	snprintf(out, 6, "%02d:%02d", minutes / 60, minutes % 60);
	return 0;
}

/* ---- The e-mail. */

/* Base64 of n bytes in lines of 76 characters ended by CRLF. */
static void put_base64(buf *out, const unsigned char *p, size_t n)
{
	char line[80];
	for (size_t i = 0; i < n; i += 57) {
		size_t chunk = n - i < 57 ? n - i : 57;
		sodium_bin2base64(line, sizeof line, p + i, chunk, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(out, line);
		buf_puts(out, "\r\n");
	}
}

/* A part's text with CRLF line ends (a lone LF becomes CRLF), in base64. */
static int put_part(buf *out, const char *type, const char *text)
{
	buf crlf;
	buf_init(&crlf, (size_t)1024 * 1024);
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			buf_putc(&crlf, '\r');
		buf_putc(&crlf, *p);
	}
	buf_printf(out,
	           "Content-Type: %s; charset=UTF-8\r\n"
	           "Content-Transfer-Encoding: base64\r\n\r\n",
	           type);
	int rc = crlf.overflow ? -1 : 0;
	if (rc == 0)
		put_base64(out, (const unsigned char *)(crlf.data ? crlf.data : ""), crlf.len);
	buf_free(&crlf);
	return rc;
}

/* The subject as RFC 2047 encoded words, folded, each cut on a character
 * boundary so that it decodes alone. */
static void put_subject(buf *out, const char *s)
{
	size_t len = strlen(s), i = 0;
	char word[80];
	buf_puts(out, "Subject: ");
	while (i < len) {
		size_t n = len - i < 42 ? len - i : 42;
		while (n > 0 && i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
			n--;
		if (n == 0)
			n = len - i < 42 ? len - i : 42;
		sodium_bin2base64(word, sizeof word, (const unsigned char *)s + i, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", word);
		i += n;
	}
	buf_puts(out, "\r\n");
}

/* The Date header, in English and UTC whatever the process's locale. */
static void put_date(buf *out, int64_t now)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)now;
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof tm);
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday % 7], tm.tm_mday,
	           months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int takehome_mail_compose(const takehome_mail *m, buf *out)
{
	if (!smtp_address_valid(m->from) || !smtp_address_valid(m->to) || !m->subject || !m->text ||
	    !m->html || !m->lang || strspn(m->lang, "abcdefghijklmnopqrstuvwxyz-") != strlen(m->lang) ||
	    !*m->lang)
		return -1;
	unsigned char rnd[12];
	char hex[25];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	put_date(out, m->now);
	buf_printf(out, "From: Guichet <%s>\r\n", m->from);
	buf_printf(out, "To: <%s>\r\n", m->to);
	buf_printf(out, "Message-ID: <guichet.summary.%s@%s>\r\n", hex, strchr(m->from, '@') + 1);
	put_subject(out, m->subject);
	buf_printf(out,
	           "MIME-Version: 1.0\r\n"
	           "Content-Type: multipart/alternative; boundary=\"guichet-%s\"\r\n"
	           "Content-Language: %s\r\n"
	           "\r\n",
	           hex, m->lang);
	buf_printf(out, "--guichet-%s\r\n", hex);
	int rc = put_part(out, "text/plain", m->text);
	buf_printf(out, "--guichet-%s\r\n", hex);
	if (put_part(out, "text/html", m->html) != 0)
		rc = -1;
	buf_printf(out, "--guichet-%s--\r\n", hex);
	return rc == 0 && !out->overflow ? 0 : -1;
}
