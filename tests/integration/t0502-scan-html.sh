#!/bin/bash
test_description='scan --format html: a self-contained page, rendered and sorted in headless Chromium'
. "$(dirname "$0")/lib.sh"

# render URL: the DOM of URL after its scripts ran, on stdout, from
# headless Chromium (Debian's `chromium`), with no network of any kind.
render() {
	local profile
	profile=$(mktemp -d "$TRASH_DIRECTORY/chromium.XXXXXX") &&
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-extensions \
		--host-resolver-rules="MAP * ~NOTFOUND" \
		--user-data-dir="$profile" --dump-dom "$1" 2>"$TRASH_DIRECTORY/chromium.log"
}

# rows FILE: the data-path of each table row, in document order.
rows() {
	grep -o "data-path=\"[^\"]*\"" "$1" | sed -e "s/^data-path=\"//" -e "s/\"\$//"
}

# doc NAME REVIEWED [SED...]: a passing doc at docs/design/NAME.md
doc() {
	local name=$1 reviewed=$2
	shift 2
	mkdir -p docs/design &&
	tg_doc_good | sed -e "s/^threat-model-reviewed: .*/threat-model-reviewed: $reviewed/" \
		-e "s/^title: .*/title: Design $name/" \
		-e "s|^covers: .*|covers: [services/$name/**]|" "$@" >"docs/design/$name.md"
}

test_expect_success 'set up designs that are fresh, stale, unsigned and drifting' '
	test_require chromium jq &&
	git init -q repo &&
	cd repo &&
	doc a-fresh 2026-11-01 &&
	doc b-stale 2025-05-01 &&
	doc c-unsigned 2026-09-01 -e "/^- \\[x\\] Security review/d" -e "s/^exposure: internal/exposure: internet/" &&
	doc d-drift 2026-10-01 &&
	doc e-ok 2026-10-15 &&
	doc f-title-xss 2026-10-20 -e "s|^title: .*|title: \"<script>document.title=1</script><img src=x onerror=alert(1)>\"|" &&
	git add . &&
	GIT_AUTHOR_DATE=2026-10-10T10:00:00+0000 GIT_COMMITTER_DATE=2026-10-10T10:00:00+0000 \
		git commit -q -m designs &&
	mkdir -p services/d-drift &&
	echo code >services/d-drift/main.go &&
	git add . &&
	git commit -q -m "d-drift: new code" &&
	expect_exit 0 threatgate scan --format html -o ../scan.html &&
	expect_exit 0 threatgate scan --format json -o ../scan.json &&
	jq -e ".summary.stale == 1 and .summary.signoff_missing == 1 and .summary.drifting == 1" ../scan.json
'

test_expect_success 'the page is self-contained: no network, no external script, style or font' '
	grep -q "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src '"'"'none'"'"';" scan.html &&
	! grep -Eiq "https?:|<link|@import|url\\(|@font-face|src=\"" scan.html &&
	test "$(grep -c "<script>" scan.html)" = 1
'

test_expect_success 'text from documents is escaped' '
	! grep -q "<img src=x" scan.html &&
	grep -q "&lt;script&gt;document.title=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" scan.html
'

test_expect_success 'rows are written in path order, and the script sorts them: stale and unsigned first' '
	rows scan.html >written &&
	printf "%s\\n" docs/design/a-fresh.md docs/design/b-stale.md docs/design/c-unsigned.md \
		docs/design/d-drift.md docs/design/e-ok.md docs/design/f-title-xss.md >expect &&
	diff expect written &&
	render "file://$TRASH_DIRECTORY/scan.html" >dom.html &&
	grep -q "<body data-sorted=\"attention:asc\">" dom.html &&
	rows dom.html >sorted &&
	printf "%s\\n" docs/design/b-stale.md docs/design/c-unsigned.md docs/design/d-drift.md \
		docs/design/e-ok.md docs/design/f-title-xss.md docs/design/a-fresh.md >expect &&
	diff expect sorted &&
	grep -q "<th data-key=\"attention\" data-type=\"num\" data-dir=\"asc\" scope=\"col\" aria-sort=\"ascending\">" dom.html
'

test_expect_success 'the injected title did not run: the page title is intact' '
	grep -q "<title>Threat model inventory · 2026-11-27</title>" dom.html
'

test_expect_success '#sort= in the address picks the column and direction' '
	render "file://$TRASH_DIRECTORY/scan.html#sort=path:desc" >dom-path.html &&
	grep -q "<body data-sorted=\"path:desc\">" dom-path.html &&
	rows dom-path.html >sorted &&
	rows scan.html | sort -r >expect &&
	diff expect sorted &&
	render "file://$TRASH_DIRECTORY/scan.html#sort=drift" >dom-drift.html &&
	grep -q "<body data-sorted=\"drift:desc\">" dom-drift.html &&
	test "$(rows dom-drift.html | head -n 1)" = docs/design/d-drift.md &&
	render "file://$TRASH_DIRECTORY/scan.html#sort=age:asc" >dom-age.html &&
	rows dom-age.html | head -n 2 >sorted &&
	printf "%s\\n" docs/design/a-fresh.md docs/design/f-title-xss.md >expect &&
	diff expect sorted
'

test_expect_success 'headline numbers and charts are in the rendered page' '
	grep -q "<div class=\"card bad\" id=\"card-stale\"><span class=\"num\">1</span>" dom.html &&
	grep -q "<div class=\"card warn\" id=\"card-unsigned\"><span class=\"num\">1</span>" dom.html &&
	grep -q "<div class=\"card drift\" id=\"card-drift\"><span class=\"num\">1</span>" dom.html &&
	grep -q "<div class=\"card\" id=\"card-documents\"><span class=\"num\">6</span>" dom.html &&
	grep -q "<g class=\"bucket\" data-fresh=\"0\" data-stale=\"1\">" dom.html &&
	grep -q "<g class=\"priority\" data-priority=\"P1\" data-open=\"0\">" dom.html &&
	grep -q "<span id=\"shown\">6</span> of 6" dom.html
'

test_expect_success 'a screenshot renders (what make screenshot does)' '
	profile=$(mktemp -d "$TRASH_DIRECTORY/chromium.XXXXXX") &&
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --hide-scrollbars --user-data-dir="$profile" \
		--window-size=1280,900 --screenshot="$TRASH_DIRECTORY/scan.png" \
		"file://$TRASH_DIRECTORY/scan.html" 2>/dev/null &&
	test "$(head -c 8 scan.png | od -An -tx1 | tr -d " \\n")" = 89504e470d0a1a0a
'

test_done
