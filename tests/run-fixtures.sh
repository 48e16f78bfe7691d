#!/bin/bash
# Compare threatgate's output on every fixture document with what is
# expected of it: tests/run-fixtures.sh THREATGATE_BIN [FIXTURE.md...]
#
# Layout: tests/fixtures/<rule-or-topic>/<name>.md      the document
#         tests/fixtures/<rule-or-topic>/<name>.threatgate  optional policy
#         tests/fixtures/<rule-or-topic>/<name>.expected    stdout + exit
#
# Each fixture runs as
#
#   threatgate check --format text --color never --fail-on never \
#       [--config <name>.threatgate] <name>.md
#
# from a copy of its directory in a scratch folder outside any git
# repository, so that the paths in the output are short and neither this
# repository's .threatgate nor its git config can leak into the result.
# The environment is fixed: THREATGATE_TODAY=2026-11-27, NO_COLOR=1, HOME an
# empty directory, GIT_CONFIG_NOSYSTEM=1, TZ=UTC, LC_ALL=C.
#
# <name>.expected holds the exact standard output, then one last line
# "[exit N]" with the exit status. Standard error is not compared; it is
# shown when a fixture fails.
#
# Environment:
#   TG_UPDATE=1      rewrite the .expected files from the actual output
#   TG_WRAP          command prefix, e.g. valgrind; a wrapper that reports
#                    its own errors with exit 99 fails the fixture
#   TG_SUMMARY_FILE  append "PASSED FAILED" to this file (make test's total)
#
# Exit status: 0 when every fixture matched, 1 otherwise, 2 on bad usage.
# The last line printed is "N passed, N failed".

set -u

if [ "$#" -lt 1 ]; then
	echo "usage: $0 THREATGATE_BIN [FIXTURE.md...]" >&2
	exit 2
fi

bin=$1
shift
case "$bin" in
/*) ;;
*) bin="$PWD/$bin" ;;
esac
if [ ! -x "$bin" ]; then
	echo "run-fixtures: not an executable file: $bin" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
fixtures="$here/fixtures"

wrap=()
if [ -n "${TG_WRAP:-}" ]; then
	read -r -a wrap <<<"$TG_WRAP"
fi

if [ "$#" -gt 0 ]; then
	docs=("$@")
else
	docs=()
	while IFS= read -r -d '' f; do
		docs+=("$f")
	done < <(find "$fixtures" -mindepth 2 -maxdepth 2 -type f -name '*.md' -print0 2>/dev/null | LC_ALL=C sort -z)
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/tg-fixtures.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT

passed=0
failed=0
updated=0
failed_names=()

for doc in "${docs[@]}"; do
	case "$doc" in
	/*) ;;
	*) doc="$PWD/$doc" ;;
	esac
	dir=$(dirname "$doc")
	topic=$(basename "$dir")
	file=$(basename "$doc")
	name=${file%.md}
	expected="$dir/$name.expected"
	label="$topic/$name"

	# A fresh copy of the topic directory and an empty HOME for each run:
	# one fixture can never see what another left behind.
	run="$scratch/run"
	rm -rf "$run"
	mkdir -p "$run/home" "$run/work"
	cp -R "$dir" "$run/work/$topic"

	args=(check --format text --color never --fail-on never)
	if [ -f "$dir/$name.threatgate" ]; then
		args+=(--config "$name.threatgate")
	fi
	args+=("$file")

	(
		cd "$run/work/$topic" || exit 125
		exec env \
			-u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE \
			-u GIT_OBJECT_DIRECTORY -u GIT_ALTERNATE_OBJECT_DIRECTORIES \
			-u GIT_CONFIG -u GIT_CONFIG_GLOBAL -u GIT_CONFIG_SYSTEM \
			-u GIT_CONFIG_PARAMETERS -u GIT_CONFIG_COUNT \
			-u GIT_QUARANTINE_PATH -u XDG_CONFIG_HOME \
			-u GITHUB_ACTIONS -u GITHUB_STEP_SUMMARY -u GITLAB_CI \
			THREATGATE_TODAY=2026-11-27 NO_COLOR=1 HOME="$run/home" \
			GIT_CONFIG_NOSYSTEM=1 GIT_CEILING_DIRECTORIES="$run/work" \
			TZ=UTC LC_ALL=C TERM=dumb \
			"${wrap[@]}" "$bin" "${args[@]}"
	) >"$scratch/stdout" 2>"$scratch/stderr" </dev/null
	status=$?

	# The actual result: stdout as is, then the exit status.
	{
		cat "$scratch/stdout"
		if [ -s "$scratch/stdout" ] && [ -n "$(tail -c 1 "$scratch/stdout")" ]; then
			printf '\n[no newline at end of output]\n'
		fi
		printf '[exit %d]\n' "$status"
	} >"$scratch/actual"

	if [ "${TG_UPDATE:-0}" = 1 ] && [ "$status" -ne 99 ] && [ "$status" -lt 125 ]; then
		if [ -f "$expected" ] && cmp -s "$scratch/actual" "$expected"; then
			echo "ok - $label"
		else
			cp "$scratch/actual" "$expected"
			echo "ok - $label # updated $name.expected"
			updated=$((updated + 1))
		fi
		passed=$((passed + 1))
		continue
	fi

	if [ ! -f "$expected" ]; then
		echo "not ok - $label: no $name.expected (create it with TG_UPDATE=1)"
		sed 's/^/#   /' "$scratch/actual"
		failed=$((failed + 1))
		failed_names+=("$label")
		continue
	fi

	same=0
	diff -u --label "$label.expected" --label "$label (actual)" \
		"$expected" "$scratch/actual" >"$scratch/diff" && same=1
	if [ "$same" = 1 ] && [ "$status" -ne 99 ]; then
		echo "ok - $label"
		passed=$((passed + 1))
	else
		echo "not ok - $label"
		if [ "$status" -eq 99 ]; then
			echo "#   the wrapper ($TG_WRAP) reported errors"
		fi
		echo "#   cd $dir && threatgate ${args[*]}"
		sed 's/^/#   /' "$scratch/diff"
		if [ -s "$scratch/stderr" ]; then
			echo "#   stderr:"
			sed 's/^/#     /' "$scratch/stderr"
		fi
		failed=$((failed + 1))
		failed_names+=("$label")
	fi
done

if [ "${#docs[@]}" -eq 0 ]; then
	echo "# fixtures: no fixture documents under $fixtures"
fi
if [ "$updated" -gt 0 ]; then
	echo "# fixtures: rewrote $updated .expected file(s); review them with git diff"
fi
if [ -n "${TG_SUMMARY_FILE:-}" ]; then
	echo "$passed $failed" >>"$TG_SUMMARY_FILE"
fi
if [ "${#failed_names[@]}" -gt 10 ]; then
	echo "# fixtures: failed: ${failed_names[*]:0:10} and $((${#failed_names[@]} - 10)) more"
elif [ "${#failed_names[@]}" -gt 0 ]; then
	echo "# fixtures: failed: ${failed_names[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
