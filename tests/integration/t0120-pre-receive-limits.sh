#!/bin/bash
test_description='the pre-receive hook at its limits

A 100 MB blob named .md (never read whole: the hook runs under a 64 MiB
data limit), a push of 10,000 commits (made with git fast-import) decided
within the default 5 s budget, an exhausted time budget (fails closed,
listing what was not checked; threatgate.failOpen lets it through), and
two pushes at once.'

. "$(dirname "$0")/lib.sh"

# These servers enforce on every ref, as every pre-receive did before
# threatgate.protect (its default, the policy branch, is t0130's).
git config --global threatgate.protect 'refs/*'

# The timing tests measure threatgate, not valgrind: under TG_WRAP they
# run the binary itself.
FAST=$THREATGATE_REAL

# wrap_hook SERVER.git SCRIPT: the real pre-receive becomes
# pre-receive.real, and SCRIPT (stdin) runs in front of it.
wrap_hook() {
	mv "$1/hooks/pre-receive" "$1/hooks/pre-receive.real" &&
		cat >"$1/hooks/pre-receive" &&
		chmod +x "$1/hooks/pre-receive"
}

test_expect_success 'set up a server whose hook may use 64 MiB of data at most' '
	write_file memory-limit <<-\EOF &&
	#!/bin/sh
	# At most 64 MiB of data; AddressSanitizer and ThreadSanitizer map
	# terabytes of shadow at start, so an instrumented binary has no
	# single allocation over 32 MiB instead.
	if grep -q __asan_init "$THREATGATE"; then
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}max_allocation_size_mb=32"
		export ASAN_OPTIONS
	elif grep -q __tsan_init "$THREATGATE"; then
		TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}max_allocation_size_mb=32:allocator_may_return_null=1"
		export TSAN_OPTIONS
	else
		ulimit -d 65536 || exit 2
	fi
	exec "$0.real"
	EOF
	make_server server.git &&
	wrap_hook server.git <memory-limit &&
	git init -q work &&
	tg_doc_good | write_file work/docs/design/rotation.md &&
	git -C work add . &&
	git -C work commit -q -m "rotation design" &&
	cd work &&
	expect_exit 0 env THREATGATE="$FAST" git push ../server.git main
'

test_expect_success 'a 100 MB design doc is rejected as unreadable, without reading it whole' '
	cd work &&
	yes "| T9 | one more row of a very long table | Spoofing | P2 | mitigated | done |" |
		head -c 104857600 >docs/design/huge.md &&
	test "$(wc -c <docs/design/huge.md)" -eq 104857600 &&
	git add docs/design/huge.md &&
	git commit -q -m "a huge design doc" &&
	expect_exit 1 env THREATGATE="$FAST" git push ../server.git main &&
	expect_stderr_matches "^remote: docs/design/huge\.md:1(:[0-9]+)?: error: .*104857600 bytes.*\[unreadable-document\]" &&
	expect_stderr_lacks "Out of memory" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD~1)"
'

test_expect_success 'a 100 MB Markdown file outside the document globs gets a note and is accepted' '
	cd work &&
	git reset -q --hard HEAD~1 &&
	mkdir -p notes &&
	yes "Some notes, one line after another." | head -c 104857600 >notes/huge.md &&
	git add notes/huge.md &&
	git commit -q -m "huge notes" &&
	expect_exit 0 env THREATGATE="$FAST" git push ../server.git main &&
	expect_stderr_matches "^remote: notes/huge\.md:1(:[0-9]+)?: note: .*\[no-documents\]" &&
	expect_ref ../server.git refs/heads/main "$(git rev-parse HEAD)"
'

test_expect_success 'with a 100 MB doc already on the server, a push of code is accepted without reading it' '
	git init -q --bare legacy.git &&
	cd work &&
	git rm -q -r notes &&
	yes "| T9 | one more row of a very long table | Spoofing | P2 | mitigated | done |" |
		head -c 104857600 >docs/design/huge.md &&
	git add docs/design/huge.md &&
	git commit -q -m "the huge doc, before the hook" &&
	git push -q ../legacy.git main &&
	cd .. &&
	install_hook legacy.git pre-receive &&
	wrap_hook legacy.git <memory-limit &&
	cd work &&
	write_file services/session/rotate.c <<-\EOF &&
	int rotate(void) { return 1; }
	EOF
	git add services &&
	git commit -q -m "code the rotation doc covers" &&
	expect_exit 0 env THREATGATE="$FAST" git push ../legacy.git main &&
	expect_stderr_lacks "Out of memory" &&
	expect_stderr_lacks "cannot read" &&
	expect_ref ../legacy.git refs/heads/main "$(git rev-parse HEAD)"
'

# history NAME BAD_AT FIXED_AT: a fast-import stream of 10,000 commits on
# refs/heads/NAME, its own root; each commit changes src/counter.txt, the
# first adds 20 good design docs, commit BAD_AT (0: none) adds a bad one
# and commit FIXED_AT (0: never) makes it good.
history() {
	awk -v name="$1" -v bad="$2" -v fixed="$3" 'BEGIN {
		for (i = 1; i <= 10000; i++) {
			printf "commit refs/heads/%s\nmark :%d\n", name, i
			printf "committer C O Mitter <committer@example.com> %d +0000\n", 1795000000 + i
			printf "data <<EOM\n%s commit %d\nEOM\n", name, i
			if (i > 1)
				printf "from :%d\n", i - 1
			printf "M 100644 inline src/counter.txt\ndata <<EOM\n%s %d\nEOM\n", name, i
			if (i == 1)
				for (d = 1; d <= 20; d++)
					printf "M 100644 :900001 docs/design/doc-%02d.md\n", d
			if (i == bad)
				printf "M 100644 :900002 docs/design/late.md\n"
			if (i == fixed)
				printf "M 100644 :900001 docs/design/late.md\n"
			printf "\n"
		}
	}'
}

test_expect_success 'set up three histories of 10,000 commits with git fast-import' '
	git init -q big &&
	{
		printf "blob\nmark :900001\ndata <<EOM\n" && tg_doc_good && printf "EOM\n\n" &&
		printf "blob\nmark :900002\ndata <<EOM\n" && tg_doc_bad && printf "EOM\n\n" &&
		history good 0 0 &&
		history still-bad 5000 0 &&
		history fixed 3000 7000
	} >stream &&
	git -C big fast-import --quiet <stream &&
	test "$(git -C big rev-list --count good)" -eq 10000 &&
	test "$(git -C big rev-list --count still-bad)" -eq 10000 &&
	test "$(git -C big rev-list --count fixed)" -eq 10000 &&
	make_server many.git
'

test_expect_success 'a push of 10,000 commits with good docs is accepted within the default 5 s budget' '
	cd big &&
	start=$(date +%s) &&
	expect_exit 0 env THREATGATE="$FAST" git push ../many.git good:main &&
	end=$(date +%s) &&
	say "push of 10,000 commits: $((end - start)) s" &&
	expect_stderr_lacks "time budget" &&
	expect_stderr_lacks "remote: docs/" &&
	expect_ref ../many.git refs/heads/main "$(git rev-parse good)"
'

test_expect_success 'a push of 10,000 commits whose tip holds a bad doc is rejected' '
	cd big &&
	expect_exit 1 env THREATGATE="$FAST" git push ../many.git still-bad &&
	expect_stderr_matches "^remote: docs/design/late\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" &&
	expect_stderr_lacks "time budget" &&
	expect_stderr_lacks "remote: docs/design/doc-" &&
	expect_ref ../many.git refs/heads/still-bad none
'

test_expect_success 'a push of 10,000 commits where a bad doc was fixed before the tip is accepted' '
	cd big &&
	expect_exit 0 env THREATGATE="$FAST" git push ../many.git fixed &&
	expect_stderr_lacks "remote: docs/" &&
	expect_ref ../many.git refs/heads/fixed "$(git rev-parse fixed)"
'

# Under a wrapper (valgrind: ~20 times slower) its own start and the ref
# update take seconds: the budget is 10 s there, still far below the check.
BUDGET=1
[ -z "${TG_WRAP:-}" ] || BUDGET=10

test_expect_success 'set up a push too slow for a 1 s budget: 2,000 design docs of 600 KB' '
	make_server slow.git &&
	git -C slow.git config threatgate.timeout $BUDGET &&
	git init -q slow &&
	{
		tg_doc_good | sed -n "1,/^## Design\$/p" &&
		for i in $(seq 1 6000); do
			printf "Paragraph %d: the scheduler promotes the next key and retires the oldest; a | b | c, with *emphasis* and \`code\`.\n\n" $i
		done &&
		tg_doc_good | sed -n "/^## Design\$/,\$p" | sed 1d
	} >slow/big.md &&
	test "$(wc -c <slow/big.md)" -gt 500000 &&
	test "$(wc -c <slow/big.md)" -lt 1048576 &&
	blob=$(git -C slow hash-object -w big.md) &&
	rm slow/big.md &&
	for i in $(seq -w 1 2000); do
		printf "100644 %s\tdocs/design/big-%s.md\n" $blob $i
	done | git -C slow update-index --index-info &&
	git -C slow commit -q -m "2,000 big design docs" &&
	test "$(git -C slow ls-files | wc -l)" -eq 2000
'

test_expect_success 'past threatgate.timeout the hook fails closed and lists the docs it did not check' '
	cd slow &&
	expect_exit 1 git push ../slow.git main &&
	expect_stderr_matches "^remote: threatgate: time budget of ${BUDGET}s exhausted after [0-9]+ of 2000 documents \(threatgate.timeout\); not checked: docs/design/big-[0-9]+\.md, " &&
	expect_stderr_matches "and [0-9]+ more" &&
	expect_stderr_contains "remote: threatgate: push rejected: it could not be checked" &&
	expect_ref ../slow.git refs/heads/main none
'

test_expect_success 'past threatgate.timeout, threatgate.failOpen does not let the push through: the clock ran out on what was pushed' '
	git -C slow.git config threatgate.failOpen true &&
	cd slow &&
	expect_exit 1 git push ../slow.git main &&
	expect_stderr_contains "remote: threatgate: time budget of ${BUDGET}s exhausted" &&
	expect_stderr_contains "threatgate.failOpen does not apply to what was pushed" &&
	expect_stderr_lacks "letting the change through" &&
	expect_ref ../slow.git refs/heads/main none
'

test_expect_success 'set up a server whose hooks wait for each other, and two clones' '
	make_server busy.git &&
	mkdir barrier &&
	wrap_hook busy.git <<-\EOF &&
	#!/bin/sh
	# Each push waits (10 s at most) until the other is in its hook too.
	input=$(mktemp)
	cat >"$input"
	touch "$TRASH_DIRECTORY/barrier/$$"
	i=0
	while [ "$(ls "$TRASH_DIRECTORY/barrier" | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 100 ] && echo together >>"$TRASH_DIRECTORY/overlap.log"
	exec <"$input"
	rm -f "$input"
	exec "$0.real"
	EOF
	git init -q seed &&
	tg_doc_good | write_file seed/docs/design/rotation.md &&
	git -C seed add . &&
	git -C seed commit -q -m "rotation design" &&
	git -C seed push -q ../busy.git main &&
	git clone -q busy.git one &&
	git clone -q busy.git two &&
	git -C one checkout -q -b good &&
	tg_doc_good | sed -e "s/^title: .*/title: One/" | write_file one/docs/design/one.md &&
	git -C one add . &&
	git -C one commit -q -m "a good design" &&
	git -C two checkout -q -b bad &&
	tg_doc_bad | write_file two/docs/design/two.md &&
	git -C two add . &&
	git -C two commit -q -m "a bad design"
'

test_expect_success 'two pushes at once, to different branches: both decided correctly' '
	(cd one && { git push origin good >../one.out 2>&1 && echo 0 || echo $?; } >../one.rc) &
	(cd two && { git push origin bad >../two.out 2>&1 && echo 0 || echo $?; } >../two.rc) &
	wait &&
	cat one.out two.out &&
	test "$(cat one.rc)" = 0 &&
	test "$(cat two.rc)" = 1 &&
	test "$(grep -c together overlap.log)" -eq 2 &&
	grep -E "^remote: docs/design/two\.md:[0-9]+:1: error: .*\[threat-missing-priority\]" two.out &&
	test_must_fail grep "remote: docs/design/one.md" one.out two.out &&
	expect_ref busy.git refs/heads/good "$(git -C one rev-parse good)" &&
	expect_ref busy.git refs/heads/bad none
'

test_expect_success 'two good pushes at once: both land' '
	rm -f barrier/* overlap.log &&
	git -C two checkout -q -b good2 origin/main &&
	tg_doc_good | sed -e "s/^title: .*/title: Two/" | write_file two/docs/design/two.md &&
	git -C two add . &&
	git -C two commit -q -m "a good design" &&
	git -C one checkout -q -b good1 origin/main &&
	tg_doc_good | sed -e "s/^title: .*/title: Three/" | write_file one/docs/design/three.md &&
	git -C one add . &&
	git -C one commit -q -m "another good design"
	(cd one && { git push origin good1 >../one.out 2>&1 && echo 0 || echo $?; } >../one.rc) &
	(cd two && { git push origin good2 >../two.out 2>&1 && echo 0 || echo $?; } >../two.rc) &
	wait &&
	cat one.out two.out &&
	test "$(cat one.rc)" = 0 &&
	test "$(cat two.rc)" = 0 &&
	test "$(grep -c together overlap.log)" -eq 2 &&
	expect_ref busy.git refs/heads/good1 "$(git -C one rev-parse good1)" &&
	expect_ref busy.git refs/heads/good2 "$(git -C two rev-parse good2)"
'

test_done
