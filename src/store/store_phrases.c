/*
 * store_phrases.c: a site's corrections of public phrases (table
 * phrase_fixes, sql/013_phrase_fixes.sql).
 */
#include <string.h>

#include "store/store_impl.h"
#include "store/store_phrases.h"

int store_phrase_fix_put(store *s, int64_t site_id, const char *lang, const char *phrase_id,
                         const char *msgid, const char *text, int64_t by)
{
	if (!text || !*text || strlen(text) > STORE_PHRASE_FIX_MAX_BYTES)
		return store_fail(s, "phrase_fix_put", DB_ERROR, "bad size");
	int rc = store_once(
	    s, "phrase_fix_put",
	    "INSERT INTO phrase_fixes (site_id, lang, phrase_id, msgid, text, updated_at, updated_by) "
	    "SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?) "
	    "AND (SELECT count(*) FROM phrase_fixes WHERE site_id = ? AND NOT (lang = ? AND phrase_id = ?)) < ? "
	    "ON CONFLICT (site_id, lang, phrase_id) DO UPDATE SET msgid = excluded.msgid, text = "
	    "excluded.text, updated_at = excluded.updated_at, updated_by = excluded.updated_by "
	    "RETURNING site_id",
	    PARAMS(P_INT(site_id), P_TEXT(lang), P_TEXT(phrase_id), P_TEXT(msgid), P_TEXT(text), P_INT(now_s()),
	           P_INT(by), P_INT(site_id), P_INT(site_id), P_TEXT(lang), P_TEXT(phrase_id),
	           P_INT(STORE_PHRASE_FIXES_MAX)),
	    NULL, 1);
	if (rc != STORE_NOT_FOUND)
		return rc;
	/* Nothing written: the site is missing, or it holds too many. */
	int site = store_once(s, "phrase_fix_site", "SELECT 1 FROM sites WHERE id = ?", PARAMS(P_INT(site_id)),
	                      NULL, 1);
	return site == STORE_OK ? STORE_CONFLICT : site;
}

int store_phrase_fix_delete(store *s, int64_t site_id, const char *lang, const char *phrase_id)
{
	return store_once(s, "phrase_fix_delete",
	                  "DELETE FROM phrase_fixes WHERE site_id = ? AND lang = ? AND phrase_id = ? "
	                  "RETURNING site_id",
	                  PARAMS(P_INT(site_id), P_TEXT(lang), P_TEXT(phrase_id)), NULL, 1);
}

int store_phrase_fix_list(store *s, arena *a, int64_t site_id, const char *lang, store_phrase_fix **out,
                          size_t *n)
{
	*out = NULL;
	*n = 0;
	store_vec v = {.size = sizeof(store_phrase_fix)};
	db_conn *c = db_acquire(s->db);
	/* lang NULL: '' matches every language. */
	db_stmt *st = store_prep(s, c, "phrase_fix_list",
	                         "SELECT lang, phrase_id, msgid, text, updated_at, updated_by FROM phrase_fixes "
	                         "WHERE site_id = ? AND (? = '' OR lang = ?) ORDER BY lang, phrase_id",
	                         PARAMS(P_INT(site_id), P_TEXT(lang ? lang : ""), P_TEXT(lang ? lang : "")));
	int rc = STORE_ERROR;
	if (st) {
		int step = DB_DONE, oom = 0;
		rc = STORE_OK;
		while (rc == STORE_OK && (step = db_step(st)) == DB_ROW) {
			store_phrase_fix *f = store_vec_push(&v);
			f->lang = store_col_dup(a, st, 0, &oom);
			f->phrase_id = store_col_dup(a, st, 1, &oom);
			f->msgid = store_col_dup(a, st, 2, &oom);
			f->text = store_col_dup(a, st, 3, &oom);
			f->updated_at = db_col_int(st, 4);
			f->updated_by = db_col_int(st, 5);
			if (oom)
				rc = store_fail(s, "phrase_fix_list", DB_ERROR, "arena full");
		}
		if (rc == STORE_OK && step != DB_DONE)
			rc = store_fail(s, "phrase_fix_list", step, db_errmsg(c));
		db_done(st);
	}
	db_release(s->db, c);
	if (rc == STORE_OK && store_vec_finish(&v, a, (void **)out, n) != 0)
		rc = store_fail(s, "phrase_fix_list", DB_ERROR, "arena full");
	store_vec_free(&v);
	return rc;
}
