#!/bin/bash
test_description='rolling out on a repository with 400 legacy designs: the baseline

A repository of 400 design documents, each with two legacy findings (a
threat without priority, too few participants), is baselined with
`threatgate baseline`. A typo fix in a legacy document then passes on every
hook (pre-commit, pre-push, pre-receive) and in check --range; a new
finding in the same document blocks everywhere, the server reading the
baseline from its own default branch, never from the push; a fixed
finding drops out of a regenerated baseline, and --prune adds nothing.'

. "$(dirname "$0")/lib.sh"

DOCS=400

# legacy N: a legacy design: T2 without priority, one participant.
legacy() {
	tg_doc_bad | sed -e "s/^title: Session token rotation$/title: Legacy design $1/" \
		-e "s/^participants: \[jane, omar, li\]$/participants: [jane]/" \
		-e "s/^# Session token rotation$/# Legacy design $1/"
}

test_expect_success "set up $DOCS legacy designs, committed before threatgate" '
	git init -q work &&
	cd work &&
	for i in $(seq 1 $DOCS); do
		legacy $i >"doc-$i.tmp" || exit 1
	done &&
	mkdir -p docs/design &&
	for i in $(seq 1 $DOCS); do
		mv "doc-$i.tmp" "docs/design/legacy-$i.md" || exit 1
	done &&
	git add . &&
	git commit -q -m "years of designs" &&
	expect_exit 1 threatgate check --all &&
	expect_stdout_contains "threatgate: $DOCS errors, $DOCS warnings, 0 notes in $DOCS documents"
'

test_expect_success 'threatgate baseline writes one sorted fingerprint per finding, no lines' '
	cd work &&
	start=$(date +%s%N) &&
	expect_exit 0 threatgate baseline &&
	end=$(date +%s%N) &&
	echo "# baseline of $DOCS documents: $(( (end - start) / 1000000 )) ms" &&
	expect_stderr_contains "wrote $((DOCS * 2)) fingerprints to" &&
	expect_stderr_contains "the policy names no baseline yet" &&
	jq -e ".version == 1 and (.findings | length) == $((DOCS * 2))" .threatgate-baseline.json &&
	jq -e "[.findings[] | has(\"line\")] | any | not" .threatgate-baseline.json &&
	jq -e "[.findings[].fingerprint | test(\"^[0-9a-f]{16}:[1-9][0-9]*\$\")] | all" .threatgate-baseline.json &&
	jq -r ".findings[] | [.path, .fingerprint] | @tsv" .threatgate-baseline.json >order &&
	LC_ALL=C sort -c order &&
	jq -e "[.findings[] | select(.path == \"docs/design/legacy-7.md\") | .rule] | sort == [\"threat-missing-priority\", \"too-few-participants\"]" .threatgate-baseline.json &&
	jq -e "[.findings[] | select(.rule == \"threat-missing-priority\")][0] | .threat == \"T2\" and .section == \"Security/Threat Model\"" .threatgate-baseline.json &&
	cp .threatgate-baseline.json ../first.json &&
	expect_exit 0 threatgate baseline &&
	cmp ../first.json .threatgate-baseline.json
'

test_expect_success 'named in the policy, baselined findings block nothing and are counted apart' '
	cd work &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		baseline = .threatgate-baseline.json
	EOF
	git add .threatgate .threatgate-baseline.json &&
	git commit -q -m "adopt threatgate with a baseline" &&
	start=$(date +%s%N) &&
	expect_exit 0 threatgate check --all &&
	end=$(date +%s%N) &&
	echo "# check --all of $DOCS baselined documents: $(( (end - start) / 1000000 )) ms" &&
	expect_stdout_contains "threatgate: 0 errors, 0 warnings, 0 notes in $DOCS documents; $((DOCS * 2)) waived ($((DOCS * 2)) baseline)" &&
	expect_exit 0 threatgate check &&
	expect_stdout_contains "$((DOCS * 2)) waived ($((DOCS * 2)) baseline)" &&
	expect_exit 0 threatgate check --all --format json &&
	jq -e ".summary.suppressed_by_reason.baseline == $((DOCS * 2)) and .summary.suppressed == $((DOCS * 2)) and (.suppressed | length) == $((DOCS * 2)) and (.findings | length) == 0" "$TG_LAST_STDOUT" &&
	jq -e "[.suppressed[].reason] | unique == [\"baseline\"]" "$TG_LAST_STDOUT" &&
	cd docs/design &&
	expect_exit 0 threatgate check legacy-3.md &&
	expect_stdout_contains "; 2 waived (2 baseline)"
'

test_expect_success 'the server and the client hooks go in (server: after the history is there)' '
	git init -q --bare server.git &&
	git -C work push -q "$TRASH_DIRECTORY/server.git" main &&
	expect_exit 0 threatgate install-hooks --server server.git &&
	expect_exit 0 threatgate install-hooks work &&
	test -x work/.git/hooks/pre-commit &&
	test -x work/.git/hooks/pre-push &&
	test -x server.git/hooks/pre-receive &&
	git -C work remote add origin "$TRASH_DIRECTORY/server.git" &&
	git -C work fetch -q origin
'

test_expect_success 'a typo fix in a legacy doc passes pre-commit, check --range, pre-push and pre-receive' '
	cd work &&
	sed -i -e "s/without$/without/; s/^logging anyone out\.$/logging anyone out at all./" docs/design/legacy-17.md &&
	git diff --quiet && exit 1 || : &&
	git add docs/design/legacy-17.md &&
	expect_exit 0 git commit -q -m "typo in legacy 17" &&
	test "$(git log -1 --format=%s)" = "typo in legacy 17" &&
	expect_exit 0 threatgate check --range HEAD~1..HEAD &&
	expect_stdout_contains "0 errors, 0 warnings, 0 notes in 1 document; 2 waived (2 baseline)" &&
	expect_exit 0 threatgate hook pre-commit </dev/null &&
	expect_exit 0 git push origin main &&
	expect_stderr_lacks "error:" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'a new finding in that doc blocks on every hook, and only it is reported' '
	cd work &&
	sed -i -e "s/^| T1 | Token signed with a stolen retired key | Spoofing | P2 |/| T1 | Token signed with a stolen retired key | Spoofing | |/" docs/design/legacy-17.md &&
	git add docs/design/legacy-17.md &&
	line=$(tg_line docs/design/legacy-17.md "^\| T1 \|") &&
	expect_exit 1 git commit -q -m "T1 loses its priority" &&
	expect_stderr_matches "^docs/design/legacy-17\.md:$line:1: error: threat T1 has no priority.*\[threat-missing-priority\]" &&
	expect_stderr_lacks "threat T2" &&
	expect_stderr_contains "2 waived (2 baseline)" &&
	git commit -q --no-verify -m "T1 loses its priority" &&
	expect_exit 1 threatgate check --range HEAD~1..HEAD &&
	expect_stdout_contains "1 error, 1 warning, 0 notes in 1 document; 2 waived (2 baseline)" &&
	expect_exit 1 git push origin main &&
	expect_stderr_contains "threat T1 has no priority" &&
	expect_exit 1 git push --no-verify origin main &&
	expect_stderr_matches "^remote: docs/design/legacy-17\.md:$line:1: error: threat T1 has no priority" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD~1)"
'

test_expect_success 'the server reads the baseline from its default branch, not from the push' '
	cd work &&
	threatgate baseline &&
	git add .threatgate-baseline.json &&
	git commit -q --no-verify -m "baseline the new finding too" &&
	expect_exit 0 threatgate check --range HEAD~2..HEAD &&
	expect_exit 1 git push --no-verify origin main &&
	expect_stderr_matches "^remote: docs/design/legacy-17\.md:[0-9]+:1: error: threat T1 has no priority" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD~2)" &&
	git reset -q --hard HEAD~2
'

test_expect_success 'a fixed finding drops out of a regenerated baseline; the rest stays as it was' '
	cd work &&
	sed -i -e "s/^| T2 | Rotation job replaced by a modified image | Tampering | |/| T2 | Rotation job replaced by a modified image | Tampering | P3 |/" docs/design/legacy-42.md &&
	git add docs/design/legacy-42.md &&
	expect_exit 0 git commit -q -m "legacy 42: T2 gets its priority" &&
	gone=$(jq -r ".findings[] | select(.path == \"docs/design/legacy-42.md\" and .rule == \"threat-missing-priority\") | .fingerprint" .threatgate-baseline.json) &&
	test -n "$gone" &&
	expect_exit 0 threatgate baseline &&
	expect_stderr_contains "wrote $((DOCS * 2 - 1)) fingerprints" &&
	expect_stderr_contains "($((DOCS * 2)) before: 1 dropped as fixed, 0 new)" &&
	test "$(jq -r ".findings[] | select(.fingerprint == \"$gone\" and .path == \"docs/design/legacy-42.md\") | .path" .threatgate-baseline.json)" = "" &&
	git diff --numstat .threatgate-baseline.json >numstat &&
	test "$(cut -f1 numstat)" = 0 &&
	test "$(cut -f2 numstat)" = 8 &&
	git commit -q -a -m "regenerate the baseline" &&
	expect_exit 0 git push origin main
'

test_expect_success 'baseline --prune drops fixed findings and never adds new ones' '
	cd work &&
	sed -i -e "s/^| T2 | Rotation job replaced by a modified image | Tampering | |/| T2 | Rotation job replaced by a modified image | Tampering | P3 |/" docs/design/legacy-43.md &&
	sed -i -e "s/^| T1 | Token signed with a stolen retired key | Spoofing | P2 |/| T1 | Token signed with a stolen retired key | Spoofing | |/" docs/design/legacy-44.md &&
	expect_exit 0 threatgate baseline --prune &&
	expect_stderr_contains "wrote $((DOCS * 2 - 2)) fingerprints" &&
	expect_stderr_contains "1 dropped as fixed, 0 new" &&
	expect_exit 1 threatgate check docs/design/legacy-44.md &&
	expect_stdout_contains "threat T1 has no priority" &&
	expect_exit 0 threatgate baseline -o - &&
	jq -e "(.findings | length) == $((DOCS * 2 - 1))" "$TG_LAST_STDOUT" &&
	git checkout -q -- .
'

test_expect_success 'a broken baseline is an error that names it; a missing one waives nothing' '
	cd work &&
	echo "{\"version\": 2, \"findings\": []}" >.threatgate-baseline.json &&
	expect_exit 2 threatgate check docs/design/legacy-1.md &&
	expect_stderr_contains "cannot read baseline '"'"'.threatgate-baseline.json'"'"': version 2" &&
	echo "{\"version\": 1, \"findings\": [{\"fingerprint\": \"xyz\"}]}" >.threatgate-baseline.json &&
	expect_exit 2 threatgate check docs/design/legacy-1.md &&
	expect_stderr_contains "finding 1 has no fingerprint" &&
	rm .threatgate-baseline.json &&
	expect_exit 1 threatgate check docs/design/legacy-1.md &&
	expect_stdout_contains "1 error, 1 warning" &&
	git checkout -q -- .
'

test_done
