#!/bin/bash
# How well the sign-off triggers pick the designs a security reviewer
# should see: runs the shared evaluation on its labelled set of real design
# documents and prints its one line (precision, recall, targeted misses).
#
#   bench/triggers.sh [THREATGATE] [--policy FILE] [--verbose]
#
# The set and the script live outside the project (they keep their own
# licences): TG_TRIGGERS_EVAL names the script, by default
# ../shared/eval/triggers.py next to the checkout. Without it this says so
# and exits 2; it never downloads anything.
set -u
name=bench-triggers
bin=
case "${1:-}" in
-*|"") ;;
*) bin=$1; shift ;;
esac
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" ${bin:+"$bin"}

eval_py=${TG_TRIGGERS_EVAL:-}
if [ -z "$eval_py" ]; then
	for d in "$root/../shared" "$root/../../shared"; do
		if [ -f "$d/eval/triggers.py" ]; then
			eval_py=$d/eval/triggers.py
			break
		fi
	done
fi
if [ -z "$eval_py" ] || [ ! -f "$eval_py" ]; then
	echo "$name: no evaluation script: set TG_TRIGGERS_EVAL to .../eval/triggers.py" >&2
	exit 2
fi
need python3 python3
exec python3 "$eval_py" "$tg" "$@"
