/*
 * threatgate install-hooks [--server] [--global] [REPO]: write the git
 * hooks threatgate ships (embedded in the binary, so no source clone is
 * needed) into a repository's hooks folder, core.hooksPath honoured; or,
 * with --global, into the folder every repository of this user gets its
 * hooks from. A hook that was there before is kept as KIND.local, and the
 * installed hook runs it first.
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

#define MANAGED_MARK "# threatgate-managed-hook"

static const char install_help[] =
"usage: threatgate install-hooks [REPO]\n"
"   or: threatgate install-hooks --server [BARE.git]\n"
"   or: threatgate install-hooks --global [--server]\n"
"\n"
"Install threatgate's git hooks: pre-commit and pre-push into a work\n"
"repository (default: the one here), or with --server pre-receive into a\n"
"bare one. The hooks folder is the one git uses (core.hooksPath\n"
"honoured). A hook of that name that is not threatgate's is kept as\n"
"HOOK.local and runs first, with the same arguments and input; running\n"
"this again refreshes threatgate's hooks and keeps HOOK.local.\n"
"\n"
"With --global, every repository of this user gets the hooks: into the\n"
"global core.hooksPath when one is set, else into the folder of\n"
"init.templateDir (set to ~/.config/threatgate/git-template when unset),\n"
"which 'git init' and 'git clone' copy into each new repository; run\n"
"'git init' in an existing one to add them there.\n"
"\n"
"The hooks run 'threatgate' from PATH, or the binary THREATGATE names.\n"
"\n"
"Options:\n"
"  --server              the pre-receive hook (for a bare repository)\n"
"  --global              for every repository of this user\n"
"  -h, --help            show this help\n";

struct hook {
	const char *kind;
	const unsigned char *text;
	const size_t *len;
};

static const struct hook client_hooks[] = {
	{ "pre-commit", cli_hook_pre_commit, &cli_hook_pre_commit_len },
	{ "pre-push", cli_hook_pre_push, &cli_hook_pre_push_len },
};

static const struct hook server_hooks[] = {
	{ "pre-receive", cli_hook_pre_receive, &cli_hook_pre_receive_len },
};

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Whether the file at `path` is a hook threatgate installed. */
static bool managed(const char *path)
{
	char buf[4096];
	FILE *fp = fopen(path, "r");
	bool found = false;

	if (!fp)
		return false;
	while (!found && fgets(buf, sizeof(buf), fp))
		found = strncmp(buf, MANAGED_MARK, strlen(MANAGED_MARK)) == 0;
	fclose(fp);
	return found;
}

static int mkdir_p(const char *dir)
{
	char *copy = tg_strdup(dir), *p;
	bool last;
	int error = 0;

	if (!copy)
		return tg_error_oom();
	for (p = copy + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		last = *p == '\0';
		*p = '\0';
		if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
			error = tg_error_set(TG_ERROR, "cannot create '%s': %s",
			                     copy, strerror(errno));
			break;
		}
		if (last)
			break;
		*p = '/';
	}
	free(copy);
	return error;
}

static int write_all(int fd, const unsigned char *text, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* One hook into `dir`, keeping a foreign one as KIND.local. */
static int install_one(const char *dir, const struct hook *hook)
{
	char *dest = NULL, *local = NULL, *tmp = NULL;
	int fd = -1, error = 0;

	dest = tg_printf("%s/%s", dir, hook->kind);
	local = tg_printf("%s/%s.local", dir, hook->kind);
	tmp = tg_printf("%s/.%s.XXXXXX", dir, hook->kind);
	if (!dest || !local || !tmp) {
		error = tg_error_oom();
		goto done;
	}
	if (exists(dest) && !managed(dest)) {
		if (exists(local)) {
			error = tg_error_set(TG_ERROR, "%s is not threatgate's and "
				"%s exists too: merge them by hand, then run this "
				"again", dest, local);
			goto done;
		}
		if (rename(dest, local) != 0) {
			error = tg_error_set(TG_ERROR, "cannot move '%s' to '%s': "
			                     "%s", dest, local, strerror(errno));
			goto done;
		}
		printf("threatgate: kept the %s hook that was there as %s: it "
		       "runs first\n", hook->kind, local);
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		error = tg_error_set(TG_ERROR, "cannot write in '%s': %s", dir,
		                     strerror(errno));
		goto done;
	}
	if (write_all(fd, hook->text, *hook->len) != 0 ||
	    fchmod(fd, 0755) != 0 || close(fd) != 0) {
		fd = -1;
		error = tg_error_set(TG_ERROR, "cannot write '%s': %s", tmp,
		                     strerror(errno));
		(void)remove(tmp);
		goto done;
	}
	fd = -1;
	if (rename(tmp, dest) != 0) {
		error = tg_error_set(TG_ERROR, "cannot write '%s': %s", dest,
		                     strerror(errno));
		(void)remove(tmp);
		goto done;
	}
	printf("threatgate: installed %s\n", dest);
done:
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(local);
	free(dest);
	return error;
}

/* "~/x" -> "$HOME/x"; relative to `base` otherwise. Caller frees. */
static char *expand(const char *value, const char *base)
{
	const char *home = getenv("HOME");

	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0'))
		return tg_printf("%s%s", home ? home : "", value + 1);
	if (value[0] == '/' || !base)
		return tg_strdup(value);
	return tg_printf("%s/%s", base, value);
}

static int config_string(char **out, git_config *config, const char *name)
{
	git_config_entry *entry = NULL;
	int error;

	*out = NULL;
	error = git_config_get_entry(&entry, config, name);
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (error < 0)
		return tg_error_from_git(error, "cannot read '%s'", name);
	*out = tg_strdup(entry->value ? entry->value : "");
	git_config_entry_free(entry);
	return *out ? 0 : tg_error_oom();
}

/*
 * The hooks folder git uses for `repo`: core.hooksPath (relative to the
 * work tree, or the git folder of a bare repository), else GIT_DIR/hooks.
 */
static int repo_hooks_dir(char **out, git_repository *repo)
{
	git_config *config = NULL;
	git_buf buf = { NULL, 0, 0 };
	char *value = NULL, *base = NULL;
	const char *workdir = git_repository_workdir(repo);
	int error;

	*out = NULL;
	error = git_repository_config_snapshot(&config, repo);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read git config");
		goto done;
	}
	error = config_string(&value, config, "core.hooksPath");
	if (error < 0)
		goto done;
	if (value && *value) {
		base = tg_strdup(workdir ? workdir : git_repository_path(repo));
		if (!base) {
			error = tg_error_oom();
			goto done;
		}
		if (*base && base[strlen(base) - 1] == '/')
			base[strlen(base) - 1] = '\0';
		*out = expand(value, base);
	} else {
		error = git_repository_item_path(&buf, repo,
		                                 GIT_REPOSITORY_ITEM_HOOKS);
		if (error < 0) {
			error = tg_error_from_git(error, "cannot find the hooks "
			                          "folder");
			goto done;
		}
		*out = tg_strdup(buf.ptr);
	}
	if (!*out)
		error = tg_error_oom();
done:
	git_buf_dispose(&buf);
	free(base);
	free(value);
	git_config_free(config);
	return error;
}

/* The user's global git config file, as git writes it. Caller frees. */
static char *global_config_path(void)
{
	const char *env = getenv("GIT_CONFIG_GLOBAL");
	const char *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char *path, *alt;

	if (env && *env)
		return tg_strdup(env);
	if (!home || !*home)
		return NULL;
	path = tg_printf("%s/.gitconfig", home);
	if (!path || exists(path))
		return path;
	/* git reads the XDG file when ~/.gitconfig does not exist. */
	alt = xdg && *xdg ? tg_printf("%s/git/config", xdg) :
		tg_printf("%s/.config/git/config", home);
	if (alt && exists(alt)) {
		free(path);
		return alt;
	}
	free(alt);
	return path;
}

/*
 * --global: the global core.hooksPath when there is one, else the hooks
 * folder of init.templateDir (setting it when unset).
 */
static int global_hooks_dir(char **out)
{
	git_config *global = NULL;
	char *file = NULL, *value = NULL, *dir = NULL;
	const char *home = getenv("HOME");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	int error;

	*out = NULL;
	file = global_config_path();
	if (!file) {
		error = tg_error_set(TG_ERROR, "--global needs HOME to be set");
		goto done;
	}
	if (!exists(file)) {
		int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644);

		if (fd < 0 && errno != EEXIST) {
			error = tg_error_set(TG_ERROR, "cannot create '%s': %s",
			                     file, strerror(errno));
			goto done;
		}
		if (fd >= 0)
			close(fd);
	}
	error = git_config_open_ondisk(&global, file);
	if (error < 0) {
		error = tg_error_from_git(error, "cannot read '%s'", file);
		goto done;
	}
	error = config_string(&value, global, "core.hooksPath");
	if (error < 0)
		goto done;
	if (value && *value) {
		*out = expand(value, home);
		printf("threatgate: the global core.hooksPath is '%s': every "
		       "repository without its own runs the hooks there\n", value);
		goto done;
	}
	free(value);
	value = NULL;
	error = config_string(&value, global, "init.templateDir");
	if (error < 0)
		goto done;
	if (!value || !*value) {
		free(value);
		value = xdg && *xdg ? tg_printf("%s/threatgate/git-template", xdg) :
			tg_printf("%s/.config/threatgate/git-template",
			          home ? home : "");
		if (!value) {
			error = tg_error_oom();
			goto done;
		}
		error = git_config_set_string(global, "init.templateDir", value);
		if (error < 0) {
			error = tg_error_from_git(error, "cannot set "
			                          "init.templateDir in '%s'", file);
			goto done;
		}
		printf("threatgate: set init.templateDir = %s in %s\n", value,
		       file);
	}
	dir = expand(value, home);
	*out = dir ? tg_printf("%s/hooks", dir) : NULL;
	if (*out)
		printf("threatgate: 'git init' and 'git clone' copy the hooks "
		       "of %s into each new repository; run 'git init' in an "
		       "existing one to add them there\n", dir);
done:
	if (error == 0 && !*out)
		error = tg_error_oom();
	free(dir);
	free(value);
	free(file);
	git_config_free(global);
	return error;
}

/* Whether the hooks will find the binary they run. */
static bool on_path(void)
{
	const char *path = getenv("PATH"), *env = getenv("THREATGATE");
	const char *p, *end;
	char *candidate;
	bool found = false;

	if (env && *env)
		return true;
	for (p = path ? path : ""; !found && *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		candidate = tg_printf("%.*s/threatgate", (int)(end - p), p);
		found = candidate && access(candidate, X_OK) == 0;
		free(candidate);
	}
	return found;
}

int cli_cmd_install_hooks(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	git_repository *repo = NULL;
	const struct hook *hooks;
	size_t count, i;
	char *dir = NULL;
	struct stat st;
	int error, code = CLI_EXIT_USAGE;

	error = cli_opts_parse(&opts, argc, argv, CLI_OPT_INSTALL,
	                       install_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);
	if (opts.nargs > 1 || (opts.global && opts.nargs > 0)) {
		cli_error("install-hooks takes one REPO, or none with --global; "
		          "see 'threatgate install-hooks --help'");
		return CLI_EXIT_USAGE;
	}
	hooks = opts.server ? server_hooks : client_hooks;
	count = opts.server ? 1 : 2;

	if (opts.global) {
		error = global_hooks_dir(&dir);
	} else {
		if (opts.nargs == 1 && stat(opts.args[0], &st) != 0) {
			error = tg_error_set(TG_ENOTFOUND,
			                     "no such directory: %s", opts.args[0]);
			goto done;
		}
		opts.repo = opts.nargs == 1 ? opts.args[0] : NULL;
		error = cli_repo_open(&repo, &opts, true);
		if (error < 0 && opts.repo)
			error = tg_error_set(TG_EREPO, "'%s' is not a git "
			                     "repository", opts.repo);
		if (error == 0 && opts.server && !git_repository_is_bare(repo))
			printf("threatgate: warning: %s is not a bare repository; "
			       "installing the pre-receive hook anyway\n",
			       git_repository_path(repo));
		if (error == 0)
			error = repo_hooks_dir(&dir, repo);
	}
	/* No trailing slash: the paths it prints are the ones git uses. */
	while (error == 0 && strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
		dir[strlen(dir) - 1] = '\0';
	if (error == 0)
		error = mkdir_p(dir);
	for (i = 0; error == 0 && i < count; i++)
		error = install_one(dir, &hooks[i]);
	if (error < 0)
		goto done;
	if (!on_path())
		printf("threatgate: warning: threatgate is not on PATH: the "
		       "hooks refuse every change until it is (or set "
		       "THREATGATE to the binary in the hooks' environment)\n");
	code = CLI_EXIT_OK;
done:
	if (error < 0)
		code = cli_fail();
	free(dir);
	git_repository_free(repo);
	return code;
}
