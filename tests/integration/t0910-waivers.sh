#!/bin/bash
test_description='waivers you can audit: exceptions, inline comments, the baseline

An exception may name several rules and several paths; one that expired
is named on each finding it used to cover; one that ends within
threatgate.exceptionWarnDays is warned about by scan and in the PR
comment. Every report counts waived findings by reason: the text
summary, JSON (with the exception and its justification), SARIF (with
suppressions, validated against the SARIF 2.1.0 schema and by the SARIF
SDK) and the markdown comment. A misspelt policy key, rule or
suppression comment gets a "did you mean".'

. "$(dirname "$0")/lib.sh"
. "$TEST_DIRECTORY/sarif.sh"

# today is 2026-11-27 (lib.sh)
SQ="'"

test_expect_success 'set up: legacy docs under two folders, an exceptions file' '
	git init -q work &&
	cd work &&
	tg_doc_bad | sed -e "s/^participants: \[jane, omar, li\]$/participants: [jane]/" >one.md &&
	mkdir -p docs/design/old docs/design/attic docs/design/new &&
	cp one.md docs/design/old/a.md &&
	cp one.md docs/design/attic/b.md &&
	cp one.md docs/design/new/c.md &&
	tg_doc_good | sed -e "s/^| T3 | Operator denies forcing an early rotation | Repudiation | P4 |/| T3 | Operator denies forcing an early rotation | | P4 |/" \
		-e "s/^### Threat Model$/### Threat Model\n\n<!-- threatgate-disable threat-missing-category -->/" >docs/design/new/inline.md &&
	rm one.md &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		exceptions = security/exceptions
	EOF
	write_file security/exceptions <<-\EOF &&
	[exception "SEC-1"]
		rule = threat-missing-priority
		rule = too-few-participants
		path = docs/design/old/*.md
		path = docs/design/attic/*.md
		justification = legacy designs, rewritten in Q1
		ticket = SEC-1
		expires = 2027-03-31
	[exception "SEC-2"]
		rule = threat-missing-priority
		path = docs/design/new/c.md
		justification = priority agreed in the review, written next sprint
		expires = 2026-12-05
	[exception "SEC-0"]
		rule = too-few-participants
		path = docs/design/new/*.md
		justification = the team was one person then
		expires = 2026-10-01
	EOF
	git add . &&
	git commit -q -m "legacy designs and exceptions"
'

test_expect_success 'both rules and both paths of a multi-valued exception apply' '
	cd work &&
	expect_exit 0 threatgate check docs/design/old docs/design/attic &&
	expect_stdout_contains "threatgate: 0 errors, 0 warnings, 0 notes in 2 documents; 4 waived (4 exception)"
'

test_expect_success 'an expired exception is named on each finding it used to cover' '
	cd work &&
	expect_exit 0 threatgate check docs/design/new/c.md &&
	expect_stdout_matches "^docs/design/new/c\.md:[0-9]+: warning: .*\(note: exception ${SQ}SEC-0${SQ} covered this until it expired on 2026-10-01\) \[too-few-participants\]\$" &&
	expect_stdout_contains "0 errors, 1 warning, 0 notes in 1 document; 1 waived (1 exception)"
'

test_expect_success 'JSON lists every waived finding with its reason, exception and justification' '
	cd work &&
	expect_exit 0 threatgate check --format json &&
	cp "$TG_LAST_STDOUT" all.json &&
	jq -e ".summary.suppressed == 6 and .summary.suppressed_by_reason == {\"inline\": 1, \"exception\": 5, \"baseline\": 0}" all.json &&
	jq -e "[.suppressed[] | select(.reason == \"exception\") | .exception] | sort == [\"SEC-1\", \"SEC-1\", \"SEC-1\", \"SEC-1\", \"SEC-2\"]" all.json &&
	jq -e "[.suppressed[] | select(.exception == \"SEC-2\")][0] | .justification == \"priority agreed in the review, written next sprint\" and .expires == \"2026-12-05\" and .finding.rule == \"threat-missing-priority\" and .finding.path == \"docs/design/new/c.md\"" all.json &&
	jq -e "[.suppressed[] | select(.reason == \"inline\")][0].finding | .rule == \"threat-missing-category\" and .path == \"docs/design/new/inline.md\"" all.json &&
	expect_exit 0 threatgate check &&
	expect_stdout_contains "; 6 waived (1 inline, 5 exception)"
'

test_expect_success 'SARIF carries waived results with suppressions, and validates' '
	test_require jq &&
	cd work &&
	expect_exit 0 threatgate check --format sarif &&
	cp "$TG_LAST_STDOUT" waived.sarif &&
	jq -e "[.runs[0].results[] | select(.suppressions)] | length == 6" waived.sarif &&
	jq -e "[.runs[0].results[] | select(.suppressions) | .suppressions[0].kind] | group_by(.) | map({(.[0]): length}) | add == {\"external\": 5, \"inSource\": 1}" waived.sarif &&
	jq -e "[.runs[0].results[] | select(.suppressions[0].properties.exception == \"SEC-2\")][0].suppressions[0].justification == \"exception SEC-2: priority agreed in the review, written next sprint\"" waived.sarif &&
	jq -e "[.runs[0].results[] | select(.suppressions | not) | .ruleId] | sort == [\"stride-coverage\", \"too-few-participants\"]" waived.sarif &&
	validate_sarif waived.sarif
'

test_expect_success 'SARIF: baselined results are external suppressions, and validate' '
	cd work &&
	threatgate baseline 2>/dev/null &&
	printf "\tbaseline = .threatgate-baseline.json\n" >>.threatgate &&
	expect_exit 0 threatgate check --format sarif &&
	cp "$TG_LAST_STDOUT" baselined.sarif &&
	jq -e "[.runs[0].results[] | select(.suppressions[0].properties.reason == \"baseline\")] | length == 2" baselined.sarif &&
	jq -e "[.runs[0].results[] | select(.suppressions | not)] | length == 0" baselined.sarif &&
	jq -e "[.runs[0].results[] | select(.suppressions[0].properties.reason == \"baseline\")][0].partialFingerprints[\"threatgate/v1\"] as \$f | \$f != null" baselined.sarif &&
	validate_sarif baselined.sarif &&
	expect_exit 0 threatgate check &&
	expect_stdout_contains "; 8 waived (1 inline, 5 exception, 2 baseline)" &&
	git checkout -q -- .threatgate && rm .threatgate-baseline.json
'

test_expect_success 'scan warns of an exception that ends within exceptionWarnDays, and counts waivers' '
	cd work &&
	expect_exit 0 threatgate scan &&
	expect_stderr_contains "warning: exception ${SQ}SEC-2${SQ} expires on 2026-12-05, in 8 days" &&
	expect_stderr_lacks "SEC-1" &&
	expect_stdout_contains "6 findings waived (1 inline, 5 by exception, 0 baseline)" &&
	expect_exit 0 threatgate scan --format json &&
	jq -e ".summary.suppressed == {\"inline\": 1, \"exception\": 5, \"baseline\": 0}" "$TG_LAST_STDOUT" &&
	git config threatgate.exceptionWarnDays 5 &&
	expect_exit 0 threatgate scan &&
	expect_stderr_lacks "SEC-2" &&
	git config threatgate.exceptionWarnDays 200 &&
	expect_exit 0 threatgate scan &&
	expect_stderr_contains "exception ${SQ}SEC-1${SQ} expires on 2027-03-31, in 124 days" &&
	git config --unset threatgate.exceptionWarnDays
'

test_expect_success 'the PR comment counts waivers and warns of the exception about to end' '
	cd work &&
	git checkout -q -b change &&
	echo "One more line." >>docs/design/new/c.md &&
	git commit -q -a -m "touch c" &&
	expect_exit 0 threatgate check --range main...change --format markdown &&
	cp "$TG_LAST_STDOUT" comment.md &&
	grep -F "Not blocking: 1 waived (1 exception)" comment.md &&
	grep -F "Exception \`SEC-2\` expires on 2026-12-05: 1 finding it waives here blocks after that." comment.md &&
	git checkout -q main
'

test_expect_success 'did you mean: policy keys, rules in the policy and in exceptions' '
	cd work &&
	printf "[threatgate]\n\tdoc = x/**/*.md\n" >typo.threatgate &&
	expect_exit 2 threatgate check --config typo.threatgate &&
	expect_stderr_contains "unknown key ${SQ}threatgate.doc${SQ}; did you mean ${SQ}threatgate.docs${SQ}?" &&
	printf "[threatgate]\n\texceptionwarndays = 3\n\tmaxage = 10\n" >case.threatgate &&
	expect_exit 1 threatgate check --config case.threatgate docs/design/old &&
	expect_stderr_lacks "unknown key" &&
	printf "[threatgate]\n\texceptionWarnDay = 3\n" >typo2.threatgate &&
	expect_exit 2 threatgate check --config typo2.threatgate &&
	expect_stderr_contains "did you mean ${SQ}threatgate.exceptionWarnDays${SQ}?" &&
	printf "[rule \"stride-coverag\"]\n\tseverity = off\n" >rule.threatgate &&
	expect_exit 2 threatgate check --config rule.threatgate &&
	expect_stderr_contains "unknown rule ${SQ}stride-coverag${SQ} in ${SQ}rule.stride-coverag.severity${SQ}; did you mean ${SQ}stride-coverage${SQ}?" &&
	printf "[rule \"stride-coverage\"]\n\tseverty = off\n" >key.threatgate &&
	expect_exit 2 threatgate check --config key.threatgate &&
	expect_stderr_contains "did you mean ${SQ}rule.stride-coverage.severity${SQ}?" &&
	printf "[exception \"X\"]\n\trule = missing-dir\n\tpath = *\n\tjustification = j\n\texpires = 2027-01-01\n" >bad.exceptions &&
	printf "[threatgate]\n\texceptions = bad.exceptions\n" >exc.threatgate &&
	expect_exit 2 threatgate check --config exc.threatgate &&
	expect_stderr_contains "unknown rule ${SQ}missing-dir${SQ} in ${SQ}exception.X.rule${SQ}; did you mean ${SQ}missing-dri${SQ}?"
'

test_expect_success 'a misspelt rule in a suppression comment is a warning at that line' '
	cd work &&
	tg_doc_good | sed -e "s/^## Design$/<!-- threatgate-disable-next-line stride-coverag -->\n## Design/" >docs/design/new/typo.md &&
	line=$(tg_line docs/design/new/typo.md "threatgate-disable-next-line") &&
	expect_exit 0 threatgate check docs/design/new/typo.md &&
	expect_stdout_matches "^docs/design/new/typo\.md:$line: warning: ${SQ}stride-coverag${SQ} is not a rule, so this comment suppresses nothing: did you mean ${SQ}stride-coverage${SQ}\? \[unknown-rule\]\$" &&
	expect_exit 0 threatgate explain unknown-rule &&
	expect_stdout_contains "suppresses nothing" &&
	rm docs/design/new/typo.md
'

test_done
