#!/bin/bash
test_description='threatgate annotate and the post-receive hook

annotate writes the report of a range as a git note under
refs/notes/threatgate on the tip commit, replacing an older note there, so
that git log --notes=threatgate shows the verdict. hooks/post-receive does
it on a bare server for every branch a push updates, and never fails the
push: it says so when it cannot write a note.'

. "$(dirname "$0")/lib.sh"

# notes_count REPO: how many commits carry a threatgate note.
notes_count() {
	git -C "$1" notes --ref=threatgate list | wc -l
}

test_expect_success 'set up a repository: a good design, then a bad one' '
	git init -q work &&
	tg_doc_good | write_file work/docs/design/rotation.md &&
	git -C work add . &&
	git -C work commit -q -m "rotation design" &&
	git -C work tag good &&
	tg_doc_bad | write_file work/docs/design/flags.md &&
	git -C work add . &&
	git -C work commit -q -m "flags design, missing a priority" &&
	git -C work tag bad
'

test_expect_success 'annotate --range writes the verdict and the findings as a note on the tip' '
	cd work &&
	expect_exit 0 threatgate annotate --range good..bad &&
	expect_stderr_matches "^threatgate: note on [0-9a-f]{12} in refs/notes/threatgate: blocked$" &&
	test "$(notes_count .)" = 1 &&
	git notes --ref=threatgate show bad >note &&
	head -n 1 note | grep -qx "threatgate: blocked (good..bad)" &&
	line=$(tg_line docs/design/flags.md "^\| T2 \|") &&
	grep -q "^docs/design/flags.md:$line:1: error: .*\[threat-missing-priority\]$" note &&
	tail -n 1 note | grep -qx "threatgate: 1 error, 0 warnings, 0 notes in 1 document" &&
	git log --notes=threatgate -1 bad >log &&
	grep -q "^Notes (threatgate):$" log &&
	grep -q "^    threatgate: blocked (good..bad)$" log &&
	! git notes --ref=threatgate show good 2>/dev/null
'

test_expect_success 'a second run replaces the note: one note, the newer verdict' '
	cd work &&
	before=$(git rev-parse refs/notes/threatgate) &&
	expect_exit 0 threatgate annotate --range good..bad --fail-on never &&
	expect_stderr_contains ": passed" &&
	test "$(notes_count .)" = 1 &&
	git notes --ref=threatgate show bad | head -n 1 | grep -qx "threatgate: passed (good..bad)" &&
	test "$(git rev-parse refs/notes/threatgate^)" = "$before" &&
	test "$(git rev-list --count refs/notes/threatgate)" = 2
'

test_expect_success 'without --range: what HEAD changed against its parent; a root commit: every document' '
	cd work &&
	expect_exit 0 threatgate annotate -q &&
	test ! -s "$TG_LAST_STDERR" &&
	git notes --ref=threatgate show HEAD | head -n 1 |
		grep -qx "threatgate: blocked ($(git rev-parse --short=12 good)..$(git rev-parse --short=12 bad))" &&
	git checkout -q good &&
	expect_exit 0 threatgate annotate &&
	git notes --ref=threatgate show good | head -n 1 | grep -qx "threatgate: passed (HEAD)" &&
	git notes --ref=threatgate show good | grep -qx "threatgate: 0 errors, 0 warnings, 0 notes in 1 document" &&
	test "$(notes_count .)" = 2 &&
	git checkout -q main
'

test_expect_success 'a merge gets the note of what it brought' '
	cd work &&
	git checkout -q -b side good &&
	tg_doc_good | sed -e "s/^title: .*/title: Side design/" | write_file docs/design/side.md &&
	git add docs/design/side.md &&
	git commit -q -m "side design" &&
	git checkout -q main &&
	git merge -q --no-ff -m "merge side" side &&
	expect_exit 0 threatgate annotate &&
	git log --notes=threatgate -1 --format="%s%n%N" >log &&
	head -n 1 log | grep -qx "merge side" &&
	sed -n 2p log | grep -q "^threatgate: passed (" &&
	grep -qx "threatgate: 0 errors, 0 warnings, 0 notes in 1 document" log
'

test_expect_success 'annotate --rev, and a JSON note' '
	cd work &&
	expect_exit 0 threatgate annotate --rev bad --format json &&
	git notes --ref=threatgate show bad >note.json &&
	jq -e ".summary.documents == 2 and .summary.errors == 1" note.json >/dev/null
'

test_expect_success 'bad usage and unknown revisions are exit 2, and write no note' '
	cd work &&
	before=$(git rev-parse refs/notes/threatgate) &&
	expect_exit 2 threatgate annotate --range good..nosuch &&
	expect_stderr_contains "nosuch" &&
	expect_exit 2 threatgate annotate --range good..bad --rev bad &&
	expect_stderr_contains "--range and --rev cannot be combined" &&
	expect_exit 2 threatgate annotate extra &&
	expect_exit 2 threatgate annotate --staged &&
	test "$(git rev-parse refs/notes/threatgate)" = "$before"
'

test_expect_success 'post-receive on a bare server: a note on each pushed branch tip' '
	git init -q --bare server.git &&
	install_hook server.git post-receive &&
	git clone -q server.git client 2>/dev/null &&
	tg_doc_good | write_file client/docs/design/rotation.md &&
	git -C client add . &&
	git -C client commit -q -m "rotation design" &&
	cd client &&
	expect_exit 0 git push -q origin HEAD:main &&
	tip=$(git rev-parse HEAD) &&
	git -C ../server.git notes --ref=threatgate show "$tip" | head -n 1 |
		grep -qx "threatgate: passed ($tip)" &&
	git checkout -q -b feature &&
	tg_doc_bad | write_file docs/design/flags.md &&
	git add . &&
	git commit -q -m "flags, missing a priority" &&
	expect_exit 0 git push origin feature &&
	base=$(git rev-parse main) &&
	tip=$(git rev-parse HEAD) &&
	git -C ../server.git notes --ref=threatgate show "$tip" | head -n 1 |
		grep -qx "threatgate: blocked ($base...$tip)" &&
	echo "more" >>docs/design/flags.md &&
	git commit -q -a -m "more" &&
	old=$tip &&
	tip=$(git rev-parse HEAD) &&
	expect_exit 0 git push origin feature &&
	git -C ../server.git notes --ref=threatgate show "$tip" | head -n 1 |
		grep -qx "threatgate: blocked ($old...$tip)"
'

test_expect_success 'clients fetch the notes; git log --notes=threatgate shows the verdict' '
	cd client &&
	git fetch -q origin refs/notes/threatgate:refs/notes/threatgate &&
	git log --notes=threatgate -1 feature >log &&
	grep -q "^    threatgate: blocked (" log &&
	grep -q "^    docs/design/flags.md:[0-9]*:1: error: .*\[threat-missing-priority\]$" log
'

test_expect_success 'tags and deleted branches get no note and no complaint' '
	cd client &&
	notes=$(git -C ../server.git rev-parse refs/notes/threatgate) &&
	git tag v1 &&
	expect_exit 0 git push origin v1 &&
	expect_exit 0 git push origin :feature &&
	expect_stderr_lacks "threatgate" &&
	test "$(git -C ../server.git rev-parse refs/notes/threatgate)" = "$notes"
'

test_expect_success 'post-receive never fails the push: no threatgate, or a note it cannot write' '
	cd client &&
	echo "x" >>docs/design/rotation.md &&
	git commit -q -a -m "x" &&
	THREATGATE=/nonexistent/threatgate expect_exit 0 git push origin HEAD:main &&
	expect_stderr_contains "remote: threatgate: '"'"'/nonexistent/threatgate'"'"' not found on PATH; no notes written" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)" &&
	git -C ../server.git config threatgate.maxAge soon &&
	echo "y" >>docs/design/rotation.md &&
	git commit -q -a -m "y" &&
	expect_exit 0 git push origin HEAD:main &&
	expect_stderr_contains "remote: threatgate: could not write the note for refs/heads/main (the push is not affected):" &&
	expect_stderr_contains "threatgate.maxage" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)" &&
	! git -C ../server.git notes --ref=threatgate show HEAD 2>/dev/null
'

test_done
