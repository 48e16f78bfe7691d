/*
 * The scan report as JSON, for dashboards and for `scan --merge`. Each
 * document carries the fields of a check report's document (SPEC section
 * 7) plus its repository, age, counts and drift; the same file read back
 * by tg_scan_merge_json() (scan_read.c) loses nothing a report shows.
 *
 *   {"version": 1, "kind": "scan", "tool": {...}, "date": "2026-11-27",
 *    "repositories": [{"name", "revision", "commits_walked",
 *                      "history_complete", "max_age"}],
 *    "documents": [{"repository", "path", ..., "drift": {"commits": N,
 *                   "newest": "<oid>", "authors": [...]} or null}],
 *    "summary": {...}}
 */
#include <string.h>
#include "report/report.h"
#include "inventory/inventory.h"
#include "util/banned.h"

/* "ST" -> ["S", "T"]; "a,b" (frameworks without letters) -> ["a", "b"]. */
static json_t *category_array(struct tg_report__json *b, const char *text)
{
	json_t *array = tg_report__jarr(b);
	const char *p = text ? text : "", *end;
	char *one;

	if (!strchr(p, ',')) {
		char letter[2] = { 0, 0 };

		for (; array && *p; p++) {
			if (*p == ' ' || *p == '/')
				continue;
			letter[0] = *p;
			tg_report__jappend(b, array, tg_report__jstr(b, letter));
		}
		return array;
	}
	while (array && *p) {
		end = p + strcspn(p, ",");
		if (end > p) {
			one = tg_strndup(p, (size_t)(end - p));
			if (!one)
				b->failed = true;
			else
				tg_report__jappend(b, array, tg_report__jstr(b, one));
			free(one);
		}
		p = *end ? end + 1 : end;
	}
	return array;
}

static json_t *strs(struct tg_report__json *b, char *const *list, size_t n)
{
	json_t *array = tg_report__jarr(b);
	size_t i;

	for (i = 0; array && i < n; i++)
		tg_report__jappend(b, array, tg_report__jstr(b, list[i]));
	return array;
}

static json_t *pos(struct tg_report__json *b, int n)
{
	return n > 0 ? tg_report__jint(b, n) : json_null();
}

static json_t *count(struct tg_report__json *b, size_t n)
{
	return tg_report__jint(b, (json_int_t)n);
}

static json_t *threat_value(struct tg_report__json *b,
                            const tg_threat_summary *t)
{
	json_t *obj = tg_report__jobj(b);

	tg_report__jset(b, obj, "id", tg_report__jstr(b, t->id));
	tg_report__jset(b, obj, "title", tg_report__jstr(b, t->title));
	tg_report__jset(b, obj, "category", category_array(b, t->category));
	tg_report__jset(b, obj, "priority",
	                tg_report__jstr(b, tg_priority_name(t->priority)));
	tg_report__jset(b, obj, "mitigation",
	                tg_report__jstr(b, t->mitigation));
	tg_report__jset(b, obj, "status",
	                tg_report__jstr(b, tg_status_name(t->status)));
	tg_report__jset(b, obj, "line", pos(b, t->line));
	return obj;
}

/* {"P1": {"total": 2, "open": 1}, ..., "none": {...}} */
static json_t *threat_counts(struct tg_report__json *b,
                             const tg_doc_summary *d)
{
	static const char *const names[6] = { "none", "P1", "P2", "P3", "P4",
	                                      "P5" };
	size_t total[6] = { 0 }, open[6] = { 0 }, i;
	json_t *obj = tg_report__jobj(b), *one;
	int p;

	for (i = 0; i < d->threats_count; i++) {
		p = tg_inventory__priority(d->threats[i].priority);
		total[p]++;
		if (tg_threat_status_open(d->threats[i].status))
			open[p]++;
	}
	for (i = 1; i <= 6; i++) {
		p = (int)(i % 6);	/* P1..P5, then none */
		one = tg_report__jobj(b);
		tg_report__jset(b, one, "total", count(b, total[p]));
		tg_report__jset(b, one, "open", count(b, open[p]));
		tg_report__jset(b, obj, names[p], one);
	}
	return obj;
}

static json_t *drift_value(struct tg_report__json *b, const tg_scan_doc *sd)
{
	const tg_drift *d = &sd->drift;
	json_t *obj;

	if (!sd->has_drift)
		return json_null();
	obj = tg_report__jobj(b);
	tg_report__jset(b, obj, "commits", count(b, d->commits));
	tg_report__jset(b, obj, "newest", tg_report__jstr(b, d->newest));
	tg_report__jset(b, obj, "newest_date",
	                tg_report__jstr(b, d->newest_date));
	tg_report__jset(b, obj, "authors",
	                strs(b, d->authors, d->authors_count));
	tg_report__jset(b, obj, "since", tg_report__jstr(b, d->since));
	tg_report__jset(b, obj, "bounded", json_boolean(d->bounded));
	return obj;
}

static json_t *document_value(struct tg_report__json *b,
                              const tg_scan_doc *sd)
{
	const tg_doc_summary *d = sd->doc;
	json_t *obj = tg_report__jobj(b);
	json_t *threats = tg_report__jarr(b), *triggers = tg_report__jarr(b);
	json_t *signoff = tg_report__jobj(b), *findings = tg_report__jobj(b);
	json_t *trigger;
	size_t i;

	tg_report__jset(b, obj, "repository",
	                tg_report__jstr(b, sd->repository));
	tg_report__jset(b, obj, "path", tg_report__jstr(b, d->path));
	tg_report__jset(b, obj, "revision", tg_report__jstr(b, d->revision));
	tg_report__jset(b, obj, "readable", json_boolean(d->readable));
	tg_report__jset(b, obj, "title", tg_report__jstr(b, d->title));
	tg_report__jset(b, obj, "dri", tg_report__jstr(b, d->dri));
	tg_report__jset(b, obj, "status", tg_report__jstr(b, d->status));
	tg_report__jset(b, obj, "participants",
	                strs(b, d->participants, d->participants_count));
	tg_report__jset(b, obj, "threat_model_reviewed",
	                tg_report__jstr(b, d->reviewed));
	tg_report__jset(b, obj, "age_days", d->age_days >= 0 ?
	                tg_report__jint(b, d->age_days) : json_null());
	tg_report__jset(b, obj, "stale", json_boolean(d->stale));
	tg_report__jset(b, obj, "covers",
	                strs(b, d->covers, d->covers_count));

	for (i = 0; threats && i < d->threats_count; i++)
		tg_report__jappend(b, threats, threat_value(b, &d->threats[i]));
	tg_report__jset(b, obj, "threats", threats);
	tg_report__jset(b, obj, "threat_counts", threat_counts(b, d));

	for (i = 0; triggers && i < d->triggers_count; i++) {
		trigger = tg_report__jobj(b);
		tg_report__jset(b, trigger, "id",
		                tg_report__jstr(b, d->triggers[i].id));
		tg_report__jset(b, trigger, "line", pos(b, d->triggers[i].line));
		tg_report__jset(b, trigger, "match",
		                tg_report__jstr(b, d->triggers[i].match));
		tg_report__jappend(b, triggers, trigger);
	}
	tg_report__jset(b, obj, "triggers", triggers);

	tg_report__jset(b, signoff, "required",
	                json_boolean(d->signoff_required));
	tg_report__jset(b, signoff, "present", json_boolean(d->signoff_present));
	tg_report__jset(b, signoff, "by",
	                strs(b, d->signoff_by, d->signoff_by_count));
	tg_report__jset(b, signoff, "line", pos(b, d->signoff_line));
	tg_report__jset(b, obj, "signoff", signoff);

	tg_report__jset(b, findings, "errors", count(b, d->errors));
	tg_report__jset(b, findings, "warnings", count(b, d->warnings));
	tg_report__jset(b, findings, "notes", count(b, d->notes));
	tg_report__jset(b, obj, "findings", findings);

	tg_report__jset(b, obj, "drift", drift_value(b, sd));
	return obj;
}

static json_t *repository_value(struct tg_report__json *b,
                                const tg_scan_repo *r)
{
	json_t *obj = tg_report__jobj(b);

	tg_report__jset(b, obj, "name", tg_report__jstr(b, r->name));
	tg_report__jset(b, obj, "revision", tg_report__jstr(b, r->revision));
	tg_report__jset(b, obj, "commits_walked", count(b, r->commits_walked));
	tg_report__jset(b, obj, "history_complete",
	                json_boolean(r->history_complete));
	tg_report__jset(b, obj, "max_age", tg_report__jint(b, r->max_age));
	return obj;
}

static json_t *summary_value(struct tg_report__json *b, const tg_scan *scan)
{
	static const char *const names[6] = { "none", "P1", "P2", "P3", "P4",
	                                      "P5" };
	tg_scan_totals t;
	json_t *obj = tg_report__jobj(b), *open = tg_report__jobj(b), *waived;
	size_t i;

	tg_scan_totals_compute(&t, scan);
	tg_report__jset(b, obj, "repositories",
	                count(b, tg_scan_repository_count(scan)));
	tg_report__jset(b, obj, "documents", count(b, t.documents));
	tg_report__jset(b, obj, "unreadable", count(b, t.unreadable));
	tg_report__jset(b, obj, "stale", count(b, t.stale));
	tg_report__jset(b, obj, "no_review_date", count(b, t.no_review_date));
	tg_report__jset(b, obj, "signoff_missing", count(b, t.signoff_missing));
	tg_report__jset(b, obj, "threats", count(b, t.threats));
	for (i = 1; i <= 6; i++)
		tg_report__jset(b, open, names[i % 6],
		                count(b, t.open_by_priority[i % 6]));
	tg_report__jset(b, obj, "open_threats", open);
	tg_report__jset(b, obj, "drifting", count(b, t.drifting));
	tg_report__jset(b, obj, "with_findings", count(b, t.with_findings));
	waived = tg_report__jobj(b);
	for (i = 0; i < TG_SUPPRESS__COUNT; i++)
		tg_report__jset(b, waived,
		    tg_suppress_reason_name((tg_suppress_reason)i),
		    count(b, t.waived[i]));
	tg_report__jset(b, obj, "suppressed", waived);
	return obj;
}

/* `text` with every line after the first indented by four spaces. */
static int put_indented(FILE *out, const char *text)
{
	const char *nl;

	if (fputs("    ", out) == EOF)
		return -1;
	while ((nl = strchr(text, '\n')) != NULL) {
		if (fwrite(text, 1, (size_t)(nl - text) + 1, out) !=
		    (size_t)(nl - text) + 1 || fputs("    ", out) == EOF)
			return -1;
		text = nl + 1;
	}
	return fputs(text, out) == EOF ? -1 : 0;
}

/*
 * The documents are written one at a time, each from a tree of its own:
 * a tree of the whole report would take more memory than the scan (a
 * jansson value per field of every threat of thousands of documents). The
 * rest of the report is dumped with an empty "documents" array, which is
 * then filled in place; the result is what one json_dumpf() would write.
 */
int tg_report__scan_json(FILE *out, const tg_scan *scan,
                         const tg_report_options *options)
{
	static const char marker[] = "\n  \"documents\": []";
	const size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER;
	struct tg_report__json b = { false };
	json_t *root, *tool, *repos, *doc = NULL;
	char *head = NULL, *one = NULL, *at;
	size_t i, n = tg_scan_count(scan);
	int error = 0;

	(void)options;
	root = tg_report__jobj(&b);
	tool = tg_report__jobj(&b);
	repos = tg_report__jarr(&b);
	tg_report__jset(&b, root, "version",
	                tg_report__jint(&b, TG_SCAN_JSON_VERSION));
	tg_report__jset(&b, root, "kind", tg_report__jstr(&b, "scan"));
	tg_report__jset(&b, tool, "name", tg_report__jstr(&b, "threatgate"));
	tg_report__jset(&b, tool, "version", tg_report__jstr(&b, tg_version()));
	tg_report__jset(&b, root, "tool", tool);
	tg_report__jset(&b, root, "date",
	                tg_report__jstr(&b, tg_scan_date(scan)));
	for (i = 0; repos && i < tg_scan_repository_count(scan); i++)
		tg_report__jappend(&b, repos,
		                   repository_value(&b, tg_scan_repository(scan, i)));
	tg_report__jset(&b, root, "repositories", repos);
	tg_report__jset(&b, root, "documents", tg_report__jarr(&b));
	tg_report__jset(&b, root, "summary", summary_value(&b, scan));
	head = b.failed ? NULL : json_dumps(root, flags);
	at = head ? strstr(head, marker) : NULL;
	if (!at) {
		error = tg_error_oom();
		goto done;
	}
	at += sizeof(marker) - 2;	/* just past the '[' */
	if (fwrite(head, 1, (size_t)(at - head), out) != (size_t)(at - head))
		goto write_error;
	for (i = 0; i < n; i++) {
		doc = document_value(&b, tg_scan_get(scan, i));
		one = b.failed ? NULL : json_dumps(doc, flags);
		if (!one) {
			error = tg_error_oom();
			goto done;
		}
		if (fputs(i ? ",\n" : "\n", out) == EOF ||
		    put_indented(out, one) < 0)
			goto write_error;
		free(one);
		one = NULL;
		json_decref(doc);
		doc = NULL;
	}
	if ((n && fputs("\n  ", out) == EOF) || fputs(at, out) == EOF ||
	    fputc('\n', out) == EOF)
		goto write_error;
	goto done;
write_error:
	error = tg_error_set(TG_ERROR, "cannot write the report");
done:
	free(one);
	free(head);
	json_decref(doc);
	json_decref(root);
	return error;
}
