#!/bin/bash
test_description='scan: drift of covered code since the threat model review, over a generated history'
. "$(dirname "$0")/lib.sh"

# commit_at DATE WHO MESSAGE: commit what is staged, authored and committed
# by WHO ("Name <email>") at noon UTC on DATE.
commit_at() {
	local name=${2% <*} email=${2#*<}
	email=${email%>}
	GIT_AUTHOR_DATE="$1T12:00:00+0000" GIT_COMMITTER_DATE="$1T12:00:00+0000" \
	GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email" \
		git commit -q -m "$3"
}

# touch_at FILE DATE WHO: change FILE and commit it.
touch_at() {
	mkdir -p "$(dirname "$1")" &&
		echo "$2 $3" >>"$1" &&
		git add "$1" &&
		commit_at "$2" "$3" "change $1"
}

# design_doc COVERS REVIEWED: a passing doc on stdout; empty COVERS leaves
# the field out, empty REVIEWED the date.
design_doc() {
	tg_doc_good | sed \
		-e "s|^covers: .*|${1:+covers: $1}|" \
		-e "s|^threat-model-reviewed: .*|${2:+threat-model-reviewed: $2}|"
}

ALICE='Alice Doe <alice@example.com>'
BOB='Bob Roe <bob@example.com>'
CAROL='Carol Poe <carol@example.com>'

test_expect_success 'set up a history of docs and covered code' '
	git init -q repo &&
	cd repo &&
	design_doc "[services/a/**]" 2026-10-01 >a.md &&
	design_doc "[services/b/**]" 2026-11-20 >b.md &&
	design_doc "" 2026-10-01 >c.md &&
	design_doc "[services/d/**]" "" >d.md &&
	design_doc "[\"infra/**/*.tf\"]" 2026-10-01 >e.md &&
	mkdir -p docs/design &&
	mv a.md b.md c.md d.md e.md docs/design/ &&
	printf "\\000\\001binary" >docs/design/blob.md &&
	git add docs &&
	commit_at 2026-08-01 "$ALICE" "designs" &&

	touch_at services/a/main.go 2026-09-01 "$ALICE" &&
	touch_at services/d/main.go 2026-10-01 "$BOB" &&
	touch_at services/a/main.go 2026-10-05 "$BOB" &&
	touch_at services/b/main.go 2026-10-10 "$CAROL" &&
	sed -i "s/| T3 | Operator denies forcing an early rotation/| T3 | Operator denies forcing a rotation/" docs/design/d.md &&
	git add docs/design/d.md &&
	commit_at 2026-10-15 "$CAROL" "d: threat model reviewed" &&
	git rev-parse HEAD >../d-review &&
	touch_at services/a/api/handler.go 2026-10-20 "$CAROL" &&
	touch_at services/d/main.go 2026-10-25 "$ALICE" &&
	touch_at services/b/main.go 2026-11-01 "$BOB" &&
	touch_at services/d/util.go 2026-11-05 "$BOB" &&
	sed -i "s/^Rotate the signing key/Rotate the key/" docs/design/d.md &&
	git add docs/design/d.md &&
	commit_at 2026-11-06 "$ALICE" "d: prose only" &&
	touch_at infra/README.md 2026-11-07 "$ALICE" &&
	touch_at infra/prod/main.tf 2026-11-08 "$BOB" &&
	touch_at services/a/main.go 2026-11-10 "$ALICE" &&
	git rev-parse HEAD >../a-newest-main &&

	git checkout -q -b topic &&
	touch_at services/a/topic.go 2026-11-12 "$CAROL" &&
	git rev-parse HEAD >../a-newest &&
	git checkout -q main &&
	GIT_AUTHOR_DATE=2026-11-13T12:00:00+0000 GIT_COMMITTER_DATE=2026-11-13T12:00:00+0000 \
		git merge -q --no-ff -m "merge topic" topic &&
	touch_at unrelated/file.txt 2026-11-14 "$ALICE"
'

test_expect_success 'scan --format json reports the drift of each document' '
	cd repo &&
	expect_exit 0 threatgate scan --format json &&
	cp "$TG_LAST_STDOUT" ../scan.json &&
	jq -e ".kind == \"scan\" and (.documents | length) == 6" ../scan.json >/dev/null
'

# drift PATH: the drift object of PATH in ../scan.json
drift() {
	jq -c --arg p "docs/design/$1" ".documents[] | select(.path == \$p) | .drift" ../scan.json
}

test_expect_success 'covered code changed after the review: flagged with the right count' '
	cd repo &&
	test "$(drift a.md | jq .commits)" = 4 &&
	test "$(drift a.md | jq -r .newest)" = "$(cat ../a-newest)" &&
	test "$(drift a.md | jq -r .newest_date)" = 2026-11-12 &&
	test "$(drift a.md | jq -r .since)" = 2026-10-01 &&
	test "$(drift a.md | jq -c .authors)" = "[\"Carol Poe <carol@example.com>\",\"Alice Doe <alice@example.com>\",\"Bob Roe <bob@example.com>\"]" &&
	test "$(drift a.md | jq .bounded)" = false
'

test_expect_success 'review after the changes: not flagged' '
	cd repo &&
	test "$(drift b.md | jq .commits)" = 0 &&
	test "$(drift b.md | jq .newest)" = null &&
	test "$(drift b.md | jq -c .authors)" = "[]"
'

test_expect_success 'no covers: no drift at all' '
	cd repo &&
	test "$(drift c.md)" = null
'

test_expect_success 'no reviewed date: the last commit that changed the threat model section is the review point' '
	cd repo &&
	test "$(drift d.md | jq -r .since)" = "$(cat ../d-review)" &&
	test "$(drift d.md | jq .commits)" = 2 &&
	test "$(drift d.md | jq -c .authors)" = "[\"Bob Roe <bob@example.com>\",\"Alice Doe <alice@example.com>\"]"
'

test_expect_success 'a glob with a wildcard folder matches only what it names' '
	cd repo &&
	test "$(drift e.md | jq .commits)" = 1
'

test_expect_success 'an unreadable document is listed as such and does not stop the scan' '
	cd repo &&
	jq -e ".documents[] | select(.path == \"docs/design/blob.md\") |
		.readable == false and .drift == null and .findings.errors == 1" \
		../scan.json >/dev/null &&
	jq -e ".summary.unreadable == 1 and .summary.drifting == 3" ../scan.json >/dev/null
'

test_expect_success '--since bounds the walk: counts become lower bounds' '
	cd repo &&
	expect_exit 0 threatgate scan --format json --since 2026-10-18 &&
	jq -e ".repositories[0].history_complete == false" "$TG_LAST_STDOUT" >/dev/null &&
	jq -e ".documents[] | select(.path == \"docs/design/a.md\") |
		.drift.commits == 3 and .drift.bounded == true" "$TG_LAST_STDOUT" >/dev/null &&
	jq -e ".documents[] | select(.path == \"docs/design/b.md\") |
		.drift.commits == 0 and .drift.bounded == false" "$TG_LAST_STDOUT" >/dev/null
'

test_expect_success '--max-commits bounds the walk too' '
	cd repo &&
	expect_exit 0 threatgate scan --format json --max-commits 3 &&
	jq -e ".repositories[0].commits_walked == 3" "$TG_LAST_STDOUT" >/dev/null &&
	jq -e ".documents[] | select(.path == \"docs/design/a.md\") |
		.drift.commits == 1 and .drift.bounded == true" "$TG_LAST_STDOUT" >/dev/null
'

test_expect_success '--rev scans an older revision' '
	cd repo &&
	expect_exit 0 threatgate scan --format json --rev "$(cat ../a-newest-main)" &&
	jq -e ".documents[] | select(.path == \"docs/design/a.md\") |
		.drift.commits == 3" "$TG_LAST_STDOUT" >/dev/null
'

test_expect_success 'text output names the drifting documents, their newest commit and authors' '
	cd repo &&
	expect_exit 0 threatgate scan &&
	expect_stdout_contains "docs/design/a.md: 4 commits to covered code since the review of 2026-10-01; newest $(cut -c1-12 ../a-newest) (2026-11-12) by Carol Poe <carol@example.com>, Alice Doe <alice@example.com>, Bob Roe <bob@example.com>" &&
	expect_stdout_contains "docs/design/d.md: 2 commits to covered code since commit $(cut -c1-12 ../d-review) changed the threat model" &&
	expect_stdout_lacks "docs/design/b.md: " &&
	expect_stdout_matches "^unreadable +docs/design/blob.md"
'

test_expect_success 'a shallow clone ends history at its boundary instead of failing' '
	git clone -q --depth 3 "file://$TRASH_DIRECTORY/repo" shallow &&
	cd shallow &&
	expect_exit 0 threatgate scan --format json &&
	jq -e ".repositories[0].history_complete == false" "$TG_LAST_STDOUT" >/dev/null
'

test_expect_success 'committer dates out of order (clock skew): the walk looks past an older commit' '
	git init -q skew &&
	cd skew &&
	design_doc "[services/a/**]" 2026-10-01 >a.md &&
	design_doc "[services/z/**]" 2026-10-01 >z.md &&
	mkdir -p docs/design &&
	mv a.md z.md docs/design/ &&
	git add docs &&
	commit_at 2026-08-01 "$ALICE" "designs" &&
	touch_at services/a/main.go 2026-10-20 "$BOB" &&
	touch_at services/a/main.go 2026-11-18 "$CAROL" &&
	touch_at services/z/old.go 2026-09-01 "$ALICE" &&
	touch_at services/z/main.go 2026-11-20 "$ALICE" &&
	expect_exit 0 threatgate scan --format json &&
	jq -e ".documents[] | select(.path == \"docs/design/a.md\") | .drift.commits == 2" "$TG_LAST_STDOUT" >/dev/null &&
	jq -e ".documents[] | select(.path == \"docs/design/z.md\") | .drift.commits == 1" "$TG_LAST_STDOUT" >/dev/null
'

test_done
