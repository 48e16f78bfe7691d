#!/bin/bash
# Run the cmocka unit programs: tests/run-unit.sh BIN...
#
# Each program runs on its own; its output is shown only when it fails.
# Test cases are counted from cmocka's "[  PASSED  ]"/"[  FAILED  ]"
# summaries. A program that exits non-zero without reporting a failed case
# (a crash, a sanitizer report, valgrind's error exit) counts as one failure.
#
# Environment:
#   TG_WRAP          command prefix, e.g. "valgrind --error-exitcode=99 ..."
#   TG_VERBOSE=1     show the output of passing programs too
#   TG_SUMMARY_FILE  append "PASSED FAILED" to this file (make test's total)
#
# Exit status: 0 when every program passed, 1 otherwise.
# The last line printed is "N passed, N failed".

set -u

wrap=()
if [ -n "${TG_WRAP:-}" ]; then
	read -r -a wrap <<<"$TG_WRAP"
fi

passed=0
failed=0
failed_programs=()
log=$(mktemp "${TMPDIR:-/tmp}/tg-unit.XXXXXX") || exit 2
trap 'rm -f "$log"' EXIT

if [ "$#" -eq 0 ]; then
	echo "# run-unit: no unit test programs given"
fi

for bin in "$@"; do
	name=${bin##*/}
	if [ ! -x "$bin" ]; then
		echo "not ok - $name: not an executable file: $bin"
		failed=$((failed + 1))
		failed_programs+=("$name")
		continue
	fi

	"${wrap[@]}" "$bin" >"$log" 2>&1
	status=$?

	# cmocka 1.1.5: "[  PASSED  ] 3 test(s)." and "[  FAILED  ] 1 test(s), listed below:"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	p=${p:-0}
	f=${f:-0}

	if [ "$status" -eq 0 ] && [ "$f" -eq 0 ]; then
		[ "$p" -eq 0 ] && p=1	# a program without cmocka's summary
		echo "ok - $name ($p passed)"
		if [ "${TG_VERBOSE:-0}" = 1 ]; then
			sed 's/^/#   /' "$log"
		fi
	else
		if [ "$f" -eq 0 ]; then
			f=1
		fi
		if [ "$status" -ge 128 ]; then
			why="killed by signal $((status - 128))"
		else
			why="exit $status"
		fi
		echo "not ok - $name ($p passed, $f failed, $why)"
		sed 's/^/#   /' "$log"
		failed_programs+=("$name")
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

if [ -n "${TG_SUMMARY_FILE:-}" ]; then
	echo "$passed $failed" >>"$TG_SUMMARY_FILE"
fi

if [ "${#failed_programs[@]}" -gt 0 ]; then
	echo "# unit: failing programs: ${failed_programs[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
