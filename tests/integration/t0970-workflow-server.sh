#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='the design-review workflow on a self-hosted server

A bare server with the real hooks/pre-receive, the default policy plus
reviewers, and threatgate.pusher naming the variable that carries the
authenticated pusher (TG_PUSHER here; GL_USERNAME and friends on a
forge). A topic branch with a design that waits for its review is
accepted with remote: notes; the same design pushed straight to main is
refused; the reviewer adds the sign-off and pushes it, and the merge then
reaches main whoever pushes it; the same line typed by the author is
refused on main; a draft reaches a topic branch but not main; the DRI
cannot sign her own design; fast-forwarding main to a branch that was
pushed with findings is refused; without threatgate.pusher an old policy
behaves as before.'

. "$(dirname "$0")/lib.sh"

needs_review() {
	tg_doc_good | sed -e "s/^title: .*/title: $1/" -e "s/^status: approved/status: in-review/" \
		-e "s/^- \[x\] Security review: @alice (2026-11-01)$/- [ ] Security review: @alice/"
}

sign() {
	sed -e "s/^- \[ \] Security review: @alice$/- [x] Security review: @alice (2026-11-27)/" "$1" >"$1.tmp" &&
		mv "$1.tmp" "$1"
}

# push_as WHO ARGS...: git push as the authenticated pusher WHO.
push_as() {
	local who=$1
	shift
	TG_PUSHER=$who git push "$@"
}

test_expect_success 'set up: a server guarding main, reviewers on main, the pusher in TG_PUSHER' '
	make_server server.git &&
	install_hook server.git post-receive &&
	git -C server.git config threatgate.pusher TG_PUSHER &&
	git init -q work &&
	cd work &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice <alice@example.com>
		reviewer = @bob <bob@example.com>
	EOF
	echo "# designs" >README.md &&
	git add . &&
	git commit -q -m "policy" &&
	git remote add origin ../server.git &&
	expect_exit 0 push_as jane origin main
'

test_expect_success '(1) a design waiting for its review: the topic branch is accepted, with remote: notes' '
	cd work &&
	git checkout -q -b export main &&
	needs_review "Order export" | write_file docs/design/export.md &&
	git add . &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "order export" &&
	expect_exit 0 push_as jane origin export &&
	expect_stderr_matches "^remote: docs/design/export\.md:[0-9]+:1: error: a security sign-off is required .*\[signoff-required\]" &&
	expect_stderr_contains "remote: threatgate: not enforced on refs/heads/export" &&
	expect_ref ../server.git refs/heads/export "$(git rev-parse HEAD)"
'

test_expect_success '(2) the same design pushed straight to main is refused' '
	cd work &&
	expect_exit 1 push_as jane origin export:main &&
	expect_stderr_contains "[signoff-required]" &&
	expect_stderr_contains "push rejected" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse main)"
'

test_expect_success '(1) the reviewer adds the sign-off and pushes it: accepted; the merge then reaches main' '
	cd work &&
	sign docs/design/export.md &&
	GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com git commit -q -a -m "security review" &&
	expect_exit 0 push_as alice origin export &&
	expect_stderr_lacks "signoff" &&
	git checkout -q main &&
	git merge -q --no-ff -m "merge export" export &&
	expect_exit 0 push_as jane origin main &&
	expect_stderr_lacks "error" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)" &&
	git -C ../server.git notes --ref=threatgate show main >note &&
	grep -x "signed: docs/design/export.md by @alice (pushed by the reviewer as the authenticated pusher)" note
'

test_expect_success '(1)(4) the same line typed by the author: accepted on a topic branch (reported), refused on main' '
	cd work &&
	git checkout -q -b import main &&
	needs_review "Order import" | write_file docs/design/import.md &&
	sign docs/design/import.md &&
	git add . &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "import, ticked by its author" &&
	expect_exit 0 push_as jane origin import &&
	expect_stderr_contains "pushed by '"'"'jane'"'"', not by '"'"'@alice'"'"'" &&
	git checkout -q main &&
	git merge -q --no-ff -m "merge import" import &&
	expect_exit 1 push_as jane origin main &&
	expect_stderr_matches "^remote: docs/design/import\.md:[0-9]+:1: error: sign-off by .@alice. does not count: the line is new here and was pushed by .jane., not by .@alice. \(threatgate.pusher = TG_PUSHER\).*\[signoff-unauthorized\]" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD~1)"
'

test_expect_success '(4) the reviewer pushes that same merge herself: accepted' '
	cd work &&
	expect_exit 0 push_as alice origin main &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success '(4) with the pusher unknown (the variable unset), a new sign-off line does not count' '
	cd work &&
	git checkout -q -b unknown main &&
	needs_review "Unknown pusher" | write_file docs/design/unknown.md &&
	sign docs/design/unknown.md &&
	git add . &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "who pushes this?" &&
	expect_exit 1 git push origin unknown:main &&
	expect_stderr_contains "the server does not know who pushed it (\$TG_PUSHER, named by threatgate.pusher, is not set)"
'

test_expect_success '(4) the DRI signing her own design is refused on main, even when she pushes it' '
	cd work &&
	git checkout -q -b own main &&
	needs_review "Own design" | sed -e "s/^dri: .*/dri: Alice <alice@example.com>/" | write_file docs/design/own.md &&
	sign docs/design/own.md &&
	git add . &&
	GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com git commit -q -m "my own design, signed" &&
	expect_exit 1 push_as alice origin own:main &&
	expect_stderr_contains "is the design'"'"'s DRI (dri: Alice <alice@example.com>)" &&
	expect_stderr_contains "[signoff-unauthorized]"
'

test_expect_success '(3) a draft with an empty threat model: the topic branch is accepted with notes, main refuses it' '
	cd work &&
	git checkout -q -b sketch main &&
	tg_doc_good | sed -e "s/^status: approved/status: draft/" -e "s/^title: .*/title: Sketch/" \
		-e "/^| T[1-6] |/d" -e "/^- \[x\] Security review/d" | write_file docs/design/sketch.md &&
	git add . &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "sketch" &&
	expect_exit 0 push_as jane origin sketch &&
	expect_stderr_contains "remote: docs/design/sketch.md:" &&
	expect_stderr_contains "not enforced on refs/heads/sketch" &&
	expect_exit 1 push_as jane origin sketch:main &&
	expect_stderr_matches "^remote: docs/design/sketch\.md:[0-9]+:1: error: section .Threat Model. is empty" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse main)"
'

test_expect_success '(5) fast-forwarding main to a branch that was pushed with findings is refused' '
	cd work &&
	git checkout -q -b bad main &&
	tg_doc_bad | sed -e "s/^title: .*/title: Bad/" | write_file docs/design/bad.md &&
	git add . &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "bad" &&
	expect_exit 0 push_as jane origin bad &&
	expect_stderr_contains "[threat-missing-priority]" &&
	expect_exit 1 push_as alice origin bad:main &&
	expect_stderr_contains "remote: docs/design/bad.md:" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse main)"
'

test_expect_success '(6) an old policy without threatgate.pusher behaves as before on main' '
	make_server old.git &&
	git init -q old &&
	cd old &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice
	[rule "stride-coverage"]
		severity = error
	EOF
	git add . &&
	git commit -q -m "old policy" &&
	git push -q ../old.git main &&
	needs_review "Old" | write_file docs/design/old.md &&
	sign docs/design/old.md &&
	git add . &&
	git commit -q -m "signed, as before" &&
	expect_exit 0 git push ../old.git main &&
	sed -e "/^| T6 |/d" docs/design/old.md >tmp && mv tmp docs/design/old.md &&
	git commit -q -a -m "no elevation of privilege threat" &&
	expect_exit 1 git push ../old.git main &&
	expect_stderr_contains "error: " &&
	expect_stderr_contains "[stride-coverage]"
'

test_done
