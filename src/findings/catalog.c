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
	tg_rule_id id;
	const char *summary;		/* one line for `threatgate rules` */
	tg_severity default_severity;
};

/* One row per rule, in SPEC order (tg_rule_id order). */
static const struct row rows[TG_RULE__COUNT] = {
	{ TG_RULE_MISSING_SECTION, "a required section is absent",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_EMPTY_SECTION, "a required section has no content",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_NO_THREATS, "the threat model lists no threat",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_THREAT_MISSING_PRIORITY, "a threat has no priority on the scale",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_THREAT_MISSING_CATEGORY, "a threat has no valid category",
	  TG_SEVERITY_WARNING },
	{ TG_RULE_THREAT_MISSING_MITIGATION, "an open threat has no mitigation",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_RISK_ACCEPTANCE_APPROVAL, "an accepted threat lacks a sufficient approver",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_STRIDE_COVERAGE, "a STRIDE category is neither covered nor declared not applicable",
	  TG_SEVERITY_WARNING },
	{ TG_RULE_SIGNOFF_REQUIRED, "a security sign-off is required and missing",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_SIGNOFF_UNAUTHORIZED, "a sign-off names someone who is not a security reviewer",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_STALE_THREAT_MODEL, "the threat model was last reviewed too long ago",
	  TG_SEVERITY_WARNING },
	{ TG_RULE_COVERED_CODE_CHANGED, "code a design covers changed while its threat model is stale",
	  TG_SEVERITY_WARNING },
	{ TG_RULE_MISSING_DRI, "no directly responsible individual is named",
	  TG_SEVERITY_WARNING },
	{ TG_RULE_TOO_FEW_PARTICIPANTS, "fewer participants than the policy's minimum",
	  TG_SEVERITY_WARNING },
	{ TG_RULE_INVALID_METADATA, "front matter does not parse or has a field of the wrong type",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_UNREADABLE_DOCUMENT, "the document is binary, not UTF-8 or too large",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_REVIEWED_DATE_NOT_UPDATED, "the threat model changed but its reviewed date did not",
	  TG_SEVERITY_WARNING },
	{ TG_RULE_NO_DOCUMENTS, "Markdown changed but no path matched the document globs",
	  TG_SEVERITY_NOTE },
	{ TG_RULE_UNDECLARED_CONCERN, "the prose shows a concern the front matter's handles leaves out",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_UNKNOWN_RULE, "a suppression comment names a rule that does not exist",
	  TG_SEVERITY_WARNING },
	{ TG_RULE_HIDDEN_DOCUMENT, "a design path holds no regular file, or a name dodges the document globs",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_SIGNOFF_STALE, "the threat model changed after its sign-off, by someone who is not a reviewer",
	  TG_SEVERITY_ERROR },
	{ TG_RULE_UNREADABLE_THREATS, "the threat model holds threats threatgate could not read",
	  TG_SEVERITY_WARNING },
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
