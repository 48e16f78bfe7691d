#!/bin/bash
test_description='the pre-receive hook on unusual and bad input

Ref names with unicode (and, fed to the hook directly, with spaces), a
path with a newline, malformed hook input, a corrupt object on the server,
an empty repository, and a hook run outside a repository: each gets a
clear message and the documented exit code, nothing bad is let through
and nothing good is refused.'

. "$(dirname "$0")/lib.sh"

# These servers enforce on every ref, as every pre-receive did before
# threatgate.protect (its default, the policy branch, is t0130's).
git config --global threatgate.protect 'refs/*'

Z=0000000000000000000000000000000000000000

test_expect_success 'set up a server with a good doc on main, and a clone' '
	make_server server.git &&
	git init -q work &&
	tg_doc_good | write_file work/docs/design/rotation.md &&
	git -C work add . &&
	git -C work commit -q -m "rotation design" &&
	git -C work push -q ../server.git main &&
	git -C work checkout -q -b bad &&
	tg_doc_bad | write_file work/docs/design/bad.md &&
	git -C work add . &&
	git -C work commit -q -m "a bad design" &&
	git -C work checkout -q -b good main &&
	tg_doc_good | sed -e "s/^title: .*/title: Another good one/" | write_file work/docs/design/good.md &&
	git -C work add . &&
	git -C work commit -q -m "a good design" &&
	git -C work checkout -q main
'

test_expect_success 'a unicode ref name: a bad doc is rejected, the ref not created' '
	cd work &&
	expect_exit 1 git push ../server.git "bad:refs/heads/design/café-ü-設計" &&
	expect_stderr_matches "^remote: docs/design/bad\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_ref ../server.git "refs/heads/design/café-ü-設計" none
'

test_expect_success 'a unicode ref name: a good doc is accepted' '
	cd work &&
	expect_exit 0 git push ../server.git "good:refs/heads/design/café-ü-設計" &&
	expect_ref ../server.git "refs/heads/design/café-ü-設計" "$(git rev-parse good)"
'

test_expect_success 'a ref name with a space is refused by git itself, before any hook' '
	cd work &&
	expect_exit 128 git push ../server.git "good:refs/heads/with space" &&
	expect_stderr_matches "not a valid|invalid|refspec" &&
	expect_ref ../server.git "refs/heads/with space" none
'

test_expect_success 'hook input naming a ref with spaces is still checked (the ref is the rest of the line)' '
	new=$(git -C work rev-parse bad) &&
	git -C work push -q ../server.git bad:refs/tags/keep-bad-objects &&
	printf "%s %s refs/heads/with two spaces\n" $Z $new >input &&
	expect_exit 1 env GIT_DIR=server.git sh -c "threatgate hook pre-receive <input" &&
	expect_stderr_matches "^docs/design/bad\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	printf "%s %s refs/heads/with two spaces\n" $Z "$(git -C work rev-parse good)" >input &&
	expect_exit 0 env GIT_DIR=server.git sh -c "threatgate hook pre-receive <input" &&
	test_must_fail test -s "$TG_LAST_STDERR"
'

test_expect_success 'malformed hook input fails closed with exit 2, naming the line' '
	printf "%s %s refs/heads/main\nnot a line\n" $Z "$(git -C work rev-parse good)" >input &&
	expect_exit 2 env GIT_DIR=server.git sh -c "threatgate hook pre-receive <input" &&
	expect_stderr_contains "malformed hook input at line 2" &&
	printf "%s xyz refs/heads/main\n" $Z >input &&
	expect_exit 2 env GIT_DIR=server.git sh -c "threatgate hook pre-receive <input" &&
	expect_stderr_contains "is not an object id" &&
	printf "%s %s refs/heads/main\n" $Z 1234567890123456789012345678901234567890 >input &&
	expect_exit 2 env GIT_DIR=server.git sh -c "threatgate hook pre-receive <input" &&
	expect_stderr_contains "refs/heads/main"
'

test_expect_success 'empty hook input, CRLF line ends and a trailing blank line are fine' '
	: >input &&
	expect_exit 0 env GIT_DIR=server.git sh -c "threatgate hook pre-receive <input" &&
	printf "%s %s refs/heads/x\r\n\n" $Z "$(git -C work rev-parse bad)" >input &&
	expect_exit 1 env GIT_DIR=server.git sh -c "threatgate hook pre-receive <input" &&
	expect_stderr_contains "docs/design/bad.md:"
'

test_expect_success 'the hook outside any repository fails closed with exit 2' '
	mkdir -p nowhere &&
	cd nowhere &&
	printf "%s %s refs/heads/x\n" $Z $Z >input &&
	expect_exit 2 env GIT_DIR="$TRASH_DIRECTORY/nowhere/none.git" sh -c "threatgate hook pre-receive <input" &&
	expect_stderr_contains "cannot open the repository"
'

test_expect_success 'a doc whose path holds a newline: checked, and reported on one line, C-quoted as git does' '
	cd work &&
	git checkout -q -b newline main &&
	tg_doc_bad >"docs/design/two
lines.md" &&
	git add . &&
	git commit -q -m "a doc with a newline in its name" &&
	git ls-files -z docs/design | tr "\0" "\n" | grep -x "lines.md" &&
	expect_exit 1 git push ../server.git newline &&
	expect_stderr_matches "^remote: \"docs/design/two\\\\nlines\.md\":[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	test_must_fail grep -x "remote: lines.md.*" "$TG_LAST_STDERR" &&
	expect_ref ../server.git refs/heads/newline none &&
	tg_doc_good >"docs/design/two
lines.md" &&
	git commit -q -a -m "fixed" &&
	expect_exit 0 git push ../server.git newline &&
	expect_ref ../server.git refs/heads/newline "$(git rev-parse newline)"
'

test_expect_success 'a corrupt object on the server fails closed: exit 2 message, ref not moved' '
	git -C work checkout -q -b edit main &&
	tg_doc_good | sed -e "s/^| T2 | Rotation job replaced by a modified image | Tampering | P3 |/| T2 | Rotation job replaced by a modified image | Tampering | P2 |/" \
		>work/docs/design/rotation.md &&
	sed -i -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2026-11-20/" work/docs/design/rotation.md &&
	git -C work commit -q -a -m "raise T2" &&
	cp -R server.git corrupt.git &&
	# without the covers cache, whose entry would spare reading the blob
	rm -rf corrupt.git/threatgate &&
	blob=$(git -C corrupt.git rev-parse main:docs/design/rotation.md) &&
	file=corrupt.git/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	test -f "$file" &&
	chmod u+w "$file" &&
	printf "this is not a zlib stream" >"$file" &&
	cd work &&
	before=$(ref_of ../corrupt.git refs/heads/main) &&
	expect_exit 1 git push --no-thin ../corrupt.git edit:main &&
	expect_stderr_matches "^remote: threatgate: cannot read .*docs/design/rotation\.md" &&
	expect_stderr_contains "remote: threatgate: push rejected: it could not be checked" &&
	expect_stderr_contains "(pre-receive hook declined)" &&
	expect_ref ../corrupt.git refs/heads/main "$before"
'

test_expect_success 'with threatgate.failOpen the same push goes through, and says it was not checked' '
	git -C corrupt.git config threatgate.failOpen true &&
	cd work &&
	expect_exit 0 git push --no-thin ../corrupt.git edit:main &&
	expect_stderr_contains "remote: threatgate: letting the change through unchecked (threatgate.failOpen)" &&
	expect_ref ../corrupt.git refs/heads/main "$(git rev-parse edit)"
'

test_expect_success 'failOpen never lets a finding through: the docs that could be read still count' '
	cd work &&
	expect_exit 1 git push --no-thin ../corrupt.git bad:refs/heads/bad &&
	expect_stderr_matches "^remote: docs/design/bad\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_stderr_contains "remote: threatgate: cannot read" &&
	expect_stderr_contains "remote: threatgate: push rejected: fix the design documents" &&
	expect_stderr_lacks "letting the change through" &&
	expect_ref ../corrupt.git refs/heads/bad none
'

test_expect_success 'the same push into the sound server is accepted' '
	cd work &&
	expect_exit 0 git push ../server.git edit:main &&
	expect_stderr_lacks "remote: threatgate" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse edit)"
'

test_expect_success 'an empty repository: a push of Markdown that is no design doc gets a note and is accepted' '
	make_server blank.git &&
	git init -q notes &&
	write_file notes/README.md <<-\EOF &&
	# Notes
	EOF
	git -C notes add . &&
	git -C notes commit -q -m "readme" &&
	cd notes &&
	expect_exit 0 git push ../blank.git main &&
	expect_stderr_matches "^remote: README\.md:1(:[0-9]+)?: note: .*\[no-documents\]" &&
	expect_ref ../blank.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'an empty repository: a deletion of a ref it does not have, fed to the hook' '
	git init -q --bare void.git &&
	printf "%s %s refs/heads/main\n" "$(git -C work rev-parse main)" $Z >input &&
	expect_exit 0 env GIT_DIR=void.git sh -c "threatgate hook pre-receive <input"
'

test_done
