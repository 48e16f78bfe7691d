/*
 * The policy of a repository: its work tree's .threatgate, --config,
 * --policy-rev, or a bare repository's default branch, then git config.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "git.h"
#include "util/banned.h"

/* A tree entry is a file when git reads its mode as one (100644, 100664...). */
bool tg_git__mode_is_file(unsigned int mode)
{
	return (mode & 0170000) == 0100000;
}

const char *tg_git__mode_kind(unsigned int mode)
{
	switch (mode & 0170000) {
	case 0120000:
		return "a symbolic link";
	case 0160000:
		return "a submodule";
	case 0040000:
		return "a directory";
	default:
		return tg_git__mode_is_file(mode) ? "a file" : "not a file";
	}
}

/*
 * The bytes of `path` in a commit's tree; *found false when it has
 * none. Anything but a regular file there is an error that says what
 * it is: a policy is never read through a link.
 */
int tg_git__read_tree_file(char **out, size_t *len, bool *found,
                           git_repository *repo, const git_oid *commit_id,
                           const char *path, const char *what,
                           const char *where)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	unsigned int mode;
	int error;

	*out = NULL;
	*len = 0;
	*found = false;
	error = git_commit_lookup(&commit, repo, commit_id);
	if (error == 0)
		error = git_commit_tree(&tree, commit);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read %s", where);
		goto done;
	}
	error = git_tree_entry_bypath(&entry, tree, path);
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		error = 0;
		goto done;
	}
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read %s '%s' at %s", what,
		                          path, where);
		goto done;
	}
	*found = true;
	mode = (unsigned int)git_tree_entry_filemode_raw(entry);
	if (!tg_git__mode_is_file(mode)) {
		error = tg_error_set(TG_EINVALID, "%s '%s' at %s is %s (mode "
			"%06o), not a regular file: threatgate reads only regular "
			"files", what, path, where, tg_git__mode_kind(mode), mode);
		goto done;
	}
	error = git_blob_lookup(&blob, repo, git_tree_entry_id(entry));
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read %s '%s' at %s", what,
		                          path, where);
		goto done;
	}
	if (git_blob_rawsize(blob) > (git_object_size_t)(1u << 20)) {
		error = tg_error_set(TG_ELIMIT, "%s '%s' at %s is over 1 MiB", what,
		                     path, where);
		goto done;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*out = malloc(*len + 1);
	if (!*out) {
		error = tg_error_oom();
		goto done;
	}
	memcpy(*out, git_blob_rawcontent(blob), *len);
	(*out)[*len] = '\0';
done:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}

/* `.threatgate` from a revision's tree; *found false when it has none. */
static int load_from_commit(tg_policy *policy, git_repository *repo,
                            const git_oid *commit, const char *where,
                            bool *found)
{
	char *data = NULL, *name = NULL;
	size_t len = 0;
	int error;

	error = tg_git__read_tree_file(&data, &len, found, repo, commit,
	                               ".threatgate", "policy", where);
	if (error < 0 || !*found)
		goto done;
	name = tg_printf("%s:.threatgate", where);
	error = name ? tg_policy_load_buffer(policy, name, data, len)
	             : tg_error_oom();
done:
	free(name);
	free(data);
	return error;
}

static int load_from_rev(tg_policy *policy, git_repository *repo,
                         const char *rev, git_oid *commit, bool *found)
{
	int error;

	*found = false;
	error = tg_git__resolve_commit(commit, repo, rev);
	if (error < 0)
		return error;
	return load_from_commit(policy, repo, commit, rev, found);
}

/*
 * A file the policy names (the exceptions file, the baseline), from the
 * commit the policy came from, handed to `load`. A missing exceptions
 * file is an error; a missing baseline waives nothing (`missing_ok`).
 */
static int policy_file_from_commit(tg_policy *policy, git_repository *repo,
	const git_oid *commit, const char *where, const char *path,
	const char *what, bool missing_ok,
	int (*load)(tg_policy *, const char *, const char *, size_t))
{
	static const char empty_baseline[] = "{\"version\": 1, \"findings\": []}";
	char *data = NULL, *name = NULL;
	size_t len = 0;
	bool found = false;
	int error;

	if (!path || path[0] == '/')
		return 0;	/* none, or the server's own file */
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	error = tg_git__read_tree_file(&data, &len, &found, repo, commit, path,
	                               what, where);
	if (error < 0)
		goto done;
	name = tg_printf("%s:%s", where, path);
	if (!name) {
		error = tg_error_oom();
		goto done;
	}
	if (!found && missing_ok) {
		error = load(policy, name, empty_baseline,
		             sizeof(empty_baseline) - 1);
		goto done;
	}
	if (!found) {
		error = tg_error_set(TG_ENOTFOUND, "cannot read %s '%s': no such "
			"file", what, name);
		goto done;
	}
	error = load(policy, name, data, len);
done:
	free(name);
	free(data);
	return error;
}

/* The exceptions file and the baseline of the policy, from its commit. */
static int files_from_commit(tg_policy *policy, git_repository *repo,
                             const git_oid *commit, const char *where)
{
	int error;

	error = policy_file_from_commit(policy, repo, commit, where,
		policy->exceptions_path, "exceptions file", false,
		tg_policy_load_exceptions_buffer);
	if (error == 0)
		error = policy_file_from_commit(policy, repo, commit, where,
			policy->baseline_path, "baseline", true,
			tg_policy_load_baseline_buffer);
	return error;
}

/* Whether the repository has any branch at all. */
static int has_branches(bool *out, git_repository *repo)
{
	git_reference_iterator *iter = NULL;
	const char *name = NULL;
	int error;

	*out = false;
	error = git_reference_iterator_glob_new(&iter, repo, "refs/heads/*");
	if (error == 0) {
		error = git_reference_next_name(&name, iter);
		*out = error == 0;
		if (error == GIT_ITEROVER)
			error = 0;
	}
	git_reference_iterator_free(iter);
	return error < 0 ? tg_error_from_git(error, "cannot read the branches")
	                 : 0;
}

/*
 * The branch a bare repository's policy lives on: threatgate.policyBranch
 * when the server's config names one, else the branch HEAD names. NULL
 * with *empty when the repository has no branch yet. HEAD naming a branch
 * that does not exist while others do is an error: guessing would let
 * whoever pushes that branch write the policy.
 */
static int policy_branch(char **out, bool *empty, git_repository *repo,
                         git_config *config)
{
	git_reference *head = NULL, *ref = NULL;
	git_buf value = GIT_BUF_INIT;
	char *name = NULL;
	bool any = false, configured = false;
	int error;

	*out = NULL;
	*empty = false;
	if (git_config_get_string_buf(&value, config,
	                              "threatgate.policybranch") == 0 &&
	    value.size > 0) {
		configured = true;
		name = strncmp(value.ptr, "refs/", 5) == 0 ? tg_strdup(value.ptr)
			: tg_printf("refs/heads/%s", value.ptr);
	} else {
		git_error_clear();
		error = git_reference_lookup(&head, repo, "HEAD");
		if (error < 0) {
			error = tg_error_from_git(error, "cannot read HEAD");
			goto done;
		}
		if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
			error = tg_error_set(TG_EINVALID, "HEAD of this repository is "
				"detached: say which branch holds the policy with "
				"'git symbolic-ref HEAD refs/heads/main' or 'git config "
				"threatgate.policyBranch main'");
			goto done;
		}
		name = tg_strdup(git_reference_symbolic_target(head));
	}
	if (!name) {
		error = tg_error_oom();
		goto done;
	}
	error = git_reference_lookup(&ref, repo, name);
	if (error == 0) {
		*out = name;
		name = NULL;
		goto done;
	}
	if (error != GIT_ENOTFOUND) {
		error = tg_error_from_git(error, "cannot read '%s'", name);
		goto done;
	}
	git_error_clear();
	error = has_branches(&any, repo);
	if (error < 0)
		goto done;
	if (!any) {
		*empty = true;	/* nothing pushed yet */
		goto done;
	}
	error = configured ?
		tg_error_set(TG_EINVALID, "threatgate.policyBranch names '%s', "
			"which does not exist: the policy cannot be read; create it "
			"or fix the setting with 'git config threatgate.policyBranch "
			"main'", name) :
		tg_error_set(TG_EINVALID, "HEAD names '%s', which does not "
			"exist, while other branches do: which branch holds the "
			"policy is not guessed; point HEAD at it with 'git "
			"symbolic-ref HEAD refs/heads/main' or set 'git config "
			"threatgate.policyBranch main'", name);
done:
	git_buf_dispose(&value);
	git_reference_free(ref);
	git_reference_free(head);
	free(name);
	return error;
}

/*
 * A bare repository (a server): the policy is `.threatgate` at the
 * policy branch before the push, read once from one commit, and so is
 * the exceptions file; threatgate.lockPolicy reads neither.
 */
static int load_bare(tg_policy *policy, git_repository *repo,
                     git_config *config)
{
	git_oid commit;
	char hex[GIT_OID_HEXSZ + 1];
	char *branch = NULL, *where = NULL;
	bool found = false, empty = false;
	int lock = 0, error;

	error = policy_branch(&branch, &empty, repo, config);
	if (error < 0)
		goto done;
	policy->repository_empty = empty;
	if (!branch)
		goto done;
	error = git_reference_name_to_id(&commit, repo, branch);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read '%s'", branch);
		goto done;
	}
	git_oid_tostr(hex, sizeof(hex), &commit);
	where = tg_printf("%s (%.12s)", branch, hex);
	policy->source_ref = tg_strdup(branch);
	if (!where || !policy->source_ref) {
		error = tg_error_oom();
		goto done;
	}
	memcpy(policy->source_commit, hex, sizeof(policy->source_commit));
	if (git_config_get_bool(&lock, config, "threatgate.lockpolicy") < 0) {
		git_error_clear();
		lock = 0;
	}
	if (!lock)
		error = load_from_commit(policy, repo, &commit, where, &found);
done:
	free(where);
	free(branch);
	return error;
}

int tg_git__policy_at(tg_policy **out, git_repository *repo,
                      const git_oid *commit, const char *where)
{
	tg_policy *policy = NULL;
	git_config *config = NULL;
	bool found = false;
	int error;

	*out = NULL;
	error = tg_policy_new(&policy);
	if (error == 0)
		error = load_from_commit(policy, repo, commit, where, &found);
	if (error == 0) {
		error = git_repository_config_snapshot(&config, repo);
		if (error < 0)
			error = tg_error_from_git(error, "cannot read git config");
	}
	if (error == 0)
		error = tg_policy_load_git_config(policy, config);
	if (error == 0)
		error = files_from_commit(policy, repo, commit, where);
	if (error == 0)
		error = tg_policy_finalize(policy, NULL);
	if (error == 0) {
		*out = policy;
		policy = NULL;
	}
	git_config_free(config);
	tg_policy_free(policy);
	return error;
}

int tg_policy_load_repository(tg_policy **out, git_repository *repo,
                              const char *policy_rev, const char *config_path)
{
	tg_policy *policy = NULL;
	git_config *config = NULL;
	char *file = NULL;
	const char *root = NULL;
	git_oid rev_commit;
	bool found, from_rev = false, bare = false;
	int error;

	*out = NULL;
	error = tg_policy_new(&policy);
	if (error < 0)
		return error;
	if (repo)
		root = git_repository_workdir(repo);
	if (repo)
		error = git_repository_config_snapshot(&config, repo);
	else
		error = git_config_open_default(&config);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read git config");
		goto done;
	}

	if (config_path) {
		error = tg_policy_load_file(policy, config_path);
	} else if (policy_rev) {
		error = load_from_rev(policy, repo, policy_rev, &rev_commit, &found);
		from_rev = error == 0;
	} else if (repo && git_repository_is_bare(repo)) {
		bare = true;
		error = load_bare(policy, repo, config);
	} else if (root) {
		file = tg_printf("%s.threatgate", root);
		if (!file)
			error = tg_error_oom();
		else
			error = tg_policy_load_file(policy, file);
		if (error == TG_ENOTFOUND) {
			tg_error_clear();
			error = 0;
		}
	}
	if (error < 0)
		goto done;

	error = tg_policy_load_git_config(policy, config);
	if (error < 0)
		goto done;
	/*
	 * The exceptions file and the baseline come from the revision the
	 * policy came from.
	 */
	if (from_rev) {
		error = files_from_commit(policy, repo, &rev_commit, policy_rev);
	} else if (bare && policy->source_ref &&
	           git_oid_fromstr(&rev_commit, policy->source_commit) == 0) {
		error = files_from_commit(policy, repo, &rev_commit,
		                          policy->source_ref);
	} else if (bare) {
		/* nothing pushed yet */
		if (policy->exceptions_path && policy->exceptions_path[0] != '/')
			policy->exceptions_loaded = true;
		if (policy->baseline_path && policy->baseline_path[0] != '/')
			policy->baseline_loaded = true;
	}
	if (error == 0)
		error = tg_policy_finalize(policy, root);
	if (error < 0)
		goto done;
	*out = policy;
	policy = NULL;
done:
	git_config_free(config);
	free(file);
	tg_policy_free(policy);
	return error;
}

/*
 * The commits a shallow clone has no parents for (`shallow` in the git
 * directory, one id a line). libgit2 1.5 does not know them: its walks
 * fail on the missing parents.
 */
int tg_git__read_shallow(tg_oidset *roots, git_repository *repo)
{
	char *path = NULL;
	char line[128];
	git_oid id;
	FILE *f = NULL;
	int error = 0;

	path = tg_printf("%sshallow", git_repository_commondir(repo));
	if (!path)
		return tg_error_oom();
	f = fopen(path, "r");
	if (!f)
		goto done;	/* not shallow after all */
	while (error >= 0 && fgets(line, sizeof(line), f)) {
		if (strlen(line) < GIT_OID_HEXSZ ||
		    git_oid_fromstrn(&id, line, GIT_OID_HEXSZ) < 0) {
			git_error_clear();
			continue;
		}
		error = tg_oidset_add(roots, &id);
	}
	if (error > 0)
		error = 0;
done:
	if (f)
		fclose(f);
	free(path);
	return error;
}
