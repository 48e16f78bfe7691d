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
"usage: threatgate init [--force] [--repo DIR]\n"
"\n"
"Write .threatgate (the policy, every setting commented out at its\n"
"default) and templates/sdd.md (a design document template) into the\n"
"root of the repository, or of the current directory outside one.\n"
"Existing files are left alone unless --force is given.\n"
"\n"
"Options:\n"
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
static int write_target(const char *root, const struct target *t, bool force)
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
	if (fchmod(fd, 0644) < 0 || write_all(fd, t->data, *t->len) < 0 ||
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
	char *root = NULL, *cwd = NULL;
	size_t i;
	int error, code = CLI_EXIT_OK;

	error = cli_opts_parse(&opts, argc, argv,
	                       CLI_OPT_REPO | CLI_OPT_FORCE | CLI_OPT_QUIET,
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
	error = make_templates_dir(root);
	if (error < 0)
		goto done;
	/* Name the files as short as is unambiguous for the user. */
	cwd = realpath(".", NULL);
	for (i = 0; i < TARGETS_COUNT; i++) {
		error = write_target(root, &targets[i], opts.force);
		if (error < 0)
			goto done;
		if (!cli_verbose(&opts))
			continue;
		if (cwd && strcmp(cwd, root) == 0)
			printf("wrote %s\n", targets[i].path);
		else
			printf("wrote %s/%s\n", root, targets[i].path);
	}
	if (cli_verbose(&opts))
		printf("next: copy templates/sdd.md to docs/design/NAME.md, "
		       "fill it in, and run 'threatgate check'\n");
done:
	if (error < 0)
		code = cli_fail();
	free(cwd);
	free(root);
	git_repository_free(repo);
	return code;
}
