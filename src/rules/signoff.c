/*
 * Rules on sign-offs: whether one is required (triggers, severe threats,
 * the policy) and present; signoff-required and signoff-unauthorized.
 */
#include <stdlib.h>
#include <string.h>
#include "rules.h"
#include "util/banned.h"

/* "Bob Stone" of a git-style "Bob Stone <bob@example.com>", or NULL. */
static char *display_name(const char *entry)
{
	const char *lt = entry ? strchr(entry, '<') : NULL;
	char *name;

	if (!lt || lt == entry)
		return NULL;
	name = tg_strndup(entry, (size_t)(lt - entry));
	if (name && !*tg_trim(name)) {
		free(name);
		name = NULL;
	}
	return name;
}

/*
 * A reviewer entry may give several names for one person:
 * "@alice <alice@example.com>", "Bob Stone <bob@example.com>". The
 * configured reviewer a text names, or NULL.
 */
static const char *named_reviewer(const tg_policy *policy, const char *text)
{
	tg_vec names = TG_VEC_INIT;
	const char *found = NULL;
	char *name;
	size_t i, j;

	for (i = 0; i < policy->reviewers.length && !found; i++) {
		const char *entry = policy->reviewers.items[i];

		if (tg_person_matches(text, entry)) {
			found = entry;
			break;
		}
		name = display_name(entry);
		if (name && tg_person_matches(text, name))
			found = entry;
		free(name);
		if (found)
			break;
		if (tg_person_extract(&names, entry) < 0)
			break;
		for (j = 0; j < names.length && !found; j++)
			if (tg_person_matches(text, names.items[j]))
				found = entry;
		tg_vec_release(&names, free);
	}
	tg_vec_release(&names, free);
	return found;
}

static bool signoff_authorized(const tg_policy *policy,
                               const struct tg_signoff *s)
{
	size_t i;

	if (policy->reviewers.length == 0)
		return true;
	for (i = 0; i < s->people.length; i++)
		if (named_reviewer(policy, s->people.items[i]))
			return true;
	return named_reviewer(policy, s->text) != NULL;
}

bool tg_rules__signoff_present(const struct tg_model *model)
{
	size_t i;

	for (i = 0; i < model->signoffs.length; i++) {
		const struct tg_signoff *s = model->signoffs.items[i];

		if (s->valid && signoff_authorized(model->policy, s))
			return true;
	}
	return false;
}

static const struct tg_threat *first_severe_threat(const struct tg_model *model)
{
	size_t i;

	for (i = 0; i < model->threats.length; i++) {
		const struct tg_threat *t = model->threats.items[i];

		if (t->priority == 1 || t->priority == 2)
			return t;
	}
	return NULL;
}

bool tg_rules__signoff_required(const struct tg_model *model, char **why)
{
	const struct tg_document *doc = model->doc;
	const struct tg_threat *severe;
	tg_buf buf = TG_BUF_INIT;
	char label[64];
	size_t i;
	bool required = false;

	if (why)
		*why = NULL;
	switch (tg_policy_signoff_mode(model->policy,
	                               tg_document_policy_path(doc))) {
	case TG_SIGNOFF_NEVER:
		return false;
	case TG_SIGNOFF_ALWAYS:
		if (why)
			*why = tg_strdup("the policy requires one on every design");
		return true;
	default:
		break;
	}
	for (i = 0; i < model->hits.length; i++) {
		const struct tg_trigger_hit *h = model->hits.items[i];

		/* Why it is required is written only for who asked. */
		if (why)
			tg_buf_printf(&buf, "%s%s: '%s' at line %d", i ? "; " : "",
			              h->trigger->name, h->match, h->line);
		required = true;
	}
	severe = first_severe_threat(model);
	if (severe && why) {
		tg_buf_printf(&buf, "%sP%d threat %s at line %d", required ? "; " : "",
		              severe->priority,
		              tg_rules__threat_label(severe, label, sizeof(label)),
		              severe->line);
	}
	if (severe)
		required = true;
	if (why && required)
		*why = tg_buf_detach(&buf);
	tg_buf_release(&buf);
	return required;
}

static char *reviewer_list(const tg_policy *policy)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i;

	for (i = 0; i < policy->reviewers.length && i < 5; i++)
		tg_buf_printf(&buf, "%s%s", i ? ", " : "",
		              (const char *)policy->reviewers.items[i]);
	if (policy->reviewers.length > 5)
		tg_buf_printf(&buf, " and %zu more", policy->reviewers.length - 5);
	return tg_buf_detach(&buf);
}

int tg_check_signoff_required(struct tg_rule_ctx *ctx,
                              const struct tg_model *model)
{
	const struct tg_signoff *unchecked = NULL;
	char *why = NULL, *who = NULL, *path = NULL;
	int line = 1, column = 0, error = 0;
	bool unauthorized = false;
	size_t i;

	/* Signed: why one was required is not worth writing down. */
	if (tg_rules__signoff_present(model) ||
	    !tg_rules__signoff_required(model, &why))
		goto done;
	if (!why || !(who = reviewer_list(ctx->policy))) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < model->signoffs.length && !unchecked; i++) {
		const struct tg_signoff *s = model->signoffs.items[i];

		if (!s->valid)
			unchecked = s;
		else
			unauthorized = true;	/* signoff-unauthorized says who */
	}
	/* Point where the fix goes: the sign-off, else what made it needed. */
	if (unchecked) {
		line = unchecked->line;
		column = unchecked->column;
	} else if (model->signoff) {
		line = model->signoff->line;
		column = model->signoff->column;
	} else if (tg_policy_signoff_mode(ctx->policy, model->doc->path) ==
	           TG_SIGNOFF_ALWAYS) {
		line = 1;	/* the reason is the policy, not a line */
	} else if (model->hits.length) {
		const struct tg_trigger_hit *h = model->hits.items[0];

		line = h->line;
		column = h->column;
	} else if (first_severe_threat(model)) {
		line = first_severe_threat(model)->line;
	}
	if (model->signoff) {
		path = tg_rules__section_path(model->signoff);
		if (!path) {
			error = tg_error_oom();
			goto done;
		}
		ctx->section = path;
	}
	error = tg_rule_report(ctx, line, column,
		"a security sign-off is required (%s)%s%s%s: add '- [x] Security "
		"review: @reviewer (YYYY-MM-DD)' under 'Security Sign-off'%s%s",
		why, unchecked ? " and the sign-off at this line does not count "
		"because " : "",
		unchecked ? unchecked->why_invalid : "",
		unchecked ? "" : unauthorized ?
		" but no security reviewer has signed" : " but none is present",
		*who ? ", signed by one of " : "", who);
	ctx->section = NULL;
done:
	free(path);
	free(who);
	free(why);
	return error;
}

static bool same_email(const char *author, const char *reviewer)
{
	tg_vec names = TG_VEC_INIT;
	size_t i;
	bool same = false, any_email = false;

	if (tg_person_extract(&names, reviewer) < 0)
		return false;
	for (i = 0; i < names.length; i++) {
		const char *n = names.items[i];

		if (n[0] != '@' && strchr(n, '@')) {
			any_email = true;
			if (tg_strcasecmp(n, author) == 0)
				same = true;
		}
	}
	tg_vec_release(&names, free);
	return same || !any_email;
}

int tg_check_signoff_unauthorized(struct tg_rule_ctx *ctx,
                                  const struct tg_model *model)
{
	const tg_policy *policy = ctx->policy;
	const tg_check_context *git = ctx->git;
	char *who = NULL, *author = NULL;
	const char *reviewer;
	size_t i;
	int error = 0;

	for (i = 0; i < model->signoffs.length && error == 0; i++) {
		const struct tg_signoff *s = model->signoffs.items[i];
		const char *name = s->people.length ? s->people.items[0] : s->text;

		if (!s->valid)
			continue;
		if (!signoff_authorized(policy, s)) {
			if (!who && !(who = reviewer_list(policy)))
				return tg_error_oom();
			error = tg_rule_report(ctx, s->line, s->column,
				"sign-off by '%s' is not from a security reviewer: ask "
				"one of %s (threatgate.reviewer)", name, who);
			continue;
		}
		if (!policy->verify_signoff_author || !git->line_author)
			continue;
		reviewer = named_reviewer(policy, s->text);
		if (!reviewer)
			continue;
		error = git->line_author(&author, s->line, git->payload);
		if (error < 0)
			break;
		if (author && !same_email(author, reviewer))
			error = tg_rule_report(ctx, s->line, s->column,
				"the sign-off naming '%s' was added by a commit authored "
				"by <%s>: the reviewer must add their own sign-off "
				"(threatgate.verifySignoffAuthor)", reviewer, author);
		free(author);
		author = NULL;
	}
	free(who);
	return error;
}
