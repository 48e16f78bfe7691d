#!/bin/bash
test_description='threatgate check --staged, --range and --all

The git modes read documents from the index or from commits, never from
the work tree: partial staging, an unborn HEAD, A..B and A...B, --all at
a revision, --policy-rev, renames, deletions, symbolic links and
submodules; an unknown revision, a shallow clone missing the base, a
corrupt object and an empty repository are errors (exit 2).'

. "$(dirname "$0")/lib.sh"

test_expect_success 'an empty repository: --staged has nothing to check, --all names the unborn branch' '
	git init -q empty &&
	cd empty &&
	expect_exit 0 threatgate check --staged &&
	expect_stdout_contains "no design documents checked" &&
	expect_exit 2 threatgate check --all &&
	expect_stderr_contains "unknown revision '"'"'HEAD'"'"': the current branch has no commits yet"
'

test_expect_success '--staged on an unborn HEAD reads the index' '
	git init -q repo &&
	cd repo &&
	tg_doc_bad | write_file docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	tg_doc_good >docs/design/rotation.md &&
	line=$(tg_line docs/design/rotation.md "^\| T2 \|") &&
	expect_exit 1 threatgate check --staged &&
	expect_stdout_matches "^docs/design/rotation\.md:$line:1: error: .*\[threat-missing-priority\]$" &&
	git add docs/design/rotation.md &&
	expect_exit 0 threatgate check --staged &&
	git commit -q -m "rotation"
'

test_expect_success '--staged with partial staging: fixed in the work tree, broken in the index: exit 1' '
	cd repo &&
	tg_doc_bad >docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	tg_doc_good >docs/design/rotation.md &&
	expect_exit 1 threatgate check --staged &&
	expect_stdout_matches "^docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]$" &&
	expect_exit 0 threatgate check docs/design/rotation.md
'

test_expect_success '--staged with partial staging: good in the index, broken in the work tree: exit 0' '
	cd repo &&
	git reset -q --hard &&
	tg_doc_good | sed -e "s/^logging anyone out\.$/logging anyone out. At noon./" >docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	tg_doc_bad >docs/design/rotation.md &&
	expect_exit 0 threatgate check --staged &&
	expect_exit 1 threatgate check docs/design/rotation.md &&
	git commit -q -m "at noon" &&
	git reset -q --hard
'

test_expect_success '--staged finds the threat model edited without a new review date' '
	cd repo &&
	sed -e "s/| Signed images, admission policy |/| Signed images, admission policy, SBOM |/" \
		docs/design/rotation.md >tmp && mv tmp docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	expect_exit 0 threatgate check --staged &&
	expect_stdout_matches "^docs/design/rotation\.md:[0-9]+(:[0-9]+)?: warning: .*\[reviewed-date-not-updated\]$" &&
	sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2026-11-25/" \
		docs/design/rotation.md >tmp && mv tmp docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	expect_exit 0 threatgate check --staged &&
	expect_stdout_lacks "reviewed-date-not-updated" &&
	git commit -q -m "SBOM"
'

test_expect_success 'set up a history: main, and a feature branch that forks from it' '
	cd repo &&
	git tag base &&
	git checkout -q -b feature &&
	tg_doc_bad | sed -e "s/^title: .*/title: Feature/" | write_file docs/design/feature.md &&
	git add docs/design/feature.md &&
	git commit -q -m "feature design, bad" &&
	tg_doc_good | sed -e "s/^title: .*/title: Feature/" >docs/design/feature.md &&
	git commit -q -a -m "feature design, fixed" &&
	tg_doc_good | sed -e "s/^title: .*/title: Second/" | write_file docs/design/second.md &&
	git add docs/design/second.md &&
	git commit -q -m "second design" &&
	git checkout -q main &&
	tg_doc_bad | sed -e "s/^title: .*/title: Mainline/" | write_file docs/design/mainline.md &&
	sed -e "s/^Rotate the signing key/On mainline: rotate the signing key/" \
		docs/design/rotation.md >tmp && mv tmp docs/design/rotation.md &&
	git add docs/design/mainline.md docs/design/rotation.md &&
	git commit -q -m "mainline design, bad; rotation prose" &&
	git show main:docs/design/rotation.md | grep -q "On mainline" &&
	git checkout -q feature
'

test_expect_success '--range A..B checks the docs changed in the range, as they are at B' '
	cd repo &&
	expect_exit 0 threatgate check --range base..feature &&
	expect_stdout_contains "in 2 documents" &&
	expect_exit 1 threatgate check --range base..feature~2 &&
	expect_stdout_matches "^docs/design/feature\.md:[0-9]+:1: error: .*\[threat-missing-priority\]$" &&
	expect_exit 0 threatgate check --range feature~1..feature &&
	expect_stdout_contains "in 1 document"
'

test_expect_success '--range A..B compares the two tips; A...B starts from their merge base' '
	cd repo &&
	expect_exit 0 threatgate check --range main..feature --format json &&
	grep -q "\"path\": \"docs/design/rotation.md\"" "$TG_LAST_STDOUT" &&
	test_must_fail grep -q "\"path\": \"docs/design/mainline.md\"" "$TG_LAST_STDOUT" &&
	expect_exit 0 threatgate check --range main...feature --format json &&
	test_must_fail grep -q "\"path\": \"docs/design/rotation.md\"" "$TG_LAST_STDOUT" &&
	grep -q "\"path\": \"docs/design/feature.md\"" "$TG_LAST_STDOUT" &&
	grep -q "\"path\": \"docs/design/second.md\"" "$TG_LAST_STDOUT" &&
	expect_exit 1 threatgate check --range feature...main &&
	expect_stdout_contains "docs/design/mainline.md:" &&
	expect_stdout_lacks "feature.md"
'

test_expect_success '--all checks every doc at HEAD, or at --rev' '
	cd repo &&
	expect_exit 0 threatgate check --all &&
	expect_stdout_contains "in 3 documents" &&
	expect_exit 1 threatgate check --all --rev main &&
	expect_stdout_contains "docs/design/mainline.md:" &&
	expect_exit 1 threatgate check --all --rev feature~2 &&
	expect_stdout_contains "docs/design/feature.md:" &&
	git tag -a -m "annotated" v1 main &&
	expect_exit 1 threatgate check --all --rev v1 &&
	expect_stdout_contains "docs/design/mainline.md:"
'

test_expect_success 'the json report names the revision each doc was read at' '
	cd repo &&
	expect_exit 1 threatgate check --all --rev main --format json &&
	grep -q "\"revision\": \"$(git rev-parse main)\"" "$TG_LAST_STDOUT"
'

test_expect_success 'an unknown revision is exit 2, naming it' '
	cd repo &&
	expect_exit 2 threatgate check --range nope..feature &&
	expect_stderr_contains "unknown revision '"'"'nope'"'"'" &&
	expect_exit 2 threatgate check --range main...nope &&
	expect_stderr_contains "unknown revision '"'"'nope'"'"'" &&
	expect_exit 2 threatgate check --all --rev nope &&
	expect_stderr_contains "unknown revision '"'"'nope'"'"'" &&
	expect_exit 2 threatgate check --all --policy-rev nope &&
	expect_stderr_contains "nope" &&
	expect_exit 2 threatgate check --all --rev main:docs &&
	expect_stderr_contains "is not a commit"
'

test_expect_success 'a range of another shape is a usage error (exit 2)' '
	cd repo &&
	expect_exit 2 threatgate check --range main &&
	expect_stderr_contains "A..B" &&
	expect_exit 2 threatgate check --range ..main &&
	expect_exit 2 threatgate check --range main... &&
	expect_exit 2 threatgate check --staged --all
'

test_expect_success '--policy-rev reads .threatgate from that revision, not from the work tree' '
	cd repo &&
	git checkout -q -b policy main &&
	write_file .threatgate <<-\EOF &&
	[rule "threat-missing-priority"]
		severity = warning
	EOF
	git add .threatgate &&
	git commit -q -m "lenient policy" &&
	git checkout -q main &&
	git checkout -q policy -- .threatgate &&
	git reset -q &&
	expect_exit 0 threatgate check --all --rev main &&
	expect_stdout_contains "warning:" &&
	expect_exit 1 threatgate check --all --rev main --policy-rev base &&
	expect_stdout_matches "^docs/design/mainline\.md:[0-9]+:1: error: .*\[threat-missing-priority\]$" &&
	expect_exit 0 threatgate check --all --rev main --policy-rev policy &&
	rm .threatgate
'

test_expect_success 'renames count as changes to the new path; deleted docs are not checked' '
	cd repo &&
	git checkout -q -b moves feature &&
	git mv docs/design/second.md docs/design/renamed.md &&
	git rm -q docs/design/feature.md &&
	git commit -q -m "rename one, delete one" &&
	expect_exit 0 threatgate check --range HEAD~1..HEAD --format json &&
	grep -q "\"path\": \"docs/design/renamed.md\"" "$TG_LAST_STDOUT" &&
	test_must_fail grep -q "\"path\": \"docs/design/feature.md\"" "$TG_LAST_STDOUT" &&
	test_must_fail grep -q "\"path\": \"docs/design/second.md\"" "$TG_LAST_STDOUT"
'

test_expect_success 'symbolic links and submodules named like docs are not followed: each is an error saying why' '
	cd repo &&
	tg_doc_bad | write_file outside.md &&
	ln -s ../../outside.md docs/design/link.md &&
	git add outside.md docs/design/link.md &&
	git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),docs/design/module.md &&
	git commit -q -m "a link and a gitlink" &&
	expect_exit 1 threatgate check --range HEAD~1..HEAD &&
	expect_stdout_matches "^docs/design/link\.md:1: error: .*symbolic link.*\[hidden-document\]" &&
	expect_stdout_matches "^docs/design/module\.md:1: error: .*submodule.*\[hidden-document\]" &&
	expect_stdout_lacks "threat-missing-priority" &&
	expect_exit 0 threatgate check --staged &&
	git rm -q --cached docs/design/link.md docs/design/module.md &&
	rm -f docs/design/link.md &&
	git commit -q -m "no link, no gitlink"
'

test_expect_success 'covered-code-changed: code a stale doc covers changes, the doc does not' '
	cd repo &&
	tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2025-01-01/" \
		-e "s/^title: .*/title: Covered/" | write_file docs/design/covered.md &&
	git add docs/design/covered.md &&
	git commit -q -m "a design that covers services/session" &&
	write_file services/session/rotate.c <<-\EOF &&
	int rotate(void) { return 0; }
	EOF
	git add services &&
	git commit -q -m "code it covers" &&
	expect_exit 0 threatgate check --range HEAD~1..HEAD &&
	expect_stdout_matches "^docs/design/covered\.md:1(:[0-9]+)?: warning: .*services/session/rotate\.c.*\[covered-code-changed\]$" &&
	echo "int more;" >>services/session/rotate.c &&
	git add services &&
	expect_exit 0 threatgate check --staged &&
	expect_stdout_contains "[covered-code-changed]" &&
	git commit -q -m "more code"
'

test_expect_success 'no-documents: a range with Markdown but no design doc says so' '
	cd repo &&
	write_file NOTES.md <<-\EOF &&
	# Notes
	EOF
	git add NOTES.md &&
	git commit -q -m "notes" &&
	expect_exit 0 threatgate check --range HEAD~1..HEAD &&
	expect_stdout_matches "^NOTES\.md:1(:[0-9]+)?: note: .*\[no-documents\]$"
'

test_expect_success 'a corrupt object is exit 2 with the path it could not read' '
	cp -R repo rotten &&
	# without the covers cache, whose entry would spare reading the blob
	rm -rf rotten/.git/threatgate &&
	cd rotten &&
	blob=$(git rev-parse HEAD:docs/design/rotation.md) &&
	file=.git/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	test -f "$file" &&
	chmod u+w "$file" &&
	printf "rotten" >"$file" &&
	expect_exit 2 threatgate check --all &&
	expect_stderr_contains "cannot read '"'"'docs/design/rotation.md'"'"'" &&
	expect_exit 2 threatgate check --range HEAD~1..HEAD &&
	expect_stderr_contains "cannot read '"'"'docs/design/rotation.md'"'"'"
'

test_expect_success 'a shallow clone missing the merge base: exit 2, saying to fetch more history' '
	git clone -q --depth 1 --no-single-branch "file://$TRASH_DIRECTORY/repo" shallow &&
	test -f shallow/.git/shallow &&
	cd shallow &&
	expect_exit 2 threatgate check --range origin/main...origin/feature &&
	expect_stderr_contains "cannot find the merge base of '"'"'origin/main...origin/feature'"'"': this shallow clone lacks their common history" &&
	expect_exit 2 threatgate check --range HEAD~3..HEAD &&
	expect_stderr_contains "shallow clone" &&
	expect_exit 0 threatgate check --all
'

test_expect_success 'a shallow clone whose merge base is a shallow commit: found, as in the full clone' '
	base=$(git -C repo merge-base main feature) &&
	depth=$(git -C repo rev-list --count $base..feature) &&
	git clone -q --depth $((depth + 1)) --single-branch --branch feature \
		"file://$TRASH_DIRECTORY/repo" shallow2 &&
	cd shallow2 &&
	git fetch -q --depth 2 origin main:refs/remotes/origin/main &&
	grep -x $base .git/shallow &&
	test "$(git merge-base origin/main origin/feature)" = $base &&
	expect_exit 0 threatgate check --range origin/main...origin/feature --format json &&
	grep "\"path\"" "$TG_LAST_STDOUT" | sort -u >shallow.paths &&
	(cd ../repo && threatgate check --range main...feature --format json) >full.json &&
	grep "\"path\"" full.json | sort -u >full.paths &&
	cat full.paths &&
	test -s full.paths &&
	cmp full.paths shallow.paths &&
	expect_exit 1 threatgate check --range origin/feature...origin/main &&
	expect_stdout_contains "docs/design/mainline.md:"
'

test_done
