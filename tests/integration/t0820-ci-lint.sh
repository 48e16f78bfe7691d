#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='the CI templates and action.yml hold what each key must hold

tests/integration/ci-yaml.py lint reads them with python3-yaml and checks
their structure (actionlint is not packaged): known keys, types, inputs
and step ids that exist, pinned actions, no expression inside a script,
upload-sarif@v4, job-level permissions with actions: read, a timeout,
concurrency, merge_group and a push to the default branch; on GitLab,
rules, a timeout, interruptible and the codequality report. Each rule is
shown to bite on a broken copy.'

. "$(dirname "$0")/lib.sh"

LINT=$TEST_DIRECTORY/ci-yaml.py
WF=$SOURCE_DIRECTORY/templates/ci/github-workflow.yml
GL=$SOURCE_DIRECTORY/templates/ci/gitlab-ci.yml
ACTION=$SOURCE_DIRECTORY/action.yml

lint() { /usr/bin/python3 "$LINT" lint "$@"; }

# broken FILE SED-SCRIPT EXPECTED: a copy edited by SED-SCRIPT must be
# refused, with EXPECTED in the report.
broken() {
	sed -e "$2" "$1" >broken.yml &&
	! cmp -s "$1" broken.yml &&
	if lint broken.yml >lint.out; then
		say "error: lint passed a broken copy ($2)"
		return 1
	fi &&
	grep -qF -- "$3" lint.out || { cat lint.out; return 1; }
}

test_expect_success 'the shipped files pass' '
	test_require python3 &&
	/usr/bin/python3 -c "import yaml" &&
	lint "$ACTION" "$WF" "$GL" >out &&
	grep -qx "0 problems in 3 files" out
'

test_expect_success 'the workflow uses this repository'"'"'s action, at a major version' '
	grep -Eq "^ +uses: OWNER/threatgate@v[0-9]+$" "$WF" &&
	test -f "$ACTION"
'

test_expect_success 'the scripts the action and the GitLab job run are shipped hooks' '
	grep -ohE "/usr/share/threatgate/hooks/[a-z-]+" "$ACTION" "$GL" | sort -u >used &&
	test -s used &&
	while read -r hook; do
		test -x "$SOURCE_DIRECTORY/hooks/${hook##*/}" || { echo "missing: $hook"; exit 1; }
	done <used
'

test_expect_success 'the workflow rules bite' '
	broken "$WF" "/^  merge_group:/d" "missing the '"'"'merge_group'"'"' event" &&
	broken "$WF" "s/^    branches: \[main\].*/    tags: [v1]/" "must name the default branch" &&
	broken "$WF" "s/^permissions: {}/permissions: write-all/" "grant permissions per job" &&
	broken "$WF" "/^      actions: read/d" "needs actions: read" &&
	broken "$WF" "/^    timeout-minutes:/d" "timeout-minutes: must be a number" &&
	broken "$WF" "/^  cancel-in-progress:/d" "missing key '"'"'cancel-in-progress'"'"'" &&
	broken "$WF" "s/OWNER\/threatgate@v1/OWNER\/threatgate@main/" "pin the action" &&
	broken "$WF" "s/^    runs-on:/    run-on:/" "unknown key '"'"'run-on'"'"'"
'

test_expect_success 'the action rules bite' '
	broken "$ACTION" "s/upload-sarif@v4/upload-sarif@v3/" "must be @v4" &&
	broken "$ACTION" "s/inputs.fail-on }}/inputs.fail_on }}/" "inputs.fail_on: no such input" &&
	broken "$ACTION" "s/steps.check.outputs.sarif }}/steps.chek.outputs.sarif }}/" "steps.chek.outputs.sarif: no earlier step" &&
	broken "$ACTION" "s|^        status=0$|        echo \"\${{ github.event.pull_request.title }}\"|" "inside a script: pass it through env" &&
	broken "$ACTION" "0,/^      shell: bash/{/^      shell: bash/d}" "needs shell: bash" &&
	broken "$ACTION" "s/^  using: composite/  using: node20/" "must be composite"
'

test_expect_success 'the GitLab rules bite' '
	broken "$GL" "/^  interruptible:/d" "interruptible: must be true" &&
	broken "$GL" "/^  timeout:/d" "must be a duration" &&
	broken "$GL" "/CI_DEFAULT_BRANCH/d" "no rule for the default branch" &&
	broken "$GL" "s/^      codequality:/      junit:/" "needs codequality" &&
	broken "$GL" "s/^    THREATGATE_VERSION: \"0.1.0\"/    THREATGATE_VERSION: 0.1/" "a string (quote numbers)" &&
	broken "$GL" "s/^  rules:/  only:/" "use rules, not only/except"
'

test_expect_success 'the GitLab template installs the version of this tree, checked by its SHA-256' '
	grep -q "^    THREATGATE_VERSION: \"$(cat "$SOURCE_DIRECTORY/VERSION")\"$" "$GL" &&
	grep -q "sha256sum -c" "$GL"
'

test_done
