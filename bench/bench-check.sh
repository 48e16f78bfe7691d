#!/usr/bin/env bash
# Benchmark `threatgate check` on 1,000 generated design docs.
#
#   bench/bench-check.sh [THREATGATE_BIN]     (default: build/threatgate)
#
# Compares, one timed run each after one warm-up run (warm page cache):
#   (a) threatgate check --fail-on never DIR, and the same with
#       --format json, which weighs every document's sign-off triggers
#       (text output may skip them where a sign-off is present)
#   (b) the floor: cmark-gfm -e table -e tasklist over the same files, one
#       process for all of them. cmark-gfm concatenates its inputs into a
#       single document, so this is the bare cost of reading and parsing
#       the same bytes with the same parser, with no per-file work at all.
#   (c) markdownlint-cli2 with only MD043 (required headings) enabled: the
#       closest general-purpose tool that checks a document's sections.
# and reports the peak RSS of (a) from /usr/bin/time -v.
#
# Needs hyperfine, GNU time, cmark-gfm, python3 and npm; installs the
# missing ones with apt-get (as root, or through sudo), and markdownlint-cli2
# into bench/node_modules with npm.
#
# Environment: BENCH_DOCS (default 1000), BENCH_SEED (default 20261127).
set -euo pipefail

name=bench-check
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out="$here/out"
docs="$out/docs"
count=${BENCH_DOCS:-1000}
seed=${BENCH_SEED:-20261127}
mdl_version=0.17.2	# the last release that runs on Debian 12's Node.js 18

need hyperfine hyperfine
need cmark-gfm cmark-gfm
need python3 python3
need npm npm
[ -x /usr/bin/time ] || need /usr/bin/time time

mdl="$here/node_modules/.bin/markdownlint-cli2"
if [ ! -x "$mdl" ]; then
	echo "bench-check: installing markdownlint-cli2@$mdl_version into bench/node_modules" >&2
	npm install --prefix "$here" --no-save --no-audit --no-fund \
		"markdownlint-cli2@$mdl_version" >&2
fi

# --- the documents -------------------------------------------------------

# bench/out is ignored by this repository's .gitignore, and threatgate skips
# ignored files; so the docs live in a repository of their own, as they
# would in a real project.
rm -rf "$out"
mkdir -p "$docs"
git -C "$out" init -q
python3 "$here/gen-docs.py" --seed "$seed" "$count" "$docs"
files=$(find "$docs" -name '*.sdd.md' | wc -l)
bytes=$(cat "$docs"/*.sdd.md | wc -c)
lines=$(cat "$docs"/*.sdd.md | wc -l)

# markdownlint-cli2 reads .markdownlint-cli2.jsonc from its working directory.
cat >"$out/.markdownlint-cli2.jsonc" <<'EOF'
{
  // Only MD043, required headings: the document must contain a Security
  // heading followed, somewhere later, by a Threat Model heading.
  "config": {
    "default": false,
    "MD043": {
      "headings": ["*", "## Security", "*", "### Threat Model", "*"],
      "match_case": false
    }
  },
  "noProgress": true
}
EOF

# --- timing ----------------------------------------------------------------

cd "$out"
export THREATGATE_TODAY=2026-11-27 NO_COLOR=1
hyperfine --warmup 1 --runs 1 --ignore-failure --style basic \
	--export-json "$out/hyperfine.json" \
	--command-name threatgate "$tg check --fail-on never docs" \
	--command-name threatgate-json "$tg check --fail-on never --format json docs >/dev/null" \
	--command-name cmark-gfm "cmark-gfm -e table -e tasklist docs/*.sdd.md >/dev/null" \
	--command-name markdownlint-cli2 "$mdl 'docs/*.sdd.md'"

/usr/bin/time -v "$tg" check --fail-on never docs >/dev/null 2>"$out/time.txt"
rss_kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$out/time.txt")

"$tg" check --fail-on never --color never docs | tail -n 1 >"$out/summary.txt" || true
if ! grep -q "in $files documents" "$out/summary.txt"; then
	echo "bench-check: threatgate did not check the $files documents: $(cat "$out/summary.txt")" >&2
	exit 1
fi

# --- the table -------------------------------------------------------------

python3 - "$out/hyperfine.json" "$rss_kb" "$files" "$bytes" "$lines" "$out/summary.txt" <<'EOF'
import json
import sys

path, rss_kb, files, size, lines, summary = sys.argv[1:7]
results = {r["command"]: r["mean"] for r in json.load(open(path))["results"]}
tg = results["threatgate"]
tg_json = results["threatgate-json"]
floor = results["cmark-gfm"]
mdl = results["markdownlint-cli2"]

print()
print("%s documents, %s lines, %.1f MiB" % (files, lines, int(size) / 1048576))
print("threatgate says: %s" % open(summary).read().strip())
print()
print("| what | time | |")
print("|---|---:|---|")
print("| threatgate check | %.3f s | %.0f docs/s |" % (tg, int(files) / tg))
print("| threatgate check --format json | %.3f s | %.0f docs/s |" % (tg_json, int(files) / tg_json))
print("| floor: cmark-gfm -e table -e tasklist, one process | %.3f s | |" % floor)
print("| markdownlint-cli2, MD043 only | %.3f s | |" % mdl)
print("| threatgate / floor | %.2fx | |" % (tg / floor))
print("| threatgate --format json / floor | %.2fx | |" % (tg_json / floor))
print("| markdownlint-cli2 / threatgate | %.2fx | |" % (mdl / tg))
print("| threatgate peak RSS | %.1f MiB | |" % (int(rss_kb) / 1024))
EOF
