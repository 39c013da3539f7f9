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
#include <stdint.h>

#include "http/http.h"

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
/* A <fieldset> of radios, the same as ui_checkboxes with one value: the
 * first radio's id is the group's name, so that the error summary's link
 * lands on it. */
void ui_radios(req *r, const char *name, const char *legend, const ui_option *opts, size_t n,
               const char *value, const ui_errors *e);
/* One checkbox with value "1" and id = name. */
void ui_checkbox(req *r, const char *name, const char *label, int checked);
/* The error line of a field (id NAME-error, a French msgid), for controls
 * that have no widget here. */
void ui_field_error(req *r, const char *name, const char *msgid);
/* Groups of options for ui_select_groups; label NULL for options outside
 * any <optgroup>. */
typedef struct ui_opt_group {
	const char *label;
	const ui_option *opts;
	size_t n;
} ui_opt_group;
/* A <select> whose options come in groups (the frequent ones first); the
 * first option is `none` with an empty value. A value no longer offered
 * (an operator since deactivated) stays selectable. */
void ui_select_groups(req *r, const char *name, const char *label, const char *none, const char *value,
                      const ui_opt_group *g, size_t ng, const ui_errors *e, int autofocus);
void ui_submit(req *r, const char *label);

/* A section of a long form: <fieldset> with an <h2> in its <legend>; the
 * caller closes the </fieldset>. */
void ui_section_begin(req *r, const char *id, const char *title);
/* A folded part of a form (<details>), open when it holds something or an
 * error; the caller closes the </details>. */
void ui_details_begin(req *r, const char *summary, int open);
/* A term and its value in a <dl>; "Non renseigné" for an empty value. */
void ui_dl_item(req *r, const char *term, const char *value);
/* Writes a translated sentence holding one "%d", with n in its place. The
 * translation is never used as a printf format: a translator's typo must
 * not become a format-string bug. */
void ui_txt_count(req *r, const char *translated, int64_t n);

/* French inside a page of another language (RGAA 8.7): the names of the
 * catalog (operators, procedures, themes without a translation) and the
 * words people typed are French data, read with the French voice. 1 when
 * the page itself is French. */
int ui_page_is_fr(const req *r);
/* ' lang="fr"' (with its leading space) when the page is not French: for
 * an element whose content is French (a <td>, an <li>, an <option>). */
void ui_attr_lang_fr(req *r);
/* text, inside <span lang="fr"> when the page is not French. */
void ui_txt_fr(req *r, const char *text);
/* The translation of msgid (a vocabulary label, or a theme's label kept
 * in the store); the French msgid, marked lang="fr", when it has none. */
void ui_txt_msg(req *r, const char *msgid);
/* ui_dl_item whose value is French data. */
void ui_dl_item_fr(req *r, const char *term, const char *value);
/* ui_select_groups whose option labels are French data (the operators of
 * the catalog): each <option> says so on a page of another language. */
void ui_select_groups_fr(req *r, const char *name, const char *label, const char *none, const char *value,
                         const ui_opt_group *g, size_t ng, const ui_errors *e);

/* A data table, always inside a horizontally scrollable wrapper so that
 * it reflows at 200 % zoom: ui_table_begin opens it with its caption (and
 * an optional class), ui_th writes one column heading, ui_table_body ends
 * the headings, ui_table_end closes it all. The wrapper is a region named
 * by the caption that the keyboard reaches (tabindex="0"), so that a
 * table wider than the screen can be scrolled without a mouse. */
void ui_table_begin(req *r, const char *css_class, const char *caption);
void ui_th(req *r, const char *heading);
void ui_table_body(req *r);
void ui_table_end(req *r);

/* Full pages for errors: 400, 403, 404, 413, 429, 500; message is a French
 * msgid, translated here. */
void ui_error_page(req *r, int status, const char *message);

#endif
