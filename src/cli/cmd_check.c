/*
 * threatgate check [FILE|DIR...]: parse the flags, have the library
 * collect and check the documents (tg_changes_add_files for files,
 * folders and the work tree; the git modes --staged, --range, --all in
 * check_git.c), write the report and pick the exit code. The helpers
 * shared with the other subcommands are in common.c.
 */
#include <stdlib.h>
#include "cli/cli.h"
#include "util/banned.h"

static const char check_help[] =
"usage: threatgate check [options] [FILE|DIR...]\n"
"   or: threatgate check [options] --staged\n"
"   or: threatgate check [options] --range A..B | --range A...B\n"
"   or: threatgate check [options] --all [--rev REV]\n"
"\n"
"Check design documents against the policy. With no FILE or DIR, every\n"
"file of the work tree whose path matches the document globs\n"
"(threatgate.docs) is checked; a DIR is walked with the same filter; a\n"
"FILE is always checked. .git, symbolic links, submodules and ignored\n"
"files are skipped.\n"
"\n"
"Git modes:\n"
"  --staged              the documents as staged in the index (the next commit)\n"
"  --range A..B          the documents changed between A and B\n"
"                        (A...B: changed since the merge base of A and B)\n"
"  --all                 every design document at a revision\n"
"  --rev REV             the revision for --all (default: HEAD)\n"
"  --approvals FILE      with --range: the pull request's approvals, as\n"
"                        hooks/pr-approvals writes them; a security\n"
"                        reviewer's approval given where the design is as\n"
"                        at B counts as its sign-off\n"
"\n"
"Options:\n"
"  --repo DIR            repository (default: found from the current directory)\n"
"  --config FILE         policy file to use instead of .threatgate\n"
"  --policy-rev REV      read .threatgate from REV (a pull request's base)\n"
"  --format FORMAT       text (default), json, sarif, markdown, github, gitlab\n"
"  -o, --output FILE     write the report to FILE instead of standard output\n"
"  --fail-on LEVEL       exit 1 on findings at or above LEVEL: error (default),\n"
"                        warning or never\n"
"  --color WHEN          colour text output: auto (default), always or never\n"
"  -q, --quiet           print nothing when there is nothing to report\n"
"  --forge-url URL       link findings to URL/blob/REV/PATH#LN (markdown);\n"
"                        default: from GITHUB_SERVER_URL/GITHUB_REPOSITORY\n"
"                        or CI_PROJECT_URL\n"
"  --head REV            the revision links point at (default: the commit\n"
"                        checked, or GITHUB_SHA / CI_COMMIT_SHA)\n"
"  --no-pass-comment     markdown: write nothing when nothing blocks\n"
"  --max-findings N      text: show at most N findings (default: all),\n"
"                        then how many more in how many documents\n"
"  --verbose             say which policy was read, and which paths were\n"
"                        taken as design documents and why\n"
"  -h, --help            show this help\n"
"\n"
"Exit status: 0 nothing at or above --fail-on, 1 findings at or above\n"
"--fail-on, 2 usage, policy or repository error.\n";

/* --verbose: why a path of the walk is taken, or only noted. */
static void verbose_path(const char *path, const char *display, bool named,
                         void *payload)
{
	const struct cli_options *opts = ((const void *const *)payload)[0];
	const tg_policy *policy = ((const void *const *)payload)[1];

	cli_verbose_document(opts, policy, path, display, named);
}

/*
 * check [FILE|DIR...]: the library walks the work tree (or the operands)
 * and checks what it found, as it checks the git modes' documents.
 */
static int check_work_tree(const struct cli_options *opts,
                           tg_findings *findings, tg_policy **policy_out)
{
	tg_files_options files = TG_FILES_OPTIONS_INIT;
	git_repository *repo = NULL;
	tg_policy *policy = NULL;
	tg_changes *changes = NULL;
	const void *verbose[2];
	char *root = NULL;
	int error;

	*policy_out = NULL;
	error = cli_repo_open(&repo, opts, false);
	if (error < 0)
		goto done;
	error = cli_work_root(&root, repo);
	if (error < 0)
		goto done;
	error = cli_policy_load(&policy, opts, repo, root);
	if (error < 0)
		goto done;
	error = tg_changes_new(&changes);
	if (error < 0)
		goto done;
	/* Text shows findings only: skip trigger scans no rule needs. */
	tg_changes_set_lazy_triggers(changes, !(tg_report_needs(opts->format) &
	                                       TG_REPORT_NEEDS_TRIGGERS));
	files.root = root;
	files.paths = (const char *const *)opts->args;
	files.paths_count = opts->nargs > 0 ? (size_t)opts->nargs : 0;
	if (opts->verbose) {
		verbose[0] = opts;
		verbose[1] = policy;
		files.on_path = verbose_path;
		files.payload = verbose;
	}
	error = tg_changes_add_files(changes, repo, &files, policy);
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
	free(root);
	git_repository_free(repo);
	return error;
}

int cli_check_collect(const struct cli_options *opts, tg_findings *findings,
                      tg_policy **policy_out)
{
	if (cli_opts_git_mode(opts))
		return cli_check_git(opts, findings, policy_out);
	return check_work_tree(opts, findings, policy_out);
}

int cli_cmd_check(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	tg_findings *findings = NULL;
	tg_policy *policy = NULL;
	int error, code = CLI_EXIT_USAGE;

	error = cli_opts_parse(&opts, argc, argv, CLI_OPT_POLICY |
	                       CLI_OPT_REPORT | CLI_OPT_GIT | CLI_OPT_REV,
	                       check_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);

	error = tg_findings_new(&findings);
	if (error < 0)
		goto done;
	error = cli_check_collect(&opts, findings, &policy);
	if (error < 0)
		goto done;
	if (opts.verbose && cli_opts_git_mode(&opts)) {
		size_t i;

		/* A git mode takes the paths that match a glob, and only those. */
		for (i = 0; i < tg_findings_document_count(findings); i++)
			cli_verbose_document(&opts, policy,
				tg_findings_document(findings, i)->path, NULL,
				false);
	}

	tg_findings_sort(findings);
	opts.policy = policy;
	error = cli_report_write(&opts, findings, stdout);
	if (error < 0)
		goto done;
	code = cli_exit_code(findings, policy);
done:
	if (error < 0)
		code = cli_fail();
	tg_policy_free(policy);
	tg_findings_free(findings);
	return code;
}
