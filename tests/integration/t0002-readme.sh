#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='what the README shows is what threatgate prints

The quick start quotes the output of checking the bundled examples; the
README must not drift from the program.'

. "$(dirname "$0")/lib.sh"

test_expect_success 'the quick start output is what check prints for templates/examples/' '
	sed -n "/^\$ threatgate check templates\/examples\//,/^\`\`\`/p" \
		"$SOURCE_DIRECTORY/README.md" | sed "1d;\$d" >expect &&
	test -s expect &&
	here=$PWD &&
	(cd "$SOURCE_DIRECTORY" &&
	 expect_exit 1 "$THREATGATE" check --color never templates/examples/ &&
	 cat "$TG_LAST_STDOUT" >"$here/actual") &&
	diff -u expect actual
'

test_expect_success 'the examples said to pass do pass, with no finding at all' '
	for f in payments-webhook audit-log-export search-autocomplete; do
		"$THREATGATE" check --color never \
			"$SOURCE_DIRECTORY/templates/examples/$f.sdd.md" >out &&
		grep -q "0 errors, 0 warnings, 0 notes in 1 document" out || return 1
	done
'

test_done
