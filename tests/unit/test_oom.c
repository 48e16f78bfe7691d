/*
 * Out of memory, module by module: each operation runs again and again
 * with its 1st, 2nd, 3rd ... allocation failing (tg_alloc__fail_nth, the
 * allocator every malloc of src/ goes through) until it needs no more.
 * Every run that lost an allocation must return TG_ENOMEM and hand back
 * nothing (no half-made object, no finding list that looks complete), or
 * succeed with exactly the result of a run that lost none (a fallback);
 * the sanitizer and valgrind runs catch what leaks on the way out.
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
#include <git2.h>
#include "threatgate.h"
#include "util/util.h"
#include "util/containers.h"

static const char doc_text[] =
"---\n"
"title: Stock level export\n"
"dri: Dana Lee <dana@example.com>\n"
"participants: [dana, victor]\n"
"threat-model-reviewed: 2026-10-15\n"
"---\n"
"# Stock level export\n"
"\n"
"Suppliers sign in with a password (authentication, login sessions,\n"
"OAuth tokens) and download a CSV.\n"
"\n"
"## Security\n"
"\n"
"### Threat Model\n"
"\n"
"| ID | Threat | STRIDE | Priority | Mitigation | Status |\n"
"|---|---|---|---|---|---|\n"
"| T1 | Another supplier's file | Spoofing | P2 | Path checked | mitigated |\n"
"| T2 | No priority | Tampering | | | open |\n"
"\n"
"## Security Sign-off\n"
"\n"
"- [x] Security review: @alice (2026-11-20)\n";

/*
 * What a run produced, as text (a report of it), written with the
 * failing allocator stopped (result_of) so that writing it cannot fail.
 */
static char *result;
static bool lost;	/* the run lost an allocation before result_of */

/* Stop failing allocations; remember whether one failed. */
static void stop_failing(void)
{
	lost = lost || tg_alloc__failed();
	tg_alloc__fail_nth(0);
}

/* The JSON report of `findings` as the run's result. */
static void result_of(const tg_findings *findings)
{
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	size_t len = 0;
	FILE *out;

	stop_failing();
	free(result);
	result = NULL;
	out = open_memstream(&result, &len);
	assert_non_null(out);
	options.format = TG_FORMAT_JSON;
	assert_int_equal(tg_report_write(out, findings, &options), 0);
	assert_int_equal(fclose(out), 0);
}

/*
 * Run `run` with allocation 1, 2, ... failing until a run makes no
 * allocation fail; then it must succeed.
 */
static void oom_loop(const char *what, int (*run)(void *payload),
                     void *payload)
{
	char *whole = NULL;
	unsigned long n;
	int error;

	/* The result of a run that loses nothing. */
	lost = false;
	error = run(payload);
	stop_failing();
	if (error != 0)
		fail_msg("%s: %d: %s", what, error, tg_error_last()->message);
	whole = result;
	result = NULL;
	for (n = 1; n < 200000; n++) {
		lost = false;
		tg_alloc__fail_nth(n);
		error = run(payload);
		stop_failing();
		if (!lost) {
			free(result);
			result = NULL;
			free(whole);
			if (error != 0)
				fail_msg("%s: %d with no allocation failed: %s",
				         what, error, tg_error_last()->message);
			return;
		}
		/* A fallback that lost nothing is no failure. */
		if (error == 0 && whole && result && strcmp(whole, result) == 0)
			error = TG_ENOMEM;
		free(result);
		result = NULL;
		if (error != TG_ENOMEM)
			fail_msg("%s: allocation %lu failed, yet it returned %d "
			         "(%s), not TG_ENOMEM", what, n, error,
			         error ? tg_error_last()->message :
			         "success, with another result");
	}
	fail_msg("%s: never finished", what);
}

/* ---- util ---- */

static int run_util(void *payload)
{
	tg_buf buf = TG_BUF_INIT;
	tg_vec vec = TG_VEC_INIT;
	tg_map map = TG_MAP_INIT;
	tg_oidset set = TG_OIDSET_INIT;
	TG_ARRAY(int) ints = TG_ARRAY_INIT;
	tg_map_entry *e;
	git_oid id;
	char key[16], *s = NULL;
	int i, error = 0;

	(void)payload;
	memset(&id, 0, sizeof(id));
	for (i = 0; i < 300 && error == 0; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		tg_buf_printf(&buf, "%s,", key);
		error = tg_vec_push_str(&vec, key);
		if (error == 0)
			error = tg_map_get(&e, &map, key, strlen(key), NULL);
		id.id[0] = (unsigned char)i;
		id.id[1] = (unsigned char)(i >> 8);
		id.id[2] = 1;
		if (error == 0 && tg_oidset_add(&set, &id) < 0)
			error = TG_ENOMEM;
		if (error == 0 && !tg_array_append(&ints))
			error = TG_ENOMEM;
	}
	if (error == 0) {
		s = tg_printf("%zu", buf.size);
		if (!s)
			error = TG_ENOMEM;
	}
	if (error == 0 && buf.failed)
		error = TG_ENOMEM;
	free(s);
	tg_array_release(&ints);
	tg_oidset_release(&set);
	tg_map_release(&map, free);
	tg_vec_release(&vec, free);
	tg_buf_release(&buf);
	return error;
}

static void test_oom_util(void **state)
{
	(void)state;
	oom_loop("util", run_util, NULL);
}

/* ---- policy, doc, model ---- */

static const char policy_text[] =
"[threatgate]\n"
"\tdocs = docs/**/*.md\n"
"\tsignoff = triggered\n"
"\treviewer = @alice\n"
"[rule \"stride-coverage\"]\n"
"\tseverity = error\n";

static int load_policy(tg_policy **out)
{
	tg_policy *policy = NULL;
	int error;

	*out = NULL;
	error = tg_policy_new(&policy);
	if (error == 0)
		error = tg_policy_load_buffer(policy, ".threatgate", policy_text,
		                              strlen(policy_text));
	if (error == 0)
		error = tg_policy_finalize(policy, NULL);
	if (error < 0) {
		tg_policy_free(policy);
		return error;
	}
	*out = policy;
	return 0;
}

static int run_policy(void *payload)
{
	tg_policy *policy = NULL;
	int error = load_policy(&policy);

	(void)payload;
	if (error == 0 && !policy)
		error = TG_ERROR;
	tg_policy_free(policy);
	return error;
}

static void test_oom_policy(void **state)
{
	(void)state;
	oom_loop("policy", run_policy, NULL);
}

struct docs {
	tg_policy *policy;
	tg_findings *findings;
};

static int run_doc(void *payload)
{
	struct docs *d = payload;
	tg_document *doc = NULL;
	int error;

	error = tg_document_load_buffer(&doc, "docs/x.md", NULL, doc_text,
	                                strlen(doc_text), d->policy);
	if (error < 0 && doc)
		return TG_ERROR;	/* half a document handed back */
	tg_document_free(doc);
	return error;
}

static int run_model(void *payload)
{
	struct docs *d = payload;
	tg_document *doc = NULL;
	tg_model *model = NULL;
	int error;

	/* the document without failures: the model's allocations only */
	error = tg_document_load_buffer(&doc, "docs/x.md", NULL, doc_text,
	                                strlen(doc_text), d->policy);
	if (error == 0) {
		error = tg_model_build(&model, doc, d->policy);
		if (error < 0 && model)
			error = TG_ERROR;
	}
	/* What the model holds, as the rules see it */
	if (error == 0) {
		tg_findings *findings = NULL;

		stop_failing();
		assert_int_equal(tg_findings_new(&findings), 0);
		assert_int_equal(tg_rules_check(findings, model, d->policy, NULL),
		                 0);
		result_of(findings);
		tg_findings_free(findings);
	}
	tg_model_free(model);
	tg_document_free(doc);
	return error;
}

static int setup_docs(void **state)
{
	struct docs *d = calloc(1, sizeof(*d));

	if (!d || load_policy(&d->policy) < 0)
		return -1;
	*state = d;
	return 0;
}

static int teardown_docs(void **state)
{
	struct docs *d = *state;

	tg_findings_free(d->findings);
	tg_policy_free(d->policy);
	free(d);
	return 0;
}

static void test_oom_doc(void **state)
{
	oom_loop("doc", run_doc, *state);
}

static void test_oom_model(void **state)
{
	oom_loop("model", run_model, *state);
}

/* ---- findings and rules ---- */

static int run_findings(void *payload)
{
	tg_findings *findings = NULL;
	tg_finding f;
	int i, error;

	(void)payload;
	error = tg_findings_new(&findings);
	memset(&f, 0, sizeof(f));
	f.rule = TG_RULE_NO_THREATS;
	f.severity = TG_SEVERITY_ERROR;
	f.path = (char *)"docs/a.md";
	f.message = (char *)"no threat";
	f.section = (char *)"Security/Threat Model";
	for (i = 0; i < 40 && error == 0; i++) {
		f.line = 40 - i;
		error = tg_findings_add(findings, &f);
	}
	if (error == 0)
		tg_findings_sort(findings);
	if (error == 0 && tg_findings_count(findings) != 40)
		error = TG_ERROR;
	tg_findings_free(findings);
	return error;
}

static void test_oom_findings(void **state)
{
	(void)state;
	oom_loop("findings", run_findings, NULL);
}

/* The rules and the document summary: nothing silently missing. */
static int run_rules(void *payload)
{
	struct docs *d = payload;
	tg_document *doc = NULL;
	tg_findings *findings = NULL;
	const tg_doc_summary *s;
	int error;

	error = tg_document_load_buffer(&doc, "docs/x.md", NULL, doc_text,
	                                strlen(doc_text), d->policy);
	if (error == 0)
		error = tg_findings_new(&findings);
	if (error == 0)
		error = tg_check_document(findings, doc, d->policy, NULL);
	if (error == 0) {
		s = tg_findings_document(findings, 0);
		/* a summary that lost a string to OOM would say so here */
		if (!s || !s->title || !s->dri || !s->reviewed ||
		    s->threats_count != 2 || !s->threats[0].title ||
		    !s->threats[1].title ||
		    s->triggers_count < 1 || !s->triggers[0].match ||
		    s->signoff_by_count != 1 || tg_findings_count(findings) == 0)
			error = TG_ERROR;
		else
			result_of(findings);
	}
	tg_findings_free(findings);
	tg_document_free(doc);
	return error;
}

static void test_oom_rules(void **state)
{
	oom_loop("rules", run_rules, *state);
}

/* ---- git: a repository of one commit, made with libgit2 ---- */

struct repo {
	char dir[64];
	git_repository *repo;
	tg_policy *policy;
};

static int setup_repo(void **state)
{
	struct repo *r = calloc(1, sizeof(*r));
	git_index *index = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid blob, tree_id, commit;
	git_index_entry entry;
	int ok;

	if (!r)
		return -1;
	snprintf(r->dir, sizeof(r->dir), "/tmp/tg-oom.XXXXXX");
	ok = mkdtemp(r->dir) != NULL &&
	     git_repository_init(&r->repo, r->dir, 0) == 0 &&
	     git_repository_index(&index, r->repo) == 0 &&
	     git_blob_create_from_buffer(&blob, r->repo, doc_text,
	                                 strlen(doc_text)) == 0;
	if (ok) {
		memset(&entry, 0, sizeof(entry));
		entry.mode = GIT_FILEMODE_BLOB;
		entry.path = "docs/design/x.md";
		git_oid_cpy(&entry.id, &blob);
		ok = git_index_add(index, &entry) == 0 &&
		     git_index_write_tree(&tree_id, index) == 0 &&
		     git_tree_lookup(&tree, r->repo, &tree_id) == 0 &&
		     git_signature_new(&sig, "T", "t@example.com", 1764547200,
		                       0) == 0 &&
		     git_commit_create_v(&commit, r->repo, "HEAD", sig, sig,
		                         NULL, "design", tree, 0) == 0 &&
		     load_policy(&r->policy) == 0;
	}
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(index);
	*state = r;
	return ok ? 0 : -1;
}

static int teardown_repo(void **state)
{
	struct repo *r = *state;
	char cmd[128];

	tg_policy_free(r->policy);
	git_repository_free(r->repo);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
	if (system(cmd) != 0)
		return -1;
	free(r);
	return 0;
}

static int run_git(void *payload)
{
	struct repo *r = payload;
	tg_changes *changes = NULL;
	tg_findings *findings = NULL;
	int error;

	error = tg_changes_new(&changes);
	if (error == 0)
		error = tg_changes_add_all(changes, r->repo, NULL, r->policy);
	if (error == 0)
		error = tg_findings_new(&findings);
	if (error == 0)
		error = tg_changes_check(findings, r->repo, changes, r->policy);
	if (error == 0 && (tg_findings_document_count(findings) != 1 ||
	                   tg_findings_count(findings) == 0))
		error = TG_ERROR;
	if (error == 0)
		result_of(findings);
	tg_findings_free(findings);
	tg_changes_free(changes);
	return error;
}

static void test_oom_git(void **state)
{
	oom_loop("git", run_git, *state);
}

/* ---- the file-system walk of the check driver (git/files.c) ---- */

static int setup_files(void **state)
{
	struct repo *r = calloc(1, sizeof(*r));
	char path[128];
	FILE *f;
	int ok;

	if (!r)
		return -1;
	snprintf(r->dir, sizeof(r->dir), "/tmp/tg-oom-files.XXXXXX");
	ok = mkdtemp(r->dir) != NULL && load_policy(&r->policy) == 0;
	snprintf(path, sizeof(path), "%s/tree", r->dir);
	ok = ok && mkdir(path, 0777) == 0;
	snprintf(path, sizeof(path), "%s/tree/docs", r->dir);
	ok = ok && mkdir(path, 0777) == 0;
	snprintf(path, sizeof(path), "%s/md", r->dir);
	ok = ok && mkdir(path, 0777) == 0;
	snprintf(path, sizeof(path), "%s/md/notes", r->dir);
	ok = ok && mkdir(path, 0777) == 0;
	snprintf(path, sizeof(path), "%s/tree/docs/x.md", r->dir);
	ok = ok && (f = fopen(path, "w")) != NULL &&
	     fputs(doc_text, f) >= 0 && fclose(f) == 0;
	snprintf(path, sizeof(path), "%s/tree/README.md", r->dir);
	ok = ok && (f = fopen(path, "w")) != NULL &&
	     fputs("# Read me\n", f) >= 0 && fclose(f) == 0;
	snprintf(path, sizeof(path), "%s/md/notes/plan.md", r->dir);
	ok = ok && (f = fopen(path, "w")) != NULL &&
	     fputs("# Plan\n", f) >= 0 && fclose(f) == 0;
	*state = r;
	return ok ? 0 : -1;
}

/* Walk `sub` of the sandbox as the root, and check it into `findings`. */
static int check_folder(tg_findings *findings, const struct repo *r,
                        const char *sub)
{
	tg_files_options options = TG_FILES_OPTIONS_INIT;
	tg_changes *changes = NULL;
	char root[128];
	const char *operand = root;
	int error;

	snprintf(root, sizeof(root), "%s/%s", r->dir, sub);
	options.root = root;
	options.paths = &operand;
	options.paths_count = 1;
	error = tg_changes_new(&changes);
	if (error == 0)
		error = tg_changes_add_files(changes, NULL, &options, r->policy);
	if (error == 0)
		error = tg_changes_check(findings, NULL, changes, r->policy);
	tg_changes_free(changes);
	return error;
}

static int run_files(void *payload)
{
	struct repo *r = payload;
	tg_findings *findings = NULL;
	int error;

	error = tg_findings_new(&findings);
	/* a design document (README.md is no document), then no-documents */
	if (error == 0)
		error = check_folder(findings, r, "tree");
	if (error == 0)
		error = check_folder(findings, r, "md");
	/* (the baseline's pass sorts: no-documents on md/ comes first) */
	if (error == 0 && (tg_findings_document_count(findings) != 1 ||
	                   tg_findings_count(findings) < 2 ||
	                   tg_findings_get(findings, 0)->rule !=
	                   TG_RULE_NO_DOCUMENTS))
		error = TG_ERROR;
	if (error == 0)
		result_of(findings);
	tg_findings_free(findings);
	return error;
}

static void test_oom_files(void **state)
{
	oom_loop("files", run_files, *state);
}

/* ---- report ---- */

struct reports {
	tg_findings *findings;
	tg_format format;
};

static int run_report(void *payload)
{
	struct reports *r = payload;
	tg_report_options options = TG_REPORT_OPTIONS_INIT;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int error;

	if (!out)
		return TG_ERROR;
	options.format = r->format;
	options.forge_url = "https://github.com/o/r";
	options.head = "0123456789abcdef0123456789abcdef01234567";
	error = tg_report_write(out, r->findings, &options);
	fclose(out);
	free(text);
	return error;
}

static void test_oom_report(void **state)
{
	static const tg_format formats[] = {
		TG_FORMAT_TEXT, TG_FORMAT_JSON, TG_FORMAT_SARIF,
		TG_FORMAT_MARKDOWN, TG_FORMAT_GITHUB, TG_FORMAT_GITLAB,
	};
	struct docs *d = *state;
	struct reports r;
	tg_document *doc = NULL;
	size_t i;

	assert_int_equal(tg_document_load_buffer(&doc, "docs/x.md", NULL,
		doc_text, strlen(doc_text), d->policy), 0);
	assert_int_equal(tg_findings_new(&d->findings), 0);
	assert_int_equal(tg_check_document(d->findings, doc, d->policy, NULL),
	                 0);
	tg_document_free(doc);
	r.findings = d->findings;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		r.format = formats[i];
		oom_loop("report", run_report, &r);
	}
}

/* ---- inventory ---- */

static const char scan_json[] =
"{ \"version\": 1, \"kind\": \"scan\", \"date\": \"2026-11-27\",\n"
"  \"repositories\": [ { \"name\": \"shop\", \"revision\": null,\n"
"    \"commits_walked\": 3, \"history_complete\": true, \"max_age\": 180 } ],\n"
"  \"documents\": [ { \"repository\": \"shop\", \"path\": \"docs/a.md\",\n"
"    \"readable\": true, \"title\": \"A\", \"dri\": \"Dana\",\n"
"    \"participants\": [\"dana\"], \"threat_model_reviewed\": \"2026-10-01\",\n"
"    \"age_days\": 57, \"stale\": false, \"covers\": [\"src/**\"],\n"
"    \"threats\": [ { \"id\": \"T1\", \"title\": \"x\", \"category\": \"S\",\n"
"      \"priority\": \"P1\", \"mitigation\": \"y\", \"status\": \"open\",\n"
"      \"line\": 3 } ],\n"
"    \"triggers\": [], \"signoff\": { \"required\": false, \"present\": false,\n"
"      \"by\": [], \"line\": null },\n"
"    \"drift\": { \"commits\": 2, \"newest\": null, \"newest_date\": null,\n"
"      \"authors\": [\"Dana <d@example.com>\"], \"since\": \"2026-10-01\",\n"
"      \"bounded\": false },\n"
"    \"findings\": { \"errors\": 0, \"warnings\": 1, \"notes\": 0 } } ] }\n";

static int run_inventory(void *payload)
{
	tg_scan *scan = NULL;
	int error;

	(void)payload;
	error = tg_scan_new(&scan);
	if (error == 0)
		error = tg_scan_merge_json(scan, "a.json", scan_json,
		                           strlen(scan_json), NULL);
	if (error == 0 && tg_scan_count(scan) != 1)
		error = TG_ERROR;
	tg_scan_free(scan);
	return error;
}

static void test_oom_inventory(void **state)
{
	(void)state;
	/* the fixture is a scan report the reader takes */
	assert_int_equal(run_inventory(NULL), 0);
	oom_loop("inventory", run_inventory, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_util),
		cmocka_unit_test(test_oom_policy),
		cmocka_unit_test_setup_teardown(test_oom_doc, setup_docs,
		                                teardown_docs),
		cmocka_unit_test_setup_teardown(test_oom_model, setup_docs,
		                                teardown_docs),
		cmocka_unit_test(test_oom_findings),
		cmocka_unit_test_setup_teardown(test_oom_rules, setup_docs,
		                                teardown_docs),
		cmocka_unit_test_setup_teardown(test_oom_report, setup_docs,
		                                teardown_docs),
		cmocka_unit_test(test_oom_inventory),
		cmocka_unit_test_setup_teardown(test_oom_files, setup_files,
		                                teardown_repo),
		cmocka_unit_test_setup_teardown(test_oom_git, setup_repo,
		                                teardown_repo),
	};
	tg_options options = TG_OPTIONS_INIT;
	int failed;

	options.today = 20789;	/* 2026-12-01 */
	options.no_covers_cache = true;
	options.threads = 1;
	if (tg_init() < 0 || tg_options_set(&options) < 0)
		return 1;
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	tg_shutdown();
	return failed;
}
