/*
 * ui.h: the page layout and the form widgets shared by every page.
 *
 * A page is: ui_page_begin (doctype, <html lang dir>, skip link, header with
 * the language switcher and the navigation, <main id="contenu">, <h1>), then
 * the page's body, then ui_page_end (footer). Everything is written into
 * r->out through the escaping writers of html.h. Forms carry the CSRF token
 * (ui_form_begin) and show errors as a summary at the top linked to each
 * field, and again beside the field (aria-describedby, aria-invalid).
 */
#ifndef GUICHET_UI_H
#define GUICHET_UI_H

#include <stddef.h>

#include "http.h"

/* Form errors are a field_errors (util.h) whose msgids are translated here. */
typedef field_errors ui_errors;

/* title is translated text; it is also the <h1>. */
void ui_page_begin(req *r, const char *title);
void ui_page_end(req *r);
/* A notice under the title: kind is "info", "success" or "error"; message
 * is already translated text. */
void ui_notice(req *r, const char *kind, const char *message);
/* "Il y a N erreurs" with links to each field; nothing when e->n == 0. */
void ui_error_summary(req *r, const ui_errors *e);

/* <form method="post" action=…> with the hidden CSRF field. */
void ui_form_begin(req *r, const char *action);
void ui_form_end(req *r);

typedef struct ui_field {
	const char *name;  /* also the id */
	const char *label; /* translated */
	const char *hint;  /* translated, optional */
	const char *value; /* current value, optional */
	const char *type;  /* input type: "text", "email", "password"… */
	const char *autocomplete;
	int required;
} ui_field;

void ui_input(req *r, const ui_field *f, const ui_errors *e);
void ui_textarea(req *r, const ui_field *f, const ui_errors *e);

typedef struct ui_option {
	const char *value;
	const char *label; /* translated */
} ui_option;

/* A <select>; f->value is the selected value. */
void ui_select(req *r, const ui_field *f, const ui_option *opts, size_t n, const ui_errors *e);
/* A <fieldset> of checkboxes; selected holds the checked values. */
void ui_checkboxes(req *r, const char *name, const char *legend, const ui_option *opts, size_t n,
                   const char *const *selected, size_t nselected, const ui_errors *e);
void ui_submit(req *r, const char *label);

/* Full pages for errors: 400, 403, 404, 413, 429, 500; message is a French
 * msgid, translated here. */
void ui_error_page(req *r, int status, const char *message);


#endif
