#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='the pre-receive hook against someone trying to get past it

A server built with install.sh --server, main seeded with the policy a
security team would set (reviewer, verifySignoffAuthor, allowInlineDisable
= false, failOpen = false) and a signed design. Each test is one attack
class of issue 10, pushed as the attacker through a clean environment (as
over ssh: env -i PATH=... git-receive-pack): the push is refused with its
reason, and the bad content is not reachable from main. The same
legitimate pushes still land.'

. "$(dirname "$0")/lib.sh"

INSTALL="$SOURCE_DIRECTORY/install.sh"
# The server side sees only PATH (and the pusher where a test says so).
RP="env -i PATH=$PATH THREATGATE_TODAY=$THREATGATE_TODAY git-receive-pack"
export RP

# push_as [VAR=VALUE...] -- ARGS: git push through a clean server environment.
push_as() {
	local env=
	while [ "$1" != -- ]; do
		env="$env $1"
		shift
	done
	shift
	git push --receive-pack="env -i PATH=$PATH THREATGATE_TODAY=$THREATGATE_TODAY$env git-receive-pack" "$@"
}

# The bad design: an internet-facing login storing personal data, a P1
# threat without mitigation, no sign-off.
attack_doc() {
	tg_doc_good | sed \
		-e 's/^title: .*/title: Customer login/' \
		-e 's/^exposure: internal/exposure: internet/' \
		-e 's/^data-classification: .*/data-classification: [pii]/' \
		-e 's/^Rotate the signing key.*/An internet-facing login that stores email addresses and passwords./' \
		-e 's/^| T1 | Token signed with a stolen retired key | Spoofing | P2 | Retired keys are destroyed after one overlap window | mitigated |/| T1 | Credential stuffing against the login | Spoofing | P1 | | open |/' \
		-e '/^- \[x\] Security review/d'
}

# not_on_main COMMIT: the commit is not reachable from the server's main.
not_on_main() {
	! git -C "$TRASH_DIRECTORY/server.git" merge-base --is-ancestor "$1" refs/heads/main
}

test_expect_success 'set up: install.sh --server, main with a strict policy and a signed design' '
	git init -q --bare server.git &&
	expect_exit 0 "$INSTALL" --server server.git &&
	git init -q seed &&
	cd seed &&
	cat >.threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice <alice@example.com>
		verifySignoffAuthor = true
		allowInlineDisable = false
		failOpen = false
	EOF
	tg_doc_good | write_file docs/design/rotation.md &&
	echo "# project" >README.md &&
	git add . &&
	GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com git commit -q -m "policy and a signed design" &&
	expect_exit 0 push_as -- ../server.git main &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)" &&
	cd .. &&
	git clone -q server.git attacker &&
	attack_doc >attacker/docs/design/login.md &&
	git -C attacker add docs/design/login.md &&
	GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com git -C attacker commit -q -m "login design" &&
	git -C attacker tag A
'

test_expect_success 'the bad design pushed straight to main is refused' '
	cd attacker &&
	expect_exit 1 push_as -- origin A:main &&
	expect_stderr_contains "remote: docs/design/login.md:" &&
	expect_stderr_contains "[threat-missing-mitigation]" &&
	expect_stderr_contains "pre-receive hook declined" &&
	not_on_main A
'

test_expect_success 'class 1: A then a fixed B on a topic branch are reported there, not enforced' '
	cd attacker &&
	git checkout -q -b topic A &&
	expect_exit 0 push_as -- origin topic &&
	expect_stderr_contains "remote: docs/design/login.md:" &&
	expect_stderr_contains "not enforced on refs/heads/topic" &&
	git rm -q docs/design/login.md &&
	git commit -q -m "drop the login design for now" &&
	git tag B &&
	expect_exit 0 push_as -- origin topic &&
	expect_ref ../server.git refs/heads/topic "$(git rev-parse B)"
'

test_expect_success 'class 1: git push origin A:main (the server holds A on no ref now, but did): refused' '
	cd attacker &&
	expect_exit 1 push_as -- origin A:main &&
	expect_stderr_contains "remote: docs/design/login.md:" &&
	not_on_main A
'

test_expect_success 'class 1: A pushed as a new branch first, then that branch to main: refused' '
	cd attacker &&
	expect_exit 0 push_as -- origin A:refs/heads/copy &&
	expect_ref ../server.git refs/heads/copy "$(git rev-parse A)" &&
	# the server holds A on refs/heads/copy: that does not make it checked
	expect_exit 1 push_as -- origin A:main &&
	expect_stderr_contains "remote: docs/design/login.md:" &&
	expect_stderr_contains "[threat-missing-mitigation]" &&
	not_on_main A
'

test_expect_success 'class 1: a README-only commit on top of A, pushed to main: refused' '
	cd attacker &&
	git checkout -q -b readme A &&
	echo "more words" >>README.md &&
	git commit -q -a -m "README only" &&
	expect_exit 1 push_as -- origin readme:main &&
	expect_stderr_contains "remote: docs/design/login.md:" &&
	not_on_main A
'

test_expect_success 'class 1: +A:main, a rewrite of main to the bad commit: refused' '
	cd attacker &&
	expect_exit 1 push_as -- origin +A:main &&
	expect_stderr_contains "remote: docs/design/login.md:" &&
	not_on_main A
'

test_expect_success 'class 1: a rewind of main to a commit with the bad doc: refused' '
	cd seed &&
	git pull -q ../server.git main &&
	attack_doc >docs/design/login.md &&
	git add docs/design/login.md &&
	git commit -q -m "bad login design" &&
	git tag R-bad &&
	git rm -q docs/design/login.md &&
	git commit -q -m "removed again" &&
	git push -q --receive-pack="$RP" ../server.git main:refs/heads/legit 2>/dev/null &&
	git -C ../server.git update-ref refs/heads/main "$(git rev-parse HEAD)" &&
	expect_exit 1 push_as -- ../server.git +R-bad:main &&
	expect_stderr_contains "remote: docs/design/login.md:" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'class 1: a branch that was on the server before the hook, fast-forwarding main: refused' '
	git init -q --bare old.git &&
	git -C seed push -q ../old.git R-bad~1:refs/heads/main &&
	git -C seed push -q ../old.git R-bad:refs/heads/legacy &&
	expect_exit 0 "$INSTALL" --server old.git &&
	cd seed &&
	# old.git holds R-bad as refs/heads/legacy, from before the hook
	expect_exit 1 push_as -- ../old.git R-bad:main &&
	expect_stderr_contains "remote: docs/design/login.md:" &&
	expect_ref ../old.git refs/heads/main "$(git rev-parse R-bad~1)"
'

test_expect_success 'legitimate: a good design, on a topic branch and then on main, lands' '
	cd attacker &&
	git fetch -q origin &&
	git checkout -q -b good origin/main &&
	tg_doc_good | sed -e "s/^title: .*/title: Key rotation, part two/" \
		-e "/^- \[x\] Security review/d" | write_file docs/design/rotation-2.md &&
	git add docs/design/rotation-2.md &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "part two" &&
	echo "- [x] Security review: @alice (2026-11-01)" >>docs/design/rotation-2.md &&
	GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com git commit -q -a -m "security review" &&
	expect_exit 0 push_as -- origin good &&
	expect_exit 0 push_as -- origin good:main &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse good)"
'

test_done
