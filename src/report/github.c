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
 * GitHub shows only the first few annotations of a step, so with
 * options->step_summary (the CLI passes $GITHUB_STEP_SUMMARY) the whole
 * Markdown report is appended to the job summary too.
 */
#include <errno.h>
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

	tg_buf_printf(buf, "::%s file=", command_name(f->severity));
	put_escaped(buf, f->path, true);
	tg_buf_printf(buf, ",line=%d", f->line > 0 ? f->line : 1);
	if (f->column > 0)
		tg_buf_printf(buf, ",col=%d", f->column);
	tg_buf_printf(&title, "threatgate: %s", rule ? rule : "finding");
	tg_buf_puts(buf, ",title=");
	put_escaped(buf, tg_buf_cstr(&title), true);
	tg_buf_puts(buf, "::");

	tg_buf_puts(&message, f->message ? f->message : "");
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

int tg_report__github(FILE *out, const tg_findings *findings,
                      const tg_report_options *options)
{
	tg_buf line = TG_BUF_INIT;
	size_t i, count = tg_findings_count(findings);
	int error = 0;

	for (i = 0; i <= count; i++) {
		tg_buf_clear(&line);
		if (i < count)
			put_annotation(&line, tg_findings_get(findings, i));
		else
			put_summary(&line, findings);
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
