#!/bin/bash
# The Debian package, as a user gets it: tests/package.sh [OUTDIR]
#
# Builds the package with `dpkg-buildpackage -us -uc` from a clean clone of
# HEAD (nothing of this work tree's build leaks in), runs lintian on it
# (an error or a warning fails; the pedantic and informational tags are
# shown), installs it with `dpkg -i`, and runs the installed program from
# a scratch repository with a PATH that has no /usr/local and no build
# tree: --version, the man pages, `check` on the shipped examples, the
# installed pre-commit hook. The package is removed again at the end,
# unless TG_KEEP_PACKAGE=1. The .deb, .changes and lintian's output stay in
# OUTDIR (default: a scratch folder, named at the end).
#
# Needs root (dpkg -i) and ./install.sh --deps build ci.
# Prints "N passed, N failed" last; exit 0 only when nothing failed.
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/tg-package.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
step() { # step TITLE CMD...: run CMD, its output in $out/step.log
	local title=$1
	shift
	if "$@" >"$out/step.log" 2>&1; then
		ok "$title"
	else
		not_ok "$title"
		sed 's/^/#   /' "$out/step.log"
	fi
}

finish() {
	echo "# package: build products in $out"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

version=$(cat "$here/VERSION")
src=$out/src/threatgate-$version
rm -rf "$out/src"
mkdir -p "$out/src"

step "a clean clone of HEAD" git clone -q --no-hardlinks "$here" "$src"
step "dpkg-buildpackage -us -uc" sh -c "cd '$src' && dpkg-buildpackage -us -uc >'$out/build.log' 2>&1 || { tail -40 '$out/build.log'; exit 1; }"
deb=$out/src/threatgate_${version}_$(dpkg --print-architecture).deb
changes=${deb%.deb}.changes
if [ ! -f "$deb" ]; then
	not_ok "the package $deb was built"
	finish
fi
cp "$out"/src/threatgate_"$version"* "$out"/ 2>/dev/null

# lintian: E: and W: fail; I: and P: (--info --pedantic) are shown.
lintian --info --pedantic "$changes" >"$out/lintian.log" 2>&1
sed -i '/running with root privileges is not recommended/d' "$out/lintian.log"
sed 's/^/# lintian: /' "$out/lintian.log"
if grep -Eq '^[EW]: ' "$out/lintian.log"; then
	not_ok "lintian: no error or warning"
else
	ok "lintian: no error or warning ($(grep -c . "$out/lintian.log") tags in all)"
fi

step "dpkg -i $(basename "$deb")" dpkg -i "$deb"

# From here on the installed package alone: no /usr/local, no build tree.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tg-package-run.XXXXXX")
run() { (cd "$scratch" && env -i HOME="$scratch" PATH=/usr/bin:/bin LC_ALL=C \
	GIT_CONFIG_NOSYSTEM=1 GIT_CEILING_DIRECTORIES="$(dirname "$scratch")" "$@"); }

if run threatgate --version | grep -Eq "^threatgate $version \\(commit [0-9a-f]{7,}\\)$"; then
	ok "/usr/bin/threatgate --version names $version and the commit"
else
	not_ok "/usr/bin/threatgate --version names $version and the commit: $(run threatgate --version 2>&1)"
fi
step "its man pages are installed" test -s /usr/share/man/man1/threatgate.1.gz -a -s /usr/share/man/man5/threatgate-policy.5.gz
step "completion and schemas are installed" test -s /usr/share/bash-completion/completions/threatgate \
	-a -s /usr/share/zsh/vendor-completions/_threatgate -a -s /usr/share/threatgate/schemas/check-report.schema.json

check_examples() {
	local status=0
	run git init -q . &&
		mkdir -p "$scratch/docs/design" &&
		cp /usr/share/doc/threatgate/examples/*.md "$scratch/docs/design/" &&
		gunzip -f "$scratch"/docs/design/*.gz 2>/dev/null
	run threatgate check --color never docs/design/ >"$scratch/out" 2>&1 || status=$?
	cat "$scratch/out"
	[ "$status" -eq 1 ] && grep -q "^threatgate: 3 errors, 1 warning, 0 notes in 4 documents$" "$scratch/out"
}
step "threatgate check on the shipped examples: exit 1, 3 errors in 4 documents" check_examples

hook_refuses() {
	local status=0
	run git config user.name T && run git config user.email t@example.com &&
		cp /usr/share/threatgate/hooks/pre-commit "$scratch/.git/hooks/pre-commit" &&
		run git add docs/design/profile-photos.sdd.md || return 1
	run git commit -q -m photos >"$scratch/hook.out" 2>&1 || status=$?
	cat "$scratch/hook.out"
	[ "$status" -ne 0 ] && grep -q "profile-photos.sdd.md:.*\[threat-missing-priority\]" "$scratch/hook.out"
}
step "the installed pre-commit hook refuses the failing example" hook_refuses
rm -rf "$scratch"

if [ "${TG_KEEP_PACKAGE:-0}" != 1 ]; then
	step "dpkg -r threatgate" dpkg -r threatgate
fi
finish
