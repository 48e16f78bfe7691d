/*
 * Design documents of the file system, for tg_changes_check (check.c):
 * `threatgate check [FILE|DIR...]` and the work tree. The walk skips
 * .git, symbolic links, submodules and (inside the work tree) ignored
 * files that are not tracked; it takes the files whose root-relative
 * path matches the document globs and counts the Markdown that matches
 * none, for no-documents. The files are read when checked, as blobs are.
 */
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "git.h"
#include "util/banned.h"

struct walk {
	const tg_files_options *opts;
	const tg_policy *policy;
	struct tg_changes *changes;
	git_repository *repo;	/* for ignore rules; may be NULL */
	bool use_ignores;	/* the walk is inside the work tree */
	git_index *index;	/* tracked files are never "ignored" */
	const char *root;	/* absolute, resolved */
	const char *cwd;	/* absolute, resolved */
	tg_vec seen;		/* resolved paths taken, against doubles */
};

static void say(struct walk *w, const char *path, const char *display,
                bool named)
{
	if (w->opts->on_path)
		w->opts->on_path(path, display, named, w->opts->payload);
}

static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir);

	if (len == 0)
		return tg_strdup(name);
	if (dir[len - 1] == '/')
		return tg_printf("%s%s", dir, name);
	return tg_printf("%s/%s", dir, name);
}

/*
 * The path of absolute `to` seen from absolute directory `from`, both
 * resolved: "docs/x.md", "../rfcs/y.md".
 */
static char *relative_to(const char *from, const char *to)
{
	tg_buf buf = TG_BUF_INIT;
	size_t i = 0, common = 0;
	const char *p;

	/* The longest common prefix that ends at a component boundary. */
	while (from[i] && from[i] == to[i]) {
		i++;
		if (from[i] == '/' || from[i] == '\0')
			if (to[i] == '/' || to[i] == '\0')
				common = i;
	}
	if (strcmp(from, "/") == 0)
		common = 0;
	for (p = from + common; *p; p++)
		if (*p == '/' && p[1] != '\0')
			tg_buf_puts(&buf, "../");
	p = to + common;
	while (*p == '/')
		p++;
	tg_buf_puts(&buf, p);
	if (buf.size == 0)
		tg_buf_puts(&buf, ".");
	return tg_buf_detach(&buf);
}

/* `path` under `root`: its root-relative part, or NULL when outside. */
static const char *under_root(const char *root, const char *path)
{
	size_t len = strlen(root);

	if (strcmp(root, "/") == 0)
		return path + 1;
	if (strncmp(root, path, len) != 0)
		return NULL;
	if (path[len] == '\0')
		return path + len;
	if (path[len] != '/')
		return NULL;
	return path + len + 1;
}

/* Ignored by .gitignore and not tracked: build output, vendored trees. */
static bool ignored(struct walk *w, const char *rel, bool is_dir)
{
	char *prefix = NULL;
	size_t pos;
	int is_ignored = 0, found;

	if (!w->repo || !w->use_ignores || !rel || !*rel)
		return false;
	if (git_ignore_path_is_ignored(&is_ignored, w->repo, rel) < 0) {
		git_error_clear();
		return false;
	}
	if (!is_ignored || !w->index)
		return is_ignored != 0;
	if (!is_dir)
		return git_index_get_bypath(w->index, rel, 0) == NULL;
	prefix = tg_printf("%s/", rel);
	if (!prefix)
		return false;
	found = git_index_find_prefix(&pos, w->index, prefix);
	free(prefix);
	git_error_clear();
	return found != 0;
}

/* Take a file to check (once, however often it is named). */
static int add_file(struct walk *w, const char *fs_path, const char *display)
{
	struct tg_change *c;
	char *real = NULL;
	const char *rel, *resolved = NULL;
	size_t i;
	int error;

	/* The same file named twice (a FILE inside a DIR) is checked once. */
	real = realpath(fs_path, NULL);
	if (real) {
		for (i = 0; i < w->seen.length; i++) {
			if (strcmp(w->seen.items[i], real) == 0) {
				free(real);
				return 0;
			}
		}
		error = tg_vec_push(&w->seen, real);
		if (error < 0) {
			free(real);
			return error;
		}
		resolved = real;	/* owned by w->seen now */
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return tg_error_oom();
	c->source = TG_SOURCE_FILE;
	/* Policy globs are relative to the root, whatever the cwd. */
	rel = resolved ? under_root(w->root, resolved) : NULL;
	c->file = tg_strdup(fs_path);
	c->path = tg_strdup(display);
	c->policy_path = rel && *rel ? tg_strdup(rel) : NULL;
	if (!c->file || !c->path || (rel && *rel && !c->policy_path) ||
	    tg_vec_push(&w->changes->docs, c) < 0) {
		free(c->file);
		free(c->path);
		free(c->policy_path);
		free(c);
		return tg_error_oom();
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int read_names(tg_vec *names, const char *abs, const char *display)
{
	DIR *dir = NULL;
	struct dirent *de;
	int error = 0;

	dir = opendir(abs);
	if (!dir)
		return tg_error_set(TG_ERROR, "cannot read directory '%s': %s",
		                    display ? display : abs, strerror(errno));
	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (!de)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0)
			continue;
		error = tg_vec_push_str(names, de->d_name);
		if (error < 0)
			goto done;
	}
	if (errno != 0) {
		error = tg_error_set(TG_ERROR, "cannot read directory '%s': %s",
		                     display ? display : abs, strerror(errno));
		goto done;
	}
	/* Sorted, so that output and "the first Markdown file" are stable. */
	if (names->length > 1)
		qsort(names->items, names->length, sizeof(*names->items),
		      cmp_names);
done:
	closedir(dir);
	return error;
}

/*
 * Walk `abs` (resolved). `rel` is its path for the document globs (root-
 * relative, "" at the top), `display` its path for findings, or NULL to
 * show paths relative to the current directory.
 */
static int walk_dir(struct walk *w, const char *abs, const char *rel,
                    const char *display)
{
	tg_vec names = TG_VEC_INIT;
	struct stat st;
	char *child = NULL, *child_rel = NULL, *child_display = NULL;
	char *dotgit = NULL;
	size_t i;
	int error;

	error = read_names(&names, abs, display);
	for (i = 0; error == 0 && i < names.length; i++) {
		free(child);
		free(child_rel);
		free(child_display);
		free(dotgit);
		child_rel = child_display = dotgit = NULL;
		child = join(abs, names.items[i]);
		child_rel = join(rel, names.items[i]);
		if (display)
			child_display = join(display, names.items[i]);
		else if (child)
			child_display = relative_to(w->cwd, child);
		if (!child || !child_rel || !child_display) {
			error = tg_error_oom();
			break;
		}
		/* Vanished or unreadable entries are not design documents. */
		if (lstat(child, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		if (S_ISDIR(st.st_mode)) {
			/* A submodule or nested repository is not ours. */
			dotgit = join(child, ".git");
			if (!dotgit) {
				error = tg_error_oom();
				break;
			}
			if (lstat(dotgit, &st) == 0 ||
			    ignored(w, child_rel, true))
				continue;
			error = walk_dir(w, child, child_rel,
			                 display ? child_display : NULL);
			continue;
		}
		if (!S_ISREG(st.st_mode) || ignored(w, child_rel, false))
			continue;
		if (tg_policy_is_document(w->policy, child_rel)) {
			say(w, child_rel, child_display, false);
			error = add_file(w, child, child_display);
		} else if (tg_git__is_markdown(names.items[i])) {
			say(w, child_rel, child_display, false);
			error = tg_git__note_markdown(w->changes, child_display,
			                              child_rel);
		}
	}
	free(child);
	free(child_rel);
	free(child_display);
	free(dotgit);
	tg_vec_release(&names, free);
	return error;
}

/* "./docs//design/" -> "docs/design"; "." -> "". */
static char *clean_display(const char *typed)
{
	char *s = NULL, *p;
	size_t len;

	while (typed[0] == '.' && typed[1] == '/')
		for (typed += 2; *typed == '/'; typed++)
			;
	if (strcmp(typed, ".") == 0)
		typed = "";
	s = tg_strdup(typed);
	if (!s)
		return NULL;
	len = strlen(s);
	while (len > 1 && s[len - 1] == '/')
		s[--len] = '\0';
	/* Collapse doubled slashes. */
	for (p = s; *p; p++) {
		if (p[0] == '/' && p[1] == '/') {
			memmove(p, p + 1, strlen(p + 1) + 1);
			p--;
		}
	}
	return s;
}

/* An explicit file is checked whatever the globs say. */
static int add_named_file(struct walk *w, const char *typed,
                          const char *display)
{
	char *full = NULL;
	const char *in_tree;

	if (w->opts->on_path) {
		full = realpath(typed, NULL);
		in_tree = full ? under_root(w->root, full) : NULL;
		say(w, in_tree ? in_tree : typed, display, true);
		free(full);
	}
	return add_file(w, typed, display);
}

static int add_operand(struct walk *w, const char *typed)
{
	struct stat st;
	char *real = NULL, *display = NULL;
	const char *rel;
	int error;

	if (stat(typed, &st) < 0)
		return tg_error_set(errno == ENOENT ? TG_ENOTFOUND : TG_ERROR,
		                    "cannot read '%s': %s", typed,
		                    strerror(errno));
	display = clean_display(typed);
	if (!display) {
		error = tg_error_oom();
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		error = add_named_file(w, typed, *display ? display : typed);
		goto done;
	}
	real = realpath(typed, NULL);
	if (!real) {
		error = tg_error_set(TG_ERROR, "cannot resolve '%s': %s",
		                     typed, strerror(errno));
		goto done;
	}
	/* Outside the work tree, globs apply to paths under DIR itself. */
	rel = under_root(w->root, real);
	w->use_ignores = rel != NULL;
	error = walk_dir(w, real, rel ? rel : "", display);
done:
	free(real);
	free(display);
	return error;
}

/* The repository's work tree, or the current directory: resolved. */
static int default_root(char **out, git_repository *repo)
{
	const char *dir = ".";

	*out = NULL;
	if (repo) {
		dir = git_repository_workdir(repo);
		if (!dir)
			return tg_error_set(TG_EREPO, "'%s' is a bare repository: "
			                    "there is no work tree",
			                    git_repository_path(repo));
	}
	*out = realpath(dir, NULL);
	if (!*out)
		return tg_error_set(TG_ERROR, "cannot resolve '%s': %s", dir,
		                    strerror(errno));
	return 0;
}

int tg_changes_add_files(tg_changes *changes, git_repository *repo,
                         const tg_files_options *options,
                         const tg_policy *policy)
{
	static const tg_files_options defaults = TG_FILES_OPTIONS_INIT;
	struct walk w;
	char *root = NULL, *cwd = NULL;
	size_t i;
	int error;

	memset(&w, 0, sizeof(w));
	w.opts = options ? options : &defaults;
	if (w.opts->root) {
		root = tg_strdup(w.opts->root);
		error = root ? 0 : tg_error_oom();
	} else {
		error = default_root(&root, repo);
	}
	if (error < 0)
		goto done;
	cwd = realpath(".", NULL);
	if (!cwd) {
		error = tg_error_set(TG_ERROR,
			"cannot resolve the current directory: %s",
			strerror(errno));
		goto done;
	}
	w.policy = policy;
	w.changes = changes;
	w.repo = repo;
	w.root = root;
	w.cwd = cwd;
	if (repo && git_repository_index(&w.index, repo) < 0) {
		git_error_clear();
		w.index = NULL;
	}
	if (w.opts->paths_count == 0) {
		w.use_ignores = true;
		error = walk_dir(&w, root, "", NULL);
	}
	for (i = 0; error == 0 && i < w.opts->paths_count; i++)
		error = add_operand(&w, w.opts->paths[i]);
done:
	tg_vec_release(&w.seen, free);
	git_index_free(w.index);
	free(cwd);
	free(root);
	return error;
}
