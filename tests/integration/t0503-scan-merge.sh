#!/bin/bash
test_description='scan --merge: one report from the JSON scans of many repositories'
. "$(dirname "$0")/lib.sh"

# repo_with NAME DOC...: a repository NAME whose docs/design holds copies of
# the example designs DOC (templates/examples/DOC.sdd.md).
repo_with() {
	local name=$1 doc
	shift
	git init -q "$name" &&
	mkdir -p "$name/docs/design" &&
	for doc in "$@"; do
		cp "$SOURCE_DIRECTORY/templates/examples/$doc.sdd.md" "$name/docs/design/" || return 1
	done &&
	git -C "$name" add . &&
	git -C "$name" commit -q -m designs
}

test_expect_success 'set up two repositories, one with drift, and scan each' '
	test_require jq &&
	repo_with api payments-webhook audit-log-export &&
	repo_with web profile-photos search-autocomplete &&
	mkdir -p web/services/suggest &&
	echo change >web/services/suggest/index.ts &&
	git -C web add . &&
	GIT_AUTHOR_NAME="Dana Lee" GIT_AUTHOR_EMAIL=dana@example.com \
		git -C web commit -q -m "search: new ranking" &&
	expect_exit 0 threatgate scan --repo api --format json -o api.json &&
	expect_exit 0 threatgate scan --repo web --format json -o web.json &&
	jq -e ".documents[] | select(.path == \"docs/design/search-autocomplete.sdd.md\") |
		.drift.commits == 1" web.json
'

test_expect_success 'merging one report gives it back unchanged' '
	expect_exit 0 threatgate scan --merge api.json --format json &&
	jq -S . api.json >expect &&
	jq -S . "$TG_LAST_STDOUT" >actual &&
	diff expect actual
'

test_expect_success 'merged JSON: every document tagged with its repository, drift kept' '
	expect_exit 0 threatgate scan --merge api.json web.json --format json -o merged.json &&
	jq -e "[.repositories[].name] == [\"api\", \"web\"]" merged.json &&
	jq -e "[.documents[] | .repository + \":\" + .path] == [
		\"api:docs/design/audit-log-export.sdd.md\", \"api:docs/design/payments-webhook.sdd.md\",
		\"web:docs/design/profile-photos.sdd.md\", \"web:docs/design/search-autocomplete.sdd.md\"]" merged.json &&
	jq -e ".documents[] | select(.path == \"docs/design/search-autocomplete.sdd.md\") |
		.drift.commits == 1 and .drift.authors == [\"Dana Lee <dana@example.com>\"]" merged.json &&
	jq -e ".summary.repositories == 2 and .summary.documents == 4 and .summary.drifting == 1 and
		.summary.signoff_missing == 1" merged.json
'

test_expect_success 'a merged report merges again, and reads from standard input' '
	repo_with ops payments-webhook &&
	expect_exit 0 threatgate scan --repo ops --format json -o ops.json &&
	threatgate scan --merge merged.json - --format json <ops.json >all.json &&
	jq -e "[.repositories[].name] == [\"api\", \"web\", \"ops\"] and .summary.documents == 5" all.json
'

test_expect_success 'merged text and csv show the repository of each document' '
	expect_exit 0 threatgate scan --merge api.json web.json &&
	expect_stdout_matches "^unsigned +web:docs/design/profile-photos.sdd.md " &&
	expect_stdout_matches "^drift +web:docs/design/search-autocomplete.sdd.md " &&
	expect_stdout_contains "threatgate: 4 design documents in 2 repositories" &&
	expect_exit 0 threatgate scan --merge api.json web.json --format csv &&
	test "$(grep -c "^api,docs/design/" "$TG_LAST_STDOUT")" = 2 &&
	test "$(grep -c "^web,docs/design/" "$TG_LAST_STDOUT")" = 2
'

test_expect_success 'merged html and markdown name both repositories' '
	expect_exit 0 threatgate scan --merge api.json web.json --format html &&
	expect_stdout_contains "api at " &&
	expect_stdout_contains "web at " &&
	expect_exit 0 threatgate scan --merge api.json web.json --format markdown &&
	expect_stdout_contains "**4** design documents in **2** repositories"
'

test_expect_success 'documents without a repository are tagged with the report name or --repo-name' '
	jq "del(.repositories) | del(.documents[].repository)" api.json >untagged.json &&
	expect_exit 0 threatgate scan --merge untagged.json --format json &&
	jq -e "[.documents[].repository] | unique == [\"untagged\"]" "$TG_LAST_STDOUT" &&
	expect_exit 0 threatgate scan --merge untagged.json --repo-name billing --format json &&
	jq -e "[.documents[].repository] | unique == [\"billing\"]" "$TG_LAST_STDOUT"
'

test_expect_success 'what is not a scan report is refused with exit 2, naming the file' '
	expect_exit 0 threatgate check --repo api --all --format json --fail-on never -o check.json &&
	expect_exit 2 threatgate scan --merge check.json &&
	expect_stderr_contains "'"'"'check.json'"'"' is not a scan report" &&
	echo "{ broken" >broken.json &&
	expect_exit 2 threatgate scan --merge api.json broken.json &&
	expect_stderr_contains "cannot read scan report '"'"'broken.json'"'"': line 1" &&
	jq ".version = 2" api.json >v2.json &&
	expect_exit 2 threatgate scan --merge v2.json &&
	expect_stderr_contains "scan report version 2 is not supported" &&
	expect_exit 2 threatgate scan --merge missing.json &&
	expect_stderr_contains "cannot read '"'"'missing.json'"'"'" &&
	expect_exit 2 threatgate scan --merge &&
	expect_stderr_contains "--merge needs the JSON reports" &&
	expect_exit 2 threatgate scan --merge --rev HEAD api.json &&
	expect_stderr_contains "--merge reads reports"
'

test_done
