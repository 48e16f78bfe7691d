/*
 * threatgate scan: the inventory of every design document of a repository
 * at a revision, with the drift of the code each one covers; or, with
 * --merge, one report from the JSON scans of many repositories.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

static const char scan_help[] =
"usage: threatgate scan [options] [--rev REV] [--since DATE] [--max-commits N]\n"
"   or: threatgate scan [options] --merge REPORT.json...\n"
"\n"
"List every design document at a revision (default: HEAD) with its title,\n"
"DRI, participants, review date and age, whether it is stale, its threats\n"
"by priority and status, the open P1-P2 threats, the sign-off triggers\n"
"that fired, its sign-off state and its findings; and, for each document\n"
"with 'covers' globs, the commits that changed covered code after the\n"
"threat model was last reviewed (drift).\n"
"\n"
"The review point is the document's threat-model-reviewed date (the end of\n"
"that day, UTC) or, without one, the last commit that changed the text of\n"
"its Threat Model section. History is walked once for every document,\n"
"newest commit first; merge commits are skipped, as in git log.\n"
"\n"
"Scan options:\n"
"  --rev REV             the revision to scan (default: HEAD)\n"
"  --since DATE          walk no commit older than DATE (YYYY-MM-DD)\n"
"  --max-commits N       walk at most N commits\n"
"  --repo-name NAME      the repository name in reports (default: the\n"
"                        'origin' remote's name, else the folder's)\n"
"  --merge               the operands are JSON scan reports (written with\n"
"                        --format json, '-' for standard input): write one\n"
"                        report of all their documents\n"
"\n"
"Options:\n"
"  --repo DIR            repository (default: found from the current directory)\n"
"  --config FILE         policy file to use instead of .threatgate\n"
"  --policy-rev REV      read .threatgate from REV\n"
"  --format FORMAT       text (default), json, csv, markdown or html\n"
"  -o, --output FILE     write the report to FILE instead of standard output\n"
"  --fail-on LEVEL       exit 1 when a document has findings at or above\n"
"                        LEVEL (error, warning); by default a scan exits 0\n"
"  -h, --help            show this help\n"
"\n"
"Exit status: 0 the report was written, 1 findings at or above --fail-on,\n"
"2 usage, policy or repository error.\n";

/* The options only scan takes, picked out before the common parser. */
struct scan_opts {
	const char *since;
	const char *max_commits;
	const char *repo_name;
	bool merge;
	char **argv;		/* what is left, for cli_opts_parse() */
	int argc;
};

/* Common options that take a value: their value is never a scan option. */
static bool takes_value(const char *word)
{
	static const char *const names[] = { "--repo", "--config",
		"--policy-rev", "--format", "--output", "--fail-on", "--color",
		"--rev", "-o" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(word, names[i]) == 0)
			return true;
	return false;
}

/* "--name VALUE" or "--name=VALUE": 1 and *value set, 0 when not it. */
static int match_value(const char **value, int *i, int argc, char **argv,
                       const char *name)
{
	size_t len = strlen(name);

	if (strncmp(argv[*i], name, len) != 0)
		return 0;
	if (argv[*i][len] == '=') {
		*value = argv[*i] + len + 1;
		return 1;
	}
	if (argv[*i][len] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return tg_error_set(TG_EINVALID, "option '%s' needs a value",
		                    name);
	*value = argv[++*i];
	return 1;
}

static int pick_scan_options(struct scan_opts *so, int argc, char **argv)
{
	int i, got, error = 0;

	so->argv = calloc((size_t)argc + 1, sizeof(*so->argv));
	if (!so->argv)
		return tg_error_oom();
	so->argv[so->argc++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				so->argv[so->argc++] = argv[i++];
			break;
		}
		if (takes_value(argv[i]) && i + 1 < argc) {
			so->argv[so->argc++] = argv[i++];
			so->argv[so->argc++] = argv[i];
			continue;
		}
		if (strcmp(argv[i], "--merge") == 0) {
			so->merge = true;
			continue;
		}
		got = match_value(&so->since, &i, argc, argv, "--since");
		if (got == 0)
			got = match_value(&so->max_commits, &i, argc, argv,
			                  "--max-commits");
		if (got == 0)
			got = match_value(&so->repo_name, &i, argc, argv,
			                  "--repo-name");
		if (got < 0) {
			error = got;
			break;
		}
		if (got == 0)
			so->argv[so->argc++] = argv[i];
	}
	so->argv[so->argc] = NULL;
	return error;
}

static int scan_settings(tg_scan_options *out, const struct scan_opts *so,
                         const struct cli_options *opts)
{
	char *end = NULL;
	unsigned long long n;

	out->rev = opts->rev;
	out->repository = so->repo_name;
	if (so->repo_name && !*so->repo_name)
		return tg_error_set(TG_EINVALID, "--repo-name needs a name");
	if (so->since) {
		out->since = tg_date_parse(so->since);
		if (out->since < 0 || strlen(so->since) != 10)
			return tg_error_set(TG_EINVALID, "invalid --since '%s' "
			                    "(expected a date, YYYY-MM-DD)", so->since);
	}
	if (so->max_commits) {
		errno = 0;
		n = strtoull(so->max_commits, &end, 10);
		if (errno || !end || *end || n == 0 || so->max_commits[0] == '-')
			return tg_error_set(TG_EINVALID, "invalid --max-commits '%s' "
			                    "(expected a positive number)",
			                    so->max_commits);
		out->max_commits = (size_t)n;
	}
	if (so->merge && (opts->rev || so->since || so->max_commits ||
	                  opts->repo || opts->config || opts->policy_rev))
		return tg_error_set(TG_EINVALID, "--merge reads reports: it takes "
			"no --rev, --since, --max-commits, --repo, --config or "
			"--policy-rev");
	if (so->merge && opts->nargs == 0)
		return tg_error_set(TG_EINVALID, "--merge needs the JSON reports "
		                    "to merge");
	if (!so->merge && opts->nargs > 0)
		return tg_error_set(TG_EINVALID, "scan takes no operand '%s' "
			"(to merge reports, use --merge)", opts->args[0]);
	if (opts->format != TG_FORMAT_TEXT && opts->format != TG_FORMAT_JSON &&
	    opts->format != TG_FORMAT_CSV && opts->format != TG_FORMAT_MARKDOWN &&
	    opts->format != TG_FORMAT_HTML)
		return tg_error_set(TG_EINVALID, "scan writes text, json, csv, "
		                    "markdown or html");
	return 0;
}

/* The whole of a file, or of standard input for "-". */
static int read_all(tg_buf *out, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int error = 0;

	if (!f)
		return tg_error_set(errno == ENOENT ? TG_ENOTFOUND : TG_ERROR,
		                    "cannot read '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		tg_buf_put(out, chunk, n);
	if (ferror(f))
		error = tg_error_set(TG_ERROR, "cannot read '%s': %s", path,
		                     strerror(errno));
	else if (out->failed)
		error = tg_error_oom();
	if (f != stdin)
		fclose(f);
	return error;
}

/* A report's name without folders and ".json": the fallback repository. */
static char *report_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, ".json") == 0)
		len -= 5;
	return tg_strndup(base, len);
}

static int merge_reports(tg_scan *scan, const struct cli_options *opts,
                         const struct scan_opts *so)
{
	tg_buf data = TG_BUF_INIT;
	char *fallback = NULL;
	int i, error = 0;

	for (i = 0; i < opts->nargs && error == 0; i++) {
		tg_buf_clear(&data);
		error = read_all(&data, opts->args[i]);
		if (error < 0)
			break;
		fallback = so->repo_name ? tg_strdup(so->repo_name)
		                         : report_name(opts->args[i]);
		if (!fallback) {
			error = tg_error_oom();
			break;
		}
		error = tg_scan_merge_json(scan, opts->args[i], data.ptr ? data.ptr
		                           : "", data.size, fallback);
		free(fallback);
		fallback = NULL;
	}
	tg_buf_release(&data);
	return error;
}

static void warn_expiring(const char *id, const char *expires, long days_left,
                          void *payload)
{
	(void)payload;
	if (days_left == 0)
		cli_error("warning: exception '%s' expires today (%s): the "
		          "findings it waives block from tomorrow", id, expires);
	else
		cli_error("warning: exception '%s' expires on %s, in %ld day%s: "
		          "the findings it waives block after that", id, expires,
		          days_left, days_left == 1 ? "" : "s");
}

static int scan_repository(tg_scan *scan, const struct cli_options *opts,
                           const tg_scan_options *settings)
{
	git_repository *repo = NULL;
	tg_policy *policy = NULL;
	int error;

	/*
	 * libgit2's object cache would keep every commit of the walk parsed
	 * (its limit counts raw bytes, the parsed objects are several times
	 * larger: 200 MB more over 50,000 commits) for no gain, as the walk
	 * keeps the trees it compares again itself. A scan is the whole
	 * process, so the process-wide switch is ours to turn.
	 */
	if (git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0) < 0)
		git_error_clear();
	error = cli_repo_open(&repo, opts, true);
	if (error == 0)
		error = cli_policy_load_git(&policy, opts, repo);
	if (error == 0)
		tg_policy_expiring_exceptions(policy, warn_expiring, NULL);
	if (error == 0)
		error = tg_scan_run(scan, repo, settings, policy);
	tg_policy_free(policy);
	git_repository_free(repo);
	return error;
}

static int write_report(const struct cli_options *opts, const tg_scan *scan)
{
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	FILE *out = stdout;
	char *owned = NULL;
	int error;

	/* The forge's address (html: links to each document), as check's. */
	error = cli_report_options(&options, opts, &owned);
	if (error < 0)
		return error;
	/* Each document links at the commit scanned, unless --head says. */
	options.head = opts->head;
	if (opts->output) {
		out = fopen(opts->output, "w");
		if (!out)
			return tg_error_set(TG_ERROR, "cannot write '%s': %s",
			                    opts->output, strerror(errno));
	}
	options.format = opts->format;
	options.color = false;
	error = tg_report_write_scan(out, scan, &options);
	if (out != stdout && fclose(out) != 0 && error == 0)
		error = tg_error_set(TG_ERROR, "cannot write '%s': %s",
		                     opts->output, strerror(errno));
	free(owned);
	return error;
}

/* 1 when --fail-on was given and a document has findings at that level. */
static int exit_code(const struct cli_options *opts, const tg_scan *scan)
{
	tg_severity level;
	size_t i;

	if (!opts->fail_on || tg_severity_parse(&level, opts->fail_on) < 0)
		return CLI_EXIT_OK;	/* "never", or not given */
	for (i = 0; i < tg_scan_count(scan); i++) {
		const tg_doc_summary *d = tg_scan_get(scan, i)->doc;

		if (d->errors > 0 ||
		    (level <= TG_SEVERITY_WARNING && d->warnings > 0) ||
		    (level <= TG_SEVERITY_NOTE && d->notes > 0))
			return CLI_EXIT_FINDINGS;
	}
	return CLI_EXIT_OK;
}

int cli_cmd_scan(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	struct scan_opts so;
	tg_scan_options settings = TG_SCAN_OPTIONS_INIT;
	tg_scan *scan = NULL;
	bool printed = false;
	int error, code = CLI_EXIT_USAGE;

	memset(&so, 0, sizeof(so));
	error = pick_scan_options(&so, argc, argv);
	if (error < 0) {
		cli_fail();
		fprintf(stderr, "see 'threatgate %s --help'\n", argv[0]);
		free(so.argv);
		return CLI_EXIT_USAGE;
	}
	error = cli_opts_parse(&opts, so.argc, so.argv, CLI_OPT_POLICY |
	                       CLI_OPT_REPORT | CLI_OPT_REV | CLI_OPT_TABLE,
	                       scan_help);
	if (error != 0) {
		free(so.argv);
		return cli_opts_exit(&opts, error);
	}
	error = scan_settings(&settings, &so, &opts);
	if (error < 0) {
		cli_fail();
		fprintf(stderr, "see 'threatgate %s --help'\n", argv[0]);
		printed = true;
		goto done;
	}
	error = tg_scan_new(&scan);
	if (error < 0)
		goto done;
	if (so.merge)
		error = merge_reports(scan, &opts, &so);
	else
		error = scan_repository(scan, &opts, &settings);
	if (error < 0)
		goto done;
	tg_scan_sort(scan);
	error = write_report(&opts, scan);
	if (error < 0)
		goto done;
	code = exit_code(&opts, scan);
done:
	if (error < 0 && !printed)
		code = cli_fail();
	tg_scan_free(scan);
	free(so.argv);
	return code;
}
