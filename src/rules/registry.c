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
	[TG_RULE_SIGNOFF_STALE] = tg_check_signoff_stale,
	[TG_RULE_STALE_THREAT_MODEL] = tg_check_stale_threat_model,
	[TG_RULE_MISSING_DRI] = tg_check_missing_dri,
	[TG_RULE_TOO_FEW_PARTICIPANTS] = tg_check_too_few_participants,
	[TG_RULE_INVALID_METADATA] = tg_check_invalid_metadata,
	[TG_RULE_REVIEWED_DATE_NOT_UPDATED] = tg_check_reviewed_date_not_updated,
	[TG_RULE_UNDECLARED_CONCERN] = tg_check_undeclared_concern,
	[TG_RULE_UNKNOWN_RULE] = tg_check_unknown_rule,
	[TG_RULE_UNREADABLE_THREATS] = tg_check_unreadable_threats,
};

static tg_severity effective_severity(const tg_policy *policy, tg_rule_id rule,
                                      tg_severity chosen)
{
	return tg_policy__severity(policy, rule, chosen);
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

/*
 * A message's headline is its first line; each further line is a note at
 * the finding's own place (the clause that explains it, the advice),
 * before the notes the check queued (evidence elsewhere). Cuts `message`
 * at its line breaks; *out (caller frees) points into it. 0 or TG_ENOMEM.
 */
static int split_message(tg_finding *f, char *message,
                         tg_finding_note **out)
{
	tg_finding_note *notes;
	size_t n = 0, i = 0;
	char *p;

	*out = NULL;
	for (p = strchr(message, '\n'); p; p = strchr(p + 1, '\n'))
		n++;
	if (n == 0)
		return 0;
	notes = calloc(n + f->notes_count, sizeof(*notes));
	if (!notes)
		return tg_error_oom();
	for (p = strchr(message, '\n'); p; p = strchr(p, '\n')) {
		*p++ = '\0';
		notes[i].line = f->line;
		notes[i].column = f->column;
		notes[i++].message = p;
	}
	if (f->notes_count)
		memcpy(notes + n, f->notes, f->notes_count * sizeof(*notes));
	f->notes = notes;
	f->notes_count += n;
	*out = notes;
	return 0;
}

/*
 * Add a finding, or record it as waived: by an inline comment (`inline`
 * true), or by a live exception. A finding an expired exception used to
 * cover says so, so that nobody wonders why it came back.
 */
static int add_or_waive(tg_findings *findings, const tg_policy *policy,
                        tg_finding *f, const char *policy_path, bool inline_)
{
	const struct tg_exception *exc = NULL, *expired = NULL;
	tg_finding_note *notes = NULL;
	tg_suppressed waiver;
	char *message = NULL;
	int error;

	if (inline_)
		return tg_findings_add_suppressed(findings, f,
		                                  TG_SUPPRESS_INLINE, NULL);
	if (policy_path)
		exc = tg_policy__exception_for(policy, f->rule, policy_path,
		                               &expired);
	if (exc) {
		memset(&waiver, 0, sizeof(waiver));
		waiver.exception = exc->id;
		waiver.justification = exc->justification;
		waiver.expires = exc->expires;
		waiver.expiring = tg_policy__exception_expiring(policy, exc);
		return tg_findings_add_suppressed(findings, f,
			TG_SUPPRESS_EXCEPTION, &waiver);
	}
	if (!expired)
		return tg_findings_add(findings, f);
	/* One more note, at the exception in the exceptions file. */
	notes = calloc(f->notes_count + 1, sizeof(*notes));
	message = tg_printf("exception '%s' covered this until it expired on "
	                    "%s: renew it there or fix the finding", expired->id,
	                    expired->expires);
	if (!notes || !message) {
		free(notes);
		free(message);
		return tg_error_oom();
	}
	if (f->notes_count)
		memcpy(notes, f->notes, f->notes_count * sizeof(*notes));
	notes[f->notes_count].path = policy->exceptions_path;
	notes[f->notes_count].line = expired->line;
	notes[f->notes_count].message = message;
	f->notes = notes;
	f->notes_count++;
	error = tg_findings_add(findings, f);
	free(message);
	free(notes);
	return error;
}

static void notes_clear(struct tg_rule_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->notes_count; i++)
		free(ctx->notes[i].message);
	free(ctx->notes);
	ctx->notes = NULL;
	ctx->notes_count = ctx->notes_alloc = 0;
}

int tg_rule_note(struct tg_rule_ctx *ctx, int line, int column,
                 const char *fmt, ...)
{
	tg_finding_note *note;
	va_list ap;
	char *message = NULL;
	int n;

	if (tg_array__grow((void **)&ctx->notes, &ctx->notes_alloc,
	                   sizeof(*ctx->notes), ctx->notes_count + 1) < 0)
		return tg_error_oom();
	va_start(ap, fmt);
	n = vasprintf(&message, fmt, ap);
	va_end(ap);
	if (n < 0)
		return tg_error_oom();
	note = &ctx->notes[ctx->notes_count++];
	memset(note, 0, sizeof(*note));
	note->line = line;
	note->column = column;
	note->message = message;
	return 0;
}

static int report(struct tg_rule_ctx *ctx, tg_severity severity, int line,
                  int column, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static int report(struct tg_rule_ctx *ctx, tg_severity severity, int line,
                  int column, const char *fmt, va_list ap)
{
	const struct tg_document *doc = ctx->model->doc;
	const char *policy_path = tg_document_policy_path(doc);
	tg_finding f;
	tg_finding_note *split = NULL;
	char *message = NULL;
	bool inline_;
	size_t before;
	int error;

	severity = effective_severity(ctx->policy, ctx->rule, severity);
	/* The Sign-off section waits for the review, as signoff-required. */
	if (ctx->signoff_part && severity > TG_SEVERITY_WARNING &&
	    tg_policy__stage_local(ctx->policy) &&
	    !ctx->policy->stage_severity_set[ctx->policy->stage][ctx->rule])
		severity = TG_SEVERITY_WARNING;
	/* A draft never blocks a commit or a push of its author. */
	if (severity == TG_SEVERITY_ERROR &&
	    doc->fm.design_status == TG_DESIGN_DRAFT &&
	    tg_policy__drafts_soft(ctx->policy))
		severity = TG_SEVERITY_WARNING;
	if (severity == TG_SEVERITY_OFF) {
		notes_clear(ctx);
		return 0;
	}
	inline_ = suppressed(ctx->model, ctx->rule, line);
	if (vasprintf(&message, fmt, ap) < 0) {
		notes_clear(ctx);
		return tg_error_oom();
	}
	memset(&f, 0, sizeof(f));
	f.rule = ctx->rule;
	f.severity = severity;
	f.path = doc->path;
	f.repo_path = (char *)policy_path;
	f.revision = doc->revision;
	f.line = line > 0 ? line : 1;
	f.column = column;
	f.message = message;
	f.section = (char *)ctx->section;
	f.threat = (char *)ctx->threat;
	f.notes = ctx->notes;
	f.notes_count = ctx->notes_count;
	before = tg_findings_count(ctx->findings);
	error = split_message(&f, message, &split);
	if (error == 0)
		error = add_or_waive(ctx->findings, ctx->policy, &f, policy_path,
		                     inline_);
	free(split);
	free(message);
	notes_clear(ctx);
	if (error == 0 && tg_findings_count(ctx->findings) > before)
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
	return tg_rules_add_finding_notes(findings, policy, rule, path,
	                                  revision, line, column, message,
	                                  NULL, 0);
}

tg_severity tg_rules_severity(const tg_policy *policy, tg_rule_id rule)
{
	return effective_severity(policy, rule, tg_rules__default_severity(rule));
}

int tg_rules_add_finding_notes(tg_findings *findings, const tg_policy *policy,
                               tg_rule_id rule, const char *path,
                               const char *revision, int line, int column,
                               const char *message,
                               const tg_finding_note *notes, size_t count)
{
	tg_finding f;
	tg_finding_note *split = NULL;
	tg_severity severity = effective_severity(policy, rule,
		tg_rules__default_severity(rule));
	char *copy;
	int error;

	if (severity == TG_SEVERITY_OFF)
		return 0;
	copy = tg_strdup(message ? message : "");
	if (!copy)
		return tg_error_oom();
	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.severity = severity;
	f.path = (char *)(path ? path : ".");
	f.revision = (char *)revision;
	f.line = line > 0 ? line : 1;
	f.column = column;
	f.message = copy;
	f.notes = (tg_finding_note *)notes;
	f.notes_count = notes ? count : 0;
	error = split_message(&f, copy, &split);
	if (error == 0)
		error = add_or_waive(findings, policy, &f, path, false);
	free(split);
	free(copy);
	return error;
}

int tg_rules_apply_baseline(tg_findings *findings, const tg_policy *policy)
{
	if (!policy || policy->baseline_count == 0 || policy->baseline_ignored) {
		tg_findings_sort(findings);
		return 0;
	}
	return tg_findings_apply_baseline(findings, tg_policy__baselined,
	                                  (void *)policy);
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

	/*
	 * The document's title (a level-1 heading above the section) is not
	 * part of the path: retitling a design must not change the
	 * fingerprints of its findings (SARIF alerts, the baseline).
	 */
	for (; section && n < 16; section = section->parent)
		if (n == 0 || section->level > 1)
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
	const char *who = NULL, *via = NULL;
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
	    (!model->signoff || !tg_rules__signoff_present(&ctx, model) ||
	     model->doc->fm.handles_given)) {
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
		ctx.signoff_part = false;
		error = checks[i](&ctx, model);
		notes_clear(&ctx);	/* queued but never reported */
	}
	if (error == 0)
		error = tg_rules__signoff_by(&ctx, model, &who, &via);
	if (error == 0)
		error = tg_findings__summarize(&summary, model, policy,
			ctx.counts, tg_rules__signoff_required(model, NULL),
			who, via);
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
