#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='output that reads well at scale

A push of many failing documents: the hook groups findings by document
and stops at --max-findings with "and N more in M documents"; the PR
comment lists failing documents first; --format github annotates a few
findings per rule and document and writes the rest as log lines, all of
them in the job summary; plurals; init then check gives no glob advice;
--verbose says what was read and why; SARIF rules carry
security-severity, helpUri and the security tag.'

. "$(dirname "$0")/lib.sh"

# many N: N failing documents (a threat without priority) and 3 passing.
many() {
	local i
	mkdir -p docs/design &&
	for i in $(seq -w 1 "$1"); do
		tg_doc_bad >"docs/design/f$i.md" || return 1
	done &&
	for i in 1 2 3; do
		tg_doc_good >"docs/design/a-pass$i.md" || return 1
	done
}

test_expect_success 'set up a server and a clone with 40 failing documents to push' '
	make_server server.git &&
	git clone -q server.git work 2>/dev/null &&
	cd work &&
	echo "# readme" >README.md && git add . && git commit -q -m init &&
	git push -q origin HEAD:main &&
	many 40 &&
	git add . && git commit -q -m "forty designs"
'

test_expect_success 'the pre-receive hook: grouped by document, 25 shown, then how many more' '
	cd work &&
	test_must_fail git push origin HEAD:main 2>../push.err &&
	grep "^remote: " ../push.err | sed -e "s/^remote: //" -e "s/[[:space:]]*\$//" >../hook.out &&
	grep -qx "docs/design/f01.md: 1 error" ../hook.out &&
	test "$(grep -c "^docs/design/f[0-9]*.md:[0-9]*:1: error: threat T2 has no priority" ../hook.out)" = 25 &&
	grep -q "^threatgate: \.\.\. and 15 more findings in 15 documents, not shown (--max-findings 0 shows them all)" ../hook.out &&
	grep -q "^threatgate: 40 errors, 0 warnings, 0 notes in 43 documents" ../hook.out
'

test_expect_success 'hook --max-findings: a smaller cap, and 0 for all' '
	cd work &&
	git update-ref refs/heads/base $(git rev-parse HEAD~1) &&
	z=0000000000000000000000000000000000000000 &&
	echo "refs/heads/main $(git rev-parse HEAD) refs/heads/main $(git rev-parse HEAD~1)" >updates &&
	{ threatgate hook pre-push origin ../server.git --max-findings 3 <updates 2>err3; test $? = 1; } &&
	grep -q "and 37 more findings in 37 documents" err3 &&
	{ threatgate hook pre-push origin ../server.git --max-findings 0 <updates 2>err0; test $? = 1; } &&
	test "$(grep -c ": error: " err0)" = 40 &&
	! grep -q "more findings in" err0 &&
	test_must_fail threatgate hook pre-push origin ../server.git --max-findings -1 <updates 2>bad &&
	grep -q "invalid --max-findings" bad
'

test_expect_success 'check text stays flat, one line per finding, unless capped' '
	cd work &&
	expect_exit 1 threatgate check --color never docs/design &&
	test "$(grep -c ": error: " "$TG_LAST_STDOUT")" = 40 &&
	! grep -qx "docs/design/f01.md: 1 error" "$TG_LAST_STDOUT" &&
	expect_exit 1 threatgate check --color never --max-findings 1 docs/design &&
	expect_stdout_contains "threatgate: ... and 39 more findings in 39 documents, not shown"
'

test_expect_success 'the PR comment: failing documents first, passing ones last' '
	cd work &&
	expect_exit 1 threatgate check --format markdown docs/design &&
	grep -n "^| " "$TG_LAST_STDOUT" | sed -n "2p;\$p" >rows &&
	head -n 1 rows | grep -q "f01.md" &&
	tail -n 1 rows | grep -q "a-pass3.md" &&
	first_pass=$(grep -n "a-pass1.md" "$TG_LAST_STDOUT" | head -n 1 | cut -d: -f1) &&
	last_fail=$(grep -n "f40.md" "$TG_LAST_STDOUT" | head -n 1 | cut -d: -f1) &&
	test "$last_fail" -lt "$first_pass"
'

test_expect_success 'the PR comment: past 50 rows, "... and 1 more document" (a plural that fits)' '
	cd work &&
	many 50 && rm docs/design/a-pass2.md docs/design/a-pass3.md &&
	expect_exit 1 threatgate check --format markdown docs/design &&
	expect_stdout_contains "... and 1 more document." &&
	git checkout -q -- docs && git clean -q -fd docs
'

test_expect_success '--format github: at most 3 annotations of a rule in a document, 50 in all; every finding in the summary' '
	mkdir -p one/docs/design &&
	tg_doc_good | sed -e "s/| P[2-4] |/| |/" >one/docs/design/x.md &&
	(cd one && git init -q && GITHUB_STEP_SUMMARY=$TRASH_DIRECTORY/summary.md \
		threatgate check --format github docs/design >../gh.out) || test $? = 1 &&
	test "$(grep -c "^::error .*threat-missing-priority" gh.out)" = 3 &&
	test "$(grep -c "^docs/design/x.md:[0-9]*:1: error: .*\[threat-missing-priority\]" gh.out)" = 3 &&
	grep -q "^threatgate: 3 of 6 findings shown as annotations" gh.out &&
	test "$(grep -c "threat-missing-priority" summary.md)" -ge 6 &&
	{ (cd work && threatgate check --format github docs/design >../gh40.out) || test $? = 1; } &&
	test "$(grep -c "^::error " gh40.out)" = 40 &&
	(cd work && for i in $(seq 41 60); do tg_doc_bad >docs/design/g$i.md || exit 1; done) &&
	{ (cd work && threatgate check --format github docs/design >../gh60.out) || test $? = 1; } &&
	rm work/docs/design/g*.md &&
	test "$(grep -c "^::error " gh60.out)" = 50 &&
	test "$(grep -c "^docs/design/.*: error: " gh60.out)" = 10 &&
	grep -q "^threatgate: 50 of 60 findings shown as annotations" gh60.out
'

test_expect_success 'plurals: 1 design document, 1 document' '
	mkdir -p single/docs/design && tg_doc_good >single/docs/design/a.md &&
	(cd single && git init -q && git add . && git commit -q -m one &&
	 threatgate check --format markdown docs/design >../single.md &&
	 threatgate scan --format markdown >../scan.md) &&
	grep -q "1 design document[^s]" single.md &&
	! grep -q "1 design documents" single.md scan.md &&
	! grep -q "1 documents" single.md scan.md
'

test_expect_success 'after threatgate init, check advises no glob for templates/' '
	mkdir fresh && cd fresh && git init -q &&
	threatgate init >/dev/null &&
	expect_exit 0 threatgate check &&
	expect_stdout_lacks "templates/**/*.md" &&
	expect_stdout_lacks "no-documents" &&
	mkdir notes && echo "# n" >notes/a.md &&
	expect_exit 0 threatgate check &&
	expect_stdout_contains "notes/**/*.md"
'

test_expect_success '--verbose: the policy read, the globs, and why each path was taken' '
	cd fresh &&
	expect_exit 0 threatgate check --verbose &&
	expect_stderr_contains "threatgate: verbose: policy: $TRASH_DIRECTORY/fresh/.threatgate (the work tree'"'"'s)" &&
	expect_stderr_contains "threatgate: verbose: document glob: docs/design/**/*.md" &&
	expect_stderr_contains "threatgate: verbose: notes/a.md: not a design document" &&
	mkdir -p docs/design && tg_doc_good >docs/design/a.md &&
	expect_exit 0 threatgate check --verbose &&
	expect_stderr_contains "docs/design/a.md: a design document: it matches '"'"'docs/design/**/*.md'"'"'" &&
	expect_exit 1 threatgate check --verbose notes/a.md &&
	expect_stderr_contains "notes/a.md: checked as a design document: it was named on the command line" &&
	git add . && git commit -q -m d &&
	expect_exit 0 threatgate check --verbose --all --policy-rev HEAD &&
	expect_stderr_contains "policy: .threatgate at HEAD ($(git rev-parse HEAD), --policy-rev)" &&
	expect_stderr_contains "docs/design/a.md: a design document" &&
	expect_exit 0 threatgate check docs/design/a.md &&
	expect_stderr_lacks "verbose"
'

test_expect_success 'SARIF rules: security-severity, helpUri to the rule page, the security tag' '
	cd work &&
	expect_exit 1 threatgate check --format sarif docs/design &&
	jq -e "[.runs[0].tool.driver.rules[] | .properties[\"security-severity\"] | tonumber | select(. > 0 and . <= 10)] | length == (input.runs[0].tool.driver.rules | length)" \
		"$TG_LAST_STDOUT" "$TG_LAST_STDOUT" &&
	jq -e "all(.runs[0].tool.driver.rules[]; .properties.tags | index(\"security\"))" "$TG_LAST_STDOUT" &&
	jq -r ".runs[0].tool.driver.rules[] | .id + \" \" + .helpUri" "$TG_LAST_STDOUT" >uris &&
	while read -r id uri; do
		case "$uri" in https://*/docs/rules/"$id".md) ;; *) echo "bad helpUri: $id $uri"; exit 1 ;; esac
		test -f "$SOURCE_DIRECTORY/docs/rules/$id.md" || { echo "no page for $id"; exit 1; }
	done <uris &&
	jq -e ".runs[0].tool.driver.rules[] | select(.id == \"signoff-required\") | .properties[\"security-severity\"] == \"8.0\"" "$TG_LAST_STDOUT"
'

test_done
