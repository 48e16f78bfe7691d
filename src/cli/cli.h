/*
 * The command-line tool's insides: options, the subcommands chosen from
 * the table in main.c, and helpers the subcommands share. Nothing here is
 * part of the library.
 */
#ifndef TG_CLI_H
#define TG_CLI_H

#include <stdio.h>
#include <git2.h>
#include "threatgate.h"

/* Exit codes (SPEC section 4). */
#define CLI_EXIT_OK 0		/* nothing at or above --fail-on */
#define CLI_EXIT_FINDINGS 1	/* findings at or above --fail-on */
#define CLI_EXIT_USAGE 2	/* usage, policy or repository error */

/* cli_opts_parse() returns this when it printed the help text. */
#define CLI_HELP_SHOWN 1

typedef enum {
	CLI_COLOR_AUTO = 0,
	CLI_COLOR_ALWAYS,
	CLI_COLOR_NEVER
} cli_color;

/* Option groups a subcommand accepts (flags for cli_opts_parse). */
#define CLI_OPT_POLICY	(1u << 0)	/* --repo --config --policy-rev */
#define CLI_OPT_REPORT	(1u << 1)	/* --format --output --fail-on --color -q
					   --forge-url --head --no-pass-comment */
#define CLI_OPT_GIT	(1u << 2)	/* --staged --range --all */
#define CLI_OPT_REV	(1u << 3)	/* --rev */
#define CLI_OPT_RANGE	(1u << 4)	/* --range alone (annotate) */
#define CLI_OPT_FORCE	(1u << 5)	/* -f --force (init) */
#define CLI_OPT_TABLE	(1u << 6)	/* --format also takes csv and html */
#define CLI_OPT_REPO	(1u << 7)	/* --repo alone (init) */
#define CLI_OPT_QUIET	(1u << 8)	/* -q alone (init) */
#define CLI_OPT_OUTPUT	(1u << 9)	/* -o --output alone (baseline) */
#define CLI_OPT_BASELINE (1u << 10)	/* --prune (baseline) */
#define CLI_OPT_INSTALL	(1u << 11)	/* --server --global (install-hooks) */
#define CLI_OPT_REVIEWER (1u << 12)	/* --reviewer (init), repeatable */

/* How many --reviewer options init takes. */
#define CLI_MAX_REVIEWERS 32

struct cli_options {
	const char *command;	/* "check", ... */
	unsigned accepted;	/* the CLI_OPT_* groups parsed */

	/* CLI_OPT_POLICY */
	const char *repo;	/* --repo DIR, or NULL: discover from cwd */
	const char *config;	/* --config FILE replaces .threatgate */
	const char *policy_rev;	/* --policy-rev REV: .threatgate from REV */

	/* CLI_OPT_REPORT */
	tg_format format;	/* --format, TG_FORMAT_TEXT by default */
	const char *output;	/* --output FILE, or NULL: the default stream */
	const char *fail_on;	/* --fail-on error|warning|never, or NULL */
	cli_color color;	/* --color */
	bool quiet;		/* -q: print nothing when nothing was found */

	/* CLI_OPT_GIT, CLI_OPT_REV, CLI_OPT_RANGE */
	bool staged;		/* --staged */
	const char *range;	/* --range A..B or A...B, as given */
	bool all;		/* --all */
	const char *rev;	/* --rev REV (check --all, scan) */

	/* CLI_OPT_FORCE */
	bool force;

	/* the operands left after the options (FILE, DIR, RULE, ...) */
	char **args;
	int nargs;

	/* CLI_OPT_REPORT, for the CI formats (markdown, sarif, github) */
	const char *forge_url;	/* --forge-url URL, or NULL: from CI's env */
	const char *head;	/* --head REV, or NULL: from CI's env */
	bool no_pass_comment;	/* --no-pass-comment */
	/*
	 * Set by a subcommand once it has its policy, before
	 * cli_report_write(): the report names its reviewers and its
	 * fail-on level. May stay NULL.
	 */
	const tg_policy *policy;

	/* CLI_OPT_BASELINE, CLI_OPT_INSTALL */
	bool prune;		/* --prune: keep only what is still found */
	bool server;		/* --server */
	bool global;		/* --global */
	/* Set by `baseline`: the policy's baseline does not apply. */
	bool no_baseline;
	/* CLI_OPT_GIT, CLI_OPT_RANGE: --approvals FILE (hooks/pr-approvals) */
	const char *approvals;

	/* CLI_OPT_REVIEWER: --reviewer WHO, in order */
	const char *reviewers[CLI_MAX_REVIEWERS];
	int nreviewers;

	/* CLI_OPT_REPORT */
	long max_findings;	/* --max-findings N; -1: the command's default */
	bool verbose;		/* --verbose: say what was read and why */
	bool group;		/* text: findings grouped by document (hooks) */
};

/* The findings a hook shows by default (--max-findings). */
#define CLI_HOOK_MAX_FINDINGS 25

#define CLI_OPTIONS_INIT { .format = TG_FORMAT_TEXT, .color = CLI_COLOR_AUTO, \
	.max_findings = -1 }

/* Whether a git mode (--staged, --range, --all) was asked for. */
bool cli_opts_git_mode(const struct cli_options *opts);

/*
 * Parse argv (argv[0] is the subcommand's name) with getopt_long,
 * accepting the option groups of `accept`. `help` is printed for -h and
 * --help, and the function returns CLI_HELP_SHOWN. A bad option is
 * TG_EINVALID with the message set; the operands end up in opts->args.
 */
int cli_opts_parse(struct cli_options *opts, int argc, char **argv,
	unsigned accept, const char *help);

/*
 * Turn what cli_opts_parse() returned into an exit code, after printing
 * the error and a pointer to --help: CLI_HELP_SHOWN -> 0, error -> 2.
 */
int cli_opts_exit(const struct cli_options *opts, int parse_result);

/*
 * Whether to colour output written to `stream`: --color always or never
 * decide; auto colours a terminal unless NO_COLOR is set (non-empty) or
 * TERM is dumb.
 */
bool cli_color_enabled(const struct cli_options *opts, FILE *stream);

/* Print `threatgate: <message>` on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --verbose: "threatgate: verbose: ..." on stderr; nothing without it. */
void cli_verbose_say(const struct cli_options *opts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * --verbose: why PATH (DISPLAY as shown, or NULL) is a design document or
 * is not; `named`: it was given on the command line.
 */
void cli_verbose_document(const struct cli_options *opts,
	const tg_policy *policy, const char *path, const char *display,
	bool named);
/* Print `threatgate: <tg_error_last()->message>` and return 2. */
int cli_fail(void);
/* Whether informational chatter is wanted. */
bool cli_verbose(const struct cli_options *opts);

/*
 * Offer close matches of `word` among `candidates` (n of them) on stderr,
 * git style: "did you mean 'check'?", each printed after `prefix` ("--"
 * for options, or ""). Prints nothing when none is close.
 */
void cli_suggest(const char *word, const char *const *candidates, size_t n,
	const char *prefix);

/*
 * Open the repository: --repo DIR (searching upwards), else GIT_DIR and
 * friends, else upwards from the current directory. When there is none and
 * `required` is false, *out is NULL and 0 is returned; else TG_EREPO.
 */
int cli_repo_open(git_repository **out, const struct cli_options *opts,
	bool required);

/*
 * The directory files are checked under: the repository's work tree, or
 * the current directory without a repository. Absolute, no trailing slash,
 * symbolic links resolved. Caller frees. TG_EREPO for a bare repository.
 */
int cli_work_root(char **out, git_repository *repo);

/*
 * The policy of SPEC section 6 for work-tree use: defaults, then
 * `.threatgate` at `root` (or --config, or `.threatgate` at --policy-rev),
 * then git config (the repository's, or the default levels when repo is
 * NULL), finalized against `root`, then --fail-on. Caller frees.
 */
int cli_policy_load(tg_policy **out, const struct cli_options *opts,
	git_repository *repo, const char *root);


/*
 * The policy for a git mode or hook: a bare repository (the server) reads
 * `.threatgate` from its default branch, never from what is pushed; a work
 * repository as cli_policy_load() does. Then --fail-on. Caller frees.
 */
int cli_policy_load_git(tg_policy **out, const struct cli_options *opts,
	git_repository *repo);

/*
 * Write the report in opts->format to --output, or else to `stream`
 * (stdout for check and scan, stderr for hooks). Colour follows --color,
 * NO_COLOR and whether the stream is a terminal. With -q nothing is
 * written when there are no findings. Returns 0 or an error.
 */
int cli_report_write(const struct cli_options *opts,
	const tg_findings *findings, FILE *stream);

/*
 * The report options for opts->format (report_opts.c): forge URL and head
 * revision from --forge-url and --head or CI's environment, reviewers and
 * fail-on from opts->policy, --no-pass-comment, $GITHUB_STEP_SUMMARY for
 * --format github. *owned gets a string the options point into, which the
 * caller frees after writing.
 */
int cli_report_options(tg_report_options *out, const struct cli_options *opts,
	char **owned);

/* 0, or 1 when a finding is at or above the policy's fail-on level. */
int cli_exit_code(const tg_findings *findings, const tg_policy *policy);

/*
 * Subcommands, one file each: argv[0] is the subcommand's name; each
 * returns an exit code.
 */
int cli_cmd_check(int argc, char **argv);
int cli_cmd_rules(int argc, char **argv);
int cli_cmd_explain(int argc, char **argv);
int cli_cmd_init(int argc, char **argv);
int cli_cmd_hook(int argc, char **argv);
int cli_cmd_scan(int argc, char **argv);
int cli_cmd_annotate(int argc, char **argv);
int cli_cmd_baseline(int argc, char **argv);
int cli_cmd_install_hooks(int argc, char **argv);

/*
 * The git modes of check (--staged, --range, --all [--rev]), in
 * check_git.c: collect the findings of the documents the mode selects,
 * loading the policy as SPEC section 5 says (the caller has not loaded
 * one). On success *policy_out holds the policy used (the caller frees it
 * and takes --fail-on from it); on failure return a negative tg_error_code
 * with the message set.
 */
int cli_check_git(const struct cli_options *opts, tg_findings *findings,
	tg_policy **policy_out);

/*
 * Read an approvals file (hooks/pr-approvals, check --approvals) into
 * `changes`. A file that does not parse is TG_EINVALID saying why.
 */
int cli_approvals_load(tg_changes *changes, const char *path);

/*
 * What `check` collects, for `baseline`: the git modes as cli_check_git(),
 * else the work tree's documents. *policy_out as there.
 */
int cli_check_collect(const struct cli_options *opts, tg_findings *findings,
	tg_policy **policy_out);

/*
 * The templates init writes, embedded at build time from
 * templates/sdd.md and templates/threatgate.sample (build/gen/).
 */
/* The commit the binary was built from (generated by the Makefile). */
extern const char cli_commit[];

extern const unsigned char cli_template_sdd[];
extern const size_t cli_template_sdd_len;
extern const unsigned char cli_template_threatgate_sample[];
extern const size_t cli_template_threatgate_sample_len;

/* The hooks install-hooks writes, from hooks/ (build/gen/). */
extern const unsigned char cli_hook_pre_commit[];
extern const size_t cli_hook_pre_commit_len;
extern const unsigned char cli_hook_pre_push[];
extern const size_t cli_hook_pre_push_len;
extern const unsigned char cli_hook_pre_receive[];
extern const size_t cli_hook_pre_receive_len;

#endif
