# Shared set-up of the integration tests, in the style of git's test-lib.sh.
#
# A test script looks like this:
#
#   #!/bin/bash
#   test_description='what this script covers'
#   . "$(dirname "$0")/lib.sh"
#
#   test_expect_success 'title' '
#       git init repo &&
#       expect_exit 0 threatgate check repo/docs/design/a.md
#   '
#
#   test_done
#
# Each script gets its own scratch directory under ${TMPDIR:-/tmp}, which is
# also HOME and the working directory of every test. Each test body runs in
# a subshell with `set -e`, starting from the scratch directory, so a `cd`
# or a variable set inside one test does not leak into the next: tests share
# state only through files.
#
# Environment read:
#   THREATGATE   the binary under test (default: build/threatgate of this tree)
#   TG_WRAP      command prefix for every threatgate run, e.g. valgrind; a
#                wrapper that reports its own errors with exit 99 fails the test
#   TG_VERBOSE=1 (or -v) show every test's commands and output
#   TG_KEEP=1    (or -d) keep the scratch directory even when all tests pass
#
# Set for the tests: HOME, GIT_CONFIG_NOSYSTEM=1, fixed author/committer
# names, emails and dates, THREATGATE_TODAY=2026-11-27, TZ=UTC, LC_ALL=C,
# and a PATH on which `threatgate` is the binary under test.
#
# Helpers:
#   test_expect_success 'title' 'commands'
#   test_require TOOL...          fail (never skip) when a tool is missing
#   expect_exit N cmd...          run cmd; fail unless it exits with N; its
#                                 stdout and stderr are kept for the next two
#   expect_stdout_contains TEXT   fixed string in the last command's stdout
#   expect_stderr_contains TEXT   fixed string in the last command's stderr
#   expect_stdout_matches ERE     extended regex, line by line
#   expect_stderr_matches ERE
#   expect_stdout_lacks TEXT      fixed string absent from stdout
#   write_file PATH <<EOF         create a file and its directories from stdin
#   test_done                     summary, clean-up, exit status
#
# Git helpers, for the scripts that commit and push:
#   tg_doc_good                   a design doc that passes the default policy,
#                                 on stdout (no warning either)
#   tg_doc_bad                    the same with threat T2's priority removed:
#                                 threat-missing-priority at the T2 row, column 1
#   tg_line FILE ERE              the number of FILE's first line matching ERE
#   make_server NAME.git          a bare repository with the real pre-receive hook
#   install_hook GITDIR KIND      copy hooks/KIND (this tree's) into GITDIR/hooks
#   ref_of REPO REF               the id REF names in REPO, or "none"
#   expect_ref REPO REF ID        fail unless REF names ID ("none": no such ref)
#   test_must_fail cmd...         fail unless cmd fails (1-125: not a crash)

TEST_NAME=$(basename "$0" .sh)
TEST_DIRECTORY=$(cd "$(dirname "$0")" && pwd)
SOURCE_DIRECTORY=$(cd "$TEST_DIRECTORY/../.." && pwd)

while [ "$#" -gt 0 ]; do
	case "$1" in
	-v | --verbose) TG_VERBOSE=1 ;;
	-d | --debug) TG_KEEP=1 ;;
	*)
		echo "$0: unknown option '$1'" >&2
		exit 2
		;;
	esac
	shift
done

if [ "${TG_VERBOSE:-0}" = 1 ] && [ -n "${test_description:-}" ]; then
	printf '%s\n' "$test_description" | sed 's/^/# /'
fi

# --- the binary under test -----------------------------------------------

THREATGATE=${THREATGATE:-$SOURCE_DIRECTORY/build/threatgate}
case "$THREATGATE" in
/*) ;;
*) THREATGATE="$PWD/$THREATGATE" ;;
esac
if [ ! -x "$THREATGATE" ]; then
	echo "Bail out! threatgate binary not found or not executable: $THREATGATE (run make first)"
	exit 2
fi
THREATGATE_REAL=$THREATGATE

# --- the scratch directory -----------------------------------------------

TRASH_DIRECTORY=$(mktemp -d "${TMPDIR:-/tmp}/tg-$TEST_NAME.XXXXXX") || {
	echo "Bail out! cannot create a scratch directory under ${TMPDIR:-/tmp}"
	exit 2
}
TRASH_DIRECTORY=$(cd "$TRASH_DIRECTORY" && pwd -P)
export TRASH_DIRECTORY TEST_DIRECTORY SOURCE_DIRECTORY

# `threatgate` on PATH, and THREATGATE, run the binary under test, through
# TG_WRAP when set. The wrapper leaves a mark when TG_WRAP reports errors.
mkdir -p "$TRASH_DIRECTORY/.bin"
if [ -n "${TG_WRAP:-}" ]; then
	{
		echo '#!/bin/bash'
		printf '%s %q "$@"\n' "$TG_WRAP" "$THREATGATE_REAL"
		echo 'status=$?'
		printf 'if [ "$status" -eq 99 ]; then echo "$(date +%%s) threatgate $*" >>%q; fi\n' \
			"$TRASH_DIRECTORY/.wrap-errors"
		echo 'exit "$status"'
	} >"$TRASH_DIRECTORY/.bin/threatgate"
	chmod +x "$TRASH_DIRECTORY/.bin/threatgate"
	THREATGATE="$TRASH_DIRECTORY/.bin/threatgate"
else
	ln -s "$THREATGATE_REAL" "$TRASH_DIRECTORY/.bin/threatgate"
fi
PATH="$TRASH_DIRECTORY/.bin:$PATH"
export THREATGATE THREATGATE_REAL PATH

# --- a fixed, isolated environment ---------------------------------------

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY \
	GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_CONFIG GIT_CONFIG_GLOBAL \
	GIT_CONFIG_SYSTEM GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT \
	GIT_QUARANTINE_PATH GIT_NAMESPACE GIT_PREFIX GIT_TRACE \
	XDG_CONFIG_HOME NO_COLOR GITHUB_ACTIONS GITHUB_STEP_SUMMARY GITLAB_CI

HOME=$TRASH_DIRECTORY
GIT_CONFIG_NOSYSTEM=1
GIT_CEILING_DIRECTORIES=$(dirname "$TRASH_DIRECTORY")
GIT_AUTHOR_NAME='A U Thor'
GIT_AUTHOR_EMAIL='author@example.com'
GIT_COMMITTER_NAME='C O Mitter'
GIT_COMMITTER_EMAIL='committer@example.com'
GIT_AUTHOR_DATE='2026-11-27T10:13:13+0000'
GIT_COMMITTER_DATE='2026-11-27T10:13:13+0000'
GIT_TERMINAL_PROMPT=0
GIT_PAGER='cat'
PAGER='cat'
EDITOR=:
THREATGATE_TODAY=2026-11-27
TZ=UTC
LC_ALL=C
LANG=C
TERM=dumb
export HOME GIT_CONFIG_NOSYSTEM GIT_CEILING_DIRECTORIES \
	GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL \
	GIT_AUTHOR_DATE GIT_COMMITTER_DATE GIT_TERMINAL_PROMPT GIT_PAGER PAGER \
	EDITOR THREATGATE_TODAY TZ LC_ALL LANG TERM

test_count=0
test_failure=0
test_success=0

cd "$TRASH_DIRECTORY" || exit 2

# Every script needs git; name the package rather than skip.
if ! command -v git >/dev/null 2>&1; then
	echo "not ok 1 - git is required: apt-get install -y git"
	echo "1..1"
	exit 1
fi

git config --global init.defaultBranch main
git config --global advice.detachedHead false
git config --global core.autocrlf false
git config --global safe.directory '*'
# Under a wrapper (valgrind runs ~20x slower) the hooks' default 5 s
# budget would time the wrapper, not threatgate. A test of the budget sets
# its own in the repository's config, which wins over this global one.
if [ -n "${TG_WRAP:-}" ]; then
	git config --global threatgate.timeout 600
fi

# --- helpers ---------------------------------------------------------------

say() {
	printf '%s\n' "$*"
}

# test_require TOOL...: inside a test body, fail (never skip) when a tool
# is missing, naming the package that brings it. ./install.sh installs them all
test_require() {
	local tool pkg missing=
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 && continue
		case "$tool" in
		cc | make) pkg=build-essential ;;
		*) pkg=$tool ;;
		esac
		missing="$missing $tool (apt-get install -y $pkg)"
	done
	if [ -n "$missing" ]; then
		say "error: missing tool:$missing; ./install.sh --deps test installs every test tool"
		return 1
	fi
	return 0
}

# write_file PATH: stdin to PATH, creating its directories.
write_file() {
	mkdir -p "$(dirname "$1")" && cat >"$1"
}

TG_LAST_STDOUT="$TRASH_DIRECTORY/.last-stdout"
TG_LAST_STDERR="$TRASH_DIRECTORY/.last-stderr"
TG_LAST_CMD=

# expect_exit N cmd...: run cmd (stdin from /dev/null), keep its output.
expect_exit() {
	local want=$1 got
	shift
	TG_LAST_CMD="$*"
	# Written so that the test body's `set -e` does not end the test here.
	if "$@" >"$TG_LAST_STDOUT" 2>"$TG_LAST_STDERR" </dev/null; then
		got=0
	else
		got=$?
	fi
	if [ "$got" -ne "$want" ]; then
		say "error: expected exit $want, got $got from: $*"
		_show_last_output
		return 1
	fi
	return 0
}

_show_last_output() {
	say "--- stdout of: $TG_LAST_CMD"
	cat "$TG_LAST_STDOUT" 2>/dev/null
	say "--- stderr"
	cat "$TG_LAST_STDERR" 2>/dev/null
	say "---"
}

_expect_in() {
	local what=$1 file=$2 mode=$3 text=$4
	if [ "$mode" = fixed ]; then
		grep -F -q -e "$text" "$file" && return 0
		say "error: $what does not contain: $text"
	elif [ "$mode" = regex ]; then
		grep -E -q -e "$text" "$file" && return 0
		say "error: no line of $what matches: $text"
	else
		grep -F -q -e "$text" "$file" || return 0
		say "error: $what contains, and should not: $text"
	fi
	_show_last_output
	return 1
}

expect_stdout_contains() { _expect_in stdout "$TG_LAST_STDOUT" fixed "$1"; }
expect_stderr_contains() { _expect_in stderr "$TG_LAST_STDERR" fixed "$1"; }
expect_stdout_matches() { _expect_in stdout "$TG_LAST_STDOUT" regex "$1"; }
expect_stderr_matches() { _expect_in stderr "$TG_LAST_STDERR" regex "$1"; }
expect_stdout_lacks() { _expect_in stdout "$TG_LAST_STDOUT" absent "$1"; }
expect_stderr_lacks() { _expect_in stderr "$TG_LAST_STDERR" absent "$1"; }

# --- git helpers ----------------------------------------------------------

tg_doc_good() {
	cat <<\EOF
---
title: Session token rotation
dri: Jane Doe <jane@example.com>
participants: [jane, omar, li]
status: approved
threat-model-reviewed: 2026-10-02
covers: [services/session/**]
exposure: internal
data-classification: [internal]
---
# Session token rotation

## Overview

Rotate the signing key of internal session tokens every 24 hours without
logging anyone out.

## Design

The token service keeps two keys: the current one signs, both verify. A
scheduled job promotes the next key and retires the oldest.

## Security

### Assets and Data Classification

| Asset | Classification | Notes |
|---|---|---|
| Signing keys | restricted | held in the key store, never on disk |

### Threat Model

| ID | Threat | STRIDE | Priority | Mitigation | Status |
|---|---|---|---|---|---|
| T1 | Token signed with a stolen retired key | Spoofing | P2 | Retired keys are destroyed after one overlap window | mitigated |
| T2 | Rotation job replaced by a modified image | Tampering | P3 | Signed images, admission policy | mitigated |
| T3 | Operator denies forcing an early rotation | Repudiation | P4 | Rotation events go to the audit log | mitigated |
| T4 | Key material written to logs | Information disclosure | P2 | Key type has no string form; log scrubber | mitigated |
| T5 | Rotation storm invalidates every session | Denial of service | P3 | One rotation per hour at most, alert on retries | mitigated |
| T6 | Job account used to read unrelated secrets | Elevation of privilege | P3 | Job role limited to the key path | mitigated |

### Security Sign-off

- [x] Security review: @alice (2026-11-01)
EOF
}

tg_doc_bad() {
	tg_doc_good | sed -e 's/^| T2 | Rotation job replaced by a modified image | Tampering | P3 |/| T2 | Rotation job replaced by a modified image | Tampering | |/'
}

# tg_line FILE ERE: the number of the first line of FILE matching ERE.
tg_line() {
	grep -n -E -m 1 -e "$2" "$1" | cut -d: -f1
}

# install_hook GITDIR KIND: this tree's hooks/KIND, as install.sh would.
install_hook() {
	mkdir -p "$1/hooks" &&
		cp "$SOURCE_DIRECTORY/hooks/$2" "$1/hooks/$2" &&
		chmod +x "$1/hooks/$2"
}

# make_server NAME.git: a bare repository with the pre-receive hook.
make_server() {
	git init -q --bare "$1" && install_hook "$1" pre-receive
}

# ref_of REPO REF: the id REF names in REPO, or "none".
ref_of() {
	git -C "$1" rev-parse -q --verify "$2^{}" 2>/dev/null || echo none
}

# expect_ref REPO REF ID: fail unless REF names ID in REPO ("none": absent).
expect_ref() {
	local got
	got=$(ref_of "$1" "$2")
	if [ "$got" != "$3" ]; then
		say "error: $1: $2 is $got, expected $3"
		return 1
	fi
	return 0
}

# test_must_fail cmd...: cmd must fail, and not by a signal or "not found".
test_must_fail() {
	local got
	if "$@"; then
		say "error: expected a failure from: $*"
		return 1
	else
		got=$?
	fi
	if [ "$got" -gt 125 ]; then
		say "error: '$*' died with status $got"
		return 1
	fi
	return 0
}

# test_expect_success 'title' 'commands'
test_expect_success() {
	local title=$1 body=$2 status log
	if [ "$#" -ne 2 ]; then
		echo "Bail out! test_expect_success needs 2 arguments, got $#: $1"
		exit 2
	fi
	test_count=$((test_count + 1))
	log="$TRASH_DIRECTORY/.test-$test_count.log"
	rm -f "$TRASH_DIRECTORY/.wrap-errors"

	# set -e inside the subshell catches a step that lacks its `&&`; the
	# subshell must not be an `if` condition, or bash would ignore set -e.
	(
		cd "$TRASH_DIRECTORY" || exit 1
		set -e
		eval "$body"
	) >"$log" 2>&1 </dev/null
	status=$?

	if [ "$status" -eq 0 ] && [ -s "$TRASH_DIRECTORY/.wrap-errors" ]; then
		echo "error: the wrapper ($TG_WRAP) reported errors in:" >>"$log"
		cat "$TRASH_DIRECTORY/.wrap-errors" >>"$log"
		status=1
	fi

	if [ "$status" -eq 0 ]; then
		test_success=$((test_success + 1))
		say "ok $test_count - $title"
		if [ "${TG_VERBOSE:-0}" = 1 ]; then
			sed 's/^/#   /' "$log"
		fi
	else
		test_failure=$((test_failure + 1))
		say "not ok $test_count - $title"
		sed 's/^/#   /' <<<"$body" | sed '/^#[[:space:]]*$/d'
		sed 's/^/#   | /' "$log"
	fi
}

test_done() {
	if [ "$test_failure" -eq 0 ]; then
		say "# passed all $test_count test(s)"
	else
		say "# failed $test_failure among $test_count test(s)"
	fi
	say "1..$test_count"

	if [ "$test_failure" -eq 0 ] && [ "${TG_KEEP:-0}" != 1 ]; then
		cd / && rm -rf "$TRASH_DIRECTORY"
		exit 0
	fi
	say "# scratch directory kept: $TRASH_DIRECTORY"
	[ "$test_failure" -eq 0 ]
	exit
}
