/*
 * The policy of a repository: its work tree's .threatgate, --config,
 * --policy-rev, or a bare repository's default branch, then git config.
 */
#include <stdlib.h>
#include <string.h>
#include "git.h"
#include "util/banned.h"

/* `.threatgate` from a revision's tree; *found false when it has none. */
static int load_from_rev(tg_policy *policy, git_repository *repo,
                         const char *rev, bool *found)
{
	git_object *obj = NULL;
	git_blob *blob = NULL;
	char *spec = NULL, *name = NULL;
	int error;

	*found = false;
	spec = tg_printf("%s:.threatgate", rev);
	name = spec ? tg_strdup(spec) : NULL;
	if (!spec || !name) {
		error = tg_error_oom();
		goto done;
	}
	error = git_revparse_single(&obj, repo, rev);
	if (error < 0) {
		error = tg_error_from_git(error, "unknown revision '%s'", rev);
		goto done;
	}
	git_object_free(obj);
	obj = NULL;
	error = git_revparse_single(&obj, repo, spec);
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		error = 0;	/* no policy file there: the defaults */
		goto done;
	}
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read '%s'", spec);
		goto done;
	}
	error = git_object_peel((git_object **)&blob, obj, GIT_OBJECT_BLOB);
	if (error < 0) {
		error = tg_error_from_git(error, "'%s' is not a file", spec);
		goto done;
	}
	*found = true;
	error = tg_policy_load_buffer(policy, name, git_blob_rawcontent(blob),
	                              (size_t)git_blob_rawsize(blob));
done:
	git_blob_free(blob);
	git_object_free(obj);
	free(name);
	free(spec);
	return error;
}

/*
 * A bare repository has no work tree: its policy is `.threatgate` at its
 * default branch (where HEAD points), as it is before any push lands.
 */
static int default_branch(char **out, git_repository *repo)
{
	git_reference *head = NULL;
	int error;

	*out = NULL;
	error = git_reference_lookup(&head, repo, "HEAD");
	if (error < 0)
		return tg_error_from_git(error, "cannot read HEAD");
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC)
		*out = tg_strdup(git_reference_symbolic_target(head));
	else
		*out = tg_strdup("HEAD");
	git_reference_free(head);
	return *out ? 0 : tg_error_oom();
}

int tg_policy_load_repository(tg_policy **out, git_repository *repo,
                              const char *policy_rev, const char *config_path)
{
	tg_policy *policy = NULL;
	git_config *config = NULL;
	char *branch = NULL, *file = NULL;
	const char *root = NULL;
	bool found;
	int error;

	*out = NULL;
	error = tg_policy_new(&policy);
	if (error < 0)
		return error;
	if (repo)
		root = git_repository_workdir(repo);

	if (config_path) {
		error = tg_policy_load_file(policy, config_path);
	} else if (policy_rev) {
		error = load_from_rev(policy, repo, policy_rev, &found);
	} else if (repo && git_repository_is_bare(repo)) {
		error = default_branch(&branch, repo);
		if (error == 0) {
			error = load_from_rev(policy, repo, branch, &found);
			if (error == TG_ENOTFOUND) {
				/* an empty repository: nothing pushed yet */
				tg_error_clear();
				error = 0;
			}
		}
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

	if (repo)
		error = git_repository_config_snapshot(&config, repo);
	else
		error = git_config_open_default(&config);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read git config");
		goto done;
	}
	error = tg_policy_load_git_config(policy, config);
	if (error == 0)
		error = tg_policy_finalize(policy, root);
	if (error < 0)
		goto done;
	*out = policy;
	policy = NULL;
done:
	git_config_free(config);
	free(file);
	free(branch);
	tg_policy_free(policy);
	return error;
}
