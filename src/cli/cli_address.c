/*
 * cli_address.c: `guichet address format|load-bal` (docs/addresses.md).
 *
 * format reads one JSON object per line on standard input, the structured
 * fields of an address or {"text": "…"}, and writes one JSON object per
 * line: the postal address of NF Z10-011 (lines), what was corrected and
 * why (changes), what prevents writing it (errors), and the places to
 * choose from when the postcode and the town need a choice (proposals).
 * With a database (--db or GUICHET_DB) the postcode and the town are
 * checked against its official geography; without one they are not.
 *
 * load-bal loads a commune's published addresses (Base Adresse Locale CSV,
 * schema 1.3 or 1.4): the whole file is read and checked before the store
 * is touched, then each commune's rows replace its previous ones in one
 * transaction. Any error names the line and nothing is changed.
 *
 * Also the communes déléguées and associées of the geography, which
 * `guichet geo load` stores through cli_address_load_delegates.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address/address.h"
#include "address/bal.h"
#include "cli/cli.h"
#include "domain/address_geo.h"
#include "store/store_addresses.h"
#include "util/guichet_limits.h"

static const cli_cmd cmd_format = {
    .name = "address format",
    .summary = "Reads one JSON object per line on standard input (the fields recipient, complement, "
               "building, number, suffix, street_type, street, lieu_dit, postbox, postcode, town, cedex, "
               "cedex_office, or {\"text\": \"...\"}) and writes one JSON object per line with the postal "
               "address (lines), the corrections (changes) and the errors. With a database, the postcode "
               "and the town are checked against its official geography.",
};
static const cli_cmd cmd_load = {
    .name = "address load-bal",
    .summary = "Loads a Base Adresse Locale file (CSV, schema 1.3 or 1.4): each commune's addresses "
               "replace those it had, all or nothing. Usage: guichet address load-bal --db DB FILE.csv",
};

/* The string members of the structured input and where they go. */
static const struct {
	const char *key;
	size_t off, size;
} members[] = {
#define M(k, f)                                                                                              \
	{                                                                                                    \
		k, offsetof(address_fields, f), sizeof(((address_fields *)0)->f)                             \
	}
    M("recipient", recipient), M("complement", complement),
    M("building", building),   M("number", number),
    M("suffix", suffix),       M("street_type", street_type),
    M("street", street),       M("lieu_dit", lieu_dit),
    M("postbox", postbox),     M("postcode", postcode),
    M("town", town),           M("cedex_office", cedex_office),
#undef M
};

static json_t *note_json(const address_note *n)
{
	json_t *o = json_object();
	json_object_set_new(o, "code", json_integer(n->code));
	json_object_set_new(o, "field", json_string(address_field_name(n->field)));
	json_object_set_new(o, "line", json_integer(n->line));
	json_object_set_new(o, "msgid", json_string(n->msgid ? n->msgid : ""));
	json_object_set_new(o, "message", json_string(n->msgid ? cli_text(n->msgid) : ""));
	if (n->before[0])
		json_object_set_new(o, "before", json_string(n->before));
	if (n->after[0])
		json_object_set_new(o, "after", json_string(n->after));
	return o;
}

/* The output object of a result. */
static json_t *result_json(const address_result *r)
{
	json_t *o = json_object(), *lines = json_array(), *nos = json_array(), *ch = json_array(),
	       *er = json_array(), *pr = json_array();
	for (size_t i = 0; i < r->n_lines; i++) {
		json_array_append_new(lines, json_string(r->lines[i]));
		json_array_append_new(nos, json_integer(r->line_no[i]));
	}
	for (size_t i = 0; i < r->n_changes; i++)
		json_array_append_new(ch, note_json(&r->changes[i]));
	for (size_t i = 0; i < r->n_errors; i++)
		json_array_append_new(er, note_json(&r->errors[i]));
	for (size_t i = 0; i < r->n_proposals; i++) {
		const address_place *p = &r->proposals[i];
		json_t *q = json_object();
		json_object_set_new(q, "insee", json_string(p->insee));
		json_object_set_new(q, "postcode", json_string(p->postcode));
		json_object_set_new(q, "commune", json_string(p->commune));
		json_object_set_new(q, "delivery", json_string(p->delivery));
		if (p->line5[0])
			json_object_set_new(q, "line5", json_string(p->line5));
		json_array_append_new(pr, q);
	}
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "line_numbers", nos);
	json_object_set_new(o, "changes", ch);
	json_object_set_new(o, "errors", er);
	json_object_set_new(o, "proposals", pr);
	if (r->insee[0])
		json_object_set_new(o, "insee", json_string(r->insee));
	if (r->departement[0])
		json_object_set_new(o, "departement", json_string(r->departement));
	return o;
}

/* An error of the input line itself (not JSON, unknown member…). */
static json_t *input_error(const char *message)
{
	json_t *o = json_object(), *er = json_array(), *e = json_object();
	json_object_set_new(e, "code", json_integer(0));
	json_object_set_new(e, "field", json_string("input"));
	json_object_set_new(e, "line", json_integer(0));
	json_object_set_new(e, "message", json_string(message));
	json_array_append_new(er, e);
	json_object_set_new(o, "lines", json_array());
	json_object_set_new(o, "changes", json_array());
	json_object_set_new(o, "errors", er);
	return o;
}

/* Reads the JSON object of one line into f or text; NULL, or a message. */
static const char *read_input(json_t *in, address_fields *f, const char **text)
{
	const char *key;
	json_t *v;
	*text = NULL;
	memset(f, 0, sizeof *f);
	if (!json_is_object(in))
		return "each line must be a JSON object";
	json_object_foreach(in, key, v)
	{
		if (strcmp(key, "text") == 0) {
			if (!json_is_string(v))
				return "\"text\" must be a string";
			*text = json_string_value(v);
			continue;
		}
		if (strcmp(key, "cedex") == 0) {
			if (!json_is_boolean(v) && !json_is_integer(v))
				return "\"cedex\" must be true, false, 0 or 1";
			f->cedex = json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
			continue;
		}
		size_t i = 0;
		while (i < COUNT(members) && strcmp(members[i].key, key) != 0)
			i++;
		if (i == COUNT(members))
			return "unknown member (see guichet address format --help)";
		if (!json_is_string(v) && !json_is_null(v))
			return "every member but cedex must be a string";
		const char *s = json_is_string(v) ? json_string_value(v) : "";
		size_t n = json_is_string(v) ? json_string_length(v) : 0;
		if (n >= members[i].size || strlen(s) != n)
			return "a member is too long or holds a NUL character";
		memcpy((char *)f + members[i].off, s, n + 1);
	}
	if (*text && json_object_size(in) > 1)
		return "give either \"text\" or the fields, not both";
	return NULL;
}

static int format_stream(FILE *in, FILE *out, const address_lookup *lk)
{
	char *line = xmalloc(LIMIT_ADDRESS_JSON_LINE + 2);
	address_result *r = xmalloc(sizeof *r);
	address_fields *f = xmalloc(sizeof *f);
	int bad = 0;
	while (fgets(line, LIMIT_ADDRESS_JSON_LINE + 2, in)) {
		size_t n = strlen(line);
		json_t *o;
		if (n > LIMIT_ADDRESS_JSON_LINE) {
			int c;
			while (line[n - 1] != '\n' && (c = fgetc(in)) != EOF && c != '\n')
				;
			o = input_error("the line is too long");
			bad = 1;
		} else {
			while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				line[--n] = '\0';
			if (strspn(line, " \t") == n)
				continue;
			json_error_t jerr;
			json_t *in_obj = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
			const char *text = NULL;
			const char *why =
			    in_obj ? read_input(in_obj, f, &text) : "the line is not valid JSON";
			if (why) {
				o = input_error(why);
				bad = 1;
			} else {
				address_result_init(r);
				int rc = text ? address_normalise_text(text, strlen(text), lk, r)
				              : address_format(f, lk, r);
				if (rc != 0)
					bad = 1;
				o = result_json(r);
			}
			json_decref(in_obj);
		}
		if (json_dumpf(o, out, JSON_COMPACT) != 0)
			bad = 1;
		fputc('\n', out);
		json_decref(o);
	}
	fflush(out);
	free(line);
	free(r);
	free(f);
	return bad;
}

static int address_format_cmd(const cli_args *a)
{
	store *s = NULL;
	address_lookup lk, *use = NULL;
	if (a->cfg.db && *a->cfg.db) {
		if (cli_open_store(a, &s) != CLI_OK)
			return CLI_FAIL;
		int64_t communes = 0;
		if (store_commune_count(s, &communes) == STORE_OK && communes > 0) {
			address_geo_lookup(s, &lk);
			use = &lk;
		} else {
			fprintf(stderr, "guichet address format: the database has no geography "
			                "('guichet geo load'): postcodes and towns are not checked\n");
		}
	}
	cli_i18n();
	int bad = format_stream(stdin, stdout, use);
	store_close(s);
	/* Like a filter: 0 when every address could be written. */
	return bad ? CLI_FAIL : CLI_OK;
}

/* Reading a whole file, at most LIMIT_BAL_FILE_BYTES. */
static char *read_whole(const cli_args *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		cli_error(a, "%s: cannot open the file", path);
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *data = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap >= LIMIT_BAL_FILE_BYTES) {
				cli_error(a, "%s: the file is larger than %zu bytes", path,
				          LIMIT_BAL_FILE_BYTES);
				free(data);
				fclose(f);
				return NULL;
			}
			cap *= 2;
			data = xrealloc(data, cap);
		}
		size_t got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		cli_error(a, "%s: cannot read the file", path);
		free(data);
		return NULL;
	}
	*len = n;
	return data;
}

typedef struct bal_ctx {
	store *s;
	store_bal_loader *l;
	int check_communes;
	char last_ok[6]; /* the last commune found in the geography */
} bal_ctx;

static int bal_store_row(void *ctx, const bal_row *row, char *err, size_t errlen)
{
	bal_ctx *c = ctx;
	char voie_key[ADDRESS_FIELD_BYTES * 2], lieudit_key[ADDRESS_FIELD_BYTES * 2];
	if (c->check_communes && strcmp(c->last_ok, row->commune_insee) != 0) {
		store_commune com;
		arena *ar = arena_new(CLI_ARENA_SMALL);
		int rc = store_commune_get(c->s, ar, row->commune_insee, &com);
		arena_free(ar);
		if (rc != STORE_OK) {
			snprintf(err, errlen, "line %zu: commune %s is not in the geography%s", row->line,
			         row->commune_insee, rc == STORE_NOT_FOUND ? "" : " (the store failed)");
			return -1;
		}
		snprintf(c->last_ok, sizeof c->last_ok, "%s", row->commune_insee);
	}
	if (!c->l)
		return 0;
	address_name_key(row->voie_nom, voie_key, sizeof voie_key);
	address_name_key(row->lieudit, lieudit_key, sizeof lieudit_key);
	store_bal_row r = {
	    .commune_insee = row->commune_insee,
	    .commune_nom = row->commune_nom,
	    .deleguee_insee = row->deleguee_insee,
	    .deleguee_nom = row->deleguee_nom,
	    .voie_nom = row->voie_nom,
	    .voie_key = voie_key,
	    .lieudit = row->lieudit,
	    .lieudit_key = lieudit_key,
	    .suffixe = row->suffixe,
	    .cle_interop = row->cle_interop,
	    .uid = row->uid,
	    .position = row->position,
	    .lon = row->lon,
	    .lat = row->lat,
	    .source = row->source,
	    .date_der_maj = row->date_der_maj,
	    .numero = row->numero,
	    .certifie = row->certifie,
	};
	if (store_bal_add(c->l, &r) != STORE_OK) {
		snprintf(err, errlen, "line %zu: the row cannot be stored (see the log above)", row->line);
		return -1;
	}
	return 0;
}

static int address_load_cmd(const cli_args *a, const char *path)
{
	size_t len = 0;
	char *data = read_whole(a, path, &len);
	if (!data)
		return CLI_FAIL;
	store *s = NULL;
	int rc = cli_open_store(a, &s);
	char err[BAL_ERR_BYTES + 64];
	bal_ctx c = {.s = s};
	int64_t communes = 0;
	if (rc == CLI_OK && store_commune_count(s, &communes) == STORE_OK && communes > 0)
		c.check_communes = 1;
	/* First the whole file is checked, then it is stored. */
	if (rc == CLI_OK && bal_parse(data, len, bal_store_row, &c, err, sizeof err) < 0) {
		cli_error(a, "%s: %s", path, err);
		cli_error(a, "nothing was changed");
		rc = CLI_FAIL;
	}
	size_t nc = 0, nr = 0;
	if (rc == CLI_OK) {
		if (store_bal_begin(s, &c.l) != STORE_OK) {
			cli_error(a, "cannot start the load (see the log above)");
			rc = CLI_FAIL;
		} else {
			long n = bal_parse(data, len, bal_store_row, &c, err, sizeof err);
			if (n < 0)
				cli_error(a, "%s: %s", path, err);
			const char *base = strrchr(path, '/');
			if (store_bal_end(c.l, n >= 0, base ? base + 1 : path, now_s(), &nc, &nr) !=
			        STORE_OK ||
			    n < 0) {
				if (n >= 0)
					cli_error(a, "cannot store the addresses (see the log above)");
				rc = CLI_FAIL;
			} else if (nr == 0) {
				cli_error(a, "%s: the file holds no address", path);
				rc = CLI_FAIL;
			}
		}
		if (rc != CLI_OK)
			cli_error(a, "nothing was changed");
	}
	if (rc == CLI_OK) {
		cli_audit(s, "update", "bal", 0, 0, "address load-bal");
		printf("loaded %zu addresses of %zu commune%s\n", nr, nc, nc > 1 ? "s" : "");
	}
	store_close(s);
	free(data);
	return rc;
}

int cli_address_load_delegates(const cli_args *a, store *s, struct json_t *communes, size_t *n)
{
	*n = 0;
	size_t i, count = json_array_size(communes);
	json_t *o;
	store_delegate *v = xcalloc(count ? count : 1, sizeof *v);
	char(*keys)[LIMIT_NAME_BYTES * 2] = xcalloc(count ? count : 1, sizeof *keys);
	size_t k = 0;
	json_array_foreach(communes, i, o)
	{
		const char *type = json_string_value(json_object_get(o, "type"));
		const char *kind = !type                                   ? NULL
		                   : strcmp(type, "commune-deleguee") == 0 ? "deleguee"
		                   : strcmp(type, "commune-associee") == 0 ? "associee"
		                                                           : NULL;
		if (!kind)
			continue;
		const char *code = json_string_value(json_object_get(o, "code"));
		const char *name = json_string_value(json_object_get(o, "nom"));
		const char *parent = json_string_value(json_object_get(o, "chefLieu"));
		if (!code || !name || !parent || strlen(code) != 5 || strlen(parent) != 5 || !*name ||
		    strlen(name) > LIMIT_NAME_BYTES || text_has_controls(name)) {
			cli_error(
			    a,
			    "communes.json: entry %zu: a commune %s without a valid code, name or chefLieu",
			    i + 1, kind);
			free(v);
			free(keys);
			return -1;
		}
		address_geo_commune_key(name, keys[k], sizeof keys[k]);
		v[k] = (store_delegate){code, name, keys[k], parent, kind};
		k++;
	}
	int rc = store_delegates_replace(s, v, k);
	free(v);
	free(keys);
	if (rc != STORE_OK) {
		cli_error(a, "cannot store the communes déléguées and associées (see the log above)");
		return -1;
	}
	*n = k;
	return 0;
}

static void overview(FILE *f)
{
	fprintf(f, "Usage: guichet address ACTION [OPTIONS]\nPostal addresses (NF Z10-011) and the addresses "
	           "communes publish.\n\n"
	           "Actions:\n  format     write postal addresses from JSON lines on standard input\n"
	           "  load-bal   load a Base Adresse Locale CSV file\n\n"
	           "Run 'guichet address ACTION --help' for the options of an action.\n");
}

int cli_address(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		overview(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	int load = strcmp(argv[1], "load-bal") == 0;
	if (!load && strcmp(argv[1], "format") != 0) {
		fprintf(stderr, "guichet address: unknown action '%s'\n", argv[1]);
		overview(stderr);
		return CLI_USAGE;
	}
	int n = argc - 1;
	char **args = argv + 1;
	const char *file = load ? cli_take_operand(&n, args) : NULL;
	cli_args a;
	int status;
	if (cli_parse(load ? &cmd_load : &cmd_format, n, args, &a, &status) != 0)
		return status;
	int rc;
	if (!load) {
		rc = address_format_cmd(&a);
	} else if (!file) {
		cli_error(&a, "give the FILE to load: a Base Adresse Locale CSV file");
		rc = CLI_USAGE;
	} else {
		rc = address_load_cmd(&a, file);
	}
	cli_args_free(&a);
	return rc;
}
