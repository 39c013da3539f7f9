/*
 * page.h: what the pages and the JSON API share: preparing a request
 * (language and session), guards for login, roles and CSRF, reading form
 * fields, the handlers the HTTP layer calls for unknown paths and refused
 * requests, and the helpers of the recording forms. The handlers of the
 * pages are declared in pages/pages.h, those of the API in api/api.h.
 */
#ifndef GUICHET_PAGE_H
#define GUICHET_PAGE_H

#include <stddef.h>

#include "auth/auth.h"
#include "http/http.h"

#define PAGE_COOKIE_LANG "guichet_lang"

/* Chooses the language and loads the session; safe to call twice. */
void page_prepare(req *r);
/* 1 when someone is logged in; otherwise answers with a redirection to the
 * login page and returns 0. */
int page_require_login(req *r);
/* 1 when the logged-in user has one of the roles (a bit set of 1 << role);
 * otherwise answers 403 and returns 0. */
int page_require_role(req *r, unsigned roles);
#define ROLE_BIT(x) (1u << (x))
/* 1 when the POST carries the right CSRF token; otherwise answers 403. */
int page_require_csrf(req *r);

/* A form field trimmed, never NULL ("" when absent). */
const char *page_field(req *r, const char *name);
/* Every value of a repeated field (checkboxes), in order. */
size_t page_field_all(req *r, const char *name, const char ***out);

/* Answers 404 with the page of a missing record; a record the user may not
 * see answers exactly the same. */
int page_not_found(req *r);
/* The HTTP layer's error handler: r->status and r->error_message are set. */
int page_error(req *r);
/* Around every handler: a page shown by GET or HEAD reads the store in one
 * read scope (store_read_scope_begin): its many small reads share one
 * snapshot and one transaction. */
void page_handler_begin(req *r);
void page_handler_end(req *r);

/* ---- The commune picker (page_commune.c). */

struct ui_option;
struct enum_def;

/* The commune of residence, typed as a name, a postcode, an INSEE code or
 * "Name (code)" as the form writes it back. Resolved on submit: one match
 * gives the code; several give choices for a <select>; none gives an error.
 * Without a loaded geography only the format of an INSEE code is checked. */
typedef struct page_commune {
	const char *input;      /* what was typed, trimmed */
	char *code;             /* the INSEE code, "" when nothing was typed */
	store_commune *choices; /* when ambiguous */
	size_t nchoices;
	const char *error; /* French msgid, NULL when resolved */
} page_commune;

/* 0 when resolved (or empty), -1 with c->error (and maybe choices). */
int page_commune_resolve(req *r, const char *input, page_commune *c);
/* The field: a text input, or a <select> of the choices when ambiguous.
 * name is the form field and the id; e may hold an error for name. */
void page_commune_field(req *r, const char *name, const char *label, const page_commune *c,
                        const field_errors *e);
/* "Rennes (35238)" for a known code, the code itself otherwise. */
const char *page_commune_label(req *r, const char *code);

/* ---- What the recording pages and the sites share (page_form.c); the
 * widgets themselves are in ui.h. */

/* The translated options of a vocabulary, from the arena. */
struct ui_option *page_enum_options(req *r, const struct enum_def *d, size_t *n);
/* Languages a visitor or an interpreter may speak (ISO 639-1), labels as
 * French msgids; page_site_languages: those a site's advisers may speak,
 * French first. */
const struct ui_option *page_languages(size_t *n);
const struct ui_option *page_site_languages(size_t *n);
const char *page_language_label(req *r, const char *code);
/* The language's own name ("العربية"), whether it is written right to left;
 * NULL for a code page_languages does not hold. */
const char *page_language_autonym(const char *code, int *rtl);
/* Languages as typed (the visit form's field): codes or names (French, the
 * page's language or the language's own), separated by commas or
 * semicolons; "ar uk" is read as two codes. 0 with the codes "ar,uk" in
 * *codes, -1 when a part is no known language (*codes then holds those
 * understood). */
int page_languages_read(req *r, const char *typed, const char **codes);
/* The person's telephone as a visit page says it: "Pas de téléphone",
 * "Téléphone sans internet (pas de smartphone)", "Smartphone", or NULL
 * when it was not asked (translated). */
const char *page_phone_kind_label(req *r, const store_visitor *p);
/* A vocabulary as radios, as a <select> (with an empty first choice
 * labelled none, unless none is NULL), or as checkboxes (codes "a,b"). */
void page_radios_enum(req *r, const char *name, const char *legend, const struct enum_def *d,
                      const char *value, const field_errors *e);
void page_select_enum(req *r, const char *name, const char *label, const char *none, const struct enum_def *d,
                      const char *value, const field_errors *e);
void page_checkboxes_enum(req *r, const char *name, const char *legend, const struct enum_def *d,
                          const char *codes, const field_errors *e);
/* A <select> of page_languages with "none" first. */
void page_language_select(req *r, const char *name, const char *label, const char *value,
                          const field_errors *e);
/* A translated sentence holding one "%d" as an arena string, n in its
 * place; "" for v == 0 in page_int_text. */
const char *page_count_text(req *r, const char *translated, int64_t n);
const char *page_int_text(req *r, int64_t v);
/* Splits "a,b" into an arena array; joins an array back. */
size_t page_split_codes(req *r, const char *s, const char ***out);
char *page_join_codes(req *r, const char *const *v, size_t n);

/* The sites where the user records (their own sites, whatever the role). */
int page_recording_sites(req *r, store_site **out, size_t *n);
/* The sites whose records the user may read (auth_site_visible). */
int page_readable_sites(req *r, store_site **out, size_t *n);
/* page_readable_sites (readable != 0) or page_recording_sites, or the
 * page: 500 when they cannot be read, 403 with refusal (a French msgid)
 * when there is none (unless refusal is NULL). 0, or -1 once answered. */
int page_sites_or_refuse(req *r, int readable, store_site **out, size_t *n, const char *refusal);
/* The site chosen in the form field name among the user's sites (the only
 * one when the field is empty); 0 with an error on name otherwise. */
int64_t page_chosen_site(req *r, const char *name, const store_site *sites, size_t n, field_errors *e);
/* Adds the domain's errors (more) to the form's (e), but not a second one
 * for a field the form already found wrong. The domain's timestamp field
 * `when` (NULL: none) is the form's "date" field (with its time). */
void page_merge_errors(field_errors *e, const field_errors *more, const char *when);
/* 1 when the user may record, correct or delete at this site. */
int page_may_record(const req *r, int64_t site_id);
/* The choice of a site: a <select> when there are several, else a hidden
 * field and the site's name. */
void page_site_choice(req *r, const char *name, const store_site *sites, size_t n, int64_t chosen,
                      const field_errors *e);
/* A POST of a form: the body must be a form (urlencoded or multipart) and
 * carry the CSRF token; otherwise answers 400 or 403 and returns 0. */
int page_require_form(req *r);

/* ---- One record of a site (visit, workshop): page_record.c. */

/* The record's id from the path's first parameter: 0, or -1 when it is no
 * positive integer. */
int page_path_id(req *r, int64_t *id);
/* Reads the site site_id (of a record found) into site if the user may see
 * it; otherwise answers 404, exactly as for a missing record, and returns
 * -1. page_path_site: the same for the site whose id is in the path. */
int page_visible_site(req *r, int64_t site_id, store_site *site);
int page_path_site(req *r, store_site *site);
/* The live visit named by the path's first parameter, if the user may read
 * it; otherwise answers 404 (as for a missing one) and returns -1. */
int page_load_visit(req *r, store_visit *v, store_site *site);
/* The demand named by the path's first parameter, in its live visit (read
 * into v, its site into site), if the user may read that visit: *d points
 * into v. Otherwise answers 404 (as for a missing one), or 500 when the
 * store fails, and returns -1. */
int page_load_demand(req *r, store_visit *v, store_site *site, const store_demand **d);
/* "2026-03-04 10:15" in local time, in the request's arena; "" for 0. */
const char *page_when_text(req *r, int64_t t);
/* The correction window: 1 when the record may still be changed; else
 * renders a 403 page that explains the window and returns 0. */
int page_require_correctable(req *r, int64_t site_id, int64_t created_at);
/* page_may_record (else a 403 page with refusal, a French msgid) and
 * page_require_correctable: 1 when the user may correct the record now. */
int page_require_corrector(req *r, int64_t site_id, int64_t created_at, const char *refusal);
/* For a record's page: -1 when the user may not record at the site (or the
 * window is unknown), 0 when the window is past, 1 when it is open. */
int page_correction_state(req *r, int64_t site_id, int64_t created_at);
/* "/BASE/ID" followed by rest (a suffix such as "/edit" or "?saved=1"),
 * from the arena; "/BASE" when memory runs out. */
const char *page_record_path(req *r, const char *base, int64_t id, const char *rest);
/* The links "correct" and "delete" to /BASE/ID/edit and /BASE/ID/delete. */
void page_record_actions(req *r, const char *base, int64_t id, const char *edit, const char *del);
/* The confirmation page of a deletion, posting to /BASE/ID/delete. */
typedef struct page_deletion {
	const char *base; /* "visits", "workshops" */
	int64_t id;
	const char *title, *intro, *when, *what, *consequence, *cancel; /* translated */
	const char *cancel_href; /* where "cancel" leads; NULL: the record's page /BASE/ID */
} page_deletion;
void page_delete_confirm(req *r, const page_deletion *d);
/* The end of a POST that changed a record: 500 when the store's rc failed,
 * else the audit line (auth_audit's arguments) and a redirection to `to`. */
int page_stored(req *r, int rc, const char *action, const char *entity, int64_t id, int64_t site_id,
                const char *detail, const char *to);

/* ---- The correction and deletion of a record of a site (a visit, a
 * workshop): one shape of handler, each kind giving its own load, form,
 * validation and save (page_record.c). */

/* What the shared handlers need of a record once loaded. */
typedef struct page_record_ref {
	int64_t id, site_id, created_at;
} page_record_ref;

typedef struct page_record_kind {
	const char *base;       /* "visits": /BASE/ID/edit, /BASE/ID/delete */
	const char *entity;     /* "visit": the audit journal's object */
	const char *edit_title; /* French msgid: "Corriger la visite" */
	const char *refusal;    /* French msgid: who may correct, for a 403 */
	size_t record_size, form_size;
	/* The record named by the path into rec (and its site), if the user may
	 * read it: 0, or -1 once answered (404 as for a missing one). */
	int (*load)(req *r, void *rec, store_site *site, page_record_ref *ref);
	/* The edit form filled from the record. */
	void (*form_from)(req *r, void *form, const void *rec);
	/* Optional: called when the edit form of rec is shown (an audit line). */
	void (*opened)(req *r, const void *rec);
	void (*render)(req *r, const void *form, const char *action, int creating, const field_errors *e);
	/* Reads and validates the posted form: 0, or -1 once the form has been
	 * rendered again (with its errors, or with a block added). */
	int (*check)(req *r, void *form, int creating, const char *action, const char *title);
	/* Keeps what a correction may not change (whose, where) from rec and
	 * stores the form's record: a STORE_* result. */
	int (*save)(req *r, void *form, const void *rec);
	/* Optional: after a successful save, more audit lines. */
	void (*saved)(req *r, const void *form, const void *rec);
	/* Where a saved correction leads. */
	const char *(*updated_to)(req *r, const void *rec);
	/* The confirmation page's texts of a deletion (base and id are set). */
	void (*deletion)(req *r, const void *rec, const store_site *site, page_deletion *d);
	int (*remove)(store *s, int64_t id, int64_t when);
	/* Where a deletion leads. */
	const char *(*deleted_to)(req *r, const void *rec);
} page_record_kind;

/* The four handlers: GET /BASE/ID/edit, POST /BASE/ID/edit, GET and POST
 * /BASE/ID/delete. Each loads the record, checks that the user may correct
 * it now (page_require_corrector), then shows or stores. */
int page_record_edit(req *r, const page_record_kind *k);
int page_record_update(req *r, const page_record_kind *k);
int page_record_delete_form(req *r, const page_record_kind *k);
int page_record_delete(req *r, const page_record_kind *k);

#endif
