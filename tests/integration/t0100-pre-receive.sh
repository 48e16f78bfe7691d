#!/bin/bash
test_description='the pre-receive hook on a bare server

Real pushes with the git command into a bare repository that has the real
hooks/pre-receive installed: a bad design doc is rejected with "remote:"
path:line:col: lines and the ref does not move; a good one is accepted;
new branches, deletions, tags, force pushes and pushes of several refs;
the policy comes from the server, not from the pushed commits; the hook
reads the pushed objects from git'"'"'s quarantine.'

. "$(dirname "$0")/lib.sh"

# These servers enforce on every ref, as every pre-receive did before
# threatgate.protect (its default, the policy branch, is t0130's).
git config --global threatgate.protect 'refs/*'

test_expect_success 'set up a work repository and an empty server with the hook' '
	make_server server.git &&
	test -x server.git/hooks/pre-receive &&
	git init -q work &&
	git -C work remote add origin ../server.git &&
	tg_doc_good | write_file work/docs/design/rotation.md &&
	write_file work/services/session/rotate.c <<-\EOF &&
	int rotate(void) { return 0; }
	EOF
	git -C work add . &&
	git -C work commit -q -m "rotation design"
'

test_expect_success 'a first push into an empty server is checked; a good doc is accepted, silently' '
	cd work &&
	expect_exit 0 git push origin main &&
	expect_stderr_lacks "remote: threatgate" &&
	expect_stderr_lacks "remote: docs/" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'a first push of a bad doc into an empty server is rejected' '
	make_server empty.git &&
	git init -q lonely &&
	tg_doc_bad | write_file lonely/docs/design/rotation.md &&
	git -C lonely add . &&
	git -C lonely commit -q -m "bad design" &&
	cd lonely &&
	line=$(tg_line docs/design/rotation.md "^\| T2 \|") &&
	expect_exit 1 git push ../empty.git main &&
	expect_stderr_matches "^remote: docs/design/rotation\.md:$line:1: error: .*\[threat-missing-priority\]" &&
	expect_ref ../empty.git refs/heads/main none &&
	test -z "$(git -C ../empty.git for-each-ref)"
'

test_expect_success 'a bad doc is rejected with remote: path:line:col: lines and the ref does not move' '
	cd work &&
	before=$(ref_of ../server.git refs/heads/main) &&
	tg_doc_bad >docs/design/rotation.md &&
	git commit -q -a -m "drop a priority" &&
	line=$(tg_line docs/design/rotation.md "^\| T2 \|") &&
	expect_exit 1 git push origin main &&
	expect_stderr_matches "^remote: docs/design/rotation\.md:$line:1: error: threat T2 has no priority.*\[threat-missing-priority\]" &&
	expect_stderr_matches "^remote: threatgate: 1 error" &&
	expect_stderr_contains "remote: threatgate: push rejected" &&
	expect_stderr_contains "[remote rejected] main -> main (pre-receive hook declined)" &&
	expect_ref ../server.git refs/heads/main "$before"
'

test_expect_success 'a good doc is accepted: the tip is checked, not every pushed commit' '
	cd work &&
	tg_doc_good | sed -e "s/^logging anyone out\.$/logging anyone out. Keys rotate at 03:00 UTC./" \
		>docs/design/rotation.md &&
	git commit -q -a -m "fix the priority, say when keys rotate" &&
	expect_exit 0 git push origin main &&
	expect_stderr_lacks "remote: docs/" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'a new branch with a good doc is accepted' '
	cd work &&
	git checkout -q -b feature &&
	tg_doc_good | sed -e "s/^title: .*/title: Feature flags/" | write_file docs/design/flags.md &&
	git add docs/design/flags.md &&
	git commit -q -m "flags design" &&
	expect_exit 0 git push origin feature &&
	expect_ref ../server.git refs/heads/feature "$(git rev-parse HEAD)"
'

test_expect_success 'a new branch with a bad doc is rejected and not created' '
	cd work &&
	git checkout -q -b bad-feature main &&
	tg_doc_bad | write_file docs/design/bad.md &&
	git add docs/design/bad.md &&
	git commit -q -m "bad design" &&
	line=$(tg_line docs/design/bad.md "^\| T2 \|") &&
	expect_exit 1 git push origin bad-feature &&
	expect_stderr_matches "^remote: docs/design/bad\.md:$line:1: error: .*\[threat-missing-priority\]" &&
	expect_stderr_lacks "remote: docs/design/rotation.md" &&
	expect_ref ../server.git refs/heads/bad-feature none
'

test_expect_success 'a new branch is compared with what the server had: an old bad doc there does not block it' '
	git init -q --bare legacy.git &&
	git init -q old &&
	tg_doc_bad | write_file old/docs/design/legacy.md &&
	git -C old add . &&
	git -C old commit -q -m "legacy design, before the hook" &&
	git -C old push -q ../legacy.git main &&
	install_hook legacy.git pre-receive &&
	cd old &&
	git checkout -q -b topic &&
	tg_doc_good | write_file docs/design/new.md &&
	git add docs/design/new.md &&
	git commit -q -m "a new, good design" &&
	expect_exit 0 git push ../legacy.git topic &&
	expect_stderr_lacks "legacy.md" &&
	expect_ref ../legacy.git refs/heads/topic "$(git rev-parse HEAD)" &&
	expect_exit 0 git push ../legacy.git main:refs/heads/copy-of-main &&
	expect_ref ../legacy.git refs/heads/copy-of-main "$(git rev-parse main)"
'

test_expect_success 'a branch deletion is accepted' '
	cd work &&
	expect_exit 0 git push origin --delete feature &&
	expect_ref ../server.git refs/heads/feature none &&
	expect_exit 0 git push origin feature &&
	expect_ref ../server.git refs/heads/feature "$(git rev-parse feature)"
'

test_expect_success 'a deletion pushed with a bad update: nothing moves' '
	cd work &&
	expect_exit 1 git push origin :feature bad-feature:main &&
	expect_stderr_contains "remote: docs/design/bad.md:" &&
	expect_ref ../server.git refs/heads/feature "$(git rev-parse feature)" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse main)"
'

test_expect_success 'tags are not checked by default, and what a tag brought is checked when a branch takes it' '
	cd work &&
	git tag -a -m "release with a bad doc" v1-bad bad-feature &&
	git tag v1-light bad-feature &&
	expect_exit 0 git push origin v1-bad v1-light &&
	expect_ref ../server.git refs/tags/v1-bad "$(git rev-parse bad-feature)" &&
	expect_ref ../server.git refs/tags/v1-light "$(git rev-parse bad-feature)" &&
	expect_exit 1 git push origin bad-feature &&
	expect_stderr_contains "remote: docs/design/bad.md:" &&
	expect_ref ../server.git refs/heads/bad-feature none
'

test_expect_success 'with threatgate.checkTags a tag of a new bad commit is rejected, of a good one accepted' '
	git -C server.git config threatgate.checkTags true &&
	cd work &&
	git checkout -q -b tagged bad-feature &&
	echo "more prose" >>docs/design/bad.md &&
	git commit -q -a -m "still bad" &&
	git tag -a -m "bad release" v2-bad &&
	expect_exit 1 git push origin v2-bad &&
	expect_stderr_matches "^remote: docs/design/bad\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_ref ../server.git refs/tags/v2-bad none &&
	git tag -a -m "good release" v2-good main &&
	expect_exit 0 git push origin v2-good &&
	expect_ref ../server.git refs/tags/v2-good "$(git rev-parse main)"
'

test_expect_success 'a force push of a bad rewrite is rejected; of a good one accepted; a rewind to a bad commit is judged' '
	git -C server.git config --unset threatgate.checkTags &&
	cd work &&
	git checkout -q main &&
	before=$(ref_of ../server.git refs/heads/main) &&
	sed -e "s/^| T2 | Rotation job replaced by a modified image | Tampering | P3 |/| T2 | Rotation job replaced by a modified image | Tampering | |/" \
		docs/design/rotation.md >rotation.tmp &&
	mv rotation.tmp docs/design/rotation.md &&
	git commit -q -a --amend -m "rewritten, bad" &&
	expect_exit 1 git push -f origin main &&
	expect_stderr_matches "^remote: docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_ref ../server.git refs/heads/main "$before" &&
	tg_doc_good | sed -e "s/^logging anyone out\.$/logging anyone out. Keys rotate at 04:00 UTC./" \
		>docs/design/rotation.md &&
	git commit -q -a --amend -m "rewritten, good" &&
	expect_exit 0 git push -f origin main &&
	expect_stderr_contains "(forced update)" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)" &&
	# HEAD~1 is the commit that dropped a priority: a rewind to it brings
	# the bad doc back, and is judged on that (it used to pass unchecked)
	expect_exit 1 git push -f origin HEAD~1:main &&
	expect_stderr_matches "^remote: docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)" &&
	expect_exit 0 git push -f origin HEAD~2:main &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD~2)" &&
	expect_exit 0 git push -f origin main
'

test_expect_success 'a push of several refs with one bad doc: all are rejected, none moves' '
	cd work &&
	for b in one two three; do
		git checkout -q -b $b main &&
		tg_doc_good | sed -e "s/^title: .*/title: Design $b/" | write_file docs/design/$b.md &&
		git add docs/design/$b.md &&
		git commit -q -m "design $b" || exit 1
	done &&
	git checkout -q two &&
	tg_doc_bad | sed -e "s/^title: .*/title: Design two/" >docs/design/two.md &&
	git commit -q -a -m "break two" &&
	expect_exit 1 git push origin one two three &&
	expect_stderr_matches "^remote: docs/design/two\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_stderr_lacks "remote: docs/design/one.md" &&
	expect_stderr_lacks "remote: docs/design/three.md" &&
	expect_ref ../server.git refs/heads/one none &&
	expect_ref ../server.git refs/heads/two none &&
	expect_ref ../server.git refs/heads/three none
'

test_expect_success 'the same push with the doc fixed: every ref moves' '
	cd work &&
	git checkout -q two &&
	tg_doc_good | sed -e "s/^title: .*/title: Design two/" >docs/design/two.md &&
	git commit -q -a -m "fix two" &&
	expect_exit 0 git push origin one two three &&
	for b in one two three; do
		expect_ref ../server.git refs/heads/$b "$(git rev-parse $b)" || exit 1
	done
'

test_expect_success 'set up a server whose main has a strict .threatgate' '
	make_server strict.git &&
	git init -q policy &&
	write_file policy/.threatgate <<-\EOF &&
	[rule "threat-missing-mitigation"]
		severity = error
	EOF
	tg_doc_good | write_file policy/docs/design/rotation.md &&
	git -C policy add . &&
	git -C policy commit -q -m "policy and a design" &&
	git -C policy push -q ../strict.git main
'

test_expect_success 'a push that turns the rule off and adds a doc breaking it is still rejected' '
	cd policy &&
	write_file .threatgate <<-\EOF &&
	[rule "threat-missing-mitigation"]
		severity = off
	EOF
	tg_doc_good | sed -e "s/^| T5 | Rotation storm invalidates every session | Denial of service | P3 | [^|]* | mitigated |/| T5 | Rotation storm invalidates every session | Denial of service | P3 | | open |/" \
		| write_file docs/design/weak.md &&
	grep -q "| P3 | | open |" docs/design/weak.md &&
	line=$(tg_line docs/design/weak.md "^\| T5 \|") &&
	git add . &&
	git commit -q -m "relax the policy and add a weak design" &&
	expect_exit 0 threatgate check docs/design/weak.md &&
	expect_exit 1 git push ../strict.git main &&
	expect_stderr_matches "^remote: docs/design/weak\.md:$line:[0-9]+: error: .*\[threat-missing-mitigation\]" &&
	expect_ref ../strict.git refs/heads/main "$(git rev-parse HEAD~1)"
'

test_expect_success 'the policy is the default branch before the push: a relaxed policy applies once a policy admin landed it' '
	git -C strict.git config threatgate.pusher TG_PUSHER &&
	git -C strict.git config threatgate.policyAdmin sec-lead &&
	cd policy &&
	git reset -q --hard HEAD~1 &&
	write_file .threatgate <<-\EOF &&
	[rule "threat-missing-mitigation"]
		severity = off
	EOF
	git commit -q -a -m "relax the policy" &&
	TG_PUSHER=someone expect_exit 1 git push ../strict.git main &&
	expect_stderr_contains "loosens the policy" &&
	expect_stderr_contains "rule threat-missing-mitigation turned down from error to off" &&
	expect_ref ../strict.git refs/heads/main "$(git rev-parse HEAD~1)" &&
	TG_PUSHER=sec-lead expect_exit 0 git push ../strict.git main &&
	# the rest of this script does not say who pushes
	git -C ../strict.git config --unset threatgate.pusher &&
	expect_ref ../strict.git refs/heads/main "$(git rev-parse HEAD)" &&
	tg_doc_good | sed -e "s/^| T5 | Rotation storm invalidates every session | Denial of service | P3 | [^|]* | mitigated |/| T5 | Rotation storm invalidates every session | Denial of service | P3 | | open |/" \
		| write_file docs/design/weak.md &&
	git add docs/design/weak.md &&
	git commit -q -m "a weak design" &&
	expect_exit 0 git push ../strict.git main &&
	expect_stderr_lacks "threat-missing-mitigation" &&
	expect_ref ../strict.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'the server git config adds to the policy: threatgate.failOn=warning rejects a warning' '
	git -C strict.git config threatgate.failOn warning &&
	cd policy &&
	tg_doc_good | sed -e "/^dri: /d" | write_file docs/design/no-dri.md &&
	git add docs/design/no-dri.md &&
	git commit -q -m "a design without a DRI" &&
	expect_exit 1 git push ../strict.git main &&
	expect_stderr_matches "^remote: docs/design/no-dri\.md:[0-9]+(:[0-9]+)?: warning: .*\[missing-dri\]" &&
	expect_ref ../strict.git refs/heads/main "$(git rev-parse HEAD~1)" &&
	git -C ../strict.git config --unset threatgate.failOn &&
	expect_exit 0 git push ../strict.git main &&
	expect_stderr_matches "^remote: docs/design/no-dri\.md:[0-9]+(:[0-9]+)?: warning: .*\[missing-dri\]" &&
	expect_ref ../strict.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'set up a server whose hook records what git hands it' '
	make_server quarantine.git &&
	mv quarantine.git/hooks/pre-receive quarantine.git/hooks/pre-receive.real &&
	write_file quarantine.git/hooks/pre-receive <<-\EOF &&
	#!/bin/sh
	# Record the quarantine, and where each pushed tip can be read from,
	# then run the real hook on the same input.
	input=$(mktemp)
	cat >"$input"
	log="$TRASH_DIRECTORY/quarantine.log"
	echo "quarantine=${GIT_QUARANTINE_PATH:-unset}" >"$log"
	while read -r old new ref; do
		if env -u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES \
			-u GIT_QUARANTINE_PATH git cat-file -e "$new" 2>/dev/null; then
			echo "in-repository $ref" >>"$log"
		else
			echo "quarantine-only $ref" >>"$log"
		fi
		git cat-file -e "$new" && echo "visible-to-hook $ref" >>"$log"
	done <"$input"
	exec <"$input"
	rm -f "$input"
	exec "$0.real"
	EOF
	chmod +x quarantine.git/hooks/pre-receive
'

test_expect_success 'a first push is checked inside the quarantine: a bad doc there is found, then dropped' '
	git init -q q &&
	tg_doc_bad | write_file q/docs/design/q.md &&
	git -C q add . &&
	git -C q commit -q -m "bad, only in the quarantine" &&
	cd q &&
	line=$(tg_line docs/design/q.md "^\| T2 \|") &&
	expect_exit 1 git push ../quarantine.git main &&
	expect_stderr_matches "^remote: docs/design/q\.md:$line:1: error: .*\[threat-missing-priority\]" &&
	cat "$TRASH_DIRECTORY/quarantine.log" &&
	grep -E "^quarantine=.*objects/tmp_objdir-incoming-" "$TRASH_DIRECTORY/quarantine.log" &&
	grep -x "quarantine-only refs/heads/main" "$TRASH_DIRECTORY/quarantine.log" &&
	grep -x "visible-to-hook refs/heads/main" "$TRASH_DIRECTORY/quarantine.log" &&
	expect_ref ../quarantine.git refs/heads/main none &&
	test_must_fail git -C ../quarantine.git cat-file -e "$(git rev-parse HEAD)"
'

test_expect_success 'the same push made good is accepted from the quarantine and lands' '
	cd q &&
	tg_doc_good >docs/design/q.md &&
	git commit -q -a --amend -m "good, only in the quarantine" &&
	expect_exit 0 git push ../quarantine.git main &&
	grep -x "quarantine-only refs/heads/main" "$TRASH_DIRECTORY/quarantine.log" &&
	expect_ref ../quarantine.git refs/heads/main "$(git rev-parse HEAD)" &&
	git -C ../quarantine.git cat-file -e "$(git rev-parse HEAD)"
'

test_done
