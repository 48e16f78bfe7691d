/*
 * GitHub Actions workflow commands: one annotation a finding,
 *
 *	::error file=PATH,line=N,col=C,title=TITLE::MESSAGE
 *
 * shown on the line of the pull request's diff, with the rule's fixed
 * example under the message. Values are escaped as the runner expects
 * (actions/toolkit's escapeData and escapeProperty): in the message '%',
 * CR and LF become %25, %0D and %0A; in a property ':' and ',' also become
 * %3A and %2C. Nothing a document holds can end the command early or
 * start another one.
 *
 * GitHub shows only the first few annotations of a step (10 of each
 * level) and of a job (50), so at most ANNOTATIONS_PER_RULE of one rule in
 * one document, and ANNOTATIONS_MAX in all, are annotations; the others
 * are written as plain compiler-style lines of the log, and counted on the
 * last line. With options->step_summary (the CLI passes
 * $GITHUB_STEP_SUMMARY) the whole Markdown report, every finding, is
 * appended to the job summary too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "util/banned.h"

static void put_escaped(tg_buf *buf, const char *s, bool property)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		switch (*p) {
		case '%':
			tg_buf_puts(buf, "%25");
			break;
		case '\r':
			tg_buf_puts(buf, "%0D");
			break;
		case '\n':
			tg_buf_puts(buf, "%0A");
			break;
		case ':':
			tg_buf_puts(buf, property ? "%3A" : ":");
			break;
		case ',':
			tg_buf_puts(buf, property ? "%2C" : ",");
			break;
		default:
			/* Other control characters would garble the log. */
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				tg_buf_putc(buf, '?');
			else
				tg_buf_putc(buf, (char)*p);
		}
	}
}

static const char *command_name(tg_severity severity)
{
	switch (severity) {
	case TG_SEVERITY_ERROR:
		return "error";
	case TG_SEVERITY_WARNING:
		return "warning";
	default:
		return "notice";
	}
}

/*
 * The first example of an explain text: the indented lines after the
 * first line that starts with "Fixed", without their indent.
 */
static void put_example(tg_buf *buf, const char *explain)
{
	const char *p = explain, *end;
	bool in_example = false, found = false;

	while (p && *p) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (!in_example) {
			if (strncmp(p, "Fixed", 5) == 0)
				in_example = true;
		} else if (strncmp(p, "    ", 4) == 0) {
			tg_buf_putc(buf, '\n');
			tg_buf_put(buf, p + 4, (size_t)(end - p - 4));
			found = true;
		} else if (found) {
			break;
		}
		p = *end ? end + 1 : end;
	}
}

static void put_annotation(tg_buf *buf, const tg_finding *f)
{
	const char *rule = tg_rule_name(f->rule);
	const tg_rule_info *info = rule ? tg_rules_find(rule) : NULL;
	tg_buf title = TG_BUF_INIT, message = TG_BUF_INIT;
	char *text;

	tg_buf_printf(buf, "::%s file=", command_name(f->severity));
	put_escaped(buf, f->path, true);
	tg_buf_printf(buf, ",line=%d", f->line > 0 ? f->line : 1);
	if (f->column > 0)
		tg_buf_printf(buf, ",col=%d", f->column);
	tg_buf_printf(&title, "threatgate: %s", rule ? rule : "finding");
	tg_buf_puts(buf, ",title=");
	put_escaped(buf, tg_buf_cstr(&title), true);
	tg_buf_puts(buf, "::");

	text = tg_report__message_notes(f, "\n");
	if (!text)
		message.failed = true;
	tg_buf_puts(&message, text ? text : "");
	free(text);
	if (info) {
		tg_buf_puts(&message, "\n\nFixed, for example:");
		put_example(&message, info->explain);
		tg_buf_printf(&message, "\n\nMore: threatgate explain %s",
		              info->name);
	}
	put_escaped(buf, tg_buf_cstr(&message), false);
	tg_buf_putc(buf, '\n');
	if (title.failed || message.failed)
		buf->failed = true;
	tg_buf_release(&message);
	tg_buf_release(&title);
}

#define ANNOTATIONS_PER_RULE 3
#define ANNOTATIONS_MAX 50

/* A finding that is not an annotation: `path:line:col: severity: message [rule]`. */
static void put_plain(tg_buf *buf, const tg_finding *f)
{
	const char *rule = tg_rule_name(f->rule);
	const unsigned char *p;

	/* A path that starts with ':' must not look like "::command". */
	tg_buf_printf(buf, "%s%s:%d", f->path && f->path[0] == ':' ? "./" : "",
	              f->path ? f->path : "", f->line > 0 ? f->line : 1);
	if (f->column > 0)
		tg_buf_printf(buf, ":%d", f->column);
	tg_buf_printf(buf, ": %s: ", tg_severity_name(f->severity));
	/* One line, and never a workflow command: no line break survives. */
	for (p = (const unsigned char *)(f->message ? f->message : ""); *p; p++)
		tg_buf_putc(buf, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
	if (rule)
		tg_buf_printf(buf, " [%s]", rule);
	tg_buf_putc(buf, '\n');
}

static void put_summary(tg_buf *buf, const tg_findings *findings)
{
	size_t e = tg_findings_total(findings, TG_SEVERITY_ERROR);
	size_t w = tg_findings_total(findings, TG_SEVERITY_WARNING);
	size_t n = tg_findings_total(findings, TG_SEVERITY_NOTE);
	size_t docs = tg_findings_document_count(findings);

	tg_buf_printf(buf, "threatgate: %zu %s, %zu %s, %zu %s in %zu %s",
	              e, e == 1 ? "error" : "errors",
	              w, w == 1 ? "warning" : "warnings",
	              n, n == 1 ? "note" : "notes",
	              docs, docs == 1 ? "document" : "documents");
	if (tg_findings_suppressed_count(findings) > 0) {
		tg_buf_puts(buf, "; ");
		tg_report__waived(buf, findings);
	}
	tg_buf_putc(buf, '\n');
}

/* Append the Markdown report to the job summary file. */
static int write_step_summary(const tg_findings *findings,
                              const tg_report_options *options)
{
	tg_report_options md = *options;
	FILE *f;
	int error;

	md.format = TG_FORMAT_MARKDOWN;
	md.comment_on_pass = true;
	f = fopen(options->step_summary, "a");
	if (!f)
		return tg_error_set(TG_ERROR, "cannot write the step summary "
		                    "'%s': %s", options->step_summary,
		                    strerror(errno));
	error = tg_report__markdown(f, findings, &md);
	if (error == 0 && fputc('\n', f) == EOF)
		error = tg_error_set(TG_ERROR, "cannot write the step summary "
		                     "'%s'", options->step_summary);
	if (fclose(f) != 0 && error == 0)
		error = tg_error_set(TG_ERROR, "cannot write the step summary "
		                     "'%s': %s", options->step_summary,
		                     strerror(errno));
	return error;
}

/*
 * Whether the i-th finding is shown as an annotation: fewer than
 * ANNOTATIONS_PER_RULE of its rule in its document came before it, and
 * fewer than ANNOTATIONS_MAX in all. The findings of a document are
 * contiguous (sorted by path), so only those since the last path change
 * are counted.
 */
static bool annotated(const tg_findings *findings, size_t i, size_t start,
                      size_t shown)
{
	const tg_finding *f = tg_findings_get(findings, i);
	size_t j, same = 0;

	if (shown >= ANNOTATIONS_MAX)
		return false;
	for (j = start; j < i; j++) {
		const tg_finding *g = tg_findings_get(findings, j);

		if (g->rule == f->rule)
			same++;
	}
	return same < ANNOTATIONS_PER_RULE;
}

static bool same_path(const tg_finding *a, const tg_finding *b)
{
	const char *p = a->path ? a->path : "", *q = b->path ? b->path : "";

	return strcmp(p, q) == 0;
}

int tg_report__github(FILE *out, const tg_findings *findings,
                      const tg_report_options *options)
{
	tg_buf line = TG_BUF_INIT;
	size_t i, count = tg_findings_count(findings);
	size_t start = 0, shown = 0;
	int error = 0;

	for (i = 0; i <= count; i++) {
		tg_buf_clear(&line);
		if (i < count) {
			const tg_finding *f = tg_findings_get(findings, i);

			if (i > 0 && !same_path(tg_findings_get(findings, i - 1), f))
				start = i;
			if (annotated(findings, i, start, shown)) {
				put_annotation(&line, f);
				shown++;
			} else {
				put_plain(&line, f);
			}
		} else {
			put_summary(&line, findings);
			if (shown < count)
				tg_buf_printf(&line, "threatgate: %zu of %zu "
				              "findings shown as annotations (at "
				              "most %d of a rule in a document, %d "
				              "in all); every finding is in the job "
				              "summary\n", shown, count,
				              ANNOTATIONS_PER_RULE, ANNOTATIONS_MAX);
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
	}
	if (options->step_summary && *options->step_summary)
		error = write_step_summary(findings, options);
done:
	tg_buf_release(&line);
	return error;
}
