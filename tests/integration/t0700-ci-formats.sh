#!/bin/bash
test_description='the CI report formats: sarif, github, gitlab and markdown

SARIF from the example design docs is validated against the SARIF 2.1.0
JSON schema shipped by the SARIF SDK (npm @microsoft/sarif-multitool-linux)
with python3-jsonschema, and by the SDK'"'"'s own validator with GitHub'"'"'s
ingestion rules; its fingerprints survive edits. GitHub annotations are
escaped per the workflow-command rules and the step summary gets the
Markdown report. The markdown comment is rendered to HTML by cmark-gfm and
checked for the marker, one section per failing document and links that
point at real lines of the head revision. GitLab Code Quality has stable
fingerprints and the documented severities.'

. "$(dirname "$0")/lib.sh"

EXAMPLES=$SOURCE_DIRECTORY/templates/examples
FORGE=https://forge.example/acme/designs

# find_python, sarif_sdk and validate_sarif.
. "$TEST_DIRECTORY/sarif.sh"

test_expect_success 'set up a repository with the example design docs' '
	test_require jq cmark-gfm &&
	git init -q work &&
	mkdir -p work/docs/design &&
	for f in audit-log-export payments-webhook search-autocomplete; do
		cp "$EXAMPLES/$f.sdd.md" work/docs/design/$f.md || exit 1
	done &&
	git -C work add . &&
	git -C work commit -q -m "three passing designs" &&
	git -C work tag base &&
	cp "$EXAMPLES/profile-photos.sdd.md" work/docs/design/profile-photos.md &&
	sed -e "s/^| T2 | \(.*\) | P2 | Five/| T2 | \1 | | Five/" \
		"$EXAMPLES/payments-webhook.sdd.md" >work/docs/design/payments-webhook.md &&
	git -C work add . &&
	git -C work commit -q -m "profile photos; payments loses a priority"
'

test_expect_success 'sarif of the examples (work tree) validates against the SARIF 2.1.0 schema' '
	cp -R "$EXAMPLES" examples &&
	expect_exit 1 threatgate check --format sarif examples &&
	cp "$TG_LAST_STDOUT" examples.sarif &&
	jq -e ".runs[0].results | length == 4" examples.sarif &&
	jq -e ".runs[0].tool.driver.rules | length == 23" examples.sarif &&
	jq -e "[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | unique == [\"examples/profile-photos.sdd.md\"]" examples.sarif &&
	validate_sarif examples.sarif
'

test_expect_success 'sarif of a range validates too, with rules, help and fingerprints' '
	cd work &&
	expect_exit 1 threatgate check --range base..HEAD --format sarif &&
	cp "$TG_LAST_STDOUT" ../range.sarif &&
	cd .. &&
	jq -e ".runs[0].tool.driver.rules[] | select(.id == \"threat-missing-priority\") | .help.text | contains(\"Fixed:\")" range.sarif &&
	jq -e ".runs[0].tool.driver.rules[] | select(.id == \"stride-coverage\") | .defaultConfiguration.level == \"warning\"" range.sarif &&
	jq -e "[.runs[0].results[] | .partialFingerprints[\"threatgate/v1\"]] | length == (unique | length)" range.sarif &&
	jq -e "[.runs[0].results[] | select(.properties.threat == \"T2\")] | length == 1" range.sarif &&
	validate_sarif range.sarif
'

test_expect_success 'the validation is real: a log the schema forbids is refused' '
	jq ".runs[0].results[0].level = \"fatal\"" range.sarif >broken.sarif &&
	test_must_fail validate_sarif broken.sarif >broken.log &&
	grep -q "schema error: .*fatal" broken.log &&
	jq "del(.runs[0].results[0].partialFingerprints) | .runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = \"file:///home/me/x.md\"" \
		range.sarif >absolute.sarif &&
	test_must_fail validate_sarif absolute.sarif >absolute.log &&
	grep -q "validator error: SARIF1004" absolute.log
'

test_expect_success 'sarif fingerprints survive edits above the findings' '
	cd work &&
	expect_exit 1 threatgate check --range base..HEAD --format sarif &&
	jq -S "[.runs[0].results[] | {rule: .ruleId, print: .partialFingerprints}] | sort_by(.print[\"threatgate/v1\"])" \
		"$TG_LAST_STDOUT" >../prints-before &&
	jq "[.runs[0].results[].locations[0].physicalLocation.region.startLine] | sort" "$TG_LAST_STDOUT" >../lines-before &&
	awk "{ print } /^## Overview/ { for (i = 0; i < 7; i++) print \"More context, added later.\" }" \
		docs/design/profile-photos.md >tmp && mv tmp docs/design/profile-photos.md &&
	awk "{ print } /^## Overview/ { for (i = 0; i < 3; i++) print \"More context.\" }" \
		docs/design/payments-webhook.md >tmp && mv tmp docs/design/payments-webhook.md &&
	git commit -q -a -m "more context" &&
	expect_exit 1 threatgate check --range base..HEAD --format sarif &&
	jq -S "[.runs[0].results[] | {rule: .ruleId, print: .partialFingerprints}] | sort_by(.print[\"threatgate/v1\"])" \
		"$TG_LAST_STDOUT" >../prints-after &&
	jq "[.runs[0].results[].locations[0].physicalLocation.region.startLine] | sort" "$TG_LAST_STDOUT" >../lines-after &&
	diff ../prints-before ../prints-after &&
	! diff ../lines-before ../lines-after >/dev/null
'

test_expect_success 'github annotations escape % CR LF : and , in paths and messages' '
	mkdir -p gh/docs/design &&
	tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: \"50%, then 2026:13\"/" \
		>"gh/docs/design/50%,a:b.md" &&
	tg_doc_bad >"gh/docs/design/line
break.md" &&
	tg_doc_bad >"$(printf "gh/docs/design/cr\rname.md")" &&
	cd gh &&
	expect_exit 1 threatgate check --format github docs/design &&
	expect_stdout_contains "::error file=docs/design/50%25%2Ca%3Ab.md,line=" &&
	expect_stdout_contains ",title=threatgate%3A invalid-metadata::front matter field '"'"'threat-model-reviewed'"'"' is '"'"'50%25, then 2026:13'"'"', not a date" &&
	expect_stdout_contains "::error file=docs/design/line%0Abreak.md,line=" &&
	expect_stdout_contains "::error file=docs/design/cr%0Dname.md,line=" &&
	expect_stdout_contains "%0A%0AFixed, for example:%0A| T2 | Replay of old events |" &&
	# Nothing a document holds starts a line of its own.
	! grep -v -E "^(::(error|warning|notice) file=|threatgate: )" "$TG_LAST_STDOUT" &&
	test "$(grep -c "^::error " "$TG_LAST_STDOUT")" = 3
'

test_expect_success 'github appends the markdown report to GITHUB_STEP_SUMMARY' '
	cd work &&
	echo "# Earlier step" >../summary.md &&
	GITHUB_STEP_SUMMARY=$TRASH_DIRECTORY/summary.md expect_exit 1 \
		threatgate check --range base..HEAD --format github &&
	expect_stdout_contains "::error file=docs/design/profile-photos.md" &&
	expect_stdout_lacks "<!-- threatgate" &&
	head -n 1 ../summary.md | grep -qx "# Earlier step" &&
	grep -qF "<!-- threatgate:pr-comment -->" ../summary.md &&
	grep -qF "| | Design document | Errors | Warnings | Notes | Security sign-off |" ../summary.md &&
	GITHUB_STEP_SUMMARY=$TRASH_DIRECTORY/summary.md expect_exit 1 \
		threatgate check --range base..HEAD --format github &&
	test "$(grep -c "threatgate:pr-comment" ../summary.md)" = 2
'

# links_ok HTML REPO: every link into the forge names a file of the repo
# at an existing revision and a line the file has; prints how many.
links_ok() {
	local href rev path line n=0 lines
	while read -r href; do
		case "$href" in
		"$FORGE/blob/"*) ;;
		*)
			say "error: a link outside the forge: $href"
			return 1
			;;
		esac
		href=${href#"$FORGE/blob/"}
		rev=${href%%/*}
		path=${href#*/}
		line=
		case "$path" in
		*"#L"*)
			line=${path##*#L}
			path=${path%#L*}
			;;
		esac
		if ! git -C "$2" cat-file -e "$rev:$path" 2>/dev/null; then
			say "error: no $path at $rev"
			return 1
		fi
		if [ -n "$line" ]; then
			lines=$(git -C "$2" cat-file -p "$rev:$path" | wc -l)
			if [ "$line" -lt 1 ] || [ "$line" -gt "$lines" ]; then
				say "error: $path has $lines lines, the link says $line"
				return 1
			fi
		fi
		n=$((n + 1))
	done < <(grep -o "href=\"[^\"]*\"" "$1" | sed -e "s/^href=\"//" -e "s/\"$//" -e "s/&amp;/\\&/g")
	echo "$n"
}

test_expect_success 'the markdown comment renders with cmark-gfm: marker, a section per failing document, working links' '
	cd work &&
	expect_exit 1 threatgate check --range base..HEAD --format markdown --forge-url "$FORGE" &&
	cp "$TG_LAST_STDOUT" ../comment.md &&
	head -n 1 ../comment.md | grep -qxF "<!-- threatgate:pr-comment -->" &&
	sed -n 2p ../comment.md | grep -q "^### .* threatgate: this change is blocked$" &&
	cmark-gfm --unsafe -e table -e autolink -e tasklist ../comment.md >../comment.html &&
	grep -qF "<!-- threatgate:pr-comment -->" ../comment.html &&
	test "$(grep -c "^<h4>" ../comment.html)" = 2 &&
	grep "^<h4>" ../comment.html | grep -q "docs/design/payments-webhook.md" &&
	grep "^<h4>" ../comment.html | grep -q "docs/design/profile-photos.md" &&
	test "$(grep -c "<details><summary>How to fix" ../comment.html)" -ge 4 &&
	grep -q "<code>personal-data</code>" ../comment.html &&
	n=$(links_ok ../comment.html .) &&
	test "$n" -ge 10 &&
	# Every finding is linked to its line at the checked commit.
	head=$(git rev-parse HEAD) &&
	grep -qF "href=\"$FORGE/blob/$head/docs/design/profile-photos.md#L$(tg_line docs/design/profile-photos.md "^\| T5 \|")\"" ../comment.html
'

test_expect_success 'the comment names the reviewers of the policy and what to write' '
	cd work &&
	git config -f .threatgate threatgate.reviewer @alice &&
	git config -f .threatgate --add threatgate.reviewer security@example.com &&
	expect_exit 1 threatgate check --range base..HEAD --format markdown &&
	expect_stdout_contains "Who can give it: \`@alice\` or \`security@example.com\`." &&
	expect_stdout_contains "- [x] Security review: @alice (2026-11-27)" &&
	expect_stdout_contains "- \`internet-exposed\`: \`exposure: internet\` at line" &&
	rm .threatgate
'

test_expect_success 'a passing change gets a short comment, or none with --no-pass-comment' '
	cd work &&
	expect_exit 0 threatgate check --all --rev base --format markdown --forge-url "$FORGE" &&
	head -n 1 "$TG_LAST_STDOUT" | grep -qxF "<!-- threatgate:pr-comment -->" &&
	expect_stdout_contains "threatgate: the design documents pass" &&
	expect_stdout_contains "Checked 3 design documents: nothing to fix." &&
	expect_stdout_lacks "<details>" &&
	test "$(wc -c <"$TG_LAST_STDOUT")" -lt 1200 &&
	expect_exit 0 threatgate check --all --rev base --format markdown --no-pass-comment &&
	test ! -s "$TG_LAST_STDOUT" &&
	# --no-pass-comment does not hide a blocked change.
	expect_exit 1 threatgate check --range base..HEAD --format markdown --no-pass-comment &&
	expect_stdout_contains "this change is blocked"
'

test_expect_success 'links come from the CI environment when no --forge-url is given' '
	cd work &&
	sha=$(git rev-parse HEAD) &&
	GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/designs GITHUB_SHA=$sha \
		expect_exit 1 threatgate check --format markdown docs/design/profile-photos.md &&
	expect_stdout_contains "(https://github.com/acme/designs/blob/$sha/docs/design/profile-photos.md#L1)" &&
	CI_PROJECT_URL=https://code.example/group/designs CI_COMMIT_SHA=$sha \
		expect_exit 1 threatgate check --format markdown docs/design/profile-photos.md &&
	expect_stdout_contains "(https://code.example/group/designs/-/blob/$sha/docs/design/profile-photos.md#L1)" &&
	expect_exit 1 threatgate check --format markdown --forge-url "$FORGE" --head v1.2 docs/design/profile-photos.md &&
	expect_stdout_contains "($FORGE/blob/v1.2/docs/design/profile-photos.md#L1)"
'

test_expect_success 'gitlab code quality: documented severities, stable fingerprints' '
	cd work &&
	expect_exit 1 threatgate check --range base..HEAD~1 --format gitlab &&
	cp "$TG_LAST_STDOUT" ../gl-before.json &&
	expect_exit 1 threatgate check --range base..HEAD --format gitlab &&
	cp "$TG_LAST_STDOUT" ../gl-after.json &&
	cd .. &&
	jq -e "type == \"array\" and length > 0" gl-after.json &&
	jq -e "all(.[]; (.description | type == \"string\") and (.check_name | type == \"string\") and (.fingerprint | type == \"string\") and (.location.path | type == \"string\") and (.location.lines.begin | type == \"number\"))" gl-after.json &&
	jq -e "[.[] | select(.check_name == \"threat-missing-priority\")][0].severity == \"major\"" gl-after.json &&
	jq -e "[.[] | select(.check_name == \"missing-dri\")][0].severity == \"minor\"" gl-after.json &&
	jq -e "[.[].fingerprint] | length == (unique | length)" gl-after.json &&
	jq -S "[.[] | .fingerprint] | sort" gl-before.json >fp-before &&
	jq -S "[.[] | .fingerprint] | sort" gl-after.json >fp-after &&
	diff fp-before fp-after &&
	! diff <(jq "[.[].location.lines.begin]" gl-before.json) <(jq "[.[].location.lines.begin]" gl-after.json) >/dev/null
'

test_done
