#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='signoff-unauthorized by blame (threatgate.verifySignoffAuthor)

With threatgate.verifySignoffAuthor, the commit that added a sign-off line
must be authored by the reviewer it names, so nobody ticks the box for a
reviewer. Checked in --range (blame at the tip), --staged (lines not yet
committed are the author'"'"'s to be: GIT_AUTHOR_EMAIL, else user.email) and the
pre-receive hook, where the policy is the server'"'"'s.'

. "$(dirname "$0")/lib.sh"

# The sign-off names Alice; the policy knows her handle and her email.
signoff_line='- [x] Security review: @alice (2026-11-01)'

test_expect_success 'set up: a policy that verifies sign-off authors, a doc without a sign-off' '
	git init -q repo &&
	cd repo &&
	cat >.threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice <alice@example.com>
		verifySignoffAuthor = true
	EOF
	tg_doc_good | sed -e "/^- \[x\] Security review/d" | write_file docs/design/rotation.md &&
	git add . &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "design" &&
	git tag base
'

test_expect_success 'a sign-off line added by someone else than the reviewer: exit 1, naming the author' '
	cd repo &&
	echo "$signoff_line" >>docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Bob GIT_AUTHOR_EMAIL=bob@example.com git commit -q -m "sign off for alice" &&
	line=$(tg_line docs/design/rotation.md "^- \[x\] Security review") &&
	expect_exit 1 threatgate check --range base..HEAD &&
	expect_stdout_matches "^docs/design/rotation\.md:$line:1: error: .*added by a commit authored by <bob@example\.com>.*\[signoff-unauthorized\]$"
'

test_expect_success 'the same line added by the reviewer herself: exit 0' '
	cd repo &&
	git reset -q --hard base &&
	echo "$signoff_line" >>docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com git commit -q -m "security review" &&
	expect_exit 0 threatgate check --range base..HEAD &&
	expect_stdout_lacks "signoff-unauthorized"
'

test_expect_success 'a later edit by someone else elsewhere in the doc keeps the reviewer as the line'"'"'s author' '
	cd repo &&
	sed -e "s/^logging anyone out\.$/logging anyone out, ever./" docs/design/rotation.md >tmp &&
	mv tmp docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Bob GIT_AUTHOR_EMAIL=bob@example.com git commit -q -a -m "wording" &&
	expect_exit 0 threatgate check --range base..HEAD
'

test_expect_success '--staged: a sign-off line not yet committed is the committer'"'"'s' '
	cd repo &&
	git reset -q --hard base &&
	echo "$signoff_line" >>docs/design/rotation.md &&
	git add docs/design/rotation.md &&
	GIT_AUTHOR_EMAIL=bob@example.com expect_exit 1 threatgate check --staged &&
	expect_stdout_contains "authored by <bob@example.com>" &&
	GIT_AUTHOR_EMAIL=alice@example.com expect_exit 0 threatgate check --staged &&
	git reset -q --hard base
'

test_expect_success 'pre-receive: a push of a sign-off ticked by someone else is rejected' '
	make_server server.git &&
	git -C server.git config threatgate.signoff never &&
	cd repo &&
	git push -q ../server.git base:refs/heads/main &&
	echo "$signoff_line" >>docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Bob GIT_AUTHOR_EMAIL=bob@example.com git commit -q -a -m "tick" &&
	test_must_fail git push ../server.git HEAD:refs/heads/main 2>err &&
	grep "remote: docs/design/rotation.md:[0-9]*:1: error: .*bob@example.com.*\[signoff-unauthorized\]" err &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse base)"
'

test_done
