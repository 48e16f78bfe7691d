/*
 * The rule catalogue: what every rule is called, what it flags, its
 * default severity and its explanation, for the rule driver and every
 * report. The explanations are docs/rules/<rule>.md, embedded at build
 * time (build/gen/rule_docs.c); the checks are in rules/registry.c.
 */
#include <stdlib.h>
#include <string.h>
#include "findings/findings.h"
#include "util/banned.h"

struct row {
	const char *summary;		/* one line for `threatgate rules` */
	tg_rule_id id;
	tg_severity default_severity;
};

/* One row per rule, in SPEC order (tg_rule_id order). */
static const struct row rows[TG_RULE__COUNT] = {
	{ .id = TG_RULE_MISSING_SECTION,
	  .summary = "a required section is absent",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_EMPTY_SECTION,
	  .summary = "a required section has no content",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_NO_THREATS,
	  .summary = "the threat model lists no threat",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_THREAT_MISSING_PRIORITY,
	  .summary = "a threat has no priority on the scale",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_THREAT_MISSING_CATEGORY,
	  .summary = "a threat has no valid category",
	  .default_severity = TG_SEVERITY_WARNING },
	{ .id = TG_RULE_THREAT_MISSING_MITIGATION,
	  .summary = "an open threat has no mitigation",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_RISK_ACCEPTANCE_APPROVAL,
	  .summary = "an accepted threat lacks a sufficient approver",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_STRIDE_COVERAGE,
	  .summary = "a STRIDE category is neither covered nor declared not applicable",
	  .default_severity = TG_SEVERITY_WARNING },
	{ .id = TG_RULE_SIGNOFF_REQUIRED,
	  .summary = "a security sign-off is required and missing",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_SIGNOFF_UNAUTHORIZED,
	  .summary = "a sign-off names someone who is not a security reviewer",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_STALE_THREAT_MODEL,
	  .summary = "the threat model was last reviewed too long ago",
	  .default_severity = TG_SEVERITY_WARNING },
	{ .id = TG_RULE_COVERED_CODE_CHANGED,
	  .summary = "code a design covers changed while its threat model is stale",
	  .default_severity = TG_SEVERITY_WARNING },
	{ .id = TG_RULE_MISSING_DRI,
	  .summary = "no directly responsible individual is named",
	  .default_severity = TG_SEVERITY_WARNING },
	{ .id = TG_RULE_TOO_FEW_PARTICIPANTS,
	  .summary = "fewer participants than the policy's minimum",
	  .default_severity = TG_SEVERITY_WARNING },
	{ .id = TG_RULE_INVALID_METADATA,
	  .summary = "front matter does not parse or has a field of the wrong type",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_UNREADABLE_DOCUMENT,
	  .summary = "the document is binary, not UTF-8 or too large",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_REVIEWED_DATE_NOT_UPDATED,
	  .summary = "the threat model changed but its reviewed date did not",
	  .default_severity = TG_SEVERITY_WARNING },
	{ .id = TG_RULE_NO_DOCUMENTS,
	  .summary = "Markdown changed but no path matched the document globs",
	  .default_severity = TG_SEVERITY_NOTE },
	{ .id = TG_RULE_UNDECLARED_CONCERN,
	  .summary = "the prose shows a concern the front matter's handles leaves out",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_UNKNOWN_RULE,
	  .summary = "a suppression comment names a rule that does not exist",
	  .default_severity = TG_SEVERITY_WARNING },
	{ .id = TG_RULE_HIDDEN_DOCUMENT,
	  .summary = "a design path holds no regular file, or a name dodges the document globs",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_SIGNOFF_STALE,
	  .summary = "the threat model changed after its sign-off, by someone who is not a reviewer",
	  .default_severity = TG_SEVERITY_ERROR },
	{ .id = TG_RULE_UNREADABLE_THREATS,
	  .summary = "the threat model holds threats threatgate could not read",
	  .default_severity = TG_SEVERITY_WARNING },
};

static const char *explain_text(const char *name)
{
	size_t i;

	for (i = 0; i < tg_rule_docs_count; i++)
		if (strcmp(tg_rule_docs[i].name, name) == 0)
			return (const char *)tg_rule_docs[i].text;
	return "";
}

const tg_rule_info *tg_rules_table(size_t *count)
{
	static tg_rule_info infos[TG_RULE__COUNT];
	static bool ready;
	size_t i;

	/* tg_init() fills it before any thread could race. */
	if (!ready) {
		for (i = 0; i < TG_RULE__COUNT; i++) {
			infos[i].id = rows[i].id;
			infos[i].name = tg_rule_name(rows[i].id);
			infos[i].summary = rows[i].summary;
			infos[i].default_severity = rows[i].default_severity;
			infos[i].explain = explain_text(infos[i].name);
		}
		ready = true;
	}
	*count = TG_RULE__COUNT;
	return infos;
}

const tg_rule_info *tg_rules_find(const char *name)
{
	size_t count, i;
	const tg_rule_info *table = tg_rules_table(&count);

	for (i = 0; i < count; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

tg_severity tg_rules__default_severity(tg_rule_id rule)
{
	return (int)rule >= 0 && rule < TG_RULE__COUNT ?
	       rows[rule].default_severity : TG_SEVERITY_OFF;
}
