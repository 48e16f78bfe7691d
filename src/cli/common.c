/*
 * Helpers every subcommand shares (cli.h): messages, colour, "did you
 * mean", the repository, the policy, the report and the exit code.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "policy/policy.h"
#include "util/util.h"
#include "util/banned.h"

int cli_repo_open(git_repository **out, const struct cli_options *opts,
                  bool required)
{
	git_repository *repo = NULL;
	int error;

	*out = NULL;
	if (opts->repo) {
		error = git_repository_open_ext(&repo, opts->repo, 0, NULL);
		if (error < 0)
			return tg_error_from_git(error,
				"not a git repository: '%s'", opts->repo);
	} else {
		/* GIT_DIR and friends first, as git itself and hooks expect. */
		error = git_repository_open_ext(&repo, NULL,
			GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
		if (error == GIT_ENOTFOUND && !required) {
			git_error_clear();
			return 0;
		}
		if (error < 0) {
			tg_error_from_git(error, "not a git repository");
			return TG_EREPO;
		}
	}
	*out = repo;
	return 0;
}

int cli_work_root(char **out, git_repository *repo)
{
	const char *dir = ".";
	char *real = NULL;

	*out = NULL;
	if (repo) {
		dir = git_repository_workdir(repo);
		if (!dir) {
			(void)tg_error_set(TG_EREPO, "'%s' is a bare repository: "
			             "there is no work tree",
			             git_repository_path(repo));
			return TG_EREPO;
		}
	}
	real = realpath(dir, NULL);
	if (!real) {
		(void)tg_error_set(TG_ERROR, "cannot resolve '%s': %s", dir,
		             strerror(errno));
		return TG_ERROR;
	}
	*out = real;
	return 0;
}

/* Without a repository: the default git config levels, then finalize. */
static int policy_finish(tg_policy *policy, const struct cli_options *opts,
                         const char *root)
{
	git_config *config = NULL;
	int error;

	error = git_config_open_default(&config);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read git config");
		goto done;
	}
	error = tg_policy_load_git_config(policy, config);
	if (error == 0)
		error = tg_policy_finalize(policy, root);
	if (error == 0 && opts->fail_on)
		error = tg_policy_set_fail_on(policy, opts->fail_on);
done:
	git_config_free(config);
	return error;
}

void cli_verbose_say(const struct cli_options *opts, const char *fmt, ...)
{
	va_list ap;

	if (!opts->verbose)
		return;
	fputs("threatgate: verbose: ", stderr);
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): a false alarm */
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool file_exists(const char *path)
{
	return path && access(path, F_OK) == 0;
}

/* --verbose: where the policy came from, and the document globs. */
static void verbose_policy(const struct cli_options *opts,
                           git_repository *repo, const char *root,
                           const tg_policy *policy)
{
	git_object *obj = NULL;
	char *path = NULL, *spec = NULL;
	const char *dir;
	size_t i;

	if (!opts->verbose)
		return;
	if (opts->config) {
		cli_verbose_say(opts, "policy: %s (--config), then git config",
		            opts->config);
	} else if (repo && tg_policy_lock(policy)) {
		cli_verbose_say(opts, "policy: git config only "
		            "(threatgate.lockPolicy: no .threatgate is read)");
	} else if (repo && opts->policy_rev) {
		char id[GIT_OID_HEXSZ + 1] = "";

		if (git_revparse_single(&obj, repo, opts->policy_rev) == 0) {
			git_oid_tostr(id, sizeof(id), git_object_id(obj));
			git_object_free(obj);
			obj = NULL;
		}
		spec = tg_printf("%s:.threatgate", opts->policy_rev);
		if (spec && git_revparse_single(&obj, repo, spec) == 0)
			cli_verbose_say(opts, "policy: .threatgate at %s (%s, "
			            "--policy-rev), then git config",
			            opts->policy_rev, id);
		else
			cli_verbose_say(opts, "policy: %s (%s, --policy-rev) has no "
			            ".threatgate: the built-in defaults, then git "
			            "config", opts->policy_rev, id);
	} else if (repo && git_repository_is_bare(repo)) {
		if (tg_policy_source_ref(policy))
			cli_verbose_say(opts, "policy: git config, and .threatgate at "
			            "%s (%s) if it has one",
			            tg_policy_source_ref(policy),
			            tg_policy_source_commit(policy) ?
			            tg_policy_source_commit(policy) : "no commit");
		else
			cli_verbose_say(opts, "policy: git config and the built-in "
			            "defaults (no branch to read .threatgate from)");
	} else {
		dir = repo ? git_repository_workdir(repo) : root;
		if (dir) {
			size_t len = strlen(dir);

			path = tg_printf("%s%s.threatgate", dir,
			                 len > 0 && dir[len - 1] == '/' ? "" : "/");
		}
		if (file_exists(path))
			cli_verbose_say(opts, "policy: %s (the work tree's), then git "
			            "config", path);
		else
			cli_verbose_say(opts, "policy: no .threatgate%s%s: the built-in "
			            "defaults, then git config", dir ? " in " : "",
			            dir ? dir : "");
	}
	for (i = 0; i < policy->docs.length; i++)
		cli_verbose_say(opts, "document glob: %s",
		            (const char *)policy->docs.items[i]);
	git_object_free(obj);
	free(spec);
	free(path);
}

/* --verbose: why PATH was taken as a design document (or was not). */
void cli_verbose_document(const struct cli_options *opts,
                          const tg_policy *policy, const char *path,
                          const char *display, bool named)
{
	size_t i;

	if (!opts->verbose)
		return;
	for (i = 0; policy && i < policy->docs.length; i++)
		if (tg_glob_match(policy->docs.items[i], path)) {
			cli_verbose_say(opts, "%s: a design document: it matches "
			            "'%s'%s", display ? display : path,
			            (const char *)policy->docs.items[i],
			            named ? " (and was named)" : "");
			return;
		}
	if (named)
		cli_verbose_say(opts, "%s: checked as a design document: it was "
		            "named on the command line (it matches no glob)",
		            display ? display : path);
	else
		cli_verbose_say(opts, "%s: not a design document: Markdown, but it "
		            "matches no document glob", display ? display : path);
}

int cli_policy_load(tg_policy **out, const struct cli_options *opts,
                    git_repository *repo, const char *root)
{
	tg_policy *policy = NULL;
	char *path = NULL;
	int error;

	*out = NULL;
	if (repo) {
		/* The work tree's `.threatgate`, --config, --policy-rev, or a
		 * bare repository's default branch: the library decides. */
		error = tg_policy_load_repository(&policy, repo, opts->policy_rev,
		                                  opts->config);
		if (error == 0 && opts->fail_on)
			error = tg_policy_set_fail_on(policy, opts->fail_on);
		goto ready;
	}
	if (opts->policy_rev) {
		error = tg_error_set(TG_EREPO,
			"--policy-rev needs a git repository");
		goto done;
	}
	error = tg_policy_new(&policy);
	if (error < 0)
		goto done;
	if (opts->config) {
		/* --config replaces .threatgate; it must exist. */
		error = tg_policy_load_file(policy, opts->config);
	} else if (root) {
		path = tg_printf("%s/.threatgate", root);
		error = path ? tg_policy_load_file(policy, path) : tg_error_oom();
		if (error == TG_ENOTFOUND) {
			tg_error_clear();
			error = 0;
		}
	}
	if (error == 0)
		error = policy_finish(policy, opts, root);
ready:
	if (error < 0)
		goto done;
	if (opts->no_baseline)
		tg_policy_ignore_baseline(policy);
	verbose_policy(opts, repo, root, policy);
	*out = policy;
	policy = NULL;
done:
	free(path);
	tg_policy_free(policy);
	return error;
}

/* Whether a checked document needed a security sign-off. */
static bool signoff_needed(const tg_findings *findings)
{
	size_t i;

	for (i = 0; i < tg_findings_document_count(findings); i++)
		if (tg_findings_document(findings, i)->signoff_required)
			return true;
	return false;
}

int cli_report_write(const struct cli_options *opts,
                     const tg_findings *findings, FILE *stream)
{
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	FILE *out = stream;
	char *owned = NULL;
	int error;

	if (opts->quiet && !opts->output && opts->format == TG_FORMAT_TEXT &&
	    tg_findings_count(findings) == 0)
		return 0;
	if (opts->output) {
		out = fopen(opts->output, "w");
		if (!out)
			return tg_error_set(TG_ERROR, "cannot write '%s': %s",
			                    opts->output, strerror(errno));
	}
	error = cli_report_options(&options, opts, &owned);
	options.color = opts->format == TG_FORMAT_TEXT &&
	                cli_color_enabled(opts, out);
	if (error == 0)
		error = tg_report_write(out, findings, &options);
	if (out != stream && fclose(out) != 0 && error == 0)
		error = tg_error_set(TG_ERROR, "cannot write '%s': %s",
		                     opts->output, strerror(errno));
	if (error == 0 && options.no_reviewers && signoff_needed(findings))
		cli_error("no security reviewer is configured (threatgate.reviewer): "
		          "any named sign-off counts; 'threatgate init --reviewer "
		          "@handle' names them");
	free(owned);
	return error;
}

int cli_exit_code(const tg_findings *findings, const tg_policy *policy)
{
	tg_severity fail_on = tg_policy_fail_on(policy);

	if (fail_on == TG_SEVERITY_OFF)
		return CLI_EXIT_OK;
	return tg_findings_max_severity(findings) >= fail_on ?
	       CLI_EXIT_FINDINGS : CLI_EXIT_OK;
}

int cli_policy_load_git(tg_policy **out, const struct cli_options *opts,
                        git_repository *repo)
{
	return cli_policy_load(out, opts, repo, NULL);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("threatgate: ", stderr);
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): a false alarm */
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_fail(void)
{
	cli_error("%s", tg_error_last()->message);
	return CLI_EXIT_USAGE;
}

bool cli_verbose(const struct cli_options *opts)
{
	return !opts || !opts->quiet;
}

bool cli_color_enabled(const struct cli_options *opts, FILE *stream)
{
	const char *env;

	if (opts->color == CLI_COLOR_ALWAYS)
		return true;
	if (opts->color == CLI_COLOR_NEVER)
		return false;
	/* https://no-color.org: set and not empty */
	env = getenv("NO_COLOR");
	if (env && *env)
		return false;
	env = getenv("TERM");
	if (env && strcmp(env, "dumb") == 0)
		return false;
	return isatty(fileno(stream)) == 1;
}

void cli_suggest(const char *word, const char *const *candidates, size_t n,
                 const char *prefix)
{
	size_t i, shown = 0, dist[64];
	size_t best = tg_suggest_distances(dist, word, candidates,
	                                   n > 64 ? 64 : n);

	if (best == SIZE_MAX)
		return;
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		if (dist[i] == best)
			shown++;
	if (shown == 1) {
		for (i = 0; i < n; i++)
			if (dist[i] == best)
				fprintf(stderr, "did you mean '%s%s'?\n",
				        prefix, candidates[i]);
		return;
	}
	fputs("did you mean one of these?\n", stderr);
	for (i = 0; i < n; i++)
		if (dist[i] == best)
			fprintf(stderr, "\t%s%s\n", prefix, candidates[i]);
}
