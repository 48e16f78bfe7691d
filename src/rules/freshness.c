/*
 * Rules on the document's metadata and age: stale-threat-model,
 * missing-dri, too-few-participants, invalid-metadata and
 * reviewed-date-not-updated (against the document before the change).
 */
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "util/banned.h"

int tg_check_stale_threat_model(struct tg_rule_ctx *ctx,
                                const struct tg_model *model)
{
	const struct tg_frontmatter *fm = &model->doc->fm;
	const tg_policy *policy = ctx->policy;
	long age;

	/* A superseded or withdrawn design describes no system to drift from. */
	if (tg_design_retired(fm->design_status))
		return 0;
	if (fm->reviewed_days < 0) {
		if (!policy->require_reviewed_date || fm->reviewed || fm->broken)
			return 0;	/* an invalid date is invalid-metadata */
		return tg_rule_report(ctx, fm->present ? fm->first_line : 1, 0,
			"no threat-model-reviewed date\nadd 'threat-model-reviewed: "
			"YYYY-MM-DD' to the front matter after the team reviews the "
			"threat model (threatgate.requireReviewedDate)");
	}
	age = tg_date_today() - fm->reviewed_days;
	if (age <= policy->max_age)
		return 0;
	return tg_rule_report(ctx, fm->reviewed_line, 0,
		"threat model last reviewed %s, %ld days ago (limit %ld, "
		"threatgate.maxAge)\nreview it with the team and update "
		"threat-model-reviewed", fm->reviewed, age, policy->max_age);
}

int tg_check_missing_dri(struct tg_rule_ctx *ctx, const struct tg_model *model)
{
	const struct tg_frontmatter *fm = &model->doc->fm;

	if ((fm->dri && *fm->dri) || fm->broken)
		return 0;	/* a broken front matter is invalid-metadata */
	/* an empty 'dri:' field is where the name goes */
	return tg_rule_report(ctx, fm->dri_line > 0 ? fm->dri_line : 1, 0,
		"no directly responsible individual\nadd 'dri: Name <email>' to the "
		"front matter%s", fm->present ? "" : " (a '---' block at the top)");
}

int tg_check_too_few_participants(struct tg_rule_ctx *ctx,
                                  const struct tg_model *model)
{
	const struct tg_frontmatter *fm = &model->doc->fm;
	long min = ctx->policy->min_participants;
	long n = (long)fm->participants.length;

	if (n >= min || fm->broken)
		return 0;
	return tg_rule_report(ctx, fm->participants_line ? fm->participants_line : 1,
		0, "%ld participant%s listed, fewer than %ld "
		"(threatgate.minParticipants)\nthreat modeling is a team sport; "
		"list everyone who took part under 'participants:'",
		n, n == 1 ? "" : "s", min);
}

/* Whether a `handles` value names a concern: built in, or a trigger's. */
static bool known_concern(const tg_policy *policy, const char *value)
{
	static const char *const builtin[] = {
		"authentication", "authorization", "pii", "phi", "internet",
		"cryptography", "payments"
	};
	size_t i;

	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (strcmp(value, builtin[i]) == 0)
			return true;
	for (i = 0; i < policy->triggers.length; i++) {
		const struct tg_trigger *t = policy->triggers.items[i];

		if (strcmp(value, t->name) == 0 ||
		    strcmp(value, tg_model__concern(t->name)) == 0)
			return true;
	}
	return false;
}

int tg_check_invalid_metadata(struct tg_rule_ctx *ctx,
                              const struct tg_model *model)
{
	const struct tg_frontmatter *fm = &model->doc->fm;
	size_t i;
	int error = 0;

	for (i = 0; i < fm->problems.length && error == 0; i++) {
		const struct tg_doc_problem *p = fm->problems.items[i];

		error = tg_rule_report(ctx, p->line, p->column, "%s", p->message);
	}
	for (i = 0; i < fm->handles.length && error == 0; i++) {
		const char *value = fm->handles.items[i];

		if (!known_concern(ctx->policy, value))
			error = tg_rule_report(ctx, fm->handles_line, 1,
				"front matter field 'handles' lists '%s', which is not a "
				"concern\nuse authentication, authorization, pii, phi, "
				"internet, cryptography or payments (or a policy "
				"trigger's name), or [] for none", value);
	}
	return error;
}

/* The bytes of a section, heading to end line. */
static const char *section_bytes(const struct tg_model *model,
                                 const struct tg_section *s, size_t *len)
{
	const struct tg_document *doc = model->doc;
	const char *p = doc->data, *end = doc->data + doc->len, *start = NULL;
	int line = 1;

	while (p < end) {
		if (line == s->line)
			start = p;
		if (line == s->end_line + 1)
			break;
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p) {
			p = end;
			break;
		}
		p++;
		line++;
	}
	if (!start) {
		*len = 0;
		return "";
	}
	*len = (size_t)(p - start);
	return start;
}

int tg_check_reviewed_date_not_updated(struct tg_rule_ctx *ctx,
                                       const struct tg_model *model)
{
	const struct tg_model *base = ctx->git->base;
	const struct tg_frontmatter *fm = &model->doc->fm, *old;
	const char *a, *b;
	size_t alen, blen;

	if (!base || !model->threat_model || !base->threat_model)
		return 0;
	old = &base->doc->fm;
	if ((fm->reviewed == NULL) != (old->reviewed == NULL) ||
	    (fm->reviewed && strcmp(fm->reviewed, old->reviewed) != 0))
		return 0;
	a = section_bytes(model, model->threat_model, &alen);
	b = section_bytes(base, base->threat_model, &blen);
	if (alen == blen && memcmp(a, b, alen) == 0)
		return 0;
	if (fm->reviewed)
		return tg_rule_report(ctx, fm->reviewed_line, 0,
			"the threat model changed but threat-model-reviewed is still "
			"%s\nset it to the date the team reviewed this change",
			fm->reviewed);
	return tg_rule_report(ctx, model->threat_model->line, 0,
		"the threat model changed and the front matter has no "
		"threat-model-reviewed date\nadd 'threat-model-reviewed: "
		"YYYY-MM-DD' once the team has reviewed it");
}
