/*
 * The result of `threatgate scan`: repositories, and their documents'
 * summaries with drift. The scan owns everything it holds, so reports can
 * be written after the repositories are closed.
 */
#include <stdlib.h>
#include <string.h>
#include "threatgate/scan.h"
#include "inventory/inventory.h"
#include "util/util.h"
#include "util/banned.h"

struct entry {
	tg_scan_doc pub;
	tg_doc_summary *owned;
	size_t seq;		/* arrival order, for a stable sort */
};

struct tg_scan {
	tg_vec repos;		/* tg_scan_repo * */
	struct entry *items;
	size_t count;
	size_t alloc;
	char date[11];
};

int tg_scan_new(tg_scan **out)
{
	tg_scan *scan;

	*out = NULL;
	scan = calloc(1, sizeof(*scan));
	if (!scan)
		return tg_error_oom();
	tg_date_format(scan->date, tg_date_today());
	*out = scan;
	return 0;
}

void tg_drift_release(tg_drift *drift)
{
	free(drift->newest);
	free(drift->newest_date);
	tg_strs_free(drift->authors, drift->authors_count);
	free(drift->since);
	memset(drift, 0, sizeof(*drift));
}

static void repo_free(void *p)
{
	tg_scan_repo *repo = p;

	if (!repo)
		return;
	free(repo->name);
	free(repo->revision);
	free(repo);
}

void tg_scan_free(tg_scan *scan)
{
	size_t i;

	if (!scan)
		return;
	for (i = 0; i < scan->count; i++) {
		tg_drift_release(&scan->items[i].pub.drift);
		tg_doc_summary_free(scan->items[i].owned);
	}
	free(scan->items);
	tg_vec_release(&scan->repos, repo_free);
	free(scan);
}

/* Copy a string that may be NULL; false when memory ran out. */
static bool dup_opt(char **out, const char *s)
{
	*out = s ? tg_strdup(s) : NULL;
	return !s || *out;
}

int tg_scan_add_repository(tg_scan *scan, const tg_scan_repo *repo)
{
	tg_scan_repo *copy = calloc(1, sizeof(*copy));
	int error;

	if (!copy)
		return tg_error_oom();
	*copy = *repo;
	if (!dup_opt(&copy->name, repo->name ? repo->name : "") ||
	    !dup_opt(&copy->revision, repo->revision)) {
		repo_free(copy);
		return tg_error_oom();
	}
	error = tg_vec_push(&scan->repos, copy);
	if (error < 0)
		repo_free(copy);
	return error;
}

static int drift_copy(tg_drift *out, const tg_drift *drift)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->commits = drift->commits;
	out->bounded = drift->bounded;
	if (!dup_opt(&out->newest, drift->newest) ||
	    !dup_opt(&out->newest_date, drift->newest_date) ||
	    !dup_opt(&out->since, drift->since))
		goto oom;
	out->authors = calloc(drift->authors_count + 1, sizeof(*out->authors));
	if (!out->authors)
		goto oom;
	for (i = 0; i < drift->authors_count; i++) {
		out->authors[i] = tg_strdup(drift->authors[i]);
		if (!out->authors[i])
			goto oom;
		out->authors_count++;
	}
	return 0;
oom:
	tg_drift_release(out);
	return tg_error_oom();
}

int tg_scan_add_document(tg_scan *scan, tg_doc_summary *summary,
                         const tg_drift *drift)
{
	struct entry *e;
	int error;

	if (!summary || scan->repos.length == 0) {
		tg_doc_summary_free(summary);
		return tg_error_set(TG_EINVALID,
			"a scan document needs a summary and a repository");
	}
	error = tg_array__grow((void **)&scan->items, &scan->alloc,
	                       sizeof(*scan->items), scan->count + 1);
	if (error < 0) {
		tg_doc_summary_free(summary);
		return error;
	}
	e = &scan->items[scan->count];
	memset(e, 0, sizeof(*e));
	if (drift) {
		error = drift_copy(&e->pub.drift, drift);
		if (error < 0) {
			tg_doc_summary_free(summary);
			return error;
		}
		e->pub.has_drift = true;
	}
	e->owned = summary;
	e->pub.doc = summary;
	/* Repository records stay where they are: the name may be shared. */
	e->pub.repository =
		((tg_scan_repo *)scan->repos.items[scan->repos.length - 1])->name;
	e->seq = scan->count;
	scan->count++;
	return 0;
}

size_t tg_scan_count(const tg_scan *scan)
{
	return scan ? scan->count : 0;
}

const tg_scan_doc *tg_scan_get(const tg_scan *scan, size_t i)
{
	if (!scan || i >= scan->count)
		return NULL;
	return &scan->items[i].pub;
}

size_t tg_scan_repository_count(const tg_scan *scan)
{
	return scan ? scan->repos.length : 0;
}

const tg_scan_repo *tg_scan_repository(const tg_scan *scan, size_t i)
{
	if (!scan || i >= scan->repos.length)
		return NULL;
	return scan->repos.items[i];
}

const char *tg_scan_date(const tg_scan *scan)
{
	return scan->date;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c;

	c = tg_strcmp_null(a->pub.repository, b->pub.repository);
	if (c == 0)
		c = tg_strcmp_null(a->pub.doc->path, b->pub.doc->path);
	if (c != 0)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

void tg_scan_sort(tg_scan *scan)
{
	if (!scan)
		return;
	if (scan->count > 1)
		qsort(scan->items, scan->count, sizeof(*scan->items), cmp_entry);
}

int tg_inventory__priority(tg_priority priority)
{
	switch (priority) {
	case TG_PRIORITY_NONE:
	case TG_PRIORITY_P1:
	case TG_PRIORITY_P2:
	case TG_PRIORITY_P3:
	case TG_PRIORITY_P4:
	case TG_PRIORITY_P5:
		return (int)priority;
	}
	return 0;	/* not a tg_priority: counted as none */
}

/* No default: -Wswitch names a status added without an answer here. */
bool tg_threat_status_open(tg_status status)
{
	switch (status) {
	case TG_STATUS_NONE:
	case TG_STATUS_OPEN:
	case TG_STATUS_IN_PROGRESS:
	case TG_STATUS_UNKNOWN:
		return true;
	case TG_STATUS_MITIGATED:
	case TG_STATUS_ACCEPTED:
	case TG_STATUS_TRANSFERRED:
	case TG_STATUS_NOT_APPLICABLE:
		return false;
	}
	return true;	/* not a tg_status: as one off the scale */
}

bool tg_doc_signoff_missing(const tg_doc_summary *doc)
{
	return doc->readable && doc->signoff_required && !doc->signoff_present;
}

void tg_scan_totals_compute(tg_scan_totals *out, const tg_scan *scan)
{
	size_t i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < tg_scan_count(scan); i++) {
		const tg_scan_doc *sd = tg_scan_get(scan, i);
		const tg_doc_summary *d = sd->doc;

		out->documents++;
		for (j = 0; j < TG_SUPPRESS__COUNT; j++)
			out->waived[j] += d->waived[j];
		if (!d->readable) {
			out->unreadable++;
			continue;
		}
		if (d->stale)
			out->stale++;
		if (!d->reviewed || d->age_days < 0)
			out->no_review_date++;
		if (tg_doc_signoff_missing(d))
			out->signoff_missing++;
		out->threats += d->threats_count;
		for (j = 0; j < d->threats_count; j++)
			if (tg_threat_status_open(d->threats[j].status))
				out->open_by_priority[tg_inventory__priority(
					d->threats[j].priority)]++;
		if (sd->has_drift && sd->drift.commits > 0)
			out->drifting++;
		if (d->errors > 0 || d->warnings > 0)
			out->with_findings++;
	}
}

/* ---- helpers of the scan report writers (inventory.h) ---- */

size_t tg_inventory__open_threats(const tg_doc_summary *doc, int max)
{
	size_t i, n = 0;
	int p;

	for (i = 0; i < doc->threats_count; i++) {
		p = tg_inventory__priority(doc->threats[i].priority);
		if (p >= 1 && p <= max &&
		    tg_threat_status_open(doc->threats[i].status))
			n++;
	}
	return n;
}

const char *tg_inventory__signoff_state(const tg_doc_summary *doc)
{
	if (!doc->readable)
		return "unknown";
	if (doc->signoff_present)
		return "signed";
	return doc->signoff_required ? "missing" : "not required";
}

int tg_inventory__rank(const tg_scan_doc *sd)
{
	const tg_doc_summary *d = sd->doc;

	if (!d->readable)
		return 0;
	if (d->stale || tg_doc_signoff_missing(d))
		return 1;
	if (sd->has_drift && sd->drift.commits > 0)
		return 2;
	return 3;
}

struct attention {
	size_t index;
	const tg_scan_doc *doc;
	int rank;
};

static int cmp_attention(const void *pa, const void *pb)
{
	const struct attention *ka = pa, *kb = pb;
	const tg_scan_doc *a = ka->doc, *b = kb->doc;
	int c;

	if (ka->rank != kb->rank)
		return ka->rank - kb->rank;
	/* Oldest review first; no date at all is the oldest. */
	if (a->doc->age_days != b->doc->age_days) {
		if (a->doc->age_days < 0 || b->doc->age_days < 0)
			return a->doc->age_days < 0 ? -1 : 1;
		return a->doc->age_days > b->doc->age_days ? -1 : 1;
	}
	c = tg_strcmp_null(a->repository, b->repository);
	if (c == 0)
		c = tg_strcmp_null(a->doc->path, b->doc->path);
	if (c == 0)
		c = (ka->index > kb->index) - (ka->index < kb->index);
	return c;
}

int tg_inventory__attention(size_t **out, const tg_scan *scan)
{
	size_t n = tg_scan_count(scan), i;
	struct attention *keys = calloc(n + 1, sizeof(*keys));
	size_t *order = calloc(n + 1, sizeof(*order));
	int error = 0;

	*out = NULL;
	if (!keys || !order) {
		error = tg_error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		keys[i].index = i;
		keys[i].doc = tg_scan_get(scan, i);
		keys[i].rank = tg_inventory__rank(keys[i].doc);
	}
	if (n > 1)
		qsort(keys, n, sizeof(*keys), cmp_attention);
	for (i = 0; i < n; i++)
		order[i] = keys[i].index;
	*out = order;
	order = NULL;
done:
	free(order);
	free(keys);
	return error;
}
