/*
 * escalation.c: the rules of an escalation (escalation.h): one table of the
 * moves each side makes from each status (the side is access.c's), what
 * each move needs, and the documents' types by their content.
 */
#include <stdio.h>
#include <string.h>

#include "domain/escalation.h"
#include "util/guichet_limits.h"
#include "util/i18n.h"

_Static_assert(LIMIT_ESCALATION_TEXT_BYTES == 4000, "update the messages that say 4000 caractères");

enum { S_NOUVELLE, S_ENVOYEE, S_EN_COURS, S_TRAITEE, S_CLOTUREE, S_MAUVAIS, S_N };

const char *const escalation_statuses[6] = {"nouvelle", "envoyee",  "en_cours",
                                            "traitee",  "cloturee", "mauvais_interlocuteur"};

static const char *const status_labels[S_N] = {
    N_("Pas encore envoyée (aucun référent)"),
    N_("Envoyée"),
    N_("En cours de traitement"),
    N_("Traitée : réponse reçue"),
    N_("Clôturée"),
    N_("Pas le bon interlocuteur"),
};

#define B(s) (1u << (s))
#define OPEN (B(S_NOUVELLE) | B(S_ENVOYEE) | B(S_EN_COURS) | B(S_TRAITEE) | B(S_MAUVAIS))
#define ANY (-1)

/* The rule table (docs/escalations.md): who may make a move, from which
 * statuses, whether the referent must be (1) or must not be (0) waiting for
 * the adviser, and what the move leaves: its status and waiting flag (ANY:
 * unchanged), its event, and whether it needs a text. */
static const struct rule {
	escalation_action action;
	escalation_side side;
	unsigned from;
	int info;
	int to, to_info;
	const char *event;
	int needs_body;
} rules[] = {
    {ESC_SEND, ESC_SIDE_ADVISER, B(S_NOUVELLE), ANY, S_ENVOYEE, 0, "envoi", 0},
    {ESC_TAKE, ESC_SIDE_REFERENT, B(S_ENVOYEE), 0, S_EN_COURS, ANY, "prise_en_charge", 0},
    {ESC_ANSWER, ESC_SIDE_REFERENT, B(S_ENVOYEE) | B(S_EN_COURS), ANY, S_TRAITEE, 0, "reponse", 1},
    {ESC_NOTE, ESC_SIDE_REFERENT, B(S_ENVOYEE) | B(S_EN_COURS) | B(S_TRAITEE) | B(S_MAUVAIS), ANY, ANY, ANY,
     "note", 1},
    {ESC_ASK_INFO, ESC_SIDE_REFERENT, B(S_ENVOYEE) | B(S_EN_COURS), 0, S_EN_COURS, 1, "demande_info", 1},
    {ESC_COMPLETE, ESC_SIDE_ADVISER, B(S_EN_COURS), 1, S_EN_COURS, 0, "complement", 1},
    {ESC_WRONG, ESC_SIDE_REFERENT, B(S_ENVOYEE) | B(S_EN_COURS), ANY, S_MAUVAIS, 0, "mauvais_interlocuteur",
     1},
    {ESC_REDIRECT, ESC_SIDE_ADVISER, B(S_MAUVAIS), ANY, S_ENVOYEE, 0, "redirection", 0},
    {ESC_CLOSE, ESC_SIDE_ADVISER, OPEN, ANY, S_CLOTUREE, 0, "cloture", 0},
    {ESC_CLOSE, ESC_SIDE_REFERENT, B(S_TRAITEE), ANY, S_CLOTUREE, 0, "cloture", 0},
    {ESC_ATTACH, ESC_SIDE_ADVISER, B(S_NOUVELLE) | B(S_ENVOYEE) | B(S_EN_COURS) | B(S_MAUVAIS), ANY, ANY, ANY,
     "piece", 0},
};

static const char *const action_codes[ESC_NACTIONS] = {
    [ESC_SEND] = "envoyer",   [ESC_TAKE] = "prendre",       [ESC_ANSWER] = "repondre",
    [ESC_NOTE] = "noter",     [ESC_ASK_INFO] = "demander",  [ESC_COMPLETE] = "completer",
    [ESC_WRONG] = "refuser",  [ESC_REDIRECT] = "rediriger", [ESC_CLOSE] = "cloturer",
    [ESC_ATTACH] = "joindre",
};

static const struct {
	const char *code, *label;
} event_labels[] = {
    {"creation", N_("Question rédigée")},
    {"envoi", N_("Envoyée au référent")},
    {"prise_en_charge", N_("Prise en charge par le référent")},
    {"reponse", N_("Réponse du référent")},
    {"note", N_("Note interne du référent")},
    {"demande_info", N_("Le référent demande un complément")},
    {"complement", N_("Complément du conseiller")},
    {"mauvais_interlocuteur", N_("Le référent n'est pas le bon interlocuteur")},
    {"redirection", N_("Redirigée vers un autre opérateur")},
    {"cloture", N_("Clôturée")},
    {"piece", N_("Documents ajoutés")},
};

static const escalation_choice told_by[] = {
    {"telephone", N_("Par téléphone")},
    {"courrier", N_("Par courrier")},
    {"visite", N_("Lors d'une visite")},
};

static const escalation_choice useful[] = {
    {"oui", N_("Oui")},
    {"ne_sait_pas", N_("Je ne sais pas")},
    {"non", N_("Non")},
};

static int status_index(const char *status)
{
	for (int i = 0; i < S_N; i++)
		if (status && strcmp(status, escalation_statuses[i]) == 0)
			return i;
	return -1;
}

const char *escalation_status_label(const char *status)
{
	int i = status_index(status);
	return i < 0 ? status : status_labels[i];
}

const char *escalation_action_code(escalation_action a)
{
	return a < ESC_NACTIONS ? action_codes[a] : "";
}

int escalation_action_parse(const char *code)
{
	for (int i = 0; code && i < ESC_NACTIONS; i++)
		if (strcmp(code, action_codes[i]) == 0)
			return i;
	return -1;
}

const char *escalation_event_label(const char *action)
{
	for (size_t i = 0; i < COUNT(event_labels); i++)
		if (str_eq(action, event_labels[i].code))
			return event_labels[i].label;
	return action;
}

const escalation_choice *escalation_told_by(size_t *n)
{
	*n = COUNT(told_by);
	return told_by;
}

const escalation_choice *escalation_useful(size_t *n)
{
	*n = COUNT(useful);
	return useful;
}

const char *escalation_choice_label(const escalation_choice *v, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(code, v[i].code))
			return v[i].label;
	return NULL;
}

static const struct rule *rule_for(escalation_side side, const store_escalation *e, escalation_action action)
{
	int st = status_index(e->status);
	if (st < 0)
		return NULL;
	for (size_t i = 0; i < COUNT(rules); i++) {
		const struct rule *r = &rules[i];
		if (r->action == action && r->side == side && (r->from & B(st)) &&
		    (r->info == ANY || r->info == (e->info_requested != 0)))
			return r;
	}
	return NULL;
}

int escalation_may(const escalation_actor *a, const store_escalation *e, escalation_action action)
{
	if (action >= ESC_NACTIONS)
		return 0;
	escalation_side side = escalation_side_of(a, e);
	return side != ESC_SIDE_NONE && rule_for(side, e, action) != NULL;
}

int escalation_overdue(const store_escalation *e, int64_t now)
{
	int st = status_index(e->status);
	return (st == S_ENVOYEE || st == S_EN_COURS) && e->due_at > 0 && now > e->due_at;
}

int64_t escalation_due_at(int64_t at, int64_t deadline_days)
{
	if (deadline_days <= 0)
		deadline_days = ESCALATION_DEFAULT_DEADLINE_DAYS;
	return at + deadline_days * 86400;
}

/* A text: "" is not one; too long or with control characters is refused. */
static const char *text_problem(const char *s)
{
	if (!s || !*s)
		return "";
	if (strlen(s) > LIMIT_ESCALATION_TEXT_BYTES)
		return N_("Le texte ne doit pas dépasser 4000 caractères.");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t')
			return N_("Le texte contient des caractères de contrôle.");
	return NULL;
}

int escalation_validate_new(char *question, int consent, field_errors *e)
{
	int bad = 0;
	const char *why = text_problem(question ? str_trim(question) : NULL);
	if (why) {
		field_error_add(e, "question",
		                *why ? why : N_("Écrivez la question à poser au service de l'opérateur."));
		bad = 1;
	}
	if (!consent) {
		field_error_add(
		    e, "consent",
		    N_("Le consentement de la personne est obligatoire pour transmettre sa demande."));
		bad = 1;
	}
	return bad ? -1 : 0;
}

int escalation_prepare(const escalation_actor *a, const store_escalation *before, escalation_action action,
                       escalation_input *in, int64_t now, store_escalation *after, const char **event,
                       int *internal, field_errors *e)
{
	*after = *before;
	*event = NULL;
	*internal = 0;
	escalation_side side = escalation_side_of(a, before);
	const struct rule *r = rule_for(side, before, action);
	if (!r)
		return -1;
	int bad = 0;
	char *body = in->body ? str_trim(in->body) : NULL;
	const char *why = text_problem(body);
	if (why && (*why || r->needs_body)) {
		field_error_add(e, "body", *why ? why : N_("Écrivez le texte de votre message."));
		bad = 1;
	}
	if (action == ESC_ATTACH && in->nfiles <= 0) {
		field_error_add(e, "files", N_("Choisissez au moins un document."));
		bad = 1;
	}
	if (action == ESC_SEND && !in->referent_exists) {
		field_error_add(e, "operator_code",
		                N_("Cet opérateur n'a pas encore de référent pour ce département : "
		                   "l'administrateur doit en désigner un."));
		bad = 1;
	}
	if (action == ESC_REDIRECT &&
	    (!in->operator_code || !*in->operator_code || str_eq(in->operator_code, before->operator_code))) {
		field_error_add(e, "operator_code", N_("Choisissez un autre opérateur."));
		bad = 1;
	}
	if (action == ESC_CLOSE && side == ESC_SIDE_ADVISER) {
		if (!escalation_choice_label(useful, COUNT(useful), in->useful)) {
			field_error_add(e, "useful", N_("Dites si cette demande a été utile."));
			bad = 1;
		}
		if (in->told_by && *in->told_by &&
		    !escalation_choice_label(told_by, COUNT(told_by), in->told_by)) {
			field_error_add(e, "told_by", N_("Choisissez comment la personne a été informée."));
			bad = 1;
		} else if (before->answered_at > 0 && (!in->told_by || !*in->told_by)) {
			field_error_add(e, "told_by",
			                N_("Dites comment la personne a été informée de la réponse."));
			bad = 1;
		}
	}
	if (bad)
		return -1;
	if (r->to != ANY)
		after->status = (char *)escalation_statuses[r->to];
	if (r->to_info != ANY)
		after->info_requested = r->to_info;
	switch (action) {
	case ESC_SEND:
		after->sent_at = now;
		after->due_at = escalation_due_at(now, in->deadline_days);
		break;
	case ESC_REDIRECT:
		after->operator_code = (char *)in->operator_code;
		after->answered_at = 0;
		if (in->referent_exists) {
			after->sent_at = now;
			after->due_at = escalation_due_at(now, in->deadline_days);
		} else {
			/* Nobody to receive it yet: it waits, as a new one does. */
			after->status = (char *)escalation_statuses[S_NOUVELLE];
		}
		break;
	case ESC_ANSWER:
		after->answered_at = now;
		break;
	case ESC_CLOSE:
		after->closed_at = now;
		if (side == ESC_SIDE_ADVISER) {
			after->useful = (char *)in->useful;
			after->told_by = (char *)(in->told_by ? in->told_by : "");
		}
		break;
	default:
		break;
	}
	*event = r->event;
	*internal = action == ESC_NOTE;
	return 0;
}

const char *escalation_file_type(const void *data, size_t len)
{
	const unsigned char *p = data;
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (!p)
		return NULL;
	if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return "application/pdf";
	if (len >= 4 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return "image/jpeg";
	if (len >= sizeof png && memcmp(p, png, sizeof png) == 0)
		return "image/png";
	return NULL;
}

const char *escalation_file_ext(const char *mime)
{
	if (str_eq(mime, "application/pdf"))
		return "pdf";
	if (str_eq(mime, "image/jpeg"))
		return "jpg";
	if (str_eq(mime, "image/png"))
		return "png";
	return "bin";
}

/* The length of the UTF-8 sequence starting at p (1 for a stray byte). */
static size_t seq_len(const unsigned char *p)
{
	if (*p < 0x80)
		return 1;
	size_t n = (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 1;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

void escalation_clean_name(const char *in, char *out, size_t outlen)
{
	size_t max = outlen - 1 < ESCALATION_FILE_NAME_BYTES ? outlen - 1 : ESCALATION_FILE_NAME_BYTES;
	size_t o = 0;
	const char *base = in ? in : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	const unsigned char *p = (const unsigned char *)base;
	while (*p == '.' || *p == ' ')
		p++;
	while (*p) {
		size_t n = seq_len(p);
		int skip = 0;
		if (n == 1 && (*p < 0x20 || *p == 0x7f || *p >= 0x80 || *p == '"' || *p == ':'))
			skip = 1;
		/* U+200E, U+200F, U+202A–U+202E, U+2066–U+2069: they would reorder
		 * the name's letters on screen ("fdp.exe" shown as "exe.pdf"). */
		if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae)))
			skip = 1;
		if (n == 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
			skip = 1;
		if (!skip) {
			if (o + n > max)
				break;
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	if (o == 0)
		snprintf(out, outlen, "%s", "document");
}
