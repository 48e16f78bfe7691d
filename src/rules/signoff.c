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

/* ---- who may sign: nobody signs their own design ---------------------- */

/*
 * The names one person goes by: `text`, its display name and email, and
 * when it names a configured reviewer, every name of that reviewer.
 */
static int identity(tg_vec *names, const tg_policy *policy, const char *text)
{
	const char *reviewer = named_reviewer(policy, text);
	char *name;
	int error;

	if (!text || !*text)
		return 0;
	error = tg_vec_push_str(names, text);
	if (error == 0)
		error = tg_person_extract(names, text);
	if (error == 0 && (name = display_name(text)) &&
	    tg_vec_push(names, name) < 0) {
		free(name);
		error = tg_error_oom();
	}
	if (error == 0 && reviewer) {
		error = tg_person_extract(names, reviewer);
		if (error == 0 && (name = display_name(reviewer)) &&
		    tg_vec_push(names, name) < 0) {
			free(name);
			error = tg_error_oom();
		}
	}
	return error;
}

/* "jane" of "jane@example.com"; false when `email` is not one. */
static bool local_part_is(const char *email, const char *handle)
{
	const char *at = strchr(email, '@');
	size_t i, n = strlen(handle);

	if (!at || at == email || (size_t)(at - email) != n)
		return false;
	for (i = 0; i < n; i++)
		if ((email[i] | 0x20) != (handle[i] | 0x20) ||
		    ((email[i] | 0x20) < 'a' && email[i] != handle[i]))
			return false;
	return true;
}

/*
 * Whether two names are one person: equal without case ('@' aside), or a
 * handle and an email whose local part it is ("@jane", jane@example.com).
 */
static bool names_equal(const char *a, const char *b)
{
	const char *ha = a[0] == '@' ? a + 1 : a, *hb = b[0] == '@' ? b + 1 : b;

	if (!*ha || !*hb)
		return false;
	if (tg_strcasecmp(ha, hb) == 0)
		return true;
	if (!strchr(ha, '@') && !strchr(ha, ' ') && local_part_is(hb, ha))
		return true;
	return !strchr(hb, '@') && !strchr(hb, ' ') && local_part_is(ha, hb);
}

static const char *same_person(const tg_vec *a, const tg_vec *b)
{
	size_t i, j;

	for (i = 0; i < a->length; i++)
		for (j = 0; j < b->length; j++)
			if (names_equal(a->items[i], b->items[j]))
				return b->items[j];
	return NULL;
}

/*
 * Why `person` cannot sign this design's security review, in a sentence
 * (caller frees), or NULL when they may: the design's DRI, the forge
 * author of the change, and (git modes) whoever wrote its threat model
 * sign nothing of their own.
 */
static int self_signed(char **why, const struct tg_rule_ctx *ctx,
                       const struct tg_model *model, const char *person)
{
	const struct tg_frontmatter *fm = &model->doc->fm;
	const tg_check_context *git = ctx->git;
	const struct tg_section *tm = model->threat_model;
	tg_vec who = TG_VEC_INIT, other = TG_VEC_INIT;
	const char *const *emails = NULL;
	const char *hit;
	size_t count = 0, i;
	int error;

	*why = NULL;
	error = identity(&who, ctx->policy, person);
	if (error == 0 && fm->dri && *fm->dri)
		error = identity(&other, ctx->policy, fm->dri);
	if (error < 0)
		goto done;
	if (same_person(&who, &other)) {
		*why = tg_printf("'%s' is the design's DRI (dri: %s), and nobody "
			"signs the security review of their own design", person,
			fm->dri);
		goto oom;
	}
	tg_vec_release(&other, free);
	if (git->change_author && *git->change_author) {
		error = identity(&other, ctx->policy, git->change_author);
		if (error < 0)
			goto done;
		if (same_person(&who, &other)) {
			*why = tg_printf("'%s' opened the pull request, and the "
				"author of a change cannot sign its security review",
				person);
			goto oom;
		}
	}
	if (!git->lines_authors || !tm)
		goto done;
	error = git->lines_authors(&emails, &count, tm->line,
	                           tm->end_line > tm->line ? tm->end_line :
	                           tm->line, git->payload);
	for (i = 0; error == 0 && i < count; i++) {
		tg_vec_release(&other, free);
		if (tg_vec_push_str(&other, emails[i]) < 0) {
			error = tg_error_oom();
			break;
		}
		hit = same_person(&who, &other);
		if (hit) {
			*why = tg_printf("<%s> wrote lines of this threat model "
				"(git blame), and the author of a change cannot sign "
				"its security review", hit);
			goto oom;
		}
	}
	goto done;
oom:
	if (!*why)
		error = tg_error_oom();
done:
	tg_vec_release(&who, free);
	tg_vec_release(&other, free);
	return error;
}

/*
 * On the server with threatgate.pusher: a sign-off line the ref did not
 * have counts only when the reviewer it names pushed it, in this push or
 * in the push that brought the commit adding it (the server recorded
 * that). *via is "pusher" or "document" (already on the ref); NULL with
 * *why set when it does not count.
 */
static int pushed_by_signer(const char **via, char **why,
                            const struct tg_rule_ctx *ctx,
                            const struct tg_signoff *s, const char *person)
{
	const tg_check_context *git = ctx->git;
	const tg_policy *policy = ctx->policy;
	const char *env = tg_policy_pusher_env(policy);
	tg_vec names = TG_VEC_INIT;
	char *recorded = NULL;
	size_t i;
	int error;

	*via = "document";
	*why = NULL;
	if (!env || tg_policy_stage(policy) != TG_STAGE_PRE_RECEIVE ||
	    tg_model__has_signoff(git->base, s->text))
		return 0;
	error = identity(&names, policy, person);
	for (i = 0; error == 0 && git->pusher && i < names.length; i++)
		if (tg_policy_pusher_is(policy, git->pusher, names.items[i]))
			goto pusher;
	if (error == 0 && git->line_pusher)
		error = git->line_pusher(&recorded, s->line, git->payload);
	for (i = 0; error == 0 && recorded && i < names.length; i++)
		if (tg_policy_pusher_is(policy, recorded, names.items[i]))
			goto pusher;
	if (error < 0)
		goto done;
	*via = NULL;
	if (git->pusher)
		*why = tg_printf("the line is new here and was pushed by '%s', not "
			"by '%s' (threatgate.pusher = %s): the reviewer pushes their "
			"own sign-off", git->pusher, person, env);
	else
		*why = tg_printf("the line is new here and the server does not know "
			"who pushed it ($%s, named by threatgate.pusher, is not set)",
			env);
	if (!*why)
		error = tg_error_oom();
	goto done;
pusher:
	*via = "pusher";
done:
	free(recorded);
	tg_vec_release(&names, free);
	return error;
}

/*
 * The first person a valid sign-off names who may sign it: a reviewer
 * (anyone, with none configured) who is not signing their own design.
 * NULL when none; *why (caller frees) then says why the last one named
 * does not count, when it is not that they are no reviewer.
 */
static int signoff_signer(const char **signer, const char **via, char **why,
                          const struct tg_rule_ctx *ctx,
                          const struct tg_model *model,
                          const struct tg_signoff *s)
{
	const tg_policy *policy = ctx->policy;
	size_t i, n = s->people.length ? s->people.length : 1;
	int error = 0;

	*signer = NULL;
	*via = NULL;
	*why = NULL;
	if (!s->valid)
		return 0;
	for (i = 0; i < n && !*signer && error == 0; i++) {
		const char *p = s->people.length ? s->people.items[i] : s->text;
		char *reason = NULL;

		if (policy->reviewers.length > 0 && !named_reviewer(policy, p) &&
		    !(s->people.length == 1 && named_reviewer(policy, s->text)))
			continue;
		error = self_signed(&reason, ctx, model, p);
		if (error == 0 && !reason)
			error = pushed_by_signer(via, &reason, ctx, s, p);
		if (error == 0 && !reason)
			*signer = p;
		if (reason) {
			free(*why);
			*why = reason;
		}
	}
	if (*signer) {
		free(*why);
		*why = NULL;
	}
	return error;
}

/* The approval that signs for this document, or NULL. */
static const tg_approval *approval_signer(const struct tg_rule_ctx *ctx,
                                          const struct tg_model *model)
{
	const tg_check_context *git = ctx->git;
	const tg_policy *policy = ctx->policy;
	char name[256];
	size_t i;

	for (i = 0; i < git->approvals_count; i++) {
		const tg_approval *a = &git->approvals[i];
		char *why = NULL;
		bool reviewer;

		if (!a->current)
			continue;
		snprintf(name, sizeof(name), "@%s", a->login ? a->login : "");
		reviewer = policy->reviewers.length == 0 ||
			(a->login && named_reviewer(policy, name)) ||
			(a->email && named_reviewer(policy, a->email));
		if (!reviewer)
			continue;
		if (self_signed(&why, ctx, model, a->login ? name : a->email) < 0)
			return NULL;
		if (!why && a->email && a->login &&
		    self_signed(&why, ctx, model, a->email) < 0)
			return NULL;
		if (!why)
			return a;
		free(why);
	}
	return NULL;
}

int tg_rules__signoff_by(const struct tg_rule_ctx *ctx,
                         const struct tg_model *model, const char **who,
                         const char **via)
{
	const tg_approval *a;
	const char *signer;
	char *why = NULL;
	size_t i;
	int error = 0;

	*who = NULL;
	*via = NULL;
	for (i = 0; i < model->signoffs.length && !*who && error == 0; i++) {
		const char *how = NULL;

		error = signoff_signer(&signer, &how, &why, ctx, model,
		                       model->signoffs.items[i]);
		free(why);
		if (error == 0 && signer) {
			*who = signer;
			*via = how ? how : "document";
		}
	}
	if (error == 0 && !*who && (a = approval_signer(ctx, model))) {
		*who = a->login ? a->login : a->email;
		*via = "approval";
	}
	return error;
}

bool tg_rules__signoff_present(const struct tg_rule_ctx *ctx,
                               const struct tg_model *model)
{
	const char *who, *via;

	return tg_rules__signoff_by(ctx, model, &who, &via) == 0 && who;
}

static const struct tg_threat *first_severe_threat(const struct tg_model *model)
{
	size_t i;

	for (i = 0; i < model->threats.length; i++) {
		const struct tg_threat *t = model->threats.items[i];

		/* a risk register's rating ranks a project risk */
		if ((t->priority == 1 || t->priority == 2) && !t->risk_only)
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
			tg_buf_printf(&buf, "%s%s%s", i ? ", " : "",
			              h->trigger->name,
			              h->declared ? " declared" : "");
		required = true;
	}
	severe = first_severe_threat(model);
	if (severe && why)
		tg_buf_printf(&buf, "%sP%d threat %s", required ? "; " : "",
		              severe->priority,
		              tg_rules__threat_label(severe, label, sizeof(label)));
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

/* What the approvals of the pull request were, when none of them counts. */
static void approvals_note(tg_buf *buf, const struct tg_rule_ctx *ctx)
{
	const tg_check_context *git = ctx->git;
	size_t i;

	for (i = 0; i < git->approvals_count; i++) {
		const tg_approval *a = &git->approvals[i];
		const char *name = a->login ? a->login : a->email;

		if (!name)
			continue;
		if (!a->current)
			tg_buf_printf(buf, "\nthe approval by %s%s%s%.7s does not "
				"count: the design changed after it", a->login ? "@" : "",
				name, a->commit ? " at " : " (no commit known)",
				a->commit ? a->commit : "");
		else
			tg_buf_printf(buf, "\nthe approval by %s%s does not count: "
				"not a security reviewer, or their own design",
				a->login ? "@" : "", name);
	}
}

/* Longer reasons than this go to a note. */
#define WHY_IN_HEADLINE 60

int tg_check_signoff_required(struct tg_rule_ctx *ctx,
                              const struct tg_model *model)
{
	const struct tg_signoff *unchecked = NULL;
	char *why = NULL, *who = NULL, *path = NULL;
	const char *signer = NULL, *via = NULL;
	const char *why_open = "", *why_head = "", *why_close = "";
	const char *why_note = "", *why_tail = "";
	tg_buf note = TG_BUF_INIT;
	int line = 1, column = 0, error = 0;
	bool unauthorized = false;
	size_t i;

	/*
	 * Signed: why one was required is not worth writing down. Out of
	 * memory is an error, never "not signed".
	 */
	error = tg_rules__signoff_by(ctx, model, &signer, &via);
	if (error < 0 || signer || !tg_rules__signoff_required(model, &why))
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
	error = reason_notes(ctx, model);
	if (error < 0)
		goto done;
	approvals_note(&note, ctx);
	/* Many reasons: the headline stays short, a note lists them. */
	if (strlen(why) > WHY_IN_HEADLINE) {
		why_note = "\nrequired for: ";
		why_tail = why;
	} else {
		why_open = " (";
		why_head = why;
		why_close = ")";
	}
	if (tg_policy__stage_local(ctx->policy)) {
		/*
		 * On the author's machine the review has not happened yet: the
		 * design goes to a branch and a pull request, where it does.
		 */
		error = tg_rule_report(ctx, line, column,
			"a security sign-off is needed before this design can merge "
			"into main%s%s%s%s%s%s%s%s\nopen a pull request and ask %s%s to "
			"review it; they add '- [x] Security review: @reviewer "
			"(YYYY-MM-DD)' under 'Security Sign-off' or approve the pull "
			"request%s", why_open, why_head, why_close, why_note, why_tail,
			unchecked ? "\nthe sign-off at this line does not count "
			"because " : "", unchecked ? unchecked->why_invalid : "",
			tg_buf_cstr(&note), *who ? "one of " : "your security team",
			who, *who ? "" : "\nno reviewer is configured "
			"(threatgate.reviewer): any named sign-off counts");
	} else {
		error = tg_rule_report(ctx, line, column,
			"a security sign-off is required%s%s%s%s%s%s%s%s%s\nadd '- [x] "
			"Security review: @reviewer (YYYY-MM-DD)' under 'Security "
			"Sign-off'%s%s",
			why_open, why_head, why_close, unchecked ? "" : unauthorized ?
			" but no security reviewer has signed" : " but none is present",
			why_note, why_tail,
			unchecked ? "\nthe sign-off at this line does not count "
			"because " : "",
			unchecked ? unchecked->why_invalid : "",
			tg_buf_cstr(&note),
			*who ? ", signed by one of " : "", who);
	}
	ctx->section = NULL;
done:
	tg_buf_release(&note);
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

		const char *signer = NULL, *how = NULL;
		char *self = NULL;

		if (!s->valid)
			continue;
		if (!signoff_authorized(policy, s)) {
			if (!who && !(who = reviewer_list(policy)))
				return tg_error_oom();
			error = tg_rule_report(ctx, s->line, s->column,
				"sign-off by '%s' is not from a security reviewer\nask "
				"one of %s (threatgate.reviewer)", name, who);
			continue;
		}
		error = signoff_signer(&signer, &how, &self, ctx, model, s);
		if (error == 0 && !signer && self) {
			if (!who && !(who = reviewer_list(policy)))
				error = tg_error_oom();
			else
				error = tg_rule_report(ctx, s->line, s->column,
					"sign-off by '%s' does not count: %s\nask %s%s to "
					"review the design", name, self,
					*who ? "one of " : "another security reviewer",
					who);
		}
		free(self);
		if (error < 0 || !signer)
			continue;
		if (!policy->verify_signoff_author || !git->line_author)
			continue;
		reviewer = named_reviewer(policy, s->text);
		if (!reviewer)
			continue;
		error = git->line_author(&author, s->line, git->payload);
		if (error < 0)
			break;
		if (!author)
			error = tg_rule_report(ctx, s->line, s->column,
				"the sign-off naming '%s' cannot be attributed to a "
				"commit: it does not count (threatgate.verifySignoffAuthor)"
				"\ngit blame knows no author for this line",
				reviewer);
		else if (!same_email(author, reviewer))
			error = tg_rule_report(ctx, s->line, s->column,
				"the sign-off naming '%s' was added by a commit authored "
				"by <%s> (threatgate.verifySignoffAuthor)\nthe reviewer "
				"must add their own sign-off", reviewer, author);
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
				"'handles' leaves out '%s', but the prose says '%s' and "
				"more (weight %g)\nthe front matter declares 'handles' at "
				"line %d\nadd '%s' to handles, or say why it does not "
				"apply", concern, h->match, h->score, fm->handles_line,
				concern);
	}
	return error;
}

/*
 * A sign-off approves the threat model as it was. A later change to the
 * Security section or the Threat Model (outside the sign-off itself), in
 * a commit the sign-off's commit did not have and by someone who is not
 * a reviewer, ends it.
 */
/*
 * The last line of the front matter key at `line`: the lines after it
 * that are indented or list items belong to it (a block list).
 */
static int fm_key_end(const struct tg_document *doc, int line)
{
	const char *p = doc->data, *end = doc->data + doc->len;
	int at = 1, last = line;

	while (p < end && at <= line) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		p = nl ? nl + 1 : end;
		at++;
	}
	while (p < end && at < doc->fm.last_line &&
	       (*p == ' ' || *p == '\t' || *p == '-')) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		last = at;
		p = nl ? nl + 1 : end;
		at++;
	}
	return last;
}

int tg_check_signoff_stale(struct tg_rule_ctx *ctx,
                           const struct tg_model *model)
{
	const tg_check_context *git = ctx->git;
	const struct tg_section *area = model->security ? model->security
	                                                : model->threat_model;
	const struct tg_section *so = model->signoff;
	const struct tg_frontmatter *fm = &model->doc->fm;
	/* what a sign-off approves: the Security section, and the front
	 * matter that says what the design exposes and holds */
	const int keys[3] = { fm->exposure_line, fm->classification_line,
	                      fm->handles_line };
	const char *what[5];
	const char *label;
	char *commit = NULL, *author = NULL;
	int ranges[5][2], n = 0, r, k;
	size_t i, t;
	int error = 0;

	if (!git || !git->changed_after || !area || area->line <= 0)
		return 0;
	if (so && so->line >= area->line && so->line <= area->end_line) {
		ranges[n][0] = area->line;
		ranges[n++][1] = so->line - 1;
		ranges[n][0] = so->end_line + 1;
		ranges[n++][1] = area->end_line;
	} else {
		ranges[n][0] = area->line;
		ranges[n++][1] = area->end_line;
	}
	what[0] = what[1] = area == model->security ? "Security section"
	                                            : "Threat Model";
	for (k = 0; k < 3 && fm->present && !fm->broken; k++) {
		if (keys[k] <= 0)
			continue;
		ranges[n][0] = keys[k];
		ranges[n][1] = fm_key_end(model->doc, keys[k]);
		what[n++] = k == 0 ? "front matter's exposure" : k == 1 ?
			"front matter's data-classification" :
			"front matter's handles";
	}
	for (i = 0; i < model->signoffs.length && error == 0; i++) {
		const struct tg_signoff *s = model->signoffs.items[i];

		if (!s->valid)
			continue;
		for (r = 0; r < n && error == 0 && !commit; r++)
			if (ranges[r][0] <= ranges[r][1])
				error = git->changed_after(&commit, &author, s->line,
				        ranges[r][0], ranges[r][1], git->payload);
		label = commit ? what[r - 1] : NULL;
		/* a threat outside that section (a second Security section) */
		for (t = 0; t < model->threats.length && error == 0 && !commit;
		     t++) {
			const struct tg_threat *th = model->threats.items[t];

			if (th->line <= 0 || (th->line >= area->line &&
			                      th->line <= area->end_line))
				continue;
			error = git->changed_after(&commit, &author, s->line,
			        th->line, th->line, git->payload);
			label = "threats outside the Security section";
		}
		if (error == 0 && commit)
			error = tg_rule_report(ctx, s->line, s->column,
				"this sign-off no longer counts: commit %.12s by %s "
				"changed the %s after it was given\nask a reviewer to "
				"review it again and renew the sign-off", commit, author,
				label);
		free(commit);
		free(author);
		commit = author = NULL;
	}
	return error;
}
