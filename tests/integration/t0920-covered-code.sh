#!/bin/bash
test_description='covered-code-changed, summarised: one finding per changed path

A hundred and twenty stale designs cover a shared library. A commit of
code there is one warning per changed path (paths the same designs cover
share it), naming the first five designs and counting the others, not
one warning per design; the summary says the code was checked against
the designs that cover it.'

. "$(dirname "$0")/lib.sh"
SQ="'"

test_expect_success 'set up: 120 stale designs cover lib/shared, one covers lib/only' '
	git init -q repo &&
	cd repo &&
	mkdir -p docs/design &&
	for i in $(seq -w 1 120); do
		tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2025-01-01/" \
			-e "s/^covers: .*/covers: [lib\/shared\/**]/" >docs/design/d$i.md || exit 1
	done &&
	tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2025-01-01/" \
		-e "s/^covers: .*/covers: [lib\/only\/**]/" >docs/design/only.md &&
	tg_doc_good | sed -e "s/^covers: .*/covers: [lib\/**]/" >docs/design/fresh.md &&
	mkdir -p lib/shared lib/only &&
	echo a >lib/shared/x.c && echo b >lib/shared/y.c && echo c >lib/only/z.c &&
	git add . &&
	git commit -q -m base
'

test_expect_success 'a commit of shared code: two warnings, not 240' '
	cd repo &&
	echo more >>lib/shared/x.c && echo more >>lib/shared/y.c && echo more >>lib/only/z.c &&
	git add lib &&
	expect_exit 0 threatgate check --staged &&
	test "$(grep -c "\[covered-code-changed\]" "$TG_LAST_STDOUT")" -eq 2 &&
	expect_stdout_contains "lib/shared/x.c:1: warning: ${SQ}lib/shared/x.c${SQ} and 1 more path changed, which 120 designs cover while their threat models are stale [covered-code-changed]" &&
	expect_stdout_contains "docs/design/d001.md:1: note: covers it (${SQ}lib/shared/**${SQ}); threat model last reviewed 2025-01-01, 695 days ago" &&
	expect_stdout_contains "docs/design/d005.md:1: note: covers it" &&
	expect_stdout_lacks "docs/design/d006.md" &&
	expect_stdout_contains "lib/shared/x.c:1: note: and 115 more designs" &&
	expect_stdout_contains "lib/shared/x.c:1: note: review their threat models and update them in this change" &&
	expect_stdout_contains "lib/only/z.c:1: warning: ${SQ}lib/only/z.c${SQ} changed, which ${SQ}docs/design/only.md${SQ} covers (${SQ}lib/only/**${SQ})" &&
	expect_stdout_contains "threatgate: 0 errors, 2 warnings, 0 notes; no design document changed, the changed code checked against 122 designs that cover it" &&
	expect_stdout_lacks "no design documents checked" &&
	git commit -q -m "shared code" &&
	expect_exit 0 threatgate check --range HEAD~1..HEAD &&
	test "$(grep -c "\[covered-code-changed\]" "$TG_LAST_STDOUT")" -eq 2 &&
	expect_exit 0 threatgate check --range HEAD~1..HEAD --format json &&
	jq -e "[.findings[] | select(.rule == \"covered-code-changed\") | .path] == [\"lib/only/z.c\", \"lib/shared/x.c\"]" "$TG_LAST_STDOUT"
'

test_expect_success 'code no design covers: no finding, and the summary says nothing was checked' '
	cd repo &&
	echo x >README.txt &&
	git add README.txt &&
	expect_exit 0 threatgate check --staged &&
	expect_stdout_contains "threatgate: no design documents checked"
'

test_done
