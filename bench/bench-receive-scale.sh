#!/usr/bin/env bash
# The pre-receive hook at scale, against its time budget (issue 10):
#
#   bench/bench-receive-scale.sh [THREATGATE_BIN]   (default: build/threatgate)
#
# Two pushes, each timed through threatgate's hooks/pre-receive and through
# a hook that only reads its standard input, side by side in one hyperfine
# run per case:
#   refs: a server holding 3,000 branches receives 3,000 new ones in one
#         push (every ref protected: threatgate.protect = refs/*);
#   docs: one commit of 40,000 small design documents pushed into an
#         empty server.
# The default budget is threatgate.timeout = 5 s: the difference between
# the two means is the hook's share, and must stay under it. Both servers
# set failOn = never so that both pushes land and compare fairly (every
# document is still read and checked).
#
# Environment: BENCH_REFS (3000), BENCH_DOCS (40000), BENCH_RUNS (3),
# BENCH_KEEP=1 keeps the scratch folder.
set -euo pipefail

name=bench-receive-scale
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

refs=${BENCH_REFS:-3000}
docs=${BENCH_DOCS:-40000}
runs=${BENCH_RUNS:-3}

need hyperfine hyperfine
need python3 python3
need git git

bench_scratch
bindir="$work/bin"
mkdir -p "$bindir"
ln -s "$tg" "$bindir/threatgate"
export PATH="$bindir:$PATH"

printf '#!/bin/sh\ncat >/dev/null\n' >"$work/stdin-only"
chmod +x "$work/stdin-only"

# server TEMPLATE HOOK: a copy of TEMPLATE (a bare repository) with HOOK.
server() {
	rm -rf "$work/srv.git"
	cp -a "$1" "$work/srv.git"
	mkdir -p "$work/srv.git/hooks"
	cp "$2" "$work/srv.git/hooks/pre-receive"
}


# --- refs: 3,000 branches on the server, 3,000 more in one push ----------

echo "$name: $refs branches on a server, $refs more in one push" >&2
git init -q "$work/refs"
python3 - "$refs" >"$work/refs.stream" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
def data(b):
    out.write(b"data %d\n" % len(b)); out.write(b); out.write(b"\n")
out.write(b"commit refs/heads/main\nmark :1\ncommitter C <c@example.com> 1764230000 +0000\n")
data(b"base")
out.write(b"M 100644 inline README.md\n"); data(b"# project\n")
for i in range(2 * n):
    ref = b"refs/heads/old-%d" % i if i < n else b"refs/heads/new-%d" % (i - n)
    out.write(b"commit " + ref + b"\ncommitter C <c@example.com> 1764230000 +0000\n")
    data(b"topic %d" % i)
    out.write(b"from :1\n")
    out.write(b"M 100644 inline src/topic-%d.c\n" % i)
    data(b"int topic%d(void) { return %d; }\n" % (i, i))
PY
git -C "$work/refs" fast-import --quiet <"$work/refs.stream"
git init -q --bare "$work/refs-template.git"
git -C "$work/refs" push -q "$work/refs-template.git" main 'refs/heads/old-*:refs/heads/old-*'
git -C "$work/refs-template.git" config threatgate.failOn never
git -C "$work/refs-template.git" config threatgate.protect 'refs/*'

hyperfine --runs "$runs" --export-markdown "$work/refs.md" \
	--prepare "$(declare -f server); work=$work; server $work/refs-template.git $root/hooks/pre-receive" \
	-n threatgate "git -C $work/refs push -q $work/srv.git 'refs/heads/new-*:refs/heads/new-*'" \
	--prepare "$(declare -f server); work=$work; server $work/refs-template.git $work/stdin-only" \
	-n stdin-only "git -C $work/refs push -q $work/srv.git 'refs/heads/new-*:refs/heads/new-*'"
cat "$work/refs.md"

# --- docs: 40,000 design documents in one commit ---------------------------

echo "$name: one push of $docs design documents" >&2
git init -q "$work/docs"
python3 - "$docs" >"$work/docs.stream" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
def data(b):
    out.write(b"data %d\n" % len(b)); out.write(b); out.write(b"\n")
doc = b"""---
title: Design %d
dri: Jane Doe <jane@example.com>
participants: [jane, omar]
status: approved
threat-model-reviewed: 2026-10-02
exposure: internal
data-classification: [internal]
---
# Design %d

## Overview

A batch job that compacts report %d overnight.

## Security

### Threat Model

| ID | Threat | STRIDE | Priority | Mitigation | Status |
|---|---|---|---|---|---|
| T1 | Job replaced by a modified image | Tampering | P3 | Signed images | mitigated |

Not applicable: Spoofing, Repudiation, Information disclosure, Denial of service, Elevation of privilege (a batch job with no user input).

### Security Sign-off

- [x] Security review: @alice (2026-11-01)
"""
out.write(b"commit refs/heads/main\ncommitter C <c@example.com> 1764230000 +0000\n")
data(b"%d designs" % n)
for i in range(n):
    out.write(b"M 100644 inline docs/design/d%05d.md\n" % i)
    data(doc % (i, i, i))
PY
git -C "$work/docs" fast-import --quiet <"$work/docs.stream"
git init -q --bare "$work/docs-template.git"
git -C "$work/docs-template.git" config threatgate.failOn never

hyperfine -i --runs "$runs" --export-markdown "$work/docs.md" \
	--prepare "$(declare -f server); work=$work; server $work/docs-template.git $root/hooks/pre-receive" \
	-n threatgate "git -C $work/docs push -q $work/srv.git main" \
	--prepare "$(declare -f server); work=$work; server $work/docs-template.git $work/stdin-only" \
	-n stdin-only "git -C $work/docs push -q $work/srv.git main"
cat "$work/docs.md"

# One threatgate push of each, to show it was checked and not timed out.
server "$work/docs-template.git" "$root/hooks/pre-receive"
git -C "$work/docs" push "$work/srv.git" main 2>&1 | grep -E 'threatgate:|time budget' | cut -c1-300 | head -5 || true
