/*
 * SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF viewers.
 *
 * One run. The driver lists every rule of the table, with its summary, the
 * first paragraph of its explain text, the whole explain text as help and
 * its default level, so a viewer can show how to fix a finding. Each
 * result has a physical location (repository-relative URI, line, column)
 * and partial fingerprints built from the rule, path, section path and
 * threat id, never the line: an alert survives edits above it.
 */
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "util/banned.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/" \
	"errata01/os/schemas/sarif-schema-2.1.0.json"

/* Our own fingerprint's name, versioned: a new key scheme gets /v2. */
#define FINGERPRINT_KEY "threatgate/v1"

/* SARIF's levels are ours, but for "none". */
static const char *level_name(tg_severity severity)
{
	return severity == TG_SEVERITY_OFF ? "none" : tg_severity_name(severity);
}

/* "missing-section" -> "MissingSection", SARIF's readable rule name. */
static char *pascal_name(const char *id)
{
	tg_buf buf = TG_BUF_INIT;
	bool upper = true;

	for (; *id; id++) {
		if (*id == '-') {
			upper = true;
			continue;
		}
		tg_buf_putc(&buf, upper && *id >= 'a' && *id <= 'z' ?
		            (char)(*id - 'a' + 'A') : *id);
		upper = false;
	}
	return tg_buf_detach(&buf);
}

/* The explain text's first paragraph on one line. */
static char *first_paragraph(const char *explain)
{
	tg_buf buf = TG_BUF_INIT;
	const char *end = strstr(explain, "\n\n");
	const char *p;

	if (!end)
		end = explain + strlen(explain);
	for (p = explain; p < end; p++)
		tg_buf_putc(&buf, *p == '\n' ? ' ' : *p);
	while (buf.size > 0 && buf.ptr[buf.size - 1] == ' ')
		buf.ptr[--buf.size] = '\0';
	return tg_buf_detach(&buf);
}

static json_t *text_value(struct tg_report__json *b, const char *text)
{
	json_t *obj = tg_report__jobj(b);

	tg_report__jset(b, obj, "text", tg_report__jstr(b, text));
	return obj;
}

/*
 * GitHub code scanning ranks alerts by properties."security-severity", a
 * CVSS-like score: 9.0 and up critical, 7.0 high, 4.0 medium, 0.1 low. A
 * design that ships without the review it needs, or with a threat left
 * open, is high; a threat model that cannot be judged is medium; what
 * only makes the document harder to use is low. A rule not listed here
 * (one added later) is scored from its default severity.
 */
static const char *security_severity(const tg_rule_info *info)
{
	static const struct {
		const char *rule, *score;
	} scores[] = {
		{ "signoff-required", "8.0" },
		{ "signoff-unauthorized", "8.0" },
		{ "signoff-stale", "7.0" },
		{ "threat-missing-mitigation", "7.5" },
		{ "risk-acceptance-approval", "7.0" },
		{ "missing-section", "6.0" },
		{ "no-threats", "6.0" },
		{ "empty-section", "5.0" },
		{ "unreadable-document", "5.0" },
		{ "stale-threat-model", "5.0" },
		{ "covered-code-changed", "5.0" },
		{ "reviewed-date-not-updated", "4.0" },
		{ "threat-missing-priority", "4.0" },
		{ "invalid-metadata", "4.0" },
		{ "threat-missing-category", "3.0" },
		{ "stride-coverage", "3.0" },
		{ "missing-dri", "2.0" },
		{ "too-few-participants", "2.0" },
		{ "no-documents", "1.0" },
	};
	size_t i;

	for (i = 0; i < sizeof(scores) / sizeof(scores[0]); i++)
		if (strcmp(scores[i].rule, info->name) == 0)
			return scores[i].score;
	switch (info->default_severity) {
	case TG_SEVERITY_ERROR:
		return "6.0";
	case TG_SEVERITY_WARNING:
		return "4.0";
	default:
		return "1.0";
	}
}

static json_t *rule_value(struct tg_report__json *b, const tg_rule_info *info)
{
	json_t *obj = tg_report__jobj(b);
	json_t *config = tg_report__jobj(b);
	json_t *help = tg_report__jobj(b);
	json_t *props = tg_report__jobj(b);
	json_t *tags = tg_report__jarr(b);
	char *name = pascal_name(info->name);
	char *full = first_paragraph(info->explain);
	/* The rule's page in the docs of this version (Makefile RULES_URL). */
	char *help_uri = tg_printf("%s%s.md", TG_RULES_URL, info->name);

	if (!name || !full || !help_uri)
		b->failed = true;
	tg_report__jset(b, obj, "id", tg_report__jstr(b, info->name));
	tg_report__jset(b, obj, "name", tg_report__jstr(b, name));
	tg_report__jset(b, obj, "shortDescription",
	                text_value(b, info->summary));
	tg_report__jset(b, obj, "fullDescription", text_value(b, full));
	if (help_uri)
		tg_report__jset(b, obj, "helpUri", tg_report__jstr(b, help_uri));
	/* The explain text's examples are indented: Markdown code blocks. */
	tg_report__jset(b, help, "text", tg_report__jstr(b, info->explain));
	tg_report__jset(b, help, "markdown", tg_report__jstr(b, info->explain));
	tg_report__jset(b, obj, "help", help);
	tg_report__jset(b, config, "level",
	                tg_report__jstr(b, level_name(info->default_severity)));
	tg_report__jset(b, obj, "defaultConfiguration", config);
	tg_report__jappend(b, tags, tg_report__jstr(b, "security"));
	tg_report__jappend(b, tags, tg_report__jstr(b, "threat-model"));
	tg_report__jappend(b, tags, tg_report__jstr(b, "design-review"));
	tg_report__jset(b, props, "tags", tags);
	tg_report__jset(b, props, "precision", tg_report__jstr(b, "very-high"));
	tg_report__jset(b, props, "security-severity",
	                tg_report__jstr(b, security_severity(info)));
	tg_report__jset(b, obj, "properties", props);
	free(help_uri);
	free(full);
	free(name);
	return obj;
}

static json_t *location_value(struct tg_report__json *b, const tg_finding *f)
{
	json_t *loc = tg_report__jobj(b);
	json_t *phys = tg_report__jobj(b);
	json_t *artifact = tg_report__jobj(b);
	json_t *region = tg_report__jobj(b);
	tg_buf uri = TG_BUF_INIT;
	const char *path = f->path ? f->path : ".";

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	tg_report__uri_path(&uri, path);
	if (uri.failed)
		b->failed = true;
	tg_report__jset(b, artifact, "uri", tg_report__jstr(b, tg_buf_cstr(&uri)));
	tg_report__jset(b, artifact, "uriBaseId", tg_report__jstr(b, "%SRCROOT%"));
	tg_report__jset(b, phys, "artifactLocation", artifact);
	tg_report__jset(b, region, "startLine",
	                tg_report__jint(b, f->line > 0 ? f->line : 1));
	if (f->column > 0)
		tg_report__jset(b, region, "startColumn",
		                tg_report__jint(b, f->column));
	tg_report__jset(b, phys, "region", region);
	tg_report__jset(b, loc, "physicalLocation", phys);
	tg_buf_release(&uri);
	return loc;
}

/* The position of a rule in the driver's rules array (table order). */
static json_int_t rule_index(tg_rule_id rule)
{
	const tg_rule_info *table;
	size_t count, i;

	table = tg_rules_table(&count);
	for (i = 0; i < count; i++)
		if (table[i].id == rule)
			return (json_int_t)i;
	return -1;
}

/*
 * SARIF's suppression of a waived finding: inSource for a comment in the
 * document, external for the exceptions file and the baseline.
 */
static json_t *suppressions_value(struct tg_report__json *b,
                                  const tg_suppressed *s)
{
	json_t *list = tg_report__jarr(b);
	json_t *one = tg_report__jobj(b);
	json_t *props = tg_report__jobj(b);
	char *why = NULL;

	tg_report__jset(b, one, "kind", tg_report__jstr(b,
	    s->reason == TG_SUPPRESS_INLINE ? "inSource" : "external"));
	tg_report__jset(b, one, "status", tg_report__jstr(b, "accepted"));
	if (s->reason == TG_SUPPRESS_EXCEPTION)
		why = tg_printf("exception %s: %s", s->exception ? s->exception :
		                "?", s->justification ? s->justification : "");
	else if (s->reason == TG_SUPPRESS_BASELINE)
		why = tg_strdup("in the reviewed baseline (threatgate.baseline)");
	else
		why = tg_strdup("a threatgate-disable comment in the document");
	if (!why)
		b->failed = true;
	tg_report__jset(b, one, "justification", tg_report__jstr(b, why));
	tg_report__jset(b, props, "reason", tg_report__jstr(b,
	                tg_suppress_reason_name(s->reason)));
	if (s->exception)
		tg_report__jset(b, props, "exception",
		                tg_report__jstr(b, s->exception));
	if (s->expires)
		tg_report__jset(b, props, "expires",
		                tg_report__jstr(b, s->expires));
	tg_report__jset(b, one, "properties", props);
	tg_report__jappend(b, list, one);
	free(why);
	return list;
}

static json_t *result_value(struct tg_report__json *b, const tg_finding *f,
                            const char *print, const tg_suppressed *waived)
{
	json_t *obj = tg_report__jobj(b);
	json_t *locations = tg_report__jarr(b);
	json_t *prints = tg_report__jobj(b);
	json_t *props = tg_report__jobj(b);
	char *text;

	tg_report__jset(b, obj, "ruleId", tg_report__jstr(b, tg_rule_name(f->rule)));
	if (rule_index(f->rule) >= 0)
		tg_report__jset(b, obj, "ruleIndex",
		                tg_report__jint(b, rule_index(f->rule)));
	tg_report__jset(b, obj, "level",
	                tg_report__jstr(b, level_name(f->severity)));
	text = tg_report__message_notes(f, "\n");
	if (!text)
		b->failed = true;
	tg_report__jset(b, obj, "message", text_value(b, text));
	free(text);
	tg_report__jappend(b, locations, location_value(b, f));
	tg_report__jset(b, obj, "locations", locations);
	tg_report__jset(b, prints, FINGERPRINT_KEY, tg_report__jstr(b, print));
	/*
	 * GitHub's upload action adds a primaryLocationLineHash made from the
	 * text of the line when a result has none; that one changes whenever
	 * the line is edited. Ours, given under that name, does not.
	 */
	tg_report__jset(b, prints, "primaryLocationLineHash",
	                tg_report__jstr(b, print));
	tg_report__jset(b, obj, "partialFingerprints", prints);
	if (f->section)
		tg_report__jset(b, props, "section", tg_report__jstr(b, f->section));
	if (f->threat)
		tg_report__jset(b, props, "threat", tg_report__jstr(b, f->threat));
	if (f->revision)
		tg_report__jset(b, props, "revision",
		                tg_report__jstr(b, f->revision));
	if (waived)
		tg_report__jset(b, obj, "suppressions",
		                suppressions_value(b, waived));
	if (json_object_size(props) > 0)
		tg_report__jset(b, obj, "properties", props);
	else
		json_decref(props);
	return obj;
}

static json_t *run_value(struct tg_report__json *b, const tg_findings *findings,
                         const tg_report_options *options,
                         tg_fingerprint *active, tg_fingerprint *waived)
{
	json_t *run = tg_report__jobj(b);
	json_t *tool = tg_report__jobj(b);
	json_t *driver = tg_report__jobj(b);
	json_t *rules = tg_report__jarr(b);
	json_t *results = tg_report__jarr(b);
	json_t *invocations = tg_report__jarr(b);
	json_t *invocation = tg_report__jobj(b);
	const tg_rule_info *table;
	size_t count, i;

	table = tg_rules_table(&count);
	tg_report__jset(b, driver, "name", tg_report__jstr(b, "threatgate"));
	tg_report__jset(b, driver, "version", tg_report__jstr(b, tg_version()));
	tg_report__jset(b, driver, "semanticVersion",
	                tg_report__jstr(b, tg_version()));
	for (i = 0; i < count; i++)
		tg_report__jappend(b, rules, rule_value(b, &table[i]));
	tg_report__jset(b, driver, "rules", rules);
	tg_report__jset(b, tool, "driver", driver);
	tg_report__jset(b, run, "tool", tool);

	tg_report__jset(b, invocation, "executionSuccessful", json_true());
	tg_report__jappend(b, invocations, invocation);
	tg_report__jset(b, run, "invocations", invocations);

	if (options->forge_url && *options->forge_url && options->head &&
	    *options->head) {
		json_t *vcs = tg_report__jarr(b);
		json_t *one = tg_report__jobj(b);

		tg_report__jset(b, one, "repositoryUri",
		                tg_report__jstr(b, options->forge_url));
		tg_report__jset(b, one, "revisionId",
		                tg_report__jstr(b, options->head));
		tg_report__jappend(b, vcs, one);
		tg_report__jset(b, run, "versionControlProvenance", vcs);
	}

	for (i = 0; i < tg_findings_count(findings); i++)
		tg_report__jappend(b, results,
		                   result_value(b, tg_findings_get(findings, i),
		                                active[i], NULL));
	/* Waived findings are results too, each with its suppression. */
	for (i = 0; i < tg_findings_suppressed_count(findings); i++) {
		const tg_suppressed *s = tg_findings_suppressed(findings, i);

		tg_report__jappend(b, results,
		                   result_value(b, &s->finding, waived[i], s));
	}
	tg_report__jset(b, run, "results", results);
	tg_report__jset(b, run, "columnKind",
	                tg_report__jstr(b, "unicodeCodePoints"));
	return run;
}

int tg_report__sarif(FILE *out, const tg_findings *findings,
                     const tg_report_options *options)
{
	struct tg_report__json b = { false };
	tg_fingerprint *active = NULL, *waived = NULL;
	json_t *root = NULL, *runs;
	int error;

	error = tg_findings_fingerprints(&active, &waived, findings);
	if (error < 0)
		goto done;
	root = tg_report__jobj(&b);
	tg_report__jset(&b, root, "$schema", tg_report__jstr(&b, SARIF_SCHEMA));
	tg_report__jset(&b, root, "version", tg_report__jstr(&b, "2.1.0"));
	runs = tg_report__jarr(&b);
	tg_report__jappend(&b, runs, run_value(&b, findings, options, active,
	                                       waived));
	tg_report__jset(&b, root, "runs", runs);
	error = tg_report__jwrite(out, &b, root);
done:
	json_decref(root);
	free(waived);
	free(active);
	return error;
}
