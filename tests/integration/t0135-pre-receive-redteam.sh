#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='the pre-receive hook against a second round of attacks

The server of t0130 (install.sh --server, main with a strict policy and a
signed design), this time knowing its pushers as a forge does
(threatgate.pusher names GL_USERNAME; sec-lead is the policy admin).
Each test is one attack beyond those of t0130, pushed as mallory through
a clean environment: refused with its reason, and the bad content not
reachable from main. The legitimate variants still land.'

. "$(dirname "$0")/lib.sh"

INSTALL="$SOURCE_DIRECTORY/install.sh"

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

# mal ARGS: mallory pushes (the forge authenticated her).
mal() {
	push_as GL_USERNAME=mallory -- "$@"
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

# mitigated_doc: the login design with T1 mitigated, still unsigned.
mitigated_doc() {
	attack_doc | sed -e 's/^| T1 | Credential stuffing against the login | Spoofing | P1 | | open |/| T1 | Credential stuffing against the login | Spoofing | P1 | Rate limits, breached-password check | mitigated |/'
}

# not_on_main COMMIT: the commit is not reachable from the server's main
# (as git on the server sees it: replace refs included).
# COMMIT is resolved here (the server does not know the attacker's names).
not_on_main() {
	local id
	id=$(git rev-parse --verify "$1^{commit}") &&
	! git -C "$TRASH_DIRECTORY/server.git" merge-base --is-ancestor "$id" refs/heads/main 2>/dev/null
}

# fresh BRANCH: in the attacker's clone, BRANCH at the server's main.
fresh() {
	git fetch -q origin &&
	git checkout -q -B "$1" origin/main
}

# mcommit ARGS: commit as mallory.
mcommit() {
	GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com git commit -q "$@"
}

# refused TEXT ARGS...: mallory's push is refused, stderr holds TEXT.
refused() {
	local text=$1
	shift
	expect_exit 1 mal "$@" &&
	expect_stderr_contains "$text" &&
	expect_stderr_contains "pre-receive hook declined"
}

test_expect_success 'set up: a server that knows its pushers, main with a strict policy and a signed design' '
	git init -q --bare server.git &&
	expect_exit 0 "$INSTALL" --server server.git &&
	git -C server.git config threatgate.pusher GL_USERNAME &&
	git -C server.git config threatgate.policyAdmin sec-lead &&
	# room for valgrind (TG_WRAP): the budget is not what this script tests
	git -C server.git config threatgate.timeout 600 &&
	git init -q seed &&
	cd seed &&
	cat >.threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice <alice@example.com>
		verifySignoffAuthor = true
		allowInlineDisable = false
		failOpen = false
	EOF
	tg_doc_good | sed -e "/^- \[x\] Security review/d" | write_file docs/design/rotation.md &&
	echo "# project" >README.md &&
	git add . &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "policy and a design" &&
	echo "- [x] Security review: @alice (2026-11-01)" >>docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com git commit -q -a -m "security review" &&
	expect_exit 0 push_as GL_USERNAME=alice -- ../server.git main &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)" &&
	cd .. &&
	git clone -q server.git attacker &&
	cd attacker &&
	attack_doc >docs/design/login.md &&
	git add docs/design/login.md &&
	mcommit -m "login design" &&
	git tag A &&
	expect_exit 1 mal origin A:main &&
	expect_stderr_contains "[threat-missing-mitigation]"
'


# not_on_main_by_name COMMIT: neither main's history nor what git shows
# for the name "main" on the server holds COMMIT or the login design.
main_shows_no_login() {
	! git -C "$TRASH_DIRECTORY/server.git" cat-file -e main:docs/design/login.md 2>/dev/null &&
	! git -C "$TRASH_DIRECTORY/server.git" archive main 2>/dev/null | tar -t 2>/dev/null | grep -q "docs/design/login.md"
}

test_expect_success 'replace ref of main'"'"'s tip (git log/archive main would show the bad commit): refused' '
	cd attacker &&
	main=$(git -C ../server.git rev-parse refs/heads/main) &&
	refused "refs/replace/$main is refused: a replace ref rewrites what every ref shows" origin "A:refs/replace/$main" &&
	expect_ref ../server.git "refs/replace/$main" none &&
	main_shows_no_login &&
	expect_ref ../server.git refs/heads/main "$main"
'

test_expect_success 'replace ref of a blob on main, and a graft (git replace --graft): refused' '
	cd attacker &&
	fresh repl &&
	good=$(git rev-parse HEAD:docs/design/rotation.md) &&
	evil=$(git rev-parse A:docs/design/login.md) &&
	git replace -f "$good" "$evil" &&
	refused "is refused: a replace ref" origin "refs/replace/$good" &&
	expect_ref ../server.git "refs/replace/$good" none &&
	git replace -d "$good" &&
	git replace --graft HEAD A &&
	main=$(git rev-parse HEAD) &&
	refused "is refused: a replace ref" origin "refs/replace/$main" &&
	expect_ref ../server.git "refs/replace/$main" none &&
	git replace -d "$main" &&
	not_on_main A
'

test_expect_success 'legitimate: a policy admin may push a replace ref' '
	cd attacker &&
	fresh repl2 &&
	echo "fix" >>README.md &&
	git commit -q -a -m "a better commit" &&
	old=$(git rev-parse HEAD~1) &&
	git replace -f "$old" HEAD &&
	expect_exit 0 push_as GL_USERNAME=sec-lead -- origin "refs/replace/$old" &&
	expect_ref ../server.git "refs/replace/$old" "$(git rev-parse HEAD)" &&
	git replace -d "$old" &&
	expect_exit 0 push_as GL_USERNAME=sec-lead -- origin ":refs/replace/$old"
'

test_expect_success 'a tag called main (git resolves main to refs/tags/main first), and refs/main: refused' '
	cd attacker &&
	refused "refs/tags/main is refused: it shadows the protected branch refs/heads/main" origin A:refs/tags/main &&
	expect_ref ../server.git refs/tags/main none &&
	refused "refs/main is refused: it shadows the protected branch refs/heads/main" origin A:refs/main &&
	expect_ref ../server.git refs/main none &&
	main_shows_no_login &&
	not_on_main A
'

test_expect_success 'legitimate: other tags, notes and review refs land (reported, not enforced)' '
	cd attacker &&
	expect_exit 0 mal origin A:refs/tags/v1.0 &&
	expect_ref ../server.git refs/tags/v1.0 "$(git rev-parse A)" &&
	expect_exit 0 mal origin A:refs/for/main &&
	expect_stderr_contains "not enforced on refs/for/main" &&
	expect_exit 0 mal origin A:refs/pull/1/head &&
	expect_exit 0 mal origin A:refs/notes/commits &&
	not_on_main A &&
	main_shows_no_login
'

test_expect_success 'deleting the policy branch (the server would fall back to the built-in defaults): refused' '
	git -C server.git config receive.denyDeleteCurrent warn &&
	cd attacker &&
	main=$(git -C ../server.git rev-parse refs/heads/main) &&
	refused "deleting refs/heads/main is refused: it is the policy branch" origin :main &&
	expect_ref ../server.git refs/heads/main "$main" &&
	# the attack it stops: main gone, an orphan main self-signed lands
	git checkout -q --orphan orphan &&
	git rm -q -r -f --cached . >/dev/null &&
	rm -rf docs .threatgate README.md &&
	mitigated_doc | write_file docs/design/login.md &&
	echo "- [x] Security review: @mallory (2026-11-20)" >>docs/design/login.md &&
	git add docs &&
	GIT_AUTHOR_NAME=Eve GIT_AUTHOR_EMAIL=eve@example.com git commit -q -m "orphan" &&
	refused "[signoff-" origin +orphan:main &&
	not_on_main orphan &&
	git -C ../server.git config --unset receive.denyDeleteCurrent
'

test_expect_success 'legitimate: deleting another branch, and a policy admin deleting nothing special, still work' '
	cd attacker &&
	expect_exit 0 mal origin A:refs/heads/scratch &&
	expect_exit 0 mal origin :scratch &&
	expect_ref ../server.git refs/heads/scratch none
'

test_expect_success 'set up: a second reviewer, added by the policy admin' '
	cd attacker &&
	fresh bob &&
	sed -e "s/^\(\t*\)reviewer = @alice <alice@example.com>\$/&\n\1reviewer = @bob <bob@example.com>/" .threatgate >tmp &&
	mv tmp .threatgate &&
	grep -q "@bob" .threatgate &&
	git commit -q -a -m "bob reviews too" &&
	expect_exit 0 push_as GL_USERNAME=sec-lead -- origin bob:main
'

# as_login FILE: the signed rotation design turned into the login design,
# P1 accepted with the reviewer named as its approver, the sign-off kept.
as_login() {
	sed -e "s/^title: .*/title: Customer login/" \
		-e "s/^exposure: internal/exposure: internet/" \
		-e "s/^data-classification: .*/data-classification: [pii]/" \
		-e "s/^Rotate the signing key.*/An internet-facing login that stores email addresses and passwords./" \
		-e "s/^| ID | Threat | STRIDE | Priority | Mitigation | Status |\$/| ID | Threat | STRIDE | Priority | Mitigation | Status | Approver |/" \
		-e "s/^|---|---|---|---|---|---|\$/|---|---|---|---|---|---|---|/" \
		-e "s/^\(| T[0-9].*|\)\$/\1 |/" \
		-e "s/^| T1 | Token signed with a stolen retired key | Spoofing | P2 | Retired keys are destroyed after one overlap window | mitigated | |/| T1 | Credential stuffing against the login | Spoofing | P1 | | accepted | @alice |/" \
		"$1" >"$1.tmp" && mv "$1.tmp" "$1"
}

test_expect_success 'a signed design rewritten into the login design in a commit that says it is the other reviewer'"'"'s: refused' '
	cd attacker &&
	fresh forged &&
	as_login docs/design/rotation.md &&
	grep -q "| P1 | | accepted | @alice |" docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Bob GIT_AUTHOR_EMAIL=bob@example.com git commit -q -a -m "update" &&
	refused "by <bob@example.com>, a reviewer'"'"'s address on a commit that '"'"'mallory'"'"' pushed and that reviewer did not (threatgate.pusher), changed the Security section" origin forged:main &&
	expect_stderr_contains "[signoff-stale]" &&
	not_on_main forged
'

test_expect_success 'legitimate: the same commit, pushed by that reviewer, keeps the other reviewer'"'"'s sign-off' '
	cd attacker &&
	expect_exit 0 push_as GL_USERNAME=bob -- origin forged:main &&
	expect_stderr_lacks "signoff-stale" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse forged)" &&
	git -C ../server.git update-ref refs/heads/main "$(git rev-parse forged~1)"
'

test_expect_success 'a signed internal design made internet-facing with personal data, Security section untouched: refused' '
	cd attacker &&
	fresh escalate &&
	sed -e "s/^title: .*/title: Customer login/" \
		-e "s/^exposure: internal/exposure: internet/" \
		-e "s/^data-classification: .*/data-classification: [pii]/" \
		-e "s/^Rotate the signing key.*/An internet-facing login that stores email addresses and passwords./" \
		docs/design/rotation.md >tmp && mv tmp docs/design/rotation.md &&
	mcommit -a -m "scope" &&
	refused "changed the front matter'"'"'s exposure after it was given" origin escalate:main &&
	expect_stderr_contains "[signoff-stale]" &&
	not_on_main escalate &&
	fresh escalate2 &&
	sed -e "s/^data-classification: .*/data-classification:\n  - internal\n  - pii/" \
		docs/design/rotation.md >tmp && mv tmp docs/design/rotation.md &&
	grep -q "^  - pii" docs/design/rotation.md &&
	mcommit -a -m "one more class" &&
	refused "changed the front matter'"'"'s data-classification after it was given" origin escalate2:main &&
	not_on_main escalate2
'

test_expect_success 'a second Security section with an accepted P1 appended to a signed design: refused' '
	cd attacker &&
	fresh second &&
	cat >>docs/design/rotation.md <<-\EOF &&

	## Customer login

	The same service now also runs an internet-facing login that stores email addresses and passwords.

	## Security

	### Threat Model

	| ID | Threat | STRIDE | Priority | Mitigation | Status | Approver |
	|---|---|---|---|---|---|---|
	| T9 | Credential stuffing against the login | Spoofing | P1 | | accepted | @alice |
	EOF
	mcommit -a -m "the login part" &&
	refused "changed the threats outside the Security section after it was given" origin second:main &&
	expect_stderr_contains "[signoff-stale]" &&
	not_on_main second
'

test_expect_success 'legitimate: a non-reviewer changes status and participants: the sign-off still counts' '
	cd attacker &&
	fresh meta &&
	sed -e "s/^participants: .*/participants: [jane, omar, li, mallory]/" \
		-e "s/^status: approved/status: implemented/" \
		docs/design/rotation.md >tmp && mv tmp docs/design/rotation.md &&
	mcommit -a -m "meta" &&
	expect_exit 0 mal origin meta:main &&
	expect_stderr_lacks "signoff-stale" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse meta)"
'

test_expect_success 'push options do not change the verdict' '
	git -C server.git config receive.advertisePushOptions true &&
	cd attacker &&
	refused "[threat-missing-mitigation]" -o threatgate.skip -o ci.skip origin +A:main &&
	not_on_main A
'

test_expect_success 'a merge (first parent main) and an octopus whose other parent brings the bad doc: refused' '
	cd attacker &&
	fresh merge &&
	git merge -q --no-ff -m "merge" A &&
	refused "[threat-missing-mitigation]" origin merge:main &&
	not_on_main merge &&
	fresh side &&
	echo side >side.txt && git add side.txt && mcommit -m side &&
	fresh octo &&
	git merge -q --no-ff -m "octopus" side A &&
	test "$(git log -1 --format=%p | wc -w)" -eq 3 &&
	refused "[threat-missing-mitigation]" origin octo:main &&
	not_on_main octo
'

test_expect_success 'the bad doc added outside the design folder, then renamed (or copied) into it: refused' '
	cd attacker &&
	fresh renamed &&
	attack_doc | write_file notes/login.md &&
	git add notes && mcommit -m "notes" &&
	git mv notes/login.md docs/design/login.md && mcommit -m "move" &&
	refused "remote: docs/design/login.md:" origin renamed:main &&
	not_on_main renamed &&
	fresh copied &&
	attack_doc | write_file notes/login.md &&
	git add notes && mcommit -m "notes" &&
	cp notes/login.md docs/design/login.md && git add docs && mcommit -m "copy" &&
	refused "remote: docs/design/login.md:" origin copied:main &&
	not_on_main copied
'

test_expect_success 'encodings: UTF-16 with a BOM, a NUL byte, CRLF, a UTF-8 BOM, over the size limit: refused' '
	cd attacker &&
	for how in utf16 nul crlf bom big; do
		fresh enc &&
		case $how in
		utf16) attack_doc | iconv -f UTF-8 -t UTF-16 >docs/design/login.md ;;
		nul) { attack_doc | sed -n 1,20p; printf "\0\n"; attack_doc | sed -n "21,\$p"; } >docs/design/login.md ;;
		crlf) attack_doc | sed "s/\$/\r/" >docs/design/login.md ;;
		bom) { printf "\357\273\277"; attack_doc; } >docs/design/login.md ;;
		big) { attack_doc; head -c 1100000 /dev/zero | tr "\0" a | fold -w 100; } >docs/design/login.md ;;
		esac &&
		git add docs && mcommit -m "$how" &&
		refused "remote: docs/design/login.md:" origin enc:main &&
		not_on_main enc || return 1
	done
'

test_expect_success 'the design committed as a Git LFS pointer (the server never sees the text): refused' '
	cd attacker &&
	fresh lfs &&
	echo "*.md filter=lfs diff=lfs merge=lfs -text" >.gitattributes &&
	printf "version https://git-lfs.github.com/spec/v1\noid sha256:%064d\nsize 12345\n" 0 >docs/design/login.md &&
	git add . && mcommit -m "lfs" &&
	refused "remote: docs/design/login.md:" origin lfs:main &&
	not_on_main lfs
'

test_expect_success 'sign-offs forged through a review table, trailers, a comment, <details>, a code block, look-alike and email handles: refused' '
	cd attacker &&
	for how in table trailer comment details code cyrillic email addr case; do
		fresh forge &&
		mitigated_doc >docs/design/login.md &&
		case $how in
		table) printf "\n| Reviewer | Role | Decision | Date |\n|---|---|---|---|\n| @alice | Security | Approved | 2026-11-20 |\n" ;;
		trailer) : ;;
		comment) printf "\n<!-- - [x] Security review: @alice (2026-11-20) -->\n" ;;
		details) printf "\n<details><summary>review</summary>\n\n- [x] Security review: @alice (2026-11-20)\n\n</details>\n" ;;
		code) printf "\n\`\`\`\n- [x] Security review: @alice (2026-11-20)\n\`\`\`\n" ;;
		cyrillic) printf "\n- [x] Security review: @\320\260lice (2026-11-20)\n" ;;
		email) printf "\n- [x] Security review: @alice@example.com (2026-11-20)\n" ;;
		addr) printf "\n- [x] Security review: alice@example.com (2026-11-20)\n" ;;
		case) printf "\n- [x] Security review: @Alice (2026-11-20)\n" ;;
		esac >>docs/design/login.md &&
		git add docs &&
		GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com git commit -q -m "login" \
			-m "Reviewed-by: Alice <alice@example.com>" -m "Signed-off-by: Alice <alice@example.com>" &&
		refused "[signoff-" origin forge:main &&
		not_on_main forge || return 1
	done
'

test_expect_success 'the policy: waive-all exceptions, a baseline of the bad doc, include.path, a .threatgate in a subfolder' '
	cd attacker &&
	fresh waive &&
	printf "\texceptions = docs/exceptions.cfg\n" >>.threatgate &&
	printf "[exception \"X-1\"]\n\trule = *\n\tpath = **\n\tjustification = trust me\n\texpires = 2027-03-31\n" >docs/exceptions.cfg &&
	attack_doc >docs/design/login.md &&
	git add . && mcommit -m "waived" &&
	refused "[threat-missing-mitigation]" origin waive:main &&
	expect_stderr_contains "loosens the policy of refs/heads/main" &&
	not_on_main waive &&
	fresh baseline &&
	attack_doc >docs/design/login.md &&
	git add docs && mcommit -m "login" &&
	printf "\tbaseline = docs/baseline.md\n" >>.threatgate &&
	threatgate baseline -o docs/baseline.md >/dev/null 2>&1 &&
	grep -q threat-missing-mitigation docs/baseline.md &&
	git add . && mcommit -m "baseline" &&
	refused "the baseline waives a finding it did not" origin baseline:main &&
	not_on_main baseline &&
	fresh include &&
	printf "[threatgate]\n\tsignoff = never\n" >../loose.cfg &&
	printf "[include]\n\tpath = %s\n" "$TRASH_DIRECTORY/loose.cfg" >>.threatgate &&
	git commit -q -a -m "include" &&
	refused "includes are not supported" origin include:main &&
	expect_exit 1 push_as GL_USERNAME=sec-lead -- origin include:main &&
	not_on_main include &&
	fresh sub &&
	printf "[threatgate]\n\tsignoff = never\n[rule \"threat-missing-mitigation\"]\n\tseverity = off\n" >docs/design/.threatgate &&
	git add docs && mcommit -m "a folder policy" &&
	expect_exit 0 mal origin sub:main &&
	attack_doc >docs/design/login.md &&
	git add docs && mcommit -m "login" &&
	refused "[threat-missing-mitigation]" origin sub:main &&
	not_on_main sub
'

test_expect_success 'an explicit policy branch: loosening it and the bad doc on main in one push: neither lands' '
	main=$(git -C server.git rev-parse refs/heads/main) &&
	git -C server.git update-ref refs/heads/policy "$main" &&
	git -C server.git config threatgate.policyBranch policy &&
	cd attacker &&
	fresh pol &&
	printf "[rule \"threat-missing-mitigation\"]\n\tseverity = off\n[rule \"signoff-required\"]\n\tseverity = off\n" >>.threatgate &&
	mcommit -a -m "loose" &&
	fresh pmain &&
	attack_doc >docs/design/login.md &&
	git add docs && mcommit -m "login" &&
	refused "loosens the policy of refs/heads/policy" origin pol:policy pmain:main &&
	expect_stderr_contains "[threat-missing-mitigation]" &&
	expect_ref ../server.git refs/heads/policy "$main" &&
	not_on_main pmain &&
	git -C ../server.git config --unset threatgate.policyBranch &&
	git -C ../server.git update-ref -d refs/heads/policy
'

test_expect_success 'two pushes at once, the bad doc and a README change: the README lands, the doc does not' '
	cd attacker &&
	fresh race-doc &&
	attack_doc >docs/design/login.md &&
	git add docs && mcommit -m "login" &&
	fresh race-ok &&
	echo more >>README.md && mcommit -a -m "words" &&
	{
		( set +e; mal origin race-doc:main >p1.out 2>&1; echo $? >p1.rc ) &
		( set +e; mal origin race-ok:main >p2.out 2>&1; echo $? >p2.rc ) &
		wait
	} &&
	test "$(cat p1.rc)" -ne 0 &&
	grep -q "threat-missing-mitigation" p1.out &&
	test "$(cat p2.rc)" -eq 0 &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse race-ok)" &&
	not_on_main race-doc
'

test_done
