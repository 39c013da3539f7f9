/*
 * report_xlsx.c: a report (report.h) as an XLSX workbook, written with
 * libxlsxwriter. The first sheet, "Rapport", says what the workbook holds:
 * title, scope, period, filters, the date of production, whether the
 * figures are masked, and the list of the other sheets with links to them.
 * Then each section has its own sheet named by its id, which repeats the
 * scope, period and filters (a sheet copied elsewhere keeps its context),
 * then a table whose counts and shares are typed numbers, so that a
 * spreadsheet can sum and chart them; masked cells are the strings "<5"
 * and "s", as in the CSV.
 *
 * The libxlsxwriter of Debian 12 (1.1.4) can only write to a named file,
 * so the workbook goes to a private temporary file (mkstemp in $TMPDIR or
 * /tmp), which is read back through the descriptor mkstemp opened and
 * removed on every path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "util/i18n.h"
#include "report/report.h"

/* Excel's limit on a sheet name, and the first sheet's name. */
#define XLSX_SHEET_NAME_MAX 31
#define XLSX_SHEET_NAME_BYTES (XLSX_SHEET_NAME_MAX * 4 + 1)
#define XLSX_FIRST_SHEET N_("Rapport")
/* Where the table of a section sheet starts: title, scope, period, filters
 * and description above it (rows counted from 0). */
#define XLSX_HEAD_ROW 5

/* Column widths in characters: codes, labels, counts, shares. */
#define XLSX_WIDTH_CODE 24
#define XLSX_WIDTH_LABEL 48
#define XLSX_WIDTH_COUNT 14
#define XLSX_WIDTH_SHARE 10

typedef struct xlsx {
	const report *r;
	lxw_workbook *wb;
	lxw_format *title, *bold, *head, *share, *link;
	const char *first;                    /* the first sheet's name, translated */
	char (*names)[XLSX_SHEET_NAME_BYTES]; /* one per section, as written */
	lxw_error err;                        /* the first error met */
} xlsx;

static const char *tr(const xlsx *x, const char *msgid)
{
	return i18n_text(x->r->lang, msgid);
}

/* Keeps the first error: what libxlsxwriter says about it is the message. */
static void check(xlsx *x, lxw_error e)
{
	if (e != LXW_NO_ERROR && x->err == LXW_NO_ERROR)
		x->err = e;
}

static void put_text(xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f)
{
	/* libxlsxwriter refuses NULL and writes "" as a blank cell: nothing to write. */
	if (s && *s)
		check(x, worksheet_write_string(ws, row, col, s, f));
}

/* The name of a section's sheet: its title in the reader's language, the
 * characters Excel forbids in a sheet name replaced ("/" by "-", an
 * apostrophe by the typographic one, which needs no quoting in a link),
 * cut at 31 characters (not bytes: Excel counts characters), and made
 * unique (Excel compares names without case) by a numbered suffix. */
static void sheet_name(xlsx *x, size_t i, const char *title, const char *id)
{
	char base[XLSX_SHEET_NAME_BYTES];
	size_t n = 0, chars = 0;
	const char *p = title && *title ? title : id ? id : "";
	while (*p == ' ')
		p++;
	while (*p && chars < XLSX_SHEET_NAME_MAX && n + 4 < sizeof base) {
		unsigned char c = (unsigned char)*p;
		size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (c == '\'') {
			memcpy(base + n, "\xE2\x80\x99", 3);
			n += 3;
		} else if (c < 0x20 || c == 0x7f || strchr("[]:*?/\\", c)) {
			base[n++] = '-';
		} else {
			for (size_t k = 0; k < len && p[k]; k++)
				base[n++] = p[k];
		}
		p += len;
		chars++;
	}
	while (n > 0 && base[n - 1] == ' ')
		n--;
	base[n] = '\0';
	if (n == 0)
		snprintf(base, sizeof base, "section");
	char *out = x->names[i];
	snprintf(out, sizeof x->names[i], "%s", base);
	for (int k = 2;; k++) {
		int taken = strcasecmp(out, x->first) == 0;
		for (size_t j = 0; !taken && j < i; j++)
			taken = strcasecmp(out, x->names[j]) == 0;
		if (!taken)
			return;
		/* "Titre (2)", the title cut on a character to leave room. */
		char suffix[16];
		int sl = snprintf(suffix, sizeof suffix, " (%d)", k);
		size_t keep = 0, kept = 0;
		while (base[keep] && kept + (size_t)sl < XLSX_SHEET_NAME_MAX) {
			keep++;
			while (((unsigned char)base[keep] & 0xC0) == 0x80)
				keep++;
			kept++;
		}
		snprintf(out, sizeof x->names[i], "%.*s%s", (int)keep, base, suffix);
	}
}

/* A label and its value on one row, as in the heads of every sheet. */
static void put_pair(xlsx *x, lxw_worksheet *ws, lxw_row_t row, const char *label, const char *value)
{
	put_text(x, ws, row, 0, label, x->bold);
	put_text(x, ws, row, 1, value, NULL);
}

static void put_context(xlsx *x, lxw_worksheet *ws, lxw_row_t row)
{
	const report *r = x->r;
	put_pair(x, ws, row, tr(x, "Territoire"), r->scope_label);
	put_pair(x, ws, row + 1, tr(x, "Période"), r->period_label);
	put_pair(x, ws, row + 2, tr(x, "Filtres"),
	         r->filters_label && *r->filters_label ? r->filters_label : tr(x, "Aucun"));
}

static void write_summary(xlsx *x, lxw_worksheet *ws)
{
	const report *r = x->r;
	check(x, worksheet_set_column(ws, 0, 0, XLSX_WIDTH_CODE, NULL));
	check(x, worksheet_set_column(ws, 1, 1, 2 * XLSX_WIDTH_LABEL, NULL));
	put_text(x, ws, 0, 0, r->title, x->title);
	put_context(x, ws, 2);
	char day[16] = "";
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm))
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	put_pair(x, ws, 5, tr(x, "Produit le"), day);
	put_pair(x, ws, 6, tr(x, "Version"),
	         r->masked ? tr(x, "masquée pour publication : effectifs de moins de 5 notés « <5 », "
	                           "cellules qui les feraient retrouver notées « s »")
	                   : tr(x, "complète, non masquée : pour un usage interne"));
	put_text(x, ws, 8, 0, tr(x, "Feuille"), x->head);
	put_text(x, ws, 8, 1, tr(x, "Contenu"), x->head);
	/* The section's id: the name of its CSV file and its key in the JSON. */
	put_text(x, ws, 8, 2, tr(x, "Identifiant"), x->head);
	check(x, worksheet_set_column(ws, 2, 2, XLSX_WIDTH_CODE, NULL));
	for (size_t i = 0; i < r->n; i++) {
		char url[XLSX_SHEET_NAME_BYTES + 32];
		snprintf(url, sizeof url, "internal:'%s'!A1", x->names[i]);
		lxw_row_t row = (lxw_row_t)(9 + i);
		check(x, worksheet_write_url_opt(ws, row, 0, url, x->link, x->names[i], NULL));
		put_text(x, ws, row, 1, r->s[i].title, NULL);
		put_text(x, ws, row, 2, r->s[i].id, NULL);
	}
	worksheet_freeze_panes(ws, 9, 0);
}

/* A count, or its masked text. */
static void put_count(xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t n, int cell,
                      lxw_format *f)
{
	if (cell != REPORT_SHOWN) {
		char t[24];
		put_text(x, ws, row, col, report_cell_text(t, n, cell), f);
	} else {
		check(x, worksheet_write_number(ws, row, col, (double)n, f));
	}
}

static void put_days(xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int64_t tenths, int cell)
{
	if (cell != REPORT_SHOWN) {
		char t[24];
		put_text(x, ws, row, col, report_cell_text(t, tenths, cell), NULL);
	} else {
		check(x, worksheet_write_number(ws, row, col, (double)tenths / 10.0, NULL));
	}
}

/* A row of the table by site: its solved-on-site rate (or the masked
 * text standing for it), escalations, satisfaction rate, the day of its
 * last visit and whether it stopped recording. */
static void write_site_detail(xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t c, const report_row *w)
{
	char t[24], day[11];
	if (w->has_solved_rate)
		check(x, worksheet_write_number(ws, row, c, w->solved_rate, x->share));
	else if (*report_site_rate_text(t, w))
		put_text(x, ws, row, c, t, NULL);
	put_count(x, ws, row, c + 1, w->escalated, w->cell_escalated, NULL);
	if (w->has_satisfied_rate)
		check(x, worksheet_write_number(ws, row, c + 2, w->satisfied_rate, x->share));
	if (w->last_day >= 0) {
		stats_day_format(w->last_day, day);
		put_text(x, ws, row, c + 3, day, NULL);
	}
	put_text(x, ws, row, c + 4, w->stale ? tr(x, "Oui") : tr(x, "Non"), NULL);
}

static void write_section(xlsx *x, lxw_worksheet *ws, const report_section *s)
{
	lxw_col_t c_n = 2, c_n2 = 3, c_share = s->unit2 ? 4 : 3;
	check(x, worksheet_set_column(ws, 0, 0, XLSX_WIDTH_CODE, NULL));
	check(x, worksheet_set_column(ws, 1, 1, XLSX_WIDTH_LABEL, NULL));
	check(x, worksheet_set_column(ws, c_n, (lxw_col_t)(c_share - 1), XLSX_WIDTH_COUNT, NULL));
	check(x, worksheet_set_column(ws, c_share, c_share, XLSX_WIDTH_SHARE, NULL));
	put_text(x, ws, 0, 0, s->title, x->title);
	put_context(x, ws, 1);
	put_text(x, ws, 4, 0, s->description, NULL);

	lxw_row_t row = XLSX_HEAD_ROW;
	put_text(x, ws, row, 0, tr(x, "Code"), x->head);
	put_text(x, ws, row, 1, tr(x, "Libellé"), x->head);
	put_text(x, ws, row, c_n, s->unit ? s->unit : tr(x, "Effectif"), x->head);
	if (s->unit2)
		put_text(x, ws, row, c_n2, s->unit2, x->head);
	put_text(x, ws, row, c_share, tr(x, "Part"), x->head);
	/* The table by site's own columns follow the share. */
	for (size_t k = 0; s->site_detail && k < REPORT_SITE_COLUMNS; k++)
		put_text(x, ws, row, (lxw_col_t)(c_share + 1 + k), tr(x, report_site_column(k)), x->head);
	if (s->site_detail)
		check(x, worksheet_set_column(ws, c_share + 1, (lxw_col_t)(c_share + REPORT_SITE_COLUMNS),
		                              XLSX_WIDTH_COUNT, NULL));
	worksheet_freeze_panes(ws, XLSX_HEAD_ROW + 1, 0);

	for (size_t i = 0; i < s->n; i++) {
		const report_row *w = &s->rows[i];
		row++;
		put_text(x, ws, row, 0, w->code, NULL);
		put_text(x, ws, row, 1, w->label, NULL);
		/* A rate has no count: its value is the share column's. A
		 * duration is a whole number of minutes, written as a count. */
		if (w->kind == REPORT_COUNT || w->kind == REPORT_MINUTES) {
			put_count(x, ws, row, c_n, w->n, w->cell, NULL);
			if (s->unit2)
				put_count(x, ws, row, c_n2, w->n2, w->cell2, NULL);
		}
		/* A duration in tenths of a day: a number of days. */
		if (w->kind == REPORT_DAYS) {
			put_days(x, ws, row, c_n, w->n, w->cell);
			if (s->unit2)
				put_days(x, ws, row, c_n2, w->n2, w->cell2);
		}
		if (w->has_share)
			check(x, worksheet_write_number(ws, row, c_share, w->share, x->share));
		if (s->site_detail)
			write_site_detail(x, ws, row, (lxw_col_t)(c_share + 1), w);
	}
	/* The denominator of the shares closes the table: the sum of the rows
	 * when each is counted once, else the base the shares are taken of. */
	if (s->total > 0) {
		row++;
		put_text(x, ws, row, 1, s->additive && !s->multi ? tr(x, "Total") : tr(x, N_("Base des parts")),
		         x->bold);
		put_count(x, ws, row, c_n, s->total, s->total_cell, x->bold);
	}
}

static void make_formats(xlsx *x)
{
	x->title = workbook_add_format(x->wb);
	x->bold = workbook_add_format(x->wb);
	x->head = workbook_add_format(x->wb);
	x->share = workbook_add_format(x->wb);
	x->link = workbook_add_format(x->wb);
	if (!x->title || !x->bold || !x->head || !x->share || !x->link) {
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	format_set_bold(x->bold);
	format_set_bold(x->head);
	format_set_bottom(x->head, LXW_BORDER_THIN);
	format_set_text_wrap(x->head);
	format_set_num_format(x->share, "0.0%");
	format_set_underline(x->link, LXW_UNDERLINE_SINGLE);
	format_set_font_color(x->link, LXW_COLOR_BLUE);
}

/* Builds the workbook into the file at path; returns the first error. */
static lxw_error write_workbook(xlsx *x, const char *path, const char *tmpdir)
{
	const report *r = x->r;
	lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = (char *)tmpdir, .use_zip64 = 0};
	x->wb = workbook_new_opt(path, &opt);
	if (!x->wb)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	char subject[512];
	snprintf(subject, sizeof subject, "%s, %s", r->scope_label ? r->scope_label : "",
	         r->period_label ? r->period_label : "");
	lxw_doc_properties props = {
	    .title = (char *)(r->title ? r->title : ""),
	    .subject = subject,
	    .author = "Guichet",
	};
	check(x, workbook_set_properties(x->wb, &props));
	make_formats(x);
	x->first = tr(x, XLSX_FIRST_SHEET);
	lxw_worksheet *first = workbook_add_worksheet(x->wb, x->first);
	lxw_worksheet **ws = calloc(r->n + 1, sizeof(lxw_worksheet *));
	if (!first || !ws)
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	for (size_t i = 0; ws && x->err == LXW_NO_ERROR && i < r->n; i++) {
		sheet_name(x, i, r->s[i].title, r->s[i].id);
		check(x, workbook_validate_sheet_name(x->wb, x->names[i]));
		ws[i] = x->err == LXW_NO_ERROR ? workbook_add_worksheet(x->wb, x->names[i]) : NULL;
		if (!ws[i])
			check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
	}
	if (x->err == LXW_NO_ERROR) {
		write_summary(x, first);
		for (size_t i = 0; i < r->n; i++)
			write_section(x, ws[i], &r->s[i]);
		int rtl = r->lang && r->lang->rtl;
		for (size_t i = 0; rtl && i <= r->n; i++)
			worksheet_right_to_left(i ? ws[i - 1] : first);
	}
	free(ws);
	/* Closing writes the file and frees the workbook, even after an error. */
	lxw_error e = workbook_close(x->wb);
	x->wb = NULL;
	check(x, e);
	return x->err;
}

/* Reads the whole file behind fd into out. */
static int read_back(int fd, buf *out, char *err, size_t errlen)
{
	if (lseek(fd, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "cannot read the workbook back: %s", strerror(errno));
		return -1;
	}
	char chunk[16384];
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			snprintf(err, errlen, "cannot read the workbook back: %s", strerror(errno));
			return -1;
		}
		if (got == 0)
			return 0;
		if (buf_append(out, chunk, (size_t)got) != 0) {
			snprintf(err, errlen, "the workbook is larger than the output limit");
			return -1;
		}
	}
}

int report_xlsx(const report *r, buf *out, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/guichet-xlsx-XXXXXX", dir) >= sizeof path) {
		snprintf(err, errlen, "the temporary directory's name is too long");
		return -1;
	}
	xlsx x = {.r = r};
	x.names = calloc(r->n + 1, sizeof *x.names);
	if (!x.names) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a temporary file in %s: %s", dir, strerror(errno));
		free(x.names);
		return -1;
	}
	/* libxlsxwriter opens the file again by name and truncates it, so fd
	 * reads what it wrote; the name is not needed once it is closed. */
	lxw_error e = write_workbook(&x, path, dir);
	unlink(path);
	free(x.names);
	int rc = 0;
	if (e != LXW_NO_ERROR) {
		snprintf(err, errlen, "cannot write the workbook: %s", lxw_strerror(e));
		rc = -1;
	} else {
		rc = read_back(fd, out, err, errlen);
	}
	close(fd);
	return rc;
}
