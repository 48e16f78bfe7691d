/*
 * threatgate annotate [--range A..B | --rev REV]: check the documents a
 * range changed (or every document at REV) and store the report as a git
 * note under refs/notes/threatgate on the tip commit, replacing the note
 * an earlier run left there. `git log --notes=threatgate` then shows the
 * verdict next to each commit; hooks/post-receive does this on a server
 * for every branch a push updates.
 *
 * annotate records; it does not gate: it exits 0 once the note is
 * written, whatever the findings, and 2 when it cannot check or write.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

#define NOTES_REF "refs/notes/threatgate"

static const char annotate_help[] =
"usage: threatgate annotate [options] [--range A..B | --rev REV]\n"
"\n"
"Check the design documents that A..B changed (A...B: since the merge\n"
"base), or every design document at REV, and store the report as a git\n"
"note under " NOTES_REF " on the tip commit (B or REV), replacing\n"
"an older note there. Without --range or --rev: what HEAD changed against\n"
"its first parent (a merge: what the merge brought). See the notes with\n"
"'git log --notes=threatgate'.\n"
"\n"
"Options:\n"
"  --range A..B          the documents changed between A and B\n"
"  --rev REV             every design document at REV\n"
"  --repo DIR            repository (default: found from the current directory)\n"
"  --config FILE         policy file to use instead of .threatgate\n"
"  --policy-rev REV      read .threatgate from REV\n"
"  --approvals FILE      with --range: the pull request's approvals\n"
"                        (hooks/pr-approvals), as for check\n"
"  --format FORMAT       the note's format: text (default), json, sarif,\n"
"                        markdown, github or gitlab\n"
"  -o, --output FILE     also write the report to FILE\n"
"  --fail-on LEVEL       what the verdict calls blocking: error (default),\n"
"                        warning or never\n"
"  -q, --quiet           do not say which commit got the note\n"
"  -h, --help            show this help\n"
"\n"
"Exit status: 0 the note was written (whatever the findings), 2 usage,\n"
"policy or repository error, or the note could not be written.\n";

/* The commit a range ends at, or REV's commit. */
static int resolve_tip(git_oid *out, git_repository *repo, const char *spec,
                       bool is_range)
{
	git_revspec revspec;
	git_object *commit = NULL;
	int error;

	memset(&revspec, 0, sizeof(revspec));
	if (is_range)
		error = git_revparse(&revspec, repo, spec);
	else
		error = git_revparse_single(&revspec.to, repo, spec);
	if (error < 0) {
		error = tg_error_from_git(error, "unknown revision '%s'", spec);
		goto done;
	}
	if (!revspec.to) {
		error = tg_error_set(TG_EINVALID, "'%s' names no tip", spec);
		goto done;
	}
	error = git_object_peel(&commit, revspec.to, GIT_OBJECT_COMMIT);
	if (error < 0) {
		error = tg_error_from_git(error, "'%s' is not a commit", spec);
		goto done;
	}
	git_oid_cpy(out, git_object_id(commit));
done:
	git_object_free(commit);
	git_object_free(revspec.from);
	git_object_free(revspec.to);
	return error;
}

/*
 * Without --range or --rev: "PARENT..HEAD" for HEAD's first parent, or
 * NULL (every document at HEAD) for a root commit; *shown gets the same
 * with abbreviated ids, for the note. Caller frees both.
 */
static int default_range(char **out, char **shown, git_repository *repo)
{
	git_commit *head = NULL;
	git_object *obj = NULL;
	char parent[GIT_OID_HEXSZ + 1], tip[GIT_OID_HEXSZ + 1];
	int error;

	*out = NULL;
	*shown = NULL;
	error = git_revparse_single(&obj, repo, "HEAD");
	if (error == 0)
		error = git_object_peel((git_object **)&head, obj,
		                        GIT_OBJECT_COMMIT);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read HEAD");
		goto done;
	}
	if (git_commit_parentcount(head) == 0)
		goto done;
	git_oid_tostr(parent, sizeof(parent), git_commit_parent_id(head, 0));
	git_oid_tostr(tip, sizeof(tip), git_commit_id(head));
	*out = tg_printf("%s..%s", parent, tip);
	*shown = tg_printf("%.12s..%.12s", parent, tip);
	if (!*out || !*shown)
		error = tg_error_oom();
done:
	git_commit_free(head);
	git_object_free(obj);
	return error;
}

/* How a sign-off was given, in the note's words. */
static const char *means(const char *via)
{
	if (via && strcmp(via, "pusher") == 0)
		return "pushed by the reviewer as the authenticated pusher";
	if (via && strcmp(via, "approval") == 0)
		return "an approval of the pull request";
	return "a sign-off line in the document";
}

/* Who signed each design, and by which means: the paper trail. */
static void put_signers(FILE *out, const tg_findings *findings)
{
	size_t i, j;

	for (i = 0; i < tg_findings_document_count(findings); i++) {
		const tg_doc_summary *d = tg_findings_document(findings, i);

		if (!d->signoff_present || d->signoff_by_count == 0)
			continue;
		fprintf(out, "signed: %s by ", d->path);
		for (j = 0; j < d->signoff_by_count && j < 3; j++)
			fprintf(out, "%s%s", j ? ", " : "", d->signoff_by[j]);
		fprintf(out, " (%s)\n", means(d->signoff_via));
	}
}

/*
 * The note's text: for the text format a first line with the verdict and
 * what was checked, then the compiler-style report; other formats as they
 * are, so that a JSON note stays JSON.
 */
static int render_note(char **out, const struct cli_options *opts,
                       const tg_findings *findings, const tg_policy *policy,
                       const char *what)
{
	tg_report_options options;
	char *text = NULL, *owned = NULL;
	size_t len = 0;
	FILE *mem = NULL;
	int error;

	*out = NULL;
	error = cli_report_options(&options, opts, &owned);
	if (error < 0)
		goto done;
	options.color = false;
	mem = open_memstream(&text, &len);
	if (!mem) {
		error = tg_error_oom();
		goto done;
	}
	if (opts->format == TG_FORMAT_TEXT) {
		fprintf(mem, "threatgate: %s (%s)\n",
		        cli_exit_code(findings, policy) ? "blocked" : "passed",
		        what);
		put_signers(mem, findings);
	}
	error = tg_report_write(mem, findings, &options);
	if (fclose(mem) != 0 && error == 0)
		error = tg_error_oom();
	mem = NULL;
	if (error < 0)
		goto done;
	*out = text;
	text = NULL;
done:
	if (mem)
		fclose(mem);
	free(text);
	free(owned);
	return error;
}

static int write_note(git_repository *repo, const git_oid *tip,
                      const char *text)
{
	git_signature *sig = NULL;
	git_oid note;
	int error;

	/* user.name and user.email, else a name a server can always use. */
	error = git_signature_default(&sig, repo);
	if (error < 0) {
		git_error_clear();
		error = git_signature_now(&sig, "threatgate",
		                          "threatgate@localhost");
	}
	if (error < 0)
		return tg_error_from_git(error, "cannot make a signature");
	error = git_note_create(&note, repo, NOTES_REF, sig, sig, tip, text, 1);
	if (error < 0)
		error = tg_error_from_git(error, "cannot write the note in '%s'",
		                          NOTES_REF);
	git_signature_free(sig);
	return error;
}

int cli_cmd_annotate(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	git_repository *repo = NULL;
	tg_policy *policy = NULL;
	tg_changes *changes = NULL;
	tg_findings *findings = NULL;
	char *range = NULL, *shown = NULL, *text = NULL;
	char tip_hex[GIT_OID_HEXSZ + 1];
	const char *what, *env;
	git_oid tip;
	int error, code = CLI_EXIT_USAGE;

	error = cli_opts_parse(&opts, argc, argv, CLI_OPT_POLICY |
	                       CLI_OPT_REPORT | CLI_OPT_RANGE | CLI_OPT_REV,
	                       annotate_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);
	if (opts.nargs > 0) {
		cli_error("annotate takes no operands, got '%s'", opts.args[0]);
		return CLI_EXIT_USAGE;
	}
	if (opts.range && opts.rev) {
		cli_error("--range and --rev cannot be combined");
		return CLI_EXIT_USAGE;
	}

	error = cli_repo_open(&repo, &opts, true);
	if (error < 0)
		goto done;
	error = cli_policy_load_git(&policy, &opts, repo);
	if (error < 0)
		goto done;
	if (!opts.range && !opts.rev) {
		error = default_range(&range, &shown, repo);
		if (error < 0)
			goto done;
	}
	what = opts.range ? opts.range : range ? range :
	       opts.rev ? opts.rev : "HEAD";

	error = tg_changes_new(&changes);
	if (error < 0)
		goto done;
	/*
	 * On the server (post-receive) the note says who pushed a sign-off,
	 * as pre-receive judged it; elsewhere a range is a merge gate's.
	 */
	env = tg_policy_pusher_env(policy);
	if (git_repository_is_bare(repo) && env) {
		tg_policy_set_stage(policy, TG_STAGE_PRE_RECEIVE);
		error = tg_changes_set_pusher(changes, getenv(env));
	} else if (opts.range || range) {
		tg_policy_set_stage(policy, TG_STAGE_CI);
	}
	if (error == 0 && opts.approvals)
		error = cli_approvals_load(changes, opts.approvals);
	if (error < 0)
		goto done;
	error = tg_findings_new(&findings);
	if (error < 0)
		goto done;
	if (opts.range || range) {
		error = resolve_tip(&tip, repo, what, true);
		if (error == 0)
			error = tg_changes_add_range(changes, repo, what, policy);
	} else {
		error = resolve_tip(&tip, repo, what, false);
		if (error == 0)
			error = tg_changes_add_all(changes, repo, what, policy);
	}
	if (error < 0)
		goto done;
	error = tg_changes_check(findings, repo, changes, policy);
	if (error < 0)
		goto done;
	tg_findings_sort(findings);

	opts.policy = policy;
	error = render_note(&text, &opts, findings, policy,
	                    shown ? shown : what);
	if (error < 0)
		goto done;
	error = write_note(repo, &tip, text);
	if (error < 0)
		goto done;
	if (opts.output) {
		error = cli_report_write(&opts, findings, stdout);
		if (error < 0)
			goto done;
	}
	if (cli_verbose(&opts)) {
		git_oid_tostr(tip_hex, sizeof(tip_hex), &tip);
		fprintf(stderr, "threatgate: note on %.12s in %s: %s\n",
		        tip_hex, NOTES_REF, cli_exit_code(findings, policy) ?
		        "blocked" : "passed");
	}
	code = CLI_EXIT_OK;
done:
	if (error < 0)
		code = cli_fail();
	free(text);
	free(shown);
	free(range);
	tg_findings_free(findings);
	tg_changes_free(changes);
	tg_policy_free(policy);
	git_repository_free(repo);
	return code;
}
