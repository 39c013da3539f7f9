/*
 * queue.c: the rules of a site's waiting queue (queue.h, docs/queue.md):
 * the codes of statuses, priorities and needs, the moves a ticket may
 * make, the serving order, the estimated wait, a ticket's label and the
 * keys of a site's public queue addresses.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/util.h"
#include "domain/queue.h"

/* The weights are head starts in minutes (docs/queue.md): an appointment
 * holder is served about as if she had come half an hour before her
 * arrival, someone who cannot stand long a quarter of an hour or so. */
static const int weights[QUEUE_PRIORITY_COUNT] = {
    [QUEUE_PRIO_NONE] = 0,       [QUEUE_PRIO_APPOINTMENT] = 30, [QUEUE_PRIO_MOBILITY] = 20,
    [QUEUE_PRIO_PREGNANCY] = 20, [QUEUE_PRIO_AGE] = 15,
};

static const char *const need_codes[] = {"interprete", "mobilite_reduite", "audition", "aide_lecture"};

/* The codes are those the store writes (store_queue.c). */
const char *queue_status_code(queue_status st)
{
	return store_queue_status_code(st);
}

int queue_status_parse(const char *code)
{
	return store_queue_status_parse(code);
}

const char *queue_priority_code(queue_priority p)
{
	return store_queue_priority_code(p);
}

/* "" is no priority, as a form's empty choice is. */
int queue_priority_parse(const char *code)
{
	return code && !*code ? QUEUE_PRIO_NONE : store_queue_priority_parse(code);
}

int queue_priority_weight(queue_priority p)
{
	return (unsigned)p < QUEUE_PRIORITY_COUNT ? weights[p] : 0;
}

const char *queue_need_code(unsigned bit)
{
	for (size_t i = 0; i < sizeof need_codes / sizeof *need_codes; i++)
		if (bit == 1u << i)
			return need_codes[i];
	return NULL;
}

int queue_needs_parse(const char *s, unsigned *mask)
{
	*mask = 0;
	for (const char *p = s ? s : ""; *p;) {
		size_t n = strcspn(p, ",");
		int found = n == 0; /* ",," or a trailing comma: nothing */
		for (size_t i = 0; !found && i < sizeof need_codes / sizeof *need_codes; i++)
			if (strlen(need_codes[i]) == n && memcmp(need_codes[i], p, n) == 0) {
				*mask |= 1u << i;
				found = 1;
			}
		if (!found) {
			*mask = 0;
			return -1;
		}
		p += n + (p[n] == ',');
	}
	return 0;
}

static const store_queue_service defaults[] = {
    {.prefix = 'A', .label = NP_("Aide générale"), .picto = "1F481", .position = 1, .active = 1},
    {.prefix = 'B', .label = NP_("Rendez-vous"), .picto = "1F4C5", .position = 2, .active = 1},
    {.prefix = 'C', .label = NP_("Atelier numérique"), .picto = "1F4BB", .position = 3, .active = 1},
};

const store_queue_service *queue_default_services(size_t *n)
{
	*n = COUNT(defaults);
	return defaults;
}

int queue_transition(queue_status from, queue_action action, queue_status *to)
{
	queue_status next;
	switch (action) {
	case QUEUE_CALL:
		if (from != QUEUE_EMIS)
			return 0;
		next = QUEUE_APPELE;
		break;
	case QUEUE_RECALL:
		if (from != QUEUE_APPELE)
			return 0;
		next = QUEUE_APPELE;
		break;
	case QUEUE_START:
		if (from != QUEUE_APPELE)
			return 0;
		next = QUEUE_EN_COURS;
		break;
	case QUEUE_FINISH:
		if (from != QUEUE_EN_COURS)
			return 0;
		next = QUEUE_TERMINE;
		break;
	case QUEUE_ABSENT_:
		if (from != QUEUE_APPELE)
			return 0;
		next = QUEUE_ABSENT;
		break;
	case QUEUE_CANCEL:
		if (from != QUEUE_EMIS && from != QUEUE_APPELE)
			return 0;
		next = QUEUE_ANNULE;
		break;
	case QUEUE_REDIRECT:
		if (from != QUEUE_EMIS && from != QUEUE_APPELE && from != QUEUE_EN_COURS)
			return 0;
		next = QUEUE_REDIRIGE;
		break;
	default:
		return 0;
	}
	if (to)
		*to = next;
	return 1;
}

int64_t queue_order_key(int64_t arrived_at, queue_priority p)
{
	return arrived_at - (int64_t)queue_priority_weight(p) * 60;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The median of the recent services, so that one long case (two hours on
 * a pension file) does not double everyone's estimate. Durations below a
 * minute (a ticket finished by mistake) or above four hours (one left
 * open overnight) say nothing of a service and are left out. */
int64_t queue_estimate_wait(size_t ahead, const int64_t *recent, size_t n, unsigned desks_open)
{
	if (ahead == 0)
		return 0;
	int64_t per = 600;
	int64_t kept[64];
	size_t k = 0;
	for (size_t i = 0; recent && i < n && k < sizeof kept / sizeof *kept; i++)
		if (recent[i] >= 60 && recent[i] <= (int64_t)4 * 3600)
			kept[k++] = recent[i];
	if (k > 0) {
		qsort(kept, k, sizeof *kept, cmp_i64);
		per = k % 2 ? kept[k / 2] : (kept[k / 2 - 1] + kept[k / 2]) / 2;
	}
	unsigned desks = desks_open ? desks_open : 1;
	if (ahead > 100000)
		ahead = 100000;
	return ((int64_t)ahead * per + desks - 1) / desks;
}

void queue_ticket_label(char prefix, int number, char out[8])
{
	if (prefix < 'A' || prefix > 'Z')
		prefix = '?';
	if (number < 0)
		number = 0;
	if (number > 9999)
		number = 9999;
	snprintf(out, 8, "%c%03d", prefix, number);
}

void queue_public_key(const unsigned char secret[32], int64_t site_id, const char *purpose, char out[33])
{
	char id[96];
	unsigned char h[16];
	int n = snprintf(id, sizeof id, "queue:%s:%lld", purpose ? purpose : "", (long long)site_id);
	if (n < 0 || (size_t)n >= sizeof id)
		n = (int)strlen(id);
	crypto_generichash(h, sizeof h, (const unsigned char *)id, (unsigned long long)n, secret, 32);
	sodium_bin2hex(out, 33, h, sizeof h);
}
