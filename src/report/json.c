/*
 * The JSON report of SPEC section 7, built with jansson. Keys are written
 * in the order the SPEC lists them; a field that is unknown is null.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "report/report.h"
#include "util/util.h"
#include "util/banned.h"

#define JSON_REPORT_VERSION 1

/* A positive line or column, or null when unknown (0). */
static json_t *pos_value(struct tg_report__json *b, int n)
{
	return n > 0 ? tg_report__jint(b, n) : json_null();
}

static json_t *str_array(struct tg_report__json *b, char *const *strs, size_t count)
{
	json_t *array = tg_report__jarr(b);
	size_t i;

	for (i = 0; array && i < count; i++)
		tg_report__jappend(b, array, tg_report__jstr(b, strs[i]));
	return array;
}

/* "ST" -> ["S", "T"]; separators a writer may have left are skipped. */
static json_t *category_array(struct tg_report__json *b, const char *letters)
{
	json_t *array = tg_report__jarr(b);
	char one[2] = { 0, 0 };
	const char *p;

	for (p = letters ? letters : ""; array && *p; p++) {
		if (*p == ' ' || *p == ',' || *p == '/')
			continue;
		one[0] = *p;
		tg_report__jappend(b, array, tg_report__jstr(b, one));
	}
	return array;
}

static json_t *threat_value(struct tg_report__json *b, const tg_threat_summary *t)
{
	json_t *obj = tg_report__jobj(b);

	tg_report__jset(b, obj, "id", tg_report__jstr(b, t->id));
	tg_report__jset(b, obj, "title", tg_report__jstr(b, t->title));
	tg_report__jset(b, obj, "category", category_array(b, t->category));
	tg_report__jset(b, obj, "priority",
	                tg_report__jstr(b, tg_priority_name(t->priority)));
	tg_report__jset(b, obj, "rating", tg_report__jstr(b, t->rating));
	tg_report__jset(b, obj, "mitigation", tg_report__jstr(b, t->mitigation));
	tg_report__jset(b, obj, "status",
	                tg_report__jstr(b, tg_status_name(t->status)));
	tg_report__jset(b, obj, "line", pos_value(b, t->line));
	return obj;
}

static json_t *evidence_value(struct tg_report__json *b,
                              const tg_trigger_evidence *e)
{
	json_t *obj = tg_report__jobj(b);

	tg_report__jset(b, obj, "line", pos_value(b, e->line));
	tg_report__jset(b, obj, "column", pos_value(b, e->column));
	tg_report__jset(b, obj, "words", tg_report__jstr(b, e->words));
	tg_report__jset(b, obj, "weight", tg_report__jreal(b, e->weight));
	tg_report__jset(b, obj, "where", tg_report__jstr(b, e->where));
	return obj;
}

/*
 * A trigger that fired: the strongest match (line, match) as in round one,
 * whether front matter declared it, and every prose match that counted.
 */
static json_t *trigger_value(struct tg_report__json *b, const tg_trigger_summary *t)
{
	json_t *obj = tg_report__jobj(b);
	json_t *matches = tg_report__jarr(b);
	size_t i;

	tg_report__jset(b, obj, "id", tg_report__jstr(b, t->id));
	tg_report__jset(b, obj, "line", pos_value(b, t->line));
	tg_report__jset(b, obj, "match", tg_report__jstr(b, t->match));
	tg_report__jset(b, obj, "declared", json_boolean(t->declared));
	tg_report__jset(b, obj, "score", tg_report__jreal(b, t->score));
	tg_report__jset(b, obj, "threshold", tg_report__jreal(b, t->threshold));
	for (i = 0; matches && i < t->matches_count; i++)
		tg_report__jappend(b, matches, evidence_value(b, &t->matches[i]));
	tg_report__jset(b, obj, "matches", matches);
	return obj;
}

static json_t *document_value(struct tg_report__json *b, const tg_doc_summary *d)
{
	json_t *obj = tg_report__jobj(b);
	json_t *threats = tg_report__jarr(b);
	json_t *triggers = tg_report__jarr(b);
	json_t *sections = tg_report__jarr(b);
	json_t *signoff = tg_report__jobj(b);
	size_t i;

	tg_report__jset(b, obj, "path", tg_report__jstr(b, d->path));
	tg_report__jset(b, obj, "revision", tg_report__jstr(b, d->revision));
	tg_report__jset(b, obj, "title", tg_report__jstr(b, d->title));
	tg_report__jset(b, obj, "dri", tg_report__jstr(b, d->dri));
	tg_report__jset(b, obj, "status", tg_report__jstr(b, d->status));
	tg_report__jset(b, obj, "participants",
	    str_array(b, d->participants, d->participants_count));
	tg_report__jset(b, obj, "threat_model_reviewed", tg_report__jstr(b, d->reviewed));
	tg_report__jset(b, obj, "stale", json_boolean(d->stale));

	for (i = 0; sections && i < d->sections_count; i++) {
		json_t *sec = tg_report__jobj(b);

		tg_report__jset(b, sec, "kind", tg_report__jstr(b, d->sections[i].kind));
		tg_report__jset(b, sec, "title", tg_report__jstr(b, d->sections[i].title));
		tg_report__jset(b, sec, "line", pos_value(b, d->sections[i].line));
		tg_report__jappend(b, sections, sec);
	}
	tg_report__jset(b, obj, "sections", sections);

	for (i = 0; threats && i < d->threats_count; i++)
		tg_report__jappend(b, threats, threat_value(b, &d->threats[i]));
	tg_report__jset(b, obj, "threats", threats);

	for (i = 0; triggers && i < d->triggers_count; i++)
		tg_report__jappend(b, triggers, trigger_value(b, &d->triggers[i]));
	tg_report__jset(b, obj, "triggers", triggers);
	tg_report__jset(b, obj, "handles", d->handles_given ?
	    str_array(b, d->handles, d->handles_count) : json_null());

	tg_report__jset(b, signoff, "required", json_boolean(d->signoff_required));
	tg_report__jset(b, signoff, "present", json_boolean(d->signoff_present));
	tg_report__jset(b, signoff, "by", str_array(b, d->signoff_by, d->signoff_by_count));
	tg_report__jset(b, signoff, "line", pos_value(b, d->signoff_line));
	tg_report__jset(b, signoff, "via", tg_report__jstr(b, d->signoff_via));
	tg_report__jset(b, obj, "signoff", signoff);
	return obj;
}

static json_t *finding_value(struct tg_report__json *b, const tg_finding *f)
{
	json_t *obj = tg_report__jobj(b);

	tg_report__jset(b, obj, "rule", tg_report__jstr(b, tg_rule_name(f->rule)));
	tg_report__jset(b, obj, "severity", tg_report__jstr(b, tg_severity_name(f->severity)));
	tg_report__jset(b, obj, "path", tg_report__jstr(b, f->path));
	tg_report__jset(b, obj, "line", pos_value(b, f->line));
	tg_report__jset(b, obj, "column", pos_value(b, f->column));
	tg_report__jset(b, obj, "message", tg_report__jstr(b, f->message));
	tg_report__jset(b, obj, "revision", tg_report__jstr(b, f->revision));
	if (f->notes_count) {
		json_t *notes = tg_report__jarr(b);
		size_t i;

		for (i = 0; notes && i < f->notes_count; i++) {
			const tg_finding_note *n = &f->notes[i];
			json_t *note = tg_report__jobj(b);

			tg_report__jset(b, note, "path",
			                tg_report__jstr(b, n->path ? n->path : f->path));
			tg_report__jset(b, note, "line", pos_value(b, n->line));
			tg_report__jset(b, note, "column", pos_value(b, n->column));
			tg_report__jset(b, note, "message", tg_report__jstr(b, n->message));
			tg_report__jappend(b, notes, note);
		}
		tg_report__jset(b, obj, "notes", notes);
	}
	return obj;
}

static json_t *suppressed_value(struct tg_report__json *b,
                                const tg_suppressed *s)
{
	json_t *obj = tg_report__jobj(b);

	tg_report__jset(b, obj, "finding", finding_value(b, &s->finding));
	tg_report__jset(b, obj, "reason",
	                tg_report__jstr(b, tg_suppress_reason_name(s->reason)));
	if (s->reason == TG_SUPPRESS_EXCEPTION) {
		tg_report__jset(b, obj, "exception",
		                tg_report__jstr(b, s->exception));
		tg_report__jset(b, obj, "justification",
		                tg_report__jstr(b, s->justification));
		tg_report__jset(b, obj, "expires",
		                tg_report__jstr(b, s->expires));
	}
	return obj;
}

static json_t *report_value(struct tg_report__json *b, const tg_findings *findings)
{
	json_t *root = tg_report__jobj(b);
	json_t *tool = tg_report__jobj(b);
	json_t *documents = tg_report__jarr(b);
	json_t *list = tg_report__jarr(b);
	json_t *summary = tg_report__jobj(b);
	json_t *by_reason = tg_report__jobj(b);
	json_t *waived;
	size_t i, docs = tg_findings_document_count(findings);
	int r;

	tg_report__jset(b, root, "version", tg_report__jint(b, JSON_REPORT_VERSION));
	tg_report__jset(b, tool, "name", tg_report__jstr(b, "threatgate"));
	tg_report__jset(b, tool, "version", tg_report__jstr(b, tg_version()));
	tg_report__jset(b, root, "tool", tool);

	for (i = 0; documents && i < docs; i++)
		tg_report__jappend(b, documents,
		       document_value(b, tg_findings_document(findings, i)));
	tg_report__jset(b, root, "documents", documents);

	for (i = 0; list && i < tg_findings_count(findings); i++)
		tg_report__jappend(b, list, finding_value(b, tg_findings_get(findings, i)));
	tg_report__jset(b, root, "findings", list);

	waived = tg_report__jarr(b);
	for (i = 0; waived && i < tg_findings_suppressed_count(findings); i++)
		tg_report__jappend(b, waived, suppressed_value(b,
		                   tg_findings_suppressed(findings, i)));
	tg_report__jset(b, root, "suppressed", waived);
	for (r = 0; r < TG_SUPPRESS__COUNT; r++)
		tg_report__jset(b, by_reason,
		    tg_suppress_reason_name((tg_suppress_reason)r),
		    tg_report__jint(b, (json_int_t)tg_findings_suppressed_total(
		                    findings, (tg_suppress_reason)r)));

	tg_report__jset(b, summary, "documents", tg_report__jint(b, (json_int_t)docs));
	tg_report__jset(b, summary, "errors", tg_report__jint(b, (json_int_t)tg_findings_total(
		findings, TG_SEVERITY_ERROR)));
	tg_report__jset(b, summary, "warnings", tg_report__jint(b, (json_int_t)tg_findings_total(
		findings, TG_SEVERITY_WARNING)));
	tg_report__jset(b, summary, "notes", tg_report__jint(b, (json_int_t)tg_findings_total(
		findings, TG_SEVERITY_NOTE)));
	tg_report__jset(b, summary, "suppressed", tg_report__jint(b,
		(json_int_t)tg_findings_suppressed_count(findings)));
	tg_report__jset(b, summary, "suppressed_by_reason", by_reason);
	tg_report__jset(b, root, "summary", summary);
	return root;
}

int tg_report__json(FILE *out, const tg_findings *findings,
                    const tg_report_options *options)
{
	struct tg_report__json b = { false };
	json_t *root;
	int error;

	(void)options;
	root = report_value(&b, findings);
	error = tg_report__jwrite(out, &b, root);
	json_decref(root);
	return error;
}
