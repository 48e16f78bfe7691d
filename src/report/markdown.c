/*
 * The pull-request comment, in GitHub-flavoured Markdown (GitLab renders
 * it too). It opens with a hidden marker, so a bot finds and updates its
 * one comment, and a verdict a reader takes in at a glance; then a table
 * of the checked documents, and one section per document with findings:
 * each finding linked to its line at the head revision, the triggers that
 * made a security sign-off necessary and who can give it, and how to fix
 * each rule (its explain text), folded.
 *
 * Text from documents and messages is escaped, and @handles are written
 * as code, so a comment never pings anyone by accident.
 */
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "util/banned.h"

/* GitHub refuses comments over 65,536 characters; keep well under. */
#define BODY_BUDGET 60000
/* Rows of the documents table before "and N more". */
#define TABLE_ROWS 50

#define EMOJI_ERROR "\xe2\x9d\x8c"		/* cross mark */
#define EMOJI_WARNING "\xe2\x9a\xa0\xef\xb8\x8f"	/* warning sign */
#define EMOJI_NOTE "\xe2\x84\xb9\xef\xb8\x8f"	/* information */
#define EMOJI_PASS "\xe2\x9c\x85"		/* check mark */
#define EMOJI_LOCK "\xf0\x9f\x94\x90"		/* lock with key */

struct doc_counts {
	size_t errors, warnings, notes, blocking;
};

struct md {
	tg_buf *buf;
	const tg_findings *findings;
	const tg_report_options *options;
	/*
	 * The documents in the order the comment shows them: those that
	 * block first, then those with other findings, then those that pass,
	 * each group in path order; so that what must be fixed is never
	 * behind "... and N more".
	 */
	size_t *order;
};

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The length of a GitHub @handle or @org/team at `s` (after the '@'). */
static size_t handle_length(const char *s)
{
	size_t n = 0;

	while (is_alnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_' ||
	       (s[n] == '/' && n > 0 && is_alnum((unsigned char)s[n + 1])))
		n++;
	while (n > 0 && (s[n - 1] == '-' || s[n - 1] == '_'))
		n--;
	return n;
}

/*
 * Inline text from a message, title or path: one line, no control
 * characters, Markdown and HTML characters escaped (also '|', so that the
 * text can stand in a table cell), @handles as code spans.
 */
static void put_text(tg_buf *buf, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *start = p;
	size_t n;

	for (; *p; p++) {
		n = 0;
		if (*p == '@' && (p == start || !is_alnum(p[-1])))
			n = handle_length((const char *)p + 1);
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			tg_buf_putc(buf, ' ');
		} else if (*p < 0x20 || *p == 0x7f) {
			continue;
		} else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p++;
		} else if (n > 0) {
			tg_buf_putc(buf, '`');
			tg_buf_put(buf, (const char *)p, n + 1);
			tg_buf_putc(buf, '`');
			p += n;
		} else if (*p == '&') {
			tg_buf_puts(buf, "&amp;");
		} else if (strchr("\\`*_[]<>|~#!", *p)) {
			tg_buf_putc(buf, '\\');
			tg_buf_putc(buf, (char)*p);
		} else {
			tg_buf_putc(buf, (char)*p);
		}
	}
}

/* Text inside an HTML element (<summary>). */
static void put_html(tg_buf *buf, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '&')
			tg_buf_puts(buf, "&amp;");
		else if (*s == '<')
			tg_buf_puts(buf, "&lt;");
		else if (*s == '>')
			tg_buf_puts(buf, "&gt;");
		else if (*s == '\n' || *s == '\r')
			tg_buf_putc(buf, ' ');
		else
			tg_buf_putc(buf, *s);
	}
}

/*
 * A code span holding `s` whatever it contains: a fence longer than any
 * run of backticks inside, padded when the text starts or ends with one.
 * In a table cell a '|' must still be escaped.
 */
static void put_code(tg_buf *buf, const char *s, bool in_table)
{
	size_t run = 0, longest = 0, i, len;
	const char *p;

	s = s ? s : "";
	for (p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	len = strlen(s);
	for (i = 0; i <= longest; i++)
		tg_buf_putc(buf, '`');
	if (len == 0 || s[0] == '`' || s[len - 1] == '`')
		tg_buf_putc(buf, ' ');
	for (p = s; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			tg_buf_putc(buf, ' ');
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			continue;
		else if (*p == '|' && in_table)
			tg_buf_puts(buf, "\\|");
		else
			tg_buf_putc(buf, *p);
	}
	if (len == 0 || s[0] == '`' || s[len - 1] == '`')
		tg_buf_putc(buf, ' ');
	for (i = 0; i <= longest; i++)
		tg_buf_putc(buf, '`');
}

static void put_count(tg_buf *buf, size_t n, const char *singular,
                      const char *plural)
{
	tg_buf_printf(buf, "%zu %s", n, n == 1 ? singular : plural);
}

static bool blocks(const struct md *md, tg_severity severity)
{
	return md->options->fail_on != TG_SEVERITY_OFF &&
	       severity >= md->options->fail_on;
}

static const char *severity_emoji(tg_severity severity)
{
	switch (severity) {
	case TG_SEVERITY_ERROR:
		return EMOJI_ERROR;
	case TG_SEVERITY_WARNING:
		return EMOJI_WARNING;
	default:
		return EMOJI_NOTE;
	}
}

/* "line 12", linked to the line at the head revision when it can be. */
static void put_line_link(const struct md *md, const char *revision,
                          const char *path, int line, const char *label)
{
	tg_buf url = TG_BUF_INIT;

	if (tg_report__link(&url, md->options, revision, path, line) &&
	    !url.failed) {
		tg_buf_printf(md->buf, "[%s %d](%s)", label, line,
		              tg_buf_cstr(&url));
	} else {
		if (url.failed)
			md->buf->failed = true;	/* not a report without its link */
		tg_buf_printf(md->buf, "%s %d", label, line);
	}
	tg_buf_release(&url);
}

/* `path`, linked to the file at the head revision when it can be. */
static void put_path_link(const struct md *md, const char *revision,
                          const char *path, bool in_table)
{
	tg_buf url = TG_BUF_INIT;

	if (tg_report__link(&url, md->options, revision, path, 0) &&
	    !url.failed) {
		tg_buf_putc(md->buf, '[');
		put_code(md->buf, path, in_table);
		tg_buf_printf(md->buf, "](%s)", tg_buf_cstr(&url));
	} else {
		if (url.failed)
			md->buf->failed = true;	/* not a report without its link */
		put_code(md->buf, path, in_table);
	}
	tg_buf_release(&url);
}

static bool same_str(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The findings of one path (and revision, when both have one). */
static bool finding_in(const tg_finding *f, const char *path,
                       const char *revision)
{
	if (!same_str(f->path, path))
		return false;
	return !f->revision || !revision || strcmp(f->revision, revision) == 0;
}

static struct doc_counts count_for(const struct md *md, const char *path,
                                   const char *revision)
{
	struct doc_counts c = { 0, 0, 0, 0 };
	size_t i;

	for (i = 0; i < tg_findings_count(md->findings); i++) {
		const tg_finding *f = tg_findings_get(md->findings, i);

		if (!finding_in(f, path, revision))
			continue;
		if (f->severity == TG_SEVERITY_ERROR)
			c.errors++;
		else if (f->severity == TG_SEVERITY_WARNING)
			c.warnings++;
		else if (f->severity == TG_SEVERITY_NOTE)
			c.notes++;
		if (blocks(md, f->severity))
			c.blocking++;
	}
	return c;
}

static const tg_doc_summary *doc_for(const struct md *md, const tg_finding *f)
{
	size_t i;

	for (i = 0; i < tg_findings_document_count(md->findings); i++) {
		const tg_doc_summary *d = tg_findings_document(md->findings, i);

		if (finding_in(f, d->path, d->revision))
			return d;
	}
	return NULL;
}

static bool signoff_missing(const tg_doc_summary *d)
{
	return d->signoff_required && !d->signoff_present;
}

/* The people a sign-off names, each once. */
static void put_signers(tg_buf *buf, const tg_doc_summary *d)
{
	size_t i, j;
	bool seen;

	for (i = 0; i < d->signoff_by_count; i++) {
		seen = false;
		for (j = 0; j < i; j++)
			if (same_str(d->signoff_by[i], d->signoff_by[j]))
				seen = true;
		if (seen)
			continue;
		if (i > 0)
			tg_buf_puts(buf, ", ");
		put_code(buf, d->signoff_by[i], true);
	}
}

/* ---- the verdict ---- */

static void put_verdict(const struct md *md, size_t docs, size_t docs_blocking,
                        size_t docs_unsigned)
{
	tg_buf *buf = md->buf;
	size_t errors = tg_findings_total(md->findings, TG_SEVERITY_ERROR);
	size_t warnings = tg_findings_total(md->findings, TG_SEVERITY_WARNING);
	size_t notes = tg_findings_total(md->findings, TG_SEVERITY_NOTE);
	size_t blocking = 0, i;

	for (i = 0; i < tg_findings_count(md->findings); i++)
		if (blocks(md, tg_findings_get(md->findings, i)->severity))
			blocking++;

	if (blocking > 0) {
		tg_buf_puts(buf, "### " EMOJI_ERROR
		            " threatgate: this change is blocked\n\n");
		tg_buf_puts(buf, "**");
		if (md->options->fail_on == TG_SEVERITY_ERROR)
			put_count(buf, blocking, "error", "errors");
		else
			put_count(buf, blocking, "finding", "findings");
		tg_buf_puts(buf, "**");
		if (docs > 0 && docs_blocking == docs) {
			tg_buf_puts(buf, " in ");
			put_count(buf, docs, "design document",
			          "design documents");
		} else if (docs > 0) {
			tg_buf_printf(buf, " in %zu of ", docs_blocking);
			put_count(buf, docs, "design document",
			          "design documents");
		}
		tg_buf_puts(buf, " must be fixed before this change can merge");
		if (errors + warnings + notes > blocking) {
			tg_buf_puts(buf, "; ");
			put_count(buf, errors + warnings + notes - blocking,
			          "other finding", "other findings");
			tg_buf_puts(buf, " to consider");
		}
		tg_buf_puts(buf, ".");
	} else if (errors + warnings + notes == 0) {
		if (docs == 0) {
			tg_buf_puts(buf, "### " EMOJI_PASS
			            " threatgate: no design document changed\n\n");
			tg_buf_puts(buf, "Nothing to check.");
		} else {
			tg_buf_puts(buf, "### " EMOJI_PASS
			            " threatgate: the design documents pass\n\n");
			tg_buf_puts(buf, "Checked ");
			put_count(buf, docs, "design document",
			          "design documents");
			tg_buf_puts(buf, ": nothing to fix.");
		}
	} else {
		tg_buf_puts(buf, "### " EMOJI_PASS
		            " threatgate: nothing blocks this change\n\n");
		put_count(buf, errors + warnings + notes, "finding",
		          "findings");
		tg_buf_puts(buf, " to consider");
		if (docs > 0) {
			tg_buf_puts(buf, " in ");
			put_count(buf, docs, "checked design document",
			          "checked design documents");
		}
		tg_buf_puts(buf, ".");
	}
	if (docs_unsigned > 0) {
		tg_buf_puts(buf, " " EMOJI_LOCK " ");
		put_count(buf, docs_unsigned, "document needs",
		          "documents need");
		tg_buf_puts(buf, " a security sign-off.");
	}
	tg_buf_puts(buf, "\n\n");
}

/* ---- waived findings ---- */

/*
 * How many findings were waived and by what, so that a reviewer sees what
 * does not block; and each exception that ends soon, so that nobody is
 * surprised when its findings come back.
 */
static void put_waivers(const struct md *md)
{
	tg_buf *buf = md->buf;
	size_t n = tg_findings_suppressed_count(md->findings), i, j, covered;
	const tg_suppressed *s, *t;
	bool seen;

	if (n == 0)
		return;
	tg_buf_puts(buf, "Not blocking: ");
	tg_report__waived(buf, md->findings);
	tg_buf_puts(buf, " (`--format json` lists them).\n\n");
	for (i = 0; i < n; i++) {
		s = tg_findings_suppressed(md->findings, i);
		if (!s->expiring || !s->exception)
			continue;
		seen = false;
		covered = 0;
		for (j = 0; j < n; j++) {
			t = tg_findings_suppressed(md->findings, j);
			if (!t->exception || strcmp(t->exception, s->exception))
				continue;
			if (j < i)
				seen = true;
			covered++;
		}
		if (seen)
			continue;
		tg_buf_puts(buf, EMOJI_WARNING " Exception ");
		put_code(buf, s->exception, false);
		tg_buf_printf(buf, " expires on %s: ", s->expires ?
		              s->expires : "?");
		put_count(buf, covered, "finding it waives here blocks",
		          "findings it waives here block");
		tg_buf_puts(buf, " after that.\n\n");
	}
}

/* ---- the documents table ---- */

static void put_table(const struct md *md)
{
	tg_buf *buf = md->buf;
	size_t i, n = tg_findings_document_count(md->findings);

	tg_buf_puts(buf, "| | Design document | Errors | Warnings | Notes "
	            "| Security sign-off |\n|---|---|--:|--:|--:|---|\n");
	for (i = 0; i < n && i < TABLE_ROWS; i++) {
		const tg_doc_summary *d = tg_findings_document(md->findings,
		                                               md->order[i]);
		struct doc_counts c = count_for(md, d->path, d->revision);

		tg_buf_printf(buf, "| %s | ", c.blocking ? EMOJI_ERROR :
		              c.errors + c.warnings + c.notes ? EMOJI_WARNING :
		              EMOJI_PASS);
		if (d->title && *d->title) {
			put_text(buf, d->title);
			tg_buf_puts(buf, " (");
			put_path_link(md, d->revision, d->path, true);
			tg_buf_puts(buf, ")");
		} else {
			put_path_link(md, d->revision, d->path, true);
		}
		tg_buf_printf(buf, " | %zu | %zu | %zu | ", c.errors,
		              c.warnings, c.notes);
		if (signoff_missing(d)) {
			tg_buf_puts(buf, "**needed**");
		} else if (d->signoff_present) {
			tg_buf_puts(buf, "given");
			if (d->signoff_by_count > 0) {
				tg_buf_puts(buf, " by ");
				put_signers(buf, d);
			}
			if (same_str(d->signoff_via, "approval"))
				tg_buf_puts(buf, " (approved the pull request)");
			else if (same_str(d->signoff_via, "pusher"))
				tg_buf_puts(buf, " (pushed it as the authenticated "
				            "pusher)");
			else if (d->signoff_via)
				tg_buf_puts(buf, " (in the document)");
		} else {
			tg_buf_puts(buf, "not needed");
		}
		tg_buf_puts(buf, " |\n");
	}
	if (n > TABLE_ROWS) {
		tg_buf_puts(buf, "\n... and ");
		put_count(buf, n - TABLE_ROWS, "more document",
		          "more documents");
		tg_buf_puts(buf, ".\n");
	}
	tg_buf_puts(buf, "\n");
}

/* ---- one document ---- */

static void put_finding(const struct md *md, const tg_finding *f)
{
	tg_buf *buf = md->buf;
	char *text;

	tg_buf_printf(buf, "- %s **%s** at ", severity_emoji(f->severity),
	              tg_severity_name(f->severity));
	put_line_link(md, f->revision, f->path, f->line > 0 ? f->line : 1,
	              "line");
	tg_buf_puts(buf, ": ");
	text = tg_report__message_notes(f, "; ");
	if (!text)
		buf->failed = true;
	put_text(buf, text ? text : "");
	free(text);
	tg_buf_puts(buf, " (");
	put_code(buf, tg_rule_name(f->rule), false);
	tg_buf_puts(buf, ")\n");
}

/* Why a sign-off is needed, who can give it and what to write. */
static void put_signoff(const struct md *md, const tg_doc_summary *d)
{
	tg_buf *buf = md->buf;
	const tg_report_options *o = md->options;
	char today[11];
	size_t i, reasons = 0;

	tg_buf_puts(buf, "\n" EMOJI_LOCK " **A security sign-off is needed**");
	for (i = 0; i < d->triggers_count; i++) {
		const tg_trigger_summary *t = &d->triggers[i];

		tg_buf_puts(buf, reasons++ ? "\n" : ", because:\n\n");
		tg_buf_puts(buf, "- ");
		put_code(buf, t->id, false);
		tg_buf_puts(buf, ": ");
		put_code(buf, t->match, false);
		tg_buf_puts(buf, " at ");
		put_line_link(md, d->revision, d->path, t->line, "line");
	}
	for (i = 0; i < d->threats_count; i++) {
		const tg_threat_summary *t = &d->threats[i];

		if (t->priority != TG_PRIORITY_P1 && t->priority != TG_PRIORITY_P2)
			continue;
		tg_buf_puts(buf, reasons++ ? "\n" : ", because:\n\n");
		tg_buf_printf(buf, "- %s threat ", tg_priority_name(t->priority));
		put_text(buf, t->id ? t->id : t->title);
		tg_buf_puts(buf, " at ");
		put_line_link(md, d->revision, d->path, t->line, "line");
	}
	if (reasons == 0)
		tg_buf_puts(buf, ": the policy asks for one on every design "
		            "under this path");
	tg_buf_puts(buf, reasons ? "\n\n" : ".\n\n");

	if (o->reviewers_count > 0) {
		tg_buf_puts(buf, "Who can give it: ");
		for (i = 0; i < o->reviewers_count; i++) {
			if (i > 0)
				tg_buf_puts(buf, i + 1 == o->reviewers_count ?
				            " or " : ", ");
			put_code(buf, o->reviewers[i], false);
		}
		tg_buf_puts(buf, ". ");
	} else {
		tg_buf_puts(buf, "Who can give it: a member of your security "
		            "team (the policy names no reviewer in ");
		put_code(buf, "threatgate.reviewer", false);
		tg_buf_puts(buf, ", so any named, checked sign-off counts). ");
	}
	tg_buf_puts(buf, "Once they have reviewed the threat model, they add "
	            "under *Security Sign-off*:\n\n```markdown\n- [x] Security "
	            "review: ");
	tg_date_format(today, tg_date_today());
	tg_buf_printf(buf, "%s (%s)\n```\n",
	              o->reviewers_count > 0 && o->reviewers[0][0] == '@' ?
	              o->reviewers[0] : "@reviewer", today);
}

/* The explain text: prose escaped, indented examples kept as code. */
static void put_explain(tg_buf *buf, const char *explain)
{
	const char *line = explain, *end;
	char *copy;

	while (line && *line) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (strncmp(line, "    ", 4) == 0 || end == line) {
			tg_buf_put(buf, line, (size_t)(end - line));
		} else {
			copy = tg_strndup(line, (size_t)(end - line));
			if (!copy) {
				buf->failed = true;
				return;
			}
			put_text(buf, copy);
			free(copy);
		}
		tg_buf_putc(buf, '\n');
		line = *end ? end + 1 : end;
	}
}

static void put_fixes(const struct md *md, const char *path,
                      const char *revision)
{
	tg_buf *buf = md->buf;
	bool done[TG_RULE__COUNT];
	const tg_rule_info *info;
	size_t i;

	memset(done, 0, sizeof(done));
	for (i = 0; i < tg_findings_count(md->findings); i++) {
		const tg_finding *f = tg_findings_get(md->findings, i);

		if (!finding_in(f, path, revision) ||
		    (unsigned)f->rule >= TG_RULE__COUNT || done[f->rule])
			continue;
		done[f->rule] = true;
		info = tg_rules_find(tg_rule_name(f->rule));
		if (!info)
			continue;
		tg_buf_puts(buf, "\n<details><summary>How to fix <code>");
		put_html(buf, info->name);
		tg_buf_puts(buf, "</code>: ");
		put_html(buf, info->summary);
		tg_buf_puts(buf, "</summary>\n\n");
		put_explain(buf, info->explain);
		tg_buf_puts(buf, "\n</details>\n");
	}
}

/* The section of one document (d may be NULL: findings of another path). */
static void put_document(const struct md *md, const tg_doc_summary *d,
                         const char *path, const char *revision)
{
	tg_buf *buf = md->buf;
	struct doc_counts c = count_for(md, path, revision);
	size_t i;

	tg_buf_printf(buf, "#### %s ", c.blocking ? EMOJI_ERROR :
	              EMOJI_WARNING);
	put_path_link(md, revision, path, false);
	if (d && d->title && *d->title) {
		tg_buf_puts(buf, ": ");
		put_text(buf, d->title);
	}
	tg_buf_puts(buf, "\n\n");
	for (i = 0; i < tg_findings_count(md->findings); i++) {
		const tg_finding *f = tg_findings_get(md->findings, i);

		if (finding_in(f, path, revision))
			put_finding(md, f);
	}
	if (d && signoff_missing(d))
		put_signoff(md, d);
	put_fixes(md, path, revision);
	tg_buf_puts(buf, "\n");
}

/* ---- the whole comment ---- */

/*
 * Who signed by other means than a line of the document (an approval of
 * the pull request), and a word when any named sign-off counts.
 */
static void put_reviewer_note(const struct md *md, tg_buf *body)
{
	size_t i, n = tg_findings_document_count(md->findings), shown = 0;

	for (i = 0; i < n; i++) {
		const tg_doc_summary *d = tg_findings_document(md->findings, i);

		if (!d->signoff_present || d->signoff_by_count == 0 ||
		    !(same_str(d->signoff_via, "approval") ||
		      same_str(d->signoff_via, "pusher")))
			continue;
		tg_buf_puts(body, shown++ ? "\n- " : "Sign-offs:\n\n- ");
		put_path_link(md, d->revision, d->path, false);
		tg_buf_puts(body, ": signed by ");
		put_code(body, d->signoff_by[0], false);
		tg_buf_puts(body, same_str(d->signoff_via, "approval") ?
		            " (approved the pull request)" :
		            " (pushed it as the authenticated pusher)");
	}
	if (shown)
		tg_buf_puts(body, "\n\n");
	if (n > 0 && md->options->no_reviewers) {
		tg_buf_puts(body, "No security reviewer is configured (");
		put_code(body, "threatgate.reviewer", false);
		tg_buf_puts(body, "): any named sign-off counts.\n\n");
	}
}

static void put_footer(const struct md *md)
{
	tg_buf_printf(md->buf, "<sub>threatgate %s", tg_version());
	if (md->options->head && *md->options->head) {
		tg_buf_puts(md->buf, " at ");
		put_code(md->buf, md->options->head, false);
	}
	tg_buf_puts(md->buf, ". Run <code>threatgate explain RULE</code> "
	            "for any rule, or <code>threatgate check</code> to run "
	            "the check locally.</sub>\n");
}

/*
 * Add one section to the body unless it would pass the budget; the
 * sections left out are counted.
 */
static void put_sections(struct md *md, tg_buf *body, size_t *left_out)
{
	tg_buf section = TG_BUF_INIT;
	tg_buf *main_buf = md->buf;
	size_t i, j, n = tg_findings_document_count(md->findings);

	md->buf = &section;
	for (i = 0; i < n; i++) {
		const tg_doc_summary *d = tg_findings_document(md->findings,
		                                               md->order[i]);
		struct doc_counts c = count_for(md, d->path, d->revision);

		if (c.errors + c.warnings + c.notes == 0)
			continue;
		tg_buf_clear(&section);
		put_document(md, d, d->path, d->revision);
		if (body->size + section.size > BODY_BUDGET) {
			*left_out += c.errors + c.warnings + c.notes;
			continue;
		}
		tg_buf_put(body, section.ptr, section.size);
		if (section.failed)
			body->failed = true;
	}
	/* Findings on paths that were not checked as documents. */
	for (i = 0; i < tg_findings_count(md->findings); i++) {
		const tg_finding *f = tg_findings_get(md->findings, i);
		bool first = true;

		if (doc_for(md, f))
			continue;
		for (j = 0; j < i; j++) {
			const tg_finding *g = tg_findings_get(md->findings, j);

			if (!doc_for(md, g) &&
			    finding_in(g, f->path, f->revision))
				first = false;
		}
		if (!first)
			continue;
		tg_buf_clear(&section);
		put_document(md, NULL, f->path, f->revision);
		if (body->size + section.size > BODY_BUDGET) {
			struct doc_counts c = count_for(md, f->path,
			                                f->revision);

			*left_out += c.errors + c.warnings + c.notes;
			continue;
		}
		tg_buf_put(body, section.ptr, section.size);
		if (section.failed)
			body->failed = true;
	}
	md->buf = main_buf;
	tg_buf_release(&section);
}

/* 0: blocks, 1: other findings, 2: passes. */
static int doc_rank(const struct md *md, const tg_doc_summary *d)
{
	struct doc_counts c = count_for(md, d->path, d->revision);

	if (c.blocking > 0)
		return 0;
	return c.errors + c.warnings + c.notes > 0 ? 1 : 2;
}

int tg_report__markdown(FILE *out, const tg_findings *findings,
                        const tg_report_options *options)
{
	tg_buf body = TG_BUF_INIT;
	struct md md;
	size_t i, docs, docs_blocking = 0, docs_unsigned = 0, left_out = 0;
	size_t blocking = 0, next = 0;
	int *ranks = NULL, rank;
	int error = 0;

	md.buf = &body;
	md.findings = findings;
	md.options = options;
	docs = tg_findings_document_count(findings);
	md.order = calloc(docs ? docs : 1, sizeof(*md.order));
	ranks = calloc(docs ? docs : 1, sizeof(*ranks));
	if (!md.order || !ranks) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < docs; i++) {
		const tg_doc_summary *d = tg_findings_document(findings, i);

		ranks[i] = doc_rank(&md, d);
		if (ranks[i] == 0)
			docs_blocking++;
		if (signoff_missing(d))
			docs_unsigned++;
	}
	for (rank = 0; rank <= 2; rank++)
		for (i = 0; i < docs; i++)
			if (ranks[i] == rank)
				md.order[next++] = i;
	for (i = 0; i < tg_findings_count(findings); i++)
		if (blocks(&md, tg_findings_get(findings, i)->severity))
			blocking++;
	/* A passing change gets no comment at all when so asked. */
	if (blocking == 0 && !options->comment_on_pass)
		goto done;

	tg_buf_puts(&body, TG_REPORT_MARKDOWN_MARKER "\n");
	put_verdict(&md, docs, docs_blocking, docs_unsigned);
	put_waivers(&md);
	if (tg_findings_count(findings) > 0) {
		if (docs > 0)
			put_table(&md);
		put_sections(&md, &body, &left_out);
		if (left_out > 0) {
			tg_buf_puts(&body, "... and ");
			put_count(&body, left_out, "more finding",
			          "more findings");
			tg_buf_puts(&body, " not shown, to keep this comment "
			            "under the forge's size limit: see the job's "
			            "log or run <code>threatgate check</code>."
			            "\n\n");
		}
	} else if (docs > 0) {
		tg_buf_puts(&body, "Documents: ");
		for (i = 0; i < docs && i < 10; i++) {
			const tg_doc_summary *d = tg_findings_document(findings,
			                                               md.order[i]);

			if (i > 0)
				tg_buf_puts(&body, ", ");
			put_path_link(&md, d->revision, d->path, false);
		}
		if (docs > 10)
			tg_buf_printf(&body, " and %zu more", docs - 10);
		tg_buf_puts(&body, ".\n\n");
	}
	put_reviewer_note(&md, &body);
	put_footer(&md);

	if (body.failed) {
		error = tg_error_oom();
		goto done;
	}
	if (fwrite(body.ptr, 1, body.size, out) != body.size)
		error = tg_error_set(TG_ERROR, "cannot write the report");
done:
	free(ranks);
	free(md.order);
	tg_buf_release(&body);
	return error;
}
