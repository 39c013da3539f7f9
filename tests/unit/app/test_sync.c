/*
 * test_sync.c: synchronisation's core (docs/sync.md) on two stores, a
 * laptop and a centre: every write is logged in its transaction, the
 * push body carries the whole state, the centre applies it once however
 * often it comes, the pull brings it to another laptop, and the conflict
 * rules decide as written.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "app/sync.h"
#include "store/store_sync.h"

struct fixture {
	char dir_l[64], dir_c[64], path_l[512], path_c[512];
	store *laptop, *centre;
	arena *a;
	int64_t site, agent;
	store_user user;
};

/* The same site and agent, with the same ids, on both stores (the attach
 * copies them so). */
static int seed(store *s, int64_t *site, int64_t *agent)
{
	store_site st = {.name = "France Services Redon", .type = "france_services"};
	store_user u = {.email = "agent@example.org", .name = "Anne Agent", .role = "agent", .active = 1};
	if (store_site_insert(s, &st, site) != STORE_OK)
		return -1;
	u.site_ids = site;
	u.nsites = 1;
	return store_user_insert(s, &u, agent) == STORE_OK ? 0 : -1;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir_l, "/tmp/guichet-sync-l-XXXXXX");
	strcpy(f->dir_c, "/tmp/guichet-sync-c-XXXXXX");
	if (unit_store_open(f->dir_l, f->path_l, sizeof f->path_l, &f->laptop) != 0 ||
	    unit_store_open(f->dir_c, f->path_c, sizeof f->path_c, &f->centre) != 0)
		return -1;
	int64_t site2 = 0, agent2 = 0;
	if (seed(f->laptop, &f->site, &f->agent) != 0 || seed(f->centre, &site2, &agent2) != 0 ||
	    site2 != f->site || agent2 != f->agent)
		return -1;
	f->a = arena_new((size_t)16 << 20);
	f->user =
	    (store_user){.id = f->agent, .role = "agent", .active = 1, .site_ids = &f->site, .nsites = 1};
	store_sync_state st = {.server_url = "https://centre.example.org",
	                       .token = "t",
	                       .site_id = f->site,
	                       .attached_at = 1,
	                       .last_error = ""};
	if (store_sync_state_put(f->laptop, &st) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unit_store_close(f->laptop, NULL, f->dir_l);
	unit_store_close(f->centre, f->a, f->dir_c);
	free(f);
	return 0;
}

/* A visitor with every text empty. */
static store_visitor blank_visitor(void)
{
	return (store_visitor){.age_bracket = "",
	                       .gender = "",
	                       .social_status = "",
	                       .commune_insee = "",
	                       .languages = "",
	                       .disabilities = "",
	                       .full_name = "",
	                       .phone = "",
	                       .email = "",
	                       .consent_reason = "",
	                       .phone_kind = ""};
}

/* Records a visit of one demand for the visitor; its visitor's id in
 * *visitor_id when not NULL. */
static int64_t insert_visit(struct fixture *f, store *s, int64_t duration, store_visitor who,
                            int64_t *visitor_id)
{
	store_demand d = {.operator_code = "cnaf",
	                  .theme_code = "social_sante",
	                  .level = "information",
	                  .outcome = "resolu",
	                  .procedure_text = "",
	                  .mandate_type = "",
	                  .mandate_ref = "",
	                  .equipment = "",
	                  .interpreting = "",
	                  .interpreting_lang = "",
	                  .referral_type = "",
	                  .note = ""};
	store_visit v = {.site_id = f->site,
	                 .agent_id = f->agent,
	                 .started_at = 1700000000,
	                 .channel = "guichet_spontane",
	                 .place = "",
	                 .duration_min = duration,
	                 .demands = &d,
	                 .ndemands = 1};
	v.visitor = who;
	assert_int_equal(store_visit_insert(s, &v), STORE_OK);
	if (visitor_id)
		*visitor_id = v.visitor_id;
	return v.id;
}

static int64_t record_visit(struct fixture *f, store *s, int64_t duration)
{
	store_visitor who = blank_visitor();
	who.gender = "feminin";
	return insert_visit(f, s, duration, who, NULL);
}

/* A workshop of two at the fixture's site, not yet stored. */
static store_workshop workshop(struct fixture *f)
{
	return (store_workshop){.site_id = f->site,
	                        .agent_id = f->agent,
	                        .topic_code = "diagnostic_numerique",
	                        .level = "debutant",
	                        .held_at = 1700000000,
	                        .participants = 2,
	                        .note = ""};
}

static int64_t pending(store *s)
{
	int64_t n = 0, oldest = 0;
	assert_int_equal(store_sync_pending(s, &n, &oldest), STORE_OK);
	return n;
}

static void test_decide(void **state)
{
	(void)state;
	const char *a = "aaaa", *b = "bbbb";
	assert_int_equal(store_sync_decide(0, 0, "", 0, 10, a, 0), SYNC_INSERT);
	assert_int_equal(store_sync_decide(0, 0, "", 0, 10, a, 10), SYNC_INSERT);
	assert_int_equal(store_sync_decide(1, 10, a, 0, 10, a, 0), SYNC_SAME);
	assert_int_equal(store_sync_decide(1, 10, a, 0, 20, b, 20), SYNC_DELETE);
	/* A deletion wins even when older than the correction here. */
	assert_int_equal(store_sync_decide(1, 30, a, 0, 20, b, 20), SYNC_DELETE);
	assert_int_equal(store_sync_decide(1, 30, a, 30, 20, b, 20), SYNC_SAME);
	assert_int_equal(store_sync_decide(1, 10, a, 10, 40, b, 0), SYNC_KEEP_DELETED);
	assert_int_equal(store_sync_decide(1, 10, a, 0, 40, b, 0), SYNC_OVERWRITE);
	assert_int_equal(store_sync_decide(1, 40, a, 0, 10, b, 0), SYNC_KEEP_HERE);
	/* A tie of times: the greater origin wins, the same on both sides. */
	assert_int_equal(store_sync_decide(1, 10, a, 0, 10, b, 0), SYNC_OVERWRITE);
	assert_int_equal(store_sync_decide(1, 10, b, 0, 10, a, 0), SYNC_KEEP_HERE);
}

static void test_capture(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(pending(f->laptop), 0);
	int64_t id = record_visit(f, f->laptop, 20);
	assert_int_equal(pending(f->laptop), 1);
	store_visit v;
	assert_int_equal(store_visit_get(f->laptop, f->a, id, &v), STORE_OK);
	v.duration_min = 25;
	assert_int_equal(store_visit_update(f->laptop, &v), STORE_OK);
	assert_int_equal(store_visit_delete(f->laptop, id, 0), STORE_OK);
	assert_int_equal(pending(f->laptop), 3);
	store_workshop w = workshop(f);
	assert_int_equal(store_workshop_insert(f->laptop, &w), STORE_OK);
	assert_int_equal(store_workshop_delete(f->laptop, w.id, 0), STORE_OK);
	store_satisfaction sa = {
	    .site_id = f->site, .answered_at = 1700000000, .overall = 3, .comment = "", .source = "papier"};
	assert_int_equal(store_satisfaction_insert(f->laptop, &sa), STORE_OK);
	assert_int_equal(pending(f->laptop), 6);
	/* A write refused writes no line either. */
	assert_int_equal(store_visit_delete(f->laptop, id, 0), STORE_NOT_FOUND);
	assert_int_equal(pending(f->laptop), 6);
	/* Every record got its global id from the store's origin. */
	char *origin = NULL;
	assert_int_equal(store_sync_origin(f->laptop, f->a, &origin), STORE_OK);
	assert_int_equal(strlen(origin), 32);
	store_sync_change *ch = NULL;
	size_t n = 0;
	assert_int_equal(store_sync_change_list(f->laptop, f->a, 100, &ch, &n), STORE_OK);
	assert_int_equal(n, 6);
	/* Two changes in a row, within one second or not: changed_at grows,
	 * never the same twice (two states are never taken as one). */
	store_sync_record rec;
	store_workshop w2 = workshop(f);
	assert_int_equal(store_workshop_insert(f->laptop, &w2), STORE_OK);
	assert_int_equal(store_sync_change_list(f->laptop, f->a, 100, &ch, &n), STORE_OK);
	assert_int_equal(store_sync_record_get(f->laptop, f->a, "workshop", ch[n - 1].uid, &rec), STORE_OK);
	int64_t first = store_sync_field("workshops", &rec.main, "changed_at")->i;
	w2.participants = 3;
	assert_int_equal(store_workshop_update(f->laptop, &w2), STORE_OK);
	assert_int_equal(store_sync_record_get(f->laptop, f->a, "workshop", ch[n - 1].uid, &rec), STORE_OK);
	assert_true(store_sync_field("workshops", &rec.main, "changed_at")->i > first);
	assert_int_equal(store_sync_change_list(f->laptop, f->a, 100, &ch, &n), STORE_OK);
	assert_string_equal(ch[0].kind, "visit");
	assert_non_null(strstr(ch[0].uid, origin));
	assert_string_equal(ch[0].uid, ch[2].uid);
	assert_string_equal(ch[3].kind, "workshop");
	assert_string_equal(ch[5].kind, "satisfaction");
}

static void test_push_pull(void **state)
{
	struct fixture *f = *state;
	record_visit(f, f->laptop, 20);
	record_visit(f, f->laptop, 30);
	buf body;
	buf_init(&body, SYNC_MAX_BODY);
	size_t n = 0;
	assert_int_equal(sync_push_body(f->laptop, f->a, SYNC_MAX_CHANGES, &body, &n), STORE_OK);
	assert_int_equal(n, 2);
	sync_answer ans;
	sync_push_apply(f->centre, f->a, &f->user, body.data, body.len, &ans);
	assert_int_equal(ans.status, 200);
	assert_non_null(strstr(ans.body.data, "\"refused\":[]"));
	/* The same batch again: answered applied, nothing more written. */
	int64_t seq1 = 0, seq2 = 0;
	assert_int_equal(store_sync_last_seq(f->centre, &seq1), STORE_OK);
	sync_answer again;
	sync_push_apply(f->centre, f->a, &f->user, body.data, body.len, &again);
	assert_int_equal(again.status, 200);
	assert_string_equal(again.body.data, ans.body.data);
	assert_int_equal(store_sync_last_seq(f->centre, &seq2), STORE_OK);
	assert_int_equal(seq1, seq2);
	char err[256];
	assert_int_equal(sync_push_answer(f->laptop, ans.body.data, ans.body.len, err, sizeof err), STORE_OK);
	assert_int_equal(pending(f->laptop), 0);
	buf_free(&again.body);
	buf_free(&ans.body);
	buf_free(&body);

	/* Another laptop of the site pulls them; the sender does not. */
	char *origin = NULL;
	assert_int_equal(store_sync_origin(f->laptop, f->a, &origin), STORE_OK);
	sync_answer p;
	sync_pull_body(f->centre, f->a, &f->user, 0, "ffffffffffffffffffffffffffffffff", &p);
	assert_int_equal(p.status, 200);
	assert_non_null(strstr(p.body.data, "\"duration_min\":30"));
	buf_free(&p.body);
	sync_pull_body(f->centre, f->a, &f->user, 0, origin, &p);
	assert_int_equal(p.status, 200);
	assert_non_null(strstr(p.body.data, "\"changes\":[]"));
	/* Applying a pull on the laptop writes nothing waiting to be pushed. */
	size_t applied = 0;
	int more = 1;
	assert_int_equal(
	    sync_pull_apply(f->laptop, p.body.data, p.body.len, &applied, &more, err, sizeof err), STORE_OK);
	assert_int_equal(more, 0);
	assert_int_equal(pending(f->laptop), 0);
	buf_free(&p.body);
}

static void test_refusals(void **state)
{
	struct fixture *f = *state;
	record_visit(f, f->laptop, 20);
	buf body;
	buf_init(&body, SYNC_MAX_BODY);
	size_t n = 0;
	assert_int_equal(sync_push_body(f->laptop, f->a, 10, &body, &n), STORE_OK);
	int64_t seq = 0, after = 0;
	assert_int_equal(store_sync_last_seq(f->centre, &seq), STORE_OK);
	/* An account of another site: the whole batch refused. */
	int64_t other = f->site + 1000;
	store_user stranger = {.id = f->agent, .role = "agent", .active = 1, .site_ids = &other, .nsites = 1};
	sync_answer ans;
	sync_push_apply(f->centre, f->a, &stranger, body.data, body.len, &ans);
	assert_int_equal(ans.status, 403);
	buf_free(&ans.body);
	/* Not an adviser of a site. */
	store_user admin = {.id = f->agent, .role = "admin", .active = 1, .site_ids = &f->site, .nsites = 1};
	sync_push_apply(f->centre, f->a, &admin, body.data, body.len, &ans);
	assert_int_equal(ans.status, 403);
	buf_free(&ans.body);
	/* Cut anywhere, the body is malformed. */
	for (size_t cut = 0; cut < body.len; cut += 97) {
		sync_push_apply(f->centre, f->a, &f->user, body.data, cut, &ans);
		assert_int_equal(ans.status, 400);
		buf_free(&ans.body);
	}
	assert_int_equal(store_sync_last_seq(f->centre, &after), STORE_OK);
	assert_int_equal(seq, after);
	/* An answer of the centre that is not one changes nothing here. */
	char err[256];
	assert_int_equal(sync_push_answer(f->laptop, "{\"applied\": 3}", 14, err, sizeof err), STORE_INVALID);
	assert_int_equal(pending(f->laptop), 1);
	/* Refused by the centre: out of the outbox, in the list of rejects. */
	store_sync_change *ch = NULL;
	assert_int_equal(store_sync_change_list(f->laptop, f->a, 10, &ch, &n), STORE_OK);
	char *answer =
	    arena_printf(f->a,
	                 "{\"applied\":[],\"refused\":[{\"change_id\":\"%s\",\"kind\":\"visit\","
	                 "\"uid\":\"%s\",\"reason\":\"correction d'un enregistrement supprimé\"}]}",
	                 ch[0].change_id, ch[0].uid);
	assert_int_equal(sync_push_answer(f->laptop, answer, strlen(answer), err, sizeof err), STORE_OK);
	assert_int_equal(pending(f->laptop), 0);
	store_sync_reject *rj = NULL;
	assert_int_equal(store_sync_reject_list(f->laptop, f->a, 10, &rj, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rj[0].side, "centre");
	assert_string_equal(rj[0].uid, ch[0].uid);
	buf_free(&body);
}

/* The conflict rules on the centre: the later correction replaces, the
 * loser is journaled; a deletion wins; a correction of a deleted record is
 * refused and journaled. */
static void test_conflicts(void **state)
{
	struct fixture *f = *state;
	int64_t id = record_visit(f, f->laptop, 20);
	(void)id;
	store_sync_change *ch = NULL;
	size_t n = 0;
	assert_int_equal(store_sync_change_list(f->laptop, f->a, 10, &ch, &n), STORE_OK);
	store_sync_record rec;
	assert_int_equal(store_sync_record_get(f->laptop, f->a, "visit", ch[0].uid, &rec), STORE_OK);
	char *cid = "x:1";
	store_sync_outcome out;
	assert_int_equal(store_sync_apply(f->centre, &rec, &cid, 1, f->site, 0, &out), STORE_OK);
	assert_true(out.applied);
	/* A later correction from elsewhere replaces it. */
	store_sync_val *at = store_sync_field("visits", &rec.main, "changed_at");
	store_sync_val *dur = store_sync_field("visits", &rec.main, "duration_min");
	store_sync_val *del = store_sync_field("visits", &rec.main, "deleted_at");
	at->i += 100;
	dur->i = 55;
	cid = "x:2";
	assert_int_equal(store_sync_apply(f->centre, &rec, &cid, 1, f->site, 0, &out), STORE_OK);
	assert_true(out.applied);
	store_sync_record here;
	assert_int_equal(store_sync_record_get(f->centre, f->a, "visit", ch[0].uid, &here), STORE_OK);
	assert_int_equal(store_sync_field("visits", &here.main, "duration_min")->i, 55);
	assert_int_equal(here.ndemands, 1);
	store_sync_reject *rj = NULL;
	size_t nr = 0;
	assert_int_equal(store_sync_reject_list(f->centre, f->a, 10, &rj, &nr), STORE_OK);
	assert_int_equal(nr, 1);
	assert_string_equal(rj[0].reason, "correction remplacée par une plus récente");
	/* The version replaced is journaled whole. */
	assert_non_null(strstr(rj[0].detail, "\"duration_min\":20"));
	assert_non_null(strstr(rj[0].detail, "\"demands\":[{"));
	/* An older one is refused. */
	at->i -= 50;
	dur->i = 5;
	cid = "x:3";
	assert_int_equal(store_sync_apply(f->centre, &rec, &cid, 1, f->site, 0, &out), STORE_OK);
	assert_false(out.applied);
	assert_int_equal(store_sync_record_get(f->centre, f->a, "visit", ch[0].uid, &here), STORE_OK);
	assert_int_equal(store_sync_field("visits", &here.main, "duration_min")->i, 55);
	/* A deletion, even older, wins; a later correction stays refused. */
	del->i = at->i;
	cid = "x:4";
	assert_int_equal(store_sync_apply(f->centre, &rec, &cid, 1, f->site, 0, &out), STORE_OK);
	assert_true(out.applied);
	del->i = 0;
	at->i += 1000;
	cid = "x:5";
	assert_int_equal(store_sync_apply(f->centre, &rec, &cid, 1, f->site, 0, &out), STORE_OK);
	assert_false(out.applied);
	assert_string_equal(out.reason, "correction d'un enregistrement supprimé");
	assert_int_equal(store_sync_record_get(f->centre, f->a, "visit", ch[0].uid, &here), STORE_OK);
	assert_true(store_sync_field("visits", &here.main, "deleted_at")->i > 0);
	/* Another site's record by its uid: the whole batch refused. */
	store_sync_field("visits", &rec.main, "site_id")->i = f->site + 1000;
	store_sync_field("visitors", &rec.visitor, "site_id")->i = f->site + 1000;
	assert_int_equal(store_sync_apply(f->centre, &rec, &cid, 1, 0, 0, &out), STORE_SYNC_OTHER_SITE);
}

/* The erasure of a person travels: each of their visits is logged. */
static void test_erasure_logged(void **state)
{
	struct fixture *f = *state;
	store_visitor who = blank_visitor();
	who.identified = 1;
	who.full_name = "Jeanne Martin";
	who.consent_reason = "suivi";
	int64_t visitor_id = 0;
	insert_visit(f, f->laptop, 0, who, &visitor_id);
	assert_int_equal(pending(f->laptop), 1);
	assert_int_equal(store_visitor_erase(f->laptop, visitor_id, now_s()), STORE_OK);
	assert_int_equal(pending(f->laptop), 2);
	buf body;
	buf_init(&body, SYNC_MAX_BODY);
	size_t n = 0;
	assert_int_equal(sync_push_body(f->laptop, f->a, 10, &body, &n), STORE_OK);
	assert_null(strstr(body.data, "Jeanne"));
	buf_free(&body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_push_pull, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_conflicts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_erasure_logged, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
