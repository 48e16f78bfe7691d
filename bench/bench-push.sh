#!/usr/bin/env bash
# Benchmark the pre-receive hook: what it adds to a push.
#
#   bench/bench-push.sh [THREATGATE_BIN]     (default: build/threatgate)
#
# Generates a repository of 10,000 commits holding 1,000 design docs
# (bench/gen-docs.py, added a few at a time along the history, with code
# changes in between) and pushes it whole into a fresh bare repository per
# run, side by side in one hyperfine invocation:
#   (a) with threatgate's hooks/pre-receive installed
#   (b) with a pre-receive hook that only reads its standard input
# and prints both times and their ratio. Target: (a) / (b) <= 1.10.
#
# The bench server sets threatgate.failOn=never: the generated docs carry
# realistic mistakes, and both pushes must land for the comparison to be
# fair; every document is still checked.
#
# Needs hyperfine, git and python3; installs the missing ones with apt-get
# (as root, or through sudo).
#
# Environment: BENCH_COMMITS (10000), BENCH_DOCS (1000), BENCH_RUNS (5),
# BENCH_SEED (20261127), BENCH_KEEP=1 keeps the scratch folder.
set -euo pipefail

name=bench-push
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

commits=${BENCH_COMMITS:-10000}
count=${BENCH_DOCS:-1000}
runs=${BENCH_RUNS:-5}
seed=${BENCH_SEED:-20261127}

need hyperfine hyperfine
need python3 python3
need git git

bench_scratch

# --- the repository ----------------------------------------------------------

echo "bench-push: generating $count design docs and $commits commits in $work" >&2
python3 "$here/gen-docs.py" --seed "$seed" "$count" "$work/docs"
git init -q "$work/src"
python3 - "$work/docs" "$commits" >"$work/stream" <<'EOF'
import os
import sys

docs_dir, commits = sys.argv[1], int(sys.argv[2])
docs = sorted(os.listdir(docs_dir))
out = sys.stdout.buffer

def data(payload):
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")

# Docs are spread evenly along the history; the other commits change code.
every = max(1, commits // max(1, len(docs)))
next_doc = 0
for i in range(1, commits + 1):
    out.write(b"commit refs/heads/main\nmark :%d\n" % i)
    out.write(b"author A U Thor <author@example.com> %d +0000\n" % (1795000000 + 60 * i))
    out.write(b"committer C O Mitter <committer@example.com> %d +0000\n" % (1795000000 + 60 * i))
    data(b"change %d\n" % i)
    if i > 1:
        out.write(b"from :%d\n" % (i - 1))
    out.write(b"M 100644 inline src/module%02d/file%03d.c\n" % (i % 50, i % 200))
    data(b"/* revision %d */\nint value_%d = %d;\n" % (i, i % 200, i))
    if i % every == 0 and next_doc < len(docs):
        name = docs[next_doc]
        next_doc += 1
        with open(os.path.join(docs_dir, name), "rb") as f:
            body = f.read()
        out.write(b"M 100644 inline docs/design/%s\n" % name.encode())
        data(body)
    out.write(b"\n")
# Whatever is left lands with the last commit's successor.
if next_doc < len(docs):
    out.write(b"commit refs/heads/main\nmark :%d\n" % (commits + 1))
    out.write(b"committer C O Mitter <committer@example.com> %d +0000\n" % (1795000000 + 60 * (commits + 1)))
    data(b"the remaining docs\n")
    out.write(b"from :%d\n" % commits)
    for name in docs[next_doc:]:
        with open(os.path.join(docs_dir, name), "rb") as f:
            body = f.read()
        out.write(b"M 100644 inline docs/design/%s\n" % name.encode())
        data(body)
    out.write(b"\n")
EOF
git -C "$work/src" fast-import --quiet <"$work/stream"
git -C "$work/src" gc -q --aggressive --prune=now
ncommits=$(git -C "$work/src" rev-list --count main)
ndocs=$(git -C "$work/src" ls-tree -r --name-only main docs/design | wc -l)
echo "bench-push: $ncommits commits, $ndocs design docs at the tip" >&2

# --- the two hooks -----------------------------------------------------------

mkdir -p "$work/hooks-threatgate" "$work/hooks-stdin"
cp "$root/hooks/pre-receive" "$work/hooks-threatgate/pre-receive"
printf '#!/bin/sh\ncat >/dev/null\n' >"$work/hooks-stdin/pre-receive"
chmod +x "$work/hooks-threatgate/pre-receive" "$work/hooks-stdin/pre-receive"

# prepare KIND: a fresh bare server with that hook.
cat >"$work/prepare" <<EOF
#!/bin/sh
set -e
rm -rf "$work/server.git"
git init -q --bare "$work/server.git"
cp "$work/hooks-\$1/pre-receive" "$work/server.git/hooks/pre-receive"
git -C "$work/server.git" config threatgate.failOn never
EOF
chmod +x "$work/prepare"

# The hook must check every doc, within its budget, and let the push land.
"$work/prepare" threatgate
THREATGATE="$tg" git -C "$work/src" push ../server.git main 2>"$work/push.err" || {
	cat "$work/push.err" >&2
	echo "bench-push: the push with threatgate's hook failed" >&2
	exit 1
}
summary=$(grep -E "^remote: threatgate: [0-9]+ errors?, " "$work/push.err" | sed 's/^remote: //; s/ *$//' || true)
if ! echo "$summary" | grep -q "in $ndocs documents"; then
	cat "$work/push.err" >&2
	echo "bench-push: the hook did not check the $ndocs documents" >&2
	exit 1
fi

# --- timing ------------------------------------------------------------------

cd "$work/src"
export THREATGATE="$tg"
hyperfine --warmup 1 --runs "$runs" --style basic \
	--export-json "$work/hyperfine.json" \
	--prepare "$work/prepare threatgate" \
	--command-name "push, threatgate pre-receive" "git push -q ../server.git main 2>/dev/null" \
	--prepare "$work/prepare stdin" \
	--command-name "push, pre-receive reading stdin" "git push -q ../server.git main 2>/dev/null"

python3 - "$work/hyperfine.json" "$ncommits" "$ndocs" "$summary" <<'EOF'
import json
import sys

path, commits, docs, summary = sys.argv[1:5]
r = {x["command"]: x for x in json.load(open(path))["results"]}
tg = r["push, threatgate pre-receive"]
base = r["push, pre-receive reading stdin"]
ratio = tg["mean"] / base["mean"]

print()
print("%s commits, %s design docs, pushed whole into a fresh bare repository" % (commits, docs))
print("the hook says: %s" % summary)
print()
print("| push | mean | min | max |")
print("|---|---:|---:|---:|")
for name, x in (("with threatgate's pre-receive", tg), ("with a pre-receive that reads stdin", base)):
    print("| %s | %.3f s | %.3f s | %.3f s |" % (name, x["mean"], x["min"], x["max"]))
print("| ratio (target <= 1.10) | %.2fx | | |" % ratio)
EOF
