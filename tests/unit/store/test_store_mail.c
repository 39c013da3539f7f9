/*
 * test_store_mail.c: what the store keeps of the e-mail notifications, on
 * SQLite and (under scripts/check-pg) PostgreSQL: an account's language and
 * choices; an immediate event makes a message, a digest event waits; a
 * message is claimed once, however many workers ask; the moves of a
 * message (handed over, sent, waiting again, given up); the messages a
 * stopped worker left ("sending"): sent again only when their text never
 * reached the SMTP server; the digests gathered once; counts and purge.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_mail.h"

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t alice, bruno;
};

static int add_user(store *s, const char *email, int64_t *id)
{
	store_user u = {.email = (char *)email, .name = "Nom", .role = "agent", .active = 1};
	return store_user_insert(s, &u, id);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-mail-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(1 << 20);
	if (add_user(f->s, "alice@example.org", &f->alice) != STORE_OK ||
	    add_user(f->s, "bruno@example.org", &f->bruno) != STORE_OK)
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

static void test_prefs(void **state)
{
	struct fixture *f = *state;
	char lang[16], d[16];
	store_mail_choice *v = NULL;
	size_t n = 9;
	assert_int_equal(store_mail_prefs_get(f->s, f->a, f->alice, lang, sizeof lang, &v, &n), STORE_OK);
	assert_string_equal(lang, "fr");
	assert_int_equal(n, 0);
	assert_int_equal(store_mail_choice_get(f->s, f->alice, "test", d, sizeof d), STORE_NOT_FOUND);
	store_mail_choice c[] = {{"test", "daily"}, {"reminder", "never"}};
	assert_int_equal(store_mail_prefs_save(f->s, f->alice, "ar", c, 2, 100), STORE_OK);
	assert_int_equal(store_mail_prefs_get(f->s, f->a, f->alice, lang, sizeof lang, &v, &n), STORE_OK);
	assert_string_equal(lang, "ar");
	assert_int_equal(n, 2);
	assert_string_equal(v[0].event, "reminder");
	assert_string_equal(v[1].delivery, "daily");
	/* Saving again replaces every choice. */
	store_mail_choice one[] = {{"test", "immediate"}};
	assert_int_equal(store_mail_prefs_save(f->s, f->alice, "en", one, 1, 200), STORE_OK);
	assert_int_equal(store_mail_choice_get(f->s, f->alice, "test", d, sizeof d), STORE_OK);
	assert_string_equal(d, "immediate");
	assert_int_equal(store_mail_choice_get(f->s, f->alice, "reminder", d, sizeof d), STORE_NOT_FOUND);
	/* A bad delivery is refused by the store too, and changes nothing. */
	store_mail_choice bad[] = {{"test", "sometimes"}};
	assert_int_not_equal(store_mail_prefs_save(f->s, f->alice, "fr", bad, 1, 300), STORE_OK);
	assert_int_equal(store_mail_prefs_get(f->s, f->a, f->alice, lang, sizeof lang, &v, &n), STORE_OK);
	assert_string_equal(lang, "en");
	assert_int_equal(n, 1);
	assert_int_equal(store_mail_prefs_save(f->s, 999999, "fr", one, 1, 300), STORE_NOT_FOUND);
}

static void test_claim_and_moves(void **state)
{
	struct fixture *f = *state;
	int64_t m1 = 0, m2 = 0, id = 0;
	assert_int_equal(store_mail_enqueue(f->s, f->alice, "test", "/account/notifications", 100, 0, &m1),
	                 STORE_OK);
	assert_true(m1 > 0);
	assert_int_equal(store_mail_enqueue(f->s, f->bruno, "reminder", "", 101, 0, &m2), STORE_OK);
	assert_int_equal(store_mail_enqueue(f->s, 999999, "test", "", 101, 0, &id), STORE_NOT_FOUND);
	/* Nothing is due before its time. */
	assert_int_equal(store_mail_claim(f->s, 99, &id), STORE_NOT_FOUND);
	assert_int_equal(store_mail_claim(f->s, 200, &id), STORE_OK);
	assert_int_equal(id, m1);
	store_mail_message m;
	assert_int_equal(store_mail_message_get(f->s, f->a, m1, &m), STORE_OK);
	assert_string_equal(m.status, STORE_MAIL_SENDING);
	assert_int_equal(m.attempts, 1);
	assert_string_equal(m.email, "alice@example.org");
	assert_string_equal(m.lang, "fr");
	assert_int_equal(m.nitems, 1);
	assert_string_equal(m.items[0].link, "/account/notifications");
	/* The next claim gets the other one, then none is left. */
	int64_t other = 0;
	assert_int_equal(store_mail_claim(f->s, 200, &other), STORE_OK);
	assert_int_equal(other, m2);
	assert_int_equal(store_mail_claim(f->s, 200, &id), STORE_NOT_FOUND);

	/* m1 fails and waits; m2 is handed over and sent. */
	assert_int_equal(store_mail_retry(f->s, m1, 260, "smtp 451"), STORE_OK);
	assert_int_equal(store_mail_handed(f->s, m2, 201), STORE_OK);
	assert_int_equal(store_mail_sent(f->s, m2, 202), STORE_OK);
	/* A message not being sent cannot be marked sent. */
	assert_int_equal(store_mail_sent(f->s, m2, 203), STORE_NOT_FOUND);
	assert_int_equal(store_mail_sent(f->s, m1, 203), STORE_NOT_FOUND);
	int64_t next = 0;
	assert_int_equal(store_mail_next_due(f->s, 1000, &next), STORE_OK);
	assert_int_equal(next, 260);
	assert_int_equal(store_mail_claim(f->s, 259, &id), STORE_NOT_FOUND);
	assert_int_equal(store_mail_claim(f->s, 260, &id), STORE_OK);
	assert_int_equal(store_mail_give_up(f->s, m1, STORE_MAIL_FAILED, "smtp 550"), STORE_OK);
	assert_int_equal(store_mail_message_get(f->s, f->a, m1, &m), STORE_OK);
	assert_string_equal(m.status, STORE_MAIL_FAILED);
	assert_int_equal(m.attempts, 2);
	assert_string_equal(m.last_error, "smtp 550");

	store_mail_counts c;
	assert_int_equal(store_mail_count(f->s, &c), STORE_OK);
	assert_int_equal(c.waiting, 0);
	assert_int_equal(c.failed, 1);
	assert_int_equal(c.sent, 1);
	store_mail_message *list = NULL;
	size_t n = 0;
	assert_int_equal(store_mail_list(f->s, f->a, 10, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, m2);
	assert_null(list[0].email);

	int64_t purged = 0;
	assert_int_equal(store_mail_purge(f->s, 100, &purged), STORE_OK);
	assert_int_equal(purged, 0);
	assert_int_equal(store_mail_purge(f->s, 1000, &purged), STORE_OK);
	assert_int_equal(purged, 2);
}

static void test_recover(void **state)
{
	struct fixture *f = *state;
	int64_t never = 0, handed = 0, fresh = 0, id = 0;
	assert_int_equal(store_mail_enqueue(f->s, f->alice, "test", "", 100, 0, &never), STORE_OK);
	assert_int_equal(store_mail_enqueue(f->s, f->alice, "reminder", "", 100, 0, &handed), STORE_OK);
	assert_int_equal(store_mail_enqueue(f->s, f->bruno, "test", "", 100, 0, &fresh), STORE_OK);
	assert_int_equal(store_mail_claim(f->s, 100, &id), STORE_OK);
	assert_int_equal(store_mail_claim(f->s, 100, &id), STORE_OK);
	assert_int_equal(store_mail_handed(f->s, handed, 101), STORE_OK);
	assert_int_equal(store_mail_claim(f->s, 500, &id), STORE_OK);
	assert_int_equal(id, fresh);
	/* The worker stopped. Those claimed before 400 are stale; the one
	 * claimed at 500 may still be in another worker's hands. */
	int64_t requeued = 0, unknown = 0;
	assert_int_equal(store_mail_recover(f->s, 400, &requeued, &unknown), STORE_OK);
	assert_int_equal(requeued, 1);
	assert_int_equal(unknown, 1);
	store_mail_message m;
	assert_int_equal(store_mail_message_get(f->s, f->a, never, &m), STORE_OK);
	assert_string_equal(m.status, STORE_MAIL_WAITING);
	assert_int_equal(store_mail_message_get(f->s, f->a, handed, &m), STORE_OK);
	assert_string_equal(m.status, STORE_MAIL_UNKNOWN);
	assert_int_equal(store_mail_message_get(f->s, f->a, fresh, &m), STORE_OK);
	assert_string_equal(m.status, STORE_MAIL_SENDING);
	/* The one still claimed is due back when it turns stale. */
	int64_t next = 0;
	assert_int_equal(store_mail_next_due(f->s, 100, &next), STORE_OK);
	assert_int_equal(next, 100);
	/* The requeued one is claimed again; the unknown one never. */
	assert_int_equal(store_mail_claim(f->s, 600, &id), STORE_OK);
	assert_int_equal(id, never);
	assert_int_equal(store_mail_claim(f->s, 600, &id), STORE_NOT_FOUND);
}

static void test_digests(void **state)
{
	struct fixture *f = *state;
	int64_t msg = -1, ids[8];
	size_t n = 0;
	assert_int_equal(store_mail_enqueue(f->s, f->alice, "test", "/a", 100, 1000, &msg), STORE_OK);
	assert_int_equal(msg, 0);
	assert_int_equal(store_mail_enqueue(f->s, f->alice, "reminder", "/b", 110, 1000, &msg), STORE_OK);
	assert_int_equal(store_mail_enqueue(f->s, f->alice, "test", "/c", 120, 2000, &msg), STORE_OK);
	assert_int_equal(store_mail_enqueue(f->s, f->bruno, "test", "/d", 130, 2000, &msg), STORE_OK);
	store_mail_counts c;
	assert_int_equal(store_mail_count(f->s, &c), STORE_OK);
	assert_int_equal(c.digest_items, 4);
	assert_int_equal(c.waiting, 0);
	int64_t next = 0;
	assert_int_equal(store_mail_next_due(f->s, 50, &next), STORE_OK);
	assert_int_equal(next, 1000);

	assert_int_equal(store_mail_digest_users(f->s, 999, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_mail_digest_users(f->s, 1000, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], f->alice);
	int64_t digest = 0;
	assert_int_equal(store_mail_gather(f->s, f->alice, 1000, 1000, &digest), STORE_OK);
	assert_true(digest > 0);
	/* Gathered once: a second worker finds nothing and makes no message. */
	int64_t again = -1;
	assert_int_equal(store_mail_gather(f->s, f->alice, 1000, 1000, &again), STORE_OK);
	assert_int_equal(again, 0);
	store_mail_message m;
	assert_int_equal(store_mail_message_get(f->s, f->a, digest, &m), STORE_OK);
	assert_string_equal(m.kind, "digest");
	assert_int_equal(m.nitems, 2);
	assert_string_equal(m.items[0].link, "/a");
	assert_string_equal(m.items[1].link, "/b");
	/* Everything, whatever its time (the admin's "send now"). */
	assert_int_equal(store_mail_digest_users(f->s, INT64_MAX, ids, 8, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_mail_count(f->s, &c), STORE_OK);
	assert_int_equal(c.digest_items, 2);
	assert_int_equal(c.waiting, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_prefs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_claim_and_moves, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recover, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_digests, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
