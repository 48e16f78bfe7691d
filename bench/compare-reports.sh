#!/bin/bash
# Every report format of two threatgate binaries on the same inputs, so
# that a change meant to keep behaviour shows an empty diff:
#
#   bench/compare-reports.sh OLD_BIN NEW_BIN [OUT_DIR]
#
# Inputs: every tests/fixtures/*/*.md (with its NAME.threatgate when there
# is one) and templates/examples/ as a whole, in all findings formats
# (text json sarif markdown github gitlab), outside any repository; and
# `scan` of a repository holding templates/examples/ in every scan format
# (text json csv markdown html); and Markdown without a design document
# (no-documents) as a folder and with `check --all`, in every format. Fixed date, empty HOME, no git config.
# Prints one line per differing output and `N outputs, N differ`; exit 1
# when any differs. The outputs stay in OUT_DIR (default: a temp dir).
set -u
old=$(realpath "$1") new=$(realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
out=${3:-$(mktemp -d "${TMPDIR:-/tmp}/tg-compare.XXXXXX")}
mkdir -p "$out/old" "$out/new" "$out/work/home"
formats="text json sarif markdown github gitlab"
scan_formats="text json csv markdown html"
n=0 differ=0

run() {	# run BIN DIR ARGS... > stdout+stderr and exit code
	local bin=$1 dir=$2
	shift 2
	(cd "$dir" && env -i PATH="$PATH" HOME="$out/work/home" \
		GIT_CONFIG_NOSYSTEM=1 THREATGATE_TODAY=2026-11-27 NO_COLOR=1 \
		"$bin" "$@" 2>&1; echo "exit $?")
}

compare() {	# compare NAME DIR ARGS...
	local name=$1 dir=$2
	shift 2
	run "$old" "$dir" "$@" >"$out/old/$name"
	run "$new" "$dir" "$@" >"$out/new/$name"
	n=$((n + 1))
	if ! cmp -s "$out/old/$name" "$out/new/$name"; then
		differ=$((differ + 1))
		echo "differs: $name ($*)"
	fi
}

# Fixtures, each in a copy of its folder outside the repository.
for doc in "$root"/tests/fixtures/*/*.md; do
	topic=$(basename "$(dirname "$doc")") file=$(basename "$doc")
	name=${file%.md}
	dir=$out/work/fixtures/$topic
	[ -d "$dir" ] || { mkdir -p "$dir" && cp -R "$(dirname "$doc")/." "$dir/"; }
	config=()
	[ -f "$dir/$name.threatgate" ] && config=(--config "$name.threatgate")
	for f in $formats; do
		compare "$topic--$name.$f" "$dir" check --format "$f" \
			--fail-on never "${config[@]}" "$file"
	done
done

# templates/examples as a folder, and scanned in a repository.
ex=$out/work/examples
mkdir -p "$ex/docs/design" "$ex/src"
cp "$root"/templates/examples/*.md "$ex/docs/design/"
for f in $formats; do
	compare "examples.$f" "$out/work" check --format "$f" --fail-on never examples/
done
(cd "$ex" && git init -q && git add . &&
	GIT_AUTHOR_DATE=2026-11-01T00:00:00Z GIT_COMMITTER_DATE=2026-11-01T00:00:00Z \
	git -c user.name=T -c user.email=t@example.com commit -q -m examples)
for f in $scan_formats; do
	compare "scan.$f" "$ex" scan --format "$f"
done
for f in $formats; do
	compare "examples-all.$f" "$ex" check --all --format "$f" --fail-on never
done

# Markdown but no design document: the no-documents finding.
nd=$out/work/nodocs
mkdir -p "$nd/notes"
printf '# Read me\n' >"$nd/README.md"
printf '# Plan\n' >"$nd/notes/plan.md"
for f in $formats; do
	compare "nodocs.$f" "$out/work" check --format "$f" --fail-on never nodocs
done
(cd "$nd" && git init -q && git add . &&
	GIT_AUTHOR_DATE=2026-11-01T00:00:00Z GIT_COMMITTER_DATE=2026-11-01T00:00:00Z \
	git -c user.name=T -c user.email=t@example.com commit -q -m notes)
for f in $formats; do
	compare "nodocs-all.$f" "$nd" check --all --format "$f" --fail-on never
done

echo "$n outputs, $differ differ (outputs in $out)"
[ "$differ" -eq 0 ]
