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
	cp "$SOURCE_DIRECTORY/.pre-commit-hooks.yaml" "$SOURCE_DIRECTORY/VERSION" hooks-repo/ &&
	mkdir hooks-repo/hooks &&
	cp "$SOURCE_DIRECTORY/hooks/pre-commit-framework" hooks-repo/hooks/ &&
	git -C hooks-repo add . &&
	git -C hooks-repo commit -q -m "threatgate hooks" &&
	git -C hooks-repo tag v0.1.0 &&
	echo 9.9.9 >hooks-repo/VERSION &&
	git -C hooks-repo commit -q -a -m "a later release" &&
	git -C hooks-repo tag v9.9.9
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

test_expect_success 'threatgate-all: pre-commit run --all-files fails on a failing committed doc' '
	test_require pre-commit &&
	git init -q all &&
	cd all &&
	write_file .pre-commit-config.yaml <<-EOF &&
	repos:
	  - repo: $TRASH_DIRECTORY/hooks-repo
	    rev: v0.1.0
	    hooks:
	      - id: threatgate
	      - id: threatgate-all
	EOF
	tg_doc_good | write_file docs/design/good.md &&
	tg_doc_bad | write_file docs/design/legacy.md &&
	git add . &&
	git commit -q --no-verify -m "a failing doc, committed past the hooks" &&
	line=$(tg_line docs/design/legacy.md "^\| T2 \|") &&
	expect_exit 1 pre-commit run --all-files &&
	cat "$TG_LAST_STDOUT" >>"$TG_LAST_STDERR" &&
	expect_stderr_matches "^threatgate \(design document threat models\)\.+Passed" &&
	expect_stderr_matches "^threatgate \(every design document\)\.+Failed" &&
	expect_stderr_matches "^docs/design/legacy\.md:$line:1: error: .*\[threat-missing-priority\]" &&
	tg_doc_good >docs/design/legacy.md &&
	git commit -q --no-verify -a -m "fixed" &&
	expect_exit 0 pre-commit run --all-files &&
	expect_stdout_matches "^threatgate \(every design document\)\.+Passed"
'

test_expect_success 'a rev: of another release refuses to run, naming both versions' '
	test_require pre-commit &&
	cd all &&
	sed -i -e "s/rev: v0.1.0/rev: v9.9.9/" .pre-commit-config.yaml &&
	git commit -q --no-verify -a -m "pin 9.9.9" &&
	expect_exit 1 pre-commit run --all-files &&
	cat "$TG_LAST_STDOUT" >>"$TG_LAST_STDERR" &&
	expect_stderr_contains "wants threatgate 9.9.9 (its rev:), but threatgate $(cat "$SOURCE_DIRECTORY/VERSION") is installed" &&
	expect_stderr_lacks "error: " &&
	expect_exit 0 env TG_PRE_COMMIT_ANY_VERSION=1 pre-commit run --all-files
'

test_done
