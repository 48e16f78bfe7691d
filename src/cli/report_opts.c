/*
 * The report options the CI formats need, from the command line, the
 * policy and, failing those, the variables GitHub Actions and GitLab CI
 * set: where the forge shows a file, which revision links point at, who
 * can sign off, what blocks, and the job summary file.
 */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

static const char *env(const char *name)
{
	const char *value = getenv(name);

	return value && *value ? value : NULL;
}

/*
 * The forge URL: --forge-url, else $GITHUB_SERVER_URL/$GITHUB_REPOSITORY,
 * else $CI_PROJECT_URL/- (GitLab's file pages are under /-/blob/ whatever
 * its host is called), else none. *owned gets what the caller must free.
 */
static int forge_url(const char **out, const struct cli_options *opts,
                     char **owned)
{
	const char *server = env("GITHUB_SERVER_URL");
	const char *repo = env("GITHUB_REPOSITORY");
	const char *project = env("CI_PROJECT_URL");

	*out = opts->forge_url;
	*owned = NULL;
	if (opts->forge_url)
		return 0;
	if (server && repo)
		*owned = tg_printf("%s/%s", server, repo);
	else if (project)
		*owned = tg_printf("%s/-", project);
	else
		return 0;
	if (!*owned)
		return tg_error_oom();
	*out = *owned;
	return 0;
}

/*
 * The revision links point at: --head; in --range and --all modes each
 * finding's own commit (the exact revision checked); else the commit CI
 * builds.
 */
static const char *head(const struct cli_options *opts)
{
	if (opts->head)
		return opts->head;
	if (opts->range || opts->all)
		return NULL;
	if (env("GITHUB_SHA"))
		return env("GITHUB_SHA");
	return env("CI_COMMIT_SHA");
}

int cli_report_options(tg_report_options *out, const struct cli_options *opts,
                       char **owned)
{
	tg_report_options defaults = TG_REPORT_OPTIONS_INIT;
	tg_severity fail_on = TG_SEVERITY_ERROR;
	int error;

	*out = defaults;
	out->format = opts->format;
	error = forge_url(&out->forge_url, opts, owned);
	if (error < 0)
		return error;
	out->head = head(opts);
	if (opts->policy) {
		out->reviewers = tg_policy_reviewers(opts->policy,
		                                     &out->reviewers_count);
		fail_on = tg_policy_fail_on(opts->policy);
		out->no_reviewers = out->reviewers_count == 0;
	} else if (opts->fail_on) {
		if (strcmp(opts->fail_on, "never") == 0)
			fail_on = TG_SEVERITY_OFF;
		else if (strcmp(opts->fail_on, "warning") == 0)
			fail_on = TG_SEVERITY_WARNING;
	}
	out->fail_on = fail_on;
	out->comment_on_pass = !opts->no_pass_comment;
	out->group = opts->group;
	out->max_findings = opts->max_findings > 0 ?
	                    (size_t)opts->max_findings : 0;
	if (opts->format == TG_FORMAT_GITHUB)
		out->step_summary = env("GITHUB_STEP_SUMMARY");
	return 0;
}
