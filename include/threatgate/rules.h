/*
 * threatgate: the rule table and the check driver (pipeline stage 4).
 */
#ifndef TG_RULES_H
#define TG_RULES_H

#include "common.h"
#include "model.h"
#include "findings.h"

/*
 * An approval of the pull request on the forge (check --approvals FILE),
 * as it applies to one document.
 */
typedef struct {
	const char *login;	/* the forge login, or NULL */
	const char *email;	/* or NULL */
	const char *commit;	/* hex id the approval was given at, or NULL */
	/*
	 * The document is the same at that commit as at the checked head:
	 * the approval saw it. False: the design changed after the approval
	 * (or the commit is unknown), and it does not count.
	 */
	bool current;
} tg_approval;

/*
 * What git knows about a checked document; every field may be NULL/0 when
 * checking files of the work tree.
 */
typedef struct {
	/* The same document before the change (reviewed-date-not-updated). */
	const tg_model *base;
	/*
	 * Who wrote a line of the checked document (blame), for
	 * signoff-unauthorized with threatgate.verifySignoffAuthor. Sets
	 * *email (caller frees) or NULL when unknown.
	 */
	int (*line_author)(char **email, int line, void *payload);
	void *payload;
	/*
	 * Run the sign-off trigger patterns only where a rule needs them: a
	 * document with a valid sign-off in its Sign-off section is then not
	 * scanned, and its summary's trigger list and signoff_required stay
	 * empty: set it only when the report format does not need them,
	 * !(tg_report_needs(format) & TG_REPORT_NEEDS_TRIGGERS).
	 */
	bool lazy_triggers;
	/*
	 * The authenticated pusher on the server (threatgate.pusher), NULL
	 * when none: see tg_policy_pusher_is().
	 */
	const char *pusher;
	/*
	 * (git modes) The emails of who wrote lines first..last of the checked
	 * document (blame): *emails is borrowed, valid while the check runs.
	 * A design's own authors cannot sign its security review.
	 */
	int (*lines_authors)(const char *const **emails, size_t *count,
		int first, int last, void *payload);
	/* The pull request's approvals (check --approvals), and its author. */
	const tg_approval *approvals;
	size_t approvals_count;
	const char *change_author;	/* forge login, or NULL */
	/*
	 * (pre-receive with threatgate.pusher) Who pushed the commit that
	 * added a line, as the server recorded it when that commit was pushed
	 * with a sign-off by the reviewer it names: *pusher (caller frees),
	 * or NULL when nobody such is recorded.
	 */
	int (*line_pusher)(char **pusher, int line, void *payload);
	/*
	 * (git modes) signoff-stale: the last commit that changed any of
	 * lines first..last and that the commit which added `signoff_line`
	 * did not have, authored by someone who is not a security reviewer
	 * (on a server that knows its pushers: or not pushed by the reviewer
	 * whose address it bears): *commit (hex) and *author (who, as a
	 * phrase: "<email>, who is not a security reviewer,"), caller frees;
	 * NULL when none.
	 */
	int (*changed_after)(char **commit, char **author, int signoff_line,
		int first, int last, void *payload);
} tg_check_context;

/*
 * Run every enabled rule over a model. Findings go into `findings`, with
 * the policy's severities and the document's inline suppressions applied;
 * a summary of the document is added too. `context` may be NULL.
 */
TG_EXTERN(int) tg_rules_check(tg_findings *findings, const tg_model *model,
	const tg_policy *policy, const tg_check_context *context);

/*
 * The severity findings of `rule` get under the policy, at its stage
 * (rule.<id>.severity, per-hook severities); TG_SEVERITY_OFF: off.
 */
TG_EXTERN(tg_severity) tg_rules_severity(const tg_policy *policy,
	tg_rule_id rule);

/*
 * Add a finding that no single document's check produces (no-documents,
 * covered-code-changed), with the policy's severity for `rule` and its
 * exceptions applied: nothing is added when the rule is off or excepted.
 * `revision` and `path` may be NULL.
 */
TG_EXTERN(int) tg_rules_add_finding(tg_findings *findings,
	const tg_policy *policy, tg_rule_id rule, const char *path,
	const char *revision, int line, int column, const char *message);
/* The same with evidence: `notes` (count of them) follow the headline. */
TG_EXTERN(int) tg_rules_add_finding_notes(tg_findings *findings,
	const tg_policy *policy, tg_rule_id rule, const char *path,
	const char *revision, int line, int column, const char *message,
	const tg_finding_note *notes, size_t count);

/*
 * Waive the findings whose fingerprints the policy's baseline holds
 * (threatgate.baseline): they move to the waived list with reason
 * baseline, and block nothing. Sorts the findings. 0 or TG_ENOMEM.
 */
TG_EXTERN(int) tg_rules_apply_baseline(tg_findings *findings,
	const tg_policy *policy);

/* Convenience: build the model of `doc` and check it. */
TG_EXTERN(int) tg_check_document(tg_findings *findings, const tg_document *doc,
	const tg_policy *policy, const tg_check_context *context);

#endif
