/*
 * The scan report as text for a terminal: one line per document, in the
 * order a security lead reads them (unreadable, stale or unsigned,
 * drifting, the rest), then the drift of each drifting document and a
 * summary line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "inventory/inventory.h"
#include "util/banned.h"

#define COLUMNS 10

static const char *const headers[COLUMNS] = {
	"STATE", "DOCUMENT", "STATUS", "REVIEWED", "AGE", "THREATS", "OPEN P1/P2",
	"SIGN-OFF", "DRIFT", "FINDINGS"
};

/*
 * Text from a document (a path, a title) on one line, unable to drive the
 * terminal: line breaks and tabs become spaces, other controls '?'.
 */
static void put_clean(tg_buf *buf, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			tg_buf_putc(buf, ' ');
		} else if (*p < 0x20 || *p == 0x7f) {
			tg_buf_putc(buf, '?');
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			tg_buf_putc(buf, '?');	/* a C1 control */
			p++;
		} else {
			tg_buf_putc(buf, (char)*p);
		}
	}
}

/* Display width of UTF-8 text: one column per code point. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void state_of(tg_buf *buf, const tg_scan_doc *sd)
{
	const tg_doc_summary *d = sd->doc;
	size_t start = buf->size;

	if (!d->readable) {
		tg_buf_puts(buf, "unreadable");
		return;
	}
	if (d->stale)
		tg_buf_puts(buf, "stale");
	if (tg_doc_signoff_missing(d))
		tg_buf_puts(buf, buf->size > start ? ",unsigned" : "unsigned");
	if (sd->has_drift && sd->drift.commits > 0)
		tg_buf_puts(buf, buf->size > start ? ",drift" : "drift");
	if (buf->size == start)
		tg_buf_puts(buf, "ok");
}

/* The cells of one document's row, each a NUL-terminated string in `cells`. */
static void row_cells(tg_buf cells[COLUMNS], const tg_scan_doc *sd,
                      bool repo_column)
{
	const tg_doc_summary *d = sd->doc;
	size_t i, p1;

	for (i = 0; i < COLUMNS; i++)
		tg_buf_clear(&cells[i]);
	state_of(&cells[0], sd);
	if (repo_column) {
		put_clean(&cells[1], sd->repository);
		tg_buf_putc(&cells[1], ':');
	}
	put_clean(&cells[1], d->path);
	put_clean(&cells[2], d->status ? d->status : "-");
	put_clean(&cells[3], d->reviewed ? d->reviewed : "-");
	if (d->age_days >= 0)
		tg_buf_printf(&cells[4], "%d", d->age_days);
	else
		tg_buf_puts(&cells[4], "-");
	if (d->readable) {
		tg_buf_printf(&cells[5], "%zu", d->threats_count);
		p1 = tg_inventory__open_threats(d, 1);
		tg_buf_printf(&cells[6], "%zu/%zu", p1,
		              tg_inventory__open_threats(d, 2) - p1);
	} else {
		tg_buf_puts(&cells[5], "-");
		tg_buf_puts(&cells[6], "-");
	}
	tg_buf_puts(&cells[7], tg_inventory__signoff_state(d));
	if (sd->has_drift)
		tg_buf_printf(&cells[8], "%zu%s", sd->drift.commits,
		              sd->drift.bounded ? "+" : "");
	else
		tg_buf_puts(&cells[8], "-");
	tg_buf_printf(&cells[9], "%zuE %zuW", d->errors, d->warnings);
	for (i = 0; i < COLUMNS; i++)
		tg_buf_puts(&cells[i], "");	/* a string even when empty */
}

static void put_row(tg_buf *out, tg_buf cells[COLUMNS],
                    const size_t widths[COLUMNS])
{
	size_t i, pad;

	for (i = 0; i < COLUMNS; i++) {
		/* Numbers right-aligned, words left-aligned. */
		bool right = i == 4 || i == 5 || i == 8;
		const char *cell = tg_buf_cstr(&cells[i]);

		pad = widths[i] - width(cell);
		if (right)
			while (pad-- > 0)
				tg_buf_putc(out, ' ');
		tg_buf_puts(out, cell);
		if (i + 1 == COLUMNS)
			break;
		if (!right)
			while (pad-- > 0)
				tg_buf_putc(out, ' ');
		tg_buf_puts(out, "  ");
	}
	/* No trailing blanks. */
	while (out->size > 0 && out->ptr[out->size - 1] == ' ')
		out->ptr[--out->size] = '\0';
	tg_buf_putc(out, '\n');
}

static void put_drift(tg_buf *out, const tg_scan_doc *sd, bool repo_column)
{
	const tg_drift *d = &sd->drift;
	size_t i;

	tg_buf_puts(out, "  ");
	if (repo_column) {
		put_clean(out, sd->repository);
		tg_buf_putc(out, ':');
	}
	put_clean(out, sd->doc->path);
	tg_buf_printf(out, ": %s%zu commit%s to covered code", d->bounded ?
	              "at least " : "", d->commits, d->commits == 1 ? "" : "s");
	if (d->since && strlen(d->since) == 10)
		tg_buf_printf(out, " since the review of %s", d->since);
	else if (d->since)
		tg_buf_printf(out, " since commit %.12s changed the threat model",
		              d->since);
	else
		tg_buf_puts(out, " and no review on record");
	if (d->newest) {
		tg_buf_printf(out, "; newest %.12s", d->newest);
		if (d->newest_date)
			tg_buf_printf(out, " (%s)", d->newest_date);
	}
	for (i = 0; i < d->authors_count; i++) {
		tg_buf_puts(out, i ? ", " : " by ");
		put_clean(out, d->authors[i]);
	}
	tg_buf_putc(out, '\n');
}

static void put_summary(tg_buf *out, const tg_scan *scan)
{
	tg_scan_totals t;
	size_t repos = tg_scan_repository_count(scan);

	tg_scan_totals_compute(&t, scan);
	tg_buf_printf(out, "threatgate: %zu design document%s", t.documents,
	              t.documents == 1 ? "" : "s");
	if (repos > 1)
		tg_buf_printf(out, " in %zu repositories", repos);
	tg_buf_printf(out, ": %zu stale, %zu without a required sign-off, "
	              "%zu open P1-P2 threat%s, %zu drifting",
	              t.stale, t.signoff_missing,
	              t.open_by_priority[1] + t.open_by_priority[2],
	              t.open_by_priority[1] + t.open_by_priority[2] == 1 ? "" : "s",
	              t.drifting);
	if (t.unreadable)
		tg_buf_printf(out, ", %zu unreadable", t.unreadable);
	if (t.waived[0] + t.waived[1] + t.waived[2] > 0)
		tg_buf_printf(out, "; %zu findings waived (%zu inline, %zu by "
		              "exception, %zu baseline)",
		              t.waived[0] + t.waived[1] + t.waived[2],
		              t.waived[TG_SUPPRESS_INLINE],
		              t.waived[TG_SUPPRESS_EXCEPTION],
		              t.waived[TG_SUPPRESS_BASELINE]);
	tg_buf_putc(out, '\n');
}

int tg_report__scan_text(FILE *out, const tg_scan *scan,
                         const tg_report_options *options)
{
	tg_buf cells[COLUMNS], text = TG_BUF_INIT;
	size_t widths[COLUMNS], *order = NULL, i, j, n = tg_scan_count(scan);
	size_t drifting = 0;
	bool repo_column = tg_scan_repository_count(scan) > 1;
	const tg_scan_repo *repo;
	char hex[13];
	int error;

	(void)options;
	for (i = 0; i < COLUMNS; i++) {
		tg_buf_init(&cells[i], 0);
		widths[i] = strlen(headers[i]);
	}
	error = tg_inventory__attention(&order, scan);
	if (error < 0)
		goto done;

	for (i = 0; i < tg_scan_repository_count(scan); i++) {
		repo = tg_scan_repository(scan, i);
		snprintf(hex, sizeof(hex), "%.12s",
		         repo->revision ? repo->revision : "");
		tg_buf_puts(&text, "# ");
		put_clean(&text, repo->name);
		if (repo->revision)
			tg_buf_printf(&text, " at %s", hex);
		tg_buf_printf(&text, ", %s", tg_scan_date(scan));
		if (repo->commits_walked)
			tg_buf_printf(&text, ", %zu commits walked%s",
			              repo->commits_walked, repo->history_complete ?
			              "" : " (history cut short)");
		tg_buf_putc(&text, '\n');
	}
	if (n == 0) {
		tg_buf_puts(&text, "threatgate: no design documents found\n");
		goto write;
	}
	for (i = 0; i < n; i++) {
		row_cells(cells, tg_scan_get(scan, order[i]), repo_column);
		for (j = 0; j < COLUMNS; j++)
			if (width(tg_buf_cstr(&cells[j])) > widths[j])
				widths[j] = width(tg_buf_cstr(&cells[j]));
	}
	for (j = 0; j < COLUMNS; j++) {
		tg_buf_clear(&cells[j]);
		tg_buf_puts(&cells[j], headers[j]);
	}
	tg_buf_putc(&text, '\n');
	put_row(&text, cells, widths);
	for (i = 0; i < n; i++) {
		row_cells(cells, tg_scan_get(scan, order[i]), repo_column);
		put_row(&text, cells, widths);
	}
	for (i = 0; i < n; i++) {
		const tg_scan_doc *sd = tg_scan_get(scan, order[i]);

		if (!sd->has_drift || sd->drift.commits == 0)
			continue;
		if (drifting++ == 0)
			tg_buf_puts(&text, "\nCovered code changed since the last "
			            "threat model review:\n");
		put_drift(&text, sd, repo_column);
	}
	tg_buf_putc(&text, '\n');
	put_summary(&text, scan);
write:
	if (text.failed) {
		error = tg_error_oom();
		goto done;
	}
	if (fwrite(text.ptr, 1, text.size, out) != text.size)
		error = tg_error_set(TG_ERROR, "cannot write the report");
done:
	for (i = 0; i < COLUMNS; i++)
		tg_buf_release(&cells[i]);
	tg_buf_release(&text);
	free(order);
	return error;
}
