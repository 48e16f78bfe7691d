#!/usr/bin/env bash
# The screenshot of `threatgate scan --format html` in the README:
#
#   docs/scan-demo.sh [THREATGATE_BIN] [OUT.png] [OUT.html]   (make screenshot)
#
# Generates a small demo repository (bench/gen-history.py: 40 design docs,
# 2,000 commits over two years, deterministic), scans it into an HTML page
# and has headless Chromium (Debian's `chromium`) take a screenshot of it,
# 1280 pixels wide. The page itself is kept when OUT.html is given.
# THREATGATE_TODAY fixes "today" so that the image only changes when the
# page does.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
tg=${1:-$root/build/threatgate}
png=${2:-$here/scan.png}
keep_html=${3:-}

if [ ! -x "$tg" ]; then
	echo "scan-demo: $tg is not built: run make first" >&2
	exit 2
fi
if ! command -v chromium >/dev/null 2>&1; then
	echo "scan-demo: chromium is missing: apt-get install -y chromium" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tg-scan-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
html=$work/scan.html

git init -q --bare -b main "$work/repo.git"
python3 "$root/bench/gen-history.py" --docs 40 --commits 2000 --seed 7 2>/dev/null |
	git -C "$work/repo.git" fast-import --quiet

THREATGATE_TODAY=2026-11-27 "$tg" scan --repo "$work/repo.git" \
	--repo-name acme/platform --format html -o "$html"

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--hide-scrollbars --force-device-scale-factor=1 \
	--user-data-dir="$work/profile" --window-size=1280,1500 \
	--screenshot="$png" "file://$html" 2>/dev/null
if [ -n "$keep_html" ]; then
	cp "$html" "$keep_html"
fi
echo "scan-demo: wrote $png${keep_html:+ and $keep_html}"
