/*
 * threatgate: report writers (pipeline stage 6).
 */
#ifndef TG_REPORT_H
#define TG_REPORT_H

#include <stdio.h>
#include "common.h"
#include "findings.h"
#include "scan.h"

typedef enum {
	TG_FORMAT_TEXT,
	TG_FORMAT_JSON,
	TG_FORMAT_SARIF,
	TG_FORMAT_MARKDOWN,
	TG_FORMAT_GITHUB,
	TG_FORMAT_GITLAB,
	TG_FORMAT_CSV,
	TG_FORMAT_HTML
} tg_format;

typedef struct {
	tg_format format;
	bool color;		/* text: ANSI colour */
	/*
	 * markdown, sarif: the project's web address ("https://github.com/o/r",
	 * "https://gitlab.com/g/p"); file links are URL/blob/REV/PATH#LLINE
	 * (URL/-/blob/... on GitLab). NULL: no links.
	 */
	const char *forge_url;
	/*
	 * markdown, sarif: the revision links point at. NULL: each finding's
	 * own revision (git modes), else no links.
	 */
	const char *head;
	/* markdown: who can give a security sign-off (policy reviewers) */
	const char *const *reviewers;
	size_t reviewers_count;
	/* markdown, github: findings at or above this block the change */
	tg_severity fail_on;
	/* markdown: when nothing blocks, write a short comment (else nothing) */
	bool comment_on_pass;
	/* github: also append the Markdown report to this file, or NULL */
	const char *step_summary;
	/*
	 * text, markdown: the policy names no security reviewer, so any
	 * named sign-off counts; the report says so in one line.
	 */
	bool no_reviewers;
	/*
	 * text: group the findings by document, each under a line naming it
	 * and its counts (the hooks); show at most max_findings findings
	 * (0: all), then how many more in how many documents.
	 */
	bool group;
	size_t max_findings;
} tg_report_options;

#define TG_REPORT_OPTIONS_INIT { .format = TG_FORMAT_TEXT, \
	.fail_on = TG_SEVERITY_ERROR, .comment_on_pass = true }

/*
 * The hidden first line of the markdown report: a bot finds its one
 * pull-request comment by it and updates that comment in place.
 */
#define TG_REPORT_MARKDOWN_MARKER "<!-- threatgate:pr-comment -->"

TG_EXTERN(int) tg_format_parse(tg_format *out, const char *name);

/*
 * What a format's reports show beyond findings, so that a caller computes
 * it (tg_check_context.lazy_triggers, tg_changes_set_lazy_triggers):
 * TG_REPORT_NEEDS_TRIGGERS, every document's sign-off triggers and
 * whether a sign-off is required, also for a signed document.
 */
#define TG_REPORT_NEEDS_TRIGGERS (1u << 0)
TG_EXTERN(unsigned) tg_report_needs(tg_format format);

/* Write the report; TG_ERROR when writing fails. */
TG_EXTERN(int) tg_report_write(FILE *out, const tg_findings *findings,
	const tg_report_options *options);

/*
 * Write the baseline file (docs/baseline.md) of `findings`, sorted: every
 * reported finding and every one the baseline already waives, or with
 * `pruned` only the latter (nothing new goes in). *written gets how many
 * fingerprints were written. 0, TG_ENOMEM or TG_ERROR.
 */
TG_EXTERN(int) tg_report_write_baseline(FILE *out,
	const tg_findings *findings, bool pruned, size_t *written);

/*
 * Write a scan report (`threatgate scan`): text, json, csv, markdown or
 * html. TG_EINVALID for another format, TG_ERROR when writing fails.
 */
TG_EXTERN(int) tg_report_write_scan(FILE *out, const tg_scan *scan,
	const tg_report_options *options);

#endif
