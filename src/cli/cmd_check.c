/*
 * threatgate check [FILE|DIR...]: check design documents of the work tree.
 * The git modes (--staged, --range, --all) are parsed here and handed to
 * cli_check_git() in check_git.c. The helpers shared with the other
 * subcommands are in common.c.
 */
#include <errno.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
/*
 * NEEDSWORK: only for the list of document globs in the no-documents
 * message; a public tg_policy_docs() accessor would let the CLI drop this
 * private header.
 */
#include "policy/policy.h"
#include "util/util.h"
#include "util/banned.h"

static const char check_help[] =
"usage: threatgate check [options] [FILE|DIR...]\n"
"   or: threatgate check [options] --staged\n"
"   or: threatgate check [options] --range A..B | --range A...B\n"
"   or: threatgate check [options] --all [--rev REV]\n"
"\n"
"Check design documents against the policy. With no FILE or DIR, every\n"
"file of the work tree whose path matches the document globs\n"
"(threatgate.docs) is checked; a DIR is walked with the same filter; a\n"
"FILE is always checked. .git, symbolic links, submodules and ignored\n"
"files are skipped.\n"
"\n"
"Git modes:\n"
"  --staged              the documents as staged in the index (the next commit)\n"
"  --range A..B          the documents changed between A and B\n"
"                        (A...B: changed since the merge base of A and B)\n"
"  --all                 every design document at a revision\n"
"  --rev REV             the revision for --all (default: HEAD)\n"
"  --approvals FILE      with --range: the pull request's approvals, as\n"
"                        hooks/pr-approvals writes them; a security\n"
"                        reviewer's approval given where the design is as\n"
"                        at B counts as its sign-off\n"
"\n"
"Options:\n"
"  --repo DIR            repository (default: found from the current directory)\n"
"  --config FILE         policy file to use instead of .threatgate\n"
"  --policy-rev REV      read .threatgate from REV (a pull request's base)\n"
"  --format FORMAT       text (default), json, sarif, markdown, github, gitlab\n"
"  -o, --output FILE     write the report to FILE instead of standard output\n"
"  --fail-on LEVEL       exit 1 on findings at or above LEVEL: error (default),\n"
"                        warning or never\n"
"  --color WHEN          colour text output: auto (default), always or never\n"
"  -q, --quiet           print nothing when there is nothing to report\n"
"  --forge-url URL       link findings to URL/blob/REV/PATH#LN (markdown);\n"
"                        default: from GITHUB_SERVER_URL/GITHUB_REPOSITORY\n"
"                        or CI_PROJECT_URL\n"
"  --head REV            the revision links point at (default: the commit\n"
"                        checked, or GITHUB_SHA / CI_COMMIT_SHA)\n"
"  --no-pass-comment     markdown: write nothing when nothing blocks\n"
"  --max-findings N      text: show at most N findings (default: all),\n"
"                        then how many more in how many documents\n"
"  --verbose             say which policy was read, and which paths were\n"
"                        taken as design documents and why\n"
"  -h, --help            show this help\n"
"\n"
"Exit status: 0 nothing at or above --fail-on, 1 findings at or above\n"
"--fail-on, 2 usage, policy or repository error.\n";

/* ---- the work-tree walk ---- */

struct walk {
	const struct cli_options *opts;	/* --verbose */
	const tg_policy *policy;
	tg_findings *findings;
	git_repository *repo;	/* for ignore rules; may be NULL */
	bool use_ignores;	/* the walk is inside the work tree */
	tg_check_context context;	/* lazy triggers for text output */
	git_index *index;	/* tracked files are never "ignored" */
	const char *root;	/* absolute, resolved */
	const char *cwd;	/* absolute, resolved */
	tg_vec seen;		/* resolved paths checked, against doubles */
	tg_vec jobs;		/* struct file_job *, in the walk's order */
	size_t checked;
	size_t markdown;	/* Markdown files that matched no glob */
	char *first_markdown;	/* display path of the first of them */
	char *example_rel;	/* the first in a folder, for the glob hint */
};

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

static bool is_markdown(const char *name)
{
	size_t len = strlen(name);

	return (len > 3 && tg_strcasecmp(name + len - 3, ".md") == 0) ||
	       (len > 9 && tg_strcasecmp(name + len - 9, ".markdown") == 0);
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

/* A file the walk found, checked after it on every core. */
struct file_job {
	char *fs_path;
	char *display;
	char *rel;		/* root-relative, for policy globs; or NULL */
	tg_findings *findings;
	int error;
	char message[1024];
};

static void free_job(void *p)
{
	struct file_job *job = p;

	if (!job)
		return;
	free(job->fs_path);
	free(job->display);
	free(job->rel);
	tg_findings_free(job->findings);
	free(job);
}

static int check_file(struct walk *w, const char *fs_path,
                      const char *display)
{
	struct file_job *job;
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
	job = calloc(1, sizeof(*job));
	if (!job)
		return tg_error_oom();
	/* Policy globs are relative to the root, whatever the cwd. */
	rel = resolved ? under_root(w->root, resolved) : NULL;
	job->fs_path = tg_strdup(fs_path);
	job->display = tg_strdup(display);
	job->rel = rel && *rel ? tg_strdup(rel) : NULL;
	if (!job->fs_path || !job->display || (rel && *rel && !job->rel) ||
	    tg_vec_push(&w->jobs, job) < 0) {
		free_job(job);
		return tg_error_oom();
	}
	return 0;
}

static int check_job(size_t i, void *payload)
{
	struct walk *w = payload;
	struct file_job *job = w->jobs.items[i];
	tg_document *doc = NULL;
	int error;

	error = tg_findings_new(&job->findings);
	if (error == 0)
		error = tg_document_load_file(&doc, job->fs_path, job->display,
		                              w->policy);
	if (error == 0 && job->rel)
		error = tg_document_set_policy_path(doc, job->rel);
	if (error == 0)
		error = tg_check_document(job->findings, doc, w->policy,
		                          &w->context);
	tg_document_free(doc);
	if (error < 0) {
		job->error = error;
		snprintf(job->message, sizeof(job->message), "%s",
		         tg_error_last()->message);
	}
	return error;
}

/*
 * Check the files the walk found, on every core, and add their findings
 * in the walk's order. The first file (in that order) that cannot be
 * checked ends the check with its error, as if checked one by one.
 */
static int check_files(struct walk *w)
{
	size_t i, started;

	/* A file that cannot be checked ends the check: start no more. */
	started = tg_parallel_run(w->jobs.length,
	                          tg_parallel_threads(w->jobs.length),
	                          check_job, NULL, w, true);
	for (i = 0; i < started; i++) {
		struct file_job *job = w->jobs.items[i];

		if (job->error < 0)
			return tg_error_set(job->error, "%s", job->message);
		if (tg_findings_move(w->findings, job->findings) < 0)
			return TG_ENOMEM;
		w->checked++;
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int note_markdown(struct walk *w, const char *display, const char *rel)
{
	/*
	 * Templates (templates/sdd.md, which init writes) are not design
	 * documents kept in the wrong place: no glob is suggested for them.
	 */
	if (strncmp(rel, "templates/", 10) == 0)
		return 0;
	w->markdown++;
	if (!w->first_markdown) {
		w->first_markdown = tg_strdup(display);
		if (!w->first_markdown)
			return tg_error_oom();
	}
	/* A README at the top makes a poor example of where docs live. */
	if (w->example_rel &&
	    (strchr(w->example_rel, '/') || !strchr(rel, '/')))
		return 0;
	free(w->example_rel);
	w->example_rel = tg_strdup(rel);
	if (!w->example_rel)
		return tg_error_oom();
	return 0;
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
	DIR *dir = NULL;
	struct dirent *de;
	struct stat st;
	char *child = NULL, *child_rel = NULL, *child_display = NULL;
	char *dotgit = NULL;
	size_t i;
	int error = 0;

	dir = opendir(abs);
	if (!dir) {
		error = tg_error_set(TG_ERROR, "cannot read directory '%s': %s",
		                     display ? display : abs, strerror(errno));
		goto done;
	}
	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (!de)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, ".git") == 0)
			continue;
		error = tg_vec_push_str(&names, de->d_name);
		if (error < 0)
			goto done;
	}
	if (errno != 0) {
		error = tg_error_set(TG_ERROR, "cannot read directory '%s': %s",
		                     display ? display : abs, strerror(errno));
		goto done;
	}
	/* Sorted, so that output and "the first Markdown file" are stable. */
	if (names.length > 1)
		qsort(names.items, names.length, sizeof(*names.items),
		      cmp_names);

	for (i = 0; i < names.length; i++) {
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
			goto done;
		}
		/* Vanished or unreadable entries are not design documents. */
		if (lstat(child, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		if (S_ISDIR(st.st_mode)) {
			/* A submodule or nested repository is not ours. */
			dotgit = join(child, ".git");
			if (!dotgit) {
				error = tg_error_oom();
				goto done;
			}
			if (lstat(dotgit, &st) == 0)
				continue;
			if (ignored(w, child_rel, true))
				continue;
			error = walk_dir(w, child, child_rel,
			                 display ? child_display : NULL);
			if (error < 0)
				goto done;
			continue;
		}
		if (!S_ISREG(st.st_mode) || ignored(w, child_rel, false))
			continue;
		if (tg_policy_is_document(w->policy, child_rel)) {
			cli_verbose_document(w->opts, w->policy, child_rel,
			                     child_display, false);
			error = check_file(w, child, child_display);
		} else if (is_markdown(names.items[i])) {
			cli_verbose_document(w->opts, w->policy, child_rel,
			                     child_display, false);
			error = note_markdown(w, child_display, child_rel);
		}
		if (error < 0)
			goto done;
	}
done:
	free(child);
	free(child_rel);
	free(child_display);
	free(dotgit);
	if (dir)
		closedir(dir);
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

static int check_operand(struct walk *w, const char *typed)
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
		/* An explicit file is checked whatever the globs say. */
		if (w->opts->verbose) {
			char *full = realpath(typed, NULL);
			const char *in_tree = full ? under_root(w->root, full) : NULL;

			cli_verbose_document(w->opts, w->policy,
			                     in_tree ? in_tree : typed,
			                     *display ? display : typed, true);
			free(full);
		}
		error = check_file(w, typed, *display ? display : typed);
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

/* The glob to suggest for a Markdown file: its folder at any depth. */
static char *suggest_glob(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	const char *ext = strrchr(rel, '.');

	if (!slash)
		return tg_strdup(rel);
	return tg_printf("%.*s/**/*%s", (int)(slash - rel), rel,
	                 ext && ext > slash ? ext : ".md");
}

/*
 * Markdown was there but no path matched: say so rather than pass. A
 * short headline; the globs and the fix follow as notes (gcc style).
 */
static int report_no_documents(struct walk *w)
{
	tg_buf globs = TG_BUF_INIT;
	tg_finding_note notes[2];
	char *glob = NULL, *headline = NULL, *fix = NULL;
	size_t i;
	int error;

	glob = suggest_glob(w->example_rel ? w->example_rel : "");
	if (w->markdown == 1)
		headline = tg_strdup("no design document found: this Markdown "
		                     "file matches no document glob");
	else
		headline = tg_printf("no design document found: %zu Markdown "
		                     "files match no document glob",
		                     w->markdown);
	tg_buf_puts(&globs, "the document globs: ");
	for (i = 0; i < w->policy->docs.length; i++)
		tg_buf_printf(&globs, "%s%s", i ? ", " : "",
		              (const char *)w->policy->docs.items[i]);
	if (glob)
		fix = tg_printf("if design documents live elsewhere, add a glob "
		                "(globs given replace the defaults): git config "
		                "-f .threatgate --add threatgate.docs '%s'", glob);
	if (!glob || !headline || !fix || globs.failed) {
		error = tg_error_oom();
		goto done;
	}
	memset(notes, 0, sizeof(notes));
	notes[0].message = (char *)tg_buf_cstr(&globs);
	notes[1].message = fix;
	error = tg_rules_add_finding_notes(w->findings, w->policy,
		TG_RULE_NO_DOCUMENTS, w->first_markdown, NULL, 1, 0, headline,
		notes, 2);
done:
	free(fix);
	free(headline);
	free(glob);
	tg_buf_release(&globs);
	return error;
}

static int check_work_tree(const struct cli_options *opts,
                           tg_findings *findings, tg_policy **policy_out)
{
	struct walk w;
	git_repository *repo = NULL;
	tg_policy *policy = NULL;
	char *root = NULL, *cwd = NULL;
	int i, error;

	memset(&w, 0, sizeof(w));
	*policy_out = NULL;

	error = cli_repo_open(&repo, opts, false);
	if (error < 0)
		goto done;
	error = cli_work_root(&root, repo);
	if (error < 0)
		goto done;
	cwd = realpath(".", NULL);
	if (!cwd) {
		error = tg_error_set(TG_ERROR,
			"cannot resolve the current directory: %s",
			strerror(errno));
		goto done;
	}
	error = cli_policy_load(&policy, opts, repo, root);
	if (error < 0)
		goto done;

	w.opts = opts;
	w.policy = policy;
	w.findings = findings;
	/* Text shows findings only: skip trigger scans no rule needs. */
	w.context.lazy_triggers = !(tg_report_needs(opts->format) &
	                            TG_REPORT_NEEDS_TRIGGERS);
	w.repo = repo;
	w.root = root;
	w.cwd = cwd;
	if (repo && git_repository_index(&w.index, repo) < 0) {
		git_error_clear();
		w.index = NULL;
	}

	if (opts->nargs == 0) {
		w.use_ignores = true;
		error = walk_dir(&w, root, "", NULL);
		if (error < 0)
			goto done;
	}
	for (i = 0; i < opts->nargs; i++) {
		error = check_operand(&w, opts->args[i]);
		if (error < 0)
			goto done;
	}
	error = check_files(&w);
	if (error < 0)
		goto done;
	if (w.checked == 0 && w.first_markdown) {
		error = report_no_documents(&w);
		if (error < 0)
			goto done;
	}
	error = tg_rules_apply_baseline(findings, policy);
	if (error < 0)
		goto done;
	*policy_out = policy;
	policy = NULL;
done:
	free(w.first_markdown);
	free(w.example_rel);
	tg_vec_release(&w.seen, free);
	tg_vec_release(&w.jobs, free_job);
	git_index_free(w.index);
	tg_policy_free(policy);
	free(cwd);
	free(root);
	git_repository_free(repo);
	return error;
}

int cli_check_collect(const struct cli_options *opts, tg_findings *findings,
                      tg_policy **policy_out)
{
	if (cli_opts_git_mode(opts))
		return cli_check_git(opts, findings, policy_out);
	return check_work_tree(opts, findings, policy_out);
}

int cli_cmd_check(int argc, char **argv)
{
	struct cli_options opts = CLI_OPTIONS_INIT;
	tg_findings *findings = NULL;
	tg_policy *policy = NULL;
	int error, code = CLI_EXIT_USAGE;

	error = cli_opts_parse(&opts, argc, argv, CLI_OPT_POLICY |
	                       CLI_OPT_REPORT | CLI_OPT_GIT | CLI_OPT_REV,
	                       check_help);
	if (error != 0)
		return cli_opts_exit(&opts, error);

	error = tg_findings_new(&findings);
	if (error < 0)
		goto done;
	error = cli_check_collect(&opts, findings, &policy);
	if (error < 0)
		goto done;
	if (opts.verbose && cli_opts_git_mode(&opts)) {
		size_t i;

		/* A git mode takes the paths that match a glob, and only those. */
		for (i = 0; i < tg_findings_document_count(findings); i++)
			cli_verbose_document(&opts, policy,
				tg_findings_document(findings, i)->path, NULL,
				false);
	}

	tg_findings_sort(findings);
	opts.policy = policy;
	error = cli_report_write(&opts, findings, stdout);
	if (error < 0)
		goto done;
	code = cli_exit_code(findings, policy);
done:
	if (error < 0)
		code = cli_fail();
	tg_policy_free(policy);
	tg_findings_free(findings);
	return code;
}
