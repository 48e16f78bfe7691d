/*
 * The rule driver: the check of each rule by id, the policy's severities,
 * inline suppressions and exceptions applied to what checks report, and
 * the summary of each checked document.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "findings/findings.h"
#include "util/banned.h"

/*
 * The check of each rule, by id; the rules without one are reported
 * outside a document check (no-documents, covered-code-changed). What a
 * rule is called, flags and explains is the catalogue's
 * (findings/catalog.c, docs/rules/).
 */
static const tg_rule_check_fn checks[TG_RULE__COUNT] = {
	[TG_RULE_MISSING_SECTION] = tg_check_missing_section,
	[TG_RULE_EMPTY_SECTION] = tg_check_empty_section,
	[TG_RULE_NO_THREATS] = tg_check_no_threats,
	[TG_RULE_THREAT_MISSING_PRIORITY] = tg_check_threat_missing_priority,
	[TG_RULE_THREAT_MISSING_CATEGORY] = tg_check_threat_missing_category,
	[TG_RULE_THREAT_MISSING_MITIGATION] = tg_check_threat_missing_mitigation,
	[TG_RULE_RISK_ACCEPTANCE_APPROVAL] = tg_check_risk_acceptance_approval,
	[TG_RULE_STRIDE_COVERAGE] = tg_check_stride_coverage,
	[TG_RULE_SIGNOFF_REQUIRED] = tg_check_signoff_required,
	[TG_RULE_SIGNOFF_UNAUTHORIZED] = tg_check_signoff_unauthorized,
	[TG_RULE_STALE_THREAT_MODEL] = tg_check_stale_threat_model,
	[TG_RULE_MISSING_DRI] = tg_check_missing_dri,
	[TG_RULE_TOO_FEW_PARTICIPANTS] = tg_check_too_few_participants,
	[TG_RULE_INVALID_METADATA] = tg_check_invalid_metadata,
	[TG_RULE_REVIEWED_DATE_NOT_UPDATED] = tg_check_reviewed_date_not_updated,
};

static tg_severity effective_severity(const tg_policy *policy, tg_rule_id rule,
                                      tg_severity chosen)
{
	if (policy->severity_set[rule])
		return policy->severity[rule];
	return chosen;
}

static bool suppressed(const struct tg_model *model, tg_rule_id rule, int line)
{
	const char *name = tg_rule_name(rule);
	size_t i;

	if (!model)
		return false;
	for (i = 0; i < model->suppressions.length; i++) {
		const struct tg_suppression *s = model->suppressions.items[i];

		if ((!s->rule || strcmp(s->rule, name) == 0) &&
		    line >= s->first_line && line <= s->last_line)
			return true;
	}
	return false;
}

static int report(struct tg_rule_ctx *ctx, tg_severity severity, int line,
                  int column, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static int report(struct tg_rule_ctx *ctx, tg_severity severity, int line,
                  int column, const char *fmt, va_list ap)
{
	const struct tg_document *doc = ctx->model->doc;
	tg_finding f;
	char *message = NULL;
	int error;

	severity = effective_severity(ctx->policy, ctx->rule, severity);
	if (severity == TG_SEVERITY_OFF || suppressed(ctx->model, ctx->rule, line) ||
	    tg_policy__excepted(ctx->policy, ctx->rule,
	                        tg_document_policy_path(doc)))
		return 0;
	if (vasprintf(&message, fmt, ap) < 0)
		return tg_error_oom();
	memset(&f, 0, sizeof(f));
	f.rule = ctx->rule;
	f.severity = severity;
	f.path = doc->path;
	f.revision = doc->revision;
	f.line = line > 0 ? line : 1;
	f.column = column;
	f.message = message;
	f.section = (char *)ctx->section;
	f.threat = (char *)ctx->threat;
	error = tg_findings_add(ctx->findings, &f);
	free(message);
	if (error == 0)
		ctx->counts[severity]++;
	return error;
}

int tg_rule_report(struct tg_rule_ctx *ctx, int line, int column,
                   const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = report(ctx, tg_rules__default_severity(ctx->rule), line,
	               column, fmt, ap);
	va_end(ap);
	return error;
}

int tg_rule_report_severity(struct tg_rule_ctx *ctx, tg_severity severity,
                            int line, int column, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = report(ctx, severity, line, column, fmt, ap);
	va_end(ap);
	return error;
}

int tg_rules_add_finding(tg_findings *findings, const tg_policy *policy,
                         tg_rule_id rule, const char *path,
                         const char *revision, int line, int column,
                         const char *message)
{
	tg_finding f;
	tg_severity severity = effective_severity(policy, rule,
		tg_rules__default_severity(rule));

	if (severity == TG_SEVERITY_OFF ||
	    (path && tg_policy__excepted(policy, rule, path)))
		return 0;
	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.severity = severity;
	f.path = (char *)(path ? path : ".");
	f.revision = (char *)revision;
	f.line = line > 0 ? line : 1;
	f.column = column;
	f.message = (char *)message;
	return tg_findings_add(findings, &f);
}

const char *tg_rules__threat_label(const struct tg_threat *t, char *buf,
                                   size_t size)
{
	if (t->id) {
		snprintf(buf, size, "%s", t->id);
	} else if (t->title) {
		size_t len = strlen(t->title);

		if (len > 40)
			snprintf(buf, size, "'%.37s...'", t->title);
		else
			snprintf(buf, size, "'%s'", t->title);
	} else {
		snprintf(buf, size, "at line %d", t->line);
	}
	return buf;
}

char *tg_rules__section_path(const struct tg_section *section)
{
	tg_buf buf = TG_BUF_INIT;
	const struct tg_section *chain[16];
	int n = 0;

	for (; section && n < 16; section = section->parent)
		chain[n++] = section;
	while (n-- > 0) {
		tg_buf_puts(&buf, chain[n]->title);
		if (n)
			tg_buf_putc(&buf, '/');
	}
	return tg_buf_detach(&buf);
}

int tg_rules_check(tg_findings *findings, const tg_model *model,
                   const tg_policy *policy, const tg_check_context *context)
{
	static const tg_check_context none;
	struct tg_rule_ctx ctx;
	tg_doc_summary *summary = NULL;
	size_t i;
	int error = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.model = model;
	ctx.policy = policy;
	ctx.git = context ? context : &none;
	ctx.findings = findings;

	/*
	 * Triggers matter only while they can change a finding: with a valid
	 * sign-off inside a Sign-off section, whether one was required no
	 * longer does.
	 */
	if (model->doc->readable && !model->triggers_done &&
	    tg_policy_signoff_mode(policy,
	                           tg_document_policy_path(model->doc)) ==
	    TG_SIGNOFF_TRIGGERED &&
	    (!model->signoff || !tg_rules__signoff_present(model))) {
		error = tg_model__triggers((struct tg_model *)model);
		if (error < 0)
			return error;
	}
	if (!model->doc->readable) {
		ctx.rule = TG_RULE_UNREADABLE_DOCUMENT;
		error = tg_rule_report(&ctx, model->doc->unreadable_line, 0, "%s",
		                       model->doc->unreadable_reason);
	}
	for (i = 0; model->doc->readable && i < TG_RULE__COUNT && error == 0; i++) {
		if (!checks[i])
			continue;
		ctx.rule = (tg_rule_id)i;
		ctx.section = NULL;
		ctx.threat = NULL;
		error = checks[i](&ctx, model);
	}
	if (error == 0)
		error = tg_findings__summarize(&summary, model, policy,
			ctx.counts, tg_rules__signoff_required(model, NULL),
			tg_rules__signoff_present(model));
	if (error == 0)
		error = tg_findings_add_document(findings, summary);
	return error;
}

int tg_check_document(tg_findings *findings, const tg_document *doc,
                      const tg_policy *policy, const tg_check_context *context)
{
	tg_model *model = NULL;
	int error;

	error = tg_model__build(&model, doc, policy,
	                        context && context->lazy_triggers);
	if (error == 0)
		error = tg_rules_check(findings, model, policy, context);
	tg_model_free(model);
	return error;
}
