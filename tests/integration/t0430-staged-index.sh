#!/bin/bash
test_description='check --staged reads the index itself, and caches what docs cover

threatgate reads the index file directly and skips, through the
cache-tree, every directory the change did not touch. Every shape of
index git writes must give what libgit2 gives (THREATGATE_INDEX=libgit2
forces it): index versions 2, 3 and 4, additions,
deletions, a file turned into a directory, a mode change, a symbolic
link, intent-to-add entries, conflicts; a damaged, split or sparse index is
an error (exit 2). A stale doc
covering every path ("**") makes the set of changed paths visible: its
covered-code-changed warning (one for the paths it alone covers) names
the first and counts the others.

What each design doc covers is cached by blob id under
$GIT_DIR/threatgate/covers: a warm cache gives the same findings, a
damaged one is ignored and rewritten, THREATGATE_CACHE=0 leaves none.'

. "$(dirname "$0")/lib.sh"

# staged_both: check --staged with both index readers; they must agree.
# Leaves the output of threatgate's own reader as the last output.
staged_both() {
	local want=$1

	THREATGATE_CACHE=0 THREATGATE_INDEX=libgit2 \
		expect_exit "$want" threatgate check --staged &&
	cp "$TG_LAST_STDOUT" "$TRASH_DIRECTORY/.libgit2-stdout" &&
	THREATGATE_CACHE=0 expect_exit "$want" threatgate check --staged &&
	if ! cmp -s "$TRASH_DIRECTORY/.libgit2-stdout" "$TG_LAST_STDOUT"; then
		say "error: the two index readers disagree"
		diff -u "$TRASH_DIRECTORY/.libgit2-stdout" "$TG_LAST_STDOUT" >&2
		return 1
	fi
}

# expect_changed N FIRST: the all-covering doc saw N changed paths,
# FIRST first (in path order).
expect_changed() {
	local n=$1 first=$2 more=""

	[ "$(git diff --cached --name-only --no-renames | wc -l)" -eq "$n" ] || {
		say "error: git sees $(git diff --cached --name-only | wc -l) changed paths, not $n"
		return 1
	}
	[ "$n" -eq 2 ] && more=" and 1 more path"
	[ "$n" -gt 2 ] && more=" and $((n - 1)) more paths"
	expect_stdout_contains "$first:1: warning: '$first'$more changed, which 'docs/design/all.md' covers ('**')"
}

test_expect_success 'set up: nested code, a good doc, a stale doc covering everything' '
	git init -q repo &&
	cd repo &&
	tg_doc_good | write_file docs/design/rotation.md &&
	tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: 2025-01-01/" \
		-e "s/^covers: .*/covers: [\"**\"]/" -e "s/^title: .*/title: Everything/" \
		| write_file docs/design/all.md &&
	for d in a a/b a/b/c b c/d/e/f; do
		mkdir -p $d &&
		for f in one two three; do echo "$d/$f" >$d/$f.c; done
	done &&
	echo x >top.c &&
	git add . &&
	git commit -q -m base &&
	staged_both 0 &&
	expect_stdout_lacks "covered-code-changed"
'

test_expect_success 'one file deep down' '
	cd repo &&
	echo more >>a/b/c/two.c &&
	git add a/b/c/two.c &&
	staged_both 0 &&
	expect_changed 1 a/b/c/two.c
'

test_expect_success 'additions in new and old directories, a modification at the top' '
	cd repo &&
	mkdir -p n/m &&
	echo new >n/m/new.c &&
	echo new >a/b/new.c &&
	echo more >>top.c &&
	git add . &&
	staged_both 0 &&
	expect_changed 4 a/b/c/two.c
'

test_expect_success 'deletions only, a whole directory among them' '
	cd repo &&
	git commit -q -m more &&
	git rm -q -r c/d a/one.c &&
	staged_both 0 &&
	expect_changed 4 a/one.c
'

test_expect_success 'a mode change' '
	cd repo &&
	git commit -q -m less &&
	chmod +x b/two.c &&
	git add b/two.c &&
	staged_both 0 &&
	expect_changed 1 b/two.c
'

test_expect_success 'a file turned into a directory, and a rename (libgit2 pairs them)' '
	cd repo &&
	git commit -q -m mode &&
	git rm -q top.c &&
	mkdir top.c &&
	echo inside >top.c/inside.c &&
	git mv a/b/new.c a/b/renamed.c &&
	git add top.c &&
	staged_both 0 &&
	expect_stdout_contains "[covered-code-changed]" &&
	git commit -q -m shapes
'

test_expect_success 'a symbolic link replacing a file' '
	cd repo &&
	git rm -q b/three.c &&
	ln -s one.c b/three.c &&
	git add b/three.c &&
	staged_both 0 &&
	expect_stdout_contains "[covered-code-changed]" &&
	git commit -q -m link
'

test_expect_success 'index versions 2, 3 and 4 give the same findings' '
	cd repo &&
	tg_doc_bad >docs/design/rotation.md &&
	echo more >>a/b/c/one.c &&
	git add . &&
	for v in 2 3 4; do
		git update-index --index-version $v &&
		staged_both 1 &&
		expect_changed 2 a/b/c/one.c &&
		expect_stdout_matches "^docs/design/rotation\.md:[0-9]+:1: error: .*\[threat-missing-priority\]$" ||
		return 1
	done &&
	git update-index --index-version 2
'

test_expect_success 'a split index is exit 2, saying how to join it' '
	cd repo &&
	git update-index --split-index &&
	test -n "$(ls .git/sharedindex.* 2>/dev/null)" &&
	expect_exit 2 threatgate check --staged &&
	expect_stderr_contains "the index is split (core.splitIndex), which threatgate cannot read: '"'"'git update-index --no-split-index'"'"' joins it" &&
	git update-index --no-split-index &&
	staged_both 1
'

test_expect_success 'a sparse index is exit 2, saying how to expand it' '
	cd repo &&
	git sparse-checkout init --cone --sparse-index &&
	git sparse-checkout set docs &&
	git ls-files --sparse | grep -q "^a/$" &&
	expect_exit 2 threatgate check --staged &&
	expect_stderr_contains "the index is sparse (index.sparse), which threatgate cannot read: '"'"'git sparse-checkout init --no-sparse-index'"'"' expands it" &&
	git sparse-checkout init --no-sparse-index &&
	git sparse-checkout disable &&
	staged_both 1
'

test_expect_success 'no cache-tree at all (a fresh read-tree): the same, only slower' '
	cd repo &&
	git read-tree --empty &&
	git add . &&
	staged_both 1 &&
	expect_changed 2 a/b/c/one.c
'

test_expect_success 'intent-to-add entries' '
	cd repo &&
	echo later >later.c &&
	git add -N later.c &&
	staged_both 1 &&
	git rm -q --cached later.c &&
	rm later.c &&
	git reset -q --hard
'

test_expect_success 'a conflicted index is compared as libgit2 compares it' '
	cd repo &&
	git checkout -q -b side &&
	echo side >a/two.c &&
	git commit -q -a -m side &&
	git checkout -q - &&
	echo main >a/two.c &&
	git commit -q -a -m main &&
	test_must_fail git merge -q side &&
	git ls-files -u | grep -q a/two.c &&
	staged_both 0 &&
	git merge --abort
'

test_expect_success 'a damaged index is exit 2, not a pass' '
	cd repo &&
	echo more >>b/one.c &&
	git add b/one.c &&
	cp .git/index ../index.good &&
	head -c 300 ../index.good >.git/index &&
	expect_exit 2 threatgate check --staged &&
	expect_stderr_contains "index" &&
	printf "DIRC\000\000\000\002\177\377\377\377" >.git/index &&
	dd if=/dev/zero bs=1 count=40 >>.git/index 2>/dev/null &&
	expect_exit 2 threatgate check --staged &&
	cp ../index.good .git/index &&
	expect_exit 0 threatgate check --staged
'

test_expect_success 'the covers cache: written once, then used, same findings' '
	cd repo &&
	rm -rf .git/threatgate &&
	expect_exit 0 threatgate check --staged &&
	cp "$TG_LAST_STDOUT" ../cold &&
	test -f .git/threatgate/covers &&
	head -n 1 .git/threatgate/covers | grep -q "^threatgate covers cache 2$" &&
	grep -q "$(git rev-parse :docs/design/all.md)" .git/threatgate/covers &&
	# written aside and renamed: a rewrite is a new inode
	before=$(stat -c %i.%Y.%s .git/threatgate/covers) &&
	expect_exit 0 threatgate check --staged &&
	cmp ../cold "$TG_LAST_STDOUT" &&
	test "$(stat -c %i.%Y.%s .git/threatgate/covers)" = "$before"
'

test_expect_success 'a damaged cache is ignored and rewritten' '
	cd repo &&
	printf "threatgate covers cache 2\nnot a line\n" >.git/threatgate/covers &&
	expect_exit 0 threatgate check --staged &&
	cmp ../cold "$TG_LAST_STDOUT" &&
	! grep -q "not a line" .git/threatgate/covers &&
	printf "garbage" >.git/threatgate/covers &&
	expect_exit 0 threatgate check --staged &&
	cmp ../cold "$TG_LAST_STDOUT" &&
	head -n 1 .git/threatgate/covers | grep -q "^threatgate covers cache 2$"
'

test_expect_success 'a cache entry is for its blob only: an edited doc is read again' '
	cd repo &&
	git commit -q -m "b/one" &&
	sed -i -e "s/^covers: .*/covers: [\"nothing\/**\"]/" docs/design/all.md &&
	git commit -q -a -m "covers nothing now" &&
	echo more >>b/one.c &&
	git add b/one.c &&
	expect_exit 0 threatgate check --staged &&
	expect_stdout_lacks "covered-code-changed" &&
	grep -q "=nothing/\*\*" .git/threatgate/covers
'

test_expect_success 'THREATGATE_CACHE=0 neither reads nor writes it; an unwritable cache only costs time' '
	cd repo &&
	expect_exit 0 threatgate check --staged &&
	cp "$TG_LAST_STDOUT" ../warm &&
	rm -rf .git/threatgate &&
	THREATGATE_CACHE=0 expect_exit 0 threatgate check --staged &&
	cmp ../warm "$TG_LAST_STDOUT" &&
	test ! -e .git/threatgate &&
	echo "not a directory" >.git/threatgate &&
	expect_exit 0 threatgate check --staged &&
	cmp ../warm "$TG_LAST_STDOUT" &&
	test "$(cat .git/threatgate)" = "not a directory" &&
	rm .git/threatgate
'

test_done
