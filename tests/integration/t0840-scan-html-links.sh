#!/bin/bash
# shellcheck disable=SC2034  # read by lib.sh
test_description='scan --format html: a link to each document, its findings unfolding, a page that fits a phone

Rendered in headless Chromium (Debian chromium) at 1400 and 420 pixels:
each title links to the document (on the forge when its address is known,
else by path), the Findings cell is a <details> whose list holds every
finding, paths wrap at "/" only, and at 420 px nothing is wider than the
screen. Screenshots of both widths are taken and checked to be real PNGs
of those widths.'

. "$(dirname "$0")/lib.sh"

# chromium_run ARGS...: headless, no network of any kind.
chromium_run() {
	local profile
	profile=$(mktemp -d "$TRASH_DIRECTORY/chromium.XXXXXX") &&
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --disable-extensions \
		--hide-scrollbars --force-device-scale-factor=1 \
		--host-resolver-rules="MAP * ~NOTFOUND" \
		--user-data-dir="$profile" "$@" 2>>"$TRASH_DIRECTORY/chromium.log"
}

# png_width FILE: the width in the PNG header (bytes 16-19, big-endian).
png_width() {
	od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}

test_expect_success 'set up designs: one failing with several findings, one passing, a long path' '
	test_require chromium jq &&
	git init -q repo && cd repo &&
	mkdir -p docs/design/payments/very-long-folder-name-for-wrapping &&
	tg_doc_good | sed -e "s/| P[2-3] |/| |/" >docs/design/payments/very-long-folder-name-for-wrapping/refunds-and-chargebacks-webhook.md &&
	tg_doc_good >docs/design/ok.md &&
	git add . && git commit -q -m designs &&
	expect_exit 0 threatgate scan --format html -o ../plain.html &&
	expect_exit 0 threatgate scan --format html --forge-url https://forge.example/acme/designs -o ../forge.html &&
	expect_exit 0 threatgate scan --format json -o ../scan.json &&
	jq -e "[.documents[] | .findings.errors] | add == 5" ../scan.json
'

test_expect_success 'each title links to its document: by path, or on the forge at the commit scanned' '
	rev=$(git -C repo rev-parse HEAD) &&
	grep -q "<a class=\"doc-link\" href=\"docs/design/ok.md\">Session token rotation</a>" plain.html &&
	grep -q "<a class=\"doc-link\" href=\"https://forge.example/acme/designs/blob/$rev/docs/design/ok.md\">" forge.html &&
	test "$(grep -c "class=\"doc-link\"" forge.html)" = 2
'

test_expect_success 'the findings unfold: a <details> with every finding of the document' '
	test "$(grep -c "<details>" plain.html)" = 1 &&
	sed -n "/<details>/,/<\/details>/p" plain.html >details.html &&
	test "$(grep -o "<li data-rule=\"threat-missing-priority\"" details.html | wc -l)" = 5 &&
	grep -q "at line [0-9]*: threat T[0-9] has no priority" details.html &&
	grep -q "<summary>5 errors" details.html
'

test_expect_success 'paths wrap at "/", never inside a name' '
	grep -q "docs/<wbr>design/<wbr>payments/<wbr>very-long-folder-name-for-wrapping/<wbr>refunds-and-chargebacks-webhook.md" plain.html &&
	! grep -q "word-break:break-all" plain.html
'

test_expect_success 'in Chromium: the links are links, a click on the summary opens the list' '
	sed "s|</body>|<script>(function () {\
var d = document.querySelector(\"td.findings details\");\
d.querySelector(\"summary\").click();\
document.body.setAttribute(\"data-open\", String(d.open));\
document.body.setAttribute(\"data-links\", String(document.querySelectorAll(\"a.doc-link[href]\").length));\
})();</script></body>|" plain.html >probe.html &&
	chromium_run --window-size=1400,900 --dump-dom "file://$TRASH_DIRECTORY/probe.html" >dom.html &&
	grep -q "data-open=\"true\"" dom.html &&
	grep -q "data-links=\"2\"" dom.html
'

# frame WIDTH: a page that shows forge.html in a WIDTH-pixel frame and
# writes what the frame measured into its own body (headless Chromium
# keeps its window at least 500 px wide, a frame can be narrower).
frame() {
	cat <<-EOF
	<!DOCTYPE html><html><body style="margin:0">
	<iframe id="f" src="forge.html" style="width:$1px;height:900px;border:0"></iframe>
	<script>
	document.getElementById("f").addEventListener("load", function () {
	  var d = this.contentDocument;
	  document.body.setAttribute("data-scroll", String(d.documentElement.scrollWidth));
	  document.body.setAttribute("data-client", String(d.documentElement.clientWidth));
	  document.body.setAttribute("data-thead", d.defaultView.getComputedStyle(d.querySelector("thead")).display);
	});
	</script></body></html>
	EOF
}

test_expect_success 'at 420 px nothing is wider than the screen and rows are cards; at 1400 px a table' '
	frame 420 >narrow-probe.html &&
	chromium_run --allow-file-access-from-files --window-size=1000,1000 --virtual-time-budget=3000 \
		--dump-dom "file://$TRASH_DIRECTORY/narrow-probe.html" >narrow.html &&
	grep -q "data-client=\"420\"" narrow.html &&
	grep -q "data-scroll=\"420\"" narrow.html &&
	grep -q "data-thead=\"none\"" narrow.html &&
	frame 1400 >wide-probe.html &&
	chromium_run --allow-file-access-from-files --window-size=1500,1000 --virtual-time-budget=3000 \
		--dump-dom "file://$TRASH_DIRECTORY/wide-probe.html" >wide.html &&
	grep -q "data-scroll=\"1400\"" wide.html &&
	grep -q "data-thead=\"table-header-group\"" wide.html
'

test_expect_success 'the check above can fail: a page with a wide table scrolls sideways at 420 px' '
	sed "s|@media (max-width:700px)|@media (max-width:10px)|" forge.html >forge-wide.html &&
	frame 420 | sed "s/forge.html/forge-wide.html/" >wide-only.html &&
	chromium_run --allow-file-access-from-files --window-size=1000,1000 --virtual-time-budget=3000 \
		--dump-dom "file://$TRASH_DIRECTORY/wide-only.html" >overflow.html &&
	w=$(sed -n "s/.*data-scroll=\"\([0-9]*\)\".*/\1/p" overflow.html | head -n 1) &&
	test -n "$w" && test "$w" -gt 420
'

test_expect_success 'screenshots at 1400 and 420 px' '
	for w in 1400 420; do
		chromium_run --window-size=$w,1200 --screenshot="$TRASH_DIRECTORY/scan-$w.png" \
			"file://$TRASH_DIRECTORY/forge.html" || exit 1
		test "$(head -c 8 scan-$w.png | od -An -c | tr -d " ")" = "211PNG\r\n032\n" || exit 1
		test "$(png_width scan-$w.png)" = "$w" || exit 1
	done &&
	if [ -n "${TG_SCREENSHOTS:-}" ]; then cp scan-1400.png scan-420.png "$TG_SCREENSHOTS/"; fi
'

test_done
