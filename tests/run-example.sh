#!/bin/sh
# The library as a user gets it: `make install` into a scratch DESTDIR,
# then tests/example/example.c built with pkg-config against that copy
# alone (the source tree's include/ and src/ are not on the path), and
# run on a fixture, and on a folder holding a design document and other
# Markdown: its JSON must equal `threatgate check --format json`'s.
#
# usage: tests/run-example.sh BUILD_DIR BIN [CC [CFLAGS...]]
# Prints "N passed, N failed" last; appends them to $TG_SUMMARY_FILE.
set -u
build=$1 bin=$2
shift 2
cc=${1:-cc}
[ $# -gt 0 ] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
case $bin in /*) ;; *) bin=$root/$bin ;; esac
dest=$build/install-test
fixture=$root/tests/fixtures/signoff-required/passes-signed.md
pass=0 fail=0

report() {
	if [ "$1" = ok ]; then
		pass=$((pass + 1)); echo "    ok - $2"
	else
		fail=$((fail + 1)); echo "    not ok - $2"
	fi
}

rm -rf "$dest"
if make -s -C "$root" BUILD="$build" DESTDIR="$dest" PREFIX=/usr \
	install-lib >"$build/install-test.log" 2>&1 &&
	[ -f "$dest/usr/include/threatgate.h" ] &&
	[ -f "$dest/usr/lib/libthreatgate.a" ] &&
	[ -f "$dest/usr/lib/pkgconfig/threatgate.pc" ]; then
	report ok "make install puts threatgate.h, libthreatgate.a and threatgate.pc"
else
	cat "$build/install-test.log"
	report fail "make install puts threatgate.h, libthreatgate.a and threatgate.pc"
fi

flags=$(PKG_CONFIG_SYSROOT_DIR=$dest \
	PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig \
	pkg-config --cflags --static --libs threatgate 2>&1)
# shellcheck disable=SC2086  # flags are words
if cd "$build" && $cc -std=c11 -Wall -Wextra -Werror -pedantic "$@" \
	-o example "$root/tests/example/example.c" $flags 2>"$build/example.log"; then
	report ok "an example program builds against the installed copy only"
else
	cat "$build/example.log"
	report fail "an example program builds against the installed copy only"
fi

# same NAME ARGS...: the example's report of ARGS is threatgate check's
same() {
	local name=$1
	shift
	(cd "$scratch" && HOME=$scratch GIT_CONFIG_NOSYSTEM=1 \
		"$build/example" "$@") >"$build/example.json" 2>/dev/null
	(cd "$scratch" && HOME=$scratch GIT_CONFIG_NOSYSTEM=1 \
		"$bin" check --format json "$@") >"$build/example.expected" 2>/dev/null
	if [ -s "$build/example.json" ] &&
		cmp -s "$build/example.json" "$build/example.expected"; then
		report ok "$name"
	else
		diff "$build/example.expected" "$build/example.json" | head -20
		report fail "$name"
	fi
}

if [ -x "$build/example" ]; then
	# outside any repository, with no git config: the default policy
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/tg-example.XXXXXX") || exit 2
	cp "$fixture" "$scratch/doc.md"
	mkdir -p "$scratch/tree/docs/design" "$scratch/tree/notes" "$scratch/md"
	cp "$fixture" "$scratch/tree/docs/design/doc.md"
	cp "$root/tests/fixtures/threat-missing-priority/fires-missing-and-off-scale.md" \
		"$scratch/tree/docs/design/other.md"
	echo "# Notes" >"$scratch/tree/notes/a.md"
	echo "# Notes" >"$scratch/md/a.md"
	same "the example's report is threatgate check's" doc.md
	same "the example's report of a folder is threatgate check's" tree
	same "the example's no-documents is threatgate check's" md
	rm -rf "$scratch"
fi
echo "$pass passed, $fail failed"
[ -n "${TG_SUMMARY_FILE:-}" ] && echo "$pass $fail" >>"$TG_SUMMARY_FILE"
[ "$fail" -eq 0 ]
