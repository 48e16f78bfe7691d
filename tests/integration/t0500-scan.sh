#!/bin/bash
test_description='scan: the inventory of design docs at a revision, in text, json, csv and markdown'
. "$(dirname "$0")/lib.sh"

test_expect_success 'set up a repository with the example designs and a few more' '
	test_require jq &&
	git init -q repo &&
	cd repo &&
	mkdir -p docs/design &&
	cp "$SOURCE_DIRECTORY"/templates/examples/*.sdd.md docs/design/ &&
	tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2025-06-01/" \
		-e "s/^title: .*/title: \x27=HYPERLINK(\"x\"), and | pipes\x27/" >docs/design/old.md &&
	tg_doc_good | sed -e "/^- \\[x\\] Security review/d" \
		-e "s/| P2 | Retired keys are destroyed after one overlap window | mitigated |/| P1 | Retired keys are destroyed after one overlap window | open |/" \
		-e "s/^exposure: internal/exposure: internet/" >docs/design/unsigned.md &&
	printf "\\377\\376not utf-8\\n" >docs/design/latin1.md &&
	echo "# Not a design doc" >README.md &&
	git add . &&
	git commit -q -m "designs" &&
	git remote add origin https://git.example.com/acme/payments-api.git
'

test_expect_success 'text: one row per document, the ones needing attention first, then a summary' '
	cd repo &&
	expect_exit 0 threatgate scan &&
	expect_stdout_matches "^# payments-api at [0-9a-f]{12}, 2026-11-27" &&
	expect_stdout_matches "^STATE +DOCUMENT +STATUS +REVIEWED +AGE +THREATS +OPEN P1/P2 +SIGN-OFF +DRIFT +FINDINGS$" &&
	expect_stdout_matches "^unreadable +docs/design/latin1.md " &&
	expect_stdout_matches "^stale +docs/design/old.md +[a-z-]+ +2025-06-01 +544 +6 +0/0 +signed +0 " &&
	expect_stdout_matches "^unsigned +docs/design/unsigned.md +[a-z-]+ +2026-10-02 +56 +6 +1/0 +missing " &&
	expect_stdout_matches "^ok +docs/design/payments-webhook.sdd.md +[a-z-]+ +2026-10-02 +56 +9 +0/0 +signed " &&
	expect_stdout_contains "threatgate: 7 design documents: 1 stale, 2 without a required sign-off, 2 open P1-P2 threats, 0 drifting, 1 unreadable" &&
	sed -n "/^STATE/,/^\$/p" "$TG_LAST_STDOUT" | sed -n "2,4p" | cut -d" " -f1 >order &&
	printf "unreadable\\nstale\\nunsigned\\n" >expect &&
	diff expect order
'

test_expect_success 'a scan exits 0 whatever it finds, unless --fail-on is given' '
	cd repo &&
	expect_exit 1 threatgate scan --fail-on error &&
	expect_exit 0 threatgate scan --fail-on never
'

test_expect_success 'json: the fields of every document' '
	cd repo &&
	expect_exit 0 threatgate scan --format json &&
	cp "$TG_LAST_STDOUT" ../scan.json &&
	jq -e ".version == 1 and .kind == \"scan\" and .date == \"2026-11-27\"" ../scan.json &&
	jq -e ".repositories == [{\"name\": \"payments-api\", \"revision\": \"$(git rev-parse HEAD)\",
		\"commits_walked\": 1, \"history_complete\": true, \"max_age\": 270}]" ../scan.json &&
	jq -e ".documents | map(.path) == [\"docs/design/audit-log-export.sdd.md\",
		\"docs/design/latin1.md\", \"docs/design/old.md\",
		\"docs/design/payments-webhook.sdd.md\", \"docs/design/profile-photos.sdd.md\",
		\"docs/design/search-autocomplete.sdd.md\", \"docs/design/unsigned.md\"]" ../scan.json &&
	jq -e ".documents[] | select(.path == \"docs/design/payments-webhook.sdd.md\") |
		.repository == \"payments-api\" and .title == \"Payments webhook receiver\" and
		.dri == \"Jane Doe <jane.doe@example.com>\" and .participants == [\"jane.doe\", \"omar.haddad\", \"li.wei\"] and
		.threat_model_reviewed == \"2026-10-02\" and .age_days == 56 and .stale == false and
		.threat_counts.P1.total == 1 and .threat_counts.P1.open == 0 and
		(.triggers | map(.id) | index(\"payments\")) != null and
		.signoff.required == true and .signoff.present == true and
		.findings == {\"errors\": 0, \"warnings\": 0, \"notes\": 0}" ../scan.json &&
	jq -e ".documents[] | select(.path == \"docs/design/unsigned.md\") |
		.threat_counts.P1 == {\"total\": 1, \"open\": 1} and .signoff.required and (.signoff.present | not) and
		.findings.errors >= 1" ../scan.json &&
	jq -e ".documents[] | select(.path == \"docs/design/old.md\") | .stale and .age_days == 544" ../scan.json &&
	jq -e ".summary == {\"repositories\": 1, \"documents\": 7, \"unreadable\": 1, \"stale\": 1,
		\"no_review_date\": 0, \"signoff_missing\": 2, \"threats\": 46,
		\"open_threats\": {\"P1\": 2, \"P2\": 0, \"P3\": 3, \"P4\": 1, \"P5\": 0, \"none\": 1},
		\"drifting\": 0, \"with_findings\": 3,
		\"suppressed\": {\"inline\": 0, \"exception\": 0, \"baseline\": 0}}" ../scan.json
'

test_expect_success 'the policy decides what is stale (threatgate.maxAge)' '
	cd repo &&
	git config threatgate.maxAge 60 &&
	expect_exit 0 threatgate scan --format json &&
	git config --unset threatgate.maxAge &&
	jq -e "[.documents[] | select(.stale) | .path] == [\"docs/design/audit-log-export.sdd.md\", \"docs/design/old.md\"]" "$TG_LAST_STDOUT" &&
	jq -e ".repositories[0].max_age == 60" "$TG_LAST_STDOUT"
'

test_expect_success 'csv: a header and one row per document, quoted and defused' '
	cd repo &&
	expect_exit 0 threatgate scan --format csv -o ../scan.csv &&
	test ! -s "$TG_LAST_STDOUT" &&
	test "$(wc -l <../scan.csv)" = 8 &&
	head -n 1 ../scan.csv | grep -q "^repository,path,revision,readable,title,dri," &&
	grep -q "^payments-api,docs/design/old.md,[0-9a-f]*,true,\"'"'"'=HYPERLINK(\"\"x\"\"), and | pipes\"," ../scan.csv &&
	grep -q "^payments-api,docs/design/latin1.md,[0-9a-f]*,false,,," ../scan.csv &&
	test "$(tr -cd "\\r" <../scan.csv | wc -c)" = 8 &&
	python3 - ../scan.csv <<-\EOF
	import csv, sys
	rows = list(csv.DictReader(open(sys.argv[1], newline="")))
	assert len(rows) == 7, rows
	by = {r["path"]: r for r in rows}
	u = by["docs/design/unsigned.md"]
	assert (u["open_p1"], u["signoff_required"], u["signoff_present"]) == ("1", "true", "false"), u
	p = by["docs/design/payments-webhook.sdd.md"]
	assert p["covers"] == "services/payments-webhooks/**; infra/edge/payments-webhooks.tf", p["covers"]
	assert p["drift_commits"] == "0" and p["drift_since"] == "2026-10-02", p
	EOF
'

test_expect_success 'markdown: a weekly summary with headline numbers and what needs attention' '
	cd repo &&
	expect_exit 0 threatgate scan --format markdown &&
	expect_stdout_contains "## Threat model inventory, 2026-11-27" &&
	expect_stdout_contains "**7** design documents in payments-api · **1** stale · **2** missing a required sign-off · **2** open P1 and **0** open P2 threats" &&
	expect_stdout_contains "### Needs attention" &&
	expect_stdout_contains "| \`docs/design/old.md\`<br>=HYPERLINK(\"x\"), and \\| pipes | 2025-06-01 (544 days) | **yes** | signed | 0 | none |" &&
	expect_stdout_contains "| \`docs/design/latin1.md\` | unreadable | | | | |" &&
	expect_stdout_contains "### Open P1–P2 threats" &&
	expect_stdout_contains "| \`docs/design/unsigned.md\` | T1 Token signed with a stolen retired key | P1 | open |" &&
	expect_stdout_contains "<details><summary>All 7 design documents</summary>"
'

test_expect_success '--repo-name names the repository; without origin, the folder does' '
	cd repo &&
	expect_exit 0 threatgate scan --format json --repo-name payments &&
	jq -e "[.documents[].repository] | unique == [\"payments\"]" "$TG_LAST_STDOUT" &&
	git remote remove origin &&
	expect_exit 0 threatgate scan --format json &&
	jq -e ".repositories[0].name == \"repo\"" "$TG_LAST_STDOUT"
'

test_expect_success 'a bare repository is scanned at its default branch, named after its origin' '
	git clone -q --bare repo server.git &&
	expect_exit 0 threatgate scan --repo server.git --format json &&
	jq -e ".repositories[0].name == \"repo\" and (.documents | length) == 7" "$TG_LAST_STDOUT"
'

test_expect_success 'a repository without design documents: an empty inventory, exit 0' '
	git init -q empty &&
	echo "# readme" >empty/README.md &&
	git -C empty add . &&
	git -C empty commit -q -m init &&
	expect_exit 0 threatgate scan --repo empty &&
	expect_stdout_contains "threatgate: no design documents found" &&
	expect_exit 0 threatgate scan --repo empty --format json &&
	jq -e ".documents == [] and .summary.documents == 0" "$TG_LAST_STDOUT"
'

test_expect_success 'usage and repository errors exit 2' '
	cd repo &&
	expect_exit 2 threatgate scan --rev no-such-rev &&
	expect_stderr_contains "unknown revision '"'"'no-such-rev'"'"'" &&
	expect_exit 2 threatgate scan --since yesterday &&
	expect_stderr_contains "invalid --since '"'"'yesterday'"'"'" &&
	expect_exit 2 threatgate scan --max-commits 0 &&
	expect_exit 2 threatgate scan --max-commits &&
	expect_stderr_contains "option '"'"'--max-commits'"'"' needs a value" &&
	expect_exit 2 threatgate scan --format sarif &&
	expect_stderr_contains "scan writes text, json, csv, markdown or html" &&
	expect_exit 2 threatgate scan docs &&
	expect_stderr_contains "scan takes no operand" &&
	expect_exit 2 threatgate scan --staged &&
	cd .. &&
	git init -q unborn &&
	expect_exit 2 threatgate scan --repo unborn &&
	expect_stderr_contains "no commits yet" &&
	mkdir nowhere &&
	cd nowhere &&
	GIT_CEILING_DIRECTORIES="$TRASH_DIRECTORY" expect_exit 2 threatgate scan &&
	expect_stderr_contains "not a git repository"
'

test_expect_success 'scan --help describes the scan options' '
	expect_exit 0 threatgate scan --help &&
	expect_stdout_contains "--since DATE" &&
	expect_stdout_contains "--merge" &&
	expect_exit 0 threatgate help scan &&
	expect_stdout_contains "--max-commits N"
'

test_done
