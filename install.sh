#!/usr/bin/env bash
# Build and install threatgate on Debian 12 (bookworm).
#
#   ./install.sh                    packages, build, install, smoke test
#   ./install.sh --no-test-deps     the same without the tools of `make test`
#   ./install.sh --deps SET...      only the packages of SET: build, test, ci
#   ./install.sh --hooks REPO       install the git hooks into a work repository
#   ./install.sh --server BARE.git  install the pre-receive hook on a server
#                                   (both: threatgate install-hooks [--server] REPO)
#
# Environment: PREFIX (default /usr/local), DESTDIR as for `make install`.
# Debian packages are installed only when missing, and named before they
# are; sudo is used only when not running as root. The lists below are the
# only place that names them: .ci/run, debian/control (checked by a test)
# and the README's table follow them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

PREFIX=${PREFIX:-/usr/local}
export PREFIX

# build: what the library, the program and the unit tests build with.
PACKAGES=(
	build-essential pkg-config git
	libgit2-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
	libpcre2-dev libcmocka-dev libyaml-dev libjansson-dev libgumbo-dev
)

# test: the tools `make test` runs besides threatgate (see the README's
# Dependencies); npm only when no npm is on PATH.
TEST_PACKAGES=(
	ca-certificates curl jq python3 python3-jsonschema python3-yaml
	mandoc cmark-gfm pre-commit chromium zsh
)
# From the npm registry, installed globally: the SARIF SDK (its schema and
# validator check --format sarif).
NPM_TEST_PACKAGES=(
	@microsoft/sarif-multitool-linux@5.7.0
)

# ci: what .ci/run needs beyond `make test`: the sanitizer builds (clang
# for TSan), valgrind, the static analyser, and the Debian package build.
CI_PACKAGES=(
	valgrind clang clang-tidy
	debhelper devscripts lintian fakeroot dpkg-dev
)

usage() {
	cat <<EOF
usage: ./install.sh                    build and install threatgate under \$PREFIX ($PREFIX),
                                      with what \`make test\` needs
       ./install.sh --no-test-deps     the same, without the test tools
       ./install.sh --deps SET...      only install the packages of SET (build, test, ci)
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

# missing_debs PKG...: those of PKG that dpkg does not have installed.
missing_debs() {
	local pkg
	for pkg in "$@"; do
		# npm may come with Node.js from elsewhere: any npm will do.
		if [ "$pkg" = npm ] && command -v npm >/dev/null 2>&1; then
			continue
		fi
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
			printf '%s\n' "$pkg"
		fi
	done
}

apt_updated=0

# install_debs WHAT PKG...: the missing ones of PKG, with apt-get.
install_debs() {
	local what=$1 missing=()
	shift
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
		say "not a Debian system: make sure these $what (or your system's equivalents) are installed:"
		say "  $*"
		return 0
	fi
	mapfile -t missing < <(missing_debs "$@")
	if [ "${#missing[@]}" -eq 0 ]; then
		say "$what already installed"
		return 0
	fi
	say "installing $what: ${missing[*]}"
	if [ "$apt_updated" = 0 ]; then
		run_as_root env DEBIAN_FRONTEND=noninteractive apt-get update
		apt_updated=1
	fi
	run_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# install_npm SPEC...: NAME@VERSION, globally, unless that version is there.
install_npm() {
	local spec name version root have
	for spec in "$@"; do
		name=${spec%@*}
		version=${spec##*@}
		if ! command -v npm >/dev/null 2>&1; then
			die "npm is needed for $spec: apt-get install -y npm"
		fi
		root=$(npm root -g 2>/dev/null) || root=
		have=
		if [ -r "$root/$name/package.json" ]; then
			have=$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$root/$name/package.json" | head -n 1)
		fi
		if [ "$have" = "$version" ]; then
			say "npm $spec already installed"
			continue
		fi
		say "installing from npm: $spec (npm install -g)"
		if [ -w "$root" ] || { [ -n "$root" ] && [ ! -e "$root" ] && [ -w "$(dirname "$root")" ]; }; then
			npm install -g --no-fund --no-audit "$spec"
		else
			run_as_root npm install -g --no-fund --no-audit "$spec"
		fi
	done
}

# install_set SET: build, test or ci.
install_set() {
	case "$1" in
	build) install_debs "build dependencies" "${PACKAGES[@]}" ;;
	test)
		install_debs "test tools" "${TEST_PACKAGES[@]}" npm
		install_npm "${NPM_TEST_PACKAGES[@]}"
		;;
	ci) install_debs "CI tools" "${CI_PACKAGES[@]}" ;;
	*)
		usage >&2
		exit 2
		;;
	esac
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

test_deps=1
case "${1:-}" in
"")
	;;
--no-test-deps)
	[ "$#" -eq 1 ] || { usage >&2; exit 2; }
	test_deps=0
	;;
--deps)
	shift
	[ "$#" -gt 0 ] || { usage >&2; exit 2; }
	for set in "$@"; do
		install_set "$set"
	done
	exit 0
	;;
--list)
	# --list SET: the package names of SET, one a line (for tests and CI).
	case "${2:-}" in
	build) printf '%s\n' "${PACKAGES[@]}" ;;
	test) printf '%s\n' "${TEST_PACKAGES[@]}" npm "${NPM_TEST_PACKAGES[@]}" ;;
	ci) printf '%s\n' "${CI_PACKAGES[@]}" ;;
	*) usage >&2; exit 2 ;;
	esac
	exit 0
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

install_set build
if [ "$test_deps" = 1 ]; then
	install_set test
fi
build_and_install
smoke_test
say "done: installed ${DESTDIR:-}$PREFIX/bin/threatgate ($("${DESTDIR:-}$PREFIX/bin/threatgate" --version 2>/dev/null || echo "version unknown"))"
