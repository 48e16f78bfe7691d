#!/bin/bash
test_description='pre-receive: out of time in a rule that cannot block

covered-code-changed asks every design at the pushed tip whether it
covers a changed path. On the server, 6,000 stale designs cover 401 globs
each and a push brings 1,000 code files: 2.4 billion glob matches, about
45 s of work on a fast core, against a 2 s budget (threatgate.timeout; 10 s under TG_WRAP) that the
rest of the check needs a small part of, even under valgrind.
The clock runs out inside the rule on any machine, every run.

The rule is a warning: the push is judged on the rest and accepted, with
a note that says so; a bad design in the same push is still refused.
Raised to an error (rule.covered-code-changed.severity in the policy, or
threatgate.failOn = warning), the same push is refused: the budget never
fails open on a rule that could block.'

. "$(dirname "$0")/lib.sh"

DESIGNS=6000
FILES=1000
# Under a wrapper (valgrind: ~20 times slower) the rest of the check
# takes about 1.5 s; the rule would still take many minutes.
BUDGET=2
[ -z "${TG_WRAP:-}" ] || BUDGET=10

# The seed: DESIGNS copies of one stale design that covers 400 globs no
# path matches, then src/** (so every changed path tries every glob).
# $1: the work repository; $2: a .threatgate to commit, or empty.
seed() {
	local globs blob i
	globs=$(for i in $(seq -w 1 400); do printf '"**/never-%s.h", ' "$i"; done) &&
	tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2020-01-02/" \
		-e "s|^covers: .*|covers: [${globs}src/**]|" >"$1.design" &&
	blob=$(git -C "$1" hash-object -w "../$1.design") &&
	for i in $(seq -w 1 "$DESIGNS"); do
		printf "100644 %s\tdocs/design/d%s.md\n" "$blob" "$i"
	done | git -C "$1" update-index --index-info &&
	if [ -n "$2" ]; then
		printf "%s\n" "$2" >"$1/.threatgate" &&
		git -C "$1" add .threatgate
	fi &&
	git -C "$1" commit -q -m "$DESIGNS designs" &&
	mkdir -p "$1/src/pkg" &&
	for i in $(seq -w 1 "$FILES"); do
		echo "int f$i;" >"$1/src/pkg/f-$i.c"
	done &&
	git -C "$1" checkout -q -b code &&
	git -C "$1" add src &&
	git -C "$1" commit -q -m "$FILES code files"
}

# A server holding the seed's main, its hook installed after the seed.
# $1: the work repository; $2: the server.
serve() {
	git init -q --bare "$2" &&
	git -C "$1" push -q "../$2" main &&
	install_hook "$2" pre-receive &&
	git -C "$2" config threatgate.timeout "$BUDGET"
}

test_expect_success 'set up: a server of 6,000 stale designs, a push of 1,000 code files' '
	git init -q work &&
	seed work "" &&
	serve work warn.git &&
	test "$(git -C work ls-tree -r --name-only main | wc -l)" -eq "$DESIGNS" &&
	test "$(git -C work diff --name-only main code | wc -l)" -eq "$FILES"
'

test_expect_success 'out of time in covered-code-changed (a warning): the push lands, with a note' '
	cd work &&
	expect_exit 0 git push ../warn.git code:main &&
	expect_stderr_contains "remote: threatgate: note: covered-code-changed was not evaluated: the time budget of ${BUDGET}s (threatgate.timeout) ran out" &&
	expect_stderr_contains "remote: threatgate: note: its findings are warnings here, which cannot block, so the rest decides; with rule.covered-code-changed.severity = error, running out of time refuses" &&
	expect_stderr_lacks "rejected" &&
	expect_stderr_lacks "time budget of ${BUDGET}s exhausted" &&
	expect_ref ../warn.git refs/heads/main "$(git rev-parse code)"
'

test_expect_success 'the same, with a bad design in the push: refused for the design, not for the clock' '
	cd work &&
	git checkout -q -b bad main &&
	git checkout -q code -- src &&
	mkdir -p docs/design &&
	tg_doc_good | sed -e "/^- \[x\] Security review/d" -e "s/^exposure: internal/exposure: internet/" >docs/design/login.md &&
	git add src docs/design/login.md &&
	git commit -q -m "code and a design without its sign-off" &&
	git -C ../warn.git update-ref refs/heads/main "$(git rev-parse main)" &&
	expect_exit 1 git push ../warn.git bad:main &&
	expect_stderr_contains "remote: docs/design/login.md" &&
	expect_stderr_matches "remote: docs/design/login.md:[0-9]+:[0-9]+: error: .*\[signoff-required\]" &&
	expect_stderr_contains "remote: threatgate: note: covered-code-changed was not evaluated" &&
	expect_stderr_contains "remote: threatgate: push rejected: fix the design documents above" &&
	expect_ref ../warn.git refs/heads/main "$(git rev-parse main)"
'

test_expect_success 'threatgate.failOn = warning on the server: the same code push is refused for the clock' '
	git -C warn.git config threatgate.failOn warning &&
	git -C warn.git update-ref refs/heads/main "$(git -C work rev-parse main)" &&
	cd work &&
	expect_exit 1 git push ../warn.git code:main &&
	expect_stderr_contains "remote: threatgate: time budget of ${BUDGET}s (threatgate.timeout) exhausted in covered-code-changed, which can block here (warning, threatgate.failOn warning): not checked whether the change touches code a design covers" &&
	expect_stderr_contains "remote: threatgate: push rejected: it could not be checked within the limits" &&
	expect_stderr_lacks "not evaluated" &&
	expect_ref ../warn.git refs/heads/main "$(git rev-parse main)"
'

test_expect_success 'rule.covered-code-changed.severity = error in the policy: the same push is refused' '
	git init -q strict &&
	seed strict "$(printf "[rule \"covered-code-changed\"]\n\tseverity = error")" &&
	serve strict strict.git &&
	cd strict &&
	expect_exit 1 git push ../strict.git code:main &&
	expect_stderr_contains "remote: threatgate: time budget of ${BUDGET}s (threatgate.timeout) exhausted in covered-code-changed, which can block here (error, threatgate.failOn error): not checked whether the change touches code a design covers" &&
	expect_stderr_contains "remote: threatgate: push rejected: it could not be checked within the limits" &&
	expect_stderr_lacks "not evaluated" &&
	expect_ref ../strict.git refs/heads/main "$(git rev-parse main)"
'

test_done
