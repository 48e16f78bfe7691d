#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='the design-review workflow with the default policy

A finished design that waits for its security review can be committed and
pushed to a topic branch (the sign-off is a warning there, naming who can
sign); the pull-request check (check --range) is the merge gate; a draft
never blocks its author; nobody signs their own design (the DRI, the
authors of the threat model); an old policy file behaves as before.
Real commits with the real hooks/pre-commit and hooks/pre-push, real pushes
into bare repositories.'

. "$(dirname "$0")/lib.sh"

# A design that needs a sign-off (P2 threats) and has none yet.
needs_review() {
	tg_doc_good | sed -e "s/^status: approved/status: in-review/" \
		-e "s/^- \[x\] Security review: @alice (2026-11-01)$/- [ ] Security review: @alice/"
}

# A draft whose threat model is still empty.
draft_doc() {
	tg_doc_good | sed -e "s/^status: approved/status: draft/" \
		-e "/^| T[1-6] |/d" -e "/^- \[x\] Security review/d"
}

signoff='- [x] Security review: @alice (2026-11-27)'

test_expect_success 'set up: a server (no hook yet), a clone with the pre-commit and pre-push hooks, reviewers in the policy' '
	git init -q --bare server.git &&
	git init -q seed &&
	write_file seed/.threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice <alice@example.com>
		reviewer = @bob <bob@example.com>
	EOF
	echo "# designs" >seed/README.md &&
	git -C seed add . &&
	git -C seed commit -q -m "policy" &&
	git -C seed push -q ../server.git main &&
	git clone -q server.git work &&
	install_hook work/.git pre-commit &&
	install_hook work/.git pre-push
'

test_expect_success '(1) a finished design needing a sign-off: the commit passes with a warning naming who can sign' '
	cd work &&
	git checkout -q -b order-export &&
	needs_review | write_file docs/design/export.md &&
	git add docs/design/export.md &&
	line=$(tg_line docs/design/export.md "^- \[ \] Security review") &&
	expect_exit 0 git commit -q -m "order export design" &&
	expect_stderr_matches "^docs/design/export\.md:$line:1: warning: a security sign-off is needed before this design can merge into main .*\[signoff-required\]$" &&
	expect_stderr_contains "docs/design/export.md:$line:1: note: open a pull request and ask one of @alice <alice@example.com>, @bob <bob@example.com> to review it" &&
	expect_stderr_lacks "rejected"
'

test_expect_success '(1) the push to the topic branch passes too, with the same warning' '
	cd work &&
	expect_exit 0 git push origin order-export &&
	expect_stderr_contains "warning: a security sign-off is needed before this design can merge" &&
	expect_stderr_contains "note: open a pull request and ask one of @alice" &&
	expect_ref ../server.git refs/heads/order-export "$(git rev-parse HEAD)"
'

test_expect_success '(1) the pull-request check (check --range) blocks it: the sign-off is an error there' '
	cd work &&
	expect_exit 1 threatgate check --range origin/main...HEAD &&
	expect_stdout_matches "^docs/design/export\.md:[0-9]+:1: error: a security sign-off is required .*\[signoff-required\]$" &&
	expect_stdout_matches "^docs/design/export\.md:[0-9]+:1: note: add .* under .Security Sign-off., signed by one of @alice"
'

test_expect_success '(3) a draft with an empty threat model: commit and push pass, with warnings' '
	cd work &&
	git checkout -q -b sketch origin/main &&
	draft_doc | write_file docs/design/sketch.md &&
	git add docs/design/sketch.md &&
	expect_exit 0 git commit -q -m "sketch" &&
	expect_stderr_matches "^docs/design/sketch\.md:[0-9]+:1: warning: section .Threat Model. is empty.*\[empty-section\]$" &&
	expect_stderr_lacks ": error:" &&
	expect_exit 0 git push origin sketch &&
	expect_stderr_contains "warning: section '"'"'Threat Model'"'"' is empty" &&
	expect_ref ../server.git refs/heads/sketch "$(git rev-parse HEAD)"
'

test_expect_success '(3) the same draft is an error in the pull-request check, and its status is in the report' '
	cd work &&
	expect_exit 1 threatgate check --range origin/main...sketch &&
	expect_stdout_matches "^docs/design/sketch\.md:[0-9]+:1: error: section .Threat Model. is empty.*\[empty-section\]$" &&
	expect_exit 1 threatgate check --range origin/main...sketch --format json &&
	jq -e ".documents[0].status == \"draft\"" "$TG_LAST_STDOUT"
'

test_expect_success 'a design that is not a draft still blocks the commit on its own errors' '
	cd work &&
	git checkout -q -b broken origin/main &&
	tg_doc_bad | write_file docs/design/broken.md &&
	git add docs/design/broken.md &&
	expect_exit 1 git commit -q -m "broken" &&
	expect_stderr_contains "error: threat T2 has no priority" &&
	git reset -q --hard origin/main
'

test_expect_success '(4) the DRI signing her own design does not count, and the finding says why' '
	cd work &&
	git checkout -q -b self-dri origin/main &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice <alice@example.com>
		reviewer = @jane <jane@example.com>
	EOF
	needs_review | sed -e "s/^- \[ \] Security review: @alice$/- [x] Security review: @jane (2026-11-27)/" \
		| write_file docs/design/self.md &&
	git add . &&
	GIT_AUTHOR_EMAIL=jane@example.com git commit -q --no-verify -m "self-signed" &&
	line=$(tg_line docs/design/self.md "^- \[x\] Security review: @jane") &&
	expect_exit 1 threatgate check --range origin/main...HEAD &&
	expect_stdout_matches "^docs/design/self\.md:$line:1: error: sign-off by .@jane. does not count: .@jane. is the design.s DRI \(dri: Jane Doe <jane@example\.com>\).*\[signoff-unauthorized\]$" &&
	expect_stdout_contains "[signoff-required]"
'

test_expect_success '(4) a reviewer who wrote the threat model cannot sign it either (blame)' '
	cd work &&
	git checkout -q -b self-author origin/main &&
	needs_review | sed -e "s/^dri: .*/dri: Omar <omar@example.com>/" | write_file docs/design/own.md &&
	git add . &&
	GIT_AUTHOR_EMAIL=bob@example.com git commit -q --no-verify -m "bob writes a design" &&
	sed -e "s/^- \[ \] Security review: @alice$/- [x] Security review: @bob (2026-11-27)/" docs/design/own.md >tmp &&
	mv tmp docs/design/own.md &&
	GIT_AUTHOR_EMAIL=bob@example.com git commit -q --no-verify -a -m "bob signs" &&
	expect_exit 1 threatgate check --range origin/main...HEAD &&
	expect_stdout_contains "sign-off by '"'"'@bob'"'"' does not count: <bob@example.com> wrote lines of this threat model" &&
	sed -e "s/@bob (2026-11-27)/@alice (2026-11-27)/" docs/design/own.md >tmp &&
	mv tmp docs/design/own.md &&
	GIT_AUTHOR_EMAIL=alice@example.com git commit -q --no-verify -a -m "alice signs" &&
	expect_exit 0 threatgate check --range origin/main...HEAD &&
	expect_exit 0 threatgate check --range origin/main...HEAD --format json &&
	jq -e ".documents[0].signoff.via == \"document\"" "$TG_LAST_STDOUT"
'

test_expect_success '(6) an old policy file (no new keys) behaves as before in the merge gate; bad new keys are exit 2' '
	cd work &&
	git checkout -q -b old-policy origin/main &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice
	[rule "stride-coverage"]
		severity = error
	EOF
	needs_review | write_file docs/design/old.md &&
	git add . &&
	git commit -q --no-verify -m "old policy" &&
	expect_exit 1 threatgate check --range origin/main...HEAD &&
	expect_stdout_contains "error: a security sign-off is required" &&
	printf "[hook \"pre-comit\"]\n\tfailOn = never\n" >>.threatgate &&
	expect_exit 2 threatgate check --range origin/main...HEAD &&
	expect_stderr_contains "unknown hook '"'"'pre-comit'"'"'" &&
	git checkout -q -- .threatgate
'

test_expect_success 'per-hook policy: [hook "pre-commit"] and rule.<id>.preCommitSeverity change the defaults' '
	cd work &&
	git checkout -q -b strict origin/main &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice
	[rule "signoff-required"]
		preCommitSeverity = error
	[hook "pre-commit"]
		drafts = enforce
	EOF
	needs_review | write_file docs/design/strict.md &&
	git add . &&
	expect_exit 1 git commit -q -m "strict" &&
	expect_stderr_contains "error: a security sign-off is needed before this design can merge" &&
	expect_stderr_contains "note: open a pull request and ask one of @alice to review it" &&
	draft_doc | write_file docs/design/strict.md &&
	git add . &&
	expect_exit 1 git commit -q -m "strict draft" &&
	expect_stderr_matches "error: section .Threat Model. is empty.*\[empty-section\]" &&
	printf "[hook \"pre-commit\"]\n\tfailOn = never\n" >>.threatgate &&
	git add . &&
	expect_exit 0 git commit -q -m "never fails" &&
	git reset -q --hard origin/main
'

test_expect_success 'init --reviewer writes the reviewers; on a terminal init asks; without any, reports say any name counts' '
	git init -q fresh &&
	cd fresh &&
	expect_exit 0 threatgate init --reviewer @alice --reviewer sec@example.com &&
	grep -qx "	reviewer = @alice" .threatgate &&
	grep -qx "	reviewer = sec@example.com" .threatgate &&
	expect_exit 2 threatgate init --force --reviewer "not a person" &&
	expect_stderr_contains "bad reviewer '"'"'not a person'"'"'" &&
	grep -qx "	reviewer = @alice" .threatgate &&
	rm -rf .threatgate templates &&
	test_require script &&
	printf "@carol, dave@example.com\n" | script -qec "threatgate init" /dev/null >out &&
	grep -q "Security reviewers who sign off designs" out &&
	grep -qx "	reviewer = @carol" .threatgate &&
	grep -qx "	reviewer = dave@example.com" .threatgate &&
	rm -rf .threatgate templates &&
	expect_exit 0 threatgate init </dev/null &&
	expect_stdout_contains "no security reviewer set: any named sign-off counts" &&
	tg_doc_good | write_file docs/design/any.md &&
	expect_exit 0 threatgate check docs/design/any.md &&
	expect_stderr_contains "threatgate: no security reviewer is configured (threatgate.reviewer): any named sign-off counts"
'

test_expect_success 'superseded and withdrawn designs are not judged for freshness; the inventory shows the status' '
	git init -q retired &&
	cd retired &&
	tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2024-01-02/" \
		| write_file docs/design/old.md &&
	sed -e "s/^status: approved/status: superseded/" docs/design/old.md >docs/design/replaced.md &&
	sed -e "s/^status: approved/status: Withdrawn/" docs/design/old.md >docs/design/dropped.md &&
	git add . &&
	git commit -q -m designs &&
	expect_exit 0 threatgate check --all &&
	expect_stdout_contains "docs/design/old.md:" &&
	expect_stdout_contains "[stale-threat-model]" &&
	expect_stdout_lacks "replaced.md" &&
	expect_stdout_lacks "dropped.md" &&
	expect_exit 0 threatgate scan &&
	expect_stdout_matches "^stale +docs/design/old\.md +approved " &&
	expect_stdout_matches "^ok +docs/design/replaced\.md +superseded " &&
	expect_stdout_matches "^ok +docs/design/dropped\.md +withdrawn " &&
	expect_exit 0 threatgate scan --format json &&
	jq -e "[.documents[] | select(.path == \"docs/design/replaced.md\") | .status, .stale] == [\"superseded\", false]" "$TG_LAST_STDOUT"
'

test_done
