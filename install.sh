#!/usr/bin/env bash
# Build and install threatgate on Debian 12 (bookworm).
#
#   ./install.sh                    packages, build, install, smoke test
#   ./install.sh --hooks REPO       install the git hooks into a work repository
#   ./install.sh --server BARE.git  install the pre-receive hook on a server
#                                   (both: threatgate install-hooks [--server] REPO)
#
# Environment: PREFIX (default /usr/local), DESTDIR as for `make install`.
# Debian packages are installed only when missing; sudo is used only when
# not running as root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

PREFIX=${PREFIX:-/usr/local}
export PREFIX

PACKAGES=(
	build-essential pkg-config git
	libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
	libpcre2-dev libcmocka-dev libyaml-dev libjansson-dev
)

usage() {
	cat <<EOF
usage: ./install.sh                    build and install threatgate under \$PREFIX ($PREFIX)
       ./install.sh --hooks REPO       install threatgate's git hooks into REPO
       ./install.sh --server BARE.git  install the pre-receive hook into a bare repository
EOF
}

say() {
	printf 'install.sh: %s\n' "$*"
}

die() {
	printf 'install.sh: error: %s\n' "$*" >&2
	exit 1
}

scratch=
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	SUDO=(sudo)
fi

# run_as_root CMD...: as is when root, through sudo otherwise.
run_as_root() {
	if [ "${#SUDO[@]}" -gt 0 ] && ! command -v sudo >/dev/null 2>&1; then
		die "'$*' needs root and sudo is not installed: run ./install.sh as root"
	fi
	"${SUDO[@]}" "$@"
}

install_packages() {
	local missing=() pkg
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
		say "not a Debian system: make sure these (or your system's equivalents) are installed:"
		say "  ${PACKAGES[*]}"
		return 0
	fi
	for pkg in "${PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$pkg")
		fi
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		say "build dependencies already installed"
		return 0
	fi
	say "installing ${missing[*]}"
	run_as_root env DEBIAN_FRONTEND=noninteractive apt-get update
	run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

build_and_install() {
	local jobs
	jobs=$(nproc 2>/dev/null || echo 2)
	say "building"
	make -j"$jobs"

	say "installing into ${DESTDIR:-}$PREFIX"
	if [ -w "${DESTDIR:-}$PREFIX" ] || { [ ! -e "${DESTDIR:-}$PREFIX" ] && [ -w "$(dirname "${DESTDIR:-}$PREFIX")" ]; }; then
		make install PREFIX="$PREFIX"
	else
		run_as_root make install PREFIX="$PREFIX"
	fi
}

# Check the shipped examples with the built-in defaults. They are copied
# to a scratch repository so that no .threatgate of this checkout applies.
# One example, profile-photos, fails on purpose: exit 1 is the expected
# outcome; anything else means the install is broken.
smoke_test() {
	local bin status=0 unexpected
	bin="${DESTDIR:-}$PREFIX/bin/threatgate"
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/threatgate-install.XXXXXX")
	trap 'rm -rf "$scratch"' EXIT

	mkdir -p "$scratch/templates"
	cp -R templates/examples "$scratch/templates/examples"
	git -C "$scratch" init -q

	say "checking the example design docs: threatgate check templates/examples/"
	echo
	(cd "$scratch" && GIT_CEILING_DIRECTORIES="$scratch/.." "$bin" check templates/examples/) || status=$?
	echo

	case "$status" in
	1)
		unexpected=$(cd "$scratch" && GIT_CEILING_DIRECTORIES="$scratch/.." \
			"$bin" check --format text --color never --fail-on never templates/examples/ |
			grep -E '^[^ ]+:[0-9]+(:[0-9]+)?: error:' | grep -v '^templates/examples/profile-photos\.sdd\.md:' || true)
		if [ -n "$unexpected" ]; then
			say "warning: errors in examples that should pass:"
			printf '%s\n' "$unexpected"
		fi
		say "exit 1 is expected: profile-photos.sdd.md fails on purpose (no DRI, a P1"
		say "threat without mitigation, a threat without priority, no security sign-off)."
		say "The other examples pass. Start your own from $PREFIX/share/threatgate/templates/sdd.md"
		say "or run 'threatgate init' in a repository."
		;;
	0)
		die "threatgate passed profile-photos.sdd.md, which must fail: the build is broken"
		;;
	*)
		die "threatgate check exited $status on the examples (expected 1)"
		;;
	esac
}

# install_repo_hooks MODE REPO: --hooks and --server, done by the binary
# (`threatgate install-hooks [--server] REPO`, which has the hooks built in
# and keeps a hook that was there as KIND.local). THREATGATE names the
# binary; else the one on PATH, else the one just built here.
install_repo_hooks() {
	local mode=$1 repo=$2 tg
	# REPO is relative to where install.sh was started; the script has
	# changed to its own folder since (cd sets OLDPWD).
	case "$repo" in
	/*) ;;
	*) repo="${OLDPWD:-.}/$repo" ;;
	esac
	if [ -n "${THREATGATE:-}" ]; then
		tg=$THREATGATE
	elif command -v threatgate >/dev/null 2>&1; then
		tg=threatgate
	elif [ -x build/threatgate ]; then
		tg=$PWD/build/threatgate
	else
		die "no threatgate binary: run ./install.sh first (or set THREATGATE)"
	fi
	if [ "$mode" = --server ]; then
		"$tg" install-hooks --server "$repo" || exit 1
	else
		"$tg" install-hooks "$repo" || exit 1
	fi
}

case "${1:-}" in
"")
	;;
--hooks | --server)
	if [ "$#" -ne 2 ] || [ -z "$2" ]; then
		usage >&2
		exit 2
	fi
	install_repo_hooks "$1" "$2"
	exit 0
	;;
-h | --help)
	usage
	exit 0
	;;
*)
	usage >&2
	exit 2
	;;
esac

install_packages
build_and_install
smoke_test
say "done: installed ${DESTDIR:-}$PREFIX/bin/threatgate ($("${DESTDIR:-}$PREFIX/bin/threatgate" --version 2>/dev/null || echo "version unknown"))"
