/*
 * Reading scan reports back (`threatgate scan --merge a.json b.json`): an
 * organisation scans each repository in its own CI job and merges the
 * JSON into one report. The reader is strict about the shape (a report of
 * another kind or version is refused, naming the file) and lenient about
 * values: a field that is missing or null is unknown, as the writer means.
 * A threat's priority and status are typed: a name the writer does not
 * write (tg_priority_name, tg_status_name) is refused, naming the report
 * and the document, rather than read as no priority or as open.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "inventory/inventory.h"
#include "util/util.h"
#include "util/banned.h"

struct reader {
	const char *name;	/* the report, for messages */
	bool failed;		/* out of memory */
	int error;		/* a value refused (TG_EINVALID), message set */
};

static char *get_str(struct reader *r, const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	char *s;

	if (!json_is_string(v))
		return NULL;
	s = tg_strndup(json_string_value(v), json_string_length(v));
	if (!s)
		r->failed = true;
	return s;
}

static json_int_t get_int(const json_t *obj, const char *key, json_int_t dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static size_t get_count(const json_t *obj, const char *key)
{
	json_int_t n = get_int(obj, key, 0);

	return n > 0 ? (size_t)n : 0;
}

static bool get_bool(const json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

/* An array of strings; other members are skipped. */
static char **get_strs(struct reader *r, const json_t *obj, const char *key,
                       size_t *count)
{
	const json_t *array = json_object_get(obj, key), *v;
	char **out;
	size_t i, n = json_is_array(array) ? json_array_size(array) : 0;

	*count = 0;
	out = calloc(n + 1, sizeof(*out));
	if (!out) {
		r->failed = true;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		v = json_array_get(array, i);
		if (!json_is_string(v))
			continue;
		out[*count] = tg_strndup(json_string_value(v),
		                         json_string_length(v));
		if (!out[*count]) {
			r->failed = true;
			break;
		}
		(*count)++;
	}
	return out;
}

/* ["S", "T"] -> "ST"; ["a", "b"] (names) -> "a,b". */
static char *get_category(struct reader *r, const json_t *obj)
{
	const json_t *array = json_object_get(obj, "category"), *v;
	tg_buf buf = TG_BUF_INIT;
	bool letters = true;
	size_t i, n = json_is_array(array) ? json_array_size(array) : 0;
	char *s;

	for (i = 0; i < n; i++) {
		v = json_array_get(array, i);
		if (json_is_string(v) && json_string_length(v) != 1)
			letters = false;
	}
	tg_buf_puts(&buf, "");
	for (i = 0; i < n; i++) {
		v = json_array_get(array, i);
		if (!json_is_string(v))
			continue;
		if (!letters && buf.size)
			tg_buf_putc(&buf, ',');
		tg_buf_put(&buf, json_string_value(v), json_string_length(v));
	}
	s = tg_buf_detach(&buf);
	if (!s)
		r->failed = true;
	return s;
}

/*
 * A threat's priority and status: missing or null is none (as the writer
 * writes a threat without a priority); another name is an error.
 */
static void get_threat_enums(struct reader *r, tg_threat_summary *ts,
                             const json_t *t, const char *path, size_t i)
{
	const json_t *p = json_object_get(t, "priority");
	const json_t *s = json_object_get(t, "status");

	ts->priority = TG_PRIORITY_NONE;
	ts->status = TG_STATUS_NONE;
	if (r->error < 0)
		return;
	if (p && !json_is_null(p) && (!json_is_string(p) ||
	    tg_priority_lookup(&ts->priority, json_string_value(p)) < 0)) {
		r->error = tg_error_set(TG_EINVALID, "'%s': document '%s': threat "
			"%zu: unknown priority (expected \"P1\" to \"P5\" or null)",
			r->name, path, i + 1);
		return;
	}
	if (s && !json_is_null(s) && (!json_is_string(s) ||
	    tg_status_lookup(&ts->status, json_string_value(s)) < 0))
		r->error = tg_error_set(TG_EINVALID, "'%s': document '%s': threat "
			"%zu: unknown status%s%s%s (expected open, in-progress, "
			"mitigated, accepted, transferred or not-applicable)", r->name,
			path, i + 1, json_is_string(s) ? " '" : "",
			json_is_string(s) ? json_string_value(s) : "",
			json_is_string(s) ? "'" : "");
}

static int get_line(const json_t *obj, const char *key)
{
	json_int_t n = get_int(obj, key, 0);

	return n > 0 && n < 1000000000 ? (int)n : 0;
}

static tg_doc_summary *read_document(struct reader *r, const json_t *d)
{
	tg_doc_summary *s = calloc(1, sizeof(*s));
	const json_t *threats, *triggers, *signoff, *findings, *t;
	size_t i, n;

	if (!s) {
		r->failed = true;
		return NULL;
	}
	s->path = get_str(r, d, "path");
	if (!s->path && !r->failed)
		s->path = tg_strdup("?");
	s->revision = get_str(r, d, "revision");
	s->readable = !json_is_false(json_object_get(d, "readable"));
	s->title = get_str(r, d, "title");
	s->dri = get_str(r, d, "dri");
	s->status = get_str(r, d, "status");
	s->participants = get_strs(r, d, "participants", &s->participants_count);
	s->reviewed = get_str(r, d, "threat_model_reviewed");
	s->age_days = (int)get_int(d, "age_days", -1);
	s->stale = get_bool(d, "stale");
	s->covers = get_strs(r, d, "covers", &s->covers_count);

	threats = json_object_get(d, "threats");
	n = json_is_array(threats) ? json_array_size(threats) : 0;
	s->threats = calloc(n + 1, sizeof(*s->threats));
	if (!s->threats)
		r->failed = true;
	for (i = 0; s->threats && i < n; i++) {
		tg_threat_summary *ts = &s->threats[s->threats_count];

		t = json_array_get(threats, i);
		if (!json_is_object(t))
			continue;
		s->threats_count++;
		ts->id = get_str(r, t, "id");
		ts->title = get_str(r, t, "title");
		ts->category = get_category(r, t);
		get_threat_enums(r, ts, t, s->path ? s->path : "?", i);
		ts->mitigation = get_str(r, t, "mitigation");
		ts->line = get_line(t, "line");
	}

	triggers = json_object_get(d, "triggers");
	n = json_is_array(triggers) ? json_array_size(triggers) : 0;
	s->triggers = calloc(n + 1, sizeof(*s->triggers));
	if (!s->triggers)
		r->failed = true;
	for (i = 0; s->triggers && i < n; i++) {
		tg_trigger_summary *tr = &s->triggers[s->triggers_count];

		t = json_array_get(triggers, i);
		if (!json_is_object(t))
			continue;
		s->triggers_count++;
		tr->id = get_str(r, t, "id");
		tr->match = get_str(r, t, "match");
		tr->line = get_line(t, "line");
	}

	signoff = json_object_get(d, "signoff");
	s->signoff_required = get_bool(signoff, "required");
	s->signoff_present = get_bool(signoff, "present");
	s->signoff_by = get_strs(r, signoff, "by", &s->signoff_by_count);
	s->signoff_line = get_line(signoff, "line");

	findings = json_object_get(d, "findings");
	s->errors = get_count(findings, "errors");
	s->warnings = get_count(findings, "warnings");
	s->notes = get_count(findings, "notes");
	if (r->failed || r->error < 0) {
		tg_doc_summary_free(s);
		return NULL;
	}
	return s;
}

/* The document's drift into *out; false when it has none (null). */
static bool read_drift(struct reader *r, tg_drift *out, const json_t *d)
{
	const json_t *drift = json_object_get(d, "drift");

	memset(out, 0, sizeof(*out));
	if (!json_is_object(drift))
		return false;
	out->commits = get_count(drift, "commits");
	out->newest = get_str(r, drift, "newest");
	out->newest_date = get_str(r, drift, "newest_date");
	out->authors = get_strs(r, drift, "authors", &out->authors_count);
	out->since = get_str(r, drift, "since");
	out->bounded = get_bool(drift, "bounded");
	return true;
}

static bool same_repository(const json_t *doc, const char *name)
{
	const json_t *v = json_object_get(doc, "repository");

	if (!json_is_string(v))
		return name == NULL;
	return name && strcmp(json_string_value(v), name) == 0;
}

/* Add the documents of `docs` tagged `name` (NULL: untagged or unknown). */
static int add_documents(tg_scan *scan, struct reader *r, const json_t *docs,
                         const char *name, const json_t *repos)
{
	const json_t *d, *repo;
	tg_doc_summary *summary;
	tg_drift drift;
	bool has_drift, known;
	size_t i, j;
	int error = 0;

	for (i = 0; i < json_array_size(docs) && error == 0; i++) {
		d = json_array_get(docs, i);
		if (!json_is_object(d))
			continue;
		if (name && !same_repository(d, name))
			continue;
		if (!name) {
			/* Untagged, or tagged with no listed repository. */
			known = false;
			for (j = 0; j < json_array_size(repos) && !known; j++) {
				repo = json_array_get(repos, j);
				known = json_is_string(json_object_get(repo, "name")) &&
				        same_repository(d, json_string_value(
				                json_object_get(repo, "name")));
			}
			if (known)
				continue;
		}
		summary = read_document(r, d);
		if (!summary)
			return r->error < 0 && !r->failed ? r->error : tg_error_oom();
		has_drift = read_drift(r, &drift, d);
		if (r->failed) {
			tg_drift_release(&drift);
			tg_doc_summary_free(summary);
			return tg_error_oom();
		}
		error = tg_scan_add_document(scan, summary,
		                             has_drift ? &drift : NULL);
		tg_drift_release(&drift);
	}
	return error;
}

int tg_scan_merge_json(tg_scan *scan, const char *name, const char *data,
                       size_t len, const char *fallback)
{
	struct reader r = { .name = name };
	json_error_t jerr;
	json_t *root = NULL;
	const json_t *repos, *docs, *repo, *kind;
	tg_scan_repo info;
	char *repo_name = NULL, *revision = NULL;
	size_t i, untagged = 0;
	int error = 0;

	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return tg_error_set(TG_EINVALID, "cannot read scan report '%s': "
		                    "line %d: %s", name, jerr.line, jerr.text);
	kind = json_object_get(root, "kind");
	if (!json_is_object(root) || !json_is_string(kind) ||
	    strcmp(json_string_value(kind), "scan") != 0) {
		error = tg_error_set(TG_EINVALID, "'%s' is not a scan report "
			"(write one with 'threatgate scan --format json')", name);
		goto done;
	}
	if (get_int(root, "version", 0) != TG_SCAN_JSON_VERSION) {
		error = tg_error_set(TG_EINVALID, "'%s': scan report version %lld "
			"is not supported (expected %d)", name,
			(long long)get_int(root, "version", 0), TG_SCAN_JSON_VERSION);
		goto done;
	}
	repos = json_object_get(root, "repositories");
	docs = json_object_get(root, "documents");
	if (!json_is_array(docs) || (repos && !json_is_array(repos))) {
		error = tg_error_set(TG_EINVALID, "'%s': a scan report needs a "
		                     "\"documents\" array", name);
		goto done;
	}

	for (i = 0; i < json_array_size(repos) && error == 0; i++) {
		repo = json_array_get(repos, i);
		repo_name = get_str(&r, repo, "name");
		revision = get_str(&r, repo, "revision");
		if (r.failed) {
			error = tg_error_oom();
			break;
		}
		if (!repo_name)
			continue;
		memset(&info, 0, sizeof(info));
		info.name = repo_name;
		info.revision = revision;
		info.commits_walked = get_count(repo, "commits_walked");
		info.history_complete = get_bool(repo, "history_complete");
		info.max_age = (int)get_int(repo, "max_age", 270);
		error = tg_scan_add_repository(scan, &info);
		if (error == 0)
			error = add_documents(scan, &r, docs, repo_name, repos);
		free(repo_name);
		free(revision);
		repo_name = revision = NULL;
	}
	if (error < 0)
		goto done;

	/* Documents that name no listed repository: the fallback's. */
	for (i = 0; i < json_array_size(docs); i++) {
		const json_t *d = json_array_get(docs, i), *rn;
		bool known = false;
		size_t j;

		rn = json_object_get(d, "repository");
		for (j = 0; json_is_string(rn) && j < json_array_size(repos); j++)
			known = known || same_repository(d, json_string_value(
				json_object_get(json_array_get(repos, j), "name")));
		if (!known)
			untagged++;
	}
	if (untagged > 0) {
		memset(&info, 0, sizeof(info));
		info.name = (char *)(fallback ? fallback : name);
		info.max_age = 270;
		error = tg_scan_add_repository(scan, &info);
		if (error == 0)
			error = add_documents(scan, &r, docs, NULL, repos);
	}
done:
	free(repo_name);
	free(revision);
	json_decref(root);
	return error;
}
