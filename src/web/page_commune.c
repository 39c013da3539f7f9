/*
 * page_commune.c: the commune picker of the visit and site forms.
 *
 * A person gives their commune as a name or a postcode, rarely as an INSEE
 * code; the store keeps the INSEE code. The form resolves what was typed
 * when it is sent, and writes a resolved commune back as "Name (code)", so a
 * form that comes back for another reason resolves it again exactly.
 */
#include <string.h>
#include <strings.h>

#include "app/app.h"
#include "util/i18n.h"
#include "util/guichet_limits.h"
#include "web/page.h"
#include "domain/site.h"
#include "web/ui.h"

/* How many communes an ambiguous name offers: enough for the homonyms of
 * one name (there are 30-odd Saint-Martin-…), few enough to read. */
#define COMMUNE_CHOICES 20

/* ---- Communes ------------------------------------------------------------ */

/* The code inside "Name (code)", or NULL. */
static char *code_in_parentheses(req *r, const char *s)
{
	size_t n = strlen(s);
	const char *open = strrchr(s, '(');
	if (n < 3 || s[n - 1] != ')' || !open)
		return NULL;
	char *code = arena_strndup(r->arena, open + 1, (size_t)(s + n - 1 - (open + 1)));
	return code ? str_trim(code) : NULL;
}

static char *upper_copy(req *r, const char *s)
{
	char *c = arena_strdup(r->arena, s);
	for (char *p = c; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return c;
}

static int resolved(page_commune *c, const char *code)
{
	c->code = (char *)code;
	c->error = NULL;
	return 0;
}

static int failed(page_commune *c, const char *msgid)
{
	c->code = "";
	c->error = msgid;
	return -1;
}

int page_commune_resolve(req *r, const char *input, page_commune *c)
{
	memset(c, 0, sizeof *c);
	char *q = arena_strdup(r->arena, input ? input : "");
	if (!q)
		return failed(c, N_("Le texte de la commune est trop long."));
	str_trim(q);
	c->input = q;
	c->code = "";
	if (!*q)
		return 0;
	if (strlen(q) > LIMIT_NAME_BYTES || !utf8_valid(q, strlen(q)) || text_has_controls(q))
		return failed(
		    c, N_("Le texte de la commune est trop long ou contient des caractères invalides."));

	store *st = r->app->store;
	char *inside = code_in_parentheses(r, q);
	char *code = upper_copy(r, inside ? inside : q);
	int64_t count = 0;
	if (store_commune_count(st, &count) != STORE_OK || count == 0) {
		/* No geography loaded: a code is all that can be checked. */
		if (code && site_insee_valid(code))
			return resolved(c, code);
		return failed(
		    c, N_("La liste des communes n'est pas chargée : saisissez le code INSEE de la commune "
		          "(5 caractères, par exemple 35238 pour Rennes)."));
	}

	store_commune one;
	if (inside) {
		if (code && store_commune_get(st, r->arena, code, &one) == STORE_OK)
			return resolved(c, one.code);
		return failed(c, N_("Aucune commune ne porte ce code INSEE."));
	}
	store_commune *found = NULL;
	size_t n = 0;
	if (store_commune_search(st, r->arena, q, COMMUNE_CHOICES, &found, &n) != STORE_OK)
		n = 0;
	/* A valid INSEE code that is not also someone's postcode. */
	if (code && site_insee_valid(code) && store_commune_get(st, r->arena, code, &one) == STORE_OK) {
		int listed = 0;
		for (size_t i = 0; i < n; i++)
			listed |= strcmp(found[i].code, one.code) == 0;
		if (n == 0 || (n == 1 && listed))
			return resolved(c, one.code);
		store_commune *all = arena_alloc(r->arena, (n + 1) * sizeof *all);
		if (all && !listed) {
			all[0] = one;
			memcpy(all + 1, found, n * sizeof *found);
			found = all;
			n++;
		}
	}
	if (n == 0)
		return failed(c, N_("Aucune commune ne correspond à ce nom ou à ce code postal."));
	if (n == 1)
		return resolved(c, found[0].code);
	/* "Rennes" means Rennes, not Rennes-le-Château, unless two communes
	 * bear that very name. */
	size_t exact = 0, which = 0;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(found[i].name, q) == 0) {
			exact++;
			which = i;
		}
	if (exact == 1)
		return resolved(c, found[which].code);
	c->choices = found;
	c->nchoices = n;
	return failed(c, N_("Plusieurs communes correspondent : choisissez la bonne dans la liste."));
}

const char *page_commune_label(req *r, const char *code)
{
	store_commune one;
	if (!code || !*code)
		return "";
	if (store_commune_get(r->app->store, r->arena, code, &one) != STORE_OK)
		return code;
	const char *s = arena_printf(r->arena, "%s (%s)", one.name, one.code);
	return s ? s : code;
}

void page_commune_field(req *r, const char *name, const char *label, const page_commune *c,
                        const field_errors *e)
{
	if (c->nchoices == 0) {
		ui_field f = {.name = name,
		              .label = label,
		              .hint = _(r, "Nom de la commune, code postal ou code INSEE. Facultatif."),
		              .value = c->code && *c->code ? page_commune_label(r, c->code) : c->input,
		              .type = "text",
		              .autocomplete = "off"};
		ui_input(r, &f, e);
		return;
	}
	ui_option *opts = arena_alloc(r->arena, (c->nchoices + 1) * sizeof *opts);
	if (!opts)
		return;
	opts[0].value = "";
	opts[0].label = _(r, "Ne pas renseigner la commune");
	for (size_t i = 0; i < c->nchoices; i++) {
		const store_commune *k = &c->choices[i];
		opts[i + 1].value = arena_printf(r->arena, "%s (%s)", k->name, k->code);
		opts[i + 1].label =
		    arena_printf(r->arena, "%s (%s) — %s", k->name, k->departement, k->postcodes);
	}
	const char *hint = arena_printf(r->arena, "%s « %s »", _(r, "Vous avez saisi"), c->input);
	ui_field f = {.name = name, .label = label, .hint = hint, .value = ""};
	ui_select(r, &f, opts, c->nchoices + 1, e);
}
