/*
 * The result of a run: findings (copied) and document summaries (owned).
 */
#include <stdint.h>
#include <stdio.h>
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
	tg_vec suppressed;	/* struct sentry * */
	size_t covering;	/* designs covering changed code */
};

/* A waived finding and its arrival order. */
struct sentry {
	tg_suppressed s;
	size_t seq;
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

static void notes_release(tg_finding_note *notes, size_t count)
{
	size_t i;

	for (i = 0; notes && i < count; i++) {
		free(notes[i].path);
		free(notes[i].message);
	}
	free(notes);
}

static void finding_release(tg_finding *finding)
{
	notes_release(finding->notes, finding->notes_count);
	free(finding->path);
	free(finding->revision);
	free(finding->message);
	free(finding->section);
	free(finding->threat);
	free(finding->repo_path);
}

static void doc_summary_free_item(void *summary)
{
	tg_doc_summary_free(summary);
}

static void sentry_free(void *item)
{
	struct sentry *e = item;

	if (!e)
		return;
	finding_release(&e->s.finding);
	free(e->s.exception);
	free(e->s.justification);
	free(e->s.expires);
	free(e);
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
	tg_vec_release(&findings->suppressed, sentry_free);
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

/* A deep copy of `finding`; on failure *copy holds nothing to free. */
static int copy_finding(tg_finding *copy, const tg_finding *finding)
{
	size_t n;
	int error;

	memset(copy, 0, sizeof(*copy));
	copy->rule = finding->rule;
	copy->severity = finding->severity;
	copy->line = finding->line;
	copy->column = finding->column;

	error = copy_str(&copy->path, finding->path ? finding->path : "");
	if (error == 0)
		error = copy_str(&copy->revision, finding->revision);
	if (error == 0)
		error = copy_str(&copy->message,
		                 finding->message ? finding->message : "");
	if (error == 0)
		error = copy_str(&copy->section, finding->section);
	if (error == 0)
		error = copy_str(&copy->threat, finding->threat);
	if (error == 0 && finding->repo_path && finding->path &&
	    strcmp(finding->repo_path, finding->path) != 0)
		error = copy_str(&copy->repo_path, finding->repo_path);
	if (error == 0 && finding->notes_count) {
		copy->notes = calloc(finding->notes_count, sizeof(*copy->notes));
		if (!copy->notes)
			error = tg_error_oom();
	}
	for (n = 0; error == 0 && n < finding->notes_count; n++) {
		const tg_finding_note *from = &finding->notes[n];

		copy->notes_count++;
		copy->notes[n].line = from->line;
		copy->notes[n].column = from->column;
		error = copy_str(&copy->notes[n].path, from->path);
		if (error == 0)
			error = copy_str(&copy->notes[n].message,
			                 from->message ? from->message : "");
	}
	if (error < 0) {
		finding_release(copy);
		memset(copy, 0, sizeof(*copy));
	}
	return error;
}

int tg_findings_add(tg_findings *findings, const tg_finding *finding)
{
	tg_finding copy;
	int error;

	memset(&copy, 0, sizeof(copy));
	if (!findings || !finding)
		return tg_error_set(TG_EINVALID, "no finding given");
	/* A rule turned off reports nothing. */
	if (finding->severity == TG_SEVERITY_OFF)
		return 0;

	error = copy_finding(&copy, finding);
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

const char *tg_suppress_reason_name(tg_suppress_reason reason)
{
	switch (reason) {
	case TG_SUPPRESS_INLINE:
		return "inline";
	case TG_SUPPRESS_EXCEPTION:
		return "exception";
	case TG_SUPPRESS_BASELINE:
		return "baseline";
	default:
		return NULL;
	}
}

int tg_findings_add_suppressed(tg_findings *findings,
	const tg_finding *finding, tg_suppress_reason reason,
	const tg_suppressed *exc)
{
	struct sentry *e = NULL;
	int error;

	if (!findings || !finding || reason >= TG_SUPPRESS__COUNT)
		return tg_error_set(TG_EINVALID, "no finding given");
	if (finding->severity == TG_SEVERITY_OFF)
		return 0;
	e = calloc(1, sizeof(*e));
	if (!e)
		return tg_error_oom();
	e->s.reason = reason;
	error = copy_finding(&e->s.finding, finding);
	if (error < 0) {
		free(e);	/* copy_finding() left nothing to free */
		return error;
	}
	if (exc) {
		e->s.expiring = exc->expiring;
		error = copy_str(&e->s.exception, exc->exception);
		if (error == 0)
			error = copy_str(&e->s.justification, exc->justification);
		if (error == 0)
			error = copy_str(&e->s.expires, exc->expires);
	}
	if (error < 0)
		goto done;
	e->seq = findings->seq++;
	error = tg_vec_push(&findings->suppressed, e);
	if (error < 0)
		goto done;
	e = NULL;
done:
	sentry_free(e);
	return error;
}

void tg_findings_add_covering(tg_findings *findings, size_t n)
{
	if (findings)
		findings->covering += n;
}

size_t tg_findings_covering(const tg_findings *findings)
{
	return findings ? findings->covering : 0;
}

size_t tg_findings_suppressed_count(const tg_findings *findings)
{
	return findings ? findings->suppressed.length : 0;
}

const tg_suppressed *tg_findings_suppressed(const tg_findings *findings,
                                            size_t i)
{
	const struct sentry *e;

	if (!findings || i >= findings->suppressed.length)
		return NULL;
	e = findings->suppressed.items[i];
	return &e->s;
}

size_t tg_findings_suppressed_total(const tg_findings *findings,
                                    tg_suppress_reason reason)
{
	const struct sentry *e;
	size_t i, n = 0;

	for (i = 0; findings && i < findings->suppressed.length; i++) {
		e = findings->suppressed.items[i];
		if (e->s.reason == reason)
			n++;
	}
	return n;
}

int tg_findings_move(tg_findings *to, tg_findings *from)
{
	size_t i, supp = to->suppressed.length;

	for (i = 0; i < from->suppressed.length; i++)
		if (tg_vec_push(&to->suppressed, from->suppressed.items[i]) < 0) {
			to->suppressed.length = supp;	/* still from's */
			return tg_error_oom();
		}
	if (from->count > SIZE_MAX - to->count ||
	    tg_array__grow((void **)&to->items, &to->alloc, sizeof(*to->items),
	                   to->count + from->count) < 0)
		goto oom;
	for (i = 0; i < from->documents.length; i++)
		if (tg_vec_push(&to->documents, from->documents.items[i]) < 0) {
			to->documents.length -= i;	/* still from's */
			goto oom;
		}
	for (i = 0; i < from->count; i++) {
		to->items[to->count] = from->items[i];
		to->items[to->count++].seq = to->seq++;
	}
	for (i = supp; i < to->suppressed.length; i++)
		((struct sentry *)to->suppressed.items[i])->seq = to->seq++;
	to->covering += from->covering;
	from->count = 0;
	from->documents.length = 0;
	from->suppressed.length = 0;
	from->covering = 0;
	return 0;
oom:
	to->suppressed.length = supp;
	return tg_error_oom();
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

static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

/* Report order: path, line, column, rule, revision. */
static int cmp_finding(const tg_finding *a, const tg_finding *b)
{
	int c;

	c = tg_strcmp_null(a->path, b->path);
	if (c == 0)
		c = cmp_int(a->line, b->line);
	if (c == 0)
		c = cmp_int(a->column, b->column);
	if (c == 0)
		c = cmp_int((int)a->rule, (int)b->rule);
	if (c == 0)
		c = tg_strcmp_null(a->revision, b->revision);
	return c;
}

static int cmp_sentry(const void *pa, const void *pb)
{
	const struct sentry *ea = *(const struct sentry *const *)pa;
	const struct sentry *eb = *(const struct sentry *const *)pb;
	int c = cmp_finding(&ea->s.finding, &eb->s.finding);

	if (c != 0)
		return c;
	return (ea->seq > eb->seq) - (ea->seq < eb->seq);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *ea = pa, *eb = pb;
	int c = cmp_finding(&ea->finding, &eb->finding);

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

	c = tg_strcmp_null(a->path, b->path);
	if (c != 0)
		return c;
	return tg_strcmp_null(a->revision, b->revision);
}

/* The first of the n sorted findings whose path is not below `path`. */
static size_t lower_bound(const struct entry *items, size_t n,
                          const char *path)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tg_strcmp_null(items[mid].finding.path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t lower_bound_s(void *const *items, size_t n, const char *path)
{
	size_t lo = 0, hi = n, mid;
	const struct sentry *e;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		e = items[mid];
		if (tg_strcmp_null(e->s.finding.path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Count each document's findings afresh, so that its totals always agree
 * with the finding lists whoever filled them in. Both lists are sorted by
 * path: each document looks at its own path's run only.
 */
static void count_per_document(tg_findings *findings)
{
	size_t i, j;
	tg_doc_summary *doc;
	const tg_finding *f;
	const struct sentry *e;

	for (i = 0; i < findings->documents.length; i++) {
		doc = findings->documents.items[i];
		doc->errors = doc->warnings = doc->notes = 0;
		memset(doc->waived, 0, sizeof(doc->waived));
		for (j = lower_bound(findings->items, findings->count, doc->path);
		     j < findings->count; j++) {
			f = &findings->items[j].finding;
			if (tg_strcmp_null(f->path, doc->path) != 0)
				break;
			if (tg_strcmp_null(f->revision, doc->revision) != 0)
				continue;
			if (f->severity == TG_SEVERITY_ERROR)
				doc->errors++;
			else if (f->severity == TG_SEVERITY_WARNING)
				doc->warnings++;
			else if (f->severity == TG_SEVERITY_NOTE)
				doc->notes++;
		}
		for (j = lower_bound_s(findings->suppressed.items,
		                       findings->suppressed.length, doc->path);
		     j < findings->suppressed.length; j++) {
			e = findings->suppressed.items[j];
			if (tg_strcmp_null(e->s.finding.path, doc->path) != 0)
				break;
			if (tg_strcmp_null(e->s.finding.revision, doc->revision) == 0)
				doc->waived[e->s.reason]++;
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
	if (findings->suppressed.length > 1)
		qsort(findings->suppressed.items, findings->suppressed.length,
		      sizeof(*findings->suppressed.items), cmp_sentry);
	count_per_document(findings);
}

/*
 * A fingerprint only has to tell findings apart and stay the same from
 * run to run: util's FNV-1a will do.
 */
static uint64_t fnv1a(uint64_t hash, const char *s)
{
	/* A separator that no string holds: ("ab","c") differs from ("a","bc"). */
	static const unsigned char separator = 0xff;

	if (!s)
		s = "";
	hash = tg_hash_bytes(hash, s, strlen(s));
	return tg_hash_bytes(hash, &separator, 1);
}

static uint64_t key_hash(const tg_finding *f)
{
	uint64_t hash = TG_HASH_INIT;

	hash = fnv1a(hash, tg_rule_name(f->rule));
	/* The repository's path: the same wherever the check ran from. */
	hash = fnv1a(hash, f->repo_path ? f->repo_path : f->path);
	hash = fnv1a(hash, f->section);
	hash = fnv1a(hash, f->threat);
	return hash;
}

/* One finding of either list, for numbering occurrences across both. */
struct keyed {
	uint64_t hash;
	const tg_finding *finding;
	size_t rank;		/* position in report order, both lists merged */
	char *out;		/* where its fingerprint goes */
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int c;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	c = tg_strcmp_null(a->finding->revision, b->finding->revision);
	if (c != 0)
		return c;
	return (a->rank > b->rank) - (a->rank < b->rank);
}

int tg_findings_fingerprints(tg_fingerprint **out_active,
	tg_fingerprint **out_suppressed, const tg_findings *findings)
{
	size_t na = tg_findings_count(findings);
	size_t ns = tg_findings_suppressed_count(findings);
	size_t i, a = 0, k = 0, occurrence = 0;
	tg_fingerprint *active = NULL, *supp = NULL;
	struct keyed *all = NULL;
	const struct sentry *e;
	int error = 0;

	*out_active = NULL;
	*out_suppressed = NULL;
	active = calloc(na ? na : 1, sizeof(*active));
	supp = calloc(ns ? ns : 1, sizeof(*supp));
	all = calloc(na + ns ? na + ns : 1, sizeof(*all));
	if (!active || !supp || !all) {
		error = tg_error_oom();
		goto done;
	}
	/* Merge the two sorted lists: one report order for both. */
	for (i = 0; i < na + ns; i++) {
		const tg_finding *f;
		char *out;

		e = k < ns ? findings->suppressed.items[k] : NULL;
		if (!e && a >= na)
			break;	/* cannot happen: na + ns in all */
		if (a < na && (!e || cmp_finding(&findings->items[a].finding,
		                                 &e->s.finding) <= 0)) {
			f = &findings->items[a].finding;
			out = active[a++];
		} else {
			f = &e->s.finding;
			out = supp[k++];
		}
		all[i].hash = key_hash(f);
		all[i].finding = f;
		all[i].rank = i;
		all[i].out = out;
	}
	if (na + ns > 1)
		qsort(all, na + ns, sizeof(*all), cmp_keyed);
	for (i = 0; i < na + ns; i++) {
		if (i == 0 || all[i].hash != all[i - 1].hash ||
		    tg_strcmp_null(all[i].finding->revision,
		                all[i - 1].finding->revision) != 0)
			occurrence = 0;
		occurrence++;
		snprintf(all[i].out, TG_FINGERPRINT_SIZE, "%016llx:%zu",
		         (unsigned long long)all[i].hash, occurrence);
	}
	*out_active = active;
	*out_suppressed = supp;
	active = NULL;
	supp = NULL;
done:
	free(all);
	free(supp);
	free(active);
	return error;
}

int tg_findings_apply_baseline(tg_findings *findings,
	bool (*is_baselined)(const char *fingerprint, void *payload),
	void *payload)
{
	tg_fingerprint *active = NULL, *supp = NULL;
	struct sentry *e;
	size_t i, kept = 0, moved = 0, base, pushed = 0;
	int error;

	if (!findings || !is_baselined)
		return 0;
	tg_findings_sort(findings);
	error = tg_findings_fingerprints(&active, &supp, findings);
	if (error < 0)
		goto done;
	for (i = 0; i < findings->count; i++)
		if (is_baselined(active[i], payload))
			moved++;
	/* Every entry first, so that nothing can fail half-way through. */
	base = findings->suppressed.length;
	for (pushed = 0; pushed < moved; pushed++) {
		e = calloc(1, sizeof(*e));
		if (!e || tg_vec_push(&findings->suppressed, e) < 0) {
			free(e);
			error = tg_error_oom();
			goto undo;
		}
	}
	for (i = 0, pushed = base; i < findings->count; i++) {
		if (!is_baselined(active[i], payload)) {
			findings->items[kept++] = findings->items[i];
			continue;
		}
		e = findings->suppressed.items[pushed++];
		e->s.finding = findings->items[i].finding;
		e->s.reason = TG_SUPPRESS_BASELINE;
		e->seq = findings->items[i].seq;
	}
	findings->count = kept;
	if (moved)
		tg_findings_sort(findings);
	goto done;
undo:
	for (i = base; i < findings->suppressed.length; i++)
		free(findings->suppressed.items[i]);
	findings->suppressed.length = base;
done:
	free(supp);
	free(active);
	return error;
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
