/*
 * The scan report as CSV (RFC 4180: CRLF line ends, fields quoted when
 * they hold a comma, a quote or a line break), one row per document, for
 * spreadsheets and dashboards. Lists are joined with "; ", an unknown
 * value is an empty field, booleans are true/false.
 *
 * Titles, names and paths come from documents anyone can write; a field
 * that a spreadsheet would take for a formula (=, +, -, @, tab or CR
 * first) gets a leading apostrophe (OWASP "CSV injection").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "inventory/inventory.h"
#include "util/banned.h"

static const char header[] =
	"repository,path,revision,readable,title,dri,participants,"
	"threat_model_reviewed,age_days,stale,threats,threats_p1,threats_p2,"
	"threats_p3,threats_p4,threats_p5,threats_no_priority,open_p1,open_p2,"
	"open_p3,open_p4,open_p5,open_no_priority,triggers,signoff_required,"
	"signoff_present,signoff_by,errors,warnings,notes,covers,"
	"drift_commits,drift_newest,drift_newest_date,drift_authors,"
	"drift_since,drift_bounded\r\n";

/* A text field, quoted and defused as needed; NULL is empty. */
static void put_text(tg_buf *out, const char *s)
{
	bool quote;

	if (!s || !*s)
		return;
	quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' ||
	        s[strlen(s) - 1] == ' ';
	if (quote)
		tg_buf_putc(out, '"');
	if (strchr("=+-@\t\r", s[0]))
		tg_buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			tg_buf_putc(out, '"');
		tg_buf_putc(out, *s);
	}
	if (quote)
		tg_buf_putc(out, '"');
}

static void put_list(tg_buf *out, char *const *items, size_t count)
{
	tg_buf joined = TG_BUF_INIT;
	size_t i;

	for (i = 0; i < count; i++) {
		if (i)
			tg_buf_puts(&joined, "; ");
		tg_buf_puts(&joined, items[i] ? items[i] : "");
	}
	if (joined.failed)
		out->failed = true;
	put_text(out, tg_buf_cstr(&joined));
	tg_buf_release(&joined);
}

static void put_bool(tg_buf *out, bool value)
{
	tg_buf_puts(out, value ? "true" : "false");
}

static void put_row(tg_buf *out, const tg_scan_doc *sd)
{
	const tg_doc_summary *d = sd->doc;
	size_t total[6] = { 0 }, open[6] = { 0 }, i;
	tg_buf ids = TG_BUF_INIT;
	int p;

	for (i = 0; i < d->threats_count; i++) {
		p = tg_inventory__priority(d->threats[i].priority);
		total[p]++;
		if (tg_threat_status_open(d->threats[i].status))
			open[p]++;
	}
	for (i = 0; i < d->triggers_count; i++) {
		/* Each trigger once, in order of appearance. */
		size_t j;
		bool seen = false;

		for (j = 0; j < i && !seen; j++)
			seen = strcmp(d->triggers[j].id, d->triggers[i].id) == 0;
		if (!seen)
			tg_buf_printf(&ids, "%s%s", ids.size ? "; " : "",
			              d->triggers[i].id);
	}

	put_text(out, sd->repository);
	tg_buf_putc(out, ',');
	put_text(out, d->path);
	tg_buf_putc(out, ',');
	put_text(out, d->revision);
	tg_buf_putc(out, ',');
	put_bool(out, d->readable);
	tg_buf_putc(out, ',');
	put_text(out, d->title);
	tg_buf_putc(out, ',');
	put_text(out, d->dri);
	tg_buf_putc(out, ',');
	put_list(out, d->participants, d->participants_count);
	tg_buf_putc(out, ',');
	put_text(out, d->reviewed);
	tg_buf_putc(out, ',');
	if (d->age_days >= 0)
		tg_buf_printf(out, "%d", d->age_days);
	tg_buf_putc(out, ',');
	put_bool(out, d->stale);
	tg_buf_printf(out, ",%zu", d->threats_count);
	for (i = 1; i <= 6; i++)
		tg_buf_printf(out, ",%zu", total[i % 6]);
	for (i = 1; i <= 6; i++)
		tg_buf_printf(out, ",%zu", open[i % 6]);
	tg_buf_putc(out, ',');
	put_text(out, tg_buf_cstr(&ids));
	tg_buf_putc(out, ',');
	put_bool(out, d->signoff_required);
	tg_buf_putc(out, ',');
	put_bool(out, d->signoff_present);
	tg_buf_putc(out, ',');
	put_list(out, d->signoff_by, d->signoff_by_count);
	tg_buf_printf(out, ",%zu,%zu,%zu,", d->errors, d->warnings, d->notes);
	put_list(out, d->covers, d->covers_count);
	tg_buf_putc(out, ',');
	if (sd->has_drift) {
		tg_buf_printf(out, "%zu,", sd->drift.commits);
		put_text(out, sd->drift.newest);
		tg_buf_putc(out, ',');
		put_text(out, sd->drift.newest_date);
		tg_buf_putc(out, ',');
		put_list(out, sd->drift.authors, sd->drift.authors_count);
		tg_buf_putc(out, ',');
		put_text(out, sd->drift.since);
		tg_buf_putc(out, ',');
		put_bool(out, sd->drift.bounded);
	} else {
		tg_buf_puts(out, ",,,,,");
	}
	tg_buf_puts(out, "\r\n");
	if (ids.failed)
		out->failed = true;
	tg_buf_release(&ids);
}

int tg_report__scan_csv(FILE *out, const tg_scan *scan,
                        const tg_report_options *options)
{
	tg_buf line = TG_BUF_INIT;
	size_t i, n = tg_scan_count(scan);
	int error = 0;

	(void)options;
	if (fputs(header, out) == EOF)
		return tg_error_set(TG_ERROR, "cannot write the report");
	for (i = 0; i < n; i++) {
		tg_buf_clear(&line);
		put_row(&line, tg_scan_get(scan, i));
		if (line.failed) {
			error = tg_error_oom();
			break;
		}
		if (fwrite(line.ptr, 1, line.size, out) != line.size) {
			error = tg_error_set(TG_ERROR, "cannot write the report");
			break;
		}
	}
	tg_buf_release(&line);
	return error;
}
