/*
 * The findings stage's insides, for the rule driver.
 */
#ifndef TG_FINDINGS_PRIVATE_H
#define TG_FINDINGS_PRIVATE_H

#include "threatgate/findings.h"
#include "model/model.h"

/*
 * The summary of a checked model: copies of what reports and `scan`
 * show, with `counts` (findings by severity, indexed by tg_severity) and
 * the sign-off state the rules decided: who signed (NULL: nobody whose
 * sign-off counts) and by which means (`via`: "document", "pusher",
 * "approval"). *out gets it (caller frees with tg_doc_summary_free); 0 or
 * TG_ENOMEM, and then *out is NULL.
 */
int tg_findings__summarize(tg_doc_summary **out, const struct tg_model *model,
	const tg_policy *policy, const size_t counts[4], bool signoff_required,
	const char *signoff_who, const char *signoff_via);

/*
 * The rule explanations, docs/rules/<name>.md, embedded by the Makefile
 * (build/gen/rule_docs.c): NUL-terminated, in file-name order.
 */
struct tg_rule_doc {
	const char *name;		/* "missing-section" */
	const unsigned char *text;
	size_t len;
};
extern const struct tg_rule_doc tg_rule_docs[];
extern const size_t tg_rule_docs_count;

/* The catalogue's default severity of a rule (catalog.c). */
tg_severity tg_rules__default_severity(tg_rule_id rule);

#endif
