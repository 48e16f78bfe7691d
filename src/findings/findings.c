/*
 * The result of a run: findings (copied) and document summaries (owned).
 */
#include <stdlib.h>
#include <string.h>
#include "threatgate/findings.h"
#include "util/util.h"
#include "util/banned.h"

/* A finding and the order it arrived in, so that sorting is stable. */
struct entry {
	tg_finding finding;
	size_t seq;
};

struct tg_findings {
	struct entry *items;
	size_t count;
	size_t alloc;
	size_t seq;
	tg_vec documents;	/* tg_doc_summary * */
};

int tg_findings_new(tg_findings **out)
{
	tg_findings *findings;

	*out = NULL;
	findings = calloc(1, sizeof(*findings));
	if (!findings)
		return tg_error_oom();
	*out = findings;
	return 0;
}

static void finding_release(tg_finding *finding)
{
	free(finding->path);
	free(finding->revision);
	free(finding->message);
	free(finding->section);
	free(finding->threat);
}

static void doc_summary_free_item(void *summary)
{
	tg_doc_summary_free(summary);
}

void tg_findings_free(tg_findings *findings)
{
	size_t i;

	if (!findings)
		return;
	for (i = 0; i < findings->count; i++)
		finding_release(&findings->items[i].finding);
	free(findings->items);
	tg_vec_release(&findings->documents, doc_summary_free_item);
	free(findings);
}

/* Copy `s` into *out; a NULL string stays NULL. */
static int copy_str(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = tg_strdup(s);
	return *out ? 0 : tg_error_oom();
}

int tg_findings_add(tg_findings *findings, const tg_finding *finding)
{
	tg_finding copy;
	int error;

	if (!findings || !finding)
		return tg_error_set(TG_EINVALID, "no finding given");
	/* A rule turned off reports nothing. */
	if (finding->severity == TG_SEVERITY_OFF)
		return 0;

	memset(&copy, 0, sizeof(copy));
	copy.rule = finding->rule;
	copy.severity = finding->severity;
	copy.line = finding->line;
	copy.column = finding->column;

	error = copy_str(&copy.path, finding->path ? finding->path : "");
	if (error < 0)
		goto done;
	error = copy_str(&copy.revision, finding->revision);
	if (error < 0)
		goto done;
	error = copy_str(&copy.message,
	                 finding->message ? finding->message : "");
	if (error < 0)
		goto done;
	error = copy_str(&copy.section, finding->section);
	if (error < 0)
		goto done;
	error = copy_str(&copy.threat, finding->threat);
	if (error < 0)
		goto done;

	error = tg_array__grow((void **)&findings->items, &findings->alloc,
	                       sizeof(*findings->items), findings->count + 1);
	if (error < 0)
		goto done;
	findings->items[findings->count].finding = copy;
	findings->items[findings->count].seq = findings->seq++;
	findings->count++;
	memset(&copy, 0, sizeof(copy));	/* the list owns the strings now */
	error = 0;
done:
	finding_release(&copy);
	return error;
}

int tg_findings_add_document(tg_findings *findings, tg_doc_summary *summary)
{
	int error;

	if (!findings || !summary) {
		tg_doc_summary_free(summary);
		return tg_error_set(TG_EINVALID, "no document summary given");
	}
	error = tg_vec_push(&findings->documents, summary);
	if (error < 0)
		tg_doc_summary_free(summary);
	return error;
}

int tg_findings_move(tg_findings *to, tg_findings *from)
{
	size_t i;

	if (from->count > SIZE_MAX - to->count ||
	    tg_array__grow((void **)&to->items, &to->alloc, sizeof(*to->items),
	                   to->count + from->count) < 0)
		return tg_error_oom();
	for (i = 0; i < from->documents.length; i++)
		if (tg_vec_push(&to->documents, from->documents.items[i]) < 0) {
			to->documents.length -= i;	/* still from's */
			return tg_error_oom();
		}
	for (i = 0; i < from->count; i++) {
		to->items[to->count] = from->items[i];
		to->items[to->count++].seq = to->seq++;
	}
	from->count = 0;
	from->documents.length = 0;
	return 0;
}

size_t tg_findings_count(const tg_findings *findings)
{
	return findings ? findings->count : 0;
}

const tg_finding *tg_findings_get(const tg_findings *findings, size_t i)
{
	if (!findings || i >= findings->count)
		return NULL;
	return &findings->items[i].finding;
}

size_t tg_findings_document_count(const tg_findings *findings)
{
	return findings ? findings->documents.length : 0;
}

const tg_doc_summary *tg_findings_document(const tg_findings *findings,
                                           size_t i)
{
	if (!findings || i >= findings->documents.length)
		return NULL;
	return findings->documents.items[i];
}

/* NULL sorts first: the work tree before any revision. */
static int strcmp_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *ea = pa, *eb = pb;
	const tg_finding *a = &ea->finding, *b = &eb->finding;
	int c;

	c = strcmp_null(a->path, b->path);
	if (c == 0)
		c = cmp_int(a->line, b->line);
	if (c == 0)
		c = cmp_int(a->column, b->column);
	if (c == 0)
		c = cmp_int((int)a->rule, (int)b->rule);
	if (c == 0)
		c = strcmp_null(a->revision, b->revision);
	if (c != 0)
		return c;
	/* Same place, same rule (two threats on one line): keep arrival order. */
	return (ea->seq > eb->seq) - (ea->seq < eb->seq);
}

static int cmp_summary(const void *pa, const void *pb)
{
	const tg_doc_summary *a = *(const tg_doc_summary *const *)pa;
	const tg_doc_summary *b = *(const tg_doc_summary *const *)pb;
	int c;

	c = strcmp_null(a->path, b->path);
	if (c != 0)
		return c;
	return strcmp_null(a->revision, b->revision);
}

/*
 * Count each document's findings afresh, so that its totals always agree
 * with the finding list whoever filled them in.
 */
static void count_per_document(tg_findings *findings)
{
	size_t i, j;
	tg_doc_summary *doc;
	const tg_finding *f;

	for (i = 0; i < findings->documents.length; i++) {
		doc = findings->documents.items[i];
		doc->errors = doc->warnings = doc->notes = 0;
		for (j = 0; j < findings->count; j++) {
			f = &findings->items[j].finding;
			if (strcmp_null(f->path, doc->path) != 0 ||
			    strcmp_null(f->revision, doc->revision) != 0)
				continue;
			if (f->severity == TG_SEVERITY_ERROR)
				doc->errors++;
			else if (f->severity == TG_SEVERITY_WARNING)
				doc->warnings++;
			else if (f->severity == TG_SEVERITY_NOTE)
				doc->notes++;
		}
	}
}

void tg_findings_sort(tg_findings *findings)
{
	if (!findings)
		return;
	if (findings->count > 1)
		qsort(findings->items, findings->count, sizeof(*findings->items),
		      cmp_entry);
	if (findings->documents.length > 1)
		qsort(findings->documents.items, findings->documents.length,
		      sizeof(*findings->documents.items), cmp_summary);
	count_per_document(findings);
}

size_t tg_findings_total(const tg_findings *findings, tg_severity severity)
{
	size_t i, n = 0;

	if (!findings)
		return 0;
	for (i = 0; i < findings->count; i++)
		if (findings->items[i].finding.severity == severity)
			n++;
	return n;
}

tg_severity tg_findings_max_severity(const tg_findings *findings)
{
	tg_severity max = TG_SEVERITY_OFF;
	size_t i;

	if (!findings)
		return max;
	for (i = 0; i < findings->count; i++)
		if (findings->items[i].finding.severity > max)
			max = findings->items[i].finding.severity;
	return max;
}

static void free_strs(char **strs, size_t count)
{
	size_t i;

	if (!strs)
		return;
	for (i = 0; i < count; i++)
		free(strs[i]);
	free(strs);
}

void tg_doc_summary_free(tg_doc_summary *summary)
{
	size_t i;

	if (!summary)
		return;
	free(summary->path);
	free(summary->revision);
	free(summary->title);
	free(summary->dri);
	free_strs(summary->participants, summary->participants_count);
	free(summary->reviewed);
	free_strs(summary->covers, summary->covers_count);
	if (summary->threats) {
		for (i = 0; i < summary->threats_count; i++) {
			free(summary->threats[i].id);
			free(summary->threats[i].title);
			free(summary->threats[i].category);
			free(summary->threats[i].priority);
			free(summary->threats[i].mitigation);
			free(summary->threats[i].status);
		}
		free(summary->threats);
	}
	if (summary->triggers) {
		for (i = 0; i < summary->triggers_count; i++) {
			free(summary->triggers[i].id);
			free(summary->triggers[i].match);
		}
		free(summary->triggers);
	}
	free_strs(summary->signoff_by, summary->signoff_by_count);
	free(summary);
}
