#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='threatgate check on design docs in a git work tree

A good doc passes (exit 0), a doc with findings fails (exit 1) with
compiler-style path:line:col: lines, and a missing file or a policy file
with an unknown key is an error (exit 2).'

. "$(dirname "$0")/lib.sh"

test_expect_success 'set up a work tree with a good and a bad design doc' '
	git init -q repo &&
	tg_doc_good | write_file repo/docs/design/good.md &&
	tg_doc_bad | write_file repo/docs/design/bad.md &&
	! cmp -s repo/docs/design/good.md repo/docs/design/bad.md &&
	sed -e "/^## Security$/,\$d" repo/docs/design/good.md >repo/docs/design/no-security.md &&
	git -C repo add . &&
	git -C repo commit -q -m "design docs"
'

test_expect_success 'a good design doc passes with exit 0' '
	cd repo &&
	expect_exit 0 threatgate check docs/design/good.md &&
	expect_stdout_lacks ": error:" &&
	expect_stdout_lacks ": warning:"
'

test_expect_success 'a good design doc has no warnings either' '
	cd repo &&
	expect_exit 0 threatgate check --fail-on warning docs/design/good.md
'

test_expect_success 'a threat without priority fails with exit 1 and path:line:col:' '
	cd repo &&
	line=$(grep -n "^| T2 |" docs/design/bad.md | cut -d: -f1) &&
	test -n "$line" &&
	expect_exit 1 threatgate check docs/design/bad.md &&
	expect_stdout_matches "^docs/design/bad\.md:$line:[0-9]+: error: .*\[threat-missing-priority\]$"
'

test_expect_success 'a doc without a Security section fails with missing-section' '
	cd repo &&
	expect_exit 1 threatgate check docs/design/no-security.md &&
	expect_stdout_matches "^docs/design/no-security\.md:[0-9]+(:[0-9]+)?: error: missing section .Security.*\[missing-section\]$"
'

test_expect_success 'one bad doc among good ones fails the run, and only it is reported' '
	cd repo &&
	expect_exit 1 threatgate check docs/design/good.md docs/design/bad.md &&
	expect_stdout_matches "^docs/design/bad\.md:[0-9]+:[0-9]+: error: " &&
	expect_stdout_lacks "docs/design/good.md:"
'

test_expect_success '--fail-on never reports findings but exits 0' '
	cd repo &&
	expect_exit 0 threatgate check --fail-on never docs/design/bad.md &&
	expect_stdout_contains "[threat-missing-priority]"
'

test_expect_success 'a policy file can lower a rule to a warning' '
	cd repo &&
	write_file ../policies/lenient.threatgate <<-\EOF &&
	[rule "threat-missing-priority"]
		severity = warning
	EOF
	expect_exit 0 threatgate check --config ../policies/lenient.threatgate docs/design/bad.md &&
	expect_stdout_matches "^docs/design/bad\.md:[0-9]+:[0-9]+: warning: .*\[threat-missing-priority\]$" &&
	expect_exit 1 threatgate check --config ../policies/lenient.threatgate \
		--fail-on warning docs/design/bad.md
'

test_expect_success 'a missing file is an error: exit 2' '
	cd repo &&
	expect_exit 2 threatgate check docs/design/nope.md &&
	expect_stderr_contains "nope.md"
'

test_expect_success 'a missing file among good ones is still exit 2' '
	cd repo &&
	expect_exit 2 threatgate check docs/design/good.md docs/design/nope.md &&
	expect_stderr_contains "nope.md"
'

test_expect_success 'a FIFO named as a document is exit 2 at once, not a hang' '
	cd repo &&
	mkfifo docs/design/pipe.md &&
	expect_exit 2 timeout 60 threatgate check docs/design/pipe.md &&
	expect_stderr_contains "not a regular file" &&
	rm -f docs/design/pipe.md
'

test_expect_success '--config with an unknown key is an error: exit 2, naming file and key' '
	cd repo &&
	write_file ../policies/bad.threatgate <<-\EOF &&
	[threatgate]
		maxAge = 90
		severty = error
	EOF
	expect_exit 2 threatgate check --config ../policies/bad.threatgate docs/design/good.md &&
	expect_stderr_contains "bad.threatgate" &&
	expect_stderr_contains "severty" &&
	expect_stderr_matches "line 3|:3[:]"
'

test_expect_success 'a missing --config file is an error: exit 2' '
	cd repo &&
	expect_exit 2 threatgate check --config ../policies/absent.threatgate docs/design/good.md &&
	expect_stderr_contains "absent.threatgate"
'

test_expect_success '.threatgate at the repository root with an unknown key: exit 2' '
	cd repo &&
	write_file .threatgate <<-\EOF &&
	[threatgate]
		signoff = triggered
		minParticipant = 2
	EOF
	expect_exit 2 threatgate check docs/design/good.md &&
	expect_stderr_contains ".threatgate" &&
	expect_stderr_contains "minParticipant"
'

test_expect_success 'an unknown option is a usage error: exit 2' '
	cd repo &&
	rm -f .threatgate &&
	expect_exit 2 threatgate check --no-such-option docs/design/good.md
'

test_done
