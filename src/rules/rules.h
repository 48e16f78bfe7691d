/*
 * The rule driver's insides: what a check function sees.
 */
#ifndef TG_RULES_PRIVATE_H
#define TG_RULES_PRIVATE_H

#include "threatgate/rules.h"
#include "model/model.h"

struct tg_rule_ctx {
	const struct tg_model *model;
	const tg_policy *policy;
	const tg_check_context *git;	/* never NULL: zeroed when absent */
	tg_findings *findings;
	tg_rule_id rule;		/* the rule being checked */
	const char *section;		/* section path for the next report */
	const char *threat;		/* threat id for the next report */
	bool signoff_part;		/* the report is about the Sign-off
					 * section: a reviewer's to fill in */
	size_t counts[4];		/* findings added, by severity */
	tg_finding_note *notes;		/* queued for the next report */
	size_t notes_count, notes_alloc;
};

typedef int (*tg_rule_check_fn)(struct tg_rule_ctx *ctx,
	const struct tg_model *model);

/*
 * Report a finding of the current rule at a line of the document. The
 * driver applies the policy's severity, inline suppressions and the
 * exceptions file. Returns 0 or TG_ENOMEM.
 */
int tg_rule_report(struct tg_rule_ctx *ctx, int line, int column,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same with a severity chosen by the check (per-threat severities). */
int tg_rule_report_severity(struct tg_rule_ctx *ctx, tg_severity severity,
	int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Queue a note for the next finding the check reports: evidence at a line
 * of the same document (text output prints `path:line:col: note: ...`
 * after the finding). tg_rule_report() attaches the queue to its finding
 * and empties it, also when the finding is suppressed. Returns 0 or
 * TG_ENOMEM.
 */
int tg_rule_note(struct tg_rule_ctx *ctx, int line, int column,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Whether a sign-off is required for this document, and why (caller frees). */
bool tg_rules__signoff_required(const struct tg_model *model, char **why);
/*
 * Whether a valid sign-off by an authorized reviewer is present, who
 * is not signing their own design: in the document, or an approval of
 * the pull request.
 */
bool tg_rules__signoff_present(const struct tg_rule_ctx *ctx,
	const struct tg_model *model);
/* Who signed, and how ("document", "approval"); both NULL when nobody. */
int tg_rules__signoff_by(const struct tg_rule_ctx *ctx,
	const struct tg_model *model, const char **who, const char **via);
/* "T1" or the threat's title, shortened: how findings name a threat. */
const char *tg_rules__threat_label(const struct tg_threat *t, char *buf,
	size_t size);
/* "Security/Threat Model": a section and its parents, for fingerprints. */
char *tg_rules__section_path(const struct tg_section *section);

/* Checks, one per rule, grouped by file. */
int tg_check_missing_section(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_empty_section(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_no_threats(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_unreadable_threats(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_threat_missing_priority(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_threat_missing_category(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_threat_missing_mitigation(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_risk_acceptance_approval(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_stride_coverage(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_signoff_required(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_signoff_unauthorized(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_signoff_stale(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_stale_threat_model(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_missing_dri(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_too_few_participants(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_invalid_metadata(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_reviewed_date_not_updated(struct tg_rule_ctx *, const struct tg_model *);
int tg_check_undeclared_concern(struct tg_rule_ctx *, const struct tg_model *);

/* Queue notes quoting a trigger's strongest prose matches. */
int tg_rules__evidence_notes(struct tg_rule_ctx *ctx,
	const struct tg_trigger_hit *hit);
int tg_check_unknown_rule(struct tg_rule_ctx *, const struct tg_model *);

/* A stale design that covers changed code (git/covers.c finds them). */
struct tg_stale_cover {
	char *path;
	char *reviewed;		/* NULL: no review date */
	long age;		/* days since the review */
	char *glob;		/* the first of its covers that matched */
};

/* What covered-code-changed is decided on: the walk's results, as data. */
struct tg_covered_code {
	const tg_vec *changed;	/* char *: the changed paths */
	const tg_vec *hits;	/* [changed->length] of indexes into stale */
	const tg_vec *stale;	/* struct tg_stale_cover * */
	const char *revision;	/* where, for the findings */
};

/* The covered-code-changed findings of one target. 0 or TG_ENOMEM. */
int tg_rules__covered_code_changed(tg_findings *findings,
	const tg_policy *policy, const struct tg_covered_code *covered);

#endif
