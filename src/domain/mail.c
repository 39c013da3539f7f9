/*
 * mail.c: the events of the e-mail notifications, the choices for each,
 * the digest hours, the backoff of failed messages, and the writing of a
 * message: RFC 5322 headers, a UTF-8 subject as RFC 2047 encoded words, a
 * plain-text body in base64 (any line length, any character, through any
 * relay).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/mail.h"
#include "util/smtp.h"

static const struct {
	const char *code, *label, *subject, *text;
	mail_delivery fallback;
} events[MAIL_EVENT_COUNT] = {
    [MAIL_ESCALATION_NEW] = {"escalation_new", N_("Nouvelle demande transmise à votre back-office"),
                             N_("Une nouvelle demande vous a été transmise"),
                             N_("Un conseiller vous a transmis une nouvelle demande. Ouvrez-la dans Guichet "
                                "pour la traiter."),
                             MAIL_IMMEDIATE},
    [MAIL_ESCALATION_ANSWER] =
        {"escalation_answer", N_("Réponse à une demande que vous avez transmise"),
         N_("Une demande que vous avez transmise a reçu une réponse"),
         N_("Le back-office a répondu à une demande que vous avez transmise. Ouvrez-la "
            "dans Guichet pour lire la réponse."),
         MAIL_IMMEDIATE},
    [MAIL_ESCALATION_INFO] = {"escalation_info", N_("Demande d'informations complémentaires"),
                              N_("Des informations complémentaires sont demandées"),
                              N_("Le back-office demande des informations complémentaires sur une demande. "
                                 "Ouvrez-la dans Guichet pour répondre."),
                              MAIL_IMMEDIATE},
    [MAIL_ESCALATION_COMPLEMENT] =
        {"escalation_complement", N_("Informations complémentaires reçues"),
         N_("Les informations demandées ont été envoyées"),
         N_("Un conseiller a envoyé les informations que vous aviez demandées sur une "
            "demande. Ouvrez-la dans Guichet pour la reprendre."),
         MAIL_IMMEDIATE},
    [MAIL_ESCALATION_OVERDUE] = {"escalation_overdue", N_("Demande en retard"),
                                 N_("Une demande a dépassé son délai de réponse"),
                                 N_("Une demande a dépassé son délai de réponse. Ouvrez-la dans Guichet pour "
                                    "la suivre."),
                                 MAIL_DAILY},
    [MAIL_APPOINTMENT_BOOKED] = {"appointment_booked", N_("Rendez-vous pris"),
                                 N_("Un rendez-vous a été pris"),
                                 N_("Un rendez-vous a été pris. Ouvrez Guichet pour le voir."),
                                 MAIL_TWICE_DAILY},
    [MAIL_APPOINTMENT_CANCELLED] = {"appointment_cancelled", N_("Rendez-vous annulé"),
                                    N_("Un rendez-vous a été annulé"),
                                    N_("Un rendez-vous a été annulé. Ouvrez Guichet pour le voir."),
                                    MAIL_IMMEDIATE},
    [MAIL_REMINDER] = {"reminder", N_("Rappel"), N_("Rappel de Guichet"),
                       N_("Vous avez un rappel dans Guichet. Ouvrez-le pour le voir."), MAIL_IMMEDIATE},
    [MAIL_TEST] =
        {"test", N_("Notification de test"), N_("Notification de test"),
         N_("Ceci est une notification de test : votre adresse reçoit bien les messages de Guichet."),
         MAIL_IMMEDIATE},
};

static const struct {
	const char *code, *label;
} deliveries[MAIL_DELIVERY_COUNT] = {
    [MAIL_IMMEDIATE] = {"immediate", N_("Tout de suite")},
    [MAIL_TWICE_DAILY] = {"twice_daily", N_("Dans un résumé deux fois par jour")},
    [MAIL_DAILY] = {"daily", N_("Dans un résumé chaque jour")},
    [MAIL_NEVER] = {"never", N_("Jamais")},
};

const char *mail_event_code(mail_event e)
{
	return (unsigned)e < MAIL_EVENT_COUNT ? events[e].code : NULL;
}

int mail_event_parse(const char *code)
{
	for (int i = 0; code && i < MAIL_EVENT_COUNT; i++)
		if (strcmp(code, events[i].code) == 0)
			return i;
	return -1;
}

const char *mail_event_label(mail_event e)
{
	return (unsigned)e < MAIL_EVENT_COUNT ? events[e].label : NULL;
}

const char *mail_event_subject(mail_event e)
{
	return (unsigned)e < MAIL_EVENT_COUNT ? events[e].subject : NULL;
}

const char *mail_event_text(mail_event e)
{
	return (unsigned)e < MAIL_EVENT_COUNT ? events[e].text : NULL;
}

const char *mail_delivery_code(mail_delivery d)
{
	return (unsigned)d < MAIL_DELIVERY_COUNT ? deliveries[d].code : NULL;
}

int mail_delivery_parse(const char *code)
{
	for (int i = 0; code && i < MAIL_DELIVERY_COUNT; i++)
		if (strcmp(code, deliveries[i].code) == 0)
			return i;
	return -1;
}

const char *mail_delivery_label(mail_delivery d)
{
	return (unsigned)d < MAIL_DELIVERY_COUNT ? deliveries[d].label : NULL;
}

mail_delivery mail_delivery_default(mail_event e)
{
	return (unsigned)e < MAIL_EVENT_COUNT ? events[e].fallback : MAIL_IMMEDIATE;
}

/* The local time of day hour:00 on the day of t plus days. */
static int64_t local_hour(int64_t t, int days, int hour)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return t + 86400;
	tm.tm_mday += days;
	tm.tm_hour = hour;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t r = mktime(&tm);
	return r == (time_t)-1 ? t + 86400 : (int64_t)r;
}

int64_t mail_digest_due(mail_delivery d, int64_t now)
{
	if (d != MAIL_TWICE_DAILY && d != MAIL_DAILY)
		return now;
	for (int day = 0; day < 3; day++) {
		int64_t first = local_hour(now, day, MAIL_DIGEST_HOUR_1);
		if (first > now)
			return first;
		if (d == MAIL_TWICE_DAILY) {
			int64_t second = local_hour(now, day, MAIL_DIGEST_HOUR_2);
			if (second > now)
				return second;
		}
	}
	return now + 86400;
}

int64_t mail_retry_at(int64_t now, int64_t attempts, int64_t retry_s)
{
	if (retry_s < 1)
		retry_s = 1;
	int64_t wait = retry_s;
	for (int64_t i = 1; i < attempts && i < 7; i++)
		wait *= 2;
	if (wait > 6 * 3600)
		wait = 6 * 3600;
	return now + wait;
}

int mail_link_valid(const char *link)
{
	size_t len = link ? strlen(link) : 0;
	if (len == 0 || len > MAIL_LINK_MAX || link[0] != '/' || link[1] == '/' || link[1] == '\\')
		return 0;
	for (const unsigned char *p = (const unsigned char *)link; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"'<>\\`", *p))
			return 0;
	return 1;
}

/* ---- Writing a message. */

/* Base64 of n bytes, in lines of at most 76 characters ended by CRLF. */
static void put_base64_lines(buf *out, const unsigned char *p, size_t n)
{
	char line[80];
	for (size_t i = 0; i < n; i += 57) {
		size_t chunk = n - i < 57 ? n - i : 57;
		sodium_bin2base64(line, sizeof line, p + i, chunk, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(out, line);
		buf_puts(out, "\r\n");
	}
}

/* A header's UTF-8 text as RFC 2047 encoded words, folded; pieces cut on
 * character boundaries so that each word decodes alone. */
static void put_encoded_words(buf *out, const char *s)
{
	size_t len = strlen(s), i = 0;
	int first = 1;
	char word[80];
	while (i < len) {
		size_t n = len - i < 42 ? len - i : 42;
		while (n > 0 && i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80)
			n--;
		if (n == 0)
			n = len - i < 42 ? len - i : 42;
		sodium_bin2base64(word, sizeof word, (const unsigned char *)s + i, n,
		                  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", word);
		first = 0;
		i += n;
	}
}

/* The Date header, in English whatever the process's locale. */
static void put_date(buf *out, int64_t now)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)now;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		gmtime_r(&t, &tm);
	long off = tm.tm_gmtoff / 60;
	buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n", days[tm.tm_wday],
	           tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	           off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
}

const char *mail_subject(const mail_message *m)
{
	if (m->digest || m->nlines != 1)
		return i18n_text(m->lang, "Résumé de vos notifications Guichet");
	return i18n_text(m->lang, mail_event_subject(m->lines[0].event));
}

static void put_link(buf *body, const mail_message *m, const char *path)
{
	buf_puts(body, m->public_url);
	buf_puts(body, path);
}

static int has_url(const mail_message *m)
{
	return m->public_url && *m->public_url;
}

static void write_body(const mail_message *m, buf *body)
{
	const lang *l = m->lang;
	buf_puts(body, i18n_text(l, "Bonjour,"));
	buf_puts(body, "\r\n\r\n");
	if (!m->digest && m->nlines == 1) {
		const mail_line *ln = &m->lines[0];
		buf_puts(body, i18n_text(l, mail_event_text(ln->event)));
		buf_puts(body, "\r\n");
		if (has_url(m) && *ln->link) {
			buf_puts(body, "\r\n");
			put_link(body, m, ln->link);
			buf_puts(body, "\r\n");
		}
	} else {
		buf_puts(body,
		         i18n_text(l, "Voici ce qui s'est passé dans Guichet depuis votre dernier résumé :"));
		buf_puts(body, "\r\n\r\n");
		for (size_t i = 0; i < m->nlines; i++) {
			const mail_line *ln = &m->lines[i];
			char day[11], hm[6];
			time_local_date(ln->at, day);
			time_local_hm(ln->at, hm);
			buf_printf(body, "- %s %s — %s\r\n", day, hm,
			           i18n_text(l, mail_event_label(ln->event)));
			if (has_url(m) && *ln->link) {
				buf_puts(body, "  ");
				put_link(body, m, ln->link);
				buf_puts(body, "\r\n");
			}
		}
	}
	buf_puts(body, "\r\n-- \r\n");
	buf_puts(body,
	         i18n_text(l, "Ce message est envoyé automatiquement par Guichet. Il ne contient aucune "
	                      "donnée sur les personnes accompagnées : ouvrez Guichet pour voir le détail."));
	buf_puts(body, "\r\n");
	buf_puts(body, i18n_text(l, "Pour choisir les messages que vous recevez :"));
	buf_puts(body, " ");
	if (has_url(m))
		put_link(body, m, "/account/notifications");
	else
		buf_puts(body, "/account/notifications");
	buf_puts(body, "\r\n");
}

int mail_compose(const mail_message *m, buf *out)
{
	if (!smtp_address_valid(m->from) || !smtp_address_valid(m->to) || !m->lang)
		return -1;
	for (size_t i = 0; i < m->nlines; i++)
		if ((unsigned)m->lines[i].event >= MAIL_EVENT_COUNT ||
		    (*m->lines[i].link && !mail_link_valid(m->lines[i].link)))
			return -1;
	if (has_url(m) && (strpbrk(m->public_url, " \t\r\n\"'<>") || strlen(m->public_url) > 512))
		return -1;
	put_date(out, m->now);
	buf_printf(out, "From: Guichet <%s>\r\n", m->from);
	buf_printf(out, "To: <%s>\r\n", m->to);
	unsigned char rnd[8];
	char hex[17];
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	buf_printf(out, "Message-ID: <guichet.%lld.%s@%s>\r\n", (long long)m->id, hex,
	           strchr(m->from, '@') + 1);
	buf_puts(out, "Subject: ");
	put_encoded_words(out, mail_subject(m));
	buf_puts(out, "\r\n");
	buf_printf(out,
	           "MIME-Version: 1.0\r\n"
	           "Content-Type: text/plain; charset=UTF-8\r\n"
	           "Content-Transfer-Encoding: base64\r\n"
	           "Content-Language: %s\r\n"
	           "Auto-Submitted: auto-generated\r\n"
	           "X-Auto-Response-Suppress: All\r\n"
	           "\r\n",
	           m->lang->code);
	buf body;
	buf_init(&body, (size_t)256 * 1024);
	write_body(m, &body);
	int rc = body.overflow ? -1 : 0;
	if (rc == 0)
		put_base64_lines(out, (const unsigned char *)body.data, body.len);
	buf_free(&body);
	return rc == 0 && !out->overflow ? 0 : -1;
}
