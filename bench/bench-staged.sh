#!/usr/bin/env bash
# Benchmark `threatgate check --staged` in a large repository.
#
#   bench/bench-staged.sh [THREATGATE_BIN]     (default: build/threatgate)
#
# Generates a repository of 100,000 files (1,000 design docs from
# bench/gen-docs.py, each covering a folder of code, and 99,000 code files),
# checks it out, stages a typical change (one design doc and one code file
# that another doc covers), and times side by side, in one hyperfine
# invocation:
#   (a) threatgate check --staged
#   (b) git diff --cached --name-only (what any pre-commit hook starts with)
#   (c) (a) with THREATGATE_CACHE=0: every design doc's blob read again to
#       learn what it covers, as on the first commit after a clone
# printing the times and the ratios to (b). Target: (a) / (b) <= 1.5.
#
# Needs hyperfine, git and python3; installs the missing ones with apt-get
# (as root, or through sudo).
#
# Environment: BENCH_FILES (100000), BENCH_DOCS (1000), BENCH_RUNS (20),
# BENCH_SEED (20261127), BENCH_KEEP=1 keeps the scratch folder.
set -euo pipefail

name=bench-staged
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

files=${BENCH_FILES:-100000}
count=${BENCH_DOCS:-1000}
runs=${BENCH_RUNS:-20}
seed=${BENCH_SEED:-20261127}

need hyperfine hyperfine
need python3 python3
need git git

bench_scratch

# --- the repository ----------------------------------------------------------

echo "bench-staged: generating $count design docs and $((files - count)) code files in $work" >&2
python3 "$here/gen-docs.py" --seed "$seed" "$count" "$work/docs"
git init -q "$work/repo"
python3 - "$work/docs" "$files" >"$work/stream" <<'EOF'
import os
import re
import sys

docs_dir, files = sys.argv[1], int(sys.argv[2])
docs = sorted(os.listdir(docs_dir))
out = sys.stdout.buffer

def data(payload):
    out.write(b"data %d\n" % len(payload))
    out.write(payload)
    out.write(b"\n")

out.write(b"commit refs/heads/main\n")
out.write(b"committer C O Mitter <committer@example.com> 1795000000 +0000\n")
data(b"a large repository\n")
# Code lives where the docs' covers point (services/<name>/...), 99 files
# a folder, so that every doc covers some of it.
folders = []
for name in docs:
    with open(os.path.join(docs_dir, name), "rb") as f:
        body = f.read()
    out.write(b"M 100644 inline docs/design/%s\n" % name.encode())
    data(body)
    m = re.search(rb"^covers: \[([^\]*,]+)/\*\*", body, re.M)
    if m:
        folders.append(m.group(1).strip())
if not folders:
    folders = [b"src"]
code = files - len(docs)
for i in range(code):
    folder = folders[i % len(folders)]
    out.write(b"M 100644 inline %s/part%02d/file%05d.c\n" % (folder, (i // len(folders)) % 10, i))
    data(b"/* generated */\nint value_%d = %d;\n" % (i, i))
out.write(b"\n")
EOF
git -C "$work/repo" fast-import --quiet <"$work/stream"
git -C "$work/repo" checkout -q -f main
git -C "$work/repo" gc -q
total=$(git -C "$work/repo" ls-files | wc -l)
ndocs=$(git -C "$work/repo" ls-files 'docs/design/*' | wc -l)

# A typical change: one design doc edited, one code file a doc covers.
cd "$work/repo"
doc=$(git ls-files 'docs/design/*' | sed -n 2p)
src=$(git ls-files 'services/*' | sed -n 5p)
printf '\nOne more paragraph of design, added by the change.\n' >>"$doc"
printf 'int added_by_the_change = 1;\n' >>"$src"
git add "$doc" "$src"
staged=$(git diff --cached --name-only | wc -l)
echo "bench-staged: $total files ($ndocs design docs), $staged staged: $doc, $src" >&2

"$tg" check --staged --fail-on never --color never >"$work/check.out" 2>&1 || {
	cat "$work/check.out" >&2
	echo "bench-staged: threatgate check --staged failed" >&2
	exit 1
}
summary=$(tail -n 1 "$work/check.out")

# --- timing ------------------------------------------------------------------

hyperfine --warmup 3 --runs "$runs" --style basic \
	--export-json "$work/hyperfine.json" \
	--command-name "threatgate check --staged" "$tg check --staged --fail-on never >/dev/null" \
	--command-name "git diff --cached --name-only" "git diff --cached --name-only >/dev/null" \
	--command-name "threatgate check --staged, no covers cache" "THREATGATE_CACHE=0 $tg check --staged --fail-on never >/dev/null"

python3 - "$work/hyperfine.json" "$total" "$ndocs" "$staged" "$summary" <<'EOF'
import json
import sys

path, total, docs, staged, summary = sys.argv[1:6]
r = {x["command"]: x for x in json.load(open(path))["results"]}
tg = r["threatgate check --staged"]
git = r["git diff --cached --name-only"]
cold = r["threatgate check --staged, no covers cache"]
ratio = tg["mean"] / git["mean"]

print()
print("%s files (%s design docs), %s staged" % (total, docs, staged))
print("threatgate says: %s" % summary)
print()
print("| command | mean | min | max |")
print("|---|---:|---:|---:|")
for name, x in (("threatgate check --staged", tg), ("git diff --cached --name-only", git),
                ("threatgate check --staged, no covers cache", cold)):
    print("| %s | %.1f ms | %.1f ms | %.1f ms |" % (name, 1000 * x["mean"], 1000 * x["min"], 1000 * x["max"]))
print("| ratio (target <= 1.5) | %.2fx | | |" % ratio)
print("| ratio without the covers cache | %.2fx | | |" % (cold["mean"] / git["mean"]))
EOF
