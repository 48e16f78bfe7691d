/*
 * `threatgate hook pre-commit|pre-push|pre-receive`: the git hook
 * protocols. Findings go to standard error, where git shows them (as
 * "remote:" lines on the server). A hook that cannot check fails closed
 * (exit 2) unless the policy sets threatgate.failOpen.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

static const char hook_help[] =
	"usage: threatgate hook pre-commit [OPTIONS]\n"
	"       threatgate hook pre-push REMOTE URL [OPTIONS]\n"
	"       threatgate hook pre-receive [OPTIONS]\n"
	"\n"
	"Run as a git hook: hooks/pre-commit, hooks/pre-push and\n"
	"hooks/pre-receive call this. pre-commit checks the index; pre-push\n"
	"and pre-receive read ref updates on standard input and check the\n"
	"design documents each update brings, as they are at its tip.\n"
	"\n"
	"On the server (pre-receive) the policy comes from the repository's git\n"
	"config and `.threatgate` at its default branch before the push, never\n"
	"from the pushed commits. threatgate.timeout bounds the hook; past it\n"
	"the hook fails closed unless threatgate.failOpen is set.\n"
	"\n"
	"Options:\n"
	"  --format FORMAT   text (default), json, sarif, markdown, github, gitlab\n"
	"  --fail-on LEVEL   error (default), warning or never\n"
	"  --color WHEN      auto, always or never\n"
	"  -q, --quiet       print nothing when nothing was found\n"
	"  --max-findings N  show at most N findings (default 25; 0: all), then\n"
	"                    how many more in how many documents\n"
	"  --verbose         say which policy was read\n"
	"\n"
	"Text findings are grouped by document, under a line with its counts.\n"
	"\n"
	"Exit: 0 pass, 1 findings block, 2 could not check (fails closed).\n";

/* Standard input, whole: ref updates are a few lines. */
static int read_stdin(char **out, size_t *len)
{
	tg_buf buf = TG_BUF_INIT;
	char chunk[8192];
	size_t n;

	/* a hostile stdin cannot grow us without bound */
	tg_buf_init(&buf, 64u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		tg_buf_put(&buf, chunk, n);
	if (ferror(stdin)) {
		tg_buf_release(&buf);
		return tg_error_set(TG_ERROR, "cannot read the hook's input: %s",
		                    strerror(errno));
	}
	if (buf.failed) {
		tg_buf_release(&buf);
		return tg_error_set(TG_ELIMIT, "the hook's input is over 64 MiB");
	}
	*len = buf.size;
	*out = tg_buf_detach(&buf);
	return *out ? 0 : tg_error_oom();
}

/* Inside a pre-receive hook git describes the repository, and its
 * quarantined objects, in the environment. */
static int open_server_repo(git_repository **out)
{
	int error = git_repository_open_ext(out, NULL,
		GIT_REPOSITORY_OPEN_FROM_ENV, NULL);

	if (error < 0)
		return tg_error_from_git(error,
			"cannot open the repository from the environment");
	return 0;
}

/*
 * Check `changes`; a failure (a corrupt object, the time budget) is kept
 * in *failure with its code, and what was checked is still in findings.
 */
static int check_part(tg_findings **findings, char **failure, int *code,
                      git_repository *repo, const tg_changes *changes,
                      const tg_policy *policy)
{
	int error;

	*failure = NULL;
	*code = 0;
	error = tg_findings_new(findings);
	if (error == 0)
		error = tg_changes_check(*findings, repo, changes, policy);
	if (error < 0 && error != TG_ENOMEM && *findings) {
		*failure = tg_strdup(tg_error_last()->message);
		*code = error;
		error = *failure ? 0 : tg_error_oom();
	}
	return error;
}

/* The refs of a part, for messages: "refs/heads/a, refs/heads/b". */
static char *ref_list(const tg_changes *changes)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i, n = tg_changes_ref_count(changes);

	for (i = 0; i < n && i < 10; i++)
		tg_buf_printf(&buf, "%s%s", i ? ", " : "", tg_changes_ref(changes, i));
	if (n > 10)
		tg_buf_printf(&buf, " and %zu more", n - 10);
	return tg_buf_detach(&buf);
}

/* "threatgate: note: LINE" for each line of `text`. */
static void print_notes(const char *text)
{
	const char *end;

	for (; *text; text = *end ? end + 1 : end) {
		end = strchr(text, '\n');
		if (!end)
			end = text + strlen(text);
		cli_error("note: %.*s", (int)(end - text), text);
	}
}

int cli_cmd_hook(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	git_repository *repo = NULL;
	tg_policy *policy = NULL;
	tg_changes *changes = NULL, *other = NULL;
	tg_findings *findings = NULL, *other_findings = NULL;
	const char *kind, *remote = NULL, *what, *env;
	char *input = NULL, *failure = NULL, *other_failure = NULL;
	char *refs = NULL;
	size_t len = 0, i;
	double start = tg_clock_now();
	bool receive, pushed_limit = false, lazy;
	int error, code = CLI_EXIT_USAGE, failure_code = 0, other_code = 0;

	/* A hook that passes says nothing: it should go unnoticed. */
	opts.quiet = true;
	error = cli_opts_parse(&opts, argc, argv, CLI_OPT_REPORT, hook_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);
	/* A push of hundreds of documents must not bury the first ones. */
	opts.group = true;
	if (opts.max_findings < 0)
		opts.max_findings = CLI_HOOK_MAX_FINDINGS;
	if (opts.nargs < 1) {
		cli_error("hook: which hook? pre-commit, pre-push or pre-receive");
		return CLI_EXIT_USAGE;
	}
	kind = opts.args[0];
	if (strcmp(kind, "pre-push") == 0 && opts.nargs >= 2)
		remote = opts.args[1];
	if (strcmp(kind, "pre-commit") != 0 && strcmp(kind, "pre-push") != 0 &&
	    strcmp(kind, "pre-receive") != 0) {
		static const char *const kinds[] = { "pre-commit", "pre-push",
		                                     "pre-receive" };

		cli_error("hook: unknown hook '%s'", kind);
		cli_suggest(kind, kinds, 3, "");
		return CLI_EXIT_USAGE;
	}
	receive = strcmp(kind, "pre-receive") == 0;

	if (receive)
		error = open_server_repo(&repo);
	else
		error = cli_repo_open(&repo, &opts, true);
	if (error == 0)
		error = cli_policy_load_git(&policy, &opts, repo);
	if (error == 0)
		opts.policy = policy;	/* the report names the reviewers */
	if (error == 0)
		tg_policy_set_stage(policy, strcmp(kind, "pre-commit") == 0 ?
			TG_STAGE_PRE_COMMIT : strcmp(kind, "pre-push") == 0 ?
			TG_STAGE_PRE_PUSH : TG_STAGE_PRE_RECEIVE);
	if (error == 0)
		error = tg_changes_new(&changes);
	if (error == 0 && receive)
		error = tg_changes_new(&other);
	if (error < 0)
		goto done;
	tg_changes_set_deadline(changes, start + (double)tg_policy_timeout(policy));
	lazy = !(tg_report_needs(opts.format) & TG_REPORT_NEEDS_TRIGGERS);
	tg_changes_set_lazy_triggers(changes, lazy);
	/* The authenticated pusher: read here, once, and handed down. */
	env = tg_policy_pusher_env(policy);
	error = tg_changes_set_pusher(changes, env ? getenv(env) : NULL);
	if (error == 0 && other) {
		tg_changes_set_deadline(other,
			start + (double)tg_policy_timeout(policy));
		tg_changes_set_lazy_triggers(other, lazy);
		error = tg_changes_set_pusher(other, env ? getenv(env) : NULL);
	}
	if (error < 0)
		goto done;

	if (strcmp(kind, "pre-commit") == 0) {
		error = tg_changes_add_staged(changes, repo, policy);
	} else {
		error = read_stdin(&input, &len);
		if (error == 0 && receive)
			error = tg_changes_add_receive(changes, other, repo, input, len,
			                               policy);
		else if (error == 0)
			error = tg_changes_add_hook_input(changes, repo,
				TG_HOOK_PRE_PUSH, input, len, remote, policy);
	}
	/* Running out of time or room on what was pushed never fails open. */
	if (error == TG_ELIMIT)
		pushed_limit = true;
	if (error < 0)
		goto done;
	if (receive &&
	    tg_changes_count(changes) > tg_policy_max_docs_per_push(policy)) {
		/* refused for what it holds, not for the clock */
		cli_error("push rejected: it brings %zu design documents to "
		          "protected refs, more than one push may "
		          "(threatgate.maxDocsPerPush = %zu): push them in parts",
		          tg_changes_count(changes),
		          tg_policy_max_docs_per_push(policy));
		code = CLI_EXIT_FINDINGS;
		goto done;
	}
	error = check_part(&findings, &failure, &failure_code, repo, changes,
	                   policy);
	if (error == 0 && other)
		error = check_part(&other_findings, &other_failure, &other_code,
		                   repo, other, policy);
	if (error < 0)
		goto done;

	what = strcmp(kind, "pre-commit") == 0 ? "commit" : "push";
	code = cli_exit_code(findings, policy);
	/* Unprotected refs: their findings are shown, never enforced. */
	if (other_findings && tg_findings_count(other_findings) > 0) {
		error = tg_findings_move(findings, other_findings);
		if (error < 0)
			goto done;
	}
	tg_findings_sort(findings);
	error = cli_report_write(&opts, findings, stderr);
	if (error < 0)
		goto done;
	if (failure)
		cli_error("%s", failure);
	if (other && tg_changes_ref_count(other) > 0 &&
	    (tg_findings_count(findings) > 0 || other_failure)) {
		refs = ref_list(other);
		if (!refs) {
			error = tg_error_oom();
			goto done;
		}
		if (other_failure)
			cli_error("not fully checked: %s", other_failure);
		cli_error("not enforced on %s: not a protected ref "
		          "(threatgate.protect); what is found there is "
		          "reported, and the update accepted", refs);
	}
	if (tg_changes_skipped(changes))
		print_notes(tg_changes_skipped(changes));
	for (i = 0; i < tg_changes_refusal_count(changes); i++) {
		cli_error("%s", tg_changes_refusal(changes, i));
		code = CLI_EXIT_FINDINGS;
	}
	if (code == CLI_EXIT_FINDINGS && receive) {
		cli_error("push rejected: fix the design documents above "
		          "(judged by the policy of %s at %s); 'threatgate "
		          "explain RULE' says what each rule wants",
		          tg_policy_source_ref(policy) ? tg_policy_source_ref(policy)
		          : "an empty repository (the built-in defaults)",
		          tg_policy_source_commit(policy) ?
		          tg_policy_source_commit(policy) : "no commit");
	} else if (code == CLI_EXIT_FINDINGS) {
		cli_error("%s rejected: fix the design documents above; "
		          "'threatgate explain RULE' says what each rule wants",
		          what);
	} else if (failure && failure_code == TG_ELIMIT) {
		cli_error("%s rejected: it could not be checked within the "
		          "limits (threatgate.failOpen does not apply to what "
		          "was pushed)", what);
		code = CLI_EXIT_USAGE;
	} else if (failure && tg_policy_fail_open(policy)) {
		cli_error("letting the change through unchecked "
		          "(threatgate.failOpen)");
		code = CLI_EXIT_OK;
	} else if (failure) {
		cli_error("%s rejected: it could not be checked (fail closed; "
		          "threatgate.failOpen lets such changes through)", what);
		code = CLI_EXIT_USAGE;
	}
done:
	if (error < 0) {
		code = cli_fail();
		if (policy && tg_policy_fail_open(policy) && !pushed_limit) {
			cli_error("letting the change through unchecked "
			          "(threatgate.failOpen)");
			code = CLI_EXIT_OK;
		} else if (pushed_limit) {
			cli_error("push rejected: it could not be checked within the "
			          "limits (threatgate.failOpen does not apply to what "
			          "was pushed)");
		}
	}
	free(refs);
	free(failure);
	free(other_failure);
	free(input);
	tg_findings_free(other_findings);
	tg_findings_free(findings);
	tg_changes_free(other);
	tg_changes_free(changes);
	tg_policy_free(policy);
	git_repository_free(repo);
	return code;
}
