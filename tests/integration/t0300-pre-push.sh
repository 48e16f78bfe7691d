#!/bin/bash
test_description='the pre-push hook

Real pushes with the git command from a work repository that has the real
hooks/pre-push installed, into a bare server with no hook of its own: the
client refuses a bad doc (the server ref does not move) and lets a good
one through; only what the remote lacks is checked (its remote-tracking
refs, or a configured remote with the URL that was pushed to); deletions;
several refs; a shallow clone; a corrupt object.'

. "$(dirname "$0")/lib.sh"

test_expect_success 'set up a server (no hook) holding an old bad doc, and a clone with the pre-push hook' '
	git init -q --bare server.git &&
	git init -q seed &&
	tg_doc_bad | write_file seed/docs/design/legacy.md &&
	tg_doc_good | write_file seed/docs/design/rotation.md &&
	git -C seed add . &&
	git -C seed commit -q -m "legacy" &&
	git -C seed push -q ../server.git main &&
	git clone -q server.git work &&
	install_hook work/.git pre-push
'

test_expect_success 'a bad doc: the push is refused on the client, path:line:col: on stderr, the server ref stays' '
	cd work &&
	before=$(ref_of ../server.git refs/heads/main) &&
	tg_doc_bad | sed -e "s/^title: .*/title: New/" | write_file docs/design/new.md &&
	git add docs/design/new.md &&
	git commit -q -m "a new, bad design" &&
	line=$(tg_line docs/design/new.md "^\| T2 \|") &&
	expect_exit 1 git push origin main &&
	expect_stderr_matches "^docs/design/new\.md:$line:1: error: threat T2 has no priority.*\[threat-missing-priority\]$" &&
	expect_stderr_contains "threatgate: push rejected" &&
	expect_stderr_contains "failed to push some refs" &&
	expect_stderr_lacks "legacy.md" &&
	expect_ref ../server.git refs/heads/main "$before"
'

test_expect_success 'the doc fixed: the push goes through, silently; the old bad doc is not the pusher'"'"'s' '
	cd work &&
	tg_doc_good | sed -e "s/^title: .*/title: New/" >docs/design/new.md &&
	git commit -q -a -m "fix it" &&
	expect_exit 0 git push origin main &&
	expect_stderr_lacks "threatgate" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'a new branch is checked against the remote-tracking refs: only its own commits' '
	cd work &&
	git checkout -q -b topic &&
	echo "int x;" >x.c &&
	git add x.c &&
	git commit -q -m "code" &&
	expect_exit 0 git push origin topic &&
	expect_ref ../server.git refs/heads/topic "$(git rev-parse HEAD)" &&
	git checkout -q -b bad-topic &&
	tg_doc_bad | sed -e "s/^title: .*/title: Topic/" | write_file docs/design/topic.md &&
	git add docs/design/topic.md &&
	git commit -q -m "a bad topic design" &&
	expect_exit 1 git push origin bad-topic &&
	expect_stderr_matches "^docs/design/topic\.md:[0-9]+:1: error: " &&
	expect_ref ../server.git refs/heads/bad-topic none
'

test_expect_success 'a push to the URL of a configured remote is checked against that remote'"'"'s refs' '
	cd work &&
	git checkout -q -b url-topic main &&
	echo "int y;" >y.c &&
	git add y.c &&
	git commit -q -m "more code" &&
	expect_exit 0 git push "$(git config remote.origin.url)" url-topic &&
	expect_stderr_lacks "legacy.md" &&
	expect_ref ../server.git refs/heads/url-topic "$(git rev-parse HEAD)" &&
	expect_exit 1 git push "$(git config remote.origin.url)" bad-topic &&
	expect_stderr_contains "docs/design/topic.md:"
'

test_expect_success 'a push to an unknown URL checks every doc at the new tip: it knows of nothing there' '
	git init -q --bare other.git &&
	cd work &&
	expect_exit 1 git push ../other.git url-topic &&
	expect_stderr_contains "docs/design/legacy.md:" &&
	expect_ref ../other.git refs/heads/url-topic none
'

test_expect_success 'a branch deletion is let through' '
	cd work &&
	expect_exit 0 git push origin --delete topic &&
	expect_ref ../server.git refs/heads/topic none
'

test_expect_success 'several refs, one bad: the whole push is refused' '
	cd work &&
	git checkout -q -b good-two main &&
	tg_doc_good | sed -e "s/^title: .*/title: Two/" | write_file docs/design/two.md &&
	git add docs/design/two.md &&
	git commit -q -m "two" &&
	expect_exit 1 git push origin good-two bad-topic &&
	expect_stderr_contains "docs/design/topic.md:" &&
	expect_stderr_lacks "docs/design/two.md:" &&
	expect_ref ../server.git refs/heads/good-two none &&
	expect_ref ../server.git refs/heads/bad-topic none &&
	expect_exit 0 git push origin good-two &&
	expect_ref ../server.git refs/heads/good-two "$(git rev-parse good-two)"
'

test_expect_success 'tags are let through unless threatgate.checkTags' '
	cd work &&
	git tag -a -m "bad tag" v1 bad-topic &&
	expect_exit 0 git push origin v1 &&
	git tag -a -m "bad tag" v2 bad-topic &&
	git config threatgate.checkTags true &&
	expect_exit 1 git push origin v2 &&
	expect_stderr_contains "docs/design/topic.md:" &&
	expect_ref ../server.git refs/tags/v2 none &&
	git config --unset threatgate.checkTags
'

test_expect_success 'a shallow clone: a good push goes through (no "object not found" at the boundary)' '
	git clone -q --depth 1 "file://$TRASH_DIRECTORY/server.git" shallow &&
	test -f shallow/.git/shallow &&
	install_hook shallow/.git pre-push &&
	cd shallow &&
	tg_doc_good | sed -e "s/^title: .*/title: Shallow/" | write_file docs/design/shallow.md &&
	git add docs/design/shallow.md &&
	git commit -q -m "from a shallow clone" &&
	expect_exit 0 git push origin main &&
	expect_stderr_lacks "threatgate" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'a shallow clone: a bad push is refused' '
	cd shallow &&
	tg_doc_bad | sed -e "s/^title: .*/title: Shallow/" >docs/design/shallow.md &&
	git commit -q -a -m "broken from a shallow clone" &&
	expect_exit 1 git push origin main:refs/heads/shallow-bad &&
	expect_stderr_matches "^docs/design/shallow\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_stderr_lacks "legacy.md" &&
	expect_ref ../server.git refs/heads/shallow-bad none
'

test_expect_success 'a shallow clone pushing a new branch to an unknown URL: checked whole, clear message' '
	git init -q --bare fresh.git &&
	cd shallow &&
	git reset -q --hard HEAD~1 &&
	expect_exit 1 git push ../fresh.git main &&
	expect_stderr_contains "docs/design/legacy.md:" &&
	expect_stderr_lacks "object not found" &&
	expect_ref ../fresh.git refs/heads/main none
'

test_expect_success 'a corrupt object in the pushed commit: the hook fails closed with a clear message' '
	git clone -q server.git broken &&
	install_hook broken/.git pre-push &&
	cd broken &&
	tg_doc_good | sed -e "s/^title: .*/title: Corrupt/" | write_file docs/design/corrupt.md &&
	git add docs/design/corrupt.md &&
	git commit -q -m "a doc whose blob will rot" &&
	blob=$(git rev-parse HEAD:docs/design/corrupt.md) &&
	file=.git/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	chmod u+w "$file" &&
	printf "rotten" >"$file" &&
	expect_exit 1 git push origin main:refs/heads/corrupt &&
	expect_stderr_contains "threatgate: cannot read '"'"'docs/design/corrupt.md'"'"'" &&
	expect_stderr_contains "threatgate: push rejected: it could not be checked" &&
	expect_ref ../server.git refs/heads/corrupt none
'

test_done
