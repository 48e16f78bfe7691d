/*
 * threatgate init [--force]: write a commented policy file and the design
 * document template into the repository root, from copies embedded at
 * build time (templates/threatgate.sample, templates/sdd.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "util/util.h"
#include "util/banned.h"

static const char init_help[] =
"usage: threatgate init [--force] [--repo DIR] [--reviewer WHO...]\n"
"\n"
"Write .threatgate (the policy, every setting commented out at its\n"
"default) and templates/sdd.md (a design document template) into the\n"
"root of the repository, or of the current directory outside one.\n"
"Existing files are left alone unless --force is given.\n"
"\n"
"The security reviewers, who may sign off a design's security review,\n"
"go into the policy as threatgate.reviewer: given with --reviewer, or\n"
"asked for when standard input is a terminal. While none is set, any\n"
"named sign-off counts, and reports say so.\n"
"\n"
"Options:\n"
"  --reviewer WHO  a security reviewer, @handle or email (repeatable)\n"
"  -f, --force     overwrite existing files\n"
"  --repo DIR      repository (default: found from the current directory)\n"
"  -q, --quiet     print nothing on success\n"
"  -h, --help      show this help\n";

static const struct target {
	const char *path;	/* relative to the root */
	const unsigned char *data;
	const size_t *len;
} targets[] = {
	{ ".threatgate", cli_template_threatgate_sample,
	  &cli_template_threatgate_sample_len },
	{ "templates/sdd.md", cli_template_sdd, &cli_template_sdd_len },
};

#define TARGETS_COUNT (sizeof(targets) / sizeof(targets[0]))

static int write_all(int fd, const unsigned char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Write through a temporary file in the same folder, then link it into
 * place (fails if the file appeared meanwhile) or, with --force, rename
 * it over the old one: never a half-written file.
 */
static int write_target(const char *root, const struct target *t, bool force,
                        const tg_buf *content)
{
	char *path = NULL, *tmp = NULL;
	int fd = -1, error = 0;

	path = tg_printf("%s/%s", root, t->path);
	tmp = tg_printf("%s/%s.XXXXXX", root, t->path);
	if (!path || !tmp) {
		error = tg_error_oom();
		goto done;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		error = tg_error_set(TG_ERROR, "cannot write '%s': %s", t->path,
		                     strerror(errno));
		free(tmp);
		tmp = NULL;
		goto done;
	}
	if (fchmod(fd, 0644) < 0 ||
	    write_all(fd, content ? (const unsigned char *)content->ptr : t->data,
	              content ? content->size : *t->len) < 0 ||
	    close(fd) < 0) {
		fd = -1;
		error = tg_error_set(TG_ERROR, "cannot write '%s': %s", t->path,
		                     strerror(errno));
		goto done;
	}
	fd = -1;
	if (force) {
		if (rename(tmp, path) < 0)
			error = tg_error_set(TG_ERROR, "cannot write '%s': %s",
			                     t->path, strerror(errno));
	} else if (link(tmp, path) < 0) {
		if (errno == EEXIST)
			error = tg_error_set(TG_EINVALID, "'%s' already exists "
			                     "(use --force to overwrite it)",
			                     t->path);
		else
			error = tg_error_set(TG_ERROR, "cannot write '%s': %s",
			                     t->path, strerror(errno));
	}
done:
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);	/* after link(), or when anything failed */
	free(tmp);
	free(path);
	return error;
}

/* Refuse before writing anything, naming every file in the way. */
static int check_targets(const char *root)
{
	tg_buf names = TG_BUF_INIT;
	struct stat st;
	char *path = NULL;
	size_t i, found = 0;
	int error = 0;

	for (i = 0; i < TARGETS_COUNT; i++) {
		free(path);
		path = tg_printf("%s/%s", root, targets[i].path);
		if (!path) {
			error = tg_error_oom();
			goto done;
		}
		if (lstat(path, &st) < 0)
			continue;
		tg_buf_printf(&names, "%s'%s'", found ? " and " : "",
		              targets[i].path);
		found++;
	}
	if (names.failed)
		error = tg_error_oom();
	else if (found == 1)
		error = tg_error_set(TG_EINVALID,
			"%s already exists (use --force to overwrite it)",
			tg_buf_cstr(&names));
	else if (found > 1)
		error = tg_error_set(TG_EINVALID,
			"%s already exist (use --force to overwrite them)",
			tg_buf_cstr(&names));
done:
	free(path);
	tg_buf_release(&names);
	return error;
}

/* "@handle" or an email, without what would break the policy file. */
static int check_reviewer(const char *who)
{
	const char *p;

	if (!who || !*who || strpbrk(who, "\"\\\n\r#;") ||
	    !strchr(who, '@') || (who[0] == '@' && !who[1]))
		return tg_error_set(TG_EINVALID, "bad reviewer '%s': give a "
			"@handle or an email, e.g. --reviewer @alice or --reviewer "
			"security@example.com", who ? who : "");
	for (p = who; *p; p++)
		if ((unsigned char)*p < 0x20)
			return tg_error_set(TG_EINVALID, "bad reviewer '%s'", who);
	return 0;
}

/*
 * Ask for the reviewers on a terminal: one line, separated by commas or
 * blanks; empty for none. The answers live in *line (caller frees).
 */
static int ask_reviewers(struct cli_options *opts, char **line)
{
	size_t alloc = 0;
	char *p, *save = NULL;

	*line = NULL;
	fputs("Security reviewers who sign off designs (@handle or email, "
	      "separated by commas; empty for none yet): ", stdout);
	fflush(stdout);
	if (getline(line, &alloc, stdin) < 0)
		return 0;
	for (p = strtok_r(*line, ", \t\r\n", &save); p;
	     p = strtok_r(NULL, ", \t\r\n", &save)) {
		if (opts->nreviewers >= CLI_MAX_REVIEWERS)
			return tg_error_set(TG_EINVALID, "more than %d reviewers",
			                    CLI_MAX_REVIEWERS);
		opts->reviewers[opts->nreviewers++] = p;
	}
	return 0;
}

/* The sample policy with the reviewers filled in. */
static int policy_text(tg_buf *out, const struct cli_options *opts)
{
	static const char sample[] = "\t# reviewer = @alice\n"
		"\t# reviewer = security-team@example.com\n";
	const char *data = (const char *)cli_template_threatgate_sample;
	const char *at = memmem(data, cli_template_threatgate_sample_len,
	                        sample, sizeof(sample) - 1);
	int i, error = 0;

	if (!at)
		return tg_error_set(TG_ERROR, "the sample policy has no reviewer "
		                    "lines to fill in");
	tg_buf_put(out, data, (size_t)(at - data));
	for (i = 0; i < opts->nreviewers && error == 0; i++) {
		error = check_reviewer(opts->reviewers[i]);
		tg_buf_printf(out, "\treviewer = %s\n", opts->reviewers[i]);
	}
	at += sizeof(sample) - 1;
	tg_buf_put(out, at, cli_template_threatgate_sample_len -
	           (size_t)(at - data));
	if (error == 0 && out->failed)
		error = tg_error_oom();
	return error;
}

static int make_templates_dir(const char *root)
{
	struct stat st;
	char *dir = NULL;
	int error = 0;

	dir = tg_printf("%s/templates", root);
	if (!dir)
		return tg_error_oom();
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		error = tg_error_set(TG_ERROR, "cannot create 'templates': %s",
		                     strerror(errno));
	else if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		error = tg_error_set(TG_EINVALID,
		                     "cannot create 'templates': not a folder");
	free(dir);
	return error;
}

int cli_cmd_init(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	git_repository *repo = NULL;
	char *root = NULL, *cwd = NULL, *answer = NULL;
	tg_buf policy = TG_BUF_INIT;
	size_t i;
	int error, code = CLI_EXIT_OK;

	error = cli_opts_parse(&opts, argc, argv,
	                       CLI_OPT_REPO | CLI_OPT_FORCE | CLI_OPT_QUIET |
	                       CLI_OPT_REVIEWER,
	                       init_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);
	if (opts.nargs > 0) {
		cli_error("init takes no arguments");
		fputs("see 'threatgate init --help'\n", stderr);
		return CLI_EXIT_USAGE;
	}

	error = cli_repo_open(&repo, &opts, false);
	if (error < 0)
		goto done;
	error = cli_work_root(&root, repo);
	if (error < 0)
		goto done;
	if (!opts.force) {
		error = check_targets(root);
		if (error < 0)
			goto done;
	}
	if (opts.nreviewers == 0 && isatty(STDIN_FILENO) && !opts.quiet) {
		error = ask_reviewers(&opts, &answer);
		if (error < 0)
			goto done;
	}
	if (opts.nreviewers > 0) {
		error = policy_text(&policy, &opts);
		if (error < 0)
			goto done;
	}
	error = make_templates_dir(root);
	if (error < 0)
		goto done;
	/* Name the files as short as is unambiguous for the user. */
	cwd = realpath(".", NULL);
	for (i = 0; i < TARGETS_COUNT; i++) {
		error = write_target(root, &targets[i], opts.force,
		                     i == 0 && opts.nreviewers > 0 ? &policy : NULL);
		if (error < 0)
			goto done;
		if (!cli_verbose(&opts))
			continue;
		if (cwd && strcmp(cwd, root) == 0)
			printf("wrote %s\n", targets[i].path);
		else
			printf("wrote %s/%s\n", root, targets[i].path);
	}
	if (cli_verbose(&opts) && opts.nreviewers == 0)
		printf("no security reviewer set: any named sign-off counts "
		       "until .threatgate names them (reviewer = @handle)\n");
	if (cli_verbose(&opts))
		printf("next: copy templates/sdd.md to docs/design/NAME.md, "
		       "fill it in, and run 'threatgate check'\n");
done:
	if (error < 0)
		code = cli_fail();
	tg_buf_release(&policy);
	free(answer);
	free(cwd);
	free(root);
	git_repository_free(repo);
	return code;
}
