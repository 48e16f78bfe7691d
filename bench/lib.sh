# Shared by the bench/*.sh scripts: which threatgate to time, and the
# tools to install when missing. Source it after setting `name` (the
# script's name for messages); it sets `here`, `root` and `tg`, and
# bench_scratch sets `work`.
#
#   name=bench-push; . "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$@"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

tg=${1:-$root/build/threatgate}
case "$tg" in
/*) ;;
*) tg="$PWD/$tg" ;;
esac
if [ ! -x "$tg" ]; then
	echo "$name: $tg is not built: run make first" >&2
	exit 2
fi

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo "$@"
	fi
}

apt_updated=0
need() {	# need COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "$name: installing $2 (for $1)" >&2
	if [ "$apt_updated" = 0 ]; then
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update
		apt_updated=1
	fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$2"
}

# bench_scratch: a scratch folder in $work (kept with BENCH_KEEP=1) and an
# isolated git there: no user or system configuration, fixed identities.
bench_scratch() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/threatgate-$name.XXXXXX")
	if [ "${BENCH_KEEP:-0}" != 1 ]; then
		trap 'rm -rf "$work"' EXIT
	fi
	export HOME="$work" GIT_CONFIG_NOSYSTEM=1 THREATGATE_TODAY=2026-11-27 NO_COLOR=1
	export GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL=author@example.com
	export GIT_COMMITTER_NAME='C O Mitter' GIT_COMMITTER_EMAIL=committer@example.com
	git config --global init.defaultBranch main
}
