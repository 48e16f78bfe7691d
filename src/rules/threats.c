/*
 * Rules on threats: no-threats, a threat without priority, category or
 * mitigation, risk acceptance approvers, STRIDE coverage.
 */
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "util/banned.h"

/* Section path and threat id of the findings about one threat. */
struct about {
	char *section;
	char label[64];
};

static int about_threat(struct tg_rule_ctx *ctx, struct about *a,
                        const struct tg_model *model,
                        const struct tg_threat *t)
{
	if (!a->section && model->threat_model) {
		a->section = tg_rules__section_path(model->threat_model);
		if (!a->section)
			return tg_error_oom();
	}
	ctx->section = a->section;
	tg_rules__threat_label(t, a->label, sizeof(a->label));
	ctx->threat = t->id ? t->id : t->title;
	return 0;
}

static void done_about(struct tg_rule_ctx *ctx, struct about *a)
{
	ctx->section = NULL;
	ctx->threat = NULL;
	free(a->section);
	a->section = NULL;
}

static int empty_threat_model(const struct tg_model *model)
{
	return !model->threat_model || !model->threat_model->has_content;
}

int tg_check_no_threats(struct tg_rule_ctx *ctx, const struct tg_model *model)
{
	const struct tg_section *tm = model->threat_model;

	/* missing-section and empty-section already say it; and where
	 * threats were seen but not read, unreadable-threats says so */
	if (empty_threat_model(model) || model->threats.length > 0 ||
	    model->unreadable.length > 0)
		return 0;
	return tg_rule_report(ctx, tm->line, tm->column,
		"section '%s' lists no threat\nadd a table | ID | Threat | STRIDE | "
		"Priority | Mitigation | Status | with one row per threat, or one "
		"bullet per threat with 'Priority:' and 'Mitigation:' fields",
		tm->title);
}

/* The source line, shortened, for quoting in a message. */
static void quote_line(const struct tg_document *doc, int line, char *out,
                       size_t size)
{
	const char *p = doc->data, *end;
	int l = 1;
	size_t n;

	while (*p && l < line) {
		if (*p++ == '\n')
			l++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strcspn(p, "\r\n");
	n = (size_t)(end - p);
	if (n >= size - 4) {
		n = size - 4;
		while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n--;	/* not inside a UTF-8 sequence */
		memcpy(out, p, n);
		memcpy(out + n, "...", 4);
		return;
	}
	memcpy(out, p, n);
	out[n] = '\0';
}

/*
 * Threat-like content that the model could not read field by field:
 * said as such, quoting the line, rather than "lists no threat".
 */
int tg_check_unreadable_threats(struct tg_rule_ctx *ctx,
                                const struct tg_model *model)
{
	char quote[96];
	size_t i;
	int error = 0;

	if (model->threats.length > 0)
		return 0;
	for (i = 0; i < model->unreadable.length && error == 0; i++) {
		const struct tg_unreadable *u = model->unreadable.items[i];

		quote_line(model->doc, u->line, quote, sizeof(quote));
		error = tg_rule_report(ctx, u->line, 0, "%s\nit reads: '%s'\nwrite one threat "
			"per row under a Threat column, or one bullet per threat",
			u->message, quote);
	}
	return error;
}

int tg_check_threat_missing_priority(struct tg_rule_ctx *ctx,
                                     const struct tg_model *model)
{
	struct about a = { NULL, "" };
	size_t i;
	int error = 0;

	for (i = 0; i < model->threats.length && error == 0; i++) {
		const struct tg_threat *t = model->threats.items[i];

		if (t->priority)
			continue;
		error = about_threat(ctx, &a, model, t);
		if (error < 0)
			break;
		if (t->priority_text)
			error = tg_rule_report(ctx, t->line, t->column,
				"threat %s has priority '%s', which is not on the scale\n"
				"use P1 (critical), P2 (high), P3 (medium), P4 (low) or "
				"P5 (informational)", a.label, t->priority_text);
		else
			error = tg_rule_report(ctx, t->line, t->column,
				"threat %s has no priority\nadd one of P1 (critical) to "
				"P5 (informational)", a.label);
	}
	done_about(ctx, &a);
	return error;
}

static char *framework_names(const tg_policy *policy)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i;

	for (i = 0; i < policy->categories_count; i++)
		tg_buf_printf(&buf, "%s%s", i ? ", " : "",
		              policy->categories[i].name);
	return tg_buf_detach(&buf);
}

int tg_check_threat_missing_category(struct tg_rule_ctx *ctx,
                                     const struct tg_model *model)
{
	struct about a = { NULL, "" };
	char *names = NULL;
	size_t i;
	int error = 0;

	for (i = 0; i < model->threats.length && error == 0; i++) {
		const struct tg_threat *t = model->threats.items[i];

		if (t->categories && !t->bad_category)
			continue;
		if (!names)
			names = framework_names(ctx->policy);
		if (!names) {
			error = tg_error_oom();
			break;
		}
		error = about_threat(ctx, &a, model, t);
		if (error < 0)
			break;
		if (t->bad_category)
			error = tg_rule_report(ctx, t->line, t->column,
				"threat %s has category '%s', which is not a STRIDE "
				"category\nuse one of %s",
				a.label, t->bad_category, names);
		else
			error = tg_rule_report(ctx, t->line, t->column,
				"threat %s has no category\nadd one of %s", a.label,
				names);
	}
	done_about(ctx, &a);
	free(names);
	return error;
}

static bool settled(const struct tg_threat *t)
{
	return t->status == TG_STATUS_ACCEPTED ||
	       t->status == TG_STATUS_TRANSFERRED ||
	       t->status == TG_STATUS_NOT_APPLICABLE;
}

int tg_check_threat_missing_mitigation(struct tg_rule_ctx *ctx,
                                       const struct tg_model *model)
{
	struct about a = { NULL, "" };
	tg_severity severity;
	size_t i;
	int error = 0;

	for (i = 0; i < model->threats.length && error == 0; i++) {
		const struct tg_threat *t = model->threats.items[i];

		if (t->mitigation || settled(t) || t->priority == 0 ||
		    t->priority > 3)
			continue;
		severity = t->priority <= 2 ? TG_SEVERITY_ERROR : TG_SEVERITY_WARNING;
		error = about_threat(ctx, &a, model, t);
		if (error < 0)
			break;
		error = tg_rule_report_severity(ctx, severity, t->line, t->column,
			"threat %s (P%d) has no mitigation\nsay how it is mitigated, "
			"or set its status to accepted and name an approver",
			a.label, t->priority);
	}
	done_about(ctx, &a);
	return error;
}

/* The approver of an accepted threat: its field, or "accepted by X". */
static const char *approver_of(const struct tg_threat *t)
{
	const char *by;

	if (t->approver)
		return t->approver;
	if (t->status_text && (by = strstr(t->status_text, "by ")) != NULL &&
	    by[3])
		return by + 3;
	return NULL;
}

int tg_check_risk_acceptance_approval(struct tg_rule_ctx *ctx,
                                      const struct tg_model *model)
{
	const tg_policy *policy = ctx->policy;
	struct about a = { NULL, "" };
	const char *approver, *role;
	size_t i;
	int error = 0, need, have;

	for (i = 0; i < model->threats.length && error == 0; i++) {
		const struct tg_threat *t = model->threats.items[i];

		if (t->status != TG_STATUS_ACCEPTED)
			continue;
		error = about_threat(ctx, &a, model, t);
		if (error < 0)
			break;
		role = t->priority ? policy->accept[t->priority - 1] : NULL;
		approver = approver_of(t);
		if (!approver) {
			if (role)
				error = tg_rule_report(ctx, t->line, t->column,
					"threat %s is accepted without an approver\nname who "
					"accepted the risk in an Approver column or field (a "
					"P%d acceptance needs role '%s')",
					a.label, t->priority, role);
			else
				error = tg_rule_report(ctx, t->line, t->column,
					"threat %s is accepted without an approver\nname who "
					"accepted the risk in an Approver column or field",
					a.label);
			continue;
		}
		if (!role || !tg_policy__roles_configured(policy))
			continue;
		need = tg_policy__role_rank(policy, role);
		have = tg_policy__person_rank(policy, approver);
		if (have < need)
			error = tg_rule_report(ctx, t->line, t->column,
				"threat %s (P%d) was accepted by '%s', who does not hold "
				"role '%s' (role.%s.member)\na P%d acceptance needs a "
				"member of that role, or mitigate the threat instead",
				a.label, t->priority, approver, role, role,
				t->priority);
	}
	done_about(ctx, &a);
	return error;
}

int tg_check_stride_coverage(struct tg_rule_ctx *ctx,
                             const struct tg_model *model)
{
	const tg_policy *policy = ctx->policy;
	const struct tg_section *tm = model->threat_model;
	tg_buf missing = TG_BUF_INIT;
	unsigned covered = 0;
	size_t i, n = 0;
	const char *first = NULL;
	char *path;
	int error;

	if (!tm || model->threats.length == 0)
		return 0;
	for (i = 0; i < model->threats.length; i++)
		covered |= ((const struct tg_threat *)model->threats.items[i])->categories;
	for (i = 0; i < model->not_applicable.length; i++)
		covered |= ((const struct tg_not_applicable *)
		            model->not_applicable.items[i])->categories;
	for (i = 0; i < policy->categories_count; i++) {
		if (covered & (1u << i))
			continue;
		tg_buf_printf(&missing, "%s%s", n ? ", " : "",
		              policy->categories[i].name);
		if (!first)
			first = policy->categories[i].name;
		n++;
	}
	if (n == 0)
		return 0;
	path = tg_rules__section_path(tm);
	if (!path || missing.failed) {
		free(path);
		tg_buf_release(&missing);
		return tg_error_oom();
	}
	ctx->section = path;
	/* Four or more: the headline counts them, a note names them. */
	if (n > 3)
		error = tg_rule_report(ctx, tm->line, tm->column,
			"no threat covers %zu of the %zu threat categories\nnot "
			"covered: %s\nadd a threat for each, or declare them not "
			"applicable with a line such as '%s: not applicable - why'",
			n, policy->categories_count, tg_buf_cstr(&missing), first);
	else
		error = tg_rule_report(ctx, tm->line, tm->column,
			"no threat covers %s\nadd a threat for %s, or declare %s not "
			"applicable with a line such as '%s: not applicable - why'",
			tg_buf_cstr(&missing), n > 1 ? "each" : "it",
			n > 1 ? "them" : "it", first);
	ctx->section = NULL;
	free(path);
	tg_buf_release(&missing);
	return error;
}
