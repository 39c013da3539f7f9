/*
 * store_notices.h: the notices of a site (sql/011_notices.sql): a kind, a
 * French title and text, an optional pictogram, a start and an end, and
 * optional translations per public language. Same conventions as store.h
 * (0, STORE_NOT_FOUND, STORE_ERROR; strings from the caller's arena). The
 * rules (lengths, kinds, dates, languages) are domain/notice.h's; who may
 * publish is domain/access.h's.
 */
#ifndef GUICHET_STORE_NOTICES_H
#define GUICHET_STORE_NOTICES_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* One translation: a public language's code ("en", "prs"), its title and
 * text. */
typedef struct store_notice_text {
	char *lang;
	char *title;
	char *body;
} store_notice_text;

typedef struct store_notice {
	int64_t id;
	int64_t site_id;
	char *kind;                 /* horaires, fermeture, evenement, information, mention_legale */
	char *title;                /* French, one line */
	char *body;                 /* French, may be "" */
	char *picto;                /* OpenMoji code ("1F6AB"), "" for none */
	int64_t starts_at, ends_at; /* shown when starts_at <= now < ends_at */
	int64_t created_by, updated_by;
	int64_t created_at, updated_at;
	store_notice_text *texts; /* in the order of the languages' codes */
	size_t ntexts;
} store_notice;

/* Stores a new notice and its translations in one transaction; sets n->id,
 * created_at and updated_at (now). STORE_NOT_FOUND when the site does not
 * exist. */
int store_notice_insert(store *s, store_notice *n, int64_t now);
/* Replaces the notice n->id of site n->site_id (kind, texts, picto, dates,
 * updated_by, and every translation) in one transaction. STORE_NOT_FOUND
 * when there is no such notice at that site. */
int store_notice_update(store *s, const store_notice *n, int64_t now);
/* Deletes the notice id of site_id and its translations for good.
 * STORE_NOT_FOUND when there is no such notice at that site. */
int store_notice_delete(store *s, int64_t site_id, int64_t id, int64_t now);
/* The notice id with its translations. */
int store_notice_get(store *s, arena *a, int64_t id, store_notice *out);

/* Which notices store_notice_list gives. */
enum {
	STORE_NOTICES_ALL,     /* every notice of the site, the latest start first */
	STORE_NOTICES_CURRENT, /* those shown at now: starts_at <= now < ends_at */
};
/* A site's notices with their translations, at most LIMIT_PAGE_ROWS. The
 * current ones come in no particular order: domain/notice.h sorts them for
 * the public. */
int store_notice_list(store *s, arena *a, int64_t site_id, int64_t now, int which, store_notice **out,
                      size_t *n);

/* The last time the public view of a site's notices changed as of now: a
 * notice written or deleted, or one that started or ended. 0 when never. */
int store_notice_changed_at(store *s, int64_t site_id, int64_t now, int64_t *at);

/* The retention purge: deletes the notices that ended before `before`
 * (with dry_run, only counts them); *n is their number. */
int store_purge_notices(store *s, int64_t before, int dry_run, int64_t *n);

#endif
