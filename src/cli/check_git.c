/*
 * The git modes of `threatgate check`: --staged, --range A..B|A...B and
 * --all [--rev REV]. Documents are read from the index or from commits,
 * never from the work tree.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

/* An optional string member; false when it is there but not a string. */
static bool opt_str(const char **out, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	*out = json_is_string(v) ? json_string_value(v) : NULL;
	return !v || json_is_null(v) || json_is_string(v);
}

int cli_approvals_load(tg_changes *changes, const char *path)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *list;
	tg_approval *approvals = NULL;
	const char *author = NULL;
	size_t i, n = 0;
	int error = 0;

	if (!root) {
		error = tg_error_set(TG_EINVALID, "cannot read the approvals '%s': "
			"%s (line %d); hooks/pr-approvals writes them", path,
			jerr.text, jerr.line);
		goto done;
	}
	list = json_object_get(root, "approvals");
	if (!json_is_object(root) || !json_is_array(list) ||
	    !opt_str(&author, root, "author")) {
		error = tg_error_set(TG_EINVALID, "'%s' is not an approvals file: "
			"expected {\"approvals\": [...]} as hooks/pr-approvals writes "
			"it", path);
		goto done;
	}
	n = json_array_size(list);
	approvals = calloc(n ? n : 1, sizeof(*approvals));
	if (!approvals) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		const json_t *a = json_array_get(list, i);

		if (!json_is_object(a) ||
		    !opt_str(&approvals[i].login, a, "login") ||
		    !opt_str(&approvals[i].email, a, "email") ||
		    !opt_str(&approvals[i].commit, a, "commit") ||
		    (!approvals[i].login && !approvals[i].email)) {
			error = tg_error_set(TG_EINVALID, "'%s': approval %zu must "
				"be an object with a \"login\" or an \"email\" (and a "
				"\"commit\"), strings", path, i + 1);
			goto done;
		}
	}
	error = tg_changes_set_approvals(changes, approvals, n, author);
done:
	free(approvals);
	json_decref(root);
	return error;
}

int cli_check_git(const struct cli_options *opts, tg_findings *findings,
                  tg_policy **policy_out)
{
	git_repository *repo = NULL;
	tg_policy *policy = NULL;
	tg_changes *changes = NULL;
	int error;

	*policy_out = NULL;
	error = cli_repo_open(&repo, opts, true);
	if (error < 0)
		goto done;
	error = cli_policy_load_git(&policy, opts, repo);
	if (error < 0)
		goto done;
	/* A range is what a pull request merges: its check is the merge gate. */
	if (opts->range)
		tg_policy_set_stage(policy, TG_STAGE_CI);
	error = tg_changes_new(&changes);
	if (error < 0)
		goto done;
	tg_changes_set_lazy_triggers(changes, !(tg_report_needs(opts->format) &
	                                       TG_REPORT_NEEDS_TRIGGERS));
	if (opts->approvals)
		error = cli_approvals_load(changes, opts->approvals);
	if (error < 0)
		goto done;
	if (opts->staged)
		error = tg_changes_add_staged(changes, repo, policy);
	else if (opts->range)
		error = tg_changes_add_range(changes, repo, opts->range, policy);
	else
		error = tg_changes_add_all(changes, repo, opts->rev, policy);
	if (error < 0)
		goto done;
	error = tg_changes_check(findings, repo, changes, policy);
	if (error < 0)
		goto done;
	*policy_out = policy;
	policy = NULL;
done:
	tg_changes_free(changes);
	tg_policy_free(policy);
	git_repository_free(repo);
	return error;
}
