/*
 * cli_geo.c: `guichet geo load|search`: loads the official geography
 * (communes, départements, regions of the npm package
 * @etalab/decoupage-administratif, Licence Ouverte) into the store, and
 * searches it from the command line.
 *
 * A load replaces the whole geography in one transaction: any bad file or
 * entry stops it with a message naming the file and the entry, and the
 * store keeps what it had. The package's version is kept in the setting
 * geo_version, so that the "about the data" page can credit the vintage.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/guichet_limits.h"

#define GEO_DEFAULT_DIR "node_modules/@etalab/decoupage-administratif/data"
#define GEO_PATH_BYTES 4096
#define GEO_SEARCH_ROWS 20
/* A postcode list longer than this is not a commune's. */
#define GEO_POSTCODES_BYTES 512

static const cli_opt load_opts[] = {
    {"dir", "DIR", "the data directory of @etalab/decoupage-administratif (default " GEO_DEFAULT_DIR ")", 0,
     0},
};
static const cli_cmd cmd_load = {
    .name = "geo load",
    .summary = "Replaces the communes, départements and regions with those of communes.json, "
               "departements.json and regions.json, and records the data's version.",
    .opts = load_opts,
    .nopts = COUNT(load_opts),
};
static const cli_cmd cmd_search = {
    .name = "geo search",
    .summary = "Prints the communes whose name starts with QUERY (accents and case ignored) or whose "
               "postcode is QUERY, as tab-separated columns: code, name, departement, postcodes, population. "
               "Usage: guichet geo search [OPTIONS] QUERY",
};

/* A code of the geography: 1 to 5 letters or digits ("35238", "2A", "975"). */
static int code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 5)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z')))
			return 0;
	return 1;
}

/* The text member key of o, or NULL after a message when it is missing,
 * empty, too long or (for codes) malformed. */
static const char *member(const cli_args *a, const char *file, size_t i, json_t *o, const char *key, int code)
{
	const char *v = json_string_value(json_object_get(o, key));
	if (!v || !*v || strlen(v) > LIMIT_NAME_BYTES || (code && !code_ok(v)) || text_has_controls(v)) {
		cli_error(a, "%s: entry %zu: \"%s\" is missing or not valid", file, i + 1, key);
		return NULL;
	}
	return v;
}

/* Reads DIR/name as a JSON array; NULL after a message. */
static json_t *load_array(const cli_args *a, const char *dir, const char *name)
{
	char path[GEO_PATH_BYTES];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
		cli_error(a, "the directory name is too long");
		return NULL;
	}
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);
	if (!j) {
		if (err.line > 0)
			cli_error(a, "%s: %s (line %d)", path, err.text, err.line);
		else
			cli_error(a, "%s", err.text);
		return NULL;
	}
	if (!json_is_array(j) || json_array_size(j) == 0) {
		cli_error(a, "%s: expected a non-empty JSON array", path);
		json_decref(j);
		return NULL;
	}
	return j;
}

static int load_regions(const cli_args *a, store_geo_loader *g, json_t *arr, size_t *n)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		const char *code = member(a, "regions.json", i, o, "code", 1);
		const char *name = code ? member(a, "regions.json", i, o, "nom", 0) : NULL;
		if (!name)
			return -1;
		if (store_geo_region(g, code, name) != STORE_OK) {
			cli_error(a, "regions.json: entry %zu: region %s cannot be stored (twice?)", i + 1,
			          code);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

static int load_departements(const cli_args *a, store_geo_loader *g, json_t *arr, size_t *n)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		const char *code = member(a, "departements.json", i, o, "code", 1);
		const char *name = code ? member(a, "departements.json", i, o, "nom", 0) : NULL;
		const char *region = name ? member(a, "departements.json", i, o, "region", 1) : NULL;
		if (!region)
			return -1;
		if (store_geo_departement(g, code, name, region) != STORE_OK) {
			cli_error(a, "departements.json: entry %zu: département %s cannot be stored (twice?)",
			          i + 1, code);
			return -1;
		}
		(*n)++;
	}
	return 0;
}

/* The postcodes of a commune as "35000 35200"; -1 when one is not five
 * digits. */
static int postcodes(json_t *list, char *out, size_t outlen)
{
	size_t i, o = 0;
	json_t *pc;
	out[0] = '\0';
	if (!list)
		return 0;
	if (!json_is_array(list))
		return -1;
	json_array_foreach(list, i, pc)
	{
		const char *v = json_string_value(pc);
		if (!v || strlen(v) != 5 || strspn(v, "0123456789") != 5 || o + 7 > outlen)
			return -1;
		o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? " " : "", v);
	}
	return 0;
}

static int load_communes(const cli_args *a, store_geo_loader *g, json_t *arr, size_t *n)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
	{
		/* Former, delegated and associated communes and the municipal
		 * arrondissements share the file: only current communes are
		 * places where people live today. */
		const char *type = json_string_value(json_object_get(o, "type"));
		if (!type || strcmp(type, "commune-actuelle") != 0)
			continue;
		store_commune c = {0};
		char pcs[GEO_POSTCODES_BYTES];
		c.code = (char *)member(a, "communes.json", i, o, "code", 1);
		c.name = c.code ? (char *)member(a, "communes.json", i, o, "nom", 0) : NULL;
		c.departement = c.name ? (char *)member(a, "communes.json", i, o, "departement", 1) : NULL;
		c.region = c.departement ? (char *)member(a, "communes.json", i, o, "region", 1) : NULL;
		if (!c.region)
			return -1;
		json_t *pop = json_object_get(o, "population");
		if ((pop && (!json_is_integer(pop) || json_integer_value(pop) < 0)) ||
		    postcodes(json_object_get(o, "codesPostaux"), pcs, sizeof pcs) != 0) {
			cli_error(a,
			          "communes.json: entry %zu: \"population\" or \"codesPostaux\" is not valid",
			          i + 1);
			return -1;
		}
		c.population = pop ? (int64_t)json_integer_value(pop) : 0;
		c.postcodes = pcs;
		if (store_geo_commune(g, &c) != STORE_OK) {
			cli_error(a, "communes.json: entry %zu: commune %s cannot be stored (twice?)", i + 1,
			          c.code);
			return -1;
		}
		(*n)++;
	}
	if (*n == 0) {
		cli_error(a, "communes.json: no entry of type \"commune-actuelle\"");
		return -1;
	}
	return 0;
}

/* The package's version from DIR/../package.json, "unknown" without one. */
static void data_version(const char *dir, char *out, size_t outlen)
{
	char path[GEO_PATH_BYTES];
	snprintf(out, outlen, "unknown");
	if ((size_t)snprintf(path, sizeof path, "%s/../package.json", dir) >= sizeof path)
		return;
	json_t *pkg = json_load_file(path, 0, NULL);
	const char *v = json_string_value(json_object_get(pkg, "version"));
	if (v && *v && strlen(v) < outlen && !text_has_controls(v))
		snprintf(out, outlen, "%s", v);
	json_decref(pkg);
}

static int geo_load(const cli_args *a)
{
	const char *dir = cli_get(a, "dir");
	if (!dir)
		dir = GEO_DEFAULT_DIR;
	/* Every file is read before the store is touched. */
	json_t *regions = load_array(a, dir, "regions.json");
	json_t *deps = regions ? load_array(a, dir, "departements.json") : NULL;
	json_t *communes = deps ? load_array(a, dir, "communes.json") : NULL;
	store *s = NULL;
	int rc = communes ? cli_open_store(a, &s) : CLI_FAIL;
	size_t nr = 0, nd = 0, nc = 0;
	if (rc == CLI_OK) {
		store_geo_loader *g;
		if (store_geo_begin(s, &g) != STORE_OK) {
			cli_error(a, "cannot start the load (see the log above)");
			rc = CLI_FAIL;
		} else {
			int ok = load_regions(a, g, regions, &nr) == 0 &&
			         load_departements(a, g, deps, &nd) == 0 &&
			         load_communes(a, g, communes, &nc) == 0;
			if (store_geo_end(g, ok) != STORE_OK || !ok) {
				if (ok)
					cli_error(a, "cannot store the geography (see the log above)");
				cli_error(a, "nothing was changed");
				rc = CLI_FAIL;
			}
		}
	}
	if (rc == CLI_OK) {
		char version[64];
		data_version(dir, version, sizeof version);
		if (store_setting_put(s, "geo_version", version) != STORE_OK) {
			cli_error(a, "the geography is loaded but its version could not be recorded");
			rc = CLI_FAIL;
		}
		size_t ndel = 0; /* communes déléguées and associées, for addresses */
		if (cli_address_load_delegates(a, s, communes, &ndel) != 0)
			rc = CLI_FAIL;
		cli_audit(s, "update", "geography", 0, 0, "geo load");
		printf("loaded %zu regions, %zu departements, %zu communes (decoupage-administratif %s)\n",
		       nr, nd, nc, version);
	}
	store_close(s);
	json_decref(regions);
	json_decref(deps);
	json_decref(communes);
	return rc;
}

static int geo_search(const cli_args *a, const char *query)
{
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new(CLI_ARENA_SMALL);
	store_commune *c;
	size_t n;
	if (store_commune_search(s, ar, query, GEO_SEARCH_ROWS, &c, &n) != STORE_OK) {
		cli_error(a, "cannot search the communes");
		rc = CLI_FAIL;
	} else {
		printf("code\tname\tdepartement\tpostcodes\tpopulation\n");
		for (size_t i = 0; i < n; i++) {
			printf("%s\t", c[i].code);
			cli_put_cell(stdout, c[i].name);
			printf("\t%s\t%s\t%lld\n", c[i].departement, c[i].postcodes,
			       (long long)c[i].population);
		}
	}
	arena_free(ar);
	store_close(s);
	return rc;
}

static void overview(FILE *f)
{
	fprintf(f, "Usage: guichet geo ACTION [OPTIONS]\nThe official geography (communes, départements, "
	           "regions).\n\n"
	           "Actions:\n  load       load communes.json, departements.json and regions.json of "
	           "@etalab/decoupage-administratif\n  search     search communes by the beginning of their "
	           "name or by "
	           "postcode\n\nRun 'guichet geo ACTION --help' for the options of an action.\n");
}

int cli_geo(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		overview(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	int load = strcmp(argv[1], "load") == 0;
	if (!load && strcmp(argv[1], "search") != 0) {
		fprintf(stderr, "guichet geo: unknown action '%s'\n", argv[1]);
		overview(stderr);
		return CLI_USAGE;
	}
	int n = argc - 1;
	char **args = argv + 1;
	const char *query = load ? NULL : cli_take_operand(&n, args);
	cli_args a;
	int status;
	if (cli_parse(load ? &cmd_load : &cmd_search, n, args, &a, &status) != 0)
		return status;
	int rc;
	if (load) {
		rc = geo_load(&a);
	} else if (!query) {
		cli_error(&a, "give the QUERY to search: a name or a postcode");
		rc = CLI_USAGE;
	} else {
		rc = geo_search(&a, query);
	}
	cli_args_free(&a);
	return rc;
}
