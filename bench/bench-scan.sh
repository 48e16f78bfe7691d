#!/usr/bin/env bash
# Benchmark `threatgate scan` on a generated repository: 5,000 design docs
# with `covers`, and 50,000 commits of history.
#
#   bench/bench-scan.sh [THREATGATE_BIN]     (default: build/threatgate)
#
# The repository is generated once with git fast-import (bench/gen-history.py,
# deterministic) into bench/out/scan/repo.git, a bare repository, and kept
# for the next run (delete it, or set BENCH_REGEN=1, to start afresh).
#
# Then, one timed run each after one warm-up run (warm page cache):
#   (a) threatgate scan --format json: the inventory of every doc plus the
#       drift of each, in one walk of history;
#   (b) git log --name-only over the same history: the floor for walking
#       50,000 commits and listing the paths each changed;
#   (c) threatgate check --all --format json: the inventory alone (every doc
#       read and checked, no history), to tell the two costs apart;
# and the peak RSS of (a) from /usr/bin/time -v. It also checks the drift of
# 50 documents against `git log` of their covered folder.
#
# Needs hyperfine, GNU time, git, jq and python3; installs the missing ones
# with apt-get (as root, or through sudo).
#
# Environment: BENCH_DOCS (default 5000), BENCH_COMMITS (default 50000),
# BENCH_SEED (default 20261127), BENCH_REGEN=1.
set -euo pipefail

name=bench-scan
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="$here/out/scan"
repo="$out/repo.git"
docs=${BENCH_DOCS:-5000}
commits=${BENCH_COMMITS:-50000}
seed=${BENCH_SEED:-20261127}

need hyperfine hyperfine
need python3 python3
need git git
need jq jq
[ -x /usr/bin/time ] || need /usr/bin/time time

# --- the repository --------------------------------------------------------

stamp="$docs docs, $commits commits, seed $seed"
if [ "${BENCH_REGEN:-0}" = 1 ] || [ ! -f "$out/generated" ] ||
	[ "$(cat "$out/generated")" != "$stamp" ]; then
	rm -rf "$out"
	mkdir -p "$out"
	git init -q --bare -b main "$repo"
	echo "bench-scan: generating $stamp with git fast-import" >&2
	started=$(date +%s)
	python3 "$here/gen-history.py" --docs "$docs" --commits "$commits" \
		--seed "$seed" | git -C "$repo" fast-import --quiet
	git -C "$repo" gc --quiet
	echo "bench-scan: generated in $(($(date +%s) - started)) s" >&2
	echo "$stamp" >"$out/generated"
fi
size=$(du -sm "$repo" | cut -f1)
walked=$(git -C "$repo" rev-list --count HEAD)

# --- timing ------------------------------------------------------------------

export THREATGATE_TODAY=2026-11-27 NO_COLOR=1
hyperfine --warmup 1 --runs 1 --style basic \
	--export-json "$out/hyperfine.json" \
	--command-name "threatgate scan" \
	"$tg scan --repo $repo --format json -o $out/scan.json" \
	--command-name "git log --name-only" \
	"git -C $repo log --name-only --format=%H >$out/git-log.txt" \
	--command-name "threatgate check --all" \
	"$tg check --repo $repo --all --format json --fail-on never -o $out/check.json"

/usr/bin/time -v "$tg" scan --repo "$repo" --format json -o "$out/scan.json" \
	2>"$out/time.txt"
rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$out/time.txt")

# --- correctness: drift against git log, for 50 documents ---------------------

jq -e ".summary.documents == $docs" "$out/scan.json" >/dev/null || {
	echo "bench-scan: threatgate did not list the $docs documents" >&2
	exit 1
}
python3 - "$repo" "$out/scan.json" <<'EOF'
import datetime
import json
import random
import subprocess
import sys

repo, path = sys.argv[1:3]
report = json.load(open(path))
docs = [d for d in report["documents"] if d["drift"] and d["covers"]]
for d in random.Random(7).sample(docs, min(50, len(docs))):
    day = datetime.datetime.strptime(d["threat_model_reviewed"], "%Y-%m-%d")
    end = int(day.replace(tzinfo=datetime.timezone.utc).timestamp()) + 86399
    log = subprocess.run(["git", "-C", repo, "log", "--no-merges",
                          "--format=%H %ct", "--", d["covers"][0][:-3]],
                         capture_output=True, text=True, check=True).stdout
    after = [line.split() for line in log.splitlines()
             if int(line.split()[1]) > end]
    want = (len(after), after[0][0] if after else None)
    got = (d["drift"]["commits"], d["drift"]["newest"])
    if want != got:
        sys.exit("bench-scan: drift of %s is %s, git log says %s"
                 % (d["path"], got, want))
print("drift of 50 documents checked against git log: same")
EOF

# --- the table -------------------------------------------------------------------

python3 - "$out/hyperfine.json" "$rss_kb" "$out/scan.json" "$size" "$walked" <<'EOF'
import json
import sys

path, rss_kb, scan_path, size, walked = sys.argv[1:6]
results = {r["command"]: r["mean"] for r in json.load(open(path))["results"]}
scan = results["threatgate scan"]
log = results["git log --name-only"]
check = results["threatgate check --all"]
report = json.load(open(scan_path))
s = report["summary"]
r = report["repositories"][0]

print()
print("%d documents, %s commits, %s MiB packed; scan walked %d commits"
      % (s["documents"], walked, size, r["commits_walked"]))
print("scan says: %d stale, %d missing a sign-off, %d drifting"
      % (s["stale"], s["signoff_missing"], s["drifting"]))
print()
print("| what | time |")
print("|---|---:|")
print("| threatgate scan --format json | %.2f s |" % scan)
print("| git log --name-only (same history) | %.2f s |" % log)
print("| threatgate check --all (inventory only) | %.2f s |" % check)
print("| scan / git log | %.2fx |" % (scan / log))
print("| scan - check --all (the drift walk) | %.2f s |" % (scan - check))
print("| (scan - check --all) / git log | %.2fx |" % ((scan - check) / log))
print("| threatgate scan peak RSS | %.0f MiB |" % (int(rss_kb) / 1024))
EOF
