# Shared by the bench/*.sh scripts: which threatgate to time, and the
# tools to install when missing. Source it after setting `name` (the
# script's name for messages); it sets `here`, `root` and `tg`.
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
