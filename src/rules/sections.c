/*
 * Rules on sections: missing-section and empty-section.
 */
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "util/banned.h"

static const char *display(const struct tg_section_rule *rule)
{
	if (!rule)
		return "its parent";	/* finalize rejects unknown parents */
	return rule->display ? rule->display : rule->name;
}

/* What to write, per section: the fix in one line. */
static const char *hint(const struct tg_section_rule *rule)
{
	if (strcmp(rule->name, "threat-model") == 0)
		return "with a threat table: | ID | Threat | STRIDE | Priority | "
		       "Mitigation | Status |";
	if (strcmp(rule->name, "signoff") == 0)
		return "with '- [x] Security review: @reviewer (YYYY-MM-DD)' "
		       "once a security reviewer has approved";
	if (strcmp(rule->name, "security") == 0)
		return "with a description of the assets, trust boundaries and a "
		       "'### Threat Model'";
	return "and fill it in";
}

static bool needed(const struct tg_model *model,
                   const struct tg_section_rule *rule)
{
	switch (rule->need) {
	case TG_NEED_ALWAYS:
		return true;
	case TG_NEED_SIGNOFF:
		return tg_rules__signoff_required(model, NULL);
	default:
		return false;
	}
}

static void hashes(char *out, int level)
{
	int i;

	if (level < 1)
		level = 1;
	if (level > 6)
		level = 6;
	for (i = 0; i < level; i++)
		out[i] = '#';
	out[level] = '\0';
}

int tg_check_missing_section(struct tg_rule_ctx *ctx,
                             const struct tg_model *model)
{
	const tg_policy *policy = ctx->policy;
	const struct tg_section *s, *parent;
	const struct tg_section_rule *prule;
	char h[8];
	size_t i;
	int error = 0;

	for (i = 0; i < policy->sections.length && error == 0; i++) {
		const struct tg_section_rule *rule = policy->sections.items[i];

		if (!needed(model, rule))
			continue;
		/* The Sign-off section is the reviewer's to fill in. */
		ctx->signoff_part = strcmp(rule->name, "signoff") == 0;
		s = tg_model__section(model, rule->name);
		/* threats straight under Security: it is the threat model */
		if (strcmp(rule->name, "threat-model") == 0 && model->threat_model)
			s = model->threat_model;
		prule = rule->parent ? tg_policy__section(policy, rule->parent) : NULL;
		parent = prule ? tg_model__section(model, prule->name) : NULL;
		if (s && s->misplaced) {
			error = tg_rule_report(ctx, s->line, s->column,
				"section '%s' is not inside '%s'\nmove it under the "
				"'%s' heading", s->title, display(prule), display(prule));
			continue;
		}
		if (s)
			continue;
		if (prule && !parent)
			continue;	/* the parent's own finding says it */
		hashes(h, parent ? parent->level + 1 : 2);
		if (parent)
			error = tg_rule_report(ctx, parent->line, parent->column,
				"missing section '%s' inside '%s'\nadd '%s %s' %s",
				display(rule), parent->title, h, display(rule),
				hint(rule));
		else
			error = tg_rule_report(ctx, 1, 0,
				"missing section '%s'\nadd '%s %s' %s", display(rule), h,
				display(rule), hint(rule));
	}
	return error;
}

int tg_check_empty_section(struct tg_rule_ctx *ctx, const struct tg_model *model)
{
	const tg_policy *policy = ctx->policy;
	const struct tg_section *s;
	char *path;
	size_t i;
	int error = 0;

	for (i = 0; i < policy->sections.length && error == 0; i++) {
		const struct tg_section_rule *rule = policy->sections.items[i];

		if (!needed(model, rule))
			continue;
		/* The Sign-off section is the reviewer's to fill in. */
		ctx->signoff_part = strcmp(rule->name, "signoff") == 0;
		s = tg_model__section(model, rule->name);
		if (!s || s->has_content)
			continue;
		path = tg_rules__section_path(s);
		if (!path) {
			error = tg_error_oom();
			break;
		}
		ctx->section = path;
		if (s->has_placeholder)
			error = tg_rule_report(ctx, s->placeholder_line, 0,
				"section '%s' still holds the template's {{placeholder}} "
				"text\nreplace it %s", s->title, hint(rule));
		else if (s->only_filler)
			error = tg_rule_report(ctx, s->line, s->column,
				"section '%s' says only TBD/N/A/TODO\nwrite it %s",
				s->title, hint(rule));
		else
			error = tg_rule_report(ctx, s->line, s->column,
				"section '%s' is empty\nwrite it %s", s->title,
				hint(rule));
		ctx->section = NULL;
		free(path);
	}
	return error;
}
