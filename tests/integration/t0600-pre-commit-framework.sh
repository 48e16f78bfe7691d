#!/bin/bash
test_description='threatgate under the pre-commit framework

The real pre-commit program runs the hook that .pre-commit-hooks.yaml
declares, from a repository holding that file (as users get it with
`repo: URL` and `rev:`), and from a `repo: local` configuration: a bad
design doc fails the commit with path:line:col: lines, a good one is
committed, and partial staging is checked as staged.'

. "$(dirname "$0")/lib.sh"

test_expect_success 'set up a hooks repository holding .pre-commit-hooks.yaml' '
	test_require pre-commit &&
	git init -q hooks-repo &&
	cp "$SOURCE_DIRECTORY/.pre-commit-hooks.yaml" hooks-repo/ &&
	git -C hooks-repo add .pre-commit-hooks.yaml &&
	git -C hooks-repo commit -q -m "threatgate hooks" &&
	git -C hooks-repo tag v0.1.0
'

test_expect_success 'pre-commit install, with the hook from that repository' '
	test_require pre-commit &&
	git init -q work &&
	cd work &&
	write_file .pre-commit-config.yaml <<-EOF &&
	repos:
	  - repo: $TRASH_DIRECTORY/hooks-repo
	    rev: v0.1.0
	    hooks:
	      - id: threatgate
	EOF
	git add .pre-commit-config.yaml &&
	git commit -q --no-verify -m "pre-commit configuration" &&
	expect_exit 0 pre-commit install &&
	grep -q pre-commit .git/hooks/pre-commit
'

test_expect_success 'a bad design doc fails the commit, with path:line:col: lines' '
	cd work &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	line=$(tg_line docs/design/rotation.md "^\| T2 \|") &&
	expect_exit 1 git commit -q -m "bad" &&
	cat "$TG_LAST_STDOUT" >>"$TG_LAST_STDERR" &&
	expect_stderr_matches "^threatgate \(design document threat models\)\.+Failed" &&
	expect_stderr_matches "^docs/design/rotation\.md:$line:1: error: .*\[threat-missing-priority\]" &&
	test "$(git rev-list --count HEAD)" -eq 1
'

test_expect_success 'a good design doc is committed' '
	cd work &&
	tg_doc_good >docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	expect_exit 0 git commit -q -m "good" &&
	cat "$TG_LAST_STDOUT" >>"$TG_LAST_STDERR" &&
	expect_stderr_matches "^threatgate \(design document threat models\)\.+Passed" &&
	test "$(git rev-list --count HEAD)" -eq 2
'

test_expect_success 'partial staging under pre-commit: broken as staged, fixed in the work tree: refused' '
	cd work &&
	tg_doc_bad >docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	tg_doc_good | sed -e "s/^logging anyone out\.$/logging anyone out. Later./" >docs/design/rotation.md &&
	expect_exit 1 git commit -q -m "partial" &&
	cat "$TG_LAST_STDOUT" >>"$TG_LAST_STDERR" &&
	expect_stderr_contains "[threat-missing-priority]" &&
	grep -q "Later\." docs/design/rotation.md &&
	test "$(git rev-list --count HEAD)" -eq 2 &&
	git reset -q --hard
'

test_expect_success 'a commit of code only runs the hook too (always_run), and passes' '
	cd work &&
	echo "int main(void) { return 0; }" >main.c &&
	git add main.c &&
	expect_exit 0 git commit -q -m "code" &&
	cat "$TG_LAST_STDOUT" >>"$TG_LAST_STDERR" &&
	expect_stderr_matches "^threatgate \(design document threat models\)\.+Passed"
'

test_expect_success 'a repo: local configuration runs the same command' '
	test_require pre-commit &&
	git init -q local &&
	cd local &&
	write_file .pre-commit-config.yaml <<-\EOF &&
	repos:
	  - repo: local
	    hooks:
	      - id: threatgate
	        name: threatgate
	        entry: threatgate hook pre-commit
	        language: system
	        pass_filenames: false
	        always_run: true
	EOF
	git add .pre-commit-config.yaml &&
	git commit -q --no-verify -m "pre-commit configuration" &&
	expect_exit 0 pre-commit install &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add docs &&
	expect_exit 1 git commit -q -m "bad" &&
	cat "$TG_LAST_STDOUT" >>"$TG_LAST_STDERR" &&
	expect_stderr_matches "^docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	tg_doc_good >docs/design/rotation.md &&
	git add docs &&
	expect_exit 0 git commit -q -m "good" &&
	test "$(git rev-list --count HEAD)" -eq 2
'

test_expect_success 'pre-commit run --all-files runs it outside a commit too' '
	cd work &&
	expect_exit 0 pre-commit run --all-files &&
	expect_stdout_matches "^threatgate \(design document threat models\)\.+Passed"
'

test_done
