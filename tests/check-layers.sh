#!/bin/sh
# The pipeline's layers, checked: every folder of src/ may use only the
# folders below it, so there is no cycle between folders and no arrow up
# the pipeline (docs/HACKING.md). Two views of the same graph:
#
#  1. the `#include "..."` lines of src/ and include/ (a public header
#     include/threatgate/X.h belongs to the folder that implements it);
#  2. with a build directory, the symbols: which folder's objects define a
#     tg_ or cli_ symbol that another folder's objects use (nm).
#
# It also checks that the library reads no environment variable.
#
# usage: tests/check-layers.sh [BUILD_DIR] [-v]
# Exit 1 and a line per upward edge when the order is broken; -v prints
# the whole folder graph.
set -u
cd "$(dirname "$0")/.." || exit 2

build=
verbose=0
for arg in "$@"; do
	case $arg in
	-v) verbose=1 ;;
	*) build=$arg ;;
	esac
done

# Lowest first. A folder may use itself and the folders before it.
LAYERS="util policy doc model findings rules inventory git report cli"
# Below it, yet not to be used: a report is written from findings and the
# inventory alone, never by opening a repository or running rules.
FORBIDDEN="report:git report:rules"

# The folder that owns each public header.
owner_of_public() {
	case $1 in
	include/threatgate/common.h) echo util ;;
	include/threatgate/policy.h) echo policy ;;
	include/threatgate/document.h) echo doc ;;
	include/threatgate/model.h) echo model ;;
	include/threatgate/findings.h) echo findings ;;
	include/threatgate/rules.h) echo rules ;;
	include/threatgate/changes.h) echo git ;;
	include/threatgate/scan.h) echo inventory ;;
	include/threatgate/report.h) echo report ;;
	# The umbrella header is for library users, and the CLI is one.
	include/threatgate.h) echo cli ;;
	*) echo "?$1" ;;
	esac
}

folder_of() {
	case $1 in
	src/*/*) f=${1#src/}; echo "${f%%/*}" ;;
	include/*) owner_of_public "$1" ;;
	*) echo "?$1" ;;
	esac
}

edges=$(mktemp) || exit 2
trap 'rm -f "$edges"' EXIT

# 1. includes: "from-folder to-folder file -> header"
for file in $(find src include -name '*.[ch]' | sort); do
	dir=$(dirname "$file")
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file" |
	while read -r inc; do
		target=
		for cand in "$dir/$inc" "src/$inc" "include/$inc"; do
			if [ -f "$cand" ]; then
				target=$cand
				break
			fi
		done
		if [ -z "$target" ]; then
			echo "$file: cannot resolve #include \"$inc\"" >&2
			echo "? ? $file -> $inc" >>"$edges"
			continue
		fi
		target=$(echo "$target" | sed 's|/\./|/|g; s|^\./||')
		echo "$(folder_of "$file") $(folder_of "$target") $file -> $target" >>"$edges"
	done
done

# 2. symbols, when objects are there
if [ -n "$build" ] && [ -d "$build/src" ]; then
	defs=$(mktemp) || exit 2
	uses=$(mktemp) || exit 2
	for obj in $(find "$build/src" -name '*.o' | sort); do
		src=${obj#"$build"/}
		src=${src%.o}.c
		[ -f "$src" ] || continue	# a stale object of a moved file
		folder=$(folder_of "$src")
		nm "$obj" | awk -v f="$folder" -v o="$src" -v d="$defs" -v u="$uses" '
			$1 == "U" && $2 ~ /^(tg|cli)_/ { print $2, f, o >> u; next }
			NF == 3 && $2 ~ /^[TDBR]$/ && $3 ~ /^(tg|cli)_/ { print $3, f >> d }'
	done
	# Generated data (build/gen) belongs to the folder that declares it.
	echo "tg_rule_docs findings" >>"$defs"
	echo "tg_rule_docs_count findings" >>"$defs"
	awk 'NR == FNR { def[$1] = $2; next }
	     ($1 in def) { print $2, def[$1], $3, "-> " $1 "()" }' \
		"$defs" "$uses" >>"$edges"
	rm -f "$defs" "$uses"
fi

awk -v layers="$LAYERS" -v forbidden="$FORBIDDEN" -v verbose="$verbose" '
BEGIN {
	n = split(layers, l, " "); for (i = 1; i <= n; i++) rank[l[i]] = i
	n = split(forbidden, l, " "); for (i = 1; i <= n; i++) deny[l[i]] = 1
}
{
	from = $1; to = $2
	if (from == to)
		next
	key = from " -> " to
	count[key]++
	if (!(from in rank) || !(to in rank) || rank[to] > rank[from]) {
		$1 = ""; $2 = ""
		sub(/^  /, "")
		printf "upward: %s uses %s: %s\n", from, to, $0
		bad = 1
	} else if ((from ":" to) in deny) {
		$1 = ""; $2 = ""
		sub(/^  /, "")
		printf "forbidden: %s uses %s: %s\n", from, to, $0
		bad = 1
	}
}
END {
	if (verbose) {
		print "layers, lowest first: " layers
		for (k in count)
			printf "  %s (%d)\n", k, count[k] | "sort"
		close("sort")
	}
	exit bad
}' "$edges"
rc=$?

# The library reads no environment variable: the CLI reads them once and
# passes them down (tg_options). TMPDIR, where a scratch file may go, is
# the C library's convention and stays.
if grep -n 'getenv *(' $(find src -name '*.c' ! -path 'src/cli/*' | sort) |
	grep -v 'getenv("TMPDIR")'; then
	echo "environment read outside src/cli/ (pass it in tg_options)"
	rc=1
fi
if [ $rc -eq 0 ]; then
	echo "layers: no upward or forbidden edge ($LAYERS)"
fi
exit $rc
