/*
 * threatgate: the inventory of every design document of a repository at
 * a revision, with the drift of the code each one covers (`threatgate
 * scan`). A scan holds document summaries (findings.h) plus, for every
 * document with `covers` globs, what changed in the covered code since
 * the threat model was last reviewed.
 *
 * Drift, precisely:
 *
 * - The *review point* of a document is a moment. When its front matter
 *   has a valid `threat-model-reviewed` date, it is the end of that day,
 *   UTC. Otherwise it is the committer time of the newest commit, reachable
 *   from the scanned revision, whose change to the document altered the
 *   text of its Threat Model section (adding the document with such a
 *   section counts; a rename counts as adding). Without either, the
 *   document has no review point.
 * - History is walked once from the revision, newest committer time
 *   first. Each non-merge commit is compared with its parent (a root
 *   commit with the empty tree); merge commits are skipped, as
 *   `git log --name-only` shows no paths for them. Every changed path is
 *   matched against the `covers` globs of every document.
 * - A document's drift is the set of those commits that touched a path it
 *   covers and were committed strictly later than its review point (every
 *   such commit when it has none): how many, the newest one and the
 *   distinct authors, newest first.
 * - Commits older than `since`, or than every review point the walk
 *   needs, are not compared; the walk stops after 100 of them in a row
 *   (committer dates are not always in order: an older commit may have a
 *   newer parent), or after `max_commits` commits. A shallow clone's
 *   history ends at its boundary. When history was left out back to a
 *   time later than a document's review point, that document's count is
 *   a lower bound (`bounded`).
 */
#ifndef TG_SCAN_H
#define TG_SCAN_H

#include "common.h"
#include "policy.h"
#include "findings.h"

typedef struct git_repository git_repository;

/* What changed in the code a document covers since its review point. */
typedef struct {
	size_t commits;		/* commits that touched a covered path */
	char *newest;		/* hex id of the newest of them, or NULL */
	char *newest_date;	/* its committer date, YYYY-MM-DD, or NULL */
	char **authors;		/* "Name <email>", distinct, newest first */
	size_t authors_count;
	char *since;		/* the review point: a date, a commit id, or
				 * NULL when the document has none */
	bool bounded;		/* the walk stopped before the review point:
				 * `commits` is a lower bound */
} tg_drift;

/* Free what a drift holds and zero it (a drift the caller filled). */
TG_EXTERN(void) tg_drift_release(tg_drift *drift);

/* One document of a scan. Every pointer is owned by the scan. */
typedef struct {
	const tg_doc_summary *doc;
	const char *repository;	/* the repository it was found in */
	bool has_drift;		/* it covers code: `drift` is meaningful */
	tg_drift drift;
} tg_scan_doc;

/* One repository scanned (or merged in from a scan report). */
typedef struct {
	char *name;
	char *revision;		/* the commit scanned, hex, or NULL */
	size_t commits_walked;
	bool history_complete;	/* the walk reached the root commits */
	int max_age;		/* the policy's threatgate.maxAge */
} tg_scan_repo;

typedef struct tg_scan tg_scan;

TG_EXTERN(int) tg_scan_new(tg_scan **out);
TG_EXTERN(void) tg_scan_free(tg_scan *scan);

/*
 * Record a repository; the strings are copied. Documents added later are
 * tagged with its name. Returns 0 or TG_ENOMEM.
 */
TG_EXTERN(int) tg_scan_add_repository(tg_scan *scan, const tg_scan_repo *repo);

/*
 * Add a document of the last repository added. Takes ownership of
 * `summary` (freed on failure too); `drift` (NULL: the document covers no
 * code) is copied. Returns 0, TG_ENOMEM, or TG_EINVALID before any
 * repository was added.
 */
TG_EXTERN(int) tg_scan_add_document(tg_scan *scan, tg_doc_summary *summary,
	const tg_drift *drift);

TG_EXTERN(size_t) tg_scan_count(const tg_scan *scan);
/* The i-th document, borrowed; NULL when out of range. */
TG_EXTERN(const tg_scan_doc *) tg_scan_get(const tg_scan *scan, size_t i);
TG_EXTERN(size_t) tg_scan_repository_count(const tg_scan *scan);
TG_EXTERN(const tg_scan_repo *) tg_scan_repository(const tg_scan *scan,
	size_t i);

/* Order by repository, then path: stable output for diffs. */
TG_EXTERN(void) tg_scan_sort(tg_scan *scan);

/* The date the scan describes (THREATGATE_TODAY in tests), YYYY-MM-DD. */
TG_EXTERN(const char *) tg_scan_date(const tg_scan *scan);

/* Counts every report shows, computed from the documents. */
typedef struct {
	size_t documents;
	size_t unreadable;
	size_t stale;
	size_t no_review_date;
	size_t signoff_missing;	/* a sign-off is required and absent */
	size_t threats;
	size_t open_by_priority[6];	/* [0]: no priority, [1..5]: P1..P5 */
	size_t drifting;		/* documents with drift commits */
	size_t with_findings;		/* documents with errors or warnings */
	size_t waived[TG_SUPPRESS__COUNT];	/* waived findings, by reason */
} tg_scan_totals;

TG_EXTERN(void) tg_scan_totals_compute(tg_scan_totals *out,
	const tg_scan *scan);

/*
 * Whether a threat status counts as open: none given, open, in-progress,
 * or one off the scale.
 */
TG_EXTERN(bool) tg_threat_status_open(tg_status status);
/* Whether a document needs a sign-off it lacks. */
TG_EXTERN(bool) tg_doc_signoff_missing(const tg_doc_summary *doc);

typedef struct {
	const char *rev;		/* NULL: HEAD */
	const char *repository;		/* NULL: the remote's or folder's name */
	long since;			/* days since 1970-01-01, -1: no bound */
	size_t max_commits;		/* 0: no bound */
} tg_scan_options;

#define TG_SCAN_OPTIONS_INIT { .since = -1 }

/*
 * Scan a repository: check every design document at the revision (as
 * `check --all` does, summaries only) and compute the drift of those with
 * `covers` in one walk of history. Unreadable documents are listed as
 * such. Errors: TG_ENOTFOUND for an unknown revision, TG_EREPO when
 * history cannot be read, TG_ENOMEM.
 *
 * The walk keeps the trees it compares again in a small cache of its own;
 * over a long history libgit2's object cache only holds memory (parsed
 * commits), and a caller may turn it off (GIT_OPT_ENABLE_CACHING), as
 * `threatgate scan` does.
 */
TG_EXTERN(int) tg_scan_run(tg_scan *scan, git_repository *repo,
	const tg_scan_options *options, const tg_policy *policy);

/*
 * Add the documents of a scan report written with `--format json`
 * (`threatgate scan --merge`). `name` names the report in messages.
 * Documents keep the repository they were tagged with; `fallback` names
 * the repository of those that have none (may be NULL). TG_EINVALID when
 * the text is not a scan report.
 */
TG_EXTERN(int) tg_scan_merge_json(tg_scan *scan, const char *name,
	const char *data, size_t len, const char *fallback);

#endif
