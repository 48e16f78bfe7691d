#!/bin/bash
test_description='the pre-commit hook

Real commits with the git command in a work repository that has the real
hooks/pre-commit installed: an unborn HEAD, partial staging (the index is
checked, not the work tree), git commit -a and git commit PATH (a
temporary index), deleted, renamed and symlinked docs, the policy file,
and a missing binary.'

. "$(dirname "$0")/lib.sh"

test_expect_success 'set up an empty repository with the pre-commit hook' '
	git init -q repo &&
	install_hook repo/.git pre-commit &&
	test -x repo/.git/hooks/pre-commit
'

test_expect_success 'unborn HEAD: a first commit of a bad doc is refused, path:line:col: on stderr' '
	cd repo &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	line=$(tg_line docs/design/rotation.md "^\| T2 \|") &&
	expect_exit 1 git commit -q -m "first" &&
	expect_stderr_matches "^docs/design/rotation\.md:$line:1: error: threat T2 has no priority.*\[threat-missing-priority\]$" &&
	expect_stderr_contains "threatgate: commit rejected" &&
	test_must_fail git rev-parse -q --verify HEAD
'

test_expect_success 'unborn HEAD: a first commit of a good doc is made, and the hook says nothing' '
	cd repo &&
	tg_doc_good >docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	expect_exit 0 git commit -q -m "first" &&
	test_must_fail test -s "$TG_LAST_STDERR" &&
	git rev-parse -q --verify HEAD
'

test_expect_success 'partial staging: broken in the index, fixed in the work tree: refused' '
	cd repo &&
	head=$(git rev-parse HEAD) &&
	tg_doc_bad >docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	tg_doc_good | sed -e "s/^logging anyone out\.$/logging anyone out. Now with a schedule./" \
		>docs/design/rotation.md &&
	test "$(git status --porcelain docs/design/rotation.md)" = "MM docs/design/rotation.md" &&
	expect_exit 1 git commit -q -m "partial" &&
	expect_stderr_matches "^docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	test "$(git rev-parse HEAD)" = "$head"
'

test_expect_success 'git commit -a takes the work tree (a temporary index): the fixed doc is committed' '
	cd repo &&
	head=$(git rev-parse HEAD) &&
	expect_exit 0 git commit -q -a -m "all of it" &&
	test "$(git rev-parse HEAD~1)" = "$head" &&
	git show HEAD:docs/design/rotation.md | grep -q "Now with a schedule"
'

test_expect_success 'partial staging: good in the index, broken in the work tree: committed' '
	cd repo &&
	tg_doc_good | sed -e "s/^logging anyone out\.$/logging anyone out. Twice a day./" \
		>docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	tg_doc_bad >docs/design/rotation.md &&
	expect_exit 0 git commit -q -m "the good half" &&
	git show HEAD:docs/design/rotation.md | grep -q "Twice a day" &&
	test "$(git status --porcelain docs/design/rotation.md)" = " M docs/design/rotation.md"
'

test_expect_success 'git commit PATH checks PATH as it is in the work tree, not as staged' '
	cd repo &&
	tg_doc_good | sed -e "s/^title: .*/title: Flags/" | write_file docs/design/flags.md &&
	git add docs/design/flags.md &&
	git commit -q -m "flags" &&
	expect_exit 1 git commit -q -m "only the rotation doc" docs/design/rotation.md &&
	expect_stderr_matches "^docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	git checkout -q docs/design/rotation.md &&
	tg_doc_bad | sed -e "s/^title: .*/title: Flags/" >docs/design/flags.md &&
	git add docs/design/flags.md &&
	tg_doc_good | sed -e "s/^logging anyone out\.$/logging anyone out. Three times./" \
		>docs/design/rotation.md &&
	expect_exit 0 git commit -q -m "rotation only; the staged flags doc stays out" docs/design/rotation.md &&
	git show HEAD:docs/design/rotation.md | grep -q "Three times" &&
	test "$(git status --porcelain docs/design/flags.md)" = "M  docs/design/flags.md" &&
	git reset -q --hard
'

test_expect_success 'a deleted doc is not checked' '
	cd repo &&
	git rm -q docs/design/flags.md &&
	expect_exit 0 git commit -q -m "drop the flags design" &&
	test_must_fail test -s "$TG_LAST_STDERR"
'

test_expect_success 'a bad doc renamed into the document globs is checked at its new path' '
	cd repo &&
	tg_doc_bad | write_file drafts/rotation-v2.md &&
	git add drafts/rotation-v2.md &&
	git commit -q --no-verify -m "a draft, outside the globs" &&
	git mv drafts/rotation-v2.md docs/design/rotation-v2.md &&
	expect_exit 1 git commit -q -m "promote the draft" &&
	expect_stderr_matches "^docs/design/rotation-v2\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	git mv docs/design/rotation-v2.md drafts/rotation-v2.md &&
	test "$(git status --porcelain)" = ""
'

test_expect_success 'a symbolic link named like a design doc is not followed: it is refused, saying why' '
	cd repo &&
	ln -s ../../drafts/rotation-v2.md docs/design/link.md &&
	git add docs/design/link.md &&
	expect_exit 1 git commit -q -m "a link to the draft" &&
	expect_stderr_matches "^docs/design/link\.md:1: error: .*is a symbolic link \(mode 120000\), not a regular file.*\[hidden-document\]" &&
	git rm -q --cached docs/design/link.md &&
	rm docs/design/link.md
'

test_expect_success 'a Markdown file outside the globs gets a no-documents note; the commit is made' '
	cd repo &&
	write_file README.md <<-\EOF &&
	# Read me
	EOF
	git add README.md &&
	expect_exit 0 git commit -q -m "readme" &&
	expect_stderr_matches "^README\.md:1(:[0-9]+)?: note: .*\[no-documents\]"
'

test_expect_success 'the work tree .threatgate applies: a rule lowered to a warning lets the commit through' '
	cd repo &&
	write_file .threatgate <<-\EOF &&
	[rule "threat-missing-priority"]
		severity = warning
	EOF
	tg_doc_bad | sed -e "s/^title: .*/title: Lenient/" | write_file docs/design/lenient.md &&
	git add .threatgate docs/design/lenient.md &&
	expect_exit 0 git commit -q -m "lenient" &&
	expect_stderr_matches "^docs/design/lenient\.md:[0-9]+:1: warning: .*\[threat-missing-priority\]"
'

test_expect_success 'a broken .threatgate refuses the commit with exit 2, naming file and key' '
	cd repo &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		maxAgee = 10
	EOF
	git add .threatgate &&
	head=$(git rev-parse HEAD) &&
	expect_exit 1 git commit -q -m "typo" &&
	expect_stderr_contains ".threatgate" &&
	expect_stderr_contains "maxAgee" &&
	test "$(git rev-parse HEAD)" = "$head" &&
	expect_exit 2 threatgate hook pre-commit &&
	git reset -q --hard &&
	git rm -q .threatgate &&
	git commit -q -m "back to the built-in policy"
'

test_expect_success 'with threatgate missing from PATH the hook refuses, saying why' '
	cd repo &&
	echo "more" >>README.md &&
	git add README.md &&
	expect_exit 1 env THREATGATE=no-such-threatgate git commit -q -m "no binary" &&
	expect_stderr_contains "threatgate: '"'"'no-such-threatgate'"'"' not found on PATH; refusing the commit" &&
	git reset -q --hard
'

test_expect_success 'the hook works from a subdirectory and in a linked worktree' '
	cd repo &&
	git worktree add -q ../linked &&
	cd ../linked/docs &&
	tg_doc_bad | sed -e "s/^title: .*/title: Linked/" >design/linked.md &&
	git add design/linked.md &&
	expect_exit 1 git commit -q -m "bad, from a worktree" &&
	expect_stderr_matches "^docs/design/linked\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	tg_doc_good | sed -e "s/^title: .*/title: Linked/" >design/linked.md &&
	git add design/linked.md &&
	expect_exit 0 git commit -q -m "good, from a worktree"
'

test_done
