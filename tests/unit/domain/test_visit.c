/*
 * test_visit.c: the rules of an accompaniment record (visit.c), of the
 * catalog (catalog.c) and the local-time helpers they use: each rule
 * refuses with its field name and message, and what passes is normalised
 * as visit.h says. The references (operators, themes, procedures,
 * communes) come from a real store with the seed and a small geography.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/catalog.h"
#include "vocab/enums.h"
#include "store/store.h"
#include "domain/visit.h"

#define NOW 1767225600 /* 2026-01-01 00:00 UTC */

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-visit-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(1 << 20);
	/* An operator and a procedure that are no longer offered. */
	store_operator old = {.code = "ancien", .name = "Ancien opérateur", .active = 0};
	store_procedure gone = {.label = "Ancienne démarche",
	                        .theme_code = "logement",
	                        .operator_code = "",
	                        .url = "",
	                        .documents = "",
	                        .active = 0};
	int64_t id;
	if (store_operator_insert(f->s, &old) != STORE_OK ||
	    store_procedure_insert(f->s, &gone, &id) != STORE_OK || id != 31)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_store_close(f->s, f->a, f->dir);
	free(f);
	return 0;
}

static void load_geography(struct fixture *f)
{
	store_geo_loader *g;
	assert_int_equal(store_geo_begin(f->s, &g), STORE_OK);
	const store_commune cs[] = {{"35236", "Redon", "35", "53", "35600", 9300},
	                            {"2A004", "Ajaccio", "2A", "94", "20000", 70000}};
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(store_geo_commune(g, &cs[i]), STORE_OK);
	assert_int_equal(store_geo_end(g, 1), STORE_OK);
}

/* A writable copy, as pages and the import hand their fields. */
static char *w(struct fixture *f, const char *s)
{
	return arena_strdup(f->a, s);
}

/* A valid visit with n demands, every string writable. */
static store_visit good(struct fixture *f, size_t n)
{
	store_visit v = {.site_id = 1,
	                 .agent_id = 1,
	                 .started_at = NOW - 3600,
	                 .channel = w(f, "guichet_spontane"),
	                 .place = w(f, "")};
	v.visitor = (store_visitor){.age_bracket = w(f, ""),
	                            .gender = w(f, "feminin"),
	                            .social_status = w(f, ""),
	                            .commune_insee = w(f, "35236"),
	                            .languages = w(f, ""),
	                            .disabilities = w(f, ""),
	                            .full_name = w(f, ""),
	                            .phone = w(f, ""),
	                            .email = w(f, ""),
	                            .consent_reason = w(f, "")};
	v.demands = arena_alloc(f->a, (n ? n : 1) * sizeof *v.demands);
	v.ndemands = n;
	for (size_t i = 0; i < n; i++)
		v.demands[i] = (store_demand){.operator_code = w(f, "cnaf"),
		                              .theme_code = w(f, "social_sante"),
		                              .procedure_text = w(f, ""),
		                              .level = w(f, "fait_avec"),
		                              .mandate_type = w(f, ""),
		                              .mandate_ref = w(f, ""),
		                              .equipment = w(f, ""),
		                              .interpreting = w(f, ""),
		                              .interpreting_lang = w(f, ""),
		                              .outcome = w(f, "resolu"),
		                              .referral_type = w(f, ""),
		                              .note = w(f, "")};
	return v;
}

/* Validates v and expects exactly one error, on field, and returns its
 * message. */
static const char *one_error(struct fixture *f, store_visit *v, const char *field)
{
	field_errors e = {0};
	assert_int_equal(visit_validate(f->s, v, NOW, &e), -1);
	if (e.n != 1 || !e.v[0].field || strcmp(e.v[0].field, field) != 0) {
		for (size_t i = 0; i < e.n; i++)
			fprintf(stderr, "# error %s: %s\n", e.v[i].field ? e.v[i].field : "(record)",
			        e.v[i].msgid);
		fail_msg("expected one error on %s", field);
	}
	return e.v[0].msgid;
}

static void test_valid_and_normalised(void **state)
{
	struct fixture *f = *state;
	store_visit v = good(f, 2);
	v.place = w(f, "  Place de l'église ");
	v.visitor.birth_year = 1950;
	v.visitor.age_bracket = w(f, "18_24"); /* the birth year decides */
	v.visitor.languages = w(f, "AR,uk");
	v.demands[0].duration_min = 20;
	v.demands[1].duration_min = 25;
	v.demands[0].mandate_type = w(f, "papier"); /* not fait_pour: dropped */
	v.demands[0].mandate_ref = w(f, "M-1");
	v.demands[0].referral_type = w(f, "autre"); /* not oriente: dropped */
	v.demands[0].interpreting = w(f, "aucun");
	v.demands[0].interpreting_lang = w(f, "ar"); /* no interpreting: dropped */
	v.demands[1].operator_code = w(f, "");
	v.demands[1].theme_code = w(f, "");
	v.demands[1].procedure_id = 1; /* carte d'identité: ants, papiers_citoyennete */
	v.demands[1].level = w(f, "fait_pour");
	v.demands[1].mandate_type = w(f, "aidants_connect");
	v.demands[1].outcome = w(f, "oriente");
	v.demands[1].referral_type = w(f, "administration");
	v.demands[1].interpreting = w(f, "telephone");
	v.demands[1].interpreting_lang = w(f, "uk");
	v.demands[1].equipment = w(f, "ordinateur,telephone");
	v.demands[1].autonomy = 3;
	v.demands[1].note = w(f, "Deux lignes\nde note.");
	field_errors e = {0};
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);
	assert_int_equal(e.n, 0);
	assert_string_equal(v.place, "Place de l'église");
	assert_string_equal(v.visitor.age_bracket, "70_plus");
	assert_string_equal(v.visitor.social_status, "non_communique");
	assert_string_equal(v.visitor.languages, "ar,uk");
	assert_int_equal(v.duration_min, 45);
	assert_string_equal(v.demands[0].mandate_type, "");
	assert_string_equal(v.demands[0].mandate_ref, "");
	assert_string_equal(v.demands[0].referral_type, "");
	assert_string_equal(v.demands[0].interpreting_lang, "");
	assert_string_equal(v.demands[1].operator_code, "ants");
	assert_string_equal(v.demands[1].theme_code, "papiers_citoyennete");
	assert_string_equal(v.demands[1].mandate_type, "aidants_connect");
	assert_string_equal(v.demands[1].referral_type, "administration");

	/* NULL strings count as empty; empty profile answers as not given. */
	store_visit n = good(f, 1);
	n.visitor = (store_visitor){0};
	n.place = NULL;
	n.demands[0].note = NULL;
	n.demands[0].equipment = NULL;
	assert_int_equal(visit_validate(f->s, &n, NOW, &e), 0);
	assert_string_equal(n.visitor.gender, "non_communique");
	assert_string_equal(n.visitor.age_bracket, "non_communique");
	assert_string_equal(n.place, "");
	/* A given duration stays. */
	store_visit d = good(f, 1);
	d.duration_min = 10;
	d.demands[0].duration_min = 30;
	assert_int_equal(visit_validate(f->s, &d, NOW, &e), 0);
	assert_int_equal(d.duration_min, 10);
	/* Valid records can be stored as they are. */
	store_site site = {.name = "Site", .type = "mairie"};
	store_user u = {.email = "a@example.org", .name = "A", .role = "agent", .active = 1};
	int64_t sid, uid;
	assert_int_equal(store_site_insert(f->s, &site, &sid), STORE_OK);
	assert_int_equal(store_user_insert(f->s, &u, &uid), STORE_OK);
	v.site_id = n.site_id = sid;
	v.agent_id = n.agent_id = uid;
	assert_int_equal(store_visit_insert(f->s, &v), STORE_OK);
	assert_int_equal(store_visit_insert(f->s, &n), STORE_OK);
}

static void test_visit_rules(void **state)
{
	struct fixture *f = *state;
	store_visit v;
	v = good(f, 1), v.site_id = 0;
	one_error(f, &v, "site_id");
	v = good(f, 1), v.started_at = 0;
	one_error(f, &v, "started_at");
	v = good(f, 1), v.started_at = NOW + 360;
	assert_string_equal(one_error(f, &v, "started_at"),
	                    "La date de l'accueil ne peut pas être dans le futur.");
	v = good(f, 1), v.started_at = NOW + 240; /* clocks differ a little */
	field_errors e = {0};
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);
	v = good(f, 1), v.started_at = 900000000;
	one_error(f, &v, "started_at");
	v = good(f, 1), v.channel = w(f, "pigeon");
	one_error(f, &v, "channel");
	v = good(f, 1), v.channel = NULL;
	one_error(f, &v, "channel");
	char longer[260];
	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	v = good(f, 1), v.place = w(f, longer);
	one_error(f, &v, "place");
	v = good(f, 1), v.place = w(f, "a\x01b");
	one_error(f, &v, "place");
	v = good(f, 1), v.place = w(f, "\xff\xfe");
	one_error(f, &v, "place");
	v = good(f, 1), v.duration_min = 601;
	one_error(f, &v, "duration_min");
	v = good(f, 1), v.duration_min = -1;
	one_error(f, &v, "duration_min");
	v = good(f, 0);
	assert_string_equal(one_error(f, &v, "demands"), "Ajoutez au moins une demande.");
	v = good(f, 11);
	one_error(f, &v, "demands");
	v = good(f, 10);
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);
}

static void test_visitor_rules(void **state)
{
	struct fixture *f = *state;
	store_visit v;
	v = good(f, 1), v.visitor.gender = w(f, "autre");
	one_error(f, &v, "gender");
	v = good(f, 1), v.visitor.social_status = w(f, "chomeur");
	one_error(f, &v, "social_status");
	v = good(f, 1), v.visitor.age_bracket = w(f, "30_40");
	one_error(f, &v, "age_bracket");
	v = good(f, 1), v.visitor.birth_year = 1899;
	one_error(f, &v, "birth_year");
	v = good(f, 1), v.visitor.birth_year = 2027; /* after the visit's year */
	one_error(f, &v, "birth_year");
	v = good(f, 1), v.visitor.languages = w(f, "ar,xx");
	one_error(f, &v, "languages");
	v = good(f, 1), v.visitor.languages = w(f, "ar,ar");
	one_error(f, &v, "languages");
	v = good(f, 1), v.visitor.languages = w(f, "ar;uk");
	one_error(f, &v, "languages");
	v = good(f, 1), v.visitor.disabilities = w(f, "auditif,autre");
	one_error(f, &v, "disabilities");

	/* Commune codes: the format alone without the geography… */
	v = good(f, 1), v.visitor.commune_insee = w(f, "35600"); /* a postcode is not an INSEE code here */
	field_errors e = {0};
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);
	v = good(f, 1), v.visitor.commune_insee = w(f, "3523");
	one_error(f, &v, "commune_insee");
	v = good(f, 1), v.visitor.commune_insee = w(f, "20004");
	one_error(f, &v, "commune_insee");
	/* …and the commune itself once it is loaded. */
	load_geography(f);
	v = good(f, 1), v.visitor.commune_insee = w(f, "35600");
	assert_string_equal(one_error(f, &v, "commune_insee"), "Aucune commune ne porte ce code INSEE.");
	v = good(f, 1), v.visitor.commune_insee = w(f, "2a004");
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);
	assert_string_equal(v.visitor.commune_insee, "2A004");
	v = good(f, 1), v.visitor.commune_insee = w(f, "");
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);
}

static void test_identification(void **state)
{
	struct fixture *f = *state;
	field_errors e = {0};
	store_visit v = good(f, 1);
	v.visitor.identified = 1;
	v.visitor.full_name = w(f, " Jeanne Martin ");
	v.visitor.phone = w(f, "+33 6 12 34 56 78");
	v.visitor.email = w(f, "Jeanne@Example.ORG");
	v.visitor.consent_reason = w(f, "suivi");
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);
	assert_string_equal(v.visitor.full_name, "Jeanne Martin");
	assert_string_equal(v.visitor.email, "jeanne@example.org");

	v = good(f, 1), v.visitor.identified = 1, v.visitor.full_name = w(f, "Jeanne");
	one_error(f, &v, "consent_reason");
	v = good(f, 1), v.visitor.identified = 1, v.visitor.consent_reason = w(f, "suivi");
	one_error(f, &v, "full_name");
	v = good(f, 1), v.visitor.identified = 1, v.visitor.consent_reason = w(f, "curiosite"),
	v.visitor.full_name = w(f, "J");
	one_error(f, &v, "consent_reason");
	v = good(f, 1), v.visitor.identified = 1, v.visitor.consent_reason = w(f, "rappel"),
	v.visitor.full_name = w(f, "J"), v.visitor.phone = w(f, "12");
	one_error(f, &v, "phone");
	v = good(f, 1), v.visitor.identified = 1, v.visitor.consent_reason = w(f, "rappel"),
	v.visitor.full_name = w(f, "J"), v.visitor.phone = w(f, "06 12 ab");
	one_error(f, &v, "phone");
	v = good(f, 1), v.visitor.identified = 1, v.visitor.consent_reason = w(f, "rappel"),
	v.visitor.full_name = w(f, "J"), v.visitor.email = w(f, "jeanne@");
	one_error(f, &v, "email");
	v = good(f, 1), v.visitor.identified = 1, v.visitor.consent_reason = w(f, "rappel"),
	v.visitor.full_name = w(f, "J\nK");
	one_error(f, &v, "full_name");

	/* Not identified: nothing identifying may be written down; a consent
	 * reason left in the form is dropped. */
	v = good(f, 1), v.visitor.phone = w(f, "0612345678");
	one_error(f, &v, "full_name");
	v = good(f, 1), v.visitor.email = w(f, "a@b.fr");
	one_error(f, &v, "full_name");
	v = good(f, 1), v.visitor.consent_reason = w(f, "suivi"), v.visitor.consent_at = 5;
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);
	assert_string_equal(v.visitor.consent_reason, "");
	assert_int_equal(v.visitor.consent_at, 0);
}

static void test_demand_rules(void **state)
{
	struct fixture *f = *state;
	store_visit v;
	v = good(f, 2), v.demands[1].operator_code = w(f, "");
	assert_string_equal(one_error(f, &v, "d2_operator_code"), "Choisissez l'opérateur de la demande 2.");
	v = good(f, 2), v.demands[0].operator_code = w(f, "nobody");
	assert_string_equal(one_error(f, &v, "d1_operator_code"),
	                    "L'opérateur de la demande 1 n'existe pas ou n'est plus actif.");
	v = good(f, 1), v.demands[0].operator_code = w(f, "ancien");
	one_error(f, &v, "d1_operator_code");
	v = good(f, 1), v.demands[0].theme_code = w(f, "");
	assert_string_equal(one_error(f, &v, "d1_theme_code"), "Choisissez le thème de la demande 1.");
	v = good(f, 1), v.demands[0].theme_code = w(f, "sport");
	one_error(f, &v, "d1_theme_code");
	v = good(f, 1), v.demands[0].procedure_id = 999;
	one_error(f, &v, "d1_procedure_id");
	v = good(f, 1), v.demands[0].procedure_id = 31; /* no longer offered */
	one_error(f, &v, "d1_procedure_id");
	v = good(f, 1), v.demands[0].procedure_id = -1;
	one_error(f, &v, "d1_procedure_id");
	v = good(f, 1), v.demands[0].procedure_text = w(f, "tab\there");
	one_error(f, &v, "d1_procedure_text");
	v = good(f, 1), v.demands[0].level = w(f, "");
	one_error(f, &v, "d1_level");
	v = good(f, 10), v.demands[9].level = w(f, "tout");
	assert_string_equal(one_error(f, &v, "d10_level"),
	                    "Choisissez le niveau d'intervention de la demande 10.");
	v = good(f, 1), v.demands[0].level = w(f, "fait_pour");
	one_error(f, &v, "d1_mandate_type");
	v = good(f, 1), v.demands[0].level = w(f, "fait_pour"), v.demands[0].mandate_type = w(f, "oral");
	one_error(f, &v, "d1_mandate_type");
	v = good(f, 1), v.demands[0].autonomy = 4;
	one_error(f, &v, "d1_autonomy");
	v = good(f, 1), v.demands[0].equipment = w(f, "minitel");
	one_error(f, &v, "d1_equipment");
	v = good(f, 1), v.demands[0].interpreting = w(f, "signes");
	one_error(f, &v, "d1_interpreting");
	v = good(f, 1), v.demands[0].interpreting = w(f, "proche"),
	v.demands[0].interpreting_lang = w(f, "arabic");
	one_error(f, &v, "d1_interpreting_lang");
	v = good(f, 1), v.demands[0].outcome = w(f, "");
	one_error(f, &v, "d1_outcome");
	v = good(f, 1), v.demands[0].outcome = w(f, "oriente");
	one_error(f, &v, "d1_referral_type");
	v = good(f, 1), v.demands[0].outcome = w(f, "oriente"), v.demands[0].referral_type = w(f, "ailleurs");
	one_error(f, &v, "d1_referral_type");
	v = good(f, 1), v.demands[0].duration_min = 601;
	one_error(f, &v, "d1_duration_min");
	char note[VISIT_NOTE_BYTES + 2];
	memset(note, 'n', sizeof note - 1);
	note[sizeof note - 1] = '\0';
	v = good(f, 1), v.demands[0].note = w(f, note);
	one_error(f, &v, "d1_note");
	note[VISIT_NOTE_BYTES] = '\0';
	v = good(f, 1), v.demands[0].note = w(f, note);
	field_errors e = {0};
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), 0);

	/* Several problems are all reported. */
	v = good(f, 2);
	v.channel = w(f, "");
	v.demands[0].outcome = w(f, "");
	v.demands[1].theme_code = w(f, "");
	memset(&e, 0, sizeof e);
	assert_int_equal(visit_validate(f->s, &v, NOW, &e), -1);
	assert_int_equal(e.n, 3);
	assert_non_null(field_error_for(&e, "channel"));
	assert_non_null(field_error_for(&e, "d1_outcome"));
	assert_non_null(field_error_for(&e, "d2_theme_code"));
}

static void test_correction_window(void **state)
{
	(void)state;
	assert_true(visit_in_correction_window(NOW, 7, NOW));
	assert_true(visit_in_correction_window(NOW, 7, NOW + 7 * 86400));
	assert_false(visit_in_correction_window(NOW, 7, NOW + 7 * 86400 + 1));
	assert_false(visit_in_correction_window(NOW, 0, NOW));
	assert_false(visit_in_correction_window(NOW, 7, NOW - 10));
	assert_true(visit_in_correction_window(NOW, 30, NOW + 29 * 86400));
}

static void test_workshop_rules(void **state)
{
	struct fixture *f = *state;
	store_workshop ok = {.site_id = 1,
	                     .topic_code = w(f, "email"),
	                     .level = w(f, "debutant"),
	                     .held_at = NOW - 3600,
	                     .duration_min = 90,
	                     .participants = 6,
	                     .by_gender = {3, 2, 1},
	                     .by_age = {0, 0, 0, 1, 2, 3, 0, 0},
	                     .note = w(f, " note ")};
	field_errors e = {0};
	assert_int_equal(workshop_validate(f->s, &ok, NOW, &e), 0);
	assert_string_equal(ok.note, "note");
	struct {
		const char *field;
		store_workshop w;
	} bad[12];
	size_t n = 0;
	for (size_t i = 0; i < 12; i++)
		bad[i].w = ok;
	bad[n].field = "site_id", bad[n++].w.site_id = 0;
	bad[n].field = "topic_code", bad[n++].w.topic_code = w(f, "cuisine");
	bad[n].field = "topic_code", bad[n++].w.topic_code = NULL;
	bad[n].field = "level", bad[n++].w.level = w(f, "expert");
	bad[n].field = "held_at", bad[n++].w.held_at = 0;
	bad[n].field = "held_at", bad[n++].w.held_at = NOW + 3600;
	bad[n].field = "duration_min", bad[n++].w.duration_min = 601;
	bad[n].field = "participants", bad[n++].w.participants = 0;
	bad[n].field = "participants", bad[n].w.participants = 501, bad[n].w.by_gender[0] = 0, n++;
	bad[n].field = "by_gender", bad[n++].w.by_gender[1] = 5;
	bad[n].field = "by_age", bad[n++].w.by_age[7] = -1;
	bad[n].field = "note", bad[n++].w.note = w(f, "\x7f");
	for (size_t i = 0; i < n; i++) {
		memset(&e, 0, sizeof e);
		assert_int_equal(workshop_validate(f->s, &bad[i].w, NOW, &e), -1);
		if (!field_error_for(&e, bad[i].field))
			fail_msg("case %zu: no error on %s", i, bad[i].field);
	}
}

static void test_catalog_rules(void **state)
{
	struct fixture *f = *state;
	field_errors e = {0};
	store_operator o = {.code = w(f, "caf_35"), .name = w(f, " CAF 35 "), .deadline_days = 5};
	assert_int_equal(catalog_operator_validate(&o, &e), 0);
	assert_string_equal(o.name, "CAF 35");
	const char *bad_codes[] = {"a", "CAF", "caf-35", "café", "abcdefghijklmnopqrstuvwxyz0123456"};
	for (size_t i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++) {
		store_operator b = {.code = w(f, bad_codes[i]), .name = w(f, "x")};
		memset(&e, 0, sizeof e);
		assert_int_equal(catalog_operator_validate(&b, &e), -1);
		assert_non_null(field_error_for(&e, "code"));
	}
	store_operator b = {.code = w(f, "ok"), .name = w(f, ""), .deadline_days = 400};
	memset(&e, 0, sizeof e);
	assert_int_equal(catalog_operator_validate(&b, &e), -1);
	assert_int_equal(e.n, 2);
	assert_non_null(field_error_for(&e, "name"));
	assert_non_null(field_error_for(&e, "deadline_days"));

	store_procedure p = {.label = w(f, "Bourse"),
	                     .theme_code = w(f, "famille_scolarite"),
	                     .operator_code = w(f, "cnaf"),
	                     .url = w(f, "https://www.service-public.fr"),
	                     .documents = w(f, "Avis d'imposition\nRIB")};
	memset(&e, 0, sizeof e);
	assert_int_equal(catalog_procedure_validate(f->s, &p, &e), 0);
	p.operator_code = w(f, "");
	assert_int_equal(catalog_procedure_validate(f->s, &p, &e), 0);
	static const struct {
		const char *field, *label, *theme, *op, *url;
	} cases[] = {
	    {"label", "", "logement", "", ""},
	    {"theme_code", "X", "sport", "", ""},
	    {"theme_code", "X", "", "", ""},
	    {"operator_code", "X", "logement", "nobody", ""},
	    {"url", "X", "logement", "", "ftp://x"},
	    {"url", "X", "logement", "", "https://"},
	    {"url", "X", "logement", "", "https://a b"},
	    {"url", "X", "logement", "", "javascript:alert(1)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		store_procedure q = {.label = w(f, cases[i].label),
		                     .theme_code = w(f, cases[i].theme),
		                     .operator_code = w(f, cases[i].op),
		                     .url = w(f, cases[i].url)};
		memset(&e, 0, sizeof e);
		assert_int_equal(catalog_procedure_validate(f->s, &q, &e), -1);
		if (!field_error_for(&e, cases[i].field))
			fail_msg("case %zu: no error on %s", i, cases[i].field);
	}
}

static void test_local_time(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(time_parse_local("2026-03-15", "09:30", &t), 0);
	assert_int_equal(t, 1773563400); /* 08:30 UTC, winter time */
	char d[11], hm[6];
	time_local_date(t, d);
	time_local_hm(t, hm);
	assert_string_equal(d, "2026-03-15");
	assert_string_equal(hm, "09:30");
	assert_int_equal(time_parse_local("2026-07-14", "", &t), 0);
	assert_int_equal(t, 1783980000); /* midnight, summer time: 22:00 UTC the day before */
	assert_int_equal(time_local_midnight(t + 13 * 3600), t);
	assert_int_equal(time_parse_local("2026-07-14", NULL, &t), 0);
	/* 29 March 2026 has 23 hours. */
	int64_t m;
	assert_int_equal(time_parse_local("2026-03-29", "12:00", &t), 0);
	m = time_local_midnight(t);
	assert_int_equal(time_parse_local("2026-03-30", "00:00", &t), 0);
	assert_int_equal(t - m, 23 * 3600);
	static const char *const bad_dates[] = {"2026-02-30", "2026-13-01",  "2026-1-01", "26-01-01",
	                                        "2026/01/01", "2026-01-01x", "",          "1899-12-31"};
	for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++)
		assert_int_equal(time_parse_local(bad_dates[i], "10:00", &t), -1);
	assert_int_equal(time_parse_local(NULL, "10:00", &t), -1);
	static const char *const bad_times[] = {"24:00", "9:30", "09:60", "09-30", "09:30:00", "ab:cd"};
	for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++)
		assert_int_equal(time_parse_local("2026-01-01", bad_times[i], &t), -1);
	assert_int_equal(time_parse_local("2024-02-29", "23:59", &t), 0);
}

int main(void)
{
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_valid_and_normalised, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_visit_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_visitor_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_identification, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_demand_rules, setup, teardown),
	    cmocka_unit_test(test_correction_window),
	    cmocka_unit_test_setup_teardown(test_workshop_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalog_rules, setup, teardown),
	    cmocka_unit_test(test_local_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
