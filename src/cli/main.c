/*
 * threatgate(1): pick the subcommand from the table and exit with what it
 * returns. The only place that calls exit.
 */
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

static const char main_usage[] =
"usage: threatgate <command> [options] [args]\n"
"\n"
"Check the threat model of Markdown design documents.\n"
"\n"
"Commands:\n"
"  check [FILE|DIR...]       check design documents of the work tree\n"
"  check --staged            check what the next commit would hold\n"
"  check --range A..B        check documents changed between revisions\n"
"  check --all [--rev REV]   check every design document at a revision\n"
"  hook HOOK                 run as a pre-commit, pre-push or pre-receive hook\n"
"  scan [--rev REV]          inventory of every design document\n"
"  annotate [--range A..B]   store the report as a git note on the tip\n"
"  baseline [--rev REV]      write the fingerprints of today's findings\n"
"  install-hooks [REPO]      install the git hooks (--server, --global)\n"
"  rules                     list the rules\n"
"  explain RULE              what a rule checks and how to fix it\n"
"  init [--force]            write .threatgate and templates/sdd.md\n"
"  help [COMMAND]            show help\n"
"  version                   show the version\n"
"\n"
"Common options:\n"
"  --repo DIR                repository (default: found from the current directory)\n"
"  --config FILE             policy file instead of .threatgate\n"
"  --policy-rev REV          read .threatgate from REV (a pull request's base)\n"
"  --format FORMAT           text, json, sarif, markdown, github or gitlab\n"
"                            (scan also csv and html)\n"
"  -o, --output FILE         write the report to FILE\n"
"  --fail-on LEVEL           error, warning or never (default: error)\n"
"  --color WHEN              auto, always or never (NO_COLOR is honoured)\n"
"  -q, --quiet               print nothing when there is nothing to report\n"
"\n"
"Exit status: 0 nothing blocks, 1 findings at or above --fail-on,\n"
"2 usage, policy or repository error.\n"
"\n"
"See 'threatgate help COMMAND', threatgate(1) and threatgate-policy(5).\n";

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "check", cli_cmd_check },
	{ "hook", cli_cmd_hook },
	{ "scan", cli_cmd_scan },
	{ "annotate", cli_cmd_annotate },
	{ "baseline", cli_cmd_baseline },
	{ "install-hooks", cli_cmd_install_hooks },
	{ "rules", cli_cmd_rules },
	{ "explain", cli_cmd_explain },
	{ "init", cli_cmd_init },
	{ "help", cmd_help },
	{ "version", cmd_version },
};

#define COMMANDS_COUNT (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < COMMANDS_COUNT; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *names[COMMANDS_COUNT];
	size_t i;

	for (i = 0; i < COMMANDS_COUNT; i++)
		names[i] = commands[i].name;
	cli_error("'%s' is not a threatgate command", name);
	cli_suggest(name, names, COMMANDS_COUNT, "");
	fputs("see 'threatgate --help'\n", stderr);
	return CLI_EXIT_USAGE;
}

/* help [COMMAND]: the command's own --help. */
static int cmd_help(int argc, char **argv)
{
	const struct command *cmd;
	char help_flag[] = "--help";
	char *args[3];

	if (argc < 2) {
		fputs(main_usage, stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 2) {
		cli_error("help takes one command");
		return CLI_EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	if (cmd->run == cmd_help || cmd->run == cmd_version) {
		fputs(main_usage, stdout);
		return CLI_EXIT_OK;
	}
	args[0] = argv[1];
	args[1] = help_flag;
	args[2] = NULL;
	return cmd->run(2, args);
}

static int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		cli_error("version takes no arguments");
		return CLI_EXIT_USAGE;
	}
	printf("threatgate %s (commit %s)\n", tg_version(), cli_commit);
	return CLI_EXIT_OK;
}

/* Choose the subcommand; returns the exit code. */
static int run(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		fputs(main_usage, stderr);
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(main_usage, stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv);
	if (argv[1][0] == '-') {
		cli_error("unknown option '%s'", argv[1]);
		fputs("see 'threatgate --help'\n", stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	return cmd->run(argc - 1, argv + 1);
}

/* A variable of the environment, NULL when unset or empty. */
static const char *env(const char *name)
{
	const char *value = getenv(name);

	return value && *value ? value : NULL;
}

/*
 * The environment, read once: the library reads none of it, and changes
 * no libgit2 setting of its own accord.
 */
static int setup(void)
{
	tg_options options = TG_OPTIONS_INIT;
	const char *value;
	int error;

	value = env("THREATGATE_TODAY");	/* tests pin the date */
	if (value && tg_date_parse(value) >= 0)
		options.today = tg_date_parse(value);
	value = env("THREATGATE_THREADS");
	if (value) {
		options.threads = strtol(value, NULL, 10);
		if (options.threads < 1)
			options.threads = 1;
	}
	value = env("THREATGATE_CACHE");
	options.no_covers_cache = value && strcmp(value, "0") == 0;
	/* THREATGATE_INDEX=libgit2: the slow reader, to compare or work around. */
	value = env("THREATGATE_INDEX");
	options.index_libgit2 = value && strcmp(value, "libgit2") == 0;
	/* git sets it for hooks: `git commit -a` stages into a lock file. */
	options.index_file = env("GIT_INDEX_FILE");
	options.author_email = env("GIT_AUTHOR_EMAIL");
	error = tg_options_set(&options);
	if (error < 0)
		return error;
	/*
	 * Do not hash every object again on each read, as git does not: a
	 * 10,000-commit push spent a sixth of its hook time there. Damage
	 * still shows (zlib and pack checksums), as it does to git.
	 */
	error = git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (error < 0)
		return tg_error_from_git(error, "cannot set up libgit2");
	return 0;
}

int main(int argc, char **argv)
{
	int code;

	if (tg_init() < 0 || setup() < 0) {
		code = cli_fail();
		exit(code);
	}
	code = run(argc, argv);
	tg_shutdown();

	/* Output that could not be written is a failure, not a pass. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("cannot write to standard output");
		code = CLI_EXIT_USAGE;
	}
	exit(code);
}
