/*
 * Policy changes on the server are a policy decision. A push that
 * changes the policy files on the policy branch (`.threatgate`, the
 * exceptions file) is parsed first and refused when it does not parse or
 * is not a regular file; a change that loosens the policy is refused
 * unless a threatgate.policyAdmin pushed it. The comparison is of the
 * effective policies (file plus the server's git config): a key pinned
 * in git config cannot be loosened through the file, so changing it
 * there is no loosening.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "git.h"
#include "policy/internal.h"
#include "threatgate/rules.h"
#include "util/banned.h"

/* vprintf into a new string; NULL when memory runs out. */
static char *vformat(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
	char *out = NULL;

	if (tg_vasprintf(&out, fmt, ap) < 0)
		return NULL;
	return out;
}

struct why {
	tg_vec *reasons;
	int error;
};

static void loosen(struct why *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void loosen(struct why *w, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (w->error < 0)
		return;
	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (!s || tg_vec_push(w->reasons, s) < 0) {
		free(s);
		w->error = tg_error_oom();
	}
}

static bool has_str(const tg_vec *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->length; i++)
		if (strcmp(v->items[i], s) == 0)
			return true;
	return false;
}

static bool same_strs(const tg_vec *a, const tg_vec *b)
{
	size_t i;

	for (i = 0; i < a->length; i++)
		if (!has_str(b, a->items[i]))
			return false;
	for (i = 0; i < b->length; i++)
		if (!has_str(a, b->items[i]))
			return false;
	return true;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int signoff_strength(tg_signoff_mode m)
{
	return m == TG_SIGNOFF_ALWAYS ? 2 : m == TG_SIGNOFF_TRIGGERED ? 1 : 0;
}

static const char *signoff_name(tg_signoff_mode m)
{
	return m == TG_SIGNOFF_ALWAYS ? "always" :
	       m == TG_SIGNOFF_TRIGGERED ? "triggered" : "never";
}

/* failOn: warning blocks most, never least. */
static int fail_strength(tg_severity s)
{
	return s == TG_SEVERITY_OFF ? 0 : s == TG_SEVERITY_ERROR ? 1 : 2;
}

static tg_severity effective(const tg_policy *p, tg_rule_id r)
{
	const tg_rule_info *info;

	if (p->severity_set[r])
		return p->severity[r];
	info = tg_rules_find(tg_rule_name(r));
	return info ? info->default_severity : TG_SEVERITY_ERROR;
}

static const struct tg_trigger *trigger(const tg_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->triggers.length; i++) {
		const struct tg_trigger *t = p->triggers.items[i];

		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

static const struct tg_role *role(const tg_policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->roles.length; i++) {
		const struct tg_role *r = p->roles.items[i];

		if (tg_strcasecmp(r->name, name) == 0)
			return r;
	}
	return NULL;
}

static bool same_exception(const struct tg_exception *a,
                           const struct tg_exception *b)
{
	size_t i;

	/* the new one covers no more than the old: same id, rules within,
	 * globs within, expiring no later */
	if (strcmp(a->id, b->id) != 0 || a->expires_days > b->expires_days)
		return false;
	for (i = 0; i < a->rules.length; i++)
		if (!has_str(&b->rules, a->rules.items[i]) &&
		    !has_str(&b->rules, "*"))
			return false;
	for (i = 0; i < a->paths.length; i++)
		if (!has_str(&b->paths, a->paths.items[i]))
			return false;
	return true;
}

static int need_strength(enum tg_section_need n)
{
	return n == TG_NEED_ALWAYS ? 2 : n == TG_NEED_SIGNOFF ? 1 : 0;
}

static void compare_lists(struct why *w, const tg_policy *a, const tg_policy *b)
{
	size_t i, k;

	for (i = 0; i < a->docs.length; i++)
		if (!has_str(&b->docs, a->docs.items[i]))
			loosen(w, "document glob '%s' removed (threatgate.docs)",
			       (const char *)a->docs.items[i]);
	if (!same_strs(&a->reviewers, &b->reviewers))
		loosen(w, "the security reviewers changed (threatgate.reviewer): "
		       "who may sign is the security team's decision");
	for (i = 0; i < a->protect.length; i++)
		if (!has_str(&b->protect, a->protect.items[i]))
			loosen(w, "protected refs '%s' removed (threatgate.protect)",
			       (const char *)a->protect.items[i]);
	if (a->protect.length == 0 && b->protect.length > 0)
		loosen(w, "threatgate.protect set: the policy branch may no longer "
		       "be protected");
	for (i = 0; i < b->policy_admins.length; i++)
		if (!has_str(&a->policy_admins, b->policy_admins.items[i]))
			loosen(w, "policy admin '%s' added (threatgate.policyAdmin)",
			       (const char *)b->policy_admins.items[i]);
	for (i = 0; i < b->pushers.length; i++) {
		const struct tg_pusher *np = b->pushers.items[i];
		const struct tg_pusher *op = NULL;

		for (k = 0; k < a->pushers.length && !op; k++) {
			const struct tg_pusher *q = a->pushers.items[k];

			if (strcmp(q->name, np->name) == 0)
				op = q;
		}
		for (k = 0; k < np->identities.length; k++)
			if (!op || !has_str(&op->identities, np->identities.items[k]))
				loosen(w, "pusher '%s' now counts as '%s' "
				       "(pusher.%s.identity)", np->name,
				       (const char *)np->identities.items[k], np->name);
	}
	for (i = 0; i < b->baseline_count; i++) {
		/* both are sorted */
		if (!a->baseline || !bsearch(&b->baseline[i], a->baseline,
		                             a->baseline_count, sizeof(char *),
		                             str_cmp)) {
			loosen(w, "the baseline waives a finding it did not "
			       "(threatgate.baseline)");
			break;
		}
	}
	for (i = 0; i < b->exceptions.length; i++) {
		const struct tg_exception *e = b->exceptions.items[i];
		bool known = false;

		for (k = 0; k < a->exceptions.length && !known; k++)
			known = same_exception(e, a->exceptions.items[k]);
		if (!known)
			loosen(w, "exception '%s' (until %s) added or extended",
			       e->id, e->expires);
	}
}

static void compare_rules(struct why *w, const tg_policy *a, const tg_policy *b)
{
	size_t i, k;
	int r;

	for (r = 0; r < TG_RULE__COUNT; r++) {
		tg_severity sa = effective(a, (tg_rule_id)r);
		tg_severity sb = effective(b, (tg_rule_id)r);

		if (sb < sa)
			loosen(w, "rule %s turned down from %s to %s "
			       "(rule.%s.severity)", tg_rule_name((tg_rule_id)r),
			       tg_severity_name(sa), tg_severity_name(sb),
			       tg_rule_name((tg_rule_id)r));
	}
	for (i = 0; i < a->triggers.length; i++) {
		const struct tg_trigger *t = a->triggers.items[i];
		const struct tg_trigger *u = trigger(b, t->name);
		bool same = u && ((!t->pattern && !u->pattern) ||
		            (t->pattern && u->pattern &&
		             strcmp(t->pattern, u->pattern) == 0));

		for (k = 0; same && k < t->fields.length; k++)
			same = has_str(&u->fields, t->fields.items[k]);
		if (!u)
			loosen(w, "trigger '%s' disabled (trigger.%s.enabled)",
			       t->name, t->name);
		else if (!same)
			loosen(w, "trigger '%s' changed: it may match less "
			       "(trigger.%s.pattern, .field)", t->name, t->name);
	}
	for (i = 0; i < a->sections.length; i++) {
		const struct tg_section_rule *s = a->sections.items[i];
		const struct tg_section_rule *t = tg_policy__section(b, s->name);

		if (!t || strcmp(s->title, t->title) != 0 ||
		    need_strength(t->need) < need_strength(s->need) ||
		    (s->parent && (!t->parent || strcmp(s->parent, t->parent))))
			loosen(w, "section '%s' removed, made optional or retitled "
			       "(section.%s)", s->name, s->name);
	}
	for (i = 0; i < b->roles.length; i++) {
		const struct tg_role *nr = b->roles.items[i];
		const struct tg_role *orole = role(a, nr->name);

		for (k = 0; k < nr->members.length; k++)
			if (!orole || !has_str(&orole->members, nr->members.items[k]))
				loosen(w, "'%s' may now accept risks as %s "
				       "(role.%s.member)",
				       (const char *)nr->members.items[k], nr->name,
				       nr->name);
		if (orole && nr->rank > orole->rank)
			loosen(w, "role %s ranked higher (threatgate.roles)",
			       nr->name);
	}
	for (r = 0; r < 5; r++) {
		int ra = a->accept[r] ? tg_policy__role_rank(a, a->accept[r]) : -1;
		int rb = b->accept[r] ? tg_policy__role_rank(b, b->accept[r]) : -1;

		if (rb < ra)
			loosen(w, "a lower role may accept P%d threats (accept.P%d)",
			       r + 1, r + 1);
	}
}

static void compare_scalars(struct why *w, const tg_policy *a,
                            const tg_policy *b)
{
	size_t i;

	if (signoff_strength(b->signoff) < signoff_strength(a->signoff))
		loosen(w, "threatgate.signoff lowered from %s to %s",
		       signoff_name(a->signoff), signoff_name(b->signoff));
	for (i = 0; i < b->path_signoff.length; i++) {
		const struct tg_path_signoff *ps = b->path_signoff.items[i];

		if (signoff_strength(ps->mode) <
		    signoff_strength(tg_policy_signoff_mode(a, ps->glob)))
			loosen(w, "sign-off lowered to %s under %s "
			       "(path.<glob>.signoff)", signoff_name(ps->mode),
			       ps->glob);
	}
	for (i = 0; i < a->path_signoff.length; i++) {
		const struct tg_path_signoff *ps = a->path_signoff.items[i];

		if (signoff_strength(tg_policy_signoff_mode(b, ps->glob)) <
		    signoff_strength(ps->mode))
			loosen(w, "sign-off under %s no longer %s "
			       "(path.<glob>.signoff)", ps->glob,
			       signoff_name(ps->mode));
	}
	if (tg_policy_max_docs_per_push(b) > tg_policy_max_docs_per_push(a))
		loosen(w, "threatgate.maxDocsPerPush raised");
	if (b->max_age > a->max_age)
		loosen(w, "threatgate.maxAge raised from %ld to %ld days",
		       a->max_age, b->max_age);
	if (a->require_reviewed_date && !b->require_reviewed_date)
		loosen(w, "threatgate.requireReviewedDate turned off");
	if (b->min_participants < a->min_participants)
		loosen(w, "threatgate.minParticipants lowered from %ld to %ld",
		       a->min_participants, b->min_participants);
	if (b->fail_open && !a->fail_open)
		loosen(w, "threatgate.failOpen turned on");
	if (fail_strength(b->fail_on) < fail_strength(a->fail_on))
		loosen(w, "threatgate.failOn lowered to %s",
		       b->fail_on == TG_SEVERITY_OFF ? "never" :
		       tg_severity_name(b->fail_on));
	if (a->verify_signoff_author && !b->verify_signoff_author)
		loosen(w, "threatgate.verifySignoffAuthor turned off");
	if (a->check_tags && !b->check_tags)
		loosen(w, "threatgate.checkTags turned off");
	if (b->allow_inline_disable && !a->allow_inline_disable)
		loosen(w, "threatgate.allowInlineDisable turned on");
	if (b->docs_case_sensitive && !a->docs_case_sensitive)
		loosen(w, "threatgate.docsCaseSensitive turned on");
	if ((a->pusher_env || b->pusher_env) &&
	    (!a->pusher_env || !b->pusher_env ||
	     strcmp(a->pusher_env, b->pusher_env) != 0))
		loosen(w, "threatgate.pusher changed: who pushed is read elsewhere");
	if (a->framework && b->framework && strcmp(a->framework, b->framework))
		loosen(w, "threatgate.framework changed from %s to %s",
		       a->framework, b->framework);
}

int tg_git__policy_loosened(tg_vec *reasons, const tg_policy *trusted,
                            const tg_policy *proposed)
{
	struct why w = { reasons, 0 };

	compare_scalars(&w, trusted, proposed);
	compare_lists(&w, trusted, proposed);
	compare_rules(&w, trusted, proposed);
	return w.error;
}

/* The blob id of `path` in a commit's tree (zero when absent) and its mode. */
static int entry_at(git_oid *id, unsigned int *mode, git_repository *repo,
                    const git_oid *commit_id, const char *path)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int error;

	memset(id, 0, sizeof(*id));
	*mode = 0;
	error = git_commit_lookup(&commit, repo, commit_id);
	if (error == 0)
		error = git_commit_tree(&tree, commit);
	if (error == 0) {
		error = git_tree_entry_bypath(&entry, tree, path);
		if (error == 0) {
			git_oid_cpy(id, git_tree_entry_id(entry));
			*mode = (unsigned int)git_tree_entry_filemode_raw(entry);
		} else if (error == GIT_ENOTFOUND) {
			git_error_clear();
			error = 0;
		}
	}
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	return error < 0 ? tg_error_from_git(error, "cannot read '%s'", path)
	                 : 0;
}

static const char *relative(const char *path)
{
	while (path && path[0] == '.' && path[1] == '/')
		path += 2;
	return path;
}

/* Whether any policy file differs between old (may be NULL) and tip. */
static int policy_files_changed(bool *out, git_repository *repo,
                                const git_oid *old, const git_oid *tip,
                                const tg_policy *policy)
{
	const char *paths[3] = { ".threatgate", NULL, NULL };
	git_oid a, b;
	unsigned int ma = 0, mb = 0;
	size_t i;
	int error = 0;

	*out = false;
	if (policy->exceptions_path && policy->exceptions_path[0] != '/')
		paths[1] = relative(policy->exceptions_path);
	if (policy->baseline_path && policy->baseline_path[0] != '/')
		paths[paths[1] ? 2 : 1] = relative(policy->baseline_path);
	for (i = 0; i < 3 && paths[i] && !*out && error == 0; i++) {
		memset(&a, 0, sizeof(a));
		if (old)
			error = entry_at(&a, &ma, repo, old, paths[i]);
		if (error == 0)
			error = entry_at(&b, &mb, repo, tip, paths[i]);
		if (error == 0 && (!git_oid_equal(&a, &b) || ma != mb))
			*out = true;
	}
	return error;
}

static int refuse(tg_vec *refusals, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int refuse(tg_vec *refusals, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (!s || tg_vec_push(refusals, s) < 0) {
		free(s);
		return tg_error_oom();
	}
	return 0;
}

int tg_git__gate_policy(tg_vec *refusals, git_repository *repo,
                        const char *ref, const git_oid *old,
                        const git_oid *tip, const tg_policy *policy,
                        const char *pusher)
{
	tg_policy *proposed = NULL;
	tg_vec reasons = TG_VEC_INIT;
	tg_buf list = TG_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	char *where = NULL;
	bool changed = false;
	size_t i;
	int error;

	if (policy->lock_policy)
		return 0;	/* the file is not read: nothing to gate */
	error = policy_files_changed(&changed, repo, old, tip, policy);
	if (error < 0 || !changed)
		return error;
	git_oid_tostr(hex, sizeof(hex), tip);
	where = tg_printf("%s (%.12s)", ref, hex);
	if (!where)
		return tg_error_oom();
	error = tg_git__policy_at(&proposed, repo, tip, where);
	if (error == TG_ENOMEM)
		goto done;
	if (error < 0) {
		error = refuse(refusals, "the policy pushed to %s is refused: %s; "
		               "a broken policy would refuse every later push",
		               where, tg_error_last()->message);
		goto done;
	}
	if (!old)
		goto done;	/* the first policy of an empty server */
	error = tg_git__policy_loosened(&reasons, policy, proposed);
	if (error < 0 || reasons.length == 0)
		goto done;
	if (tg_policy_is_policy_admin(policy, pusher))
		goto done;
	for (i = 0; i < reasons.length; i++)
		tg_buf_printf(&list, "%s%s", i ? "; " : "",
		              (const char *)reasons.items[i]);
	error = refuse(refusals, "the policy pushed to %s loosens the policy "
		"of %s (%s): %s. Only a policy admin may loosen it "
		"(threatgate.policyAdmin; %s)", where,
		policy->source_ref ? policy->source_ref : ref,
		policy->source_commit[0] ? policy->source_commit : "none",
		tg_buf_cstr(&list),
		pusher ? "this push is not by one" :
		policy->pusher_env ? "no authenticated pusher in this push's "
		"environment" : "no authenticated pusher: set threatgate.pusher");
done:
	tg_buf_release(&list);
	tg_vec_release(&reasons, free);
	tg_policy_free(proposed);
	free(where);
	return error;
}
