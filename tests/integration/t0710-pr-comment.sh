#!/bin/bash
test_description='hooks/pr-comment against a local stand-in for GitHub and GitLab

tests/integration/fake-forge.py listens on 127.0.0.1 (a port the system
picks), answers as the forges'"'"' comment APIs do (list with pagination,
create, update, 401, 403, 404), records every request and stops by
itself. The script creates the threatgate comment once and updates it on
the next run (never two), finds it on a later page, falls back to the step
summary when the token cannot comment, and never prints the token.'

. "$(dirname "$0")/lib.sh"

SERVER=$TRASH_DIRECTORY/server
TOKEN=good-token

# The script under test, through a wrapper that also keeps everything it
# prints in all-output.log, so that a test can look for the token there.
PR_COMMENT=$TRASH_DIRECTORY/pr-comment
cat >"$PR_COMMENT" <<EOF
#!/bin/bash
out=\$(mktemp) && err=\$(mktemp) || exit 99
"$SOURCE_DIRECTORY/hooks/pr-comment" "\$@" >"\$out" 2>"\$err"
status=\$?
cat "\$out"
cat "\$err" >&2
cat "\$out" "\$err" >>"$TRASH_DIRECTORY/all-output.log"
rm -f "\$out" "\$err"
exit "\$status"
EOF
chmod +x "$PR_COMMENT"

# The server runs for the whole script: started here, stopped before
# test_done (and by itself after 150 requests or 120 seconds anyway).
server_pid=
start_server() {
	mkdir -p "$SERVER" &&
		cat >"$SERVER/seed.json" <<-\EOF &&
		{"github": [{"body": "Looks good to me", "user": "omar"},
		            {"body": "Can we add a diagram?", "user": "li"},
		            {"body": "<!-- another-bot -->\nCoverage: 81%", "user": "coverage-bot"}],
		 "gitlab": [{"body": "First!", "user": "omar"},
		            {"body": "LGTM", "user": "li"},
		            {"body": "Please rebase", "user": "jane"}],
		 "gitlab_link": false}
		EOF
		{ python3 "$TEST_DIRECTORY/fake-forge.py" "$SERVER" \
			--max-requests 150 --timeout 120 &
		} &&
		server_pid=$! &&
		for _ in $(seq 200); do
			[ -s "$SERVER/port" ] && break
			sleep 0.05
		done &&
		[ -s "$SERVER/port" ]
}
stop_server() {
	if [ -n "$server_pid" ]; then
		: >"$SERVER/stop"
		wait "$server_pid" 2>/dev/null
		server_pid=
	fi
}
if command -v python3 >/dev/null 2>&1 && start_server; then
	PORT=$(cat "$SERVER/port")
else
	PORT=
fi
export PORT SERVER PR_COMMENT TOKEN

# github CMD...: run CMD with the variables GitHub Actions sets, pointed
# at the server; gitlab CMD...: the same for GitLab CI.
github() {
	GITHUB_ACTIONS=true GITHUB_API_URL="http://127.0.0.1:$PORT" \
		GITHUB_REPOSITORY=acme/designs "$@"
}
gitlab() {
	GITLAB_CI=true CI_API_V4_URL="http://127.0.0.1:$PORT/api/v4" \
		CI_PROJECT_ID=42 CI_MERGE_REQUEST_IID=3 "$@"
}

# requests METHOD PATH-PREFIX: how many such requests the server saw.
requests() {
	jq -s --arg m "$1" --arg p "$2" \
		'[.[] | select(.method == $m and (.path | startswith($p)))] | length' \
		"$SERVER/requests.jsonl"
}
# marked FORGE: the comments that carry the threatgate marker.
marked() {
	jq --arg f "$1" '[.[$f][] | select(.body | contains("<!-- threatgate:pr-comment -->"))] | length' \
		"$SERVER/comments.json"
}

test_expect_success 'the local forge is up, and the report to post is real' '
	test_require curl jq python3 &&
	test -n "$PORT" &&
	git init -q work &&
	cp "$SOURCE_DIRECTORY/templates/examples/profile-photos.sdd.md" \
		"$SOURCE_DIRECTORY/templates/examples/payments-webhook.sdd.md" work/ &&
	cd work &&
	expect_exit 1 threatgate check --format markdown --fail-on error . &&
	cp "$TG_LAST_STDOUT" ../report.md &&
	head -n 1 ../report.md | grep -qxF "<!-- threatgate:pr-comment -->"
'

test_expect_success 'GitHub: the first run creates the comment, after reading every page' '
	TG_PR_NUMBER=7 GITHUB_TOKEN=$TOKEN github \
		expect_exit 0 "$PR_COMMENT" report.md &&
	expect_stderr_contains "pr-comment: commented on pull request #7 (comment " &&
	test "$(requests GET /repos/acme/designs/issues/7/comments)" = 2 &&
	test "$(requests POST /repos/acme/designs/issues/7/comments)" = 1 &&
	test "$(marked github)" = 1 &&
	jq -e ".github[3].body == \$body" --rawfile body report.md "$SERVER/comments.json" >/dev/null
'

test_expect_success 'GitHub: the second run updates that comment, found on page 2; never two' '
	printf "%s\n### updated\n" "<!-- threatgate:pr-comment -->" >report2.md &&
	TG_PR_NUMBER=7 GITHUB_TOKEN=$TOKEN github \
		expect_exit 0 "$PR_COMMENT" report2.md &&
	expect_stderr_contains "pr-comment: updated the threatgate comment on pull request #7" &&
	test "$(requests GET /repos/acme/designs/issues/7/comments)" = 4 &&
	test "$(requests POST /repos/acme/designs/issues/7/comments)" = 1 &&
	test "$(requests PATCH /repos/acme/designs/issues/comments/)" = 1 &&
	test "$(marked github)" = 1 &&
	jq -e ".github | length == 4" "$SERVER/comments.json" >/dev/null &&
	jq -e ".github[3].body | endswith(\"### updated\n\")" "$SERVER/comments.json" >/dev/null &&
	# The pages were asked for as the Link header said.
	jq -s -e "[.[] | select(.method == \"GET\") | .query.page[0] // \"1\"] == [\"1\",\"2\",\"1\",\"2\"]" \
		"$SERVER/requests.jsonl" >/dev/null
'

test_expect_success 'GitHub: the pull request number comes from the event file' '
	echo "{\"pull_request\": {\"number\": 7}}" >event.json &&
	GITHUB_EVENT_PATH=$TRASH_DIRECTORY/event.json GITHUB_TOKEN=$TOKEN github \
		expect_exit 0 "$PR_COMMENT" report.md &&
	expect_stderr_contains "updated the threatgate comment on pull request #7" &&
	test "$(marked github)" = 1
'

test_expect_success 'GitHub: a token that cannot comment (a fork) falls back to the step summary' '
	echo "# earlier" >summary.md &&
	before=$(wc -l <"$SERVER/requests.jsonl") &&
	TG_PR_NUMBER=7 GITHUB_TOKEN=read-only-token \
		GITHUB_STEP_SUMMARY=$TRASH_DIRECTORY/summary.md github \
		expect_exit 0 "$PR_COMMENT" report.md &&
	expect_stderr_contains "the token cannot update the comment on pull request #7 (HTTP 403: Resource not accessible by integration); a pull request from a fork gets a read-only token" &&
	expect_stderr_contains "the report is in the job summary instead" &&
	head -n 1 summary.md | grep -qx "# earlier" &&
	grep -qF "<!-- threatgate:pr-comment -->" summary.md &&
	grep -qF "this change is blocked" summary.md &&
	tail -n +$((before + 1)) "$SERVER/requests.jsonl" | jq -s -e "[.[] | .status] | last == 403" >/dev/null &&
	test "$(marked github)" = 1
'

test_expect_success 'GitHub: a pull request the token cannot see (404), or no token at all' '
	TG_PR_NUMBER=99 GITHUB_TOKEN=$TOKEN GITHUB_STEP_SUMMARY=$TRASH_DIRECTORY/s404.md github \
		expect_exit 0 "$PR_COMMENT" report.md &&
	expect_stderr_contains "cannot read the comments on pull request #99 (HTTP 404: Not Found)" &&
	grep -qF "<!-- threatgate:pr-comment -->" s404.md &&
	TG_PR_NUMBER=7 GITHUB_TOKEN=wrong GITHUB_STEP_SUMMARY=$TRASH_DIRECTORY/s401.md github \
		expect_exit 0 "$PR_COMMENT" report.md &&
	expect_stderr_contains "the token was refused while trying to read the comments (HTTP 401: Bad credentials); check GITHUB_TOKEN" &&
	before=$(wc -l <"$SERVER/requests.jsonl") &&
	TG_PR_NUMBER=7 GITHUB_TOKEN= github expect_exit 0 "$PR_COMMENT" report.md &&
	expect_stderr_contains "no token to comment with (set GITHUB_TOKEN)" &&
	expect_stderr_contains "the report follows, in the job log:" &&
	expect_stdout_contains "<!-- threatgate:pr-comment -->" &&
	test "$(wc -l <"$SERVER/requests.jsonl")" = "$before"
'

test_expect_success 'a passing run with --no-pass-comment: nothing new, the old comment says it passes now' '
	: >empty.md &&
	TG_PR_NUMBER=7 GITHUB_TOKEN=$TOKEN github \
		expect_exit 0 "$PR_COMMENT" empty.md &&
	expect_stderr_contains "updated the threatgate comment" &&
	jq -e ".github[3].body | contains(\"nothing blocks this change any more\")" "$SERVER/comments.json" >/dev/null &&
	test "$(marked github)" = 1 &&
	GITLAB_TOKEN=$TOKEN gitlab expect_exit 0 "$PR_COMMENT" --gitlab empty.md &&
	expect_stderr_contains "the check passed and there is no earlier comment: nothing to post" &&
	test "$(requests POST /api/v4/)" = 0
'

test_expect_success 'GitLab: create once, then update, paging with X-Next-Page' '
	GITLAB_TOKEN=$TOKEN gitlab expect_exit 0 "$PR_COMMENT" report.md &&
	expect_stderr_contains "pr-comment: commented on merge request !3 (comment " &&
	GITLAB_TOKEN=$TOKEN gitlab expect_exit 0 "$PR_COMMENT" --gitlab report2.md &&
	expect_stderr_contains "pr-comment: updated the threatgate comment on merge request !3" &&
	test "$(requests POST /api/v4/projects/42/merge_requests/3/notes)" = 1 &&
	test "$(requests PUT /api/v4/projects/42/merge_requests/3/notes/)" = 1 &&
	test "$(marked gitlab)" = 1 &&
	jq -e ".gitlab | length == 4" "$SERVER/comments.json" >/dev/null &&
	jq -s -e "[.[] | select(.method == \"GET\" and (.path | startswith(\"/api/v4/\"))) | .query.page[0] // \"1\"] | .[-2:] == [\"1\",\"2\"]" \
		"$SERVER/requests.jsonl" >/dev/null
'

test_expect_success 'GitLab: a token without the right to write notes falls back to the job log' '
	GITLAB_TOKEN=read-only-token gitlab expect_exit 0 "$PR_COMMENT" report.md &&
	expect_stderr_contains "the token cannot update the comment on merge request !3 (HTTP 403" &&
	expect_stdout_contains "<!-- threatgate:pr-comment -->"
'

test_expect_success 'the token never shows: not in output, not in URLs, and only where it is due' '
	test -s all-output.log &&
	grep -q "updated the threatgate comment" all-output.log &&
	! grep -F -e "$TOKEN" -e read-only-token all-output.log summary.md s404.md s401.md \
		"$SERVER/comments.json" &&
	jq -s -e "all(.[]; .token_in_url == false)" "$SERVER/requests.jsonl" >/dev/null &&
	# Each request carried the token in its header, the only place for it.
	jq -s -e "[.[] | select(.token == \"none\")] | length == 0" "$SERVER/requests.jsonl" >/dev/null
'

test_expect_success 'bad usage is exit 2; an unreachable forge is exit 1' '
	expect_exit 2 "$PR_COMMENT" &&
	expect_exit 2 "$PR_COMMENT" --bogus report.md &&
	expect_exit 2 env -u GITHUB_REPOSITORY "$PR_COMMENT" report.md &&
	TG_PR_NUMBER=7 GITHUB_TOKEN=$TOKEN GITHUB_API_URL=http://127.0.0.1:1 \
		GITHUB_REPOSITORY=acme/designs expect_exit 1 "$PR_COMMENT" --github report.md &&
	expect_stderr_contains "cannot reach http://127.0.0.1:1"
'

# The CI templates' steps, run as the forges would run them, against the
# local forge: the steps of action.yml (which the GitHub workflow template
# uses) with their env and if: evaluated by ci-yaml.py from a context of
# the event, and the GitLab job's script lines. The installed hooks'
# paths point at this tree's.
ACTION=$SOURCE_DIRECTORY/action.yml
hooks_here() {
	sed -e "s|/usr/share/threatgate/hooks/pr-comment|$PR_COMMENT|g" \
		-e "s|/usr/share/threatgate/hooks/ci-check|$SOURCE_DIRECTORY/hooks/ci-check|g"
}
# action_step NAME CONTEXT.json: the step NAME of action.yml as a script.
action_step() {
	/usr/bin/python3 "$TEST_DIRECTORY/ci-yaml.py" step "$ACTION" "threatgate - $1" "$2" | hooks_here
}
gitlab_part() {
	/usr/bin/python3 "$TEST_DIRECTORY/ci-yaml.py" gitlab "$SOURCE_DIRECTORY/templates/ci/gitlab-ci.yml" "$1" | hooks_here
}
# context EVENT BASE HEAD [NUMBER [FORK]]: what GitHub gives the action's
# expressions, with the step outputs written so far (gh-output).
context() {
	jq -n --arg event "$1" --arg base "$2" --arg head "$3" --arg number "${4:-}" \
		--arg repo "${5:-acme/designs}" --arg temp "$TRASH_DIRECTORY/runner-temp" \
		--rawfile out "$TRASH_DIRECTORY/gh-output" '
	  ($out | split("\n") | map(select(contains("=")) | {key: .[:index("=")], value: .[index("=")+1:]}) | from_entries) as $check |
	  {github: ({event_name: $event, repository: "acme/designs", sha: $head, token: "good-token"} +
	            (if $event == "pull_request" then {event: {pull_request: {number: ($number | tonumber),
	               base: {sha: $base}, head: {sha: $head, repo: {full_name: $repo}}}}}
	             elif $event == "merge_group" then {event: {merge_group: {base_sha: $base, head_sha: $head}}}
	             else {event: {}} end)),
	   inputs: {format: "github", "fail-on": "error", comment: "true", "upload-sarif": "true",
	            checkout: "true", token: "good-token"},
	   runner: {temp: $temp, os: "Linux", arch: "X64"},
	   steps: {check: {outputs: $check}}}'
}
# gh_step NAME EVENT BASE HEAD [NUMBER [FORK]]: run the step as GitHub would.
gh_step() {
	local name=$1
	shift
	context "$@" >"$TRASH_DIRECTORY/ctx.json" &&
		action_step "$name" "$TRASH_DIRECTORY/ctx.json" >"$TRASH_DIRECTORY/step.sh" &&
		GITHUB_ACTIONS=true GITHUB_API_URL="http://127.0.0.1:$PORT" GITHUB_REPOSITORY=acme/designs \
		GITHUB_OUTPUT=$TRASH_DIRECTORY/gh-output GITHUB_WORKSPACE=$PWD \
		GITHUB_STEP_SUMMARY=$TRASH_DIRECTORY/gh-summary.md \
		expect_exit "$STEP_EXIT" bash -e "$TRASH_DIRECTORY/step.sh"
}

test_expect_success 'a pull request to run the CI templates on' '
	test_require git &&
	/usr/bin/python3 -c "import yaml" &&
	git init -q pr &&
	cp "$SOURCE_DIRECTORY/templates/examples/payments-webhook.sdd.md" pr/ &&
	git -C pr add . &&
	git -C pr commit -q -m base &&
	git -C pr branch main-base &&
	mkdir -p pr/src && echo "code" >pr/src/app.c &&
	git -C pr add . && git -C pr commit -q -m "code only" &&
	git -C pr branch code-only &&
	cp "$SOURCE_DIRECTORY/templates/examples/profile-photos.sdd.md" pr/ &&
	git -C pr add . &&
	git -C pr commit -q -m "profile photos"
'

test_expect_success 'the action on a pull request that changes no design document: no comment' '
	cd pr &&
	: >../gh-output &&
	base=$(git rev-parse main-base) && head=$(git rev-parse code-only) &&
	posts=$(requests POST /repos/acme/designs/issues/7/comments) &&
	STEP_EXIT=0 gh_step "check the design documents" pull_request "$base" "$head" 7 &&
	grep -qx "status=0" ../gh-output && grep -qx "documents=0" ../gh-output &&
	grep -qx "markdown=" ../gh-output &&
	expect_stderr_contains "the change touches no design document: no comment" &&
	test ! -s ../runner-temp/threatgate/threatgate.md &&
	jq -e ".runs[0].results | length == 0" ../runner-temp/threatgate/threatgate.sarif >/dev/null &&
	STEP_EXIT=0 gh_step "comment on the pull request" pull_request "$base" "$head" 7 &&
	test "$(requests POST /repos/acme/designs/issues/7/comments)" = "$posts" &&
	STEP_EXIT=0 gh_step "the verdict" pull_request "$base" "$head" 7 &&
	expect_stdout_contains "threatgate: nothing blocks"
'

test_expect_success 'the action on a pull request: from the merge base, annotations, SARIF, one comment, a failed check' '
	cd pr &&
	: >../gh-output && : >../gh-summary.md &&
	# The base branch moved on after the pull request branched off: the
	# check starts at the merge base all the same.
	git checkout -q -b moved main-base && echo more >>payments-webhook.sdd.md &&
	git commit -q -am "base moves on" && git checkout -q - &&
	base=$(git rev-parse moved) && head=$(git rev-parse HEAD) &&
	STEP_EXIT=0 gh_step "check the design documents" pull_request "$base" "$head" 7 &&
	expect_stderr_contains "merge base of $base" &&
	expect_stderr_contains "checking the change $(git rev-parse main-base)..$head" &&
	grep -qx "status=1" ../gh-output &&
	expect_stdout_contains "::error file=profile-photos.sdd.md,line=" &&
	jq -e ".runs[0].results | length == 4" ../runner-temp/threatgate/threatgate.sarif >/dev/null &&
	head -n 2 ../runner-temp/threatgate/threatgate.md | grep -q "this change is blocked" &&
	grep -qF "<!-- threatgate:pr-comment -->" ../gh-summary.md &&
	posts=$(requests POST /repos/acme/designs/issues/7/comments) &&
	patches=$(requests PATCH /repos/acme/designs/issues/comments/) &&
	STEP_EXIT=0 gh_step "comment on the pull request" pull_request "$base" "$head" 7 &&
	STEP_EXIT=0 gh_step "comment on the pull request" pull_request "$base" "$head" 7 &&
	test "$(requests POST /repos/acme/designs/issues/7/comments)" = "$posts" &&
	test "$(requests PATCH /repos/acme/designs/issues/comments/)" = $((patches + 2)) &&
	test "$(marked github)" = 1 &&
	jq -e "[.github[] | select(.body | contains(\"profile-photos.sdd.md\"))] | length == 1" "$SERVER/comments.json" >/dev/null &&
	STEP_EXIT=0 gh_step "upload the findings to code scanning" pull_request "$base" "$head" 7 &&
	expect_stdout_contains "uses: github/codeql-action/upload-sarif@v4" &&
	STEP_EXIT=1 gh_step "the verdict" pull_request "$base" "$head" 7 &&
	expect_stdout_contains "::error title=threatgate::findings at or above"
'

test_expect_success 'the action: a fork uploads no SARIF; a push checks every document and comments nowhere' '
	cd pr &&
	base=$(git rev-parse main-base) && head=$(git rev-parse HEAD) &&
	STEP_EXIT=99 gh_step "upload the findings to code scanning" pull_request "$base" "$head" 7 someone/fork &&
	expect_stdout_contains "skipped: its if: is false" &&
	: >../gh-output &&
	STEP_EXIT=0 gh_step "check the design documents" push "" "$head" &&
	expect_stderr_contains "checking every design document at $head" &&
	grep -qx "documents=2" ../gh-output && grep -qx "status=1" ../gh-output &&
	STEP_EXIT=99 gh_step "comment on the pull request" push "" "$head" &&
	expect_stdout_contains "skipped: its if: is false" &&
	STEP_EXIT=0 gh_step "upload the findings to code scanning" push "" "$head" &&
	expect_stdout_contains "uses: github/codeql-action/upload-sarif@v4"
'

test_expect_success 'the action in a merge queue: the merge group from its base' '
	cd pr &&
	: >../gh-output &&
	base=$(git rev-parse main-base) && head=$(git rev-parse HEAD) &&
	STEP_EXIT=0 gh_step "check the design documents" merge_group "$base" "$head" &&
	expect_stderr_contains "checking the change $base..$head" &&
	grep -qx "status=1" ../gh-output &&
	STEP_EXIT=99 gh_step "comment on the pull request" merge_group "$base" "$head" &&
	expect_stdout_contains "skipped: its if: is false"
'

test_expect_success 'the GitLab job template: code quality report, one note, a failed job' '
	gitlab_part script >job.sh &&
	cd pr &&
	CI_MERGE_REQUEST_DIFF_BASE_SHA=$(git rev-parse main-base) CI_COMMIT_SHA=$(git rev-parse HEAD) \
		CI_PROJECT_URL=https://gitlab.example.com/group/designs GITLAB_TOKEN=$TOKEN \
		gitlab expect_exit 1 bash -e ../job.sh &&
	expect_stdout_contains "profile-photos.sdd.md:137:1: error:" &&
	jq -e "length == 4 and all(.[]; .location.path == \"profile-photos.sdd.md\")" gl-code-quality-report.json >/dev/null &&
	grep -qF "(https://gitlab.example.com/group/designs/-/blob/$(git rev-parse HEAD)/profile-photos.sdd.md#L137)" threatgate.md &&
	test "$(marked gitlab)" = 1 &&
	jq -e "[.gitlab[] | select(.body | contains(\"profile-photos.sdd.md\"))] | length == 1" "$SERVER/comments.json" >/dev/null
'

test_expect_success 'the GitLab job on a merge request that changes no design: passes, no note' '
	gitlab_part script >job.sh &&
	cd pr &&
	notes=$(requests POST /api/v4/projects/42/merge_requests/3/notes) &&
	puts=$(requests PUT /api/v4/projects/42/merge_requests/3/notes/) &&
	git checkout -q code-only &&
	CI_MERGE_REQUEST_DIFF_BASE_SHA=$(git rev-parse main-base) CI_COMMIT_SHA=$(git rev-parse HEAD) \
		GITLAB_TOKEN=$TOKEN gitlab expect_exit 0 bash -e ../job.sh &&
	git checkout -q - &&
	test "$(requests POST /api/v4/projects/42/merge_requests/3/notes)" = "$notes" &&
	test ! -s threatgate.md
'

test_expect_success 'the GitLab job on the default branch: every document, no note' '
	gitlab_part script >job.sh &&
	cd pr &&
	notes=$(requests POST /api/v4/projects/42/merge_requests/3/notes) &&
	CI_COMMIT_SHA=$(git rev-parse HEAD) GITLAB_CI=true expect_exit 1 bash -e ../job.sh &&
	expect_stderr_contains "checking every design document" &&
	test "$(requests POST /api/v4/projects/42/merge_requests/3/notes)" = "$notes" &&
	jq -e "length == 4" gl-code-quality-report.json >/dev/null
'

stop_server
test_done
