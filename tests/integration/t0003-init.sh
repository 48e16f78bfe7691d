#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='threatgate init writes a policy and a template

The written .threatgate loads as a policy; a design doc copied from the
template unchanged fails on its placeholders; nothing is overwritten
without --force.'

. "$(dirname "$0")/lib.sh"

test_expect_success 'init writes .threatgate and templates/sdd.md at the repository root' '
	git init -q repo &&
	mkdir -p repo/sub &&
	(cd repo/sub && expect_exit 0 "$THREATGATE" init) &&
	test -s repo/.threatgate &&
	test -s repo/templates/sdd.md &&
	cmp repo/templates/sdd.md "$SOURCE_DIRECTORY/templates/sdd.md"
'

test_expect_success 'the written policy, every key uncommented, is a valid policy' '
	sed -e "s/^# \(\[.*\]\)\$/\1/" \
	    -e "s/^#\(\t[A-Za-z0-9]* = \)/\1/" \
	    -e "s/^\t# \([A-Za-z][A-Za-z0-9]* = \)/\t\1/" repo/.threatgate |
		grep -v "exceptions = " >all.threatgate &&
	test "$(grep -c = all.threatgate)" -gt 15 &&
	(cd repo && expect_exit 0 "$THREATGATE" check --config ../all.threatgate)
'

test_expect_success 'a design doc copied from the template fails on its placeholders' '
	mkdir -p repo/docs/design &&
	cp repo/templates/sdd.md repo/docs/design/new.md &&
	(cd repo && expect_exit 1 "$THREATGATE" check --color never) &&
	grep "docs/design/new.md:[0-9]*: error: section .Security. still holds the template" "$TG_LAST_STDOUT" &&
	grep "docs/design/new.md:[0-9]*: error: section .Threat Model. still holds the template" "$TG_LAST_STDOUT"
'

test_expect_success 'init refuses to overwrite, and --force does' '
	echo "# mine" >repo/templates/sdd.md &&
	(cd repo && expect_exit 2 "$THREATGATE" init) &&
	expect_stderr_contains "already exist" &&
	grep -q "^# mine" repo/templates/sdd.md &&
	(cd repo && expect_exit 0 "$THREATGATE" init --force) &&
	cmp repo/templates/sdd.md "$SOURCE_DIRECTORY/templates/sdd.md"
'

test_done
