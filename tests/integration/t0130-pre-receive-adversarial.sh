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
# COMMIT is resolved here: the server does not know the attacker's names
# (given one, merge-base fails and the test would pass whatever happened).
not_on_main() {
	local id
	id=$(git rev-parse --verify "$1^{commit}") &&
	! git -C "$TRASH_DIRECTORY/server.git" merge-base --is-ancestor "$id" refs/heads/main 2>/dev/null
}

# with_mode MODE PATH: a commit on HEAD adding the bad doc at PATH (in an
# existing folder docs/design) with that raw tree mode, on branch "moded".
with_mode() {
	local blob design docs root
	blob=$(attack_doc | git hash-object -w --stdin) &&
	design=$( { git ls-tree HEAD:docs/design; printf "%s blob %s\t%s\n" "$1" "$blob" "$2"; } | git mktree) &&
	docs=$( { git ls-tree HEAD:docs | grep -v "	design\$"; printf "040000 tree %s\tdesign\n" "$design"; } | git mktree) &&
	root=$( { git ls-tree HEAD | grep -v "	docs\$"; printf "040000 tree %s\tdocs\n" "$docs"; } | git mktree) &&
	git branch -f moded "$(git commit-tree "$root" -p HEAD -m "mode $1")"
}

# refused_on_main BRANCH TEXT: the attacker's push of BRANCH to main is
# refused, stderr holds TEXT, and BRANCH's tip is not on main.
refused_on_main() {
	expect_exit 1 push_as -- origin "+$1:main" &&
	expect_stderr_contains "$2" &&
	expect_stderr_contains "pre-receive hook declined" &&
	not_on_main "$1"
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
	# the design is its DRI'"'"'s; the reviewer signs it in a commit of her own
	tg_doc_good | sed -e "/^- \[x\] Security review/d" | write_file docs/design/rotation.md &&
	echo "# project" >README.md &&
	git add . &&
	GIT_AUTHOR_NAME=Jane GIT_AUTHOR_EMAIL=jane@example.com git commit -q -m "policy and a design" &&
	echo "- [x] Security review: @alice (2026-11-01)" >>docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Alice GIT_AUTHOR_EMAIL=alice@example.com git commit -q -a -m "security review" &&
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

test_expect_success 'class 2: a push that loosens .threatgate (and adds the bad doc) is refused, naming what it loosens' '
	cd attacker &&
	git fetch -q origin &&
	git checkout -q -b loosen origin/main &&
	cat >.threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice <alice@example.com>
		reviewer = @mallory
		failOpen = true
		allowInlineDisable = true
	[rule "threat-missing-mitigation"]
		severity = off
	EOF
	git commit -q -a -m "tidy the policy" &&
	git tag L1 &&
	expect_exit 1 push_as -- origin loosen:main &&
	expect_stderr_contains "loosens the policy of refs/heads/main" &&
	expect_stderr_contains "the security reviewers changed" &&
	expect_stderr_contains "threatgate.failOpen turned on" &&
	expect_stderr_contains "threatgate.allowInlineDisable turned on" &&
	expect_stderr_contains "rule threat-missing-mitigation turned down from error to off" &&
	not_on_main L1 &&
	attack_doc >docs/design/login.md &&
	git add docs/design/login.md &&
	git commit -q -m "login" &&
	expect_exit 1 push_as -- origin loosen:main &&
	expect_stderr_contains "[threat-missing-mitigation]" &&
	not_on_main L1
'

test_expect_success 'class 2: .threatgate as a symlink to a file holding a loose policy is refused' '
	cd attacker &&
	git checkout -q -b symlink origin/main &&
	printf "[threatgate]\n\tsignoff = never\n" >loose.cfg &&
	git rm -q .threatgate &&
	ln -s loose.cfg .threatgate &&
	git add .threatgate loose.cfg &&
	git commit -q -m "policy by link" &&
	expect_exit 1 push_as -- origin symlink:main &&
	expect_stderr_contains ".threatgate" &&
	expect_stderr_contains "is a symbolic link" &&
	not_on_main symlink
'

test_expect_success 'class 2: a .threatgate that does not parse, or is a directory, is refused (it would refuse every later push)' '
	cd attacker &&
	git checkout -q -b broken origin/main &&
	printf "[threatgate\n\treviewer = \n" >.threatgate &&
	git commit -q -a -m "broken policy" &&
	expect_exit 1 push_as -- origin broken:main &&
	expect_stderr_contains "the policy pushed to refs/heads/main" &&
	expect_stderr_contains "is refused" &&
	not_on_main broken &&
	git checkout -q -b dir origin/main &&
	git rm -q .threatgate &&
	mkdir .threatgate &&
	echo "[threatgate]" >.threatgate/x &&
	git add .threatgate/x &&
	git commit -q -m "policy as a folder" &&
	expect_exit 1 push_as -- origin dir:main &&
	expect_stderr_contains "is a directory" &&
	not_on_main dir &&
	cd .. && git clone -q server.git later && cd later &&
	echo more >>README.md && git commit -q -a -m "a later push still works" &&
	expect_exit 0 push_as -- origin main
'

test_expect_success 'class 2: a policy admin, authenticated by the server, may loosen it' '
	git -C server.git config threatgate.pusher GL_USERNAME &&
	git -C server.git config threatgate.policyAdmin sec-lead &&
	cd attacker &&
	git fetch -q origin &&
	git checkout -q -b minage origin/main &&
	printf "\tmaxAge = 400\n" >>.threatgate &&
	git commit -q -a -m "a longer max age" &&
	expect_exit 1 push_as GL_USERNAME=mallory -- origin minage:main &&
	expect_stderr_contains "threatgate.maxAge raised from 270 to 400 days" &&
	expect_stderr_contains "this push is not by one" &&
	not_on_main minage &&
	expect_exit 0 push_as GL_USERNAME=sec-lead -- origin minage:main &&
	expect_ref server.git refs/heads/main "$(git rev-parse minage)" 2>/dev/null ||
	expect_ref ../server.git refs/heads/main "$(git rev-parse minage)"
'

test_expect_success 'class 2: keys pinned in the server git config win over the file, multi-valued ones too' '
	git -C server.git config threatgate.reviewer "@alice <alice@example.com>" &&
	cd attacker &&
	git fetch -q origin &&
	git checkout -q -b pinned origin/main &&
	sed -e "s/^\(\t*\)reviewer = .*/&\n\1reviewer = @mallory <mallory@example.com>/" .threatgate >tmp &&
	mv tmp .threatgate &&
	grep -q mallory .threatgate &&
	git commit -q -a -m "one more reviewer" &&
	expect_exit 0 push_as GL_USERNAME=sec-lead -- origin pinned:main &&
	attack_doc | sed -e "s/^| T1 | Credential stuffing against the login | Spoofing | P1 | | open |/| T1 | Credential stuffing against the login | Spoofing | P1 | Rate limits | mitigated |/" >docs/design/login.md &&
	echo "- [x] Security review: @mallory (2026-11-20)" >>docs/design/login.md &&
	git add docs/design/login.md &&
	GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com git commit -q -m "signed by me" &&
	expect_exit 1 push_as GL_USERNAME=mallory -- origin pinned:main &&
	expect_stderr_contains "not from a security reviewer" &&
	not_on_main pinned
'

test_expect_success 'class 2: two pushes racing, one loosening the policy, one with the bad doc: neither lands' '
	cd attacker &&
	git fetch -q origin &&
	git checkout -q -b race-policy origin/main &&
	printf "[rule \"threat-missing-mitigation\"]\n\tseverity = off\n" >>.threatgate &&
	git commit -q -a -m "relax" &&
	git checkout -q -b race-doc origin/main &&
	attack_doc >docs/design/login.md &&
	git add docs/design/login.md &&
	git commit -q -m "login" &&
	main=$(git -C ../server.git rev-parse main) &&
	{
		( set +e; push_as GL_USERNAME=mallory -- origin race-policy:main >p1.out 2>&1; echo $? >p1.rc ) &
		( set +e; push_as GL_USERNAME=mallory -- origin race-doc:main >p2.out 2>&1; echo $? >p2.rc ) &
		wait
	} &&
	test "$(cat p1.rc)" -ne 0 &&
	test "$(cat p2.rc)" -ne 0 &&
	grep -q "loosens the policy" p1.out &&
	grep -q "threat-missing-mitigation" p2.out &&
	expect_ref ../server.git refs/heads/main "$main" &&
	not_on_main race-doc
'

test_expect_success 'class 2: threatgate.lockPolicy: the in-repository file is not read at all' '
	git clone -q --bare server.git locked.git &&
	rm -f locked.git/hooks/pre-receive* &&
	expect_exit 0 "$INSTALL" --server locked.git &&
	git -C locked.git config threatgate.lockPolicy true &&
	git -C locked.git config threatgate.reviewer "@alice <alice@example.com>" &&
	cd attacker &&
	git fetch -q ../locked.git main &&
	git checkout -q -b lock FETCH_HEAD &&
	printf "[threatgate]\n\tsignoff = never\n[rule \"threat-missing-mitigation\"]\n\tseverity = off\n" >.threatgate &&
	git commit -q -a -m "loose file" &&
	expect_exit 0 push_as -- ../locked.git lock:main &&
	attack_doc >docs/design/login.md &&
	git add docs/design/login.md &&
	git commit -q -m "login" &&
	expect_exit 1 push_as -- ../locked.git lock:main &&
	expect_stderr_contains "[threat-missing-mitigation]" &&
	expect_stderr_contains "[signoff-required]" &&
	expect_ref ../locked.git refs/heads/main "$(git rev-parse lock~1)"
'

test_expect_success 'class 3: HEAD names master, the team pushes main: every push fails closed, saying how to fix it' '
	git init -q --bare --initial-branch=master guess.git &&
	expect_exit 0 "$INSTALL" --server guess.git &&
	cd seed &&
	expect_exit 0 push_as -- ../guess.git main &&
	git checkout -q -b later main &&
	echo x >>README.md &&
	git commit -q -a -m "a second push" &&
	expect_exit 1 push_as -- ../guess.git later:main &&
	expect_stderr_contains "HEAD names '"'"'refs/heads/master'"'"', which does not exist, while other branches do" &&
	expect_stderr_contains "git symbolic-ref HEAD refs/heads/main" &&
	expect_stderr_contains "threatgate.policyBranch" &&
	expect_ref ../guess.git refs/heads/main "$(git rev-parse main)"
'

test_expect_success 'class 3: an orphan master with a permissive .threatgate does not become the policy' '
	cd attacker &&
	git checkout -q --orphan orphan &&
	git rm -q -r --cached . >/dev/null &&
	rm -rf docs .threatgate README.md loose.cfg &&
	printf "[threatgate]\n\tsignoff = never\n[rule \"threat-missing-mitigation\"]\n\tseverity = off\n" >.threatgate &&
	git add .threatgate &&
	git commit -q -m "my own policy" &&
	expect_exit 1 push_as -- ../guess.git orphan:master &&
	expect_ref ../guess.git refs/heads/master none &&
	git -C ../guess.git config threatgate.policyBranch main &&
	expect_exit 0 push_as -- ../guess.git orphan:master &&
	expect_exit 1 push_as -- ../guess.git +A:main &&
	expect_stderr_contains "[threat-missing-mitigation]" &&
	expect_stderr_contains "judged by the policy of refs/heads/main"
'

test_expect_success 'class 4: a design doc with tree mode 100664 or 100600 (git reads a file) is checked' '
	cd attacker &&
	git fetch -q origin &&
	git checkout -q -B hide origin/main &&
	with_mode 100664 login.md &&
	# ls-tree shows 100644; the tree itself says 100664
	git cat-file tree moded:docs/design | grep -aq "100664 login.md" &&
	refused_on_main moded "[threat-missing-mitigation]" &&
	with_mode 100600 login.md &&
	refused_on_main moded "[threat-missing-mitigation]"
'

test_expect_success 'class 4: Docs/Design/x.md, x.MD and x.markdown are design documents' '
	cd attacker &&
	for p in Docs/Design/login.md docs/design/login.MD docs/design/login.markdown docs/design/login.mdown; do
		git checkout -q -B hide origin/main &&
		attack_doc | write_file "$p" &&
		git add "$p" &&
		git commit -q -m "hide as $p" &&
		refused_on_main hide "[threat-missing-mitigation]" || return 1
	done
'

test_expect_success 'class 4: a look-alike design folder, or a name ending in a dot or a space: hidden-document' '
	cd attacker &&
	for p in "docs/d$(printf "\320\265")sign/login.md" "docs/design/login.md." "docs/design /login.md" "docs/desig$(printf "\342\200\213")n/login.md"; do
		git checkout -q -B hide origin/main &&
		attack_doc | write_file "$p" &&
		git add "$p" &&
		git commit -q -m "hide" &&
		refused_on_main hide "[hidden-document]" || return 1
	done
'

test_expect_success 'class 4: a symlinked design doc, a symlinked design folder, a submodule at a design path: hidden-document' '
	cd attacker &&
	git checkout -q -B hide origin/main &&
	attack_doc | write_file elsewhere/login.md &&
	ln -s ../../elsewhere/login.md docs/design/login.md &&
	git add elsewhere docs/design/login.md &&
	git commit -q -m "a link" &&
	refused_on_main hide "is a symbolic link" &&
	git checkout -q -B hide origin/main &&
	attack_doc | write_file elsewhere/login.md &&
	ln -s ../../elsewhere docs/design/team &&
	git add elsewhere docs/design/team &&
	git commit -q -m "a linked folder" &&
	refused_on_main hide "[hidden-document]" &&
	git checkout -q -B hide origin/main &&
	with_mode 160000 login.md 2>/dev/null || {
		git update-index --add --cacheinfo "160000,$(git rev-parse HEAD),docs/design/login.md" &&
		git commit -q -m "a submodule" &&
		git branch -f moded HEAD
	} &&
	refused_on_main moded "is a submodule"
'

test_expect_success 'class 5: set up a server that does not know its pushers (the author check is all there is)' '
	git clone -q --bare server.git plain.git &&
	rm -f plain.git/hooks/pre-receive* &&
	expect_exit 0 "$INSTALL" --server plain.git &&
	# a bare clone takes no config: the reviewer is pinned again, no pusher
	git -C plain.git config threatgate.reviewer "@alice <alice@example.com>" &&
	git clone -q plain.git mallory
'

test_expect_success 'class 5: two bare CRs do not hide who added a sign-off line' '
	cd mallory &&
	git checkout -q -b crs origin/main &&
	attack_doc | sed -e "s/^| T1 | Credential stuffing against the login | Spoofing | P1 | | open |/| T1 | Credential stuffing against the login | Spoofing | P1 | Rate limits | mitigated |/" \
		-e "s/^logging anyone out\.\$/logging/" >docs/design/login.md &&
	printf "one\rtwo\rthree\n\n- [x] Security review: @alice (2026-11-20)\n" >>docs/design/login.md &&
	test "$(tr -cd "\r" <docs/design/login.md | wc -c)" -eq 2 &&
	git add docs/design/login.md &&
	GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com git commit -q -m "signed, with CRs" &&
	expect_exit 1 push_as -- origin crs:main &&
	line=$(tg_line docs/design/login.md "^- \[x\] Security review") &&
	expect_stderr_matches "^remote: docs/design/login\.md:$line:1: error: .*authored by <mallory@example\.com>.*\[signoff-unauthorized\]" &&
	! git -C ../plain.git merge-base --is-ancestor "$(git rev-parse crs)" main
'

test_expect_success 'class 5: a sign-off stops counting when someone else rewrites the threat model (P1 to P5, we trust the network)' '
	cd mallory &&
	git checkout -q -b rewrite origin/main &&
	sed -e "s/^| T1 | Token signed with a stolen retired key | Spoofing | P2 |/| T1 | Token signed with a stolen retired key | Spoofing | P5 |/" \
		-e "s/^| T4 | Key material written to logs | Information disclosure | P2 | Key type has no string form; log scrubber |/| T4 | Key material written to logs | Information disclosure | P2 | We trust the network |/" \
		docs/design/rotation.md >tmp && mv tmp docs/design/rotation.md &&
	grep -q "P5 |" docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com git commit -q -a -m "simplify the threat model" &&
	expect_exit 1 push_as -- origin rewrite:main &&
	expect_stderr_matches "error: this sign-off no longer counts: commit $(git rev-parse --short=12 HEAD) by <mallory@example\.com>.*\[signoff-stale\]" &&
	! git -C ../plain.git merge-base --is-ancestor "$(git rev-parse rewrite)" main
'

test_expect_success 'legitimate: someone else changes the design outside its Security section: the sign-off still counts' '
	cd mallory &&
	git checkout -q -b reviewed origin/main &&
	sed -e "s/^logging anyone out\.\$/logging anyone out, ever./" \
		docs/design/rotation.md >tmp && mv tmp docs/design/rotation.md &&
	GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com git commit -q -a -m "wording" &&
	expect_exit 0 push_as -- origin reviewed:main &&
	expect_stderr_lacks "signoff-stale" &&
	expect_ref ../plain.git refs/heads/main "$(git rev-parse reviewed)"
'

test_expect_success 'class 5: a sign-off does not follow a rename into another design' '
	cd mallory &&
	git fetch -q origin &&
	git checkout -q -b renamed origin/main &&
	git mv docs/design/rotation.md docs/design/login.md &&
	sed -e "s/^title: .*/title: Customer login/" \
		-e "s/^| T1 | Token signed with a stolen retired key | Spoofing | P2 | Retired keys are destroyed after one overlap window |/| T1 | Credential stuffing against the login | Spoofing | P2 | Rate limits |/" \
		docs/design/login.md >tmp && mv tmp docs/design/login.md &&
	GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com git commit -q -a -m "the login design, from the rotation one" &&
	expect_exit 1 push_as -- origin renamed:main &&
	expect_stderr_matches "docs/design/login\.md:[0-9]+:1: error: .*\[signoff-(stale|unauthorized)\]" &&
	! git -C ../plain.git merge-base --is-ancestor "$(git rev-parse renamed)" main
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
	# the server knows its pushers (threatgate.pusher): the reviewer pushes
	expect_exit 0 push_as GL_USERNAME=alice -- origin good &&
	expect_exit 0 push_as GL_USERNAME=alice -- origin good:main &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse good)"
'

test_done
