/*
 * The check driver through the library's public API: a folder of the
 * file system walked (tg_changes_add_files) and checked
 * (tg_changes_check) as `threatgate check DIR` does, the one
 * no-documents finding, the rule for a document that cannot be read, and
 * what the walk tells a caller (on_path).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "threatgate.h"
#include "util/util.h"

static const char bad_doc[] =
"# Export\n"
"\n"
"## Security\n"
"\n"
"### Threat Model\n"
"\n"
"| ID | Threat | STRIDE | Priority | Mitigation | Status |\n"
"|---|---|---|---|---|---|\n"
"| T1 | Forged file | Spoofing | | Signed | mitigated |\n";

struct sandbox {
	char dir[64];
	char *cwd;		/* to return to */
	tg_policy *policy;
};

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	struct sandbox *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/tg-check.XXXXXX");
	s->cwd = getcwd(NULL, 0);
	if (!mkdtemp(s->dir) || !s->cwd || chdir(s->dir) < 0 ||
	    mkdir("tree", 0777) < 0 || mkdir("tree/docs", 0777) < 0 ||
	    mkdir("tree/docs/design", 0777) < 0 ||
	    mkdir("tree/notes", 0777) < 0 || mkdir("md", 0777) < 0 ||
	    mkdir("md/notes", 0777) < 0)
		return -1;
	write_text("tree/docs/design/a.md", bad_doc);
	write_text("tree/docs/design/b.md", bad_doc);
	write_text("tree/notes/plan.md", "# Plan\n");
	write_text("md/README.md", "# Read me\n");
	write_text("md/notes/plan.md", "# Plan\n");
	if (tg_policy_new(&s->policy) < 0 ||
	    tg_policy_finalize(s->policy, NULL) < 0)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct sandbox *s = *state;
	char cmd[128];
	int failed;

	tg_policy_free(s->policy);
	failed = chdir(s->cwd) < 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	failed = system(cmd) != 0 || failed;
	free(s->cwd);
	free(s);
	return failed ? -1 : 0;
}

/* Walk and check `path` (NULL: the whole root) under `root`. */
static int check_path(tg_findings **out, const struct sandbox *s,
                      const char *root, const char *path,
                      tg_files_options *options)
{
	tg_files_options defaults = TG_FILES_OPTIONS_INIT;
	tg_changes *changes = NULL;
	char *abs = NULL;
	int error;

	if (!options)
		options = &defaults;
	abs = realpath(root, NULL);
	assert_non_null(abs);
	options->root = abs;
	options->paths = path ? &path : NULL;
	options->paths_count = path ? 1 : 0;
	assert_int_equal(tg_findings_new(out), 0);
	assert_int_equal(tg_changes_new(&changes), 0);
	error = tg_changes_add_files(changes, NULL, options, s->policy);
	if (error == 0)
		error = tg_changes_check(*out, NULL, changes, s->policy);
	tg_findings_sort(*out);
	tg_changes_free(changes);
	free(abs);
	return error;
}

static size_t count_rule(const tg_findings *findings, tg_rule_id rule)
{
	size_t i, n = 0;

	for (i = 0; i < tg_findings_count(findings); i++)
		n += tg_findings_get(findings, i)->rule == rule;
	return n;
}

static void test_check_directory(void **state)
{
	struct sandbox *s = *state;
	tg_findings *findings = NULL;
	const tg_finding *f;

	assert_int_equal(check_path(&findings, s, "tree", "tree", NULL), 0);
	/* the globs are the root's: notes/plan.md is no design document */
	assert_int_equal(tg_findings_document_count(findings), 2);
	assert_string_equal(tg_findings_document(findings, 0)->path,
	                    "tree/docs/design/a.md");
	assert_string_equal(tg_findings_document(findings, 1)->path,
	                    "tree/docs/design/b.md");
	assert_int_equal(count_rule(findings,
	                            TG_RULE_THREAT_MISSING_PRIORITY), 2);
	assert_int_equal(count_rule(findings, TG_RULE_NO_DOCUMENTS), 0);
	f = tg_findings_get(findings, 0);
	assert_string_equal(f->path, "tree/docs/design/a.md");
	/* matched against the globs as root-relative */
	assert_non_null(f->repo_path);
	assert_string_equal(f->repo_path, "docs/design/a.md");
	tg_findings_free(findings);
}

static void test_no_documents(void **state)
{
	struct sandbox *s = *state;
	tg_findings *findings = NULL;
	const tg_finding *f;

	assert_int_equal(check_path(&findings, s, "md", "md", NULL), 0);
	assert_int_equal(tg_findings_document_count(findings), 0);
	assert_int_equal(tg_findings_count(findings), 1);
	f = tg_findings_get(findings, 0);
	assert_int_equal(f->rule, TG_RULE_NO_DOCUMENTS);
	assert_int_equal(f->severity, TG_SEVERITY_NOTE);
	assert_string_equal(f->path, "md/README.md");
	assert_int_equal(f->line, 1);
	assert_string_equal(f->message, "no design document found: 2 Markdown "
		"files, this one first, match none of the document globs "
		"(docs/design/**/*.md, design/**/*.md, **/*.sdd.md, rfcs/**/*.md); "
		"if design documents live elsewhere, add a glob for them (globs "
		"given replace the defaults): git config -f .threatgate --add "
		"threatgate.docs 'notes/**/*.md'");
	tg_findings_free(findings);
}

struct seen {
	char paths[8][64];
	bool named[8];
	size_t count;
};

static void on_path(const char *path, const char *display, bool named,
                    void *payload)
{
	struct seen *seen = payload;

	if (seen->count < 8) {
		snprintf(seen->paths[seen->count], 64, "%s=%s", path, display);
		seen->named[seen->count++] = named;
	}
}

/* From the root, paths show as the current directory sees them. */
static void test_walk_tells(void **state)
{
	struct sandbox *s = *state;
	tg_files_options options = TG_FILES_OPTIONS_INIT;
	tg_findings *findings = NULL;
	struct seen seen;

	memset(&seen, 0, sizeof(seen));
	options.on_path = on_path;
	options.payload = &seen;
	assert_int_equal(check_path(&findings, s, "tree", NULL, &options), 0);
	assert_int_equal(seen.count, 3);
	assert_string_equal(seen.paths[0], "docs/design/a.md=tree/docs/design/a.md");
	assert_string_equal(seen.paths[1], "docs/design/b.md=tree/docs/design/b.md");
	assert_string_equal(seen.paths[2], "notes/plan.md=tree/notes/plan.md");
	assert_false(seen.named[0]);
	tg_findings_free(findings);

	/* a FILE is checked whatever the globs say, and said to be named */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(check_path(&findings, s, "tree", "tree/notes/plan.md",
	                            &options), 0);
	assert_int_equal(seen.count, 1);
	assert_string_equal(seen.paths[0], "notes/plan.md=tree/notes/plan.md");
	assert_true(seen.named[0]);
	assert_int_equal(tg_findings_document_count(findings), 1);
	assert_int_equal(count_rule(findings, TG_RULE_NO_DOCUMENTS), 0);
	tg_findings_free(findings);
}

static void test_missing_operand(void **state)
{
	struct sandbox *s = *state;
	tg_findings *findings = NULL;

	assert_int_equal(check_path(&findings, s, "tree", "tree/nope.md", NULL),
	                 TG_ENOTFOUND);
	assert_string_equal(tg_error_last()->message,
	                    "cannot read 'tree/nope.md': No such file or directory");
	tg_findings_free(findings);
}

/*
 * A document that cannot be read (gone between the walk and the check)
 * stops nothing: the others' findings are there, then its error.
 */
static void test_unreadable_stops_nothing(void **state)
{
	struct sandbox *s = *state;
	tg_files_options options = TG_FILES_OPTIONS_INIT;
	tg_findings *findings = NULL;
	tg_changes *changes = NULL;
	char *abs = realpath("tree", NULL);
	const char *path = "tree";

	assert_non_null(abs);
	options.root = abs;
	options.paths = &path;
	options.paths_count = 1;
	assert_int_equal(tg_findings_new(&findings), 0);
	assert_int_equal(tg_changes_new(&changes), 0);
	assert_int_equal(tg_changes_add_files(changes, NULL, &options,
	                                      s->policy), 0);
	assert_int_equal(tg_changes_count(changes), 2);
	assert_int_equal(rename("tree/docs/design/a.md", "tree/gone"), 0);
	assert_true(tg_changes_check(findings, NULL, changes, s->policy) < 0);
	assert_non_null(strstr(tg_error_last()->message,
	                       "tree/docs/design/a.md"));
	assert_int_equal(rename("tree/gone", "tree/docs/design/a.md"), 0);
	assert_int_equal(tg_findings_document_count(findings), 1);
	assert_string_equal(tg_findings_document(findings, 0)->path,
	                    "tree/docs/design/b.md");
	/* no no-documents after a failure: a document was there */
	assert_int_equal(count_rule(findings, TG_RULE_NO_DOCUMENTS), 0);
	tg_changes_free(changes);
	tg_findings_free(findings);
	free(abs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_directory),
		cmocka_unit_test(test_no_documents),
		cmocka_unit_test(test_walk_tells),
		cmocka_unit_test(test_missing_operand),
		cmocka_unit_test(test_unreadable_stops_nothing),
	};
	tg_options options = TG_OPTIONS_INIT;
	int failed;

	options.today = 20789;	/* 2026-12-01 */
	if (tg_init() < 0 || tg_options_set(&options) < 0)
		return 1;
	failed = cmocka_run_group_tests(tests, setup, teardown);
	tg_shutdown();
	return failed;
}
