#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='an approval of the pull request is the sign-off (check --approvals)

hooks/pr-approvals reads the approvals of a pull request from the forge
(tests/integration/fake-forge.py: GitHub reviews, paginated, and GitLab
approvals) into a JSON file; threatgate check --range --approvals FILE
counts an approval by a security reviewer given at a commit where the
design is as at the head. An approval before the design'"'"'s last change,
by someone who is not a reviewer, or by the pull request'"'"'s author does
not count; a forge that refuses (403, 404) counts nothing.'

. "$(dirname "$0")/lib.sh"

APPROVALS=$SOURCE_DIRECTORY/hooks/pr-approvals

# forge NAME: start a fake forge with NAME/seed.json (already written).
forge_pid=
forge() {
	rm -f "$1/port" "$1/stop"
	{ python3 "$TEST_DIRECTORY/fake-forge.py" "$1" --max-requests 60 --timeout 60 & } &&
		forge_pid=$! &&
		for _ in $(seq 200); do
			[ -s "$1/port" ] && break
			sleep 0.05
		done &&
		[ -s "$1/port" ] &&
		PORT=$(cat "$1/port")
}
forge_stop() {
	: >"$1/stop"
	wait "$forge_pid" 2>/dev/null || :
}

# github NAME [VAR=VALUE...]: run pr-approvals against forge NAME.
github() {
	local dir=$1
	shift
	env GITHUB_API_URL="http://127.0.0.1:$PORT" GITHUB_REPOSITORY=acme/designs \
		TG_PR_NUMBER=7 GITHUB_TOKEN=good-token "$@" \
		"$APPROVALS" --github --output "$dir/approvals.json"
}

# seed NAME JSON: a forge folder with that seed.
seed() {
	mkdir -p "$1" && printf '%s\n' "$2" >"$1/seed.json"
}

test_expect_success 'set up: a design needing a sign-off on a topic branch, reviewers in the policy' '
	test_require python3 curl jq &&
	git init -q repo &&
	cd repo &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		reviewer = @alice <alice@example.com>
		reviewer = @omar <omar@example.com>
	EOF
	git add . &&
	git commit -q -m "policy" &&
	git tag base &&
	git checkout -q -b export &&
	tg_doc_good | sed -e "s/^- \[x\] Security review: @alice (2026-11-01)$/- [ ] Security review: @alice/" \
		| write_file docs/design/export.md &&
	git add . &&
	git commit -q -m "export design" &&
	git tag v1 &&
	expect_exit 1 threatgate check --range base...HEAD &&
	expect_stdout_contains "[signoff-required]"
'

test_expect_success 'approved by a reviewer at the head: the check passes, and says who signed and how' '
	cd repo &&
	head=$(git rev-parse HEAD) &&
	seed ../f1 "{\"pull\": {\"author\": \"jane\", \"head\": \"$head\"},
	  \"reviews\": [{\"user\": \"alice\", \"state\": \"APPROVED\", \"commit_id\": \"$head\"}]}" &&
	forge ../f1 &&
	expect_exit 0 github ../f1 &&
	forge_stop ../f1 &&
	expect_stderr_contains "1 approval(s) of pull request #7" &&
	jq -e ".forge == \"github\" and .author == \"jane\" and .head == \"$head\" and
	       .approvals == [{\"login\": \"alice\", \"email\": null, \"commit\": \"$head\", \"at\": \"2026-11-27T10:00:00Z\"}]" ../f1/approvals.json &&
	expect_exit 0 threatgate check --range base...HEAD --approvals ../f1/approvals.json &&
	expect_stdout_contains "docs/design/export.md: signed by alice, who approved the pull request" &&
	expect_exit 0 threatgate check --range base...HEAD --approvals ../f1/approvals.json --format json &&
	jq -e ".documents[0].signoff | .present and .via == \"approval\" and .by == [\"alice\"]" "$TG_LAST_STDOUT" &&
	expect_exit 0 threatgate check --range base...HEAD --approvals ../f1/approvals.json --format markdown &&
	expect_stdout_contains "(approved the pull request)"
'

test_expect_success 'approved before a later change of the design: it does not count; a later change elsewhere keeps it' '
	cd repo &&
	v1=$(git rev-parse v1) &&
	echo "int export(void);" | write_file src/export.c &&
	git add src/export.c &&
	git commit -q -m "code only" &&
	seed ../f2 "{\"pull\": {\"author\": \"jane\", \"head\": \"$(git rev-parse HEAD)\"},
	  \"reviews\": [{\"user\": \"alice\", \"state\": \"APPROVED\", \"commit_id\": \"$v1\"}]}" &&
	forge ../f2 &&
	expect_exit 0 github ../f2 &&
	forge_stop ../f2 &&
	expect_exit 0 threatgate check --range base...HEAD --approvals ../f2/approvals.json &&
	sed -e "s/^| T2 | Rotation job replaced by a modified image | Tampering | P3 |/| T2 | Rotation job replaced by a modified image | Tampering | P4 |/" \
		docs/design/export.md >tmp && mv tmp docs/design/export.md &&
	git commit -q -a -m "lower T2 after the approval" &&
	expect_exit 1 threatgate check --range base...HEAD --approvals ../f2/approvals.json &&
	expect_stdout_contains "the approval by @alice at ${v1:0:7} does not count: the design changed after it" &&
	git reset -q --hard HEAD~2
'

test_expect_success 'approved by someone who is not a security reviewer: it does not count' '
	cd repo &&
	head=$(git rev-parse HEAD) &&
	seed ../f3 "{\"pull\": {\"author\": \"jane\", \"head\": \"$head\"},
	  \"reviews\": [{\"user\": \"mallory\", \"state\": \"APPROVED\", \"commit_id\": \"$head\"}]}" &&
	forge ../f3 &&
	expect_exit 0 github ../f3 &&
	forge_stop ../f3 &&
	expect_exit 1 threatgate check --range base...HEAD --approvals ../f3/approvals.json &&
	expect_stdout_contains "the approval by @mallory does not count: not a security reviewer, or their own design"
'

test_expect_success 'the pull request'"'"'s author approving their own: it does not count' '
	cd repo &&
	head=$(git rev-parse HEAD) &&
	seed ../f4 "{\"pull\": {\"author\": \"omar\", \"head\": \"$head\"},
	  \"reviews\": [{\"user\": \"omar\", \"state\": \"APPROVED\", \"commit_id\": \"$head\"}]}" &&
	forge ../f4 &&
	expect_exit 0 github ../f4 &&
	forge_stop ../f4 &&
	jq -e ".author == \"omar\" and .approvals[0].login == \"omar\"" ../f4/approvals.json &&
	expect_exit 1 threatgate check --range base...HEAD --approvals ../f4/approvals.json &&
	expect_stdout_contains "the approval by @omar does not count"
'

test_expect_success 'pagination: every page is read, and a reviewer'"'"'s latest review decides' '
	cd repo &&
	head=$(git rev-parse HEAD) &&
	seed ../f5 "{\"pull\": {\"author\": \"jane\", \"head\": \"$head\"},
	  \"reviews\": [{\"user\": \"li\", \"state\": \"COMMENTED\", \"commit_id\": \"$head\"},
	               {\"user\": \"omar\", \"state\": \"APPROVED\", \"commit_id\": \"$head\"},
	               {\"user\": \"li\", \"state\": \"COMMENTED\", \"commit_id\": \"$head\"},
	               {\"user\": \"omar\", \"state\": \"CHANGES_REQUESTED\", \"commit_id\": \"$head\"},
	               {\"user\": \"li\", \"state\": \"COMMENTED\", \"commit_id\": \"$head\"},
	               {\"user\": \"alice\", \"state\": \"APPROVED\", \"commit_id\": \"$head\"}]}" &&
	forge ../f5 &&
	expect_exit 0 github ../f5 &&
	forge_stop ../f5 &&
	test "$(grep -c "\"path\": \"/repos/acme/designs/pulls/7/reviews\"" ../f5/requests.jsonl)" -eq 3 &&
	jq -e "[.approvals[].login] == [\"alice\"]" ../f5/approvals.json &&
	expect_exit 0 threatgate check --range base...HEAD --approvals ../f5/approvals.json
'

test_expect_success '403 and 404: the script says why, writes no approval, exits 1; the check still blocks' '
	cd repo &&
	seed ../f6 "{\"pull\": {\"author\": \"jane\", \"head\": \"$(git rev-parse HEAD)\"},
	  \"reviews\": [{\"user\": \"alice\", \"state\": \"APPROVED\"}]}" &&
	forge ../f6 &&
	expect_exit 1 github ../f6 GITHUB_TOKEN=forbidden-token &&
	expect_stderr_contains "the token may not read the description of pull request #7 (HTTP 403: Resource not accessible by integration)" &&
	jq -e ".approvals == [] and (.error | test(\"403\"))" ../f6/approvals.json &&
	expect_exit 1 threatgate check --range base...HEAD --approvals ../f6/approvals.json &&
	expect_exit 1 github ../f6 TG_PR_NUMBER=8 &&
	expect_stderr_contains "(HTTP 404: Not Found): it does not exist or the token cannot see it" &&
	jq -e ".approvals == []" ../f6/approvals.json &&
	forge_stop ../f6 &&
	! grep -q good-token "$TG_LAST_STDERR" &&
	expect_exit 1 threatgate check --range base...HEAD --approvals ../f6/approvals.json
'

test_expect_success 'GitLab: approvals count at the head when approvals reset on push, else they carry no commit' '
	cd repo &&
	head=$(git rev-parse HEAD) &&
	seed ../f7 "{\"pull\": {\"author\": \"jane\", \"head\": \"$head\"},
	  \"gitlab_approvals\": [\"alice\"], \"gitlab_reset_on_push\": true}" &&
	forge ../f7 &&
	CI_API_V4_URL="http://127.0.0.1:$PORT/api/v4" CI_PROJECT_ID=42 CI_MERGE_REQUEST_IID=3 \
		GITLAB_TOKEN=good-token expect_exit 0 "$APPROVALS" --gitlab --output ../f7/approvals.json &&
	forge_stop ../f7 &&
	jq -e ".forge == \"gitlab\" and .approvals[0].login == \"alice\" and .approvals[0].commit == \"$head\"" ../f7/approvals.json &&
	expect_exit 0 threatgate check --range base...HEAD --approvals ../f7/approvals.json &&
	seed ../f8 "{\"pull\": {\"author\": \"jane\", \"head\": \"$head\"},
	  \"gitlab_approvals\": [\"alice\"], \"gitlab_reset_on_push\": false}" &&
	forge ../f8 &&
	CI_API_V4_URL="http://127.0.0.1:$PORT/api/v4" CI_PROJECT_ID=42 CI_MERGE_REQUEST_IID=3 \
		GITLAB_TOKEN=good-token expect_exit 0 "$APPROVALS" --gitlab --output ../f8/approvals.json &&
	forge_stop ../f8 &&
	expect_stderr_contains "reset_approvals_on_push is off" &&
	jq -e ".approvals[0].commit == null" ../f8/approvals.json &&
	expect_exit 1 threatgate check --range base...HEAD --approvals ../f8/approvals.json &&
	expect_stdout_contains "the approval by @alice (no commit known) does not count"
'

test_expect_success 'hooks/ci-check takes the approvals (TG_APPROVALS): the change passes with them, blocks without' '
	cd repo &&
	TG_BASE=base TG_OUT=../ci expect_exit 1 "$SOURCE_DIRECTORY/hooks/ci-check" &&
	TG_BASE=base TG_OUT=../ci TG_APPROVALS=../f1/approvals.json \
		expect_exit 0 "$SOURCE_DIRECTORY/hooks/ci-check" &&
	jq -e ".documents[0].signoff.via == \"approval\"" ../ci/threatgate.json
'

test_expect_success 'annotate records who signed and by which means' '
	cd repo &&
	expect_exit 0 threatgate annotate --range base...HEAD --approvals ../f1/approvals.json &&
	git notes --ref=threatgate show HEAD >note &&
	grep -x "signed: docs/design/export.md by alice (an approval of the pull request)" note &&
	expect_exit 0 threatgate annotate --range base...HEAD &&
	git notes --ref=threatgate show HEAD >note &&
	head -n 1 note | grep -q "^threatgate: blocked" &&
	! grep -q "^signed:" note
'

test_expect_success 'a broken approvals file is exit 2 saying why; --approvals needs --range' '
	cd repo &&
	echo "{\"approvals\": [{\"commit\": \"x\"}]}" >../bad.json &&
	expect_exit 2 threatgate check --range base...HEAD --approvals ../bad.json &&
	expect_stderr_contains "approval 1 must be an object with a \"login\" or an \"email\"" &&
	echo "not json" >../bad.json &&
	expect_exit 2 threatgate check --range base...HEAD --approvals ../bad.json &&
	expect_stderr_contains "cannot read the approvals" &&
	expect_exit 2 threatgate check --staged --approvals ../bad.json &&
	expect_stderr_contains "--approvals needs --range"
'

test_done
