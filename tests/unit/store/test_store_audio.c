/*
 * test_store_audio.c: the recordings of the public phrases: kept whole
 * (any byte, NULs included), replaced by a new upload, listed without
 * their bytes, deleted, refused for a site that does not exist, and gone
 * with their site.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_audio.h"

struct fixture {
	char dir[64];
	char path[1024];
	store *s;
	arena *a;
	int64_t site, other;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/guichet-audio-XXXXXX");
	if (unit_store_open(f->dir, f->path, sizeof f->path, &f->s) != 0)
		return -1;
	f->a = arena_new(1 << 20);
	store_site a = {.name = "France services A",
	                .type = "mairie",
	                .commune_insee = "",
	                .departement = "35",
	                .languages = "fr",
	                .accessibility = ""};
	store_site b = {.name = "France services B",
	                .type = "mairie",
	                .commune_insee = "",
	                .departement = "29",
	                .languages = "fr",
	                .accessibility = ""};
	if (store_site_insert(f->s, &a, &f->site) != STORE_OK ||
	    store_site_insert(f->s, &b, &f->other) != STORE_OK)
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

static void test_put_get_replace_delete(void **state)
{
	struct fixture *f = *state;
	unsigned char data[300];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	memcpy(data, "OggS\0", 5);
	buf b;
	buf_init(&b, STORE_AUDIO_MAX_BYTES + 1);
	store_audio info;
	assert_int_equal(store_audio_get(f->s, f->a, f->site, "ps", "0123456789ab", &b, &info),
	                 STORE_NOT_FOUND);
	assert_int_equal(store_audio_exists(f->s, f->site, "ps", "0123456789ab"), 0);

	assert_int_equal(
	    store_audio_put(f->s, f->site, "ps", "0123456789ab", "audio/ogg", data, sizeof(data), 7),
	    STORE_OK);
	assert_int_equal(store_audio_exists(f->s, f->site, "ps", "0123456789ab"), 1);
	assert_int_equal(store_audio_exists(f->s, f->other, "ps", "0123456789ab"), 0);
	assert_int_equal(store_audio_exists(f->s, f->site, "ti", "0123456789ab"), 0);
	assert_int_equal(store_audio_get(f->s, f->a, f->site, "ps", "0123456789ab", &b, &info), STORE_OK);
	assert_int_equal(b.len, sizeof(data));
	assert_memory_equal(b.data, data, sizeof(data));
	assert_string_equal(info.mime, "audio/ogg");
	assert_int_equal(info.bytes, sizeof(data));
	assert_int_equal(info.uploaded_by, 7);

	/* A new upload replaces it. */
	assert_int_equal(store_audio_put(f->s, f->site, "ps", "0123456789ab", "audio/wav", "RIFF", 4, 8),
	                 STORE_OK);
	buf_reset(&b);
	assert_int_equal(store_audio_get(f->s, f->a, f->site, "ps", "0123456789ab", &b, &info), STORE_OK);
	assert_int_equal(b.len, 4);
	assert_string_equal(info.mime, "audio/wav");
	assert_int_equal(info.uploaded_by, 8);

	assert_int_equal(store_audio_put(f->s, f->site, "ps", "ba9876543210", "audio/mpeg", "ID3", 3, 8),
	                 STORE_OK);
	store_audio *v;
	size_t n;
	assert_int_equal(store_audio_list(f->s, f->a, f->site, "ps", &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].phrase_id, "0123456789ab");
	assert_string_equal(v[1].mime, "audio/mpeg");
	assert_int_equal(store_audio_list(f->s, f->a, f->other, "ps", &v, &n), STORE_OK);
	assert_int_equal(n, 0);

	assert_int_equal(store_audio_delete(f->s, f->site, "ps", "0123456789ab"), STORE_OK);
	assert_int_equal(store_audio_delete(f->s, f->site, "ps", "0123456789ab"), STORE_NOT_FOUND);
	assert_int_equal(store_audio_exists(f->s, f->site, "ps", "0123456789ab"), 0);
	buf_free(&b);
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(store_audio_put(f->s, 999999, "ps", "0123456789ab", "audio/ogg", "OggS", 4, 1),
	                 STORE_NOT_FOUND);
	/* The table's own checks: a bad type or id never gets in. */
	assert_int_not_equal(store_audio_put(f->s, f->site, "ps", "0123456789ab", "text/html", "<p>", 3, 1),
	                     STORE_OK);
	assert_int_not_equal(store_audio_put(f->s, f->site, "ps", "short", "audio/ogg", "OggS", 4, 1),
	                     STORE_OK);
	assert_int_not_equal(store_audio_put(f->s, f->site, "ps", "0123456789ab", "audio/ogg", "", 0, 1),
	                     STORE_OK);
	assert_int_equal(store_audio_exists(f->s, f->site, "ps", "0123456789ab"), 0);
	assert_int_equal(store_audio_exists(f->s, f->site, "ps", "short"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_put_get_replace_delete, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
