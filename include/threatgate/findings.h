/*
 * threatgate: findings and document summaries (pipeline stage 5).
 *
 * A tg_findings is the result of a run. It copies every string it is given,
 * so documents can be freed as soon as they are checked and a large push
 * keeps only one document in memory.
 */
#ifndef TG_FINDINGS_H
#define TG_FINDINGS_H

#include "common.h"
#include "model.h"

/*
 * A note attached to a finding: evidence or context at another place, as
 * gcc's "note:" lines after an error. Text output prints each one as
 * `path:line:col: note: message` after its finding; JSON lists them under
 * "notes"; other formats may ignore them or append them to the message.
 */
typedef struct {
	char *path;		/* NULL: the finding's path */
	int line;		/* 1-based, 0 when unknown */
	int column;		/* 1-based, 0 when unknown */
	char *message;
} tg_finding_note;

typedef struct {
	tg_rule_id rule;
	tg_severity severity;
	char *path;
	char *revision;		/* commit oid, or NULL for the work tree */
	int line;		/* 1-based */
	int column;		/* 1-based, 0 when unknown */
	char *message;
	char *section;		/* "Security/Threat Model", or NULL */
	char *threat;		/* threat id, or NULL */
	char *repo_path;	/* repository-relative path when `path` is
				   shown otherwise (cwd-relative), or NULL */
	tg_finding_note *notes;	/* in order; copied by tg_findings_add */
	size_t notes_count;
} tg_finding;

/* Why a finding does not count: it was waived, and reports say by what. */
typedef enum {
	TG_SUPPRESS_INLINE = 0,	/* a threatgate-disable comment in the doc */
	TG_SUPPRESS_EXCEPTION,	/* an exception of threatgate.exceptions */
	TG_SUPPRESS_BASELINE,	/* a fingerprint of threatgate.baseline */
	TG_SUPPRESS__COUNT
} tg_suppress_reason;

typedef struct {
	char *id;
	char *title;
	char *category;		/* letters, "ST"; "" when none */
	tg_priority priority;	/* tg_priority_name() prints it */
	char *rating;		/* the rating as written ("High", "Impact:
				 * High / Likelihood: Low"), or NULL */
	char *mitigation;
	tg_status status;	/* tg_status_name() prints it */
	int line;
} tg_threat_summary;

/* One match that counted toward a trigger: the evidence. */
typedef struct {
	char *words;
	int line;
	int column;
	double weight;		/* 2 strong, 1 weak, times where it sits */
	char *where;		/* "title", "summary", "body", "aside", ... */
} tg_trigger_evidence;

typedef struct {
	char *id;
	char *match;		/* the strongest words, or the declaration */
	int line;
	bool declared;		/* by front matter (handles or a field) */
	double score;		/* summed weight of the prose evidence */
	double threshold;	/* what the prose needed */
	tg_trigger_evidence *matches;	/* every counted match, in order */
	size_t matches_count;
} tg_trigger_summary;

/* A section the model recognised: what it is, its title and line. */
typedef struct {
	char *kind;		/* "security", "threat-model", "signoff" */
	char *title;
	int line;
} tg_section_summary;

/* What a report and `scan` need to know of a checked document. */
typedef struct {
	char *path;
	char *revision;
	bool readable;
	char *title;
	char *dri;
	/* front matter status: draft, in-review, approved, implemented,
	 * superseded, withdrawn; as written when not one of those; or NULL */
	char *status;
	char **participants;
	size_t participants_count;
	char *reviewed;		/* ISO date as written, or NULL */
	int age_days;		/* days since review, -1 when unknown */
	bool stale;
	char **covers;
	size_t covers_count;
	tg_threat_summary *threats;
	size_t threats_count;
	tg_trigger_summary *triggers;
	size_t triggers_count;
	bool handles_given;	/* front matter `handles` present */
	char **handles;		/* its concerns; none for `handles: []` */
	size_t handles_count;
	tg_section_summary *sections;
	size_t sections_count;
	bool signoff_required;
	bool signoff_present;
	char **signoff_by;
	size_t signoff_by_count;
	int signoff_line;	/* 0 when none */
	/*
	 * How the sign-off that counts was given: "document" (a line in the
	 * design), "pusher" (pushed by the reviewer it names, on the server),
	 * "approval" (the reviewer approved the pull request); NULL when none
	 * counts.
	 */
	char *signoff_via;
	size_t errors, warnings, notes;
	size_t waived[TG_SUPPRESS__COUNT];	/* waived findings, by reason */
	/*
	 * The findings themselves, kept by `scan` for its HTML page (at most
	 * TG_DOC_FINDINGS_KEPT, in line order); NULL and 0 elsewhere.
	 */
	struct tg_doc_finding *findings;
	size_t findings_count;
} tg_doc_summary;

/* One finding of a document, as a scan keeps it. */
typedef struct tg_doc_finding {
	char *rule;		/* "threat-missing-priority" */
	tg_severity severity;
	int line;		/* 0 when unknown */
	char *message;
} tg_doc_finding;

#define TG_DOC_FINDINGS_KEPT 50

/* What a rule is: the catalogue every report and the rule driver use. */
typedef struct {
	tg_rule_id id;
	const char *name;		/* stable, from SPEC section 2 */
	const char *summary;		/* one line for `threatgate rules` */
	tg_severity default_severity;
	const char *explain;		/* why, plus a fixed example */
} tg_rule_info;

/* The rule catalogue, in SPEC order; *count gets its length. */
TG_EXTERN(const tg_rule_info *) tg_rules_table(size_t *count);
TG_EXTERN(const tg_rule_info *) tg_rules_find(const char *name);

typedef struct tg_findings tg_findings;

/* A waived finding: counted and listed apart, never blocking. */
typedef struct {
	tg_finding finding;
	tg_suppress_reason reason;
	char *exception;	/* the exception's id, or NULL */
	char *justification;	/* the exception's justification, or NULL */
	char *expires;		/* the exception's expiry date, or NULL */
	bool expiring;		/* it ends within threatgate.exceptionWarnDays */
} tg_suppressed;

/*
 * A finding's stable fingerprint, as SARIF's partialFingerprints and the
 * baseline file carry it: 16 hex digits of a hash of the rule, path,
 * section path and threat id (never the line), ':', then the 1-based
 * occurrence among the findings (reported or waived) of the same key and
 * revision, in report order. TG_FINGERPRINT_SIZE holds it with its NUL.
 */
#define TG_FINGERPRINT_SIZE 40
typedef char tg_fingerprint[TG_FINGERPRINT_SIZE];

TG_EXTERN(int) tg_findings_new(tg_findings **out);
TG_EXTERN(void) tg_findings_free(tg_findings *findings);

/* Copies every string of `finding`. */
TG_EXTERN(int) tg_findings_add(tg_findings *findings, const tg_finding *finding);

/* Takes ownership of `summary` (and frees it on failure). */
TG_EXTERN(int) tg_findings_add_document(tg_findings *findings,
	tg_doc_summary *summary);

/*
 * Move every finding and document summary of `from` to the end of
 * `to`, in their order, leaving `from` empty. 0 or TG_ENOMEM (then
 * nothing moved).
 */
TG_EXTERN(int) tg_findings_move(tg_findings *to, tg_findings *from);

TG_EXTERN(size_t) tg_findings_count(const tg_findings *findings);
TG_EXTERN(const tg_finding *) tg_findings_get(const tg_findings *findings,
	size_t i);
TG_EXTERN(size_t) tg_findings_document_count(const tg_findings *findings);
TG_EXTERN(const tg_doc_summary *) tg_findings_document(
	const tg_findings *findings, size_t i);

/* Order by path, line, column, rule: stable output for diffs. */
TG_EXTERN(void) tg_findings_sort(tg_findings *findings);

TG_EXTERN(size_t) tg_findings_total(const tg_findings *findings,
	tg_severity severity);
/* The most severe finding, TG_SEVERITY_OFF when there is none. */
TG_EXTERN(tg_severity) tg_findings_max_severity(const tg_findings *findings);

/*
 * A deep copy of a document summary into *out, for the caller to free
 * with tg_doc_summary_free(): 0, or TG_ENOMEM and *out NULL.
 */
TG_EXTERN(int) tg_doc_summary_dup(tg_doc_summary **out,
	const tg_doc_summary *summary);
TG_EXTERN(void) tg_doc_summary_free(tg_doc_summary *summary);

/* "inline", "exception", "baseline". */
TG_EXTERN(const char *) tg_suppress_reason_name(tg_suppress_reason reason);

/*
 * Record a waived finding (copied, as tg_findings_add does). For reason
 * exception, `exc` gives the exception's id, justification, expiry and
 * whether it ends soon (its pointers are copied); else it may be NULL.
 */
TG_EXTERN(int) tg_findings_add_suppressed(tg_findings *findings,
	const tg_finding *finding, tg_suppress_reason reason,
	const tg_suppressed *exc);

/*
 * How many design documents covered the code a change touched (their
 * `covers`), stale or not: the summary says code was checked against
 * them even when no design document changed.
 */
TG_EXTERN(void) tg_findings_add_covering(tg_findings *findings, size_t n);
TG_EXTERN(size_t) tg_findings_covering(const tg_findings *findings);

TG_EXTERN(size_t) tg_findings_suppressed_count(const tg_findings *findings);
TG_EXTERN(const tg_suppressed *) tg_findings_suppressed(
	const tg_findings *findings, size_t i);
/* How many were waived for `reason`. */
TG_EXTERN(size_t) tg_findings_suppressed_total(const tg_findings *findings,
	tg_suppress_reason reason);

/*
 * The fingerprints of every finding, after tg_findings_sort():
 * (*out_active)[i] is that of tg_findings_get(i), (*out_suppressed)[i]
 * that of tg_findings_suppressed(i). Both arrays are the caller's to
 * free (each at least one element long). 0 or TG_ENOMEM.
 */
TG_EXTERN(int) tg_findings_fingerprints(tg_fingerprint **out_active,
	tg_fingerprint **out_suppressed, const tg_findings *findings);

/*
 * Move every finding whose fingerprint `is_baselined` accepts to the
 * waived list (reason baseline), then sort. 0 or TG_ENOMEM.
 */
TG_EXTERN(int) tg_findings_apply_baseline(tg_findings *findings,
	bool (*is_baselined)(const char *fingerprint, void *payload),
	void *payload);

#endif
