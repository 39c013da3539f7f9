/*
 * store_audio.c: the recorded audio of the public phrases (table
 * recorded_audio, sql/012_recorded_audio.sql). The database layer binds
 * text only: the file is kept in base64 and decoded on the way out.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_audio.h"
#include "store/store_impl.h"

#define B64 sodium_base64_VARIANT_ORIGINAL

int store_audio_put(store *s, int64_t site_id, const char *lang, const char *phrase_id, const char *mime,
                    const void *data, size_t len, int64_t by)
{
	if (!data || len == 0 || len > STORE_AUDIO_MAX_BYTES)
		return store_fail(s, "audio_put", DB_ERROR, "bad size");
	size_t b64len = sodium_base64_ENCODED_LEN(len, B64);
	char *b64 = xmalloc(b64len);
	sodium_bin2base64(b64, b64len, data, len, B64);
	int rc = store_once(
	    s, "audio_put",
	    "INSERT INTO recorded_audio (site_id, lang, phrase_id, mime, bytes, data, uploaded_at, "
	    "uploaded_by) "
	    "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) "
	    "ON CONFLICT (site_id, lang, phrase_id) DO UPDATE SET mime = excluded.mime, bytes = "
	    "excluded.bytes, "
	    "data = excluded.data, uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by "
	    "RETURNING site_id",
	    PARAMS(P_INT(site_id), P_TEXT(lang), P_TEXT(phrase_id), P_TEXT(mime), P_INT((int64_t)len),
	           P_TEXT(b64), P_INT(now_s()), P_INT(by), P_INT(site_id)),
	    NULL, 1);
	free(b64);
	return rc;
}

int store_audio_get(store *s, arena *a, int64_t site_id, const char *lang, const char *phrase_id, buf *out,
                    store_audio *info)
{
	memset(info, 0, sizeof(*info));
	db_conn *c = db_acquire(s->db);
	db_stmt *st = store_prep(s, c, "audio_get",
	                         "SELECT mime, bytes, uploaded_at, uploaded_by, data FROM recorded_audio "
	                         "WHERE site_id = ? AND lang = ? AND phrase_id = ?",
	                         PARAMS(P_INT(site_id), P_TEXT(lang), P_TEXT(phrase_id)));
	int rc = STORE_ERROR;
	if (st) {
		int step = db_step(st);
		if (step == DB_ROW) {
			int oom = 0;
			info->lang = arena_strdup(a, lang);
			info->phrase_id = arena_strdup(a, phrase_id);
			info->mime = store_col_dup(a, st, 0, &oom);
			info->bytes = db_col_int(st, 1);
			info->uploaded_at = db_col_int(st, 2);
			info->uploaded_by = db_col_int(st, 3);
			const char *b64 = db_col_text(st, 4);
			size_t max = strlen(b64) / 4 * 3 + 3, len = 0;
			unsigned char *bin = xmalloc(max);
			if (oom || !info->lang || !info->phrase_id)
				rc = store_fail(s, "audio_get", DB_ERROR, "arena full");
			else if (sodium_base642bin(bin, max, b64, strlen(b64), NULL, &len, NULL, B64) != 0 ||
			         buf_append(out, bin, len) != 0 || out->overflow)
				rc = store_fail(s, "audio_get", DB_ERROR, "bad or too large recording");
			else
				rc = STORE_OK;
			free(bin);
		} else {
			rc = step == DB_DONE ? STORE_NOT_FOUND
			                     : store_fail(s, "audio_get", step, db_errmsg(c));
		}
		db_done(st);
	}
	db_release(s->db, c);
	return rc;
}

int store_audio_exists(store *s, int64_t site_id, const char *lang, const char *phrase_id)
{
	int rc = store_once(s, "audio_exists",
	                    "SELECT 1 FROM recorded_audio WHERE site_id = ? AND lang = ? AND phrase_id = ?",
	                    PARAMS(P_INT(site_id), P_TEXT(lang), P_TEXT(phrase_id)), NULL, 1);
	return rc == STORE_OK ? 1 : rc == STORE_NOT_FOUND ? 0 : rc;
}

int store_audio_delete(store *s, int64_t site_id, const char *lang, const char *phrase_id)
{
	return store_once(s, "audio_delete",
	                  "DELETE FROM recorded_audio WHERE site_id = ? AND lang = ? AND phrase_id = ? "
	                  "RETURNING site_id",
	                  PARAMS(P_INT(site_id), P_TEXT(lang), P_TEXT(phrase_id)), NULL, 1);
}

int store_audio_list(store *s, arena *a, int64_t site_id, const char *lang, store_audio **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = sizeof(store_audio)};
	db_conn *c = db_acquire(s->db);
	db_stmt *st =
	    store_prep(s, c, "audio_list",
	               "SELECT phrase_id, mime, bytes, uploaded_at, uploaded_by FROM recorded_audio "
	               "WHERE site_id = ? AND lang = ? ORDER BY phrase_id",
	               PARAMS(P_INT(site_id), P_TEXT(lang)));
	int rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE, oom = 0;
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
			store_audio *r = store_vec_push(&v);
			r->lang = arena_strdup(a, lang);
			r->phrase_id = store_col_dup(a, st, 0, &oom);
			r->mime = store_col_dup(a, st, 1, &oom);
			r->bytes = db_col_int(st, 2);
			r->uploaded_at = db_col_int(st, 3);
			r->uploaded_by = db_col_int(st, 4);
			if (oom || !r->lang)
				rc = store_fail(s, "audio_list", DB_ERROR, "arena full");
		}
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "audio_list", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "audio_list", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}
