/*
 * GitLab Code Quality: a JSON array of CodeClimate-style issues, which a
 * merge request shows in its widget and diff when the job names the file
 * under artifacts:reports:codequality.
 *
 * Severity mapping (GitLab knows info, minor, major, critical, blocker):
 *
 *	threatgate error	major
 *	threatgate warning	minor
 *	threatgate note		info
 *
 * The fingerprint is stable across edits: it hashes the rule, path,
 * section path and threat id (not the line), and the finding's rank among
 * those that share all four, so GitLab sees a finding as the same one
 * between the base and the head of a merge request.
 */
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "util/banned.h"

static const char *gitlab_severity(tg_severity severity)
{
	switch (severity) {
	case TG_SEVERITY_ERROR:
		return "major";
	case TG_SEVERITY_WARNING:
		return "minor";
	default:
		return "info";
	}
}

static json_t *issue_value(struct tg_report__json *b, const tg_finding *f,
                           const char *fingerprint)
{
	json_t *obj = tg_report__jobj(b);
	json_t *categories = tg_report__jarr(b);
	json_t *location = tg_report__jobj(b);
	json_t *lines = tg_report__jobj(b);
	char *text;
	const char *path = f->path ? f->path : ".";

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	tg_report__jset(b, obj, "type", tg_report__jstr(b, "issue"));
	tg_report__jset(b, obj, "engine_name", tg_report__jstr(b, "threatgate"));
	tg_report__jset(b, obj, "check_name",
	                tg_report__jstr(b, tg_rule_name(f->rule)));
	text = tg_report__message_notes(f, "\n");
	if (!text)
		b->failed = true;
	tg_report__jset(b, obj, "description", tg_report__jstr(b, text));
	free(text);
	tg_report__jappend(b, categories, tg_report__jstr(b, "Security"));
	tg_report__jset(b, obj, "categories", categories);
	tg_report__jset(b, obj, "severity",
	                tg_report__jstr(b, gitlab_severity(f->severity)));
	tg_report__jset(b, obj, "fingerprint", tg_report__jstr(b, fingerprint));
	tg_report__jset(b, location, "path", tg_report__jstr(b, path));
	tg_report__jset(b, lines, "begin",
	                tg_report__jint(b, f->line > 0 ? f->line : 1));
	tg_report__jset(b, location, "lines", lines);
	tg_report__jset(b, obj, "location", location);
	return obj;
}

int tg_report__gitlab(FILE *out, const tg_findings *findings,
                      const tg_report_options *options)
{
	struct tg_report__json b = { false };
	char (*hashes)[17] = NULL;
	size_t *occurrences = NULL, i;
	char fingerprint[64];
	json_t *root = NULL;
	int error;

	(void)options;
	error = tg_report__fingerprints(&hashes, &occurrences, findings);
	if (error < 0)
		goto done;
	root = tg_report__jarr(&b);
	for (i = 0; i < tg_findings_count(findings); i++) {
		/* 16 hex digits of the key, 4 of the rank: 20 characters. */
		snprintf(fingerprint, sizeof(fingerprint), "%s%04zx", hashes[i],
		         occurrences[i] & 0xffff);
		tg_report__jappend(&b, root,
		                   issue_value(&b, tg_findings_get(findings, i),
		                               fingerprint));
	}
	error = tg_report__jwrite(out, &b, root);
done:
	json_decref(root);
	free(occurrences);
	free(hashes);
	return error;
}
