/*
 * Compiler-style text: `path:line:col: severity: message [rule-id]`, one
 * line per finding, then a one-line summary. Editors and CI log viewers
 * jump to the location.
 */
#include <stdio.h>
#include <string.h>
#include "report/report.h"
#include "util/util.h"
#include "util/banned.h"

#define COLOR_RESET "\033[0m"

static const char *severity_color(tg_severity severity)
{
	switch (severity) {
	case TG_SEVERITY_ERROR:
		return "\033[1;31m";
	case TG_SEVERITY_WARNING:
		return "\033[33m";
	case TG_SEVERITY_NOTE:
		return "\033[36m";
	default:
		return "";
	}
}

/*
 * Write text that may come from a document (a path, matched words) so that
 * it stays on one line and cannot drive the terminal: line breaks and tabs
 * become spaces, other control characters (C0, DEL, C1) become '?'.
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
			tg_buf_putc(buf, '?');
			p++;
		} else {
			tg_buf_putc(buf, (char)*p);
		}
	}
}

/*
 * A path with a control character, a quote or a backslash is written
 * C-quoted, as git quotes it ("two\nlines.md"), so that no two paths
 * print alike and the line stays one line.
 */
static void put_path(tg_buf *buf, const char *path)
{
	const unsigned char *p = (const unsigned char *)(path ? path : "");
	bool quote = false;

	for (; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			quote = true;
	if (!quote) {
		tg_buf_puts(buf, path ? path : "");
		return;
	}
	tg_buf_putc(buf, '"');
	for (p = (const unsigned char *)path; *p; p++) {
		switch (*p) {
		case '\n':
			tg_buf_puts(buf, "\\n");
			break;
		case '\t':
			tg_buf_puts(buf, "\\t");
			break;
		case '"':
		case '\\':
			tg_buf_putc(buf, '\\');
			tg_buf_putc(buf, (char)*p);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				tg_buf_printf(buf, "\\%03o", *p);
			else
				tg_buf_putc(buf, (char)*p);
		}
	}
	tg_buf_putc(buf, '"');
}

static void put_count(tg_buf *buf, size_t n, const char *singular,
                      const char *plural)
{
	tg_buf_printf(buf, "%zu %s", n, n == 1 ? singular : plural);
}

/* A finding's notes, gcc-style: `path:line:col: note: message`. */
static void put_notes(tg_buf *buf, const tg_finding *f, bool color)
{
	size_t i;

	for (i = 0; i < f->notes_count; i++) {
		const tg_finding_note *n = &f->notes[i];

		put_path(buf, n->path ? n->path : f->path);
		if (n->line > 0) {
			tg_buf_printf(buf, ":%d", n->line);
			if (n->column > 0)
				tg_buf_printf(buf, ":%d", n->column);
		}
		tg_buf_puts(buf, ": ");
		if (color)
			tg_buf_printf(buf, "%snote:%s ",
			              severity_color(TG_SEVERITY_NOTE), COLOR_RESET);
		else
			tg_buf_puts(buf, "note: ");
		put_clean(buf, n->message);
		tg_buf_putc(buf, '\n');
	}
}

static void put_finding(tg_buf *buf, const tg_finding *f, bool color)
{
	const char *severity = tg_severity_name(f->severity);
	const char *rule = tg_rule_name(f->rule);

	put_path(buf, f->path);
	if (f->line > 0) {
		tg_buf_printf(buf, ":%d", f->line);
		if (f->column > 0)
			tg_buf_printf(buf, ":%d", f->column);
	}
	tg_buf_puts(buf, ": ");
	if (color)
		tg_buf_printf(buf, "%s%s:%s ", severity_color(f->severity),
		              severity, COLOR_RESET);
	else
		tg_buf_printf(buf, "%s: ", severity);
	put_clean(buf, f->message);
	if (rule)
		tg_buf_printf(buf, " [%s]", rule);
	tg_buf_putc(buf, '\n');
	put_notes(buf, f, color);
}

/* How a sign-off that the document does not show was given. */
static const char *signoff_means(const char *via)
{
	if (via && strcmp(via, "approval") == 0)
		return "approved the pull request";
	if (via && strcmp(via, "pusher") == 0)
		return "pushed the sign-off as the authenticated pusher";
	return NULL;
}

/*
 * Who signed the documents whose sign-off is not a line anyone pushed
 * (an approval on the forge).
 */
static void put_signers(tg_buf *buf, const tg_findings *findings)
{
	size_t i, docs = tg_findings_document_count(findings);

	for (i = 0; i < docs; i++) {
		const tg_doc_summary *d = tg_findings_document(findings, i);
		const char *means = signoff_means(d->signoff_via);

		if (!means || !d->signoff_present || d->signoff_by_count == 0)
			continue;
		put_path(buf, d->path);
		tg_buf_puts(buf, ": signed by ");
		put_clean(buf, d->signoff_by[0]);
		tg_buf_printf(buf, ", who %s\n", means);
	}
}

static void put_summary(tg_buf *buf, const tg_findings *findings)
{
	size_t docs = tg_findings_document_count(findings);

	if (docs == 0 && tg_findings_count(findings) == 0 &&
	    tg_findings_suppressed_count(findings) == 0 &&
	    tg_findings_covering(findings) == 0) {
		tg_buf_puts(buf, "threatgate: no design documents checked\n");
		return;
	}
	tg_buf_puts(buf, "threatgate: ");
	put_count(buf, tg_findings_total(findings, TG_SEVERITY_ERROR),
	          "error", "errors");
	tg_buf_puts(buf, ", ");
	put_count(buf, tg_findings_total(findings, TG_SEVERITY_WARNING),
	          "warning", "warnings");
	tg_buf_puts(buf, ", ");
	put_count(buf, tg_findings_total(findings, TG_SEVERITY_NOTE),
	          "note", "notes");
	if (docs == 0 && tg_findings_covering(findings) > 0) {
		/* Code was checked against the designs that cover it. */
		tg_buf_puts(buf, "; no design document changed, the changed "
		            "code checked against ");
		put_count(buf, tg_findings_covering(findings), "design that "
		          "covers it", "designs that cover it");
	} else if (docs == 0) {
		tg_buf_puts(buf, "; no design documents checked");
	} else {
		tg_buf_puts(buf, " in ");
		put_count(buf, docs, "document", "documents");
	}
	if (tg_findings_suppressed_count(findings) > 0) {
		tg_buf_puts(buf, "; ");
		tg_report__waived(buf, findings);
	}
	tg_buf_putc(buf, '\n');
}

static bool same_path(const tg_finding *a, const tg_finding *b)
{
	return strcmp(a->path ? a->path : "", b->path ? b->path : "") == 0;
}

/*
 * The line over a document's findings when they are grouped, as gcc
 * writes "file.c: In function 'f':": the path and what it holds, such as
 * "docs/design/a.md: 2 errors, 1 warning".
 */
static void put_group(tg_buf *buf, const tg_findings *findings, size_t from)
{
	const tg_finding *first = tg_findings_get(findings, from);
	size_t i, n = tg_findings_count(findings), counts[4] = { 0, 0, 0, 0 };
	bool any = false;
	int s;

	for (i = from; i < n && same_path(first, tg_findings_get(findings, i)); i++) {
		s = (int)tg_findings_get(findings, i)->severity;
		if (s >= 0 && s < 4)
			counts[s]++;
	}
	put_path(buf, first->path);
	tg_buf_puts(buf, ":");
	if (counts[TG_SEVERITY_ERROR]) {
		tg_buf_puts(buf, " ");
		put_count(buf, counts[TG_SEVERITY_ERROR], "error", "errors");
		any = true;
	}
	if (counts[TG_SEVERITY_WARNING]) {
		tg_buf_puts(buf, any ? ", " : " ");
		put_count(buf, counts[TG_SEVERITY_WARNING], "warning", "warnings");
		any = true;
	}
	if (counts[TG_SEVERITY_NOTE]) {
		tg_buf_puts(buf, any ? ", " : " ");
		put_count(buf, counts[TG_SEVERITY_NOTE], "note", "notes");
	}
	tg_buf_putc(buf, '\n');
}

/* "threatgate: ... and 12 more findings in 3 documents, not shown". */
static void put_hidden(tg_buf *buf, const tg_findings *findings, size_t from)
{
	size_t i, n = tg_findings_count(findings), docs = 0;

	for (i = from; i < n; i++)
		if (i == from || !same_path(tg_findings_get(findings, i - 1),
		                            tg_findings_get(findings, i)))
			docs++;
	tg_buf_puts(buf, "threatgate: ... and ");
	put_count(buf, n - from, "more finding", "more findings");
	tg_buf_puts(buf, " in ");
	put_count(buf, docs, "document", "documents");
	tg_buf_puts(buf, ", not shown (--max-findings 0 shows them all)\n");
}

int tg_report__text(FILE *out, const tg_findings *findings,
                    const tg_report_options *options)
{
	tg_buf line = TG_BUF_INIT;
	size_t i, count = tg_findings_count(findings);
	size_t max = options->max_findings;
	bool hidden = false;
	int error = 0;

	for (i = 0; i <= count; i++) {
		tg_buf_clear(&line);
		if (i < count && max > 0 && i >= max) {
			/* The cap: the rest is counted, once. */
			put_hidden(&line, findings, i);
			hidden = true;
		} else if (i < count) {
			const tg_finding *f = tg_findings_get(findings, i);

			if (options->group &&
			    (i == 0 || !same_path(tg_findings_get(findings, i - 1), f)))
				put_group(&line, findings, i);
			put_finding(&line, f, options->color);
		} else {
			put_signers(&line, findings);
			put_summary(&line, findings);
		}
		if (line.failed) {
			error = tg_error_oom();
			goto done;
		}
		if (fwrite(line.ptr, 1, line.size, out) != line.size) {
			error = tg_error_set(TG_ERROR,
			                     "cannot write the report");
			goto done;
		}
		if (hidden && i < count)
			i = count - 1;	/* next: the summary */
	}
done:
	tg_buf_release(&line);
	return error;
}
