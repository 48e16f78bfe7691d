#!/bin/bash
# Run the integration scripts: tests/run-integration.sh THREATGATE_BIN [tNNNN-x.sh...]
#
# Every tests/integration/t[0-9]*.sh runs with THREATGATE set to the
# binary's absolute path and TMPDIR set to a scratch folder of its own, in
# which tests/integration/lib.sh makes the script's working directory and
# HOME. Each script prints TAP-ish "ok N - title" / "not ok N - title"
# lines; they are shown indented under the script's name, and counted.
# A script that fails without a "not ok" line (it died, or bailed out)
# counts as one failure.
#
# A tool the tests need is never skipped silently: git is checked here, and
# a script that needs more calls test_require, which fails with the command
# that installs it. ./install.sh installs everything.
#
# Environment:
#   TG_WRAP          command prefix for every threatgate run (valgrind)
#   TG_VERBOSE=1     pass -v to the scripts: show every test's output
#   TG_KEEP=1        keep every scratch directory
#   TG_SUMMARY_FILE  append "PASSED FAILED" to this file (make test's total)
#
# Exit status: 0 when every test passed, 1 otherwise, 2 on bad usage.
# The last line printed is "N passed, N failed".

set -u

if [ "$#" -lt 1 ]; then
	echo "usage: $0 THREATGATE_BIN [tNNNN-topic.sh...]" >&2
	exit 2
fi

bin=$1
shift
case "$bin" in
/*) ;;
*) bin="$PWD/$bin" ;;
esac
if [ ! -x "$bin" ]; then
	echo "run-integration: not an executable file: $bin" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)

if [ "$#" -gt 0 ]; then
	scripts=("$@")
else
	scripts=()
	while IFS= read -r -d '' f; do
		scripts+=("$f")
	done < <(find "$here/integration" -maxdepth 1 -type f -name 't[0-9]*.sh' -print0 | LC_ALL=C sort -z)
fi

passed=0
failed=0
failed_scripts=()

if ! command -v git >/dev/null 2>&1; then
	echo "not ok - git is required by every integration test: apt-get install -y git"
	echo "0 passed, 1 failed"
	exit 1
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/tg-integration.XXXXXX") || exit 2
out="$root/.out"
keep=0

for script in "${scripts[@]}"; do
	name=$(basename "$script" .sh)
	tmp="$root/$name"
	mkdir -p "$tmp"
	args=()
	if [ "${TG_VERBOSE:-0}" = 1 ]; then
		args+=(-v)
	fi

	echo "# $name"
	THREATGATE="$bin" TMPDIR="$tmp" bash "$script" "${args[@]}" >"$out" 2>&1 </dev/null
	status=$?

	sed 's/^/    /' "$out"
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "    not ok - $name exited $status without reporting a failed test"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failed_scripts+=("$name")
		keep=1
	fi
done

if [ "$keep" = 1 ] || [ "${TG_KEEP:-0}" = 1 ]; then
	rm -f "$out"
	echo "# integration: scratch directories kept under $root"
else
	rm -rf "$root"
fi

if [ "${#scripts[@]}" -eq 0 ]; then
	echo "# integration: no test scripts under $here/integration"
fi
if [ -n "${TG_SUMMARY_FILE:-}" ]; then
	echo "$passed $failed" >>"$TG_SUMMARY_FILE"
fi
if [ "${#failed_scripts[@]}" -gt 0 ]; then
	echo "# integration: failed: ${failed_scripts[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
