/*
 * The scan report as one self-contained HTML page for a security lead:
 * headline numbers, a chart of threat model age, open threats by
 * priority, and a sortable, filterable table of every document with the
 * stale and unsigned ones first.
 *
 * Everything is inline (CSS, SVG, a small script) and a Content Security
 * Policy forbids the page any request at all, so it can be mailed, stored
 * as a CI artifact or opened offline. The rows are written in repository
 * and path order; the script sorts them on load (stale and unsigned
 * first) and on a click on a column heading. `#sort=KEY[:asc|desc]` in
 * the address picks the initial order, which makes a sorted view
 * shareable. Without scripts the page still reads, in path order.
 *
 * Each document's title links to it: on the forge when its address is
 * known (--forge-url, or GITHUB_SERVER_URL/GITHUB_REPOSITORY, or
 * CI_PROJECT_URL), else by its path, which opens when the page is kept at
 * the top of the repository. Its findings unfold under the Findings cell
 * (<details>). Paths may wrap after each '/', never inside a name; on a
 * narrow screen (a phone) each row becomes a card of label: value lines,
 * so that nothing scrolls sideways.
 *
 * Text from documents (titles, names, paths) is escaped for HTML; bytes
 * that are not UTF-8 become U+FFFD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "inventory/inventory.h"
#include "util/banned.h"

static const char page_style[] =
"*{box-sizing:border-box}\n"
"body{margin:0;background:#f6f7f9;color:#1f2328;"
"font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',"
"Arial,sans-serif}\n"
"header{background:#1f2937;color:#f9fafb;padding:20px 32px}\n"
"header h1{margin:0;font-size:22px;font-weight:600}\n"
"header p{margin:4px 0 0;color:#cbd5e1;font-size:13px}\n"
"main{padding:20px 32px 40px;max-width:1400px}\n"
".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));"
"gap:12px;margin-bottom:20px}\n"
".card{background:#fff;border-radius:8px;padding:14px 16px;"
"box-shadow:0 1px 2px rgba(0,0,0,.08);border-top:4px solid #94a3b8}\n"
".card .num{display:block;font-size:30px;font-weight:650;line-height:1.1}\n"
".card .label{color:#57606a;font-size:13px}\n"
".card.bad{border-top-color:#d1242f}.card.warn{border-top-color:#e16f24}\n"
".card.drift{border-top-color:#8250df}.card.good{border-top-color:#1a7f37}\n"
".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));"
"gap:12px;margin-bottom:20px}\n"
"figure{margin:0;background:#fff;border-radius:8px;padding:14px 16px;"
"box-shadow:0 1px 2px rgba(0,0,0,.08)}\n"
"figcaption{font-weight:600;margin-bottom:6px}\n"
"figure svg{width:100%;height:auto;display:block}\n"
"svg text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
"fill:#57606a}\n"
"svg .count{fill:#1f2328;font-weight:600}\n"
".legend{font-size:12px;color:#57606a;margin-top:4px}\n"
".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;"
"margin:0 4px 0 10px;vertical-align:-1px}\n"
"section.docs{background:#fff;border-radius:8px;padding:14px 16px;"
"box-shadow:0 1px 2px rgba(0,0,0,.08)}\n"
".docs h2{font-size:16px;margin:0 12px 0 0;display:inline-block}\n"
".docs input{font:inherit;padding:5px 8px;border:1px solid #d0d7de;"
"border-radius:6px;width:260px;margin:0 0 10px}\n"
"table{border-collapse:collapse;width:100%}\n"
"th{text-align:left;font-weight:600;color:#57606a;font-size:12px;"
"border-bottom:2px solid #d0d7de;white-space:nowrap;padding:0}\n"
"th button{all:unset;cursor:pointer;display:block;padding:6px 8px}\n"
"th button:focus-visible{outline:2px solid #0969da}\n"
"th[aria-sort=ascending] button::after{content:' \\25B2'}\n"
"th[aria-sort=descending] button::after{content:' \\25BC'}\n"
"td{padding:7px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}\n"
"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
"tr.rank-0 td:first-child,tr.rank-1 td:first-child{box-shadow:inset 3px 0 "
"#d1242f}\n"
"tr.rank-2 td:first-child{box-shadow:inset 3px 0 #8250df}\n"
".title{font-weight:600}\n"
".path,.sub{color:#57606a;font-size:12px}\n"
".path{overflow-wrap:normal;word-break:normal}\n"
"td.doc a{color:inherit;text-decoration:none}\n"
"td.doc a:hover,td.doc a:focus-visible{text-decoration:underline}\n"
"td.findings details{white-space:normal;text-align:left}\n"
"td.findings summary{cursor:pointer;white-space:nowrap;text-align:right}\n"
"td.findings ul{margin:6px 0 0;padding:0 0 0 16px;min-width:16em;"
"max-width:32em;font-size:12px}\n"
"td.findings li{margin:0 0 4px}\n"
"td.findings .rule{color:#57606a}\n"
".sev-error{color:#a40e26;font-weight:600}.sev-warning{color:#953800;"
"font-weight:600}.sev-note{color:#57606a;font-weight:600}\n"

"td.reviewed,td.findings{white-space:nowrap}\n"
"td.drift .sub{min-width:9em}\n"
".tag{display:inline-block;border-radius:10px;padding:0 7px;font-size:11px;"
"font-weight:600;margin:0 3px 2px 0;white-space:nowrap}\n"
".tag.stale{background:#ffebe9;color:#a40e26}\n"
".tag.unsigned{background:#fff1e5;color:#953800}\n"
".tag.drift{background:#fbefff;color:#6e40c9}\n"
".tag.unreadable{background:#1f2328;color:#fff}\n"
".tag.ok{background:#dafbe1;color:#116329}\n"
".missing{color:#a40e26;font-weight:600}\n"
"footer{color:#57606a;font-size:12px;margin-top:16px}\n";

/* A phone: each row a card of label: value lines, nothing sideways. */
static const char page_style_narrow[] =
"@media (max-width:700px){\n"
"header,main{padding-left:12px;padding-right:12px}\n"
".charts{grid-template-columns:1fr}\n"
".docs input{width:100%}\n"
"table,tbody,tr,td{display:block;width:100%}\n"
"thead{display:none}\n"
"tr{border:1px solid #d0d7de;border-radius:8px;margin:0 0 10px;"
"padding:4px 0}\n"
"td{border:0;padding:3px 10px;display:flex;gap:10px;text-align:left}\n"
"td.num,td.findings summary{text-align:left}\n"
"td[data-label]::before{content:attr(data-label);flex:0 0 6.5em;"
"color:#57606a;font-size:12px;font-weight:600}\n"
"td.doc{display:block}td.doc::before{display:none}\n"
"td.findings ul{min-width:0}\n"
"tr.rank-0 td:first-child,tr.rank-1 td:first-child,"
"tr.rank-2 td:first-child{box-shadow:none}\n"
"tr.rank-0,tr.rank-1{border-left:4px solid #d1242f}\n"
"tr.rank-2{border-left:4px solid #8250df}\n"
"}\n";


static const char page_script[] =
"(function () {\n"
"  'use strict';\n"
"  var table = document.getElementById('docs');\n"
"  if (!table) { return; }\n"
"  var body = table.tBodies[0];\n"
"  var heads = table.tHead.rows[0].cells;\n"
"  var state = { key: '', dir: '' };\n"
"  function num(row, key) { return Number(row.getAttribute('data-' + key)); }\n"
"  function text(row, key) { return row.getAttribute('data-' + key) || ''; }\n"
"  function byText(a, b) { return a < b ? -1 : a > b ? 1 : 0; }\n"
"  /* Stale and unsigned first, then drifting; oldest review first. */\n"
"  function attention(a, b) {\n"
"    return (num(a, 'rank') - num(b, 'rank')) ||\n"
"      (num(b, 'age') - num(a, 'age')) ||\n"
"      byText(text(a, 'path'), text(b, 'path'));\n"
"  }\n"
"  function head(key) {\n"
"    for (var i = 0; i < heads.length; i++) {\n"
"      if (heads[i].getAttribute('data-key') === key) { return heads[i]; }\n"
"    }\n"
"    return null;\n"
"  }\n"
"  function sortBy(key, dir) {\n"
"    var th = head(key);\n"
"    if (!th) { key = 'attention'; th = head(key); }\n"
"    if (dir !== 'asc' && dir !== 'desc') {\n"
"      dir = th.getAttribute('data-dir') || 'asc';\n"
"    }\n"
"    var numeric = th.getAttribute('data-type') === 'num';\n"
"    var sign = dir === 'desc' ? -1 : 1;\n"
"    var rows = Array.prototype.slice.call(body.rows);\n"
"    rows.sort(function (a, b) {\n"
"      var c = 0;\n"
"      if (key === 'attention') { c = attention(a, b); }\n"
"      else if (numeric) { c = num(a, key) - num(b, key); }\n"
"      else { c = byText(text(a, key), text(b, key)); }\n"
"      return sign * c || attention(a, b);\n"
"    });\n"
"    for (var i = 0; i < rows.length; i++) { body.appendChild(rows[i]); }\n"
"    for (var j = 0; j < heads.length; j++) { heads[j].removeAttribute('aria-sort'); }\n"
"    th.setAttribute('aria-sort', dir === 'desc' ? 'descending' : 'ascending');\n"
"    state.key = key;\n"
"    state.dir = dir;\n"
"    document.body.setAttribute('data-sorted', key + ':' + dir);\n"
"  }\n"
"  Array.prototype.forEach.call(heads, function (th) {\n"
"    var button = th.querySelector('button');\n"
"    if (!button) { return; }\n"
"    button.addEventListener('click', function () {\n"
"      var key = th.getAttribute('data-key');\n"
"      var dir = th.getAttribute('data-dir') || 'asc';\n"
"      if (state.key === key) { dir = state.dir === 'asc' ? 'desc' : 'asc'; }\n"
"      sortBy(key, dir);\n"
"    });\n"
"  });\n"
"  var filter = document.getElementById('filter');\n"
"  if (filter) {\n"
"    filter.addEventListener('input', function () {\n"
"      var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);\n"
"      var shown = 0;\n"
"      Array.prototype.forEach.call(body.rows, function (row) {\n"
"        var hay = row.textContent.toLowerCase();\n"
"        var ok = words.every(function (w) { return hay.indexOf(w) >= 0; });\n"
"        row.hidden = !ok;\n"
"        if (ok) { shown++; }\n"
"      });\n"
"      document.getElementById('shown').textContent = String(shown);\n"
"    });\n"
"  }\n"
"  var m = /sort=([a-z]+)(?::(asc|desc))?/.exec(location.hash);\n"
"  sortBy(m ? m[1] : 'attention', m ? m[2] : '');\n"
"})();\n";

/* Escape text for HTML content and attribute values. */
static void put_html(tg_buf *out, const char *s)
{
	size_t len, off = 0, bad, i;
	bool is_nul;

	if (!s)
		return;
	len = strlen(s);
	while (off < len) {
		size_t good = len - off;

		if (!tg_utf8_valid(s + off, len - off, &bad, &is_nul))
			good = bad;
		for (i = off; i < off + good; i++) {
			unsigned char c = (unsigned char)s[i];

			if (c == '&')
				tg_buf_puts(out, "&amp;");
			else if (c == '<')
				tg_buf_puts(out, "&lt;");
			else if (c == '>')
				tg_buf_puts(out, "&gt;");
			else if (c == '"')
				tg_buf_puts(out, "&quot;");
			else if (c == '\'')
				tg_buf_puts(out, "&#39;");
			else if (c == '\n' || c == '\r' || c == '\t')
				tg_buf_putc(out, ' ');
			else if (c < 0x20 || c == 0x7f)
				continue;
			else
				tg_buf_putc(out, (char)c);
		}
		off += good;
		if (off < len) {
			tg_buf_puts(out, "\xef\xbf\xbd");
			off++;
		}
	}
}

/* Lowercase, for the sort keys. */
static void put_key(tg_buf *out, const char *s)
{
	tg_buf low = TG_BUF_INIT;
	char *p;

	tg_buf_puts(&low, s ? s : "");
	for (p = low.ptr; p && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	put_html(out, tg_buf_cstr(&low));
	if (low.failed)
		out->failed = true;
	tg_buf_release(&low);
}

/* "Jane Doe <jane@example.com>" -> "Jane Doe" for display. */
static void put_person(tg_buf *out, const char *who)
{
	const char *lt;
	char *name;

	if (!who)
		return;
	lt = strchr(who, '<');
	if (!lt || lt == who) {
		put_html(out, who);
		return;
	}
	while (lt > who && lt[-1] == ' ')
		lt--;
	name = tg_strndup(who, (size_t)(lt - who));
	if (!name) {
		out->failed = true;
		return;
	}
	put_html(out, name);
	free(name);
}

static void put_card(tg_buf *out, const char *kind, size_t n, const char *label,
                     const char *id)
{
	tg_buf_printf(out, "<div class=\"card %s\" id=\"%s\"><span class=\"num\">"
	              "%zu</span><span class=\"label\">%s</span></div>\n",
	              n ? kind : "good", id, n, label);
}

static void put_cards(tg_buf *out, const tg_scan_totals *t)
{
	tg_buf_puts(out, "<section class=\"cards\">\n");
	tg_buf_printf(out, "<div class=\"card\" id=\"card-documents\"><span "
	              "class=\"num\">%zu</span><span class=\"label\">design "
	              "documents</span></div>\n", t->documents);
	put_card(out, "bad", t->stale, "stale threat models", "card-stale");
	put_card(out, "warn", t->signoff_missing, "missing a required sign-off",
	         "card-unsigned");
	put_card(out, "bad", t->open_by_priority[1], "open P1 (critical) threats",
	         "card-p1");
	put_card(out, "warn", t->open_by_priority[2], "open P2 (high) threats",
	         "card-p2");
	put_card(out, "drift", t->drifting,
	         "covered code changed since review", "card-drift");
	if (t->unreadable)
		put_card(out, "bad", t->unreadable, "unreadable documents",
		         "card-unreadable");
	tg_buf_puts(out, "</section>\n");
}

#define AGE_BUCKETS 6

static int age_bucket(const tg_doc_summary *d)
{
	if (!d->reviewed || d->age_days < 0)
		return 5;
	if (d->age_days <= 90)
		return 0;
	if (d->age_days <= 180)
		return 1;
	if (d->age_days <= 270)
		return 2;
	if (d->age_days <= 365)
		return 3;
	return 4;
}

/* A bar chart of review age, each bar split into fresh and stale. */
static void put_age_chart(tg_buf *out, const tg_scan *scan, int max_age)
{
	static const char *const labels[AGE_BUCKETS] = {
		"0–90 d", "91–180 d", "181–270 d", "271–365 d", "> 1 year",
		"no date"
	};
	size_t fresh[AGE_BUCKETS] = { 0 }, stale[AGE_BUCKETS] = { 0 }, top = 1;
	size_t i;
	const int x0 = 34, w = 60, gap = 16, h = 150, y0 = 24;

	for (i = 0; i < tg_scan_count(scan); i++) {
		const tg_doc_summary *d = tg_scan_get(scan, i)->doc;

		if (!d->readable)
			continue;
		if (d->stale)
			stale[age_bucket(d)]++;
		else
			fresh[age_bucket(d)]++;
	}
	for (i = 0; i < AGE_BUCKETS; i++)
		if (fresh[i] + stale[i] > top)
			top = fresh[i] + stale[i];
	tg_buf_printf(out, "<figure id=\"age-chart\"><figcaption>Threat model "
	              "age (days since the last review; stale after %d)"
	              "</figcaption>\n<svg viewBox=\"0 0 %d %d\" role=\"img\" "
	              "aria-label=\"Documents by threat model age\">\n",
	              max_age, x0 + AGE_BUCKETS * (w + gap), y0 + h + 40);
	tg_buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	              "stroke=\"#d0d7de\"/>\n", x0 - 4, y0 + h,
	              x0 + AGE_BUCKETS * (w + gap), y0 + h);
	for (i = 0; i < AGE_BUCKETS; i++) {
		int x = x0 + (int)i * (w + gap);
		int hf = (int)(fresh[i] * (size_t)h / top);
		int hs = (int)(stale[i] * (size_t)h / top);

		if (fresh[i] && hf < 2)
			hf = 2;
		if (stale[i] && hs < 2)
			hs = 2;
		tg_buf_printf(out, "<g class=\"bucket\" data-fresh=\"%zu\" "
		              "data-stale=\"%zu\">", fresh[i], stale[i]);
		if (fresh[i])
			tg_buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			              "height=\"%d\" fill=\"%s\"><title>%zu fresh"
			              "</title></rect>", x, y0 + h - hf, w, hf,
			              i == 5 ? "#8c959f" : "#4e8fd1", fresh[i]);
		if (stale[i])
			tg_buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			              "height=\"%d\" fill=\"#d1242f\"><title>%zu stale"
			              "</title></rect>", x, y0 + h - hf - hs, w, hs,
			              stale[i]);
		tg_buf_printf(out, "<text class=\"count\" x=\"%d\" y=\"%d\" "
		              "text-anchor=\"middle\">%zu</text>", x + w / 2,
		              y0 + h - hf - hs - 6, fresh[i] + stale[i]);
		tg_buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
		              "%s</text></g>\n", x + w / 2, y0 + h + 18, labels[i]);
	}
	tg_buf_puts(out, "</svg>\n<div class=\"legend\"><i style=\"background:"
	            "#4e8fd1\"></i>fresh<i style=\"background:#d1242f\"></i>stale"
	            "<i style=\"background:#8c959f\"></i>no review date</div>"
	            "</figure>\n");
}

/* Horizontal bars: open threats per priority. */
static void put_open_chart(tg_buf *out, const tg_scan_totals *t)
{
	static const char *const labels[6] = { "no priority", "P1 critical",
		"P2 high", "P3 medium", "P4 low", "P5 info" };
	static const char *const keys[6] = { "none", "P1", "P2", "P3", "P4",
		"P5" };
	static const char *const colors[6] = { "#c0c6cc", "#d1242f", "#e16f24",
		"#d4a72c", "#4e8fd1", "#8c959f" };
	size_t top = 1, i;
	const int x0 = 96, w = 300, bar = 20, gap = 10, y0 = 8;

	for (i = 0; i < 6; i++)
		if (t->open_by_priority[i] > top)
			top = t->open_by_priority[i];
	tg_buf_printf(out, "<figure id=\"open-chart\"><figcaption>Open threats "
	              "by priority</figcaption>\n<svg viewBox=\"0 0 %d %d\" "
	              "role=\"img\" aria-label=\"Open threats by priority\">\n",
	              x0 + w + 50, y0 + 6 * (bar + gap) + 6);
	for (i = 1; i <= 6; i++) {
		size_t p = i % 6;	/* P1..P5, then none */
		int y = y0 + (int)(i - 1) * (bar + gap);
		int len = (int)(t->open_by_priority[p] * (size_t)w / top);

		if (t->open_by_priority[p] && len < 2)
			len = 2;
		tg_buf_printf(out, "<g class=\"priority\" data-priority=\"%s\" "
		              "data-open=\"%zu\"><text x=\"%d\" y=\"%d\" "
		              "text-anchor=\"end\">%s</text><rect x=\"%d\" y=\"%d\" "
		              "width=\"%d\" height=\"%d\" rx=\"3\" fill=\"%s\"/>"
		              "<text class=\"count\" x=\"%d\" y=\"%d\">%zu</text>"
		              "</g>\n", keys[p],
		              t->open_by_priority[p], x0 - 8, y + 15, labels[p], x0,
		              y, len, bar, colors[p], x0 + len + 6, y + 15,
		              t->open_by_priority[p]);
	}
	tg_buf_puts(out, "</svg></figure>\n");
}

static int signoff_order(const tg_doc_summary *d)
{
	if (!d->readable)
		return 1;
	if (tg_doc_signoff_missing(d))
		return 0;
	return d->signoff_present ? 3 : 2;
}

static void put_threat_list(tg_buf *out, const tg_doc_summary *d, int max)
{
	size_t i, n = 0;

	for (i = 0; i < d->threats_count; i++) {
		const tg_threat_summary *t = &d->threats[i];
		int p = tg_inventory__priority(t->priority);

		if (p < 1 || p > max || !tg_threat_status_open(t->status))
			continue;
		if (n++)
			tg_buf_puts(out, "; ");
		if (t->id) {
			put_html(out, t->id);
			tg_buf_putc(out, ' ');
		}
		put_html(out, t->title);
		tg_buf_printf(out, " (%s, ", tg_priority_name(t->priority));
		put_html(out, tg_status_name(t->status));
		tg_buf_putc(out, ')');
	}
}

/* A path that may wrap after each '/', never inside a name. */
static void put_path(tg_buf *out, const char *path)
{
	const char *p = path ? path : "", *slash;

	while ((slash = strchr(p, '/')) != NULL) {
		char *part = tg_strndup(p, (size_t)(slash - p) + 1);

		if (!part) {
			out->failed = true;
			return;
		}
		put_html(out, part);
		tg_buf_puts(out, "<wbr>");
		free(part);
		p = slash + 1;
	}
	put_html(out, p);
}

/*
 * Where the document's link points: its page on the forge when the
 * address is known and one repository was scanned, else its path.
 */
static void put_href(tg_buf *out, const tg_scan_doc *sd, bool repo,
                     const tg_report_options *options)
{
	tg_buf url = TG_BUF_INIT;

	if (!repo && tg_report__link(&url, options, sd->doc->revision,
	                             sd->doc->path, 0)) {
		put_html(out, tg_buf_cstr(&url));
	} else {
		tg_report__uri_path(&url, sd->doc->path);
		put_html(out, tg_buf_cstr(&url));
	}
	if (url.failed)
		out->failed = true;
	tg_buf_release(&url);
}

/* The findings cell: the counts, and the findings themselves unfolding. */
static void put_findings(tg_buf *out, const tg_doc_summary *d)
{
	size_t i, total = d->errors + d->warnings + d->notes;

	tg_buf_puts(out, "<td class=\"num findings\" data-label=\"Findings\">");
	if (d->findings_count > 0)
		tg_buf_puts(out, "<details><summary>");
	tg_buf_printf(out, "%zu error%s<div class=\"sub\">%zu warning%s",
	              d->errors, d->errors == 1 ? "" : "s",
	              d->warnings, d->warnings == 1 ? "" : "s");
	if (d->notes)
		tg_buf_printf(out, ", %zu note%s", d->notes,
		              d->notes == 1 ? "" : "s");
	tg_buf_puts(out, "</div>");
	if (d->findings_count == 0) {
		tg_buf_puts(out, "</td>\n");
		return;
	}
	tg_buf_puts(out, "</summary>\n<ul class=\"finding-list\">");
	for (i = 0; i < d->findings_count; i++) {
		const tg_doc_finding *f = &d->findings[i];
		const char *sev = tg_severity_name(f->severity);

		tg_buf_printf(out, "<li data-rule=\"%s\"><span class=\"sev-%s\">%s"
		              "</span> ", f->rule, sev, sev);
		if (f->line > 0)
			tg_buf_printf(out, "at line %d: ", f->line);
		put_html(out, f->message);
		tg_buf_puts(out, " <span class=\"rule\">[");
		put_html(out, f->rule);
		tg_buf_puts(out, "]</span></li>");
	}
	if (total > d->findings_count)
		tg_buf_printf(out, "<li>and %zu more</li>",
		              total - d->findings_count);
	tg_buf_puts(out, "</ul></details></td>\n");
}

static void put_row(tg_buf *out, const tg_scan_doc *sd, bool repo,
                    const tg_report_options *options)
{
	const tg_doc_summary *d = sd->doc;
	const tg_drift *drift = &sd->drift;
	int rank = tg_inventory__rank(sd);
	size_t open = d->readable ? tg_inventory__open_threats(d, 2) : 0, i;

	tg_buf_printf(out, "<tr class=\"rank-%d\" data-rank=\"%d\" data-path=\"",
	              rank, rank);
	if (repo) {
		put_key(out, sd->repository);
		tg_buf_putc(out, '/');
	}
	put_key(out, d->path);
	tg_buf_puts(out, "\" data-dri=\"");
	put_key(out, d->dri);
	tg_buf_printf(out, "\" data-age=\"%d\" data-threats=\"%zu\" "
	              "data-open=\"%zu\" data-signoff=\"%d\" data-drift=\"%zu\" "
	              "data-findings=\"%zu\">\n",
	              d->readable && d->age_days >= 0 ? d->age_days : 999999,
	              d->threats_count, open, signoff_order(d),
	              sd->has_drift ? drift->commits : 0,
	              d->errors * 100000 + d->warnings);

	/* State */
	tg_buf_puts(out, "<td data-label=\"State\">");
	if (!d->readable)
		tg_buf_puts(out, "<span class=\"tag unreadable\">unreadable</span>");
	if (d->readable && d->stale)
		tg_buf_puts(out, "<span class=\"tag stale\">stale</span>");
	if (tg_doc_signoff_missing(d))
		tg_buf_puts(out, "<span class=\"tag unsigned\">unsigned</span>");
	if (sd->has_drift && drift->commits > 0)
		tg_buf_puts(out, "<span class=\"tag drift\">drift</span>");
	if (rank == 3)
		tg_buf_puts(out, "<span class=\"tag ok\">ok</span>");
	tg_buf_puts(out, "</td>\n");

	/* Document */
	tg_buf_puts(out, "<td class=\"doc\"><div class=\"title\"><a class=\"doc-link\" href=\"");
	put_href(out, sd, repo, options);
	tg_buf_puts(out, "\">");
	if (d->title)
		put_html(out, d->title);
	else
		put_path(out, d->path);
	tg_buf_puts(out, "</a></div><div class=\"path\">");
	if (repo) {
		put_html(out, sd->repository);
		tg_buf_puts(out, " · ");
	}
	put_path(out, d->path);
	tg_buf_puts(out, "</div></td>\n");

	/* DRI */
	tg_buf_puts(out, "<td data-label=\"DRI\" title=\"");
	put_html(out, d->dri);
	tg_buf_puts(out, "\">");
	if (d->dri)
		put_person(out, d->dri);
	else if (d->readable)
		tg_buf_puts(out, "<span class=\"missing\">none</span>");
	tg_buf_puts(out, "</td>\n");

	/* Reviewed */
	tg_buf_puts(out, "<td class=\"reviewed\" data-label=\"Reviewed\">");
	if (!d->readable) {
		tg_buf_puts(out, "—");
	} else if (!d->reviewed || d->age_days < 0) {
		tg_buf_puts(out, "<span class=\"missing\">never</span>");
	} else {
		put_html(out, d->reviewed);
		tg_buf_printf(out, "<div class=\"sub\">%d day%s ago</div>",
		              d->age_days, d->age_days == 1 ? "" : "s");
	}
	tg_buf_puts(out, "</td>\n");

	/* Threats, open P1-P2 */
	tg_buf_printf(out, "<td class=\"num\" data-label=\"Threats\">%zu</td>\n",
	              d->threats_count);
	tg_buf_puts(out, "<td class=\"num open\" data-label=\"Open P1–P2\" title=\"");
	put_threat_list(out, d, 2);
	tg_buf_printf(out, "\">%zu</td>\n", open);

	/* Sign-off */
	tg_buf_puts(out, "<td class=\"signoff\" data-label=\"Sign-off\" title=\"");
	for (i = 0; i < d->signoff_by_count; i++) {
		if (i)
			tg_buf_puts(out, ", ");
		put_html(out, d->signoff_by[i]);
	}
	if (tg_doc_signoff_missing(d))
		tg_buf_puts(out, "\"><span class=\"missing\">missing</span>");
	else
		tg_buf_printf(out, "\">%s", tg_inventory__signoff_state(d));
	tg_buf_puts(out, "</td>\n");

	/* Drift */
	tg_buf_puts(out, "<td class=\"num drift\" data-label=\"Drift\" title=\"");
	if (sd->has_drift) {
		if (drift->since && strlen(drift->since) == 10)
			tg_buf_printf(out, "since the review of %s", drift->since);
		else if (drift->since)
			tg_buf_printf(out, "since commit %.12s", drift->since);
		else
			tg_buf_puts(out, "no review on record");
		if (drift->newest)
			tg_buf_printf(out, "; newest %.12s (%s)", drift->newest,
			              drift->newest_date ? drift->newest_date : "");
		tg_buf_puts(out, "; covers ");
		for (i = 0; i < d->covers_count; i++) {
			if (i)
				tg_buf_puts(out, ", ");
			put_html(out, d->covers[i]);
		}
	}
	tg_buf_puts(out, "\">");
	if (!sd->has_drift) {
		tg_buf_puts(out, "—");
	} else {
		tg_buf_printf(out, "%s%zu", drift->bounded ? "≥" : "",
		              drift->commits);
		if (drift->authors_count) {
			tg_buf_puts(out, "<div class=\"sub\">");
			for (i = 0; i < drift->authors_count && i < 2; i++) {
				if (i)
					tg_buf_puts(out, ", ");
				put_person(out, drift->authors[i]);
			}
			if (drift->authors_count > 2)
				tg_buf_printf(out, " and %zu more",
				              drift->authors_count - 2);
			tg_buf_puts(out, "</div>");
		}
	}
	tg_buf_puts(out, "</td>\n");

	/* Findings */
	put_findings(out, d);
	tg_buf_puts(out, "</tr>\n");
}

static void put_table(tg_buf *out, const tg_scan *scan,
                      const tg_report_options *options)
{
	static const struct {
		const char *key, *type, *dir, *label;
	} cols[] = {
		{ "attention", "num", "asc", "State" },
		{ "path", "text", "asc", "Document" },
		{ "dri", "text", "asc", "DRI" },
		{ "age", "num", "desc", "Reviewed" },
		{ "threats", "num", "desc", "Threats" },
		{ "open", "num", "desc", "Open P1–P2" },
		{ "signoff", "num", "asc", "Sign-off" },
		{ "drift", "num", "desc", "Drift" },
		{ "findings", "num", "desc", "Findings" },
	};
	bool repo = tg_scan_repository_count(scan) > 1;
	size_t i, n = tg_scan_count(scan);

	tg_buf_printf(out, "<section class=\"docs\">\n<h2>Documents (<span "
	              "id=\"shown\">%zu</span> of %zu)</h2>\n<input "
	              "id=\"filter\" type=\"search\" placeholder=\"Filter by "
	              "path, title, DRI, state…\" aria-label=\"Filter the "
	              "documents\">\n<table id=\"docs\">\n<thead><tr>", n, n);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		tg_buf_printf(out, "<th data-key=\"%s\" data-type=\"%s\" "
		              "data-dir=\"%s\" scope=\"col\"><button type=\"button\">"
		              "%s</button></th>", cols[i].key, cols[i].type,
		              cols[i].dir, cols[i].label);
	tg_buf_puts(out, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++)
		put_row(out, tg_scan_get(scan, i), repo, options);
	tg_buf_puts(out, "</tbody>\n</table>\n</section>\n");
}

static void put_header(tg_buf *out, const tg_scan *scan)
{
	size_t i, repos = tg_scan_repository_count(scan);

	tg_buf_printf(out, "<header><h1>Threat model inventory</h1><p>");
	for (i = 0; i < repos && i < 8; i++) {
		const tg_scan_repo *r = tg_scan_repository(scan, i);

		if (i)
			tg_buf_puts(out, ", ");
		put_html(out, r->name);
		if (r->revision)
			tg_buf_printf(out, " at %.10s", r->revision);
	}
	if (repos > 8)
		tg_buf_printf(out, " and %zu more repositories", repos - 8);
	tg_buf_printf(out, " · %s</p></header>\n", tg_scan_date(scan));
}

int tg_report__scan_html(FILE *out, const tg_scan *scan,
                         const tg_report_options *options)
{
	tg_buf page = TG_BUF_INIT;
	tg_scan_totals t;
	int max_age = 270, error = 0;

	tg_scan_totals_compute(&t, scan);
	if (tg_scan_repository_count(scan) > 0)
		max_age = tg_scan_repository(scan, 0)->max_age;
	tg_buf_puts(&page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	            "<meta charset=\"utf-8\">\n"
	            "<meta http-equiv=\"Content-Security-Policy\" content=\""
	            "default-src 'none'; style-src 'unsafe-inline'; "
	            "script-src 'unsafe-inline'; img-src data:\">\n"
	            "<meta name=\"viewport\" content=\"width=device-width, "
	            "initial-scale=1\">\n<meta name=\"generator\" "
	            "content=\"threatgate ");
	tg_buf_puts(&page, tg_version());
	tg_buf_printf(&page, "\">\n<title>Threat model inventory · %s</title>\n"
	              "<style>\n%s%s</style>\n</head>\n<body>\n",
	              tg_scan_date(scan), page_style, page_style_narrow);
	put_header(&page, scan);
	tg_buf_puts(&page, "<main>\n");
	put_cards(&page, &t);
	tg_buf_puts(&page, "<section class=\"charts\">\n");
	put_age_chart(&page, scan, max_age);
	put_open_chart(&page, &t);
	tg_buf_puts(&page, "</section>\n");
	put_table(&page, scan, options);
	tg_buf_printf(&page, "<footer>Written by threatgate %s scan. Stale: "
	              "the threat model was last reviewed more than threatgate."
	              "maxAge days ago. Unsigned: a security sign-off is "
	              "required and missing. Drift: commits that changed code "
	              "the design covers after its last review.</footer>\n"
	              "</main>\n<script>\n%s</script>\n</body>\n</html>\n",
	              tg_version(), page_script);
	if (page.failed)
		error = tg_error_oom();
	else if (fwrite(page.ptr, 1, page.size, out) != page.size)
		error = tg_error_set(TG_ERROR, "cannot write the report");
	tg_buf_release(&page);
	return error;
}
