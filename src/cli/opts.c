/*
 * Options shared by the subcommands (SPEC section 4), parsed with
 * getopt_long from one table; each subcommand says which groups it takes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

enum {
	OPT_REPO = 256,
	OPT_CONFIG,
	OPT_POLICY_REV,
	OPT_FORMAT,
	OPT_FAIL_ON,
	OPT_COLOR,
	OPT_STAGED,
	OPT_RANGE,
	OPT_ALL,
	OPT_REV,
	OPT_FORGE_URL,
	OPT_HEAD,
	OPT_NO_PASS_COMMENT,
	OPT_PRUNE,
	OPT_SERVER,
	OPT_GLOBAL,
	OPT_APPROVALS,
	OPT_REVIEWER,
	OPT_MAX_FINDINGS,
	OPT_VERBOSE
};

#define ANY_GROUP (~0u)

static const struct opt_def {
	const char *name;
	int has_arg;
	int val;
	unsigned groups;	/* accepted when the command takes any of these */
} opt_defs[] = {
	{ "repo", required_argument, OPT_REPO, CLI_OPT_POLICY | CLI_OPT_REPO },
	{ "config", required_argument, OPT_CONFIG, CLI_OPT_POLICY },
	{ "policy-rev", required_argument, OPT_POLICY_REV, CLI_OPT_POLICY },
	{ "format", required_argument, OPT_FORMAT, CLI_OPT_REPORT },
	{ "output", required_argument, 'o', CLI_OPT_REPORT | CLI_OPT_OUTPUT },
	{ "fail-on", required_argument, OPT_FAIL_ON, CLI_OPT_REPORT },
	{ "color", required_argument, OPT_COLOR, CLI_OPT_REPORT },
	{ "quiet", no_argument, 'q', CLI_OPT_REPORT | CLI_OPT_QUIET },
	{ "forge-url", required_argument, OPT_FORGE_URL, CLI_OPT_REPORT },
	{ "head", required_argument, OPT_HEAD, CLI_OPT_REPORT },
	{ "no-pass-comment", no_argument, OPT_NO_PASS_COMMENT, CLI_OPT_REPORT },
	{ "max-findings", required_argument, OPT_MAX_FINDINGS, CLI_OPT_REPORT },
	{ "verbose", no_argument, OPT_VERBOSE, CLI_OPT_REPORT },
	{ "staged", no_argument, OPT_STAGED, CLI_OPT_GIT },
	{ "range", required_argument, OPT_RANGE, CLI_OPT_GIT | CLI_OPT_RANGE },
	{ "all", no_argument, OPT_ALL, CLI_OPT_GIT },
	{ "approvals", required_argument, OPT_APPROVALS,
	  CLI_OPT_GIT | CLI_OPT_RANGE },
	{ "reviewer", required_argument, OPT_REVIEWER, CLI_OPT_REVIEWER },
	{ "rev", required_argument, OPT_REV, CLI_OPT_REV },
	{ "force", no_argument, 'f', CLI_OPT_FORCE },
	{ "prune", no_argument, OPT_PRUNE, CLI_OPT_BASELINE },
	{ "server", no_argument, OPT_SERVER, CLI_OPT_INSTALL },
	{ "global", no_argument, OPT_GLOBAL, CLI_OPT_INSTALL },
	{ "help", no_argument, 'h', ANY_GROUP },
};

#define OPT_DEFS_COUNT (sizeof(opt_defs) / sizeof(opt_defs[0]))

bool cli_opts_git_mode(const struct cli_options *opts)
{
	return opts->staged || opts->range != NULL || opts->all;
}

static bool accepts(unsigned accept, const struct opt_def *def)
{
	return def->groups == ANY_GROUP || (def->groups & accept) != 0;
}

/* The long option an argv word names ("--format=json" -> "format"). */
static const struct opt_def *find_def(const char *word)
{
	size_t i, len;

	if (strncmp(word, "--", 2) != 0)
		return NULL;
	word += 2;
	len = strcspn(word, "=");
	for (i = 0; i < OPT_DEFS_COUNT; i++)
		if (strlen(opt_defs[i].name) == len &&
		    strncmp(opt_defs[i].name, word, len) == 0)
			return &opt_defs[i];
	return NULL;
}

/*
 * An option getopt_long refused: unknown here, known to another command,
 * or given a value it does not take. Prints close matches.
 */
static int bad_option(bool *printed, const struct cli_options *opts,
                      const char *word, int short_opt, unsigned accept)
{
	const char *names[OPT_DEFS_COUNT];
	const struct opt_def *def = NULL;
	char *name = NULL;
	size_t i, n = 0;
	int error;

	*printed = false;
	/*
	 * optind does not move past "-xq" when 'x' is refused: argv[optind-1]
	 * is then the word before, so trust it only when it is the option
	 * getopt_long complained about.
	 */
	if (word && strncmp(word, "--", 2) == 0) {
		def = find_def(word);
		if (short_opt != 0 && (!def || def->val != short_opt))
			word = NULL;
	} else {
		word = NULL;
	}
	if (!word) {
		if (short_opt > 0 && short_opt < 128)
			return tg_error_set(TG_EINVALID,
			                    "unknown option '-%c'", short_opt);
		return tg_error_set(TG_EINVALID, "unknown option");
	}

	if (def && !accepts(accept, def))
		return tg_error_set(TG_EINVALID, "'%s' does not take --%s",
		                    opts->command, def->name);
	if (def && def->has_arg == no_argument && strchr(word, '='))
		return tg_error_set(TG_EINVALID,
		                    "option '--%s' does not take a value",
		                    def->name);

	/* Unknown, or an abbreviation that fits several options. */
	name = tg_strndup(word + 2, strcspn(word + 2, "="));
	if (!name)
		return tg_error_oom();
	error = tg_error_set(TG_EINVALID, "unknown option '--%s'", name);
	cli_fail();
	*printed = true;
	for (i = 0; i < OPT_DEFS_COUNT; i++)
		if (accepts(accept, &opt_defs[i]))
			names[n++] = opt_defs[i].name;
	cli_suggest(name, names, n, "--");
	free(name);
	return error;
}

static int set_format(struct cli_options *opts, const char *value,
                      unsigned accept)
{
	tg_format format;
	int error;

	error = tg_format_parse(&format, value);
	if (error < 0)
		return error;
	if ((format == TG_FORMAT_CSV || format == TG_FORMAT_HTML) &&
	    !(accept & CLI_OPT_TABLE))
		return tg_error_set(TG_EINVALID,
		                    "format '%s' is only available with 'scan'",
		                    value);
	opts->format = format;
	return 0;
}

static int set_value(struct cli_options *opts, int val, const char *value,
                     unsigned accept)
{
	switch (val) {
	case OPT_REPO:
		opts->repo = value;
		break;
	case OPT_CONFIG:
		opts->config = value;
		break;
	case OPT_POLICY_REV:
		opts->policy_rev = value;
		break;
	case OPT_FORMAT:
		return set_format(opts, value, accept);
	case 'o':
		opts->output = value;
		break;
	case OPT_FAIL_ON:
		if (strcmp(value, "error") != 0 &&
		    strcmp(value, "warning") != 0 &&
		    strcmp(value, "never") != 0)
			return tg_error_set(TG_EINVALID,
				"invalid --fail-on '%s' (expected error, "
				"warning or never)", value);
		opts->fail_on = value;
		break;
	case OPT_COLOR:
		if (strcmp(value, "auto") == 0)
			opts->color = CLI_COLOR_AUTO;
		else if (strcmp(value, "always") == 0)
			opts->color = CLI_COLOR_ALWAYS;
		else if (strcmp(value, "never") == 0)
			opts->color = CLI_COLOR_NEVER;
		else
			return tg_error_set(TG_EINVALID,
				"invalid --color '%s' (expected auto, always "
				"or never)", value);
		break;
	case 'q':
		opts->quiet = true;
		break;
	case OPT_STAGED:
		opts->staged = true;
		break;
	case OPT_RANGE:
		if (!strstr(value, ".."))
			return tg_error_set(TG_EINVALID,
				"invalid --range '%s' (expected A..B or A...B)",
				value);
		opts->range = value;
		break;
	case OPT_ALL:
		opts->all = true;
		break;
	case OPT_REV:
		opts->rev = value;
		break;
	case 'f':
		opts->force = true;
		break;
	case OPT_FORGE_URL:
		opts->forge_url = value;
		break;
	case OPT_HEAD:
		opts->head = value;
		break;
	case OPT_NO_PASS_COMMENT:
		opts->no_pass_comment = true;
		break;
	case OPT_MAX_FINDINGS: {
		char *end = NULL;
		long n;

		errno = 0;
		n = strtol(value, &end, 10);
		if (errno != 0 || !end || end == value || *end != '\0' ||
		    n < 0 || n > 1000000)
			return tg_error_set(TG_EINVALID,
				"invalid --max-findings '%s' (expected a number, "
				"0 for all)", value);
		opts->max_findings = n;
		break;
	}
	case OPT_VERBOSE:
		opts->verbose = true;
		break;
	case OPT_PRUNE:
		opts->prune = true;
		break;
	case OPT_SERVER:
		opts->server = true;
		break;
	case OPT_GLOBAL:
		opts->global = true;
		break;
	case OPT_APPROVALS:
		opts->approvals = value;
		break;
	case OPT_REVIEWER:
		if (opts->nreviewers >= CLI_MAX_REVIEWERS)
			return tg_error_set(TG_EINVALID, "more than %d --reviewer "
				"options: list the team in .threatgate instead",
				CLI_MAX_REVIEWERS);
		opts->reviewers[opts->nreviewers++] = value;
		break;
	default:
		return tg_error_set(TG_ERROR, "unhandled option %d", val);
	}
	return 0;
}

static int check_combinations(const struct cli_options *opts)
{
	int modes = (opts->staged ? 1 : 0) + (opts->range ? 1 : 0) +
	            (opts->all ? 1 : 0);

	if (modes > 1)
		return tg_error_set(TG_EINVALID,
			"--staged, --range and --all cannot be combined");
	if (opts->approvals && !opts->range && (opts->accepted & CLI_OPT_GIT))
		return tg_error_set(TG_EINVALID, "--approvals needs --range: "
			"approvals are of a pull request, the range it merges");
	if (opts->rev && (opts->accepted & CLI_OPT_GIT) && !opts->all)
		return tg_error_set(TG_EINVALID, "--rev needs --all");
	if (opts->config && opts->policy_rev)
		return tg_error_set(TG_EINVALID,
			"--config and --policy-rev cannot be combined");
	return 0;
}

int cli_opts_parse(struct cli_options *opts, int argc, char **argv,
                   unsigned accept, const char *help)
{
	struct option longopts[OPT_DEFS_COUNT + 1];
	char shortopts[16];
	size_t i, n = 0, s = 0;
	bool printed = false;
	int c, error = 0;

	opts->command = argv[0];
	opts->accepted = accept;

	shortopts[s++] = ':';	/* tell a missing value from an unknown flag */
	shortopts[s++] = 'h';
	if (accept & (CLI_OPT_REPORT | CLI_OPT_QUIET))
		shortopts[s++] = 'q';
	if (accept & (CLI_OPT_REPORT | CLI_OPT_OUTPUT)) {
		shortopts[s++] = 'o';
		shortopts[s++] = ':';
	}
	if (accept & CLI_OPT_FORCE)
		shortopts[s++] = 'f';
	shortopts[s] = '\0';

	for (i = 0; i < OPT_DEFS_COUNT; i++) {
		if (!accepts(accept, &opt_defs[i]))
			continue;
		longopts[n].name = opt_defs[i].name;
		longopts[n].has_arg = opt_defs[i].has_arg;
		longopts[n].flag = NULL;
		longopts[n].val = opt_defs[i].val;
		n++;
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));

	opterr = 0;
	optind = 0;	/* GNU: start afresh, argv[0] is the command */
	for (;;) {
		c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			fputs(help, stdout);
			return CLI_HELP_SHOWN;
		}
		if (c == '?') {
			error = bad_option(&printed, opts, argv[optind - 1],
			                   optopt, accept);
			goto done;
		}
		if (c == ':') {
			error = tg_error_set(TG_EINVALID,
			                     "option '%s' needs a value",
			                     argv[optind - 1]);
			goto done;
		}
		error = set_value(opts, c, optarg, accept);
		if (error < 0)
			goto done;
	}
	opts->args = argv + optind;
	opts->nargs = argc - optind;
	error = check_combinations(opts);
done:
	if (error < 0) {
		if (!printed)
			cli_fail();
		fprintf(stderr, "see 'threatgate %s --help'\n", opts->command);
	}
	return error;
}

int cli_opts_exit(const struct cli_options *opts, int parse_result)
{
	(void)opts;
	return parse_result < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
}
