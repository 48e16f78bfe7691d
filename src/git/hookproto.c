/*
 * The hook protocols: the ref updates git gives pre-push and pre-receive
 * on standard input, turned into pushes to check.
 */
#include <stdlib.h>
#include <string.h>
#include "git.h"
#include "util/banned.h"

struct update {
	git_oid old;
	git_oid new;
	char *ref;
};

static int parse_oid(git_oid *out, const char *s, size_t len, int line)
{
	if (len != GIT_OID_HEXSZ || git_oid_fromstrn(out, s, len) < 0) {
		git_error_clear();
		return tg_error_set(TG_EINVALID,
			"malformed hook input at line %d: '%.*s' is not an object id",
			line, (int)(len > 64 ? 64 : len), s);
	}
	return 0;
}

/* Split one line into fields on single spaces; the last takes the rest. */
static int fields(const char *line, size_t len, const char **f, size_t *flen,
                  int want)
{
	const char *p = line, *end = line + len, *sp;
	int n = 0;

	while (n < want) {
		sp = n < want - 1 ? memchr(p, ' ', (size_t)(end - p)) : NULL;
		f[n] = p;
		flen[n] = (size_t)((sp ? sp : end) - p);
		n++;
		if (!sp)
			break;
		p = sp + 1;
	}
	return n;
}

static int parse_line(struct update *u, tg_hook_kind kind, const char *line,
                      size_t len, int lineno)
{
	const char *f[4];
	size_t flen[4];
	int want = kind == TG_HOOK_PRE_PUSH ? 4 : 3, error;

	if (fields(line, len, f, flen, want) != want)
		return tg_error_set(TG_EINVALID,
			"malformed hook input at line %d: expected %s", lineno,
			kind == TG_HOOK_PRE_PUSH ?
			"'<local-ref> <local-oid> <remote-ref> <remote-oid>'" :
			"'<old-oid> <new-oid> <ref>'");
	if (kind == TG_HOOK_PRE_PUSH) {
		/* the remote's view: old is what it has, new what we send */
		error = parse_oid(&u->new, f[1], flen[1], lineno);
		if (error == 0)
			error = parse_oid(&u->old, f[3], flen[3], lineno);
		u->ref = error == 0 ? tg_strndup(f[2], flen[2]) : NULL;
	} else {
		error = parse_oid(&u->old, f[0], flen[0], lineno);
		if (error == 0)
			error = parse_oid(&u->new, f[1], flen[1], lineno);
		u->ref = error == 0 ? tg_strndup(f[2], flen[2]) : NULL;
	}
	if (error == 0 && !u->ref)
		error = tg_error_oom();
	return error;
}

/* A tag's tip is checked only when asked for, and only if it is a commit. */
static int tip_commit(git_oid *out, git_repository *repo, const git_oid *id,
                      const char *ref, bool *skip)
{
	git_object *obj = NULL, *peeled = NULL;
	int error;

	*skip = false;
	error = git_object_lookup(&obj, repo, id, GIT_OBJECT_ANY);
	if (error < 0)
		return tg_error_from_git(error, "cannot read the tip of '%s'", ref);
	error = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
	if (error < 0) {
		git_error_clear();
		*skip = true;	/* a tag of a tree or blob: no documents */
		error = 0;
	} else {
		git_oid_cpy(out, git_object_id(peeled));
	}
	git_object_free(peeled);
	git_object_free(obj);
	return error;
}

/* A configured remote by URL: remote.<name>.url or .pushurl equal to it. */
struct remote_search {
	const char *url;
	char *name;
	bool oom;
};

static int remote_url_entry(const git_config_entry *entry, void *payload)
{
	struct remote_search *rs = payload;
	const char *name = entry->name, *dot = strrchr(entry->name, '.');

	if (rs->name || strncmp(name, "remote.", 7) != 0 || !dot ||
	    dot <= name + 7 || !entry->value || strcmp(entry->value, rs->url) != 0)
		return 0;
	if (strcmp(dot, ".url") != 0 && strcmp(dot, ".pushurl") != 0)
		return 0;
	rs->name = tg_strndup(name + 7, (size_t)(dot - name - 7));
	rs->oom = !rs->name;
	return 1;	/* found: stop */
}

/*
 * pre-push: the glob of the remote-tracking refs that tell what the remote
 * has. git names the remote, or gives its URL when the push named a URL:
 * then a configured remote with that URL stands for it. "" when none
 * does: only the remote's old ids are known. Read from git config by hand:
 * libgit2 1.5's git_remote_lookup() leaks its PCRE2 match data.
 */
static int remote_glob(char **out, git_repository *repo, const char *remote)
{
	struct remote_search rs = { remote, NULL, false };
	git_config *config = NULL;
	git_config_entry *entry = NULL;
	char *key = NULL;
	int error = 0;

	*out = NULL;
	if (!remote || !*remote)
		goto done;
	if (git_repository_config_snapshot(&config, repo) < 0) {
		git_error_clear();
		goto done;	/* no config: nothing is known */
	}
	key = tg_printf("remote.%s.url", remote);
	if (!key) {
		error = tg_error_oom();
		goto done;
	}
	if (git_config_get_entry(&entry, config, key) == 0) {
		rs.name = tg_strdup(remote);
		if (!rs.name)
			error = tg_error_oom();
		goto done;
	}
	git_error_clear();
	if (git_config_foreach(config, remote_url_entry, &rs) != 0)
		git_error_clear();	/* stopped at the match, or unreadable */
	if (rs.oom)
		error = tg_error_oom();
done:
	if (error == 0)
		*out = rs.name ? tg_printf("refs/remotes/%s/*", rs.name)
		               : tg_strdup("");
	if (error == 0 && !*out)
		error = tg_error_oom();
	git_config_entry_free(entry);
	git_config_free(config);
	free(key);
	free(rs.name);
	return error;
}

/* Whether an update writes the policy the next push is judged by. */
static bool is_policy_branch(const tg_policy *policy, const char *ref)
{
	if (policy->source_ref)
		return strcmp(ref, policy->source_ref) == 0;
	return policy->repository_empty && strncmp(ref, "refs/heads/", 11) == 0;
}

/*
 * Refs the server refuses whatever they hold, since they change what a
 * protected branch shows without moving it:
 * - refs/replace/X makes git show another object wherever X is named: a
 *   replace ref of main's tip (or of a blob in its tree) changes what
 *   `git log main`, `git archive main`, a web view and every mirror
 *   clone show. A policy admin may push one.
 * - refs/tags/X and refs/X come before refs/heads/X when git resolves
 *   the name X: a tag called main is what `git log main`, `git archive
 *   main` and `git checkout main` show, on the server and in every clone
 *   that fetched tags. Nobody may shadow a protected branch.
 * A refusal goes on `refusals`; *refused says whether there was one.
 */
static int gate_ref(bool *refused, tg_vec *refusals, git_repository *repo,
                    const char *ref, const tg_policy *policy,
                    const char *pusher)
{
	const char *name = NULL;
	char *s = NULL, *branch = NULL;
	git_oid id;

	*refused = false;
	if (strncmp(ref, "refs/replace/", 13) == 0) {
		if (tg_policy_is_policy_admin(policy, pusher))
			return 0;
		s = tg_printf("%s is refused: a replace ref rewrites what every "
			"ref shows (git log, git archive, mirrors) without a check; "
			"only a policy admin (threatgate.policyAdmin, with "
			"threatgate.pusher) may push one%s", ref, pusher ? "" :
			", and this server does not know who pushes");
		goto refuse;
	}
	if (strncmp(ref, "refs/tags/", 10) == 0)
		name = ref + 10;
	else if (strncmp(ref, "refs/", 5) == 0 && strncmp(ref, "refs/heads/", 11) &&
	         strncmp(ref, "refs/remotes/", 13))
		name = ref + 5;
	if (!name || !*name)
		return 0;
	branch = tg_printf("refs/heads/%s", name);
	if (!branch)
		return tg_error_oom();
	/* a protected branch the server has: the policy branch, or another */
	if (!tg_policy_ref_protected(policy, branch) ||
	    (!(policy->source_ref && strcmp(policy->source_ref, branch) == 0) &&
	     git_reference_name_to_id(&id, repo, branch) != 0)) {
		git_error_clear();
		free(branch);
		return 0;
	}
	s = tg_printf("%s is refused: it shadows the protected branch %s (git "
		"resolves '%s' to %s first, on the server and in every clone); "
		"name it otherwise", ref, branch, name, ref);
	free(branch);
refuse:
	if (!s || tg_vec_push(refusals, s) < 0) {
		free(s);
		return tg_error_oom();
	}
	*refused = true;
	return 0;
}

/*
 * The policy branch deleted: the next push would find HEAD naming no
 * branch (every push refused) or, with no branch left, an empty server
 * judged by the built-in defaults (no reviewers, any sign-off counts).
 * A policy admin may delete it.
 */
static int gate_deletion(bool *refused, tg_vec *refusals, const char *ref,
                         const tg_policy *policy, const char *pusher)
{
	char *s;

	*refused = false;
	if (!policy->source_ref || strcmp(ref, policy->source_ref) != 0 ||
	    tg_policy_is_policy_admin(policy, pusher))
		return 0;
	s = tg_printf("deleting %s is refused: it is the policy branch, whose "
		".threatgate judges every push (without it the server has no "
		"policy, or only the built-in defaults); only a policy admin "
		"(threatgate.policyAdmin, with threatgate.pusher) may delete it",
		ref);
	if (!s || tg_vec_push(refusals, s) < 0) {
		free(s);
		return tg_error_oom();
	}
	*refused = true;
	return 0;
}

/* The hook's standard input, read one update at a time. */
struct update_reader {
	const char *p, *end;
	tg_hook_kind kind;
	int lineno;
	tg_vec *refusals;	/* pre-receive: refs refused by name (gate_ref) */
	const char *pusher;
	git_repository *repo;
};

/*
 * The next update to check into *u (the caller frees u->ref): 1, or 0 at
 * the end of the input. Deletions, and tags unless the policy checks
 * them, are passed over; blank lines still count for the line numbers.
 */
static int next_update(struct update *u, struct update_reader *r,
                       const tg_policy *policy)
{
	while (r->p < r->end) {
		const char *line = r->p;
		const char *eol = memchr(line, '\n', (size_t)(r->end - line));
		size_t n;
		int error;

		if (!eol)
			eol = r->end;
		r->p = eol < r->end ? eol + 1 : r->end;
		n = (size_t)(eol - line);
		if (n > 0 && line[n - 1] == '\r')
			n--;
		r->lineno++;
		if (n == 0)
			continue;
		memset(u, 0, sizeof(*u));
		error = parse_line(u, r->kind, line, n, r->lineno);
		if (error < 0)
			return error;
		if (r->refusals) {
			bool refused;

			error = git_oid_is_zero(&u->new)
				? gate_deletion(&refused, r->refusals, u->ref, policy,
				                r->pusher)
				: gate_ref(&refused, r->refusals, r->repo, u->ref,
				           policy, r->pusher);
			if (error < 0 || refused) {
				free(u->ref);	/* refused whatever it holds */
				u->ref = NULL;
				if (error < 0)
					return error;
				continue;
			}
		}
		if (git_oid_is_zero(&u->new) ||
		    (strncmp(u->ref, "refs/tags/", 10) == 0 && !policy->check_tags)) {
			free(u->ref);	/* a deletion, or a tag */
			u->ref = NULL;
			continue;
		}
		return 1;
	}
	return 0;
}

int tg_changes_add_receive(tg_changes *protected_refs, tg_changes *other,
                           git_repository *repo, const char *input,
                           size_t len, const tg_policy *policy)
{
	struct update_reader r = { .p = input, .end = input + len,
	                           .kind = TG_HOOK_PRE_RECEIVE,
	                           .refusals = &protected_refs->refusals,
	                           .pusher = protected_refs->pusher,
	                           .repo = repo };
	const char *base_hex = tg_policy_source_commit(policy);
	struct update u;
	git_oid tip, base;
	bool skip, have_base = false;
	int error;

	if (base_hex && git_oid_fromstr(&base, base_hex) == 0)
		have_base = true;
	while ((error = next_update(&u, &r, policy)) > 0) {
		if (tg_git__deadline_passed(protected_refs)) {
			free(u.ref);
			return tg_error_set(TG_ELIMIT, "time budget exhausted at ref "
				"update %d of the push (threatgate.timeout)", r.lineno);
		}
		error = tip_commit(&tip, repo, &u.new, u.ref, &skip);
		if (error == 0 && !skip && is_policy_branch(policy, u.ref))
			error = tg_git__gate_policy(&protected_refs->refusals, repo,
				u.ref, git_oid_is_zero(&u.old) ? NULL : &u.old, &tip,
				policy, protected_refs->pusher);
		if (error == 0 && !skip)
			error = tg_changes__add_update(
				tg_policy_ref_protected(policy, u.ref) ? protected_refs
				                                       : other,
				repo, u.ref, &u.old, &tip, have_base ? &base : NULL,
				policy);
		free(u.ref);
		if (error < 0)
			return error;
	}
	return error;
}

int tg_changes_add_hook_input(tg_changes *changes, git_repository *repo,
                              tg_hook_kind kind, const char *input, size_t len,
                              const char *remote, const tg_policy *policy)
{
	struct update_reader r = { .p = input, .end = input + len,
	                           .kind = kind };
	struct update u;
	char *known = NULL;
	git_oid tip;
	bool skip;
	int error;

	if (kind == TG_HOOK_PRE_RECEIVE)
		return tg_changes_add_receive(changes, changes, repo, input, len,
		                              policy);
	error = remote_glob(&known, repo, remote);
	if (error < 0)
		return error;
	while ((error = next_update(&u, &r, policy)) > 0) {
		error = tip_commit(&tip, repo, &u.new, u.ref, &skip);
		if (error == 0 && !skip)
			error = tg_changes_add_push(changes, repo, &u.old, &tip,
			                            known, policy);
		free(u.ref);
		if (error < 0)
			break;
	}
	free(known);
	return error;
}
