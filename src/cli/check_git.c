/*
 * The git modes of `threatgate check`: --staged, --range A..B|A...B and
 * --all [--rev REV]. Documents are read from the index or from commits,
 * never from the work tree.
 */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

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
