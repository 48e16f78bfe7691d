#!/bin/bash
test_description='documents are checked on several threads, reported as on one

A push or range with many documents is checked on several threads
(THREATGATE_THREADS, default one per core), and so are the files of a
work-tree check. The report must not depend on it: the same findings in
the same order, for every format, on the server and on the command line;
a document that cannot be read still fails the hook closed without hiding
the findings of the others, and ends a work-tree check with exit 2.'

. "$(dirname "$0")/lib.sh"

# 40 documents: good ones, bad ones, and ones that need a sign-off.
test_expect_success 'set up a repository of 40 design docs and a server' '
	git init -q work &&
	for i in $(seq -w 1 40); do
		case $((10#$i % 4)) in
		0) tg_doc_bad ;;
		1) tg_doc_good ;;
		2) tg_doc_good | sed -e "s/^- \[x\] Security review.*/- [ ] Security review: @alice/" \
			-e "s/^exposure: .*/exposure: internet/" ;;
		3) tg_doc_good | sed -e "s/^dri: .*//" ;;
		esac | sed -e "s/^title: .*/title: Design $i/" | write_file work/docs/design/d$i.md || return 1
	done &&
	git -C work add . &&
	git -C work commit -q -m "forty designs" &&
	for s in server four; do
		make_server $s.git &&
		git -C $s.git config threatgate.failOn never &&
		git -C $s.git config threatgate.protect "refs/*" || return 1
	done
'

test_expect_success 'check --all: one thread and eight give the same report, in every format' '
	cd work &&
	for format in text json sarif markdown; do
		THREATGATE_THREADS=1 expect_exit 0 threatgate check --all --fail-on never --format $format &&
		cp "$TG_LAST_STDOUT" ../one.$format &&
		THREATGATE_THREADS=8 expect_exit 0 threatgate check --all --fail-on never --format $format &&
		cmp ../one.$format "$TG_LAST_STDOUT" || return 1
	done &&
	grep -q "threat-missing-priority" ../one.text &&
	grep -q "signoff-required" ../one.text &&
	grep -q "missing-dri" ../one.text &&
	test "$(grep -c "docs/design/d[0-9]*\.md:[0-9]*:1: error: .*\[threat-missing-priority\]" ../one.text)" -eq 10
'

test_expect_success 'check of the work tree and of a DIR: the same report on one thread and eight' '
	cd work &&
	for format in text json; do
		THREATGATE_THREADS=1 expect_exit 0 threatgate check --fail-on never --format $format docs &&
		cp "$TG_LAST_STDOUT" ../dir.$format &&
		THREATGATE_THREADS=8 expect_exit 0 threatgate check --fail-on never --format $format docs &&
		cmp ../dir.$format "$TG_LAST_STDOUT" &&
		THREATGATE_THREADS=8 expect_exit 0 threatgate check --fail-on never --format $format &&
		cmp ../dir.$format "$TG_LAST_STDOUT" || return 1
	done &&
	test "$(grep -c "\[threat-missing-priority\]" ../dir.text)" -eq 10
'

test_expect_success 'a file that cannot be read among forty: exit 2 naming it, on any number of threads' '
	cd work &&
	for t in 1 8; do
		THREATGATE_THREADS=$t expect_exit 2 threatgate check docs docs/design/missing.md &&
		expect_stderr_contains "docs/design/missing.md" &&
		test ! -s "$TG_LAST_STDOUT" || return 1
	done
'

test_expect_success 'the pre-receive hook: the same remote: lines on one thread and on four' '
	cd work &&
	THREATGATE_THREADS=1 expect_exit 0 git push ../server.git main &&
	grep "^remote: " "$TG_LAST_STDERR" >../push.one &&
	THREATGATE_THREADS=4 expect_exit 0 git push ../four.git main &&
	grep "^remote: " "$TG_LAST_STDERR" >../push.four &&
	cmp ../push.one ../push.four &&
	grep -q "in 40 documents" ../push.one
'

test_expect_success 'a corrupt document among forty: refused naming it, the others still reported' '
	cp -R server.git corrupt.git &&
	rm -rf corrupt.git/threatgate &&
	git -C corrupt.git config threatgate.failOn error &&
	blob=$(git -C work rev-parse main:docs/design/d17.md) &&
	file=corrupt.git/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	test -f "$file" &&
	chmod u+w "$file" &&
	printf "this is not a zlib stream" >"$file" &&
	cd work &&
	git checkout -q --orphan again &&
	git commit -q -m "the same designs, a history of their own" &&
	THREATGATE_THREADS=4 expect_exit 1 git push --no-thin ../corrupt.git again &&
	expect_stderr_matches "^remote: threatgate: cannot read .*docs/design/d17\.md" &&
	expect_stderr_matches "^remote: docs/design/d04\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_stderr_contains "(pre-receive hook declined)" &&
	expect_ref ../corrupt.git refs/heads/again none
'

test_done
