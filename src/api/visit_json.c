/*
 * visit_json.c: a visit's JSON body into a store_visit (visit_json.h).
 * jansson is included here only: its names (json_string, json_null) are
 * also json.h's, the writer every output goes through.
 */
#include "api/visit_json.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "domain/visit.h"

void visit_json_error_add(visit_json_errors *e, const char *field, const char *msgid)
{
	if (e->n < VISIT_JSON_MAX_ERRORS) {
		e->v[e->n].field = field ? field : "";
		e->v[e->n++].reason = msgid;
	}
}

/* visit_validate's names of the visitor's fields (visit.h). */
static const char *const visitor_fields[] = {
    "age_bracket", "birth_year", "gender",       "social_status",   "commune_insee",
    "no_phone",    "no_email",   "no_device",    "no_internet",     "allophone",
    "languages",   "illiteracy", "disabilities", "very_precarious", "identified",
    "full_name",   "phone",      "email",        "consent_reason",  "phone_kind"};

void visit_json_errors_from(visit_json_errors *e, arena *a, const field_errors *fe)
{
	for (size_t i = 0; i < fe->n && i < COUNT(fe->v); i++) {
		const char *f = fe->v[i].field, *p = f;
		unsigned n;
		int used = 0;
		if (f && sscanf(f, "d%u_%n", &n, &used) == 1 && used > 0 && n >= 1)
			p = arena_printf(a, "demands[%u].%s", n - 1, f + used);
		for (size_t k = 0; f && k < COUNT(visitor_fields); k++)
			if (strcmp(f, visitor_fields[k]) == 0)
				p = arena_printf(a, "visitor.%s", f);
		visit_json_error_add(e, p ? p : f, fe->v[i].msgid);
	}
}

static const char MSG_STRING[] = N_("Une chaîne de caractères est attendue.");
static const char MSG_INTEGER[] = N_("Un nombre entier est attendu.");
static const char MSG_BOOL[] = N_("true ou false est attendu.");
static const char MSG_CODES[] = N_("Une liste de codes est attendue, par exemple [\"ordinateur\"].");
static const char MSG_OBJECT[] = N_("Un objet JSON est attendu.");
static const char MSG_UNKNOWN[] = N_("Champ inconnu.");
static const char MSG_INSTANT[] = N_("Une date et une heure RFC 3339 sont attendues, par exemple "
                                     "2024-03-04T10:15:00+01:00.");

/* Reading one object: where its fields are in the body, for messages. */
typedef struct in {
	arena *a;
	visit_json_errors *e;
	const char *prefix; /* "", "visitor.", "demands[2]." */
} in;

static const char *path(const in *x, const char *key)
{
	const char *p = arena_printf(x->a, "%s%s", x->prefix, key);
	return p ? p : key;
}

static void bad(const in *x, const char *key, const char *msgid)
{
	visit_json_error_add(x->e, path(x, key), msgid);
}

/* Reports the keys of obj that are not in allowed (nor read-only ones a
 * client may send back as it read them). */
static void check_keys(const in *x, json_t *obj, const char *const *allowed, size_t n)
{
	static const char *const read_only[] = {"id", "agent_id", "agent_name", "created_at", "updated_at"};
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		int known = 0;
		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(key, allowed[i]) == 0;
		for (size_t i = 0; i < COUNT(read_only) && !known; i++)
			known = strcmp(key, read_only[i]) == 0;
		if (!known)
			bad(x, key, MSG_UNKNOWN);
	}
}

static void get_str(const in *x, json_t *obj, const char *key, char **dst)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return;
	if (!json_is_null(v) && !json_is_string(v)) {
		bad(x, key, MSG_STRING);
		return;
	}
	char *s = json_is_null(v) ? NULL : arena_strndup(x->a, json_string_value(v), json_string_length(v));
	*dst = s ? s : "";
}

static void get_int(const in *x, json_t *obj, const char *key, int64_t *dst)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return;
	if (json_is_null(v))
		*dst = 0;
	else if (!json_is_integer(v))
		bad(x, key, MSG_INTEGER);
	else
		*dst = (int64_t)json_integer_value(v);
}

static void get_bool(const in *x, json_t *obj, const char *key, int *dst)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return;
	if (json_is_null(v))
		*dst = 0;
	else if (!json_is_boolean(v))
		bad(x, key, MSG_BOOL);
	else
		*dst = json_is_true(v);
}

/* ["a","b"] as "a,b", which visit_validate checks against its vocabulary. */
static void get_codes(const in *x, json_t *obj, const char *key, char **dst)
{
	json_t *v = json_object_get(obj, key), *item;
	if (!v)
		return;
	if (json_is_null(v)) {
		*dst = "";
		return;
	}
	buf b;
	buf_init(&b, LIMIT_TEXT_BYTES);
	size_t i;
	int ok = json_is_array(v);
	json_array_foreach(v, i, item)
	{
		const char *s = json_is_string(item) ? json_string_value(item) : NULL;
		if (!s || !*s || strchr(s, ',') || strlen(s) != json_string_length(item))
			ok = 0;
		else
			buf_printf(&b, "%s%s", i ? "," : "", s);
	}
	if (!ok || b.overflow)
		bad(x, key, MSG_CODES);
	else if (!(*dst = arena_strdup(x->a, b.data ? b.data : "")))
		*dst = "";
	buf_free(&b);
}

/* RFC 3339: 2024-03-04T10:15[:00[.000]](Z|±hh:mm). */
int visit_json_parse_instant(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0, n = 0;
	if (strlen(s) < 17 || !strchr("Tt ", s[10]) ||
	    sscanf(s, "%4d-%2d-%2d%*c%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 || n != 16)
		return -1;
	const char *p = s + n;
	if (*p == ':') {
		if (!(p[1] >= '0' && p[1] <= '5' && p[2] >= '0' && p[2] <= '9'))
			return -1;
		sec = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om, k = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59)
			return -1;
		off = (int64_t)(oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59)
		return -1;
	struct tm tm = {
	    .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = sec};
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	*out = (int64_t)t - off;
	return 0;
}

static void read_visitor(in *x, json_t *obj, store_visitor *p)
{
	check_keys(x, obj, visitor_fields, COUNT(visitor_fields));
	get_str(x, obj, "age_bracket", &p->age_bracket);
	get_int(x, obj, "birth_year", &p->birth_year);
	get_str(x, obj, "gender", &p->gender);
	get_str(x, obj, "social_status", &p->social_status);
	get_str(x, obj, "commune_insee", &p->commune_insee);
	get_bool(x, obj, "no_phone", &p->no_phone);
	/* no_phone alone (a client that knows no phone_kind) replaces a kind
	 * it contradicts; with phone_kind, the kind decides (visit.c). */
	if (json_object_get(obj, "no_phone") && !json_object_get(obj, "phone_kind") && p->phone_kind &&
	    (p->no_phone || strcmp(p->phone_kind, "aucun") == 0))
		p->phone_kind = "";
	get_str(x, obj, "phone_kind", &p->phone_kind);
	get_bool(x, obj, "no_email", &p->no_email);
	get_bool(x, obj, "no_device", &p->no_device);
	get_bool(x, obj, "no_internet", &p->no_internet);
	get_bool(x, obj, "allophone", &p->allophone);
	get_codes(x, obj, "languages", &p->languages);
	get_bool(x, obj, "illiteracy", &p->illiteracy);
	get_codes(x, obj, "disabilities", &p->disabilities);
	get_bool(x, obj, "very_precarious", &p->very_precarious);
	get_bool(x, obj, "identified", &p->identified);
	get_str(x, obj, "full_name", &p->full_name);
	get_str(x, obj, "phone", &p->phone);
	get_str(x, obj, "email", &p->email);
	get_str(x, obj, "consent_reason", &p->consent_reason);
}

static void read_demand(in *x, json_t *obj, store_demand *d)
{
	static const char *const keys[] = {
	    "operator_code",     "theme_code",  "procedure_id",  "procedure_text", "level",
	    "mandate_type",      "mandate_ref", "autonomy",      "equipment",      "interpreting",
	    "interpreting_lang", "outcome",     "referral_type", "duration_min",   "note"};
	check_keys(x, obj, keys, COUNT(keys));
	get_str(x, obj, "operator_code", &d->operator_code);
	get_str(x, obj, "theme_code", &d->theme_code);
	get_int(x, obj, "procedure_id", &d->procedure_id);
	get_str(x, obj, "procedure_text", &d->procedure_text);
	get_str(x, obj, "level", &d->level);
	get_str(x, obj, "mandate_type", &d->mandate_type);
	get_str(x, obj, "mandate_ref", &d->mandate_ref);
	get_int(x, obj, "autonomy", &d->autonomy);
	get_codes(x, obj, "equipment", &d->equipment);
	get_str(x, obj, "interpreting", &d->interpreting);
	get_str(x, obj, "interpreting_lang", &d->interpreting_lang);
	get_str(x, obj, "outcome", &d->outcome);
	get_str(x, obj, "referral_type", &d->referral_type);
	get_int(x, obj, "duration_min", &d->duration_min);
	get_str(x, obj, "note", &d->note);
}

/* The demands of the body. old (a correction) gives the demands that ids
 * may name: a PATCH starts from their values, a PUT only keeps the id. */
static void read_demands(in *x, json_t *arr, store_visit *v, const store_visit *old, int patch)
{
	if (!json_is_array(arr)) {
		bad(x, "demands", N_("Une liste de demandes est attendue."));
		return;
	}
	size_t n = json_array_size(arr);
	if (n > VISIT_MAX_DEMANDS) {
		bad(x, "demands", N_("Une visite compte au plus 10 demandes."));
		return;
	}
	v->demands = arena_alloc(x->a, (n + 1) * sizeof *v->demands);
	v->ndemands = v->demands ? n : 0;
	for (size_t i = 0; i < v->ndemands; i++) {
		json_t *obj = json_array_get(arr, i), *id = json_object_get(obj, "id");
		in dx = {x->a, x->e, arena_printf(x->a, "demands[%zu].", i)};
		if (!dx.prefix)
			dx.prefix = "demands[].";
		if (!json_is_object(obj)) {
			visit_json_error_add(x->e, arena_printf(x->a, "demands[%zu]", i), MSG_OBJECT);
			continue;
		}
		store_demand *d = &v->demands[i];
		if (id && !json_is_null(id)) {
			int64_t want = json_is_integer(id) ? (int64_t)json_integer_value(id) : -1;
			size_t k = 0;
			while (old && k < old->ndemands && old->demands[k].id != want)
				k++;
			if (!old || k == old->ndemands) {
				bad(&dx, "id", N_("Cette demande n'appartient pas à la visite."));
			} else {
				if (patch)
					*d = old->demands[k];
				d->id = want;
			}
		}
		d->site_id = v->site_id;
		read_demand(&dx, obj, d);
	}
}

/* The body into v. old is the visit being corrected (NULL for a new one);
 * patch keeps what the body does not mention. */
static void read_visit(in *x, json_t *root, store_visit *v, const store_visit *old, int patch)
{
	static const char *const keys[] = {"site_id", "visitor_id",   "started_at", "channel",
	                                   "place",   "duration_min", "visitor",    "demands"};
	check_keys(x, root, keys, COUNT(keys));
	get_int(x, root, "site_id", &v->site_id);
	if (old && v->site_id != old->site_id)
		bad(x, "site_id",
		    N_("Une visite ne change pas de lieu : supprimez-la et enregistrez-la ailleurs."));
	if (old && json_object_get(root, "visitor_id"))
		bad(x, "visitor_id", N_("La personne d'une visite ne change pas."));
	else
		get_int(x, root, "visitor_id", &v->visitor_id);
	json_t *t = json_object_get(root, "started_at");
	if (t && !json_is_null(t) &&
	    (!json_is_string(t) || visit_json_parse_instant(json_string_value(t), &v->started_at) != 0))
		bad(x, "started_at", MSG_INSTANT);
	get_str(x, root, "channel", &v->channel);
	get_str(x, root, "place", &v->place);
	get_int(x, root, "duration_min", &v->duration_min);
	json_t *p = json_object_get(root, "visitor");
	if (p && !json_is_object(p) && !json_is_null(p)) {
		bad(x, "visitor", MSG_OBJECT);
	} else if (p && json_is_object(p)) {
		in px = {x->a, x->e, "visitor."};
		read_visitor(&px, p, &v->visitor);
	}
	json_t *d = json_object_get(root, "demands");
	if (d)
		read_demands(x, d, v, old, patch);
	else if (!patch)
		v->ndemands = 0;
}

int visit_json_read(arena *a, const char *body, size_t len, store_visit *v, const store_visit *old, int patch,
                    visit_json_errors *e, visit_json_syntax *syn)
{
	json_error_t je;
	/* Duplicate keys would make "which value counts" a guess; NUL is
	 * refused by default. */
	json_t *root = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		syn->line = je.line;
		syn->column = je.column;
		syn->position = je.position;
		snprintf(syn->text, sizeof syn->text, "%s", je.text);
		return VISIT_JSON_MALFORMED;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return VISIT_JSON_NOT_OBJECT;
	}
	in x = {a, e, ""};
	read_visit(&x, root, v, old, patch);
	json_decref(root);
	return VISIT_JSON_OK;
}
