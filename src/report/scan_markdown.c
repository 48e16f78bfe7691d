/*
 * The scan report as Markdown: the weekly summary a security team posts
 * to its channel or wiki. Headline numbers first, then what needs
 * attention (stale, unsigned, unreadable), the open P1-P2 threats and the
 * drift, each list capped so that the message stays readable; the whole
 * inventory follows in a collapsed <details> block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "inventory/inventory.h"
#include "util/banned.h"

/* Rows shown per list before "and N more". */
#define LIST_MAX 25

/*
 * Text inside a table cell: Markdown and HTML syntax is escaped, line
 * breaks become spaces, so a title cannot break the table or inject
 * markup into the message.
 */
static void put_md(tg_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			tg_buf_putc(out, ' ');
		else if (*p < 0x20 || *p == 0x7f)
			continue;
		else if (*p == '<')
			tg_buf_puts(out, "&lt;");
		else if (*p == '>')
			tg_buf_puts(out, "&gt;");
		else if (*p == '&')
			tg_buf_puts(out, "&amp;");
		else if (strchr("\\`*_[]|#~!", *p))
			tg_buf_printf(out, "\\%c", *p);
		else
			tg_buf_putc(out, (char)*p);
	}
}

/* A path as code, unless it holds a backtick: then as escaped text. */
static void put_path(tg_buf *out, const tg_scan_doc *sd, bool repo)
{
	const char *path = sd->doc->path ? sd->doc->path : "";

	if (repo) {
		put_md(out, sd->repository);
		tg_buf_puts(out, ": ");
	}
	if (strchr(path, '`') || strpbrk(path, "\r\n|")) {
		put_md(out, path);
		return;
	}
	tg_buf_printf(out, "`%s`", path);
}

static void put_document(tg_buf *out, const tg_scan_doc *sd, bool repo)
{
	put_path(out, sd, repo);
	if (sd->doc->title) {
		tg_buf_puts(out, "<br>");
		put_md(out, sd->doc->title);
	}

}

static void put_reviewed(tg_buf *out, const tg_doc_summary *d)
{
	if (!d->reviewed || d->age_days < 0) {
		tg_buf_puts(out, "never");
		return;
	}
	put_md(out, d->reviewed);
	tg_buf_printf(out, " (%d day%s)", d->age_days,
	              d->age_days == 1 ? "" : "s");
}

static void put_drift(tg_buf *out, const tg_scan_doc *sd)
{
	const tg_drift *d = &sd->drift;
	size_t i;

	if (!sd->has_drift) {
		tg_buf_puts(out, "—");
		return;
	}
	if (d->commits == 0) {
		tg_buf_puts(out, "none");
		return;
	}
	tg_buf_printf(out, "%s%zu commit%s", d->bounded ? "≥ " : "",
	              d->commits, d->commits == 1 ? "" : "s");
	if (d->newest)
		tg_buf_printf(out, ", newest `%.10s`", d->newest);
	for (i = 0; i < d->authors_count && i < 3; i++) {
		tg_buf_puts(out, i ? ", " : " by ");
		put_md(out, d->authors[i]);
	}
	if (d->authors_count > 3)
		tg_buf_printf(out, " and %zu more", d->authors_count - 3);
}

static void put_more(tg_buf *out, size_t shown, size_t total)
{
	if (total > shown)
		tg_buf_printf(out, "\n… and %zu more (see the full inventory "
		              "below)\n", total - shown);
}

static void put_headline(tg_buf *out, const tg_scan *scan)
{
	tg_scan_totals t;
	size_t repos = tg_scan_repository_count(scan), i;

	tg_scan_totals_compute(&t, scan);
	tg_buf_printf(out, "## Threat model inventory, %s\n\n",
	              tg_scan_date(scan));
	tg_buf_printf(out, "**%zu** design document%s", t.documents,
	              t.documents == 1 ? "" : "s");
	if (repos == 1) {
		tg_buf_puts(out, " in ");
		put_md(out, tg_scan_repository(scan, 0)->name);
	} else {
		tg_buf_printf(out, " in **%zu** repositories", repos);
	}
	tg_buf_printf(out, " · **%zu** stale · **%zu** missing a required "
	              "sign-off · **%zu** open P1 and **%zu** open P2 threats · "
	              "**%zu** with covered code changed since review",
	              t.stale, t.signoff_missing, t.open_by_priority[1],
	              t.open_by_priority[2], t.drifting);
	if (t.unreadable)
		tg_buf_printf(out, " · **%zu** unreadable", t.unreadable);
	if (t.waived[0] + t.waived[1] + t.waived[2] > 0)
		tg_buf_printf(out, " · **%zu** findings waived (%zu inline, %zu "
		              "by exception, %zu baseline)",
		              t.waived[0] + t.waived[1] + t.waived[2],
		              t.waived[TG_SUPPRESS_INLINE],
		              t.waived[TG_SUPPRESS_EXCEPTION],
		              t.waived[TG_SUPPRESS_BASELINE]);
	tg_buf_puts(out, "\n");
	for (i = 0; i < repos; i++) {
		const tg_scan_repo *r = tg_scan_repository(scan, i);

		if (r->history_complete)
			continue;
		tg_buf_puts(out, "\n> History of ");
		put_md(out, r->name);
		tg_buf_puts(out, " was cut short (--since or --max-commits, or a "
		            "shallow clone): drift counts there are lower "
		            "bounds.\n");
	}
}

static void put_attention(tg_buf *out, const tg_scan *scan,
                          const size_t *order, bool repo)
{
	size_t i, shown = 0, total = 0;

	for (i = 0; i < tg_scan_count(scan); i++)
		if (tg_inventory__rank(tg_scan_get(scan, order[i])) <= 1)
			total++;
	if (total == 0)
		return;
	tg_buf_puts(out, "\n### Needs attention\n\n"
	            "| Document | Reviewed | Stale | Sign-off | Open P1–P2 | "
	            "Drift |\n|---|---|---|---|---:|---|\n");
	for (i = 0; i < tg_scan_count(scan) && shown < LIST_MAX; i++) {
		const tg_scan_doc *sd = tg_scan_get(scan, order[i]);
		const tg_doc_summary *d = sd->doc;

		if (tg_inventory__rank(sd) > 1)
			continue;
		shown++;
		tg_buf_puts(out, "| ");
		put_document(out, sd, repo);
		tg_buf_puts(out, " | ");
		if (!d->readable) {
			tg_buf_puts(out, "unreadable | | | | |\n");
			continue;
		}
		put_reviewed(out, d);
		tg_buf_printf(out, " | %s | %s | %zu | ", d->stale ? "**yes**" : "no",
		              tg_doc_signoff_missing(d) ? "**missing**" :
		              tg_inventory__signoff_state(d),
		              tg_inventory__open_threats(d, 2));
		put_drift(out, sd);
		tg_buf_puts(out, " |\n");
	}
	put_more(out, shown, total);
}

static void put_threats(tg_buf *out, const tg_scan *scan, const size_t *order,
                        bool repo)
{
	size_t i, j, shown = 0, total = 0;

	for (i = 0; i < tg_scan_count(scan); i++)
		total += tg_inventory__open_threats(tg_scan_get(scan, i)->doc, 2);
	if (total == 0)
		return;
	tg_buf_puts(out, "\n### Open P1–P2 threats\n\n"
	            "| Document | Threat | Priority | Status | Mitigation |\n"
	            "|---|---|---|---|---|\n");
	for (i = 0; i < tg_scan_count(scan); i++) {
		const tg_scan_doc *sd = tg_scan_get(scan, order[i]);
		const tg_doc_summary *d = sd->doc;

		for (j = 0; j < d->threats_count && shown < LIST_MAX; j++) {
			const tg_threat_summary *t = &d->threats[j];
			int p = tg_inventory__priority(t->priority);

			if (p < 1 || p > 2 || !tg_threat_status_open(t->status))
				continue;
			shown++;
			tg_buf_puts(out, "| ");
			put_path(out, sd, repo);
			tg_buf_puts(out, " | ");
			if (t->id) {
				put_md(out, t->id);
				tg_buf_puts(out, " ");
			}
			put_md(out, t->title);
			tg_buf_printf(out, " | %s | ", tg_priority_name(t->priority));
			put_md(out, tg_status_name(t->status));
			tg_buf_puts(out, " | ");
			put_md(out, t->mitigation ? t->mitigation : "none");
			tg_buf_puts(out, " |\n");
		}
	}
	put_more(out, shown, total);
}

static void put_drifting(tg_buf *out, const tg_scan *scan, const size_t *order,
                         bool repo)
{
	size_t i, shown = 0, total = 0;

	for (i = 0; i < tg_scan_count(scan); i++) {
		const tg_scan_doc *sd = tg_scan_get(scan, i);

		if (sd->has_drift && sd->drift.commits > 0)
			total++;
	}
	if (total == 0)
		return;
	tg_buf_puts(out, "\n### Covered code changed since the last review\n\n"
	            "| Document | Reviewed | Changes since |\n|---|---|---|\n");
	for (i = 0; i < tg_scan_count(scan) && shown < LIST_MAX; i++) {
		const tg_scan_doc *sd = tg_scan_get(scan, order[i]);

		if (!sd->has_drift || sd->drift.commits == 0)
			continue;
		shown++;
		tg_buf_puts(out, "| ");
		put_document(out, sd, repo);
		tg_buf_puts(out, " | ");
		if (sd->doc->reviewed)
			put_reviewed(out, sd->doc);
		else if (sd->drift.since)
			tg_buf_printf(out, "threat model changed in `%.10s`",
			              sd->drift.since);
		else
			tg_buf_puts(out, "never");
		tg_buf_puts(out, " | ");
		put_drift(out, sd);
		tg_buf_puts(out, " |\n");
	}
	put_more(out, shown, total);
}

static void put_inventory(tg_buf *out, const tg_scan *scan,
                          const size_t *order, bool repo)
{
	size_t i;

	tg_buf_printf(out, "\n<details><summary>%s %zu design document%s"
	              "</summary>\n\n"
	              "| Document | DRI | Reviewed | Threats | Open P1–P2 | "
	              "Sign-off | Drift | Findings |\n"
	              "|---|---|---|---:|---:|---|---|---|\n",
	              tg_scan_count(scan) == 1 ? "The" : "All",
	              tg_scan_count(scan), tg_scan_count(scan) == 1 ? "" : "s");
	for (i = 0; i < tg_scan_count(scan); i++) {
		const tg_scan_doc *sd = tg_scan_get(scan, order[i]);
		const tg_doc_summary *d = sd->doc;

		tg_buf_puts(out, "| ");
		put_document(out, sd, repo);
		tg_buf_puts(out, " | ");
		if (!d->readable) {
			tg_buf_printf(out, "unreadable | | | | | | %zu error%s |\n",
			              d->errors, d->errors == 1 ? "" : "s");
			continue;
		}
		put_md(out, d->dri ? d->dri : "—");
		tg_buf_puts(out, " | ");
		put_reviewed(out, d);
		if (d->stale)
			tg_buf_puts(out, " **stale**");
		tg_buf_printf(out, " | %zu | %zu | %s | ", d->threats_count,
		              tg_inventory__open_threats(d, 2),
		              tg_inventory__signoff_state(d));
		put_drift(out, sd);
		tg_buf_printf(out, " | %zu error%s, %zu warning%s |\n",
		              d->errors, d->errors == 1 ? "" : "s",
		              d->warnings, d->warnings == 1 ? "" : "s");
	}
	tg_buf_puts(out, "\n</details>\n");
}

int tg_report__scan_markdown(FILE *out, const tg_scan *scan,
                             const tg_report_options *options)
{
	tg_buf text = TG_BUF_INIT;
	size_t *order = NULL;
	bool repo = tg_scan_repository_count(scan) > 1;
	int error;

	(void)options;
	error = tg_inventory__attention(&order, scan);
	if (error < 0)
		return error;
	put_headline(&text, scan);
	if (tg_scan_count(scan) == 0) {
		tg_buf_puts(&text, "\nNo design documents were found.\n");
	} else {
		put_attention(&text, scan, order, repo);
		put_threats(&text, scan, order, repo);
		put_drifting(&text, scan, order, repo);
		put_inventory(&text, scan, order, repo);
	}
	tg_buf_printf(&text, "\n<sub>threatgate %s scan</sub>\n", tg_version());
	if (text.failed)
		error = tg_error_oom();
	else if (fwrite(text.ptr, 1, text.size, out) != text.size)
		error = tg_error_set(TG_ERROR, "cannot write the report");
	tg_buf_release(&text);
	free(order);
	return error;
}
