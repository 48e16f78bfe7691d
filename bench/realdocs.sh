#!/bin/bash
# How well threatgate reads real threat models it was not written for:
# runs the shared evaluation (../shared/eval/realdocs.py: 39 public threat
# models with a hand-made truth) on the built binary and prints its line.
#
#   bench/realdocs.sh [THREATGATE] [--verbose] [--policy FILE]
#
# REALDOCS_EVAL names the script when the shared checkout lives elsewhere.
# It needs that checkout (it is not part of this repository, and `make
# test` never depends on it); without it the script says so and exits 2.
set -eu

name=realdocs
bin=
if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
	bin=$1
	shift
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$bin"

eval_py=${REALDOCS_EVAL:-}
if [ -z "$eval_py" ]; then
	for d in "$root/../shared/eval" "$root/../../shared/eval" /work/shared/eval; do
		if [ -f "$d/realdocs.py" ]; then
			eval_py=$d/realdocs.py
			break
		fi
	done
fi
if [ -z "$eval_py" ] || [ ! -f "$eval_py" ]; then
	echo "$name: the evaluation (shared/eval/realdocs.py) is not here: set REALDOCS_EVAL" >&2
	exit 2
fi
need python3 python3
exec python3 "$eval_py" "$tg" "$@"
