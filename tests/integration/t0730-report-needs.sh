#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='every mode computes what the report format needs

A signed design document that a sign-off trigger matches: in JSON its
triggers and "required": true show whichever way it is checked (a file,
a directory, the work tree, --staged, --range, --all, the pre-commit and
pre-push hooks), while text output may skip the trigger patterns.'

. "$(dirname "$0")/lib.sh"

# expect_signed_triggers [stderr]: the last stdout (hooks: stderr) is
# JSON with the document's trigger and a required, present sign-off.
expect_signed_triggers() {
	local in=expect_${1:-stdout}_contains
	$in '"id": "authentication"' &&
	$in '"match": "sign in"' &&
	$in '"required": true' &&
	$in '"present": true'
}

# with_stdin FILE cmd...: expect_exit reads /dev/null; hooks read FILE.
with_stdin() {
	local file=$1
	shift
	"$@" <"$file"
}

test_expect_success 'set up a repository with a signed, triggered document' '
	git init -q repo &&
	write_file repo/docs/design/export.md \
		<"$SOURCE_DIRECTORY/tests/fixtures/signoff-required/passes-signed.md" &&
	git -C repo add . &&
	git -C repo commit -q -m base &&
	git -C repo tag base &&
	echo >>repo/docs/design/export.md &&
	git -C repo commit -q -a -m "touch the design"
'

test_expect_success 'work tree: a file, a directory, the whole tree' '
	cd repo &&
	expect_exit 0 threatgate check --format json docs/design/export.md &&
	expect_signed_triggers &&
	expect_exit 0 threatgate check --format json docs &&
	expect_signed_triggers &&
	expect_exit 0 threatgate check --format json &&
	expect_signed_triggers
'

test_expect_success 'git modes: --staged, --range, --all' '
	cd repo &&
	echo >>docs/design/export.md &&
	git add docs/design/export.md &&
	expect_exit 0 threatgate check --format json --staged &&
	expect_signed_triggers &&
	git reset -q --hard &&
	expect_exit 0 threatgate check --format json --range base..HEAD &&
	expect_signed_triggers &&
	expect_exit 0 threatgate check --format json --all &&
	expect_signed_triggers
'

test_expect_success 'hooks: pre-commit and pre-push' '
	cd repo &&
	echo >>docs/design/export.md &&
	git add docs/design/export.md &&
	expect_exit 0 threatgate hook pre-commit --format json &&
	expect_signed_triggers stderr &&
	git reset -q --hard &&
	head=$(git rev-parse HEAD) && base=$(git rev-parse base) &&
	echo "refs/heads/main $head refs/heads/main $base" >updates &&
	expect_exit 0 with_stdin updates \
		threatgate hook pre-push origin /nowhere --format json &&
	expect_signed_triggers stderr
'

test_expect_success 'text output says nothing of triggers in any mode' '
	cd repo &&
	expect_exit 0 threatgate check docs/design/export.md &&
	expect_stdout_lacks "authentication" &&
	expect_exit 0 threatgate check --range base..HEAD &&
	expect_stdout_lacks "authentication"
'

test_done
