#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='one no-documents finding, worded alike in every mode

Markdown but no path the document globs match: the work tree, a
directory, a directory outside any repository, --staged, --range, --all,
the pre-commit hook and a push into a server each give the same note on
the first Markdown file, naming the globs looked for and the command that
adds one. Templates are not counted; a checked document silences it.'

. "$(dirname "$0")/lib.sh"

SQ="'"
GLOBS="docs/design/**/*.md, design/**/*.md, **/*.sdd.md, rfcs/**/*.md"
FIX="if design documents live elsewhere, add a glob for them (globs given replace the defaults): git config -f .threatgate --add threatgate.docs"

# expect_note [stderr] PATH COUNT GLOB [PREFIX]: the last output has the
# no-documents note on PATH, for COUNT files, suggesting GLOB.
expect_note() {
	local stream=stdout
	if [ "$1" = stderr ]; then
		stream=stderr
		shift
	fi
	local path=$1 count=$2 glob=$3 prefix=${4:-} what
	if [ "$count" = 1 ]; then
		what="this Markdown file matches"
	else
		what="$count Markdown files, this one first, match"
	fi
	"expect_${stream}_contains" "${prefix}$path:1: note: no design document found: $what none of the document globs ($GLOBS); $FIX ${SQ}$glob${SQ} [no-documents]"
}

test_expect_success 'set up a repository with Markdown but no design document' '
	git init -q repo &&
	write_file repo/README.md <<-\EOF &&
	# Read me
	EOF
	write_file repo/notes/plan.md <<-\EOF &&
	# Plan
	EOF
	write_file repo/templates/sdd.md <<-\EOF &&
	# Template
	EOF
	git -C repo add . &&
	git -C repo commit -q -m base &&
	git -C repo tag base
'

test_expect_success 'the work tree, a directory, and the --verbose walk' '
	cd repo &&
	expect_exit 0 threatgate check &&
	expect_note README.md 2 "notes/**/*.md" &&
	expect_exit 0 threatgate check notes &&
	expect_note notes/plan.md 1 "notes/**/*.md" &&
	expect_exit 0 threatgate check templates &&
	expect_stdout_lacks "[no-documents]" &&
	expect_exit 0 threatgate check --verbose &&
	expect_stderr_contains "notes/plan.md: not a design document" &&
	expect_note README.md 2 "notes/**/*.md"
'

test_expect_success 'a directory outside any repository' '
	mkdir -p loose/docs &&
	cp repo/notes/plan.md loose/docs/plan.md &&
	cd loose &&
	expect_exit 0 threatgate check docs &&
	expect_note docs/plan.md 1 "docs/**/*.md"
'

test_expect_success 'git modes: --all, --range, --staged' '
	cd repo &&
	expect_exit 0 threatgate check --all &&
	expect_note README.md 2 "notes/**/*.md" &&
	write_file notes/more.md <<-\EOF &&
	# More
	EOF
	git add notes/more.md &&
	expect_exit 0 threatgate check --staged &&
	expect_note notes/more.md 1 "notes/**/*.md" &&
	git commit -q -m more &&
	expect_exit 0 threatgate check --range base..HEAD &&
	expect_note notes/more.md 1 "notes/**/*.md" &&
	expect_exit 0 threatgate check --format json --range base..HEAD &&
	expect_stdout_contains "\"message\": \"no design document found: this Markdown file matches none of the document globs"
'

test_expect_success 'a template alone is no Markdown out of place' '
	cd repo &&
	echo "more" >>templates/sdd.md &&
	git add templates/sdd.md &&
	expect_exit 0 threatgate check --staged &&
	expect_stdout_lacks "[no-documents]" &&
	git commit -q -m template
'

test_expect_success 'a checked design document: no note' '
	cd repo &&
	tg_doc_good | write_file docs/design/ok.md &&
	expect_exit 0 threatgate check &&
	expect_stdout_lacks "[no-documents]" &&
	git add docs/design/ok.md &&
	expect_exit 0 threatgate check --staged &&
	expect_stdout_lacks "[no-documents]" &&
	git rm -q --cached docs/design/ok.md &&
	rm docs/design/ok.md
'

test_expect_success 'hooks: pre-commit and a push into a server' '
	make_server server.git &&
	cd repo &&
	write_file notes/last.md <<-\EOF &&
	# Last
	EOF
	git add notes/last.md &&
	expect_exit 0 threatgate hook pre-commit &&
	expect_note stderr notes/last.md 1 "notes/**/*.md" &&
	git commit -q -m last &&
	expect_exit 0 git push ../server.git HEAD:main &&
	expect_note stderr README.md 4 "notes/**/*.md" "remote: "
'

test_done
