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
 * the sign-off state the rules decided. *out gets it (caller frees with
 * tg_doc_summary_free); 0 or TG_ENOMEM, and then *out is NULL.
 */
int tg_findings__summarize(tg_doc_summary **out, const struct tg_model *model,
	const tg_policy *policy, const size_t counts[4], bool signoff_required,
	bool signoff_present);

#endif
