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

/* A tree under construction: any failed allocation is remembered. */
struct builder {
	bool failed;
};

/*
 * A string as JSON. jansson refuses invalid UTF-8, which a file name may
 * hold: such bytes become U+FFFD rather than losing the whole value.
 */
static json_t *str_value(struct builder *b, const char *s)
{
	tg_buf clean = TG_BUF_INIT;
	size_t len, off = 0, bad;
	bool is_nul;
	json_t *value;

	if (!s)
		return json_null();
	len = strlen(s);
	if (tg_utf8_valid(s, len, &bad, &is_nul)) {
		value = json_stringn(s, len);
		goto done;
	}
	while (off < len) {
		if (tg_utf8_valid(s + off, len - off, &bad, &is_nul)) {
			tg_buf_put(&clean, s + off, len - off);
			break;
		}
		tg_buf_put(&clean, s + off, bad);
		tg_buf_puts(&clean, "\xef\xbf\xbd");
		off += bad + 1;
	}
	value = clean.failed ? NULL : json_stringn(tg_buf_cstr(&clean),
	                                           clean.size);
done:
	tg_buf_release(&clean);
	if (!value)
		b->failed = true;
	return value;
}

static json_t *int_value(struct builder *b, json_int_t n)
{
	json_t *value = json_integer(n);

	if (!value)
		b->failed = true;
	return value;
}

/* A positive line or column, or null when unknown (0). */
static json_t *pos_value(struct builder *b, int n)
{
	return n > 0 ? int_value(b, n) : json_null();
}

static json_t *new_object(struct builder *b)
{
	json_t *value = json_object();

	if (!value)
		b->failed = true;
	return value;
}

static json_t *new_array(struct builder *b)
{
	json_t *value = json_array();

	if (!value)
		b->failed = true;
	return value;
}

/* Both steal `value`, also on failure; a NULL value is a failure. */
static void set(struct builder *b, json_t *obj, const char *key, json_t *value)
{
	if (!value) {
		b->failed = true;
		return;
	}
	if (!obj) {
		json_decref(value);
		b->failed = true;
		return;
	}
	if (json_object_set_new(obj, key, value) < 0)
		b->failed = true;
}

static void append(struct builder *b, json_t *array, json_t *value)
{
	if (!value) {
		b->failed = true;
		return;
	}
	if (!array) {
		json_decref(value);
		b->failed = true;
		return;
	}
	if (json_array_append_new(array, value) < 0)
		b->failed = true;
}

static json_t *str_array(struct builder *b, char *const *strs, size_t count)
{
	json_t *array = new_array(b);
	size_t i;

	for (i = 0; array && i < count; i++)
		append(b, array, str_value(b, strs[i]));
	return array;
}

/* "ST" -> ["S", "T"]; separators a writer may have left are skipped. */
static json_t *category_array(struct builder *b, const char *letters)
{
	json_t *array = new_array(b);
	char one[2] = { 0, 0 };
	const char *p;

	for (p = letters ? letters : ""; array && *p; p++) {
		if (*p == ' ' || *p == ',' || *p == '/')
			continue;
		one[0] = *p;
		append(b, array, str_value(b, one));
	}
	return array;
}

static json_t *threat_value(struct builder *b, const tg_threat_summary *t)
{
	json_t *obj = new_object(b);

	set(b, obj, "id", str_value(b, t->id));
	set(b, obj, "title", str_value(b, t->title));
	set(b, obj, "category", category_array(b, t->category));
	set(b, obj, "priority", str_value(b, t->priority));
	set(b, obj, "mitigation", str_value(b, t->mitigation));
	set(b, obj, "status", str_value(b, t->status));
	set(b, obj, "line", pos_value(b, t->line));
	return obj;
}

static json_t *trigger_value(struct builder *b, const tg_trigger_summary *t)
{
	json_t *obj = new_object(b);

	set(b, obj, "id", str_value(b, t->id));
	set(b, obj, "line", pos_value(b, t->line));
	set(b, obj, "match", str_value(b, t->match));
	return obj;
}

static json_t *document_value(struct builder *b, const tg_doc_summary *d)
{
	json_t *obj = new_object(b);
	json_t *threats = new_array(b);
	json_t *triggers = new_array(b);
	json_t *signoff = new_object(b);
	size_t i;

	set(b, obj, "path", str_value(b, d->path));
	set(b, obj, "revision", str_value(b, d->revision));
	set(b, obj, "title", str_value(b, d->title));
	set(b, obj, "dri", str_value(b, d->dri));
	set(b, obj, "participants",
	    str_array(b, d->participants, d->participants_count));
	set(b, obj, "threat_model_reviewed", str_value(b, d->reviewed));
	set(b, obj, "stale", json_boolean(d->stale));

	for (i = 0; threats && i < d->threats_count; i++)
		append(b, threats, threat_value(b, &d->threats[i]));
	set(b, obj, "threats", threats);

	for (i = 0; triggers && i < d->triggers_count; i++)
		append(b, triggers, trigger_value(b, &d->triggers[i]));
	set(b, obj, "triggers", triggers);

	set(b, signoff, "required", json_boolean(d->signoff_required));
	set(b, signoff, "present", json_boolean(d->signoff_present));
	set(b, signoff, "by", str_array(b, d->signoff_by, d->signoff_by_count));
	set(b, signoff, "line", pos_value(b, d->signoff_line));
	set(b, obj, "signoff", signoff);
	return obj;
}

static json_t *finding_value(struct builder *b, const tg_finding *f)
{
	json_t *obj = new_object(b);

	set(b, obj, "rule", str_value(b, tg_rule_name(f->rule)));
	set(b, obj, "severity", str_value(b, tg_severity_name(f->severity)));
	set(b, obj, "path", str_value(b, f->path));
	set(b, obj, "line", pos_value(b, f->line));
	set(b, obj, "column", pos_value(b, f->column));
	set(b, obj, "message", str_value(b, f->message));
	set(b, obj, "revision", str_value(b, f->revision));
	return obj;
}

static json_t *report_value(struct builder *b, const tg_findings *findings)
{
	json_t *root = new_object(b);
	json_t *tool = new_object(b);
	json_t *documents = new_array(b);
	json_t *list = new_array(b);
	json_t *summary = new_object(b);
	size_t i, docs = tg_findings_document_count(findings);

	set(b, root, "version", int_value(b, JSON_REPORT_VERSION));
	set(b, tool, "name", str_value(b, "threatgate"));
	set(b, tool, "version", str_value(b, tg_version()));
	set(b, root, "tool", tool);

	for (i = 0; documents && i < docs; i++)
		append(b, documents,
		       document_value(b, tg_findings_document(findings, i)));
	set(b, root, "documents", documents);

	for (i = 0; list && i < tg_findings_count(findings); i++)
		append(b, list, finding_value(b, tg_findings_get(findings, i)));
	set(b, root, "findings", list);

	set(b, summary, "documents", int_value(b, (json_int_t)docs));
	set(b, summary, "errors", int_value(b, (json_int_t)tg_findings_total(
		findings, TG_SEVERITY_ERROR)));
	set(b, summary, "warnings", int_value(b, (json_int_t)tg_findings_total(
		findings, TG_SEVERITY_WARNING)));
	set(b, summary, "notes", int_value(b, (json_int_t)tg_findings_total(
		findings, TG_SEVERITY_NOTE)));
	set(b, root, "summary", summary);
	return root;
}

int tg_report__json(FILE *out, const tg_findings *findings,
                    const tg_report_options *options)
{
	struct builder b = { false };
	json_t *root = NULL;
	int error = 0;

	(void)options;
	root = report_value(&b, findings);
	if (b.failed || !root) {
		error = tg_error_oom();
		goto done;
	}
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
	    fputc('\n', out) == EOF) {
		error = tg_error_set(TG_ERROR, "cannot write the report");
		goto done;
	}
done:
	json_decref(root);
	return error;
}
