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

		tg_buf_printf(&buf, "%s%s%s", i ? ", " : "", h->trigger->name,
		              h->declared ? " declared" : "");
		required = true;
	}
	severe = first_severe_threat(model);
	if (severe) {
		tg_buf_printf(&buf, "%sP%d threat %s", required ? "; " : "",
		              severe->priority,
		              tg_rules__threat_label(severe, label, sizeof(label)));
		required = true;
	}
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

/* How many evidence lines a trigger gets in text output; JSON has all. */
#define EVIDENCE_NOTES 2

static int compare_weight(const void *a, const void *b)
{
	const struct tg_trigger_match *x = *(const struct tg_trigger_match *const *)a;
	const struct tg_trigger_match *y = *(const struct tg_trigger_match *const *)b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	if (x->line != y->line)
		return (x->line > y->line) - (x->line < y->line);
	return (x->column > y->column) - (x->column < y->column);
}

/*
 * Notes quoting a trigger's prose evidence: its strongest matches (most
 * weight first, then in document order), then how many more there are.
 */
int tg_rules__evidence_notes(struct tg_rule_ctx *ctx,
                             const struct tg_trigger_hit *h)
{
	const struct tg_trigger_match **order = NULL;
	size_t i, n = h->matches.length, shown;
	int error = 0;

	if (n == 0)
		return 0;
	order = calloc(n, sizeof(*order));
	if (!order)
		return tg_error_oom();
	for (i = 0; i < n; i++)
		order[i] = h->matches.items[i];
	qsort(order, n, sizeof(*order), compare_weight);
	shown = n < EVIDENCE_NOTES ? n : EVIDENCE_NOTES;
	for (i = 0; i < shown && error == 0; i++) {
		if (i == 0)
			error = tg_rule_note(ctx, order[i]->line, order[i]->column,
				"%s weighs %g (%g needed): '%s' (%s, weight %g)",
				h->trigger->name, h->score, h->trigger->threshold,
				order[i]->words, order[i]->where, order[i]->weight);
		else
			error = tg_rule_note(ctx, order[i]->line, order[i]->column,
				"%s: '%s' (%s, weight %g)", h->trigger->name,
				order[i]->words, order[i]->where, order[i]->weight);
	}
	if (error == 0 && n > shown)
		error = tg_rule_note(ctx, 0, 0,
			"%s: %zu more match%s (--format json lists every one)",
			h->trigger->name, n - shown, n - shown == 1 ? "" : "es");
	free(order);
	return error;
}

/* Why a sign-off is needed, one note a reason. */
static int reason_notes(struct tg_rule_ctx *ctx, const struct tg_model *model)
{
	const struct tg_threat *severe = first_severe_threat(model);
	char label[64];
	size_t i;
	int error = 0;

	for (i = 0; i < model->hits.length && error == 0; i++) {
		const struct tg_trigger_hit *h = model->hits.items[i];

		if (h->declared)
			error = tg_rule_note(ctx, h->line, 0,
				"%s: declared by '%s'", h->trigger->name, h->match);
		else
			error = tg_rules__evidence_notes(ctx, h);
	}
	if (error == 0 && severe)
		error = tg_rule_note(ctx, severe->line, severe->column,
			"P%d threat %s", severe->priority,
			tg_rules__threat_label(severe, label, sizeof(label)));
	return error;
}

int tg_check_signoff_required(struct tg_rule_ctx *ctx,
                              const struct tg_model *model)
{
	const struct tg_signoff *unchecked = NULL;
	char *why = NULL, *who = NULL, *path = NULL;
	int line = 1, column = 0, error = 0;
	bool unauthorized = false;
	size_t i;

	if (!tg_rules__signoff_required(model, &why) ||
	    tg_rules__signoff_present(model))
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
		ctx->section = path;
	}
	error = reason_notes(ctx, model);
	if (error < 0)
		goto done;
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

/*
 * `handles` decides, but not silently: prose that weighs twice a
 * trigger's threshold for a concern the declaration leaves out is a
 * finding that quotes it.
 */
int tg_check_undeclared_concern(struct tg_rule_ctx *ctx,
                                const struct tg_model *model)
{
	const struct tg_frontmatter *fm = &model->doc->fm;
	size_t i;
	int error = 0;

	for (i = 0; i < model->undeclared.length && error == 0; i++) {
		const struct tg_trigger_hit *h = model->undeclared.items[i];
		const char *concern = tg_model__concern(h->trigger->name);

		error = tg_rules__evidence_notes(ctx, h);
		if (error == 0)
			error = tg_rule_report(ctx, h->line, h->column,
				"the front matter at line %d declares 'handles' without "
				"'%s', but the prose says '%s' and more (weight %g): add "
				"'%s' to handles, or say why it does not apply",
				fm->handles_line, concern, h->match, h->score,
				concern);
	}
	return error;
}
