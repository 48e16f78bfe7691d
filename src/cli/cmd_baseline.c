/*
 * threatgate baseline [--rev REV] [--prune] [--output FILE]: write the
 * fingerprints of the current findings to the reviewed baseline file, so
 * that a repository with years of legacy designs can adopt threatgate and
 * block only on what changes bring in (docs/baseline.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
/* NEEDSWORK: the old baseline's fingerprints, for the added/dropped count. */
#include "policy/policy.h"
#include "util/util.h"
#include "util/banned.h"

#define DEFAULT_BASELINE ".threatgate-baseline.json"

static const char baseline_help[] =
"usage: threatgate baseline [--rev REV] [--prune] [-o FILE]\n"
"\n"
"Write the fingerprints of the findings of every design document to the\n"
"baseline file, sorted, one per finding (rule, path, section and threat;\n"
"never line numbers). Name it in the policy (threatgate.baseline) and a\n"
"finding it holds no longer blocks anywhere: it is counted apart, as\n"
"waived by the baseline. Review the file like code.\n"
"\n"
"Regenerating writes the current set: a finding that was fixed drops\n"
"out, and one found since goes in (the diff shows both). With --prune,\n"
"nothing goes in: only the baselined findings that still occur are kept.\n"
"Inline suppressions and exceptions stay where they are.\n"
"\n"
"Options:\n"
"  --rev REV             the documents at REV (default: the work tree)\n"
"  --prune               drop fixed findings, add none\n"
"  -o, --output FILE     where to write (default: threatgate.baseline, else\n"
"                        " DEFAULT_BASELINE " at the top of the work tree;\n"
"                        - for standard output)\n"
"  --repo DIR, --config FILE, --policy-rev REV   as for check\n"
"  -h, --help            show this help\n";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* How many of the old baseline's fingerprints are not in the new one. */
static size_t count_dropped(const tg_policy *policy, const tg_findings *now)
{
	tg_fingerprint *active = NULL, *waived = NULL;
	char **prints = NULL;
	size_t na = tg_findings_count(now), ns, i, n = 0, dropped = 0;
	const char *key;

	ns = tg_findings_suppressed_count(now);
	if (policy->baseline_count == 0 ||
	    tg_findings_fingerprints(&active, &waived, now) < 0)
		goto done;
	prints = calloc(na + ns + 1, sizeof(*prints));
	if (!prints)
		goto done;
	for (i = 0; i < na; i++)
		prints[n++] = active[i];
	for (i = 0; i < ns; i++)
		if (tg_findings_suppressed(now, i)->reason == TG_SUPPRESS_BASELINE)
			prints[n++] = waived[i];
	qsort(prints, n, sizeof(*prints), cmp_str);
	for (i = 0; i < policy->baseline_count; i++) {
		key = policy->baseline[i];
		if (!bsearch(&key, prints, n, sizeof(*prints), cmp_str))
			dropped++;
	}
done:
	free(prints);
	free(waived);
	free(active);
	return dropped;
}

static int target_path(char **out, const struct cli_options *opts,
                       const tg_policy *policy)
{
	git_repository *repo = NULL;
	const char *name = opts->output;
	char *root = NULL;
	int error = 0;

	*out = NULL;
	if (!name)
		name = tg_policy_baseline_path(policy);
	if (!name)
		name = DEFAULT_BASELINE;
	if (opts->output || name[0] == '/') {
		*out = tg_strdup(name);
		return *out ? 0 : tg_error_oom();
	}
	/* The policy's names are relative to the top of the work tree. */
	error = cli_repo_open(&repo, opts, false);
	if (error == 0)
		error = cli_work_root(&root, repo);
	if (error == 0) {
		*out = tg_printf("%s/%s", root, name);
		if (!*out)
			error = tg_error_oom();
	}
	free(root);
	git_repository_free(repo);
	return error;
}

int cli_cmd_baseline(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	tg_findings *findings = NULL;
	tg_policy *policy = NULL;
	char *path = NULL, *tmp = NULL;
	FILE *out = NULL;
	size_t written = 0, dropped, before;
	int error, code = CLI_EXIT_USAGE;

	error = cli_opts_parse(&opts, argc, argv, CLI_OPT_POLICY | CLI_OPT_REV |
	                       CLI_OPT_OUTPUT | CLI_OPT_BASELINE, baseline_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);
	if (opts.nargs > 0) {
		cli_error("baseline takes no operands; see 'threatgate "
		          "baseline --help'");
		return CLI_EXIT_USAGE;
	}
	/* Every finding there is now, unless pruning against the old file. */
	opts.no_baseline = !opts.prune;
	opts.all = opts.rev != NULL;

	error = tg_findings_new(&findings);
	if (error < 0)
		goto done;
	error = cli_check_collect(&opts, findings, &policy);
	if (error < 0)
		goto done;
	tg_findings_sort(findings);
	error = target_path(&path, &opts, policy);
	if (error < 0 || !path) {
		if (error >= 0)
			error = tg_error_oom();
		goto done;
	}

	if (strcmp(path, "-") == 0) {
		out = stdout;
	} else {
		/* Written beside and renamed: a reader never sees half a file. */
		tmp = tg_printf("%s.tmp", path);
		if (!tmp) {
			error = tg_error_oom();
			goto done;
		}
		out = fopen(tmp, "w");
		if (!out) {
			error = tg_error_set(TG_ERROR, "cannot write '%s': %s", tmp,
			                     strerror(errno));
			goto done;
		}
	}
	error = tg_report_write_baseline(out, findings, opts.prune, &written);
	if (out != stdout) {
		if (fclose(out) != 0 && error == 0)
			error = tg_error_set(TG_ERROR, "cannot write '%s': %s",
			                     tmp, strerror(errno));
		out = NULL;
		if (error == 0 && rename(tmp, path) != 0)
			error = tg_error_set(TG_ERROR, "cannot write '%s': %s",
			                     path, strerror(errno));
		if (error < 0)
			(void)remove(tmp);
	}
	if (error < 0)
		goto done;

	before = policy->baseline_count;
	dropped = count_dropped(policy, findings);
	if (strcmp(path, "-") != 0)
		fprintf(stderr, "threatgate: wrote %zu fingerprint%s to '%s' "
		        "(%zu before: %zu dropped as fixed, %zu new)\n", written,
		        written == 1 ? "" : "s", path, before, dropped,
		        written + dropped > before ? written + dropped - before : 0);
	if (!tg_policy_baseline_path(policy))
		fprintf(stderr, "threatgate: the policy names no baseline yet: "
		        "add 'baseline = %s' under [threatgate] in .threatgate\n",
		        opts.output ? opts.output : DEFAULT_BASELINE);
	code = CLI_EXIT_OK;
done:
	if (error < 0)
		code = cli_fail();
	free(tmp);
	free(path);
	tg_policy_free(policy);
	tg_findings_free(findings);
	return code;
}
