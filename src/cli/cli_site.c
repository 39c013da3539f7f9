/*
 * cli_site.c: `guichet site add|list`, the sites from the command line (the
 * first site of a new installation, scripted set-ups).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/guichet_limits.h"
#include "domain/site.h"

static const cli_opt add_opts[] = {
    {"name", "NAME", "the site's name", 1, 0},
    {"type", "TYPE",
     "france_services, france_services_itinerant, mairie, mediatheque, centre_social, association or autre",
     1, 0},
    {"commune", "INSEE", "the commune's INSEE code (not the postcode), e.g. 35238", 0, 0},
    {"departement", "CODE", "the département, for a site without a commune code", 0, 0},
    {"address", "TEXT", "the postal address", 0, 0},
    {"hours", "TEXT", "the opening hours", 0, 0},
    {"languages", "CODES", "languages spoken, ISO 639-1 codes separated by commas, e.g. fr,ar", 0, 0},
    {"accessibility", "CODES", "pmr, boucle_magnetique, lsf, falc, malvoyants, separated by commas", 0, 0},
    {"accessibility-note", "TEXT", "details on accessibility", 0, 0},
};
static const cli_cmd cmd_add = {
    .name = "site add",
    .summary = "Creates a site and prints its id.",
    .opts = add_opts,
    .nopts = COUNT(add_opts),
};
static const cli_cmd cmd_list = {
    .name = "site list",
    .summary = "Lists the sites as tab-separated columns: id, name, type, commune, departement.",
};

static const char *const field_options[][2] = {
    {"name", "name"},
    {"type", "type"},
    {"commune_insee", "commune"},
    {"departement", "departement"},
    {"address", "address"},
    {"opening_hours", "hours"},
    {"languages", "languages"},
    {"accessibility", "accessibility"},
    {"accessibility_note", "accessibility-note"},
};

/* A writable copy of an option's value, "" when absent: validation
 * normalises in place. */
static char *opt_copy(const cli_args *a, const char *name)
{
	const char *v = cli_get(a, name);
	return xstrdup(v ? v : "");
}

static int site_add(const cli_args *a)
{
	/* v[i] holds the value of the option field_options[i][1]. */
	char *v[COUNT(field_options)] = {0};
	for (size_t i = 0; i < COUNT(field_options); i++)
		v[i] = opt_copy(a, field_options[i][1]);
	store_site site = {.name = v[0],
	                   .type = v[1],
	                   .commune_insee = v[2],
	                   .departement = v[3],
	                   .address = v[4],
	                   .opening_hours = v[5],
	                   .languages = v[6],
	                   .accessibility = v[7],
	                   .accessibility_note = v[8]};
	field_errors e = {0};
	store *s = NULL;
	int64_t id;
	int rc;
	if (site_validate(&site, &e) != 0) {
		cli_print_errors(a, &e, field_options, COUNT(field_options));
		rc = CLI_USAGE;
	} else if ((rc = cli_open_store(a, &s)) == CLI_OK) {
		if (store_site_insert(s, &site, &id) == STORE_OK) {
			cli_audit(s, "create", "site", id, id, "cli");
			printf("%lld\n", (long long)id);
		} else {
			cli_error(a, "cannot store the site (see the log above)");
			rc = CLI_FAIL;
		}
	}
	store_close(s);
	for (size_t i = 0; i < COUNT(v); i++)
		free(v[i]);
	return rc;
}

static int site_list(const cli_args *a)
{
	store *s;
	int rc = cli_open_store(a, &s);
	if (rc != CLI_OK)
		return rc;
	arena *ar = arena_new((size_t)LIMIT_ARENA_BYTES);
	store_site *sites;
	size_t n;
	if (store_site_list(s, ar, NULL, &sites, &n) != STORE_OK) {
		cli_error(a, "cannot read the sites");
		rc = CLI_FAIL;
	} else {
		printf("id\tname\ttype\tcommune\tdepartement\n");
		for (size_t i = 0; i < n; i++) {
			printf("%lld\t", (long long)sites[i].id);
			cli_put_cell(stdout, sites[i].name);
			printf("\t%s\t%s\t%s\n", sites[i].type, sites[i].commune_insee, sites[i].departement);
		}
	}
	arena_free(ar);
	store_close(s);
	return rc;
}

static void overview(FILE *f)
{
	fprintf(f,
	        "Usage: guichet site ACTION [OPTIONS]\nManages the sites.\n\nActions:\n"
	        "  add        %s\n  list       %s\n\nRun 'guichet site ACTION --help' for the options of an "
	        "action.\n",
	        cmd_add.summary, cmd_list.summary);
}

int cli_site(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		overview(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	int add = strcmp(argv[1], "add") == 0;
	if (!add && strcmp(argv[1], "list") != 0) {
		fprintf(stderr, "guichet site: unknown action '%s'\n", argv[1]);
		overview(stderr);
		return CLI_USAGE;
	}
	cli_args a;
	int status;
	if (cli_parse(add ? &cmd_add : &cmd_list, argc - 1, argv + 1, &a, &status) != 0)
		return status;
	int rc = add ? site_add(&a) : site_list(&a);
	cli_args_free(&a);
	return rc;
}
